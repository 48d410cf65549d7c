// The two images, checked without Docker: each Dockerfile parsed (dockerfile-ast) and held to the
// rules operators rely on; the build context as .dockerignore cuts it; and the files the images
// run (the runtime bundle's assembly, `octo`, `octo-healthcheck`) exercised here, outside a container.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import type { Ignore } from "@balena/dockerignore";
import dockerignoreModule from "@balena/dockerignore";
import { CONFIG_DIR, MANAGEMENT_PORT } from "@octo/k8s/render";
import { type Dockerfile, DockerfileParser, type Instruction } from "dockerfile-ast";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXTERNAL as BUNDLE_EXTERNAL, buildBundle } from "../../packages/runtime/build/bundle.ts";
import { assembleRuntime, EXTERNAL } from "./runtime-bundle.ts";

const root = join(import.meta.dirname, "..", "..");
const rootPackage = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const IMAGES = ["runtime", "platform"] as const;

function parse(name: string): Dockerfile {
  return DockerfileParser.parse(readFileSync(join(import.meta.dirname, `${name}.Dockerfile`), "utf8"));
}
const args = (i: Instruction) => i.getArguments().map((a) => a.getValue());
/** The instructions of the last stage (what the image is). */
function finalStage(d: Dockerfile): Instruction[] {
  const all = d.getInstructions();
  const lastFrom = all.findLastIndex((i) => i.getKeyword() === "FROM");
  return all.slice(lastFrom);
}
const defaultOf = (d: Dockerfile, name: string) =>
  d
    .getInstructions()
    .filter((i) => i.getKeyword() === "ARG")
    .map((i) => args(i)[0] ?? "")
    .find((a) => a.startsWith(`${name}=`))
    ?.slice(name.length + 1);
/** An exec-form instruction's words (`["a", "b"]`). */
const execForm = (i: Instruction | undefined) =>
  JSON.parse(i?.getArgumentsContent() ?? "null") as string[] | null;

// The package is CommonJS (`module.exports = factory`) while its types declare a default export.
const ignore = dockerignoreModule as unknown as () => Ignore;
const dockerignore = ignore().add(readFileSync(join(root, ".dockerignore"), "utf8"));
/** Every file `docker build .` would send, as paths relative to the repository. */
function buildContext(dir = root): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const rel = relative(root, join(dir, e.name));
    if (dockerignore.ignores(e.isDirectory() ? `${rel}/` : rel)) return [];
    return e.isDirectory() ? buildContext(join(dir, e.name)) : [rel];
  });
}

describe.each(IMAGES)("the %s image", (name) => {
  const d = parse(name);
  const last = finalStage(d);
  const keyword = (k: string) => last.filter((i) => i.getKeyword() === k);

  it("is multi-stage on a pinned Node of the project's major, built with the project's pnpm", () => {
    const froms = d.getFROMs();
    expect(froms.length).toBeGreaterThanOrEqual(2);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Dockerfile variable, not JavaScript's
    for (const f of froms) expect(f.getImage()).toBe("node:${NODE_VERSION}-bookworm-slim");
    const major = /^>=(\d+)$/.exec(rootPackage.engines.node)?.[1];
    expect(defaultOf(d, "NODE_VERSION")).toMatch(new RegExp(`^${major}\\.\\d+\\.\\d+$`));
    expect(`pnpm@${defaultOf(d, "PNPM_VERSION")}`).toBe(rootPackage.packageManager);
  });

  it("is stamped with the release version and runs as a user other than root", () => {
    expect(defaultOf(d, "OCTO_VERSION")).toBe(rootPackage.version);
    expect(
      keyword("LABEL")
        .map((l) => l.getArgumentsContent())
        .join(" "),
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Dockerfile variable, not JavaScript's
    ).toContain('org.opencontainers.image.version="${OCTO_VERSION}"');
    const user = keyword("USER").at(-1);
    expect(user && args(user)[0]).toMatch(/^(?!root$|0$)\w+$/);
  });

  it("copies only what exists in the build context, and runs scripts that exist", () => {
    const context = new Set(buildContext());
    for (const copy of d.getCOPYs()) {
      if (copy.getFromFlag()) continue; // from another stage
      const sources = args(copy)
        .filter((a) => !a.startsWith("--"))
        .slice(0, -1);
      for (const src of sources) {
        if (src === ".") continue;
        expect(existsSync(join(root, src)), `${name}: COPY ${src}`).toBe(true);
        expect(context.has(src), `${name}: COPY ${src} is cut by .dockerignore`).toBe(true);
      }
    }
    for (const run of d.getInstructions().filter((i) => i.getKeyword() === "RUN")) {
      for (const m of run.getArgumentsContent()?.matchAll(/\bnode ((?:[\w.-]+\/)+[\w.-]+\.m?[jt]s)\b/g) ?? [])
        expect(context.has(m[1] as string), `${name}: RUN node ${m[1]}`).toBe(true);
    }
  });

  it("has a health check through octo-healthcheck, which the final stage installs", () => {
    const [hc] = keyword("HEALTHCHECK");
    const flags = (hc as unknown as { getFlags(): { getName(): string }[] })
      .getFlags()
      .map((f) => f.getName());
    expect(flags).toEqual(expect.arrayContaining(["interval", "timeout", "start-period", "retries"]));
    const cmd = JSON.parse(hc?.getArgumentsContent()?.replace(/^[\s\S]*?CMD\s+/, "") ?? "null") as string[];
    expect(cmd[0]).toBe("octo-healthcheck");
    expect(cmd[1]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/(healthz|readyz)$/);
    const installed = keyword("COPY").map((c) => args(c).at(-1));
    expect(installed).toContain("/usr/local/bin/octo-healthcheck");
    expect(installed).toContain("/usr/local/bin/octo");
  });
});

