"""runner.py - run an experiment's points, each its own `denali run` in its own directory, and
gather them into one table.

A point's directory, OUT/EXP/points/NAME/, holds what its run left (scenario.ini, console.txt,
stderr.txt, stats/) and, once it finished and was measured, result.json. A point whose
result.json has the same key (experiment, parameters, command, what is collected, the
repeat count) is finished: it is not run again unless --force. A description's 'repeat' runs
each point that many times (run K in the point's repeat-K/): the host_ columns are medians.
"""
import ast
import concurrent.futures
import csv
import io
import json
import operator
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import time

import desc
import measure

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RUN_SCRIPT = os.path.join(REPO, "tools", "exp", "run")


class PointError(Exception):
    pass


class Context:
    def __init__(self, build, out, force=False, overrides=None, experiments_dir=None):
        self.build = os.path.abspath(build)
        self.denali = os.path.join(self.build, "denali")
        self.out = os.path.abspath(out)
        self.force = force
        self.overrides = overrides or {}
        self.experiments_dir = experiments_dir
        self._version = None

    @property
    def version(self):
        if self._version is None:
            # Worked out in a local and set once: -j's threads may ask at the same time, and
            # none may see a half-made answer (an empty version in a tree that is no git checkout).
            try:
                v = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=REPO,
                                   capture_output=True, text=True, timeout=30, check=True).stdout.strip()
            except (OSError, subprocess.SubprocessError):
                v = ""
            if not v:
                try:
                    v = subprocess.run([self.denali, "--version"], capture_output=True, text=True,
                                       timeout=30).stdout.strip() or "unknown"
                except (OSError, subprocess.SubprocessError):
                    v = "unknown"
            self._version = v
        return self._version

    def point_dir(self, point):
        return os.path.join(self.out, point.exp.name, "points", point.name)


# ---- statistics files ----------------------------------------------------------------------

def _csv_rows(path):
    try:
        with open(path, newline="") as f:
            return list(csv.DictReader(f))
    except OSError:
        raise PointError(f"no {os.path.basename(path)} in {os.path.dirname(path)}")


def _num(x):
    if isinstance(x, (int, float)):
        return x
    try:
        return int(x)
    except (TypeError, ValueError):
        try:
            return float(x)
        except (TypeError, ValueError):
            return None


def _agg(name, how, xs):
    xs = [x for x in (_num(v) for v in xs) if x is not None]
    if how == "count":
        return len(xs)
    if not xs:
        raise PointError(f"{name}: nothing to collect")
    return {"sum": sum, "max": max, "min": min, "first": lambda v: v[0],
            "mean": lambda v: sum(v) / len(v)}[how](xs)


def _where(rows, where):
    return [r for r in rows if all(str(r.get(k)) == str(v) for k, v in (where or {}).items())]


_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
        ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Pow: operator.pow}


def evaluate(expr, names):
    """An arithmetic expression over collected values (desc.py allows nothing else)."""
    def ev(n):
        if isinstance(n, ast.Expression):
            return ev(n.body)
        if isinstance(n, ast.Constant):
            return n.value
        if isinstance(n, ast.Name):
            return names[n.id]
        if isinstance(n, ast.UnaryOp):
            return -ev(n.operand) if isinstance(n.op, ast.USub) else ev(n.operand)
        return _OPS[type(n.op)](ev(n.left), ev(n.right))
    try:
        return ev(ast.parse(expr, mode="eval"))
    except ZeroDivisionError:
        return None
    except TypeError:
        return None


