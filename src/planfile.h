/*
 * planfile.h: reading a plan that catchment solve wrote (planfile.c), for
 * maps (map.c), comparisons (compare.c) and last year's plan (previous.c).
 * A plan is a GeoPackage, or a shapefile, GeoJSON or CSV folder with a
 * file per layer, or a PostGIS schema (`PG:... schemas=NAME`, write.c's
 * comment on it marks a plan); its fields go by the engine's names or their shapefile
 * names (the plan's schema, planschema.c).  A plan is checked as it is opened, as any
 * input is (docs/output.md, "Reading a plan back").
 */
#ifndef CM_PLANFILE_H
#define CM_PLANFILE_H

#include "internal.h"
#include "planschema.h"

#include <gdal.h>
#include <ogr_api.h>

typedef struct cm__planfile {
	const char *path;      /* as given, for messages */
	char *root;            /* what was opened: the file, or the folder */
	GDALDatasetH gds;      /* a GeoPackage, or a shapefile or CSV folder */
	char *dir;             /* a GeoJSON folder */
	GDALDatasetH part;     /* the GeoJSON file open now */
	char *shown;           /* PostGIS: the connection string and schema, without a
	                          password (path points here) */
} cm__planfile;

/* Opens the plan at `path` and checks it whole (cm__planfile_check); a
 * folder plan may also be named as given to solve (with its extension).
 * Errors (CM_EINPUT) name the path, or the file, layer, feature and field;
 * on error nothing is left open. */
int cm__planfile_open(cm_ctx *ctx, cm__planfile *pf, const char *path);
void cm__planfile_close(cm__planfile *pf);
/* Checks what docs/output.md promises of a plan: its layers and the fields
 * a reader uses, levels, ids, whole non-negative finite counts within the
 * engine's limits, and totals that agree between the layers (a file cut
 * short or edited disagrees).  Returns 0 or CM_EINPUT (CM_ENOMEM). */
int cm__planfile_check(cm_ctx *ctx, cm__planfile *pf);
/* The plan's layer `name`, or NULL (valid until the next call). */
OGRLayerH cm__planfile_layer(cm__planfile *pf, const char *name);
/* The plan's layer `layer` (CM__L_...) with every field the schema gives
 * it found: ix[f] for field f (its enum; ix has the layer's CM__..._N
 * entries) is the field's index, -1 where the file lacks it.  NULL when
 * the plan has no such layer (valid until the next call). */
OGRLayerH cm__planfile_layer_at(cm__planfile *pf, int layer, int *ix);
/* The file that holds layer `name`, for messages: a GeoPackage itself, a
 * folder's NAME.csv, NAME.geojson, or a shapefile's NAME.shp (NAME.dbf
 * without one: summary); caller frees, NULL on ENOMEM. */
char *cm__planfile_file(const cm__planfile *pf, const char *name);
/* If `path` is a plan catchment wrote (a GeoPackage with its assignment and
 * summary layers, a folder with its marker or layer files, a PostGIS schema
 * with its comment), a file in a plan folder, or a folder plan named as
 * given to solve (last.csv for the folder last), the plan's path (caller
 * frees); else NULL. */
char *cm__planfile_root(const char *path);
/* A PostGIS plan (`path` PG:...) opened read-only on its schema: the
 * connection with `schemas=SCHEMA` (cm__pg_split), checked to be a plan
 * catchment wrote (the schema's comment).  *shown (caller frees) names it
 * for messages, without a password.  Returns 0 and *out, or CM_EINPUT (no
 * connection, no such schema, not a plan) or CM_ENOMEM, nothing open. */
int cm__planfile_pg(cm_ctx *ctx, const char *path, GDALDatasetH *out, char **shown);
/* The same for any schema (a table of last year's schools, not a plan):
 * CM_EINPUT for no connection or no such schema only. */
int cm__pg_schema(cm_ctx *ctx, const char *path, GDALDatasetH *out, char **shown);
/* A field's index under its name or its shapefile name; -1: absent. */
int cm__planfile_field(OGRLayerH lyr, const char *name);
/* A field's text ("" when unset) and number (0 when unset). */
const char *cm__planfile_str(OGRFeatureH f, int i);
double cm__planfile_num(OGRFeatureH f, int i);
/* Field `i` of `f` as a count: a whole number from 0 to `max`, written as
 * digits (text fields too: "NaN", "0x1F" or "12 pupils" are not counts); 0
 * when unset or i < 0.  Returns 0, or CM_EINPUT naming `file`, `layer`,
 * the feature (`id` its id, may be NULL) and the field. */
int cm__planfile_count(cm_ctx *ctx, const char *file, const char *layer, OGRFeatureH f, int i,
                       const char *id, long max, long *out);

#endif
