/*
 * html.c: the plan report, one self-contained HTML file (cm_report_html),
 * and the reading of a plan that it shares with the lookup page
 * (publish.c, through html.h).  docs/report.md says what a reader sees.
 *
 * The file holds everything: the style (with an A4 print sheet), the maps
 * as inline SVG and a few lines of script for pan, zoom and the hover
 * line; it loads nothing, so it opens from a mail attachment or a USB stick
 * as it does from a web server.  Every name from the plan is escaped where
 * it lands (HTML text and attributes; the script reads names only through
 * data-* attributes and writes them with textContent, so no name ever
 * becomes code).  The same plan gives the same bytes: layers are read in
 * their order, numbers printed with fixed precision, nothing dated.
 *
 * Layout: the plan read into a cm__hplan (geometries as SVG paths), the
 * escapes, then the report: head and style, the figures, per level a map,
 * the schools, the shortfall and the ranges, then the changes and the
 * scenarios compared; last, where the comparison's rows come from (the
 * runs solve hands over, or the scenario plans written beside the plan).
 */
#include "html.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

static const char *const level_key[CM_NLEVELS] = {"primary", "junior"};

/* ------------------------------------------------------------ reading */

/* The geometries while the plan is read: the view is known only once all
 * are in, then each becomes a path.  Owned here, destroyed after. */
typedef struct geoms {
	cm_vec comp, catch, zone;  /* OGRGeometryH, parallel to the plan's vectors */
	cm_vec school;             /* OGRGeometryH, parallel to schools */
	OGRGeometryH boundary;
	double minx, miny, maxx, maxy;
	int any;
	int geographic;            /* longitude/latitude: a GeoJSON plan */
	double kx;                 /* x scale for the equirectangular view (cos of latitude) */
	double s;                  /* SVG units per view unit */
} geoms;

static void extent_add(geoms *g, OGRGeometryH geom)
{
	OGREnvelope e;
	if (!geom || OGR_G_IsEmpty(geom))
		return;
	OGR_G_GetEnvelope(geom, &e);
	if (!g->any) {
		g->minx = e.MinX, g->miny = e.MinY, g->maxx = e.MaxX, g->maxy = e.MaxY;
		g->any = 1;
		return;
	}
	g->minx = fmin(g->minx, e.MinX), g->miny = fmin(g->miny, e.MinY);
	g->maxx = fmax(g->maxx, e.MaxX), g->maxy = fmax(g->maxy, e.MaxY);
}

static void to_svg(const geoms *g, double x, double y, double *sx, double *sy)
{
	*sx = (x - g->minx) * g->kx * g->s;
	*sy = (g->maxy - y) * g->s;
}

/* Rounded to a tenth of a unit (a few metres on a county), consecutive
 * repeats dropped: a path a browser draws fast and a file that stays small. */
static void ring_path(FILE *fp, const geoms *g, OGRGeometryH ring)
{
	int k, n = OGR_G_GetPointCount(ring);
	long lx = 0, ly = 0;
	for (k = 0; k < n; k++) {
		double x, y;
		long ix, iy;
		to_svg(g, OGR_G_GetX(ring, k), OGR_G_GetY(ring, k), &x, &y);
		ix = lround(x * 10), iy = lround(y * 10);
		if (k && ix == lx && iy == ly)
			continue;
		fprintf(fp, "%s%ld.%ld %ld.%ld", k == 0 ? "M" : k == 1 ? "L" : " ", ix / 10, labs(ix % 10),
		        iy / 10, labs(iy % 10));
		lx = ix, ly = iy;
	}
	fputc('Z', fp);
}

static void geom_path(FILE *fp, const geoms *g, OGRGeometryH geom)
{
	OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(geom));
	int i;
	if (t == wkbPolygon) {
		for (i = 0; i < OGR_G_GetGeometryCount(geom); i++)
			ring_path(fp, g, OGR_G_GetGeometryRef(geom, i));
	} else if (t == wkbMultiPolygon || t == wkbGeometryCollection) {
		for (i = 0; i < OGR_G_GetGeometryCount(geom); i++)
			geom_path(fp, g, OGR_G_GetGeometryRef(geom, i));
	}
}

/* A polygon's SVG path (caller frees); NULL for points, no geometry, or
 * ENOMEM (*oom set). */
static char *path_of(const geoms *g, OGRGeometryH geom, int *oom)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;
	OGRwkbGeometryType t;
	if (!geom || OGR_G_IsEmpty(geom))
		return NULL;
	t = wkbFlatten(OGR_G_GetGeometryType(geom));
	if (t != wkbPolygon && t != wkbMultiPolygon && t != wkbGeometryCollection)
		return NULL;
	if (!(fp = open_memstream(&buf, &len))) {
		*oom = 1;
		return NULL;
	}
	geom_path(fp, g, geom);
	if (fclose(fp) != 0) {
		free(buf);
		*oom = 1;
		return NULL;
	}
	return buf;
}

static void point_of(const geoms *g, OGRGeometryH geom, double *x, double *y, int *has)
{
	OGREnvelope e;
	*has = 0;
	if (!geom || OGR_G_IsEmpty(geom))
		return;
	OGR_G_GetEnvelope(geom, &e);
	to_svg(g, (e.MinX + e.MaxX) / 2, (e.MinY + e.MaxY) / 2, x, y);
	*has = 1;
}

static int push_geom(cm_vec *v, OGRGeometryH geom)
{
	OGRGeometryH *slot = cm__vec_push(v);
	if (!slot)
		return -1;
	*slot = geom ? OGR_G_Clone(geom) : NULL;
	return geom && !*slot ? -1 : 0;
}

static char *dup_field(OGRFeatureH f, int i, int *oom)
{
	char *s = cm__strdup(cm__planfile_str(f, i));
	if (!s)
		*oom = 1;
	return s;
}

static int read_summary(cm__planfile *pf, cm__hplan *hp, int *oom)
{
	int ix[CM__SUM_N];
	OGRLayerH lyr = cm__planfile_layer_at(pf, CM__L_SUMMARY, ix);
	OGRFeatureH f;
	if (!lyr)
		return -1;
	OGR_L_ResetReading(lyr);
	while ((f = OGR_L_GetNextFeature(lyr)) != NULL) {
		int lv = cm__level_of(cm__planfile_str(f, ix[CM__SUM_LEVEL]));
		if (lv >= 0) {
			cm__hsum *s = &hp->sum[lv];
			s->present = 1;
			s->pupils = (long)cm__planfile_num(f, ix[CM__SUM_PUPILS]);
			s->placed = (long)cm__planfile_num(f, ix[CM__SUM_PLACED]);
			s->unplaced = (long)cm__planfile_num(f, ix[CM__SUM_UNPLACED]);
			s->mean_m = cm__planfile_num(f, ix[CM__SUM_MEAN_DISTANCE_M]);
			s->max_m = cm__planfile_num(f, ix[CM__SUM_MAX_DISTANCE_M]);
			/* a CSV plan's empty cell is text, set but empty: no value */
			s->has_near = cm__planfile_str(f, ix[CM__SUM_NEAR_SHARE])[0] &&
			              cm__planfile_num(f, ix[CM__SUM_NEAR_SHARE]) >= 0;
			s->near_share = cm__planfile_num(f, ix[CM__SUM_NEAR_SHARE]);
			s->has_migrants = cm__planfile_str(f, ix[CM__SUM_MIGRANT_PUBLIC_SHARE])[0] &&
			                  cm__planfile_num(f, ix[CM__SUM_MIGRANT_PUBLIC_SHARE]) >= 0;
			s->migrant_share = cm__planfile_num(f, ix[CM__SUM_MIGRANT_PUBLIC_SHARE]);
			s->quota_met = cm__planfile_num(f, ix[CM__SUM_QUOTA_MET]) != 0;
			s->mip_gap = cm__planfile_num(f, ix[CM__SUM_MIP_GAP]);
			s->proven = cm__planfile_num(f, ix[CM__SUM_PROVEN]) != 0;
			s->has_moved = cm__planfile_str(f, ix[CM__SUM_MOVED])[0] != '\0';
			s->moved = (long)cm__planfile_num(f, ix[CM__SUM_MOVED]);
			s->moved_compounds = (long)cm__planfile_num(f, ix[CM__SUM_MOVED_COMPOUNDS]);
			s->moved_over = cm__planfile_str(f, ix[CM__SUM_MOVED_MET])[0] != '\0' &&
			                cm__planfile_num(f, ix[CM__SUM_MOVED_MET]) == 0;
			if (!hp->scenario)
				hp->scenario = dup_field(f, ix[CM__SUM_SCENARIO], oom);
		}
		OGR_F_Destroy(f);
	}
	if (!hp->scenario)
		hp->scenario = dup_field(NULL, -1, oom);
	return 0;
}

