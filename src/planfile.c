/*
 * planfile.c: a written plan, opened for reading (planfile.h).
 */
#include "planfile.h"

#include <cpl_error.h>

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int open_as_is(cm_ctx *ctx, cm__planfile *pf, const char *path)
{
	char *geojson;
	int rc;
	if ((rc = cm__input_ok(ctx, path, "plan")))
		return rc;
	if (!is_dir(path)) {
		pf->gds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
		return pf->gds ? 0 : cm__error(ctx, CM_EINPUT, "%s: cannot open the plan: %s", path,
		                               CPLGetLastErrorMsg());
	}
	geojson = cm__sprintf("%s/summary.geojson", path);
	if (geojson && access(geojson, R_OK) == 0) {
		pf->dir = cm__strdup(path);
		free(geojson);
		return pf->dir ? 0 : cm__error(ctx, CM_ENOMEM, "out of memory");
	}
	free(geojson);
	pf->gds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
	return pf->gds ? 0 : cm__error(ctx, CM_EINPUT, "%s: not a plan folder GDAL can read", path);
}

int cm__planfile_open(cm_ctx *ctx, cm__planfile *pf, const char *path)
{
	int rc;
	memset(pf, 0, sizeof *pf);
	pf->path = path;
	GDALAllRegister();
	/* A folder plan is named after the path given to solve, less its
	 * extension: accept either. */
	if (access(path, F_OK) != 0) {
		char *bare = cm__strdup(path), *dot = bare ? strrchr(bare, '.') : NULL;
		if (dot && !strchr(dot, '/'))
			*dot = '\0';
		rc = bare && is_dir(bare) ? open_as_is(ctx, pf, bare)
		                          : cm__error(ctx, CM_EINPUT, "%s: no such plan", path);
		free(bare);
		return rc;
	}
	return open_as_is(ctx, pf, path);
}

void cm__planfile_close(cm__planfile *pf)
{
	if (pf->part)
		GDALClose(pf->part);
	if (pf->gds)
		GDALClose(pf->gds);
	free(pf->dir);
	memset(pf, 0, sizeof *pf);
}

OGRLayerH cm__planfile_layer(cm__planfile *pf, const char *name)
{
	if (pf->dir) {
		char *f = cm__sprintf("%s/%s.geojson", pf->dir, name);
		if (pf->part)
			GDALClose(pf->part);
		pf->part = f ? GDALOpenEx(f, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL) : NULL;
		free(f);
		return pf->part ? GDALDatasetGetLayer(pf->part, 0) : NULL;
	}
	return GDALDatasetGetLayerByName(pf->gds, name);
}

int cm__planfile_field(OGRLayerH lyr, const char *name)
{
	OGRFeatureDefnH d = OGR_L_GetLayerDefn(lyr);
	int i = OGR_FD_GetFieldIndex(d, name);
	const char *shp = cm__shp_field_name(name);
	if (i < 0 && shp)
		i = OGR_FD_GetFieldIndex(d, shp);
	return i;
}

const char *cm__planfile_str(OGRFeatureH f, int i)
{
	return i >= 0 && OGR_F_IsFieldSetAndNotNull(f, i) ? OGR_F_GetFieldAsString(f, i) : "";
}

double cm__planfile_num(OGRFeatureH f, int i)
{
	return i >= 0 && OGR_F_IsFieldSetAndNotNull(f, i) ? OGR_F_GetFieldAsDouble(f, i) : 0;
}
