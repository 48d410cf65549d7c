import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestOrchestrator, type TestOrchestrator } from "../../../test/orchestrator.ts";

let orch: TestOrchestrator;
beforeAll(async () => {
  orch = await startTestOrchestrator();
}, 60_000);
afterAll(() => orch?.close());

const ECHO = `
env:
  - { name: HTTP_PORT, default: "8080" }
  - { name: HTTP_HOST, default: "127.0.0.1" }
  - { name: PREFIX, required: true }
connectors:
  - { name: api, type: http, settings: { host: "\${HTTP_HOST}", port: "\${HTTP_PORT}" } }
flows:
  - name: echo
    source: { connector: api, type: http, settings: { path: /echo } }
    process:
      - { type: log, settings: { message: '"echoing " + string(body.n)' } }
      - { type: set-payload, settings: { value: '{"echo": env.PREFIX + string(body.n)}' } }
`;

it("runs the saved definition with a dev env, proxies a test request, streams logs, and stops", async () => {
  const api = orch.client();
  const integration = await api.integrations.create.mutate({ name: "echo", definition: ECHO });
  const run = await api.runs.start.mutate({ integrationId: integration.id, env: { PREFIX: "n=" } });
  expect(run.status).toBe("running");

  const answer = await api.runs.request.mutate({
    id: run.id,
    method: "POST",
    path: "/echo",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ n: 7 }),
  });
  expect(answer).toMatchObject({ status: 200 });
  expect(JSON.parse(answer.body)).toEqual({ echo: "n=7" });

  const line = await new Promise<string>((resolve, reject) => {
    const sub = api.runs.logs.subscribe(
      { id: run.id },
      {
        onData: ({ data }) => {
          if (data.text.includes("echoing")) {
            sub.unsubscribe();
            resolve(data.text);
          }
        },
        onError: reject,
      },
    );
  });
  expect(line).toContain("echoing 7");

  // A save hot-reloads the run: the new definition answers, with the same dev env.
  await api.integrations.update.mutate({
    id: integration.id,
    definition: ECHO.replace('{"echo": env.PREFIX', '{"again": env.PREFIX'),
  });
  const reloaded = await api.runs.request.mutate({
    id: run.id,
    method: "POST",
    path: "/echo",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ n: 8 }),
  });
  expect(JSON.parse(reloaded.body)).toEqual({ again: "n=8" });
  // Runs are not deployments.
  expect(await api.deployments.list.query({ integrationId: integration.id })).toEqual([]);

  const stopped = await api.runs.stop.mutate({ id: run.id });
  expect(stopped.status).toBe("stopped");
  await expect(api.runs.request.mutate({ id: run.id, path: "/echo" })).rejects.toThrow(/not serving HTTP/);
  expect((await api.runs.list.query({ integrationId: integration.id }))[0]).toMatchObject({
    status: "stopped",
  });
}, 60_000);

const DOUBLER = `
env:
  - { name: FACTOR, required: true }
flows:
  - name: double
    process:
      - { type: log, settings: { message: '"doubling " + string(body.x)' } }
      - { type: set-payload, settings: { value: '{"result": body.x * double(env.FACTOR)}' } }
`;

it("invokes one flow with JSON in and out, its logs and the runtime's error when it fails", async () => {
  const api = orch.client();
  const integration = await api.integrations.create.mutate({ name: "doubler", definition: DOUBLER });
  const done = await api.runs.invoke.mutate({
    integrationId: integration.id,
    flow: "double",
    data: { x: 21.0 },
    env: { FACTOR: "2" },
  });
  expect(done).toMatchObject({ ok: true, output: { result: 42 } });
  expect(done.logs.some((l) => l.includes("doubling 21"))).toBe(true);

  const failed = await api.runs.invoke.mutate({
    integrationId: integration.id,
    flow: "double",
    data: { x: "a" },
    env: { FACTOR: "2" },
  });
  expect(failed.ok).toBe(false);
  expect(failed.error).toMatch(/flow double failed in block set-payload: no such overload/);
  const unknown = await api.runs.invoke.mutate({ integrationId: integration.id, flow: "nope", data: null });
  expect(unknown).toMatchObject({ ok: false });
  expect(unknown.error).toMatch(/FACTOR|no flow named "nope"/);
}, 60_000);

const TRACED = `
env:
  - { name: API_TOKEN, required: true, secret: true }
flows:
  - name: total
    process:
      - { type: set-variable, settings: { name: auth, value: '"Bearer " + env.API_TOKEN' } }
      - type: foreach
        items: body.lines
        as: line
        body:
          process:
            - { type: set-variable, settings: { name: sum, value: '("sum" in vars ? vars.sum : 0.0) + vars.line' } }
      - { type: set-payload, settings: { value: '{"sum": vars.sum}' } }
`;

it("with trace: answers every step's trace beside the output, secrets redacted, also when the flow fails", async () => {
  const api = orch.client();
  const integration = await api.integrations.create.mutate({ name: "traced", definition: TRACED });
  const env = { API_TOKEN: "tok-abcdef123456" };
  const done = await api.runs.invoke.mutate({
    integrationId: integration.id,
    flow: "total",
    data: { lines: [1.5, 2.5] },
    env,
    trace: true,
  });
  expect(done).toMatchObject({ ok: true, output: { sum: 4 } });
  const trace = done.trace;
  expect(trace).toMatchObject({ kind: "flow", flow: "total", status: "completed" });
  const steps = trace?.children[0]?.children ?? [];
  expect(steps.map((s) => (s.kind === "step" ? s.type : s.kind))).toEqual([
    "set-variable",
    "foreach",
    "set-payload",
  ]);
  expect(steps[1]?.children.map((c) => (c.kind === "scope" ? `${c.slot}#${c.iteration}` : c.kind))).toEqual([
    "body#0",
    "body#1",
  ]);
  expect(JSON.stringify(done)).not.toContain(env.API_TOKEN);
  expect(steps[0]?.kind === "step" && steps[0].output?.vars).toEqual({ auth: "Bearer [REDACTED]" });

  const untraced = await api.runs.invoke.mutate({
    integrationId: integration.id,
    flow: "total",
    data: { lines: [1.0] },
    env,
  });
  expect(untraced).toMatchObject({ ok: true, output: { sum: 1 } });
  expect(untraced.trace).toBeUndefined();

  const failed = await api.runs.invoke.mutate({
    integrationId: integration.id,
    flow: "total",
    data: { lines: "not a list" },
    env,
    trace: true,
  });
  expect(failed.ok).toBe(false);
  expect(failed.error).toMatch(/flow total failed in block foreach/);
  expect(failed.trace).toMatchObject({ status: "failed", error: { block: "foreach" } });
}, 60_000);
