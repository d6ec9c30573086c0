/*
 * bench.c: how fast and how exact catchment is at city scale (issue 5).
 *
 *   bench [--sizes 5000,10000,20000,40000] [--modes split,single]
 *         [--verify] [--dir DIR]
 *
 * For each size: a generated city (citygen.c: compounds, compounds / 20
 * schools, two levels, 12% private schools with purchased places, tight
 * seats, a binding migrant quota, 3 km / 5 km reach) as GeoPackages; then,
 * in a child process per mode, the whole run through the public API: read,
 * check, solve both levels, write the plan GeoPackage.  Prints wall times
 * per stage, the child's peak memory, and per level the pupil-metres, the
 * unplaced pupils and the gap to the LP bound.  --verify solves split mode
 * again with GLPK (solver = glpk, untimed) and prints the relative
 * difference to GLPK's LP optimum; the exit status is then 1 when they
 * disagree beyond 1e-5 or in unplaced pupils.  (GLPK's single mode takes
 * hours at these sizes: single mode reports its own gap.)
 */
#define _GNU_SOURCE
#include "catchment.h"
#include "citygen.h"

#include <gdal.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static cm_config *scenario(cm_ctx *ctx, const char *dir, const char *mode, const char *solver)
{
	char *text;
	cm_config *cfg = NULL;
	if (asprintf(&text,
	             "[input]\nschools = %s/schools.gpkg\ncompounds = %s/compounds.gpkg\n"
	             "[policy]\nmax_distance_primary_m = 3000\nmax_distance_junior_m = 5000\n"
	             "migrant_public_share = 0.85\n[solve]\nassignment = %s\nsolver = %s\n"
	             "mip_gap = 0.001\n",
	             dir, dir, mode, solver) < 0)
		return NULL;
	if (cm_config_parse_string(ctx, text, "bench.ini", dir, &cfg))
		fprintf(stderr, "bench: %s\n", cm_ctx_last_error(ctx));
	free(text);
	return cfg;
}

/* The candidate pairs (compound, school) of both levels within the
 * bench's maximum distances: the model's size, which a generated city of
 * twice the compounds need not double exactly (its districts are drawn at
 * random). */
static long candidate_pairs(const cm_dataset *ds)
{
	const cm_school *s;
	const cm_compound *c;
	size_t ns = cm_dataset_schools(ds, &s), nc = cm_dataset_compounds(ds, &c), i, k;
	const double reach[CM_NLEVELS] = {3000, 5000};
	long pairs = 0;
	for (i = 0; i < nc; i++)
		for (k = 0; k < ns; k++)
			for (int lv = 0; lv < CM_NLEVELS; lv++) {
				double dx = c[i].x - s[k].x, dy = c[i].y - s[k].y;
				pairs += cm_school_teaches(&s[k], (cm_level)lv) &&
				         c[i].pupils[lv][0] + c[i].pupils[lv][1] > 0 &&
				         dx * dx + dy * dy <= reach[lv] * reach[lv];
			}
	return pairs;
}

