/*
 * write.c: the plan as a GeoPackage (or a folder of shapefiles, GeoJSON or
 * CSV files): layers `assignment` (lines compound -> school), `schools`
 * (points, a row per school and level taught), `summary` (a table, a row per
 * level), `catchments` (each public school's area, geometry.c) and
 * `compounds` (with their catchment school), in the working CRS.
 *
 * Atomic: everything goes into a temporary file beside the target, renamed
 * over it only when complete, so a failed or killed run leaves no output
 * that looks complete, and an old plan stays whole until the new one is.
 * Deterministic: GeoPackage timestamps are pinned (OGR_CURRENT_DATE) so the
 * same input gives the same bytes.
 */
#include "planfile.h" /* export: a written plan read back */
#include "planschema.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

/* A plan's formats are cm_format_of's (CM_OUTPUT_PLAN), and PostGIS. */
typedef enum {
	FMT_GPKG = CM_FORMAT_GPKG, FMT_SHP = CM_FORMAT_SHP, FMT_GEOJSON = CM_FORMAT_GEOJSON,
	FMT_CSV = CM_FORMAT_CSV, FMT_PG = CM_FORMAT_PDF + 1
} out_format;

typedef struct writer {
	cm_ctx *ctx;
	out_format format;
	GDALDatasetH gds;         /* GeoPackage, shapefile folder or CSV folder */
	GDALDatasetH parts[16];   /* GeoJSON: a file per layer */
	int nparts;
	const char *dir;          /* GeoJSON: the (temporary) folder */
	OGRSpatialReferenceH srs;
	const char *path;         /* the final path, for messages */
	const char *tmp;          /* the temporary file or folder written (reason) */
	const char *schema;       /* PostGIS: the schema the layers are made in */
	struct {
		OGRLayerH lyr;
		const char *name;
		long n;           /* features written */
	} made[16];               /* the layers made (verify) */
	int nmade;
	int xlsx;                 /* export: the CSV writer's tables go into a spreadsheet */
	long cut;                 /* shapefile, XLSX: text values longer than a cell holds */
	char cut_where[256];      /* the first of them: layer, feature, field */
} writer;

#define SHP_TEXT_MAX 254    /* bytes a .dbf text field holds; GDAL cuts the rest */
#define XLSX_TEXT_MAX 32767 /* characters (UTF-16 units) an Excel cell holds */

/* The fields readers key on (planschema.c's engine names): map, compare,
 * previous_plan, report and publish find compounds and schools by them, so
 * a value cut short names another feature, or none.  These are never cut:
 * a plan that would cut one is not written (ids_fit, export_ids_fit). */
static const char *const id_fields[] = {"compound_id", "school_id", "previous_school",
                                        "school_primary", "school_junior"};

static int is_id_field(const char *engine_name)
{
	size_t k;
	for (k = 0; k < sizeof id_fields / sizeof *id_fields; k++)
		if (!strcmp(engine_name, id_fields[k]))
			return 1;
	return 0;
}

/* The length of text `s` in the unit of its format's limit (a
 * shapefile's bytes, a spreadsheet's UTF-16 characters) when it is past
 * that limit; 0 when it fits.  `xlsx`: the spreadsheet's. */
static long past_limit(int xlsx, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	long n = 0;
	if (!xlsx) {
		n = (long)strlen(s);
		return n > SHP_TEXT_MAX ? n : 0;
	}
	for (; *p; p++)
		if ((*p & 0xC0) != 0x80) /* a character's first byte; past U+FFFF, two units */
			n += *p >= 0xF0 ? 2 : 1;
	return n > XLSX_TEXT_MAX ? n : 0;
}

/* Why GDAL could not make or write a file (`tmp`, the temporary file or
 * folder; NULL in a database): a full disk or the file size limit first
 * (GDAL and SQLite said "no such table: gpkg_geometry_columns", ".shp file
 * is unreadable, or corrupt", or 2,000 bytes of SQL cut short before the
 * cause: cm__out_full); else its error, else the system's (a name longer
 * than the file system allows, or a full disk under the CSV writer, left
 * GDAL silent), else its warning; never nothing.  A warning comes last:
 * one about a value cut short says nothing of a failed write.  The caller
 * clears both (CPLErrorReset, errno = 0) before the work. */
static const char *reason(const char *tmp)
{
	const char *msg = CPLGetLastErrorMsg(), *full = tmp ? cm__out_full(tmp) : NULL;
	if (full)
		return full;
	if (*msg && CPLGetLastErrorType() >= CE_Failure)
		return msg;
	if (errno)
		return strerror(errno);
	return *msg ? msg : _("the file system gave no reason");
}

/* The refusal of an id longer than the format holds (past_limit: `len`),
 * met in `layer`'s `field` (as the file names it): CM_EINPUT, naming the
 * id by its start. */
static int id_too_long(cm_ctx *ctx, const char *target, int xlsx, const char *layer,
                       const char *field, const char *id, long len)
{
	char shown[64];
	size_t n = 0;
	/* its first 40 bytes or so, cut between characters */
	while (id[n] && n < 40)
		n++;
	while (n > 0 && ((unsigned char)id[n] & 0xC0) == 0x80)
		n--;
	snprintf(shown, sizeof shown, "%.*s...", (int)n, id);
	if (xlsx)
		return cm__error(ctx, CM_EINPUT, _("%s: the id '%s' (layer %s, field %s) is %ld "
		                 "characters, more than an Excel cell holds (%d): cut short, it would "
		                 "name another compound or school, or none; nothing was written: "
		                 "export the plan as a GeoPackage (.gpkg) or CSV, which keep ids whole"),
		                 target, shown, layer, field, len, XLSX_TEXT_MAX);
	return cm__error(ctx, CM_EINPUT, _("%s: the id '%s' (layer %s, field %s) is %ld bytes, "
	                 "longer than a shapefile holds (%d): cut short, it would name another "
	                 "compound or school, or none; nothing was written: write the plan as a "
	                 "GeoPackage (.gpkg), which keeps ids whole"),
	                 target, shown, layer, field, len, SHP_TEXT_MAX);
}

/* A shapefile plan's ids, before anything is written: every compound's
 * (layer compounds, and assignment and changes), every school's that
 * teaches a level (schools, and the fields naming a catchment school), and
 * last year's schools the changes name.  0, or id_too_long's refusal. */
static int ids_fit(cm_ctx *ctx, const cm_plan *plan, const cm_dataset *ds, const char *target)
{
	const cm_change *ch;
	size_t n = cm_plan_changes(plan, &ch), i;
	long len;
	int lv;
	for (i = 0; i < ds->n_compounds; i++)
		if ((len = past_limit(0, ds->compounds[i].id)))
			return id_too_long(ctx, target, 0, "compounds", cm__plan_shp_name("compound_id"),
			                   ds->compounds[i].id, len);
	for (i = 0; i < ds->n_schools; i++)
		for (lv = 0; lv < CM_NLEVELS; lv++)
			if (cm_plan_school(plan, (cm_level)lv, i)->teaches &&
			    (len = past_limit(0, ds->schools[i].id)))
				return id_too_long(ctx, target, 0, "schools",
				                   cm__plan_shp_name("school_id"), ds->schools[i].id, len);
	for (i = 0; i < n; i++)
		if (ch[i].from && (len = past_limit(0, ch[i].from)))
			return id_too_long(ctx, target, 0, "changes",
			                   cm__plan_shp_name("previous_school"), ch[i].from, len);
	return 0;
}

/* OGR_L_CreateFeature, counted for verify; f is destroyed.  0, or -1 when
 * the driver refused it.  A field left unset is written as null: GDAL's
 * GeoJSON writer leaves an unset field out, and a field unset in every
 * feature (no junior school anywhere, no migrants) would then be missing
 * from the layer read back. */
static int put(writer *w, OGRLayerH lyr, OGRFeatureH f)
{
	OGRErr e;
	int i, n = OGR_F_GetFieldCount(f);
	for (i = 0; i < n; i++) {
		if (!OGR_F_IsFieldSet(f, i))
			OGR_F_SetFieldNull(f, i);
		else if ((w->format == FMT_SHP || w->xlsx) &&
		         OGR_Fld_GetType(OGR_F_GetFieldDefnRef(f, i)) == OFTString &&
		         past_limit(w->xlsx, OGR_F_GetFieldAsString(f, i)) && w->cut++ == 0)
			snprintf(w->cut_where, sizeof w->cut_where, _("layer %s, feature %ld, field %s"),
			         OGR_L_GetName(lyr), (long)OGR_L_GetFeatureCount(lyr, FALSE),
			         OGR_Fld_GetNameRef(OGR_F_GetFieldDefnRef(f, i)));
	}
	e = OGR_L_CreateFeature(lyr, f);
	for (i = 0; i < w->nmade && e == OGRERR_NONE; i++)
		if (w->made[i].lyr == lyr) {
			w->made[i].n++;
			break;
		}
	OGR_F_Destroy(f);
	return e == OGRERR_NONE ? 0 : -1;
}

/* A field's name in w's format: a shapefile's is its short name
 * (planschema.c), at most 10 characters; NULL when it has none. */
static const char *field_name_for(const writer *w, const char *name)
{
	return w->format == FMT_SHP ? cm__plan_shp_name(name) : name;
}

static OGRFieldType ogr_type(cm__ftype t)
{
	switch (t) {
	case CM__FT_INT: return OFTInteger;
	case CM__FT_INT64: return OFTInteger64;
	case CM__FT_REAL: return OFTReal;
	case CM__FT_DATETIME: return OFTDateTime;
	case CM__FT_TEXT: break;
	}
	return OFTString;
}

