"""desc.py - experiment descriptions: load one JSON file, check it whole, expand its sweep.

A description is one JSON object (docs/experiments.md, "Experiments: tools/exp", has the
format). Everything wrong with one is a DescError whose text names the file and the key; the
runner prints it as one line and exits 2.
"""
import hashlib
import itertools
import json
import os
import re
import shlex
import string

MODES = ("smoke", "quick", "full")
SOURCES = ("summary", "vms", "vms_host", "guest_stats", "console", "switch", "footprint")
# Sources whose every value depends on the host (its clock, its memory): their columns must be
# named host_*, so the rest of a CSV is the same on a rerun under the virtual clock.
HOST_SOURCES = ("vms_host", "switch", "footprint")
AGGS = ("sum", "max", "min", "mean", "count", "first")
METHODS = ("run", "footprint")
TOP_KEYS = {"name", "title", "figure", "status", "why", "axes", "set", "scenario", "command",
            "method", "sample_command", "baseline", "expect_status", "collect", "relative",
            "plot", "paper", "discussion", "timeout", "repeat"}
REQUIRED = ("name", "title", "axes", "command", "collect")
NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
VALUE_RE = re.compile(r"^[A-Za-z0-9_.+]+$")
# Names a template may use besides the parameters and the axis values' "with" variables.
BUILTINS = ("build", "guests", "bench_guests", "mode")
# Column names the runner writes itself: no parameter or measured column may take them.
RESERVED = ("point", "experiment", "version", "command", "repeats")


class DescError(Exception):
    pass


def _per_mode(v, mode):
    """A value given for every mode, or as {"smoke": .., "quick": .., "full": ..}."""
    if isinstance(v, dict) and set(v) <= set(MODES) and v:
        if mode in v:
            return v[mode]
        if mode == "smoke" and "quick" in v:
            return v["quick"]
        raise KeyError(mode)
    return v


def _fields(template):
    try:
        return {f for _, f, _, _ in string.Formatter().parse(template) if f is not None}
    except ValueError as e:
        raise DescError(f"bad template {template!r}: {e}")


