// Saving an integration that changed elsewhere: refused with CONFLICT when the caller says which
// version it loaded, and announced to every editor watching it.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestOrchestrator, type TestOrchestrator } from "../../../test/orchestrator.ts";

let orch: TestOrchestrator;
beforeAll(async () => {
  orch = await startTestOrchestrator();
}, 60_000);
afterAll(() => orch?.close());

it("refuses a save over someone else's change, and accepts one over the version it loaded", async () => {
  const api = orch.client();
  const created = await api.integrations.create.mutate({ name: "shared", definition: "flows: []\n" });
  const loaded = new Date(created.lastUpdated).toISOString();
  // Someone else saves first.
  const theirs = await api.integrations.update.mutate({
    id: created.id,
    definition: "# theirs\nflows: []\n",
  });
  await expect(
    api.integrations.update.mutate({
      id: created.id,
      definition: "# mine\nflows: []\n",
      expectedLastUpdated: loaded,
    }),
  ).rejects.toMatchObject({
    data: { code: "CONFLICT" },
    message: expect.stringMatching(/changed elsewhere/),
  });
  expect((await api.integrations.get.query({ id: created.id })).definition).toBe("# theirs\nflows: []\n");

  const mine = await api.integrations.update.mutate({
    id: created.id,
    definition: "# mine\nflows: []\n",
    expectedLastUpdated: new Date(theirs.lastUpdated).toISOString(),
  });
  expect(mine.definition).toBe("# mine\nflows: []\n");
  await expect(
    api.integrations.update.mutate({
      id: "00000000-0000-4000-8000-000000000000",
      definition: "",
      expectedLastUpdated: loaded,
    }),
  ).rejects.toMatchObject({ data: { code: "NOT_FOUND" } });
});

it("tells a watching editor about updates and the delete", async () => {
  const api = orch.client();
  const created = await api.integrations.create.mutate({ name: "watched" });
  const seen: { kind: string; name?: string | undefined }[] = [];
  const done = new Promise<void>((resolve, reject) => {
    const sub = api.integrations.watch.subscribe(
      { id: created.id },
      {
        onData: ({ data }) => {
          seen.push({ kind: data.kind, name: data.name });
          if (data.kind === "current")
            void api.integrations.update.mutate({ id: created.id, name: "renamed" });
          if (data.kind === "updated") void api.integrations.delete.mutate({ id: created.id });
          if (data.kind === "deleted") {
            sub.unsubscribe();
            resolve();
          }
        },
        onError: reject,
      },
    );
  });
  await done;
  expect(seen).toEqual([
    { kind: "current", name: "watched" },
    { kind: "updated", name: "renamed" },
    { kind: "deleted", name: undefined },
  ]);
});
