import { once } from "node:events";
import { createConnection, createServer, type Server } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { freePort, startFrontProxy } from "./front-proxy.ts";

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A TCP server that answers every connection with its name and closes. */
async function named(name: string): Promise<number> {
  // resume(): a paused socket never sees the peer's FIN and would keep the server open.
  const s = createServer((c) => c.resume().end(name));
  servers.push(s);
  s.listen(0, "127.0.0.1");
  await once(s, "listening");
  const a = s.address();
  return typeof a === "object" && a ? a.port : 0;
}

/** Connects, sends "hi", returns what came back before the close. */
async function exchange(port: number): Promise<string> {
  const c = createConnection({ host: "127.0.0.1", port });
  let got = "";
  c.setEncoding("utf8");
  c.on("data", (d: string) => {
    got += d;
  });
  c.on("error", () => {});
  c.write("hi");
  await once(c, "close");
  return got;
}

describe("startFrontProxy", () => {
  it("spreads connections round-robin over the targets", async () => {
    const ports = [await named("a"), await named("b")];
    const proxy = await startFrontProxy(() => ports);
    try {
      const answers = [];
      for (let i = 0; i < 4; i++) answers.push(await exchange(proxy.port));
      expect(answers.sort()).toEqual(["a", "a", "b", "b"]);
    } finally {
      await proxy.close();
    }
  });

  it("closes the connection when no target is ready, skips a target that refuses", async () => {
    let ports: number[] = [];
    const proxy = await startFrontProxy(() => ports);
    try {
      expect(await exchange(proxy.port)).toBe("");
      ports = [await freePort(), await named("up")];
      for (let i = 0; i < 3; i++) expect(await exchange(proxy.port)).toBe("up");
    } finally {
      await proxy.close();
    }
  });

  it("frees its port on close, cutting open connections", async () => {
    const echo = createServer((c) => c.pipe(c));
    servers.push(echo);
    echo.listen(0, "127.0.0.1");
    await once(echo, "listening");
    const a = echo.address();
    const target = typeof a === "object" && a ? a.port : 0;
    const proxy = await startFrontProxy(() => [target]);
    const c = createConnection({ host: "127.0.0.1", port: proxy.port });
    c.on("error", () => {});
    c.write("x");
    await once(c, "data");
    await proxy.close();
    await once(c, "close");
    const again = createServer();
    again.listen(proxy.port, "127.0.0.1");
    await once(again, "listening");
    again.close();
  });
});
