// Blocks that exist only for tests: one that holds messages at a gate, one that drops them.
import { z } from "zod";
import type { Message } from "../src/engine/message.ts";
import type { BlockDefinition } from "../src/plugin/types.ts";

/**
 * A block named `type` that records each message it gets, then holds it while the gate is closed
 * (open by default): a way to keep runs in flight and to see how many reached it.
 */
export function gateBlock(type: string) {
  const seen: Message[] = [];
  let release: () => void = () => {};
  let gate: Promise<void> = Promise.resolve();
  const block: BlockDefinition = {
    type,
    label: type,
    category: "processor",
    description: "test: records the message, then waits while the gate is closed",
    kind: "composite",
    fields: z.strictObject({}),
    compile: () => async (msg) => {
      seen.push(msg);
      await gate;
    },
  };
  return {
    block,
    seen,
    close() {
      gate = new Promise((r) => {
        release = r;
      });
    },
    open() {
      release();
      gate = Promise.resolve();
    },
  };
}

/** Drops the message (no core block does). */
export const dropBlock: BlockDefinition = {
  type: "drop",
  label: "Drop",
  category: "processor",
  description: "test: drops the message",
  kind: "composite",
  fields: z.strictObject({}),
  compile: () => (msg) => {
    msg.dropped = true;
  },
};
