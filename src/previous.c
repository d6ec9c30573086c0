/*
 * previous.c: last year's plan, as each compound's catchment school.
 *
 * The annual redraw starts from the plan in force: [input] previous_plan
 * names an earlier plan (its `assignment` layer: a GeoPackage, a shapefile
 * folder or a GeoJSON folder written by catchment) or any table with the
 * fields compound_id, level and school_id (a CSV a bureau keeps).
 *
 * With the pupil fields of a plan (seat_kind, local, migrant) it knows how
 * many pupils of each group each compound had at each public school and
 * without a place; a compound's school is the public school that took most
 * of them, as cm_plan_home.  Without them a compound and level may appear
 * once, and all its pupils were at that school.  A pupil moves when the
 * plan puts more of a compound's pupils of a group at a school, or without
 * a place, than last year's (max(0, now - then) summed): a compound's
 * pupils may shift among its own schools only as far as last year's counts
 * go, and a place kept is a place held.  Compounds whose every school is
 * gone move by force and count nowhere.
 *
 * A plan catchment wrote (cm__planfile_root: a GeoPackage, a plan folder,
 * or a layer file in one) is checked whole first, as any plan read back
 * (planfile.c): a plan cut short or edited would hold compounds to schools
 * they never had.  A bare table is checked row by row: ids, levels, seat
 * kinds, counts (whole, 0 to CM_MAX_COUNT).
 *
 * Matching is by id.  A compound not in the data is ignored (it is gone); a
 * compound the earlier plan did not have has no previous school; a school
 * not in the data, no longer teaching the level, or no longer public (a
 * 公办 school turned 民办 holds no catchment) is gone: its compounds must
 * move, and their notice names it.  Scenarios are held to the base
 * plan the same way (cm_previous_from_plan).
 */
#include "planfile.h"
#include "planschema.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct cm_previous {
	size_t n_compounds;
	long *school[CM_NLEVELS];   /* by compound: school index, CM_PREV_NONE, CM_PREV_GONE */
	char **gone[CM_NLEVELS];    /* by compound: the gone school's id, else NULL */
	char **gone_name[CM_NLEVELS]; /* by compound: the gone school's name where last year's
	                               plan gave it (for the notice), else NULL */
	cm_vec pairs[CM_NLEVELS];   /* prev_pair: pupils by open public school, and unplaced */
	size_t *start[CM_NLEVELS];  /* by compound: its first pair (n + 1 entries) */
	int *colour[CM_NLEVELS];    /* by school: its catchment's colour in the plan, -1; NULL:
	                               none known (geometry.c keeps them) */
	size_t n_schools;           /* colour's length */
	long rows, matched;         /* read from a file: its rows, and those naming a compound
	                               of the data */
	long with_pupils, missing;  /* this year's compounds with pupils, and those of them
	                               with no row in the file */
	char *first_missing;        /* the first of those (by the data's order), NULL: none */
};

#define ALL_PUPILS 1000000000L /* a table without pupil counts: every pupil */

typedef struct prev_pair {
	size_t compound;
	long school;                /* -1: without a place; -2: in a private school */
	long pupils[CM_NGROUPS];
} prev_pair;

void cm_previous_free(cm_previous *prev)
{
	int lv;
	size_t i;
	if (!prev)
		return;
	for (lv = 0; lv < CM_NLEVELS; lv++) {
		for (i = 0; prev->gone[lv] && i < prev->n_compounds; i++)
			free(prev->gone[lv][i]);
		for (i = 0; prev->gone_name[lv] && i < prev->n_compounds; i++)
			free(prev->gone_name[lv][i]);
		free(prev->gone[lv]);
		free(prev->gone_name[lv]);
		free(prev->school[lv]);
		cm__vec_free(&prev->pairs[lv]);
		free(prev->start[lv]);
		free(prev->colour[lv]);
	}
	free(prev->first_missing);
	free(prev);
}

static cm_previous *prev_new(size_t n)
{
	cm_previous *p = calloc(1, sizeof *p);
	int lv;
	size_t i;
	if (!p)
		return NULL;
	p->n_compounds = n;
	for (lv = 0; lv < CM_NLEVELS; lv++) {
		cm__vec_init(&p->pairs[lv], sizeof(prev_pair));
		p->school[lv] = malloc((n + 1) * sizeof(long));
		p->gone[lv] = calloc(n + 1, sizeof(char *));
		p->gone_name[lv] = calloc(n + 1, sizeof(char *));
		if (!p->school[lv] || !p->gone[lv] || !p->gone_name[lv]) {
			cm_previous_free(p);
			return NULL;
		}
		for (i = 0; i < n; i++)
			p->school[lv][i] = CM_PREV_NONE;
	}
	return p;
}

int cm__previous_colour(const cm_previous *prev, cm_level level, size_t school)
{
	return prev && prev->colour[level] && school < prev->n_schools ? prev->colour[level][school]
	                                                                : -1;
}

/* Colour arrays for `n` schools, every colour unknown (-1).  0 or
 * CM_ENOMEM. */
static int colours_new(cm_previous *p, size_t n)
{
	size_t i;
	int lv;
	p->n_schools = n;
	for (lv = 0; lv < CM_NLEVELS; lv++) {
		if (!(p->colour[lv] = malloc((n + 1) * sizeof *p->colour[lv])))
			return CM_ENOMEM;
		for (i = 0; i < n; i++)
			p->colour[lv][i] = -1;
	}
	return 0;
}

