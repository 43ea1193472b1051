# guestos/: the library every DVA-1 guest links with (crt0, virtual instructions, console, printf).
GUESTOS_SRCS := guestos/crt0.S guestos/start.c guestos/vinsn.c guestos/console.c \
	guestos/printf.c guestos/string.c

# guest_program: a recipe for a guest of your own, built outside the tables in examples/ and
# tests/. Give the target its .c/.S sources and libguestos.a as prerequisites, e.g.
#
#   $(BUILD)/guests/mine.elf: mine/main.c mine/util.c $(BUILD)/libguestos.a guestos/denali.ld
#   	$(guest_program)
#
# and run it with `build/denali run build/guests/mine.elf`. It compiles and links in one step with
# the same flags as every other guest (no dependency files).
define guest_program
	@mkdir -p $(@D)
	$(GUEST_CC) $(filter-out -MMD -MP,$(GUEST_CFLAGS)) $(GUEST_LDFLAGS) -o $@ \
		$(filter %.c %.S,$^) $(BUILD)/libguestos.a $(GUEST_LIBGCC)
endef
# The C library (libc subset): headers in guestos/include, tunables in guestos/libc_param.h.
GUESTOS_SRCS += guestos/printf_float.c guestos/ctype.c guestos/strtol.c guestos/qsort.c \
	guestos/rand.c guestos/abs.c guestos/errno.c guestos/exit.c guestos/stdio.c guestos/time.c \
	guestos/setjmp.S guestos/malloc.c
# The library OS proper: exceptions and the upcall, timers, threads, synchronisation, idling.
GUESTOS_SRCS += guestos/trap.S guestos/trap.c guestos/fault.c guestos/irq.c guestos/timer.c \
	guestos/thread.c guestos/swtch.S guestos/sync.c guestos/sleep.c guestos/idle.c \
	guestos/stack.c
# The framebuffer and keyboard drivers, and the 8x16 console font they share with the emulator.
GUESTOS_SRCS += guestos/font8x16.c guestos/fb.c guestos/kbd.c
# The network stack (guestos/net/, its index net/net_defs.h, tunables net/net_param.h).
GUESTOS_SRCS += guestos/net/pbuf.c guestos/net/inet.c guestos/net/nic.c guestos/net/ether.c \
	guestos/net/arp.c guestos/net/ip.c guestos/net/icmp.c guestos/net/udp.c \
	guestos/net/socket.c guestos/net/poll.c guestos/net/netif.c guestos/net/tcp.c \
	guestos/net/tcp_in.c guestos/net/tcp_out.c guestos/net/tcp_timer.c