/* The whole run in this (child) process; prints its part of the row. */
static int run(const char *dir, const char *mode, int verify)
{
	cm_ctx *ctx;
	cm_config *cfg;
	cm_dataset *ds = NULL;
	cm_plan *plan = NULL;
	cm_check_report rep;
	char out[4200];
	double t0 = now(), t_read, t_check, t_solve, t_write;
	int lv, bad = 0;
	cm_ctx_new(&ctx);
	if (!(cfg = scenario(ctx, dir, mode, "auto")))
		return 2;
	if (cm_dataset_load(ctx, cfg, &ds) || (t_read = now(), cm_check(ctx, cfg, ds, &rep)) ||
	    (t_check = now(), cm_solve(ctx, cfg, ds, &plan))) {
		fprintf(stderr, "bench: %s\n", cm_ctx_last_error(ctx));
		return 2;
	}
	t_solve = now();
	snprintf(out, sizeof out, "%s/plan-%s.gpkg", dir, mode);
	if (cm_plan_write(ctx, plan, ds, cfg, out)) {
		fprintf(stderr, "bench: %s\n", cm_ctx_last_error(ctx));
		return 2;
	}
	t_write = now();
	printf("%-6s %6.2f %6.2f %6.2f %6.2f %7.2f %6.2fM", mode, t_read - t0, t_check - t_read,
	       t_solve - t_check, t_write - t_solve, t_write - t0, candidate_pairs(ds) / 1e6);
	for (lv = 0; lv < CM_NLEVELS; lv++) {
		const cm_level_summary *s = cm_plan_summary(plan, (cm_level)lv);
		printf("  %14.1f %6ld %+5ld %6.3f%% %6ld %s", s->pupil_metres, s->unplaced,
		       s->unplaced - s->lp_unplaced, 100 * s->mip_gap, s->nodes,
		       s->proven ? "yes" : "no ");
	}
	fflush(stdout);
	if (verify && !strcmp(mode, "split")) {
		cm_config *g = scenario(ctx, dir, mode, "glpk");
		cm_plan *gp = NULL;
		double t = now();
		if (!g || cm_solve(ctx, g, ds, &gp)) {
			fprintf(stderr, "bench: glpk: %s\n", cm_ctx_last_error(ctx));
			return 2;
		}
		printf("  | glpk %.1fs:", now() - t);
		for (lv = 0; lv < CM_NLEVELS; lv++) {
			const cm_level_summary *a = cm_plan_summary(plan, (cm_level)lv);
			const cm_level_summary *b = cm_plan_summary(gp, (cm_level)lv);
			double ref = b->lp_bound, rel = ref > 0 ? (a->pupil_metres - ref) / ref : 0;
			printf(" %+.2e%s", rel, a->unplaced == b->unplaced ? "" : " (unplaced differ)");
			if (a->unplaced != b->unplaced || fabs(rel) > 1e-5)
				bad = 1;
		}
		cm_plan_free(gp);
		cm_config_free(g);
	}
	cm_plan_free(plan);
	cm_dataset_free(ds);
	cm_config_free(cfg);
	cm_ctx_free(ctx);
	fflush(stdout);
	return bad;
}

int main(int argc, char **argv)
{
	const char *sizes = "5000,10000,20000,40000", *modes = "split,single", *base = "/tmp/cm-bench";
	int verify = 0, status = 0, i;
	char *list, *tok, *save;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--sizes") && i + 1 < argc)
			sizes = argv[++i];
		else if (!strcmp(argv[i], "--modes") && i + 1 < argc)
			modes = argv[++i];
		else if (!strcmp(argv[i], "--dir") && i + 1 < argc)
			base = argv[++i];
		else if (!strcmp(argv[i], "--verify"))
			verify = 1;
		else {
			fprintf(stderr, "usage: bench [--sizes N,N,...] [--modes split,single] [--verify] "
			                "[--dir DIR]\n");
			return 2;
		}
	}
	GDALAllRegister();
	mkdir(base, 0777);
	printf("catchment %s benchmark: seconds per stage, peak memory of the run; per level "
	       "pupil-metres, pupils without a place (and above the relaxation's), the certified gap "
	       "(pupil-metres above the search's bound; 100%% when the fewest without a place is not "
	       "proven), relaxations solved, proven optimal; pairs: candidate compound-school pairs "
	       "in reach; mip_gap = 0.001\n", cm_version());
	printf("%7s %6s %-6s %6s %6s %6s %6s %7s %7s  %-47s %-47s\n", "compnds", "school", "mode",
	       "read", "check", "solve", "write", "total", "pairs",
	       "primary: metres unplaced +LP gap nodes proven",
	       "junior: metres unplaced +LP gap nodes proven");
	list = strdup(sizes);
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int n = atoi(tok);
		char dir[4096], *mlist, *m, *msave;
		snprintf(dir, sizeof dir, "%s/city-%d", base, n);
		mkdir(dir, 0777);
		if (n < 100 || citygen(dir, n, 1)) {
			fprintf(stderr, "bench: cannot generate the city of %d compounds in %s\n", n, dir);
			return 2;
		}
		mlist = strdup(modes);
		for (m = strtok_r(mlist, ",", &msave); m; m = strtok_r(NULL, ",", &msave)) {
			struct rusage ru;
			int st = 0;
			pid_t pid;
			printf("%7d %6d ", n, n / 20);
			fflush(stdout);
			pid = fork();
			if (pid == 0)
				_exit(run(dir, m, verify));
			if (pid < 0 || wait4(pid, &st, 0, &ru) < 0) {
				perror("bench");
				return 2;
			}
			printf("  peak %.0f MB\n", (double)ru.ru_maxrss / 1024);
			if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
				status = 1;
		}
		free(mlist);
	}
	free(list);
	return status;
}
