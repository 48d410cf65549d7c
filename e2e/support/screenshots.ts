// Screenshots of the main pages, overwritten on every run: e2e/screenshots/<name>.png at the
// configured 1280 wide, and <name>-phone.png at 390 wide for the pages that must work on a phone
// (whole pages, not just the viewport).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "@playwright/test";

export const SCREENSHOTS_DIR = join(import.meta.dirname, "..", "screenshots");

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

async function settle(page: Page): Promise<void> {
  // Fonts and layout (the canvas lays itself out after a resize).
  // A string: the browser's globals are not in this project's TypeScript lib.
  await page.evaluate("new Promise((resolve) => requestAnimationFrame(() => resolve(undefined)))");
  await page.waitForTimeout(300);
}

/** Saves the page as it is now at 1280 wide (and at 390 wide too when `phone` is set). */
export async function snap(page: Page, name: string, options: { phone?: boolean } = {}): Promise<void> {
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  await settle(page);
  await page.screenshot({ path: join(SCREENSHOTS_DIR, `${name}.png`), fullPage: true });
  if (!options.phone) return;
  await page.setViewportSize(PHONE);
  await settle(page);
  await page.screenshot({ path: join(SCREENSHOTS_DIR, `${name}-phone.png`), fullPage: true });
  await page.setViewportSize(DESKTOP);
  await settle(page);
}
