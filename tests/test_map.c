/* test_map.c: maps drawn from written plans (map.c): every format, from
 * every plan format with geometry, byte for byte the same twice, Chinese
 * text in a CJK font, and clear errors; and what a killed publish left
 * (publish.c). */
#define _GNU_SOURCE
#include "helpers.h"

#include <criterion/criterion.h>
#include <gdal.h>
#include <ogr_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* A small two-level plan written as `fmt` into t->dir; returns its path. */
static char *small_plan(tiny *t, const char *fmt)
{
	tschool s[] = {
		{"X1", "primary", "public", 40, 0, 0, 0, 0, 0, 0},
		{"X2", "primary", "public", 40, 0, 0, 0, 0, 2000, 0},
		{"Z1", "nine_year", "public", 30, 60, 0, 0, 0, 1000, 1500},
		{"M1", "primary", "private", 20, 0, 5, 0, 0, 1000, -800},
	};
	tcomp c[] = {
		{"A", "urban", 20, 5, 10, 2, -300, 200},   {"B", "urban", 25, 4, 12, 3, 500, -400},
		{"C", "urban", 20, 6, 15, 1, 1500, 300},   {"D", "urban", 30, 2, 10, 2, 2300, -200},
		{"E", "town", 15, 0, 9, 0, 1000, 1900},    {"F", "urban", 20, 10, 8, 4, 1100, 700},
	};
	cm_ctx *ctx;
	char *path;
	tiny_solve(t, s, 4, c, 6, "[solve]\nassignment = split\n[output]\nname = 测试县 map test\n");
	cm_ctx_new(&ctx);
	cr_assert(asprintf(&path, "%s/plan.%s", t->dir, fmt) > 0);
	cr_assert_eq(cm_plan_write(ctx, t->plan, path), 0, "%s", cm_ctx_last_error(ctx));
	cm_ctx_free(ctx);
	return path;
}

static int draw(const char *plan, const char *out, int level, const char **err)
{
	cm_ctx *ctx;
	cm_map_opts mo = {.version = CM_MAP_OPTS_VERSION, .title = NULL, .level = level};
	static char msg[1024];
	int rc;
	cm_ctx_new(&ctx);
	rc = cm_map_draw(ctx, plan, out, &mo);
	snprintf(msg, sizeof msg, "%s", cm_ctx_last_error(ctx));
	if (err)
		*err = msg;
	cm_ctx_free(ctx);
	return rc;
}

static char *path_in(const char *dir, const char *name)
{
	char *p;
	cr_assert(asprintf(&p, "%s/%s", dir, name) > 0);
	return p;
}

static size_t count(const char *hay, size_t len, const char *needle)
{
	size_t n = 0, k = strlen(needle), i;
	for (i = 0; i + k <= len; i++)
		n += !memcmp(hay + i, needle, k);
	return n;
}

/* Twice through the CLI (cairo numbers SVG ids per process, so the same
 * bytes are a promise per run, as for plans). */
/* The options are versioned as cm_solve_opts are: a struct of another
 * version (here 0, a caller's {0}) is the calling program's mistake,
 * CM_ERROR naming the function, before any file is read. */
Test(map, options_of_an_unknown_version)
{
	cm_ctx *ctx;
	cm_map_opts mo = {0}, mi;
	cm_html_opts ho = {0}, hi;
	cm_ctx_new(&ctx);
	cr_assert_eq(cm_map_draw(ctx, "nowhere.gpkg", "/tmp/never.png", &mo), CM_ERROR);
	cr_assert(strstr(cm_ctx_last_error(ctx), "cm_map_draw: options of version 0"), "%s",
	          cm_ctx_last_error(ctx));
	cr_assert_eq(cm_report_html(ctx, "nowhere.gpkg", "/tmp/never.html", &ho), CM_ERROR);
	cr_assert_eq(cm_publish(ctx, "nowhere.gpkg", "/tmp/never-site", &ho), CM_ERROR);
	cr_assert(strstr(cm_ctx_last_error(ctx), "cm_publish: options of version 0"), "%s",
	          cm_ctx_last_error(ctx));
	cr_assert_eq(cm_map_opts_init(&mi, 99), CM_ERROR);
	cr_assert_eq(cm_html_opts_init(&hi, 99), CM_ERROR);
	cr_assert_eq(cm_map_opts_init(&mi, CM_MAP_OPTS_VERSION), 0);
	cr_assert(mi.version == CM_MAP_OPTS_VERSION && mi.level == -1 && !mi.title && !mi.base);
	cr_assert_eq(cm_html_opts_init(&hi, CM_HTML_OPTS_VERSION), 0);
	cr_assert(hi.version == CM_HTML_OPTS_VERSION && hi.lang == CM_LANG_ZH && !hi.runs);
	cm_ctx_free(ctx);
}