def collect(exp, point, pdir, console, extra):
    """Every value of the description's 'collect', in order, from the run's files."""
    stats = os.path.join(pdir, "stats")
    cache = {}

    def table(name):
        if name not in cache:
            cache[name] = _csv_rows(os.path.join(stats, name))
        return cache[name]

    vals = dict(point.params)
    vals.update(point.sets)
    out = {}
    for c in exp.collect:
        n = c["name"]
        if "expr" in c:
            v = evaluate(c["expr"], vals)
        else:
            src, how = c["from"], c.get("agg", "sum")
            if src == "summary":
                if "summary" not in cache:
                    try:
                        with open(os.path.join(stats, "summary.json")) as f:
                            cache["summary"] = json.load(f)
                    except (OSError, ValueError):
                        raise PointError(f"no summary.json in {stats}")
                v = cache["summary"]
                for part in c["path"].split("."):
                    if not isinstance(v, dict) or part not in v:
                        raise PointError(f"{n}: summary.json has no {c['path']}")
                    v = v[part]
            elif src in ("vms", "vms_host"):
                rows = _where(table(src.replace("_", "-") + ".csv"), c.get("where"))
                if src == "vms_host" and c.get("where"):  # vms-host.csv has no group: take it from vms.csv
                    groups = {r["id"]: r["group"] for r in table("vms.csv")}
                    rows = [r for r in table("vms-host.csv")
                            if all(str(dict(r, group=groups.get(r["id"])).get(k)) == str(x)
                                   for k, x in c["where"].items())]
                if rows and c["column"] not in rows[0]:
                    raise PointError(f"{n}: {src} has no column {c['column']}")
                v = _agg(n, how, [r.get(c["column"]) for r in rows])
            elif src == "guest_stats":
                groups = {r["id"]: r["group"] for r in table("vms.csv")}
                rows = [dict(r, group=groups.get(r["id"])) for r in table("guest-stats.csv") if r["key"] == c["key"]]
                v = _agg(n, how, [r["value"] for r in _where(rows, c.get("where"))])
            elif src == "console":
                v = _agg(n, how, re.findall(c["regex"], console, re.M))
            else:  # switch, footprint: figures the method measured
                if c["field"] not in extra.get(src, {}):
                    raise PointError(f"{n}: {src} measured no {c['field']}")
                v = extra[src][c["field"]]
        vals[n] = v
        out[n] = v
    return out


# ---- one point ---------------------------------------------------------------------------

def _run(ctx, exp, argv, pdir, tag=""):
    full = [ctx.denali, "run", "--no-progress"] + argv
    t = time.monotonic()
    try:
        with open(os.path.join(pdir, f"console{tag}.txt"), "w") as out, \
                open(os.path.join(pdir, f"stderr{tag}.txt"), "w") as err:
            p = subprocess.run(full, cwd=pdir, stdout=out, stderr=err, timeout=exp.timeout)
    except OSError as e:
        raise PointError(f"cannot run {ctx.denali}: {e.strerror}")
    except subprocess.TimeoutExpired:
        raise PointError(f"timed out after {exp.timeout} s")
    wall = time.monotonic() - t
    if p.returncode not in exp.expect_status:
        tail = measure.read(os.path.join(pdir, f"stderr{tag}.txt")).strip().splitlines()[-1:]
        raise PointError(f"status {p.returncode}" + (f": {tail[0]}" if tail else ""))
    return wall


def command_text(ctx, argv):
    return shlex.join([os.path.join(ctx.build, "denali"), "run", "--no-progress"] + argv)


def _measure(ctx, point, rdir, argv, scen, sample):
    """One run of the point in rdir (its method, its command, what is collected from them):
    (values by column, denali's wall time, the command lines)."""
    exp = point.exp
    if scen is not None:
        with open(os.path.join(rdir, "scenario.ini"), "w") as f:
            f.write(scen)
    extra, commands = {}, []
    try:
        if exp.method == "footprint":
            extra["footprint"] = footprint(ctx, point, sample, rdir)
            commands.append(command_text(ctx, sample))
        wall = _run(ctx, exp, argv, rdir)
        commands.append(command_text(ctx, argv))
        console = measure.read(os.path.join(rdir, "console.txt"))
        if "switch" in {c.get("from") for c in exp.collect}:
            extra["switch"] = measure.switch_figures(console, int(point.params.get("vms", point.sets.get("vms", 1))))
        values = collect(exp, point, rdir, console, extra)
    except measure.MeasureError as e:
        raise PointError(str(e))
    return values, wall, commands


def median(xs):
    """The median of the numbers among xs (None if there are none)."""
    nums = [x for x in xs if isinstance(x, (int, float)) and not isinstance(x, bool)]
    return statistics.median(nums) if nums else None


def check_same(first, run, k, n):
    """PointError unless run k (of n) has every non-host value of run 1."""
    for col, v0 in first.items():
        if not col.startswith("host_") and run.get(col) != v0:
            raise PointError(f"column {col} is {fmt_value(run.get(col))} in run {k} of {n} but "
                             f"{fmt_value(v0)} in run 1: a column not named host_ must not move between "
                             f"repeats (host_{col} if it depends on the host)")


