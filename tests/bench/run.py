#!/usr/bin/env python3
"""run.py - `make bench`: run the kernel benchmarks, print a table, write BUILD/bench/results.json.

Nothing here asserts a time: it measures and reports. A result that cannot be measured (a guest
that printed nothing usable, a run refused) is an error, since a wrong number is worse than none.

Each benchmark is a function in BENCHES taking the context and returning a dict
{"title", "rows", "notes"}; every row is a dict with its parameters and figures. A later group
(CPU-speed workloads against native execution) adds one function to BENCHES.

  python3 tests/bench/run.py --build build [--runs N] [--quick] [--only switch,memory,upcall]
"""
import argparse
import datetime
import json
import os
import platform
import re
import resource
import signal
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
    version = subprocess.run([os.path.join(build, "denali"), "--version"], capture_output=True,
                             text=True).stdout.strip()
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
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
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

MEM_VMS = (1000, 10000, 100000)
MEM_GUEST_PAGES = 4          # pages of .bss each idle guest writes (idle.c)
MEM_SIZE = "64K"             # guest memory: the span reserved, not what is resident
MEM_IDLE_US = 600000000      # the IDLE timeout: longer than any measurement
MEM_EST_BYTES_PER_VM = 80 << 10  # what we expect a VM to cost, for the safety check


def proc_figures(pid):
    """Resident memory of process pid: total, the guest arena's, and page tables (bytes)."""
    status = read(f"/proc/{pid}/status")
    def field(name):
        m = re.search(rf"^{name}:\s*(\d+) kB", status, re.M)
        return int(m.group(1)) * 1024 if m else 0
    arena = 0
    size = rss = 0
    for line in read(f"/proc/{pid}/smaps").splitlines():
        f = line.split()
        if f and f[0] == "Size:":
            size = int(f[1]) * 1024
        elif f and f[0] == "Rss:":
            rss = int(f[1]) * 1024
            # The arena is the one mapping of at least 1 TiB (mmu/mem.c reserves 64 TiB).
            if size >= 1 << 40:
                arena += rss
    return {"rss": field("VmRSS"), "hwm": field("VmHWM"), "pte": field("VmPTE"), "arena": arena}


def idle_footprint(ctx, nvms):
    """Start nvms idle VMs, wait until every one idles, and measure the process."""
    cmd = [ctx.denali, "run", "--no-progress", "--clock", "host", "--vms", str(nvms), "--mem",
           MEM_SIZE, "--console", "none", "--args", f"{MEM_GUEST_PAGES} {MEM_IDLE_US}",
           ctx.guest("idle")]
    start = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
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
            if time.monotonic() - start > 300:
                raise BenchError(f"memory: {nvms} VMs did not all idle within 300 s")
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


