/*
 * crs.h: coordinate reference systems, the one module (with read.c) that
 * speaks OGR's spatial reference API.
 */
#ifndef CM_CRS_H
#define CM_CRS_H

#include "internal.h"

#include <ogr_srs_api.h>

/* A CRS from a user's definition (EPSG:4490, WKT, PROJ string), with
 * longitude/easting first.  NULL when it cannot be understood. */
OGRSpatialReferenceH cm__crs_from_user(const char *def);
/* A copy of `srs` with longitude/easting first. */
OGRSpatialReferenceH cm__crs_clone(OGRSpatialReferenceH srs);
/* WGS 84 geographic, longitude first. */
OGRSpatialReferenceH cm__crs_wgs84(void);
/* 1 when a layer of GDAL driver `driver` says `srs` is WGS 84 as a
 * GeoJSON does by default (RFC 7946: a file without a crs member reads
 * so): then metres read as degrees are the likeliest slip. */
int cm__crs_geojson_wgs84(const char *driver, OGRSpatialReferenceH srs);
/* The WGS 84 / UTM zone holding (lon, lat). */
OGRSpatialReferenceH cm__crs_utm(double lon, double lat);
/* 1 when projected with metre units. */
int cm__crs_is_metric(OGRSpatialReferenceH srs);
/* "WGS 84 / UTM zone 49N (EPSG:32649)"; caller frees. */
char *cm__crs_describe(OGRSpatialReferenceH srs);

#endif
