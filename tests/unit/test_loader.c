/* test_loader.c - the ELF32 loader against DVA-1 section 1: where image bytes land, which bytes
 * refuse guest stores, and every image the loader must refuse, built in memory per case.
 *
 * Each case starts from a good two-segment image made by a small builder (ELF header, program
 * headers, a payload per header whose bytes are never zero), changes one thing, writes the file
 * to a temporary path and calls image_open / image_fits / image_pool on it. A refusal must
 * return -1 with a one-line reason that says what is wrong (a distinctive word is checked) and
 * does not repeat the file name (the CLI prefixes it).
 */
#include <elf.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/unit/harness.h"

#include "denali_arch/loader.h"
#include "mmu/mem.h"

/* --- the image builder ---------------------------------------------------------------------- */

#define FILE_MAX 0x4000u   /* bytes of the largest image a case builds */
#define PH_MAX 12u         /* program headers a case may add */
#define PAYLOAD_AT 0x200u  /* first payload byte: the ELF header and PH_MAX headers fit below */
#define WHOLE SIZE_MAX     /* a length meaning "the whole file" */

/* The good image: text R+X [0x1000, 0x1234), data R+W [0x1234, 0x3000) of which the first
 * DATA_FILESZ bytes come from the file. Both share the page at 0x1000, so read-only and
 * writable bytes meet in the middle of a page. */
#define TEXT_VA 0x1000u
#define TEXT_SZ 0x234u
#define DATA_VA (TEXT_VA + TEXT_SZ)
#define DATA_FILESZ 0x10u
#define DATA_MEMSZ (0x3000u - DATA_VA)
#define GOOD_MEM (64u * 1024u) /* the smallest memory DVA-1 allows */

struct elfb {
	Elf32_Ehdr eh;
	Elf32_Phdr ph[PH_MAX];
	unsigned nph;
	size_t end;              /* file size: one past the last payload byte */
	uint8_t file[FILE_MAX];  /* the file; the headers are copied in by elfb_bytes */
};

/* Byte i of header k's payload: never zero (so a zero tail is told from file bytes), and
 * different for neighbouring headers. */
static uint8_t pattern(unsigned k, uint32_t i)
{
	return (uint8_t)(0x80u | ((k * 29u + i * 7u) & 0x7fu));
}

static void elfb_init(struct elfb *b, uint32_t entry)
{
	memset(b, 0, sizeof(*b));
	memcpy(b->eh.e_ident, ELFMAG, SELFMAG);
	b->eh.e_ident[EI_CLASS] = ELFCLASS32;
	b->eh.e_ident[EI_DATA] = ELFDATA2LSB;
	b->eh.e_ident[EI_VERSION] = EV_CURRENT;
	b->eh.e_type = ET_EXEC;
	b->eh.e_machine = EM_386;
	b->eh.e_version = EV_CURRENT;
	b->eh.e_entry = entry;
	b->eh.e_phoff = sizeof(Elf32_Ehdr);
	b->eh.e_ehsize = sizeof(Elf32_Ehdr);
	b->eh.e_phentsize = sizeof(Elf32_Phdr);
	b->end = PAYLOAD_AT;
}

/* Append a program header with filesz pattern bytes of payload; returns its index. */
static unsigned elfb_add(struct elfb *b, uint32_t type, uint32_t flags, uint32_t vaddr,
			 uint32_t filesz, uint32_t memsz)
{
	assert_true(b->nph < PH_MAX);
	size_t off = (b->end + 15u) & ~(size_t)15u;
	assert_true(off + filesz <= FILE_MAX);
	unsigned k = b->nph++;
	for (uint32_t i = 0; i < filesz; i++)
		b->file[off + i] = pattern(k, i);
	b->ph[k] = (Elf32_Phdr){
		.p_type = type, .p_offset = (uint32_t)off, .p_vaddr = vaddr,
		.p_paddr = 0xdead0000u, /* ignored by DVA-1: a wrong value must not matter */
		.p_filesz = filesz, .p_memsz = memsz, .p_flags = flags, .p_align = 0x10,
	};
	b->end = off + filesz;
	return k;
}

/* Lay the headers into the file; returns the file's size. */
static size_t elfb_bytes(struct elfb *b)
{
	b->eh.e_phnum = (Elf32_Half)b->nph;
	memcpy(b->file, &b->eh, sizeof(b->eh));
	if (b->eh.e_phoff + b->nph * sizeof(Elf32_Phdr) <= PAYLOAD_AT)
		memcpy(b->file + b->eh.e_phoff, b->ph, b->nph * sizeof(Elf32_Phdr));
	return b->end;
}

static void elfb_good(struct elfb *b)
{
	elfb_init(b, TEXT_VA);
	elfb_add(b, PT_LOAD, PF_R | PF_X, TEXT_VA, TEXT_SZ, TEXT_SZ);
	elfb_add(b, PT_LOAD, PF_R | PF_W, DATA_VA, DATA_FILESZ, DATA_MEMSZ);
}

/* --- temporary files ------------------------------------------------------------------------ */

static const char *tmp_dir(void)
{
	const char *d = getenv("TMPDIR");
	return d && *d ? d : "/tmp";
}

