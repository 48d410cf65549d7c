// Results share structure with their inputs (toJson copies only what needs converting); these
// cases pin what that must never break.
import { describe, expect, it } from "vitest";
import { invokeOnce } from "../../test/helpers.ts";

describe("expression results", () => {
  it("set-variable x = vars never makes vars contain itself", async () => {
    const { outcome } = await invokeOnce(
      `
flows:
  - name: f
    process:
      - { type: set-variable, settings: { name: a, value: '1.0' } }
      - { type: set-variable, settings: { name: snapshot, value: vars } }
      - { type: set-variable, settings: { name: nested, value: '{"all": vars}' } }
      - { type: set-payload, settings: { value: vars } }
`,
      "f",
      null,
    );
    expect(outcome.status).toBe("completed");
    const body = outcome.message.body;
    expect(() => JSON.stringify(body)).not.toThrow();
    expect(body).toEqual({ a: 1, snapshot: { a: 1 }, nested: { all: { a: 1, snapshot: { a: 1 } } } });
  });

  it("vars used whole in any form is a copy, vars selected from is not needed as one", async () => {
    const { outcome } = await invokeOnce(
      `
flows:
  - name: f
    process:
      - { type: set-variable, settings: { name: a, value: '[1.0]' } }
      - { type: set-variable, settings: { name: listed, value: '[vars][0]' } }
      - { type: set-variable, settings: { name: chosen, value: 'has(vars.a) ? vars : {}' } }
      - { type: set-variable, settings: { name: mapped, value: 'vars.a.map(x, vars)' } }
      - { type: set-variable, settings: { name: picked, value: 'vars["a"]' } }
      - { type: set-payload, settings: { value: vars } }
`,
      "f",
      null,
    );
    expect(outcome.status).toBe("completed");
    const body = outcome.message.body as Record<string, unknown>;
    expect(() => JSON.stringify(body)).not.toThrow();
    expect(Object.keys(body)).toEqual(["a", "listed", "chosen", "mapped", "picked"]);
    expect(body.picked).toEqual([1]);
    expect(body.mapped).toEqual([{ a: [1], listed: { a: [1] }, chosen: { a: [1], listed: { a: [1] } } }]);
  });

  it("a value passed through unchanged is still the JSON the input was", async () => {
    const input = { list: [1, "two", { three: [3] }], map: { k: null } };
    const { outcome } = await invokeOnce(
      "flows: [{ name: f, process: [{ type: set-payload, settings: { value: '[body.list, body.map]' } }] }]",
      "f",
      input,
    );
    expect(outcome.message.body).toEqual([input.list, input.map]);
  });

  it("now reads the clock in an expression that names it", async () => {
    const { outcome } = await invokeOnce(
      "flows: [{ name: f, process: [{ type: set-payload, settings: { value: 'string(now)' } }] }]",
      "f",
      null,
    );
    expect(Math.abs(Date.parse(outcome.message.body as string) - Date.now())).toBeLessThan(60_000);
  });
});

describe("compileExpr", () => {
  it("evaluates each message on its own, also after a failed evaluation", async () => {
    const { compileExpr } = await import("./expr.ts");
    const { newMessage } = await import("./message.ts");
    const compiled = compileExpr('body.a + " " + vars.b', { REGION: "eu" });
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors));
    const { expr } = compiled;
    const one = newMessage({ a: "one" }, { vars: { b: "x" } });
    const two = newMessage({ a: "two" }, { vars: { b: "y" } });
    expect(expr.evaluate(one)).toBe("one x");
    expect(() => expr.evaluate(newMessage({ a: 1.5 }, { vars: { b: "z" } }))).toThrow(/no such overload/);
    expect(expr.evaluate(two)).toBe("two y");
    expect(expr.evaluate(one, { extraVar: 1 })).toBe("one x");
  });
});
