/*
 * coords.c: the offsets of Chinese web maps.
 *
 * Coordinates copied from Amap or Tencent maps are in GCJ-02, WGS 84 moved
 * by an obfuscating function of a few hundred metres; Baidu's BD-09 adds a
 * second shift on top of GCJ-02.  Distances must be computed from true
 * coordinates, so the reader undoes them before any projection.
 *
 * The forward function is public knowledge (the same in every open
 * implementation).  It has no closed inverse: cm__gcj02_to_wgs84 solves
 * forward(w) = g by fixed-point iteration, which converges to well under a
 * millimetre in a handful of steps (the offset's derivative is small).
 * The tests check both directions against published reference points.
 */
#include "internal.h"

#include <math.h>

#define GCJ_A 6378245.0                     /* Krasovsky 1940 semi-major axis, m */
#define GCJ_EE 0.00669342162296594323       /* its first eccentricity squared */
#define BD_XPI (M_PI * 3000.0 / 180.0)

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* The crude rectangle every implementation uses for "in China": outside it
 * the maps apply no offset. */
int cm__outside_china(double lon, double lat)
{
	return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271;
}

static double offset_lat(double x, double y)
{
	double r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt(fabs(x));
	r += (20.0 * sin(6.0 * x * M_PI) + 20.0 * sin(2.0 * x * M_PI)) * 2.0 / 3.0;
	r += (20.0 * sin(y * M_PI) + 40.0 * sin(y / 3.0 * M_PI)) * 2.0 / 3.0;
	r += (160.0 * sin(y / 12.0 * M_PI) + 320.0 * sin(y * M_PI / 30.0)) * 2.0 / 3.0;
	return r;
}

static double offset_lon(double x, double y)
{
	double r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt(fabs(x));
	r += (20.0 * sin(6.0 * x * M_PI) + 20.0 * sin(2.0 * x * M_PI)) * 2.0 / 3.0;
	r += (20.0 * sin(x * M_PI) + 40.0 * sin(x / 3.0 * M_PI)) * 2.0 / 3.0;
	r += (150.0 * sin(x / 12.0 * M_PI) + 300.0 * sin(x / 30.0 * M_PI)) * 2.0 / 3.0;
	return r;
}

/* The GCJ-02 shift (degrees) at a WGS 84 point. */
static void gcj_delta(double lon, double lat, double *dlon, double *dlat)
{
	double rad = lat / 180.0 * M_PI;
	double magic = sin(rad);
	double sq;
	magic = 1 - GCJ_EE * magic * magic;
	sq = sqrt(magic);
	*dlat = offset_lat(lon - 105.0, lat - 35.0) * 180.0 /
	        ((GCJ_A * (1 - GCJ_EE)) / (magic * sq) * M_PI);
	*dlon = offset_lon(lon - 105.0, lat - 35.0) * 180.0 / (GCJ_A / sq * cos(rad) * M_PI);
}

void cm__wgs84_to_gcj02(double lon, double lat, double *olon, double *olat)
{
	double dlon, dlat;
	if (cm__outside_china(lon, lat)) {
		*olon = lon;
		*olat = lat;
		return;
	}
	gcj_delta(lon, lat, &dlon, &dlat);
	*olon = lon + dlon;
	*olat = lat + dlat;
}

void cm__gcj02_to_wgs84(double lon, double lat, double *olon, double *olat)
{
	double wlon = lon, wlat = lat;
	int i;
	if (cm__outside_china(lon, lat)) {
		*olon = lon;
		*olat = lat;
		return;
	}
	/* w <- w - (forward(w) - g): a contraction, the shift varies slowly. */
	for (i = 0; i < 30; i++) {
		double glon, glat, elon, elat;
		cm__wgs84_to_gcj02(wlon, wlat, &glon, &glat);
		elon = glon - lon;
		elat = glat - lat;
		wlon -= elon;
		wlat -= elat;
		if (fabs(elon) < 1e-12 && fabs(elat) < 1e-12)
			break;
	}
	*olon = wlon;
	*olat = wlat;
}

void cm__gcj02_to_bd09(double lon, double lat, double *olon, double *olat)
{
	double z = sqrt(lon * lon + lat * lat) + 0.00002 * sin(lat * BD_XPI);
	double t = atan2(lat, lon) + 0.000003 * cos(lon * BD_XPI);
	*olon = z * cos(t) + 0.0065;
	*olat = z * sin(t) + 0.006;
}

void cm__bd09_to_gcj02(double lon, double lat, double *olon, double *olat)
{
	double x = lon - 0.0065, y = lat - 0.006;
	double z = sqrt(x * x + y * y) - 0.00002 * sin(y * BD_XPI);
	double t = atan2(y, x) - 0.000003 * cos(x * BD_XPI);
	*olon = z * cos(t);
	*olat = z * sin(t);
}

void cm__bd09_to_wgs84(double lon, double lat, double *olon, double *olat)
{
	double glon, glat;
	cm__bd09_to_gcj02(lon, lat, &glon, &glat);
	cm__gcj02_to_wgs84(glon, glat, olon, olat);
}
