/* png.c - the picture as a PNG file (--screenshot; frontend.h's png_write): 8-bit RGB, no alpha,
 * through libpng. libpng reports errors by calling back and never returning, so its callback
 * longjmps here; everything that must survive that jump lives in struct png_job, which the
 * setjmp caller owns. A file left half written by a failure is removed. */
#include "denali_arch/frontend.h"

#include <errno.h>
#include <png.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct png_job {
	FILE *f;
	unsigned char *row;   /* one row as RGB bytes */
	int write_errno;      /* a failed write's errno, which says more than libpng's words */
	char *err;
	size_t errlen;
	jmp_buf fail;
};

static void on_error(png_structp png, png_const_charp msg)
{
	struct png_job *job = png_get_error_ptr(png);
	if (job->write_errno)
		snprintf(job->err, job->errlen, "write error: %s", strerror(job->write_errno));
	else
		snprintf(job->err, job->errlen, "libpng: %s", msg);
	longjmp(job->fail, 1);
}

static void on_warning(png_structp png, png_const_charp msg)
{
	(void)png; /* nothing libpng warns of while writing changes the file we want */
	(void)msg;
}

/* Our own writer, so a short write keeps its errno (ENOSPC, EIO) for the message. */
static void on_write(png_structp png, png_bytep data, png_size_t n)
{
	struct png_job *job = png_get_io_ptr(png);
	if (fwrite(data, 1, n, job->f) != n) {
		job->write_errno = errno ? errno : EIO;
		png_error(png, "write error");
	}
}

static void on_flush(png_structp png)
{
	struct png_job *job = png_get_io_ptr(png);
	if (fflush(job->f)) {
		job->write_errno = errno ? errno : EIO;
		png_error(png, "write error");
	}
}

/* The rows, each 0x00RRGGBB pixel as three bytes. */
static void write_image(png_structp png, png_infop info, struct png_job *job, const uint32_t *pix,
			uint32_t w, uint32_t h)
{
	png_set_IHDR(png, info, w, h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (uint32_t y = 0; y < h; y++) {
		const uint32_t *p = pix + (size_t)y * w;
		for (uint32_t x = 0; x < w; x++) {
			job->row[3 * (size_t)x] = (unsigned char)(p[x] >> 16);
			job->row[3 * (size_t)x + 1] = (unsigned char)(p[x] >> 8);
			job->row[3 * (size_t)x + 2] = (unsigned char)p[x];
		}
		png_write_row(png, job->row);
	}
	png_write_end(png, info);
}

/* libpng's part: 0, or -1 with err set (its jump lands here). */
static int encode(struct png_job *job, const uint32_t *pix, uint32_t w, uint32_t h)
{
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, job, on_error, on_warning);
	png_infop info = png ? png_create_info_struct(png) : NULL;
	if (!info) {
		png_destroy_write_struct(&png, NULL);
		snprintf(job->err, job->errlen, "libpng: out of memory");
		return -1;
	}
	if (setjmp(job->fail)) {
		png_destroy_write_struct(&png, &info);
		return -1;
	}
	png_set_write_fn(png, job, on_write, on_flush);
	write_image(png, info, job, pix, w, h);
	png_destroy_write_struct(&png, &info);
	return 0;
}

int png_write(const char *path, const uint32_t *pix, uint32_t w, uint32_t h, char *err, size_t errlen)
{
	if (!w || !h || w > PNG_UINT_31_MAX || h > PNG_UINT_31_MAX) {
		snprintf(err, errlen, "a picture of %ux%u pixels cannot be saved", (unsigned)w, (unsigned)h);
		return -1;
	}
	struct png_job job = { .err = err, .errlen = errlen };
	job.row = malloc(3 * (size_t)w);
	if (!job.row) {
		snprintf(err, errlen, "out of host memory");
		return -1;
	}
	job.f = fopen(path, "wb");
	if (!job.f) {
		snprintf(err, errlen, "cannot create it: %s", strerror(errno));
		free(job.row);
		return -1;
	}
	/* Only a regular file is removed on failure: never a device (--screenshot /dev/full) or a
	 * FIFO someone else made. */
	struct stat sb;
	bool regular = fstat(fileno(job.f), &sb) == 0 && S_ISREG(sb.st_mode);
	int rc = encode(&job, pix, w, h);
	if (fclose(job.f) && !rc) {
		snprintf(err, errlen, "write error: %s", strerror(errno));
		rc = -1;
	}
	free(job.row);
	if (rc && regular)
		unlink(path);
	return rc;
}
