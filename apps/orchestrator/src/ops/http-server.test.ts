import { expect, it } from "vitest";
import { startTestOrchestrator } from "../../test/orchestrator.ts";

it("shuts down with a live status stream open: not ready at once, closed within the drain time", async () => {
  const orch = await startTestOrchestrator();
  const api = orch.client();
  const integration = await api.integrations.create.mutate({ name: "watched" });
  const seen: number[] = [];
  const sub = api.deployments.watch.subscribe(
    { integrationId: integration.id },
    { onData: () => seen.push(1) },
  );
  while (seen.length === 0) await new Promise((r) => setTimeout(r, 20));

  const closing = orch.close();
  expect((await fetch(`${orch.url}/readyz`).catch(() => ({ status: 0 }))).status).not.toBe(200);
  // Without the drain cut-off the open stream would hold the shutdown (and this test) forever.
  await closing;
  sub.unsubscribe();
}, 60_000);
