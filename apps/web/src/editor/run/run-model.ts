/**
 * The run panel's rules, free of React and of the API: which dev env values go out, what the
 * test request looks like, how JSON is read and shown, when RUN is blocked, and where the dev
 * .env lives in the browser.
 */

import { appendLogLine, type LogLine } from "../../features/deployments/log-buffer.ts";

export interface DeclaredEnvVar {
  name: string;
  default?: string;
  required?: boolean;
  secret?: boolean;
}

export interface HttpRoute {
  flow: string;
  path: string;
}

/** The dev .env as typed: env name → value (possibly blank). */
export type DevEnvValues = Readonly<Record<string, string>>;

// ---------------------------------------------------------------------------------------------
// Dev .env

/** The localStorage key of one integration's dev .env. */
export function devEnvKey(integrationId: string): string {
  return `octo.devEnv:${integrationId}`;
}

/** The part of `Storage` the dev .env needs (a fake in tests). */
export type DevEnvStorage = Pick<Storage, "getItem" | "setItem" | "removeItem">;

/** The stored dev .env; empty when nothing is stored, the entry is not ours, or storage refuses. */
export function loadDevEnv(
  storage: DevEnvStorage | undefined,
  integrationId: string,
): Record<string, string> {
  if (!storage) return {};
  let raw: string | null;
  try {
    raw = storage.getItem(devEnvKey(integrationId));
  } catch {
    return {};
  }
  if (!raw) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return {};
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return {};
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) if (typeof value === "string") values[name] = value;
  return values;
}

/**
 * Stores the dev .env without its blank values (nothing at all when every value is blank).
 * Returns false when the browser refused (storage full or disabled).
 */
export function saveDevEnv(
  storage: DevEnvStorage | undefined,
  integrationId: string,
  values: DevEnvValues,
): boolean {
  if (!storage) return false;
  const kept = Object.fromEntries(Object.entries(values).filter(([, value]) => !isBlank(value)));
  try {
    if (Object.keys(kept).length === 0) storage.removeItem(devEnvKey(integrationId));
    else storage.setItem(devEnvKey(integrationId), JSON.stringify(kept));
    return true;
  } catch {
    return false;
  }
}

function isBlank(value: string | undefined): boolean {
  return value === undefined || value.trim() === "";
}

/** The `env` for runs.start and runs.invoke: declared names only, blank values dropped. */
export function envToSend(declared: readonly DeclaredEnvVar[], values: DevEnvValues): Record<string, string> {
  const env: Record<string, string> = {};
  for (const variable of declared) {
    const value = values[variable.name];
    if (value !== undefined && !isBlank(value)) env[variable.name] = value;
  }
  return env;
}

/** Required vars that have neither a dev value nor a default: the run could not start. */
export function missingRequired(declared: readonly DeclaredEnvVar[], values: DevEnvValues): string[] {
  return declared
    .filter((v) => v.required && isBlank(values[v.name]) && isBlank(v.default))
    .map((v) => v.name);
}

export type Runnable = { ok: true } | { ok: false; reason: string };

/**
 * Why RUN (and Invoke, which runs the same saved definition with the same env) cannot be
 * used now, or null when it can. The first reason that applies is the one worth fixing first.
 */
export function runBlockReason(options: {
  canWrite: boolean;
  runnable: Runnable;
  declared: readonly DeclaredEnvVar[];
  values: DevEnvValues;
}): string | null {
  if (!options.canWrite) return "You have read access only.";
  if (!options.runnable.ok) return options.runnable.reason;
  const missing = missingRequired(options.declared, options.values);
  if (missing.length > 0) return `Set ${missing.join(", ")} in Dev .env`;
  return null;
}

// ---------------------------------------------------------------------------------------------
// Runs

/** A run as runs.list / runs.start / runs.stop return it (the fields the panel reads). */
export interface RunView {
  id: string;
  status: string;
  reason?: string | undefined;
}

/** A run the server still holds: starting, running, or failing (crash-looping until stopped). */
export function isLive(run: RunView): boolean {
  return run.status !== "stopped";
}

/** The newest live run of a list ordered newest first (runs.list), to reattach to after a reload. */
export function newestLiveRun<T extends RunView>(runs: readonly T[] | undefined): T | undefined {
  return runs?.find(isLive);
}

/** The run's state in words. */
export function runStatusText(run: RunView | undefined): string {
  if (!run) return "Not running";
  switch (run.status) {
    case "starting":
    case "pending":
      return "Starting…";
    case "running":
      return "Running";
    case "failed":
      return run.reason ? `Failed: ${run.reason}` : "Failed";
    case "stopped":
      return "Stopped";
    default:
      return run.status;
  }
}

