/*
 * Unit tests for lib/notify-tmpl: the catalogue, payload parsing, and
 * that no text ever carries anything from a payload but a date, a time
 * and a reset token: every template is rendered, on every channel, from
 * payloads stuffed with marker strings under every key the workers use
 * (and more), and no marker may appear.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lib/buf.h"
#include "lib/notify-tmpl.h"
#include "lib/time.h"

/* A valid id and a valid token that are markers themselves. */
#define MARK_ID		"markerxmarkerxmarkerxmark2"
#define MARK_TOKEN	"MARKERtokenMARKERtokenMARKERtokenMARKERtoke"

static const char *const marker_payloads[] = {
	/* every key the workers put in payloads, and PHI they must not */
	"{\"appointment_id\":\"" MARK_ID "\",\"recipient_role\":\"MARKER-ROLE\","
	"\"start_at\":\"2027-02-01T15:00:00Z\",\"thread_id\":\"MARKER-THREAD\","
	"\"message_id\":\"MARKER-MSG\",\"body\":\"MARKER-BODY diabetes\","
	"\"lab_result_id\":\"MARKER-LAB\",\"test_code\":\"MARKER-HBA1C\","
	"\"value\":\"MARKER-7.2%\",\"patient_name\":\"MARKER-NAME\","
	"\"full_name\":\"MARKER-FULLNAME\",\"specialty\":\"MARKER-ONCOLOGY\","
	"\"reason\":\"MARKER-REASON\",\"location\":\"MARKER-LOCATION\","
	"\"provider_id\":\"MARKER-PROV\",\"subject\":\"MARKER-SUBJECT\","
	"\"video_session_id\":\"MARKER-VIDEO\",\"plan_id\":\"MARKER-PLAN\","
	"\"token\":\"" MARK_TOKEN "\",\"expires_minutes\":30,"
	"\"zone\":\"MARKER/ZONE\",\"portal_url\":\"https://MARKER.example\"}",
	/* the same markers, where values are not strings */
	"{\"appointment_id\":\"" MARK_ID "\",\"start_at\":\"2027-02-01T15:00:00Z\","
	"\"token\":\"" MARK_TOKEN "\",\"notes\":[\"MARKER-ARRAY\"],"
	"\"detail\":{\"MARKER-KEY\":\"MARKER-NESTED\"}}",
	/* markers where a template expects an id or a token: refused */
	"{\"appointment_id\":\"MARKER-NOT-AN-ID\",\"token\":\"MARKER-NOT-A-TOKEN\"}",
	"{\"appointment_id\":\"" MARK_ID "\",\"start_at\":\"MARKER-TIME\"}",
	"[\"MARKER-TOP-ARRAY\"]",
	"\"MARKER-SCALAR\"",
	"MARKER-NOT-JSON",
	NULL,
};

static int
has_marker(const char *s)
{
	const char	*p;

	if (s == NULL)
		return 0;
	for (p = s; (p = strstr(p, "MARKER")) != NULL; ) {
		/* The reset token is meant to be in the reset mail, nothing else. */
		if (strncmp(p, MARK_TOKEN, strlen(MARK_TOKEN)) != 0)
			return 1;
		p += strlen(MARK_TOKEN);
	}
	return strstr(s, "marker") != NULL;
}

static void
vars_for(const struct ntmpl_payload *p, struct ntmpl_vars *v)
{
	memset(v, 0, sizeof(*v));
	v->product = "Concierge";
	v->portal_url = "https://portal.example.test/";
	v->zone = "Europe/Berlin";
	v->start_at = p->start_at != 0 ? p->start_at : 1801494000LL * UTC_SEC;
	v->token = p->has_token ? p->token : NULL;
	v->expires_minutes = p->expires_minutes;
}

