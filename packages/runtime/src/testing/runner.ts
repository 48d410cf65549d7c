// Runs the cases of a test file: each in a fresh runtime of its own (own registry, mocks, KV store,
// listeners), so no state leaks from one case to the next.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join, relative } from "node:path";
import { YamlSource } from "../config/yaml-source.ts";
import type { HttpServer } from "../connectors/http/index.ts";
import { abortable } from "../connectors/http-client/retry.ts";
import type { BusEvent } from "../engine/events.ts";
import { loadRuntimeFromSources, type Runtime } from "../engine/runtime.ts";
import { type FlowErrorInfo, formatDiagnostic } from "../errors/diagnostic.ts";
import { redactor } from "../logging/logger.ts";
import type { Registry } from "../plugin/registry.ts";
import {
  type AssertionFailure,
  checkAssertion,
  compareValue,
  type ExpectContext,
  preview,
} from "./matchers.ts";
import { readBody } from "./mocks/http-client.ts";
import { Recorder } from "./mocks/recorder.ts";
import { type CaseCapture, logRecord, testRegistry } from "./mocks/registry.ts";
import { isTestFile, type TestCase, type TestFile } from "./test-file.ts";

export interface CaseResult {
  name: string;
  /** Where the case is written: file:line:col. */
  location: string;
  status: "passed" | "failed";
  durationMs: number;
  failures: AssertionFailure[];
  /** The flow's error, when it failed (shown with the failures). */
  flowError?: FlowErrorInfo;
}

export interface FileResult {
  file: string;
  cases: CaseResult[];
  durationMs: number;
}

/** What a case's run gave, before any assertion. */
interface Observed {
  status: string | number;
  output: unknown;
  vars: Record<string, unknown>;
  error: FlowErrorInfo | null;
  headers: Record<string, unknown>;
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Paths as people read them: relative to the working directory when inside it. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith("..") ? rel : path;
}

const isYaml = (f: string) => [".yaml", ".yml"].includes(extname(f).toLowerCase());

/** The config under test: one file, or a directory's YAML files without its test files. */
export function configSources(config: string): YamlSource[] | string {
  let files: string[];
  try {
    files = statSync(config).isDirectory()
      ? readdirSync(config)
          .filter((f) => isYaml(f) && !isTestFile(f))
          .sort()
          .map((f) => join(config, f))
          .filter((f) => statSync(f).isFile())
      : [config];
  } catch (e) {
    return `cannot read config ${displayPath(config)}: ${errorText(e)}`;
  }
  if (files.length === 0) return `no integration YAML files beside the test in ${displayPath(config)}`;
  return files.map((f) => new YamlSource(displayPath(f), readFileSync(f, "utf8")));
}

/** Cases whose name holds `filter` (case-insensitive); all without a filter. */
export function selectCases(file: TestFile, filter: string | undefined): TestCase[] {
  if (!filter) return file.cases;
  const f = filter.toLowerCase();
  return file.cases.filter((c) => c.name.toLowerCase().includes(f));
}

/** Runs the selected cases of one file, one after the other. */
export async function runTestFile(
  file: TestFile,
  registry: Registry,
  filter?: string,
  onCase?: (result: CaseResult) => void,
): Promise<FileResult> {
  const started = performance.now();
  const cases = selectCases(file, filter);
  const sources = configSources(file.config);
  const results: CaseResult[] = [];
  for (const c of cases) {
    const result =
      typeof sources === "string"
        ? failed(c, 0, [{ label: "config", source: "", message: sources }])
        : await runCase(c, sources, registry);
    results.push(result);
    onCase?.(result);
  }
  return { file: file.file, cases: results, durationMs: performance.now() - started };
}

function failed(c: TestCase, durationMs: number, failures: AssertionFailure[]): CaseResult {
  return { name: c.name, location: c.location, status: "failed", durationMs, failures };
}

class Timeout extends Error {}

/** A signal that aborts with a Timeout after `ms` (so abortable() rejects with one). */
function deadlineAfter(ms: number): AbortSignal {
  const controller = new AbortController();
  setTimeout(() => controller.abort(new Timeout()), ms).unref();
  return controller.signal;
}

