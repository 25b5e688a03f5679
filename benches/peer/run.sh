#!/bin/sh
# ecsim against the reference SimPy model (simpy/fargate.py) on the same scenario
# (fargate-50x3d.json: 50 Fargate services x 3 days, CPU target tracking), in one run: wall
# and user time of each (GNU time), the ratio, and the two models' task counts and cost side by
# side (they should agree within a few per cent: the same rules, different random draws).
# SimPy is installed from PyPI into a venv under target/ on first use (never by cargo test).
#
#   benches/peer/run.sh [SCENARIO]     (default benches/peer/fargate-50x3d.json)
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
scenario=${1:-benches/peer/fargate-50x3d.json}
venv=target/peer-venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import simpy' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q simpy
fi
cargo build --release -q
out=$(mktemp -d "${TMPDIR:-/tmp}/ecsim-peer.XXXXXX")
# ecsim writes its report, the CSVs and report.html (no charts: the SimPy model draws none).
/usr/bin/time -f '%e %U' -o "$out/ecsim.time" \
    target/release/ecsim run "$scenario" --no-charts -q --out "$out/ecsim"
/usr/bin/time -f '%e %U' -o "$out/simpy.time" \
    "$venv/bin/python" benches/peer/simpy/fargate.py "$scenario" "$out/simpy" >"$out/simpy.json"
python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
e_wall, e_user = map(float, open(f"{out}/ecsim.time").read().split()[-2:])
s_wall, s_user = map(float, open(f"{out}/simpy.time").read().split()[-2:])
report = json.load(open(f"{out}/ecsim/report.json"))
simpy = json.load(open(f"{out}/simpy.json"))
print(f"            wall s   user s")
print(f"ecsim     {e_wall:8.2f} {e_user:8.2f}   events {report['engine']['events']}, tasks {report['engine']['tasks_created']}, cost ${report['cost']['total_usd']:.2f}")
print(f"SimPy     {s_wall:8.2f} {s_user:8.2f}   tasks {simpy['tasks_created']}, task-hours {simpy['task_hours']}, cost ${simpy['cost_usd']}")
print(f"SimPy / ecsim: wall {s_wall / max(e_wall, 0.01):.1f}x, user {s_user / max(e_user, 0.01):.1f}x")
PY
echo "outputs in $out"
