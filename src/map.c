/*
 * map.c: maps of a written plan, with cairo.  One drawing code for PNG, SVG
 * and PDF: the surface differs, nothing else.
 *
 * The map reads the plan back (a GeoPackage, or a folder of shapefiles or
 * GeoJSON files), so `catchment map PLAN` and `solve --map` draw the same
 * thing from the same source.  A page per level:
 *
 *   +--------------------------------------------+-----------+
 *   | title: scenario, level                                 |
 *   +--------------------------------------------+-----------+
 *   | boundary, catchments in their colours,     | legend    |
 *   | compounds (unplaced pupils hatched red),   | figures   |
 *   | schools by sector, names with a halo       | north     |
 *   |                                            | scale bar |
 *   +--------------------------------------------+-----------+
 *
 * Colours come from the plan (`catchments.color`, geometry.c), so the map
 * and a GIS show the same.  Text uses a CJK font found through fontconfig;
 * without one, a warning names the Debian package.  Output is atomic (a
 * temporary file renamed into place) and deterministic (the PDF's date is
 * pinned).
 */
#include "planfile.h"

#include <cairo-ft.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>

#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

/* ------------------------------------------------------------ the scene */

/* A closed school (cm_map_opts.base): its symbol greyed, crossed out, and
 * its name struck through; its former catchment dashed. */
#define CLOSED_RGB 0.6, 0.0, 0.0
static const double closed_dash[] = {5, 2.5};

typedef struct m_school {
	double x, y;
	char *id, *name;
	int private_, boarding, full;
	long seats, enrolled, spare; /* seats -1: the plan has no seats field */
	int closed;         /* in the base plan (cm_map_opts.base), gone from this one */
	OGRGeometryH former; /* closed: its catchment in the base plan; NULL: none */
} m_school;

typedef struct m_area {
	OGRGeometryH g;
	double rgb[3];
	char *school_id;    /* catchments: the school; zones: NULL */
	char *name;         /* catchments: the school's name, its label */
} m_area;

typedef struct m_compound {
	OGRGeometryH g;
	int unplaced;
	int marked;         /* in cm_map_opts.marked (e.g. changes school) */
} m_compound;

typedef struct scene {
	cm_vec schools;        /* m_school */
	cm_vec areas;          /* m_area */
	cm_vec zones;          /* m_area: tessellation tints (polygon compounds) */
	cm_vec compounds;      /* m_compound */
	OGRGeometryH boundary; /* NULL: none */
	cm_vec roads;          /* OGRGeometryH: the plan's roads layer (a plan on roads) */
	char *scenario;
	char *title;           /* summary.title: [output] title, a scenario's title; "" none */
	long pupils, placed, unplaced;
	double mean_km, migrant_share;
	int geographic;        /* the plan is in longitude/latitude */
	double lat0;           /* for the equirectangular view of such plans */
	char *crs;
	int n_marked;          /* compounds marked (cm_map_opts.marked) */
	int n_empty;           /* compounds without pupils of the level and no school in reach:
	                          no catchment's, drawn white */
	int n_closed;          /* schools of the base gone from the plan */
} scene;

static void scene_free(scene *sc)
{
	size_t i;
	for (i = 0; i < sc->schools.len; i++) {
		m_school *s = &((m_school *)sc->schools.data)[i];
		free(s->id);
		free(s->name);
		if (s->former)
			OGR_G_DestroyGeometry(s->former);
	}
	for (i = 0; i < sc->areas.len; i++) {
		m_area *a = &((m_area *)sc->areas.data)[i];
		OGR_G_DestroyGeometry(a->g);
		free(a->school_id);
		free(a->name);
	}
	for (i = 0; i < sc->zones.len; i++)
		OGR_G_DestroyGeometry(((m_area *)sc->zones.data)[i].g);
	cm__vec_free(&sc->zones);
	for (i = 0; i < sc->compounds.len; i++)
		OGR_G_DestroyGeometry(((m_compound *)sc->compounds.data)[i].g);
	cm__vec_free(&sc->schools);
	cm__vec_free(&sc->areas);
	cm__vec_free(&sc->compounds);
	if (sc->boundary)
		OGR_G_DestroyGeometry(sc->boundary);
	for (i = 0; i < sc->roads.len; i++)
		OGR_G_DestroyGeometry(((OGRGeometryH *)sc->roads.data)[i]);
	cm__vec_free(&sc->roads);
	free(sc->scenario);
	free(sc->title);
	free(sc->crs);
	memset(sc, 0, sizeof *sc);
}

static void parse_hex(const char *s, double rgb[3])
{
	unsigned v = 0xdddddd;
	if (s[0] == '#' && strlen(s) == 7)
		sscanf(s + 1, "%6x", &v);
	rgb[0] = ((v >> 16) & 255) / 255.0;
	rgb[1] = ((v >> 8) & 255) / 255.0;
	rgb[2] = (v & 255) / 255.0;
}

/* The level's features of a catchments or zones layer, with their colours
 * (and, `named`, their schools' ids and names). */
static int read_areas(cm_ctx *ctx, OGRLayerH lyr, const char *level, int named, cm_vec *out)
{
	int i_lv = cm__planfile_field(lyr, "level"), i_c = cm__planfile_field(lyr, "color");
	int i_id = cm__planfile_field(lyr, "school_id"), i_n = cm__planfile_field(lyr, "name");
	OGRFeatureH f;
	OGR_L_ResetReading(lyr);
	while ((f = OGR_L_GetNextFeature(lyr)) != NULL) {
		OGRGeometryH g = OGR_F_GetGeometryRef(f);
		if (g && !strcmp(cm__planfile_str(f, i_lv), level)) {
			m_area *a = cm__vec_push(out);
			if (!a) {
				OGR_F_Destroy(f);
				return cm__error(ctx, CM_ENOMEM, _("out of memory"));
			}
			memset(a, 0, sizeof *a);
			a->g = OGR_G_Clone(g);
			parse_hex(cm__planfile_str(f, i_c), a->rgb);
			if (named && (!(a->school_id = cm__strdup(cm__planfile_str(f, i_id))) ||
			              !(a->name = cm__strdup(cm__planfile_str(f, i_n >= 0 ? i_n : i_id))))) {
				OGR_F_Destroy(f);
				return cm__error(ctx, CM_ENOMEM, _("out of memory"));
			}
		}
		OGR_F_Destroy(f);
	}
	return 0;
}

/* Does the plan's summary have a row for `level`? */
static int plan_has_level(cm_ctx *ctx, cm__planfile *src, const char *level, int *found)
{
	OGRLayerH lyr = cm__planfile_layer(src, "summary");
	OGRFeatureH f;
	int i_lv;
	*found = 0;
	if (!lyr)
		return cm__error(ctx, CM_EINPUT, _("%s: not a catchment plan (no summary layer)"), src->path);
	i_lv = cm__planfile_field(lyr, "level");
	OGR_L_ResetReading(lyr);
	while (!*found && (f = OGR_L_GetNextFeature(lyr)) != NULL) {
		*found = !strcmp(cm__planfile_str(f, i_lv), level);
		OGR_F_Destroy(f);
	}
	return 0;
}

/* Is `id` among opts' marked compounds of `level`? */
static int is_marked(const cm_map_opts *opts, const char *level, const char *id)
{
	int lv = cm__level_of(level);
	size_t k;
	for (k = 0; opts && id && lv >= 0 && k < opts->n_marked[lv]; k++)
		if (!strcmp(opts->marked[lv][k], id))
			return 1;
	return 0;
}

/* The schools of `level` in the base plan that the plan drawn lacks (a
 * scenario closed them, or they no longer teach the level), added to
 * sc->schools marked closed, each with its catchment in the base plan. */
