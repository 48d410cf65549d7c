import type { EnvVarInput } from "../model/edits.ts";
import { propertiesOf, type SchemaInfo } from "../model/schema-info.ts";

/**
 * A new connection's starting settings. A connector that listens on a port (an HTTP server)
 * gets `port: ${HTTP_PORT}`, the variable the platform binds for runs and deployments
 * (deployment.md), declared with the usual default when the document does not declare it yet.
 */
export function connectorSeed(
  info: SchemaInfo,
  type: string,
  env: readonly EnvVarInput[],
): { settings: Record<string, unknown>; env?: EnvVarInput[] } {
  const props = propertiesOf(info.connectors.get(type)?.settings);
  if (!("port" in props) || !info.sources.has(type)) return { settings: {} };
  // biome-ignore lint/suspicious/noTemplateCurlyInString: an env reference in the YAML, not a JS template
  const settings = { port: "${HTTP_PORT}" };
  if (env.some((v) => v.name === "HTTP_PORT")) return { settings };
  return { settings, env: [...env, { name: "HTTP_PORT", default: "8080" }] };
}