static void read_schools(cm__planfile *pf, cm__hplan *hp, geoms *g, int *oom)
{
	int ix[CM__SCH_N];
	OGRLayerH lyr = cm__planfile_layer_at(pf, CM__L_SCHOOLS, ix);
	OGRFeatureH f;
	if (!lyr)
		return;
	OGR_L_ResetReading(lyr);
	while (!*oom && (f = OGR_L_GetNextFeature(lyr)) != NULL) {
		int lv = cm__level_of(cm__planfile_str(f, ix[CM__SCH_LEVEL]));
		cm__hschool *s;
		if (lv >= 0 && (s = cm__vec_push(&hp->schools)) != NULL) {
			s->id = dup_field(f, ix[CM__SCH_SCHOOL_ID], oom);
			s->name = dup_field(f, ix[CM__SCH_NAME], oom);
			s->address = dup_field(f, ix[CM__SCH_ADDRESS], oom);
			s->level = lv;
			s->private_ = !strcmp(cm__planfile_str(f, ix[CM__SCH_SECTOR]), "private");
			s->boarding = cm__planfile_num(f, ix[CM__SCH_BOARDING]) != 0;
			s->enrolled = (long)cm__planfile_num(f, ix[CM__SCH_ENROLLED]);
			s->utilization = cm__planfile_num(f, ix[CM__SCH_UTILIZATION]);
			s->classes = (long)cm__planfile_num(f, ix[CM__SCH_CLASSES]);
			s->spare = (long)cm__planfile_num(f, ix[CM__SCH_SPARE]);
			/* a plan without seats (an older one: the field is not
			 * required) has them as enrolled + spare, not 0 */
			s->seats = ix[CM__SCH_SEATS] >= 0 ? (long)cm__planfile_num(f, ix[CM__SCH_SEATS])
			                                  : s->enrolled + s->spare;
			s->shadow_m = cm__planfile_num(f, ix[CM__SCH_SHADOW_PRICE]);
			s->shadow_pupils = cm__planfile_num(f, ix[CM__SCH_SHADOW_PUPILS]);
			if (push_geom(&g->school, OGR_F_GetGeometryRef(f)))
				*oom = 1;
			extent_add(g, OGR_F_GetGeometryRef(f));
		} else if (lv >= 0) {
			*oom = 1;
		}
		OGR_F_Destroy(f);
	}
}

static void read_compounds(cm__planfile *pf, cm__hplan *hp, geoms *g, int *oom)
{
	int ix[CM__CMP_N], lv;
	OGRLayerH lyr = cm__planfile_layer_at(pf, CM__L_COMPOUNDS, ix);
	OGRFeatureH f;
	if (!lyr)
		return;
	OGR_L_ResetReading(lyr);
	while (!*oom && (f = OGR_L_GetNextFeature(lyr)) != NULL) {
		cm__hcomp *c = cm__vec_push(&hp->comps);
		if (!c) {
			*oom = 1;
		} else {
			c->id = dup_field(f, ix[CM__CMP_COMPOUND_ID], oom);
			c->name = dup_field(f, ix[CM__CMP_NAME], oom);
			for (lv = 0; lv < CM_NLEVELS; lv++) {
				c->pupils[lv] = (long)(cm__planfile_num(f, ix[CM__CMP_PUPILS(lv, CM_LOCAL)]) +
				                       cm__planfile_num(f, ix[CM__CMP_PUPILS(lv, CM_MIGRANT)]));
				c->school[lv] = dup_field(f, ix[CM__CMP_SCHOOL(lv)], oom);
				c->unplaced[lv] = (long)cm__planfile_num(f, ix[CM__CMP_UNPLACED(lv)]);
			}
			if (push_geom(&g->comp, OGR_F_GetGeometryRef(f)))
				*oom = 1;
			extent_add(g, OGR_F_GetGeometryRef(f));
		}
		OGR_F_Destroy(f);
	}
}

/* The catchments layer, or the zones layer (same fields but counts). */
static void read_areas(cm__planfile *pf, const char *layer, cm_vec *out, cm_vec *geom, geoms *g,
                       int *oom)
{
	OGRLayerH lyr = cm__planfile_layer(pf, layer);
	OGRFeatureH f;
	int i_id, i_nm, i_lv, i_c;
	if (!lyr)
		return;
	i_id = cm__planfile_field(lyr, "school_id");
	i_nm = cm__planfile_field(lyr, "name");
	i_lv = cm__planfile_field(lyr, "level");
	i_c = cm__planfile_field(lyr, "color");
	OGR_L_ResetReading(lyr);
	while (!*oom && (f = OGR_L_GetNextFeature(lyr)) != NULL) {
		int lv = cm__level_of(cm__planfile_str(f, i_lv));
		cm__hcatch *c;
		if (lv >= 0 && (c = cm__vec_push(out)) != NULL) {
			c->school_id = dup_field(f, i_id, oom);
			c->name = dup_field(f, i_nm, oom);
			c->level = lv;
			/* the reader checked it is #rrggbb; copied so, whatever it holds */
			snprintf(c->color, sizeof c->color, "%s", cm__planfile_str(f, i_c));
			if (strlen(c->color) != 7 || strspn(c->color + 1, "0123456789abcdefABCDEF") != 6)
				strcpy(c->color, "#dddddd");
			if (push_geom(geom, OGR_F_GetGeometryRef(f)))
				*oom = 1;
			extent_add(g, OGR_F_GetGeometryRef(f));
		} else if (lv >= 0) {
			*oom = 1;
		}
		OGR_F_Destroy(f);
	}
}

static void read_changes(cm__planfile *pf, cm__hplan *hp, int *oom)
{
	int ix[CM__CHG_N];
	OGRLayerH lyr = cm__planfile_layer_at(pf, CM__L_CHANGES, ix);
	OGRFeatureH f;
	if (!lyr)
		return;
	hp->has_changes = 1;
	OGR_L_ResetReading(lyr);
	while (!*oom && (f = OGR_L_GetNextFeature(lyr)) != NULL) {
		int lv = cm__level_of(cm__planfile_str(f, ix[CM__CHG_LEVEL]));
		cm__hchange *c;
		if (lv >= 0 && (c = cm__vec_push(&hp->changes)) != NULL) {
			c->compound_id = dup_field(f, ix[CM__CHG_COMPOUND_ID], oom);
			c->compound_name = dup_field(f, ix[CM__CHG_COMPOUND_NAME], oom);
			c->previous = dup_field(f, ix[CM__CHG_PREVIOUS_SCHOOL], oom);
			c->previous_name = dup_field(f, ix[CM__CHG_PREVIOUS_NAME], oom);
			c->school_id = dup_field(f, ix[CM__CHG_SCHOOL_ID], oom);
			c->school_name = dup_field(f, ix[CM__CHG_SCHOOL_NAME], oom);
			c->level = lv;
			c->pupils = (long)cm__planfile_num(f, ix[CM__CHG_PUPILS]);
			c->forced = cm__planfile_num(f, ix[CM__CHG_FORCED]) != 0;
		} else if (lv >= 0) {
			*oom = 1;
		}
		OGR_F_Destroy(f);
	}
}

/* The public places of each school, by compound, from the assignment rows
 * (split mode may give a compound several schools).  Compounds are found
 * by id: the plan reader has checked that ids are unique and that rows
 * name known compounds. */
static void read_ranges(cm__planfile *pf, cm__hplan *hp, int *oom)
{
	int ix[CM__ASG_N];
	OGRLayerH lyr = cm__planfile_layer_at(pf, CM__L_ASSIGNMENT, ix);
	OGRFeatureH f;
	cm__id *cidx;
	size_t n = hp->comps.len;
	if (!lyr || !n)
		return;
	if (!(cidx = cm__ids_index(sizeof(cm__hcomp), hp->comps.data, n))) {
		*oom = 1;
		return;
	}
	OGR_L_ResetReading(lyr);
	while (!*oom && (f = OGR_L_GetNextFeature(lyr)) != NULL) {
		int lv = cm__level_of(cm__planfile_str(f, ix[CM__ASG_LEVEL]));
		long ci = cm__ids_find(cidx, n, cm__planfile_str(f, ix[CM__ASG_COMPOUND_ID]));
		long si = lv >= 0 ? cm__hplan_school(hp, lv, cm__planfile_str(f, ix[CM__ASG_SCHOOL_ID])) : -1;
		if (ci >= 0 && si >= 0 && !strcmp(cm__planfile_str(f, ix[CM__ASG_SEAT_KIND]), "public")) {
			cm__hrange *last = hp->ranges.len ? (cm__hrange *)hp->ranges.data + hp->ranges.len - 1
			                                  : NULL,
			           *r = last;
			long pupils = (long)(cm__planfile_num(f, ix[CM__ASG_LOCAL]) +
			                     cm__planfile_num(f, ix[CM__ASG_MIGRANT]));
			/* a compound's rows of one school (local, migrant) come together */
			if (!last || last->level != lv || last->school != (size_t)si ||
			    last->compound != (size_t)ci) {
				if (!(r = cm__vec_push(&hp->ranges)))
					*oom = 1;
				else
					*r = (cm__hrange){lv, (size_t)si, (size_t)ci, 0};
			}
			if (r)
				r->pupils += pupils;
		}
		OGR_F_Destroy(f);
	}
	free(cidx);
	/* A compound without pupils of a level has no assignment row, yet its
	 * catchment school (the compounds layer's, cm_plan_home) lists it. */
	for (size_t ci = 0; !*oom && ci < n; ci++) {
		const cm__hcomp *c = (const cm__hcomp *)hp->comps.data + ci;
		for (int lv = 0; lv < CM_NLEVELS && !*oom; lv++) {
			long si = c->school[lv][0] && c->pupils[lv] == 0
			                  ? cm__hplan_school(hp, lv, c->school[lv])
			                  : -1;
			cm__hrange *r;
			if (si < 0)
				continue;
			if (!(r = cm__vec_push(&hp->ranges)))
				*oom = 1;
			else
				*r = (cm__hrange){lv, (size_t)si, ci, 0};
		}
	}
}

