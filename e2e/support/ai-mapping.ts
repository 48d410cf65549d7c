// samples/ai-mapping: a messy CRM contact and the clean contact the (stubbed) model maps it to,
// which satisfies the sample's outputSchema (the sample's own test pair).
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const AI_MAPPING_YAML = readFileSync(
  join(import.meta.dirname, "..", "..", "samples", "ai-mapping", "ai-mapping.yaml"),
  "utf8",
);

export { CLEAN_CONTACT, CRM_CONTACT } from "../../samples/ai-mapping/contacts.ts";
