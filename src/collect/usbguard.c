/* usbguard collector: usbguard.installed, usbguard.enabled, usbguard.implicit_policy_target,
 * usbguard.rule_file, usbguard.rules, usbguard.allows_all. */
#include "usbguard.h"
#include "systemd_enable.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/error.h"
#include "core/limits.h"
#include "core/text.h"
#include "dpkg.h"

/* ---- usbguard-daemon.conf ----------------------------------------------------------------- */

int ks_usbguard_parse_daemon_conf(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                                  ks_usbguard_conf *out)
{
	memset(out, 0, sizeof *out);
	ks_lines it;
	ks_lines_init(&it, data, len);
	const char *line;
	size_t n;
	while (ks_lines_next_capped(&it, ctx->diags, path, &line, &n)) {
		/* The daemon's ConfigFile: split at the first '=', trim the name; a name starting with
		 * '#' is a comment; lines without '=' are ignored; a later setting replaces an earlier. */
		const char *eq = memchr(line, '=', n);
		if (!eq)
			continue;
		const char *name = line, *val = eq + 1;
		size_t nl = (size_t)(eq - line), vl = n - nl - 1;
		ks_trim(&name, &nl);
		ks_trim(&val, &vl);
		if (!nl || name[0] == '#')
			continue;
		const char **slot = NULL;
		int *sline = NULL;
		if (ks_eq(name, nl, "RuleFile")) {
			slot = &out->rule_file;
			sline = &out->rule_file_line;
		} else if (ks_eq(name, nl, "RuleFolder")) {
			slot = &out->rule_folder;
			sline = &out->rule_folder_line;
		} else if (ks_eq(name, nl, "ImplicitPolicyTarget")) {
			slot = &out->implicit_target;
			sline = &out->implicit_target_line;
		}
		if (!slot)
			continue;
		char *v = ks_arena_strndup(ctx->arena, val, vl);
		if (!v)
			return KS_ENOMEM;
		*slot = v;
		*sline = it.lineno;
	}
	return KS_OK;
}

/* ---- rule language (usbguard-rules.conf(5); grammar as in usbguard's RuleParser) ------------ */

enum { OP_DEFAULT, OP_ALL_OF, OP_ONE_OF, OP_NONE_OF, OP_EQUALS, OP_EQUALS_ORDERED, OP_MATCH_ALL };
enum { T_ALLOW, T_BLOCK, T_REJECT, T_OTHER };

struct cur {
	const char *s;
	size_t i, n;
	const char *err;
};

struct ruleinfo {
	int target;
	unsigned seen;       /* attributes already given (the daemon rejects duplicates) */
	bool identity;       /* narrowed to particular devices: id, hash, name, serial, via-port */
	bool conditions;
	bool connect_type;
	bool iface;
	int iface_op;
	size_t iface_n;
	bool iface_class08;  /* some value has the mass-storage class 08 */
	bool iface_all08;    /* some value is 08:*:* */
};

static bool is_blank(char c) { return c == ' ' || c == '\t'; }

static size_t blanks(struct cur *c)
{
	size_t k = 0;
	while (c->i < c->n && is_blank(c->s[c->i])) {
		c->i++;
		k++;
	}
	return k;
}

static bool at_end(const struct cur *c) { return c->i >= c->n; }

/* KW at the cursor, followed by a blank or the end of the line. */
static bool kw(struct cur *c, const char *w)
{
	size_t l = strlen(w);
	if (c->n - c->i < l || memcmp(c->s + c->i, w, l) != 0)
		return false;
	if (c->i + l < c->n && !is_blank(c->s[c->i + l]))
		return false;
	c->i += l;
	return true;
}

static bool fail(struct cur *c, const char *msg)
{
	if (!c->err)
		c->err = msg;
	return false;
}

