/*
 * geometry.c: catchments as areas.
 *
 * A plan says which school each compound's pupils attend; a bureau
 * publishes areas.  This module turns the one into the other, once per
 * level, when the plan's areas are first asked for (plan.c's
 * cm__plan_areas: by cm_plan_build_areas or an output), not in the solve:
 *
 *   1. Each compound's catchment school ("home", computed by plan.c): the
 *      public school that takes most of its pupils (a compound without
 *      pupils: last year's or the nearest in reach).
 *   2. The tessellation: Voronoi cells of the compounds' points, clipped to
 *      the boundary layer (or, without one, to the points' convex hull
 *      buffered by twice the mean spacing, 300 m to 3 km).  Coincident
 *      points share one cell (a "site").  Sites are neighbours when their
 *      cells share a border: the Delaunay edges, less those whose clipped
 *      cells no longer meet.
 *   3. Per public school: its area, the union of its polygon compounds and
 *      of the cells of its point compounds (a site's cell goes to the home
 *      school of the site's largest compound, so areas never overlap); its
 *      `parts`, the connected groups of its compounds under the neighbour
 *      relation (more than one: a split catchment), where compounds without
 *      pupils of the level join what they touch and are not counted (they
 *      have a catchment school, the nearest, but split none: real data has
 *      thousands of empty postcodes between a school's compounds); and a
 *      colour, by DSatur
 *      greedy colouring of the schools' neighbour graph, so that catchments
 *      that meet never share one.
 *
 * The neighbour relation is the same for point and polygon compounds:
 * compounds rarely touch (streets run between them), so touching would call
 * nearly every catchment split.  GEOS does the computational geometry; this
 * is the one module that speaks its API.  Geometries leave as OGR
 * geometries for write.c.
 */
#define GEOS_USE_ONLY_R_API
#include <geos_c.h>

#include "internal.h"

#include <ogr_api.h>

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ colours */

/* ColorBrewer Set3, most distinct first; fills that names stay legible on.
 * DSatur uses the first few most. */
static const unsigned palette[] = {
	0x8dd3c7, 0xfdb462, 0xbebada, 0xb3de69, 0x80b1d3, 0xfccde5,
	0xffed6f, 0xfb8072, 0xbc80bd, 0xccebc5, 0xffffb3, 0xd9d9d9,
};
#define NPALETTE (sizeof palette / sizeof *palette)

void cm__colour_hex(int k, char out[8])
{
	unsigned rgb;
	if (k >= 0 && (size_t)k < NPALETTE) {
		rgb = palette[k];
	} else {
		/* Beyond the palette (rare: DSatur needs few colours on maps):
		 * light colours around the hue circle by the golden angle. */
		double h = fmod((k < 0 ? 0 : k) * 137.508, 360.0) / 60.0, f = h - floor(h);
		double v = 0.9, s = 0.45, p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
		double r, g, b;
		switch ((int)h % 6) {
		case 0: r = v, g = t, b = p; break;
		case 1: r = q, g = v, b = p; break;
		case 2: r = p, g = v, b = t; break;
		case 3: r = p, g = q, b = v; break;
		case 4: r = t, g = p, b = v; break;
		default: r = v, g = p, b = q; break;
		}
		rgb = (unsigned)lround(r * 255) << 16 | (unsigned)lround(g * 255) << 8 |
		      (unsigned)lround(b * 255);
	}
	snprintf(out, 8, "#%06x", rgb & 0xffffff);
}

/* ------------------------------------------------------------ state */

typedef struct geo {
	cm_ctx *ctx;
	GEOSContextHandle_t h;
	char err[512];              /* GEOS's last error message */
	const cm_dataset *ds;
	/* sites: the distinct compound points, sorted by (x, y) */
	size_t nsites;
	double *sx, *sy;
	size_t *order;              /* compounds sorted by site */
	size_t *site_start;         /* order[site_start[s] .. site_start[s+1]) are site s's */
	size_t *site_of;            /* compound -> site */
	GEOSGeometry **cell;        /* site -> clipped cell; NULL: none */
	unsigned char *clipped;     /* the cell was cut by the clip region */
	size_t *adj;                /* adjacent site pairs (a, b), a < b, 2 per pair */
	size_t nadj;
	GEOSGeometry **poly;        /* compound -> its polygon in GEOS, made on demand */
	int coverage_retries;       /* coverage unions that needed the general union */
} geo;

static void geos_message(const char *msg, void *ud)
{
	geo *g = ud;
	snprintf(g->err, sizeof g->err, "%s", msg);
}

static int geos_fail(geo *g, const char *what)
{
	return cm__error(g->ctx, CM_ERROR, _("%s failed (GEOS: %s)"), _(what),
	                 g->err[0] ? g->err : _("no message"));
}

static int cmp_site(const void *pa, const void *pb, const cm_dataset *ds)
{
	const cm_compound *a = &ds->compounds[*(const size_t *)pa];
	const cm_compound *b = &ds->compounds[*(const size_t *)pb];
	if (a->x != b->x)
		return a->x < b->x ? -1 : 1;
	if (a->y != b->y)
		return a->y < b->y ? -1 : 1;
	return *(const size_t *)pa < *(const size_t *)pb ? -1
	       : *(const size_t *)pa > *(const size_t *)pb;
}

/* qsort has no user data: a small merge sort of compound indices. */
static void sort_by_site(size_t *v, size_t *tmp, size_t n, const cm_dataset *ds)
{
	size_t m = n / 2, i = 0, j = m, k = 0;
	if (n < 2)
		return;
	sort_by_site(v, tmp, m, ds);
	sort_by_site(v + m, tmp, n - m, ds);
	while (i < m && j < n)
		tmp[k++] = cmp_site(&v[i], &v[j], ds) <= 0 ? v[i++] : v[j++];
	while (i < m)
		tmp[k++] = v[i++];
	while (j < n)
		tmp[k++] = v[j++];
	memcpy(v, tmp, n * sizeof *v);
}