static void read_boundary(cm__planfile *pf, geoms *g)
{
	OGRLayerH lyr;
	OGRFeatureH f;
	/* a plan without one has no such layer: GDAL must not say so aloud */
	CPLPushErrorHandler(CPLQuietErrorHandler);
	lyr = cm__planfile_layer(pf, "boundary");
	CPLPopErrorHandler();
	if (!lyr)
		return;
	OGR_L_ResetReading(lyr);
	if ((f = OGR_L_GetNextFeature(lyr)) != NULL) {
		if (OGR_F_GetGeometryRef(f)) {
			g->boundary = OGR_G_Clone(OGR_F_GetGeometryRef(f));
			extent_add(g, g->boundary);
		}
		OGR_F_Destroy(f);
	}
}

static void geoms_free(geoms *g)
{
	size_t i;
	cm_vec *v[4] = {&g->comp, &g->catch, &g->zone, &g->school};
	for (int k = 0; k < 4; k++) {
		for (i = 0; i < v[k]->len; i++)
			if (((OGRGeometryH *)v[k]->data)[i])
				OGR_G_DestroyGeometry(((OGRGeometryH *)v[k]->data)[i]);
		cm__vec_free(v[k]);
	}
	if (g->boundary)
		OGR_G_DestroyGeometry(g->boundary);
}

/* The view: the county fitted into CM__SVG_WIDTH units, north up. */
static void fit_view(geoms *g, cm__hplan *hp, int *oom)
{
	size_t i;
	double w, h;
	hp->geometry = g->any;
	if (!g->any) {
		hp->height = 0;
		return;
	}
	/* A GeoJSON plan is in longitude/latitude (RFC 7946), every other
	 * format in the working CRS, which is in metres: shown as map.c does,
	 * equirectangular around the middle latitude. */
	g->kx = g->geographic ? cos((g->miny + g->maxy) / 2 * M_PI / 180) : 1;
	w = (g->maxx - g->minx) * g->kx, h = g->maxy - g->miny;
	if (w <= 0 && h <= 0)
		w = h = 1;
	g->s = CM__SVG_WIDTH / (w > 0 ? w : h);
	hp->height = fmax(h * g->s, 1);
	for (i = 0; i < hp->comps.len; i++) {
		cm__hcomp *c = (cm__hcomp *)hp->comps.data + i;
		OGRGeometryH geom = ((OGRGeometryH *)g->comp.data)[i];
		c->d = path_of(g, geom, oom);
		point_of(g, geom, &c->x, &c->y, &c->has_xy);
	}
	for (i = 0; i < hp->catch.len; i++)
		((cm__hcatch *)hp->catch.data)[i].d = path_of(g, ((OGRGeometryH *)g->catch.data)[i], oom);
	for (i = 0; i < hp->zones.len; i++)
		((cm__hcatch *)hp->zones.data)[i].d = path_of(g, ((OGRGeometryH *)g->zone.data)[i], oom);
	for (i = 0; i < hp->schools.len; i++) {
		cm__hschool *s = (cm__hschool *)hp->schools.data + i;
		point_of(g, ((OGRGeometryH *)g->school.data)[i], &s->x, &s->y, &s->has_xy);
	}
	hp->boundary = path_of(g, g->boundary, oom);
}

long cm__hplan_school(const cm__hplan *hp, int level, const char *id)
{
	size_t i;
	for (i = 0; i < hp->schools.len; i++) {
		const cm__hschool *s = (const cm__hschool *)hp->schools.data + i;
		if (s->level == level && !strcmp(s->id, id))
			return (long)i;
	}
	return -1;
}

int cm__hplan_load(cm_ctx *ctx, const char *path, cm__hplan *hp)
{
	cm__planfile pf;
	geoms g;
	int rc, oom = 0;
	size_t i;
	memset(hp, 0, sizeof *hp);
	memset(&g, 0, sizeof g);
	cm__vec_init(&hp->schools, sizeof(cm__hschool));
	cm__vec_init(&hp->comps, sizeof(cm__hcomp));
	cm__vec_init(&hp->catch, sizeof(cm__hcatch));
	cm__vec_init(&hp->zones, sizeof(cm__hcatch));
	cm__vec_init(&hp->changes, sizeof(cm__hchange));
	cm__vec_init(&hp->ranges, sizeof(cm__hrange));
	cm__vec_init(&g.comp, sizeof(OGRGeometryH));
	cm__vec_init(&g.catch, sizeof(OGRGeometryH));
	cm__vec_init(&g.zone, sizeof(OGRGeometryH));
	cm__vec_init(&g.school, sizeof(OGRGeometryH));
	if ((rc = cm__planfile_open(ctx, &pf, path)))
		return rc;
	g.geographic = pf.dir != NULL;
	if (!(hp->root = cm__strdup(pf.root)))
		oom = 1;
	if (read_summary(&pf, hp, &oom)) {
		rc = cm__error(ctx, CM_EINPUT, _("%s: not a catchment plan (no summary layer)"), path);
		goto done;
	}
	read_schools(&pf, hp, &g, &oom);
	read_compounds(&pf, hp, &g, &oom);
	read_areas(&pf, "catchments", &hp->catch, &g.catch, &g, &oom);
	if (!oom) {
		/* optional: a plan of point compounds has none */
		CPLPushErrorHandler(CPLQuietErrorHandler);
		read_areas(&pf, "zones", &hp->zones, &g.zone, &g, &oom);
		CPLPopErrorHandler();
	}
	read_changes(&pf, hp, &oom);
	read_boundary(&pf, &g);
	if (!oom)
		read_ranges(&pf, hp, &oom);
	if (!oom)
		fit_view(&g, hp, &oom);
	/* each school's pupils without a seat: those of its catchment's compounds */
	for (i = 0; !oom && i < hp->comps.len; i++) {
		const cm__hcomp *c = (const cm__hcomp *)hp->comps.data + i;
		for (int lv = 0; lv < CM_NLEVELS; lv++) {
			long si = c->school[lv][0] ? cm__hplan_school(hp, lv, c->school[lv]) : -1;
			if (si >= 0)
				((cm__hschool *)hp->schools.data)[si].unplaced += c->unplaced[lv];
		}
	}
	rc = oom ? cm__error(ctx, CM_ENOMEM, _("out of memory")) : 0;
done:
	geoms_free(&g);
	cm__planfile_close(&pf);
	if (rc)
		cm__hplan_free(hp);
	return rc;
}

void cm__hplan_free(cm__hplan *hp)
{
	size_t i;
	for (i = 0; i < hp->schools.len; i++) {
		cm__hschool *s = (cm__hschool *)hp->schools.data + i;
		free(s->id);
		free(s->name);
		free(s->address);
	}
	for (i = 0; i < hp->comps.len; i++) {
		cm__hcomp *c = (cm__hcomp *)hp->comps.data + i;
		free(c->id);
		free(c->name);
		free(c->school[0]);
		free(c->school[1]);
		free(c->d);
	}
	for (int k = 0; k < 2; k++) {
		cm_vec *v = k ? &hp->zones : &hp->catch;
		for (i = 0; i < v->len; i++) {
			cm__hcatch *c = (cm__hcatch *)v->data + i;
			free(c->school_id);
			free(c->name);
			free(c->d);
		}
		cm__vec_free(v);
	}
	for (i = 0; i < hp->changes.len; i++) {
		cm__hchange *c = (cm__hchange *)hp->changes.data + i;
		free(c->compound_id);
		free(c->compound_name);
		free(c->previous);
		free(c->previous_name);
		free(c->school_id);
		free(c->school_name);
	}
	cm__vec_free(&hp->schools);
	cm__vec_free(&hp->comps);
	cm__vec_free(&hp->changes);
	cm__vec_free(&hp->ranges);
	free(hp->root);
	free(hp->scenario);
	free(hp->boundary);
	memset(hp, 0, sizeof *hp);
}

/* ------------------------------------------------------------ escapes */

