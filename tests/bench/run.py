#!/usr/bin/env python3
"""run.py - `make bench`: run the kernel benchmarks, print a table, write BUILD/bench/results.json.

Nothing here asserts a time: it measures and reports. A result that cannot be measured (a guest
that printed nothing usable, a run refused) is an error, since a wrong number is worse than none.
A comparison this host cannot make (an i386 program on a 64-bit-only kernel, QEMU not installed)
is not an error: it is one line saying why, and the rest runs. Nothing ends in a traceback.

Each benchmark is a function in BENCHES taking the context and returning a dict
{"title", "rows", "notes"}; every row is a dict with its parameters and figures. The CPU-speed
workloads run against native x86-64, native i386 where the host runs it, and qemu-i386 where
installed.

  python3 tests/bench/run.py --build build [--runs N] [--quick] [--only switch,memory,upcall,display,net,web,cpu]
                             [--work hash,sort,interp,sieve,strings,fp] [--qemu PROGRAM|none]
"""
import argparse
import datetime
import errno
import json
import os
import platform
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

# ---- the machine ---------------------------------------------------------------------------


def read(path, default=""):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return default


def machine(build):
    cpu = re.search(r"^model name\s*:\s*(.*)$", read("/proc/cpuinfo"), re.M)
    mem = re.search(r"^MemTotal:\s*(\d+) kB", read("/proc/meminfo"), re.M)
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    try:
        version = subprocess.run([os.path.join(build, "denali"), "--version"], capture_output=True,
                                 text=True, timeout=60).stdout.strip()
    except (OSError, subprocess.SubprocessError) as e:
        version = f"unknown ({e})"
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu.group(1).strip() if cpu else platform.processor() or "unknown",
        "nproc": len(os.sched_getaffinity(0)),
        "mem_total_bytes": int(mem.group(1)) * 1024 if mem else 0,
        "kernel": platform.system() + " " + platform.release(),
        "loadavg_at_start": os.getloadavg()[0],
        "commit": commit,
        "denali": version,
    }


def mem_available():
    m = re.search(r"^MemAvailable:\s*(\d+) kB", read("/proc/meminfo"), re.M)
    return int(m.group(1)) * 1024 if m else 0


# ---- statistics -----------------------------------------------------------------------------


def summary(values):
    """Median and spread of one figure over runs."""
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "runs": len(values), "values": values}


def fmt(x, digits=0):
    return f"{x:,.{digits}f}"


# ---- running the emulator -------------------------------------------------------------------


class BenchError(Exception):
    pass


def denali(ctx, args, timeout=600):
    """Run `denali run ARGS`; return (stdout, stderr, status)."""
    cmd = [ctx.denali, "run", "--no-progress"] + args
    try:
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except OSError as e:
        raise BenchError(f"cannot run {ctx.denali}: {e.strerror}")
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        raise BenchError("timed out: " + " ".join(cmd))
    return out, err, p.returncode


def cpu_seconds_of(ctx, args):
    """Run denali with --stats; return (stdout, status, child CPU seconds, summary.json). The
    child's CPU time is the change in RUSAGE_CHILDREN, which only our own children move."""
    with tempfile.TemporaryDirectory(prefix="denali-bench-") as tmp:
        stats = os.path.join(tmp, "stats")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        out, err, status = denali(ctx, args + ["--stats", stats])
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        try:
            with open(os.path.join(stats, "summary.json")) as f:
                js = json.load(f)
        except (OSError, ValueError):
            js = None
    if js is None:
        raise BenchError("no summary.json from: denali run " + " ".join(args) + "\n" + err)
    return out, status, cpu, js


# ---- 1. context switch ----------------------------------------------------------------------

SWITCH_VMS = (1, 2, 16)
SWITCH_KIB = (0, 64, 256, 1024)
# Recorded iterations per VM: fewer for the big buffers, whose walks dominate the run time.
SWITCH_ITERS = {0: 400, 64: 300, 256: 200, 1024: 100}
SWITCH_WARM = 5


def switch_intervals(out, nvms):
    """The switch intervals (ns) of one run, from every VM's t0/t1 readings (see switch.c)."""
    events, reads, seen = [], [], set()
    for line in out.splitlines():
        line = re.sub(r"^\[vm \d+\] ", "", line)
        m = re.match(r"switch vm=(\d+) iters=(\d+) read=(\d+)$", line)
        if m:
            seen.add(int(m.group(1)))
            reads.append(int(m.group(3)))
            continue
        m = re.match(r"sw (\d+) (.*)$", line)
        if m:
            vm = int(m.group(1))
            for pair in m.group(2).split():
                t0, t1 = (int(x, 16) for x in pair.split(":"))
                events.append((t0, 0, vm))  # 0: this VM yields
                events.append((t1, 1, vm))  # 1: this VM runs again
    if len(seen) != nvms or not events:
        raise BenchError(f"switch: expected output from {nvms} VMs, got {len(seen)}")
    # Readings are the low 32 bits of one clock: unwrap them around the first, the whole
    # recorded window being far shorter than 2^31 ns.
    ref = events[0][0]
    events = [(((t - ref + (1 << 31)) & 0xFFFFFFFF) - (1 << 31), k, vm) for t, k, vm in events]
    events.sort()
    read = statistics.median(reads)
    gaps, odd = [], 0
    for prev, cur in zip(events, events[1:]):
        if cur[1] != 1:
            continue
        # A resumption follows the yield that handed over the CPU: from another VM when there
        # are several (round-robin), from itself when it is alone.
        if prev[1] == 0 and (prev[2] != cur[2]) == (nvms > 1):
            gaps.append(cur[0] - prev[0] - read)
        else:
            odd += 1
    if odd > len(gaps) // 10 or not gaps:
        raise BenchError(f"switch: {odd} of {odd + len(gaps)} resumptions did not follow a yield")
    return gaps, read


def bench_switch(ctx):
    rows = []
    for kib in SWITCH_KIB:
        for n in SWITCH_VMS:
            iters = SWITCH_ITERS[kib] // (2 if ctx.quick else 1)
            medians, means, p90s, reads, count = [], [], [], [], 0
            for _ in range(ctx.runs):
                out, err, status = denali(ctx, [
                    "--clock", "host", "--quantum", "1000000000", "--vms", str(n), "--mem", "2M",
                    "--console", "prefix", "--args", f"{iters} {SWITCH_WARM} {kib}", ctx.guest("switch")])
                if status != 0:
                    raise BenchError(f"switch: status {status}: {err.strip()}")
                gaps, read = switch_intervals(out, n)
                gaps.sort()
                medians.append(statistics.median(gaps))
                means.append(statistics.fmean(gaps))
                p90s.append(gaps[int(len(gaps) * 0.9)])
                reads.append(read)
                count = len(gaps)
            rows.append({"vms": n, "buffer_kib": kib, "switches_per_run": count,
                         "median_ns": summary(medians), "mean_ns": summary(means),
                         "p90_ns": summary(p90s), "clock_read_ns": statistics.median(reads)})
    return {
        "title": "VM context switch (IDLE 0 in one VM to the next instruction of the next VM)",
        "rows": rows,
        "columns": [("VMs", lambda r: str(r["vms"])), ("buffer", lambda r: f"{r['buffer_kib']} KiB"),
                    ("median ns", lambda r: fmt(r["median_ns"]["median"])),
                    ("spread", lambda r: f"{fmt(r['median_ns']['min'])}-{fmt(r['median_ns']['max'])}"),
                    ("mean ns", lambda r: fmt(r["mean_ns"]["median"])),
                    ("p90 ns", lambda r: fmt(r["p90_ns"]["median"])),
                    ("switches/run", lambda r: str(r["switches_per_run"]))],
        "notes": [f"median over the switches of one run, then median (and min-max) over {ctx.runs} runs;",
                  "each VM walks its buffer (one read+write per 64-byte line) before every yield;",
                  "measured by the guests with the host clock (--clock host), one clock read "
                  "(about %s ns) subtracted" % fmt(statistics.median(r["clock_read_ns"] for r in rows))],
    }


# ---- 2. per-VM host memory --------------------------------------------------------------------

MEM_VMS = (1000, 10000, 100000, 1000000)
MEM_GUEST_PAGES = 4          # pages of .bss each idle guest writes (idle.c)
MEM_SIZE = "64K"             # guest memory: the span reserved, not what is resident
MEM_IDLE_US = 600000000      # the IDLE timeout: longer than any measurement
MEM_SWAP_BUDGET = "4M"       # the swapped rows' --mem-budget: all but ~150 idle VMs go out
MEM_EST_BYTES_PER_VM = {"resident": 48 << 10, "swapped": 4 << 10}  # for the safety check (peak RSS per VM, measured)


