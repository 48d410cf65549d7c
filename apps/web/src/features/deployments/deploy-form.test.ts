import { describe, expect, it } from "vitest";
import { INTEGRATION, V1, V2, versions, worker } from "./deploy-fixtures.ts";
import {
  baseDomainOf,
  buildCreateInput,
  canExpose,
  type DeployContext,
  type DeployFormState,
  deployProblems,
  exposedUrl,
  initialDeployForm,
  managedVars,
  parseReplicas,
  selectedVersionId,
  slugState,
  unboundRequired,
} from "./deploy-form.ts";
import type { DeployOptions } from "./types.ts";

const service: DeployOptions = {
  networked: true,
  envVars: [{ name: "GREETING" }],
  slug: "shop",
  slugValid: true,
  slugAvailable: true,
  baseDomain: "apps.example.com",
};
/** A networked version on an orchestrator without BASE_DOMAIN. */
const unexposable: DeployOptions = { ...service, baseDomain: null };

const form = (changes: Partial<DeployFormState> = {}): DeployFormState => ({
  ...initialDeployForm(),
  ...changes,
});
const context = (changes: Partial<DeployFormState>, options: DeployOptions = worker): DeployContext => {
  const f = form(changes);
  return { form: f, versionId: V1, options, slug: slugState(f, options, undefined) };
};

describe("versions and replicas", () => {
  it("defaults to the newest version and keeps a picked one that still exists", () => {
    expect(selectedVersionId(form(), versions)).toBe(V2);
    expect(selectedVersionId(form({ versionId: V1 }), versions)).toBe(V1);
    expect(selectedVersionId(form({ versionId: "gone" }), versions)).toBe(V2);
    expect(selectedVersionId(form(), [])).toBe("");
  });

  it("accepts whole numbers from 1 to 20 only", () => {
    expect(parseReplicas("1")).toBe(1);
    expect(parseReplicas("20")).toBe(20);
    expect(parseReplicas("0")).toBeUndefined();
    expect(parseReplicas("21")).toBeUndefined();
    expect(parseReplicas("2.5")).toBeUndefined();
    expect(parseReplicas("")).toBeUndefined();
  });

  it("asks for a version first when there is none", () => {
    const none = { ...context({}), versionId: "" };
    expect(deployProblems(none)).toEqual(["Tag a version first."]);
    expect(buildCreateInput(INTEGRATION, none)).toBeUndefined();
  });
});

describe("env bindings", () => {
  it("counts a required var as unbound until it has a value or a secret; its default does not count", () => {
    expect(unboundRequired(form(), worker)).toEqual(["API_TOKEN", "DB_URL"]);
    const bound = form({
      env: {
        API_TOKEN: { mode: "secret", secret: "TOKEN" },
        DB_URL: { mode: "value", value: "postgres://db" },
      },
    });
    expect(unboundRequired(bound, worker)).toEqual([]);
    // Choosing "secret" without picking one binds nothing.
    expect(unboundRequired(form({ env: { DB_URL: { mode: "secret", secret: "" } } }), worker)).toContain(
      "DB_URL",
    );
    expect(deployProblems(context({}))).toContain("API_TOKEN is required: bind a value or a secret.");
  });

  it("builds exactly the bindings chosen: a secret by name, a literal by value, empty ones left out", () => {
    const input = buildCreateInput(
      INTEGRATION,
      context({
        replicas: "3",
        env: {
          API_TOKEN: { mode: "secret", secret: "SHOP_TOKEN" },
          DB_URL: { mode: "value", value: "postgres://prod/db" },
          LOG_LEVEL: { mode: "value", value: "" },
        },
      }),
    );
    expect(input).toEqual({
      integrationId: INTEGRATION,
      versionId: V1,
      replicas: 3,
      env: { API_TOKEN: { secret: "SHOP_TOKEN" }, DB_URL: { value: "postgres://prod/db" } },
    });
  });

  it("ignores choices for vars the selected version does not declare", () => {
    const input = buildCreateInput(
      INTEGRATION,
      context({ env: { OLD_VAR: { mode: "value", value: "x" } } }, { networked: false, envVars: [] }),
    );
    expect(input?.env).toEqual({});
  });

  it("marks HTTP_PORT and HTTP_HOST managed for a networked version and never binds them", () => {
    expect(managedVars(service)).toEqual(["HTTP_PORT", "HTTP_HOST"]);
    expect(managedVars(worker)).toEqual([]);
    const input = buildCreateInput(
      INTEGRATION,
      context(
        { env: { HTTP_PORT: { mode: "value", value: "9999" } } },
        { ...service, envVars: [{ name: "HTTP_PORT" }] },
      ),
    );
    expect(input?.env).toEqual({});
  });
});

