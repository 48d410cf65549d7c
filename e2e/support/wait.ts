// Waiting on what the platform serves: deployed endpoints, deployment rows, detail fields.
import type { Locator, Page } from "@playwright/test";

/** A deployed endpoint's answer (status and JSON body), or "unreachable" when nothing listens. */
export async function answers(url: string): Promise<{ status: number; body: unknown } | "unreachable"> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: compared as text.
    }
    return { status: res.status, body };
  } catch {
    return "unreachable";
  }
}

/** The row of a deployments table whose version column shows `tag`. */
export function deploymentRow(table: Locator, tag: string): Locator {
  return table.getByRole("row").filter({ has: table.page().getByRole("cell", { name: tag, exact: true }) });
}

/** The deployment page's "Internal URL" (where the local driver serves it). */
export async function internalUrl(page: Page): Promise<string> {
  const details = page.getByRole("region", { name: "Details" });
  const dd = details.locator("dt", { hasText: "Internal URL" }).locator("xpath=following-sibling::dd[1]");
  const text = ((await dd.textContent()) ?? "").trim();
  if (!/^https?:\/\//.test(text)) throw new Error(`no internal URL on the deployment page: ${text}`);
  return text.replace(/\/$/, "");
}
