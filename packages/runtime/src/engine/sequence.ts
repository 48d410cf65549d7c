import type { Exec, Step } from "../plugin/types.ts";
import type { Message } from "./message.ts";

/**
 * Runs steps in order. Stays synchronous until a step returns a promise, so chains of
 * synchronous blocks (set-payload, set-variable …) cost no microtask per block.
 */
export function sequence(steps: Step[]): Step {
  if (steps.length === 1 && steps[0]) return steps[0];
  const run = (msg: Message, exec: Exec, from: number): void | Promise<void> => {
    for (let i = from; i < steps.length; i++) {
      if (msg.dropped) return;
      if (exec.signal?.aborted) throw new Error("cancelled: a sibling fork branch failed");
      const r = (steps[i] as Step)(msg, exec);
      if (r !== undefined) return r.then(() => run(msg, exec, i + 1));
    }
  };
  return (msg, exec) => run(msg, exec, 0);
}