def bench_memory(ctx):
    counts = MEM_VMS[:2] if ctx.quick else MEM_VMS
    base = [idle_footprint(ctx, 1) for _ in range(ctx.runs)]
    b = {k: statistics.median(x[k] for x in base) for k in ("rss", "arena", "pte")}
    rows, notes = [], []
    for n in counts:
        need = n * MEM_EST_BYTES_PER_VM
        if need > mem_available() // 2:
            notes.append(f"{n} VMs skipped: they need about {need >> 20} MiB, more than half of "
                         f"the {mem_available() >> 20} MiB available")
            continue
        runs = ctx.runs if n <= 10000 else 1
        per = {"rss": [], "guest": [], "host": [], "pte": [], "settle": [], "cpu": []}
        for _ in range(runs):
            f = idle_footprint(ctx, n)
            rss = (f["rss"] - b["rss"]) / (n - 1)
            guest = (f["arena"] - b["arena"]) / (n - 1)
            per["rss"].append(rss)
            per["guest"].append(guest)
            per["host"].append(rss - guest)
            per["pte"].append((f["pte"] - b["pte"]) / (n - 1))
            per["settle"].append(f["settle_seconds"])
            per["cpu"].append(f["cpu_seconds"])
        rows.append({"vms": n, "rss_bytes_per_vm": summary(per["rss"]),
                     "guest_bytes_per_vm": summary(per["guest"]),
                     "host_bytes_per_vm": summary(per["host"]),
                     "page_table_bytes_per_vm": summary(per["pte"]),
                     "seconds_to_idle": summary(per["settle"]),
                     "cpu_seconds_to_idle": summary(per["cpu"])})
    sizes = json.loads(subprocess.run([os.path.join(ctx.build, "bench", "sizes")], capture_output=True,
                                      text=True, check=True).stdout)
    notes[:0] = [
        f"guest: idle.elf writes {MEM_GUEST_PAGES} pages of .bss, then IDLEs (--mem {MEM_SIZE}, "
        f"--clock host, timeout {MEM_IDLE_US // 1000000} s); measured once every VM idles;",
        f"per VM = (resident bytes with N VMs - with 1 VM) / (N - 1), from /proc/PID/status and smaps; "
        f"median of {ctx.runs} runs" + ("; 100,000 VMs skipped (--quick)" if ctx.quick
                                        else " (1 run at 100,000)") + ";",
        "guest = the guest-memory arena's resident pages (image, page 0, stack, page flags); "
        "host = everything else (the VM structures, decoded-code cache, allocator); "
        "page tables = VmPTE, host kernel memory not counted in RSS;",
        f"fixed heap structures per VM (build/bench/sizes): struct vm {sizes['struct_vm']} B, "
        f"console {sizes['struct_console']} B, timer {sizes['struct_timer']} B, code-cache hash "
        f"{sizes['cache_hash']} B and first pool {sizes['cache_first_pool']} B: "
        f"{sizes['heap_per_vm']} B before allocator overhead",
    ]
    return {
        "title": "Host memory per idle VM",
        "rows": rows,
        "sizes": sizes,
        "baseline_1vm": b,
        "columns": [("VMs", lambda r: fmt(r["vms"])),
                    ("RSS B/VM", lambda r: fmt(r["rss_bytes_per_vm"]["median"])),
                    ("spread", lambda r: f"{fmt(r['rss_bytes_per_vm']['min'])}-{fmt(r['rss_bytes_per_vm']['max'])}"),
                    ("guest B/VM", lambda r: fmt(r["guest_bytes_per_vm"]["median"])),
                    ("host B/VM", lambda r: fmt(r["host_bytes_per_vm"]["median"])),
                    ("page tables B/VM", lambda r: fmt(r["page_table_bytes_per_vm"]["median"])),
                    ("s to idle", lambda r: fmt(r["seconds_to_idle"]["median"], 2)),
                    ("CPU s", lambda r: fmt(r["cpu_seconds_to_idle"]["median"], 2))],
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


# ---- the suite ---------------------------------------------------------------------------------

BENCHES = [("switch", bench_switch), ("memory", bench_memory), ("upcall", bench_upcall)]


class Context:
    def __init__(self, args):
        self.build = args.build
        self.denali = os.path.join(args.build, "denali")
        self.runs = args.runs
        self.quick = args.quick

    def guest(self, name):
        return os.path.join(self.build, "bench", "guests", name + ".elf")


def print_table(res):
    cols = res["columns"]
    cells = [[c[0] for c in cols]] + [[c[1](r) for c in cols] for r in res["rows"]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(cols))]
    print(f"\n{res['title']}")
    for k, row in enumerate(cells):
        print("  " + "  ".join(v.rjust(w) for v, w in zip(row, widths)))
        if k == 0:
            print("  " + "  ".join("-" * w for w in widths))
    for n in res["notes"]:
        print(f"  - {n}")


def main():
    ap = argparse.ArgumentParser(description="Run the denali benchmark suite.")
    ap.add_argument("--build", default="build")
    ap.add_argument("--runs", type=int, default=5, help="runs per figure (median and spread)")
    ap.add_argument("--quick", action="store_true", help="fewer iterations, no 100,000-VM run")
    ap.add_argument("--only", default="", help="comma-separated benchmark names")
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
        except BenchError as e:
            print(f"\n{name}: FAILED: {e}")
            results["benchmarks"][name] = {"error": str(e)}
            failed += 1
            continue
        res["seconds"] = time.monotonic() - t
        print_table(res)
        results["benchmarks"][name] = {k: v for k, v in res.items() if k != "columns"}
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
