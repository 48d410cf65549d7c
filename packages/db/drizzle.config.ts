// drizzle-kit config: `pnpm --filter @octo/db generate` diffs src/schema.ts against migrations/meta and
// writes the next numbered SQL migration. Generated files are checked in and never edited by hand.
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: "./src/schema.ts",
  out: "./migrations",
  strict: true,
});