/* The site at exactly (x, y), or nsites. */
static size_t find_site(const geo *g, double x, double y)
{
	size_t lo = 0, hi = g->nsites;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (g->sx[mid] < x || (g->sx[mid] == x && g->sy[mid] < y))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < g->nsites && g->sx[lo] == x && g->sy[lo] == y ? lo : g->nsites;
}

static int make_sites(geo *g)
{
	const cm_dataset *ds = g->ds;
	size_t n = ds->n_compounds, i, *tmp = malloc((n + 1) * sizeof *tmp);
	g->order = malloc((n + 1) * sizeof *g->order);
	g->site_of = malloc((n + 1) * sizeof *g->site_of);
	g->site_start = malloc((n + 2) * sizeof *g->site_start);
	g->sx = malloc((n + 1) * sizeof *g->sx);
	g->sy = malloc((n + 1) * sizeof *g->sy);
	if (!tmp || !g->order || !g->site_of || !g->site_start || !g->sx || !g->sy) {
		free(tmp);
		return cm__error(g->ctx, CM_ENOMEM, _("out of memory"));
	}
	for (i = 0; i < n; i++)
		g->order[i] = i;
	sort_by_site(g->order, tmp, n, ds);
	free(tmp);
	for (i = 0; i < n; i++) {
		const cm_compound *c = &ds->compounds[g->order[i]];
		if (i == 0 || c->x != g->sx[g->nsites - 1] || c->y != g->sy[g->nsites - 1]) {
			g->site_start[g->nsites] = i;
			g->sx[g->nsites] = c->x;
			g->sy[g->nsites] = c->y;
			g->nsites++;
		}
		g->site_of[g->order[i]] = g->nsites - 1;
	}
	g->site_start[g->nsites] = n;
	return 0;
}

/* ------------------------------------------------------------ OGR <-> GEOS */

static GEOSGeometry *from_ogr(geo *g, OGRGeometryH og)
{
	size_t n = (size_t)OGR_G_WkbSize(og);
	unsigned char *buf = malloc(n ? n : 1);
	GEOSWKBReader *r;
	GEOSGeometry *out = NULL;
	if (!buf)
		return NULL;
	if (OGR_G_ExportToWkb(og, wkbNDR, buf) == OGRERR_NONE) {
		r = GEOSWKBReader_create_r(g->h);
		if (r) {
			out = GEOSWKBReader_read_r(g->h, r, buf, n);
			GEOSWKBReader_destroy_r(g->h, r);
		}
	}
	free(buf);
	return out;
}

/* A 2D OGR multipolygon of `gg`; NULL on failure. */
static OGRGeometryH to_ogr(geo *g, const GEOSGeometry *gg)
{
	GEOSWKBWriter *w = GEOSWKBWriter_create_r(g->h);
	unsigned char *buf;
	size_t n = 0;
	OGRGeometryH og = NULL;
	if (!w)
		return NULL;
	GEOSWKBWriter_setOutputDimension_r(g->h, w, 2);
	buf = GEOSWKBWriter_write_r(g->h, w, gg, &n);
	GEOSWKBWriter_destroy_r(g->h, w);
	if (!buf)
		return NULL;
	if (OGR_G_CreateFromWkb(buf, NULL, &og, (int)n) != OGRERR_NONE)
		og = NULL;
	GEOSFree_r(g->h, buf);
	return og ? OGR_G_ForceToMultiPolygon(og) : NULL;
}

/* Appends the polygons of `gg` to `out` (clones). */
static int collect_polygons(geo *g, const GEOSGeometry *gg, cm_vec *out)
{
	int t = GEOSGeomTypeId_r(g->h, gg), i, n;
	if (t == GEOS_POLYGON) {
		GEOSGeometry **slot;
		if (GEOSisEmpty_r(g->h, gg))
			return 0;
		slot = cm__vec_push(out);
		if (!slot || !(*slot = GEOSGeom_clone_r(g->h, gg)))
			return -1;
		return 0;
	}
	if (t == GEOS_MULTIPOLYGON || t == GEOS_GEOMETRYCOLLECTION) {
		n = GEOSGetNumGeometries_r(g->h, gg);
		for (i = 0; i < n; i++)
			if (collect_polygons(g, GEOSGetGeometryN_r(g->h, gg, i), out))
				return -1;
	}
	return 0;
}

/* The polygonal part of `gg` as one geometry (NULL when it has none; *fail
 * set on error).  Intersections may leave stray lines and points. */
static GEOSGeometry *polygonal(geo *g, const GEOSGeometry *gg, int *fail)
{
	cm_vec v;
	GEOSGeometry *out = NULL;
	size_t i;
	cm__vec_init(&v, sizeof(GEOSGeometry *));
	if (collect_polygons(g, gg, &v)) {
		*fail = 1;
	} else if (v.len == 1) {
		out = ((GEOSGeometry **)v.data)[0];
		v.len = 0;
	} else if (v.len > 1) {
		out = GEOSGeom_createCollection_r(g->h, GEOS_MULTIPOLYGON, v.data, (unsigned)v.len);
		if (out)
			v.len = 0; /* owned by the collection now */
		else
			*fail = 1;
	}
	for (i = 0; i < v.len; i++)
		GEOSGeom_destroy_r(g->h, ((GEOSGeometry **)v.data)[i]);
	cm__vec_free(&v);
	return out;
}

