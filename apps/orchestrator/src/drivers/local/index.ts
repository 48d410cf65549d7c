// The `local` deployment driver, the control plane's embedded default: every deployment is a set of
// supervised `octo run` processes on this machine behind a stable 127.0.0.1 port.
import { join, resolve } from "node:path";
import type { DeploymentDriver, DeploymentSpec, DeploymentStatus, LogLine, SecretStore } from "../types.ts";
import { Deployment } from "./deployment.ts";
import type { Backoff } from "./replica.ts";

/** Where the local driver keeps cluster secrets, and reads them back to start a process. */
export interface LocalSecrets {
  store: SecretStore;
  resolve(names: string[]): Promise<Record<string, string>>;
}

/** Secrets held in memory (tests, and a driver used without a database). */
export function memorySecrets(): LocalSecrets {
  const values = new Map<string, string>();
  return {
    store: {
      set: async (name, value) => void values.set(name, value),
      delete: async (name) => void values.delete(name),
    },
    resolve: async (names) =>
      Object.fromEntries(names.flatMap((n) => (values.has(n) ? [[n, values.get(n) as string]] : []))),
  };
}

export interface LocalDriverOptions {
  /** Deployments live in <dataDir>/deployments/<id>/integration.yaml. */
  dataDir: string;
  /** Cluster secrets (default: in memory). */
  secrets?: LocalSecrets | undefined;
  /** How to run `octo` (`run --config <dir>` is appended); default: this repository's bin/octo.js. */
  octoCommand?: string[] | undefined;
  /** Restart delays after a crash (default 500 ms doubling to 30 s, reset after 60 s up). */
  backoff?: Partial<Backoff> | undefined;
  /** SIGTERM → SIGKILL delay when stopping a replica (default 10 s). */
  graceMs?: number | undefined;
  /**
   * When a rollout or scale-down stops a replica: how long it stays out of the proxy's rotation
   * before SIGTERM, so connections already dialled to it are served (default 250 ms).
   */
  drainMs?: number | undefined;
  /** The longest apply/scale/rollout waits for one replica to become ready or fail (default 30 s). */
  startTimeoutMs?: number | undefined;
  /** Captured lines kept per deployment (default 2000). */
  logLines?: number | undefined;
}

export const DEFAULT_OCTO_COMMAND = [
  process.execPath,
  resolve(import.meta.dirname, "../../../../../packages/runtime/bin/octo.js"),
];

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** What a replica inherits from the orchestrator's env; everything else comes from the spec. */
const PASSTHROUGH = /^(PATH|HOME|USER|LANG|LC_ALL|TZ|TMPDIR|TEMP|TMP|SYSTEMROOT|NODE_.*)$/i;

/** The env a child process of ours starts from: system basics only, never the orchestrator's own settings. */
export function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && PASSTHROUGH.test(k)) env[k] = v;
  return env;
}

function checkReplicas(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`replicas must be an integer ≥ 1, not ${n}`);
}

