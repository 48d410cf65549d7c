/**
 * Object names of a deployment (docs: shared/spec/deployment.md). Ids and slugs become parts of
 * Service names, which must be DNS-1035 labels (≤ 63 chars, lowercase, start with a letter), so
 * they are checked here once instead of failing later at the API server.
 */

/** The one Secret holding every cluster secret, key = secret name. */
export const CLUSTER_SECRET = "octo-secrets";
/** Where the runtime reads its integrations (`octo run --config <dir>`). */
export const CONFIG_DIR = "/etc/octo/integrations";
/** The ConfigMap key of the integration definition. */
export const CONFIG_KEY = "integration.yaml";
/** The key of the per-deployment token Secret. */
export const TOKEN_KEY = "token";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
// "octo-dep-" / "octo-int-" prefixes are 9 chars; the rest must fit a 63-char label.
const MAX_PART = 63 - 9;

function checkPart(what: string, value: string): string {
  if (value.length > MAX_PART || !DNS_LABEL.test(value))
    throw new Error(
      `${what} "${value}" must be lowercase letters, digits and '-' (at most ${MAX_PART} chars, no leading/trailing '-')`,
    );
  return value;
}

/** ConfigMap, Deployment, Service, Ingress and NetworkPolicy of a deployment share this name. */
export const deploymentName = (deploymentId: string): string =>
  `octo-dep-${checkPart("deployment id", deploymentId)}`;

/** The stable in-cluster Service other flows call: http://octo-int-<slug>.<namespace>:<port>. */
export const internalServiceName = (slug: string): string => `octo-int-${checkPart("slug", slug)}`;

/** The per-deployment Secret holding the orchestrator token (key `token`). */
export const tokenSecretName = (deploymentId: string): string => `${deploymentName(deploymentId)}-token`;

/** The certificate Secret cert-manager fills for an issuer-mode (per-host) Ingress. */
export const tlsSecretName = (deploymentId: string): string =>
  `octo-tls-${checkPart("deployment id", deploymentId)}`;

/** The in-cluster URL of a networked deployment's stable Service. */
export const internalUrl = (slug: string, namespace: string, port: number): string =>
  `http://${internalServiceName(slug)}.${namespace}:${port}`;
