/* auditd collector: audit.installed, audit.enabled, audit.rules, audit.rules_login,
 * audit.rules_identity, audit.rules_privileged, audit.immutable. */
#include "auditd.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/error.h"
#include "core/limits.h"
#include "core/text.h"
#include "dpkg.h"
#include "systemd_enable.h"

#define PERM_R 1u
#define PERM_W 2u
#define PERM_X 4u
#define PERM_A 8u
#define PERM_ALL 15u

/* Files whose change records a login or logout (pam_faillock, lastlog, utmp/wtmp/btmp): the
 * watches CIS and the audit package's STIG rules use for "logins". */
static const char *const login_files[] = {"/var/log/lastlog", "/var/run/faillock", "/run/faillock",
                                          "/var/log/faillog", "/var/log/tallylog", "/var/log/wtmp",
                                          "/var/log/btmp", "/var/run/utmp", "/run/utmp"};
/* The account databases (STIG/CIS "identity"): all must be watched for writes. */
static const char *const identity_files[] = {"/etc/passwd", "/etc/shadow", "/etc/group", "/etc/gshadow",
                                             "/etc/security/opasswd"};
#define IDENTITY_ALL ((1u << 5) - 1)
/* Programs that run commands as another user. */
static const char *const privileged_files[] = {"/usr/bin/sudo", "/usr/bin/su", "/bin/su", "/bin/sudo"};

void ks_audit_rules_init(ks_audit_rules *r, bool augenrules)
{
	memset(r, 0, sizeof *r);
	r->list = ks_val_list();
	r->augenrules = augenrules;
	r->enable = -1;
}

/* One rule as auditctl reads it: a watch (-w) or a list rule (-a/-A) with fields and syscalls. */
struct rule {
	const char *watch;  /* -w path */
	unsigned perm;      /* -p, or -F perm= */
	bool perm_given;
	const char *list;   /* exit, task, user, exclude, filesystem, io_uring */
	bool always;
	const char *path, *dir; /* -F path= / -F dir= */
	bool execve;        /* -S execve / execveat / all */
};

static bool parse_perm(const char *s, unsigned *out)
{
	unsigned p = 0;
	if (!*s)
		return false;
	for (; *s; s++) {
		switch (*s) {
		case 'r': p |= PERM_R; break;
		case 'w': p |= PERM_W; break;
		case 'x': p |= PERM_X; break;
		case 'a': p |= PERM_A; break;
		default: return false;
		}
	}
	*out = p;
	return true;
}

/* "-a list,action" (either order). */
static bool parse_list_action(const char *s, struct rule *r)
{
	const char *comma = strchr(s, ',');
	if (!comma)
		return false;
	static const char *const lists[] = {"exit", "task", "user", "exclude", "filesystem", "io_uring", "entry"};
	char a[32], b[32];
	size_t al = (size_t)(comma - s), bl = strlen(comma + 1);
	if (al >= sizeof a || bl >= sizeof b)
		return false;
	memcpy(a, s, al);
	a[al] = '\0';
	memcpy(b, comma + 1, bl + 1);
	const char *list = NULL, *action = NULL;
	for (size_t i = 0; i < sizeof lists / sizeof *lists; i++) {
		if (!strcmp(a, lists[i]))
			list = lists[i], action = b;
		else if (!strcmp(b, lists[i]))
			list = lists[i], action = a;
	}
	if (!list || (strcmp(action, "always") && strcmp(action, "never")))
		return false;
	r->list = list;
	r->always = !strcmp(action, "always");
	return true;
}

