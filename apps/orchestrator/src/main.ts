// `node apps/orchestrator/src/main.ts`: the orchestrator on the configuration in the environment.
import { readConfig } from "./config.ts";
import { startOrchestrator } from "./orchestrator.ts";

let config: ReturnType<typeof readConfig>;
try {
  config = readConfig(process.env);
} catch (e) {
  process.stderr.write(`octo-orchestrator: ${(e as Error).message}\n`);
  process.exit(2);
}
const orchestrator = await startOrchestrator(config);
process.stderr.write(
  `octo-orchestrator: serving ${orchestrator.url}/trpc (data in ${config.databaseUrl ? "PostgreSQL" : config.dataDir})\n`,
);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    const timer = setTimeout(() => process.exit(1), config.shutdownGraceMs);
    timer.unref();
    orchestrator.close().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`octo-orchestrator: shutdown failed: ${(e as Error).message}\n`);
        process.exit(1);
      },
    );
  });
}
