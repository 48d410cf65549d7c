import {
  aad,
  deploymentEnv,
  deployments,
  deploymentTokens,
  integrations,
  isUniqueViolation,
  pgConstraint,
  secrets,
  versions,
} from "@octo/db";
import { eq, inArray } from "drizzle-orm";
import type { Services } from "../../api/services.ts";
import { DEPLOYMENT_TOKEN_PREFIX, newToken, tokenHash } from "../../auth/tokens.ts";
import type { DeploymentSpec, DeploymentStatus } from "../../drivers/types.ts";
import { badRequest, conflict, notFound } from "../errors.ts";
import { type Binding, checkBindings, definitionFacts, slugify } from "./env-rules.ts";
import { definitionProblems } from "./validate.ts";

export interface DeployInput {
  integrationId: string;
  versionId: string;
  replicas: number;
  slug?: string | undefined;
  /** Reachable from outside at https://<subdomain>.<BASE_DOMAIN> (needs HTTP_PORT and BASE_DOMAIN). */
  expose?: boolean | undefined;
  /** Defaults to the slug. */
  subdomain?: string | undefined;
  env: Record<string, Binding>;
}

type Row = typeof deployments.$inferSelect;

/** A deployment as the API shows it: the row with the driver's live status. */
export function view(row: Row, live: DeploymentStatus | undefined) {
  return {
    id: row.id,
    integrationId: row.integrationId,
    versionId: row.versionId,
    name: row.name,
    tag: row.tag,
    slug: row.slug,
    externalUrl: row.externalUrl ?? undefined,
    replicas: row.replicas,
    status: live?.phase ?? row.status,
    desiredReplicas: live?.desiredReplicas ?? row.replicas,
    readyReplicas: live?.readyReplicas ?? 0,
    pods: (live?.replicas ?? []).map((r) => ({
      name: r.name,
      phase: r.phase,
      ready: r.ready,
      restarts: r.restarts,
    })),
    reason: live?.lastFailure,
    url: live?.url ?? row.internalUrl ?? undefined,
    createdAt: row.createdAt,
    lastUpdated: row.lastUpdated,
  };
}

export type DeploymentView = ReturnType<typeof view>;

async function loadVersion(services: Services, integrationId: string, versionId: string) {
  const { db } = services;
  const [integration] = await db.select().from(integrations).where(eq(integrations.id, integrationId));
  if (!integration) throw notFound("integration");
  const [version] = await db.select().from(versions).where(eq(versions.id, versionId));
  if (!version) throw badRequest("the selected version was not found");
  if (version.integrationId !== integrationId)
    throw badRequest("the selected version belongs to another integration");
  let facts: ReturnType<typeof definitionFacts>;
  try {
    facts = definitionFacts(version.definition);
  } catch (e) {
    throw badRequest((e as Error).message);
  }
  return { integration, version, facts };
}

/** The runtime's env: literals (secret ones decrypted here) and bindings to cluster secrets. */
async function resolveEnv(services: Services, deploymentId: string) {
  const { db, cipher } = services;
  const rows = await db.select().from(deploymentEnv).where(eq(deploymentEnv.deploymentId, deploymentId));
  const env: Record<string, string> = {};
  const secretRefs: Record<string, string> = {};
  const secretNames: string[] = [];
  for (const r of rows) {
    if (r.kind === "secret") secretRefs[r.name] = r.secretName as string;
    else if (r.literalEncrypted) {
      env[r.name] = cipher.decrypt(r.literalEncrypted, aad.env(deploymentId, r.name)).toString("utf8");
      secretNames.push(r.name);
    } else env[r.name] = r.literal ?? "";
  }
  return { env, secretRefs, secretNames };
}

/**
 * A fresh pod token for the deployment (only its hash is kept, so every apply issues a new one
 * and the old one stops working).
 */
async function issueToken(services: Services, deploymentId: string): Promise<string> {
  const token = newToken(DEPLOYMENT_TOKEN_PREFIX);
  await services.db
    .insert(deploymentTokens)
    .values({ deploymentId, tokenHash: tokenHash(token) })
    .onConflictDoUpdate({
      target: deploymentTokens.deploymentId,
      set: { tokenHash: tokenHash(token), createdAt: new Date() },
    });
  return token;
}

/**
 * The driver's spec of a deployment: its bound env, and how its pods reach this orchestrator's
 * KV API (URL, deployment id, its token — redacted from logs like every secret). The definition
 * is loaded with that env first, as the runtime will: one that cannot start is refused.
 */
