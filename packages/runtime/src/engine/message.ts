import { randomUUID } from "node:crypto";

/** What flows through blocks: a JSON body, string-keyed vars and two ids. */
export interface Message {
  body: unknown;
  vars: Record<string, unknown>;
  eventID: string;
  correlationID: string;
  /** Fixed "now" for expressions (a cron fire time); absent means the wall clock. */
  now?: Date;
  /** Set by a block that drops the message: the rest of the flow is skipped. */
  dropped?: boolean;
}

export function newMessage(body: unknown, init: Partial<Omit<Message, "body">> = {}): Message {
  const eventID = init.eventID ?? randomUUID();
  const msg: Message = {
    body,
    vars: init.vars ?? {},
    eventID,
    correlationID: init.correlationID ?? eventID,
  };
  if (init.now) msg.now = init.now;
  return msg;
}

/** A deep copy that shares nothing mutable with the original (fork branches, oneWay calls). */
export function cloneMessage(msg: Message): Message {
  const copy: Message = {
    body: structuredClone(msg.body),
    vars: structuredClone(msg.vars),
    eventID: msg.eventID,
    correlationID: msg.correlationID,
  };
  if (msg.now) copy.now = msg.now;
  return copy;
}
