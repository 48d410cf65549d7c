import type { LoadOptions } from "../config/load.ts";
import { loadRuntime, type Runtime, type RuntimeOptions } from "../engine/runtime.ts";
import type { Diagnostic } from "../errors/diagnostic.ts";
import type { Logger } from "../logging/logger.ts";
import type { RuntimeMetrics } from "../ops/metrics.ts";

export interface ServiceOptions extends Omit<RuntimeOptions, "observer">, LoadOptions {
  /** The config file or directory. */
  config: string;
  metrics: RuntimeMetrics;
  /** Octo's own messages (reloads, shutdown); the runtime logs through its own logger. */
  log: Logger;
  /** Told the errors of a config that failed to load. */
  report(diagnostics: Diagnostic[]): void;
}

/** A config that did not load; its diagnostics were already reported. */
export class LoadFailedError extends Error {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic[]) {
    super(`the config has ${diagnostics.length} error${diagnostics.length === 1 ? "" : "s"}`);
    this.name = "LoadFailedError";
    this.diagnostics = diagnostics;
  }
}

export type ReloadResult = "reloaded" | "kept-previous" | "stopped";

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * A served integration: one current Runtime at a time. A reload loads and starts the new
 * version beside the old one, switches to it, then drains the old one; when the new version
 * fails to load or to start, the old one keeps serving untouched.
 */
export class IntegrationService {
  private readonly opts: ServiceOptions;
  private current: Runtime | undefined;
  private stopping = false;
  /** Reloads run one at a time; changes arriving meanwhile collapse into one more reload. */
  private chain: Promise<unknown> = Promise.resolve();
  private pending: Promise<ReloadResult> | undefined;

  private constructor(opts: ServiceOptions) {
    this.opts = opts;
  }

  /** Loads and starts the config; rejects with LoadFailedError (already reported) or a start error. */
  static async start(opts: ServiceOptions): Promise<IntegrationService> {
    const service = new IntegrationService(opts);
    const runtime = service.load();
    if (!runtime) throw new LoadFailedError(service.lastDiagnostics);
    await service.activate(runtime);
    return service;
  }

  /** The runtime serving now. */
  get runtime(): Runtime {
    if (!this.current) throw new Error("the service is not running");
    return this.current;
  }

  /** Ready while a version serves and shutdown has not begun. */
  ready(): boolean {
    return this.current !== undefined && !this.stopping;
  }

  private lastDiagnostics: Diagnostic[] = [];

  private load(): Runtime | undefined {
    const { config, metrics, log: _log, report: _report, ...rest } = this.opts;
    const r = loadRuntime(config, { ...rest, observer: metrics });
    if (r.ok) return r.runtime;
    this.lastDiagnostics = r.diagnostics;
    this.opts.report(r.diagnostics);
    return undefined;
  }

  private async activate(runtime: Runtime): Promise<void> {
    await runtime.start();
    const previous = this.current;
    this.current = runtime;
    this.opts.metrics.use(runtime);
    // The old version's sources are already shadowed by the new one's; it finishes what it
    // accepted, then closes its connectors.
    await previous?.stop();
  }

  /** Loads the config again and swaps to it; keeps the running version when it fails. */
  reload(): Promise<ReloadResult> {
    if (this.pending) return this.pending;
    const run = async (): Promise<ReloadResult> => {
      this.pending = undefined;
      if (this.stopping) return "stopped";
      const { log, metrics } = this.opts;
      const next = this.load();
      if (!next) {
        metrics.reloaded(false);
        log.log("error", "octo: the edited config has errors; the previous version keeps serving");
        return "kept-previous";
      }
      try {
        await this.activate(next);
      } catch (e) {
        metrics.reloaded(false);
        log.log(
          "error",
          `octo: the edited config did not start (${errorText(e)}); the previous version keeps serving`,
        );
        return "kept-previous";
      }
      metrics.reloaded(true);
      log.log("info", `octo: reloaded ${this.opts.config}`, { flows: next.flowNames });
      return "reloaded";
    };
    const result = this.chain.then(run, run);
    this.pending = result;
    this.chain = result.catch(() => {});
    return result;
  }

  /**
   * Graceful stop: readiness flips first, then sources stop taking work and in-flight messages
   * drain. Resolves true when everything drained within `graceMs`, false when time ran out.
   */
  async shutdown(graceMs: number): Promise<boolean> {
    this.stopping = true;
    await this.chain;
    const runtime = this.current;
    if (!runtime) return true;
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      runtime.stop().then(() => true),
      new Promise<boolean>((r) => {
        timer = setTimeout(() => r(false), graceMs);
      }),
    ]);
    clearTimeout(timer);
    return drained;
  }
}
