/*
 * check.c: can this data be solved, and what should a planner look at first?
 *
 * Runs after reading: the reader has already flagged what it could see in
 * one feature (types, encodings, geometry, negative seats and classes);
 * this module looks across features and against the policy: duplicate
 * ids, negative pupils and purchased places, purchased places beyond
 * seats, schools far from every compound, compounds with no school in
 * reach, and the balance of pupils and seats by level.  Each
 * [scenario NAME] is applied once and its data checked as the solve will
 * check it, so that one a solve would stop on (an unknown id, a count past
 * the limits, a bad added layer, an error in the scenario's data) is an
 * error here.  A scenario that closes every school is a shortfall: a
 * warning, and the scenario is solved with every pupil without a place.
 *
 * Errors make the data unsolvable; warnings are worth reading but a plan can
 * still be made (a seat shortfall is a result, not a failure).
 */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *field_label(const cm_dataset *ds, cm_layer_kind layer, cm_field f)
{
	return ds->field_name[layer][f] ? ds->field_name[layer][f] : cm_field_name(f);
}

/* A diagnostic about one feature of a layer. */
static int diag_feature(cm_dataset *ds, const cm_config *cfg, cm_layer_kind layer,
                        cm_severity sev, const char *kind, long fid, const char *id,
                        const char *field, const char *fmt, ...) CM_PRINTF(9, 10);
static int diag_feature(cm_dataset *ds, const cm_config *cfg, cm_layer_kind layer,
                        cm_severity sev, const char *kind, long fid, const char *id,
                        const char *field, const char *fmt, ...)
{
	va_list ap;
	char *msg, *label = cm__feature_label(fid, id);
	int rc;
	va_start(ap, fmt);
	msg = cm__vsprintf(fmt, ap);
	va_end(ap);
	rc = cm__diag(ds, sev, kind, cfg->input[layer].path, ds->layer_name[layer], label, field,
	              "%s", msg ? msg : "");
	free(msg);
	free(label);
	return rc;
}

#define diag_school(ds, cfg, sev, kind, s, field, ...) \
	diag_feature(ds, cfg, CM_SCHOOLS, sev, kind, (s)->fid, (s)->id, field, __VA_ARGS__)
#define diag_compound(ds, cfg, sev, kind, c, field, ...) \
	diag_feature(ds, cfg, CM_COMPOUNDS, sev, kind, (c)->fid, (c)->id, field, __VA_ARGS__)

/* ------------------------------------------------------------ duplicates */

typedef struct id_ref {
	const char *id;
	long fid;
} id_ref;

static int cmp_id(const void *a, const void *b)
{
	const id_ref *x = a, *y = b;
	int c = strcmp(x->id, y->id);
	return c ? c : (x->fid > y->fid) - (x->fid < y->fid);
}

static int check_duplicates(cm_ctx *ctx, cm_dataset *ds, const cm_config *cfg,
                            cm_layer_kind layer)
{
	size_t n = layer == CM_SCHOOLS ? ds->n_schools : ds->n_compounds, i, j;
	id_ref *refs = malloc((n ? n : 1) * sizeof *refs);
	if (!refs)
		return cm__error(ctx, CM_ENOMEM, _("out of memory"));
	for (i = 0; i < n; i++) {
		refs[i].id = layer == CM_SCHOOLS ? ds->schools[i].id : ds->compounds[i].id;
		refs[i].fid = layer == CM_SCHOOLS ? ds->schools[i].fid : ds->compounds[i].fid;
	}
	qsort(refs, n, sizeof *refs, cmp_id);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && !strcmp(refs[i].id, refs[j].id); j++)
			diag_feature(ds, cfg, layer, CM_ERR, "duplicate-id", refs[j].fid, refs[j].id,
			             field_label(ds, layer, CM_F_ID), _("id %s is already used by feature %ld"),
			             refs[i].id, refs[i].fid);
	}
	free(refs);
	return 0;
}

/* Compounds of one name (高山町 is five villages of one city): not wrong,
 * but lists that show names alone (a notice, the report's ranges) cannot
 * tell them apart, so the planner hears of them here; the report shows
 * their ids beside the names.  A warning per later compound, naming the
 * first (by feature), as duplicate ids are named. */
static int check_duplicate_names(cm_ctx *ctx, cm_dataset *ds, const cm_config *cfg)
{
	size_t n = ds->n_compounds, i, j, k = 0;
	id_ref *refs = malloc((n ? n : 1) * sizeof *refs);
	if (!refs)
		return cm__error(ctx, CM_ENOMEM, _("out of memory"));
	for (i = 0; i < n; i++)
		if (ds->compounds[i].name && ds->compounds[i].name[0]) {
			refs[k].id = ds->compounds[i].name;
			refs[k++].fid = (long)i; /* the compound's index, for its id and feature */
		}
	qsort(refs, k, sizeof *refs, cmp_id);
	for (i = 0; i < k; i = j) {
		const cm_compound *first = &ds->compounds[refs[i].fid];
		for (j = i + 1; j < k && !strcmp(refs[i].id, refs[j].id); j++)
			diag_compound(ds, cfg, CM_WARNING, "duplicate-name", &ds->compounds[refs[j].fid],
			              field_label(ds, CM_COMPOUNDS, CM_F_NAME),
			              _("name %s is also compound %s's (feature %ld): a list of "
			              "names alone cannot tell them apart (the report's ranges show "
			              "the id beside such a name)"),
			              refs[i].id, first->id, first->fid);
	}
	free(refs);
	return 0;
}

