// OAuth2 client credentials of the http-client connector, against a real token endpoint and API
// on 127.0.0.1: one shared token request, caching until expiry, refresh on 401, endpoint errors.
import { afterEach, describe, expect, it } from "vitest";
import type { Runtime } from "../../engine/runtime.ts";
import { json, type StubHandler, type StubServer, startRuntime, stubServer } from "./testing.ts";

const servers: StubServer[] = [];
const runtimes: Runtime[] = [];
afterEach(async () => {
  for (const r of runtimes.splice(0)) await r.stop();
  for (const s of servers.splice(0)) await s.close();
});

async function serve(handler: StubHandler): Promise<StubServer> {
  const s = await stubServer(handler);
  servers.push(s);
  return s;
}

const CLIENT_SECRET = "cl1ent-SECRET";

/** A token endpoint that hands out tok-1, tok-2 … after a short pause (so callers overlap). */
async function tokenEndpoint(
  answer: (n: number) => { status: number; body: unknown } = () => ({ status: 200, body: {} }),
) {
  let issued = 0;
  return serve(async (_req, res) => {
    await new Promise((r) => setTimeout(r, 20));
    const n = ++issued;
    const { status, body } = answer(n);
    json(
      res,
      status,
      status === 200
        ? { access_token: `tok-${n}`, token_type: "Bearer", expires_in: 3600, ...(body as object) }
        : body,
    );
  });
}

/** An API that accepts only the tokens in `valid` (all when undefined) and says which it got. */
async function api(valid?: (token: string) => boolean) {
  return serve((req, res) => {
    const token = (req.headers.authorization ?? "").replace(/^Bearer /, "");
    if (valid && !valid(token)) return json(res, 401, { error: "invalid_token" });
    json(res, 200, { token });
  });
}

async function start(apiURL: string, tokenURL: string, extra = "") {
  const yaml = `
env: [{ name: CLIENT_SECRET, secret: true }]
connectors:
  - name: api
    type: http-client
    settings:
      baseURL: ${apiURL}
      auth: { type: oauth2, tokenURL: "${tokenURL}", clientID: "my app", clientSecret: "\${CLIENT_SECRET}", scopes: [read, write] }
${extra}
flows:
  - name: main
    process:
      - { type: rest, settings: { connector: api, path: /me } }
`;
  const started = await startRuntime(yaml, { CLIENT_SECRET });
  runtimes.push(started.runtime);
  return started;
}

