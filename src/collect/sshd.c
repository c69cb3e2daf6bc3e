/* sshd_config(5) collector: the parser (Include, Match) and the ssh.* facts. */
#include "sshd.h"

#include <fnmatch.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include "core/error.h"
#include "core/limits.h"
#include "core/text.h"

/* ---- keyword table --------------------------------------------------------------------------
 * Every keyword Debian 12's sshd (1:9.2p1) accepts: upstream servconf.c keywords[] plus Debian's
 * GSSAPI key exchange and DebianBanner patches. Aliases carry the canonical name of the option they
 * set (ChallengeResponseAuthentication -> KbdInteractiveAuthentication, servconf.c). */
enum {
	KW_M = 0x01,     /* allowed inside a Match block (SSHCFG_ALL) */
	KW_ACCUM = 0x02, /* every line adds values (Port, AllowUsers, ...), not first-wins */
	KW_LAST = 0x04,  /* servconf.c assigns without the "unset" check: the last line wins */
	KW_DEP = 0x08,   /* deprecated or unsupported: sshd logs it and ignores the line */
};

enum kw_check {
	C_ANY,   /* no check here (sshd checks syntax we do not model) */
	C_ONE,   /* exactly one argument */
	C_LIST,  /* one or more arguments */
	C_FLAG,  /* yes|no (multistate_flag, case-insensitive) */
	C_INT,   /* atoi_err(): 0..INT_MAX */
	C_TIME,  /* convtime(): 90, 2m, 1h30m */
	C_PORT,  /* a2port() */
	C_ROOT,  /* multistate_permitrootlogin */
	C_AUTHM, /* AuthenticationMethods: "any" or comma lists of known methods */
	C_MATCH,
	C_INCLUDE,
};

struct kw {
	const char *name;  /* lower case, as matched with strcasecmp() */
	const char *canon; /* option it sets, as written in sshd_config(5) */
	unsigned char flags;
	unsigned char check;
};

