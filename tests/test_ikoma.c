/*
 * test_ikoma.c: the Ikoma closure case (tests/data/ikoma, real geometry) as
 * a regression test of the single-school search: the base plan and the plan
 * with 桜ヶ丘小学校 closed, held to the base with stability weights 0 and
 * 5000, each placing every pupil and proven optimal.  Through the CLI, as a
 * planner runs it; the figures are read back from the written plans.  The
 * maps' colours on real polygons: catchments whose areas meet never share
 * one, and every school left after the closure keeps its base colour.
 */
#define _GNU_SOURCE /* asprintf */
#include "helpers.h"

#include <criterion/criterion.h>
#include <gdal.h>
#include <ogr_api.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The primary row of a plan's summary layer: unplaced pupils and proven. */
static void summary_of(const char *path, long *unplaced, int *proven)
{
	GDALDatasetH ds;
	OGRLayerH lyr;
	OGRFeatureH f;
	GDALAllRegister();
	ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
	cr_assert(ds, "cannot open %s", path);
	lyr = GDALDatasetGetLayerByName(ds, "summary");
	cr_assert(lyr, "%s has no summary layer", path);
	*unplaced = -1;
	*proven = -1;
	OGR_L_ResetReading(lyr);
	while ((f = OGR_L_GetNextFeature(lyr))) {
		if (!strcmp(OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "level")), "primary")) {
			*unplaced = OGR_F_GetFieldAsInteger64(f, OGR_F_GetFieldIndex(f, "unplaced"));
			*proven = OGR_F_GetFieldAsInteger(f, OGR_F_GetFieldIndex(f, "proven"));
		}
		OGR_F_Destroy(f);
	}
	GDALClose(ds);
}

/* The primary catchments of a plan: school ids, colours, areas. */
typedef struct areas {
	int n;
	char id[64][32], colour[64][8];
	OGRGeometryH g[64];
} areas;

static void areas_of(const char *path, areas *a)
{
	GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
	OGRLayerH lyr;
	OGRFeatureH f;
	cr_assert(ds, "cannot open %s", path);
	lyr = GDALDatasetGetLayerByName(ds, "catchments");
	cr_assert(lyr, "%s has no catchments layer", path);
	a->n = 0;
	OGR_L_ResetReading(lyr);
	while ((f = OGR_L_GetNextFeature(lyr))) {
		if (!strcmp(OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "level")), "primary")) {
			cr_assert_lt(a->n, 64);
			snprintf(a->id[a->n], 32, "%s", OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "school_id")));
			snprintf(a->colour[a->n], 8, "%s", OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "color")));
			a->g[a->n] = OGR_G_Clone(OGR_F_GetGeometryRef(f));
			a->n++;
		}
		OGR_F_Destroy(f);
	}
	GDALClose(ds);
}

/* Areas that meet have different colours; returns how many pairs meet. */
static int meeting_differ(const areas *a, const char *which)
{
	int meet = 0;
	for (int i = 0; i < a->n; i++)
		for (int j = i + 1; j < a->n; j++)
			if (a->g[i] && a->g[j] && OGR_G_Intersects(a->g[i], a->g[j])) {
				meet++;
				cr_assert_str_neq(a->colour[i], a->colour[j], "%s: %s and %s meet and share %s",
				                  which, a->id[i], a->id[j], a->colour[i]);
			}
	return meet;
}

static void areas_free(areas *a)
{
	for (int i = 0; i < a->n; i++)
		OGR_G_DestroyGeometry(a->g[i]);
}

static void check_colours(const char *base_path, const char *closure_path)
{
	areas a, b;
	int same = 0;
	areas_of(base_path, &a);
	areas_of(closure_path, &b);
	cr_assert_geq(meeting_differ(&a, "base"), 10, "too few meeting catchments to check");
	meeting_differ(&b, "closure");
	for (int i = 0; i < b.n; i++)
		for (int j = 0; j < a.n; j++)
			if (!strcmp(b.id[i], a.id[j])) {
				cr_assert_str_eq(b.colour[i], a.colour[j], "%s: %s in the base plan, %s after "
				                 "the closure", b.id[i], a.colour[j], b.colour[i]);
				same++;
			}
	cr_assert_eq(same, b.n, "every school left keeps its colour");
	areas_free(&a);
	areas_free(&b);
}

