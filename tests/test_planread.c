/* test_planread.c: plans read back (catchment map and compare, [input]
 * previous_plan) are checked like inputs (planfile.c; docs/output.md,
 * "Reading a plan back").  Each test solves the reliability case
 * compare_truncated_plan (four schools, twelve point compounds), writes the
 * plan, spoils a copy as a cut file, a hand edit or another tool would, and
 * expects CM_EINPUT with a message naming the file, layer, feature and
 * field; the good plans, in every format, read. */
#define _GNU_SOURCE
#include "helpers.h"
#include "../src/internal.h"
#include "../src/planschema.h"

#include <criterion/criterion.h>
#include <gdal.h>
#include <ogr_api.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/stat.h>

/* ------------------------------------------------------------ the case */

static const char case_schools[] =
	"id,name,level,sector,seats_primary,seats_junior,x,y\n"
	"S1,East Primary,primary,public,100,,113.05,24.78\n"
	"S2,West Primary,primary,public,80,,113.03,24.79\n"
	"S3,North Nine,nine_year,public,60,50,113.04,24.80\n"
	"S4,Private Jr,junior,private,,40,113.06,24.79\n";

static const char case_ini[] =
	"[input]\nschools = schools.csv\nschools_source_crs = EPSG:4326\n"
	"compounds = compounds.geojson\n"
	"[policy]\nmax_distance_primary_m = 8000\nmax_distance_junior_m = 10000\n"
	"[solve]\nassignment = single\n";

/* The case's compounds: C00..C11, 20 + i local primary pupils each. */
static const double case_xy[12][2] = {
	{113.02671821220562, 24.80389734947749}, {113.05818873094883, 24.78020276102958},
	{113.04477175435460, 24.78797964259155}, {113.05257964863614, 24.80154893404542},
	{113.02469297933871, 24.77113389906088}, {113.06178825519599, 24.78731068271620},
	{113.05811400412290, 24.77008424213404}, {113.04226935970273, 24.79886160129363},
	{113.03143811106352, 24.80781082782216}, {113.06507137288057, 24.77122359932134},
	{113.02127229304966, 24.79165649891174}, {113.06695745813892, 24.78524816950753},
};

typedef struct fx {
	char *dir;       /* the case's data, its plans and their spoiled copies */
	cm_config *cfg;
	cm_dataset *ds;
	cm_plan *plan;
	char *good;      /* the plan as a GeoPackage: what the others are compared with */
} fx;

static char *path_in(const char *dir, const char *name)
{
	char *p;
	cr_assert(asprintf(&p, "%s/%s", dir, name) > 0);
	return p;
}

/* Writes the plan as `fmt` (gpkg, shp, geojson, csv) named `name`; returns
 * the path to read it back by (a folder plan: the folder). */
static char *write_plan(const fx *f, const char *name, const char *fmt)
{
	char *path, *back;
	cm_ctx *ctx;
	cm_ctx_new(&ctx);
	cr_assert(asprintf(&path, "%s/%s.%s", f->dir, name, fmt) > 0);
	cr_assert_eq(cm_plan_write(ctx, f->plan, path), 0, "%s",
	             cm_ctx_last_error(ctx));
	cm_ctx_free(ctx);
	if (!strcmp(fmt, "gpkg"))
		return path;
	back = path_in(f->dir, name);
	free(path);
	return back;
}

static void fx_setup(fx *f)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	cm_ctx *ctx;
	int i;
	memset(f, 0, sizeof *f);
	f->dir = tmpdir();
	free(write_file(f->dir, "schools.csv", case_schools));
	fprintf(fp, "{\"type\":\"FeatureCollection\",\"features\":[");
	for (i = 0; i < 12; i++)
		fprintf(fp, "%s{\"type\":\"Feature\",\"properties\":{\"id\":\"C%02d\",\"name\":\"Cmp %d\","
		            "\"area_type\":\"urban\",\"primary_local\":%d,\"primary_migrant\":5,"
		            "\"junior_local\":10,\"junior_migrant\":2},\"geometry\":{\"type\":\"Point\","
		            "\"coordinates\":[%.14f,%.14f]}}",
		        i ? "," : "", i, i, 20 + i, case_xy[i][0], case_xy[i][1]);
	fprintf(fp, "]}");
	fclose(fp);
	free(write_file(f->dir, "compounds.geojson", buf));
	free(buf);
	free(write_file(f->dir, "small.ini", case_ini));
	f->ds = load_ok(case_ini, f->dir, &f->cfg);
	cm_ctx_new(&ctx);
	cr_assert_eq(solve_with(ctx, f->cfg, f->ds, NULL, &f->plan), 0, "%s",
	             cm_ctx_last_error(ctx));
	cm_ctx_free(ctx);
	f->good = write_plan(f, "good", "gpkg");
}

static void fx_free(fx *f)
{
	cm_plan_free(f->plan);
	cm_dataset_free(f->ds);
	cm_config_free(f->cfg);
	free(f->good);
	free(f->dir);
}

/* ------------------------------------------------------------ spoiling */

/* A file's lines, without their ends (at most 256). */
typedef struct lines {
	char *v[256];
	int n;
} lines;

static void read_lines(const char *path, lines *L)
{
	size_t len;
	char *text = slurp(path, &len), *s, *save = NULL;
	cr_assert(text, "cannot read %s", path);
	L->n = 0;
	for (s = strtok_r(text, "\r\n", &save); s; s = strtok_r(NULL, "\r\n", &save)) {
		cr_assert(L->n < 256);
		L->v[L->n++] = strdup(s);
	}
	free(text);
}

static void write_lines(const char *path, lines *L)
{
	FILE *fp = fopen(path, "wb");
	cr_assert(fp, "cannot write %s", path);
	for (int i = 0; i < L->n; i++) {
		fprintf(fp, "%s\n", L->v[i]);
		free(L->v[i]);
	}
	fclose(fp);
	L->n = 0;
}

/* The cells of a CSV line (the case's names hold no commas); at most 32. */
static int split(char *line, char *cell[32])
{
	int n = 0;
	char *s = line, *c;
	while (n < 32) {
		cell[n++] = s;
		if (!(c = strchr(s, ',')))
			break;
		*c = '\0';
		s = c + 1;
	}
	return n;
}

static int column(const char *path, const char *header, const char *name)
{
	char *h = strdup(header), *cell[32];
	int n = split(h, cell), k;
	for (k = 0; k < n && strcmp(cell[k], name); k++)
		;
	free(h);
	cr_assert(k < n, "%s has no column %s", path, name);
	return k;
}

/* Sets column `col` of data row `row` (1: the first after the header, as
 * GDAL's CSV feature ids) of the CSV file `dir`/`file` to `value`; returns
 * the row's first cell then (its id, for messages; static). */
static const char *csv_set(const char *dir, const char *file, int row, const char *col,
                           const char *value)
{
	static char id[64];
	char *path = path_in(dir, file), *cell[32], *out = NULL;
	lines L;
	int n, k;
	read_lines(path, &L);
	k = column(path, L.v[0], col);
	cr_assert(row >= 1 && row < L.n, "%s has no row %d", path, row);
	n = split(L.v[row], cell);
	snprintf(id, sizeof id, "%s", k == 0 ? value : cell[0]);
	for (int i = 0; i < n; i++) {
		char *t;
		cr_assert(asprintf(&t, "%s%s%s", out ? out : "", i ? "," : "",
		                   i == k ? value : cell[i]) >= 0);
		free(out);
		out = t;
	}
	free(L.v[row]);
	L.v[row] = out;
	write_lines(path, &L);
	free(path);
	return id;
}

/* Column `col` of data row `row`, unquoted (static). */
static const char *csv_get(const char *dir, const char *file, int row, const char *col)
{
	static char v[256];
	char *path = path_in(dir, file), *cell[32], *c, *copy;
	lines L;
	int k;
	read_lines(path, &L);
	k = column(path, L.v[0], col);
	cr_assert(row >= 1 && row < L.n, "%s has no row %d", path, row);
	split(copy = strdup(L.v[row]), cell);
	c = cell[k] + (cell[k][0] == '"');
	snprintf(v, sizeof v, "%.*s", (int)strcspn(c, "\""), c);
	free(copy);
	write_lines(path, &L);
	free(path);
	return v;
}