/* ------------------------------------------------------------ tessellation */

/* The region the cells are clipped to: the boundary, or a buffer around
 * the points. */
static GEOSGeometry *clip_region(geo *g, const GEOSGeometry *points)
{
	GEOSGeometry *hull, *buf;
	double area = 0, d;
	if (g->ds->boundary)
		return from_ogr(g, (OGRGeometryH)g->ds->boundary);
	hull = GEOSConvexHull_r(g->h, points);
	if (!hull)
		return NULL;
	GEOSArea_r(g->h, hull, &area);
	d = 2 * sqrt(area / (double)(g->nsites ? g->nsites : 1));
	d = d < 300 ? 300 : d > 3000 ? 3000 : d;
	buf = GEOSBuffer_r(g->h, hull, d, 8);
	GEOSGeom_destroy_r(g->h, hull);
	return buf;
}

typedef struct query_hits {
	cm_vec v; /* size_t site indices */
} query_hits;

static void query_cb(void *item, void *ud)
{
	query_hits *q = ud;
	size_t *slot = cm__vec_push(&q->v);
	if (slot)
		*slot = *(size_t *)item;
}

/* Matches GEOS's Voronoi cells (in no particular order) to their sites and
 * clips them. */
static int assign_cells(geo *g, const GEOSGeometry *diagram, const GEOSGeometry *const *pts,
                        const GEOSGeometry *clip)
{
	GEOSSTRtree *tree = GEOSSTRtree_create_r(g->h, 10);
	const GEOSPreparedGeometry *pclip = GEOSPrepare_r(g->h, clip);
	size_t *ids = malloc((g->nsites + 1) * sizeof *ids), s;
	query_hits q;
	int n, k, rc = 0;
	cm__vec_init(&q.v, sizeof(size_t));
	if (!tree || !pclip || !ids) {
		rc = geos_fail(g, N_("preparing the tessellation"));
		goto done;
	}
	for (s = 0; s < g->nsites; s++) {
		ids[s] = s;
		GEOSSTRtree_insert_r(g->h, tree, pts[s], &ids[s]);
	}
	n = GEOSGetNumGeometries_r(g->h, diagram);
	for (k = 0; k < n && !rc; k++) {
		const GEOSGeometry *cell = GEOSGetGeometryN_r(g->h, diagram, k);
		size_t i, site = g->nsites;
		q.v.len = 0;
		GEOSSTRtree_query_r(g->h, tree, cell, query_cb, &q);
		for (i = 0; i < q.v.len && site == g->nsites; i++) {
			size_t c = ((size_t *)q.v.data)[i];
			if (GEOSContains_r(g->h, cell, pts[c]) == 1)
				site = c;
		}
		if (site == g->nsites || g->cell[site])
			continue; /* no site inside: cannot happen for a valid diagram */
		if (GEOSPreparedContains_r(g->h, pclip, cell) == 1) {
			g->cell[site] = GEOSGeom_clone_r(g->h, cell);
			if (!g->cell[site])
				rc = geos_fail(g, N_("copying a cell"));
		} else {
			GEOSGeometry *cut = GEOSIntersection_r(g->h, cell, clip);
			int fail = !cut;
			if (cut) {
				g->cell[site] = polygonal(g, cut, &fail);
				GEOSGeom_destroy_r(g->h, cut);
			}
			g->clipped[site] = 1;
			if (fail)
				rc = geos_fail(g, N_("clipping a cell"));
		}
	}
done:
	cm__vec_free(&q.v);
	free(ids);
	if (pclip)
		GEOSPreparedGeom_destroy_r(g->h, pclip);
	if (tree)
		GEOSSTRtree_destroy_r(g->h, tree);
	return rc;
}

static int add_pair(geo *g, cm_vec *pairs, size_t a, size_t b)
{
	size_t *p;
	if (a == b || a >= g->nsites || b >= g->nsites)
		return 0;
	/* Sites whose clipped cells no longer meet are not neighbours. */
	if ((g->clipped[a] || g->clipped[b]) && g->cell[a] && g->cell[b] &&
	    GEOSIntersects_r(g->h, g->cell[a], g->cell[b]) != 1)
		return 0;
	if (!(p = cm__vec_push(pairs)) || !(p = cm__vec_push(pairs)))
		return -1;
	p[-1] = a < b ? a : b;
	p[0] = a < b ? b : a;
	return 0;
}

/* The neighbour pairs, from the Delaunay triangulation's edges.  When GEOS
 * cannot triangulate (every point on one line), consecutive sites in (x, y)
 * order are neighbours, which is what a line of points means. */
static int find_neighbours(geo *g, const GEOSGeometry *points)
{
	GEOSGeometry *edges = g->nsites >= 3 ? GEOSDelaunayTriangulation_r(g->h, points, 0, 1) : NULL;
	cm_vec pairs;
	size_t s;
	int n = edges ? GEOSGetNumGeometries_r(g->h, edges) : 0, k, rc = 0;
	cm__vec_init(&pairs, sizeof(size_t));
	for (k = 0; k < n && !rc; k++) {
		const GEOSGeometry *e = GEOSGetGeometryN_r(g->h, edges, k);
		const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(g->h, e);
		double x0, y0, x1, y1;
		if (!cs || !GEOSCoordSeq_getXY_r(g->h, cs, 0, &x0, &y0) ||
		    !GEOSCoordSeq_getXY_r(g->h, cs, 1, &x1, &y1))
			continue;
		rc = add_pair(g, &pairs, find_site(g, x0, y0), find_site(g, x1, y1));
	}
	if (n == 0)
		for (s = 1; s < g->nsites && !rc; s++)
			rc = add_pair(g, &pairs, s - 1, s);
	if (edges)
		GEOSGeom_destroy_r(g->h, edges);
	g->adj = pairs.data;
	g->nadj = pairs.len / 2;
	return rc ? cm__error(g->ctx, CM_ENOMEM, _("out of memory")) : 0;
}

