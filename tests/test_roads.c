/* test_roads.c: travel distances other than straight lines: a distance
 * table ([input] distances) and the road network ([input] roads). */
#include "helpers.h"

#include "../src/internal.h"
#include "../src/planfile.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ helpers */

/* The assignment of compound `cid` at primary, public: its school's id and
 * distance (NULL: none). */
static const char *school_of(const tiny *t, const char *cid, double *dist)
{
	const cm_assignment *a;
	const cm_school *s;
	const cm_compound *c;
	size_t n = cm_plan_assignments(t->plan, &a), i;
	cm_dataset_schools(t->ds, &s);
	cm_dataset_compounds(t->ds, &c);
	for (i = 0; i < n; i++)
		if (a[i].level == CM_PRIMARY && a[i].seat == CM_SEAT_PUBLIC && a[i].local > 0 &&
		    !strcmp(c[a[i].compound].id, cid)) {
			if (dist)
				*dist = a[i].distance_m;
			return s[a[i].school].id;
		}
	return NULL;
}

/* Roads as GeoJSON lines in UTM 49N, metres from (X0, Y0): `lines` holds
 * "x y, x y, ...; x y, ..." (lines separated by ';'), `classes` their
 * classes (NULL: none) and `oneway` their oneway values (NULL: no such
 * field).  Returns the file's path (caller frees). */
static char *roads_file_oneway(const char *dir, const char *name, const char *lines,
                               const char *const *classes, const char *const *oneway)
{
	char *buf = NULL, *copy = strdup(lines), *save = NULL, *line, *path;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	int k = 0;
	fprintf(fp, "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":"
	            "{\"name\":\"urn:ogc:def:crs:EPSG::32649\"}},\"features\":[");
	for (line = strtok_r(copy, ";", &save); line; line = strtok_r(NULL, ";", &save), k++) {
		char *s2 = NULL, *pt;
		int first = 1;
		fprintf(fp, "%s{\"type\":\"Feature\",\"properties\":{\"class\":\"%s\"",
		        k ? "," : "", classes ? classes[k] : "street");
		if (oneway)
			fprintf(fp, ",\"oneway\":\"%s\"", oneway[k]);
		fprintf(fp, "},\"geometry\":{\"type\":\"LineString\",\"coordinates\":[");
		for (pt = strtok_r(line, ",", &s2); pt; pt = strtok_r(NULL, ",", &s2)) {
			double x, y;
			cr_assert_eq(sscanf(pt, "%lf %lf", &x, &y), 2, "bad point '%s'", pt);
			fprintf(fp, "%s[%.3f,%.3f]", first ? "" : ",", X0 + x, Y0 + y);
			first = 0;
		}
		fprintf(fp, "]}}");
	}
	fprintf(fp, "]}");
	fclose(fp);
	path = write_file(dir, name, buf);
	free(buf);
	free(copy);
	return path;
}

static char *roads_file(const char *dir, const char *name, const char *lines,
                        const char *const *classes)
{
	return roads_file_oneway(dir, name, lines, classes, NULL);
}

/* "KEY = PATH\n" then `rest`: INI text for tiny_solve (caller frees). */
static char *extra_with(const char *key, const char *path, const char *rest)
{
	char *s = cm__sprintf("%s = %s\n%s", key, path, rest);
	cr_assert_not_null(s);
	return s;
}

/* ------------------------------------------------------------ distance table */

Test(table, overrides_straight_lines)
{
	/* straight lines send C1 to A (1 km) and C2 to A; the table says B is
	 * nearer for C1 and has no row for C2: C2 is out of reach */
	tschool s[] = {{"A", "primary", "public", 100, 0, 0, 0, 0, 1000, 0},
	               {"B", "primary", "public", 100, 0, 0, 0, 0, 3000, 0}};
	tcomp c[] = {{"C1", "urban", 10, 0, 0, 0, 0, 0}, {"C2", "urban", 5, 0, 0, 0, 900, 0}};
	char *dir = tmpdir();
	char *table = write_file(dir, "d.csv", "compound_id,school_id,metres,minutes\n"
	                                       "C1,A,5000,60\nC1,B,2000.5,25\n");
	char *extra = extra_with("distances", table, "");
	tiny t;
	double d = 0;
	const cm_level_summary *sum;
	tiny_solve(&t, s, 2, c, 2, extra);
	cr_assert_str_eq(school_of(&t, "C1", &d), "B");
	cr_assert_float_eq(d, 2000.5, 1e-6);
	cr_assert_null(school_of(&t, "C2", NULL), "C2 has no pair: out of reach");
	sum = cm_plan_summary(t.plan, CM_PRIMARY);
	cr_assert_eq(sum->unplaced, 5);
	cr_assert_float_eq(sum->max_distance_m, 2000.5, 1e-6);
	tiny_free(&t);

	/* without the table, the straight line */
	tiny_solve(&t, s, 2, c, 2, NULL);
	cr_assert_str_eq(school_of(&t, "C1", &d), "A");
	cr_assert_float_eq(d, 1000, 1e-6);
	tiny_free(&t);
	free(extra);
	free(table);
	free(dir);
}

Test(table, reach_rule_uses_the_table)
{
	/* max 3 km: the table's 5 km to A is out of reach though A is 1 km
	 * away in a straight line */
	tschool s[] = {{"A", "primary", "public", 100, 0, 0, 0, 0, 1000, 0}};
	tcomp c[] = {{"C1", "urban", 10, 0, 0, 0, 0, 0}};
	char *dir = tmpdir();
	char *table = write_file(dir, "d.csv", "compound_id,school_id,metres\nC1,A,5000\n");
	char *extra = extra_with("distances", table, "[policy]\nmax_distance_primary_m = 3000\n");
	tiny t;
	cm_check_report rep;
	cm_ctx *ctx;
	tiny_solve(&t, s, 1, c, 1, extra);
	cr_assert_null(school_of(&t, "C1", NULL));
	cm_ctx_new(&ctx);
	cr_assert_eq(cm_check(ctx, t.cfg, t.ds, &rep), 0);
	cr_assert_eq(rep.level[CM_PRIMARY].no_eligible, 1);
	cr_assert(strstr(find_diag(t.ds, "no-eligible-school")->message, "by the distance table"),
	          "%s", find_diag(t.ds, "no-eligible-school")->message);
	cm_ctx_free(ctx);
	tiny_free(&t);
	free(extra);
	free(table);
	free(dir);
}

/* Loads s.geojson and c.geojson of tests/data with a table of `rows`. */
static cm_dataset *load_table(const char *rows, char **dir_out, char **table_out)
{
	char *dir = tmpdir(), *table = write_file(dir, "d.csv", rows);
	char *extra = extra_with("distances", table, "");
	char *ini = scenario_text("schools.geojson", "compounds.geojson", extra);
	cm_dataset *ds = load_ok(ini, dir, NULL);
	free(ini);
	free(extra);
	*dir_out = dir;
	*table_out = table;
	return ds;
}

static void expect_diag(const cm_dataset *ds, const char *kind, const char *table,
                        const char *feature, const char *field, const char *text)
{
	const cm_diag *d = find_diag(ds, kind);
	cr_assert_not_null(d, "no %s diagnostic", kind);
	cr_assert_eq(d->severity, CM_ERR);
	cr_assert_str_eq(d->file, table);
	cr_assert_not_null(d->layer);
	cr_assert_str_eq(d->feature, feature);
	if (field)
		cr_assert_str_eq(d->field, field);
	cr_assert(strstr(d->message, text), "%s: '%s' lacks '%s'", kind, d->message, text);
}

Test(table, bad_rows_are_errors)
{
	char *dir, *table;
	const cm_school *s;
	const cm_compound *c;
	char rows[1024];
	cm_dataset *ds = load_table("compound_id,school_id,metres\n", &dir, &table);
	cm_dataset_schools(ds, &s);
	cm_dataset_compounds(ds, &c);
	snprintf(rows, sizeof rows,
	         "compound_id,school_id,metres,minutes\n"
	         "%s,%s,100,\n"     /* 1: fine */
	         "NOPE,%s,100,\n"   /* 2: unknown compound */
	         "%s,NOPE,100,\n"   /* 3: unknown school */
	         "%s,%s,-5,\n"      /* 4: negative */
	         "%s,%s,nan,\n"     /* 5: not finite */
	         "%s,%s,0x10,\n"    /* 6: not decimal */
	         "%s,%s,,\n"        /* 7: missing */
	         "%s,%s,300,\n"     /* 8: duplicate of 1 */
	         "%s,%s,10,-1\n"    /* 9: negative minutes */
	         "%s,%s,1e300,1e9\n", /* 10: beyond what the engine holds (1e300 once won) */
	         c[0].id, s[0].id, s[0].id, c[0].id, c[1].id, s[0].id, c[1].id, s[1].id, c[2].id,
	         s[0].id, c[2].id, s[1].id, c[0].id, s[0].id, c[3].id, s[1].id, c[3].id, s[0].id);
	cm_dataset_free(ds);
	free(table);
	free(dir);
	ds = load_table(rows, &dir, &table);
	expect_diag(ds, "unknown-id", table, "feature 2", "compound_id", "compound 'NOPE'");
	cr_assert_eq(count_diag(ds, "unknown-id"), 2);
	expect_diag(ds, "negative-value", table, "feature 4", "metres", "negative metres");
	cr_assert_eq(count_diag(ds, "negative-value"), 2); /* and the minutes of 9 */
	cr_assert_eq(count_diag(ds, "bad-value"), 4); /* 5, 6 and both numbers of 10 */
	expect_diag(ds, "bad-value", table, "feature 5", "metres", "not a finite number");
	{
		int far = 0;
		for (size_t i = 0; i < cm_dataset_diag_count(ds); i++) {
			const cm_diag *d = cm_dataset_diag(ds, i);
			if (!strcmp(d->feature, "feature 10") && strstr(d->message, "longer trip than"))
				far |= !strcmp(d->field, "metres") ? 1 : !strcmp(d->field, "minutes") ? 2 : 0;
		}
		cr_assert_eq(far, 3, "feature 10's metres and minutes are not both refused");
	}
	expect_diag(ds, "missing-value", table, "feature 7", "metres", "no metres");
	expect_diag(ds, "duplicate-pair", table, "feature 8", NULL, "given twice (also feature 1)");
	{
		cm_ctx *ctx;
		cm_check_report rep;
		cm_plan *plan = NULL;
		cm_config *cfg;
		char *extra = extra_with("distances", table, "");
		char *ini = scenario_text("schools.geojson", "compounds.geojson", extra);
		cfg = config_ok(ini, dir);
		cm_ctx_new(&ctx);
		cr_assert_eq(cm_check(ctx, cfg, ds, &rep), 0);
		cr_assert_not(rep.solvable, "a bad table makes the data unsolvable");
		cr_assert_neq(solve_with(ctx, cfg, ds, NULL, &plan), 0);
		cm_ctx_free(ctx);
		cm_config_free(cfg);
		free(ini);
		free(extra);
	}
	cm_dataset_free(ds);
	free(table);
	free(dir);
}

