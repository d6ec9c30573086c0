/* test_geometry.c: catchments as areas (geometry.c): the tessellation of
 * point compounds tiles the boundary without overlaps, split catchments are
 * counted, catchments that meet never share a colour; the solve builds no
 * areas, the first output that needs them does. */
#define _GNU_SOURCE
#include "helpers.h"
#include "../src/internal.h"

#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const cm_catchment *catchment_of(const tiny *t, cm_level lv, const char *school_id)
{
	const cm_catchment *c;
	const cm_school *s;
	size_t n, k;
	cm_ctx *ctx;
	cr_assert_eq(cm_ctx_new(&ctx), 0);
	cr_assert_eq(cm_plan_catchments(ctx, t->plan, &c, &n), 0, "%s", cm_ctx_last_error(ctx));
	cm_ctx_free(ctx);
	cm_dataset_schools(t->ds, &s);
	for (k = 0; k < n; k++)
		if (c[k].level == lv && !strcmp(s[c[k].school].id, school_id))
			return &c[k];
	return NULL;
}

/* A, B, C on a line; S2 sits on B with room for B only, S1 far north takes
 * A and C: its catchment is in two parts, because B lies between them.
 * With D off the line (its pupils at S3, on it) the points triangulate, and
 * D, another school's, does not join A and C either; without it they are
 * collinear and the fallback neighbour rule applies. */
static const tschool split_s[] = {
	{"S1", "primary", "public", 20, 0, 0, 0, 0, 1000, 2000},
	{"S2", "primary", "public", 10, 0, 0, 0, 0, 1000, 0},
	{"S3", "primary", "public", 10, 0, 0, 0, 0, 1000, -1000},
};
static const tcomp split_c[] = {
	{"A", "urban", 10, 0, 0, 0, 0, 0},
	{"B", "urban", 10, 0, 0, 0, 1000, 0},
	{"C", "urban", 10, 0, 0, 0, 2000, 0},
	{"D", "urban", 10, 0, 0, 0, 1000, -1000},
};

static void check_split(int with_d)
{
	tiny t;
	const cm_catchment *k1, *k2;
	tiny_solve(&t, split_s, with_d ? 3 : 2, split_c, with_d ? 4 : 3,
	           "[solve]\nassignment = single\n");
	k1 = catchment_of(&t, CM_PRIMARY, "S1");
	k2 = catchment_of(&t, CM_PRIMARY, "S2");
	cr_assert(k1 && k2, "both schools have catchments");
	cr_assert_eq(k1->compounds, 2);
	cr_assert_eq(k1->parts, 2, "S1's compounds A and C are apart: %d parts", k1->parts);
	cr_assert_eq(k2->compounds, 1);
	cr_assert_eq(k2->parts, 1);
	cr_assert_neq(k1->colour, k2->colour, "neighbours share colour %d", k1->colour);
	tiny_free(&t);
}

Test(geometry, split_catchment_counted) { check_split(1); }
Test(geometry, split_catchment_counted_collinear) { check_split(0); }

/* Compounds without pupils of a level have a catchment school (the
 * nearest: docs/output.md) but split none: A and C, S1's, with E between
 * them (no primary pupils: one school had "121 parts" on real data with
 * thousands of such postcodes), are one part; so are they when the empty D
 * beside B joins them around B, S2's (D itself nearest S2).  At junior
 * level E has pupils and is S4's, the only junior school, with the three
 * empty compounds: one part. */
