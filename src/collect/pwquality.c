/* pwquality.conf(5) reader and pam_pwquality / pam_cracklib argument handling (see pwquality.h). */
#include "pwquality.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/error.h"
#include "core/limits.h"
#include "core/text.h"

#define PWQ_CONF "/etc/security/pwquality.conf"
#define PWQ_CONF_D "/etc/security/pwquality.conf.d"
#define PWQ_BASE_MIN_LENGTH 6      /* libpwquality: minlen below this is raised to it */
#define CRACKLIB_MIN_LENGTH_BASE 5 /* pam_cracklib: CO_MIN_LENGTH_BASE */
#define PWQ_NUM_CLASSES 4
#define PWQ_MAX_LINE 1023          /* libpwquality's PWQSETTINGS_MAX_LINELEN */

enum { T_INT, T_STR, T_SET };

/* libpwquality 1.4.5 s_map: every name it accepts (an unknown one stops the reading). */
static const struct {
	const char *name;
	int type;
	int id; /* KS_PWQ_* or -1 when kenshin does not use it */
} settings[] = {
	{"difok", T_INT, KS_PWQ_DIFOK},
	{"minlen", T_INT, KS_PWQ_MINLEN},
	{"dcredit", T_INT, KS_PWQ_DCREDIT},
	{"ucredit", T_INT, KS_PWQ_UCREDIT},
	{"lcredit", T_INT, KS_PWQ_LCREDIT},
	{"ocredit", T_INT, KS_PWQ_OCREDIT},
	{"minclass", T_INT, KS_PWQ_MINCLASS},
	{"maxrepeat", T_INT, -1},
	{"maxclassrepeat", T_INT, -1},
	{"maxsequence", T_INT, -1},
	{"gecoscheck", T_INT, -1},
	{"dictcheck", T_INT, -1},
	{"usercheck", T_INT, KS_PWQ_USERCHECK},
	{"usersubstr", T_INT, -1},
	{"enforcing", T_INT, KS_PWQ_ENFORCING},
	{"badwords", T_STR, -1},
	{"dictpath", T_STR, -1},
	{"retry", T_INT, KS_PWQ_RETRY},
	{"enforce_for_root", T_SET, KS_PWQ_ENFORCE_FOR_ROOT},
	{"local_users_only", T_SET, -1},
};

static const char *const names[KS_PWQ_NSETTINGS] = {
	[KS_PWQ_DIFOK] = "difok",         [KS_PWQ_MINLEN] = "minlen",
	[KS_PWQ_DCREDIT] = "dcredit",     [KS_PWQ_UCREDIT] = "ucredit",
	[KS_PWQ_LCREDIT] = "lcredit",     [KS_PWQ_OCREDIT] = "ocredit",
	[KS_PWQ_MINCLASS] = "minclass",   [KS_PWQ_USERCHECK] = "usercheck",
	[KS_PWQ_ENFORCING] = "enforcing", [KS_PWQ_RETRY] = "retry",
	[KS_PWQ_ENFORCE_FOR_ROOT] = "enforce_for_root",
};

const char *ks_pwq_setting_name(int setting)
{
	return setting >= 0 && setting < KS_PWQ_NSETTINGS ? names[setting] : "?";
}

void ks_pwq_defaults(ks_pwq *q)
{
	/* libpwquality 1.4.5 pwqprivate.h PWQ_DEFAULT_*. */
	memset(q, 0, sizeof *q);
	q->s[KS_PWQ_DIFOK].v = 1;
	q->s[KS_PWQ_MINLEN].v = 8;
	q->s[KS_PWQ_USERCHECK].v = 1;
	q->s[KS_PWQ_ENFORCING].v = 1;
	q->s[KS_PWQ_RETRY].v = 1;
}

void ks_pwq_cracklib_defaults(ks_pwq *q)
{
	/* pam_cracklib.c CO_*: minlen 9 with every credit 1, no class or user-name check. */
	memset(q, 0, sizeof *q);
	q->cracklib = true;
	q->s[KS_PWQ_DIFOK].v = 5;
	q->s[KS_PWQ_MINLEN].v = 9;
	q->s[KS_PWQ_DCREDIT].v = 1;
	q->s[KS_PWQ_UCREDIT].v = 1;
	q->s[KS_PWQ_LCREDIT].v = 1;
	q->s[KS_PWQ_OCREDIT].v = 1;
	q->s[KS_PWQ_ENFORCING].v = 1;
	q->s[KS_PWQ_RETRY].v = 1;
}

static void set_val(ks_pwq *q, int id, int64_t v, const char *path, int line, const char *note)
{
	q->s[id] = (ks_pwq_val){.v = v, .path = path, .line = line, .note = note};
}

/* pwquality_set_int_value: the library's own clamps. */
static void set_int(ks_pwq *q, int id, int64_t v, const char *path, int line)
{
	const char *note = NULL;
	if (id == KS_PWQ_MINLEN && v < PWQ_BASE_MIN_LENGTH) {
		v = PWQ_BASE_MIN_LENGTH;
		note = "raised to libpwquality's floor 6";
	} else if (id == KS_PWQ_MINCLASS && v > PWQ_NUM_CLASSES) {
		v = PWQ_NUM_CLASSES;
		note = "lowered to 4 classes";
	}
	set_val(q, id, v, path, line, note);
}

