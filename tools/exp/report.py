"""report.py - an experiment's plot (PNG and SVG, the paper's points beside ours) and
docs/results.md with those plots in docs/results/, written from the CSVs alone. The same CSV
gives the same plot bytes (with the same matplotlib): no dates, no version, fixed SVG ids."""
import csv
import itertools
import os
import re
import shutil


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def _f(x):
    try:
        return float(x)
    except (TypeError, ValueError):
        return None


def _series(exp, rows):
    """Rows split by the axes other than x (and any 'fixed' filter): [(label, rows)]."""
    p = exp.d["plot"]
    others = [a for a in exp.axes if a != p["x"] and a not in p.get("fixed", {})]
    rows = [r for r in rows if all(str(r[k]) == str(v) for k, v in p.get("fixed", {}).items())]
    keyf = lambda r: tuple(r[a] for a in others)
    out = []
    for k, grp in itertools.groupby(sorted(rows, key=keyf), key=keyf):
        label = ", ".join(f"{a}={v}" for a, v in zip(others, k))
        out.append((label, sorted(grp, key=lambda r: _f(r[p["x"]]) or 0)))
    return out


def plot(exp, csv_path, out_base):
    """Write out_base.png and out_base.svg; returns a note when matplotlib is missing."""
    if "plot" not in exp.d:
        return None
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "no plot: python3-matplotlib is not installed (apt-get install python3-matplotlib); the CSV is written"
    # Reproducible bytes: the SVG's ids hash from a fixed salt rather than a random one.
    matplotlib.rcParams["svg.hashsalt"] = "denali-" + exp.name
    p = exp.d["plot"]
    rows = read_csv(csv_path)
    ys = p["y"]
    fig, axs = plt.subplots(1, len(ys), figsize=(5.5 * len(ys), 4.2), squeeze=False)
    for ax, y in zip(axs[0], ys):
        for label, grp in _series(exp, rows):
            xs = [_f(r[p["x"]]) for r in grp]
            vs = [_f(r[y]) for r in grp]
            pts = [(a, b) for a, b in zip(xs, vs) if a is not None and b is not None]
            if pts:
                ax.plot(*zip(*pts), marker="o", label=f"ours {label}".strip())
        paper = [pp for pp in exp.d.get("paper", {}).get("points", []) if pp["column"] == y]
        for label, grp in itertools.groupby(paper, key=lambda pp: pp.get("label", "paper")):
            grp = list(grp)
            ax.plot([g["x"] for g in grp], [g["y"] for g in grp], "k--", marker="s", label=label)
        if p.get("logx"):
            ax.set_xscale("log")
        if p.get("logy"):
            ax.set_yscale("log")
        ax.set_xlabel(p.get("xlabel", p["x"]))
        ax.set_ylabel(p.get("ylabels", {}).get(y, y))
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=7)
    shape = exp.d.get("paper", {}).get("shape")
    fig.suptitle(exp.title + (f" ({exp.d['figure']})" if exp.d.get("figure") else ""), fontsize=10)
    if shape:
        fig.text(0.01, 0.01, "paper: " + shape, fontsize=7, wrap=True)
    fig.tight_layout(rect=(0, 0.08 if shape else 0, 1, 0.95))
    # ... and neither file says when or with which matplotlib it was drawn.
    fig.savefig(out_base + ".png", dpi=110, metadata={"Software": None})
    fig.savefig(out_base + ".svg", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    return None


# ---- docs/results.md ---------------------------------------------------------------------

def _fmt(v):
    x = _f(v)
    if x is None:
        return str(v)
    if x == int(x):
        return f"{int(x):,}"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 1:
        return f"{x:.2f}"
    return f"{x:.3f}"


def fill(text, rows, name):
    """Replace [[COL|k=v,k=v]] (the first row matching), [[max:COL|...]] and [[min:COL|...]]
    (over the rows matching) with numbers from the CSV's rows; a pct: prefix prints a fraction
    as a signed percentage."""
    def sub(m):
        pct, how, col, filt = m.group(1), m.group(2), m.group(3), m.group(4) or ""
        want = dict(kv.split("=", 1) for kv in filt.split(",") if kv)
        sel = [r for r in rows if all(str(r.get(k)) == v for k, v in want.items())]
        vals = [_f(r.get(col)) for r in sel if _f(r.get(col)) is not None]
        if not vals:
            return f"(no {col} for {filt or 'any point'} in {name}.csv)"
        v = max(vals) if how == "max" else min(vals) if how == "min" else vals[0]
        return f"{v * 100:+.0f}%" if pct else _fmt(v)
    return re.sub(r"\[\[(pct:)?(?:(max|min):)?([a-z0-9_]+)(?:\|([^\]]*))?\]\]", sub, text)


def docs_plot(exp, out_dir, img_dir):
    """The experiment's plot as img_dir/NAME.png and .svg: drawn from OUT/NAME.csv, or, without
    matplotlib here, copied from OUT/NAME.png and .svg if they are no older than the CSV.
    Returns None, or one line saying why there is no plot (and none is left in img_dir)."""
    name = exp.name
    csv_path = os.path.join(out_dir, name + ".csv")
    base = os.path.join(img_dir, name)
    os.makedirs(img_dir, exist_ok=True)
    if plot(exp, csv_path, base) is None:
        return None
    src = os.path.join(out_dir, name)
    if all(os.path.isfile(src + x) and os.path.getmtime(src + x) >= os.path.getmtime(csv_path)
           for x in (".png", ".svg")):
        for x in (".png", ".svg"):
            shutil.copyfile(src + x, base + x)
        return None
    for x in (".png", ".svg"):  # an older plot would not show this CSV
        if os.path.exists(base + x):
            os.remove(base + x)
    return (f"No plot: python3-matplotlib was missing when this was written, and the run's own {name}.png "
            f"was missing or older than {name}.csv (`tools/exp/run {name}` with matplotlib draws it).")


def results_md(exps, out_dir, md_path):
    """md_path from OUT's CSVs, with each experiment's plot in results/ beside it."""
    md_dir = os.path.dirname(os.path.abspath(md_path))
    img_dir = os.path.join(md_dir, "results")
    lines = ["# Results: ours beside the paper's", "",
             "Generated by `tools/exp/run --results` from the CSVs of `tools/exp/run all --quick`"
             " (docs/experiments.md, \"Experiments: tools/exp\"). Every number and plot below comes from those CSVs"
             " (the plots are in results/ beside this file); "
             "the paper's figures are Whitaker, Shaw and Gribble, OSDI 2002, on a 1.7 GHz Pentium 4 with 1 GB. "
             "Columns named host_ are host time or host memory of the machine the points ran on; the rest "
             "are the same on any rerun of the same code under the virtual clock.", ""]
    for name, exp in exps.items():
        lines.append(f"## {exp.title}" + (f" (the paper's {exp.d['figure']})" if exp.d.get("figure") else ""))
        lines.append("")
        if exp.status != "ready":
            lines += [f"To come: {exp.d.get('why', 'not implemented yet')}", ""]
            continue
        path = os.path.join(out_dir, name + ".csv")
        if not os.path.exists(path):
            lines += [f"Not run yet: `tools/exp/run {name}` writes {name}.csv.", ""]
            continue
        rows = read_csv(path)
        p = exp.d.get("plot", {})
        show = [a for a in exp.axes] + [c for c in p.get("y", []) if c not in exp.axes]
        show += [c for c in exp.d.get("paper", {}).get("table_extra", []) if c not in show]
        reps = sorted({r.get("repeats") for r in rows if r.get("repeats")}, key=lambda x: _f(x) or 0)
        lines.append(f"{len(rows)} points, code {rows[0]['version'] if rows else '?'}"
                     + (f"; each ran {' or '.join(reps)} times, its host_ columns the medians"
                        if reps and reps != ["1"] else "") + ".")
        lines.append("")
        lines.append("| " + " | ".join(show) + " |")
        lines.append("|" + "|".join(" --- " for _ in show) + "|")
        for r in rows:
            lines.append("| " + " | ".join(_fmt(r.get(c, "")) for c in show) + " |")
        lines.append("")
        if p:
            note = docs_plot(exp, out_dir, img_dir)
            if note:
                lines += [note, ""]
            else:
                alt = re.sub(r"[\[\]]", "", exp.title)
                lines += [f"![{alt}](results/{name}.png)", "",
                          f"The plot as SVG: [{name}.svg](results/{name}.svg).", ""]
        paper = exp.d.get("paper", {})
        if paper.get("shape"):
            lines += ["**The paper:** " + paper["shape"], ""]
        if paper.get("points"):
            lines.append("The paper's points drawn beside ours: " + "; ".join(
                f"{pp.get('label', 'paper')} at {exp.d['plot']['x']}={pp['x']}: {pp['y']} ({pp['column']})"
                for pp in paper["points"]) + ".")
            lines.append("")
        if exp.d.get("discussion"):
            lines += ["**Ours against it:** " + fill(exp.d["discussion"], rows, name), ""]
    with open(md_path, "w") as f:
        f.write("\n".join(lines).rstrip() + "\n")