static const struct kw keywords[] = {
	{"acceptenv", "AcceptEnv", KW_M | KW_ACCUM, C_LIST},
	{"addressfamily", "AddressFamily", 0, C_ONE},
	{"afstokenpassing", "AFSTokenPassing", KW_DEP, C_ANY},
	{"allowagentforwarding", "AllowAgentForwarding", KW_M, C_FLAG},
	{"allowgroups", "AllowGroups", KW_M | KW_ACCUM, C_LIST},
	{"allowstreamlocalforwarding", "AllowStreamLocalForwarding", KW_M, C_ONE},
	{"allowtcpforwarding", "AllowTcpForwarding", KW_M, C_ONE},
	{"allowusers", "AllowUsers", KW_M | KW_ACCUM, C_LIST},
	{"authenticationmethods", "AuthenticationMethods", KW_M, C_AUTHM},
	{"authorizedkeyscommand", "AuthorizedKeysCommand", KW_M, C_ANY},
	{"authorizedkeyscommanduser", "AuthorizedKeysCommandUser", KW_M, C_ONE},
	{"authorizedkeysfile", "AuthorizedKeysFile", KW_M, C_LIST},
	{"authorizedkeysfile2", "AuthorizedKeysFile2", KW_M | KW_DEP, C_ANY},
	{"authorizedprincipalscommand", "AuthorizedPrincipalsCommand", KW_M, C_ANY},
	{"authorizedprincipalscommanduser", "AuthorizedPrincipalsCommandUser", KW_M, C_ONE},
	{"authorizedprincipalsfile", "AuthorizedPrincipalsFile", KW_M, C_ONE},
	{"banner", "Banner", KW_M, C_ONE},
	{"casignaturealgorithms", "CASignatureAlgorithms", KW_M, C_ONE},
	{"challengeresponseauthentication", "KbdInteractiveAuthentication", KW_M, C_FLAG},
	{"channeltimeout", "ChannelTimeout", KW_M, C_LIST},
	{"checkmail", "CheckMail", KW_DEP, C_ANY},
	{"chrootdirectory", "ChrootDirectory", KW_M, C_ONE},
	{"ciphers", "Ciphers", 0, C_ONE},
	{"clientalivecountmax", "ClientAliveCountMax", KW_M, C_INT},
	{"clientaliveinterval", "ClientAliveInterval", KW_M, C_TIME},
	{"compression", "Compression", 0, C_ONE},
	{"debianbanner", "DebianBanner", 0, C_FLAG},
	{"denygroups", "DenyGroups", KW_M | KW_ACCUM, C_LIST},
	{"denyusers", "DenyUsers", KW_M | KW_ACCUM, C_LIST},
	{"disableforwarding", "DisableForwarding", KW_M, C_FLAG},
	{"dsaauthentication", "PubkeyAuthentication", 0, C_FLAG},
	{"exposeauthinfo", "ExposeAuthInfo", KW_M, C_FLAG},
	{"fingerprinthash", "FingerprintHash", KW_LAST, C_ONE},
	{"forcecommand", "ForceCommand", KW_M, C_ANY},
	{"gatewayports", "GatewayPorts", KW_M, C_ONE},
	{"gssapiauthentication", "GSSAPIAuthentication", KW_M, C_FLAG},
	{"gssapicleanupcredentials", "GSSAPICleanupCredentials", 0, C_FLAG},
	{"gssapicleanupcreds", "GSSAPICleanupCredentials", 0, C_FLAG},
	{"gssapikexalgorithms", "GSSAPIKexAlgorithms", 0, C_ONE},
	{"gssapikeyexchange", "GSSAPIKeyExchange", 0, C_FLAG},
	{"gssapistorecredentialsonrekey", "GSSAPIStoreCredentialsOnRekey", 0, C_FLAG},
	{"gssapistrictacceptorcheck", "GSSAPIStrictAcceptorCheck", 0, C_FLAG},
	{"gssapiusesessioncredcache", "GSSAPIUseSessionCredCache", KW_DEP, C_ANY},
	{"gssusesessionccache", "GSSUseSessionCCache", KW_DEP, C_ANY},
	{"hostbasedacceptedalgorithms", "HostbasedAcceptedAlgorithms", KW_M, C_ONE},
	{"hostbasedacceptedkeytypes", "HostbasedAcceptedAlgorithms", KW_M, C_ONE},
	{"hostbasedauthentication", "HostbasedAuthentication", KW_M, C_FLAG},
	{"hostbasedusesnamefrompacketonly", "HostbasedUsesNameFromPacketOnly", KW_M, C_FLAG},
	{"hostcertificate", "HostCertificate", KW_ACCUM, C_ONE},
	{"hostdsakey", "HostKey", KW_ACCUM, C_ONE},
	{"hostkey", "HostKey", KW_ACCUM, C_ONE},
	{"hostkeyagent", "HostKeyAgent", 0, C_ONE},
	{"hostkeyalgorithms", "HostKeyAlgorithms", 0, C_ONE},
	{"ignorerhosts", "IgnoreRhosts", KW_M, C_ONE},
	{"ignoreuserknownhosts", "IgnoreUserKnownHosts", 0, C_FLAG},
	{"include", "Include", KW_M, C_INCLUDE},
	{"ipqos", "IPQoS", KW_M | KW_LAST, C_ANY},
	{"kbdinteractiveauthentication", "KbdInteractiveAuthentication", KW_M, C_FLAG},
	{"kerberosauthentication", "KerberosAuthentication", KW_M, C_FLAG},
	{"kerberosgetafstoken", "KerberosGetAFSToken", KW_DEP, C_ANY},
	{"kerberosorlocalpasswd", "KerberosOrLocalPasswd", 0, C_FLAG},
	{"kerberostgtpassing", "KerberosTgtPassing", KW_DEP, C_ANY},
	{"kerberosticketcleanup", "KerberosTicketCleanup", 0, C_FLAG},
	{"keepalive", "TCPKeepAlive", 0, C_FLAG},
	{"kexalgorithms", "KexAlgorithms", 0, C_ONE},
	{"keyregenerationinterval", "KeyRegenerationInterval", KW_DEP, C_ANY},
	{"listenaddress", "ListenAddress", KW_ACCUM, C_ANY},
	{"logingracetime", "LoginGraceTime", 0, C_TIME},
	{"loglevel", "LogLevel", KW_M, C_ONE},
	{"logverbose", "LogVerbose", KW_M, C_LIST},
	{"macs", "MACs", 0, C_ONE},
	{"match", "Match", KW_M, C_MATCH},
	{"maxauthtries", "MaxAuthTries", KW_M, C_INT},
	{"maxsessions", "MaxSessions", KW_M, C_INT},
	{"maxstartups", "MaxStartups", KW_LAST, C_ONE},
	{"modulifile", "ModuliFile", 0, C_ONE},
	{"pamauthenticationviakbdint", "PAMAuthenticationViaKbdInt", KW_DEP, C_ANY},
	{"passwordauthentication", "PasswordAuthentication", KW_M, C_FLAG},
	{"permitblacklistedkeys", "PermitBlacklistedKeys", KW_DEP, C_ANY},
	{"permitemptypasswords", "PermitEmptyPasswords", KW_M, C_FLAG},
	{"permitlisten", "PermitListen", KW_M, C_LIST},
	{"permitopen", "PermitOpen", KW_M, C_LIST},
	{"permitrootlogin", "PermitRootLogin", KW_M, C_ROOT},
	{"permittty", "PermitTTY", KW_M, C_FLAG},
	{"permittunnel", "PermitTunnel", KW_M, C_ONE},
	{"permituserenvironment", "PermitUserEnvironment", 0, C_ONE},
	{"permituserrc", "PermitUserRC", KW_M, C_FLAG},
	{"persourcemaxstartups", "PerSourceMaxStartups", KW_LAST, C_ONE},
	{"persourcenetblocksize", "PerSourceNetBlockSize", KW_LAST, C_ONE},
	{"pidfile", "PidFile", 0, C_ONE},
	{"port", "Port", KW_ACCUM, C_PORT},
	{"printlastlog", "PrintLastLog", 0, C_FLAG},
	{"printmotd", "PrintMotd", 0, C_FLAG},
	{"protocol", "Protocol", KW_DEP, C_ANY},
	{"pubkeyacceptedalgorithms", "PubkeyAcceptedAlgorithms", KW_M, C_ONE},
	{"pubkeyacceptedkeytypes", "PubkeyAcceptedAlgorithms", KW_M, C_ONE},
	{"pubkeyauthentication", "PubkeyAuthentication", KW_M, C_FLAG},
	{"pubkeyauthoptions", "PubkeyAuthOptions", KW_M, C_LIST},
	{"rdomain", "RDomain", KW_M, C_ONE},
	{"rekeylimit", "RekeyLimit", KW_M, C_ANY},
	{"requiredrsasize", "RequiredRSASize", KW_M, C_INT},
	{"reversemappingcheck", "ReverseMappingCheck", KW_DEP, C_ANY},
	{"revokedkeys", "RevokedKeys", KW_M, C_ONE},
	{"rhostsauthentication", "RhostsAuthentication", KW_DEP, C_ANY},
	{"rhostsrsaauthentication", "RhostsRSAAuthentication", KW_M | KW_DEP, C_ANY},
	{"rsaauthentication", "RSAAuthentication", KW_M | KW_DEP, C_ANY},
	{"securitykeyprovider", "SecurityKeyProvider", 0, C_ONE},
	{"serverkeybits", "ServerKeyBits", KW_DEP, C_ANY},
	{"setenv", "SetEnv", KW_M, C_LIST},
	{"skeyauthentication", "KbdInteractiveAuthentication", KW_M, C_FLAG},
	{"streamlocalbindmask", "StreamLocalBindMask", KW_M | KW_LAST, C_ONE},
	{"streamlocalbindunlink", "StreamLocalBindUnlink", KW_M, C_FLAG},
	{"strictmodes", "StrictModes", 0, C_FLAG},
	{"subsystem", "Subsystem", KW_ACCUM, C_ANY},
	{"syslogfacility", "SyslogFacility", 0, C_ONE},
	{"tcpkeepalive", "TCPKeepAlive", 0, C_FLAG},
	{"trustedusercakeys", "TrustedUserCAKeys", KW_M, C_ONE},
	{"unusedconnectiontimeout", "UnusedConnectionTimeout", KW_M, C_ONE},
	{"usedns", "UseDNS", 0, C_FLAG},
	{"uselogin", "UseLogin", KW_DEP, C_ANY},
	{"usepam", "UsePAM", 0, C_FLAG},
	{"useprivilegeseparation", "UsePrivilegeSeparation", KW_DEP, C_ANY},
	{"verifyreversemapping", "VerifyReverseMapping", KW_DEP, C_ANY},
	{"versionaddendum", "VersionAddendum", 0, C_ANY},
	{"x11displayoffset", "X11DisplayOffset", KW_M, C_INT},
	{"x11forwarding", "X11Forwarding", KW_M, C_FLAG},
	{"x11uselocalhost", "X11UseLocalhost", KW_M, C_FLAG},
	{"xauthlocation", "XAuthLocation", 0, C_ONE},
};

static const struct kw *kw_find(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
		if (ks_ieq(s, n, keywords[i].name))
			return &keywords[i];
	return NULL;
}

/* ---- parsed configuration ------------------------------------------------------------------- */

struct sline {
	const struct kw *kw;
	char **argv;
	size_t argc;
	const char *path;
	int line;
	unsigned seq;    /* processing order across all files (sshd reads Includes in place) */
	const char *bad; /* why sshd would reject this line, or NULL */
};

struct svec {
	void **v;
	size_t n, cap;
};

struct sblock {
	const char *criteria; /* Match arguments, joined by one space; nested criteria ANDed */
	const char *path;
	int line;
	unsigned seq;
	bool all; /* "Match all": applies to every connection */
	struct svec lines;
};

struct ks_sshd_config {
	const char *path;      /* the main file */
	struct svec global;    /* struct sline*: lines in effect for every connection at load time */
	struct svec blocks;    /* struct sblock* in order of their Match lines */
	struct svec files;     /* const char*: every file read, without repeats */
	unsigned unc_seq;      /* 0, or the first seq after input we could not see */
	const char *unc_reason;
};

