// `pnpm --filter @octo/db migrate`: apply pending migrations to DATABASE_URL, or to the embedded
// PGlite database under OCTO_DATA_DIR, and say what was done.
import { openDatabase } from "./client.ts";

const url = process.env.DATABASE_URL || undefined;
const dataDir = process.env.OCTO_DATA_DIR || undefined;
if (!url && !dataDir) {
  console.error("set DATABASE_URL (postgres://…) or OCTO_DATA_DIR (embedded PGlite)");
  process.exit(2);
}
const where = url ? `PostgreSQL ${url.replace(/\/\/[^@/]*@/, "//***@")}` : `PGlite in ${dataDir}`;
try {
  const handle = await openDatabase({ url, dataDir, migrate: false });
  try {
    const report = await handle.migrate();
    if (report.applied.length === 0) {
      console.log(`${where}: up to date (${report.total} migration(s), none pending)`);
    } else {
      console.log(
        `${where}: applied ${report.applied.length} of ${report.total}: ${report.applied.join(", ")}`,
      );
    }
  } finally {
    await handle.close();
  }
} catch (e) {
  console.error(`migration failed for ${where}: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
