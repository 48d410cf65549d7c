// What the mocks of one case saw: every call (for `calls` in assertions) and every call no mock
// answered (each fails the case, even when the flow recovered from the error).

/** An http-client call as assertions read it. */
export interface HttpCall {
  connector: string;
  method: string;
  url: string;
  path: string;
  /** Query parameters; a repeated name keeps its last value. */
  query: Record<string, string>;
  /** Lower-case names. */
  headers: Record<string, string>;
  /** Parsed JSON when it is JSON, else the text; null without a body. */
  body: unknown;
}

/** A database statement as assertions read it. */
export interface DatabaseCall {
  connector: string;
  statement: string;
  args: unknown[];
  /** "query" (rows) or "exec" (exec: true). */
  kind: "query" | "exec";
}

/** An LLM call as assertions read it. */
export interface LlmCall {
  connector: string;
  provider: string;
  model: string;
  system: string | null;
  /** The text of the last user turn (what the block sent this time). */
  input: string | null;
  turns: unknown[];
  /** Names of the tools offered. */
  tools: string[];
  /** The structured output's name, when one was asked for. */
  output: string | null;
}

export class Recorder {
  readonly http: HttpCall[] = [];
  readonly database: DatabaseCall[] = [];
  readonly llm: LlmCall[] = [];
  /** One line per call no mock answered. */
  readonly unmocked: string[] = [];
  private readonly uses = new Map<object, number>();

  /** The first rule that matches and has uses left (`times`), counted as used. */
  pick<R extends object>(rules: readonly R[], matches: (rule: R) => boolean): R | undefined {
    for (const rule of rules) {
      const used = this.uses.get(rule) ?? 0;
      const times = (rule as { times?: number }).times;
      if (times !== undefined && used >= times) continue;
      if (!matches(rule)) continue;
      this.uses.set(rule, used + 1);
      return rule;
    }
    return undefined;
  }

  /** Times a rule answered. */
  used(rule: object): number {
    return this.uses.get(rule) ?? 0;
  }

  /** `calls` as assertions see it. */
  calls(): { http: HttpCall[]; database: DatabaseCall[]; llm: LlmCall[] } {
    return { http: this.http, database: this.database, llm: this.llm };
  }
}
