"use client";

import "@xyflow/react/dist/style.css";
import { Controls, type Edge, MiniMap, ReactFlow } from "@xyflow/react";
import {
  type JSX,
  type KeyboardEvent,
  type MouseEvent,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
} from "react";
import type { Path } from "../model/document.ts";
import type { Outline } from "../model/outline.ts";
import type { SchemaInfo } from "../model/schema-info.ts";
import styles from "./canvas.module.css";
import { isUsefulMove, readDrop } from "./dnd.ts";
import { type CanvasNode, type GapRef, graphOf, parseGapId, pathKey } from "./graph.ts";
import { keyIntent, stepPlaces } from "./keyboard.ts";
import { layoutGraph, type PositionedNode } from "./layout.ts";
import { type CanvasActions, CanvasContext, nodeTypes } from "./nodes.tsx";
import { TypePicker } from "./type-picker.tsx";

export interface FlowCanvasProps {
  outline: Outline;
  info: SchemaInfo;
  selected?: Path;
  readOnly?: boolean;
  /** Steps with problems get a red badge and the messages as their title. */
  problems?: readonly { path?: Path; message: string }[];
  /** Source path key → what it listens to ("/orders/{id}"); build it with sourceDetailsOf. */
  sourceDetails?: ReadonlyMap<string, string>;
  onSelect(path: Path | undefined): void;
  /** From a palette drop on a gap, or a gap's type picker. */
  onInsert(listPath: Path, index: number, blockType: string): void;
  /** A step dropped on a gap, or Alt+Arrow; `toIndex` is the slot before the move (moveStep's convention). */
  onMove(fromPath: Path, toListPath: Path, toIndex: number): void;
  onRemove(path: Path): void;
  onCopy(path: Path): void;
  onPaste(listPath: Path, index: number): void;
  onUndo(): void;
  onRedo(): void;
}

type Box = Pick<PositionedNode, "position" | "width" | "height" | "handles">;

/** The structure that decides positions: ids, kinds, nesting, header sizes and edges (not labels or selection). */
function layoutKeyOf(nodes: readonly CanvasNode[], edges: readonly Edge[]): string {
  return JSON.stringify([
    nodes.map((n) => [n.id, n.type, n.parentId ?? null, n.type === "scope" && n.data.detail !== undefined]),
    edges.map((e) => e.id),
  ]);
}

/** `value` as long as `key` stays the same, so effects keyed on it run only when the key changes. */
function useStableByKey<T>(key: string, value: T): T {
  const ref = useRef<{ key: string; value: T } | null>(null);
  if (ref.current === null || ref.current.key !== key) ref.current = { key, value };
  return ref.current.value;
}

function isTextField(target: EventTarget): boolean {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))
  );
}

/**
 * The flow editor's canvas: draws the outline (flows, sources, steps, scopes) laid out by ELK and
 * reports what the user wants through the callbacks; it never edits the document itself.
 */