static int tessellate(geo *g)
{
	GEOSGeometry **pts = malloc((g->nsites + 1) * sizeof *pts), *points = NULL, *clip = NULL;
	GEOSGeometry *diagram = NULL;
	const GEOSGeometry **site;
	size_t s;
	int rc = 0;
	g->cell = calloc(g->nsites + 1, sizeof *g->cell);
	g->clipped = calloc(g->nsites + 1, 1);
	if (!pts || !g->cell || !g->clipped) {
		free(pts);
		return cm__error(g->ctx, CM_ENOMEM, _("out of memory"));
	}
	for (s = 0; s < g->nsites; s++)
		if (!(pts[s] = GEOSGeom_createPointFromXY_r(g->h, g->sx[s], g->sy[s]))) {
			while (s > 0)
				GEOSGeom_destroy_r(g->h, pts[--s]);
			free(pts);
			return geos_fail(g, N_("making points"));
		}
	points = GEOSGeom_createCollection_r(g->h, GEOS_MULTIPOINT, pts, (unsigned)g->nsites);
	if (!points) {
		for (s = 0; s < g->nsites; s++)
			GEOSGeom_destroy_r(g->h, pts[s]);
		free(pts);
		return geos_fail(g, N_("making points"));
	}
	/* The collection owns the points; site[] borrows them. */
	site = malloc((g->nsites + 1) * sizeof *site);
	if (!site) {
		GEOSGeom_destroy_r(g->h, points);
		free(pts);
		return cm__error(g->ctx, CM_ENOMEM, _("out of memory"));
	}
	for (s = 0; s < g->nsites; s++)
		site[s] = GEOSGetGeometryN_r(g->h, points, (int)s);
	clip = clip_region(g, points);
	if (!clip) {
		rc = geos_fail(g, g->ds->boundary ? N_("reading the boundary") : N_("buffering the data"));
		goto done;
	}
	if (g->nsites == 1) {
		int fail = 0;
		g->cell[0] = polygonal(g, clip, &fail);
		if (fail)
			rc = geos_fail(g, N_("the single cell"));
	} else {
		diagram = GEOSVoronoiDiagram_r(g->h, points, clip, 0, 0);
		rc = diagram ? assign_cells(g, diagram, site, clip)
		             : geos_fail(g, N_("the Voronoi diagram"));
	}
	if (!rc)
		rc = find_neighbours(g, points);
done:
	if (diagram)
		GEOSGeom_destroy_r(g->h, diagram);
	if (clip)
		GEOSGeom_destroy_r(g->h, clip);
	GEOSGeom_destroy_r(g->h, points);
	free(pts);
	free(site);
	return rc;
}

/* ------------------------------------------------------------ per level */

static size_t uf_find(size_t *up, size_t i)
{
	while (up[i] != i) {
		up[i] = up[up[i]];
		i = up[i];
	}
	return i;
}

static void uf_join(size_t *up, size_t a, size_t b)
{
	a = uf_find(up, a);
	b = uf_find(up, b);
	if (a != b)
		up[a > b ? a : b] = a < b ? a : b;
}

/* Calls fn(i, j) for pairs of neighbouring compounds (compounds that share
 * a site, and compounds of neighbouring sites), enough for what fn builds
 * from them: for each site, its compounds of one kind (key: their school,
 * or empty) paired with the first of that kind there, then those firsts
 * paired with each other and with the firsts of the neighbouring sites.
 * fn joins a kind's compounds and records which kinds meet, so the sets it
 * joins and the meetings it sees are those of every pair, in time linear
 * in the compounds where all pairs took the square of a site's count: a
 * fresh user's 100,000 compounds at one point drew their catchments in
 * 32.5 s (2026-12-04).  Returns 0, or -1 out of memory. */
typedef void (*pair_fn)(size_t i, size_t j, void *ud);
typedef long (*key_fn)(size_t i, void *ud);

static int each_neighbour_pair(const geo *g, key_fn key, pair_fn fn, void *ud)
{
	size_t s, k, a, b, nrep = 0, *rep_start = malloc((g->nsites + 1) * sizeof *rep_start);
	size_t *rep = malloc((g->ds->n_compounds + 1) * sizeof *rep);
	long *rkey = malloc((g->ds->n_compounds + 1) * sizeof *rkey);
	if (!rep_start || !rep || !rkey) {
		free(rep_start);
		free(rep);
		free(rkey);
		return -1;
	}
	for (s = 0; s < g->nsites; s++) {
		rep_start[s] = nrep;
		for (a = g->site_start[s]; a < g->site_start[s + 1]; a++) {
			size_t i = g->order[a];
			long ki = key(i, ud);
			for (b = rep_start[s]; b < nrep && rkey[b] != ki; b++)
				;
			if (b < nrep) {
				fn(rep[b], i, ud); /* the site's first of its kind */
			} else {
				rep[nrep] = i;
				rkey[nrep++] = ki;
			}
		}
		for (a = rep_start[s]; a < nrep; a++)
			for (b = a + 1; b < nrep; b++)
				fn(rep[a], rep[b], ud);
	}
	rep_start[g->nsites] = nrep;
	for (k = 0; k < g->nadj; k++) {
		size_t sa = g->adj[2 * k], sb = g->adj[2 * k + 1];
		for (a = rep_start[sa]; a < rep_start[sa + 1]; a++)
			for (b = rep_start[sb]; b < rep_start[sb + 1]; b++)
				fn(rep[a], rep[b], ud);
	}
	free(rep_start);
	free(rep);
	free(rkey);
	return 0;
}