describe("what the images run", () => {
  it("runtime: octo run on the Kubernetes driver's config dir, health on its management port", () => {
    const d = parse("runtime");
    const last = finalStage(d);
    expect(execForm(last.find((i) => i.getKeyword() === "ENTRYPOINT"))).toEqual(["octo"]);
    expect(execForm(last.find((i) => i.getKeyword() === "CMD"))).toEqual(["run", "--config", CONFIG_DIR]);
    const env = last
      .filter((i) => i.getKeyword() === "ENV")
      .map((i) => i.getArgumentsContent())
      .join(" ");
    expect(env).toContain(`OCTO_MANAGEMENT_PORT=${MANAGEMENT_PORT}`);
    const hc = last.find((i) => i.getKeyword() === "HEALTHCHECK")?.getArgumentsContent();
    expect(hc).toContain(`http://127.0.0.1:${MANAGEMENT_PORT}/healthz`);
    // What the bundle leaves out is what the image installs.
    expect(EXTERNAL).toEqual(BUNDLE_EXTERNAL);
  });

  it("platform: scripts/start.mjs serves the web app on the exposed port; readiness is the web's", () => {
    const d = parse("platform");
    const last = finalStage(d);
    const cmd = execForm(last.find((i) => i.getKeyword() === "CMD"));
    expect(cmd).toEqual(["node", "scripts/start.mjs"]);
    expect(existsSync(join(root, cmd?.[1] ?? ""))).toBe(true);
    const env = last
      .filter((i) => i.getKeyword() === "ENV")
      .map((i) => i.getArgumentsContent())
      .join(" ");
    const port = /WEB_PORT=(\d+)/.exec(env)?.[1];
    expect(last.find((i) => i.getKeyword() === "EXPOSE")?.getArgumentsContent()).toContain(port);
    expect(last.find((i) => i.getKeyword() === "HEALTHCHECK")?.getArgumentsContent()).toContain(
      `http://127.0.0.1:${port}/readyz`,
    );
    // `octo` in the platform is the bundle the build stage makes.
    expect(env).toContain("OCTO_CLI=/app/packages/runtime/dist/octo.js");
  });

  it("the build context holds the workspace but no installed, built, local or secret files", () => {
    const context = buildContext();
    for (const f of [
      "package.json",
      "pnpm-lock.yaml",
      "pnpm-workspace.yaml",
      "scripts/start.mjs",
      ".env.example",
    ])
      expect(context).toContain(f);
    const leaked = context.filter((f) =>
      /(^|\/)(node_modules|\.next|dist|\.git|\.toolchain|\.octo)\/|(^|\/)\.env$/.test(f),
    );
    expect(leaked).toEqual([]);
    const bytes = context.reduce((n, f) => n + statSync(join(root, f)).size, 0);
    expect(bytes).toBeLessThan(64 * 1024 * 1024);
  });
});