/** After a timeout, how long the runtime may take to stop before the case moves on. */
const STOP_GRACE_MS = 2_000;

export async function runCase(c: TestCase, sources: YamlSource[], base: Registry): Promise<CaseResult> {
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  const capture: CaseCapture = { recorder: new Recorder(), delivered: [], logs: [] };
  const registry = testRegistry(base, { mocks: c.mocks, capture, httpSources: c.request !== undefined });
  const load = loadRuntimeFromSources(sources, {
    registry,
    // Only the test's env: the shell's variables and a .env file never change a test's result.
    osEnv: c.env,
    dotEnv: {},
    logging: { level: "debug", format: "json", write: (line) => capture.logs.push(logRecord(line)) },
  });
  if (!load.ok)
    return failed(c, elapsed(), [
      {
        label: "config",
        source: "",
        message: `the config does not load:\n${load.diagnostics.map(formatDiagnostic).join("\n")}`,
      },
    ]);
  const runtime = load.runtime;
  const redact = redactor(runtime.plan.env.secretValues);
  if (c.flow !== undefined && !runtime.flowNames.includes(c.flow))
    return failed(c, elapsed(), [
      {
        label: "flow",
        source: "",
        message: `no flow named "${c.flow}"; flows: ${runtime.flowNames.join(", ")}`,
      },
    ]);
  const events: BusEvent[] = [];
  runtime.events.on("*", (e) => events.push(e));

  const failures: AssertionFailure[] = [];
  const deadline = deadlineAfter(c.timeoutMs);
  let observed: Observed | undefined;
  try {
    await abortable(runtime.start({ sources: c.request !== undefined }), deadline);
    observed = await abortable(
      c.request !== undefined ? request(runtime, c, capture, deadline) : invoke(runtime, c),
      deadline,
    );
  } catch (e) {
    failures.push({
      label: e instanceof Timeout ? "timeout" : "run",
      source: "",
      message: e instanceof Timeout ? `the case did not finish within ${c.timeoutMs} ms` : errorText(e),
    });
  } finally {
    // Stopping drains the flows (oneWay calls included), so events and logs are complete below.
    const grace = deadline.aborted ? deadlineAfter(STOP_GRACE_MS) : deadline;
    await abortable(runtime.stop(), grace).catch((e: unknown) => {
      if (!(e instanceof Timeout)) failures.push({ label: "stop", source: "", message: errorText(e) });
    });
  }
  for (const line of capture.recorder.unmocked)
    failures.push({
      label: "mocks",
      source: "",
      message: `unmocked call: ${line} (a test never reaches the network; add a mock for it)`,
    });

  let flowError: FlowErrorInfo | undefined;
  if (observed) {
    if (observed.error) flowError = observed.error;
    failures.push(...assertions(c, observed, capture, events, runtime));
  }
  const result: CaseResult = {
    name: c.name,
    location: c.location,
    status: failures.length === 0 ? "passed" : "failed",
    durationMs: elapsed(),
    failures: failures.map((f) => redactFailure(f, redact)),
  };
  if (flowError) result.flowError = { ...flowError, message: redact(flowError.message) };
  return result;
}

function redactFailure(f: AssertionFailure, redact: (t: string) => string): AssertionFailure {
  const out: AssertionFailure = { ...f, message: redact(f.message) };
  if (f.diff !== undefined) out.diff = redact(f.diff);
  if ("expected" in f) out.expected = JSON.parse(redact(JSON.stringify(f.expected ?? null)));
  if ("actual" in f) out.actual = JSON.parse(redact(JSON.stringify(f.actual ?? null)));
  return out;
}

/** JSON values only (no undefined, no class instances) for CEL and for reports. */
const plain = (v: unknown): unknown => (v === undefined ? null : JSON.parse(JSON.stringify(v) ?? "null"));

