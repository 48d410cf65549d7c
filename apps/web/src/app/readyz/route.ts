import { readiness } from "../../ops/health.ts";

export const dynamic = "force-dynamic";

export const GET = () => readiness();
