/** Composite blocks need booleans and lists from their expressions; say clearly when they get something else. */
export function expectBool(value: unknown, what: string): boolean {
  if (typeof value === "boolean") return value;
  throw new Error(`${what} must be true or false, got ${JSON.stringify(value) ?? "undefined"}`);
}

export function expectList(value: unknown, what: string): unknown[] {
  if (Array.isArray(value)) return value;
  throw new Error(`${what} must be a list, got ${value === null ? "null" : typeof value}`);
}
