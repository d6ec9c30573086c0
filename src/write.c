/*
 * write.c: the plan as a GeoPackage: layers `assignment` (lines compound ->
 * school), `schools` (points, a row per school and level taught), `summary`
 * (a table, a row per level) and `catchments` (each public school's
 * compounds dissolved, when compounds are polygons), in the working CRS.
 *
 * Atomic: everything goes into a temporary file beside the target, renamed
 * over it only when complete, so a failed or killed run leaves no output
 * that looks complete, and an old plan stays whole until the new one is.
 * Deterministic: GeoPackage timestamps are pinned (OGR_CURRENT_DATE) so the
 * same input gives the same bytes.
 */
#include "internal.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct writer {
	cm_ctx *ctx;
	GDALDatasetH gds;
	OGRSpatialReferenceH srs;
	const char *path;         /* the final path, for messages */
} writer;

typedef struct field_def {
	const char *name;
	OGRFieldType type;
} field_def;

static OGRLayerH make_layer(writer *w, const char *name, OGRwkbGeometryType geom,
                            const field_def *fields, size_t n)
{
	OGRLayerH lyr = GDALDatasetCreateLayer(w->gds, name, geom == wkbNone ? NULL : w->srs, geom,
	                                       NULL);
	size_t i;
	if (!lyr)
		return NULL;
	for (i = 0; i < n; i++) {
		OGRFieldDefnH f = OGR_Fld_Create(fields[i].name, fields[i].type);
		OGRErr e = OGR_L_CreateField(lyr, f, TRUE);
		OGR_Fld_Destroy(f);
		if (e != OGRERR_NONE)
			return NULL;
	}
	return lyr;
}

static int write_assignments(writer *w, const cm_plan *plan, const cm_dataset *ds)
{
	static const field_def fields[] = {
		{"compound_id", OFTString}, {"compound_name", OFTString}, {"level", OFTString},
		{"school_id", OFTString},   {"school_name", OFTString},   {"seat_kind", OFTString},
		{"local", OFTInteger},      {"migrant", OFTInteger},      {"distance_m", OFTReal},
	};
	OGRLayerH lyr = make_layer(w, "assignment", wkbLineString, fields, 9);
	const cm_assignment *a;
	size_t n = cm_plan_assignments(plan, &a), i;
	if (!lyr)
		return -1;
	for (i = 0; i < n; i++) {
		const cm_compound *c = &ds->compounds[a[i].compound];
		const cm_school *s = a[i].school >= 0 ? &ds->schools[a[i].school] : NULL;
		OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
		OGRErr e;
		OGR_F_SetFieldString(f, 0, c->id);
		OGR_F_SetFieldString(f, 1, c->name);
		OGR_F_SetFieldString(f, 2, cm_level_name(a[i].level));
		if (s) {
			OGRGeometryH g = OGR_G_CreateGeometry(wkbLineString);
			OGR_F_SetFieldString(f, 3, s->id);
			OGR_F_SetFieldString(f, 4, s->name);
			OGR_G_AddPoint_2D(g, c->x, c->y);
			OGR_G_AddPoint_2D(g, s->x, s->y);
			OGR_F_SetGeometryDirectly(f, g);
		}
		OGR_F_SetFieldString(f, 5, cm_seat_kind_name(a[i].seat));
		OGR_F_SetFieldInteger(f, 6, a[i].local);
		OGR_F_SetFieldInteger(f, 7, a[i].migrant);
		OGR_F_SetFieldDouble(f, 8, a[i].distance_m);
		e = OGR_L_CreateFeature(lyr, f);
		OGR_F_Destroy(f);
		if (e != OGRERR_NONE)
			return -1;
	}
	return 0;
}

