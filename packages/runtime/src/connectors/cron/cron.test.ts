// The cron connector (runtime spec §4): schedules, payload with `now`, overlap, load errors, stop.
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { YamlSource } from "../../config/yaml-source.ts";
import type { Message } from "../../engine/message.ts";
import { loadRuntimeFromSources, type Runtime } from "../../engine/runtime.ts";
import { formatDiagnostic } from "../../errors/diagnostic.ts";
import type { Logger, LogLevel } from "../../logging/logger.ts";
import { defaultRegistry } from "../../plugin/default-registry.ts";
import type { BlockDefinition } from "../../plugin/types.ts";
import { standaloneServices } from "../../services/standalone.ts";
import type { LeaderElection, Leadership, RuntimeServices } from "../../services/types.ts";
import { parseSchedule } from "./spec.ts";

interface Line {
  level: LogLevel;
  message: string;
}

/** Messages seen by the `record` block, and a gate that holds every run while closed. */
function recorder() {
  const seen: Message[] = [];
  let release: () => void = () => {};
  let gate: Promise<void> = Promise.resolve();
  let running = 0;
  let maxRunning = 0;
  const block: BlockDefinition = {
    type: "record",
    label: "Record",
    category: "processor",
    description: "test: records the message, then waits for the gate",
    kind: "composite",
    fields: z.strictObject({}),
    compile: () => async (msg) => {
      seen.push(msg);
      running++;
      maxRunning = Math.max(maxRunning, running);
      try {
        await gate;
      } finally {
        running--;
      }
    },
  };
  return {
    seen,
    block,
    get maxRunning() {
      return maxRunning;
    },
    close() {
      gate = new Promise((r) => {
        release = r;
      });
    },
    open() {
      release();
      gate = Promise.resolve();
    },
  };
}

let runtime: Runtime | undefined;
/** Further runtimes of a test (replicas); stopped after it like `runtime`. */
const replicas: Runtime[] = [];
afterEach(async () => {
  await Promise.all([runtime, ...replicas.splice(0)].map((r) => r?.stop()));
  runtime = undefined;
});

function load(yaml: string, rec = recorder(), services?: RuntimeServices) {
  const lines: Line[] = [];
  const logger: Logger = { log: (level, message) => lines.push({ level, message }) };
  const registry = defaultRegistry().use({ name: "test", blocks: [rec.block] });
  const r = loadRuntimeFromSources([new YamlSource("t.yaml", yaml)], {
    registry,
    osEnv: {},
    logger,
    ...(services ? { services } : {}),
  });
  return { r, lines, rec };
}

async function startRuntime(yaml: string, rec: ReturnType<typeof recorder>, services?: RuntimeServices) {
  const { r, lines } = load(yaml, rec, services);
  if (!r.ok) throw new Error(r.diagnostics.map(formatDiagnostic).join("\n"));
  await r.runtime.start();
  return { runtime: r.runtime, lines, rec };
}

async function start(yaml: string, rec = recorder()) {
  const started = await startRuntime(yaml, rec);
  runtime = started.runtime;
  return started;
}

/** Starts one more runtime (a replica) with the given services. */
async function startReplica(yaml: string, rec: ReturnType<typeof recorder>, services: RuntimeServices) {
  const started = await startRuntime(yaml, rec, services);
  replicas.push(started.runtime);
  return started;
}

/**
 * One election shared by replicas, as the cluster's Lease is: per key, the first candidate still
 * campaigning leads; handOver() moves the lead to the next (as when the leader's lease is lost).
 */
class SharedElection implements LeaderElection {
  readonly keys: string[] = [];
  private readonly queues = new Map<string, object[]>();

  campaign(key: string): Leadership {
    this.keys.push(key);
    const me = {};
    const queue = this.queues.get(key) ?? [];
    queue.push(me);
    this.queues.set(key, queue);
    return {
      isLeader: () => this.queues.get(key)?.[0] === me,
      release: async () => {
        const i = queue.indexOf(me);
        if (i >= 0) queue.splice(i, 1);
      },
    };
  }

  handOver(key: string) {
    const queue = this.queues.get(key) ?? [];
    const leader = queue.shift();
    if (leader) queue.push(leader);
  }

  candidates(key: string): number {
    return this.queues.get(key)?.length ?? 0;
  }
}

function loadErrors(yaml: string): string[] {
  const r = loadRuntimeFromSources([new YamlSource("t.yaml", yaml)], {
    registry: defaultRegistry(),
    osEnv: {},
  });
  expect(r.ok).toBe(false);
  return r.ok ? [] : r.diagnostics.map(formatDiagnostic);
}

/** Polls until `check` holds, failing after `ms` (a bound, not an expected duration). */
async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`condition not met within ${ms}ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A flow fed by a cron source; `block` is its one step (`log` where only loading matters). */
const flow = (schedule: string, extra = "", block = "type: record") => `
flows:
  - name: tick
    source:
      connector: cron
      type: cron
      settings:
        schedule: "${schedule}"${extra}
    process:
      - ${block}
