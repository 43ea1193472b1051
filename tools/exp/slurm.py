#!/usr/bin/env python3
"""slurm.py - run a list of independent shell commands as one Slurm job array (stdlib only).

Each command becomes one array task. `tools/exp/run EXP --slurm` hands it the sweep's point
commands (`tools/exp/run EXP --point NAME --out DIR`, one per point); it works for any commands.

API
    job = submit(commands, workdir, job_name="denali-exp", partition=None,
                 time_limit="00:30:00", cpus=1, mem=None, sbatch="sbatch", extra_args=(),
                 max_parallel=None)
        A command is a shell string, or an argv list (tools/exp/runner.point_command()'s),
        which is shell-quoted. Writes WORKDIR/commands.txt (one command per line; a command may
        not contain a newline) and WORKDIR/array.sbatch (#SBATCH --array=0-(n-1),
        --output=WORKDIR/logs/%A_%a.out, --time, --cpus-per-task, --mem, --partition,
        --job-name), then `sbatch --parsable` it from the current directory and returns the
        job id (a string). Task i runs line i+1 of commands.txt with `bash -c`, in the
        directory submit() was called from, and records the command's exit status in
        WORKDIR/status/i; the job id goes to WORKDIR/job_id. A WORKDIR whose previous job is
        still queued or running is refused (its tasks have yet to read commands.txt): one
        workdir per concurrent array. max_parallel=K adds the %K throttle.
    results = wait(job, poll=2.0, timeout=None, squeue="squeue", sacct="sacct",
                   scontrol="scontrol", workdir=None, ntasks=None)
        Polls `squeue -r -j JOB` until no task is pending or running, then returns
        [(task index, state, exit code), ...] sorted by index: from sacct when accounting is
        enabled, else from `scontrol show job` (kept for MinJobAge, 300 s by default), else from
        the status files (workdir and ntasks default to what submit() recorded in this
        process; pass them for a job submitted elsewhere). State is Slurm's (COMPLETED,
        FAILED, TIMEOUT, CANCELLED, OUT_OF_MEMORY, ...; "UNKNOWN" when nothing knows); the exit
        code is the command's, 128+N for a task killed by signal N, None when unknown or when
        the task never ran (a task cancelled while pending). Success is (COMPLETED, 0).
        `timeout` (seconds) raises SlurmError.
    Every failure to submit or query (sbatch missing, sbatch refusing the job, a controller that
    stays unreachable) raises SlurmError with a one-line message, e.g.
        sbatch refused the job (exit 1): sbatch: error: invalid partition specified: debugg

CLI (for testing, and for users with a list of commands)
    python3 tools/exp/slurm.py run [OPTIONS] WORKDIR CMD...
        Each CMD is one array task. Submits, waits, prints "task I: STATE, exit N" per task;
        exits 0 when every task is COMPLETED with exit 0, 1 when one is not, 2 on a Slurm error
        (its message on stderr). OPTIONS: --partition P, --time HH:MM:SS, --cpus N, --mem SIZE,
        --job-name NAME, --max-parallel K (the array's %K throttle), --poll SECONDS,
        --timeout SECONDS, --sbatch PATH, --sbatch-arg ARG (repeatable).

On a real cluster
  * Run from a login node, inside a checkout of the project that lives on the cluster's shared
    filesystem (home, /scratch, /work, ... whatever every compute node mounts at the same path).
    The tasks cd to the directory you submitted from and read WORKDIR/commands.txt, so that
    directory, the built emulator (BUILD), WORKDIR, every --out directory the commands write and
    the Python that tools/exp/run was started with must be on that shared filesystem: a path
    under the login node's /tmp is not visible on the compute nodes and the tasks fail or
    write where no one looks. submit() makes WORKDIR absolute.
  * Build first, on the login node or in an interactive job, for the compute nodes' CPU and OS.
  * --partition: the queue to use (`sinfo -s` lists them); without it the cluster's default.
  * --time: each task's wall-clock limit (a task over it is killed, state TIMEOUT); short limits
    start sooner on busy clusters. --cpus is per task, --mem per node (e.g. 2G).
  * Site-specific needs (an account, a QOS, a constraint) go in as --sbatch-arg=--account=proj.
    sbatch's environment variables override the script's #SBATCH lines, so a caller that sets
    none of the options (tools/exp/run --slurm) is steered with SBATCH_PARTITION,
    SBATCH_TIMELIMIT, SBATCH_ACCOUNT, SBATCH_QOS, SBATCH_MEM_PER_NODE... in the environment.
  * Arrays larger than the cluster's MaxArraySize (1001 by default) are refused by sbatch:
    split the sweep. --max-parallel K keeps at most K tasks running at once.
  * Each task's stdout and stderr are in WORKDIR/logs/JOBID_INDEX.out.
  * sacct needs the cluster's accounting (slurmdbd); where it is off, wait() falls back to
    scontrol and to the status files the tasks write, so results stay right either way.
"""

