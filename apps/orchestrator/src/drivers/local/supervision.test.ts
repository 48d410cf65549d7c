// The driver supervising real `octo run` processes: crashes, a config that does not load.
import { describe, expect, it } from "vitest";
import type { DeploymentStatus } from "../types.ts";
import { createLocalDriver } from "./index.ts";
import { alive, BROKEN_CONFIG, FAST, get, helloConfig, spec, tempDir, until } from "./testing.ts";

describe("local driver supervision", () => {
  it("restarts a replica killed with SIGKILL and reports the transitions", async () => {
    await using tmp = await tempDir();
    const driver = createLocalDriver({ dataDir: tmp.path, ...FAST });
    try {
      const s = spec();
      const { url, replicas } = await driver.apply(s);
      const events: DeploymentStatus[] = [];
      driver.watch((st) => events.push(st));
      const pid = replicas[0]?.pid as number;
      process.kill(pid, "SIGKILL");
      const back = await until(
        () => {
          const st = driver.status(s.id);
          return st?.phase === "running" && st.replicas[0]?.restarts === 1 && st;
        },
        15_000,
        "restart",
      );
      expect(alive(pid)).toBe(false);
      expect(back.replicas[0]?.pid).not.toBe(pid);
      expect(back.lastFailure).toMatch(/^exited with signal SIGKILL/);
      const phases = events.map((e) => `${e.phase}/${e.replicas[0]?.phase}`);
      expect(phases.filter((p, i) => p !== phases[i - 1])).toEqual([
        "pending/crashed",
        "pending/starting",
        "running/ready",
      ]);
      expect((await get(`${url}/hello`)).status).toBe(200);
    } finally {
      await driver.close();
    }
  }, 20_000);

  it("a config that does not load: phase failed with the load error, backing off", async () => {
    await using tmp = await tempDir();
    const driver = createLocalDriver({ dataDir: tmp.path, ...FAST });
    try {
      const s = spec({ definition: BROKEN_CONFIG });
      const first = await driver.apply(s);
      expect(first.replicas[0]?.phase).toBe("crashed");
      expect(first.lastFailure).toMatch(/^exited with code 1: integration\.yaml:\d+:\d+: YAML syntax error/);
      const failed = await until(() => driver.status(s.id)?.phase === "failed" && driver.status(s.id));
      expect(failed.readyReplicas).toBe(0);
      // Backoff 100, 200, 400, 800 ms…: a couple of seconds hold a handful of restarts, not dozens.
      await new Promise((r) => setTimeout(r, 2000));
      expect(driver.status(s.id)?.replicas[0]?.restarts).toBeLessThanOrEqual(5);

      // Fixing the definition rolls out a replica that works; the deployment recovers.
      const fixed = await driver.apply({ ...s, definition: helloConfig() });
      expect(fixed).toMatchObject({ phase: "running", readyReplicas: 1 });
      expect(fixed.replicas).toMatchObject([{ phase: "ready", restarts: 0 }]);
    } finally {
      await driver.close();
    }
  }, 20_000);
});
