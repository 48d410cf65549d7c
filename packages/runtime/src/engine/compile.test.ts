import { describe, expect, test } from "vitest";
import { z } from "zod";
import { YamlSource } from "../config/yaml-source.ts";
import type { Diagnostic } from "../errors/diagnostic.ts";
import { coreBlocks, defaultRegistry, loadRuntimeFromSources, Registry } from "../index.ts";
import type { Logger } from "../logging/logger.ts";
import type { ConnectorDefinition } from "../plugin/types.ts";

/** YAML text from lines, so line N of the file is argument N. */
const y = (...lines: string[]) => `${lines.join("\n")}\n`;

const quiet: Logger = { log() {} };

/** Core blocks only: the connector lists in messages then do not depend on what defaultRegistry ships. */
const blocksOnly = () => new Registry().use(coreBlocks);

/** Core blocks and two fake connectors (an `http` source and a `logger`), and nothing else. */
function registryWithConnectors(): Registry {
  const http: ConnectorDefinition = {
    type: "http",
    label: "HTTP",
    description: "test http server",
    settings: z.strictObject({ port: z.number().optional() }),
    sources: [
      {
        type: "http",
        label: "HTTP endpoint",
        settings: z.strictObject({ path: z.string().optional() }),
        start: async () => async () => {},
      },
    ],
    create: () => ({}),
  };
  const logger: ConnectorDefinition = {
    type: "logger",
    label: "Logger",
    description: "test logger",
    settings: z.strictObject({}),
    create: () => quiet,
  };
  return blocksOnly().use({ name: "test-connectors", connectors: [http, logger] });
}

function load(text: string, registry: Registry = defaultRegistry()) {
  return loadRuntimeFromSources([new YamlSource("c.yaml", text)], { registry, osEnv: {}, logger: quiet });
}

function diagnosticsOf(text: string, registry?: Registry): Diagnostic[] {
  const r = load(text, registry);
  if (r.ok) throw new Error("expected the config to fail to load");
  return r.diagnostics;
}

/** [code, "line:col", message] of every diagnostic. */
const summary = (ds: Diagnostic[]) =>
  ds.map((d) => [d.code, `${d.location?.line}:${d.location?.col}`, d.message]);

/** A config with one flow `f` whose process is `blocks` (each line indented under process:). */
const flowWith = (...blocks: string[]) =>
  y("flows:", "  - name: f", "    process:", ...blocks.map((b) => `      ${b}`));

