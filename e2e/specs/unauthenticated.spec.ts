// Without a session: every page sends the browser to the sign-in page, the API answers 401.
import { snap } from "../support/screenshots.ts";
import { expect, test } from "../support/test.ts";

for (const path of ["/", "/integrations", "/secrets"]) {
  test(`${path} redirects to the sign-in page`, async ({ page }) => {
    await page.goto(path);
    await expect(page).toHaveURL((url) => url.pathname === "/signin");
    expect(new URL(page.url()).searchParams.get("callbackUrl")).toMatch(
      new RegExp(`^(https?://[^/]+)?${path.replace(/\//g, "\\/")}$`),
    );
    await expect(page.getByRole("button", { name: "Sign in with single sign-on" })).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Main" })).toHaveCount(0);
    if (path === "/") await snap(page, "signin");
  });
}

test("the API answers 401 with reason missing_auth", async ({ page }) => {
  const res = await page.request.get("/api/trpc/users.me");
  expect(res.status()).toBe(401);
  expect(await res.json()).toMatchObject({
    error: { data: { code: "UNAUTHORIZED", httpStatus: 401, reason: "missing_auth" } },
  });
});
