// Captured replica output: a bounded ring of lines per deployment, secrets redacted on the way in.
import type { LogLine } from "../types.ts";

export const REDACTED = "[redacted]";

/** The last `capacity` lines of a deployment, numbered with an ever-increasing `seq`. */
export class LogBuffer {
  readonly capacity: number;
  #ring: LogLine[] = [];
  /** Index in #ring of the oldest line once the ring is full. */
  #head = 0;
  #seq = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`log capacity ${capacity} < 1`);
    this.capacity = capacity;
  }

  /** The seq of the newest line (0 before the first). */
  get lastSeq(): number {
    return this.#seq;
  }

  push(line: Omit<LogLine, "seq">): LogLine {
    const stored: LogLine = { seq: ++this.#seq, ...line };
    if (this.#ring.length < this.capacity) this.#ring.push(stored);
    else {
      this.#ring[this.#head] = stored;
      this.#head = (this.#head + 1) % this.capacity;
    }
    return stored;
  }

  /** Lines with seq > `after`, oldest first. */
  after(after = 0): LogLine[] {
    const ordered = [...this.#ring.slice(this.#head), ...this.#ring.slice(0, this.#head)];
    // seqs are consecutive, so the first wanted line's position is arithmetic.
    const first = ordered[0];
    if (!first) return [];
    return ordered.slice(Math.max(0, after - first.seq + 1));
  }
}

/**
 * Replaces every occurrence of each secret value with [redacted]. Also the JSON-escaped form,
 * because replicas log JSON lines (a secret with a quote or backslash appears escaped there).
 * Longest first, so a secret containing another secret is not half-redacted.
 */
export function redactor(secrets: Iterable<string>): (text: string) => string {
  const needles = new Set<string>();
  for (const s of secrets) {
    if (s === "") continue;
    needles.add(s);
    needles.add(JSON.stringify(s).slice(1, -1));
  }
  const sorted = [...needles].sort((a, b) => b.length - a.length);
  if (sorted.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const n of sorted) out = out.replaceAll(n, REDACTED);
    return out;
  };
}

/** Splits a text stream into lines (\n or \r\n); a line longer than `max` is cut into pieces. */
export function lineSplitter(onLine: (line: string) => void, max = 64 * 1024) {
  let pending = "";
  return {
    write(chunk: string): void {
      pending += chunk;
      let nl = pending.indexOf("\n");
      while (nl !== -1) {
        onLine(pending.slice(0, nl).replace(/\r$/, ""));
        pending = pending.slice(nl + 1);
        nl = pending.indexOf("\n");
      }
      while (pending.length > max) {
        onLine(pending.slice(0, max));
        pending = pending.slice(max);
      }
    },
    end(): void {
      if (pending !== "") onLine(pending.replace(/\r$/, ""));
      pending = "";
    },
  };
}
