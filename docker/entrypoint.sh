#!/bin/sh
# Starts the app named by APP exactly as `npm start` does: `node --require tsx/cjs apps/$APP/src/main.ts`
# (the TypeScript is compiled in memory at start-up by tsx, which caches under $TMPDIR: a writable tmpfs).
# `exec` makes node the direct child of tini (PID 1), so SIGTERM from `docker stop` or the kubelet reaches
# the app, which stops taking work, drains in-flight jobs within LF_SHUTDOWN_TIMEOUT_MS and exits 0.
set -eu
cd "$(dirname "$0")/.." # /app in the image
app="${APP:-}"
case "$app" in
  '' | */* | .*) ok=no ;;
  *) if [ -f "apps/$app/src/main.ts" ]; then ok=yes; else ok=no; fi ;;
esac
if [ "$ok" != yes ]; then
  echo "entrypoint: APP='$app' is not an app of this image; set APP to one of:$(cd apps && for m in */src/main.ts; do printf ' %s' "${m%%/*}"; done)" >&2
  exit 64 # EX_USAGE
fi
exec node --require tsx/cjs "apps/$app/src/main.ts"
