// The real process's stop signal: `octo run` serves until SIGINT/SIGTERM even when nothing else
// holds Node's event loop open.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { killAll, startOcto } from "../../test/octo-process.ts";

afterEach(() => killAll());

describe("processIO().stopSignal", () => {
  it("keeps a run with no source and no management port up until SIGTERM, then it exits 0", async () => {
    const dir = mkdtempSync(join(tmpdir(), "octo-idle-"));
    writeFileSync(
      join(dir, "idle.yaml"),
      "service: { name: idle }\nflows: [{ name: f, process: [{ type: set-payload, settings: { value: '1' } }] }]\n",
    );
    const octo = startOcto(["run", "-c", dir], { OCTO_MANAGEMENT_PORT: "off" });
    await octo.waitFor(/octo: running idle/);
    expect(await octo.stop("SIGTERM")).toEqual({ code: 0, signal: null });
    expect(octo.output()).toMatch(/octo: stopped/);
  }, 30_000);
});
