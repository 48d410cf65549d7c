import type { OctoPlugin } from "@octo/runtime/plugin";
import { aiAgent } from "./blocks/ai-agent/index.ts";
import { aiMapping } from "./blocks/ai-mapping/index.ts";
import { aiRetry } from "./blocks/ai-retry/index.ts";
import { aiRouter } from "./blocks/ai-router/index.ts";
import { llmConnections } from "./connections/index.ts";
import { aiMetrics } from "./metrics.ts";

/**
 * The runtime plugin: LLM connections and the AI blocks. Importing it loads no SDK; a
 * provider's SDK is imported when a config first declares a connection to it.
 */
export const aiPlugin: OctoPlugin = {
  name: "@octo/ai",
  blocks: [aiRouter, aiAgent, aiMapping, aiRetry],
  connectors: llmConnections,
  metrics: aiMetrics,
};
