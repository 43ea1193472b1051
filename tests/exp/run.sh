#!/bin/sh
# run.sh - the experiments suite of `make test` (tests/run.sh): tools/exp/run's smallest point
# sets (--smoke) run and give the CSVs their descriptions promise; a rerun gives the same
# non-host columns; resume skips finished points; a description's 'repeat' runs each point that
# many times, its host_ columns the medians; --results puts each plot beside the results file,
# the same bytes on every rerun; bad input is one line and status 2.
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
    + [r["name"] for r in desc.get("relative", [])] + ["experiment", "point", "version", "command", "host_wall_s"] \
    + (["repeats"] if "repeat" in desc else [])
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

# Repeats: a tiny experiment of its own (hello.elf: milliseconds a run) in a temp descriptions
# dir. Each point runs 3 times (quick's count: smoke falls back to it); the CSV's host_ columns
# are the medians of the runs' own figures, read here from each run's summary.json.
mkdir -p "$tmp/rep"
cat > "$tmp/rep/rep.json" <<'JSON'
{"name": "rep", "title": "Repeats", "axes": {"vms": [1, 2]}, "repeat": {"quick": 3, "full": 5},
 "command": "--vms {vms} --mem 1M {guests}/hello.elf",
 "collect": [{"name": "instructions", "from": "summary", "path": "instructions"},
             {"name": "host_wall", "from": "summary", "path": "host.wall_seconds"},
             {"name": "host_ns_per_insn", "expr": "host_wall * 1e9 / instructions"}],
 "plot": {"x": "vms", "y": ["host_wall"]}}
JSON
# ... one whose non-host column moves between runs (ticker's host-clock times: never the same) ...
cat > "$tmp/rep/moving.json" <<'JSON'
{"name": "moving", "title": "A column that moves", "axes": {"vms": [1]}, "repeat": 3,
 "command": "--clock host --vms {vms} {guests}/ticker.elf",
 "collect": [{"name": "ticks_us", "from": "console", "regex": "tick \\d+ at (\\d+) us"}]}
JSON
# ... and one still to come.
printf '{"name": "tocome", "title": "Later", "status": "to come", "why": "not written yet"}\n' > "$tmp/rep/tocome.json"
rrun() { $run "$@" --experiments-dir "$tmp/rep" --build "$build"; }
check_rep() { # OUT: 3 runs a point, the medians, the first run's non-host values
	$py - "$1" <<'PY'
import csv, json, os, statistics, sys
out = sys.argv[1]
rows = list(csv.DictReader(open(f"{out}/rep.csv")))
if len(rows) != 2 or [r["repeats"] for r in rows] != ["3", "3"]:
    sys.exit(f"rows {[(r['point'], r['repeats']) for r in rows]}, not 2 with repeats 3")
for r in rows:
    pdir = f"{out}/rep/points/{r['point']}"
    runs = [json.load(open(f"{d}/stats/summary.json")) for d in (pdir, f"{pdir}/repeat-2", f"{pdir}/repeat-3")]
    if os.path.exists(f"{pdir}/repeat-4"):
        sys.exit(f"{pdir}: a fourth run")
    walls = [s["host"]["wall_seconds"] for s in runs]
    insns = {s["instructions"] for s in runs}
    if insns != {int(r["instructions"])}:
        sys.exit(f"{r['point']}: instructions {r['instructions']}, the runs' {insns}")
    for col, want in (("host_wall", statistics.median(walls)),
                      ("host_ns_per_insn", statistics.median(w * 1e9 / s["instructions"] for w, s in zip(walls, runs)))):
        if abs(float(r[col]) - want) > 1e-5 * abs(want):
            sys.exit(f"{r['point']}: {col} {r[col]}, the median of the runs is {want}")
PY
}
why=
if msg=$(rrun rep --smoke --out "$tmp/r" 2>&1) && [ "$(echo "$msg" | grep -c 'ran in .* (3 runs)')" = 2 ] &&
		why=$(check_rep "$tmp/r" 2>&1); then
	ok "repeat: each point runs 3 times, its host_ columns the medians of the runs"
else bad "repeat: each point runs 3 times, its host_ columns the medians of the runs" "${why:-$msg}"; fi
if [ "$(rrun rep --full --describe | $py -c 'import json,sys; print(json.load(sys.stdin)["repeats"])')" = 5 ]; then
	ok "repeat: a count per mode (--describe says 5 for --full)"
