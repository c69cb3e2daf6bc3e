/* `kenshin checklist`: reads scan results (files or directories of them) and the answers file,
 * merges them into the facility's MHLW checklist and writes it as XLSX, HTML, CSV, JSON or text. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "catalog/data.h"
#include "checklist/answers.h"
#include "checklist/checklist.h"
#include "checklist/results.h"
#include "cli/cli.h"
#include "core/error.h"
#include "core/limits.h"
#include "report/checklist.h"

#define KS_CL_MAX_FILES 1000000
#define KS_CL_MAX_JOBS 16

static const char usage[] =
	"Usage: kenshin checklist --answers FILE [OPTIONS] RESULT... \n"
	"\n"
	"Merges scan results (kenshin scan --format json, one file per host; a directory stands for the\n"
	"*.json files in it) with the answers people give (answers file) into the MHLW checklist of one\n"
	"facility: per item and device category, いいえ if any host fails, 要確認 if any is unknown,\n"
	"はい only if every host passes. A people's はい never hides a measured failure.\n"
	"\n"
	"  -a, --answers FILE    the answers file (see examples/answers.yaml and docs/answers.md)\n"
	"      --form FORM       facility (医療機関/薬局確認用, default) or vendor (事業者確認用)\n"
	"  -f, --format FMT      text, json, csv, html or xlsx (default text; xlsx needs --output\n"
	"                        or a redirected standard output)\n"
	"  -o, --output FILE     write to FILE instead of standard output\n"
	"  -l, --lang LANG       ja or en (default from the locale)\n"
	"      --now EPOCH       judge result ages as of this time (default: now)\n"
	"  -j, --jobs N          read result files on N threads (default: the number of CPUs)\n"
	"  -v, --verbose         say how long reading, merging and writing took\n"
	"  -h, --help            this help\n"
	"\n"
	"Exit status: 0 every item is はい, 1 some item is いいえ, 要確認 or 未回答,\n"
	"2 usage error or an input that cannot be read (every problem is listed first).\n";

struct opts {
	bool verbose;
	const char *answers, *format, *output;
	int form;
	ks_lang lang;
	time_t now;
	int jobs;
	char **inputs;
	int ninputs;
};

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{"answers", required_argument, 0, 'a'}, {"form", required_argument, 0, 'F'},
		{"format", required_argument, 0, 'f'},  {"output", required_argument, 0, 'o'},
		{"lang", required_argument, 0, 'l'},    {"now", required_argument, 0, 'N'},
		{"jobs", required_argument, 0, 'j'},    {"help", no_argument, 0, 'h'},
		{"verbose", no_argument, 0, 'v'},
		{0, 0, 0, 0},
	};
	memset(o, 0, sizeof *o);
	o->format = "text";
	o->form = KS_FORM_FACILITY;
	o->lang = ks_cli_default_lang();
	o->now = time(NULL);
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	o->jobs = n < 1 ? 1 : n > KS_CL_MAX_JOBS ? KS_CL_MAX_JOBS : (int)n;
	int c;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "a:f:o:l:j:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'a': o->answers = optarg; break;
		case 'F':
			if (strcmp(optarg, "facility") == 0)
				o->form = KS_FORM_FACILITY;
			else if (strcmp(optarg, "vendor") == 0)
				o->form = KS_FORM_VENDOR;
			else {
				fprintf(stderr, "kenshin: --form must be facility or vendor, got '%s'\n", optarg);
				return -1;
			}
			break;
		case 'f':
			if (strcmp(optarg, "text") && strcmp(optarg, "json") && strcmp(optarg, "csv") &&
			    strcmp(optarg, "html") && strcmp(optarg, "xlsx")) {
				fprintf(stderr, "kenshin: --format must be text, json, csv, html or xlsx, got '%s'\n",
				        optarg);
				return -1;
			}
			o->format = optarg;
			break;
		case 'o': o->output = optarg; break;
		case 'l':
			if (ks_cli_parse_lang(optarg, &o->lang) < 0) {
				fprintf(stderr, "kenshin: --lang must be ja or en, got '%s'\n", optarg);
				return -1;
			}
			break;
		case 'N':
			if (ks_cli_parse_now(optarg, &o->now) < 0)
				return -1;
			break;
		case 'j': {
			char *end;
			long j = strtol(optarg, &end, 10);
			if (*end || j < 1 || j > KS_CL_MAX_JOBS) {
				fprintf(stderr, "kenshin: --jobs expects 1 to %d, got '%s'\n", KS_CL_MAX_JOBS, optarg);
				return -1;
			}
			o->jobs = (int)j;
			break;
		}
		case 'v': o->verbose = true; break;
		case 'h': fputs(usage, stdout); return 1;
		default:
			ks_cli_bad_option(argv);
			return -1;
		}
	}
	if (!o->answers) {
		fprintf(stderr, "kenshin: --answers FILE is required (see examples/answers.yaml)\n");
		return -1;
	}
	o->inputs = argv + optind;
	o->ninputs = argc - optind;
	return 0;
}

/* A read buffer kept across files: each reader thread reads thousands of them, and a fresh
 * allocation per file costs page faults when the heap is trimmed between them. */
