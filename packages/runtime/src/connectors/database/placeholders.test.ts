// The `?` scanner: placeholders outside literals, identifiers and comments; statement counting.
import { describe, expect, it } from "vitest";
import { scanQuery } from "./placeholders.ts";

const pg = (sql: string) => scanQuery(sql, "postgres");
const lite = (sql: string) => scanQuery(sql, "sqlite");

describe("postgres placeholders", () => {
  it("numbers each ? in order", () => {
    expect(pg("INSERT INTO t (a, b) VALUES (?, ?) RETURNING *")).toEqual({
      text: "INSERT INTO t (a, b) VALUES ($1, $2) RETURNING *",
      placeholders: 2,
      statements: 1,
    });
    expect(pg("SELECT * FROM t WHERE a=? AND b>?").text).toBe("SELECT * FROM t WHERE a=$1 AND b>$2");
  });

  it("leaves ? inside string literals, with doubled quotes", () => {
    const r = pg("SELECT 'why?', 'it''s ?', ? FROM t");
    expect(r.text).toBe("SELECT 'why?', 'it''s ?', $1 FROM t");
    expect(r.placeholders).toBe(1);
  });

  it("honours backslash escapes in E'…' strings only", () => {
    expect(pg("SELECT E'a\\'?', ?").text).toBe("SELECT E'a\\'?', $1");
    // In a standard string a backslash is an ordinary character: the literal ends at the quote.
    expect(pg("SELECT 'a\\', ?").text).toBe("SELECT 'a\\', $1");
    // An identifier ending in e is not an E prefix.
    expect(pg("SELECT some'\\', ?").placeholders).toBe(1);
  });

  it("leaves ? inside quoted identifiers", () => {
    expect(pg('SELECT "what?" , "a""?" FROM t WHERE x = ?').text).toBe(
      'SELECT "what?" , "a""?" FROM t WHERE x = $1',
    );
  });

  it("leaves ? inside dollar-quoted strings, tagged or not", () => {
    const r = pg("SELECT $$ ? $$, $fn$ it's ? $$ $fn$, ?");
    expect(r.text).toBe("SELECT $$ ? $$, $fn$ it's ? $$ $fn$, $1");
    expect(r.placeholders).toBe(1);
  });

  it("leaves ? inside line and nested block comments", () => {
    const r = pg("SELECT ? -- what?\n, /* a? /* b? */ c? */ ?");
    expect(r.text).toBe("SELECT $1 -- what?\n, /* a? /* b? */ c? */ $2");
    expect(r.placeholders).toBe(2);
  });

  it("reads ?? as a literal ? (jsonb operators)", () => {
    const r = pg("SELECT * FROM t WHERE data ?? ? AND tags ??| ?");
    expect(r.text).toBe("SELECT * FROM t WHERE data ? $1 AND tags ?| $2");
    expect(r.placeholders).toBe(2);
  });

  it("does not take $1 or a$b for a dollar quote", () => {
    expect(pg("SELECT a$b, ? FROM t").text).toBe("SELECT a$b, $1 FROM t");
    expect(pg("SELECT $1").placeholders).toBe(0);
  });

  it("runs an unterminated literal or comment to the end (the database reports it)", () => {
    expect(pg("SELECT 'open ?").placeholders).toBe(0);
    expect(pg("SELECT /* open ?").placeholders).toBe(0);
    expect(pg("SELECT $x$ open ?").placeholders).toBe(0);
  });
});

describe("sqlite placeholders", () => {
  it("keeps ? as SQLite binds it and counts it", () => {
    expect(lite("INSERT INTO t VALUES (?, ?)")).toEqual({
      text: "INSERT INTO t VALUES (?, ?)",
      placeholders: 2,
      statements: 1,
    });
  });

  it('skips strings, "…", `…` and […] identifiers and comments', () => {
    expect(lite("SELECT 'a?', \"b?\", `c?`, [d?], ? -- e?\n/* f? */").placeholders).toBe(1);
  });

  it("does not nest block comments (as SQLite does not)", () => {
    expect(lite("SELECT /* /* */ ?").placeholders).toBe(1);
    expect(pg("SELECT /* /* */ ? */ 1").placeholders).toBe(0);
  });

  it("has no E'…' escapes and no dollar quotes", () => {
    expect(lite("SELECT E'a\\', ?").placeholders).toBe(1);
    expect(lite("SELECT $a, ?").placeholders).toBe(1);
  });

  it("counts ?? as two placeholders", () => {
    expect(lite("SELECT ??").placeholders).toBe(2);
  });
});

describe("statements", () => {
  it("counts statements separated by ; outside literals and comments", () => {
    expect(pg("SELECT 1").statements).toBe(1);
    expect(pg("SELECT 1;").statements).toBe(1);
    expect(pg("SELECT 1; -- done\n").statements).toBe(1);
    expect(pg("SELECT ';'; ").statements).toBe(1);
    expect(pg("SELECT 1; SELECT 2").statements).toBe(2);
    expect(lite("SELECT 1; DROP TABLE t; --").statements).toBe(2);
    expect(pg("").statements).toBe(0);
    expect(pg(" -- nothing\n ; ").statements).toBe(0);
  });
});