static long csv_num(const char *dir, const char *file, int row, const char *col)
{
	return strtol(csv_get(dir, file, row, col), NULL, 10);
}

static void csv_drop_column(const char *dir, const char *file, const char *col)
{
	char *path = path_in(dir, file), *cell[32];
	lines L;
	read_lines(path, &L);
	int k = column(path, L.v[0], col);
	for (int r = 0; r < L.n; r++) {
		char *out = NULL;
		int n = split(L.v[r], cell);
		for (int i = 0, first = 1; i < n; i++) {
			char *t;
			if (i == k)
				continue;
			cr_assert(asprintf(&t, "%s%s%s", out ? out : "", first ? "" : ",", cell[i]) > 0);
			free(out);
			out = t;
			first = 0;
		}
		free(L.v[r]);
		L.v[r] = out;
	}
	write_lines(path, &L);
	free(path);
}

/* Has the CSV file a data row `row`? */
static int exists_row(const char *dir, const char *file, int row)
{
	char *path = path_in(dir, file);
	lines L;
	int yes;
	read_lines(path, &L);
	yes = row < L.n;
	write_lines(path, &L);
	free(path);
	return yes;
}

/* Drops the last `n` lines of a text file; or, with `dup` > 0, appends a
 * copy of line `dup`. */
static void edit_lines(const char *dir, const char *file, int n, int dup)
{
	char *path = path_in(dir, file);
	lines L;
	read_lines(path, &L);
	while (n-- > 0 && L.n > 1)
		free(L.v[--L.n]);
	if (dup > 0)
		L.v[L.n++] = strdup(L.v[dup]);
	write_lines(path, &L);
	free(path);
}

/* Keeps the first `num`/`den` of a file's bytes (the reproducer: 2/3). */
static void cut_file(const char *dir, const char *file, int num, int den)
{
	char *path = path_in(dir, file);
	size_t len;
	char *data = slurp(path, &len);
	FILE *fp = fopen(path, "wb");
	cr_assert(data && fp);
	fwrite(data, 1, len * (size_t)num / (size_t)den, fp);
	fclose(fp);
	free(data);
	free(path);
}

/* Replaces the first `old` in a text file by `new`. */
static void replace_text(const char *dir, const char *file, const char *old, const char *new)
{
	char *path = path_in(dir, file), *at;
	size_t len;
	char *data = slurp(path, &len);
	FILE *fp;
	cr_assert(data && (at = strstr(data, old)), "%s has no %s", path, old);
	fp = fopen(path, "wb");
	fwrite(data, 1, (size_t)(at - data), fp);
	fputs(new, fp);
	fputs(at + strlen(old), fp);
	fclose(fp);
	free(data);
	free(path);
}

/* Sets a field of feature `fid` of a layer through GDAL (a shapefile's DBF,
 * a GeoPackage): as another GIS would. */
static void ogr_set(const char *plan, const char *layer, long fid, const char *field,
                    const char *value)
{
	GDALDatasetH g;
	OGRLayerH lyr;
	OGRFeatureH f;
	GDALAllRegister();
	g = GDALOpenEx(plan, GDAL_OF_VECTOR | GDAL_OF_UPDATE, NULL, NULL, NULL);
	cr_assert(g, "cannot open %s for update", plan);
	cr_assert((lyr = GDALDatasetGetLayerByName(g, layer)));
	cr_assert((f = OGR_L_GetFeature(lyr, fid)), "%s has no feature %ld", layer, fid);
	OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, field), value);
	cr_assert_eq(OGR_L_SetFeature(lyr, f), OGRERR_NONE);
	OGR_F_Destroy(f);
	GDALClose(g);
}

static void ogr_set_geometry(const char *plan, const char *layer, long fid, const char *wkt)
{
	GDALDatasetH g;
	OGRLayerH lyr;
	OGRFeatureH f;
	OGRGeometryH geom = NULL;
	char buf[256], *text = buf;
	snprintf(buf, sizeof buf, "%s", wkt);
	GDALAllRegister();
	g = GDALOpenEx(plan, GDAL_OF_VECTOR | GDAL_OF_UPDATE, NULL, NULL, NULL);
	cr_assert(g, "cannot open %s for update", plan);
	cr_assert((lyr = GDALDatasetGetLayerByName(g, layer)));
	cr_assert((f = OGR_L_GetFeature(lyr, fid)), "%s has no feature %ld", layer, fid);
	cr_assert_eq(OGR_G_CreateFromWkt(&text, NULL, &geom), OGRERR_NONE, "%s", wkt);
	OGR_F_SetGeometryDirectly(f, geom);
	cr_assert_eq(OGR_L_SetFeature(lyr, f), OGRERR_NONE);
	OGR_F_Destroy(f);
	GDALClose(g);
}

static void gpkg_sql(const char *plan, const char *sql)
{
	GDALDatasetH g;
	GDALAllRegister();
	g = GDALOpenEx(plan, GDAL_OF_VECTOR | GDAL_OF_UPDATE, NULL, NULL, NULL);
	cr_assert(g, "cannot open %s for update", plan);
	GDALDatasetReleaseResultSet(g, GDALDatasetExecuteSQL(g, sql, NULL, NULL));
	GDALClose(g);
}

/* ------------------------------------------------------------ expecting */

static char last_msg[2048];

static void holds_all(const char *msg, const char *const *want, const char *what)
{
	for (int i = 0; want[i]; i++)
		cr_assert(strstr(msg, want[i]), "%s: the message lacks \"%s\": %s", what, want[i], msg);
}

/* Comparing the good plan with `plan`, either way round, fails as input
 * (CM_EINPUT, no comparison), the message holding every string of `want`. */
static const char *compare_fails(const fx *f, const char *plan, const char *const *want)
{
	for (int k = 0; k < 2; k++) {
		cm_ctx *ctx;
		cm_comparison *cmp = NULL;
		int rc;
		cm_ctx_new(&ctx);
		rc = k == 0 ? cm_compare_plans(ctx, f->good, plan, &cmp)
		            : cm_compare_plans(ctx, plan, f->good, &cmp);
		snprintf(last_msg, sizeof last_msg, "%s", cm_ctx_last_error(ctx));
		cm_ctx_free(ctx);
		cr_assert_eq(rc, CM_EINPUT, "%s: compare gave %d: %s", plan, rc, last_msg);
		cr_assert_null(cmp);
		holds_all(last_msg, want, plan);
	}
	return last_msg;
}
#define FAILS(f, plan, ...) compare_fails(f, plan, (const char *const[]){__VA_ARGS__, NULL})

/* Loading `path` as last year's plan: `want` NULL: it reads; else it fails
 * as input, naming all of `want`. */
static void previous_is(fx *f, const char *path, const char *const *want)
{
	cm_ctx *ctx;
	cm_previous *prev = NULL;
	int rc;
	free(f->cfg->previous.path);
	f->cfg->previous.path = strdup(path);
	cm_ctx_new(&ctx);
	rc = cm_previous_load(ctx, f->cfg, f->ds, &prev);
	snprintf(last_msg, sizeof last_msg, "%s", cm_ctx_last_error(ctx));
	cm_ctx_free(ctx);
	free(f->cfg->previous.path);
	f->cfg->previous.path = NULL;
	if (!want) {
		cr_assert_eq(rc, 0, "%s: %s", path, last_msg);
		cr_assert_not_null(prev);
		cm_previous_free(prev);
		return;
	}
	cr_assert_eq(rc, CM_EINPUT, "%s: previous_plan gave %d: %s", path, rc, last_msg);
	cr_assert_null(prev);
	holds_all(last_msg, want, path);
}
#define PREVIOUS_FAILS(f, path, ...) previous_is(f, path, (const char *const[]){__VA_ARGS__, NULL})

/* "DIR/NAME" for messages. */
static const char *at(const char *dir, const char *name)
{
	static char buf[4][1024];
	static int k;
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
	return buf[k];
}

/* "feature N (id ID)" */
static const char *feature(long fid, const char *id)
{
	static char buf[4][256];
	static int k;
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof buf[k], "feature %ld (id %s)", fid, id);
	return buf[k];
}