Test(table, missing_file_and_fields)
{
	char *dir = tmpdir(), *t1 = write_file(dir, "d.csv", "compound_id,school,km\nA,B,1\n");
	char *extra = extra_with("distances", t1, "");
	char *ini = scenario_text("schools.geojson", "compounds.geojson", extra);
	const char *msg = load_err(ini, dir);
	cr_assert(strstr(msg, t1) && strstr(msg, "metres is missing") && strstr(msg, "km"), "%s",
	          msg);
	free(ini);
	free(extra);
	{
		char *gone = cm__sprintf("%s-gone.csv", t1);
		extra = extra_with("distances", gone, "");
		free(gone);
	}
	ini = scenario_text("schools.geojson", "compounds.geojson", extra);
	msg = load_err(ini, dir);
	cr_assert(strstr(msg, "-gone.csv") && strstr(msg, "distance table"), "%s", msg);
	free(ini);
	free(extra);
	free(t1);
	free(dir);
}

/* Issue 16: a connection string's password never reaches a message, from
 * the roads or a distance table (the library's own, not the CLI's). */
Test(table, passwords_never_shown)
{
	static const char *const keys[] = {"roads", "distances"};
	char *dir = tmpdir();
	for (int k = 0; k < 2; k++) {
		char *extra = extra_with(keys[k], "PG:dbname=nowhere password=s3cr3t host=/nonexistent",
		                         "");
		char *ini = scenario_text("schools.geojson", "compounds.geojson", extra);
		const char *msg = load_err(ini, dir);
		cr_assert(strstr(msg, "dbname=nowhere"), "%s: %s", keys[k], msg);
		cr_assert_null(strstr(msg, "s3cr3t"), "%s: %s", keys[k], msg);
		free(ini);
		free(extra);
	}
	free(dir);
}

Test(table, config)
{
	const char *msg = config_err("[input]\nschools = a.csv\ncompounds = b.csv\n"
	                             "distances = d.csv\nroads = r.gpkg\n");
	cr_assert(strstr(msg, "both distances and roads"), "%s", msg);
	msg = config_err("[input]\nschools = a.csv\ncompounds = b.csv\ndistances_source_crs = x\n");
	cr_assert(strstr(msg, "unknown key 'distances_source_crs'"), "%s", msg);
	msg = config_err("[input]\nschools = a.csv\ncompounds = b.csv\n[roads]\nmode = fly\n");
	cr_assert(strstr(msg, "must be walk or drive"), "%s", msg);
	msg = config_err("[input]\nschools = a.csv\ncompounds = b.csv\n[roads]\nsnap_m = -1\n");
	cr_assert(strstr(msg, "snap_m"), "%s", msg);
}

/* ------------------------------------------------------------ roads */

/* A 5 x 5 street grid, 100 m blocks, every crossing a shared vertex, as
 * roads_file's lines (2048 bytes). */
static void grid_lines(char *lines)
{
	int i, j;
	lines[0] = 0;
	for (i = 0; i <= 4; i++) {
		char h[256] = "", v[256] = "";
		for (j = 0; j <= 4; j++) {
			char p[32];
			snprintf(p, sizeof p, "%s%d %d", j ? "," : "", j * 100, i * 100);
			strcat(h, p);
			snprintf(p, sizeof p, "%s%d %d", j ? "," : "", i * 100, j * 100);
			strcat(v, p);
		}
		strcat(lines, h);
		strcat(lines, ";");
		strcat(lines, v);
		if (i < 4)
			strcat(lines, ";");
	}
}

Test(roads, grid_gives_manhattan_distances)
{
	/* the school at a corner of the grid, compounds at crossings */
	char lines[2048];
	int i;
	grid_lines(lines);
	{
		tschool s[] = {{"S", "primary", "public", 1000, 0, 0, 0, 0, 0, 0}};
		tcomp c[] = {{"C1", "urban", 1, 0, 0, 0, 300, 400}, {"C2", "urban", 1, 0, 0, 0, 100, 200},
		             {"C3", "urban", 1, 0, 0, 0, 400, 0}, {"C4", "urban", 1, 0, 0, 0, 250, 300}};
		double want[] = {700, 300, 400, 550}, d;
		char *dir = tmpdir(), *roads = roads_file(dir, "r.geojson", lines, NULL);
		char *extra = extra_with("roads", roads, "");
		tiny t;
		tiny_solve(&t, s, 1, c, 4, extra);
		for (i = 0; i < 4; i++) {
			cr_assert_str_eq(school_of(&t, c[i].id, &d), "S");
			cr_assert_float_eq(d, want[i], 1e-6, "%s: %g, not %g", c[i].id, d, want[i]);
		}
		tiny_free(&t);
		free(extra);
		free(roads);
		free(dir);
	}
}

/* A river along y = 0, crossed by one bridge at x = 3000; the banks' roads
 * at y = -100 and y = 100 meet the bridge at shared vertices. */
static const char *RIVER = "-5000 -100,0 -100,3000 -100,5000 -100;"
                           "-5000 100,0 100,3000 100,5000 100;"
                           "3000 -100,3000 100";
static const char *NO_BRIDGE = "-5000 -100,0 -100,3000 -100,5000 -100;"
                               "-5000 100,0 100,3000 100,5000 100;"
                               "3000 -100,3000 -20";

Test(roads, across_the_river_goes_to_a_school_on_its_own_side)
{
	/* C on the south bank, A across the river 300 m away, B 1.5 km along
	 * its own bank */
	tschool s[] = {{"A", "primary", "public", 100, 0, 0, 0, 0, 0, 150},
	               {"B", "primary", "public", 100, 0, 0, 0, 0, -1500, -150}};
	tcomp c[] = {{"C", "urban", 10, 0, 0, 0, 0, -150}};
	char *dir = tmpdir(), *roads = roads_file(dir, "r.geojson", RIVER, NULL);
	char *extra = extra_with("roads", roads, "");
	tiny t;
	double d;
	tiny_solve(&t, s, 2, c, 1, NULL);
	cr_assert_str_eq(school_of(&t, "C", &d), "A", "straight lines cross the river");
	cr_assert_float_eq(d, 300, 1e-6);
	tiny_free(&t);
	tiny_solve(&t, s, 2, c, 1, extra);
	cr_assert_str_eq(school_of(&t, "C", &d), "B");
	cr_assert_float_eq(d, 50 + 1500 + 50, 1e-6);
	/* A by road: 50 + 3000 + 200 + 3000 + 50 */
	cr_assert_float_eq(cm__pair_distance(t.ds, t.ds->pairs, 0, 0), 6300, 1e-6);
	tiny_free(&t);
	free(extra);
	free(roads);
	free(dir);
}

Test(roads, missing_bridge_leaves_a_compound_unreachable)
{
	tschool s[] = {{"A", "primary", "public", 100, 0, 0, 0, 0, 0, 150}};
	tcomp c[] = {{"C", "urban", 10, 0, 0, 0, 0, -150}};
	char *dir = tmpdir(), *roads = roads_file(dir, "r.geojson", NO_BRIDGE, NULL);
	char *extra = extra_with("roads", roads, "");
	tiny t;
	cm_check_report rep;
	cm_ctx *ctx;
	const cm_diag *d;
	tiny_solve(&t, s, 1, c, 1, extra);
	cr_assert_null(school_of(&t, "C", NULL));
	cr_assert_eq(cm_plan_summary(t.plan, CM_PRIMARY)->unplaced, 10);
	cm_ctx_new(&ctx);
	cr_assert_eq(cm_check(ctx, t.cfg, t.ds, &rep), 0);
	cr_assert_eq(rep.level[CM_PRIMARY].no_eligible, 1);
	d = find_diag(t.ds, "no-eligible-school");
	cr_assert_not_null(d);
	cr_assert(strstr(d->feature, "id C") && strstr(d->message, "by road"), "%s", d->message);
	cm_ctx_free(ctx);
	tiny_free(&t);
	free(extra);
	free(roads);
	free(dir);
}

Test(roads, walkers_keep_off_expressways)
{
	/* the only link from C to S is an expressway: walking, S is out of
	 * reach; driving, it is 1 km */
	const char *cls[] = {"street", "motorway", "street"};
	tschool s[] = {{"S", "primary", "public", 100, 0, 0, 0, 0, 1000, 0}};
	tcomp c[] = {{"C", "urban", 10, 0, 0, 0, 0, 10}};
	char *dir = tmpdir();
	char *roads = roads_file(dir, "r.geojson", "-100 0,0 0;0 0,1000 0;1000 0,1100 0", cls);
	char *walk = extra_with("roads", roads, ""), *drive;
	tiny t;
	double d;
	tiny_solve(&t, s, 1, c, 1, walk);
	cr_assert_null(school_of(&t, "C", NULL));
	tiny_free(&t);
	drive = extra_with("roads", roads, "[roads]\nmode = drive\n");
	tiny_solve(&t, s, 1, c, 1, drive);
	cr_assert_str_eq(school_of(&t, "C", &d), "S");
	cr_assert_float_eq(d, 10 + 1000, 1e-6);
	tiny_free(&t);
	free(walk);
	free(drive);
	free(roads);
	free(dir);
}

Test(roads, far_from_every_road_is_a_finding)
{
	tschool s[] = {{"S", "primary", "public", 100, 0, 0, 0, 0, 0, 0}};
	tcomp c[] = {{"NEAR", "urban", 10, 0, 0, 0, 500, 20}, {"FAR", "urban", 10, 0, 0, 0, 500, 900}};
	char *dir = tmpdir(), *roads = roads_file(dir, "r.geojson", "-100 0,1000 0", NULL);
	char *extra = extra_with("roads", roads, "[roads]\nsnap_m = 200\n");
	tiny t;
	const cm_diag *d;
	tiny_solve(&t, s, 1, c, 2, extra);
	d = find_diag(t.ds, "far-from-road");
	cr_assert_not_null(d);
	cr_assert_eq(count_diag(t.ds, "far-from-road"), 1);
	cr_assert(strstr(d->feature, "id FAR") && strstr(d->message, "200 m"), "%s %s",
	          d->feature, d->message);
	cr_assert_eq(d->severity, CM_WARNING);
	cr_assert_str_eq(school_of(&t, "NEAR", NULL), "S");
	cr_assert_null(school_of(&t, "FAR", NULL));
	tiny_free(&t);
	free(extra);
	free(roads);
	free(dir);
}

Test(roads, crossing_without_a_shared_vertex_does_not_connect)
{
	/* an overpass: the two lines cross at (500, 0) with no vertex there */
	tschool s[] = {{"S", "primary", "public", 100, 0, 0, 0, 0, 0, 0}};
	tcomp c[] = {{"C", "urban", 10, 0, 0, 0, 500, 400}};
	char *dir = tmpdir();
	char *roads = roads_file(dir, "r.geojson", "0 0,1000 0;500 -500,500 500", NULL);
	char *extra = extra_with("roads", roads, "");
	tiny t;
	tiny_solve(&t, s, 1, c, 1, extra);
	cr_assert_null(school_of(&t, "C", NULL));
	tiny_free(&t);
	free(roads);
	free(extra);
	/* with a vertex there, they meet: 500 + 400 */
	roads = roads_file(dir, "r2.geojson", "0 0,500 0,1000 0;500 -500,500 0,500 500", NULL);
	extra = extra_with("roads", roads, "");
	{
		double d;
		tiny_solve(&t, s, 1, c, 1, extra);
		cr_assert_str_eq(school_of(&t, "C", &d), "S");
		cr_assert_float_eq(d, 900, 1e-6);
		tiny_free(&t);
	}
	free(roads);
	free(extra);
	free(dir);
}