static int closed_schools(cm_ctx *ctx, cm__planfile *src, cm__planfile *base, const char *level,
                          scene *sc)
{
	OGRLayerH lyr = cm__planfile_layer(base, "catchments"), own;
	OGRSpatialReferenceH a, b;
	OGRFeatureH f;
	size_t n = sc->schools.len, i;
	int i_lv, i_id, i_n, i_s, i_b;
	if (!lyr || OGR_FD_GetGeomFieldCount(OGR_L_GetLayerDefn(lyr)) == 0)
		return cm__error(ctx, CM_EINPUT, _("%s: the base plan has no catchment areas (a CSV plan "
		                 "has no geometry)"), base->path);
	own = cm__planfile_layer(src, "catchments");
	a = OGR_L_GetSpatialRef(lyr);
	b = own ? OGR_L_GetSpatialRef(own) : NULL;
	if ((a == NULL) != (b == NULL) || (a && !OSRIsSame(a, b)))
		return cm__error(ctx, CM_EINPUT, _("%s: the base plan is not in the CRS of %s: is it "
		                 "this plan's base?"), base->path, src->path);
	if (!(lyr = cm__planfile_layer(base, "schools")))
		return cm__error(ctx, CM_EINPUT, _("%s: not a catchment plan (no schools layer)"),
		                 base->path);
	i_lv = cm__planfile_field(lyr, "level");
	i_id = cm__planfile_field(lyr, "school_id");
	i_n = cm__planfile_field(lyr, "name");
	i_s = cm__planfile_field(lyr, "sector");
	i_b = cm__planfile_field(lyr, "boarding");
	OGR_L_ResetReading(lyr);
	while ((f = OGR_L_GetNextFeature(lyr)) != NULL) {
		OGRGeometryH g = OGR_F_GetGeometryRef(f);
		const char *id = cm__planfile_str(f, i_id);
		int kept = 0;
		m_school *s;
		if (!g || strcmp(cm__planfile_str(f, i_lv), level)) {
			OGR_F_Destroy(f);
			continue;
		}
		for (i = 0; i < n && !kept; i++)
			kept = !strcmp(((m_school *)sc->schools.data)[i].id, id);
		if (kept) {
			OGR_F_Destroy(f);
			continue;
		}
		s = cm__vec_push(&sc->schools);
		if (s)
			memset(s, 0, sizeof *s);
		if (!s || !(s->id = cm__strdup(id)) || !(s->name = cm__strdup(cm__planfile_str(f, i_n)))) {
			OGR_F_Destroy(f);
			return cm__error(ctx, CM_ENOMEM, _("out of memory"));
		}
		s->x = OGR_G_GetX(g, 0);
		s->y = OGR_G_GetY(g, 0);
		s->private_ = !strcmp(cm__planfile_str(f, i_s), "private");
		s->boarding = cm__planfile_num(f, i_b) != 0;
		s->closed = 1;
		s->seats = -1;
		sc->n_closed++;
		OGR_F_Destroy(f);
	}
	/* their areas in the base plan: the zone (polygon compounds: the
	 * district, not the compounds' own outlines), else the catchment */
	for (int k = 0; k < 2; k++) {
		if (!(lyr = cm__planfile_layer(base, k == 0 ? "zones" : "catchments")))
			continue;
		i_lv = cm__planfile_field(lyr, "level");
		i_id = cm__planfile_field(lyr, "school_id");
		OGR_L_ResetReading(lyr);
		while ((f = OGR_L_GetNextFeature(lyr)) != NULL) {
			OGRGeometryH g = OGR_F_GetGeometryRef(f);
			for (i = n; g && i < sc->schools.len && !strcmp(cm__planfile_str(f, i_lv), level);
			     i++) {
				m_school *s = &((m_school *)sc->schools.data)[i];
				if (!s->former && !strcmp(s->id, cm__planfile_str(f, i_id)) &&
				    !(s->former = OGR_G_Clone(g))) {
					OGR_F_Destroy(f);
					return cm__error(ctx, CM_ENOMEM, _("out of memory"));
				}
			}
			OGR_F_Destroy(f);
		}
	}
	return 0;
}

static int is_point(OGRGeometryH g)
{
	OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
	return t == wkbPoint || t == wkbMultiPoint;
}

/* Reads the level's part of the plan.  Returns 0, or an error; *found is 0
 * when the plan has no such level. */
static int scene_load(cm_ctx *ctx, cm__planfile *src, cm__planfile *base, const char *level,
                      const cm_map_opts *opts, scene *sc, int *found)
{
	int rc;
	OGRLayerH lyr;
	OGRFeatureH f;
	OGRSpatialReferenceH srs;
	int ix[CM__SUM_N], cx[CM__CMP_N], hx[CM__SCH_N]; /* the layers' fields */
	cm__vec_init(&sc->schools, sizeof(m_school));
	cm__vec_init(&sc->areas, sizeof(m_area));
	cm__vec_init(&sc->zones, sizeof(m_area));
	cm__vec_init(&sc->compounds, sizeof(m_compound));
	*found = 0;

	lyr = cm__planfile_layer_at(src, CM__L_SUMMARY, ix);
	if (!lyr)
		return cm__error(ctx, CM_EINPUT, _("%s: not a catchment plan (no summary layer)"), src->path);
	OGR_L_ResetReading(lyr);
	while ((f = OGR_L_GetNextFeature(lyr)) != NULL) {
		if (!strcmp(cm__planfile_str(f, ix[CM__SUM_LEVEL]), level)) {
			int mi = ix[CM__SUM_MIGRANT_PUBLIC_SHARE];
			*found = 1;
			sc->pupils = (long)cm__planfile_num(f, ix[CM__SUM_PUPILS]);
			sc->placed = (long)cm__planfile_num(f, ix[CM__SUM_PLACED]);
			sc->unplaced = (long)cm__planfile_num(f, ix[CM__SUM_UNPLACED]);
			sc->mean_km = cm__planfile_num(f, ix[CM__SUM_MEAN_DISTANCE_M]) / 1000;
			sc->migrant_share = mi >= 0 && OGR_F_IsFieldSetAndNotNull(f, mi) ? cm__planfile_num(f, mi) : -1;
			free(sc->scenario);
			sc->scenario = cm__strdup(cm__planfile_str(f, ix[CM__SUM_SCENARIO]));
			free(sc->title);
			sc->title = cm__strdup(cm__planfile_str(f, ix[CM__SUM_TITLE]));
		}
		OGR_F_Destroy(f);
	}
	if (!*found)
		return 0;

	lyr = cm__planfile_layer(src, "catchments");
	if (!lyr || OGR_FD_GetGeomFieldCount(OGR_L_GetLayerDefn(lyr)) == 0)
		return cm__error(ctx, CM_EINPUT, _("%s: the plan has no catchment areas to draw (a CSV "
		                 "plan has no geometry: write it as gpkg, shp or geojson)"), src->path);
	srs = OGR_L_GetSpatialRef(lyr);
	sc->geographic = srs && OSRIsGeographic(srs);
	sc->crs = cm__strdup(srs ? OSRGetName(srs) : "");
	if (read_areas(ctx, lyr, level, 1, &sc->areas))
		return CM_ENOMEM;
	lyr = cm__planfile_layer(src, "zones");
	if (lyr && read_areas(ctx, lyr, level, 0, &sc->zones))
		return CM_ENOMEM;

	lyr = cm__planfile_layer_at(src, CM__L_COMPOUNDS, cx);
	if (lyr) {
		int i_id = cx[CM__CMP_COMPOUND_ID], lv = cm__level_of(level);
		int i_u = lv >= 0 ? cx[CM__CMP_UNPLACED(lv)] : -1;
		int i_pl = lv >= 0 ? cx[CM__CMP_PUPILS(lv, CM_LOCAL)] : -1;
		int i_pm = lv >= 0 ? cx[CM__CMP_PUPILS(lv, CM_MIGRANT)] : -1;
		int i_sc = lv >= 0 ? cx[CM__CMP_SCHOOL(lv)] : -1;
		OGR_L_ResetReading(lyr);
		while ((f = OGR_L_GetNextFeature(lyr)) != NULL) {
			OGRGeometryH g = OGR_F_GetGeometryRef(f);
			if (g) {
				m_compound *c = cm__vec_push(&sc->compounds);
				if (!c) {
					OGR_F_Destroy(f);
					return cm__error(ctx, CM_ENOMEM, _("out of memory"));
				}
				c->g = OGR_G_Clone(g);
				c->unplaced = (int)cm__planfile_num(f, i_u);
				c->marked = i_id >= 0 && is_marked(opts, level, cm__planfile_str(f, i_id));
				/* (drawn white, as no catchment takes it: the legend says why).
				 * A compound without pupils has a catchment school where one
				 * is in reach (docs/output.md) and is drawn in its colour;
				 * white are those with none in reach, a point's cell too */
				if (i_pl >= 0 && i_pm >= 0 && i_sc >= 0 &&
				    cm__planfile_num(f, i_pl) + cm__planfile_num(f, i_pm) <= 0 &&
				    !*cm__planfile_str(f, i_sc))
					sc->n_empty++;
				sc->n_marked += c->marked;
			}
			OGR_F_Destroy(f);
		}
	}

	lyr = cm__planfile_layer_at(src, CM__L_SCHOOLS, hx);
	if (!lyr)
		return cm__error(ctx, CM_EINPUT, _("%s: not a catchment plan (no schools layer)"), src->path);
	OGR_L_ResetReading(lyr);
	while ((f = OGR_L_GetNextFeature(lyr)) != NULL) {
		OGRGeometryH g = OGR_F_GetGeometryRef(f);
		if (g && !strcmp(cm__planfile_str(f, hx[CM__SCH_LEVEL]), level)) {
			m_school *s = cm__vec_push(&sc->schools);
			if (s)
				memset(s, 0, sizeof *s);
			if (!s || !(s->name = cm__strdup(cm__planfile_str(f, hx[CM__SCH_NAME]))) ||
			    !(s->id = cm__strdup(cm__planfile_str(f, hx[CM__SCH_SCHOOL_ID])))) {
				OGR_F_Destroy(f);
				return cm__error(ctx, CM_ENOMEM, _("out of memory"));
			}
			s->x = OGR_G_GetX(g, 0);
			s->y = OGR_G_GetY(g, 0);
			s->private_ = !strcmp(cm__planfile_str(f, hx[CM__SCH_SECTOR]), "private");
			s->boarding = cm__planfile_num(f, hx[CM__SCH_BOARDING]) != 0;
			s->full = cm__planfile_num(f, hx[CM__SCH_SPARE]) <= 0;
			s->seats = hx[CM__SCH_SEATS] >= 0 ? (long)cm__planfile_num(f, hx[CM__SCH_SEATS]) : -1;
			s->enrolled = (long)cm__planfile_num(f, hx[CM__SCH_ENROLLED]);
			s->spare = (long)cm__planfile_num(f, hx[CM__SCH_SPARE]);
		}
		OGR_F_Destroy(f);
	}
	if (base && (rc = closed_schools(ctx, src, base, level, sc)))
		return rc;

	if (sc->geographic && sc->schools.len) {
		size_t i;
		for (i = 0; i < sc->schools.len; i++)
			sc->lat0 += ((m_school *)sc->schools.data)[i].y / (double)sc->schools.len;
	}
	lyr = cm__planfile_layer(src, "boundary");
	if (lyr) {
		OGR_L_ResetReading(lyr);
		if ((f = OGR_L_GetNextFeature(lyr)) != NULL) {
			if (OGR_F_GetGeometryRef(f))
				sc->boundary = OGR_G_Clone(OGR_F_GetGeometryRef(f));
			OGR_F_Destroy(f);
		}
	}
	/* the roads the plan's distances used: lines, drawn as they are */
	cm__vec_init(&sc->roads, sizeof(OGRGeometryH));
	if ((lyr = cm__planfile_layer(src, "roads")) != NULL) {
		OGR_L_ResetReading(lyr);
		while ((f = OGR_L_GetNextFeature(lyr)) != NULL) {
			OGRGeometryH g = OGR_F_GetGeometryRef(f), *slot;
			OGRwkbGeometryType t = g ? wkbFlatten(OGR_G_GetGeometryType(g)) : wkbUnknown;
			if (t == wkbLineString || t == wkbMultiLineString) {
				if (!(slot = cm__vec_push(&sc->roads)) || !(*slot = OGR_G_Clone(g))) {
					OGR_F_Destroy(f);
					return cm__error(ctx, CM_ENOMEM, _("out of memory"));
				}
			}
			OGR_F_Destroy(f);
		}
	}
	if (!sc->scenario || !sc->title || !sc->crs)
		return cm__error(ctx, CM_ENOMEM, _("out of memory"));
	return 0;
}

