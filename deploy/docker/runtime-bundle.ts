// Assembles the runtime image's /opt/octo from a built bundle: `node deploy/docker/runtime-bundle.ts
// <out>` copies packages/runtime/dist to <out>/dist and writes <out>/package.json naming only the
// packages the bundle leaves external (at the versions the workspace locked), so that
// `npm install --omit=dev` in <out> brings exactly those. Node runs it as it is (type stripping):
// the image's build stage has nothing else installed for it.
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";

const root = join(import.meta.dirname, "..", "..");
const runtime = join(root, "packages", "runtime");
/** The bundle's contract (packages/runtime/build/bundle.ts, EXTERNAL): required by name at run time. */
export const EXTERNAL: readonly string[] = ["pino-pretty"];

/** Writes <out>/dist (from `dist`, the built bundle) and <out>/package.json; returns the manifest. */
export function assembleRuntime(out: string, dist = join(runtime, "dist")): Record<string, unknown> {
  if (!existsSync(join(dist, "octo.js")))
    throw new Error(`${join(dist, "octo.js")} is missing; run \`pnpm --filter @octo/runtime build\` first`);
  const target = resolve(out);
  mkdirSync(target, { recursive: true });
  cpSync(dist, join(target, "dist"), { recursive: true });
  const requireFromRuntime = createRequire(join(runtime, "package.json"));
  const dependencies = Object.fromEntries(
    EXTERNAL.map((name) => [name, requireFromRuntime(`${name}/package.json`).version]),
  );
  const { version, license } = JSON.parse(readFileSync(join(runtime, "package.json"), "utf8"));
  const manifest = { name: "octo-runtime", version, license, private: true, type: "module", dependencies };
  writeFileSync(join(target, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

if (import.meta.main) {
  const out = process.argv[2];
  if (!out) {
    console.error("usage: node deploy/docker/runtime-bundle.ts <out-dir>");
    process.exit(2);
  }
  try {
    const m = assembleRuntime(out);
    console.log(`runtime-bundle: ${resolve(out)} (octo ${m.version}; external: ${EXTERNAL.join(", ")})`);
  } catch (e) {
    console.error(`runtime-bundle: ${(e as Error).message}`);
    process.exit(1);
  }
}
