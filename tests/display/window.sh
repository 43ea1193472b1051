#!/bin/sh
# window.sh - the window (--display sdl|mosaic, denali_arch/sdl.c) on a virtual X server: Xvfb
# with its screen in a file (-fbdir: XWD format), which a little Python (standard library; ctypes
# and libX11 for the title, closing and clicking, libXtst for the click and the keys) reads.
#
#   sh tests/display/window.sh BUILD_DIR
#
# The guest (guests/solid.c) presents one solid 64 x 48 frame, idles, then terminates with a
# status of its arguments' choosing. The cases: without an X server --display fails with one
# line and status 2; the window shows the frame scaled by a whole factor and letterboxed, titled
# with the focused VM; the run ends with the guest's status and the window goes; closing the
# window ends the run as SIGINT does (130); the mosaic shows every VM, a click focuses the one
# under it and Ctrl+Tab moves on. One "ok N - NAME" or "not ok N - NAME: WHY" line per check, then "N passed, M
# failed"; the exit status is non-zero on any failure. Where no window can be tested (no Xvfb,
# Xvfb does not start, a build without SDL2) it prints one "SKIP: ..." line and exits 0.
# Everything is bounded with timeout; the whole takes about 10 seconds.
set -u

B=${1:?usage: sh tests/display/window.sh BUILD_DIR}
D=$B/denali
G=$B/guests/solid.elf
for f in "$D" "$G"; do
	[ -e "$f" ] || { echo "window.sh: $f is missing (make $D $G first)" >&2; exit 2; }
done
command -v Xvfb >/dev/null 2>&1 || { echo "SKIP: no Xvfb (Debian: apt-get install xvfb)"; exit 0; }
command -v python3 >/dev/null 2>&1 || { echo "SKIP: no python3 to read Xvfb's screen"; exit 0; }

T=$(mktemp -d "${TMPDIR:-/tmp}/denali-window.XXXXXX") || exit 2
XPID=""
RPID=""
cleanup() {
	[ -n "$RPID" ] && kill "$RPID" 2>/dev/null
	[ -n "$XPID" ] && kill "$XPID" 2>/dev/null
	[ -n "$XPID" ] && wait "$XPID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

n=0
passed=0
failed=0
ok() { n=$((n + 1)); passed=$((passed + 1)); echo "ok $n - $1"; }
bad() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1: $2"; }
errline() { grep '^denali:' "$1" | head -n 1; }

# x.py: the screen and the windows of display $DISPLAY.
#   fb FILE 0xRRGGBB    "COUNT X Y W H": the pixels of that colour and their bounding box
#   title               the names of the top-level windows whose name starts with "denali"
#   close               ask each of them to close (WM_DELETE_WINDOW, as a window manager does)
#   click X Y           move the pointer to screen point (X, Y) and click the left button
#   ctrl-tab            press and release Ctrl+Tab
cat >"$T/x.py" <<'EOF'
import ctypes, ctypes.util, os, struct, sys, time

def fb(path, colour):
    d = open(path, "rb").read()
    f = struct.unpack(">25I", d[:100])
    hsize, depth, w, h, order, bpp, bpl, ncolors = f[0], f[3], f[4], f[5], f[7], f[11], f[12], f[19]
    if bpp != 32 or depth != 24:
        raise SystemExit("x.py: a %d-bit screen of depth %d: want 32 and 24" % (bpp, depth))
    masks = f[14:17]
    end = "<" if order == 0 else ">"
    pix = d[hsize + 12 * ncolors:]
    count, x0, y0, x1, y1 = 0, w, h, -1, -1
    for y in range(h):
        row = struct.unpack_from("%s%dI" % (end, w), pix, y * bpl)
        if colour_in(row, colour, masks):
            for x, p in enumerate(row):
                if rgb(p, masks) == colour:
                    count += 1
                    x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x), max(y1, y)
    print(count, x0, y0, x1 - x0 + 1, y1 - y0 + 1) if count else print(0)

def rgb(p, masks):
    return (p & masks[0]) | (p & masks[1]) | (p & masks[2])

def colour_in(row, colour, masks):
    return any(rgb(p, masks) == colour for p in row)