describe("block references", () => {
  test("unknown block type → did you mean, at the type value, hint lists the known types", () => {
    const ds = diagnosticsOf(flowWith("- type: set-paylod", "  settings: { value: '1' }"));
    expect(ds).toHaveLength(1);
    expect(ds[0]?.code).toBe("unknown-block-type");
    expect(ds[0]?.message).toBe('unknown block type "set-paylod"; did you mean "set-payload"?');
    expect(ds[0]?.hint).toMatch(/^known block types: .*\bset-payload\b.*\bflow-ref\b/);
    expect(ds[0]?.location).toEqual({ file: "c.yaml", line: 4, col: 15 });
    expect(ds[0]?.excerpt).toBe("      - type: set-paylod\n              ^");
  });

  test("an unknown block type with nothing close gets no suggestion", () => {
    const ds = diagnosticsOf(flowWith("- type: zzzzzzzzzz"));
    expect(summary(ds)).toEqual([["unknown-block-type", "4:15", 'unknown block type "zzzzzzzzzz"']]);
  });

  test("a block with neither type nor ref → missing-block-type at the block", () => {
    const ds = diagnosticsOf(
      flowWith("- type: log", "  settings: {}", "- name: nothing", "  settings: { value: '1' }"),
    );
    expect(ds).toHaveLength(1);
    expect(ds[0]?.code).toBe("missing-block-type");
    expect(ds[0]?.message).toBe("block has no type:");
    expect(ds[0]?.hint).toBe("add type: (e.g. log) or ref: to a processor");
    expect(ds[0]?.location).toEqual({ file: "c.yaml", line: 6, col: 9 });
  });

  test("a block that is not a map → invalid-block", () => {
    const ds = diagnosticsOf(flowWith("- just-a-string"));
    expect(summary(ds)).toEqual([["invalid-block", "4:9", "a block must be a map with type: (or ref:)"]]);
  });

  test("ref: to an unknown processor → did you mean, at the ref value", () => {
    const ds = diagnosticsOf(
      y(
        "processors:",
        "  - { name: greeter, type: log, settings: { message: '\"hi\"' } }",
        "flows:",
        "  - name: f",
        "    process:",
        "      - ref: gretter",
      ),
    );
    expect(ds).toHaveLength(1);
    expect(ds[0]?.code).toBe("unknown-processor");
    expect(ds[0]?.message).toBe('ref "gretter" names no processor; did you mean "greeter"?');
    expect(ds[0]?.hint).toBe("declared processors: greeter");
    expect(ds[0]?.location).toEqual({ file: "c.yaml", line: 6, col: 14 });
  });

  test("ref: with no processors declared at all", () => {
    const ds = diagnosticsOf(flowWith("- ref: anything"));
    expect(ds.map((d) => [d.code, d.message, d.hint])).toEqual([
      ["unknown-processor", 'ref "anything" names no processor', "declare it under processors:"],
    ]);
  });

  test("ref: with a conflicting type → ref-type-mismatch at the type", () => {
    const ds = diagnosticsOf(
      y(
        "processors:",
        "  - { name: greeter, type: log, settings: { message: '\"hi\"' } }",
        "flows:",
        "  - name: f",
        "    process:",
        "      - ref: greeter",
        "        type: set-payload",
      ),
    );
    expect(ds).toHaveLength(1);
    expect(ds[0]?.code).toBe("ref-type-mismatch");
    expect(ds[0]?.message).toBe('block has ref "greeter" (a log) but type "set-payload"');
    expect(ds[0]?.hint).toBe("drop type: or make it match the processor's type");
    expect(ds[0]?.location).toEqual({ file: "c.yaml", line: 7, col: 15 });
  });

  test("an unknown settings key at a ref use site is reported at the use site with a suggestion", () => {
    const ds = diagnosticsOf(
      y(
        "processors:",
        "  - { name: greeter, type: log, settings: { message: '\"hi\"' } }",
        "flows:",
        "  - name: f",
        "    process:",
        "      - ref: greeter",
        "        settings: { levle: warn }",
      ),
    );
    expect(ds).toHaveLength(1);
    expect(ds[0]?.code).toBe("unknown-key");
    expect(ds[0]?.message).toBe('unknown key "levle" in log block: "settings"; did you mean "level"?');
    expect(ds[0]?.location).toEqual({ file: "c.yaml", line: 7, col: 21 });
  });

  test("ref settings override the processor's settings key by key (checked by running the flow)", async () => {
    const r = load(
      y(
        "processors:",
        "  - name: setter",
        "    type: set-variable",
        "    settings: { name: a, value: '\"from-processor\"' }",
        "flows:",
        "  - name: flow",
        "    process:",
        "      - ref: setter", // vars.a = "from-processor"
        "      - ref: setter", // value overridden, name kept: vars.a = "from-use"
        "        settings: { value: '\"from-use\"' }",
        "      - ref: setter", // name overridden, value kept: vars.b = "from-processor"
        "        settings: { name: b }",
        "      - ref: setter", // a matching type is allowed; both overridden
        "        type: set-variable",
        "        settings: { name: c, value: body.n + 1.0 }",
        "      - type: set-payload",
        "        settings: { value: vars }",
      ),
    );
    if (!r.ok) throw new Error(summary(r.diagnostics).join("\n"));
    await r.runtime.start({ sources: false });
    try {
      const out = await r.runtime.invoke("flow", { n: 41 });
      expect(out.status).toBe("completed");
      expect(out.message.body).toEqual({ a: "from-use", b: "from-processor", c: 42 });
    } finally {
      await r.runtime.stop();
    }
  });

  test("flow-ref to an unknown flow → did you mean, at the flow setting", () => {
    const ds = diagnosticsOf(
      y(
        "flows:",
        "  - name: main",
        "    process: []",
        "  - name: caller",
        "    process:",
        "      - type: flow-ref",
        "        settings: { flow: mian }",
      ),
    );
    expect(ds).toHaveLength(1);
    expect(ds[0]?.code).toBe("unknown-flow");
    expect(ds[0]?.message).toBe('no flow named "mian"; did you mean "main"?');
    expect(ds[0]?.hint).toBe("flows: main, caller");
    expect(ds[0]?.location).toEqual({ file: "c.yaml", line: 7, col: 27 });
  });

  test("flow-ref to a known flow compiles and runs it synchronously", async () => {
    const r = load(
      y(
        "flows:",
        "  - name: callee",
        "    process:",
        "      - type: set-payload",
        "        settings: { value: '{\"got\": body}' }",
        "  - name: caller",
        "    process:",
        "      - type: flow-ref",
        "        settings: { flow: callee }",
      ),
    );
    if (!r.ok) throw new Error(summary(r.diagnostics).join("\n"));
    await r.runtime.start({ sources: false });
    try {
      const out = await r.runtime.invoke("caller", "x");
      expect(out.status).toBe("completed");
      expect(out.message.body).toEqual({ got: "x" });
    } finally {
      await r.runtime.stop();
    }
  });
});

