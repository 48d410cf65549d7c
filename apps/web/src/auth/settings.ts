/** How the web app signs people in, read from the environment (see README, "Configuration"). */
export type AuthSettings =
  /** No OIDC_ISSUER: nobody signs in; the orchestrator must run open too. */
  | { mode: "open"; providerName: string; scopes: string }
  /** OIDC on: every page needs a session. */
  | {
      mode: "oidc";
      issuer: string;
      clientId: string;
      clientSecret: string | undefined;
      /** Shown on the sign-in button. */
      providerName: string;
      scopes: string;
    };

export function authSettings(env: NodeJS.ProcessEnv = process.env): AuthSettings {
  const providerName = env.OIDC_NAME || "single sign-on";
  const scopes = env.OIDC_SCOPES || "openid email profile";
  const issuer = env.OIDC_ISSUER;
  if (!issuer) return { mode: "open", providerName, scopes };
  const clientId = env.OIDC_CLIENT_ID;
  if (!clientId)
    throw new Error("OIDC_ISSUER is set but OIDC_CLIENT_ID is not: set both, or neither to run open");
  if (!env.AUTH_SECRET)
    throw new Error("OIDC_ISSUER is set but AUTH_SECRET is not: Auth.js needs it to encrypt sessions");
  return {
    mode: "oidc",
    issuer,
    clientId,
    clientSecret: env.OIDC_CLIENT_SECRET || undefined,
    providerName,
    scopes,
  };
}

/** Where the orchestrator's API answers (server side only). */
export function orchestratorUrl(env: NodeJS.ProcessEnv = process.env): string {
  return (env.ORCHESTRATOR_URL || "http://127.0.0.1:8090").replace(/\/$/, "");
}
