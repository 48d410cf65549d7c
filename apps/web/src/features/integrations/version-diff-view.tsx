"use client";

import { useId, useMemo } from "react";
import { Empty, ErrorNote, Loading } from "../../ui/states.tsx";
import styles from "./integrations.module.css";
import { collapseUnchanged, type DiffRow, diffRows, diffStats } from "./version-diff.ts";
import type { VersionRow } from "./versions-panel.tsx";

/** The choice that stands for the integration's current (saved) definition rather than a version. */
export const DRAFT = "draft";

const SIGN = { add: "+", del: "-", same: " " } as const;
const CLASS = { add: "diff-add", del: "diff-del", same: "" } as const;

/** A line diff: added lines marked .diff-add and "+", removed ones .diff-del and "-", unchanged runs folded. */
export function DiffView({ rows, label }: { rows: DiffRow[]; label: string }) {
  const { added, removed } = diffStats(rows);
  if (added === 0 && removed === 0) return <p className="muted">No differences between {label}.</p>;
  return (
    <>
      <p className="muted">
        {added} line{added === 1 ? "" : "s"} added, {removed} removed.
      </p>
      <section className="diff" aria-label={`Differences between ${label}`}>
        {collapseUnchanged(rows).map((row, i) =>
          row.kind === "gap" ? (
            <div key={i} className={styles.gap}>
              … {row.count} unchanged line{row.count === 1 ? "" : "s"}
            </div>
          ) : (
            <div key={i} className={`${styles.diffLine} ${CLASS[row.kind]}`} data-kind={row.kind}>
              <span className={styles.lineNo}>{row.oldLine ?? ""}</span>
              <span className={styles.lineNo}>{row.newLine ?? ""}</span>
              <span className={styles.sign}>{SIGN[row.kind]}</span>
              <span>{row.text}</span>
            </div>
          ),
        )}
      </section>
    </>
  );
}

function VersionSelect({
  id,
  label,
  value,
  versions,
  onChange,
}: {
  id: string;
  label: string;
  value: string;
  versions: VersionRow[];
  onChange: (value: string) => void;
}) {
  return (
    <div>
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value={DRAFT}>Current definition (saved)</option>
        {versions.map((v) => (
          <option key={v.id} value={v.id}>
            {v.tag}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Compare two versions, or a version with the current definition. */
export function VersionDiffPanel({
  versions,
  from,
  to,
  onFromChange,
  onToChange,
  before,
  after,
  error,
}: {
  versions: VersionRow[];
  from: string;
  to: string;
  onFromChange: (value: string) => void;
  onToChange: (value: string) => void;
  /** The two texts; undefined while one is loading. */
  before: string | undefined;
  after: string | undefined;
  error?: unknown;
}) {
  const id = useId();
  const rows = useMemo(
    () => (before === undefined || after === undefined ? undefined : diffRows(before, after)),
    [before, after],
  );
  const nameOf = (value: string) =>
    value === DRAFT ? "the current definition" : (versions.find((v) => v.id === value)?.tag ?? "a version");
  return (
    <section className="panel" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Compare versions</h2>
      {versions.length === 0 ? (
        <Empty title="Nothing to compare yet">
          <p>Tag a version to compare it with the current definition.</p>
        </Empty>
      ) : (
        <>
          <div className={styles.pickers}>
            <VersionSelect
              id={`${id}-from`}
              label="From"
              value={from}
              versions={versions}
              onChange={onFromChange}
            />
            <VersionSelect id={`${id}-to`} label="To" value={to} versions={versions} onChange={onToChange} />
          </div>
          {error ? (
            <ErrorNote error={error} />
          ) : rows === undefined ? (
            <Loading label="Loading the versions…" />
          ) : (
            <DiffView rows={rows} label={`${nameOf(from)} and ${nameOf(to)}`} />
          )}
        </>
      )}
    </section>
  );
}
