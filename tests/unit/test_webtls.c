/* webtls collector: nginx (ssl_protocols inheritance, listen ... ssl on shared sockets, ssl on,
 * stream, includes, version defaults, syntax errors) and Apache (SSLProtocol +/-/all and holes,
 * SSLEngine inheritance, IfModule/IfDefine, Include/IncludeOptional), the vendor fixtures. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/collectors.h"
#include "collect/webtls.h"
#include "core/error.h"

#define DPKG_NGINX                                                                                 \
	"Package: nginx\nStatus: install ok installed\nArchitecture: amd64\n"                          \
	"Version: 1.22.1-9+deb12u11\n\n"

static ks_collect_ctx *run(char *root)
{
	ks_collect_ctx *ctx = ks_test_ctx(root);
	assert_int_equal(ks_collect_dpkg(ctx), 0);
	assert_int_equal(ks_collect_webtls(ctx), 0);
	return ctx;
}

static void finish(ks_collect_ctx *ctx, char *root)
{
	ks_test_ctx_free(ctx);
	ks_test_rmtree(root);
	free(root);
}

static const ks_value *servers(ks_collect_ctx *ctx)
{
	const ks_fact *f = ks_fact_get(ctx->facts, "tls.servers");
	assert_non_null(f);
	assert_int_equal(f->value.type, KS_VAL_LIST);
	return &f->value;
}

static const char *str_field(const ks_value *rec, const char *k)
{
	const ks_value *v = ks_record_get(rec, k);
	assert_non_null(v);
	assert_int_equal(v->type, KS_VAL_STR);
	return v->u.str.s;
}

static void assert_server(ks_collect_ctx *ctx, size_t i, const char *name, const char *minv, int ok,
                          const char *source)
{
	const ks_value *l = servers(ctx);
	if (i >= l->u.list.n)
		fail_msg("only %zu servers", l->u.list.n);
	const ks_value *r = &l->u.list.items[i];
	assert_string_equal(str_field(r, "name"), name);
	const ks_value *okv = ks_record_get(r, "ok");
	if (ok < 0) {
		assert_int_equal(okv->type, KS_VAL_UNKNOWN);
	} else {
		assert_string_equal(str_field(r, "min_version"), minv);
		assert_int_equal(okv->type, KS_VAL_BOOL);
		assert_int_equal(okv->u.b, ok);
	}
	assert_string_equal(str_field(r, "source"), source);
}

static char *nginx_root(const char *conf, const char *site)
{
	char *root = ks_test_tmpdir();
	ks_test_write(root, "etc/nginx/nginx.conf", conf);
	if (site)
		ks_test_write(root, "etc/nginx/sites-enabled/site", site);
	ks_test_write(root, "var/lib/dpkg/status", DPKG_NGINX);
	return root;
}

#define HTTP_OPEN "events { worker_connections 768; }\nhttp {\n"
#define INCLUDE_SITES "include /etc/nginx/sites-enabled/*;\n"

static void test_nginx_inheritance(void **state)
{
	(void)state;
	/* http-level ssl_protocols (Debian's nginx.conf line) applies to the ssl server. */
	char *root = nginx_root(HTTP_OPEN "ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;\n" INCLUDE_SITES "}\n",
	                        "server {\n listen 80;\n}\nserver {\n listen 443 ssl;\n server_name a;\n}\n");
	ks_collect_ctx *ctx = run(root);
	assert_int_equal(servers(ctx)->u.list.n, 1);
	assert_server(ctx, 0, "nginx /etc/nginx/sites-enabled/site:4", "TLSv1", 0, "/etc/nginx/nginx.conf:3");
	assert_false(ks_test_fact_bool(ctx, "tls.min_version_ok"));
	finish(ctx, root);

	/* The server's own ssl_protocols wins, wherever the http one is written. */
	root = nginx_root(HTTP_OPEN INCLUDE_SITES "ssl_protocols TLSv1 TLSv1.2;\n}\n",
	                  "server {\n listen 443 ssl;\n ssl_protocols TLSv1.2 TLSv1.3;\n}\n");
	ctx = run(root);
	assert_server(ctx, 0, "nginx /etc/nginx/sites-enabled/site:1", "TLSv1.2", 1, "/etc/nginx/sites-enabled/site:3");
	assert_true(ks_test_fact_bool(ctx, "tls.min_version_ok"));
	finish(ctx, root);

	/* No ssl_protocols: nginx 1.22's default includes TLSv1 and TLSv1.1. */
	root = nginx_root(HTTP_OPEN INCLUDE_SITES "}\n", "server {\n listen [::]:443 ssl http2;\n}\n");
	ctx = run(root);
	assert_server(ctx, 0, "nginx /etc/nginx/sites-enabled/site:1", "TLSv1", 0, "/etc/nginx/sites-enabled/site:1");
	finish(ctx, root);

	/* ... and without a package record the default is unknown. */
	root = nginx_root(HTTP_OPEN INCLUDE_SITES "}\n", "server {\n listen 443 ssl;\n}\n");
	ks_test_write(root, "var/lib/dpkg/status", "");
	ctx = run(root);
	assert_server(ctx, 0, "nginx /etc/nginx/sites-enabled/site:1", NULL, -1, "/etc/nginx/sites-enabled/site:1");
	assert_true(ks_test_fact_is_unknown(ctx, "tls.min_version_ok"));
	finish(ctx, root);
}