describe("root-only keys in sub-flows", () => {
  const rootOnly = (key: string, line: number, col: number) => [
    "root-only-key",
    `${line}:${col}`,
    `"${key}" can only be set on a top-level flow, not inside a block's sub-flow`,
  ];

  test.each([
    [
      "if.then",
      ["- type: if", "  condition: 'true'", "  then:", "    workers: 2", "    process: []"],
      rootOnly("workers", 7, 11),
    ],
    [
      "if.else",
      ["- type: if", "  condition: 'true'", "  then: { process: [] }", "  else: { buffer: 3, process: [] }"],
      rootOnly("buffer", 7, 17),
    ],
    [
      "switch case",
      [
        "- type: switch",
        "  cases:",
        "    - when: 'true'",
        "      source: { connector: x }",
        "      process: []",
      ],
      rootOnly("source", 7, 13),
    ],
    [
      "switch default",
      ["- type: switch", "  cases: [{ when: 'true', process: [] }]", "  default: { pool: 2, process: [] }"],
      rootOnly("pool", 6, 20),
    ],
    [
      "foreach body",
      ["- type: foreach", "  items: '[1]'", "  body:", "    process: []", "    workers: 4"],
      rootOnly("workers", 8, 11),
    ],
    [
      "fork branch",
      ["- type: fork", "  branches:", "    - name: a", "      error: []", "      process: []"],
      rootOnly("error", 7, 13),
    ],
  ])("%s", (_where, blocks, expected) => {
    const ds = diagnosticsOf(flowWith(...blocks));
    expect(summary(ds)).toEqual([expected]);
    expect(ds[0]?.hint).toBe("move it to a top-level flow and call that flow with flow-ref");
  });

  test("every root-only key in nested sub-flows is reported", () => {
    const ds = diagnosticsOf(
      flowWith(
        "- type: if", // 4
        "  condition: 'true'", // 5
        "  then:", // 6
        "    workers: 2", // 7
        "    process:", // 8
        "      - type: fork", // 9
        "        branches:", // 10
        "          - source: { connector: x }", // 11
        "            process: []", // 12
      ),
    );
    expect(ds.map((d) => [d.code, d.location?.line, d.location?.col])).toEqual([
      ["root-only-key", 7, 11],
      ["root-only-key", 11, 19],
    ]);
  });

  test("an ordinary unknown key in a sub-flow stays unknown-key with a suggestion", () => {
    const ds = diagnosticsOf(flowWith("- type: if", "  condition: 'true'", "  then: { proces: [] }"));
    expect(ds.map((d) => d.code)).toContain("unknown-key");
    expect(ds.find((d) => d.code === "unknown-key")?.message).toBe(
      'unknown key "proces" in if block: "then"; did you mean "process"?',
    );
    expect(ds.some((d) => d.code === "root-only-key")).toBe(false);
  });
});