/* ------------------------------------------------------------ good plans */

/* Every format reads: no changes against the GeoPackage, last year's plan
 * loads (the folder and a layer file in it), maps draw. */
/* Where a plan asked for at a path is (cm_plan_where): the path itself,
 * or the folder named after it less its extension (a folder plan), or
 * nowhere. */
Test(planread, plan_where)
{
	char *dir = tmpdir(), *folder = cm__sprintf("%s/city", dir), *asked = cm__sprintf("%s/city.shp", dir),
	     *file = cm__sprintf("%s/plan.gpkg", dir), *none = cm__sprintf("%s/none.gpkg", dir), *w;
	cr_assert_eq(mkdir(folder, 0755), 0);
	FILE *fp = fopen(file, "w");
	cr_assert(fp);
	fclose(fp);
	w = cm_plan_where(asked);
	cr_assert_str_eq(w, folder, "a folder plan asked for as city.shp is the folder city");
	free(w);
	w = cm_plan_where(folder);
	cr_assert_str_eq(w, folder);
	free(w);
	w = cm_plan_where(file);
	cr_assert_str_eq(w, file, "a file is where it was asked for");
	free(w);
	cr_assert_null(cm_plan_where(none));
	cr_assert_null(cm_plan_where("PG:dbname=bureau host=db.example.org"));
	cr_assert_null(cm_plan_where(NULL));
	remove(file);
	rmdir(folder);
	rmdir(dir);
	free(dir);
	free(folder);
	free(asked);
	free(file);
	free(none);
}

Test(planread, good_plans_read)
{
	static const char *const fmts[] = {"gpkg", "shp", "geojson", "csv"};
	static const char *const ext[] = {NULL, "dbf", "geojson", "csv"};
	fx f;
	fx_setup(&f);
	for (int k = 0; k < 4; k++) {
		char *plan = write_plan(&f, fmts[k], fmts[k]);
		cm_ctx *ctx;
		cm_comparison *cmp = NULL;
		const cm_compare_change *ch;
		const cm_compare_school *sc;
		cm_ctx_new(&ctx);
		cr_assert_eq(cm_compare_plans(ctx, f.good, plan, &cmp), 0, "%s: %s", fmts[k],
		             cm_ctx_last_error(ctx));
		cr_assert_eq(cm_comparison_changes(cmp, &ch), 0, "%s", fmts[k]);
		cr_assert_eq(cm_comparison_schools(cmp, &sc), 0, "%s", fmts[k]);
		cm_comparison_free(cmp);
		if (strcmp(fmts[k], "csv")) {
			char *out = path_in(f.dir, "m.svg");
			cm_map_opts mo = {.version = CM_MAP_OPTS_VERSION,
			                  .title = NULL, .level = CM_PRIMARY};
			cr_assert_eq(cm_map_draw(ctx, plan, out, &mo), 0, "%s: %s", fmts[k],
			             cm_ctx_last_error(ctx));
			free(out);
		}
		cm_ctx_free(ctx);
		previous_is(&f, plan, NULL);
		if (ext[k]) {
			char *file;
			cr_assert(asprintf(&file, "%s/assignment.%s", plan, ext[k]) > 0);
			previous_is(&f, file, NULL);
			free(file);
		}
		free(plan);
	}
	fx_free(&f);
}

/* Polygon compounds (a zones layer), a boundary and a redraw against last
 * year's plan (a changes layer) read too. */
Test(planread, zones_boundary_and_changes_read)
{
	cm_config *cfg;
	char *dir = tmpdir(), *ini = scenario_text("schools.geojson", "compounds.geojson", NULL);
	cm_dataset *ds = load_ok(ini, dir, &cfg);
	cm_ctx *ctx;
	cm_plan *base = NULL, *redraw = NULL;
	cm_previous *prev = NULL;
	cm_comparison *cmp = NULL;
	char *p_base = path_in(dir, "base.gpkg"), *p_redraw = path_in(dir, "redraw.gpkg");
	char *p_json = path_in(dir, "redraw.geojson"), *j_dir = path_in(dir, "redraw");
	GDALDatasetH g;
	cm_ctx_new(&ctx);
	cr_assert_eq(solve_with(ctx, cfg, ds, NULL, &base), 0, "%s", cm_ctx_last_error(ctx));
	cr_assert_eq(cm_plan_write(ctx, base, p_base), 0, "%s", cm_ctx_last_error(ctx));
	cfg->previous.path = strdup(p_base);
	cr_assert_eq(cm_previous_load(ctx, cfg, ds, &prev), 0, "%s", cm_ctx_last_error(ctx));
	cr_assert_eq(solve_with(ctx, cfg, ds, prev, &redraw), 0, "%s", cm_ctx_last_error(ctx));
	cr_assert_eq(cm_plan_write(ctx, redraw, p_redraw), 0, "%s", cm_ctx_last_error(ctx));
	cr_assert_eq(cm_plan_write(ctx, redraw, p_json), 0, "%s", cm_ctx_last_error(ctx));
	g = GDALOpenEx(p_redraw, GDAL_OF_VECTOR, NULL, NULL, NULL);
	cr_assert(g && GDALDatasetGetLayerByName(g, "zones") && GDALDatasetGetLayerByName(g, "changes"),
	          "the redraw has zones and changes layers");
	GDALClose(g);
	cr_assert_eq(cm_compare_plans(ctx, p_base, p_redraw, &cmp), 0, "%s", cm_ctx_last_error(ctx));
	cm_comparison_free(cmp);
	cr_assert_eq(cm_compare_plans(ctx, p_redraw, j_dir, &cmp), 0, "%s", cm_ctx_last_error(ctx));
	cm_comparison_free(cmp);
	cm_ctx_free(ctx);
	cm_previous_free(prev);
	cm_plan_free(base);
	cm_plan_free(redraw);
	cm_dataset_free(ds);
	cm_config_free(cfg);
	free(ini);
	free(p_base);
	free(p_redraw);
	free(p_json);
	free(j_dir);
	free(dir);
}

static void keep_warning(cm_log_level level, const char *msg, void *ud)
{
	if (level == CM_LOG_WARN)
		snprintf(ud, 1024, "%s", msg);
}

/* Two plans with no compound in common (another county's, or new ids):
 * compare says so, where it counted every compound of each as a change
 * without a word (a second attack). */
Test(planread, compare_says_when_plans_share_no_compound)
{
	tschool s[] = {{"X1", "primary", "public", 60, 0, 0, 0, 0, 0, 0}};
	tcomp a[] = {{"A", "urban", 20, 5, 0, 0, -300, 200}, {"B", "urban", 25, 4, 0, 0, 500, -400}};
	tcomp b[] = {{"Q", "urban", 20, 5, 0, 0, -300, 200}, {"R", "urban", 25, 4, 0, 0, 500, -400}};
	tiny ta, tb;
	cm_ctx *ctx;
	cm_comparison *cmp = NULL;
	char *pa, *pb, warned[1024] = "";
	tiny_solve(&ta, s, 1, a, 2, "[solve]\nassignment = split\n");
	tiny_solve(&tb, s, 1, b, 2, "[solve]\nassignment = split\n");
	pa = path_in(ta.dir, "a.gpkg");
	pb = path_in(tb.dir, "b.gpkg");
	cm_ctx_new(&ctx);
	cr_assert_eq(cm_plan_write(ctx, ta.plan, pa), 0, "%s", cm_ctx_last_error(ctx));
	cr_assert_eq(cm_plan_write(ctx, tb.plan, pb), 0, "%s", cm_ctx_last_error(ctx));
	cm_ctx_set_log(ctx, keep_warning, warned);
	cr_assert_eq(cm_compare_plans(ctx, pa, pa, &cmp), 0, "%s", cm_ctx_last_error(ctx));
	cm_comparison_free(cmp);
	cr_assert_str_empty(warned, "%s", warned);
	cr_assert_eq(cm_compare_plans(ctx, pa, pb, &cmp), 0, "%s", cm_ctx_last_error(ctx));
	cm_comparison_free(cmp);
	cr_assert(strstr(warned, "no compound in common"), "%s", warned);
	cm_ctx_free(ctx);
	free(pa);
	free(pb);
	tiny_free(&ta);
	tiny_free(&tb);
}

