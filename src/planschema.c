/*
 * planschema.c: the plan's schema, the one table of its layers and fields
 * (planschema.h says who reads it).  A field's row gives its engine name,
 * its shapefile name, its type as written, what a reader holds its values
 * to, and a short description; docs/output.md documents the same table for
 * planners.
 *
 * The order of a layer's rows is the order the writer makes the fields in,
 * and planschema.h's enums name it (CM__SCH_SEATS is the schools layer's
 * `seats`): each row is put at its enum's index, so a row and its name
 * cannot drift apart, and write.c and planfile.c index fields by the enums.
 * A new field goes at the end of its layer (before its _N), so that older
 * plans still read.
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

static const cm__pfield assignment_f[CM__ASG_N] = {
	[CM__ASG_COMPOUND_ID] = {"compound_id", "cmpd_id", TEXT, CM__V_ID, NEED | FULL, 0,
	 "the compound"},
	[CM__ASG_COMPOUND_NAME] = {"compound_name", "cmpd_name", TEXT, CM__V_TEXT, 0, 0,
	 "its name"},
	[CM__ASG_LEVEL] = {"level", "level", TEXT, CM__V_LEVEL, NEED | FULL, 0,
	 "primary or junior"},
	[CM__ASG_SCHOOL_ID] = {"school_id", "school_id", TEXT, CM__V_TEXT, NEED, 0,
	 "the school; empty: no place"},
	[CM__ASG_SCHOOL_NAME] = {"school_name", "schl_name", TEXT, CM__V_TEXT, 0, 0, "its name"},
	[CM__ASG_SEAT_KIND] = {"seat_kind", "seat_kind", TEXT, CM__V_SEAT, NEED | FULL, 0,
	 "public, purchased, fee or unplaced"},
	[CM__ASG_LOCAL] = {"local", "local", INT, CM__V_COUNT, NEED | FULL, MAXC,
	 "local pupils (户籍)"},
	[CM__ASG_MIGRANT] = {"migrant", "migrant", INT, CM__V_COUNT, NEED | FULL, MAXC,
	 "migrant pupils (随迁)"},
	[CM__ASG_DISTANCE_M] = {"distance_m", "distance_m", REAL, CM__V_POS, FULL, 0,
	 "the distance the plan used"},
	[CM__ASG_MINUTES] = {"minutes", "minutes", REAL, CM__V_POS, 0, 0,
	 "the travel time, when known"},
};

static const cm__pfield schools_f[CM__SCH_N] = {
	[CM__SCH_SCHOOL_ID] = {"school_id", "school_id", TEXT, CM__V_ID, NEED | FULL, 0,
	 "the school"},
	[CM__SCH_NAME] = {"name", "name", TEXT, CM__V_TEXT, NEED, 0, "its name"},
	[CM__SCH_LEVEL] = {"level", "level", TEXT, CM__V_LEVEL, NEED | FULL, 0,
	 "a level it teaches"},
	[CM__SCH_SECTOR] = {"sector", "sector", TEXT, CM__V_SECTOR, NEED | FULL, 0,
	 "public or private"},
	[CM__SCH_BOARDING] = {"boarding", "boarding", INT, CM__V_COUNT, NEED | FULL, 1,
	 "1: a boarding school"},
	[CM__SCH_SEATS] = {"seats", "seats", INT, CM__V_COUNT, FULL, MAXC, "seats of the level"},
	[CM__SCH_LOCAL] = {"local", "local", INT, CM__V_COUNT, FULL, MAXC, "local pupils enrolled"},
	[CM__SCH_MIGRANT] = {"migrant", "migrant", INT, CM__V_COUNT, FULL, MAXC,
	 "migrant pupils enrolled"},
	[CM__SCH_ENROLLED] = {"enrolled", "enrolled", INT, CM__V_COUNT, NEED | FULL, MAXC,
	 "local + migrant"},
	[CM__SCH_UTILIZATION] = {"utilization", "util", REAL, CM__V_POS, FULL, 0,
	 "enrolled / seats"},
	[CM__SCH_CLASSES] = {"classes", "classes", INT, CM__V_COUNT, FULL, MAXC,
	 "classes of the level"},
	[CM__SCH_SPARE] = {"spare", "spare", INT, CM__V_WHOLE, NEED | FULL, MAXC,
	 "seats - enrolled"},
	[CM__SCH_SHADOW_PRICE] = {"shadow_price", "shadow_m", REAL, CM__V_POS, FULL, 0,
	 "pupil-metres saved per extra seat"},
	[CM__SCH_SHADOW_PUPILS] = {"shadow_pupils", "shadow_u", REAL, CM__V_POS, FULL, 0,
	 "unplaced pupils avoided per extra seat"},
	/* written only when some school has one */
	[CM__SCH_ADDRESS] = {"address", "address", TEXT, CM__V_TEXT, 0, 0, "the school's address, for the lookup page"},
};

