import { Cron, type CronMode } from "croner";
import { z } from "zod";
import { cel, durationMs } from "../../dsl/fields.ts";

// The cron connector's settings and its source's settings: the config reference for `cron`.

export const CRON_LABEL = "Cron";
export const CRON_DESCRIPTION =
  "Starts a flow on a schedule: a six-field cron expression with seconds (sec min hour day month weekday) " +
  "or `@every <duration>`. Needs no connector instance: `source: { connector: cron, settings: { schedule: ... } }`.";

export const cronConnectorSettings = z.strictObject({});

const EVERY = /^@every\s+(\S+)$/;
const DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;
const HINT = "use six fields (sec min hour day month weekday) or @every 30s";

/** A schedule after parsing: a cron pattern (croner syntax) or a fixed interval. */
export type Schedule = { kind: "cron"; pattern: string } | { kind: "every"; ms: number };

/** Nicknames (@hourly, @daily …) expand to five fields; anything else must have exactly six. */
export function cronMode(pattern: string): CronMode {
  return pattern.startsWith("@") ? "5-or-6-parts" : "6-part";
}

/** Parses a `schedule` setting; the error says what is wrong in a person's terms. */
export function parseSchedule(
  text: string,
): { ok: true; schedule: Schedule } | { ok: false; reason: string } {
  const schedule = text.trim();
  const every = EVERY.exec(schedule);
  if (every) {
    const d = every[1] ?? "";
    if (!DURATION.test(d))
      return { ok: false, reason: `"${d}" is not a duration such as 500ms, 30s, 5m or 1h30m` };
    const ms = durationMs(d);
    if (ms < 1) return { ok: false, reason: "an @every interval must be at least 1ms" };
    return { ok: true, schedule: { kind: "every", ms } };
  }
  if (schedule.startsWith("@every"))
    return { ok: false, reason: "@every needs one duration, as in @every 30s" };
  const nickname = schedule.startsWith("@");
  const fields = schedule.split(/\s+/).filter(Boolean).length;
  if (!nickname && fields !== 6)
    return { ok: false, reason: `it has ${fields} field${fields === 1 ? "" : "s"}, not 6` };
  let next: Date | null;
  try {
    // Without a callback croner only parses: no timer is started.
    next = new Cron(schedule, { mode: cronMode(schedule) }).nextRun();
  } catch (e) {
    return {
      ok: false,
      reason: (e instanceof Error ? e.message : String(e)).replace(/^CronPattern:\s*/, ""),
    };
  }
  if (next === null) return { ok: false, reason: "no date ever matches it" };
  return { ok: true, schedule: { kind: "cron", pattern: schedule } };
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const cronSourceSettings = z.strictObject({
  schedule: z
    .string()
    .superRefine((text, ctx) => {
      const r = parseSchedule(text);
      if (!r.ok) {
        ctx.addIssue({ code: "custom", message: `invalid cron schedule "${text}": ${r.reason}; ${HINT}` });
      }
    })
    .meta({
      description:
        'when to fire: six cron fields with seconds ("0 */5 * * * *" = every 5 minutes), ' +
        "a nickname (@hourly, @daily, @weekly, @monthly, @yearly) or @every <duration> (@every 30s, @every 500ms)",
    }),
  payload: cel("builds the message body; sees `now` = the fire time").optional(),
  correlationID: z
    .string()
    .min(1)
    .optional()
    .meta({ description: "correlation id of every message (default: its event id)" }),
  timezone: z
    .string()
    .superRefine((zone, ctx) => {
      if (!isTimeZone(zone)) {
        ctx.addIssue({
          code: "custom",
          message: `unknown time zone "${zone}"; use an IANA name such as UTC or Europe/Paris`,
        });
      }
    })
    .optional()
    .meta({
      description: 'IANA time zone the cron fields are read in, e.g. "Europe/Paris" (default: the host\'s)',
    }),
  overlap: z.boolean().default(false).meta({
    description: "when false, a tick is skipped while the previous run of this source is still in flight",
  }),
});

export type CronSourceSettings = z.infer<typeof cronSourceSettings>;
