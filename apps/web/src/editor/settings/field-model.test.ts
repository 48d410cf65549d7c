import { beforeAll, describe, expect, it } from "vitest";
import { configJsonSchema } from "../../../../../packages/runtime/src/dsl/json-schema.ts";
import { loadRegistry } from "../../../../../packages/runtime/src/plugin/load-plugins.ts";
import { deriveSchemaInfo, type SchemaInfo } from "../model/schema-info.ts";
import {
  blockFormSchema,
  convertVariantValue,
  DURATION_HINT,
  envRef,
  envRefName,
  type FieldDescriptor,
  fieldsOf,
  holdsBlocks,
  isEmptyValue,
  isVisible,
  type JsonSchema,
  labelOf,
  problemsOf,
  splitCelList,
  templateProblem,
  unknownKeys,
  variantIndexOf,
  withKey,
} from "./field-model.ts";

let info: SchemaInfo;

beforeAll(async () => {
  // The schema the runtime publishes (`octo schema`), with the default plugins (the AI blocks).
  info = deriveSchemaInfo(configJsonSchema(await loadRegistry({})) as JsonSchema);
});

function blockFields(type: string): FieldDescriptor[] {
  const block = info.blocks.get(type);
  if (!block) throw new Error(`no block ${type}`);
  return fieldsOf(blockFormSchema(block).schema);
}

function connectorFields(type: string): FieldDescriptor[] {
  return fieldsOf(info.connectors.get(type)?.settings);
}

function sourceFields(type: string): FieldDescriptor[] {
  return fieldsOf(info.sources.get(type)?.settings);
}

function field(fields: readonly FieldDescriptor[], name: string): FieldDescriptor {
  const found = fields.find((f) => f.name === name);
  if (!found) throw new Error(`no field ${name} in ${fields.map((f) => f.name).join(", ")}`);
  return found;
}

/** The interesting part of a descriptor (not its raw schema). */
function summary(f: FieldDescriptor) {
  return { name: f.name, label: f.label, kind: f.kind, required: f.required };
}

