// Route timeouts without a timer per request. Every request of a route has the same time limit, so
// deadlines expire in arrival order: one timer sweeps the oldest ones. Creating and clearing a Node
// timer per request was ~3 % of a small request's CPU (S1 profile: timers insert/unenroll).

/** A request waiting for its flow; `expire` runs once if it is still waiting at its deadline. */
export interface Deadline {
  readonly at: number;
  expire(): void;
}

export class Deadlines {
  private readonly waiting = new Set<Deadline>();
  private timer: NodeJS.Timeout | undefined;
  /** How often the oldest deadlines are checked: a tenth of the limit, 10 ms to 1 s. */
  readonly sweepMs: number;

  readonly limitMs: number;

  constructor(limitMs: number) {
    this.limitMs = limitMs;
    this.sweepMs = Math.min(1_000, Math.max(10, Math.floor(limitMs / 10)));
  }

  /** Starts the clock for a request; `expire` runs between limitMs and limitMs + sweepMs from now. */
  start(expire: () => void): Deadline {
    const deadline = { at: performance.now() + this.limitMs, expire };
    this.waiting.add(deadline);
    this.timer ??= setTimeout(this.sweep, this.sweepMs);
    return deadline;
  }

  /** The request was answered (or its client left): its deadline no longer matters. */
  cancel(deadline: Deadline): void {
    this.waiting.delete(deadline);
  }

  get size(): number {
    return this.waiting.size;
  }

  private readonly sweep = (): void => {
    this.timer = undefined;
    const now = performance.now();
    // A Set iterates in insertion order, i.e. by deadline: stop at the first one still ahead.
    for (const deadline of this.waiting) {
      if (deadline.at > now) break;
      this.waiting.delete(deadline);
      deadline.expire();
    }
    if (this.waiting.size > 0) this.timer = setTimeout(this.sweep, this.sweepMs);
  };
}