/* A plan whose layers disagree on the CRS (one saved again in another, as
 * a GIS does) is refused, naming both layers: it was drawn at one point
 * with a scale bar of 1e+06 km (a second attack). */
Test(planread, layers_in_two_crs_are_refused)
{
	tschool s[] = {{"X1", "primary", "public", 60, 0, 0, 0, 0, 0, 0}};
	tcomp c[] = {{"A", "urban", 20, 5, 0, 0, -300, 200}, {"B", "urban", 25, 4, 0, 0, 500, -400}};
	tiny t;
	cm_ctx *ctx;
	cm_comparison *cmp = NULL;
	char *shp, *prj;
	FILE *fp;
	tiny_solve(&t, s, 1, c, 2, "[solve]\nassignment = split\n");
	shp = path_in(t.dir, "p.shp");
	prj = path_in(t.dir, "p/catchments.prj");
	cm_ctx_new(&ctx);
	cr_assert_eq(cm_plan_write(ctx, t.plan, shp), 0, "%s", cm_ctx_last_error(ctx));
	cr_assert_eq(cm_compare_plans(ctx, shp, shp, &cmp), 0, "%s", cm_ctx_last_error(ctx));
	cm_comparison_free(cmp);
	cmp = NULL;
	fp = fopen(prj, "w");
	cr_assert(fp);
	fputs("GEOGCS[\"GCS_WGS_1984\",DATUM[\"D_WGS_1984\",SPHEROID[\"WGS_1984\",6378137.0,"
	      "298.257223563]],PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]]", fp);
	fclose(fp);
	cr_assert_neq(cm_compare_plans(ctx, shp, shp, &cmp), 0);
	cr_assert(strstr(cm_ctx_last_error(ctx), "layer catchments is in") &&
	          strstr(cm_ctx_last_error(ctx), "share one CRS"), "%s", cm_ctx_last_error(ctx));
	cm_comparison_free(cmp);
	cm_ctx_free(ctx);
	free(shp);
	free(prj);
	tiny_free(&t);
}

/* ------------------------------------------------------------ cut short */

/* The reproducer: a CSV plan whose compounds.csv lost its last third was
 * compared without complaint, its missing compounds listed as changes. */
Test(planread, reproducer_compare_truncated_plan)
{
	fx f;
	fx_setup(&f);
	char *plan = write_plan(&f, "plan", "csv");
	cut_file(plan, "compounds.csv", 2, 3);
	FAILS(&f, plan, at(plan, "compounds.csv"), "layer compounds", ", field", "cut short");
	free(plan);
	fx_free(&f);
}

Test(planread, files_cut_short)
{
	fx f;
	fx_setup(&f);
	char *p;
	/* rows missing from the assignment: a compound's pupils are not all there */
	p = write_plan(&f, "a", "csv");
	edit_lines(p, "assignment.csv", 4, 0);
	FAILS(&f, p, at(p, "compounds.csv"), "layer compounds, feature ", "fields ",
	      "but the assignment layer (", at(p, "assignment.csv"), "cut short");
	free(p);
	/* a row cut in the middle: after seat_kind, nothing */
	p = write_plan(&f, "b", "csv");
	{
		char *path = path_in(p, "assignment.csv"), *cell[32];
		lines L;
		read_lines(path, &L);
		char *last = L.v[L.n - 1];
		int n = split(last, cell);
		cr_assert(n > 7);
		/* cells 0..5 again, then an empty local and the line ends */
		char *cut;
		cr_assert(asprintf(&cut, "%s,%s,%s,%s,%s,%s,", cell[0], cell[1], cell[2], cell[3],
		                   cell[4], cell[5]) > 0);
		char id[64];
		snprintf(id, sizeof id, "%s", cell[0]);
		free(L.v[L.n - 1]);
		L.v[L.n - 1] = cut;
		long fid = L.n - 1;
		write_lines(path, &L);
		FAILS(&f, p, at(p, "assignment.csv"), "layer assignment", feature(fid, id),
		      "field local: empty");
		free(path);
	}
	free(p);
	/* the summary without its junior row */
	p = write_plan(&f, "c", "csv");
	edit_lines(p, "summary.csv", 1, 0);
	FAILS(&f, p, at(p, "schools.csv"), "layer schools", "field enrolled", at(p, "summary.csv"),
	      "has no junior level");
	free(p);
	/* a shapefile's DBF cut short: GDAL stops reading midway */
	p = write_plan(&f, "d", "shp");
	cut_file(p, "compounds.dbf", 2, 3);
	FAILS(&f, p, at(p, "compounds.shp"), "layer compounds", "cut short or damaged", "DBF");
	free(p);
	p = write_plan(&f, "e2", "shp");
	cut_file(p, "compounds.shp", 1, 2);
	FAILS(&f, p, at(p, "compounds.shp"), "layer compounds", "cut short or damaged", ".shp file");
	free(p);
	p = write_plan(&f, "e", "shp");
	cut_file(p, "assignment.dbf", 1, 2);
	FAILS(&f, p, at(p, "assignment.shp"), "layer assignment", "cut short or damaged");
	free(p);
	/* a GeoJSON layer cut short is no JSON */
	p = write_plan(&f, "g", "geojson");
	cut_file(p, "compounds.geojson", 2, 3);
	FAILS(&f, p, at(p, "compounds.geojson"), "layer compounds cannot be read", "cut short");
	free(p);
	/* a GeoPackage cut short */
	p = write_plan(&f, "h", "gpkg");
	cut_file(f.dir, "h.gpkg", 2, 3);
	FAILS(&f, p, p);
	free(p);
	fx_free(&f);
}

/* ------------------------------------------------------------ bad values */

/* The issue's values and their kin, one a plan, in a CSV plan: each named
 * by file, layer, feature (its id) and field. */
Test(planread, bad_values_csv)
{
	static const struct {
		const char *file, *layer;
		int row;
		const char *col, *value, *expect;
	} cases[] = {
		{"assignment.csv", "assignment", 3, "level", "bogus",
		 "field level: 'bogus' is not primary or junior"},
		{"compounds.csv", "compounds", 2, "primary_local", "-99999999999",
		 "field primary_local: '-99999999999' is negative"},
		{"assignment.csv", "assignment", 1, "local", "NaN",
		 "field local: 'NaN' is not a finite number"},
		{"assignment.csv", "assignment", 2, "migrant", "inf",
		 "field migrant: 'inf' is not a finite number"},
		{"compounds.csv", "compounds", 4, "junior_migrant", "2000000",
		 "field junior_migrant: '2000000' is more than 1000000"},
		{"assignment.csv", "assignment", 2, "migrant", "2.5",
		 "field migrant: '2.5' is not a whole number"},
		{"schools.csv", "schools", 1, "enrolled", "0x1F",
		 "field enrolled: '0x1F' is not a finite number"},
		{"schools.csv", "schools", 2, "seats", "12 seats",
		 "field seats: '12 seats' is not a finite number"},
		{"summary.csv", "summary", 1, "pupils", "99999999",
		 "field pupils: '99999999' is more than 33554432"},
		{"assignment.csv", "assignment", 2, "seat_kind", "free",
		 "field seat_kind: 'free' is not public, purchased, fee or unplaced"},
		{"schools.csv", "schools", 1, "sector", "charity",
		 "field sector: 'charity' is not public or private"},
		{"catchments.csv", "catchments", 1, "color", "red",
		 "field color: 'red' is not a colour"},
		{"summary.csv", "summary", 1, "mean_distance_m", "-5",
		 "field mean_distance_m: '-5' is negative"},
		{"summary.csv", "summary", 2, "migrant_public_share", "1.5",
		 "field migrant_public_share: '1.5' is not a share from 0 to 1"},
		{"summary.csv", "summary", 2, "level", "primary",
		 "field level: primary appears twice (also feature 1)"},
		/* numbers, but not as a plan writes a count (they were read as 40) */
		{"compounds.csv", "compounds", 3, "primary_local", "4e1",
		 "field primary_local: '4e1' is not a plain whole number"},
		{"assignment.csv", "assignment", 1, "local", "+40",
		 "field local: '+40' is not a plain whole number"},
		{"schools.csv", "schools", 2, "enrolled", "40.0",
		 "field enrolled: '40.0' is not a plain whole number"},
		{"schools.csv", "schools", 1, "spare", "+3",
		 "field spare: '+3' is not a plain whole number"},
	};
	fx f;
	fx_setup(&f);
	for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
		char name[32], layer[64];
		snprintf(name, sizeof name, "v%zu", k);
		char *p = write_plan(&f, name, "csv");
		const char *id = csv_set(p, cases[k].file, cases[k].row, cases[k].col, cases[k].value);
		snprintf(layer, sizeof layer, "layer %s, ", cases[k].layer);
		FAILS(&f, p, at(p, cases[k].file), layer, feature(cases[k].row, id), cases[k].expect);
		free(p);
	}
	/* an id left empty: the feature has no id to name */
	char *p = write_plan(&f, "noid", "csv");
	csv_set(p, "compounds.csv", 1, "compound_id", "");
	FAILS(&f, p, at(p, "compounds.csv"), "layer compounds, feature 1, field compound_id: empty");
	free(p);
	fx_free(&f);
}

