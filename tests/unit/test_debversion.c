/* Debian version ordering: tricky pairs, parse errors and warnings, long digit runs, and (where
 * /usr/bin/dpkg exists) agreement with `dpkg --compare-versions` on generated and real pairs. */
#include "support.h"

#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "collect/debversion.h"
#include "core/error.h"

extern char **environ;

static int cmp(const char *a, const char *b)
{
	int r;
	const char *why = NULL;
	int bad = -1;
	int rc = ks_debversion_compare(a, strlen(a), b, strlen(b), &r, &why, &bad);
	if (rc != 0)
		fail_msg("'%s' vs '%s': %s (side %d)", a, b, why ? why : "?", bad);
	return r;
}

struct pair {
	const char *a, *b;
	int want; /* sign */
};

static void test_tricky_pairs(void **state)
{
	(void)state;
	static const struct pair pairs[] = {
		{"1.0~rc1", "1.0", -1},            /* ~ sorts before the end */
		{"1.0~rc1", "1.0~rc2", -1},
		{"1.0~~", "1.0~", -1},
		{"1.0~~a", "1.0~", -1},
		{"1.0~", "1.0", -1},
		{"1.0", "1.0+b1", -1},
		{"1:0.1", "9.9", 1},               /* epoch wins */
		{"0:9.9", "9.9", 0},               /* epoch 0 is no epoch */
		{"1:1.0", "2:0.1", -1},
		{"1.0-1", "1.0-1+deb12u1", -1},
		{"1.0-1+deb12u1", "1.0-1+deb12u2", -1},
		{"1.0-1+deb12u10", "1.0-1+deb12u9", 1}, /* digit runs are numbers */
		{"2.30-1~bpo11+1", "2.30-1", -1},  /* backports sort below the release */
		{"2.30-1~bpo11+1", "2.29-9", 1},
		{"1.2.3a", "1.2.3", 1},            /* letters after the end */
		{"1.2.3a", "1.2.3.", -1},          /* letters before non-letters */
		{"1.2.3+", "1.2.3.", -1},          /* '+' (43) before '.' (46) */
		{"1.2.3a", "1.2.3+", -1},
		{"1.2.3~", "1.2.3a", -1},
		{"1.0", "1.0-0", 0},               /* no revision equals revision 0 */
		{"1.00", "1.0", 0},                /* leading zeros ignored */
		{"1.001", "1.1", 0},
		{"1.010", "1.9", 1},
		{"1.0a", "1.0A", 1},               /* 'a' (97) > 'A' (65) */
		{"1.0", "1.0.0", -1},
		{"1.0.0", "1.0.", 0},              /* a digit run of zeros equals an empty one */
		{"1.0.", "1.0", 1},                /* but the '.' itself sorts after the end */
		{"10", "9", 1},
		{"1-1", "1-01", 0},
		{"1-1.0", "1-1", 1},
		{"1-1~", "1-1", -1},
		{"3.0.11-1~deb12u2", "3.0.17-1~deb12u1", -1},
		{"2.36-9+deb12u4", "2.36-9+deb12u10", -1},
		{"1:9.2p1-2+deb12u3", "1:9.2p1-2+deb12u7", -1},
		{"1:9.2p1-2+deb12u3", "1:9.2p1-2", 1},
		{"5.10.0-1ubuntu1", "5.10.0-1", 1},
		{"1.2-3-4", "1.2-3-5", -1},        /* upstream "1.2-3" */
		{"1.2-3-4", "1.2-4", 1},           /* upstream 1.2-3 > 1.2 */
		{"1:2:3", "1:2:4", -1},            /* colons allowed in upstream after an epoch */
		{"0.0.0", "0", 1},                 /* "." sorts after the end even before zeros */
		{"a1", "b1", -1},                  /* dpkg only warns (no leading digit): still ordered */
		/* "1.2.3-" and "1.0-" are rejected: see test_parse_errors. */
	};
	for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
		const struct pair *p = &pairs[i];
		int r = cmp(p->a, p->b);
		if (r != p->want)
			fail_msg("%s vs %s: got %d, want %d", p->a, p->b, r, p->want);
		int back = cmp(p->b, p->a);
		if (back != -p->want)
			fail_msg("%s vs %s (reversed): got %d, want %d", p->b, p->a, back, -p->want);
	}
}