/* The colours of a plan's catchments `c` (n of them, on `plan_ds`), by the
 * school of `ds` with the same id. */
static int colours_from_plan(cm_previous *p, const cm_catchment *c, size_t n,
                             const cm_dataset *plan_ds, const cm_dataset *ds, cm__id *sidx)
{
	size_t k;
	if (colours_new(p, ds->n_schools))
		return CM_ENOMEM;
	for (k = 0; k < n; k++) {
		long si = cm__ids_find(sidx, ds->n_schools, plan_ds->schools[c[k].school].id);
		if (si >= 0)
			p->colour[c[k].level][si] = c[k].colour;
	}
	return 0;
}

size_t cm__previous_compounds(const cm_previous *prev)
{
	return prev ? prev->n_compounds : 0;
}

const long *cm__previous_schools(const cm_previous *prev, cm_level level)
{
	return prev ? prev->school[level] : NULL;
}

int cm__previous_open(const cm_previous *prev, cm_level level, size_t compound)
{
	const prev_pair *pp;
	size_t k;
	if (!prev || compound >= prev->n_compounds)
		return 0;
	pp = prev->pairs[level].data;
	for (k = prev->start[level][compound]; k < prev->start[level][compound + 1]; k++)
		if (pp[k].school >= 0)
			return 1;
	return 0;
}

long cm__previous_kept(const cm_previous *prev, cm_level level, size_t compound, long school,
                       int group, long pupils)
{
	const prev_pair *pp;
	size_t k;
	long at = 0, total = 0;
	if (!prev || compound >= prev->n_compounds || school < 0)
		return 0;
	pp = prev->pairs[level].data;
	for (k = prev->start[level][compound]; k < prev->start[level][compound + 1]; k++) {
		total += pp[k].pupils[group];
		if (pp[k].school == school)
			at = pp[k].pupils[group];
	}
	if (at >= ALL_PUPILS || total <= 0)
		return at > 0 ? pupils : 0;
	/* last year's share of the compound's pupils, of this year's pupils */
	return (long)((double)at * (double)pupils / (double)total);
}

long cm__previous_had(const cm_previous *prev, cm_level level, size_t compound, int group,
                      long pupils)
{
	const prev_pair *pp;
	size_t k;
	long had = 0;
	if (!prev || compound >= prev->n_compounds)
		return 0;
	pp = prev->pairs[level].data;
	for (k = prev->start[level][compound]; k < prev->start[level][compound + 1]; k++)
		if (pp[k].school >= 0)
			had += cm__previous_kept(prev, level, compound, pp[k].school, group, pupils);
	return had;
}

long cm__previous_unplaced(const cm_previous *prev, cm_level level, size_t compound, int group,
                           long pupils)
{
	const prev_pair *pp;
	size_t k;
	long at = 0, total = 0;
	if (!prev || compound >= prev->n_compounds)
		return 0;
	pp = prev->pairs[level].data;
	for (k = prev->start[level][compound]; k < prev->start[level][compound + 1]; k++) {
		total += pp[k].pupils[group];
		if (pp[k].school == -1)
			at = pp[k].pupils[group];
	}
	if (at >= ALL_PUPILS || total <= 0 || total >= ALL_PUPILS)
		return 0; /* a table without counts: nobody known without a place */
	return (long)((double)at * (double)pupils / (double)total);
}

static int cmp_pair(const void *a, const void *b)
{
	const prev_pair *x = a, *y = b;
	if (x->compound != y->compound)
		return x->compound < y->compound ? -1 : 1;
	return (x->school > y->school) - (x->school < y->school);
}

/* After the pairs are in: sorted, repeats summed, indexed by compound. */
static int index_pairs(cm_previous *p)
{
	int lv;
	for (lv = 0; lv < CM_NLEVELS; lv++) {
		prev_pair *pp = p->pairs[lv].data;
		size_t n = p->pairs[lv].len, i, k = 0;
		if (!(p->start[lv] = calloc(p->n_compounds + 2, sizeof(size_t))))
			return -1;
		if (n)
			qsort(pp, n, sizeof *pp, cmp_pair);
		for (i = 0; i < n; i++) {
			if (k == 0 || pp[i].compound != pp[k - 1].compound || pp[i].school != pp[k - 1].school) {
				pp[k++] = pp[i];
				continue;
			}
			for (int g = 0; g < CM_NGROUPS; g++) {
				pp[k - 1].pupils[g] += pp[i].pupils[g];
				if (pp[k - 1].pupils[g] > ALL_PUPILS)
					pp[k - 1].pupils[g] = ALL_PUPILS;
			}
		}
		p->pairs[lv].len = k;
		for (i = 0; i < k; i++)
			p->start[lv][pp[i].compound + 1]++;
		for (i = 0; i < p->n_compounds; i++)
			p->start[lv][i + 1] += p->start[lv][i];
	}
	return 0;
}

static int add_pair(cm_previous *p, cm_level lv, size_t ci, long si, long local, long migrant)
{
	prev_pair *pp;
	if (!(pp = cm__vec_push(&p->pairs[lv])))
		return -1;
	pp->compound = ci;
	pp->school = si;
	pp->pupils[CM_LOCAL] = local;
	pp->pupils[CM_MIGRANT] = migrant;
	return 0;
}

const char *cm_previous_school_id(const cm_previous *prev, const cm_dataset *ds, cm_level level,
                                  size_t compound)
{
	long s;
	if (!prev || compound >= prev->n_compounds || (unsigned)level >= CM_NLEVELS)
		return NULL;
	s = prev->school[level][compound];
	return s >= 0 ? ds->schools[s].id : s == CM_PREV_GONE ? prev->gone[level][compound] : NULL;
}

