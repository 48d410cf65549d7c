import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_OCTO_COMMAND } from "./index.ts";
import { failureLine, Replica, type ReplicaOptions } from "./replica.ts";
import { alive, BROKEN_CONFIG, get, helloConfig, tempDir, until } from "./testing.ts";

const started: Replica[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((r) => r.stop(1000)));
});

async function replica(
  dir: string,
  config: string,
  over: Partial<ReplicaOptions> = {},
): Promise<{ r: Replica; lines: string[]; changes: string[] }> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "integration.yaml"), config);
  const lines: string[] = [];
  const changes: string[] = [];
  const r: Replica = new Replica({
    name: "t-0",
    dir,
    command: DEFAULT_OCTO_COMMAND,
    env: { PATH: process.env.PATH ?? "", OCTO_MANAGEMENT_PORT: "0", OCTO_LOG_FORMAT: "json", GREETING: "yo" },
    networked: true,
    backoff: { initialMs: 100, maxMs: 400, resetAfterMs: 60_000 },
    redact: (t) => t,
    onLine: (_s, t) => lines.push(t),
    onChange: () => {
      if (changes.at(-1) !== r.phase) changes.push(r.phase);
    },
    ...over,
  });
  started.push(r);
  r.start();
  return { r, lines, changes };
}

describe("Replica", () => {
  it("becomes ready, serves on its HTTP port, is restarted after a SIGKILL", async () => {
    await using tmp = await tempDir();
    const { r, changes } = await replica(tmp.path, helloConfig());
    await r.waitStarted(15_000);
    expect(r.status()).toMatchObject({ name: "t-0", phase: "ready", ready: true, restarts: 0 });
    const res = await get(`http://127.0.0.1:${r.httpPort}/hello`);
    expect(JSON.parse(res.body)).toMatchObject({ greeting: "yo" });

    const first = r.pid as number;
    process.kill(first, "SIGKILL");
    await until(() => r.restarts === 1 && r.ready, 15_000, "restart");
    expect(r.pid).not.toBe(first);
    expect(alive(first)).toBe(false);
    expect(r.lastFailure).toMatch(/^exited with signal SIGKILL/);
    expect(r.crashLooping).toBe(false);
    expect(changes).toEqual(["starting", "ready", "crashed", "starting", "ready"]);

    const pid = r.pid as number;
    await r.stop(2000);
    expect(r.phase).toBe("stopped");
    expect(alive(pid)).toBe(false);
  }, 20_000);

  it("a config that does not load: crash-looping with the load error, backing off", async () => {
    await using tmp = await tempDir();
    const t0 = Date.now();
    const { r } = await replica(tmp.path, BROKEN_CONFIG);
    await r.waitStarted(15_000);
    expect(r.phase).toBe("crashed");
    expect(r.lastFailure).toMatch(/^exited with code 1: integration\.yaml:\d+:\d+: YAML syntax error/);
    await until(() => r.crashLooping, 15_000, "crash loop");
    // 100 + 200 + 400 ms of backoff at least before the 4th start: no hot loop.
    await until(() => r.restarts >= 3, 15_000, "restarts");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(700);
    await r.stop(1000);
    const restarts = r.restarts;
    await new Promise((res) => setTimeout(res, 600));
    expect(r.restarts).toBe(restarts);
  }, 20_000);

  it("a command that cannot start counts as a crash", async () => {
    await using tmp = await tempDir();
    const { r } = await replica(tmp.path, helloConfig(), { command: [join(tmp.path, "no-such-octo")] });
    await r.waitStarted(5000);
    expect(r.phase).toBe("crashed");
    expect(r.lastFailure).toMatch(/^failed to start: .*ENOENT/);
  });
});

describe("failureLine", () => {
  it("prefers a located diagnostic, then an error log message, then the last plain line", () => {
    expect(
      failureLine(["f.yaml:3:1: YAML syntax error: x [yaml-syntax]", "  hint: fix it", "  | ", "1 error"]),
    ).toBe("f.yaml:3:1: YAML syntax error: x [yaml-syntax]");
    expect(
      failureLine([
        '{"level":"error","msg":"octo: listen EADDRINUSE"}',
        '{"level":"info","msg":"octo: stopped"}',
      ]),
    ).toBe("octo: listen EADDRINUSE");
    expect(failureLine(["boom", "  at x", ""])).toBe("boom");
    expect(failureLine(['{"level":"info","msg":"bye"}'])).toBe("bye");
    expect(failureLine([])).toBeUndefined();
  });
});