else bad "repeat: a count per mode (--describe says 5 for --full)" "not 5"; fi
msg=$(rrun rep --smoke --out "$tmp/r" 2>&1)
if [ "$(echo "$msg" | grep -c skipped)" = 2 ] && ! echo "$msg" | grep -q "ran in"; then
	ok "repeat: resume skips the finished points"
else bad "repeat: resume skips the finished points" "$(echo "$msg" | head -3)"; fi
# What a Slurm array task runs: --point does the repeats itself.
if rrun rep --smoke --point vms-2 --out "$tmp/r2" >/dev/null 2>&1 &&
		$py -c 'import json,sys; sys.exit(json.load(open(sys.argv[1]))["repeats"] != 3)' \
			"$tmp/r2/rep/points/vms-2/result.json" && [ -d "$tmp/r2/rep/points/vms-2/repeat-3" ]; then
	ok "repeat: --point (a Slurm task) runs the repeats itself"
else bad "repeat: --point (a Slurm task) runs the repeats itself" "no 3 runs in $tmp/r2"; fi
msg=$(rrun moving --smoke --out "$tmp/r" 2>&1); st=$?
line=$(echo "$msg" | grep FAILED)
if [ $st = 1 ] && [ "$(echo "$line" | wc -l)" = 1 ] && echo "$line" | grep -q "moving vms-1: .*column ticks_us" &&
		[ ! -e "$tmp/r/moving.csv" ] && [ ! -e "$tmp/r/moving/points/vms-1/result.json" ]; then
	ok "repeat: a non-host column that moves between runs is a failure naming the point and column"
else bad "repeat: a non-host column that moves between runs is a failure naming the point and column" "status $st: $msg"; fi

# --results: each plot in results/ beside the results file, linked relatively; the same bytes
# on a rerun; without matplotlib the run's own plot is copied, or one line says there is none.
have_mpl=no
$py -c 'import matplotlib' 2>/dev/null && have_mpl=yes
check_md() { # MD OUT [DESCS]: every relative link resolves; a plot per experiment with a CSV, or one line why not
	$py - "$@" <<'PY'
import json, os, re, sys
md, out = sys.argv[1:3]
descs = sys.argv[3] if len(sys.argv) > 3 else "tools/exp/experiments"
text = open(md).read()
base = os.path.dirname(md)
for target in re.findall(r"\]\(([^)#]+)\)", text):
    if "://" not in target and not os.path.isfile(os.path.join(base, target)):
        sys.exit(f"link {target} does not resolve")
sections = {}
for part in re.split(r"^## ", text, flags=re.M)[1:]:
    title, _, body = part.partition("\n")
    sections[title] = body
for f in sorted(os.listdir(descs)):
    d = json.load(open(os.path.join(descs, f)))
    name = d["name"]
    sec = next((b for t, b in sections.items() if t.startswith(d["title"])), None)
    if sec is None:
        sys.exit(f"{name}: no section")
    img = os.path.join(base, "results", name + ".png")
    if d.get("status") == "to come":
        if "To come: " not in sec or os.path.exists(img):
            sys.exit(f"{name}: to come, but its section is {sec[:80]!r}")
    elif "plot" in d and os.path.exists(os.path.join(out, name + ".csv")):
        linked = f"(results/{name}.png)" in sec and f"(results/{name}.svg)" in sec and "![" in sec
        note = [l for l in sec.splitlines() if l.startswith("No plot:")]
        if linked == bool(note) or (note and (len(note) != 1 or os.path.exists(img))):
            sys.exit(f"{name}: neither a plot nor one line why not: {sec[-300:]!r}")
        if linked and not (open(img, "rb").read(8) == b"\x89PNG\r\n\x1a\n"
                           and b"<svg" in open(os.path.join(base, "results", name + ".svg"), "rb").read(600)):
            sys.exit(f"{name}: results/{name}.png or .svg is not a PNG or an SVG")
        if linked and b"Software" in open(img, "rb").read():
            sys.exit(f"{name}: the PNG says which software drew it")
PY
}
mkdir -p "$tmp/docs"
why=
if $run --results --out "$tmp/a" --results-file "$tmp/docs/results.md" >/dev/null 2>&1 &&
		why=$(check_md "$tmp/docs/results.md" "$tmp/a" 2>&1) &&
		{ [ $have_mpl = no ] || [ "$(ls "$tmp/docs/results" | grep -c '\.png$')" = "$(ls "$tmp/a" | grep -c '\.png$')" ]; }; then
	ok "--results: the plots in results/ beside the results file, the links resolve"
