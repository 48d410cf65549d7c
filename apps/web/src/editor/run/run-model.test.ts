import { describe, expect, it } from "vitest";
import type { LogLine } from "../../features/deployments/log-buffer.ts";
import { memoryStorage } from "./memory-storage.ts";
import {
  appendRunLine,
  buildHeaders,
  buildRequest,
  clearRunLog,
  type DeclaredEnvVar,
  type DevEnvStorage,
  devEnvKey,
  emptyRunLog,
  envToSend,
  initialRequestForm,
  loadDevEnv,
  missingRequired,
  newestLiveRun,
  parseJson,
  pathForRoute,
  prefillPath,
  prettyBody,
  prettyJson,
  type RequestForm,
  runBlockReason,
  runStatusText,
  saveDevEnv,
} from "./run-model.ts";

const INTEGRATION = "11111111-1111-4111-8111-111111111111";

const declared: DeclaredEnvVar[] = [
  { name: "API_TOKEN", required: true, secret: true },
  { name: "DB_URL", required: true, default: "postgres://localhost/db" },
  { name: "LOG_LEVEL", default: "info" },
];

describe("dev .env storage", () => {
  it("stores under octo.devEnv:<integrationId> without blank values and reads it back", () => {
    const storage = memoryStorage();
    expect(saveDevEnv(storage, INTEGRATION, { API_TOKEN: "s3cret", LOG_LEVEL: "  " })).toBe(true);
    expect(devEnvKey(INTEGRATION)).toBe(`octo.devEnv:${INTEGRATION}`);
    expect(JSON.parse(storage.data.get(`octo.devEnv:${INTEGRATION}`) ?? "")).toEqual({ API_TOKEN: "s3cret" });
    expect(loadDevEnv(storage, INTEGRATION)).toEqual({ API_TOKEN: "s3cret" });
    expect(loadDevEnv(storage, "22222222-2222-4222-8222-222222222222")).toEqual({});
  });

  it("removes the entry once every value is blank", () => {
    const storage = memoryStorage({ [devEnvKey(INTEGRATION)]: '{"A":"1"}' });
    saveDevEnv(storage, INTEGRATION, { A: "" });
    expect(storage.data.has(devEnvKey(INTEGRATION))).toBe(false);
  });

  it("ignores entries that are not a map of strings, and storage that refuses", () => {
    expect(loadDevEnv(memoryStorage({ [devEnvKey(INTEGRATION)]: "not json" }), INTEGRATION)).toEqual({});
    expect(loadDevEnv(memoryStorage({ [devEnvKey(INTEGRATION)]: "[1]" }), INTEGRATION)).toEqual({});
    expect(loadDevEnv(memoryStorage({ [devEnvKey(INTEGRATION)]: '{"A":"x","B":2}' }), INTEGRATION)).toEqual({
      A: "x",
    });
    const refusing: DevEnvStorage = {
      getItem: () => {
        throw new Error("denied");
      },
      setItem: () => {
        throw new Error("quota");
      },
      removeItem: () => {},
    };
    expect(loadDevEnv(refusing, INTEGRATION)).toEqual({});
    expect(saveDevEnv(refusing, INTEGRATION, { A: "1" })).toBe(false);
    expect(saveDevEnv(undefined, INTEGRATION, { A: "1" })).toBe(false);
  });
});

describe("env to send", () => {
  it("sends declared names only and drops blank values", () => {
    expect(
      envToSend(declared, { API_TOKEN: "t", DB_URL: " ", LOG_LEVEL: "debug", UNDECLARED: "leak" }),
    ).toEqual({ API_TOKEN: "t", LOG_LEVEL: "debug" });
    expect(envToSend(declared, {})).toEqual({});
  });

  it("finds required vars with neither a value nor a default", () => {
    expect(missingRequired(declared, {})).toEqual(["API_TOKEN"]);
    expect(missingRequired(declared, { API_TOKEN: "   " })).toEqual(["API_TOKEN"]);
    expect(missingRequired(declared, { API_TOKEN: "t" })).toEqual([]);
  });

  it("blocks RUN for readers, for the document's reason, then for missing env", () => {
    const values = {};
    expect(runBlockReason({ canWrite: false, runnable: { ok: true }, declared, values })).toBe(
      "You have read access only.",
    );
    expect(
      runBlockReason({
        canWrite: true,
        runnable: { ok: false, reason: "Save your changes first" },
        declared,
        values,
      }),
    ).toBe("Save your changes first");
    expect(runBlockReason({ canWrite: true, runnable: { ok: true }, declared, values })).toBe(
      "Set API_TOKEN in Dev .env",
    );
    expect(
      runBlockReason({ canWrite: true, runnable: { ok: true }, declared, values: { API_TOKEN: "t" } }),
    ).toBe(null);
  });
});