Test(map, every_format_twice_the_same)
{
	tiny t;
	char *plan = small_plan(&t, "gpkg");
	const char *exts[] = {"png", "svg", "pdf"};
	for (int k = 0; k < 3; k++) {
		char *a, *b, *da, *db, *args;
		size_t la, lb;
		const char *out;
		cr_assert(asprintf(&a, "%s/a.%s", t.dir, exts[k]) > 0);
		cr_assert(asprintf(&b, "%s/b.%s", t.dir, exts[k]) > 0);
		cr_assert(asprintf(&args, "-q map -l primary %s -o %s", plan, a) > 0);
		cr_assert_eq(run_cli(args, &out), 0, "%s", out);
		free(args);
		cr_assert(asprintf(&args, "-q map -l primary %s -o %s", plan, b) > 0);
		cr_assert_eq(run_cli(args, &out), 0, "%s", out);
		free(args);
		da = slurp(a, &la);
		db = slurp(b, &lb);
		cr_assert(da && db && la > 1000, "%s: %zu bytes", a, la);
		cr_assert(la == lb && !memcmp(da, db, la), "%s: two drawings differ", exts[k]);
		if (k == 0)
			cr_assert(!memcmp(da, "\x89PNG", 4));
		if (k == 1)
			cr_assert(count(da, la, "<svg") == 1);
		if (k == 2) {
			cr_assert(!memcmp(da, "%PDF", 4));
			/* the set-up's CJK font is the one embedded */
			cr_assert(count(da, la, "WenQuanYi") > 0, "no CJK font in the PDF");
		}
		free(da);
		free(db);
		free(a);
		free(b);
	}
	free(plan);
	tiny_free(&t);
}

Test(map, a_page_or_a_file_per_level)
{
	tiny t;
	char *plan = small_plan(&t, "gpkg"), *pdf = path_in(t.dir, "m.pdf"),
	     *png = path_in(t.dir, "m.png"), *p1 = path_in(t.dir, "m-primary.png"),
	     *p2 = path_in(t.dir, "m-junior.png"), *data;
	const char *err;
	size_t len;
	cr_assert_eq(draw(plan, pdf, -1, &err), 0, "%s", err);
	data = slurp(pdf, &len);
	cr_assert_eq(count(data, len, "/Type /Page "), 2, "a page per level");
	free(data);
	cr_assert_eq(draw(plan, png, -1, &err), 0, "%s", err);
	cr_assert(access(p1, R_OK) == 0 && access(p2, R_OK) == 0, "a PNG per level");
	cr_assert(access(png, F_OK) != 0);
	free(plan);
	free(pdf);
	free(png);
	free(p1);
	free(p2);
	tiny_free(&t);
}

/* Shapefile folders (short field names) and GeoJSON folders (longitude and
 * latitude) draw as well as GeoPackages. */
Test(map, from_folder_plans)
{
	const char *fmts[] = {"shp", "geojson"};
	for (int k = 0; k < 2; k++) {
		tiny t;
		char *plan = small_plan(&t, fmts[k]), *out = path_in(t.dir, "m.svg"), *data;
		const char *err;
		size_t len;
		/* the path given to solve (plan.shp names the folder plan/) */
		cr_assert_eq(draw(plan, out, CM_JUNIOR, &err), 0, "%s: %s", fmts[k], err);
		data = slurp(out, &len);
		cr_assert(data && len > 1000);
		free(data);
		free(out);
		free(plan);
		tiny_free(&t);
	}
}

