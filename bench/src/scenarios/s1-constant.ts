// S1: http → set-payload (a constant) → respond. The floor of per-request overhead.
import { sideBySideScenario } from "../harness/compare.ts";

const OCTO_YAML = `
service: { name: bench-s1 }
env:
  - { name: HTTP_PORT, default: "8080" }
connectors:
  - { name: api, type: http, settings: { host: 127.0.0.1, port: \${HTTP_PORT} } }
flows:
  - name: s1
    source: { connector: api, type: http, settings: { path: /s1, method: GET } }
    process:
      - type: set-payload
        settings: { value: '{"message": "hello, world", "ok": true}' }
`;

export const s1Constant = sideBySideScenario({
  id: "S1",
  title: "http → set-payload (constant) → respond",
  smoke: true,
  targets: [
    { metric: "ratio", op: ">=", value: 0.7 },
    { metric: "p99Ratio", op: "<=", value: 1.5 },
  ],
  prepare: async () => ({
    spec: { octoConfig: { "s1.yaml": OCTO_YAML }, baselineFile: "s1-constant.ts", request: { path: "/s1" } },
  }),
});