def x11():
    name = ctypes.util.find_library("X11")
    if not name:
        raise SystemExit("x.py: no libX11")
    x = ctypes.CDLL(name)
    x.XOpenDisplay.restype = ctypes.c_void_p
    x.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x.XDefaultRootWindow.restype = ctypes.c_ulong
    x.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
    x.XQueryTree.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(ctypes.c_ulong),
                             ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.POINTER(ctypes.c_ulong)),
                             ctypes.POINTER(ctypes.c_uint)]
    x.XFetchName.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(ctypes.c_char_p)]
    x.XInternAtom.restype = ctypes.c_ulong
    x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    x.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long, ctypes.c_void_p]
    x.XFlush.argtypes = [ctypes.c_void_p]
    x.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
    x.XCloseDisplay.argtypes = [ctypes.c_void_p]
    x.XKeysymToKeycode.restype = ctypes.c_ubyte
    x.XKeysymToKeycode.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
    dpy = x.XOpenDisplay(os.environ["DISPLAY"].encode())
    if not dpy:
        raise SystemExit("x.py: cannot open display %s" % os.environ["DISPLAY"])
    return x, dpy

def windows(x, dpy):
    root, parent = ctypes.c_ulong(), ctypes.c_ulong()
    kids, nkids = ctypes.POINTER(ctypes.c_ulong)(), ctypes.c_uint()
    x.XQueryTree(dpy, x.XDefaultRootWindow(dpy), ctypes.byref(root), ctypes.byref(parent),
                 ctypes.byref(kids), ctypes.byref(nkids))
    found = []
    for i in range(nkids.value):
        name = ctypes.c_char_p()
        if x.XFetchName(dpy, kids[i], ctypes.byref(name)) and name.value:
            if name.value.startswith(b"denali"):
                found.append((kids[i], name.value.decode()))
    return found

class ClientMessage(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong), ("send_event", ctypes.c_int),
                ("display", ctypes.c_void_p), ("window", ctypes.c_ulong), ("message_type", ctypes.c_ulong),
                ("format", ctypes.c_int), ("l", ctypes.c_long * 5)]

class XEvent(ctypes.Union):
    _fields_ = [("xclient", ClientMessage), ("pad", ctypes.c_long * 24)]

def close(x, dpy):
    protocols = x.XInternAtom(dpy, b"WM_PROTOCOLS", 0)
    delete = x.XInternAtom(dpy, b"WM_DELETE_WINDOW", 0)
    wins = windows(x, dpy)
    for w, _ in wins:
        ev = XEvent()
        ev.xclient.type = 33  # ClientMessage
        ev.xclient.window = w
        ev.xclient.message_type = protocols
        ev.xclient.format = 32
        ev.xclient.l[0] = delete
        x.XSendEvent(dpy, w, 0, 0, ctypes.byref(ev))
    x.XFlush(dpy)
    print(len(wins))

def xtest():
    name = ctypes.util.find_library("Xtst")
    if not name:
        raise SystemExit("x.py: no libXtst")
    t = ctypes.CDLL(name)
    t.XTestFakeMotionEvent.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_ulong]
    t.XTestFakeButtonEvent.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_int, ctypes.c_ulong]
    t.XTestFakeKeyEvent.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_int, ctypes.c_ulong]
    return t

def main():
    cmd = sys.argv[1]
    if cmd == "fb":
        fb(sys.argv[2], int(sys.argv[3], 16))
        return
    x, dpy = x11()
    if cmd == "title":
        for _, name in windows(x, dpy):
            print(name)
    elif cmd == "close":
        close(x, dpy)
    elif cmd == "click":
        t = xtest()
        t.XTestFakeMotionEvent(dpy, 0, int(sys.argv[2]), int(sys.argv[3]), 0)
        x.XSync(dpy, 0)
        time.sleep(0.1)
        t.XTestFakeButtonEvent(dpy, 1, 1, 0)
        t.XTestFakeButtonEvent(dpy, 1, 0, 0)
    elif cmd == "ctrl-tab":
        t = xtest()
        ctrl, tab = x.XKeysymToKeycode(dpy, 0xFFE3), x.XKeysymToKeycode(dpy, 0xFF09)
        for code, down in ((ctrl, 1), (tab, 1), (tab, 0), (ctrl, 0)):
            t.XTestFakeKeyEvent(dpy, code, down, 0)
            x.XSync(dpy, 0)
    x.XSync(dpy, 0)
    x.XCloseDisplay(dpy)

