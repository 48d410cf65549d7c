// Releases: one version for the whole repository — every package, `octo --version`, the services'
// /healthz, the image tags and the Helm chart. Plain JavaScript (runs on any Node ≥ 20).
//   node scripts/release.mjs <x.y.z> [--date YYYY-MM-DD]   stamps the version everywhere and turns
//                                                          the CHANGELOG's "Unreleased" into its entry
//   node scripts/release.mjs --check                       exit 1 when the stamps disagree
// `--root <dir>` works on another checkout (the tests use a copy). Tagging and publishing stay
// with the person releasing: the script prints the commands.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";

const SEMVER = /^(\d+)\.(\d+)\.(\d+)$/;

/** Where the version is written, and how to find and replace it in each place. */
const STAMPS = [
  // Every package.json of the workspace: the root's `"version"` line.
  { files: packageJsons, pattern: /^( {2}"version": ")([^"]+)(",?)$/m },
  { files: () => ["deploy/helm/octo/Chart.yaml"], pattern: /^(version: )(\S+)()$/m },
  { files: () => ["deploy/helm/octo/Chart.yaml"], pattern: /^(appVersion: ")([^"]+)(")$/m },
  {
    files: () => ["deploy/docker/runtime.Dockerfile", "deploy/docker/platform.Dockerfile"],
    pattern: /^(ARG OCTO_VERSION=)(\S+)()$/m,
  },
  { files: () => ["compose.yaml"], pattern: /(\$\{OCTO_VERSION:-)([^}]+)(\})/g },
];

function packageJsons(root) {
  const dirs = [".", "samples", "bench", "e2e", "deploy"];
  for (const group of ["packages", "apps"])
    for (const d of readdirSync(join(root, group), { withFileTypes: true }))
      if (d.isDirectory()) dirs.push(join(group, d.name));
  return dirs.map((d) => join(d, "package.json")).filter((f) => existsSync(join(root, f)));
}

/** Every stamp found: [{ file, version }]. */
export function stamps(root) {
  const found = [];
  for (const { files, pattern } of STAMPS)
    for (const file of files(root)) {
      const text = readFileSync(join(root, file), "utf8");
      const all = pattern.global ? [...text.matchAll(pattern)] : [pattern.exec(text)].filter(Boolean);
      if (all.length === 0) throw new Error(`${file}: no version stamp (${pattern})`);
      for (const m of all) found.push({ file, version: m[2] });
    }
  return found;
}

/** The release in CHANGELOG.md's newest "## [x.y.z] - date" heading. */
export function changelogVersion(root) {
  return /^## \[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}$/m.exec(
    readFileSync(join(root, "CHANGELOG.md"), "utf8"),
  )?.[1];
}

/** Problems with the checkout's stamps: empty when every one says the same release. */
export function check(root) {
  const expected = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;
  const problems = stamps(root)
    .filter((s) => s.version !== expected)
    .map((s) => `${s.file}: ${s.version}, not ${expected}`);
  const logged = changelogVersion(root);
  if (logged !== expected)
    problems.push(`CHANGELOG.md: newest release is ${logged ?? "none"}, not ${expected}`);
  return problems;
}

const newer = (a, b) => {
  const [x, y] = [SEMVER.exec(a), SEMVER.exec(b)].map((m) => m.slice(1).map(Number));
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] > y[i];
  return false;
};

/** Stamps `next` everywhere and moves the CHANGELOG's Unreleased notes under it. */
export function release(root, next, date) {
  if (!SEMVER.test(next)) throw new Error(`"${next}" is not a version like 1.2.3`);
  const problems = check(root);
  if (problems.length > 0)
    throw new Error(`the stamps disagree; fix them first:\n  ${problems.join("\n  ")}`);
  const current = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;
  if (!newer(next, current)) throw new Error(`${next} is not newer than the current release ${current}`);
  const changelog = join(root, "CHANGELOG.md");
  const text = readFileSync(changelog, "utf8");
  const m = /^## \[Unreleased\]\n([\s\S]*?)(?=^## \[)/m.exec(text);
  if (!m || m[1].trim() === "") throw new Error("CHANGELOG.md has nothing under ## [Unreleased] to release");
  writeFileSync(changelog, text.replace(m[0], `## [Unreleased]\n\n## [${next}] - ${date}\n${m[1]}`));
  const changed = new Set(["CHANGELOG.md"]);
  for (const { files, pattern } of STAMPS)
    for (const file of files(root)) {
      const path = join(root, file);
      writeFileSync(
        path,
        readFileSync(path, "utf8").replace(pattern, (_, a, _v, b) => `${a}${next}${b}`),
      );
      changed.add(file);
    }
  return [...changed];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const opt = (name) => {
    const i = args.indexOf(name);
    if (i < 0) return undefined;
    const [, value] = args.splice(i, 2);
    return value;
  };
  const root = opt("--root") ?? join(import.meta.dirname, "..");
  const date = opt("--date") ?? new Date().toISOString().slice(0, 10);
  try {
    if (args[0] === "--check") {
      const problems = check(root);
      for (const p of problems) console.error(`release: ${p}`);
      if (problems.length > 0) process.exit(1);
      console.log(
        `release: every stamp says ${JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version}`,
      );
    } else if (args.length === 1) {
      const changed = release(root, args[0], date);
      console.log(
        `release: ${args[0]} stamped in ${changed.length} files:\n  ${changed.map((f) => relative(root, join(root, f))).join("\n  ")}`,
      );
      console.log(
        `next: npm test, then\n  git commit -am "release ${args[0]}" && git tag v${args[0]}\n  docker build -f deploy/docker/runtime.Dockerfile -t <registry>/octo-runtime:${args[0]} .\n  docker build -f deploy/docker/platform.Dockerfile -t <registry>/octo-platform:${args[0]} .`,
      );
    } else {
      console.error("usage: node scripts/release.mjs <x.y.z> [--date YYYY-MM-DD] | --check  [--root <dir>]");
      process.exit(2);
    }
  } catch (e) {
    console.error(`release: ${e.message}`);
    process.exit(1);
  }
}
