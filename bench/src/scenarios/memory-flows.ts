// The flows and payloads of S2 and the memory scenarios. The transform is S2's (rename fields, sum the
// lines, uppercase) over an order of the same shape, so "through S2" means the same CEL work.

/** A ~150-byte order, as S2 sends it. */
export const ORDER = {
  orderId: "A-1042",
  customer: { firstName: "ada", lastName: "lovelace" },
  currency: "eur",
  items: [
    { sku: "x1", qty: 2, price: 9.5 },
    { sku: "y2", qty: 4, price: 4.25 },
    { sku: "z3", qty: 1, price: 12 },
  ],
};

export interface Order {
  orderId: string;
  customer: { firstName: string; lastName: string };
  currency: string;
  items: { sku: string; qty: number; price: number }[];
}

/** S2's transform of an order (a `process:` list item, indented for a flow). */
export const TRANSFORM = `
      - type: set-payload
        settings:
          value: >-
            {"id": body.orderId,
             "name": body.customer.firstName.upperAscii() + " " + body.customer.lastName.upperAscii(),
             "currency": body.currency.upperAscii(),
             "total": body.items.map(i, i.price * i.qty).sum(),
             "lines": size(body.items)}`;

/** What the transform answers for `order` (lines summed in order, as CEL's sum() does). */
export function transformed(order: Order) {
  return {
    id: order.orderId,
    name: `${order.customer.firstName.toUpperCase()} ${order.customer.lastName.toUpperCase()}`,
    currency: order.currency.toUpperCase(),
    total: order.items.reduce((sum, i) => sum + i.price * i.qty, 0),
    lines: order.items.length,
  };
}

/** The S2 transform as a sourceless flow "s2", fed with runtime.invoke. */
export function s2InvokeYaml(workers: number, buffer: number): string {
  return `
service: { name: bench-memory-s2 }
flows:
  - name: s2
    workers: ${workers}
    buffer: ${buffer}
    process:${TRANSFORM}
`;
}

/** An http server on an ephemeral port with no time limit that a big body could hit. */
const HTTP_CONNECTOR = `
connectors:
  - name: api
    type: http
    settings: { host: 127.0.0.1, port: 0, requestTimeout: "0", readTimeout: "0" }
`;

const httpSource = (path: string, maxBodyBytes: number) =>
  `source: { connector: api, type: http, settings: { path: ${path}, method: POST, maxBodyBytes: ${maxBodyBytes} } }`;

/** S2 over http (POST /s2), for bodies up to `maxBodyBytes`. */
export function s2HttpYaml(maxBodyBytes: number): string {
  return `
service: { name: bench-memory-s2-http }
${HTTP_CONNECTOR}
flows:
  - name: s2
    ${httpSource("/s2", maxBodyBytes)}
    process:${TRANSFORM}
`;
}

/** POST /foreach {items: [...]}: a foreach whose body is a CEL set-payload per item (S4's shape, over line items). */
export function foreachHttpYaml(maxBodyBytes: number): string {
  return `
service: { name: bench-memory-foreach }
${HTTP_CONNECTOR}
flows:
  - name: foreach
    ${httpSource("/foreach", maxBodyBytes)}
    process:
      - type: set-variable
        settings: { name: items, value: body.items }
      - type: set-payload
        settings: { value: '{"count": 0.0, "total": 0.0}' }
      - type: foreach
        items: vars.items
        body:
          process:
            - type: set-payload
              settings: { value: '{"count": body.count + 1.0, "total": body.total + vars.item.price * vars.item.qty}' }
`;
}

/** What the foreach flow answers for `items`. */
export function foreachResult(items: Order["items"]) {
  return { count: items.length, total: items.reduce((sum, i) => sum + i.price * i.qty, 0) };
}

/** Line `i` of a generated order: ~40 bytes of JSON, prices in halves so that sums stay exact. */
export function line(i: number): Order["items"][number] {
  return { sku: `x${String(i).padStart(7, "0")}`, qty: (i % 5) + 1, price: (i % 100) + 0.5 };
}

/** `count` generated lines. */
export function lines(count: number): Order["items"] {
  return Array.from({ length: count }, (_, i) => line(i));
}

/** An order with just enough lines for its JSON to reach `bytes`. */
export function largeOrder(bytes: number): Order {
  const items: Order["items"] = [];
  let size = JSON.stringify({ ...ORDER, items: [] }).length;
  while (size < bytes) {
    const next = line(items.length);
    size += JSON.stringify(next).length + 1; // and its comma
    items.push(next);
  }
  return { ...ORDER, items };
}

/**
 * A flow that can run 2 messages at once with 16 waiting, whose only step takes as long as the
 * stub at `stubURL` takes to answer: its capacity is known and small.
 */
export function boundedQueueYaml(stubURL: string): string {
  return `
service: { name: bench-memory-bounded-queue }
connectors:
  - name: api
    type: http
    settings: { host: 127.0.0.1, port: 0 }
  - name: stub
    type: http-client
    settings: { baseURL: "${stubURL}" }
flows:
  - name: slow
    workers: 2
    buffer: 16
    source: { connector: api, type: http, settings: { path: /slow } }
    process:
      - type: rest
        settings: { connector: stub, method: GET, path: /slow }
`;
}
