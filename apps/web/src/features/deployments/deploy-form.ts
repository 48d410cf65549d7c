import type { CreateDeploymentInput, DeclaredVar, DeployOptions, VersionSummary } from "./types.ts";

/**
 * The deploy dialog's rules, pure: which vars are managed, required or unbound, what the slug
 * check says, and the exact create payload. The server checks all of it again and has the last word.
 */

/** Set by the platform for a networked integration; binding them is refused (env-rules.ts MANAGED_VARS). */
export const MANAGED_VARS: readonly string[] = ["HTTP_PORT", "HTTP_HOST"];
export const MIN_REPLICAS = 1;
export const MAX_REPLICAS = 20;

/** How one declared var is bound: a literal typed here, or a cluster secret by name. */
export type EnvChoice = { mode: "value"; value: string } | { mode: "secret"; secret: string };

export interface DeployFormState {
  /** "" until the user picks one: the newest version is the default. */
  versionId: string;
  /** As typed, so the field can show what is wrong with it. */
  replicas: string;
  /** null while untouched: the server's suggested free slug is used. */
  slug: string | null;
  expose: boolean;
  env: Record<string, EnvChoice>;
}

export function initialDeployForm(): DeployFormState {
  return { versionId: "", replicas: "1", slug: null, expose: false, env: {} };
}

/** The picked version if it still exists, else the newest (versions.list is newest first). */
export function selectedVersionId(
  form: DeployFormState,
  versions: readonly VersionSummary[] | undefined,
): string {
  if (!versions) return form.versionId;
  if (versions.some((v) => v.id === form.versionId)) return form.versionId;
  return versions[0]?.id ?? "";
}

/** A whole number within the API's bounds, else undefined. */
export function parseReplicas(text: string): number | undefined {
  if (!/^\s*\d+\s*$/.test(text)) return undefined;
  const n = Number(text);
  return n >= MIN_REPLICAS && n <= MAX_REPLICAS ? n : undefined;
}

export function isManaged(name: string): boolean {
  return MANAGED_VARS.includes(name);
}

/** Vars the platform sets itself: shown read-only, never bound. */
export function managedVars(options: DeployOptions | undefined): string[] {
  if (!options) return [];
  // options.envVars already leaves these out; they matter only when the platform sets them.
  const declared = options.envVars.filter((v) => isManaged(v.name)).map((v) => v.name);
  return [...new Set([...(options.networked ? MANAGED_VARS : []), ...declared])];
}

/** Vars the user binds, in the server's order. */
export function bindableVars(options: DeployOptions | undefined): DeclaredVar[] {
  return (options?.envVars ?? []).filter((v) => !isManaged(v.name));
}

/** The current choice for a var; a var declared `secret: true` starts as a secret binding. */
export function choiceFor(form: DeployFormState, v: DeclaredVar): EnvChoice {
  return form.env[v.name] ?? (v.secret ? { mode: "secret", secret: "" } : { mode: "value", value: "" });
}

/** What a choice binds, or undefined when it binds nothing (the declared default then applies). */
export function bindingOf(choice: EnvChoice): { value: string } | { secret: string } | undefined {
  if (choice.mode === "secret") return choice.secret !== "" ? { secret: choice.secret } : undefined;
  return choice.value !== "" ? { value: choice.value } : undefined;
}

/** Required vars without a binding; as in the runtime, a declared default does not count. */
export function unboundRequired(form: DeployFormState, options: DeployOptions | undefined): string[] {
  return bindableVars(options)
    .filter((v) => v.required && bindingOf(choiceFor(form, v)) === undefined)
    .map((v) => v.name);
}

/** deployments.options answered for one typed slug. */
export interface SlugCheck {
  /** The slug as typed when the check was asked for. */
  slug: string;
  result?: { slug: string; slugValid: boolean; slugAvailable: boolean } | undefined;
  error?: unknown;
}

export type SlugState =
  | { kind: "none" }
  /** Untouched: the server's suggestion, free when the options were read. */
  | { kind: "suggested"; slug: string }
  /** Left blank: the server picks a free slug when deploying. */
  | { kind: "auto"; slug: string }
  | { kind: "checking" }
  | { kind: "available"; slug: string }
  | { kind: "taken"; slug: string }
  | { kind: "invalid" }
  | { kind: "error"; error: unknown };

