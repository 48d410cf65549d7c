import { statSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { watch } from "chokidar";
import { isIntegrationFile } from "../config/load.ts";

/** Files whose change means the config changed: the YAML files it loads and the `.env` beside. */
export function configFileFilter(configPath: string): { dir: string; relevant(file: string): boolean } {
  const abs = resolve(configPath);
  const isDir = statSync(abs).isDirectory();
  const dir = isDir ? abs : dirname(abs);
  return {
    dir,
    relevant(file) {
      const f = resolve(file);
      if (dirname(f) !== dir) return false;
      if (basename(f) === ".env") return true;
      if (!isDir) return f === abs;
      return isIntegrationFile(f);
    },
  };
}

/**
 * Calls `onChange` after the config's files change, once per burst of events: editors save
 * through temp files and renames, and `git checkout` touches many files at once. chokidar turns
 * those into clean add/change/unlink events; the debounce collapses a burst into one reload.
 */
export async function watchConfig(
  configPath: string,
  onChange: () => void,
  opts: { debounceMs?: number; onError?: (e: unknown) => void } = {},
): Promise<() => Promise<void>> {
  const { dir, relevant } = configFileFilter(configPath);
  const debounceMs = opts.debounceMs ?? 150;
  let timer: NodeJS.Timeout | undefined;
  const watcher = watch(dir, {
    depth: 0,
    ignoreInitial: true,
    ignored: (path, stats) => path !== dir && (stats?.isDirectory() === true || !relevant(path)),
  });
  watcher.on("all", (_event, path) => {
    if (!relevant(path)) return;
    clearTimeout(timer);
    timer = setTimeout(onChange, debounceMs);
  });
  watcher.on("error", (e) => opts.onError?.(e));
  await new Promise<void>((r) => watcher.once("ready", () => r()));
  return async () => {
    clearTimeout(timer);
    await watcher.close();
  };
}