struct rbuf {
	char *p;
	size_t cap;
};

/* Reads a whole regular file of at most MAX bytes into B (NUL-terminated). */
static int slurp(const char *path, size_t max, struct rbuf *b, size_t *len, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return KS_EIO;
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		close(fd);
		return KS_ENOTREG;
	}
	if ((unsigned long long)st.st_size > max) {
		snprintf(err, errlen, "%s: %lld bytes, more than the %zu this input may have", path,
		         (long long)st.st_size, max);
		close(fd);
		return KS_ETOOBIG;
	}
	if ((size_t)st.st_size + 1 > b->cap) {
		char *p = realloc(b->p, (size_t)st.st_size + 1);
		if (!p) {
			close(fd);
			return KS_ENOMEM;
		}
		b->p = p;
		b->cap = (size_t)st.st_size + 1;
	}
	char *buf = b->p;
	size_t got = 0;
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	buf[got] = 0;
	*len = got;
	return KS_OK;
}

static double seconds(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

struct files {
	char **v;
	size_t n, cap;
};

static int add_file(struct files *f, const char *path)
{
	if (f->n == KS_CL_MAX_FILES)
		return KS_ELIMIT;
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 256;
		char **v = realloc(f->v, cap * sizeof *v);
		if (!v)
			return KS_ENOMEM;
		f->v = v;
		f->cap = cap;
	}
	if (!(f->v[f->n] = strdup(path)))
		return KS_ENOMEM;
	f->n++;
	return KS_OK;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A directory stands for the *.json files directly in it, in name order. */
static int expand_inputs(const struct opts *o, struct files *f)
{
	for (int i = 0; i < o->ninputs; i++) {
		const char *p = o->inputs[i];
		struct stat st;
		if (stat(p, &st) < 0) {
			fprintf(stderr, "kenshin: %s: %s\n", p, strerror(errno));
			return KS_EIO;
		}
		if (!S_ISDIR(st.st_mode)) {
			if (add_file(f, p) < 0)
				return KS_ENOMEM;
			continue;
		}
		DIR *d = opendir(p);
		if (!d) {
			fprintf(stderr, "kenshin: %s: %s\n", p, strerror(errno));
			return KS_EIO;
		}
		size_t first = f->n;
		struct dirent *e;
		int rc = KS_OK;
		while (rc == KS_OK && (e = readdir(d))) {
			size_t l = strlen(e->d_name);
			if (e->d_name[0] == '.' || l < 6 || strcmp(e->d_name + l - 5, ".json") != 0)
				continue;
			size_t plen = strlen(p);
			char *path = malloc(plen + l + 2);
			if (!path) {
				rc = KS_ENOMEM;
				break;
			}
			snprintf(path, plen + l + 2, "%s%s%s", p, plen && p[plen - 1] == '/' ? "" : "/", e->d_name);
			rc = add_file(f, path);
			free(path);
		}
		closedir(d);
		if (rc < 0) {
			fprintf(stderr, "kenshin: %s: %s\n", p, rc == KS_ELIMIT ? "too many files" : "out of memory");
			return rc;
		}
		qsort(f->v + first, f->n - first, sizeof *f->v, by_name);
	}
	return KS_OK;
}

struct reader {
	const ks_catalog *catalog;
	struct files *files;
	ks_cl_host *hosts;
	char **errors;    /* per file, NULL when it was read */
	atomic_size_t next;
};

struct worker {
	struct reader *r;
	ks_arena *arena;
	pthread_t thread;
	int rc;
};

static void *read_worker(void *arg)
{
	struct worker *w = arg;
	struct reader *r = w->r;
	char err[1024];
	struct rbuf buf = {0};
	for (;;) {
		size_t i = atomic_fetch_add(&r->next, 1);
		if (i >= r->files->n)
			break;
		const char *path = r->files->v[i];
		size_t len = 0;
		err[0] = 0;
		int rc = slurp(path, KS_MAX_RESULT_BYTES, &buf, &len, err, sizeof err);
		if (rc == KS_OK)
			rc = ks_cl_result_read(w->arena, path, buf.p, len, r->catalog, &r->hosts[i], err, sizeof err);
		if (rc == KS_ENOMEM) {
			w->rc = rc;
			break;
		}
		if (rc < 0)
			r->errors[i] = strdup(err[0] ? err : "cannot be read");
	}
	free(buf.p);
	return NULL;
}

/* Reads every result file on JOBS threads; each thread allocates from its own arena. */
static int read_results(const ks_catalog *catalog, struct files *files, int jobs, ks_cl_host **hosts_out,
                        ks_arena ***arenas_out, int *narenas, size_t *nbad)
{
	struct reader r = {.catalog = catalog, .files = files};
	r.hosts = calloc(files->n + 1, sizeof *r.hosts);
	r.errors = calloc(files->n + 1, sizeof *r.errors);
	if ((size_t)jobs > files->n)
		jobs = files->n ? (int)files->n : 1;
	struct worker *w = calloc((size_t)jobs, sizeof *w);
	ks_arena **arenas = calloc((size_t)jobs, sizeof *arenas);
	if (!r.hosts || !r.errors || !w || !arenas) {
		free(r.hosts), free(r.errors), free(w), free(arenas);
		return KS_ENOMEM;
	}
	atomic_init(&r.next, 0);
	int started = 0, rc = KS_OK;
	for (int j = 0; j < jobs; j++) {
		w[j].r = &r;
		if (!(w[j].arena = arenas[j] = ks_arena_new())) {
			rc = KS_ENOMEM;
			break;
		}
		if (j > 0 && pthread_create(&w[j].thread, NULL, read_worker, &w[j]) != 0)
			break; /* fewer threads: the others take up the work */
		started = j + 1;
	}
	if (rc == KS_OK && started > 0)
		read_worker(&w[0]);
	for (int j = 1; j < started; j++)
		pthread_join(w[j].thread, NULL);
	for (int j = 0; j < started; j++)
		if (w[j].rc < 0)
			rc = w[j].rc;
	*nbad = 0;
	for (size_t i = 0; i < files->n; i++)
		if (r.errors[i]) {
			fprintf(stderr, "kenshin: %s\n", r.errors[i]);
			free(r.errors[i]);
			(*nbad)++;
		}
	free(r.errors);
	free(w);
	*hosts_out = r.hosts;
	*arenas_out = arenas;
	*narenas = jobs;
	return rc;
}

static void print_diags(const ks_diags *d, size_t *errors)
{
	*errors = 0;
	for (size_t i = 0; i < ks_diags_count(d); i++) {
		const ks_diag *g = ks_diags_at(d, i);
		const char *sev = g->severity == KS_DIAG_ERROR ? "error" : g->severity == KS_DIAG_WARNING ? "warning" : "note";
		*errors += g->severity == KS_DIAG_ERROR;
		if (g->path && g->line && g->column)
			fprintf(stderr, "%s:%d:%d: %s: %s\n", g->path, g->line, g->column, sev, g->message);
		else if (g->path && g->line)
			fprintf(stderr, "%s:%d: %s: %s\n", g->path, g->line, sev, g->message);
		else if (g->path)
			fprintf(stderr, "%s: %s: %s\n", g->path, sev, g->message);
		else
			fprintf(stderr, "kenshin: %s: %s\n", sev, g->message);
	}
	if (ks_diags_dropped(d))
		fprintf(stderr, "kenshin: %zu more messages not shown\n", ks_diags_dropped(d));
}

/* libxlsxwriter writes to a named file; for standard output it goes through a temporary file. */
static int write_xlsx(const ks_checklist *cl, ks_lang lang, const char *output)
{
	char err[512] = "";
	if (output) {
		if (ks_cl_write_xlsx(cl, lang, output, err, sizeof err) < 0) {
			fprintf(stderr, "kenshin: %s: %s\n", output, err);
			return KS_EIO;
		}
		return KS_OK;
	}
	if (isatty(STDOUT_FILENO)) {
		fprintf(stderr, "kenshin: --format xlsx writes a binary file: give --output FILE.xlsx\n");
		return KS_EUSAGE;
	}
	const char *tmpdir = getenv("TMPDIR");
	char path[4096];
	snprintf(path, sizeof path, "%s/kenshin-checklist-XXXXXX.xlsx", tmpdir && *tmpdir ? tmpdir : "/tmp");
	int fd = mkstemps(path, 5);
	if (fd < 0) {
		fprintf(stderr, "kenshin: cannot create a temporary file in %s: %s\n", path, strerror(errno));
		return KS_EIO;
	}
	close(fd);
	int rc = ks_cl_write_xlsx(cl, lang, path, err, sizeof err);
	if (rc < 0) {
		fprintf(stderr, "kenshin: %s\n", err);
	} else {
		FILE *in = fopen(path, "rb");
		char buf[65536];
		size_t n;
		while (in && (n = fread(buf, 1, sizeof buf, in)) > 0)
			if (fwrite(buf, 1, n, stdout) != n) {
				rc = KS_EIO;
				break;
			}
		if (!in || fflush(stdout) != 0)
			rc = KS_EIO;
		if (in)
			fclose(in);
	}
	unlink(path);
	return rc;
}

static int write_output(const ks_checklist *cl, const struct opts *o)
{
	if (strcmp(o->format, "xlsx") == 0)
		return write_xlsx(cl, o->lang, o->output);
	FILE *out = stdout;
	if (o->output && !(out = fopen(o->output, "w"))) {
		fprintf(stderr, "kenshin: cannot write %s: %s\n", o->output, strerror(errno));
		return KS_EIO;
	}
	int rc;
	if (strcmp(o->format, "json") == 0)
		rc = ks_cl_write_json(cl, out);
	else if (strcmp(o->format, "csv") == 0)
		rc = ks_cl_write_csv(cl, o->lang, out);
	else if (strcmp(o->format, "html") == 0)
		rc = ks_cl_write_html(cl, o->lang, out);
	else
		rc = ks_cl_write_text(cl, o->lang, isatty(fileno(out)), out);
	if (fflush(out) != 0 || ferror(out))
		rc = KS_EIO;
	if (out != stdout && fclose(out) != 0)
		rc = KS_EIO;
	if (rc < 0)
		fprintf(stderr, "kenshin: cannot write the checklist%s%s\n", o->output ? " to " : "",
		        o->output ? o->output : "");
	return rc;
}

int ks_cli_checklist(int argc, char **argv)
{
	struct opts o;
	int prc = parse_opts(argc, argv, &o);
	if (prc != 0)
		return prc > 0 ? KS_EXIT_OK : KS_EXIT_ERROR;

	int status = KS_EXIT_ERROR;
	ks_arena *a = ks_arena_new();
	ks_diags *diags = a ? ks_diags_new(a) : NULL;
	struct files files = {0};
	ks_cl_host *hosts = NULL;
	ks_arena **arenas = NULL;
	int narenas = 0;
	struct rbuf abuf = {0};
	char err[1024];
	if (!diags) {
		fprintf(stderr, "kenshin: out of memory\n");
		goto out;
	}
	size_t clen;
	const char *cdata = ks_data_find("catalog/mhlw-r7.yaml", &clen);
	ks_catalog *catalog = NULL;
	if (!cdata || ks_catalog_load(a, "catalog/mhlw-r7.yaml", cdata, clen, &catalog, err, sizeof err) < 0) {
		fprintf(stderr, "kenshin: built-in catalog: %s\n", cdata ? err : "missing");
		goto out;
	}

	size_t alen;
	if (slurp(o.answers, KS_MAX_ANSWERS_BYTES, &abuf, &alen, err, sizeof err) < 0) {
		fprintf(stderr, "kenshin: %s\n", err);
		goto out;
	}
	ks_answers *answers = NULL;
	int arc = ks_answers_load(a, o.answers, abuf.p, alen, catalog, o.form, &answers, diags);
	if (arc == KS_ENOMEM) {
		fprintf(stderr, "kenshin: out of memory\n");
		goto out;
	}

	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (expand_inputs(&o, &files) < 0)
		goto out;
	if (files.n == 0 && (!answers || answers->has_system))
		fprintf(stderr, "kenshin: no scan results given: measured items will say 対象機器なし / no host\n");
	size_t nbad = 0;
	if (read_results(catalog, &files, o.jobs, &hosts, &arenas, &narenas, &nbad) < 0) {
		fprintf(stderr, "kenshin: out of memory reading results\n");
		goto out;
	}
	size_t nerrors;
	if (arc < 0 || nbad) {
		print_diags(diags, &nerrors);
		if (arc < 0)
			fprintf(stderr, "kenshin: no checklist written: %s has errors\n", o.answers);
		if (nbad)
			fprintf(stderr, "kenshin: no checklist written: %zu of %zu result file(s) cannot be read\n",
			        nbad, files.n);
		goto out;
	}
	for (size_t i = 0; i < files.n; i++)
		if (hosts[i].nunknown_items)
			ks_diag_add(diags, KS_DIAG_WARNING, hosts[i].file, 0, 0,
			            "%zu result(s) for items this checklist edition does not have were ignored",
			            hosts[i].nunknown_items);

	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ks_checklist cl;
	int rc = ks_checklist_merge(a, catalog, answers, o.form, hosts, files.n, o.now, &cl, diags);
	print_diags(diags, &nerrors);
	if (rc < 0) {
		fprintf(stderr, "kenshin: cannot merge the results (%s)\n", rc == KS_ENOMEM ? "out of memory" : "bad input");
		goto out;
	}
	struct timespec t2;
	clock_gettime(CLOCK_MONOTONIC, &t2);
	if (write_output(&cl, &o) < 0)
		goto out;
	struct timespec t3;
	clock_gettime(CLOCK_MONOTONIC, &t3);
	if (o.verbose)
		fprintf(stderr, "kenshin: %zu result file(s) read in %.3f s (%d thread(s)), merged in %.3f s, written in %.3f s\n",
		        files.n, seconds(&t0, &t1), o.jobs, seconds(&t1, &t2), seconds(&t2, &t3));
	status = cl.counts[KS_MARK_NO] + cl.counts[KS_MARK_CHECK] + cl.counts[KS_MARK_UNANSWERED] +
	                 cl.counts[KS_MARK_NOHOST]
	             ? KS_EXIT_FAIL
	             : KS_EXIT_OK;
out:
	for (size_t i = 0; i < files.n; i++)
		free(files.v[i]);
	free(files.v);
	free(hosts);
	for (int j = 0; j < narenas; j++)
		ks_arena_free(arenas[j]);
	free(arenas);
	free(abuf.p);
	ks_arena_free(a);
	return status;
}
