/*
 * crs.c: naming, building and judging coordinate reference systems.
 *
 * All distances are computed in one metric working CRS (docs/input.md says
 * how it is chosen).  Every SRS made here uses the traditional GIS axis
 * order (longitude, latitude), whatever the EPSG definition says, so x is
 * always easting or longitude in the rest of the engine.
 */
#include "crs.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static OGRSpatialReferenceH gis_order(OGRSpatialReferenceH srs)
{
	if (srs)
		OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
	return srs;
}

OGRSpatialReferenceH cm__crs_from_user(const char *def)
{
	OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
	if (!srs)
		return NULL;
	if (OSRSetFromUserInput(srs, def) != OGRERR_NONE) {
		OSRDestroySpatialReference(srs);
		return NULL;
	}
	return gis_order(srs);
}

OGRSpatialReferenceH cm__crs_clone(OGRSpatialReferenceH srs)
{
	return gis_order(OSRClone(srs));
}

OGRSpatialReferenceH cm__crs_wgs84(void)
{
	OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
	if (srs && OSRImportFromEPSG(srs, 4326) != OGRERR_NONE) {
		OSRDestroySpatialReference(srs);
		return NULL;
	}
	return gis_order(srs);
}

int cm__crs_geojson_wgs84(const char *driver, OGRSpatialReferenceH srs)
{
	OGRSpatialReferenceH wgs84;
	int is;
	if (!driver || strncmp(driver, "GeoJSON", 7) || !srs || !(wgs84 = cm__crs_wgs84()))
		return 0;
	is = OSRIsSame(srs, wgs84);
	OSRDestroySpatialReference(wgs84);
	return is;
}

OGRSpatialReferenceH cm__crs_utm(double lon, double lat)
{
	OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
	int zone = (int)floor((lon + 180.0) / 6.0) + 1;
	if (zone < 1)
		zone = 1;
	if (zone > 60)
		zone = 60;
	if (srs && OSRImportFromEPSG(srs, (lat >= 0 ? 32600 : 32700) + zone) != OGRERR_NONE) {
		OSRDestroySpatialReference(srs);
		return NULL;
	}
	return gis_order(srs);
}

int cm__crs_is_metric(OGRSpatialReferenceH srs)
{
	double to_m;
	if (!srs || !OSRIsProjected(srs))
		return 0;
	to_m = OSRGetLinearUnits(srs, NULL);
	return fabs(to_m - 1.0) < 1e-9;
}

char *cm__crs_describe(OGRSpatialReferenceH srs)
{
	const char *name, *auth, *code;
	if (!srs)
		return cm__strdup(_("(none)"));
	name = OSRGetName(srs);
	auth = OSRGetAuthorityName(srs, NULL);
	code = OSRGetAuthorityCode(srs, NULL);
	if (!auth || !code) {
		/* A definition given as WKT or PROJ text: ask PROJ for its code. */
		OGRSpatialReferenceH c = OSRClone(srs);
		if (c && OSRAutoIdentifyEPSG(c) == OGRERR_NONE) {
			auth = OSRGetAuthorityName(c, NULL);
			code = OSRGetAuthorityCode(c, NULL);
			if (auth && code) {
				char *s = cm__sprintf("%s (%s:%s)", name ? name : _("unnamed"), auth, code);
				OSRDestroySpatialReference(c);
				return s;
			}
		}
		if (c)
			OSRDestroySpatialReference(c);
		return cm__strdup(name ? name : _("unnamed CRS"));
	}
	return cm__sprintf("%s (%s:%s)", name ? name : _("unnamed"), auth, code);
}
