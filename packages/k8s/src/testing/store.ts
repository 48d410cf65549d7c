// The object store: one global resourceVersion counter, metadata bookkeeping (uid,
// creationTimestamp, generation), a bounded event history for watches, and synchronous
// change listeners (watch streams and the simulated controller).

import { randomUUID } from "node:crypto";
import {
  clone,
  deepEqual,
  fieldSet,
  isObject,
  type Json,
  type JsonObject,
  type JsonPatchOp,
  jsonPatch,
  mergePatch,
  pruneFields,
} from "./merge.ts";
import { apiVersionOf, type ResourceType } from "./resources.ts";
import { parseSelector } from "./selectors.ts";
import { notFound, qualified, StatusError } from "./status.ts";

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }[];
  managedFields?: ManagedFieldsEntry[];
  [key: string]: unknown;
}

export interface ManagedFieldsEntry {
  manager: string;
  operation: "Apply" | "Update";
  apiVersion: string;
  time: string;
  fieldsType: "FieldsV1";
  fieldsV1: JsonObject;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

export type EventType = "ADDED" | "MODIFIED" | "DELETED";

export interface StoreEvent {
  readonly type: EventType;
  readonly rt: ResourceType;
  readonly object: KubeObject;
  /** The object before a MODIFIED change (watch label filtering needs it). */
  readonly previous?: KubeObject;
  readonly resourceVersion: number;
}

export const PATCH_TYPES = {
  apply: "application/apply-patch+yaml",
  merge: "application/merge-patch+json",
  strategic: "application/strategic-merge-patch+json",
  json: "application/json-patch+json",
} as const;

export interface PatchOptions {
  fieldManager?: string | undefined;
  force?: boolean | undefined;
}

function updateEntry(rt: ResourceType, manager: string, obj: KubeObject): ManagedFieldsEntry {
  const { metadata, ...rest } = obj;
  const { managedFields: _m, ...meta } = metadata;
  return {
    manager,
    operation: "Update",
    apiVersion: apiVersionOf(rt),
    time: nowIso(),
    fieldsType: "FieldsV1",
    fieldsV1: fieldSet({ ...rest, metadata: meta } as unknown as JsonObject),
  };
}

export const nowIso = (): string => new Date().toISOString().replace(/\.\d+Z$/, "Z");

function keyOf(rt: ResourceType, namespace: string, name: string): string {
  return `${rt.group}/${rt.resource}/${namespace}/${name}`;
}

export class Store {
  readonly #objects = new Map<string, { rt: ResourceType; object: KubeObject }>();
  readonly #history: StoreEvent[] = [];
  readonly #listeners = new Set<(event: StoreEvent) => void>();
  readonly #historyLimit: number;
  #rv = 1;
  #nextIp = 10;

  constructor(historyLimit = 1000) {
    this.#historyLimit = historyLimit;
  }

  get resourceVersion(): number {
    return this.#rv;
  }

  get(rt: ResourceType, namespace: string, name: string): KubeObject | undefined {
    const entry = this.#objects.get(keyOf(rt, rt.namespaced ? namespace : "", name));
    return entry ? clone(entry.object) : undefined;
  }