async function driverSpec(
  services: Services,
  row: {
    id: string;
    integrationId: string;
    replicas: number;
    slug: string | null;
    externalUrl: string | null;
  },
  definition: string,
  httpPort: number | undefined,
): Promise<DeploymentSpec> {
  const resolved = await resolveEnv(services, row.id);
  // Cluster secrets' values never come back from their store: placeholders stand in for the check.
  const placeholders = Object.fromEntries(Object.keys(resolved.secretRefs).map((name) => [name, "secret"]));
  const problems = await definitionProblems(definition, {
    ...placeholders,
    ...resolved.env,
    HTTP_PORT: String(httpPort ?? 8080),
    HTTP_HOST: "127.0.0.1",
  });
  if (problems.length > 0)
    throw badRequest(
      `the version does not load: ${problems
        .slice(0, 5)
        .map((d) => `${d.location ? `${d.location.line}:${d.location.col}: ` : ""}${d.message}`)
        .join("; ")}`,
    );
  const env: Record<string, string> = { ...resolved.env, OCTO_DEPLOYMENT_ID: row.id };
  if (services.apiUrl) {
    env.OCTO_ORCHESTRATOR_URL = services.apiUrl;
    env.OCTO_DEPLOYMENT_TOKEN = await issueToken(services, row.id);
  }
  return {
    id: row.id,
    integrationId: row.integrationId,
    definition,
    replicas: row.replicas,
    env,
    secretRefs: resolved.secretRefs,
    secretNames: [...resolved.secretNames, "OCTO_DEPLOYMENT_TOKEN"],
    httpPort,
    slug: row.slug ?? undefined,
    externalHost: row.externalUrl ? new URL(row.externalUrl).host : undefined,
  };
}

/** `base`, then `base-001` … `base-999`: the first slug no deployment holds. */
export async function freeSlug(services: Services, base: string): Promise<string> {
  const taken = new Set(
    (await services.db.select({ slug: deployments.slug }).from(deployments)).map((r) => r.slug),
  );
  for (let n = 0; n < 1000; n++) {
    const suffix = n === 0 ? "" : `-${String(n).padStart(3, "0")}`;
    const slug = `${base.slice(0, 54 - suffix.length).replace(/-+$/, "")}${suffix}`;
    if (!taken.has(slug)) return slug;
  }
  throw conflict(`no free slug left for ${base}`);
}

export async function deploy(services: Services, input: DeployInput, createdBy?: string) {
  const { db, cipher, driver } = services;
  const { integration, version, facts } = await loadVersion(services, input.integrationId, input.versionId);
  const checked = checkBindings(facts.declared, input.env);
  if (!checked.ok) throw badRequest(checked.problems.join("; "));
  const secretNamesWanted = [...checked.bindings.values()].flatMap((b) =>
    b.kind === "secret" ? [b.secret] : [],
  );
  if (secretNamesWanted.length) {
    const found = new Set(
      (
        await db.select({ name: secrets.name }).from(secrets).where(inArray(secrets.name, secretNamesWanted))
      ).map((r) => r.name),
    );
    const missing = secretNamesWanted.filter((n) => !found.has(n));
    if (missing.length) throw badRequest(`no secret named ${missing.join(", ")}`);
  }

  let slug: string | null = null;
  if (facts.httpPort !== undefined) {
    if (input.slug !== undefined && input.slug !== "") {
      slug = slugify(input.slug);
      if (slug === "") throw badRequest("the slug has no letters or digits");
    } else {
      slug = await freeSlug(services, slugify(integration.name) || "integration");
    }
  }
  let subdomain: string | null = null;
  if (input.expose) {
    if (!services.baseDomain)
      throw badRequest("external endpoints are not configured (BASE_DOMAIN is unset)");
    if (slug === null) throw badRequest("only an integration that declares HTTP_PORT can be exposed");
    subdomain = slugify(input.subdomain || slug);
    if (subdomain === "") throw badRequest("the subdomain has no letters or digits");
  }
  const secretDeclared = new Set(facts.declared.filter((d) => d.secret).map((d) => d.name));

  const row = await db
    .transaction(async (tx) => {
      const [created] = await tx
        .insert(deployments)
        .values({
          integrationId: integration.id,
          versionId: version.id,
          name: integration.name,
          tag: version.tag,
          slug,
          expose: subdomain !== null,
          subdomain,
          externalUrl: subdomain === null ? null : `https://${subdomain}.${services.baseDomain}`,
          replicas: input.replicas,
          httpPort: facts.httpPort ?? null,
          createdBy: createdBy ?? null,
        })
        .returning();
      const d = created as Row;
      const envRows = [...checked.bindings].map(([name, b]) =>
        b.kind === "secret"
          ? { deploymentId: d.id, name, kind: "secret" as const, secretName: b.secret }
          : secretDeclared.has(name)
            ? {
                deploymentId: d.id,
                name,
                kind: "literal" as const,
                literalEncrypted: cipher.encrypt(b.value, aad.env(d.id, name)),
              }
            : { deploymentId: d.id, name, kind: "literal" as const, literal: b.value },
      );
      if (envRows.length) await tx.insert(deploymentEnv).values(envRows);
      return d;
    })
    .catch((e: unknown) => {
      if (isUniqueViolation(e)) {
        if (pgConstraint(e) === "deployments_subdomain_unique")
          throw conflict(`the subdomain ${subdomain} is already in use`);
        throw conflict(`the slug ${slug} is already in use`);
      }
      throw e;
    });

  try {
    const status = await driver.apply(await driverSpec(services, row, version.definition, facts.httpPort));
    const [updated] = await db
      .update(deployments)
      .set({ status: status.phase, internalUrl: status.url ?? null, lastUpdated: new Date() })
      .where(eq(deployments.id, row.id))
      .returning();
    services.changes.deploymentsChanged();
    return view(updated ?? row, status);
  } catch (e) {
    // A deployment that could not start leaves nothing behind.
    await driver.remove(row.id).catch(() => {});
    await db.delete(deployments).where(eq(deployments.id, row.id));
    throw e;
  }
}