/* An independent check: random graphs on a 5 x 5 lattice of points (each
 * edge its own line, random lengths through a bent middle vertex), schools
 * and compounds at lattice points; every pair's distance against
 * Floyd-Warshall on the same graph. */
/* Random street grids against Floyd-Warshall: a quarter of the streets
 * missing, bends; `directed`: driving, with a third of the streets one-way
 * along the line as drawn and a third against it, so the pair's distance
 * is the way from the compound to the school. */
static void floyd_warshall_rounds(int directed)
{
	enum { N = 5, V = N * N };
	unsigned seed = directed ? 4242 : 12345;
	int round;
	for (round = 0; round < 6; round++) {
		double w[V][V];
		char lines[16384] = "";
		const char *oneway[2 * V];
		int a, b, k, ne = 0, deg[V] = {0};
		tschool s[3];
		tcomp c[6];
		static char ids[9][8];
		char *dir = tmpdir(), *roads, *extra;
		tiny t;
		for (a = 0; a < V; a++)
			for (b = 0; b < V; b++)
				w[a][b] = a == b ? 0 : HUGE_VAL;
		for (a = 0; a < V; a++)
			for (k = 0; k < 2; k++) {
				int ax = a % N, ay = a / N, bx = ax + (k == 0), by = ay + (k == 1);
				double mx, my, len;
				char buf[128];
				seed = seed * 1103515245u + 12345u;
				if (bx >= N || by >= N || (seed >> 16) % 4 == 0)
					continue; /* a quarter of the streets missing */
				b = by * N + bx;
				/* a bend sideways of 0-80 m */
				seed = seed * 1103515245u + 12345u;
				mx = (ax + bx) * 50.0 + (k == 1 ? (double)((seed >> 16) % 81) : 0);
				my = (ay + by) * 50.0 + (k == 0 ? (double)((seed >> 16) % 81) : 0);
				len = hypot(mx - ax * 100.0, my - ay * 100.0) + hypot(bx * 100.0 - mx, by * 100.0 - my);
				snprintf(buf, sizeof buf, "%s%d %d,%.3f %.3f,%d %d", ne ? ";" : "", ax * 100,
				         ay * 100, mx, my, bx * 100, by * 100);
				strcat(lines, buf);
				seed = seed * 1103515245u + 12345u;
				oneway[ne] = !directed ? "no" : (seed >> 16) % 3 == 0 ? "yes"
				                              : (seed >> 16) % 3 == 1 ? "-1" : "no";
				if (strcmp(oneway[ne], "-1"))
					w[a][b] = fmin(w[a][b], len);
				if (strcmp(oneway[ne], "yes"))
					w[b][a] = fmin(w[b][a], len);
				deg[a]++;
				deg[b]++;
				ne++;
			}
		for (k = 0; k < V; k++)
			for (a = 0; a < V; a++)
				for (b = 0; b < V; b++)
					if (w[a][k] + w[k][b] < w[a][b])
						w[a][b] = w[a][k] + w[k][b];
		for (k = 0; k < 9; k++) {
			int at;
			seed = seed * 1103515245u + 12345u;
			at = (int)((seed >> 16) % V);
			snprintf(ids[k], sizeof ids[k], "%c%d", k < 3 ? 'S' : 'C', k);
			if (k < 3)
				s[k] = (tschool){ids[k], "primary", "public", 1000, 0, 0, 0, 0,
				                 (at % N) * 100.0, (at / N) * 100.0};
			else
				c[k - 3] = (tcomp){ids[k], "urban", 1, 0, 0, 0, (at % N) * 100.0,
				                   (at / N) * 100.0};
		}
		roads = roads_file_oneway(dir, "r.geojson", lines, NULL, oneway);
		extra = extra_with("roads", roads, directed ? "[roads]\nsnap_m = 1\nmode = drive\n"
		                                            : "[roads]\nsnap_m = 1\n");
		tiny_solve(&t, s, 3, c, 6, extra);
		for (a = 0; a < 6; a++)
			for (b = 0; b < 3; b++) {
				int ca = (int)(c[a].x / 100 + N * (c[a].y / 100));
				int sb = (int)(s[b].x / 100 + N * (s[b].y / 100));
				double got = cm__pair_distance(t.ds, t.ds->pairs, (size_t)a, (size_t)b);
				double want = w[ca][sb];
				if (!deg[ca])
					want = HUGE_VAL; /* no road at the point: nothing to snap to */
				if (isinf(want))
					cr_assert(isinf(got), "round %d: %s-%s reachable (%g) but not in the graph",
					          round, c[a].id, s[b].id, got);
				else
					cr_assert_float_eq(got, want, 1e-6, "round %d: %s-%s %g, want %g", round,
					                   c[a].id, s[b].id, got, want);
			}
		tiny_free(&t);
		free(extra);
		free(roads);
		free(dir);
	}
}

Test(roads, shortest_paths_match_floyd_warshall)
{
	floyd_warshall_rounds(0);
}

Test(oneway, shortest_paths_from_home_match_floyd_warshall)
{
	floyd_warshall_rounds(1);
}

/* The cost-matrix path and the roads path are one model: a table holding
 * the roads' own distances (every pair the roads reach, printed exactly)
 * gives the same plan, assignment by assignment, in both modes.  A street
 * grid with streets missing and a bend or two, compounds off the streets
 * (the joins count), seats short so schools compete, a reach that leaves
 * some pairs out. */
Test(roads, cost_matrix_of_the_same_distances_gives_the_same_plan)
{
	enum { N = 7, NS = 5, NC = 24 };
	static const char *const modes[] = {"single", "split"};
	unsigned seed = 4242;
	char lines[16384] = "", ids[NS + NC][8];
	tschool s[NS];
	tcomp c[NC];
	char *dir = tmpdir(), *roads;
	int a, b, k, ne = 0, m;
	for (a = 0; a < N * N; a++)
		for (k = 0; k < 2; k++) {
			int ax = a % N, ay = a / N, bx = ax + (k == 0), by = ay + (k == 1);
			char buf[128];
			seed = seed * 1103515245u + 12345u;
			if (bx >= N || by >= N || (seed >> 16) % 5 == 0)
				continue; /* a fifth of the streets missing */
			seed = seed * 1103515245u + 12345u;
			snprintf(buf, sizeof buf, "%s%d %d,%.1f %.1f,%d %d", ne++ ? ";" : "", ax * 150,
			         ay * 150, (ax + bx) * 75.0 + (k == 1 ? (double)((seed >> 16) % 40) : 0),
			         (ay + by) * 75.0 + (k == 0 ? (double)((seed >> 16) % 40) : 0), bx * 150,
			         by * 150);
			strcat(lines, buf);
		}
	for (k = 0; k < NS + NC; k++) {
		double x, y;
		seed = seed * 1103515245u + 12345u;
		x = (double)((seed >> 8) % 900);
		seed = seed * 1103515245u + 12345u;
		y = (double)((seed >> 8) % 900);
		snprintf(ids[k], sizeof ids[k], "%c%d", k < NS ? 'S' : 'C', k);
		if (k < NS)
			s[k] = (tschool){ids[k], "primary", "public", 20 + 5 * k, 0, 0, 0, 0, x, y};
		else
			c[k - NS] = (tcomp){ids[k], k % 3 ? "urban" : "town", 3 + k % 9, k % 4, 0, 0, x, y};
	}
	roads = roads_file(dir, "r.geojson", lines, NULL);
	for (m = 0; m < 2; m++) {
		char *rest = cm__sprintf("[policy]\nmax_distance_primary_m = 900\n[solve]\n"
		                         "assignment = %s\n", modes[m]);
		char *by_road = extra_with("roads", roads, rest), *by_table, *table;
		char *csv = NULL;
		size_t len = 0, n1, n2, i, pairs = 0;
		FILE *fp = open_memstream(&csv, &len);
		const cm_assignment *a1, *a2;
		const cm_level_summary *s1, *s2;
		tiny r, t;
		tiny_solve(&r, s, NS, c, NC, by_road);
		fprintf(fp, "compound_id,school_id,metres\n");
		for (a = 0; a < NC; a++)
			for (b = 0; b < NS; b++) {
				double d = cm__pair_distance(r.ds, r.ds->pairs, (size_t)a, (size_t)b);
				if (isfinite(d)) {
					fprintf(fp, "%s,%s,%.17g\n", c[a].id, s[b].id, d);
					pairs++;
				}
			}
		fclose(fp);
		cr_assert_gt(pairs, NC, "the roads reach too little to compare");
		table = write_file(dir, "d.csv", csv);
		by_table = extra_with("distances", table, rest);
		tiny_solve(&t, s, NS, c, NC, by_table);
		for (a = 0; a < NC; a++)
			for (b = 0; b < NS; b++) {
				double d1 = cm__pair_distance(r.ds, r.ds->pairs, (size_t)a, (size_t)b);
				double d2 = cm__pair_distance(t.ds, t.ds->pairs, (size_t)a, (size_t)b);
				cr_assert(d1 == d2, "%s-%s: %.17g by road, %.17g in the table", c[a].id,
				          s[b].id, d1, d2);
			}
		n1 = cm_plan_assignments(r.plan, &a1);
		n2 = cm_plan_assignments(t.plan, &a2);
		cr_assert_eq(n1, n2, "%s: %zu assignments by road, %zu by table", modes[m], n1, n2);
		for (i = 0; i < n1; i++) {
			cr_assert(a1[i].compound == a2[i].compound && a1[i].level == a2[i].level &&
			          a1[i].school == a2[i].school && a1[i].seat == a2[i].seat &&
			          a1[i].local == a2[i].local && a1[i].migrant == a2[i].migrant &&
			          a1[i].distance_m == a2[i].distance_m,
			          "%s: assignment %zu differs (compound %s: school %ld/%ld, %d+%d/%d+%d)",
			          modes[m], i, c[a1[i].compound].id, a1[i].school, a2[i].school,
			          a1[i].local, a1[i].migrant, a2[i].local, a2[i].migrant);
		}
		s1 = cm_plan_summary(r.plan, CM_PRIMARY);
		s2 = cm_plan_summary(t.plan, CM_PRIMARY);
		cr_assert_gt(s1->unplaced, 0, "seats should be short (or out of reach) somewhere");
		cr_assert_gt(s1->placed, 0);
		cr_assert_eq(s1->unplaced, s2->unplaced);
		cr_assert_eq(s1->placed, s2->placed);
		cr_assert(s1->pupil_metres == s2->pupil_metres, "%s: %.17g by road, %.17g by table",
		          modes[m], s1->pupil_metres, s2->pupil_metres);
		cr_assert(s1->max_distance_m == s2->max_distance_m);
		cr_assert(s1->near_share == s2->near_share);
		tiny_free(&r);
		tiny_free(&t);
		free(rest);
		free(by_road);
		free(by_table);
		free(table);
		free(csv);
	}
	free(roads);
	free(dir);
}

/* ------------------------------------------------------------ the written plan */

/* Writes the plan of `t` to DIR/NAME and opens it again (checked as any
 * plan read back is). */
static void write_and_open(const tiny *t, const char *name, cm__planfile *pf)
{
	cm_ctx *ctx;
	char *path = cm__sprintf("%s/%s", t->dir, name);
	cm_ctx_new(&ctx);
	cr_assert_eq(cm_plan_write(ctx, t->plan, path), 0, "%s",
	             cm_ctx_last_error(ctx));
	cr_assert_eq(cm__planfile_open(ctx, pf, path), 0, "%s: %s", name, cm_ctx_last_error(ctx));
	cm_ctx_free(ctx);
	free(path);
}

