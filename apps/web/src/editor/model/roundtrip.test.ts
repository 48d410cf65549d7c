/**
 * The editor must never lose what it does not model. For every sample and the spec's example:
 * opening and writing back is byte-for-byte, and random edit/inverse pairs give back the text
 * (or, where the package re-renders a flow collection, the same data with every comment).
 */
import { existsSync, globSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isMap, isScalar, isSeq, Lexer, parse } from "yaml";
import { configJsonSchema } from "../../../../../packages/runtime/src/dsl/json-schema.ts";
import { loadRegistry } from "../../../../../packages/runtime/src/plugin/load-plugins.ts";
import { type EditorDocument, locate, openDocument, type Path, toYaml } from "./document.ts";
import {
  deleteAt,
  insertStep,
  movedStepPath,
  moveStep,
  newStep,
  pathAfterInsert,
  pathAfterRemove,
  removeStep,
  setAt,
} from "./edits.ts";
import { allLanes, allSteps, outlineOf } from "./outline.ts";
import { deriveSchemaInfo, type JsonSchema } from "./schema-info.ts";

const info = deriveSchemaInfo(configJsonSchema(await loadRegistry({})) as JsonSchema);
const repo = new URL("../../../../../", import.meta.url).pathname;
const SPEC = "/work/shared/spec/runtime.md";

const samples = globSync("samples/**/*.yaml", {
  cwd: repo,
  // Flow tests (*.test.yaml) are not integrations.
  exclude: (p) => p.includes("node_modules") || /\.test\.ya?ml$/.test(p),
}).sort();
const specExamples = existsSync(SPEC)
  ? [...readFileSync(SPEC, "utf8").matchAll(/```yaml\n([\s\S]*?)```/g)].map((m, i) => ({
      name: `runtime.md example ${i + 1}`,
      text: m[1] ?? "",
    }))
  : [];
const inputs = [
  ...samples.map((p) => ({ name: p, text: readFileSync(`${repo}${p}`, "utf8") })),
  ...specExamples,
];

/**
 * The spec's example writes `port: ${HTTP_PORT}` and `path: /orders/{id}` unquoted inside flow
 * maps, where `{` ends a plain scalar: it is not valid YAML. It is opened (and written back) as
 * is; the edits run on a copy with such values quoted.
 */