/* ------------------------------------------------------------ page */

/* A map on the page: what part of the data, where, at what scale. */
typedef struct view {
	double minx, miny, maxx, maxy;   /* the data shown (view coordinates, metres) */
	double s;                        /* points per metre */
	double mx, my, mw, mh;           /* the box on the page */
} view;

typedef struct page {
	cairo_t *cr;
	cairo_font_face_t *font;
	const scene *sc;
	view main, detail;               /* the county, and the dense part enlarged */
	int has_detail;
	const view *v;                   /* the view being drawn */
	double pw, ph;                   /* the page */
	double px;                       /* left edge of the panel */
	double tx;                       /* left edge of the schools' table */
	cm_vec boxes;                    /* placed labels and symbols: 4 doubles each */
} page;

#define MARGIN 24.0
#define TITLE_H 46.0
#define PANEL_W 230.0
#define DETAIL_W 640.0
#define TABLE_W 270.0
#define LABEL_SIZE 9.0

/* Data coordinates to the view (metres): plans in longitude/latitude are
 * shown equirectangular around their middle latitude. */
static void view_xy(const scene *sc, double x, double y, double *vx, double *vy)
{
	if (sc->geographic) {
		*vx = x * 111320.0 * cos(sc->lat0 * M_PI / 180);
		*vy = y * 110574.0;
	} else {
		*vx = x;
		*vy = y;
	}
}

static void to_page(const page *p, double x, double y, double *px, double *py)
{
	double vx, vy;
	view_xy(p->sc, x, y, &vx, &vy);
	*px = p->v->mx + (vx - p->v->minx) * p->v->s;
	*py = p->v->my + (p->v->maxy - vy) * p->v->s;
}

/* Adds the rings of a (multi)polygon to the current path. */
static void path_geometry(const page *p, OGRGeometryH g)
{
	OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
	int i, k, n;
	if (t == wkbPolygon) {
		for (i = 0; i < OGR_G_GetGeometryCount(g); i++) {
			OGRGeometryH ring = OGR_G_GetGeometryRef(g, i);
			n = OGR_G_GetPointCount(ring);
			for (k = 0; k < n; k++) {
				double x, y;
				to_page(p, OGR_G_GetX(ring, k), OGR_G_GetY(ring, k), &x, &y);
				if (k == 0)
					cairo_move_to(p->cr, x, y);
				else
					cairo_line_to(p->cr, x, y);
			}
			if (n)
				cairo_close_path(p->cr);
		}
	} else if (t == wkbLineString) {
		n = OGR_G_GetPointCount(g);
		for (k = 0; k < n; k++) {
			double x, y;
			to_page(p, OGR_G_GetX(g, k), OGR_G_GetY(g, k), &x, &y);
			if (k == 0)
				cairo_move_to(p->cr, x, y);
			else
				cairo_line_to(p->cr, x, y);
		}
	} else if (t == wkbMultiPolygon || t == wkbMultiLineString || t == wkbGeometryCollection) {
		for (i = 0; i < OGR_G_GetGeometryCount(g); i++)
			path_geometry(p, OGR_G_GetGeometryRef(g, i));
	}
}

static void extent_xy(double e[4], int *any, double x0, double y0, double x1, double y1)
{
	if (!*any || x0 < e[0]) e[0] = x0;
	if (!*any || y0 < e[1]) e[1] = y0;
	if (!*any || x1 > e[2]) e[2] = x1;
	if (!*any || y1 > e[3]) e[3] = y1;
	*any = 1;
}

static void extent_add(const scene *sc, OGRGeometryH g, double e[4], int *any)
{
	OGREnvelope env;
	double x0, y0, x1, y1;
	OGR_G_GetEnvelope(g, &env);
	view_xy(sc, env.MinX, env.MinY, &x0, &y0);
	view_xy(sc, env.MaxX, env.MaxY, &x1, &y1);
	extent_xy(e, any, x0, y0, x1, y1);
}

/* Fits the data extent e (padded by 3%) into a box of at most w x h points
 * at (mx, my); the box shrinks to the data's shape. */
static void fit(view *v, const double e[4], double mx, double my, double w, double h)
{
	double dw = fmax(e[2] - e[0], 100), dh = fmax(e[3] - e[1], 100), pad = 0.03 * fmax(dw, dh);
	dw += 2 * pad;
	dh += 2 * pad;
	v->s = fmin(w / dw, h / dh);
	v->mx = mx;
	v->my = my;
	v->mw = w;
	v->mh = h;
	/* the data in the middle of the box */
	v->minx = (e[0] + e[2]) / 2 - w / v->s / 2;
	v->maxx = v->minx + w / v->s;
	v->maxy = (e[1] + e[3]) / 2 + h / v->s / 2;
	v->miny = v->maxy - h / v->s;
}

static void school_xy(const page *p, const m_school *s, double *x, double *y)
{
	to_page(p, s->x, s->y, x, y);
}

static int in_view(const scene *sc, const view *v, const m_school *s)
{
	double x, y;
	view_xy(sc, s->x, s->y, &x, &y);
	return x >= v->minx && x <= v->maxx && y >= v->miny && y <= v->maxy;
}

static void set_font(page *p, double size)
{
	cairo_set_font_face(p->cr, p->font);
	cairo_set_font_size(p->cr, size);
}

static int find_label(page *p, double x, double y, const char *name, double best[4]);
static void box_add(page *p, double x0, double y0, double x1, double y1);

/* The room a school's symbol takes, which names keep clear of (a full
 * school's red ring is wider). */
static void symbol_box(page *p, const m_school *s)
{
	double x, y, r = s->full ? 10 : 7;
	school_xy(p, s, &x, &y);
	box_add(p, x - r, y - r, x + r, y + r);
}

/* Lays the page out: the county map; when school names crowd on it, a
 * detail map of the crowded part beside it; the panel on the right. */
static void layout(page *p, const scene *sc)
{
	double e[4] = {0, 0, 1, 1}, d[4] = {0, 0, 0, 0}, w, h, mh;
	size_t i;
	unsigned char *crowd;
	int any = 0, crowded = 0;
	p->sc = sc;
	if (sc->boundary) {
		extent_add(sc, sc->boundary, e, &any);
	} else {
		for (i = 0; i < sc->areas.len; i++)
			extent_add(sc, ((m_area *)sc->areas.data)[i].g, e, &any);
		for (i = 0; i < sc->compounds.len; i++)
			extent_add(sc, ((m_compound *)sc->compounds.data)[i].g, e, &any);
	}
	for (i = 0; i < sc->schools.len; i++) {
		const m_school *s = &((m_school *)sc->schools.data)[i];
		double x, y;
		view_xy(sc, s->x, s->y, &x, &y);
		extent_xy(e, &any, x, y, x, y);
	}
	/* The county map: 1000 pt wide, its height from the data's shape
	 * within 600..1100 pt, narrower when the data is tall. */
	w = fmax(e[2] - e[0], 100);
	h = fmax(e[3] - e[1], 100);
	mh = fmin(fmax(1000 * h / w, 600), 1100);
	fit(&p->main, e, MARGIN, MARGIN + TITLE_H, mh < 1100 ? 1000 : 1100 * w / h, mh);
	p->v = &p->main;

	/* Where would names collide?  A dry run of the labelling. */
	p->boxes.len = 0;
	set_font(p, LABEL_SIZE);
	for (i = 0; i < sc->schools.len; i++)
		symbol_box(p, &((m_school *)sc->schools.data)[i]);
	crowd = calloc(sc->schools.len + 1, sizeof *crowd);
	for (i = 0; i < sc->schools.len; i++) {
		const m_school *s = &((m_school *)sc->schools.data)[i];
		double x, y, b[4];
		school_xy(p, s, &x, &y);
		if (find_label(p, x, y, s->name, b) && crowd) {
			crowd[i] = 1;
			crowded++;
		}
		box_add(p, b[0], b[1], b[2], b[3]);
	}
	/* The detail shows the largest group of crowded schools, grouped when
	 * within 150 pt of each other on the county map (single linkage, by
	 * union-find). */
	if (crowded) {
		size_t best = 0, j, n = sc->schools.len, bestn = 0;
		size_t *grp = malloc((n + 1) * sizeof *grp);
		if (!grp) {
			crowded = 0;
		} else {
			for (i = 0; i < n; i++)
				grp[i] = i;
			for (i = 0; i < n; i++)
				for (j = i + 1; j < n && crowd[i]; j++) {
					double ax, ay, bx, by;
					size_t ri = i, rj = j;
					if (!crowd[j])
						continue;
					school_xy(p, &((m_school *)sc->schools.data)[i], &ax, &ay);
					school_xy(p, &((m_school *)sc->schools.data)[j], &bx, &by);
					if (hypot(ax - bx, ay - by) >= 150)
						continue;
					while (grp[ri] != ri)
						ri = grp[ri];
					while (grp[rj] != rj)
						rj = grp[rj];
					grp[ri > rj ? ri : rj] = ri < rj ? ri : rj;
				}
			for (i = 0; i < n; i++) /* flatten: grp[i] is i's root */
				while (grp[i] != grp[grp[i]])
					grp[i] = grp[grp[i]];
			for (i = 0; i < n; i++) {
				size_t m = 0;
				for (j = 0; j < n; j++)
					m += crowd[j] && grp[j] == i;
				if (m > bestn) {
					bestn = m;
					best = i;
				}
			}
			any = 0;
			/* the group and every school within 150 pt of it */
			for (i = 0; i < n; i++) {
				const m_school *s = &((m_school *)sc->schools.data)[i];
				double vx, vy, x, y;
				int near = crowd[i] && grp[i] == best;
				school_xy(p, s, &x, &y);
				for (j = 0; j < n && !near; j++) {
					double ox, oy;
					if (!crowd[j] || grp[j] != best)
						continue;
					school_xy(p, &((m_school *)sc->schools.data)[j], &ox, &oy);
					near = hypot(ox - x, oy - y) < 150;
				}
				if (!near)
					continue;
				view_xy(sc, s->x, s->y, &vx, &vy);
				extent_xy(d, &any, vx, vy, vx, vy);
			}
			free(grp);
		}
	}
	free(crowd);
	p->boxes.len = 0;
	p->has_detail = crowded > 0;
	p->px = p->main.mx + p->main.mw + MARGIN;
	if (p->has_detail) {
		/* the crowded schools with their neighbours: a label's length of
		 * the county map around them, at least 1.5 km */
		double room = 30 / p->main.s, cx = (d[0] + d[2]) / 2, cy = (d[1] + d[3]) / 2;
		double half = fmax(fmax(d[2] - d[0], d[3] - d[1]) / 2 + room, 750);
		d[0] = cx - half;
		d[2] = cx + half;
		d[1] = cy - half;
		d[3] = cy + half;
		fit(&p->detail, d, p->px, p->main.my, DETAIL_W, p->main.mh);
		p->px += DETAIL_W + MARGIN;
	}
	p->tx = p->px + PANEL_W + MARGIN;
	p->pw = p->tx + TABLE_W + MARGIN;
	p->ph = MARGIN + TITLE_H + p->main.mh + MARGIN;
}

