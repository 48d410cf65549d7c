#!/usr/bin/env node
// Bootstrap: runs on the machine's Node (>= 20), makes sure the project's toolchain
// (Node 24 + pnpm 10) is present in .toolchain/, installs dependencies from the frozen
// lockfile, then runs the real command under Node 24. Plain JavaScript on purpose.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const toolchain = join(root, ".toolchain");
const bin = join(toolchain, "node_modules", ".bin");
const NODE_MAJOR = 24;
const PNPM_MAJOR = 10;

const commands = {
  start: ["node", "scripts/start.mjs"],
  test: ["node", "scripts/test.mjs"],
  check: ["node", "scripts/test.mjs", "--no-e2e"],
  octo: ["node", "packages/runtime/bin/octo.js"],
};

function fail(message) {
  console.error(`bootstrap: ${message}`);
  process.exit(1);
}

// Set-up steps print to stderr so stdout stays the command's own (octo invoke prints JSON).
function run(cmd, args, env, stdio = ["inherit", 2, 2]) {
  const r = spawnSync(cmd, args, { cwd: root, stdio, env });
  if (r.error) fail(`${cmd}: ${r.error.message}`);
  return r.status ?? 1;
}

function versionOf(file) {
  if (!existsSync(file)) return null;
  const r = spawnSync(file, ["--version"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim().replace(/^v/, "") : null;
}

function ensureToolchain() {
  const node = versionOf(join(bin, "node"));
  const pnpm = versionOf(join(bin, "pnpm"));
  const ok = (v, major) => v !== null && Number(v.split(".")[0]) === major;
  if (ok(node, NODE_MAJOR) && ok(pnpm, PNPM_MAJOR)) return;
  console.error(`bootstrap: installing node@${NODE_MAJOR} and pnpm@${PNPM_MAJOR} into .toolchain/ …`);
  mkdirSync(toolchain, { recursive: true });
  const status = run("npm", [
    "install",
    "--prefix",
    toolchain,
    "--no-audit",
    "--no-fund",
    "--loglevel=error",
    `node@${NODE_MAJOR}`,
    `pnpm@${PNPM_MAJOR}`,
  ]);
  if (status !== 0) fail("could not install the toolchain from the npm registry");
  if (!ok(versionOf(join(bin, "node")), NODE_MAJOR)) fail(`.toolchain/ has no working node ${NODE_MAJOR}`);
}

// pnpm install is skipped when the lockfile has not changed since the last install.
function ensureDependencies(env) {
  const lock = join(root, "pnpm-lock.yaml");
  if (!existsSync(lock)) fail("pnpm-lock.yaml is missing");
  const stamp = join(root, "node_modules", ".octo-lock-hash");
  const hash = createHash("sha256").update(readFileSync(lock)).digest("hex");
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === hash) return;
  const status = run(join(bin, "pnpm"), ["install", "--frozen-lockfile", "--reporter=append-only"], env);
  if (status !== 0) fail("pnpm install --frozen-lockfile failed");
  writeFileSync(stamp, hash);
}

const [name, ...rest] = process.argv.slice(2);
const command = commands[name];
if (!command) fail(`unknown command "${name}"; use one of: ${Object.keys(commands).join(", ")}`);

ensureToolchain();
const env = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ""}` };
ensureDependencies(env);
const [cmd, ...args] = command;
process.exit(run(cmd === "node" ? join(bin, "node") : cmd, [...args, ...rest], env, "inherit"));