static void test_nginx_listen(void **state)
{
	(void)state;
	/* "ssl" belongs to the socket: the second server on 443 is TLS too. "ssl on" (before 1.25.1). */
	char *root = nginx_root(HTTP_OPEN "ssl_protocols TLSv1.2;\n"
	                                  "server { listen 443 ssl default_server; }\n"
	                                  "server { listen *:443; server_name b; ssl_protocols TLSv1.1 TLSv1.2; }\n"
	                                  "server { listen 8443; ssl on; }\n"
	                                  "server { listen 8080; }\n"
	                                  "}\n",
	                        NULL);
	ks_collect_ctx *ctx = run(root);
	assert_int_equal(servers(ctx)->u.list.n, 3);
	assert_server(ctx, 0, "nginx /etc/nginx/nginx.conf:4", "TLSv1.2", 1, "/etc/nginx/nginx.conf:3");
	assert_server(ctx, 1, "nginx /etc/nginx/nginx.conf:5", "TLSv1.1", 0, "/etc/nginx/nginx.conf:5");
	assert_server(ctx, 2, "nginx /etc/nginx/nginx.conf:6", "TLSv1.2", 1, "/etc/nginx/nginx.conf:3");
	assert_false(ks_test_fact_bool(ctx, "tls.min_version_ok"));
	finish(ctx, root);

	/* stream{} has its own ssl_protocols; ${var} braces are not blocks; quoted words. */
	root = nginx_root("stream {\n ssl_protocols \"TLSv1.2\" 'TLSv1.3';\n"
	                  " map $x ${y} { default 1; }\n server {\n  listen 636 ssl;\n }\n}\n",
	                  NULL);
	ctx = run(root);
	assert_server(ctx, 0, "nginx stream /etc/nginx/nginx.conf:4", "TLSv1.2", 1, "/etc/nginx/nginx.conf:2");
	finish(ctx, root);

	/* QUIC only: TLS 1.3 by definition. */
	root = nginx_root(HTTP_OPEN "server { listen 443 quic reuseport; }\n}\n", NULL);
	ctx = run(root);
	assert_server(ctx, 0, "nginx /etc/nginx/nginx.conf:3", "TLSv1.3", 1, "/etc/nginx/nginx.conf:3");
	finish(ctx, root);

	/* Port 80 only: no TLS server, and that is fine. */
	root = nginx_root(HTTP_OPEN INCLUDE_SITES "}\n", "server {\n listen 80 default_server;\n}\n");
	ctx = run(root);
	assert_int_equal(servers(ctx)->u.list.n, 0);
	assert_true(ks_test_fact_bool(ctx, "tls.min_version_ok"));
	finish(ctx, root);
}

static bool has_diag(ks_collect_ctx *ctx, const char *path, int line, const char *needle)
{
	for (size_t i = 0; i < ks_diags_count(ctx->diags); i++) {
		const ks_diag *d = ks_diags_at(ctx->diags, i);
		if (d->path && !strcmp(d->path, path) && d->line == line && strstr(d->message, needle))
			return true;
	}
	return false;
}