def proc_figures(pid):
    """Memory of process pid: RSS, Pss (a page shared by many mappings counted once), the guest
    arena's resident bytes, and page tables (bytes)."""
    status = read(f"/proc/{pid}/status")
    def field(text, name):
        m = re.search(rf"^{name}:\s*(\d+) kB", text, re.M)
        return int(m.group(1)) * 1024 if m else 0
    # The arena is one reservation of 64 TiB (mmu/mem.c); the windows that map an image split it
    # into pieces (the image's memfd mappings and the anonymous spans between them). Its range
    # runs from the first such piece to the last; every mapping in it is guest memory.
    maps, cur = [], None
    for line in read(f"/proc/{pid}/smaps").splitlines():
        f = line.split()
        if f and "-" in f[0] and len(f) >= 5 and not f[0].endswith(":"):
            lo, hi = (int(x, 16) for x in f[0].split("-"))
            cur = {"lo": lo, "hi": hi, "path": " ".join(f[5:]), "pss": 0}
            maps.append(cur)
        elif f and f[0] == "Pss:" and cur is not None:
            cur["pss"] = int(f[1]) * 1024
    pieces = [m for m in maps if "denali-image" in m["path"] or (not m["path"] and m["hi"] - m["lo"] >= 1 << 40)]
    arena = 0
    if pieces:
        lo, hi = min(m["lo"] for m in pieces), max(m["hi"] for m in pieces)
        arena = sum(m["pss"] for m in maps if lo <= m["lo"] < hi)
    rollup = read(f"/proc/{pid}/smaps_rollup")
    return {"rss": field(status, "VmRSS"), "hwm": field(status, "VmHWM"), "pte": field(status, "VmPTE"),
            "pss": field(rollup, "Pss"), "arena": arena}


def idle_footprint(ctx, nvms, budget=None):
    """Start nvms idle VMs (under budget, or all resident), wait until every one idles, and
    measure the process."""
    cmd = [ctx.denali, "run", "--no-progress", "--clock", "host", "--vms", str(nvms), "--mem",
           MEM_SIZE, "--console", "none", "--args", f"{MEM_GUEST_PAGES} {MEM_IDLE_US}"]
    if budget:
        cmd += ["--mem-budget", budget]
    cmd.append(ctx.guest("idle"))
    start = time.monotonic()
    try:
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    except OSError as e:
        raise BenchError(f"cannot run {ctx.denali}: {e.strerror}")
    try:
        # Every VM idles once the kernel sleeps until the first timeout: the process then
        # stays in state S. Three samples in a row, 20 ms apart, make that certain.
        asleep = 0
        while asleep < 3:
            time.sleep(0.02)
            if p.poll() is not None:
                raise BenchError(f"memory: {nvms} VMs ended early: {p.stderr.read().strip()}")
            stat = read(f"/proc/{p.pid}/stat")
            state = stat.rsplit(")", 1)[1].split()[0] if ")" in stat else "?"
            asleep = asleep + 1 if state == "S" else 0
            if time.monotonic() - start > 600:
                raise BenchError(f"memory: {nvms} VMs did not all idle within 600 s")
        settled = time.monotonic() - start - 0.04
        fig = proc_figures(p.pid)
        # utime and stime (fields 14 and 15 of /proc/PID/stat), in clock ticks.
        ticks = read(f"/proc/{p.pid}/stat").rsplit(")", 1)[1].split()[11:13]
        fig["cpu_seconds"] = sum(int(t) for t in ticks) / os.sysconf("SC_CLK_TCK")
    finally:
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
        p.wait()
    fig["settle_seconds"] = settled
    return fig


def lifecycle(ctx, nvms):
    """Every VM created, idle at once, swapped out, woken by its timer, back in, terminated, in one
    run under the virtual clock: the pager's figures from summary.json."""
    with tempfile.TemporaryDirectory() as tmp:
        # The timeout outlasts the creation of every VM (264 instructions each to its IDLE).
        start = time.monotonic()
        out, err, status = denali(ctx, ["--vms", str(nvms), "--mem", MEM_SIZE, "--console", "none",
                                        "--mem-budget", MEM_SWAP_BUDGET, "--stats", tmp, "--args",
                                        f"{MEM_GUEST_PAGES} 10000000", ctx.guest("idle")], timeout=1800)
        wall = time.monotonic() - start
        if status != 0:
            raise BenchError(f"memory: the {nvms}-VM lifecycle run ended with status {status}: {err.strip()}")
        with open(os.path.join(tmp, "summary.json")) as f:
            s = json.load(f)
    m, h = s["memory"], s["host"]
    pages = m["pages_out"] / max(m["swap_outs"], 1)
    return {"wall": wall, "peak_rss": h["peak_rss_bytes"], "out_us": h["swap_out_us_per_vm"],
            "in_us": h["swap_in_us_per_vm"], "pages_per_vm": pages,
            "out_us_per_page": h["swap_out_us_per_vm"] / max(pages, 1),
            "in_us_per_page": h["swap_in_us_per_vm"] / max(pages, 1),
            "ratio": m["compression_ratio"], "swapped_peak": m["swapped_peak"],
            "swap_file": m["swap_file_peak_bytes"], "outs": m["swap_outs"]}