def combine(runs):
    """The point's values from its repeats: a host_ column is the median over the runs; any
    other column is the first run's, and must be the same in every run (PointError if not)."""
    first = runs[0]
    for k, run in enumerate(runs[1:], 2):
        check_same(first, run, k, len(runs))
    return {col: median([r.get(col) for r in runs]) if col.startswith("host_") and len(runs) > 1 else v0
            for col, v0 in first.items()}


def run_point(ctx, point):
    """Run one point (unless finished) and write its result.json; returns (result, ran). With
    the description's 'repeat', the point runs that many times: the first in its directory,
    run K in its repeat-K/; the host_ figures are the medians over the runs (combine())."""
    exp = point.exp
    pdir = ctx.point_dir(point)
    res_path = os.path.join(pdir, "result.json")
    key = point.key(ctx.build)
    if not ctx.force:
        try:
            with open(res_path) as f:
                old = json.load(f)
            if old.get("key") == key:
                return old, False
        except (OSError, ValueError):
            pass
    if os.path.isdir(pdir):
        shutil.rmtree(pdir)
    os.makedirs(pdir)
    argv, scen, sample = point.render(ctx.build)
    argv = ["--stats", "stats"] + argv
    n = exp.repeats(point.mode)
    runs = []
    for i in range(n):
        rdir = pdir if i == 0 else os.path.join(pdir, f"repeat-{i + 1}")
        os.makedirs(rdir, exist_ok=True)
        t = time.monotonic()
        try:
            values, wall, commands = _measure(ctx, point, rdir, argv, scen, sample)
        except PointError as e:
            raise PointError(f"run {i + 1} of {n}: {e}" if n > 1 else str(e))
        if runs:  # stop at the first run that disagrees, not after all of them
            check_same(runs[0]["values"], values, i + 1, n)
        runs.append({"values": values, "host_wall_s": round(time.monotonic() - t, 3),
                     "host_denali_wall_s": round(wall, 3)})
    values = combine([r["values"] for r in runs])
    walls = combine([{k: r[k] for k in ("host_wall_s", "host_denali_wall_s")} for r in runs])
    result = {"experiment": exp.name, "point": point.name, "key": key, "params": point.params,
              "sets": point.sets, "values": values, "version": ctx.version,
              "command": " ; ".join(commands), "host_wall_s": walls["host_wall_s"],
              "host_denali_wall_s": walls["host_denali_wall_s"], "repeats": n,
              "finished": time.strftime("%Y-%m-%dT%H:%M:%S")}
    if n > 1:
        result["runs"] = runs
    tmp = res_path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(result, f, indent=1, sort_keys=True)
        f.write("\n")
    os.replace(tmp, res_path)
    return result, True


def footprint(ctx, point, sample, pdir):
    """Per-VM host memory: the sampled run with the point's VMs against one with the baseline's."""
    exp = point.exp
    base_argv = point.render(ctx.build, exp.d.get("baseline", {}))[2]
    n = int(point.params.get("vms", point.sets.get("vms", 0)))
    n0 = int(exp.d.get("baseline", {}).get("vms", 1))
    if n <= n0:
        raise PointError(f"footprint: {n} VMs, not more than the baseline's {n0}")
    full = lambda a: [ctx.denali, "run", "--no-progress"] + a
    b = measure.sample_idle(full(base_argv), pdir, exp.timeout)
    f = measure.sample_idle(full(sample), pdir, exp.timeout)
    per = {k: (f[k] - b[k]) / (n - n0) for k in ("rss", "pss", "pte", "arena")}
    return {"pss_per_vm": per["pss"], "rss_per_vm": per["rss"], "pte_per_vm": per["pte"],
            "guest_per_vm": per["arena"], "structures_per_vm": per["pss"] - per["arena"],
            "settle_s": f["settle_s"], "us_per_vm_to_idle": f["settle_s"] / n * 1e6}


# ---- many points -------------------------------------------------------------------------

def point_command(ctx, point, mode):
    """The one-process command that runs this point alone (what a Slurm job runs)."""
    cmd = [sys.executable, RUN_SCRIPT, point.exp.name, "--" + mode, "--point", point.name,
           "--out", ctx.out, "--build", ctx.build]
    if ctx.experiments_dir:
        cmd += ["--experiments-dir", ctx.experiments_dir]
    for k, v in sorted(ctx.overrides.items()):
        cmd += ["--set", f"{k}={v}"]
    if ctx.force:
        cmd.append("--force")
    return cmd