struct parser {
	ks_collect_ctx *ctx;
	ks_sshd_config *cfg;
	unsigned seq;
	int nfiles;
	const char *stack[KS_MAX_INCLUDE_DEPTH + 2]; /* files being read, for loop detection */
	int depth;
	bool am_list_set; /* a global or "Match all" AuthenticationMethods stored a method list */
};

static int svec_push(ks_arena *a, struct svec *s, void *p)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;
		void **nv = ks_arena_alloc(a, cap * sizeof *nv);
		if (!nv)
			return KS_ENOMEM;
		if (s->n)
			memcpy(nv, s->v, s->n * sizeof *nv);
		s->v = nv;
		s->cap = cap;
	}
	s->v[s->n++] = p;
	return KS_OK;
}

/* Marks everything from the next line on as uncertain: a part of the configuration could not be
 * read, and first-value-wins means any later value might have been decided there instead. */
static int mark_uncertain(struct parser *ps, const char *reason)
{
	if (!reason)
		return KS_ENOMEM; /* the message could not be formatted */
	if (ps->cfg->unc_seq)
		return KS_OK;
	ps->cfg->unc_seq = ps->seq + 1;
	ps->cfg->unc_reason = ks_arena_strdup(ps->ctx->arena, reason);
	return ps->cfg->unc_reason ? KS_OK : KS_ENOMEM;
}

/* ---- lexing (misc.c strdelim() for the keyword, argv_split() for the arguments) -------------- */

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* argv_split(..., terminate_on_comment=1): blanks separate, '#' at a token start ends the line,
 * '..' and ".." quote, and \\ \" \' and (unquoted) "\ " escape. Returns KS_EPARSE on an open quote.
 * At most KS_MAX_TOKENS are kept; *truncated tells if more were dropped. */
static int split_args(ks_arena *a, const char *s, size_t n, char ***argvp, size_t *argcp,
                      bool *truncated)
{
	char **argv = ks_arena_alloc(a, (KS_MAX_TOKENS + 1) * sizeof *argv);
	char *buf = ks_arena_alloc(a, n + 1);
	if (!argv || !buf)
		return KS_ENOMEM;
	size_t argc = 0, i = 0;
	*truncated = false;
	while (i < n) {
		if (s[i] == ' ' || s[i] == '\t') {
			i++;
			continue;
		}
		if (s[i] == '#')
			break;
		char *arg = buf, quote = 0;
		size_t j = 0;
		for (; i < n; i++) {
			char c = s[i];
			if (c == '\\' && i + 1 < n &&
			    (s[i + 1] == '\'' || s[i + 1] == '"' || s[i + 1] == '\\' ||
			     (quote == 0 && s[i + 1] == ' '))) {
				arg[j++] = s[++i];
			} else if (quote == 0 && (c == ' ' || c == '\t')) {
				break;
			} else if (quote == 0 && (c == '"' || c == '\'')) {
				quote = c;
			} else if (quote != 0 && c == quote) {
				quote = 0;
			} else {
				arg[j++] = c;
			}
		}
		if (quote)
			return KS_EPARSE;
		arg[j] = '\0';
		buf += j + 1;
		if (argc < KS_MAX_TOKENS)
			argv[argc++] = arg;
		else
			*truncated = true;
	}
	argv[argc] = NULL;
	*argvp = argv;
	*argcp = argc;
	return KS_OK;
}

/* ---- value checks (servconf.c) ------------------------------------------------------------- */

/* convtime(): a sequence of number[smhdwSMHDW]; -1 if invalid. */
static int64_t conv_time(const char *s)
{
	int64_t total = 0;
	if (!*s)
		return -1;
	while (*s) {
		if (*s < '0' || *s > '9')
			return -1;
		int64_t v = 0;
		while (*s >= '0' && *s <= '9') {
			v = v * 10 + (*s - '0');
			if (v > INT_MAX)
				return -1;
			s++;
		}
		int64_t mult = 1;
		switch (*s) {
		case '\0': break;
		case 's': case 'S': s++; break;
		case 'm': case 'M': mult = 60; s++; break;
		case 'h': case 'H': mult = 3600; s++; break;
		case 'd': case 'D': mult = 86400; s++; break;
		case 'w': case 'W': mult = 604800; s++; break;
		default: return -1;
		}
		if (v > INT_MAX / mult)
			return -1;
		v *= mult;
		if (total > INT_MAX - v)
			return -1;
		total += v;
	}
	return total;
}

/* atoi_err(): strtonum(0, INT_MAX). */
static bool conv_int(const char *s, int64_t *out)
{
	int64_t v;
	if (!ks_parse_int(s, strlen(s), &v) || v < 0 || v > INT_MAX)
		return false;
	*out = v;
	return true;
}

static const char *const auth_method_names[] = {
	"none", "publickey", "gssapi-with-mic", "password", "keyboard-interactive", "hostbased",
};

/* auth2_methods_valid(list, 0): every comma element names a method (an optional ":submethod" is
 * not checked by sshd at this point). */
static bool auth_list_valid(const char *list)
{
	if (!*list)
		return false;
	for (const char *p = list;;) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		const char *colon = memchr(p, ':', n);
		size_t mn = colon ? (size_t)(colon - p) : n;
		bool ok = false;
		for (size_t i = 0; i < sizeof auth_method_names / sizeof *auth_method_names; i++)
			ok |= ks_eq(p, mn, auth_method_names[i]);
		if (!ok)
			return false;
		if (!e)
			return true;
		p = e + 1;
	}
}

static const char *root_login_values[] = {
	"yes", "no", "prohibit-password", "without-password", "forced-commands-only",
};

/* Returned by the checks when the message itself could not be allocated. */
static const char oom[] = "out of memory";

static const char *msg_or_oom(const char *m)
{
	return m ? m : oom;
}

#define MSG(...) msg_or_oom(ks_arena_printf(a, __VA_ARGS__))

/* Returns why sshd would refuse the line, or NULL. */
static const char *check_line(ks_arena *a, const struct kw *kw, char **argv, size_t argc)
{
	if (kw->flags & KW_DEP)
		return NULL;
	if (argc == 0 && kw->check != C_ANY)
		return MSG("%s needs an argument", kw->canon);
	int64_t v;
	switch (kw->check) {
	case C_ONE:
	case C_FLAG:
	case C_INT:
	case C_TIME:
	case C_PORT:
	case C_ROOT:
		if (argc > 1)
			return MSG("%s takes one argument, got %zu", kw->canon, argc);
		break;
	default:
		break;
	}
	switch (kw->check) {
	case C_FLAG:
		if (!ks_ieq(argv[0], strlen(argv[0]), "yes") && !ks_ieq(argv[0], strlen(argv[0]), "no"))
			return MSG("%s expects yes or no, got \"%s\"", kw->canon, argv[0]);
		break;
	case C_INT:
		if (!conv_int(argv[0], &v))
			return MSG("%s expects an integer 0..%d, got \"%s\"", kw->canon,
			                       INT_MAX, argv[0]);
		break;
	case C_TIME:
		if (conv_time(argv[0]) < 0)
			return MSG("%s expects a time like 120, 2m or 1h30m, got \"%s\"",
			                       kw->canon, argv[0]);
		break;
	case C_PORT:
		/* a2port() also accepts service names from the scanning host's /etc/services; kenshin
		 * does not resolve those (facts.md: ssh.ports becomes unknown). 0 is "badly formatted". */
		if (ks_parse_int(argv[0], strlen(argv[0]), &v) && (v < 1 || v > 65535))
			return MSG("Port expects 1..65535, got \"%s\"", argv[0]);
		break;
	case C_ROOT: {
		bool ok = false;
		for (size_t i = 0; i < sizeof root_login_values / sizeof *root_login_values; i++)
			ok |= ks_ieq(argv[0], strlen(argv[0]), root_login_values[i]);
		if (!ok)
			return MSG("PermitRootLogin: unsupported value \"%s\"", argv[0]);
		break;
	}
	case C_AUTHM:
		for (size_t i = 0; i < argc; i++) {
			if (strcmp(argv[i], "any") == 0) {
				if (argc > 1)
					return "AuthenticationMethods: \"any\" must appear alone";
			} else if (!auth_list_valid(argv[i])) {
				return MSG("AuthenticationMethods: invalid method list \"%s\"",
				                       argv[i]);
			}
		}
		break;
	case C_LIST:
		for (size_t i = 0; i < argc; i++)
			if (!*argv[i])
				return MSG("%s: empty argument", kw->canon);
		break;
	default:
		break;
	}
	return NULL;
}

