/*
 * cityroads.c: the generated city's road network (citygen.h, bench --roads).
 *
 * A street lattice over the whole city, the way a planned Chinese city is
 * laid out: every COARSE-th street (500 m apart, class `primary`) runs
 * through the whole city, villages included; inside the districts (within
 * URBAN standard deviations of a district's centre) every street of the
 * lattice is there (125 m apart, class `residential`).  Two barriers cut
 * it:
 *   - a meandering river from west to east: no street crosses it but the
 *     BRIDGES primary streets that bridge it;
 *   - an expressway (class `motorway`) from south to north, drawn as its
 *     own line that shares a vertex with the streets only at its
 *     INTERCHANGES: a street crosses it only there (walking, the
 *     expressway itself is left out: no_walk; driving, the interchanges
 *     are where cars join it).
 * Each street is written as long lines, one per unbroken run of a lattice
 * row or column, with a vertex at every crossing, so lines meet where the
 * lattice's streets do and nowhere else.  The residential streets are
 * one-way, in turn one way and the other (a `oneway` field: drivers go
 * round a block, walkers do not); primary roads and the expressway are
 * two-way.
 *
 * No randomness: the network follows from the districts and the city's
 * extent alone, so a city's compounds and schools keep their bytes whether
 * or not its roads are generated.
 *
 * Layout: the lattice and its barriers; which segments exist; writing.
 */
#include "citygen.h"

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#define H 125.0        /* metres between neighbouring streets of the lattice */
#define COARSE 4       /* every 4th street (500 m) is a primary road through the whole city */
#define URBAN 1.8      /* a district's streets reach this many standard deviations out */
#define BRIDGES 5      /* streets over the river */
#define INTERCHANGES 6 /* where streets cross (and cars join) the expressway */

typedef struct lattice {
	double x0, y0;                        /* node (i, j) at (x0 + i H, y0 + j H), metres */
	long nx, ny;                          /* nodes per row and per column */
	unsigned char *urban;                 /* by node (j nx + i): inside a district */
	long bridge[BRIDGES];                 /* lattice columns whose street bridges the river */
	double ex[INTERCHANGES + 2];          /* the expressway's vertices: its two ends and */
	double ey[INTERCHANGES + 2];          /*   the interchanges between them (south to north) */
	long ei[INTERCHANGES], ej[INTERCHANGES]; /* the interchanges' lattice nodes */
	double river_y0, river_h, river_w;    /* the river's axis, the city's height and width */
} lattice;

/* ------------------------------------------------------------ the lattice and its barriers */

/* The river's northing at easting x: a wave of two periods across the
 * city, steep enough that east-west streets meet it too. */
static double river_y(const lattice *L, double x)
{
	double u = (x - L->x0) / L->river_w;
	return L->river_y0 + L->river_h * (0.07 * sin(2 * M_PI * u / 0.55) +
	                                   0.03 * sin(2 * M_PI * u / 0.23 + 1));
}

static int north_of_river(const lattice *L, long i, long j)
{
	return L->y0 + (double)j * H >= river_y(L, L->x0 + (double)i * H);
}

/* Which side of the expressway node (i, j) is on: 0 at an interchange,
 * else -1 (west) or 1 (east; a node exactly on the line counts as east,
 * so a street meets the expressway only at an interchange). */
static int expressway_side(const lattice *L, long i, long j)
{
	double x = L->x0 + (double)i * H, y = L->y0 + (double)j * H, xl;
	int k;
	for (k = 0; k < INTERCHANGES; k++)
		if (L->ei[k] == i && L->ej[k] == j)
			return 0;
	/* the vertices go south to north and the ends lie beyond the lattice */
	for (k = 0; k + 2 < INTERCHANGES + 2 && y > L->ey[k + 1]; k++)
		;
	xl = L->ex[k] + (L->ex[k + 1] - L->ex[k]) * (y - L->ey[k]) / (L->ey[k + 1] - L->ey[k]);
	return x >= xl ? 1 : -1;
}