class Experiment:
    def __init__(self, path):
        self.path = path
        where = os.path.basename(path)
        try:
            with open(path) as f:
                d = json.load(f)
        except OSError as e:
            raise DescError(f"{where}: cannot read: {e.strerror}")
        except ValueError as e:
            raise DescError(f"{where}: not JSON: {e}")
        if not isinstance(d, dict):
            raise DescError(f"{where}: not a JSON object")
        self.d = d
        self.where = where
        self._check()

    def err(self, msg):
        raise DescError(f"{self.where}: {msg}")

    # ---- checking ----------------------------------------------------------------------

    def _check(self):
        d = self.d
        stem = os.path.splitext(self.where)[0]
        for k in d:
            if k not in TOP_KEYS:
                self.err(f"unknown key {k!r}")
        self.name = d.get("name")
        if not isinstance(self.name, str) or not NAME_RE.match(self.name) or self.name != stem:
            self.err(f"'name' must be the file's stem ({stem!r}) in [a-z0-9_]")
        self.status = d.get("status", "ready")
        if self.status not in ("ready", "to come"):
            self.err("'status' is 'ready' or 'to come'")
        if self.status == "to come":
            self.title = str(d.get("title", self.name))
            return
        for k in REQUIRED:
            if k not in d:
                self.err(f"missing key {k!r}")
        self.title = d["title"]
        if not isinstance(self.title, str):
            self.err("'title' must be a string")
        self.method = d.get("method", "run")
        if self.method not in METHODS:
            self.err(f"'method' must be one of {', '.join(METHODS)}")
        if not isinstance(d["axes"], dict) or not d["axes"]:
            self.err("'axes' must be a non-empty object")
        self.axes = list(d["axes"])
        sets = d.get("set", {})
        if not isinstance(sets, dict):
            self.err("'set' must be an object")
        self.sets = list(sets)
        withs = set()
        for a in self.axes + self.sets:
            if not NAME_RE.match(a) or a.startswith("host_") or a in BUILTINS or a in RESERVED:
                self.err(f"parameter name {a!r}: [a-z][a-z0-9_]*, not host_*, not "
                         f"{', '.join(BUILTINS + RESERVED)}")
        if set(self.axes) & set(self.sets):
            self.err("a name is both an axis and a 'set' parameter")
        for mode in MODES:
            for a in self.axes:
                try:
                    vals = _per_mode(d["axes"][a], mode)
                except KeyError:
                    self.err(f"axis {a!r} has no values for mode {mode}")
                if not isinstance(vals, list) or not vals:
                    self.err(f"axis {a!r}: a non-empty list of values (or one per mode)")
                for v in vals:
                    val, w = self._axis_value(a, v)
                    withs |= set(w)
            for s in self.sets:
                try:
                    v = _per_mode(sets[s], mode)
                except KeyError:
                    self.err(f"'set' {s!r} has no value for mode {mode}")
                if not isinstance(v, (str, int, float)) or isinstance(v, bool):
                    self.err(f"'set' {s!r}: a string or a number")
        self.withs = sorted(withs)
        known = set(self.axes) | set(self.sets) | withs | set(BUILTINS)
        for key in ("command", "scenario", "sample_command"):
            if key in d:
                if not isinstance(d[key], str):
                    self.err(f"{key!r} must be a string (a template)")
                for f in _fields(d[key]):
                    if f not in known:
                        self.err(f"{key!r} names {{{f}}}, which is no parameter")
        if self.method == "footprint":
            if "sample_command" not in d:
                self.err("method footprint wants 'sample_command'")
            b = d.get("baseline", {})
            if not isinstance(b, dict) or not set(b) <= set(self.axes) | set(self.sets):
                self.err("'baseline' must set parameters")
        es = d.get("expect_status", [0])
        if not isinstance(es, list) or not all(isinstance(x, int) for x in es):
            self.err("'expect_status' must be a list of integers")
        self.expect_status = es
        self.timeout = d.get("timeout", 900)
        if not isinstance(self.timeout, (int, float)) or self.timeout <= 0:
            self.err("'timeout' must be a positive number of seconds")
        self.has_repeat = "repeat" in d
        for mode in MODES:
            try:
                r = _per_mode(d.get("repeat", 1), mode)
            except KeyError:
                self.err(f"'repeat' has no count for mode {mode}")
            if isinstance(r, bool) or not isinstance(r, int) or r < 1:
                self.err("'repeat' is a count of runs, at least 1 (or one per mode)")
        self._check_collect()
        self._check_plot()

    def _axis_value(self, axis, v):
        if isinstance(v, dict):
            if set(v) - {"value", "with"} or "value" not in v:
                self.err(f"axis {axis!r}: a value object has 'value' and 'with'")
            w = v.get("with", {})
            if not isinstance(w, dict) or not all(isinstance(x, str) and NAME_RE.match(k) for k, x in w.items()):
                self.err(f"axis {axis!r}: 'with' maps names to strings")
            v = v["value"]
        else:
            w = {}
        if isinstance(v, bool) or not isinstance(v, (str, int, float)) or not VALUE_RE.match(str(v)):
            self.err(f"axis {axis!r}: value {v!r} must be a number or a word [A-Za-z0-9_.+]")
        return v, w

    def _check_collect(self):
        d = self.d
        names = list(self.axes) + list(self.sets)
        if not isinstance(d["collect"], list) or not d["collect"]:
            self.err("'collect' must be a non-empty list")
        self.collect = []
        for i, c in enumerate(d["collect"]):
            if not isinstance(c, dict) or not isinstance(c.get("name"), str):
                self.err(f"collect[{i}]: an object with a 'name'")
            n = c["name"]
            if not NAME_RE.match(n) or n in names or n in RESERVED:
                self.err(f"collect {n!r}: a new name in [a-z][a-z0-9_]*")
            if "expr" in c:
                refs = self._expr_names(n, c["expr"])
                for r in refs:
                    if r not in names:
                        self.err(f"collect {n!r}: expr uses {r!r}, not collected before it")
                host = any(r.startswith("host_") for r in refs)
            else:
                src = c.get("from")
                if src not in SOURCES:
                    self.err(f"collect {n!r}: 'from' must be one of {', '.join(SOURCES)} (or give 'expr')")
                need = {"summary": "path", "vms": "column", "vms_host": "column", "guest_stats": "key",
                        "console": "regex", "switch": "field", "footprint": "field"}[src]
                if not isinstance(c.get(need), str):
                    self.err(f"collect {n!r}: from {src} wants {need!r}")
                if c.get("agg", "sum") not in AGGS:
                    self.err(f"collect {n!r}: 'agg' must be one of {', '.join(AGGS)}")
                if src == "console":
                    try:
                        if re.compile(c["regex"]).groups != 1:
                            self.err(f"collect {n!r}: the regex needs exactly one group")
                    except re.error as e:
                        self.err(f"collect {n!r}: bad regex: {e}")
                if src == "footprint" and self.method != "footprint":
                    self.err(f"collect {n!r}: from footprint needs method footprint")
                host = src in HOST_SOURCES or (src == "summary" and c["path"].startswith("host."))
            if host and not n.startswith("host_"):
                self.err(f"collect {n!r} depends on the host: name it host_{n}")
            if not host and n.startswith("host_") and "expr" not in c:
                pass  # a host_ name for a deterministic value is allowed (kept apart anyway)
            names.append(n)
            self.collect.append(c)
        self.relative = []
        for r in d.get("relative", []):
            if not isinstance(r, dict) or not {"name", "of", "baseline"} <= set(r):
                self.err("relative: each is {'name', 'of', 'baseline'}")
            if r["of"] not in names or r["name"] in names or r["name"] in RESERVED or not NAME_RE.match(r["name"]):
                self.err(f"relative {r.get('name')!r}: 'of' must be collected, 'name' new")
            if r["of"].startswith("host_") != r["name"].startswith("host_"):
                self.err(f"relative {r['name']!r}: host_ if and only if {r['of']!r} is")
            if not isinstance(r["baseline"], dict) or not set(r["baseline"]) <= set(self.axes):
                self.err(f"relative {r['name']!r}: 'baseline' sets axes")
            names.append(r["name"])
            self.relative.append(r)
        self.measured = [n for n in names[len(self.axes) + len(self.sets):]]

    def _expr_names(self, n, expr):
        import ast
        try:
            tree = ast.parse(expr, mode="eval")
        except SyntaxError:
            self.err(f"collect {n!r}: bad expr {expr!r}")
        ok = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Name, ast.Load, ast.Constant, ast.Add,
              ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow, ast.USub, ast.UAdd)
        for node in ast.walk(tree):
            if not isinstance(node, ok):
                self.err(f"collect {n!r}: expr may use + - * / // % ** and names only")
        return [node.id for node in ast.walk(tree) if isinstance(node, ast.Name)]

    def _check_plot(self):
        p = self.d.get("plot")
        if p is None:
            return
        cols = set(self.axes) | set(self.measured)
        if not isinstance(p, dict) or p.get("x") not in self.axes or not isinstance(p.get("y"), list):
            self.err("'plot' wants 'x' (an axis) and 'y' (a list of columns)")
        for y in p["y"]:
            if y not in cols:
                self.err(f"plot: y {y!r} is no column")
        for pp in self.d.get("paper", {}).get("points", []):
            if not isinstance(pp, dict) or not {"x", "y", "column"} <= set(pp) or pp["column"] not in cols:
                self.err("paper.points: each is {'x', 'y', 'column'[, 'label']}")

    # ---- expansion ---------------------------------------------------------------------

    def repeats(self, mode):
        """How many times each point's command runs in this mode (1 without 'repeat')."""
        return _per_mode(self.d.get("repeat", 1), mode)

    def columns(self):
        """The CSV's columns, in order: the deterministic ones, then the host's."""
        det = [c for c in self.measured if not c.startswith("host_")]
        host = [c for c in self.measured if c.startswith("host_")]
        det += ["repeats"] if self.has_repeat else []
        return (["experiment", "point"] + self.axes + self.sets + det + ["version", "command"]
                + ["host_wall_s"] + [h for h in host if h != "host_wall_s"])

    def points(self, mode, overrides=None):
        """The sweep's points in this mode: a list of Point, in axis order."""
        overrides = overrides or {}
        sets = {}
        for s in self.sets:
            sets[s] = overrides.get(s, _per_mode(self.d["set"][s], mode))
        per_axis = []
        for a in self.axes:
            vals = [self._axis_value(a, v) for v in _per_mode(self.d["axes"][a], mode)]
            if a in overrides:
                want = overrides[a].split(",") if isinstance(overrides[a], str) else [overrides[a]]
                got = [v for v in vals if str(v[0]) in want]
                missing = set(want) - {str(v[0]) for v in vals}
                for m in missing:  # a value the description does not list: plain, no 'with'
                    if not VALUE_RE.match(m):
                        raise DescError(f"--set {a}={m}: not a value [A-Za-z0-9_.+]")
                    got.append((int(m) if m.isdigit() else m, {}))
                vals = got
            per_axis.append(vals)
        pts = []
        for combo in itertools.product(*per_axis):
            params = {a: v for a, (v, _) in zip(self.axes, combo)}
            withs = {k: "" for k in self.withs}
            for _, w in combo:
                withs.update(w)
            pts.append(Point(self, mode, params, sets, withs))
        return pts


