/* test_geodata.c: the committed example county is exactly what its
 * generator makes, and it has what the foundation issue asks of it. */
#define _GNU_SOURCE
#include "helpers.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const files[] = {"compounds.geojson", "schools.csv", "river.geojson",
                                    "ring_road.geojson", "boundary.geojson"};

Test(geodata, generator_reproduces_committed_files)
{
	const char *py = getenv("CM_PYTHON"), *geo = getenv("CM_GEODATA");
	char *dir = tmpdir(), *cmd;
	cr_assert(geo, "CM_GEODATA is not set");
	if (!py || !*py)
		cr_skip_test("no python3 to run the generator");
	cr_assert(asprintf(&cmd, "%s %s/make_tongxi.py %s >/dev/null", py, geo, dir) > 0);
	cr_assert_eq(system(cmd), 0, "the generator failed");
	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		char *a, *b, *x, *y;
		size_t la, lb;
		cr_assert(asprintf(&a, "%s/tongxi/%s", geo, files[i]) > 0);
		cr_assert(asprintf(&b, "%s/%s", dir, files[i]) > 0);
		x = slurp(a, &la);
		y = slurp(b, &lb);
		cr_assert(x && y, "missing %s", files[i]);
		cr_assert(la == lb && !memcmp(x, y, la), "%s differs from the generator's output",
		          files[i]);
		free(x), free(y), free(a), free(b);
	}
	free(cmd);
	free(dir);
}

Test(geodata, example_county_as_specified)
{
	const char *ex = getenv("CM_EXAMPLE");
	cm_config *cfg;
	cm_ctx *ctx;
	cm_check_report rep;
	char *text = slurp(ex, NULL), *dir = strdup(ex);
	cr_assert(text);
	*strrchr(dir, '/') = '\0';
	cm_dataset *ds = load_ok(text, dir, &cfg);
	cm_ctx_new(&ctx);
	cr_assert_eq(cm_check(ctx, cfg, ds, &rep), 0);
	cr_assert(rep.solvable);
	cr_assert_eq(rep.errors, 0);
	/* at least 300 compounds as polygons, of every area type */
	cr_assert_geq(rep.compound_polygons, 300);
	cr_assert_eq(rep.compound_points, 0);
	cr_assert_gt(rep.compounds_by_area[CM_URBAN], 0);
	cr_assert_gt(rep.compounds_by_area[CM_TOWN], 0);
	cr_assert_gt(rep.compounds_by_area[CM_RURAL], 0);
	/* at least 30 schools, with nine-year, boarding and private ones */
	size_t schools = 0;
	for (int k = 0; k < 3; k++)
		schools += rep.schools_by[k][CM_PUBLIC] + rep.schools_by[k][CM_PRIVATE];
	cr_assert_geq(schools, 30);
	cr_assert_gt(rep.schools_by[CM_KIND_NINE_YEAR][CM_PUBLIC], 0);
	cr_assert_gt(rep.boarding, 0);
	cr_assert_gt(rep.level[CM_PRIMARY].purchased + rep.level[CM_JUNIOR].purchased, 0);
	/* Chinese names; seats are classes x 45 / 50 */
	const cm_compound *c;
	cm_dataset_compounds(ds, &c);
	cr_assert(strlen(c[0].name) > 3 && (unsigned char)c[0].name[0] >= 0xE4, "%s", c[0].name);
	const cm_school *s;
	size_t n = cm_dataset_schools(ds, &s);
	for (size_t i = 0; i < n; i++) {
		cr_assert_eq(s[i].seats[CM_PRIMARY] % 45, 0, "%s", s[i].id);
		cr_assert_eq(s[i].seats[CM_JUNIOR] % 50, 0, "%s", s[i].id);
	}
	cm_dataset_free(ds);
	cm_config_free(cfg);
	cm_ctx_free(ctx);
	free(text);
	free(dir);
}

/* Issue 3's acceptance on the example: single mode within 0.5% of the LP
 * bound it reports, the same shortfall as the exact split LP, nobody over
 * seats, the quota met.  About a minute and a half. */
Test(geodata, example_single_mode_gap, .timeout = 900)
{
	const char *ex = getenv("CM_EXAMPLE");
	char *text = slurp(ex, NULL), *dir = strdup(ex), *split_text;
	cm_config *cfg, *scfg;
	cm_ctx *ctx;
	cm_plan *plan, *split;
	cr_assert(text);
	*strrchr(dir, '/') = '\0';
	cm_dataset *ds = load_ok(text, dir, &cfg);
	cm_ctx_new(&ctx);
	cr_assert_eq(cm_solve(ctx, cfg, ds, &plan), 0, "%s", cm_ctx_last_error(ctx));
	cr_assert(asprintf(&split_text, "%s", text) > 0);
	char *p = strstr(split_text, "assignment = single");
	cr_assert(p);
	memcpy(p, "assignment = split ", 19);
	cm_dataset *sds = load_ok(split_text, dir, &scfg);
	cr_assert_eq(cm_solve(ctx, scfg, sds, &split), 0, "%s", cm_ctx_last_error(ctx));
	for (int lv = 0; lv < CM_NLEVELS; lv++) {
		const cm_level_summary *s = cm_plan_summary(plan, (cm_level)lv);
		const cm_level_summary *t = cm_plan_summary(split, (cm_level)lv);
		cr_assert(s->solved && t->solved);
		cr_assert_leq(s->mip_gap, 0.005, "level %d: gap %.4f", lv, s->mip_gap);
		cr_assert_eq(s->unplaced, t->unplaced, "level %d", lv);
		cr_assert_gt(s->unplaced, 0, "the example shows a real shortfall");
		cr_assert_geq(s->pupil_metres, t->pupil_metres * (1 - 1e-9), "single beats split?");
		cr_assert_eq(s->overfull, 0);
		cr_assert_eq(t->overfull, 0);
		cr_assert(s->quota_met && t->quota_met);
	}
	cm_plan_free(plan);
	cm_plan_free(split);
	cm_dataset_free(ds);
	cm_dataset_free(sds);
	cm_config_free(cfg);
	cm_config_free(scfg);
	cm_ctx_free(ctx);
	free(split_text);
	free(text);
	free(dir);
}
