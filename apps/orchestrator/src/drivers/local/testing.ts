// Shared by this folder's tests (not used by the driver): configs, a temp data dir, HTTP helpers.
import { mkdtemp, rm } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DeploymentSpec } from "../types.ts";

/** An HTTP integration answering GET /hello with {greeting, port}; logs TOKEN on every request. */
export function helloConfig(greeting = "env.GREETING"): string {
  return `
env:
  - { name: HTTP_PORT, default: "8080" }
  - { name: HTTP_HOST, default: "127.0.0.1" }
  - { name: GREETING, default: hi }
  - { name: TOKEN, default: "" }
connectors: [{ name: api, type: http, settings: { port: \${HTTP_PORT}, host: \${HTTP_HOST} } }]
flows:
  - name: hello
    source: { connector: api, type: http, settings: { path: /hello } }
    process:
      - { type: log, settings: { message: '"token is " + env.TOKEN' } }
      - { type: set-payload, settings: { value: '{"greeting": ${greeting}, "port": env.HTTP_PORT}' } }
`;
}

/** Fails to load: a YAML syntax error (an unclosed flow map). */
export const BROKEN_CONFIG = "flows:\n  - name: x\n    source: { connector: nope\n";

export function spec(overrides: Partial<DeploymentSpec> = {}): DeploymentSpec {
  return {
    id: `d${Math.random().toString(36).slice(2, 10)}`,
    integrationId: "i1",
    definition: helloConfig(),
    replicas: 1,
    env: { GREETING: "hello there" },
    secretNames: [],
    secretRefs: {},
    httpPort: 8080,
    ...overrides,
  };
}

export async function tempDir(): Promise<{ path: string; [Symbol.asyncDispose](): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), "octo-local-driver-"));
  return { path, [Symbol.asyncDispose]: () => rm(path, { recursive: true, force: true }) };
}

/** GET on a fresh connection (no keep-alive, so every request goes through the proxy's balancing). */
export function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, timeout: 5000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => {
        body += c;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end();
  });
}

/** Polls `check` until it returns a value other than undefined/false; rejects after `ms`. */
export async function until<T>(
  check: () => T | undefined | false,
  ms = 10_000,
  what = "condition",
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`${what} not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Small timings so supervision is observable within a test. */
export const FAST = {
  backoff: { initialMs: 100, maxMs: 1000, resetAfterMs: 60_000 },
  graceMs: 3000,
  startTimeoutMs: 15_000,
};
