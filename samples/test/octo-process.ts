// Samples run `octo` the way a person does; the helpers live with the runtime's own CLI tests.
export * from "../../packages/runtime/test/octo-process.ts";
