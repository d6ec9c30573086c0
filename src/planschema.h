/*
 * planschema.h: the plan's schema, one table (planschema.c): its layers in
 * the writer's order and, per layer, its fields with their types, their
 * shapefile names and what a reader holds them to.  write.c makes every
 * layer from it; planfile.c checks a plan by it and finds fields by it for
 * the readers (map.c, compare.c, previous.c, html.c, publish.c, export).
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

/* The plan's layers, in the writer's order; *n their number. */
const cm__player *cm__plan_layers(size_t *n);
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