/* 1 when school `s` (an index, or -1) can still hold last year's catchment
 * at `lv`: in the data, teaching the level, and public.  A public school
 * turned private (民办) takes no catchment: its compounds move by force,
 * as from a closed school. */
static int still_public(const cm_dataset *ds, long s, cm_level lv)
{
	return s >= 0 && cm_school_teaches(&ds->schools[s], lv) &&
	       ds->schools[s].sector == CM_PUBLIC;
}

/* Sets compound `ci`'s previous school at `lv` from the school id `sid`;
 * `sname`, its name in last year's plan (NULL or "": none given), is kept
 * for a school gone from the data, which has no name for it. */
static int set_school(cm_previous *p, const cm_dataset *ds, const cm__id *sidx, cm_level lv,
                      size_t ci, const char *sid, const char *sname)
{
	long s = cm__ids_find(sidx, ds->n_schools, sid);
	free(p->gone[lv][ci]);
	free(p->gone_name[lv][ci]);
	p->gone[lv][ci] = p->gone_name[lv][ci] = NULL;
	if (still_public(ds, s, lv)) {
		p->school[lv][ci] = s;
		return 0;
	}
	p->school[lv][ci] = CM_PREV_GONE;
	if (sname && *sname && cm__utf8_valid(sname) && !(p->gone_name[lv][ci] = cm__strdup(sname)))
		return -1;
	return (p->gone[lv][ci] = cm__strdup(sid)) ? 0 : -1;
}

const char *cm__previous_school_name(const cm_previous *prev, const cm_dataset *ds,
                                     cm_level level, size_t compound)
{
	long s;
	if (!prev || compound >= prev->n_compounds || (unsigned)level >= CM_NLEVELS)
		return NULL;
	s = prev->school[level][compound];
	return s >= 0 ? ds->schools[s].name
	       : s == CM_PREV_GONE ? prev->gone_name[level][compound] : NULL;
}

/* ------------------------------------------------------------ from a plan */

int cm_previous_from_plan(cm_ctx *ctx, const cm_plan *plan, const cm_dataset *ds,
                          cm_previous **out)
{
	const cm_dataset *plan_ds = cm_plan_dataset(plan);
	const cm_catchment *ct = NULL;
	size_t nct = 0;
	cm_previous *p = prev_new(ds->n_compounds);
	cm__id *cidx = cm__ids_index(sizeof(cm_compound), ds->compounds, ds->n_compounds);
	cm__id *sidx = cm__ids_index(sizeof(cm_school), ds->schools, ds->n_schools);
	size_t i;
	int lv, rc = 0;
	*out = NULL;
	if (!p || !cidx || !sidx)
		rc = CM_ENOMEM;
	else if ((rc = cm_plan_catchments(ctx, plan, &ct, &nct))) { /* the colours come from them */
		free(cidx);
		free(sidx);
		cm_previous_free(p);
		return rc;
	}
	for (lv = 0; lv < CM_NLEVELS && !rc; lv++)
		for (i = 0; i < plan_ds->n_compounds && !rc; i++) {
			long home = cm_plan_home(plan, (cm_level)lv, i);
			long ci = cm__ids_find(cidx, ds->n_compounds, plan_ds->compounds[i].id);
			if (home < 0 || ci < 0)
				continue;
			if (set_school(p, ds, sidx, (cm_level)lv, (size_t)ci, plan_ds->schools[home].id,
			               plan_ds->schools[home].name))
				rc = CM_ENOMEM;
		}
	if (!rc) { /* the pupils at each public school and without a place */
		const cm_assignment *a;
		size_t n = cm_plan_assignments(plan, &a);
		for (i = 0; i < n && !rc; i++) {
			long ci, si = a[i].seat == CM_SEAT_UNPLACED ? -1 : -2;
			ci = cm__ids_find(cidx, ds->n_compounds, plan_ds->compounds[a[i].compound].id);
			if (a[i].seat == CM_SEAT_PUBLIC &&
			    !still_public(ds, si = cm__ids_find(sidx, ds->n_schools,
			                                        plan_ds->schools[a[i].school].id),
			                  a[i].level))
				continue; /* a school gone: its pupils move */
			if (ci >= 0 && add_pair(p, a[i].level, (size_t)ci, si, a[i].local, a[i].migrant))
				rc = CM_ENOMEM;
		}
	}
	if (!rc && (index_pairs(p) || colours_from_plan(p, ct, nct, plan_ds, ds, sidx)))
		rc = CM_ENOMEM;
	free(cidx);
	free(sidx);
	if (rc) {
		cm_previous_free(p);
		return cm__error(ctx, CM_ENOMEM, _("out of memory"));
	}
	*out = p;
	return 0;
}

/* ------------------------------------------------------------ from a file */

static int known_seat(const char *s)
{
	int k;
	for (k = 0; k < 4; k++)
		if (!strcmp(s, cm_seat_kind_name((cm_seat_kind)k)))
			return 1;
	return 0;
}

/* A plan catchment wrote is checked whole (planfile.c); a bare table is
 * not a plan.  *plan: 1 when `path` is a plan. */
