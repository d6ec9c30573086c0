/* helpers.c: see helpers.h. */
#define _GNU_SOURCE
#include "helpers.h"

#include <criterion/criterion.h>
#include <gdal.h>
#include <gdal_utils.h>
#include <cpl_string.h>
#include <cpl_conv.h>

#include <ftw.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

const char *fixture(const char *name)
{
	static char buf[4096];
	const char *dir = getenv("CM_TEST_DATA");
	snprintf(buf, sizeof buf, "%s/%s", dir ? dir : "tests/data", name);
	return buf;
}

char *scenario_text(const char *schools, const char *compounds, const char *extra)
{
	char s[4096], c[4096], *text;
	snprintf(s, sizeof s, "%s", strchr(schools, '/') ? schools : fixture(schools));
	snprintf(c, sizeof c, "%s", strchr(compounds, '/') ? compounds : fixture(compounds));
	cr_assert(asprintf(&text, "[input]\nschools = %s\ncompounds = %s\n%s", s, c,
	                   extra ? extra : "") > 0);
	return text;
}

/* The folders tmpdir() made in this process (a test runs in a process of
 * its own), removed when it exits unless CM_TEST_KEEP is set: a suite run
 * leaves /tmp as it found it. */
static char **made;
static size_t nmade;

static int unlink_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void remove_made(void)
{
	size_t i;
	const char *keep = getenv("CM_TEST_KEEP");
	for (i = 0; i < nmade; i++) {
		if (!keep || !*keep)
			nftw(made[i], unlink_one, 16, FTW_DEPTH | FTW_PHYS);
		free(made[i]);
	}
	free(made);
	made = NULL;
	nmade = 0;
}

char *tmpdir(void)
{
	char tmpl[] = "/tmp/cm-test-XXXXXX";
	char *d = mkdtemp(tmpl), **grown;
	cr_assert(d, "mkdtemp failed");
	grown = realloc(made, (nmade + 1) * sizeof *made);
	cr_assert(grown);
	if (!made)
		atexit(remove_made);
	made = grown;
	made[nmade] = strdup(d);
	cr_assert(made[nmade]);
	nmade++;
	return strdup(d);
}

char *write_file(const char *dir, const char *name, const char *text)
{
	char *path;
	FILE *fp;
	cr_assert(asprintf(&path, "%s/%s", dir, name) > 0);
	fp = fopen(path, "wb");
	cr_assert(fp, "cannot write %s", path);
	fputs(text, fp);
	fclose(fp);
	return path;
}

int translate(const char *src, const char *const *open_opts, const char *dst,
              const char *const *opts)
{
	GDALDatasetH in, out;
	GDALVectorTranslateOptions *o;
	int err = 0;
	GDALAllRegister();
	in = GDALOpenEx(src, GDAL_OF_VECTOR, NULL, open_opts, NULL);
	if (!in)
		return -1;
	{
		char **argv = NULL;
		for (int i = 0; opts && opts[i]; i++)
			argv = CSLAddString(argv, opts[i]);
		o = GDALVectorTranslateOptionsNew(argv, NULL);
		CSLDestroy(argv);
	}
	out = GDALVectorTranslate(dst, NULL, 1, &in, o, &err);
	GDALVectorTranslateOptionsFree(o);
	GDALClose(in);
	if (!out)
		return -1;
	GDALClose(out);
	return err ? -1 : 0;
}

char *recode(const char *utf8, const char *encoding)
{
	char *r = CPLRecode(utf8, CPL_ENC_UTF8, encoding);
	char *p = strdup(r);
	CPLFree(r);
	return p;
}

char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;
	if (!fp)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, fp) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		buf[n] = '\0';
	fclose(fp);
	if (len)
		*len = (size_t)n;
	return buf;
}

cm_config *config_ok(const char *text, const char *dir)
{
	cm_ctx *ctx;
	cm_config *cfg = NULL;
	int rc;
	cm_ctx_new(&ctx);
	rc = cm_config_parse_string(ctx, text, "test.ini", dir, &cfg);
	cr_assert_eq(rc, 0, "config failed: %s", cm_ctx_last_error(ctx));
	cm_ctx_free(ctx);
	return cfg;
}

