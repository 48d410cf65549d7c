/**
 * A value built on first use. The plugin's zod schemas cost ~20 ms to build; every `octo invoke`
 * loads the plugin, and only configs that use an AI block or connection should pay for them.
 */
export function once<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= build();
    return value;
  };
}