def bench_memory(ctx):
    counts = MEM_VMS[:2] if ctx.quick else MEM_VMS
    base = [idle_footprint(ctx, 1) for _ in range(ctx.runs)]
    b = {k: statistics.median(x[k] for x in base) for k in ("rss", "pss", "arena", "pte")}
    rows, notes = [], []
    for n in counts:
        for mode in ("resident", "swapped"):
            need = n * MEM_EST_BYTES_PER_VM[mode]
            if need > mem_available() // 2:
                notes.append(f"{n} VMs {mode} skipped: they need about {need >> 20} MiB, more than half "
                             f"of the {mem_available() >> 20} MiB available")
                continue
            runs = ctx.runs if n <= 10000 else 1
            per = {"rss": [], "pss": [], "guest": [], "host": [], "pte": [], "settle": [], "cpu": []}
            for _ in range(runs):
                f = idle_footprint(ctx, n, MEM_SWAP_BUDGET if mode == "swapped" else None)
                per["rss"].append((f["rss"] - b["rss"]) / (n - 1))
                pss = (f["pss"] - b["pss"]) / (n - 1)
                guest = (f["arena"] - b["arena"]) / (n - 1)
                per["pss"].append(pss)
                per["guest"].append(guest)
                per["host"].append(pss - guest)
                per["pte"].append((f["pte"] - b["pte"]) / (n - 1))
                per["settle"].append(f["settle_seconds"])
                per["cpu"].append(f["cpu_seconds"])
            row = {"vms": n, "mode": mode, "pss_bytes_per_vm": summary(per["pss"]),
                   "rss_bytes_per_vm": summary(per["rss"]),
                   "guest_bytes_per_vm": summary(per["guest"]),
                   "host_bytes_per_vm": summary(per["host"]),
                   "page_table_bytes_per_vm": summary(per["pte"]),
                   "seconds_to_idle": summary(per["settle"]),
                   "us_per_vm_to_idle": statistics.median(per["settle"]) / n * 1e6,
                   "cpu_seconds_to_idle": summary(per["cpu"])}
            if mode == "swapped":
                row["lifecycle"] = lifecycle(ctx, n)
            rows.append(row)
    sizes_prog = os.path.join(ctx.build, "bench", "sizes")
    try:
        sizes = json.loads(subprocess.run([sizes_prog], capture_output=True, text=True, check=True,
                                          timeout=60).stdout)
    except (OSError, subprocess.SubprocessError, ValueError) as e:
        raise BenchError(f"{sizes_prog}: no structure sizes: {e}")
    notes[:0] = [
        f"guest: idle.elf writes {MEM_GUEST_PAGES} pages of .bss, then IDLEs (--mem {MEM_SIZE}, "
        f"--clock host, timeout {MEM_IDLE_US // 1000000} s); measured once every VM idles; swapped rows "
        f"run with --mem-budget {MEM_SWAP_BUDGET}, so all but about 150 VMs are swapped out;",
        f"per VM = (Pss with N VMs - with 1 VM) / (N - 1), from /proc/PID/smaps_rollup (Pss counts a "
        f"page the VMs share once; RSS counts it once per window that maps it, and is shown for "
        f"comparison); median of {ctx.runs} runs" + ("; 100,000 and 1,000,000 VMs skipped (--quick)"
                                                      if ctx.quick else " (1 run from 100,000 VMs)") + ";",
        "guest = the guest-memory arena's resident pages (the VMs' own pages; the image's shared pages "
        "once); host = everything else (the VM structures, decoded-code cache, allocator); "
        "page tables = VmPTE, host kernel memory not counted in Pss;",
        "lifecycle (swapped rows): the same VMs under the virtual clock with a 10 s IDLE: all idle at "
        "once, swapped out, woken, back in and terminated in one run (summary.json's pager figures);",
        f"fixed heap structures per VM (build/bench/sizes): struct vm {sizes['struct_vm']} B, "
        f"console {sizes['struct_console']} B, timer {sizes['struct_timer']} B, NIC (never up) "
        f"{sizes['struct_net']} + {sizes['struct_net_stats']} B, code-cache hash "
        f"{sizes['cache_hash']} B and first pool {sizes['cache_first_pool']} B: "
        f"{sizes['heap_per_vm']} B before allocator overhead",
    ]
    def life(r, key, digits=1):
        return fmt(r["lifecycle"][key], digits) if "lifecycle" in r else "-"
    return {
        "title": "Host memory per idle VM, resident and swapped out",
        "rows": rows,
        "sizes": sizes,
        "baseline_1vm": b,
        "columns": [("VMs", lambda r: fmt(r["vms"])),
                    ("mode", lambda r: r["mode"]),
                    ("B/VM", lambda r: fmt(r["pss_bytes_per_vm"]["median"])),
                    ("spread", lambda r: f"{fmt(r['pss_bytes_per_vm']['min'])}-{fmt(r['pss_bytes_per_vm']['max'])}"),
                    ("guest B/VM", lambda r: fmt(r["guest_bytes_per_vm"]["median"])),
                    ("host B/VM", lambda r: fmt(r["host_bytes_per_vm"]["median"])),
                    ("RSS B/VM", lambda r: fmt(r["rss_bytes_per_vm"]["median"])),
                    ("PTE B/VM", lambda r: fmt(r["page_table_bytes_per_vm"]["median"])),
                    ("s to idle", lambda r: fmt(r["seconds_to_idle"]["median"], 2)),
                    ("us/VM to idle", lambda r: fmt(r["us_per_vm_to_idle"], 1))],
        "extra_tables": [("The pager over a whole run (swapped rows): every VM out once and back in",
                          [("VMs", lambda r: fmt(r["vms"])),
                           ("wall s", lambda r: life(r, "wall", 2)),
                           ("out us/VM", lambda r: life(r, "out_us", 2)),
                           ("in us/VM", lambda r: life(r, "in_us", 2)),
                           ("out us/page", lambda r: life(r, "out_us_per_page", 2)),
                           ("in us/page", lambda r: life(r, "in_us_per_page", 2)),
                           ("pages/VM", lambda r: life(r, "pages_per_vm", 2)),
                           ("LZ4 ratio", lambda r: life(r, "ratio", 1)),
                           ("swapped at once", lambda r: life(r, "swapped_peak", 0)),
                           ("peak RSS MiB", lambda r: fmt(r["lifecycle"]["peak_rss"] / 2**20, 0) if "lifecycle" in r else "-")],
                          [r for r in rows if "lifecycle" in r])],
        "notes": notes,
    }


# ---- 3. upcall cost -----------------------------------------------------------------------

UPCALL_QUANTUM = 200
UPCALL_CPU_HZ = 200000000    # 1 us = 200 instructions = one quantum: the timer is due each one
UPCALL_ITERS = 4000000


def bench_upcall(ctx):
    iters = UPCALL_ITERS // (2 if ctx.quick else 1)
    base = ["--quantum", str(UPCALL_QUANTUM), "--cpu-hz", str(UPCALL_CPU_HZ), "--console", "none"]
    per_cpu, per_wall, count, quanta = [], [], 0, 0
    pairs = ctx.runs * 2  # each pair is short and the difference is small: take more of them
    for _ in range(pairs):
        # Alternate the two runs so a change in the machine's load hits both alike.
        res = {}
        for mode in (0, 1):
            out, status, cpu, js = cpu_seconds_of(ctx, base + ["--args", f"{mode} {iters} 1", ctx.guest("upcall")])
            if status != 0:
                raise BenchError(f"upcall: mode {mode} ended with status {status}")
            res[mode] = (cpu, js["host"]["wall_seconds"], js["upcalls"], js["instructions"])
        if res[0][2] != 0 or res[1][2] == 0:
            raise BenchError(f"upcall: expected upcalls only with the timer, got {res[0][2]} and {res[1][2]}")
        count = res[1][2]
        quanta = res[1][3] // UPCALL_QUANTUM
        per_cpu.append((res[1][0] - res[0][0]) / count * 1e9)
        per_wall.append((res[1][1] - res[0][1]) / count * 1e9)
    row = {"upcalls_per_run": count, "quanta_per_run": quanta, "ns_per_upcall_cpu": summary(per_cpu),
           "ns_per_upcall_wall": summary(per_wall)}
    return {
        "title": "Upcall (batched virtual interrupt) cost",
        "rows": [row],
        "columns": [("upcalls/run", lambda r: fmt(r["upcalls_per_run"])),
                    ("ns/upcall (CPU)", lambda r: fmt(r["ns_per_upcall_cpu"]["median"])),
                    ("spread", lambda r: f"{fmt(r['ns_per_upcall_cpu']['min'])}-{fmt(r['ns_per_upcall_cpu']['max'])}"),
                    ("ns/upcall (wall)", lambda r: fmt(r["ns_per_upcall_wall"]["median"])),
                    ("spread ", lambda r: f"{fmt(r['ns_per_upcall_wall']['min'])}-{fmt(r['ns_per_upcall_wall']['max'])}")],
        "pairs": pairs,
        "notes": [f"upcall.elf: {iters:,} loop steps with a 1 us periodic timer and a handler that "
                  "counts and IRETs, against the same loop with no timer;",
                  f"--quantum {UPCALL_QUANTUM} --cpu-hz {UPCALL_CPU_HZ}: the timer is due at every "
                  "quantum start, the only delivery point it can use;",
                  "cost = (time with - time without) / upcalls, including the handler's two "
                  "instructions; CPU = the child's user+system time, wall = summary.json's "
                  f"wall_seconds; median (min-max) of {pairs} pairs; the wall figure is only "
                  "meaningful on an otherwise idle machine"],
    }


# ---- 3b. the display: what presenting costs the presenter and its neighbours ---------------

DISPLAY_SIZES = ((320, 200), (640, 480))
DISPLAY_PRESENTS = 2000          # PRESENTs of the presenting VM per run
DISPLAY_SPIN = 40000000          # loop steps of the neighbour (about 0.3 s of its quanta)


