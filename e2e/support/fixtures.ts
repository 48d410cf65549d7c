// Data a spec sets up for itself through the API, signed in as the admin person in a browser
// context of its own (so the spec's page keeps its own session).
import { randomBytes } from "node:crypto";
import type { Browser, Page } from "@playwright/test";
import { type Api, api, uniqueName } from "./api.ts";
import { PEOPLE, signIn } from "./auth.ts";

/** An HTTP integration answering GET /hello with {"greeting": GREETING + ", " + name}. */
export const GREETER_YAML = `env:
  - { name: HTTP_PORT, default: "8080" }
  - { name: GREETING, required: true }
connectors:
  - { name: http, type: http, settings: { port: "\${HTTP_PORT}" } }
flows:
  - name: hello
    source: { connector: http, type: http, settings: { path: /hello } }
    process:
      - { type: set-payload, settings: { value: '{"greeting": env.GREETING + ", " + vars.query.name}' } }
`;

export interface AdminSession {
  page: Page;
  api: Api;
  close(): Promise<void>;
}

/** The admin person signed in, in a fresh browser context. */
export async function adminSession(browser: Browser, baseURL: string): Promise<AdminSession> {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await signIn(page, PEOPLE.admin);
  return { page, api: api(page), close: () => context.close() };
}

export interface Deployed {
  integration: { id: string; name: string };
  version: { id: string; tag: string };
  deployment: { id: string; name: string };
  secretName: string;
}

/**
 * An integration with a tagged version, deployed with GREETING bound to a new secret; resolves
 * once the deployment is listed as running.
 */
export async function deployGreeter(admin: Api, prefix: string): Promise<Deployed> {
  const secretName = `${prefix.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_${randomBytes(3).toString("hex").toUpperCase()}`;
  await admin.mutate("secrets.set", { name: secretName, value: `hello-${randomBytes(4).toString("hex")}` });
  const integration = await admin.mutate<{ id: string; name: string }>("integrations.create", {
    name: uniqueName(prefix),
    definition: GREETER_YAML,
  });
  const version = await admin.mutate<{ id: string; tag: string }>("versions.create", {
    integrationId: integration.id,
    tag: "v1",
  });
  const deployment = await admin.mutate<{ id: string; name: string }>("deployments.create", {
    integrationId: integration.id,
    versionId: version.id,
    env: { GREETING: { secret: secretName } },
  });
  const until = Date.now() + 60_000;
  for (;;) {
    const d = await admin.query<{ status: string }>("deployments.get", { id: deployment.id });
    if (d.status === "running") break;
    if (Date.now() > until) throw new Error(`deployment ${deployment.id} is ${d.status}, not running`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return { integration, version, deployment, secretName };
}
