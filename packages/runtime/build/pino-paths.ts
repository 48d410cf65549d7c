// Evaluated first in dist/octo.js (before the CLI): pino finds its worker files beside the bundle.
import { pinoPathOverrides } from "./pino-workers.ts";

const g = globalThis as { __bundlerPathsOverrides?: Record<string, string> };
g.__bundlerPathsOverrides = { ...g.__bundlerPathsOverrides, ...pinoPathOverrides(import.meta.dirname) };
