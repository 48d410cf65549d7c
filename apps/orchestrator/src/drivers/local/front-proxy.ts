// The stable port of a networked deployment: a TCP proxy that spreads connections round-robin over
// the replicas that are ready right now, so replicas can come and go (restart, scale, rollout).
import { once } from "node:events";
import { createConnection, createServer, type Server, type Socket } from "node:net";

export interface FrontProxy {
  readonly port: number;
  /** Stops listening and cuts every proxied connection. */
  close(): Promise<void>;
}

/**
 * Listens on 127.0.0.1:<port> (0: the OS picks a free one). `targets()` is asked on every
 * connection; none → the connection is closed. A target that refuses is skipped for the next one,
 * which covers a replica that stopped between being picked and being dialled.
 */
export async function startFrontProxy(targets: () => number[], port = 0): Promise<FrontProxy> {
  const sockets = new Set<Socket>();
  let next = 0;
  const track = (s: Socket) => {
    sockets.add(s);
    s.once("close", () => sockets.delete(s));
  };

  const server: Server = createServer((client) => {
    track(client);
    client.on("error", () => client.destroy());
    const ports = targets();
    const start = next++;
    const dial = (attempt: number) => {
      if (attempt >= ports.length || client.destroyed) {
        client.destroy();
        return;
      }
      const port = ports[(start + attempt) % ports.length] as number;
      const upstream = createConnection({ host: "127.0.0.1", port });
      track(upstream);
      let connected = false;
      upstream.once("connect", () => {
        connected = true;
        client.pipe(upstream);
        upstream.pipe(client);
      });
      upstream.on("error", () => {
        upstream.destroy();
        if (connected) client.destroy();
        else dial(attempt + 1);
      });
      // A half-closed side ends the other via pipe(); a reset or close tears both down.
      upstream.once("close", () => {
        if (connected) client.destroy();
      });
      client.once("close", () => upstream.destroy());
    };
    dial(0);
  });
  server.listen(port, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  const bound = typeof address === "object" && address ? address.port : port;
  return {
    port: bound,
    async close() {
      const closed = once(server, "close");
      server.close();
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}

/** A port nobody listens on right now (the OS picks it; closed again and handed over). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  server.close();
  await once(server, "close");
  return port;
}