main()
EOF
X() { DISPLAY=:$N timeout 10 python3 "$T/x.py" "$@"; }
lib() { python3 -c "import ctypes.util, sys; sys.exit(0 if ctypes.util.find_library('$1') else 1)"; }
lib X11 || { echo "SKIP: no libX11 for python3's ctypes (SDL2's X11 window needs it too)"; exit 0; }

# ---- without a display ----------------------------------------------------------------------
env -u DISPLAY -u WAYLAND_DISPLAY timeout 20 "$D" run --display sdl --clock host "$G" </dev/null \
	>"$T/out" 2>"$T/err"
rc=$?
if grep -q "no SDL2 window" "$T/err"; then
	echo "SKIP: this build has no SDL2 window ($(errline "$T/err"))"
	exit 0
fi
if [ "$rc" -eq 2 ] && errline "$T/err" | grep -q '^denali: --display sdl: .' && [ ! -s "$T/out" ]; then
	ok "without an X server --display sdl fails with one line and status 2, running nothing"
else
	bad "without an X server --display sdl fails with one line and status 2, running nothing" \
		"exit $rc: $(tr '\n' '|' <"$T/err" | head -c 300)"
fi

# ---- the X server: a free display number, its screen in $T/Xvfb_screen0 ------------------------
N=""
for try in 93 94 95 96 97 98 99 87 88 89; do
	[ -e "/tmp/.X$try-lock" ] || [ -e "/tmp/.X11-unix/X$try" ] && continue
	timeout 300 Xvfb ":$try" -screen 0 1024x768x24 -fbdir "$T" -nolisten tcp -noreset \
		>"$T/xvfb.log" 2>&1 &
	XPID=$!
	i=0
	while [ $i -lt 50 ] && kill -0 "$XPID" 2>/dev/null && \
		! { [ -S "/tmp/.X11-unix/X$try" ] && [ -s "$T/Xvfb_screen0" ]; }; do
		sleep 0.1
		i=$((i + 1))
	done
	# Its own screen file says it is ours: a server that lost the race for the number to
	# another exits before it makes one.
	if [ -S "/tmp/.X11-unix/X$try" ] && [ -s "$T/Xvfb_screen0" ] && kill -0 "$XPID" 2>/dev/null; then
		N=$try
		break
	fi
	kill "$XPID" 2>/dev/null
	wait "$XPID" 2>/dev/null
	XPID=""
done
if [ -z "$N" ]; then
	echo "SKIP: Xvfb does not start here ($(head -n 1 "$T/xvfb.log" 2>/dev/null))"
	exit 0
fi
SCREEN=$T/Xvfb_screen0

