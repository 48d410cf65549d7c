// A flow test file (`*.test.yaml`): its zod schema and its loading with located errors, the same
// machinery as a config (YamlSource + validateAt), so a mistake in a test names file:line:col.
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { z } from "zod";
import { type CompiledExpr, compile } from "../cel/index.ts";
import type { Path } from "../config/yaml-source.ts";
import { YamlSource } from "../config/yaml-source.ts";
import { duration, durationMs } from "../dsl/fields.ts";
import { validateAt } from "../dsl/validate.ts";
import type { Diagnostic } from "../errors/diagnostic.ts";

/** What `expect.that` expressions see (besides nothing else: no body, no now). */
export const EXPECT_VARIABLES: Record<string, string> = Object.freeze({
  output: "dyn",
  status: "dyn",
  vars: "map<string, dyn>",
  calls: "map<string, dyn>",
  events: "list<dyn>",
  logs: "list<dyn>",
  error: "dyn",
  headers: "map<string, dyn>",
  env: "map<string, string>",
});

const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] as const;

const isRegex = (s: string) => {
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
};

const regex = (description: string) =>
  z.string().min(1).refine(isRegex, "is not a valid regular expression").meta({ description });

const method = z
  .string()
  .transform((m) => m.toUpperCase())
  .pipe(z.enum(HTTP_METHODS));

/** Env values as YAML writes them; the runtime reads them as text. */
const envMap = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

/** Exactly one of `a` and `b` (e.g. url or urlPattern). */
function oneOf<T extends Record<string, unknown>>(a: keyof T & string, b: keyof T & string) {
  return (value: T, ctx: z.core.$RefinementCtx) => {
    const count = (value[a] === undefined ? 0 : 1) + (value[b] === undefined ? 0 : 1);
    if (count !== 1)
      ctx.addIssue({
        code: "custom",
        path: [a],
        message: count === 0 ? `give ${a} or ${b}` : `give either ${a} or ${b}, not both`,
      });
  };
}

export const httpMockSchema = z
  .strictObject({
    connector: z.string().min(1).optional().meta({ description: "only calls of this http-client" }),
    method: method.optional().meta({ description: "GET, POST …; any method when absent" }),
    url: z.string().min(1).optional().meta({
      description:
        "the URL exactly (query parameters in any order); a path starting with / matches any origin",
    }),
    urlPattern: regex("a regular expression the full URL must match").optional(),
    status: z.int().min(100).max(599).default(200),
    headers: envMap.optional(),
    body: z.unknown().optional().meta({ description: "a string is sent as is, anything else as JSON" }),
    delay: duration("answer after this long (a delay past the connector's timeout times out)").optional(),
    error: z.string().min(1).optional().meta({ description: "fail the call as a network error would" }),
    times: z.int().min(1).optional().meta({ description: "answer this many calls, then let later mocks" }),
  })
  .superRefine(oneOf("url", "urlPattern"));

export const databaseMockSchema = z
  .strictObject({
    connector: z.string().min(1).optional(),
    statement: z
      .string()
      .min(1)
      .optional()
      .meta({ description: "the SQL exactly (runs of whitespace count as one space)" }),
    statementPattern: regex("a regular expression the SQL must match").optional(),
    args: z.array(z.unknown()).optional().meta({ description: "the bound values, when they matter" }),
    rows: z.array(z.record(z.string(), z.unknown())).optional(),
    affected: z.int().min(0).optional().meta({ description: "rowsAffected of an exec: true statement" }),
    lastInsertId: z.union([z.int(), z.string()]).optional(),
    error: z.string().min(1).optional().meta({ description: "fail the statement with this message" }),
    times: z.int().min(1).optional(),
  })
  .superRefine(oneOf("statement", "statementPattern"));

const toolCallSchema = z.strictObject({
  name: z.string().min(1),
  arguments: z.unknown().optional(),
  id: z.string().min(1).optional(),
});

export const llmMockSchema = z
  .strictObject({
    connector: z.string().min(1).optional(),
    text: z.string().optional(),
    json: z.unknown().optional().meta({ description: "an answer whose text is this value as JSON" }),
    toolCalls: z.array(toolCallSchema).optional(),
    error: z.string().min(1).optional(),
    usage: z.strictObject({ inputTokens: z.int().min(0), outputTokens: z.int().min(0) }).optional(),
  })
  .superRefine((v, ctx) => {
    const given = (["text", "json", "toolCalls", "error"] as const).filter((k) => v[k] !== undefined);
    if (given.length === 0)
      ctx.addIssue({ code: "custom", path: [], message: "give text, json, toolCalls or error" });
    if (v.text !== undefined && v.json !== undefined)
      ctx.addIssue({ code: "custom", path: ["json"], message: "give either text or json, not both" });
    if (v.error !== undefined && given.length > 1)
      ctx.addIssue({ code: "custom", path: ["error"], message: "an error answer has nothing else" });
  });

