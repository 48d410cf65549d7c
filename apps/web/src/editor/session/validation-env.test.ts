import { expect, it } from "vitest";
import { configJsonSchema } from "../../../../../packages/runtime/src/dsl/json-schema.ts";
import { loadRegistry } from "../../../../../packages/runtime/src/plugin/load-plugins.ts";
import { openDocument } from "../model/document.ts";
import { outlineOf } from "../model/outline.ts";
import { deriveSchemaInfo, type JsonSchema } from "../model/schema-info.ts";
import { SECRET_STAND_IN, validationEnvOf } from "./validation-env.ts";

const info = deriveSchemaInfo(configJsonSchema(await loadRegistry({})) as JsonSchema);
const outline = outlineOf(
  openDocument(`
env:
  - { name: HTTP_PORT, default: "8080" }
  - { name: API_TOKEN, secret: true, required: true }
  - { name: REGION }
flows: []
`),
  info,
);

it("passes declared values, replaces a secret's value by a stand-in, leaves out the rest", () => {
  const env = validationEnvOf(outline, {
    HTTP_PORT: "9000",
    API_TOKEN: "tok-live-123",
    REGION: "",
    UNDECLARED: "x",
  });
  expect(env).toEqual({ HTTP_PORT: "9000", API_TOKEN: SECRET_STAND_IN });
  expect(JSON.stringify(env)).not.toContain("tok-live-123");
});
