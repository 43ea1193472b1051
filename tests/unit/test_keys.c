/* test_keys.c - key names and --keys scripts (denali_arch/keys.c, keys.h, dva_keys.h), against
 * values written down here independently: SDL2's published keycodes (a character key is its
 * lower-case character, any other key its USB HID usage with bit 30 set) and the US layout.
 *
 * Checked:
 *  - key_code: every name of the contract (Backspace Tab Return Escape Space Delete CapsLock
 *    F1..F12 Insert Home PageUp End PageDown Right Left Down Up LCtrl LShift LAlt LGui RCtrl
 *    RShift RAlt RGui) gives SDL2's keycode; every printable character other than space names
 *    itself, upper-case letters the lower-case key; anything else (empty, two characters, a
 *    wrong name, F0/F13, a control or non-ASCII byte) is 0.
 *  - key_name: the name of each named keycode (the DVA_KEY_UP bit ignored), a character key's
 *    character in buf, NULL for codes without a name; key_name(key_code(n)) is n for every name.
 *  - key_for_char: every byte 0-255: letters, digits and unshifted symbols need no shift, upper
 *    case and the 21 shifted US symbols need LShift on the key below them, space is Space, the
 *    rest (controls, DEL, bytes >= 0x80) are 0.
 *  - keys_load on temporary files: valid scripts give exactly the expected events (time, VM,
 *    code), sorted, with press = down then up at one time, type = each character 20 ms after
 *    the last with LShift around shifted ones, "+T" relative to the line before, vm N, the
 *    default VM, comments and blank lines; every error is one line "FILE:LINE: reason" with the
 *    exact text below (line numbers count comments and blank lines) and leaves no events, a
 *    "vm N" the run does not have (N >= its VMs) included; an unreadable file is "FILE: reason".
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "denali_arch/dva_keys.h"
#include "denali_arch/keys.h"

#define ROWS(a) (sizeof(a) / sizeof((a)[0]))
#define SC(n) (0x40000000u | (n)) /* SDLK_SCANCODE_MASK | usage */
#define UP 0x80000000u
#define MS 1000000ull
#define LSHIFT SC(225)

/* ---- names ------------------------------------------------------------------------------------ */

static const struct { const char *name; uint32_t code; } names[] = {
	{ "Backspace", 8 }, { "Tab", 9 }, { "Return", 13 }, { "Escape", 27 }, { "Space", 32 },
	{ "Delete", 127 }, { "CapsLock", SC(57) },
	{ "F1", SC(58) }, { "F2", SC(59) }, { "F3", SC(60) }, { "F4", SC(61) }, { "F5", SC(62) },
	{ "F6", SC(63) }, { "F7", SC(64) }, { "F8", SC(65) }, { "F9", SC(66) }, { "F10", SC(67) },
	{ "F11", SC(68) }, { "F12", SC(69) },
	{ "Insert", SC(73) }, { "Home", SC(74) }, { "PageUp", SC(75) }, { "End", SC(77) },
	{ "PageDown", SC(78) }, { "Right", SC(79) }, { "Left", SC(80) }, { "Down", SC(81) },
	{ "Up", SC(82) },
	{ "LCtrl", SC(224) }, { "LShift", SC(225) }, { "LAlt", SC(226) }, { "LGui", SC(227) },
	{ "RCtrl", SC(228) }, { "RShift", SC(229) }, { "RAlt", SC(230) }, { "RGui", SC(231) },
};

static void key_code_names(void **state)
{
	(void)state;
	int bad = 0;
	for (size_t i = 0; i < ROWS(names); i++) {
		uint32_t c = key_code(names[i].name);
		if (c != names[i].code) {
			print_error("key_code(\"%s\") = 0x%x, want 0x%x\n", names[i].name, c, names[i].code);
			bad++;
		}
	}
	if (bad)
		fail_msg("%d names wrong", bad);
}

