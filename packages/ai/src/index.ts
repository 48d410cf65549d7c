// @octo/ai — LLM connections (Anthropic, OpenAI, Gemini) and AI blocks, a runtime plugin.
// `octo` loads it by default (see @octo/runtime's plugin/load-plugins.ts).
import { aiPlugin } from "./plugin.ts";

export type { AiConnection } from "./connections/index.ts";
export { LlmError, type LlmErrorKind } from "./llm/errors.ts";
export type * from "./llm/types.ts";
export { aiPlugin };
export default aiPlugin;