static void test_long_digit_runs(void **state)
{
	(void)state;
	const char *a = "1.1234567890123456789012345678901234567890";
	const char *b = "1.1234567890123456789012345678901234567891";
	const char *c = "1.0000000000000000000000000000000000000000001234567890123456789012345678901234567890";
	const char *d = "1.99999999999999999999999999999999999999999";
	assert_int_equal(cmp(a, b), -1);
	assert_int_equal(cmp(b, a), 1);
	assert_int_equal(cmp(a, c), 0); /* leading zeros do not count */
	assert_int_equal(cmp(d, a), 1); /* 41 digits beat 40 */
	assert_int_equal(cmp("18446744073709551616", "18446744073709551615"), 1); /* > UINT64_MAX */
	assert_int_equal(cmp("2147483647:1", "2147483646:9"), 1);
}

struct bad {
	const char *v;
	const char *why;
};

static void test_parse_errors(void **state)
{
	(void)state;
	static const struct bad errs[] = {
		{"", "version string is empty"},
		{"   ", "version number is empty"},
		{"1.0 2", "version string has embedded spaces"},
		{":1.0", "epoch in version is empty"},
		{"a:1.0", "epoch in version is not number"},
		{"1a:1.0", "epoch in version is not number"},
		{"-1:1.0", "epoch in version is not number"},
		{"2147483648:1.0", "epoch in version is too big"},
		{"99999999999999999999:1", "epoch in version is too big"},
		{"1:", "nothing after colon in version number"},
		{"1.0-", "revision number is empty"},
		{"1.2.3-", "revision number is empty"},
		{"-1", "version number is empty"},
		{"1:-1", "version number is empty"},
		{"1.0.2:3", "epoch in version is not number"},
	};
	for (size_t i = 0; i < sizeof errs / sizeof *errs; i++) {
		ks_debversion v;
		const char *why = NULL;
		int rc = ks_debversion_parse(&v, errs[i].v, strlen(errs[i].v), &why);
		if (rc != KS_EPARSE || !why || strcmp(why, errs[i].why) != 0)
			fail_msg("'%s': rc %d why '%s', want '%s'", errs[i].v, rc, why ? why : "(null)", errs[i].why);
		assert_false(ks_debversion_valid(errs[i].v, strlen(errs[i].v), NULL));
	}
	/* A NUL byte inside the buffer is never part of a version. */
	ks_debversion v;
	const char *why;
	assert_int_equal(ks_debversion_parse(&v, "1.0\0x", 5, &why), KS_EPARSE);
	assert_non_null(why);
	assert_int_equal(ks_debversion_parse(&v, NULL, 0, &why), KS_EPARSE);

	/* What dpkg only warns about: parsed (orders), but not valid. */
	static const struct bad warns[] = {
		{"a1.0", "version number does not start with digit"},
		{"1.0_1", "invalid character in version number"},
		{"1.0-1_2", "invalid character in revision number"},
		{"1:1.0-1:2", "invalid character in revision number"},
		{"1.0-1-2", NULL}, /* hyphens in upstream are fine */
	};
	for (size_t i = 0; i < sizeof warns / sizeof *warns; i++) {
		why = "unset";
		assert_int_equal(ks_debversion_parse(&v, warns[i].v, strlen(warns[i].v), &why), 0);
		if (warns[i].why == NULL)
			assert_null(why);
		else
			assert_string_equal(why, warns[i].why);
		assert_int_equal(ks_debversion_valid(warns[i].v, strlen(warns[i].v), NULL), warns[i].why == NULL);
	}
}

static void test_parse_fields(void **state)
{
	(void)state;
	ks_debversion v;
	const char *why;
	const char *s = "  7:2.36-9+deb12u4\t";
	assert_int_equal(ks_debversion_parse(&v, s, strlen(s), &why), 0);
	assert_null(why);
	assert_int_equal(v.epoch, 7);
	assert_int_equal(v.upstream_len, 4);
	assert_memory_equal(v.upstream, "2.36", 4);
	assert_int_equal(v.revision_len, 9);
	assert_memory_equal(v.revision, "9+deb12u4", 9);
	s = "1.2-3-4";
	assert_int_equal(ks_debversion_parse(&v, s, strlen(s), NULL), 0);
	assert_int_equal(v.upstream_len, 5);
	assert_int_equal(v.revision_len, 1);
	assert_int_equal(v.epoch, 0);
	s = "2147483647:0";
	assert_int_equal(ks_debversion_parse(&v, s, strlen(s), NULL), 0);
	assert_int_equal(v.epoch, 2147483647u);
	/* Length-delimited: the bytes after LEN are not read. */
	assert_int_equal(ks_debversion_parse(&v, "1.0-1XXX", 5, NULL), 0);
	assert_int_equal(v.revision_len, 1);
	/* ks_debversion_compare names the failing side. */
	int r, bad = -1;
	assert_int_equal(ks_debversion_compare("1.0", 3, "1.0-", 4, &r, &why, &bad), KS_EPARSE);
	assert_int_equal(bad, 1);
	assert_string_equal(why, "revision number is empty");
	assert_int_equal(ks_debversion_compare(":1", 2, "1.0", 3, &r, NULL, &bad), KS_EPARSE);
	assert_int_equal(bad, 0);
}

