// @vitest-environment jsdom
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { Deployment, VersionSummary } from "../../../../features/deployments/types.ts";
import { DeploymentDetailView, type DeploymentDetailViewProps } from "./deployment-detail-view.tsx";

const INTEGRATION = "i0000000-0000-4000-8000-000000000001";
const V1 = "v0000000-0000-4000-8000-000000000001";
const V2 = "v0000000-0000-4000-8000-000000000002";
const deployment: Deployment = {
  id: "d0000000-0000-4000-8000-000000000001",
  integrationId: INTEGRATION,
  versionId: V1,
  name: "Shop",
  tag: "v1",
  slug: "shop",
  replicas: 2,
  status: "pending",
  desiredReplicas: 2,
  readyReplicas: 1,
  pods: [
    { name: "shop-0", phase: "ready", ready: true, restarts: 0 },
    { name: "shop-1", phase: "crashed", ready: false, restarts: 4 },
  ],
  reason: "exited with code 1: boom",
  url: "http://127.0.0.1:40001",
  createdAt: "2025-01-01T00:00:00.000Z",
  lastUpdated: "2025-01-02T00:00:00.000Z",
};
const versions: VersionSummary[] = [
  { id: V2, integrationId: INTEGRATION, tag: "v2", createdAt: "2025-02-01T00:00:00.000Z" },
  { id: V1, integrationId: INTEGRATION, tag: "v1", createdAt: "2025-01-01T00:00:00.000Z" },
];

function view(overrides: Partial<DeploymentDetailViewProps> = {}) {
  const props: DeploymentDetailViewProps = {
    deployment,
    gone: false,
    live: <span>Live</span>,
    events: [
      { at: "2025-01-02T00:00:00.000Z", from: "running", to: "pending", reason: "exited with code 1: boom" },
    ],
    canWrite: true,
    versions,
    logs: <p>log panel</p>,
    onScale: vi.fn(),
    scaleBusy: false,
    onRollout: vi.fn(),
    rolloutBusy: false,
    onUndeploy: vi.fn(),
    undeployBusy: false,
    ...overrides,
  };
  render(<DeploymentDetailView {...props} />);
  return props;
}

describe("DeploymentDetailView", () => {
  it("is read-only for a reader: no scale, rollout or undeploy controls", () => {
    view({ canWrite: false });
    expect(screen.queryByRole("button", { name: "Scale" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Roll out" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Undeploy" })).toBeNull();
    expect(screen.queryByRole("spinbutton")).toBeNull();
    expect(screen.getByText(/Read-only/)).toBeTruthy();
    // What a reader may see is all there.
    expect(screen.getByRole("heading", { name: "Shop" })).toBeTruthy();
    expect(screen.getAllByRole("row").length).toBeGreaterThan(2);
  });

  it("shows pods and the status changes seen on this page", () => {
    view();
    const pods = within(screen.getByRole("region", { name: "Pods" }));
    const crashed = within(pods.getByText("shop-1").closest("tr") as HTMLElement);
    expect(crashed.getByText("crashed")).toBeTruthy();
    expect(crashed.getByText("no")).toBeTruthy();
    expect(crashed.getByText("4")).toBeTruthy();
    const events = within(screen.getByRole("region", { name: "Events" }));
    expect(events.getByText(/since you opened this page/)).toBeTruthy();
    expect(events.getByText("running → pending")).toBeTruthy();
    expect(screen.getByRole("link", { name: "Integration" }).getAttribute("href")).toBe(
      `/integrations/${INTEGRATION}`,
    );
  });

  it("scales to the number typed, and only to 1–20", async () => {
    const user = userEvent.setup();
    const props = view();
    const scale = screen.getByRole("button", { name: "Scale" }) as HTMLButtonElement;
    // Already at 2: nothing to do.
    expect(scale.disabled).toBe(true);
    const replicas = screen.getByLabelText("Replicas");
    await user.tripleClick(replicas);
    await user.keyboard("25");
    expect(scale.disabled).toBe(true);
    await user.tripleClick(replicas);
    await user.keyboard("3");
    await user.click(scale);
    expect(props.onScale).toHaveBeenCalledWith(3);
  });

  it("rolls out another version of the integration", async () => {
    const user = userEvent.setup();
    const props = view();
    const select = screen.getByLabelText("Roll out another version");
    // The running version is not offered.
    expect(within(select).queryByRole("option", { name: "v1" })).toBeNull();
    await user.selectOptions(select, "v2");
    await user.click(screen.getByRole("button", { name: "Roll out" }));
    expect(props.onRollout).toHaveBeenCalledWith(V2);
  });

  it("undeploys only after confirming", async () => {
    const user = userEvent.setup();
    const props = view();
    await user.click(screen.getByRole("button", { name: "Undeploy" }));
    expect(props.onUndeploy).not.toHaveBeenCalled();
    const dialog = screen.getByRole("dialog", { name: "Undeploy Shop?" });
    await user.click(within(dialog).getByRole("button", { name: "Undeploy" }));
    expect(props.onUndeploy).toHaveBeenCalledTimes(1);
  });

  it("says when the deployment is gone and offers no controls", () => {
    view({ gone: true });
    expect(screen.getByText(/no longer exists/)).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Undeploy" })).toBeNull();
  });
});
