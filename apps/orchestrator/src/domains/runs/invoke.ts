import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
}

const TIMEOUT_MS = 30_000;
const MAX_OUTPUT = 4 * 1_048_576;

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
          ],
          {
            // A plain record; the cast keeps it assignable where Next.js's types make NODE_ENV required.
            env: env as NodeJS.ProcessEnv,
            timeout: TIMEOUT_MS,
            maxBuffer: MAX_OUTPUT,
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
    if (code === 0) {
      return { ok: true, output: JSON.parse(stdout.trim() || "null") as unknown, logs, durationMs };
    }
    // What octo printed for a person: load diagnostics (file:line:col) or the flow's failure.
    const said = lines.filter((l) => !l.startsWith("{")).map((l) => l.replace(/^octo: /, ""));
    return { ok: false, error: said.join("\n") || `octo invoke exited with ${code}`, logs, durationMs };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