const char *config_err(const char *text)
{
	static char msg[2048];
	cm_ctx *ctx;
	cm_config *cfg = NULL;
	int rc;
	cm_ctx_new(&ctx);
	rc = cm_config_parse_string(ctx, text, "test.ini", ".", &cfg);
	cr_assert_eq(rc, CM_EINPUT, "expected a configuration error, got %d", rc);
	cr_assert_null(cfg);
	snprintf(msg, sizeof msg, "%s", cm_ctx_last_error(ctx));
	cm_ctx_free(ctx);
	return msg;
}

cm_dataset *load_ok(const char *text, const char *dir, cm_config **cfg_out)
{
	cm_ctx *ctx;
	cm_config *cfg = config_ok(text, dir);
	cm_dataset *ds = NULL;
	int rc;
	cm_ctx_new(&ctx);
	rc = cm_dataset_load(ctx, cfg, &ds);
	cr_assert_eq(rc, 0, "load failed: %s", cm_ctx_last_error(ctx));
	cm_ctx_free(ctx);
	if (cfg_out)
		*cfg_out = cfg;
	else
		cm_config_free(cfg);
	return ds;
}

const char *load_err(const char *text, const char *dir)
{
	static char msg[2048];
	cm_ctx *ctx;
	cm_config *cfg = config_ok(text, dir);
	cm_dataset *ds = NULL;
	int rc;
	cm_ctx_new(&ctx);
	rc = cm_dataset_load(ctx, cfg, &ds);
	cr_assert_eq(rc, CM_EINPUT, "expected a load error, got %d", rc);
	cr_assert_null(ds);
	snprintf(msg, sizeof msg, "%s", cm_ctx_last_error(ctx));
	cm_ctx_free(ctx);
	cm_config_free(cfg);
	return msg;
}

const cm_diag *find_diag(const cm_dataset *ds, const char *kind)
{
	size_t i;
	for (i = 0; i < cm_dataset_diag_count(ds); i++)
		if (!strcmp(cm_dataset_diag(ds, i)->kind, kind))
			return cm_dataset_diag(ds, i);
	return NULL;
}

int count_diag(const cm_dataset *ds, const char *kind)
{
	size_t i;
	int n = 0;
	for (i = 0; i < cm_dataset_diag_count(ds); i++)
		n += !strcmp(cm_dataset_diag(ds, i)->kind, kind);
	return n;
}

const cm_school *school_by_id(const cm_dataset *ds, const char *id)
{
	const cm_school *s;
	size_t n = cm_dataset_schools(ds, &s), i;
	for (i = 0; i < n; i++)
		if (!strcmp(s[i].id, id))
			return &s[i];
	return NULL;
}

const cm_compound *compound_by_id(const cm_dataset *ds, const char *id)
{
	const cm_compound *c;
	size_t n = cm_dataset_compounds(ds, &c), i;
	for (i = 0; i < n; i++)
		if (!strcmp(c[i].id, id))
			return &c[i];
	return NULL;
}

void speak_chinese(int on)
{
	setenv("LC_ALL", "", 1);
	setenv("LANG", on ? "zh_CN.UTF-8" : "C.UTF-8", 1);
	setenv("LANGUAGE", on ? "zh_CN" : "", 1);
	setlocale(LC_MESSAGES, "C.UTF-8");
	cr_assert_eq(cm_messages_bind(getenv("CATCHMENT_LOCALEDIR")), 0);
}

int run_cli(const char *args, const char **output)
{
	return run_cli_to(args, "2>&1", output);
}

