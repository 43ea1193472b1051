/* main.c - the `denali` command: read the configuration, run the kernel, write statistics. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "denali_arch/config.h"
#include "denali_arch/kernel.h"
#include "denali_arch/options.h"
#include "denali_arch/param.h"

#ifndef DENALI_VERSION
#define DENALI_VERSION "dev"
#endif

/* Ctrl-C or a kill: the run ends between two instructions with its output and statistics
 * written. A second signal two seconds or more after the first ends the process at once (a run
 * that does not stop); one sooner is the same request again (timeout(1) and a terminal can
 * deliver one signal both to the process and to its group). */
static struct kernel *running_kernel;
static struct timespec first_signal;

static void on_signal(int signo)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now); /* async-signal-safe */
	if (first_signal.tv_sec && now.tv_sec - first_signal.tv_sec >= 2) {
		signal(signo, SIG_DFL);
		raise(signo);
		return;
	}
	if (!first_signal.tv_sec)
		first_signal = now.tv_sec ? now : (struct timespec){ 1, 0 };
	if (running_kernel)
		kernel_interrupt(running_kernel, signo);
}

static void catch_signals(struct kernel *k)
{
	running_kernel = k;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	/* SA_RESTART, so a write to a slow stdout is not cut short and its bytes lost; ppoll is
	 * never restarted whatever the flag says (signal(7)), so a wait still ends at once. */
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static int cmd_run(int argc, char **argv)
{
	static struct run_config rc; /* a few KiB of group slots: not on the stack */
	switch (options_parse(&rc, argc, argv)) {
	case OPTIONS_HELP:
		options_usage(stdout);
		return 0;
	case OPTIONS_VERSION:
		printf("denali %s (DVA-1 revision 1)\n", DENALI_VERSION);
		return 0;
	case OPTIONS_BAD:
		config_free(&rc);
		return rc.source ? EXIT_REFUSED : EXIT_USAGE;
	case OPTIONS_RUN:
		break;
	}
	/* A file that may not grow (ulimit -f: the swap file, an image's memfd, a capture, a
	 * record) fails its write with EFBIG, reported in one line, instead of killing the process. */
	signal(SIGXFSZ, SIG_IGN);
	struct kernel k;
	int status = kernel_init(&k, &rc);
	if (status == 0) {
		catch_signals(&k);
		status = kernel_run(&k);
		running_kernel = NULL;
		/* The handler stays while the summary and statistics are written: a signal sent twice
		 * at once (timeout(1) signals its child and then its process group) must not end the
		 * process half-way through them; one sent 2 s or more after the first still does. */
		if (rc.summary)
			stats_print_summary(&k, status, stderr);
		if (rc.stats_dir && stats_write(&k, status))
			status = status ? status : EXIT_REFUSED;
		signal(SIGINT, SIG_DFL); /* the run has ended: a signal now ends the process */
		signal(SIGTERM, SIG_DFL);
	}
	kernel_destroy(&k);
	config_free(&rc);
	return status;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "run"))
		return cmd_run(argc, argv);
	if (argc >= 2 && (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version"))) {
		printf("denali %s (DVA-1 revision 1)\n", DENALI_VERSION);
		return 0;
	}
	if (argc >= 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help"))) {
		options_usage(stdout);
		return 0;
	}
	if (argc >= 2)
		fprintf(stderr, "denali: %s: unknown command (the command is 'run')\n", argv[1]);
	else
		fprintf(stderr, "denali: no command given (the command is 'run')\n");
	options_usage(stderr);
	return EXIT_USAGE;
}