static int write_schools(writer *w, const cm_plan *plan, const cm_dataset *ds)
{
	static const field_def fields[] = {
		{"school_id", OFTString},  {"name", OFTString},          {"level", OFTString},
		{"sector", OFTString},     {"boarding", OFTInteger},     {"seats", OFTInteger},
		{"local", OFTInteger},     {"migrant", OFTInteger},      {"enrolled", OFTInteger},
		{"utilization", OFTReal},  {"classes", OFTInteger},      {"spare", OFTInteger},
		{"shadow_price", OFTReal}, {"shadow_pupils", OFTReal},
	};
	OGRLayerH lyr = make_layer(w, "schools", wkbPoint, fields, 14);
	size_t i;
	int lv;
	if (!lyr)
		return -1;
	for (i = 0; i < ds->n_schools; i++) {
		const cm_school *s = &ds->schools[i];
		for (lv = 0; lv < CM_NLEVELS; lv++) {
			const cm_school_result *r = cm_plan_school(plan, (cm_level)lv, i);
			OGRFeatureH f;
			OGRGeometryH g;
			OGRErr e;
			if (!r->teaches)
				continue;
			f = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
			g = OGR_G_CreateGeometry(wkbPoint);
			OGR_G_SetPoint_2D(g, 0, s->x, s->y);
			OGR_F_SetGeometryDirectly(f, g);
			OGR_F_SetFieldString(f, 0, s->id);
			OGR_F_SetFieldString(f, 1, s->name);
			OGR_F_SetFieldString(f, 2, cm_level_name((cm_level)lv));
			OGR_F_SetFieldString(f, 3, cm_sector_name(s->sector));
			OGR_F_SetFieldInteger(f, 4, s->boarding);
			OGR_F_SetFieldInteger(f, 5, r->seats);
			OGR_F_SetFieldInteger(f, 6, r->local);
			OGR_F_SetFieldInteger(f, 7, r->migrant);
			OGR_F_SetFieldInteger(f, 8, r->enrolled);
			OGR_F_SetFieldDouble(f, 9, r->utilization);
			OGR_F_SetFieldInteger(f, 10, r->classes);
			OGR_F_SetFieldInteger(f, 11, r->spare);
			OGR_F_SetFieldDouble(f, 12, r->shadow_price);
			OGR_F_SetFieldDouble(f, 13, r->shadow_pupils);
			e = OGR_L_CreateFeature(lyr, f);
			OGR_F_Destroy(f);
			if (e != OGRERR_NONE)
				return -1;
		}
	}
	return 0;
}

static int write_summary(writer *w, const cm_plan *plan)
{
	static const field_def fields[] = {
		{"level", OFTString},         {"pupils", OFTInteger},
		{"placed", OFTInteger},       {"unplaced", OFTInteger},
		{"pupil_metres", OFTReal},    {"mean_distance_m", OFTReal},
		{"max_distance_m", OFTReal},  {"near_share", OFTReal},
		{"migrant_public_share", OFTReal}, {"quota_met", OFTInteger},
		{"mip_gap", OFTReal},         {"solve_seconds", OFTReal},
		{"lp_bound", OFTReal},
	};
	OGRLayerH lyr = make_layer(w, "summary", wkbNone, fields, 13);
	int lv;
	if (!lyr)
		return -1;
	for (lv = 0; lv < CM_NLEVELS; lv++) {
		const cm_level_summary *s = cm_plan_summary(plan, (cm_level)lv);
		OGRFeatureH f;
		OGRErr e;
		if (!s->solved)
			continue;
		f = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
		OGR_F_SetFieldString(f, 0, cm_level_name((cm_level)lv));
		OGR_F_SetFieldInteger(f, 1, (int)s->pupils);
		OGR_F_SetFieldInteger(f, 2, (int)s->placed);
		OGR_F_SetFieldInteger(f, 3, (int)s->unplaced);
		OGR_F_SetFieldDouble(f, 4, s->pupil_metres);
		OGR_F_SetFieldDouble(f, 5, s->mean_distance_m);
		OGR_F_SetFieldDouble(f, 6, s->max_distance_m);
		if (s->near_share >= 0)
			OGR_F_SetFieldDouble(f, 7, s->near_share);
		if (s->migrant_public_share >= 0)
			OGR_F_SetFieldDouble(f, 8, s->migrant_public_share);
		OGR_F_SetFieldInteger(f, 9, s->quota_met);
		OGR_F_SetFieldDouble(f, 10, s->mip_gap);
		OGR_F_SetFieldDouble(f, 11, s->solve_seconds);
		OGR_F_SetFieldDouble(f, 12, s->lp_bound);
		e = OGR_L_CreateFeature(lyr, f);
		OGR_F_Destroy(f);
		if (e != OGRERR_NONE)
			return -1;
	}
	return 0;
}

