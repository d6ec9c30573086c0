/*
 * planschema.c: the plan's schema, the one table of its layers and fields
 * (planschema.h says who reads it).  A field's row gives its engine name,
 * its shapefile name, its type as written, what a reader holds its values
 * to, and a short description; docs/output.md documents the same table for
 * planners.
 *
 * The order of a layer's rows is the order the writer makes the fields in:
 * write.c sets features by these indices, and planfile.c's enums name them.
 * A new field goes at the end of its layer, so that older plans still read.
 */
#include "planschema.h"

#include "internal.h"

#include <string.h>

#define MAXC ((long)CM_MAX_COUNT)        /* a count in one feature */
#define MAXL ((long)CM_MAX_LEVEL_PUPILS) /* a level's pupils */
#define MANY 1000000000000L /* tallies (compounds, relaxations): no limit of their own */

#define NEED CM__F_NEED
#define FULL CM__F_FULL
#define TEXT CM__FT_TEXT
#define INT CM__FT_INT
#define REAL CM__FT_REAL

static const cm__pfield assignment_f[] = {
	{"compound_id", "cmpd_id", TEXT, CM__V_ID, NEED | FULL, 0, "the compound"},
	{"compound_name", "cmpd_name", TEXT, CM__V_TEXT, 0, 0, "its name"},
	{"level", "level", TEXT, CM__V_LEVEL, NEED | FULL, 0, "primary or junior"},
	{"school_id", "school_id", TEXT, CM__V_TEXT, NEED, 0, "the school; empty: no place"},
	{"school_name", "schl_name", TEXT, CM__V_TEXT, 0, 0, "its name"},
	{"seat_kind", "seat_kind", TEXT, CM__V_SEAT, NEED | FULL, 0,
	 "public, purchased, fee or unplaced"},
	{"local", "local", INT, CM__V_COUNT, NEED | FULL, MAXC, "local pupils (户籍)"},
	{"migrant", "migrant", INT, CM__V_COUNT, NEED | FULL, MAXC, "migrant pupils (随迁)"},
	{"distance_m", "distance_m", REAL, CM__V_POS, FULL, 0, "the distance the plan used"},
	{"minutes", "minutes", REAL, CM__V_POS, 0, 0, "the travel time, when known"},
};

static const cm__pfield schools_f[] = {
	{"school_id", "school_id", TEXT, CM__V_ID, NEED | FULL, 0, "the school"},
	{"name", "name", TEXT, CM__V_TEXT, NEED, 0, "its name"},
	{"level", "level", TEXT, CM__V_LEVEL, NEED | FULL, 0, "a level it teaches"},
	{"sector", "sector", TEXT, CM__V_SECTOR, NEED | FULL, 0, "public or private"},
	{"boarding", "boarding", INT, CM__V_COUNT, NEED | FULL, 1, "1: a boarding school"},
	{"seats", "seats", INT, CM__V_COUNT, FULL, MAXC, "seats of the level"},
	{"local", "local", INT, CM__V_COUNT, FULL, MAXC, "local pupils enrolled"},
	{"migrant", "migrant", INT, CM__V_COUNT, FULL, MAXC, "migrant pupils enrolled"},
	{"enrolled", "enrolled", INT, CM__V_COUNT, NEED | FULL, MAXC, "local + migrant"},
	{"utilization", "util", REAL, CM__V_POS, FULL, 0, "enrolled / seats"},
	{"classes", "classes", INT, CM__V_COUNT, FULL, MAXC, "classes of the level"},
	{"spare", "spare", INT, CM__V_WHOLE, NEED | FULL, MAXC, "seats - enrolled"},
	{"shadow_price", "shadow_m", REAL, CM__V_POS, FULL, 0, "pupil-metres saved per extra seat"},
	{"shadow_pupils", "shadow_u", REAL, CM__V_POS, FULL, 0,
	 "unplaced pupils avoided per extra seat"},
	/* written only when some school has one */
	{"address", "address", TEXT, CM__V_TEXT, 0, 0, "the school's address, for the lookup page"},
};

