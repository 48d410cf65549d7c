import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestIssuer, type TestIssuer } from "../../test/oidc-provider.ts";
import { authenticator, type CredentialStore } from "./authenticate.ts";
import { type Identity, refusal } from "./identity.ts";
import { oidcVerifier, rolesAt } from "./oidc.ts";
import { newToken, tokenHash } from "./tokens.ts";

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await startTestIssuer();
});
afterAll(() => issuer.close());

const apiKey = newToken("octo_");
const expiredKey = newToken("octo_");
const podToken = newToken("octd_");
const store: CredentialStore = {
  async apiKey(hash) {
    if (hash === tokenHash(apiKey))
      return {
        id: "k1",
        userId: "u1",
        scope: "write",
        expiresAt: new Date(Date.now() + 60_000),
        revokedAt: null,
      };
    if (hash === tokenHash(expiredKey))
      return { id: "k2", userId: "u1", scope: "write", expiresAt: new Date(Date.now() - 1), revokedAt: null };
    return undefined;
  },
  async touchApiKey() {},
  async deploymentToken(hash) {
    return hash === tokenHash(podToken) ? { deploymentId: "d1" } : undefined;
  },
};

describe("authenticate", () => {
  const auth = () =>
    authenticator({
      oidc: oidcVerifier({ issuer: issuer.issuer, audience: "octo", rolesClaim: "realm.roles" }),
      store,
    });

  it("verifies an OIDC token against the issuer's JWKS and reads roles from the claim path", async () => {
    const token = await issuer.token({
      sub: "ada",
      email: "ada@example.com",
      realm: { roles: ["octo-writer"] },
    });
    expect(await auth()(`Bearer ${token}`)).toEqual({
      kind: "user",
      subject: "ada",
      email: "ada@example.com",
      name: undefined,
      roles: ["octo-writer"],
    });
  });

  it.each([
    ["a forged signature", () => issuer.forgedToken({ sub: "eve" }), /invalid token/],
    ["another audience", () => issuer.token({ sub: "ada" }, { audience: "other" }), /invalid token: .*aud/],
    ["an expired token", () => issuer.token({ sub: "ada" }, { expiresIn: "-1m" }), /invalid token: .*exp/],
    ["garbage", async () => "not-a-jwt", /invalid token/],
  ])("refuses %s with 401", async (_, make, message) => {
    expect(await auth()(`Bearer ${await make()}`)).toMatchObject({
      code: "UNAUTHORIZED",
      message: expect.stringMatching(message),
    });
  });

  it("accepts API keys and deployment tokens by hash, refuses unknown and expired ones", async () => {
    expect(await auth()(`Bearer ${apiKey}`)).toEqual({
      kind: "api-key",
      keyId: "k1",
      userId: "u1",
      scope: "write",
    });
    expect(await auth()(`Bearer ${podToken}`)).toEqual({ kind: "deployment", deploymentId: "d1" });
    expect(await auth()(`Bearer ${expiredKey}`)).toMatchObject({ code: "UNAUTHORIZED" });
    expect(await auth()(`Bearer ${newToken("octo_")}`)).toMatchObject({ code: "UNAUTHORIZED" });
    expect(await auth()(`Bearer ${newToken("octd_")}`)).toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("is anonymous without a header when OIDC is on, open when it is off", async () => {
    expect(await auth()(undefined)).toEqual({ kind: "anonymous" });
    expect(await authenticator({ oidc: undefined, store })(undefined)).toEqual({ kind: "open" });
    expect(await auth()("Basic abc")).toMatchObject({ code: "UNAUTHORIZED" });
  });
});

describe("permissions", () => {
  const policy = { writeRoles: ["octo-writer"], adminRoles: ["octo-admin"] };
  const user = (roles: string[]): Identity => ({
    kind: "user",
    subject: "s",
    email: undefined,
    name: undefined,
    roles,
  });
  const cases: [string, Identity, Record<string, string | undefined>][] = [
    [
      "anonymous",
      { kind: "anonymous" },
      {
        public: undefined,
        read: "UNAUTHORIZED",
        write: "UNAUTHORIZED",
        admin: "UNAUTHORIZED",
        deployment: "UNAUTHORIZED",
      },
    ],
    [
      "a reader",
      user([]),
      { public: undefined, read: undefined, write: "FORBIDDEN", admin: "FORBIDDEN", deployment: "FORBIDDEN" },
    ],
    ["a writer", user(["octo-writer"]), { read: undefined, write: undefined, admin: "FORBIDDEN" }],
    ["an admin", user(["octo-admin"]), { read: undefined, write: "FORBIDDEN", admin: undefined }],
    [
      "a read-only key",
      { kind: "api-key", keyId: "k", userId: "u", scope: "read" },
      { read: undefined, write: "FORBIDDEN", admin: "FORBIDDEN" },
    ],
    [
      "a write key",
      { kind: "api-key", keyId: "k", userId: "u", scope: "write" },
      { write: undefined, admin: "FORBIDDEN" },
    ],
    [
      "a pod",
      { kind: "deployment", deploymentId: "d" },
      { read: "FORBIDDEN", write: "FORBIDDEN", deployment: undefined },
    ],
    [
      "open mode",
      { kind: "open" },
      { read: undefined, write: undefined, admin: undefined, deployment: undefined },
    ],
  ];
  it.each(cases)("%s", (_, identity, expected) => {
    for (const [permission, code] of Object.entries(expected))
      expect(refusal(identity, permission as never, policy)?.code, permission).toBe(code);
  });

  it("lets every signed-in user write when AUTH_WRITE_ROLES is empty", () => {
    expect(refusal(user([]), "write", { writeRoles: [], adminRoles: [] })).toBeUndefined();
  });

  it("reads roles as arrays or space/comma separated strings", () => {
    expect(rolesAt({ groups: "a, b c" }, "groups")).toEqual(["a", "b", "c"]);
    expect(rolesAt({ x: { y: ["r", 1] } }, "x.y")).toEqual(["r"]);
    expect(rolesAt({}, "roles")).toEqual([]);
  });
});
