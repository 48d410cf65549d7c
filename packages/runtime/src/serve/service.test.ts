// Hot reload and graceful shutdown of a served integration (runtime spec §6 `--watch`, issue 4 §3).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { memoryLogger } from "../../test/helpers.ts";
import type { Message } from "../engine/message.ts";
import type { Outcome } from "../engine/outcome.ts";
import type { Diagnostic } from "../errors/diagnostic.ts";
import { RuntimeMetrics } from "../ops/metrics.ts";
import { defaultRegistry } from "../plugin/default-registry.ts";
import type { BlockDefinition, ConnectorDefinition } from "../plugin/types.ts";
import { IntegrationService, LoadFailedError } from "./service.ts";

/**
 * A test source: each started source registers its deliver function under the flow's name, so
 * the test can push messages into whichever version is serving. `fail: true` makes start throw,
 * like a port already in use.
 */
function testPlugin() {
  const deliverers = new Map<string, (msg: Message) => Promise<Outcome>>();
  let open: () => void = () => {};
  let gate = Promise.resolve();
  const source: ConnectorDefinition = {
    type: "test-source",
    label: "Test source",
    description: "test",
    settings: z.strictObject({}),
    create: () => undefined,
    sources: [
      {
        type: "test-source",
        label: "Test source",
        settings: z.strictObject({ fail: z.boolean().default(false) }),
        async start(ctx) {
          if ((ctx.settings as { fail: boolean }).fail) throw new Error("port 1 is in use");
          deliverers.set(ctx.flow, ctx.deliver);
          return async () => {
            if (deliverers.get(ctx.flow) === ctx.deliver) deliverers.delete(ctx.flow);
          };
        },
      },
    ],
  };
  const hold: BlockDefinition = {
    type: "hold",
    label: "Hold",
    category: "processor",
    description: "test: waits until the gate opens",
    kind: "composite",
    fields: z.strictObject({}),
    compile: () => () => gate,
  };
  return {
    registry: defaultRegistry().use({ name: "test", blocks: [hold], connectors: [source] }),
    deliver(flow: string, body: unknown) {
      const d = deliverers.get(flow);
      if (!d) throw new Error(`no source serves flow ${flow}`);
      return d({ body, vars: {}, eventID: "e", correlationID: "c" });
    },
    closeGate() {
      gate = new Promise((r) => {
        open = r;
      });
    },
    openGate: () => open(),
  };
}

const config = (reply: string, opts: { fail?: boolean; hold?: boolean } = {}) => `
service: { name: reloading }
connectors: [{ name: src, type: test-source }]
flows:
  - name: main
    source: { connector: src, type: test-source, settings: { fail: ${opts.fail ?? false} } }
    process:
${opts.hold ? "      - { type: hold }\n" : ""}      - { type: set-payload, settings: { value: '"${reply}"' } }
`;

const services: IntegrationService[] = [];
afterEach(async () => {
  await Promise.all(services.splice(0).map((s) => s.shutdown(1000)));
});

async function serve(text: string) {
  const dir = mkdtempSync(join(tmpdir(), "octo-serve-"));
  const file = join(dir, "integration.yaml");
  writeFileSync(file, text);
  const plugin = testPlugin();
  const reports: Diagnostic[][] = [];
  const log = memoryLogger();
  const metrics = new RuntimeMetrics({ processMetrics: false });
  const service = await IntegrationService.start({
    config: file,
    registry: plugin.registry,
    osEnv: {},
    logger: memoryLogger(),
    metrics,
    log,
    report: (d) => reports.push(d),
  });
  services.push(service);
  return { service, plugin, file, reports, log, metrics, edit: (t: string) => writeFileSync(file, t) };
}