/* Sorting a list must give a total order consistent with pairwise answers. */
static void test_total_order(void **state)
{
	(void)state;
	static const char *const sorted[] = {
		"0~", "0", "0.1~", "0.1", "0.1a", "0.1+", "0.1.", "1.0~~", "1.0~~a", "1.0~", "1.0~rc1",
		"1.0", "1.0-0.1", "1.0-1~bpo1", "1.0-1", "1.0-1+b1", "1.0-1+deb12u1", "1.0-1.1", "1.0a",
		"1.0+dfsg", "1.0.1", "1.1", "1.10", "2", "10", "1:0", "1:0.1", "2:0",
	};
	size_t n = sizeof sorted / sizeof *sorted;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			int want = (i > j) - (i < j);
			int got = cmp(sorted[i], sorted[j]);
			if (got != want)
				fail_msg("%s vs %s: got %d, want %d", sorted[i], sorted[j], got, want);
		}
}

/* ---- agreement with dpkg ---- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
	uint64_t x = rng_state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}
static unsigned pick(unsigned n) { return (unsigned)(rnd() % n); }

static void put(char *buf, size_t cap, size_t *n, const char *s)
{
	size_t l = strlen(s);
	if (*n + l + 1 < cap) {
		memcpy(buf + *n, s, l);
		*n += l;
		buf[*n] = '\0';
	}
}

static void digits(char *buf, size_t cap, size_t *n)
{
	char d[64];
	unsigned len = pick(20) == 0 ? 20 + pick(25) : 1 + pick(3);
	for (unsigned i = 0; i < len; i++)
		d[i] = (char)('0' + (i == 0 && pick(4) ? 1 + pick(9) : pick(10)));
	d[len] = '\0';
	put(buf, cap, n, d);
}

static void gen_version(char *buf, size_t cap)
{
	static const char *const words[] = {"a", "b", "rc", "alpha", "beta", "z", "A", "dfsg", "deb", "u", "p", "ubuntu", "bpo", "really"};
	static const char *const seps[] = {".", ".", ".", "+", "~", "~", "+", "", "."};
	size_t n = 0;
	buf[0] = '\0';
	bool epoch = pick(5) == 0, revision = pick(5) < 3;
	if (epoch) {
		char e[16];
		snprintf(e, sizeof e, "%u:", pick(8) == 0 ? 10 + pick(90) : pick(4));
		put(buf, cap, &n, e);
	}
	digits(buf, cap, &n);
	unsigned segs = pick(6);
	for (unsigned i = 0; i < segs; i++) {
		const char *sep = seps[pick(sizeof seps / sizeof *seps)];
		if (revision && pick(10) == 0)
			sep = "-";
		if (epoch && pick(12) == 0)
			sep = ":";
		put(buf, cap, &n, sep);
		if (pick(2))
			digits(buf, cap, &n);
		else
			put(buf, cap, &n, words[pick(sizeof words / sizeof *words)]);
	}
	if (revision) {
		put(buf, cap, &n, "-");
		static const char *const revs[] = {"1", "0", "2", "0ubuntu1", "1+deb12u", "1~bpo11+", "1.1", "1build", "3+b", "~rc", "a"};
		put(buf, cap, &n, revs[pick(sizeof revs / sizeof *revs)]);
		if (pick(2))
			digits(buf, cap, &n);
	}
}

/* A close relative of A: most random pairs differ early, the interesting ones differ late. */
static void mutate(const char *a, char *b, size_t cap)
{
	snprintf(b, cap, "%s", a);
	size_t n = strlen(b);
	switch (pick(9)) {
	case 0: put(b, cap, &n, "~"); put(b, cap, &n, pick(2) ? "rc1" : ""); break;
	case 1: put(b, cap, &n, "+b1"); break;
	case 2: put(b, cap, &n, "a"); break;
	case 3: put(b, cap, &n, ".0"); break;
	case 4: /* change one digit */
		for (size_t i = n; i > 0; i--)
			if (b[i - 1] >= '0' && b[i - 1] <= '9') {
				b[i - 1] = (char)('0' + pick(10));
				break;
			}
		break;
	case 5: /* insert a leading zero before the last digit run */
		for (size_t i = n; i > 0; i--)
			if (b[i - 1] >= '0' && b[i - 1] <= '9' && (i == 1 || b[i - 2] < '0' || b[i - 2] > '9')) {
				if (n + 2 < cap) {
					memmove(b + i, b + i - 1, n - i + 2);
					b[i - 1] = '0';
				}
				break;
			}
		break;
	case 6: if (n > 1) b[n - 1] = '\0'; break;
	case 7: if (!strchr(b, '-')) put(b, cap, &n, "-0"); break;
	default: /* an explicit epoch 0 */
		if (!strchr(b, ':') && n + 3 < cap) {
			memmove(b + 2, b, n + 1);
			memcpy(b, "0:", 2);
		}
		break;
	}
}

