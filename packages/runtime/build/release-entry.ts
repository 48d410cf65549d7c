// The release bundle's entry (dist/octo.js): what only a bundle needs, then the CLI's entry.
import "./pino-paths.ts";
import { bundlePlugins } from "../src/plugin/load-plugins.ts";

// The default plugins ship inside the bundle (their SDKs stay chunks loaded on first use).
bundlePlugins({ "@octo/ai": () => import("@octo/ai") });
await import("../src/cli/entry.ts");