void cm__html_text(FILE *fp, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", fp); break;
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '"': fputs("&quot;", fp); break;
		case '\'': fputs("&#39;", fp); break;
		default: fputc(*s, fp);
		}
	}
}

void cm__html_head(FILE *fp, int en, const char *title, const char *style_)
{
	fprintf(fp, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
	        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	        "<meta name=\"generator\" content=\"catchment %s\">\n<title>",
	        en ? "en" : "zh-CN", cm_version());
	cm__html_text(fp, title);
	fputs("</title>\n", fp);
	fputs(style_, fp);
	fputs("</head>\n<body>\n", fp);
}

void cm__js_string(FILE *fp, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	fputc('"', fp);
	for (; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(fp, "\\%c", *p);
		else if (*p < 0x20 || *p == '<' || *p == '>' || *p == '&' || *p == 0x7f)
			fprintf(fp, "\\u%04x", *p);
		else if (p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9))
			fprintf(fp, "\\u%04x", 0x2000 + (p[2] - 0x80)), p += 2;
		else
			fputc(*p, fp);
	}
	fputc('"', fp);
}

/* ------------------------------------------------------------ the report */

typedef struct report {
	FILE *fp;
	const cm__hplan *hp;
	int en;                    /* English; else Chinese */
	const char *title;
	const struct srow *rows;   /* the scenarios compared (n_rows > 0); else NULL */
	size_t n_rows;
} report;

#define L(zh, en_) (r->en ? (en_) : (zh))

static const char *level_title(const report *r, int lv)
{
	return lv == CM_PRIMARY ? L("小学", "Primary") : L("初中", "Junior high");
}

static void esc(const report *r, const char *s)
{
	cm__html_text(r->fp, s);
}

/* Thousands separated by commas: 26,618. */
static void num(const report *r, long v)
{
	char buf[32];
	int n = snprintf(buf, sizeof buf, "%ld", v < 0 ? -v : v), k;
	if (v < 0)
		fputc('-', r->fp);
	for (k = 0; k < n; k++) {
		if (k && (n - k) % 3 == 0)
			fputc(',', r->fp);
		fputc(buf[k], r->fp);
	}
}

static void pct(const report *r, double share)
{
	fprintf(r->fp, "%.1f%%", share * 100);
}

static const char style[] =
	"<style>\n"
	":root{font-family:\"Noto Sans CJK SC\",\"WenQuanYi Micro Hei\",\"Microsoft YaHei\","
	"sans-serif;color:#222}\n"
	"body{margin:0 auto;max-width:1100px;padding:16px 24px;line-height:1.45}\n"
	"h1{font-size:1.6em;margin:.2em 0}h2{border-bottom:2px solid #456;margin-top:1.6em}\n"
	"table{border-collapse:collapse;margin:.6em 0;font-size:.9em}\n"
	"th,td{border:1px solid #bbb;padding:2px 6px;text-align:left;vertical-align:top}\n"
	"td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}\n"
	"th{background:#eef1f4}tr.short td{background:#fdecea}\n"
	".figs td:first-child{font-weight:bold}.note{color:#555;font-size:.9em}\n"
	".mapbox{position:relative;border:1px solid #99a;background:#f8f8f4}\n"
	"svg.map{display:block;width:100%;height:auto;max-height:80vh;cursor:grab;"
	"touch-action:none}\n"
	"svg.map .zone{fill-opacity:.35;stroke:none}\n"
	"svg.map .catchment{stroke:#fff;stroke-width:1.5;vector-effect:non-scaling-stroke}\n"
	"svg.map .compound{fill:#fff;fill-opacity:.35;stroke:#555;stroke-width:.4;"
	"vector-effect:non-scaling-stroke}\n"
	"svg.map .compound.short{fill:#d73027;fill-opacity:.6}\n"
	"svg.map .compound:hover,svg.map .compound.hl{stroke:#000;stroke-width:2;fill-opacity:.7}\n"
	"svg.map .boundary{fill:none;stroke:#333;stroke-width:1.2;stroke-dasharray:6 3;"
	"vector-effect:non-scaling-stroke}\n"
	"svg.map .school{stroke:#fff;stroke-width:1;vector-effect:non-scaling-stroke}\n"
	"svg.map .school.public{fill:#1a1a1a}svg.map .school.private{fill:#7b3294}\n"
	".tip{position:absolute;pointer-events:none;background:#fff;border:1px solid #333;"
	"padding:3px 6px;font-size:.85em;display:none;white-space:nowrap}\n"
	".legend span{display:inline-block;margin-right:1em}\n"
	".sw{display:inline-block;width:.9em;height:.9em;vertical-align:middle;"
	"border:1px solid #555;margin-right:.3em}\n"
	"@media print{\n"
	"@page{size:A4;margin:14mm}\n"
	"body{max-width:none;padding:0;font-size:10pt}\n"
	"section.level{break-before:page}\n"
	"svg.map{max-height:none}\n"
	"table{break-inside:auto}tr{break-inside:avoid}\n"
	"thead{display:table-header-group}\n"
	".tip,.noprint{display:none}\n"
	"}\n"
	"</style>\n";

/* The script is the same text in every report: names reach it only
 * through data-* attributes, and it writes them with textContent. */
static const char hover_script[] =
	"<script>\n"
	"(function(){\n"
	"document.querySelectorAll('.mapbox').forEach(function(box){\n"
	"var tip=box.querySelector('.tip');\n"
	"box.addEventListener('mouseover',function(e){\n"
	"var t=e.target.getAttribute&&e.target.getAttribute('data-tip');\n"
	"if(!t){tip.style.display='none';return;}\n"
	"tip.textContent=t;tip.style.display='block';});\n"
	"box.addEventListener('mousemove',function(e){\n"
	"var b=box.getBoundingClientRect();\n"
	"tip.style.left=(e.clientX-b.left+12)+'px';tip.style.top=(e.clientY-b.top+12)+'px';});\n"
	"box.addEventListener('mouseleave',function(){tip.style.display='none';});\n"
	"});\n"
	"document.documentElement.setAttribute('data-ready','1');\n"
	"})();\n"
	"</script>\n";

void cm__html_panzoom(FILE *fp)
{
	/* viewBox arithmetic: zoom about the pointer, pan by dragging, reset
	 * on double-click; a print shows the map as it was last left. */
	fputs("<script>\n"
	      "(function(){\n"
	      "document.querySelectorAll('svg.map').forEach(function(svg){\n"
	      "var v0=svg.getAttribute('viewBox').split(' ').map(Number),v=v0.slice(),drag=null;\n"
	      "function set(){svg.setAttribute('viewBox',v.join(' '));}\n"
	      "function pt(e){var b=svg.getBoundingClientRect();\n"
	      "return [v[0]+(e.clientX-b.left)/b.width*v[2],v[1]+(e.clientY-b.top)/b.height*v[3]];}\n"
	      "svg.addEventListener('wheel',function(e){e.preventDefault();\n"
	      "var p=pt(e),k=e.deltaY<0?0.8:1.25;\n"
	      "if(v[2]*k<v0[2]/64||v[2]*k>v0[2]*2)return;\n"
	      "v=[p[0]-(p[0]-v[0])*k,p[1]-(p[1]-v[1])*k,v[2]*k,v[3]*k];set();},{passive:false});\n"
	      "svg.addEventListener('pointerdown',function(e){drag=[e.clientX,e.clientY,v[0],v[1]];"
	      "svg.setPointerCapture(e.pointerId);});\n"
	      "svg.addEventListener('pointermove',function(e){if(!drag)return;\n"
	      "var b=svg.getBoundingClientRect();\n"
	      "v[0]=drag[2]-(e.clientX-drag[0])/b.width*v[2];"
	      "v[1]=drag[3]-(e.clientY-drag[1])/b.height*v[3];set();});\n"
	      "svg.addEventListener('pointerup',function(){drag=null;});\n"
	      "svg.addEventListener('dblclick',function(){v=v0.slice();set();});\n"
	      "});\n"
	      "})();\n"
	      "</script>\n",
	      fp);
}