static void test_nginx_errors(void **state)
{
	(void)state;
	char *root = nginx_root(HTTP_OPEN "include conf.d/missing.conf;\n}\n", NULL);
	ks_collect_ctx *ctx = run(root);
	assert_true(ks_test_fact_is_unknown(ctx, "tls.min_version_ok"));
	assert_true(has_diag(ctx, "/etc/nginx/nginx.conf", 3, "not found"));
	finish(ctx, root);

	root = nginx_root(HTTP_OPEN "server { listen 443 ssl; ssl_protocols TLSv1.2;\n}\n", NULL); /* http open */
	ctx = run(root);
	assert_true(ks_test_fact_is_unknown(ctx, "tls.min_version_ok"));
	assert_true(has_diag(ctx, "/etc/nginx/nginx.conf", 5, "unexpected end of file"));
	finish(ctx, root);

	root = nginx_root(HTTP_OPEN "ssl_protocols TLSv1.2 TLSv9;\n}\n", NULL);
	ctx = run(root);
	assert_true(has_diag(ctx, "/etc/nginx/nginx.conf", 3, "invalid value 'TLSv9'"));
	assert_true(ks_test_fact_is_unknown(ctx, "tls.min_version_ok"));
	finish(ctx, root);

	/* A glob without matches is fine (Debian's empty conf.d on a fresh install). */
	root = nginx_root(HTTP_OPEN "include /etc/nginx/conf.d/*.conf;\n}\n", NULL);
	ctx = run(root);
	assert_true(ks_test_fact_bool(ctx, "tls.min_version_ok"));
	finish(ctx, root);

	/* Even with another item unknown, a bad server makes the result false. */
	root = nginx_root(HTTP_OPEN "include missing.conf;\nserver { listen 443 ssl; ssl_protocols TLSv1; }\n}\n", NULL);
	ctx = run(root);
	assert_false(ks_test_fact_bool(ctx, "tls.min_version_ok"));
	finish(ctx, root);
}

static void test_nginx_versions(void **state)
{
	(void)state;
	unsigned m;
	assert_true(ks_webtls_nginx_default("1.22.1-9+deb12u11", &m));
	assert_int_equal(m, KS_TLS_V1 | KS_TLS_V1_1 | KS_TLS_V1_2);
	assert_true(ks_webtls_nginx_default("1.23.4-1", &m));
	assert_int_equal(m, KS_TLS_V1 | KS_TLS_V1_1 | KS_TLS_V1_2 | KS_TLS_V1_3);
	assert_true(ks_webtls_nginx_default("1:1.26.3-3", &m));
	assert_int_equal(m, KS_TLS_V1 | KS_TLS_V1_1 | KS_TLS_V1_2 | KS_TLS_V1_3);
	assert_true(ks_webtls_nginx_default("1.27.3-1", &m));
	assert_int_equal(m, KS_TLS_V1_2 | KS_TLS_V1_3);
	assert_true(ks_webtls_nginx_default("1.28.0-2", &m));
	assert_int_equal(m, KS_TLS_V1_2 | KS_TLS_V1_3);
	assert_false(ks_webtls_nginx_default("banana", &m));
	assert_false(ks_webtls_nginx_default(NULL, &m));
}

static char *apache_root(const char *extra_site)
{
	char *root = ks_test_tmpdir();
	ks_test_write(root, "etc/apache2/apache2.conf",
	              "ServerRoot \"/etc/apache2\"\nIncludeOptional mods-enabled/*.load\n"
	              "IncludeOptional mods-enabled/*.conf\nInclude ports.conf\n"
	              "IncludeOptional conf-enabled/*.conf\nIncludeOptional sites-enabled/*.conf\n");
	ks_test_write(root, "etc/apache2/ports.conf", "Listen 80\n<IfModule ssl_module>\n\tListen 443\n</IfModule>\n");
	ks_test_write(root, "etc/apache2/sites-enabled/000-default.conf", "<VirtualHost *:80>\n</VirtualHost>\n");
	if (extra_site)
		ks_test_write(root, "etc/apache2/sites-enabled/tls.conf", extra_site);
	return root;
}

