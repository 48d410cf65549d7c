/**
 * Rules of the secrets page. The name check mirrors the orchestrator's message so the hint reads the
 * same as a refusal would; the orchestrator still validates every call.
 */

export const SECRET_NAME_MAX = 128;
const SECRET_NAME_PATTERN = /^[A-Z_][A-Z0-9_]*$/;
export const SECRET_NAME_HINT = "UPPER_SNAKE_CASE: A-Z, 0-9 and _, not starting with a digit.";

/** Secret names are env var names: typing lowercase is almost always meant as uppercase. */
export function normalizeSecretName(raw: string): string {
  return raw.trim().toUpperCase();
}

/** Why `name` cannot be saved as a new secret, or undefined when it can. */
export function secretNameProblem(name: string, existingNames: readonly string[]): string | undefined {
  if (name === "") return "is required";
  if (name.length > SECRET_NAME_MAX) return `must be at most ${SECRET_NAME_MAX} characters`;
  if (!SECRET_NAME_PATTERN.test(name))
    return "must be UPPER_SNAKE_CASE (A-Z, 0-9, _; not starting with a digit)";
  if (existingNames.includes(name)) return "already exists: use “Set value” on its row to replace the value";
  return undefined;
}

export type SecretDialogMode = { kind: "create" } | { kind: "update"; name: string };

/** Save is offered once there is a usable name (fixed when updating) and a non-empty value. */
export function canSaveSecret(
  mode: SecretDialogMode,
  name: string,
  hasValue: boolean,
  existingNames: readonly string[],
): boolean {
  if (!hasValue) return false;
  return mode.kind === "update" || secretNameProblem(name, existingNames) === undefined;
}

/** A deployment that binds a secret, as secrets.list reports it. */
export interface SecretUser {
  id: string;
  name: string;
}

/**
 * The delete flow. An unused secret gets a plain confirm (force: false); one the list shows in use
 * opens on the in-use warning, whose "Delete anyway" is the only step that sends `force: true`.
 * The in-use step holds no deployments: the view reads them from the current list, so a refetch
 * (after a CONFLICT) shows who bound the secret meanwhile.
 */
export type DeleteFlow =
  | { step: "closed" }
  | { step: "confirm"; name: string }
  | { step: "in-use"; name: string };

/** Where deleting `secret` starts: the in-use warning up front when deployments bind it. */
export function startDelete(secret: { name: string; usedBy: readonly SecretUser[] }): DeleteFlow {
  return secret.usedBy.length > 0
    ? { step: "in-use", name: secret.name }
    : { step: "confirm", name: secret.name };
}

export function deleteRequest(flow: DeleteFlow): { name: string; force: boolean } | undefined {
  if (flow.step === "closed") return undefined;
  return { name: flow.name, force: flow.step === "in-use" };
}

/** The orchestrator refuses an unforced delete of a bound secret with CONFLICT. */
export function isInUse(error: unknown): boolean {
  if (!error || typeof error !== "object") return false;
  return (error as { data?: { code?: unknown } }).data?.code === "CONFLICT";
}

/**
 * Where the flow goes after a delete call. Success closes it; "in use" (someone bound the secret
 * since the list was read) moves a plain confirm to the in-use step; any other failure stays put so
 * the dialog shows the error.
 */
export function afterDelete(
  flow: DeleteFlow,
  outcome: { ok: true } | { ok: false; error: unknown },
): DeleteFlow {
  if (outcome.ok || flow.step === "closed") return { step: "closed" };
  if (flow.step === "confirm" && isInUse(outcome.error)) return { step: "in-use", name: flow.name };
  return flow;
}
