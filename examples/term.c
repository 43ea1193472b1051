/* term.c - a text terminal on the display, typed into with the keyboard, running a tiny shell.
 *
 *   denali run --display sdl build/guests/term.elf
 *   denali run --keys SCRIPT build/guests/term.elf     (headless: watch the console)
 *
 * The screen is 80 x 25 characters of the 8x16 font (640 x 400 pixels) with a block cursor; it
 * scrolls up when the text reaches the bottom. The shell prompts "$ " and knows help, echo ARGS,
 * clear, time (system time), mem (memory and heap) and exit [N] (end with status N, default 0).
 * Backspace edits the line being typed.
 *
 * Everything the shell prints goes to the console as well as to the screen, so a test can follow
 * a session headless: the prompt is printed there when it appears, and each command line once it
 * is entered (the console is a byte stream, so the editing itself is not shown there).
 */
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fb.h>
#include <guestos.h>
#include <kbd.h>

#define COLS 80
#define ROWS 25
#define LINE_MAX 160 /* a command line: two screen rows at most */
#define ARGS_MAX 16
#define FG FB_RGB(200, 200, 200)
#define BG FB_RGB(0, 0, 40)

struct term {
	struct fb fb;
	char text[ROWS][COLS]; /* what each cell shows, so the cursor can be drawn over it */
	int row, col;          /* the cursor */
};

static void draw_cell(struct term *t, int row, int col, int cursor)
{
	char c = t->text[row][col];

	fb_char(&t->fb, col * FONT_W, row * FONT_H, c ? c : ' ', cursor ? BG : FG,
		cursor ? FG : BG);
}

static void cursor(struct term *t, int on)
{
	draw_cell(t, t->row, t->col, on);
}

static void clear_screen(struct term *t)
{
	memset(t->text, 0, sizeof(t->text));
	fb_fill(&t->fb, BG);
	t->row = t->col = 0;
}

/* Move the text and the pixels up a row; the bottom row comes in blank. */
static void scroll(struct term *t)
{
	size_t row_px = (size_t)t->fb.w * FONT_H;

	memmove(t->text[0], t->text[1], sizeof(t->text) - sizeof(t->text[0]));
	memset(t->text[ROWS - 1], 0, COLS);
	memmove(t->fb.pixels, t->fb.pixels + row_px, (ROWS - 1) * row_px * sizeof(uint32_t));
	fb_rect(&t->fb, 0, (ROWS - 1) * FONT_H, (int)t->fb.w, FONT_H, BG);
	t->row = ROWS - 1;
}

static void newline(struct term *t)
{
	t->col = 0;
	if (++t->row == ROWS)
		scroll(t);
}

/* Back one cell, onto the previous row's end when at the start of a row. */
static void backspace(struct term *t)
{
	if (t->col > 0) {
		t->col--;
	} else if (t->row > 0) {
		t->row--;
		t->col = COLS - 1;
	}
}

/* One character onto the screen only (the cursor is off while text is written). */
static void put(struct term *t, char c)
{
	if (c == '\n') {
		newline(t);
		return;
	}
	if (c == '\b') {
		backspace(t);
		return;
	}
	if (c == '\t') {
		do
			put(t, ' ');
		while (t->col % 8);
		return;
	}
	t->text[t->row][t->col] = c;
	draw_cell(t, t->row, t->col, 0);
	if (++t->col == COLS)
		newline(t);
}

static void show(struct term *t)
{
	cursor(t, 1);
	fb_present(&t->fb);
}

/* Shell output: to the console and to the screen. */
static void say(struct term *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct term *t, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printf("%s", buf);
	cursor(t, 0);
	for (const char *p = buf; *p; p++)
		put(t, *p);
	show(t);
}