def run_points(ctx, points, mode, how="local", jobs=1, log=print):
    """Run every point. how="local": here, jobs at a time (threads, each waiting on its own
    denali process). how="slurm": hand point_command() of every unfinished point to
    tools/exp/slurm.py's submit(commands, workdir, ...) and return once it did; the caller
    gathers afterwards, which reads the points' result.json files wherever they were run.
    Returns the number of points that failed."""
    if how == "slurm":
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        try:
            import slurm  # written separately (tools/exp/slurm.py)
        except ImportError as e:
            raise PointError(f"--slurm: tools/exp/slurm.py is not there ({e})")
        todo = [p for p in points if ctx.force or not finished(ctx, p)]
        if not todo:
            return 0
        cmds = [point_command(ctx, p, mode) for p in todo]
        # One workdir per experiment: an array's tasks read commands.txt when they start.
        workdir = os.path.join(ctx.out, todo[0].exp.name, "slurm")
        try:
            job = slurm.submit(cmds, workdir)
            log(f"  {todo[0].exp.name}: {len(cmds)} points submitted as Slurm job array {job}")
            tasks = slurm.wait(job, workdir=workdir, ntasks=len(cmds))
        except slurm.SlurmError as e:
            raise PointError(f"--slurm: {e}")
        failed = 0
        for index, state, code in tasks:
            if state != "COMPLETED" or code != 0:
                failed += 1
                log(f"  {todo[index].exp.name} {todo[index].name}: Slurm task {index} {state}, exit {code}")
        return failed
    failed = 0

    def one(p):
        t = time.monotonic()
        try:
            res, ran = run_point(ctx, p)
            reps = res.get("repeats", 1)
            return p, ("ran in %.1f s" % (time.monotonic() - t) + (f" ({reps} runs)" if reps > 1 else "")
                       if ran else "finished before: skipped"), True
        except PointError as e:
            return p, f"FAILED: {e}", False

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for p, msg, ok in pool.map(one, points):
            log(f"  {p.exp.name} {p.name}: {msg}")
            failed += not ok
    return failed


def finished(ctx, point):
    try:
        with open(os.path.join(ctx.point_dir(point), "result.json")) as f:
            return json.load(f).get("key") == point.key(ctx.build)
    except (OSError, ValueError):
        return False


# ---- gathering ---------------------------------------------------------------------------

def fmt_value(v):
    if v is None:
        return ""
    if isinstance(v, float):
        if v == int(v) and abs(v) < 1e15:
            return str(int(v))
        return f"{v:.6g}"
    return str(v)


def gather(ctx, exp, points):
    """Read every point's result into rows (dicts by column), add the relative columns, write
    OUT/EXP.csv. Returns the rows; raises PointError if a point has no result."""
    rows = []
    for p in points:
        try:
            with open(os.path.join(ctx.point_dir(p), "result.json")) as f:
                r = json.load(f)
        except (OSError, ValueError):
            raise PointError(f"point {p.name} has no result (run it first)")
        row = {"experiment": exp.name, "point": p.name}
        row.update(r["params"])
        row.update(r["sets"])
        row.update(r["values"])
        row["version"], row["command"], row["host_wall_s"] = r["version"], r["command"], r["host_wall_s"]
        if exp.has_repeat:
            row["repeats"] = r.get("repeats", 1)
        rows.append(row)
    for rel in exp.relative:
        for row in rows:
            want = {a: row[a] for a in exp.axes}
            want.update(rel["baseline"])
            base = next((b for b in rows if all(str(b[a]) == str(want[a]) for a in exp.axes)), None)
            bv, v = (base or {}).get(rel["of"]), row.get(rel["of"])
            row[rel["name"]] = (v / bv - 1) if isinstance(v, (int, float)) and isinstance(bv, (int, float)) and bv else None
    cols = exp.columns()
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    for row in rows:
        w.writerow([fmt_value(row.get(c)) for c in cols])
    os.makedirs(ctx.out, exist_ok=True)
    path = os.path.join(ctx.out, exp.name + ".csv")
    with open(path + ".tmp", "w") as f:
        f.write(buf.getvalue())
    os.replace(path + ".tmp", path)
    return rows