/* ------------------------------------------------------------ text */

/* A font with Chinese glyphs, through fontconfig; NULL if none at all. */
static cairo_font_face_t *cjk_font(cm_ctx *ctx)
{
	FcPattern *pat = FcNameParse((const FcChar8 *)"sans-serif:lang=zh-cn"), *match;
	FcCharSet *cs = NULL;
	FcResult res;
	cairo_font_face_t *face = NULL;
	if (!pat)
		return NULL;
	FcConfigSubstitute(NULL, pat, FcMatchPattern);
	FcDefaultSubstitute(pat);
	match = FcFontMatch(NULL, pat, &res);
	FcPatternDestroy(pat);
	if (!match)
		return NULL;
	if (FcPatternGetCharSet(match, FC_CHARSET, 0, &cs) != FcResultMatch ||
	    !FcCharSetHasChar(cs, 0x5b66 /* 学 */))
		cm__log(ctx, CM_LOG_WARN, _("no font with Chinese characters is installed: names will "
		        "not show (on Debian: apt-get install fonts-wqy-microhei)"));
	face = cairo_ft_font_face_create_for_pattern(match);
	FcPatternDestroy(match);
	return face;
}

/* Text with its left baseline at (x, y); a white halo when `halo`.  The
 * text itself is shown as text, so a PDF's names can be searched. */
static void text_at(page *p, double x, double y, const char *s, int halo)
{
	if (halo) {
		cairo_move_to(p->cr, x, y);
		cairo_text_path(p->cr, s);
		cairo_set_source_rgb(p->cr, 1, 1, 1);
		cairo_set_line_width(p->cr, 2.6);
		cairo_set_line_join(p->cr, CAIRO_LINE_JOIN_ROUND);
		cairo_stroke(p->cr);
	}
	cairo_move_to(p->cr, x, y);
	cairo_set_source_rgb(p->cr, 0.1, 0.1, 0.1);
	cairo_show_text(p->cr, s);
	cairo_new_path(p->cr);
}

static int boxes_overlap(const double *a, const double *b)
{
	return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
}

static void box_add(page *p, double x0, double y0, double x1, double y1)
{
	double *b = cm__vec_push(&p->boxes);
	if (b) {
		b[0] = x0, b[1] = y0, b[2] = x1, b[3] = y1;
	}
}

/* A place for a school's name beside its symbol: the first of eight that
 * overlaps nothing placed yet, else the one that overlaps least.  Returns
 * the overlaps of the place chosen (0: none). */
static int find_label(page *p, double x, double y, const char *name, double best[4])
{
	static const double dir[8][2] = {{1, 0}, {-1, 0}, {0, -1}, {0, 1},
	                                 {1, -1}, {1, 1}, {-1, -1}, {-1, 1}};
	cairo_text_extents_t te;
	const view *v = p->v;
	double gap = 10;
	size_t k, i, fewest = (size_t)-1;
	cairo_text_extents(p->cr, name, &te);
	for (k = 0; k < 8; k++) {
		double b[4], w = te.x_advance + 3, h = LABEL_SIZE + 4;
		size_t hits = 0;
		b[0] = dir[k][0] > 0 ? x + gap : dir[k][0] < 0 ? x - gap - w : x - w / 2;
		b[1] = dir[k][1] > 0 ? y + gap : dir[k][1] < 0 ? y - gap - h : y - h / 2;
		b[2] = b[0] + w;
		b[3] = b[1] + h;
		if (b[0] < v->mx || b[2] > v->mx + v->mw || b[1] < v->my || b[3] > v->my + v->mh)
			hits += 100; /* off the map */
		for (i = 0; i < p->boxes.len; i++)
			hits += boxes_overlap(b, (double *)p->boxes.data + 4 * i);
		if (hits < fewest) {
			fewest = hits;
			memcpy(best, b, 4 * sizeof *b);
		}
		if (hits == 0)
			break;
	}
	return fewest > 0;
}

/* Draws a name (struck through when `strike`); returns 1 when it overlaps
 * something. */
static int place_label(page *p, double x, double y, const char *name, int strike)
{
	double b[4];
	int crowded = find_label(p, x, y, name, b);
	text_at(p, b[0] + 1.5, b[3] - 3.5, name, 1);
	if (strike) {
		cairo_move_to(p->cr, b[0] + 0.5, (b[1] + b[3]) / 2 + 0.5);
		cairo_line_to(p->cr, b[2] - 0.5, (b[1] + b[3]) / 2 + 0.5);
		cairo_set_source_rgb(p->cr, CLOSED_RGB);
		cairo_set_line_width(p->cr, 1.3);
		cairo_stroke(p->cr);
	}
	box_add(p, b[0], b[1], b[2], b[3]);
	return crowded;
}

/* ------------------------------------------------------------ symbols */

static void school_symbol(page *p, double x, double y, const m_school *s)
{
	cairo_t *cr = p->cr;
	if (s->closed) {
		cairo_arc(cr, x, y, 5, 0, 2 * M_PI);
		cairo_set_source_rgb(cr, 0.75, 0.75, 0.75);
		cairo_fill_preserve(cr);
		cairo_set_source_rgb(cr, 0.4, 0.4, 0.4);
		cairo_set_line_width(cr, 1);
		cairo_stroke(cr);
		cairo_move_to(cr, x - 6.5, y - 6.5);
		cairo_line_to(cr, x + 6.5, y + 6.5);
		cairo_move_to(cr, x + 6.5, y - 6.5);
		cairo_line_to(cr, x - 6.5, y + 6.5);
		cairo_set_source_rgb(cr, CLOSED_RGB);
		cairo_set_line_width(cr, 2);
		cairo_stroke(cr);
		return;
	}
	if (s->full) {
		cairo_arc(cr, x, y, 8.5, 0, 2 * M_PI);
		cairo_set_source_rgb(cr, 0.85, 0.1, 0.1);
		cairo_set_line_width(cr, 2);
		cairo_stroke(cr);
	}
	if (s->private_) {
		cairo_move_to(cr, x, y - 6);
		cairo_line_to(cr, x + 6, y);
		cairo_line_to(cr, x, y + 6);
		cairo_line_to(cr, x - 6, y);
		cairo_close_path(cr);
		cairo_set_source_rgb(cr, 0.55, 0.18, 0.55);
	} else if (s->boarding) {
		cairo_move_to(cr, x, y - 6.5);
		cairo_line_to(cr, x + 6, y + 4.5);
		cairo_line_to(cr, x - 6, y + 4.5);
		cairo_close_path(cr);
		cairo_set_source_rgb(cr, 0.05, 0.35, 0.2);
	} else {
		cairo_arc(cr, x, y, 5, 0, 2 * M_PI);
		cairo_set_source_rgb(cr, 0.1, 0.2, 0.55);
	}
	cairo_fill_preserve(cr);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_set_line_width(cr, 1.2);
	cairo_stroke(cr);
}

/* Red diagonal hatching inside the current path (consumed). */
/* Marked compounds (changing school): a magenta ring or outline. */
#define MARK_RGB 0.8, 0.0, 0.6