Test(map, clear_errors)
{
	tiny t;
	char *plan = small_plan(&t, "csv"), *out = path_in(t.dir, "m.png"),
	     *jpg = path_in(t.dir, "m.jpg"), *missing = path_in(t.dir, "nothing.gpkg");
	const char *err;
	cr_assert_neq(draw(plan, out, -1, &err), 0);
	cr_assert(strstr(err, "no geometry"), "%s", err);
	cr_assert_neq(draw(plan, jpg, -1, &err), 0);
	cr_assert(strstr(err, ".png, .svg or .pdf"), "%s", err);
	cr_assert_neq(draw(missing, out, -1, &err), 0);
	cr_assert(strstr(err, "nothing.gpkg"), "%s", err);
	cr_assert(access(out, F_OK) != 0, "no map after an error");
	free(plan);
	free(out);
	free(jpg);
	free(missing);
	tiny_free(&t);
}

Test(map, cli)
{
	tiny t;
	char *plan = small_plan(&t, "gpkg"), *args;
	const char *out;
	cr_assert(asprintf(&args, "-q map --level junior --title 测试 %s -o %s/j.png", plan, t.dir) > 0);
	cr_assert_eq(run_cli(args, &out), 0, "%s", out);
	free(args);
	cr_assert(asprintf(&args, "map %s", plan) > 0);
	cr_assert_eq(run_cli(args, &out), 2, "no -o is a usage error: %s", out);
	free(args);
	cr_assert(asprintf(&args, "map --level senior %s -o x.png", plan) > 0);
	cr_assert_eq(run_cli(args, &out), 2, "%s", out);
	free(args);
	free(plan);
	tiny_free(&t);
}

/* ------------------------------------------------------------ issue 14 */

/* The schools and compounds of small_plan, without school `drop` (NULL:
 * none), solved with `extra` and written into t->dir/NAME.gpkg. */
static char *plan_without(tiny *t, const char *drop, const char *extra, const char *name)
{
	tschool all[] = {
		{"X1", "primary", "public", 40, 0, 0, 0, 0, 0, 0},
		{"X2", "primary", "public", 40, 0, 0, 0, 0, 2000, 0},
		{"Z1", "nine_year", "public", 30, 60, 0, 0, 0, 1000, 1500},
		{"M1", "primary", "private", 20, 0, 5, 0, 0, 1000, -800},
	}, s[4];
	tcomp c[] = {
		{"A", "urban", 20, 5, 10, 2, -300, 200},   {"B", "urban", 25, 4, 12, 3, 500, -400},
		{"C", "urban", 20, 6, 15, 1, 1500, 300},   {"D", "urban", 30, 2, 10, 2, 2300, -200},
		{"E", "town", 15, 0, 9, 0, 1000, 1900},    {"F", "urban", 20, 10, 8, 4, 1100, 700},
	};
	int ns = 0;
	cm_ctx *ctx;
	char *path;
	for (int k = 0; k < 4; k++)
		if (!drop || strcmp(all[k].id, drop))
			s[ns++] = all[k];
	tiny_solve(t, s, ns, c, 6, extra);
	cm_ctx_new(&ctx);
	cr_assert(asprintf(&path, "%s/%s.gpkg", t->dir, name) > 0);
	cr_assert_eq(cm_plan_write(ctx, t->plan, path), 0, "%s", cm_ctx_last_error(ctx));
	cm_ctx_free(ctx);
	return path;
}

/* The map's debug lines, one after another. */
static void keep_log(cm_log_level level, const char *msg, void *ud)
{
	char *log = ud;
	size_t n = strlen(log);
	(void)level;
	snprintf(log + n, 16384 - n, "%s\n", msg);
}

static int draw_logged(const char *plan, const char *out, const cm_map_opts *mo, char *log)
{
	cm_ctx *ctx;
	int rc;
	log[0] = '\0';
	cm_ctx_new(&ctx);
	cm_ctx_set_log(ctx, keep_log, log);
	rc = cm_map_draw(ctx, plan, out, mo);
	if (rc)
		snprintf(log, 16384, "%s", cm_ctx_last_error(ctx));
	cm_ctx_free(ctx);
	return rc;
}

