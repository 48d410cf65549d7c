# syntax=docker/dockerfile:1.7
# The platform image: the web app, the orchestrator and the `octo` runtime in one image.
#   docker run -p 3000:3000 -v octo-data:/data octo-platform:<version>
# is the editor on one machine (PGlite in /data, the local driver: RUN and deployments are
# processes inside the container). The same image runs one part each in the compose stack and
# the Helm chart: `node scripts/start.mjs orchestrator` or `node scripts/start.mjs web`.
# Build from the repository root:  docker build -f deploy/docker/platform.Dockerfile -t octo-platform:<version> .

ARG NODE_VERSION=24.21.0
ARG PNPM_VERSION=10.34.9

FROM node:${NODE_VERSION}-bookworm-slim AS build
ARG PNPM_VERSION
RUN npm install --global --no-audit --no-fund pnpm@${PNPM_VERSION}
WORKDIR /app
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch
COPY . .
RUN pnpm install --offline --frozen-lockfile
# The web app's production build — Next's standalone server with the files it needs traced beside
# it, stamped with its sources' hash so start.mjs never rebuilds it — and the runtime's release
# bundle (`octo` in the image).
RUN node apps/web/scripts/ensure-build.mjs \
 && pnpm --filter @octo/runtime build \
 && rm -rf apps/web/.next/cache
# Production dependencies of everything but the web app, which runs from its standalone output:
# a fresh install (pruning in place would keep every dev package in node_modules/.pnpm). Next.js
# itself comes along only as @trpc/server's optional peer, which the orchestrator never loads
# (its Next adapter): it goes, with its compiler.
RUN find . -path ./apps/web/.next -prune -o -name node_modules -type d -prune -exec rm -rf {} + \
 && pnpm install --offline --frozen-lockfile --prod --filter "!@octo/web" \
 && rm -rf node_modules/.pnpm/next@* node_modules/.pnpm/@next+swc-*

FROM node:${NODE_VERSION}-bookworm-slim
ARG OCTO_VERSION=0.1.0
LABEL org.opencontainers.image.title="octo-platform" \
      org.opencontainers.image.description="Octo platform: web editor, orchestrator and runtime" \
      org.opencontainers.image.version="${OCTO_VERSION}" \
      org.opencontainers.image.licenses="Apache-2.0"
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    OCTO_CLI=/app/packages/runtime/dist/octo.js \
    OCTO_DATA_DIR=/data \
    WEB_HOST=0.0.0.0 \
    WEB_PORT=3000
WORKDIR /app
COPY --from=build /app /app
COPY --chmod=0755 deploy/docker/octo /usr/local/bin/octo
COPY --chmod=0755 deploy/docker/healthcheck.mjs /usr/local/bin/octo-healthcheck
# The code stays root's; only the data and Next's cache are the app user's.
RUN mkdir -p /data /app/apps/web/.next/cache \
 && chown node:node /data /app/apps/web/.next/cache
USER node
VOLUME ["/data"]
EXPOSE 3000 8090
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["octo-healthcheck", "http://127.0.0.1:3000/readyz"]
CMD ["node", "scripts/start.mjs"]