static const cm__pfield summary_f[CM__SUM_N] = {
	[CM__SUM_LEVEL] = {"level", "level", TEXT, CM__V_LEVEL, NEED | FULL, 0,
	 "primary or junior"},
	[CM__SUM_PUPILS] = {"pupils", "pupils", INT, CM__V_COUNT, NEED | FULL, MAXL,
	 "placed + unplaced"},
	[CM__SUM_PLACED] = {"placed", "placed", INT, CM__V_COUNT, NEED | FULL, MAXL,
	 "pupils with a place"},
	[CM__SUM_UNPLACED] = {"unplaced", "unplaced", INT, CM__V_COUNT, NEED | FULL, MAXL,
	 "pupils without one"},
	[CM__SUM_PUPIL_METRES] = {"pupil_metres", "pupil_m", REAL, CM__V_POS, FULL, 0,
	 "the objective's distance"},
	[CM__SUM_MEAN_DISTANCE_M] = {"mean_distance_m", "mean_dist", REAL, CM__V_POS, NEED | FULL, 0,
	 "a placed pupil's mean"},
	[CM__SUM_MAX_DISTANCE_M] = {"max_distance_m", "max_dist", REAL, CM__V_POS, FULL, 0,
	 "the longest trip"},
	[CM__SUM_NEAR_SHARE] = {"near_share", "near_share", REAL, CM__V_SHARE, 0, 0,
	 "pupils placed near home"},
	[CM__SUM_MIGRANT_PUBLIC_SHARE] = {"migrant_public_share", "migr_share", REAL, CM__V_SHARE,
	 NEED, 0, "migrants in public places"},
	[CM__SUM_QUOTA_MET] = {"quota_met", "quota_met", INT, CM__V_COUNT, FULL, 1,
	 "1: the migrant quota holds"},
	[CM__SUM_MIP_GAP] = {"mip_gap", "mip_gap", REAL, CM__V_SHARE, FULL, 0, "the certified gap"},
	[CM__SUM_SOLVE_SECONDS] = {"solve_seconds", "solve_s", REAL, CM__V_POS, FULL, 0,
	 "the solve's time (not deterministic)"},
	[CM__SUM_LP_BOUND] = {"lp_bound", "lp_bound", REAL, CM__V_REAL, FULL, 0,
	 "the relaxation's pupil-metres"},
	[CM__SUM_LP_UNPLACED] = {"lp_unplaced", "lp_unpl", INT, CM__V_COUNT, FULL, MAXL,
	 "the relaxation's unplaced"},
	[CM__SUM_SCENARIO] = {"scenario", "scenario", TEXT, CM__V_TEXT, NEED, 0,
	 "[output] name, a scenario's name"},
	[CM__SUM_MOVED] = {"moved", "moved", INT, CM__V_COUNT, 0, MAXL,
	 "pupils moved against the previous plan"},
	[CM__SUM_MOVED_COMPOUNDS] = {"moved_compounds", "moved_cmpd", INT, CM__V_COUNT, 0, MANY,
	 "compounds moved"},
	[CM__SUM_BOUND] = {"bound", "bound", REAL, CM__V_POS, 0, 0, "the proved lower bound"},
	[CM__SUM_BOUND_UNPLACED] = {"bound_unplaced", "bound_unpl", INT, CM__V_COUNT, FULL, MAXL,
	 "the fewest unplaced, proved"},
	[CM__SUM_NODES] = {"nodes", "nodes", INT, CM__V_COUNT, FULL, MANY, "relaxations solved"},
	[CM__SUM_PROVEN] = {"proven", "proven", INT, CM__V_COUNT, FULL, 1,
	 "1: optimal within 1e-6"},
	[CM__SUM_DISTANCE_KIND] = {"distance_kind", "dist_kind", TEXT, CM__V_TEXT, 0, 0,
	 "straight, table, roads_walk or roads_drive"},
	[CM__SUM_MEAN_MINUTES] = {"mean_minutes", "mean_min", REAL, CM__V_POS, 0, 0,
	 "a placed pupil's mean travel time"},
	[CM__SUM_TITLE] = {"title", "title", TEXT, CM__V_TEXT, 0, 0, "the maps' page title"},
	/* after the others: a plan of an earlier version lacks it */
	[CM__SUM_NEAR_MET] = {"near_met", "near_met", INT, CM__V_COUNT, FULL, 1,
	 "1: the near-school minimum holds (or there is none)"},
	[CM__SUM_MOVED_MET] = {"moved_met", "moved_met", INT, CM__V_COUNT, FULL, 1,
	 "1: the cap on pupils moved holds (or there is none)"},
};

