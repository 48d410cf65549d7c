// One deployment of the local driver: its directory, replicas, front proxy and captured logs.
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { DeploymentSpec, DeploymentStatus, LogLine } from "../types.ts";
import { type FrontProxy, startFrontProxy } from "./front-proxy.ts";
import { LogBuffer, redactor } from "./log-buffer.ts";
import { type Backoff, Replica } from "./replica.ts";

export interface DeploymentOptions {
  dir: string;
  command: string[];
  baseEnv: Record<string, string>;
  backoff: Backoff;
  graceMs: number;
  drainMs: number;
  startTimeoutMs: number;
  logLines: number;
  onChange: () => void;
  onLog: (line: LogLine) => void;
}

export class Deployment {
  readonly id: string;
  readonly createdAt = new Date().toISOString();
  readonly logs: LogBuffer;
  #o: DeploymentOptions;
  #spec: DeploymentSpec | undefined;
  #desired = 0;
  /** Live replicas, sorted by slot; during a rollout a slot briefly has its old and new replica. */
  #replicas: { slot: number; replica: Replica }[] = [];
  #proxy: FrontProxy | undefined;
  #redact: (text: string) => string = (t) => t;
  #lastFailure: string | undefined;
  #rollingOut = false;
  #removing = false;
  /** apply/scale run one after another; a rejected step does not block the next. */
  #queue: Promise<void> = Promise.resolve();

  constructor(id: string, options: DeploymentOptions) {
    this.id = id;
    this.#o = options;
    this.logs = new LogBuffer(options.logLines);
  }

  status(): DeploymentStatus {
    const current = this.#replicas.filter((r) => !r.replica.stopping);
    const readySlots = new Set(current.filter((r) => r.replica.ready).map((r) => r.slot));
    const failed = current.some((r) => r.replica.crashLooping);
    const settled = readySlots.size >= this.#desired && !this.#rollingOut;
    return {
      id: this.id,
      phase: failed ? "failed" : settled ? "running" : "pending",
      desiredReplicas: this.#desired,
      readyReplicas: readySlots.size,
      replicas: current.map((r) => r.replica.status()),
      lastFailure: this.#lastFailure,
      url: this.#proxy ? `http://127.0.0.1:${this.#proxy.port}` : undefined,
      createdAt: this.createdAt,
    };
  }

  apply(spec: DeploymentSpec): Promise<void> {
    return this.#enqueue(() => this.#apply(spec));
  }

  scale(replicas: number): Promise<void> {
    return this.#enqueue(() => this.#scale(replicas));
  }

  /** Stops everything (SIGTERM, SIGKILL after the grace period), closes the proxy, deletes the dir. */
  async remove(): Promise<void> {
    this.#removing = true;
    await this.#stopAll();
    // A queued rollout sees #removing and stops creating replicas; wait for it, then sweep again.
    await this.#queue;
    await this.#stopAll();
    await this.#proxy?.close();
    this.#proxy = undefined;
    await rm(this.#o.dir, { recursive: true, force: true });
  }

  #enqueue(step: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(step);
    this.#queue = run.catch(() => {});
    return run;
  }

