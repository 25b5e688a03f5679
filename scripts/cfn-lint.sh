#!/bin/sh
# Installs cfn-lint (AWS's CloudFormation linter, from PyPI) into target/cfn-lint-venv on first
# use, for the test that lints the template `ecsim export` writes for every bundled scenario
# (tests/it/export.rs). .ci/run calls it; `cargo test` never installs anything.
set -eu
cd "$(dirname "$0")/.."
venv=target/cfn-lint-venv
if [ ! -x "$venv/bin/cfn-lint" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q cfn-lint
fi
"$venv/bin/cfn-lint" --version
