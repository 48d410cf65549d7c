import NextAuth from "next-auth";
import type { Provider } from "next-auth/providers";
import { authSettings } from "./settings.ts";

const settings = authSettings();

function providers(): Provider[] {
  if (settings.mode === "open") return [];
  return [
    {
      id: "oidc",
      name: settings.providerName,
      type: "oidc",
      issuer: settings.issuer,
      clientId: settings.clientId,
      // A public client (no secret) authenticates with PKCE alone.
      ...(settings.clientSecret
        ? { clientSecret: settings.clientSecret }
        : { client: { token_endpoint_auth_method: "none" } }),
      authorization: { params: { scope: settings.scopes } },
      checks: ["pkce", "state"],
    },
  ];
}

function openModeSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes));
}

/**
 * Auth.js with one generic OIDC provider and JWT sessions. The session cookie (encrypted with
 * AUTH_SECRET) keeps the provider's access token server side: the /api/trpc route forwards it to
 * the orchestrator, which verifies it itself; the browser never sees it.
 */
export const { handlers, auth, signIn, signOut } = NextAuth({
  providers: providers(),
  // Open mode has no sessions to protect, but Auth.js still wants a key on every call: one made
  // per process keeps it quiet (with OIDC on, AUTH_SECRET is required and used).
  ...(settings.mode === "open" ? { secret: openModeSecret() } : {}),
  session: { strategy: "jwt" },
  trustHost: true,
  pages: { signIn: "/signin" },
  callbacks: {
    jwt({ token, account }) {
      if (account) {
        // Some providers issue opaque access tokens; the ID token is a JWT the orchestrator can verify.
        const accessToken =
          account.access_token?.split(".").length === 3 ? account.access_token : account.id_token;
        return { ...token, accessToken, expiresAt: account.expires_at };
      }
      return token;
    },
    session({ session, token }) {
      const expired = typeof token.expiresAt === "number" && token.expiresAt * 1000 < Date.now();
      return expired ? { ...session, error: "expired" as const } : session;
    },
    authorized({ auth: session }) {
      return settings.mode === "open" || !!session?.user;
    },
  },
});