/* A compound of a school that neighbours an empty compound (one without
 * pupils of the level). */
typedef struct touch {
	long school;
	size_t empty;           /* the empty compound; later its region's root */
	size_t compound;        /* the school's compound */
} touch;

typedef struct level_ctx {
	const cm_dataset *ds;
	cm_level lv;
	const long *home;
	size_t *up;             /* union-find over compounds: same school, neighbours; and
	                           regions of neighbouring empty compounds */
	long *slot;             /* school -> catchment index in this level, -1 */
	cm_vec edges;           /* catchment index pairs that meet */
	cm_vec touches;         /* touch: a school's compounds beside empty ones */
	int fail;
} level_ctx;

static int empty_at(const level_ctx *L, size_t i)
{
	const cm_compound *c = &L->ds->compounds[i];
	return c->pupils[L->lv][CM_LOCAL] <= 0 && c->pupils[L->lv][CM_MIGRANT] <= 0;
}

/* A compound's kind for each_neighbour_pair: -2 empty, else its school
 * (-1: none). */
static long link_key(size_t i, void *ud)
{
	const level_ctx *L = ud;
	return empty_at(L, i) ? -2 : L->home[i];
}

static void link_pair(size_t i, size_t j, void *ud)
{
	level_ctx *L = ud;
	long hi = L->home[i], hj = L->home[j];
	int ei = empty_at(L, i), ej = empty_at(L, j);
	if (ei && ej) {
		uf_join(L->up, i, j);
		return;
	}
	if ((ei && hj >= 0) || (ej && hi >= 0)) {
		touch *t = cm__vec_push(&L->touches);
		if (!t) {
			L->fail = 1;
			return;
		}
		t->school = ei ? hj : hi;
		t->empty = ei ? i : j;
		t->compound = ei ? j : i;
		return;
	}
	if (hi < 0 || hj < 0)
		return;
	if (hi == hj) {
		uf_join(L->up, i, j);
	} else {
		long *e = cm__vec_push(&L->edges);
		long *f = e ? cm__vec_push(&L->edges) : NULL;
		if (!f) {
			L->fail = 1;
			return;
		}
		e = f - 1;
		e[0] = L->slot[hi] < L->slot[hj] ? L->slot[hi] : L->slot[hj];
		e[1] = L->slot[hi] < L->slot[hj] ? L->slot[hj] : L->slot[hi];
	}
}

static int cmp_edge(const void *a, const void *b)
{
	const long *x = a, *y = b;
	if (x[0] != y[0])
		return x[0] < y[0] ? -1 : 1;
	return (x[1] > y[1]) - (x[1] < y[1]);
}

/* A school's own first colour, from its id (FNV-1a): the same school
 * starts from the same colour on every plan. */
static size_t id_colour(const char *id)
{
	uint32_t h = 2166136261u;
	for (; *id; id++)
		h = (h ^ (unsigned char)*id) * 16777619u;
	return h % NPALETTE;
}

/* Colours of one level's catchments (docs/design.md, "Maps").  Node i is
 * school ids[i]; want[i] is the colour it had on the previous plan (-1:
 * none).  Those that had one go first and keep it where no neighbour
 * already has it; then the others, the most constrained first (DSatur:
 * most distinct neighbour colours, then most neighbours, then first).
 * Each takes the first colour of its own sequence (id_colour, then on
 * round the palette) that no neighbour has and, where it can, no
 * neighbour's neighbour either; past the palette, the lowest free.  So a
 * school keeps its colour across plans, scenarios and years wherever its
 * neighbours let it. */
static int colour_schools(size_t n, const long *edges, size_t nedges, const char *const *ids,
                          const int *want, int *colour)
{
	size_t *deg = calloc(n + 1, sizeof *deg), *start = calloc(n + 2, sizeof *start), *nb, i, k;
	size_t *mark = calloc(n + NPALETTE + 2, sizeof *mark), stamp = 0;
	size_t *mark2 = calloc(n + NPALETTE + 2, sizeof *mark2), stamp2 = 0;
	int rc = 0;
	nb = malloc((2 * nedges + 1) * sizeof *nb);
	if (!deg || !start || !nb || !mark || !mark2) {
		rc = -1;
		goto done;
	}
	for (k = 0; k < nedges; k++) {
		deg[edges[2 * k]]++;
		deg[edges[2 * k + 1]]++;
	}
	for (i = 0; i < n; i++)
		start[i + 1] = start[i] + deg[i];
	memset(deg, 0, (n + 1) * sizeof *deg);
	for (k = 0; k < nedges; k++) {
		size_t a = (size_t)edges[2 * k], b = (size_t)edges[2 * k + 1];
		nb[start[a] + deg[a]++] = b;
		nb[start[b] + deg[b]++] = a;
	}
	for (i = 0; i < n; i++)
		colour[i] = -1;
	/* the previous plan's colours, where no neighbour took it first */
	for (i = 0; i < n; i++) {
		size_t j;
		if (!want || want[i] < 0)
			continue;
		for (j = start[i]; j < start[i + 1] && colour[nb[j]] != want[i]; j++)
			;
		if (j == start[i + 1])
			colour[i] = want[i];
	}
	/* mark[c] == stamp: colour c is a neighbour's; mark2[c] == stamp2: a
	 * neighbour's neighbour's (colours never exceed n + NPALETTE) */
	for (;;) {
		size_t best = n, bsat = 0, j, j2, m, t;
		for (i = 0; i < n; i++) {
			size_t sat = 0;
			if (colour[i] >= 0)
				continue;
			stamp++;
			for (j = start[i]; j < start[i + 1]; j++) {
				int c = colour[nb[j]];
				if (c >= 0 && mark[c] != stamp) {
					mark[c] = stamp;
					sat++;
				}
			}
			if (best == n || sat > bsat || (sat == bsat && deg[i] > deg[best])) {
				best = i;
				bsat = sat;
			}
		}
		if (best == n)
			break;
		stamp++;
		stamp2++;
		for (j = start[best]; j < start[best + 1]; j++) {
			if (colour[nb[j]] >= 0)
				mark[colour[nb[j]]] = stamp;
			for (j2 = start[nb[j]]; j2 < start[nb[j] + 1]; j2++)
				if (nb[j2] != best && colour[nb[j2]] >= 0)
					mark2[colour[nb[j2]]] = stamp2;
		}
		m = NPALETTE;
		for (t = 0; t < NPALETTE && m == NPALETTE; t++) { /* free two steps away */
			size_t c = (id_colour(ids[best]) + t) % NPALETTE;
			if (mark[c] != stamp && mark2[c] != stamp2)
				m = c;
		}
		for (t = 0; t < NPALETTE && m == NPALETTE; t++) { /* free next door */
			size_t c = (id_colour(ids[best]) + t) % NPALETTE;
			if (mark[c] != stamp)
				m = c;
		}
		if (m == NPALETTE) /* past the palette */
			for (m = NPALETTE; mark[m] == stamp; m++)
				;
		colour[best] = (int)m;
	}
done:
	free(deg);
	free(start);
	free(nb);
	free(mark);
	free(mark2);
	return rc;
}