def bench_display(ctx):
    """One VM PRESENTs in a tight loop beside a computing neighbour; the neighbour's speed
    (its instructions over its own quanta's host time, vms-host.csv) with no presenter, with an
    unwatched display (no picture: PRESENT checks and counts), and with a watched one (a
    screenshot wants VM 0, so each PRESENT copies the frame)."""
    rows = []
    runs = ctx.runs
    for (w, h) in DISPLAY_SIZES:
        per = {"none": [], "unwatched": [], "watched": []}
        cost = {"unwatched": [], "watched": []}
        for _ in range(runs):
            for mode in ("none", "unwatched", "watched"):
                with tempfile.TemporaryDirectory(prefix="denali-bench-") as tmp:
                    n = 0 if mode == "none" else DISPLAY_PRESENTS
                    args = ["--vms", "2", "--console", "none", "--mem", "8M", "--stats", tmp,
                            "--args", f"{{id}} {w} {h} {n} {DISPLAY_SPIN}"]
                    if mode == "watched":
                        args += ["--screenshot", "exit:" + os.path.join(tmp, "shot.png")]
                    out, err, status = denali(ctx, args + [ctx.guest("present")])
                    if status != 0:
                        raise BenchError(f"display: {w}x{h} {mode} ended with status {status}: {err.strip()}")
                    ns = host_ns_by_vm(tmp)
                    with open(os.path.join(tmp, "summary.json")) as f:
                        js = json.load(f)
                    insns = {int(r.split(",")[0]): int(r.split(",")[2]) for r in
                             read(os.path.join(tmp, "vms.csv")).splitlines()[1:] if r}
                    per[mode].append(insns[1] * 1e3 / ns[1])
                    if n:
                        cost[mode].append(ns[0] / n / 1e3)
        row = {"size": f"{w}x{h}", "frame_bytes": w * h * 4,
               "neighbour_mips": {m: summary(v) for m, v in per.items()},
               "us_per_present": {m: summary(v) for m, v in cost.items()}}
        watched = statistics.median(cost["watched"])
        row["copy_gb_per_s"] = w * h * 4 / (watched * 1e3)
        rows.append(row)
    return {
        "title": "Display: a VM that PRESENTs in a tight loop, and its computing neighbour",
        "rows": rows,
        "columns": [("frame", lambda r: r["size"]),
                    ("neighbour MIPS alone", lambda r: fmt(r["neighbour_mips"]["none"]["median"])),
                    ("beside unwatched", lambda r: fmt(r["neighbour_mips"]["unwatched"]["median"])),
                    ("beside watched", lambda r: fmt(r["neighbour_mips"]["watched"]["median"])),
                    ("us/PRESENT unwatched", lambda r: fmt(r["us_per_present"]["unwatched"]["median"], 2)),
                    ("us/PRESENT watched", lambda r: fmt(r["us_per_present"]["watched"]["median"], 2)),
                    ("copy GB/s", lambda r: fmt(r["copy_gb_per_s"], 1))],
        "notes": [f"present.elf: VM 0 sets the mode and PRESENTs {DISPLAY_PRESENTS:,} times without "
                  f"waiting for line 6; VM 1 runs {DISPLAY_SPIN:,} loop steps; --clock virtual;",
                  "neighbour MIPS = its instructions / the host time of its own quanta (vms-host.csv), "
                  "so what the presenter costs it shows only as cache it evicts;",
                  "unwatched: no picture can show VM 0, so PRESENT checks the buffer and copies nothing; "
                  "watched: --screenshot exit wants VM 0, so each PRESENT copies the frame "
                  "(the presenter's us/PRESENT is its quanta's host time / PRESENTs);",
                  f"median of {runs} runs"],
    }


# ---- 3a. the network: device, switch and guest stack ---------------------------------------

NET_SIZES = (100, 1400)      # UDP payload bytes (the paper's Figure 2 sizes)
NET_BLAST = 20000            # datagrams per one-way run
NET_FLOOD = 200000           # frames per raw flood
NET_RTT = 2000               # round trips per echo run


def host_ns_by_vm(stats_dir):
    """vms-host.csv: each VM's host ns in its quanta, by vm_id."""
    rows = read(os.path.join(stats_dir, "vms-host.csv")).splitlines()[1:]
    return {int(r.split(",")[0]): int(r.split(",")[1]) for r in rows if r}


def counted(out, word):
    m = re.search(rf"\] \S+ {word} (\d+)$", out, re.M)
    if not m:
        raise BenchError(f"no '{word}' count in the output: {out.strip()[-300:]}")
    return int(m.group(1))


def bench_net(ctx):
    netcost = os.path.join(ctx.build, "bench", "netcost")
    try:
        lines = subprocess.run([netcost] + [str(n) for n in NET_SIZES], capture_output=True, text=True,
                               check=True, timeout=300).stdout.split("\n")
    except (OSError, subprocess.SubprocessError) as e:
        raise BenchError(f"netcost: {e}")
    device = {int(l.split()[0]): [float(x) for x in l.split()[1:]] for l in lines if l.strip()}
    rows = []
    blast = NET_BLAST // (4 if ctx.quick else 1)
    for size in NET_SIZES:
        for chatty in (False, True):
            send, recv = [], []
            for _ in range(ctx.runs):
                with tempfile.TemporaryDirectory(prefix="denali-bench-") as tmp:
                    args = f"{blast} {size}" + (" net.chatty" if chatty else "")
                    out, err, status = denali(ctx, ["--vms", "2", "--mem", "2M", "--console", "prefix",
                                                    "--stats", tmp, "--args", args, ctx.guest("udpblast")])
                    if status != 0:
                        raise BenchError(f"udpblast: status {status}: {err.strip()[-300:]}")
                    ns = host_ns_by_vm(tmp)
                send.append(ns[0] / counted(out, "sent"))
                recv.append(ns[1] / counted(out, "received"))
            d_send, d_switch, d_recv = device[size]
            rows.append({"size": size, "chatty": chatty, "send_ns": summary(send), "recv_ns": summary(recv),
                         "device_send_ns": d_send, "switch_ns": d_switch, "device_recv_ns": d_recv})
    plain = {r["size"]: r for r in rows if not r["chatty"]}
    for r in rows:
        base = plain[r["size"]]
        r["recv_vs_plain"] = r["recv_ns"]["median"] / base["recv_ns"]["median"] - 1
        r["send_vs_plain"] = r["send_ns"]["median"] / base["send_ns"]["median"] - 1
    # Frames per second through the switch, bare NICs, and the UDP round trip through the stack.
    flood = {}
    for size in (60, 1514):
        rates = []
        for _ in range(ctx.runs):
            with tempfile.TemporaryDirectory(prefix="denali-bench-") as tmp:
                n = NET_FLOOD // (4 if ctx.quick else 1)
                out, err, status = denali(ctx, ["--vms", "2", "--mem", "1M", "--console", "prefix", "--stats", tmp,
                                                "--args", f"{n} {size}", ctx.guest("netflood")])
                if status != 0:
                    raise BenchError(f"netflood: status {status}: {err.strip()[-300:]}")
                with open(os.path.join(tmp, "summary.json")) as f:
                    wall = json.load(f)["host"]["wall_seconds"]
                rates.append(counted(out, "received") / wall)
        flood[size] = summary(rates)
    rtt_virtual, rtt_host = [], []
    echo = os.path.join(ctx.build, "guests", "udpecho.elf")
    for _ in range(ctx.runs):
        with tempfile.TemporaryDirectory(prefix="denali-bench-") as tmp:
            ini = os.path.join(tmp, "echo.ini")
            with open(ini, "w") as f:
                f.write(f"[run]\nconsole = prefix\n[group server]\nimage = {echo}\nmem = 2M\n"
                        f"args = server 7 -n {NET_RTT}\n[group client]\nimage = {echo}\nmem = 2M\n"
                        f"args = client 10.0.0.1 7 -c {NET_RTT} -s 100\n")
            out, err, status = denali(ctx, ["--stats", tmp, ini])
            if status != 0:
                raise BenchError(f"udpecho: status {status}: {err.strip()[-300:]}")
            m = re.search(r"rtt min/avg/max = [0-9.]+/([0-9.]+)/", out)
            if not m:
                raise BenchError(f"udpecho: no rtt line: {out.strip()[-300:]}")
            rtt_virtual.append(float(m.group(1)) * 1000)
            with open(os.path.join(tmp, "summary.json")) as f:
                rtt_host.append(json.load(f)["host"]["wall_seconds"] / NET_RTT * 1e9)
    r100 = next(r for r in rows if r["size"] == 100 and r["chatty"])
    return {
        "title": "Network: host ns per UDP packet, split (the paper's Figure 2), and the chatty NIC",
        "rows": rows,
        "columns": [("payload", lambda r: f"{r['size']} B"), ("driver", lambda r: "chatty" if r["chatty"] else "1 I/O"),
                    ("send ns", lambda r: fmt(r["send_ns"]["median"])),
                    ("device", lambda r: fmt(r["device_send_ns"] * (12 if r["chatty"] else 1))),
                    ("switch", lambda r: fmt(r["switch_ns"])),
                    ("recv ns", lambda r: fmt(r["recv_ns"]["median"])),
                    ("device ", lambda r: fmt(r["device_recv_ns"] * (10 if r["chatty"] else 1))),
                    ("recv vs 1 I/O", lambda r: f"{r['recv_vs_plain'] * 100:+.0f}%")],
        "flood_fps": flood, "rtt_virtual_us": summary(rtt_virtual), "rtt_host_ns": summary(rtt_host),
        "notes": [f"send/recv ns: the sending or receiving VM's host time in its quanta (vms-host.csv) over "
                  f"the datagrams it handled, udpblast.elf, {blast:,} datagrams one way, median of {ctx.runs} runs; "
                  "it holds the device's share, the guest stack's (driver, UDP, IP, Ethernet, the upcall) and "
                  "the interpreter running it: stack = send ns - device;",
                  "device and switch: build/bench/netcost, the NIC's OUT of a SEND or RECV block and the switch "
                  "carrying one frame, without a guest (best of 2,000 rounds); chatty's device column counts "
                  "12 (send) and 10 (receive) port I/Os at the 1-I/O price, a lower bound: its extra OUTs are "
                  "refused requests, cheaper than a SEND;",
                  f"chatty driver (pcnet32's 10 I/Os per receive, 12 per send): 100-byte receive "
                  f"{r100['recv_vs_plain'] * 100:+.0f}%, send {r100['send_vs_plain'] * 100:+.0f}% "
                  "(the paper measured +42% for a 100-byte UDP receive);",
                  "frames/s through the switch, bare NICs (netflood.elf, 2 VMs, one way): "
                  + ", ".join(f"{sz} B {fmt(v['median'])}" for sz, v in flood.items()) + ";",
                  f"UDP round trip VM to VM (udpecho, 100 B, {NET_RTT:,}): "
                  f"{fmt(statistics.median(rtt_virtual), 1)} us of system time (deterministic clock), "
                  f"{fmt(statistics.median(rtt_host))} ns of host time each"],
    }


