import { type Database, deployments } from "@octo/db";
import { count } from "drizzle-orm";
import { Gauge, type Registry } from "prom-client";

/**
 * Gauges of what is deployed, read from the database at scrape time (one query each), so every
 * replica of the orchestrator reports the same numbers and nothing is counted per request.
 */
export function observeDeployments(registry: Registry, db: Database): void {
  new Gauge({
    name: "octo_deployments",
    help: "Deployments by status (pending, starting, ready, progressing, failed, stopped …)",
    labelNames: ["status"],
    registers: [registry],
    async collect() {
      const rows = await db
        .select({ status: deployments.status, n: count() })
        .from(deployments)
        .groupBy(deployments.status);
      this.reset();
      for (const r of rows) this.set({ status: r.status }, r.n);
    },
  });
  new Gauge({
    name: "octo_deployment_replicas",
    help: "Desired replicas of each deployment",
    labelNames: ["deployment"],
    registers: [registry],
    async collect() {
      const rows = await db
        .select({ name: deployments.name, replicas: deployments.replicas })
        .from(deployments);
      this.reset();
      for (const r of rows) this.set({ deployment: r.name }, r.replicas);
    },
  });
}
