// `Status` objects and the error type every store/router failure is expressed as.

export class StatusError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly details: Record<string, unknown> | undefined;
  constructor(code: number, reason: string, message: string, details?: Record<string, unknown>) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.details = details;
  }
}

export function statusFailure(code: number, reason: string, message: string, details?: object): object {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

export function statusSuccess(details: object): object {
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", details };
}

export function toStatus(err: unknown): { code: number; body: object } {
  if (err instanceof StatusError) {
    return { code: err.code, body: statusFailure(err.code, err.reason, err.message, err.details) };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { code: 500, body: statusFailure(500, "InternalError", message) };
}

/** `deployments.apps`, `configmaps` — the qualified resource name real API messages use. */
export function qualified(resource: string, group: string): string {
  return group ? `${resource}.${group}` : resource;
}

export const notFound = (resource: string, group: string, name: string): StatusError =>
  new StatusError(404, "NotFound", `${qualified(resource, group)} "${name}" not found`, {
    name,
    group,
    kind: resource,
  });