static void marked_symbol(page *p, double x, double y)
{
	cairo_arc(p->cr, x, y, 4.2, 0, 2 * M_PI);
	cairo_set_source_rgb(p->cr, MARK_RGB);
	cairo_set_line_width(p->cr, 1.6);
	cairo_stroke(p->cr);
}

static void hatch_path(page *p)
{
	double x0, y0, x1, y1, t;
	cairo_t *cr = p->cr;
	cairo_save(cr);
	cairo_path_extents(cr, &x0, &y0, &x1, &y1);
	cairo_clip(cr);
	cairo_set_source_rgb(cr, 0.85, 0.1, 0.1);
	cairo_set_line_width(cr, 0.9);
	for (t = x0 - (y1 - y0); t < x1; t += 3.5) {
		cairo_move_to(cr, t, y1);
		cairo_line_to(cr, t + (y1 - y0), y0);
	}
	cairo_stroke(cr);
	cairo_restore(cr);
}

static void unplaced_symbol(page *p, double x, double y)
{
	cairo_arc(p->cr, x, y, 4, 0, 2 * M_PI);
	cairo_set_source_rgb(p->cr, 0.85, 0.1, 0.1);
	cairo_set_line_width(p->cr, 1.6);
	cairo_stroke(p->cr);
}

/* ------------------------------------------------------------ map */


/* A road's two strokes, in the map and its legend: pass 0 the grey casing
 * `casing` wide, pass 1 the white street `street` wide inside it. */
static void road_pen(cairo_t *cr, int pass, double casing, double street)
{
	if (pass == 0)
		cairo_set_source_rgba(cr, 0.35, 0.35, 0.35, 0.55);
	else
		cairo_set_source_rgba(cr, 1, 1, 1, 0.9);
	cairo_set_line_width(cr, pass == 0 ? casing : street);
}

#define AREA_LABEL_SIZE 10.0

/* Where a catchment's name may go: a point on the surface of each of its
 * parts (the largest first; at most `max`), in data coordinates.  Returns
 * how many. */
static int area_points(OGRGeometryH g, double (*pts)[2], int max)
{
	OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
	int n = 0, k, m = t == wkbMultiPolygon || t == wkbGeometryCollection
	                         ? OGR_G_GetGeometryCount(g) : 1;
	double area[64];
	for (k = 0; k < m && n < max && k < 64; k++) {
		OGRGeometryH part = m > 1 || t == wkbMultiPolygon ? OGR_G_GetGeometryRef(g, k) : g;
		OGRGeometryH pt = part ? OGR_G_PointOnSurface(part) : NULL;
		double a = part ? OGR_G_Area(part) : 0, x, y;
		int j;
		if (pt && !OGR_G_IsEmpty(pt)) {
			x = OGR_G_GetX(pt, 0);
			y = OGR_G_GetY(pt, 0);
		} else if (part) { /* GDAL without GEOS: the envelope's middle */
			OGREnvelope e;
			OGR_G_GetEnvelope(part, &e);
			x = (e.MinX + e.MaxX) / 2;
			y = (e.MinY + e.MaxY) / 2;
		} else {
			continue;
		}
		if (pt)
			OGR_G_DestroyGeometry(pt);
		/* insertion by area, largest first */
		for (j = n; j > 0 && area[j - 1] < a; j--) {
			area[j] = area[j - 1];
			pts[j][0] = pts[j - 1][0];
			pts[j][1] = pts[j - 1][1];
		}
		area[j] = a;
		pts[j][0] = x;
		pts[j][1] = y;
		n++;
	}
	return n;
}

static int view_holds(const scene *sc, const view *v, double x, double y)
{
	double vx, vy;
	view_xy(sc, x, y, &vx, &vy);
	return vx >= v->minx && vx <= v->maxx && vy >= v->miny && vy <= v->maxy;
}

/* Each catchment named inside it, in a dark shade of its colour, where
 * the name overlaps no name or symbol placed yet (else where it overlaps
 * least): at a point on its largest part, a line above or below it, or on
 * another part.  A catchment is named once on a page: on the detail map
 * when its largest part's point is inside the detail (`label_skip`, when
 * drawing the county map), else on the county map.  Returns the
 * catchments named on this view. */
static size_t label_areas(page *p, const view *label_skip)
{
	static const double shift[][2] = {{0, 0}, {0, -1}, {0, 1}, {-0.5, 0}, {0.5, 0}};
	const scene *sc = p->sc;
	const view *v = p->v;
	size_t i, named = 0;
	set_font(p, AREA_LABEL_SIZE);
	for (i = 0; i < sc->areas.len; i++) {
		const m_area *a = &((m_area *)sc->areas.data)[i];
		double pts[8][2], best[4] = {0, 0, 0, 0}, w, h = AREA_LABEL_SIZE + 4;
		size_t fewest = (size_t)-1;
		cairo_text_extents_t te;
		int n = area_points(a->g, pts, 8), k, d;
		if (!a->name || n == 0)
			continue;
		if (label_skip ? view_holds(sc, label_skip, pts[0][0], pts[0][1])
		               : v == &p->detail ? !view_holds(sc, v, pts[0][0], pts[0][1]) : 0)
			continue; /* named on the other view */
		cairo_text_extents(p->cr, a->name, &te);
		w = te.x_advance + 3;
		for (k = 0; k < n && fewest; k++) {
			double x, y;
			if (k > 0 && !view_holds(sc, v, pts[k][0], pts[k][1]))
				continue;
			to_page(p, pts[k][0], pts[k][1], &x, &y);
			for (d = 0; d < (int)(sizeof shift / sizeof *shift) && fewest; d++) {
				double b[4];
				size_t hits = 0, j;
				b[0] = x - w / 2 + shift[d][0] * w;
				b[1] = y - h / 2 + shift[d][1] * h;
				b[2] = b[0] + w;
				b[3] = b[1] + h;
				if (b[0] < v->mx || b[2] > v->mx + v->mw || b[1] < v->my || b[3] > v->my + v->mh)
					hits += 100; /* off the map */
				for (j = 0; j < p->boxes.len; j++)
					hits += boxes_overlap(b, (double *)p->boxes.data + 4 * j);
				if (hits < fewest) {
					fewest = hits;
					memcpy(best, b, sizeof best);
				}
			}
		}
		cairo_move_to(p->cr, best[0] + 1.5, best[3] - 3.5);
		cairo_text_path(p->cr, a->name);
		cairo_set_source_rgba(p->cr, 1, 1, 1, 0.85);
		cairo_set_line_width(p->cr, 2.6);
		cairo_set_line_join(p->cr, CAIRO_LINE_JOIN_ROUND);
		cairo_stroke(p->cr);
		cairo_move_to(p->cr, best[0] + 1.5, best[3] - 3.5);
		cairo_set_source_rgb(p->cr, a->rgb[0] * 0.35, a->rgb[1] * 0.35, a->rgb[2] * 0.35);
		cairo_show_text(p->cr, a->name);
		cairo_new_path(p->cr);
		box_add(p, best[0], best[1], best[2], best[3]);
		named++;
	}
	return named;
}

/* Draws the current view.  Schools inside `label_skip` (the detail, when
 * drawing the county map) are named on the detail, not here; its frame is
 * drawn instead. */