/* "-F name op value"; only path=, dir= and perm= matter here, other fields are checked for form. */
static bool parse_field(ks_arena *a, const char *s, struct rule *r)
{
	size_t nl = 0;
	while (s[nl] && (isalnum((unsigned char)s[nl]) || s[nl] == '_'))
		nl++;
	if (!nl)
		return false;
	const char *op = s + nl;
	static const char *const ops[] = {"!=", "<=", ">=", "&=", "=", "<", ">", "&"};
	size_t ol = 0;
	for (size_t i = 0; i < sizeof ops / sizeof *ops && !ol; i++)
		if (!strncmp(op, ops[i], strlen(ops[i])))
			ol = strlen(ops[i]);
	if (!ol || !op[ol])
		return false;
	const char *val = op + ol;
	bool eq = ol == 1 && op[0] == '=';
	if (nl == 4 && !strncmp(s, "path", 4) && eq)
		r->path = ks_arena_strdup(a, val);
	else if (nl == 3 && !strncmp(s, "dir", 3) && eq)
		r->dir = ks_arena_strdup(a, val);
	else if (nl == 4 && !strncmp(s, "perm", 4)) {
		if (!eq || !parse_perm(val, &r->perm))
			return false;
		r->perm_given = true;
	}
	return true;
}

static bool is_syscall_list(const char *s)
{
	if (!*s)
		return false;
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != ',')
			return false;
	return true;
}

static bool has_syscall(const char *list, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = list; *p;) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (l == n && !strncmp(p, name, n))
			return true;
		p += l + (e ? 1 : 0);
	}
	return false;
}

/* Does the rule record writes (PERM) to FILE: a watch or path= on it, or a watch or dir= on a
 * directory above it (directory watches are recursive)? */
static bool covers(const struct rule *r, const char *file, unsigned perm)
{
	unsigned p = r->perm_given ? r->perm : PERM_ALL;
	if (!(p & perm))
		return false;
	const char *exact = r->watch ? r->watch : r->path;
	const char *tree = r->watch ? r->watch : r->dir;
	if (!r->watch && (!r->list || strcmp(r->list, "exit") || !r->always))
		return false;
	if (exact && !strcmp(exact, file))
		return true;
	if (tree) {
		size_t tl = strlen(tree);
		while (tl > 1 && tree[tl - 1] == '/')
			tl--;
		if (tl == 1 && tree[0] == '/')
			return true;
		/* "-w /var/run/faillock/" watches the directory itself and everything below it. */
		if (!strncmp(tree, file, tl) && (file[tl] == '/' || file[tl] == '\0'))
			return true;
	}
	return false;
}

static void mark(ks_audit_rules *r, int cls, bool after, const char *path, int line)
{
	int k = after ? 1 : 0;
	if (!r->class_path[cls][k]) {
		r->class_path[cls][k] = path;
		r->class_line[cls][k] = line;
	}
}

static void classify(ks_audit_rules *r, const struct rule *rule, bool after, const char *path, int line)
{
	for (size_t i = 0; i < sizeof login_files / sizeof *login_files; i++)
		if (covers(rule, login_files[i], PERM_W))
			mark(r, KS_AUDIT_LOGIN, after, path, line);
	for (int k = after ? 1 : 0; k < 2; k++) {
		unsigned before = r->identity_seen[k];
		for (size_t i = 0; i < sizeof identity_files / sizeof *identity_files; i++)
			if (covers(rule, identity_files[i], PERM_W))
				r->identity_seen[k] |= 1u << i;
		if (before != IDENTITY_ALL && r->identity_seen[k] == IDENTITY_ALL) {
			r->identity_path[k] = path;
			r->identity_line[k] = line;
		}
	}
	if (rule->execve && rule->list && !strcmp(rule->list, "exit") && rule->always)
		mark(r, KS_AUDIT_PRIVILEGED, after, path, line);
	for (size_t i = 0; i < sizeof privileged_files / sizeof *privileged_files; i++)
		if (covers(rule, privileged_files[i], PERM_X))
			mark(r, KS_AUDIT_PRIVILEGED, after, path, line);
}

static void reject(ks_collect_ctx *ctx, ks_audit_rules *r, const char *path, int line, const char *msg)
{
	ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, line, 0, "%s%s", msg,
	            r->ignore_errors || r->error_path ? "" : " (auditctl stops loading rules here)");
	if (!r->error_path && !r->ignore_errors) {
		r->error_path = path;
		r->error_line = line;
	}
}

