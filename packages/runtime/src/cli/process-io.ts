import { once } from "node:events";
import type { CliIO } from "./main.ts";

/** The real process's streams, environment and stop signals. */
export function processIO(): CliIO {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    async readStdin() {
      if (process.stdin.isTTY) return undefined;
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return Buffer.concat(chunks).toString("utf8");
    },
    async stopSignal() {
      // Signal listeners do not keep Node alive: without this, a config that holds nothing open
      // (no source, no management port) would end at once, with exit code 13 (unsettled await).
      const keepAlive = setInterval(() => {}, 2 ** 30);
      await Promise.race([once(process, "SIGINT"), once(process, "SIGTERM")]);
      clearInterval(keepAlive);
      // Later signals while draining are ignored rather than killing the process midway.
      const ignore = () => {};
      process.on("SIGINT", ignore);
      process.on("SIGTERM", ignore);
    },
  };
}