// ---------------------------------------------------------------------------------------------
// Run logs

/** How many lines of a run the panel keeps. */
export const RUN_LOG_LIMIT = 5000;

/**
 * The run's log lines and the highest sequence number seen: the cursor outlives Clear, so lines
 * replayed after a reconnect never come back once cleared.
 */
export interface RunLog {
  runId: string | undefined;
  lines: LogLine[];
  cursor: number;
}

export const emptyRunLog: RunLog = { runId: undefined, lines: [], cursor: 0 };

/** Adds one streamed line; a line of another run starts a fresh log, a replayed one is dropped. */
export function appendRunLine(log: RunLog, runId: string, line: LogLine, limit = RUN_LOG_LIMIT): RunLog {
  const current = log.runId === runId ? log : { runId, lines: [], cursor: 0 };
  if (line.seq <= current.cursor) return current;
  return { runId, lines: appendLogLine(current.lines, line, limit), cursor: line.seq };
}

/** Empties the view only; the cursor stays so the stream does not refill it. */
export function clearRunLog(log: RunLog): RunLog {
  return { ...log, lines: [] };
}

// ---------------------------------------------------------------------------------------------
// JSON

export type JsonParse = { ok: true; value: unknown } | { ok: false; error: string };

/** Reads JSON typed by a person, with a message saying what is wrong. */
export function parseJson(text: string): JsonParse {
  if (text.trim() === "") return { ok: false, error: "Enter JSON (for no input, write null)." };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return { ok: false, error: `Not valid JSON: ${(e as Error).message}` };
  }
}

/** A value as indented JSON (`undefined` — no output at all — reads as null). */
export function prettyJson(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? "null";
}

/** A response body for reading: indented when it is JSON, as received otherwise. */
export function prettyBody(body: string): { text: string; json: boolean } {
  if (body.trim() === "") return { text: body, json: false };
  try {
    return { text: prettyJson(JSON.parse(body)), json: true };
  } catch {
    return { text: body, json: false };
  }
}

// ---------------------------------------------------------------------------------------------
// Test request

export const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"] as const;
export type Method = (typeof METHODS)[number];

/** A route's declared path made requestable: `{param}` segments become `1`, a leading / added. */
export function pathForRoute(path: string): string {
  const filled = path.trim().replace(/\{[^}/]*\}/g, "1");
  return filled.startsWith("/") ? filled : `/${filled}`;
}

/** The path the test request starts with: the first route's. */
export function prefillPath(routes: readonly HttpRoute[]): string {
  const first = routes[0];
  return first ? pathForRoute(first.path) : "/";
}

export interface HeaderRow {
  /** Stable React key; not sent. */
  key: number;
  name: string;
  value: string;
}

/** The headers to send: rows without a name are ignored, repeated names are joined as HTTP does. */
export function buildHeaders(rows: readonly HeaderRow[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const row of rows) {
    const name = row.name.trim().toLowerCase();
    if (name === "") continue;
    headers[name] = name in headers ? `${headers[name]}, ${row.value}` : row.value;
  }
  return headers;
}

export type BodyKind = "json" | "text";

export interface RequestForm {
  method: Method;
  path: string;
  headers: readonly HeaderRow[];
  bodyKind: BodyKind;
  body: string;
}

/** What runs.request takes besides the run id. */
export interface RequestPayload {
  method: Method;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export function methodHasBody(method: Method): boolean {
  return method !== "GET" && method !== "HEAD";
}

export function initialRequestForm(routes: readonly HttpRoute[]): RequestForm {
  return { method: "GET", path: prefillPath(routes), headers: [], bodyKind: "json", body: "{}" };
}

export type BuiltRequest = { ok: true; payload: RequestPayload } | { ok: false; error: string };

/**
 * The request to send, or why it cannot be: a JSON body must parse. A JSON body goes with
 * content-type application/json unless a content-type header was given; GET and HEAD carry none.
 */
export function buildRequest(form: RequestForm): BuiltRequest {
  const headers = buildHeaders(form.headers);
  const payload: RequestPayload = { method: form.method, path: form.path.trim(), headers };
  if (!methodHasBody(form.method) || form.body === "") return { ok: true, payload };
  if (form.bodyKind === "json") {
    const parsed = parseJson(form.body);
    if (!parsed.ok) return { ok: false, error: parsed.error };
    if (!("content-type" in headers)) headers["content-type"] = "application/json";
  }
  return { ok: true, payload: { ...payload, body: form.body } };
}