static bool is_hex(char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

static bool hexn(struct cur *c, size_t k)
{
	if (c->n - c->i < k)
		return false;
	for (size_t j = 0; j < k; j++)
		if (!is_hex(c->s[c->i + j]))
			return false;
	c->i += k;
	return true;
}

/* Bounded string with the daemon's escapes: \xHH, \D[D[D]], \a \b \f \n \r \t \v \\ \' \0 and
 * the closing character. */
static bool bounded(struct cur *c, char open, char close)
{
	if (at_end(c) || c->s[c->i] != open)
		return fail(c, open == '"' ? "expected a quoted string" : "expected '('");
	c->i++;
	while (!at_end(c)) {
		char ch = c->s[c->i];
		if (ch == close) {
			c->i++;
			return true;
		}
		if (ch == '\r' || ch == '\n')
			break;
		if (ch == '\\') {
			c->i++;
			if (at_end(c))
				break;
			char e = c->s[c->i];
			if (e == 'x') {
				c->i++;
				if (!hexn(c, 2))
					return fail(c, "bad \\x escape in string");
			} else if (e >= '0' && e <= '9') {
				size_t k = 0;
				while (k < 3 && !at_end(c) && c->s[c->i] >= '0' && c->s[c->i] <= '9') {
					c->i++;
					k++;
				}
			} else if ((e && strchr("abfnrtv\\'", e)) || e == close) {
				c->i++;
			} else {
				return fail(c, "unknown escape in string");
			}
			continue;
		}
		c->i++;
	}
	return fail(c, "unterminated string");
}

static bool device_id(struct cur *c, bool *wild)
{
	size_t start = c->i;
	bool v_star = false, p_star = false;
	if (!at_end(c) && c->s[c->i] == '*') {
		c->i++;
		v_star = true;
	} else if (!hexn(c, 4)) {
		goto bad;
	}
	if (at_end(c) || c->s[c->i] != ':')
		goto bad;
	c->i++;
	if (!at_end(c) && c->s[c->i] == '*') {
		c->i++;
		p_star = true;
	} else if (!hexn(c, 4)) {
		goto bad;
	}
	if (!at_end(c) && !is_blank(c->s[c->i]) && c->s[c->i] != '}')
		goto bad;
	*wild = v_star && p_star;
	return true;
bad:
	c->i = start;
	return fail(c, "expected a device id vvvv:pppp");
}

static bool interface(struct cur *c, struct ruleinfo *ri)
{
	size_t start = c->i;
	if (!hexn(c, 2))
		goto bad;
	bool is08 = c->s[start] == '0' && c->s[start + 1] == '8';
	bool star = true;
	for (int k = 0; k < 2; k++) {
		if (at_end(c) || c->s[c->i] != ':')
			goto bad;
		c->i++;
		if (!at_end(c) && c->s[c->i] == '*') {
			c->i++;
		} else if (hexn(c, 2)) {
			star = false;
		} else {
			goto bad;
		}
	}
	ri->iface_n++;
	ri->iface_class08 |= is08;
	ri->iface_all08 |= is08 && star;
	return true;
bad:
	c->i = start;
	return fail(c, "expected an interface type cc:ss:pp");
}

static bool condition(struct cur *c)
{
	if (!at_end(c) && c->s[c->i] == '!')
		c->i++;
	size_t start = c->i;
	while (!at_end(c)) {
		char ch = c->s[c->i];
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '-' ||
		          (c->i > start && ch >= '0' && ch <= '9');
		if (!ok)
			break;
		c->i++;
	}
	if (c->i == start)
		return fail(c, "expected a condition");
	if (!at_end(c) && c->s[c->i] == '(')
		return bounded(c, '(', ')');
	return true;
}

enum { V_STRING, V_ID, V_IFACE, V_COND };

static bool value(struct cur *c, int kind, struct ruleinfo *ri)
{
	bool wild;
	switch (kind) {
	case V_STRING: return bounded(c, '"', '"');
	case V_ID:
		if (!device_id(c, &wild))
			return false;
		ri->identity |= !wild;
		return true;
	case V_IFACE: return interface(c, ri);
	default: return condition(c);
	}
}

static int set_operator(struct cur *c)
{
	static const struct {
		const char *w;
		int op;
	} ops[] = {
		{"all-of", OP_ALL_OF}, {"one-of", OP_ONE_OF}, {"none-of", OP_NONE_OF},
		{"equals-ordered", OP_EQUALS_ORDERED}, {"equals", OP_EQUALS}, {"match-all", OP_MATCH_ALL},
	};
	for (size_t k = 0; k < sizeof ops / sizeof *ops; k++)
		if (kw(c, ops[k].w))
			return ops[k].op;
	return OP_DEFAULT;
}

/* value | [operator] { value ... } */
static bool attr_value(struct cur *c, int kind, struct ruleinfo *ri, int *op_out)
{
	size_t save = c->i;
	int op = set_operator(c);
	if (op != OP_DEFAULT && !blanks(c)) {
		c->i = save;
		op = OP_DEFAULT;
	}
	*op_out = op;
	if (!at_end(c) && c->s[c->i] == '{') {
		c->i++;
		blanks(c);
		size_t count = 0;
		for (;;) {
			if (!value(c, kind, ri))
				return false;
			count++;
			if (count > KS_MAX_TOKENS)
				return fail(c, "too many values in one set");
			size_t b = blanks(c);
			if (!at_end(c) && c->s[c->i] == '}') {
				c->i++;
				return true;
			}
			if (at_end(c))
				return fail(c, "missing '}'");
			if (!b)
				return fail(c, "expected a blank between values");
		}
	}
	if (op != OP_DEFAULT)
		return fail(c, "expected '{' after a set operator");
	return value(c, kind, ri);
}

static bool attribute(struct cur *c, struct ruleinfo *ri)
{
	static const struct {
		const char *w;
		int kind;
		bool identity;
	} attrs[] = {
		{"id", V_ID, false},          {"name", V_STRING, true},      {"hash", V_STRING, true},
		{"parent-hash", V_STRING, true}, {"serial", V_STRING, true}, {"via-port", V_STRING, true},
		{"with-interface", V_IFACE, false}, {"with-connect-type", V_STRING, false},
		{"if", V_COND, false},        {"label", V_STRING, false},
	};
	for (size_t k = 0; k < sizeof attrs / sizeof *attrs; k++) {
		size_t save = c->i;
		if (!kw(c, attrs[k].w))
			continue;
		if (!blanks(c)) {
			c->i = save;
			return fail(c, "expected a value after the attribute name");
		}
		/* The daemon rejects a repeated attribute (a repeated label is accepted). */
		if ((ri->seen & (1u << k)) && strcmp(attrs[k].w, "label") != 0)
			return fail(c, "attribute given twice");
		ri->seen |= 1u << k;
		int op;
		if (!attr_value(c, attrs[k].kind, ri, &op))
			return false;
		ri->identity |= attrs[k].identity;
		if (attrs[k].kind == V_COND)
			ri->conditions = true;
		if (!strcmp(attrs[k].w, "with-connect-type"))
			ri->connect_type = true;
		if (attrs[k].kind == V_IFACE) {
			ri->iface = true;
			ri->iface_op = op;
		}
		return true;
	}
	return fail(c, "unknown attribute");
}

/* Parses one rule; false with c->err set when the daemon would reject the line. */
static bool parse_rule(struct cur *c, struct ruleinfo *ri)
{
	memset(ri, 0, sizeof *ri);
	if (kw(c, "allow"))
		ri->target = T_ALLOW;
	else if (kw(c, "block"))
		ri->target = T_BLOCK;
	else if (kw(c, "reject"))
		ri->target = T_REJECT;
	else if (kw(c, "match") || kw(c, "device"))
		ri->target = T_OTHER;
	else
		return fail(c, "expected allow, block or reject");
	bool first = true, keyed = false;
	for (;;) {
		size_t b = blanks(c);
		if (at_end(c))
			return true;
		if (c->s[c->i] == '#')
			return true; /* trailing comment */
		if (!b)
			return fail(c, "expected a blank between attributes");
		if (keyed)
			return fail(c, "nothing but a comment may follow the rule key");
		if (first && c->i < c->n && (is_hex(c->s[c->i]) || c->s[c->i] == '*')) {
			size_t save = c->i;
			bool wild;
			if (device_id(c, &wild)) {
				ri->identity |= !wild;
				first = false;
				continue;
			}
			c->i = save;
			c->err = NULL;
		}
		first = false;
		if (kw(c, "key")) {
			if (!blanks(c) || !bounded(c, '"', '"'))
				return fail(c, "expected a quoted key");
			keyed = true;
			continue;
		}
		if (!attribute(c, ri))
			return false;
	}
}

static const char *target_name(int t)
{
	return t == T_ALLOW ? "allow" : t == T_BLOCK ? "block" : t == T_REJECT ? "reject" : "other";
}

void ks_usbguard_rules_init(ks_usbguard_rules *r)
{
	memset(r, 0, sizeof *r);
	r->list = ks_val_list();
}

static void malformed(ks_collect_ctx *ctx, ks_usbguard_rules *r, const char *path, int line, int col,
                      const char *msg)
{
	ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, line, col,
	            "%s; usbguard-daemon would refuse this rule file", msg);
	if (!r->malformed_path) {
		r->malformed_path = path;
		r->malformed_line = line;
	}
}

