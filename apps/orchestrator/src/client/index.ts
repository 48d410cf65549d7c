import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from "@trpc/client";
import { EventSource } from "eventsource";
import type { AppRouter } from "../router.ts";

export type { AppRouter };

export interface OctoClientOptions {
  /** The orchestrator's base URL, e.g. http://127.0.0.1:8090 (the API is under /trpc). */
  url: string;
  /** An API key (`octo_…`) or an OIDC access token; none in open mode. */
  apiKey?: string | undefined;
}

/**
 * A typed client of the orchestrator's API: queries and mutations over HTTP (batched),
 * subscriptions (live status, logs) over SSE that resume where they left off.
 */
export function createOctoClient(options: OctoClientOptions) {
  const url = `${options.url.replace(/\/$/, "")}/trpc`;
  const headers = (): Record<string, string> =>
    options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {};
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: httpSubscriptionLink({
          url,
          // Node has no EventSource; this one sends the key through its fetch.
          EventSource,
          eventSourceOptions: () => ({
            fetch: (input, init) => fetch(input, { ...init, headers: { ...init.headers, ...headers() } }),
          }),
        }),
        false: httpBatchLink({ url, headers }),
      }),
    ],
  });
}

export type OctoClient = ReturnType<typeof createOctoClient>;

/** One captured log line of a deployment or run, as the `logs` subscriptions stream them. */
export type { LogLine } from "../drivers/types.ts";