  async #apply(spec: DeploymentSpec): Promise<void> {
    if (this.#removing) return;
    const previous = this.#spec;
    const changed =
      previous === undefined ||
      previous.definition !== spec.definition ||
      previous.httpPort !== spec.httpPort ||
      !sameEnv(previous.env, spec.env) ||
      previous.secretNames.join("\0") !== spec.secretNames.join("\0");
    this.#spec = spec;
    const secrets = spec.secretNames.flatMap((n) => (spec.env[n] === undefined ? [] : [spec.env[n]]));
    this.#redact = redactor(secrets);
    await mkdir(this.#o.dir, { recursive: true });
    await writeFile(join(this.#o.dir, "integration.yaml"), spec.definition);
    if (spec.httpPort !== undefined && !this.#proxy) {
      this.#proxy = await startFrontProxy(() =>
        this.#replicas.flatMap(({ replica: r }) => (r.ready && r.httpPort !== undefined ? [r.httpPort] : [])),
      );
    }
    if (changed && previous !== undefined) {
      // Surplus replicas go first (no point replacing them), then the rest is replaced in place.
      await this.#scale(Math.min(spec.replicas, this.#slots()));
      this.#desired = spec.replicas;
      await this.#rollout(this.#slots());
    }
    // Same spec again: only the replica count may change (an idempotent re-apply restarts nothing).
    await this.#scale(spec.replicas);
    if (spec.httpPort === undefined && this.#proxy) {
      await this.#proxy.close();
      this.#proxy = undefined;
    }
    this.#o.onChange();
  }

  /** Replaces the replicas of slots 0..n-1 one by one: start the new one, wait, stop the old one. */
  async #rollout(n: number): Promise<void> {
    this.#rollingOut = true;
    this.#o.onChange();
    try {
      for (let slot = 0; slot < n && !this.#removing; slot++) {
        const old = this.#replicas.filter((r) => r.slot === slot);
        const fresh = this.#startReplica(slot);
        await fresh.waitStarted(this.#o.startTimeoutMs);
        await Promise.all(old.map((r) => this.#stopReplica(r.replica, this.#o.drainMs)));
      }
    } finally {
      this.#rollingOut = false;
    }
  }

  async #scale(replicas: number): Promise<void> {
    if (this.#removing) return;
    this.#desired = replicas;
    const stopping = this.#replicas.filter((r) => r.slot >= replicas).map((r) => r.replica);
    const started: Replica[] = [];
    for (let slot = this.#slots(); slot < replicas; slot++) started.push(this.#startReplica(slot));
    this.#o.onChange();
    await Promise.all([
      ...stopping.map((r) => this.#stopReplica(r, this.#o.drainMs)),
      ...started.map((r) => r.waitStarted(this.#o.startTimeoutMs)),
    ]);
  }

  /** The number of occupied slots (slots are dense: 0..n-1). */
  #slots(): number {
    return new Set(this.#replicas.map((r) => r.slot)).size;
  }

  #startReplica(slot: number): Replica {
    const spec = this.#spec as DeploymentSpec;
    const name = `${this.id}-${slot}`;
    const replica: Replica = new Replica({
      name,
      dir: this.#o.dir,
      command: this.#o.command,
      env: {
        ...this.#o.baseEnv,
        ...spec.env,
        OCTO_MANAGEMENT_PORT: "0",
        OCTO_MANAGEMENT_HOST: "127.0.0.1",
        OCTO_LOG_FORMAT: "json",
      },
      networked: spec.httpPort !== undefined,
      backoff: this.#o.backoff,
      redact: this.#redact,
      onLine: (stream, text) =>
        this.#o.onLog(this.logs.push({ replica: name, stream, time: new Date().toISOString(), text })),
      onChange: () => {
        if (replica.lastFailure !== undefined) this.#lastFailure = replica.lastFailure;
        this.#o.onChange();
      },
    });
    this.#replicas.push({ slot, replica });
    this.#replicas.sort((a, b) => a.slot - b.slot);
    replica.start();
    return replica;
  }

  /** Takes the replica out of the list (and the proxy's rotation) at once, then stops it. */
  async #stopReplica(replica: Replica, drainMs = 0): Promise<void> {
    const stopped = replica.stop(this.#o.graceMs, drainMs);
    this.#replicas = this.#replicas.filter((r) => r.replica !== replica);
    this.#o.onChange();
    await stopped;
  }

  /** Removal: no drain delay, the front proxy goes away too. */
  async #stopAll(): Promise<void> {
    await Promise.all(this.#replicas.map((r) => this.#stopReplica(r.replica)));
  }
}

function sameEnv(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}
