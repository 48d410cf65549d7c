// S2's work written by hand: what both S2 baselines (the load one and the large-payload floor) do
// with an order. Plain JavaScript, the way a person would write it.

export interface Order {
  orderId: string;
  customer: { firstName: string; lastName: string };
  currency: string;
  items: { sku: string; qty: number; price: number }[];
}

/** Renames fields, uppercases names, sums the lines. */
export function transformOrder(order: Order) {
  return {
    id: order.orderId,
    name: `${order.customer.firstName.toUpperCase()} ${order.customer.lastName.toUpperCase()}`,
    currency: order.currency.toUpperCase(),
    total: order.items.reduce((sum, item) => sum + item.price * item.qty, 0),
    lines: order.items.length,
  };
}
