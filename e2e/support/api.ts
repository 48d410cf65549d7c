// The platform's API as the browser reaches it: the web app's /api/trpc with the page's session
// cookies (page.request shares the browser context's cookie jar). No transformer: plain JSON.
import type { APIResponse, Page } from "@playwright/test";

export class TrpcError extends Error {
  readonly status: number;
  readonly body: unknown;
  constructor(status: number, body: unknown) {
    super(`tRPC call failed with ${status}: ${JSON.stringify(body)}`);
    this.status = status;
    this.body = body;
  }
}

async function unwrap<T>(res: APIResponse): Promise<T> {
  const body = (await res.json()) as { result?: { data?: unknown } };
  if (!res.ok()) throw new TrpcError(res.status(), body);
  return body.result?.data as T;
}

export interface Api {
  query<T = unknown>(procedure: string, input?: unknown): Promise<T>;
  mutate<T = unknown>(procedure: string, input?: unknown): Promise<T>;
}

export function api(page: Page): Api {
  return {
    async query(procedure, input) {
      const search = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`;
      return unwrap(await page.request.get(`/api/trpc/${procedure}${search}`));
    },
    async mutate(procedure, input) {
      return unwrap(
        await page.request.post(`/api/trpc/${procedure}`, {
          headers: { "content-type": "application/json" },
          data: input === undefined ? "" : JSON.stringify(input),
        }),
      );
    },
  };
}

/** A name no other run or spec has used: specs share one orchestrator. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}
