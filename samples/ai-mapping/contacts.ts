// The sample's test pair: a messy CRM contact and the clean contact a model maps it to, which
// satisfies ai-mapping.yaml's outputSchema (used by the sample's test and the e2e suite).
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
