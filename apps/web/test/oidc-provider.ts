// A real OIDC provider on 127.0.0.1 for the web app's tests (oauth2-mock-server): discovery,
// authorize (answers at once, no login form), token with PKCE, JWKS. Who signs in next is set by
// the test; that person's claims (roles among them) go into both the ID and the access token.
import { OAuth2Server } from "oauth2-mock-server";

export interface Person {
  sub: string;
  email: string;
  name: string;
  roles: string[];
}

export const PEOPLE = {
  writer: { sub: "ada", email: "ada@example.com", name: "Ada Writer", roles: ["octo-writer"] },
  reader: { sub: "bo", email: "bo@example.com", name: "Bo Reader", roles: [] },
  admin: { sub: "cy", email: "cy@example.com", name: "Cy Admin", roles: ["octo-writer", "octo-admin"] },
} satisfies Record<string, Person>;

export interface TestOidcProvider {
  issuer: string;
  clientId: string;
  /** The person the next authorization is for. */
  signInAs(person: Person): void;
  close(): Promise<void>;
}

/**
 * Chooses the next person over HTTP (`POST {"sub": "ada"}`), for tests in other processes than
 * the one that started the provider (Playwright's workers).
 */
export const NEXT_PERSON_PATH = "/e2e/next-person";

const everyone: readonly Person[] = Object.values(PEOPLE);

export async function startOidcProvider(clientId = "octo"): Promise<TestOidcProvider> {
  const server = new OAuth2Server();
  await server.issuer.keys.generate("RS256");
  let next: Person = PEOPLE.writer;
  // Each code remembers whom it was issued for, so tokens carry that person's claims.
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
  // Named by its address (the server would say "localhost"): a browser goes straight to IPv4.
  const issuer = `http://127.0.0.1:${server.address().port}`;
  server.issuer.url = issuer;
  return {
    issuer,
    clientId,
    signInAs(person) {
      next = person;
    },
    close: () => server.stop(),
  };
}
