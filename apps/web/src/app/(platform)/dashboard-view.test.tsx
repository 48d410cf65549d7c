// @vitest-environment jsdom
import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { Deployment } from "../../features/deployments/types.ts";
import { DashboardTable } from "./dashboard-view.tsx";

const deployment = (changes: Partial<Deployment>): Deployment => ({
  id: "d0000000-0000-4000-8000-000000000001",
  integrationId: "i0000000-0000-4000-8000-000000000001",
  versionId: "v0000000-0000-4000-8000-000000000001",
  name: "Shop",
  tag: "v1",
  slug: "shop",
  replicas: 2,
  status: "running",
  desiredReplicas: 2,
  readyReplicas: 2,
  pods: [],
  createdAt: "2025-01-01T00:00:00.000Z",
  lastUpdated: "2025-01-02T00:00:00.000Z",
  ...changes,
});

describe("DashboardTable", () => {
  it("lists each deployment with its links, version, status, failure and URL", () => {
    render(
      <DashboardTable
        deployments={[
          deployment({ externalUrl: "https://shop.apps.example.com", url: "http://127.0.0.1:40001" }),
          deployment({
            id: "d0000000-0000-4000-8000-000000000002",
            integrationId: "i0000000-0000-4000-8000-000000000002",
            name: "Billing",
            tag: "2.0",
            slug: null,
            status: "failed",
            readyReplicas: 0,
            desiredReplicas: 1,
            reason: "exited with code 1: missing DB_URL",
          }),
        ]}
        integrationNames={new Map([["i0000000-0000-4000-8000-000000000001", "Shop (renamed)"]])}
      />,
    );
    const rows = screen.getAllByRole("row").slice(1);
    expect(rows).toHaveLength(2);
    const [shop, billing] = rows.map((r) => within(r));
    if (!shop || !billing) throw new Error("rows missing");

    expect(shop.getByRole("link", { name: "Shop" }).getAttribute("href")).toBe(
      "/deployments/d0000000-0000-4000-8000-000000000001",
    );
    expect(shop.getByRole("link", { name: "Shop (renamed)" }).getAttribute("href")).toBe(
      "/integrations/i0000000-0000-4000-8000-000000000001",
    );
    expect(shop.getByText("running 2/2")).toBeTruthy();
    // The external URL wins over the internal one.
    expect(shop.getByRole("link", { name: "https://shop.apps.example.com" }).getAttribute("href")).toBe(
      "https://shop.apps.example.com",
    );

    expect(billing.getByText("failed 0/1")).toBeTruthy();
    expect(billing.getByText("exited with code 1: missing DB_URL")).toBeTruthy();
    expect(billing.getByText("2.0")).toBeTruthy();
    // Without a known integration name, the deployment's own name stands in.
    expect(billing.getAllByRole("link", { name: "Billing" }).map((a) => a.getAttribute("href"))).toEqual([
      "/deployments/d0000000-0000-4000-8000-000000000002",
      "/integrations/i0000000-0000-4000-8000-000000000002",
    ]);
    expect(billing.getByText("none")).toBeTruthy();
  });

  it("says there are no deployments yet and links to the integrations", () => {
    render(<DashboardTable deployments={[]} />);
    expect(screen.getByText("No deployments yet")).toBeTruthy();
    expect(screen.getByRole("link", { name: "integration" }).getAttribute("href")).toBe("/integrations");
    expect(screen.queryByRole("table")).toBeNull();
  });
});