/* strtol(value, &end, 10) accepted only if the whole value is used and within int (exclusive),
 * as set_name_value() does. */
static bool strict_int(const char *s, size_t len, int64_t *out)
{
	size_t i = 0;
	while (i < len && ks_is_space(s[i]))
		i++;
	if (i == len || !ks_parse_int(s + i, len - i, out))
		return false;
	return *out > INT_MIN && *out < INT_MAX;
}

/* set_name_value(): 0, or an error message. */
static const char *set_name_value(ks_pwq *q, const char *name, size_t nlen, const char *value,
                                  size_t vlen, const char *path, int line)
{
	for (size_t i = 0; i < sizeof settings / sizeof *settings; i++) {
		size_t sl = strlen(settings[i].name);
		if (sl != nlen || strncasecmp(settings[i].name, name, nlen) != 0)
			continue;
		if (settings[i].type == T_INT) {
			int64_t v;
			if (!strict_int(value, vlen, &v))
				return "expected an integer";
			if (settings[i].id >= 0)
				set_int(q, settings[i].id, v, path, line);
		} else if (settings[i].type == T_SET && settings[i].id >= 0) {
			set_val(q, settings[i].id, 1, path, line, NULL); /* present = on, whatever the value */
		}
		return NULL;
	}
	return "unknown setting";
}

bool ks_pwq_split_line(const char *ln, size_t n, const char **name, size_t *nlen, const char **val,
                       size_t *vlen)
{
	const char *hash = memchr(ln, '#', n);
	if (hash)
		n = (size_t)(hash - ln);
	ks_trim(&ln, &n);
	if (!n)
		return false;
	size_t i = 0;
	while (i < n && !ks_is_space(ln[i]) && ln[i] != '=')
		i++;
	*name = ln;
	*nlen = i;
	bool eq = false;
	if (i < n) {
		eq = ln[i] == '=';
		i++;
	}
	while (i < n) {
		if (ln[i] == '=' && !eq)
			eq = true;
		else if (!ks_is_space(ln[i]))
			break;
		i++;
	}
	*val = ln + i;
	*vlen = n - i;
	return true;
}

int ks_pwq_parse_buffer(ks_collect_ctx *ctx, const char *path, const char *data, size_t len, ks_pwq *q)
{
	const char *p = ks_arena_strdup(ctx->arena, path);
	if (!p)
		return KS_ENOMEM;
	ks_lines it;
	ks_lines_init(&it, data, len);
	const char *ln;
	size_t n;
	while (ks_lines_next(&it, &ln, &n)) {
		if (n > PWQ_MAX_LINE - 1) {
			/* fgets() into a 1024-byte buffer: libpwquality reports the file as malformed. */
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, p, it.lineno, 0,
			            "line longer than %d characters: libpwquality stops reading here",
			            PWQ_MAX_LINE - 1);
			return KS_EPARSE;
		}
		const char *name, *val;
		size_t nlen, vlen;
		if (!ks_pwq_split_line(ln, n, &name, &nlen, &val, &vlen))
			continue;
		const char *err = set_name_value(q, name, nlen, val, vlen, p, it.lineno);
		if (err) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, p, it.lineno, (int)(name - ln) + 1,
			            "%s '%.*s': libpwquality stops reading its configuration here", err,
			            (int)(nlen > 64 ? 64 : nlen), name);
			return KS_EPARSE;
		}
	}
	return KS_OK;
}

/* filter_conf(): the first ".conf" in the name must end it. */
static bool conf_name(const char *name)
{
	const char *s = strstr(name, ".conf");
	return s && s[5] == '\0';
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int read_one(ks_collect_ctx *ctx, ks_pwq *q, const char *path, bool *stop)
{
	char *data;
	size_t len;
	int rc = ks_collect_read(ctx, path, &data, &len);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc == KS_ENOENT)
		return KS_OK; /* missing main file: built-in defaults, as the library */
	if (rc < 0) {
		q->unknown = ks_arena_printf(ctx->arena, "%s: %s", path, ks_strerror(rc));
		q->unknown_path = ks_arena_strdup(ctx->arena, path);
		*stop = true;
		return q->unknown && q->unknown_path ? KS_OK : KS_ENOMEM;
	}
	rc = ks_pwq_parse_buffer(ctx, path, data, len, q);
	if (rc == KS_EPARSE) {
		*stop = true;
		return KS_OK;
	}
	return rc;
}