export const mocksSchema = z.strictObject({
  http: z.array(httpMockSchema).optional(),
  database: z.array(databaseMockSchema).optional(),
  llm: z.array(llmMockSchema).optional().meta({ description: "answers in the order the model is called" }),
});

const requestSchema = z.strictObject({
  method: method.default("GET"),
  path: z.string().startsWith("/", "must start with /"),
  headers: envMap.optional(),
  query: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.string())])).optional(),
  body: z.unknown().optional().meta({ description: "a string is sent as is, anything else as JSON" }),
});

const expectSchema = z.strictObject({
  status: z
    .union([z.string(), z.int()])
    .optional()
    .meta({ description: "completed, failed or dropped; the HTTP status for a request" }),
  output: z.unknown().optional().meta({ description: "the result, compared for deep equality" }),
  // One expression is a list of one, so a wrong item is reported where it is.
  that: z
    .preprocess((v) => (typeof v === "string" ? [v] : v), z.array(z.string().min(1)))
    .optional()
    .meta({ description: "CEL expressions that must be true (one, or a list)" }),
});

const caseSchema = z
  .strictObject({
    name: z.string().min(1),
    flow: z.string().min(1).optional(),
    payload: z.unknown().optional(),
    vars: z.record(z.string(), z.unknown()).optional(),
    request: requestSchema.optional(),
    env: envMap.optional(),
    mocks: mocksSchema.optional(),
    expect: expectSchema.optional(),
    timeout: duration("how long the case may run").optional(),
  })
  .superRefine((c, ctx) => {
    if (c.request === undefined && c.flow === undefined)
      ctx.addIssue({ code: "custom", path: ["flow"], message: "give flow (or an HTTP request:)" });
    if (c.request !== undefined && c.payload !== undefined)
      ctx.addIssue({
        code: "custom",
        path: ["payload"],
        message: "a request case sends request.body, not payload",
      });
    if (c.request !== undefined && c.vars !== undefined)
      ctx.addIssue({
        code: "custom",
        path: ["vars"],
        message: "a request case gets its vars from the HTTP source",
      });
  });

export const testFileSchema = z.strictObject({
  config: z
    .string()
    .min(1)
    .optional()
    .meta({ description: "the config (file or directory) under test; default: this directory's" }),
  env: envMap.optional().meta({ description: "env vars of every case (a case's own win)" }),
  mocks: mocksSchema.optional().meta({ description: "mocks of every case (tried after a case's own)" }),
  cases: z.array(caseSchema).min(1),
});

export type HttpMock = z.infer<typeof httpMockSchema>;
export type DatabaseMock = z.infer<typeof databaseMockSchema>;
export type LlmMock = z.infer<typeof llmMockSchema>;
export type Mocks = z.infer<typeof mocksSchema>;
export type TestRequest = z.infer<typeof requestSchema>;

/** Every mock a case may use, its own before the file's. */
export interface CaseMocks {
  http: HttpMock[];
  database: DatabaseMock[];
  llm: LlmMock[];
}

/** A CEL assertion with where it is written. */
export interface Assertion {
  source: string;
  expr: CompiledExpr;
  /** "expect.that[0]" — for reports. */
  label: string;
}

export interface TestCase {
  name: string;
  flow: string | undefined;
  payload: unknown;
  vars: Record<string, unknown> | undefined;
  request: TestRequest | undefined;
  /** File-level env with the case's over it. */
  env: Record<string, string>;
  /** The case's mocks first, then the file's. */
  mocks: CaseMocks;
  expect: {
    status?: string | number;
    /** Present when the file says `output:` (null included). */
    output?: { value: unknown };
    that: Assertion[];
  };
  timeoutMs: number;
  /** Where the case starts: "file:line:col". */
  location: string;
}

export interface TestFile {
  file: string;
  /** Absolute path of the config under test (a file or a directory). */
  config: string;
  cases: TestCase[];
}

export type TestFileLoad = { ok: true; file: TestFile } | { ok: false; diagnostics: Diagnostic[] };

export const DEFAULT_CASE_TIMEOUT_MS = 10_000;

export const isTestFile = (name: string) => /\.test\.ya?ml$/i.test(name);

const envText = (env: Record<string, string | number | boolean> | undefined) =>
  Object.fromEntries(Object.entries(env ?? {}).map(([k, v]) => [k, String(v)]));

