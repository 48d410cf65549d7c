#!/usr/bin/env node
// `octo-healthcheck <url>`: the images' HEALTHCHECK (and compose's). Exit 0 when the URL answers
// 2xx with a JSON body, else 1 with one line on stderr saying why. No shell, curl or wget needed:
// the images' Node does the request. Written without imports or top-level await so that it runs
// the same whether Node takes it for a CommonJS or an ES module (it is installed without extension).
const url = process.argv[2];
const timeoutMs = Number(process.env.HEALTHCHECK_TIMEOUT_MS || 3000);

function fail(message) {
  process.stderr.write(`octo-healthcheck: ${message}\n`);
  process.exit(1);
}

if (!url || !/^https?:\/\//.test(url)) {
  process.stderr.write("usage: octo-healthcheck <http(s) URL>\n");
  process.exit(2);
}

fetch(url, { signal: AbortSignal.timeout(timeoutMs) })
  .then(async (res) => {
    const text = await res.text();
    if (!res.ok) return fail(`${url} answered ${res.status}: ${text.slice(0, 200)}`);
    try {
      JSON.parse(text);
    } catch {
      return fail(`${url} answered ${res.status} without a JSON body`);
    }
    process.exit(0);
  })
  .catch((e) => fail(`${url}: ${e.cause?.code ?? e.name ?? "error"} (${e.message})`));
