import { Counter, collectDefaultMetrics, Gauge, Histogram, type Metric, Registry } from "prom-client";
import type { BlockEvent, FlowEventType } from "../engine/events.ts";
import type { FlowLoad, RuntimeObserver } from "../engine/runtime.ts";
import type { Registry as PluginRegistry } from "../plugin/registry.ts";
import type { PluginMetrics } from "../plugin/types.ts";
import { type DurationSeries, FlowHistogram } from "./flow-histogram.ts";

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
  private readonly duration: FlowHistogram;
  private readonly connectorErrors: Counter<"connector" | "kind">;
  private readonly reloads: Counter<"result">;
  /** The plugins' block-event handlers (their metrics). */
  private readonly pluginObservers: ((event: BlockEvent) => void)[] = [];
  private readonly pluginsObserved = new Set<string>();
  private readonly flows = new Map<
    string,
    {
      /** Counted here and added to the prom-client counters at scrape time (collect). */
      messages: number;
      failures: number;
      duration: Partial<Record<FlowEventType, DurationSeries>>;
    }
  >();

  constructor(opts: { service?: string; processMetrics?: boolean } = {}) {
    if (opts.service) this.registry.setDefaultLabels({ service: opts.service });
    if (opts.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    // Per-message counts stay plain numbers until a scrape: a prom-client label lookup hashes the
    // labels each time (with the histogram below, 2–4 % of a small request's CPU).
    const flows = this.flows;
    this.messages = new Counter({
      name: "octo_flow_messages_total",
      help: "Messages a flow started processing",
      labelNames: ["flow"],
      registers,
      collect() {
        for (const [flow, m] of flows) {
          this.inc({ flow }, m.messages);
          m.messages = 0;
        }
      },
    });
    this.failures = new Counter({
      name: "octo_flow_failures_total",
      help: "Messages whose flow failed (no error chain recovered them)",
      labelNames: ["flow"],
      registers,
      collect() {
        for (const [flow, m] of flows) {
          this.inc({ flow }, m.failures);
          m.failures = 0;
        }
      },
    });
    this.drops = new Counter({
      name: "octo_flow_drops_total",
      help: "Messages dropped: by a block, refused by a full queue, or refused while shutting down",
      labelNames: ["flow", "reason"],
      registers,
    });
    this.duration = new FlowHistogram({
      name: "octo_flow_duration_seconds",
      help: "Time from a message's start in a flow to its outcome",
      buckets: DURATION_BUCKETS,
    });
    // It has the members a Registry reads (name, help, type, aggregator, get, reset).
    this.registry.registerMetric(this.duration as unknown as Metric);
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

  /** Declares the metrics of every plugin in `plugins` (once per plugin name). */
  observePlugins(plugins: PluginRegistry): void {
    const registers = [this.registry];
    const factory: PluginMetrics = {
      counter: (name, help, labelNames) => new Counter({ name, help, labelNames, registers }),
      histogram: (name, help, labelNames, buckets) =>
        new Histogram({ name, help, labelNames, buckets: [...buckets], registers }),
    };
    for (const plugin of plugins.pluginDefinitions) {
      if (!plugin.metrics || this.pluginsObserved.has(plugin.name)) continue;
      this.pluginsObserved.add(plugin.name);
      this.pluginObservers.push(plugin.metrics(factory));
    }
  }

  blockEvent(event: BlockEvent): void {
    for (const observe of this.pluginObservers) observe(event);
  }

  /** Points the gauges at the runtime that serves now. */
  use(source: MetricsSource): void {
    this.source = source;
  }

  /** Counts one message event (the runtime calls it for every message: keep it cheap). */
  flowEvent(type: FlowEventType, flow: string, durationMs: number | undefined, reason?: string): void {
    const m = this.perFlow(flow);
    switch (type) {
      case "started":
        m.messages++;
        return;
      case "failed":
        m.failures++;
        break;
      case "dropped":
        this.drops.inc({ flow, reason: reason ?? "block" });
        break;
    }
    // A message refused at the queue never started: it has no duration.
    if (durationMs !== undefined) m.duration[type]?.observe(durationMs / 1000);
  }

  /** A flow's counts and duration series, resolved once and kept. */
  private perFlow(flow: string) {
    let m = this.flows.get(flow);
    if (!m) {
      m = {
        messages: 0,
        failures: 0,
        duration: {
          completed: this.duration.labels({ flow, outcome: "completed" }),
          failed: this.duration.labels({ flow, outcome: "failed" }),
          dropped: this.duration.labels({ flow, outcome: "dropped" }),
        },
      };
      this.flows.set(flow, m);
    }
    return m;
  }

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
