"""measure.py - the measurements a statistics file cannot give: the context-switch intervals
from switch.elf's console, and the host memory of a run of idle VMs from /proc."""
import os
import re
import signal
import statistics
import subprocess
import time


class MeasureError(Exception):
    pass


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ""


# ---- the context switch (build/bench/guests/switch.elf) ----------------------------------

def switch_figures(console, nvms):
    """From switch.elf's lines (console = prefix), every switch interval in ns: a VM's t1 minus
    the t0 of the yield that handed over the CPU, less one clock read. The readings are the low
    32 bits of the host clock, unwrapped around the first one."""
    marks, reads, vms = [], [], set()
    for line in console.splitlines():
        line = re.sub(r"^\[vm \d+\] ", "", line)
        m = re.match(r"switch vm=(\d+) iters=\d+ read=(\d+)$", line)
        if m:
            vms.add(int(m.group(1)))
            reads.append(int(m.group(2)))
            continue
        m = re.match(r"sw (\d+) (.*)$", line)
        if m:
            vm = int(m.group(1))
            for pair in m.group(2).split():
                a, b = (int(x, 16) for x in pair.split(":"))
                marks.append((a, 0, vm))   # it yields
                marks.append((b, 1, vm))   # it runs again
    if len(vms) != nvms or not marks:
        raise MeasureError(f"switch: output from {len(vms)} of {nvms} VMs")
    first = marks[0][0]
    marks = sorted((((t - first + (1 << 31)) & 0xFFFFFFFF) - (1 << 31), k, vm) for t, k, vm in marks)
    read_ns = statistics.median(reads)
    gaps, stray = [], 0
    for prev, cur in zip(marks, marks[1:]):
        if cur[1] != 1:
            continue
        if prev[1] == 0 and ((prev[2] != cur[2]) == (nvms > 1)):
            gaps.append(cur[0] - prev[0] - read_ns)
        else:
            stray += 1
    if not gaps or stray > len(gaps) // 10:
        raise MeasureError(f"switch: {stray} of {stray + len(gaps)} resumptions followed no yield")
    gaps.sort()
    return {"median_ns": statistics.median(gaps), "mean_ns": statistics.fmean(gaps),
            "p90_ns": gaps[int(len(gaps) * 0.9)], "min_ns": gaps[0], "switches": len(gaps),
            "clock_read_ns": read_ns}


# ---- host memory of idle VMs --------------------------------------------------------------

def _kb(text, field):
    m = re.search(rf"^{field}:\s*(\d+) kB", text, re.M)
    return int(m.group(1)) * 1024 if m else 0


def proc_memory(pid):
    """RSS, Pss (shared pages divided among their mappers), page tables and the guest arena's
    Pss (the 64 TiB reservation mmu/mem.c makes, with the image windows inside it), in bytes."""
    status = read(f"/proc/{pid}/status")
    maps, cur = [], None
    for line in read(f"/proc/{pid}/smaps").splitlines():
        f = line.split()
        if len(f) >= 5 and "-" in f[0] and not f[0].endswith(":"):
            lo, hi = (int(x, 16) for x in f[0].split("-"))
            cur = [lo, hi, " ".join(f[5:]), 0]
            maps.append(cur)
        elif f and f[0] == "Pss:" and cur is not None:
            cur[3] = int(f[1]) * 1024
    arena_maps = [m for m in maps if "denali-image" in m[2] or (not m[2] and m[1] - m[0] >= 1 << 40)]
    arena = 0
    if arena_maps:
        lo, hi = min(m[0] for m in arena_maps), max(m[1] for m in arena_maps)
        arena = sum(m[3] for m in maps if lo <= m[0] < hi)
    return {"rss": _kb(status, "VmRSS"), "pte": _kb(status, "VmPTE"),
            "pss": _kb(read(f"/proc/{pid}/smaps_rollup"), "Pss"), "arena": arena}


def sample_idle(argv, cwd, timeout):
    """Start argv (a denali run whose VMs all end up idle), wait until the process sleeps (state
    S in three samples 20 ms apart: every VM idles and the kernel waits for a timeout), read its
    memory, kill it. Returns proc_memory's figures and the seconds it took to settle."""
    start = time.monotonic()
    try:
        p = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    except OSError as e:
        raise MeasureError(f"cannot run {argv[0]}: {e.strerror}")
    try:
        asleep = 0
        while asleep < 3:
            time.sleep(0.02)
            if p.poll() is not None:
                raise MeasureError(f"footprint: the run ended early: {p.stderr.read().strip()[-200:]}")
            stat = read(f"/proc/{p.pid}/stat")
            state = stat.rsplit(")", 1)[1].split()[0] if ")" in stat else "?"
            asleep = asleep + 1 if state == "S" else 0
            if time.monotonic() - start > timeout:
                raise MeasureError(f"footprint: the VMs did not all idle within {timeout} s")
        fig = proc_memory(p.pid)
        fig["settle_s"] = time.monotonic() - start - 0.04
    finally:
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
        p.wait()
    return fig
