/* listening collector: /proc/net parsing (hex addresses, states), owners through /proc/<pid>/fd,
 * unknown owners, images, and a real socket of this test process on the live host. */
#include "support.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "collect/collectors.h"
#include "collect/listening.h"
#include "core/diag.h"

static void mklink(const char *root, const char *rel, const char *target)
{
	char p[4096];
	snprintf(p, sizeof p, "%s/%s", root, rel[0] == '/' ? rel + 1 : rel);
	for (char *s = p + strlen(root) + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			if (mkdir(p, 0755) < 0 && errno != EEXIST)
				fail_msg("mkdir %s: %s", p, strerror(errno));
			*s = '/';
		}
	if (symlink(target, p) < 0)
		fail_msg("symlink %s: %s", p, strerror(errno));
}

static const ks_value *find_rec(const ks_value *list, const char *name)
{
	for (size_t i = 0; i < list->u.list.n; i++) {
		const ks_value *n = ks_record_get(&list->u.list.items[i], "name");
		if (n && n->type == KS_VAL_STR && strcmp(n->u.str.s, name) == 0)
			return &list->u.list.items[i];
	}
	return NULL;
}

static bool has_diag(ks_collect_ctx *ctx, const char *path, int line, const char *needle)
{
	for (size_t i = 0; i < ks_diags_count(ctx->diags); i++) {
		const ks_diag *d = ks_diags_at(ctx->diags, i);
		if ((!path || (d->path && strcmp(d->path, path) == 0)) && (line < 0 || d->line == line) &&
		    strstr(d->message, needle))
			return true;
	}
	return false;
}

#define TAIL " 00000000:00000000 00:00000000 00000000     0        0 "
static const char proc_tcp[] =
	"  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
	"   0: 00000000:0016 00000000:0000 0A" TAIL "1000 1 0000000000000000 100 0 0 10 0\n"
	"   1: 0100007F:0277 00000000:0000 0A" TAIL "1001 1 0000000000000000 100 0 0 10 0\n"
	"   2: 00000000:0801 00000000:0000 0A" TAIL "0 1 0000000000000000 100 0 0 10 0\n"
	"   3: 0F02000A:0016 0202000A:C350 01" TAIL "1005 4 0000000000000000 20 4 1 10 -1\n"
	"   4: ZZ02000A:0016 00000000:0000 0A" TAIL "1007 1\n"
	"garbage\n"
	"   6: 00000000:0016 00000000:0000 0A" TAIL "-5 1\n";
static const char proc_tcp6[] =
	"  sl  local_address                         remote_address                        st tx_queue rx_queue tr "
	"tm->when retrnsmt   uid  timeout inode\n"
	"   0: 00000000000000000000000000000000:0016 00000000000000000000000000000000:0000 0A" TAIL
	"1002 1 0000000000000000 100 0 0 10 0\n"
	"   1: 00000000000000000000000001000000:0277 00000000000000000000000000000000:0000 0A" TAIL
	"1006 1 0000000000000000 100 0 0 10 0\n"
	"   2: 0100007F:0016 00000000:0000 0A" TAIL "1008 1\n"; /* an IPv4 address in tcp6: malformed */
static const char proc_udp[] =
	"   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref "
	"pointer drops\n"
	"  123: 00000000:0044 00000000:0000 07" TAIL "1003 2 0000000000000000 0\n"
	"  124: 0F02000A:A1B2 08080808:0035 01" TAIL "1004 2 0000000000000000 0\n"
	"  125: 00000000:0000 00000000:0000 07" TAIL "1009 2 0000000000000000 0\n";

static char *proc_root(void)
{
	char *r = ks_test_tmpdir();
	ks_test_write(r, "/proc/net/tcp", proc_tcp);
	ks_test_write(r, "/proc/net/tcp6", proc_tcp6);
	ks_test_write(r, "/proc/net/udp", proc_udp);
	mklink(r, "/proc/100/fd/3", "socket:[1000]");
	mklink(r, "/proc/100/fd/4", "socket:[1002]");
	mklink(r, "/proc/100/fd/5", "pipe:[77]");
	ks_test_write(r, "/proc/100/comm", "sshd\n");
	mklink(r, "/proc/200/fd/0", "/dev/null");
	mklink(r, "/proc/200/fd/7", "socket:[1001]");
	mklink(r, "/proc/200/fd/8", "socket:[1001]");
	ks_test_write(r, "/proc/200/comm", "cupsd\n");
	mklink(r, "/proc/250/fd/9", "socket:[1000]"); /* a forked worker sharing sshd's socket */
	ks_test_write(r, "/proc/250/comm", "sshd-worker\n");
	ks_test_write(r, "/proc/300/comm", "kthreadd\n"); /* no fd directory */
	mklink(r, "/proc/self", "100");
	return r;
}