describe("fieldsOf on the runtime's schema", () => {
  it("describes the rest block's settings in the schema's order", () => {
    const fields = blockFields("rest");
    expect(fields.map(summary)).toEqual([
      { name: "connector", label: "Connector", kind: "connector", required: true },
      { name: "method", label: "Method", kind: "enum", required: false },
      { name: "path", label: "Path", kind: "template", required: false },
      { name: "query", label: "Query", kind: "map", required: false },
      { name: "headers", label: "Headers", kind: "map", required: false },
      { name: "body", label: "Body", kind: "cel", required: false },
      { name: "failOnError", label: "Fail on error", kind: "boolean", required: false },
      { name: "statusVar", label: "Status var", kind: "string", required: false },
      { name: "headersVar", label: "Headers var", kind: "string", required: false },
      { name: "retry", label: "Retry", kind: "object", required: false },
    ]);
    expect(field(fields, "connector").connectorTypes).toEqual(["http-client"]);
    const method = field(fields, "method");
    expect(method.enum).toEqual(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]);
    expect(method.default).toBe("GET");
    expect(method.envAllowed).toBe(true);
    expect(field(fields, "path").default).toBe("");
    expect(field(fields, "query").itemKind).toBe("template");
    expect(field(fields, "query").description).toMatch(/^query parameters/);
    expect(field(fields, "failOnError").default).toBe(true);
    expect(field(fields, "statusVar")).toMatchObject({ default: "statusCode", minLength: 1 });
    // The CEL field is not an env candidate: ${...} there would be CEL text.
    expect(field(fields, "body").envAllowed).toBe(false);

    const retry = field(fields, "retry").fields ?? [];
    expect(retry.map(summary)).toEqual([
      { name: "maxAttempts", label: "Max attempts", kind: "integer", required: false },
      { name: "initialDelay", label: "Initial delay", kind: "duration", required: false },
      { name: "maxDelay", label: "Max delay", kind: "duration", required: false },
      { name: "on", label: "On", kind: "cel", required: false },
    ]);
    expect(field(retry, "maxAttempts")).toMatchObject({ min: 1, max: 100 });
  });

  it("describes sql: a database connector, a multi-line query and args as list-or-expression", () => {
    const fields = blockFields("sql");
    expect(fields.map((f) => [f.name, f.kind, f.required])).toEqual([
      ["connector", "connector", true],
      ["query", "string", true],
      ["args", "alternatives", false],
      ["exec", "boolean", false],
      ["single", "boolean", false],
    ]);
    expect(field(fields, "connector").connectorTypes).toEqual(["database"]);
    expect(field(fields, "query").multiline).toBe(true);
    const args = field(fields, "args");
    expect(args.variants?.map((v) => [v.label, v.field.kind])).toEqual([
      ["List of expressions", "cel-list"],
      ["Expression", "cel"],
    ]);
    expect(args.variants?.[0]?.field.itemKind).toBe("cel");
    expect(args.variants?.[0]?.field.item?.description).toBe("the value of one ?");
    expect(args.variants?.[1]?.field.description).toBe("a list with the value of each ?, in order");
    expect(variantIndexOf(args, ["body.id", "vars.x"])).toBe(0);
    expect(variantIndexOf(args, "[body.id]")).toBe(1);
    expect(variantIndexOf(args, undefined)).toBeUndefined();
  });

  it("describes log: a CEL message, a level enum with its default, a logger connector", () => {
    const fields = blockFields("log");
    expect(fields.map((f) => [f.name, f.kind])).toEqual([
      ["message", "cel"],
      ["level", "enum"],
      ["logger", "connector"],
      ["full", "boolean"],
    ]);
    expect(field(fields, "level")).toMatchObject({
      enum: ["debug", "info", "warn", "error"],
      default: "info",
    });
    expect(field(fields, "logger").connectorTypes).toEqual(["logger"]);
    expect(field(fields, "full").default).toBe(false);
  });

  it("describes foreach's top-level fields and leaves its body (a scope) to the canvas", () => {
    const block = info.blocks.get("foreach");
    if (!block) throw new Error("no foreach");
    const form = blockFormSchema(block);
    expect(form.target).toBe("block");
    const fields = fieldsOf(form.schema);
    expect(fields.map(summary)).toEqual([
      { name: "items", label: "Items", kind: "cel", required: true },
      { name: "as", label: "As", kind: "string", required: false },
    ]);
    const as = field(fields, "as");
    expect(as).toMatchObject({ default: "item", pattern: "^[A-Za-z_][A-Za-z0-9_]*$" });
    expect(problemsOf(as, "order")).toEqual([]);
    expect(problemsOf(as, "1st")).toEqual(["must match ^[A-Za-z_][A-Za-z0-9_]*$"]);
    expect(problemsOf(field(fields, "items"), undefined)).toEqual(["required"]);
    // Straight from the block schema too: the body holds blocks, so it is not a field.
    expect(fieldsOf(block.schema).map((f) => f.name)).toEqual(["name", "ref", "items", "as"]);
  });

  it("skips every scope: if, switch, fork, handle-errors, cache-scope and the AI blocks", () => {
    expect(blockFields("if").map((f) => f.name)).toEqual(["condition"]);
    expect(blockFields("switch").map((f) => f.name)).toEqual([]);
    expect(blockFields("fork").map((f) => f.name)).toEqual(["aggregate"]);
    expect(blockFields("handle-errors").map((f) => f.name)).toEqual([]);
    expect(blockFields("cache-scope").map((f) => [f.name, f.kind])).toEqual([
      ["key", "cel"],
      ["ttl", "duration"],
      ["maxEntries", "integer"],
    ]);
    expect(blockFields("ai-router").map((f) => f.name)).toEqual([
      "connector",
      "prompt",
      "guardrail",
      "maxTokens",
    ]);
    expect(blockFields("ai-agent").map((f) => f.name)).toEqual([
      "connector",
      "prompt",
      "guardrail",
      "maxIterations",
      "maxTokens",
    ]);
    expect(blockFields("ai-retry").map((f) => f.name)).toEqual(["connector", "prompt", "maxAttempts"]);
    expect(field(blockFields("ai-router"), "maxTokens").exclusiveMin).toBe(0);
    expect(field(blockFields("ai-router"), "prompt").multiline).toBe(true);
    expect(blockFields("flow-ref").map((f) => [f.name, f.kind])).toEqual([
      ["flow", "flow"],
      ["oneWay", "boolean"],
    ]);
  });

  it("never yields a field that holds blocks, anywhere in the schema", () => {
    const all: FieldDescriptor[] = [];
    const collect = (fields: readonly FieldDescriptor[]) => {
      for (const f of fields) {
        all.push(f);
        collect(f.fields ?? []);
        for (const v of f.variants ?? []) collect([v.field]);
        if (f.item) collect([f.item]);
      }
    };
    for (const type of info.blocks.keys()) collect(blockFields(type));
    for (const type of info.connectors.keys()) collect(connectorFields(type));
    for (const type of info.sources.keys()) collect(sourceFields(type));
    expect(all.length).toBeGreaterThan(100);
    expect(all.filter((f) => holdsBlocks(f.schema))).toEqual([]);
    // Only free-form values fall back to YAML/JSON text: everything else has a widget.
    expect([...new Set(all.filter((f) => f.kind === "json").map((f) => f.name))].sort()).toEqual([
      "inputExample",
      "inputSchema",
      "outputExample",
      "outputSchema",
    ]);
  });

  it("describes the http-client connector, auth included", () => {
    const fields = connectorFields("http-client");
    expect(fields.map((f) => [f.name, f.label, f.kind, f.required])).toEqual([
      ["baseURL", "Base URL", "string", true],
      ["timeout", "Timeout", "duration", false],
      ["headers", "Headers", "map", false],
      ["maxResponseBytes", "Max response bytes", "integer", false],
      ["auth", "Auth", "object", false],
      ["retry", "Retry", "object", false],
      ["cache", "Cache", "object", false],
    ]);
    expect(field(fields, "timeout").default).toBe("30s");
    expect(field(fields, "headers").itemKind).toBe("string");
    // The runtime models auth as one object whose `type` enum picks the variant.
    const auth = field(fields, "auth").fields ?? [];
    expect(auth.map((f) => [f.name, f.label, f.kind])).toEqual([
      ["type", "Type", "enum"],
      ["token", "Token", "string"],
      ["username", "Username", "string"],
      ["password", "Password", "string"],
      ["tokenURL", "Token URL", "string"],
      ["clientID", "Client ID", "string"],
      ["clientSecret", "Client secret", "string"],
      ["scopes", "Scopes", "string-list"],
    ]);
    expect(field(auth, "type")).toMatchObject({ required: true, enum: ["bearer", "basic", "oauth2"] });
    // Conditional groups: each field applies to one auth type, and shows only for it.
    expect(field(auth, "token").visibleWhen).toEqual({ type: ["bearer"] });
    expect(field(auth, "scopes").visibleWhen).toEqual({ type: ["oauth2"] });
    const shown = (value: Record<string, unknown>) =>
      auth.filter((f) => isVisible(f, value)).map((f) => f.name);
    expect(shown({ type: "basic" })).toEqual(["type", "username", "password"]);
    expect(shown({ type: "oauth2" })).toEqual(["type", "tokenURL", "clientID", "clientSecret", "scopes"]);
    // A value left over from another type stays visible, so it can be seen and removed.
    expect(shown({ type: "basic", token: "x" })).toEqual(["type", "token", "username", "password"]);
    // Secrets go through env vars.
    expect(field(auth, "token").envAllowed).toBe(true);
    expect(problemsOf(field(auth, "token"), envRef("API_TOKEN"))).toEqual([]);
    expect(field(fields, "cache").fields?.map((f) => [f.name, f.default])).toEqual([
      ["ttl", "60s"],
      ["maxEntries", 1000],
      ["maxBytes", 16777216],
    ]);
  });

  it("describes the http source: a header list with a per-item pattern", () => {
    const fields = sourceFields("http");
    expect(fields.map((f) => [f.name, f.label, f.kind, f.required])).toEqual([
      ["path", "Path", "string", true],
      ["method", "Method", "enum", false],
      ["headers", "Headers", "string-list", false],
      ["correlationIdHeader", "Correlation ID header", "string", false],
      ["timeout", "Timeout", "duration", false],
      ["maxBodyBytes", "Max body bytes", "integer", false],
    ]);
    expect(field(fields, "method").enum).toContain("OPTIONS");
    expect(field(fields, "method").default).toBeUndefined();
    const headers = field(fields, "headers");
    expect(headers.itemKind).toBe("string");
    expect(headers.item?.pattern).toBeDefined();
    expect(problemsOf(headers, ["X-Tenant", "bad header"])).toEqual([
      `item 2: must match ${headers.item?.pattern}`,
    ]);
    expect(problemsOf(headers, ["X-Tenant", ""])).toEqual(["item 2: empty"]);
    expect(field(fields, "maxBodyBytes")).toMatchObject({ default: 1048576, min: 0 });
    expect(sourceFields("cron").map((f) => [f.name, f.kind])).toEqual([
      ["schedule", "string"],
      ["payload", "cel"],
      ["correlationID", "string"],
      ["timezone", "string"],
      ["overlap", "boolean"],
    ]);
  });

  it("describes a connector without settings as no fields", () => {
    expect(connectorFields("cron")).toEqual([]);
    expect(field(connectorFields("database"), "dsn").label).toBe("DSN");
    expect(field(connectorFields("openai"), "api").label).toBe("API");
    expect(field(connectorFields("anthropic"), "apiKey")).toMatchObject({ label: "API key", kind: "string" });
  });
});

