/* snake.c - the snake game on the display, steered with the arrow keys.
 *
 *   denali run --display sdl build/guests/snake.elf
 *   denali run --keys tests/display/snake.keys build/guests/snake.elf    (a scripted game)
 *
 * A 32 x 24 grid of 10-pixel cells under a 16-pixel score bar (320 x 256). The snake moves one
 * cell per tick; eating the food makes it one cell longer and scores a point ("score N" on the
 * console); running into a wall or itself ends the game, as does Escape ("game over: score N"),
 * and the program ends with status 0. It prints "snake: ready" once the display and keyboard
 * are set up.
 *
 * The game is a function of when the keys arrive. Ticks fall on the 100 ms grid of system time
 * (tick n at n x 100 ms, the first one after start-up), and each tick takes the keys that came
 * before it: a key pressed at 1.25s steers the move of the tick at 1.3s. The food is placed by a
 * PRNG seeded with page 0's seed, so with the same run seed the same keys always play the same
 * game. The arrows queue up to three turns, one taken per tick, so quick double turns work.
 */
#include <stdio.h>
#include <string.h>

#include <fb.h>
#include <guestos.h>
#include <kbd.h>

#define COLS 32
#define ROWS 24
#define CELL 10
#define BAR 16 /* the score bar above the grid */
#define TICK_NS 100000000ull
#define TURNS 3

enum dir { RIGHT, DOWN, LEFT, UP };
static const int step_x[4] = { 1, 0, -1, 0 }, step_y[4] = { 0, 1, 0, -1 };

struct game {
	uint8_t body_x[COLS * ROWS], body_y[COLS * ROWS]; /* a ring, tail first */
	unsigned tail, len;
	uint8_t occupied[ROWS][COLS];
	int food_x, food_y;
	enum dir dir;
	enum dir turns[TURNS]; /* queued arrow presses, oldest first */
	unsigned nturns;
	unsigned score;
	int quit;              /* Escape was pressed */
	uint64_t rng;
};

