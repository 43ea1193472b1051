/* test_ports.c - a VM's port bus (devices/ports.c) and the ports DVA-1 section 7 defines on it.
 *
 * First the bus alone, with recording devices: each IN/OUT reaches the one device whose range
 * holds the port, with the port and width as given; a port nobody owns, a device without the
 * direction, and a device's own refusal all come back as -1 (the CPU raises #GP(0) for it);
 * REP OUTSB goes to the device's out_bytes, or byte by byte through out when it has none; the
 * bus holds PORT_BUS_MAX devices and destroys each once.
 *
 * Then a bus as a VM has it (console at 0xD000-0xD001, timer at 0xD300-0xD301): every port,
 * width and direction of docs/abi.md either works or is refused, and the ports around them and
 * the reserved devices' ports (network, disk, keyboard, display: not present) are refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/harness.h"

#include "denali_arch/dva.h"
#include "devices/console.h"
#include "devices/device.h"
#include "devices/timer.h"

/* --- a recording device --------------------------------------------------------------------- */

struct rec {
	struct device dev;  /* first */
	int tag;            /* what its IN returns in the low byte */
	int calls;          /* in + out + out_bytes calls */
	uint16_t port;      /* of the last call */
	unsigned size;
	char dir;           /* 'i', 'o', 'b' */
	uint32_t val;       /* the last OUT's value */
	uint8_t bytes[16];  /* what out_bytes or byte-wise out received */
	unsigned nbytes;
	int refuse;         /* return -1 from every call */
	int refuse_after;   /* out: refuse once this many bytes went out (0: never) */
	int destroyed;
};

static int rec_in(struct device *d, uint16_t port, unsigned size, uint32_t *val)
{
	struct rec *r = (struct rec *)d;
	r->calls++;
	r->port = port;
	r->size = size;
	r->dir = 'i';
	if (r->refuse)
		return -1;
	*val = 0xAB00u | (uint32_t)r->tag;
	return 0;
}

static int rec_out(struct device *d, uint16_t port, unsigned size, uint32_t val)
{
	struct rec *r = (struct rec *)d;
	r->calls++;
	r->port = port;
	r->size = size;
	r->dir = 'o';
	r->val = val;
	if (r->refuse || (r->refuse_after && (int)r->nbytes == r->refuse_after))
		return -1;
	if (r->nbytes < sizeof(r->bytes))
		r->bytes[r->nbytes++] = (uint8_t)val;
	return 0;
}

static int rec_out_bytes(struct device *d, uint16_t port, const uint8_t *bytes, uint32_t n)
{
	struct rec *r = (struct rec *)d;
	r->calls++;
	r->port = port;
	r->dir = 'b';
	if (r->refuse)
		return -1;
	for (uint32_t i = 0; i < n && r->nbytes < sizeof(r->bytes); i++)
		r->bytes[r->nbytes++] = bytes[i];
	return 0;
}

static void rec_destroy(struct device *d)
{
	((struct rec *)d)->destroyed++;
}

static const struct device_ops rec_ops = {
	.in = rec_in, .out = rec_out, .out_bytes = rec_out_bytes, .destroy = rec_destroy,
};
static const struct device_ops rec_ops_in_only = { .in = rec_in };
static const struct device_ops rec_ops_out_only = { .out = rec_out };

static void rec_init(struct rec *r, const struct device_ops *ops, uint16_t first, uint16_t last,
		     int tag)
{
	memset(r, 0, sizeof(*r));
	r->dev.ops = ops;
	r->dev.port_first = first;
	r->dev.port_last = last;
	r->tag = tag;
}

/* Three devices: A answers 0x10-0x1F, B the single port 0x20, C (in only) 0x8000-0xFFFF. */
struct three {
	struct port_bus bus;
	struct rec a, b, c;
};

static void three_init(struct three *t)
{
	memset(&t->bus, 0, sizeof(t->bus));
	rec_init(&t->a, &rec_ops, 0x10, 0x1F, 1);
	rec_init(&t->b, &rec_ops, 0x20, 0x20, 2);
	rec_init(&t->c, &rec_ops_in_only, 0x8000, 0xFFFF, 3);
	assert_int_equal(port_bus_attach(&t->bus, &t->a.dev), 0);
	assert_int_equal(port_bus_attach(&t->bus, &t->b.dev), 0);
	assert_int_equal(port_bus_attach(&t->bus, &t->c.dev), 0);
}

