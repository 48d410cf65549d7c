import { errorInfo } from "../blocks/handle-errors/index.ts";
import { type LoadOptions, type LoadResult, loadConfig, loadSources } from "../config/load.ts";
import type { YamlSource } from "../config/yaml-source.ts";
import { type Diagnostic, FlowError } from "../errors/diagnostic.ts";
import { type ConsoleLoggerOptions, consoleLogger, type Logger } from "../logging/logger.ts";
import type { Registry } from "../plugin/registry.ts";
import type { Exec, RuntimeHandle } from "../plugin/types.ts";
import { standaloneServices } from "../services/standalone.ts";
import type { RuntimeServices } from "../services/types.ts";
import { composeTracers, defaultTracer, detach, type FlowRun, type Tracer } from "../tracing/tracer.ts";
import { type CompiledFlow, compilePlan, type Plan } from "./compile.ts";
import { type BlockEvent, EventBus, type FlowEvent, type FlowEventType } from "./events.ts";
import { type Message, newMessage } from "./message.ts";
import type { Outcome } from "./outcome.ts";
import { QueueFullError, WorkerPool } from "./pool.ts";

export const MAX_FLOW_DEPTH = 64;

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Receives what the runtime counts outside the event bus (the metrics module implements it). */
export interface RuntimeObserver {
  /** Every bus event, without building the event (durationMs for completed/failed/dropped). */
  flowEvent?(type: FlowEventType, flow: string, durationMs: number | undefined, reason?: string): void;
  connectorError(connector: string, kind: string): void;
  /** Every block event (the plugins' metrics read them). */
  blockEvent?(event: BlockEvent): void;
}

export interface RuntimeOptions {
  registry: Registry;
  /** Replaces the runtime's own console logger (tests); secrets are then the caller's concern. */
  logger?: Logger;
  /** Options of the runtime's console logger, which redacts the config's secret values. */
  logging?: Omit<ConsoleLoggerOptions, "secrets" | "service">;
  /** Defaults to standalone services (in-memory KV, always the leader). */
  services?: RuntimeServices;
  observer?: RuntimeObserver;
  /**
   * Wraps every step and flow run at compile time (a recorder); the process's own tracer (set by
   * the CLI from OCTO_TRACING, usually none) is added to it.
   */
  tracer?: Tracer;
}

/** A flow's load right now: what runs and what waits, against its limits. */
export interface FlowLoad {
  flow: string;
  running: number;
  queued: number;
  workers: number;
  buffer: number;
}

export type RuntimeLoad = { ok: true; runtime: Runtime } | { ok: false; diagnostics: Diagnostic[] };

/** Loads, validates and compiles a config into a runtime (not started). */
export function loadRuntime(configPath: string, opts: RuntimeOptions & LoadOptions): RuntimeLoad {
  return build(loadConfig(configPath, opts), opts);
}

/** Same as loadRuntime, from sources already in memory (tests, the editor, the orchestrator). */
export function loadRuntimeFromSources(
  sources: YamlSource[],
  opts: RuntimeOptions & LoadOptions,
): RuntimeLoad {
  return build(loadSources(sources, opts), opts);
}

/** Compiles what loaded; a partial load is still compiled so every error is reported at once. */
function build(loaded: LoadResult, opts: RuntimeOptions): RuntimeLoad {
  const config = loaded.ok ? loaded.config : loaded.partial;
  // The process's tracer (OCTO_TRACING) applies to every runtime, beside one passed in (a recorder).
  const tracer = composeTracers(opts.tracer, defaultTracer());
  const compiled = config ? compilePlan(config, opts.registry, tracer) : undefined;
  const diagnostics = [
    ...(loaded.ok ? [] : loaded.diagnostics),
    ...(compiled?.ok === false ? compiled.diagnostics : []),
  ];
  if (diagnostics.length > 0 || !compiled?.ok) return { ok: false, diagnostics };
  return { ok: true, runtime: new Runtime(compiled.plan, opts) };
}

interface FlowRunner {
  flow: CompiledFlow;
  pool: WorkerPool<Message, Outcome>;
  /** A run of the flow called by another one (flow-ref), through the tracer when there is one. */
  call: FlowRun;
  /** Free slots of the flow's shared pool for concurrent fork branches. */
  branchSlots: number;
}

/** A loaded integration: its flows with their worker pools, connectors, sources and event bus. */
export class Runtime implements RuntimeHandle {
  readonly plan: Plan;
  readonly events = new EventBus();
  readonly logger: Logger;
  readonly services: RuntimeServices;
  private readonly observer: RuntimeObserver | undefined;
  private readonly runners = new Map<string, FlowRunner>();
  private readonly instances = new Map<string, unknown>();
  private readonly stopSources: (() => Promise<void>)[] = [];
  private started = false;

