/*
 * citygen.c: a deterministic generated city for the benchmark (citygen.h).
 *
 * Compounds cluster as in a real city: districts of different sizes, each a
 * Gaussian cloud of compounds around its centre, and a thin scatter of
 * villages between them.  The city grows with the number of compounds at a
 * fixed density (20,000 compounds on 60 km x 60 km).  Schools stand where
 * the pupils are (drawn from the compounds' positions, jittered); about 12%
 * are private with purchased places; a seventh are nine-year schools.  Each
 * school's seats follow the pupils near it and the total is set a little
 * below the pupils, so seats are tight and the migrant quota binds.
 *
 * No rand(): a xorshift generator seeded from the size, so a size always
 * gives the same city.  Its roads (cityroads.c) draw nothing from it.
 */
#include "citygen.h"

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

typedef struct rng {
	uint64_t s;
} rng;

static double uniform(rng *r)
{
	r->s ^= r->s << 13;
	r->s ^= r->s >> 7;
	r->s ^= r->s << 17;
	return (double)(r->s >> 11) / 9007199254740992.0;
}

static double normal(rng *r)
{
	double u = uniform(r), v = uniform(r);
	return sqrt(-2 * log(u + 1e-300)) * cos(2 * M_PI * v);
}

typedef struct comp {
	double x, y;
	int pl, pm, jl, jm, area;
} comp;

typedef struct school {
	double x, y;
	int kind;     /* 0 primary, 1 junior, 2 nine-year */
	int private_;
	int seats[2], purchased[2];
} school;

#define X0 CITY_X0
#define Y0 CITY_Y0

static int write_layers(const char *dir, const comp *c, int nc, const school *s, int ns)
{
	GDALDriverH drv = GDALGetDriverByName("GPKG");
	OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
	char path[4096];
	int i, rc = 0;
	OSRImportFromEPSG(srs, 32650);
	for (int layer = 0; layer < 2 && !rc; layer++) {
		GDALDatasetH ds;
		OGRLayerH lyr;
		const char *names[2][8] = {
			{"id", "name", "area_type", "primary_local", "primary_migrant", "junior_local",
			 "junior_migrant", NULL},
			{"id", "name", "level", "sector", "seats_primary", "seats_junior", "purchased_primary",
			 "purchased_junior"},
		};
		snprintf(path, sizeof path, "%s/%s.gpkg", dir, layer ? "schools" : "compounds");
		remove(path);
		ds = GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL);
		if (!ds)
			return -1;
		lyr = GDALDatasetCreateLayer(ds, layer ? "schools" : "compounds", srs, wkbPoint, NULL);
		for (i = 0; i < 8 && names[layer][i]; i++) {
			OGRFieldDefnH f = OGR_Fld_Create(names[layer][i], i < (layer ? 4 : 3) ? OFTString
			                                                                        : OFTInteger);
			OGR_L_CreateField(lyr, f, TRUE);
			OGR_Fld_Destroy(f);
		}
		if (OGR_L_StartTransaction(lyr) != OGRERR_NONE)
			rc = -1;
		for (i = 0; i < (layer ? ns : nc); i++) {
			OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(lyr));
			OGRGeometryH g = OGR_G_CreateGeometry(wkbPoint);
			char id[32];
			if (layer == 0) {
				static const char *const area[] = {"urban", "town", "rural"};
				snprintf(id, sizeof id, "C%06d", i);
				OGR_G_SetPoint_2D(g, 0, X0 + c[i].x, Y0 + c[i].y);
				OGR_F_SetFieldString(f, 0, id);
				OGR_F_SetFieldString(f, 1, id);
				OGR_F_SetFieldString(f, 2, area[c[i].area]);
				OGR_F_SetFieldInteger(f, 3, c[i].pl);
				OGR_F_SetFieldInteger(f, 4, c[i].pm);
				OGR_F_SetFieldInteger(f, 5, c[i].jl);
				OGR_F_SetFieldInteger(f, 6, c[i].jm);
			} else {
				static const char *const kind[] = {"primary", "junior", "nine_year"};
				snprintf(id, sizeof id, "S%05d", i);
				OGR_G_SetPoint_2D(g, 0, X0 + s[i].x, Y0 + s[i].y);
				OGR_F_SetFieldString(f, 0, id);
				OGR_F_SetFieldString(f, 1, id);
				OGR_F_SetFieldString(f, 2, kind[s[i].kind]);
				OGR_F_SetFieldString(f, 3, s[i].private_ ? "private" : "public");
				OGR_F_SetFieldInteger(f, 4, s[i].seats[0]);
				OGR_F_SetFieldInteger(f, 5, s[i].seats[1]);
				OGR_F_SetFieldInteger(f, 6, s[i].purchased[0]);
				OGR_F_SetFieldInteger(f, 7, s[i].purchased[1]);
			}
			OGR_F_SetGeometryDirectly(f, g);
			if (OGR_L_CreateFeature(lyr, f) != OGRERR_NONE)
				rc = -1;
			OGR_F_Destroy(f);
		}
		if (OGR_L_CommitTransaction(lyr) != OGRERR_NONE)
			rc = -1;
		GDALClose(ds);
	}
	OSRDestroySpatialReference(srs);
	return rc;
}