static void key_code_characters(void **state)
{
	(void)state;
	int bad = 0;
	for (int c = 0x21; c < 0x7F; c++) {
		char s[2] = { (char)c, 0 };
		uint32_t want = (c >= 'A' && c <= 'Z') ? (uint32_t)(c - 'A' + 'a') : (uint32_t)c;
		if (key_code(s) != want) {
			print_error("key_code(\"%s\") = 0x%x, want 0x%x\n", s, key_code(s), want);
			bad++;
		}
	}
	static const char *const none[] = {
		"", " ", "\t", "\x7f", "\x01", "\xc3\xa9", "\xff", "ab", "aa", "Aa", "Enter", "return",
		"RETURN", "F0", "F13", "F00", "Shift", "Ctrl", "Up ", " Up", "Spacebar", "Esc",
	};
	for (size_t i = 0; i < ROWS(none); i++)
		if (key_code(none[i]) != 0) {
			print_error("key_code(\"%s\") = 0x%x, want 0\n", none[i], key_code(none[i]));
			bad++;
		}
	if (bad)
		fail_msg("%d characters wrong", bad);
}

static void key_name_rows(void **state)
{
	(void)state;
	int bad = 0;
	char buf[2];
	for (size_t i = 0; i < ROWS(names); i++) {
		const char *n = key_name(names[i].code, buf);
		const char *u = key_name(names[i].code | UP, buf);
		if (!n || strcmp(n, names[i].name) || !u || strcmp(u, names[i].name)) {
			print_error("key_name(0x%x) = %s / up %s, want %s\n", names[i].code, n ? n : "NULL",
				    u ? u : "NULL", names[i].name);
			bad++;
		}
		const char *rt = key_name(key_code(names[i].name), buf);
		if (!rt || strcmp(rt, names[i].name)) {
			print_error("key_name(key_code(\"%s\")) = %s\n", names[i].name, rt ? rt : "NULL");
			bad++;
		}
	}
	static const uint32_t chars[] = { 'a', 'z', '0', '9', '/', '`', '[', '\\', '\'', '=', '-', '~' };
	for (size_t i = 0; i < ROWS(chars); i++) {
		memset(buf, 'X', sizeof(buf));
		const char *n = key_name(chars[i] | UP, buf);
		if (!n || n[0] != (char)chars[i] || n[1] != '\0') {
			print_error("key_name('%c' | up) = %s\n", (char)chars[i], n ? n : "NULL");
			bad++;
		}
	}
	static const uint32_t unnamed[] = { 0, UP, 1, 7, 10, 31, 128, 255, 0x1000, SC(0), SC(4),
					    SC(76), SC(83), SC(223), SC(232), SC(57) | 0x100 };
	for (size_t i = 0; i < ROWS(unnamed); i++)
		if (key_name(unnamed[i], buf) != NULL) {
			print_error("key_name(0x%x) = %s, want NULL\n", unnamed[i], key_name(unnamed[i], buf));
			bad++;
		}
	if (bad)
		fail_msg("%d names wrong", bad);
}

/* The US layout, written out: for each printable byte the key (lower case) and the shift. */
static void us_layout(int c, uint32_t *key, int *shift)
{
	static const char shifted[] = "~!@#$%^&*()_+{}|:\"<>?";
	static const char base[] = "`1234567890-=[]\\;',./";
	*key = 0;
	*shift = 0;
	if (c == ' ') {
		*key = 32;
	} else if (c >= 'a' && c <= 'z') {
		*key = (uint32_t)c;
	} else if (c >= 'A' && c <= 'Z') {
		*key = (uint32_t)(c + 32);
		*shift = 1;
	} else if (c >= '0' && c <= '9') {
		*key = (uint32_t)c;
	} else if (c > 0 && strchr(base, c)) {
		*key = (uint32_t)c;
	} else if (c > 0 && strchr(shifted, c)) {
		*key = (uint32_t)(unsigned char)base[strchr(shifted, c) - shifted];
		*shift = 1;
	}
}