import os
import re
import shlex
import shutil
import subprocess
import sys
import time

__all__ = ["SlurmError", "submit", "wait", "main"]

# States in which a task is still queued or running (squeue shows finished ones only briefly).
_ACTIVE = {"PENDING", "CONFIGURING", "RUNNING", "COMPLETING", "SUSPENDED", "REQUEUED",
           "REQUEUE_HOLD", "REQUEUE_FED", "RESIZING", "SIGNALING", "STAGE_OUT", "RESV_DEL_HOLD",
           "STOPPED"}

# submit() remembers each job's workdir and task count so that wait() can find its status files.
_jobs = {}


class SlurmError(Exception):
    """A Slurm command is missing, refused, or did not answer; str() is one line."""


def _one_line(text):
    lines = [l.strip() for l in (text or "").splitlines() if l.strip()]
    return "; ".join(lines) if lines else "(no message)"


def _run(argv, what, timeout=60, cwd=None):
    """Run a Slurm client; (rc, stdout, stderr). SlurmError when it cannot be started."""
    exe = argv[0]
    if os.sep not in exe and shutil.which(exe) is None:
        raise SlurmError("%s not found on PATH (%s needs a Slurm client: is this a login node?)"
                         % (exe, what))
    try:
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, timeout=timeout, cwd=cwd)
    except FileNotFoundError:
        raise SlurmError("%s not found (%s needs a Slurm client)" % (exe, what)) from None
    except PermissionError:
        raise SlurmError("%s is not executable" % exe) from None
    except subprocess.TimeoutExpired:
        raise SlurmError("%s did not answer in %d s" % (exe, timeout)) from None
    return p.returncode, p.stdout, p.stderr


def _q(s):
    """Quote for bash."""
    return "'" + str(s).replace("'", "'\\''") + "'"


def _directive(value):
    """An #SBATCH option's value; sbatch reads double quotes there, so a path may hold spaces."""
    if '"' in value or "\n" in value:
        raise ValueError("cannot put %r in an #SBATCH line" % value)
    return '"%s"' % value if any(c.isspace() for c in value) else value


def _script(n, workdir, submit_dir, job_name, partition, time_limit, cpus, mem, max_parallel):
    array = "0-%d" % (n - 1)
    if max_parallel:
        array += "%%%d" % int(max_parallel)
    lines = ["#!/bin/bash",
             "#SBATCH --job-name=%s" % _directive(job_name),
             "#SBATCH --array=%s" % array,
             "#SBATCH --output=%s" % _directive(workdir + "/logs/%A_%a.out"),
             "#SBATCH --ntasks=1",
             "#SBATCH --cpus-per-task=%d" % int(cpus)]
    if time_limit:
        lines.append("#SBATCH --time=%s" % time_limit)
    if mem:
        lines.append("#SBATCH --mem=%s" % mem)
    if partition:
        lines.append("#SBATCH --partition=%s" % partition)
    lines += [
        "# Written by tools/exp/slurm.py: task I runs line I+1 of commands.txt with bash -c.",
        "set -u",
        "workdir=%s" % _q(workdir),
        "submit_dir=%s" % _q(submit_dir),
        'cd "${SLURM_SUBMIT_DIR:-$submit_dir}" || exit 111',
        'i=${SLURM_ARRAY_TASK_ID:?not a Slurm array task}',
        'cmd=$(sed -n "$((i + 1))p" "$workdir/commands.txt")',
        '[ -n "$cmd" ] || { echo "slurm.py: no command on line $((i + 1))" >&2; exit 112; }',
        'echo "slurm.py: task $i on $(hostname) in $(pwd): $cmd" >&2',
        'bash -c "$cmd"',
        "rc=$?",
        'tmp="$workdir/status/$i.tmp.$$"',
        'echo "$rc" > "$tmp" && mv -f "$tmp" "$workdir/status/$i"',
        'exit "$rc"',
    ]
    return "\n".join(lines) + "\n"