/* Layer `name` made in w's format with the first `n` of `fields`. */
static OGRLayerH make_layer(writer *w, const char *name, OGRwkbGeometryType geom,
                            const cm__pfield *fields, size_t n)
{
	OGRLayerH lyr;
	GDALDatasetH gds = w->gds;
	char **opts = NULL;
	size_t i, k;
	if (w->format == FMT_CSV)
		geom = wkbNone; /* attribute tables */
	if (w->format == FMT_SHP)
		opts = CSLSetNameValue(opts, "ENCODING", "UTF-8");
	if (w->format == FMT_PG) {
		/* the GeoPackage's column names; float8 and text, not numeric(w,p) */
		opts = CSLSetNameValue(opts, "SCHEMA", w->schema);
		opts = CSLSetNameValue(opts, "GEOMETRY_NAME", "geom");
		opts = CSLSetNameValue(opts, "FID", "fid");
		opts = CSLSetNameValue(opts, "PRECISION", "NO");
		opts = CSLSetNameValue(opts, "LAUNDER", "NO");
	}
	if (w->format == FMT_GEOJSON) {
		char *file = cm__sprintf("%s/%s.geojson", w->dir, name);
		GDALDriverH drv = GDALGetDriverByName("GeoJSON");
		if (!file || !drv || w->nparts == (int)(sizeof w->parts / sizeof *w->parts)) {
			free(file);
			return NULL;
		}
		gds = GDALCreate(drv, file, 0, 0, 0, GDT_Unknown, NULL);
		free(file);
		if (!gds)
			return NULL;
		w->parts[w->nparts++] = gds;
		opts = CSLSetNameValue(opts, "RFC7946", "YES");
	}
	lyr = GDALDatasetCreateLayer(gds, name, geom == wkbNone ? NULL : w->srs, geom, opts);
	CSLDestroy(opts);
	if (!lyr || w->nmade == (int)(sizeof w->made / sizeof *w->made))
		return NULL;
	w->made[w->nmade].lyr = lyr;
	w->made[w->nmade].name = name;
	w->made[w->nmade++].n = 0;
	for (i = 0; i < n; i++) {
		const char *fname = field_name_for(w, fields[i].name);
		OGRFieldDefnH f;
		OGRErr e;
		if (!fname)
			return NULL;
		for (k = 0; k < i; k++)
			if (!strcmp(field_name_for(w, fields[k].name), fname))
				return NULL; /* shortened names collide: a bug the tests catch */
		f = OGR_Fld_Create(fname, ogr_type(fields[i].type));
		e = OGR_L_CreateField(lyr, f, TRUE);
		OGR_Fld_Destroy(f);
		if (e != OGRERR_NONE)
			return NULL;
	}
	return lyr;
}

/* The plan's layer `layer` (CM__L_...) as the schema has it (planschema.c):
 * its fields in the schema's order, so that the schema's enums index them;
 * the first `n` fields (-1: all); compounds as polygons when `polygons`. */
static OGRLayerH make_plan_layer(writer *w, int layer, int n, int polygons)
{
	const cm__player *l = cm__plan_layer_at(layer);
	OGRwkbGeometryType geom = wkbNone;
	if (!l)
		return NULL; /* not the schema's: a bug the tests catch */
	switch (l->geom) {
	case CM__G_NONE: geom = wkbNone; break;
	case CM__G_POINT: geom = wkbPoint; break;
	case CM__G_LINE: geom = wkbLineString; break;
	case CM__G_MULTIPOLYGON: geom = wkbMultiPolygon; break;
	case CM__G_POINT_OR_MULTIPOLYGON: geom = polygons ? wkbMultiPolygon : wkbPoint; break;
	}
	return make_layer(w, l->name, geom, l->fields, n < 0 ? (size_t)l->nfields : (size_t)n);
}

static int write_assignments(writer *w, const cm_plan *plan, const cm_dataset *ds)
{
	OGRLayerH lyr = make_plan_layer(w, CM__L_ASSIGNMENT, -1, 0);
	const cm_assignment *a;
	size_t n = cm_plan_assignments(plan, &a), i;
	if (!lyr)
		return -1;
	for (i = 0; i < n; i++) {
		const cm_compound *c = &ds->compounds[a[i].compound];
		const cm_school *s = a[i].school >= 0 ? &ds->schools[a[i].school] : NULL;
		OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
		OGR_F_SetFieldString(f, CM__ASG_COMPOUND_ID, c->id);
		OGR_F_SetFieldString(f, CM__ASG_COMPOUND_NAME, c->name);
		OGR_F_SetFieldString(f, CM__ASG_LEVEL, cm_level_name(a[i].level));
		if (s) {
			OGRGeometryH g = OGR_G_CreateGeometry(wkbLineString);
			OGR_F_SetFieldString(f, CM__ASG_SCHOOL_ID, s->id);
			OGR_F_SetFieldString(f, CM__ASG_SCHOOL_NAME, s->name);
			OGR_G_AddPoint_2D(g, c->x, c->y);
			OGR_G_AddPoint_2D(g, s->x, s->y);
			OGR_F_SetGeometryDirectly(f, g);
		}
		OGR_F_SetFieldString(f, CM__ASG_SEAT_KIND, cm_seat_kind_name(a[i].seat));
		OGR_F_SetFieldInteger(f, CM__ASG_LOCAL, a[i].local);
		OGR_F_SetFieldInteger(f, CM__ASG_MIGRANT, a[i].migrant);
		OGR_F_SetFieldDouble(f, CM__ASG_DISTANCE_M, a[i].distance_m);
		if (a[i].minutes >= 0)
			OGR_F_SetFieldDouble(f, CM__ASG_MINUTES, a[i].minutes);
		if (put(w, lyr, f))
			return -1;
	}
	return 0;
}

/* The address field only when some school has an address, so that a
 * plan of data without addresses is as it was. */
static int write_schools(writer *w, const cm_plan *plan, const cm_dataset *ds)
{
	OGRLayerH lyr;
	size_t i;
	int lv, address = 0;
	for (i = 0; i < ds->n_schools; i++)
		address |= ds->schools[i].address != NULL;
	if (!(lyr = make_plan_layer(w, CM__L_SCHOOLS, address ? -1 : CM__SCH_ADDRESS, 0)))
		return -1;
	for (i = 0; i < ds->n_schools; i++) {
		const cm_school *s = &ds->schools[i];
		for (lv = 0; lv < CM_NLEVELS; lv++) {
			const cm_school_result *r = cm_plan_school(plan, (cm_level)lv, i);
			OGRFeatureH f;
			OGRGeometryH g;
			if (!r->teaches)
				continue;
			f = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
			g = OGR_G_CreateGeometry(wkbPoint);
			OGR_G_SetPoint_2D(g, 0, s->x, s->y);
			OGR_F_SetGeometryDirectly(f, g);
			OGR_F_SetFieldString(f, CM__SCH_SCHOOL_ID, s->id);
			OGR_F_SetFieldString(f, CM__SCH_NAME, s->name);
			OGR_F_SetFieldString(f, CM__SCH_LEVEL, cm_level_name((cm_level)lv));
			OGR_F_SetFieldString(f, CM__SCH_SECTOR, cm_sector_name(s->sector));
			OGR_F_SetFieldInteger(f, CM__SCH_BOARDING, s->boarding);
			OGR_F_SetFieldInteger(f, CM__SCH_SEATS, r->seats);
			OGR_F_SetFieldInteger(f, CM__SCH_LOCAL, r->local);
			OGR_F_SetFieldInteger(f, CM__SCH_MIGRANT, r->migrant);
			OGR_F_SetFieldInteger(f, CM__SCH_ENROLLED, r->enrolled);
			OGR_F_SetFieldDouble(f, CM__SCH_UTILIZATION, r->utilization);
			OGR_F_SetFieldInteger(f, CM__SCH_CLASSES, r->classes);
			OGR_F_SetFieldInteger(f, CM__SCH_SPARE, r->spare);
			OGR_F_SetFieldDouble(f, CM__SCH_SHADOW_PRICE, r->shadow_price);
			OGR_F_SetFieldDouble(f, CM__SCH_SHADOW_PUPILS, r->shadow_pupils);
			if (s->address)
				OGR_F_SetFieldString(f, CM__SCH_ADDRESS, s->address);
			if (put(w, lyr, f))
				return -1;
		}
	}
	return 0;
}