/* Every template, channel and marker payload: no marker gets through. */
static void
t_no_phi(void **state)
{
	struct ntmpl_payload	 p;
	struct ntmpl_vars	 v;
	struct buf		 subj, body;
	size_t			 i, k, rendered = 0;
	int			 sms;

	(void)state;
	buf_init(&subj, NTMPL_SUBJECT_MAX);
	buf_init(&body, NTMPL_BODY_MAX);
	for (i = 0; i < ntmpl_count(); i++) {
		const struct ntmpl *t = ntmpl_at(i);

		for (k = 0; marker_payloads[k] != NULL; k++) {
			if (ntmpl_payload_parse(t, marker_payloads[k], &p) == -1)
				continue;
			vars_for(&p, &v);
			for (sms = 0; sms <= 1; sms++) {
				if (sms && !(t->flags & NTMPL_SMS))
					continue;
				if (ntmpl_render(t, sms, &v, &subj, &body) == -1)
					fail_msg("%s (%s) does not render", t->name,
					    sms ? "sms" : "email");
				rendered++;
				if (has_marker(body.data) || (!sms && has_marker(subj.data)))
					fail_msg("%s (%s) leaks a marker from payload %zu: "
					    "%s / %s", t->name, sms ? "sms" : "email", k,
					    sms ? "" : subj.data, body.data);
				if ((t->flags & NTMPL_RESET) &&
				    strstr(body.data, MARK_TOKEN) == NULL)
					fail_msg("%s lacks its reset link", t->name);
			}
		}
	}
	/* Every template rendered on each of its channels at least twice. */
	assert_true(rendered >= 2 * ntmpl_count());
	buf_release(&subj);
	buf_release(&body);
}

/* The names the workers enqueue today and those parallel work adds. */
static void
t_catalogue(void **state)
{
	static const char *const names[] = { "appointment_confirmation",
		"appointment_changed", "appointment_cancelled",
		"appointment_reminder", "password_reset", "mfa_replay",
		"lab_result_available", "new_secure_message", "provider_ready",
		NULL };
	size_t	 i, j;

	(void)state;
	for (i = 0; names[i] != NULL; i++)
		assert_non_null(ntmpl_find(names[i]));
	assert_int_equal(ntmpl_count(), i);
	assert_null(ntmpl_find("no_such_template"));
	assert_null(ntmpl_find(NULL));
	assert_null(ntmpl_at(ntmpl_count()));
	for (i = 0; i < ntmpl_count(); i++) {
		const struct ntmpl *t = ntmpl_at(i);

		for (j = 0; j < i; j++)
			assert_string_not_equal(t->name, ntmpl_at(j)->name);
		/* An SMS text exactly when the flag says so. */
		assert_int_equal(t->sms != NULL, (t->flags & NTMPL_SMS) != 0);
		/* Security texts go by email only and are never held back. */
		if (t->flags & NTMPL_SECURITY) {
			assert_null(t->sms);
			assert_true(t->flags & NTMPL_URGENT);
		}
	}
	assert_true(ntmpl_find("password_reset")->flags & NTMPL_SECURITY);
	assert_true(ntmpl_find("mfa_replay")->flags & NTMPL_SECURITY);
	assert_true(ntmpl_find("provider_ready")->flags & NTMPL_URGENT);
	assert_false(ntmpl_find("appointment_reminder")->flags & NTMPL_URGENT);
	assert_true(ntmpl_find("appointment_reminder")->flags & NTMPL_REMINDER);
}

static void
t_payload(void **state)
{
	const struct ntmpl	*appt = ntmpl_find("appointment_reminder");
	const struct ntmpl	*reset = ntmpl_find("password_reset");
	const struct ntmpl	*msg = ntmpl_find("new_secure_message");
	struct ntmpl_payload	 p;

	(void)state;
	assert_int_equal(ntmpl_payload_parse(appt, "{\"appointment_id\":\""
	    MARK_ID "\",\"recipient_role\":\"patient\"}", &p), 0);
	assert_string_equal(p.appointment_id, MARK_ID);
	assert_int_equal(p.start_at, 0);
	assert_int_equal(ntmpl_payload_parse(appt, "{\"appointment_id\":\""
	    MARK_ID "\",\"start_at\":\"2027-02-01T15:00:00Z\"}", &p), 0);
	assert_true(p.start_at > 0);
	/* missing, malformed, wrong types */
	assert_int_equal(ntmpl_payload_parse(appt, NULL, &p), -1);
	assert_int_equal(ntmpl_payload_parse(appt, "{}", &p), -1);
	assert_int_equal(ntmpl_payload_parse(appt, "{\"appointment_id\":7}", &p), -1);
	assert_int_equal(ntmpl_payload_parse(appt, "{\"appointment_id\":\""
	    MARK_ID "\",\"start_at\":5}", &p), -1);
	assert_int_equal(ntmpl_payload_parse(appt, "{\"appointment_id\":\"../x\"}", &p), -1);
	assert_int_equal(ntmpl_payload_parse(reset, "{\"token\":\"" MARK_TOKEN "\"}", &p), 0);
	assert_int_equal(p.expires_minutes, 30);
	assert_int_equal(ntmpl_payload_parse(reset, "{\"token\":\"" MARK_TOKEN
	    "\",\"expires_minutes\":15}", &p), 0);
	assert_int_equal(p.expires_minutes, 15);
	assert_int_equal(ntmpl_payload_parse(reset, "{\"token\":\"" MARK_TOKEN
	    "\",\"expires_minutes\":0}", &p), -1);
	assert_int_equal(ntmpl_payload_parse(reset, "{\"token\":\"short\"}", &p), -1);
	assert_int_equal(ntmpl_payload_parse(reset, "{\"token\":\"" MARK_TOKEN
	    "\\n\"}", &p), -1);
	assert_int_equal(ntmpl_payload_parse(reset, "{\"token\":\"a<b>cdefghijklmnopq"
	    "rstuvwxyzABCDEFGHIJKLMNOPQ\"}", &p), -1);
	/* templates that need nothing take anything */
	assert_int_equal(ntmpl_payload_parse(msg, NULL, &p), 0);
	assert_int_equal(ntmpl_payload_parse(msg, "not json", &p), 0);
}

