// Runtime spec (../shared/spec/runtime.md) cases for messages, expressions and blocks.
// Case ids: R<section>.<n>; the catalogue is in docs/spec-cases.md.
import { describe, expect, it } from "vitest";
import { invokeOnce, runtimeOf } from "./helpers.ts";

const body = async (yaml: string, input: unknown, flow = "main", env: Record<string, string> = {}) => {
  const { outcome } = await invokeOnce(yaml, flow, input, env);
  if (outcome.status !== "completed") throw new Error(`expected completed, got ${JSON.stringify(outcome)}`);
  return outcome.message.body;
};

describe("§2 messages and expressions", () => {
  it("R2.1 expressions see body, vars, eventID, correlationID, env and now", async () => {
    const yaml = `
env: [{ name: REGION, default: eu }]
flows:
  - name: main
    process:
      - { type: set-variable, settings: { name: x, value: '41.0 + 1.0' } }
      - type: set-payload
        settings:
          value: '{"b": body.a, "v": vars.x, "e": size(eventID) > 0, "c": correlationID == eventID, "env": env.REGION, "now": now > timestamp("2020-01-01T00:00:00Z")}'
`;
    expect(await body(yaml, { a: "in" })).toEqual({ b: "in", v: 42, e: true, c: true, env: "eu", now: true });
  });

  it("R2.2 results are JSON-native; JSON numbers are doubles", async () => {
    const yaml = `
flows:
  - name: main
    process:
      - type: set-payload
        settings: { value: '{"n": body.n * 2.0, "i": 3, "s": "x", "l": [1, "a", null], "t": body.n > 1}' }
`;
    expect(await body(yaml, { n: 1.5 })).toEqual({ n: 3, i: 3, s: "x", l: [1, "a", null], t: true });
  });

  it("R2.3 a runtime CEL error fails the flow with the block named", async () => {
    const yaml = `
flows:
  - name: main
    process:
      - { type: set-payload, name: pick, settings: { value: 'body.missing.deeper' } }
`;
    const { outcome } = await invokeOnce(yaml, "main", {});
    expect(outcome.status).toBe("failed");
    if (outcome.status === "failed") {
      expect(outcome.error.flow).toBe("main");
      expect(outcome.error.block).toBe("pick");
      expect(outcome.error.message).toMatch(/missing/);
    }
  });
});

describe("§3 leaf blocks", () => {
  it("R3.1 set-payload replaces the body", async () => {
    const yaml = `flows: [{ name: main, process: [{ type: set-payload, settings: { value: '{"greeting": "hello, " + body.name + "!"}' } }] }]`;
    expect(await body(yaml, { name: "Ada" })).toEqual({ greeting: "hello, Ada!" });
  });

  it("R3.2 set-variable sets vars.<name>, body unchanged", async () => {
    const yaml = `
flows:
  - name: main
    process:
      - { type: set-variable, settings: { name: who, value: 'body.name' } }
      - { type: set-payload, settings: { value: '{"who": vars.who, "keys": vars.size()}' } }
`;
    expect(await body(yaml, { name: "Ada" })).toEqual({ who: "Ada", keys: 1 });
  });

  it("R3.3 delete-variable removes vars.<name>", async () => {
    const yaml = `
flows:
  - name: main
    process:
      - { type: set-variable, settings: { name: a, value: '1' } }
      - { type: set-variable, settings: { name: b, value: '2' } }
      - { type: delete-variable, settings: { name: a } }
      - { type: set-payload, settings: { value: '{"hasA": has(vars.a), "hasB": has(vars.b)}' } }
`;
    expect(await body(yaml, null)).toEqual({ hasA: false, hasB: true });
  });

  it("R3.4 log writes the message at its level (full adds ids, vars, body) and leaves the body", async () => {
    const yaml = `
flows:
  - name: main
    process:
      - { type: log, settings: { message: '"hi " + body.name', level: warn } }
      - { type: log, settings: { message: 'body', full: true } }
`;
    const { outcome, logger } = await invokeOnce(yaml, "main", { name: "Ada" });
    expect(outcome.message.body).toEqual({ name: "Ada" });
    expect(logger.lines[0]).toMatchObject({ level: "warn", message: "hi Ada", fields: { flow: "main" } });
    expect(logger.lines[1]?.message).toBe('{"name":"Ada"}');
    expect(logger.lines[1]?.fields).toMatchObject({ vars: {}, body: { name: "Ada" } });
    expect(logger.lines[1]?.fields?.eventID).toBe(outcome.message.eventID);
  });

  it("R3.4b log redacts secret env values", async () => {
    const { consoleLogger } = await import("../src/logging/logger.ts");
    const lines: string[] = [];
    const logger = consoleLogger({ format: "json", write: (l) => lines.push(l), secrets: ["s3cr3t-token"] });
    logger.log("info", "token is s3cr3t-token", { header: "Bearer s3cr3t-token" });
    expect(lines.join("\n")).not.toContain("s3cr3t-token");
    expect(lines[0]).toContain("[REDACTED]");
  });
});

