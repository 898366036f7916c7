#!/usr/bin/env bash
# What a production machine does, on a clean copy of this checkout: install, build, then keep only the
# production dependencies and run the compiled `tributary` (no tsx, no TypeScript left).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
copy="$(mktemp -d)"
trap 'rm -rf "$copy"' EXIT
git -C "$root" ls-files -z | (cd "$root" && xargs -0 tar -cf - --no-recursion) | tar -xf - -C "$copy"
cd "$copy"
pnpm install --frozen-lockfile --prefer-offline
pnpm build
pnpm install --prod --frozen-lockfile --prefer-offline --config.confirmModulesPurge=false >/dev/null
if [ -e node_modules/tsx ] || [ -e node_modules/typescript ]; then echo "✗ development dependencies are still installed" >&2; exit 1; fi
node_modules/.bin/tributary --version
node_modules/.bin/tributary --help >/dev/null
echo "✓ the compiled tributary runs with production dependencies only"
