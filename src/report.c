/*
 * report.c: what the planner reads on the terminal.  Plain UTF-8 text,
 * stable in layout (tests compare it), numbers without locale.  Each
 * public report writes to the caller's stream and ends with
 * cm__stream_done (file.c), so a failed write is an error, not a silently
 * short report.
 */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static const char *sev_name(cm_severity s)
{
	return s == CM_ERR ? _("error") : s == CM_WARNING ? _("warning") : _("note");
}

static void print_diag(FILE *fp, const cm_diag *d)
{
	int any = 0;
	fprintf(fp, "  %-7s %-18s ", sev_name(d->severity), d->kind);
	if (d->file) {
		fprintf(fp, "%s", d->file);
		any = 1;
	}
	if (d->layer) {
		fprintf(fp, _("%slayer %s"), any ? ", " : "", d->layer);
		any = 1;
	}
	if (d->feature) {
		fprintf(fp, "%s%s", any ? ", " : "", d->feature);
		any = 1;
	}
	if (d->field) {
		fprintf(fp, _("%sfield %s"), any ? ", " : "", d->field);
		any = 1;
	}
	fprintf(fp, "%s%s\n", any ? ": " : "", d->message);
}

/* Prints the diagnostics, errors first, at most `max_per_kind` of each kind
 * (0: all), with a count of those left out; only those of severity `only`
 * where it is one (-1: all). */
static void print_diags(FILE *fp, const cm_dataset *ds, int max_per_kind, int only)
{
	size_t n = cm_dataset_diag_count(ds), i, j;
	int sev;
	for (sev = CM_ERR; sev >= CM_NOTE; sev--) {
		if (only >= 0 && sev != only)
			continue;
		for (i = 0; i < n; i++) {
			const cm_diag *d = cm_dataset_diag(ds, i);
			size_t before = 0, total = 0;
			int first = 1;
			if ((int)d->severity != sev)
				continue;
			/* The first diagnostic of its kind and severity prints the group. */
			for (j = 0; j < i; j++) {
				const cm_diag *e = cm_dataset_diag(ds, j);
				if ((int)e->severity == sev && !strcmp(e->kind, d->kind)) {
					first = 0;
					break;
				}
			}
			if (!first)
				continue;
			for (j = i; j < n; j++) {
				const cm_diag *e = cm_dataset_diag(ds, j);
				if ((int)e->severity != sev || strcmp(e->kind, d->kind))
					continue;
				total++;
				if (max_per_kind <= 0 || before < (size_t)max_per_kind) {
					print_diag(fp, e);
					before++;
				}
			}
			if (total > before)
				fprintf(fp, _("  %-7s %-18s ... and %zu more\n"), sev_name((cm_severity)sev),
				        d->kind, total - before);
		}
	}
}

int cm_report_check_warnings(cm_ctx *ctx, const cm_dataset *ds, int max_per_kind, FILE *fp)
{
	print_diags(fp, ds, max_per_kind, CM_WARNING);
	return cm__stream_done(ctx, fp);
}

static double ratio(long a, long b)
{
	return b > 0 ? (double)a / (double)b : 0.0;
}

int cm_report_check(cm_ctx *ctx, const cm_config *cfg, const cm_dataset *ds,
                    const cm_check_report *rep, int max_per_kind, FILE *fp)
{
	int lv;
	size_t notes = cm_dataset_count(ds, CM_NOTE);

	fprintf(fp, _("Scenario   %s (%s)\n"), cfg->name ? cfg->name : "", cfg->file ? cfg->file : "");
	fprintf(fp, _("Schools    %s\n"), cm_dataset_source(ds, CM_SCHOOLS));
	fprintf(fp, _("Compounds  %s\n"), cm_dataset_source(ds, CM_COMPOUNDS));
	fprintf(fp, _("Working CRS %s: %s\n\n"), cm_dataset_crs_name(ds), cm_dataset_crs_reason(ds));

	fprintf(fp, _("Schools      public  private\n"));
	fprintf(fp, _("  primary    %6zu  %7zu\n"), rep->schools_by[CM_KIND_PRIMARY][CM_PUBLIC],
	        rep->schools_by[CM_KIND_PRIMARY][CM_PRIVATE]);
	fprintf(fp, _("  junior     %6zu  %7zu\n"), rep->schools_by[CM_KIND_JUNIOR][CM_PUBLIC],
	        rep->schools_by[CM_KIND_JUNIOR][CM_PRIVATE]);
	fprintf(fp, _("  nine-year  %6zu  %7zu\n"), rep->schools_by[CM_KIND_NINE_YEAR][CM_PUBLIC],
	        rep->schools_by[CM_KIND_NINE_YEAR][CM_PRIVATE]);
	fprintf(fp, _("  boarding   %6zu\n"), rep->boarding);
	fprintf(fp, _("Compounds  %zu: urban %zu, town %zu, rural %zu (%zu polygons, %zu points)\n\n"),
	        ds->n_compounds, rep->compounds_by_area[CM_URBAN], rep->compounds_by_area[CM_TOWN],
	        rep->compounds_by_area[CM_RURAL], rep->compound_polygons, rep->compound_points);

	fprintf(fp, _("Pupils and seats  pupils   local migrant   seats  public private purchased  "
	            "seats/pupils\n"));
	for (lv = 0; lv < CM_NLEVELS; lv++) {
		const cm_level_stats *st = &rep->level[lv];
		long pupils = st->pupils[CM_LOCAL] + st->pupils[CM_MIGRANT];
		long seats = st->seats[CM_PUBLIC] + st->seats[CM_PRIVATE];
		if (!pupils && !seats)
			continue; /* a level the data does not have: no empty row */
		fputs("  ", fp);
		cm__print_padded(fp, cm__level_label((cm_level)lv), 14);
		fprintf(fp, " %8ld %7ld %7ld %7ld %7ld %7ld %9ld  %12.2f\n", pupils, st->pupils[CM_LOCAL],
		        st->pupils[CM_MIGRANT], seats, st->seats[CM_PUBLIC], st->seats[CM_PRIVATE],
		        st->purchased, ratio(seats, pupils));
	}
	for (lv = 0; lv < CM_NLEVELS; lv++) {
		const cm_level_stats *st = &rep->level[lv];
		if (!st->pupils[CM_MIGRANT])
			continue;
		fprintf(fp, _("Migrant places %s: %ld public or purchased places left after locals for "
		            "%ld migrants: at most %.1f%% (policy %.0f%%)\n"),
		        cm__level_label((cm_level)lv), st->migrant_places, st->pupils[CM_MIGRANT],
		        100.0 * (ratio(st->migrant_places, st->pupils[CM_MIGRANT]) > 1
		                         ? 1.0
		                         : ratio(st->migrant_places, st->pupils[CM_MIGRANT])),
		        100 * cfg->policy.migrant_public_share);
	}
	for (lv = 0; lv < CM_NLEVELS; lv++)
		if (rep->level[lv].pupils[CM_LOCAL] + rep->level[lv].pupils[CM_MIGRANT] > 0)
			fprintf(fp, _("No school in reach, %s: %zu compounds (%ld pupils)\n"),
			        cm__level_label((cm_level)lv), rep->level[lv].no_eligible,
			        rep->level[lv].no_eligible_pupils);

	/* (each count with its own plural: "1 error", not "1 errors") */
	fprintf(fp, _("\nFindings: "));
	fprintf(fp, dngettext(CM__DOMAIN, "%zu error", "%zu errors", rep->errors), rep->errors);
	fputs(", ", fp);
	fprintf(fp, dngettext(CM__DOMAIN, "%zu warning", "%zu warnings", rep->warnings),
	        rep->warnings);
	fputs(", ", fp);
	fprintf(fp, dngettext(CM__DOMAIN, "%zu note", "%zu notes", notes), notes);
	fputc('\n', fp);
	print_diags(fp, ds, max_per_kind, -1);
	if (rep->solvable)
		fprintf(fp, _("\nVerdict: the data can be solved%s.\n"),
		        rep->warnings ? _(", but read the warnings") : "");
	else
		fprintf(fp, dngettext(CM__DOMAIN, "\nVerdict: the data cannot be solved: %zu error to fix.\n",
		                      "\nVerdict: the data cannot be solved: %zu errors to fix.\n",
		                      rep->errors),
		        rep->errors);
	return cm__stream_done(ctx, fp);
}

