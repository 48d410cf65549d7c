import type { Scenario } from "../types.ts";

/** Every scenario, in the order `pnpm bench` runs them. */
export const scenarios: Scenario[] = [];
