// The recorded trace of one flow run: a JSON tree (what `octo invoke --trace` prints and the
// editor shows). Flows hold scopes, scopes hold steps, steps hold the scopes they ran (one per
// foreach iteration, per fork branch, the if/switch branch taken …) and the flows they called.
import type { SourceLocation } from "../../errors/diagnostic.ts";

/** A message's state at one moment: body and vars, copied (bounded, secrets redacted). */
export interface Snapshot {
  body: unknown;
  vars: unknown;
}

/** A value too large to copy whole: its size and the start of its JSON text. */
export interface TruncatedValue {
  $truncated: string;
  $bytes: number;
}

export interface TraceError {
  message: string;
  /** The flow and block the failure is attributed to (as in `vars.error`). */
  flow: string;
  block: string;
}

interface NodeBase {
  /** Milliseconds since the root run started. */
  startMs: number;
  /** Absent while it is still running (a oneWay call can outlive its caller). */
  durationMs?: number;
  children: TraceNode[];
}

/** One run of a flow: the root of a trace, or a flow-ref's callee. */
export interface FlowTrace extends NodeBase {
  kind: "flow";
  flow: string;
  status: "running" | "completed" | "dropped" | "failed";
  /** Started by a oneWay flow-ref: ran on the flow's own workers, after its caller went on. */
  oneWay?: true;
  input: Snapshot;
  output?: Snapshot;
  error?: TraceError;
  /** Root only: steps past the recording limit, run but not recorded. */
  omittedSteps?: number;
}

/** One block's run. */
export interface StepTrace extends NodeBase {
  kind: "step";
  type: string;
  name?: string;
  location: SourceLocation;
  input: Snapshot;
  /** State after the block; absent when it failed. */
  output?: Snapshot;
  error?: TraceError;
  /** The block dropped the message: the rest of the flow was skipped. */
  dropped?: true;
}

/** One run of a nested block list. */
export interface ScopeTrace extends NodeBase {
  kind: "scope";
  slot: string;
  label?: string;
  /** How many times this slot ran before under the same block (foreach iterations, retries). */
  iteration: number;
}

export type TraceNode = FlowTrace | StepTrace | ScopeTrace;

/** Per root run: the clock origin, the step count and what is left of its size budget. */
export interface RecordRoot {
  readonly t0: number;
  steps: number;
  omitted: number;
  /** Characters of copied values the trace may still take. */
  left: number;
}

/** Where steps started now attach (carried in `exec.trace.record`). */
export interface RecordParent {
  readonly node: TraceNode;
  readonly root: RecordRoot;
}