static void figures(const report *r)
{
	const cm__hplan *hp = r->hp;
	int lv;
	fprintf(r->fp, "<h2 id=\"figures\">%s</h2>\n<table class=\"figs\">\n<thead><tr><th></th>",
	        L("概况", "Summary"));
	for (lv = 0; lv < CM_NLEVELS; lv++)
		if (hp->sum[lv].present)
			fprintf(r->fp, "<th class=\"n\">%s</th>", level_title(r, lv));
	fputs("</tr></thead>\n<tbody>\n", r->fp);
	for (int row = 0; row < 10; row++) {
		static const char *const zh[] = {"学生", "有学位", "缺学位", "平均上学距离",
		                                 "最远上学距离", "服务半径内就近入学", "随迁子女在公办或购买学位",
		                                 "85% 目标", "方案质量",
		                                 "与上一方案相比变动学生（换校或失去学位）"};
		static const char *const en[] = {"Pupils", "With a seat", "Without a seat",
		                                 "Mean trip", "Longest trip",
		                                 "Near home (within the service radius)",
		                                 "Migrant children in public or purchased places",
		                                 "85% target", "Plan quality",
		                                 ("Pupils moved against the previous plan (to another "
		                                  "school, or now without a place)")};
		int shown = 0;
		for (lv = 0; lv < CM_NLEVELS; lv++)
			if (hp->sum[lv].present && (row != 9 || hp->sum[lv].has_moved))
				shown = 1;
		if (!shown)
			continue;
		fprintf(r->fp, "<tr><td>%s</td>", r->en ? en[row] : zh[row]);
		for (lv = 0; lv < CM_NLEVELS; lv++) {
			const cm__hsum *s = &hp->sum[lv];
			if (!s->present)
				continue;
			fputs("<td class=\"n\">", r->fp);
			switch (row) {
			case 0: num(r, s->pupils); break;
			case 1: num(r, s->placed); break;
			case 2: num(r, s->unplaced); break;
			/* nobody placed: no trip to take a mean or a longest of
			 * (the summary layer holds 0) */
			case 3:
				if (s->placed > 0)
					fprintf(r->fp, "%.2f km", s->mean_m / 1000);
				else
					fputs("–", r->fp);
				break;
			case 4:
				if (s->placed > 0)
					fprintf(r->fp, "%.2f km", s->max_m / 1000);
				else
					fputs("–", r->fp);
				break;
			case 5:
				if (s->has_near)
					pct(r, s->near_share);
				else
					fputs("–", r->fp);
				break;
			case 6:
				if (s->has_migrants)
					pct(r, s->migrant_share);
				else
					fputs(L("无随迁子女", "no migrant children"), r->fp);
				break;
			case 7:
				fputs(!s->has_migrants ? "–" : s->quota_met ? L("达到", "met") : L("未达到", "not met"),
				      r->fp);
				break;
			case 8:
				if (s->proven)
					fputs(L("已证明最优", "proven optimal"), r->fp);
				else if (s->mip_gap >= 1)
					fputs(L("未证明", "not proven"), r->fp);
				else
					fprintf(r->fp, r->en ? "within %.2f%% of the best" : "距最优不超过 %.2f%%",
					        s->mip_gap * 100);
				break;
			case 9:
				if (s->has_moved) {
					/* the moved count holds pupils now without a place
					 * whose compound keeps its school; the compounds are
					 * the notice's, those whose school changes */
					num(r, s->moved);
					if (!r->en)
						fprintf(r->fp, "（%ld 个小区换校）", s->moved_compounds);
					else
						fprintf(r->fp, s->moved_compounds == 1 ? " (%ld compound changes school)"
						                                       : " (%ld compounds change school)",
						        s->moved_compounds);
					if (s->moved_over)
						fputs(L("，超过上限 (max_moved_pupils)",
						        ", above the cap (max_moved_pupils)"), r->fp);
				} else {
					fputs("–", r->fp);
				}
				break;
			}
			fputs("</td>", r->fp);
		}
		fputs("</tr>\n", r->fp);
	}
	fputs("</tbody></table>\n", r->fp);
}

/* The hover line of compound `c` at level `lv`, as an attribute value. */
static void compound_tip(const report *r, const cm__hcomp *c, int lv)
{
	long si = c->school[lv][0] ? cm__hplan_school(r->hp, lv, c->school[lv]) : -1;
	const char *school = si >= 0 ? ((const cm__hschool *)r->hp->schools.data)[si].name
	                             : L("无划片学校", "no catchment school");
	char *tip = r->en ? cm__sprintf("%s: %ld pupils, %s", c->name, c->pupils[lv], school)
	                  : cm__sprintf("%s：学生 %ld 人，%s", c->name, c->pupils[lv], school);
	char *more = tip && c->unplaced[lv]
	                 ? cm__sprintf(r->en ? "%s; %ld without a seat" : "%s；%ld 人缺学位", tip,
	                               c->unplaced[lv])
	                 : NULL;
	esc(r, more ? more : tip ? tip : c->name);
	free(more);
	free(tip);
}

static void level_map(const report *r, int lv)
{
	const cm__hplan *hp = r->hp;
	FILE *fp = r->fp;
	size_t i;
	if (!hp->geometry) {
		fprintf(fp, "<p class=\"note\">%s</p>\n",
		        L("此方案为 CSV 格式，没有几何图形，无法绘制地图。",
		          "This plan is a CSV folder: it has no geometry, so there is no map."));
		return;
	}
	fprintf(fp, "<div class=\"mapbox\"><svg class=\"map\" id=\"map-%s\" data-level=\"%s\" "
	        "viewBox=\"0 0 %.0f %.0f\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\">\n",
	        level_key[lv], level_key[lv], CM__SVG_WIDTH, ceil(hp->height));
	fputs("<g class=\"zones\">\n", fp);
	for (i = 0; i < hp->zones.len; i++) {
		const cm__hcatch *z = (const cm__hcatch *)hp->zones.data + i;
		if (z->level == lv && z->d)
			fprintf(fp, "<path class=\"zone\" fill=\"%s\" d=\"%s\"/>\n", z->color, z->d);
	}
	fputs("</g>\n<g class=\"catchments\">\n", fp);
	for (i = 0; i < hp->catch.len; i++) {
		const cm__hcatch *c = (const cm__hcatch *)hp->catch.data + i;
		if (c->level != lv || !c->d)
			continue;
		fprintf(fp, "<path class=\"catchment\" data-level=\"%s\" data-school=\"", level_key[lv]);
		esc(r, c->school_id);
		fprintf(fp, "\" fill=\"%s\" data-tip=\"", c->color);
		esc(r, c->name);
		fprintf(fp, "\" d=\"%s\"/>\n", c->d);
	}
	fputs("</g>\n", fp);
	if (hp->boundary)
		fprintf(fp, "<path class=\"boundary\" d=\"%s\"/>\n", hp->boundary);
	fputs("<g class=\"compounds\">\n", fp);
	for (i = 0; i < hp->comps.len; i++) {
		const cm__hcomp *c = (const cm__hcomp *)hp->comps.data + i;
		const char *cls = c->unplaced[lv] ? "compound short" : "compound";
		if (!c->pupils[lv] || (!c->d && !c->has_xy))
			continue;
		if (c->d)
			fprintf(fp, "<path class=\"%s\" d=\"%s\" data-tip=\"", cls, c->d);
		else
			fprintf(fp, "<circle class=\"%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"3\" data-tip=\"", cls,
			        c->x, c->y);
		compound_tip(r, c, lv);
		fputs("\"/>\n", fp);
	}
	fputs("</g>\n<g class=\"schools\">\n", fp);
	for (i = 0; i < hp->schools.len; i++) {
		const cm__hschool *s = (const cm__hschool *)hp->schools.data + i;
		if (s->level != lv || !s->has_xy)
			continue;
		if (s->private_)
			fprintf(fp, "<rect class=\"school private\" x=\"%.1f\" y=\"%.1f\" width=\"8\" "
			        "height=\"8\" data-tip=\"", s->x - 4, s->y - 4);
		else
			fprintf(fp, "<circle class=\"school public\" cx=\"%.1f\" cy=\"%.1f\" r=\"5\" "
			        "data-tip=\"", s->x, s->y);
		esc(r, s->name);
		fprintf(fp, r->en ? ": %ld seats, %ld enrolled\"/>\n" : "：学位 %ld，招生 %ld\"/>\n",
		        s->seats, s->enrolled);
	}
	fputs("</g>\n</svg><div class=\"tip\"></div></div>\n", fp);
	fprintf(fp, "<p class=\"legend note\"><span><i class=\"sw\" style=\"background:#1a1a1a\">"
	        "</i>%s</span><span><i class=\"sw\" style=\"background:#7b3294\"></i>%s</span>"
	        "<span><i class=\"sw\" style=\"background:#d73027\"></i>%s</span>"
	        "<span class=\"noprint\">%s</span></p>\n",
	        L("公办学校", "public school"), L("民办学校", "private school"),
	        L("有学生缺学位的小区", "compound with pupils without a seat"),
	        L("滚轮缩放，拖动平移，双击复原；鼠标停在小区上显示学生数和学校。",
	          "Wheel to zoom, drag to pan, double-click to reset; hover over a compound for its "
	          "pupils and school."));
}

/* A seat's worth in words (the shadow prices of docs/model.md). */
static void shadow_words(const report *r, const cm__hschool *s)
{
	if (s->shadow_pupils > 1e-6) {
		if (s->shadow_pupils > 0.999)
			fputs(L("多一个学位，就多一名学生有学位", "one more seat here would give one more "
			        "pupil a place"), r->fp);
		else
			fprintf(r->fp, r->en ? "one more seat here would give %.2f of a pupil a place "
			        "(shared catchments)" : "多一个学位，可多安置 %.2f 名学生（多校划片）",
			        s->shadow_pupils);
	} else if (s->shadow_m >= 0.5) {
		fprintf(r->fp, r->en ? "one more seat here would shorten trips by %.0f m in all"
		                     : "多一个学位，学生上学总路程可缩短 %.0f 米", s->shadow_m);
	} else if (s->spare > 0) {
		fputs(L("尚有空余学位，多一个学位不改变方案", "seats to spare: one more would change "
		        "nothing"), r->fp);
	} else {
		fputs(L("已满，但多一个学位不改变方案", "full, but one more seat would change nothing"),
		      r->fp);
	}
}

