import { describe, expect, it } from "vitest";
import { ownWrites } from "./own-writes.ts";

function gate() {
  const heard: string[] = [];
  const g = ownWrites((at) => heard.push(at));
  g.saved("t0");
  return { g, heard };
}

describe("own writes versus changes made elsewhere", () => {
  it("passes on a change made elsewhere, but not the timestamp already saved", () => {
    const { g, heard } = gate();
    g.announced("t0");
    g.announced("t1");
    expect(heard).toEqual(["t1"]);
  });

  it("holds what is announced during a write and drops it when the write saved that very change", () => {
    const { g, heard } = gate();
    g.writeStarted();
    g.announced("t1"); // our own save, announced before its answer
    g.saved("t1");
    g.writeSettled();
    expect(heard).toEqual([]);
  });

  it("passes on a change announced during a write when it is not what the write saved", () => {
    const { g, heard } = gate();
    g.writeStarted();
    g.announced("t2"); // someone else saved while ours was in flight
    g.saved("t1");
    g.writeSettled();
    expect(heard).toEqual(["t2"]);
  });

  it("keeps holding until the last of overlapping writes settles, and after a failed write", () => {
    const { g, heard } = gate();
    g.writeStarted();
    g.writeStarted();
    g.announced("t3");
    g.writeSettled();
    expect(heard).toEqual([]);
    g.writeSettled(); // failed: nothing saved, so t3 is someone else's
    expect(heard).toEqual(["t3"]);
    g.writeSettled(); // an extra settle never makes the count negative
    g.writeStarted();
    g.announced("t4");
    expect(heard).toEqual(["t3"]);
  });
});