describe("§3 composite blocks", () => {
  const ifYaml = `
flows:
  - name: main
    process:
      - type: if
        condition: 'body.amount >= 1000'
        then: { process: [{ type: set-variable, settings: { name: priority, value: '"high"' } }] }
        else: { process: [{ type: set-variable, settings: { name: priority, value: '"normal"' } }] }
      - { type: set-payload, settings: { value: 'vars.priority' } }
`;
  it("R3.5 if runs then when true, else when false", async () => {
    expect(await body(ifYaml, { amount: 1500 })).toBe("high");
    expect(await body(ifYaml, { amount: 10 })).toBe("normal");
  });

  it("R3.5b if without else and a false condition leaves the message", async () => {
    const yaml = `
flows:
  - name: main
    process:
      - { type: if, condition: 'false', then: { process: [{ type: set-payload, settings: { value: '"x"' } }] } }
`;
    expect(await body(yaml, "same")).toBe("same");
  });

  it("R3.5c a non-boolean condition fails with a clear message", async () => {
    const yaml = `flows: [{ name: main, process: [{ type: if, condition: 'body', then: { process: [] } }] }]`;
    const { outcome } = await invokeOnce(yaml, "main", "yes");
    expect(outcome.status === "failed" && outcome.error.message).toMatch(/must be true or false, got "yes"/);
  });

  const switchYaml = `
flows:
  - name: main
    process:
      - type: switch
        cases:
          - when: 'body.method == "GET"'
            process: [{ type: set-payload, settings: { value: '"list"' } }]
          - when: 'body.method == "POST" || body.method == "GET"'
            process: [{ type: set-payload, settings: { value: '"create"' } }]
        default:
          process: [{ type: set-payload, settings: { value: '"unsupported"' } }]
`;
  it("R3.6 switch runs the first true case, else default", async () => {
    expect(await body(switchYaml, { method: "GET" })).toBe("list");
    expect(await body(switchYaml, { method: "POST" })).toBe("create");
    expect(await body(switchYaml, { method: "DELETE" })).toBe("unsupported");
  });

  it("R3.7 foreach runs body per element with vars.<as> (default item), in order", async () => {
    const yaml = `
flows:
  - name: main
    process:
      - { type: set-variable, settings: { name: seen, value: '[]' } }
      - type: foreach
        items: 'body.items'
        body:
          process:
            - { type: set-variable, settings: { name: seen, value: 'vars.seen + [vars.item * 10.0]' } }
      - { type: set-payload, settings: { value: '{"seen": vars.seen, "itemLeft": has(vars.item)}' } }
`;
    expect(await body(yaml, { items: [1, 2, 3] })).toEqual({ seen: [10, 20, 30], itemLeft: false });
  });

  it("R3.7b foreach with as:, index var and a nested switch", async () => {
    const yaml = `
flows:
  - name: main
    process:
      - { type: set-variable, settings: { name: out, value: '[]' } }
      - type: foreach
        items: 'body.orders'
        as: order
        body:
          process:
            - type: switch
              cases:
                - when: 'vars.order.total > 100.0'
                  process: [{ type: set-variable, settings: { name: out, value: 'vars.out + [string(vars.orderIndex) + ":big"]' } }]
              default:
                process: [{ type: set-variable, settings: { name: out, value: 'vars.out + [string(vars.orderIndex) + ":small"]' } }]
      - { type: set-payload, settings: { value: 'vars.out' } }
`;
    expect(await body(yaml, { orders: [{ total: 500 }, { total: 5 }] })).toEqual(["0:big", "1:small"]);
  });

  it("R3.7c foreach over a non-list fails clearly", async () => {
    const yaml = `flows: [{ name: main, process: [{ type: foreach, items: 'body', body: { process: [] } }] }]`;
    const { outcome } = await invokeOnce(yaml, "main", { a: 1 });
    expect(outcome.status === "failed" && outcome.error.message).toMatch(/foreach items must be a list/);
  });

  it("R3.8 fork runs branches on clones; the input passes through unchanged", async () => {
    const yaml = `
flows:
  - name: main
    process:
      - type: fork
        branches:
          - { name: a, process: [{ type: set-payload, settings: { value: '"A"' } }, { type: set-variable, settings: { name: x, value: '1' } }] }
          - { name: b, process: [{ type: set-payload, settings: { value: '"B"' } }] }
      - { type: set-payload, settings: { value: '{"body": body, "x": has(vars.x)}' } }
`;
    expect(await body(yaml, "input")).toEqual({ body: "input", x: false });
  });

  it("R3.8b fork with aggregate: true collects branch bodies by name", async () => {
    const yaml = `
flows:
  - name: main
    process:
      - type: fork
        aggregate: true
        branches:
          - { name: a, process: [{ type: set-payload, settings: { value: 'body + 1.0' } }] }
          - { process: [{ type: set-payload, settings: { value: 'body + 2.0' } }] }
`;
    expect(await body(yaml, 1)).toEqual({ a: 2, branch2: 3 });
  });

  it("R3.8c the first branch error fails the fork and cancels the other branches", async () => {
    const yaml = `
flows:
  - name: slow
    process: [{ type: log, settings: { message: '"slow ran"' } }]
  - name: main
    process:
      - type: fork
        branches:
          - name: bad
            process: [{ type: set-payload, name: boom, settings: { value: 'body.nope' } }]
          - name: later
            process:
              - { type: flow-ref, settings: { flow: slow } }
              - { type: flow-ref, settings: { flow: slow } }
              - { type: log, settings: { message: '"after cancel"' } }
`;
    const { outcome, logger } = await invokeOnce(yaml, "main", {});
    expect(outcome.status).toBe("failed");
    if (outcome.status === "failed") expect(outcome.error.block).toBe("boom");
    expect(logger.lines.map((l) => l.message)).not.toContain("after cancel");
  });

  it("R3.8d fork branches run concurrently", async () => {
    const { runtime } = await runtimeOf(`
flows:
  - name: main
    process:
      - type: fork
        branches:
          - { process: [{ type: set-payload, settings: { value: '1' } }] }
          - { process: [{ type: set-payload, settings: { value: '2' } }] }
`);
    // Both branches must be in flight before either finishes: observe the pool's slots.
    let maxInFlight = 0;
    let inFlight = 0;
    const original = runtime.runBranches.bind(runtime);
    runtime.runBranches = (flow, tasks, controller) =>
      original(
        flow,
        tasks.map((t) => async () => {
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          await new Promise((r) => setTimeout(r, 5));
          await t();
          inFlight--;
        }),
        controller,
      );
    await runtime.invoke("main", null);
    await runtime.stop();
    expect(maxInFlight).toBe(2);
  });

  it("R3.9 flow-ref (sync) returns the called flow's result as body; vars stay the caller's", async () => {
    const yaml = `
flows:
  - name: enrich
    process:
      - { type: set-variable, settings: { name: inner, value: 'true' } }
      - { type: set-payload, settings: { value: '{"id": body.id, "enriched": true, "sawVar": vars.outer}' } }
  - name: main
    process:
      - { type: set-variable, settings: { name: outer, value: '"o"' } }
      - { type: flow-ref, settings: { flow: enrich } }
      - { type: set-payload, settings: { value: '{"r": body, "inner": has(vars.inner)}' } }
`;
    expect(await body(yaml, { id: 7 })).toEqual({ r: { id: 7, enriched: true, sawVar: "o" }, inner: false });
  });

  it("R3.9b flow-ref oneWay fires and forgets; the caller's body is unchanged", async () => {
    const { runtime, logger } = await runtimeOf(`
flows:
  - name: audit
    process: [{ type: log, settings: { message: '"audit " + string(body.id)' } }]
  - name: main
    process:
      - { type: flow-ref, settings: { flow: audit, oneWay: true } }
      - { type: set-payload, settings: { value: 'body.id' } }
`);
    const done = new Promise((resolve) =>
      runtime.events.on("completed", (e) => e.flow === "audit" && resolve(e)),
    );
    const outcome = await runtime.invoke("main", { id: 5 });
    expect(outcome.message.body).toBe(5);
    await done;
    await runtime.stop();
    expect(logger.lines.map((l) => l.message)).toContain("audit 5");
  });

  it("R3.9c a failing sync flow-ref fails the caller with the callee's flow and block", async () => {
    const yaml = `
flows:
  - name: inner
    process: [{ type: set-payload, name: explode, settings: { value: 'body.x.y' } }]
  - name: main
    process: [{ type: flow-ref, settings: { flow: inner } }]
`;
    const { outcome } = await invokeOnce(yaml, "main", {});
    expect(outcome.status === "failed" && outcome.error).toMatchObject({ flow: "inner", block: "explode" });
  });

  it("R3.9d runaway flow-ref recursion fails instead of overflowing", async () => {
    const yaml = `flows: [{ name: main, process: [{ type: flow-ref, settings: { flow: main } }] }]`;
    const { outcome } = await invokeOnce(yaml, "main", {});
    expect(outcome.status === "failed" && outcome.error.message).toMatch(/nesting deeper than 64/);
  });

  it("R3.10 handle-errors runs error with vars.error and continues (recovery)", async () => {
    const yaml = `
flows:
  - name: main
    process:
      - type: handle-errors
        process:
          - { type: set-payload, name: fetch-stock, settings: { value: 'body.stock.count' } }
        error:
          - { type: set-payload, settings: { value: '{"status": "degraded", "reason": vars.error.message, "block": vars.error.block, "flow": vars.error.flow}' } }
      - { type: set-variable, settings: { name: after, value: 'true' } }
      - { type: set-payload, settings: { value: '{"status": body.status, "reason": body.reason, "block": body.block, "flow": body.flow, "after": vars.after}' } }
`;
    const result = (await body(yaml, {})) as Record<string, unknown>;
    expect(result).toMatchObject({ status: "degraded", block: "fetch-stock", flow: "main", after: true });
    expect(result.reason).toMatch(/stock/);
  });

  it("R3.11 cache-scope runs body once per key within the ttl", async () => {
    const { runtime, logger } = await runtimeOf(`
flows:
  - name: main
    process:
      - type: cache-scope
        key: 'body.id'
        ttl: 5m
        body:
          process:
            - { type: log, settings: { message: '"computing " + string(body.id)' } }
            - { type: set-payload, settings: { value: '{"id": body.id, "v": body.id * 2.0}' } }
`);
    const a = await runtime.invoke("main", { id: 1 });
    const b = await runtime.invoke("main", { id: 1 });
    const c = await runtime.invoke("main", { id: 2 });
    await runtime.stop();
    expect([a.message.body, b.message.body, c.message.body]).toEqual([
      { id: 1, v: 2 },
      { id: 1, v: 2 },
      { id: 2, v: 4 },
    ]);
    expect(logger.lines.filter((l) => l.message.startsWith("computing"))).toHaveLength(2);
  });

  it("R3.12 the root flow's error chain gets vars.error; its success is the result with vars.httpStatus", async () => {
    const yaml = `
flows:
  - name: main
    process:
      - { type: set-payload, name: call-upstream, settings: { value: 'body.upstream.status' } }
    error:
      - { type: set-variable, settings: { name: httpStatus, value: '"502"' } }
      - { type: set-payload, settings: { value: '{"error": vars.error.message, "failedBlock": vars.error.block, "flow": vars.error.flow}' } }
`;
    const { outcome } = await invokeOnce(yaml, "main", {});
    expect(outcome.status).toBe("completed");
    expect(outcome.message.vars.httpStatus).toBe("502");
    expect(outcome.message.body).toMatchObject({ failedBlock: "call-upstream", flow: "main" });
  });

  it("R3.13 a failing block fails the flow unless caught; an error chain that fails fails too", async () => {
    const yaml = `
flows:
  - name: main
    process: [{ type: set-payload, name: first, settings: { value: 'body.a.b' } }]
    error: [{ type: set-payload, name: handler, settings: { value: 'vars.error.nope.x' } }]
`;
    const { outcome } = await invokeOnce(yaml, "main", {});
    expect(outcome.status === "failed" && outcome.error.block).toBe("handler");
  });

  it("R3.14 processors are reused with ref:, settings overridden key by key", async () => {
    const yaml = `
processors:
  - { name: greeter, type: set-payload, settings: { value: '"hi " + body.name' } }
  - { name: tagger, type: set-variable, settings: { name: tag, value: '"default"' } }
flows:
  - name: main
    process:
      - { ref: tagger, settings: { value: '"custom"' } }
      - ref: greeter
      - { type: set-payload, settings: { value: 'body + " / " + vars.tag' } }
`;
    expect(await body(yaml, { name: "Ada" })).toBe("hi Ada / custom");
  });
});