/* A plan whose ids were saved as numbers by another tool (here a .csvt
 * beside compounds.csv, the ids made numeric in every layer): the check
 * kept each feature's id as GDAL's text of the number, freed on the
 * feature's next field read, and named garbage ("compound \x10\x7f...
 * appears twice").  A text field of another type is refused,
 * named. */
Test(planread, ids_saved_as_numbers_are_refused)
{
	fx f;
	fx_setup(&f);
	char *p = write_plan(&f, "num", "csv");
	static const char *const files[] = {"compounds.csv", "assignment.csv", "changes.csv"};
	for (size_t k = 0; k < sizeof files / sizeof *files; k++) {
		char *path = path_in(p, files[k]);
		lines L;
		if (access(path, F_OK)) {
			free(path);
			continue;
		}
		read_lines(path, &L);
		for (int i = 1; i < L.n; i++)
			for (char *c = L.v[i]; *c; c++)
				if (*c == 'C' && (c == L.v[i] || c[-1] == ',' || c[-1] == '"') &&
				    c[1] >= '0' && c[1] <= '9' && c[2] >= '0' && c[2] <= '9')
					*c = '1'; /* C00 -> 100 */
		write_lines(path, &L);
		free(path);
	}
	{
		char *path = path_in(p, "compounds.csv"), *types = NULL, *cell[32];
		lines L;
		read_lines(path, &L);
		int n = split(L.v[0], cell);
		for (int i = 0; i < n; i++) {
			char *t;
			cr_assert(asprintf(&t, "%s%s%s", types ? types : "", i ? "," : "",
			                   i == 0 ? "Integer64" : "String") >= 0);
			free(types);
			types = t;
		}
		for (int i = 0; i < L.n; i++)
			free(L.v[i]);
		free(write_file(p, "compounds.csvt", types));
		free(types);
		free(path);
	}
	FAILS(&f, p, at(p, "compounds.csv"), "layer compounds, feature 1 (id 100)",
	      "field compound_id: a field of type Integer64, not text (a plan writes it as text");
	PREVIOUS_FAILS(&f, p, at(p, "compounds.csv"), "feature 1 (id 100)",
	               "field compound_id: a field of type Integer64, not text");
	free(p);
	fx_free(&f);
}

/* The same in the other formats, edited as another tool would: GDAL on a
 * shapefile (its short field names) and a GeoPackage, text on GeoJSON. */
Test(planread, bad_values_other_formats)
{
	fx f;
	fx_setup(&f);
	char *p, *dbf;
	p = write_plan(&f, "s1", "shp");
	ogr_set(p, "compounds", 0, "prim_local", "-5");
	FAILS(&f, p, at(p, "compounds.shp"), "layer compounds, feature 0 (id C00)",
	      "field prim_local: '-5' is negative");
	free(p);
	p = write_plan(&f, "s2", "shp");
	dbf = path_in(p, "assignment.dbf");
	ogr_set(dbf, "assignment", 1, "level", "bogus");
	FAILS(&f, p, at(p, "assignment.shp"), "layer assignment, feature 1 (id ",
	      "field level: 'bogus' is not primary or junior");
	free(dbf);
	free(p);
	p = write_plan(&f, "s3", "shp");
	ogr_set(p, "summary", 0, "pupils", "-1");
	FAILS(&f, p, at(p, "summary.dbf"), "layer summary, feature 0 (id primary)",
	      "field pupils: '-1' is negative");
	free(p);
	p = write_plan(&f, "g1", "gpkg");
	ogr_set(p, "assignment", 2, "level", "bogus");
	FAILS(&f, p, p, "layer assignment, feature 2 (id ", "field level: 'bogus'");
	free(p);
	p = write_plan(&f, "g2", "gpkg");
	/* (GDAL reads a GeoPackage's integer fields in 32 bits: the issue's
	 * -99,999,999,999 arrives wrapped, still negative) */
	gpkg_sql(p, "UPDATE compounds SET primary_local = -99999 WHERE fid = 3");
	FAILS(&f, p, p, "layer compounds, feature 3 (id C02)", "field primary_local: '-99999' is "
	      "negative");
	free(p);
	/* SQLite keeps text and fractions in an integer column, and GDAL read
	 * them as 0 and 20: the totals were blamed, not the value */
	p = write_plan(&f, "g6", "gpkg");
	gpkg_sql(p, "UPDATE compounds SET primary_local = 'abc' WHERE fid = 3");
	FAILS(&f, p, p, "layer compounds, feature 3 (id C02)", "field primary_local: 'abc' is not "
	      "a finite number");
	free(p);
	p = write_plan(&f, "g7", "gpkg");
	gpkg_sql(p, "UPDATE assignment SET migrant = 2.5 WHERE fid = 2");
	FAILS(&f, p, p, "layer assignment, feature 2 (id C", "field migrant: '2.5' is not a whole "
	      "number");
	free(p);
	p = write_plan(&f, "g8", "gpkg");
	gpkg_sql(p, "UPDATE summary SET mean_distance_m = 'far' WHERE fid = 1");
	FAILS(&f, p, p, "layer summary, feature 1 (id primary)", "field mean_distance_m: 'far' is "
	      "not a finite number");
	free(p);
	p = write_plan(&f, "g3", "gpkg");
	gpkg_sql(p, "UPDATE assignment SET local = NULL WHERE fid = 1");
	FAILS(&f, p, p, "layer assignment, feature 1 (id ", "field local: empty");
	free(p);
	/* geometry and text no plan has (an attack: each read, the report then
	 * drew every school at one spot, or a point as an area) */
	p = write_plan(&f, "g4", "gpkg");
	ogr_set_geometry(p, "compounds", 1, "POINT (1e300 1e300)");
	FAILS(&f, p, p, "layer compounds, feature 1 (id C00)", "a coordinate is 1e+300");
	free(p);
	p = write_plan(&f, "g5", "gpkg");
	ogr_set_geometry(p, "catchments", 1, "POINT (500000 3000000)");
	FAILS(&f, p, p, "layer catchments, feature 1", "the geometry is a POINT, where the layer's "
	      "are polygons");
	free(p);
	p = write_plan(&f, "c9", "csv");
	csv_set(p, "compounds.csv", 1, "name", "\xff\xfe\xc3");
	FAILS(&f, p, at(p, "compounds.csv"), "layer compounds, feature 1 (id C00)",
	      "field name: the text is not UTF-8");
	free(p);
	/* the first feature's value becomes another tool's field */
	p = write_plan(&f, "j1", "geojson");
	replace_text(p, "assignment.geojson", "\"local\": ", "\"local\": NaN, \"was\": ");
	FAILS(&f, p, at(p, "assignment.geojson"), "layer assignment, feature 0 (id C",
	      "field local: 'nan' is not a finite number");
	free(p);
	p = write_plan(&f, "j2", "geojson");
	replace_text(p, "compounds.geojson", "\"primary_local\": ",
	             "\"primary_local\": -99999999999, \"was\": ");
	FAILS(&f, p, at(p, "compounds.geojson"), "layer compounds, feature 0 (id C00)",
	      "field primary_local: '-99999999999' is negative");
	free(p);
	fx_free(&f);
}