export async function getDeployment(services: Services, id: string) {
  const [row] = await services.db.select().from(deployments).where(eq(deployments.id, id));
  if (!row) throw notFound("deployment");
  return row;
}

export async function scale(services: Services, id: string, replicas: number) {
  const row = await getDeployment(services, id);
  const status = await services.driver.scale(id, replicas);
  const [updated] = await services.db
    .update(deployments)
    .set({ replicas, status: status.phase, lastUpdated: new Date() })
    .where(eq(deployments.id, id))
    .returning();
  services.changes.deploymentsChanged();
  return view(updated ?? row, status);
}

/** Moves a deployment to another version of its integration, keeping its bindings. */
export async function rollout(services: Services, id: string, versionId: string) {
  const row = await getDeployment(services, id);
  const { version, facts } = await loadVersion(services, row.integrationId, versionId);
  if ((facts.httpPort !== undefined) !== (row.slug !== null))
    throw badRequest("that version adds or removes the HTTP source; undeploy and deploy it instead");
  const bound = await services.db.select().from(deploymentEnv).where(eq(deploymentEnv.deploymentId, id));
  const stillDeclared = new Set(facts.declared.map((d) => d.name));
  const gone = bound.filter((b) => !stillDeclared.has(b.name)).map((b) => b.name);
  if (gone.length) throw badRequest(`that version no longer declares ${gone.join(", ")}; deploy it anew`);
  const unbound = facts.declared.filter(
    (d) =>
      d.required && !bound.some((b) => b.name === d.name) && d.name !== "HTTP_PORT" && d.name !== "HTTP_HOST",
  );
  if (unbound.length)
    throw badRequest(
      `that version requires ${unbound.map((d) => d.name).join(", ")}; deploy it anew with bindings`,
    );
  const status = await services.driver.apply(
    await driverSpec(services, row, version.definition, facts.httpPort),
  );
  const [updated] = await services.db
    .update(deployments)
    .set({
      versionId: version.id,
      tag: version.tag,
      httpPort: facts.httpPort ?? null,
      status: status.phase,
      lastUpdated: new Date(),
    })
    .where(eq(deployments.id, id))
    .returning();
  services.changes.deploymentsChanged();
  return view(updated ?? row, status);
}

/** Stops everything the deployment runs, then forgets it (its env, token and KV cascade). */
export async function undeploy(services: Services, id: string): Promise<void> {
  await services.driver.remove(id);
  await services.db.delete(deployments).where(eq(deployments.id, id));
  services.changes.deploymentsChanged();
}
