// The plugin API for packages that extend the runtime (such as @octo/ai).
export {
  BLOCK_LIST,
  cel,
  connectorRef,
  duration,
  durationMs,
  flowName,
  httpURLProblem,
  subFlow,
} from "../dsl/fields.ts";
export type { BlockEvent } from "../engine/events.ts";
export { cloneMessage, type Message, newMessage } from "../engine/message.ts";
export { FlowError } from "../errors/diagnostic.ts";
export type { Logger, LogLevel } from "../logging/logger.ts";
export { Registry } from "./registry.ts";
export { type JsonSchemaSetting, parseSchemaSetting } from "./schema-setting.ts";
export type * from "./types.ts";