/* match_cfg_line(): "all" alone, or attribute/pattern pairs of known attributes. */
static const char *check_match(ks_arena *a, char **argv, size_t argc)
{
	static const char *const attrs[] = {"user", "group", "host", "address", "localaddress",
	                                    "localport", "rdomain"};
	if (argc == 0)
		return "Match needs criteria";
	for (size_t i = 0; i < argc; i++) {
		size_t n = strlen(argv[i]);
		if (ks_ieq(argv[i], n, "all")) {
			if (argc != 1)
				return "Match: \"all\" cannot be combined with other criteria";
			continue;
		}
		bool ok = false;
		for (size_t k = 0; k < sizeof attrs / sizeof *attrs; k++)
			ok |= ks_ieq(argv[i], n, attrs[k]);
		if (!ok)
			return MSG("Match: unsupported attribute \"%s\"", argv[i]);
		if (++i == argc)
			return MSG("Match: missing pattern for %s", argv[i - 1]);
	}
	return NULL;
}

/* ---- parsing -------------------------------------------------------------------------------- */

static int parse_file(struct parser *ps, const char *path, const char *data, size_t len,
                      struct sblock *inherited);

static char *join_args(ks_arena *a, char **argv, size_t argc)
{
	size_t n = 1;
	for (size_t i = 0; i < argc; i++)
		n += strlen(argv[i]) * 2 + 3;
	char *s = ks_arena_alloc(a, n), *p = s;
	if (!s)
		return NULL;
	for (size_t i = 0; i < argc; i++) {
		if (i)
			*p++ = ' ';
		/* Quote what argv_split() would otherwise split or drop, so the text re-parses. */
		bool q = !*argv[i] || strpbrk(argv[i], " \t\"'#\\") != NULL;
		if (q)
			*p++ = '"';
		for (const char *c = argv[i]; *c; c++) {
			if (q && (*c == '"' || *c == '\\'))
				*p++ = '\\';
			*p++ = *c;
		}
		if (q)
			*p++ = '"';
	}
	*p = '\0';
	return s;
}

static struct sblock *new_block(struct parser *ps, struct sblock *inherited, char **argv,
                                size_t argc, const char *path, int line)
{
	ks_arena *a = ps->ctx->arena;
	struct sblock *b = ks_arena_alloc(a, sizeof *b);
	if (!b)
		return NULL;
	bool all = argc == 1 && ks_ieq(argv[0], strlen(argv[0]), "all");
	const char *own = all ? "all" : join_args(a, argv, argc);
	if (!own)
		return NULL;
	/* A Match inside a file included from a Match block is only reached by connections that
	 * matched the enclosing block (servconf.c: SSHCFG_NEVERMATCH otherwise): criteria AND. */
	if (inherited && !inherited->all) {
		b->criteria = all ? inherited->criteria
		                  : ks_arena_printf(a, "%s %s", inherited->criteria, own);
		b->all = false;
	} else {
		b->criteria = own;
		b->all = all;
	}
	b->path = path;
	b->line = line;
	b->seq = ps->seq;
	if (!b->criteria || svec_push(a, &ps->cfg->blocks, b) < 0)
		return NULL;
	return b;
}

static int add_file(struct parser *ps, const char *path)
{
	for (size_t i = 0; i < ps->cfg->files.n; i++)
		if (strcmp(ps->cfg->files.v[i], path) == 0)
			return KS_OK;
	return svec_push(ps->ctx->arena, &ps->cfg->files, (void *)path);
}

/* The files an Include pattern names, sorted as glob(3) in the C locale. The usual form (only the
 * last component has wildcards) lists the directory itself, so that an unreadable directory or a
 * dangling symlink, which stop sshd, are not mistaken for "no match". */
static int include_candidates(ks_collect_ctx *ctx, const char *pat, const char ***paths, size_t *n,
                              bool *listed)
{
	const char *slash = strrchr(pat, '/');
	size_t dlen = slash ? (size_t)(slash - pat) : 0;
	const char *base = slash ? slash + 1 : pat;
	*listed = false;
	if (memchr(pat, '*', dlen) || memchr(pat, '?', dlen) || memchr(pat, '[', dlen))
		return ks_rootfs_glob(ctx->root, ctx->arena, pat, paths, n);
	if (!strpbrk(base, "*?[")) {
		const char **one = ks_arena_alloc(ctx->arena, sizeof *one);
		if (!one)
			return KS_ENOMEM;
		one[0] = pat;
		*paths = one;
		*n = 1;
		return KS_OK;
	}
	*listed = true;
	*paths = NULL;
	*n = 0;
	char *dir = ks_arena_strndup(ctx->arena, pat, dlen ? dlen : 1);
	if (!dir)
		return KS_ENOMEM;
	const char **names;
	size_t nn;
	int rc = ks_rootfs_list(ctx->root, ctx->arena, dir, &names, &nn);
	if (rc == KS_ENOENT || rc == KS_ENOTDIR)
		return KS_OK;
	if (rc < 0)
		return rc;
	const char **v = ks_arena_alloc(ctx->arena, (nn ? nn : 1) * sizeof *v);
	if (!v)
		return KS_ENOMEM;
	for (size_t i = 0; i < nn; i++) {
		if (fnmatch(base, names[i], FNM_PERIOD) != 0)
			continue;
		v[*n] = ks_arena_printf(ctx->arena, "%s/%s", dlen ? dir : "", names[i]);
		if (!v[*n])
			return KS_ENOMEM;
		(*n)++;
	}
	*paths = v;
	return KS_OK;
}

/* Include: each argument is a glob(3) pattern; relative ones are taken from /etc/ssh (SSHDIR);
 * matches are read in sorted order at this point of the file (servconf.c sInclude). */