static void draw_view(page *p, const view *label_skip, cm_ctx *ctx, const char *what)
{
	const scene *sc = p->sc;
	const view *v = p->v;
	cairo_t *cr = p->cr;
	size_t i, names = 0, overlapping = 0, labelled;

	cairo_save(cr);
	cairo_rectangle(cr, v->mx, v->my, v->mw, v->mh);
	cairo_clip(cr);
	cairo_set_source_rgb(cr, 0.97, 0.97, 0.95);
	cairo_paint(cr);
	cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
	if (sc->boundary) {
		path_geometry(p, sc->boundary);
		cairo_set_source_rgb(cr, 1, 1, 1);
		cairo_fill(cr);
	}
	/* zones: the catchments' tessellation, tinted */
	for (i = 0; i < sc->zones.len; i++) {
		const m_area *a = &((m_area *)sc->zones.data)[i];
		path_geometry(p, a->g);
		cairo_set_source_rgba(cr, a->rgb[0], a->rgb[1], a->rgb[2], 0.45);
		cairo_fill(cr);
	}
	/* catchments: fill, then a darker edge of the same hue */
	for (i = 0; i < sc->areas.len; i++) {
		const m_area *a = &((m_area *)sc->areas.data)[i];
		path_geometry(p, a->g);
		cairo_set_source_rgb(cr, a->rgb[0], a->rgb[1], a->rgb[2]);
		cairo_fill_preserve(cr);
		cairo_set_source_rgb(cr, a->rgb[0] * 0.55, a->rgb[1] * 0.55, a->rgb[2] * 0.55);
		cairo_set_line_width(cr, sc->zones.len ? 0.4 : 0.9);
		cairo_stroke(cr);
	}
	/* zone borders over the fills */
	for (i = 0; i < sc->zones.len; i++) {
		const m_area *a = &((m_area *)sc->zones.data)[i];
		path_geometry(p, a->g);
		cairo_set_source_rgb(cr, a->rgb[0] * 0.5, a->rgb[1] * 0.5, a->rgb[2] * 0.5);
		cairo_set_line_width(cr, 0.9);
		cairo_stroke(cr);
	}
	/* roads over the fills, beneath compounds and schools: grey casing,
	 * a white street (a catchment's fill is opaque, so "beneath the
	 * catchments" is drawn as beneath everything that is not a fill) */
	if (sc->roads.len) {
		int pass;
		for (pass = 0; pass < 2; pass++) {
			for (i = 0; i < sc->roads.len; i++)
				path_geometry(p, ((OGRGeometryH *)sc->roads.data)[i]);
			road_pen(cr, pass, 1.3, 0.6);
			cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
			cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
			cairo_stroke(cr);
		}
		cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
		cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
	}
	/* compounds: outlines or dots; unplaced pupils in red */
	for (i = 0; i < sc->compounds.len; i++) {
		const m_compound *c = &((m_compound *)sc->compounds.data)[i];
		if (is_point(c->g)) {
			double x, y;
			OGRGeometryH g = wkbFlatten(OGR_G_GetGeometryType(c->g)) == wkbPoint
			                         ? c->g : OGR_G_GetGeometryRef(c->g, 0);
			to_page(p, OGR_G_GetX(g, 0), OGR_G_GetY(g, 0), &x, &y);
			cairo_arc(cr, x, y, 1.4, 0, 2 * M_PI);
			cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
			cairo_fill(cr);
			if (c->unplaced > 0)
				unplaced_symbol(p, x, y);
			if (c->marked)
				marked_symbol(p, x, y);
			continue;
		}
		path_geometry(p, c->g);
		if (c->marked) {
			cairo_path_t *path = cairo_copy_path(cr);
			cairo_set_source_rgb(cr, MARK_RGB);
			cairo_set_line_width(cr, 2.2);
			cairo_stroke(cr);
			cairo_append_path(cr, path);
			cairo_path_destroy(path);
		}
		if (c->unplaced > 0) {
			cairo_path_t *path = cairo_copy_path(cr);
			hatch_path(p);
			cairo_append_path(cr, path);
			cairo_path_destroy(path);
			cairo_set_source_rgb(cr, 0.85, 0.1, 0.1);
			cairo_set_line_width(cr, 1.4);
		} else {
			cairo_set_source_rgba(cr, 0.25, 0.25, 0.25, 0.6);
			cairo_set_line_width(cr, 0.35);
		}
		cairo_stroke(cr);
	}
	if (sc->boundary) {
		const double dash[] = {6, 3};
		path_geometry(p, sc->boundary);
		cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
		cairo_set_line_width(cr, 1.4);
		cairo_set_dash(cr, dash, 2, 0);
		cairo_stroke(cr);
		cairo_set_dash(cr, NULL, 0, 0);
	}
	/* closed schools' former catchments (from the base plan), dashed */
	for (i = 0; i < sc->schools.len; i++) {
		const m_school *s = &((m_school *)sc->schools.data)[i];
		if (!s->former)
			continue;
		path_geometry(p, s->former);
		cairo_set_source_rgb(cr, CLOSED_RGB);
		cairo_set_line_width(cr, 1.6);
		cairo_set_dash(cr, closed_dash, 2, 0);
		cairo_stroke(cr);
		cairo_set_dash(cr, NULL, 0, 0);
	}
	/* schools, then their names (symbols first, so names avoid them all) */
	p->boxes.len = 0;
	for (i = 0; i < sc->schools.len; i++) {
		const m_school *s = &((m_school *)sc->schools.data)[i];
		double x, y;
		school_xy(p, s, &x, &y);
		school_symbol(p, x, y, s);
		symbol_box(p, s);
	}
	set_font(p, LABEL_SIZE);
	for (i = 0; i < sc->schools.len; i++) {
		const m_school *s = &((m_school *)sc->schools.data)[i];
		double x, y;
		if (!in_view(sc, v, s) || (label_skip && in_view(sc, label_skip, s)))
			continue;
		school_xy(p, s, &x, &y);
		overlapping += (size_t)place_label(p, x, y, s->name, s->closed);
		names++;
	}
	labelled = label_areas(p, label_skip);
	cm__log(ctx, CM_LOG_DEBUG, "map %s: %zu names, %zu overlapping, %zu catchments labelled, %d "
	        "closed", what, names, overlapping, labelled, sc->n_closed);
	/* the detail's frame on the county map */
	if (label_skip) {
		double x0 = v->mx + (label_skip->minx - v->minx) * v->s;
		double y0 = v->my + (v->maxy - label_skip->maxy) * v->s;
		double x1 = v->mx + (label_skip->maxx - v->minx) * v->s;
		double y1 = v->my + (v->maxy - label_skip->miny) * v->s;
		cairo_rectangle(cr, x0, y0, x1 - x0, y1 - y0);
		cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
		cairo_set_line_width(cr, 1.2);
		cairo_stroke(cr);
		set_font(p, 10);
		text_at(p, x0 + 2, y0 - 4, "详图 detail", 1);
	}
	cairo_restore(cr);
	cairo_rectangle(cr, v->mx, v->my, v->mw, v->mh);
	cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
	cairo_set_line_width(cr, 1);
	cairo_stroke(cr);
}

/* A UTF-8 sequence cut short at the end of `s` (snprintf into a fixed
 * buffer) taken off: cairo refuses text that is not UTF-8, and stays in
 * its error state for the rest of the map (a school name of 293 bytes did
 * that to every map). */
static void clip_utf8(char *s)
{
	size_t n = strlen(s), k = n, need;
	unsigned char c;
	while (k > 0 && ((unsigned char)s[k - 1] & 0xC0) == 0x80)
		k--;
	if (k == 0)
		return;
	c = (unsigned char)s[k - 1];
	need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
	if (n - (k - 1) < need)
		s[k - 1] = '\0';
}

/* A round length near a fifth of the panel, for the scale bar. */
static double nice_length(double metres)
{
	double e = pow(10, floor(log10(metres))), f = metres / e;
	return (f >= 5 ? 5 : f >= 2 ? 2 : 1) * e;
}

static void draw_scale_bar(page *p, const view *v, double x, double y, double room)
{
	cairo_t *cr = p->cr;
	double len = nice_length(room / v->s), w = len * v->s, k;
	char buf[32];
	for (k = 0; k < 4; k++) {
		cairo_rectangle(cr, x + k * w / 4, y, w / 4, 6);
		if ((int)k % 2 == 0)
			cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
		else
			cairo_set_source_rgb(cr, 1, 1, 1);
		cairo_fill_preserve(cr);
		cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
		cairo_set_line_width(cr, 0.8);
		cairo_stroke(cr);
	}
	set_font(p, 8.5);
	text_at(p, x - 2, y + 18, "0", 1);
	if (len >= 1000)
		snprintf(buf, sizeof buf, "%g km", len / 1000);
	else
		snprintf(buf, sizeof buf, "%g m", len);
	text_at(p, x + w - 6, y + 18, buf, 1);
}

static void draw_north(page *p, double x, double y)
{
	cairo_t *cr = p->cr;
	cairo_move_to(cr, x, y);
	cairo_line_to(cr, x + 9, y + 28);
	cairo_line_to(cr, x, y + 21);
	cairo_close_path(cr);
	cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
	cairo_fill(cr);
	cairo_move_to(cr, x, y);
	cairo_line_to(cr, x - 9, y + 28);
	cairo_line_to(cr, x, y + 21);
	cairo_close_path(cr);
	cairo_set_line_width(cr, 1);
	cairo_stroke(cr);
	set_font(p, 11);
	text_at(p, x - 9, y - 5, "北 N", 0);
}

