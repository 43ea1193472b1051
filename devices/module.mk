# devices/: one file per device, each behind the port interface.
DEVICE_SRCS := devices/console.c devices/device.c devices/net.c devices/pcap.c devices/ports.c \
	devices/switch.c devices/timer.c