static void check_empty_between(int around)
{
	tschool s[] = {
		{"S1", "primary", "public", 20, 0, 0, 0, 0, 1000, 2000},
		{"S4", "junior", "public", 0, 5, 0, 0, 0, 1000, 0},
		{"S2", "primary", "public", 10, 0, 0, 0, 0, 1000, 0},
	};
	tcomp line[] = {
		{"A", "urban", 10, 0, 0, 0, 0, 0},
		{"E", "urban", 0, 0, 5, 0, 1000, 0},
		{"C", "urban", 10, 0, 0, 0, 2000, 0},
		{"F", "urban", 0, 0, 0, 0, 1000, -1000},
	};
	tcomp ring[] = {
		{"A", "urban", 10, 0, 0, 0, 0, 0},
		{"B", "urban", 10, 0, 0, 0, 1000, 0},
		{"C", "urban", 10, 0, 0, 0, 2000, 0},
		{"D", "urban", 0, 0, 0, 0, 1000, -1000},
	};
	tiny t;
	const cm_catchment *k;
	if (around)
		tiny_solve(&t, s, 3, ring, 4, NULL);
	else
		tiny_solve(&t, s, 2, line, 4, NULL);
	k = catchment_of(&t, CM_PRIMARY, "S1");
	cr_assert_not_null(k);
	/* line: A, C and the empty E and F; ring: A and C (D is S2's) */
	cr_assert_eq(k->compounds, around ? 2 : 4);
	cr_assert_eq(k->parts, 1, "empty compounds split S1's catchment: %d parts", k->parts);
	if (!around) {
		k = catchment_of(&t, CM_JUNIOR, "S4");
		cr_assert(k && k->compounds == 4 && k->parts == 1);
	} else {
		k = catchment_of(&t, CM_PRIMARY, "S2");
		cr_assert(k && k->compounds == 2 && k->parts == 1);
	}
	tiny_free(&t);
}

Test(geometry, empty_compounds_do_not_split) { check_empty_between(0); }
Test(geometry, empty_compounds_join_around_another_school) { check_empty_between(1); }

/* A 6 x 6 grid of point compounds over a 3 km square boundary and four
 * schools with seats for all: the catchments (Voronoi cells dissolved by
 * school) tile the boundary exactly, do not overlap, hold their own
 * compounds, and catchments that meet have different colours. */