/* Rules apply first-match-wins. Storage gets through when a reachable allow rule that names no
 * particular device (no id/hash/name/serial/via-port) either has no with-interface or one that
 * covers class 08. Conditions are not evaluated: a conditional allow may apply, so it counts. */
static void judge(ks_usbguard_rules *r, const struct ruleinfo *ri, const char *path, int line)
{
	if (r->closed)
		return;
	if (ri->target == T_ALLOW && !ri->identity && !r->storage_blocked && !r->allows_all) {
		bool storage = !ri->iface || (ri->iface_op == OP_NONE_OF ? !ri->iface_class08 : ri->iface_class08);
		if (storage) {
			r->allows_all = true;
			r->allows_path = path;
			r->allows_line = line;
		}
	}
	if ((ri->target == T_BLOCK || ri->target == T_REJECT) && !ri->identity && !ri->conditions &&
	    !ri->connect_type) {
		if (!ri->iface)
			r->closed = true;
		else if (ri->iface_all08 &&
		         (ri->iface_op == OP_ONE_OF || (ri->iface_op == OP_ALL_OF && ri->iface_n == 1)))
			r->storage_blocked = true;
	}
}

int ks_usbguard_parse_rules(ks_collect_ctx *ctx, ks_usbguard_rules *r, const char *path,
                            const char *data, size_t len)
{
	const char *p = data, *end = data + len;
	int lineno = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		const char *s = p;
		size_t n = (size_t)(e - p);
		p = nl ? nl + 1 : end;
		lineno++;
		if (n > KS_MAX_LINE) {
			malformed(ctx, r, path, lineno, 1, "line longer than KS_MAX_LINE");
			continue;
		}
		struct cur c = {s, 0, n, NULL};
		blanks(&c);
		if (at_end(&c) || s[c.i] == '#')
			continue;
		size_t start = c.i;
		struct ruleinfo ri;
		if (memchr(s, '\0', n) || !parse_rule(&c, &ri)) {
			malformed(ctx, r, path, lineno, (int)c.i + 1, c.err ? c.err : "NUL byte in rule");
			continue;
		}
		/* The rule text as written, without leading blanks or trailing blanks/comment. */
		const char *txt = s + start;
		size_t tl = n - start;
		const char *hash = NULL;
		for (size_t k = c.i; k < n; k++)
			if (s[k] == '#') {
				hash = s + k;
				break;
			}
		if (hash)
			tl = (size_t)(hash - txt);
		while (tl && is_blank(txt[tl - 1]))
			tl--;
		judge(r, &ri, path, lineno);
		ks_value rec = ks_val_record();
		const char *src = ks_collect_where(ctx, path, lineno);
		if (!src || ks_record_set(ctx->arena, &rec, "name", ks_val_str(ctx->arena, txt, tl)) < 0 ||
		    ks_record_set(ctx->arena, &rec, "target", ks_val_strz(ctx->arena, target_name(ri.target))) < 0 ||
		    ks_record_set(ctx->arena, &rec, "source", ks_val_strz(ctx->arena, src)) < 0 ||
		    ks_list_push(ctx->arena, &r->list, rec) < 0)
			return KS_ENOMEM;
	}
	return KS_OK;
}