static int write_summary(writer *w, const cm_plan *plan, const cm_config *cfg)
{
	OGRLayerH lyr = make_plan_layer(w, CM__L_SUMMARY, -1, 0);
	int lv;
	if (!lyr)
		return -1;
	for (lv = 0; lv < CM_NLEVELS; lv++) {
		const cm_level_summary *s = cm_plan_summary(plan, (cm_level)lv);
		OGRFeatureH f;
		if (!s->solved)
			continue;
		f = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
		OGR_F_SetFieldString(f, CM__SUM_LEVEL, cm_level_name((cm_level)lv));
		OGR_F_SetFieldInteger(f, CM__SUM_PUPILS, (int)s->pupils);
		OGR_F_SetFieldInteger(f, CM__SUM_PLACED, (int)s->placed);
		OGR_F_SetFieldInteger(f, CM__SUM_UNPLACED, (int)s->unplaced);
		OGR_F_SetFieldDouble(f, CM__SUM_PUPIL_METRES, s->pupil_metres);
		OGR_F_SetFieldDouble(f, CM__SUM_MEAN_DISTANCE_M, s->mean_distance_m);
		OGR_F_SetFieldDouble(f, CM__SUM_MAX_DISTANCE_M, s->max_distance_m);
		if (s->near_share >= 0)
			OGR_F_SetFieldDouble(f, CM__SUM_NEAR_SHARE, s->near_share);
		if (s->migrant_public_share >= 0)
			OGR_F_SetFieldDouble(f, CM__SUM_MIGRANT_PUBLIC_SHARE, s->migrant_public_share);
		OGR_F_SetFieldInteger(f, CM__SUM_QUOTA_MET, s->quota_met);
		OGR_F_SetFieldDouble(f, CM__SUM_MIP_GAP, s->mip_gap);
		OGR_F_SetFieldDouble(f, CM__SUM_SOLVE_SECONDS, s->solve_seconds);
		OGR_F_SetFieldDouble(f, CM__SUM_LP_BOUND, s->lp_bound);
		OGR_F_SetFieldInteger(f, CM__SUM_LP_UNPLACED, (int)s->lp_unplaced);
		OGR_F_SetFieldString(f, CM__SUM_SCENARIO, cfg->name ? cfg->name : "");
		if (s->has_previous) {
			OGR_F_SetFieldInteger(f, CM__SUM_MOVED, (int)s->moved);
			OGR_F_SetFieldInteger(f, CM__SUM_MOVED_COMPOUNDS, s->moved_compounds);
		}
		if (s->bound >= 0)
			OGR_F_SetFieldDouble(f, CM__SUM_BOUND, s->bound);
		OGR_F_SetFieldInteger(f, CM__SUM_BOUND_UNPLACED, (int)s->bound_unplaced);
		OGR_F_SetFieldInteger(f, CM__SUM_NODES, (int)s->nodes);
		OGR_F_SetFieldInteger(f, CM__SUM_PROVEN, s->proven);
		OGR_F_SetFieldString(f, CM__SUM_DISTANCE_KIND, cm__distance_kind_name(cfg));
		if (s->mean_minutes >= 0)
			OGR_F_SetFieldDouble(f, CM__SUM_MEAN_MINUTES, s->mean_minutes);
		/* the maps' page title ([output] title, a scenario's title) */
		OGR_F_SetFieldString(f, CM__SUM_TITLE, cfg->output.title ? cfg->output.title : "");
		OGR_F_SetFieldInteger(f, CM__SUM_NEAR_MET, s->near_met);
		OGR_F_SetFieldInteger(f, CM__SUM_MOVED_MET, s->moved_met);
		if (put(w, lyr, f))
			return -1;
	}
	return 0;
}

/* The notice: compounds whose catchment school is not last year's (only
 * for a plan solved against one). */
static int write_changes(writer *w, const cm_plan *plan, const cm_dataset *ds)
{
	const cm_change *ch;
	size_t n = cm_plan_changes(plan, &ch), i;
	OGRLayerH lyr;
	if (!cm_plan_summary(plan, CM_PRIMARY)->has_previous &&
	    !cm_plan_summary(plan, CM_JUNIOR)->has_previous)
		return 0;
	if (!(lyr = make_plan_layer(w, CM__L_CHANGES, -1, 0)))
		return -1;
	for (i = 0; i < n; i++) {
		const cm_compound *c = &ds->compounds[ch[i].compound];
		OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
		OGRGeometryH g = OGR_G_CreateGeometry(wkbPoint);
		OGR_G_SetPoint_2D(g, 0, c->x, c->y);
		OGR_F_SetGeometryDirectly(f, g);
		OGR_F_SetFieldString(f, CM__CHG_COMPOUND_ID, c->id);
		OGR_F_SetFieldString(f, CM__CHG_COMPOUND_NAME, c->name);
		OGR_F_SetFieldString(f, CM__CHG_LEVEL, cm_level_name(ch[i].level));
		OGR_F_SetFieldString(f, CM__CHG_PREVIOUS_SCHOOL, ch[i].from ? ch[i].from : "");
		if (ch[i].to >= 0) {
			OGR_F_SetFieldString(f, CM__CHG_SCHOOL_ID, ds->schools[ch[i].to].id);
			OGR_F_SetFieldString(f, CM__CHG_SCHOOL_NAME, ds->schools[ch[i].to].name);
		}
		OGR_F_SetFieldInteger(f, CM__CHG_PUPILS, ch[i].pupils);
		OGR_F_SetFieldInteger(f, CM__CHG_FORCED, ch[i].forced);
		/* a closed school is in no layer of this plan: its name from last
		 * year's, so that the notice names it as it names the others */
		if (cm__plan_change_from_name(plan, i))
			OGR_F_SetFieldString(f, CM__CHG_PREVIOUS_NAME, cm__plan_change_from_name(plan, i));
		if (put(w, lyr, f))
			return -1;
	}
	return 0;
}

/* The `catchments` layer: per public school and level, its area
 * (geometry.c), with its colour for maps and GIS styling. */
static int write_catchments(writer *w, const cm_plan *plan, const cm_dataset *ds)
{
	const cm_catchment *c;
	size_t n, k;
	OGRLayerH lyr;
	/* built by cm_plan_write: defensive, believed unreachable */
	if (cm_plan_catchments(w->ctx, plan, &c, &n))
		return -1;
	if (!(lyr = make_plan_layer(w, CM__L_CATCHMENTS, -1, 0)))
		return -1;
	for (k = 0; k < n; k++) {
		const cm_school_result *r = cm_plan_school(plan, c[k].level, c[k].school);
		OGRGeometryH area = cm__plan_area(plan, k);
		OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
		char hex[8];
		if (area)
			OGR_F_SetGeometry(f, area);
		cm__colour_hex(c[k].colour, hex);
		OGR_F_SetFieldString(f, CM__CAT_SCHOOL_ID, ds->schools[c[k].school].id);
		OGR_F_SetFieldString(f, CM__CAT_NAME, ds->schools[c[k].school].name);
		OGR_F_SetFieldString(f, CM__CAT_LEVEL, cm_level_name(c[k].level));
		OGR_F_SetFieldInteger(f, CM__CAT_COMPOUNDS, c[k].compounds);
		OGR_F_SetFieldInteger(f, CM__CAT_PUPILS, c[k].pupils);
		OGR_F_SetFieldInteger(f, CM__CAT_SEATS, r->seats);
		OGR_F_SetFieldDouble(f, CM__CAT_UTILIZATION, r->utilization);
		OGR_F_SetFieldInteger(f, CM__CAT_PARTS, c[k].parts);
		OGR_F_SetFieldString(f, CM__CAT_COLOR, hex);
		if (put(w, lyr, f))
			return -1;
	}
	return 0;
}

/* The `zones` layer, when compounds are polygons: each catchment's
 * tessellation cells, the area a map tints (geometry.c). */
static int write_zones(writer *w, const cm_plan *plan, const cm_dataset *ds)
{
	const cm_catchment *c;
	size_t n, k;
	OGRLayerH lyr;
	if (ds->compound_polygons == 0)
		return 0;
	/* built by cm_plan_write: defensive, believed unreachable */
	if (cm_plan_catchments(w->ctx, plan, &c, &n))
		return -1;
	if (!(lyr = make_plan_layer(w, CM__L_ZONES, -1, 0)))
		return -1;
	for (k = 0; k < n; k++) {
		OGRGeometryH zone = cm__plan_zone(plan, k);
		OGRFeatureH f;
		char hex[8];
		if (!zone)
			continue;
		f = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
		OGR_F_SetGeometry(f, zone);
		cm__colour_hex(c[k].colour, hex);
		OGR_F_SetFieldString(f, CM__ZON_SCHOOL_ID, ds->schools[c[k].school].id);
		OGR_F_SetFieldString(f, CM__ZON_NAME, ds->schools[c[k].school].name);
		OGR_F_SetFieldString(f, CM__ZON_LEVEL, cm_level_name(c[k].level));
		OGR_F_SetFieldString(f, CM__ZON_COLOR, hex);
		if (put(w, lyr, f))
			return -1;
	}
	return 0;
}

/* The `compounds` layer: each compound with its pupils, its catchment
 * school and its unplaced pupils per level.  Polygons when every compound
 * is one, else points (representative points for polygons).  When the
 * plan's distances are not straight lines, also the detour ratio to the
 * catchment school per level: the distance the plan used (road or table)
 * over the straight line; empty without a catchment school, or with the
 * compound's point on the school's. */
static int write_compounds(writer *w, const cm_plan *plan, const cm_dataset *ds,
                           const cm_config *cfg)
{
	int polygons = ds->compound_polygons > 0 && (size_t)ds->compound_polygons == ds->n_compounds;
	int detour = cfg->distances.path || cfg->roads.path;
	OGRLayerH lyr = make_plan_layer(w, CM__L_COMPOUNDS, detour ? -1 : CM__CMP_DETOUR_PRIMARY,
	                                 polygons);
	double *home_m = NULL; /* by level and compound: metres to the catchment school, -1: none */
	size_t i;
	int lv, rc = -1;
	if (!lyr)
		return -1;
	if (detour) {
		const cm_assignment *a;
		size_t n = cm_plan_assignments(plan, &a);
		if (!(home_m = malloc((CM_NLEVELS * ds->n_compounds + 1) * sizeof *home_m)))
			return -1;
		for (i = 0; i < CM_NLEVELS * ds->n_compounds; i++)
			home_m[i] = -1;
		for (i = 0; i < n; i++)
			if (a[i].school >= 0 &&
			    cm_plan_home(plan, a[i].level, a[i].compound) == a[i].school)
				home_m[a[i].level * ds->n_compounds + a[i].compound] = a[i].distance_m;
	}
	for (i = 0; i < ds->n_compounds; i++) {
		const cm_compound *c = &ds->compounds[i];
		OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
		OGRGeometryH g;
		if (polygons) {
			g = OGR_G_ForceToMultiPolygon(OGR_G_Clone((OGRGeometryH)ds->geoms[i]));
		} else {
			g = OGR_G_CreateGeometry(wkbPoint);
			OGR_G_SetPoint_2D(g, 0, c->x, c->y);
		}
		OGR_F_SetGeometryDirectly(f, g);
		OGR_F_SetFieldString(f, CM__CMP_COMPOUND_ID, c->id);
		OGR_F_SetFieldString(f, CM__CMP_NAME, c->name);
		OGR_F_SetFieldString(f, CM__CMP_AREA_TYPE, cm_area_name(c->area));
		OGR_F_SetFieldInteger(f, CM__CMP_PRIMARY_LOCAL, c->pupils[CM_PRIMARY][CM_LOCAL]);
		OGR_F_SetFieldInteger(f, CM__CMP_PRIMARY_MIGRANT, c->pupils[CM_PRIMARY][CM_MIGRANT]);
		OGR_F_SetFieldInteger(f, CM__CMP_JUNIOR_LOCAL, c->pupils[CM_JUNIOR][CM_LOCAL]);
		OGR_F_SetFieldInteger(f, CM__CMP_JUNIOR_MIGRANT, c->pupils[CM_JUNIOR][CM_MIGRANT]);
		for (lv = 0; lv < CM_NLEVELS; lv++) {
			long home = cm_plan_home(plan, (cm_level)lv, i);
			if (home >= 0)
				OGR_F_SetFieldString(f, CM__CMP_SCHOOL(lv), ds->schools[home].id);
			if (cm_plan_summary(plan, (cm_level)lv)->solved)
				OGR_F_SetFieldInteger(f, CM__CMP_UNPLACED(lv),
				                      cm_plan_unplaced(plan, (cm_level)lv, i));
			if (detour && home >= 0) {
				const cm_school *s = &ds->schools[home];
				double line = cm__distance(c->x, c->y, s->x, s->y);
				double by = home_m[lv * ds->n_compounds + i];
				if (by >= 0 && line > 0)
					OGR_F_SetFieldDouble(f, CM__CMP_DETOUR(lv), by / line);
			}
		}
		if (put(w, lyr, f))
			goto done;
	}
	rc = 0;
done:
	free(home_m);
	return rc;
}

