"use client";

import { type JSX, type KeyboardEvent, useId, useState } from "react";
import type { SchemaInfo } from "../model/schema-info.ts";
import { describeBlock, filterSections, paletteSections } from "../palette/blocks.ts";
import styles from "./canvas.module.css";

export interface TypePickerProps {
  info: SchemaInfo;
  /** Where the step goes, for the heading ("Insert a step at the start of orders-api"). */
  title: string;
  onPick(type: string): void;
  onClose(): void;
}

/** A small filterable list of block types, opened from a gap. Enter in the filter picks the first match. */
export function TypePicker({ info, title, onPick, onClose }: TypePickerProps): JSX.Element {
  const id = useId();
  const [query, setQuery] = useState("");
  const sections = filterSections(paletteSections(info), query);
  const first = sections[0]?.blocks[0];

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === "Escape") {
      event.stopPropagation();
      onClose();
    }
  };
  return (
    <div role="dialog" aria-labelledby={`${id}-title`} className={styles.picker} onKeyDown={onKeyDown}>
      <div className={styles.pickerHeader}>
        <h3 id={`${id}-title`} className={styles.pickerTitle}>
          {title}
        </h3>
        <button type="button" className="ghost" onClick={onClose} aria-label="Close">
          ×
        </button>
      </div>
      <label htmlFor={`${id}-filter`}>Block type</label>
      <input
        id={`${id}-filter`}
        type="search"
        // biome-ignore lint/a11y/noAutofocus: the picker opens on request; typing filters at once.
        autoFocus
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && first) {
            e.preventDefault();
            onPick(first.type);
          }
        }}
      />
      <div className={styles.pickerList}>
        {sections.map((section) => (
          <section key={section.id} aria-labelledby={`${id}-${section.id}`}>
            <h4 id={`${id}-${section.id}`} className={styles.pickerSection}>
              {section.title}
            </h4>
            <ul>
              {section.blocks.map((block) => (
                <li key={block.type}>
                  <button type="button" title={describeBlock(block)} onClick={() => onPick(block.type)}>
                    {block.title} <span className={styles.stepType}>{block.type}</span>
                  </button>
                </li>
              ))}
            </ul>
          </section>
        ))}
        {sections.length === 0 ? <p className="muted">No block matches “{query.trim()}”.</p> : null}
      </div>
    </div>
  );
}
