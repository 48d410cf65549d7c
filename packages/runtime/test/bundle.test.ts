// The release build (build/bundle.ts): built afresh, it must behave exactly as the CLI from sources
// (same output, same exit codes), serve `octo run`, and its pino worker files must work, so the
// artifact the image ships cannot rot unnoticed.
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUNDLE_ENTRY, buildBundle, RUNTIME_DIR } from "../build/bundle.ts";
import { PINO_WORKERS, pinoPathOverrides } from "../build/pino-workers.ts";
import { OCTO, sample } from "./octo-process.ts";

// Inside node_modules (which Biome and git ignore), so that the external packages resolve from it
// as they do from dist/.
const cache = join(RUNTIME_DIR, "node_modules", ".cache");
let dir = "";
let bundle = "";

beforeAll(async () => {
  mkdirSync(cache, { recursive: true });
  dir = mkdtempSync(join(cache, "octo-bundle-"));
  await buildBundle(dir);
  bundle = join(dir, BUNDLE_ENTRY);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function octo(bin: string, args: string[], input?: string) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    encoding: "utf8",
    ...(input === undefined ? {} : { input }),
    env: { ...process.env, OCTO_LOG_FORMAT: "json" },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function brokenConfig(): string {
  const d = mkdtempSync(join(tmpdir(), "octo-bundle-cfg-"));
  const file = join(d, "broken.yaml");
  writeFileSync(
    file,
    "flows:\n  - name: main\n    workerz: 2\n    process:\n      - type: set-payloud\n        settings: { value: '1' }\n",
  );
  return file;
}

// Each case runs the CLI twice (bundle, sources): a few seconds on a busy machine.
describe("release bundle", { timeout: 30_000 }, () => {
  it("builds an entry with its chunks, source maps and pino's worker files", () => {
    expect(readFileSync(bundle, "utf8")).toMatch(/^#!\/usr\/bin\/env node\n/);
    for (const w of Object.values(PINO_WORKERS)) expect(existsSync(join(dir, w.file))).toBe(true);
    expect(existsSync(`${bundle}.map`)).toBe(true);
  });

  it("invoke and validate print what the CLI from sources prints, with the same exit codes", () => {
    const hello = sample("hello-invoke", "hello-invoke.yaml");
    const cases: [string[], string?][] = [
      [["invoke", "-c", hello, "-f", "greet"], '{"name":"Ada"}'],
      [["invoke", "-c", hello, "-f", "greet", "-d", "{}"]],
      [["validate", "-c", hello]],
      [["validate", "-c", brokenConfig()]],
    ];
    const fromBundle = cases.map(([args, input]) => octo(bundle, args, input));
    expect(fromBundle).toEqual(cases.map(([args, input]) => octo(OCTO, args, input)));
    // The comparison is only worth something if the commands did their work.
    expect(fromBundle[0]).toMatchObject({ status: 0, stdout: '{"greeting":"hello, Ada!"}\n' });
    expect(fromBundle[1]).toMatchObject({ status: 1, stderr: expect.stringMatching(/flow greet failed/) });
    expect(fromBundle[3]).toMatchObject({
      status: 1,
      stderr: expect.stringMatching(/unknown key "workerz"/),
    });
  });

  it("serves a sample with `run` (its own chunk), probes and cron included, and stops on SIGTERM", async () => {
    const server = spawn(process.execPath, [bundle, "run", "-c", sample("hello-world")], {
      env: {
        ...process.env,
        GREETING_SCHEDULE: "@every 1s",
        OCTO_MANAGEMENT_PORT: "0",
        OCTO_MANAGEMENT_HOST: "127.0.0.1",
        OCTO_LOG_FORMAT: "json",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    server.stderr.on("data", (d: Buffer) => {
      output += d.toString("utf8");
    });
    const exited = once(server, "exit");
    try {
      await expect.poll(() => output, { timeout: 15_000 }).toMatch(/>>> Hello, /);
      const port = /"management":"http:\/\/[^"]*:(\d+)"/.exec(output)?.[1];
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
      server.kill("SIGTERM");
      expect(await exited).toEqual([0, null]);
    } finally {
      server.kill("SIGKILL");
    }
  });

  it("pino's worker-thread transports run from the bundle's worker files", () => {
    const log = join(dir, "transport.log");
    // Two targets: pino's own worker fans out to them, each in thread-stream's worker.
    const script = `
      globalThis.__bundlerPathsOverrides = ${JSON.stringify(pinoPathOverrides(dir))};
      const pino = require("pino");
      const targets = [1, 2].map((n) => ({ target: "pino/file", options: { destination: ${JSON.stringify(log)} + n } }));
      const transport = pino.transport({ targets });
      pino(transport).info("through the bundle's workers");
      transport.end();`;
    const r = spawnSync(process.execPath, ["-e", script], { cwd: RUNTIME_DIR, encoding: "utf8" });
    expect(r.stderr).toBe("");
    for (const n of [1, 2])
      expect(readFileSync(`${log}${n}`, "utf8")).toMatch(/"msg":"through the bundle's workers"/);
  });
});