/* ---- collector ---------------------------------------------------------------------------- */

static int not_installed(ks_collect_ctx *ctx)
{
	static const char *const keys[] = {"usbguard.implicit_policy_target", "usbguard.rule_file",
	                                   "usbguard.rules", "usbguard.allows_all"};
	int rc = ks_fact_put_probe(ctx->facts, "usbguard.enabled", ks_val_bool(false), "usbguard not installed");
	for (size_t i = 0; rc == KS_OK && i < sizeof keys / sizeof *keys; i++)
		rc = ks_fact_unknown(ctx->facts, keys[i], NULL, "usbguard not installed");
	return rc;
}

static int collect_installed(ks_collect_ctx *ctx, bool *installed)
{
	struct stat st;
	const char *daemon = "/usr/sbin/usbguard-daemon";
	*installed = true;
	if (ks_rootfs_stat(ctx->root, daemon, &st) == KS_OK && S_ISREG(st.st_mode))
		return ks_fact_bool(ctx->facts, "usbguard.installed", true, daemon, 0);
	const ks_value *pkg = ks_dpkg_find(ctx->facts, "usbguard");
	const ks_value *src = pkg ? ks_record_get(pkg, "source") : NULL;
	if (src && src->type == KS_VAL_STR) {
		const char *colon = strrchr(src->u.str.s, ':');
		return ks_fact_bool(ctx->facts, "usbguard.installed", true, KS_DPKG_STATUS,
		                    colon ? atoi(colon + 1) : 0);
	}
	*installed = false;
	return ks_fact_put_probe(ctx->facts, "usbguard.installed", ks_val_bool(false),
	                         ks_dpkg_available(ctx->facts)
	                             ? "no /usr/sbin/usbguard-daemon and package usbguard not installed"
	                             : "no /usr/sbin/usbguard-daemon (no package database)");
}

