/* Linux-PAM stack loader: parses /etc/pam.d service files the way libpam 1.5 does (line
 * continuation, [value=action] controls, bracketed arguments, include/substack/@include) and
 * evaluates which results a stack can end in. Used by the pam and password_policy collectors. */
#ifndef KS_PAM_H
#define KS_PAM_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collect.h"

typedef enum { KS_PAM_AUTH, KS_PAM_ACCOUNT, KS_PAM_PASSWORD, KS_PAM_SESSION, KS_PAM_NTYPES } ks_pam_type;

/* How the control field was written. */
typedef enum {
	KS_PAM_CTL_REQUIRED,
	KS_PAM_CTL_REQUISITE,
	KS_PAM_CTL_SUFFICIENT,
	KS_PAM_CTL_OPTIONAL,
	KS_PAM_CTL_INCLUDE,
	KS_PAM_CTL_SUBSTACK,
	KS_PAM_CTL_BRACKET, /* [value=action ...] */
	KS_PAM_CTL_INVALID, /* missing or unparsable: libpam treats every result as failure */
} ks_pam_control_kind;

/* Actions as in libpam (_pam_token_actions); a value > 0 jumps over that many modules. */
enum {
	KS_PAM_ACT_IGNORE = 0,
	KS_PAM_ACT_OK = -1,
	KS_PAM_ACT_DONE = -2,
	KS_PAM_ACT_BAD = -3,
	KS_PAM_ACT_DIE = -4,
	KS_PAM_ACT_RESET = -5,
	KS_PAM_ACT_UNDEF = -6,
};

/* Module return values (security/_pam_types.h); the control array is indexed by them. */
enum {
	KS_PAM_R_SUCCESS = 0,
	KS_PAM_R_PERM_DENIED = 6, /* libpam's PAM_MUST_FAIL_CODE */
	KS_PAM_R_AUTH_ERR = 7,
	KS_PAM_R_NEW_AUTHTOK_REQD = 12,
	KS_PAM_R_SESSION_ERR = 14,
	KS_PAM_R_AUTHTOK_ERR = 20,
	KS_PAM_R_IGNORE = 25,
	KS_PAM_R_INCOMPLETE = 31,
	KS_PAM_NRET = 32,
};

typedef enum {
	KS_PAM_E_MODULE,    /* a module line */
	KS_PAM_E_SUBSTACK,  /* the head of a substack (libpam's PAM_HT_SUBSTACK; never called) */
	KS_PAM_E_MUST_FAIL, /* a line libpam installs as "always fails" (malformed, include not found) */
} ks_pam_entry_kind;

typedef struct ks_pam_entry {
	ks_pam_type type;
	ks_pam_entry_kind kind;
	bool silent;                  /* "-type": libpam does not log a missing module */
	const char *control;          /* as written, e.g. "[success=1 default=ignore]" */
	ks_pam_control_kind control_kind;
	signed char actions[KS_PAM_NRET];
	const char *module;           /* "pam_unix" (basename without ".so"); NULL if none */
	const char *module_path;      /* as written; include target for include/substack lines */
	const char **args;            /* as libpam passes them ([..] arguments without brackets) */
	size_t nargs;
	const char *file;             /* e.g. "/etc/pam.d/common-auth" */
	int line;                     /* first physical line of the (continued) line */
	const char *via;              /* include chain, e.g. "sshd > common-auth" */
	int level;                    /* substack nesting (libpam stack_level) */
	const char *error;            /* KS_PAM_E_MUST_FAIL: why libpam forces a failure */
} ks_pam_entry;

/* One service as libpam loads it: the service file (all types, includes expanded in place)
 * and the "other" service, which libpam uses for each type the service file has no line of. */
typedef struct ks_pam_stack {
	const char *service;
	const char *error;            /* non-NULL: the stack cannot be determined (unreadable ...) */
	const char *file;             /* service file found; NULL when absent */
	const char *other_file;       /* "other" file found; NULL when absent */
	ks_pam_entry *entries;        /* from the service file */
	size_t n;
	ks_pam_entry *other;          /* from "other" */
	size_t nother;
	const char *incomplete[KS_PAM_NTYPES];       /* service file: include not loadable, loop ... */
	const char *other_incomplete[KS_PAM_NTYPES]; /* same for "other" */
} ks_pam_stack;