static void
t_render(void **state)
{
	struct ntmpl_vars	 v;
	struct buf		 subj, body;
	char			 token[] = MARK_TOKEN;

	(void)state;
	buf_init(&subj, NTMPL_SUBJECT_MAX);
	buf_init(&body, NTMPL_BODY_MAX);
	memset(&v, 0, sizeof(v));
	v.product = "Clinic";
	v.portal_url = "https://portal.example.test//";
	v.zone = "America/New_York";
	assert_int_equal(utc_parse("2027-02-01T15:00:00Z", &v.start_at), 0);
	assert_int_equal(ntmpl_render(ntmpl_find("appointment_reminder"), 0, &v,
	    &subj, &body), 0);
	assert_string_equal(subj.data, "Clinic: reminder of your appointment");
	assert_non_null(strstr(body.data,
	    "appointment on Monday 1 February 2027 at 10:00 (America/New_York)."));
	assert_non_null(strstr(body.data, "\nhttps://portal.example.test\n"));
	assert_int_equal(ntmpl_render(ntmpl_find("appointment_reminder"), 1, &v,
	    NULL, &body), 0);
	assert_string_equal(body.data, "Clinic: reminder, appointment Mon 1 Feb "
	    "10:00 (America/New_York). Details: https://portal.example.test");
	/* no zone: UTC */
	v.zone = NULL;
	assert_int_equal(ntmpl_render(ntmpl_find("appointment_changed"), 1, &v,
	    NULL, &body), 0);
	assert_non_null(strstr(body.data, "Mon 1 Feb 15:00 (UTC)"));
	/* a reset without a token, an appointment without a time: refused */
	assert_int_equal(ntmpl_render(ntmpl_find("password_reset"), 0, &v, &subj,
	    &body), -1);
	v.token = token;
	v.expires_minutes = 30;
	assert_int_equal(ntmpl_render(ntmpl_find("password_reset"), 0, &v, &subj,
	    &body), 0);
	assert_non_null(strstr(body.data,
	    "https://portal.example.test/reset-password#token=" MARK_TOKEN));
	assert_non_null(strstr(body.data, "within 30 minutes"));
	assert_int_equal(ntmpl_render(ntmpl_find("password_reset"), 1, &v, NULL,
	    &body), -1);
	v.start_at = 0;
	assert_int_equal(ntmpl_render(ntmpl_find("appointment_cancelled"), 0, &v,
	    &subj, &body), -1);
	v.zone = "Not/AZone";
	v.start_at = 1;
	assert_int_equal(ntmpl_render(ntmpl_find("appointment_cancelled"), 0, &v,
	    &subj, &body), -1);
	v.portal_url = NULL;
	assert_int_equal(ntmpl_render(ntmpl_find("provider_ready"), 1, &v, NULL,
	    &body), -1);
	buf_release(&subj);
	buf_release(&body);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_catalogue),
		cmocka_unit_test(t_payload),
		cmocka_unit_test(t_render),
		cmocka_unit_test(t_no_phi),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
