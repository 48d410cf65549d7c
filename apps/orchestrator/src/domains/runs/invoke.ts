import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FlowTrace } from "@octo/runtime/tracing";
import { baseEnv, DEFAULT_OCTO_COMMAND } from "../../drivers/local/index.ts";

export interface InvokeResult {
  ok: boolean;
  /** The flow's output body (JSON) when it succeeded. */
  output?: unknown;
  /** Why it failed, as `octo invoke` says it (the block and the runtime's message). */
  error?: string;
  /** The run's log lines (JSON lines as the runtime writes them; secrets already redacted). */
  logs: string[];
  durationMs: number;
  /** Asked for with `trace`: every step's input, output, duration and error (`octo invoke --trace`). */
  trace?: FlowTrace;
}

const TIMEOUT_MS = 30_000;
const MAX_OUTPUT = 4 * 1_048_576;
/** A trace holds at most 4 Mi characters of copied values plus its nodes (the runtime's bounds). */
const MAX_TRACED_OUTPUT = 16 * 1_048_576;

/**
 * Runs one flow of a definition once with JSON input, as `octo invoke` in a child process:
 * the editor's invoke panel for flows without an HTTP source. Nothing stays running; the dev
 * env goes to the child only.
 */
export async function invokeFlow(options: {
  definition: string;
  flow: string;
  data: unknown;
  env: Record<string, string>;
  /** Record the run's trace (`--trace`): stdout is then `{result, trace}` or `{error, trace}`. */
  trace?: boolean;
  command?: readonly string[];
}): Promise<InvokeResult> {
  const dir = await mkdtemp(join(tmpdir(), "octo-invoke-"));
  const started = performance.now();
  try {
    const file = join(dir, "integration.yaml");
    await writeFile(file, options.definition);
    const [cmd, ...args] = options.command ?? DEFAULT_OCTO_COMMAND;
    const env: Record<string, string> = {
      ...baseEnv(),
      ...options.env,
      OCTO_LOG_FORMAT: "json",
      OCTO_MANAGEMENT_PORT: "off",
    };
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>(
      (resolve) => {
        execFile(
          cmd as string,
          [
            ...args,
            "invoke",
            "--config",
            file,
            "--flow",
            options.flow,
            "--data",
            JSON.stringify(options.data ?? null),
            ...(options.trace ? ["--trace"] : []),
          ],
          {
            // A plain record; the cast keeps it assignable where Next.js's types make NODE_ENV required.
            env: env as NodeJS.ProcessEnv,
            timeout: TIMEOUT_MS,
            maxBuffer: options.trace ? MAX_TRACED_OUTPUT : MAX_OUTPUT,
            killSignal: "SIGKILL",
          },
          (error, out, err) => {
            const timedOut = error && (error as { killed?: boolean }).killed;
            resolve({
              code: error ? ((error as { code?: number }).code ?? 1) : 0,
              stdout: String(out),
              stderr: timedOut
                ? `${String(err)}\nocto: the flow did not finish within ${TIMEOUT_MS / 1000} s`
                : String(err),
            });
          },
        );
      },
    );
    const lines = stderr.split("\n").filter((l) => l.trim() !== "");
    const logs = lines.filter((l) => l.startsWith("{"));
    const durationMs = Math.round(performance.now() - started);
    // With --trace, stdout is one JSON document holding the result (or the error) and the trace;
    // a run that failed before the flow started (a load error) prints nothing there.
    const traced = options.trace ? tracedOutput(stdout) : undefined;
    const trace = traced?.trace === undefined ? {} : { trace: traced.trace };
    if (code === 0) {
      const output = traced ? traced.result : (JSON.parse(stdout.trim() || "null") as unknown);
      return { ok: true, output, logs, durationMs, ...trace };
    }
    // What octo printed for a person: load diagnostics (file:line:col) or the flow's failure.
    const said = lines.filter((l) => !l.startsWith("{")).map((l) => l.replace(/^octo: /, ""));
    return {
      ok: false,
      error: said.join("\n") || `octo invoke exited with ${code}`,
      logs,
      durationMs,
      ...trace,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function tracedOutput(stdout: string): { result?: unknown; trace?: FlowTrace } {
  const text = stdout.trim();
  if (text === "") return {};
  return JSON.parse(text) as { result?: unknown; trace?: FlowTrace };
}
