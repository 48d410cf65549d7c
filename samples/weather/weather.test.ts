// The weather sample: a rest call through http-client (cache, retries) to a local stub that speaks
// Open-Meteo's /v1/forecast, driven through `octo run` over HTTP and through `octo invoke`.
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { freePort, killAll, runSample, sample, startOcto } from "../test/octo-process.ts";

const servers: Server[] = [];

afterEach(() => {
  killAll();
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
});

interface Seen {
  path: string;
  query: Record<string, string>;
  accept: string | undefined;
}

const TEMPERATURES: Record<string, number> = { "48.85": 12.3, "51.51": 9.5, "35.69": 21.75 };

/**
 * A stub Open-Meteo on 127.0.0.1:0: answers /v1/forecast with the current temperature of the
 * latitude asked for. `answer` may take over a request (return true) to fail it instead.
 */
async function stubOpenMeteo(answer?: (seen: Seen, res: ServerResponse) => boolean) {
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://stub");
    const request = {
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      accept: req.headers.accept,
    };
    seen.push(request);
    if (answer?.(request, res)) return;
    const temperature = TEMPERATURES[request.query.latitude ?? ""];
    if (url.pathname !== "/v1/forecast" || temperature === undefined) {
      res.writeHead(400, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: true, reason: "bad request" }));
      return;
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        latitude: Number(request.query.latitude),
        longitude: Number(request.query.longitude),
        current: { time: "2026-03-01T12:00", interval: 900, temperature_2m: temperature },
        current_units: { time: "iso8601", interval: "seconds", temperature_2m: "°C" },
      }),
    );
  });
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, seen };
}

async function startWeather(apiURL: string) {
  const port = await freePort();
  const octo = await runSample(sample("weather"), { HTTP_PORT: String(port), WEATHER_API_URL: apiURL });
  return { octo, url: (path: string) => `http://127.0.0.1:${port}${path}` };
}

describe("samples/weather", () => {
  it("GET /weather/paris asks Open-Meteo for the city's coordinates and maps the answer", async () => {
    const api = await stubOpenMeteo();
    const { url } = await startWeather(api.url);

    const res = await fetch(url("/weather/paris"));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      city: "paris",
      temperature: 12.3,
      unit: "°C",
      time: "2026-03-01T12:00",
    });
    expect(api.seen).toEqual([
      {
        path: "/v1/forecast",
        query: { latitude: "48.85", longitude: "2.35", current: "temperature_2m" },
        accept: "application/json",
      },
    ]);

    // The city is matched case-insensitively and answered in lower case.
    const london = await fetch(url("/weather/London"));
    expect(await london.json()).toMatchObject({ city: "london", temperature: 9.5 });
    expect(api.seen[1]?.query).toEqual({ latitude: "51.51", longitude: "-0.13", current: "temperature_2m" });
  }, 20_000);

  it("a second identical call is answered from the cache without reaching the API", async () => {
    const api = await stubOpenMeteo();
    const { url } = await startWeather(api.url);

    const first = await (await fetch(url("/weather/tokyo"))).json();
    const second = await (await fetch(url("/weather/tokyo"))).json();
    expect(second).toEqual(first);
    expect(first).toMatchObject({ city: "tokyo", temperature: 21.75 });
    expect(api.seen).toHaveLength(1);

    // Another city is another URL, so another request; "TOKYO" maps to the same URL as "tokyo".
    await (await fetch(url("/weather/paris"))).json();
    await (await fetch(url("/weather/TOKYO"))).json();
    expect(api.seen.map((s) => s.query.latitude)).toEqual(["35.69", "48.85"]);
  }, 20_000);

  it("a 503 from the API is retried and the retry's answer is used (and only it is cached)", async () => {
    let failuresLeft = 1;
    const api = await stubOpenMeteo((_seen, res) => {
      if (failuresLeft === 0) return false;
      failuresLeft--;
      res.writeHead(503, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: true, reason: "overloaded" }));
      return true;
    });
    const { url } = await startWeather(api.url);

    const res = await fetch(url("/weather/paris"));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ city: "paris", temperature: 12.3 });
    expect(api.seen).toHaveLength(2);
    expect(api.seen[1]).toEqual(api.seen[0]);

    await (await fetch(url("/weather/paris"))).json();
    expect(api.seen).toHaveLength(2);
  }, 20_000);

  it("an API that keeps answering 503 fails after 3 attempts: 500 naming the status", async () => {
    const api = await stubOpenMeteo((_seen, res) => {
      res.writeHead(503, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: true, reason: "overloaded" }));
      return true;
    });
    const { url } = await startWeather(api.url);

    const res = await fetch(url("/weather/paris"));
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({
      error:
        `GET ${api.url}/v1/forecast?latitude=48.85&longitude=2.35&current=temperature_2m returned ` +
        'HTTP 503 Service Unavailable: {"error":true,"reason":"overloaded"} (after 3 attempts)',
    });
    expect(api.seen).toHaveLength(3);
  }, 20_000);

  it("an unknown city answers 500 naming the city, without calling the API", async () => {
    const api = await stubOpenMeteo();
    const { octo, url } = await startWeather(api.url);

    const res = await fetch(url("/weather/atlantis"));
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: "no such key: atlantis" });
    expect(api.seen).toEqual([]);
    await octo.waitFor(/http: flow weather-api failed in block city-coordinates: no such key: atlantis/);
  }, 20_000);

  it("octo invoke --flow weather prints the JSON result and exits 0", async () => {
    const api = await stubOpenMeteo();
    const octo = startOcto(
      ["invoke", "--config", sample("weather"), "--flow", "weather", "--data", '{"city":"tokyo"}'],
      { WEATHER_API_URL: api.url },
    );
    let stdout = "";
    octo.child.stdout?.on("data", (d: Buffer) => {
      stdout += d.toString("utf8");
    });
    expect(await octo.exited).toEqual({ code: 0, signal: null });
    expect(JSON.parse(stdout)).toEqual({
      city: "tokyo",
      temperature: 21.75,
      unit: "°C",
      time: "2026-03-01T12:00",
    });
    expect(api.seen.map((s) => s.query)).toEqual([
      { latitude: "35.69", longitude: "139.69", current: "temperature_2m" },
    ]);
  }, 20_000);

  it("octo invoke with an unknown city exits non-zero with a one-line error", async () => {
    const api = await stubOpenMeteo();
    const octo = startOcto(
      ["invoke", "--config", sample("weather"), "--flow", "weather", "--data", '{"city":"atlantis"}'],
      { WEATHER_API_URL: api.url },
    );
    expect(await octo.exited).toEqual({ code: 1, signal: null });
    expect(octo.output()).toContain(
      "octo: flow weather failed in block city-coordinates: no such key: atlantis\n",
    );
    expect(api.seen).toEqual([]);
  }, 20_000);
});
