// A trace as an indented tree for a terminal (`octo invoke --trace=text`).
import { basename } from "node:path";
import type { FlowTrace, TraceNode } from "./model.ts";

const PREVIEW = 72;

function ms(value: number | undefined): string {
  if (value === undefined) return "running";
  return `${value >= 100 ? value.toFixed(0) : value >= 1 ? value.toFixed(2) : value.toFixed(3)} ms`;
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? "null";
  return text.length > PREVIEW ? `${text.slice(0, PREVIEW - 1)}…` : text;
}

function line(node: TraceNode, repeated: boolean): string {
  switch (node.kind) {
    case "flow": {
      const head = `flow ${node.flow}${node.oneWay ? " (oneWay)" : ""} · ${node.status} · ${ms(node.durationMs)}`;
      const omitted = node.omittedSteps ? ` · ${node.omittedSteps} steps not recorded` : "";
      return `${head}${omitted}${node.error ? ` ✗ ${node.error.message}` : ""}`;
    }
    case "scope":
      return `${node.slot}${repeated ? ` #${node.iteration}` : ""}${node.label === undefined ? "" : ` (${node.label})`}`;
    case "step": {
      const where = `${basename(node.location.file)}:${node.location.line}`;
      let text = `${node.type}${node.name === undefined ? "" : ` "${node.name}"`} · ${where} · ${ms(node.durationMs)}`;
      if (node.error) text += ` ✗ ${node.error.message}`;
      else if (node.dropped) text += " · dropped";
      else if (node.output && JSON.stringify(node.output.body) !== JSON.stringify(node.input.body))
        text += ` → ${preview(node.output.body)}`;
      return text;
    }
  }
}

/** The trace, one node per line, drawn with box characters. */
export function traceText(trace: FlowTrace): string {
  const out: string[] = [line(trace, false)];
  const walk = (children: TraceNode[], indent: string) => {
    const slots = new Map<string, number>();
    for (const c of children) if (c.kind === "scope") slots.set(c.slot, (slots.get(c.slot) ?? 0) + 1);
    children.forEach((child, i) => {
      const last = i === children.length - 1;
      const repeated = child.kind === "scope" && (slots.get(child.slot) ?? 0) > 1;
      out.push(`${indent}${last ? "└─ " : "├─ "}${line(child, repeated)}`);
      walk(child.children, `${indent}${last ? "   " : "│  "}`);
    });
  };
  walk(trace.children, "");
  return `${out.join("\n")}\n`;
}