/* ------------------------------------------------------------ values */

static void check_school_values(cm_dataset *ds, const cm_config *cfg, const cm_school *s)
{
	static const cm_field seats_f[2] = {CM_F_SEATS_PRIMARY, CM_F_SEATS_JUNIOR};
	static const cm_field classes_f[2] = {CM_F_CLASSES_PRIMARY, CM_F_CLASSES_JUNIOR};
	static const cm_field purchased_f[2] = {CM_F_PURCHASED_PRIMARY, CM_F_PURCHASED_JUNIOR};
	int lv;
	for (lv = 0; lv < CM_NLEVELS; lv++) {
		const char *lname = cm__level_label((cm_level)lv);
		/* the seats' field, else the classes' they were counted from,
		 * else (a layer that gives neither) the engine's seats field */
		const char *sf = ds->field_name[CM_SCHOOLS][seats_f[lv]]
		                         ? ds->field_name[CM_SCHOOLS][seats_f[lv]]
		                 : ds->field_name[CM_SCHOOLS][classes_f[lv]]
		                         ? ds->field_name[CM_SCHOOLS][classes_f[lv]]
		                         : cm_field_name(seats_f[lv]);
		const char *pf = field_label(ds, CM_SCHOOLS, purchased_f[lv]);
		/* negative seats or classes: the reader said so, naming the
		 * cell they came from (read_school) */
		if (s->purchased[lv] < 0)
			diag_school(ds, cfg, CM_ERR, "negative-value", s, pf,
			            _("negative purchased %s places (%d)"), lname, s->purchased[lv]);
		if (s->purchased[lv] > s->seats[lv] && s->seats[lv] >= 0)
			diag_school(ds, cfg, CM_ERR, "bad-value", s, pf,
			            _("%d purchased %s places but only %d seats"), s->purchased[lv], lname,
			            s->seats[lv]);
		if (s->purchased[lv] > 0 && s->sector == CM_PUBLIC)
			diag_school(ds, cfg, CM_WARNING, "purchased-public", s, pf,
			            _("a public school with purchased places: they count as public seats"));
		if (!cm_school_teaches(s, (cm_level)lv) && s->seats[lv] > 0)
			diag_school(ds, cfg, CM_WARNING, "seats-level", s, sf,
			            _("%d %s seats, but the school is %s: they are not used"), s->seats[lv],
			            lname, cm_school_kind_name(s->kind));
		if (cm_school_teaches(s, (cm_level)lv) && s->seats[lv] == 0)
			diag_school(ds, cfg, CM_WARNING, "no-seats", s, sf,
			            _("teaches %s but has no %s seats"), lname, lname);
	}
	/* one column for both levels' seats (a layout for schools of one
	 * level, read.c) gives a nine-year school its seats twice */
	if (s->kind == CM_KIND_NINE_YEAR && s->seats[CM_PRIMARY] > 0 &&
	    ds->field_name[CM_SCHOOLS][CM_F_SEATS_PRIMARY] &&
	    ds->field_name[CM_SCHOOLS][CM_F_SEATS_JUNIOR] &&
	    !strcmp(ds->field_name[CM_SCHOOLS][CM_F_SEATS_PRIMARY],
	            ds->field_name[CM_SCHOOLS][CM_F_SEATS_JUNIOR]))
		diag_school(ds, cfg, CM_WARNING, "seats-level", s,
		            ds->field_name[CM_SCHOOLS][CM_F_SEATS_PRIMARY],
		            _("a nine-year school whose primary and junior seats are both read from "
		            "this field: its %d seats are counted at each level; give each level its "
		            "own field in [fields]"), s->seats[CM_PRIMARY]);
}

static void check_compound_values(cm_dataset *ds, const cm_config *cfg, const cm_compound *c)
{
	int k;
	for (k = 0; k < 4; k++) {
		int v = c->pupils[k / 2][k % 2];
		cm_field f = (cm_field)(CM_F_PRIMARY_LOCAL + k);
		if (v < 0)
			diag_compound(ds, cfg, CM_ERR, "negative-value", c,
			              field_label(ds, CM_COMPOUNDS, f), _("negative %s (%d)"),
			              cm_field_name(f), v);
	}
}

int cm__check_added(cm_ctx *ctx, const cm_config *cfg, const cm_input *in, cm_layer_kind kind,
                    cm_dataset *x)
{
	cm_config view = *cfg; /* the findings name the added layer's file */
	size_t i;
	int rc;
	view.input[kind] = *in;
	if ((rc = check_duplicates(ctx, x, &view, kind)))
		return rc;
	for (i = 0; kind == CM_SCHOOLS && i < x->n_schools; i++)
		check_school_values(x, &view, &x->schools[i]);
	for (i = 0; kind == CM_COMPOUNDS && i < x->n_compounds; i++)
		check_compound_values(x, &view, &x->compounds[i]);
	return 0;
}

/* ------------------------------------------------------------ geography */

int cm__serves(const cm_school *s, cm_level level, int group)
{
	if (!cm_school_teaches(s, level) || s->seats[level] <= 0)
		return 0;
	return s->sector == CM_PUBLIC || group == CM_MIGRANT;
}

int cm__near_counts(const cm_compound *c, const cm_school *s)
{
	return c->area != CM_RURAL && s->sector == CM_PUBLIC && !s->boarding;
}

