/*
 * planschema.h: the plan's schema, one table (planschema.c): its layers in
 * the writer's order and, per layer, its fields with their types, their
 * shapefile names and what a reader holds them to, each named by an enum.
 * write.c makes every layer from it and sets fields by those enums;
 * planfile.c checks a plan by it, and the readers (map.c, compare.c,
 * previous.c, html.c, publish.c, export) find fields by its names.
 * No GDAL here: the OGR types and handles are write.c's and planfile.c's.
 * docs/output.md ("Layers", "Shapefile field names") documents the table.
 */
#ifndef CM_PLANSCHEMA_H
#define CM_PLANSCHEMA_H

#include <stddef.h>

/* A field's type as written (write.c maps it to OGR's). */
typedef enum {
	CM__FT_TEXT,       /* OFTString */
	CM__FT_INT,        /* OFTInteger */
	CM__FT_REAL,       /* OFTReal */
	CM__FT_DATETIME,   /* OFTDateTime (QGIS's layer_styles only) */
	CM__FT_INT64,      /* OFTInteger64: never written by solve; export keeps a source's */
} cm__ftype;

/* What a reader holds a field's values to (planfile.c's check). */
typedef enum {
	CM__V_ID,          /* text, never empty where FULL: an id */
	CM__V_TEXT,        /* any text */
	CM__V_LEVEL,       /* primary or junior */
	CM__V_SEAT,        /* public, purchased, fee or unplaced */
	CM__V_SECTOR,      /* public or private */
	CM__V_COLOR,       /* #rrggbb */
	CM__V_COUNT,       /* a whole number from 0 to max, in digits */
	CM__V_WHOLE,       /* a whole number from -max to max */
	CM__V_REAL,        /* a finite number */
	CM__V_POS,         /* a finite number, not negative */
	CM__V_SHARE,       /* a number from 0 to 1 */
} cm__fvalue;

#define CM__F_NEED 1 /* a reader uses it: a plan's layer must have it */
#define CM__F_FULL 2 /* the writer fills it in every feature */

typedef struct cm__pfield {
	const char *name;  /* the engine's name */
	const char *shp;   /* in a shapefile (10 characters at most); NULL: never in one */
	cm__ftype type;    /* as written */
	cm__fvalue value;  /* its values, for the check */
	int flags;         /* CM__F_NEED, CM__F_FULL */
	long max;          /* CM__V_COUNT, CM__V_WHOLE: the largest value (either sign) */
	const char *what;  /* a short description */
} cm__pfield;

/* A layer's geometry as written (write.c: compounds are points unless
 * every compound is a polygon; CSV tables have none). */
typedef enum {
	CM__G_NONE,
	CM__G_POINT,
	CM__G_LINE,
	CM__G_MULTIPOLYGON,
	CM__G_POINT_OR_MULTIPOLYGON,
} cm__geom;

typedef struct cm__player {
	const char *name;          /* the layer's name (a folder's file name too) */
	cm__geom geom;
	const cm__pfield *fields;  /* in the order written */
	int nfields;
	int required;              /* 1: a plan without it is not a plan (reading) */
	int checked;               /* 1: planfile.c checks its features */
} cm__player;

/* The plan's layers, in the writer's order: cm__plan_layers()[CM__L_...]. */
enum {
	CM__L_ASSIGNMENT, CM__L_SCHOOLS, CM__L_SUMMARY, CM__L_CATCHMENTS, CM__L_COMPOUNDS,
	CM__L_ZONES, CM__L_BOUNDARY, CM__L_ROADS, CM__L_CHANGES, CM__L_STYLES, CM__L_N
};

/* Each layer's fields, in the order written: a field's index in its
 * layer's `fields` (planschema.c puts each row at its index), which is its
 * index in a layer the writer made.  Named after the layer (ASG assignment,
 * SCH schools, SUM summary, CAT catchments, CMP compounds, ZON zones, BND
 * boundary, RD roads, CHG changes, STY layer_styles) and the field's engine
 * name. */
/* assignment */
enum { CM__ASG_COMPOUND_ID, CM__ASG_COMPOUND_NAME, CM__ASG_LEVEL, CM__ASG_SCHOOL_ID,
	CM__ASG_SCHOOL_NAME, CM__ASG_SEAT_KIND, CM__ASG_LOCAL, CM__ASG_MIGRANT, CM__ASG_DISTANCE_M,
	CM__ASG_MINUTES, CM__ASG_N };
/* schools */
enum { CM__SCH_SCHOOL_ID, CM__SCH_NAME, CM__SCH_LEVEL, CM__SCH_SECTOR, CM__SCH_BOARDING,
	CM__SCH_SEATS, CM__SCH_LOCAL, CM__SCH_MIGRANT, CM__SCH_ENROLLED, CM__SCH_UTILIZATION,
	CM__SCH_CLASSES, CM__SCH_SPARE, CM__SCH_SHADOW_PRICE, CM__SCH_SHADOW_PUPILS,
	CM__SCH_ADDRESS /* written only when some school has one */, CM__SCH_N };
