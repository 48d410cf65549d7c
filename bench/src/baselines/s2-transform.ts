// S2 baseline: POST /s2 with an order; renames fields, sums the lines, uppercases names.
import { readJson, sendJson, serve } from "./http.ts";

interface Order {
  orderId: string;
  customer: { firstName: string; lastName: string };
  currency: string;
  items: { sku: string; qty: number; price: number }[];
}

serve(async (req, res) => {
  if (req.method !== "POST" || req.url !== "/s2") return sendJson(res, 404, { error: "not found" });
  const order = (await readJson(req)) as Order;
  sendJson(res, 200, {
    id: order.orderId,
    name: `${order.customer.firstName.toUpperCase()} ${order.customer.lastName.toUpperCase()}`,
    currency: order.currency.toUpperCase(),
    total: order.items.reduce((sum, item) => sum + item.price * item.qty, 0),
    lines: order.items.length,
  });
});
