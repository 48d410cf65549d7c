// @vitest-environment jsdom
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { TRPCClientError } from "@trpc/client";
import { describe, expect, it, vi } from "vitest";
import { RequestPanel, type RequestPanelProps } from "./request-panel.tsx";

const routes = [
  { flow: "get-order", path: "/orders/{id}" },
  { flow: "hook", path: "/hooks/{source}/events" },
];

function panel(overrides: Partial<RequestPanelProps> = {}) {
  const props: RequestPanelProps = {
    routes,
    canWrite: true,
    unavailable: null,
    busy: false,
    result: undefined,
    error: null,
    onSend: vi.fn(),
    ...overrides,
  };
  const view = render(<RequestPanel {...props} />);
  return { props, ...view };
}

describe("RequestPanel", () => {
  it("starts from the first route with its {param} segments filled in", () => {
    panel();
    expect((screen.getByLabelText("Path") as HTMLInputElement).value).toBe("/orders/1");
    expect((screen.getByLabelText("Method") as HTMLSelectElement).value).toBe("GET");
    // GET carries no body.
    expect((screen.getByLabelText("Body") as HTMLTextAreaElement).disabled).toBe(true);
  });

  it("takes another route's path when one is chosen", async () => {
    const user = userEvent.setup();
    panel();
    await user.selectOptions(screen.getByLabelText("Route"), "1");
    expect((screen.getByLabelText("Path") as HTMLInputElement).value).toBe("/hooks/1/events");
  });

  it("sends exactly the method, path, headers and JSON body typed", async () => {
    const user = userEvent.setup();
    const { props } = panel();
    await user.selectOptions(screen.getByLabelText("Method"), "POST");
    const path = screen.getByLabelText("Path");
    await user.clear(path);
    await user.type(path, "/orders/42?dry=1");
    await user.click(screen.getByRole("button", { name: "Add header" }));
    await user.type(screen.getByLabelText("Header 1 name"), "X-Trace");
    await user.type(screen.getByLabelText("Header 1 value"), "abc");
    const body = screen.getByLabelText("Body");
    await user.clear(body);
    await user.click(body);
    await user.paste('{"sku":"A1"}');
    await user.click(screen.getByRole("button", { name: "Send" }));
    expect(props.onSend).toHaveBeenCalledWith({
      method: "POST",
      path: "/orders/42?dry=1",
      headers: { "x-trace": "abc", "content-type": "application/json" },
      body: '{"sku":"A1"}',
    });
  });

  it("drops a removed header", async () => {
    const user = userEvent.setup();
    const { props } = panel();
    await user.click(screen.getByRole("button", { name: "Add header" }));
    await user.type(screen.getByLabelText("Header 1 name"), "X-Gone");
    await user.click(screen.getByRole("button", { name: "Remove header 1" }));
    await user.click(screen.getByRole("button", { name: "Send" }));
    expect(props.onSend).toHaveBeenCalledWith({ method: "GET", path: "/orders/1", headers: {} });
  });

  it("refuses a JSON body that does not parse, inline", async () => {
    const user = userEvent.setup();
    const { props } = panel();
    await user.selectOptions(screen.getByLabelText("Method"), "POST");
    const body = screen.getByLabelText("Body");
    await user.clear(body);
    await user.click(body);
    await user.paste("{nope");
    await user.click(screen.getByRole("button", { name: "Send" }));
    expect(props.onSend).not.toHaveBeenCalled();
    expect(screen.getByRole("alert").textContent).toContain("Not valid JSON");
    expect(body.getAttribute("aria-invalid")).toBe("true");
  });

  it("shows the status, the duration, the headers folded and the body pretty-printed", () => {
    panel({
      result: {
        status: 201,
        headers: { "content-type": "application/json", "x-request-id": "r-9" },
        body: '{"id":42,"ok":true}',
        durationMs: 12,
      },
    });
    const response = screen.getByRole("region", { name: "Response" });
    expect(within(response).getByText("Status 201")).toBeTruthy();
    expect(within(response).getByText("12 ms")).toBeTruthy();
    const details = response.querySelector("details") as HTMLDetailsElement;
    expect(details.open).toBe(false);
    expect(within(response).getByText("Headers (2)")).toBeTruthy();
    expect(within(response).getByText("r-9")).toBeTruthy();
    expect(within(response).getByRole("figure", { name: "Body (JSON)" }).textContent).toContain(
      '{\n  "id": 42,\n  "ok": true\n}',
    );
  });

  it("shows a text body as received", () => {
    panel({ result: { status: 500, headers: {}, body: "boom\nat line 2", durationMs: 3 } });
    expect(screen.getByRole("figure", { name: "Body" }).textContent).toContain("boom\nat line 2");
  });

  it("shows an API error as its message", () => {
    panel({ error: new TRPCClientError("the run is not serving HTTP (stopped, or no HTTP_PORT declared)") });
    expect(screen.getByRole("alert").textContent).toBe(
      "the run is not serving HTTP (stopped, or no HTTP_PORT declared)",
    );
  });

  it("cannot send without a live run, and says so", () => {
    panel({ unavailable: "Start a run to send test requests." });
    const send = screen.getByRole("button", { name: "Send" }) as HTMLButtonElement;
    expect(send.disabled).toBe(true);
    expect(screen.getByText("Start a run to send test requests.")).toBeTruthy();
  });

  it("lets readers see the form with every control disabled", () => {
    const { container } = panel({ canWrite: false });
    const controls = container.querySelectorAll("input, select, textarea, button");
    expect(controls.length).toBeGreaterThan(3);
    for (const control of controls) expect((control as HTMLButtonElement).disabled).toBe(true);
  });
});
