// scripts/smoke.sh against real platforms: `npm start` with sign-in on (a real OIDC provider),
// and the two parts the images run separately (`start.mjs orchestrator` and `start.mjs web`) open.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOidcProvider, type TestOidcProvider } from "../../apps/web/test/oidc-provider.ts";
import { freePort } from "../../packages/runtime/test/octo-process.ts";

const root = join(import.meta.dirname, "..", "..");
const version = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version as string;

interface Started {
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Runs a command in a process group of its own (npm → bootstrap → start.mjs → parts). */
function startGroup(cmd: string, args: string[], env: Record<string, string>): Started {
  let output = "";
  const child = spawn(cmd, args, {
    cwd: root,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (c) => (output += c));
  child.stderr?.on("data", (c) => (output += c));
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  return {
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.pid) process.kill(-child.pid, "SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
      if (child.exitCode === null && child.pid) process.kill(-child.pid, "SIGKILL");
    },
  };
}

async function untilHealthy(url: string, started: Started, ms = 180_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (started.child.exitCode !== null) throw new Error(`exited early:\n${started.output()}`);
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} not ready within ${ms} ms:\n${started.output()}`);
}

/** Runs the script without blocking this process: the OIDC provider here must keep answering. */
async function smoke(base: string, ...args: string[]) {
  const child = spawn("bash", [join(root, "scripts/smoke.sh"), base, ...args], {
    env: { ...process.env, ...extraEnv },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (c) => (out += c));
  child.stderr.on("data", (c) => (err += c));
  const [code] = (await once(child, "exit")) as [number | null];
  return { code, out, err };
}
let extraEnv: Record<string, string> = {};

describe("npm start with sign-in on", () => {
  let oidc: TestOidcProvider;
  let platform: Started;
  let web: string;
  let api: string;
  const data = mkdtempSync(join(tmpdir(), "octo-smoke-"));
  beforeAll(async () => {
    oidc = await startOidcProvider();
    const [webPort, apiPort] = [await freePort(), await freePort()];
    web = `http://localhost:${webPort}`;
    api = `http://127.0.0.1:${apiPort}`;
    platform = startGroup("npm", ["start"], {
      WEB_PORT: String(webPort),
      PORT: String(apiPort),
      OCTO_DATA_DIR: data,
      OIDC_ISSUER: oidc.issuer,
      OIDC_CLIENT_ID: oidc.clientId,
      OIDC_AUDIENCE: oidc.clientId,
      AUTH_SECRET: "c21va2UtdGVzdC1zZWNyZXQtMzItYnl0ZXMtbG9uZyE=",
    });
    await untilHealthy(api, platform);
    await untilHealthy(web, platform);
  }, 240_000);
  afterAll(async () => {
    await platform?.stop();
    await oidc?.close();
    rmSync(data, { recursive: true, force: true });
  });

  it("passes against the web app: health JSON with the version, ready, 401 missing_auth", async () => {
    const r = await smoke(web);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toContain(`✓ /healthz: octo-web ${version}`);
    expect(r.out).toContain("✓ /api/trpc without a token: 401 missing_auth");
    expect(r.out).toContain("✓ /api/trpc with a wrong token: 401");
  });

  it("passes against the orchestrator, and accepts a token the provider issued (SMOKE_TOKEN)", async () => {
    const res = await fetch(`${oidc.issuer}/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: oidc.clientId,
        scope: "openid",
      }),
    });
    const { access_token } = (await res.json()) as { access_token: string };
    extraEnv = { SMOKE_TOKEN: access_token };
    try {
      const r = await smoke(api);
      expect(r.err).toBe("");
      expect(r.out).toContain(`✓ /healthz: octo-orchestrator ${version}`);
      expect(r.out).toContain("✓ /trpc without a token: 401 missing_auth");
      expect(r.out).toContain("✓ /trpc with SMOKE_TOKEN: 200");
    } finally {
      extraEnv = {};
    }
    extraEnv = { SMOKE_TOKEN: "octo_not-a-key" };
    try {
      const bad = await smoke(api);
      expect(bad.code).toBe(1);
      expect(bad.err).toMatch(/✗ \/trpc with SMOKE_TOKEN answered 401/);
    } finally {
      extraEnv = {};
    }
  });

  it("fails clearly on what is not an Octo platform, and on bad usage", async () => {
    const wrong = await smoke(`${oidc.issuer}`);
    expect(wrong.code).toBe(1);
    expect(wrong.err).toMatch(/^✗ \/healthz answered 404/m);
    expect((await smoke("localhost:3000")).code).toBe(2);
  });
});

describe("the parts the images run one by one, open", () => {
  let orchestrator: Started;
  let webApp: Started;
  let api: string;
  let web: string;
  const data = mkdtempSync(join(tmpdir(), "octo-smoke-open-"));
  beforeAll(async () => {
    const [apiPort, webPort] = [await freePort(), await freePort()];
    api = `http://127.0.0.1:${apiPort}`;
    web = `http://localhost:${webPort}`;
    const node = process.execPath;
    const open = { OIDC_ISSUER: "", OIDC_CLIENT_ID: "", AUTH_SECRET: "" };
    orchestrator = startGroup(node, ["scripts/start.mjs", "orchestrator"], {
      ...open,
      PORT: String(apiPort),
      OCTO_DATA_DIR: data,
    });
    await untilHealthy(api, orchestrator);
    webApp = startGroup(node, ["scripts/start.mjs", "web"], {
      ...open,
      WEB_PORT: String(webPort),
      ORCHESTRATOR_URL: api,
    });
    await untilHealthy(web, webApp);
  }, 240_000);
  afterAll(async () => {
    await webApp?.stop();
    await orchestrator?.stop();
    rmSync(data, { recursive: true, force: true });
  });

  it("refuses an open platform unless --allow-open says that is expected", async () => {
    for (const base of [api, web]) {
      const strict = await smoke(base);
      expect(strict.code, base).toBe(1);
      expect(strict.err).toMatch(
        /without a token answered 200, not 401 missing_auth \(a platform without OIDC runs open/,
      );
      const allowed = await smoke(base, "--allow-open");
      expect(allowed.code, allowed.err).toBe(0);
      expect(allowed.out).toContain("(open mode, allowed by --allow-open)");
    }
  });

  it("the orchestrator part imports no samples by default, and the web part logs no Auth.js error", async () => {
    const list = await (await fetch(`${api}/trpc/integrations.list`)).json();
    expect(list).toEqual({ result: { data: [] } });
    expect(webApp.output()).not.toMatch(/\[auth\]\[error\]|MissingSecret/);
    expect(orchestrator.output()).not.toMatch(/imported \d+ samples/);
  });

  it("the web part refuses to start without ORCHESTRATOR_URL; an unknown part is refused", () => {
    const noUrl = spawnSync(process.execPath, ["scripts/start.mjs", "web"], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, ORCHESTRATOR_URL: "" },
    });
    expect(noUrl.status).toBe(2);
    expect(noUrl.stderr).toContain("needs ORCHESTRATOR_URL");
    const unknown = spawnSync(process.execPath, ["scripts/start.mjs", "runtime"], {
      cwd: root,
      encoding: "utf8",
    });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown part "runtime"; use one of: all, orchestrator, web');
  });
});