/* Field `field` of the feature of `layer` whose `key` field is `value`
 * (the first feature when key is NULL): its text ("" when unset; NULL: no
 * such field). */
static const char *plan_field(cm__planfile *pf, const char *layer, const char *key,
                              const char *value, const char *field)
{
	static char buf[128];
	OGRLayerH lyr = cm__planfile_layer(pf, layer);
	OGRFeatureH f;
	int i, k;
	cr_assert_not_null(lyr, "no layer %s", layer);
	if ((i = cm__planfile_field(lyr, field)) < 0)
		return NULL;
	k = key ? cm__planfile_field(lyr, key) : -1;
	OGR_L_ResetReading(lyr);
	while ((f = OGR_L_GetNextFeature(lyr)) != NULL) {
		if (!key || !strcmp(cm__planfile_str(f, k), value)) {
			snprintf(buf, sizeof buf, "%s", cm__planfile_str(f, i));
			OGR_F_Destroy(f);
			return buf;
		}
		OGR_F_Destroy(f);
	}
	cr_assert_fail("%s: no feature %s = %s", layer, key, value);
	return NULL;
}

Test(plan, says_its_distance_kind_and_each_detour)
{
	/* the river: C goes to B along its bank (50 + 1500 + 50 m) where the
	 * straight line is 1500 m; D sits on B's own point (no ratio); E has
	 * no school in reach */
	static const char *const outs[] = {"p.gpkg", "p.shp", "p.csv"};
	tschool s[] = {{"A", "primary", "public", 100, 0, 0, 0, 0, 0, 150},
	               {"B", "primary", "public", 100, 0, 0, 0, 0, -1500, -150}};
	tcomp c[] = {{"C", "urban", 10, 2, 0, 0, 0, -150}, {"D", "urban", 5, 1, 0, 0, -1500, -150},
	             {"E", "urban", 5, 0, 0, 0, 4000, -2000}};
	char *dir = tmpdir(), *roads = roads_file(dir, "r.geojson", RIVER, NULL);
	char *walk = extra_with("roads", roads, "[policy]\nmax_distance_primary_m = 5000\n");
	char *drive = extra_with("roads", roads, "[roads]\nmode = drive\n[policy]\n"
	                                         "max_distance_primary_m = 5000\n");
	cm__planfile pf;
	const char *v;
	tiny t;
	size_t k;
	tiny_solve(&t, s, 2, c, 3, walk);
	for (k = 0; k < sizeof outs / sizeof *outs; k++) {
		write_and_open(&t, outs[k], &pf);
		cr_assert_str_eq(plan_field(&pf, "summary", NULL, NULL, "distance_kind"), "roads_walk",
		                 "%s", outs[k]);
		v = plan_field(&pf, "compounds", "compound_id", "C", "detour_primary");
		cr_assert_not_null(v, "%s: no detour_primary", outs[k]);
		cr_assert_float_eq(strtod(v, NULL), 1600.0 / 1500.0, 1e-9, "%s: %s", outs[k], v);
		cr_assert_str_eq(plan_field(&pf, "compounds", "compound_id", "D", "detour_primary"), "",
		                 "%s: a compound on its school's point has no ratio", outs[k]);
		cr_assert_str_eq(plan_field(&pf, "compounds", "compound_id", "E", "detour_primary"), "",
		                 "%s: no school, no ratio", outs[k]);
		cr_assert_str_eq(plan_field(&pf, "compounds", "compound_id", "C", "detour_junior"), "");
		cm__planfile_close(&pf);
	}
	tiny_free(&t);

	tiny_solve(&t, s, 2, c, 3, drive);
	write_and_open(&t, "d.gpkg", &pf);
	cr_assert_str_eq(plan_field(&pf, "summary", NULL, NULL, "distance_kind"), "roads_drive");
	cm__planfile_close(&pf);
	tiny_free(&t);

	/* straight lines: said so, and no detour fields */
	tiny_solve(&t, s, 2, c, 3, NULL);
	write_and_open(&t, "s.gpkg", &pf);
	cr_assert_str_eq(plan_field(&pf, "summary", NULL, NULL, "distance_kind"), "straight");
	cr_assert_null(plan_field(&pf, "compounds", NULL, NULL, "detour_primary"));
	cm__planfile_close(&pf);
	tiny_free(&t);
	free(walk);
	free(drive);
	free(roads);
	free(dir);
}

Test(plan, a_table_plan_says_so_and_bad_fields_are_caught)
{
	tschool s[] = {{"A", "primary", "public", 100, 0, 0, 0, 0, 1000, 0}};
	tcomp c[] = {{"C1", "urban", 10, 0, 0, 0, 0, 0}};
	char *dir = tmpdir();
	char *table = write_file(dir, "d.csv", "compound_id,school_id,metres\nC1,A,2500\n");
	char *extra = extra_with("distances", table, "");
	char *path;
	cm__planfile pf;
	cm_ctx *ctx;
	GDALDatasetH g;
	tiny t;
	int k;
	tiny_solve(&t, s, 1, c, 1, extra);
	write_and_open(&t, "t.gpkg", &pf);
	cr_assert_str_eq(plan_field(&pf, "summary", NULL, NULL, "distance_kind"), "table");
	cr_assert_float_eq(strtod(plan_field(&pf, "compounds", "compound_id", "C1", "detour_primary"),
	                          NULL), 2.5, 1e-12);
	cm__planfile_close(&pf);
	/* a hand edit: a kind the engine does not write, a negative ratio, a
	 * ratio where the compound has no school */
	path = cm__sprintf("%s/t.gpkg", t.dir);
	cm_ctx_new(&ctx);
	for (k = 0; k < 3; k++) {
		static const char *const sql[] = {
			"UPDATE summary SET distance_kind = 'bus'",
			"UPDATE compounds SET detour_primary = -1",
			"UPDATE compounds SET detour_junior = 1.5",
		};
		static const char *const want[] = {
			"field distance_kind", "field detour_primary", "field detour_junior"};
		write_and_open(&t, "t.gpkg", &pf);
		cm__planfile_close(&pf);
		GDALAllRegister();
		g = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_UPDATE, NULL, NULL, NULL);
		cr_assert_not_null(g);
		GDALDatasetReleaseResultSet(g, GDALDatasetExecuteSQL(g, sql[k], NULL, NULL));
		GDALClose(g);
		cr_assert_eq(cm__planfile_open(ctx, &pf, path), CM_EINPUT, "%s: accepted", sql[k]);
		cr_assert(strstr(cm_ctx_last_error(ctx), want[k]), "%s: %s", sql[k],
		          cm_ctx_last_error(ctx));
	}
	cm_ctx_free(ctx);
	free(path);
	tiny_free(&t);
	free(extra);
	free(table);
	free(dir);
}

/* Counts the features of the plan's `roads` layer and sums length_m (-1:
 * no such layer). */
static long roads_in(cm__planfile *pf, double *metres)
{
	OGRLayerH lyr = cm__planfile_layer(pf, "roads");
	OGRFeatureH f;
	long n = 0;
	*metres = 0;
	if (!lyr)
		return -1;
	OGR_L_ResetReading(lyr);
	while ((f = OGR_L_GetNextFeature(lyr)) != NULL) {
		cr_assert_not_null(OGR_F_GetGeometryRef(f));
		*metres += cm__planfile_num(f, cm__planfile_field(lyr, "length_m"));
		n++;
		OGR_F_Destroy(f);
	}
	return n;
}

Test(plan, a_plan_on_roads_carries_them_and_its_map_draws_them)
{
	/* the river's three roads: two banks of 10 km and the 200 m bridge;
	 * walking leaves the expressway out of the layer as of the network */
	static const char *const outs[] = {"p.gpkg", "p.shp"};
	static const char *const classes[] = {"street", "street", "street", "motorway"};
	tschool s[] = {{"A", "primary", "public", 100, 0, 0, 0, 0, 0, 150},
	               {"B", "primary", "public", 100, 0, 0, 0, 0, -1500, -150}};
	tcomp c[] = {{"C", "urban", 10, 2, 0, 0, 0, -150}, {"D", "urban", 5, 1, 0, 0, -1500, -150}};
	char *dir = tmpdir(), *lines = cm__sprintf("%s;-5000 500,5000 500", RIVER);
	char *roads = roads_file(dir, "r.geojson", lines, classes);
	char *extra = extra_with("roads", roads, "");
	char *plan, *map1, *map2, *png1, *png2;
	size_t len1, len2, k;
	cm__planfile pf;
	cm_ctx *ctx;
	GDALDatasetH g;
	double metres;
	tiny t;
	tiny_solve(&t, s, 2, c, 2, extra);
	for (k = 0; k < sizeof outs / sizeof *outs; k++) {
		write_and_open(&t, outs[k], &pf);
		cr_assert_eq(roads_in(&pf, &metres), 3, "%s", outs[k]);
		if (k < 2) /* (GeoJSON is in longitude and latitude) */
			cr_assert_float_eq(metres, 10000 + 10000 + 200, 1e-6, "%s: %g m", outs[k], metres);
		cm__planfile_close(&pf);
	}
	/* a GeoJSON plan too (read by GDAL here: the plan reader wants a
	 * junior level's fields, which GeoJSON leaves out when all empty) */
	cm_ctx_new(&ctx);
	plan = cm__sprintf("%s/j.geojson", t.dir);
	cr_assert_eq(cm_plan_write(ctx, t.plan, plan), 0, "%s", cm_ctx_last_error(ctx));
	free(plan);
	plan = cm__sprintf("%s/j/roads.geojson", t.dir);
	GDALAllRegister();
	g = GDALOpenEx(plan, GDAL_OF_VECTOR, NULL, NULL, NULL);
	cr_assert_not_null(g, "no %s", plan);
	cr_assert_eq(OGR_L_GetFeatureCount(GDALDatasetGetLayer(g, 0), TRUE), 3);
	GDALClose(g);
	free(plan);
	/* the map: drawn with the roads, and not the same without them */
	plan = cm__sprintf("%s/p.gpkg", t.dir);
	map1 = cm__sprintf("%s/m1.png", t.dir);
	map2 = cm__sprintf("%s/m2.png", t.dir);
	cr_assert_eq(cm_map_draw(ctx, plan, map1, NULL), 0, "%s", cm_ctx_last_error(ctx));
	g = GDALOpenEx(plan, GDAL_OF_VECTOR | GDAL_OF_UPDATE, NULL, NULL, NULL);
	cr_assert_not_null(g);
	GDALDatasetReleaseResultSet(g, GDALDatasetExecuteSQL(g, "DELETE FROM roads", NULL, NULL));
	GDALClose(g);
	cr_assert_eq(cm_map_draw(ctx, plan, map2, NULL), 0, "%s", cm_ctx_last_error(ctx));
	png1 = slurp(map1, &len1);
	png2 = slurp(map2, &len2);
	cr_assert(png1 && png2);
	cr_assert(len1 != len2 || memcmp(png1, png2, len1), "the roads changed nothing on the map");
	free(png1);
	free(png2);
	/* the shapefile plan's map draws too */
	free(plan);
	plan = cm__sprintf("%s/p", t.dir);
	cr_assert_eq(cm_map_draw(ctx, plan, map1, NULL), 0, "%s", cm_ctx_last_error(ctx));
	tiny_free(&t);

	/* straight lines: no roads layer */
	tiny_solve(&t, s, 2, c, 2, NULL);
	write_and_open(&t, "s.gpkg", &pf);
	cr_assert_eq(roads_in(&pf, &metres), -1);
	cm__planfile_close(&pf);
	tiny_free(&t);
	cm_ctx_free(ctx);
	free(plan);
	free(map1);
	free(map2);
	free(extra);
	free(roads);
	free(lines);
	free(dir);
}

