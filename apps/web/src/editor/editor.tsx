"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import Link from "next/link";
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from "react";
import { DeployDialog } from "../features/deployments/deploy-dialog.tsx";
import { useDebouncedValue } from "../features/deployments/use-debounced-value.ts";
import { NameEditor } from "../features/integrations/name-editor.tsx";
import { TagVersionDialog } from "../features/integrations/versions-panel.tsx";
import { useTRPC } from "../trpc/client.tsx";
import { ConfirmDialog } from "../ui/confirm.tsx";
import { useCan } from "../ui/permissions.tsx";
import { ErrorNote, errorMessage, Loading } from "../ui/states.tsx";
import { FlowCanvas } from "./canvas/flow-canvas.tsx";
import { sourceDetailsOf } from "./canvas/source-details.ts";
import styles from "./editor.module.css";
import type { Path } from "./model/document.ts";
import {
  addConnector,
  addFlow,
  connectorNames,
  copyStep,
  deleteAt,
  type EnvVarInput,
  flowNames,
  insertStep,
  movedStepPath,
  moveStep,
  newStep,
  pasteStep,
  removeStep,
  renameFlow,
  type StepClipboard,
  setAt,
  setEnvVars,
  uniqueName,
} from "./model/edits.ts";
import { canRedo, canUndo } from "./model/history.ts";
import { type Outline, outlineOf } from "./model/outline.ts";
import { deriveSchemaInfo, type JsonSchema, propertiesOf, type SchemaInfo } from "./model/schema-info.ts";
import { Palette } from "./palette/palette.tsx";
import { EnvPanel } from "./panels/env-panel.tsx";
import { type Problem, ProblemsPanel } from "./panels/problems-panel.tsx";
import { SettingsPanel, type SourceOption } from "./panels/settings-panel.tsx";
import { RunPanel } from "./run/run-panel.tsx";
import { browserStorage, useDevEnv } from "./run/use-dev-env.ts";
import { connectorSeed } from "./session/connector-seed.ts";
import { editorReducer, initialState, isDirty, type SavedState } from "./session/editor-state.ts";
import { ownWrites } from "./session/own-writes.ts";
import { scopeActionsOf } from "./session/scope-actions.ts";
import { fieldErrorsOf, settingsTargetOf, stepAtLine, valueAt } from "./session/selection.ts";
import { patchKeys } from "./session/settings-patch.ts";
import { validationEnvOf } from "./session/validation-env.ts";
import { YamlView } from "./yaml-view/yaml-view.tsx";

type View = "canvas" | "yaml" | "split";

/** A step added from the palette or a gap: only what it needs; optional defaults stay implicit. */
const NEW_STEP = { includeDefaults: false } as const;

/** The body grid's layout per view (names apart from the panes' own classes). */
const VIEW_CLASS: Record<View, string | undefined> = {
  canvas: styles.viewCanvas,
  yaml: styles.viewYaml,
  split: undefined,
};

/**
 * What can start a flow: each declared connector whose type has a source (an HTTP server), and
 * each source type whose connector needs no instance (cron: `source: {connector: cron}`).
 */
function sourceOptionsOf(outline: Outline, info: SchemaInfo): SourceOption[] {
  const declared = outline.connectors.flatMap((c) => {
    const source = c.type ? info.sources.get(c.type) : undefined;
    return c.name && c.type && source
      ? [{ label: `${c.name} (${source.title})`, connector: c.name, type: c.type }]
      : [];
  });
  const bare = [...info.sources.values()].flatMap((s) => {
    const settings = info.connectors.get(s.type)?.settings;
    const needsInstance = Object.keys(propertiesOf(settings)).length > 0;
    return needsInstance ? [] : [{ label: s.title, connector: s.type }];
  });
  return [...declared, ...bare];
}

/** /integrations/[id]/edit: loads the integration and the runtime's schema, then edits. */
export function IntegrationEditor({ id }: { id: string }) {
  const trpc = useTRPC();
  const integration = useQuery(trpc.integrations.get.queryOptions({ id }, { refetchOnWindowFocus: false }));
  const schema = useQuery(trpc.dsl.schema.queryOptions(undefined, { staleTime: Number.POSITIVE_INFINITY }));
  const info = useMemo(
    () => (schema.data ? deriveSchemaInfo(schema.data as JsonSchema) : undefined),
    [schema.data],
  );
  if (integration.error) return <ErrorNote error={integration.error} />;
  if (schema.error) return <ErrorNote error={schema.error} title="The flow language's schema did not load" />;
  if (!integration.data || !info) return <Loading label="Loading the editor…" />;
  const saved = {
    text: integration.data.definition,
    lastUpdated: new Date(integration.data.lastUpdated).toISOString(),
  };
  return <EditorSession key={id} id={id} name={integration.data.name} saved={saved} info={info} />;
}

