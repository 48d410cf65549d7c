import {
  type BlockCompileContext,
  connectorRef,
  type Exec,
  type Message,
  type Step,
} from "@octo/runtime/plugin";
import { z } from "zod";
import { type AiConnection, LLM_CONNECTION_TYPES } from "../connections/index.ts";
import { LlmError } from "../llm/errors.ts";
import type { ChatRequest, ChatResponse } from "../llm/types.ts";

/** Fields every AI block has. */
export const connectorField = () =>
  connectorRef("an LLM connection (anthropic, openai or gemini) declared under connectors:", [
    ...LLM_CONNECTION_TYPES,
  ]);
export const promptField = () =>
  z
    .string()
    .min(1)
    .meta({ description: "instructions for the model; the body is sent beside them as the input" });
export const guardrailField = () =>
  z
    .string()
    .min(1)
    .optional()
    .meta({ description: "a rule the input must keep; when the model finds it broken, default: runs" });

/** Names the block in errors and events: its `name:`, else its type. */
export function blockLabel(node: { name?: string | undefined }, type: string): string {
  return node.name ?? type;
}

/** Load-time check of the `connector:` field (it must name an LLM connection). */
export function checkConnector(ctx: BlockCompileContext, name: string): void {
  ctx.connector("connector", name, { category: "llm" });
}

/**
 * One model call of a block: reports tokens and latency (`ai.call` event, the plugin's
 * metrics, a debug log line) and turns a provider failure into the block's error.
 */
export async function callModel(
  connector: string,
  request: ChatRequest,
  msg: Message,
  exec: Exec,
  block: string,
): Promise<ChatResponse> {
  const conn = exec.runtime.connector<AiConnection>(connector);
  const started = performance.now();
  const base = { connector, provider: conn.provider, model: conn.model };
  try {
    const res = await conn.client.chat(exec.signal ? { ...request, signal: exec.signal } : request);
    const latencyMs = Math.round(performance.now() - started);
    exec.runtime.blockEvent(msg, exec, block, "ai.call", {
      ...base,
      outcome: "ok",
      latencyMs,
      inputTokens: res.usage.inputTokens,
      outputTokens: res.usage.outputTokens,
      stopReason: res.stopReason,
    });
    exec.runtime.logger.log(
      "debug",
      `${block}: ${conn.provider} ${conn.model} answered in ${latencyMs} ms ` +
        `(${res.usage.inputTokens} in, ${res.usage.outputTokens} out tokens)`,
    );
    return res;
  } catch (e) {
    const kind = e instanceof LlmError ? e.kind : "error";
    exec.runtime.blockEvent(msg, exec, block, "ai.call", {
      ...base,
      outcome: "error",
      error: kind,
      latencyMs: Math.round(performance.now() - started),
    });
    if (kind !== "aborted") exec.runtime.connectorError(connector, kind);
    // Provider modules build their messages without the key (see providers/shared.ts).
    throw new Error(e instanceof Error ? e.message : String(e));
  }
}

/**
 * The model gave no usable outcome: reports `ai.fallback` and runs the block's `default:`, or
 * fails saying why when there is none.
 */
export function takeDefault(
  fallback: Step | undefined,
  msg: Message,
  exec: Exec,
  block: string,
  event: { reason: string; detail: string } & Record<string, unknown>,
): void | Promise<void> {
  exec.runtime.blockEvent(msg, exec, block, "ai.fallback", event);
  if (!fallback) throw new Error(`${event.detail}; declare default: to handle it`);
  exec.runtime.logger.log("warn", `${block} in flow ${exec.flow}: ${event.detail}; running default`);
  return fallback(msg, exec);
}