static const char *pct(char *buf, size_t n, double share)
{
	if (share < 0)
		snprintf(buf, n, "-");
	else
		snprintf(buf, n, "%.1f%%", 100 * share);
	return buf;
}

/* A trip of level summary s, `m` metres, in km; "-" where nobody has a
 * place (every pupil out of reach, every school closed): there is no trip
 * to take a mean or a longest of (the plan's summary layer holds 0). */
static const char *trip_km(char *buf, size_t n, const cm_level_summary *s, double m)
{
	if (s->placed <= 0)
		snprintf(buf, n, "-");
	else
		snprintf(buf, n, "%.2f", m / 1000);
	return buf;
}

/* The same in metres for a CSV cell: empty where nobody has a place. */
static const char *trip_m(char *buf, size_t n, const cm_level_summary *s, double m)
{
	if (s->placed <= 0)
		buf[0] = '\0';
	else
		snprintf(buf, n, "%.1f", m);
	return buf;
}

/* A table's heading, cell by cell, so that each language's words line up
 * with the figures below them by display width: `width` is the columns
 * from the end of the previous cell to the end of this one (a left-aligned
 * cell: `-width`, starting `sep` columns after the previous one).  A word
 * wider than its column pushes the next ones right, at least one space
 * apart.  *at and *end carry the position across cells. */
static void head_cell(FILE *fp, const char *text, int width, int sep, int *at, int *end)
{
	int w = cm__display_width(text), pad;
	if (width < 0) {
		pad = *at ? *end + sep - *at : 0;
		*end += *at ? -width + sep : -width;
	} else {
		*end += width;
		pad = *end - *at - w;
	}
	if (*at && pad < 1)
		pad = 1;
	for (int i = 0; i < pad; i++)
		fputc(' ', fp);
	fputs(text, fp);
	*at += pad + w;
}

/* The distances the plan was made with, in words. */
static void print_distances(FILE *fp, const cm_config *cfg)
{
	const char *kind = cm__distance_kind_name(cfg);
	if (!strcmp(kind, "table"))
		fprintf(fp, _("Distances: the distance table %s\n\n"), cfg->distances.path);
	else if (!strcmp(kind, "straight"))
		fprintf(fp, _("Distances: straight lines\n\n"));
	else
		fprintf(fp, _("Distances: the road network %s (%s)\n\n"), cfg->roads.path,
		        cfg->road.mode == CM_ROADS_DRIVE ? _("drive") : _("walk"));
}

/* What one more seat at a school would do, in words (the shadow prices of
 * docs/model.md): let pupils in, else shorten trips. */
static void print_seat_worth(FILE *fp, const cm_school_result *r)
{
	if (r->shadow_pupils > 0.999)
		fprintf(fp, _("one more seat here would let one more pupil in"));
	else if (r->shadow_pupils > 1e-6)
		fprintf(fp, _("one more seat here would let %.2f of a pupil in (shared catchments)"),
		        r->shadow_pupils);
	else
		fprintf(fp, _("one more seat here would shorten trips by %.0f m in all"),
		        r->shadow_price);
}

/* Why a plan's pupils lack a seat (print_shortfall), by compound and
 * group: no school that takes them in reach; schools in reach, none with
 * seats at the level; schools in reach with seats, all of them full; or a
 * public school in reach with seats left (in single mode: the compound
 * goes whole to one school, docs/model.md; else the plan's other rules). */
enum { WHY_FAR, WHY_NO_SEATS, WHY_FULL, WHY_ROOM, WHY_N };

