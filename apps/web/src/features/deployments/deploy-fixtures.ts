// Shared by the deploy dialog's tests (rules and view): two versions of one integration, and a
// worker version (no HTTP) that declares a required secret, a required var with a default and an
// optional one.
import type { DeployOptions, VersionSummary } from "./types.ts";

export const INTEGRATION = "11111111-1111-4111-8111-111111111111";
export const V1 = "22222222-2222-4222-8222-222222222222";
export const V2 = "33333333-3333-4333-8333-333333333333";
export const versions: VersionSummary[] = [
  { id: V2, integrationId: INTEGRATION, tag: "v2", createdAt: "2025-02-01T00:00:00.000Z" },
  { id: V1, integrationId: INTEGRATION, tag: "v1", createdAt: "2025-01-01T00:00:00.000Z" },
];
export const worker: DeployOptions = {
  networked: false,
  envVars: [
    { name: "API_TOKEN", required: true, secret: true },
    { name: "DB_URL", required: true, default: "postgres://localhost/db" },
    { name: "LOG_LEVEL", default: "info" },
  ],
};
