// An OTLP/HTTP receiver that reads and drops every export (the tracing scenario's collector):
// answers 200 `{}` like a collector that accepted everything. Env PORT.
import { createServer } from "node:http";

createServer((req, res) => {
  req.resume();
  req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end("{}"));
}).listen(Number(process.env.PORT), "127.0.0.1");