static int why_short(const cm_plan *plan, const cm_config *cfg, const cm_dataset *ds,
                     const cm__pairs *pairs, size_t ci, cm_level lv, int g, long *spare)
{
	int reach = 0, seats = 0;
	*spare = 0; /* the empty public seats in reach */
	for (size_t j = 0; j < ds->n_schools; j++) {
		const cm_school *sc = &ds->schools[j];
		const cm_school_result *r = cm_plan_school(plan, lv, j);
		double d;
		if (!cm_school_teaches(sc, lv) || !(sc->sector == CM_PUBLIC || g == CM_MIGRANT))
			continue;
		d = cm__pair_distance(ds, pairs, ci, j);
		if (!isfinite(d) || d > cm__reach(cfg, sc, lv))
			continue; /* (HUGE_VAL: no way there) */
		reach = 1;
		seats |= r->seats > 0;
		if (r->seats > 0 && r->spare > 0 && sc->sector == CM_PUBLIC)
			*spare += r->spare;
	}
	return !reach ? WHY_FAR : !seats ? WHY_NO_SEATS : *spare > 0 ? WHY_ROOM : WHY_FULL;
}

typedef struct short_row {
	size_t compound;
	long pupils[CM_NGROUPS]; /* without a seat, by group */
	long total;
	int why;                 /* the cause of most of them; WHY_N: causes not known */
} short_row;

static int cmp_short(const void *a, const void *b)
{
	const short_row *x = a, *y = b;
	if (x->total != y->total)
		return x->total > y->total ? -1 : 1;
	return x->compound < y->compound ? -1 : x->compound > y->compound;
}

/* The level's shortfall, `unplaced` pupils: how many for each cause (where
 * who reaches which school is `known`: `pairs`, NULL for straight lines),
 * then the compounds with most pupils without a seat, ten at most. */
static int print_shortfall(cm_ctx *ctx, FILE *fp, const cm_plan *plan, const cm_dataset *ds,
                           const cm_config *cfg, const cm__pairs *pairs, int known, cm_level lv,
                           int limit, const cm_level_summary *sum)
{
	const cm_assignment *a;
	size_t na = cm_plan_assignments(plan, &a), nc = ds->n_compounds, i, nr = 0, k;
	int single = cfg->solve.assignment == CM_ASSIGN_SINGLE, wid = 10;
	/* the search settled the fewest without a place (else a seat left may
	 * be its doing, not the rule's) */
	int settled = !single || sum->bound_unplaced >= sum->unplaced;
	long unplaced = sum->unplaced;
	short_row *rows = calloc(nc + 1, sizeof *rows);
	long *at = malloc((nc + 1) * sizeof *at), by[WHY_N] = {0, 0, 0, 0};
	int causes = 0, w, first = 1;
	const char *tag[WHY_N] = {limit ? _("no school in reach") : _("no school takes them"),
	                          _("no seats at this level"), _("schools full"),
	                          _("a school with seats left")};
	if (!rows || !at) {
		free(rows);
		free(at);
		return cm__error(ctx, CM_ENOMEM, _("out of memory"));
	}
	for (i = 0; i < nc; i++)
		at[i] = -1;
	for (k = 0; k < na; k++) {
		if (a[k].level != lv || a[k].school >= 0 || a[k].compound >= nc)
			continue;
		if (at[a[k].compound] < 0) {
			at[a[k].compound] = (long)nr;
			rows[nr++].compound = a[k].compound;
		}
		short_row *r = &rows[at[a[k].compound]];
		r->pupils[CM_LOCAL] += a[k].local;
		r->pupils[CM_MIGRANT] += a[k].migrant;
		r->total += a[k].local + a[k].migrant;
	}
	for (k = 0; k < nr; k++) {
		long most = -1, spare, n;
		rows[k].why = WHY_N;
		for (int g = 0; g < CM_NGROUPS && known; g++) {
			if (!(n = rows[k].pupils[g]))
				continue;
			w = why_short(plan, cfg, ds, pairs, rows[k].compound, lv, g, &spare);
			if (w == WHY_ROOM && n > spare) {
				/* seats left for some of them only: the rest would find
				 * the schools full whatever the rule */
				by[WHY_FULL] += n - spare;
				n = spare;
			}
			by[w] += n;
			if (n > most) {
				most = n;
				rows[k].why = w;
			}
		}
	}
	for (w = 0; w < WHY_N; w++)
		causes += by[w] > 0;
	fprintf(fp, _("  Shortfall: %ld pupils without a seat"), unplaced);
	if (causes) {
		fputs(" (", fp);
		for (w = 0; w < WHY_N; w++) {
			if (!by[w])
				continue;
			if (!first)
				fputs(", ", fp);
			first = 0;
			/* (in the plan's words; without a distance limit every school
			 * that takes the pupils is in reach) */
			if (w == WHY_FAR)
				fprintf(fp, limit ? _("%ld with no school in reach")
				                  : _("%ld with no school that takes them"), by[w]);
			else if (w == WHY_NO_SEATS)
				fprintf(fp, limit ? _("%ld where the schools in reach have no seats at this "
				                      "level")
				                  : _("%ld where the schools have no seats at this level"),
				        by[w]);
			else if (w == WHY_FULL)
				fprintf(fp, limit ? _("%ld where the schools in reach are full")
				                  : _("%ld where the schools are full"), by[w]);
			else if (single && !settled)
				fprintf(fp, limit ? _("%ld where a school in reach has seats left: the "
				                      "search, cut short, did not settle whether a "
				                      "single-school plan can fill them")
				                  : _("%ld where a school has seats left: the search, cut "
				                      "short, did not settle whether a single-school plan can "
				                      "fill them"), by[w]);
			else if (single)
				fprintf(fp, limit ? _("%ld whose compound goes whole to a full school while a "
				                      "school in reach has seats left")
				                  : _("%ld whose compound goes whole to a full school while a "
				                      "school has seats left"), by[w]);
			else
				fprintf(fp, limit ? _("%ld where a school in reach has seats left")
				                  : _("%ld where a school has seats left"), by[w]);
		}
		fputc(')', fp);
	}
	fprintf(fp, _(", by compound (most first):\n"));
	qsort(rows, nr, sizeof *rows, cmp_short);
	for (k = 0; k < nr && k < 10; k++) /* the ids' column as wide as the longest */
		if (cm__display_width(ds->compounds[rows[k].compound].id) > wid)
			wid = cm__display_width(ds->compounds[rows[k].compound].id);
	for (k = 0; k < nr && k < 10; k++) {
		const cm_compound *c = &ds->compounds[rows[k].compound];
		fputs("    ", fp);
		cm__print_padded(fp, c->id, wid);
		fputc(' ', fp);
		cm__print_padded(fp, c->name, 24);
		fprintf(fp, " %5ld", rows[k].total);
		if (causes > 1 && rows[k].why < WHY_N)
			fprintf(fp, "  %s", tag[rows[k].why]);
		fputc('\n', fp);
	}
	if (nr > 10)
		fprintf(fp, _("    ... (%zu more compounds, all in the plan's assignment layer)\n"),
		        nr - 10);
	free(rows);
	free(at);
	return 0;
}