describe("CEL compile errors point into the expression", () => {
  const undeclared =
    "CEL: undeclared variable 'paylod'; available: body, vars, eventID, correlationID, env, now";
  const unknownFn = "CEL: unknown function 'uuidd()' (did you mean 'uuid()'?)";

  test("plain scalar", () => {
    const ds = diagnosticsOf(flowWith("- type: set-payload", "  settings:", "    value: body.a + paylod.x"));
    expect(summary(ds)).toEqual([["cel-compile", "6:27", undeclared]]);
    expect(ds[0]?.hint).toBe("expressions see body, vars, eventID, correlationID, env and now");
    expect(ds[0]?.excerpt).toBe("body.a + paylod.x\n         ^");
  });

  test("single-quoted scalar", () => {
    const ds = diagnosticsOf(
      flowWith("- type: set-payload", "  settings:", "    value: 'body.a + paylod.x'"),
    );
    expect(summary(ds)).toEqual([["cel-compile", "6:28", undeclared]]);
  });

  test("double-quoted scalar", () => {
    const ds = diagnosticsOf(flowWith("- type: set-payload", "  settings:", "    value: \"'x' + uuidd()\""));
    expect(summary(ds)).toEqual([["cel-compile", "6:25", unknownFn]]);
    expect(ds[0]?.excerpt).toBe("'x' + uuidd()\n      ^");
  });

  test("undeclared variable at the very start of the expression", () => {
    const ds = diagnosticsOf(flowWith("- type: set-payload", "  settings: { value: 'paylod.x' }"));
    expect(summary(ds)).toEqual([["cel-compile", "5:29", undeclared]]);
  });

  test("block literal: the error is on the 2nd line of the expression", () => {
    const ds = diagnosticsOf(
      flowWith("- type: set-payload", "  settings:", "    value: |", "      body.a +", "      paylod.x"),
    );
    expect(summary(ds)).toEqual([["cel-compile", "8:13", undeclared]]);
    expect(ds[0]?.excerpt).toBe("paylod.x\n^");
  });

  test("block literal with strip chomping, error in the middle of the 2nd line", () => {
    const ds = diagnosticsOf(
      flowWith(
        "- type: log",
        "  settings:",
        "    message: |-",
        "      body.a == 1 ?",
        "      'hi ' + uuidd() : ''",
      ),
    );
    expect(summary(ds)).toEqual([["cel-compile", "8:21", unknownFn]]);
  });

  test("composite fields: if condition, switch when, foreach items", () => {
    const ds = diagnosticsOf(
      flowWith(
        "- type: if", // 4
        "  condition: paylod.ok", // 5
        "  then: { process: [] }", // 6
        "- type: switch", // 7
        "  cases:", // 8
        "    - when: 'body.x == uuidd()'", // 9
        "      process: []", // 10
        "- type: foreach", // 11
        '  items: "paylod.list"', // 12
        "  body: { process: [] }", // 13
      ),
    );
    expect(summary(ds)).toEqual([
      ["cel-compile", "5:20", undeclared],
      ["cel-compile", "9:30", unknownFn],
      ["cel-compile", "12:17", undeclared],
    ]);
  });

  test("a CEL error inside a processor is located in the processor's declaration", () => {
    const ds = diagnosticsOf(
      y("processors:", "  - name: p", "    type: set-payload", "    settings: { value: 'paylod.x' }"),
    );
    expect(summary(ds)).toEqual([["cel-compile", "4:25", undeclared]]);
  });

  test("a CEL error in a ref use site's override is located at the use site", () => {
    const ds = diagnosticsOf(
      y(
        "processors:",
        "  - name: p",
        "    type: set-payload",
        "    settings: { value: body }",
        "flows:",
        "  - name: f",
        "    process:",
        "      - ref: p",
        "        settings: { value: 'x + 1' }",
      ),
    );
    expect(summary(ds)).toEqual([
      [
        "cel-compile",
        "9:29",
        "CEL: undeclared variable 'x'; available: body, vars, eventID, correlationID, env, now",
      ],
    ]);
  });

  test("every CEL error of a config is reported, not only the first", () => {
    const ds = diagnosticsOf(
      flowWith(
        "- type: set-payload",
        "  settings: { value: 'paylod.a' }",
        "- type: set-variable",
        "  settings: { name: v, value: 'uuidd()' }",
      ),
    );
    expect(ds.map((d) => [d.code, d.location?.line])).toEqual([
      ["cel-compile", 5],
      ["cel-compile", 7],
    ]);
  });
});

