import type { FlowErrorInfo } from "../errors/diagnostic.ts";
import type { Message } from "./message.ts";

/** How one message's run through a flow ended. */
export type Outcome =
  | { status: "completed"; message: Message }
  | { status: "dropped"; message: Message }
  | { status: "failed"; message: Message; error: FlowErrorInfo };
