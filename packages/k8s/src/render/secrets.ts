/**
 * Secret bodies. Cluster secret values go into one Secret `octo-secrets` key by key and are never
 * read back; each deployment gets its own token Secret for the orchestrator's runtime API.
 */
import { Secret } from "kubernetes-models/v1";
import { deploymentLabels, MANAGED_BY, MANAGED_BY_LABEL } from "./labels.ts";
import { CLUSTER_SECRET, TOKEN_KEY, tokenSecretName } from "./names.ts";

// The Secret key rule of the API server.
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

function checkKey(key: string): string {
  if (key.length > 253 || !SECRET_KEY.test(key) || key === "." || key === "..")
    throw new Error(`"${key}" is not a valid Secret key`);
  return key;
}

const base64 = (value: string) => Buffer.from(value, "utf8").toString("base64");

/**
 * The body that sets one key of `octo-secrets` (created if absent), with the value base64 in
 * `data`. Send it as a JSON merge patch, or as a server-side apply with a field manager of its
 * own (`secretFieldManager(key)`): applying it under a manager shared by all keys would drop
 * every key the body omits.
 */
export function renderSecretKey(namespace: string, key: string, value: string): Secret {
  return new Secret({
    metadata: { name: CLUSTER_SECRET, namespace, labels: { [MANAGED_BY_LABEL]: MANAGED_BY } },
    type: "Opaque",
    data: { [checkKey(key)]: base64(value) },
  });
}

/** The merge patch that removes one key of `octo-secrets` (null deletes in a merge patch). */
export function renderSecretKeyRemoval(
  namespace: string,
  key: string,
): {
  apiVersion: "v1";
  kind: "Secret";
  metadata: { name: string; namespace: string };
  data: Record<string, null>;
} {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: CLUSTER_SECRET, namespace },
    data: { [checkKey(key)]: null },
  };
}

/** A server-side-apply field manager owning exactly one key of `octo-secrets`. */
export const secretFieldManager = (key: string): string => `octo-secret-${checkKey(key)}`.slice(0, 128);

export interface TokenSecretInput {
  namespace: string;
  deploymentId: string;
  integrationId: string;
  /** The deployment's bearer token for the orchestrator's runtime API (KV). */
  token: string;
}

/**
 * The per-deployment Secret `octo-dep-<id>-token` (key `token`), referenced by the pods'
 * OCTO_DEPLOYMENT_TOKEN. It carries the deployment labels, so undeploy removes it with the rest.
 */
export function renderTokenSecret(input: TokenSecretInput): Secret {
  if (input.token === "") throw new Error("the deployment token is empty");
  return new Secret({
    metadata: {
      name: tokenSecretName(input.deploymentId),
      namespace: input.namespace,
      labels: deploymentLabels(input),
    },
    type: "Opaque",
    data: { [TOKEN_KEY]: base64(input.token) },
  });
}
