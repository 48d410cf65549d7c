import { z } from "zod";

/** Every environment variable the orchestrator reads (README "Configuration" lists the same). */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8090),
  HOST: z.string().default("127.0.0.1"),
  DATABASE_URL: z.string().optional(),
  OCTO_DATA_DIR: z.string().default(".octo"),
  OCTO_ENCRYPTION_KEY: z.string().optional(),
  OIDC_ISSUER: z.string().url().optional(),
  OIDC_AUDIENCE: z.string().optional(),
  AUTH_ROLES_CLAIM: z.string().default("roles"),
  AUTH_WRITE_ROLES: z.string().default(""),
  AUTH_ADMIN_ROLES: z.string().default(""),
  OCTO_DRIVER: z.enum(["local", "kubernetes"]).default("local"),
  KUBE_NAMESPACE: z.string().default("octo"),
  RUNTIME_IMAGE: z.string().default("octo-runtime:dev"),
  RUNTIME_SERVICE_ACCOUNT: z.string().optional(),
  WILDCARD_TLS_SECRET: z.string().optional(),
  CLUSTER_ISSUER: z.string().default("letsencrypt-prod"),
  SHUTDOWN_GRACE: z.coerce.number().int().min(0).default(10_000),
  OCTO_IMPORT_SAMPLES: z.string().optional(),
  OCTO_API_URL: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
  BASE_DOMAIN: z
    .string()
    .regex(
      /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/,
      "must be a domain such as apps.example.com",
    )
    .optional(),
});

export interface OrchestratorConfig {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  encryptionKey: string | undefined;
  oidc: { issuer: string; audience: string | undefined; rolesClaim: string } | undefined;
  writeRoles: string[];
  adminRoles: string[];
  driver: "local" | "kubernetes";
  /** The kubernetes driver's settings (KUBECONFIG or in-cluster credentials reach the API). */
  kubernetes: {
    namespace: string;
    image: string;
    serviceAccountName: string | undefined;
    tls: { mode: "wildcard"; secretName: string } | { mode: "issuer"; clusterIssuer: string };
  };
  shutdownGraceMs: number;
  /** A samples directory imported at start (npm start sets it). */
  importSamples: string | undefined;
  /** The API's URL as deployed runtimes reach it (default: the address it listens on). */
  apiUrl: string | undefined;
  /** Parent domain of exposed deployments (`<subdomain>.<baseDomain>`); unset: none can be exposed. */
  baseDomain: string | undefined;
}

const list = (text: string) =>
  text
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");

/** Reads the configuration; a bad value is one error naming the variable. */
export function readConfig(env: Record<string, string | undefined>): OrchestratorConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const r = envSchema.safeParse(present);
  if (!r.success) throw new Error(r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  const e = r.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.OCTO_DATA_DIR,
    encryptionKey: e.OCTO_ENCRYPTION_KEY,
    oidc: e.OIDC_ISSUER
      ? { issuer: e.OIDC_ISSUER, audience: e.OIDC_AUDIENCE, rolesClaim: e.AUTH_ROLES_CLAIM }
      : undefined,
    writeRoles: list(e.AUTH_WRITE_ROLES),
    adminRoles: list(e.AUTH_ADMIN_ROLES),
    driver: e.OCTO_DRIVER,
    kubernetes: {
      namespace: e.KUBE_NAMESPACE,
      image: e.RUNTIME_IMAGE,
      serviceAccountName: e.RUNTIME_SERVICE_ACCOUNT,
      tls: e.WILDCARD_TLS_SECRET
        ? { mode: "wildcard", secretName: e.WILDCARD_TLS_SECRET }
        : { mode: "issuer", clusterIssuer: e.CLUSTER_ISSUER },
    },
    shutdownGraceMs: e.SHUTDOWN_GRACE,
    importSamples: e.OCTO_IMPORT_SAMPLES,
    baseDomain: e.BASE_DOMAIN,
    apiUrl: e.OCTO_API_URL,
  };
}