/* The warnings of a level's plan, each a line of its own: the policy rows
 * a plan may miss and still stand (the quota, the near-school share, the
 * moved cap), and what its search did not prove.  Printed in the plan's
 * summary where each belongs (cm_report_plan), and alone for -q
 * (cm_report_plan_warnings). */
static void warn_quota(FILE *fp, const cm_config *cfg, const cm_level_summary *s)
{
	if (!s->quota_met)
		fprintf(fp, _("  MIGRANT QUOTA NOT MET: %.0f%% of migrant children should be in "
		              "public or purchased places; this plan reaches %.1f%% (%ld of %ld); "
		              "places come first, and local children before migrants (a warning: "
		              "the plan stands)\n"),
		        100 * cfg->policy.migrant_public_share, 100 * s->migrant_public_share,
		        s->migrants_public, s->migrants);
}

static void warn_near(FILE *fp, const cm_config *cfg, const cm_level_summary *s, int lv)
{
	if (!s->near_met)
		fprintf(fp, _("  NEAR-SCHOOL MINIMUM NOT MET: %.0f%% of urban and town pupils at day "
		              "public schools should be within %.0f m of theirs; this plan reaches "
		              "%.1f%%, the nearest it came with the fewest pupils without a place (a "
		              "warning: the plan stands)\n"),
		        100 * cfg->policy.near_share_min[lv], cfg->policy.near_radius_m[lv],
		        100 * s->near_share);
}

static void warn_moved(FILE *fp, const cm_config *cfg, const cm_level_summary *s)
{
	/* a soft policy row like the quota: a miss is said as plainly */
	if (s->has_previous && !s->moved_met)
		fprintf(fp, _("  MOVED-PUPILS CAP EXCEEDED: at most %ld pupils should move "
		              "([solve] max_moved_pupils); this plan moves %ld, the fewest it "
		              "could with the fewest pupils without a place (a warning: the "
		              "plan stands)\n"),
		        cfg->solve.max_moved_pupils, s->moved);
}

/* What the search did not prove (single mode); the places' line also when
 * `all` (in the summary, which says what it proved). */
static void warn_unproven(FILE *fp, const cm_level_summary *s, int single, int all)
{
	if (single && s->bound_unplaced < s->unplaced)
		fprintf(fp, _("  NOT PROVEN: the search ended with %ld pupils without a place; no "
		              "single-school plan leaves fewer than %ld (a larger [solve] "
		              "effort, or node_limit where one is set, may settle it)\n"),
		        s->unplaced, s->bound_unplaced);
	else if (all && single && s->unplaced > s->lp_unplaced)
		fprintf(fp, _("  No single-school plan leaves fewer (proven).\n"));
	if (single && !s->proven && s->bound < 0 && s->bound_unplaced >= s->unplaced)
		fprintf(fp, _("  NOT PROVEN: the search ended before it proved that no "
		              "single-school plan placing as many leaves fewer local children "
		              "without a place, or comes nearer the migrant quota, the near-school "
		              "share or the moved cap (a larger [solve] effort, or node_limit "
		              "where one is set, may settle it)\n"));
}

static void warn_overfull(FILE *fp, const cm_level_summary *s)
{
	if (s->overfull)
		fprintf(fp, _("  OVER-FULL SCHOOLS: %d (a solver fault: please report)\n"),
		        s->overfull);
}

int cm_report_plan_warnings(cm_ctx *ctx, const cm_plan *plan, FILE *fp)
{
	const cm_config *cfg = cm_plan_config(plan);
	int single = cfg->solve.assignment == CM_ASSIGN_SINGLE;
	for (int lv = 0; lv < CM_NLEVELS; lv++) {
		const cm_level_summary *s = cm_plan_summary(plan, (cm_level)lv);
		if (!s->solved)
			continue;
		int unproven = single && !s->proven && (s->bound < 0 || s->bound_unplaced < s->unplaced);
		if (s->quota_met && s->near_met && (!s->has_previous || s->moved_met) && !s->overfull &&
		    !unproven && !s->unplaced)
			continue; /* nothing to warn of */
		fprintf(fp, "%s\n", cm__level_label((cm_level)lv));
		warn_quota(fp, cfg, s);
		warn_near(fp, cfg, s, lv);
		warn_moved(fp, cfg, s);
		warn_unproven(fp, s, single, 0);
		if (s->unplaced) {
			fprintf(fp, _("  Shortfall: %ld pupils without a seat"), s->unplaced);
			fputc('\n', fp);
		}
		warn_overfull(fp, s);
	}
	return cm__stream_done(ctx, fp);
}

/* The gap the search proved: none ("optimal"), a share of pupil-metres,
 * or "-" when not even the fewest without a place (or the policy tier) is
 * proven. */
static const char *gap_text(char *buf, size_t n, const cm_level_summary *s)
{
	if (s->proven)
		snprintf(buf, n, "%s", _("optimal"));
	else if (s->bound < 0)
		snprintf(buf, n, "-");
	else
		snprintf(buf, n, "%.2f%%", 100 * s->mip_gap);
	return buf;
}

