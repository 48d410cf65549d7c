/**
 * Plugins built into a release bundle, by package name: the bundle imports them through its own
 * chunks (one copy of zod and of the runtime) instead of resolving the package at run time.
 * Imports nothing: the bundle's entry registers them before the compile cache is on.
 */
export const bundled = new Map<string, () => Promise<unknown>>();

/** Called by the release bundle's entry before the CLI starts. */
export function bundlePlugins(plugins: Record<string, () => Promise<unknown>>): void {
  for (const [name, load] of Object.entries(plugins)) bundled.set(name, load);
}
