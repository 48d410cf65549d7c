"use client";

/** One problem the runtime (or the YAML parser) found, with where it is. */
export interface Problem {
  message: string;
  line?: number;
  col?: number;
  code?: string;
  hint?: string;
}

/** The runtime's validation of the document: each problem jumps to its node and its YAML line. */
export function ProblemsPanel({
  problems,
  checking,
  onJump,
}: {
  problems: readonly Problem[];
  checking: boolean;
  onJump: (problem: Problem) => void;
}) {
  return (
    <section aria-label="Problems" aria-live="polite">
      <h2>
        Problems{" "}
        <span className={`badge ${problems.length ? "status-failed" : "status-running"}`}>
          {problems.length}
        </span>
        {checking ? <span className="muted"> checking…</span> : null}
      </h2>
      {problems.length === 0 ? (
        <p className="muted">The runtime accepts this document.</p>
      ) : (
        <ul className="problems">
          {problems.map((p, i) => (
            <li key={`${i}-${p.line}-${p.col}-${p.message}`}>
              <button type="button" className="ghost" onClick={() => onJump(p)}>
                {p.line !== undefined ? <span className="muted">{`${p.line}:${p.col ?? 1} `}</span> : null}
                {p.message}
                {p.hint ? <span className="muted"> — {p.hint}</span> : null}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
