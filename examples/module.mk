# examples/: example guests, built to build/guests/NAME.elf (run them with `make demo`).
EXAMPLE_GUESTS := hello checksum
GUEST_SRCS_hello := examples/hello.c
GUEST_SRCS_checksum := examples/checksum.c