static int do_include(struct parser *ps, const struct sline *ln, struct sblock *cur)
{
	ks_collect_ctx *ctx = ps->ctx;
	for (size_t i = 0; i < ln->argc; i++) {
		const char *arg = ln->argv[i], *pat;
		if (arg[0] == '/') {
			pat = arg;
		} else if (arg[0] == '~') {
			/* tilde_expand_filename() for the uid sshd runs as (root). */
			if (arg[1] != '/' && arg[1] != '\0') {
				ks_diag_add(ctx->diags, KS_DIAG_WARNING, ln->path, ln->line, 0,
				            "Include %s: ~user paths are not resolved", arg);
				int rc = mark_uncertain(ps, ks_arena_printf(ctx->arena,
				                        "%s:%d: Include %s not resolved", ln->path, ln->line, arg));
				if (rc < 0)
					return rc;
				continue;
			}
			pat = ks_arena_printf(ctx->arena, "/root%s", arg + 1);
		} else {
			pat = ks_arena_printf(ctx->arena, "%s/%s", KS_SSHD_DIR, arg);
		}
		if (!pat)
			return KS_ENOMEM;
		const char **paths;
		size_t n;
		bool listed; /* candidates came from a directory listing: each one must be readable */
		int rc = include_candidates(ctx, pat, &paths, &n, &listed);
		if (rc == KS_ENOMEM)
			return rc;
		if (rc < 0) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, ln->path, ln->line, 0,
			            "Include %s: cannot list its directory: %s", arg, ks_strerror(rc));
			rc = mark_uncertain(ps, ks_arena_printf(ctx->arena, "Include %s at %s:%d: %s", arg,
			                                        ln->path, ln->line, ks_strerror(rc)));
			if (rc < 0)
				return rc;
			continue;
		}
		for (size_t k = 0; k < n; k++) {
			const char *p = paths[k];
			if (!p)
				return KS_ENOMEM; /* ks_rootfs_glob() keeps a failed copy as NULL */
			bool loop = false;
			for (int d = 0; d <= ps->depth; d++)
				loop |= strcmp(ps->stack[d], p) == 0;
			const char *why = NULL;
			if (loop)
				why = ks_arena_printf(ctx->arena, "Include loop: %s is already being read "
				                      "(sshd stops with \"too many recursive includes\")", p);
			else if (ps->depth >= KS_MAX_INCLUDE_DEPTH)
				why = ks_arena_printf(ctx->arena, "Include nested deeper than %d levels "
				                      "(sshd refuses to start)", KS_MAX_INCLUDE_DEPTH);
			else if (ps->nfiles >= KS_MAX_INCLUDE_FILES)
				why = ks_arena_printf(ctx->arena, "more than %d included files",
				                      KS_MAX_INCLUDE_FILES);
			if (!why && (loop || ps->depth >= KS_MAX_INCLUDE_DEPTH ||
			             ps->nfiles >= KS_MAX_INCLUDE_FILES))
				return KS_ENOMEM;
			if (why) {
				ks_diag_add(ctx->diags, KS_DIAG_WARNING, ln->path, ln->line, 0, "%s", why);
				rc = mark_uncertain(ps, ks_arena_printf(ctx->arena, "%s:%d: %s", ln->path,
				                                        ln->line, why));
				if (rc < 0)
					return rc;
				continue;
			}
			char *data;
			size_t len;
			ps->nfiles++;
			rc = ks_collect_read(ctx, p, &data, &len);
			if (rc == KS_ENOMEM)
				return rc;
			if ((rc == KS_ENOENT || rc == KS_ENOTDIR) && !listed)
				continue; /* a plain path that does not exist: glob(3) finds no match */
			if (rc == KS_ENOENT)
				ks_diag_add(ctx->diags, KS_DIAG_WARNING, p, 0, 0,
				            "matched by Include at %s:%d but cannot be opened (dangling "
				            "symlink?): sshd refuses to start", ln->path, ln->line);
			struct stat st;
			if (rc == KS_ENOTREG && ks_rootfs_stat(ctx->root, p, &st) == KS_OK &&
			    S_ISDIR(st.st_mode)) {
				/* sshd's fopen() of a directory succeeds and getline() reads nothing. */
				continue;
			}
			if (rc == KS_OK && !ks_is_text(data, len)) {
				ks_diag_add(ctx->diags, KS_DIAG_WARNING, p, 0, 0,
				            "contains NUL bytes: not a configuration file (sshd refuses it)");
				rc = KS_EPARSE;
			}
			if (rc < 0) {
				rc = mark_uncertain(ps, ks_arena_printf(ctx->arena, "%s: %s (included from %s:%d)",
				                                        p, ks_strerror(rc), ln->path, ln->line));
				if (rc < 0)
					return rc;
				continue;
			}
			rc = add_file(ps, p);
			if (rc < 0)
				return rc;
			ps->stack[++ps->depth] = p;
			rc = parse_file(ps, p, data, len, cur);
			ps->depth--;
			if (rc < 0)
				return rc;
		}
	}
	return KS_OK;
}

