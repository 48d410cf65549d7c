// @octo/k8s — the Kubernetes deployment driver (rendering, apply, status) for the orchestrator.
export * from "./render/index.ts";
