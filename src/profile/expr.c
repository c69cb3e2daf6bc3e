/* Rule expressions: a recursive-descent parser (depth-capped) and a Kleene-logic evaluator.
 *
 *   expr    := and ( "||" and )*
 *   and     := not ( "&&" not )*
 *   not     := "!" not | cmp
 *   cmp     := sum ( ("=="|"!="|"<"|"<="|">"|">=") sum )?
 *   sum     := unary ( ("+"|"-") unary )*
 *   unary   := "-" unary | primary
 *   primary := INT | STRING | true | false | $param | fact.key | it(.field)* | call | "(" expr ")"
 *   call    := exists(path) | len(x) | count(list [, pred]) | any(list, pred) | all(list, pred)
 *            | contains(list-or-string, value)
 *
 * Inside a predicate, `it` is the current list element. Unknown is a value of its own: ! keeps it,
 * false && unknown is false, true || unknown is true, and anything else touching it stays unknown. */
#include "expr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/limits.h"

enum kind { E_INT, E_STR, E_BOOL, E_FACT, E_PARAM, E_IT, E_NOT, E_NEG, E_AND, E_OR, E_CMP, E_ARITH, E_CALL };
enum op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_ADD, OP_SUB };
enum fn { FN_EXISTS, FN_LEN, FN_COUNT, FN_ANY, FN_ALL, FN_CONTAINS };

struct ks_expr {
	enum kind kind;
	int op;
	int col;
	int64_t i;
	const char *s;       /* string literal, fact key, param name; for E_IT the dotted field path */
	ks_expr *a, *b;
	ks_expr *args[2];
	size_t nargs;
};

/* ---- lexer ---- */
enum tok { T_END, T_INT, T_STR, T_IDENT, T_PARAM, T_LP, T_RP, T_COMMA, T_NOT, T_AND, T_OR,
           T_EQ, T_NE, T_LT, T_LE, T_GT, T_GE, T_PLUS, T_MINUS, T_ERR };

struct parser {
	ks_arena *a;
	const char *src, *p;
	enum tok t;
	const char *tstart;
	size_t tlen;
	int64_t ival;
	char *sval;
	int depth;
	char *err;
	size_t errlen;
	bool failed;
};

static void perr(struct parser *ps, const char *at, const char *msg)
{
	if (ps->failed)
		return;
	ps->failed = true;
	if (ps->err)
		snprintf(ps->err, ps->errlen, "column %d: %s", (int)(at - ps->src) + 1, msg);
}

static bool is_ident_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static bool is_ident_char(char c) { return is_ident_start(c) || (c >= '0' && c <= '9') || c == '.'; }

static void next(struct parser *ps)
{
	const char *p = ps->p;
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	ps->tstart = p;
	if (!*p) {
		ps->t = T_END;
		ps->p = p;
		return;
	}
	char c = *p;
	if (c >= '0' && c <= '9') {
		int64_t v = 0;
		while (*p >= '0' && *p <= '9') {
			if (v > (INT64_MAX - 9) / 10) {
				perr(ps, ps->tstart, "number too large");
				ps->t = T_ERR;
				return;
			}
			v = v * 10 + (*p++ - '0');
		}
		ps->t = T_INT;
		ps->ival = v;
	} else if (c == '"' || c == '\'') {
		const char *q = ++p;
		size_t n = 0;
		while (*q && *q != c) {
			if (*q == '\\' && q[1])
				q++;
			q++;
			n++;
		}
		if (!*q) {
			perr(ps, ps->tstart, "unterminated string");
			ps->t = T_ERR;
			return;
		}
		char *s = ks_arena_alloc(ps->a, n + 1);
		if (!s) {
			perr(ps, ps->tstart, "out of memory");
			ps->t = T_ERR;
			return;
		}
		size_t k = 0;
		for (; p < q; p++) {
			if (*p == '\\' && p + 1 < q)
				p++;
			s[k++] = *p;
		}
		p = q + 1;
		ps->sval = s;
		ps->t = T_STR;
	} else if (is_ident_start(c) || c == '$') {
		bool param = c == '$';
		if (param)
			p++;
		const char *s = p;
		while (is_ident_char(*p))
			p++;
		if (p == s || p[-1] == '.') {
			perr(ps, ps->tstart, "malformed name");
			ps->t = T_ERR;
			return;
		}
		ps->sval = ks_arena_strndup(ps->a, s, (size_t)(p - s));
		ps->t = param ? T_PARAM : T_IDENT;
	} else {
		struct { const char *s; enum tok t; } ops[] = {
			{"&&", T_AND}, {"||", T_OR}, {"==", T_EQ}, {"!=", T_NE}, {"<=", T_LE}, {">=", T_GE},
			{"<", T_LT}, {">", T_GT}, {"!", T_NOT}, {"(", T_LP}, {")", T_RP}, {",", T_COMMA},
			{"+", T_PLUS}, {"-", T_MINUS},
		};
		ps->t = T_ERR;
		for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
			size_t n = strlen(ops[i].s);
			if (strncmp(p, ops[i].s, n) == 0) {
				ps->t = ops[i].t;
				p += n;
				break;
			}
		}
		if (ps->t == T_ERR) {
			perr(ps, p, "unexpected character");
			return;
		}
	}
	ps->p = p;
}