int cm_report_plan(cm_ctx *ctx, const cm_plan *plan, FILE *fp)
{
	const cm_config *cfg = cm_plan_config(plan);
	const cm_dataset *ds = cm_plan_dataset(plan);
	const cm_school *schools;
	const cm_catchment *ct;
	size_t ns = cm_dataset_schools(ds, &schools), i;
	size_t nct;
	int lv, rc, single = cfg->solve.assignment == CM_ASSIGN_SINGLE;
	const cm__pairs *pairs = NULL;
	cm__pairs *own_pairs = NULL;

	if ((rc = cm_plan_catchments(ctx, plan, &ct, &nct))) /* the split catchments */
		return rc;

	fprintf(fp, _("Plan %s: %s assignment, working CRS %s\n"), cfg->name ? cfg->name : "",
	        single ? _("single-school (单校划片)") : _("split (多校划片)"),
	        cm_dataset_crs_name(ds));
	print_distances(fp, cfg);
	{
		/* the figures' columns: "%-8s %7ld  %7ld  %8ld  %7s  %6s  %5s  %15s  %-7s %8s
		 * %8.2f" */
		int at = 0, end = 0;
		head_cell(fp, _("level"), -8, 0, &at, &end);
		head_cell(fp, _("pupils"), 8, 0, &at, &end);
		head_cell(fp, _("placed"), 9, 0, &at, &end);
		head_cell(fp, _("shortfall"), 10, 0, &at, &end);
		head_cell(fp, _("mean km"), 9, 0, &at, &end);
		head_cell(fp, _("max km"), 8, 0, &at, &end);
		head_cell(fp, _("near"), 7, 0, &at, &end);
		head_cell(fp, _("migrants public"), 17, 0, &at, &end);
		head_cell(fp, _("quota"), -7, 2, &at, &end);
		head_cell(fp, _("gap"), 9, 0, &at, &end);
		head_cell(fp, _("seconds"), 10, 0, &at, &end);
		fputc('\n', fp);
	}
	for (lv = 0; lv < CM_NLEVELS; lv++) {
		const cm_level_summary *s = cm_plan_summary(plan, (cm_level)lv);
		char a[16], b[16], gap[16], mean[32], max[32];
		if (!s->solved)
			continue; /* a level without pupils: no row */
		gap_text(gap, sizeof gap, s);
		cm__print_padded(fp, cm__level_label((cm_level)lv), 8);
		fprintf(fp, " %7ld  %7ld  %8ld  %7s  %6s  %5s  %15s  ", s->pupils, s->placed,
		        s->unplaced, trip_km(mean, sizeof mean, s, s->mean_distance_m),
		        trip_km(max, sizeof max, s, s->max_distance_m),
		        pct(a, sizeof a, s->near_share), pct(b, sizeof b, s->migrant_public_share));
		cm__print_padded(fp, s->quota_met ? _("met") : _("MISSED"), 7);
		fputc(' ', fp);
		cm__print_right(fp, gap, 8);
		fprintf(fp, "  %8.2f\n", s->solve_seconds);
	}
	for (lv = 0; lv < CM_NLEVELS; lv++) {
		const cm_level_summary *s = cm_plan_summary(plan, (cm_level)lv);
		if (!s->solved)
			continue;
		fprintf(fp, "\n%s\n", cm__level_label((cm_level)lv));
		warn_quota(fp, cfg, s);
		warn_near(fp, cfg, s, lv);
		if (s->has_previous) {
			const cm_change *ch;
			size_t nch = cm_plan_changes(plan, &ch), shown = 0;
			long lost = cm__plan_lost(plan, (cm_level)lv);
			fprintf(fp, dngettext(CM__DOMAIN,
			                      "  Against last year's plan: %ld pupils moved (%ld at another "
			                      "school, %ld now without a place); %d compound changes school",
			                      "  Against last year's plan: %ld pupils moved (%ld at another "
			                      "school, %ld now without a place); %d compounds change school",
			                      (unsigned long)s->moved_compounds),
			        s->moved, s->moved - lost, lost, s->moved_compounds);
			if (s->forced_compounds)
				fprintf(fp, _(" (%d of them because their school is gone)"), s->forced_compounds);
			fprintf(fp, s->moved_compounds ? ":\n" : "\n");
			for (i = 0; i < nch && shown < 10; i++) {
				const cm_compound *c = &ds->compounds[ch[i].compound];
				if (ch[i].level != (cm_level)lv)
					continue;
				fprintf(fp, "    %-10s ", c->id);
				cm__print_padded(fp, c->name, 24);
				fprintf(fp, _(" %6d pupils  %s -> %s%s\n"), ch[i].pupils,
				        ch[i].from ? ch[i].from : "-",
				        ch[i].to >= 0 ? ds->schools[ch[i].to].id : _("no place"),
				        ch[i].forced ? _(" (school gone)") : "");
				shown++;
			}
			if ((int)shown < s->moved_compounds)
				fprintf(fp, _("    ... (all in the plan's changes layer)\n"));
			warn_moved(fp, cfg, s);
		}
		/* (the single-school rule is blamed only where the search proved
		 * that no single-school plan places more: a search cut short is
		 * said as such, below) */
		if (s->unplaced > s->lp_unplaced && !(single && s->bound_unplaced < s->unplaced))
			fprintf(fp, _("  Single-school catchments leave %ld pupils without a place; "
			              "splitting compounds between schools would leave %ld\n"),
			        s->unplaced, s->lp_unplaced);
		warn_unproven(fp, s, single, 1);
		if (single && !s->proven && s->bound >= 0)
			fprintf(fp, _("  The plan is within %.3f%% of the best possible in pupil-metres "
			              "(proven after %ld relaxations).\n"), 100 * s->mip_gap, s->nodes);
		if (s->unplaced) {
			/* Why: "in reach" only where a distance limit applies;
			 * without one, every school that takes the pupils counts. */
			int limit = cfg->policy.max_distance_m[lv] > 0 ||
			            cfg->policy.max_distance_boarding_m > 0 || cfg->distances.path ||
			            cfg->roads.path, known = 1;
			if (!pairs && (cfg->distances.path || cfg->roads.path)) {
				/* the dataset's pairs, or a scenario's made again; if
				 * they cannot be, the shortfall is not split by cause */
				cm_ctx *tmp = NULL;
				known = !cm_ctx_new(&tmp) && !cm__pairs_for(tmp, cfg, ds, &pairs, &own_pairs);
				cm_ctx_free(tmp);
			}
			if ((rc = print_shortfall(ctx, fp, plan, ds, cfg, pairs, known, (cm_level)lv, limit,
			                          s))) {
				cm__pairs_free(own_pairs);
				return rc;
			}
		} else {
			fprintf(fp, _("  Every pupil has a seat.\n"));
		}
		{
			size_t k, split = 0;
			for (k = 0; k < nct; k++)
				split += ct[k].level == (cm_level)lv && ct[k].parts > 1;
			if (split)
				fprintf(fp, _("  Split catchments (%zu: compounds in separate groups, see "
				              "docs/output.md):\n"), split);
			for (k = 0; k < nct; k++) {
				const cm_school *sc = &schools[ct[k].school];
				if (ct[k].level != (cm_level)lv || ct[k].parts <= 1)
					continue;
				fprintf(fp, "    %-8s ", sc->id);
				cm__print_padded(fp, sc->name, 24);
				fprintf(fp, sc->boarding ? _(" %d parts (boarding school)\n") : _(" %d parts\n"),
				        ct[k].parts);
			}
		}
		if (s->overfull)
			warn_overfull(fp, s);
		else
			fprintf(fp, _("  No school is over its seats.\n"));
		if (s->oversize) {
			fprintf(fp, _("  %d schools above the school-size cap (%d, nine-year %d)"),
			        s->oversize, cfg->policy.max_school_size,
			        cfg->policy.max_school_size_nine_year);
			fprintf(fp, "%s\n", cfg->policy.enforce_school_size
			                            ? ""
			                            : _("; enforce_school_size = yes caps them"));
		}
		{
			/* Where one more seat helps most: shortfall first, then metres. */
			size_t best[5];
			int nb = 0, k;
			for (i = 0; i < ns; i++) {
				const cm_school_result *r = cm_plan_school(plan, (cm_level)lv, i);
				if (!r->teaches || (r->shadow_pupils <= 0 && r->shadow_price <= 0))
					continue;
				for (k = nb; k > 0; k--) {
					const cm_school_result *o = cm_plan_school(plan, (cm_level)lv, best[k - 1]);
					if (o->shadow_pupils > r->shadow_pupils ||
					    (o->shadow_pupils == r->shadow_pupils && o->shadow_price >= r->shadow_price))
						break;
					if (k < 5)
						best[k] = best[k - 1];
				}
				if (k < 5) {
					best[k] = i;
					if (nb < 5)
						nb++;
				}
			}
			if (nb)
				fprintf(fp, _("  Where one more seat helps most:\n"));
			for (k = 0; k < nb; k++) {
				fprintf(fp, "    %-8s ", schools[best[k]].id);
				cm__print_padded(fp, schools[best[k]].name, 24);
				fputc(' ', fp);
				print_seat_worth(fp, cm_plan_school(plan, (cm_level)lv, best[k]));
				fputc('\n', fp);
			}
		}
	}
	cm__pairs_free(own_pairs);
	return cm__stream_done(ctx, fp);
}

