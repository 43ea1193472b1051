#!/usr/bin/env python3
"""client.py - the monitor's Unix-socket side for tests/debug/monitor.sh (python3 stdlib only).

  python3 client.py sock PATH        connect (waiting for the socket), send each line of stdin,
                                     print each reply; a second connection made meanwhile must be
                                     refused with one line; then disconnect mid-run
  python3 client.py idle DENALI ARGS...  run denali with --monitor stdio, pause it, wait 1 s and
                                     print whether the paused run used under 0.2 s of CPU (no
                                     busy loop), then quit and print its exit status
"""
import os
import socket
import subprocess
import sys
import time

MULTI = ("vms", "disas", "help")


def read_reply(f, cmd):
    """One reply: a line, or for vms/disas/help (not an error) the lines up to "."."""
    first = f.readline()
    out = [first]
    if cmd.split()[0] in MULTI and not first.startswith("error: "):
        while True:
            line = f.readline()
            if not line:
                break
            out.append(line)
            if line == ".\n":
                break
    return "".join(out)


def sock(path):
    deadline = time.time() + 5
    while True:
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
            break
        except OSError:
            s.close()
            if time.time() > deadline:
                print("client: cannot connect")
                return 1
            time.sleep(0.02)
    f = s.makefile("r")
    for cmd in sys.stdin.read().splitlines():
        s.sendall((cmd + "\n").encode())
        sys.stdout.write(read_reply(f, cmd))
        if cmd == "second":  # not a command: its error reply shows the connection worked
            t = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            t.connect(path)
            sys.stdout.write("second client: " + t.makefile("r").readline())
            t.close()
    sys.stdout.flush()
    s.close()  # mid-run: the run must go on without us
    return 0


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as st:
        fields = st.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def idle(argv):
    p = subprocess.Popen(argv[:1] + ["run", "--monitor", "stdio"] + argv[1:], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    p.stdin.write("pause\n")
    p.stdin.flush()
    print(p.stdout.readline(), end="")
    before = cpu_seconds(p.pid)
    time.sleep(1)
    used = cpu_seconds(p.pid) - before
    print("paused cpu under 0.2 s" if used < 0.2 else "paused cpu %.2f s" % used)
    p.stdin.write("quit\n")
    p.stdin.flush()
    print(p.stdout.readline(), end="")
    p.stdin.close()
    print("status", p.wait(timeout=5))
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "sock":
        sys.exit(sock(sys.argv[2]))
    sys.exit(idle(sys.argv[2:]))
