/** Rules of the API key dialog; the orchestrator validates again and has the last word. */

export type ApiKeyScope = "read" | "write";

export const EXPIRY_CHOICES = [
  { days: 7, label: "7 days" },
  { days: 30, label: "30 days" },
  { days: 90, label: "90 days" },
  { days: 365, label: "1 year" },
] as const;
export type ExpiryDays = (typeof EXPIRY_CHOICES)[number]["days"];
export const DEFAULT_EXPIRY_DAYS: ExpiryDays = 30;
export const API_KEY_NAME_MAX = 200;

/** A key never grants more than its maker has, so write keys are offered only to writers. */
export function scopesOffered(canWrite: boolean): ApiKeyScope[] {
  return canWrite ? ["read", "write"] : ["read"];
}

export interface ApiKeyForm {
  name: string;
  scope: ApiKeyScope;
  expiryDays: number;
}

export interface ApiKeyCreateInput {
  name: string;
  scope: ApiKeyScope;
  ttlDays: number;
}

/** The field problems of the form (empty when it may be sent). */
export function apiKeyProblems(
  form: ApiKeyForm,
  canWrite: boolean,
): Partial<Record<keyof ApiKeyForm, string>> {
  const problems: Partial<Record<keyof ApiKeyForm, string>> = {};
  const name = form.name.trim();
  if (name === "") problems.name = "is required";
  else if (name.length > API_KEY_NAME_MAX) problems.name = `must be at most ${API_KEY_NAME_MAX} characters`;
  if (!scopesOffered(canWrite).includes(form.scope)) problems.scope = "you may only create read keys";
  if (!EXPIRY_CHOICES.some((c) => c.days === form.expiryDays))
    problems.expiryDays = "choose one of the offered expiries";
  return problems;
}

/** The orchestrator's apiKeys.create input for a valid form, or undefined. */
export function apiKeyCreateInput(form: ApiKeyForm, canWrite: boolean): ApiKeyCreateInput | undefined {
  if (Object.keys(apiKeyProblems(form, canWrite)).length > 0) return undefined;
  return { name: form.name.trim(), scope: form.scope, ttlDays: form.expiryDays };
}

/** How a key is recognised without its secret part: `octo_ab…wxyz`. */
export function keyDisplay(prefix: string, last4: string): string {
  return `${prefix}…${last4}`;
}