/* Write n bytes to a fresh temporary file; its path goes to path. */
static void tmp_write(char path[PATH_MAX], const void *bytes, size_t n)
{
	snprintf(path, PATH_MAX, "%s/denali-loader-XXXXXX", tmp_dir());
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, bytes, n), (ssize_t)n);
	assert_int_equal(close(fd), 0);
}

/* A reason is one line that does not repeat the file name. Returns the mismatches printed. */
static int reason_shape(const char *what, const char *err, const char *path)
{
	int bad = 0;
	if (!err[0]) {
		print_error("%s: the reason is empty\n", what);
		bad++;
	}
	if (strchr(err, '\n')) {
		print_error("%s: the reason '%s' is more than one line\n", what, err);
		bad++;
	}
	if (path && strstr(err, path)) {
		print_error("%s: the reason '%s' names the file (the CLI adds it)\n", what, err);
		bad++;
	}
	return bad;
}

/* Write the first len bytes of b (all if len is WHOLE) and open them; the file is removed again. */
static int open_built(struct elfb *b, size_t len, struct image *img, char err[LOADER_ERR],
		      const char *what, int *bad)
{
	char path[PATH_MAX];
	size_t size = elfb_bytes(b);
	tmp_write(path, b->file, len < size ? len : size);
	err[0] = '\0';
	int rc = image_open(img, path, err);
	if (rc)
		*bad += reason_shape(what, err, path);
	unlink(path);
	return rc;
}

/* --- refusals ------------------------------------------------------------------------------- */

/* One image DVA-1 section 1 refuses: spoil turns the good image into it and returns how many
 * bytes of the file to write (WHOLE for all of them). */
struct refusal {
	const char *name;   /* a sentence */
	size_t (*spoil)(struct elfb *b);
	const char *word;   /* the reason must contain it */
};

static size_t filesz_over_memsz(struct elfb *b) { b->ph[1].p_memsz = DATA_FILESZ - 1; return WHOLE; }
static size_t filesz_over_zero_memsz(struct elfb *b)
{
	elfb_add(b, PT_LOAD, PF_R | PF_W, 0x8000, 4, 0);
	return WHOLE;
}
static size_t load_at_zero(struct elfb *b) { elfb_add(b, PT_LOAD, PF_R | PF_W, 0, 0, 0x10); return WHOLE; }
static size_t load_across_page0(struct elfb *b) { elfb_add(b, PT_LOAD, PF_R, 0xfff, 2, 2); return WHOLE; }
static size_t load_wraps(struct elfb *b) { elfb_add(b, PT_LOAD, PF_R | PF_W, 0xfffff000u, 0, 0x2000); return WHOLE; }
static size_t load_wraps_by_one(struct elfb *b) { elfb_add(b, PT_LOAD, PF_R, 0xffffffffu, 1, 2); return WHOLE; }
static size_t overlap_by_one(struct elfb *b) { b->ph[1].p_vaddr = DATA_VA - 1; return WHOLE; }
static size_t overlap_in_tail(struct elfb *b) { elfb_add(b, PT_LOAD, PF_R | PF_W, 0x2800, 4, 4); return WHOLE; }
static size_t overlap_inside(struct elfb *b) { elfb_add(b, PT_LOAD, PF_R, 0x1100, 0x10, 0x10); return WHOLE; }
static size_t overlap_lower_later(struct elfb *b)
{
	elfb_add(b, PT_LOAD, PF_R, 0x5000, 0, 0x1000);
	elfb_add(b, PT_LOAD, PF_R, 0x4800, 0, 0x1000);
	return WHOLE;
}
static size_t overlap_covering(struct elfb *b) { elfb_add(b, PT_LOAD, PF_R, TEXT_VA, 0, 0x3000); return WHOLE; }
static size_t has_interp(struct elfb *b) { elfb_add(b, PT_INTERP, PF_R, 0, 16, 16); return WHOLE; }
static size_t has_dynamic(struct elfb *b) { elfb_add(b, PT_DYNAMIC, PF_R | PF_W, 0x2000, 8, 8); return WHOLE; }
static size_t has_tls(struct elfb *b) { elfb_add(b, PT_TLS, PF_R, 0x2000, 4, 8); return WHOLE; }
static size_t phentsize_40(struct elfb *b) { b->eh.e_phentsize = 40; return WHOLE; }
static size_t phentsize_0(struct elfb *b) { b->eh.e_phentsize = 0; return WHOLE; }
static size_t cut_in_header(struct elfb *b) { (void)b; return sizeof(Elf32_Ehdr) - 12; }
static size_t cut_in_ident(struct elfb *b) { (void)b; return SELFMAG + 4; }
static size_t cut_in_phdrs(struct elfb *b) { (void)b; return sizeof(Elf32_Ehdr) + sizeof(Elf32_Phdr) + 10; }
static size_t phoff_past_end(struct elfb *b) { b->eh.e_phoff = FILE_MAX; return WHOLE; }
static size_t cut_in_data(struct elfb *b) { return elfb_bytes(b) - 1; }
static size_t offset_past_end(struct elfb *b) { b->ph[0].p_offset = 0xfffffff0u; b->ph[0].p_filesz = 0x20; b->ph[0].p_memsz = 0x20; return WHOLE; }
static size_t entry_in_data(struct elfb *b) { b->eh.e_entry = DATA_VA; return WHOLE; }
static size_t entry_past_text(struct elfb *b) { b->eh.e_entry = TEXT_VA + TEXT_SZ; b->ph[1].p_vaddr = 0x2000; b->ph[1].p_memsz = 0x1000; return WHOLE; }
static size_t entry_in_gap(struct elfb *b) { b->eh.e_entry = 0x8000; return WHOLE; }
static size_t entry_zero(struct elfb *b) { b->eh.e_entry = 0; return WHOLE; }
static size_t entry_in_empty_x(struct elfb *b)
{
	elfb_add(b, PT_LOAD, PF_R | PF_X, 0x8000, 0, 0);
	b->eh.e_entry = 0x8000;
	return WHOLE;
}
static size_t entry_in_x_note(struct elfb *b)
{
	elfb_add(b, PT_NOTE, PF_R | PF_X, 0x8000, 0, 0x100);
	b->eh.e_entry = 0x8000;
	return WHOLE;
}
static size_t no_load_at_all(struct elfb *b) { b->nph = 0; return WHOLE; }
static size_t bad_magic(struct elfb *b) { b->eh.e_ident[EI_MAG3] = 'G'; return WHOLE; }
static size_t class64(struct elfb *b) { b->eh.e_ident[EI_CLASS] = ELFCLASS64; return WHOLE; }
static size_t class_none(struct elfb *b) { b->eh.e_ident[EI_CLASS] = ELFCLASSNONE; return WHOLE; }
static size_t big_endian(struct elfb *b) { b->eh.e_ident[EI_DATA] = ELFDATA2MSB; return WHOLE; }
static size_t machine_x86_64(struct elfb *b) { b->eh.e_machine = EM_X86_64; return WHOLE; }
static size_t machine_arm(struct elfb *b) { b->eh.e_machine = EM_ARM; return WHOLE; }
static size_t type_dyn(struct elfb *b) { b->eh.e_type = ET_DYN; return WHOLE; }
static size_t type_rel(struct elfb *b) { b->eh.e_type = ET_REL; return WHOLE; }
static size_t type_core(struct elfb *b) { b->eh.e_type = ET_CORE; return WHOLE; }
static size_t empty_file(struct elfb *b) { (void)b; return 0; }

