/* monitor.h - the monitor (--monitor stdio | unix:PATH): a line-oriented command interpreter
 * for teaching and debugging, served between quanta through the host event loop.
 *
 * One command a line; the reply is one line, except for vms, disas and help, whose reply is a
 * first line that says how many lines follow ("3 vms", "4 instructions", "11 commands"), those
 * lines, then a line holding only ".". An error is always one line starting with "error: ".
 * So a script reads one line, and when the command was vms, disas or help and the line is no
 * error, reads on to the ".". The commands and their replies are listed in monitor.c's header
 * and in docs/debugging.md.
 */
#ifndef DENALI_MONITOR_H
#define DENALI_MONITOR_H

#include <stddef.h>

struct kernel;
struct monitor;

#define MONITOR_LINE_MAX 4096   /* bytes in a command line, without its newline */
#define MONITOR_REPLY_MAX 16384 /* bytes a reply may take, every line and its newline */

/* Run one command (line: text without its newline) and write its reply into reply (cap bytes,
 * every line ending in "\n"). 0, or -1 when the reply is an error line. Between quanta only.
 * The GDB stub's `monitor` command is to use it too. */
int monitor_exec(struct kernel *k, const char *line, char *reply, size_t cap);

/* From kernel_init: open the front end spec names ("stdio" or "unix:PATH"), register its watch
 * and hold faults. 0, or EXIT_USAGE after one line on stderr. */
int monitor_open(struct kernel *k, const char *spec);
/* Close it (and remove the socket's path); NULL is nothing. */
void monitor_close(struct monitor *m);

#endif
