// Label selectors in the string form the API accepts: `a=b`, `a==b`, `a!=b`, `a in (x,y)`,
// `a notin (x)`, `a` (exists) and `!a` (does not exist), comma-separated and ANDed.

export type Labels = Readonly<Record<string, string>>;
type Requirement = (labels: Labels) => boolean;

/** Split on commas that are not inside a `(...)` value set. */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of selector) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      terms.push(current);
      current = "";
    } else current += ch;
  }
  terms.push(current);
  return terms.map((t) => t.trim()).filter((t) => t !== "");
}

function parseTerm(term: string): Requirement {
  const set = /^([^\s!=]+)\s+(in|notin)\s+\((.*)\)$/.exec(term);
  if (set) {
    const [, key = "", op, values = ""] = set;
    const allowed = new Set(values.split(",").map((v) => v.trim()));
    return op === "in"
      ? (l) => l[key] !== undefined && allowed.has(l[key])
      : (l) => l[key] === undefined || !allowed.has(l[key]);
  }
  const cmp = /^([^\s!=]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
  if (cmp) {
    const [, key = "", op, value = ""] = cmp;
    return op === "!=" ? (l) => l[key] !== value.trim() : (l) => l[key] === value.trim();
  }
  if (term.startsWith("!")) {
    const key = term.slice(1).trim();
    return (l) => l[key] === undefined;
  }
  return (l) => l[term] !== undefined;
}

export function parseSelector(selector: string | null | undefined): (labels: Labels | undefined) => boolean {
  if (!selector) return () => true;
  const reqs = splitTerms(selector).map(parseTerm);
  return (labels) => reqs.every((req) => req(labels ?? {}));
}