static int lattice_make(lattice *L, double x0, double y0, double x1, double y1, const double *dx,
                        const double *dy, const double *dsd, int ndist)
{
	const double step = COARSE * H;
	long i, j, k;
	/* whole primary blocks, so the outermost streets are primary roads */
	L->x0 = floor(x0 / step) * step;
	L->y0 = floor(y0 / step) * step;
	L->nx = (long)ceil((x1 - L->x0) / step) * COARSE + 1;
	L->ny = (long)ceil((y1 - L->y0) / step) * COARSE + 1;
	if (!(L->urban = malloc((size_t)(L->nx * L->ny))))
		return -1;
	for (j = 0; j < L->ny; j++)
		for (i = 0; i < L->nx; i++) {
			double x = L->x0 + (double)i * H, y = L->y0 + (double)j * H;
			unsigned char u = 0;
			for (k = 0; k < ndist && !u; k++)
				u = (x - dx[k]) * (x - dx[k]) + (y - dy[k]) * (y - dy[k]) <
				    URBAN * URBAN * dsd[k] * dsd[k];
			L->urban[j * L->nx + i] = u;
		}
	L->river_w = (double)(L->nx - 1) * H;
	L->river_h = (double)(L->ny - 1) * H;
	L->river_y0 = L->y0 + 0.45 * L->river_h;
	for (k = 0; k < BRIDGES; k++)
		L->bridge[k] = (long)floor((k + 0.5) / BRIDGES * (double)(L->nx - 1) / COARSE) * COARSE;
	/* the expressway: south-southwest to north-northeast, through primary
	 * crossings evenly spaced along it */
	L->ex[0] = L->x0 + 0.30 * L->river_w + H / 2;
	L->ey[0] = L->y0 - H / 2;
	L->ex[INTERCHANGES + 1] = L->x0 + 0.62 * L->river_w + H / 2;
	L->ey[INTERCHANGES + 1] = L->y0 + L->river_h + H / 2;
	for (k = 0; k < INTERCHANGES; k++) {
		double t = (k + 1.0) / (INTERCHANGES + 1);
		double x = L->ex[0] + t * (L->ex[INTERCHANGES + 1] - L->ex[0]);
		double y = L->ey[0] + t * (L->ey[INTERCHANGES + 1] - L->ey[0]);
		L->ei[k] = (long)floor((x - L->x0) / (COARSE * H) + 0.5) * COARSE;
		L->ej[k] = (long)floor((y - L->y0) / (COARSE * H) + 0.5) * COARSE;
		L->ex[k + 1] = L->x0 + (double)L->ei[k] * H;
		L->ey[k + 1] = L->y0 + (double)L->ej[k] * H;
	}
	return 0;
}

/* ------------------------------------------------------------ which segments exist */

/* The street from node (i, j) to its east (vertical 0) or north (vertical
 * 1) neighbour: is it there, and is it a primary road? */
static int segment(const lattice *L, long i, long j, int vertical, int *primary)
{
	long i2 = i + !vertical, j2 = j + vertical;
	int sa, sb;
	*primary = vertical ? i % COARSE == 0 : j % COARSE == 0;
	if (!*primary && !(L->urban[j * L->nx + i] && L->urban[j2 * L->nx + i2]))
		return 0;
	if (north_of_river(L, i, j) != north_of_river(L, i2, j2)) {
		int k, bridge = 0;
		for (k = 0; k < BRIDGES; k++)
			bridge |= vertical && L->bridge[k] == i;
		if (!bridge)
			return 0;
	}
	sa = expressway_side(L, i, j);
	sb = expressway_side(L, i2, j2);
	return sa * sb >= 0;
}

/* ------------------------------------------------------------ writing */

typedef struct writer {
	OGRLayerH lyr;
	OGRGeometryH line;                    /* the run being drawn, or NULL */
	const char *cls;                      /* its class */
	const char *oneway;                   /* its oneway value */
	citygen_roads *out;
	int rc;
} writer;

static void flush(writer *w)
{
	OGRFeatureH f;
	if (!w->line)
		return;
	f = OGR_F_Create(OGR_L_GetLayerDefn(w->lyr));
	OGR_F_SetFieldString(f, 0, w->cls);
	OGR_F_SetFieldString(f, 1, w->oneway);
	OGR_F_SetGeometryDirectly(f, w->line);
	if (OGR_L_CreateFeature(w->lyr, f) != OGRERR_NONE)
		w->rc = -1;
	OGR_F_Destroy(f);
	w->line = NULL;
	w->out->lines++;
}