function EditorSession({
  id,
  name,
  saved,
  info,
}: {
  id: string;
  name: string;
  saved: SavedState;
  info: SchemaInfo;
}) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const can = useCan();
  const readOnly = !can.write;
  const [state, dispatch] = useReducer(editorReducer, saved, initialState);
  const [view, setView] = useState<View>("canvas");
  const [jumpTo, setJumpTo] = useState<{ line: number; col: number; nonce: number }>();
  const [clipboard, setClipboard] = useState<StepClipboard>();
  const [conflict, setConflict] = useState(false);
  const [deletedElsewhere, setDeletedElsewhere] = useState(false);
  const [tagging, setTagging] = useState(false);
  const [deploying, setDeploying] = useState(false);
  const [currentName, setCurrentName] = useState(name);
  const doc = state.history.present;
  const dirty = isDirty(state);
  // The browser's dev .env: RUN sends it, and validation uses it so that a required var set
  // there is not reported missing.
  const [storage] = useState(browserStorage);
  const devEnv = useDevEnv(id, storage);

  // The last outline of a document that parsed: while the YAML is broken the canvas keeps it.
  const lastGood = useRef<Outline | undefined>(undefined);
  const outline = useMemo(() => {
    if (doc.errors.length === 0) lastGood.current = outlineOf(doc, info);
    return lastGood.current ?? outlineOf(doc, info);
  }, [doc, info]);

  // The runtime's own validation of what is on screen, once typing pauses.
  const settledText = useDebouncedValue(doc.text, 400);
  const validationEnv = useMemo(() => validationEnvOf(outline, devEnv.values), [outline, devEnv.values]);
  const validation = useQuery(
    trpc.dsl.validate.queryOptions(
      { definition: settledText, env: validationEnv },
      { placeholderData: (previous) => previous },
    ),
  );
  const problems: Problem[] = useMemo(
    () => [
      ...doc.errors.map((e) => ({ message: e.message, line: e.line, col: e.col })),
      ...(doc.errors.length ? [] : (validation.data?.problems ?? [])),
    ],
    [doc.errors, validation.data],
  );
  const checking = settledText !== doc.text || validation.isFetching;

  const edit = useCallback(
    (change: (d: typeof doc) => typeof doc, select?: Path) => {
      try {
        dispatch({ type: "edit", doc: change(doc), ...(select ? { select } : {}) });
      } catch (e) {
        window.alert(errorMessage(e));
      }
    },
    [doc],
  );

  // A change announced by the watch is someone else's unless it is one of our own writes in
  // flight (session/own-writes.ts).
  const dirtyRef = useRef(dirty);
  dirtyRef.current = dirty;

  const reload = useCallback(async () => {
    const fresh = await qc.fetchQuery(trpc.integrations.get.queryOptions({ id }, { staleTime: 0 }));
    dispatch({
      type: "reload",
      saved: { text: fresh.definition, lastUpdated: new Date(fresh.lastUpdated).toISOString() },
    });
    setConflict(false);
  }, [qc, trpc, id]);
  const reloadRef = useRef(reload);
  reloadRef.current = reload;

  const writes = useMemo(
    () =>
      ownWrites((at) => {
        if (dirtyRef.current) dispatch({ type: "changed-elsewhere", lastUpdated: at });
        else void reloadRef.current();
      }),
    [],
  );
  writes.saved(state.saved.lastUpdated);

  const writeCallbacks = {
    onMutate: () => writes.writeStarted(),
    onSuccess: (row: { definition: string; lastUpdated: Date | string }) => {
      const lastUpdated = new Date(row.lastUpdated).toISOString();
      writes.saved(lastUpdated);
      dispatch({ type: "saved", saved: { text: row.definition, lastUpdated } });
      void qc.invalidateQueries({ queryKey: trpc.integrations.get.queryKey({ id }) });
    },
    onSettled: () => writes.writeSettled(),
  };

  // Saving: never over someone else's change without asking.
  const save = useMutation(
    trpc.integrations.update.mutationOptions({
      ...writeCallbacks,
      onError: (e) => {
        if ((e as { data?: { code?: string } }).data?.code === "CONFLICT") setConflict(true);
      },
    }),
  );
  const rename = useMutation(trpc.integrations.update.mutationOptions(writeCallbacks));
  const doSave = useCallback(
    (overwrite = false) => {
      if (readOnly || !dirty || save.isPending) return;
      save.mutate({
        id,
        definition: doc.text,
        ...(overwrite ? {} : { expectedLastUpdated: state.saved.lastUpdated }),
      });
    },
    [readOnly, dirty, save, id, doc.text, state.saved.lastUpdated],
  );

  // Live: another tab or an API client changed this integration.
  useSubscription(
    trpc.integrations.watch.subscriptionOptions(
      { id },
      {
        onData: ({ data }) => {
          if (data.kind === "deleted") return setDeletedElsewhere(true);
          if (data.kind !== "updated" || !data.lastUpdated) return;
          writes.announced(new Date(data.lastUpdated).toISOString());
        },
      },
    ),
  );

  const tag = useMutation(trpc.versions.create.mutationOptions({ onSuccess: () => setTagging(false) }));

  // Keyboard: save anywhere in the editor.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "s") {
        e.preventDefault();
        doSave();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [doSave]);

  const select = (path: Path | undefined) => dispatch({ type: "select", path });
  const jump = (p: Problem) => {
    if (p.line === undefined) return;
    setJumpTo({ line: p.line, col: p.col ?? 1, nonce: Date.now() });
    const path = stepAtLine(doc, outline, p.line);
    if (path) select(path);
    if (view === "canvas") setView("split");
  };

  /** Where a picked block goes: after the selected step, else at the end of the first flow. */
  const insertPicked = (type: string) => {
    const sel = state.selected;
    if (sel && typeof sel.at(-1) === "number" && sel.includes("process")) {
      const listPath = sel.slice(0, -1);
      const index = (sel.at(-1) as number) + 1;
      return edit((d) => insertStep(d, listPath, index, newStep(info, type, NEW_STEP)), [...listPath, index]);
    }
    const flows = outline.flows;
    if (flows.length === 0) {
      const flowName = uniqueName(flowNames(doc), "flow");
      return edit(
        (d) => insertStep(addFlow(d, flowName), ["flows", 0, "process"], 0, newStep(info, type, NEW_STEP)),
        ["flows", 0, "process", 0],
      );
    }
    const lane = flows[0]?.process;
    if (!lane) return;
    edit(
      (d) => insertStep(d, lane.path, lane.steps.length, newStep(info, type, NEW_STEP)),
      [...lane.path, lane.steps.length],
    );
  };

  const target = settingsTargetOf(doc, outline, info, state.selected);
  const envVars: EnvVarInput[] = outline.env.map((e) => {
    const d = valueAt(doc, [...e.path, "default"]);
    return {
      name: e.name ?? "",
      ...(e.required ? { required: true } : {}),
      ...(e.secret ? { secret: true } : {}),
      ...(typeof d === "string" || typeof d === "number" || typeof d === "boolean" ? { default: d } : {}),
    };
  });
  // A deployment binds its own env in the deploy dialog: vars missing from the dev .env do not block it.
  const deployBlockers = problems.filter((p) => p.code !== "env-missing");
  const runnable =
    problems.length > 0
      ? {
          ok: false as const,
          reason: `Fix ${problems.length} problem${problems.length === 1 ? "" : "s"} first`,
        }
      : dirty
        ? { ok: false as const, reason: "Save first: RUN uses the saved definition" }
        : { ok: true as const };
  // Test requests go to the run's address: the connector's basePath comes before a route's path.
  const httpRoutes = outline.flows.flatMap((f) => {
    const path = f.source ? valueAt(doc, [...f.source.path, "settings", "path"]) : undefined;
    const connector = outline.connectors.find((c) => c.name === f.source?.connector);
    const base = connector ? valueAt(doc, [...connector.path, "settings", "basePath"]) : undefined;
    const prefix = typeof base === "string" ? base.replace(/\/$/, "") : "";
    return f.name && typeof path === "string" ? [{ flow: f.name, path: `${prefix}${path}` }] : [];
  });
  const otherFlows = outline.flows
    .filter((f) => f.name && !httpRoutes.some((r) => r.flow === f.name))
    .map((f) => f.name as string);

  return (
    <div className={`${styles.editor} editor-wide`}>
      <header className={styles.toolbar}>
        <Link href={`/integrations/${id}`} aria-label="Back to the integration">
          ←
        </Link>
        <NameEditor
          key={currentName}
          name={currentName}
          canWrite={!readOnly}
          busy={rename.isPending}
          error={rename.error}
          onRename={(newName) =>
            rename.mutate({ id, name: newName }, { onSuccess: () => setCurrentName(newName) })
          }
          onCancel={() => rename.reset()}
        />
        <span className="muted">{dirty ? "unsaved changes" : "saved"}</span>
        <div className={styles.toolbarActions}>
          <fieldset className={styles.segmented}>
            <legend className="sr-only">View</legend>
            {(["canvas", "split", "yaml"] as const).map((v) => (
              <button key={v} type="button" aria-pressed={view === v} onClick={() => setView(v)}>
                {v === "canvas" ? "Canvas" : v === "yaml" ? "YAML" : "Both"}
              </button>
            ))}
          </fieldset>
          <button
            type="button"
            disabled={readOnly || !canUndo(state.history)}
            onClick={() => dispatch({ type: "undo" })}
          >
            Undo
          </button>
          <button
            type="button"
            disabled={readOnly || !canRedo(state.history)}
            onClick={() => dispatch({ type: "redo" })}
          >
            Redo
          </button>
          <button
            type="button"
            className="primary"
            disabled={readOnly || !dirty || save.isPending}
            onClick={() => doSave()}
          >
            {save.isPending ? "Saving…" : "Save"}
          </button>
          <button
            type="button"
            disabled={readOnly || dirty}
            title={dirty ? "Save first" : undefined}
            onClick={() => setTagging(true)}
          >
            Tag version
          </button>
          <button
            type="button"
            disabled={readOnly || dirty || deployBlockers.length > 0}
            title={deployBlockers.length > 0 ? "Fix the problems first" : dirty ? "Save first" : undefined}
            onClick={() => setDeploying(true)}
          >
            Deploy
          </button>
        </div>
      </header>
      {save.error && !conflict ? <ErrorNote error={save.error} title="Not saved" /> : null}
      {state.changedElsewhere ? (
        <div className="note note-warn" role="alert">
          This integration was changed elsewhere after you opened it.{" "}
          <button type="button" onClick={() => void reload()}>
            Load theirs (drop my changes)
          </button>{" "}
          <button type="button" onClick={() => setConflict(true)}>
            Keep mine…
          </button>
        </div>
      ) : null}
      {deletedElsewhere ? (
        <div className="note note-error" role="alert">
          This integration was deleted elsewhere; saving is no longer possible.
        </div>
      ) : null}
      <div className={`${styles.body} ${VIEW_CLASS[view]}`}>
        {readOnly ? null : (
          <aside className={styles.palette} aria-label="Palette">
            <Palette
              info={info}
              onPick={insertPicked}
              onAddConnector={(type) => {
                const index = outline.connectors.length;
                const seed = connectorSeed(info, type, envVars);
                edit(
                  (d) => {
                    const added = addConnector(d, {
                      name: uniqueName(connectorNames(d), type),
                      type,
                      settings: seed.settings,
                    });
                    return seed.env ? setEnvVars(added, seed.env) : added;
                  },
                  ["connectors", index],
                );
              }}
            />
            <button
              type="button"
              onClick={() => {
                const index = outline.flows.length;
                edit((d) => addFlow(d, uniqueName(flowNames(d), "flow")), ["flows", index]);
              }}
            >
              Add flow
            </button>
          </aside>
        )}
        {view !== "yaml" ? (
          <div className={styles.canvas}>
            <FlowCanvas
              outline={outline}
              info={info}
              sourceDetails={sourceDetailsOf(doc, outline, info)}
              problems={problems.flatMap((p) => {
                const path = p.line === undefined ? undefined : stepAtLine(doc, outline, p.line);
                return path ? [{ path, message: p.message }] : [];
              })}
              {...(state.selected ? { selected: state.selected } : {})}
              readOnly={readOnly}
              onSelect={select}
              onInsert={(listPath, index, type) =>
                edit(
                  (d) => insertStep(d, listPath, index, newStep(info, type, NEW_STEP)),
                  [...listPath, index],
                )
              }
              onMove={(from, toList, toIndex) =>
                edit((d) => moveStep(d, from, toList, toIndex), movedStepPath(from, toList, toIndex))
              }
              onRemove={(path) => {
                edit((d) => removeStep(d, path));
                select(undefined);
              }}
              onCopy={(path) => setClipboard(copyStep(doc, path))}
              onPaste={(listPath, index) => {
                if (clipboard) edit((d) => pasteStep(d, listPath, index, clipboard), [...listPath, index]);
              }}
              onUndo={() => dispatch({ type: "undo" })}
              onRedo={() => dispatch({ type: "redo" })}
            />
          </div>
        ) : null}
        {view !== "canvas" ? (
          <div className={styles.yaml}>
            <YamlView
              value={doc.text}
              onChange={(text) => dispatch({ type: "type", text, at: Date.now() })}
              problems={problems.flatMap((p) =>
                p.line === undefined
                  ? []
                  : [{ line: p.line, col: p.col ?? 1, message: p.message, severity: "error" as const }],
              )}
              readOnly={readOnly}
              {...(jumpTo ? { jumpTo } : {})}
              label={`YAML of ${currentName}`}
            />
          </div>
        ) : null}
        <aside className={styles.settings} aria-label="Settings and environment">
          <SettingsPanel
            target={target}
            readOnly={readOnly}
            context={{
              connectors: outline.connectors.flatMap((c) =>
                c.name && c.type ? [{ name: c.name, type: c.type }] : [],
              ),
              flows: outline.flows.flatMap((f) => (f.name ? [f.name] : [])),
              envVars: envVars.map((v) => v.name),
              checkCel: (expression, variables) =>
                qc.fetchQuery(trpc.dsl.checkCel.queryOptions({ expression, variables: [...variables] })),
            }}
            onChange={(valuePath, before, after, keys) =>
              edit((d) => patchKeys(d, valuePath, before, after, keys))
            }
            onRename={(namePath, value) =>
              edit((d) => (value === "" ? deleteAt(d, namePath) : setAt(d, namePath, value)))
            }
            onRenameFlow={(from, to) => edit((d) => renameFlow(d, from, to))}
            sourceOptions={sourceOptionsOf(outline, info)}
            scopeActions={scopeActionsOf(doc, outline, info, state.selected)}
            {...("valuePath" in target
              ? { fieldErrors: fieldErrorsOf(doc, target.valuePath, target.value, problems) }
              : {})}
            onScopeAction={(action) => edit((d) => action.apply(d), action.select)}
            onSetSource={(flowPath, source) =>
              edit(
                (d) =>
                  source
                    ? setAt(d, [...flowPath, "source"], {
                        connector: source.connector,
                        ...(source.type ? { type: source.type } : {}),
                        settings: {},
                      })
                    : deleteAt(d, [...flowPath, "source"]),
                source ? [...flowPath, "source"] : flowPath,
              )
            }
            onClose={() => select(undefined)}
          />
          <EnvPanel
            vars={envVars}
            readOnly={readOnly}
            onChange={(vars) => edit((d) => setEnvVars(d, vars))}
          />
        </aside>
      </div>
      <div className={styles.bottom}>
        <ProblemsPanel problems={problems} checking={checking} onJump={jump} />
        <RunPanel
          devEnv={devEnv}
          integrationId={id}
          runnable={runnable}
          canWrite={can.write}
          declaredEnv={envVars.map((v) => ({
            name: v.name,
            ...(v.default !== undefined ? { default: String(v.default) } : {}),
            ...(v.required ? { required: true } : {}),
            ...(v.secret ? { secret: true } : {}),
          }))}
          httpRoutes={httpRoutes}
          otherFlows={otherFlows}
        />
      </div>
      <ConfirmDialog
        open={conflict}
        title="Changed elsewhere"
        confirmLabel="Overwrite with mine"
        busy={save.isPending}
        onConfirm={() => {
          setConflict(false);
          doSave(true);
        }}
        onClose={() => setConflict(false)}
      >
        <p>
          Someone saved this integration after you loaded it. Overwrite their version with yours, or cancel
          and use “Load theirs” to see their changes (yours are then dropped; copy them from the YAML view
          first).
        </p>
      </ConfirmDialog>
      <TagVersionDialog
        open={tagging}
        busy={tag.isPending}
        error={tag.error ?? undefined}
        onSubmit={(t) => tag.mutate({ integrationId: id, tag: t })}
        onClose={() => setTagging(false)}
      />
      <DeployDialog
        integrationId={id}
        integrationName={name}
        open={deploying}
        onClose={() => setDeploying(false)}
      />
    </div>
  );
}
