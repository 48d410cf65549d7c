// A throwaway PostgreSQL cluster for tests: initdb into a temp dir, start it on a free port on
// 127.0.0.1, and remove everything on stop. Needs the distribution's postgresql package
// (/usr/lib/postgresql/<version>/bin); .ci/run installs it on CI.
import { execFile, execFileSync, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const PG_ROOT = "/usr/lib/postgresql";

export interface ThrowawayPostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres (trust auth, no password). */
  url: string;
  /** Stops the server and deletes its directory. */
  stop(): Promise<void>;
}

/** The bin directory of the highest installed PostgreSQL version. */
function postgresBin(): string {
  const versions = existsSync(PG_ROOT)
    ? readdirSync(PG_ROOT)
        .filter((v) => existsSync(join(PG_ROOT, v, "bin", "initdb")))
        .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a))
    : [];
  const newest = versions[0];
  if (newest === undefined) {
    throw new Error(
      `no PostgreSQL server found under ${PG_ROOT}/*/bin/initdb; install it (apt-get install -y postgresql)`,
    );
  }
  return join(PG_ROOT, newest, "bin");
}

/** initdb and postgres refuse to run as root: run them as an unprivileged account instead. */
function unprivilegedUser(): { name: string; uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ["postgres", "nobody"]) {
    try {
      const uid = Number(execFileSync("id", ["-u", name], { encoding: "utf8" }).trim());
      const gid = Number(execFileSync("id", ["-g", name], { encoding: "utf8" }).trim());
      return { name, uid, gid };
    } catch {
      // no such account: try the next one
    }
  }
  throw new Error("running as root and neither a postgres nor a nobody account exists to run PostgreSQL");
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

export async function startPostgres(): Promise<ThrowawayPostgres> {
  const bin = postgresBin();
  const user = unprivilegedUser();
  const command = (tool: string, args: string[]): [string, string[]] =>
    user ? ["runuser", ["-u", user.name, "--", join(bin, tool), ...args]] : [join(bin, tool), args];
  const dir = mkdtempSync(join(tmpdir(), "octo-pg-"));
  if (user) chownSync(dir, user.uid, user.gid);
  const data = join(dir, "data");
  const logFile = join(dir, "server.log");
  const pgCtl = (...args: string[]) => command("pg_ctl", ["-D", data, ...args]);

  const cleanup = () => {
    // Best effort, synchronous so it also works from an exit handler.
    const [cmd, args] = pgCtl("stop", "-m", "immediate", "-w");
    if (existsSync(join(data, "postmaster.pid"))) spawnSync(cmd, args, { stdio: "ignore" });
    rmSync(dir, { recursive: true, force: true });
  };
  // A test run that dies before stop() must not leave a server behind.
  process.once("exit", cleanup);

  try {
    const [initCmd, initArgs] = command("initdb", [
      "-D",
      data,
      "-A",
      "trust",
      "-U",
      "postgres",
      "-E",
      "UTF8",
      "--no-sync",
      "--no-instructions",
    ]);
    await run(initCmd, initArgs, { timeout: 120_000 });
    let lastError: unknown;
    // A port found free can be taken before the server binds it: retry with another.
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      // Durability is pointless for a throwaway cluster; turning it off makes tests faster.
      const options = [
        `-p ${port}`,
        "-c listen_addresses=127.0.0.1",
        `-c unix_socket_directories=${dir}`,
        "-c fsync=off",
        "-c synchronous_commit=off",
        "-c full_page_writes=off",
      ].join(" ");
      const [cmd, args] = pgCtl("start", "-w", "-t", "60", "-l", logFile, "-o", options);
      try {
        await run(cmd, args, { timeout: 90_000 });
        return {
          url: `postgres://postgres@127.0.0.1:${port}/postgres`,
          async stop() {
            process.removeListener("exit", cleanup);
            const [stopCmd, stopArgs] = pgCtl("stop", "-m", "fast", "-w");
            try {
              await run(stopCmd, stopArgs, { timeout: 60_000 });
            } finally {
              rmSync(dir, { recursive: true, force: true });
            }
          },
        };
      } catch (e) {
        lastError = e;
      }
    }
    const log = existsSync(logFile) ? readFileSync(logFile, "utf8") : "";
    throw new Error(
      `pg_ctl start failed: ${lastError instanceof Error ? lastError.message : String(lastError)}\n${log}`,
    );
  } catch (e) {
    process.removeListener("exit", cleanup);
    cleanup();
    throw e;
  }
}