/* Text in a Markdown table cell or heading: a | escaped, a line break or
 * tab a space (a newline in a name must not start a heading or a row). */
static void md_cell(FILE *fp, const char *s)
{
	for (; *s; s++) {
		if (*s == '\n' || *s == '\r' || *s == '\t') {
			fputc(' ', fp);
			continue;
		}
		if (*s == '|' || *s == '\\')
			fputc('\\', fp);
		fputc(*s, fp);
	}
}

/* One compound's row of a school's range: Markdown or CSV. */
static void range_row(FILE *fp, int markdown, cm_level lv, const cm_school *s,
                      const cm_school_result *r, const cm_compound *c, int local, int migrant)
{
	if (markdown) {
		fputs("| ", fp);
		md_cell(fp, c->id);
		fputs(" | ", fp);
		md_cell(fp, c->name);
		fprintf(fp, " | %d | %d |\n", local, migrant);
		return;
	}
	fprintf(fp, "%s,", cm_level_name(lv));
	cm__csv_field(fp, s->id);
	fputc(',', fp);
	cm__csv_field(fp, s->name);
	fprintf(fp, ",%d,%d,", r->seats, r->enrolled);
	cm__csv_field(fp, c->id);
	fputc(',', fp);
	cm__csv_field(fp, c->name);
	fprintf(fp, ",%d,%d\n", local, migrant);
}

int cm_report_ranges(cm_ctx *ctx, const cm_plan *plan, int markdown, FILE *fp)
{
	const cm_config *cfg = cm_plan_config(plan);
	const cm_dataset *ds = cm_plan_dataset(plan);
	const cm_school *schools;
	const cm_compound *compounds;
	const cm_assignment *a;
	size_t ns = cm_dataset_schools(ds, &schools), na = cm_plan_assignments(plan, &a), i, k, nc,
	       nz, *zero;
	int lv;

	nc = cm_dataset_compounds(ds, &compounds);
	/* the compounds with no pupils of a level: they belong to a range all
	 * the same (cm_plan_home), as in cm_ranges_write, with 0 and 0 */
	if (!(zero = malloc((nc + 1) * sizeof *zero)))
		return cm__error(ctx, CM_ENOMEM, _("out of memory"));
	if (markdown)
		fprintf(fp, "# %s: 招生范围 (enrolment ranges)\n", cfg->name ? cfg->name : "");
	else
		fputs("level,school_id,school_name,seats,enrolled,compound_id,compound_name,local,"
		      "migrant\n", fp);
	for (lv = 0; lv < CM_NLEVELS; lv++) {
		if (!cm_plan_summary(plan, (cm_level)lv)->solved)
			continue;
		nz = cm__plan_empty_homes(plan, (cm_level)lv, zero);
		if (markdown)
			fprintf(fp, "\n## %s\n", lv == CM_PRIMARY ? "小学 (primary)" : "初中 (junior)");
		for (i = 0; i < ns; i++) {
			const cm_school_result *r = cm_plan_school(plan, (cm_level)lv, i);
			if (!r->teaches || schools[i].sector != CM_PUBLIC)
				continue;
			if (markdown) {
				fprintf(fp, "\n### ");
				md_cell(fp, schools[i].name);
				fputs(" (", fp);
				md_cell(fp, schools[i].id);
				fprintf(fp, ")\n\n学位 %d, 招生 %d%s\n\n", r->seats, r->enrolled,
				        schools[i].boarding ? ", 寄宿制" : "");
				fprintf(fp, "| 小区代码 | 小区名称 | 户籍 | 随迁 |\n| --- | --- | ---: | ---: |\n");
			}
			for (k = 0; k < na; k++)
				if (a[k].level == (cm_level)lv && a[k].school == (long)i &&
				    a[k].seat == CM_SEAT_PUBLIC)
					range_row(fp, markdown, (cm_level)lv, &schools[i], r,
					          &compounds[a[k].compound], a[k].local, a[k].migrant);
			for (k = 0; k < nz; k++)
				if (cm_plan_home(plan, (cm_level)lv, zero[k]) == (long)i)
					range_row(fp, markdown, (cm_level)lv, &schools[i], r,
					          &compounds[zero[k]], 0, 0);
		}
	}
	free(zero);
	return cm__stream_done(ctx, fp);
}