/* ------------------------------------------------------------ layers, fields */

Test(planread, missing_layers_and_fields)
{
	fx f;
	fx_setup(&f);
	char *p, *file;
	p = write_plan(&f, "c1", "csv");
	file = path_in(p, "summary.csv");
	cr_assert_eq(unlink(file), 0);
	FAILS(&f, p, p, "layer summary is missing", file);
	free(file);
	free(p);
	p = write_plan(&f, "c2", "csv");
	csv_drop_column(p, "compounds.csv", "junior_migrant");
	FAILS(&f, p, at(p, "compounds.csv"), "layer compounds: no field junior_migrant (in a "
	      "shapefile: jun_migr); the layer's fields: compound_id, name, area_type, "
	      "primary_local, primary_migrant, junior_local, school_primary");
	free(p);
	p = write_plan(&f, "c3", "csv");
	csv_drop_column(p, "assignment.csv", "seat_kind");
	FAILS(&f, p, at(p, "assignment.csv"), "layer assignment: no field seat_kind; the layer's "
	      "fields: compound_id");
	free(p);
	p = write_plan(&f, "s", "shp");
	for (const char *const *e = (const char *const[]){"shp", "shx", "dbf", "prj", "cpg", NULL}; *e;
	     e++) {
		cr_assert(asprintf(&file, "%s/catchments.%s", p, *e) > 0);
		cr_assert_eq(unlink(file), 0, "%s", file);
		free(file);
	}
	FAILS(&f, p, p, "layer catchments is missing");
	free(p);
	p = write_plan(&f, "g", "gpkg");
	{
		GDALDatasetH g = GDALOpenEx(p, GDAL_OF_VECTOR | GDAL_OF_UPDATE, NULL, NULL, NULL);
		int k;
		cr_assert(g);
		for (k = 0; k < GDALDatasetGetLayerCount(g); k++)
			if (!strcmp(OGR_L_GetName(GDALDatasetGetLayer(g, k)), "schools"))
				break;
		cr_assert_eq(GDALDatasetDeleteLayer(g, k), OGRERR_NONE);
		GDALClose(g);
	}
	FAILS(&f, p, p, "layer schools is missing");
	free(p);
	p = write_plan(&f, "j", "geojson");
	file = path_in(p, "assignment.geojson");
	cr_assert_eq(unlink(file), 0);
	FAILS(&f, p, "layer assignment is missing", file);
	free(file);
	free(p);
	fx_free(&f);
}

/* Asked for in Chinese at the library (speak_chinese, helpers.c), a plan
 * missing a layer and a plan with a bad count are refused in Chinese
 * sentences that keep the file, layer and field names and the value as
 * they are. */
Test(planread, errors_in_chinese)
{
	fx f;
	char *p, *file, want[1024];
	const char *id;
	fx_setup(&f);
	speak_chinese(1);
	p = write_plan(&f, "zh1", "csv");
	file = path_in(p, "summary.csv");
	cr_assert_eq(unlink(file), 0);
	snprintf(want, sizeof want, "%s:不是完整的 catchment 方案:缺少图层 summary(没有 %s);"
	         "方案应有图层 assignment、schools、summary、compounds 和 catchments", p, file);
	FAILS(&f, p, want);
	cr_assert_null(strstr(last_msg, "is missing"), "%s", last_msg);
	free(file);
	free(p);
	p = write_plan(&f, "zh2", "csv");
	id = csv_set(p, "compounds.csv", 2, "primary_local", "-5");
	snprintf(want, sizeof want, "%s,图层 compounds,要素 2(代码 %s),字段 primary_local:'-5' "
	         "为负数:人数应为 0 或以上", at(p, "compounds.csv"), id);
	FAILS(&f, p, want);
	free(p);
	speak_chinese(0);
	fx_free(&f);
}

/* ------------------------------------------------------------ totals */

/* Edits that keep every value plausible but the layers in disagreement. */
Test(planread, totals_disagree)
{
	fx f;
	fx_setup(&f);
	char *p, v[32];
	/* the summary's pupils are not placed + unplaced */
	p = write_plan(&f, "t1", "csv");
	snprintf(v, sizeof v, "%ld", csv_num(p, "summary.csv", 1, "pupils") + 1);
	csv_set(p, "summary.csv", 1, "pupils", v);
	FAILS(&f, p, at(p, "summary.csv"), "layer summary, feature 1 (id primary), field pupils",
	      "placed and unplaced make");
	free(p);
	/* a school enrols one more (local and enrolled agree): the summary does not */
	p = write_plan(&f, "t2", "csv");
	snprintf(v, sizeof v, "%ld", csv_num(p, "schools.csv", 1, "enrolled") + 1);
	csv_set(p, "schools.csv", 1, "enrolled", v);
	snprintf(v, sizeof v, "%ld", csv_num(p, "schools.csv", 1, "local") + 1);
	csv_set(p, "schools.csv", 1, "local", v);
	FAILS(&f, p, at(p, "schools.csv"), "layer schools, field enrolled", "primary pupils enrolled "
	      "in all, but the summary (", "cut short or was edited");
	free(p);
	/* a pupil moved between two compounds' rows: totals agree, compounds do not */
	p = write_plan(&f, "t3", "csv");
	{
		char id1[64], level[16];
		int r2 = 2;
		snprintf(id1, sizeof id1, "%s", csv_get(p, "assignment.csv", 1, "compound_id"));
		snprintf(level, sizeof level, "%s", csv_get(p, "assignment.csv", 1, "level"));
		/* a row of another compound at the level, with a local pupil to give */
		while (!strcmp(csv_get(p, "assignment.csv", r2, "compound_id"), id1) ||
		       strcmp(csv_get(p, "assignment.csv", r2, "level"), level) ||
		       csv_num(p, "assignment.csv", r2, "local") == 0)
			r2++;
		snprintf(v, sizeof v, "%ld", csv_num(p, "assignment.csv", 1, "local") + 1);
		csv_set(p, "assignment.csv", 1, "local", v);
		snprintf(v, sizeof v, "%ld", csv_num(p, "assignment.csv", r2, "local") - 1);
		csv_set(p, "assignment.csv", r2, "local", v);
		FAILS(&f, p, at(p, "compounds.csv"), "layer compounds, feature ", "fields ",
		      "_local and ", "but the assignment layer (", at(p, "assignment.csv"));
	}
	free(p);
	/* a compound twice */
	p = write_plan(&f, "t4", "csv");
	edit_lines(p, "compounds.csv", 0, 3);
	FAILS(&f, p, at(p, "compounds.csv"), "layer compounds", "field compound_id: compound C02 "
	      "appears twice (also feature 3)");
	free(p);
	/* a catchment school that is not a school */
	p = write_plan(&f, "t5", "csv");
	csv_set(p, "compounds.csv", 1, "school_primary", "S9");
	FAILS(&f, p, at(p, "compounds.csv"), feature(1, "C00"), "field school_primary: school S9 is "
	      "not in the schools layer (", at(p, "schools.csv"));
	free(p);
	/* a catchment gone */
	p = write_plan(&f, "t6", "csv");
	{
		char want[128];
		int last = 1;
		while (exists_row(p, "catchments.csv", last + 1))
			last++;
		snprintf(want, sizeof want, "layer catchments: no %s catchment of school ",
		         csv_get(p, "catchments.csv", last, "level"));
		snprintf(want + strlen(want), sizeof want - strlen(want), "%s,",
		         csv_get(p, "catchments.csv", last, "school_id"));
		edit_lines(p, "catchments.csv", 1, 0);
		FAILS(&f, p, at(p, "catchments.csv"), want, at(p, "compounds.csv"));
	}
	free(p);
	/* a catchment's pupils are not its school's */
	p = write_plan(&f, "t7", "csv");
	snprintf(v, sizeof v, "%ld", csv_num(p, "catchments.csv", 1, "pupils") + 7);
	csv_set(p, "catchments.csv", 1, "pupils", v);
	FAILS(&f, p, at(p, "catchments.csv"), "layer catchments, feature 1 (id ", "field pupils",
	      "but the schools layer (");
	free(p);
	fx_free(&f);
}