describe("connectors and sources", () => {
  test("unknown connector type → did you mean, at the type value", () => {
    const ds = diagnosticsOf(y("connectors:", "  - { name: api, type: htp }"), registryWithConnectors());
    expect(ds).toHaveLength(1);
    expect(ds[0]?.code).toBe("unknown-connector-type");
    expect(ds[0]?.message).toBe('unknown connector type "htp"; did you mean "http"?');
    expect(ds[0]?.hint).toBe("known connector types: http, logger");
    expect(ds[0]?.location).toEqual({ file: "c.yaml", line: 2, col: 24 });
  });

  test("unknown connector type in a runtime with no connectors", () => {
    const ds = diagnosticsOf(y("connectors:", "  - { name: api, type: http }"), blocksOnly());
    expect(ds.map((d) => [d.code, d.message, d.hint])).toEqual([
      ["unknown-connector-type", 'unknown connector type "http"', "known connector types: (none)"],
    ]);
  });

  test("connector settings are validated by the connector's schema", () => {
    const ds = diagnosticsOf(
      y("connectors:", "  - { name: api, type: http, settings: { prot: 8080 } }"),
      registryWithConnectors(),
    );
    expect(summary(ds)).toEqual([
      ["unknown-key", "2:42", 'unknown key "prot" in http settings; did you mean "port"?'],
    ]);
  });

  test("a source naming an undeclared connector → did you mean, at the connector value", () => {
    const ds = diagnosticsOf(
      y(
        "connectors:",
        "  - { name: web, type: http }",
        "flows:",
        "  - name: f",
        "    source: { connector: wbe }",
        "    process: []",
      ),
      registryWithConnectors(),
    );
    expect(ds).toHaveLength(1);
    expect(ds[0]?.code).toBe("unknown-source");
    expect(ds[0]?.message).toBe('source connector "wbe" is not declared; did you mean "web"?');
    expect(ds[0]?.hint).toBe("source types available: http");
    expect(ds[0]?.location).toEqual({ file: "c.yaml", line: 5, col: 26 });
  });

  test("a source connector in a runtime with no source connectors at all", () => {
    const ds = diagnosticsOf(
      y("flows:", "  - name: f", "    source: { connector: api }", "    process: []"),
      blocksOnly(),
    );
    expect(summary(ds)).toEqual([["unknown-source", "3:26", 'source connector "api" is not declared']]);
    expect(ds[0]?.hint).toMatch(/^this runtime has no source connectors/);
  });

  test("a source without connector: (and no usable type) says so", () => {
    const ds = diagnosticsOf(y("flows:", "  - name: f", "    source: {}", "    process: []"), blocksOnly());
    expect(summary(ds)).toEqual([["unknown-source", "3:13", "source needs connector: (a connector name)"]]);
  });

  test("a source type the connector does not offer", () => {
    const ds = diagnosticsOf(
      y(
        "connectors:",
        "  - { name: web, type: http }",
        "flows:",
        "  - name: f",
        "    source: { connector: web, type: cronn }",
        "    process: []",
      ),
      registryWithConnectors(),
    );
    expect(summary(ds)).toEqual([
      ["unknown-source-type", "5:37", 'connector http has no source type "cronn"'],
    ]);
    expect(ds[0]?.hint).toBe("source types of http: http");
  });

  test("a connector that offers no sources cannot be a flow source", () => {
    const ds = diagnosticsOf(
      y(
        "connectors:",
        "  - { name: logs, type: logger }",
        "flows:",
        "  - name: f",
        "    source: { connector: logs }",
        "    process: []",
      ),
      registryWithConnectors(),
    );
    expect(summary(ds)).toEqual([
      ["unknown-source-type", "5:26", "connector logger cannot be a flow source"],
    ]);
  });

  test("source settings are validated by the source's schema", () => {
    const ds = diagnosticsOf(
      y(
        "connectors:",
        "  - { name: web, type: http }",
        "flows:",
        "  - name: f",
        "    source: { connector: web, settings: { pth: /x } }",
        "    process: []",
      ),
      registryWithConnectors(),
    );
    expect(summary(ds)).toEqual([
      ["unknown-key", "5:43", 'unknown key "pth" in http source settings; did you mean "path"?'],
    ]);
  });

  test("a log block's logger: must name a logger connector", () => {
    const ds = diagnosticsOf(
      y(
        "connectors:",
        "  - { name: web, type: http }",
        "  - { name: audit, type: logger }",
        "flows:",
        "  - name: f",
        "    process:",
        "      - type: log",
        "        settings: { logger: web }",
        "      - type: log",
        "        settings: { logger: audti }",
      ),
      registryWithConnectors(),
    );
    expect(summary(ds)).toEqual([
      ["unknown-connector", "8:29", 'connector "web" is a http, not a logger'],
      ["unknown-connector", "10:29", 'no connector named "audti"; did you mean "audit"?'],
    ]);
    expect(ds[1]?.hint).toContain("audit");
  });

  test("a valid config with a declared source connector loads", () => {
    const r = load(
      y(
        "connectors:",
        "  - { name: web, type: http, settings: { port: 8080 } }",
        "flows:",
        "  - name: f",
        "    source: { connector: web, settings: { path: /x } }",
        "    process: []",
      ),
      registryWithConnectors(),
    );
    expect(r.ok).toBe(true);
  });
});

