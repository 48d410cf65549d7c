// Node flags of a long-running `octo run`. By default V8 grows its young generation under a high
// allocation rate and never gives it back, so a busy server's RSS creeps up by tens of MiB with no
// live object behind it. A fixed size keeps RSS flat and predictable under a container's memory
// limit: bench memory-soak's RSS growth 13-39 % → 0 %, with no more time in scavenges than the
// default (fewer of them: the young generation no longer starts small). 16 MiB semi-spaces: 8 doubled
// the scavenge time, 32 cost 33 MiB more RSS for a third less of it. Flags can only be given when a
// process starts, so `octo run` re-executes itself with them (process.execve: same pid, same stdio,
// no parent left behind); `invoke` and `validate` are left alone, their cold start counts. This
// module is imported before anything else: it must stay cheap (no dependencies).

/** Node flags `octo run` runs with, unless the operator chose otherwise (OCTO_NODE_OPTIONS). */
export const RUN_NODE_FLAGS: readonly string[] = ["--max-semi-space-size=16", "--min-semi-space-size=16"];

/** Replaces RUN_NODE_FLAGS (space-separated); empty: V8's defaults. */
export const NODE_OPTIONS_ENV = "OCTO_NODE_OPTIONS";

/** Set by the re-execution for the new process, which removes it: never re-executes twice. */
const RELAUNCHED_ENV = "OCTO_RELAUNCHED";

const words = (text: string | undefined) => (text ?? "").split(/\s+/).filter((w) => w !== "");

/**
 * What a flag sets: its name with `_` as `-` (V8 takes both), min/max dropped so that a bound set by
 * the operator replaces the pair (`--max-semi-space-size=8` and our minimum of 16 would conflict).
 */
function knob(flag: string): string {
  return flag
    .replace(/^--?/, "")
    .replace(/=.*$/, "")
    .replaceAll("_", "-")
    .replace(/^(min|max)-/, "");
}

/** The node flags `octo run` is configured with: OCTO_NODE_OPTIONS when set, else RUN_NODE_FLAGS. */
export function configuredRunFlags(env: Record<string, string | undefined>): string[] {
  const own = env[NODE_OPTIONS_ENV];
  return own === undefined ? [...RUN_NODE_FLAGS] : words(own);
}

/**
 * Of `wanted`, the flags this process does not have yet. A setting the process already has — from
 * its command line (`execArgv`) or NODE_OPTIONS, whatever the value — is the operator's and wins.
 */
export function missingFlags(
  wanted: readonly string[],
  env: Record<string, string | undefined>,
  execArgv: readonly string[],
): string[] {
  const given = new Set([...execArgv, ...words(env.NODE_OPTIONS)].filter((a) => a.startsWith("-")).map(knob));
  return wanted.filter((f) => !given.has(knob(f)));
}

/** The CLI command in `args` (the arguments after the script): the first one that is not an option. */
export function commandOf(args: readonly string[]): string | undefined {
  return args.find((a) => !a.startsWith("-"));
}

/** The flags to re-execute with for these arguments: [] for every command but `run`. */
export function relaunchFlags(
  args: readonly string[],
  env: Record<string, string | undefined>,
  execArgv: readonly string[],
): string[] {
  if (commandOf(args) !== "run") return [];
  return missingFlags(configuredRunFlags(env), env, execArgv);
}

/**
 * For `octo run` without its node flags: replaces this process with the same command plus the
 * flags (does not return). Otherwise, or where process.execve is unavailable or fails (Windows),
 * returns and the command runs as it is.
 */
export function relaunchWithRunFlags(): void {
  if (process.env[RELAUNCHED_ENV] !== undefined) {
    // Children of this process (e.g. a plugin's) start afresh.
    delete process.env[RELAUNCHED_ENV];
    return;
  }
  const flags = relaunchFlags(process.argv.slice(2), process.env, process.execArgv);
  if (flags.length === 0 || process.execve === undefined) return;
  try {
    process.execve(
      process.execPath,
      [process.execPath, ...process.execArgv, ...flags, ...process.argv.slice(1)],
      { ...process.env, [RELAUNCHED_ENV]: "1" },
    );
  } catch (e) {
    process.stderr.write(
      `octo: running without ${flags.join(" ")} (${e instanceof Error ? e.message : String(e)})\n`,
    );
  }
}