int ks_pwq_load(ks_collect_ctx *ctx, ks_pwq *q)
{
	const char **ent;
	size_t n;
	int rc = ks_rootfs_list(ctx->root, ctx->arena, PWQ_CONF_D, &ent, &n);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc == KS_EACCES) {
		q->unknown = PWQ_CONF_D ": permission denied";
		q->unknown_path = PWQ_CONF_D;
		return KS_OK;
	}
	bool stop = false;
	if (rc == KS_OK && n) {
		/* pwquality_read_config(): "*.conf" of the .d directory in strcmp order, then the file. */
		qsort(ent, n, sizeof *ent, cmp_name);
		for (size_t i = 0; i < n && !stop; i++) {
			if (!conf_name(ent[i]))
				continue;
			char *p = ks_arena_printf(ctx->arena, "%s/%s", PWQ_CONF_D, ent[i]);
			if (!p)
				return KS_ENOMEM;
			struct stat st;
			if (ks_rootfs_stat(ctx->root, p, &st) == 0 && S_ISDIR(st.st_mode))
				continue;
			if ((rc = read_one(ctx, q, p, &stop)) < 0)
				return rc;
		}
	}
	if (stop)
		return KS_OK; /* an error in a .d file keeps libpwquality from reading the main file */
	return read_one(ctx, q, PWQ_CONF, &stop);
}

/* pam_cracklib parses numbers with strtol() and no check: "12x" is 12, "x" is 0. */
static int64_t lenient_int(const char *s)
{
	char *end;
	long long v = strtoll(s, &end, 10);
	if (v > INT_MAX)
		v = INT_MAX;
	if (v < INT_MIN)
		v = INT_MIN;
	return v;
}

static int cracklib_args(ks_pwq *q, const char *const *args, size_t nargs, const char *path, int line)
{
	static const struct {
		const char *prefix;
		int id;
	} num[] = {
		{"retry=", KS_PWQ_RETRY},     {"difok=", KS_PWQ_DIFOK},     {"minlen=", KS_PWQ_MINLEN},
		{"dcredit=", KS_PWQ_DCREDIT}, {"ucredit=", KS_PWQ_UCREDIT}, {"lcredit=", KS_PWQ_LCREDIT},
		{"ocredit=", KS_PWQ_OCREDIT}, {"minclass=", KS_PWQ_MINCLASS},
	};
	for (size_t a = 0; a < nargs; a++) {
		const char *arg = args[a];
		if (strcmp(arg, "reject_username") == 0) {
			set_val(q, KS_PWQ_USERCHECK, 1, path, line, NULL);
			continue;
		}
		if (strcmp(arg, "enforce_for_root") == 0) {
			set_val(q, KS_PWQ_ENFORCE_FOR_ROOT, 1, path, line, NULL);
			continue;
		}
		for (size_t i = 0; i < sizeof num / sizeof *num; i++) {
			size_t pl = strlen(num[i].prefix);
			if (strncmp(arg, num[i].prefix, pl) != 0)
				continue;
			int64_t v = lenient_int(arg + pl);
			const char *note = NULL;
			/* pam_cracklib _pam_parse(): its clamps. */
			if (num[i].id == KS_PWQ_MINLEN && v < CRACKLIB_MIN_LENGTH_BASE) {
				v = CRACKLIB_MIN_LENGTH_BASE;
				note = "raised to pam_cracklib's floor 5";
			} else if (num[i].id == KS_PWQ_RETRY && v < 1) {
				v = 1;
			} else if (num[i].id == KS_PWQ_DIFOK && v < 0) {
				v = 5;
			} else if (num[i].id == KS_PWQ_MINCLASS && v > PWQ_NUM_CLASSES) {
				v = PWQ_NUM_CLASSES;
				note = "lowered to 4 classes";
			}
			set_val(q, num[i].id, v, path, line, note);
			break;
		}
	}
	return KS_OK;
}

int ks_pwq_apply_args(ks_collect_ctx *ctx, ks_pwq *q, const char *const *args, size_t nargs,
                      const char *path, int line)
{
	const char *p = ks_arena_strdup(ctx->arena, path);
	if (!p)
		return KS_ENOMEM;
	if (q->cracklib)
		return cracklib_args(q, args, nargs, p, line);
	/* pam_pwquality _pam_parse(): these are not settings; the rest go to pwquality_set_option,
	 * whose failures are only logged. */
	static const char *const skip_prefix[] = {"type=", "difignore=", "reject_username", "authtok_type",
	                                          "use_authtok", "use_first_pass", "try_first_pass"};
	for (size_t a = 0; a < nargs; a++) {
		const char *arg = args[a];
		bool skip = strcmp(arg, "debug") == 0;
		for (size_t i = 0; i < sizeof skip_prefix / sizeof *skip_prefix && !skip; i++)
			skip = strncmp(arg, skip_prefix[i], strlen(skip_prefix[i])) == 0;
		if (skip)
			continue;
		const char *eq = strchr(arg, '=');
		size_t nlen = eq ? (size_t)(eq - arg) : strlen(arg);
		const char *val = eq ? eq + 1 : arg + nlen;
		if (nlen > 79) /* pwquality_set_option's name buffer */
			continue;
		if (set_name_value(q, arg, nlen, val, strlen(val), p, line))
			ks_diag_add(ctx->diags, KS_DIAG_INFO, p, line, 0,
			            "pam_pwquality ignores the argument '%.*s' (unknown or not a number)",
			            (int)(nlen > 64 ? 64 : nlen), arg);
	}
	return KS_OK;
}
