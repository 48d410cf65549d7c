import pkg from "../../package.json" with { type: "json" };

/** The release this orchestrator belongs to (every package of a release carries the same version). */
export const VERSION: string = pkg.version;