static void test_proc_tree(void **state)
{
	(void)state;
	char *root = proc_root();
	ks_collect_ctx *ctx = ks_test_ctx(root);
	ctx->live = true;
	assert_int_equal(ks_collect_listening(ctx), 0);
	const ks_fact *f = ks_fact_get(ctx->facts, "services.listening");
	assert_non_null(f);
	assert_int_equal(f->value.type, KS_VAL_LIST);
	const ks_value *l = &f->value;
	assert_int_equal(l->u.list.n, 6);
	const ks_value *ssh = find_rec(l, "tcp 0.0.0.0:22 sshd");
	assert_non_null(ssh);
	assert_int_equal(ks_record_get(ssh, "port")->u.i, 22);
	assert_int_equal(ks_record_get(ssh, "pid")->u.i, 100);
	assert_string_equal(ks_record_get(ssh, "address")->u.str.s, "0.0.0.0");
	assert_string_equal(ks_record_get(ssh, "proto")->u.str.s, "tcp");
	assert_string_equal(ks_record_get(ssh, "source")->u.str.s, "/proc/net/tcp:2");
	const ks_value *cups = find_rec(l, "tcp 127.0.0.1:631 cupsd");
	assert_non_null(cups);
	assert_int_equal(ks_record_get(cups, "pid")->u.i, 200);
	assert_non_null(find_rec(l, "tcp 0.0.0.0:2049 [kernel]"));
	assert_non_null(find_rec(l, "tcp6 [::]:22 sshd"));
	const ks_value *lo6 = find_rec(l, "tcp6 [::1]:631 ?");
	assert_non_null(lo6);
	assert_int_equal(ks_record_get(lo6, "process")->type, KS_VAL_UNKNOWN);
	assert_int_equal(ks_record_get(lo6, "pid")->type, KS_VAL_UNKNOWN);
	assert_non_null(strstr(ks_record_get(lo6, "note")->u.str.s, "no process"));
	const ks_value *dhcp = find_rec(l, "udp 0.0.0.0:68 ?");
	assert_non_null(dhcp);
	assert_string_equal(ks_record_get(dhcp, "source")->u.str.s, "/proc/net/udp:2");
	assert_true(has_diag(ctx, "/proc/net/tcp", 6, "expected"));
	assert_true(has_diag(ctx, "/proc/net/tcp", 7, "expected"));
	assert_true(has_diag(ctx, "/proc/net/tcp", 8, "expected"));
	assert_true(has_diag(ctx, "/proc/net/tcp6", 4, "expected"));
	assert_int_equal(ks_diags_count(ctx->diags), 4);
	assert_non_null(f->source.probe);
	assert_non_null(strstr(f->source.probe, "/proc/net"));
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static void test_image(void **state)
{
	(void)state;
	char *root = proc_root();
	ks_collect_ctx *ctx = ks_test_ctx(root); /* live = false: an image */
	assert_int_equal(ks_collect_listening(ctx), 0);
	assert_true(ks_test_fact_is_unknown(ctx, "services.listening"));
	assert_non_null(strstr(ks_fact_get(ctx->facts, "services.listening")->reason, "not available for an image"));
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);

	/* live, but no /proc/net/tcp (procfs not mounted) */
	root = ks_test_tmpdir();
	ctx = ks_test_ctx(root);
	ctx->live = true;
	assert_int_equal(ks_collect_listening(ctx), 0);
	assert_true(ks_test_fact_is_unknown(ctx, "services.listening"));
	assert_non_null(strstr(ks_fact_get(ctx->facts, "services.listening")->reason, "/proc/net/tcp"));
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

/* Not root: another user's /proc/<pid>/fd is unreadable, so that socket's owner is unknown. */
static int denied_child(const char *root)
{
	ks_collect_ctx *ctx = ks_test_ctx(root);
	ctx->live = true;
	if (ks_collect_listening(ctx) != 0)
		return 10;
	const ks_fact *f = ks_fact_get(ctx->facts, "services.listening");
	if (!f || f->value.type != KS_VAL_LIST)
		return 11;
	const ks_value *ssh = find_rec(&f->value, "tcp 0.0.0.0:22 ?");
	if (!ssh || ks_record_get(ssh, "process")->type != KS_VAL_UNKNOWN)
		return 12;
	if (!strstr(ks_record_get(ssh, "note")->u.str.s, "permission denied"))
		return 13;
	if (!find_rec(&f->value, "tcp 127.0.0.1:631 cupsd"))
		return 14;
	ks_test_ctx_free(ctx);
	return 0;
}

static void test_permission_denied(void **state)
{
	(void)state;
	char *root = proc_root();
	char p[4096];
	snprintf(p, sizeof p, "%s/proc/100/fd", root);
	assert_int_equal(chmod(p, 0700), 0); /* owned by root */
	snprintf(p, sizeof p, "%s/proc/250/fd", root);
	assert_int_equal(chmod(p, 0700), 0);
	assert_int_equal(chmod(root, 0755), 0);
	if (geteuid() != 0) {
		assert_int_equal(denied_child(root), 0);
	} else {
		snprintf(p, sizeof p, "%s/proc/200", root);
		assert_int_equal(chown(p, 65534, 65534), 0);
		snprintf(p, sizeof p, "%s/proc/200/fd", root);
		assert_int_equal(chown(p, 65534, 65534), 0);
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			if (setgid(65534) < 0 || setuid(65534) < 0)
				_exit(20);
			_exit(denied_child(root));
		}
		int st;
		assert_int_equal(waitpid(pid, &st, 0), pid);
		assert_true(WIFEXITED(st));
		assert_int_equal(WEXITSTATUS(st), 0);
	}
	ks_test_rmtree(root);
	free(root);
}