static ks_expr *node(struct parser *ps, enum kind k)
{
	ks_expr *e = ks_arena_alloc(ps->a, sizeof *e);
	if (!e) {
		perr(ps, ps->tstart, "out of memory");
		return NULL;
	}
	e->kind = k;
	e->col = (int)(ps->tstart - ps->src) + 1;
	return e;
}

static ks_expr *parse_or(struct parser *ps);

static bool expect(struct parser *ps, enum tok t, const char *what)
{
	if (ps->t != t) {
		perr(ps, ps->tstart, what);
		return false;
	}
	next(ps);
	return true;
}

static ks_expr *parse_call(struct parser *ps, const char *name, const char *at)
{
	static const struct { const char *name; enum fn fn; size_t min, max; } fns[] = {
		{"exists", FN_EXISTS, 1, 1}, {"len", FN_LEN, 1, 1}, {"count", FN_COUNT, 1, 2},
		{"any", FN_ANY, 2, 2}, {"all", FN_ALL, 2, 2}, {"contains", FN_CONTAINS, 2, 2},
	};
	size_t k = 0;
	while (k < sizeof fns / sizeof fns[0] && strcmp(fns[k].name, name) != 0)
		k++;
	if (k == sizeof fns / sizeof fns[0]) {
		perr(ps, at, "unknown function (expected exists, len, count, any, all or contains)");
		return NULL;
	}
	ks_expr *e = node(ps, E_CALL);
	if (!e)
		return NULL;
	e->col = (int)(at - ps->src) + 1;
	e->op = fns[k].fn;
	next(ps); /* ( */
	while (ps->t != T_RP && !ps->failed) {
		if (e->nargs == fns[k].max) {
			perr(ps, ps->tstart, "too many arguments");
			return NULL;
		}
		e->args[e->nargs++] = parse_or(ps);
		if (ps->t == T_COMMA)
			next(ps);
		else if (ps->t != T_RP)
			perr(ps, ps->tstart, "expected ',' or ')'");
	}
	if (ps->failed)
		return NULL;
	next(ps);
	if (e->nargs < fns[k].min) {
		perr(ps, at, "too few arguments");
		return NULL;
	}
	if (e->op == FN_EXISTS && e->args[0]->kind != E_FACT && e->args[0]->kind != E_IT) {
		perr(ps, at, "exists() takes a fact name");
		return NULL;
	}
	return e;
}