static int collect_enabled(ks_collect_ctx *ctx)
{
	/* Enabled = linked into a target's .wants/ and not masked: the shared query in systemd_enable.c. */
	static const char *const units[] = {"usbguard.service", NULL};
	bool enabled;
	return ks_systemd_enable_fact(ctx, "usbguard.enabled", units, NULL, &enabled);
}

static int read_rules_file(ks_collect_ctx *ctx, ks_usbguard_rules *r, const char *path, bool required)
{
	char *data;
	size_t len;
	int rc = ks_collect_read(ctx, path, &data, &len);
	if (rc == KS_ENOMEM)
		return rc;
	if (rc == KS_ENOENT) {
		if (required)
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, 0, 0,
			            "RuleFile does not exist: the daemon starts with no rules from it");
		return KS_OK;
	}
	if (rc < 0) {
		/* The rules cannot be judged; ks_collect_read already reported why. */
		if (!r->malformed_path) {
			r->malformed_path = path;
			r->malformed_line = 0;
		}
		return KS_OK;
	}
	return ks_usbguard_parse_rules(ctx, r, path, data, len);
}

static int collect_rules(ks_collect_ctx *ctx, const ks_usbguard_conf *conf, const char *rule_file)
{
	ks_usbguard_rules r;
	ks_usbguard_rules_init(&r);
	int rc = read_rules_file(ctx, &r, rule_file, true);
	if (rc < 0)
		return rc;
	if (conf->rule_folder && conf->rule_folder[0]) {
		/* getConfigsFromDir(): every regular file of the folder, sorted by path. */
		char *dir = ks_arena_strdup(ctx->arena, conf->rule_folder);
		if (!dir)
			return KS_ENOMEM;
		size_t dl = strlen(dir);
		while (dl > 1 && dir[dl - 1] == '/')
			dir[--dl] = '\0';
		const char **names;
		size_t n;
		rc = ks_rootfs_list(ctx->root, ctx->arena, dir, &names, &n);
		if (rc == KS_ENOMEM)
			return rc;
		if (rc < 0 && rc != KS_ENOENT)
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, dir, 0, 0, "cannot list RuleFolder: %s",
			            ks_strerror(rc));
		for (size_t i = 0; rc == KS_OK && i < n; i++) {
			char *p = ks_arena_printf(ctx->arena, "%s/%s", dir, names[i]);
			if (!p)
				return KS_ENOMEM;
			struct stat st;
			if (ks_rootfs_stat(ctx->root, p, &st) < 0 || !S_ISREG(st.st_mode))
				continue;
			if ((rc = read_rules_file(ctx, &r, p, false)) < 0)
				return rc;
		}
	}
	if ((rc = ks_fact_put_probe(ctx->facts, "usbguard.rules", r.list,
	                            "RuleFile, then each RuleFolder file, in the daemon's order")) < 0)
		return rc;
	const char *key = "usbguard.allows_all";
	if (r.malformed_path)
		return ks_fact_unknown(ctx->facts, key, r.malformed_path,
		                       "%s:%d: rule the daemon would refuse (it then loads no policy)",
		                       r.malformed_path, r.malformed_line);
	if (r.allows_all)
		return ks_fact_bool(ctx->facts, key, true, r.allows_path, r.allows_line);
	char *probe = ks_arena_printf(ctx->arena,
	                              "none of %zu rules lets any USB mass-storage device through",
	                              r.list.u.list.n);
	if (!probe)
		return KS_ENOMEM;
	return ks_fact_put_probe(ctx->facts, key, ks_val_bool(false), probe);
}

