#!/usr/bin/env python3
"""check.py - run the lab course's commands and compare their output with the pages.

    python3 tests/labs/check.py BUILD [FILE.md ...]

For every docs/labs/*.md (or only the FILEs given), every ```console block is read: a line
starting with "$ " is a command, and the lines after it, up to the next "$ " line or the end
of the block, are the output it must give (stdout and stderr together). The rules are written
out for lab authors at the top of docs/labs/README.md; in short:

  - lines are compared exactly (trailing spaces ignored);
  - a line that is exactly "..." matches any number of lines, none included;
  - "[...]" inside a line matches any text within that line;
  - the command must exit with status 0, unless the last expected line is "[exit N]";
  - "build/" at the start of a word in a command becomes BUILD + "/", and "/tmp/labs" a fresh
    scratch directory for each page; in the output, both are turned back before comparing.

Commands run one after the other, in page order, with /bin/sh from the repository root, stdin
from /dev/null (unless the command redirects it), LC_ALL=C, and a timeout. Prints
"ok N - FILE:LINE: command" or "not ok N - FILE:LINE: command: first difference" for each, then
"N passed, M failed"; exits 1 if anything failed. Python 3 standard library only.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

TIMEOUT = 60  # seconds per command
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
EXIT_RE = re.compile(r"^\[exit (\d+)\]$")
BUILD_WORD = re.compile(r"(?<![\w./-])build/")
SCRATCH_WORD = re.compile(r"(?<![\w./-])/tmp/labs(?![\w.-])")


def blocks(path):
    """Yield (line number, command, expected lines) for every command of every console block."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    inside = False
    cur = None
    for no, line in enumerate(lines, 1):
        if not inside:
            if line.strip() == "```console":
                inside = True
            continue
        if line.strip().startswith("```"):
            inside = False
            if cur:
                yield cur
            cur = None
            continue
        if line.startswith("$ "):
            if cur:
                yield cur
            cur = (no, line[2:], [])
        elif cur:
            cur[2].append(line)
        elif line.strip():
            raise SystemExit(f"{path}:{no}: output before any '$ ' command in a console block")
    if inside:
        raise SystemExit(f"{path}: a ```console block is not closed")


def line_regex(pattern):
    """A line's pattern: literal text, with "[...]" matching any text within the line."""
    return re.compile(".*".join(re.escape(p) for p in pattern.split("[...]")) + r"\Z", re.S)


def match(expected, actual):
    """None when actual matches expected, else a description of the first difference."""
    pats = [None if e == "..." else line_regex(e.rstrip()) for e in expected]
    act = [a.rstrip() for a in actual]
    best = [0, 0]  # furthest (expected index, actual index) reached, for the message
    memo = {}

    def go(i, j):
        key = (i, j)
        if key in memo:
            return memo[key]
        if (j, i) > (best[1], best[0]):
            best[0], best[1] = i, j
        if i == len(pats):
            ok = j == len(act)
        elif pats[i] is None:
            ok = any(go(i + 1, k) for k in range(j, len(act) + 1))
        else:
            ok = j < len(act) and bool(pats[i].match(act[j])) and go(i + 1, j + 1)
        memo[key] = ok
        return ok

    sys.setrecursionlimit(max(10000, 4 * (len(pats) + len(act)) + 100))
    if go(0, 0):
        return None
    i, j = best
    while i < len(pats) and pats[i] is None:
        i += 1
    want = expected[i] if i < len(expected) else None
    got = act[j] if j < len(act) else None
    if want is None:
        return f"output line {j + 1}: unexpected {got!r}"
    if got is None:
        return f"output ends; expected {want!r}"
    return f"output line {j + 1}: expected {want!r}, got {got!r}"


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: check.py BUILD [FILE.md ...]")
    build = sys.argv[1].rstrip("/") or "/"
    build_abs = os.path.abspath(build)
    files = sys.argv[2:] or sorted(
        os.path.join("docs", "labs", f) for f in os.listdir(os.path.join(ROOT, "docs", "labs"))
        if f.endswith(".md"))
    env = dict(os.environ, LC_ALL="C", LANG="C", TZ="UTC")
    env.pop("TMPDIR", None)
    n = passed = failed = 0
    for rel in files:
        path = os.path.join(ROOT, rel) if not os.path.isabs(rel) else rel
        shown = os.path.relpath(path, ROOT)
        scratch = tempfile.mkdtemp(prefix="denali-labs-")
        try:
            for no, cmd, expected in blocks(path):
                n += 1
                status = 0
                if expected and EXIT_RE.match(expected[-1].strip()):
                    status = int(EXIT_RE.match(expected[-1].strip()).group(1))
                    expected = expected[:-1]
                run = BUILD_WORD.sub(lambda m: build + "/", cmd)
                run = SCRATCH_WORD.sub(lambda m: scratch, run)
                try:
                    p = subprocess.run(["/bin/sh", "-c", run], cwd=ROOT, env=env,
                                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                       stderr=subprocess.STDOUT, timeout=TIMEOUT)
                    out = p.stdout.decode("utf-8", "replace")
                    for real, name in ((scratch, "/tmp/labs"), (build_abs + "/", "build/"),
                                       (build + "/", "build/")):
                        out = out.replace(real, name)
                    actual = out.split("\n")
                    if actual and actual[-1] == "":
                        actual.pop()
                    why = match(expected, actual)
                    if why is None and p.returncode != status:
                        why = f"exit status {p.returncode}, expected {status}"
                except subprocess.TimeoutExpired:
                    why = f"timed out after {TIMEOUT} s"
                if why is None:
                    passed += 1
                    print(f"ok {n} - {shown}:{no}: {cmd}")
                else:
                    failed += 1
                    print(f"not ok {n} - {shown}:{no}: {cmd}: {why}")
                sys.stdout.flush()
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    if n == 0:
        print("not ok - no commands found in any console block")
        failed += 1
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
