// S3: http → switch on a CEL condition → rest (http-client) to a loopback stub → respond. The stub
// runs in its own process beside the load generator, the same one for both sides.
import { sideBySideScenario } from "../harness/compare.ts";
import { startStub } from "../harness/process.ts";

const OCTO_YAML = `
service: { name: bench-s3 }
env:
  - { name: HTTP_PORT, default: "8080" }
  - { name: STUB_URL, required: true }
connectors:
  - { name: api, type: http, settings: { host: 127.0.0.1, port: \${HTTP_PORT} } }
  - { name: upstream, type: http-client, settings: { baseURL: "\${STUB_URL}" } }
flows:
  - name: s3
    source: { connector: api, type: http, settings: { path: "/s3/{tier}", method: GET } }
    process:
      - type: switch
        cases:
          - when: 'vars.tier == "gold"'
            process:
              - { type: rest, settings: { connector: upstream, path: /quotes/gold } }
        default:
          process:
            - { type: rest, settings: { connector: upstream, path: /quotes/standard } }
`;

export const s3SwitchHttpClient = sideBySideScenario({
  id: "S3",
  title: "http → switch → http-client to a loopback stub → respond",
  targets: [{ metric: "ratio", op: ">=", value: 0.5 }],
  prepare: async () => {
    const stub = await startStub();
    return {
      spec: {
        octoConfig: { "s3.yaml": OCTO_YAML },
        baselineFile: "s3-switch-http-client.ts",
        env: { STUB_URL: stub.url },
        request: { path: "/s3/gold" },
      },
      cleanup: () => stub.stop(),
    };
  },
});
