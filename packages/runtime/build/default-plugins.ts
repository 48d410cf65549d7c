// The default plugins ship inside the release bundle (their SDKs stay chunks loaded on first use).
import { bundlePlugins } from "../src/plugin/bundled.ts";

bundlePlugins({ "@octo/ai": () => import("@octo/ai") });
