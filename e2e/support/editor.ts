// The editor's regions, by their accessible names, and typing into its CEL fields.
import { expect, type Locator, type Page } from "@playwright/test";

export function editor(page: Page) {
  const main = page.getByRole("main");
  const run = main.getByRole("region", { name: "Run" });
  return {
    toolbar: main,
    palette: main.getByRole("complementary", { name: "Palette" }),
    canvas: main.getByRole("application"),
    settings: main.getByRole("region", { name: "Settings" }),
    environment: main.getByRole("region", { name: "Environment" }),
    problems: main.getByRole("region", { name: "Problems" }),
    run,
    runButton: run.getByRole("button", { name: "RUN", exact: true }),
    save: main.getByRole("button", { name: "Save", exact: true }),
    tab: (name: string | RegExp, options: { exact?: boolean } = {}) =>
      run.getByRole("tab", { name, ...options }),
  };
}

export type Editor = ReturnType<typeof editor>;

/** Waits until the runtime's validation has judged the text on screen (no "checking…"). */
export async function validated(e: Editor): Promise<void> {
  await expect(e.problems.getByRole("heading", { name: /^Problems/ })).not.toContainText("checking", {
    timeout: 15_000,
  });
}

/**
 * Replaces a CEL field's text (a CodeMirror editor): the text is inserted as one input, the way
 * a paste is, so the editor's bracket auto-closing does not add to it.
 */
export async function typeCel(field: Locator, text: string): Promise<void> {
  await field.click();
  await field.press("ControlOrMeta+a");
  await field.page().keyboard.insertText(text);
}
