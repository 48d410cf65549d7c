// ./deploy.sh without Docker: a stand-in `docker` (and `npm`) records what the script asks of it,
// so every command's compose call is checked against compose.yaml's real services and files.
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";

const root = join(import.meta.dirname, "..", "..");
const compose = parse(readFileSync(join(root, "compose.yaml"), "utf8")) as {
  services: Record<string, { profiles?: string[] }>;
};

// A copy of what the script touches, so that .env is made in a scratch checkout, never in ours.
const work = mkdtempSync(join(tmpdir(), "octo-deploy-sh-"));
const checkout = join(work, "checkout");
const bin = join(work, "bin");
const calls = join(work, "calls");
mkdirSync(join(checkout, "scripts"), { recursive: true });
mkdirSync(join(checkout, "deploy", "compose"), { recursive: true });
for (const f of [
  "deploy.sh",
  "compose.yaml",
  ".env.example",
  "package.json",
  "scripts/smoke.sh",
  "deploy/compose/sso.yaml",
])
  cpSync(join(root, f), join(checkout, f));
mkdirSync(bin);
for (const tool of ["docker", "npm"]) {
  writeFileSync(join(bin, tool), `#!/bin/sh\nprintf '%s\\n' "${tool} $*" >> "${calls}"\n`);
  chmodSync(join(bin, tool), 0o755);
}
afterAll(() => rmSync(work, { recursive: true, force: true }));

function deploy(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync("bash", [join(checkout, "deploy.sh"), ...args], {
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, ...env },
    encoding: "utf8",
  });
  let recorded = "";
  try {
    recorded = readFileSync(calls, "utf8");
  } catch {}
  return {
    code: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    calls: recorded.trim().split("\n").filter(Boolean),
  };
}
beforeEach(() => {
  rmSync(calls, { force: true });
  rmSync(join(checkout, ".env"), { force: true });
});

const STUB_PLATFORM = `
const server = require("node:http").createServer((req, res) => {
  const body = req.url === "/healthz" ? { ok: true, service: "octo-web", version: "0.1.0" }
    : req.url === "/readyz" ? { ready: true } : { result: { data: [] } };
  res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
});
server.listen(0, "127.0.0.1", () => console.log("http://127.0.0.1:" + server.address().port));`;

/** The services named at the end of an `up` call. */
const upServices = (call: string | undefined) =>
  call
    ?.split(" up ")[1]
    ?.split(" ")
    .filter((w) => !w.startsWith("-") && !/^\d+$/.test(w)) ?? [];