/* The sum of the numbers before `what` on the log's lines. */
static long sum_before(const char *log, const char *what)
{
	long sum = 0;
	for (const char *p = strstr(log, what); p; p = strstr(p + 1, what)) {
		const char *q = p - 1;
		while (q > log && q[-1] >= '0' && q[-1] <= '9')
			q--;
		sum += strtol(q, NULL, 10);
	}
	return sum;
}

/* A scenario's map with its base: the school the scenario lacks is drawn
 * struck through (in the table too), its catchment in the base outlined
 * dashed; without the base, or on the base itself, nothing is. */
Test(map, closed_school_struck_through)
{
	tiny b, s;
	char *base = plan_without(&b, NULL, "[solve]\nassignment = split\n", "base");
	char *scen = plan_without(&s, "X2", "[solve]\nassignment = split\n", "close");
	char *svg = path_in(s.dir, "m.svg"), *data, log[16384];
	cm_map_opts mo = {.version = CM_MAP_OPTS_VERSION,
	                  .title = NULL, .level = CM_PRIMARY, .base = base};
	size_t len;
	cr_assert_eq(draw_logged(scen, svg, &mo, log), 0, "%s", log);
	data = slurp(svg, &len);
	/* the former catchment: dashed, in the closed schools' red */
	cr_assert_geq(count(data, len, "stroke:rgb(60%,0%,0%);stroke-opacity:1;stroke-dasharray:5,2.5"),
	              1, "no outline of the closed school's catchment");
	/* its cross and the line through its name, on the map and in the table */
	cr_assert_geq(count(data, len, "stroke:rgb(60%,0%,0%)"), 4);
	cr_assert(strstr(log, "1 closed"), "%s", log);
	free(data);
	mo.base = NULL;
	cr_assert_eq(draw_logged(scen, svg, &mo, log), 0, "%s", log);
	data = slurp(svg, &len);
	cr_assert_eq(count(data, len, "stroke:rgb(60%,0%,0%)"), 0);
	free(data);
	mo.base = base;
	cr_assert_eq(draw_logged(base, svg, &mo, log), 0, "%s", log);
	cr_assert(strstr(log, " 0 closed") && !strstr(log, " 1 closed"), "%s", log);
	/* the CLI: map --base */
	{
		char *args;
		const char *out;
		cr_assert(asprintf(&args, "-q map -l primary --base %s %s -o %s", base, scen, svg) > 0);
		cr_assert_eq(run_cli(args, &out), 0, "%s", out);
		free(args);
		data = slurp(svg, &len);
		cr_assert_geq(count(data, len, "stroke-dasharray:5,2.5"), 1);
		free(data);
		cr_assert(asprintf(&args, "-q map --base %s/nothing.gpkg %s -o %s", s.dir, scen, svg) > 0);
		cr_assert_eq(run_cli(args, &out), 1, "%s", out);
		cr_assert(strstr(out, "nothing.gpkg"), "%s", out);
		free(args);
	}
	free(svg);
	free(base);
	free(scen);
	tiny_free(&b);
	tiny_free(&s);
}

/* Every catchment is named once on its page (on the county map or the
 * detail), and the schools' table has a row per school shown. */
Test(map, each_catchment_labelled)
{
	tiny t;
	char *plan = small_plan(&t, "gpkg"), *pdf = path_in(t.dir, "m.pdf"), log[16384];
	cm_map_opts mo = {.version = CM_MAP_OPTS_VERSION, .title = NULL, .level = -1};
	GDALDatasetH g;
	OGRLayerH l;
	long n[2] = {0, 0};
	OGRFeatureH f;
	GDALAllRegister();
	g = GDALOpenEx(plan, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
	cr_assert(g && (l = GDALDatasetGetLayerByName(g, "catchments")) != NULL);
	while ((f = OGR_L_GetNextFeature(l)) != NULL) {
		n[strcmp(OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "level")), "primary") != 0]++;
		OGR_F_Destroy(f);
	}
	GDALClose(g);
	cr_assert(n[0] >= 2 && n[1] >= 1);
	cr_assert_eq(draw_logged(plan, pdf, &mo, log), 0, "%s", log);
	cr_assert_eq(sum_before(log, " catchments labelled"), n[0] + n[1], "%s", log);
	/* 4 primary schools, 1 junior: each in the table */
	cr_assert_eq(sum_before(log, " schools in the table"), 5, "%s", log);
	free(pdf);
	free(plan);
	tiny_free(&t);
}