/* The `boundary` layer, when the scenario has one: for maps. */
static int write_boundary(writer *w, const cm_dataset *ds)
{
	OGRLayerH lyr;
	OGRFeatureH f;
	if (!ds->boundary)
		return 0;
	if (!(lyr = make_plan_layer(w, CM__L_BOUNDARY, -1, 0)))
		return -1;
	f = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
	OGR_F_SetGeometryDirectly(f, OGR_G_ForceToMultiPolygon(OGR_G_Clone((OGRGeometryH)ds->boundary)));
	OGR_F_SetFieldString(f, CM__BND_NAME, "boundary");
	return put(w, lyr, f);
}

/* The `roads` layer, when the plan's distances were on roads: the roads
 * the network used (a walk leaves out the no_walk classes), as read, in
 * the working CRS, for maps (map.c draws them beneath the schools and
 * compounds).  Not in a CSV plan, whose tables have no geometry. */
static int write_roads(writer *w, const cm_dataset *ds)
{
	const size_t *start;
	const double *x, *y;
	size_t n = cm__pairs_lines(ds->pairs, &start, &x, &y), k, v;
	OGRLayerH lyr;
	if (!n || w->format == FMT_CSV)
		return 0;
	if (!(lyr = make_plan_layer(w, CM__L_ROADS, -1, 0)))
		return -1;
	for (k = 0; k < n; k++) {
		OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
		OGRGeometryH g = OGR_G_CreateGeometry(wkbLineString);
		double len = 0;
		for (v = start[k]; v < start[k + 1]; v++) {
			OGR_G_AddPoint_2D(g, x[v], y[v]);
			if (v > start[k])
				len += cm__distance(x[v - 1], y[v - 1], x[v], y[v]);
		}
		OGR_F_SetGeometryDirectly(f, g);
		OGR_F_SetFieldDouble(f, CM__RD_LENGTH_M, len);
		if (put(w, lyr, f))
			return -1;
	}
	return 0;
}

/* QGIS styles for a GeoPackage: the `layer_styles` table QGIS itself
 * writes, with a default style for `catchments` and `zones` that fills each
 * area with its `color` field (data-defined) and labels it with the school's
 * name.  QGIS applies a default style when it opens the layer. */
static const char qml_head[] =
	"<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
	"<qgis version=\"3.22.0\" styleCategories=\"Symbology|Labeling\">\n"
	" <renderer-v2 type=\"singleSymbol\" symbollevels=\"0\" forceraster=\"0\" enableorderby=\"0\">\n"
	"  <symbols>\n"
	"   <symbol type=\"fill\" name=\"0\" alpha=\"%s\" clip_to_extent=\"1\" force_rhr=\"0\">\n"
	"    <layer class=\"SimpleFill\" enabled=\"1\" locked=\"0\" pass=\"0\">\n"
	"     <Option type=\"Map\">\n"
	"      <Option name=\"color\" value=\"200,200,200,255\" type=\"QString\"/>\n"
	"      <Option name=\"outline_color\" value=\"70,70,70,255\" type=\"QString\"/>\n"
	"      <Option name=\"outline_style\" value=\"solid\" type=\"QString\"/>\n"
	"      <Option name=\"outline_width\" value=\"0.3\" type=\"QString\"/>\n"
	"      <Option name=\"outline_width_unit\" value=\"MM\" type=\"QString\"/>\n"
	"      <Option name=\"style\" value=\"solid\" type=\"QString\"/>\n"
	"     </Option>\n"
	"     <data_defined_properties>\n"
	"      <Option type=\"Map\">\n"
	"       <Option name=\"name\" value=\"\" type=\"QString\"/>\n"
	"       <Option name=\"properties\" type=\"Map\">\n"
	"        <Option name=\"fillColor\" type=\"Map\">\n"
	"         <Option name=\"active\" value=\"true\" type=\"bool\"/>\n"
	"         <Option name=\"field\" value=\"color\" type=\"QString\"/>\n"
	"         <Option name=\"type\" value=\"2\" type=\"int\"/>\n"
	"        </Option>\n"
	"       </Option>\n"
	"       <Option name=\"type\" value=\"collection\" type=\"QString\"/>\n"
	"      </Option>\n"
	"     </data_defined_properties>\n"
	"    </layer>\n"
	"   </symbol>\n"
	"  </symbols>\n"
	" </renderer-v2>\n";
static const char qml_labels[] =
	" <labeling type=\"simple\">\n"
	"  <settings calloutType=\"simple\">\n"
	"   <text-style fieldName=\"name\" fontSize=\"9\" fontSizeUnit=\"Point\" "
	"textColor=\"30,30,30,255\" isExpression=\"0\">\n"
	"    <text-buffer bufferDraw=\"1\" bufferSize=\"1\" bufferSizeUnits=\"MM\" "
	"bufferColor=\"255,255,255,255\"/>\n"
	"   </text-style>\n"
	"   <placement placement=\"1\"/>\n"
	"  </settings>\n"
	" </labeling>\n";

/* The style of layer k (0 catchments, 1 zones); caller frees. */
static char *style_qml(int k)
{
	char *qml = cm__sprintf(qml_head, k == 0 ? "0.85" : "0.45"), *full;
	if (!qml)
		return NULL;
	full = cm__sprintf("%s%s</qgis>\n", qml, k == 0 ? qml_labels : "");
	free(qml);
	return full;
}

static int pg_exec(writer *w, const char *fmt, ...) CM_PRINTF(2, 3);
static char *pg_literal(const char *s);

/* QGIS keeps a PostGIS database's styles in one table, public.layer_styles
 * (its own definition, made if missing), by database, schema and table.
 * The plan's rows replace those of the same tables in the same
 * transaction as the plan.  A database that lets the writer make or fill
 * it (PostgreSQL 15 grants no CREATE on public but to its owner) still
 * gets the plan, without styles, and a warning says so. */
static int write_pg_styles(writer *w, const cm_dataset *ds, const char *schema)
{
	const char *tables[] = {"catchments", "zones"};
	int k, bad = 0;
	if (pg_exec(w, "SAVEPOINT catchment_styles"))
		return -1;
	bad = pg_exec(w, "CREATE TABLE IF NOT EXISTS public.layer_styles (id serial PRIMARY KEY, "
	              "f_table_catalog varchar, f_table_schema varchar, f_table_name varchar, "
	              "f_geometry_column varchar, stylename text, styleqml xml, stylesld xml, "
	              "useasdefault boolean, description text, owner varchar(63) DEFAULT "
	              "CURRENT_USER, ui xml, update_time timestamp DEFAULT CURRENT_TIMESTAMP, "
	              "type varchar)");
	for (k = 0; k < 2 && !bad; k++) {
		char *qml, *lit;
		bad = pg_exec(w, "DELETE FROM public.layer_styles WHERE f_table_catalog = "
		              "current_database() AND f_table_schema = '%s' AND f_table_name = '%s'",
		              schema, tables[k]);
		if (bad || (k == 1 && ds->compound_polygons == 0))
			continue;
		qml = style_qml(k);
		lit = qml ? pg_literal(qml) : NULL;
		bad = !lit || pg_exec(w, "INSERT INTO public.layer_styles (f_table_catalog, "
		                      "f_table_schema, f_table_name, f_geometry_column, stylename, "
		                      "styleqml, stylesld, useasdefault, description) VALUES "
		                      "(current_database(), '%s', '%s', 'geom', 'catchment colours', "
		                      "%s::xml, NULL, true, 'each catchment in its color field, "
		                      "written by catchment')", schema, tables[k], lit);
		free(qml);
		free(lit);
	}
	if (bad) {
		cm__log(w->ctx, CM_LOG_WARN, _("%s: no QGIS styles in public.layer_styles (%s); the "
		        "plan is written without them"), w->path, CPLGetLastErrorMsg());
		return pg_exec(w, "ROLLBACK TO SAVEPOINT catchment_styles");
	}
	return pg_exec(w, "RELEASE SAVEPOINT catchment_styles");
}

