import { type KeyValueStore, type KvEntry, VersionConflictError } from "@octo/runtime/services";

export interface OrchestratorKvOptions {
  /** The orchestrator's base URL (OCTO_ORCHESTRATOR_URL). */
  url: string;
  /** This deployment's token (OCTO_DEPLOYMENT_TOKEN); never appears in an error. */
  token: string;
  /** Maps the runtime's namespaces onto the API's (the secret store adds `_secrets`). */
  namespace?: (ns: string) => string;
  timeoutMs?: number;
}

/** How many times an unconditional put re-reads the version after losing a race. */
const OVERWRITE_ATTEMPTS = 5;

interface TrpcAnswer<T> {
  result?: { data: T };
  error?: { message: string; data?: { code?: string } };
}

/**
 * The runtime's key-value store on a cluster: the orchestrator's KV procedures (`kv.get`,
 * `kv.put`, `kv.delete`) over tRPC's HTTP protocol, authenticated with the deployment's own
 * token — the orchestrator derives the deployment from the token, never from the request.
 */
export function orchestratorKv(options: OrchestratorKvOptions): KeyValueStore {
  const base = `${options.url.replace(/\/$/, "")}/trpc`;
  const ns = options.namespace ?? ((n: string) => n);
  const timeout = options.timeoutMs ?? 10_000;
  const headers = { authorization: `Bearer ${options.token}`, "content-type": "application/json" };

  async function call<T>(procedure: string, input: object, kind: "query" | "mutation"): Promise<T> {
    const url =
      kind === "query"
        ? `${base}/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`
        : `${base}/${procedure}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method: kind === "query" ? "GET" : "POST",
        headers,
        ...(kind === "mutation" ? { body: JSON.stringify(input) } : {}),
        signal: AbortSignal.timeout(timeout),
      });
    } catch (e) {
      throw new Error(`orchestrator KV ${procedure} could not reach ${options.url}: ${(e as Error).message}`);
    }
    const answer = (await res.json().catch(() => ({}))) as TrpcAnswer<T>;
    if (answer.error?.data?.code === "CONFLICT") throw new VersionConflictError("", "");
    if (!res.ok || !answer.result)
      throw new Error(
        `orchestrator KV ${procedure} failed (${res.status}): ${answer.error?.message ?? "no answer"}`,
      );
    return answer.result.data;
  }

  const get = async (namespace: string, key: string): Promise<KvEntry | undefined> => {
    const data = await call<{ value: string; version: number } | null>(
      "kv.get",
      { namespace: ns(namespace), key },
      "query",
    );
    return data
      ? { value: new Uint8Array(Buffer.from(data.value, "base64")), version: data.version }
      : undefined;
  };

  const putAt = async (namespace: string, key: string, value: Uint8Array, expectedVersion: number) => {
    try {
      const data = await call<{ version: number }>(
        "kv.put",
        { namespace: ns(namespace), key, value: Buffer.from(value).toString("base64"), expectedVersion },
        "mutation",
      );
      return data.version;
    } catch (e) {
      if (e instanceof VersionConflictError) throw new VersionConflictError(namespace, key);
      throw e;
    }
  };

  return {
    get,
    async put(namespace, key, value, expectedVersion) {
      if (expectedVersion !== undefined) return putAt(namespace, key, value, expectedVersion);
      // The API is compare-and-set only: an unconditional write is a CAS on what is there now.
      for (let attempt = 1; ; attempt++) {
        const current = (await get(namespace, key))?.version ?? 0;
        try {
          return await putAt(namespace, key, value, current);
        } catch (e) {
          if (!(e instanceof VersionConflictError) || attempt >= OVERWRITE_ATTEMPTS) throw e;
        }
      }
    },
    async delete(namespace, key, expectedVersion = 0) {
      try {
        await call("kv.delete", { namespace: ns(namespace), key, expectedVersion }, "mutation");
      } catch (e) {
        if (e instanceof VersionConflictError) throw new VersionConflictError(namespace, key);
        throw e;
      }
    },
  };
}
