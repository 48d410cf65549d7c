import { Cron } from "croner";
import { type Message, newMessage } from "../../engine/message.ts";
import type { ConnectorDefinition, Expr, SourceDefinition } from "../../plugin/types.ts";
import {
  CRON_DESCRIPTION,
  CRON_LABEL,
  type CronSourceSettings,
  cronConnectorSettings,
  cronMode,
  cronSourceSettings,
  parseSchedule,
  type Schedule,
} from "./spec.ts";

/** What the cron source keeps from load: the parsed schedule and the compiled payload. */
interface CompiledCron {
  schedule: Schedule;
  payload: Expr | undefined;
}

/** setTimeout's largest delay; longer waits are chained. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Calls `tick` every `ms` milliseconds, at start + k·ms. croner's `interval` option counts whole
 * seconds on top of a pattern that fires at most once a second, so it cannot express
 * `@every 500ms`; and setInterval drifts by each callback's lateness and misfires past ~24.8 days.
 * A timer chain anchored to the monotonic clock has neither problem, and periods missed while the
 * event loop was blocked are skipped rather than fired in a burst (as cron does).
 */
function every(ms: number, tick: () => void): () => void {
  const t0 = performance.now();
  let k = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const wait = (due: number) => {
    const delay = Math.min(Math.max(due - performance.now(), 0), MAX_TIMEOUT_MS);
    timer = setTimeout(() => {
      if (stopped) return;
      const now = performance.now();
      if (now < due) return wait(due); // early by a fraction of a ms, or a chained long wait
      k = Math.max(k, Math.floor((now - t0) / ms));
      tick();
      if (!stopped) wait(t0 + ++k * ms);
    }, delay);
  };
  wait(t0 + ++k * ms);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

const cronSource: SourceDefinition<undefined, CronSourceSettings, CompiledCron> = {
  type: "cron",
  label: "Cron",
  settings: cronSourceSettings,
  compile(settings, ctx) {
    const parsed = parseSchedule(settings.schedule);
    // The settings schema already rejected a bad schedule; this only narrows the type.
    if (!parsed.ok) {
      ctx.error("schedule", "invalid-schedule", parsed.reason);
      return { schedule: { kind: "every", ms: 1000 }, payload: undefined };
    }
    return {
      schedule: parsed.schedule,
      payload: settings.payload === undefined ? undefined : ctx.expr("payload", settings.payload),
    };
  },
  async start(ctx) {
    const { flow, settings, logger, compiled } = ctx;
    if (!compiled) throw new Error(`cron source of flow ${flow} was started without being compiled`);
    const { schedule, payload } = compiled;
    let inFlight = 0;
    let stopped = false;
    // With several replicas only the leader fires; standalone services always lead.
    const leadership = ctx.services.leader.campaign(`cron:${flow}`);

    /** One firing: build the message, hand it to the flow; never throws out of the timer. */
    const tick = (now: Date) => {
      if (stopped) return;
      if (!leadership.isLeader()) {
        logger.log("debug", `cron: skipped a tick of flow ${flow}: another replica leads it`, { flow });
        return;
      }
      if (!settings.overlap && inFlight > 0) {
        logger.log("debug", `cron: skipped a tick of flow ${flow}: the previous run is still in flight`, {
          flow,
        });
        return;
      }
      let msg: Message;
      try {
        msg = newMessage(
          null,
          settings.correlationID === undefined ? { now } : { now, correlationID: settings.correlationID },
        );
        if (payload) msg.body = payload.evaluate(msg);
      } catch (e) {
        logger.log("warn", `cron: flow ${flow}: payload failed: ${errorText(e)}`, {
          flow,
          payload: payload?.source,
        });
        return;
      }
      inFlight++;
      ctx
        .deliver(msg)
        .then(
          (outcome) => {
            if (outcome.status !== "failed") return;
            const { message, block } = outcome.error;
            logger.log("warn", `cron: flow ${flow} failed${block ? ` in block ${block}` : ""}: ${message}`, {
              flow,
              eventID: msg.eventID,
              correlationID: msg.correlationID,
            });
          },
          (e: unknown) => {
            // QueueFullError (the flow is busy) or ShuttingDownError: this tick is dropped.
            logger.log("warn", `cron: tick of flow ${flow} was dropped: ${errorText(e)}`, {
              flow,
              eventID: msg.eventID,
            });
          },
        )
        .finally(() => {
          inFlight--;
        });
    };

    let stopTimer: () => void;
    if (schedule.kind === "every") {
      stopTimer = every(schedule.ms, () => tick(new Date()));
    } else {
      const options = settings.timezone === undefined ? {} : { timezone: settings.timezone };
      let last = 0;
      const job = new Cron(schedule.pattern, { ...options, mode: cronMode(schedule.pattern) }, (self) => {
        // `now` is the scheduled instant (e.g. exactly 09:00:00), not the timer's wake-up, which
        // can come a little late or, on a busy machine, a few ms early: take the nearer one.
        const woke = new Date();
        const before = self.previousRuns(1, woke)[0];
        const after = self.nextRun(new Date(woke.getTime() - 1));
        let at = before ?? woke;
        if (after && (!before || after.getTime() - woke.getTime() < woke.getTime() - before.getTime()))
          at = after;
        if (at.getTime() <= last) at = woke; // never the same instant twice
        last = at.getTime();
        tick(at);
      });
      stopTimer = () => job.stop();
    }
    return async () => {
      stopped = true;
      stopTimer();
      try {
        await leadership.release();
      } catch (e) {
        // Stopping goes on; an unreleased lease only expires later, delaying the next leader.
        logger.log("warn", `cron: flow ${flow}: releasing the leadership failed: ${errorText(e)}`, { flow });
      }
    };
  },
};

export const cronConnector: ConnectorDefinition<Record<string, never>, undefined> = {
  type: "cron",
  label: CRON_LABEL,
  description: CRON_DESCRIPTION,
  settings: cronConnectorSettings,
  sources: [cronSource],
  create: () => undefined,
};
