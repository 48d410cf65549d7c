import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { FlowEvent } from "../engine/events.ts";
import type { FlowLoad, RuntimeObserver } from "../engine/runtime.ts";

/** What the metrics read from the runtime that serves right now (it changes on reload). */
export interface MetricsSource {
  load(): FlowLoad[];
}

/** Buckets from 1 ms to 30 s: integration flows range from in-memory mapping to slow upstreams. */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The runtime's Prometheus metrics. One instance lives for the whole process, across hot
 * reloads: counters keep counting, gauges read whichever runtime is current.
 */
export class RuntimeMetrics implements RuntimeObserver {
  readonly registry = new Registry();
  private source: MetricsSource | undefined;
  private readonly messages: Counter<"flow">;
  private readonly failures: Counter<"flow">;
  private readonly drops: Counter<"flow" | "reason">;
  private readonly duration: Histogram<"flow" | "outcome">;
  private readonly connectorErrors: Counter<"connector" | "kind">;
  private readonly reloads: Counter<"result">;

  constructor(opts: { service?: string; processMetrics?: boolean } = {}) {
    if (opts.service) this.registry.setDefaultLabels({ service: opts.service });
    if (opts.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    this.messages = new Counter({
      name: "octo_flow_messages_total",
      help: "Messages a flow started processing",
      labelNames: ["flow"],
      registers,
    });
    this.failures = new Counter({
      name: "octo_flow_failures_total",
      help: "Messages whose flow failed (no error chain recovered them)",
      labelNames: ["flow"],
      registers,
    });
    this.drops = new Counter({
      name: "octo_flow_drops_total",
      help: "Messages dropped: by a block, refused by a full queue, or refused while shutting down",
      labelNames: ["flow", "reason"],
      registers,
    });
    this.duration = new Histogram({
      name: "octo_flow_duration_seconds",
      help: "Time from a message's start in a flow to its outcome",
      labelNames: ["flow", "outcome"],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.connectorErrors = new Counter({
      name: "octo_connector_errors_total",
      help: "Errors per connector (bad requests, upstream failures, query errors …)",
      labelNames: ["connector", "kind"],
      registers,
    });
    this.reloads = new Counter({
      name: "octo_config_reloads_total",
      help: "Hot reloads of the config, by result",
      labelNames: ["result"],
      registers,
    });
    // Gauges are read from the serving runtime at scrape time, so they cost nothing per message.
    const current = () => this.source?.load() ?? [];
    const gauge = (name: string, help: string, pick: (l: FlowLoad) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ["flow"],
        registers,
        collect() {
          this.reset();
          for (const l of current()) this.set({ flow: l.flow }, pick(l));
        },
      });
    gauge("octo_flow_queue_depth", "Messages waiting in a flow's bounded queue", (l) => l.queued);
    gauge("octo_flow_queue_capacity", "Size of a flow's bounded queue (buffer)", (l) => l.buffer);
    gauge("octo_flow_running", "Messages a flow's workers are processing now", (l) => l.running);
  }

  /** Points the gauges at the runtime that serves now. */
  use(source: MetricsSource): void {
    this.source = source;
  }

  /** Counts one event from a runtime's bus; subscribe with `runtime.events.on("*", m.onEvent)`. */
  readonly onEvent = (e: FlowEvent): void => {
    switch (e.type) {
      case "started":
        this.messages.inc({ flow: e.flow });
        return;
      case "failed":
        this.failures.inc({ flow: e.flow });
        break;
      case "dropped":
        this.drops.inc({ flow: e.flow, reason: e.reason ?? "block" });
        // A message refused at the queue never started: it has no duration.
        if (e.durationMs === undefined) return;
        break;
    }
    if (e.durationMs !== undefined) {
      this.duration.observe({ flow: e.flow, outcome: e.type }, e.durationMs / 1000);
    }
  };

  connectorError(connector: string, kind: string): void {
    this.connectorErrors.inc({ connector, kind });
  }

  reloaded(ok: boolean): void {
    this.reloads.inc({ result: ok ? "ok" : "failed" });
  }

  /** The Prometheus text exposition. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
