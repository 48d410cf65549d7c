import { type ConnectorDefinition, durationMs } from "@octo/runtime/plugin";
import { once } from "../lazy.ts";
import type { LlmClient, LlmSettings, Provider } from "../llm/types.ts";
import { type LlmConnectionSettings, llmSettings, PROVIDER_DEFAULTS } from "./spec.ts";

/** A named LLM connection as blocks use it. */
export interface AiConnection {
  readonly name: string;
  readonly provider: Provider;
  /** The configured model (the metrics label: a bounded set, unlike dated snapshot names). */
  readonly model: string;
  readonly client: LlmClient;
}

/** Each provider's module is imported only when a config declares a connection to it. */
const createClient: Record<
  Provider,
  (settings: LlmSettings, secrets: readonly string[]) => Promise<LlmClient>
> = {
  anthropic: async (s, secrets) =>
    (await import("../providers/anthropic.ts")).createAnthropicClient(s, secrets),
  openai: async (s, secrets) => (await import("../providers/openai.ts")).createOpenAIClient(s, secrets),
  gemini: async (s, secrets) => (await import("../providers/gemini.ts")).createGeminiClient(s, secrets),
};

/** Empty model and baseURL mean the defaults, so a config can pass optional env vars straight through. */
export function toLlmSettings(provider: Provider, s: LlmConnectionSettings): LlmSettings {
  return {
    apiKey: String(s.apiKey),
    model: s.model || PROVIDER_DEFAULTS[provider].model,
    baseURL: s.baseURL || undefined,
    maxTokens: s.maxTokens,
    temperature: s.temperature,
    timeoutMs: durationMs(s.timeout),
    retries: s.retries,
    api: s.api,
  };
}

/**
 * The connection type `type` of a provider. The runtime spec names them `anthropic`, `openai`
 * and `gemini`; the editor writes `llm-anthropic` … — both load, as the same connection.
 */
function llmConnection(
  provider: Provider,
  type: string,
): ConnectorDefinition<LlmConnectionSettings, AiConnection> {
  const d = PROVIDER_DEFAULTS[provider];
  const settings = once(() => llmSettings(provider));
  return {
    type,
    label: d.label,
    category: "llm",
    description:
      `${d.label} models through the official SDK, for the AI blocks: model (default ${d.model}), ` +
      "API key from an env var, base URL, temperature, max tokens, timeout and retries." +
      (type === provider ? "" : ` Same as type ${provider}.`),
    get settings() {
      return settings();
    },
    create: async (settings, ctx) => {
      const llm = toLlmSettings(provider, settings);
      return {
        name: ctx.name,
        provider,
        model: llm.model,
        client: await createClient[provider](llm, ctx.secrets),
      };
    },
  };
}

const PROVIDERS: Provider[] = ["anthropic", "openai", "gemini"];

export const llmConnections: ConnectorDefinition[] = PROVIDERS.flatMap((p) => [
  llmConnection(p, p),
  llmConnection(p, `llm-${p}`),
]);

/** Every connector type an AI block's `connector:` may name. */
export const LLM_CONNECTION_TYPES: readonly string[] = llmConnections.map((c) => c.type);
