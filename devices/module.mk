# devices/: one file per device, each behind the port interface.
DEVICE_SRCS := devices/console.c devices/device.c devices/net.c devices/pcap.c devices/ports.c \
	devices/switch.c devices/tap.c devices/timer.c devices/uplink.c devices/display.c \
	devices/keyboard.c
# The host's port is libslirp's (Debian libslirp-dev, which pulls in GLib's headers): its
# headers as system headers, so our warnings do not judge them.
SLIRP_CFLAGS := $(patsubst -I%,-isystem %,$(shell pkg-config --cflags slirp 2>/dev/null))
SLIRP_LIBS := $(shell pkg-config --libs slirp 2>/dev/null || echo -lslirp)
$(BUILD)/obj/devices/uplink.o $(BUILD)/san/devices/uplink.o: HOST_CFLAGS += $(SLIRP_CFLAGS)