  /** Objects of one type; `namespace` undefined means all namespaces. */
  list(rt: ResourceType, namespace?: string, labelSelector?: string): KubeObject[] {
    const matches = parseSelector(labelSelector);
    const out: KubeObject[] = [];
    for (const entry of this.#objects.values()) {
      if (entry.rt !== rt) continue;
      if (namespace !== undefined && rt.namespaced && entry.object.metadata.namespace !== namespace) continue;
      if (!matches(entry.object.metadata.labels)) continue;
      out.push(clone(entry.object));
    }
    return out.sort((a, b) =>
      `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(
        `${b.metadata.namespace}/${b.metadata.name}`,
      ),
    );
  }

  all(): KubeObject[] {
    return [...this.#objects.values()].map((e) => clone(e.object));
  }

  /** Active change listeners (open watches plus the controller) — for leak checks in tests. */
  get listenerCount(): number {
    return this.#listeners.size;
  }

  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Events after `rv`, or "gone" when the history no longer reaches back that far. */
  eventsSince(rv: number): StoreEvent[] | "gone" {
    const oldest = this.#history[0];
    if (oldest && rv < oldest.resourceVersion - 1) return "gone";
    return this.#history.filter((e) => e.resourceVersion > rv);
  }

  create(rt: ResourceType, namespace: string, body: unknown, opts: PatchOptions = {}): KubeObject {
    const obj = this.#validate(rt, namespace, body);
    const name = obj.metadata.name;
    if (this.#objects.has(keyOf(rt, obj.metadata.namespace ?? "", name))) {
      throw new StatusError(
        409,
        "AlreadyExists",
        `${qualified(rt.resource, rt.group)} "${name}" already exists`,
        {
          name,
          group: rt.group,
          kind: rt.resource,
        },
      );
    }
    if (rt.hasStatus) delete obj.status;
    if (opts.fieldManager) obj.metadata.managedFields = [updateEntry(rt, opts.fieldManager, obj)];
    return this.#commit(rt, obj, undefined);
  }

  replace(
    rt: ResourceType,
    namespace: string,
    name: string,
    body: unknown,
    subresource?: string,
  ): KubeObject {
    const obj = this.#validate(rt, namespace, body);
    if (obj.metadata.name !== name) {
      throw new StatusError(400, "BadRequest", "the name of the object does not match the name on the URL");
    }
    const prev = this.#require(rt, obj.metadata.namespace ?? "", name);
    this.#checkPrecondition(rt, prev, obj.metadata.resourceVersion);
    if (subresource === "status")
      return this.#commit(rt, { ...clone(prev), status: obj.status as Json }, prev);
    if (rt.hasStatus) obj.status = prev.status;
    // PUT replaces the whole object but cannot rewrite server-owned metadata.
    obj.metadata.managedFields = prev.metadata.managedFields ?? [];
    if (!obj.metadata.managedFields.length) delete obj.metadata.managedFields;
    return this.#commit(rt, obj, prev);
  }

  patch(
    rt: ResourceType,
    namespace: string,
    name: string,
    contentType: string,
    body: unknown,
    opts: PatchOptions = {},
    subresource?: string,
  ): KubeObject {
    const ns = rt.namespaced ? namespace : "";
    const prev = this.#objects.get(keyOf(rt, ns, name))?.object;
    if (contentType === PATCH_TYPES.apply) return this.#apply(rt, ns, name, body, prev, opts);
    if (!prev) throw notFound(rt.resource, rt.group, name);
    let next: Json;
    try {
      if (contentType === PATCH_TYPES.json) {
        if (!Array.isArray(body)) throw new Error("JSON patch body must be an array");
        next = jsonPatch(prev as unknown as Json, body as unknown as JsonPatchOp[]);
      } else if (contentType === PATCH_TYPES.merge || contentType === PATCH_TYPES.strategic) {
        if (isObject(body)) {
          const rv = isObject(body.metadata) ? body.metadata.resourceVersion : undefined;
          this.#checkPrecondition(rt, prev, typeof rv === "string" ? rv : undefined);
        }
        next = mergePatch(prev as unknown as Json, body as Json);
      } else {
        throw new StatusError(
          415,
          "UnsupportedMediaType",
          `the body of the request was in an unknown format: ${contentType}`,
        );
      }
    } catch (err) {
      if (err instanceof StatusError) throw err;
      throw new StatusError(422, "Invalid", (err as Error).message);
    }
    const obj = this.#validate(rt, ns, next);
    if (obj.metadata.name !== name)
      throw new StatusError(400, "BadRequest", "patch cannot change the object name");
    if (subresource === "status")
      return this.#commit(rt, { ...clone(prev), status: obj.status as Json }, prev);
    if (rt.hasStatus) obj.status = prev.status;
    return this.#commit(rt, obj, prev);
  }

  delete(rt: ResourceType, namespace: string, name: string): KubeObject {
    const ns = rt.namespaced ? namespace : "";
    const key = keyOf(rt, ns, name);
    const entry = this.#objects.get(key);
    if (!entry) throw notFound(rt.resource, rt.group, name);
    this.#objects.delete(key);
    const object = clone(entry.object);
    object.metadata.resourceVersion = String(++this.#rv);
    this.#emit({ type: "DELETED", rt, object, resourceVersion: this.#rv });
    return object;
  }

  /** Controller-side write: create or update, and a no-op (no new resourceVersion) when unchanged. */
  upsert(rt: ResourceType, obj: KubeObject): KubeObject {
    const ns = rt.namespaced ? (obj.metadata.namespace ?? "default") : "";
    const prev = this.#objects.get(keyOf(rt, ns, obj.metadata.name))?.object;
    const next = clone(obj);
    if (ns) next.metadata.namespace = ns;
    else delete next.metadata.namespace;
    return this.#commit(rt, next, prev);
  }

  #apply(
    rt: ResourceType,
    ns: string,
    name: string,
    body: unknown,
    prev: KubeObject | undefined,
    opts: PatchOptions,
  ): KubeObject {
    const manager = opts.fieldManager;
    if (!manager)
      throw new StatusError(
        422,
        "Invalid",
        "PatchOptions.meta.k8s.io is invalid: fieldManager: Required value",
      );
    if (!isObject(body)) throw new StatusError(400, "BadRequest", "apply body must be an object");
    const applied = clone(body);
    if (isObject(applied.metadata)) {
      // Server-owned fields in an applied body are ignored rather than applied.
      for (const k of ["resourceVersion", "uid", "creationTimestamp", "generation", "managedFields"]) {
        delete applied.metadata[k];
      }
    }
    if (rt.hasStatus) delete applied.status;
    const fields = fieldSet(applied);
    const entries = prev?.metadata.managedFields ?? [];
    const own = entries.find((e) => e.manager === manager && e.operation === "Apply");
    let merged = mergePatch((prev ?? {}) as unknown as Json, applied) as JsonObject;
    if (own) pruneFields(merged, own.fieldsV1, fields);
    const entry: ManagedFieldsEntry = {
      manager,
      operation: "Apply",
      apiVersion: apiVersionOf(rt),
      // Keep the old timestamp when nothing changed, so an identical apply is a true no-op.
      time: own && deepEqual(own.fieldsV1, fields) ? own.time : nowIso(),
      fieldsType: "FieldsV1",
      fieldsV1: fields,
    };
    merged = {
      ...merged,
      metadata: {
        ...(isObject(merged.metadata) ? merged.metadata : {}),
        managedFields: [...entries.filter((e) => e !== own), entry] as unknown as Json,
      },
    };
    const obj = this.#validate(rt, ns, merged);
    if (obj.metadata.name !== name)
      throw new StatusError(400, "BadRequest", "the name of the object does not match the name on the URL");
    if (prev && rt.hasStatus) obj.status = prev.status;
    return this.#commit(rt, obj, prev);
  }

  #require(rt: ResourceType, namespace: string, name: string): KubeObject {
    const entry = this.#objects.get(keyOf(rt, rt.namespaced ? namespace : "", name));
    if (!entry) throw notFound(rt.resource, rt.group, name);
    return entry.object;
  }

  #checkPrecondition(rt: ResourceType, prev: KubeObject, rv: string | undefined): void {
    if (rv && rv !== prev.metadata.resourceVersion) {
      throw new StatusError(
        409,
        "Conflict",
        `Operation cannot be fulfilled on ${qualified(rt.resource, rt.group)} "${prev.metadata.name}": the object has been modified; please apply your changes to the latest version and try again`,
        { name: prev.metadata.name, group: rt.group, kind: rt.resource },
      );
    }
  }

  #validate(rt: ResourceType, namespace: string, body: unknown): KubeObject {
    if (!isObject(body)) throw new StatusError(400, "BadRequest", "request body must be a JSON object");
    const obj = clone(body) as unknown as KubeObject;
    const meta = isObject(obj.metadata) ? (obj.metadata as ObjectMeta) : ({} as ObjectMeta);
    obj.metadata = meta;
    if (!meta.name || typeof meta.name !== "string") {
      throw new StatusError(
        422,
        "Invalid",
        `${rt.kind} "" is invalid: metadata.name: Required value: name is required`,
      );
    }
    if (rt.namespaced) {
      if (meta.namespace && meta.namespace !== namespace) {
        throw new StatusError(
          400,
          "BadRequest",
          "the namespace of the provided object does not match the namespace sent on the request",
        );
      }
      meta.namespace = namespace;
    } else delete meta.namespace;
    obj.apiVersion = apiVersionOf(rt);
    obj.kind = rt.kind;
    return obj;
  }

  /** Type-specific defaulting the real API does on every write (kept deterministic and idempotent). */
  #normalize(rt: ResourceType, obj: KubeObject, prev: KubeObject | undefined): void {
    if (rt.kind === "Secret") {
      // stringData is write-only: it is merged into base64 `data` and never stored.
      const data = (isObject(obj.data) ? obj.data : {}) as Record<string, string>;
      if (isObject(obj.stringData)) {
        for (const [k, v] of Object.entries(obj.stringData))
          data[k] = Buffer.from(String(v)).toString("base64");
      }
      delete obj.stringData;
      if (Object.keys(data).length) obj.data = data;
      obj.type ??= "Opaque";
    }
    if (rt.kind === "Deployment" && isObject(obj.spec)) {
      obj.spec.replicas ??= 1;
    }
    if (rt.kind === "Service" && isObject(obj.spec)) {
      obj.spec.type ??= "ClusterIP";
      const prevIp = isObject(prev?.spec) ? prev.spec.clusterIP : undefined;
      obj.spec.clusterIP ??= prevIp ?? `10.96.0.${this.#nextIp++}`;
      obj.spec.clusterIPs ??= [obj.spec.clusterIP];
    }
  }

  #commit(rt: ResourceType, next: KubeObject, prev: KubeObject | undefined): KubeObject {
    this.#normalize(rt, next, prev);
    const meta = next.metadata;
    delete meta.resourceVersion;
    if (prev) {
      meta.uid = prev.metadata.uid ?? randomUUID();
      meta.creationTimestamp = prev.metadata.creationTimestamp ?? nowIso();
      const gen = prev.metadata.generation ?? 1;
      meta.generation = deepEqual(prev.spec, next.spec) ? gen : gen + 1;
      const { resourceVersion: _rv, ...prevMeta } = prev.metadata;
      if (deepEqual({ ...prev, metadata: prevMeta }, next)) return clone(prev);
    } else {
      meta.uid = randomUUID();
      meta.creationTimestamp = nowIso();
      meta.generation = 1;
    }
    meta.resourceVersion = String(++this.#rv);
    const ns = meta.namespace ?? "";
    this.#objects.set(keyOf(rt, ns, meta.name), { rt, object: next });
    const event: StoreEvent = prev
      ? { type: "MODIFIED", rt, object: clone(next), previous: clone(prev), resourceVersion: this.#rv }
      : { type: "ADDED", rt, object: clone(next), resourceVersion: this.#rv };
    this.#emit(event);
    return clone(next);
  }

  #emit(event: StoreEvent): void {
    this.#history.push(event);
    if (this.#history.length > this.#historyLimit)
      this.#history.splice(0, this.#history.length - this.#historyLimit);
    for (const listener of [...this.#listeners]) listener(event);
  }
}
