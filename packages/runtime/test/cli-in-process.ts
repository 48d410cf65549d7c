// The CLI in-process with captured IO, for tests of its commands.
import { type CliIO, main } from "../src/cli/main.ts";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `octo <args>` through main() with `env` as its whole environment and `stdin` as its input. */
export async function octoInProcess(
  args: string[],
  options: { env?: Record<string, string>; stdin?: string } = {},
): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const io: CliIO = {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    readStdin: async () => options.stdin,
    env: options.env ?? {},
    stopSignal: () => Promise.resolve(),
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}