/* Read a command line, echoing on the screen; Backspace takes back the last character. */
static void read_line(struct term *t, char *line, size_t size)
{
	size_t n = 0;

	for (;;) {
		int c = kbd_getchar();
		cursor(t, 0);
		if (c == '\n') {
			put(t, '\n');
			break;
		}
		if (c == '\b' && n > 0) {
			n--;
			backspace(t);
			t->text[t->row][t->col] = 0;
			draw_cell(t, t->row, t->col, 0);
		} else if (c >= ' ' && c < 127 && n + 1 < size) {
			line[n++] = (char)c;
			put(t, (char)c);
		}
		show(t);
	}
	line[n] = '\0';
	printf("%s\n", line); /* the console sees the line as entered */
}

/* ---- the shell ---------------------------------------------------------------------------- */

static int cmd_help(struct term *t, int argc, char **argv);

static int cmd_echo(struct term *t, int argc, char **argv)
{
	char out[LINE_MAX + 1] = "";

	for (int i = 1; i < argc; i++) {
		if (i > 1)
			strncat(out, " ", sizeof(out) - strlen(out) - 1);
		strncat(out, argv[i], sizeof(out) - strlen(out) - 1);
	}
	say(t, "%s\n", out);
	return 0;
}

static int cmd_clear(struct term *t, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	clear_screen(t);
	return 0;
}

static int cmd_time(struct term *t, int argc, char **argv)
{
	uint64_t ns = now_ns();

	(void)argc;
	(void)argv;
	say(t, "system time %u.%09u s\n", (unsigned)(ns / 1000000000u),
	    (unsigned)(ns % 1000000000u));
	return 0;
}

static int cmd_mem(struct term *t, int argc, char **argv)
{
	struct heap_stats st;

	(void)argc;
	(void)argv;
	say(t, "memory %u KiB\n", (unsigned)(dva_page0.mem_size / 1024u));
	if (heap_check(&st) == 0)
		say(t, "heap %u KiB: %u bytes in %u blocks used, %u bytes free\n",
		    (unsigned)(st.heap_bytes / 1024u), (unsigned)st.used_bytes,
		    (unsigned)st.used_blocks, (unsigned)st.free_bytes);
	else
		say(t, "heap: inconsistent!\n");
	return 0;
}

static int cmd_exit(struct term *t, int argc, char **argv)
{
	(void)t;
	exit(argc > 1 ? atoi(argv[1]) : 0);
}

static const struct command {
	const char *name, *usage;
	int (*fn)(struct term *t, int argc, char **argv);
} commands[] = {
	{ "help", "help          this list", cmd_help },
	{ "echo", "echo ARGS     print the arguments", cmd_echo },
	{ "clear", "clear         clear the screen", cmd_clear },
	{ "time", "time          the system time", cmd_time },
	{ "mem", "mem           memory and the heap", cmd_mem },
	{ "exit", "exit [N]      end with status N (default 0)", cmd_exit },
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static int cmd_help(struct term *t, int argc, char **argv)
{
	(void)argc;
	(void)argv;
	for (size_t i = 0; i < NCOMMANDS; i++)
		say(t, "  %s\n", commands[i].usage);
	return 0;
}

/* Split the line at spaces and run the command it names. */
static void run(struct term *t, char *line)
{
	char *argv[ARGS_MAX + 1], *save;
	int argc = 0;

	for (char *w = strtok_r(line, " \t", &save); w && argc < ARGS_MAX;
	     w = strtok_r(NULL, " \t", &save))
		argv[argc++] = w;
	argv[argc] = NULL;
	if (argc == 0)
		return;
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(argv[0], commands[i].name)) {
			commands[i].fn(t, argc, argv);
			return;
		}
	say(t, "%s: unknown command (try help)\n", argv[0]);
}

int main(int argc, char **argv)
{
	static struct term t; /* the text grid is 2 KiB: off the stack */
	char line[LINE_MAX + 1];

	(void)argc;
	(void)argv;
	if (fb_init(&t.fb, COLS * FONT_W, ROWS * FONT_H) || kbd_init()) {
		printf("term: needs a display and a keyboard\n");
		return 1;
	}
	clear_screen(&t);
	say(&t, "denali term: %dx%d, type help\n", COLS, ROWS);
	for (;;) {
		say(&t, "$ ");
		read_line(&t, line, sizeof(line));
		run(&t, line);
	}
}