/* Each compound's catchment school at a level: the public school that takes
 * most of its pupils (ties: the first school); -1 when none does. */
static void home_schools(const cm_plan *plan, const cm_dataset *ds, cm_level lv, long *home)
{
	const cm_assignment *a;
	size_t n = cm_plan_assignments(plan, &a), i;
	int *most = calloc(ds->n_compounds + 1, sizeof(int));
	for (i = 0; i < ds->n_compounds; i++)
		home[i] = -1;
	if (!most)
		return;
	for (i = 0; i < n; i++) {
		int pupils = a[i].local + a[i].migrant;
		if (a[i].level != lv || a[i].seat != CM_SEAT_PUBLIC || a[i].school < 0)
			continue;
		if (pupils > most[a[i].compound] ||
		    (pupils == most[a[i].compound] && a[i].school < home[a[i].compound])) {
			most[a[i].compound] = pupils;
			home[a[i].compound] = a[i].school;
		}
	}
	free(most);
}

/* Adds the polygons of `g` (a polygon, multipolygon or collection) to `multi`. */
static void add_polygons(OGRGeometryH multi, OGRGeometryH g)
{
	OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
	int i;
	if (t == wkbPolygon) {
		OGR_G_AddGeometry(multi, g);
	} else if (t == wkbMultiPolygon || t == wkbGeometryCollection) {
		for (i = 0; i < OGR_G_GetGeometryCount(g); i++)
			add_polygons(multi, OGR_G_GetGeometryRef(g, i));
	}
}

/* The `catchments` layer: per public school and level, the union of its
 * compounds (polygon compounds; point compounds have no area to dissolve
 * and are left to the tessellation of a later version). */
static int write_catchments(writer *w, const cm_plan *plan, const cm_dataset *ds)
{
	static const field_def fields[] = {
		{"school_id", OFTString}, {"name", OFTString},    {"level", OFTString},
		{"compounds", OFTInteger}, {"pupils", OFTInteger}, {"seats", OFTInteger},
		{"utilization", OFTReal},  {"parts", OFTInteger},
	};
	OGRLayerH lyr;
	long *home;
	size_t i, c;
	int lv, rc = 0;
	if (ds->compound_polygons == 0)
		return 0;
	lyr = make_layer(w, "catchments", wkbMultiPolygon, fields, 8);
	home = malloc((ds->n_compounds + 1) * sizeof(long));
	if (!lyr || !home) {
		free(home);
		return -1;
	}
	for (lv = 0; lv < CM_NLEVELS && !rc; lv++) {
		home_schools(plan, ds, (cm_level)lv, home);
		for (i = 0; i < ds->n_schools && !rc; i++) {
			const cm_school_result *r = cm_plan_school(plan, (cm_level)lv, i);
			OGRGeometryH parts = NULL, u, m;
			OGRFeatureH f;
			int count = 0, npart;
			if (!r->teaches || ds->schools[i].sector != CM_PUBLIC)
				continue;
			for (c = 0; c < ds->n_compounds; c++) {
				if (home[c] != (long)i || ds->compounds[c].area_m2 <= 0)
					continue;
				if (!parts)
					parts = OGR_G_CreateGeometry(wkbMultiPolygon);
				add_polygons(parts, (OGRGeometryH)ds->geoms[c]);
				count++;
			}
			if (!parts)
				continue;
			u = OGR_G_UnionCascaded(parts);
			OGR_G_DestroyGeometry(parts);
			if (!u)
				return -1;
			m = OGR_G_ForceToMultiPolygon(u);
			npart = OGR_G_GetGeometryCount(m);
			f = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
			OGR_F_SetGeometryDirectly(f, m);
			OGR_F_SetFieldString(f, 0, ds->schools[i].id);
			OGR_F_SetFieldString(f, 1, ds->schools[i].name);
			OGR_F_SetFieldString(f, 2, cm_level_name((cm_level)lv));
			OGR_F_SetFieldInteger(f, 3, count);
			OGR_F_SetFieldInteger(f, 4, r->enrolled);
			OGR_F_SetFieldInteger(f, 5, r->seats);
			OGR_F_SetFieldDouble(f, 6, r->utilization);
			OGR_F_SetFieldInteger(f, 7, npart);
			if (OGR_L_CreateFeature(lyr, f) != OGRERR_NONE)
				rc = -1;
			OGR_F_Destroy(f);
		}
	}
	free(home);
	return rc;
}

