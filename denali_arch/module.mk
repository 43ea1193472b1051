# denali_arch/: the DVA ABI, the VM object, virtual registers, loader, the command line.
# main.c is the CLI entry point and is linked only into build/denali.
ARCH_SRCS := denali_arch/vm.c denali_arch/pager.c denali_arch/vregs.c denali_arch/loader.c denali_arch/options.c \
	denali_arch/config.c denali_arch/scenario.c denali_arch/kernel.c denali_arch/sched.c denali_arch/stats.c \
	denali_arch/evloop.c denali_arch/clock.c denali_arch/hostin.c denali_arch/capture.c
