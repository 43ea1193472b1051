# denali_arch/: the DVA ABI, the VM object, virtual registers, loader, the command line.
# main.c is the CLI entry point and is linked only into build/denali.
ARCH_SRCS := denali_arch/vm.c denali_arch/pager.c denali_arch/vregs.c denali_arch/loader.c denali_arch/options.c \
	denali_arch/config.c denali_arch/scenario.c denali_arch/kernel.c denali_arch/sched.c denali_arch/stats.c \
	denali_arch/evloop.c denali_arch/clock.c denali_arch/hostin.c denali_arch/capture.c \
	denali_arch/keys.c denali_arch/show.c denali_arch/screen.c denali_arch/png.c denali_arch/sdl.c \
	guestos/font8x16.c denali_arch/rsp.c denali_arch/monitor.c denali_arch/gdbstub.c
# The window (--display sdl|mosaic) is SDL2's (Debian libsdl2-dev), optional: without it the
# build has only --display none, and sdl.c says so. Screenshots are PNG through libpng (Debian
# libpng-dev), which every build has: a screenshot needs no window, and SDL2 alone writes only BMP.
SDL_CFLAGS := $(patsubst -I%,-isystem %,$(shell pkg-config --cflags sdl2 2>/dev/null))
SDL_LIBS := $(shell pkg-config --libs sdl2 2>/dev/null)
ifneq ($(SDL_LIBS),)
$(BUILD)/obj/denali_arch/sdl.o $(BUILD)/san/denali_arch/sdl.o: HOST_CFLAGS += $(SDL_CFLAGS) -DHAVE_SDL2=1
endif
PNG_CFLAGS := $(patsubst -I%,-isystem %,$(shell pkg-config --cflags libpng 2>/dev/null))
PNG_LIBS := $(shell pkg-config --libs libpng 2>/dev/null || echo -lpng)
$(BUILD)/obj/denali_arch/png.o $(BUILD)/san/denali_arch/png.o: HOST_CFLAGS += $(PNG_CFLAGS)