static bool takes_arg(const char *opt)
{
	static const char *const with[] = {"-a", "-A", "-b", "-C", "-d", "-e", "-f", "-F", "-k", "-m", "-p",
	                                   "-q", "-r", "-R", "-S", "-w", "-W", "--backlog_wait_time", "--signal"};
	for (size_t i = 0; i < sizeof with / sizeof *with; i++)
		if (!strcmp(opt, with[i]))
			return true;
	return false;
}

static bool known_flag(const char *opt)
{
	static const char *const flags[] = {"-D", "-l", "-s", "-i", "-c", "-h", "-t", "-v",
	                                    "--loginuid-immutable", "--reset-lost"};
	for (size_t i = 0; i < sizeof flags / sizeof *flags; i++)
		if (!strcmp(opt, flags[i]))
			return true;
	return false;
}

static int remove_watch(ks_collect_ctx *ctx, ks_audit_rules *r, const char *wpath)
{
	/* -W: the watch on that path is gone (the list keeps only what stays loaded). */
	ks_value kept = ks_val_list();
	for (size_t i = 0; i < r->list.u.list.n; i++) {
		const ks_value *n = ks_record_get(&r->list.u.list.items[i], "watch");
		if (n && n->type == KS_VAL_STR && !strcmp(n->u.str.s, wpath))
			continue;
		if (ks_list_push(ctx->arena, &kept, r->list.u.list.items[i]) < 0)
			return KS_ENOMEM;
	}
	r->list = kept;
	return KS_OK;
}