/** The parsed YAML value at `path` (before validation). */
function rawAt(value: unknown, path: Path): unknown {
  return path.reduce<unknown>(
    (v, k) => (v !== null && typeof v === "object" ? (v as Record<string | number, unknown>)[k] : undefined),
    value,
  );
}

/** Parses and validates a test file; every problem comes back located. */
export function loadTestFile(path: string, display = path): TestFileLoad {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    return {
      ok: false,
      diagnostics: [
        {
          code: "test-file-unreadable",
          message: `cannot read ${display}: ${(e as Error).message}`,
          location: { file: display, line: 1, col: 1 },
        },
      ],
    };
  }
  return parseTestFile(new YamlSource(display, text), dirname(resolve(path)));
}

/** Validates a parsed test file; `dir` is where relative `config:` paths start. */
export function parseTestFile(source: YamlSource, dir: string): TestFileLoad {
  if (source.errors.length > 0) return { ok: false, diagnostics: source.errors };
  const r = validateAt(testFileSchema, source.value ?? null, source, [], "test file");
  const diagnostics = r.diagnostics.map((d) =>
    /expect\.that\.\d+" must be a string, not a map/.test(d.message)
      ? { ...d, hint: 'quote the expression: YAML reads an unquoted one holding ": " as a map' }
      : d,
  );
  // Unknown keys alone leave the rest validated (r.data): its CEL is still checked, so every
  // error is reported at once.
  const data = r.data;
  if (!data) return { ok: false, diagnostics };

  const config = data.config === undefined ? dir : resolve(dir, data.config);
  if (data.config !== undefined && !existsSync(config))
    diagnostics.push(
      source.diagnosticAt(
        ["config"],
        "test-config-not-found",
        `config ${data.config} does not exist (looked for ${config})`,
        "config: is a file or directory relative to the test file",
      ),
    );

  const seen = new Map<string, number>();
  const cases: TestCase[] = data.cases.map((c, i) => {
    const first = seen.get(c.name);
    if (first !== undefined) {
      diagnostics.push(
        source.diagnosticAt(
          ["cases", i, "name"],
          "duplicate-case",
          `duplicate case name "${c.name}" (first at cases[${first}])`,
          "case names must be unique in a file: --filter and reports name cases by them",
        ),
      );
    } else seen.set(c.name, i);
    // A single expression (that: "…") is located at `that` itself, a list item at its index.
    const single = typeof rawAt(source.value, ["cases", i, "expect", "that"]) === "string";
    const that: Assertion[] = [];
    (c.expect?.that ?? []).forEach((text, j) => {
      const path: Path = single ? ["cases", i, "expect", "that"] : ["cases", i, "expect", "that", j];
      const label = single ? "expect.that" : `expect.that[${j}]`;
      const compiled = compile(text, { variables: EXPECT_VARIABLES });
      if (compiled.ok) {
        that.push({ source: text, expr: compiled.expr, label });
        return;
      }
      const err = compiled.errors[0];
      const offset =
        err?.offset === undefined ? source.offsetOf(path) : source.offsetInScalar(path, err.offset);
      diagnostics.push({
        code: "cel-compile",
        message: `CEL: ${err?.message ?? "does not compile"}`,
        hint: `assertions see ${Object.keys(EXPECT_VARIABLES).join(", ")}`,
        location: source.at(offset),
        excerpt: source.excerpt(offset),
      });
    });
    const expect: TestCase["expect"] = { that };
    if (c.expect?.status !== undefined) expect.status = c.expect.status;
    if (c.expect !== undefined && "output" in c.expect) expect.output = { value: c.expect.output ?? null };
    const at = source.at(source.offsetOf(["cases", i]));
    return {
      name: c.name,
      flow: c.flow,
      payload: c.payload ?? null,
      vars: c.vars,
      request: c.request,
      env: { ...envText(data.env), ...envText(c.env) },
      mocks: {
        http: [...(c.mocks?.http ?? []), ...(data.mocks?.http ?? [])],
        database: [...(c.mocks?.database ?? []), ...(data.mocks?.database ?? [])],
        llm: [...(c.mocks?.llm ?? []), ...(data.mocks?.llm ?? [])],
      },
      expect,
      timeoutMs: c.timeout === undefined ? DEFAULT_CASE_TIMEOUT_MS : durationMs(c.timeout),
      location: `${at.file}:${at.line}:${at.col}`,
    };
  });
  if (diagnostics.length > 0) return { ok: false, diagnostics };
  return { ok: true, file: { file: source.file, config, cases } };
}
