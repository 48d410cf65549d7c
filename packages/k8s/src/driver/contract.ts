/**
 * Where deployments run. The orchestrator speaks only this interface; `local` (supervised
 * `octo run` processes on this machine, in apps/orchestrator) is the embedded default,
 * `kubernetes` is ./index.ts.
 */

/** Everything a driver needs to run one deployment. */
export interface DeploymentSpec {
  /** The deployment's id (uuid); names every object or process the driver makes. */
  id: string;
  integrationId: string;
  /** The integration's YAML (the version's frozen definition). */
  definition: string;
  replicas: number;
  /** Literal env for the runtime (secret literals already decrypted; never logged). */
  env: Record<string, string>;
  /** Env vars bound to cluster secrets: env name → secret name (the driver resolves them). */
  secretRefs: Record<string, string>;
  /** Names in `env` whose values are secret (redacted from captured logs). */
  secretNames: string[];
  /** The stable in-cluster name of a network service (`octo-int-<slug>`). */
  slug?: string | undefined;
  /** Exposed at https://<externalHost> (needs an ingress: the Kubernetes driver's). */
  externalHost?: string | undefined;
  /**
   * The HTTP port the integration declares (`HTTP_PORT` default); undefined for a non-networked
   * integration. The driver chooses the real port and sets HTTP_PORT/HTTP_HOST itself.
   */
  httpPort: number | undefined;
}

export type ReplicaPhase = "starting" | "ready" | "crashed" | "stopped";

export interface ReplicaStatus {
  /** Stable within the deployment ("<id>-0", …). */
  name: string;
  phase: ReplicaPhase;
  ready: boolean;
  restarts: number;
  /** Process id (local) or pod name (kubernetes) — informational. */
  pid?: number | undefined;
}

export interface DeploymentStatus {
  id: string;
  /** pending: not all desired replicas ready yet; running: all ready; failed: crash-looping. */
  phase: "pending" | "running" | "failed";
  desiredReplicas: number;
  readyReplicas: number;
  replicas: ReplicaStatus[];
  /** The last failure ("exited with code 1: <last stderr line>"), when there was one. */
  lastFailure?: string | undefined;
  /** Where the deployment's HTTP endpoint answers (local: http://127.0.0.1:<port>). */
  url?: string | undefined;
  /** ISO time the deployment was first applied. */
  createdAt: string;
}

/** One captured log line of a deployment. */
export interface LogLine {
  /** Increasing per deployment, for resuming a stream (tracked() ids). */
  seq: number;
  replica: string;
  stream: "stdout" | "stderr";
  time: string;
  text: string;
}

/** Where cluster secrets' values live; write-only: nothing reads a value back through the API. */
export interface SecretStore {
  set(name: string, value: string): Promise<void>;
  delete(name: string): Promise<void>;
}

export interface DeploymentDriver {
  readonly name: string;
  /** Where this driver's deployments find the values of cluster secrets. */
  readonly secrets: SecretStore;
  /** Creates or updates (rollout) the deployment to match the spec; resolves once started. */
  apply(spec: DeploymentSpec): Promise<DeploymentStatus>;
  /** Changes the number of replicas. */
  scale(id: string, replicas: number): Promise<DeploymentStatus>;
  /** Stops and removes everything of the deployment; resolves when gone (unknown id: no-op). */
  remove(id: string): Promise<void>;
  /** The current status, or undefined for an unknown id. */
  status(id: string): DeploymentStatus | undefined;
  /** Calls `listener` on every status change of any deployment; returns an unsubscribe function. */
  watch(listener: (status: DeploymentStatus) => void): () => void;
  /** Captured log lines with seq > `after` (bounded buffer per deployment). */
  logs(id: string, after?: number): LogLine[];
  /** Calls `listener` for every new log line of the deployment; returns an unsubscribe function. */
  onLog(id: string, listener: (line: LogLine) => void): () => void;
  /** Stops every deployment (orchestrator shutdown). */
  close(): Promise<void>;
}