/* The modules libpam runs for one type (what pam_authenticate() etc. walk). */
typedef struct ks_pam_chain {
	ks_pam_type type;
	const ks_pam_entry **e;
	size_t n;
	bool from_other;              /* the service file has no line of this type */
	const char *incomplete;       /* non-NULL: part of the chain could not be read; reason */
} ks_pam_chain;

/* A loader: caches files and reports each malformed line once across services. */
typedef struct ks_pam_loader ks_pam_loader;

/* QUIET: diagnostics are not recorded (for derived collectors re-reading what pam reported). */
ks_pam_loader *ks_pam_loader_new(ks_collect_ctx *ctx, bool quiet);

/* Loads SERVICE (looked up in /etc/pam.d then /usr/lib/pam.d, as Debian's libpam does) and
 * "other". Always sets *OUT unless out of memory; problems are in (*out)->error/incomplete.
 * Returns 0 or KS_ENOMEM. */
int ks_pam_load(ks_pam_loader *l, const char *service, ks_pam_stack **out);

/* Parses DATA as the service file PATH (service name = basename); includes are resolved
 * inside ctx->root. "other" is not loaded. Returns 0 or KS_ENOMEM. */
int ks_pam_parse_buffer(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                        ks_pam_stack **out);

/* The chain libpam runs for TYPE (the service's lines, or "other"'s). Returns 0 or KS_ENOMEM. */
int ks_pam_chain_get(ks_collect_ctx *ctx, const ks_pam_stack *s, ks_pam_type type, ks_pam_chain *out);

const char *ks_pam_type_name(ks_pam_type t);

/* Value of the last argument starting with PREFIX (e.g. "remember="), or NULL. */
const char *ks_pam_arg(const ks_pam_entry *e, const char *prefix);
bool ks_pam_has_arg(const ks_pam_entry *e, const char *word);
/* Entry is a call of MODULE (normalised name, e.g. "pam_unix"). */
bool ks_pam_is(const ks_pam_entry *e, const char *module);

/* Flow analysis: which results can the chain end in, given that each module may return any
 * value (pam_permit/pam_deny and forced failures excepted)? "Targets" are entries whose
 * success we ask about (a second factor, the quality check). */
typedef enum {
	KS_PAM_NOT_TARGET,
	KS_PAM_TARGET,            /* success of this entry is what we look for */
	KS_PAM_TARGET_BYPASSABLE, /* target, but it may also pass (success/ignore) without checking */
} ks_pam_target;
typedef ks_pam_target (*ks_pam_target_fn)(const ks_pam_entry *e, void *arg);

typedef struct ks_pam_flow {
	bool can_succeed;            /* some combination of module results makes the stack succeed */
	bool without_target;         /* ... with no target entry having succeeded */
	const ks_pam_entry *always;  /* a target that succeeded on every successful path, or NULL */
	bool too_complex;            /* state limit reached: nothing could be concluded */
} ks_pam_flow;

/* Returns 0 or KS_ENOMEM. */
/* One module result through libpam's dispatch rules (see pam.c); returns the last index consumed. */
size_t ks_pam_dispatch_step(const ks_pam_chain *c, size_t idx, int act, int succ, uint8_t sub, uint8_t *imp,
                            uint8_t *ok);

int ks_pam_flow_eval(const ks_pam_chain *c, ks_pam_target_fn fn, void *arg, ks_pam_flow *out);

/* Second-factor modules (pam_google_authenticator, pam_u2f ...): KS_PAM_TARGET, or
 * KS_PAM_TARGET_BYPASSABLE when an option lets users without a token through (nullok ...). */
ks_pam_target ks_pam_mfa_target(const ks_pam_entry *e, void *arg);

#endif