static void schools_table(const report *r, int lv)
{
	const cm__hplan *hp = r->hp;
	size_t i;
	fprintf(r->fp, "<h3>%s</h3>\n<table class=\"schools\" data-level=\"%s\">\n<thead><tr>"
	        "<th>%s</th><th>%s</th><th>%s</th><th class=\"n\">%s</th><th class=\"n\">%s</th>"
	        "<th class=\"n\">%s</th><th class=\"n\">%s</th><th class=\"n\">%s</th>"
	        "<th class=\"n\">%s</th><th>%s</th></tr></thead>\n<tbody>\n",
	        L("学校", "Schools"), level_key[lv], L("学校", "School"), L("代码", "Id"),
	        L("性质", "Sector"), L("学位", "Seats"), L("招生", "Enrolled"),
	        L("学位使用率", "Utilisation"), L("班数", "Classes"), L("空余学位", "Spare"),
	        L("片区内缺学位", "Without a seat in its catchment"),
	        L("多一个学位的作用", "What one more seat would do"));
	for (i = 0; i < hp->schools.len; i++) {
		const cm__hschool *s = (const cm__hschool *)hp->schools.data + i;
		if (s->level != lv)
			continue;
		fputs(s->unplaced ? "<tr class=\"short\"><td>" : "<tr><td>", r->fp);
		esc(r, s->name);
		fputs("</td><td>", r->fp);
		esc(r, s->id);
		fprintf(r->fp, "</td><td>%s%s</td><td class=\"n\">",
		        s->private_ ? L("民办", "private") : L("公办", "public"),
		        s->boarding ? L("，寄宿制", ", boarding") : "");
		num(r, s->seats);
		fputs("</td><td class=\"n\">", r->fp);
		num(r, s->enrolled);
		fputs("</td><td class=\"n\">", r->fp);
		pct(r, s->utilization);
		fputs("</td><td class=\"n\">", r->fp);
		num(r, s->classes);
		fputs("</td><td class=\"n\">", r->fp);
		num(r, s->spare);
		fputs("</td><td class=\"n\">", r->fp);
		num(r, s->unplaced);
		fputs("</td><td>", r->fp);
		shadow_words(r, s);
		fputs("</td></tr>\n", r->fp);
	}
	fputs("</tbody></table>\n", r->fp);
}

static void shortfall_table(const report *r, int lv)
{
	const cm__hplan *hp = r->hp;
	size_t i;
	int any = 0;
	fprintf(r->fp, "<h3>%s</h3>\n", L("缺学位的小区", "Compounds with pupils without a seat"));
	for (i = 0; i < hp->comps.len; i++) {
		const cm__hcomp *c = (const cm__hcomp *)hp->comps.data + i;
		long si;
		if (!c->unplaced[lv])
			continue;
		if (!any++)
			fprintf(r->fp, "<table class=\"shortfall\" data-level=\"%s\">\n<thead><tr>"
			        "<th>%s</th><th>%s</th><th class=\"n\">%s</th><th class=\"n\">%s</th>"
			        "<th>%s</th></tr></thead>\n<tbody>\n", level_key[lv], L("小区", "Compound"),
			        L("代码", "Id"), L("学生", "Pupils"), L("缺学位", "Without a seat"),
			        L("划片学校", "Catchment school"));
		fputs("<tr><td>", r->fp);
		esc(r, c->name);
		fputs("</td><td>", r->fp);
		esc(r, c->id);
		fputs("</td><td class=\"n\">", r->fp);
		num(r, c->pupils[lv]);
		fputs("</td><td class=\"n\">", r->fp);
		num(r, c->unplaced[lv]);
		fputs("</td><td>", r->fp);
		si = c->school[lv][0] ? cm__hplan_school(hp, lv, c->school[lv]) : -1;
		if (si >= 0)
			esc(r, ((const cm__hschool *)hp->schools.data)[si].name);
		else
			fputs(L("无（范围内没有学位）", "none (no seat in reach)"), r->fp);
		fputs("</td></tr>\n", r->fp);
	}
	if (any)
		fputs("</tbody></table>\n", r->fp);
	else
		fprintf(r->fp, "<p>%s</p>\n", L("每名学生都有学位。", "Every pupil has a seat."));
}

static int cmp_comp_name(const void *a, const void *b)
{
	return strcmp((*(const cm__hcomp *const *)a)->name, (*(const cm__hcomp *const *)b)->name);
}

/* By compound: 1 where another compound of the plan has its name (高山町 is
 * five villages in one city), so the ranges show its id beside it.  NULL
 * out of memory: names alone then. */
static unsigned char *repeated_names(const cm__hplan *hp)
{
	const cm__hcomp *comps = hp->comps.data;
	size_t n = hp->comps.len, i, j;
	const cm__hcomp **by = malloc((n + 1) * sizeof *by);
	unsigned char *rep = calloc(n + 1, 1);
	if (!by || !rep) {
		free(by);
		free(rep);
		return NULL;
	}
	for (i = 0; i < n; i++)
		by[i] = &comps[i];
	qsort(by, n, sizeof *by, cmp_comp_name);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && !strcmp(by[i]->name, by[j]->name); j++)
			;
		for (size_t k = i; j - i > 1 && k < j; k++)
			rep[by[k] - comps] = 1;
	}
	free(by);
	return rep;
}

static void ranges_table(const report *r, int lv)
{
	const cm__hplan *hp = r->hp;
	const cm__hrange *rg = hp->ranges.data;
	unsigned char *rep = repeated_names(hp);
	size_t i, k;
	fprintf(r->fp, "<h3>%s</h3>\n<table class=\"ranges\" data-level=\"%s\">\n<thead><tr>"
	        "<th>%s</th><th class=\"n\">%s</th><th>%s</th></tr></thead>\n<tbody>\n",
	        L("招生范围", "Enrolment ranges"), level_key[lv], L("学校", "School"),
	        L("学位", "Seats"), L("招生范围内的小区", "Compounds in its range"));
	for (i = 0; i < hp->schools.len; i++) {
		const cm__hschool *s = (const cm__hschool *)hp->schools.data + i;
		int n = 0;
		if (s->level != lv || s->private_)
			continue;
		fputs("<tr><td>", r->fp);
		esc(r, s->name);
		fputs("</td><td class=\"n\">", r->fp);
		num(r, s->seats);
		fputs("</td><td>", r->fp);
		for (k = 0; k < hp->ranges.len; k++) {
			if (rg[k].level != lv || rg[k].school != i)
				continue;
			if (n++)
				fputs(L("、", ", "), r->fp);
			esc(r, ((const cm__hcomp *)hp->comps.data)[rg[k].compound].name);
			if (rep && rep[rg[k].compound]) {
				fputs(" (", r->fp);
				esc(r, ((const cm__hcomp *)hp->comps.data)[rg[k].compound].id);
				fputs(")", r->fp);
			}
		}
		if (!n)
			fputs(L("（无）", "(none)"), r->fp);
		fputs("</td></tr>\n", r->fp);
	}
	fputs("</tbody></table>\n", r->fp);
	free(rep);
}

static void changes_table(const report *r)
{
	const cm__hplan *hp = r->hp;
	size_t i;
	fprintf(r->fp, "<section class=\"changes\"><h2 id=\"changes\">%s</h2>\n",
	        L("与上一方案相比的变化", "Changes against the previous plan"));
	if (!hp->changes.len) {
		fprintf(r->fp, "<p>%s</p></section>\n",
		        L("没有小区更换学校。", "No compound changes school."));
		return;
	}
	fprintf(r->fp, "<table class=\"changes\">\n<thead><tr><th>%s</th><th>%s</th><th>%s</th>"
	        "<th>%s</th><th>%s</th><th class=\"n\">%s</th></tr></thead>\n<tbody>\n",
	        L("学段", "Level"), L("小区", "Compound"), L("代码", "Id"), L("原学校", "Was"),
	        L("现学校", "Now"), L("学生", "Pupils"));
	for (i = 0; i < hp->changes.len; i++) {
		const cm__hchange *c = (const cm__hchange *)hp->changes.data + i;
		long prev = cm__hplan_school(hp, c->level, c->previous);
		fprintf(r->fp, "<tr><td>%s</td><td>", level_title(r, c->level));
		esc(r, c->compound_name);
		fputs("</td><td>", r->fp);
		esc(r, c->compound_id);
		fputs("</td><td>", r->fp);
		/* last year's school may be gone from this plan: the name last
		 * year's plan gave it, else (an earlier plan) its id; none (no seat
		 * last year, or a new compound): a dash */
		if (!c->previous[0])
			fputs("-", r->fp);
		else
			esc(r, prev >= 0               ? ((const cm__hschool *)hp->schools.data)[prev].name
			       : c->previous_name[0] ? c->previous_name
			                             : c->previous);
		if (c->forced)
			fputs(L("（已不再招生）", " (gone)"), r->fp);
		fputs("</td><td>", r->fp);
		if (c->school_id[0])
			esc(r, c->school_name[0] ? c->school_name : c->school_id);
		else
			fputs(L("无学位", "no seat"), r->fp);
		fputs("</td><td class=\"n\">", r->fp);
		num(r, c->pupils);
		fputs("</td></tr>\n", r->fp);
	}
	fputs("</tbody></table></section>\n", r->fp);
}

