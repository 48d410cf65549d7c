// @vitest-environment jsdom
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { DevEnvPanel } from "./dev-env-panel.tsx";
import { memoryStorage } from "./memory-storage.ts";
import type { DeclaredEnvVar, DevEnvStorage } from "./run-model.ts";
import { useDevEnv } from "./use-dev-env.ts";

const INTEGRATION = "11111111-1111-4111-8111-111111111111";
const KEY = `octo.devEnv:${INTEGRATION}`;
const declared: DeclaredEnvVar[] = [
  { name: "API_TOKEN", required: true, secret: true },
  { name: "REGION", default: "eu-west-1" },
];

/** The panel with its values held and stored the way run-panel.tsx does it. */
function Stored({
  storage,
  canWrite = true,
  vars = declared,
}: {
  storage: DevEnvStorage;
  canWrite?: boolean;
  vars?: DeclaredEnvVar[];
}) {
  const env = useDevEnv(INTEGRATION, storage);
  return (
    <DevEnvPanel
      declared={vars}
      values={env.values}
      canWrite={canWrite}
      saveFailed={env.saveFailed}
      onChange={env.setValue}
    />
  );
}

const valueInput = (name: string) =>
  screen.getByLabelText(new RegExp(name), { selector: "input" }) as HTMLInputElement;

describe("DevEnvPanel", () => {
  it("lists each declared var with its required marker and its default as placeholder", () => {
    render(<Stored storage={memoryStorage()} />);
    expect(screen.getByText("API_TOKEN").textContent).toBe("API_TOKEN");
    expect(screen.getByText("required")).toBeTruthy();
    expect(valueInput("REGION").placeholder).toBe("eu-west-1");
    expect(screen.getByText("Needed to run: it has no default.")).toBeTruthy();
    expect(screen.getByText(/stay in this browser only \(its localStorage\)/).textContent).toContain(
      "sent only with RUN and Invoke, only for the env vars declared here, and blank values are left out",
    );
  });

  it("persists each change to the given storage and reads it back on the next visit", async () => {
    const user = userEvent.setup();
    const storage = memoryStorage();
    const first = render(<Stored storage={storage} />);
    await user.type(valueInput("API_TOKEN"), "s3cret-value");
    await user.type(valueInput("REGION"), "us-east-2");
    expect(JSON.parse(storage.data.get(KEY) ?? "{}")).toEqual({
      API_TOKEN: "s3cret-value",
      REGION: "us-east-2",
    });

    await user.clear(valueInput("REGION"));
    expect(JSON.parse(storage.data.get(KEY) ?? "{}")).toEqual({ API_TOKEN: "s3cret-value" });

    first.unmount();
    render(<Stored storage={storage} />);
    expect(valueInput("API_TOKEN").value).toBe("s3cret-value");
  });

  it("never puts a masked value in the page's text or HTML", async () => {
    const user = userEvent.setup();
    const storage = memoryStorage({ [KEY]: '{"API_TOKEN":"stored-secret"}' });
    const { container } = render(<Stored storage={storage} />);
    const token = valueInput("API_TOKEN");
    expect(token.type).toBe("password");
    expect(token.value).toBe("stored-secret");
    await user.type(token, "-more");
    expect(container.innerHTML).not.toContain("stored-secret");
    expect(document.body.textContent).not.toContain("stored-secret");

    const show = screen.getByRole("button", { name: "Show API_TOKEN" });
    expect(show.getAttribute("aria-pressed")).toBe("false");
    await user.click(show);
    expect(token.type).toBe("text");
    // Shown on screen, but still not copied into the markup.
    expect(container.innerHTML).not.toContain("stored-secret");
    await user.click(screen.getByRole("button", { name: "Hide API_TOKEN" }));
    expect(token.type).toBe("password");
  });

  it("starts every value masked, secret or not", () => {
    render(<Stored storage={memoryStorage()} />);
    expect(valueInput("API_TOKEN").type).toBe("password");
    expect(valueInput("REGION").type).toBe("password");
  });

  it("says so when the browser refuses to store", async () => {
    const user = userEvent.setup();
    const full: DevEnvStorage = {
      getItem: () => null,
      setItem: () => {
        throw new Error("QuotaExceededError");
      },
      removeItem: () => {},
    };
    render(<Stored storage={full} />);
    await user.type(valueInput("REGION"), "x");
    expect(screen.getByRole("alert").textContent).toContain("did not store the values");
  });

  it("lets readers see the vars with every control disabled", () => {
    const { container } = render(<Stored storage={memoryStorage()} canWrite={false} />);
    const controls = container.querySelectorAll("input, button");
    expect(controls.length).toBe(4);
    for (const control of controls) expect((control as HTMLInputElement).disabled).toBe(true);
  });

  it("says when nothing is declared", () => {
    render(<Stored storage={memoryStorage()} vars={[]} />);
    expect(screen.getByText("No env vars declared")).toBeTruthy();
  });
});