class Point:
    def __init__(self, exp, mode, params, sets, withs):
        self.exp, self.mode = exp, mode
        self.params = dict(params)
        self.sets = dict(sets)
        self.withs = withs
        self.name = ".".join(f"{a}-{v}" for a, v in params.items())

    def values(self, build, override=None):
        v = {"build": build, "guests": os.path.join(build, "guests"),
             "bench_guests": os.path.join(build, "bench", "guests"), "mode": self.mode}
        v.update(self.withs)
        v.update(self.sets)
        v.update(self.params)
        v.update(override or {})
        return v

    def render(self, build, override=None):
        """(argv after `denali run`, scenario text or None, sample argv or None)."""
        v = self.values(build, override)
        d = self.exp.d
        scen = d["scenario"].format(**v) if "scenario" in d else None
        cmd = shlex.split(d["command"].format(**v))
        sample = shlex.split(d["sample_command"].format(**v)) if "sample_command" in d else None
        return cmd, scen, sample

    def key(self, build):
        """What the point's result depends on: resume reruns a point whose key changed."""
        cmd, scen, sample = self.render(build)
        what = [self.exp.name, self.params, self.sets, cmd, scen, sample,
                self.exp.d.get("collect"), self.exp.d.get("baseline")]
        if self.exp.has_repeat:  # only then: the keys of descriptions without it stay as they were
            what.append(self.exp.repeats(self.mode))
        blob = json.dumps(what, sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


def load_all(dirpath):
    """Every description in dirpath, by name; the first malformed one raises DescError."""
    try:
        files = sorted(f for f in os.listdir(dirpath) if f.endswith(".json"))
    except OSError as e:
        raise DescError(f"{dirpath}: cannot list: {e.strerror}")
    return {e.name: e for e in (Experiment(os.path.join(dirpath, f)) for f in files)}