else bad "--results: the plots in results/ beside the results file, the links resolve" "${why:-no plots in $tmp/docs/results}"; fi
cp -r "$tmp/docs" "$tmp/docs.1"
if $run --results --out "$tmp/a" --results-file "$tmp/docs/results.md" >/dev/null 2>&1 &&
		diff -r "$tmp/docs.1" "$tmp/docs" >/dev/null; then
	ok "--results: a rerun from the same CSVs writes the same bytes (results.md, PNGs, SVGs)"
else bad "--results: a rerun from the same CSVs writes the same bytes (results.md, PNGs, SVGs)" "$(diff -r "$tmp/docs.1" "$tmp/docs" 2>&1 | head -2)"; fi
why=
if rrun --results --out "$tmp/r" --results-file "$tmp/rdocs.md" >/dev/null 2>&1 &&
		why=$(check_md "$tmp/rdocs.md" "$tmp/r" "$tmp/rep" 2>&1) && grep -q "^To come: not written yet" "$tmp/rdocs.md" &&
		grep -q "^Not run yet: .*moving" "$tmp/rdocs.md" && grep -q "each ran 3 times" "$tmp/rdocs.md"; then
	ok "--results: the repeats said, a to-come experiment says so, with no plot"
else bad "--results: the repeats said, a to-come experiment says so, with no plot" "${why:-see $tmp/rdocs.md}"; fi
# No matplotlib (a stand-in that fails to import): the run's plots are copied when they are no
# older than the CSV; nic's is removed, and its section says so in one line instead of a link.
mkdir -p "$tmp/nompl/matplotlib" "$tmp/o2" "$tmp/docs2"
echo 'raise ImportError("no matplotlib here (tests/exp/run.sh)")' > "$tmp/nompl/matplotlib/__init__.py"
cp -p "$tmp"/a/*.csv "$tmp/o2/"
[ $have_mpl = yes ] && cp -p "$tmp"/a/*.png "$tmp"/a/*.svg "$tmp/o2/" && rm "$tmp/o2/nic.png"
copied() { # every plot of o2 (nic's SVG without its PNG is not one) is in docs2/results, the same bytes
	for f in "$tmp"/o2/*.png; do
		[ -e "$f" ] || continue
		f=${f%.png}
		cmp -s "$f.png" "$tmp/docs2/results/${f##*/}.png" && cmp -s "$f.svg" "$tmp/docs2/results/${f##*/}.svg" || return 1
	done
}
why=
if PYTHONPATH="$tmp/nompl" $run --results --out "$tmp/o2" --results-file "$tmp/docs2/results.md" >/dev/null 2>&1 &&
		why=$(check_md "$tmp/docs2/results.md" "$tmp/o2" 2>&1) &&
		[ "$(grep -c '^No plot:.*nic\.png' "$tmp/docs2/results.md")" = 1 ] && [ ! -e "$tmp/docs2/results/nic.png" ] && copied; then
	ok "--results without matplotlib: the run's plots copied; a missing one is one line, no broken link"
else bad "--results without matplotlib: the run's plots copied; a missing one is one line, no broken link" "${why:-see $tmp/docs2}"; fi

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
printf '{"name": "broken", "title": "x", "axes": {"vms": [1]}, "repeat": {"quick": 0}, "command": "x", "collect": [{"name": "a", "from": "summary", "path": "vms"}]}\n' > "$tmp/descs/broken.json"
pat="broken.json.*repeat" one_line_2 "a bad 'repeat' is one line, status 2" \
	$run nic --experiments-dir "$tmp/descs" --build "$build"
pat="-j" one_line_2 "a bad parameter (-j x) is one line, status 2" $run nic -j x --build "$build"
pat="bogus" one_line_2 "a bad parameter (--set) is one line, status 2" $run nic --set bogus=1 --build "$build"
pat="point" one_line_2 "a bad --point is one line, status 2" $run nic --point nosuch --build "$build"

echo "$passed passed, $failed failed"
[ $failed = 0 ]
