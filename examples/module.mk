# examples/: example guests, built to build/guests/NAME.elf (run them with `make demo`).
EXAMPLE_GUESTS := hello checksum ticker burst
GUEST_SRCS_hello := examples/hello.c
GUEST_SRCS_checksum := examples/checksum.c
GUEST_SRCS_ticker := examples/ticker.c
GUEST_SRCS_burst := examples/burst.c