/* ------------------------------------------------------------ scenarios */

int cm__full_schools(const cm_plan *plan, cm_level lv)
{
	const cm_school *s;
	size_t n = cm_dataset_schools(cm_plan_dataset(plan), &s), i;
	int full = 0;
	for (i = 0; i < n; i++) {
		const cm_school_result *r = cm_plan_school(plan, lv, i);
		full += r->teaches && r->seats > 0 && r->spare <= 0;
	}
	return full;
}

typedef struct rise {
	size_t i;
	double by, from, to;
} rise;

static int cmp_rise(const void *a, const void *b)
{
	const rise *x = a, *y = b;
	if (x->by != y->by)
		return x->by > y->by ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

/* Where a scenario's shortfall grows against the base, and whose shadow
 * prices rise (schools and compounds matched by id; new ones count from 0). */
static void scenario_details(FILE *fp, const cm_run *base, const cm_run *r, cm_level lv)
{
	const cm_compound *c, *bc;
	const cm_school *s, *bs;
	const cm_dataset *ds = cm_plan_dataset(r->plan), *base_ds = cm_plan_dataset(base->plan);
	size_t nc = cm_dataset_compounds(ds, &c), ns = cm_dataset_schools(ds, &s), i, n = 0, k;
	size_t nbc = cm_dataset_compounds(base_ds, &bc), nbs = cm_dataset_schools(base_ds, &bs);
	rise *list = malloc((nc > ns ? nc : ns) * sizeof *list + 1);
	cm__id *cidx = cm__ids_index(sizeof *bc, bc, nbc), *sidx = cm__ids_index(sizeof *bs, bs, nbs);
	if (!list || !cidx || !sidx) {
		free(list);
		free(cidx);
		free(sidx);
		return;
	}
	{ /* a soft policy row like the quota: a miss is said in each run's lines */
		const cm_level_summary *sum = cm_plan_summary(r->plan, lv);
		const cm_config *cfg = cm_plan_config(r->plan);
		if (sum->has_previous && !sum->moved_met)
			fprintf(fp, _("  %s %s: MOVED-PUPILS CAP EXCEEDED: at most %ld pupils should move "
			              "([solve] max_moved_pupils); this plan moves %ld\n"),
			        r->name, cm__level_label(lv), cfg->solve.max_moved_pupils, sum->moved);
	}
	for (i = 0; i < nc; i++) {
		long b = cm__ids_find(cidx, nbc, c[i].id);
		double was = b >= 0 ? cm_plan_unplaced(base->plan, lv, (size_t)b) : 0;
		double now = cm_plan_unplaced(r->plan, lv, i);
		if (now > was)
			list[n++] = (rise){i, now - was, was, now};
	}
	if (n) {
		qsort(list, n, sizeof *list, cmp_rise);
		fprintf(fp, _("  %s %s: shortfall grows at"), r->name, cm__level_label(lv));
		for (k = 0; k < n && k < 6; k++) {
			/* (a compound without a name has its id for one: once) */
			const cm_compound *ck = &c[list[k].i];
			int named = ck->name && *ck->name && strcmp(ck->name, ck->id) != 0;
			fprintf(fp, "%s %s%s%s (+%.0f)", k ? "," : "", ck->id, named ? " " : "",
			        named ? ck->name : "", list[k].by);
		}
		fprintf(fp, "%s\n", n > 6 ? ", ..." : "");
	}
	n = 0;
	for (i = 0; i < ns; i++) {
		const cm_school_result *now = cm_plan_school(r->plan, lv, i);
		long b = cm__ids_find(sidx, nbs, s[i].id);
		const cm_school_result *was = b >= 0 ? cm_plan_school(base->plan, lv, (size_t)b) : NULL;
		double before = was ? was->shadow_pupils * 1e9 + was->shadow_price : 0;
		double after = now->shadow_pupils * 1e9 + now->shadow_price;
		if (now->teaches && after > before + 1e-6)
			list[n++] = (rise){i, after - before, was ? was->shadow_price : 0, now->shadow_price};
	}
	if (n) {
		/* a seat's worth in words: pupils let in, else metres (of trips,
		 * and of moves where the plan is held to the base: "worth") */
		qsort(list, n, sizeof *list, cmp_rise);
		fprintf(fp, _("  %s %s: one more seat is worth more at"), r->name, cm__level_label(lv));
		for (k = 0; k < n && k < 6; k++) {
			const cm_school_result *now = cm_plan_school(r->plan, lv, list[k].i);
			long b = cm__ids_find(sidx, nbs, s[list[k].i].id);
			const cm_school_result *was = b >= 0 ? cm_plan_school(base->plan, lv, (size_t)b) : NULL;
			double pw = was ? was->shadow_pupils : 0;
			fputs(k ? "," : "", fp);
			if (now->shadow_pupils > pw + 1e-9 && now->shadow_pupils > 0.999 && pw < 1e-6)
				fprintf(fp, _(" %s (would let one more pupil in, before none)"), s[list[k].i].id);
			else if (now->shadow_pupils > pw + 1e-9)
				fprintf(fp, _(" %s (would let %.2f of a pupil in, before %.2f)"),
				        s[list[k].i].id, now->shadow_pupils, pw);
			else
				fprintf(fp, _(" %s (worth %.0f m of trips, before %.0f m)"), s[list[k].i].id,
				        list[k].to, list[k].from);
		}
		fprintf(fp, "%s\n", n > 6 ? ", ..." : "");
	}
	free(list);
	free(cidx);
	free(sidx);
}

int cm_report_scenarios(cm_ctx *ctx, const cm_run *runs, size_t n, int csv, FILE *fp)
{
	size_t r;
	int lv, wide = 16; /* the scenario column: its longest name, at least 16 */
	for (r = 0; r < n && !csv; r++) {
		int w = cm__display_width(runs[r].name);
		wide = w > wide ? w : wide;
	}
	if (csv) {
		fprintf(fp, "scenario,level,pupils,placed,shortfall,mean_distance_m,max_distance_m,"
		            "near_share,migrant_public_share,overfull_schools,full_schools,moved,"
		            "moved_compounds,solve_seconds,mip_gap,proven,quota_met\n");
	} else {
		/* the columns: "%-WIDEs %-8s %8ld %8ld %9ld %8s %7s %6s %8s %8d %5d %7s %7s
		 * %8.2f", the gap, the quota (last, as in the CSV, whose readers
		 * know the columns before it by place) */
		int at = 0, end = 0;
		head_cell(fp, _("scenario"), -wide, 0, &at, &end);
		head_cell(fp, _("level"), -8, 1, &at, &end);
		head_cell(fp, _("pupils"), 9, 0, &at, &end);
		head_cell(fp, _("placed"), 9, 0, &at, &end);
		head_cell(fp, _("shortfall"), 10, 0, &at, &end);
		head_cell(fp, _("mean km"), 9, 0, &at, &end);
		head_cell(fp, _("max km"), 8, 0, &at, &end);
		head_cell(fp, _("near"), 7, 0, &at, &end);
		head_cell(fp, _("migrants"), 9, 0, &at, &end);
		head_cell(fp, _("overfull"), 9, 0, &at, &end);
		head_cell(fp, _("full"), 6, 0, &at, &end);
		head_cell(fp, _("moved"), 8, 0, &at, &end);
		head_cell(fp, _("cmpds"), 8, 0, &at, &end);
		head_cell(fp, _("seconds"), 9, 0, &at, &end);
		head_cell(fp, _("gap"), 9, 0, &at, &end);
		head_cell(fp, _("quota"), -7, 2, &at, &end);
		fputc('\n', fp);
	}
	for (r = 0; r < n; r++)
		for (lv = 0; lv < CM_NLEVELS; lv++) {
			const cm_level_summary *s = cm_plan_summary(runs[r].plan, (cm_level)lv);
			char moved[32] = "", cmpds[32] = "";
			if (!s->solved) {
				/* a scenario without pupils at a level the base has: a
				 * row of nobody, not no row (it was left out unsaid) */
				if (r == 0 || !cm_plan_summary(runs[0].plan, (cm_level)lv)->solved)
					continue;
				if (csv) {
					cm__csv_field(fp, runs[r].name);
					fprintf(fp, ",%s,0,0,0,,,,,,,,,,,,\n", cm_level_name((cm_level)lv));
				} else {
					cm__print_padded(fp, runs[r].name, wide);
					fputc(' ', fp);
					cm__print_padded(fp, cm__level_label((cm_level)lv), 8);
					fprintf(fp, " %8d %8d %9d\n", 0, 0, 0);
				}
				continue;
			}
			if (s->has_previous) {
				snprintf(moved, sizeof moved, "%ld", s->moved);
				snprintf(cmpds, sizeof cmpds, "%d", s->moved_compounds);
			}
			/* a share of nobody (no such pupils) is empty, not -1; so
			 * are the trips where nobody has a place, not 0 */
			char near[16] = "", mig[16] = "", tn[16], tm[16], gap[16], mean[32], max[32];
			if (s->near_share >= 0)
				snprintf(near, sizeof near, "%.4f", s->near_share);
			if (s->migrant_public_share >= 0)
				snprintf(mig, sizeof mig, "%.4f", s->migrant_public_share);
			if (csv) {
				cm__csv_field(fp, runs[r].name);
				fprintf(fp, ",%s,%ld,%ld,%ld,%s,%s,%s,%s,%d,%d,%s,%s,%.2f,%.6f,%d,%d\n",
				        cm_level_name((cm_level)lv), s->pupils, s->placed, s->unplaced,
				        trip_m(mean, sizeof mean, s, s->mean_distance_m),
				        trip_m(max, sizeof max, s, s->max_distance_m), near, mig,
				        s->overfull, cm__full_schools(runs[r].plan, (cm_level)lv),
				        moved, cmpds, s->solve_seconds, s->mip_gap, s->proven, s->quota_met);
			} else {
				cm__print_padded(fp, runs[r].name, wide);
				fputc(' ', fp);
				cm__print_padded(fp, cm__level_label((cm_level)lv), 8);
				fprintf(fp, " %8ld %8ld %9ld %8s %7s %6s %8s %8d %5d %7s %7s %8.2f ",
				        s->pupils, s->placed, s->unplaced,
				        trip_km(mean, sizeof mean, s, s->mean_distance_m),
				        trip_km(max, sizeof max, s, s->max_distance_m),
				        pct(tn, sizeof tn, s->near_share),
				        pct(tm, sizeof tm, s->migrant_public_share), s->overfull,
				        cm__full_schools(runs[r].plan, (cm_level)lv), moved, cmpds,
				        s->solve_seconds);
				cm__print_right(fp, gap_text(gap, sizeof gap, s), 8);
				fprintf(fp, "  %s\n", s->quota_met ? _("met") : _("MISSED"));
			}
		}
	if (csv)
		return cm__stream_done(ctx, fp);
	fprintf(fp, _("(moved: of this year's pupils, those the base plan's shares of their "
	              "compound put at a school still open and who are not there now: grown "
	              "demand counts, a closed school's pupils do not; a base against last "
	              "year's plan, when given; cmpds: compounds whose school changes)\n"));
	fprintf(fp, _("(gap: what the search proved, as in each plan's summary: optimal, how "
	              "far the plan may be above the best in pupil-metres plus the stability "
	              "weight per pupil moved against the base, or - where it did not settle the "
	              "fewest without a place or the policy tier)\n"));
	for (r = 1; r < n; r++)
		for (lv = 0; lv < CM_NLEVELS; lv++)
			if (cm_plan_summary(runs[r].plan, (cm_level)lv)->solved)
				scenario_details(fp, &runs[0], &runs[r], (cm_level)lv);
	return cm__stream_done(ctx, fp);
}