/* Pairs of catchments (slots first.. of `geoms`) whose areas meet, as
 * edges of the colour graph: polygons compounds' catchments can touch
 * where their compounds' centres are not neighbours. */
static int touching_areas(const cm_vec *geoms, size_t first, cm_vec *edges)
{
	size_t n = geoms->len - first, a, b;
	OGRGeometryH *g = (OGRGeometryH *)geoms->data + first;
	OGREnvelope *env = malloc((n + 1) * sizeof *env);
	if (!env)
		return -1;
	for (a = 0; a < n; a++)
		if (g[a])
			OGR_G_GetEnvelope(g[a], &env[a]);
	for (a = 0; a < n; a++) {
		OGRPreparedGeometryH pa;
		if (!g[a])
			continue;
		pa = OGRCreatePreparedGeometry(g[a]);
		for (b = a + 1; b < n; b++) {
			long *e;
			if (!g[b] || env[b].MinX > env[a].MaxX || env[b].MaxX < env[a].MinX ||
			    env[b].MinY > env[a].MaxY || env[b].MaxY < env[a].MinY)
				continue;
			if (!(pa ? OGRPreparedGeometryIntersects(pa, g[b]) : OGR_G_Intersects(g[a], g[b])))
				continue;
			if (!(e = cm__vec_push(edges)) || !(e = cm__vec_push(edges))) {
				OGRDestroyPreparedGeometry(pa);
				free(env);
				return -1;
			}
			e[-1] = (long)a;
			e[0] = (long)b;
		}
		if (pa)
			OGRDestroyPreparedGeometry(pa);
	}
	free(env);
	return 0;
}

/* Dissolves `parts` (GEOS geometries, consumed) into an OGR multipolygon;
 * *out NULL when there are none.  Cells of the tessellation form a
 * coverage (they meet edge to edge), which GEOS dissolves far faster than a
 * general union; should the result not be valid (clipping may leave edges
 * that do not quite match), the general union does it again. */
static int dissolve(geo *g, cm_vec *parts, int coverage, OGRGeometryH *out)
{
	GEOSGeometry *coll = NULL, *u = NULL;
	size_t k;
	int rc = 0;
	*out = NULL;
	if (parts->len) {
		coll = GEOSGeom_createCollection_r(g->h, GEOS_GEOMETRYCOLLECTION, parts->data,
		                                   (unsigned)parts->len);
		if (coll) {
			parts->len = 0;
			if (coverage) {
				u = GEOSCoverageUnion_r(g->h, coll);
				if (!u || GEOSisValid_r(g->h, u) != 1) {
					if (u)
						GEOSGeom_destroy_r(g->h, u);
					u = NULL;
					g->coverage_retries++;
				}
				g->err[0] = '\0';
			}
			if (!u)
				u = GEOSUnaryUnion_r(g->h, coll);
		}
		if (!u)
			rc = geos_fail(g, N_("dissolving a catchment"));
		else if (!(*out = to_ogr(g, u)))
			rc = cm__error(g->ctx, CM_ENOMEM, _("out of memory"));
	}
	for (k = 0; k < parts->len; k++)
		GEOSGeom_destroy_r(g->h, ((GEOSGeometry **)parts->data)[k]);
	parts->len = 0;
	if (coll)
		GEOSGeom_destroy_r(g->h, coll);
	if (u)
		GEOSGeom_destroy_r(g->h, u);
	return rc;
}

static int push_clone(geo *g, cm_vec *parts, const GEOSGeometry *src)
{
	GEOSGeometry **slot = cm__vec_push(parts);
	if (!slot || !(*slot = GEOSGeom_clone_r(g->h, src)))
		return cm__error(g->ctx, CM_ENOMEM, _("out of memory"));
	return 0;
}

/* The area of catchment school `si`: its polygon compounds and the cells
 * its point compounds own; and its zone, the cells of all its compounds'
 * sites it owns (for maps of polygon compounds; NULL otherwise).  Members
 * are in site order, so a site's cell is taken once. */