static int write_styles(writer *w, const cm_dataset *ds)
{
	const char *tables[] = {"catchments", "zones"};
	OGRLayerH lyr;
	int k;
	if (w->format != FMT_GPKG)
		return 0;
	if (!(lyr = make_plan_layer(w, CM__L_STYLES, -1, 0)))
		return -1;
	for (k = 0; k < 2; k++) {
		OGRFeatureH f;
		char *qml;
		if (k == 1 && ds->compound_polygons == 0)
			continue;
		qml = style_qml(k);
		if (!qml)
			return -1;
		f = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
		OGR_F_SetFieldString(f, CM__STY_F_TABLE_CATALOG, "");
		OGR_F_SetFieldString(f, CM__STY_F_TABLE_SCHEMA, "");
		OGR_F_SetFieldString(f, CM__STY_F_TABLE_NAME, tables[k]);
		OGR_F_SetFieldString(f, CM__STY_F_GEOMETRY_COLUMN, "geom");
		OGR_F_SetFieldString(f, CM__STY_STYLENAME, "catchment colours");
		OGR_F_SetFieldString(f, CM__STY_STYLEQML, qml);
		OGR_F_SetFieldString(f, CM__STY_STYLESLD, "");
		OGR_F_SetFieldInteger(f, CM__STY_USEASDEFAULT, 1);
		OGR_F_SetFieldString(f, CM__STY_DESCRIPTION,
		                     "each catchment in its color field, written by catchment");
		OGR_F_SetFieldString(f, CM__STY_OWNER, "");
		OGR_F_SetFieldString(f, CM__STY_UI, "");
		OGR_F_SetFieldDateTime(f, CM__STY_UPDATE_TIME, 2000, 1, 1, 0, 0, 0, 100);
		free(qml);
		if (put(w, lyr, f))
			return -1;
	}
	return 0;
}

/* 1 when `a` and `b` name the same existing file. */
static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	if (!a || !b || stat(a, &sa) || stat(b, &sb))
		return 0;
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static int inside(const char *dir, const char *file);

/* 1 when `out` is the file `in`, or a folder that holds it. */
static int covers(const char *out, const char *in)
{
	return in && (same_file(out, in) || inside(out, in));
}

/* Does `out` cover input `in`, or a shapefile's other files beside it? */
static int covers_input(const char *out, const char *in)
{
	static const char *const side[] = {".dbf", ".shx", ".prj", ".cpg", ".DBF", ".SHX", ".PRJ",
	                                   ".CPG"};
	size_t n, k;
	if (!in)
		return 0;
	if (covers(out, in))
		return 1;
	n = strlen(in);
	if (n < 4 || !cm__streq_ci(in + n - 4, ".shp"))
		return 0;
	for (k = 0; k < sizeof side / sizeof *side; k++) {
		char *p = cm__sprintf("%.*s%s", (int)(n - 4), in, side[k]);
		int hit = p && covers(out, p);
		free(p);
		if (hit)
			return 1;
	}
	return 0;
}

int cm_output_check(cm_ctx *ctx, const cm_config *cfg, const char *path)
{
	const char *in[CM_NLAYERS + 3];
	size_t i, n = 0;
	for (i = 0; i < CM_NLAYERS; i++)
		in[n++] = cfg->input[i].path;
	in[n++] = cfg->boundary.path;
	in[n++] = cfg->previous.path;
	in[n++] = cfg->file;
	for (i = 0; i < n; i++)
		if (covers_input(path, in[i]))
			return cm__error(ctx, CM_EINPUT, _("%s: refusing to write over an input (%s)"), path,
			                 in[i]);
	for (i = 0; i < cfg->n_scenarios; i++) {
		const cm_scenario *sc = &cfg->scenarios[i];
		const char *p = covers_input(path, sc->new_schools.path)     ? sc->new_schools.path
		                : covers_input(path, sc->new_compounds.path) ? sc->new_compounds.path
		                                                              : NULL;
		if (p)
			return cm__error(ctx, CM_EINPUT, _("%s: refusing to write over an input (%s, "
			                 "scenario %s)"), path, p, sc->name);
	}
	return 0;
}

/* An existing file at a GeoPackage plan's path is replaced only when it
 * is one (its assignment and summary layers) and holds no layer of
 * anyone's own. */
static int replaceable_gpkg(cm_ctx *ctx, const char *path)
{
	struct stat st;
	GDALDatasetH g;
	int ok, rc, i;
	if (stat(path, &st) != 0)
		return 0;
	if (!S_ISREG(st.st_mode))
		return cm__error(ctx, CM_EINPUT, _("%s exists and is not a file: refusing to replace it"),
		                 path);
	CPLPushErrorHandler(CPLQuietErrorHandler);
	g = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
	ok = g && GDALDatasetGetLayerByName(g, "assignment") && GDALDatasetGetLayerByName(g, "summary");
	rc = ok ? 0 : cm__error(ctx, CM_EINPUT, _("%s exists and is not a catchment plan: refusing "
	                        "to replace it"), path);
	/* a layer the plan does not write is someone's own (notes added in
	 * QGIS): replacing the file would lose it */
	for (i = 0; !rc && i < GDALDatasetGetLayerCount(g); i++) {
		const char *name = OGR_L_GetName(GDALDatasetGetLayer(g, i));
		if (!cm__plan_layer(name))
			rc = cm__error(ctx, CM_EINPUT, _("%s holds a layer '%s' that is not the plan's: "
			               "refusing to replace it (keep your own layers in another file, or "
			               "write the plan elsewhere)"), path, name);
	}
	if (g)
		GDALClose(g);
	CPLPopErrorHandler();
	return rc;
}

/* The plan's format: `format` ([output] format, the export's), else the
 * path's extension (cm_format_of). */
static int pick_format(cm_ctx *ctx, const char *path, const char *format, out_format *out)
{
	int f = cm_format_of(CM_OUTPUT_PLAN, path, format);
	if (f < 0)
		return cm__error(ctx, CM_EINPUT,
		                 _("%s: no output format: name one with --format or [output] format "
		                 "(gpkg, shp, geojson, csv), or end the path in .gpkg"), path);
	*out = (out_format)f;
	return 0;
}

/* 1 when `file` is inside the folder `dir` (at any depth). */
static int inside(const char *dir, const char *file)
{
	char *d = cm__dirname(file);
	int found = 0;
	while (d && !found) {
		char *up;
		found = same_file(dir, d);
		if (!strcmp(d, ".") || !strcmp(d, "/"))
			break;
		up = cm__dirname(d);
		free(d);
		d = up;
	}
	free(d);
	return found;
}

/* 0 when every file in the folder plan `dir` is the plan's (a layer's
 * files as the writers make them: a.shp, a.dbf, a.csv, ...; the marker);
 * else CM_EINPUT naming the first that is someone's own, which replacing
 * the folder would lose. */
static int own_files(cm_ctx *ctx, const char *dir)
{
	/* what the writers make of a layer (qix: QGIS's index of it) */
	static const char *const made[] = {"shp", "shx", "dbf", "prj", "cpg", "qix", "geojson", "csv",
	                                   NULL};
	DIR *d = opendir(dir);
	struct dirent *e;
	int rc = 0;
	if (!d)
		return 0; /* (the write itself will say why it cannot) */
	while (!rc && (e = readdir(d))) {
		char stem[256];
		const char *ext = strrchr(e->d_name, '.');
		size_t n = ext ? (size_t)(ext - e->d_name) : strlen(e->d_name);
		int k, ours = 0;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    !strcmp(e->d_name, CM__PLAN_MARKER) || !strcmp(e->d_name, ".DS_Store") ||
		    !strcmp(e->d_name, "Thumbs.db"))
			continue; /* (a file manager's: nobody's work) */
		snprintf(stem, sizeof stem, "%.*s", (int)(n < sizeof stem ? n : sizeof stem - 1),
		         e->d_name);
		for (k = 0; ext && made[k] && !ours; k++)
			ours = !strcasecmp(ext + 1, made[k]);
		if (!ours || !cm__plan_layer(stem))
			rc = cm__error(ctx, CM_EINPUT, _("%s holds a file '%s' that is not the plan's: "
			               "refusing to replace it (keep your own files in another folder, "
			               "or write the plan elsewhere)"), dir, e->d_name);
	}
	closedir(d);
	return rc;
}

/* An existing folder at a folder plan's path is replaced only when it is
 * one (it holds the marker file every plan folder gets) and holds nothing
 * of anyone's own (own_files). */
static int replaceable_folder(cm_ctx *ctx, const char *dir)
{
	struct stat st;
	char *marker;
	int ok;
	if (lstat(dir, &st) != 0)
		return 0;
	if (!(marker = cm__sprintf("%s/%s", dir, CM__PLAN_MARKER)))
		return cm__error(ctx, CM_ENOMEM, _("out of memory"));
	ok = S_ISDIR(st.st_mode) && stat(marker, &st) == 0 && S_ISREG(st.st_mode);
	free(marker);
	if (!ok)
		return cm__error(ctx, CM_EINPUT, _("%s exists and is not a catchment plan: refusing to "
		                 "replace it"), dir);
	return own_files(ctx, dir);
}

/* A folder plan's marker file (CM__PLAN_MARKER) in `tmp`: what makes the
 * folder a plan of ours, which only a plan may replace.  `how`: "written"
 * or "exported".  0, or CM_EIO with the message set. */
static int write_marker(cm_ctx *ctx, const char *tmp, const char *target, const char *how,
                        const char *name)
{
	char *marker = cm__sprintf("%s/%s", tmp, CM__PLAN_MARKER);
	FILE *fp;
	int ok;
	errno = marker ? 0 : ENOMEM;
	fp = marker ? fopen(marker, "w") : NULL;
	ok = fp && fprintf(fp, "A catchment plan (%s), %s by catchment %s.\n", name ? name : "",
	                   how, cm_version()) > 0;
	if (fp && fclose(fp) != 0)
		ok = 0;
	free(marker);
	return ok ? 0 : cm__error(ctx, CM_EIO, _("%s: cannot finish the plan: %s"), target,
	                          errno ? strerror(errno) : _("the file system gave no reason"));
}