static int parse_line(struct parser *ps, const char *path, int lineno, const char *s, size_t n,
                      struct sblock *inherited, struct sblock **cur)
{
	ks_collect_ctx *ctx = ps->ctx;
	ks_arena *a = ctx->arena;
	/* load_server_config() drops leading " \t\r"; trailing white space and \f go too. */
	int col = 1; /* column of s[0] in the file's line */
	while (n && (*s == ' ' || *s == '\t' || *s == '\r')) {
		s++;
		n--;
		col++;
	}
	while (n && (is_ws(s[n - 1]) || s[n - 1] == '\f'))
		n--;
	if (!n || *s == '#')
		return KS_OK;
	/* The keyword ends at white space or one '=' (strdelim); a leading '=' yields an empty
	 * keyword and sshd takes the next word instead. */
	size_t i = 0, k0 = 0, kend = 0;
	for (int pass = 0; pass < 2 && kend == k0; pass++) {
		k0 = i;
		while (i < n && !is_ws(s[i]) && s[i] != '=' && s[i] != '"')
			i++;
		kend = i;
		if (i < n && s[i] == '"') {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, lineno, col + (int)i,
			            "quote in a keyword: line ignored");
			return KS_OK;
		}
		bool eq = i < n && s[i] == '=';
		if (eq)
			i++;
		while (i < n && is_ws(s[i]))
			i++;
		if (!eq && i < n && s[i] == '=') {
			i++;
			while (i < n && is_ws(s[i]))
				i++;
		}
	}
	/* s[k0..kend) is the keyword and s[i..n) the arguments */
	if (kend == k0 || s[k0] == '#')
		return KS_OK;
	const struct kw *kw = kw_find(s + k0, kend - k0);
	if (!kw) {
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, lineno, col + (int)k0,
		            "unknown keyword \"%.*s\" (sshd refuses to start: Bad configuration "
		            "option)", (int)(kend - k0), s + k0);
		return KS_OK;
	}
	if (i == n) {
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, lineno, col + (int)k0,
		            "no argument after keyword \"%.*s\" (sshd refuses to start)",
		            (int)(kend - k0), s + k0);
		return KS_OK;
	}
	struct sline *ln = ks_arena_alloc(a, sizeof *ln);
	if (!ln)
		return KS_ENOMEM;
	bool truncated;
	int rc = split_args(a, s + i, n - i, &ln->argv, &ln->argc, &truncated);
	if (rc == KS_EPARSE) {
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, lineno, col + (int)i,
		            "unterminated quote (sshd refuses to start)");
		return KS_OK;
	}
	if (rc < 0)
		return rc;
	if (truncated) {
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, lineno, 0,
		            "more than %u arguments: the rest are not read", KS_MAX_TOKENS);
		rc = mark_uncertain(ps, ks_arena_printf(a, "%s:%d: more than %u arguments",
		                                        path, lineno, KS_MAX_TOKENS));
		if (rc < 0)
			return rc;
	}
	ln->kw = kw;
	ln->path = path;
	ln->line = lineno;
	ln->seq = ++ps->seq;
	if (kw->flags & KW_DEP)
		ks_diag_add(ctx->diags, KS_DIAG_INFO, path, lineno, col + (int)k0,
		            "%s is deprecated or unsupported; sshd ignores it", kw->canon);
	if (kw->check == C_MATCH) {
		const char *bad = check_match(a, ln->argv, ln->argc);
		if (bad == oom)
			return KS_ENOMEM;
		if (bad)
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, lineno, col + (int)k0,
			            "%s (sshd refuses to start)", bad);
		*cur = new_block(ps, inherited, ln->argv, ln->argc, path, lineno);
		return *cur ? KS_OK : KS_ENOMEM;
	}
	if (kw->check == C_INCLUDE) {
		for (size_t k2 = 0; k2 < ln->argc; k2++)
			if (!*ln->argv[k2]) {
				ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, lineno, col + (int)k0,
				            "Include: empty argument (sshd refuses to start)");
				return KS_OK;
			}
		if (ln->argc == 0) {
			ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, lineno, col + (int)k0,
			            "Include needs a file name (sshd refuses to start)");
			return KS_OK;
		}
		return do_include(ps, ln, *cur);
	}
	ln->bad = check_line(a, kw, ln->argv, ln->argc);
	if (ln->bad == oom)
		return KS_ENOMEM;
	if (!ln->bad && kw->check == C_AUTHM && strcmp(ln->argv[0], "any") == 0 && ps->am_list_set)
		/* servconf.c rejects "any" once a method list was stored, whatever the scope. */
		ln->bad = "AuthenticationMethods: \"any\" after a method list was already set";
	if (ln->bad)
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, lineno, col + (int)k0,
		            "%s (sshd refuses to start)", ln->bad);
	struct sblock *b = *cur;
	if (b && !b->all && !(kw->flags & KW_M)) {
		/* servconf.c: "Directive '%s' is not allowed within a Match block" (fatal). */
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, lineno, col + (int)k0,
		            "%s is not allowed within a Match block (sshd refuses to start)",
		            kw->canon);
		return KS_OK;
	}
	/* "Match all" is active while sshd loads its configuration, so global-only keywords
	 * under it apply at load time; everything else is re-applied per connection. */
	if (!ln->bad && kw->check == C_AUTHM && strcmp(ln->argv[0], "any") != 0 && (!b || b->all))
		ps->am_list_set = true;
	if (b && (kw->flags & KW_M))
		return svec_push(a, &b->lines, ln);
	return svec_push(a, &ps->cfg->global, ln);
}

static int parse_file(struct parser *ps, const char *path, const char *data, size_t len,
                      struct sblock *inherited)
{
	/* A Match block ends at the end of the file it started in: sshd restores the including
	 * file's Match state after each Include (servconf.c: "*activep = oactive"). */
	struct sblock *cur = inherited;
	ks_lines it;
	const char *s;
	size_t n;
	ks_lines_init(&it, data, len);
	while (ks_lines_next(&it, &s, &n)) {
		if (n > KS_MAX_LINE) {
			ks_diag_add(ps->ctx->diags, KS_DIAG_WARNING, path, it.lineno, 0,
			            "line longer than %u bytes skipped", KS_MAX_LINE);
			int rc = mark_uncertain(ps, ks_arena_printf(ps->ctx->arena, "%s:%d: line too long",
			                                            path, it.lineno));
			if (rc < 0)
				return rc;
			continue;
		}
		int rc = parse_line(ps, path, it.lineno, s, n, inherited, &cur);
		if (rc < 0)
			return rc;
	}
	return KS_OK;
}

int ks_sshd_parse_buffer(ks_collect_ctx *ctx, const char *path, const char *data, size_t len,
                         ks_sshd_config **out)
{
	*out = NULL;
	ks_sshd_config *cfg = ks_arena_alloc(ctx->arena, sizeof *cfg);
	struct parser *ps = ks_arena_alloc(ctx->arena, sizeof *ps);
	if (!cfg || !ps || !(cfg->path = ks_arena_strdup(ctx->arena, path)))
		return KS_ENOMEM;
	ps->ctx = ctx;
	ps->cfg = cfg;
	ps->stack[0] = cfg->path;
	int rc = add_file(ps, cfg->path);
	if (rc < 0)
		return rc;
	if (!ks_is_text(data, len)) {
		ks_diag_add(ctx->diags, KS_DIAG_WARNING, path, 0, 0,
		            "contains NUL bytes: not a configuration file (sshd refuses it)");
		rc = mark_uncertain(ps, ks_arena_printf(ctx->arena, "%s: not a text file", path));
	} else {
		rc = parse_file(ps, cfg->path, data, len, NULL);
	}
	if (rc < 0)
		return rc;
	*out = cfg;
	return KS_OK;
}

/* ---- facts ---------------------------------------------------------------------------------- */

static bool canon_is(const struct sline *ln, const char *canon)
{
	return strcmp(ln->kw->canon, canon) == 0;
}

/* The line that decides CANON for a connection matching no conditional Match block: sshd applies
 * matching Match blocks over the global values per connection, and "Match all" always matches
 * (servconf.c parse_server_match_config / copy_set_server_options). Among global lines the first
 * wins. *certain is false when unread input could have decided it instead. */
static const struct sline *decide(const ks_sshd_config *cfg, const char *canon, bool *certain)
{
	const struct sline *best = NULL;
	bool match_ok = false;
	for (size_t b = 0; b < cfg->blocks.n; b++) {
		const struct sblock *blk = cfg->blocks.v[b];
		if (!blk->all)
			continue;
		for (size_t i = 0; i < blk->lines.n; i++) {
			const struct sline *ln = blk->lines.v[i];
			if (canon_is(ln, canon) && (!best || ln->seq < best->seq))
				best = ln;
		}
	}
	if (best) {
		*certain = !cfg->unc_seq || best->seq < cfg->unc_seq;
		return best;
	}
	for (size_t i = 0; i < sizeof keywords / sizeof *keywords; i++)
		if (strcmp(keywords[i].canon, canon) == 0)
			match_ok = keywords[i].flags & KW_M;
	for (size_t i = 0; i < cfg->global.n; i++) {
		const struct sline *ln = cfg->global.v[i];
		if (canon_is(ln, canon)) {
			/* A Match-allowed option could still be overridden by a "Match all" in unread input. */
			*certain = !cfg->unc_seq || (ln->seq < cfg->unc_seq && !match_ok);
			return ln;
		}
	}
	*certain = !cfg->unc_seq;
	return NULL;
}