static int school_area(geo *g, const long *owner, size_t si, const size_t *members, size_t nmem,
                       OGRGeometryH *area, OGRGeometryH *zone)
{
	const cm_dataset *ds = g->ds;
	cm_vec parts, cells;
	size_t k;
	int rc = 0, want_zone = ds->compound_polygons > 0;
	cm__vec_init(&parts, sizeof(GEOSGeometry *));
	cm__vec_init(&cells, sizeof(GEOSGeometry *));
	for (k = 0; k < nmem && !rc; k++) {
		size_t c = members[k], s = g->site_of[c];
		int new_site = k == 0 || g->site_of[members[k - 1]] != s;
		int owns = owner[s] == (long)si && g->cell[s] && new_site;
		if (ds->compounds[c].area_m2 > 0) {
			if (!g->poly[c] && !(g->poly[c] = from_ogr(g, (OGRGeometryH)ds->geoms[c])))
				rc = geos_fail(g, N_("reading a compound"));
			else
				rc = push_clone(g, &parts, g->poly[c]);
		} else if (owns) {
			rc = push_clone(g, &parts, g->cell[s]);
		}
		if (!rc && owns && want_zone)
			rc = push_clone(g, &cells, g->cell[s]);
	}
	if (!rc)
		rc = dissolve(g, &parts, ds->compound_polygons == 0, area);
	if (!rc)
		rc = dissolve(g, &cells, 1, zone);
	for (k = 0; k < parts.len; k++) /* what is left after an error */
		GEOSGeom_destroy_r(g->h, ((GEOSGeometry **)parts.data)[k]);
	for (k = 0; k < cells.len; k++)
		GEOSGeom_destroy_r(g->h, ((GEOSGeometry **)cells.data)[k]);
	cm__vec_free(&parts);
	cm__vec_free(&cells);
	return rc;
}

static int cmp_touch(const void *a, const void *b)
{
	const touch *x = a, *y = b;
	if (x->school != y->school)
		return x->school < y->school ? -1 : 1;
	return (x->empty > y->empty) - (x->empty < y->empty);
}

/* A school's groups of compounds that touch one region of empty compounds
 * are one part: joined.  The regions are complete (every neighbour pair
 * seen), so each touch's empty compound gives way to its region's root. */
static void join_through_empty(level_ctx *L)
{
	touch *t = L->touches.data;
	size_t n = L->touches.len, k;
	for (k = 0; k < n; k++)
		t[k].empty = uf_find(L->up, t[k].empty);
	if (n)
		qsort(t, n, sizeof *t, cmp_touch);
	for (k = 1; k < n; k++)
		if (t[k].school == t[k - 1].school && t[k].empty == t[k - 1].empty)
			uf_join(L->up, t[k].compound, t[k - 1].compound);
}