static ks_expr *parse_primary(struct parser *ps)
{
	if (++ps->depth > KS_MAX_EXPR_DEPTH) {
		perr(ps, ps->tstart, "expression nested too deeply");
		return NULL;
	}
	ks_expr *e = NULL;
	const char *at = ps->tstart;
	switch (ps->t) {
	case T_INT:
		if ((e = node(ps, E_INT)))
			e->i = ps->ival;
		next(ps);
		break;
	case T_STR:
		if ((e = node(ps, E_STR)))
			e->s = ps->sval;
		next(ps);
		break;
	case T_PARAM:
		if ((e = node(ps, E_PARAM)))
			e->s = ps->sval;
		next(ps);
		break;
	case T_IDENT: {
		const char *name = ps->sval;
		next(ps);
		if (ps->t == T_LP) {
			e = parse_call(ps, name, at);
		} else if (strcmp(name, "true") == 0 || strcmp(name, "false") == 0) {
			if ((e = node(ps, E_BOOL)))
				e->i = name[0] == 't';
		} else if (strcmp(name, "it") == 0 || strncmp(name, "it.", 3) == 0) {
			if ((e = node(ps, E_IT)))
				e->s = name[2] ? name + 3 : "";
		} else if ((e = node(ps, E_FACT))) {
			e->s = name;
		}
		if (e)
			e->col = (int)(at - ps->src) + 1;
		break;
	}
	case T_LP:
		next(ps);
		e = parse_or(ps);
		expect(ps, T_RP, "expected ')'");
		break;
	default:
		perr(ps, ps->tstart, ps->t == T_END ? "unexpected end of expression" : "expected a value");
	}
	ps->depth--;
	return ps->failed ? NULL : e;
}

static ks_expr *parse_unary(struct parser *ps)
{
	if (ps->t == T_MINUS) {
		ks_expr *e = node(ps, E_NEG);
		next(ps);
		if (++ps->depth > KS_MAX_EXPR_DEPTH) {
			perr(ps, ps->tstart, "expression nested too deeply");
			return NULL;
		}
		if (e)
			e->a = parse_unary(ps);
		ps->depth--;
		return ps->failed ? NULL : e;
	}
	return parse_primary(ps);
}

static ks_expr *parse_sum(struct parser *ps)
{
	ks_expr *l = parse_unary(ps);
	while (!ps->failed && (ps->t == T_PLUS || ps->t == T_MINUS)) {
		ks_expr *e = node(ps, E_ARITH);
		if (!e)
			return NULL;
		e->op = ps->t == T_PLUS ? OP_ADD : OP_SUB;
		next(ps);
		e->a = l;
		e->b = parse_unary(ps);
		l = e;
	}
	return ps->failed ? NULL : l;
}

static ks_expr *parse_cmp(struct parser *ps)
{
	ks_expr *l = parse_sum(ps);
	static const struct { enum tok t; enum op op; } m[] = {
		{T_EQ, OP_EQ}, {T_NE, OP_NE}, {T_LT, OP_LT}, {T_LE, OP_LE}, {T_GT, OP_GT}, {T_GE, OP_GE},
	};
	for (size_t i = 0; !ps->failed && i < sizeof m / sizeof m[0]; i++)
		if (ps->t == m[i].t) {
			ks_expr *e = node(ps, E_CMP);
			if (!e)
				return NULL;
			e->op = m[i].op;
			next(ps);
			e->a = l;
			e->b = parse_sum(ps);
			return ps->failed ? NULL : e;
		}
	return ps->failed ? NULL : l;
}

static ks_expr *parse_not(struct parser *ps)
{
	if (ps->t == T_NOT) {
		ks_expr *e = node(ps, E_NOT);
		next(ps);
		if (++ps->depth > KS_MAX_EXPR_DEPTH) {
			perr(ps, ps->tstart, "expression nested too deeply");
			return NULL;
		}
		if (e)
			e->a = parse_not(ps);
		ps->depth--;
		return ps->failed ? NULL : e;
	}
	return parse_cmp(ps);
}

static ks_expr *parse_and(struct parser *ps)
{
	ks_expr *l = parse_not(ps);
	while (!ps->failed && ps->t == T_AND) {
		ks_expr *e = node(ps, E_AND);
		if (!e)
			return NULL;
		next(ps);
		e->a = l;
		e->b = parse_not(ps);
		l = e;
	}
	return ps->failed ? NULL : l;
}

static ks_expr *parse_or(struct parser *ps)
{
	if (++ps->depth > KS_MAX_EXPR_DEPTH) {
		perr(ps, ps->tstart, "expression nested too deeply");
		return NULL;
	}
	ks_expr *l = parse_and(ps);
	while (!ps->failed && ps->t == T_OR) {
		ks_expr *e = node(ps, E_OR);
		if (!e)
			return NULL;
		next(ps);
		e->a = l;
		e->b = parse_and(ps);
		l = e;
	}
	ps->depth--;
	return ps->failed ? NULL : l;
}