describe("alternatives", () => {
  /** Auth variants told apart by a `type` constant (the form a discriminated schema takes). */
  const discriminated: JsonSchema = {
    type: "object",
    properties: {
      auth: {
        oneOf: [
          {
            type: "object",
            properties: { type: { const: "bearer" }, token: { type: "string" } },
            required: ["type", "token"],
          },
          {
            type: "object",
            properties: {
              type: { const: "basic" },
              username: { type: "string" },
              password: { type: "string" },
            },
            required: ["type", "username"],
          },
        ],
      },
    },
  };

  it("labels discriminated variants by their constant and picks one by it", () => {
    const [auth] = fieldsOf(discriminated);
    if (!auth) throw new Error("no auth");
    expect(auth.kind).toBe("alternatives");
    expect(auth.variants?.map((v) => [v.label, v.discriminator])).toEqual([
      ["bearer", { key: "type", value: "bearer" }],
      ["basic", { key: "type", value: "basic" }],
    ]);
    // The constant is not a field of its own.
    expect(auth.variants?.[1]?.field.fields?.map((f) => [f.name, f.required])).toEqual([
      ["username", true],
      ["password", false],
    ]);
    expect(variantIndexOf(auth, { type: "basic", username: "u" })).toBe(1);
    expect(variantIndexOf(auth, { type: "digest" })).toBeUndefined();
    expect(problemsOf(auth, { type: "digest" })).toEqual(["expected bearer or basic"]);
    // Switching keeps what the other variant also has and sets the constant.
    expect(convertVariantValue(auth, 0, 1, { type: "bearer", token: "t", username: "kept" })).toEqual({
      username: "kept",
      type: "basic",
    });
  });

  it("keeps the meaning of sql args across list and single expression", async () => {
    const args = field(blockFields("sql"), "args");
    expect(convertVariantValue(args, 0, 1, ["body.id", "vars.name"])).toBe("[body.id, vars.name]");
    expect(convertVariantValue(args, 1, 0, "[body.id, vars.name]")).toEqual(["body.id", "vars.name"]);
    // An expression that is not a list literal cannot be split without changing what it means.
    expect(convertVariantValue(args, 1, 0, "body.ids")).toBeUndefined();
    expect(convertVariantValue(args, 0, 1, [])).toBeUndefined();
    expect(convertVariantValue(args, 0, 1, ["a", ""])).toBeUndefined();
  });

  it("splits CEL list literals only at top-level commas", () => {
    expect(splitCelList('[a, f(b, c), "x,y", {"k": [1, 2]}]')).toEqual([
      "a",
      "f(b, c)",
      '"x,y"',
      '{"k": [1, 2]}',
    ]);
    expect(splitCelList("[]")).toEqual([]);
    expect(splitCelList("[a, b,]")).toEqual(["a", "b"]);
    expect(splitCelList("[a] + [b]")).toBeUndefined();
    expect(splitCelList("[a, ]b")).toBeUndefined();
    expect(splitCelList("body.list")).toBeUndefined();
    expect(splitCelList("[a, , b]")).toBeUndefined();
    expect(splitCelList("['''x]''', y]")).toEqual(["'''x]'''", "y"]);
  });
});