describe("load and compile errors together", () => {
  test("schema errors and compile errors of one config are all reported", () => {
    const ds = diagnosticsOf(
      y(
        "flows:", // 1
        "  - name: f", // 2
        "    workerz: 2", // 3
        "    process:", // 4
        "      - type: set-paylod", // 5
        "      - type: flow-ref", // 6
        "        settings: { flow: nope }", // 7
      ),
    );
    expect(ds.map((d) => [d.code, d.location?.line, d.location?.col])).toEqual([
      ["unknown-key", 3, 5],
      ["unknown-block-type", 5, 15],
      ["unknown-flow", 7, 27],
    ]);
  });
});

describe("regressions", () => {
  test("the hint for a wrong logger: lists only logger connectors, not every connector without a category", () => {
    // compile.ts ctx.connector filters candidates with `d.type === kind.type || d.category === kind.category`;
    // for { type: "logger" } kind.category is undefined, so every connector whose category is also
    // undefined (the fake http here, the real cron connector) is offered as a "logger connector".
    const ds = diagnosticsOf(
      y(
        "connectors:",
        "  - { name: web, type: http }",
        "  - { name: audit, type: logger }",
        "flows:",
        "  - name: f",
        "    process:",
        "      - type: log",
        "        settings: { logger: audti }",
      ),
      registryWithConnectors(),
    );
    expect(ds.map((d) => [d.code, d.hint])).toEqual([["unknown-connector", "logger connectors: audit"]]);
  });

  test("a CEL error inside a processor is reported once, not again for every ref to it", () => {
    // compile.ts checks each processor where it is declared and then recompiles the merged node
    // at every use site, so the same diagnostic (same file:line:col) appears 1 + N times.
    const ds = diagnosticsOf(
      y(
        "processors:",
        "  - name: p",
        "    type: set-payload",
        "    settings: { value: 'paylod.x' }",
        "flows:",
        "  - name: f",
        "    process:",
        "      - ref: p",
        "      - ref: p",
      ),
    );
    expect(summary(ds)).toEqual([
      [
        "cel-compile",
        "4:25",
        "CEL: undeclared variable 'paylod'; available: body, vars, eventID, correlationID, env, now",
      ],
    ]);
  });

  test("double-quoted CEL with escaped quotes: the column points at the failing call", () => {
    // `"\"id-\" + uuidd()"`: the value is 4 characters shorter than the source before `uuidd`,
    // and offsetInScalar maps value indexes 1:1 for single-line quoted scalars.
    const ds = diagnosticsOf(
      flowWith("- type: set-payload", "  settings:", '    value: "\\"id-\\" + uuidd()"'),
    );
    expect(summary(ds)).toEqual([
      ["cel-compile", "6:29", "CEL: unknown function 'uuidd()' (did you mean 'uuid()'?)"],
    ]);
  });

  test("folded (>-) CEL: an error on the 2nd source line is located on that line", () => {
    const ds = diagnosticsOf(
      flowWith("- type: set-payload", "  settings:", "    value: >-", "      body.a +", "      paylod.x"),
    );
    expect(summary(ds)).toEqual([
      [
        "cel-compile",
        "8:13",
        "CEL: undeclared variable 'paylod'; available: body, vars, eventID, correlationID, env, now",
      ],
    ]);
  });
});