function assertions(
  c: TestCase,
  observed: Observed,
  capture: CaseCapture,
  events: BusEvent[],
  runtime: Runtime,
): AssertionFailure[] {
  const out: AssertionFailure[] = [];
  const flowFailed = observed.error !== null;
  if (c.expect.status !== undefined) {
    const same = String(c.expect.status) === String(observed.status);
    if (!same)
      out.push({
        label: "expect.status",
        source: `status == ${JSON.stringify(c.expect.status)}`,
        message: `expected ${JSON.stringify(c.expect.status)}, got ${JSON.stringify(observed.status)}`,
        expected: c.expect.status,
        actual: observed.status,
      });
  } else if (flowFailed) {
    out.push({
      label: "expect.status",
      source: "",
      message:
        "the flow failed; add expect.status (failed, or the HTTP status) when that is what the case tests",
    });
  }
  if (c.expect.output) {
    const f = compareValue("expect.output", "", plain(c.expect.output.value), plain(observed.output));
    if (f) out.push(f);
  }
  if (c.expect.that.length > 0) {
    const context: ExpectContext = {
      output: plain(observed.output),
      status: observed.status,
      vars: plain(observed.vars),
      calls: plain(capture.recorder.calls()),
      events: plain(events),
      logs: plain(capture.logs),
      error: plain(observed.error),
      headers: plain(observed.headers),
      env: { ...runtime.plan.env.values },
    };
    for (const a of c.expect.that) {
      const f = checkAssertion(a, context);
      if (f) out.push(f);
    }
  }
  return out;
}

async function invoke(runtime: Runtime, c: TestCase): Promise<Observed> {
  const flow = c.flow as string;
  const outcome = await runtime.invoke(
    flow,
    structuredClone(c.payload),
    c.vars ? { vars: structuredClone(c.vars) } : {},
  );
  return {
    status: outcome.status,
    output: outcome.status === "dropped" ? null : (outcome.message.body ?? null),
    vars: outcome.message.vars,
    error: outcome.status === "failed" ? outcome.error : null,
    headers: {},
  };
}

/** The http connector a request case goes to: its flow's, or the only one. */
function targetConnector(runtime: Runtime, c: TestCase): string {
  if (c.flow !== undefined) {
    const source = runtime.plan.flows.get(c.flow)?.source;
    if (source?.definition.type !== "http")
      throw new Error(`flow ${c.flow} has no http source: give payload: instead of request:`);
    return source.connector;
  }
  const http = runtime.plan.connectors.filter((k) => k.definition.type === "http").map((k) => k.name);
  if (http.length !== 1)
    throw new Error(
      http.length === 0
        ? "the config has no http connector to send the request to"
        : `the config has several http connectors (${http.join(", ")}): name the case's flow`,
    );
  return http[0] as string;
}

async function request(
  runtime: Runtime,
  c: TestCase,
  capture: CaseCapture,
  signal: AbortSignal,
): Promise<Observed> {
  const req = c.request;
  if (!req) throw new Error("not a request case");
  const connector = targetConnector(runtime, c);
  const base = runtime.connector<HttpServer>(connector).url();
  if (base === undefined) throw new Error(`http connector ${connector} serves no route`);
  const url = new URL(req.path, base);
  for (const [name, value] of Object.entries(req.query ?? {}))
    for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(name, String(v));
  const headers = new Headers(
    Object.entries(req.headers ?? {}).map(([k, v]): [string, string] => [k, String(v)]),
  );
  let body: string | undefined;
  if (req.body !== undefined) {
    body = typeof req.body === "string" ? req.body : JSON.stringify(req.body);
    if (!headers.has("content-type") && typeof req.body !== "string")
      headers.set("content-type", "application/json");
  }
  const res = await fetch(url, {
    method: req.method,
    headers,
    ...(body === undefined ? {} : { body }),
    signal,
  });
  const text = await res.text();
  const responseHeaders = Object.fromEntries(res.headers);
  const type = res.headers.get("content-type") ?? "";
  const output = text === "" ? null : type.includes("json") ? readBody(text) : text;
  const served = capture.delivered[0];
  if (c.flow !== undefined && served?.flow !== c.flow)
    throw new Error(
      served
        ? `${req.method} ${req.path} was served by flow ${served.flow}, not ${c.flow}`
        : `${req.method} ${req.path} reached no flow (HTTP ${res.status}: ${preview(output)})`,
    );
  const outcome = served?.outcome;
  return {
    status: res.status,
    output,
    vars: outcome?.message.vars ?? {},
    error: outcome?.status === "failed" ? outcome.error : null,
    headers: responseHeaders,
  };
}
