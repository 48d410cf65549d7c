// The deployment driver contract lives with the Kubernetes driver (@octo/k8s), which the
// orchestrator depends on; the local driver here implements the same one.
export type * from "@octo/k8s/driver-contract";
