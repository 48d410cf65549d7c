import { EventEmitter } from "node:events";
import type { FlowErrorInfo } from "../errors/diagnostic.ts";

export type FlowEventType = "started" | "completed" | "failed" | "dropped";

/** What the event bus carries for each message's life in a flow. */
export interface FlowEvent {
  type: FlowEventType;
  flow: string;
  eventID: string;
  correlationID: string;
  /** ISO time the event was emitted. */
  time: string;
  /** Time since the message started, for completed, failed and dropped. */
  durationMs?: number;
  /** For failed events. */
  error?: FlowErrorInfo;
  /** Why a message was dropped ("block", "queue-full", "shutting-down"). */
  reason?: string;
}

/**
 * What a block reports about its own work (an LLM call's tokens and latency, a fallback taken),
 * beside the message's life events. `name` is namespaced by the block's plugin ("ai.call").
 */
export interface BlockEvent {
  type: "block";
  name: string;
  flow: string;
  /** The block's type, and its `name:` when it has one ("ai-router router"). */
  block: string;
  eventID: string;
  correlationID: string;
  time: string;
  data: Record<string, unknown>;
}

export type BusEvent = FlowEvent | BlockEvent;

type Listener<T extends BusEvent["type"] | "*"> = (
  e: T extends "*" ? BusEvent : T extends "block" ? BlockEvent : FlowEvent,
) => void;

/** A typed event bus; emitting costs nothing when nobody listens. */
export class EventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  on<T extends BusEvent["type"] | "*">(type: T, listener: Listener<T>): () => void {
    this.emitter.on(type, listener);
    return () => this.emitter.off(type, listener);
  }

  get active(): boolean {
    return this.emitter.eventNames().length > 0;
  }

  emit(event: BusEvent): void {
    this.emitter.emit(event.type, event);
    this.emitter.emit("*", event);
  }
}
