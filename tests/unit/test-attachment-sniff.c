/* Unit tests for lib/attachment-sniff: declared type against the bytes. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "lib/attachment-sniff.h"

/* A real 1x1 PNG (IHDR, IDAT, IEND with their CRCs). */
static const unsigned char png[] =
    "\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52"
    "\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
    "\x89\x00\x00\x00\x0b\x49\x44\x41\x54\x78\x9c\x63\x60\x00\x02\x00"
    "\x00\x05\x00\x01\x7a\x5e\xab\x3f\x00\x00\x00\x00\x49\x45\x4e\x44"
    "\xae\x42\x60\x82";
#define PNG_LEN	(sizeof(png) - 1)

static const unsigned char jpeg[] =
    "\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    "\xff\xd9";
#define JPEG_LEN	(sizeof(jpeg) - 1)

static const char pdf[] =
    "%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";

/* Feed n bytes in pieces of step, then finish: 0 or -1. */
static int
check(enum attsniff_type t, const void *p, size_t n, size_t step,
    const char **why)
{
	struct attsniff	 s;
	size_t		 i, k;

	attsniff_init(&s, t);
	for (i = 0; i < n; i += k) {
		k = n - i < step ? n - i : step;
		if (attsniff_feed(&s, (const char *)p + i, k) == -1) {
			*why = s.why;
			return -1;
		}
	}
	*why = NULL;
	if (attsniff_finish(&s) == -1) {
		*why = s.why;
		return -1;
	}
	return 0;
}

static void
t_types(void **state)
{
	(void)state;
	assert_int_equal(attsniff_type_of("application/pdf"), ATTSNIFF_PDF);
	assert_int_equal(attsniff_type_of("image/png"), ATTSNIFF_PNG);
	assert_int_equal(attsniff_type_of("image/jpeg"), ATTSNIFF_JPEG);
	assert_int_equal(attsniff_type_of("image/gif"), -1);
	assert_int_equal(attsniff_type_of("text/html"), -1);
	assert_int_equal(attsniff_type_of(NULL), -1);
	assert_string_equal(attsniff_extension(ATTSNIFF_JPEG), ".jpg");
}

static void
t_good_files_any_piece_size(void **state)
{
	const char	*why;
	size_t		 steps[] = { 1, 2, 3, 7, 8, 13, 64, 65536 }, i;

	(void)state;
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		assert_int_equal(check(ATTSNIFF_PNG, png, PNG_LEN, steps[i], &why), 0);
		assert_int_equal(check(ATTSNIFF_JPEG, jpeg, JPEG_LEN, steps[i], &why), 0);
		assert_int_equal(check(ATTSNIFF_PDF, pdf, strlen(pdf), steps[i], &why), 0);
	}
}

static void
t_wrong_declared_type(void **state)
{
	const char	*why;

	(void)state;
	assert_int_equal(check(ATTSNIFF_PDF, png, PNG_LEN, 64, &why), -1);
	assert_string_equal(why, "the body is not of the declared Content-Type");
	assert_int_equal(check(ATTSNIFF_PNG, jpeg, JPEG_LEN, 64, &why), -1);
	assert_int_equal(check(ATTSNIFF_JPEG, pdf, strlen(pdf), 64, &why), -1);
	assert_int_equal(check(ATTSNIFF_PNG, "<html>", 6, 64, &why), -1);
}

static void
t_elf_behind_png_signature(void **state)
{
	unsigned char	 buf[256];
	const char	*why;
	static const unsigned char elf[] =
	    "\x7f" "ELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00"
	    "\x02\x00\x3e\x00\x01\x00\x00\x00\x40\x10\x40\x00\x00\x00\x00\x00";

	(void)state;
	/* A bare ELF sent as image/png. */
	assert_int_equal(check(ATTSNIFF_PNG, elf, sizeof(elf) - 1, 64, &why), -1);
	/* The PNG signature glued before an ELF: no IHDR follows. */
	memcpy(buf, png, 8);
	memcpy(buf + 8, elf, sizeof(elf) - 1);
	assert_int_equal(check(ATTSNIFF_PNG, buf, 8 + sizeof(elf) - 1, 1, &why), -1);
	assert_non_null(why);
	/* A whole PNG with an ELF after IEND. */
	memcpy(buf, png, PNG_LEN);
	memcpy(buf + PNG_LEN, elf, sizeof(elf) - 1);
	assert_int_equal(check(ATTSNIFF_PNG, buf, PNG_LEN + sizeof(elf) - 1, 5,
	    &why), -1);
	assert_string_equal(why, "data follows the end of the PNG image");
}

static void
t_damaged_png(void **state)
{
	unsigned char	 buf[PNG_LEN];
	const char	*why;

	(void)state;
	memcpy(buf, png, PNG_LEN);
	buf[20] ^= 1;	/* inside IHDR: its CRC no longer matches */
	assert_int_equal(check(ATTSNIFF_PNG, buf, PNG_LEN, 64, &why), -1);
	assert_string_equal(why, "the PNG image is damaged (CRC)");
	/* Cut before IEND. */
	assert_int_equal(check(ATTSNIFF_PNG, png, PNG_LEN - 12, 64, &why), -1);
	assert_string_equal(why, "the PNG image is incomplete");
	/* Just the signature. */
	assert_int_equal(check(ATTSNIFF_PNG, png, 8, 64, &why), -1);
}

static void
t_incomplete_pdf_and_jpeg(void **state)
{
	const char	*why;
	char		 big[4096];

	(void)state;
	assert_int_equal(check(ATTSNIFF_PDF, "%PDF-1.4\nno end", 15, 64, &why), -1);
	assert_string_equal(why, "the PDF document is incomplete");
	assert_int_equal(check(ATTSNIFF_PDF, "%PDF-x.4\n%%EOF", 14, 64, &why), -1);
	assert_int_equal(check(ATTSNIFF_PDF, "%PDF", 4, 64, &why), -1);
	/* %%EOF more than 1024 bytes before the end does not count. */
	memset(big, ' ', sizeof(big));
	memcpy(big, "%PDF-1.7\n%%EOF", 14);
	assert_int_equal(check(ATTSNIFF_PDF, big, sizeof(big), 100, &why), -1);
	memcpy(big + sizeof(big) - 6, "%%EOF\n", 6);
	assert_int_equal(check(ATTSNIFF_PDF, big, sizeof(big), 100, &why), 0);
	assert_int_equal(check(ATTSNIFF_JPEG, jpeg, JPEG_LEN - 2, 64, &why), -1);
	assert_string_equal(why, "the JPEG image is incomplete");
	assert_int_equal(check(ATTSNIFF_JPEG, "\xff\xd8\xff\x00", 4, 64, &why), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_types),
		cmocka_unit_test(t_good_files_any_piece_size),
		cmocka_unit_test(t_wrong_declared_type),
		cmocka_unit_test(t_elf_behind_png_signature),
		cmocka_unit_test(t_damaged_png),
		cmocka_unit_test(t_incomplete_pdf_and_jpeg),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
