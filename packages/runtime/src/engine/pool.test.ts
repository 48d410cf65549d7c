import { describe, expect, it } from "vitest";
import { QueueFullError, ShuttingDownError, WorkerPool } from "./pool.ts";

/** A handler whose calls finish only when the test says so. */
function gated() {
  const started: number[] = [];
  const gates = new Map<number, () => void>();
  const handler = (n: number) =>
    new Promise<number>((resolve) => {
      started.push(n);
      gates.set(n, () => resolve(n));
    });
  const release = (n: number) => gates.get(n)?.();
  return { started, handler, release };
}

const tick = () => new Promise((r) => setImmediate(r));

describe("WorkerPool", () => {
  it("runs at most `workers` items at once and queues the rest in arrival order", async () => {
    const g = gated();
    const pool = new WorkerPool("f", 2, 10, g.handler);
    const results = [1, 2, 3, 4].map((n) => pool.submit(n));
    await tick();
    expect(g.started).toEqual([1, 2]);
    expect(pool.running).toBe(2);
    expect(pool.queued).toBe(2);
    g.release(2);
    await tick();
    expect(g.started).toEqual([1, 2, 3]);
    g.release(1);
    g.release(3);
    await tick();
    g.release(4);
    expect(await Promise.all(results)).toEqual([1, 2, 3, 4]);
  });

  it("rejects with QueueFullError once workers are busy and the buffer is full", async () => {
    const g = gated();
    const pool = new WorkerPool("orders", 1, 2, g.handler);
    expect(pool.refusal()).toBeUndefined();
    const accepted = [pool.submit(1), pool.submit(2), pool.submit(3)];
    expect(pool.refusal()).toBeInstanceOf(QueueFullError);
    await expect(pool.submit(4)).rejects.toBeInstanceOf(QueueFullError);
    await expect(pool.submit(5)).rejects.toThrow(/flow orders is busy: its queue of 2 is full/);
    for (const n of [1, 2, 3]) {
      g.release(n);
      await tick();
    }
    expect(await Promise.all(accepted)).toEqual([1, 2, 3]);
  });

  it("workers: 1 processes strictly in arrival order", async () => {
    const order: number[] = [];
    const pool = new WorkerPool("fifo", 1, 100, async (n: number) => {
      // Later items finish faster: only a strict FIFO keeps the order.
      await new Promise((r) => setTimeout(r, 10 - n));
      order.push(n);
      return n;
    });
    await Promise.all([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => pool.submit(n)));
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("submitWait waits for space instead of rejecting", async () => {
    const g = gated();
    const pool = new WorkerPool("f", 1, 1, g.handler);
    const a = pool.submit(1);
    const b = pool.submit(2);
    const c = pool.submitWait(3);
    await tick();
    expect(g.started).toEqual([1]);
    g.release(1);
    await tick();
    await tick();
    g.release(2);
    await tick();
    await tick();
    g.release(3);
    expect(await Promise.all([a, b, c])).toEqual([1, 2, 3]);
  });

  it("drain finishes queued work and refuses new work", async () => {
    const g = gated();
    const pool = new WorkerPool("f", 1, 5, g.handler);
    const a = pool.submit(1);
    const b = pool.submit(2);
    const drained = pool.drain();
    expect(pool.refusal()).toBeInstanceOf(ShuttingDownError);
    await expect(pool.submit(3)).rejects.toBeInstanceOf(ShuttingDownError);
    g.release(1);
    await tick();
    g.release(2);
    await drained;
    expect(await Promise.all([a, b])).toEqual([1, 2]);
  });

  it("keeps working after many items (queue compaction)", async () => {
    const pool = new WorkerPool("f", 1, 5000, async (n: number) => n);
    const all = Array.from({ length: 4000 }, (_, i) => pool.submit(i));
    const out = await Promise.all(all);
    expect(out[3999]).toBe(3999);
    expect(pool.queued).toBe(0);
  });
});