/* --- the bus alone -------------------------------------------------------------------------- */

static void each_access_reaches_the_device_that_owns_the_port(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		char dir;         /* 'i' IN, 'o' OUT */
		uint16_t port;
		unsigned size;
		int want_rc;
		int want_dev;     /* tag of the device that must see the call alone, 0: none */
	} rows[] = {
		{ "IN at the first port of a range reaches its device", 'i', 0x10, 1, 0, 1 },
		{ "IN at the last port of a range reaches its device", 'i', 0x1F, 4, 0, 1 },
		{ "IN in the middle of a range reaches its device", 'i', 0x17, 2, 0, 1 },
		{ "OUT to a one-port device reaches it", 'o', 0x20, 4, 0, 2 },
		{ "IN at port 0xFFFF reaches the device ending there", 'i', 0xFFFF, 1, 0, 3 },
		{ "IN just below a range is refused and reaches nobody", 'i', 0x0F, 1, -1, 0 },
		{ "OUT just above a one-port device is refused and reaches nobody", 'o', 0x21, 1, -1, 0 },
		{ "IN at port 0 with no device there is refused", 'i', 0x0000, 4, -1, 0 },
		{ "IN between two ranges is refused", 'i', 0x7FFF, 1, -1, 0 },
		{ "OUT to a device without an out function is refused without calling it", 'o', 0x8000, 1, -1, 0 },
	};
	int bad = 0;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct three t;
		three_init(&t);
		uint32_t val = 0x5A5A5A5A;
		int rc = rows[i].dir == 'i' ? port_bus_in(&t.bus, rows[i].port, rows[i].size, &val)
					    : port_bus_out(&t.bus, rows[i].port, rows[i].size, 0x11223344);
		struct rec *devs[3] = { &t.a, &t.b, &t.c };
		if (rc != rows[i].want_rc) {
			print_error("%s: rc %d, want %d\n", rows[i].name, rc, rows[i].want_rc);
			bad++;
			continue;
		}
		for (int d = 0; d < 3; d++) {
			int want_calls = rows[i].want_dev == d + 1;
			if (devs[d]->calls != want_calls) {
				print_error("%s: device %d saw %d calls, want %d\n", rows[i].name, d + 1,
					    devs[d]->calls, want_calls);
				bad++;
			} else if (want_calls && (devs[d]->port != rows[i].port ||
						  devs[d]->size != rows[i].size || devs[d]->dir != rows[i].dir)) {
				print_error("%s: the device saw %c port 0x%x size %u\n", rows[i].name,
					    devs[d]->dir, devs[d]->port, devs[d]->size);
				bad++;
			}
		}
		if (rows[i].want_rc == 0 && rows[i].dir == 'i' && val != (0xAB00u | (uint32_t)rows[i].want_dev)) {
			print_error("%s: IN gave 0x%x\n", rows[i].name, val);
			bad++;
		}
		if (rows[i].want_rc == 0 && rows[i].dir == 'o' && devs[rows[i].want_dev - 1]->val != 0x11223344) {
			print_error("%s: OUT passed 0x%x\n", rows[i].name, devs[rows[i].want_dev - 1]->val);
			bad++;
		}
		if (rows[i].want_rc && rows[i].dir == 'i' && val != 0x5A5A5A5A) {
			print_error("%s: a refused IN wrote 0x%x\n", rows[i].name, val);
			bad++;
		}
	}
	if (bad)
		fail_msg("%d mismatches", bad);
}

static void a_device_that_refuses_an_access_makes_the_bus_refuse_it(void **state)
{
	(void)state;
	struct three t;
	three_init(&t);
	t.a.refuse = 1;
	uint32_t val = 7;
	assert_int_equal(port_bus_in(&t.bus, 0x10, 1, &val), -1);
	assert_int_equal(port_bus_out(&t.bus, 0x10, 1, 0), -1);
	const uint8_t bytes[2] = { 1, 2 };
	assert_int_equal(port_bus_out_bytes(&t.bus, 0x10, bytes, 2), -1);
	assert_int_equal(t.a.calls, 3);
	assert_int_equal(t.b.calls, 0);
}