static int put_unknown_uncertain(ks_collect_ctx *ctx, const ks_sshd_config *cfg, const char *key)
{
	return ks_fact_unknown(ctx->facts, key, cfg->path, "%s", cfg->unc_reason);
}

enum fact_kind { F_BOOL, F_INT, F_TIME, F_ROOT, F_STR };

static int put_option(ks_collect_ctx *ctx, const ks_sshd_config *cfg, const char *key,
                      const char *canon, enum fact_kind kind, int64_t def_i, const char *def_s)
{
	bool certain;
	const struct sline *ln = decide(cfg, canon, &certain);
	if (!certain)
		return put_unknown_uncertain(ctx, cfg, key);
	if (!ln) {
		ks_value v;
		switch (kind) {
		case F_BOOL: v = ks_val_bool(def_i != 0); break;
		case F_INT:
		case F_TIME: v = ks_val_int(def_i); break;
		default: v = ks_val_strz(ctx->arena, def_s); break;
		}
		if (v.type == KS_VAL_UNKNOWN)
			return KS_ENOMEM;
		return ks_fact_put_probe(ctx->facts, key, v, "OpenSSH default");
	}
	if (ln->bad)
		return ks_fact_unknown(ctx->facts, key, ln->path, "malformed at line %d: %s", ln->line,
		                       ln->bad);
	const char *a0 = ln->argv[0];
	ks_value v;
	switch (kind) {
	case F_BOOL:
		v = ks_val_bool(ks_ieq(a0, strlen(a0), "yes"));
		break;
	case F_INT: {
		int64_t i = 0;
		conv_int(a0, &i);
		v = ks_val_int(i);
		break;
	}
	case F_TIME:
		v = ks_val_int(conv_time(a0));
		break;
	case F_ROOT: {
		/* Matched case-insensitively; without-password is the old name of prohibit-password. */
		char *low = ks_arena_strdup(ctx->arena, a0);
		if (!low)
			return KS_ENOMEM;
		for (char *c = low; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c + 32);
		v = ks_val_strz(ctx->arena, strcmp(low, "without-password") == 0 ? "prohibit-password"
		                                                                  : low);
		break;
	}
	default: {
		char *j = join_args(ctx->arena, ln->argv, ln->argc);
		if (!j)
			return KS_ENOMEM;
		v = ks_val_strz(ctx->arena, j);
		break;
	}
	}
	if (v.type == KS_VAL_UNKNOWN)
		return KS_ENOMEM;
	return ks_fact_put(ctx->facts, key, v, ln->path, ln->line);
}

/* Accumulating lists: every line of the deciding scope adds its arguments. */
static int put_list(ks_collect_ctx *ctx, const ks_sshd_config *cfg, const char *key,
                    const char *canon, bool ports)
{
	if (cfg->unc_seq)
		return put_unknown_uncertain(ctx, cfg, key);
	ks_arena *a = ctx->arena;
	/* Match-allowed lists set in "Match all" replace the global list for every connection. */
	struct svec from = {0};
	for (size_t b = 0; b < cfg->blocks.n; b++) {
		const struct sblock *blk = cfg->blocks.v[b];
		for (size_t i = 0; blk->all && i < blk->lines.n; i++)
			if (canon_is(blk->lines.v[i], canon) && svec_push(a, &from, blk->lines.v[i]) < 0)
				return KS_ENOMEM;
	}
	if (!from.n)
		for (size_t i = 0; i < cfg->global.n; i++)
			if (canon_is(cfg->global.v[i], canon) && svec_push(a, &from, cfg->global.v[i]) < 0)
				return KS_ENOMEM;
	ks_value list = ks_val_list();
	const struct sline *first = NULL;
	for (size_t k = 0; k < from.n; k++) {
		const struct sline *ln = from.v[k];
		if (!first || ln->seq < first->seq)
			first = ln;
		if (ln->bad)
			return ks_fact_unknown(ctx->facts, key, ln->path, "malformed at line %d: %s",
			                       ln->line, ln->bad);
		for (size_t i = 0; i < ln->argc; i++) {
			ks_value item;
			if (ports) {
				int64_t p;
				if (!ks_parse_int(ln->argv[i], strlen(ln->argv[i]), &p))
					return ks_fact_unknown(ctx->facts, key, ln->path,
					                       "line %d: port \"%s\" is a service name (not resolved)",
					                       ln->line, ln->argv[i]);
				item = ks_val_int(p);
			} else {
				item = ks_val_strz(a, ln->argv[i]);
				if (item.type == KS_VAL_UNKNOWN)
					return KS_ENOMEM;
			}
			if (ks_list_push(a, &list, item) < 0)
				return KS_ENOMEM;
		}
	}
	if (!first) {
		if (ports && ks_list_push(a, &list, ks_val_int(22)) < 0)
			return KS_ENOMEM;
		return ks_fact_put_probe(ctx->facts, key, list, "OpenSSH default");
	}
	return ks_fact_put(ctx->facts, key, list, first->path, first->line);
}

static int put_match_blocks(ks_collect_ctx *ctx, const ks_sshd_config *cfg)
{
	static const char key[] = "ssh.match_blocks";
	if (cfg->unc_seq)
		return put_unknown_uncertain(ctx, cfg, key);
	ks_arena *a = ctx->arena;
	ks_value list = ks_val_list();
	for (size_t b = 0; b < cfg->blocks.n; b++) {
		const struct sblock *blk = cfg->blocks.v[b];
		/* order: each setting's place in sshd's reading order. A block's lines can surround a
		 * nested block (Include inside Match), and a connection takes each keyword from the
		 * first matching line, so readers compare these rather than block positions. */
		ks_value rec = ks_val_record(), settings = ks_val_list(), order = ks_val_list();
		for (size_t i = 0; i < blk->lines.n; i++) {
			const struct sline *ln = blk->lines.v[i];
			if (ln->bad)
				continue; /* already a diagnostic; sshd would not start with it */
			char *args = join_args(a, ln->argv, ln->argc);
			char *s = args ? ks_arena_printf(a, "%s %s", ln->kw->canon, args) : NULL;
			ks_value sv = ks_val_strz(a, s);
			if (!s || sv.type != KS_VAL_STR || ks_list_push(a, &settings, sv) < 0 ||
			    ks_list_push(a, &order, ks_val_int(ln->seq)) < 0)
				return KS_ENOMEM;
		}
		const char *src = ks_collect_where(ctx, blk->path, blk->line);
		ks_value crit = ks_val_strz(a, blk->criteria), where = ks_val_strz(a, src);
		if (!src || crit.type != KS_VAL_STR || where.type != KS_VAL_STR ||
		    ks_record_set(a, &rec, "name", crit) < 0 ||
		    ks_record_set(a, &rec, "criteria", crit) < 0 ||
		    ks_record_set(a, &rec, "source", where) < 0 ||
		    ks_record_set(a, &rec, "settings", settings) < 0 ||
		    ks_record_set(a, &rec, "order", order) < 0 || ks_list_push(a, &list, rec) < 0)
			return KS_ENOMEM;
	}
	return ks_fact_put(ctx->facts, key, list, cfg->path, 0);
}