function editable(text: string): string {
  if (openDocument(text).errors.length === 0) return text;
  return text.replace(/(: )([^\s"',{}[\]]*\{\w+\}[^\s,}]*)/g, '$1"$2"');
}

/** Every comment in a YAML text, as the lexer sees it (not `#` inside quoted strings). */
function commentsOf(text: string): string[] {
  return [...new Lexer().lex(text)].filter((t) => t.startsWith("#")).map((t) => t.trimEnd());
}

/** Byte-for-byte, or the same data with every comment of the original still there. */
function expectEquivalent(result: EditorDocument, original: string, what: string): boolean {
  const text = toYaml(result);
  if (text === original) return true;
  expect(parse(text), what).toEqual(parse(original));
  const left = commentsOf(text);
  for (const c of commentsOf(original)) {
    const at = left.indexOf(c);
    expect(at, `${what}: comment ${c} is gone`).not.toBe(-1);
    left.splice(at, 1);
  }
  return false;
}

/** mulberry32: a small seeded PRNG, so that a failure replays. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function seedOf(name: string): number {
  let h = 2166136261;
  for (const ch of name) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return h;
}

const pick = <T>(rand: () => number, list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;

const startsWith = (path: Path, prefix: Path) =>
  prefix.length <= path.length && prefix.every((seg, i) => path[i] === seg);

/** Paths of scalar map values (to set and restore) and of maps (to add a key to and delete it). */
function editableValues(doc: EditorDocument): { scalars: Path[]; maps: Path[] } {
  const scalars: Path[] = [];
  const maps: Path[] = [];
  const walk = (node: unknown, path: Path) => {
    if (isMap(node)) {
      maps.push(path);
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? pair.key.value : undefined;
        if (typeof key !== "string") continue;
        if (isScalar(pair.value)) scalars.push([...path, key]);
        else walk(pair.value, [...path, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        walk(item, [...path, i]);
      });
    }
  };
  walk(doc.yaml.contents, []);
  return { scalars, maps };
}

const PAIRS = 200;

it("finds the samples and the spec's example", () => {
  expect(samples).toContain("samples/http-orders/http-orders.yaml");
  expect(samples.length).toBeGreaterThanOrEqual(16);
  if (existsSync(SPEC)) expect(specExamples.length).toBeGreaterThan(0);
});

describe.each(inputs)("$name", ({ name, text }) => {
  it("writes back byte for byte", () => {
    const doc = openDocument(text);
    expect(toYaml(doc)).toBe(text);
    if (name.startsWith("samples/")) expect(doc.errors).toEqual([]);
    else expect(doc.errors.length === 0 || doc.errors.every((e) => e.line > 0 && e.col > 0)).toBe(true);
  });

  it(`survives ${PAIRS} random edit/inverse pairs`, () => {
    const rand = prng(seedOf(name));
    const doc = openDocument(editable(text));
    expect(doc.errors).toEqual([]);
    const original = toYaml(doc);
    const outline = outlineOf(doc, info);
    const types = [...info.blocks.keys(), "made-up-block"];
    // Lanes that exist, and absent ones (an `else` not written yet) whose parent is there.
    const lanes = allLanes(outline).filter(
      (l) => l.present || locate(doc.yaml.contents, l.path.slice(0, -1)) === undefined,
    );
    const present = lanes.filter((l) => l.present);
    const steps = allSteps(outline).filter((s) => s.path[0] === "flows" || s.path.length > 2);
    const { scalars, maps } = editableValues(doc);
    let exact = 0;
    let runs = 0;
    for (let n = 0; n < PAIRS; n++) {
      const kind = n % 3;
      let result: EditorDocument;
      let what: string;
      if (kind === 0 && lanes.length > 0) {
        const lane = pick(rand, lanes);
        const index = Math.floor(rand() * (lane.steps.length + 1));
        const type = pick(rand, types);
        what = `insert ${type} at ${[...lane.path, index].join(".")}`;
        const inserted = insertStep(doc, lane.path, index, newStep(info, type));
        // An absent lane was created with its scope entry (`else: {process: [...]}`): drop that whole.
        const created = lane.present ? undefined : lane.path.slice(0, -1);
        result = created ? deleteAt(inserted, created) : removeStep(inserted, [...lane.path, index]);
        expect(toYaml(inserted), what).not.toBe(original);
      } else if (kind === 1 && steps.length > 0) {
        const step = pick(rand, steps);
        const targets = present.filter((l) => !startsWith(l.path, step.path));
        const lane = pick(rand, targets);
        const toIndex = Math.floor(rand() * (lane.steps.length + 1));
        what = `move ${step.path.join(".")} to ${[...lane.path, toIndex].join(".")}`;
        const moved = moveStep(doc, step.path, lane.path, toIndex);
        const now = movedStepPath(step.path, lane.path, toIndex);
        const fromList = step.path.slice(0, -1);
        const from = step.path.at(-1) as number;
        const back = pathAfterInsert(pathAfterRemove(fromList, step.path) ?? fromList, now);
        const nowList = now.slice(0, -1);
        const sameList = nowList.length === back.length && startsWith(back, nowList);
        result = moveStep(moved, now, back, sameList && (now.at(-1) as number) < from ? from + 1 : from);
      } else if (scalars.length > 0 && rand() < 0.7) {
        const path = pick(rand, scalars);
        const old = (locate(doc.yaml.contents, path)?.node as { value: unknown } | undefined)?.value;
        const value = pick(rand, ["x", "a long value: with # and 'quotes'", 42, true, ""]);
        what = `set ${path.join(".")} to ${JSON.stringify(value)}`;
        result = setAt(setAt(doc, path, value), path, old);
      } else {
        const path = [...pick(rand, maps), "x-editor-test"];
        what = `add and delete ${path.join(".")}`;
        const added = setAt(doc, path, { nested: [1, 2] });
        expect(toYaml(added), what).not.toBe(original);
        result = deleteAt(added, path);
      }
      runs++;
      if (expectEquivalent(result, original, what)) exact++;
    }
    // Inexact results come from values the package re-renders: an edited flow collection
    // (`[a]` → `[ a ]`), or a scalar set and restored, which keeps the quotes the new value needed.
    if (name.startsWith("samples/")) expect(exact / runs).toBeGreaterThan(0.85);
  });
});

describe("real edits keep what the editor does not model", () => {
  const FIXTURE = `# file header comment
service: { name: keep-all }   # service comment
env:
  - { name: PORT, default: "8080" } # env comment
connectors:
  # connector comment
  - name: api
    type: http
    settings: { port: "\${PORT}" }
processors:
  # processor comment
  - name: greeter
    type: log
    settings:
      message: '"hi"'   # aligned setting comment
flows:
  - name: main
    description: the main flow
    workers: 4      # workers comment
    buffer: 64
    pool: 8
    x-unknown-key: { kept: true }
    source: { connector: api, type: http, settings: { path: /x } }
    process:
      # comment above the ref
      - ref: greeter
        settings: { message: '"hello"' }
      - type: not-a-real-block
        whatever: [1, 2, 3]   # unknown block comment
    error:
      - type: log
        settings: { message: '"failed"' } # error lane comment
  # comment between flows
  - name: other
    process: []
# trailing comment
`;

  it("adds a step into a flow and keeps processors, ref, workers, buffer, pool, unknown keys and comments", () => {
    const doc = openDocument(FIXTURE);
    expect(toYaml(doc)).toBe(FIXTURE);
    let edited = insertStep(doc, ["flows", 0, "process"], 1, newStep(info, "set-payload"));
    edited = insertStep(edited, ["flows", 1, "process"], 0, newStep(info, "if"));
    const data = parse(toYaml(edited));
    expect(data.processors).toEqual([{ name: "greeter", type: "log", settings: { message: '"hi"' } }]);
    const [main, other] = data.flows;
    expect(main).toMatchObject({ workers: 4, buffer: 64, pool: 8, "x-unknown-key": { kept: true } });
    expect(main.process[0]).toEqual({ ref: "greeter", settings: { message: '"hello"' } });
    expect(main.process[1]).toEqual({ type: "set-payload", settings: { value: "" } });
    expect(main.process[2]).toEqual({ type: "not-a-real-block", whatever: [1, 2, 3] });
    expect(main.error).toEqual([{ type: "log", settings: { message: '"failed"' } }]);
    expect(other.process).toEqual([{ type: "if", condition: "", then: { process: [] } }]);
    expect(commentsOf(toYaml(edited))).toEqual(commentsOf(FIXTURE));
    // Lines away from the edits are byte-for-byte what the author wrote.
    const lines = toYaml(edited).split("\n");
    for (const line of [
      "service: { name: keep-all }   # service comment",
      "      message: '\"hi\"'   # aligned setting comment",
      "    workers: 4      # workers comment",
      "        whatever: [1, 2, 3]   # unknown block comment",
    ]) {
      expect(lines).toContain(line);
    }
  });

  it("moves a commented step with its comment and keeps the rest", () => {
    const doc = openDocument(FIXTURE);
    const moved = moveStep(doc, ["flows", 0, "process", 0], ["flows", 1, "process"], 0);
    const text = toYaml(moved);
    expect(text).toMatch(/process:\n {6}# comment above the ref\n {6}- ref: greeter/);
    expect(text).toContain("    process:\n      - type: not-a-real-block");
    expect(parse(text).flows[1].process).toEqual([{ ref: "greeter", settings: { message: '"hello"' } }]);
    expect(new Set(commentsOf(text))).toEqual(new Set(commentsOf(FIXTURE)));
  });
});