describe("labelOf", () => {
  it("turns keys into sentence-case labels, keeping acronyms", () => {
    expect(labelOf("maxTokens")).toBe("Max tokens");
    expect(labelOf("baseURL")).toBe("Base URL");
    expect(labelOf("clientID")).toBe("Client ID");
    expect(labelOf("ttl")).toBe("TTL");
    expect(labelOf("correlationIdHeader")).toBe("Correlation ID header");
    expect(labelOf("max_open-conns")).toBe("Max open conns");
    expect(labelOf("as")).toBe("As");
  });
});

describe("problemsOf", () => {
  const rest = () => blockFields("rest");

  it("reports required only when empty, and nothing for an empty optional field", () => {
    const connector = field(rest(), "connector");
    expect(problemsOf(connector, undefined)).toEqual(["required"]);
    expect(problemsOf(connector, "")).toEqual(["required"]);
    expect(problemsOf(connector, "api")).toEqual([]);
    expect(problemsOf(field(rest(), "headersVar"), undefined)).toEqual([]);
  });

  it("checks durations with the runtime's rule", () => {
    const delay = field(field(rest(), "retry").fields ?? [], "maxDelay");
    for (const ok of ["250ms", "30s", "1h30m", "1.5s", "0", "10µs"])
      expect(problemsOf(delay, ok), ok).toEqual([]);
    for (const bad of ["30", "5 s", "1d", "-1s", "s"])
      expect(problemsOf(delay, bad), bad).toEqual([DURATION_HINT]);
    expect(problemsOf(delay, 30)).toEqual([DURATION_HINT]);
  });

  it("checks numbers: type, whole numbers, inclusive and exclusive bounds", () => {
    const attempts = field(field(rest(), "retry").fields ?? [], "maxAttempts");
    expect(problemsOf(attempts, 3)).toEqual([]);
    expect(problemsOf(attempts, 0)).toEqual(["at least 1"]);
    expect(problemsOf(attempts, 101)).toEqual(["at most 100"]);
    expect(problemsOf(attempts, 2.5)).toEqual(["expected a whole number"]);
    expect(problemsOf(attempts, "three")).toEqual(["expected a number"]);
    // An env reference is judged where the runtime runs.
    expect(problemsOf(attempts, envRef("RETRIES"))).toEqual([]);
    const maxTokens = field(blockFields("ai-router"), "maxTokens");
    expect(problemsOf(maxTokens, 0)).toEqual(["more than 0"]);
    const temperature = field(connectorFields("openai"), "temperature");
    expect(problemsOf(temperature, 0.7)).toEqual([]);
    expect(problemsOf(temperature, 2.5)).toEqual(["at most 2"]);
  });

  it("checks enums, lengths and booleans", () => {
    expect(problemsOf(field(rest(), "method"), "FETCH")).toEqual([
      "must be one of GET, POST, PUT, PATCH, DELETE, HEAD",
    ]);
    expect(problemsOf(field(rest(), "method"), "POST")).toEqual([]);
    expect(problemsOf(field(rest(), "failOnError"), "yes")).toEqual(["expected true or false"]);
    expect(problemsOf(field(rest(), "failOnError"), false)).toEqual([]);
    const short: FieldDescriptor = { ...field(rest(), "statusVar"), minLength: 3, maxLength: 5 };
    expect(problemsOf(short, "ab")).toEqual(["at least 3 characters"]);
    expect(problemsOf(short, "abcdef")).toEqual(["at most 5 characters"]);
  });

  it("checks templates as the rest block parses them", () => {
    const path = field(rest(), "path");
    expect(problemsOf(path, "/orders/{vars.id}")).toEqual([]);
    expect(problemsOf(path, "/literal/{{braces}}")).toEqual([]);
    expect(problemsOf(path, '/q/{ {"a": "}"}.a }')).toEqual([]);
    expect(problemsOf(path, "/orders/{vars.id")).toEqual(["a { is never closed; write {{ for a literal {"]);
    expect(problemsOf(path, "/orders/}")).toEqual(["a } closes no {; write }} for a literal }"]);
    expect(templateProblem("/x/{ }")).toBe("{} holds no expression");
  });

  it("checks map values, letting null omit an entry", () => {
    const query = field(rest(), "query");
    expect(problemsOf(query, { city: "{body.city}", units: "metric", skip: null })).toEqual([]);
    expect(problemsOf(query, { city: "{body.city" })).toEqual([
      "city: a { is never closed; write {{ for a literal {",
    ]);
    expect(problemsOf(query, ["not", "a map"])).toEqual(["expected a mapping of names to values"]);
  });

  it("checks the value of the chosen alternative", () => {
    const args = field(blockFields("sql"), "args");
    expect(problemsOf(args, ["body.id"])).toEqual([]);
    expect(problemsOf(args, ["body.id", ""])).toEqual(["item 2: empty"]);
    expect(problemsOf(args, "[body.id]")).toEqual([]);
    expect(problemsOf(args, { id: 1 })).toEqual(["expected list of expressions or expression"]);
  });

  it("checks objects' shape only (their fields are hinted one by one)", () => {
    const retry = field(rest(), "retry");
    expect(problemsOf(retry, { maxAttempts: 0 })).toEqual([]);
    expect(problemsOf(retry, "often")).toEqual(["expected a mapping"]);
  });
});