/* Ends a writer's work: a GeoPackage's transaction committed, the
 * dataset and a folder's parts closed (GDAL writes them out then).  0, or
 * CM_EIO with the message set (the caller cleans up). */
static int writer_close(writer *w, cm_ctx *ctx, const char *target)
{
	int i;
	if (w->format == FMT_GPKG && GDALDatasetCommitTransaction(w->gds) != OGRERR_NONE)
		return cm__error(ctx, CM_EIO, _("%s: writing the plan failed: %s"), target,
		                 reason(w->tmp));
	if (w->gds)
		GDALClose(w->gds);
	w->gds = NULL;
	for (i = 0; i < w->nparts; i++)
		GDALClose(w->parts[i]);
	w->nparts = 0;
	if (w->cut && w->xlsx)
		cm__log(ctx, CM_LOG_WARN, _("%s: %ld text values are longer than an Excel cell holds "
		        "(%d characters; the first: %s); CSV and GeoPackage keep them whole"), target,
		        w->cut, XLSX_TEXT_MAX, w->cut_where);
	else if (w->cut)
		cm__log(ctx, CM_LOG_WARN, _("%s: %ld text values are longer than a shapefile holds "
		        "(%d bytes) and were cut (the first: %s); GeoPackage keeps them whole"), target,
		        w->cut, SHP_TEXT_MAX, w->cut_where);
	return 0;
}

/* Reads back the finished plan at `tmp`: every layer written, with as many
 * features as were written.  GDAL's CSV and GeoJSON writers do not report
 * every failed write (a full disk left 0-byte files behind "Plan written"),
 * so the file itself is the check. */
static int verify(writer *w, const char *tmp)
{
	static const char *const drivers[][2] = {
	        {"GPKG", NULL}, {"ESRI Shapefile", NULL}, {"GeoJSON", NULL}, {"CSV", NULL}};
	GDALDatasetH g = NULL;
	int i, bad = 0;
	for (i = 0; i < w->nmade && !bad; i++) {
		OGRLayerH lyr;
		if (w->format == FMT_GEOJSON || !g) {
			char *file = w->format == FMT_GEOJSON
			                     ? cm__sprintf("%s/%s.geojson", tmp, w->made[i].name)
			                     : cm__strdup(tmp);
			if (g)
				GDALClose(g);
			g = file ? GDALOpenEx(file, GDAL_OF_VECTOR | GDAL_OF_READONLY,
			                      drivers[w->format], NULL, NULL)
			         : NULL;
			free(file);
		}
		lyr = g ? GDALDatasetGetLayerByName(g, w->made[i].name) : NULL;
		bad = !lyr || OGR_L_GetFeatureCount(lyr, TRUE) != w->made[i].n;
	}
	if (g)
		GDALClose(g);
	return bad ? cm__error(w->ctx, CM_EIO, _("%s: writing the plan failed: the file written "
	                       "does not read back whole (%s layer; a full disk?)"), w->path,
	                       w->made[i - 1].name)
	           : 0;
}

/* Every layer of the plan, in the writer's format. */
static int write_layers(writer *w, const cm_plan *plan, const cm_dataset *ds,
                        const cm_config *cfg)
{
	return write_assignments(w, plan, ds) || write_schools(w, plan, ds) ||
	       write_summary(w, plan, cfg) || write_catchments(w, plan, ds) ||
	       write_compounds(w, plan, ds, cfg) || write_zones(w, plan, ds) ||
	       write_boundary(w, ds) || write_roads(w, ds) || write_changes(w, plan, ds) ||
	       (w->format != FMT_PG && write_styles(w, ds));
}

/* ------------------------------------------------------------ PostGIS */

/* Runs one SQL statement on the writer's connection: 0, or -1 with GDAL's
 * message left for the caller. */
static int pg_exec(writer *w, const char *fmt, ...)
{
	va_list ap;
	char *sql;
	OGRLayerH r;
	va_start(ap, fmt);
	sql = cm__vsprintf(fmt, ap);
	va_end(ap);
	if (!sql)
		return -1;
	CPLErrorReset();
	r = GDALDatasetExecuteSQL(w->gds, sql, NULL, NULL);
	if (r)
		GDALDatasetReleaseResultSet(w->gds, r);
	free(sql);
	return CPLGetLastErrorType() >= CE_Failure ? -1 : 0;
}

/* `s` as an SQL string literal ('' for '; standard_conforming_strings, on
 * since PostgreSQL 9.1, leaves backslashes alone).  Caller frees. */
static char *pg_literal(const char *s)
{
	size_t n = 3, i;
	char *out, *o;
	for (i = 0; s[i]; i++)
		n += s[i] == '\'' ? 2 : 1;
	if (!(out = malloc(n)))
		return NULL;
	o = out;
	*o++ = '\'';
	for (; *s; s++) {
		if (*s == '\'')
			*o++ = '\'';
		*o++ = *s;
	}
	*o++ = '\'';
	*o = '\0';
	return out;
}

/* The comment on schema `schema`: 1 and *out (caller frees; "" for none)
 * when the schema exists, 0 when it does not, -1 on error. */
static int pg_schema_comment(writer *w, const char *schema, char **out)
{
	char *sql = cm__sprintf("SELECT coalesce(obj_description(oid, 'pg_namespace'), '') AS c "
	                        "FROM pg_namespace WHERE nspname = '%s'", schema);
	OGRLayerH r;
	OGRFeatureH f;
	int found = 0;
	*out = NULL;
	if (!sql)
		return -1;
	CPLErrorReset();
	r = GDALDatasetExecuteSQL(w->gds, sql, NULL, NULL);
	free(sql);
	if (!r)
		return -1;
	if ((f = OGR_L_GetNextFeature(r)) != NULL) {
		found = 1;
		*out = cm__strdup(OGR_F_GetFieldAsString(f, 0));
		OGR_F_Destroy(f);
	}
	GDALDatasetReleaseResultSet(w->gds, r);
	return found && !*out ? -1 : found;
}

/* A plan written to PostGIS (`path` PG:..., the schema from [output]
 * schema, --schema or the string's schemas=): in one transaction, the
 * layers are made in a new schema SCHEMA__catchment_new, counted back,
 * the old SCHEMA (only a plan of ours: its comment) renamed aside and
 * dropped, the new one renamed to SCHEMA and marked with its comment,
 * and the QGIS styles replaced.  Readers see the old plan or the new one;
 * a run that fails or is killed at any point leaves the old plan whole
 * and nothing else, since the server rolls back what the transaction did.
 * The schema rename needs no table locks, but the DROP waits for readers
 * of the old plan to finish. */
static int write_pg(cm_ctx *ctx, const cm_plan *plan, const cm_dataset *ds,
                    const cm_config *cfg, const char *path)
{
	static const char *const pg_drv[] = {"PostgreSQL", NULL};
	writer w;
	char *conn = NULL, *schema = NULL, *shown = NULL, *target = NULL, *tmp = NULL;
	char *old = NULL, *comment = NULL, *name = NULL;
	int rc = 0, i, exists, began = 0;

	if (cfg->output.format)
		return cm__error(ctx, CM_EINPUT, _("[output] format (--format) %s: a plan written to "
		                 "PostgreSQL (PG:...) has no format to choose; leave it out"),
		                 cfg->output.format);
	if ((rc = cm__pg_split(ctx, path, cfg->output.schema, &conn, &schema)))
		return rc;
	shown = cm__source_shown(conn);
	target = shown ? cm__sprintf("%s schemas=%s", shown, schema) : NULL;
	tmp = cm__sprintf("%s__catchment_new", schema);
	old = cm__sprintf("%s__catchment_old", schema);
	if (!target || !tmp || !old) {
		rc = cm__error(ctx, CM_ENOMEM, _("out of memory"));
		goto out;
	}
	memset(&w, 0, sizeof w);
	w.ctx = ctx;
	w.path = target;
	w.format = FMT_PG;
	w.schema = tmp;
	GDALAllRegister();
	CPLPushErrorHandler(CPLQuietErrorHandler);
	w.gds = GDALOpenEx(conn, GDAL_OF_VECTOR | GDAL_OF_UPDATE, pg_drv, NULL, NULL);
	w.srs = OSRNewSpatialReference(ds->crs_wkt);
	if (!w.gds || !w.srs) {
		rc = cm__error(ctx, CM_EIO, _("%s: cannot connect to write the plan: %s"), target,
		               CPLGetLastErrorMsg());
		goto done;
	}
	if ((exists = pg_schema_comment(&w, schema, &comment)) < 0) {
		rc = cm__error(ctx, CM_EIO, _("%s: cannot read the database's schemas: %s"), target,
		               CPLGetLastErrorMsg());
		goto done;
	}
	if (exists && strncmp(comment, CM__PG_MARKER, strlen(CM__PG_MARKER))) {
		rc = cm__error(ctx, CM_EINPUT, _("%s: schema %s exists and is not a catchment plan: "
		               "refusing to replace it (name another with --schema or [output] schema)"),
		               target, schema);
		goto done;
	}
	free(comment);
	name = cm__sprintf("%s (%s), written by catchment %s", CM__PG_MARKER,
	                   cfg->name ? cfg->name : "", cm_version());
	if (!name || !(comment = pg_literal(name))) {
		rc = cm__error(ctx, CM_ENOMEM, _("out of memory"));
		goto done;
	}
	if (GDALDatasetStartTransaction(w.gds, FALSE) != OGRERR_NONE ||
	    (began = 1, pg_exec(&w, "CREATE SCHEMA \"%s\"", tmp))) {
		rc = cm__error(ctx, CM_EIO, _("%s: cannot begin writing the plan: %s"), target,
		               CPLGetLastErrorMsg());
		goto done;
	}
	if (write_layers(&w, plan, ds, cfg)) {
		rc = cm__error(ctx, CM_EIO, _("%s: writing the plan failed: %s"), target,
		               reason(NULL));
		goto done;
	}
	/* every row sent (a layer's COPY ended), and there: the read-back */
	for (i = 0; i < w.nmade; i++) {
		if (OGR_L_SyncToDisk(w.made[i].lyr) != OGRERR_NONE ||
		    OGR_L_GetFeatureCount(w.made[i].lyr, TRUE) != w.made[i].n) {
			rc = cm__error(ctx, CM_EIO, _("%s: writing the plan failed: the %s layer does not "
			               "read back whole: %s"), target, w.made[i].name, CPLGetLastErrorMsg());
			goto done;
		}
	}
	if ((exists && pg_exec(&w, "ALTER SCHEMA \"%s\" RENAME TO \"%s\"", schema, old)) ||
	    pg_exec(&w, "ALTER SCHEMA \"%s\" RENAME TO \"%s\"", tmp, schema) ||
	    (exists && pg_exec(&w, "DROP SCHEMA \"%s\" CASCADE", old)) ||
	    pg_exec(&w, "COMMENT ON SCHEMA \"%s\" IS %s", schema, comment) ||
	    write_pg_styles(&w, ds, schema)) {
		rc = cm__error(ctx, CM_EIO, _("%s: putting the plan in place failed: %s"), target,
		               CPLGetLastErrorMsg());
		goto done;
	}
	began = 0;
	if (GDALDatasetCommitTransaction(w.gds) != OGRERR_NONE)
		rc = cm__error(ctx, CM_EIO, _("%s: the plan's transaction did not commit: %s"), target,
		               CPLGetLastErrorMsg());
done:
	if (began)
		GDALDatasetRollbackTransaction(w.gds);
	if (w.gds)
		GDALClose(w.gds);
	if (w.srs)
		OSRDestroySpatialReference(w.srs);
	CPLPopErrorHandler();
out:
	free(conn);
	free(schema);
	free(shown);
	free(target);
	free(tmp);
	free(old);
	free(comment);
	free(name);
	return rc;
}