int ks_expr_parse(ks_arena *a, const char *src, ks_expr **out, char *err, size_t errlen)
{
	*out = NULL;
	if (err && errlen)
		err[0] = '\0';
	struct parser ps = {.a = a, .src = src, .p = src, .err = err, .errlen = errlen};
	if (strlen(src) > KS_MAX_EXPR_BYTES) {
		perr(&ps, src, "expression too long");
		return KS_EPARSE;
	}
	next(&ps);
	ks_expr *e = ps.failed ? NULL : parse_or(&ps);
	if (!ps.failed && ps.t != T_END)
		perr(&ps, ps.tstart, "unexpected text after the expression");
	if (ps.failed || !e)
		return KS_EPARSE;
	*out = e;
	return KS_OK;
}

void ks_expr_walk_refs(const ks_expr *e, void (*fn)(void *ud, const char *name, bool is_param), void *ud)
{
	if (!e)
		return;
	if (e->kind == E_FACT)
		fn(ud, e->s, false);
	else if (e->kind == E_PARAM)
		fn(ud, e->s, true);
	ks_expr_walk_refs(e->a, fn, ud);
	ks_expr_walk_refs(e->b, fn, ud);
	for (size_t i = 0; i < e->nargs; i++)
		ks_expr_walk_refs(e->args[i], fn, ud);
}

/* ---- evaluator ---- */
struct ev {
	ks_arena *a;
	const ks_facts *facts;
	const ks_value *params;
	const ks_value *it[KS_MAX_EXPR_DEPTH];
	const char *it_key[KS_MAX_EXPR_DEPTH];
	int nit;
	ks_eval *out;
	size_t wcap, ucap;
	bool oom;
};

static ks_value unknown(void) { return ks_val_unknown(); }

static void add_unknown(struct ev *ev, const char *key, const char *reason)
{
	ks_eval *o = ev->out;
	for (size_t i = 0; i < o->nunknowns; i++)
		if (strcmp(o->unknowns[i].key, key) == 0)
			return;
	if (o->nunknowns == ev->ucap) {
		size_t cap = ev->ucap ? ev->ucap * 2 : 4;
		ks_unknown_ref *n = ks_arena_alloc(ev->a, cap * sizeof *n);
		if (!n) {
			ev->oom = true;
			return;
		}
		if (o->nunknowns)
			memcpy(n, o->unknowns, o->nunknowns * sizeof *n);
		o->unknowns = n;
		ev->ucap = cap;
	}
	o->unknowns[o->nunknowns++] = (ks_unknown_ref){key, reason};
}

static void add_witness(struct ev *ev, const char *list_key, const ks_value *el)
{
	ks_eval *o = ev->out;
	if (o->nwitnesses == ev->wcap) {
		size_t cap = ev->wcap ? ev->wcap * 2 : 8;
		ks_witness *n = ks_arena_alloc(ev->a, cap * sizeof *n);
		if (!n) {
			ev->oom = true;
			return;
		}
		if (o->nwitnesses)
			memcpy(n, o->witnesses, o->nwitnesses * sizeof *n);
		o->witnesses = n;
		ev->wcap = cap;
	}
	o->witnesses[o->nwitnesses++] = (ks_witness){list_key, el};
}

static ks_value type_error(struct ev *ev, const ks_expr *e, const char *what)
{
	if (!ev->out->error)
		ev->out->error = ks_arena_printf(ev->a, "column %d: %s", e->col, what);
	return unknown();
}

/* Display name of the current element for unknown reasons: its "name" field if any. */
static const char *element_label(struct ev *ev, int level)
{
	const ks_value *name = ks_record_get(ev->it[level], "name");
	if (name && name->type == KS_VAL_STR)
		return ks_arena_printf(ev->a, "%s[%s]", ev->it_key[level], name->u.str.s);
	return ev->it_key[level];
}

static ks_value eval(struct ev *ev, const ks_expr *e);

