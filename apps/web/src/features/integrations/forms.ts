/**
 * The dialogs' own rules: only what a form can know before asking (a blank field). Everything
 * else (length, characters, uniqueness) is the orchestrator's to refuse, and its message is shown.
 */

/** The message for a required text field left blank, or undefined when it has text. */
export function requiredError(value: string): string | undefined {
  return value.trim() === "" ? "is required" : undefined;
}

/** What integrations.create takes. */
export interface CreateIntegrationPayload {
  name: string;
  definition?: string;
}

/** The create payload: the name trimmed, a starting definition only when one was typed. */
export function createIntegrationPayload(form: {
  name: string;
  definition: string;
}): CreateIntegrationPayload {
  const name = form.name.trim();
  return form.definition.trim() === "" ? { name } : { name, definition: form.definition };
}

/** "3 deployments", "1 deployment", "no deployments". */
export function countDeployments(count: number): string {
  if (count === 0) return "no deployments";
  return count === 1 ? "1 deployment" : `${count} deployments`;
}

/** A timestamp from the API (ISO text) as a short local date and time. */
export function formatWhen(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}