/* ------------------------------------------------------------ the example county */

/* geodata/make_tongxi.py makes the example's roads.geojson byte for byte
 * (test_geodata checks the county's other files). */
Test(example, generator_reproduces_the_roads)
{
	const char *py = getenv("CM_PYTHON"), *geo = getenv("CM_GEODATA");
	char *dir = tmpdir(), *cmd, *a, *b, *x, *y;
	size_t la, lb;
	cr_assert(geo, "CM_GEODATA is not set");
	if (!py || !*py)
		cr_skip_test("no python3 to run the generator");
	cmd = cm__sprintf("%s %s/make_tongxi.py %s >/dev/null", py, geo, dir);
	cr_assert_eq(system(cmd), 0, "the generator failed");
	a = cm__sprintf("%s/tongxi/roads.geojson", geo);
	b = cm__sprintf("%s/roads.geojson", dir);
	x = slurp(a, &la);
	y = slurp(b, &lb);
	cr_assert(x && y, "missing roads.geojson");
	cr_assert(la == lb && !memcmp(x, y, la), "roads.geojson differs from the generator's output");
	cr_assert_lt(la, 500000, "the example's roads should stay small");
	free(x), free(y), free(a), free(b), free(cmd), free(dir);
}

/* The example county on its roads (examples/tongxi-roads.ini): every compound and school on a road,
 * every compound with a school in reach at both levels; in the plan, no
 * way by road is shorter than the straight line, and the river's two
 * bridges make some ways several times longer. */
Test(example, the_county_on_its_roads, .timeout = 300)
{
	const char *base = getenv("CM_EXAMPLE");
	char *ex = cm__sprintf("%.*s-roads.ini", (int)strlen(base) - 4, base);
	char *text = slurp(ex, NULL), *dir = strdup(ex), *split;
	cm_config *cfg;
	cm_dataset *ds;
	cm_check_report rep;
	cm_plan *plan;
	cm_ctx *ctx;
	const cm_assignment *a;
	const cm_compound *c;
	const cm_school *s;
	size_t n, i, long_ways = 0;
	cr_assert(text, "no %s", ex);
	cr_assert(strstr(text, "\nroads = "), "the example does not use its roads");
	*strrchr(dir, '/') = '\0';
	/* split mode: the exact flow, fast */
	split = strstr(text, "assignment = single");
	cr_assert(split);
	memcpy(split, "assignment = split ", 19);
	ds = load_ok(text, dir, &cfg);
	cr_assert_not_null(find_diag(ds, "roads"), "no note on the road network");
	cr_assert_eq(count_diag(ds, "far-from-road"), 0);
	cm_ctx_new(&ctx);
	cr_assert_eq(cm_check(ctx, cfg, ds, &rep), 0);
	cr_assert_eq(rep.errors, 0);
	cr_assert_eq(rep.level[CM_PRIMARY].no_eligible, 0);
	cr_assert_eq(rep.level[CM_JUNIOR].no_eligible, 0);
	cr_assert_eq(solve_with(ctx, cfg, ds, NULL, &plan), 0, "%s", cm_ctx_last_error(ctx));
	cm_dataset_compounds(ds, &c);
	cm_dataset_schools(ds, &s);
	n = cm_plan_assignments(plan, &a);
	for (i = 0; i < n; i++) {
		double line;
		if (a[i].school < 0)
			continue;
		line = cm__distance(c[a[i].compound].x, c[a[i].compound].y, s[a[i].school].x,
		                    s[a[i].school].y);
		cr_assert_geq(a[i].distance_m, line - 1e-6, "%s to %s: %g m by road, %g m straight",
		              c[a[i].compound].id, s[a[i].school].id, a[i].distance_m, line);
		long_ways += a[i].distance_m > 3 * line && line > 300;
	}
	for (i = 0; i < ds->n_compounds; i++) {
		size_t k;
		for (k = 0; k < ds->n_schools; k++) {
			double by = cm__pair_distance(ds, ds->pairs, i, k);
			double line = cm__distance(c[i].x, c[i].y, s[k].x, s[k].y);
			if (isfinite(by))
				cr_assert_geq(by, line - 1e-6);
			long_ways += isfinite(by) && by > 3 * line && line > 300;
		}
	}
	cr_assert_gt(long_ways, 0, "no pair goes round the river");
	cm_plan_free(plan);
	cm_dataset_free(ds);
	cm_config_free(cfg);
	cm_ctx_free(ctx);
	free(text);
	free(dir);
	free(ex);
}

/* ------------------------------------------------------------ scenarios */

/* A scenario's dataset gets its distances once, as it is made: the base's
 * renumbered when it adds nothing and reaches no further (a closed school
 * gone, the rest as they were), a new search when its reach is longer; and
 * its roads, for its plan's layer. */
Test(scenario, carries_the_distances)
{
	/* the river: A north of it, B and E on the south bank; 5 km reach,
	 * so C, south of A, cannot reach A by road (6.3 km round the bridge) */
	tschool s[] = {{"A", "primary", "public", 100, 0, 0, 0, 0, 0, 150},
	               {"B", "primary", "public", 100, 0, 0, 0, 0, -1500, -150},
	               {"E", "primary", "public", 100, 0, 0, 0, 0, 2000, -150}};
	tcomp c[] = {{"C", "urban", 10, 0, 0, 0, 0, -150}, {"D", "urban", 5, 0, 0, 0, -1500, -150},
	             {"F", "urban", 5, 0, 0, 0, 1000, 150}};
	char *dir = tmpdir(), *roads = roads_file(dir, "r.geojson", RIVER, NULL);
	char *extra = extra_with("roads", roads, "[policy]\nmax_distance_primary_m = 5000\n"
	                                         "[scenario close]\nclose = B\ndemand = C:2\n"
	                                         "[scenario far]\nmax_distance_primary_m = 8000\n");
	const size_t *st;
	const double *lx, *ly;
	cm_dataset *sds;
	cm_ctx *ctx;
	tiny t;
	size_t i, k, bi, bk;
	int sc;
	tiny_solve(&t, s, 3, c, 3, extra);
	cm_ctx_new(&ctx);
	cr_assert(isinf(cm__pair_distance(t.ds, t.ds->pairs, 0, 0)), "C-A beyond the reach");
	for (sc = 0; sc < 2; sc++) {
		cr_assert_eq(cm_scenario_data(ctx, t.cfg, &t.cfg->scenarios[sc], t.ds, &sds), 0, "%s",
		             cm_ctx_last_error(ctx));
		cr_assert_not_null(sds->pairs, "%s: no distances of its own",
		                   t.cfg->scenarios[sc].name);
		cr_assert_eq(cm__pairs_lines(sds->pairs, &st, &lx, &ly), 3, "%s: roads",
		             t.cfg->scenarios[sc].name);
		cr_assert_eq(sds->n_schools, sc == 0 ? 2 : 3);
		for (i = 0; i < sds->n_compounds; i++)
			for (k = 0; k < sds->n_schools; k++) {
				double got = cm__pair_distance(sds, sds->pairs, i, k), want;
				for (bi = 0; strcmp(t.ds->compounds[bi].id, sds->compounds[i].id); bi++)
					;
				for (bk = 0; strcmp(t.ds->schools[bk].id, sds->schools[k].id); bk++)
					;
				want = cm__pair_distance(t.ds, t.ds->pairs, bi, bk);
				/* searched again, further: round the bridge at x = 3000 */
				if (sc == 1 && !strcmp(sds->compounds[i].id, "C") &&
				    !strcmp(sds->schools[k].id, "A"))
					want = 50 + 3000 + 200 + 3000 + 50;
				if (sc == 1 && !strcmp(sds->compounds[i].id, "D") &&
				    !strcmp(sds->schools[k].id, "A"))
					want = 50 + 4500 + 200 + 3000 + 50;
				if (sc == 1 && !strcmp(sds->compounds[i].id, "F") &&
				    !strcmp(sds->schools[k].id, "B"))
					want = 50 + 2000 + 200 + 4500 + 50;
				if (isinf(want))
					cr_assert(isinf(got), "%s: %s-%s %g", t.cfg->scenarios[sc].name,
					          sds->compounds[i].id, sds->schools[k].id, got);
				else
					cr_assert_float_eq(got, want, 1e-9, "%s: %s-%s %g, want %g",
					                   t.cfg->scenarios[sc].name, sds->compounds[i].id,
					                   sds->schools[k].id, got, want);
			}
		cm_dataset_free(sds);
	}
	cm_ctx_free(ctx);
	tiny_free(&t);
	free(extra);
	free(roads);
	free(dir);
}

/* ------------------------------------------------------------ speeds and minutes */

/* The minutes of compound `cid`'s public primary row (-2: no such row). */
static double minutes_of(const tiny *t, const char *cid)
{
	const cm_assignment *a;
	const cm_compound *c;
	size_t n = cm_plan_assignments(t->plan, &a), i;
	cm_dataset_compounds(t->ds, &c);
	for (i = 0; i < n; i++)
		if (a[i].level == CM_PRIMARY && a[i].seat == CM_SEAT_PUBLIC &&
		    !strcmp(c[a[i].compound].id, cid))
			return a[i].minutes;
	return -2;
}

Test(speeds, grid_minutes_are_metres_over_the_speed)
{
	/* walking at 6 km/h (100 m a minute), and driving with every road at
	 * the default speed, 30 km/h (500 m a minute) */
	tschool s[] = {{"S", "primary", "public", 1000, 0, 0, 0, 0, 0, 0}};
	tcomp c[] = {{"C1", "urban", 1, 0, 0, 0, 300, 400}, {"C2", "urban", 3, 0, 0, 0, 100, 200},
	             {"C3", "urban", 1, 0, 0, 0, 400, 0}, {"C4", "urban", 1, 0, 0, 0, 250, 300}};
	static const char *const how[] = {"[roads]\nwalk_kmh = 6\n", "[roads]\nmode = drive\n"};
	static const double per_min[] = {100, 500};
	double want[] = {700, 300, 400, 550}, d;
	char lines[2048], *dir = tmpdir(), *roads;
	int i, k;
	grid_lines(lines);
	roads = roads_file(dir, "r.geojson", lines, NULL);
	for (k = 0; k < 2; k++) {
		char *extra = extra_with("roads", roads, how[k]);
		tiny t;
		double sum = 0;
		tiny_solve(&t, s, 1, c, 4, extra);
		for (i = 0; i < 4; i++) {
			cr_assert_str_eq(school_of(&t, c[i].id, &d), "S");
			cr_assert_float_eq(d, want[i], 1e-6, "%s: %g m", c[i].id, d);
			cr_assert_float_eq(minutes_of(&t, c[i].id), want[i] / per_min[k], 1e-9,
			                   "%s: %g min", c[i].id, minutes_of(&t, c[i].id));
			sum += c[i].pl * want[i] / per_min[k];
		}
		cr_assert_float_eq(cm_plan_summary(t.plan, CM_PRIMARY)->mean_minutes, sum / 6, 1e-9);
		tiny_free(&t);
		free(extra);
	}
	free(roads);
	free(dir);
}