static void enable_ssl(const char *root, const char *protocol_line)
{
	ks_test_write(root, "etc/apache2/mods-enabled/ssl.load",
	              "LoadModule ssl_module /usr/lib/apache2/modules/mod_ssl.so\n");
	char conf[512];
	snprintf(conf, sizeof conf, "<IfModule mod_ssl.c>\n\tSSLCipherSuite HIGH:!aNULL\n%s\n</IfModule>\n",
	         protocol_line);
	ks_test_write(root, "etc/apache2/mods-enabled/ssl.conf", conf);
}

static void test_apache(void **state)
{
	(void)state;
	const char *site = "<VirtualHost *:443>\n\tSSLEngine on\n\tSSLCertificateFile /x.pem\n</VirtualHost>\n";
	/* Debian's ssl.conf: "all -SSLv3" = TLSv1 .. TLSv1.3 */
	char *root = apache_root(site);
	enable_ssl(root, "\tSSLProtocol all -SSLv3");
	ks_collect_ctx *ctx = run(root);
	assert_int_equal(servers(ctx)->u.list.n, 1);
	assert_server(ctx, 0, "apache /etc/apache2/sites-enabled/tls.conf:1", "TLSv1", 0,
	              "/etc/apache2/mods-enabled/ssl.conf:3");
	assert_false(ks_test_fact_bool(ctx, "tls.min_version_ok"));
	finish(ctx, root);

	/* "-all +TLSv1.2 +TLSv1.3" */
	root = apache_root(site);
	enable_ssl(root, "\tSSLProtocol -all +TLSv1.2 +TLSv1.3");
	ctx = run(root);
	assert_server(ctx, 0, "apache /etc/apache2/sites-enabled/tls.conf:1", "TLSv1.2", 1,
	              "/etc/apache2/mods-enabled/ssl.conf:3");
	assert_true(ks_test_fact_bool(ctx, "tls.min_version_ok"));
	finish(ctx, root);

	/* A vhost's own line wins; a hole (TLSv1 +TLSv1.2) leaves only what is contiguous with the top. */
	root = apache_root("<VirtualHost *:443>\nSSLEngine on\nSSLProtocol TLSv1 +TLSv1.2\n</VirtualHost>\n");
	enable_ssl(root, "\tSSLProtocol all");
	ctx = run(root);
	assert_server(ctx, 0, "apache /etc/apache2/sites-enabled/tls.conf:1", "TLSv1.2", 1,
	              "/etc/apache2/sites-enabled/tls.conf:3");
	finish(ctx, root);

	/* No SSLProtocol anywhere: mod_ssl's default. */
	root = apache_root(site);
	ks_test_write(root, "etc/apache2/mods-enabled/ssl.load", "LoadModule ssl_module /usr/lib/apache2/modules/mod_ssl.so\n");
	ctx = run(root);
	assert_server(ctx, 0, "apache /etc/apache2/sites-enabled/tls.conf:1", "TLSv1", 0,
	              "/etc/apache2/sites-enabled/tls.conf:1");
	finish(ctx, root);

	/* mod_ssl not loaded: the default-ssl site inside <IfModule mod_ssl.c> is not read. */
	root = apache_root("<IfModule mod_ssl.c>\n<VirtualHost *:443>\nSSLEngine on\n</VirtualHost>\n</IfModule>\n");
	ctx = run(root);
	assert_int_equal(servers(ctx)->u.list.n, 0);
	assert_true(ks_test_fact_bool(ctx, "tls.min_version_ok"));
	finish(ctx, root);

	/* Global SSLEngine on: every vhost and the main server serve TLS; IfDefine without Define is off. */
	root = apache_root("<IfDefine TLS12>\nSSLProtocol TLSv1.2\n</IfDefine>\n<VirtualHost *:443>\n</VirtualHost>\n");
	enable_ssl(root, "\tSSLEngine on\n\tSSLProtocol +TLSv1.3 +TLSv1.2");
	ctx = run(root);
	assert_int_equal(servers(ctx)->u.list.n, 3);
	assert_server(ctx, 2, "apache /etc/apache2/apache2.conf", "TLSv1.2", 1, "/etc/apache2/mods-enabled/ssl.conf:4");
	finish(ctx, root);

	/* Include of a missing file: Apache would not start, the result is unknown. */
	root = apache_root("Include /etc/apache2/missing.conf\n");
	ctx = run(root);
	assert_true(ks_test_fact_is_unknown(ctx, "tls.min_version_ok"));
	finish(ctx, root);

	/* Unbalanced sections. */
	root = apache_root("<VirtualHost *:443>\nSSLEngine on\n");
	enable_ssl(root, "SSLProtocol TLSv1.2");
	ctx = run(root);
	assert_true(ks_test_fact_is_unknown(ctx, "tls.min_version_ok"));
	assert_true(has_diag(ctx, "/etc/apache2/sites-enabled/tls.conf", 2, "not closed"));
	finish(ctx, root);
}

