// The recorded trace follows what the runtime spec says each flow does: the spec's own examples
// and the samples builtins-demo, http-orders and error-handling, run for real (the error-handling
// inventory is a closed local port, as in the sample's own test).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { memoryLogger } from "../../../test/helpers.ts";
import { freePort, sample } from "../../../test/octo-process.ts";
import { YamlSource } from "../../config/yaml-source.ts";
import type { Message } from "../../engine/message.ts";
import { loadRuntime, loadRuntimeFromSources, type RuntimeLoad } from "../../engine/runtime.ts";
import { defaultRegistry } from "../../plugin/default-registry.ts";
import type { FlowTrace, StepTrace, TraceNode } from "./model.ts";
import { type TraceRecorderOptions, traceRecorder } from "./recorder.ts";

/** The tree's shape: one line per node, indented; scopes with their iteration, flows with their status. */
function outline(node: TraceNode, indent = ""): string {
  const head =
    node.kind === "flow"
      ? `flow ${node.flow}${node.oneWay ? " oneWay" : ""} ${node.status}`
      : node.kind === "scope"
        ? `${node.slot}#${node.iteration}${node.label === undefined ? "" : ` (${node.label})`}`
        : `${node.type}${node.name === undefined ? "" : ` ${node.name}`}${node.error ? " ✗" : ""}`;
  return [`${indent}${head}`, ...node.children.map((c) => outline(c, `${indent}  `))].join("\n");
}

/** Every step of a trace, depth first. */
function steps(node: TraceNode): StepTrace[] {
  const own = node.kind === "step" ? [node] : [];
  return [...own, ...node.children.flatMap(steps)];
}

function check(r: RuntimeLoad) {
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
  return r.runtime;
}

/** Runs one flow of a config with a recorder; the trace is read after the runtime stopped. */
async function traced(
  load: (tracer: ReturnType<typeof traceRecorder>["tracer"]) => RuntimeLoad,
  flow: string,
  body: unknown,
  init: Partial<Omit<Message, "body">> = {},
  opts: TraceRecorderOptions = {},
) {
  const recorder = traceRecorder(opts);
  const runtime = check(load(recorder.tracer));
  await runtime.start({ sources: false });
  const outcome = await runtime.invoke(flow, body, init).finally(() => runtime.stop());
  const trace = recorder.traceOf(outcome.message) as FlowTrace;
  expect(trace).toBeDefined();
  return { outcome, trace };
}

const fromFile =
  (file: string, osEnv: Record<string, string> = {}) =>
  (tracer: ReturnType<typeof traceRecorder>["tracer"]) =>
    loadRuntime(file, { registry: defaultRegistry(), osEnv, logger: memoryLogger(), tracer });

const fromText =
  (yaml: string, osEnv: Record<string, string> = {}) =>
  (tracer: ReturnType<typeof traceRecorder>["tracer"]) =>
    loadRuntimeFromSources([new YamlSource("spec.yaml", yaml)], {
      registry: defaultRegistry(),
      osEnv,
      logger: memoryLogger(),
      tracer,
    });

/** 1-based line of the first line of `file` that contains `text`. */
function lineOf(file: string, text: string, from = 0): number {
  const lines = readFileSync(file, "utf8").split("\n");
  const i = lines.findIndex((l, n) => n >= from && l.includes(text));
  if (i < 0) throw new Error(`${text} not in ${file}`);
  return i + 1;
}

describe("hello-invoke (spec §7)", () => {
  it("records the one set-payload with its place, input and output", async () => {
    const file = sample("hello-invoke", "hello-invoke.yaml");
    const { trace } = await traced(fromFile(file), "greet", { name: "Ada" });
    expect(outline(trace)).toBe(["flow greet completed", "  process#0", "    set-payload"].join("\n"));
    const [step] = steps(trace);
    expect(step?.location).toEqual({
      file: expect.stringMatching(/samples\/hello-invoke\/hello-invoke\.yaml$/),
      line: lineOf(file, "type: set-payload"),
      col: 9,
    });
    expect(step?.input).toEqual({ body: { name: "Ada" }, vars: {} });
    expect(step?.output).toEqual({ body: { greeting: "hello, Ada!" }, vars: {} });
    expect(trace.output?.body).toEqual({ greeting: "hello, Ada!" });
    expect(step?.durationMs).toBeGreaterThanOrEqual(0);
  });
});