static const cm__pfield catchments_f[CM__CAT_N] = {
	[CM__CAT_SCHOOL_ID] = {"school_id", "school_id", TEXT, CM__V_ID, NEED | FULL, 0,
	 "the public school"},
	[CM__CAT_NAME] = {"name", "name", TEXT, CM__V_TEXT, 0, 0, "its name"},
	[CM__CAT_LEVEL] = {"level", "level", TEXT, CM__V_LEVEL, NEED | FULL, 0,
	 "primary or junior"},
	[CM__CAT_COMPOUNDS] = {"compounds", "compounds", INT, CM__V_COUNT, FULL, MANY,
	 "compounds naming the school"},
	[CM__CAT_PUPILS] = {"pupils", "pupils", INT, CM__V_COUNT, FULL, MAXC,
	 "the school's enrolled"},
	[CM__CAT_SEATS] = {"seats", "seats", INT, CM__V_COUNT, FULL, MAXC, "its seats"},
	[CM__CAT_UTILIZATION] = {"utilization", "util", REAL, CM__V_POS, FULL, 0,
	 "enrolled / seats"},
	[CM__CAT_PARTS] = {"parts", "parts", INT, CM__V_COUNT, FULL, MANY,
	 "groups of neighbouring compounds"},
	[CM__CAT_COLOR] = {"color", "color", TEXT, CM__V_COLOR, NEED | FULL, 0, "#rrggbb for maps"},
};

