/** Thrown when a flow's bounded intake queue is full: the caller answers 503 / retries later. */
export class QueueFullError extends Error {
  readonly flow: string;
  constructor(flow: string, capacity: number) {
    super(`flow ${flow} is busy: its queue of ${capacity} is full; retry later`);
    this.name = "QueueFullError";
    this.flow = flow;
  }
}

/** Thrown for work submitted while the pool drains for shutdown or reload. */
export class ShuttingDownError extends Error {
  constructor(flow: string) {
    super(`flow ${flow} is shutting down`);
    this.name = "ShuttingDownError";
  }
}

interface Job<T, R> {
  item: T;
  resolve: (r: R) => void;
  reject: (e: unknown) => void;
}

/**
 * A flow's workers: at most `workers` items run at once, at most `buffer` wait, in arrival
 * order (so `workers: 1` is strict FIFO). Memory never grows past that: a full queue rejects.
 */
export class WorkerPool<T, R> {
  private readonly queue: Job<T, R>[] = [];
  private head = 0;
  private active = 0;
  private closed = false;
  private idle: (() => void)[] = [];
  readonly name: string;
  readonly workers: number;
  readonly buffer: number;
  private readonly handler: (item: T) => Promise<R>;

  constructor(name: string, workers: number, buffer: number, handler: (item: T) => Promise<R>) {
    this.name = name;
    this.workers = workers;
    this.buffer = buffer;
    this.handler = handler;
  }

  get running(): number {
    return this.active;
  }

  get queued(): number {
    return this.queue.length - this.head;
  }

  /** The error submit() would reject with right now, if any. */
  refusal(): QueueFullError | ShuttingDownError | undefined {
    if (this.closed) return new ShuttingDownError(this.name);
    if (this.active < this.workers) return undefined;
    if (this.queued >= this.buffer) return new QueueFullError(this.name, this.buffer);
    return undefined;
  }

  submit(item: T): Promise<R> {
    const refused = this.refusal();
    if (refused) return Promise.reject(refused);
    if (this.active < this.workers) return this.run(item);
    return new Promise<R>((resolve, reject) => this.queue.push({ item, resolve, reject }));
  }

  /** Waits for space instead of rejecting (oneWay flow-refs apply backpressure to their caller). */
  async submitWait(item: T): Promise<R> {
    while (!this.closed && this.active >= this.workers && this.queued >= this.buffer) {
      await new Promise<void>((r) => this.idle.push(r));
    }
    return this.submit(item);
  }

  private async run(item: T): Promise<R> {
    this.active++;
    try {
      return await this.handler(item);
    } finally {
      this.active--;
      this.next();
    }
  }

  private next(): void {
    const job = this.queue[this.head];
    if (job) {
      this.queue[this.head++] = undefined as never;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      this.run(job.item).then(job.resolve, job.reject);
    }
    const waiters = this.idle;
    this.idle = [];
    for (const w of waiters) w();
  }

  get isIdle(): boolean {
    return this.active === 0 && this.queued === 0;
  }

  /** Resolves when nothing runs or waits (intake stays open). */
  async settled(): Promise<void> {
    while (!this.isIdle) await new Promise<void>((r) => this.idle.push(r));
  }

  /** Stops intake and resolves when queued and running work has finished. */
  async drain(): Promise<void> {
    this.closed = true;
    await this.settled();
  }
}