Test(geometry, tessellation_tiles_the_boundary)
{
	tschool s[] = {
		{"NW", "primary", "public", 400, 0, 0, 0, 0, 700, 2300},
		{"NE", "primary", "public", 400, 0, 0, 0, 0, 2300, 2300},
		{"SW", "primary", "public", 400, 0, 0, 0, 0, 700, 700},
		{"SE", "primary", "public", 400, 0, 0, 0, 0, 2300, 700},
		{"C", "primary", "public", 400, 0, 0, 0, 0, 1500, 1500},
	};
	tcomp c[36];
	char ids[36][8], *bpath, *extra, *plan_path;
	tiny t;
	int i;
	for (i = 0; i < 36; i++) {
		snprintf(ids[i], sizeof ids[i], "P%02d", i);
		c[i] = (tcomp){ids[i], "urban", 10 + i % 7, 0, 0, 0, 250 + 500 * (i % 6) + 37 * (i / 6 % 2),
		               250 + 500 * (i / 6)};
	}
	{
		char *dir = tmpdir(), *text;
		cr_assert(asprintf(&text,
		                   "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\","
		                   "\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::32649\"}},"
		                   "\"features\":[{\"type\":\"Feature\",\"properties\":{},\"geometry\":"
		                   "{\"type\":\"Polygon\",\"coordinates\":[[[%f,%f],[%f,%f],[%f,%f],"
		                   "[%f,%f],[%f,%f]]]}}]}",
		                   X0, Y0, X0 + 3000, Y0, X0 + 3000, Y0 + 3000, X0, Y0 + 3000, X0,
		                   Y0) > 0);
		bpath = write_file(dir, "boundary.geojson", text);
		free(text);
		free(dir);
	}
	cr_assert(asprintf(&extra, "boundary = %s\n[solve]\nassignment = split\n", bpath) > 0);
	tiny_solve(&t, s, 5, c, 36, extra);
	cr_assert_eq(cm_plan_summary(t.plan, CM_PRIMARY)->unplaced, 0);

	/* through the written plan, as a GIS sees it */
	cm_ctx *ctx;
	cm_ctx_new(&ctx);
	cr_assert(asprintf(&plan_path, "%s/plan.gpkg", t.dir) > 0);
	cr_assert_eq(cm_plan_write(ctx, t.plan, plan_path), 0, "%s",
	             cm_ctx_last_error(ctx));
	GDALDatasetH g = GDALOpenEx(plan_path, GDAL_OF_VECTOR, NULL, NULL, NULL);
	cr_assert(g);
	OGRLayerH lyr = GDALDatasetGetLayerByName(g, "catchments");
	OGRGeometryH geom[8];
	char colour[8][8], sid[8][8];
	double total = 0;
	int n = 0;
	OGRFeatureH f;
	while ((f = OGR_L_GetNextFeature(lyr))) {
		cr_assert_lt(n, 8);
		geom[n] = OGR_G_Clone(OGR_F_GetGeometryRef(f));
		snprintf(colour[n], 8, "%s", OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "color")));
		snprintf(sid[n], 8, "%s", OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "school_id")));
		cr_assert_eq(OGR_F_GetFieldAsInteger(f, OGR_F_GetFieldIndex(f, "parts")), 1,
		             "%s is split", sid[n]);
		total += OGR_G_Area(geom[n]);
		n++;
		OGR_F_Destroy(f);
	}
	cr_assert_eq(n, 5);
	cr_assert_float_eq(total, 9e6, 9e6 * 1e-3, "catchments cover %.0f m2 of 9e6", total);
	int meeting = 0;
	CPLPushErrorHandler(CPLQuietErrorHandler); /* areas of lines where catchments touch */
	for (int a = 0; a < n; a++)
		for (int b = a + 1; b < n; b++) {
			OGRGeometryH x = OGR_G_Intersection(geom[a], geom[b]);
			cr_assert_lt(x ? OGR_G_Area(x) : 0, 1.0, "%s and %s overlap", sid[a], sid[b]);
			if (x)
				OGR_G_DestroyGeometry(x);
			if (OGR_G_Intersects(geom[a], geom[b])) {
				meeting++;
				cr_assert_str_neq(colour[a], colour[b], "%s and %s meet and share %s", sid[a],
				                  sid[b], colour[a]);
			}
		}
	CPLPopErrorHandler();
	cr_assert_geq(meeting, 4, "the colour check saw %d meeting pairs", meeting);
	/* each compound lies in its own school's catchment */
	const cm_compound *cp;
	const cm_school *sc;
	size_t nc = cm_dataset_compounds(t.ds, &cp);
	cm_dataset_schools(t.ds, &sc);
	for (size_t i2 = 0; i2 < nc; i2++) {
		long home = cm_plan_home(t.plan, CM_PRIMARY, i2);
		OGRGeometryH pt = OGR_G_CreateGeometry(wkbPoint);
		int found = 0;
		cr_assert_geq(home, 0);
		OGR_G_SetPoint_2D(pt, 0, cp[i2].x, cp[i2].y);
		for (int a = 0; a < n; a++)
			if (!strcmp(sid[a], sc[home].id))
				found = OGR_G_Contains(geom[a], pt);
		cr_assert(found, "%s is outside %s's catchment", cp[i2].id, sc[home].id);
		OGR_G_DestroyGeometry(pt);
	}
	for (int a = 0; a < n; a++)
		OGR_G_DestroyGeometry(geom[a]);
	/* QGIS's default style for the catchments: the fill from `color` */
	OGRLayerH st = GDALDatasetGetLayerByName(g, "layer_styles");
	int styled = 0;
	cr_assert(st, "no layer_styles table");
	while ((f = OGR_L_GetNextFeature(st))) {
		const char *qml = OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "styleQML"));
		styled += !strcmp(OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "f_table_name")),
		                  "catchments") &&
		          OGR_F_GetFieldAsInteger(f, OGR_F_GetFieldIndex(f, "useAsDefault")) == 1 &&
		          strstr(qml, "\"fillColor\"") && strstr(qml, "value=\"color\"");
		OGR_F_Destroy(f);
	}
	cr_assert_eq(styled, 1, "catchments have no default QGIS style");
	GDALClose(g);
	cm_ctx_free(ctx);
	free(plan_path);
	free(extra);
	free(bpath);
	tiny_free(&t);
}

/* Two compounds at one point with different schools: one cell, given to
 * the school of the larger; no overlap, both compounds counted.  The empty
 * E and W, as far from either school, go to the first listed, S1. */
Test(geometry, coincident_compounds_share_one_cell)
{
	tschool s[] = {
		{"S1", "primary", "public", 30, 0, 0, 0, 0, 0, 300},
		{"S2", "primary", "public", 10, 0, 0, 0, 0, 0, -300},
	};
	tcomp c[] = {
		{"BIG", "urban", 30, 0, 0, 0, 0, 0},
		{"SMALL", "urban", 10, 0, 0, 0, 0, 0},
		{"E", "urban", 0, 0, 0, 0, 800, 0},
		{"W", "urban", 0, 0, 0, 0, -800, 0},
	};
	tiny t;
	tiny_solve(&t, s, 2, c, 4, "[solve]\nassignment = single\n");
	const cm_catchment *k1 = catchment_of(&t, CM_PRIMARY, "S1");
	const cm_catchment *k2 = catchment_of(&t, CM_PRIMARY, "S2");
	cr_assert(k1 && k2);
	cr_assert_eq(k1->compounds, 3);
	cr_assert_eq(k2->compounds, 1);
	cr_assert_neq(k1->colour, k2->colour);
	tiny_free(&t);
}

