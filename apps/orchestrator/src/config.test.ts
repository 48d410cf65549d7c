import { afterEach, expect, it } from "vitest";
import { startTestOrchestrator, type TestOrchestrator } from "../test/orchestrator.ts";
import { readConfig } from "./config.ts";

let orch: TestOrchestrator | undefined;
afterEach(() => orch?.close());

it("reads OCTO_API_URL and refuses a value that is not a URL, naming the variable", () => {
  expect(readConfig({ OCTO_API_URL: "http://octo-orchestrator.octo.svc:8090" }).apiUrl).toBe(
    "http://octo-orchestrator.octo.svc:8090",
  );
  expect(readConfig({}).apiUrl).toBeUndefined();
  expect(() => readConfig({ OCTO_API_URL: "octo-orchestrator:8090" })).toThrow(/^OCTO_API_URL: /);
});

it("gives deployed runtimes OCTO_API_URL, else the address it listens on", async () => {
  orch = await startTestOrchestrator({ OCTO_API_URL: "http://octo-orchestrator.octo.svc:8090" });
  expect(orch.services.apiUrl).toBe("http://octo-orchestrator.octo.svc:8090");
  await orch.close();
  orch = await startTestOrchestrator();
  expect(orch.services.apiUrl).toBe(orch.url);
}, 60_000);
