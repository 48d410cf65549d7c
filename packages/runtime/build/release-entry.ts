// The release bundle's entry (dist/octo.js): what only a bundle needs, then the CLI's entry.
// Modules evaluate in this order, and only cheap ones come before entry.ts (it turns the compile
// cache on before the bulk of the code is compiled).
import "./pino-paths.ts";
import "./default-plugins.ts";
import "../src/cli/entry.ts";