static void test_parse_buffer(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_collect_ctx *ctx = ks_test_ctx(root);
	ks_listen_set set = {0};
	assert_int_equal(ks_procnet_parse_buffer(ctx, "/t", "tcp", proc_tcp, sizeof proc_tcp - 1, &set), 0);
	assert_int_equal(set.n, 3);
	assert_string_equal(set.v[1].address, "127.0.0.1");
	assert_int_equal(set.v[1].port, 631);
	assert_int_equal(set.v[1].inode, 1001);
	assert_int_equal(set.v[1].line, 3);
	assert_int_equal(ks_procnet_parse_buffer(ctx, "/u", "udp6", "", 0, &set), 0);
	assert_int_equal(set.n, 3);
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

/* On the real host: a socket this test opens is found with this process as its owner, fast. */
static void test_live_host(void **state)
{
	(void)state;
	int s = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(s >= 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(listen(s, 1), 0);
	socklen_t sl = sizeof sa;
	assert_int_equal(getsockname(s, (struct sockaddr *)&sa, &sl), 0);
	unsigned port = ntohs(sa.sin_port);
	char comm[64] = "";
	FILE *cf = fopen("/proc/self/comm", "r");
	assert_non_null(cf);
	assert_non_null(fgets(comm, sizeof comm, cf));
	fclose(cf);
	comm[strcspn(comm, "\n")] = '\0';

	ks_collect_ctx *ctx = ks_test_ctx("/");
	ctx->live = true;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(ks_collect_listening(ctx), 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	const ks_fact *f = ks_fact_get(ctx->facts, "services.listening");
	assert_non_null(f);
	assert_int_equal(f->value.type, KS_VAL_LIST);
	char want[128];
	snprintf(want, sizeof want, "tcp 127.0.0.1:%u %s", port, comm);
	const ks_value *r = find_rec(&f->value, want);
	if (!r && strstr(f->source.probe, "stopped at a limit")) {
		/* a very slow or busy host: the owner search stopped at its time budget first */
		snprintf(want, sizeof want, "tcp 127.0.0.1:%u ?", port);
		assert_non_null(find_rec(&f->value, want));
		printf("live: owner search stopped at its limit (%s)\n", f->source.probe);
	} else {
		if (!r)
			fail_msg("%s not among %zu listening sockets", want, f->value.u.list.n);
		assert_int_equal(ks_record_get(r, "pid")->u.i, getpid());
	}
	printf("live: %zu sockets in %.1f ms (%s)\n", f->value.u.list.n, ms, f->source.probe);
	assert_true(ms < 1000.0); /* < 50 ms without sanitizers; generous under ASan */
	ks_test_ctx_free(ctx);
	close(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_proc_tree),         cmocka_unit_test(test_image),
		cmocka_unit_test(test_permission_denied), cmocka_unit_test(test_parse_buffer),
		cmocka_unit_test(test_live_host),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
