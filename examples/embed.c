/*
 * embed.c: the catchment library in a program of its own.
 *
 * Loads a scenario, checks its data, solves it, prints each level's figures
 * and writes the plan, through catchment.h alone: what a program that
 * embeds the engine does (the catchment command does the same with more
 * options).  meson builds it and runs it on the example county as a test;
 * against an installed catchment it builds with
 *
 *     cc embed.c $(pkg-config --cflags --libs catchment) -o embed
 *
 * Usage: embed SCENARIO.ini PLAN.gpkg
 * Exit status: 0 the plan is written, 1 bad input or data that cannot be
 * solved, 2 usage error, 3 any other failure.
 */
#include <catchment.h>

#include <stdio.h>

/* Warnings from the library go to stderr; its information messages are
 * left out to keep the output short. */
static void on_log(cm_log_level level, const char *msg, void *ud)
{
	(void)ud;
	if (level == CM_LOG_WARN)
		fprintf(stderr, "embed: warning: %s\n", msg);
}

/* The check's errors, each named by file, layer, feature and field. */
static void print_errors(const cm_dataset *ds)
{
	size_t n = cm_dataset_diag_count(ds);
	for (size_t i = 0; i < n; i++) {
		const cm_diag *d = cm_dataset_diag(ds, i);
		if (d->severity != CM_ERR)
			continue;
		fprintf(stderr, "embed: %s: %s%s%s%s%s: %s\n", d->file, d->layer,
		        d->feature ? ", " : "", d->feature ? d->feature : "",
		        d->field ? ", field " : "", d->field ? d->field : "", d->message);
	}
}

static void print_figures(const cm_plan *plan)
{
	printf("%-8s %8s %8s %9s %8s %8s %9s %6s %8s\n", "level", "pupils", "placed", "shortfall",
	       "mean km", "max km", "migrants", "quota", "gap");
	for (int lv = 0; lv < CM_NLEVELS; lv++) {
		const cm_level_summary *s = cm_plan_summary(plan, (cm_level)lv);
		if (!s->solved)
			continue;
		printf("%-8s %8ld %8ld %9ld %8.2f %8.2f ", cm_level_name((cm_level)lv), s->pupils,
		       s->placed, s->unplaced, s->mean_distance_m / 1000, s->max_distance_m / 1000);
		if (s->migrant_public_share < 0)
			printf("%9s %6s ", "-", "-");
		else
			printf("%8.1f%% %6s ", 100 * s->migrant_public_share,
			       s->quota_met ? "met" : "short");
		if (s->proven)
			printf("%8s\n", "optimal");
		else
			printf("%7.2f%%\n", 100 * s->mip_gap);
	}
}

int main(int argc, char **argv)
{
	cm_ctx *ctx = NULL;
	cm_config *cfg = NULL;
	cm_dataset *ds = NULL;
	cm_plan *plan = NULL;
	cm_solve_opts so = CM_SOLVE_OPTS_INIT;
	const cm_school *schools;
	const cm_compound *compounds;
	cm_check_report rep;
	int rc, status = 3;

	if (argc != 3) {
		fprintf(stderr, "usage: embed SCENARIO.ini PLAN.gpkg\n");
		return 2;
	}
	if (cm_ctx_new(&ctx) < 0) {
		fprintf(stderr, "embed: out of memory\n");
		return 3;
	}
	cm_ctx_set_log(ctx, on_log, NULL);
	printf("catchment %s\n", cm_version());

	if ((rc = cm_config_load(ctx, argv[1], &cfg)) < 0 ||
	    (rc = cm_dataset_load(ctx, cfg, &ds)) < 0 ||
	    (rc = cm_check(ctx, cfg, ds, &rep)) < 0)
		goto cleanup;
	printf("%zu schools, %zu compounds; working CRS %s\n", cm_dataset_schools(ds, &schools),
	       cm_dataset_compounds(ds, &compounds), cm_dataset_crs_name(ds));
	if (!rep.solvable) {
		print_errors(ds);
		fprintf(stderr, "embed: %s cannot be solved (%zu errors)\n", argv[1], rep.errors);
		status = 1;
		goto cleanup;
	}

	/* the options: the configuration, and here nothing else (no previous
	 * plan; threads 0, the levels side by side where they may be: a host
	 * that must not have threads started sets 1) */
	so.config = cfg;
	if ((rc = cm_solve(ctx, ds, &so, &plan)) < 0)
		goto cleanup;
	print_figures(plan);
	if ((rc = cm_plan_write(ctx, plan, argv[2])) < 0)
		goto cleanup;
	printf("plan written to %s\n", argv[2]);
	status = 0;

cleanup:
	if (status == 3 && rc < 0) {
		fprintf(stderr, "embed: %s\n", cm_ctx_last_error(ctx));
		if (rc == CM_EINPUT)
			status = 1;
	}
	cm_plan_free(plan);
	cm_dataset_free(ds);
	cm_config_free(cfg);
	cm_ctx_free(ctx);
	return status;
}