static ks_value eval_it(struct ev *ev, const ks_expr *e)
{
	if (ev->nit == 0)
		return type_error(ev, e, "'it' used outside any(), all() or count()");
	int level = ev->nit - 1;
	const ks_value *v = ev->it[level];
	const char *path = e->s;
	while (*path) {
		const char *dot = strchr(path, '.');
		size_t n = dot ? (size_t)(dot - path) : strlen(path);
		char field[128];
		if (n >= sizeof field)
			return type_error(ev, e, "field name too long");
		memcpy(field, path, n);
		field[n] = '\0';
		if (v->type == KS_VAL_UNKNOWN)
			break;
		if (v->type != KS_VAL_RECORD)
			return type_error(ev, e, "field access on a value that is not a record");
		v = ks_record_get(v, field);
		if (!v) {
			add_unknown(ev, ks_arena_printf(ev->a, "%s.%s", element_label(ev, level), e->s),
			            "field not collected");
			return unknown();
		}
		path += n + (dot ? 1 : 0);
	}
	if (v->type == KS_VAL_UNKNOWN)
		add_unknown(ev, ks_arena_printf(ev->a, "%s.%s", element_label(ev, level), e->s),
		            "could not be determined");
	return *v;
}

static ks_value eval_fact(struct ev *ev, const ks_expr *e)
{
	const ks_fact *f = ks_fact_get(ev->facts, e->s);
	if (!f) {
		add_unknown(ev, e->s, "not collected");
		return unknown();
	}
	if (f->value.type == KS_VAL_UNKNOWN)
		add_unknown(ev, e->s, f->reason ? f->reason : "could not be determined");
	return f->value;
}

static int cmp_ok(int op, int c)
{
	switch (op) {
	case OP_EQ: return c == 0;
	case OP_NE: return c != 0;
	case OP_LT: return c < 0;
	case OP_LE: return c <= 0;
	case OP_GT: return c > 0;
	case OP_GE: return c >= 0;
	}
	return 0;
}

static ks_value eval_cmp(struct ev *ev, const ks_expr *e)
{
	ks_value l = eval(ev, e->a), r = eval(ev, e->b);
	if (l.type == KS_VAL_UNKNOWN || r.type == KS_VAL_UNKNOWN)
		return unknown();
	if (l.type != r.type)
		return type_error(ev, e, "comparison of values of different types");
	int c;
	switch (l.type) {
	case KS_VAL_INT: c = l.u.i < r.u.i ? -1 : l.u.i > r.u.i; break;
	case KS_VAL_STR:
		if (e->op != OP_EQ && e->op != OP_NE)
			return type_error(ev, e, "strings compare only with == and !=");
		c = strcmp(l.u.str.s, r.u.str.s);
		break;
	case KS_VAL_BOOL:
		if (e->op != OP_EQ && e->op != OP_NE)
			return type_error(ev, e, "booleans compare only with == and !=");
		c = l.u.b != r.u.b;
		break;
	default:
		if (e->op != OP_EQ && e->op != OP_NE)
			return type_error(ev, e, "lists and records compare only with == and !=");
		c = !ks_value_equal(&l, &r);
	}
	return ks_val_bool(cmp_ok(e->op, c));
}

static const char *list_key(struct ev *ev, const ks_expr *arg)
{
	if (arg->kind == E_FACT)
		return arg->s;
	if (arg->kind == E_IT && ev->nit > 0)
		return ks_arena_printf(ev->a, "%s.%s", element_label(ev, ev->nit - 1), arg->s);
	return "(list)";
}