int citygen(const char *dir, int ncomp, unsigned seed, citygen_roads *roads)
{
	rng r = {0x9e3779b97f4a7c15ull ^ ((uint64_t)ncomp << 20) ^ seed};
	int nsch = ncomp / 20, ndist = ncomp / 400 + 3, i, k, lv;
	double side = 60000 * sqrt(ncomp / 20000.0), *dx, *dy, *dsd, *dw, *dmig, wsum = 0;
	comp *c = malloc((size_t)ncomp * sizeof *c);
	school *s = malloc((size_t)nsch * sizeof *s);
	int rc;
	dx = malloc((size_t)ndist * sizeof *dx);
	dy = malloc((size_t)ndist * sizeof *dy);
	dsd = malloc((size_t)ndist * sizeof *dsd);
	dw = malloc((size_t)ndist * sizeof *dw);
	dmig = malloc((size_t)ndist * sizeof *dmig);
	if (!c || !s || !dx || !dy || !dsd || !dw || !dmig)
		return -1;
	for (k = 0; k < ndist; k++) {
		dx[k] = side * (0.08 + 0.84 * uniform(&r));
		dy[k] = side * (0.08 + 0.84 * uniform(&r));
		dsd[k] = 800 + 2500 * uniform(&r);
		dw[k] = 0.2 + pow(uniform(&r), 3) * 4; /* a few large districts */
		dmig[k] = 0.05 + 0.4 * uniform(&r);
		wsum += dw[k];
	}
	for (i = 0; i < ncomp; i++) {
		double size = exp(3.6 + 0.6 * normal(&r)), mig;
		if (uniform(&r) < 0.15) { /* a village */
			c[i].x = side * uniform(&r);
			c[i].y = side * uniform(&r);
			c[i].area = 2;
			mig = 0.05;
			size *= 0.6;
		} else {
			double pick = uniform(&r) * wsum;
			for (k = 0; k < ndist - 1 && pick > dw[k]; k++)
				pick -= dw[k];
			c[i].x = dx[k] + dsd[k] * normal(&r);
			c[i].y = dy[k] + dsd[k] * normal(&r);
			c[i].area = dsd[k] < 900 ? 0 : 1;
			mig = dmig[k];
		}
		c[i].pl = (int)(size * (1 - mig));
		c[i].pm = (int)(size * mig);
		c[i].jl = (int)(0.45 * size * (1 - mig));
		c[i].jm = (int)(0.45 * size * mig);
	}
	/* Schools where the pupils are. */
	for (k = 0; k < nsch; k++) {
		const comp *at = &c[(int)(uniform(&r) * ncomp) % ncomp];
		double u = uniform(&r);
		s[k].x = at->x + 300 * normal(&r);
		s[k].y = at->y + 300 * normal(&r);
		s[k].kind = u < 0.55 ? 0 : u < 0.85 ? 1 : 2;
		s[k].private_ = uniform(&r) < 0.12;
	}
	/* Seats: each school's share of the pupils near it (2.5 km), scaled so
	 * the level's seats are 97% of its pupils; private ones hold 10% of
	 * them, 40% purchased; classes of 45 / 50. */
	for (lv = 0; lv < 2; lv++) {
		double *want = calloc((size_t)nsch, sizeof *want), total = 0, pupils = 0, scale;
		int size = lv ? 50 : 45;
		for (i = 0; i < ncomp; i++) {
			int n = lv ? c[i].jl + c[i].jm : c[i].pl + c[i].pm, near = 0;
			pupils += n;
			for (k = 0; k < nsch; k++)
				near += (s[k].kind == 2 || s[k].kind == lv) &&
				        hypot(s[k].x - c[i].x, s[k].y - c[i].y) < 2500;
			for (k = 0; k < nsch && near; k++)
				if ((s[k].kind == 2 || s[k].kind == lv) &&
				    hypot(s[k].x - c[i].x, s[k].y - c[i].y) < 2500)
					want[k] += (double)n / near;
		}
		for (k = 0; k < nsch; k++)
			total += want[k];
		scale = total > 0 ? 0.97 * pupils / total : 0;
		for (k = 0; k < nsch; k++) {
			int seats = (int)(want[k] * scale * (0.8 + 0.4 * uniform(&r)) / size + 0.5) * size;
			if (s[k].kind != 2 && s[k].kind != lv)
				seats = 0;
			else if (seats < size)
				seats = size;
			if (s[k].private_)
				seats = (seats / 2 / size + 1) * size;
			s[k].seats[lv] = seats;
			s[k].purchased[lv] = s[k].private_ ? (int)(0.4 * seats) : 0;
		}
		free(want);
	}
	rc = write_layers(dir, c, ncomp, s, nsch);
	if (!rc && roads) {
		double x0 = HUGE_VAL, y0 = HUGE_VAL, x1 = -HUGE_VAL, y1 = -HUGE_VAL;
		for (i = 0; i < ncomp + nsch; i++) {
			double x = i < ncomp ? c[i].x : s[i - ncomp].x;
			double y = i < ncomp ? c[i].y : s[i - ncomp].y;
			x0 = fmin(x0, x);
			y0 = fmin(y0, y);
			x1 = fmax(x1, x);
			y1 = fmax(y1, y);
		}
		rc = cityroads(dir, x0, y0, x1, y1, dx, dy, dsd, ndist, roads);
	}
	free(c);
	free(s);
	free(dx);
	free(dy);
	free(dsd);
	free(dw);
	free(dmig);
	return rc;
}