static void run_case(int weight)
{
	char *dir = tmpdir(), *ini, *args, *plan;
	const char *out;
	long u;
	int proven, rc;
	cr_assert(asprintf(&ini,
	                   "[input]\nschools = %s/ikoma/schools-gbk.csv\nschools_source_crs = EPSG:6668\n"
	                   "schools_encoding = GBK\ncompounds = %s/ikoma/compounds.geojson\n"
	                   "[fields]\nschools.x = 经度\nschools.y = 纬度\n"
	                   "[policy]\nmax_distance_primary_m = 4000\nclass_size_primary = 35\n"
	                   "[solve]\nassignment = single\nstability_weight = %d\n"
	                   "[output]\npath = %s/ikoma.gpkg\n"
	                   "[scenario close-sakuragaoka]\nclose = B129210001211\n",
	                   getenv("CM_TEST_DATA"), getenv("CM_TEST_DATA"), weight, dir) > 0);
	free(write_file(dir, "ikoma.ini", ini));
	cr_assert(asprintf(&args, "-q solve %s/ikoma.ini", dir) > 0);
	rc = run_cli(args, &out);
	cr_assert_eq(rc, 0, "weight %d: exit %d: %s", weight, rc, out);
	cr_assert(asprintf(&plan, "%s/ikoma.gpkg", dir) > 0);
	summary_of(plan, &u, &proven);
	cr_assert_eq(u, 0, "weight %d, base: %ld pupils without a place", weight, u);
	cr_assert_eq(proven, 1, "weight %d, base: not proven optimal", weight);
	free(plan);
	cr_assert(asprintf(&plan, "%s/ikoma-close-sakuragaoka.gpkg", dir) > 0);
	summary_of(plan, &u, &proven);
	cr_assert_eq(u, 0, "weight %d, closure: %ld pupils without a place (a plan placing all "
	          "exists)", weight, u);
	cr_assert_eq(proven, 1, "weight %d, closure: not proven optimal", weight);
	{
		char *base;
		cr_assert(asprintf(&base, "%s/ikoma.gpkg", dir) > 0);
		check_colours(base, plan);
		if (weight) {
			/* next year's plan, drawn from this one: the same colours */
			char *next_ini, *next;
			cr_assert(asprintf(&next_ini,
			                   "[input]\nschools = %s/ikoma/schools-gbk.csv\n"
			                   "schools_source_crs = EPSG:6668\nschools_encoding = GBK\n"
			                   "compounds = %s/ikoma/compounds.geojson\nprevious_plan = %s\n"
			                   "[fields]\nschools.x = 经度\nschools.y = 纬度\n"
			                   "[policy]\nmax_distance_primary_m = 4000\nclass_size_primary = 35\n"
			                   "[solve]\nassignment = single\nstability_weight = %d\n"
			                   "[output]\npath = %s/next.gpkg\n",
			                   getenv("CM_TEST_DATA"), getenv("CM_TEST_DATA"), base, weight, dir) > 0);
			free(write_file(dir, "next.ini", next_ini));
			free(args);
			cr_assert(asprintf(&args, "-q solve %s/next.ini", dir) > 0);
			rc = run_cli(args, &out);
			cr_assert_eq(rc, 0, "next year: exit %d: %s", rc, out);
			cr_assert(asprintf(&next, "%s/next.gpkg", dir) > 0);
			check_colours(base, next);
			free(next);
			free(next_ini);
		}
		free(base);
	}
	free(plan);
	free(args);
	free(ini);
	free(dir);
}

Test(ikoma, closure_without_stability_proven) { run_case(0); }
Test(ikoma, closure_held_to_the_base_proven) { run_case(5000); }
