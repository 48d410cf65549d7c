import type { DevEnvStorage } from "./run-model.ts";

/** A Storage stand-in for tests that shows what was stored. */
export function memoryStorage(initial: Record<string, string> = {}): DevEnvStorage & {
  data: Map<string, string>;
} {
  const data = new Map(Object.entries(initial));
  return {
    data,
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => {
      data.set(key, value);
    },
    removeItem: (key) => {
      data.delete(key);
    },
  };
}