/* A row of the scenarios' comparison: a plan at a level, as the terminal's
 * table and PLAN-scenarios.csv have it (cm_report_scenarios). */
typedef struct srow {
	const char *name;          /* "base" or the scenario's name */
	int level;
	long pupils, placed, unplaced;
	double mean_m;             /* a placed pupil's mean trip, metres (none when placed is 0) */
	double migrant_share;      /* migrants in public places; -1: no migrants */
	long full;                 /* schools of the level without a spare seat */
	int has_moved;             /* held to a base (or last year's) plan */
	long moved, moved_compounds;
} srow;

/* The base plan against its scenarios (the base's rows first): a row per
 * plan and level, the figures of cm_report_scenarios's table in words. */
static void scenarios_table(const report *r)
{
	size_t k;
	fprintf(r->fp, "<section class=\"scenarios\"><h2 id=\"scenarios\">%s</h2>\n",
	        L("方案比较", "Scenarios compared"));
	fprintf(r->fp, "<table class=\"scenarios\">\n<thead><tr><th>%s</th><th>%s</th><th>%s</th>"
	        "<th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
	        "</tr></thead>\n<tbody>\n",
	        L("方案", "Scenario"), L("学段", "Level"), L("学生", "Pupils"),
	        L("有学位", "Placed"), L("缺学位", "Without a seat"),
	        L("平均距离（公里）", "Mean trip (km)"), L("随迁子女公办比例", "Migrants in public"),
	        L("满额学校", "Full schools"), L("变动学生", "Pupils moved"),
	        L("变动小区", "Compounds moved"));
	for (k = 0; k < r->n_rows; k++) {
		const srow *s = &r->rows[k];
		fputs("<tr><td>", r->fp);
		esc(r, s->name);
		fprintf(r->fp, "</td><td>%s</td><td>", level_title(r, s->level));
		num(r, s->pupils);
		fputs("</td><td>", r->fp);
		num(r, s->placed);
		fputs("</td><td>", r->fp);
		num(r, s->unplaced);
		fputs("</td><td>", r->fp);
		if (s->placed > 0)
			fprintf(r->fp, "%.2f", s->mean_m / 1000);
		else /* nobody placed, or no pupils at all: no trip */
			fputs("–", r->fp);
		fputs("</td><td>", r->fp);
		if (s->migrant_share >= 0)
			pct(r, s->migrant_share);
		else
			fputs("–", r->fp);
		fputs("</td><td>", r->fp);
		num(r, s->full);
		fputs("</td><td>", r->fp);
		if (s->has_moved)
			num(r, s->moved);
		else
			fputs("–", r->fp);
		fputs("</td><td>", r->fp);
		if (s->has_moved)
			num(r, s->moved_compounds);
		else
			fputs("–", r->fp);
		fputs("</td></tr>\n", r->fp);
	}
	fprintf(r->fp, "</tbody></table>\n<p class=\"note\">%s</p>\n</section>\n",
	        L("变动学生：在基础方案（或上一年方案）中的学校仍开办、本可留在该校而在本方案中不在该校的学生"
	          "（换校或失去学位）；被撤并学校的学生属强制调整，不计入。变动小区：划片学校改变的小区。",
	          "Pupils moved: pupils who could have stayed at their school of the base plan (or "
	          "last year's), still open, and are not there in this one (at another school, or "
	          "now without a place); the pupils of a closed school move by force and are not "
	          "counted. Compounds moved: those whose catchment school changes."));
}

static void write_report(const report *r)
{
	const cm__hplan *hp = r->hp;
	FILE *fp = r->fp;
	int lv;
	cm__html_head(fp, r->en, r->title, style);
	fputs("<header><h1>", fp);
	esc(r, r->title);
	fprintf(fp, "</h1>\n<p class=\"note\">%s", L("义务教育招生划片方案 · 方案：",
	                                              "School catchment plan · scenario: "));
	esc(r, hp->scenario);
	fprintf(fp, "</p>\n<nav class=\"noprint\"><a href=\"#figures\">%s</a>", L("概况", "Summary"));
	for (lv = 0; lv < CM_NLEVELS; lv++)
		if (hp->sum[lv].present)
			fprintf(fp, " · <a href=\"#%s\">%s</a>", level_key[lv], level_title(r, lv));
	if (hp->has_changes)
		fprintf(fp, " · <a href=\"#changes\">%s</a>", L("变化", "Changes"));
	if (r->rows)
		fprintf(fp, " · <a href=\"#scenarios\">%s</a>", L("方案比较", "Scenarios"));
	fputs("</nav></header>\n", fp);
	figures(r);
	for (lv = 0; lv < CM_NLEVELS; lv++) {
		if (!hp->sum[lv].present)
			continue;
		fprintf(fp, "<section class=\"level\" id=\"%s\"><h2>%s</h2>\n", level_key[lv],
		        level_title(r, lv));
		level_map(r, lv);
		schools_table(r, lv);
		shortfall_table(r, lv);
		ranges_table(r, lv);
		fputs("</section>\n", fp);
	}
	if (hp->has_changes)
		changes_table(r);
	if (r->rows)
		scenarios_table(r);
	fprintf(fp, "<footer class=\"note\"><p>%s</p></footer>\n",
	        L("学位使用率 = 招生 ÷ 学位。片区内缺学位：划入该校片区的小区中没有学位的学生。"
	          "“多一个学位的作用”来自方案的影子价格。",
	          "Utilisation is enrolled over seats. Without a seat in its catchment: pupils of the "
	          "compounds in the school's catchment who have no seat. What one more seat would do "
	          "comes from the plan's shadow prices."));
	cm__html_panzoom(fp);
	fputs(hover_script, fp);
	fputs("</body>\n</html>\n", fp);
}

/* ------------------------------------------------------------ the scenarios compared */

/* The rows of solved runs (runs[0] the base), as solve has them.  Returns
 * 0, or -1 on ENOMEM. */
static int rows_of_runs(const cm_run *runs, size_t n, cm_vec *rows)
{
	for (size_t k = 0; k < n; k++)
		for (int lv = 0; lv < CM_NLEVELS; lv++) {
			const cm_level_summary *s = cm_plan_summary(runs[k].plan, (cm_level)lv);
			const cm_level_summary *b = cm_plan_summary(runs[0].plan, (cm_level)lv);
			srow *w;
			if (!s->solved || !s->pupils) {
				/* a scenario without pupils at a level of the base:
				 * a row of nobody, as in PLAN-scenarios.csv */
				if (k == 0 || !b->solved || !b->pupils)
					continue;
				if (!(w = cm__vec_push(rows)))
					return -1;
				*w = (srow){runs[k].name, lv, 0, 0, 0, 0, -1, 0, 0, 0, 0};
				continue;
			}
			if (!(w = cm__vec_push(rows)))
				return -1;
			*w = (srow){runs[k].name, lv, s->pupils, s->placed, s->unplaced,
			            s->mean_distance_m, s->migrant_public_share,
			            cm__full_schools(runs[k].plan, (cm_level)lv),
			            s->has_previous, s->moved, s->moved_compounds};
		}
	return 0;
}

/* The same rows of a written plan named `name`, read back: the same
 * figures, as the writer wrote them. */
static int rows_of_plan(const cm__hplan *hp, const char *name, cm_vec *rows)
{
	for (int lv = 0; lv < CM_NLEVELS; lv++) {
		const cm__hsum *s = &hp->sum[lv];
		long full = 0;
		srow *w;
		if (!s->present || !s->pupils)
			continue;
		for (size_t i = 0; i < hp->schools.len; i++) {
			const cm__hschool *h = (const cm__hschool *)hp->schools.data + i;
			full += h->level == lv && h->seats > 0 && h->spare <= 0;
		}
		if (!(w = cm__vec_push(rows)))
			return -1;
		*w = (srow){name, lv, s->pupils, s->placed, s->unplaced, s->mean_m,
		            s->has_migrants ? s->migrant_share : -1, full, s->has_moved, s->moved,
		            s->moved_compounds};
	}
	return 0;
}