# start ARGS...: denali run in the background on the X server; RPID, output in $T/out, $T/err.
start() {
	DISPLAY=:$N timeout 60 "$D" run --clock host "$@" </dev/null >"$T/out" 2>"$T/err" &
	RPID=$!
}
# finish: wait for it; its status in $rc.
finish() {
	wait "$RPID"
	rc=$?
	RPID=""
}
# seen COLOUR [TRIES]: wait (0.1 s a try, 150 by default) until the screen shows COLOUR; its
# "COUNT X Y W H" in $seen.
seen() {
	i=0
	while [ $i -lt "${2:-150}" ]; do
		seen=$(X fb "$SCREEN" "$1")
		[ "${seen%% *}" != 0 ] && return 0
		kill -0 "$RPID" 2>/dev/null || { seen=$(X fb "$SCREEN" "$1"); [ "${seen%% *}" != 0 ]; return; }
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
# titled PATTERN: wait (up to 5 s) until the window's title matches the case pattern.
titled() {
	i=0
	while [ $i -lt 50 ]; do
		title=$(X title | head -n 1)
		case $title in $1) return 0 ;; esac # $1 is a pattern
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# ---- one VM: the frame, its scale, the title, the end -------------------------------------------
start --display sdl --args "0x336699 2500 7" "$G"
if seen 0x336699; then
	ok "the window shows the guest's frame (0x336699)"
	set -- $seen
	# A whole multiple of 64 x 48, every pixel of it the colour: integer scaling, no blur.
	if [ $(($4 % 64)) -eq 0 ] && [ $(($5 % 48)) -eq 0 ] && [ $(($4 / 64)) -eq $(($5 / 48)) ] && \
		[ "$1" -eq $(($4 * $5)) ]; then
		ok "the frame is scaled by a whole factor ($(($4 / 64))x: $4 x $5) and letterboxed"
	else
		bad "the frame is scaled by a whole factor and letterboxed" "$1 pixels in a $4 x $5 box at $2,$3"
	fi
else
	bad "the window shows the guest's frame (0x336699)" "not on the screen; $(errline "$T/err")"
fi
if titled "denali - vm 0*"; then
	ok "the window's title names the focused VM ($title)"
else
	bad "the window's title names the focused VM" "title \"$title\""
fi
finish
if [ "$rc" -eq 7 ] && grep -q '^solid: presented 0x336699' "$T/out"; then
	ok "the run ends with the guest's TERMINATE status (7) and its output"
else
	bad "the run ends with the guest's TERMINATE status (7) and its output" "exit $rc: $(tr '\n' '|' <"$T/err")"
fi
i=0 # the server may take a moment to tear down a client that has just exited
while [ $i -lt 30 ] && { [ -n "$(X title)" ] || [ "$(X fb "$SCREEN" 0x336699)" != 0 ]; }; do
	sleep 0.1
	i=$((i + 1))
done
if [ -z "$(X title)" ] && [ "$(X fb "$SCREEN" 0x336699)" = 0 ]; then
	ok "the window is gone when the run ends"
else
	bad "the window is gone when the run ends" "still there: $(X title)"
fi

# ---- closing the window ---------------------------------------------------------------------------
start --display sdl --args "0x663399 30000 0" "$G"
if seen 0x663399 && [ "$(X close)" = 1 ]; then
	i=0
	while [ $i -lt 100 ] && kill -0 "$RPID" 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	finish
	if [ "$rc" -eq 130 ] && grep -q '^denali: interrupted (signal 2)' "$T/err"; then
		ok "closing the window ends the run as SIGINT does (status 130)"
	else
		bad "closing the window ends the run as SIGINT does (status 130)" "exit $rc: $(tr '\n' '|' <"$T/err")"
	fi
else
	kill "$RPID" 2>/dev/null
	finish
	bad "closing the window ends the run as SIGINT does (status 130)" "no window to close; exit $rc"
fi

# ---- the mosaic: every VM, a click, Ctrl+Tab ---------------------------------------------------------
# VM i shows 0x33669i: three colours to find.
start --display mosaic --vms 3 --args "0x33669{id} 30000 0" "$G"
all=1
for c in 0x336690 0x336691 0x336692; do
	seen "$c" || all=0
done
if [ $all -eq 1 ]; then
	ok "the mosaic shows every VM's frame"
else
	bad "the mosaic shows every VM's frame" "not every colour is on the screen"
fi
seen 0x336692 10
before=${seen%% *}
set -- $seen
if ! lib Xtst; then
	ok "a click on a tile focuses its VM # SKIP no libXtst to click with"
	ok "Ctrl+Tab moves the focus to the next VM # SKIP no libXtst to type with"
elif [ "$before" != 0 ] && X click $(($2 + $4 / 2)) $(($3 + $5 / 2)) && titled "denali mosaic - vm 2*"; then
	# the panel shows VM 2 now: its colour covers more of the screen
	i=0
	while [ $i -lt 30 ] && seen 0x336692 1 && [ "${seen%% *}" -le $((before * 2)) ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if [ "${seen%% *}" -gt $((before * 2)) ]; then
		ok "a click on a tile focuses its VM: the title says vm 2, the panel shows it"
	else
		bad "a click on a tile focuses its VM" "the title moves, the panel does not ($before, then ${seen%% *} pixels)"
	fi
else
	bad "a click on a tile focuses its VM" "title \"$title\""
fi
if ! lib Xtst; then
	:
elif X ctrl-tab && titled "denali mosaic - vm 0*"; then
	ok "Ctrl+Tab moves the focus to the next VM (2 -> 0)"
else
	bad "Ctrl+Tab moves the focus to the next VM (2 -> 0)" "title \"$title\""
fi
[ "$(X close)" = 1 ] || kill "$RPID" 2>/dev/null
finish
if [ "$rc" -eq 130 ] && [ "$(grep -c '^\[vm [0-2]\] solid: presented' "$T/out")" = 3 ]; then
	ok "closing the mosaic ends its run (status 130) with every VM's output"
else
	bad "closing the mosaic ends its run (status 130) with every VM's output" "exit $rc: $(tr '\n' '|' <"$T/err")"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