static const cm__pfield summary_f[] = {
	{"level", "level", TEXT, CM__V_LEVEL, NEED | FULL, 0, "primary or junior"},
	{"pupils", "pupils", INT, CM__V_COUNT, NEED | FULL, MAXL, "placed + unplaced"},
	{"placed", "placed", INT, CM__V_COUNT, NEED | FULL, MAXL, "pupils with a place"},
	{"unplaced", "unplaced", INT, CM__V_COUNT, NEED | FULL, MAXL, "pupils without one"},
	{"pupil_metres", "pupil_m", REAL, CM__V_POS, FULL, 0, "the objective's distance"},
	{"mean_distance_m", "mean_dist", REAL, CM__V_POS, NEED | FULL, 0, "a placed pupil's mean"},
	{"max_distance_m", "max_dist", REAL, CM__V_POS, FULL, 0, "the longest trip"},
	{"near_share", "near_share", REAL, CM__V_SHARE, 0, 0, "pupils placed near home"},
	{"migrant_public_share", "migr_share", REAL, CM__V_SHARE, NEED, 0,
	 "migrants in public places"},
	{"quota_met", "quota_met", INT, CM__V_COUNT, FULL, 1, "1: the migrant quota holds"},
	{"mip_gap", "mip_gap", REAL, CM__V_SHARE, FULL, 0, "the certified gap"},
	{"solve_seconds", "solve_s", REAL, CM__V_POS, FULL, 0, "the solve's time (not deterministic)"},
	{"lp_bound", "lp_bound", REAL, CM__V_REAL, FULL, 0, "the relaxation's pupil-metres"},
	{"lp_unplaced", "lp_unpl", INT, CM__V_COUNT, FULL, MAXL, "the relaxation's unplaced"},
	{"scenario", "scenario", TEXT, CM__V_TEXT, NEED, 0, "[output] name, a scenario's name"},
	{"moved", "moved", INT, CM__V_COUNT, 0, MAXL, "pupils moved against the previous plan"},
	{"moved_compounds", "moved_cmpd", INT, CM__V_COUNT, 0, MANY, "compounds moved"},
	{"bound", "bound", REAL, CM__V_POS, 0, 0, "the proved lower bound"},
	{"bound_unplaced", "bound_unpl", INT, CM__V_COUNT, FULL, MAXL, "the fewest unplaced, proved"},
	{"nodes", "nodes", INT, CM__V_COUNT, FULL, MANY, "relaxations solved"},
	{"proven", "proven", INT, CM__V_COUNT, FULL, 1, "1: optimal within 1e-6"},
	{"distance_kind", "dist_kind", TEXT, CM__V_TEXT, 0, 0,
	 "straight, table, roads_walk or roads_drive"},
	{"mean_minutes", "mean_min", REAL, CM__V_POS, 0, 0, "a placed pupil's mean travel time"},
	{"title", "title", TEXT, CM__V_TEXT, 0, 0, "the maps' page title"},
};

static const cm__pfield catchments_f[] = {
	{"school_id", "school_id", TEXT, CM__V_ID, NEED | FULL, 0, "the public school"},
	{"name", "name", TEXT, CM__V_TEXT, 0, 0, "its name"},
	{"level", "level", TEXT, CM__V_LEVEL, NEED | FULL, 0, "primary or junior"},
	{"compounds", "compounds", INT, CM__V_COUNT, FULL, MANY, "compounds naming the school"},
	{"pupils", "pupils", INT, CM__V_COUNT, FULL, MAXC, "the school's enrolled"},
	{"seats", "seats", INT, CM__V_COUNT, FULL, MAXC, "its seats"},
	{"utilization", "util", REAL, CM__V_POS, FULL, 0, "enrolled / seats"},
	{"parts", "parts", INT, CM__V_COUNT, FULL, MANY, "groups of neighbouring compounds"},
	{"color", "color", TEXT, CM__V_COLOR, NEED | FULL, 0, "#rrggbb for maps"},
};

