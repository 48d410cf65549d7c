// samples/ai-mapping: a messy CRM contact and the clean contact the (stubbed) model maps it to,
// which satisfies the sample's outputSchema (the same pair as samples/ai-mapping/ai-mapping.test.ts).
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const AI_MAPPING_YAML = readFileSync(
  join(import.meta.dirname, "..", "..", "samples", "ai-mapping", "ai-mapping.yaml"),
  "utf8",
);

export const CRM_CONTACT = {
  Full_Name: " grace HOPPER",
  EMAIL_ADDR: "Grace.Hopper@Navy.MIL",
  tel: "(202) 555-0147",
  org: { name: "US Navy" },
  Labels: "vip; events",
  stage: "Customer",
  unsubscribed: "yes",
};

export const CLEAN_CONTACT = {
  firstName: "Grace",
  lastName: "Hopper",
  email: "grace.hopper@navy.mil",
  phone: "+12025550147",
  company: "US Navy",
  tags: ["vip", "events"],
  lifecycle: "customer",
  marketingOptIn: false,
};