int ks_audit_parse_buffer(ks_collect_ctx *ctx, ks_audit_rules *r, const char *path, const char *data,
                          size_t len)
{
	ks_lines it;
	ks_lines_init(&it, data, len);
	const char *line;
	size_t n;
	const char **argv = ks_arena_alloc(ctx->arena, KS_MAX_TOKENS * sizeof *argv);
	if (!argv)
		return KS_ENOMEM;
	while (ks_lines_next(&it, &line, &n)) {
		int lineno = it.lineno;
		if (n > KS_MAX_LINE) {
			reject(ctx, r, path, lineno, "line too long");
			continue;
		}
		const char *s = line;
		size_t sl = n;
		ks_trim(&s, &sl);
		if (!sl || s[0] == '#')
			continue;
		if (memchr(s, '\0', sl)) {
			reject(ctx, r, path, lineno, "NUL byte in rule");
			continue;
		}
		/* auditctl splits a rule line on blanks; there is no quoting. */
		size_t argc = 0;
		const char *p = s, *w;
		size_t pl = sl, wl;
		bool too_many = false;
		while (ks_next_word(&p, &pl, &w, &wl)) {
			if (argc == KS_MAX_TOKENS) {
				too_many = true;
				break;
			}
			argv[argc] = ks_arena_strndup(ctx->arena, w, wl);
			if (!argv[argc])
				return KS_ENOMEM;
			argc++;
		}
		if (too_many) {
			reject(ctx, r, path, lineno, "too many words in rule");
			continue;
		}
		struct rule rule;
		memset(&rule, 0, sizeof rule);
		const char *err = NULL;
		bool is_rule = false, delete_all = false;
		int64_t enable = -1;
		const char *unwatch = NULL;
		for (size_t i = 0; i < argc && !err; i++) {
			const char *opt = argv[i], *arg = NULL;
			if (opt[0] != '-' || !opt[1]) {
				err = "expected an option";
				break;
			}
			if (opt[1] != '-' && opt[2]) {
				/* "-kkey", "-Fpath=/x": getopt's attached argument */
				char o[3] = {'-', opt[1], '\0'};
				if (!takes_arg(o)) {
					err = "unknown option";
					break;
				}
				arg = opt + 2;
				opt = ks_arena_strdup(ctx->arena, o);
				if (!opt)
					return KS_ENOMEM;
			} else if (takes_arg(opt)) {
				if (i + 1 >= argc) {
					err = "option needs an argument";
					break;
				}
				arg = argv[++i];
			} else if (!known_flag(opt)) {
				err = "unknown option";
				break;
			}
			switch (opt[1]) {
			case 'w':
				rule.watch = arg;
				is_rule = true;
				break;
			case 'W':
				unwatch = arg;
				break;
			case 'p':
				if (!parse_perm(arg, &rule.perm))
					err = "-p takes a combination of r, w, x, a";
				rule.perm_given = true;
				break;
			case 'a':
			case 'A':
				if (!parse_list_action(arg, &rule))
					err = "-a takes list,action (e.g. always,exit)";
				is_rule = true;
				break;
			case 'F':
				if (!parse_field(ctx->arena, arg, &rule))
					err = "-F takes field=value";
				break;
			case 'S':
				if (!is_syscall_list(arg))
					err = "-S takes syscall names";
				else if (has_syscall(arg, "execve") || has_syscall(arg, "execveat") || has_syscall(arg, "all"))
					rule.execve = true;
				break;
			case 'e': {
				int64_t v;
				if (!ks_parse_int(arg, strlen(arg), &v) || v < 0 || v > 2)
					err = "-e takes 0, 1 or 2";
				else
					enable = v;
				break;
			}
			case 'D':
				delete_all = argc == 1;
				break;
			case 'i':
				r->ignore_errors = true;
				break;
			default:
				break;
			}
		}
		if (!err && rule.watch && rule.list)
			err = "-w and -a cannot be combined";
		if (err) {
			char *msg = ks_arena_printf(ctx->arena, "%s", err);
			if (!msg)
				return KS_ENOMEM;
			reject(ctx, r, path, lineno, msg);
			continue;
		}
		bool after = r->error_path != NULL;
		if (delete_all) {
			/* augenrules moves a bare -D to the top, so it never removes rules before it. */
			if (!r->augenrules)
				r->list = ks_val_list();
			continue;
		}
		if (unwatch && remove_watch(ctx, r, unwatch) < 0)
			return KS_ENOMEM;
		if (enable >= 0) {
			/* The last -e wins (augenrules moves it after every rule). */
			r->enable = enable;
			r->enable_path = path;
			r->enable_line = lineno;
			r->enable_after_error = after;
			continue;
		}
		if (!is_rule)
			continue;
		if (!r->augenrules && r->enable == 2) {
			/* Rules after "-e 2" in audit.rules are refused: the configuration is locked. */
			reject(ctx, r, path, lineno, "rule after -e 2 is refused by the kernel");
			after = true;
		}
		classify(r, &rule, after, path, lineno);
		ks_arena *a = ctx->arena;
		ks_value rec = ks_val_record();
		const char *src = ks_collect_where(ctx, path, lineno);
		if (!src || ks_record_set(a, &rec, "name", ks_val_str(a, s, sl)) < 0 ||
		    ks_record_set(a, &rec, "source", ks_val_strz(a, src)) < 0 ||
		    (rule.watch && ks_record_set(a, &rec, "watch", ks_val_strz(a, rule.watch)) < 0) ||
		    ks_list_push(a, &r->list, rec) < 0)
			return KS_ENOMEM;
	}
	return KS_OK;
}

/* ---- collector ---------------------------------------------------------------------------- */

static const char *const bool_keys[] = {"audit.rules_login", "audit.rules_identity", "audit.rules_privileged",
                                        "audit.immutable"};

static int all_unknown(ks_collect_ctx *ctx, const char *path, const char *why)
{
	int rc = ks_fact_unknown(ctx->facts, "audit.rules", path, "%s", why);
	for (size_t i = 0; rc == KS_OK && i < 4; i++)
		rc = ks_fact_unknown(ctx->facts, bool_keys[i], path, "%s", why);
	return rc;
}