/* splitmix64: one 64-bit step per number; any seed (0 included) is fine. */
static uint32_t rng_next(struct game *g)
{
	uint64_t z = (g->rng += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return (uint32_t)((z ^ (z >> 31)) >> 32);
}

static void body_push(struct game *g, int x, int y)
{
	unsigned i = (g->tail + g->len++) % (COLS * ROWS);
	g->body_x[i] = (uint8_t)x;
	g->body_y[i] = (uint8_t)y;
	g->occupied[y][x] = 1;
}

static void body_drop_tail(struct game *g)
{
	g->occupied[g->body_y[g->tail]][g->body_x[g->tail]] = 0;
	g->tail = (g->tail + 1) % (COLS * ROWS);
	g->len--;
}

/* The food goes on the r-th free cell (row by row) for a random r: every free cell is equally
 * likely and no retry loop is needed. 0 when the snake fills the grid. */
static int place_food(struct game *g)
{
	unsigned free_cells = COLS * ROWS - g->len;
	if (free_cells == 0)
		return 0;
	unsigned r = rng_next(g) % free_cells;
	for (int y = 0; y < ROWS; y++)
		for (int x = 0; x < COLS; x++)
			if (!g->occupied[y][x] && r-- == 0) {
				g->food_x = x;
				g->food_y = y;
				return 1;
			}
	return 0;
}

/* Four cells in the middle row, heading right. */
static void game_init(struct game *g, uint64_t seed)
{
	*g = (struct game){ .dir = RIGHT, .rng = seed };
	for (int x = COLS / 2 - 3; x <= COLS / 2; x++)
		body_push(g, x, ROWS / 2);
	place_food(g);
}

static void queue_turn(struct game *g, enum dir d)
{
	if (g->nturns < TURNS)
		g->turns[g->nturns++] = d;
}

/* Take every key that arrived since the last tick: arrows queue turns, Escape quits. */
static void read_keys(struct game *g)
{
	uint32_t ev;

	while (kbd_poll(&ev)) {
		if (kbd_is_up(ev))
			continue;
		switch (KBD_CODE(ev)) {
		case DVA_KEY_RIGHT:
			queue_turn(g, RIGHT);
			break;
		case DVA_KEY_DOWN:
			queue_turn(g, DOWN);
			break;
		case DVA_KEY_LEFT:
			queue_turn(g, LEFT);
			break;
		case DVA_KEY_UP_ARROW:
			queue_turn(g, UP);
			break;
		case DVA_KEY_ESCAPE:
			g->quit = 1;
			break;
		default:
			break;
		}
	}
}

/* The first queued turn that changes the heading by a quarter: a turn onto the current heading
 * or straight back is dropped (reversing would bite the neck). */
static void take_turn(struct game *g)
{
	while (g->nturns) {
		enum dir d = g->turns[0];
		g->nturns--;
		for (unsigned i = 0; i < g->nturns; i++)
			g->turns[i] = g->turns[i + 1];
		if ((d ^ g->dir) & 1u) {
			g->dir = d;
			return;
		}
	}
}

/* One move: 1 to play on, 0 when the snake hit a wall or itself. The tail moves out of its
 * cell before the head moves in, so following one's own tail closely is allowed. */
static int game_step(struct game *g)
{
	unsigned h = (g->tail + g->len - 1) % (COLS * ROWS);
	int x = g->body_x[h] + step_x[g->dir], y = g->body_y[h] + step_y[g->dir];

	if (x < 0 || x >= COLS || y < 0 || y >= ROWS)
		return 0;
	int eats = x == g->food_x && y == g->food_y;
	int into_tail = x == g->body_x[g->tail] && y == g->body_y[g->tail];
	if (g->occupied[y][x] && (eats || !into_tail))
		return 0;
	if (!eats)
		body_drop_tail(g);
	body_push(g, x, y);
	if (eats) {
		g->score++;
		printf("score %u\n", g->score);
		return place_food(g);
	}
	return 1;
}

static void draw_cell(struct fb *fb, int x, int y, uint32_t color)
{
	fb_rect(fb, x * CELL, BAR + y * CELL, CELL - 1, CELL - 1, color);
}

static void draw(struct fb *fb, const struct game *g, const char *banner)
{
	char line[40];

	fb_fill(fb, FB_RGB(16, 24, 16));
	fb_rect(fb, 0, 0, (int)fb->w, BAR, FB_RGB(40, 40, 56));
	snprintf(line, sizeof(line), "score %u", g->score);
	fb_text(fb, 4, 0, line, FB_RGB(255, 255, 255), FB_TRANSPARENT);
	fb_text(fb, (int)fb->w - 5 * 8 - 4, 0, "snake", FB_RGB(120, 220, 120), FB_TRANSPARENT);
	draw_cell(fb, g->food_x, g->food_y, FB_RGB(230, 40, 40));
	for (unsigned i = 0; i < g->len; i++) {
		unsigned k = (g->tail + i) % (COLS * ROWS);
		uint32_t c = i + 1 == g->len ? FB_RGB(250, 250, 120) : FB_RGB(60, 200, 80);
		draw_cell(fb, g->body_x[k], g->body_y[k], c);
	}
	if (banner) {
		int w = (int)(8 * strlen(banner)), x = ((int)fb->w - w) / 2;
		fb_rect(fb, x - 8, BAR + 100, w + 16, 32, FB_RGB(0, 0, 0));
		fb_text(fb, x, BAR + 108, banner, FB_RGB(255, 80, 80), FB_TRANSPARENT);
	}
	fb_present(fb);
}

int main(int argc, char **argv)
{
	static struct game g; /* 3 KiB: off the stack */
	struct fb fb;

	(void)argc;
	(void)argv;
	if (fb_init(&fb, COLS * CELL, BAR + ROWS * CELL) || kbd_init()) {
		printf("snake: needs a display and a keyboard\n");
		return 1;
	}
	game_init(&g, dva_page0.seed);
	draw(&fb, &g, NULL);
	printf("snake: ready\n");
	for (uint64_t tick = now_ns() / TICK_NS + 1;; tick++) {
		sleep_until_ns(tick * TICK_NS);
		read_keys(&g);
		take_turn(&g);
		if (g.quit || !game_step(&g))
			break;
		draw(&fb, &g, NULL);
	}
	draw(&fb, &g, "GAME OVER");
	printf("game over: score %u\n", g.score);
	return 0;
}