/** The slug fields of an options answer, when the version is networked. */
export function slugResultOf(options: DeployOptions | undefined): SlugCheck["result"] {
  if (!options || !("slug" in options)) return undefined;
  return { slug: options.slug, slugValid: options.slugValid, slugAvailable: options.slugAvailable };
}

/** Where the slug stands, from the version's options and the latest check of the typed slug. */
export function slugState(
  form: DeployFormState,
  options: DeployOptions | undefined,
  check: SlugCheck | undefined,
): SlugState {
  const suggestion = slugResultOf(options);
  if (!options?.networked || !suggestion) return { kind: "none" };
  if (form.slug === null)
    return suggestion.slugAvailable
      ? { kind: "suggested", slug: suggestion.slug }
      : { kind: "taken", slug: suggestion.slug };
  if (form.slug.trim() === "") return { kind: "auto", slug: suggestion.slug };
  // A check for an older keystroke says nothing about what is typed now.
  if (!check || check.slug !== form.slug) return { kind: "checking" };
  if (check.error) return { kind: "error", error: check.error };
  if (!check.result) return { kind: "checking" };
  if (!check.result.slugValid) return { kind: "invalid" };
  if (!check.result.slugAvailable) return { kind: "taken", slug: check.result.slug };
  return { kind: "available", slug: check.result.slug };
}

/** The slug the deployment will get, as far as the dialog knows. */
export function effectiveSlug(state: SlugState): string | undefined {
  return "slug" in state ? state.slug : undefined;
}

/** The in-cluster service name of a networked deployment (driver contract: `octo-int-<slug>`). */
export function internalServiceName(slug: string): string {
  return `octo-int-${slug}`;
}

/** The orchestrator's BASE_DOMAIN, as deployments.options reports it; null: exposing is off (or no address). */
export function baseDomainOf(options: DeployOptions | undefined): string | null {
  return options && "baseDomain" in options ? options.baseDomain : null;
}

/** Exposing needs an address (a networked version) and a BASE_DOMAIN on the orchestrator. */
export function canExpose(options: DeployOptions | undefined): boolean {
  return options?.networked === true && baseDomainOf(options) !== null;
}

/** The URL the server gives an exposed deployment (service.ts: https://<subdomain>.<BASE_DOMAIN>). */
export function exposedUrl(slug: string, baseDomain: string): string {
  return `https://${slug}.${baseDomain}`;
}

export interface DeployContext {
  form: DeployFormState;
  versionId: string;
  options: DeployOptions | undefined;
  slug: SlugState;
}

/** Why Deploy is disabled, in words; empty when it may be pressed. */
export function deployProblems({ form, versionId, options, slug }: DeployContext): string[] {
  if (versionId === "") return ["Tag a version first."];
  const problems: string[] = [];
  if (parseReplicas(form.replicas) === undefined)
    problems.push(`Replicas must be a whole number from ${MIN_REPLICAS} to ${MAX_REPLICAS}.`);
  if (!options) return [...problems, "The version's settings are not loaded yet."];
  if (slug.kind === "checking") problems.push("The slug is still being checked.");
  if (slug.kind === "taken") problems.push(`The slug ${slug.slug} is taken.`);
  if (slug.kind === "invalid") problems.push("The slug needs at least one letter or digit.");
  if (slug.kind === "error") problems.push("The slug could not be checked.");
  for (const name of unboundRequired(form, options))
    problems.push(`${name} is required: bind a value or a secret.`);
  return problems;
}

/** The deployments.create input, or undefined while something blocks the deploy. */
export function buildCreateInput(
  integrationId: string,
  context: DeployContext,
): CreateDeploymentInput | undefined {
  if (deployProblems(context).length > 0) return undefined;
  const { form, versionId, options, slug } = context;
  const replicas = parseReplicas(form.replicas) as number;
  const env: Record<string, { value: string } | { secret: string }> = {};
  for (const v of bindableVars(options)) {
    const binding = bindingOf(choiceFor(form, v));
    if (binding) env[v.name] = binding;
  }
  const input: CreateDeploymentInput = { integrationId, versionId, replicas, env };
  // Blank: the server picks a free slug itself.
  if ((slug.kind === "suggested" || slug.kind === "available") && slug.slug) input.slug = slug.slug;
  // A stale tick (another version, or no BASE_DOMAIN) must not ask for what the toggle no longer offers.
  if (slug.kind !== "none" && form.expose && canExpose(options)) input.expose = true;
  return input;
}