static const struct refusal segment_refusals[] = {
	{ "a PT_LOAD with p_filesz greater than p_memsz is refused", filesz_over_memsz, "p_filesz" },
	{ "a PT_LOAD with p_memsz 0 but p_filesz 4 is refused (p_filesz > p_memsz)", filesz_over_zero_memsz, "p_filesz" },
	{ "a PT_LOAD at address 0 is refused", load_at_zero, "inside" },
	{ "a PT_LOAD that starts at 0xfff, in page 0, is refused", load_across_page0, "inside" },
	{ "a PT_LOAD that wraps past 4 GiB is refused", load_wraps, "inside" },
	{ "a PT_LOAD at 0xffffffff two bytes long (wrapping by one) is refused", load_wraps_by_one, "inside" },
	{ "a PT_LOAD that overlaps the previous one by a byte is refused", overlap_by_one, "overlap" },
	{ "a PT_LOAD inside another's zero tail (p_memsz beyond p_filesz) is refused", overlap_in_tail, "overlap" },
	{ "a PT_LOAD wholly inside another is refused", overlap_inside, "overlap" },
	{ "a later PT_LOAD below an earlier one that it overlaps is refused", overlap_lower_later, "overlap" },
	{ "a PT_LOAD that covers both others is refused", overlap_covering, "overlap" },
	{ "a PT_INTERP header is refused (not statically linked)", has_interp, "PT_INTERP" },
	{ "a PT_DYNAMIC header is refused (not statically linked)", has_dynamic, "PT_DYNAMIC" },
	{ "a PT_TLS header is refused (no thread-local storage)", has_tls, "PT_TLS" },
	{ "e_phentsize 40 is refused", phentsize_40, "e_phentsize" },
	{ "e_phentsize 0 is refused", phentsize_0, "e_phentsize" },
};

static const struct refusal truncation_refusals[] = {
	{ "a file cut inside the ELF header is refused as truncated", cut_in_header, "truncated" },
	{ "a file cut after the magic, inside e_ident, is refused as truncated", cut_in_ident, "truncated" },
	{ "a file cut inside the program headers is refused as truncated", cut_in_phdrs, "truncated" },
	{ "program headers at an e_phoff past the end are refused as truncated", phoff_past_end, "truncated" },
	{ "a file cut one byte short of the last segment's data is refused as truncated", cut_in_data, "truncated" },
	{ "a PT_LOAD whose p_offset is past the end (and wraps 32 bits) is refused as truncated", offset_past_end, "truncated" },
};

static const struct refusal entry_refusals[] = {
	{ "an entry point in the writable, non-executable PT_LOAD is refused", entry_in_data, "entry" },
	{ "an entry point just past the executable PT_LOAD is refused", entry_past_text, "entry" },
	{ "an entry point outside every PT_LOAD is refused", entry_in_gap, "entry" },
	{ "entry point 0 is refused", entry_zero, "entry" },
	{ "an entry point in an executable PT_LOAD of p_memsz 0 is refused", entry_in_empty_x, "entry" },
	{ "an entry point in an executable PT_NOTE (not a PT_LOAD) is refused", entry_in_x_note, "entry" },
	{ "an image with no program headers is refused (no executable PT_LOAD)", no_load_at_all, "entry" },
};