/* Installed versions of this machine: real-world shapes. */
static size_t real_versions(char (*out)[128], size_t max)
{
	FILE *f = fopen("/var/lib/dpkg/status", "r");
	if (!f)
		return 0;
	char line[4096];
	size_t n = 0;
	while (n < max && fgets(line, sizeof line, f))
		if (strncmp(line, "Version: ", 9) == 0) {
			line[strcspn(line, "\n")] = '\0';
			if (strlen(line + 9) < 127 && ks_debversion_valid(line + 9, strlen(line + 9), NULL))
				snprintf(out[n++], 128, "%s", line + 9);
		}
	fclose(f);
	return n;
}

#define NPAIRS 2400

static void test_agrees_with_dpkg(void **state)
{
	(void)state;
	if (access("/usr/bin/dpkg", X_OK) != 0 || access("/bin/sh", X_OK) != 0) {
		skip();
		return;
	}
	static char a[NPAIRS][128], b[NPAIRS][128], real[4000][128];
	size_t nreal = real_versions(real, 4000);
	size_t n = 0;
	while (n < NPAIRS) {
		unsigned kind = pick(4);
		if (kind == 0 && nreal > 1) {
			snprintf(a[n], 128, "%s", real[pick((unsigned)nreal)]);
			snprintf(b[n], 128, "%s", real[pick((unsigned)nreal)]);
		} else if (kind == 1 && nreal > 1) {
			snprintf(a[n], 128, "%s", real[pick((unsigned)nreal)]);
			mutate(a[n], b[n], 128);
		} else if (kind == 2) {
			gen_version(a[n], 128);
			gen_version(b[n], 128);
		} else {
			gen_version(a[n], 128);
			mutate(a[n], b[n], 128);
		}
		if (ks_debversion_valid(a[n], strlen(a[n]), NULL) && ks_debversion_valid(b[n], strlen(b[n]), NULL))
			n++;
	}
	char dir[] = "/tmp/kenshin-test-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char in[128], outp[128];
	snprintf(in, sizeof in, "%s/pairs", dir);
	snprintf(outp, sizeof outp, "%s/out", dir);
	FILE *f = fopen(in, "w");
	assert_non_null(f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s %s\n", a[i], b[i]);
	fclose(f);
	char script[512];
	snprintf(script, sizeof script,
	         "while read -r a b; do "
	         "if dpkg --compare-versions \"$a\" lt \"$b\" 2>/dev/null; then echo '<'; "
	         "elif dpkg --compare-versions \"$a\" eq \"$b\" 2>/dev/null; then echo '='; "
	         "else echo '>'; fi; done < '%s' > '%s'",
	         in, outp);
	char *argv[] = {"sh", "-c", script, NULL};
	pid_t pid;
	assert_int_equal(posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, environ), 0);
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	f = fopen(outp, "r");
	assert_non_null(f);
	size_t i = 0, wrong = 0, nless = 0, neq = 0;
	char line[16];
	while (i < n && fgets(line, sizeof line, f)) {
		int want = line[0] == '<' ? -1 : line[0] == '=' ? 0 : 1;
		nless += want < 0;
		neq += want == 0;
		int got = cmp(a[i], b[i]);
		if (got != want) {
			print_message("disagree: '%s' vs '%s': dpkg %d, kenshin %d\n", a[i], b[i], want, got);
			wrong++;
		}
		i++;
	}
	fclose(f);
	unlink(in);
	unlink(outp);
	rmdir(dir);
	assert_int_equal(i, n);
	assert_int_equal(wrong, 0);
	/* The generator must produce all three answers, or the comparison proves little. */
	assert_true(nless > n / 10 && neq > 10 && n - nless - neq > n / 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tricky_pairs),     cmocka_unit_test(test_long_digit_runs),
		cmocka_unit_test(test_parse_errors),     cmocka_unit_test(test_parse_fields),
		cmocka_unit_test(test_total_order),      cmocka_unit_test(test_agrees_with_dpkg),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
