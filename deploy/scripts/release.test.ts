// One version everywhere: the checkout's stamps agree, and scripts/release.mjs moves all of them
// (and the CHANGELOG) to the next release in a copy of the checkout.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { check, stamps } from "../../scripts/release.mjs";

const root = join(import.meta.dirname, "..", "..");
const script = join(root, "scripts/release.mjs");
let copy: string;

beforeEach(() => {
  copy = mkdtempSync(join(tmpdir(), "octo-release-"));
  for (const file of new Set([...stamps(root).map((s) => s.file), "CHANGELOG.md"])) {
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    cpSync(join(root, file), join(copy, file));
  }
  for (const group of ["packages", "apps"]) mkdirSync(join(copy, group), { recursive: true });
});
afterEach(() => rmSync(copy, { recursive: true, force: true }));

const release = (...args: string[]) => {
  const r = spawnSync(process.execPath, [script, ...args, "--root", copy], { encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const version = (dir: string) =>
  JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).version as string;

it("the checkout says one version everywhere: packages, images, compose, chart, CHANGELOG", () => {
  expect(check(root)).toEqual([]);
  const files = new Set(stamps(root).map((s) => s.file));
  const where = ["package.json", "packages/runtime/package.json", "apps/orchestrator/package.json"];
  where.push("apps/web/package.json", "deploy/helm/octo/Chart.yaml", "compose.yaml");
  where.push("deploy/docker/runtime.Dockerfile", "deploy/docker/platform.Dockerfile");
  for (const f of where) expect(files).toContain(f);
  expect(stamps(root).filter((s) => s.file === "compose.yaml").length).toBeGreaterThanOrEqual(3);
});

it("stamps the next version everywhere and turns Unreleased into its entry", () => {
  const changelog = join(copy, "CHANGELOG.md");
  writeFileSync(
    changelog,
    readFileSync(changelog, "utf8").replace("## [Unreleased]\n", "## [Unreleased]\n\n### Fixed\n- a thing\n"),
  );
  const before = version(copy);
  const [major, minor] = before.split(".").map(Number);
  const next = `${major}.${(minor ?? 0) + 1}.0`;
  const r = release(next, "--date", "2027-01-15");
  expect(r.err).toBe("");
  expect(r.code).toBe(0);
  expect(r.out).toContain(`git tag v${next}`);
  expect(stamps(copy).every((s) => s.version === next)).toBe(true);
  expect(check(copy)).toEqual([]);
  const text = readFileSync(changelog, "utf8");
  expect(text).toContain(
    `## [Unreleased]\n\n## [${next}] - 2027-01-15\n\n### Fixed\n- a thing\n\n## [${before}]`,
  );
  expect(release("--check").code).toBe(0);
});

it("refuses a version that is not newer, not a version, or with nothing to release", () => {
  const current = version(copy);
  expect(release(current)).toMatchObject({
    code: 1,
    err: `release: ${current} is not newer than the current release ${current}\n`,
  });
  expect(release("1.2")).toMatchObject({ code: 1, err: 'release: "1.2" is not a version like 1.2.3\n' });
  expect(release("99.0.0").err).toBe("release: CHANGELOG.md has nothing under ## [Unreleased] to release\n");
  expect(stamps(copy).every((s) => s.version === current)).toBe(true);
  expect(release().code).toBe(2);
});

it("--check names every stamp that disagrees", () => {
  const chart = join(copy, "deploy/helm/octo/Chart.yaml");
  writeFileSync(chart, readFileSync(chart, "utf8").replace(/^appVersion: ".*"$/m, 'appVersion: "9.9.9"'));
  const r = release("--check");
  expect(r.code).toBe(1);
  expect(r.err).toBe(`release: deploy/helm/octo/Chart.yaml: 9.9.9, not ${version(copy)}\n`);
  expect(release("99.0.0").err).toContain("the stamps disagree");
});
