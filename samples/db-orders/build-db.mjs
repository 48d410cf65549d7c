// Builds the sample's SQLite database from schema.sqlite.sql (Node's built-in node:sqlite).
//   node samples/db-orders/build-db.mjs [path]     # default: samples/db-orders/orders.db
// An existing file is replaced, so the sample always starts from the same rows.
import { readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { DatabaseSync } from "node:sqlite";

export function buildDatabase(path) {
  rmSync(path, { force: true });
  const db = new DatabaseSync(path);
  try {
    db.exec(readFileSync(join(import.meta.dirname, "schema.sqlite.sql"), "utf8"));
  } finally {
    db.close();
  }
  return path;
}

if (process.argv[1] && resolve(process.argv[1]) === import.meta.filename) {
  const path = resolve(process.argv[2] ?? join(import.meta.dirname, "orders.db"));
  buildDatabase(path);
  console.log(`built ${path}`);
}