# ---- 3b. TCP and the web workload ------------------------------------------------------------

WEB_SERVERS = (1, 10, 100, 1000)
WEB_REQUESTS = 4000          # per load generator
WEB_LOADGENS = 4


def free_base(n):
    """A base port with n free ports after it on 127.0.0.1."""
    import random
    for _ in range(200):
        base = random.randrange(20000, 60000 - n)
        held = []
        try:
            for p in range(base, base + n):
                s = socket.socket()
                s.bind(("127.0.0.1", p))
                held.append(s)
            return base
        except OSError:
            pass
        finally:
            for s in held:
                s.close()
    raise BenchError(f"no {n} free ports in a row")


def wrk_run(ctx, nvms, path, seconds, conns, rxq):
    base = free_base(nvms)
    lua = None
    cmd = ["wrk", f"-t{min(nvms, 100) if nvms > 1 else 2}", f"-c{conns}", f"-d{seconds}s", "--timeout", "5s"]
    with tempfile.TemporaryDirectory(prefix="denali-bench-") as tmp:
        if nvms > 1:
            lua = os.path.join(tmp, "many.lua")
            with open(lua, "w") as f:
                f.write("local base, n = tonumber(os.getenv('WRK_BASE')), 0\n"
                        "function setup(thread)\n  thread.addr = wrk.lookup('127.0.0.1', tostring(base + n))[1]\n"
                        "  n = n + 1\nend\n")
            cmd += ["-s", lua]
        srv = subprocess.Popen([ctx.denali, "run", "--no-progress", "--vms", str(nvms), "--mem", "4M", "--console", "none",
                                "--net", "user", "--hostfwd", f"tcp::{base}" + ("+-*" if nvms > 1 else "-0") + ":80",
                                "-o", f"main.net_rxq={rxq}", "--args", "80 -q 2000 -b 16", ctx.guest_elf("httpd")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        time.sleep(1.0)
        env = dict(os.environ, WRK_BASE=str(base))
        out = subprocess.run(cmd + [f"http://127.0.0.1:{base}{path}"], capture_output=True, text=True, env=env,
                             timeout=seconds + 60).stdout
        try:
            srv.wait(timeout=60)
        except subprocess.TimeoutExpired:
            srv.kill()
            srv.wait()
    rps = re.search(r"Requests/sec:\s*([0-9.]+)", out)
    tps = re.search(r"Transfer/sec:\s*([0-9.]+)(KB|MB|GB)", out)
    errs = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if not rps:
        raise BenchError(f"wrk printed no rate: {out.strip()[-300:]}")
    mult = {"KB": 1e3, "MB": 1e6, "GB": 1e9}
    return (float(rps.group(1)), float(tps.group(1)) * mult[tps.group(2)] * 8 / 1e6 if tps else 0.0,
            sum(int(x) for x in errs.groups()) if errs else 0)


def bench_web(ctx):
    rows = []
    servers = WEB_SERVERS[:3] if ctx.quick else WEB_SERVERS
    for n in servers:
        rps_runs, err_runs = [], []
        for _ in range(ctx.runs):
            with tempfile.TemporaryDirectory(prefix="denali-bench-") as tmp:
                ini = os.path.join(tmp, "web.ini")
                with open(ini, "w") as f:
                    f.write(f"[run]\nconsole = prefix\n[group server]\nimage = {ctx.guest_elf('httpd')}\ncount = {n}\n"
                            f"mem = 4M\nnet_rxq = 256\nargs = 80 -q 30000 -b 32\n[group loadgen]\n"
                            f"image = {ctx.guest_elf('loadgen')}\ncount = {WEB_LOADGENS}\nmem = 4M\n"
                            f"args = loadgen {n} -c 10 -n {WEB_REQUESTS // (4 if ctx.quick else 1)} -a 1.0\n")
                out, err, status = denali(ctx, [ini], timeout=1800)
            gens = re.findall(r"loadgen: requests (\d+) errors (\d+) us (\d+) rps (\d+)", out)
            if len(gens) != WEB_LOADGENS:
                raise BenchError(f"web {n}: {len(gens)} load generators reported: {err.strip()[-300:]}")
            rps_runs.append(sum(int(g[3]) for g in gens))
            err_runs.append(sum(int(g[1]) for g in gens))
        rows.append({"kind": "loadgen", "servers": n, "rps": summary(rps_runs), "errors": max(err_runs)})
    have_wrk = shutil.which("wrk") is not None
    wrk_rows = []
    if have_wrk:
        for n, conns, rxq in ((1, 20, 512), (100, 100, 64)):
            r, mbps, errs = wrk_run(ctx, n, "/2258.bin", 5, conns, rxq)
            wrk_rows.append({"kind": "wrk", "servers": n, "rps": r, "errors": errs})
        _, to_host, _ = wrk_run(ctx, 1, "/134007.bin", 5, 20, 512)
    # TCP between two guests: 10 MB each way, n_tcp_bulk (system time is the emulated machine's).
    with tempfile.TemporaryDirectory(prefix="denali-bench-") as tmp:
        out, err, status = denali(ctx, ["--vms", "2", "--console", "prefix", "--stats", tmp, "--args",
                                        "bulk 10000000 1 2", os.path.join(ctx.build, "guests", "n_tcp_bulk.elf")])
        with open(os.path.join(tmp, "summary.json")) as f:
            js = json.load(f)
    if status != 0:
        raise BenchError(f"n_tcp_bulk: status {status}: {err.strip()[-300:]}")
    bits = 2 * 10_000_000 * 8
    gg_sys = bits / (js["system_time_ns"] / 1e9) / 1e6
    gg_host = bits / js["host"]["wall_seconds"] / 1e6
    notes = [f"loadgen: {WEB_LOADGENS} loadgen.elf VMs, 10 requests in flight each, one connection a request, "
             "servers chosen with Zipf alpha 1.0; requests/s in system time (the deterministic clock), "
             f"median of {ctx.runs} runs",
             f"TCP between two guests, 10 MB each way on one connection: {fmt(gg_sys)} Mb/s of system time, "
             f"{fmt(gg_host)} Mb/s of host time (the paper: 569 Mb/s from Ilwaco to Linux)"]
    if have_wrk:
        notes.append("wrk through --net user (libslirp) and --hostfwd, 5 s, wall time: " +
                     "; ".join(f"{r['servers']} VM{'s' if r['servers'] > 1 else ''}: {fmt(r['rps'])} requests/s, "
                               f"{r['errors']} errors" for r in wrk_rows) +
                     f"; guest to host (134,007-byte objects): {fmt(to_host)} Mb/s")
    else:
        notes.append("wrk is not installed (make deps installs it): no figures through the host")
    return {
        "title": "Web workload: httpd VMs under loadgen (2,258-byte object), and TCP throughput",
        "rows": rows + wrk_rows,
        "columns": [("clients", lambda r: r["kind"]), ("servers", lambda r: fmt(r["servers"])),
                    ("requests/s", lambda r: fmt(r["rps"]["median"] if isinstance(r["rps"], dict) else r["rps"])),
                    ("errors", lambda r: str(r["errors"]))],
        "notes": notes,
    }


# ---- 4. CPU speed against native execution and QEMU ---------------------------------------------

# (name, size, what it exercises): each tests/bench/work/NAME.c builds as NAME.elf (DVA-1),
# NAME.native64 (x86-64 Linux) and NAME.native (i386 Linux, the guest's code generation). Sizes
# give about 1 s in the guest at the emulator's speed when the suite was written (about 100-170
# MIPS; fp much slower).
CPU_WORK = [
    ("hash", 100, "CRC-32, FNV-1a, Adler-32 over 64 KiB"),
    ("sort", 768, "quicksort of 768 Ki keys"),
    ("interp", 100, "bytecode interpreter, switch dispatch"),
    ("sieve", 3, "sieve of Eratosthenes, 4 MiB of flags"),
    ("strings", 25, "REP MOVS/STOS/SCAS/CMPS and byte loops"),
    ("fp", 20, "x87 n-body: FADD/FMUL/FDIV/FSQRT"),
]
NATIVE_PER_GUEST = 3
CPU_TARGETS = {"geomean": 12.0, "each": 25.0, "fp": 20.0}
# summary.json's interpreter counters (cpu/cache.h struct cache_stats), when the emulator reports them.
CACHE_KEYS = ("cache_lookups", "cache_misses", "zydis_decodes", "cache_invalidations", "cache_flushes")

# What each guest run is set against, in the order they run before it:
#   x86-64  NAME.native64, the same source as a static x86-64 program: every x86-64 host runs it;
#   i386    NAME.native, the guest's own machine code as a static i386 program: only where the
#           host kernel runs i386 code (IA-32 emulation), which 64-bit-only kernels do not;
#   qemu    NAME.native under qemu-i386, QEMU's user-mode JIT, where it is installed.
# The first of the natives that runs here is the one "slowdown" and the targets refer to.
NATIVES = ("x86-64", "i386")
SUFFIX = {"x86-64": "native64", "i386": "native", "qemu": "native"}
QEMU_PROGRAMS = ("qemu-i386", "qemu-i386-static")
QEMU_INSTALL = "install it with apt-get install qemu-user, or run make bench as root on Debian"


def checksum_line(out, name):
    m = re.search(rf"^{name} size=\d+ checksum=([0-9a-f]{{8}})$", out, re.M)
    return m.group(1) if m else None


def outside_label(ctx, kind, name):
    path = ctx.work(name, SUFFIX[kind])
    return f"qemu-i386 {path}" if kind == "qemu" else path


def run_outside(ctx, kind, name, size):
    """One run of a workload outside the emulator (kind "x86-64", "i386" or "qemu"): (checksum,
    seconds of work() by the program's own clock, wall seconds of the whole process)."""
    cmd = ([ctx.qemu] if kind == "qemu" else []) + [ctx.work(name, SUFFIX[kind]), str(size)]
    label = outside_label(ctx, kind, name)
    t = time.perf_counter()
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    except subprocess.TimeoutExpired:
        raise BenchError(f"{label}: timed out after 600 s")
    except OSError as e:
        if e.errno == errno.ENOEXEC:
            raise BenchError(f"this host cannot run {kind} programs ({label}: {e.strerror}; "
                             + ("the kernel has no IA-32 emulation)" if kind == "i386" else "not this CPU's code)"))
        raise BenchError(f"{label}: cannot run it: {e.strerror}")
    wall = time.perf_counter() - t
    m = re.search(r"^native_ns=(\d+)$", p.stdout, re.M)
    if p.returncode != 0 or not m:
        out = (p.stdout.strip() + " " + p.stderr.strip()).strip()
        raise BenchError(f"{label}: status {p.returncode}, output {out[-200:]!r}")
    return checksum_line(p.stdout, name), int(m.group(1)) / 1e9, wall


def why_not(ctx, kind, names):
    """None when this host runs the workloads' `kind` build, else one line saying why not."""
    if kind == "qemu" and not ctx.qemu:
        return ctx.no_qemu
    missing = [n for n in names if not os.path.exists(ctx.work(n, SUFFIX[kind]))]
    if missing:
        what = ctx.work(missing[0], SUFFIX[kind]) + (f" and {len(missing) - 1} more" if len(missing) > 1 else "")
        if SUFFIX[kind] == "native":
            return (f"no i386 build to run ({what} missing: make bench builds it where gcc -m32 "
                    "links a static glibc program, i.e. with libc6-dev-i386)")
        return f"not built ({what} missing; make bench builds it)"
    try:
        run_outside(ctx, kind, names[0], 1)  # a short run: does this host run it at all?
    except BenchError as e:
        return str(e)
    return None


def qemu_version(path):
    """(version, the first line of --version) of a qemu-i386."""
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return "unknown", ""
    first = out.strip().splitlines()[0] if out.strip() else ""
    m = re.search(r"version (\S+)", first)
    return (m.group(1) if m else "unknown"), first


def host_ns_of(stats_dir):
    """The time the VMs spent in their quanta (cpu_run), in seconds, if some CSV of the stats
    directory has a host_ns column per VM; else None."""
    total, found = 0, False
    for f in sorted(os.listdir(stats_dir)):
        if not f.endswith(".csv"):
            continue
        lines = read(os.path.join(stats_dir, f)).splitlines()
        if not lines or "host_ns" not in lines[0].split(","):
            continue
        col = lines[0].split(",").index("host_ns")
        for line in lines[1:]:
            cells = line.split(",")
            if col < len(cells) and cells[col].isdigit():
                total += int(cells[col])
                found = True
        if found:
            return total / 1e9
    return None


def run_guest(ctx, name, size):
    """One guest run: (checksum, process wall seconds, summary.json, seconds in cpu_run or None)."""
    with tempfile.TemporaryDirectory(prefix="denali-bench-") as tmp:
        stats = os.path.join(tmp, "stats")
        t = time.perf_counter()
        out, err, status = denali(ctx, ["--console", "raw", "--args", str(size), "--stats", stats,
                                        ctx.work(name, "elf")])
        wall = time.perf_counter() - t
        try:
            with open(os.path.join(stats, "summary.json")) as f:
                js = json.load(f)
        except (OSError, ValueError):
            js = None
        in_run = host_ns_of(stats) if js else None
    if status != 0 or js is None:
        raise BenchError(f"{name}.elf: status {status}: {err.strip()[-500:]}")
    return checksum_line(out, name), wall, js, in_run


def geomean(xs):
    xs = [x for x in xs if x and x > 0]
    return statistics.geometric_mean(xs) if xs else 0.0


def bench_cpu(ctx):
    work = [w for w in CPU_WORK if not ctx.work_only or w[0] in ctx.work_only]
    names = [w[0] for w in work]
    # Which comparisons this host can make: each one it cannot is one line, and the rest go on.
    compared, kinds = {}, []
    for kind in NATIVES + ("qemu",):
        reason = why_not(ctx, kind, names) if names else "no workload selected"
        compared[kind] = {"ran": reason is None, "reason": reason,
                          "build": ("qemu-i386 " if kind == "qemu" else "") + f"NAME.{SUFFIX[kind]}"}
        if reason is None:
            kinds.append(kind)
    if ctx.qemu:
        version, line = qemu_version(ctx.qemu)
        compared["qemu"].update(program=ctx.qemu, version=version, version_line=line)
    natives = [k for k in kinds if k in NATIVES]
    primary = natives[0] if natives else None
    # A binfmt_misc handler for i386 would hand NAME.native to an emulator on a kernel that
    # cannot run it; Debian's qemu-user-binfmt registers none on amd64, but say so if one is.
    binfmt = [f for f in ("qemu-i386", "i386") if read(f"/proc/sys/fs/binfmt_misc/{f}").startswith("enabled")]
    if "i386" in kinds and binfmt:
        compared["i386"]["binfmt_misc"] = binfmt

    rows, errors = [], []
    for name, size, what in work:
        size = max(1, size // 2) if ctx.quick else size
        times = {k: [] for k in kinds}      # natives: work() by their clock; qemu: the process
        ratios = {k: [] for k in kinds}
        qemu_work, gst, cpu_run, sums, js = [], [], [], {}, None
        try:
            for _ in range(ctx.runs):
                # The others and the guest alternate, so a change in the machine's load hits all
                # alike. A native run lasts a few tens of ms, where one preemption is a large
                # error: NATIVE_PER_GUEST of each per guest run, their median paired with it.
                per = {}
                for k in kinds:
                    per[k] = []
                    for _ in range(NATIVE_PER_GUEST):
                        csum, secs, wall = run_outside(ctx, k, name, size)
                        sums.setdefault(k, set()).add(csum)
                        per[k].append(wall if k == "qemu" else secs)
                        if k == "qemu":
                            qemu_work.append(secs)
                csum_g, secs_g, js, in_run = run_guest(ctx, name, size)
                sums.setdefault("guest", set()).add(csum_g)
                gst.append(secs_g)
                if in_run is not None:
                    cpu_run.append(in_run)
                for k in kinds:
                    times[k] += per[k]
                    ratios[k].append(secs_g / statistics.median(per[k]))
        except BenchError as e:
            errors.append(str(e))
            rows.append({"workload": name, "what": what, "size": size, "error": str(e)})
            continue
        every = set().union(*sums.values())
        agree = len(every) == 1 and None not in every
        if not agree:
            errors.append(f"{name}: checksums differ: " + ", ".join(
                f"{k} {'/'.join(sorted(map(str, v)))}" for k, v in sums.items()))
        insns = js["instructions"]
        g = statistics.median(gst)
        row = {"workload": name, "what": what, "size": size,
               "checksum": sorted(map(str, sums["guest"]))[0], "checksums_agree": agree,
               "checksums": {k: sorted(map(str, v)) for k, v in sums.items()},
               "instructions": insns, "guest_seconds": summary(gst), "guest_mips": insns / g / 1e6,
               "guest_wall_seconds_in_summary": js.get("host", {}).get("wall_seconds"),
               "cpu_run_seconds": summary(cpu_run) if cpu_run else None,
               "cache": {k: js[k] for k in CACHE_KEYS if k in js}, "against": {}}
        for k in kinds:
            t = statistics.median(times[k])
            a = {"seconds": summary(times[k]), "ratio": statistics.median(ratios[k]),
                 "ratio_pairs": summary(ratios[k]), "ratio_of_medians": g / t}
            if k == "i386":
                a["mips"] = insns / t / 1e6  # work() is the guest's own machine code
            if k == "qemu":
                a["work_seconds"] = summary(qemu_work)
                if primary:
                    a["qemu_slowdown"] = t / statistics.median(times[primary])
            row["against"][k] = a
        if primary:
            p = row["against"][primary]
            row.update({"native": primary, "native_seconds": p["seconds"], "slowdown": p["ratio"],
                        "slowdown_pairs": p["ratio_pairs"], "slowdown_of_medians": p["ratio_of_medians"]})
        c = row["cache"]
        if "cache_lookups" in c and "cache_misses" in c and c["cache_lookups"]:
            c["hit_rate"] = 1.0 - c["cache_misses"] / c["cache_lookups"]
        rows.append(row)

    ok = [r for r in rows if "error" not in r]
    gms = {k: geomean(r["against"][k]["ratio"] for r in ok) for k in kinds}
    gm = gms.get(primary, 0.0)
    worst = max(ok, key=lambda r: r["slowdown"]) if ok and primary else None
    fp = next((r for r in ok if r["workload"] == "fp"), None) if primary else None
    targets = {
        "against": primary,
        "geomean_slowdown": {"value": gm, "target": CPU_TARGETS["geomean"],
                             "met": bool(ok) and gm <= CPU_TARGETS["geomean"]},
        "worst_slowdown": {"value": worst["slowdown"] if worst else None,
                           "workload": worst["workload"] if worst else None,
                           "target": CPU_TARGETS["each"],
                           "met": bool(worst) and worst["slowdown"] <= CPU_TARGETS["each"]},
        "fp_slowdown": {"value": fp["slowdown"] if fp else None, "target": CPU_TARGETS["fp"],
                        "met": bool(fp) and fp["slowdown"] <= CPU_TARGETS["fp"]},
    }
    if len(ok) < len(CPU_WORK) or errors or not primary:
        for key, t in targets.items():
            if key != "against":
                t["met"] = None  # not every workload measured (or trusted): nothing to claim
    noise = []
    for r in ok:
        for s in [r["guest_seconds"]] + [a["seconds"] for a in r["against"].values()]:
            noise.append((s["max"] - s["min"]) / s["median"])

    def spread(d, digits=3):
        return f"{fmt(d['min'], digits)}-{fmt(d['max'], digits)}"

    def col(f):
        return lambda r: "-" if "error" in r else f(r)

    def vs(k, f):
        return lambda r: "-" if "error" in r or k not in r.get("against", {}) else f(r["against"][k])

    def cache(r, key, f=lambda v: fmt(v)):
        v = r.get("cache", {}).get(key)
        return "n/r" if v is None else f(v)

    def verdict(t):
        if t["met"] is None:
            return "not judged: " + ("no native ran" if not primary else "not every workload measured")
        return "met" if t["met"] else "NOT met"

    have_run = any(r.get("cpu_run_seconds") for r in ok)
    have_cache = any(r.get("cache") for r in ok)
    columns = [
        ("workload", lambda r: r["workload"]),
        ("size", lambda r: str(r["size"])),
        ("instructions", col(lambda r: fmt(r["instructions"]))),
        ("guest s", col(lambda r: fmt(r["guest_seconds"]["median"], 3))),
        ("spread", col(lambda r: spread(r["guest_seconds"]))),
    ]
    for k in natives:  # the spreads of the second native are in results.json
        columns += [(f"{k} s", vs(k, lambda a: fmt(a["seconds"]["median"], 4)))]
        columns += [("spread", vs(k, lambda a: spread(a["seconds"], 4)))] if k == primary else []
        columns += [(f"vs {k}", vs(k, lambda a: f"{a['ratio']:.1f}x"))]
        columns += [("pairs", vs(k, lambda a: f"{a['ratio_pairs']['min']:.1f}-{a['ratio_pairs']['max']:.1f}"))
                    ] if k == primary else []
    columns += [
        ("guest MIPS", col(lambda r: fmt(r["guest_mips"]))),
        ("cpu_run s", col(lambda r: fmt(r["cpu_run_seconds"]["median"], 3)
                          if r.get("cpu_run_seconds") else "n/r")),
        ("sums", lambda r: "ERROR" if "error" in r else ("agree" if r["checksums_agree"] else "DIFFER")),
    ]
    extra = []
    if "qemu" in kinds:
        qcols = [
            ("workload", lambda r: r["workload"]),
            ("qemu s", vs("qemu", lambda a: fmt(a["seconds"]["median"], 3))),
            ("spread", vs("qemu", lambda a: spread(a["seconds"]))),
            ("qemu work() s", vs("qemu", lambda a: fmt(a["work_seconds"]["median"], 3))),
            ("guest s", col(lambda r: fmt(r["guest_seconds"]["median"], 3))),
            ("ours/qemu", vs("qemu", lambda a: f"{a['ratio']:.2f}x")),
            ("pairs", vs("qemu", lambda a: f"{a['ratio_pairs']['min']:.2f}-{a['ratio_pairs']['max']:.2f}")),
        ]
        if primary:
            qcols.append((f"qemu vs {primary}", vs("qemu", lambda a: f"{a['qemu_slowdown']:.1f}x")))
        extra.append((f"Against QEMU {compared['qemu']['version']} (qemu-i386 user-mode JIT, running "
                      "NAME.native, the i386 build)", qcols))
    counters = [
        ("workload", lambda r: r["workload"]),
        ("lookups", col(lambda r: cache(r, "cache_lookups"))),
        ("hit rate", col(lambda r: cache(r, "hit_rate", lambda v: f"{100 * v:.4f}%"))),
        ("blocks built", col(lambda r: cache(r, "cache_misses"))),
        ("Zydis calls", col(lambda r: cache(r, "zydis_decodes"))),
        ("invalidations", col(lambda r: cache(r, "cache_invalidations"))),
        ("flushes", col(lambda r: cache(r, "cache_flushes"))),
    ]
    extra.append(("Interpreter counters (one guest run of each workload; "
                  "hit rate = 1 - misses/lookups, blocks built = misses)", counters))

    label = {"x86-64": "x86-64 native (NAME.native64: the same source as a static x86-64 program, "
                       "x87 arithmetic)",
             "i386": "i386 native (NAME.native: the guest's own machine code as a static i386 program)",
             "qemu": f"QEMU (qemu-i386 NAME.native, {compared['qemu'].get('version', '')})"}
    notes = ["compared with: " + ("; ".join(label[k] for k in kinds) if kinds else "nothing but the guest")]
    notes += [f"{label[k].split(' (')[0]}: skipped: {compared[k]['reason']}" for k in compared
              if compared[k]["reason"]]
    if compared["i386"].get("binfmt_misc"):
        notes.append(f"i386 native: caution: binfmt_misc has an enabled {binfmt[0]} handler, so where "
                     "the kernel cannot run i386 code that column is an emulator's time")
    notes += [
        f"median of {ctx.runs} guest runs and, for each comparison, {ctx.runs * NATIVE_PER_GUEST} "
        f"runs ({NATIVE_PER_GUEST} before each guest run); spread = min-max of the runs; pairs = "
        "min-max over the guest runs of guest s / the median of the runs before it",
        "guest s = the whole `denali run` process, measured around it (start, ELF load, work, output, "
        "stats); native s = the program's own CLOCK_MONOTONIC around work() alone (nothing of the "
        "guest's time is subtracted, all of the native start-up is); vs NATIVE = the slowdown, the "
        "median over the guest runs of guest s / native s (the pairs' median, robust to load that "
        "changes during the suite)",
        "guest MIPS = guest instructions retired / guest s (the i386 native runs the same work() "
        "machine code; the x86-64 one the same source compiled for x86-64)",
    ]
    if "qemu" in kinds:
        notes.append("qemu s = the whole `qemu-i386 NAME.native` process (start, translation, "
                     "work, output), like guest s; qemu work() s = the program's own clock around "
                     "work() under QEMU; ours/qemu = the median of guest s / qemu s over the pairs "
                     "(below 1: we are faster); qemu vs NATIVE = qemu s / native s")
    notes += [
        "cpu_run s = the VMs' time inside their quanta, from the stats CSV's host_ns"
        + ("" if have_run else " (not reported by this emulator: n/r)"),
        f"machine noise: the runs of one workload differ by up to {100 * max(noise, default=0):.0f}% "
        f"(median {100 * statistics.median(noise) if noise else 0:.0f}%) of their median",
    ]
    for k in natives:
        notes.append(f"geometric-mean slowdown against {k}: {gms[k]:.1f}x")
    if primary:
        notes.append(
            f"targets, against {primary}: geometric mean {gm:.1f}x (<= {CPU_TARGETS['geomean']:.0f}x: "
            f"{verdict(targets['geomean_slowdown'])}); worst "
            + (f"{worst['workload']} {worst['slowdown']:.1f}x" if worst else "-")
            + f" (<= {CPU_TARGETS['each']:.0f}x each: {verdict(targets['worst_slowdown'])}); x87 fp "
            + (f"{fp['slowdown']:.1f}x" if fp else "-")
            + f" (<= {CPU_TARGETS['fp']:.0f}x: {verdict(targets['fp_slowdown'])})")
    else:
        notes.append("targets: not judged: no native build ran on this host")
    if "qemu" in kinds:
        notes.append(f"geometric mean of ours/qemu: {gms['qemu']:.2f}x (our time relative to QEMU's)")
    notes.append(f"geometric-mean guest MIPS: {geomean(r['guest_mips'] for r in ok):.0f}")
    if not have_cache:
        notes.append("interpreter counters: not reported by this emulator's --stats")
    notes += [f"ERROR: {e}" for e in errors]
    return {
        "title": "CPU speed: our workloads in the guest against the same source run natively"
                 + (" (" + ", ".join(natives) + ")" if natives else "")
                 + (" and under QEMU" if "qemu" in kinds else ""),
        "rows": rows,
        "columns": columns,
        "extra_tables": extra,
        "compared_with": compared,
        "slowdown_against": primary,
        "geomean_slowdown": gm,
        "geomean_against": gms,
        "geomean_vs_qemu": gms.get("qemu"),
        "geomean_guest_mips": geomean(r["guest_mips"] for r in ok),
        "noise_max": max(noise, default=0),
        "targets": targets,
        "notes": notes,
        "error": "; ".join(errors) if errors else None,
    }


# ---- the suite ---------------------------------------------------------------------------------

BENCHES = [("switch", bench_switch), ("memory", bench_memory), ("upcall", bench_upcall),
           ("display", bench_display), ("net", bench_net), ("web", bench_web), ("cpu", bench_cpu)]


class Context:
    def __init__(self, args):
        self.build = args.build
        self.denali = os.path.join(args.build, "denali")
        self.runs = args.runs
        self.quick = args.quick
        self.work_only = [x for x in args.work.split(",") if x]
        # qemu-i386 (Debian's qemu-user) or the static one (qemu-user-static), unless told.
        if args.qemu == "none":
            self.qemu, self.no_qemu = None, "not asked for (--qemu none)"
        elif args.qemu:
            self.qemu, self.no_qemu = shutil.which(args.qemu), f"{args.qemu} not found ({QEMU_INSTALL})"
        else:
            self.qemu = next((p for p in map(shutil.which, QEMU_PROGRAMS) if p), None)
            self.no_qemu = f"{QEMU_PROGRAMS[0]} is not installed ({QEMU_INSTALL})"

    def guest(self, name):
        return os.path.join(self.build, "bench", "guests", name + ".elf")

    def guest_elf(self, name):
        """An example or test guest (build/guests/NAME.elf), as make builds them."""
        return os.path.join(self.build, "guests", name + ".elf")

    def work(self, name, kind):
        """A CPU workload's build: kind "elf" (DVA-1) or "native"."""
        return os.path.join(self.build, "bench", "work", f"{name}.{kind}")


def print_rows(title, cols, rows):
    cells = [[c[0] for c in cols]] + [[c[1](r) for c in cols] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(cols))]
    print(f"\n{title}")
    for k, row in enumerate(cells):
        print("  " + "  ".join(v.rjust(w) for v, w in zip(row, widths)))
        if k == 0:
            print("  " + "  ".join("-" * w for w in widths))


def print_table(res):
    print_rows(res["title"], res["columns"], res["rows"])
    for t in res.get("extra_tables", []): # (title, columns[, rows]): the result's rows by default
        print_rows(t[0], t[1], t[2] if len(t) > 2 else res["rows"])
    for n in res["notes"]:
        print(f"  - {n}")


def main():
    ap = argparse.ArgumentParser(description="Run the denali benchmark suite.")
    ap.add_argument("--build", default="build")
    ap.add_argument("--runs", type=int, default=5, help="runs per figure (median and spread)")
    ap.add_argument("--quick", action="store_true", help="fewer iterations, no 100,000-VM run")
    ap.add_argument("--only", default="", help="comma-separated benchmark names (switch, memory, "
                    "upcall, display, net, web, cpu)")
    ap.add_argument("--work", default="", help="comma-separated CPU workloads to run (default all: "
                    + ", ".join(w[0] for w in CPU_WORK) + ")")
    ap.add_argument("--qemu", default="", help="qemu-i386 program for the QEMU comparison "
                    "(default: qemu-i386 or qemu-i386-static from PATH; none: no comparison)")
    ap.add_argument("--out", default=None, help="results file (default BUILD/bench/results.json)")
    args = ap.parse_args()
    if args.quick:
        args.runs = min(args.runs, 3)
    ctx = Context(args)
    only = [x for x in args.only.split(",") if x]
    unknown = [x for x in only if x not in dict(BENCHES)]
    if unknown:
        sys.exit(f"bench: unknown benchmark {', '.join(unknown)} (have {', '.join(n for n, _ in BENCHES)})")

    mach = machine(args.build)
    print(f"denali benchmarks - {mach['date']}")
    print(f"machine: {mach['cpu']}, {mach['nproc']} CPUs, {mach['mem_total_bytes'] / 2**30:.1f} GiB, "
          f"{mach['kernel']}; load average {mach['loadavg_at_start']:.2f}")
    print(f"emulator: {mach['denali']}, commit {mach['commit']}")
    if mach["loadavg_at_start"] > mach["nproc"] / 2:
        print("note: the machine is busy; times below include that interference")

    results = {"machine": mach, "runs": args.runs, "quick": args.quick, "benchmarks": {}}
    failed = 0
    for name, fn in BENCHES:
        if only and name not in only:
            continue
        t = time.monotonic()
        try:
            res = fn(ctx)
        except (BenchError, OSError, subprocess.SubprocessError, ValueError) as e:
            # One line, never a traceback: a program that would not run, a file not there.
            e = e if isinstance(e, BenchError) else f"{type(e).__name__}: {e}"
            print(f"\n{name}: FAILED: {e}")
            results["benchmarks"][name] = {"error": str(e)}
            failed += 1
            continue
        res["seconds"] = time.monotonic() - t
        print_table(res)
        results["benchmarks"][name] = {k: v for k, v in res.items() if k not in ("columns", "extra_tables")}
        if res.get("error"):
            # Measured, but something was wrong (a workload failed, checksums differ): the
            # figures are printed and kept, and the run fails.
            print(f"\n{name}: FAILED: {res['error']}")
            failed += 1
    results["machine"]["loadavg_at_end"] = os.getloadavg()[0]

    out = args.out or os.path.join(args.build, "bench", "results.json")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        json.dump(results, f, indent=2)
        f.write("\n")
    print(f"\nresults: {out}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
