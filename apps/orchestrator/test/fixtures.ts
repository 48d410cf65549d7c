// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the YAML names env vars as ${NAME}
/**
 * A small network service for deploy tests: GET /hello?name=X answers {"greeting": "<GREETING>, X"};
 * GREETING is required, HTTP_PORT/HTTP_HOST are the platform's.
 */
export const GREETER_YAML = `
service: { name: greeter }
env:
  - { name: HTTP_PORT, default: "8080" }
  - { name: HTTP_HOST, default: "127.0.0.1" }
  - { name: GREETING, required: true }
connectors:
  - { name: api, type: http, settings: { host: "\${HTTP_HOST}", port: "\${HTTP_PORT}" } }
flows:
  - name: hello
    source: { connector: api, type: http, settings: { path: /hello } }
    process:
      - { type: set-payload, settings: { value: '{"greeting": env.GREETING + ", " + vars.query.name}' } }
`;
