import type { AppRouter } from "@octo/orchestrator/client";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";

type Outputs = inferRouterOutputs<AppRouter>;
type Inputs = inferRouterInputs<AppRouter>;

/** A deployment as the API shows it (row + the driver's live status); dates arrive as ISO strings. */
export type Deployment = Outputs["deployments"]["get"];
export type Pod = Deployment["pods"][number];
export type DeployOptions = Outputs["deployments"]["options"];
/** An env var a version declares (deployments.options filters out the managed ones). */
export type DeclaredVar = DeployOptions["envVars"][number] & { description?: string };
export type VersionSummary = Outputs["versions"]["list"][number];
export type CreateDeploymentInput = Inputs["deployments"]["create"];
