/**
 * Labels every object of a deployment carries. The driver keeps no inventory: it finds (and
 * removes) what it made by `ownedBy(id)`, and informers watch `MANAGED_SELECTOR`.
 */

export const MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
export const NAME_LABEL = "app.kubernetes.io/name";
export const DEPLOYMENT_ID_LABEL = "octo.dev/deployment-id";
export const INTEGRATION_ID_LABEL = "octo.dev/integration-id";

export const MANAGED_BY = "octo";
/** Every integration pod has it; NetworkPolicies admit flow-to-flow calls by it. */
export const APP_NAME = "octo-integration";
export const MANAGED_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY}`;

export interface DeploymentIds {
  deploymentId: string;
  integrationId: string;
}

// Label values: ≤ 63 chars, alphanumeric at both ends, '-', '_', '.' inside.
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

function labelValue(what: string, value: string): string {
  if (value === "" || value.length > 63 || !LABEL_VALUE.test(value))
    throw new Error(`${what} "${value}" is not a valid Kubernetes label value`);
  return value;
}

/** The labels of every object (and pod) of a deployment. */
export function deploymentLabels(ids: DeploymentIds): Record<string, string> {
  return {
    [MANAGED_BY_LABEL]: MANAGED_BY,
    [NAME_LABEL]: APP_NAME,
    [DEPLOYMENT_ID_LABEL]: labelValue("deployment id", ids.deploymentId),
    [INTEGRATION_ID_LABEL]: labelValue("integration id", ids.integrationId),
  };
}

/**
 * Pod selector of the Deployment, Services and NetworkPolicy. Only labels that never change for a
 * deployment: a Deployment's selector is immutable.
 */
export function selectorLabels(deploymentId: string): Record<string, string> {
  return { [NAME_LABEL]: APP_NAME, [DEPLOYMENT_ID_LABEL]: labelValue("deployment id", deploymentId) };
}

/** Label selector (query string form) matching every object the driver made for a deployment. */
export function ownedBy(deploymentId: string): string {
  return `${MANAGED_SELECTOR},${DEPLOYMENT_ID_LABEL}=${labelValue("deployment id", deploymentId)}`;
}
