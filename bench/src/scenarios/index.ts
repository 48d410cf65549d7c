import type { Scenario } from "../types.ts";
import { memoryBoundedQueue } from "./memory-bounded-queue.ts";
import { memoryLargePayload } from "./memory-large-payload.ts";
import { memorySoak } from "./memory-soak.ts";
import { s1Constant } from "./s1-constant.ts";
import { s2Transform } from "./s2-transform.ts";
import { s3SwitchHttpClient } from "./s3-switch-http-client.ts";
import { s4Foreach } from "./s4-foreach.ts";
import { s5Workers } from "./s5-workers.ts";
import { s6ColdStart } from "./s6-cold-start.ts";
import { tracingOverhead } from "./tracing-overhead.ts";

/** Every scenario, in the order `pnpm bench` runs them. */
export const scenarios: Scenario[] = [
  s1Constant,
  s2Transform,
  s3SwitchHttpClient,
  s4Foreach,
  s5Workers,
  s6ColdStart,
  memorySoak,
  memoryLargePayload,
  memoryBoundedQueue,
  tracingOverhead,
];
