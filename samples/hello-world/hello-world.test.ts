// The hello-world sample, run the way a person runs it: the real `octo run` CLI in a child process.
import { afterEach, describe, expect, it } from "vitest";
import { killAll, runSample, sample } from "../test/octo-process.ts";

afterEach(killAll);

describe("samples/hello-world", () => {
  it("octo run logs the greeting on its schedule and exits 0 on SIGTERM", async () => {
    const octo = await runSample(sample("hello-world"), { GREETING_SCHEDULE: "@every 200ms" });
    // Two greetings: the schedule repeats, not only fires once.
    await octo.waitFor(/>>> Hello, world! <<<[\s\S]*>>> Hello, world! <<</, 10_000);
    const greeting =
      octo
        .output()
        .split("\n")
        .find((l) => l.includes(">>> Hello, world!")) ?? "";
    expect(greeting).toMatch(/fired at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);

    expect(await octo.stop("SIGTERM")).toEqual({ code: 0, signal: null });
    expect(octo.output()).toContain("octo: stopping");
  }, 20_000);
});
