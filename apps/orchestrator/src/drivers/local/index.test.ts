import { once } from "node:events";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { DeploymentStatus, LogLine } from "../types.ts";
import { createLocalDriver } from "./index.ts";
import { alive, FAST, get, spec, tempDir, until } from "./testing.ts";

const pids = (s: DeploymentStatus | undefined) => (s?.replicas ?? []).map((r) => r.pid as number);

async function portFree(port: number): Promise<boolean> {
  const s = createServer();
  s.listen(port, "127.0.0.1");
  try {
    await once(s, "listening");
    return true;
  } catch {
    return false;
  } finally {
    s.close();
  }
}

describe("createLocalDriver", () => {
  it("apply: runs the integration behind a stable url, env applied, secrets redacted from logs", async () => {
    await using tmp = await tempDir();
    const driver = createLocalDriver({ dataDir: tmp.path, ...FAST });
    try {
      const s = spec({ env: { GREETING: "hello there", TOKEN: "tok-123-secret" }, secretNames: ["TOKEN"] });
      const live: LogLine[] = [];
      driver.onLog(s.id, (l) => live.push(l));
      const status = await driver.apply(s);
      expect(status).toMatchObject({ id: s.id, phase: "running", desiredReplicas: 1, readyReplicas: 1 });
      expect(status.replicas).toMatchObject([
        { name: `${s.id}-0`, phase: "ready", ready: true, restarts: 0 },
      ]);
      expect(status.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(readFileSync(join(tmp.path, "deployments", s.id, "integration.yaml"), "utf8")).toBe(
        s.definition,
      );

      const res = await get(`${status.url}/hello`);
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toMatchObject({ greeting: "hello there" });

      const logs = await until(() => {
        const l = driver.logs(s.id);
        return l.some((x) => x.text.includes("token is")) && l;
      });
      expect(logs.find((x) => x.text.includes("token is"))?.text).toContain("token is [redacted]");
      expect(JSON.stringify(logs)).not.toContain("tok-123-secret");
      expect(JSON.stringify(live)).not.toContain("tok-123-secret");
      expect(logs.some((l) => l.text.includes('"management"'))).toBe(true);
      const seqs = logs.map((l) => l.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(driver.logs(s.id, seqs.at(-2))).toHaveLength(1);
      expect(live.map((l) => l.seq)).toEqual(seqs.slice(0, live.length));
      expect(logs[0]).toMatchObject({ replica: `${s.id}-0`, stream: "stderr" });
    } finally {
      await driver.close();
    }
  }, 20_000);

  it("scale 1 → 2 spreads requests over both replicas, 2 → 1 stops the highest-numbered", async () => {
    await using tmp = await tempDir();
    const driver = createLocalDriver({ dataDir: tmp.path, ...FAST });
    try {
      const s = spec();
      const { url } = await driver.apply(s);
      const two = await driver.scale(s.id, 2);
      expect(two).toMatchObject({ phase: "running", desiredReplicas: 2, readyReplicas: 2 });
      expect(two.replicas.map((r) => r.name)).toEqual([`${s.id}-0`, `${s.id}-1`]);
      const ports = new Set<string>();
      for (let i = 0; i < 6; i++) ports.add(JSON.parse((await get(`${url}/hello`)).body).port);
      expect(ports.size).toBe(2);

      const [, second] = pids(two);
      const one = await driver.scale(s.id, 1);
      expect(one).toMatchObject({ phase: "running", desiredReplicas: 1, readyReplicas: 1 });
      expect(one.replicas.map((r) => r.name)).toEqual([`${s.id}-0`]);
      expect(alive(second as number)).toBe(false);
      expect((await get(`${url}/hello`)).status).toBe(200);
      await expect(driver.scale(s.id, 0)).rejects.toThrow(RangeError);
      await expect(driver.scale("nope", 1)).rejects.toThrow(/no deployment/);
    } finally {
      await driver.close();
    }
  }, 20_000);

  it("remove stops the processes, frees the port, deletes the directory; close leaves no child", async () => {
    await using tmp = await tempDir();
    const driver = createLocalDriver({ dataDir: tmp.path, ...FAST });
    const events: DeploymentStatus[] = [];
    driver.watch((st) => events.push(st));
    const a = spec({ replicas: 2 });
    const b = spec({ httpPort: undefined, definition: "flows: []\n" });
    const [sa, sb] = await Promise.all([driver.apply(a), driver.apply(b)]);
    expect(sb).toMatchObject({ phase: "running", readyReplicas: 1, url: undefined });
    const port = Number(new URL(sa.url as string).port);
    const aPids = pids(sa);
    expect(aPids.every(alive)).toBe(true);

    await driver.remove(a.id);
    expect(aPids.some(alive)).toBe(false);
    expect(driver.status(a.id)).toBeUndefined();
    expect(driver.logs(a.id)).toEqual([]);
    expect(existsSync(join(tmp.path, "deployments", a.id))).toBe(false);
    expect(await portFree(port)).toBe(true);
    expect(events.filter((e) => e.id === a.id).at(-1)).toMatchObject({
      phase: "pending",
      desiredReplicas: 0,
      readyReplicas: 0,
      replicas: [],
    });
    await driver.remove(a.id); // unknown id: a no-op

    const bPids = pids(driver.status(b.id));
    await driver.close();
    expect(bPids.some(alive)).toBe(false);
    expect(driver.status(b.id)).toBeUndefined();
    await expect(driver.apply(spec())).rejects.toThrow(/closed/);
  }, 20_000);

  it("rejects an id that is not a plain directory name", async () => {
    await using tmp = await tempDir();
    const driver = createLocalDriver({ dataDir: tmp.path });
    await expect(driver.apply(spec({ id: "../x" }))).rejects.toThrow(/safe directory name/);
    await expect(driver.apply(spec({ replicas: 0 }))).rejects.toThrow(RangeError);
    await driver.close();
  });
});
