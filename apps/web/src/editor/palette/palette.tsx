"use client";

import { type DragEvent, type JSX, useId, useMemo, useState } from "react";
import { BLOCK_MIME } from "../canvas/dnd.ts";
import type { SchemaInfo } from "../model/schema-info.ts";
import {
  connectorMatches,
  describeBlock,
  distinctConnectors,
  filterSections,
  paletteSections,
} from "./blocks.ts";
import styles from "./palette.module.css";

export interface PaletteProps {
  info: SchemaInfo;
  /** Readers see what exists but cannot pick or drag. */
  readOnly?: boolean;
  /** A block was clicked: the page inserts it (after the selected step). */
  onPick(type: string): void;
  /** A connector type was clicked: the page adds a connection of that type. */
  onAddConnector(type: string): void;
}

/** Every block and connector type the schema knows, grouped, filterable, clickable and draggable. */
export function Palette({ info, readOnly = false, onPick, onAddConnector }: PaletteProps): JSX.Element {
  const id = useId();
  const [query, setQuery] = useState("");
  const sections = useMemo(() => paletteSections(info), [info]);
  const shown = filterSections(sections, query);
  const connectors = distinctConnectors(info).filter((c) => connectorMatches(c, query));

  const startDrag = (event: DragEvent<HTMLButtonElement>, type: string) => {
    event.dataTransfer.setData(BLOCK_MIME, type);
    event.dataTransfer.effectAllowed = "copy";
  };

  return (
    <nav className={styles.palette} aria-label="Blocks and connectors">
      <label htmlFor={`${id}-filter`}>Filter</label>
      <input
        id={`${id}-filter`}
        type="search"
        className={styles.filter}
        placeholder="log, switch, http…"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        aria-describedby={`${id}-hint`}
      />
      <p id={`${id}-hint`} className="field-hint">
        {readOnly
          ? "Read-only: blocks cannot be added."
          : "Click to add after the selected step, or drag onto a +."}
      </p>
      {shown.map((section) => (
        <section key={section.id} aria-labelledby={`${id}-${section.id}`} className={styles.section}>
          <h3 id={`${id}-${section.id}`} className={styles.heading}>
            {section.title}
          </h3>
          <ul className={styles.list}>
            {section.blocks.map((block) => (
              <li key={block.type}>
                <button
                  type="button"
                  className={styles.item}
                  title={describeBlock(block)}
                  disabled={readOnly}
                  draggable={!readOnly}
                  onDragStart={(e) => startDrag(e, block.type)}
                  onClick={() => onPick(block.type)}
                  data-block-type={block.type}
                >
                  <span className={styles.title}>{block.title}</span>{" "}
                  <span className={styles.type}>{block.type}</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
      {connectors.length > 0 ? (
        <section aria-labelledby={`${id}-connectors`} className={styles.section}>
          <h3 id={`${id}-connectors`} className={styles.heading}>
            Connectors
          </h3>
          <ul className={styles.list}>
            {connectors.map((connector) => (
              <li key={connector.type}>
                <button
                  type="button"
                  className={styles.item}
                  title={describeBlock(connector)}
                  disabled={readOnly}
                  onClick={() => onAddConnector(connector.type)}
                  data-connector-type={connector.type}
                >
                  <span className={styles.title}>{connector.title}</span>{" "}
                  <span className={styles.type}>{connector.type}</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {shown.length === 0 && connectors.length === 0 ? (
        <p className="muted" role="status">
          Nothing matches “{query.trim()}”.
        </p>
      ) : null}
    </nav>
  );
}