static const cm__pfield compounds_f[] = {
	{"compound_id", "cmpd_id", TEXT, CM__V_ID, NEED | FULL, 0, "the compound"},
	{"name", "name", TEXT, CM__V_TEXT, NEED, 0, "its name"},
	{"area_type", "area_type", TEXT, CM__V_TEXT, 0, 0, "the compound's area type"},
	{"primary_local", "prim_local", INT, CM__V_COUNT, NEED | FULL, MAXC, "pupils"},
	{"primary_migrant", "prim_migr", INT, CM__V_COUNT, NEED | FULL, MAXC, "pupils"},
	{"junior_local", "jun_local", INT, CM__V_COUNT, NEED | FULL, MAXC, "pupils"},
	{"junior_migrant", "jun_migr", INT, CM__V_COUNT, NEED | FULL, MAXC, "pupils"},
	{"school_primary", "schl_prim", TEXT, CM__V_TEXT, NEED, 0, "catchment school; empty: none"},
	{"school_junior", "schl_jun", TEXT, CM__V_TEXT, NEED, 0, "catchment school; empty: none"},
	{"unplaced_primary", "unpl_prim", INT, CM__V_COUNT, NEED, MAXL, "pupils without a place"},
	{"unplaced_junior", "unpl_jun", INT, CM__V_COUNT, NEED, MAXL, "pupils without a place"},
	/* written only when the distances are not straight lines */
	{"detour_primary", "detour_pri", REAL, CM__V_POS, 0, 0, "by the plan's distance / straight"},
	{"detour_junior", "detour_jun", REAL, CM__V_POS, 0, 0, "by the plan's distance / straight"},
};

static const cm__pfield zones_f[] = {
	{"school_id", "school_id", TEXT, CM__V_ID, NEED | FULL, 0, "the public school"},
	{"name", "name", TEXT, CM__V_TEXT, 0, 0, "its name"},
	{"level", "level", TEXT, CM__V_LEVEL, NEED | FULL, 0, "primary or junior"},
	{"color", "color", TEXT, CM__V_COLOR, NEED | FULL, 0, "the catchment's colour"},
};

static const cm__pfield boundary_f[] = {
	{"name", "name", TEXT, CM__V_TEXT, 0, 0, "\"boundary\""},
};

static const cm__pfield roads_f[] = {
	{"length_m", "length_m", REAL, CM__V_POS, 0, 0, "the road's length"},
};

static const cm__pfield changes_f[] = {
	{"compound_id", "cmpd_id", TEXT, CM__V_ID, NEED | FULL, 0, "the compound"},
	{"compound_name", "cmpd_name", TEXT, CM__V_TEXT, 0, 0, "its name"},
	{"level", "level", TEXT, CM__V_LEVEL, NEED | FULL, 0, "primary or junior"},
	{"previous_school", "prev_schl", TEXT, CM__V_TEXT, 0, 0, "last year's school"},
	{"school_id", "school_id", TEXT, CM__V_TEXT, 0, 0, "the school now; empty: no place"},
	{"school_name", "schl_name", TEXT, CM__V_TEXT, 0, 0, "its name"},
	{"pupils", "pupils", INT, CM__V_COUNT, FULL, 2 * MAXC, "the compound's pupils"},
	{"forced", "forced", INT, CM__V_COUNT, FULL, 1, "1: last year's school is gone"},
};

