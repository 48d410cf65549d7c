import { fileURLToPath } from "node:url";
import type { NextConfig } from "next";

const config: NextConfig = {
  // Type errors are caught by `npm test` (tsc over the whole workspace, TypeScript 7), not by next build.
  typescript: { ignoreBuildErrors: true },
  poweredByHeader: false,
  // A server.js with only the files it needs (scripts/ensure-build.mjs, the platform image);
  // traced from the repository root, where pnpm keeps the packages.
  output: "standalone",
  outputFileTracingRoot: fileURLToPath(new URL("../..", import.meta.url)),
  reactStrictMode: true,
};

export default config;
