// A person's browser without the browser: a cookie jar, the Auth.js sign-in dance over plain HTTP
// (CSRF token, sign-in POST, the provider's authorize redirect, the callback), and a typed tRPC
// client that goes through the web app's /api/trpc with that person's session cookie.
import type { AppRouter } from "@octo/orchestrator/client";
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from "@trpc/client";
import { EventSource } from "eventsource";

export class CookieJar {
  readonly #cookies = new Map<string, string>();

  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      // An expired or emptied cookie is a deletion.
      if (value === "" || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  names(): string[] {
    return [...this.#cookies.keys()];
  }
}

export class BrowserlessSession {
  readonly jar = new CookieJar();
  readonly base: string;
  constructor(base: string) {
    this.base = base;
  }

  /** One request with the jar's cookies; redirects are returned, not followed. */
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (new URL(url, this.base).origin === new URL(this.base).origin)
      headers.set("cookie", this.jar.header());
    const response = await fetch(new URL(url, this.base), { ...init, headers, redirect: "manual" });
    if (new URL(url, this.base).origin === new URL(this.base).origin) this.jar.take(response);
    return response;
  }

  /** Signs in through the OIDC provider and returns where Auth.js sends the person afterwards. */
  async signIn(callbackUrl = "/"): Promise<string> {
    const csrf = (await (await this.fetch("/api/auth/csrf")).json()) as { csrfToken: string };
    const start = await this.fetch("/api/auth/signin/oidc", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrfToken: csrf.csrfToken, callbackUrl }).toString(),
    });
    const authorize = start.headers.get("location");
    if (start.status !== 302 || !authorize) throw new Error(`sign-in did not redirect: ${start.status}`);
    const provider = await fetch(authorize, { redirect: "manual" });
    const callback = provider.headers.get("location");
    if (!callback?.startsWith(this.base))
      throw new Error(`the provider answered ${provider.status} → ${callback}`);
    const done = await this.fetch(callback);
    const landed = done.headers.get("location");
    if (!landed) throw new Error(`the callback answered ${done.status}: ${await done.text()}`);
    return landed;
  }

  /** The typed API as the browser reaches it: through the web app, with this session's cookie. */
  api() {
    const url = `${this.base}/api/trpc`;
    const cookie = () => ({ cookie: this.jar.header() });
    return createTRPCClient<AppRouter>({
      links: [
        splitLink({
          condition: (op) => op.type === "subscription",
          true: httpSubscriptionLink({
            url,
            EventSource,
            eventSourceOptions: () => ({
              fetch: (input, init) => fetch(input, { ...init, headers: { ...init.headers, ...cookie() } }),
            }),
          }),
          false: httpBatchLink({ url, headers: cookie }),
        }),
      ],
    });
  }
}