static ks_value eval_call(struct ev *ev, const ks_expr *e)
{
	if (e->op == FN_EXISTS) {
		if (e->args[0]->kind == E_FACT) {
			const ks_fact *f = ks_fact_get(ev->facts, e->args[0]->s);
			if (!f)
				return ks_val_bool(false);
			if (f->value.type == KS_VAL_UNKNOWN) {
				add_unknown(ev, f->key, f->reason ? f->reason : "could not be determined");
				return unknown();
			}
			return ks_val_bool(true);
		}
		ks_value v = eval(ev, e->args[0]);
		return v.type == KS_VAL_UNKNOWN ? unknown() : ks_val_bool(true);
	}
	ks_value x = eval(ev, e->args[0]);
	if (x.type == KS_VAL_UNKNOWN)
		return unknown();
	if (e->op == FN_LEN) {
		if (x.type == KS_VAL_LIST)
			return ks_val_int((int64_t)x.u.list.n);
		if (x.type == KS_VAL_STR)
			return ks_val_int((int64_t)x.u.str.len);
		return type_error(ev, e, "len() takes a list or a string");
	}
	if (e->op == FN_CONTAINS) {
		ks_value y = eval(ev, e->args[1]);
		if (y.type == KS_VAL_UNKNOWN)
			return unknown();
		if (x.type == KS_VAL_STR) {
			if (y.type != KS_VAL_STR)
				return type_error(ev, e, "contains() on a string takes a string");
			return ks_val_bool(strstr(x.u.str.s, y.u.str.s) != NULL);
		}
		if (x.type != KS_VAL_LIST)
			return type_error(ev, e, "contains() takes a list or a string");
		bool some_unknown = false;
		for (size_t i = 0; i < x.u.list.n; i++) {
			if (x.u.list.items[i].type == KS_VAL_UNKNOWN)
				some_unknown = true;
			else if (ks_value_equal(&x.u.list.items[i], &y))
				return ks_val_bool(true);
		}
		return some_unknown ? unknown() : ks_val_bool(false);
	}
	if (x.type != KS_VAL_LIST)
		return type_error(ev, e, "count(), any() and all() take a list");
	if (e->op == FN_COUNT && e->nargs == 1)
		return ks_val_int((int64_t)x.u.list.n);
	if (ev->nit >= KS_MAX_EXPR_DEPTH)
		return type_error(ev, e, "predicates nested too deeply");
	const char *key = list_key(ev, e->args[0]);
	int64_t trues = 0;
	bool some_unknown = false, some_false = false;
	for (size_t i = 0; i < x.u.list.n; i++) {
		ev->it[ev->nit] = &x.u.list.items[i];
		ev->it_key[ev->nit] = key;
		ev->nit++;
		ks_value p = eval(ev, e->args[1]);
		ev->nit--;
		if (p.type == KS_VAL_UNKNOWN) {
			some_unknown = true;
			continue;
		}
		if (p.type != KS_VAL_BOOL)
			return type_error(ev, e, "the predicate must be true or false");
		if (p.u.b) {
			trues++;
			if (e->op != FN_ALL)
				add_witness(ev, key, &x.u.list.items[i]);
		} else {
			some_false = true;
			if (e->op == FN_ALL)
				add_witness(ev, key, &x.u.list.items[i]);
		}
	}
	switch (e->op) {
	case FN_ANY: return trues ? ks_val_bool(true) : some_unknown ? unknown() : ks_val_bool(false);
	case FN_ALL: return some_false ? ks_val_bool(false) : some_unknown ? unknown() : ks_val_bool(true);
	default: return some_unknown ? unknown() : ks_val_int(trues);
	}
}

static ks_value as_bool(struct ev *ev, const ks_expr *e, ks_value v)
{
	if (v.type == KS_VAL_UNKNOWN || v.type == KS_VAL_BOOL)
		return v;
	return type_error(ev, e, "expected true or false");
}

