// The specs' `test`: Playwright's, with baseURL taken from what the global setup started.
import { test as base } from "@playwright/test";
import { e2eEnv } from "./env.ts";

export const test = base.extend({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright's fixtures take an object pattern first.
  baseURL: async ({}, use) => {
    await use(e2eEnv().webUrl);
  },
});

export { expect } from "@playwright/test";
