/* citygen.h: the benchmark's generated city (citygen.c). */
#ifndef CM_CITYGEN_H
#define CM_CITYGEN_H

/* Writes DIR/compounds.gpkg (ncomp points) and DIR/schools.gpkg (ncomp / 20
 * points) in EPSG:32650.  The same ncomp and seed give the same city.
 * Returns 0, or -1 on failure. */
int citygen(const char *dir, int ncomp, unsigned seed);

#endif