static void a_device_without_in_refuses_in(void **state)
{
	(void)state;
	struct port_bus bus = { 0 };
	struct rec r;
	rec_init(&r, &rec_ops_out_only, 0x40, 0x41, 4);
	assert_int_equal(port_bus_attach(&bus, &r.dev), 0);
	uint32_t val = 0;
	assert_int_equal(port_bus_in(&bus, 0x40, 1, &val), -1);
	assert_int_equal(r.calls, 0);
	assert_int_equal(port_bus_out(&bus, 0x41, 2, 0x99), 0);
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.port, 0x41);
	assert_int_equal(r.size, 2);
}

static void rep_outsb_goes_to_out_bytes_in_one_call(void **state)
{
	(void)state;
	struct three t;
	three_init(&t);
	const uint8_t bytes[5] = { 'h', 'e', 'l', 'l', 'o' };
	assert_int_equal(port_bus_out_bytes(&t.bus, 0x12, bytes, 5), 0);
	assert_int_equal(t.a.calls, 1);
	assert_int_equal(t.a.dir, 'b');
	assert_int_equal(t.a.port, 0x12);
	assert_int_equal(t.a.nbytes, 5);
	assert_memory_equal(t.a.bytes, bytes, 5);
}

static void rep_outsb_without_out_bytes_goes_byte_by_byte_through_out(void **state)
{
	(void)state;
	struct port_bus bus = { 0 };
	struct rec r;
	rec_init(&r, &rec_ops_out_only, 0x40, 0x40, 4);
	assert_int_equal(port_bus_attach(&bus, &r.dev), 0);
	const uint8_t bytes[4] = { 0xDE, 0xAD, 0xBE, 0xEF };
	assert_int_equal(port_bus_out_bytes(&bus, 0x40, bytes, 4), 0);
	assert_int_equal(r.calls, 4);
	assert_int_equal(r.size, 1);
	assert_int_equal(r.nbytes, 4);
	assert_memory_equal(r.bytes, bytes, 4);
}

static void rep_outsb_byte_by_byte_stops_at_the_first_refused_byte(void **state)
{
	(void)state;
	struct port_bus bus = { 0 };
	struct rec r;
	rec_init(&r, &rec_ops_out_only, 0x40, 0x40, 4);
	r.refuse_after = 2;
	assert_int_equal(port_bus_attach(&bus, &r.dev), 0);
	const uint8_t bytes[4] = { 1, 2, 3, 4 };
	assert_int_equal(port_bus_out_bytes(&bus, 0x40, bytes, 4), -1);
	assert_int_equal(r.calls, 3); /* two taken, the third refused, the fourth never tried */
	assert_int_equal(r.nbytes, 2);
}

static void rep_outsb_is_refused_by_a_device_with_neither_out(void **state)
{
	(void)state;
	struct three t;
	three_init(&t);
	const uint8_t bytes[1] = { 1 };
	assert_int_equal(port_bus_out_bytes(&t.bus, 0x9000, bytes, 1), -1);
	assert_int_equal(port_bus_out_bytes(&t.bus, 0x30, bytes, 1), -1); /* nobody's port */
	assert_int_equal(t.a.calls + t.b.calls + t.c.calls, 0);
}

static void the_bus_holds_port_bus_max_devices_and_refuses_one_more(void **state)
{
	(void)state;
	struct port_bus bus = { 0 };
	struct rec r[PORT_BUS_MAX + 1];
	for (unsigned i = 0; i < PORT_BUS_MAX; i++) {
		rec_init(&r[i], &rec_ops, (uint16_t)(0x100 * (i + 1)), (uint16_t)(0x100 * (i + 1)), (int)i);
		assert_int_equal(port_bus_attach(&bus, &r[i].dev), 0);
	}
	rec_init(&r[PORT_BUS_MAX], &rec_ops, 0x50, 0x50, 99);
	assert_int_equal(port_bus_attach(&bus, &r[PORT_BUS_MAX].dev), -1);
	assert_int_equal(bus.n, PORT_BUS_MAX);
	uint32_t val = 0;
	assert_int_equal(port_bus_in(&bus, 0x50, 1, &val), -1); /* the refused one is not on the bus */
	for (unsigned i = 0; i < PORT_BUS_MAX; i++) {
		assert_int_equal(port_bus_in(&bus, (uint16_t)(0x100 * (i + 1)), 1, &val), 0);
		assert_int_equal(val, 0xAB00u | i);
	}
}

