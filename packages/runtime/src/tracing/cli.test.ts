// `octo invoke --trace`: the CLI in-process with captured IO, on the samples.
import { describe, expect, it } from "vitest";
import { octoInProcess } from "../../test/cli-in-process.ts";
import { sample } from "../../test/octo-process.ts";
import type { FlowTrace, StepTrace } from "./record/model.ts";

const octo = (args: string[]) => octoInProcess(args, { env: { OCTO_LOG_FORMAT: "json" } });

const HELLO = sample("hello-invoke", "hello-invoke.yaml");
const DEMO = sample("builtins-demo", "builtins-demo.yaml");

describe("octo invoke --trace", () => {
  it("prints {result, trace} as one JSON document on stdout", async () => {
    const r = await octo(["invoke", "-c", HELLO, "-f", "greet", "-d", '{"name":"Ada"}', "--trace"]);
    expect(r.code).toBe(0);
    expect(r.stdout.endsWith("\n")).toBe(true);
    const out = JSON.parse(r.stdout) as { result: unknown; trace: FlowTrace };
    expect(out.result).toEqual({ greeting: "hello, Ada!" });
    expect(out.trace).toMatchObject({ kind: "flow", flow: "greet", status: "completed" });
    const step = out.trace.children[0]?.children[0] as StepTrace;
    expect(step).toMatchObject({ type: "set-payload", output: { body: { greeting: "hello, Ada!" } } });
  });

  it("on failure prints {error, trace}, the one-line error on stderr, and exits 1", async () => {
    const r = await octo(["invoke", "-c", HELLO, "-f", "greet", "-d", "{}", "--trace=json"]);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { error: unknown; trace: FlowTrace };
    expect(out.error).toMatchObject({ flow: "greet", block: "set-payload" });
    expect(out.trace.status).toBe("failed");
    const step = out.trace.children[0]?.children[0] as StepTrace;
    expect(step.error).toMatchObject({ block: "set-payload" });
    expect(r.stderr).toMatch(/octo: flow greet failed in block set-payload/);
  });

  it("--trace=text keeps stdout the plain result and draws the tree on stderr", async () => {
    const data = '{"customer":"ada","orders":[{"id":1,"total":250},{"id":2,"total":40}]}';
    const r = await octo(["invoke", "-c", DEMO, "-f", "summarize", "-d", data, "--trace=text"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ customer: "ADA", orders: 2 });
    const tree = r.stderr
      .split("\n")
      .filter((l) => !l.startsWith("{"))
      // Durations vary, lines are the sample's: the shape is what is checked here.
      .map((l) =>
        l
          .replace(/ · [\d.]+ ms/g, "")
          .replace(/ → .*$/, "")
          .replace(/\.yaml:\d+/, ".yaml:N"),
      )
      .join("\n");
    expect(tree).toContain(
      [
        "flow summarize · completed",
        "└─ process",
        "   ├─ set-variable · builtins-demo.yaml:N",
        "   ├─ set-variable · builtins-demo.yaml:N",
        "   ├─ foreach · builtins-demo.yaml:N",
        "   │  ├─ body #0",
        "   │  │  └─ switch · builtins-demo.yaml:N",
        "   │  │     └─ cases[1] (when vars.order.total >= 100.0)",
      ].join("\n"),
    );
    expect(tree).toContain(
      "   │  └─ body #1\n   │     └─ switch · builtins-demo.yaml:N\n   │        └─ default",
    );
  });

  it("refuses a format it does not know", async () => {
    const r = await octo(["invoke", "-c", HELLO, "-f", "greet", "--trace=yaml"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--trace takes json or text, not "yaml"');
  });
});