describe("value helpers", () => {
  it("recognises whole-value env references only", () => {
    expect(envRefName(envRef("TOKEN"))).toBe("TOKEN");
    expect(envRef("TOKEN")).toBe("$" + "{TOKEN}");
    expect(envRefName(`Bearer ${envRef("TOKEN")}`)).toBeUndefined();
    expect(envRefName(envRef("1BAD"))).toBeUndefined();
    expect(envRefName(42)).toBeUndefined();
  });

  it("treats absent, null, empty text, lists and maps as empty, but not 0 or false", () => {
    for (const empty of [undefined, null, "", [], {}]) expect(isEmptyValue(empty)).toBe(true);
    for (const set of [0, false, " ", ["a"], { a: 1 }]) expect(isEmptyValue(set)).toBe(false);
  });

  it("sets and removes keys on a copy, keeping the order of the others", () => {
    const original = { a: 1, b: 2, c: 3 };
    const changed = withKey(original, "b", 20);
    expect(Object.entries(changed)).toEqual([
      ["a", 1],
      ["b", 20],
      ["c", 3],
    ]);
    expect(withKey(original, "b", undefined)).toEqual({ a: 1, c: 3 });
    expect(withKey(undefined, "x", "y")).toEqual({ x: "y" });
    expect(original).toEqual({ a: 1, b: 2, c: 3 });
  });

  it("lists the keys the schema does not know", () => {
    expect(unknownKeys(blockFields("log"), { message: "x", colour: "red", extra: 1 })).toEqual([
      "colour",
      "extra",
    ]);
  });
});
