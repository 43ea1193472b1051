#!/bin/sh
# slurm.sh - the slurm suite of `make test` (tests/run.sh): tools/exp/slurm.py against a real,
# throwaway, single-node Slurm on this machine.
#   sh tests/exp/slurm.sh BUILD
# BUILD is the build directory (relative to the repository root, or absolute): the last case
# runs a small experiment sweep through tools/exp/run --slurm with its emulator.
#
# Everything lives in one temp dir: a munge key and munged on a private socket, a generated
# slurm.conf (own ports on 127.0.0.1, state, spool, logs and pid files in the temp dir,
# proctrack/linuxproc and task/none so no cgroup is needed, no accounting), slurmctld -D and
# slurmd -D in the background. Once sinfo shows the node idle (30 s at most) a small array runs
# through slurm.py: three tasks write files relative to the submit directory and one exits 3.
# A trap kills the daemons and every process still using the temp dir (slurmstepd, job
# commands) and removes it, on success, failure or a signal. Without root or the Debian packages
# (slurm-wlm, munge: tests/deps.sh), or where the daemons cannot start, it prints one
# "SKIP: ..." line and "0 passed, 0 failed" and exits 0.
set -u
build=${1:-build}
cd "$(dirname "$0")/../.." || exit 1
B=$build
root=$(pwd)
slurmpy="$root/tools/exp/slurm.py"
n=0
passed=0
failed=0
T=""
munged_pid=""
ctld_pid=""
slurmd_pid=""
child=""

