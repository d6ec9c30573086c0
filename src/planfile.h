/*
 * planfile.h: reading a plan that catchment solve wrote (planfile.c), for
 * maps (map.c) and comparisons (compare.c).  A plan is a GeoPackage, a
 * shapefile folder or a GeoJSON folder with a file per layer; its fields
 * go by the engine's names or their shapefile names (write.c's table).
 */
#ifndef CM_PLANFILE_H
#define CM_PLANFILE_H

#include "internal.h"

#include <gdal.h>
#include <ogr_api.h>

typedef struct cm__planfile {
	const char *path;
	GDALDatasetH gds;      /* a GeoPackage or a shapefile folder */
	char *dir;             /* a GeoJSON folder */
	GDALDatasetH part;     /* the GeoJSON file open now */
} cm__planfile;

/* Opens the plan at `path`; a folder plan may also be named as given to
 * solve (with its extension).  Errors name the path. */
int cm__planfile_open(cm_ctx *ctx, cm__planfile *pf, const char *path);
void cm__planfile_close(cm__planfile *pf);
/* The plan's layer `name`, or NULL (valid until the next call). */
OGRLayerH cm__planfile_layer(cm__planfile *pf, const char *name);
/* A field's index under its name or its shapefile name; -1: absent. */
int cm__planfile_field(OGRLayerH lyr, const char *name);
/* A field's text ("" when unset) and number (0 when unset). */
const char *cm__planfile_str(OGRFeatureH f, int i);
double cm__planfile_num(OGRFeatureH f, int i);

#endif