static int check_plan(cm_ctx *ctx, const char *path, int *plan)
{
	char *root = cm__planfile_root(path);
	cm__planfile pf;
	int rc;
	*plan = root != NULL;
	if (!root)
		return 0;
	CPLPushErrorHandler(CPLQuietErrorHandler);
	rc = cm__planfile_open(ctx, &pf, root);
	cm__planfile_close(&pf);
	CPLPopErrorHandler();
	free(root);
	if (rc == CM_EINPUT) {
		char msg[sizeof ctx->errmsg];
		snprintf(msg, sizeof msg, "%s", cm_ctx_last_error(ctx));
		rc = cm__error(ctx, rc, _("last year's plan (previous_plan): %s"), msg);
	}
	return rc;
}

/* A level as a bureau's table gives it: primary or junior, 小学 or 初中,
 * matched as docs/config.md says data values are (cm__list_has: blanks
 * around and ASCII case ignored), so ' Primary ' is primary. */
static int parse_level(const char *s, cm_level *lv)
{
	if (cm__list_has("primary, 小学", s))
		*lv = CM_PRIMARY;
	else if (cm__list_has("junior, 初中", s))
		*lv = CM_JUNIOR;
	else
		return -1;
	return 0;
}

/* The colours of a written plan's `catchments` layer (its `color` field,
 * one of the map palette's: cm__colour_hex), when it has one: last year's
 * map keeps its colours where it can.  A colour not of the palette, or no
 * such layer, is no preference.  0 or CM_ENOMEM. */
static int colours_from_file(cm_previous *p, GDALDatasetH g, const cm_dataset *ds, cm__id *sidx)
{
	const char *names[3]; /* a field's names in a plan (planschema.c) */
	OGRLayerH lyr = GDALDatasetGetLayerByName(g, "catchments");
	OGRFeatureDefnH defn;
	OGRFeatureH f;
	int fs, fl, fc, k;
	if (!lyr)
		return 0;
	defn = OGR_L_GetLayerDefn(lyr);
	fs = cm__field_named(defn, cm__plan_field_names("school_id", names));
	fl = cm__field_named(defn, cm__plan_field_names("level", names));
	fc = cm__field_named(defn, cm__plan_field_names("color", names));
	if (fs < 0 || fl < 0 || fc < 0)
		return 0;
	if (colours_new(p, ds->n_schools))
		return CM_ENOMEM;
	OGR_L_ResetReading(lyr);
	while ((f = OGR_L_GetNextFeature(lyr)) != NULL) {
		cm_level level;
		long si = cm__ids_find(sidx, ds->n_schools, OGR_F_GetFieldAsString(f, fs));
		const char *hex = OGR_F_GetFieldAsString(f, fc);
		if (si >= 0 && !parse_level(OGR_F_GetFieldAsString(f, fl), &level))
			for (k = 0; k < 64; k++) { /* the palette and the first colours past it */
				char h[8];
				cm__colour_hex(k, h);
				if (!strcmp(h, hex)) {
					p->colour[level][si] = k;
					break;
				}
			}
		OGR_F_Destroy(f);
	}
	return 0;
}

/* Last year's catchment school of each compound that had no pupils of a
 * level then, from a catchment plan's `compounds` layer: such a compound
 * has no assignment row, yet it lay in a catchment (plan.c
 * fill_empty_homes), and this year it keeps that school where it may
 * (docs/output.md, "Catchments").  Only where the layer says the
 * compound had no pupils of the level and the rows named no school;
 * nothing for a file without such a layer (a table of rows).  0, or
 * CM_ENOMEM. */
static int homes_from_file(cm_previous *p, GDALDatasetH g, const cm_dataset *ds,
                           const cm__id *cidx, const cm__id *sidx)
{
	static const char *const school_f[CM_NLEVELS] = {"school_primary", "school_junior"};
	static const char *const count_f[CM_NLEVELS][CM_NGROUPS] = {
		{"primary_local", "primary_migrant"}, {"junior_local", "junior_migrant"}};
	const char *names[3];
	OGRLayerH lyr = GDALDatasetGetLayerByName(g, "compounds");
	OGRFeatureDefnH defn;
	OGRFeatureH f;
	int fc, fs[CM_NLEVELS], fn[CM_NLEVELS][CM_NGROUPS], lv, k, rc = 0;
	if (!lyr)
		return 0;
	defn = OGR_L_GetLayerDefn(lyr);
	if ((fc = cm__field_named(defn, cm__plan_field_names("compound_id", names))) < 0)
		return 0;
	for (lv = 0; lv < CM_NLEVELS; lv++) {
		fs[lv] = cm__field_named(defn, cm__plan_field_names(school_f[lv], names));
		for (k = 0; k < CM_NGROUPS; k++)
			fn[lv][k] = cm__field_named(defn, cm__plan_field_names(count_f[lv][k], names));
	}
	OGR_L_ResetReading(lyr);
	while (!rc && (f = OGR_L_GetNextFeature(lyr)) != NULL) {
		long ci = cm__ids_find(cidx, ds->n_compounds, OGR_F_GetFieldAsString(f, fc));
		for (lv = 0; ci >= 0 && lv < CM_NLEVELS && !rc; lv++) {
			const char *sid;
			if (fs[lv] < 0 || fn[lv][0] < 0 || fn[lv][1] < 0 ||
			    p->school[lv][ci] != CM_PREV_NONE || cm__previous_open(p, (cm_level)lv, (size_t)ci))
				continue;
			if (OGR_F_GetFieldAsInteger64(f, fn[lv][0]) != 0 ||
			    OGR_F_GetFieldAsInteger64(f, fn[lv][1]) != 0)
				continue; /* it had pupils: its rows say where they went */
			sid = OGR_F_GetFieldAsString(f, fs[lv]);
			if (*sid && set_school(p, ds, sidx, (cm_level)lv, (size_t)ci, sid, NULL))
				rc = CM_ENOMEM;
		}
		OGR_F_Destroy(f);
	}
	return rc;
}