static const struct refusal header_refusals[] = {
	{ "a bad magic number is refused", bad_magic, "magic" },
	{ "an empty file is refused as not ELF", empty_file, "ELF" },
	{ "ELFCLASS64 is refused", class64, "ELFCLASS32" },
	{ "ELFCLASSNONE is refused", class_none, "ELFCLASS32" },
	{ "a big-endian image is refused", big_endian, "endian" },
	{ "e_machine EM_X86_64 is refused", machine_x86_64, "EM_386" },
	{ "e_machine EM_ARM is refused", machine_arm, "EM_386" },
	{ "e_type ET_DYN is refused", type_dyn, "ET_EXEC" },
	{ "e_type ET_REL is refused", type_rel, "ET_EXEC" },
	{ "e_type ET_CORE is refused", type_core, "ET_EXEC" },
};

/* Run every row; each failure names its row. */
static void run_refusals(const struct refusal *rows, size_t n)
{
	int bad = 0;
	for (size_t i = 0; i < n; i++) {
		struct elfb *b = malloc(sizeof(*b));
		assert_non_null(b);
		elfb_good(b);
		size_t len = rows[i].spoil(b);
		struct image img;
		char err[LOADER_ERR];
		int rc = open_built(b, len, &img, err, rows[i].name, &bad);
		if (rc != -1) {
			print_error("%s: image_open returned %d, want -1\n", rows[i].name, rc);
			bad++;
			if (rc == 0)
				image_close(&img);
		} else if (!strstr(err, rows[i].word)) {
			print_error("%s: the reason '%s' does not say '%s'\n", rows[i].name, err, rows[i].word);
			bad++;
		} else if (img.data || img.path) {
			print_error("%s: a refused image still holds its buffers\n", rows[i].name);
			bad++;
		}
		free(b);
	}
	if (bad)
		fail_msg("%d mismatches", bad);
}

#define RUN_REFUSALS(rows) run_refusals((rows), sizeof(rows) / sizeof((rows)[0]))

static void segments_that_break_the_rules_are_refused(void **state)
{
	(void)state;
	RUN_REFUSALS(segment_refusals);
}

static void truncated_files_are_refused(void **state)
{
	(void)state;
	RUN_REFUSALS(truncation_refusals);
}

static void entry_points_outside_executable_loads_are_refused(void **state)
{
	(void)state;
	RUN_REFUSALS(entry_refusals);
}

static void wrong_magic_class_encoding_machine_or_type_is_refused(void **state)
{
	(void)state;
	RUN_REFUSALS(header_refusals);
}

/* --- files that cannot be read -------------------------------------------------------------- */

static void a_missing_file_is_refused(void **state)
{
	(void)state;
	char path[PATH_MAX], err[LOADER_ERR] = "";
	struct image img;
	tmp_write(path, "x", 1);
	unlink(path); /* a name that surely does not exist */
	assert_int_equal(image_open(&img, path, err), -1);
	assert_int_equal(reason_shape("missing file", err, path), 0);
	if (!strstr(err, "No such file"))
		fail_msg("the reason '%s' does not say 'No such file'", err);
}

static void a_directory_is_refused_as_a_directory(void **state)
{
	(void)state;
	char path[PATH_MAX], err[LOADER_ERR] = "";
	struct image img;
	snprintf(path, sizeof(path), "%s/denali-loader-dir-XXXXXX", tmp_dir());
	assert_non_null(mkdtemp(path));
	int rc = image_open(&img, path, err);
	rmdir(path);
	assert_int_equal(rc, -1);
	assert_int_equal(reason_shape("directory", err, path), 0);
	/* The reason must say what is wrong: it is a directory, not that the disk failed. */
	if (!strstr(err, "directory"))
		fail_msg("the reason '%s' does not say 'directory'", err);
}

static void a_file_without_read_permission_is_refused(void **state)
{
	(void)state;
	if (geteuid() == 0)
		skip(); /* root reads it anyway */
	struct elfb *b = malloc(sizeof(*b));
	assert_non_null(b);
	elfb_good(b);
	char path[PATH_MAX], err[LOADER_ERR] = "";
	struct image img;
	tmp_write(path, b->file, elfb_bytes(b));
	free(b);
	assert_int_equal(chmod(path, 0), 0);
	int rc = image_open(&img, path, err);
	unlink(path);
	assert_int_equal(rc, -1);
	if (!strstr(err, "Permission denied"))
		fail_msg("the reason '%s' does not say 'Permission denied'", err);
}

/* --- images that load ----------------------------------------------------------------------- */

/* Open b, which must be accepted; the caller closes img. */
static void open_good(struct elfb *b, struct image *img)
{
	char err[LOADER_ERR];
	int bad = 0;
	if (open_built(b, WHOLE, img, err, "good image", &bad))
		fail_msg("image_open refused a good image: %s", err);
}

