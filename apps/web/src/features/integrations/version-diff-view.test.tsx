// @vitest-environment jsdom
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { diffRows } from "./version-diff.ts";
import { DiffView, DRAFT, VersionDiffPanel } from "./version-diff-view.tsx";

const versions = [
  { id: "v2", tag: "v2", createdAt: "2025-02-01T00:00:00Z" },
  { id: "v1", tag: "v1", createdAt: "2025-01-01T00:00:00Z" },
];

describe("DiffView", () => {
  it("marks added and removed lines with a class and a +/- sign, unchanged ones with neither", () => {
    render(<DiffView rows={diffRows("a: 1\nb: 2\nc: 3\n", "a: 1\nb: 20\nc: 3\nd: 4\n")} label="v1 and v2" />);
    const region = screen.getByRole("region", { name: "Differences between v1 and v2" });
    const lines = [...region.children].map((el) => ({
      cls: el.classList.contains("diff-add") ? "add" : el.classList.contains("diff-del") ? "del" : "same",
      text: [...el.children].map((c) => c.textContent).join("|"),
    }));
    expect(lines).toEqual([
      { cls: "same", text: "1|1| |a: 1" },
      { cls: "del", text: "2||-|b: 2" },
      { cls: "add", text: "|2|+|b: 20" },
      { cls: "same", text: "3|3| |c: 3" },
      { cls: "add", text: "|4|+|d: 4" },
    ]);
    expect(screen.getByText("2 lines added, 1 removed.")).toBeTruthy();
  });

  it("says when there is no difference", () => {
    render(<DiffView rows={diffRows("a\n", "a\n")} label="v1 and v1" />);
    expect(screen.getByText("No differences between v1 and v1.")).toBeTruthy();
    expect(screen.queryByRole("region")).toBeNull();
  });
});

describe("VersionDiffPanel", () => {
  it("offers every version and the current definition on both sides and reports the choice", async () => {
    const user = userEvent.setup();
    const onFromChange = vi.fn();
    const onToChange = vi.fn();
    render(
      <VersionDiffPanel
        versions={versions}
        from="v2"
        to={DRAFT}
        onFromChange={onFromChange}
        onToChange={onToChange}
        before={"x: 1\n"}
        after={"x: 2\n"}
      />,
    );
    const from = screen.getByLabelText("From") as HTMLSelectElement;
    expect([...from.options].map((o) => o.textContent)).toEqual(["Current definition (saved)", "v2", "v1"]);
    await user.selectOptions(from, "v1");
    expect(onFromChange).toHaveBeenCalledWith("v1");
    await user.selectOptions(screen.getByLabelText("To"), "v2");
    expect(onToChange).toHaveBeenCalledWith("v2");
    const region = screen.getByRole("region", { name: "Differences between v2 and the current definition" });
    expect(within(region).getByText("x: 1").closest(".diff-del")).toBeTruthy();
    expect(within(region).getByText("x: 2").closest(".diff-add")).toBeTruthy();
  });

  it("waits for a side still loading and asks for a version when there is none", () => {
    const { rerender } = render(
      <VersionDiffPanel
        versions={versions}
        from="v1"
        to="v2"
        onFromChange={vi.fn()}
        onToChange={vi.fn()}
        before={undefined}
        after={"x\n"}
      />,
    );
    expect(screen.getByText("Loading the versions…")).toBeTruthy();
    rerender(
      <VersionDiffPanel
        versions={[]}
        from={DRAFT}
        to={DRAFT}
        onFromChange={vi.fn()}
        onToChange={vi.fn()}
        before=""
        after=""
      />,
    );
    expect(screen.getByText("Nothing to compare yet")).toBeTruthy();
    expect(screen.queryByLabelText("From")).toBeNull();
  });
});
