/* citygen.h: the benchmark's generated city (citygen.c) and its roads (cityroads.c). */
#ifndef CM_CITYGEN_H
#define CM_CITYGEN_H

/* The city's south-west corner in EPSG:32650, metres: the generators work
 * in metres from it. */
#define CITY_X0 400000.0
#define CITY_Y0 3300000.0

/* What cityroads wrote. */
typedef struct citygen_roads {
	long lines;                  /* features of the roads layer */
	long segments;               /* segments between two vertices: the graph's edges */
	int bridges;                 /* streets over the river */
	int interchanges;            /* where streets cross the expressway */
} citygen_roads;

/* Writes DIR/compounds.gpkg (ncomp points) and DIR/schools.gpkg (ncomp / 20
 * points) in EPSG:32650, and, with `roads`, DIR/roads.gpkg (cityroads) and
 * what it holds in *roads.  The same ncomp and seed give the same city, with
 * or without its roads.  Returns 0, or -1 on failure. */
int citygen(const char *dir, int ncomp, unsigned seed, citygen_roads *roads);

/* Writes DIR/roads.gpkg, layer roads with a `class` field, for a city whose
 * compounds and schools lie in (x0, y0)-(x1, y1), local metres, and whose
 * districts have centres (dx, dy) and spreads dsd. */
int cityroads(const char *dir, double x0, double y0, double x1, double y1, const double *dx,
              const double *dy, const double *dsd, int ndist, citygen_roads *out);

#endif