describe("builtins-demo (spec §7: set-payload, set-variable, if/else, foreach with a nested switch, delete-variable)", () => {
  const file = sample("builtins-demo", "builtins-demo.yaml");
  const orders = [
    { id: 1, total: 250 },
    { id: 2, total: 40 },
    { id: 3, total: 1200 },
    { id: 4, total: 99 },
  ];

  it("has one foreach iteration per order, each taking the switch case its total calls for", async () => {
    const { trace } = await traced(fromFile(file), "summarize", { customer: "ada", orders });
    const iteration = (n: number, taken: string) =>
      [`      body#${n}`, "        switch", `          ${taken}`, "            set-variable"].join("\n");
    expect(outline(trace)).toBe(
      [
        "flow summarize completed",
        "  process#0",
        "    set-variable",
        "    set-variable",
        "    foreach",
        iteration(0, "cases[1]#0 (when vars.order.total >= 100.0)"),
        iteration(1, "default#0"),
        iteration(2, "cases[0]#0 (when vars.order.total >= 1000.0)"),
        iteration(3, "default#0"),
        "    set-variable",
        "    if",
        "      then#0",
        "        set-variable",
        "    set-payload",
        "    delete-variable",
        "    log",
      ].join("\n"),
    );
  });

  it("shows vars before and after each step: the loop variable inside, buckets until deleted", async () => {
    const { trace } = await traced(fromFile(file), "summarize", {
      customer: "ada",
      orders: orders.slice(0, 2),
    });
    const all = steps(trace);
    const foreach = all.find((s) => s.type === "foreach") as StepTrace;
    expect(foreach.input.vars).toEqual({ customer: "ADA", buckets: { small: 0, medium: 0, large: 0 } });
    // The loop's own variables are gone after it; the buckets were counted.
    expect(foreach.output?.vars).toEqual({ customer: "ADA", buckets: { small: 1, medium: 1, large: 0 } });
    const firstSwitch = steps(foreach).find((s) => s.type === "switch") as StepTrace;
    expect(firstSwitch.input.vars).toMatchObject({ order: { id: 1, total: 250 }, orderIndex: 0 });
    const ifStep = all.find((s) => s.type === "if") as StepTrace;
    expect(outline(ifStep)).toBe(["if", "  else#0", "    set-variable"].join("\n"));
    const del = all.find((s) => s.type === "delete-variable") as StepTrace;
    expect(del.input.vars).toHaveProperty("buckets");
    expect(del.output?.vars).not.toHaveProperty("buckets");
    expect(del.location.line).toBe(lineOf(file, "type: delete-variable"));
  });
});

describe("http-orders (spec §7: switch on method, if on amount, sync enrich and oneWay audit flow-refs)", () => {
  const file = sample("http-orders", "http-orders.yaml");
  const request = (method: string) => ({ vars: { method, id: "42", query: {}, path: "/orders/42" } });

  it("POST: the switch's POST case, the if on the amount, enrich nested under its flow-ref, audit oneWay", async () => {
    const { trace, outcome } = await traced(fromFile(file), "orders-api", { amount: 1500 }, request("POST"));
    expect(outcome.status).toBe("completed");
    expect(outline(trace)).toBe(
      [
        "flow orders-api completed",
        "  process#0",
        "    set-variable",
        "    flow-ref",
        "      flow audit oneWay completed",
        "        process#0",
        "          log",
        "    switch",
        `      cases[1]#0 (when vars.method == "POST")`,
        "        if",
        "          then#0",
        "            set-variable",
        "        flow-ref",
        "          flow enrich completed",
        "            process#0",
        "              set-payload",
        "        set-variable",
      ].join("\n"),
    );
    const enrichRef = steps(trace).filter((s) => s.type === "flow-ref")[1] as StepTrace;
    expect(enrichRef.output?.body).toMatchObject({ id: "42", amount: 1500, priority: "high" });
  });

  it("GET takes the first case; a small POST the else branch; DELETE the default", async () => {
    const get = await traced(fromFile(file), "orders-api", null, request("GET"));
    expect(outline(get.trace)).toContain(`cases[0]#0 (when vars.method == "GET")\n        set-payload`);
    const small = await traced(fromFile(file), "orders-api", { amount: 10 }, request("POST"));
    expect(outline(small.trace)).toContain("if\n          else#0\n            set-variable");
    const del = await traced(fromFile(file), "orders-api", null, request("DELETE"));
    expect(outline(del.trace)).toContain(
      "    switch\n      default#0\n        set-variable\n        set-payload",
    );
  });
});