Test(speeds, drive_takes_the_faster_longer_road)
{
	/* from C's street to S's, a local road straight along (1000 m at
	 * 30 km/h: 2 min) or an expressway round (1600 m at 80 km/h: 1.2 min);
	 * the streets are of no class speed_kmh names: the default, 30 */
	const char *cls[] = {"street", "local", "expressway", "street"};
	const char *lines = "-100 0,0 0;0 0,1000 0;0 0,0 300,1000 300,1000 0;1000 0,1100 0";
	tschool s[] = {{"S", "primary", "public", 100, 0, 0, 0, 0, 1100, -10}};
	tcomp c[] = {{"C", "urban", 10, 0, 0, 0, -100, 10}};
	char *dir = tmpdir(), *roads = roads_file(dir, "r.geojson", lines, cls);
	char *walk = extra_with("roads", roads, "");
	char *drive = extra_with("roads", roads, "[roads]\nmode = drive\n"
	                                         "speed_kmh = expressway:80, local:30\n");
	char *near = extra_with("roads", roads, "[roads]\nmode = drive\n"
	                                        "speed_kmh = expressway:80, local:30\n"
	                                        "[policy]\nmax_distance_primary_m = 1500\n");
	tiny t;
	double d;
	/* walking: the shortest way, 1220 m at 4.5 km/h */
	tiny_solve(&t, s, 1, c, 1, walk);
	cr_assert_str_eq(school_of(&t, "C", &d), "S");
	cr_assert_float_eq(d, 1220, 1e-6);
	cr_assert_float_eq(minutes_of(&t, "C"), 1220 / 75.0, 1e-9);
	tiny_free(&t);
	/* driving: the expressway, and its metres */
	tiny_solve(&t, s, 1, c, 1, drive);
	cr_assert_str_eq(school_of(&t, "C", &d), "S");
	cr_assert_float_eq(d, 1820, 1e-6, "%g m: not along the expressway", d);
	cr_assert_float_eq(minutes_of(&t, "C"), 220 / 500.0 + 1600 / (80000 / 60.0), 1e-9, "%g min",
	                   minutes_of(&t, "C"));
	tiny_free(&t);
	/* the reach is in metres along the fastest way: 1820 m > 1500, though
	 * the local road is 1220 */
	tiny_solve(&t, s, 1, c, 1, near);
	cr_assert_null(school_of(&t, "C", NULL));
	tiny_free(&t);
	free(walk);
	free(drive);
	free(near);
	free(roads);
	free(dir);
}

Test(speeds, table_minutes_reach_the_plan)
{
	static const char *const outs[] = {"p.gpkg", "p.shp", "p.csv", "p.geojson"};
	tschool s[] = {{"A", "primary", "public", 100, 0, 0, 0, 0, 1000, 0},
	               {"B", "primary", "public", 100, 0, 0, 0, 0, 3000, 0}};
	tcomp c[] = {{"C1", "urban", 10, 0, 0, 0, 0, 0}, {"C2", "urban", 30, 0, 0, 0, 900, 0}};
	char *dir = tmpdir();
	char *table = write_file(dir, "d.csv", "compound_id,school_id,metres,minutes\n"
	                                       "C1,A,5000,60\nC1,B,2000.5,25\nC2,A,100,5\n");
	char *extra = extra_with("distances", table, "");
	char *path;
	cm__planfile pf;
	cm_ctx *ctx;
	GDALDatasetH g;
	tiny t;
	size_t k;
	tiny_solve(&t, s, 2, c, 2, extra);
	cr_assert_float_eq(minutes_of(&t, "C1"), 25, 1e-12);
	cr_assert_float_eq(cm_plan_summary(t.plan, CM_PRIMARY)->mean_minutes, (250 + 150) / 40.0,
	                   1e-12);
	for (k = 0; k < sizeof outs / sizeof *outs; k++) {
		write_and_open(&t, outs[k], &pf);
		cr_assert_float_eq(strtod(plan_field(&pf, "assignment", "compound_id", "C1", "minutes"),
		                          NULL), 25, 1e-9, "%s", outs[k]);
		cr_assert_float_eq(strtod(plan_field(&pf, "summary", NULL, NULL, "mean_minutes"), NULL),
		                   10, 1e-9, "%s", outs[k]);
		cm__planfile_close(&pf);
	}
	/* a hand edit: negative minutes are caught */
	path = cm__sprintf("%s/t.gpkg", t.dir);
	cm_ctx_new(&ctx);
	for (k = 0; k < 2; k++) {
		static const char *const sql[] = {"UPDATE assignment SET minutes = -1",
		                                  "UPDATE summary SET mean_minutes = -2"};
		static const char *const want[] = {"field minutes", "field mean_minutes"};
		write_and_open(&t, "t.gpkg", &pf);
		cm__planfile_close(&pf);
		GDALAllRegister();
		g = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_UPDATE, NULL, NULL, NULL);
		cr_assert_not_null(g);
		GDALDatasetReleaseResultSet(g, GDALDatasetExecuteSQL(g, sql[k], NULL, NULL));
		GDALClose(g);
		cr_assert_eq(cm__planfile_open(ctx, &pf, path), CM_EINPUT, "%s: accepted", sql[k]);
		cr_assert(strstr(cm_ctx_last_error(ctx), want[k]), "%s: %s", sql[k],
		          cm_ctx_last_error(ctx));
	}
	cm_ctx_free(ctx);
	free(path);
	tiny_free(&t);

	/* straight lines: the fields are there, empty */
	tiny_solve(&t, s, 2, c, 2, NULL);
	cr_assert_eq(minutes_of(&t, "C1"), -1);
	cr_assert_eq(cm_plan_summary(t.plan, CM_PRIMARY)->mean_minutes, -1);
	write_and_open(&t, "s.gpkg", &pf);
	cr_assert_str_eq(plan_field(&pf, "assignment", "compound_id", "C1", "minutes"), "");
	cr_assert_str_eq(plan_field(&pf, "summary", NULL, NULL, "mean_minutes"), "");
	cm__planfile_close(&pf);
	tiny_free(&t);
	free(extra);
	free(table);
	free(dir);
}

Test(speeds, bad_settings_name_the_key)
{
	static const char *const bad[][2] = {
		{"speed_kmh = expressway:fast", "speed_kmh = 'expressway:fast'"},
		{"speed_kmh = expressway 80, local:30", "'expressway 80'"},
		{"speed_kmh = local:0", "speed_kmh = 'local:0'"},
		{"speed_kmh = :40", "speed_kmh"},
		{"speed_kmh = local:30, local:1e999", "'local:1e999'"},
		{"walk_kmh = 0", "walk_kmh = 0"},
		{"walk_kmh = slow", "walk_kmh = 'slow'"},
		{"speed_default_kmh = -5", "speed_default_kmh = -5"},
		/* a class twice: the first speed won, silently */
		{"speed_kmh = street:50, local:30, street:10", "'street' is named twice"},
		{"speed_kmh = 县道:40，县道:60", "'县道' is named twice"},
		{"speed_kmh = 县道：40，县道:60", "'县道' is named twice"},
		{"speed_kmh = ：40", "speed_kmh"},
	};
	size_t k;
	for (k = 0; k < sizeof bad / sizeof *bad; k++) {
		char *ini = cm__sprintf("[input]\nschools = a.csv\ncompounds = b.csv\n[roads]\n%s\n",
		                        bad[k][0]);
		const char *msg = config_err(ini);
		cr_assert(strstr(msg, "[roads]") && strstr(msg, bad[k][1]), "%s: %s", bad[k][0], msg);
		free(ini);
	}
	/* good ones: full-width commas and colons (a Chinese input method's:
	 * 乡道：30 was "not CLASS:KMH"), a trailing comma, Chinese classes */
	{
		cm_config *cfg;
		cm_ctx *ctx;
		char *dir = tmpdir();
		char *ini = write_file(dir, "s.ini", "[input]\nschools = a.csv\ncompounds = b.csv\n"
		                                     "[roads]\nspeed_kmh = 高速公路:80，县道 : 40, "
		                                     "乡道：30，村道 ： 20\n");
		double v = 0;
		cm_ctx_new(&ctx);
		cr_assert_eq(cm_config_load(ctx, ini, &cfg), 0, "%s", cm_ctx_last_error(ctx));
		cr_assert_eq(cm__speed_lookup(cfg->road.speed_kmh, "县道", &v, NULL), CM_SPEED_FOUND);
		cr_assert_float_eq(v, 40, 1e-12);
		cr_assert_eq(cm__speed_lookup(cfg->road.speed_kmh, "乡道", &v, NULL), CM_SPEED_FOUND);
		cr_assert_float_eq(v, 30, 1e-12);
		cr_assert_eq(cm__speed_lookup(cfg->road.speed_kmh, "村道", &v, NULL), CM_SPEED_FOUND);
		cr_assert_float_eq(v, 20, 1e-12);
		cr_assert_eq(cm__speed_lookup(cfg->road.speed_kmh, "Street", &v, NULL), CM_SPEED_NONE);
		cm_config_free(cfg);
		cm_ctx_free(ctx);
		free(ini);
		free(dir);
	}
}

/* ------------------------------------------------------------ one-way streets */

Test(oneway, drivers_go_round_and_walkers_do_not)
{
	/* C's street, the direct road to S's (1000 m), the way round (1600 m)
	 * and S's street, all at 30 km/h: driving, the direct road is one-way
	 * from S towards C (drawn from C's end: -1; drawn from S's end: yes),
	 * so C goes round; walkers take it either way; with the traffic (yes
	 * as drawn from C's end, or no oneway field) it is the way */
	const char *ways[] = {"-100 0,0 0;0 0,1000 0;0 0,0 300,1000 300,1000 0;1000 0,1100 0",
	                      "-100 0,0 0;1000 0,0 0;0 0,0 300,1000 300,1000 0;1000 0,1100 0"};
	/* (blanks around a value do not count: " -1 " was two-way) */
	const char *against[2][4] = {{"no", " -1 ", "no", "no"}, {"no", "yes", "no", "no"}};
	const char *along[4] = {"no", "yes", "", "NO"};
	tschool s[] = {{"S", "primary", "public", 100, 0, 0, 0, 0, 1100, -10}};
	tcomp c[] = {{"C", "urban", 10, 0, 0, 0, -100, 10}};
	char *dir = tmpdir();
	for (int k = 0; k < 2; k++) {
		char *roads = roads_file_oneway(dir, "r.geojson", ways[k], NULL, against[k]);
		char *walk = extra_with("roads", roads, "");
		char *drive = extra_with("roads", roads, "[roads]\nmode = drive\n");
		tiny t;
		double d;
		tiny_solve(&t, s, 1, c, 1, drive);
		cr_assert_str_eq(school_of(&t, "C", &d), "S");
		cr_assert_float_eq(d, 1820, 1e-6, "way %d: %g m, not round", k, d);
		cr_assert_float_eq(minutes_of(&t, "C"), 1820 / 500.0, 1e-9);
		tiny_free(&t);
		tiny_solve(&t, s, 1, c, 1, walk);
		cr_assert_str_eq(school_of(&t, "C", &d), "S");
		cr_assert_float_eq(d, 1220, 1e-6, "way %d: walkers go both ways (%g m)", k, d);
		tiny_free(&t);
		free(walk);
		free(drive);
		free(roads);
	}
	{
		char *roads = roads_file_oneway(dir, "r.geojson", ways[0], NULL, along);
		char *drive = extra_with("roads", roads, "[roads]\nmode = drive\n");
		tiny t;
		double d;
		tiny_solve(&t, s, 1, c, 1, drive);
		cr_assert_str_eq(school_of(&t, "C", &d), "S");
		cr_assert_float_eq(d, 1220, 1e-6, "with the traffic: %g m", d);
		tiny_free(&t);
		free(drive);
		free(roads);
	}
	free(dir);
}

