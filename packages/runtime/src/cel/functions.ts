// Functions @marcbachmann/cel-js 8.0.0 lacks and flows need. Already built in (so NOT added here):
// lowerAscii, upperAscii, trim, split, join, indexOf, substring, timestamp(int|string), duration(string).
import { randomUUID } from "node:crypto";
import { type Environment, EvaluationError } from "@marcbachmann/cel-js";
import { Duration, UnsignedInt } from "@marcbachmann/cel-js/evaluator";
import { formatDuration, formatTimestamp, toJson } from "./convert.ts";

const TS = "google.protobuf.Timestamp";
const DUR = "google.protobuf.Duration";
const MAX_INT = 2n ** 63n - 1n;

function fail(message: string): never {
  throw new EvaluationError(message);
}

/** cel-go strings ext `replace`: n < 0 replaces every occurrence, otherwise the first n. */
function replace(s: string, from: string, to: string, n = -1n): string {
  const parts = s.split(from);
  if (n < 0n || n >= BigInt(parts.length - 1)) return parts.join(to);
  const k = Number(n) + 1;
  return [parts.slice(0, k).join(to), ...parts.slice(k)].join(from);
}

/** `%s` text of a value: strings as-is, timestamps/durations in CEL form, aggregates as JSON. */
function formatText(v: unknown): string {
  if (typeof v === "string") return v;
  if (v instanceof Date) return formatTimestamp(v);
  if (v instanceof Duration) return formatDuration(v);
  if (v instanceof Uint8Array) return Buffer.from(v).toString("utf8");
  if (typeof v === "number" && !Number.isFinite(v)) return String(v);
  const j = toJson(v);
  return typeof j === "string" ? j : JSON.stringify(j);
}

function asNumber(v: unknown, clause: string): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (v instanceof UnsignedInt) return Number(v.value);
  return fail(`format: ${clause} needs a number, got ${typeof v}`);
}

/**
 * Subset of cel-go's `string.format(list)`: %s, %d, %f, %.Nf and %%.
 * Deviation: %d also accepts a whole double (JSON numbers are double), e.g. "%d".format([body.qty]).
 */
function format(template: string, args: unknown[]): string {
  let next = 0;
  return template.replace(/%(?:\.(\d+))?([a-zA-Z%])?/g, (clause, precision: string | undefined, verb) => {
    if (verb === "%" && precision === undefined) return "%";
    if (verb !== "s" && verb !== "d" && verb !== "f") {
      return fail(`format: unsupported clause '${clause}' (supported: %s %d %f %.Nf %%)`);
    }
    if (next >= args.length) return fail(`format: not enough arguments for '${clause}'`);
    const arg = args[next++];
    if (verb === "s") return formatText(arg);
    if (verb === "f") return asNumber(arg, clause).toFixed(precision === undefined ? 6 : Number(precision));
    if (typeof arg === "bigint" || arg instanceof UnsignedInt) return String(arg);
    if (typeof arg === "number" && Number.isInteger(arg)) return arg.toFixed(0);
    return fail(`format: %d needs an integer, got ${formatText(arg)}; use %f or int(x)`);
  });
}

/** Sum of a list of numbers: ints stay int, any double makes the sum a double. */
function sum(list: unknown[]): number | bigint {
  if (list.every((v) => typeof v === "bigint")) return (list as bigint[]).reduce((a, b) => a + b, 0n);
  let total = 0;
  for (const v of list) {
    if (typeof v === "number") total += v;
    else if (typeof v === "bigint") total += Number(v);
    else if (v instanceof UnsignedInt) total += Number(v.value);
    else fail(`sum: list elements must be numbers, got ${typeof v}`);
  }
  return total;
}

function charAt(s: string, i: bigint): string {
  const chars = Array.from(s);
  if (i < 0n || i > BigInt(chars.length))
    fail(`charAt: index ${i} out of range for a string of size ${chars.length}`);
  return chars[Number(i)] ?? "";
}

/** Registers the extra functions on an environment that has not been cloned yet. */
export function registerExtraFunctions(env: Environment): void {
  const sync = { async: false };
  const fn = (signature: string, handler: (...args: never[]) => unknown) =>
    env.registerFunction(signature, handler as (...args: unknown[]) => unknown, sync);

  fn("string.replace(string, string): string", (s: string, a: string, b: string) => replace(s, a, b));
  fn("string.replace(string, string, int): string", (s: string, a: string, b: string, n: bigint) =>
    replace(s, a, b, n),
  );
  fn("string.charAt(int): string", charAt);
  fn("string.reverse(): string", (s: string) => Array.from(s).reverse().join(""));
  fn("string.format(list): string", format);

  // Standard conversions missing from the library.
  fn(`string(${TS}): string`, formatTimestamp);
  fn(`string(${DUR}): string`, formatDuration);
  fn(`int(${TS}): int`, (d: Date) => BigInt(Math.floor(d.getTime() / 1000)));
  fn("int(uint): int", (u: UnsignedInt) =>
    u.value <= MAX_INT ? u.value : fail(`int() overflow: ${u.value} does not fit in an int`),
  );
  fn(`timestamp(${TS}): ${TS}`, (d: Date) => d);
  fn(`duration(${DUR}): ${DUR}`, (d: Duration) => d);

  // Lexicographic ordering of bytes (standard CEL; the library only has ==).
  for (const op of ["<", "<=", ">", ">="] as const) {
    env.registerOperator(`bytes ${op} bytes: bool`, (a: Uint8Array, b: Uint8Array) => {
      const c = Buffer.compare(a, b);
      return op === "<" ? c < 0 : op === "<=" ? c <= 0 : op === ">" ? c > 0 : c >= 0;
    });
  }

  // Runtime helpers (runtime spec).
  fn("uuid(): string", () => randomUUID());
  fn("list.sum(): dyn", sum);
}
