/* Unit tests for the file names of lib/attachment: X-Filename checks, Content-Disposition. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "lib/attachment.h"
#include "lib/mem.h"

static struct arena	 arena;

static const char *
chk(const char *s)
{
	return attachment_filename_check(s, strlen(s));
}

static void
t_good_names(void **state)
{
	(void)state;
	assert_null(chk("lab report.pdf"));
	assert_null(chk("résumé (final).PDF"));
	assert_null(chk("..pdf"));
	assert_null(chk("a..b"));
	assert_null(chk("日本語.png"));
	assert_null(chk("no extension"));
}

static void
t_bad_names(void **state)
{
	char	 long_name[300];

	(void)state;
	assert_non_null(chk(""));
	assert_non_null(chk("."));
	assert_non_null(chk(".."));
	assert_non_null(chk("../etc/passwd"));
	assert_non_null(chk("a/b.pdf"));
	assert_non_null(chk("a\\b.pdf"));
	assert_non_null(chk("a\x01" "b.pdf"));
	assert_non_null(chk("a\tb.pdf"));
	assert_non_null(chk("a\x7f" "b.pdf"));
	assert_non_null(chk("a\xc2\x85" "b.pdf"));		/* U+0085, a C1 control */
	assert_non_null(chk("x\xe2\x80\xae" "fdp.exe"));	/* U+202E, right-to-left override */
	assert_non_null(chk("x\xe2\x80\x8b" ".pdf"));		/* U+200B, zero width space */
	assert_non_null(chk("x\xef\xbb\xbf" ".pdf"));		/* U+FEFF */
	assert_non_null(chk("bad\xff.pdf"));
	assert_non_null(chk("over\xc0\xaf" "long.pdf"));	/* overlong '/' */
	assert_non_null(attachment_filename_check("a\0b.pdf", 7));
	memset(long_name, 'n', sizeof(long_name));
	long_name[256] = '\0';
	assert_non_null(chk(long_name));
	long_name[255] = '\0';
	assert_null(chk(long_name));
}

static void
t_disposition(void **state)
{
	(void)state;
	assert_string_equal(attachment_disposition(&arena, "lab.pdf", "application/pdf"),
	    "attachment; filename=\"lab.pdf\"; filename*=UTF-8''lab.pdf");
	/* Non-ASCII: '_' in the fallback, percent-encoded UTF-8 in filename*. */
	assert_string_equal(attachment_disposition(&arena, "résumé.pdf", "application/pdf"),
	    "attachment; filename=\"r_sum_.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf");
	/* Quotes, semicolons, percent signs cannot break out of the header value. */
	assert_string_equal(attachment_disposition(&arena, "a\";b%=c.png", "image/png"),
	    "attachment; filename=\"a__b_=c.png\"; filename*=UTF-8''a%22%3Bb%25%3Dc.png");
	/* The type's extension is added when the name lacks it or lies. */
	assert_string_equal(attachment_disposition(&arena, "scan", "image/png"),
	    "attachment; filename=\"scan.png\"; filename*=UTF-8''scan.png");
	assert_string_equal(attachment_disposition(&arena, "x.html", "image/jpeg"),
	    "attachment; filename=\"x.html.jpg\"; filename*=UTF-8''x.html.jpg");
	assert_string_equal(attachment_disposition(&arena, "photo.JPEG", "image/jpeg"),
	    "attachment; filename=\"photo.JPEG\"; filename*=UTF-8''photo.JPEG");
	assert_string_equal(attachment_disposition(&arena, NULL, "application/pdf"),
	    "attachment; filename=\"file.pdf\"; filename*=UTF-8''file.pdf");
}

static void
t_disposition_long_fallback(void **state)
{
	char		 name[256];
	const char	*d, *q;

	(void)state;
	memset(name, 'a', 250);
	memcpy(name + 250, ".pdf", 5);
	d = attachment_disposition(&arena, name, "application/pdf");
	/* The ASCII fallback stays short (120 characters and the extension). */
	q = strchr(d + strlen("attachment; filename=\""), '"');
	assert_non_null(q);
	assert_int_equal((int)(q - (d + strlen("attachment; filename=\""))), 124);
	assert_non_null(strstr(d, "filename*=UTF-8''aaaa"));
	assert_null(strpbrk(d, "\r\n"));
}

static int
teardown(void **state)
{
	(void)state;
	arena_reset(&arena);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_good_names),
		cmocka_unit_test(t_bad_names),
		cmocka_unit_test_teardown(t_disposition, teardown),
		cmocka_unit_test_teardown(t_disposition_long_fallback, teardown),
	};

	arena_init(&arena);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