def submit(commands, workdir, job_name="denali-exp", partition=None, time_limit="00:30:00",
           cpus=1, mem=None, sbatch="sbatch", extra_args=(), max_parallel=None):
    """Submit COMMANDS (shell command strings) as one job array; return the job id."""
    commands = [c if isinstance(c, str) else " ".join(shlex.quote(str(a)) for a in c)
                for c in commands]
    if not commands:
        raise ValueError("submit: no commands")
    for i, c in enumerate(commands):
        if "\n" in c or "\r" in c:
            raise ValueError("submit: command %d contains a newline (one command per line)" % i)
        if not c.strip():
            raise ValueError("submit: command %d is empty" % i)
    workdir = os.path.abspath(workdir)
    for sub in ("", "logs", "status"):
        os.makedirs(os.path.join(workdir, sub), exist_ok=True)
    # The tasks read commands.txt when they start: never rewrite it under a job still queued.
    prev = _read(os.path.join(workdir, "job_id"))
    if prev:
        squeue = os.path.join(os.path.dirname(sbatch), "squeue") if os.sep in sbatch else "squeue"
        try:
            busy = _active(prev, squeue)
        except SlurmError:
            busy = None  # no squeue: nothing to ask
        if busy:
            raise SlurmError("%s is in use by job %s (%d tasks still queued or running): wait "
                             "for it, scancel %s, or use another workdir"
                             % (workdir, prev, len(busy), prev))
    for f in os.listdir(os.path.join(workdir, "status")):  # a rerun in the same workdir
        os.unlink(os.path.join(workdir, "status", f))
    with open(os.path.join(workdir, "commands.txt"), "w") as f:
        f.write("\n".join(commands) + "\n")
    script = os.path.join(workdir, "array.sbatch")
    submit_dir = os.getcwd()
    with open(script, "w") as f:
        f.write(_script(len(commands), workdir, submit_dir, job_name, partition, time_limit,
                        cpus, mem, max_parallel))
    os.chmod(script, 0o755)
    rc, out, err = _run([sbatch, "--parsable"] + list(extra_args) + [script], "submitting",
                        cwd=submit_dir)
    if rc != 0:
        raise SlurmError("sbatch refused the job (exit %d): %s" % (rc, _one_line(err or out)))
    job = out.strip().split(";")[0].strip()
    if not re.fullmatch(r"\d+", job):
        raise SlurmError("sbatch printed no job id: " + _one_line(out + err))
    with open(os.path.join(workdir, "job_id"), "w") as f:
        f.write(job + "\n")
    _jobs[job] = (workdir, len(commands))
    return job


def _read(path):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return ""


def _exit_code(field):
    """Slurm's "EXIT:SIGNAL" -> one number (128+SIGNAL when killed by a signal)."""
    m = re.fullmatch(r"(\d+):(\d+)", field.strip())
    if not m:
        return None
    code, sig = int(m.group(1)), int(m.group(2))
    return 128 + sig if sig and not code else code


def _active(job, squeue):
    """The array's task ids still queued or running; None if squeue could not be asked."""
    rc, out, err = _run([squeue, "-h", "-r", "-j", job, "-o", "%i %T"], "waiting", timeout=30)
    if rc != 0:
        if "invalid job id" in (err + out).lower():  # purged: long finished
            return []
        return None
    return [l.split()[0] for l in out.splitlines()
            if len(l.split()) >= 2 and l.split()[1].upper() in _ACTIVE]


def _from_sacct(job, sacct):
    try:
        rc, out, _ = _run([sacct, "-n", "-P", "-X", "-j", job, "-o", "JobID,State,ExitCode"],
                          "collecting", timeout=30)
    except SlurmError:
        return {}
    if rc != 0:
        return {}
    res = {}
    for line in out.splitlines():
        parts = line.split("|")
        if len(parts) < 3:
            continue
        m = re.fullmatch(r"%s_(\d+)" % re.escape(job), parts[0].strip())
        if m:
            res[int(m.group(1))] = (parts[1].split()[0] if parts[1].strip() else "UNKNOWN",
                                    _exit_code(parts[2]))
    return res


def _from_scontrol(job, scontrol):
    try:
        rc, out, _ = _run([scontrol, "-o", "show", "job", job], "collecting", timeout=30)
    except SlurmError:
        return {}
    if rc != 0:
        return {}
    res = {}
    for line in out.splitlines():
        f = dict(kv.split("=", 1) for kv in line.split() if "=" in kv)
        if f.get("ArrayJobId") != job or not f.get("ArrayTaskId", "").isdigit():
            continue
        res[int(f["ArrayTaskId"])] = (f.get("JobState", "UNKNOWN"),
                                      _exit_code(f.get("ExitCode", "")))
    return res