/* summary */
enum { CM__SUM_LEVEL, CM__SUM_PUPILS, CM__SUM_PLACED, CM__SUM_UNPLACED, CM__SUM_PUPIL_METRES,
	CM__SUM_MEAN_DISTANCE_M, CM__SUM_MAX_DISTANCE_M, CM__SUM_NEAR_SHARE,
	CM__SUM_MIGRANT_PUBLIC_SHARE, CM__SUM_QUOTA_MET, CM__SUM_MIP_GAP, CM__SUM_SOLVE_SECONDS,
	CM__SUM_LP_BOUND, CM__SUM_LP_UNPLACED, CM__SUM_SCENARIO, CM__SUM_MOVED,
	CM__SUM_MOVED_COMPOUNDS, CM__SUM_BOUND, CM__SUM_BOUND_UNPLACED, CM__SUM_NODES, CM__SUM_PROVEN,
	CM__SUM_DISTANCE_KIND, CM__SUM_MEAN_MINUTES, CM__SUM_TITLE, CM__SUM_NEAR_MET, CM__SUM_MOVED_MET, CM__SUM_N };
/* catchments */
enum { CM__CAT_SCHOOL_ID, CM__CAT_NAME, CM__CAT_LEVEL, CM__CAT_COMPOUNDS, CM__CAT_PUPILS,
	CM__CAT_SEATS, CM__CAT_UTILIZATION, CM__CAT_PARTS, CM__CAT_COLOR, CM__CAT_N };
/* compounds */
enum { CM__CMP_COMPOUND_ID, CM__CMP_NAME, CM__CMP_AREA_TYPE, CM__CMP_PRIMARY_LOCAL,
	CM__CMP_PRIMARY_MIGRANT, CM__CMP_JUNIOR_LOCAL, CM__CMP_JUNIOR_MIGRANT, CM__CMP_SCHOOL_PRIMARY,
	CM__CMP_SCHOOL_JUNIOR, CM__CMP_UNPLACED_PRIMARY, CM__CMP_UNPLACED_JUNIOR,
	CM__CMP_DETOUR_PRIMARY, CM__CMP_DETOUR_JUNIOR, CM__CMP_N };
/* zones */
enum { CM__ZON_SCHOOL_ID, CM__ZON_NAME, CM__ZON_LEVEL, CM__ZON_COLOR, CM__ZON_N };
/* boundary */
enum { CM__BND_NAME, CM__BND_N };
/* roads */
enum { CM__RD_LENGTH_M, CM__RD_N };
/* changes */
enum { CM__CHG_COMPOUND_ID, CM__CHG_COMPOUND_NAME, CM__CHG_LEVEL, CM__CHG_PREVIOUS_SCHOOL,
	CM__CHG_SCHOOL_ID, CM__CHG_SCHOOL_NAME, CM__CHG_PUPILS, CM__CHG_FORCED,
	CM__CHG_PREVIOUS_NAME, CM__CHG_N };
/* layer_styles */
enum { CM__STY_F_TABLE_CATALOG, CM__STY_F_TABLE_SCHEMA, CM__STY_F_TABLE_NAME,
	CM__STY_F_GEOMETRY_COLUMN, CM__STY_STYLENAME, CM__STY_STYLEQML, CM__STY_STYLESLD,
	CM__STY_USEASDEFAULT, CM__STY_DESCRIPTION, CM__STY_OWNER, CM__STY_UI, CM__STY_UPDATE_TIME,
	CM__STY_N };

/* The compounds layer's fields of a level (cm_level) and group (cm_group):
 * primary's and junior's fields stand in that order. */
#define CM__CMP_PUPILS(lv, g) (CM__CMP_PRIMARY_LOCAL + 2 * (lv) + (g))
#define CM__CMP_SCHOOL(lv) (CM__CMP_SCHOOL_PRIMARY + (lv))
#define CM__CMP_UNPLACED(lv) (CM__CMP_UNPLACED_PRIMARY + (lv))
#define CM__CMP_DETOUR(lv) (CM__CMP_DETOUR_PRIMARY + (lv))

/* The plan's layers, in the writer's order; *n their number (CM__L_N). */
const cm__player *cm__plan_layers(size_t *n);
/* Layer CM__L_... `layer`, NULL when there is none. */
const cm__player *cm__plan_layer_at(int layer);
/* The engine's name of field `field` (its enum) of layer `layer`
 * (CM__L_...): what a reader looks the field up by; NULL when there is
 * none. */
const char *cm__plan_fname(int layer, int field);
/* Layer `name`, or NULL when a plan has no such layer. */
const cm__player *cm__plan_layer(const char *name);
/* Field `name` (the engine's name, or its shapefile name) of layer `lyr`;
 * its index in lyr->fields through *index when not NULL.  NULL: no such
 * field. */
const cm__pfield *cm__plan_field(const cm__player *lyr, const char *name, int *index);
/* The shapefile name of the engine's field `name` (in any layer: a name
 * means the same field everywhere): `name` itself when it is 10 characters
 * or fewer; NULL when no layer has a field so named and it is longer. */
const char *cm__plan_shp_name(const char *name);
/* The engine's name of a field named `name` in a plan file: a shapefile's
 * short name back to the engine's, any other name as it is. */
const char *cm__plan_engine_name(const char *name);
/* `out` filled with the names a field goes by in a plan file: the engine's
 * and, when it differs, the shapefile's; NULL-terminated, for
 * cm__field_named (a table a bureau keeps).  Returns out. */
const char **cm__plan_field_names(const char *name, const char *out[3]);

#endif