static void draw_panel(page *p, const char *level)
{
	cairo_t *cr = p->cr;
	const scene *sc = p->sc;
	double x = p->px, y = p->main.my + 14, sx = x + 12, tx = x + 30;
	char buf[160];
	static const double sw[3][3] = {{0x8d / 255.0, 0xd3 / 255.0, 0xc7 / 255.0},
	                                {0xfd / 255.0, 0xb4 / 255.0, 0x62 / 255.0},
	                                {0xbe / 255.0, 0xba / 255.0, 0xda / 255.0}};
	m_school sym;
	int k;

	set_font(p, 12);
	text_at(p, x, y, "图例 Legend", 0);
	y += 24;
	set_font(p, 9);
	for (k = 0; k < 3; k++) {
		cairo_rectangle(cr, sx - 9 + k * 6, y - 9, 6, 12);
		cairo_set_source_rgb(cr, sw[k][0], sw[k][1], sw[k][2]);
		cairo_fill(cr);
	}
	text_at(p, tx, y, "学区 catchment, a colour per school", 0);
	y += 20;
	cairo_rectangle(cr, sx - 8, y - 9, 16, 12);
	hatch_path(p);
	cairo_rectangle(cr, sx - 8, y - 9, 16, 12);
	cairo_set_source_rgb(cr, 0.85, 0.1, 0.1);
	cairo_set_line_width(cr, 1.4);
	cairo_stroke(cr);
	text_at(p, tx, y, "有学生未安置 compound with", 0);
	text_at(p, tx, y + 12, "pupils without a seat", 0);
	y += 32;
	if (sc->n_empty) {
		cairo_rectangle(cr, sx - 8, y - 9, 16, 12);
		cairo_set_source_rgb(cr, 1, 1, 1);
		cairo_fill_preserve(cr);
		cairo_set_source_rgba(cr, 0.25, 0.25, 0.25, 0.6);
		cairo_set_line_width(cr, 0.35);
		cairo_stroke(cr);
		snprintf(buf, sizeof buf, "无本学段学生 no pupils (%d)", sc->n_empty);
		text_at(p, tx, y, buf, 0);
		y += 20;
	}
	if (sc->n_marked) {
		marked_symbol(p, sx, y - 3);
		snprintf(buf, sizeof buf, "调整学校 changes school (%d)", sc->n_marked);
		text_at(p, tx, y, buf, 0);
		y += 20;
	}
	memset(&sym, 0, sizeof sym);
	school_symbol(p, sx, y - 3, &sym);
	set_font(p, 9);
	text_at(p, tx, y, "公办学校 public school", 0);
	y += 20;
	sym.boarding = 1;
	school_symbol(p, sx, y - 3, &sym);
	set_font(p, 9);
	text_at(p, tx, y, "寄宿制学校 boarding school", 0);
	y += 20;
	sym.private_ = 1;
	school_symbol(p, sx, y - 3, &sym);
	set_font(p, 9);
	text_at(p, tx, y, "民办学校 private school", 0);
	y += 22;
	sym.private_ = sym.boarding = 0;
	sym.full = 1;
	school_symbol(p, sx, y - 3, &sym);
	set_font(p, 9);
	text_at(p, tx, y, "满员 no spare seat", 0);
	y += 20;
	if (sc->n_closed) {
		const double dash[] = {5, 2.5};
		sym.full = 0;
		sym.closed = 1;
		school_symbol(p, sx, y - 3, &sym);
		set_font(p, 9);
		snprintf(buf, sizeof buf, "撤并学校 closed school (%d)", sc->n_closed);
		text_at(p, tx, y, buf, 0);
		y += 16;
		cairo_rectangle(cr, sx - 8, y - 9, 16, 12);
		cairo_set_source_rgb(cr, CLOSED_RGB);
		cairo_set_line_width(cr, 1.6);
		cairo_set_dash(cr, dash, 2, 0);
		cairo_stroke(cr);
		cairo_set_dash(cr, NULL, 0, 0);
		text_at(p, tx, y, "原学区 its former catchment", 0);
		y += 20;
	}
	if (sc->boundary) {
		const double dash[] = {6, 3};
		cairo_move_to(cr, sx - 9, y - 3);
		cairo_line_to(cr, sx + 9, y - 3);
		cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
		cairo_set_line_width(cr, 1.4);
		cairo_set_dash(cr, dash, 2, 0);
		cairo_stroke(cr);
		cairo_set_dash(cr, NULL, 0, 0);
		text_at(p, tx, y, "边界 boundary", 0);
		y += 20;
	}
	if (sc->roads.len) {
		int pass;
		for (pass = 0; pass < 2; pass++) {
			cairo_move_to(cr, sx - 9, y - 3);
			cairo_line_to(cr, sx + 9, y - 3);
			road_pen(cr, pass, 2.6, 1.2);
			cairo_stroke(cr);
		}
		set_font(p, 9);
		text_at(p, tx, y, "道路 road (distances by road)", 0);
		y += 20;
	}

	y += 14;
	set_font(p, 12);
	text_at(p, x, y, cm__level_of(level) == CM_PRIMARY ? "小学 primary" : "初中 junior", 0);
	y += 20;
	set_font(p, 9);
	snprintf(buf, sizeof buf, "学生 pupils: %ld", sc->pupils);
	text_at(p, x, y, buf, 0);
	y += 15;
	snprintf(buf, sizeof buf, "已安置 placed: %ld", sc->placed);
	text_at(p, x, y, buf, 0);
	y += 15;
	snprintf(buf, sizeof buf, "未安置 without a seat: %ld", sc->unplaced);
	text_at(p, x, y, buf, 0);
	y += 15;
	if (sc->placed > 0)
		snprintf(buf, sizeof buf, "平均距离 mean trip: %.2f km", sc->mean_km);
	else /* nobody placed: no trip (the summary layer holds 0) */
		snprintf(buf, sizeof buf, "平均距离 mean trip: -");
	text_at(p, x, y, buf, 0);
	y += 15;
	if (sc->migrant_share >= 0) {
		snprintf(buf, sizeof buf, "随迁子女公办 migrants in public: %.1f%%",
		         100 * sc->migrant_share);
		text_at(p, x, y, buf, 0);
		y += 15;
	}

	draw_north(p, x + 20, p->main.my + p->main.mh - 120);
	set_font(p, 9);
	text_at(p, x, p->main.my + p->main.mh - 44, "比例尺 scale (county map)", 0);
	draw_scale_bar(p, &p->main, x, p->main.my + p->main.mh - 34, PANEL_W - 40);
	set_font(p, 7);
	snprintf(buf, sizeof buf, "%.60s", sc->crs);
	clip_utf8(buf);
	text_at(p, x, p->main.my + p->main.mh + 14, buf, 0);
}

/* A number in a table cell, right-aligned at x. */
static void cell_number(page *p, double x, double y, long v)
{
	char buf[32];
	cairo_text_extents_t te;
	snprintf(buf, sizeof buf, "%ld", v);
	cairo_text_extents(p->cr, buf, &te);
	text_at(p, x - te.x_advance, y, buf, 0);
}

/* `s` cut to at most `room` points wide (whole UTF-8 characters), with an
 * ellipsis when cut, into buf. */
static void fit_text(page *p, const char *s, double room, char *buf, size_t n)
{
	cairo_text_extents_t te;
	size_t len;
	snprintf(buf, n, "%s", s);
	clip_utf8(buf);
	len = strlen(buf);
	cairo_text_extents(p->cr, buf, &te);
	while (te.x_advance > room && len > 0) {
		do
			len--;
		while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80);
		snprintf(buf, n, "%.*s…", (int)len, s);
		cairo_text_extents(p->cr, buf, &te);
	}
}

/* The schools' table: a row per school on the detail map (every school of
 * the level without one) with its catchment's colour, seats, enrolled and
 * spare seats: what a planner reads off the map.  Rows that do not fit
 * are counted in a last line.  Returns the rows drawn. */
static size_t draw_table(page *p)
{
	const scene *sc = p->sc;
	cairo_t *cr = p->cr;
	double x = p->tx, y = p->main.my + 14, row = 13, bottom = p->main.my + p->main.mh;
	double c_seats = x + 178, c_enrolled = x + 226, c_spare = x + TABLE_W - 4;
	size_t i, j, shown = 0, rows = 0, left;
	char buf[256];
	for (i = 0; i < sc->schools.len; i++)
		rows += !p->has_detail ||
		        in_view(sc, &p->detail, &((m_school *)sc->schools.data)[i]);
	set_font(p, 12);
	text_at(p, x, y, p->has_detail ? "详图学校 schools on the detail map" : "学校 schools", 0);
	y += 20;
	set_font(p, 8.5);
	text_at(p, x + 14, y, "学校", 0);
	text_at(p, x + 14, y + 11, "school", 0);
	{
		cairo_text_extents_t te;
		const char *head[2][3] = {{"学位", "招生", "空余"}, {"seats", "enrolled", "spare"}};
		double at[3] = {c_seats, c_enrolled, c_spare};
		for (j = 0; j < 6; j++) {
			cairo_text_extents(cr, head[j / 3][j % 3], &te);
			text_at(p, at[j % 3] - te.x_advance, y + 11 * (double)(j / 3), head[j / 3][j % 3], 0);
		}
	}
	y += 11;
	cairo_move_to(cr, x, y + 4);
	cairo_line_to(cr, x + TABLE_W, y + 4);
	cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
	cairo_set_line_width(cr, 0.6);
	cairo_stroke(cr);
	y += row + 2;
	left = rows;
	for (i = 0; i < sc->schools.len; i++) {
		const m_school *s = &((m_school *)sc->schools.data)[i];
		const m_area *a = NULL;
		if (p->has_detail && !in_view(sc, &p->detail, s))
			continue;
		if (y + row > bottom - 4 && left > 1)
			break; /* the last line says how many more */
		for (j = 0; j < sc->areas.len && !a; j++)
			if (((m_area *)sc->areas.data)[j].school_id &&
			    !strcmp(((m_area *)sc->areas.data)[j].school_id, s->id))
				a = &((m_area *)sc->areas.data)[j];
		if (a) {
			cairo_rectangle(cr, x, y - 8, 9, 9);
			cairo_set_source_rgb(cr, a->rgb[0], a->rgb[1], a->rgb[2]);
			cairo_fill(cr);
		}
		fit_text(p, s->name, c_seats - x - 14 - 30, buf, sizeof buf);
		text_at(p, x + 14, y, buf, 0);
		if (s->closed) {
			cairo_text_extents_t te;
			cairo_text_extents(cr, buf, &te);
			cairo_move_to(cr, x + 14, y - 3);
			cairo_line_to(cr, x + 14 + te.x_advance, y - 3);
			cairo_set_source_rgb(cr, CLOSED_RGB);
			cairo_set_line_width(cr, 1);
			cairo_stroke(cr);
			text_at(p, c_seats - 30, y, "撤并 closed", 0);
		} else {
			if (s->seats >= 0)
				cell_number(p, c_seats, y, s->seats);
			cell_number(p, c_enrolled, y, s->enrolled);
			cell_number(p, c_spare, y, s->spare);
		}
		y += row;
		shown++;
		left--;
	}
	if (shown < rows) {
		snprintf(buf, sizeof buf, "… 另 %zu 所 %zu more (the plan's schools layer)",
		         rows - shown, rows - shown);
		text_at(p, x + 14, y, buf, 0);
	}
	return shown;
}

/* The title: --title, else the plan's own ([output] title, a scenario's
 * title), else its scenario's name. */
static const char *page_title(const scene *sc, const cm_map_opts *opts)
{
	if (opts && opts->title && *opts->title)
		return opts->title;
	return sc->title && *sc->title ? sc->title : sc->scenario;
}