static int cmp_version(const void *a, const void *b)
{
	return strverscmp(*(const char *const *)a, *(const char *const *)b);
}

/* The rules auditd.service loads: Debian runs "augenrules --load", which concatenates
 * /etc/audit/rules.d/ *.rules (ls -v order) when there are any, else loads audit.rules. */
static int read_rules(ks_collect_ctx *ctx, ks_audit_rules *r, const char **failed, const char **what)
{
	const char *dir = "/etc/audit/rules.d";
	const char **names;
	size_t n;
	int rc = ks_rootfs_list(ctx->root, ctx->arena, dir, &names, &n);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc < 0 && rc != KS_ENOENT && rc != KS_ENOTDIR) {
		*failed = ks_arena_printf(ctx->arena, "%s: %s", dir, ks_strerror(rc));
		return KS_OK;
	}
	const char **files = ks_arena_alloc(ctx->arena, (n ? n : 1) * sizeof *files);
	if (!files)
		return KS_ENOMEM;
	size_t nf = 0;
	for (size_t i = 0; rc == KS_OK && i < n; i++) {
		size_t l = strlen(names[i]);
		if (l < 7 || strcmp(names[i] + l - 6, ".rules"))
			continue;
		char *p = ks_arena_printf(ctx->arena, "%s/%s", dir, names[i]);
		if (!p)
			return KS_ENOMEM;
		struct stat st;
		if (ks_rootfs_stat(ctx->root, p, &st) == KS_OK && S_ISREG(st.st_mode))
			files[nf++] = p;
	}
	qsort(files, nf, sizeof *files, cmp_version);
	ks_audit_rules_init(r, nf > 0);
	if (nf == 0) {
		files[0] = "/etc/audit/audit.rules";
		nf = 1;
		*what = "/etc/audit/audit.rules (no /etc/audit/rules.d/*.rules)";
	} else {
		*what = "/etc/audit/rules.d/*.rules as augenrules(8) concatenates them";
	}
	for (size_t i = 0; i < nf && i < KS_MAX_INCLUDE_FILES; i++) {
		char *data;
		size_t len;
		rc = ks_collect_read(ctx, files[i], &data, &len);
		if (rc == KS_ENOMEM)
			return rc;
		if (rc == KS_ENOENT)
			continue;
		if (rc < 0) {
			*failed = ks_arena_printf(ctx->arena, "%s: %s", files[i], ks_strerror(rc));
			return *failed ? KS_OK : KS_ENOMEM;
		}
		if ((rc = ks_audit_parse_buffer(ctx, r, files[i], data, len)) < 0)
			return rc;
	}
	return KS_OK;
}

static int class_fact(ks_collect_ctx *ctx, const ks_audit_rules *r, const char *key, const char *path0,
                      int line0, const char *path1, int line1, const char *none)
{
	if (path0)
		return ks_fact_bool(ctx->facts, key, true, path0, line0);
	if (path1)
		return ks_fact_unknown(ctx->facts, key, path1,
		                       "%s:%d comes after the rule auditctl rejects at %s:%d and may not be loaded",
		                       path1, line1, r->error_path, r->error_line);
	return ks_fact_put_probe(ctx->facts, key, ks_val_bool(false), none);
}

