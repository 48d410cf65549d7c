// `node src/micro/cel-eval.ts [--rounds 7] [--ms 150]`: ns per evaluation of S4's and S2's CEL,
// the cel-js interpreter vs the translated closures vs the generated function (codegen.ts, with the
// closures behind it), through cel/index.ts evaluate() and through the engine's compileExpr (which
// also builds the activation, and generates the function once the expression is hot, as in a
// server). Time is this process's CPU time (process.cpuUsage), so other processes on a shared
// machine count less; variants alternate within each round and the figures are medians over the
// rounds.
//
// "engine, before" emulates the engine as it was: the interpreter and a copy of vars per
// evaluation. Other expressions are evaluated first, so the closures' shared code is as
// polymorphic as in a server with several flows (a generated function is per expression).
import { parseArgs } from "node:util";
import { compile, RUNTIME_VARIABLES } from "../../../packages/runtime/src/cel/index.ts";
import { compileExpr } from "../../../packages/runtime/src/engine/expr.ts";
import type { Message } from "../../../packages/runtime/src/engine/message.ts";
import { ORDER } from "../scenarios/memory-flows.ts";

const { values } = parseArgs({
  options: { rounds: { type: "string", default: "7" }, ms: { type: "string", default: "150" } },
});
const ROUNDS = Number(values.rounds);
const ROUND_MS = Number(values.ms);

const S4 = '{"count": body.count + 1.0, "sum": body.sum + vars.item}';
const S2 = `{"id": body.orderId,
 "name": body.customer.firstName.upperAscii() + " " + body.customer.lastName.upperAscii(),
 "currency": body.currency.upperAscii(),
 "total": body.items.map(i, i.price * i.qty).sum(),
 "lines": size(body.items)}`;

const items = Array.from({ length: 1000 }, (_, i) => i + 0.5);
const messages: Record<string, Message> = {
  S4: {
    body: { count: 3, sum: 4.5 },
    vars: { items, item: 3.5, itemIndex: 3 },
    eventID: "e",
    correlationID: "c",
  },
  S2: { body: ORDER, vars: {}, eventID: "e", correlationID: "c" },
};
const env = { REGION: "eu" };

function activation(msg: Message, copyVars: boolean): Record<string, unknown> {
  return {
    body: msg.body,
    vars: copyVars ? { ...msg.vars } : msg.vars,
    eventID: msg.eventID,
    correlationID: msg.correlationID,
    env,
    now: null,
  };
}

type Tier = "interpreter" | "closures" | "generated";
const TIERS: Tier[] = ["interpreter", "closures", "generated"];

/** Fails unless the expression runs on the tier (the OTHERS may have nothing to generate). */
function celExpr(source: string, tier: Tier, strict = true) {
  // Generated at once (compile() otherwise waits until an expression is hot).
  const options = { closures: tier !== "interpreter", codegen: tier === "generated", codegenAfter: 0 };
  const r = compile(source, { variables: RUNTIME_VARIABLES }, options);
  if (!r.ok) throw new Error(r.errors[0]?.message);
  if (options.closures && !r.expr.compiledToClosures) throw new Error(`not translated: ${source}`);
  if (strict && options.codegen && !r.expr.compiledToCode) throw new Error(`not generated: ${source}`);
  return r.expr;
}

// Other expressions first (every tier), as a server with several flows would have.
const OTHERS = [
  'body.name + "-" + vars.who',
  "body.amount >= 1000.0 && vars.count < 3.0",
  '{"a": body.x, "b": [body.y, 1.0], "c": vars.z}',
  "size(body.tags) > 0 ? body.tags[0] : 'none'",
  "body.items.filter(i, i.qty > 1.0).map(i, i.sku)",
  'has(body.customer.email) ? body.customer.email.lowerAscii() : ""',
  "body.total * 1.2 - vars.discount",
];
const otherAct = {
  body: { name: "n", amount: 2000, x: 1, y: "y", tags: ["t"], items: ORDER.items, customer: {}, total: 10 },
  vars: { who: "w", count: 1, z: null, discount: 1 },
  eventID: "e",
  correlationID: "c",
  env,
  now: null,
};
for (const source of OTHERS) {
  for (const tier of TIERS) {
    const e = celExpr(source, tier, false);
    for (let i = 0; i < 2000; i++) e.evaluate(otherAct);
  }
}

type Variant = { name: string; run: () => unknown };

function variants(id: "S4" | "S2", source: string): Variant[] {
  const msg = messages[id] as Message;
  const interp = celExpr(source, "interpreter");
  const closures = celExpr(source, "closures");
  const generated = celExpr(source, "generated");
  const act = activation(msg, false);
  const engine = compileExpr(source, env);
  if (!engine.ok) throw new Error("compileExpr failed");
  return [
    { name: `${id} evaluate(), interpreter`, run: () => interp.evaluate(act) },
    { name: `${id} evaluate(), closures`, run: () => closures.evaluate(act) },
    { name: `${id} evaluate(), generated`, run: () => generated.evaluate(act) },
    {
      name: `${id} engine, before (interpreter + vars copy)`,
      run: () => interp.evaluate(activation(msg, true)),
    },
    { name: `${id} engine, now (compileExpr)`, run: () => engine.expr.evaluate(msg) },
  ];
}

/** CPU nanoseconds of this process so far. */
function cpuNs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
}

/** ns per call over ~ROUND_MS of calls. */
function time(v: Variant): number {
  let n = 1000;
  for (;;) {
    const t0 = cpuNs();
    for (let i = 0; i < n; i++) v.run();
    const ns = cpuNs() - t0;
    if (ns >= ROUND_MS * 1e6 || n >= 1e8) return ns / n;
    n = Math.ceil((n * ROUND_MS * 1.1e6) / Math.max(ns, 1e5));
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

const s4 = variants("S4", S4);
const s2 = variants("S2", S2);
const all = [...s4, ...s2];
// Same results from every variant.
for (const group of [s4, s2]) {
  const expected = JSON.stringify(group[0]?.run());
  for (const v of group) {
    if (JSON.stringify(v.run()) !== expected)
      throw new Error(`${v.name} differs: ${JSON.stringify(v.run())}`);
  }
}
for (const v of all) time({ ...v }); // warm-up
const samples = new Map(all.map((v) => [v.name, [] as number[]]));
for (let r = 0; r < ROUNDS; r++) for (const v of all) samples.get(v.name)?.push(time(v));

console.log(`median CPU ns/evaluation over ${ROUNDS} rounds of ~${ROUND_MS} ms (node ${process.version})`);
for (const [name, xs] of samples) {
  console.log(
    `${name.padEnd(48)} ${median(xs).toFixed(0).padStart(6)} ns  (min ${Math.min(...xs).toFixed(0)})`,
  );
}
