// Runtime services for implementations outside this package (the cluster one is in @octo/k8s).
export { MemoryKeyValueStore, standaloneServices } from "./standalone.ts";
export {
  type KeyValueStore,
  type KvEntry,
  type LeaderElection,
  type Leadership,
  type RuntimeServices,
  VersionConflictError,
} from "./types.ts";
