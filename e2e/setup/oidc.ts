// The OIDC provider of the e2e run: oauth2-mock-server on 127.0.0.1, started by the global setup
// (the Playwright runner process). The tests run in worker processes, so who signs in next is
// chosen over HTTP: `POST /e2e/next-person {"sub": "ada"}` (see support/auth.ts). Each code
// remembers whom it was issued for, and that person's claims (roles among them) go into both the
// ID and the access token, as apps/web/test/oidc-provider.ts does in-process.
import { OAuth2Server } from "oauth2-mock-server";
import { PEOPLE, type Person } from "../../apps/web/test/oidc-provider.ts";

export { PEOPLE, type Person };

export const NEXT_PERSON_PATH = "/e2e/next-person";

export interface E2eOidcProvider {
  issuer: string;
  clientId: string;
  close(): Promise<void>;
}

const everyone: readonly Person[] = Object.values(PEOPLE);

export async function startE2eOidcProvider(clientId = "octo"): Promise<E2eOidcProvider> {
  const server = new OAuth2Server();
  await server.issuer.keys.generate("RS256");
  let next: Person = PEOPLE.writer;
  const byCode = new Map<string, Person>();
  server.service.addRoute("POST", NEXT_PERSON_PATH, (req, res) => {
    const body = (req.body ?? {}) as { sub?: unknown };
    const person = everyone.find((p) => p.sub === body.sub);
    if (!person) {
      res.writeHead(400, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: `no person with sub ${String(body.sub)}` }));
      return;
    }
    next = person;
    res.writeHead(204);
    res.end();
  });
  server.service.on("beforeAuthorizeRedirect", (redirect: { url: URL }) => {
    const code = redirect.url.searchParams.get("code");
    if (code) byCode.set(code, next);
  });
  server.service.on(
    "beforeTokenSigning",
    (token: { payload: Record<string, unknown> }, req: { body?: Record<string, unknown> }) => {
      const code = typeof req.body?.code === "string" ? req.body.code : undefined;
      const person = (code && byCode.get(code)) || next;
      // One audience for both tokens: the ID token's must be the client id, the orchestrator checks it too.
      Object.assign(token.payload, { ...person, aud: clientId });
    },
  );
  await server.start(0, "127.0.0.1");
  // Named by its address (the server would say "localhost"): the browser goes straight to IPv4.
  const issuer = `http://127.0.0.1:${server.address().port}`;
  server.issuer.url = issuer;
  return { issuer, clientId, close: () => server.stop() };
}
