/** A place in a config file; line and col are 1-based. */
export interface SourceLocation {
  file: string;
  line: number;
  col: number;
}

/**
 * A problem found while loading a config: what is wrong, where, and what to do.
 * Codes are stable identifiers tests and tools can match on.
 */
export interface Diagnostic {
  code: string;
  message: string;
  hint?: string;
  location?: SourceLocation;
  /** Source line(s) with a caret under the column, when the text is known. */
  excerpt?: string;
}

export function formatLocation(loc: SourceLocation | undefined): string {
  return loc ? `${loc.file}:${loc.line}:${loc.col}` : "<config>";
}

/** One diagnostic as the CLI prints it: `file:line:col: message (code)` plus hint and excerpt. */
export function formatDiagnostic(d: Diagnostic): string {
  let out = `${formatLocation(d.location)}: ${d.message} [${d.code}]`;
  if (d.hint) out += `\n  hint: ${d.hint}`;
  if (d.excerpt) out += `\n${d.excerpt.replace(/^/gm, "  | ")}`;
  return out;
}

/** Thrown when a config cannot be loaded; carries every diagnostic found, not only the first. */
export class ConfigError extends Error {
  readonly diagnostics: Diagnostic[];

  constructor(diagnostics: Diagnostic[]) {
    const first = diagnostics[0];
    const more = diagnostics.length > 1 ? ` (and ${diagnostics.length - 1} more)` : "";
    super(first ? `${formatLocation(first.location)}: ${first.message}${more}` : "invalid config");
    this.name = "ConfigError";
    this.diagnostics = diagnostics;
  }
}

/** The error value flows see as `vars.error`. */
export interface FlowErrorInfo {
  message: string;
  flow: string;
  block: string;
}

/** A failure while a flow runs, attributed to the flow and block where it happened. */
export class FlowError extends Error {
  readonly flow: string;
  readonly block: string;
  /** HTTP-ish status carried by connector errors (e.g. an upstream 404), when known. */
  readonly status: number | undefined;

  constructor(message: string, flow: string, block: string, status?: number) {
    super(message);
    this.name = "FlowError";
    this.flow = flow;
    this.block = block;
    this.status = status;
  }

  toInfo(): FlowErrorInfo {
    return { message: this.message, flow: this.flow, block: this.block };
  }
}