static void check_reach(cm_dataset *ds, const cm_config *cfg, cm_check_report *rep)
{
	size_t i, j;
	int lv, g;
	const cm__pairs *pairs = ds->pairs; /* the dataset's own: cm_check checks loaded data */
	for (i = 0; i < ds->n_compounds; i++) {
		const cm_compound *c = &ds->compounds[i];
		int too_far = 0;
		for (lv = 0; lv < CM_NLEVELS; lv++) {
			int unreached[CM_NGROUPS] = {0, 0};
			double best = HUGE_VAL;
			const cm_school *nearest = NULL;
			for (g = 0; g < CM_NGROUPS; g++) {
				int reached = 0;
				if (c->pupils[lv][g] <= 0)
					continue;
				for (j = 0; j < ds->n_schools && !reached; j++) {
					const cm_school *s = &ds->schools[j];
					double d;
					if (!cm__serves(s, (cm_level)lv, g))
						continue;
					d = cm__pair_distance(ds, pairs, i, j);
					reached = isfinite(d) && d <= cm__reach(cfg, s, (cm_level)lv);
					if (d < best) {
						best = d;
						nearest = s;
					}
				}
				if (!reached)
					unreached[g] = c->pupils[lv][g];
			}
			if (!unreached[CM_LOCAL] && !unreached[CM_MIGRANT])
				continue;
			if (nearest && !pairs && best > CM_MAX_TRIP_M) {
				/* (0,0) is a common placeholder for "no coordinates";
				 * one finding for the compound, not one per level */
				if (too_far)
					continue;
				too_far = 1;
				diag_compound(ds, cfg, CM_ERR, "too-far", c, NULL,
				              _("%s: the nearest school that could take its pupils, %s (%s), "
				              "is %.0f km away, more than the %.0f km any trip may be: are its "
				              "coordinates right?"), cm__level_label((cm_level)lv),
				              nearest->name, nearest->id, best / 1000, CM_MAX_TRIP_M / 1000);
				continue;
			}
			rep->level[lv].no_eligible++;
			rep->level[lv].no_eligible_pupils += unreached[CM_LOCAL] + unreached[CM_MIGRANT];
			if (nearest)
				diag_compound(ds, cfg, CM_WARNING, "no-eligible-school", c, NULL,
				              _("%s: %d local and %d migrant pupils have no school in reach; "
				              "the nearest that could take them, %s (%s), is %.1f km away%s"),
				              cm__level_label((cm_level)lv), unreached[CM_LOCAL],
				              unreached[CM_MIGRANT], nearest->name, nearest->id, best / 1000,
				              pairs ? (cfg->roads.path ? _(" by road") : _(" by the distance table"))
				                    : "");
			else if (pairs && cfg->roads.path)
				diag_compound(ds, cfg, CM_WARNING, "no-eligible-school", c, NULL,
				              _("%s: %d local and %d migrant pupils: no school that offers them "
				              "seats can be reached by road within its reach"),
				              cm__level_label((cm_level)lv), unreached[CM_LOCAL],
				              unreached[CM_MIGRANT]);
			else if (pairs)
				diag_compound(ds, cfg, CM_WARNING, "no-eligible-school", c, NULL,
				              _("%s: %d local and %d migrant pupils: the distance table gives no "
				              "school that offers them seats"), cm__level_label((cm_level)lv),
				              unreached[CM_LOCAL], unreached[CM_MIGRANT]);
			else
				diag_compound(ds, cfg, CM_WARNING, "no-eligible-school", c, NULL,
				              _("%s: %d local and %d migrant pupils: no school offers them seats"),
				              cm__level_label((cm_level)lv), unreached[CM_LOCAL],
				              unreached[CM_MIGRANT]);
		}
	}
}

/* The compounds' extent (minx, miny, maxx, maxy; empty without compounds),
 * and metres from school s to it (0 inside; +inf when it is empty). */
static void compound_extent(const cm_dataset *ds, double box[4])
{
	size_t i;
	box[0] = box[1] = HUGE_VAL;
	box[2] = box[3] = -HUGE_VAL;
	for (i = 0; i < ds->n_compounds; i++) {
		box[0] = fmin(box[0], ds->compounds[i].x);
		box[1] = fmin(box[1], ds->compounds[i].y);
		box[2] = fmax(box[2], ds->compounds[i].x);
		box[3] = fmax(box[3], ds->compounds[i].y);
	}
}

static double outside_extent(const double box[4], const cm_school *s)
{
	if (box[0] > box[2])
		return HUGE_VAL;
	return hypot(fmax(0, fmax(box[0] - s->x, s->x - box[2])),
	             fmax(0, fmax(box[1] - s->y, s->y - box[3])));
}

static int cmp_school_x(const void *a, const void *b)
{
	const cm_school *x = *(const cm_school *const *)a, *y = *(const cm_school *const *)b;
	return (x->x > y->x) - (x->x < y->x);
}

/* Two schools at one point (within a metre): a school listed twice under
 * two ids, or coordinates copied from one place (a town's centre, the
 * bureau's address) for both.  Each takes the same compounds at the same
 * distance, so the plan cannot tell them apart: a warning, naming both.
 * A sweep along x: the pairs within a metre in x, then in y. */
