// The web platform behind real SSO: the built app (next start) signs people in through a real OIDC
// provider (Auth.js, authorization code + PKCE), forwards their token to an orchestrator that
// verifies it itself, and streams live status through /api/trpc. A writer deploys to the local
// driver, watches it go live, scales and undeploys; a reader sees the same and may change nothing.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { killAll } from "../../../packages/runtime/test/octo-process.ts";
import { GREETER_YAML as YAML } from "../../orchestrator/test/fixtures.ts";
import {
  OIDC_ROLES,
  startTestOrchestrator,
  type TestOrchestrator,
} from "../../orchestrator/test/orchestrator.ts";
import { BrowserlessSession } from "./browserless-session.ts";
import { PEOPLE, startOidcProvider, type TestOidcProvider } from "./oidc-provider.ts";
import { startWeb, type WebServer } from "./web-server.ts";

let provider: TestOidcProvider;
let orch: TestOrchestrator;
let web: WebServer;

beforeAll(async () => {
  provider = await startOidcProvider();
  orch = await startTestOrchestrator({ OIDC_ISSUER: provider.issuer, ...OIDC_ROLES });
  web = await startWeb({
    ORCHESTRATOR_URL: orch.url,
    OIDC_ISSUER: provider.issuer,
    OIDC_CLIENT_ID: provider.clientId,
    OIDC_CLIENT_SECRET: "web-client-secret",
    AUTH_SECRET: randomBytes(32).toString("base64url"),
  });
}, 240_000);

afterAll(async () => {
  killAll();
  await orch?.close();
  await provider?.close();
});

async function signedIn(person: (typeof PEOPLE)[keyof typeof PEOPLE]) {
  provider.signInAs(person);
  const session = new BrowserlessSession(web.url);
  expect(await session.signIn("/integrations")).toBe(`${web.url}/integrations`);
  return session;
}

it("sends pages to sign-in and answers the API 401 without a session", async () => {
  const anonymous = new BrowserlessSession(web.url);
  const page = await anonymous.fetch("/integrations");
  expect(page.status).toBe(307);
  expect(page.headers.get("location")).toMatch(/\/signin\?callbackUrl=/);
  const signin = await anonymous.fetch("/signin");
  expect(signin.status).toBe(200);
  expect(await signin.text()).toContain("Sign in with single sign-on");
  const api = await anonymous.fetch("/api/trpc/users.me");
  expect(api.status).toBe(401);
  expect(await api.json()).toMatchObject({
    error: { data: { code: "UNAUTHORIZED", reason: "missing_auth" } },
  });
});

it("signs a writer in, who creates, deploys, watches live, scales and undeploys", async () => {
  const session = await signedIn(PEOPLE.writer);
  // The session cookie holds the provider's token; the browser's view of the session does not.
  const visible = await (await session.fetch("/api/auth/session")).text();
  expect(visible).toContain("Ada Writer");
  expect(visible).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
  const page = await session.fetch("/");
  expect(page.status).toBe(200);
  expect(await page.text()).not.toContain("Open mode");

  const api = session.api();
  // The orchestrator verified the forwarded token: it knows the person and their roles.
  expect(await api.users.me.query()).toMatchObject({
    email: "ada@example.com",
    via: "oidc",
    can: { write: true, admin: false },
  });
  const integration = await api.integrations.create.mutate({ name: "Greeter", definition: YAML });
  const version = await api.versions.create.mutate({ integrationId: integration.id, tag: "v1" });
  const deployment = await api.deployments.create.mutate({
    integrationId: integration.id,
    versionId: version.id,
    env: { GREETING: { value: "hello" } },
  });

  // Live status over SSE through the web app's forwarder, as the dashboard gets it.
  const live = await new Promise<{ url?: string | undefined }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("not running within 30 s")), 30_000);
    const sub = api.deployments.watch.subscribe(
      {},
      {
        onData: ({ data }) => {
          const d = data.find((x) => x.id === deployment.id);
          if (d?.status === "running") {
            clearTimeout(timer);
            sub.unsubscribe();
            resolve(d);
          }
        },
        onError: reject,
      },
    );
  });
  expect(await (await fetch(`${live.url}/hello?name=Ada`)).json()).toEqual({ greeting: "hello, Ada" });

  expect((await api.deployments.scale.mutate({ id: deployment.id, replicas: 2 })).desiredReplicas).toBe(2);
  await api.deployments.delete.mutate({ id: deployment.id });
  expect(await api.deployments.list.query({})).toEqual([]);
}, 90_000);

it("shows a reader everything and lets them change nothing", async () => {
  const session = await signedIn(PEOPLE.reader);
  const api = session.api();
  expect((await api.users.me.query()).can).toEqual({ write: false, admin: false });
  expect((await api.integrations.list.query()).map((i) => i.name)).toContain("Greeter");
  expect((await session.fetch("/integrations")).status).toBe(200);
  await expect(api.integrations.create.mutate({ name: "Sneaky" })).rejects.toMatchObject({
    data: { code: "FORBIDDEN", httpStatus: 403 },
  });
  await expect(api.audit.list.query({ limit: 5 })).rejects.toMatchObject({ data: { code: "FORBIDDEN" } });
});

it("signs out: the session cookie is gone and the API answers 401 again", async () => {
  const session = await signedIn(PEOPLE.admin);
  expect((await session.api().users.me.query()).can).toEqual({ write: true, admin: true });
  const csrf = (await (await session.fetch("/api/auth/csrf")).json()) as { csrfToken: string };
  await session.fetch("/api/auth/signout", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ csrfToken: csrf.csrfToken }).toString(),
  });
  expect(session.jar.names().some((n) => n.includes("session-token"))).toBe(false);
  expect((await session.fetch("/api/trpc/users.me")).status).toBe(401);
});