static int build_level(geo *g, const cm_plan *plan, cm_level lv, const long *home, cm_vec *out,
                       cm_vec *geoms, cm_vec *zones)
{
	const cm_dataset *ds = g->ds;
	size_t nc = ds->n_compounds, ns = ds->n_schools, i, s, first = out->len;
	level_ctx L;
	long *owner = malloc((g->nsites + 1) * sizeof *owner);
	size_t *count = calloc(ns + 2, sizeof *count), *members = malloc((nc + 1) * sizeof *members);
	size_t *pos = calloc(ns + 2, sizeof *pos);
	int *colour = NULL, rc = 0;
	memset(&L, 0, sizeof L);
	cm__vec_init(&L.edges, sizeof(long));
	cm__vec_init(&L.touches, sizeof(touch));
	L.ds = ds;
	L.lv = lv;
	L.home = home;
	L.up = malloc((nc + 1) * sizeof *L.up);
	L.slot = malloc((ns + 1) * sizeof *L.slot);
	if (!owner || !count || !members || !pos || !L.up || !L.slot) {
		rc = cm__error(g->ctx, CM_ENOMEM, _("out of memory"));
		goto done;
	}
	/* A site's cell goes to the home of its largest compound. */
	for (s = 0; s < g->nsites; s++) {
		int most = -1;
		owner[s] = -1;
		for (i = g->site_start[s]; i < g->site_start[s + 1]; i++) {
			const cm_compound *c = &ds->compounds[g->order[i]];
			int n = c->pupils[lv][CM_LOCAL] + c->pupils[lv][CM_MIGRANT];
			if (home[g->order[i]] >= 0 && n > most) {
				most = n;
				owner[s] = home[g->order[i]];
			}
		}
	}
	/* Members of each school, in site order (so a site's compounds are
	 * consecutive), by counting sort. */
	for (i = 0; i < nc; i++)
		if (home[i] >= 0)
			count[home[i] + 1]++;
	for (s = 0; s < ns; s++)
		count[s + 1] += count[s];
	for (i = 0; i < nc; i++) {
		size_t c = g->order[i];
		if (home[c] >= 0)
			members[count[home[c]] + pos[home[c]]++] = c;
	}
	for (s = 0; s < ns; s++) {
		L.slot[s] = -1;
		if (pos[s]) {
			cm_catchment *cc = cm__vec_push(out);
			void **gslot = cm__vec_push(geoms), **zslot = cm__vec_push(zones);
			if (!cc || !gslot || !zslot) {
				rc = cm__error(g->ctx, CM_ENOMEM, _("out of memory"));
				goto done;
			}
			L.slot[s] = (long)(out->len - 1 - first);
			cc->school = s;
			cc->level = lv;
			cc->compounds = (int)pos[s];
			cc->pupils = cm_plan_school(plan, lv, s)->enrolled;
		}
	}
	for (i = 0; i < nc; i++)
		L.up[i] = i;
	if (each_neighbour_pair(g, link_key, link_pair, &L))
		L.fail = 1;
	if (L.fail) {
		rc = cm__error(g->ctx, CM_ENOMEM, _("out of memory"));
		goto done;
	}
	join_through_empty(&L);
	/* Areas and parts. */
	for (s = 0; s < ns && !rc; s++) {
		cm_catchment *cc;
		size_t k, j, nmem = pos[s], *m = members + count[s];
		if (L.slot[s] < 0)
			continue;
		cc = &((cm_catchment *)out->data)[first + (size_t)L.slot[s]];
		/* parts of the compounds with pupils: an empty compound has a
		 * catchment school too (plan.c, fill_empty_homes), but it joins what
		 * it touches and splits nothing; a catchment of empty compounds
		 * alone counts their groups */
		for (int all = 0; all < 2 && !cc->parts; all++)
			for (k = 0; k < nmem; k++) {
				size_t r = uf_find(L.up, m[k]);
				if (!all && empty_at(&L, m[k]))
					continue;
				for (j = 0; j < k && ((!all && empty_at(&L, m[j])) ||
				                      uf_find(L.up, m[j]) != r); j++)
					;
				cc->parts += j == k;
			}
		rc = school_area(g, owner, s, m, nmem,
		                 (OGRGeometryH *)&((void **)geoms->data)[first + (size_t)L.slot[s]],
		                 (OGRGeometryH *)&((void **)zones->data)[first + (size_t)L.slot[s]]);
		cm__progress(g->ctx, (double)(s + 1) / (double)ns, "drawing catchments");
	}
	/* Colours: neighbours are catchments with neighbouring compounds or
	 * areas that meet. */
	if (!rc && out->len > first && touching_areas(geoms, first, &L.edges))
		rc = cm__error(g->ctx, CM_ENOMEM, _("out of memory"));
	if (!rc && out->len > first) {
		size_t n = out->len - first, ne = L.edges.len / 2, k, w = 0;
		long *e = L.edges.data;
		const char **ids = malloc((n + 1) * sizeof *ids);
		int *want = malloc((n + 1) * sizeof *want);
		if (!ids || !want) {
			free(ids);
			free(want);
			rc = cm__error(g->ctx, CM_ENOMEM, _("out of memory"));
			goto done;
		}
		for (k = 0; k < n; k++) {
			size_t sc = ((cm_catchment *)out->data)[first + k].school;
			ids[k] = ds->schools[sc].id;
			want[k] = cm__plan_wish(plan, lv, sc);
		}
		if (ne)
			qsort(e, ne, 2 * sizeof(long), cmp_edge);
		for (k = 0; k < ne; k++)
			if (k == 0 || cmp_edge(&e[2 * k], &e[2 * (k - 1)]) != 0) {
				e[2 * w] = e[2 * k];
				e[2 * w + 1] = e[2 * k + 1];
				w++;
			}
		colour = malloc(n * sizeof *colour);
		if (!colour || colour_schools(n, e, w, ids, want, colour))
			rc = cm__error(g->ctx, CM_ENOMEM, _("out of memory"));
		free(ids);
		free(want);
		for (k = 0; !rc && k < n; k++)
			((cm_catchment *)out->data)[first + k].colour = colour[k];
	}
done:
	free(colour);
	free(owner);
	free(count);
	free(members);
	free(pos);
	free(L.up);
	free(L.slot);
	cm__vec_free(&L.edges);
	cm__vec_free(&L.touches);
	return rc;
}

int cm__catchments_build(cm_ctx *ctx, const cm_dataset *ds, const cm_plan *plan,
                         long *const home[CM_NLEVELS], cm_vec *out, cm_vec *geoms,
                         cm_vec *zones)
{
	geo g;
	size_t i;
	int lv, rc = 0;
	memset(&g, 0, sizeof g);
	g.ctx = ctx;
	g.ds = ds;
	if (ds->n_compounds == 0)
		return 0;
	g.h = GEOS_init_r();
	if (!g.h)
		return cm__error(ctx, CM_ENOMEM, _("GEOS cannot start"));
	GEOSContext_setErrorMessageHandler_r(g.h, geos_message, &g);
	g.poly = calloc(ds->n_compounds + 1, sizeof *g.poly);
	if (!g.poly)
		rc = cm__error(ctx, CM_ENOMEM, _("out of memory"));
	cm__progress(ctx, 0, "drawing catchments");
	if (!rc)
		rc = make_sites(&g);
	if (!rc)
		rc = tessellate(&g);
	for (lv = 0; lv < CM_NLEVELS && !rc; lv++)
		if (cm_plan_summary(plan, (cm_level)lv)->solved)
			rc = build_level(&g, plan, (cm_level)lv, home[lv], out, geoms, zones);
	cm__progress(ctx, 1, "drawing catchments");
	cm__log(ctx, CM_LOG_DEBUG, "tessellation: %zu sites, %zu neighbour pairs, %d coverage "
	        "unions redone", g.nsites, g.nadj, g.coverage_retries);
	for (i = 0; i < g.nsites && g.cell; i++)
		if (g.cell[i])
			GEOSGeom_destroy_r(g.h, g.cell[i]);
	for (i = 0; i < ds->n_compounds && g.poly; i++)
		if (g.poly[i])
			GEOSGeom_destroy_r(g.h, g.poly[i]);
	free(g.cell);
	free(g.clipped);
	free(g.poly);
	free(g.adj);
	free(g.sx);
	free(g.sy);
	free(g.order);
	free(g.site_start);
	free(g.site_of);
	GEOS_finish_r(g.h);
	return rc;
}
