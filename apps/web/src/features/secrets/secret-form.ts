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

/**
 * The delete flow: a plain confirm first; only after the orchestrator answers that deployments use
 * the secret does it offer deleting anyway, which is the only step that sends `force: true`.
 */
export type DeleteFlow =
  | { step: "closed" }
  | { step: "confirm"; name: string }
  | { step: "in-use"; name: string; deploymentIds: string[] };

export function deleteRequest(flow: DeleteFlow): { name: string; force: boolean } | undefined {
  if (flow.step === "closed") return undefined;
  return { name: flow.name, force: flow.step === "in-use" };
}

const IN_USE_PREFIX = "secret is in use by a deployment:";

/** The deployments a CONFLICT answer names, or undefined when the error is not "in use". */
export function inUseDeployments(error: unknown): string[] | undefined {
  if (!error || typeof error !== "object") return undefined;
  const code = (error as { data?: { code?: unknown } }).data?.code;
  const message = (error as { message?: unknown }).message;
  if (code !== "CONFLICT" || typeof message !== "string") return undefined;
  const at = message.indexOf(IN_USE_PREFIX);
  if (at < 0) return [];
  return message
    .slice(at + IN_USE_PREFIX.length)
    .split(",")
    .map((id) => id.trim())
    .filter((id) => id !== "");
}

/**
 * Where the flow goes after a delete call. Success closes it; "in use" moves a first attempt to
 * the in-use step; any other failure stays put so the dialog shows the error.
 */
export function afterDelete(
  flow: DeleteFlow,
  outcome: { ok: true } | { ok: false; error: unknown },
): DeleteFlow {
  if (outcome.ok || flow.step === "closed") return { step: "closed" };
  if (flow.step === "confirm") {
    const ids = inUseDeployments(outcome.error);
    if (ids !== undefined) return { step: "in-use", name: flow.name, deploymentIds: ids };
  }
  return flow;
}