describe("error-handling (spec §7: handle-errors recovery, a flow error chain answering 502)", () => {
  const file = sample("error-handling", "error-handling.yaml");

  it("stock: the rest call fails inside handle-errors, whose error scope recovers", async () => {
    const inventory = `http://127.0.0.1:${await freePort()}`;
    const { trace } = await traced(fromFile(file, { INVENTORY_URL: inventory }), "stock", null, {
      vars: { sku: "A-1" },
    });
    expect(outline(trace)).toBe(
      [
        "flow stock completed",
        "  process#0",
        "    handle-errors",
        "      process#0",
        "        rest ✗",
        "      error#0",
        "        log",
        "        set-payload",
      ].join("\n"),
    );
    const rest = steps(trace).find((s) => s.type === "rest") as StepTrace;
    expect(rest.error).toMatchObject({ flow: "stock", block: "rest" });
    expect(rest.error?.message).toMatch(/ECONNREFUSED|refused/i);
    expect(rest.output).toBeUndefined();
    expect(trace.output?.body).toMatchObject({ status: "degraded", sku: "A-1" });
  });

  it("reserve: the named rest block fails the process; the flow's error chain runs and recovers", async () => {
    const inventory = `http://127.0.0.1:${await freePort()}`;
    const { trace } = await traced(fromFile(file, { INVENTORY_URL: inventory }), "reserve", null, {
      vars: { sku: "A-1" },
    });
    expect(outline(trace)).toBe(
      [
        "flow reserve completed",
        "  process#0",
        "    rest reserve-upstream ✗",
        "  error#0",
        "    set-variable",
        "    set-payload",
      ].join("\n"),
    );
    const errorChain = trace.children[1] as TraceNode;
    const first = errorChain.children[0] as StepTrace;
    expect(first.input.vars).toMatchObject({ error: { block: "reserve-upstream", flow: "reserve" } });
    expect(trace.output?.body).toMatchObject({ failedBlock: "reserve-upstream", flow: "reserve" });
  });
});

// README "The flow language in one page": a ref'd processor, an if on an env-derived limit, an
// error chain; its secret must never appear in a trace.
const ONE_PAGE = `
service: { name: orders }
env:
  - { name: API_KEY, required: true, secret: true }
  - { name: LIMIT, default: "1000" }
processors:
  - { name: audit, type: log, settings: { message: '"order " + string(body.id)' } }
flows:
  - name: classify
    workers: 8
    buffer: 128
    process:
      - ref: audit
      - type: if
        condition: 'body.amount >= double(\${LIMIT})'
        then: { process: [{ type: set-variable, settings: { name: priority, value: '"high"' } }] }
        else: { process: [{ type: set-variable, settings: { name: priority, value: '"normal"' } }] }
      - type: set-payload
        settings: { value: '{"id": body.id, "priority": vars.priority, "key": env.API_KEY}' }
    error:
      - { type: set-payload, settings: { value: '{"error": vars.error.message}' } }
`;

describe("the flow language in one page (README)", () => {
  const env = { API_KEY: "sk-very-secret-value" };

  it("records the ref'd processor where it is used, the branch taken and redacts the secret", async () => {
    const { trace, outcome } = await traced(fromText(ONE_PAGE, env), "classify", { id: 7, amount: 2500 });
    expect(outline(trace)).toBe(
      [
        "flow classify completed",
        "  process#0",
        "    log",
        "    if",
        "      then#0",
        "        set-variable",
        "    set-payload",
      ].join("\n"),
    );
    const log = steps(trace)[0] as StepTrace;
    expect(log.location).toEqual({ file: "spec.yaml", line: lineOfText(ONE_PAGE, "- ref: audit"), col: 9 });
    // The flow really returned the key; the trace never holds it.
    expect(JSON.stringify(outcome.message.body)).toContain(env.API_KEY);
    expect(JSON.stringify(trace)).not.toContain(env.API_KEY);
    expect(trace.output?.body).toEqual({ id: 7, priority: "high", key: "[REDACTED]" });
  });

  it("a failure in process shows on the failing step, then the error chain", async () => {
    const { trace } = await traced(fromText(ONE_PAGE, env), "classify", { id: 7, amount: "much" });
    expect(outline(trace)).toBe(
      ["flow classify completed", "  process#0", "    log", "    if ✗", "  error#0", "    set-payload"].join(
        "\n",
      ),
    );
    const failed = steps(trace)[1] as StepTrace;
    expect(failed.error).toMatchObject({ flow: "classify", block: "if" });
  });
});

function lineOfText(text: string, needle: string): number {
  return text.split("\n").findIndex((l) => l.includes(needle)) + 1;
}