describe("IntegrationService: hot reload", () => {
  it("reload swaps to the edited version", async () => {
    const s = await serve(config("v1"));
    expect((await s.plugin.deliver("main", null)).message.body).toBe("v1");
    s.edit(config("v2"));
    expect(await s.service.reload()).toBe("reloaded");
    expect((await s.plugin.deliver("main", null)).message.body).toBe("v2");
    expect(await s.metrics.text()).toContain('octo_config_reloads_total{result="ok"} 1');
  });

  it("a broken edit keeps the previous version serving and reports where the error is", async () => {
    const s = await serve(config("v1"));
    s.edit(`${config("v2")}      - { type: set-payload, settings: { value: 'body.' } }\n`);
    expect(await s.service.reload()).toBe("kept-previous");
    expect(s.reports).toHaveLength(1);
    expect(s.reports[0]?.[0]?.location).toMatchObject({ line: 9 });
    expect(s.log.lines.at(-1)?.message).toMatch(/previous version keeps serving/);
    expect((await s.plugin.deliver("main", null)).message.body).toBe("v1");
    expect(s.service.ready()).toBe(true);
    expect(await s.metrics.text()).toContain('octo_config_reloads_total{result="failed"} 1');
  });

  it("an edit that loads but fails to start keeps the previous version serving", async () => {
    const s = await serve(config("v1"));
    s.edit(config("v2", { fail: true }));
    expect(await s.service.reload()).toBe("kept-previous");
    expect(s.log.lines.at(-1)?.message).toMatch(/did not start \(port 1 is in use\)/);
    expect((await s.plugin.deliver("main", null)).message.body).toBe("v1");
  });

  it("messages the old version accepted finish after the swap", async () => {
    const s = await serve(config("v1", { hold: true }));
    s.plugin.closeGate();
    const inFlight = s.plugin.deliver("main", null);
    s.edit(config("v2"));
    const reload = s.service.reload();
    // The new version serves while the old one still holds its message.
    await expect.poll(async () => (await s.plugin.deliver("main", null)).message.body).toBe("v2");
    s.plugin.openGate();
    expect((await inFlight).message.body).toBe("v1");
    expect(await reload).toBe("reloaded");
  });

  it("changes arriving during a reload collapse into one more reload", async () => {
    const s = await serve(config("v1"));
    s.edit(config("v2"));
    const first = s.service.reload();
    s.edit(config("v3"));
    const second = s.service.reload();
    const third = s.service.reload();
    expect(third).toBe(second);
    expect(await first).toBe("reloaded");
    expect(await second).toBe("reloaded");
    expect((await s.plugin.deliver("main", null)).message.body).toBe("v3");
  });
});

describe("IntegrationService: start and shutdown", () => {
  it("a config that fails to load does not start, and says why", async () => {
    const dir = mkdtempSync(join(tmpdir(), "octo-serve-"));
    const file = join(dir, "broken.yaml");
    writeFileSync(file, "flows:\n  - name: x\n    process: [{ type: nope }]\n");
    const reports: Diagnostic[][] = [];
    const start = IntegrationService.start({
      config: file,
      registry: defaultRegistry(),
      osEnv: {},
      logger: memoryLogger(),
      metrics: new RuntimeMetrics({ processMetrics: false }),
      log: memoryLogger(),
      report: (d) => reports.push(d),
    });
    await expect(start).rejects.toBeInstanceOf(LoadFailedError);
    expect(reports[0]?.[0]?.message).toMatch(/nope/);
  });

  it("shutdown flips readiness first, drains in-flight work, then refuses new work", async () => {
    const s = await serve(config("v1", { hold: true }));
    s.plugin.closeGate();
    const inFlight = s.plugin.deliver("main", null);
    const shutdown = s.service.shutdown(10_000);
    expect(s.service.ready()).toBe(false);
    s.plugin.openGate();
    expect((await inFlight).message.body).toBe("v1");
    expect(await shutdown).toBe(true);
    expect(() => s.plugin.deliver("main", null)).toThrow(/no source serves/);
  });

  it("shutdown reports false when the grace period runs out", async () => {
    const s = await serve(config("v1", { hold: true }));
    s.plugin.closeGate();
    void s.plugin.deliver("main", null);
    expect(await s.service.shutdown(20)).toBe(false);
    s.plugin.openGate();
  });

  it("a reload after shutdown began does nothing", async () => {
    const s = await serve(config("v1"));
    await s.service.shutdown(1000);
    expect(await s.service.reload()).toBe("stopped");
  });
});