static void draw_page(page *p, const char *level, const char *title, cm_ctx *ctx)
{
	char what[64];
	cairo_t *cr = p->cr;
	char buf[512];
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	set_font(p, 17);
	snprintf(buf, sizeof buf, "%s · %s", title,
	         !strcmp(level, "primary") ? "小学学区 primary catchments"
	                                   : "初中学区 junior catchments");
	clip_utf8(buf);
	text_at(p, p->main.mx, MARGIN + 22, buf, 0);
	p->v = &p->main;
	snprintf(what, sizeof what, "%s county", level);
	draw_view(p, p->has_detail ? &p->detail : NULL, ctx, what);
	if (p->has_detail) {
		p->v = &p->detail;
		snprintf(what, sizeof what, "%s detail", level);
		draw_view(p, NULL, ctx, what);
		set_font(p, 11);
		text_at(p, p->detail.mx + 8, p->detail.my + 18, "详图 detail", 1);
		draw_scale_bar(p, &p->detail, p->detail.mx + 12, p->detail.my + p->detail.mh - 28,
		               DETAIL_W / 4);
	}
	draw_panel(p, level);
	cm__log(ctx, CM_LOG_DEBUG, "map %s: %zu schools in the table", level, draw_table(p));
}

/* ------------------------------------------------------------ files */

/* `path` with "-LEVEL" before its extension. */
static char *level_path(const char *path, const char *level)
{
	const char *dot = strrchr(path, '.');
	return cm__sprintf("%.*s-%s%s", (int)(dot - path), path, level, dot);
}

/* cairo's own file writers do not report a failed write (a full disk left
 * a truncated PDF in place): every map goes through this stream, whose
 * writes are checked, and the file's close is checked too. */
typedef struct map_out {
	FILE *fp;
	int failed;
	int err; /* the system's reason (errno) of the first failure, or 0 */
} map_out;

static cairo_status_t map_write(void *closure, const unsigned char *data, unsigned int len)
{
	map_out *o = closure;
	if (o->failed || fwrite(data, 1, len, o->fp) != len) {
		if (!o->failed)
			o->err = errno;
		o->failed = 1;
		return CAIRO_STATUS_WRITE_ERROR;
	}
	return CAIRO_STATUS_SUCCESS;
}

/* A write to the map's file failed: the system's reason ("No space left
 * on device", "File too large"), not cairo's "error while writing to
 * output stream". */
static int write_failed(cm_ctx *ctx, const char *path, const map_out *o)
{
	return cm__error(ctx, CM_EIO, _("%s: cannot write the map: %s"), path,
	                 o->err ? strerror(o->err) : _("the file system gave no reason"));
}

/* Draws pages for `levels` into `path` (PDF: all; others: one). */
static int render(cm_ctx *ctx, cm__planfile *src, cm__planfile *base, const char *path,
                  cm_format fmt, const char *const *levels, int nlevels,
                  const cm_map_opts *opts, cairo_font_face_t *font)
{
	char *tmp;
	cairo_surface_t *surf = NULL;
	cairo_status_t st = CAIRO_STATUS_SUCCESS;
	map_out out = {NULL, 0, 0};
	int rc = 0, i;
	if ((rc = cm__out_check(ctx, path)))
		return rc;
	if (!(tmp = cm__out_temp(path)))
		return cm__error(ctx, CM_ENOMEM, _("out of memory"));
	if (!(out.fp = fopen(tmp, "wb"))) {
		rc = cm__error(ctx, CM_EIO, _("%s: cannot write the map: %s"), path, strerror(errno));
		free(tmp);
		return rc;
	}
	for (i = 0; i < nlevels && !rc; i++) {
		scene sc;
		page p;
		int found;
		memset(&sc, 0, sizeof sc);
		memset(&p, 0, sizeof p);
		cm__vec_init(&p.boxes, 4 * sizeof(double));
		rc = scene_load(ctx, src, base, levels[i], opts, &sc, &found);
		if (!rc && !found)
			rc = cm__error(ctx, CM_EINPUT, _("%s: the plan has no %s level"), src->path, levels[i]);
		if (!rc) {
			/* a scratch surface measures text for the layout */
			cairo_surface_t *scratch = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 8, 8);
			p.font = font;
			p.cr = cairo_create(scratch);
			layout(&p, &sc);
			cairo_destroy(p.cr);
			cairo_surface_destroy(scratch);
			if (!surf) {
				if (fmt == CM_FORMAT_PNG) {
					surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)ceil(p.pw * 2),
					                                  (int)ceil(p.ph * 2));
				} else if (fmt == CM_FORMAT_SVG) {
					surf = cairo_svg_surface_create_for_stream(map_write, &out, p.pw, p.ph);
				} else {
					surf = cairo_pdf_surface_create_for_stream(map_write, &out, p.pw, p.ph);
					cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATE_DATE,
					                               "2000-01-01T00:00:00Z");
					cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_TITLE,
					                               page_title(&sc, opts));
					cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATOR, "catchment");
				}
			} else if (fmt == CM_FORMAT_PDF) {
				cairo_pdf_surface_set_size(surf, p.pw, p.ph);
			}
			p.cr = cairo_create(surf);
			if (fmt == CM_FORMAT_PNG)
				cairo_scale(p.cr, 2, 2);
			draw_page(&p, levels[i], page_title(&sc, opts), ctx);
			cairo_show_page(p.cr);
			st = cairo_status(p.cr);
			cairo_destroy(p.cr);
			if (st != CAIRO_STATUS_SUCCESS)
				rc = out.failed ? write_failed(ctx, path, &out)
				                : cm__error(ctx, CM_EIO, _("%s: drawing failed: %s"), path,
				                            cairo_status_to_string(st));
		}
		cm__vec_free(&p.boxes);
		scene_free(&sc);
	}
	if (surf) {
		if (!rc && fmt == CM_FORMAT_PNG)
			st = cairo_surface_write_to_png_stream(surf, map_write, &out);
		cairo_surface_finish(surf);
		if (st == CAIRO_STATUS_SUCCESS)
			st = cairo_surface_status(surf);
		cairo_surface_destroy(surf);
		if (!rc && st != CAIRO_STATUS_SUCCESS)
			rc = out.failed ? write_failed(ctx, path, &out)
			                : cm__error(ctx, CM_EIO, _("%s: cannot write the map: %s"), path,
			                            cairo_status_to_string(st));
	}
	if (fclose(out.fp) != 0 && !out.failed) {
		out.err = errno;
		out.failed = 1;
	}
	if (!rc && out.failed)
		rc = write_failed(ctx, path, &out);
	if (!rc)
		rc = cm__out_place(ctx, tmp, path);
	if (rc)
		cm__out_remove(tmp);
	else
		cm__log(ctx, CM_LOG_INFO, _("Map written to %s"), path);
	free(tmp);
	return rc;
}

int cm_map_opts_init(cm_map_opts *opts, unsigned version)
{
	if (version != CM_MAP_OPTS_VERSION)
		return CM_ERROR;
	*opts = (cm_map_opts)CM_MAP_OPTS_INIT;
	return 0;
}

int cm_map_draw(cm_ctx *ctx, const char *plan_path, const char *path, const cm_map_opts *opts)
{
	static const char *const all[] = {"primary", "junior"};
	const char *levels[2];
	cm__planfile src, base;
	cm_format fmt; /* CM_FORMAT_PNG, _SVG or _PDF */
	cairo_font_face_t *font = NULL;
	int nlevels = 0, rc, i;

	memset(&src, 0, sizeof src);
	memset(&base, 0, sizeof base);
	if (opts && opts->version != CM_MAP_OPTS_VERSION)
		return cm__error(ctx, CM_ERROR, _("cm_map_draw: options of version %u, where this "
		                 "library knows version %u: make them with CM_MAP_OPTS_INIT or "
		                 "cm_map_opts_init()"), opts->version, (unsigned)CM_MAP_OPTS_VERSION);
	if ((i = cm_format_of(CM_OUTPUT_MAP, path, NULL)) < 0)
		return cm__error(ctx, CM_EINPUT, _("%s: a map must end in .png, .svg or .pdf"), path);
	if ((rc = cm__out_check(ctx, path)))
		return rc;
	fmt = (cm_format)i;
	GDALAllRegister();
	CPLPushErrorHandler(CPLQuietErrorHandler);
	rc = cm__planfile_open(ctx, &src, plan_path);
	if (!rc && opts && opts->base)
		rc = cm__planfile_open(ctx, &base, opts->base);
	/* The levels the plan has (its summary rows), or the one asked for;
	 * each is read whole once, when it is drawn. */
	for (i = 0; i < 2 && !rc; i++) {
		int found = 0;
		if (opts && opts->level >= 0 && opts->level != i)
			continue;
		rc = plan_has_level(ctx, &src, all[i], &found);
		if (found)
			levels[nlevels++] = all[i];
		else if (!rc && opts && opts->level == i)
			rc = cm__error(ctx, CM_EINPUT, _("%s: the plan has no %s level"), plan_path, all[i]);
	}
	if (!rc && nlevels == 0)
		rc = cm__error(ctx, CM_EINPUT, _("%s: the plan has no solved level to draw"), plan_path);
	if (!rc && !(font = cjk_font(ctx)))
		rc = cm__error(ctx, CM_EIO, _("no font at all: install fonts-wqy-microhei"));
	cm__progress(ctx, 0, "drawing maps");
	if (!rc && (fmt == CM_FORMAT_PDF || nlevels == 1)) {
		rc = render(ctx, &src, opts && opts->base ? &base : NULL, path, fmt, levels, nlevels, opts,
		            font);
	} else {
		for (i = 0; i < nlevels && !rc; i++) {
			char *one = level_path(path, levels[i]);
			rc = one ? render(ctx, &src, opts && opts->base ? &base : NULL, one, fmt, &levels[i], 1,
			                  opts, font)
			         : cm__error(ctx, CM_ENOMEM, _("out of memory"));
			free(one);
		}
	}
	cm__progress(ctx, 1, "drawing maps");
	if (font)
		cairo_font_face_destroy(font);
	cm__planfile_close(&src);
	cm__planfile_close(&base);
	CPLPopErrorHandler();
	return rc;
}
