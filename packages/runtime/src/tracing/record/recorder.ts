// The recording tracer: builds the trace tree of every flow run of a runtime compiled with it
// (`octo invoke --trace`, the editor's Trace toggle). Each step copies the message before and
// after, so it is for looking at runs, not for serving traffic.
import { errorInfo } from "../../blocks/handle-errors/index.ts";
import type { Message } from "../../engine/message.ts";
import type { Exec, Step } from "../../plugin/types.ts";
import {
  type BlockInfo,
  type FlowRun,
  parentFrame,
  type ScopeInfo,
  type TraceFrame,
  type Tracer,
} from "../tracer.ts";
import type { FlowTrace, RecordParent, RecordRoot, ScopeTrace, StepTrace, TraceError } from "./model.ts";
import {
  type Copier,
  copier,
  DEFAULT_MAX_TRACE_CHARS,
  DEFAULT_MAX_VALUE_CHARS,
  snapshot,
} from "./snapshot.ts";

export interface TraceRecorderOptions {
  /** Called when a root run (one not called by a recorded step) has finished. */
  onTrace?(trace: FlowTrace, msg: Message): void;
  /** Steps recorded per root run; the rest run unrecorded and are counted (default 10 000). */
  maxSteps?: number;
  /** Characters of JSON per copied body or vars (default 64 Ki). */
  maxValueChars?: number;
  /** Characters of copied values per trace; past that values are only sized (default 4 Mi). */
  maxTraceChars?: number;
}

export interface TraceRecorder {
  readonly tracer: Tracer;
  /** The trace of a root run of `msg` (the message an invoke returned), once it has started. */
  traceOf(msg: Message): FlowTrace | undefined;
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

export function traceRecorder(opts: TraceRecorderOptions = {}): TraceRecorder {
  const maxSteps = opts.maxSteps ?? 10_000;
  const maxValueChars = opts.maxValueChars ?? DEFAULT_MAX_VALUE_CHARS;
  const maxTraceChars = opts.maxTraceChars ?? DEFAULT_MAX_TRACE_CHARS;
  let copy: Copier = copier([], maxValueChars);
  const roots = new WeakMap<Message, FlowTrace>();

  const failure = (e: unknown, exec: Exec): TraceError => {
    const info = errorInfo(e, exec);
    // Through the copier: a secret in an error message is redacted like any recorded value.
    return copy(info) as TraceError;
  };
  const withParent = (exec: Exec, record: RecordParent): Exec => ({
    ...exec,
    trace: { ...exec.trace, record } satisfies TraceFrame,
  });

  const tracer: Tracer = {
    plan(info) {
      copy = copier(info.secrets, maxValueChars);
    },

    flow(run: FlowRun, flow: string): FlowRun {
      return (msg, exec) => {
        const from = parentFrame(msg, exec);
        const parent = from?.record;
        const t0 = performance.now();
        const root: RecordRoot = parent?.root ?? { t0, steps: 0, omitted: 0, left: maxTraceChars };
        const node: FlowTrace = {
          kind: "flow",
          flow,
          status: "running",
          startMs: round(t0 - root.t0),
          input: snapshot(msg, copy, root),
          children: [],
        };
        // A oneWay call's copy is not run by its caller's step: it continues the trace detached.
        if (parent && exec.trace === undefined) node.oneWay = true;
        if (parent) parent.node.children.push(node);
        else roots.set(msg, node);
        // The frame continued is `from`: a detached run keeps its caller's span for the next tracer.
        return run(msg, { ...exec, trace: { ...from, record: { node, root } } }).then((outcome) => {
          node.durationMs = round(performance.now() - t0);
          node.status = outcome.status;
          if (outcome.status === "failed") node.error = copy(outcome.error) as TraceError;
          else node.output = snapshot(outcome.message, copy, root);
          if (!parent) {
            if (root.omitted > 0) node.omittedSteps = root.omitted;
            opts.onTrace?.(node, msg);
          }
          return outcome;
        });
      };
    },

    scope(step: Step, info: ScopeInfo): Step {
      return (msg, exec) => {
        const parent = exec.trace?.record;
        if (!parent) return step(msg, exec);
        const siblings = parent.node.children;
        const last = siblings[siblings.length - 1];
        const node: ScopeTrace = {
          kind: "scope",
          slot: info.slot,
          ...(info.label === undefined ? {} : { label: info.label }),
          // Runs of one slot follow each other (foreach): the previous one's count plus one.
          iteration: last?.kind === "scope" && last.slot === info.slot ? last.iteration + 1 : 0,
          startMs: round(performance.now() - parent.root.t0),
          children: [],
        };
        siblings.push(node);
        const t0 = performance.now();
        const done = () => {
          node.durationMs = round(performance.now() - t0);
        };
        let r: void | Promise<void>;
        try {
          r = step(msg, withParent(exec, { node, root: parent.root }));
        } catch (e) {
          done();
          throw e;
        }
        if (r === undefined) return done();
        return r.finally(done);
      };
    },

    block(step: Step, info: BlockInfo): Step {
      return (msg, exec) => {
        const parent = exec.trace?.record;
        if (!parent) return step(msg, exec);
        const { root } = parent;
        if (root.steps >= maxSteps) {
          root.omitted++;
          return step(msg, exec);
        }
        root.steps++;
        const t0 = performance.now();
        const node: StepTrace = {
          kind: "step",
          type: info.type,
          ...(info.name === undefined ? {} : { name: info.name }),
          location: info.location,
          startMs: round(t0 - root.t0),
          input: snapshot(msg, copy, root),
          children: [],
        };
        parent.node.children.push(node);
        const ok = () => {
          node.durationMs = round(performance.now() - t0);
          node.output = snapshot(msg, copy, root);
          if (msg.dropped) node.dropped = true;
        };
        const failed = (e: unknown) => {
          node.durationMs = round(performance.now() - t0);
          node.error = failure(e, exec);
          throw e;
        };
        let r: void | Promise<void>;
        try {
          r = step(msg, withParent(exec, { node, root }));
        } catch (e) {
          return failed(e);
        }
        if (r === undefined) return ok();
        return r.then(ok, failed);
      };
    },
  };

  return { tracer, traceOf: (msg) => roots.get(msg) };
}