static const cm__pfield compounds_f[CM__CMP_N] = {
	[CM__CMP_COMPOUND_ID] = {"compound_id", "cmpd_id", TEXT, CM__V_ID, NEED | FULL, 0,
	 "the compound"},
	[CM__CMP_NAME] = {"name", "name", TEXT, CM__V_TEXT, NEED, 0, "its name"},
	[CM__CMP_AREA_TYPE] = {"area_type", "area_type", TEXT, CM__V_TEXT, 0, 0,
	 "the compound's area type"},
	[CM__CMP_PRIMARY_LOCAL] = {"primary_local", "prim_local", INT, CM__V_COUNT, NEED | FULL, MAXC,
	 "pupils"},
	[CM__CMP_PRIMARY_MIGRANT] = {"primary_migrant", "prim_migr", INT, CM__V_COUNT, NEED | FULL, MAXC,
	 "pupils"},
	[CM__CMP_JUNIOR_LOCAL] = {"junior_local", "jun_local", INT, CM__V_COUNT, NEED | FULL, MAXC,
	 "pupils"},
	[CM__CMP_JUNIOR_MIGRANT] = {"junior_migrant", "jun_migr", INT, CM__V_COUNT, NEED | FULL, MAXC,
	 "pupils"},
	[CM__CMP_SCHOOL_PRIMARY] = {"school_primary", "schl_prim", TEXT, CM__V_TEXT, NEED, 0,
	 "catchment school; empty: none"},
	[CM__CMP_SCHOOL_JUNIOR] = {"school_junior", "schl_jun", TEXT, CM__V_TEXT, NEED, 0,
	 "catchment school; empty: none"},
	[CM__CMP_UNPLACED_PRIMARY] = {"unplaced_primary", "unpl_prim", INT, CM__V_COUNT, NEED, MAXL,
	 "pupils without a place"},
	[CM__CMP_UNPLACED_JUNIOR] = {"unplaced_junior", "unpl_jun", INT, CM__V_COUNT, NEED, MAXL,
	 "pupils without a place"},
	/* written only when the distances are not straight lines */
	[CM__CMP_DETOUR_PRIMARY] = {"detour_primary", "detour_pri", REAL, CM__V_POS, 0, 0,
	 "by the plan's distance / straight"},
	[CM__CMP_DETOUR_JUNIOR] = {"detour_junior", "detour_jun", REAL, CM__V_POS, 0, 0,
	 "by the plan's distance / straight"},
};

static const cm__pfield zones_f[CM__ZON_N] = {
	[CM__ZON_SCHOOL_ID] = {"school_id", "school_id", TEXT, CM__V_ID, NEED | FULL, 0,
	 "the public school"},
	[CM__ZON_NAME] = {"name", "name", TEXT, CM__V_TEXT, 0, 0, "its name"},
	[CM__ZON_LEVEL] = {"level", "level", TEXT, CM__V_LEVEL, NEED | FULL, 0,
	 "primary or junior"},
	[CM__ZON_COLOR] = {"color", "color", TEXT, CM__V_COLOR, NEED | FULL, 0,
	 "the catchment's colour"},
};

static const cm__pfield boundary_f[CM__BND_N] = {
	[CM__BND_NAME] = {"name", "name", TEXT, CM__V_TEXT, 0, 0, "\"boundary\""},
};

static const cm__pfield roads_f[CM__RD_N] = {
	[CM__RD_LENGTH_M] = {"length_m", "length_m", REAL, CM__V_POS, 0, 0, "the road's length"},
};

static const cm__pfield changes_f[CM__CHG_N] = {
	[CM__CHG_COMPOUND_ID] = {"compound_id", "cmpd_id", TEXT, CM__V_ID, NEED | FULL, 0,
	 "the compound"},
	[CM__CHG_COMPOUND_NAME] = {"compound_name", "cmpd_name", TEXT, CM__V_TEXT, 0, 0,
	 "its name"},
	[CM__CHG_LEVEL] = {"level", "level", TEXT, CM__V_LEVEL, NEED | FULL, 0,
	 "primary or junior"},
	[CM__CHG_PREVIOUS_SCHOOL] = {"previous_school", "prev_schl", TEXT, CM__V_TEXT, 0, 0,
	 "last year's school"},
	[CM__CHG_SCHOOL_ID] = {"school_id", "school_id", TEXT, CM__V_TEXT, 0, 0,
	 "the school now; empty: no place"},
	[CM__CHG_SCHOOL_NAME] = {"school_name", "schl_name", TEXT, CM__V_TEXT, 0, 0, "its name"},
	[CM__CHG_PUPILS] = {"pupils", "pupils", INT, CM__V_COUNT, FULL, 2 * MAXC,
	 "the compound's pupils"},
	[CM__CHG_FORCED] = {"forced", "forced", INT, CM__V_COUNT, FULL, 1,
	 "1: last year's school is gone"},
	[CM__CHG_PREVIOUS_NAME] = {"previous_name", "prev_name", TEXT, CM__V_TEXT, 0, 0,
	 "last year's school's name"},
};

