// The runtime-services sample, run the way a person runs it: the real `octo run` CLI in a child
// process. Standalone, the key-value store and the cache live in the process and it always leads.
import { afterEach, describe, expect, it } from "vitest";
import { freePort, killAll, runSample, sample } from "../test/octo-process.ts";

afterEach(killAll);

async function startServices(env: Record<string, string> = {}) {
  const port = await freePort();
  const octo = await runSample(sample("runtime-services"), { HTTP_PORT: String(port), ...env });
  return { octo, url: (path: string) => `http://127.0.0.1:${port}${path}` };
}

/** One HTTP call; the body parsed as JSON (undefined when empty). */
async function call(url: string, method = "GET", body?: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text === "" ? undefined : JSON.parse(text) };
}

interface Rate {
  currency: string;
  rate: number;
  computedAt: string;
}

describe("samples/runtime-services", () => {
  it("a note written with PUT is read back with GET until DELETE removes it", async () => {
    const services = await startServices();
    const note = services.url("/notes/groceries");
    expect(await call(note, "PUT", { text: "buy milk" })).toEqual({
      status: 200,
      body: { saved: "groceries" },
    });

    const read = await call(note);
    expect(read.status).toBe(200);
    expect(read.body).toEqual({ text: "buy milk", savedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    // Keys are per note: another key is not this one.
    expect(await call(services.url("/notes/chores"))).toEqual({
      status: 404,
      body: { error: "no note chores" },
    });

    // A second PUT replaces the note.
    await call(note, "PUT", { text: "buy oat milk" });
    expect((await call(note)).body).toMatchObject({ text: "buy oat milk" });

    expect(await call(note, "DELETE")).toEqual({ status: 204, body: undefined });
    expect(await call(note)).toEqual({ status: 404, body: { error: "no note groceries" } });
  }, 20_000);

  it("a rate is computed once and served from the cache until DELETE invalidates it", async () => {
    const services = await startServices();
    const eur = services.url("/rates/EUR");
    const first = await call(eur);
    expect(first.status).toBe(200);
    const computed = first.body as Rate;
    expect(computed).toEqual({ currency: "EUR", rate: 1.08, computedAt: expect.stringMatching(/^\d{4}-/) });

    // The cached answer keeps the time it was computed at, however much later it is asked for.
    await untilClockPasses(computed.computedAt);
    expect(await call(eur)).toEqual({ status: 200, body: computed });
    // Each currency has its own entry.
    const usd = (await call(services.url("/rates/USD"))).body as Rate;
    expect(usd.currency).toBe("USD");
    expect(Date.parse(usd.computedAt)).toBeGreaterThan(Date.parse(computed.computedAt));

    expect(await call(eur, "DELETE")).toEqual({ status: 204, body: undefined });
    const recomputed = (await call(eur)).body as Rate;
    expect(recomputed.currency).toBe("EUR");
    expect(Date.parse(recomputed.computedAt)).toBeGreaterThan(Date.parse(computed.computedAt));
    // Invalidating EUR left USD cached.
    expect((await call(services.url("/rates/USD"))).body).toEqual(usd);
  }, 20_000);

  it("the sweep cron fires on this replica, the leader, on its schedule", async () => {
    const services = await startServices({ SWEEP_SCHEDULE: "@every 200ms" });
    // Two sweeps: the schedule repeats, not only fires once.
    const sweeps = /\{[^\n]*"msg":"sweep ran on the leader at [^"\n]*"[^\n]*\}/g;
    await services.octo.waitFor(new RegExp(`${sweeps.source}[\\s\\S]*${sweeps.source}`), 10_000);
    const lines = (services.octo.output().match(sweeps) ?? []).map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ level: "info", flow: "sweep", service: "runtime-services" });
    expect(lines[0].msg).toMatch(/^sweep ran on the leader at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
  }, 20_000);
});

/**
 * Resolves once the wall clock is past `iso` (the same clock the sample reads: one machine), so a
 * value computed from now is certain to differ from one computed at `iso`.
 */
async function untilClockPasses(iso: string): Promise<void> {
  const at = Date.parse(iso);
  while (Date.now() <= at) await new Promise((resolve) => setTimeout(resolve, 1));
}
