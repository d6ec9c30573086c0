/*
 * roads.c: distances on the road network ([input] roads, [roads]).
 *
 * In the order it runs (cm__roads_pairs):
 *   1. read the roads layer (any OGR line source) into the working CRS,
 *      leaving out, when pupils walk, roads of the no_walk classes, each
 *      line with its speed and, when they are driven, its direction (a
 *      `oneway` field: yes / true / 1 along the line as drawn, -1 /
 *      reverse against it; walkers go both ways);
 *   2. build the graph: every vertex is a node, vertices closer than
 *      tolerance_m are one node, and the line between two nodes is an edge
 *      of the line's length there (vertices within one node add theirs).
 *      Lines that cross without a shared vertex do not meet: bridges and
 *      underpasses stay as drawn;
 *   3. snap each compound (its representative point: a point on the
 *      surface of its polygon) and each school to the nearest segment of
 *      a usable road within snap_m (a grid of segments finds it).  The
 *      walk from the point to the road counts in the distance; a point
 *      further than snap_m from every road has no network distance;
 *   4. from each school, Dijkstra's search (a binary heap) by minutes,
 *      each road at its speed (walking: walk_kmh; driving: its class's in
 *      speed_kmh, else speed_default_kmh), up to the farthest reach of the
 *      levels it teaches; each compound met gets the metres and minutes of
 *      its fastest way: the node's, plus the way along its segment, plus its
 *      own snap, never below the straight line between the two points
 *      (merged vertices can make it so).  The reach is in metres along
 *      that way (docs/model.md).
 *      On one-way streets the search runs against the traffic: it goes
 *      from the school back to the homes, so each pair is the way from
 *      home to school (the morning trip).
 * Why our own bounded Dijkstra and not a library (igraph): the search
 * runs once per school and stops at its reach, touching a few thousand
 * nodes; the arrays it needs are reset by a list of what it touched, so a
 * search costs what it visits, not the graph's size.
 *
 * The pairs go to distance.c, the one place distances are looked up.
 */
#include "crs.h"
#include "roads.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <gdal.h>
#include <ogr_api.h>

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NO_WALK_DEFAULT "motorway, motorway_link, trunk, trunk_link, 高速公路, 快速路"

/* The graph, and what is snapped to it. */
typedef struct graph {
	size_t n_nodes, n_edges;
	double *nx, *ny;             /* by node: coordinates (the first vertex merged into it) */
	size_t *ea, *eb;             /* by edge: its ends */
	double *elen;                /* by edge: length, metres */
	double *epace;               /* by edge: minutes per metre, at its road's speed */
	signed char *edir;           /* by edge: 0 two-way, 1 only from a to b, -1 only b to a */
	double max_pace;             /* the slowest edge's pace: bounds a search in minutes */
	size_t joins;                /* vertices joined to another road's node more than 1 m
	                                away (tolerance_m closing gaps, or making junctions) */
	double joined_m;             /* their distances, metres, summed */
	double joined_max;           /* the farthest, metres */
	double road_m;               /* the roads' length, metres */
	double *sx1, *sy1, *sx2, *sy2; /* by edge: the segment, end a then end b */
	size_t *adj_start;           /* by node: first adjacency (n_nodes + 1) */
	size_t *adj_edge;            /* by adjacency: the edge */
} graph;

/* Where a point meets the network. */
typedef struct snap {
	long edge;                   /* -1: no usable road within snap_m */
	double along;                /* metres from the edge's end a */
	double off;                  /* metres from the point to the road */
} snap;

static void graph_free(graph *g)
{
	free(g->nx);
	free(g->ny);
	free(g->ea);
	free(g->eb);
	free(g->elen);
	free(g->epace);
	free(g->edir);
	free(g->sx1);
	free(g->sy1);
	free(g->sx2);
	free(g->sy2);
	free(g->adj_start);
	free(g->adj_edge);
}

/* ------------------------------------------------------------ 1. reading */

/* The vertices of the usable roads, as parts (a line each). */
typedef struct lines {
	cm_vec x, y;                 /* double: vertices */
	cm_vec part;                 /* size_t: first vertex of each part */
	cm_vec kmh;                  /* double: each part's speed, km/h */
	cm_vec dir;                  /* signed char: each part's direction (graph.edir) */
	size_t roads, left_out;      /* features used, and left out by class */
	size_t points;               /* features left out as points (has_length) */
} lines;

/* Has line `g` (or a part of it) two distinct vertices?  A road of one
 * vertex, or of one spot repeated, is a point: no way runs along it. */
static int has_length(OGRGeometryH g)
{
	int i, n = OGR_G_GetGeometryCount(g);
	if (n > 0) {
		for (i = 0; i < n; i++)
			if (has_length(OGR_G_GetGeometryRef(g, i)))
				return 1;
		return 0;
	}
	n = OGR_G_GetPointCount(g);
	for (i = 1; i < n; i++)
		if (OGR_G_GetX(g, i) != OGR_G_GetX(g, 0) || OGR_G_GetY(g, i) != OGR_G_GetY(g, 0))
			return 1;
	return 0;
}

static int add_line(lines *L, OGRGeometryH g, double kmh, int dir)
{
	int i, n = OGR_G_GetPointCount(g);
	size_t *p;
	double *v;
	signed char *d;
	if (!has_length(g)) /* (a part of a line that has others) */
		return 0;
	if (!(p = cm__vec_push(&L->part)) || !(v = cm__vec_push(&L->kmh)) ||
	    !(d = cm__vec_push(&L->dir)))
		return -1;
	*p = L->x.len;
	*v = kmh;
	*d = (signed char)dir;
	for (i = 0; i < n; i++) {
		double *x = cm__vec_push(&L->x), *y = cm__vec_push(&L->y);
		if (!x || !y)
			return -1;
		*x = OGR_G_GetX(g, i);
		*y = OGR_G_GetY(g, i);
	}
	return 0;
}

/* Are all of a line's (or its parts') vertices finite and within 1e8 m of
 * the origin, as the working CRS's coordinates of a county are?  (A stray
 * vertex at 1e300 overflowed the grids' cell numbers.) */
static int in_range(OGRGeometryH g)
{
	int i, n = OGR_G_GetGeometryCount(g);
	if (n > 0) {
		for (i = 0; i < n; i++)
			if (!in_range(OGR_G_GetGeometryRef(g, i)))
				return 0;
		return 1;
	}
	n = OGR_G_GetPointCount(g);
	for (i = 0; i < n; i++) {
		double x = OGR_G_GetX(g, i), y = OGR_G_GetY(g, i);
		if (!(fabs(x) <= 1e8) || !(fabs(y) <= 1e8))
			return 0;
	}
	return 1;
}

static void undo_offsets(OGRGeometryH g, cm_coords coords)
{
	int i, k;
	for (k = 0; k < OGR_G_GetGeometryCount(g); k++)
		undo_offsets(OGR_G_GetGeometryRef(g, k), coords);
	for (i = 0; i < OGR_G_GetPointCount(g); i++) {
		double lon = OGR_G_GetX(g, i), lat = OGR_G_GetY(g, i), x, y;
		if (coords == CM_COORDS_GCJ02)
			cm__gcj02_to_wgs84(lon, lat, &x, &y);
		else
			cm__bd09_to_wgs84(lon, lat, &x, &y);
		OGR_G_SetPoint_2D(g, i, x, y);
	}
}

