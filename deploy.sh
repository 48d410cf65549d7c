#!/usr/bin/env bash
# One script for the Octo stack of compose.yaml (needs Docker with the compose plugin), and for
# the project's checks (need only Node). Run ./deploy.sh help.
set -euo pipefail
cd "$(dirname "$0")"

DOCKER="${DOCKER:-docker}"
# What ./deploy.sh dev starts without --sso / --observability.
CORE_SERVICES=(postgres orchestrator web runtime)

help() {
  cat <<'USAGE'
Usage: ./deploy.sh <command> [options]

  dev [--build] [--wait] [--timeout s] [--sso] [--observability]
                  start the whole stack (postgres, orchestrator, web, a sample runtime) in the
                  background; creates .env with fresh random secrets when it is missing.
                  --build          build the images from this checkout first
                  --wait           return only when every service is healthy
                  --timeout s      how long --wait waits (default 180)
                  --sso            add Dex and sign-in (deploy/compose/sso.yaml, profile sso)
                  --observability  add Prometheus (:9090) and Grafana (:3001)
  infra           start only Postgres (for `npm start` with DATABASE_URL, or the tests)
  down            stop and remove the stack's containers (named volumes, i.e. data, are kept)
  check           format, lint and type checks and the unit and integration tests (no browser)
  test            everything `npm test` runs, the browser (e2e) suite included
  logs [service]  follow the logs of every service, or of one
  status          the services, their state and health
  help            this text

Images are tagged with OCTO_VERSION (default: this checkout's version); set it to an older
release to roll back: OCTO_VERSION=<older version> ./deploy.sh dev --wait
USAGE
}

die() {
  echo "deploy.sh: $*" >&2
  exit 2
}

files=(-f compose.yaml)
profiles=()

compose() {
  command -v "$DOCKER" >/dev/null 2>&1 ||
    die "'$DOCKER' not found: install Docker (with the compose plugin), or run without containers: npm start"
  "$DOCKER" compose "${files[@]}" "${profiles[@]}" "$@"
}

# .env from .env.example: every empty KEY= gets a fresh random value (base64 of 32 bytes for keys,
# hex for passwords, which end up in URLs). An existing .env is never touched.
ensure_env() {
  [[ -f .env ]] && return 0
  [[ -f .env.example ]] || die ".env.example is missing"
  local line key value
  umask 077
  while IFS= read -r line || [[ -n "$line" ]]; do
    if [[ "$line" =~ ^([A-Z_][A-Z0-9_]*)=$ ]]; then
      key="${BASH_REMATCH[1]}"
      case "$key" in
        *_KEY | *_SECRET) value="$(head -c 32 /dev/urandom | base64 | tr -d '\n')" ;;
        *) value="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" ;;
      esac
      line="$key=$value"
    fi
    printf '%s\n' "$line"
  done <.env.example >.env
  echo "deploy.sh: wrote .env with fresh secrets (keep a copy of OCTO_ENCRYPTION_KEY)"
}

# The checkout's release version, unless OCTO_VERSION picks another (compose.yaml reads it).
version() {
  sed -n 's/^  "version": "\([^"]*\)".*/\1/p' package.json | head -n 1
}

dev() {
  local build=false wait=false timeout=180 services=("${CORE_SERVICES[@]}")
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --build) build=true ;;
      --wait) wait=true ;;
      --timeout)
        [[ "${2:-}" =~ ^[0-9]+$ ]] || die "--timeout needs a number of seconds"
        timeout="$2"
        shift
        ;;
      --sso)
        files+=(-f deploy/compose/sso.yaml)
        profiles+=(--profile sso)
        services+=(oidc)
        ;;
      --observability)
        profiles+=(--profile observability)
        services+=(prometheus grafana)
        ;;
      *) die "dev: unknown option '$1' (see ./deploy.sh help)" ;;
    esac
    shift
  done
  ensure_env
  export OCTO_VERSION="${OCTO_VERSION:-$(version)}"
  local up=(up --detach --remove-orphans)
  $build && up+=(--build)
  $wait && up+=(--wait --wait-timeout "$timeout")
  compose "${up[@]}" "${services[@]}"
  echo "deploy.sh: Octo $OCTO_VERSION — web http://localhost:3000, API http://localhost:8090/trpc"
  # With --sso the API must refuse calls without a token; without it the stack runs open.
  local open=--allow-open
  [[ " ${services[*]} " == *" oidc "* ]] && open=""
  if $wait; then ./scripts/smoke.sh "${OCTO_WEB_URL:-http://localhost:3000}" $open; fi
}

command="${1:-help}"
[[ $# -gt 0 ]] && shift
case "$command" in
  dev) dev "$@" ;;
  infra)
    [[ $# -eq 0 ]] || die "infra takes no options"
    ensure_env
    compose up --detach --wait postgres
    echo "deploy.sh: Postgres on 127.0.0.1:5432 (user octo, password POSTGRES_PASSWORD in .env)"
    ;;
  down)
    [[ $# -eq 0 ]] || die "down takes no options"
    # Every profile, so that Dex, Prometheus and Grafana stop too.
    files+=(-f deploy/compose/sso.yaml)
    profiles+=(--profile sso --profile observability)
    compose down --remove-orphans
    ;;
  check) exec npm run -s check ;;
  test) exec npm test ;;
  logs)
    [[ $# -le 1 ]] || die "logs takes at most one service"
    compose logs --follow --tail 200 "$@"
    ;;
  status) compose ps --all --format "table {{.Service}}\t{{.State}}\t{{.Health}}\t{{.Ports}}" ;;
  help | -h | --help) help ;;
  *)
    help >&2
    die "unknown command '$command'"
    ;;
esac
