// `octo run` as a process (issue 4 §3-4): graceful shutdown under load, probes and metrics.
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { freePort, killAll, runSample } from "./octo-process.ts";

const servers: Server[] = [];
afterEach(async () => {
  killAll();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** An upstream that answers every request after `delayMs`, counting what it received. */
async function slowUpstream(delayMs: number) {
  const seen = { requests: 0 };
  const server = createServer((req, res) => {
    seen.requests++;
    req.resume();
    setTimeout(() => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ok: true }));
    }, delayMs);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

function config(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "octo-run-"));
  writeFileSync(join(dir, "integration.yaml"), text);
  return dir;
}

const SLOW_API = `
service: { name: slow-api }
env:
  - { name: HTTP_PORT }
  - { name: UPSTREAM }
connectors:
  - name: api
    type: http
    settings: { port: \${HTTP_PORT}, host: 127.0.0.1 }
  - name: upstream
    type: http-client
    settings: { baseURL: "\${UPSTREAM}" }
flows:
  - name: work
    workers: 4
    buffer: 64
    source: { connector: api, type: http, settings: { path: "/work/{n}", method: POST } }
    process:
      - type: rest
        settings: { connector: upstream, method: POST, path: /slow }
      - type: set-payload
        settings: { value: '{"n": vars.n}' }
`;

/** Sum of a metric's samples in Prometheus text (all label sets). */
function metric(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) sum += Number(line.split(" ").pop());
  }
  return sum;
}

describe("octo run: SIGTERM under load", () => {
  it("answers every accepted request, flips readiness first, exits 0", async () => {
    const upstream = await slowUpstream(150);
    const port = await freePort();
    const octo = await runSample(config(SLOW_API), { HTTP_PORT: String(port), UPSTREAM: upstream.url });
    const management = await octo.managementPort();
    const N = 40;
    const answers = Array.from({ length: N }, (_, i) =>
      fetch(`http://127.0.0.1:${port}/work/${i}`, { method: "POST", body: "{}" }).then(
        async (r) => ({ status: r.status, body: (await r.json()) as unknown }),
        (e: unknown) => ({ status: 0, body: String(e) }),
      ),
    );
    // Every request is accepted: running on the 4 workers or waiting in the queue.
    await expect
      .poll(
        async () => {
          const text = await (await fetch(`http://127.0.0.1:${management}/metrics`)).text();
          return metric(text, "octo_flow_running") + metric(text, "octo_flow_queue_depth");
        },
        { timeout: 10_000 },
      )
      .toBe(N);

    octo.child.kill("SIGTERM");
    await octo.waitFor(/octo: stopping/);
    // Readiness is already off while the accepted work drains.
    expect((await fetch(`http://127.0.0.1:${management}/readyz`)).status).toBe(503);
    // New work is refused while draining (503) or, once the listener closed, not connected.
    const late = await fetch(`http://127.0.0.1:${port}/work/late`, { method: "POST", body: "{}" }).then(
      (r) => r.status,
      () => 0,
    );
    expect([0, 503]).toContain(late);

    const results = await Promise.all(answers);
    expect(results.filter((r) => r.status !== 200)).toEqual([]);
    expect(results.map((r) => r.body)).toEqual(Array.from({ length: N }, (_, i) => ({ n: String(i) })));
    expect(await octo.exited).toEqual({ code: 0, signal: null });
    expect(upstream.seen.requests).toBe(N);
  }, 30_000);

  it("exits 1 and says what was abandoned when the grace period runs out", async () => {
    const upstream = await slowUpstream(5_000);
    const port = await freePort();
    const octo = await runSample(config(SLOW_API), { HTTP_PORT: String(port), UPSTREAM: upstream.url }, [
      "--grace",
      "200ms",
    ]);
    const pending = fetch(`http://127.0.0.1:${port}/work/1`, { method: "POST", body: "{}" }).catch(
      () => null,
    );
    await expect.poll(() => upstream.seen.requests).toBe(1);
    octo.child.kill("SIGTERM");
    expect((await octo.exited).code).toBe(1);
    expect(octo.output()).toMatch(/grace period ran out with 1 message\(s\) still in flight/);
    await pending;
  }, 30_000);
});

describe("octo run: oversized uploads", () => {
  // In one process the client's writes and the server's reads interleave politely; the reset
  // this guards against shows only across processes, as in production.
  it("a client still uploading a too-large body reads its 413 instead of a reset", async () => {
    const port = await freePort();
    const octo = await runSample(
      config(`
service: { name: uploads }
env: [{ name: HTTP_PORT }]
connectors:
  - name: api
    type: http
    settings: { port: \${HTTP_PORT}, host: 127.0.0.1 }
flows:
  - name: upload
    source: { connector: api, type: http, settings: { path: /upload, method: POST, maxBodyBytes: 1024 } }
    process: [{ type: set-payload, settings: { value: '"stored"' } }]
`),
      { HTTP_PORT: String(port) },
    );
    const upload = (size: number) =>
      new Promise<number | string>((resolve) => {
        const req = request({
          host: "127.0.0.1",
          port,
          path: "/upload",
          method: "POST",
          agent: false,
          headers: { "content-type": "text/plain", "content-length": String(size) },
        });
        req.on("response", (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        });
        req.on("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
        const chunk = Buffer.alloc(64 * 1024, "x");
        let sent = 0;
        const write = () => {
          while (sent < size) {
            sent += chunk.length;
            if (!req.write(chunk)) return void req.once("drain", write);
          }
          req.end();
        };
        write();
      });
    const statuses: (number | string)[] = [];
    for (let i = 0; i < 10; i++) statuses.push(await upload(4 * 1024 * 1024));
    expect(statuses).toEqual(Array(10).fill(413));
    expect(await octo.stop()).toEqual({ code: 0, signal: null });
  }, 60_000);
});

describe("octo run: flags", () => {
  it("bad flag values are refused before anything starts", async () => {
    const { startOcto } = await import("./octo-process.ts");
    for (const [flag, value, message] of [
      ["--management-port", "http", /management port "http" is not a port number/],
      ["--grace", "soon", /grace period "soon" is not a duration/],
      ["--log-level", "loud", /log level "loud" is not one of debug, info, warn, error/],
    ] as const) {
      const octo = startOcto(["run", "-c", config(SLOW_API), flag, value]);
      expect((await octo.exited).code).toBe(2);
      expect(octo.output()).toMatch(message);
    }
  });
});