/* ------------------------------------------------------------ previous_plan */

/* previous_plan: a plan catchment wrote is checked whole (its folder, a
 * layer file in it, a GeoPackage); a bare table row by row. */
Test(planread, previous_plan_checked)
{
	fx f;
	fx_setup(&f);
	char *p, *file;
	p = write_plan(&f, "cut", "csv");
	cut_file(p, "compounds.csv", 2, 3);
	PREVIOUS_FAILS(&f, p, "last year's plan (previous_plan): ", at(p, "compounds.csv"),
	               "layer compounds");
	file = path_in(p, "assignment.csv");
	PREVIOUS_FAILS(&f, file, "last year's plan (previous_plan): ", at(p, "compounds.csv"));
	free(file);
	free(p);
	p = write_plan(&f, "bogus", "gpkg");
	ogr_set(p, "assignment", 2, "level", "bogus");
	PREVIOUS_FAILS(&f, p, p, "layer assignment, feature 2 (id ", "field level: 'bogus'");
	free(p);
	/* bare tables */
	static const struct {
		const char *text, *expect;
	} bare[] = {
		{"compound_id,level,school_id,local,migrant\nC00,primary,S2,NaN,0\n",
		 "field local: 'NaN' is not a finite number"},
		{"compound_id,level,school_id,local,migrant\nC00,primary,S2,20,-99999999999\n",
		 "field migrant: '-99999999999' is negative"},
		{"compound_id,level,school_id,local,migrant\nC00,primary,S2,2000001,0\n",
		 "field local: '2000001' is more than 1000000"},
		{"compound_id,level,school_id,seat_kind,local\nC00,primary,S2,free,20\n",
		 "field seat_kind: 'free' is not public"},
		{"compound_id,level,school_id\n,primary,S2\n", "field compound_id: empty"},
		{"compound_id,level,school_id\nC00,bogus,S2\n", "field level: 'bogus' is not primary"},
	};
	for (size_t k = 0; k < sizeof bare / sizeof *bare; k++) {
		file = write_file(f.dir, "prev.csv", bare[k].text);
		PREVIOUS_FAILS(&f, file, file, "layer prev, feature 1", bare[k].expect);
		free(file);
	}
	file = write_file(f.dir, "prev.csv", "compound_id,level,school_id,local,migrant\n"
	                                     "C00,primary,S2,20,5\nC01,junior,S3,,2\n");
	previous_is(&f, file, NULL);
	free(file);
	fx_free(&f);
}

/* ------------------------------------------------------------ the CLI, maps */

static int exists(const char *dir, const char *name)
{
	char *p = path_in(dir, name);
	int yes = access(p, F_OK) == 0;
	free(p);
	return yes;
}

/* compare, map, solve and check with a spoiled plan: exit 1, the file
 * named, nothing written. */
Test(planread, cli_refuses_and_writes_nothing)
{
	fx f;
	fx_setup(&f);
	char *bad = write_plan(&f, "plan", "csv"), *gj = write_plan(&f, "gj", "geojson");
	char *args, *ini;
	const char *out;
	cut_file(bad, "compounds.csv", 2, 3);
	replace_text(gj, "catchments.geojson", "\"level\": \"primary\"", "\"level\": \"bogus\"");

	cr_assert(asprintf(&args, "compare %s %s -o %s/cmp.csv --map %s/cmp.svg", f.good, bad, f.dir,
	                   f.dir) > 0);
	cr_assert_eq(run_cli(args, &out), 1, "%s", out);
	cr_assert(strstr(out, at(bad, "compounds.csv")) && strstr(out, "layer compounds"), "%s", out);
	cr_assert(!exists(f.dir, "cmp.csv") && !exists(f.dir, "cmp-primary.svg"), "nothing written");
	free(args);

	cr_assert(asprintf(&args, "map %s -o %s/m.png", gj, f.dir) > 0);
	cr_assert_eq(run_cli(args, &out), 1, "%s", out);
	cr_assert(strstr(out, at(gj, "catchments.geojson")) && strstr(out, "field level: 'bogus'"),
	          "%s", out);
	cr_assert(!exists(f.dir, "m.png") && !exists(f.dir, "m-primary.png") &&
	          !exists(f.dir, "m-junior.png"), "no map");
	free(args);

	/* the library says the same to map callers */
	{
		cm_ctx *ctx;
		char *png = path_in(f.dir, "lib.png");
		cm_map_opts mo = {.version = CM_MAP_OPTS_VERSION,
		                  .title = NULL, .level = CM_PRIMARY};
		cm_ctx_new(&ctx);
		cr_assert_eq(cm_map_draw(ctx, gj, png, &mo), CM_EINPUT);
		cr_assert(strstr(cm_ctx_last_error(ctx), "layer catchments, feature "), "%s",
		          cm_ctx_last_error(ctx));
		cr_assert(access(png, F_OK) != 0);
		cm_ctx_free(ctx);
		free(png);
	}

	cr_assert(asprintf(&ini, "[input]\nprevious_plan = %s\n%s", bad,
	                   case_ini + strlen("[input]\n")) > 0);
	free(write_file(f.dir, "redraw.ini", ini));
	free(ini);
	cr_assert(asprintf(&args, "solve -q -o %s/new.gpkg %s/redraw.ini", f.dir, f.dir) > 0);
	cr_assert_eq(run_cli(args, &out), 1, "%s", out);
	cr_assert(strstr(out, "last year's plan") && strstr(out, at(bad, "compounds.csv")), "%s", out);
	cr_assert(!exists(f.dir, "new.gpkg"), "no plan written");
	free(args);
	cr_assert(asprintf(&args, "check %s/redraw.ini", f.dir) > 0);
	cr_assert_eq(run_cli(args, &out), 1, "%s", out);
	cr_assert(strstr(out, at(bad, "compounds.csv")), "%s", out);
	free(args);

	free(bad);
	free(gj);
	fx_free(&f);
}

/* A plan with fields empty in every row (no junior pupils, so no junior
 * school anywhere; no migrants) reads back in every format: GDAL's GeoJSON
 * writer left such fields out of the file, and the reader then called them
 * missing. */
Test(planread, fields_empty_everywhere_read)
{
	static const char *const fmts[] = {"gpkg", "shp", "geojson", "csv"};
	tschool s[] = {{"A", "primary", "public", 100, 0, 0, 0, 0, 0, 0},
	               {"B", "primary", "public", 100, 0, 0, 0, 0, 3000, 0}};
	tcomp c[] = {{"c1", "urban", 40, 0, 0, 0, 200, 0}, {"c2", "urban", 50, 0, 0, 0, 2800, 100}};
	tiny t;
	tiny_solve(&t, s, 2, c, 2, NULL);
	for (int k = 0; k < 4; k++) {
		char *plan, *out;
		cm_ctx *ctx;
		cm_comparison *cmp = NULL;
		const cm_compare_change *ch;
		cm_map_opts mo = {.version = CM_MAP_OPTS_VERSION,
		                  .title = NULL, .level = CM_PRIMARY};
		cm_ctx_new(&ctx);
		cr_assert(asprintf(&plan, "%s/empty.%s", t.dir, fmts[k]) > 0);
		cr_assert_eq(cm_plan_write(ctx, t.plan, plan), 0, "%s: %s", fmts[k],
		             cm_ctx_last_error(ctx));
		if (strcmp(fmts[k], "gpkg"))
			plan[strlen(plan) - strlen(fmts[k]) - 1] = '\0'; /* a folder */
		cr_assert_eq(cm_compare_plans(ctx, plan, plan, &cmp), 0, "%s: %s", fmts[k],
		             cm_ctx_last_error(ctx));
		cr_assert_eq(cm_comparison_changes(cmp, &ch), 0, "%s", fmts[k]);
		cm_comparison_free(cmp);
		cr_assert(asprintf(&out, "%s/empty-%s.svg", t.dir, fmts[k]) > 0);
		if (strcmp(fmts[k], "csv"))
			cr_assert_eq(cm_map_draw(ctx, plan, out, &mo), 0, "%s: %s", fmts[k],
			             cm_ctx_last_error(ctx));
		free(out);
		free(plan);
		cm_ctx_free(ctx);
	}
	tiny_free(&t);
}