/* What a plan that does not cover this year's data says: none of its
 * compounds in the data (new ids, or another county's plan), or more than
 * a quarter of either side without the other (ids renamed, a plan cut
 * short), or no rows at all: cm_previous_load's warning,
 * cm_previous_check's finding (*warn set).  A few compounds on either side
 * without the other (new estates, a compound renamed or split) are usual,
 * but each loses its place at last year's school without a word: a note
 * that names the first (*warn 0).
 * NULL when both sides match, or out of memory (*nomem set). */
static char *coverage(const cm_previous *p, const char *path, int *warn, int *nomem)
{
	char *msg = NULL;
	*nomem = 0;
	*warn = 1;
	if (p->rows <= 0)
		msg = cm__sprintf(_("%s: last year's plan has no rows (the wrong layer or sheet, or "
		                  "an export that kept none?): nothing holds this plan to it, and no "
		                  "pupil counts as moved"), path);
	else if (p->matched == 0)
		msg = cm__sprintf(_("%s: none of the compounds of last year's plan is in this year's "
		                  "data (%ld rows: new ids, or another county's plan?): no pupil counts "
		                  "as moved"), path, p->rows);
	else if (p->missing > 0 && ((p->with_pupils > 0 && 4 * p->missing > p->with_pupils) ||
	                            4 * (p->rows - p->matched) > p->rows))
		msg = cm__sprintf(_("%s: last year's plan covers this year's data poorly: %ld of this "
		                  "year's %ld compounds with pupils have no row in it (the first: %s), "
		                  "and %ld of its %ld rows name compounds the data does not have "
		                  "(ids renamed, or a plan cut short?): those compounds count as new, "
		                  "and none of their pupils as moved"), path, p->missing,
		                  p->with_pupils, p->first_missing ? p->first_missing : "-",
		                  p->rows - p->matched, p->rows);
	else if (4 * (p->rows - p->matched) > p->rows)
		msg = cm__sprintf(_("%s: last year's plan covers this year's data poorly: %ld of its %ld "
		                  "rows name compounds this year's data does not have (compounds "
		                  "removed, ids renamed, or another county's plan?)"), path,
		                  p->rows - p->matched, p->rows);
	else if (p->missing > 0) {
		*warn = 0;
		msg = cm__sprintf(_("%s: %ld of this year's compounds with pupils have no row in last "
		                  "year's plan (the first: %s), and %ld of its %ld rows name compounds "
		                  "the data does not have: a compound renamed keeps its place only "
		                  "under its old id; the others count as new, and none of their pupils "
		                  "as moved"), path, p->missing,
		                  p->first_missing ? p->first_missing : "-", p->rows - p->matched,
		                  p->rows);
	} else if (p->rows > p->matched) {
		*warn = 0;
		msg = cm__sprintf(_("%s: %ld of last year's plan's %ld rows name compounds this year's "
		                  "data does not have (removed, or renamed: a compound renamed keeps its "
		                  "place only under its old id)"), path, p->rows - p->matched, p->rows);
	} else
		return NULL;
	*nomem = msg == NULL;
	return msg;
}

/* Field `name` of last year's plan or table: by a plan's names for it
 * (the engine's, a shapefile's), else by the Chinese header catchment's
 * tables give it (the enrolment ranges, solve --ranges: 学段, 学校代码,
 * 小区代码, 户籍学生, 随迁子女), as a bureau keeps them; -1 if none. */
static int table_field(OGRFeatureDefnH defn, const char *name)
{
	/* (each row's names end in NULL: cm__field_named reads to it) */
	static const char *const zh[][4] = {
		{"compound_id", "小区代码", "小区编号", NULL}, {"level", "学段", NULL, NULL},
		{"school_id", "学校代码", "学校编号", NULL},   {"school_name", "学校名称", NULL, NULL},
		{"local", "户籍学生", NULL, NULL},             {"migrant", "随迁子女", NULL, NULL},
	};
	const char *names[3];
	int i = cm__field_named(defn, cm__plan_field_names(name, names));
	for (size_t k = 0; i < 0 && k < sizeof zh / sizeof *zh; k++)
		if (!strcmp(zh[k][0], name))
			i = cm__field_named(defn, zh[k] + 1);
	return i;
}

/* Opens the plan or table at `path`: a folder opens its assignment.geojson
 * when it has one (a GeoJSON plan), else as a dataset (shapefiles); a
 * PostGIS plan (`plan` set: cm__planfile_root knew it) or table its schema
 * (a schema that is not there, or no connection: the error set in ctx). */
static GDALDatasetH open_previous(cm_ctx *ctx, const char *path, int plan)
{
	struct stat st;
	GDALDatasetH g = NULL;
	if (cm__is_pg(path)) {
		char *shown = NULL;
		if (plan)
			cm__planfile_pg(ctx, path, &g, &shown);
		else
			cm__pg_schema(ctx, path, &g, &shown);
		free(shown);
		return g;
	}
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		char *geojson = cm__sprintf("%s/assignment.geojson", path);
		if (geojson && stat(geojson, &st) == 0)
			g = GDALOpenEx(geojson, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
		free(geojson);
		if (g)
			return g;
	}
	return GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
}