static int check_coincident_schools(cm_ctx *ctx, cm_dataset *ds, const cm_config *cfg)
{
	size_t n = ds->n_schools, i, j;
	const cm_school **by = malloc((n ? n : 1) * sizeof *by);
	if (!by)
		return cm__error(ctx, CM_ENOMEM, _("out of memory"));
	for (i = 0; i < n; i++)
		by[i] = &ds->schools[i];
	qsort(by, n, sizeof *by, cmp_school_x);
	/* for each school listed later, its first partner listed earlier: one
	 * warning a school, however many share the place (2,000 schools at one
	 * point gave two million pairs, a review found); a primary school and
	 * a junior one on one campus teach no level in common and are no
	 * such pair */
	const cm_school **first = calloc(n ? n : 1, sizeof *first);
	if (!first) {
		free(by);
		return cm__error(ctx, CM_ENOMEM, _("out of memory"));
	}
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n && by[j]->x - by[i]->x <= 1.0; j++) {
			const cm_school *a = by[i] < by[j] ? by[i] : by[j], *b = by[i] < by[j] ? by[j] : by[i];
			size_t bi = (size_t)(b - ds->schools);
			int lv, common = 0;
			for (lv = 0; lv < CM_NLEVELS; lv++)
				common |= cm_school_teaches(a, (cm_level)lv) && cm_school_teaches(b, (cm_level)lv);
			if (common && hypot(b->x - a->x, b->y - a->y) <= 1.0 && (!first[bi] || a < first[bi]))
				first[bi] = a;
		}
	/* the one listed later is named, the first listed of its partners in
	 * its message */
	for (i = 0; i < n; i++)
		if (first[i]) {
			const cm_school *a = first[i], *b = &ds->schools[i];
			diag_school(ds, cfg, CM_WARNING, "same-place", b, NULL,
			            _("at the same place as school %s (feature %ld, %s), %.1f m "
			              "away: a school listed twice, or coordinates copied from one "
			              "place? The plan cannot tell them apart"),
			            a->id, a->fid, a->name, hypot(b->x - a->x, b->y - a->y));
		}
	free(first);
	free(by);
	return 0;
}

static void check_far_schools(cm_dataset *ds, const cm_config *cfg)
{
	double box[4];
	size_t i;
	if (!ds->n_compounds)
		return;
	compound_extent(ds, box);
	for (i = 0; i < ds->n_schools; i++) {
		const cm_school *s = &ds->schools[i];
		double d = outside_extent(box, s);
		if (d > cfg->policy.far_school_m)
			diag_school(ds, cfg, CM_WARNING, "far-school", s, NULL,
			            _("%.1f km outside the compounds' extent (lon %.5f, lat %.5f): wrong "
			            "coordinates or CRS?"), d / 1000, s->lon, s->lat);
	}
}

/* A school with seats at a level that no compound with pupils it could
 * take reaches (by road: its nearest road too far, or across a river; a
 * scenario's school placed where nobody lives): its seats stay empty and
 * nothing else says so.  A school far outside the compounds' extent is
 * check_far_schools' finding, not this one's too. */
static void check_unreached_schools(cm_dataset *ds, const cm_config *cfg)
{
	const cm__pairs *pairs = ds->pairs;
	long pupils[CM_NLEVELS] = {0, 0};
	double box[4];
	size_t i, j;
	int lv, g;
	compound_extent(ds, box);
	for (i = 0; i < ds->n_compounds; i++)
		for (lv = 0; lv < CM_NLEVELS; lv++)
			pupils[lv] += ds->compounds[i].pupils[lv][CM_LOCAL] +
			              ds->compounds[i].pupils[lv][CM_MIGRANT];
	for (j = 0; j < ds->n_schools; j++) {
		const cm_school *s = &ds->schools[j];
		if (outside_extent(box, s) > cfg->policy.far_school_m)
			continue;
		for (lv = 0; lv < CM_NLEVELS; lv++) {
			double reach = cm__reach(cfg, s, (cm_level)lv);
			int reached = 0;
			if (!cm_school_teaches(s, (cm_level)lv) || s->seats[lv] <= 0 || pupils[lv] <= 0)
				continue;
			for (i = 0; i < ds->n_compounds && !reached; i++) {
				const cm_compound *c = &ds->compounds[i];
				double d;
				for (g = 0; g < CM_NGROUPS && !reached; g++)
					reached = c->pupils[lv][g] > 0 && cm__serves(s, (cm_level)lv, g);
				if (!reached)
					continue;
				d = cm__pair_distance(ds, pairs, i, j);
				reached = isfinite(d) && d <= reach;
			}
			if (!reached) {
				char within[64];
				double limit = s->boarding ? cfg->policy.max_distance_boarding_m
				                           : cfg->policy.max_distance_m[lv];
				if (limit > 0)
					snprintf(within, sizeof within, "%.1f km%s", reach / 1000,
					         !pairs ? "" : cfg->roads.path ? _(" by road")
					                                       : _(" by the distance table"));
				else
					snprintf(within, sizeof within, "%s", _("no limit"));
				diag_school(ds, cfg, CM_WARNING, "unreached-school", s, NULL,
				            _("%s: no compound with pupils it could take%s is within its reach "
				              "(%s): its %d seats would stay empty; %s"),
				            cm__level_label((cm_level)lv),
				            s->sector == CM_PRIVATE ? _(" (migrants: it is private)") : "",
				            within, s->seats[lv],
				            !pairs ? _("are its coordinates right?")
				            : cfg->roads.path ? _("is it far from every road ([roads] snap_m), "
				                                  "or are its coordinates wrong?")
				                              : _("does the distance table give it rows?"));
			}
		}
	}
}