/* QGIS's own table (GeoPackage only): its names, never in a shapefile. */
static const cm__pfield styles_f[] = {
	{"f_table_catalog", NULL, TEXT, CM__V_TEXT, 0, 0, ""},
	{"f_table_schema", NULL, TEXT, CM__V_TEXT, 0, 0, ""},
	{"f_table_name", NULL, TEXT, CM__V_TEXT, 0, 0, "catchments or zones"},
	{"f_geometry_column", NULL, TEXT, CM__V_TEXT, 0, 0, "geom"},
	{"styleName", NULL, TEXT, CM__V_TEXT, 0, 0, ""},
	{"styleQML", NULL, TEXT, CM__V_TEXT, 0, 0, "the style"},
	{"styleSLD", NULL, TEXT, CM__V_TEXT, 0, 0, ""},
	{"useAsDefault", NULL, INT, CM__V_COUNT, 0, 1, "1"},
	{"description", NULL, TEXT, CM__V_TEXT, 0, 0, ""},
	{"owner", NULL, TEXT, CM__V_TEXT, 0, 0, ""},
	{"ui", NULL, TEXT, CM__V_TEXT, 0, 0, ""},
	{"update_time", NULL, CM__FT_DATETIME, CM__V_TEXT, 0, 0, "pinned"},
};

#define LAYER(name, geom, f, required, checked) \
	{name, geom, f, (int)(sizeof f / sizeof *f), required, checked}

/* In the writer's order (export copies layers so too). */
static const cm__player layers[] = {
	LAYER("assignment", CM__G_LINE, assignment_f, 1, 1),
	LAYER("schools", CM__G_POINT, schools_f, 1, 1),
	LAYER("summary", CM__G_NONE, summary_f, 1, 1),
	LAYER("catchments", CM__G_MULTIPOLYGON, catchments_f, 1, 1),
	LAYER("compounds", CM__G_POINT_OR_MULTIPOLYGON, compounds_f, 1, 1),
	LAYER("zones", CM__G_MULTIPOLYGON, zones_f, 0, 1),
	LAYER("boundary", CM__G_MULTIPOLYGON, boundary_f, 0, 0),
	LAYER("roads", CM__G_LINE, roads_f, 0, 0),
	LAYER("changes", CM__G_POINT, changes_f, 0, 1),
	LAYER("layer_styles", CM__G_NONE, styles_f, 0, 0),
};

const cm__player *cm__plan_layers(size_t *n)
{
	*n = sizeof layers / sizeof *layers;
	return layers;
}

const cm__player *cm__plan_layer(const char *name)
{
	size_t i;
	for (i = 0; i < sizeof layers / sizeof *layers; i++)
		if (!strcmp(layers[i].name, name))
			return &layers[i];
	return NULL;
}

const cm__pfield *cm__plan_field(const cm__player *lyr, const char *name, int *index)
{
	int i;
	for (i = 0; lyr && i < lyr->nfields; i++)
		if (!strcmp(lyr->fields[i].name, name) ||
		    (lyr->fields[i].shp && !strcmp(lyr->fields[i].shp, name))) {
			if (index)
				*index = i;
			return &lyr->fields[i];
		}
	return NULL;
}

/* Field `name` (by its engine name, or by its shapefile name when `shp`)
 * in any layer; a name means the same field everywhere. */
static const cm__pfield *any_field(const char *name, int shp)
{
	size_t i;
	int k;
	for (i = 0; i < sizeof layers / sizeof *layers; i++)
		for (k = 0; k < layers[i].nfields; k++) {
			const cm__pfield *f = &layers[i].fields[k];
			if (shp ? f->shp && !strcmp(f->shp, name) : !strcmp(f->name, name))
				return f;
		}
	return NULL;
}

const char *cm__plan_shp_name(const char *name)
{
	const cm__pfield *f;
	if (strlen(name) <= 10)
		return name;
	f = any_field(name, 0);
	return f ? f->shp : NULL; /* a name without a short form: a bug the tests catch */
}

const char *cm__plan_engine_name(const char *name)
{
	const cm__pfield *f = any_field(name, 1);
	return f ? f->name : name;
}

const char **cm__plan_field_names(const char *name, const char *out[3])
{
	const char *shp = cm__plan_shp_name(name);
	out[0] = name;
	out[1] = shp && strcmp(shp, name) ? shp : NULL;
	out[2] = NULL;
	return out;
}