static ks_value eval(struct ev *ev, const ks_expr *e)
{
	switch (e->kind) {
	case E_INT: return ks_val_int(e->i);
	case E_BOOL: return ks_val_bool(e->i != 0);
	case E_STR: return (ks_value){.type = KS_VAL_STR, .u.str = {e->s, strlen(e->s)}};
	case E_FACT: return eval_fact(ev, e);
	case E_IT: return eval_it(ev, e);
	case E_PARAM: {
		const ks_value *p = ev->params ? ks_record_get(ev->params, e->s) : NULL;
		if (!p)
			return type_error(ev, e, ks_arena_printf(ev->a, "parameter $%s is not defined", e->s));
		return *p;
	}
	case E_NOT: {
		ks_value v = as_bool(ev, e, eval(ev, e->a));
		return v.type == KS_VAL_BOOL ? ks_val_bool(!v.u.b) : v;
	}
	case E_NEG: {
		ks_value v = eval(ev, e->a);
		if (v.type == KS_VAL_UNKNOWN)
			return v;
		if (v.type != KS_VAL_INT || v.u.i == INT64_MIN)
			return type_error(ev, e, "'-' takes a number");
		return ks_val_int(-v.u.i);
	}
	case E_ARITH: {
		ks_value l = eval(ev, e->a), r = eval(ev, e->b);
		if (l.type == KS_VAL_UNKNOWN || r.type == KS_VAL_UNKNOWN)
			return unknown();
		if (l.type != KS_VAL_INT || r.type != KS_VAL_INT)
			return type_error(ev, e, "'+' and '-' take numbers");
		int64_t res;
		bool ovf = e->op == OP_ADD ? __builtin_add_overflow(l.u.i, r.u.i, &res)
		                           : __builtin_sub_overflow(l.u.i, r.u.i, &res);
		return ovf ? type_error(ev, e, "arithmetic overflow") : ks_val_int(res);
	}
	case E_AND: {
		ks_value l = as_bool(ev, e, eval(ev, e->a));
		if (l.type == KS_VAL_BOOL && !l.u.b)
			return l;
		ks_value r = as_bool(ev, e, eval(ev, e->b));
		if (r.type == KS_VAL_BOOL && !r.u.b)
			return r;
		return l.type == KS_VAL_BOOL && r.type == KS_VAL_BOOL ? ks_val_bool(true) : unknown();
	}
	case E_OR: {
		ks_value l = as_bool(ev, e, eval(ev, e->a));
		if (l.type == KS_VAL_BOOL && l.u.b)
			return l;
		ks_value r = as_bool(ev, e, eval(ev, e->b));
		if (r.type == KS_VAL_BOOL && r.u.b)
			return r;
		return l.type == KS_VAL_BOOL && r.type == KS_VAL_BOOL ? ks_val_bool(false) : unknown();
	}
	case E_CMP: return eval_cmp(ev, e);
	case E_CALL: return eval_call(ev, e);
	}
	return unknown();
}

/* ---- which facts decided the result ---- */
struct why {
	struct ev *ev;   /* scratch evaluator: re-evaluation must not add witnesses or unknowns */
	ks_eval *out;
	size_t cap;
	bool oom;
};

static void add_decisive(void *ud, const char *name, bool is_param)
{
	struct why *w = ud;
	if (is_param)
		return;
	for (size_t i = 0; i < w->out->ndecisive; i++)
		if (strcmp(w->out->decisive[i], name) == 0)
			return;
	if (w->out->ndecisive == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 4;
		const char **n = ks_arena_alloc(w->ev->a, cap * sizeof *n);
		if (!n) {
			w->oom = true;
			return;
		}
		if (w->out->ndecisive)
			memcpy(n, w->out->decisive, w->out->ndecisive * sizeof *n);
		w->out->decisive = n;
		w->cap = cap;
	}
	w->out->decisive[w->out->ndecisive++] = name;
}

static void explain(struct why *w, const ks_expr *e, bool result, int depth)
{
	if (depth > KS_MAX_EXPR_DEPTH)
		return;
	if (e->kind == E_NOT) {
		explain(w, e->a, !result, depth + 1);
		return;
	}
	if (e->kind == E_AND || e->kind == E_OR) {
		/* && is decided by a false operand, || by a true one; otherwise both operands count. */
		bool decider = e->kind == E_OR;
		if (result == decider) {
			ks_value l = eval(w->ev, e->a);
			if (l.type == KS_VAL_BOOL && l.u.b == decider)
				explain(w, e->a, decider, depth + 1);
			else
				explain(w, e->b, decider, depth + 1);
		} else {
			explain(w, e->a, result, depth + 1);
			explain(w, e->b, result, depth + 1);
		}
		return;
	}
	ks_expr_walk_refs(e, add_decisive, w);
}

int ks_expr_eval(ks_arena *a, const ks_expr *e, const ks_facts *facts, const ks_value *params,
                 ks_eval *out)
{
	memset(out, 0, sizeof *out);
	struct ev ev = {.a = a, .facts = facts, .params = params, .out = out};
	out->result = eval(&ev, e);
	if (out->error)
		out->result = unknown(); /* a broken rule never decides anything */
	bool oom = ev.oom;
	if (out->result.type == KS_VAL_BOOL) {
		ks_eval scratch;
		memset(&scratch, 0, sizeof scratch);
		struct ev sev = {.a = a, .facts = facts, .params = params, .out = &scratch};
		struct why w = {.ev = &sev, .out = out};
		explain(&w, e, out->result.u.b, 0);
		oom = oom || w.oom || sev.oom;
	}
	return oom ? KS_ENOMEM : KS_OK;
}
