import type { Outline } from "../model/outline.ts";

/** What a secret's value is replaced with: validation sees that it is set, never what it is. */
export const SECRET_STAND_IN = "secret-set-in-dev-env";

/**
 * The env the editor validates with: the dev .env values of the vars the document declares. A
 * secret's value stays in the browser (a validation is a GET whose input is in the URL); a
 * stand-in says it is set. Values of undeclared names and empty values are left out.
 */
export function validationEnvOf(
  outline: Pick<Outline, "env">,
  values: Readonly<Record<string, string>>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const v of outline.env) {
    const value = v.name ? values[v.name] : undefined;
    if (v.name && value) env[v.name] = v.secret ? SECRET_STAND_IN : value;
  }
  return env;
}
