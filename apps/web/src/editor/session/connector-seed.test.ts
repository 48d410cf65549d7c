// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the settings name env vars as ${NAME}
import { expect, it } from "vitest";
import { configJsonSchema } from "../../../../../packages/runtime/src/dsl/json-schema.ts";
import { loadRegistry } from "../../../../../packages/runtime/src/plugin/load-plugins.ts";
import { deriveSchemaInfo, type JsonSchema } from "../model/schema-info.ts";
import { connectorSeed } from "./connector-seed.ts";

const info = deriveSchemaInfo(configJsonSchema(await loadRegistry({})) as JsonSchema);

it("binds a new HTTP server to the platform's HTTP_PORT, declaring it once", () => {
  expect(connectorSeed(info, "http", [])).toEqual({
    settings: { port: "${HTTP_PORT}" },
    env: [{ name: "HTTP_PORT", default: "8080" }],
  });
  expect(connectorSeed(info, "http", [{ name: "HTTP_PORT", default: "9000" }])).toEqual({
    settings: { port: "${HTTP_PORT}" },
  });
});

it("starts other connections empty", () => {
  expect(connectorSeed(info, "http-client", [])).toEqual({ settings: {} });
  expect(connectorSeed(info, "cron", [])).toEqual({ settings: {} });
  expect(connectorSeed(info, "no-such-type", [])).toEqual({ settings: {} });
});