int run_cli_to(const char *args, const char *redirect, const char **output)
{
	static char buf[1 << 16];
	const char *exe = getenv("CM_CLI");
	char *cmd;
	FILE *p;
	size_t n;
	int st;
	cr_assert(exe, "CM_CLI is not set");
	/* The CLI is checked for leaks (a sanitizer build; ignored otherwise):
	 * its own runs free what they take, on every exit path (other
	 * libraries' caches aside: tests/lsan.supp).  The tests' processes are
	 * not checked (tests/meson.build: detect_leaks=0 for them). */
	const char *supp = getenv("CM_LSAN_SUPP");
	cr_assert(asprintf(&cmd, "ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 "
	                   "LSAN_OPTIONS=suppressions='%s' %s %s %s",
	                   supp ? supp : "", exe, args, redirect) > 0);
	p = popen(cmd, "r");
	cr_assert(p);
	n = fread(buf, 1, sizeof buf - 1, p);
	buf[n] = '\0';
	st = pclose(p);
	free(cmd);
	if (output)
		*output = buf;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Writes the instance (UTM 49N, metres) and solves it with `extra` INI text. */
int tiny_solve(tiny *t, const tschool *s, int ns, const tcomp *c, int nc, const char *extra)
{
	char *buf = NULL, *sp, *cp, *ini;
	size_t len = 0;
	FILE *fp;
	cm_ctx *ctx;
	int rc, i;
	memset(t, 0, sizeof *t);
	t->dir = tmpdir();
	fp = open_memstream(&buf, &len);
	fprintf(fp, "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":"
	            "{\"name\":\"urn:ogc:def:crs:EPSG::32649\"}},\"features\":[");
	for (i = 0; i < ns; i++)
		fprintf(fp, "%s{\"type\":\"Feature\",\"properties\":{\"id\":\"%s\",\"level\":\"%s\","
		            "\"sector\":\"%s\",\"seats_primary\":%d,\"seats_junior\":%d,"
		            "\"purchased_primary\":%d,\"purchased_junior\":%d,\"boarding\":%d},"
		            "\"geometry\":{\"type\":\"Point\",\"coordinates\":[%.3f,%.3f]}}",
		        i ? "," : "", s[i].id, s[i].level, s[i].sector, s[i].seats_p, s[i].seats_j,
		        s[i].purchased_p, s[i].purchased_j, s[i].boarding, X0 + s[i].x, Y0 + s[i].y);
	fprintf(fp, "]}");
	fclose(fp);
	sp = write_file(t->dir, "s.geojson", buf);
	free(buf);
	buf = NULL;
	fp = open_memstream(&buf, &len);
	fprintf(fp, "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":"
	            "{\"name\":\"urn:ogc:def:crs:EPSG::32649\"}},\"features\":[");
	for (i = 0; i < nc; i++)
		fprintf(fp, "%s{\"type\":\"Feature\",\"properties\":{\"id\":\"%s\",\"area_type\":\"%s\","
		            "\"primary_local\":%d,\"primary_migrant\":%d,\"junior_local\":%d,"
		            "\"junior_migrant\":%d},\"geometry\":{\"type\":\"Point\",\"coordinates\":"
		            "[%.3f,%.3f]}}",
		        i ? "," : "", c[i].id, c[i].area ? c[i].area : "urban", c[i].pl, c[i].pm, c[i].jl,
		        c[i].jm, X0 + c[i].x, Y0 + c[i].y);
	fprintf(fp, "]}");
	fclose(fp);
	cp = write_file(t->dir, "c.geojson", buf);
	free(buf);
	ini = scenario_text(sp, cp, extra);
	t->ds = load_ok(ini, t->dir, &t->cfg);
	if (getenv("CM_T_KEEP"))
		free(write_file(t->dir, "t.ini", ini));
	cm_ctx_new(&ctx);
	rc = solve_with(ctx, t->cfg, t->ds, NULL, &t->plan);
	cr_assert_eq(rc, 0, "solve failed: %s", cm_ctx_last_error(ctx));
	cm_ctx_free(ctx);
	free(ini);
	free(sp);
	free(cp);
	return rc;
}

int solve_with(cm_ctx *ctx, const cm_config *cfg, const cm_dataset *ds, const cm_previous *prev,
               cm_plan **out)
{
	cm_solve_opts so = CM_SOLVE_OPTS_INIT;
	so.config = cfg;
	so.previous = prev;
	return cm_solve(ctx, ds, &so, out);
}

void tiny_free(tiny *t)
{
	cm_plan_free(t->plan);
	cm_dataset_free(t->ds);
	cm_config_free(t->cfg);
	free(t->dir);
}

/* The summary field a plan file holds for `level` (via ogrinfo). */
long summary_int(const char *path, const char *level, const char *field)
{
	char *cmd, buf[4096], *at;
	long v = -1;
	cr_assert(asprintf(&cmd, "ogrinfo -ro -q %s -sql \"SELECT %s FROM summary WHERE level = "
	                         "'%s'\"", path, field, level) > 0);
	FILE *pp = popen(cmd, "r");
	size_t n = fread(buf, 1, sizeof buf - 1, pp);
	buf[n] = '\0';
	pclose(pp);
	if ((at = strstr(buf, " = ")))
		v = strtol(at + 3, NULL, 10);
	free(cmd);
	return v;
}

long unplaced_locals(const tiny *t, cm_level lv)
{
	const cm_assignment *a;
	size_t n = cm_plan_assignments(t->plan, &a);
	long sum = 0;
	for (size_t i = 0; i < n; i++)
		if (a[i].level == lv && a[i].school < 0)
			sum += a[i].local;
	return sum;
}