static void destroy_calls_each_device_destroy_once_and_empties_the_bus(void **state)
{
	(void)state;
	struct three t;
	three_init(&t); /* c has no destroy: skipped */
	port_bus_destroy(&t.bus);
	assert_int_equal(t.a.destroyed, 1);
	assert_int_equal(t.b.destroyed, 1);
	assert_int_equal(t.bus.n, 0);
	uint32_t val;
	assert_int_equal(port_bus_in(&t.bus, 0x10, 1, &val), -1);
	port_bus_destroy(&t.bus); /* a second destroy finds nothing */
	assert_int_equal(t.a.destroyed, 1);
}

/* --- the ports of DVA-1 section 7 ----------------------------------------------------------- */

static uint64_t fake_now(void *owner)
{
	(void)owner;
	return 1000;
}

static int timer_changes;
static void fake_changed(void *owner)
{
	(void)owner;
	timer_changes++;
}

static void fake_raise(void *owner, unsigned line)
{
	(void)owner;
	(void)line;
}

/* What the VM gives its devices: a clock at 1000 ns, a count of moved deadlines. */
static const struct dev_host fake_host = {
	.now = fake_now, .raise = fake_raise, .deadline_moved = fake_changed,
};

static void every_port_width_and_direction_is_allowed_or_refused_as_dva1_says(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		char dir;      /* 'i' IN, 'o' OUT, 's' REP OUTSB of 3 bytes */
		uint16_t port;
		unsigned size;
		int want_rc;   /* 0 works, -1 is #GP(0) */
	} rows[] = {
		{ "OUT DX, AL to the console data port writes a byte", 'o', 0xD000, 1, 0 },
		{ "OUT DX, AX to the console data port is refused", 'o', 0xD000, 2, -1 },
		{ "OUT DX, EAX to the console data port is refused", 'o', 0xD000, 4, -1 },
		{ "REP OUTSB to the console data port works", 's', 0xD000, 1, 0 },
		{ "IN AL from the console data port works", 'i', 0xD000, 1, 0 },
		{ "IN AX from the console data port is refused", 'i', 0xD000, 2, -1 },
		{ "IN EAX from the console data port is refused", 'i', 0xD000, 4, -1 },
		{ "IN EAX from the console status port works", 'i', 0xD001, 4, 0 },
		{ "IN AL from the console status port is refused", 'i', 0xD001, 1, -1 },
		{ "IN AX from the console status port is refused", 'i', 0xD001, 2, -1 },
		{ "OUT DX, AL to the console status port is refused", 'o', 0xD001, 1, -1 },
		{ "OUT DX, EAX to the console status port is refused", 'o', 0xD001, 4, -1 },
		{ "REP OUTSB to the console status port is refused", 's', 0xD001, 1, -1 },
		{ "OUT DX, EAX to the one-shot timer works", 'o', 0xD300, 4, 0 },
		{ "OUT DX, EAX to the periodic timer works", 'o', 0xD301, 4, 0 },
		{ "OUT DX, AL to the one-shot timer is refused", 'o', 0xD300, 1, -1 },
		{ "OUT DX, AX to the periodic timer is refused", 'o', 0xD301, 2, -1 },
		{ "IN EAX from the one-shot timer is refused", 'i', 0xD300, 4, -1 },
		{ "IN EAX from the periodic timer is refused", 'i', 0xD301, 4, -1 },
		{ "REP OUTSB to the timer is refused", 's', 0xD300, 1, -1 },
		{ "IN EAX from the port after the console's is refused", 'i', 0xD002, 4, -1 },
		{ "OUT DX, AL to the port before the console's is refused", 'o', 0xCFFF, 1, -1 },
		{ "OUT DX, EAX to the port after the timer's is refused", 'o', 0xD302, 4, -1 },
		{ "IN EAX from the network port (not present) is refused", 'i', DVA_PORT_NET, 4, -1 },
		{ "OUT DX, EAX to the disk port (not present) is refused", 'o', DVA_PORT_DISK, 4, -1 },
		{ "IN AL from the keyboard port (not present) is refused", 'i', DVA_PORT_KEYBOARD, 1, -1 },
		{ "OUT DX, EAX to the display port (not present) is refused", 'o', DVA_PORT_DISPLAY, 4, -1 },
		{ "IN AL from a PC port (0x60) is refused", 'i', 0x60, 1, -1 },
		{ "OUT DX, AL to port 0 is refused", 'o', 0x0000, 1, -1 },
		{ "IN EAX from port 0xFFFF is refused", 'i', 0xFFFF, 4, -1 },
	};
	char *out = NULL;
	size_t outlen = 0;
	int bad = 0;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		FILE *f = open_memstream(&out, &outlen);
		assert_non_null(f);
		struct port_bus bus = { .host = &fake_host };
		struct console *con = console_new(f);
		struct timer *tm = timer_new();
		assert_non_null(con);
		assert_non_null(tm);
		assert_int_equal(port_bus_attach(&bus, &con->dev), 0);
		assert_int_equal(port_bus_attach(&bus, &tm->dev), 0);
		timer_changes = 0;
		uint32_t val = 0;
		int rc;
		const uint8_t s[3] = { 'a', 'b', 'c' };
		switch (rows[i].dir) {
		case 'i': rc = port_bus_in(&bus, rows[i].port, rows[i].size, &val); break;
		case 'o': rc = port_bus_out(&bus, rows[i].port, rows[i].size, 'x'); break;
		default: rc = port_bus_out_bytes(&bus, rows[i].port, s, 3); break;
		}
		if (rc != rows[i].want_rc) {
			print_error("%s: rc %d, want %d\n", rows[i].name, rc, rows[i].want_rc);
			bad++;
		}
		/* What a working access did: the timer's armed, the console's bytes out, IN values. */
		int timer_port = rows[i].port == 0xD300 || rows[i].port == 0xD301;
		if (timer_changes != (timer_port && rc == 0)) {
			print_error("%s: the timer changed %d times\n", rows[i].name, timer_changes);
			bad++;
		}
		if (rows[i].port == 0xD300 && rc == 0 && tm->oneshot_at != 1000 + 'x' * 1000u) {
			print_error("%s: one-shot at %llu\n", rows[i].name, (unsigned long long)tm->oneshot_at);
			bad++;
		}
		port_bus_destroy(&bus); /* flushes the console */
		fclose(f);
		const char *want_out = rows[i].port == 0xD000 && rc == 0 && rows[i].dir != 'i'
					       ? (rows[i].dir == 's' ? "abc" : "x") : "";
		if (strlen(want_out) != outlen || memcmp(out, want_out, outlen)) {
			print_error("%s: console output '%.*s', want '%s'\n", rows[i].name, (int)outlen,
				    out, want_out);
			bad++;
		}
		/* a console without host input: IN AL gives 0xFF, the status says ended, empty */
		if (rc == 0 && rows[i].dir == 'i') {
			uint32_t want = rows[i].port == 0xD000 ? 0xFF : DVA_CONSOLE_EOF;
			if (val != want) {
				print_error("%s: IN gave 0x%x, want 0x%x\n", rows[i].name, val, want);
				bad++;
			}
		}
		free(out);
		out = NULL;
	}
	if (bad)
		fail_msg("%d mismatches", bad);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		/* the bus */
		cmocka_unit_test(each_access_reaches_the_device_that_owns_the_port),
		cmocka_unit_test(a_device_that_refuses_an_access_makes_the_bus_refuse_it),
		cmocka_unit_test(a_device_without_in_refuses_in),
		cmocka_unit_test(rep_outsb_goes_to_out_bytes_in_one_call),
		cmocka_unit_test(rep_outsb_without_out_bytes_goes_byte_by_byte_through_out),
		cmocka_unit_test(rep_outsb_byte_by_byte_stops_at_the_first_refused_byte),
		cmocka_unit_test(rep_outsb_is_refused_by_a_device_with_neither_out),
		cmocka_unit_test(the_bus_holds_port_bus_max_devices_and_refuses_one_more),
		cmocka_unit_test(destroy_calls_each_device_destroy_once_and_empties_the_bus),
		/* DVA-1 section 7 */
		cmocka_unit_test(every_port_width_and_direction_is_allowed_or_refused_as_dva1_says),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
