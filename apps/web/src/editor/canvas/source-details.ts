/**
 * What each flow's source listens to ("/orders/{id}", "@every 30s"), for the canvas's source
 * nodes. The outline keeps only a source's type and connector, so this reads the document: the
 * source's required scalar settings (as the schema names them: an HTTP route's `path`, a cron's
 * `schedule`), in schema order.
 */
import { isScalar } from "yaml";
import { type EditorDocument, locate } from "../model/document.ts";
import type { Outline } from "../model/outline.ts";
import { propertiesOf, type SchemaInfo } from "../model/schema-info.ts";
import { pathKey } from "./graph.ts";

/** Source path key → detail; pass it to FlowCanvas as `sourceDetails`. */
export function sourceDetailsOf(
  doc: EditorDocument,
  outline: Outline,
  info: SchemaInfo,
): Map<string, string> {
  const out = new Map<string, string>();
  for (const flow of outline.flows) {
    const source = flow.source;
    if (source?.type === undefined) continue;
    const settings = info.sources.get(source.type)?.settings;
    const required = Array.isArray(settings?.required) ? settings.required : [];
    const values: string[] = [];
    for (const key of Object.keys(propertiesOf(settings))) {
      if (!required.includes(key)) continue;
      const node = locate(doc.yaml.contents, [...source.path, "settings", key])?.node;
      const value = isScalar(node) ? node.value : undefined;
      if (typeof value === "string" || typeof value === "number") values.push(String(value));
    }
    if (values.length > 0) out.set(pathKey(source.path), values.join(" "));
  }
  return out;
}