describe("fork, flow-ref chains and limits", () => {
  const FORK = `
flows:
  - name: main
    process:
      - type: fork
        branches:
          - name: left
            process: [{ type: set-payload, settings: { value: '"L"' } }]
          - name: right
            process:
              - { type: set-variable, settings: { name: side, value: '"R"' } }
              - { type: flow-ref, settings: { flow: callee } }
  - name: callee
    process:
      - { type: set-payload, settings: { value: '{"from": "callee", "side": vars.side}' } }
  - name: failing
    process:
      - { type: flow-ref, settings: { flow: broken } }
  - name: broken
    process:
      - { type: set-payload, settings: { value: 'body.missing.field' } }
  - name: loop
    process:
      - type: foreach
        items: body
        body: { process: [{ type: set-variable, settings: { name: last, value: vars.item } }] }
`;

  it("fork: one scope per branch, named, each on its own copy; the input passes through", async () => {
    const { trace, outcome } = await traced(fromText(FORK), "main", "in");
    const fork = trace.children[0]?.children[0] as StepTrace;
    // Branches run concurrently: compare them as a set.
    const branches = fork.children.map((b) => outline(b)).sort();
    expect(branches).toEqual([
      "branches[0]#0 (left)\n  set-payload",
      "branches[1]#0 (right)\n  set-variable\n  flow-ref\n    flow callee completed\n      process#0\n        set-payload",
    ]);
    const callee = steps(fork).find((s) => s.type === "flow-ref") as StepTrace;
    expect(callee.output?.body).toEqual({ from: "callee", side: "R" });
    expect(outcome.message.body).toBe("in");
  });

  it("a failing callee fails its flow-ref and the caller; every level keeps the error", async () => {
    const { trace, outcome } = await traced(fromText(FORK), "failing", null);
    expect(outcome.status).toBe("failed");
    expect(outline(trace)).toBe(
      [
        "flow failing failed",
        "  process#0",
        "    flow-ref ✗",
        "      flow broken failed",
        "        process#0",
        "          set-payload ✗",
      ].join("\n"),
    );
    const ref = steps(trace)[0] as StepTrace;
    const broken = ref.children[0] as FlowTrace;
    expect(broken.error).toMatchObject({ flow: "broken", block: "set-payload" });
    expect(trace.error).toEqual(broken.error);
  });

  it("records at most maxSteps steps and counts the rest; values past the size bound are cut", async () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const { trace, outcome } = await traced(fromText(FORK), "loop", items, {}, { maxSteps: 10 });
    expect(outcome.status).toBe("completed");
    expect(steps(trace)).toHaveLength(10);
    expect(trace.omittedSteps).toBe(41);

    const big = "x".repeat(5000);
    const cut = await traced(fromText(FORK), "loop", [big], {}, { maxValueChars: 1000 });
    const set = steps(cut.trace).find((s) => s.type === "set-variable") as StepTrace;
    // ["xxx…"]: the string, its quotes and the brackets.
    expect(set.input.body).toMatchObject({ $bytes: big.length + 4 });
    expect(String((set.input.body as { $truncated: string }).$truncated).length).toBeLessThan(1100);

    // A whole trace's values stop being copied once its budget is spent; the steps are all there.
    const spent = await traced(fromText(FORK), "loop", items, {}, { maxTraceChars: 2000 });
    const all = steps(spent.trace);
    expect(all).toHaveLength(51);
    const last = all[all.length - 1] as StepTrace;
    expect(last.input.vars).toMatchObject({ $truncated: expect.stringMatching(/size limit/) });
    expect(all[1]?.input.vars).toEqual({ item: 0, itemIndex: 0 });
  });
});

describe("the recording tracer leaves runs it was not compiled into alone", () => {
  it("traces only runtimes built with it; each root run gets its own trace through onTrace", async () => {
    const seen: FlowTrace[] = [];
    const recorder = traceRecorder({ onTrace: (t) => seen.push(t) });
    const yaml = readFileSync(join(sample("hello-invoke"), "hello-invoke.yaml"), "utf8");
    const runtime = check(fromText(yaml)(recorder.tracer));
    const plain = check(
      loadRuntimeFromSources([new YamlSource("x.yaml", yaml)], {
        registry: defaultRegistry(),
        logger: memoryLogger(),
      }),
    );
    await Promise.all([runtime.start({ sources: false }), plain.start({ sources: false })]);
    try {
      const a = await runtime.invoke("greet", { name: "A" });
      const b = await runtime.invoke("greet", { name: "B" });
      const c = await plain.invoke("greet", { name: "C" });
      expect(seen.map((t) => t.input.body)).toEqual([{ name: "A" }, { name: "B" }]);
      expect(recorder.traceOf(a.message)).toBe(seen[0]);
      expect(recorder.traceOf(b.message)).toBe(seen[1]);
      expect(recorder.traceOf(c.message)).toBeUndefined();
      expect(plain.plan.tracer).toBeUndefined();
    } finally {
      await Promise.all([runtime.stop(), plain.stop()]);
    }
  });
});
