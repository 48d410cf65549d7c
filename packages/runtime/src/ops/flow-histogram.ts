// octo_flow_duration_seconds without prom-client's per-observation cost: its Histogram validates and
// hashes the labels on every observe (~0.5 µs, 2–4 % of a small request's CPU in S1's profile).
// Here each (flow, outcome) series is resolved once and an observation is a bucket search and three
// additions; the Prometheus series are built only when /metrics is scraped.

/** One series: counts per bucket (the last is +Inf), not yet cumulative. */
export class DurationSeries {
  readonly labels: Record<string, string>;
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  private readonly bounds: readonly number[];

  constructor(labels: Record<string, string>, bounds: readonly number[]) {
    this.labels = labels;
    this.bounds = bounds;
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(seconds: number): void {
    const { bounds } = this;
    let i = 0;
    while (i < bounds.length && seconds > (bounds[i] as number)) i++;
    this.counts[i] = (this.counts[i] as number) + 1;
    this.sum += seconds;
    this.count++;
  }
}

interface SeriesValue {
  labels: Record<string, string | number>;
  value: number;
  metricName: string;
}

/**
 * A histogram registered with a prom-client Registry: it has the members the registry reads
 * (name, help, type, aggregator, get(), reset()) and formats like prom-client's own Histogram.
 */
export class FlowHistogram {
  readonly name: string;
  readonly help: string;
  readonly type = "histogram";
  readonly aggregator = "sum";
  private readonly bounds: readonly number[];
  private readonly series = new Map<string, DurationSeries>();

  constructor(opts: { name: string; help: string; buckets: readonly number[] }) {
    this.name = opts.name;
    this.help = opts.help;
    this.bounds = [...opts.buckets].sort((a, b) => a - b);
  }

  /** The series for these label values, created on first use; keep it to observe cheaply. */
  labels(labels: Record<string, string>): DurationSeries {
    const key = JSON.stringify(labels);
    let s = this.series.get(key);
    if (!s) {
      s = new DurationSeries({ ...labels }, this.bounds);
      this.series.set(key, s);
    }
    return s;
  }

  async get(): Promise<{
    name: string;
    help: string;
    type: string;
    aggregator: string;
    values: SeriesValue[];
  }> {
    const values: SeriesValue[] = [];
    for (const s of this.series.values()) {
      let cumulative = 0;
      for (let i = 0; i <= this.bounds.length; i++) {
        cumulative += s.counts[i] as number;
        const le = i < this.bounds.length ? (this.bounds[i] as number) : "+Inf";
        values.push({ labels: { ...s.labels, le }, value: cumulative, metricName: `${this.name}_bucket` });
      }
      values.push({ labels: s.labels, value: s.sum, metricName: `${this.name}_sum` });
      values.push({ labels: s.labels, value: s.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    for (const s of this.series.values()) {
      s.counts.fill(0);
      s.sum = 0;
      s.count = 0;
    }
  }
}
