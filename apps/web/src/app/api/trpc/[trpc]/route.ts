import { forwardToOrchestrator } from "../../../../trpc/forward.ts";

export const dynamic = "force-dynamic";

export const GET = forwardToOrchestrator;
export const POST = forwardToOrchestrator;