describe("http-client: oauth2 client credentials", () => {
  it("fetches one token for concurrent calls, with client credentials via Basic", async () => {
    const token = await tokenEndpoint();
    const server = await api();
    const { runtime } = await start(server.url, `${token.url}/oauth/token`);
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => runtime.invoke("main", {})));
    expect(outcomes.map((o) => o.message.body)).toEqual(Array(5).fill({ token: "tok-1" }));
    expect(token.requests).toHaveLength(1);
    const [req] = token.requests;
    expect(req?.method).toBe("POST");
    expect(req?.url).toBe("/oauth/token");
    expect(req?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(Object.fromEntries(new URLSearchParams(req?.body))).toEqual({
      grant_type: "client_credentials",
      scope: "read write",
    });
    expect(req?.headers.authorization).toBe(
      `Basic ${Buffer.from(`my%20app:${CLIENT_SECRET}`).toString("base64")}`,
    );
  });

  it("keeps using the token until it expires", async () => {
    const token = await tokenEndpoint();
    const server = await api();
    const { runtime } = await start(server.url, token.url);
    for (let i = 0; i < 3; i++)
      expect((await runtime.invoke("main", {})).message.body).toEqual({ token: "tok-1" });
    expect(token.requests).toHaveLength(1);
  });

  it("fetches a new token once the old one has expired", async () => {
    const token = await tokenEndpoint(() => ({ status: 200, body: { expires_in: 0 } }));
    const server = await api();
    const { runtime } = await start(server.url, token.url);
    expect((await runtime.invoke("main", {})).message.body).toEqual({ token: "tok-1" });
    expect((await runtime.invoke("main", {})).message.body).toEqual({ token: "tok-2" });
    expect(token.requests).toHaveLength(2);
  });

  it("refreshes the token once after a 401 and retries the request", async () => {
    const token = await tokenEndpoint();
    const server = await api((t) => t !== "tok-1"); // tok-1 was revoked
    const { runtime } = await start(server.url, token.url);
    const outcome = await runtime.invoke("main", {});
    expect(outcome.status).toBe("completed");
    expect(outcome.message.body).toEqual({ token: "tok-2" });
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(["Bearer tok-1", "Bearer tok-2"]);
    expect(token.requests).toHaveLength(2);
  });

  it("a 401 with a fresh token fails with 401: one refresh, no loop", async () => {
    const token = await tokenEndpoint();
    const server = await api(() => false);
    const { runtime } = await start(
      server.url,
      token.url,
      "      retry: { maxAttempts: 3, initialDelay: 1ms }",
    );
    const outcome = await runtime.invoke("main", {});
    expect(outcome.status).toBe("failed");
    if (outcome.status === "failed") expect(outcome.error.message).toMatch(/returned HTTP 401 Unauthorized/);
    expect(server.requests).toHaveLength(2);
    expect(token.requests).toHaveLength(2);
  });

  it("a token endpoint error names the token URL and status, not the secret, and is not retried", async () => {
    const token = await tokenEndpoint(() => ({
      status: 400,
      body: { error: "invalid_client", echo: CLIENT_SECRET },
    }));
    const server = await api();
    const { runtime, logger, connectorErrors } = await start(
      server.url,
      `${token.url}/token`,
      "      retry: { maxAttempts: 3, initialDelay: 1ms }",
    );
    const outcome = await runtime.invoke("main", {});
    expect(outcome.status).toBe("failed");
    if (outcome.status !== "failed") return;
    expect(outcome.error.message).toBe(
      `GET ${server.url}/me failed: oauth2 token request to ${token.url}/token failed: HTTP 400 Bad Request: ` +
        `{"error":"invalid_client","echo":"[REDACTED]"}`,
    );
    expect(token.requests).toHaveLength(1);
    expect(server.requests).toHaveLength(0);
    expect(connectorErrors).toEqual(["api:oauth2-token"]);
    expect(JSON.stringify(logger.lines)).not.toContain(CLIENT_SECRET);
  });

  it("an unreachable token endpoint is retried like any network failure", async () => {
    const token = await tokenEndpoint();
    const tokenURL = `${token.url}/token`;
    await token.close();
    const server = await api();
    const { runtime } = await start(
      server.url,
      tokenURL,
      "      retry: { maxAttempts: 2, initialDelay: 1ms }",
    );
    const outcome = await runtime.invoke("main", {});
    expect(outcome.status).toBe("failed");
    if (outcome.status === "failed")
      expect(outcome.error.message).toMatch(
        /^GET http:\/\/127\.0\.0\.1:\d+\/me failed: oauth2 token request to http:\/\/127\.0\.0\.1:\d+\/token failed: connect ECONNREFUSED .* \(after 2 attempts\)$/,
      );
  });

  it("an answer without access_token is an error", async () => {
    const token = await tokenEndpoint(() => ({ status: 200, body: { access_token: "" } }));
    const server = await api();
    const { runtime } = await start(server.url, token.url);
    const outcome = await runtime.invoke("main", {});
    if (outcome.status !== "failed") throw new Error("expected a failure");
    expect(outcome.error.message).toMatch(/oauth2 token request to .* returned no access_token$/);
  });

  it("access tokens are redacted from errors", async () => {
    const token = await tokenEndpoint();
    const server = await serve((req, res) => json(res, 403, { yourToken: req.headers.authorization }));
    const { runtime } = await start(server.url, token.url);
    const outcome = await runtime.invoke("main", {});
    if (outcome.status !== "failed") throw new Error("expected a failure");
    expect(outcome.error.message).toMatch(/"yourToken":"Bearer \[REDACTED\]"/);
  });
});