int cm_plan_write(cm_ctx *ctx, const cm_plan *plan, const char *path)
{
	const cm_dataset *ds = cm_plan_dataset(plan);
	const cm_config *cfg = cm_plan_config(plan);
	writer w;
	GDALDriverH drv;
	char *tmp = NULL, *target = NULL;
	int rc = 0, i, made = 1;
	out_format fmt = FMT_GPKG;

	if ((rc = cm__plan_areas(ctx, plan)))
		return rc;
	if (cm__is_pg(path))
		return write_pg(ctx, plan, ds, cfg, path);
	if ((rc = pick_format(ctx, path, cfg->output.format, &fmt)) || (rc = cm__out_check(ctx, path)))
		return rc;
	/* A GeoPackage is a file; the other formats are a folder of files, named
	 * after the path without its extension. */
	target = cm__strdup(path);
	if (!target)
		return cm__error(ctx, CM_ENOMEM, _("out of memory"));
	if (fmt != FMT_GPKG) {
		char *dot = strrchr(target, '.');
		if (dot && !strchr(dot, '/'))
			*dot = '\0';
	}
	if (fmt == FMT_SHP && (rc = ids_fit(ctx, plan, ds, target))) {
		free(target);
		return rc;
	}
	cm__out_tidy(target);
	if ((rc = cm_output_check(ctx, cfg, target)) ||
	    (rc = fmt == FMT_GPKG ? replaceable_gpkg(ctx, target) : replaceable_folder(ctx, target))) {
		free(target);
		return rc;
	}
	memset(&w, 0, sizeof w);
	w.ctx = ctx;
	w.path = target;
	w.format = fmt;
	GDALAllRegister();
	drv = GDALGetDriverByName(fmt == FMT_GPKG ? "GPKG" : fmt == FMT_SHP ? "ESRI Shapefile"
	                                          : fmt == FMT_CSV ? "CSV" : "GeoJSON");
	tmp = cm__out_temp(target);
	if (!drv || !tmp) {
		free(target);
		free(tmp);
		return cm__error(ctx, CM_EIO, _("GDAL cannot write this format here"));
	}
	w.tmp = tmp;
	CPLPushErrorHandler(CPLQuietErrorHandler);
	CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", "2000-01-01T00:00:00.000Z");
	w.srs = OSRNewSpatialReference(ds->crs_wkt);
	CPLErrorReset();
	errno = 0; /* reason()'s second source: no stale value */
	if (fmt == FMT_GEOJSON) {
		w.dir = tmp;
		made = mkdir(tmp, 0777) == 0;
	} else {
		w.gds = GDALCreate(drv, tmp, 0, 0, 0, GDT_Unknown, NULL);
		made = w.gds != NULL;
		/* One transaction for the whole GeoPackage: a file written aside
		 * and renamed needs no journal per feature (which made writing a
		 * city's plan take seconds of system calls). */
		if (made && fmt == FMT_GPKG && GDALDatasetStartTransaction(w.gds, FALSE) != OGRERR_NONE)
			made = 0;
	}
	if (!made || !w.srs) {
		rc = cm__error(ctx, CM_EIO, _("%s: cannot create the plan: %s"), target, reason(tmp));
		goto done;
	}
	CPLErrorReset();
	errno = 0; /* reason()'s: the writing's failure, not a probe's in the making */
	if (write_layers(&w, plan, ds, cfg)) {
		rc = cm__error(ctx, CM_EIO, _("%s: writing the plan failed: %s"), target,
		               reason(tmp));
		goto done;
	}
	if ((rc = writer_close(&w, ctx, target)))
		goto done;
	if ((rc = verify(&w, tmp)))
		goto done;
	if (fmt != FMT_GPKG && (rc = write_marker(ctx, tmp, target, "written", cfg->name)))
		goto done;
	rc = cm__out_place(ctx, tmp, target);
done:
	if (w.gds)
		GDALClose(w.gds);
	for (i = 0; i < w.nparts; i++)
		GDALClose(w.parts[i]);
	if (w.srs)
		OSRDestroySpatialReference(w.srs);
	CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", NULL);
	CPLPopErrorHandler();
	if (rc && tmp)
		cm__out_remove(tmp);
	free(tmp);
	free(target);
	return rc;
}

/* ------------------------------------------------------------ export */

/* Copies layer `src` into w's format as `name`: its fields (the engine's
 * names; a shapefile's short ones), geometry (none in CSV and XLSX), and
 * features.  Returns 0 or -1 (GDAL's message left). */
static int export_layer(writer *w, OGRLayerH src, const char *name)
{
	OGRFeatureDefnH sd = OGR_L_GetLayerDefn(src);
	OGRwkbGeometryType geom = OGR_FD_GetGeomFieldCount(sd) ? OGR_L_GetGeomType(src) : wkbNone;
	OGRSpatialReferenceH keep = w->srs, srs = OGR_L_GetSpatialRef(src);
	int n = OGR_FD_GetFieldCount(sd), i, *map = NULL, rc = 0;
	cm__pfield *fields = calloc((size_t)n + 1, sizeof *fields);
	OGRLayerH lyr;
	OGRFeatureH f;
	if (!fields)
		return -1;
	for (i = 0; i < n; i++) {
		OGRFieldDefnH fd = OGR_FD_GetFieldDefn(sd, i);
		OGRFieldType t = OGR_Fld_GetType(fd);
		/* the engine's name (a shapefile's short one back to it) */
		fields[i].name = cm__plan_engine_name(OGR_Fld_GetNameRef(fd));
		/* dates (layer_styles) and the rest as text */
		fields[i].type = t == OFTInteger ? CM__FT_INT : t == OFTInteger64 ? CM__FT_INT64
		                 : t == OFTReal ? CM__FT_REAL : CM__FT_TEXT;
	}
	if (geom != wkbNone && (w->format == FMT_GEOJSON || w->format == FMT_GPKG ||
	                        w->format == FMT_SHP) && srs)
		w->srs = srs;
	lyr = make_layer(w, name, geom, fields, (size_t)n);
	w->srs = keep;
	map = calloc((size_t)n + 1, sizeof *map);
	if (!lyr || !map) {
		free(fields);
		free(map);
		return -1;
	}
	for (i = 0; i < n; i++)
		map[i] = i; /* the fields were made in the same order */
	OGR_L_ResetReading(src);
	while (!rc && (f = OGR_L_GetNextFeature(src)) != NULL) {
		OGRFeatureH g = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
		OGRGeometryH geo = OGR_F_GetGeometryRef(f);
		rc = OGR_F_SetFromWithMap(g, f, TRUE, map) == OGRERR_NONE ? 0 : -1;
		if (!rc && geo && OGR_FD_GetGeomFieldCount(OGR_L_GetLayerDefn(lyr)))
			OGR_F_SetGeometry(g, geo);
		if (rc)
			OGR_F_Destroy(g);
		else
			rc = put(w, lyr, g);
		OGR_F_Destroy(f);
	}
	free(fields);
	free(map);
	return rc;
}

/* Does export write layer `lname` of a plan in format `fmt` (`xlsx`)? */
static int export_takes(const char *lname, out_format fmt, int xlsx)
{
	if (!strcmp(lname, "layer_styles") && fmt != FMT_GPKG)
		return 0; /* QGIS's table: a GeoPackage's only */
	if (!strcmp(lname, "roads") && (fmt == FMT_CSV || xlsx))
		return 0; /* lines without their geometry say nothing */
	return 1;
}

/* A shapefile or XLSX export's ids, before anything is written: every
 * value of an id field (id_fields) in the layers exported fits the
 * format.  0, or id_too_long's refusal naming the first that does not. */