/* 1 when the plan has a summary row at some level. */
static int has_level(const cm__hplan *hp)
{
	for (int lv = 0; lv < CM_NLEVELS; lv++)
		if (hp->sum[lv].present)
			return 1;
	return 0;
}

/* A row with no pupils for `name` at each level the base plan `base` has
 * rows at (rows_of_plan): as PLAN-scenarios.csv and the terminal give a
 * scenario without pupils.  0, or -1 out of memory. */
static int rows_of_nobody(const cm__hplan *base, const char *name, cm_vec *rows)
{
	for (int lv = 0; lv < CM_NLEVELS; lv++) {
		srow *w;
		if (!base->sum[lv].present || !base->sum[lv].pupils)
			continue;
		if (!(w = cm__vec_push(rows)))
			return -1;
		*w = (srow){name, lv, 0, 0, 0, 0, -1, 0, 0, 0, 0};
	}
	return 0;
}

static void names_free(char **names)
{
	for (size_t i = 0; names && names[i]; i++)
		free(names[i]);
	free(names);
}

/* The plans the scenarios' table at `csv` compares: its first column (a
 * row per plan and level, the base first), each name once, in order; a
 * cell the table guarded against spreadsheet formulas ("'=x") as the name
 * it was.  Returns the names, NULL-terminated (the caller frees them with
 * names_free), or NULL when the table does not read or on ENOMEM. */
static char **table_names(const char *csv)
{
	static const char *const drivers[] = {"CSV", NULL};
	static const char *const open_opts[] = {"HEADERS=YES", NULL};
	GDALDatasetH g;
	OGRLayerH lyr;
	OGRFeatureH f;
	char **names = calloc(1, sizeof *names);
	size_t n = 0;
	int fail = !names;
	CPLPushErrorHandler(CPLQuietErrorHandler);
	g = GDALOpenEx(csv, GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers, open_opts, NULL);
	lyr = g ? GDALDatasetGetLayer(g, 0) : NULL;
	fail |= !lyr;
	while (!fail && (f = OGR_L_GetNextFeature(lyr)) != NULL) {
		const char *name = cm__planfile_str(f, 0);
		char **more;
		if (name[0] == '\'' && name[1] && strchr("=+-@\t\r", name[1]))
			name++;
		if (name[0] && (!n || strcmp(names[n - 1], name))) {
			if (!(more = realloc(names, (n + 2) * sizeof *names)) ||
			    !(more[n] = cm__strdup(name))) {
				fail = 1;
				if (more)
					names = more;
			} else {
				names = more;
				names[++n] = NULL;
			}
		}
		OGR_F_Destroy(f);
	}
	if (g)
		GDALClose(g);
	CPLPopErrorHandler();
	if (fail) {
		names_free(names);
		return NULL;
	}
	return names;
}

/* 1 when `a` was modified before `b` (both exist). */
static int older(const char *a, const char *b)
{
	struct stat sa, sb;
	if (stat(a, &sa) != 0 || stat(b, &sb) != 0)
		return 0;
	return sa.st_mtim.tv_sec < sb.st_mtim.tv_sec ||
	       (sa.st_mtim.tv_sec == sb.st_mtim.tv_sec && sa.st_mtim.tv_nsec < sb.st_mtim.tv_nsec);
}

/* The comparison a solve made of the plan at `path` (`hp`, read) and its
 * scenarios, found beside it: PLAN-scenarios.csv names the plans (solve
 * writes it after the plans, in the same run), each scenario's plan is
 * PLAN-NAME, read and checked as any plan, and the rows are the written
 * plans' figures.  No table (or a plan in PostGIS, where solve writes
 * none), or a table older than the plan (another run's, with a note):
 * no rows.  *names holds the rows' names (the caller frees them with
 * names_free).  Returns 0, or an error naming a scenario's plan that the
 * table names and that does not read. */
static int rows_beside(cm_ctx *ctx, const char *path, const cm__hplan *hp, cm_vec *rows,
                       char ***names)
{
	char *csv = NULL;
	int rc = 0;
	*names = NULL;
	if (cm__is_pg(path))
		return 0;
	if (!(csv = cm_path_beside(path, "scenarios", ".csv")))
		return cm__error(ctx, CM_ENOMEM, _("out of memory"));
	if (access(csv, F_OK) != 0)
		goto done;
	if (older(csv, hp->root)) {
		cm__log(ctx, CM_LOG_WARN, _("%s is older than the plan %s: another run's comparison, "
		                            "left out of the report"), csv, path);
		goto done;
	}
	if (!(*names = table_names(csv))) {
		rc = cm__error(ctx, CM_EINPUT, _("%s: cannot read the scenarios compared; remove it "
		                                 "for a report without them"), csv);
		goto done;
	}
	for (size_t k = 0; !rc && (*names)[k]; k++) {
		char *sp;
		cm__hplan shp;
		if (!k) { /* the base: this plan */
			rc = rows_of_plan(hp, (*names)[0], rows);
			continue;
		}
		if (!(sp = cm_path_beside(path, (*names)[k], NULL))) {
			rc = CM_ENOMEM;
			break;
		}
		if (!(rc = cm__hplan_load(ctx, sp, &shp))) {
			if (!*shp.scenario && !has_level(&shp))
				/* a scenario without pupils (demand_scale = 0): its plan
				 * has no summary row to name it, and the table a row of
				 * nobody at each level of the base */
				rc = rows_of_nobody(hp, (*names)[k], rows);
			else if (strcmp(shp.scenario, (*names)[k]))
				rc = cm__error(ctx, CM_EINPUT, _("%s: the plan of '%s', not of scenario %s "
				                                 "that %s compares"), sp, shp.scenario,
				               (*names)[k], csv);
			else
				rc = rows_of_plan(&shp, (*names)[k], rows);
			cm__hplan_free(&shp);
		} else { /* the reader's message, which names the file, put in context */
			char *why = cm__strdup(cm_ctx_last_error(ctx));
			rc = why ? cm__error(ctx, rc, _("scenario %s, which %s compares with the plan: %s"),
			                     (*names)[k], csv, why)
			         : CM_ENOMEM;
			free(why);
		}
		free(sp);
	}
	if (rc == -1 || rc == CM_ENOMEM)
		rc = cm__error(ctx, CM_ENOMEM, _("out of memory"));
	if (!rc && (*names)[0] && !(*names)[1])
		rows->len = 0; /* the base alone: nothing compared */
done:
	free(csv);
	return rc;
}

int cm_html_opts_init(cm_html_opts *opts, unsigned version)
{
	if (version != CM_HTML_OPTS_VERSION)
		return CM_ERROR;
	*opts = (cm_html_opts)CM_HTML_OPTS_INIT;
	return 0;
}

int cm__html_opts_check(cm_ctx *ctx, const char *fn, const cm_html_opts *opts)
{
	if (!opts || opts->version == CM_HTML_OPTS_VERSION)
		return 0;
	return cm__error(ctx, CM_ERROR, _("%s: options of version %u, where this library knows "
	                 "version %u: make them with CM_HTML_OPTS_INIT or cm_html_opts_init()"), fn,
	                 opts->version, (unsigned)CM_HTML_OPTS_VERSION);
}

int cm_report_html(cm_ctx *ctx, const char *plan_path, const char *path, const cm_html_opts *opts)
{
	cm__hplan hp;
	cm_output *o;
	report r;
	cm_vec rows;
	char *title = NULL, **names = NULL;
	int rc;
	if ((rc = cm__html_opts_check(ctx, "cm_report_html", opts)))
		return rc;
	if ((rc = cm__hplan_load(ctx, plan_path, &hp)))
		return rc;
	memset(&r, 0, sizeof r);
	r.hp = &hp;
	r.en = opts && opts->lang == CM_LANG_EN;
	cm__vec_init(&rows, sizeof(srow));
	/* the comparison: of the runs solve gives, else the one beside the plan */
	if (opts && opts->runs && opts->n_runs >= 2)
		rc = rows_of_runs(opts->runs, opts->n_runs, &rows)
		         ? cm__error(ctx, CM_ENOMEM, _("out of memory")) : 0;
	else if (!opts || !opts->runs)
		rc = rows_beside(ctx, plan_path, &hp, &rows, &names);
	/* else the base alone: nothing compared */
	if (rc)
		goto done;
	if (rows.len) {
		r.rows = rows.data;
		r.n_rows = rows.len;
	}
	if (opts && opts->title)
		r.title = opts->title;
	else
		r.title = title = cm__sprintf(r.en ? "%s: plan report" : "%s · 方案报告",
		                              hp.scenario);
	if (!r.title) {
		rc = cm__error(ctx, CM_ENOMEM, _("out of memory"));
		goto done;
	}
	if ((rc = cm_output_open(ctx, path, &o)))
		goto done;
	r.fp = cm_output_stream(o);
	write_report(&r);
	rc = cm_output_commit(ctx, o);
done:
	free(title);
	names_free(names);
	cm__vec_free(&rows);
	cm__hplan_free(&hp);
	return rc;
}
