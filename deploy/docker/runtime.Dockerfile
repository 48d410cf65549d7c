# syntax=docker/dockerfile:1.7
# The runtime image: `octo run --config /etc/octo/integrations` serves every integration file
# mounted there (the Kubernetes driver mounts a deployment's YAML at that path). Build from the
# repository root:  docker build -f deploy/docker/runtime.Dockerfile -t octo-runtime:<version> .
# Only the release bundle (packages/runtime/dist, the AI plugin inside) and the one package it
# loads by name reach the final stage: no sources, no pnpm, no dev dependencies.

ARG NODE_VERSION=24.21.0
ARG PNPM_VERSION=10.34.9

FROM node:${NODE_VERSION}-bookworm-slim AS build
ARG PNPM_VERSION
RUN npm install --global --no-audit --no-fund pnpm@${PNPM_VERSION}
WORKDIR /src
# Dependencies first, from the lockfile alone: this layer is reused until the lockfile changes.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch
COPY . .
RUN pnpm install --offline --frozen-lockfile --filter @octo/runtime --filter @octo/ai
RUN pnpm --filter @octo/runtime build
RUN node deploy/docker/runtime-bundle.ts /out \
 && cd /out && npm install --omit=dev --no-audit --no-fund --no-package-lock

FROM node:${NODE_VERSION}-bookworm-slim
ARG OCTO_VERSION=0.1.0
LABEL org.opencontainers.image.title="octo-runtime" \
      org.opencontainers.image.description="Octo runtime: runs YAML integrations (octo run)" \
      org.opencontainers.image.version="${OCTO_VERSION}" \
      org.opencontainers.image.licenses="Apache-2.0"
ENV NODE_ENV=production \
    OCTO_CLI=/opt/octo/dist/octo.js \
    OCTO_MANAGEMENT_PORT=9464 \
    OCTO_LOG_FORMAT=json
COPY --from=build /out /opt/octo
COPY --chmod=0755 deploy/docker/octo /usr/local/bin/octo
COPY --chmod=0755 deploy/docker/healthcheck.mjs /usr/local/bin/octo-healthcheck
RUN mkdir -p /etc/octo/integrations
USER node
WORKDIR /home/node
EXPOSE 8080 9464
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
  CMD ["octo-healthcheck", "http://127.0.0.1:9464/healthz"]
ENTRYPOINT ["octo"]
CMD ["run", "--config", "/etc/octo/integrations"]