/* The boundary the catchments are clipped to should hold the data: one
 * that holds no compound is the wrong layer, file or CRS (every catchment
 * would be empty and the map blank), and a compound or school outside it
 * loses its part of the catchment map. */
static int check_boundary(cm_dataset *ds, const cm_config *cfg)
{
	size_t n = ds->n_compounds > ds->n_schools ? ds->n_compounds : ds->n_schools;
	size_t i, out = 0, first = 0, shown = 0;
	double *x, *y, first_m;
	unsigned char *o;
	long pupils = 0;
	char ids[160] = "";
	int rc = 0;
	if (!ds->boundary || !ds->n_compounds)
		return 0;
	x = malloc(n * sizeof *x);
	y = malloc(n * sizeof *y);
	o = malloc(n);
	if (!x || !y || !o) {
		rc = CM_ENOMEM;
		goto done;
	}
	for (i = 0; i < ds->n_compounds; i++) {
		x[i] = ds->compounds[i].x;
		y[i] = ds->compounds[i].y;
	}
	if ((rc = cm__outside_boundary(ds, x, y, ds->n_compounds, o, &first_m)))
		goto done;
	for (i = 0; i < ds->n_compounds; i++) {
		const cm_compound *c = &ds->compounds[i];
		size_t len = strlen(ids);
		if (!o[i])
			continue;
		if (!out++)
			first = i;
		for (int lv = 0; lv < CM_NLEVELS; lv++)
			pupils += c->pupils[lv][CM_LOCAL] + c->pupils[lv][CM_MIGRANT];
		if (shown < 3 && len + strlen(c->id) + 3 < sizeof ids) {
			snprintf(ids + len, sizeof ids - len, "%s%s", shown ? ", " : "", c->id);
			shown++;
		}
	}
	if (out == ds->n_compounds)
		cm__diag(ds, CM_ERR, "outside-boundary", cfg->boundary.path, cfg->boundary.layer, NULL,
		         NULL, _("none of the %zu compounds lies within the boundary (compound %s is "
		         "%.1f km outside it): a wrong boundary layer, file or CRS? Every catchment "
		         "would be empty"), ds->n_compounds, ds->compounds[first].id, first_m / 1000);
	else if (out)
		cm__diag(ds, CM_WARNING, "outside-boundary", cfg->boundary.path, cfg->boundary.layer,
		         NULL, NULL, _("%zu of %zu compounds (%ld pupils) lie outside the boundary "
		         "(%s%s): they are planned, but their part of the catchment map is clipped "
		         "away"), out, ds->n_compounds, pupils, ids, out > shown ? ", ..." : "");
	for (i = 0; i < ds->n_schools; i++) {
		x[i] = ds->schools[i].x;
		y[i] = ds->schools[i].y;
	}
	if (out < ds->n_compounds && !(rc = cm__outside_boundary(ds, x, y, ds->n_schools, o, NULL)))
		for (i = 0; i < ds->n_schools; i++)
			if (o[i])
				diag_school(ds, cfg, CM_WARNING, "outside-boundary", &ds->schools[i], NULL,
				            _("outside the boundary: its catchment is clipped to the "
				            "boundary and may not reach the school on the map"));
done:
	free(x);
	free(y);
	free(o);
	return rc;
}

/* ------------------------------------------------------------ balance */

