// A local OIDC provider for tests: discovery document + JWKS on 127.0.0.1, and a signer for
// the tokens it would issue (RS256), so the orchestrator verifies real JWTs with jose.
import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from "jose";

export interface TestIssuer {
  issuer: string;
  /** A signed token with these claims (sub required), valid for an hour unless `exp` is given. */
  token(
    claims: JWTPayload & { sub: string },
    options?: { audience?: string; expiresIn?: string },
  ): Promise<string>;
  /** A token signed by a key the issuer does not publish. */
  forgedToken(claims: JWTPayload & { sub: string }): Promise<string>;
  close(): Promise<void>;
}

export async function startTestIssuer(): Promise<TestIssuer> {
  const { publicKey, privateKey } = await generateKeyPair("RS256");
  const other = await generateKeyPair("RS256");
  const jwk = { ...(await exportJWK(publicKey)), kid: "test-key", alg: "RS256", use: "sig" };
  const server = createServer((req, res) => {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    res.setHeader("content-type", "application/json");
    if (req.url === "/.well-known/openid-configuration")
      res.end(JSON.stringify({ issuer: base, jwks_uri: `${base}/jwks` }));
    else if (req.url === "/jwks") res.end(JSON.stringify({ keys: [jwk] }));
    else {
      res.statusCode = 404;
      res.end("{}");
    }
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sign = (key: typeof privateKey, claims: JWTPayload, audience = "octo", expiresIn = "1h") =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: "RS256", kid: "test-key" })
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt()
      .setExpirationTime(expiresIn)
      .sign(key);
  return {
    issuer,
    token: (claims, options = {}) => sign(privateKey, claims, options.audience, options.expiresIn),
    forgedToken: (claims) => sign(other.privateKey, claims),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
