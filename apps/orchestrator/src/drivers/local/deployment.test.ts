// Rollouts through the driver (deployment.ts replaces replicas one by one behind the front proxy).
import { describe, expect, it } from "vitest";
import { createLocalDriver } from "./index.ts";
import { alive, FAST, get, helloConfig, spec, tempDir } from "./testing.ts";

describe("local driver rollout", () => {
  it("rollout to a new definition: the stable url keeps answering and then answers anew", async () => {
    await using tmp = await tempDir();
    const driver = createLocalDriver({ dataDir: tmp.path, ...FAST });
    try {
      const s = spec({ replicas: 2 });
      const { url, replicas } = await driver.apply(s);
      const old = replicas.map((r) => r.pid as number);
      let done = false;
      const failures: string[] = [];
      const answers = new Set<string>();
      const load = (async () => {
        while (!done) {
          try {
            answers.add(JSON.parse((await get(`${url}/hello`)).body).greeting);
          } catch (e) {
            failures.push(String(e));
          }
          await new Promise((r) => setTimeout(r, 5));
        }
      })();
      const next = await driver.apply({ ...s, definition: helloConfig('"v2"') });
      done = true;
      await load;
      expect(next).toMatchObject({ phase: "running", readyReplicas: 2, url });
      expect(next.replicas.map((r) => r.name)).toEqual([`${s.id}-0`, `${s.id}-1`]);
      expect(old.some(alive)).toBe(false);
      expect(JSON.parse((await get(`${url}/hello`)).body).greeting).toBe("v2");
      expect(answers).toEqual(new Set(["hello there", "v2"]));
      expect(failures).toEqual([]);

      // The same spec again restarts nothing.
      const again = await driver.apply({ ...s, definition: helloConfig('"v2"') });
      expect(again.replicas.map((r) => r.pid)).toEqual(next.replicas.map((r) => r.pid));
    } finally {
      await driver.close();
    }
  }, 20_000);

  it("remove during a rollout: both settle, no process left behind", async () => {
    await using tmp = await tempDir();
    const driver = createLocalDriver({ dataDir: tmp.path, ...FAST });
    const seen = new Set<number>();
    driver.watch((st) => {
      for (const r of st.replicas) if (r.pid !== undefined) seen.add(r.pid);
    });
    try {
      const s = spec();
      await driver.apply(s);
      const rollout = driver.apply({ ...s, env: { GREETING: "changed" } });
      await new Promise((r) => setTimeout(r, 300));
      await driver.remove(s.id);
      await rollout;
      expect(driver.status(s.id)).toBeUndefined();
      expect(seen.size).toBeGreaterThanOrEqual(1);
      expect([...seen].some(alive)).toBe(false);
    } finally {
      await driver.close();
    }
  }, 20_000);
});
