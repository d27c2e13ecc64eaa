#!/usr/bin/env bash
# `npm run test:unit`: the engine, CLI and renderer tests (node:test). With LATENT_TEST_ALONE=1
# (as .ci/run sets it) they run in a copy of the repository's tracked files that has nothing
# beside it: a clone alone must pass them (no shared folder next to it, which only bench/ may read).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

run_tests() { node --import tsx --test --test-reporter=spec $(find test/unit -name '*.test.ts' | sort); }

if [ "${LATENT_TEST_ALONE:-}" != 1 ]; then
  run_tests
  exit
fi
alone="$(mktemp -d)/latent"
trap 'rm -rf "$(dirname "$alone")"' EXIT
mkdir -p "$alone"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  git ls-files -z | tar --null -T - -cf - | tar -xf - -C "$alone"
else
  tar --exclude=./node_modules --exclude=./test/e2e/node_modules -cf - . | tar -xf - -C "$alone"
fi
ln -s "$PWD/node_modules" "$alone/node_modules"
echo "unit tests in $alone (nothing beside it)" >&2
cd "$alone"
[ "$(ls -A ..)" = latent ]
run_tests
