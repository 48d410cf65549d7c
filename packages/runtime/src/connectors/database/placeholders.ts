// `?` placeholders → the driver's own syntax. Only `?` outside string literals, quoted
// identifiers and comments is a placeholder, so a `?` in `'why?'` stays text.

export type Dialect = "postgres" | "sqlite";

export interface ScannedQuery {
  /** The query in the driver's syntax: `$1 … $n` for postgres, unchanged for sqlite. */
  text: string;
  /** How many `?` placeholders the query has. */
  placeholders: number;
  /** How many statements it holds (`;` followed by more SQL starts another). */
  statements: number;
}

const IDENT = /[\p{L}\p{N}_$]/u;
/** A postgres dollar-quote opener: `$$` or `$tag$` (a tag never starts with a digit). */
const DOLLAR_TAG = /\$(?:[\p{L}_][\p{L}\p{N}_]*)?\$/uy;

/**
 * Scans `sql` once, left to right. Postgres: '…' (E'…' with backslash escapes), "…", $tag$…$tag$,
 * -- and nested /* *\/ comments; `??` is a literal `?` (for jsonb operators such as `?|`).
 * SQLite: '…', "…", `…`, […], -- and /* *\/ comments; `?` is left for SQLite to bind. An
 * unterminated literal or comment runs to the end, so the database reports the syntax error.
 */
export function scanQuery(sql: string, dialect: Dialect): ScannedQuery {
  const pg = dialect === "postgres";
  let text = "";
  let placeholders = 0;
  let statements = 0;
  let inStatement = false;
  let i = 0;
  const startsStatement = () => {
    if (!inStatement) statements++;
    inStatement = true;
  };
  /** Index just past the quoted run opened at `start` and closed by `close` (doubled = escaped). */
  const quoted = (start: number, close: string, backslashEscapes = false): number => {
    let j = start + 1;
    while (j < sql.length) {
      const c = sql[j];
      if (backslashEscapes && c === "\\") j += 2;
      else if (c === close && sql[j + 1] === close && close !== "]") j += 2;
      else if (c === close) return j + 1;
      else j++;
    }
    return sql.length;
  };
  while (i < sql.length) {
    const c = sql[i] as string;
    const next = sql[i + 1];
    let end = i + 1;
    if (c === "-" && next === "-") {
      const eol = sql.indexOf("\n", i);
      end = eol === -1 ? sql.length : eol + 1;
    } else if (c === "/" && next === "*") {
      let depth = 1;
      let j = i + 2;
      while (j < sql.length && depth > 0) {
        if (sql[j] === "*" && sql[j + 1] === "/") {
          depth--;
          j += 2;
        } else if (pg && sql[j] === "/" && sql[j + 1] === "*") {
          depth++;
          j += 2;
        } else j++;
      }
      end = j;
    } else if (c === "'") {
      startsStatement();
      // E'…' (postgres) honours backslash escapes; `e` must be a prefix, not an identifier's end.
      const prefix = sql[i - 1];
      const escapes = pg && (prefix === "e" || prefix === "E") && !IDENT.test(sql[i - 2] ?? " ");
      end = quoted(i, "'", escapes);
    } else if (c === '"') {
      startsStatement();
      end = quoted(i, '"');
    } else if (!pg && c === "`") {
      startsStatement();
      end = quoted(i, "`");
    } else if (!pg && c === "[") {
      startsStatement();
      end = quoted(i, "]");
    } else if (pg && c === "$" && !IDENT.test(sql[i - 1] ?? " ")) {
      startsStatement();
      DOLLAR_TAG.lastIndex = i;
      const tag = DOLLAR_TAG.exec(sql)?.[0];
      if (tag !== undefined) {
        const close = sql.indexOf(tag, i + tag.length);
        end = close === -1 ? sql.length : close + tag.length;
      }
    } else if (c === "?") {
      startsStatement();
      if (pg && next === "?") {
        text += "?";
        i += 2;
        continue;
      }
      placeholders++;
      text += pg ? `$${placeholders}` : "?";
      i++;
      continue;
    } else if (c === ";") {
      inStatement = false;
    } else if (!/\s/.test(c)) {
      startsStatement();
    }
    text += sql.slice(i, end);
    i = end;
  }
  return { text, placeholders, statements };
}
