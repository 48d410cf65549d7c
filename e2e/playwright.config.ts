// The platform end to end in a real browser: Debian's Chromium (never a downloaded one) against the
// real web app, orchestrator and OIDC provider that setup/global-setup.ts starts.
import { defineConfig } from "@playwright/test";

export default defineConfig({
  testDir: "specs",
  globalSetup: "./setup/global-setup.ts",
  globalTeardown: "./setup/global-teardown.ts",
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [["list"], ["json", { outputFile: "../.test-results/e2e.json" }]],
  outputDir: "../.test-results/e2e-artifacts",
  use: {
    // Set by the global setup for the workers; support/test.ts also reads it from the env file.
    ...(process.env.E2E_BASE_URL ? { baseURL: process.env.E2E_BASE_URL } : {}),
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
});
