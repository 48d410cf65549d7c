import { duration, httpURLProblem } from "@octo/runtime/plugin";
import { z } from "zod";
import type { Provider } from "../llm/types.ts";

/** What each provider's connection defaults to (the editor shows the same defaults). */
export const PROVIDER_DEFAULTS: Record<Provider, { label: string; model: string; docs: string }> = {
  anthropic: { label: "Anthropic", model: "claude-sonnet-4-6", docs: "https://api.anthropic.com" },
  openai: { label: "OpenAI", model: "gpt-5.4", docs: "https://api.openai.com/v1" },
  gemini: { label: "Gemini", model: "gemini-3.5-flash", docs: "https://generativelanguage.googleapis.com" },
};

/** Retries are the SDK's own (429, 5xx, connection errors); bounded so a worker is never held for hours. */
export const MAX_RETRIES = 10;

/** How a config names an env var (written out so no linter mistakes it for a template). */
const ENV_REF = "$" + "{NAME}";

/** The settings of an LLM connection; `api` only for OpenAI. */
export function llmSettings(provider: Provider) {
  const d = PROVIDER_DEFAULTS[provider];
  const shape = {
    apiKey: z
      .union([z.string(), z.number()])
      .refine((k) => String(k).trim() !== "", {
        message: `is empty: write apiKey: ${ENV_REF} and declare NAME under env: (required: true, secret: true)`,
      })
      .meta({ description: `the API key; write ${ENV_REF} for a declared env var (never the key itself)` }),
    model: z
      .string()
      .default(d.model)
      .meta({ description: `the model every call uses; empty means ${d.model}` }),
    baseURL: z
      .string()
      .superRefine((v, ctx) => {
        const problem = v === "" ? undefined : httpURLProblem(v);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      })
      .optional()
      .meta({
        description: `overrides the provider's endpoint (${d.docs}): a proxy, a gateway, a stub; empty means unset`,
      }),
    maxTokens: z
      .number()
      .int()
      .positive()
      .default(4096)
      .meta({ description: "most tokens one answer may have (a block's maxTokens overrides it)" }),
    temperature: z
      .number()
      .min(0)
      .max(2)
      .optional()
      .meta({ description: "sampling temperature; unset sends none (the model's default)" }),
    timeout: duration("how long one attempt may take")
      .default("60s")
      .refine((t) => t !== "0", { message: "must be more than 0" }),
    retries: z
      .number()
      .int()
      .min(0)
      .max(MAX_RETRIES)
      .default(2)
      .meta({ description: "retries after a 429, a 5xx or a connection error (the SDK's own backoff)" }),
  };
  if (provider !== "openai") return z.strictObject(shape);
  return z.strictObject({
    ...shape,
    api: z
      .enum(["chat-completions", "responses"])
      .default("chat-completions")
      .meta({ description: "which OpenAI API the calls use; chat-completions also fits compatible servers" }),
  });
}

export type LlmConnectionSettings = z.infer<ReturnType<typeof llmSettings>> & {
  api?: "chat-completions" | "responses";
};
