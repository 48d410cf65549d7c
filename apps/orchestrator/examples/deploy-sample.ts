// A typed API client at work: lists the integrations, tags one, deploys it with env bindings,
// waits until it runs (live status over SSE), calls it, scales it, and undeploys it again.
//   node apps/orchestrator/examples/deploy-sample.ts [url] [integration] [path] [NAME=value …]
// Defaults: http://127.0.0.1:8090, error-handling, /stock/A-1. OCTO_API_KEY is sent when set.
import { createOctoClient } from "../src/client/index.ts";

const [url = "http://127.0.0.1:8090", name = "error-handling", path = "/stock/A-1", ...bindings] =
  process.argv.slice(2);
const api = createOctoClient({ url, apiKey: process.env.OCTO_API_KEY });

const all = await api.integrations.list.query();
console.log(`integrations: ${all.map((i) => i.name).join(", ")}`);
const integration = all.find((i) => i.name === name);
if (!integration) throw new Error(`no integration named ${name}`);

const version = await api.versions.create.mutate({
  integrationId: integration.id,
  tag: `example-${Date.now()}`,
});
const env = Object.fromEntries(
  bindings.map((b) => {
    const [key = "", ...value] = b.split("=");
    return [key, { value: value.join("=") }];
  }),
);
const deployment = await api.deployments.create.mutate({
  integrationId: integration.id,
  versionId: version.id,
  env,
});
console.log(`deployed ${name} ${version.tag} as ${deployment.id}`);

const running = await new Promise<{ url?: string | undefined }>((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error("not running within 30 s")), 30_000);
  const sub = api.deployments.watch.subscribe(
    { integrationId: integration.id },
    {
      onData: ({ data }) => {
        const d = data.find((x) => x.id === deployment.id);
        console.log(`status: ${d?.status} (${d?.readyReplicas}/${d?.desiredReplicas} ready)`);
        if (d?.status === "running") {
          clearTimeout(timer);
          sub.unsubscribe();
          resolve(d);
        }
        if (d?.status === "failed") reject(new Error(`failed: ${d.reason}`));
      },
      onError: reject,
    },
  );
});
const answer = await fetch(`${running.url}${path}`);
console.log(`GET ${path} → ${answer.status} ${await answer.text()}`);

const scaled = await api.deployments.scale.mutate({ id: deployment.id, replicas: 2 });
console.log(`scaled: ${scaled.readyReplicas}/${scaled.desiredReplicas} ready`);
await api.deployments.delete.mutate({ id: deployment.id });
console.log("undeployed");