/* ------------------------------------------------------------ the schema */

/* The one plan schema (src/planschema.c): every field a shapefile can hold
 * has a name of 10 characters at most, distinct within its layer (a DBF
 * would truncate or clash), distinct engine names too, and every field is
 * found by both names. */
Test(schema, shapefile_names_fit_and_differ)
{
	size_t n, l;
	const cm__player *layers = cm__plan_layers(&n);
	cr_assert_geq(n, 8, "the plan's layers");
	for (l = 0; l < n; l++) {
		const cm__player *p = &layers[l];
		cr_assert_eq(cm__plan_layer(p->name), p, "%s found by name", p->name);
		for (int i = 0; i < p->nfields; i++) {
			const cm__pfield *f = &p->fields[i];
			int at = -1;
			cr_assert(cm__plan_field(p, f->name, &at) == f && at == i, "%s.%s", p->name,
			          f->name);
			if (!f->shp)
				continue;
			cr_assert_leq(strlen(f->shp), 10, "%s.%s: '%s'", p->name, f->name, f->shp);
			cr_assert(cm__plan_field(p, f->shp, &at) == f, "%s.%s by '%s'", p->name, f->name,
			          f->shp);
			for (int j = 0; j < i; j++) {
				cr_assert_str_neq(p->fields[j].name, f->name, "%s: %s twice", p->name, f->name);
				if (p->fields[j].shp)
					cr_assert(strcasecmp(p->fields[j].shp, f->shp) != 0,
					          "%s: '%s' for %s and %s", p->name, f->shp, p->fields[j].name,
					          f->name);
			}
		}
	}
}

/* The schema's enums name its rows (planschema.h): every row of every
 * layer is filled (a row left out of the designated initializers would be
 * empty), each layer's _N is its field count, and the per-level macros
 * land on the level's fields. */
Test(schema, enums_name_the_rows)
{
	static const struct {
		int layer, field;
		const char *name;
	} spot[] = {
		{CM__L_ASSIGNMENT, CM__ASG_SEAT_KIND, "seat_kind"},
		{CM__L_ASSIGNMENT, CM__ASG_MINUTES, "minutes"},
		{CM__L_SCHOOLS, CM__SCH_ENROLLED, "enrolled"},
		{CM__L_SCHOOLS, CM__SCH_SHADOW_PUPILS, "shadow_pupils"},
		{CM__L_SUMMARY, CM__SUM_DISTANCE_KIND, "distance_kind"},
		{CM__L_SUMMARY, CM__SUM_TITLE, "title"},
		{CM__L_CATCHMENTS, CM__CAT_COLOR, "color"},
		{CM__L_COMPOUNDS, CM__CMP_DETOUR_JUNIOR, "detour_junior"},
		{CM__L_ZONES, CM__ZON_COLOR, "color"},
		{CM__L_ROADS, CM__RD_LENGTH_M, "length_m"},
		{CM__L_CHANGES, CM__CHG_FORCED, "forced"},
		{CM__L_STYLES, CM__STY_UPDATE_TIME, "update_time"},
	};
	static const int count[CM__L_N] = {
		[CM__L_ASSIGNMENT] = CM__ASG_N, [CM__L_SCHOOLS] = CM__SCH_N,
		[CM__L_SUMMARY] = CM__SUM_N,    [CM__L_CATCHMENTS] = CM__CAT_N,
		[CM__L_COMPOUNDS] = CM__CMP_N,  [CM__L_ZONES] = CM__ZON_N,
		[CM__L_BOUNDARY] = CM__BND_N,   [CM__L_ROADS] = CM__RD_N,
		[CM__L_CHANGES] = CM__CHG_N,    [CM__L_STYLES] = CM__STY_N,
	};
	size_t n, k;
	const cm__player *layers = cm__plan_layers(&n);
	char want[40];
	cr_assert_eq(n, CM__L_N);
	for (int l = 0; l < CM__L_N; l++) {
		cr_assert_eq(cm__plan_layer_at(l), &layers[l]);
		cr_assert_eq(layers[l].nfields, count[l], "%s: %d fields, its enum %d", layers[l].name,
		             layers[l].nfields, count[l]);
		for (int i = 0; i < layers[l].nfields; i++)
			cr_assert(layers[l].fields[i].name && layers[l].fields[i].what,
			          "%s: row %d is empty", layers[l].name, i);
		cr_assert_null(cm__plan_fname(l, layers[l].nfields));
	}
	cr_assert_null(cm__plan_layer_at(CM__L_N));
	for (k = 0; k < sizeof spot / sizeof *spot; k++)
		cr_assert_str_eq(cm__plan_fname(spot[k].layer, spot[k].field), spot[k].name);
	for (int lv = 0; lv < CM_NLEVELS; lv++) {
		/* each macro's field: its name around the level's */
		const int field[5] = {CM__CMP_PUPILS(lv, CM_LOCAL), CM__CMP_PUPILS(lv, CM_MIGRANT),
		                      CM__CMP_SCHOOL(lv), CM__CMP_UNPLACED(lv), CM__CMP_DETOUR(lv)};
		static const char *const around[5][2] = {{"", "_local"}, {"", "_migrant"},
		                                         {"school_", ""}, {"unplaced_", ""},
		                                         {"detour_", ""}};
		const char *level = cm_level_name((cm_level)lv);
		for (k = 0; k < 5; k++) {
			snprintf(want, sizeof want, "%s%s%s", around[k][0], level, around[k][1]);
			cr_assert_str_eq(cm__plan_fname(CM__L_COMPOUNDS, field[k]), want);
		}
		cr_assert_eq(cm__level_of(level), lv);
	}
	cr_assert_eq(cm__level_of("Primary"), -1);
	cr_assert_eq(cm__level_of(""), -1);
}

/* One format check (cm_format_of) for the plan writer, the export, the
 * maps and the CLI's options: a name given wins over the extension, any
 * case; .json is GeoJSON; a dot in a folder's name is no extension; each
 * kind has its own formats. */
Test(schema, one_format_check)
{
	static const struct {
		cm_output_kind kind;
		const char *path, *format;
		int want;
	} cases[] = {
		{CM_OUTPUT_PLAN, "out/plan.gpkg", NULL, CM_FORMAT_GPKG},
		{CM_OUTPUT_PLAN, "out/plan.GPKG", NULL, CM_FORMAT_GPKG},
		{CM_OUTPUT_PLAN, "plan.json", NULL, CM_FORMAT_GEOJSON},
		{CM_OUTPUT_PLAN, "plan.csv", "shp", CM_FORMAT_SHP},
		{CM_OUTPUT_PLAN, NULL, "CSV", CM_FORMAT_CSV},
		{CM_OUTPUT_PLAN, "plan.xlsx", NULL, -1},
		{CM_OUTPUT_PLAN, "v1.2/plan", NULL, -1},
		{CM_OUTPUT_PLAN, NULL, "json", -1},
		{CM_OUTPUT_PLAN, NULL, NULL, -1},
		{CM_OUTPUT_EXPORT, "plan.xlsx", NULL, CM_FORMAT_XLSX},
		{CM_OUTPUT_EXPORT, "x", "geojson", CM_FORMAT_GEOJSON},
		{CM_OUTPUT_EXPORT, "x.png", NULL, -1},
		{CM_OUTPUT_MAP, "map.PNG", NULL, CM_FORMAT_PNG},
		{CM_OUTPUT_MAP, "maps/a.svg", NULL, CM_FORMAT_SVG},
		{CM_OUTPUT_MAP, "a.pdf", NULL, CM_FORMAT_PDF},
		{CM_OUTPUT_MAP, "a.gpkg", NULL, -1},
		{CM_OUTPUT_MAP, "a.png/b", NULL, -1},
	};
	for (size_t k = 0; k < sizeof cases / sizeof *cases; k++)
		cr_assert_eq(cm_format_of(cases[k].kind, cases[k].path, cases[k].format), cases[k].want,
		             "case %zu: %s, %s", k, cases[k].path ? cases[k].path : "(null)",
		             cases[k].format ? cases[k].format : "(null)");
}