export function FlowCanvas(props: FlowCanvasProps): JSX.Element {
  const { outline, info, selected, readOnly = false, problems, sourceDetails } = props;
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(() => new Set());
  const [dragging, setDragging] = useState<Path | undefined>(undefined);
  const [picker, setPicker] = useState<{ gap: GapRef; title: string; opener: HTMLElement } | undefined>();
  const [boxes, setBoxes] = useState<ReadonlyMap<string, Box>>(() => new Map());
  const [layoutError, setLayoutError] = useState<string | undefined>();

  // The latest callbacks, so the node actions below stay stable across renders.
  const callbacks = useRef(props);
  callbacks.current = props;

  const graph = useMemo(
    () =>
      graphOf(outline, info, {
        ...(selected ? { selected } : {}),
        collapsed,
        gaps: !readOnly,
        ...(problems ? { problems } : {}),
        ...(sourceDetails ? { sourceDetails } : {}),
      }),
    [outline, info, selected, collapsed, readOnly, problems, sourceDetails],
  );
  const structure = useStableByKey(layoutKeyOf(graph.nodes, graph.edges), graph);

  useEffect(() => {
    let current = true;
    layoutGraph(structure.nodes, structure.edges).then(
      (placed) => {
        if (!current) return;
        setBoxes(
          new Map(
            placed.map((n) => [
              n.id,
              { position: n.position, width: n.width, height: n.height, handles: n.handles },
            ]),
          ),
        );
        setLayoutError(undefined);
      },
      (error: unknown) => {
        if (current) setLayoutError(error instanceof Error ? error.message : String(error));
      },
    );
    return () => {
      current = false;
    };
  }, [structure]);

  // Nodes show up once laid out; until a relayout lands, new ones wait and the rest keep their place.
  const nodes = useMemo(() => {
    const shown = new Set<string>();
    // Parents come before their children, so a child is shown only under a shown parent.
    return graph.nodes.flatMap((node) => {
      const box = boxes.get(node.id);
      if (!box || (node.parentId !== undefined && !shown.has(node.parentId))) return [];
      shown.add(node.id);
      return [
        {
          ...node,
          ...box,
          draggable: false,
          selectable: false,
          connectable: false,
          focusable: false,
        } as CanvasNode,
      ];
    });
  }, [graph, boxes]);
  const edges = useMemo(() => {
    const shown = new Set(nodes.map((n) => n.id));
    return graph.edges.filter((e) => shown.has(e.source) && shown.has(e.target));
  }, [graph, nodes]);

  const places = useMemo(() => stepPlaces(outline), [outline]);

  const actions = useMemo<CanvasActions>(
    () => ({
      readOnly,
      dragging,
      setDragging,
      select: (path) => callbacks.current.onSelect(path),
      toggleCollapsed: (path) =>
        setCollapsed((old) => {
          const next = new Set(old);
          const key = pathKey(path);
          if (!next.delete(key)) next.add(key);
          return next;
        }),
      openPicker: (gap, opener) => {
        if (readOnly) return;
        setPicker({ gap, title: opener.getAttribute("aria-label") ?? "Insert a step", opener });
      },
      drop: (gap, data) => {
        setDragging(undefined);
        if (readOnly) return;
        const payload = readDrop(data);
        if (payload?.kind === "block") callbacks.current.onInsert(gap.listPath, gap.index, payload.type);
        else if (payload?.kind === "step" && isUsefulMove(payload.path, gap)) {
          callbacks.current.onMove(payload.path, gap.listPath, gap.index);
        }
      },
    }),
    [readOnly, dragging],
  );

  const closePicker = useCallback(() => {
    const opener = picker?.opener;
    setPicker(undefined);
    // Back to the gap it was opened from, when that gap is still there.
    if (opener?.isConnected) opener.focus();
  }, [picker]);

  /** A click on a node outside its buttons: a step's border selects it, a group's background deselects. */
  const onNodeClick = useCallback((event: MouseEvent, node: CanvasNode) => {
    if (event.target instanceof Element && event.target.closest("button")) return;
    const step = node.type === "step" || node.type === "composite";
    callbacks.current.onSelect(step ? node.data.path : undefined);
  }, []);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.defaultPrevented || isTextField(event.target)) return;
    const target = event.target instanceof HTMLElement ? event.target : undefined;
    if (target?.closest('[role="dialog"]')) return;
    const gapId = target?.closest<HTMLElement>("[data-gap]")?.dataset.gap;
    const focusedGap = gapId !== undefined ? parseGapId(gapId) : undefined;
    const place = selected ? places.get(pathKey(selected)) : undefined;
    const intent = keyIntent(event, {
      readOnly,
      ...(place ? { selected: place } : {}),
      ...(focusedGap ? { focusedGap } : {}),
    });
    if (!intent) return;
    event.preventDefault();
    const cb = callbacks.current;
    switch (intent.kind) {
      case "remove":
        return cb.onRemove(intent.path);
      case "copy":
        return cb.onCopy(intent.path);
      case "paste":
        return cb.onPaste(intent.listPath, intent.index);
      case "move":
        return cb.onMove(intent.from, intent.toListPath, intent.toIndex);
      case "undo":
        return cb.onUndo();
      case "redo":
        return cb.onRedo();
      case "deselect":
        return cb.onSelect(undefined);
    }
  };

  if (outline.flows.length === 0) {
    return (
      <div className="empty">
        <p>
          <strong>No flows yet</strong>
        </p>
        {readOnly ? null : <p className="muted">Add a flow to start placing steps.</p>}
      </div>
    );
  }

  return (
    // The canvas's shortcuts apply to whatever button inside it has focus; the keys reach it by bubbling.
    // biome-ignore lint/a11y/noStaticElementInteractions: a keyboard scope for the buttons inside, not a control itself.
    <div className={styles.canvas} onKeyDown={onKeyDown}>
      <p className={styles.visuallyHidden}>
        {readOnly
          ? "Read-only canvas. Tab to a step and press Enter to select it."
          : "Tab to a step and press Enter to select it; Delete removes it, Alt+Arrow Up or Down moves it, Ctrl+C and Ctrl+V copy and paste, Ctrl+Z undoes. A + button inserts a step there."}
      </p>
      {boxes.size === 0 && !layoutError ? (
        <p className={`muted ${styles.status}`} aria-busy="true">
          Laying out…
        </p>
      ) : null}
      {layoutError ? (
        <p role="alert" className="note note-error">
          The canvas could not be laid out: {layoutError}
        </p>
      ) : null}
      <CanvasContext.Provider value={actions}>
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          fitView
          // Start on the first flow at a readable size; the others are a scroll away.
          fitViewOptions={{
            padding: 0.1,
            maxZoom: 1,
            minZoom: 0.5,
            ...(outline.flows[0] ? { nodes: [{ id: pathKey(outline.flows[0].path) }] } : {}),
          }}
          minZoom={0.1}
          maxZoom={2}
          nodesDraggable={false}
          nodesConnectable={false}
          nodesFocusable={false}
          edgesFocusable={false}
          elementsSelectable={false}
          deleteKeyCode={null}
          panActivationKeyCode={null}
          selectionKeyCode={null}
          multiSelectionKeyCode={null}
          zoomOnDoubleClick={false}
          disableKeyboardA11y
          defaultEdgeOptions={{ type: "smoothstep", focusable: false, selectable: false }}
          onPaneClick={() => callbacks.current.onSelect(undefined)}
          // Also what gives the nodes pointer events at all (React Flow turns them off for nodes
          // that are neither selectable nor draggable and have no mouse handler).
          onNodeClick={onNodeClick}
        >
          <Controls showInteractive={false} />
          <MiniMap className={styles.minimap} pannable zoomable />
        </ReactFlow>
      </CanvasContext.Provider>
      {picker ? (
        <TypePicker
          info={info}
          title={picker.title}
          onClose={closePicker}
          onPick={(type) => {
            callbacks.current.onInsert(picker.gap.listPath, picker.gap.index, type);
            closePicker();
          }}
        />
      ) : null}
    </div>
  );
}
