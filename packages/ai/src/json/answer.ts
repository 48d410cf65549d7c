/**
 * Reads a model's JSON answer. Models asked for JSON without a schema mode sometimes wrap it in
 * a ``` fence or a sentence; the fence is unwrapped, anything else is malformed.
 */
export function parseJsonAnswer(text: string): { ok: true; value: unknown } | { ok: false; problem: string } {
  const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n?```\s*$/.exec(text);
  const body = (fenced?.[1] ?? text).trim();
  if (body === "") return { ok: false, problem: "the answer was empty" };
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch (e) {
    return { ok: false, problem: `the answer is not JSON (${(e as Error).message}): ${clip(body)}` };
  }
}

/** A model's text shortened for an error message or an event. */
export function clip(text: string, max = 200): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

/** The body as the model reads it: text as is, anything else as JSON. */
export function bodyText(body: unknown): string {
  return typeof body === "string" ? body : JSON.stringify(body ?? null);
}
