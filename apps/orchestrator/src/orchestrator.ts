import { mkdtempSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { Cipher, type Database, loadOrCreateKey, MEMORY, openDatabase } from "@octo/db";
import { clusterObjects, createKubernetesDriver } from "@octo/k8s/driver";
import { OWNED_KINDS } from "@octo/k8s/render";
import { dbAudit, dbCredentials } from "./api/db-stores.ts";
import type { Services } from "./api/services.ts";
import type { Context } from "./api/trpc.ts";
import { authenticator, isRefusal } from "./auth/authenticate.ts";
import { refusalError } from "./auth/identity.ts";
import { oidcVerifier } from "./auth/oidc.ts";
import type { OrchestratorConfig } from "./config.ts";
import { IntegrationChanges } from "./domains/integrations/changes.ts";
import { databaseSecrets } from "./drivers/local/database-secrets.ts";
import { createLocalDriver } from "./drivers/local/index.ts";
import type { DeploymentDriver } from "./drivers/types.ts";
import { importSamples } from "./import-samples.ts";
import { DEFAULT_EXAMPLES_DIR } from "./mcp/examples.ts";
import { createMcpHandler } from "./mcp/handler.ts";
import { observeDeployments } from "./ops/deployment-metrics.ts";
import { createHttpServer } from "./ops/http-server.ts";
import { appRouter } from "./router.ts";

export interface OrchestratorOptions {
  /** Replaces the configured driver (tests); gets what a driver may need from the orchestrator. */
  driver?: (deps: { db: Database; cipher: Cipher }) => DeploymentDriver;
  /** Where the orchestrator reports (stderr lines by default). */
  log?: (level: "info" | "warn" | "error", message: string) => void;
}

export interface RunningOrchestrator {
  url: string;
  services: Services;
  /** Not ready first, then stops taking requests, stops every deployment, closes the database. */
  close(): Promise<void>;
}

/** The cluster driver: credentials from KUBECONFIG, else the pod's service account. */
function kubernetesDriver(config: OrchestratorConfig): DeploymentDriver {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromDefault();
  const settings = config.kubernetes;
  return createKubernetesDriver({
    kubeConfig,
    namespace: settings.namespace,
    render: (spec) => clusterObjects(spec, settings),
    kinds: OWNED_KINDS,
  });
}

/** Opens the database, the driver and the HTTP API, and serves until close(). */
export async function startOrchestrator(
  config: OrchestratorConfig,
  options: OrchestratorOptions = {},
): Promise<RunningOrchestrator> {
  const log = options.log ?? ((level, message) => process.stderr.write(`${level}: ${message}\n`));
  const opened = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  const key = loadOrCreateKey({
    envValue: config.encryptionKey,
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
  });
  const cipher = new Cipher(key.key);
  const driver =
    options.driver?.({ db: opened.db, cipher }) ??
    (config.driver === "kubernetes"
      ? kubernetesDriver(config)
      : createLocalDriver({
          dataDir: config.dataDir === MEMORY ? mkdtempSync(join(tmpdir(), "octo-local-")) : config.dataDir,
          secrets: databaseSecrets(opened.db, cipher),
        }));
  if (config.importSamples) {
    const imported = await importSamples(opened.db, config.importSamples);
    if (imported.length > 0) log("info", `imported ${imported.length} samples: ${imported.join(", ")}`);
  }
  const services: Services = {
    db: opened.db,
    databaseKind: opened.kind,
    cipher,
    driver,
    baseDomain: config.baseDomain,
    changes: new IntegrationChanges(),
    runEnv: new Map(),
  };
  const authenticate = authenticator({
    oidc: config.oidc ? oidcVerifier(config.oidc) : undefined,
    store: dbCredentials(opened.db),
  });
  const audit = dbAudit(opened.db);
  const policy = { writeRoles: config.writeRoles, adminRoles: config.adminRoles };
  let ready = false;
  const logError = (error: unknown, procedure: string) =>
    log("error", `${procedure}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);

  const http = createHttpServer({
    router: appRouter,
    ready: () => ready,
    observe: (registry) => observeDeployments(registry, opened.db),
    mcp: createMcpHandler({
      authenticate,
      policy,
      audit,
      services,
      logError,
      examplesDir: config.importSamples || DEFAULT_EXAMPLES_DIR,
    }),
    async createContext(req: IncomingMessage): Promise<Context> {
      const identity = await authenticate(req.headers.authorization);
      // A credential that is present but wrong is refused outright (401), even for public calls.
      if (isRefusal(identity)) throw refusalError(identity);
      return {
        identity,
        policy,
        audit,
        services,
        logError,
      };
    },
  });
  const url = await http.listen(config.port, config.host);
  // In a cluster the listen address (0.0.0.0) is not where pods reach the API: its Service is.
  services.apiUrl = config.apiUrl ?? url;
  if (!config.oidc)
    log("warn", "no OIDC_ISSUER configured: open mode, every caller may read and write everything");
  ready = true;

  return {
    url,
    services,
    async close() {
      ready = false;
      await http.close();
      await driver.close();
      await opened.close();
    },
  };
}
