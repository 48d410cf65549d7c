// S4: http with 1 000 numbers → foreach with a CEL set-payload per item (a new accumulator each
// time) → respond. The cost of a composite block's per-element dispatch.
import { sideBySideScenario } from "../harness/compare.ts";

/** S4's process: the foreach and its accumulator (also run in-process by src/micro/foreach-invoke.ts). */
export const S4_PROCESS = `
      - type: set-variable
        settings: { name: items, value: body.items }
      - type: set-payload
        settings: { value: '{"count": 0.0, "sum": 0.0}' }
      - type: foreach
        items: vars.items
        body:
          process:
            - type: set-payload
              settings: { value: '{"count": body.count + 1.0, "sum": body.sum + vars.item}' }`;

const OCTO_YAML = `
service: { name: bench-s4 }
env:
  - { name: HTTP_PORT, default: "8080" }
connectors:
  - { name: api, type: http, settings: { host: 127.0.0.1, port: \${HTTP_PORT} } }
flows:
  - name: s4
    source: { connector: api, type: http, settings: { path: /s4, method: POST } }
    process:${S4_PROCESS}
`;

export const S4_ITEMS = 1_000;

export const s4Foreach = sideBySideScenario({
  id: "S4",
  title: "http → foreach over 1 000 items (CEL set-payload each) → respond",
  targets: [{ metric: "ratio", op: ">=", value: 0.5 }],
  prepare: async () => ({
    spec: {
      octoConfig: { "s4.yaml": OCTO_YAML },
      baselineFile: "s4-foreach.ts",
      request: {
        path: "/s4",
        method: "POST",
        headers: { "content-type": "application/json" },
        // Doubles (i + 0.5) so that CEL's double arithmetic applies to every element.
        body: JSON.stringify({ items: Array.from({ length: S4_ITEMS }, (_, i) => i + 0.5) }),
      },
    },
  }),
});
