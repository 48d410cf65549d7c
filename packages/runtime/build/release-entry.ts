// The release bundle's entry (dist/octo.js): what only a bundle needs, then the CLI's entry.
import "./pino-paths.ts";
import "../src/cli/entry.ts";