export function createLocalDriver(options: LocalDriverOptions): DeploymentDriver {
  const backoff: Backoff = { initialMs: 500, maxMs: 30_000, resetAfterMs: 60_000, ...options.backoff };
  const deployments = new Map<string, Deployment>();
  const removals = new Map<string, Promise<void>>();
  const lastEmitted = new Map<string, string>();
  const watchers = new Set<(status: DeploymentStatus) => void>();
  const logListeners = new Map<string, Set<(line: LogLine) => void>>();
  let closed = false;

  // A listener's mistake must not break supervision (these run inside child-process callbacks).
  const emit = (status: DeploymentStatus) => {
    for (const w of [...watchers]) {
      try {
        w(status);
      } catch {}
    }
  };
  const emitLog = (id: string, line: LogLine) => {
    for (const l of [...(logListeners.get(id) ?? [])]) {
      try {
        l(line);
      } catch {}
    }
  };

  const deployment = (id: string) => {
    const d = deployments.get(id);
    if (!d) throw new Error(`no deployment ${id}`);
    return d;
  };

  /**
   * After removal `status(id)` is undefined. So that a watcher learns of it, the last event of a
   * removed deployment has desiredReplicas 0, readyReplicas 0, no replicas and phase "pending".
   */
  const remove = async (id: string): Promise<void> => {
    const pending = removals.get(id);
    if (pending) return pending;
    const d = deployments.get(id);
    if (!d) return;
    const removal = (async () => {
      try {
        await d.remove();
      } finally {
        emit({ ...d.status(), phase: "pending", desiredReplicas: 0, readyReplicas: 0, replicas: [] });
        deployments.delete(id);
        lastEmitted.delete(id);
        removals.delete(id);
      }
    })();
    removals.set(id, removal);
    return removal;
  };

  const secrets = options.secrets ?? memorySecrets();
  /** A local process gets cluster secrets as plain env values (redacted from its logs). */
  async function withSecretValues(spec: DeploymentSpec): Promise<DeploymentSpec> {
    const refs = Object.entries(spec.secretRefs ?? {});
    if (refs.length === 0) return spec;
    const values = await secrets.resolve(refs.map(([, secret]) => secret));
    const missing = refs.filter(([, secret]) => values[secret] === undefined).map(([, secret]) => secret);
    if (missing.length > 0) throw new Error(`no secret named ${missing.join(", ")}`);
    return {
      ...spec,
      env: {
        ...spec.env,
        ...Object.fromEntries(refs.map(([env, secret]) => [env, values[secret] as string])),
      },
      secretNames: [...spec.secretNames, ...refs.map(([env]) => env)],
    };
  }

  return {
    name: "local",

    secrets: secrets.store,

    async apply(wanted: DeploymentSpec): Promise<DeploymentStatus> {
      if (closed) throw new Error("the local driver is closed");
      const spec = await withSecretValues(wanted);
      if (!ID.test(spec.id)) throw new Error(`deployment id "${spec.id}" is not a safe directory name`);
      checkReplicas(spec.replicas);
      await removals.get(spec.id);
      let d = deployments.get(spec.id);
      const fresh = !d;
      if (!d) {
        const id = spec.id;
        const created: Deployment = new Deployment(id, {
          dir: join(options.dataDir, "deployments", id),
          command: options.octoCommand ?? DEFAULT_OCTO_COMMAND,
          baseEnv: baseEnv(),
          backoff,
          graceMs: options.graceMs ?? 10_000,
          drainMs: options.drainMs ?? 250,
          startTimeoutMs: options.startTimeoutMs ?? 30_000,
          logLines: options.logLines ?? 2000,
          onChange: () => {
            if (deployments.get(id) !== created) return;
            // Several internal steps can leave the status as it was; watchers hear of real changes.
            const status = created.status();
            const json = JSON.stringify(status);
            if (json === lastEmitted.get(id)) return;
            lastEmitted.set(id, json);
            emit(status);
          },
          onLog: (line) => emitLog(id, line),
        });
        d = created;
        deployments.set(id, d);
      }
      try {
        await d.apply(spec);
      } catch (e) {
        // A first apply that failed (say, the directory cannot be written) leaves nothing behind.
        if (fresh) await remove(spec.id);
        throw e;
      }
      return d.status();
    },

    async scale(id: string, replicas: number): Promise<DeploymentStatus> {
      checkReplicas(replicas);
      const d = deployment(id);
      await d.scale(replicas);
      return d.status();
    },

    remove,

    status(id: string): DeploymentStatus | undefined {
      return deployments.get(id)?.status();
    },

    watch(listener) {
      watchers.add(listener);
      return () => watchers.delete(listener);
    },

    logs(id: string, after = 0): LogLine[] {
      return deployments.get(id)?.logs.after(after) ?? [];
    },

    onLog(id, listener) {
      const set = logListeners.get(id) ?? new Set();
      logListeners.set(id, set);
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0 && logListeners.get(id) === set) logListeners.delete(id);
      };
    },

    async close(): Promise<void> {
      closed = true;
      await Promise.all([...deployments.keys()].map((id) => remove(id)));
    },
  };
}