/* A oneway value as OpenStreetMap writes it: 1 along the line as drawn,
 * -1 against it, 0 both ways (no, false, 0, empty, and values such as
 * reversible or alternating, whose direction changes by the hour). */
static int oneway_of(const char *v)
{
	static const char *const fwd[] = {"yes", "true", "1", "y", "t", NULL};
	static const char *const back[] = {"-1", "reverse", NULL};
	char buf[16];
	size_t n;
	int k;
	/* blanks around the value do not count (" -1 " was two-way) */
	while (*v == ' ' || *v == '\t')
		v++;
	for (n = strlen(v); n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'); n--)
		;
	if (n >= sizeof buf)
		return 0;
	memcpy(buf, v, n);
	buf[n] = '\0';
	for (k = 0; fwd[k]; k++)
		if (cm__streq_ci(buf, fwd[k]))
			return 1;
	for (k = 0; back[k]; k++)
		if (cm__streq_ci(buf, back[k]))
			return -1;
	return 0;
}

/* A speed field's value in km/h: a number from 1 to 200, optionally "mph"
 * after it (OpenStreetMap's maxspeed); anything else (empty, "signals",
 * "none") leaves `dflt`. */
static double speed_of(const char *v, double dflt)
{
	char *end;
	double s;
	errno = 0;
	s = strtod(v, &end);
	if (end == v || errno || !isfinite(s))
		return dflt;
	while (*end == ' ')
		end++;
	if (!strcmp(end, "mph"))
		s *= 1.609344;
	else if (*end && strcmp(end, "km/h") && strcmp(end, "kmh"))
		return dflt;
	return s >= 1 && s <= 200 ? s : dflt;
}

static int class_field(OGRFeatureDefnH defn, const char *want)
{
	static const char *const names[] = {"class", "highway", "fclass", "道路等级", "等级", NULL};
	const char *const mapped[] = {want, NULL};
	return cm__field_named(defn, want ? mapped : names);
}

/* Reads the roads into `L`, in the working CRS of `ds`. */
static int read_roads(cm_ctx *ctx, const cm_config *cfg, const cm_dataset *ds, cm_dataset *diag,
                      lines *L)
{
	const cm_input *in = &cfg->roads;
	/* `path` names the source in messages: without a password (PG:...) */
	char *shown = cm__source_shown(in->path);
	const char *path = shown ? shown : in->path, *lname, *enc = NULL;
	const char *no_walk = cfg->road.no_walk ? cfg->road.no_walk : NO_WALK_DEFAULT;
	GDALDatasetH gds = NULL;
	OGRLayerH lyr = NULL;
	OGRSpatialReferenceH src = NULL, work = NULL;
	OGRCoordinateTransformationH fwd = NULL;
	OGRFeatureH f;
	char **opts = NULL;
	int rc, fcls = -1, fone = -1, fspd = -1, n, geojson84 = 0;
	/* roads whose coordinates are not the longitude/latitude their CRS
	 * says: one error for the layer, naming the first */
	size_t not_lonlat = 0;
	long first_fid = -1;
	double first_x = 0, first_y = 0;

	if (!shown) {
		rc = cm__error(ctx, CM_ENOMEM, _("out of memory"));
		goto done;
	}
	if ((rc = cm__input_ok(ctx, in->path, "roads")))
		goto done;
	GDALAllRegister();
	if (in->encoding) {
		GDALDriverH drv = GDALIdentifyDriverEx(in->path, GDAL_OF_VECTOR, NULL, NULL);
		if (drv && !strcmp(GDALGetDriverShortName(drv), "ESRI Shapefile"))
			opts = CSLSetNameValue(opts, "ENCODING", in->encoding);
		else if (!cm__streq_ci(in->encoding, "UTF-8"))
			enc = in->encoding;
	}
	CPLErrorReset();
	gds = GDALOpenEx(in->path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL,
	                 (const char *const *)opts, NULL);
	CSLDestroy(opts);
	if (!gds) {
		rc = cm__error(ctx, CM_EINPUT, _("%s: cannot open the roads (roads): %s"), path,
		               *CPLGetLastErrorMsg() ? CPLGetLastErrorMsg()
		                                     : _("no such file, or not a source GDAL reads"));
		goto done;
	}
	n = GDALDatasetGetLayerCount(gds);
	if (in->layer)
		lyr = GDALDatasetGetLayerByName(gds, in->layer);
	else if (n == 1)
		lyr = GDALDatasetGetLayer(gds, 0);
	else if (!(lyr = GDALDatasetGetLayerByName(gds, "roads")))
		lyr = GDALDatasetGetLayerByName(gds, "lines"); /* GDAL's OSM driver */
	if (!lyr) {
		rc = cm__error(ctx, CM_EINPUT, _("%s: no layer '%s' in the roads%s"), path,
		               in->layer ? in->layer : "roads",
		               in->layer ? "" : _(" (name it with roads_layer)"));
		goto done;
	}
	lname = OGR_L_GetName(lyr);
	if (in->where && OGR_L_SetAttributeFilter(lyr, in->where) != OGRERR_NONE) {
		/* read.c's words, for the other layers' filters */
		rc = cm__error(ctx, CM_EINPUT, _("%s, layer %s: %s_where = '%s' is not a valid "
		                                 "filter: %s"),
		               path, lname, "roads", in->where, CPLGetLastErrorMsg());
		goto done;
	}
	fcls = class_field(OGR_L_GetLayerDefn(lyr), cfg->road.class_field);
	if (cfg->road.class_field && fcls < 0) {
		rc = cm__error(ctx, CM_EINPUT, _("%s, layer %s: no field '%s' ([fields] roads.class)"),
		               path, lname, cfg->road.class_field);
		goto done;
	}
	if (cfg->road.mode == CM_ROADS_DRIVE) {
		const char *oneway_names[] = {cfg->road.oneway_field ? cfg->road.oneway_field : "oneway",
		                              NULL};
		const char *speed_names[] = {cfg->road.speed_field ? cfg->road.speed_field : "maxspeed",
		                             NULL};
		fone = cm__field_named(OGR_L_GetLayerDefn(lyr), oneway_names);
		fspd = cm__field_named(OGR_L_GetLayerDefn(lyr), speed_names);
		if ((cfg->road.oneway_field && fone < 0) || (cfg->road.speed_field && fspd < 0)) {
			int one = cfg->road.oneway_field && fone < 0;
			rc = cm__error(ctx, CM_EINPUT, _("%s, layer %s: no field '%s' ([fields] roads.%s)"),
			               path, lname, one ? cfg->road.oneway_field : cfg->road.speed_field,
			               one ? "oneway" : "speed");
			goto done;
		}
	}
	if (in->source_crs) {
		if (!(src = cm__crs_from_user(in->source_crs))) {
			rc = cm__error(ctx, CM_EINPUT, _("%s: roads_source_crs = '%s' is not a CRS GDAL "
			                                 "knows"),
			               path, in->source_crs);
			goto done;
		}
	} else if (OGR_L_GetSpatialRef(lyr)) {
		/* GeoJSON without a crs member says WGS 84 (RFC 7946): the
		 * likeliest cause of metres read as degrees (read.c alike) */
		src = cm__crs_clone(OGR_L_GetSpatialRef(lyr));
		geojson84 = cm__crs_geojson_wgs84(GDALGetDriverShortName(GDALGetDatasetDriver(gds)),
		                                  OGR_L_GetSpatialRef(lyr));
	} else {
		rc = cm__error(ctx, CM_EINPUT, _("%s, layer %s: the roads declare no CRS; set "
		                                 "roads_source_crs in [input]"),
		               path, lname);
		goto done;
	}
	if (in->coordinates != CM_COORDS_PLAIN) {
		if (!OSRIsGeographic(src)) {
			rc = cm__error(ctx, CM_EINPUT, _("%s, layer %s: roads_coordinates needs "
			                                 "longitude/latitude, but the layer's CRS is "
			                                 "projected"),
			               path, lname);
			goto done;
		}
		OSRDestroySpatialReference(src);
		src = cm__crs_wgs84();
	}
	work = ds->crs_wkt ? cm__crs_from_user(ds->crs_wkt) : NULL;
	if (!src || !work) {
		rc = cm__error(ctx, CM_EINPUT, _("%s: the working CRS is not known"), path);
		goto done;
	}
	if (!OSRIsSame(src, work) && !(fwd = OCTNewCoordinateTransformation(src, work))) {
		rc = cm__error(ctx, CM_EINPUT, _("%s, layer %s: no transformation to the working CRS: "
		                                 "%s"),
		               path, lname, CPLGetLastErrorMsg());
		goto done;
	}
	OGR_L_ResetReading(lyr);
	while (!rc && (f = OGR_L_GetNextFeature(lyr)) != NULL) {
		OGRGeometryH g0 = OGR_F_GetGeometryRef(f), g;
		OGRwkbGeometryType t = g0 ? wkbFlatten(OGR_G_GetGeometryType(g0)) : wkbUnknown;
		long fid = (long)OGR_F_GetFID(f);
		double kmh = cfg->road.mode == CM_ROADS_WALK ? cfg->road.walk_kmh
		                                             : cfg->road.speed_default_kmh;
		int k, point = 0, dir = fone >= 0 ? oneway_of(OGR_F_GetFieldAsString(f, fone)) : 0;
		if (fcls >= 0) {
			const char *raw = OGR_F_GetFieldAsString(f, fcls);
			char *cls = enc ? CPLRecode(raw, enc, CPL_ENC_UTF8) : NULL;
			int banned = cfg->road.mode == CM_ROADS_WALK && *raw &&
			             cm__list_has(no_walk, cls ? cls : raw);
			if (cfg->road.mode == CM_ROADS_DRIVE && *raw &&
			    cm__speed_lookup(cfg->road.speed_kmh, cls ? cls : raw, &kmh, NULL) ==
			        CM_SPEED_ENOMEM)
				rc = -1;
			CPLFree(cls);
			if (banned || rc) {
				L->left_out += banned;
				OGR_F_Destroy(f);
				continue;
			}
		}
		if (fspd >= 0) /* the road's own speed, where it has one, before its class's */
			kmh = speed_of(OGR_F_GetFieldAsString(f, fspd), kmh);
		if (!g0 || OGR_G_IsEmpty(g0) || (t != wkbLineString && t != wkbMultiLineString)) {
			char *label = cm__feature_label(fid, NULL);
			if (diag)
				cm__diag(diag, CM_ERR, g0 && !OGR_G_IsEmpty(g0) ? "bad-geometry" : "empty-geometry",
				         path, lname, label, NULL, _("%s: roads must be lines"),
				         g0 && !OGR_G_IsEmpty(g0) ? OGR_G_GetGeometryName(g0)
				                                  : _("no geometry"));
			free(label);
			OGR_F_Destroy(f);
			continue;
		}
		g = OGR_G_Clone(g0);
		OGR_G_FlattenTo2D(g);
		if (OSRIsGeographic(src)) {
			OGREnvelope env;
			OGR_G_GetEnvelope(g, &env);
			if (env.MinX < -180 || env.MaxX > 180 || env.MinY < -90 || env.MaxY > 90) {
				if (!not_lonlat++) {
					first_fid = fid;
					first_x = env.MinX;
					first_y = env.MinY;
				}
				L->roads++;
				OGR_G_DestroyGeometry(g);
				OGR_F_Destroy(f);
				continue;
			}
		}
		if (in->coordinates != CM_COORDS_PLAIN)
			undo_offsets(g, in->coordinates);
		if (fwd && OGR_G_Transform(g, fwd) != OGRERR_NONE) {
			char *label = cm__feature_label(fid, NULL);
			if (diag)
				cm__diag(diag, CM_ERR, "bad-geometry", path, lname, label, NULL,
				         _("cannot be converted to the working CRS"));
			free(label);
		} else if (!in_range(g)) {
			char *label = cm__feature_label(fid, NULL);
			if (diag)
				cm__diag(diag, CM_ERR, "bad-geometry", path, lname, label, NULL,
				         _("a vertex is not a number or lies beyond 1e8 m of the working "
				           "CRS's origin"));
			free(label);
		} else if ((point = !has_length(g)) != 0) {
			L->points++; /* left out: one warning for the layer, below */
		} else if (t == wkbLineString) {
			rc = add_line(L, g, kmh, dir);
		} else {
			for (k = 0; k < OGR_G_GetGeometryCount(g) && !rc; k++)
				rc = add_line(L, OGR_G_GetGeometryRef(g, k), kmh, dir);
		}
		L->roads += !point;
		OGR_G_DestroyGeometry(g);
		OGR_F_Destroy(f);
	}
	if (rc)
		rc = cm__error(ctx, CM_ENOMEM, _("out of memory"));
	if (!rc && not_lonlat && diag) {
		char *label = cm__feature_label(first_fid, NULL);
		if (geojson84)
			cm__diag(diag, CM_ERR, "bad-geometry", path, lname, label, NULL,
			         dngettext(CM__DOMAIN,
			                   "%zu road has coordinates that are not longitude/latitude "
			                   "(%.6g, %.6g), which the layer's CRS says they are: GeoJSON is "
			                   "read as WGS 84 where it has no crs member or names CRS84 (RFC "
			                   "7946); if they are "
			                   "in another CRS, name it with roads_source_crs in [input] (e.g. "
			                   "EPSG:4547, CGCS2000 3-degree GK CM 114E)",
			                   "%zu roads have coordinates that are not longitude/latitude (the "
			                   "first: %.6g, %.6g), which the layer's CRS says they are: GeoJSON "
			                   "is read as WGS 84 where it has no crs member or names CRS84 "
			                   "(RFC 7946); if they are "
			                   "in another CRS, name it with roads_source_crs in [input] (e.g. "
			                   "EPSG:4547, CGCS2000 3-degree GK CM 114E)",
			                   not_lonlat),
			         not_lonlat, first_x, first_y);
		else
			cm__diag(diag, CM_ERR, "bad-geometry", path, lname, label, NULL,
			         dngettext(CM__DOMAIN,
			                   "%zu road has coordinates that are not longitude/latitude "
			                   "(%.6g, %.6g), which the layer's CRS says they are: check "
			                   "roads_source_crs in [input]",
			                   "%zu roads have coordinates that are not longitude/latitude (the "
			                   "first: %.6g, %.6g), which the layer's CRS says they are: check "
			                   "roads_source_crs in [input]",
			                   not_lonlat),
			         not_lonlat, first_x, first_y);
		free(label);
	}
	/* (were they each a warning, a layer of many would bury the others) */
	if (!rc && L->points && diag &&
	    cm__diag(diag, CM_WARNING, "point-roads", path, lname, NULL, NULL,
	             dngettext(CM__DOMAIN,
	                       "%zu road with no length (a single vertex, or one spot repeated): "
	                       "left out",
	                       "%zu roads with no length (a single vertex, or one spot repeated): "
	                       "left out",
	                       L->points),
	             L->points))
		rc = cm__error(ctx, CM_ENOMEM, _("out of memory"));
	for (size_t i = 0; !rc && i < L->x.len; i++)
		if (!isfinite(((double *)L->x.data)[i]) || !isfinite(((double *)L->y.data)[i]))
			rc = cm__error(ctx, CM_EINPUT, _("%s, layer %s: a coordinate of a road is not a "
			                                 "finite number"),
			               path, lname);
done:
	if (fwd)
		OCTDestroyCoordinateTransformation(fwd);
	if (src)
		OSRDestroySpatialReference(src);
	if (work)
		OSRDestroySpatialReference(work);
	if (gds)
		GDALClose(gds);
	free(shown);
	return rc;
}

/* ------------------------------------------------------------ 2. the graph */

typedef struct cell_slot {
	int64_t ix, iy;
	long head;                   /* first node in the cell, -1: empty slot */
} cell_slot;

static uint64_t cell_hash(int64_t ix, int64_t iy)
{
	uint64_t h = (uint64_t)ix * 0x9E3779B97F4A7C15ULL ^ (uint64_t)iy * 0xC2B2AE3D27D4EB4FULL;
	return h ^ (h >> 29);
}

static cell_slot *cell_find(cell_slot *t, size_t mask, int64_t ix, int64_t iy)
{
	size_t i = (size_t)cell_hash(ix, iy) & mask;
	while (t[i].head >= 0 && (t[i].ix != ix || t[i].iy != iy))
		i = (i + 1) & mask;
	return &t[i];
}

/* Nodes (vertices within `tol` merged) and edges (segments) of `L`. */
static int build_graph(const lines *L, double tol, graph *g)
{
	const double *x = L->x.data, *y = L->y.data;
	const size_t *part = L->part.data;
	const double *kmh = L->kmh.data;
	const signed char *dir = L->dir.data;
	size_t nv = L->x.len, cap = 16, mask, v, p, e, vp = 0;
	double cs = tol > 0 ? tol : 1e-3;
	cell_slot *tab = NULL;
	long *next = NULL;
	size_t *node = NULL, *npart = NULL;
	int rc = -1;

	while (cap < 2 * nv + 16)
		cap *= 2;
	mask = cap - 1;
	tab = malloc(cap * sizeof *tab);
	next = malloc((nv + 1) * sizeof *next);
	node = malloc((nv + 1) * sizeof *node);
	g->nx = malloc((nv + 1) * sizeof *g->nx);
	g->ny = malloc((nv + 1) * sizeof *g->ny);
	npart = malloc((nv + 1) * sizeof *npart);
	if (!tab || !next || !node || !g->nx || !g->ny || !npart)
		goto done;
	for (v = 0; v < cap; v++)
		tab[v].head = -1;
	for (v = 0; v < nv; v++) {
		int64_t ix = (int64_t)floor(x[v] / cs), iy = (int64_t)floor(y[v] / cs), dx, dy;
		long found = -1;
		cell_slot *s;
		while (vp + 1 < L->part.len && part[vp + 1] <= v)
			vp++; /* v's line */
		for (dx = -1; dx <= 1 && found < 0; dx++)
			for (dy = -1; dy <= 1 && found < 0; dy++) {
				long k;
				s = cell_find(tab, mask, ix + dx, iy + dy);
				for (k = s->head; k >= 0 && found < 0; k = next[k])
					if (cm__distance(g->nx[k], g->ny[k], x[v], y[v]) <= tol)
						found = k;
			}
		if (found >= 0 && npart[found] != vp) {
			/* joined to another road's node: a gap closed, or a
			 * junction the roads may not have */
			double d = cm__distance(g->nx[found], g->ny[found], x[v], y[v]);
			if (d > 1) {
				g->joins++;
				g->joined_m += d;
				g->joined_max = fmax(g->joined_max, d);
			}
		}
		if (found < 0) {
			found = (long)g->n_nodes++;
			npart[found] = vp;
			g->nx[found] = x[v];
			g->ny[found] = y[v];
			s = cell_find(tab, mask, ix, iy);
			if (s->head < 0) {
				s->ix = ix;
				s->iy = iy;
			}
			next[found] = s->head;
			s->head = found;
		}
		node[v] = (size_t)found;
	}
	/* edges: at most one per segment */
	g->ea = malloc((nv + 1) * sizeof *g->ea);
	g->eb = malloc((nv + 1) * sizeof *g->eb);
	g->elen = malloc((nv + 1) * sizeof *g->elen);
	g->epace = malloc((nv + 1) * sizeof *g->epace);
	g->edir = malloc((nv + 1) * sizeof *g->edir);
	g->sx1 = malloc((nv + 1) * sizeof *g->sx1);
	g->sy1 = malloc((nv + 1) * sizeof *g->sy1);
	g->sx2 = malloc((nv + 1) * sizeof *g->sx2);
	g->sy2 = malloc((nv + 1) * sizeof *g->sy2);
	g->adj_start = calloc(g->n_nodes + 2, sizeof *g->adj_start);
	if (!g->ea || !g->eb || !g->elen || !g->epace || !g->edir || !g->sx1 || !g->sy1 || !g->sx2 || !g->sy2 ||
	    !g->adj_start)
		goto done;
	for (p = 0; p < L->part.len; p++) {
		size_t end = p + 1 < L->part.len ? part[p + 1] : nv, run = part[p];
		double along = 0; /* metres since vertex `run`, where the line entered its node */
		for (v = part[p]; v + 1 < end; v++) {
			double seg = cm__distance(x[v], y[v], x[v + 1], y[v + 1]);
			along += seg;
			g->road_m += seg;
			if (node[v] == node[v + 1])
				continue; /* within the node: its length counts on the edge out */
			e = g->n_edges++;
			g->ea[e] = node[v];
			g->eb[e] = node[v + 1];
			g->sx1[e] = x[run];
			g->sy1[e] = y[run];
			g->sx2[e] = x[v + 1];
			g->sy2[e] = y[v + 1];
			/* the line's length, however densely it was drawn (a vertex
			 * every 0.25 m made a 1,000 m road 334 m) */
			g->elen[e] = along;
			along = 0;
			run = v + 1;
			g->epace[e] = 60.0 / (1000.0 * kmh[p]);
			g->edir[e] = dir[p];
			g->max_pace = fmax(g->max_pace, g->epace[e]);
			/* the search runs from the school against the traffic:
			 * an edge is listed at the end its traffic arrives at */
			if (g->edir[e] >= 0)
				g->adj_start[g->eb[e] + 2]++;
			if (g->edir[e] <= 0)
				g->adj_start[g->ea[e] + 2]++;
		}
	}
	for (v = 0; v < g->n_nodes; v++)
		g->adj_start[v + 2] += g->adj_start[v + 1];
	if (!(g->adj_edge = malloc((2 * g->n_edges + 1) * sizeof *g->adj_edge)))
		goto done;
	for (e = 0; e < g->n_edges; e++) {
		if (g->edir[e] >= 0)
			g->adj_edge[g->adj_start[g->eb[e] + 1]++] = e;
		if (g->edir[e] <= 0)
			g->adj_edge[g->adj_start[g->ea[e] + 1]++] = e;
	}
	rc = 0;
done:
	free(tab);
	free(next);
	free(node);
	free(npart);
	return rc;
}

/* ------------------------------------------------------------ 3. snapping */

/* A grid of the segments over their extent, each in every cell its box
 * meets. */
typedef struct seg_grid {
	double x0, y0, cs;
	size_t nx, ny;
	size_t *start;               /* by cell (nx * ny + 1) */
	size_t *edge;
} seg_grid;

static void cell_range(const seg_grid *G, double lo, double hi, double o, size_t n, size_t *a,
                       size_t *b)
{
	double fa = floor((lo - o) / G->cs), fb = floor((hi - o) / G->cs);
	*a = fa < 0 ? 0 : fa >= (double)n ? n - 1 : (size_t)fa;
	*b = fb < 0 ? 0 : fb >= (double)n ? n - 1 : (size_t)fb;
}

static int grid_build(const graph *g, double snap_m, seg_grid *G)
{
	double x0 = HUGE_VAL, y0 = HUGE_VAL, x1 = -HUGE_VAL, y1 = -HUGE_VAL;
	size_t e, i, j, pass;
	memset(G, 0, sizeof *G);
	for (e = 0; e < g->n_edges; e++) {
		x0 = fmin(x0, fmin(g->sx1[e], g->sx2[e]));
		x1 = fmax(x1, fmax(g->sx1[e], g->sx2[e]));
		y0 = fmin(y0, fmin(g->sy1[e], g->sy2[e]));
		y1 = fmax(y1, fmax(g->sy1[e], g->sy2[e]));
	}
	if (!g->n_edges)
		x0 = y0 = x1 = y1 = 0;
	G->x0 = x0;
	G->y0 = y0;
	G->cs = fmax(snap_m, 25);
	/* at most about four million cells (each axis too: a thin extent) */
	while (((x1 - x0) / G->cs + 1) * ((y1 - y0) / G->cs + 1) > 4e6)
		G->cs *= 2;
	G->nx = (size_t)((x1 - x0) / G->cs) + 1;
	G->ny = (size_t)((y1 - y0) / G->cs) + 1;
	if (!(G->start = calloc(G->nx * G->ny + 1, sizeof *G->start)))
		return -1;
	for (pass = 0; pass < 2; pass++) {
		for (e = 0; e < g->n_edges; e++) {
			size_t ia, ib, ja, jb;
			cell_range(G, fmin(g->sx1[e], g->sx2[e]), fmax(g->sx1[e], g->sx2[e]), G->x0, G->nx,
			           &ia, &ib);
			cell_range(G, fmin(g->sy1[e], g->sy2[e]), fmax(g->sy1[e], g->sy2[e]), G->y0, G->ny,
			           &ja, &jb);
			for (j = ja; j <= jb; j++)
				for (i = ia; i <= ib; i++) {
					if (pass == 0)
						G->start[j * G->nx + i + 1]++;
					else
						G->edge[G->start[j * G->nx + i]++] = e;
				}
		}
		if (pass == 0) {
			for (i = 0; i < G->nx * G->ny; i++)
				G->start[i + 1] += G->start[i];
			if (!(G->edge = malloc((G->start[G->nx * G->ny] + 1) * sizeof *G->edge)))
				return -1;
		} else {
			for (i = G->nx * G->ny; i > 0; i--)
				G->start[i] = G->start[i - 1];
			G->start[0] = 0;
		}
	}
	return 0;
}

/* The nearest segment to (px, py) within snap_m, of those `ok` marks (by
 * edge; NULL: any); ties to the lower edge. */
static snap snap_point(const graph *g, const seg_grid *G, const unsigned char *ok, double snap_m,
                       double px, double py)
{
	snap best = {-1, 0, HUGE_VAL};
	size_t ia, ib, ja, jb, i, j, k;
	if (!g->n_edges)
		return best;
	cell_range(G, px - snap_m, px + snap_m, G->x0, G->nx, &ia, &ib);
	cell_range(G, py - snap_m, py + snap_m, G->y0, G->ny, &ja, &jb);
	for (j = ja; j <= jb; j++)
		for (i = ia; i <= ib; i++)
			for (k = G->start[j * G->nx + i]; k < G->start[j * G->nx + i + 1]; k++) {
				size_t e = G->edge[k];
				double dx = g->sx2[e] - g->sx1[e], dy = g->sy2[e] - g->sy1[e];
				double l2 = dx * dx + dy * dy, t = 0, d;
				if (ok && !ok[e])
					continue;
				if (l2 > 0)
					t = ((px - g->sx1[e]) * dx + (py - g->sy1[e]) * dy) / l2;
				t = t < 0 ? 0 : t > 1 ? 1 : t;
				d = cm__distance(px, py, g->sx1[e] + t * dx, g->sy1[e] + t * dy);
				if (d < best.off || (d == best.off && (long)e < best.edge)) {
					best.edge = (long)e;
					best.off = d;
					best.along = t * g->elen[e];
				}
			}
	if (best.off > snap_m)
		best.edge = -1;
	return best;
}

/* ------------------------------------------------------------ 4. searching */

/* Whether a traveller at `along` on edge e may go to (leave by) its end a,
 * or come from (arrive by) it: on a one-way edge only with the traffic,
 * but a point at the end itself is at the node. */
static int leaves_by_a(const graph *g, size_t e, double along)
{
	return g->edir[e] <= 0 || along <= 0;
}

static int leaves_by_b(const graph *g, size_t e, double along)
{
	return g->edir[e] >= 0 || along >= g->elen[e];
}

static int arrives_by_a(const graph *g, size_t e, double along)
{
	return g->edir[e] >= 0 || along <= 0;
}

static int arrives_by_b(const graph *g, size_t e, double along)
{
	return g->edir[e] <= 0 || along >= g->elen[e];
}

typedef struct heap_item {
	double d;
	size_t node;
} heap_item;

static void heap_push(heap_item *h, size_t *n, double d, size_t node)
{
	size_t i = (*n)++;
	while (i > 0 && h[(i - 1) / 2].d > d) {
		h[i] = h[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h[i].d = d;
	h[i].node = node;
}

static heap_item heap_pop(heap_item *h, size_t *n)
{
	heap_item top = h[0], last = h[--(*n)];
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= *n)
			break;
		if (c + 1 < *n && h[c + 1].d < h[c].d)
			c++;
		if (h[c].d >= last.d)
			break;
		h[i] = h[c];
		i = c;
	}
	if (*n)
		h[i] = last;
	return top;
}

/* The search's arrays, reset by what it touched. */
typedef struct search {
	double *dist;                /* by node: minutes along the fastest path found */
	double *dist_m;              /* by node: metres along that path */
	double *best;                /* by compound: minutes */
	double *best_m;              /* by compound: metres along its fastest path */
	size_t *touched, n_touched;  /* nodes */
	size_t *met, n_met;          /* compounds */
	heap_item *heap;             /* at most one entry per edge end and start */
	size_t *att_start;           /* by node: first compound snapped to an edge at it */
	size_t *att_comp;
	double *att_off;             /* along the edge from the node, plus the compound's snap */
	double *att_min;             /* the same in minutes, at the edge's speed */
} search;

/* Compound c met at `t` minutes, `m` metres: the fastest way counts, and
 * of equally fast ways the shortest. */
static void meet(search *S, size_t c, double t, double m)
{
	if (S->best[c] == HUGE_VAL)
		S->met[S->n_met++] = c;
	if (t < S->best[c] || (t == S->best[c] && m < S->best_m[c])) {
		S->best[c] = t;
		S->best_m[c] = m;
	}
}

static void relax(search *S, size_t *nh, size_t v, double t, double m)
{
	if (t >= S->dist[v])
		return; /* not on a tie too: a node settled is never pushed again */
	if (S->dist[v] == HUGE_VAL)
		S->touched[S->n_touched++] = v;
	S->dist[v] = t;
	S->dist_m[v] = m;
	heap_push(S->heap, nh, t, v);
}

/* Dijkstra from a school snapped at `at`, by minutes (walking, at one
 * speed, that is by metres), up to `reach` metres along the fastest way;
 * appends the compounds met within it to `out`.  The search runs until
 * the minutes exceed reach at the slowest pace: no way of reach metres or
 * less takes longer, and a node is expanded even when its fastest way is
 * longer than reach, so that a slower, shorter way never stands in for it
 * (docs/model.md). */
static int search_from(const graph *g, search *S, const cm_dataset *ds, const snap *cs, snap at,
                       double reach, size_t school, cm_vec *out)
{
	const cm_school *sp = &ds->schools[school];
	size_t nh = 0, k, e = (size_t)at.edge;
	double pace = g->epace[e], bound = reach * g->max_pace * (1 + 1e-9);
	S->n_touched = S->n_met = 0;
	if (arrives_by_a(g, e, at.along))
		relax(S, &nh, g->ea[e], (at.off + at.along) * pace, at.off + at.along);
	if (arrives_by_b(g, e, at.along))
		relax(S, &nh, g->eb[e], (at.off + g->elen[e] - at.along) * pace,
		      at.off + g->elen[e] - at.along);
	/* compounds on the school's own segment, straight along it (with the
	 * traffic: on a one-way segment, from upstream of the school); each
	 * is listed at one end or both, so each end's list is looked at */
	for (int end = 0; end < 2; end++) {
		size_t node = end ? g->eb[e] : g->ea[e];
		for (k = S->att_start[node]; k < S->att_start[node + 1]; k++) {
			size_t c = S->att_comp[k];
			double m = at.off + fabs(at.along - cs[c].along) + cs[c].off;
			if (cs[c].edge == (long)e &&
			    (g->edir[e] == 0 || (g->edir[e] > 0) == (cs[c].along <= at.along) ||
			     cs[c].along == at.along))
				meet(S, c, m * pace, m);
		}
	}
	while (nh) {
		heap_item it = heap_pop(S->heap, &nh);
		size_t u = it.node;
		double um;
		if (it.d > S->dist[u])
			continue; /* stale */
		if (it.d > bound)
			break;
		um = S->dist_m[u];
		for (k = S->att_start[u]; k < S->att_start[u + 1]; k++)
			meet(S, S->att_comp[k], it.d + S->att_min[k], um + S->att_off[k]);
		for (k = g->adj_start[u]; k < g->adj_start[u + 1]; k++) {
			size_t ed = g->adj_edge[k];
			relax(S, &nh, g->ea[ed] == u ? g->eb[ed] : g->ea[ed],
			      it.d + g->elen[ed] * g->epace[ed], um + g->elen[ed]);
		}
	}
	for (k = 0; k < S->n_touched; k++)
		S->dist[S->touched[k]] = HUGE_VAL;
	for (k = 0; k < S->n_met; k++) {
		size_t c = S->met[k];
		double line = cm__distance(ds->compounds[c].x, ds->compounds[c].y, sp->x, sp->y);
		/* a way through nodes that merged vertices up to tolerance_m
		 * apart can come out shorter than the straight line (0 m for a
		 * pair 30 m apart on two roads whose ends merged): never below
		 * it, the minutes lengthened at the way's own pace (or, on a
		 * way of 0 m, the school's road's) */
		if (S->best_m[c] < line) {
			S->best[c] = S->best_m[c] > 0 ? S->best[c] * (line / S->best_m[c])
			                              : line * pace;
			S->best_m[c] = line;
		}
		if (S->best_m[c] <= reach) {
			cm__pair *p = cm__vec_push(out);
			if (!p)
				return -1;
			p->compound = c;
			p->school = school;
			p->metres = S->best_m[c];
			p->minutes = S->best[c];
			p->fid = -1;
		}
		S->best[c] = HUGE_VAL;
	}
	return 0;
}

/* ------------------------------------------------------------ all */

static double school_reach(const cm_config *cfg, const cm_school *s)
{
	double r = -1;
	int lv;
	for (lv = 0; lv < CM_NLEVELS; lv++)
		if (cm_school_teaches(s, (cm_level)lv))
			r = fmax(r, cm__reach(cfg, s, (cm_level)lv));
	return r;
}

static void far_diag(const cm_config *cfg, const cm_dataset *ds, cm_dataset *diag,
                     cm_layer_kind kind, long fid, const char *id)
{
	char *label = cm__feature_label(fid, id);
	char *shown = cm__source_shown(cfg->input[kind].path);
	cm__diag(diag, CM_WARNING, "far-from-road", shown, ds->layer_name[kind],
	         label, NULL, _("no usable road within %g m (roads snap_m): %s"), cfg->road.snap_m,
	         kind == CM_SCHOOLS ? _("no pupil can reach this school by road")
	                            : _("its pupils can reach no school by road"));
	free(shown);
	free(label);
}

/* ------------------------------------------------------------ 3b. fragments */

static size_t uf_find(size_t *up, size_t v)
{
	while (up[v] != v) {
		up[v] = up[up[v]];
		v = up[v];
	}
	return v;
}

static void fragment_diag(const cm_config *cfg, const cm_dataset *ds, cm_dataset *diag,
                          cm_layer_kind kind, size_t i, double off, double part_m, double moved)
{
	int school = kind == CM_SCHOOLS;
	long fid = school ? ds->schools[i].fid : ds->compounds[i].fid;
	char *label = cm__feature_label(fid, school ? ds->schools[i].id : ds->compounds[i].id);
	char *shown = cm__source_shown(cfg->input[kind].path);
	if (moved >= 0)
		cm__diag(diag, CM_WARNING, "road-fragment", shown, ds->layer_name[kind], label, NULL,
		         school ? _("its nearest road (%.0f m away) is a part of the network (%.0f m of "
		                    "road) that no compound is joined to: joined instead to the nearest "
		                    "road of the main network or of a part with compounds, %.0f m away; "
		                    "if the part should connect, fix the gap in the roads (or tolerance_m)")
		                : _("its nearest road (%.0f m away) is a part of the network (%.0f m of "
		                    "road) that no school is joined to: joined instead to the nearest road "
		                    "of a part with a school, %.0f m away; if the part should connect, fix "
		                    "the gap in the roads (or tolerance_m)"),
		         off, part_m, moved);
	else
		cm__diag(diag, CM_WARNING, "road-fragment", shown, ds->layer_name[kind], label, NULL,
		         school ? _("its road (%.0f m away) is on a part of the network (%.0f m of road) "
		                    "that no compound is joined to: no pupil can reach this school by road; if "
		                    "that part should connect to the rest, fix the gap in the roads (or "
		                    "tolerance_m)")
		                : _("its road (%.0f m away) is on a part of the network (%.0f m of road) "
		                    "that no school is joined to: its pupils can reach no school by road; if "
		                    "that part should connect to the rest, fix the gap in the roads (or "
		                    "tolerance_m)"),
		         off, part_m);
	free(shown);
	free(label);
}

/* A part of the network of less road than this is a fragment, which a
 * point may be taken off; a longer one (a river's bank without its
 * bridge) is a network of its own, the point stays on it. */
#define FRAGMENT_M 1000.0

/* Points joined to a part of the network unconnected to the rest (a
 * driveway, a lane inside a compound, a road cut at a map-sheet edge)
 * reached nothing.  A school on a fragment (FRAGMENT_M) that holds no
 * compound is joined instead to the nearest road within snap_m of the largest part (by
 * length) or of a part that holds a compound; then a compound on a
 * fragment that holds no school, to the nearest road within snap_m of a part that holds
 * one.  Either gets a road-fragment warning, as does one left on such a
 * part (docs/input.md).  A point so re-joined had no pair before, so no
 * pair is lost.  Connected here ignores one-way streets. */
static int rejoin_fragments(const cm_config *cfg, const cm_dataset *ds, cm_dataset *diag,
                            const graph *g, const seg_grid *G, snap *cs, snap *ss)
{
	size_t *up = malloc((g->n_nodes + 1) * sizeof *up), i, e, big = 0;
	double *len = calloc(g->n_nodes + 1, sizeof *len);
	unsigned char *has_c = calloc(g->n_nodes + 1, 1), *has_s = calloc(g->n_nodes + 1, 1);
	unsigned char *ok = malloc(g->n_edges + 1);
	double *moved_c = malloc((ds->n_compounds + 1) * sizeof *moved_c);
	double *moved_s = malloc((ds->n_schools + 1) * sizeof *moved_s);
	snap *old_c = malloc((ds->n_compounds + 1) * sizeof *old_c);
	snap *old_s = malloc((ds->n_schools + 1) * sizeof *old_s);
	int rc = -1, any_c = 0, any_s = 0;
#define ROOT(ed) uf_find(up, g->ea[(size_t)(ed)])
	if (!up || !len || !has_c || !has_s || !ok || !moved_c || !moved_s || !old_c || !old_s)
		goto done;
	for (i = 0; i < g->n_nodes; i++)
		up[i] = i;
	for (e = 0; e < g->n_edges; e++) {
		size_t a = uf_find(up, g->ea[e]), b = uf_find(up, g->eb[e]);
		if (a != b)
			up[a < b ? b : a] = a < b ? a : b;
	}
	for (e = 0; e < g->n_edges; e++)
		len[ROOT(e)] += g->elen[e];
	for (i = 0; i < g->n_nodes; i++)
		if (len[i] > len[big])
			big = i;
	for (i = 0; i < ds->n_compounds; i++) {
		moved_c[i] = -1;
		old_c[i] = cs[i];
		if (cs[i].edge >= 0)
			any_c = has_c[ROOT(cs[i].edge)] = 1;
	}
	/* schools first: a compound's part may hold a school only once the
	 * schools are joined */
	for (e = 0; e < g->n_edges; e++)
		ok[e] = has_c[ROOT(e)] || ROOT(e) == big;
	for (i = 0; i < ds->n_schools; i++) {
		moved_s[i] = -1;
		old_s[i] = ss[i];
		if (ss[i].edge < 0 || school_reach(cfg, &ds->schools[i]) < 0)
			continue;
		if (any_c && !ok[ss[i].edge] && len[ROOT(ss[i].edge)] < FRAGMENT_M) {
			snap to = snap_point(g, G, ok, cfg->road.snap_m, ds->schools[i].x, ds->schools[i].y);
			if (to.edge >= 0) {
				ss[i] = to;
				moved_s[i] = to.off;
			}
		}
		any_s = has_s[ROOT(ss[i].edge)] = 1;
	}
	for (e = 0; e < g->n_edges; e++)
		ok[e] = has_s[ROOT(e)];
	for (i = 0; i < ds->n_compounds; i++)
		if (cs[i].edge >= 0 && any_s && !ok[cs[i].edge] && len[ROOT(cs[i].edge)] < FRAGMENT_M) {
			snap to = snap_point(g, G, ok, cfg->road.snap_m, ds->compounds[i].x,
			                     ds->compounds[i].y);
			if (to.edge >= 0) {
				cs[i] = to;
				moved_c[i] = to.off;
				has_c[ROOT(to.edge)] = 1;
			}
		}
	if (diag) {
		for (i = 0; i < ds->n_schools; i++)
			if (ss[i].edge >= 0 && any_c && school_reach(cfg, &ds->schools[i]) >= 0 &&
			    (moved_s[i] >= 0 || !has_c[ROOT(ss[i].edge)]))
				fragment_diag(cfg, ds, diag, CM_SCHOOLS, i, old_s[i].off,
				              len[ROOT(old_s[i].edge)],
				              has_c[ROOT(ss[i].edge)] ? moved_s[i] : -1);
		for (i = 0; i < ds->n_compounds; i++)
			if (cs[i].edge >= 0 && any_s && (moved_c[i] >= 0 || !has_s[ROOT(cs[i].edge)]))
				fragment_diag(cfg, ds, diag, CM_COMPOUNDS, i, old_c[i].off,
				              len[ROOT(old_c[i].edge)], moved_c[i]);
	}
#undef ROOT
	rc = 0;
done:
	free(up);
	free(len);
	free(has_c);
	free(has_s);
	free(ok);
	free(moved_c);
	free(moved_s);
	free(old_c);
	free(old_s);
	return rc;
}

int cm__roads_pairs(cm_ctx *ctx, const cm_config *cfg, const cm_dataset *ds, cm_dataset *diag,
                    cm__pairs **out)
{
	lines L;
	graph g;
	seg_grid G;
	search S;
	snap *cs = NULL, *ss = NULL;
	cm_vec found;
	size_t i, k, snapped = 0;
	int rc;

	*out = NULL;
	memset(&L, 0, sizeof L);
	memset(&g, 0, sizeof g);
	memset(&G, 0, sizeof G);
	memset(&S, 0, sizeof S);
	cm__vec_init(&L.x, sizeof(double));
	cm__vec_init(&L.y, sizeof(double));
	cm__vec_init(&L.part, sizeof(size_t));
	cm__vec_init(&L.kmh, sizeof(double));
	cm__vec_init(&L.dir, sizeof(signed char));
	cm__vec_init(&found, sizeof(cm__pair));
	CPLPushErrorHandler(CPLQuietErrorHandler);
	rc = read_roads(ctx, cfg, ds, diag, &L);
	CPLPopErrorHandler();
	if (rc)
		goto done;
	rc = CM_ENOMEM;
	if (build_graph(&L, cfg->road.tolerance_m, &g) || grid_build(&g, cfg->road.snap_m, &G))
		goto nomem;
	if (!g.n_edges) {
		/* no pupil could reach any school: a wrong layer, filter or class
		 * list is likelier than a county without roads (it solved to a
		 * plan placing nobody, "no school in reach") */
		char *shown = cm__source_shown(cfg->roads.path); /* no password */
		if (diag)
			cm__diag(diag, CM_ERR, "no-roads", shown, NULL, NULL, NULL,
			         _("no usable road: %zu roads read, %zu left out by class (no_walk), no "
			           "segment (a road shorter than [roads] tolerance_m = %g m is a point); "
			           "see the layer, roads_where, [roads] no_walk and tolerance_m"),
			         L.roads, L.left_out, cfg->road.tolerance_m);
		else
			rc = cm__error(ctx, CM_EINPUT, _("%s: no usable road: %zu roads read, %zu left out "
			                                 "by class (no_walk), no segment (a road shorter "
			                                 "than [roads] tolerance_m = %g m is a point)"),
			               shown ? shown : "roads", L.roads, L.left_out,
			               cfg->road.tolerance_m);
		free(shown);
		if (!diag)
			goto done;
	}
	if (diag && g.joined_m > 0.01 * g.road_m) {
		/* a tolerance far above digitising gaps: each road's length is
		 * kept, but roads that pass near each other meet, a jump of up
		 * to tolerance_m for free (the example's roads in 40 m pieces
		 * at tolerance_m = 60: the mean trip by road went from 2.76 km
		 * to 2.09 km, about the straight line's) */
		char *shown = cm__source_shown(cfg->roads.path);
		cm__diag(diag, CM_WARNING, "road-shortcuts", shown, NULL, NULL, NULL,
		         _("[roads] tolerance_m = %g m joins %zu road vertices to another road's node "
		           "up to %.0f m away, %.0f m in all (%.1f%% of the roads' length): roads that "
		           "pass that near each other meet, and distances by road come out short; is "
		           "tolerance_m meant (default 0.5 m)?"),
		         cfg->road.tolerance_m, g.joins, g.joined_max, g.joined_m,
		         100 * g.joined_m / g.road_m);
		free(shown);
	}
	cs = malloc((ds->n_compounds + 1) * sizeof *cs);
	ss = malloc((ds->n_schools + 1) * sizeof *ss);
	if (!cs || !ss)
		goto nomem;
	for (i = 0; i < ds->n_compounds; i++) {
		cs[i] = snap_point(&g, &G, NULL, cfg->road.snap_m, ds->compounds[i].x, ds->compounds[i].y);
		if (cs[i].edge < 0 && diag)
			far_diag(cfg, ds, diag, CM_COMPOUNDS, ds->compounds[i].fid, ds->compounds[i].id);
		snapped += cs[i].edge >= 0;
	}
	for (i = 0; i < ds->n_schools; i++) {
		ss[i] = snap_point(&g, &G, NULL, cfg->road.snap_m, ds->schools[i].x, ds->schools[i].y);
		if (ss[i].edge < 0 && diag)
			far_diag(cfg, ds, diag, CM_SCHOOLS, ds->schools[i].fid, ds->schools[i].id);
	}
	if (rejoin_fragments(cfg, ds, diag, &g, &G, cs, ss))
		goto nomem;
	/* compounds by the nodes at their segment's ends */
	S.att_start = calloc(g.n_nodes + 2, sizeof *S.att_start);
	S.att_comp = malloc((2 * snapped + 1) * sizeof *S.att_comp);
	S.att_off = malloc((2 * snapped + 1) * sizeof *S.att_off);
	S.att_min = malloc((2 * snapped + 1) * sizeof *S.att_min);
	S.dist = malloc((g.n_nodes + 1) * sizeof *S.dist);
	S.dist_m = malloc((g.n_nodes + 1) * sizeof *S.dist_m);
	S.best_m = malloc((ds->n_compounds + 1) * sizeof *S.best_m);
	S.touched = malloc((g.n_nodes + 1) * sizeof *S.touched);
	S.best = malloc((ds->n_compounds + 1) * sizeof *S.best);
	S.met = malloc((ds->n_compounds + 1) * sizeof *S.met);
	S.heap = malloc((2 * g.n_edges + 4) * sizeof *S.heap);
	if (!S.att_start || !S.att_comp || !S.att_off || !S.att_min || !S.dist || !S.dist_m ||
	    !S.best_m || !S.touched || !S.best ||
	    !S.met || !S.heap)
		goto nomem;
	/* a compound is listed at each end its pupils can leave by */
	for (i = 0; i < ds->n_compounds; i++)
		if (cs[i].edge >= 0) {
			size_t e = (size_t)cs[i].edge;
			S.att_start[g.ea[e] + 2] += (size_t)leaves_by_a(&g, e, cs[i].along);
			S.att_start[g.eb[e] + 2] += (size_t)leaves_by_b(&g, e, cs[i].along);
		}
	for (i = 0; i < g.n_nodes; i++)
		S.att_start[i + 2] += S.att_start[i + 1];
	for (i = 0; i < ds->n_compounds; i++) {
		size_t e;
		if (cs[i].edge < 0)
			continue;
		e = (size_t)cs[i].edge;
		if (leaves_by_a(&g, e, cs[i].along)) {
			k = S.att_start[g.ea[e] + 1]++;
			S.att_comp[k] = i;
			S.att_off[k] = cs[i].along + cs[i].off;
			S.att_min[k] = S.att_off[k] * g.epace[e];
		}
		if (leaves_by_b(&g, e, cs[i].along)) {
			k = S.att_start[g.eb[e] + 1]++;
			S.att_comp[k] = i;
			S.att_off[k] = g.elen[e] - cs[i].along + cs[i].off;
			S.att_min[k] = S.att_off[k] * g.epace[e];
		}
	}
	for (i = 0; i < g.n_nodes; i++)
		S.dist[i] = HUGE_VAL;
	for (i = 0; i < ds->n_compounds; i++)
		S.best[i] = HUGE_VAL;
	for (i = 0; i < ds->n_schools; i++) {
		double reach = school_reach(cfg, &ds->schools[i]);
		if (ss[i].edge < 0 || reach < 0)
			continue;
		if (search_from(&g, &S, ds, cs, ss[i], reach, i, &found))
			goto nomem;
		cm__progress(ctx, (double)(i + 1) / (double)ds->n_schools, "roads");
	}
	if (diag) {
		char *shown = cm__source_shown(cfg->roads.path); /* no password */
		cm__diag(diag, CM_NOTE, "roads", shown, NULL, NULL, NULL,
		         _("road network (%s): %zu roads, %zu nodes, %zu segments, %zu roads left out "
		           "by class (no_walk); %zu compound-school pairs within reach"),
		         cfg->road.mode == CM_ROADS_DRIVE ? _("drive") : _("walk"), L.roads, g.n_nodes,
		         g.n_edges, L.left_out, found.len);
		free(shown);
	}
	rc = cm__pairs_make(found.data, found.len, ds->n_compounds, ds->n_schools, "roads", out);
	found.data = NULL;
	if (!rc) {
		/* the lines stay with the pairs, for the plan's roads layer: the
		 * parts' starts closed by the vertex count */
		size_t *end = cm__vec_push(&L.part);
		if (!end) {
			cm__pairs_free(*out);
			*out = NULL;
			goto nomem;
		}
		*end = L.x.len;
		cm__pairs_set_lines(*out, L.part.len - 1, L.part.data, L.x.data, L.y.data);
		cm__vec_init(&L.part, sizeof(size_t));
		cm__vec_init(&L.x, sizeof(double));
		cm__vec_init(&L.y, sizeof(double));
		goto done;
	}
nomem:
	rc = cm__error(ctx, CM_ENOMEM, _("out of memory"));
done:
	free(cs);
	free(ss);
	free(S.att_start);
	free(S.att_comp);
	free(S.att_off);
	free(S.att_min);
	free(S.dist);
	free(S.dist_m);
	free(S.best_m);
	free(S.touched);
	free(S.best);
	free(S.met);
	free(S.heap);
	free(G.start);
	free(G.edge);
	graph_free(&g);
	cm__vec_free(&L.x);
	cm__vec_free(&L.y);
	cm__vec_free(&L.part);
	cm__vec_free(&L.kmh);
	cm__vec_free(&L.dir);
	cm__vec_free(&found);
	return rc;
}