describe("the runtime image's /opt/octo, assembled and run here", () => {
  const work = mkdtempSync(join(tmpdir(), "octo-image-"));
  const out = join(work, "opt-octo");
  const env = (extra: Record<string, string> = {}) => ({
    ...process.env,
    PATH: `${dirname(process.execPath)}:${process.env.PATH}`,
    OCTO_CLI: join(out, "dist", "octo.js"),
    ...extra,
  });
  beforeAll(async () => {
    const dist = join(work, "dist");
    await buildBundle(dist);
    assembleRuntime(out, dist);
    // What the Dockerfile does next: install the externals from the registry, nothing else.
    execFileSync(
      "npm",
      ["install", "--omit=dev", "--no-audit", "--no-fund", "--no-package-lock", "--loglevel=error"],
      {
        cwd: out,
        stdio: "pipe",
      },
    );
  }, 180_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("holds the bundle and only the external packages", () => {
    const manifest = JSON.parse(readFileSync(join(out, "package.json"), "utf8"));
    expect(Object.keys(manifest.dependencies)).toEqual(EXTERNAL);
    expect(manifest.version).toBe(rootPackage.version);
    expect(existsSync(join(out, "node_modules", "pino-pretty"))).toBe(true);
    expect(existsSync(join(out, "node_modules", "zod"))).toBe(false);
  });

  it("`octo` (the image's wrapper) prints the release version and invokes a flow", () => {
    const octo = join(import.meta.dirname, "octo");
    expect(execFileSync(octo, ["--version"], { env: env(), encoding: "utf8" }).trim()).toBe(
      rootPackage.version,
    );
    const result = execFileSync(
      octo,
      [
        "invoke",
        "--config",
        join(root, "samples/builtins-demo"),
        "--flow",
        "summarize",
        "--data",
        '{"customer":"ada","orders":[{"id":1,"total":250}]}',
      ],
      { env: env(), encoding: "utf8", cwd: work },
    );
    expect(JSON.parse(result)).toMatchObject({ customer: "ADA", orders: 1 });
  });

  it("`octo run` serves, octo-healthcheck passes on its /healthz and fails on a closed port", async () => {
    const port = 19464 + Math.floor(Math.random() * 1000);
    const child = spawn(
      join(import.meta.dirname, "octo"),
      ["run", "--config", join(root, "samples/heartbeat"), "--log-format", "text"],
      {
        env: env({ OCTO_MANAGEMENT_PORT: String(port), NO_COLOR: "1" }),
        cwd: work,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let logs = "";
    child.stdout.on("data", (c) => (logs += c));
    child.stderr.on("data", (c) => (logs += c));
    const check = (url: string) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const hc = spawn(process.execPath, [join(import.meta.dirname, "healthcheck.mjs"), url], {
          stdio: ["ignore", "ignore", "pipe"],
        });
        let stderr = "";
        hc.stderr.on("data", (c) => (stderr += c));
        hc.on("exit", (code) => resolve({ code, stderr }));
      });
    try {
      let ok = await check(`http://127.0.0.1:${port}/healthz`);
      for (let i = 0; i < 100 && ok.code !== 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        ok = await check(`http://127.0.0.1:${port}/healthz`);
      }
      expect(ok, logs).toEqual({ code: 0, stderr: "" });
      const body = await (await fetch(`http://127.0.0.1:${port}/healthz`)).json();
      expect(body).toMatchObject({ ok: true, version: rootPackage.version });
      // Text logs need pino-pretty, the one external package: it resolved from /opt/octo.
      expect(logs).not.toMatch(/Cannot find (module|package)/);
      const missing = await check(`http://127.0.0.1:${port}/nope`);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/answered 404/);
    } finally {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    }
    const closed = await check(`http://127.0.0.1:${port}/healthz`);
    expect(closed.code).toBe(1);
    expect(closed.stderr).toMatch(/ECONNREFUSED/);
    expect((await check("not-a-url")).code).toBe(2);
  }, 60_000);
});