int ks_collect_usbguard(ks_collect_ctx *ctx)
{
	bool installed;
	int rc = collect_installed(ctx, &installed);
	if (rc < 0)
		return rc;
	if (!installed)
		return not_installed(ctx);
	if ((rc = collect_enabled(ctx)) < 0)
		return rc;

	const char *path = KS_USBGUARD_CONF;
	ks_usbguard_conf conf;
	memset(&conf, 0, sizeof conf);
	char *data;
	size_t len;
	rc = ks_collect_read(ctx, path, &data, &len);
	if (rc == KS_ENOMEM)
		return rc;
	bool have_conf = rc == KS_OK;
	if (rc < 0 && rc != KS_ENOENT) {
		static const char *const keys[] = {"usbguard.implicit_policy_target", "usbguard.rule_file",
		                                   "usbguard.rules", "usbguard.allows_all"};
		for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
			if ((rc = ks_fact_unknown(ctx->facts, keys[i], path, "%s: %s", path, ks_strerror(rc))) < 0)
				return rc;
		return KS_OK;
	}
	if (have_conf && (rc = ks_usbguard_parse_daemon_conf(ctx, path, data, len, &conf)) < 0)
		return rc;

	/* usbguard-daemon.conf(5) defaults: ImplicitPolicyTarget=block, RuleFile=/etc/usbguard/rules.conf. */
	const char *tkey = "usbguard.implicit_policy_target";
	if (conf.implicit_target) {
		const char *t = conf.implicit_target;
		if (strcmp(t, "allow") && strcmp(t, "block") && strcmp(t, "reject")) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, conf.implicit_target_line, 1,
			            "ImplicitPolicyTarget must be allow, block or reject");
			rc = ks_fact_unknown(ctx->facts, tkey, path,
			                     "malformed at line %d: ImplicitPolicyTarget must be allow, block or reject",
			                     conf.implicit_target_line);
		} else {
			rc = ks_fact_str(ctx->facts, tkey, t, path, conf.implicit_target_line);
		}
	} else {
		rc = ks_fact_put_probe(ctx->facts, tkey, ks_val_strz(ctx->arena, "block"),
		                       have_conf ? "default per usbguard-daemon.conf(5): ImplicitPolicyTarget not set"
		                                 : "default per usbguard-daemon.conf(5): no " KS_USBGUARD_CONF);
	}
	if (rc < 0)
		return rc;
	const char *rule_file = conf.rule_file && conf.rule_file[0] ? conf.rule_file : "/etc/usbguard/rules.conf";
	if (conf.rule_file && conf.rule_file[0])
		rc = ks_fact_str(ctx->facts, "usbguard.rule_file", rule_file, path, conf.rule_file_line);
	else
		rc = ks_fact_put_probe(ctx->facts, "usbguard.rule_file", ks_val_strz(ctx->arena, rule_file),
		                       "default per usbguard-daemon.conf(5): RuleFile not set");
	if (rc < 0)
		return rc;
	return collect_rules(ctx, &conf, rule_file);
}
