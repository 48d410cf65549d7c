// Signing in through the real OIDC provider, as a person picked across processes.
import { expect, type Page } from "@playwright/test";
import { NEXT_PERSON_PATH, PEOPLE, type Person } from "../setup/oidc.ts";
import { e2eEnv } from "./env.ts";

export { PEOPLE, type Person };

/** Tells the provider whom its next authorization is for (it answers at once, no login form). */
export async function chooseNextPerson(person: Person): Promise<void> {
  const res = await fetch(`${e2eEnv().issuer}${NEXT_PERSON_PATH}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ sub: person.sub }),
  });
  if (res.status !== 204)
    throw new Error(`could not choose ${person.sub}: ${res.status} ${await res.text()}`);
}

/**
 * Signs `person` in from the sign-in page ("Sign in with single sign-on") and waits until the
 * app shows `callbackUrl` with the person's name in the header.
 */
export async function signIn(page: Page, person: Person, callbackUrl = "/"): Promise<void> {
  await chooseNextPerson(person);
  await page.goto(`/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`);
  await page.getByRole("button", { name: "Sign in with single sign-on" }).click();
  const web = new URL(e2eEnv().webUrl);
  await page.waitForURL(
    (url) => url.origin === web.origin && url.pathname === new URL(callbackUrl, web).pathname,
    { timeout: 30_000 },
  );
  await expect(page.getByRole("banner")).toContainText(person.name);
}
