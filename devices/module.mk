# devices/: one file per device, each behind the port interface.
DEVICE_SRCS := devices/console.c devices/device.c devices/ports.c devices/timer.c