`;

const LOG = "{ type: log, settings: {} }";

describe("cron source", () => {
  it("fires on @every and delivers the payload built with now = the fire time", async () => {
    const before = Date.now();
    const { rec } = await start(
      flow(
        "@every 100ms",
        `\n        payload: '{"n": "hi", "at": string(now)}'\n        correlationID: ticks`,
      ),
    );
    await until(() => rec.seen.length >= 2);
    const [a, b] = rec.seen as [Message, Message];
    for (const m of [a, b]) {
      const body = m.body as { n: string; at: string };
      expect(body.n).toBe("hi");
      expect(m.now).toBeInstanceOf(Date);
      expect(Date.parse(body.at)).toBe(m.now?.getTime());
      expect(m.now?.getTime()).toBeGreaterThanOrEqual(before);
      expect(m.correlationID).toBe("ticks");
    }
    expect(b.now?.getTime()).toBeGreaterThan(a.now?.getTime() ?? 0);
    expect(a.eventID).not.toBe(b.eventID);
  });

  it("fires a six-field cron schedule with now = the scheduled second", async () => {
    const { rec } = await start(
      flow("* * * * * *", `\n        payload: 'now'\n        timezone: Europe/Paris`),
    );
    await until(() => rec.seen.length >= 1);
    const m = rec.seen[0] as Message;
    expect(m.now?.getMilliseconds()).toBe(0);
    expect(Date.parse(m.body as string)).toBe(m.now?.getTime());
    expect(m.correlationID).toBe(m.eventID);
  });

  it("without a payload the body is null", async () => {
    const { rec } = await start(flow("@every 50ms"));
    await until(() => rec.seen.length >= 1);
    expect(rec.seen[0]?.body).toBeNull();
  });

  it("overlap: false (the default) skips ticks while the previous run is in flight", async () => {
    const rec = recorder();
    rec.close();
    const { lines } = await start(flow("@every 50ms"), rec);
    await until(() => rec.seen.length >= 1);
    await until(() => lines.filter((l) => l.message.includes("skipped a tick")).length >= 3);
    expect(rec.seen).toHaveLength(1);
    rec.open();
    await until(() => rec.seen.length >= 2);
    expect(rec.maxRunning).toBe(1);
  });

  it("overlap: true lets runs pile up to the flow's workers", async () => {
    const rec = recorder();
    rec.close();
    await start(flow("@every 50ms", "\n        overlap: true"), rec);
    await until(() => rec.seen.length >= 3);
    expect(rec.maxRunning).toBeGreaterThanOrEqual(3);
    rec.open();
  });

  it("a full queue is logged at warn, never thrown out of the timer", async () => {
    const rec = recorder();
    rec.close();
    const yaml = flow("@every 20ms", "\n        overlap: true").replace(
      "  - name: tick\n",
      "  - name: tick\n    workers: 1\n    buffer: 1\n",
    );
    const { lines } = await start(yaml, rec);
    await until(() =>
      lines.some((l) => l.level === "warn" && /dropped: .*queue of 1 is full/.test(l.message)),
    );
    rec.open();
  });

  it("a failed run is logged at warn with the failing block", async () => {
    const { lines } = await start(`
flows:
  - name: tick
    source: { connector: cron, settings: { schedule: "@every 50ms", payload: '{"a": 1}' } }
    process:
      - { type: set-payload, name: boom, settings: { value: 'body.missing.x' } }
`);
    await until(() =>
      lines.some((l) => l.level === "warn" && l.message.includes("flow tick failed in block boom")),
    );
  });

  it("stop() stops further deliveries", async () => {
    const { runtime: rt, rec } = await start(flow("@every 30ms"));
    await until(() => rec.seen.length >= 2);
    await rt.stop();
    const count = rec.seen.length;
    await sleep(200);
    expect(rec.seen.length).toBe(count);
  });

  it("stop() stops a six-field cron job", async () => {
    const { runtime: rt, rec } = await start(flow("* * * * * *"));
    await rt.stop();
    await sleep(1200);
    expect(rec.seen).toHaveLength(0);
  });

  it("an invalid schedule is a located load error, not a runtime crash", () => {
    const errors = loadErrors(flow("*/5 * * *", "", LOG));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /^t\.yaml:8:19: .*invalid cron schedule "\*\/5 \* \* \*": it has 4 fields, not 6; use six fields/,
    );

    expect(loadErrors(flow("61 * * * * *", "", LOG))[0]).toMatch(
      /^t\.yaml:8:\d+: .*invalid cron schedule "61 \* \* \* \* \*": .*second/i,
    );
    expect(loadErrors(flow("@every soon", "", LOG))[0]).toMatch(/^t\.yaml:8:\d+: .*"soon" is not a duration/);
    expect(loadErrors(flow("0 0 0 31 2 *", "", LOG))[0]).toMatch(/no date ever matches it/);
  });

  it("a bad timezone and unknown keys are located load errors", () => {
    const errors = loadErrors(
      flow("@every 1s", "\n        timezone: Mars/Olympus\n        overlaps: true", LOG),
    );
    expect(errors.some((e) => /^t\.yaml:9:\d+: .*unknown time zone "Mars\/Olympus"/.test(e))).toBe(true);
    expect(
      errors.some((e) => /^t\.yaml:10:\d+: unknown key "overlaps".*did you mean "overlap"/.test(e)),
    ).toBe(true);
  });

  it("a payload CEL typo fails the load with file:line:col", () => {
    const errors = loadErrors(flow("@every 1s", `\n        payload: '{"at": string(nwo)}'`, LOG));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^t\.yaml:9:\d+: CEL: .*nwo/);
    expect(errors[0]).toMatch(/available: .*now/);
  });

  it("the connector type works as an implicit instance; a declared instance works too", async () => {
    const { rec } = await start(`