ok() { n=$((n + 1)); passed=$((passed + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1: $2"; }

# Is PID still alive (and not a zombie)?
alive() {
	[ -n "$1" ] && [ -d "/proc/$1" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}

# Stop one of our daemons: TERM, up to 5 s, then KILL; reap it.
stop() {
	[ -n "$1" ] || return 0
	kill "$1" 2>/dev/null
	i=0
	while alive "$1" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	alive "$1" && kill -9 "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}

# The processes our cluster left: those whose environment names our slurm.conf (slurmstepd,
# the job scripts and their commands inherit SLURM_CONF), or whose cwd or open files are in T.
strays() {
	for p in /proc/[0-9]*; do
		pid=${p#/proc/}
		[ "$pid" = $$ ] && continue
		# shellcheck disable=SC2010 # readlink on every fd would be slower; the names are ours
		if { tr '\0' '\n' <"$p/environ"; } 2>/dev/null | grep -q "^SLURM_CONF=$T/" ||
			ls -l "$p/cwd" "$p/fd" 2>/dev/null | grep -q -- "-> $T/"; then
			echo "$pid"
		fi
	done
}

teardown() {
	trap - EXIT INT TERM HUP
	[ -n "$child" ] && kill "$child" 2>/dev/null
	stop "$slurmd_pid"
	stop "$ctld_pid"
	stop "$munged_pid"
	slurmd_pid="" ctld_pid="" munged_pid=""
	if [ -n "$T" ] && [ -d "$T" ]; then
		for _ in 1 2 3; do
			left=$(strays)
			[ -z "$left" ] && break
			# shellcheck disable=SC2086
			kill -9 $left 2>/dev/null
			sleep 0.2
		done
		rm -rf "$T"
	fi
	T=""
}
trap teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

skip() {
	teardown
	echo "SKIP: $*"
	echo "0 passed, 0 failed"
	exit 0
}

# The last meaningful line of a daemon's log, for a SKIP reason.
lastlog() {
	cat "$@" 2>/dev/null | grep -v '^[[:space:]]*$' | grep -i 'error\|fatal\|fail' | tail -n 1
}

[ "$(id -u)" = 0 ] || skip "slurmd must run as root to start jobs, and this is uid $(id -u)"
for b in munged munge slurmctld slurmd sbatch squeue sinfo scontrol python3 timeout; do
	command -v "$b" >/dev/null 2>&1 || skip "$b is not installed (sh tests/deps.sh installs slurm-wlm and munge)"
done

T=$(mktemp -d /tmp/denali-slurm.XXXXXX) || skip "no temp dir"
chmod 755 "$T" # munged wants its socket's directory searchable by all
mkdir -p "$T/state" "$T/spool" "$T/logs" "$T/submit/out" "$T/work"

# munge: a private key and socket, nothing in /etc or /run.
if command -v mungekey >/dev/null 2>&1; then
	mungekey -c -k "$T/munge.key" >/dev/null 2>&1
fi
[ -s "$T/munge.key" ] || dd if=/dev/urandom of="$T/munge.key" bs=1024 count=1 2>/dev/null
chmod 600 "$T/munge.key"
munged -F -f --socket="$T/munge.sock" --key-file="$T/munge.key" --pid-file="$T/munged.pid" \
	--log-file="$T/logs/munged.log" --seed-file="$T/munged.seed" >"$T/logs/munged.out" 2>&1 &
munged_pid=$!
i=0
until timeout 5 munge -S "$T/munge.sock" -n 2>/dev/null | timeout 5 unmunge -S "$T/munge.sock" >/dev/null 2>&1; do
	i=$((i + 1))
	if ! alive "$munged_pid" || [ $i -ge 50 ]; then
		skip "munged did not start: $(lastlog "$T/logs/munged.out" "$T/logs/munged.log")"
	fi
	sleep 0.1
done

# Two free loopback ports for slurmctld and slurmd (not 6817/6818: a real Slurm may be there).
ports=$(python3 -c '
import socket
ss = [socket.socket() for _ in range(2)]
for s in ss: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))') || skip "no free port"
ctld_port=${ports% *}
slurmd_port=${ports#* }

# The node as slurmd sees it (CPUs, sockets, cores, RealMemory), under its own name.
nodeline=$(timeout 10 slurmd -C 2>/dev/null | grep '^NodeName=' | head -n 1 | sed 's/ UpTime=[^ ]*//')
[ -n "$nodeline" ] || skip "slurmd -C printed no NodeName line"
node=$(echo "$nodeline" | sed 's/^NodeName=\([^ ]*\).*/\1/')

cat >"$T/slurm.conf" <<EOF
# A throwaway one-node cluster for tests/exp/slurm.sh.
ClusterName=denalitest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$T/munge.sock
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/logs/slurmctld.log
SlurmdLogFile=$T/logs/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
SwitchType=switch/none
MailProg=/bin/true
SlurmctldTimeout=30
SlurmdTimeout=30
$nodeline NodeAddr=127.0.0.1 NodeHostname=$node State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
SLURM_CONF="$T/slurm.conf"
export SLURM_CONF

slurmctld -D -f "$SLURM_CONF" >"$T/logs/slurmctld.out" 2>&1 &
ctld_pid=$!
slurmd -D -f "$SLURM_CONF" -N "$node" >"$T/logs/slurmd.out" 2>&1 &
slurmd_pid=$!

t0=$(date +%s)
state=""
while :; do
	state=$(timeout 5 sinfo -h -N -n "$node" -o '%T' 2>/dev/null | head -n 1)
	[ "$state" = idle ] && break
	alive "$ctld_pid" || skip "slurmctld exited: $(lastlog "$T/logs/slurmctld.out" "$T/logs/slurmctld.log")"
	alive "$slurmd_pid" || skip "slurmd exited: $(lastlog "$T/logs/slurmd.out" "$T/logs/slurmd.log")"
	[ $(($(date +%s) - t0)) -ge 30 ] &&
		skip "node $node not idle after 30 s (state '${state:-none}'): $(lastlog "$T/logs/slurmd.log" "$T/logs/slurmctld.log")"
	sleep 0.5
done
ok "single-node Slurm up: node $node idle after $(($(date +%s) - t0)) s"

# Run a command in the background and wait for it, so that a signal to this script is handled
# at once (the trap tears down) rather than after the command.
bg() {
	"$@" &
	child=$!
	wait "$child"
	rc=$?
	child=""
	return $rc
}

# shellcheck disable=SC2016 # the $SLURM_ARRAY_TASK_ID are for the tasks' shells
# 1. The CLI: three tasks write files relative to the submit directory, one exits 3.
work="$T/work/cli"
cd "$T/submit" || exit 1
bg timeout 120 python3 "$slurmpy" run --poll 0.5 --timeout 90 --time 00:05:00 \
	--job-name denali-test "$work" \
	'echo "task $SLURM_ARRAY_TASK_ID" > out/t$SLURM_ARRAY_TASK_ID' \
	'echo "task $SLURM_ARRAY_TASK_ID" > out/t$SLURM_ARRAY_TASK_ID; pwd > out/pwd' \
	'echo "task $SLURM_ARRAY_TASK_ID" > out/t$SLURM_ARRAY_TASK_ID' \
	'echo about to fail; exit 3' >"$T/cli.out" 2>"$T/cli.err"
rc=$?
cd "$root" || exit 1
job=$(sed -n 's/^job \([0-9]*\): .*/\1/p' "$T/cli.out")
lines=$(grep -c '^task [0-9]*: ' "$T/cli.out")
if [ $rc -eq 1 ] && [ -n "$job" ] && [ "$lines" = 4 ]; then
	ok "slurm.py run: job $job, one line per task, exit 1 as a task failed"
else
	notok "slurm.py run" "exit $rc, job '${job}', $lines task lines: $(cat "$T/cli.out" "$T/cli.err" | tr '\n' ' ')"
fi

why=""
for i in 0 1 2 3; do
	grep -q "^task $i: " "$T/cli.out" || why="$why no result line for task $i;"
	grep -q "^slurm.py: task $i on " "$work/logs/${job}_$i.out" 2>/dev/null || why="$why task $i's log $work/logs/${job}_$i.out missing or empty;"
done
[ "$(grep -c . "$work/commands.txt" 2>/dev/null)" = 4 ] || why="$why commands.txt has not 4 lines;"
grep -q '^#SBATCH --array=0-3$' "$work/array.sbatch" 2>/dev/null || why="$why array.sbatch has no --array=0-3;"
[ -z "$why" ] && ok "every task ran (four logs in WORKDIR/logs, commands.txt, array.sbatch)" ||
	notok "every task ran" "$why"

why=""
for i in 0 1 2; do
	[ "$(cat "$T/submit/out/t$i" 2>/dev/null)" = "task $i" ] || why="$why out/t$i is '$(cat "$T/submit/out/t$i" 2>/dev/null)';"
	grep -q "^task $i: COMPLETED, exit 0$" "$T/cli.out" || why="$why task $i not 'COMPLETED, exit 0';"
done
[ "$(cat "$T/submit/out/pwd" 2>/dev/null)" = "$T/submit" ] ||
	why="$why task ran in '$(cat "$T/submit/out/pwd" 2>/dev/null)', not the submit directory;"
[ -z "$why" ] && ok "outputs landed in the submit directory, tasks 0-2 COMPLETED with exit 0" ||
	notok "outputs landed" "$why"

if grep -q '^task 3: FAILED, exit 3$' "$T/cli.out"; then
	ok "the failing task is reported: task 3: FAILED, exit 3"
else
	notok "the failing task is reported" "$(grep '^task 3' "$T/cli.out" || echo 'no line')"
fi

# 2. The API: wait() returns (index, state, exit code); the same from the status files alone.
cat >"$T/api.py" <<'EOF'
import sys
sys.path.insert(0, sys.argv[1])
import slurm
job = slurm.submit(["true", ["sh", "-c", "exit 7"], "sleep 1"], sys.argv[2], job_name="denali-api",
                   time_limit="00:05:00")
res = slurm.wait(job, poll=0.5, timeout=90)
want = [(0, "COMPLETED", 0), (1, "FAILED", 7), (2, "COMPLETED", 0)]
assert res == want, "wait() gave %r" % (res,)
res2 = slurm.wait(job, poll=0.5, timeout=10, sacct="false", scontrol="false")
assert res2 == want, "from the status files only: %r" % (res2,)
print("api ok", job)
EOF
cat >"$T/busy.py" <<'EOF'
import subprocess, sys
sys.path.insert(0, sys.argv[1])
import slurm
job = slurm.submit(["sleep 60"], sys.argv[2], job_name="denali-busy", time_limit="00:05:00")
try:
    slurm.submit(["true"], sys.argv[2])
    raise SystemExit("a second submit() into a busy workdir was accepted")
except slurm.SlurmError as e:
    assert "in use by job %s" % job in str(e), str(e)
subprocess.run(["scancel", job], check=True, timeout=30)
res = slurm.wait(job, poll=0.5, timeout=60)
assert len(res) == 1 and res[0][1] == "CANCELLED" and res[0][2] != 0, "after scancel: %r" % (res,)
job2 = slurm.submit(["true"], sys.argv[2], time_limit="00:05:00")
assert slurm.wait(job2, poll=0.5, timeout=60) == [(0, "COMPLETED", 0)]
print("busy ok", job, res)
EOF
cd "$T/submit" || exit 1
bg timeout 120 python3 "$T/api.py" "$root/tools/exp" "$T/work/api" >"$T/api.out" 2>&1
cd "$root" || exit 1
if grep -q '^api ok' "$T/api.out"; then
	ok "submit()/wait() API, strings and an argv list: [(0, COMPLETED, 0), (1, FAILED, 7), (2, COMPLETED, 0)], also without scontrol"
else
	notok "submit()/wait() API" "$(tail -n 3 "$T/api.out" | tr '\n' ' ')"
fi

bg timeout 150 python3 "$T/busy.py" "$root/tools/exp" "$T/work/busy" >"$T/busy.out" 2>&1
if grep -q '^busy ok' "$T/busy.out"; then
	ok "a workdir whose job is still queued is refused; after scancel the task is CANCELLED, not exit 0"
else
	notok "busy workdir" "$(tail -n 3 "$T/busy.out" | tr '\n' ' ')"
fi

# 3. Errors: a missing sbatch, and sbatch refusing the job; one line on stderr, exit 2.
timeout 30 python3 "$slurmpy" run --sbatch /nonexistent/sbatch "$T/work/nosbatch" true >"$T/e1.out" 2>"$T/e1.err"
rc=$?
if [ $rc -eq 2 ] && [ "$(wc -l <"$T/e1.err")" = 1 ] && grep -q 'sbatch not found' "$T/e1.err"; then
	ok "missing sbatch: $(cat "$T/e1.err")"
else
	notok "missing sbatch" "exit $rc: $(cat "$T/e1.err" | tr '\n' ' ')"
fi
timeout 30 python3 "$slurmpy" run --partition nosuch "$T/work/refused" true >"$T/e2.out" 2>"$T/e2.err"
rc=$?
if [ $rc -eq 2 ] && [ "$(wc -l <"$T/e2.err")" = 1 ] && grep -q 'sbatch refused the job (exit [0-9]*): .*partition' "$T/e2.err"; then
	ok "sbatch refusing: $(cat "$T/e2.err")"
else
	notok "sbatch refusing" "exit $rc: $(cat "$T/e2.err" | tr '\n' ' ')"
fi

SBATCH_PARTITION=nosuch timeout 30 python3 "$slurmpy" run "$T/work/envpart" true >"$T/e3.out" 2>"$T/e3.err"
rc=$?
if [ $rc -eq 2 ] && grep -q 'invalid partition specified: nosuch' "$T/e3.err"; then
	ok "sbatch's SBATCH_PARTITION reaches the submission (how tools/exp/run --slurm is steered)"
else
	notok "SBATCH_PARTITION" "exit $rc: $(cat "$T/e3.err" | tr '\n' ' ')"
fi

# 3a. A real sweep through the runner: tools/exp/run footprint --smoke --slurm runs each point as
# an array task, waits for the array and gathers the CSV, the same rows as a local run's.
if [ -x "$B/denali" ] && [ -e "$B/bench/guests/idle.elf" ]; then
	timeout 240 python3 tools/exp/run footprint --smoke --slurm --build "$B" --out "$T/exp" >"$T/x.out" 2>&1
	rc=$?
	rows=$(($(wc -l <"$T/exp/footprint.csv" 2>/dev/null || echo 1) - 1))
	want=$(python3 tools/exp/run footprint --smoke --describe --build "$B" 2>/dev/null |
		python3 -c 'import json,sys; print(len(json.load(sys.stdin)["points"]))' 2>/dev/null)
	if [ $rc -eq 0 ] && [ -n "$want" ] && [ "$rows" -eq "$want" ] && grep -q 'Slurm job array' "$T/x.out"; then
		ok "tools/exp/run footprint --smoke --slurm: $rows points as a job array, gathered into the CSV"
	else
		notok "tools/exp/run --slurm" "exit $rc, $rows rows (want $want): $(tail -n 3 "$T/x.out" | tr '\n' ' ')"
	fi
else
	notok "tools/exp/run --slurm" "$B/denali or $B/bench/guests/idle.elf is missing"
fi

# 4. Teardown leaves nothing behind.
pids="$munged_pid $ctld_pid $slurmd_pid"
dir=$T
teardown
left=""
for p in $pids; do alive "$p" && left="$left $p"; done
[ -d "$dir" ] && left="$left (temp dir $dir)"
[ -z "$left" ] && ok "teardown: daemons gone, temp dir removed" || notok "teardown" "left:$left"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
