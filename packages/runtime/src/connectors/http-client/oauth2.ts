import { excerpt, failureText, readLimited, TooLargeError } from "./response.ts";

/** Why a token could not be had; `retryable` when the endpoint gave no answer (network, timeout). */
export class TokenError extends Error {
  readonly retryable: boolean;

  constructor(message: string, retryable: boolean) {
    super(message);
    this.name = "TokenError";
    this.retryable = retryable;
  }
}

export interface ClientCredentialsOptions {
  tokenURL: string;
  clientID: string;
  clientSecret: string;
  scopes: readonly string[];
  timeoutMs: number;
  /** The timeout as configured ("30s"), for messages. */
  timeoutText: string;
  maxResponseBytes: number;
  /** Called with every access token received, so it can be redacted like any secret. */
  onToken(token: string): void;
  /** Redacts secrets from text that reaches a message. */
  redact(text: string): string;
  /** Monotonic clock in ms. */
  now?: () => number;
}

/** A token is renewed this long before it expires (at most), so it is not sent stale. */
const MAX_EXPIRY_SKEW_MS = 30_000;

/**
 * OAuth2 client credentials (RFC 6749 §4.4): fetches an access token, keeps it until shortly
 * before it expires, and makes concurrent callers share one in-flight token request.
 */
export class ClientCredentials {
  private readonly opts: ClientCredentialsOptions;
  private readonly now: () => number;
  private current: { token: string; expires: number } | undefined;
  private inFlight: Promise<string> | undefined;
  /** Bumped by clear(), so a token request started before it is not cached after it. */
  private generation = 0;

  constructor(opts: ClientCredentialsOptions) {
    this.opts = opts;
    this.now = opts.now ?? (() => performance.now());
  }

  /** A valid access token: the cached one, or the one being fetched, or a new one. */
  token(): Promise<string> {
    if (this.current && this.current.expires > this.now()) return Promise.resolve(this.current.token);
    if (!this.inFlight) {
      const generation = this.generation;
      this.inFlight = this.fetchToken().then(
        (fresh) => {
          if (generation === this.generation) {
            this.current = fresh;
            this.inFlight = undefined;
          }
          return fresh.token;
        },
        (e: unknown) => {
          if (generation === this.generation) this.inFlight = undefined;
          throw e;
        },
      );
    }
    return this.inFlight;
  }

  /** Forgets `token` after the API refused it (unless a newer one already replaced it). */
  invalidate(token: string): void {
    if (this.current?.token === token) this.current = undefined;
  }

  clear(): void {
    this.generation++;
    this.current = undefined;
    this.inFlight = undefined;
  }

  private async fetchToken(): Promise<{ token: string; expires: number }> {
    const { tokenURL, clientID, clientSecret, scopes, redact } = this.opts;
    const form = new URLSearchParams({ grant_type: "client_credentials" });
    if (scopes.length > 0) form.set("scope", scopes.join(" "));
    // RFC 6749 §2.3.1: id and secret are form-encoded before they are joined for Basic.
    const basic = Buffer.from(`${encodeURIComponent(clientID)}:${encodeURIComponent(clientSecret)}`).toString(
      "base64",
    );
    const what = `oauth2 token request to ${tokenURL}`;
    const started = this.now();
    let res: Response;
    let body: Uint8Array;
    try {
      res = await fetch(tokenURL, {
        method: "POST",
        headers: {
          authorization: `Basic ${basic}`,
          "content-type": "application/x-www-form-urlencoded",
          accept: "application/json",
        },
        body: form.toString(),
        signal: AbortSignal.timeout(this.opts.timeoutMs),
        redirect: "manual",
      });
      body = await readLimited(res, this.opts.maxResponseBytes);
    } catch (e) {
      if (e instanceof TooLargeError) throw new TokenError(`${what} failed: ${e.message}`, false);
      if (e instanceof DOMException && e.name === "TimeoutError")
        throw new TokenError(`${what} timed out after ${this.opts.timeoutText}`, true);
      throw new TokenError(`${what} failed: ${redact(failureText(e))}`, true);
    }
    if (res.status < 200 || res.status > 299) {
      const text = redact(excerpt(body));
      throw new TokenError(
        `${what} failed: HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ""}${text ? `: ${text}` : ""}`,
        false,
      );
    }
    let answer: { access_token?: unknown; expires_in?: unknown } | null;
    try {
      answer = JSON.parse(new TextDecoder().decode(body)) as typeof answer;
    } catch {
      throw new TokenError(`${what} returned a body that is not JSON`, false);
    }
    if (typeof answer?.access_token !== "string" || answer.access_token === "")
      throw new TokenError(`${what} returned no access_token`, false);
    this.opts.onToken(answer.access_token);
    const expiresIn = answer.expires_in;
    const lifetime =
      typeof expiresIn === "number" || (typeof expiresIn === "string" && expiresIn.trim() !== "")
        ? Number(expiresIn) * 1000
        : Number.NaN;
    const expires = Number.isFinite(lifetime)
      ? // The clock starts when the request was sent: the server's clock started no earlier.
        started + lifetime - Math.min(MAX_EXPIRY_SKEW_MS, lifetime / 10)
      : // Without expires_in the token is kept until the API refuses it (a 401 invalidates it).
        Number.POSITIVE_INFINITY;
    return { token: answer.access_token, expires };
  }
}