static void the_good_image_loads_with_its_entry_and_two_segments(void **state)
{
	(void)state;
	struct elfb *b = malloc(sizeof(*b));
	assert_non_null(b);
	elfb_good(b);
	b->eh.e_entry = TEXT_VA + 0x10;
	struct image img;
	open_good(b, &img);
	assert_int_equal(img.entry, TEXT_VA + 0x10);
	assert_int_equal(img.nseg, 2);
	char err[LOADER_ERR];
	assert_int_equal(image_fits(&img, GOOD_MEM, err), 0);
	image_close(&img);
	free(b);
}

/* Accepted variations: ignored headers, even ones that would break every rule for a PT_LOAD. */
struct acceptance {
	const char *name;
	void (*vary)(struct elfb *b);
	unsigned nseg;  /* PT_LOADs that count */
};

static void ignored_headers(struct elfb *b)
{
	/* Each sits in page 0, overlaps the text, and has p_filesz > p_memsz. */
	static const uint32_t types[] = { PT_NULL, PT_NOTE, PT_PHDR, PT_GNU_STACK, PT_GNU_PROPERTY,
					  PT_GNU_EH_FRAME, PT_GNU_RELRO, PT_SHLIB, PT_LOPROC };
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		elfb_add(b, types[i], PF_R | PF_W | PF_X, i ? TEXT_VA : 0, 8, 4);
	}
}
static void empty_loads(struct elfb *b)
{
	elfb_add(b, PT_LOAD, PF_R | PF_W, 0, 0, 0);          /* in page 0 */
	elfb_add(b, PT_LOAD, PF_R, TEXT_VA + 4, 0, 0);       /* inside the text */
	elfb_add(b, PT_LOAD, PF_R, 0xfffffff0u, 0, 0);       /* near the top */
}
static void headers_first(struct elfb *b)
{
	/* Ignored headers before the PT_LOADs: the loader must not stop at the first header. */
	elfb_init(b, TEXT_VA);
	elfb_add(b, PT_PHDR, PF_R, 0, 0, 0x40);
	elfb_add(b, PT_NOTE, PF_R, 0, 4, 4);
	elfb_add(b, PT_LOAD, PF_R | PF_X, TEXT_VA, TEXT_SZ, TEXT_SZ);
	elfb_add(b, PT_LOAD, PF_R | PF_W, DATA_VA, DATA_FILESZ, DATA_MEMSZ);
}
static void entry_last_text_byte(struct elfb *b) { b->eh.e_entry = TEXT_VA + TEXT_SZ - 1; }
static void entry_in_x_tail(struct elfb *b)
{
	/* The entry may lie in the zero tail of an executable PT_LOAD: it is inside p_memsz. */
	elfb_add(b, PT_LOAD, PF_R | PF_X, 0x8000, 4, 0x100);
	b->eh.e_entry = 0x80f0;
}
static void entry_in_wx(struct elfb *b) { b->ph[1].p_flags = PF_R | PF_W | PF_X; b->eh.e_entry = DATA_VA + 8; }
static void data_first(struct elfb *b)
{
	/* Headers in descending address order. */
	Elf32_Phdr t = b->ph[0];
	b->ph[0] = b->ph[1];
	b->ph[1] = t;
}
static void load_ends_at_top(struct elfb *b) { elfb_add(b, PT_LOAD, PF_R, 0xfffff000u, 0, 0x1000); }

static const struct acceptance acceptances[] = {
	{ "PT_NULL, PT_NOTE, PT_PHDR, PT_GNU_* and other headers are ignored even in page 0 or overlapping", ignored_headers, 2 },
	{ "PT_LOADs with p_memsz 0 are ignored wherever they point", empty_loads, 2 },
	{ "ignored headers before the PT_LOADs do not stop the loader", headers_first, 2 },
	{ "an entry point at the last byte of the executable PT_LOAD is accepted", entry_last_text_byte, 2 },
	{ "an entry point in the zero tail of an executable PT_LOAD is accepted", entry_in_x_tail, 3 },
	{ "an entry point in a writable and executable PT_LOAD is accepted", entry_in_wx, 2 },
	{ "PT_LOADs listed in descending address order are accepted", data_first, 2 },
	{ "a PT_LOAD ending exactly at 4 GiB passes image_open (image_fits judges it)", load_ends_at_top, 3 },
};

static void images_that_follow_the_rules_load(void **state)
{
	(void)state;
	int bad = 0;
	for (size_t i = 0; i < sizeof(acceptances) / sizeof(acceptances[0]); i++) {
		const struct acceptance *a = &acceptances[i];
		struct elfb *b = malloc(sizeof(*b));
		assert_non_null(b);
		elfb_good(b);
		a->vary(b);
		struct image img;
		char err[LOADER_ERR];
		if (open_built(b, WHOLE, &img, err, a->name, &bad)) {
			print_error("%s: refused: %s\n", a->name, err);
			bad++;
		} else {
			if (img.nseg != a->nseg) {
				print_error("%s: %u segments, want %u\n", a->name, img.nseg, a->nseg);
				bad++;
			}
			if (img.entry != b->eh.e_entry) {
				print_error("%s: entry 0x%" PRIx32 ", want 0x%" PRIx32 "\n", a->name,
					    img.entry, (uint32_t)b->eh.e_entry);
				bad++;
			}
			image_close(&img);
		}
		free(b);
	}
	if (bad)
		fail_msg("%d mismatches", bad);
}