static void key_for_char_all_bytes(void **state)
{
	(void)state;
	int bad = 0;
	for (int c = 0; c < 256; c++) {
		uint32_t want;
		int want_shift, shift = 7;
		us_layout(c, &want, &want_shift);
		uint32_t got = key_for_char((char)c, &shift);
		if (got != want || (want && shift != want_shift)) {
			print_error("key_for_char(0x%02x) = 0x%x shift %d, want 0x%x shift %d\n", c, got,
				    shift, want, want_shift);
			bad++;
		}
	}
	/* spot checks of the table itself */
	int s;
	assert_int_equal(key_for_char('!', &s), '1');
	assert_int_equal(s, 1);
	assert_int_equal(key_for_char('"', &s), '\'');
	assert_int_equal(s, 1);
	assert_int_equal(key_for_char('?', &s), '/');
	assert_int_equal(s, 1);
	assert_int_equal(key_for_char('|', &s), '\\');
	assert_int_equal(s, 1);
	assert_int_equal(key_for_char('~', &s), '`');
	assert_int_equal(s, 1);
	assert_int_equal(key_for_char('_', &s), '-');
	assert_int_equal(s, 1);
	assert_int_equal(key_for_char('+', &s), '=');
	assert_int_equal(s, 1);
	assert_int_equal(key_for_char('.', &s), '.');
	assert_int_equal(s, 0);
	if (bad)
		fail_msg("%d bytes wrong", bad);
}

/* ---- scripts ---------------------------------------------------------------------------------- */

struct tmp {
	char path[256];
};