describe("runs", () => {
  it("reattaches to the newest run that is not stopped", () => {
    const runs = [
      { id: "c", status: "stopped" },
      { id: "b", status: "running" },
      { id: "a", status: "running" },
    ];
    expect(newestLiveRun(runs)?.id).toBe("b");
    expect(newestLiveRun([{ id: "x", status: "stopped" }])).toBeUndefined();
    expect(newestLiveRun(undefined)).toBeUndefined();
  });

  it("says the run's state in words, with a failure's reason", () => {
    expect(runStatusText(undefined)).toBe("Not running");
    expect(runStatusText({ id: "r", status: "pending" })).toBe("Starting…");
    expect(runStatusText({ id: "r", status: "running" })).toBe("Running");
    expect(runStatusText({ id: "r", status: "failed", reason: "exited with code 1" })).toBe(
      "Failed: exited with code 1",
    );
    expect(runStatusText({ id: "r", status: "stopped" })).toBe("Stopped");
  });
});

describe("run log", () => {
  const line = (seq: number): LogLine => ({
    seq,
    replica: "r-0",
    stream: "stdout",
    time: "2025-01-01T00:00:00.000Z",
    text: `line ${seq}`,
  });

  it("drops lines replayed after a reconnect and keeps the last `limit`", () => {
    let log = emptyRunLog;
    for (const seq of [1, 2, 3, 2, 4, 5]) log = appendRunLine(log, "run-1", line(seq), 3);
    expect(log.lines.map((l) => l.seq)).toEqual([3, 4, 5]);
    expect(log.cursor).toBe(5);
  });

  it("keeps the cursor through Clear, so a replay does not refill the view", () => {
    let log = appendRunLine(appendRunLine(emptyRunLog, "run-1", line(1)), "run-1", line(2));
    log = clearRunLog(log);
    expect(log.lines).toEqual([]);
    log = appendRunLine(log, "run-1", line(2));
    expect(log.lines).toEqual([]);
    log = appendRunLine(log, "run-1", line(3));
    expect(log.lines.map((l) => l.seq)).toEqual([3]);
  });

  it("starts over for another run", () => {
    const first = appendRunLine(emptyRunLog, "run-1", line(7));
    const second = appendRunLine(first, "run-2", line(1));
    expect(second.runId).toBe("run-2");
    expect(second.lines.map((l) => l.text)).toEqual(["line 1"]);
  });
});

describe("JSON", () => {
  it("parses or says why not", () => {
    expect(parseJson('{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseJson("null")).toEqual({ ok: true, value: null });
    const bad = parseJson("{a:1}");
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error.startsWith("Not valid JSON")).toBe(true);
    expect(parseJson("  ").ok).toBe(false);
  });

  it("pretty-prints JSON bodies and leaves other text as it is", () => {
    expect(prettyJson({ a: [1] })).toBe('{\n  "a": [\n    1\n  ]\n}');
    expect(prettyJson(undefined)).toBe("null");
    expect(prettyBody('{"ok":true}')).toEqual({ text: '{\n  "ok": true\n}', json: true });
    expect(prettyBody("plain text")).toEqual({ text: "plain text", json: false });
    expect(prettyBody("")).toEqual({ text: "", json: false });
  });
});

describe("test request", () => {
  it("prefills the first route's path with {param} segments as 1", () => {
    expect(prefillPath([{ flow: "get-order", path: "/orders/{id}/lines/{line}" }])).toBe("/orders/1/lines/1");
    expect(pathForRoute("hooks/{name}")).toBe("/hooks/1");
    expect(prefillPath([])).toBe("/");
  });

  it("joins repeated headers and skips rows without a name", () => {
    expect(
      buildHeaders([
        { key: 1, name: "X-Tag", value: "a" },
        { key: 2, name: " ", value: "ignored" },
        { key: 3, name: "x-tag", value: "b" },
      ]),
    ).toEqual({ "x-tag": "a, b" });
  });

  const form = (patch: Partial<RequestForm>): RequestForm => ({
    ...initialRequestForm([{ flow: "f", path: "/orders/{id}" }]),
    ...patch,
  });

  it("sends a JSON body with content-type application/json unless one is set", () => {
    expect(buildRequest(form({ method: "POST", body: '{"a":1}' }))).toEqual({
      ok: true,
      payload: {
        method: "POST",
        path: "/orders/1",
        headers: { "content-type": "application/json" },
        body: '{"a":1}',
      },
    });
    const own = buildRequest(
      form({
        method: "PUT",
        body: "{}",
        headers: [{ key: 1, name: "Content-Type", value: "application/vnd+json" }],
      }),
    );
    expect(own.ok && own.payload.headers).toEqual({ "content-type": "application/vnd+json" });
  });

  it("refuses a JSON body that does not parse, and sends text as typed", () => {
    const bad = buildRequest(form({ method: "POST", body: "{oops" }));
    expect(bad.ok).toBe(false);
    expect(buildRequest(form({ method: "POST", bodyKind: "text", body: "{oops" }))).toEqual({
      ok: true,
      payload: { method: "POST", path: "/orders/1", headers: {}, body: "{oops" },
    });
  });

  it("sends no body with GET or HEAD", () => {
    const built = buildRequest(form({ method: "GET", body: "{oops" }));
    expect(built).toEqual({ ok: true, payload: { method: "GET", path: "/orders/1", headers: {} } });
  });
});