describe("slug", () => {
  const check = (slug: string, result: { slug: string; slugValid: boolean; slugAvailable: boolean }) => ({
    slug,
    result,
  });

  it("uses the server's suggestion while untouched and sends it", () => {
    const ctx = context({});
    expect(ctx.slug).toEqual({ kind: "none" });
    const networked = context({}, service);
    expect(networked.slug).toEqual({ kind: "suggested", slug: "shop" });
    expect(buildCreateInput(INTEGRATION, networked)).toEqual({
      integrationId: INTEGRATION,
      versionId: V1,
      replicas: 1,
      env: {},
      slug: "shop",
    });
  });

  it("is checking until an answer for the typed slug arrives, then available, taken or invalid", () => {
    const typed = form({ slug: "My Shop" });
    expect(slugState(typed, service, undefined)).toEqual({ kind: "checking" });
    // An answer for an earlier keystroke does not count.
    expect(
      slugState(typed, service, check("My Sho", { slug: "my-sho", slugValid: true, slugAvailable: true })),
    ).toEqual({
      kind: "checking",
    });
    expect(
      slugState(typed, service, check("My Shop", { slug: "my-shop", slugValid: true, slugAvailable: true })),
    ).toEqual({ kind: "available", slug: "my-shop" });
    expect(
      slugState(typed, service, check("My Shop", { slug: "my-shop", slugValid: true, slugAvailable: false })),
    ).toEqual({ kind: "taken", slug: "my-shop" });
    expect(
      slugState(
        form({ slug: "!!!" }),
        service,
        check("!!!", { slug: "", slugValid: false, slugAvailable: false }),
      ),
    ).toEqual({ kind: "invalid" });
    expect(slugState(typed, service, { slug: "My Shop", error: new Error("offline") }).kind).toBe("error");
  });

  it("blocks deploy while the slug is taken, and sends the normalized slug once it is free", () => {
    const typed = form({ slug: "My Shop", expose: true });
    const taken = slugState(
      typed,
      service,
      check("My Shop", { slug: "my-shop", slugValid: true, slugAvailable: false }),
    );
    const blocked = { form: typed, versionId: V1, options: service, slug: taken };
    expect(deployProblems(blocked)).toEqual(["The slug my-shop is taken."]);
    expect(buildCreateInput(INTEGRATION, blocked)).toBeUndefined();

    const free = slugState(
      typed,
      service,
      check("My Shop", { slug: "my-shop", slugValid: true, slugAvailable: true }),
    );
    expect(buildCreateInput(INTEGRATION, { ...blocked, slug: free })).toMatchObject({
      slug: "my-shop",
      expose: true,
    });
  });

  it("leaves the slug to the server when blanked", () => {
    const blank = form({ slug: "  " });
    const state = slugState(blank, service, undefined);
    expect(state).toEqual({ kind: "auto", slug: "shop" });
    const input = buildCreateInput(INTEGRATION, {
      form: blank,
      versionId: V1,
      options: service,
      slug: state,
    });
    expect(input && "slug" in input).toBe(false);
  });

  it("never exposes a version without an address", () => {
    const input = buildCreateInput(INTEGRATION, context({ expose: true }, { networked: false, envVars: [] }));
    expect(input && "expose" in input).toBe(false);
  });

  it("takes the base domain from the options and builds the external URL the server would", () => {
    expect(baseDomainOf(service)).toBe("apps.example.com");
    expect(baseDomainOf(unexposable)).toBeNull();
    expect(baseDomainOf(worker)).toBeNull();
    expect(baseDomainOf(undefined)).toBeNull();
    expect(exposedUrl("shop", "apps.example.com")).toBe("https://shop.apps.example.com");
  });

  it("offers exposing only for a networked version on an orchestrator with BASE_DOMAIN", () => {
    expect(canExpose(service)).toBe(true);
    expect(canExpose(unexposable)).toBe(false);
    expect(canExpose(worker)).toBe(false);
    expect(buildCreateInput(INTEGRATION, context({ expose: true }, service))).toMatchObject({
      slug: "shop",
      expose: true,
    });
    // A tick left over from a version that could be exposed is not sent.
    const input = buildCreateInput(INTEGRATION, context({ expose: true }, unexposable));
    expect(input).toEqual({ integrationId: INTEGRATION, versionId: V1, replicas: 1, env: {}, slug: "shop" });
  });
});