/* Adds the segment from (xa, ya) to (xb, yb), local metres, to the run
 * being drawn, or starts one. */
static void extend(writer *w, const char *cls, const char *oneway, double xa, double ya,
                   double xb, double yb)
{
	if (w->line && strcmp(w->cls, cls))
		flush(w);
	if (!w->line) {
		w->line = OGR_G_CreateGeometry(wkbLineString);
		w->cls = cls;
		w->oneway = oneway;
		OGR_G_AddPoint_2D(w->line, CITY_X0 + xa, CITY_Y0 + ya);
	}
	OGR_G_AddPoint_2D(w->line, CITY_X0 + xb, CITY_Y0 + yb);
	w->out->segments++;
}

int cityroads(const char *dir, double x0, double y0, double x1, double y1, const double *dx,
              const double *dy, const double *dsd, int ndist, citygen_roads *out)
{
	GDALDriverH drv = GDALGetDriverByName("GPKG");
	OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
	GDALDatasetH ds = NULL;
	OGRFieldDefnH fld;
	lattice L;
	writer w = {NULL, NULL, NULL, NULL, out, 0};
	char path[4096];
	long i, j, k;
	int vertical, primary;

	memset(out, 0, sizeof *out);
	memset(&L, 0, sizeof L);
	OSRImportFromEPSG(srs, 32650);
	if (lattice_make(&L, x0, y0, x1, y1, dx, dy, dsd, ndist))
		goto fail;
	snprintf(path, sizeof path, "%s/roads.gpkg", dir);
	remove(path);
	if (!drv || !(ds = GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL)))
		goto fail;
	w.lyr = GDALDatasetCreateLayer(ds, "roads", srs, wkbLineString, NULL);
	for (k = 0; k < 2; k++) {
		fld = OGR_Fld_Create(k ? "oneway" : "class", OFTString);
		if (!w.lyr || OGR_L_CreateField(w.lyr, fld, TRUE) != OGRERR_NONE) {
			OGR_Fld_Destroy(fld);
			goto fail;
		}
		OGR_Fld_Destroy(fld);
	}
	if (OGR_L_StartTransaction(w.lyr) != OGRERR_NONE)
		goto fail;
	/* rows west to east, then columns south to north: each unbroken run
	 * of one class is a line; residential rows and columns one-way, by
	 * turns along the line as drawn and against it */
	for (vertical = 0; vertical < 2; vertical++) {
		long outer = vertical ? L.nx : L.ny, inner = vertical ? L.ny - 1 : L.nx - 1;
		for (k = 0; k < outer; k++) {
			for (long m = 0; m < inner; m++) {
				i = vertical ? k : m;
				j = vertical ? m : k;
				if (!segment(&L, i, j, vertical, &primary)) {
					flush(&w);
					continue;
				}
				extend(&w, primary ? "primary" : "residential",
				       primary ? "no" : k % 2 ? "yes" : "-1", L.x0 + (double)i * H,
				       L.y0 + (double)j * H, L.x0 + (double)(i + !vertical) * H,
				       L.y0 + (double)(j + vertical) * H);
			}
			flush(&w);
		}
	}
	for (k = 0; k + 1 < INTERCHANGES + 2; k++)
		extend(&w, "motorway", "no", L.ex[k], L.ey[k], L.ex[k + 1], L.ey[k + 1]);
	flush(&w);
	out->bridges = BRIDGES;
	out->interchanges = INTERCHANGES;
	if (OGR_L_CommitTransaction(w.lyr) != OGRERR_NONE)
		goto fail;
	GDALClose(ds);
	free(L.urban);
	OSRDestroySpatialReference(srs);
	return w.rc;
fail:
	if (w.line)
		OGR_G_DestroyGeometry(w.line);
	if (ds)
		GDALClose(ds);
	free(L.urban);
	OSRDestroySpatialReference(srs);
	return -1;
}
