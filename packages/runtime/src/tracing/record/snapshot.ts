// Copies of a message's body and vars for a trace: a JSON round trip (so nothing mutable is
// shared with the running message), secrets redacted as the logger redacts them, and each value
// bounded so a large payload cannot make a trace (or the editor) unbounded.
import type { Message } from "../../engine/message.ts";
import { jsonLineRedactor } from "../../logging/logger.ts";
import type { Snapshot, TruncatedValue } from "./model.ts";

/** Characters of JSON text one copied value may take; past that only its start is kept. */
export const DEFAULT_MAX_VALUE_CHARS = 64 * 1024;
/** Characters of a too-large value kept as its preview. */
const PREVIEW_CHARS = 1024;

/** Characters of copied JSON a whole trace may hold; later values are only sized. */
export const DEFAULT_MAX_TRACE_CHARS = 4 * 1024 * 1024;

/** What is left of a trace's size budget (characters). */
export interface Budget {
  left: number;
}

export type Copier = (value: unknown, budget?: Budget) => unknown;

/**
 * A copier that redacts `secrets` and bounds each value to `maxChars` of JSON text; with a
 * budget, the values of one trace together stop being copied once it is spent.
 */
export function copier(secrets: Iterable<string>, maxChars = DEFAULT_MAX_VALUE_CHARS): Copier {
  const redact = jsonLineRedactor(secrets);
  return (value, budget) => {
    let text: string | undefined;
    try {
      text = JSON.stringify(value);
    } catch (e) {
      return { $truncated: `(not JSON: ${e instanceof Error ? e.message : String(e)})`, $bytes: 0 };
    }
    if (text === undefined) return null;
    if (budget !== undefined && budget.left <= 0) {
      const skipped: TruncatedValue = {
        $truncated: "(not recorded: the trace reached its size limit)",
        $bytes: Buffer.byteLength(text),
      };
      return skipped;
    }
    const safe = redact(text);
    if (budget !== undefined) budget.left -= Math.min(safe.length, maxChars);
    if (safe.length <= maxChars) return JSON.parse(safe);
    const truncated: TruncatedValue = {
      $truncated: `${safe.slice(0, PREVIEW_CHARS)}…`,
      $bytes: Buffer.byteLength(text),
    };
    return truncated;
  };
}

export function snapshot(msg: Message, copy: Copier, budget?: Budget): Snapshot {
  return { body: copy(msg.body, budget), vars: copy(msg.vars, budget) };
}