  constructor(plan: Plan, opts: Omit<RuntimeOptions, "registry"> = {}) {
    this.plan = plan;
    this.logger =
      opts.logger ??
      consoleLogger({ ...opts.logging, secrets: plan.env.secretValues, service: plan.service.name });
    this.services = opts.services ?? standaloneServices();
    this.observer = opts.observer;
    for (const flow of plan.flows.values()) {
      const run: FlowRun = (msg, exec) => this.execute(runner, msg, exec);
      // Chosen once: a runtime without a tracer runs exactly as it always did.
      const traced = plan.tracer?.flow(run, flow.name);
      const runner: FlowRunner = {
        flow,
        branchSlots: flow.pool,
        call: traced ?? run,
        pool: new WorkerPool(
          flow.name,
          flow.workers,
          flow.buffer,
          traced
            ? (msg) => traced(msg, { flow: flow.name, runtime: this, signal: undefined, depth: 0 })
            : (msg) =>
                this.execute(runner, msg, { flow: flow.name, runtime: this, signal: undefined, depth: 0 }),
        ),
      };
      this.runners.set(flow.name, runner);
    }
  }

  get flowNames(): string[] {
    return [...this.runners.keys()];
  }

  /** Every flow's running and queued messages (for the queue-depth metric). */
  load(): FlowLoad[] {
    return [...this.runners.values()].map(({ flow, pool }) => ({
      flow: flow.name,
      running: pool.running,
      queued: pool.queued,
      workers: pool.workers,
      buffer: pool.buffer,
    }));
  }

  connectorError(connector: string, kind: string): void {
    this.observer?.connectorError(connector, kind);
  }

  blockEvent(msg: Message, exec: Exec, block: string, name: string, data: Record<string, unknown>): void {
    if (!this.observer?.blockEvent && !this.events.active) return;
    const event: BlockEvent = {
      type: "block",
      name,
      flow: exec.flow,
      block,
      eventID: msg.eventID,
      correlationID: msg.correlationID,
      time: new Date().toISOString(),
      data,
    };
    this.observer?.blockEvent?.(event);
    this.events.emit(event);
  }

  /** Creates connector instances and, when `sources` is true, starts every flow's source. */
  async start(opts: { sources: boolean } = { sources: true }): Promise<void> {
    if (this.started) return;
    this.started = true;
    try {
      await this.startParts(opts.sources);
    } catch (e) {
      // A half-started runtime (a port in use, a database down) releases what it holds, so a
      // reload that fails here leaves the previous version serving untouched.
      await this.stop().catch(() => {});
      throw e;
    }
  }

  private async startParts(sources: boolean): Promise<void> {
    for (const c of this.plan.connectors) {
      this.instances.set(
        c.name,
        await c.definition.create(c.settings, {
          name: c.name,
          logger: this.logger,
          services: this.services,
          secrets: [...this.plan.env.secretValues],
        }),
      );
    }
    if (!sources) return;
    for (const runner of this.runners.values()) {
      const src = runner.flow.source;
      if (!src) continue;
      const stop = await src.definition.start({
        flow: runner.flow.name,
        settings: src.settings,
        compiled: src.compiled,
        connector: this.instances.get(src.connector),
        connectorName: src.connector,
        logger: this.logger,
        services: this.services,
        connectorError: (kind) => this.connectorError(src.connector, kind),
        deliver: (msg) => this.submit(runner, msg),
        ...(this.plan.tracer?.incoming ? { continueTrace: this.plan.tracer.incoming } : {}),
      });
      this.stopSources.push(stop);
    }
  }

  /** Stops sources, lets queued and running messages finish, then closes connectors. */
  async stop(): Promise<void> {
    await Promise.all(this.stopSources.splice(0).map((s) => s()));
    // Flows feed each other (oneWay flow-refs), so a pool is closed only once every pool is idle
    // at the same moment: an in-flight message can still hand work to a sibling flow.
    const pools = [...this.runners.values()].map((r) => r.pool);
    do await Promise.all(pools.map((p) => p.settled()));
    while (!pools.every((p) => p.isIdle));
    await Promise.all(pools.map((p) => p.drain()));
    for (const c of this.plan.connectors) {
      const instance = this.instances.get(c.name);
      if (instance === undefined) continue;
      try {
        await c.definition.close?.(instance);
      } catch (e) {
        this.logger.log("warn", `connector ${c.name} did not close cleanly: ${errorText(e)}`);
      }
    }
    this.instances.clear();
  }

  /** Runs one message through a flow via its queue (as a source would) and reports the outcome. */
  invoke(flow: string, body: unknown, init: Partial<Omit<Message, "body">> = {}): Promise<Outcome> {
    const runner = this.runners.get(flow);
    if (!runner)
      return Promise.reject(new Error(`no flow named "${flow}"; flows: ${this.flowNames.join(", ")}`));
    return this.submit(runner, newMessage(body, init));
  }

  private submit(runner: FlowRunner, msg: Message): Promise<Outcome> {
    // A refusal is known before submitting, so an accepted message costs no extra promise.
    const refused = runner.pool.refusal();
    if (refused === undefined) return runner.pool.submit(msg);
    this.emit("dropped", runner.flow.name, msg, undefined, {
      reason: refused instanceof QueueFullError ? "queue-full" : "shutting-down",
    });
    return Promise.reject(refused);
  }

