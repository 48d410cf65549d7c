// The orchestrator's MCP server: tools, resources and a prompt for authoring integrations, built per
// request for the caller's identity (the endpoint is stateless). Tools call the API's procedures
// in-process (one implementation of every rule), check the caller's role first, and audit writes.

import { McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";
import { deployments, runs } from "@octo/db";
import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { ZodError, z } from "zod";
import type { AuditSink } from "../api/audit.ts";
import type { Services } from "../api/services.ts";
import { createCallerFactory } from "../api/trpc.ts";
import { actorOf, type Identity, type RolePolicy, refusal } from "../auth/identity.ts";
import { badRequest, notFound } from "../domains/errors.ts";
import { definition, id, name } from "../domains/fields.ts";
import { VERSION } from "../ops/version.ts";
import { appRouter } from "../router.ts";
import { listExamples, readExample } from "./examples.ts";
import { authoringPrompt, INSTRUCTIONS } from "./prompt.ts";

export interface McpDeps {
  policy: RolePolicy;
  audit: AuditSink;
  services: Services;
  /** Logs an unexpected error (the client only gets "internal error"). */
  logError(error: unknown, procedure: string): void;
  /** Where the examples come from (samples/). */
  examplesDir: string;
}

const createCaller = createCallerFactory(appRouter);
/** The procedures called from a tool do not audit: the tool writes one row as `mcp.<tool>`. */
const NO_AUDIT: AuditSink = { record: async () => {} };
/** MCP's "resource not found". */
const RESOURCE_NOT_FOUND = -32002;
const LOG_LIMIT = 1_000;

let validator: AjvJsonSchemaValidator | undefined;

const envValues = z
  .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an identifier"), z.string().max(65_536))
  .optional()
  .describe("values for the env vars the definition declares (dev values; never stored)");

/** A JSON value without Dates or undefined, as structuredContent must be. */
const plain = (value: object): Record<string, unknown> => JSON.parse(JSON.stringify(value));

function ok(value: object, text = JSON.stringify(value, null, 2)): CallToolResult {
  return { content: [{ type: "text", text }], structuredContent: plain(value) };
}

function failed(text: string, value?: object): CallToolResult {
  return {
    content: [{ type: "text", text }],
    isError: true,
    ...(value === undefined ? {} : { structuredContent: plain(value) }),
  };
}

interface Problem {
  code: string;
  message: string;
  hint?: string;
  line?: number;
  col?: number;
}

function problemsText(problems: Problem[]): string {
  if (problems.length === 0) return "no problems";
  const lines = problems.map(
    (p) =>
      `${p.line === undefined ? "" : `${p.line}:${p.col}: `}${p.message} [${p.code}]${p.hint ? `\n  hint: ${p.hint}` : ""}`,
  );
  return `${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${lines.join("\n")}`;
}

const summary = (row: { id: string; name: string; createdAt: Date; lastUpdated: Date }) => ({
  id: row.id,
  name: row.name,
  createdAt: row.createdAt,
  lastUpdated: row.lastUpdated,
});

type Permission = "read" | "write";

interface ToolSpec<S extends z.ZodRawShape> {
  title: string;
  description: string;
  permission: Permission;
  input: S;
  /** What the audit row is about. */
  target?: (args: z.infer<z.ZodObject<S>>) => { kind: string; id: string | undefined };
  destructive?: boolean;
}

/** The MCP server for one request by `identity`. */
export function mcpServer(deps: McpDeps, identity: Identity): McpServer {
  validator ??= new AjvJsonSchemaValidator();
  const server = new McpServer(
    { name: "octo", title: "Octo", version: VERSION },
    { instructions: INSTRUCTIONS, jsonSchemaValidator: validator },
  );
  const api = createCaller({
    identity,
    policy: deps.policy,
    audit: NO_AUDIT,
    services: deps.services,
    logError: deps.logError,
  });

  /** A tool's error as the client reads it; unexpected ones are logged and said as "internal error". */
  const errorOf = (e: unknown, procedure: string): { code: string; message: string } => {
    if (e instanceof TRPCError) {
      if (e.cause instanceof ZodError)
        return {
          code: "BAD_REQUEST",
          message: e.cause.issues.map((i) => `${i.path.join(".") || "input"}: ${i.message}`).join("; "),
        };
      if (e.code !== "INTERNAL_SERVER_ERROR") return { code: e.code, message: e.message };
      deps.logError(e.cause ?? e, procedure);
      return { code: e.code, message: "internal error" };
    }
    deps.logError(e, procedure);
    return { code: "INTERNAL_SERVER_ERROR", message: "internal error" };
  };

  function tool<S extends z.ZodRawShape>(
    toolName: string,
    spec: ToolSpec<S>,
    run: (args: z.infer<z.ZodObject<S>>) => Promise<CallToolResult>,
  ): void {
    const procedure = `mcp.${toolName}`;
    const handler = async (args: z.infer<z.ZodObject<S>>): Promise<CallToolResult> => {
      const started = performance.now();
      // Like a tRPC mutation: every write is audited, refused ones included; reads are not.
      const audit = async (outcome: "ok" | "error", errorCode: string | undefined) => {
        if (spec.permission !== "write") return;
        const actor = actorOf(identity);
        const target = spec.target?.(args);
        await deps.audit.record({
          actorKind: actor.kind,
          actorId: actor.id,
          procedure,
          targetKind: target?.kind,
          targetId: target?.id,
          outcome,
          errorCode,
          durationMs: Math.round(performance.now() - started),
        });
      };
      const refused = refusal(identity, spec.permission, deps.policy);
      if (refused) {
        await audit("error", refused.code);
        return failed(`refused: ${toolName} needs the ${spec.permission} role (${refused.message})`);
      }
      try {
        const result = await run(args);
        await audit("ok", undefined);
        return result;
      } catch (e) {
        const error = errorOf(e, procedure);
        await audit("error", error.code);
        return failed(`${error.code}: ${error.message}`);
      }
    };
    server.registerTool(
      toolName,
      {
        title: spec.title,
        description: spec.description,
        inputSchema: spec.input,
        annotations: {
          readOnlyHint: spec.permission === "read",
          ...(spec.permission === "write" ? { destructiveHint: spec.destructive ?? false } : {}),
        },
      },
      handler as never,
    );
  }

  /** Problems of a saved definition, without those of env values a save does not have. */
  const problemsOf = async (text: string): Promise<Problem[]> =>
    (await api.dsl.validate({ definition: text, env: {} })).problems.filter((p) => p.code !== "env-missing");

  const saved = (
    verb: string,
    row: { id: string; name: string; createdAt: Date; lastUpdated: Date },
    problems: Problem[],
  ) =>
    ok(
      { integration: summary(row), problems },
      `${verb} integration ${row.name} (id ${row.id}, lastUpdated ${row.lastUpdated.toISOString()}); ` +
        `${problems.length === 0 ? "it loads without problems" : `the saved definition has ${problemsText(problems)}`}`,
    );

  tool(
    "list_integrations",
    {
      title: "List integrations",
      description: "Every integration: its id, name and when it was created and last updated.",
      permission: "read",
      input: {},
    },
    async () => ok({ integrations: await api.integrations.list() }),
  );

  tool(
    "read_integration",
    {
      title: "Read an integration",
      description:
        "One integration with its YAML definition; its lastUpdated is what update_integration takes as expectedLastUpdated.",
      permission: "read",
      input: { id: id.describe("the integration's id (from list_integrations)") },
    },
    async ({ id: target }) => {
      const row = await api.integrations.get({ id: target });
      const text =
        `integration ${row.name} (id ${row.id}, lastUpdated ${row.lastUpdated.toISOString()})\n` +
        `--- definition ---\n${row.definition}`;
      return ok({ ...summary(row), definition: row.definition }, text);
    },
  );

  tool(
    "validate_definition",
    {
      title: "Validate a definition",
      description:
        "Loads a YAML definition as the runtime would, without saving or starting it: every problem with " +
        "line:col, a code and often a hint. Required env vars are reported missing unless given in env.",
      permission: "read",
      input: { definition: definition.describe("the integration's YAML"), env: envValues },
    },
    async (args) => {
      const result = await api.dsl.validate({ definition: args.definition, env: args.env ?? {} });
      return ok(result, result.ok ? "valid: no problems" : problemsText(result.problems));
    },
  );

  tool(
    "create_integration",
    {
      title: "Create an integration",
      description:
        "Saves a new integration. Its definition is saved even with problems (a draft); they are listed in the answer.",
      permission: "write",
      input: {
        name: name.describe("a unique name"),
        definition: definition.describe("the integration's YAML"),
      },
      target: (args) => ({ kind: "integration", id: args.name }),
    },
    async (args) => {
      const row = await api.integrations.create({ name: args.name, definition: args.definition });
      return saved("created", row, await problemsOf(row.definition));
    },
  );

  tool(
    "update_integration",
    {
      title: "Update an integration",
      description:
        "Saves a new definition (and optionally a new name). With expectedLastUpdated (from read_integration) " +
        "the save is refused (CONFLICT) if someone changed it since. Open editors and live runs pick it up.",
      permission: "write",
      destructive: true,
      input: {
        id: id.describe("the integration's id"),
        definition: definition.describe("the whole new YAML"),
        name: name.optional().describe("a new name"),
        expectedLastUpdated: z.iso
          .datetime({ offset: true })
          .optional()
          .describe("the lastUpdated you read; the save fails if it changed since"),
      },
      target: (args) => ({ kind: "integration", id: args.id }),
    },
    async (args) => {
      const row = await api.integrations.update({
        id: args.id,
        definition: args.definition,
        ...(args.name === undefined ? {} : { name: args.name }),
        ...(args.expectedLastUpdated === undefined ? {} : { expectedLastUpdated: args.expectedLastUpdated }),
      });
      return saved("updated", row, await problemsOf(row.definition));
    },
  );

  tool(
    "run_integration",
    {
      title: "Run an integration",
      description:
        "Starts the saved definition as a dev run (its sources serve: HTTP routes, schedules, tools) with the " +
        "given env values; read_logs {id} shows what it does, stop_run ends it. A save reloads it.",
      permission: "write",
      input: { id: id.describe("the integration's id"), env: envValues },
      target: (args) => ({ kind: "integration", id: args.id }),
    },
    async (args) => {
      const run = await api.runs.start({ integrationId: args.id, env: args.env ?? {} });
      return ok(
        { run },
        `run ${run.id}: ${run.status}${run.url ? ` at ${run.url}` : ""}${run.reason ? ` (${run.reason})` : ""}`,
      );
    },
  );

  tool(
    "stop_run",
    {
      title: "Stop a run",
      description: "Stops a run started by run_integration.",
      permission: "write",
      destructive: true,
      input: { id: id.describe("the run's id") },
      target: (args) => ({ kind: "run", id: args.id }),
    },
    async (args) => {
      const run = await api.runs.stop({ id: args.id });
      return ok({ run }, `run ${run.id}: ${run.status}`);
    },
  );

  tool(
    "invoke_flow",
    {
      title: "Invoke a flow",
      description:
        "Runs one flow of the saved definition once with data as its body (whatever its source) and answers " +
        "its output, or the runtime's error, with its log lines. Nothing stays running.",
      permission: "write",
      input: {
        id: id.describe("the integration's id"),
        flow: z.string().min(1).max(200).describe("the flow's name"),
        data: z.unknown().describe("the JSON body the flow gets"),
        env: envValues,
      },
      target: (args) => ({ kind: "integration", id: args.id }),
    },
    async (args) => {
      const result = await api.runs.invoke({
        integrationId: args.id,
        flow: args.flow,
        data: args.data,
        env: args.env ?? {},
      });
      const logs = result.logs.length > 0 ? `\n\nlogs:\n${result.logs.join("\n")}` : "";
      return result.ok
        ? ok(
            result,
            `output (${result.durationMs} ms):\n${JSON.stringify(result.output ?? null, null, 2)}${logs}`,
          )
        : failed(`the flow failed: ${result.error ?? "unknown error"}${logs}`, result);
    },
  );

  tool(
    "read_logs",
    {
      title: "Read logs",
      description:
        "The captured log lines of a run (id) or a deployment (deploymentId), oldest first; pass the answer's " +
        "next as after to read only newer lines.",
      permission: "read",
      input: {
        id: id.optional().describe("a run's id (from run_integration)"),
        deploymentId: id.optional().describe("a deployment's id"),
        after: z.number().int().min(0).optional().describe("only lines after this sequence number"),
        limit: z
          .number()
          .int()
          .min(1)
          .max(LOG_LIMIT)
          .optional()
          .describe("at most this many (the newest; 200)"),
      },
    },
    async (args) => {
      if ((args.id === undefined) === (args.deploymentId === undefined))
        throw badRequest("give either id (a run) or deploymentId");
      const { db, driver } = deps.services;
      const target = (args.id ?? args.deploymentId) as string;
      const [row] =
        args.id !== undefined
          ? await db.select({ id: runs.id }).from(runs).where(eq(runs.id, target))
          : await db.select({ id: deployments.id }).from(deployments).where(eq(deployments.id, target));
      if (!row) throw notFound(args.id !== undefined ? "run" : "deployment");
      const lines = driver.logs(target, args.after ?? 0).slice(-(args.limit ?? 200));
      const next = lines.at(-1)?.seq ?? args.after ?? 0;
      const text =
        lines.length === 0
          ? "no log lines yet"
          : lines.map((l) => `${l.seq} ${l.replica} ${l.stream}: ${l.text}`).join("\n");
      return ok({ lines, next }, text);
    },
  );

  server.registerResource(
    "schema",
    "octo://schema",
    {
      title: "Definition schema",
      description:
        "The JSON Schema of an integration definition: every block, connector and source, with its settings.",
      mimeType: "application/schema+json",
    },
    async (uri) => ({
      contents: [
        {
          uri: uri.href,
          mimeType: "application/schema+json",
          text: JSON.stringify(await api.dsl.schema(), null, 2),
        },
      ],
    }),
  );

  server.registerResource(
    "examples",
    "octo://examples",
    {
      title: "Examples",
      description: "The index of example integrations (octo://examples/<slug>), one line about each.",
      mimeType: "application/json",
    },
    (uri) => {
      const index = listExamples(deps.examplesDir).map((e) => ({ ...e, uri: `octo://examples/${e.slug}` }));
      return {
        contents: [{ uri: uri.href, mimeType: "application/json", text: JSON.stringify(index, null, 2) }],
      };
    },
  );

  server.registerResource(
    "example",
    new ResourceTemplate("octo://examples/{slug}", {
      list: () => ({
        resources: listExamples(deps.examplesDir).map((e) => ({
          uri: `octo://examples/${e.slug}`,
          name: e.slug,
          description: e.summary,
          mimeType: "text/yaml",
        })),
      }),
      complete: {
        slug: (value) =>
          listExamples(deps.examplesDir).flatMap((e) => (e.slug.startsWith(value) ? [e.slug] : [])),
      },
    }),
    {
      title: "Example integration",
      description: "One example's YAML files, commented.",
      mimeType: "text/yaml",
    },
    (uri, { slug }) => {
      const files = typeof slug === "string" ? readExample(deps.examplesDir, slug) : undefined;
      if (!files)
        throw Object.assign(new Error(`no example ${String(slug)}; octo://examples lists them`), {
          code: RESOURCE_NOT_FOUND,
        });
      return {
        contents: files.map((f) => ({
          uri: files.length === 1 ? uri.href : `${uri.href}/${f.file}`,
          mimeType: "text/yaml",
          text: f.text,
        })),
      };
    },
  );

  server.registerPrompt(
    "author-integration",
    {
      title: "Author an integration",
      description:
        "The authoring loop: read the schema and examples, draft, validate, save, run or invoke, read logs, iterate.",
      argsSchema: { goal: z.string().optional().describe("what the integration should do") },
    },
    ({ goal }) => ({
      messages: [{ role: "user", content: { type: "text", text: authoringPrompt(goal) } }],
    }),
  );

  return server;
}
