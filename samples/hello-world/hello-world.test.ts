// The hello-world sample, run the way a person runs it: the real `octo run` CLI in a child process.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const octo = join(root, "packages/runtime/bin/octo.js");

let child: ChildProcess | undefined;
afterEach(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  child = undefined;
});

/** Resolves when `output()` matches `pattern`; rejects after `ms` (a bound, not an expectation). */
function waitFor(output: () => string, pattern: RegExp, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const end = Date.now() + ms;
    const poll = setInterval(() => {
      if (pattern.test(output())) {
        clearInterval(poll);
        resolve();
      } else if (Date.now() > end) {
        clearInterval(poll);
        reject(new Error(`no ${pattern} within ${ms}ms; output so far:\n${output()}`));
      }
    }, 20);
  });
}

describe("samples/hello-world", () => {
  it("octo run logs the greeting on its schedule and exits 0 on SIGTERM", async () => {
    let output = "";
    child = spawn(process.execPath, [octo, "run", "--config", join(root, "samples/hello-world")], {
      cwd: root,
      env: { ...process.env, GREETING_SCHEDULE: "@every 200ms" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (d: Buffer) => {
      output += d.toString("utf8");
    });
    child.stderr?.on("data", (d: Buffer) => {
      output += d.toString("utf8");
    });
    const exited = once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>;

    // Two greetings: the schedule repeats, not only fires once.
    await waitFor(() => output, />>> Hello, world! <<<[\s\S]*>>> Hello, world! <<</, 10_000);
    const greeting = output.split("\n").find((l) => l.includes(">>> Hello, world!")) ?? "";
    expect(greeting).toMatch(/fired at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);

    child.kill("SIGTERM");
    const [code, signal] = await exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(output).toContain("octo: stopping");
  }, 20_000);
});