  private emit(
    type: FlowEvent["type"],
    flow: string,
    msg: Message,
    started?: number,
    extra?: Partial<FlowEvent>,
  ) {
    const durationMs = started === undefined ? undefined : performance.now() - started;
    // Metrics are counted straight from here: no event object per message on the hot path.
    this.observer?.flowEvent?.(type, flow, durationMs, extra?.reason);
    if (!this.events.active) return;
    const event: FlowEvent = {
      type,
      flow,
      eventID: msg.eventID,
      correlationID: msg.correlationID,
      time: new Date().toISOString(),
      ...extra,
    };
    if (durationMs !== undefined) event.durationMs = durationMs;
    this.events.emit(event);
  }

  /**
   * Runs a flow's process and, on failure, its error chain (whose success is a recovery).
   * Synchronous until a block returns a promise: a flow of synchronous blocks (set-payload …)
   * settles without an extra turn of the microtask queue.
   */
  private execute(runner: FlowRunner, msg: Message, exec: Exec): Promise<Outcome> {
    const started = performance.now();
    this.emit("started", runner.flow.name, msg);
    let pending: void | Promise<void>;
    try {
      pending = runner.flow.process(msg, exec);
    } catch (e) {
      return this.recover(runner, msg, exec, started, e);
    }
    if (pending === undefined) return Promise.resolve(this.finish(runner, msg, started));
    return pending.then(
      () => this.finish(runner, msg, started),
      (e: unknown) => this.recover(runner, msg, exec, started, e),
    );
  }

  private async recover(
    runner: FlowRunner,
    msg: Message,
    exec: Exec,
    started: number,
    e: unknown,
  ): Promise<Outcome> {
    const { flow } = runner;
    const error = errorInfo(e, exec);
    if (!flow.error) {
      this.emit("failed", flow.name, msg, started, { error });
      return { status: "failed", message: msg, error };
    }
    msg.vars.error = error;
    try {
      await flow.error(msg, exec);
    } catch (e2) {
      const error2 = errorInfo(e2, exec);
      this.emit("failed", flow.name, msg, started, { error: error2 });
      return { status: "failed", message: msg, error: error2 };
    }
    return this.finish(runner, msg, started);
  }

  /** A run that did not fail: dropped by a block, or completed. */
  private finish(runner: FlowRunner, msg: Message, started: number): Outcome {
    if (msg.dropped) {
      this.emit("dropped", runner.flow.name, msg, started, { reason: "block" });
      return { status: "dropped", message: msg };
    }
    this.emit("completed", runner.flow.name, msg, started);
    return { status: "completed", message: msg };
  }

  async callFlow(name: string, msg: Message, exec: Exec): Promise<Message> {
    const runner = this.runners.get(name);
    if (!runner) throw new Error(`no flow named "${name}"`);
    if (exec.depth >= MAX_FLOW_DEPTH) {
      throw new Error(`flow-ref nesting deeper than ${MAX_FLOW_DEPTH} (a flow calling itself?)`);
    }
    const outcome = await runner.call(msg, { ...exec, flow: name, depth: exec.depth + 1 });
    if (outcome.status === "failed") {
      throw new FlowError(outcome.error.message, outcome.error.flow, outcome.error.block);
    }
    return outcome.message;
  }

  async sendFlow(name: string, msg: Message, from?: Exec): Promise<void> {
    const runner = this.runners.get(name);
    if (!runner) throw new Error(`no flow named "${name}"`);
    // The copy runs later on the flow's own workers; a traced caller's trace goes with it.
    if (from?.trace !== undefined) detach(from.trace, msg);
    // Backpressure, not unbounded memory: wait for queue space, then let it run on its own.
    void runner.pool.submitWait(msg).catch((e: unknown) => {
      this.logger.log("warn", `oneWay call to flow ${name} was not run: ${errorText(e)}`);
    });
  }

  /**
   * Fork branches run concurrently while the flow's pool has free slots; when it has none a
   * branch runs on the caller's turn (caller-runs), so nested forks can never deadlock or
   * overflow a queue. The first failure aborts the others; all settle before the fork ends.
   */
  async runBranches(
    flow: string,
    tasks: (() => Promise<void>)[],
    controller: AbortController,
  ): Promise<void> {
    const runner = this.runners.get(flow);
    let firstError: unknown;
    const fail = (e: unknown) => {
      if (firstError === undefined) firstError = e;
      controller.abort();
    };
    const running: Promise<void>[] = [];
    for (const task of tasks) {
      if (controller.signal.aborted) break;
      if (runner && runner.branchSlots > 0) {
        runner.branchSlots--;
        running.push(
          task()
            .catch(fail)
            .finally(() => {
              runner.branchSlots++;
            }),
        );
      } else {
        await task().catch(fail);
      }
    }
    await Promise.all(running);
    if (firstError !== undefined) throw firstError;
  }

  connector<T = unknown>(name: string): T {
    if (!this.instances.has(name)) throw new Error(`connector ${name} is not started`);
    return this.instances.get(name) as T;
  }
}