/* A file name, not a GDAL connection string (PG:..., CSV:..., /vsi...,
 * https://...): no "PREFIX:" before its first '/'. */
static int plain_path(const char *s)
{
	const char *colon = strchr(s, ':'), *slash = strchr(s, '/');
	return strncmp(s, "/vsi", 4) && (!colon || (slash && slash < colon));
}

int cm_previous_load(cm_ctx *ctx, const cm_config *cfg, const cm_dataset *ds, cm_previous **out)
{
	const char *source = cfg->previous.path;
	char *path = NULL; /* the source for messages: no password */
	char *found = NULL; /* the folder of a folder plan named with its extension */
	GDALDatasetH g;
	OGRLayerH lyr = NULL;
	OGRFeatureDefnH defn;
	OGRFeatureH f;
	cm_previous *p = NULL;
	cm__id *cidx = NULL, *sidx = NULL;
	int *best[CM_NLEVELS] = {NULL, NULL};
	unsigned char *named = NULL; /* by compound: a row of the file names it */
	int fc, fl, fs, fn, fk, flo, fm, rc = 0, lv, plan = 0, pg;
	const char *lname, *hint;

	*out = NULL;
	if (!source)
		return 0;
	if ((rc = cm__input_ok(ctx, source, "previous plan")))
		return rc;
	GDALAllRegister();
	if ((rc = check_plan(ctx, source, &plan)))
		return rc;
	if (plan && !cm__is_pg(source) && access(source, F_OK) != 0) {
		/* a folder plan named as solve was given it (last.csv: the
		 * folder last): read the folder */
		if (!(found = cm__planfile_root(source)))
			return cm__error(ctx, CM_ENOMEM, _("out of memory"));
		source = found;
	} else if (!plan && plain_path(source) && access(source, F_OK) != 0) {
		return cm__error(ctx, CM_EINPUT, _("%s: no such file or folder (previous_plan)"),
		                 source);
	}
	path = cm__source_shown(source);
	pg = cm__is_pg(source);
	/* a spreadsheet's first row is its header, also in a sheet of text
	 * alone (compound_id, level, school_id), where GDAL's XLSX driver would
	 * guess none and name the columns Field1..Field3; until the file is
	 * closed, as the driver reads a sheet when it is first used */
	CPLSetThreadLocalConfigOption("OGR_XLSX_HEADERS", "FORCE");
	CPLPushErrorHandler(CPLQuietErrorHandler);
	g = path ? open_previous(ctx, source, plan) : NULL;
	CPLPopErrorHandler();
	hint = !g && !pg ? cm__table_hint(source) : NULL; /* UTF-16, a .txt */
	free(found); /* (source is not read again) */
	if (!g)
		CPLSetThreadLocalConfigOption("OGR_XLSX_HEADERS", NULL);
	if (!path)
		return cm__error(ctx, CM_ENOMEM, _("out of memory"));
	if (!g && pg) {
		char msg[sizeof ctx->errmsg];
		snprintf(msg, sizeof msg, "%s", cm_ctx_last_error(ctx));
		rc = cm__error(ctx, CM_EINPUT, _("last year's plan (previous_plan): %s"), msg);
		free(path);
		return rc;
	}
	if (!g && hint) {
		rc = cm__error(ctx, CM_EIO, _("%s: cannot open last year's plan (previous_plan): %s"), path,
		               hint);
		free(path);
		return rc;
	}
	if (!g) {
		rc = cm__error(ctx, CM_EIO, _("%s: cannot open last year's plan (previous_plan)"), path);
		free(path);
		return rc;
	}
	if (cfg->previous.layer)
		lyr = GDALDatasetGetLayerByName(g, cfg->previous.layer);
	else if (!(lyr = GDALDatasetGetLayerByName(g, "assignment")) && GDALDatasetGetLayerCount(g) == 1)
		lyr = GDALDatasetGetLayer(g, 0);
	if (!lyr) {
		rc = cm__error(ctx, CM_EINPUT, _("%s: no layer %s in last year's plan%s"), path,
		               cfg->previous.layer ? cfg->previous.layer : "assignment",
		               cfg->previous.layer ? "" : _(" (set previous_plan_layer)"));
		goto done;
	}
	lname = OGR_L_GetName(lyr);
	defn = OGR_L_GetLayerDefn(lyr);
	fc = table_field(defn, "compound_id");
	fl = table_field(defn, "level");
	fs = table_field(defn, "school_id");
	fn = table_field(defn, "school_name");
	fk = table_field(defn, "seat_kind");
	flo = table_field(defn, "local");
	fm = table_field(defn, "migrant");
	if (fc < 0 || fl < 0 || fs < 0) {
		rc = cm__error(ctx, CM_EINPUT, _("%s, layer %s: last year's plan needs the fields "
		               "compound_id, level and school_id; field %s is missing"), path, lname,
		               fc < 0 ? "compound_id" : fl < 0 ? "level" : "school_id");
		goto done;
	}
	p = prev_new(ds->n_compounds);
	cidx = cm__ids_index(sizeof(cm_compound), ds->compounds, ds->n_compounds);
	sidx = cm__ids_index(sizeof(cm_school), ds->schools, ds->n_schools);
	for (lv = 0; lv < CM_NLEVELS; lv++)
		best[lv] = calloc(ds->n_compounds + 1, sizeof(int));
	named = calloc(ds->n_compounds + 1, 1);
	if (!p || !cidx || !sidx || !best[0] || !best[1] || !named) {
		rc = cm__error(ctx, CM_ENOMEM, _("out of memory"));
		goto done;
	}
	OGR_L_ResetReading(lyr);
	while (!rc && (f = OGR_L_GetNextFeature(lyr)) != NULL) {
		long fid = (long)OGR_F_GetFID(f), ci, nl = 0, nm = 0;
		/* copies: GDAL's text of a numeric field (a bureau's table typing
		 * its ids as numbers) lasts only until the feature's next field
		 * is read; without blanks around, as the layers' ids are read (a
		 * CSV typed by hand, "XQ0001, primary, XX001") */
		char *cid = cm__strtrim(OGR_F_GetFieldAsString(f, fc));
		char *sid = cm__strtrim(OGR_F_GetFieldAsString(f, fs));
		char *seat = cm__strtrim(fk >= 0 ? OGR_F_GetFieldAsString(f, fk) : "public");
		char *label = cid ? cm__feature_label(fid, cm__utf8_valid(cid) ? cid : NULL) : NULL;
		const char *bad = NULL; /* the first field whose text is not UTF-8 */
		cm_level level;
		int pupils = 1, counted = flo >= 0 || fm >= 0;
		if (cid && sid && seat)
			bad = !cm__utf8_valid(cid)                              ? "compound_id"
			      : !cm__utf8_valid(OGR_F_GetFieldAsString(f, fl)) ? "level"
			      : !cm__utf8_valid(sid)                             ? "school_id"
			      : !cm__utf8_valid(seat)                            ? "seat_kind"
			                                                         : NULL;
		if (!cid || !sid || !seat) {
			rc = cm__error(ctx, CM_ENOMEM, _("out of memory"));
		} else if (bad) {
			/* a table saved as GBK (Excel's CSV on a Chinese Windows):
			 * its bytes would make the message unreadable */
			rc = cm__error(ctx, CM_EINPUT, _("%s, layer %s, %s, field %s: the text is not UTF-8 "
			               "(a table saved as GBK? save it as UTF-8)"), path, lname,
			               label ? label : _("a feature"), bad);
		} else if (!*cid) {
			rc = cm__error(ctx, CM_EINPUT, _("%s, layer %s, %s, field %s: empty"), path, lname,
			               label ? label : _("a feature"),
			               OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, fc)));
		} else if (parse_level(OGR_F_GetFieldAsString(f, fl), &level)) {
			rc = cm__error(ctx, CM_EINPUT, _("%s, layer %s, %s, field level: '%s' is not primary "
			               "or junior"), path, lname, label ? label : _("a feature"),
			               OGR_F_GetFieldAsString(f, fl));
		} else if (!known_seat(seat)) {
			rc = cm__error(ctx, CM_EINPUT, _("%s, layer %s, %s, field seat_kind: '%s' is not "
			               "public, purchased, fee or unplaced"), path, lname,
			               label ? label : _("a feature"), seat);
		} else if ((rc = cm__planfile_count(ctx, path, lname, f, flo, cid, CM_MAX_COUNT, &nl)) ||
		           (rc = cm__planfile_count(ctx, path, lname, f, fm, cid, CM_MAX_COUNT, &nm))) {
			/* a count that is none: the message names it */
		} else if (p->rows++, (ci = cm__ids_find(cidx, ds->n_compounds, cid)) < 0) {
			/* a compound the data no longer has */
		} else if (p->matched++, named[ci] = 1, !strcmp(seat, "unplaced")) {
			if (counted && add_pair(p, level, (size_t)ci, -1, nl, nm))
				rc = cm__error(ctx, CM_ENOMEM, _("out of memory"));
		} else if (strcmp(seat, "public")) {
			/* private places: part of the compound's pupils, at no catchment school */
			if (counted && add_pair(p, level, (size_t)ci, -2, nl, nm))
				rc = cm__error(ctx, CM_ENOMEM, _("out of memory"));
		} else if (!*sid) {
			/* no school named */
		} else {
			long si = cm__ids_find(sidx, ds->n_schools, sid);
			if (!counted)
				nl = nm = ALL_PUPILS;
			else
				pupils = (int)(nl + nm);
			if (pupils > 0 && still_public(ds, si, level) &&
			    add_pair(p, level, (size_t)ci, si, nl, nm))
				rc = cm__error(ctx, CM_ENOMEM, _("out of memory"));
			if (rc) {
				/* out of memory */
			} else if (flo < 0 && fm < 0 && best[level][ci] > 0) {
				/* (the same row twice is no second school: named so) */
				const char *was = cm_previous_school_id(p, ds, level, (size_t)ci);
				if (was && !strcmp(was, sid))
					rc = cm__error(ctx, CM_EINPUT, _("%s, layer %s, %s, field %s: compound %s "
					               "is listed twice for %s (school %s) in last year's plan"),
					               path, lname, label ? label : _("a feature"),
					               OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, fs)), cid,
					               cm__level_label(level), sid);
				else
					rc = cm__error(ctx, CM_EINPUT, _("%s, layer %s, %s, field %s: compound %s "
					               "has two %s schools in last year's plan"), path, lname,
					               label ? label : _("a feature"),
					               OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, fs)), cid,
					               cm__level_label(level));
			} else if (pupils > best[level][ci] ||
			           (pupils == best[level][ci] && pupils > 0 &&
			            strcmp(sid, cm_previous_school_id(p, ds, level, (size_t)ci)) < 0)) {
				best[level][ci] = pupils;
				if (set_school(p, ds, sidx, level, (size_t)ci, sid,
				               fn >= 0 ? OGR_F_GetFieldAsString(f, fn) : NULL))
					rc = cm__error(ctx, CM_ENOMEM, _("out of memory"));
			}
		}
		free(label);
		free(cid);
		free(sid);
		free(seat);
		OGR_F_Destroy(f);
	}
	if (!rc && index_pairs(p))
		rc = cm__error(ctx, CM_ENOMEM, _("out of memory"));
	if (!rc) {
		/* this year's compounds with pupils that the file never named */
		size_t ci;
		for (ci = 0; ci < ds->n_compounds; ci++) {
			const cm_compound *c = &ds->compounds[ci];
			if (c->pupils[0][0] + c->pupils[0][1] + c->pupils[1][0] + c->pupils[1][1] <= 0)
				continue;
			p->with_pupils++;
			if (!named[ci] && p->missing++ == 0 && !(p->first_missing = cm__strdup(c->id)))
				rc = cm__error(ctx, CM_ENOMEM, _("out of memory"));
		}
	}
	if (!rc) {
		int nomem, warn;
		char *msg = coverage(p, path, &warn, &nomem);
		if (msg || nomem)
			cm__log(ctx, nomem || warn ? CM_LOG_WARN : CM_LOG_INFO, "%s",
			        msg ? msg : _("out of memory"));
		free(msg);
	}
	if (!rc && homes_from_file(p, g, ds, cidx, sidx))
		rc = cm__error(ctx, CM_ENOMEM, _("out of memory"));
	if (!rc && colours_from_file(p, g, ds, sidx))
		rc = cm__error(ctx, CM_ENOMEM, _("out of memory"));