def _from_status(workdir):
    res = {}
    d = os.path.join(workdir, "status")
    if not os.path.isdir(d):
        return res
    for name in os.listdir(d):
        if name.isdigit():
            try:
                with open(os.path.join(d, name)) as f:
                    code = int(f.read().strip())
            except (OSError, ValueError):
                continue
            res[int(name)] = ("COMPLETED" if code == 0 else "FAILED", code)
    return res


def wait(job_id, poll=2.0, timeout=None, squeue="squeue", sacct="sacct", scontrol="scontrol",
         workdir=None, ntasks=None):
    """Wait for job array JOB_ID to finish; [(task index, state, exit code)] by index.

    workdir and ntasks default to what submit() recorded for this job in this process; pass
    them to wait for a job submitted elsewhere (workdir is where its status files are)."""
    job = str(job_id).split(";")[0].strip()
    rec_workdir, rec_n = _jobs.get(job, (None, None))
    workdir = workdir or rec_workdir
    if ntasks is None:
        ntasks = rec_n
    if ntasks is None and workdir and os.path.exists(os.path.join(workdir, "commands.txt")):
        with open(os.path.join(workdir, "commands.txt")) as f:
            ntasks = sum(1 for l in f if l.strip())
    start = time.monotonic()
    unreachable_since = None
    while True:
        active = _active(job, squeue)
        now = time.monotonic()
        if active == []:
            break
        if active is None:
            unreachable_since = unreachable_since or now
            if now - unreachable_since > 120:
                raise SlurmError("squeue could not ask the controller about job %s for 120 s"
                                 % job)
        else:
            unreachable_since = None
        if timeout is not None and now - start > timeout:
            raise SlurmError("job %s not finished after %g s (still queued or running: %s)"
                             % (job, timeout, " ".join(active or ["?"])))
        time.sleep(poll)
    # Slurm's own record first (it knows TIMEOUT, CANCELLED...), then the tasks' status files.
    res = _from_sacct(job, sacct)
    if not res:
        res = _from_scontrol(job, scontrol)
    if workdir:
        for i, (state, code) in _from_status(workdir).items():
            s, c = res.get(i, ("UNKNOWN", None))
            res[i] = (state if s == "UNKNOWN" else s, code if c is None else c)
    if ntasks:
        for i in range(ntasks):
            res.setdefault(i, ("UNKNOWN", None))
    # A task cancelled before it ran, or lost with its node, has Slurm's 0:0: not a success.
    return sorted((i, s, None if s != "COMPLETED" and c == 0 else c) for i, (s, c) in res.items())


def main(argv=None):
    import argparse
    ap = argparse.ArgumentParser(prog="slurm.py",
                                 description="Run commands as one Slurm job array.")
    sub = ap.add_subparsers(dest="verb", required=True)
    r = sub.add_parser("run", help="submit CMD... as an array, wait, print one line per task")
    r.add_argument("workdir")
    r.add_argument("cmds", nargs="+", metavar="CMD")
    r.add_argument("--partition")
    r.add_argument("--time", default="00:30:00")
    r.add_argument("--cpus", type=int, default=1)
    r.add_argument("--mem")
    r.add_argument("--job-name", default="denali-exp")
    r.add_argument("--max-parallel", type=int)
    r.add_argument("--poll", type=float, default=2.0)
    r.add_argument("--timeout", type=float)
    r.add_argument("--sbatch", default="sbatch")
    r.add_argument("--sbatch-arg", action="append", default=[])
    a = ap.parse_args(argv)
    try:
        job = submit(a.cmds, a.workdir, job_name=a.job_name, partition=a.partition,
                     time_limit=a.time, cpus=a.cpus, mem=a.mem, sbatch=a.sbatch,
                     extra_args=a.sbatch_arg, max_parallel=a.max_parallel)
        print("job %s: %d tasks, logs in %s" % (job, len(a.cmds),
                                                os.path.join(os.path.abspath(a.workdir), "logs")),
              flush=True)
        results = wait(job, poll=a.poll, timeout=a.timeout)
    except (SlurmError, ValueError, OSError) as e:
        print("slurm.py: %s" % e, file=sys.stderr)
        return 2
    for i, state, code in results:
        print("task %d: %s, exit %s" % (i, state, "?" if code is None else code))
    return 0 if all(s == "COMPLETED" and c == 0 for _, s, c in results) else 1


if __name__ == "__main__":
    sys.exit(main())
