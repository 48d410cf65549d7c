// The heartbeat sample: a six-field cron with seconds, in a time zone, logging each beat.
import { afterEach, describe, expect, it } from "vitest";
import { killAll, runSample, sample } from "../test/octo-process.ts";

afterEach(killAll);

describe("samples/heartbeat", () => {
  it("beats on whole seconds of the cron schedule and stops cleanly", async () => {
    const octo = await runSample(sample("heartbeat"), { HEARTBEAT_SCHEDULE: "* * * * * *" });
    const beats = /heartbeat at (\S+) \(second (\d+)\)[\s\S]*heartbeat at (\S+) \(second (\d+)\)/;
    const m = await octo.waitFor(beats, 10_000);
    // `now` is the scheduled instant: whole seconds, one second apart.
    const [first, second] = [new Date(m[1] ?? ""), new Date(m[3] ?? "")];
    expect(first.getUTCMilliseconds()).toBe(0);
    expect(second.getTime() - first.getTime()).toBeGreaterThanOrEqual(1000);
    expect(Number(m[2])).toBe(first.getSeconds());
    expect(await octo.stop()).toEqual({ code: 0, signal: null });
  }, 20_000);

  it("a schedule with five fields is refused at load with file:line:col", async () => {
    const { startOcto } = await import("../test/octo-process.ts");
    const octo = startOcto(["validate", "-c", sample("heartbeat")], { HEARTBEAT_SCHEDULE: "*/5 * * * *" });
    expect((await octo.exited).code).toBe(1);
    expect(octo.output()).toMatch(
      /heartbeat\.yaml:\d+:\d+: .*invalid cron schedule "\*\/5 \* \* \* \*": it has 5 fields, not 6/,
    );
  });
});
