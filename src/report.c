/*
 * report.c: what the planner reads on the terminal.  Plain UTF-8 text,
 * stable in layout (tests compare it), numbers without locale.
 */
#include "internal.h"

#include <stdio.h>
#include <string.h>

static const char *sev_name(cm_severity s)
{
	return s == CM_ERR ? "error" : s == CM_WARNING ? "warning" : "note";
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
		fprintf(fp, "%slayer %s", any ? ", " : "", d->layer);
		any = 1;
	}
	if (d->feature) {
		fprintf(fp, "%s%s", any ? ", " : "", d->feature);
		any = 1;
	}
	if (d->field) {
		fprintf(fp, "%sfield %s", any ? ", " : "", d->field);
		any = 1;
	}
	fprintf(fp, "%s%s\n", any ? ": " : "", d->message);
}

/* Prints the diagnostics, errors first, at most `max_per_kind` of each kind
 * (0: all), with a count of those left out. */
static void print_diags(FILE *fp, const cm_dataset *ds, int max_per_kind)
{
	size_t n = cm_dataset_diag_count(ds), i, j;
	int sev;
	for (sev = CM_ERR; sev >= CM_NOTE; sev--) {
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
				fprintf(fp, "  %-7s %-18s ... and %zu more\n", sev_name((cm_severity)sev),
				        d->kind, total - before);
		}
	}
}

static double ratio(long a, long b)
{
	return b > 0 ? (double)a / (double)b : 0.0;
}

void cm_report_check(FILE *fp, const cm_config *cfg, const cm_dataset *ds,
                     const cm_check_report *rep, int max_per_kind)
{
	int lv;
	size_t notes = cm_dataset_count(ds, CM_NOTE);

	fprintf(fp, "Scenario   %s (%s)\n", cfg->name ? cfg->name : "", cfg->file ? cfg->file : "");
	fprintf(fp, "Schools    %s\n", cm_dataset_source(ds, CM_SCHOOLS));
	fprintf(fp, "Compounds  %s\n", cm_dataset_source(ds, CM_COMPOUNDS));
	fprintf(fp, "Working CRS %s: %s\n\n", cm_dataset_crs_name(ds), cm_dataset_crs_reason(ds));

	fprintf(fp, "Schools      public  private\n");
	fprintf(fp, "  primary    %6zu  %7zu\n", rep->schools_by[CM_KIND_PRIMARY][CM_PUBLIC],
	        rep->schools_by[CM_KIND_PRIMARY][CM_PRIVATE]);
	fprintf(fp, "  junior     %6zu  %7zu\n", rep->schools_by[CM_KIND_JUNIOR][CM_PUBLIC],
	        rep->schools_by[CM_KIND_JUNIOR][CM_PRIVATE]);
	fprintf(fp, "  nine-year  %6zu  %7zu\n", rep->schools_by[CM_KIND_NINE_YEAR][CM_PUBLIC],
	        rep->schools_by[CM_KIND_NINE_YEAR][CM_PRIVATE]);
	fprintf(fp, "  boarding   %6zu\n", rep->boarding);
	fprintf(fp, "Compounds  %zu: urban %zu, town %zu, rural %zu (%zu polygons, %zu points)\n\n",
	        ds->n_compounds, rep->compounds_by_area[CM_URBAN], rep->compounds_by_area[CM_TOWN],
	        rep->compounds_by_area[CM_RURAL], rep->compound_polygons, rep->compound_points);

	fprintf(fp, "Pupils and seats  pupils   local migrant   seats  public private purchased  "
	            "seats/pupils\n");
	for (lv = 0; lv < CM_NLEVELS; lv++) {
		const cm_level_stats *st = &rep->level[lv];
		long pupils = st->pupils[CM_LOCAL] + st->pupils[CM_MIGRANT];
		long seats = st->seats[CM_PUBLIC] + st->seats[CM_PRIVATE];
		fprintf(fp, "  %-14s %8ld %7ld %7ld %7ld %7ld %7ld %9ld  %12.2f\n",
		        cm_level_name((cm_level)lv), pupils, st->pupils[CM_LOCAL],
		        st->pupils[CM_MIGRANT], seats, st->seats[CM_PUBLIC], st->seats[CM_PRIVATE],
		        st->purchased, ratio(seats, pupils));
	}
	for (lv = 0; lv < CM_NLEVELS; lv++) {
		const cm_level_stats *st = &rep->level[lv];
		if (!st->pupils[CM_MIGRANT])
			continue;
		fprintf(fp, "Migrant places %s: %ld public or purchased places left after locals for "
		            "%ld migrants: at most %.1f%% (policy %.0f%%)\n",
		        cm_level_name((cm_level)lv), st->migrant_places, st->pupils[CM_MIGRANT],
		        100.0 * (ratio(st->migrant_places, st->pupils[CM_MIGRANT]) > 1
		                         ? 1.0
		                         : ratio(st->migrant_places, st->pupils[CM_MIGRANT])),
		        100 * cfg->policy.migrant_public_share);
	}
	for (lv = 0; lv < CM_NLEVELS; lv++)
		fprintf(fp, "No school in reach, %s: %zu compounds (%ld pupils)\n",
		        cm_level_name((cm_level)lv), rep->level[lv].no_eligible,
		        rep->level[lv].no_eligible_pupils);

	fprintf(fp, "\nFindings: %zu errors, %zu warnings, %zu notes\n", rep->errors, rep->warnings,
	        notes);
	print_diags(fp, ds, max_per_kind);
	if (rep->solvable)
		fprintf(fp, "\nVerdict: the data can be solved%s.\n",
		        rep->warnings ? ", but read the warnings" : "");
	else
		fprintf(fp, "\nVerdict: the data cannot be solved: %zu error%s to fix.\n", rep->errors,
		        rep->errors == 1 ? "" : "s");
}