static void test_none(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_collect_ctx *ctx = run(root);
	assert_true(ks_test_fact_bool(ctx, "tls.min_version_ok"));
	const ks_fact *f = ks_fact_get(ctx->facts, "tls.min_version_ok");
	assert_non_null(strstr(f->source.probe, "no web server with TLS"));
	assert_int_equal(servers(ctx)->u.list.n, 0);
	finish(ctx, root);
}

static void test_parse_buffer_api(void **state)
{
	(void)state;
	char *root = ks_test_tmpdir();
	ks_collect_ctx *ctx = ks_test_ctx(root);
	ks_webtls out;
	ks_webtls_init(&out);
	const char *n = "http { server { listen 443 ssl; ssl_protocols TLSv1.3; } }";
	assert_int_equal(ks_webtls_nginx_parse_buffer(ctx, "/etc/nginx/nginx.conf", n, strlen(n), 0, &out), 0);
	const char *a = "LoadModule ssl_module x/mod_ssl.so\nSSLEngine on\nSSLProtocol TLSv1.1 +TLSv1.2\n";
	assert_int_equal(ks_webtls_apache_parse_buffer(ctx, "/etc/apache2/apache2.conf", a, strlen(a), &out), 0);
	assert_int_equal(out.ntls, 2);
	assert_int_equal(out.nbad, 1);
	assert_null(out.unknown);
	finish(ctx, root);
}

static void fixture(const char *name, int ok, size_t nservers, const char *source)
{
	char root[4096];
	snprintf(root, sizeof root, "%s/vendor/%s", KS_FIXTURES, name);
	ks_collect_ctx *ctx = run(root);
	assert_int_equal(ks_test_fact_bool(ctx, "tls.min_version_ok"), ok);
	assert_int_equal(servers(ctx)->u.list.n, nservers);
	if (source)
		assert_string_equal(str_field(&servers(ctx)->u.list.items[0], "source"), source);
	for (size_t i = 0; i < ks_diags_count(ctx->diags); i++)
		if (ks_diags_at(ctx->diags, i)->severity != KS_DIAG_INFO)
			fail_msg("%s: unexpected diagnostic %s:%d %s", name, ks_diags_at(ctx->diags, i)->path,
			         ks_diags_at(ctx->diags, i)->line, ks_diags_at(ctx->diags, i)->message);
	ks_test_ctx_free(ctx);
}

static void test_fixtures(void **state)
{
	(void)state;
	fixture("tls-nginx-pass", 1, 1, "/etc/nginx/nginx.conf:33");
	fixture("tls-nginx-fail", 0, 1, "/etc/nginx/nginx.conf:33");
	fixture("tls-apache-fail", 0, 1, "/etc/apache2/mods-enabled/ssl.conf:71");
	fixture("tls-none-pass", 1, 0, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nginx_inheritance),
		cmocka_unit_test(test_nginx_listen),
		cmocka_unit_test(test_nginx_errors),
		cmocka_unit_test(test_nginx_versions),
		cmocka_unit_test(test_apache),
		cmocka_unit_test(test_none),
		cmocka_unit_test(test_parse_buffer_api),
		cmocka_unit_test(test_fixtures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
