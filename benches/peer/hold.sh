#!/bin/sh
# The hold model on ecsim's engine, SimCore and a bare BinaryHeap: criterion medians in events/s
# at 1,000, 10,000 and 100,000 pending events. Run from anywhere; needs cargo and the network
# once (SimCore from crates.io). SimCore builds in its own project (simcore-hold/, target dir
# simcore-hold/target), never in ecsim's.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
table=$root/target/hold-delays.txt
mkdir -p "$root/target"
cd "$root"
# ecsim's bench writes its delay table (and measures nothing) ...
ECSIM_HOLD_DELAYS=$table cargo bench --bench engine -q
# ... which SimCore's bench reads.
echo "== ecsim: engine queue vs bare heap"
cargo bench --bench engine -- "$@" 2>&1 | tee "$root/target/hold-ecsim.txt" | grep -E '^hold/|thrpt'
echo "== SimCore vs bare heap"
(cd benches/peer/simcore-hold && ECSIM_HOLD_DELAYS=$table cargo bench --bench hold -- "$@") 2>&1 \
  | tee "$root/target/hold-simcore.txt" | grep -E '^hold/|thrpt'
# The medians (the middle figure of criterion's thrpt line), side by side.
python3 - "$root/target/hold-ecsim.txt" "$root/target/hold-simcore.txt" <<'PY'
import re, sys
rate = {}
for path in sys.argv[1:]:
    name = None
    for line in open(path):
        m = re.match(r"^(hold/n=\d+)/(\w+)", line)
        if m:
            name = (m.group(1), m.group(2) + ("" if "ecsim" in path or m.group(2) != "binary_heap" else "@simcore"))
        m = re.search(r"thrpt:\s+\[\S+ \S+ (\S+) (\S)elem/s", line)
        if m and name:
            rate[name] = float(m.group(1)) * {"K": 1e3, "M": 1e6, "G": 1e9}[m.group(2)]
            name = None
print(f"{'pending':>8} {'bare heap':>10} {'engine':>10} {'SimCore':>10} {'eng/bare':>9} {'eng/SimCore':>11} (Mevents/s; bare heap of ecsim's run)")
for n in ("1000", "10000", "100000"):
    g = f"hold/n={n}"
    b, e, s = rate.get((g, "binary_heap")), rate.get((g, "engine_queue")), rate.get((g, "simcore"))
    if None in (b, e, s):
        continue
    print(f"{n:>8} {b/1e6:>10.2f} {e/1e6:>10.2f} {s/1e6:>10.2f} {e/b:>9.2f} {e/s:>11.2f}")
PY