/* The drive test's roads (C's street, the direct road, the way round, S's
 * street) with `values` in a field named `name` (6 letters, or 2 Chinese
 * characters: the bytes of "oneway"), and the distance C drives to S with
 * `fields` in [fields]. */
static double drive_with_field(const char *const *values, const char *name, const char *fields)
{
	const char *ways = "-100 0,0 0;0 0,1000 0;0 0,0 300,1000 300,1000 0;1000 0,1100 0";
	tschool s[] = {{"S", "primary", "public", 100, 0, 0, 0, 0, 1100, -10}};
	tcomp c[] = {{"C", "urban", 10, 0, 0, 0, -100, 10}};
	char *dir = tmpdir(), *roads = roads_file_oneway(dir, "r.geojson", ways, NULL, values);
	char *text = slurp(roads, NULL), *at, *renamed, *extra, *rest, quoted[16];
	tiny t;
	double d;
	cr_assert(text && strlen(name) == 6);
	snprintf(quoted, sizeof quoted, "\"%s\"", name);
	while ((at = strstr(text, "\"oneway\":")))
		memcpy(at, quoted, 8);
	renamed = write_file(dir, "renamed.geojson", text);
	rest = cm__sprintf("[roads]\nmode = drive\n%s", fields);
	cr_assert(rest);
	extra = extra_with("roads", renamed, rest);
	tiny_solve(&t, s, 1, c, 1, extra);
	cr_assert_str_eq(school_of(&t, "C", &d), "S");
	tiny_free(&t);
	free(extra);
	free(rest);
	free(renamed);
	free(text);
	free(roads);
	free(dir);
	return d;
}

/* The one-way field under another name, mapped in [fields] roads.oneway:
 * read when mapped, not otherwise (an unknown field is no one-way rule). */
Test(oneway, field_mapped_by_name)
{
	const char *against[4] = {"no", "-1", "no", "no"};
	double d = drive_with_field(against, "单行", "[fields]\nroads.oneway = 单行\n");
	cr_assert_float_eq(d, 1820, 1e-6, "mapped: %g m, not round", d);
	d = drive_with_field(against, "单行", "");
	cr_assert_float_eq(d, 1220, 1e-6, "not mapped: %g m", d);
}

/* A road's own speed ([fields] roads.speed, km/h) before its class's:
 * the direct road at 10 km/h sends drivers round by the 50 km/h one. */
Test(oneway, speed_field_before_class)
{
	const char *speeds[4] = {"30", "10", "50 km/h", "signals"};
	double d = drive_with_field(speeds, "vspeed", "[fields]\nroads.speed = vspeed\n");
	cr_assert_float_eq(d, 1820, 1e-6, "with speeds: %g m, not round", d);
	d = drive_with_field(speeds, "vspeed", "");
	cr_assert_float_eq(d, 1220, 1e-6, "by class: %g m", d);
}

Test(oneway, on_the_school_segment_only_from_upstream)
{
	/* a one-way street from (0, 0) east to (1000, 0), and a two-way way
	 * back round by y = 300; S stands beside it at 800 m: C1, upstream at
	 * 200 m, drives straight along (600 m, plus the two 10 m joins); C2,
	 * downstream at 900 m, goes on to the end, round and back along it:
	 * 100 + 1600 + 800 + 20 m.  Drawn the other way round with -1, the same */
	const char *ways[] = {"0 0,1000 0;1000 0,1000 300,0 300,0 0",
	                      "1000 0,0 0;1000 0,1000 300,0 300,0 0"};
	const char *const oneway[2][2] = {{"yes", "no"}, {"-1", "no"}};
	tschool s[] = {{"S", "primary", "public", 100, 0, 0, 0, 0, 800, -10}};
	tcomp c[] = {{"C1", "urban", 10, 0, 0, 0, 200, -10}, {"C2", "urban", 10, 0, 0, 0, 900, -10}};
	char *dir = tmpdir();
	for (int k = 0; k < 2; k++) {
		char *roads = roads_file_oneway(dir, "r.geojson", ways[k], NULL, oneway[k]);
		char *drive = extra_with("roads", roads, "[roads]\nmode = drive\n");
		tiny t;
		double d;
		tiny_solve(&t, s, 1, c, 2, drive);
		cr_assert_str_eq(school_of(&t, "C1", &d), "S");
		cr_assert_float_eq(d, 620, 1e-6, "way %d: C1 %g m", k, d);
		cr_assert_str_eq(school_of(&t, "C2", &d), "S");
		cr_assert_float_eq(d, 2520, 1e-6, "way %d: C2 %g m", k, d);
		tiny_free(&t);
		free(drive);
		free(roads);
	}
	free(dir);
}

/* A road is as long as its line, however densely it was drawn: vertices
 * within tolerance_m of a node used to drop their segments' length (a
 * 1,200 m road with a vertex every 0.25 m came out a third as long, and
 * with a vertex every 50 m and tolerance_m = 100, half). */
Test(roads, a_road_is_as_long_however_densely_drawn)
{
	tschool s[] = {{"S", "primary", "public", 100, 0, 0, 0, 0, 0, 0}};
	tcomp c[] = {{"C", "urban", 10, 0, 0, 0, 1000, 0}};
	const double step[] = {0.25, 50};
	const char *rest[] = {"[roads]\n", "[roads]\ntolerance_m = 100\n"};
	char *dir = tmpdir(), *plain = roads_file(dir, "plain.geojson", "-100 0,1100 0", NULL);
	char *extra = extra_with("roads", plain, "");
	double want, got;
	tiny t;
	tiny_solve(&t, s, 1, c, 1, extra);
	cr_assert_str_eq(school_of(&t, "C", &want), "S");
	cr_assert_float_eq(want, 1000, 1e-6);
	tiny_free(&t);
	free(extra);
	for (int k = 0; k < 2; k++) {
		char *line = NULL, name[32], *path;
		size_t len = 0;
		FILE *fp = open_memstream(&line, &len);
		for (double x = -100; x <= 1100 + 1e-9; x += step[k])
			fprintf(fp, "%s%.2f 0", x > -100 ? "," : "", x);
		fclose(fp);
		snprintf(name, sizeof name, "dense%d.geojson", k);
		path = roads_file(dir, name, line, NULL);
		extra = extra_with("roads", path, rest[k]);
		tiny_solve(&t, s, 1, c, 1, extra);
		cr_assert_str_eq(school_of(&t, "C", &got), "S");
		cr_assert_float_eq(got, want, 1e-6, "a vertex every %g m: %.3f m, drawn plainly %.3f m",
		                   step[k], got, want);
		tiny_free(&t);
		free(extra);
		free(path);
		free(line);
	}
	free(plain);
	free(dir);
}

/* The fixtures' schools and compounds with roads `roads` loaded into *ds
 * (NULL when the load fails: then *msg is its error); returns the context,
 * which the caller frees with road_data_free. */
typedef struct road_data {
	cm_ctx *ctx;
	cm_config *cfg;
	cm_dataset *ds;
	const char *msg;
} road_data;

static road_data road_data_load(const char *dir, const char *roads)
{
	road_data r = {NULL, NULL, NULL, NULL};
	char *extra = extra_with("roads", roads, "");
	char *ini = scenario_text("schools.geojson", "compounds.geojson", extra);
	cr_assert_eq(cm_ctx_new(&r.ctx), 0);
	cr_assert_eq(cm_config_parse_string(r.ctx, ini, "t.ini", dir, &r.cfg), 0, "%s",
	             cm_ctx_last_error(r.ctx));
	if (cm_dataset_load(r.ctx, r.cfg, &r.ds) != 0)
		r.msg = cm_ctx_last_error(r.ctx);
	free(ini);
	free(extra);
	return r;
}

static void road_data_free(road_data *r)
{
	cm_dataset_free(r->ds);
	cm_config_free(r->cfg);
	cm_ctx_free(r->ctx);
}

/* A road vertex that is not a number or lies beyond 1e8 m of the working
 * CRS's origin is an error naming the feature (a vertex at 1e300 corrupted
 * the heap: the grids' cell numbers overflowed). */
Test(roads, a_vertex_far_out_is_an_error)
{
	char *dir = tmpdir(), *roads = roads_file(dir, "r.geojson", "0 0,100 0;0 0,100 0,1e300 0", NULL);
	road_data r = road_data_load(dir, roads);
	/* the load fails or reports the error; either way it names the feature */
	if (r.ds) {
		const cm_diag *d = find_diag(r.ds, "bad-geometry");
		cr_assert_not_null(d);
		cr_assert(strstr(d->file, "r.geojson") && strstr(d->feature, "feature 1") &&
		          strstr(d->message, "1e8"), "%s %s %s", d->file, d->feature, d->message);
		cr_assert_eq(d->severity, CM_ERR);
	} else {
		cr_assert(strstr(r.msg, "r.geojson") && strstr(r.msg, "1e8"), "%s", r.msg);
	}
	road_data_free(&r);
	free(roads);
	free(dir);
}

/* A road of a single vertex, or of one spot repeated, is no road: it was
 * counted as a usable road (the note said 3 roads).  Such roads are left
 * out with one warning for the layer, naming the file and layer and how
 * many. */
Test(roads, a_road_without_length_is_left_out_with_one_warning)
{
	char *dir = tmpdir(), *roads = roads_file(dir, "r.geojson", "0 0,1000 0;500 500;"
	                                          "300 300,300 300,300 300", NULL);
	road_data r = road_data_load(dir, roads);
	const cm_diag *d;
	size_t i, seen = 0;
	cr_assert(r.ds, "%s", r.msg);
	for (i = 0; i < cm_dataset_diag_count(r.ds); i++)
		seen += !strcmp(cm_dataset_diag(r.ds, i)->kind, "point-roads");
	cr_assert_eq(seen, 1, "%zu point-roads warnings", seen);
	d = find_diag(r.ds, "point-roads");
	cr_assert_eq(d->severity, CM_WARNING);
	cr_assert(strstr(d->file, "r.geojson") && d->layer && !strcmp(d->layer, "r") &&
	          strstr(d->message, "2 roads with no length"), "%s %s %s", d->file, d->layer,
	          d->message);
	d = find_diag(r.ds, "roads");
	cr_assert_not_null(d);
	cr_assert(strstr(d->message, ": 1 roads,"), "%s", d->message);
	road_data_free(&r);
	free(roads);
	free(dir);
}

/* A road network with no usable road (every road left out by class, an
 * empty layer, a roads_where that keeps none) is an error: it solved, exit
 * 0, to a plan placing nobody, "no school in reach". */