static void tally(cm_dataset *ds, const cm_config *cfg, cm_check_report *rep)
{
	size_t i;
	int lv, g;
	for (i = 0; i < ds->n_schools; i++) {
		const cm_school *s = &ds->schools[i];
		rep->schools_by[s->kind][s->sector]++;
		/* a nine-year school whose cap is below its two levels' seats:
		 * primary is planned first (docs/model.md), so junior gets what
		 * primary leaves of the cap, and its pupils may go without a place
		 * where primary pupils had another school (a review's case: 1,300
		 * of 1,800) */
		if (cfg->policy.enforce_school_size && s->kind == CM_KIND_NINE_YEAR &&
		    s->seats[CM_PRIMARY] > 0 && s->seats[CM_JUNIOR] > 0 &&
		    (long)s->seats[CM_PRIMARY] + s->seats[CM_JUNIOR] >
		            (long)cfg->policy.max_school_size_nine_year)
			diag_school(ds, cfg, CM_WARNING, "shared-cap", s, NULL,
			            _("%d primary and %d junior seats under a school-size cap of %d "
			            "(enforce_school_size): primary is planned first, and junior gets "
			            "what its primary pupils leave of the cap"),
			            s->seats[CM_PRIMARY], s->seats[CM_JUNIOR],
			            cfg->policy.max_school_size_nine_year);
		rep->boarding += (size_t)s->boarding;
		for (lv = 0; lv < CM_NLEVELS; lv++) {
			if (!cm_school_teaches(s, (cm_level)lv))
				continue;
			rep->level[lv].schools++;
			if (s->seats[lv] > 0)
				rep->level[lv].seats[s->sector] += s->seats[lv];
			if (s->sector == CM_PRIVATE && s->purchased[lv] > 0)
				rep->level[lv].purchased += s->purchased[lv];
		}
	}
	for (i = 0; i < ds->n_compounds; i++) {
		const cm_compound *c = &ds->compounds[i];
		rep->compounds_by_area[c->area]++;
		if (c->area_m2 > 0)
			rep->compound_polygons++;
		else
			rep->compound_points++;
		for (lv = 0; lv < CM_NLEVELS; lv++)
			for (g = 0; g < CM_NGROUPS; g++)
				if (c->pupils[lv][g] > 0)
					rep->level[lv].pupils[g] += c->pupils[lv][g];
	}
	for (lv = 0; lv < CM_NLEVELS; lv++) {
		cm_level_stats *st = &rep->level[lv];
		long spare = st->seats[CM_PUBLIC] - st->pupils[CM_LOCAL];
		long pupils = st->pupils[CM_LOCAL] + st->pupils[CM_MIGRANT];
		long seats = st->seats[CM_PUBLIC] + st->seats[CM_PRIVATE];
		const char *lname = cm__level_label((cm_level)lv);
		st->migrant_places = (spare > 0 ? spare : 0) + st->purchased;
		if (pupils > 0 && seats == 0)
			cm__diag(ds, CM_WARNING, "no-seats", NULL, NULL, NULL, NULL,
			         _("%ld %s pupils and no %s seats at all: every one will be unplaced"),
			         pupils, lname, lname);
		else if (pupils > seats)
			cm__diag(ds, CM_WARNING, "seat-shortfall", NULL, NULL, NULL, NULL,
			         _("%s: %ld pupils for %ld seats, at least %ld short county-wide"), lname,
			         pupils, seats, pupils - seats);
		if (spare < 0)
			cm__diag(ds, CM_WARNING, "seat-shortfall", NULL, NULL, NULL, NULL,
			         _("%s: %ld local pupils for %ld public seats: %ld locals cannot get a "
			         "public place"), lname, st->pupils[CM_LOCAL], st->seats[CM_PUBLIC], -spare);
		if (st->pupils[CM_MIGRANT] > 0 &&
		    (double)st->migrant_places <
		            cfg->policy.migrant_public_share * (double)st->pupils[CM_MIGRANT])
			cm__diag(ds, CM_WARNING, "migrant-quota", NULL, NULL, NULL, NULL,
			         _("%s: at most %.1f%% of migrant children can have public or purchased "
			         "places (%ld places left after locals, %ld migrants); the policy asks "
			         "%.0f%%"), lname,
			         100.0 * (double)st->migrant_places / (double)st->pupils[CM_MIGRANT],
			         st->migrant_places, st->pupils[CM_MIGRANT],
			         100 * cfg->policy.migrant_public_share);
	}
}

/* The pupils of both levels and groups a check counted. */
static long all_pupils(const cm_check_report *rep)
{
	long n = 0;
	for (int lv = 0; lv < CM_NLEVELS; lv++)
		n += rep->level[lv].pupils[CM_LOCAL] + rep->level[lv].pupils[CM_MIGRANT];
	return n;
}

/* A scenario that closes every school and opens none (data made by
 * cm_scenario_data; loaded data without schools is an error): every pupil
 * is without a place, a shortfall the plan shows, not bad data
 * (docs/design.md).  Said as a finding and, when `loud`, on the log too:
 * the command shows a solvable scenario's findings nowhere, and the
 * scenario is then solved. */
static int no_schools(cm_ctx *ctx, const cm_config *cfg, cm_dataset *ds,
                      const cm_check_report *rep, int loud)
{
	long pupils = all_pupils(rep);
	int rc;
	char *msg;
	msg = cm__sprintf(_("%s: [scenario %s] close: every school is closed and none is opened: "
	                  "all %ld pupils are without a place"), cfg->file ? cfg->file : "",
	                  cfg->name ? cfg->name : "", pupils);
	if (!msg)
		return CM_ENOMEM;
	rc = cm__diag(ds, CM_WARNING, "no-schools", NULL, NULL, NULL, NULL, "%s", msg);
	if (loud)
		cm__log(ctx, CM_LOG_WARN, "%s", msg);
	free(msg);
	return rc;
}

static int str_same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* 1 when one of the first `n` diagnostics of `ds` is `d`, word for word. */
static int has_diag(const cm_dataset *ds, size_t n, const cm_diag *d)
{
	size_t i;
	for (i = 0; i < n; i++) {
		const cm_diag *e = &((const cm_diag *)ds->diags.data)[i];
		if (e->severity == d->severity && !strcmp(e->kind, d->kind) &&
		    str_same(e->file, d->file) && str_same(e->layer, d->layer) &&
		    str_same(e->feature, d->feature) && str_same(e->field, d->field) &&
		    str_same(e->message, d->message))
			return 1;
	}
	return 0;
}

static int run_check(cm_ctx *ctx, const cm_config *cfg, cm_dataset *ds, cm_check_report *out,
                     int inner);

/* A scenario's no-eligible-school warning `d` as the base's, with the
 * scenario's name; a compound the base has not (by `ids`, the base's
 * compounds indexed, made at the first call) is named by the scenario's
 * new_compounds file (the scenario's data names every compound by the
 * base's file).  0 or CM_ENOMEM. */
