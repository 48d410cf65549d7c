/** One row of the audit trail: who did what to which target, and how it ended. Never a body or a value. */
export interface AuditEvent {
  actorKind: string;
  actorId: string | undefined;
  procedure: string;
  targetKind: string | undefined;
  targetId: string | undefined;
  outcome: "ok" | "error";
  errorCode: string | undefined;
  durationMs: number;
}

export interface AuditSink {
  record(event: AuditEvent): Promise<void>;
}