Test(roads, no_usable_road_is_an_error)
{
	const char *cls[] = {"motorway"};
	char *dir = tmpdir(), *roads = roads_file(dir, "r.geojson", "0 0,1000 0", cls);
	road_data r = road_data_load(dir, roads);
	const cm_diag *d;
	cr_assert(r.ds, "%s", r.msg);
	d = find_diag(r.ds, "no-roads");
	cr_assert_not_null(d);
	cr_assert_eq(d->severity, CM_ERR);
	cr_assert(strstr(d->file, "r.geojson") && strstr(d->message, "1 left out by class"), "%s %s",
	          d->file, d->message);
	road_data_free(&r);
	free(roads);
	/* roads kept but each shorter than tolerance_m: the message names
	 * the key (it said "no segment" and no more) */
	roads = roads_file(dir, "r.geojson", "0 0,0.3 0;500 500,500.2 500", NULL);
	r = road_data_load(dir, roads);
	cr_assert(r.ds, "%s", r.msg);
	d = find_diag(r.ds, "no-roads");
	cr_assert_not_null(d);
	cr_assert(strstr(d->message, "2 roads read, 0 left out") &&
	          strstr(d->message, "tolerance_m = 0.5 m"), "%s", d->message);
	road_data_free(&r);
	free(roads);
	free(dir);
}

/* A tolerance_m far above digitising gaps joins roads that pass near
 * each other (each road's length is kept, but the jump between them is
 * free): the distances came out short without a word.  Two parallel roads
 * 20 m apart, a vertex every 50 m: at 30 m they are one network of
 * junctions, a warning; at the default 0.5 m, nothing. */
Test(roads, a_tolerance_that_joins_roads_is_a_warning)
{
	char *dir = tmpdir(), lines[4096] = "", *roads;
	size_t n = 0;
	for (int r = 0; r < 2; r++)
		for (int k = 0; k <= 40; k++)
			n += (size_t)snprintf(lines + n, sizeof lines - n, "%s%d %d", k ? "," : r ? ";" : "",
			                      50 * k, 20 * r);
	roads = roads_file(dir, "r.geojson", lines, NULL);
	for (int wide = 0; wide < 2; wide++) {
		char *extra = extra_with("roads", roads, wide ? "[roads]\ntolerance_m = 30\n" : "");
		char *ini = scenario_text("schools.geojson", "compounds.geojson", extra);
		cm_config *cfg;
		cm_dataset *ds = load_ok(ini, dir, &cfg);
		const cm_diag *d = find_diag(ds, "road-shortcuts");
		if (wide) {
			cr_assert_not_null(d, "no warning at tolerance_m = 30");
			cr_assert_eq(d->severity, CM_WARNING);
			cr_assert(strstr(d->message, "tolerance_m = 30 m joins 41 road vertices") &&
			          strstr(d->message, "up to 20 m away"), "%s", d->message);
		} else {
			cr_assert_null(d, "%s", d ? d->message : "");
		}
		cm_dataset_free(ds);
		cm_config_free(cfg);
		free(ini);
		free(extra);
	}
	free(roads);
	free(dir);
}

/* The road network's and the distance table's errors and findings are in
 * the reader's language (they were English under LANG=zh_CN.UTF-8): a
 * missing roads.class field, the warning for roads without length, a
 * table's unknown id.  Field names, kinds, keys and ids stay as they are. */
Test(roads, errors_and_warnings_in_chinese)
{
	char *dir = tmpdir(), *roads = roads_file(dir, "r.geojson", "0 0,1000 0;500 500;"
	                                          "300 300,300 300,300 300", NULL);
	char *extra = extra_with("roads", roads, "[fields]\nroads.class = 等级x\n");
	char *ini = scenario_text("schools.geojson", "compounds.geojson", extra);
	const char *msg;
	const cm_diag *d;
	road_data r;
	speak_chinese(1);
	msg = load_err(ini, dir);
	cr_assert(strstr(msg, "r.geojson,图层 r:没有字段 '等级x'([fields] roads.class)"), "%s",
	          msg);
	r = road_data_load(dir, roads);
	cr_assert(r.ds, "%s", r.msg);
	d = find_diag(r.ds, "point-roads");
	cr_assert_not_null(d);
	cr_assert(strstr(d->message, "2 条道路没有长度"), "%s", d->message);
	cr_assert_null(strstr(d->message, "left out"), "%s", d->message);
	d = find_diag(r.ds, "roads");
	cr_assert(d && strstr(d->message, "道路网(步行):1 条道路"), "%s", d ? d->message : "");
	road_data_free(&r);
	{
		char *tdir, *table;
		const cm_compound *c;
		const cm_school *s;
		cm_dataset *ds = load_table("compound_id,school_id,metres\n", &tdir, &table);
		char rows[256];
		cm_dataset_compounds(ds, &c);
		cm_dataset_schools(ds, &s);
		snprintf(rows, sizeof rows, "compound_id,school_id,metres\nNOPE,%s,100\n%s,%s,-5\n",
		         s[0].id, c[0].id, s[0].id);
		cm_dataset_free(ds);
		free(table);
		free(tdir);
		ds = load_table(rows, &tdir, &table);
		d = find_diag(ds, "unknown-id");
		cr_assert(d && strstr(d->message, "小区 'NOPE' 不在 compounds 图层中"), "%s",
		          d ? d->message : "");
		d = find_diag(ds, "negative-value");
		cr_assert(d && strstr(d->message, "metres为负数"), "%s", d ? d->message : "");
		cm_dataset_free(ds);
		free(table);
		free(tdir);
	}
	speak_chinese(0);
	free(ini);
	free(extra);
	free(roads);
	free(dir);
}

/* Two parallel roads 30 m apart joined only 4 km east (a U): at
 * tolerance_m 50 their west ends became one node, and the compound at one
 * reached the school at the other in 20 m, less than the 50 m straight
 * line between them (attack 2, road-tolerance).  A pair's road distance is
 * never below the straight line, its minutes lengthened at the same pace;
 * at tolerance_m 0.5 the way round the U stands. */
Test(roads, never_shorter_than_the_straight_line)
{
	tschool s[] = {{"A", "primary", "public", 100, 0, 0, 0, 0, 0, 40}};
	tcomp c[] = {{"C", "urban", 10, 0, 0, 0, 0, -10}};
	char *dir = tmpdir();
	char *roads = roads_file(dir, "r.geojson", "0 0,4000 0;0 30,4000 30;4000 0,4000 30", NULL);
	char *merged = extra_with("roads", roads, "[roads]\ntolerance_m = 50\n"
	                                          "[policy]\nmax_distance_primary_m = 100000\n");
	char *apart = extra_with("roads", roads, "[roads]\ntolerance_m = 0.5\n"
	                                         "[policy]\nmax_distance_primary_m = 100000\n");
	tiny t;
	double d = 0, min;
	tiny_solve(&t, s, 1, c, 1, merged);
	cr_assert_str_eq(school_of(&t, "C", &d), "A");
	cr_assert_float_eq(d, 50, 1e-6, "%g m, the straight line is 50 m", d);
	min = cm__pair_minutes(t.ds->pairs, 0, 0);
	cr_assert_float_eq(min, 50 * 60.0 / 4500.0, 1e-9, "%g minutes", min);
	tiny_free(&t);
	tiny_solve(&t, s, 1, c, 1, apart);
	cr_assert_str_eq(school_of(&t, "C", &d), "A");
	cr_assert_float_eq(d, 10 + 4000 + 30 + 4000 + 10, 1e-6, "%g", d);
	tiny_free(&t);
	free(merged);
	free(apart);
	free(roads);
	free(dir);
}

/* Roads in metres in a GeoJSON without a crs member (read as WGS 84, RFC
 * 7946) were one "cannot be converted to the working CRS" per road,
 * naming no key (attack 2, road-crs).  One error for the layer now says
 * what the compounds layer says for the same mistake, naming
 * roads_source_crs, and how many roads it holds so. */
Test(roads, metres_in_a_geojson_without_crs_name_roads_source_crs)
{
	char *dir = tmpdir();
	char *roads = write_file(dir, "r.geojson",
	                         "{\"type\":\"FeatureCollection\",\"features\":["
	                         "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":"
	                         "\"LineString\",\"coordinates\":[[500000,2700000],[501000,2700000]]}},"
	                         "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":"
	                         "\"LineString\",\"coordinates\":[[501000,2700000],[501000,2701000]]}}"
	                         "]}");
	road_data r = road_data_load(dir, roads);
	const cm_diag *d;
	cr_assert(r.ds, "%s", r.msg);
	cr_assert_eq(count_diag(r.ds, "bad-geometry"), 1, "%d bad-geometry findings",
	             count_diag(r.ds, "bad-geometry"));
	d = find_diag(r.ds, "bad-geometry");
	cr_assert_eq(d->severity, CM_ERR);
	cr_assert(strstr(d->file, "r.geojson") && strstr(d->feature, "feature 0") &&
	          strstr(d->message, "GeoJSON is read as WGS 84 where it has no crs member") &&
	          strstr(d->message, "roads_source_crs") && strstr(d->message, "2 roads"),
	          "%s %s %s", d->file, d->feature, d->message);
	road_data_free(&r);
	free(roads);
	free(dir);
}

/* A compound and a school each 20 m from a driveway that touches nothing,
 * 60 m and 120 m from the main road: both were joined to their driveway,
 * and nobody reached the school, with no word for it (attack 2,
 * road-fragment).  They are joined to the main road now (60 + 2000 + 120
 * m), each with a road-fragment warning; a compound whose driveway is the
 * only road within snap_m stays on it, with a warning that it reaches no
 * school. */
Test(roads, a_point_by_a_loose_fragment_joins_the_network)
{
	tschool s[] = {{"A", "primary", "public", 100, 0, 0, 0, 0, 3000, 120}};
	tcomp c[] = {{"C", "urban", 10, 0, 0, 0, 1000, 60}, {"D", "urban", 10, 0, 0, 0, 2000, 400}};
	char *dir = tmpdir();
	char *roads = roads_file(dir, "r.geojson", "0 0,3000 0;950 80,1050 80;2950 140,3050 140;"
	                                           "1950 380,2050 380", NULL);
	char *extra = extra_with("roads", roads, "");
	tiny t;
	double d = 0;
	size_t i;
	int seen_a = 0, seen_c = 0, seen_d = 0;
	tiny_solve(&t, s, 1, c, 2, extra);
	cr_assert_str_eq(school_of(&t, "C", &d) ? school_of(&t, "C", &d) : "(none)", "A");
	cr_assert_float_eq(d, 60 + 2000 + 120, 1e-6, "%g", d);
	cr_assert_null(school_of(&t, "D", NULL));
	cr_assert_eq(count_diag(t.ds, "road-fragment"), 3, "%d road-fragment warnings",
	             count_diag(t.ds, "road-fragment"));
	for (i = 0; i < cm_dataset_diag_count(t.ds); i++) {
		const cm_diag *g = cm_dataset_diag(t.ds, i);
		if (strcmp(g->kind, "road-fragment"))
			continue;
		cr_assert_eq(g->severity, CM_WARNING);
		if (strstr(g->feature, "id A"))
			seen_a = !!strstr(g->message, "120 m away");
		else if (strstr(g->feature, "id C"))
			seen_c = !!strstr(g->message, "60 m away");
		else if (strstr(g->feature, "id D"))
			seen_d = !!strstr(g->message, "can reach no school");
	}
	cr_assert(seen_a && seen_c && seen_d, "A %d C %d D %d", seen_a, seen_c, seen_d);
	tiny_free(&t);
	free(extra);
	free(roads);
	free(dir);
}