/* --- image_fits ----------------------------------------------------------------------------- */

/* Open an image of the good text plus one R+W PT_LOAD [va, va + memsz) and ask whether it fits. */
static int fits_with(uint32_t va, uint32_t memsz, uint32_t mem_size, char err[LOADER_ERR])
{
	struct elfb *b = malloc(sizeof(*b));
	assert_non_null(b);
	elfb_init(b, TEXT_VA);
	elfb_add(b, PT_LOAD, PF_R | PF_X, TEXT_VA, TEXT_SZ, TEXT_SZ);
	elfb_add(b, PT_LOAD, PF_R | PF_W, va, 0, memsz);
	struct image img;
	open_good(b, &img);
	free(b);
	err[0] = '\0';
	int rc = image_fits(&img, mem_size, err);
	image_close(&img);
	return rc;
}

static void image_fits_accepts_segments_ending_at_mem_size(void **state)
{
	(void)state;
	char err[LOADER_ERR];
	assert_int_equal(fits_with(0xf000, 0x1000, GOOD_MEM, err), 0);
	assert_int_equal(fits_with(0x2000, GOOD_MEM - 0x2000, GOOD_MEM, err), 0);
	assert_int_equal(fits_with(DVA_MEM_MAX - 0x1000, 0x1000, DVA_MEM_MAX, err), 0);
}

static void image_fits_refuses_segments_past_mem_size(void **state)
{
	(void)state;
	static const struct { uint32_t va, memsz, mem; } rows[] = {
		{ 0xf000, 0x1001, GOOD_MEM },               /* one byte past the end */
		{ GOOD_MEM, 1, GOOD_MEM },                  /* starts at mem_size */
		{ 0x20000, 0x10, GOOD_MEM },                /* wholly beyond */
		{ DVA_MEM_MAX - 0x1000, 0x1001, DVA_MEM_MAX },
		{ 0xfffff000u, 0x1000, DVA_MEM_MAX },       /* ends at 4 GiB exactly */
	};
	int bad = 0;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char err[LOADER_ERR];
		int rc = fits_with(rows[i].va, rows[i].memsz, rows[i].mem, err);
		if (rc != -1) {
			print_error("PT_LOAD [0x%" PRIx32 ", +0x%" PRIx32 ") in mem_size 0x%" PRIx32
				    ": image_fits returned %d, want -1\n", rows[i].va, rows[i].memsz, rows[i].mem, rc);
			bad++;
		} else if (!strstr(err, "mem_size") || reason_shape("image_fits", err, NULL)) {
			print_error("image_fits: the reason '%s' does not say 'mem_size'\n", err);
			bad++;
		}
	}
	if (bad)
		fail_msg("%d mismatches", bad);
}

static void overlapping_loads_at_the_top_of_memory_are_refused_by_open_or_fits(void **state)
{
	(void)state;
	/* Two PT_LOADs overlapping just below 4 GiB; one of them ends exactly at 2^32. */
	struct elfb *b = malloc(sizeof(*b));
	assert_non_null(b);
	elfb_init(b, TEXT_VA);
	elfb_add(b, PT_LOAD, PF_R | PF_X, TEXT_VA, TEXT_SZ, TEXT_SZ);
	elfb_add(b, PT_LOAD, PF_R, 0xfffff000u, 0, 0x1000);
	elfb_add(b, PT_LOAD, PF_R, 0xfffff800u, 0, 0x100);
	struct image img;
	char err[LOADER_ERR];
	int bad = 0;
	int rc = open_built(b, WHOLE, &img, err, "overlap at 4 GiB", &bad);
	free(b);
	if (rc == 0) {
		rc = image_fits(&img, DVA_MEM_MAX, err);
		image_close(&img);
	}
	assert_int_equal(rc, -1);
	assert_int_equal(bad, 0);
}

/* --- image_pool ----------------------------------------------------------------------------- */

struct window {
	struct mem_arena arena;
	struct mem_pool pool;
	struct guest_mem m;
};

static void window_new(struct window *w, uint32_t size)
{
	memset(w, 0, sizeof(*w));
	assert_int_equal(mem_arena_init(&w->arena, 4 * (size_t)size + (1u << 20)), 0);
}

/* The image into a pool of size windows, and one window of it into w->m. */
static void window_place(struct window *w, const struct image *img, uint32_t size)
{
	assert_int_equal(image_pool(img, &w->pool, &w->arena, size), 0);
	assert_int_equal(pool_attach(&w->pool, &w->m), 0);
}

static void window_free(struct window *w)
{
	mem_destroy(&w->m);
	pool_destroy(&w->pool);
	mem_arena_destroy(&w->arena);
}

/* Check that guest bytes [va, va + n) hold header k's pattern; returns mismatches. */
static int check_pattern(const struct guest_mem *m, unsigned k, uint32_t va, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		if (m->base[va + i] != pattern(k, i)) {
			print_error("byte 0x%" PRIx32 " is 0x%02x, want 0x%02x (header %u, offset 0x%" PRIx32 ")\n",
				    va + i, m->base[va + i], pattern(k, i), k, i);
			return 1;
		}
	}
	return 0;
}