static int export_ids_fit(cm_ctx *ctx, cm__planfile *src, out_format fmt, int xlsx,
                          const char *target)
{
	size_t k, nlayers;
	const cm__player *layers = cm__plan_layers(&nlayers);
	int rc = 0;
	if (fmt != FMT_SHP && !xlsx)
		return 0;
	for (k = 0; k < nlayers && !rc; k++) {
		OGRLayerH lyr = export_takes(layers[k].name, fmt, xlsx)
		                        ? cm__planfile_layer(src, layers[k].name) : NULL;
		OGRFeatureDefnH fd;
		OGRFeatureH f;
		int ids[8], nids = 0, i;
		if (!lyr)
			continue;
		fd = OGR_L_GetLayerDefn(lyr);
		for (i = 0; i < OGR_FD_GetFieldCount(fd) && nids < 8; i++)
			if (is_id_field(cm__plan_engine_name(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(fd, i)))))
				ids[nids++] = i;
		if (!nids)
			continue;
		OGR_L_ResetReading(lyr);
		while (!rc && (f = OGR_L_GetNextFeature(lyr)) != NULL) {
			for (i = 0; i < nids && !rc; i++) {
				const char *v = OGR_F_GetFieldAsString(f, ids[i]);
				const char *name = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(fd, ids[i]));
				long len = past_limit(xlsx, v);
				if (len)
					rc = id_too_long(ctx, target, xlsx, layers[k].name,
					                 xlsx ? cm__plan_engine_name(name)
					                      : cm__plan_shp_name(cm__plan_engine_name(name)),
					                 v, len);
			}
			OGR_F_Destroy(f);
		}
	}
	return rc;
}

/* An existing file at an XLSX plan's path is replaced only when it is one. */
static int replaceable_xlsx(cm_ctx *ctx, const char *path)
{
	struct stat st;
	GDALDatasetH g;
	int ok;
	if (stat(path, &st) != 0)
		return 0;
	g = S_ISREG(st.st_mode) ? GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL)
	                        : NULL;
	ok = g && GDALDatasetGetLayerByName(g, "assignment") && GDALDatasetGetLayerByName(g, "summary");
	if (g)
		GDALClose(g);
	return ok ? 0 : cm__error(ctx, CM_EINPUT, _("%s exists and is not a catchment plan: refusing "
	                          "to replace it"), path);
}

/* The export's format: `format`, else the path's extension. */
static int export_format(cm_ctx *ctx, const char *path, const char *format, int *xlsx,
                         out_format *out)
{
	int f = cm_format_of(CM_OUTPUT_EXPORT, path, format);
	*xlsx = f == CM_FORMAT_XLSX;
	if (*xlsx) {
		*out = FMT_CSV; /* attribute tables, as CSV: no geometry */
		return 0;
	}
	if (format && f < 0)
		return cm__error(ctx, CM_EINPUT, _("%s: no such format: gpkg, shp, geojson, csv or "
		                 "xlsx"), format);
	return pick_format(ctx, path, format, out);
}

int cm_plan_export(cm_ctx *ctx, const char *plan_path, const char *path, const char *format)
{
	static const char *const drivers[] = {"GPKG", "ESRI Shapefile", "GeoJSON", "CSV"};
	cm__planfile src;
	writer w;
	out_format fmt = FMT_GPKG;
	int xlsx = 0, rc, i, made;
	char *target = NULL, *tmp = NULL, *mem = NULL, *name = NULL;
	size_t k, nlayers;
	const cm__player *layers = cm__plan_layers(&nlayers); /* in the writer's order */

	memset(&w, 0, sizeof w);
	if (cm__is_pg(path))
		return cm__error(ctx, CM_EINPUT, _("%s: export writes files (gpkg, shp, geojson, csv, "
		                 "xlsx); a plan goes into PostgreSQL with solve -o PG:..."), path);
	if ((rc = export_format(ctx, path, format, &xlsx, &fmt)) || (rc = cm__out_check(ctx, path)))
		return rc;
	GDALAllRegister();
	CPLPushErrorHandler(CPLQuietErrorHandler);
	if ((rc = cm__planfile_open(ctx, &src, plan_path))) {
		CPLPopErrorHandler();
		return rc;
	}
	if (!(target = cm__strdup(path))) {
		rc = cm__error(ctx, CM_ENOMEM, _("out of memory"));
		goto done;
	}
	if (fmt != FMT_GPKG && !xlsx) { /* a folder, named after the path less its extension */
		char *dot = strrchr(target, '.');
		if (dot && !strchr(dot, '/'))
			*dot = '\0';
	}
	if (same_file(target, src.root) || inside(target, src.root) || inside(src.root, target)) {
		rc = cm__error(ctx, CM_EINPUT, _("%s: refusing to write over the plan exported (%s)"),
		               target, src.path);
		goto done;
	}
	rc = xlsx ? replaceable_xlsx(ctx, target)
	          : fmt == FMT_GPKG ? replaceable_gpkg(ctx, target) : replaceable_folder(ctx, target);
	if (!rc)
		rc = export_ids_fit(ctx, &src, fmt, xlsx, target);
	if (rc)
		goto done;
	/* the summary's scenario names the plan in a folder's marker */
	{
		OGRLayerH s = cm__planfile_layer(&src, "summary");
		OGRFeatureH f;
		if (s) {
			OGR_L_ResetReading(s);
			if ((f = OGR_L_GetNextFeature(s)) != NULL) {
				name = cm__strdup(cm__planfile_str(f, cm__planfile_field(s, "scenario")));
				OGR_F_Destroy(f);
			}
		}
	}
	w.ctx = ctx;
	w.path = target;
	w.format = fmt;
	w.xlsx = xlsx;
	tmp = xlsx ? (mem = cm__sprintf("/vsimem/catchment-export-%p.xlsx", (void *)&w))
	           : cm__out_temp(target);
	if (!tmp) {
		rc = cm__error(ctx, CM_ENOMEM, _("out of memory"));
		goto done;
	}
	w.tmp = xlsx ? NULL : tmp;
	CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", "2000-01-01T00:00:00.000Z");
	CPLErrorReset();
	errno = 0; /* reason()'s second source: no stale value */
	if (fmt == FMT_GEOJSON) {
		w.dir = tmp;
		made = mkdir(tmp, 0777) == 0;
	} else {
		GDALDriverH drv = GDALGetDriverByName(xlsx ? "XLSX" : drivers[fmt]);
		w.gds = drv ? GDALCreate(drv, tmp, 0, 0, 0, GDT_Unknown, NULL) : NULL;
		made = w.gds != NULL;
		if (made && fmt == FMT_GPKG && GDALDatasetStartTransaction(w.gds, FALSE) != OGRERR_NONE)
			made = 0;
	}
	if (!made) {
		rc = cm__error(ctx, CM_EIO, _("%s: cannot create the plan: %s"), target, reason(tmp));
		goto done;
	}
	for (k = 0; k < nlayers; k++) {
		const char *lname = layers[k].name;
		OGRLayerH lyr;
		if (!export_takes(lname, fmt, xlsx) || !(lyr = cm__planfile_layer(&src, lname)))
			continue;
		CPLErrorReset();
		errno = 0; /* reason()'s: this layer's failure, not an earlier one's */
		if (export_layer(&w, lyr, lname)) {
			rc = cm__error(ctx, CM_EIO, _("%s: writing the %s layer failed: %s"), target,
			               lname, reason(tmp));
			goto done;
		}
	}
	if ((rc = writer_close(&w, ctx, target)))
		goto done;
	if (xlsx) {
		/* read back in memory, then written out through a checked stream */
		GDALDatasetH g;
		CPLSetThreadLocalConfigOption("OGR_XLSX_HEADERS", "FORCE"); /* a sheet of text too */
		g = GDALOpenEx(mem, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
		vsi_l_offset len = 0;
		GByte *buf;
		cm_output *o = NULL;
		for (i = 0; i < w.nmade && g && !rc; i++) {
			OGRLayerH l = GDALDatasetGetLayerByName(g, w.made[i].name);
			if (!l || OGR_L_GetFeatureCount(l, TRUE) != w.made[i].n)
				rc = cm__error(ctx, CM_EIO, _("%s: the %s sheet does not read back whole (%lld "
				               "rows of %ld)"), target, w.made[i].name,
				               l ? (long long)OGR_L_GetFeatureCount(l, TRUE) : -1LL,
				               w.made[i].n);
		}
		if (g)
			GDALClose(g);
		else if (!rc)
			rc = cm__error(ctx, CM_EIO, _("%s: the spreadsheet does not read back"), target);
		CPLSetThreadLocalConfigOption("OGR_XLSX_HEADERS", NULL);
		buf = rc ? NULL : VSIGetMemFileBuffer(mem, &len, FALSE);
		if (!rc && !buf)
			rc = cm__error(ctx, CM_EIO, _("%s: the spreadsheet was not made"), target);
		if (!rc && !(rc = cm_output_open(ctx, target, &o))) {
			errno = 0;
			if (fwrite(buf, 1, (size_t)len, cm_output_stream(o)) != (size_t)len) {
				int err = errno;
				cm_output_abort(o);
				rc = cm__error(ctx, CM_EIO, _("%s: cannot write the plan: %s"), target,
				               err ? strerror(err) : _("the file system gave no reason"));
			} else {
				rc = cm_output_commit(ctx, o);
			}
		}
		goto done;
	}
	if ((rc = verify(&w, tmp)))
		goto done;
	if (fmt != FMT_GPKG && (rc = write_marker(ctx, tmp, target, "exported", name)))
		goto done;
	rc = cm__out_place(ctx, tmp, target);
done:
	if (w.gds)
		GDALClose(w.gds);
	for (i = 0; i < w.nparts; i++)
		GDALClose(w.parts[i]);
	if (mem)
		VSIUnlink(mem);
	else if (rc && tmp)
		cm__out_remove(tmp);
	CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", NULL);
	cm__planfile_close(&src);
	CPLPopErrorHandler();
	free(mem == tmp ? NULL : tmp);
	free(mem);
	free(target);
	free(name);
	return rc;
}