describe("./deploy.sh dev", () => {
  it("starts the core services of compose.yaml, tagged with the checkout's version, after writing .env", () => {
    const r = deploy(["dev"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.calls).toEqual([
      "docker compose -f compose.yaml up --detach --remove-orphans postgres orchestrator web runtime",
    ]);
    for (const s of upServices(r.calls[0])) {
      expect(compose.services[s], s).toBeDefined();
      expect(compose.services[s]?.profiles, `${s} needs no profile`).toBeUndefined();
    }
    // Every service without a profile is started.
    const core = Object.entries(compose.services)
      .filter(([, s]) => !s.profiles)
      .map(([n]) => n);
    expect(upServices(r.calls[0]).sort()).toEqual(core.sort());
    expect(r.stdout).toContain(
      `Octo ${JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version}`,
    );
  });

  it("fills every empty setting of .env.example with a fresh random value, and never rewrites .env", () => {
    deploy(["dev"]);
    const env = readFileSync(join(checkout, ".env"), "utf8");
    const example = readFileSync(join(checkout, ".env.example"), "utf8");
    const empty = [...example.matchAll(/^([A-Z_][A-Z0-9_]*)=$/gm)].map((m) => m[1] as string);
    expect(empty).toContain("OCTO_ENCRYPTION_KEY");
    const values = Object.fromEntries(
      [...env.matchAll(/^([A-Z_][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1], m[2]]),
    );
    for (const key of empty) expect(values[key], key).toMatch(/^[A-Za-z0-9+/=]{16,}$/);
    expect(Buffer.from(values.OCTO_ENCRYPTION_KEY ?? "", "base64")).toHaveLength(32);
    expect(values.POSTGRES_PASSWORD).toMatch(/^[0-9a-f]{48}$/); // it goes into a URL
    // The comments stay, so .env explains itself.
    expect(env.split("\n").filter((l) => l.startsWith("#"))).toEqual(
      example.split("\n").filter((l) => l.startsWith("#")),
    );
    writeFileSync(join(checkout, ".env"), "POSTGRES_PASSWORD=mine\n");
    deploy(["dev"]);
    expect(readFileSync(join(checkout, ".env"), "utf8")).toBe("POSTGRES_PASSWORD=mine\n");
  });

  it("passes --build, --wait with its timeout, and adds the sso and observability profiles", () => {
    const r = deploy(["dev", "--build", "--sso", "--observability"]);
    expect(r.calls[0]).toBe(
      "docker compose -f compose.yaml -f deploy/compose/sso.yaml --profile sso --profile observability up --detach --remove-orphans --build postgres orchestrator web runtime oidc prometheus grafana",
    );
    for (const s of ["oidc", "prometheus", "grafana"])
      expect(compose.services[s]?.profiles?.length, s).toBe(1);
    expect(compose.services.oidc?.profiles).toEqual(["sso"]);
    expect(compose.services.grafana?.profiles).toEqual(["observability"]);
  });

  it("with --wait, runs the smoke test against the web app once the stack is healthy", async () => {
    const failing = deploy(["dev", "--wait", "--timeout", "30"], { OCTO_WEB_URL: "http://127.0.0.1:9" });
    expect(failing.calls[0]).toContain("up --detach --remove-orphans --wait --wait-timeout 30 ");
    expect(failing.code).toBe(1);
    expect(failing.stderr).toMatch(/✗ GET \/healthz/);
    // A stand-in platform (another process: deploy() blocks this one) that answers like an open one.
    const stub = spawn(process.execPath, ["-e", STUB_PLATFORM], { stdio: ["ignore", "pipe", "inherit"] });
    try {
      const [line] = (await once(stub.stdout, "data")) as [Buffer];
      const r = deploy(["dev", "--wait"], { OCTO_WEB_URL: line.toString().trim() });
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("✓ /healthz: octo-web 0.1.0");
      expect(r.stdout).toContain("(open mode, allowed by --allow-open)");
    } finally {
      stub.kill();
    }
  });

  it("refuses unknown options and a timeout that is not a number, before calling Docker", () => {
    for (const args of [
      ["dev", "--fast"],
      ["dev", "--timeout", "soon"],
      ["dev", "--timeout"],
    ]) {
      const r = deploy(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(/^deploy\.sh: /);
      expect(r.calls).toEqual([]);
    }
  });

  it("says what to do when Docker is missing", () => {
    const r = deploy(["dev"], { DOCKER: "no-such-docker" });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("'no-such-docker' not found");
    expect(r.stderr).toContain("npm start");
  });
});

describe("the other commands", () => {
  it.each([
    [["infra"], "docker compose -f compose.yaml up --detach --wait postgres"],
    [
      ["down"],
      "docker compose -f compose.yaml -f deploy/compose/sso.yaml --profile sso --profile observability down --remove-orphans",
    ],
    [["logs"], "docker compose -f compose.yaml logs --follow --tail 200"],
    [["logs", "web"], "docker compose -f compose.yaml logs --follow --tail 200 web"],
    [
      ["status"],
      "docker compose -f compose.yaml ps --all --format table {{.Service}}\\t{{.State}}\\t{{.Health}}\\t{{.Ports}}",
    ],
    [["check"], "npm run -s check"],
    [["test"], "npm test"],
  ])("%j", (args, call) => {
    const r = deploy(args);
    expect(r.code, r.stderr).toBe(0);
    expect(r.calls).toEqual([call]);
  });

  it("names only services compose.yaml has", () => {
    expect(compose.services.postgres).toBeDefined();
    expect(compose.services.web).toBeDefined();
  });

  it("npm run check is the project's check (static checks and tests without the browser)", () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
    expect(pkg.scripts.check).toBe("node scripts/bootstrap.mjs check");
    expect(readFileSync(join(root, "scripts/bootstrap.mjs"), "utf8")).toContain(
      'check: ["node", "scripts/test.mjs", "--no-e2e"]',
    );
  });

  it("help lists every command; an unknown one is refused with the help", () => {
    const help = deploy(["help"]);
    expect(help.code).toBe(0);
    for (const c of [
      "dev [--build] [--wait] [--timeout s]",
      "infra",
      "down",
      "check",
      "test",
      "logs [service]",
      "status",
      "help",
    ])
      expect(help.stdout).toContain(`  ${c}`);
    expect(deploy([]).stdout).toBe(help.stdout);
    const wrong = deploy(["deploy"]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("unknown command 'deploy'");
    expect(wrong.stderr).toContain("Usage: ./deploy.sh");
  });
});

it("deploy.sh and scripts/smoke.sh pass ShellCheck", () => {
  const r = spawnSync("shellcheck", [join(root, "deploy.sh"), join(root, "scripts/smoke.sh")], {
    encoding: "utf8",
  });
  expect(r.error, "shellcheck is missing: apt-get install shellcheck (.ci/run does)").toBeUndefined();
  expect(r.stdout + r.stderr).toBe("");
  expect(r.status).toBe(0);
});