/* 1 when `a` and `b` name the same existing file. */
static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	if (!a || !b || stat(a, &sa) || stat(b, &sb))
		return 0;
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int cm_plan_write(cm_ctx *ctx, const cm_plan *plan, const cm_dataset *ds, const cm_config *cfg,
                  const char *path)
{
	writer w;
	GDALDriverH drv;
	char *tmp = NULL;
	int rc = 0, i;

	for (i = 0; i < CM_NLAYERS; i++)
		if (same_file(path, cfg->input[i].path))
			return cm__error(ctx, CM_EINPUT, "%s: refusing to write the plan over an input",
			                 path);
	{
		/* GeoPackage only, for now; the other formats come with issue 4. */
		const char *dot = strrchr(path, '.');
		if ((cfg->output.format && !cm__list_has("gpkg", cfg->output.format)) ||
		    (dot && !strchr(dot, '/') && !cm__streq_ci(dot, ".gpkg")))
			return cm__error(ctx, CM_EINPUT,
			                 "%s: only GeoPackage (.gpkg) plans can be written so far; "
			                 "shapefile, GeoJSON and CSV output are not implemented yet",
			                 path);
	}
	memset(&w, 0, sizeof w);
	w.ctx = ctx;
	w.path = path;
	GDALAllRegister();
	drv = GDALGetDriverByName("GPKG");
	if (!drv)
		return cm__error(ctx, CM_EIO, "GDAL has no GeoPackage driver");
	tmp = cm__sprintf("%s.tmp-%ld", path, (long)getpid());
	if (!tmp)
		return cm__error(ctx, CM_ENOMEM, "out of memory");
	unlink(tmp);
	CPLPushErrorHandler(CPLQuietErrorHandler);
	CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", "2000-01-01T00:00:00.000Z");
	w.srs = OSRNewSpatialReference(ds->crs_wkt);
	w.gds = GDALCreate(drv, tmp, 0, 0, 0, GDT_Unknown, NULL);
	if (!w.gds || !w.srs) {
		rc = cm__error(ctx, CM_EIO, "%s: cannot create the plan: %s", path,
		               CPLGetLastErrorMsg());
		goto done;
	}
	if (write_assignments(&w, plan, ds) || write_schools(&w, plan, ds) ||
	    write_summary(&w, plan) || write_catchments(&w, plan, ds)) {
		rc = cm__error(ctx, CM_EIO, "%s: writing the plan failed: %s", path,
		               CPLGetLastErrorMsg());
		goto done;
	}
	GDALClose(w.gds);
	w.gds = NULL;
	if (rename(tmp, path) != 0)
		rc = cm__error(ctx, CM_EIO, "%s: cannot move the finished plan into place", path);
done:
	if (w.gds)
		GDALClose(w.gds);
	if (w.srs)
		OSRDestroySpatialReference(w.srs);
	CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", NULL);
	CPLPopErrorHandler();
	if (rc)
		unlink(tmp);
	free(tmp);
	return rc;
}
