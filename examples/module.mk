# examples/: example guests, built to build/guests/NAME.elf (run them with `make demo`).
EXAMPLE_GUESTS := hello checksum ticker burst
GUEST_SRCS_hello := examples/hello.c
GUEST_SRCS_checksum := examples/checksum.c
GUEST_SRCS_ticker := examples/ticker.c
GUEST_SRCS_burst := examples/burst.c
# guestos's thread package and exception report at work.
EXAMPLE_GUESTS += threads sleepers faults
GUEST_SRCS_threads := examples/threads.c
GUEST_SRCS_sleepers := examples/sleepers.c
GUEST_SRCS_faults := examples/faults.c
# The network stack (guestos/net/): ping over ICMP echo sockets, a UDP echo server and client.
EXAMPLE_GUESTS += ping udpecho
GUEST_SRCS_ping := examples/ping.c
GUEST_SRCS_udpecho := examples/udpecho.c
# TCP (guestos/net/tcp*.c): the paper's web workload, a static server and two clients.
EXAMPLE_GUESTS += httpd httpget loadgen
GUEST_SRCS_httpd := examples/httpd.c examples/webobj.c examples/sha256.c
GUEST_SRCS_httpget := examples/httpget.c examples/sha256.c
GUEST_SRCS_loadgen := examples/loadgen.c
# The display and keyboard (guestos's fb.h and kbd.h): an animated plasma, a snake game played
# with the arrow keys, and a text terminal with a tiny shell.
EXAMPLE_GUESTS += plasma snake term
GUEST_SRCS_plasma := examples/plasma.c
GUEST_SRCS_snake := examples/snake.c
GUEST_SRCS_term := examples/term.c