static int relay_unreached(cm_dataset *ds, const cm_scenario *sc, const cm_diag *d,
                           cm__id **ids)
{
	int len = 0, in_base = 1, rc;
	const char *id = cm__label_id(d->feature, &len);
	char *shown = NULL;
	if (id && sc->new_compounds.path) {
		char *own = cm__sprintf("%.*s", len, id);
		if (!own || (!*ids && !(*ids = cm__ids_index(sizeof(cm_compound), ds->compounds,
		                                              ds->n_compounds)))) {
			free(own);
			return CM_ENOMEM;
		}
		in_base = cm__ids_find(*ids, ds->n_compounds, own) >= 0;
		free(own);
	}
	if (!in_base && !(shown = cm__source_shown(sc->new_compounds.path)))
		return CM_ENOMEM;
	rc = cm__diag(ds, d->severity, d->kind, shown ? shown : d->file, shown ? NULL : d->layer,
	              d->feature, d->field, _("[scenario %s] %s"), sc->name, d->message);
	free(shown);
	return rc;
}

/* Where scenario sc gives the school a finding of its data names by
 * `label` ("feature N (id ID)", of the schools' file as the scenario's
 * data has it): a school of this data stays as it is; one the scenario
 * opens by a key is open_school.ID (*file and *layer NULL, *feature the
 * key: caller frees); one of its new_schools layer that layer's file.
 * 0 or CM_ENOMEM. */
static int scenario_school_at(const cm_dataset *ds, const cm_scenario *sc, const char *label,
                              const char **file, const char **layer, char **feature)
{
	int len = 0;
	const char *id = label ? cm__label_id(label, &len) : NULL;
	size_t i;
	*feature = NULL;
	if (!id)
		return 0;
	for (i = 0; i < ds->n_schools; i++)
		if (!strncmp(ds->schools[i].id, id, (size_t)len) && !ds->schools[i].id[len])
			return 0; /* this data's */
	for (i = 0; i < sc->n_open; i++)
		if (!strncmp(sc->open_id[i], id, (size_t)len) && !sc->open_id[i][len]) {
			*file = *layer = NULL;
			*feature = cm__sprintf("open_school.%.*s", len, id);
			return *feature ? 0 : CM_ENOMEM;
		}
	*file = sc->new_schools.path;
	*layer = NULL;
	return 0;
}

/* Every scenario's changes applied to the data, and its data checked as
 * the solve checks it (the scenario's policy): a change that fails is an
 * error naming the scenario, its key and item (scenario.c); an error of
 * the scenario's data that this data has not is this data's, said with
 * the scenario's name, as is a school it adds far from the compounds
 * (far-school); a scenario without schools is its warning (no_schools).
 * So the verdict "can be solved" holds for every scenario.  Returns 0 or
 * CM_ENOMEM. */
static int check_scenarios(cm_ctx *ctx, const cm_config *cfg, cm_dataset *ds)
{
	size_t k, i, had = ds->diags.len;
	cm__id *ids = NULL; /* the base's compounds, for relay_unreached */
	int rc = 0;
	for (k = 0; k < cfg->n_scenarios && !rc; k++) {
		const cm_scenario *sc = &cfg->scenarios[k];
		cm_dataset *sds = NULL;
		cm_check_report rep;
		cm_config view;
		rc = cm_scenario_data(ctx, cfg, sc, ds, &sds);
		if (rc == CM_ENOMEM)
			break;
		if (rc) {
			rc = cm__diag(ds, CM_ERR, "scenario", NULL, NULL, NULL, NULL, "%s",
			              cm_ctx_last_error(ctx));
			if (rc)
				rc = cm__error(ctx, CM_ENOMEM, _("out of memory"));
			continue;
		}
		cm_scenario_config(cfg, sc, &view);
		rc = run_check(ctx, &view, sds, &rep, 1);
		if (!rc && sds->n_compounds && all_pupils(&rep) == 0)
			/* (demand_scale = 0, or so small that every count rounds to 0:
			 * its plan solved nothing and it had no row in the comparison) */
			rc = cm__diag(ds, CM_WARNING, "no-pupils", NULL, NULL, NULL, NULL,
			              _("[scenario %s]: no compound has a pupil at either level (its "
			                "demand): its plan places nobody"), sc->name);
		for (i = 0; !rc && i < sds->diags.len; i++) {
			const cm_diag *d = &((const cm_diag *)sds->diags.data)[i];
			/* its errors, and a school it adds far from every compound
			 * (signs lost in a copy) or that nobody reaches, that this
			 * data has not: named by where the scenario gives it
			 * (scenario_school_at), a school of this data by its file */
			int school = (!strcmp(d->kind, "far-school") ||
			              !strcmp(d->kind, "unreached-school")) && d->file &&
			             str_same(d->file, cfg->input[CM_SCHOOLS].path);
			const char *file = d->file, *layer = d->layer;
			char *feature = NULL;
			/* a warning about a layer the scenario adds (new_schools,
			 * new_compounds: 90.5 seats rounded, a count missing) is the
			 * base's warning of such a value, said nowhere else */
			int added = d->severity == CM_WARNING && d->feature &&
			            (!d->file || /* a school given inline: open_school.ID */
			             (!str_same(d->file, cfg->input[CM_SCHOOLS].path) &&
			              !str_same(d->file, cfg->input[CM_COMPOUNDS].path)));
			/* pupils the scenario leaves with no school in reach: of a
			 * compound it adds (by road: one far from every road), or
			 * one whose schools it closes */
			int unreached = !strcmp(d->kind, "no-eligible-school");
			if (unreached && !has_diag(ds, had, d))
				rc = relay_unreached(ds, sc, d, &ids);
			else if ((d->severity == CM_ERR || added || !strcmp(d->kind, "far-school") ||
			          !strcmp(d->kind, "unreached-school")) &&
			         !has_diag(ds, had, d)) {
				if (school && (rc = scenario_school_at(ds, sc, d->feature, &file, &layer,
				                                       &feature)))
					break;
				rc = cm__diag(ds, d->severity, d->kind, file, layer,
				              feature ? feature : d->feature, d->field, _("[scenario %s] %s"),
				              sc->name, d->message);
				free(feature);
			}
			else if (!strcmp(d->kind, "no-schools"))
				rc = cm__diag(ds, d->severity, d->kind, NULL, NULL, NULL, NULL, "%s",
				              d->message);
		}
		cm_dataset_free(sds);
		if (rc)
			rc = cm__error(ctx, CM_ENOMEM, _("out of memory"));
	}
	free(ids);
	return rc;
}

