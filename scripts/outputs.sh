#!/usr/bin/env bash
# Byte-identical output check for refactors.
#
#   scripts/outputs.sh snapshot DIR [BIN]   run the reference set with BIN (default
#                                           target/release/ecsim, built first) into DIR
#   scripts/outputs.sh explain DIR [BIN]    add `ecsim explain` of each bundled scenario's
#                                           folder (NAME.explain.txt) to an older snapshot
#   scripts/outputs.sh diff A B [KEY...]    compare two snapshots file by file; exit 1 on any
#                                           difference. Each KEY is a JSON object key dropped
#                                           from every report.json before comparing (fields a
#                                           change adds on purpose); every other byte must agree.
#
# The reference set: every bundled scenario (`ecsim list`) with its charts and placements
# explained, the bench-*-quick scenarios, and bench-large over 2 days without charts — each at
# its own seed, into DIR/<name>/, with what `ecsim explain --limit 0` says of each bundled
# scenario's folder in DIR/<name>.explain.txt. The folder lock (.ecsim.lock, which names the process) is
# left out of the comparison.
set -euo pipefail
cd "$(dirname "$0")/.."

snapshot() {
    local dir=$1 bin=${2:-}
    if [[ -z $bin ]]; then
        cargo build --release --quiet
        bin=target/release/ecsim
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    local name
    for name in $("$bin" list | awk '{print $1}'); do
        "$bin" run "$name" -q --explain-placement --out "$dir/$name"
    done
    explain "$dir" "$bin"
    for f in scenarios/bench-*-quick.json; do
        name=$(basename "$f" .json)
        "$bin" run "$f" -q --out "$dir/$name"
    done
    "$bin" run scenarios/bench-large.json -q --no-charts --duration 2d --out "$dir/bench-large-2d"
    echo "snapshot of $(find "$dir" -type f ! -name .ecsim.lock | wc -l) files in $dir"
}

# What `ecsim explain` says of each bundled scenario's folder, beside it as NAME.explain.txt
# (also run alone, `scripts/outputs.sh explain DIR [BIN]`, to add it to an older snapshot).
explain() {
    local dir=$1 bin=${2:-} name
    bin=${bin:-target/release/ecsim}
    bin=$(realpath "$bin")
    # From inside DIR, so the `folder` line names the scenario, not where the snapshot is.
    for name in $("$bin" list | awk '{print $1}'); do
        (cd "$dir" && "$bin" explain "$name" --limit 0 >"$name.explain.txt")
    done
}

differ() {
    local a=$1 b=$2
    shift 2
    python3 - "$a" "$b" "$@" <<'EOF'
import json, os, sys
a, b, keys = sys.argv[1], sys.argv[2], set(sys.argv[3:])

def files(root):
    out = set()
    for d, _, names in os.walk(root):
        for n in names:
            if n != ".ecsim.lock":
                out.add(os.path.relpath(os.path.join(d, n), root))
    return out

def strip(v):
    if isinstance(v, dict):
        return {k: strip(x) for k, x in v.items() if k not in keys}
    if isinstance(v, list):
        return [strip(x) for x in v]
    return v

fa, fb = files(a), files(b)
bad = 0
for f in sorted(fa ^ fb):
    print(f"only in {a if f in fa else b}: {f}")
    bad += 1
for f in sorted(fa & fb):
    x = open(os.path.join(a, f), "rb").read()
    y = open(os.path.join(b, f), "rb").read()
    if x == y:
        continue
    if keys and os.path.basename(f) == "report.json":
        if strip(json.loads(x)) == strip(json.loads(y)):
            continue
    print(f"differs: {f}")
    bad += 1
print(f"{len(fa & fb)} files compared, {bad} differences")
sys.exit(1 if bad else 0)
EOF
}

case ${1:-} in
    snapshot) snapshot "${2:?DIR}" "${3:-}" ;;
    explain) explain "${2:?DIR}" "${3:-}" ;;
    diff) differ "${2:?A}" "${3:?B}" "${@:4}" ;;
    *) sed -n '2,16p' "$0"; exit 2 ;;
esac
