// Runs `octo` for real in a child process, the way a person runs a sample.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { join } from "node:path";

export const ROOT = join(import.meta.dirname, "..", "..", "..");
export const OCTO = join(ROOT, "packages/runtime/bin/octo.js");
export const sample = (...parts: string[]) => join(ROOT, "samples", ...parts);

/** A port nobody listens on right now (the OS picks it; we close it and hand it over). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  server.close();
  await once(server, "close");
  return port;
}

export interface OctoProcess {
  readonly child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves when the output matches; rejects after `ms` (a bound, not an expectation). */
  waitFor(pattern: RegExp, ms?: number): Promise<RegExpExecArray>;
  /** The management port (/healthz, /readyz, /metrics), once `octo run` said it is running. */
  managementPort(): Promise<number>;
  /** Resolves with the exit code and signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends a signal and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcess>();

/** Kills every child still running (call from afterEach). */
export function killAll(): void {
  for (const c of running) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  running.clear();
}

/**
 * Starts `octo <args>` with JSON logs and a management port the OS picks, so samples can run in
 * parallel without fighting over ports.
 */
export function startOcto(args: string[], env: Record<string, string> = {}): OctoProcess {
  return startNode([OCTO, ...args], {
    OCTO_MANAGEMENT_PORT: "0",
    OCTO_MANAGEMENT_HOST: "127.0.0.1",
    OCTO_LOG_FORMAT: "json",
    ...env,
  });
}

/** Runs `node <args>` from the repository root with its output captured (killAll stops it). */
export function startNode(args: string[], env: Record<string, string> = {}): OctoProcess {
  let output = "";
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  const append = (d: Buffer) => {
    output += d.toString("utf8");
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  const exited = once(child, "exit").then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  const waitFor = (pattern: RegExp, ms = 15_000) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const end = Date.now() + ms;
      const poll = setInterval(() => {
        const m = pattern.exec(output);
        if (m) {
          clearInterval(poll);
          resolve(m);
        } else if (Date.now() > end || child.exitCode !== null) {
          clearInterval(poll);
          reject(new Error(`no ${pattern} within ${ms}ms; output so far:\n${output}`));
        }
      }, 20);
    });
  return {
    child,
    output: () => output,
    waitFor,
    async managementPort() {
      const m = await waitFor(/"management":"http:\/\/[^"]*:(\d+)"/);
      return Number(m[1]);
    },
    exited,
    async stop(signal = "SIGTERM") {
      child.kill(signal);
      return exited;
    },
  };
}

/** Starts `octo run --config <config>` and resolves once it reports ready on /readyz. */
export async function runSample(config: string, env: Record<string, string> = {}, extra: string[] = []) {
  const octo = startOcto(["run", "--config", config, ...extra], env);
  const port = await octo.managementPort();
  const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
  if (ready.status !== 200) throw new Error(`not ready: ${ready.status}\n${octo.output()}`);
  return octo;
}