int cm_check(cm_ctx *ctx, const cm_config *cfg, cm_dataset *ds, cm_check_report *out)
{
	return run_check(ctx, cfg, ds, out, 0);
}

/* cm_check; `inner`: a scenario's data checked within the check of the
 * data it changes (check_scenarios), which reports what matters itself:
 * no progress of its own (the outer check's stage goes on) and nothing on
 * the log. */
static int run_check(cm_ctx *ctx, const cm_config *cfg, cm_dataset *ds, cm_check_report *out,
                     int inner)
{
	size_t i;
	int rc;
	memset(out, 0, sizeof *out);
	/* again: the findings of the last check go, the load's stay */
	if (ds->checked)
		cm__diags_truncate(ds, ds->loaded_diags);
	else
		ds->loaded_diags = ds->diags.len;
	ds->checked = 1;
	if ((rc = check_duplicates(ctx, ds, cfg, CM_SCHOOLS)) ||
	    (rc = check_duplicates(ctx, ds, cfg, CM_COMPOUNDS)) ||
	    (rc = check_duplicate_names(ctx, ds, cfg)))
		return rc;
	if (!inner)
		cm__progress(ctx, 0.1, "checking");
	for (i = 0; i < ds->n_schools; i++)
		check_school_values(ds, cfg, &ds->schools[i]);
	for (i = 0; i < ds->n_compounds; i++)
		check_compound_values(ds, cfg, &ds->compounds[i]);
	if (!ds->n_schools && !ds->scenario)
		cm__diag(ds, CM_ERR, "empty", cfg->input[CM_SCHOOLS].path, ds->layer_name[CM_SCHOOLS],
		         NULL, NULL, _("no usable schools"));
	if (!ds->n_compounds)
		cm__diag(ds, CM_ERR, "empty", cfg->input[CM_COMPOUNDS].path,
		         ds->layer_name[CM_COMPOUNDS], NULL, NULL, _("no usable compounds"));
	check_far_schools(ds, cfg);
	if ((rc = check_coincident_schools(ctx, ds, cfg)))
		return rc;
	if (!inner && (rc = check_boundary(ds, cfg)))
		return cm__error(ctx, rc, _("out of memory"));
	if (!inner)
		cm__progress(ctx, 0.3, "checking");
	check_reach(ds, cfg, out);
	check_unreached_schools(ds, cfg);
	tally(ds, cfg, out);
	if (!ds->n_schools && ds->scenario && (rc = no_schools(ctx, cfg, ds, out, !inner)))
		return cm__error(ctx, rc, _("out of memory"));
	for (int lv = 0; lv < CM_NLEVELS; lv++) {
		long n = out->level[lv].pupils[CM_LOCAL] + out->level[lv].pupils[CM_MIGRANT];
		if (n > CM_MAX_LEVEL_PUPILS)
			cm__diag(ds, CM_ERR, "too-many-pupils", cfg->input[CM_COMPOUNDS].path,
			         ds->layer_name[CM_COMPOUNDS], NULL, NULL,
			         _("%s: %ld pupils in all, more than the engine holds (%d); a count "
			         "field may be mistyped"), cm__level_label((cm_level)lv), n,
			         CM_MAX_LEVEL_PUPILS);
	}
	if (ds->n_compounds && !ds->scenario && all_pupils(out) == 0)
		/* a plan of nobody: most likely the pupil fields name the wrong
		 * columns (an attack: it passed without a word) */
		cm__diag(ds, CM_WARNING, "no-pupils", cfg->input[CM_COMPOUNDS].path,
		         ds->layer_name[CM_COMPOUNDS], NULL, NULL,
		         _("no compound has a pupil at either level: do the pupil fields "
		         "(compounds.primary_local, ...) name the right columns?"));
	if (!cfg->previous.path && !cfg->n_scenarios &&
	    (cfg->solve.stability_weight > 0 || cfg->solve.max_moved_pupils >= 0))
		cm__diag(ds, CM_WARNING, "no-previous-plan", NULL, NULL, NULL, NULL,
		         _("[solve] %s is set, but there is no last year's plan ([input] previous_plan) "
		         "and no scenario to hold the plan to: it does nothing"),
		         cfg->solve.stability_weight > 0 && cfg->solve.max_moved_pupils >= 0
		                 ? "stability_weight (and max_moved_pupils)"
		         : cfg->solve.stability_weight > 0 ? "stability_weight" : "max_moved_pupils");
	if ((rc = check_scenarios(ctx, cfg, ds)))
		return rc;
	if (!inner)
		cm__progress(ctx, 1.0, "checking");
	out->errors = cm_dataset_count(ds, CM_ERR);
	out->warnings = cm_dataset_count(ds, CM_WARNING);
	out->solvable = out->errors == 0;
	return 0;
}
