#!/bin/sh
# run.sh - the experiments suite of `make test` (tests/run.sh): tools/exp/run's smallest point
# sets (--smoke) run and give the CSVs their descriptions promise; a rerun gives the same
# non-host columns; resume skips finished points; bad input is one line and status 2.
#   sh tests/exp/run.sh BUILD
set -u
build=${1:-build}
cd "$(dirname "$0")/../.." || exit 1
py=python3
# Debian's matplotlib is /usr/bin/python3's; prefer it so the plots are checked too.
[ -x /usr/bin/python3 ] && py=/usr/bin/python3
run="$py tools/exp/run"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/exp-test.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0 passed=0 failed=0
ok() { n=$((n + 1)); passed=$((passed + 1)); echo "ok $n - $1"; }
bad() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1: $2"; }

# check_csv EXP OUT: the CSV's header is the description's columns and it has a row a point.
check_csv() {
	$py - "$1" "$2" "$build" <<'PY'
import csv, json, subprocess, sys
exp, out, build = sys.argv[1:]
d = json.loads(subprocess.run([sys.executable, "tools/exp/run", exp, "--smoke", "--describe", "--build", build],
                              capture_output=True, text=True, check=True).stdout)
with open(f"{out}/{exp}.csv", newline="") as f:
    rows = list(csv.reader(f))
# Independently of the runner: every axis, 'set', collect and relative name is a column.
desc = json.load(open(f"tools/exp/experiments/{exp}.json"))
names = list(desc["axes"]) + list(desc.get("set", {})) + [c["name"] for c in desc["collect"]] \
    + [r["name"] for r in desc.get("relative", [])] + ["experiment", "point", "version", "command", "host_wall_s"]
if rows[0] != d["columns"] or sorted(rows[0]) != sorted(set(names)):
    sys.exit(f"columns {rows[0]} are not {d['columns']}")
if len(rows) - 1 != len(d["points"]):
    sys.exit(f"{len(rows) - 1} rows for {len(d['points'])} points")
h = [i for i, c in enumerate(rows[0]) if c.startswith("host_")]
if h and min(h) < max(i for i, c in enumerate(rows[0]) if not c.startswith("host_")):
    sys.exit("host_ columns are not kept together at the end")
empty = [rows[0][i] for r in rows[1:] for i, v in enumerate(r) if v == ""]
if empty:
    sys.exit(f"empty values: {sorted(set(empty))}")
PY
}

# non_host CSV: the CSV without its host_ columns.
non_host() {
	$py -c 'import csv,sys
rows = list(csv.reader(open(sys.argv[1])))
keep = [i for i, c in enumerate(rows[0]) if not c.startswith("host_")]
for r in rows: print(",".join(r[i] for i in keep))' "$1"
}

exps=$($run --list | awk '$2 != "to" { print $1 }')
for e in $exps; do
	if ! msg=$($run "$e" --smoke -j 2 --build "$build" --out "$tmp/a" 2>&1); then
		bad "$e: --smoke runs" "$(echo "$msg" | grep -i fail | head -1)"
		continue
	fi
	ok "$e: --smoke runs"
	if why=$(check_csv "$e" "$tmp/a" 2>&1); then ok "$e: the CSV has the promised columns and rows"
	else bad "$e: the CSV has the promised columns and rows" "$why"; fi
done

# A rerun into a new directory: the same non-host columns (the virtual clock's figures).
for e in $exps; do
	if $run "$e" --smoke -j 2 --build "$build" --out "$tmp/b" >/dev/null 2>&1 &&
			non_host "$tmp/a/$e.csv" > "$tmp/a.txt" && non_host "$tmp/b/$e.csv" > "$tmp/b.txt" &&
			cmp -s "$tmp/a.txt" "$tmp/b.txt"; then
		ok "$e: a rerun gives identical non-host columns"
	else
		bad "$e: a rerun gives identical non-host columns" "$(diff "$tmp/a.txt" "$tmp/b.txt" 2>&1 | head -3)"
	fi
done

# Resume: a second run in the same directory runs no point again (result.json untouched).
before=$(ls -l --time-style=+%s.%N "$tmp"/a/nic/points/*/result.json | md5sum)
out=$($run nic --smoke --build "$build" --out "$tmp/a" 2>&1)
after=$(ls -l --time-style=+%s.%N "$tmp"/a/nic/points/*/result.json | md5sum)
if [ "$before" = "$after" ] && echo "$out" | grep -q "skipped" && ! echo "$out" | grep -q "ran in"; then
	ok "resume skips finished points"
else bad "resume skips finished points" "$(echo "$out" | head -3)"; fi
# ... and a point removed is the one run again; --point runs one point alone.
p=$(ls "$tmp/a/nic/points" | head -1)
rm "$tmp/a/nic/points/$p/result.json"
out=$($run nic --smoke --build "$build" --out "$tmp/a" 2>&1)
if [ "$(echo "$out" | grep -c "ran in")" = 1 ] && [ -f "$tmp/a/nic/points/$p/result.json" ]; then
	ok "resume reruns only the unfinished point"
else bad "resume reruns only the unfinished point" "$(echo "$out" | head -3)"; fi
if $run nic --smoke --point "$p" --force --build "$build" --out "$tmp/c" >/dev/null 2>&1 &&
		[ -f "$tmp/c/nic/points/$p/result.json" ] && [ "$(ls "$tmp/c/nic/points")" = "$p" ]; then
	ok "--point runs one point on its own"
else bad "--point runs one point on its own" "no result in $tmp/c"; fi

# Bad input: one line, status 2.
one_line_2() { # NAME CMD...
	name=$1; shift
	msg=$("$@" 2>&1); st=$?
	if [ $st = 2 ] && [ "$(echo "$msg" | wc -l)" = 1 ] && echo "$msg" | grep -q -e "$pat"; then ok "$name"
	else bad "$name" "status $st: $msg"; fi
}
pat="nosuch" one_line_2 "a bad experiment name is one line, status 2" $run nosuch --build "$build"
mkdir -p "$tmp/descs"
cp tools/exp/experiments/nic.json "$tmp/descs/"
printf '{"name": "broken", "title": "x", "axes": {"vms": [1]}, "command": "{nosuch}", "collect": [{"name": "a", "from": "summary", "path": "vms"}]}\n' > "$tmp/descs/broken.json"
pat="broken.json.*nosuch" one_line_2 "a malformed description is one line, status 2" \
	$run nic --experiments-dir "$tmp/descs" --build "$build"
printf '{"name": "broken", "title": "x", "axes": {"vms": [1]}, "command": "x", "collect": [{"name": "wall", "from": "summary", "path": "host.wall_seconds"}]}\n' > "$tmp/descs/broken.json"
pat="host_wall" one_line_2 "a host figure not named host_ is refused" \
	$run nic --experiments-dir "$tmp/descs" --build "$build"
pat="-j" one_line_2 "a bad parameter (-j x) is one line, status 2" $run nic -j x --build "$build"
pat="bogus" one_line_2 "a bad parameter (--set) is one line, status 2" $run nic --set bogus=1 --build "$build"
pat="point" one_line_2 "a bad --point is one line, status 2" $run nic --point nosuch --build "$build"

echo "$passed passed, $failed failed"
[ $failed = 0 ]