done:
	free(cidx);
	free(sidx);
	free(best[0]);
	free(best[1]);
	free(named);
	free(path);
	GDALClose(g);
	CPLSetThreadLocalConfigOption("OGR_XLSX_HEADERS", NULL);
	if (rc) {
		cm_previous_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

static int cmp_id(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The schools last year's plan names that this year's data does not have
 * (closed since, or a typo in a bureau's table): a note of the check, the
 * first few (by id) named, as their compounds must move.  Returns -1 out of
 * memory. */
static int gone_note(const cm_previous *p, cm_dataset *ds)
{
	const char **ids = malloc((2 * p->n_compounds + 1) * sizeof *ids);
	size_t i, n = 0, distinct = 0;
	char list[512] = "";
	int lv, rc = 0;
	if (!ids)
		return -1;
	for (lv = 0; lv < CM_NLEVELS; lv++)
		for (i = 0; i < p->n_compounds; i++)
			if (p->gone[lv][i])
				ids[n++] = p->gone[lv][i];
	qsort(ids, n, sizeof *ids, cmp_id);
	for (i = 0; i < n; i++)
		if (i == 0 || strcmp(ids[i], ids[i - 1])) {
			if (distinct++ < 5)
				snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
				         distinct > 1 ? ", " : "", ids[i]);
		}
	if (distinct)
		rc = cm__diag(ds, CM_NOTE, "gone-schools", NULL, NULL, NULL, NULL,
		              _("last year's plan names schools that this year's data does not have "
		                "or that no longer offer public places of the level (%zu: %s%s): their "
		                "compounds move by force; if one is a typo in the table, correct it"),
		              distinct, list, distinct > 5 ? ", ..." : "")
		             ? -1 : 0;
	free(ids);
	return rc;
}

int cm_previous_check(cm_ctx *ctx, const cm_config *cfg, cm_dataset *ds, cm_check_report *rep)
{
	cm_previous *prev = NULL;
	cm_ctx quiet; /* its warning becomes the finding below, not a line too */
	int rc, nomem = 0, warn = 1;
	char *msg = NULL;
	cm__ctx_quiet(ctx, &quiet);
	rc = cm_previous_load(&quiet, cfg, ds, &prev);
	if (rc)
		cm__error_of(ctx, rc, &quiet);
	if (!rc && prev) {
		char *shown = cm__source_shown(cfg->previous.path); /* no password */
		int lost = 0;
		msg = shown ? coverage(prev, shown, &warn, &lost) : NULL;
		nomem = !shown || lost || gone_note(prev, ds);
		free(shown);
	}
	cm_previous_free(prev);
	if (msg) {
		/* not an error (ids may change), but the moves it reports would
		 * miss those compounds: a finding the report shows */
		if (cm__diag(ds, warn ? CM_WARNING : CM_NOTE, "previous-plan", NULL, NULL, NULL, NULL,
		             "%s", msg))
			nomem = 1;
		free(msg);
		if (nomem)
			return cm__error(ctx, CM_ENOMEM, _("out of memory"));
		rep->warnings = cm_dataset_count(ds, CM_WARNING);
		return 0;
	}
	if (nomem)
		return cm__error(ctx, CM_ENOMEM, _("out of memory"));
	if (!rc || rc == CM_ENOMEM)
		return rc;
	/* a plan that cannot be read, or holds what no plan may: the data's
	 * finding, as the solve would stop on it */
	if (cm__diag(ds, CM_ERR, "previous-plan", NULL, NULL, NULL, NULL, "%s",
	             cm_ctx_last_error(ctx)))
		return cm__error(ctx, CM_ENOMEM, _("out of memory"));
	rep->errors = cm_dataset_count(ds, CM_ERR);
	rep->solvable = 0;
	return 0;
}
