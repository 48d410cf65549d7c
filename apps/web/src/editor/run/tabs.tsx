"use client";

import { type KeyboardEvent, type ReactNode, useId, useRef } from "react";
import styles from "./run.module.css";

export interface TabSpec {
  id: string;
  label: string;
  content: ReactNode;
}

/**
 * WAI-ARIA tabs: one tab stop, arrow keys / Home / End move and select. Every panel stays
 * mounted (hidden), so a half-typed request survives a look at the logs.
 */
export function Tabs({
  label,
  tabs,
  selected,
  onSelect,
}: {
  label: string;
  tabs: readonly TabSpec[];
  selected: string;
  onSelect(id: string): void;
}) {
  const base = useId();
  const buttons = useRef(new Map<string, HTMLButtonElement>());
  const active = tabs.some((t) => t.id === selected) ? selected : tabs[0]?.id;

  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>) => {
    const index = tabs.findIndex((t) => t.id === active);
    const moves: Record<string, number> = {
      ArrowRight: (index + 1) % tabs.length,
      ArrowLeft: (index - 1 + tabs.length) % tabs.length,
      Home: 0,
      End: tabs.length - 1,
    };
    const next = moves[event.key];
    const tab = next === undefined ? undefined : tabs[next];
    if (!tab) return;
    event.preventDefault();
    onSelect(tab.id);
    buttons.current.get(tab.id)?.focus();
  };

  return (
    <div>
      <div role="tablist" aria-label={label} className={styles.tablist}>
        {tabs.map((tab) => (
          <button
            key={tab.id}
            ref={(el) => {
              if (el) buttons.current.set(tab.id, el);
              else buttons.current.delete(tab.id);
            }}
            type="button"
            role="tab"
            id={`${base}-tab-${tab.id}`}
            aria-controls={`${base}-panel-${tab.id}`}
            aria-selected={tab.id === active}
            tabIndex={tab.id === active ? 0 : -1}
            className={styles.tab}
            onClick={() => onSelect(tab.id)}
            onKeyDown={onKeyDown}
          >
            {tab.label}
          </button>
        ))}
      </div>
      {tabs.map((tab) => (
        <div
          key={tab.id}
          role="tabpanel"
          id={`${base}-panel-${tab.id}`}
          aria-labelledby={`${base}-tab-${tab.id}`}
          hidden={tab.id !== active}
          className={styles.tabpanel}
        >
          {tab.content}
        </div>
      ))}
    </div>
  );
}