/* QGIS's own table (GeoPackage only): its names, never in a shapefile. */
static const cm__pfield styles_f[CM__STY_N] = {
	[CM__STY_F_TABLE_CATALOG] = {"f_table_catalog", NULL, TEXT, CM__V_TEXT, 0, 0, ""},
	[CM__STY_F_TABLE_SCHEMA] = {"f_table_schema", NULL, TEXT, CM__V_TEXT, 0, 0, ""},
	[CM__STY_F_TABLE_NAME] = {"f_table_name", NULL, TEXT, CM__V_TEXT, 0, 0,
	 "catchments or zones"},
	[CM__STY_F_GEOMETRY_COLUMN] = {"f_geometry_column", NULL, TEXT, CM__V_TEXT, 0, 0, "geom"},
	[CM__STY_STYLENAME] = {"styleName", NULL, TEXT, CM__V_TEXT, 0, 0, ""},
	[CM__STY_STYLEQML] = {"styleQML", NULL, TEXT, CM__V_TEXT, 0, 0, "the style"},
	[CM__STY_STYLESLD] = {"styleSLD", NULL, TEXT, CM__V_TEXT, 0, 0, ""},
	[CM__STY_USEASDEFAULT] = {"useAsDefault", NULL, INT, CM__V_COUNT, 0, 1, "1"},
	[CM__STY_DESCRIPTION] = {"description", NULL, TEXT, CM__V_TEXT, 0, 0, ""},
	[CM__STY_OWNER] = {"owner", NULL, TEXT, CM__V_TEXT, 0, 0, ""},
	[CM__STY_UI] = {"ui", NULL, TEXT, CM__V_TEXT, 0, 0, ""},
	[CM__STY_UPDATE_TIME] = {"update_time", NULL, CM__FT_DATETIME, CM__V_TEXT, 0, 0, "pinned"},
};

#define LAYER(name, geom, f, required, checked) \
	{name, geom, f, (int)(sizeof f / sizeof *f), required, checked}

/* In the writer's order (export copies layers so too), at planschema.h's
 * CM__L_ indices. */
static const cm__player layers[CM__L_N] = {
	[CM__L_ASSIGNMENT] = LAYER("assignment", CM__G_LINE, assignment_f, 1, 1),
	[CM__L_SCHOOLS] = LAYER("schools", CM__G_POINT, schools_f, 1, 1),
	[CM__L_SUMMARY] = LAYER("summary", CM__G_NONE, summary_f, 1, 1),
	[CM__L_CATCHMENTS] = LAYER("catchments", CM__G_MULTIPOLYGON, catchments_f, 1, 1),
	[CM__L_COMPOUNDS] = LAYER("compounds", CM__G_POINT_OR_MULTIPOLYGON, compounds_f, 1, 1),
	[CM__L_ZONES] = LAYER("zones", CM__G_MULTIPOLYGON, zones_f, 0, 1),
	[CM__L_BOUNDARY] = LAYER("boundary", CM__G_MULTIPOLYGON, boundary_f, 0, 0),
	[CM__L_ROADS] = LAYER("roads", CM__G_LINE, roads_f, 0, 0),
	[CM__L_CHANGES] = LAYER("changes", CM__G_POINT, changes_f, 0, 1),
	[CM__L_STYLES] = LAYER("layer_styles", CM__G_NONE, styles_f, 0, 0),
};

const cm__player *cm__plan_layers(size_t *n)
{
	*n = sizeof layers / sizeof *layers;
	return layers;
}

const cm__player *cm__plan_layer_at(int layer)
{
	return layer >= 0 && layer < CM__L_N ? &layers[layer] : NULL;
}

const char *cm__plan_fname(int layer, int field)
{
	const cm__player *l = cm__plan_layer_at(layer);
	return l && field >= 0 && field < l->nfields ? l->fields[field].name : NULL;
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