int ks_collect_auditd(ks_collect_ctx *ctx)
{
	static const char *const bins[] = {"/sbin/auditd", "/usr/sbin/auditd"};
	const char *bin = NULL;
	for (size_t i = 0; i < 2 && !bin; i++) {
		struct stat st;
		if (ks_rootfs_stat(ctx->root, bins[i], &st) == KS_OK && S_ISREG(st.st_mode))
			bin = bins[i];
	}
	int rc;
	if (bin) {
		rc = ks_fact_bool(ctx->facts, "audit.installed", true, bin, 0);
	} else {
		const ks_value *pkg = ks_dpkg_find(ctx->facts, "auditd");
		const ks_value *src = pkg ? ks_record_get(pkg, "source") : NULL;
		if (src && src->type == KS_VAL_STR) {
			const char *colon = strrchr(src->u.str.s, ':');
			bin = KS_DPKG_STATUS;
			rc = ks_fact_bool(ctx->facts, "audit.installed", true, KS_DPKG_STATUS, colon ? atoi(colon + 1) : 0);
		} else {
			rc = ks_fact_put_probe(ctx->facts, "audit.installed", ks_val_bool(false),
			                       "no /sbin/auditd and package auditd not installed");
		}
	}
	if (rc < 0)
		return rc;
	if (!bin) {
		const char *why = "auditd not installed";
		if ((rc = ks_fact_put_probe(ctx->facts, "audit.enabled", ks_val_bool(false), why)) < 0 ||
		    (rc = ks_fact_put_probe(ctx->facts, "audit.rules", ks_val_list(), why)) < 0)
			return rc;
		for (size_t i = 0; i < 4; i++)
			if ((rc = ks_fact_put_probe(ctx->facts, bool_keys[i], ks_val_bool(false), why)) < 0)
				return rc;
		return KS_OK;
	}
	bool enabled;
	static const char *const units[] = {"auditd.service", NULL};
	if ((rc = ks_systemd_enable_fact(ctx, "audit.enabled", units, "auditd", &enabled)) < 0)
		return rc;

	ks_audit_rules r;
	const char *failed = NULL, *what = "";
	if ((rc = read_rules(ctx, &r, &failed, &what)) < 0)
		return rc;
	if (failed)
		return all_unknown(ctx, "/etc/audit", failed);
	if ((rc = ks_fact_put_probe(ctx->facts, "audit.rules", r.list, what)) < 0)
		return rc;
	if ((rc = class_fact(ctx, &r, "audit.rules_login", r.class_path[KS_AUDIT_LOGIN][0],
	                     r.class_line[KS_AUDIT_LOGIN][0], r.class_path[KS_AUDIT_LOGIN][1],
	                     r.class_line[KS_AUDIT_LOGIN][1],
	                     "no rule watches writes to lastlog, faillock, wtmp, btmp or utmp")) < 0)
		return rc;
	const char *ip0 = r.identity_seen[0] == IDENTITY_ALL ? r.identity_path[0] : NULL;
	const char *ip1 = r.identity_seen[1] == IDENTITY_ALL ? r.identity_path[1] : NULL;
	if ((rc = class_fact(ctx, &r, "audit.rules_identity", ip0, r.identity_line[0], ip1, r.identity_line[1],
	                     "not every one of /etc/passwd, /etc/shadow, /etc/group, /etc/gshadow and "
	                     "/etc/security/opasswd is watched for writes")) < 0)
		return rc;
	if ((rc = class_fact(ctx, &r, "audit.rules_privileged", r.class_path[KS_AUDIT_PRIVILEGED][0],
	                     r.class_line[KS_AUDIT_PRIVILEGED][0], r.class_path[KS_AUDIT_PRIVILEGED][1],
	                     r.class_line[KS_AUDIT_PRIVILEGED][1],
	                     "no always,exit rule on execve and no execution watch on sudo or su")) < 0)
		return rc;
	/* augenrules emits the last -e after every rule, so it follows any rejected rule. */
	bool e_after = r.augenrules ? r.error_path != NULL : r.enable_after_error;
	if (r.enable == 2)
		return class_fact(ctx, &r, "audit.immutable", e_after ? NULL : r.enable_path, r.enable_line,
		                  e_after ? r.enable_path : NULL, r.enable_line, "");
	if (r.enable_path)
		return ks_fact_bool(ctx->facts, "audit.immutable", false, r.enable_path, r.enable_line);
	return ks_fact_put_probe(ctx->facts, "audit.immutable", ks_val_bool(false), "no -e 2 rule");
}