static int put_files(ks_collect_ctx *ctx, const ks_sshd_config *cfg)
{
	ks_value list = ks_val_list();
	for (size_t i = 0; i < cfg->files.n; i++) {
		ks_value s = ks_val_strz(ctx->arena, cfg->files.v[i]);
		if (s.type == KS_VAL_UNKNOWN || ks_list_push(ctx->arena, &list, s) < 0)
			return KS_ENOMEM;
	}
	return ks_fact_put_probe(ctx->facts, "ssh.config_files", list,
	                         "sshd_config and the files its Include lines matched");
}

static const struct {
	const char *key, *canon;
	enum fact_kind kind;
	int64_t def_i;
	const char *def_s;
} options[] = {
	/* Defaults: OpenSSH 9.2 fill_default_server_options() (servconf.c). */
	{"ssh.permit_root_login", "PermitRootLogin", F_ROOT, 0, "prohibit-password"},
	{"ssh.password_authentication", "PasswordAuthentication", F_BOOL, 1, NULL},
	{"ssh.kbd_interactive_authentication", "KbdInteractiveAuthentication", F_BOOL, 1, NULL},
	{"ssh.pubkey_authentication", "PubkeyAuthentication", F_BOOL, 1, NULL},
	{"ssh.hostbased_authentication", "HostbasedAuthentication", F_BOOL, 0, NULL},
	{"ssh.gssapi_authentication", "GSSAPIAuthentication", F_BOOL, 0, NULL},
	{"ssh.use_pam", "UsePAM", F_BOOL, 0, NULL},
	{"ssh.permit_empty_passwords", "PermitEmptyPasswords", F_BOOL, 0, NULL},
	{"ssh.x11_forwarding", "X11Forwarding", F_BOOL, 0, NULL},
	{"ssh.authentication_methods", "AuthenticationMethods", F_STR, 0, "any"},
	{"ssh.client_alive_interval", "ClientAliveInterval", F_TIME, 0, NULL},
	{"ssh.client_alive_count_max", "ClientAliveCountMax", F_INT, 3, NULL},
	{"ssh.max_auth_tries", "MaxAuthTries", F_INT, 6, NULL},
	{"ssh.login_grace_time", "LoginGraceTime", F_TIME, 120, NULL},
};

static const struct {
	const char *key, *canon;
	bool ports;
} lists[] = {
	{"ssh.ports", "Port", true},
	{"ssh.allow_users", "AllowUsers", false},
	{"ssh.allow_groups", "AllowGroups", false},
	{"ssh.deny_users", "DenyUsers", false},
	{"ssh.deny_groups", "DenyGroups", false},
};

int ks_sshd_put_facts(ks_collect_ctx *ctx, const ks_sshd_config *cfg)
{
	int rc = put_files(ctx, cfg);
	for (size_t i = 0; rc == KS_OK && i < sizeof options / sizeof *options; i++)
		rc = put_option(ctx, cfg, options[i].key, options[i].canon, options[i].kind,
		                options[i].def_i, options[i].def_s);
	for (size_t i = 0; rc == KS_OK && i < sizeof lists / sizeof *lists; i++)
		rc = put_list(ctx, cfg, lists[i].key, lists[i].canon, lists[i].ports);
	if (rc == KS_OK)
		rc = put_match_blocks(ctx, cfg);
	return rc;
}

/* Every option fact, unknown for one reason (not installed, config unreadable). */
static int put_all_unknown(ks_collect_ctx *ctx, const char *path, const char *reason,
                           bool files_too)
{
	int rc = KS_OK;
	for (size_t i = 0; rc == KS_OK && i < sizeof options / sizeof *options; i++)
		rc = ks_fact_unknown(ctx->facts, options[i].key, path, "%s", reason);
	for (size_t i = 0; rc == KS_OK && i < sizeof lists / sizeof *lists; i++)
		rc = ks_fact_unknown(ctx->facts, lists[i].key, path, "%s", reason);
	if (rc == KS_OK)
		rc = ks_fact_unknown(ctx->facts, "ssh.match_blocks", path, "%s", reason);
	if (rc == KS_OK && files_too)
		rc = ks_fact_unknown(ctx->facts, "ssh.config_files", path, "%s", reason);
	return rc;
}

int ks_collect_sshd(ks_collect_ctx *ctx)
{
	struct stat st;
	int rc = ks_rootfs_stat(ctx->root, KS_SSHD_BINARY, &st);
	int installed; /* 1, 0, -1 unknown */
	if (rc == KS_OK) {
		installed = S_ISREG(st.st_mode);
		rc = ks_fact_bool(ctx->facts, "ssh.installed", installed, KS_SSHD_BINARY, 0);
	} else if (rc == KS_ENOENT || rc == KS_ENOTDIR) {
		installed = 0;
		rc = ks_fact_bool(ctx->facts, "ssh.installed", false, KS_SSHD_BINARY, 0);
	} else {
		installed = -1;
		rc = ks_fact_unknown(ctx->facts, "ssh.installed", KS_SSHD_BINARY, "%s: %s",
		                     KS_SSHD_BINARY, ks_strerror(rc));
	}
	if (rc < 0)
		return rc;

	char *data = NULL;
	size_t len = 0;
	int rrc = KS_ENOENT;
	if (installed) {
		rrc = ks_collect_read(ctx, KS_SSHD_CONFIG, &data, &len);
		if (rrc == KS_ENOMEM)
			return rrc;
	} else {
		/* Not installed: the configuration does not matter; only say whether it is there. */
		rrc = ks_rootfs_stat(ctx->root, KS_SSHD_CONFIG, &st);
		if (rrc == KS_OK)
			rrc = S_ISREG(st.st_mode) ? KS_OK : KS_ENOTREG;
	}
	if (rrc == KS_OK || (rrc != KS_ENOENT && rrc != KS_ENOTDIR))
		rc = ks_fact_bool(ctx->facts, "ssh.config_present", true, KS_SSHD_CONFIG, 0);
	else
		rc = ks_fact_bool(ctx->facts, "ssh.config_present", false, KS_SSHD_CONFIG, 0);
	if (rc < 0)
		return rc;

	if (!installed)
		return put_all_unknown(ctx, KS_SSHD_BINARY, "OpenSSH server not installed", true);
	if (rrc == KS_ENOENT || rrc == KS_ENOTDIR) {
		rc = put_all_unknown(ctx, KS_SSHD_CONFIG, KS_SSHD_CONFIG
		                     ": not found (sshd does not start without it)", false);
		if (rc == KS_OK)
			rc = ks_fact_put_probe(ctx->facts, "ssh.config_files", ks_val_list(),
			                       KS_SSHD_CONFIG " not found");
		return rc;
	}
	if (rrc < 0) {
		const char *why = ks_arena_printf(ctx->arena, "%s: %s", KS_SSHD_CONFIG, ks_strerror(rrc));
		return why ? put_all_unknown(ctx, KS_SSHD_CONFIG, why, true) : KS_ENOMEM;
	}
	ks_sshd_config *cfg;
	rc = ks_sshd_parse_buffer(ctx, KS_SSHD_CONFIG, data, len, &cfg);
	if (rc < 0)
		return rc;
	return ks_sshd_put_facts(ctx, cfg);
}
