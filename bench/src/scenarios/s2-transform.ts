// S2: http with a ~150-byte JSON order → one CEL transform (rename fields, sum the lines,
// uppercase) → respond. Body parsing, CEL evaluation and JSON serialisation per request.
import { sideBySideScenario } from "../harness/compare.ts";
import { ORDER, TRANSFORM } from "./memory-flows.ts";

const OCTO_YAML = `
service: { name: bench-s2 }
env:
  - { name: HTTP_PORT, default: "8080" }
connectors:
  - { name: api, type: http, settings: { host: 127.0.0.1, port: \${HTTP_PORT} } }
flows:
  - name: s2
    source: { connector: api, type: http, settings: { path: /s2, method: POST } }
    process:${TRANSFORM}
`;

/** Line totals sum exactly in binary floating point, so both sides agree to the last bit. */
export const S2_ORDER = ORDER;

export const s2Transform = sideBySideScenario({
  id: "S2",
  title: "http (JSON ~150 B) → CEL transform → respond",
  smoke: true,
  targets: [
    { metric: "ratio", op: ">=", value: 0.7 },
    { metric: "p99Ratio", op: "<=", value: 1.5 },
  ],
  prepare: async () => ({
    spec: {
      octoConfig: { "s2.yaml": OCTO_YAML },
      baselineFile: "s2-transform.ts",
      request: {
        path: "/s2",
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(S2_ORDER),
      },
    },
  }),
});
