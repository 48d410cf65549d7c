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

/** A typed event bus; emitting costs nothing when nobody listens. */
export class EventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  on(type: FlowEventType | "*", listener: (e: FlowEvent) => void): () => void {
    this.emitter.on(type, listener);
    return () => this.emitter.off(type, listener);
  }

  get active(): boolean {
    return this.emitter.eventNames().length > 0;
  }

  emit(event: FlowEvent): void {
    this.emitter.emit(event.type, event);
    this.emitter.emit("*", event);
  }
}