static int check_zero(const struct guest_mem *m, uint32_t va, uint32_t end)
{
	for (uint32_t a = va; a < end; a++) {
		if (m->base[a]) {
			print_error("byte 0x%" PRIx32 " is 0x%02x, want 0\n", a, m->base[a]);
			return 1;
		}
	}
	return 0;
}

static void place_good(struct window *w, struct image *img)
{
	struct elfb *b = malloc(sizeof(*b));
	assert_non_null(b);
	elfb_good(b);
	open_good(b, img);
	free(b);
	window_new(w, GOOD_MEM);
	window_place(w, img, GOOD_MEM);
}

static void placed_bytes_land_at_p_vaddr_and_the_tail_is_zero(void **state)
{
	(void)state;
	struct window w;
	struct image img;
	place_good(&w, &img);
	int bad = 0;
	bad += check_zero(&w.m, 0, TEXT_VA);                              /* page 0 untouched */
	bad += check_pattern(&w.m, 0, TEXT_VA, TEXT_SZ);                  /* text */
	bad += check_pattern(&w.m, 1, DATA_VA, DATA_FILESZ);              /* data from the file */
	bad += check_zero(&w.m, DATA_VA + DATA_FILESZ, DATA_VA + DATA_MEMSZ); /* its zero tail */
	bad += check_zero(&w.m, DATA_VA + DATA_MEMSZ, GOOD_MEM);          /* the rest */
	image_close(&img);
	window_free(&w);
	assert_int_equal(bad, 0);
}

static void read_only_bytes_refuse_stores_with_byte_granularity(void **state)
{
	(void)state;
	struct window w;
	struct image img;
	place_good(&w, &img);
	struct guest_mem *m = &w.m;

	/* The last text byte and the first data byte share a page. */
	assert_false(mem_byte_writable(m, TEXT_VA));
	assert_false(mem_byte_writable(m, DATA_VA - 1));
	assert_true(mem_byte_writable(m, DATA_VA));
	assert_true(mem_byte_writable(m, DATA_VA + DATA_MEMSZ - 1));
	assert_true(mem_byte_writable(m, DATA_VA + DATA_MEMSZ)); /* outside the PT_LOADs */
	assert_true(mem_byte_writable(m, GOOD_MEM - 1));

	/* A one-byte store to the last read-only byte: #PF, error 7 (P, W, U), nothing written. */
	uint8_t before = m->base[DATA_VA - 1];
	uint32_t v = 0x11223344u;
	struct dva_fault pf;
	pf = (struct dva_fault){ 0 };
	assert_int_equal(mem_write_slow(m, DATA_VA - 1, 1, &v, &pf), -1);
	assert_int_equal(pf.vector, DVA_VEC_PF);
	assert_int_equal(pf.error, 7);
	assert_int_equal(pf.addr, DATA_VA - 1);
	assert_int_equal(m->base[DATA_VA - 1], before);

	/* A store straddling the boundary faults at its lowest read-only byte and changes no byte,
	 * the writable ones included. */
	uint8_t snap[8];
	memcpy(snap, m->base + DATA_VA - 4, sizeof(snap));
	uint8_t ones[8];
	memset(ones, 0x5a, sizeof(ones));
	pf = (struct dva_fault){ 0 };
	assert_int_equal(mem_write_slow(m, DATA_VA - 4, 8, ones, &pf), -1);
	assert_int_equal(pf.error, 7);
	assert_int_equal(pf.addr, DATA_VA - 4);
	assert_memory_equal(m->base + DATA_VA - 4, snap, sizeof(snap));

	/* Starting on the writable side but reaching back is impossible; reaching forward from
	 * the last read-only byte faults at that byte. */
	pf = (struct dva_fault){ 0 };
	assert_int_equal(mem_write_slow(m, DATA_VA - 1, 2, ones, &pf), -1);
	assert_int_equal(pf.addr, DATA_VA - 1);

	/* The inline path must see the partly read-only page too. */
	pf = (struct dva_fault){ 0 };
	assert_int_equal(mem_wrn(m, DATA_VA - 2, 2, 0xbeef, &pf), -1);
	assert_int_equal(pf.error, 7);
	assert_int_equal(pf.addr, DATA_VA - 2);
	assert_memory_equal(m->base + DATA_VA - 4, snap, sizeof(snap));

	/* Writable bytes on the same page accept stores, by either path. */
	assert_int_equal(mem_write_slow(m, DATA_VA, 4, &v, &pf), 0);
	assert_int_equal(m->base[DATA_VA], 0x44);
	assert_int_equal(m->base[DATA_VA + 3], 0x11);
	assert_int_equal(mem_wrn(m, DATA_VA + 4, 4, 0xcafef00du, &pf), 0);
	uint32_t got;
	memcpy(&got, m->base + DATA_VA + 4, 4);
	assert_int_equal(got, 0xcafef00du);

	/* Read-only bytes still read. */
	uint32_t word;
	assert_int_equal(mem_rd32(m, TEXT_VA, &word, &pf), 0);
	assert_int_equal(word & 0xff, pattern(0, 0));

	image_close(&img);
	window_free(&w);
}

