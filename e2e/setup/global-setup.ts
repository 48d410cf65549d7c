// Starts everything the specs run against, on 127.0.0.1 and free ports: the OIDC provider,
// the orchestrator (a child process on a fresh PGlite data dir, the local driver), the web app
// (built when its sources changed, served by its standalone server) and an Anthropic stub. What the
// tests need goes to .test-results/e2e-env.json; global-teardown.ts stops it all.
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureWebBuild, serveCommand } from "../../apps/web/scripts/ensure-build.mjs";
import { anthropicText, startAnthropicStub } from "../../packages/ai/test/stubs/anthropic.ts";
import { freePort, ROOT, startNode } from "../../packages/runtime/test/octo-process.ts";
import { CLEAN_CONTACT } from "../support/ai-mapping.ts";
import { type E2eEnv, ENV_FILE, RESULTS_DIR } from "../support/env.ts";
import globalTeardown from "./global-teardown.ts";
import { startE2eOidcProvider } from "./oidc.ts";
import { type Running, setRunning } from "./running.ts";

/** Answers the ai-mapping sample's model call as many times as the AI spec (and reruns) ask. */
const STUB_REPLIES = 200;

function log(message: string): void {
  process.stderr.write(`e2e setup: ${message}\n`);
}

export default async function globalSetup(): Promise<void> {
  // A previous run's file names processes that are gone (or, by now, someone else's).
  rmSync(ENV_FILE, { force: true });
  const running: Running = { children: [], closers: [], tempDirs: [] };
  setRunning(running);
  try {
    await startEverything(running);
  } catch (e) {
    // Nothing half-started is left behind when a server does not come up.
    await globalTeardown();
    throw e;
  }
}

async function startEverything(running: Running): Promise<void> {
  const started = Date.now();

  const provider = await startE2eOidcProvider("octo");
  running.closers.push(provider.close);
  log(`OIDC provider at ${provider.issuer}`);

  const anthropic = await startAnthropicStub({ apiKey: "e2e-anything" });
  for (let i = 0; i < STUB_REPLIES; i++) anthropic.enqueue(anthropicText(JSON.stringify(CLEAN_CONTACT)));
  running.closers.push(anthropic.close);

  const dataDir = mkdtempSync(join(tmpdir(), "octo-e2e-data-"));
  running.tempDirs.push(dataDir);
  const orchestratorPort = await freePort();
  const orchestrator = startNode([join(ROOT, "apps/orchestrator/src/main.ts")], {
    PORT: String(orchestratorPort),
    HOST: "127.0.0.1",
    OCTO_DATA_DIR: dataDir,
    OCTO_DRIVER: "local",
    OIDC_ISSUER: provider.issuer,
    OIDC_AUDIENCE: "octo",
    AUTH_ROLES_CLAIM: "roles",
    AUTH_WRITE_ROLES: "octo-writer",
    AUTH_ADMIN_ROLES: "octo-admin",
    // Empty is unset (the orchestrator ignores blank variables): nothing from the caller's shell.
    BASE_DOMAIN: "",
    DATABASE_URL: "",
    OCTO_ENCRYPTION_KEY: "",
    OCTO_IMPORT_SAMPLES: "",
    SHUTDOWN_GRACE: "5000",
  });
  running.children.push(orchestrator);

  // The build (when needed) overlaps the orchestrator's start (PGlite migrations).
  const build = Date.now();
  const built = ensureWebBuild({ log });
  if (built) log(`built the web app in ${Math.round((Date.now() - build) / 1000)} s`);

  const serving = await orchestrator.waitFor(/serving (http:\/\/\S+)\/trpc/, 60_000);
  const orchestratorUrl = serving[1] ?? `http://127.0.0.1:${orchestratorPort}`;
  log(`orchestrator at ${orchestratorUrl}`);

  const webPort = await freePort();
  const serve = serveCommand(webPort, "127.0.0.1");
  const web = startNode(serve.args, {
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    ...serve.env,
    ORCHESTRATOR_URL: orchestratorUrl,
    OIDC_ISSUER: provider.issuer,
    OIDC_CLIENT_ID: "octo",
    OIDC_CLIENT_SECRET: "e2e-web-client-secret",
    AUTH_SECRET: randomBytes(32).toString("base64url"),
  });
  running.children.push(web);
  await web.waitFor(/Ready in/, 60_000);
  const webUrl = `http://localhost:${webPort}`;
  log(`web app at ${webUrl} (everything up in ${Math.round((Date.now() - started) / 1000)} s)`);

  const env: E2eEnv = {
    webUrl,
    orchestratorUrl,
    issuer: provider.issuer,
    anthropic: { url: anthropic.url, apiKey: anthropic.apiKey },
    pids: { orchestrator: orchestrator.child.pid ?? 0, web: web.child.pid ?? 0 },
    tempDirs: running.tempDirs,
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(ENV_FILE, `${JSON.stringify(env, null, 2)}\n`);
  // The config's baseURL is read from here by the workers.
  process.env.E2E_BASE_URL = webUrl;
}