static void write_tmp(struct tmp *t, const char *text, size_t n)
{
	const char *dir = getenv("TMPDIR");
	snprintf(t->path, sizeof(t->path), "%s/denali-keys-XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(t->path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, n), (ssize_t)n);
	close(fd);
}

struct ev {
	uint64_t at;
	uint32_t vm, code;
};

/* text loads with default VM dvm into exactly the n events want. */
static void script_ok(const char *name, const char *text, uint32_t dvm, const struct ev *want, size_t n)
{
	struct tmp t;
	struct key_script ks;
	char err[512] = "";
	write_tmp(&t, text, strlen(text));
	int rc = keys_load(&ks, t.path, dvm, 16, err, sizeof(err));
	unlink(t.path);
	if (rc != 0)
		fail_msg("%s: keys_load failed: %s", name, err);
	int bad = ks.n != n;
	if (bad)
		print_error("%s: %zu events, want %zu\n", name, ks.n, n);
	for (size_t i = 0; i < n && i < ks.n; i++)
		if (ks.ev[i].at_ns != want[i].at || ks.ev[i].vm != want[i].vm || ks.ev[i].event != want[i].code) {
			print_error("%s: event %zu is (%llu ns, vm %u, 0x%x), want (%llu ns, vm %u, 0x%x)\n",
				    name, i, (unsigned long long)ks.ev[i].at_ns, ks.ev[i].vm, ks.ev[i].event,
				    (unsigned long long)want[i].at, want[i].vm, want[i].code);
			bad = 1;
		}
	if (ks.next != 0) {
		print_error("%s: next is %zu, want 0\n", name, ks.next);
		bad = 1;
	}
	for (size_t i = 1; i < ks.n; i++)
		if (ks.ev[i].at_ns < ks.ev[i - 1].at_ns) {
			print_error("%s: events %zu and %zu out of order\n", name, i - 1, i);
			bad = 1;
		}
	keys_free(&ks);
	assert_int_equal(ks.n, 0);
	assert_null(ks.ev);
	if (bad)
		fail_msg("%s: wrong events", name);
}

static void script_every_line_kind(void **state)
{
	(void)state;
	static const char text[] =
		"# a comment\n"
		"\n"
		"   \n"
		"   # an indented comment\n"
		"500ms press a\n"
		"+100ms down LShift\n"
		"+0s press B\n"
		"+50ms up LShift\n"
		"1.5s press Right\n"
		"1.5s down F12\n"
		"2000000us up F12\n"
		"2.25s press Return\n"
		"+10ms press /\n"
		"2.3s vm 3 press Space\n"
		"2.3s vm 0 down 7\n"
		"+1ms   up   7\n"
		"2400ms press Escape";          /* no newline at the end */
	static const struct ev want[] = {
		{ 500 * MS, 2, 'a' }, { 500 * MS, 2, 'a' | UP },
		{ 600 * MS, 2, LSHIFT },
		{ 600 * MS, 2, 'b' }, { 600 * MS, 2, 'b' | UP },
		{ 650 * MS, 2, LSHIFT | UP },
		{ 1500 * MS, 2, SC(79) }, { 1500 * MS, 2, SC(79) | UP },
		{ 1500 * MS, 2, SC(69) },
		{ 2000 * MS, 2, SC(69) | UP },
		{ 2250 * MS, 2, 13 }, { 2250 * MS, 2, 13 | UP },
		{ 2260 * MS, 2, '/' }, { 2260 * MS, 2, '/' | UP },
		{ 2300 * MS, 3, ' ' }, { 2300 * MS, 3, ' ' | UP },
		{ 2300 * MS, 0, '7' },
		{ 2301 * MS, 2, '7' | UP },
		{ 2400 * MS, 2, 27 }, { 2400 * MS, 2, 27 | UP },
	};
	script_ok("every line kind", text, 2, want, ROWS(want));
}

static void script_times(void **state)
{
	(void)state;
	static const char text[] =
		"100us press a\n"
		"0.5ms press b\n"
		"1ms press c\n"
		"1.25s press d\n"
		"2s press e\n"
		"2.000000001s press f\n"
		"+999ns press g\n"
		"+1.5ms press h\n";
	static const struct ev want[] = {
		{ 100000, 0, 'a' }, { 100000, 0, 'a' | UP },
		{ 500000, 0, 'b' }, { 500000, 0, 'b' | UP },
		{ 1000000, 0, 'c' }, { 1000000, 0, 'c' | UP },
		{ 1250000000, 0, 'd' }, { 1250000000, 0, 'd' | UP },
		{ 2000000000, 0, 'e' }, { 2000000000, 0, 'e' | UP },
		{ 2000000001, 0, 'f' }, { 2000000001, 0, 'f' | UP },
		{ 2000001000, 0, 'g' }, { 2000001000, 0, 'g' | UP },
		{ 2001501000, 0, 'h' }, { 2001501000, 0, 'h' | UP },
	};
	script_ok("times", text, 0, want, ROWS(want));
}

static void script_same_time_and_relative_zero(void **state)
{
	(void)state;
	static const char text[] = "1s down LCtrl\n1s press c\n+0ms up LCtrl\n";
	static const struct ev want[] = {
		{ 1000 * MS, 0, SC(224) }, { 1000 * MS, 0, 'c' }, { 1000 * MS, 0, 'c' | UP },
		{ 1000 * MS, 0, SC(224) | UP },
	};
	script_ok("same time", text, 0, want, ROWS(want));
}

static void script_type(void **state)
{
	(void)state;
	static const char text[] = "1s type Hello!\n5s vm 1 type a B\n";
	static const struct ev want[] = {
		{ 1000 * MS, 0, LSHIFT }, { 1000 * MS, 0, 'h' }, { 1000 * MS, 0, 'h' | UP }, { 1000 * MS, 0, LSHIFT | UP },
		{ 1020 * MS, 0, 'e' }, { 1020 * MS, 0, 'e' | UP },
		{ 1040 * MS, 0, 'l' }, { 1040 * MS, 0, 'l' | UP },
		{ 1060 * MS, 0, 'l' }, { 1060 * MS, 0, 'l' | UP },
		{ 1080 * MS, 0, 'o' }, { 1080 * MS, 0, 'o' | UP },
		{ 1100 * MS, 0, LSHIFT }, { 1100 * MS, 0, '1' }, { 1100 * MS, 0, '1' | UP }, { 1100 * MS, 0, LSHIFT | UP },
		{ 5000 * MS, 1, 'a' }, { 5000 * MS, 1, 'a' | UP },
		{ 5020 * MS, 1, ' ' }, { 5020 * MS, 1, ' ' | UP },
		{ 5040 * MS, 1, LSHIFT }, { 5040 * MS, 1, 'b' }, { 5040 * MS, 1, 'b' | UP }, { 5040 * MS, 1, LSHIFT | UP },
	};
	script_ok("type", text, 0, want, ROWS(want));
}

static void script_type_symbols(void **state)
{
	(void)state;
	static const char text[] = "0s type ~`?/\n";
	static const struct ev want[] = {
		{ 0, 0, LSHIFT }, { 0, 0, '`' }, { 0, 0, '`' | UP }, { 0, 0, LSHIFT | UP },
		{ 20 * MS, 0, '`' }, { 20 * MS, 0, '`' | UP },
		{ 40 * MS, 0, LSHIFT }, { 40 * MS, 0, '/' }, { 40 * MS, 0, '/' | UP }, { 40 * MS, 0, LSHIFT | UP },
		{ 60 * MS, 0, '/' }, { 60 * MS, 0, '/' | UP },
	};
	script_ok("type symbols", text, 0, want, ROWS(want));
}

/* "+T" after a type line: relative to the line before, which is either its TIME or its last
 * character's (the contract says "the line before"; keys.c takes the last character's), but
 * never anything else, and the events stay sorted by time. */
static void script_relative_after_type(void **state)
{
	(void)state;
	struct tmp t;
	struct key_script ks;
	char err[512] = "";
	static const char text[] = "1s type abc\n+5ms press z\n";
	write_tmp(&t, text, strlen(text));
	int rc = keys_load(&ks, t.path, 0, 1, err, sizeof(err));
	unlink(t.path);
	if (rc)
		fail_msg("%s", err);
	assert_int_equal(ks.n, 8);
	uint64_t z = 0;
	for (size_t i = 0; i < ks.n; i++) {
		if (ks.ev[i].event == 'z')
			z = ks.ev[i].at_ns;
		if (i && ks.ev[i].at_ns < ks.ev[i - 1].at_ns)
			fail_msg("events %zu and %zu out of order", i - 1, i);
	}
	if (z != 1005 * MS && z != 1045 * MS)
		fail_msg("'+5ms press z' after '1s type abc' is at %llu ns: neither 1.005 s nor 1.045 s",
			 (unsigned long long)z);
	keys_free(&ks);
}

static void script_empty(void **state)
{
	(void)state;
	script_ok("empty file", "", 0, NULL, 0);
	script_ok("comments only", "# nothing\n\n   \n#\n", 0, NULL, 0);
}

/* ---- errors ----------------------------------------------------------------------------------- */

static const struct {
	const char *name, *text;
	unsigned line;
	const char *reason; /* after "FILE:LINE: " */
} errors[] = {
	{ "a time without a unit", "500 press a\n", 1,
	  "'500' is not a time (such as 1.5s, 200ms or +100ms)" },
	{ "a word for a time, after comments and blanks", "# one\n\n  # three\nsoon press a\n", 4,
	  "'soon' is not a time (such as 1.5s, 200ms or +100ms)" },
	{ "a negative time", "-5ms press a\n", 1, "'-5ms' is not a time (such as 1.5s, 200ms or +100ms)" },
	{ "'+' alone", "1s press a\n+ press b\n", 2, "'+' is not a time (such as 1.5s, 200ms or +100ms)" },
	{ "a relative word", "+soon press a\n", 1, "'+soon' is not a time (such as 1.5s, 200ms or +100ms)" },
	{ "two dots", "1.5.5s press a\n", 1, "'1.5.5s' is not a time (such as 1.5s, 200ms or +100ms)" },
	{ "an unknown unit", "5m press a\n", 1, "'5m' is not a time (such as 1.5s, 200ms or +100ms)" },
	{ "a time going back", "1s press a\n\n500ms press b\n", 3,
	  "'500ms' is earlier than the line before: times must not go back" },
	{ "a time going back by 1 ns", "1s press a\n999999999ns press b\n", 2,
	  "'999999999ns' is earlier than the line before: times must not go back" },
	{ "an unknown action", "1s hit a\n", 1, "'hit' is not an action (press, down, up or type)" },
	{ "an action in capitals", "1s Press a\n", 1, "'Press' is not an action (press, down, up or type)" },
	{ "no action", "1s press a\n2s\n", 2, "no action (press, down, up or type)" },
	{ "no action after vm N", "1s vm 1\n", 1, "no action (press, down, up or type)" },
	{ "an unknown key", "1s press Enter\n", 1,
	  "'Enter' is not a key (a character, or a name such as Return, Left, LShift)" },
	{ "an unknown key after down", "1s down F13\n", 1,
	  "'F13' is not a key (a character, or a name such as Return, Left, LShift)" },
	{ "a missing key after press", "1s press\n", 1, "'press' needs a key" },
	{ "a missing key after down", "1s down\n", 1, "'down' needs a key" },
	{ "a missing key after up", "1s up   \n", 1, "'up' needs a key" },
	{ "two keys after press", "1s press a b\n", 1, "more than one key after 'press'" },
	{ "two keys after up", "1s up LShift a\n", 1, "more than one key after 'up'" },
	{ "type without text", "1s type\n", 1, "'type' needs text" },
	{ "type with blanks only", "1s type    \n", 1, "'type' needs text" },
	{ "type with a byte no key types", "1s type caf\xc3\xa9\n", 1, "'type' cannot type the byte 0xc3" },
	{ "vm without a number", "1s vm press a\n", 1, "'vm' needs a VM number" },
	{ "vm at the end of the line", "1s vm\n", 1, "'vm' needs a VM number" },
	{ "vm -1", "1s vm -1 press a\n", 1, "'vm' needs a VM number" },
	{ "the error is on its own line, later lines unread", "1s press a\n2s press b\n3s hit c\n4s ???\n", 3,
	  "'hit' is not an action (press, down, up or type)" },
};

/* A "vm N" the run does not have: its line, like any other bad line. */
static const struct {
	const char *name, *text;
	unsigned line;
	const char *reason;
	uint64_t nvms; /* the run's VMs */
} vm_errors[] = {
	{ "vm 1 of a 1-VM run", "1s press a\n\n2s vm 1 press a\n", 3, "VM 1 does not exist: the run has 1 VM", 1 },
	{ "vm 3 of a 3-VM run", "1s vm 2 press a\n2s vm 3 type x\n", 2, "VM 3 does not exist: the run has 3 VMs", 3 },
	{ "vm 4294967294 of a 2-VM run", "1s vm 4294967294 down a\n", 1,
	  "VM 4294967294 does not exist: the run has 2 VMs", 2 },
};

/* text is refused with exactly "FILE:line: reason", leaving no events: 0, or 1 (said). */
static int refused(const char *name, const char *text, unsigned line, const char *reason, uint64_t nvms)
{
	struct tmp t;
	struct key_script ks;
	char err[512], want[1024];
	int bad = 0;
	memset(err, 0, sizeof(err));
	write_tmp(&t, text, strlen(text));
	int rc = keys_load(&ks, t.path, 0, nvms, err, sizeof(err));
	unlink(t.path);
	snprintf(want, sizeof(want), "%s:%u: %s", t.path, line, reason);
	if (rc != -1 || strcmp(err, want)) {
		print_error("%s: rc %d, err \"%s\"\n  want \"%s\"\n", name, rc, err, want);
		bad = 1;
	}
	if (ks.n != 0 || ks.ev != NULL) {
		print_error("%s: a refused script left %zu events\n", name, ks.n);
		bad = 1;
	}
	if (strchr(err, '\n')) {
		print_error("%s: the message is more than one line\n", name);
		bad = 1;
	}
	keys_free(&ks);
	return bad;
}

static void script_errors(void **state)
{
	(void)state;
	int bad = 0;
	for (size_t i = 0; i < ROWS(errors); i++)
		bad += refused(errors[i].name, errors[i].text, errors[i].line, errors[i].reason, 1000);
	for (size_t i = 0; i < ROWS(vm_errors); i++)
		bad += refused(vm_errors[i].name, vm_errors[i].text, vm_errors[i].line, vm_errors[i].reason,
			       vm_errors[i].nvms);
	if (bad)
		fail_msg("%d error rows wrong", bad);
}

static void script_unreadable(void **state)
{
	(void)state;
	struct key_script ks;
	char err[512];
	const char *path = "/nonexistent-denali-dir/keys.txt";
	assert_int_equal(keys_load(&ks, path, 0, 1, err, sizeof(err)), -1);
	assert_string_equal(err, "/nonexistent-denali-dir/keys.txt: No such file or directory");
	assert_int_equal(ks.n, 0);
	assert_null(ks.ev);
	const char *dir = getenv("TMPDIR");
	char dpath[256];
	snprintf(dpath, sizeof(dpath), "%s", dir && *dir ? dir : "/tmp");
	char want[300];
	snprintf(want, sizeof(want), "%s: Is a directory", dpath);
	assert_int_equal(keys_load(&ks, dpath, 0, 1, err, sizeof(err)), -1);
	assert_string_equal(err, want);
	assert_int_equal(ks.n, 0);
}

/* The last VM of the run is accepted. */
static void script_last_vm(void **state)
{
	(void)state;
	struct tmp t;
	struct key_script ks;
	char err[512] = "";
	static const char text[] = "1s vm 1 press a\n";
	write_tmp(&t, text, strlen(text));
	int rc = keys_load(&ks, t.path, 0, 2, err, sizeof(err));
	unlink(t.path);
	if (rc)
		fail_msg("vm 1 of 2: %s", err);
	assert_int_equal(ks.n, 2);
	assert_int_equal(ks.ev[0].vm, 1);
	assert_int_equal(ks.ev[1].vm, 1);
	keys_free(&ks);
}

/* Many events: the array grows, every event kept in order. */
static void script_many(void **state)
{
	(void)state;
	size_t n = 5000, cap = n * 24 + 1;
	char *text = malloc(cap), *p = text;
	assert_non_null(text);
	for (size_t i = 0; i < n; i++)
		p += sprintf(p, "%zums %s %c\n", i, i % 2 ? "up" : "down", (char)('a' + i % 26));
	struct tmp t;
	write_tmp(&t, text, (size_t)(p - text));
	free(text);
	struct key_script ks;
	char err[512];
	int rc = keys_load(&ks, t.path, 9, 10, err, sizeof(err));
	unlink(t.path);
	assert_int_equal(rc, 0);
	assert_int_equal(ks.n, n);
	for (size_t i = 0; i < n; i++) {
		uint32_t want = (uint32_t)('a' + i % 26) | (i % 2 ? UP : 0);
		if (ks.ev[i].at_ns != i * MS || ks.ev[i].vm != 9 || ks.ev[i].event != want)
			fail_msg("event %zu is (%llu, %u, 0x%x)", i, (unsigned long long)ks.ev[i].at_ns,
				 ks.ev[i].vm, ks.ev[i].event);
	}
	keys_free(&ks);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(key_code_names),
		cmocka_unit_test(key_code_characters),
		cmocka_unit_test(key_name_rows),
		cmocka_unit_test(key_for_char_all_bytes),
		cmocka_unit_test(script_every_line_kind),
		cmocka_unit_test(script_times),
		cmocka_unit_test(script_same_time_and_relative_zero),
		cmocka_unit_test(script_type),
		cmocka_unit_test(script_type_symbols),
		cmocka_unit_test(script_relative_after_type),
		cmocka_unit_test(script_empty),
		cmocka_unit_test(script_errors),
		cmocka_unit_test(script_unreadable),
		cmocka_unit_test(script_last_vm),
		cmocka_unit_test(script_many),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