static void a_read_only_zero_tail_and_whole_read_only_pages_refuse_stores(void **state)
{
	(void)state;
	/* Text: file bytes [0x1000, 0x2000), zero tail [0x2000, 0x2800), all read-only; the page
	 * at 0x1000 is wholly read-only. Data R+W [0x2800, 0x2900). A read-only PT_LOAD with no
	 * file bytes at [0x4000, 0x4100). */
	struct elfb *b = malloc(sizeof(*b));
	assert_non_null(b);
	elfb_init(b, 0x1800);
	elfb_add(b, PT_LOAD, PF_R | PF_X, 0x1000, 0x1000, 0x1800);
	elfb_add(b, PT_LOAD, PF_R | PF_W, 0x2800, 0x100, 0x100);
	elfb_add(b, PT_LOAD, PF_R, 0x4000, 0, 0x100);
	struct image img;
	open_good(b, &img);
	free(b);
	struct window w;
	window_new(&w, GOOD_MEM);
	window_place(&w, &img, GOOD_MEM);
	struct guest_mem *m = &w.m;

	int bad = 0;
	bad += check_pattern(m, 0, 0x1000, 0x1000);
	bad += check_zero(m, 0x2000, 0x2800);
	bad += check_pattern(m, 1, 0x2800, 0x100);
	bad += check_zero(m, 0x2900, GOOD_MEM);
	assert_int_equal(bad, 0);

	static const uint32_t ro[] = { 0x1000, 0x1800, 0x1fff, 0x2000, 0x27ff, 0x4000, 0x40ff };
	struct dva_fault pf;
	static const uint32_t rw[] = { 0x2800, 0x28ff, 0x2900, 0x3fff, 0x4100 };
	for (size_t i = 0; i < sizeof(ro) / sizeof(ro[0]); i++) {
		if (mem_byte_writable(m, ro[i]))
			fail_msg("byte 0x%" PRIx32 " of a read-only PT_LOAD is writable", ro[i]);
		pf = (struct dva_fault){ 0 };
		if (mem_wrn(m, ro[i], 1, 0xaa, &pf) != -1 || pf.vector != DVA_VEC_PF ||
		    pf.error != 7 || pf.addr != ro[i])
			fail_msg("a store to read-only byte 0x%" PRIx32 " did not raise #PF 7 there", ro[i]);
		if (m->base[ro[i]] == 0xaa)
			fail_msg("a refused store changed byte 0x%" PRIx32, ro[i]);
	}
	for (size_t i = 0; i < sizeof(rw) / sizeof(rw[0]); i++) {
		if (!mem_byte_writable(m, rw[i]))
			fail_msg("byte 0x%" PRIx32 " is not writable", rw[i]);
		if (mem_wrn(m, rw[i], 1, 0xaa, &pf) != 0 || m->base[rw[i]] != 0xaa)
			fail_msg("a store to writable byte 0x%" PRIx32 " did not land", rw[i]);
	}
	image_close(&img);
	window_free(&w);
}

static void one_image_places_into_two_windows(void **state)
{
	(void)state;
	struct window w;
	struct image img;
	place_good(&w, &img);
	struct guest_mem second;
	struct dva_fault pf;
	memset(&second, 0, sizeof(second));
	assert_int_equal(pool_attach(&w.pool, &second), 0);
	assert_ptr_not_equal(second.base, w.m.base);
	int bad = check_pattern(&second, 0, TEXT_VA, TEXT_SZ) +
		  check_pattern(&second, 1, DATA_VA, DATA_FILESZ) +
		  check_zero(&second, DATA_VA + DATA_FILESZ, GOOD_MEM);
	assert_int_equal(bad, 0);
	assert_false(mem_byte_writable(&second, DATA_VA - 1));
	assert_true(mem_byte_writable(&second, DATA_VA));
	/* A store into one window does not show in the other. */
	assert_int_equal(mem_wrn(&second, DATA_VA, 1, 0x00, &pf), 0);
	assert_int_equal(w.m.base[DATA_VA], pattern(1, 0));
	mem_destroy(&second);
	image_close(&img);
	window_free(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		/* images that load, and where their bytes go */
		cmocka_unit_test(the_good_image_loads_with_its_entry_and_two_segments),
		cmocka_unit_test(images_that_follow_the_rules_load),
		cmocka_unit_test(placed_bytes_land_at_p_vaddr_and_the_tail_is_zero),
		cmocka_unit_test(read_only_bytes_refuse_stores_with_byte_granularity),
		cmocka_unit_test(a_read_only_zero_tail_and_whole_read_only_pages_refuse_stores),
		cmocka_unit_test(one_image_places_into_two_windows),
		/* image_fits */
		cmocka_unit_test(image_fits_accepts_segments_ending_at_mem_size),
		cmocka_unit_test(image_fits_refuses_segments_past_mem_size),
		cmocka_unit_test(overlapping_loads_at_the_top_of_memory_are_refused_by_open_or_fits),
		/* refusals */
		cmocka_unit_test(segments_that_break_the_rules_are_refused),
		cmocka_unit_test(truncated_files_are_refused),
		cmocka_unit_test(entry_points_outside_executable_loads_are_refused),
		cmocka_unit_test(wrong_magic_class_encoding_machine_or_type_is_refused),
		cmocka_unit_test(a_missing_file_is_refused),
		cmocka_unit_test(a_directory_is_refused_as_a_directory),
		cmocka_unit_test(a_file_without_read_permission_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