/* [output] title is the page title (the plan's summary.title), --title
 * wins over it, and a plan without one says its scenario's name. */
Test(map, title_from_the_plan)
{
	tiny t;
	char *plan = plan_without(&t, NULL, "[output]\nname = plain name\ntitle = Tongxi 2027 plan\n",
	                          "p"),
	     *pdf = path_in(t.dir, "m.pdf"), *data, log[16384];
	cm_map_opts mo = {.version = CM_MAP_OPTS_VERSION, .title = NULL, .level = CM_PRIMARY};
	size_t len;
	cr_assert_eq(draw_logged(plan, pdf, &mo, log), 0, "%s", log);
	data = slurp(pdf, &len);
	cr_assert_gt(count(data, len, "(Tongxi 2027 plan)"), 0, "the PDF's title");
	cr_assert_eq(count(data, len, "(plain name)"), 0);
	free(data);
	mo.title = "Given title";
	cr_assert_eq(draw_logged(plan, pdf, &mo, log), 0, "%s", log);
	data = slurp(pdf, &len);
	cr_assert_gt(count(data, len, "(Given title)"), 0);
	cr_assert_eq(count(data, len, "(Tongxi 2027 plan)"), 0);
	free(data);
	free(pdf);
	free(plan);
	tiny_free(&t);
}

/* Text cut to a buffer's size is cut on a character's boundary: a school
 * name or title of more than 255 (511) bytes cut mid-character made cairo
 * refuse every later string, and the map failed ("input string not valid
 * UTF-8"). */
Test(map, long_names_cut_between_characters)
{
	tiny t;
	char *plan = plan_without(&t, NULL, "", "p"), *png = path_in(t.dir, "m.png"), title[700];
	const char *err;
	cm_map_opts mo = {.version = CM_MAP_OPTS_VERSION, .title = title, .level = CM_PRIMARY};
	cm_ctx *ctx;
	int rc;
	strcpy(title, "xy"); /* two ASCII bytes: a 3-byte character then straddles byte 511 */
	for (int i = 0; i < 220; i++)
		strcat(title, "县");
	cm_ctx_new(&ctx);
	rc = cm_map_draw(ctx, plan, png, &mo);
	err = cm_ctx_last_error(ctx);
	cr_assert_eq(rc, 0, "%s", err);
	cm_ctx_free(ctx);
	free(png);
	free(plan);
	tiny_free(&t);
}

/* compare --map draws plan B with plan A as its base (issue 14: a closed
 * school struck through, its former catchment outlined, from compare too),
 * beside the compounds that change school; with a base it cannot use (a
 * CSV plan has no areas) the map is drawn without, saying why. */
Test(map, compare_map_strikes_closed_schools)
{
	tiny b, s;
	char *base = plan_without(&b, NULL, "[solve]\nassignment = split\n", "base");
	char *scen = plan_without(&s, "X2", "[solve]\nassignment = split\n", "close");
	/* a file per level: the closed school is a primary one */
	char *svg = path_in(s.dir, "c.svg"), *csv = path_in(b.dir, "base.csv"), *args, *data;
	char *primary = path_in(s.dir, "c-primary.svg");
	const char *out;
	size_t len;
	cr_assert(asprintf(&args, "-q compare -m %s %s %s", svg, base, scen) > 0);
	cr_assert_eq(run_cli(args, &out), 0, "%s", out);
	free(args);
	data = slurp(primary, &len);
	cr_assert(data, "no primary map");
	cr_assert_geq(count(data, len, "stroke:rgb(60%,0%,0%);stroke-opacity:1;stroke-dasharray:5,2.5"),
	              1, "no outline of the closed school's catchment");
	cr_assert_geq(count(data, len, "stroke:rgb(60%,0%,0%)"), 4, "no cross or struck name");
	free(data);

	cr_assert(asprintf(&args, "-q export %s -o %s", base, csv) > 0);
	cr_assert_eq(run_cli(args, &out), 0, "%s", out);
	free(args);
	cr_assert(asprintf(&args, "-q compare -m %s %s %s", svg, csv, scen) > 0);
	cr_assert_eq(run_cli(args, &out), 0, "%s", out);
	cr_assert(strstr(out, "the map shows no closed schools") && strstr(out, "no catchment areas"),
	          "%s", out);
	free(args);
	data = slurp(primary, &len);
	cr_assert(data && count(data, len, "stroke:rgb(60%,0%,0%)") == 0, "a closed school was drawn");
	free(data);
	free(csv);
	free(primary);
	free(svg);
	free(base);
	free(scen);
	tiny_free(&b);
	tiny_free(&s);
}

