// @octo/k8s/testing — a wire-compatible fake Kubernetes API server for driver tests.
export type { ControllerOptions, FailureMode } from "./controller.ts";
export { FakeController } from "./controller.ts";
export type { RecordedRequest } from "./router.ts";
export { parseSelector } from "./selectors.ts";
export type { FakeApiServer, FakeApiServerOptions } from "./server.ts";
export { startFakeApiServer } from "./server.ts";
export type { KubeObject, ObjectMeta, StoreEvent } from "./store.ts";
export { Store } from "./store.ts";