connectors: [{ name: clock, type: cron }]
flows:
  - name: tick
    source: { connector: clock, type: cron, settings: { schedule: "@every 50ms" } }
    process: [{ type: record }]
`);
    await until(() => rec.seen.length >= 1);
  });
});

describe("cron leader election", () => {
  it("replicas sharing an election: only the leader fires; when the lead moves the other fires", async () => {
    const election = new SharedElection();
    const services = (): RuntimeServices => ({ ...standaloneServices(), leader: election });
    const recA = recorder();
    const recB = recorder();
    await startReplica(flow("@every 20ms"), recA, services());
    const b = await startReplica(flow("@every 20ms"), recB, services());
    expect(election.keys).toEqual(["cron:tick", "cron:tick"]);

    await until(() => recA.seen.length >= 3);
    expect(recB.seen).toHaveLength(0);
    await until(() =>
      b.lines.some(
        (l) =>
          l.level === "debug" && l.message === "cron: skipped a tick of flow tick: another replica leads it",
      ),
    );

    election.handOver("cron:tick");
    await until(() => recB.seen.length >= 2);
    const firedByA = recA.seen.length;
    await until(() => recB.seen.length >= 5);
    expect(recA.seen.length).toBe(firedByA);

    // Stopping the leader releases its leadership, so the lead comes back to A.
    await b.runtime.stop();
    expect(election.candidates("cron:tick")).toBe(1);
    await until(() => recA.seen.length > firedByA);
  });

  it("a replica that never leads never fires, and stop() withdraws its candidacy", async () => {
    const election = new SharedElection();
    election.campaign("cron:tick"); // someone else holds the lead throughout
    const rec = recorder();
    const { runtime: rt, lines } = await startReplica(flow("@every 20ms"), rec, {
      ...standaloneServices(),
      leader: election,
    });
    await until(() => lines.filter((l) => l.message.includes("another replica leads it")).length >= 3);
    expect(rec.seen).toHaveLength(0);
    expect(election.candidates("cron:tick")).toBe(2);
    await rt.stop();
    expect(election.candidates("cron:tick")).toBe(1);
  });

  it("a failing release is logged at warn and does not fail stop()", async () => {
    const leader: LeaderElection = {
      campaign: () => ({
        isLeader: () => true,
        release: () => Promise.reject(new Error("lease API unreachable")),
      }),
    };
    const rec = recorder();
    const { runtime: rt, lines } = await startReplica(flow("@every 20ms"), rec, {
      ...standaloneServices(),
      leader,
    });
    await until(() => rec.seen.length >= 1);
    await rt.stop();
    expect(lines).toContainEqual({
      level: "warn",
      message: "cron: flow tick: releasing the leadership failed: lease API unreachable",
    });
  });
});

describe("parseSchedule", () => {
  it("reads @every durations and six-field patterns", () => {
    expect(parseSchedule("@every 3s")).toEqual({ ok: true, schedule: { kind: "every", ms: 3000 } });
    expect(parseSchedule("@every 1m30s")).toEqual({ ok: true, schedule: { kind: "every", ms: 90_000 } });
    expect(parseSchedule("@every 500ms")).toEqual({ ok: true, schedule: { kind: "every", ms: 500 } });
    expect(parseSchedule("0 */5 9-17 * * MON-FRI")).toEqual({
      ok: true,
      schedule: { kind: "cron", pattern: "0 */5 9-17 * * MON-FRI" },
    });
    expect(parseSchedule("@hourly").ok).toBe(true);
  });

  it("rejects five fields, zero intervals and junk", () => {
    expect(parseSchedule("*/5 * * * *")).toMatchObject({ ok: false, reason: "it has 5 fields, not 6" });
    expect(parseSchedule("@every 0s")).toMatchObject({ ok: false });
    expect(parseSchedule("@every")).toMatchObject({ ok: false });
    expect(parseSchedule("")).toMatchObject({ ok: false });
    expect(parseSchedule("a b c d e f")).toMatchObject({ ok: false });
  });
});