/* A publish killed (SIGKILL: nothing of it runs to clean up) leaves its
 * temporary folder beside the page, www.tmp-PID.  The next publish to the
 * same folder removes it once no process has that PID, and leaves alone a
 * live run's and every name that is not www.tmp- and a PID as a run writes
 * it: 0PID and 2147483648 were removed too (kill() took 2147483648 as a
 * process group, "no such process"). */
Test(publish, clears_what_a_killed_run_left)
{
	tiny t;
	char *plan = small_plan(&t, "gpkg"), site[4200], path[4400];
	char keep[8][64];
	pid_t dead, live;
	cm_ctx *ctx;
	struct stat st;
	size_t k;
	/* a PID that is certainly no process: a child, ended and reaped */
	if ((dead = fork()) == 0)
		_exit(0);
	cr_assert_gt(dead, 0);
	cr_assert_eq(waitpid(dead, NULL, 0), dead);
	/* and one that is: the process that runs this test */
	live = getppid();
	/* not a run's folder of www: each stays */
	snprintf(keep[0], sizeof keep[0], "www.tmp-%ldx", (long)dead);
	snprintf(keep[1], sizeof keep[1], "www.tmp-%ld.bak", (long)dead);
	snprintf(keep[2], sizeof keep[2], "wwwx.tmp-%ld", (long)dead);
	snprintf(keep[3], sizeof keep[3], "www.TMP-%ld", (long)dead);
	snprintf(keep[4], sizeof keep[4], "www.tmp-0%ld", (long)dead);
	snprintf(keep[5], sizeof keep[5], "www.tmp-2147483648");
	snprintf(keep[6], sizeof keep[6], "www.tmp-");
	snprintf(keep[7], sizeof keep[7], "www.tmp--%ld", (long)dead);
	snprintf(site, sizeof site, "%s/www", t.dir);
	snprintf(path, sizeof path, "%s.tmp-%ld", site, (long)dead);
	cr_assert_eq(mkdir(path, 0777), 0);
	free(write_file(path, "index.html", "half a page"));
	snprintf(path, sizeof path, "%s.tmp-%ld", site, (long)live);
	cr_assert_eq(mkdir(path, 0777), 0);
	for (k = 0; k < sizeof keep / sizeof *keep; k++) {
		snprintf(path, sizeof path, "%s/%s", t.dir, keep[k]);
		cr_assert_eq(mkdir(path, 0777), 0, "%s", path);
	}

	cm_ctx_new(&ctx);
	cr_assert_eq(cm_publish(ctx, plan, site, NULL), 0, "%s", cm_ctx_last_error(ctx));
	cm_ctx_free(ctx);
	snprintf(path, sizeof path, "%s/index.html", site);
	cr_assert_eq(stat(path, &st), 0, "no page");
	snprintf(path, sizeof path, "%s.tmp-%ld", site, (long)dead);
	cr_assert_neq(stat(path, &st), 0, "the killed run's folder is left: %s", path);
	snprintf(path, sizeof path, "%s.tmp-%ld", site, (long)live);
	cr_assert_eq(stat(path, &st), 0, "a live run's folder was removed: %s", path);
	for (k = 0; k < sizeof keep / sizeof *keep; k++) {
		snprintf(path, sizeof path, "%s/%s", t.dir, keep[k]);
		cr_assert_eq(stat(path, &st), 0, "%s was removed", keep[k]);
	}
	free(plan);
	tiny_free(&t);
}