/* The solve builds no areas (no GEOS work for a plan read in memory);
 * cm_plan_build_areas builds them once, on the dataset the plan keeps; the
 * catchments' accessor, the writer and cm_previous_from_plan build them on
 * first use, and they are the same whoever builds them. */
Test(geometry, areas_built_on_first_use)
{
	const tschool *s = split_s;
	const tcomp *c = split_c;
	const char *single = "[solve]\nassignment = single\n";
	tiny t, u, v, w;
	const cm_catchment *ct, *cu, *cv, *cw, *again;
	size_t nt, nu, nv, nw, n, k;
	char *path;
	cm_ctx *ctx;
	cm_previous *prev = NULL;
	cr_assert_eq(cm_ctx_new(&ctx), 0);
	tiny_solve(&t, s, 3, c, 4, single);
	tiny_solve(&u, s, 3, c, 4, single);
	tiny_solve(&v, s, 3, c, 4, single);
	tiny_solve(&w, s, 3, c, 4, single);
	cr_assert_eq(cm_plan_dataset(t.plan), t.ds, "the plan keeps its dataset");
	cr_assert_eq(cm_plan_config(t.plan), t.cfg, "the plan keeps its configuration");
	cr_assert(!cm__plan_areas_built(t.plan), "the solve built catchments");

	cr_assert_eq(cm_plan_build_areas(ctx, t.plan), 0, "%s", cm_ctx_last_error(ctx));
	cr_assert(cm__plan_areas_built(t.plan));
	cr_assert_eq(cm_plan_catchments(ctx, t.plan, &ct, &nt), 0);
	cr_assert_eq(nt, 3);
	cr_assert_eq(cm_plan_build_areas(ctx, t.plan), 0);
	cr_assert_eq(cm_plan_catchments(ctx, t.plan, &again, &n), 0);
	cr_assert_eq(n, nt);
	cr_assert_eq(again, ct, "built twice");

	cr_assert(asprintf(&path, "%s/plan.gpkg", u.dir) > 0);
	cr_assert_eq(cm_plan_write(ctx, u.plan, path), 0, "%s", cm_ctx_last_error(ctx));
	free(path);
	cr_assert(cm__plan_areas_built(u.plan), "the writer built none");
	cr_assert_eq(cm_plan_catchments(ctx, u.plan, &cu, &nu), 0);
	cr_assert_eq(cm_previous_from_plan(ctx, v.plan, v.ds, &prev), 0, "%s",
	             cm_ctx_last_error(ctx));
	cm_previous_free(prev);
	cr_assert(cm__plan_areas_built(v.plan), "cm_previous_from_plan built none");
	cr_assert_eq(cm_plan_catchments(ctx, v.plan, &cv, &nv), 0);
	cr_assert(!cm__plan_areas_built(w.plan));
	cr_assert_eq(cm_plan_catchments(ctx, w.plan, &cw, &nw), 0, "%s", cm_ctx_last_error(ctx));
	cr_assert_eq(nu, nt, "the writer built %zu catchments", nu);
	cr_assert_eq(nv, nt, "cm_previous_from_plan built %zu catchments", nv);
	cr_assert_eq(nw, nt, "cm_plan_catchments built %zu catchments", nw);
	for (k = 0; k < nt; k++) {
		cr_assert_eq(cu[k].school, ct[k].school);
		cr_assert_eq(cu[k].parts, ct[k].parts);
		cr_assert_eq(cu[k].colour, ct[k].colour);
		cr_assert_eq(cv[k].school, ct[k].school);
		cr_assert_eq(cv[k].colour, ct[k].colour);
		cr_assert_eq(cw[k].school, ct[k].school);
		cr_assert_eq(cw[k].colour, ct[k].colour);
	}
	tiny_free(&t);
	tiny_free(&u);
	tiny_free(&v);
	tiny_free(&w);
	cm_ctx_free(ctx);
}
