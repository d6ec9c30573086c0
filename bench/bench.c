/*
 * bench.c: how fast and how exact catchment is at city scale (issue 5).
 *
 *   bench [--sizes 5000,10000,20000,40000] [--modes split,single]
 *         [--verify | --verify-policy] [--roads] [--effort E]
 *         [--seeds K | --seed S] [--dir DIR]
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
 * hours at these sizes: single mode reports its own gap.)  In single mode
 * --verify makes the exit status 1 when a level ends without settling the
 * fewest pupils without a place (more than the search proved possible);
 * --verify-policy also when it ends without settling the policy tier
 * (local children without a place, the quota's and the other policy rows'
 * shortfall: the plan's above what the search proved possible, so that no
 * gap in pupil-metres is certified).  --effort gives single mode's search
 * E times its automatic budget ([solve] effort).  --modes '' writes the
 * cities and runs nothing (tests/test_cli.c solves one itself).
 *
 * --seeds K runs K cities of each size (citygen's seeds 1 to K; seed 1 is
 * the city of the plain run, in DIR/city-N, the others in DIR/city-N-sK;
 * --seed S the city of seed S alone)
 * and ends with a summary per mode: the levels whose certified gap is
 * above mip_gap, those whose places or policy tier are not settled, the
 * mean certified gap of the others and the longest run.  A change to the
 * search is judged on many cities, not on the few sizes of the acceptance
 * table: on one city a change moves single levels by 0.01-0.3% either way
 * (docs/model.md, "What limits the search").
 *
 * --roads (issue 13) also writes the city's roads (cityroads.c: a street
 * lattice, its residential streets one-way, a river with a few bridges, an
 * expressway with a few interchanges) and runs each mode three times: on straight lines, on the
 * roads walking and on the roads driving.  Before the runs, the network
 * distances alone, walking and driving, each in a child of its own: the
 * roads read, the graph built, every compound and school snapped and
 * every school's bounded search (cm__roads_pairs, reached through the
 * library's internal header as the tests reach it; the runs use only the
 * public API), with the pairs in reach and their mean detour ratio.
 * After the runs: each road run's time over the straight-line run's, the
 * pupils at another school than on straight lines (or placed in one plan
 * only), and the mean detour ratio of the placed pupils to their school.
 */
#define _GNU_SOURCE
#include "catchment.h"
#include "citygen.h"
#include "src/roads.h"

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

/* The process's processor seconds (user and system, every thread): on a
 * busy machine a steadier figure than the wall clock, which counts the
 * waits for a core. */
static double cpu_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* How far pupils travel in a run. */
typedef enum kind { STRAIGHT, WALK, DRIVE, NKINDS } kind;
static const char *const kind_name[NKINDS] = {"straight", "walk", "drive"};

/* A count from 1 to 1000 in `text` (--seeds, --seed), 0 where it is not. */
static int count_arg(const char *text)
{
	char *end;
	long v = strtol(text, &end, 10);
	return end != text && !*end && v >= 1 && v <= 1000 ? (int)v : 0;
}

/* [solve] mip_gap of single mode's runs */
#define BENCH_GAP 0.001

/* Where run() leaves a run's figures for the summary (tally_run). */
static void gaps_path(char *buf, size_t size, const char *dir, const char *mode)
{
	snprintf(buf, size, "%s/gaps-%s.txt", dir, mode);
}

/* Did the search leave a tier of level s open (places, or the policy
 * tier: no pupil-metres gap certified)?  Split mode's relaxation never
 * does. */
static int tier_open(const char *mode, const cm_level_summary *s)
{
	return !strcmp(mode, "single") && s->bound < 0 && !s->proven;
}

/* [solve] effort for single mode (--effort) */
static double effort = 1;

/* Whether the configuration takes `text` as [solve] effort (its range is
 * the configuration's, said on stderr), before a city is generated. */
static int effort_ok(const char *text)
{
	cm_ctx *ctx;
	cm_config *cfg = NULL;
	int ok;
	if (cm_ctx_new(&ctx))
		return 0;
	ok = !cm_config_new(ctx, "bench.ini", &cfg) &&
	     !cm_config_set(ctx, cfg, "solve", "effort", text);
	if (!ok)
		fprintf(stderr, "bench: --effort %s: %s\n", text, cm_ctx_last_error(ctx));
	cm_config_free(cfg);
	cm_ctx_free(ctx);
	return ok;
}

static cm_config *scenario(cm_ctx *ctx, const char *dir, const char *mode, const char *solver,
                           kind k)
{
	char *text, roads[4400] = "";
	cm_config *cfg = NULL;
	/* driving: the expressway, the primary roads and the streets at the
	 * speeds a city sets */
	if (k != STRAIGHT)
		snprintf(roads, sizeof roads,
		         "[input]\nroads = %s/roads.gpkg\n[roads]\nmode = %s\n"
		         "speed_kmh = motorway:80, primary:50, residential:30\n",
		         dir, kind_name[k]);
	if (asprintf(&text,
	             "[input]\nschools = %s/schools.gpkg\ncompounds = %s/compounds.gpkg\n"
	             "[policy]\nmax_distance_primary_m = 3000\nmax_distance_junior_m = 5000\n"
	             "migrant_public_share = 0.85\n[solve]\nassignment = %s\nsolver = %s\n"
	             "mip_gap = %g\neffort = %.17g\n%s",
	             dir, dir, mode, solver, BENCH_GAP, effort, roads) < 0)
		return NULL;
	if (cm_config_parse_string(ctx, text, "bench.ini", dir, &cfg))
		fprintf(stderr, "bench: %s\n", cm_ctx_last_error(ctx));
	free(text);
	return cfg;
}

/* The candidate pairs (compound, school) of both levels within the
 * bench's maximum distances: the model's size, which a generated city of
 * twice the compounds need not double exactly (its districts are drawn at
 * random).  On straight lines without `p`, else along the network's pairs
 * `p`, with their mean detour ratio (network metres over the straight
 * line, of the pairs not at the school's own point) in *detour. */
static long candidate_pairs(const cm_dataset *ds, const cm__pairs *p, double *detour)
{
	const cm_school *s;
	const cm_compound *c;
	size_t ns = cm_dataset_schools(ds, &s), nc = cm_dataset_compounds(ds, &c), i, k;
	const double reach[CM_NLEVELS] = {3000, 5000};
	double ratio = 0;
	long pairs = 0, bent = 0;
	for (i = 0; i < nc; i++)
		for (k = 0; k < ns; k++) {
			double dx = c[i].x - s[k].x, dy = c[i].y - s[k].y, line = sqrt(dx * dx + dy * dy);
			double d = p ? cm__pair_distance(ds, p, i, k) : line;
			for (int lv = 0; lv < CM_NLEVELS; lv++) {
				int in = cm_school_teaches(&s[k], (cm_level)lv) &&
				         c[i].pupils[lv][0] + c[i].pupils[lv][1] > 0 && d <= reach[lv];
				pairs += in;
				if (in && line > 1) {
					ratio += d / line;
					bent++;
				}
			}
		}
	if (detour)
		*detour = bent ? ratio / (double)bent : 0;
	return pairs;
}

/* ------------------------------------------------------------ network distances */

typedef struct stopwatch {
	double t0;                   /* the search's start */
	double first;                /* the first school's search done, -1: not yet */
	double last;                 /* the last progress seen */
} stopwatch;

static void on_progress(double done, const char *stage, void *ud)
{
	stopwatch *w = ud;
	(void)done;
	if (strcmp(stage, "roads"))
		return;
	if (w->first < 0)
		w->first = now();
	w->last = now();
}

/* Times the network distances of `k` on the city in `dir` (a child
 * process): the roads read, the graph, the snapping and the searches, the
 * dataset loaded beforehand on straight lines.  Prints its row. */
static int distances(const char *dir, kind k)
{
	cm_ctx *ctx;
	cm_config *cfg, *rcfg;
	cm_dataset *ds = NULL;
	cm__pairs *p = NULL;
	stopwatch w = {0, -1, 0};
	double t1, c0, c1, detour;
	long pairs;
	cm_ctx_new(&ctx);
	if (!(cfg = scenario(ctx, dir, "split", "auto", STRAIGHT)) ||
	    !(rcfg = scenario(ctx, dir, "split", "auto", k)))
		return 2;
	if (cm_dataset_load(ctx, cfg, &ds)) {
		fprintf(stderr, "bench: %s\n", cm_ctx_last_error(ctx));
		return 2;
	}
	cm_ctx_set_progress(ctx, on_progress, &w);
	c0 = cpu_now();
	w.t0 = now();
	if (cm__roads_pairs(ctx, rcfg, ds, NULL, &p)) {
		fprintf(stderr, "bench: %s\n", cm_ctx_last_error(ctx));
		return 2;
	}
	t1 = now();
	c1 = cpu_now();
	pairs = candidate_pairs(ds, p, &detour);
	/* "build": reading, the graph, the snapping and the first search */
	printf("%-6s %6.2f %6.2f %7.2f %6.2f %7.2fM %6.3f", kind_name[k], w.first - w.t0,
	       t1 - w.first, t1 - w.t0, c1 - c0, pairs / 1e6, detour);
	cm__pairs_free(p);
	cm_dataset_free(ds);
	cm_config_free(rcfg);
	cm_config_free(cfg);
	cm_ctx_free(ctx);
	fflush(stdout);
	return 0;
}

/* ------------------------------------------------------------ the plans compared */

/* One line of a plan, as a run leaves it for the comparison. */
typedef struct placed {
	long compound, level, school; /* school -1: without a place */
	long pupils;
} placed;

static int cmp_placed(const void *a, const void *b)
{
	const placed *x = a, *y = b;
	if (x->compound != y->compound)
		return x->compound < y->compound ? -1 : 1;
	if (x->level != y->level)
		return x->level < y->level ? -1 : 1;
	return (x->school > y->school) - (x->school < y->school);
}

/* The plan's assignments into `path`, and the mean detour ratio of its
 * placed pupils by level (the distance the plan used over the straight
 * line to their school; pupils at the school's own point left out). */
static int save_plan(const char *path, const cm_plan *plan, const cm_dataset *ds,
                     double detour[CM_NLEVELS])
{
	const cm_assignment *a;
	const cm_compound *c;
	const cm_school *s;
	size_t n = cm_plan_assignments(plan, &a), i;
	double sum[CM_NLEVELS] = {0, 0}, w[CM_NLEVELS] = {0, 0};
	FILE *fp = fopen(path, "w");
	cm_dataset_compounds(ds, &c);
	cm_dataset_schools(ds, &s);
	if (!fp)
		return -1;
	for (i = 0; i < n; i++) {
		int pupils = a[i].local + a[i].migrant;
		fprintf(fp, "%zu %d %ld %d\n", a[i].compound, (int)a[i].level, a[i].school, pupils);
		if (a[i].school >= 0) {
			const cm_compound *ci = &c[a[i].compound];
			const cm_school *sk = &s[a[i].school];
			double line = hypot(ci->x - sk->x, ci->y - sk->y);
			if (line > 1) {
				sum[a[i].level] += pupils * a[i].distance_m / line;
				w[a[i].level] += pupils;
			}
		}
	}
	for (i = 0; i < CM_NLEVELS; i++)
		detour[i] = w[i] > 0 ? sum[i] / w[i] : 0;
	return fclose(fp) ? -1 : 0;
}

static placed *load_plan(const char *path, size_t *n)
{
	FILE *fp = fopen(path, "r");
	placed *v = NULL, *t;
	size_t cap = 0;
	long c, l, s, p;
	*n = 0;
	if (!fp)
		return NULL;
	while (fscanf(fp, "%ld %ld %ld %ld", &c, &l, &s, &p) == 4) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 1024;
			if (!(t = realloc(v, cap * sizeof *v))) {
				free(v);
				fclose(fp);
				return NULL;
			}
			v = t;
		}
		v[(*n)++] = (placed){c, l, s, p};
	}
	fclose(fp);
	qsort(v, *n, sizeof *v, cmp_placed);
	return v;
}

/* Pupils by level whose school differs between the plans in files `pa`
 * and `pb` (a school, or none): per compound, school by school, the
 * pupils A has there beyond B's; and the pupils of each level in A.
 * -1 when a file cannot be read. */
static int moved_pupils(const char *pa, const char *pb, long moved[CM_NLEVELS],
                        long pupils[CM_NLEVELS])
{
	size_t na, nb, i = 0, j = 0;
	placed *a = load_plan(pa, &na), *b = load_plan(pb, &nb);
	int lv;
	for (lv = 0; lv < CM_NLEVELS; lv++)
		moved[lv] = pupils[lv] = 0;
	if (!a || !b) {
		free(a);
		free(b);
		return -1;
	}
	for (i = 0; i < na; i++)
		if (a[i].level >= 0 && a[i].level < CM_NLEVELS)
			pupils[a[i].level] += a[i].pupils;
	for (i = 0; i < na; i++) {
		long there = 0;
		while (j < nb && cmp_placed(&b[j], &a[i]) < 0)
			j++;
		if (j < nb && !cmp_placed(&b[j], &a[i]))
			there = b[j].pupils;
		if (a[i].level >= 0 && a[i].level < CM_NLEVELS && a[i].pupils > there)
			moved[a[i].level] += a[i].pupils - there;
	}
	free(a);
	free(b);
	return 0;
}

/* The whole run in this (child) process; prints its part of the row.  With
 * `roads`, leaves the plan and its figures for the comparison. */
static int run(const char *dir, const char *mode, kind k, int roads, int verify)
{
	cm_ctx *ctx;
	cm_config *cfg;
	cm_dataset *ds = NULL;
	cm_plan *plan = NULL;
	cm_check_report rep;
	char out[4200];
	double t0 = now(), c0 = cpu_now(), t_read, t_check, t_solve, t_write, c_write;
	double detour[CM_NLEVELS];
	int lv, bad = 0;
	cm_solve_opts so = CM_SOLVE_OPTS_INIT;
	cm_ctx_new(&ctx);
	if (!(cfg = scenario(ctx, dir, mode, "auto", k)))
		return 2;
	so.config = cfg;
	if (cm_dataset_load(ctx, cfg, &ds) || (t_read = now(), cm_check(ctx, cfg, ds, &rep)) ||
	    (t_check = now(), cm_solve(ctx, ds, &so, &plan))) {
		fprintf(stderr, "bench: %s\n", cm_ctx_last_error(ctx));
		return 2;
	}
	t_solve = now();
	if (k == STRAIGHT)
		snprintf(out, sizeof out, "%s/plan-%s.gpkg", dir, mode);
	else
		snprintf(out, sizeof out, "%s/plan-%s-%s.gpkg", dir, mode, kind_name[k]);
	if (cm_plan_write(ctx, plan, out)) {
		fprintf(stderr, "bench: %s\n", cm_ctx_last_error(ctx));
		return 2;
	}
	t_write = now();
	c_write = cpu_now();
	if (roads) {
		FILE *fp = NULL;
		snprintf(out, sizeof out, "%s/assign-%s-%s.txt", dir, mode, kind_name[k]);
		if (!save_plan(out, plan, ds, detour)) {
			snprintf(out, sizeof out, "%s/run-%s-%s.txt", dir, mode, kind_name[k]);
			if ((fp = fopen(out, "w")) != NULL)
				fprintf(fp, "%.6f %.6f %.6f %.6f\n", t_write - t0, c_write - c0, detour[0],
				        detour[1]);
		}
		if (!fp || fclose(fp)) {
			fprintf(stderr, "bench: cannot write %s\n", out);
			return 2;
		}
		printf("%-6s %-8s", mode, kind_name[k]);
	} else {
		printf("%-6s", mode);
	}
	printf(" %6.2f %6.2f %6.2f %6.2f %7.2f", t_read - t0, t_check - t_read, t_solve - t_check,
	       t_write - t_solve, t_write - t0);
	if (roads)
		printf(" %6.2f", c_write - c0);
	printf(" %6.2fM", candidate_pairs(ds, ds->pairs, NULL) / 1e6);
	for (lv = 0; lv < CM_NLEVELS; lv++) {
		const cm_level_summary *s = cm_plan_summary(plan, (cm_level)lv);
		printf("  %14.1f %6ld %+5ld", s->pupil_metres, s->unplaced, s->unplaced - s->lp_unplaced);
		if (!tier_open(mode, s))
			printf(" %6.3f%%", 100 * s->mip_gap);
		else /* the tier the search has not proven yet */
			printf(" %7s", s->unplaced > s->bound_unplaced ? "places" : "policy");
		printf(" %6ld %s", s->nodes, s->proven ? "yes" : "no ");
	}
	fflush(stdout);
	if (verify && !strcmp(mode, "single"))
		for (lv = 0; lv < CM_NLEVELS; lv++) {
			/* the fewest without a place must be proved, not given up on */
			const cm_level_summary *s = cm_plan_summary(plan, (cm_level)lv);
			if (s->unplaced > s->bound_unplaced) {
				printf("  | %s: %ld without a place, not settled (at least %ld)",
				       cm_level_name((cm_level)lv), s->unplaced, s->bound_unplaced);
				bad = 1;
			} else if (verify > 1 && s->bound < 0 && !s->proven) {
				printf("  | %s: policy tier not settled", cm_level_name((cm_level)lv));
				bad = 1;
			}
		}
	if (verify && !strcmp(mode, "split")) {
		cm_config *g = scenario(ctx, dir, mode, "glpk", k);
		cm_plan *gp = NULL;
		double t = now();
		cm_solve_opts gso = CM_SOLVE_OPTS_INIT;
		gso.config = g;
		if (!g || cm_solve(ctx, ds, &gso, &gp)) {
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
	{
		/* the figures for the summary (main): per level the certified
		 * gap, -1 where places or the policy tier are open; the time */
		FILE *fp;
		gaps_path(out, sizeof out, dir, mode);
		if ((fp = fopen(out, "w")) != NULL) {
			for (lv = 0; lv < CM_NLEVELS; lv++) {
				const cm_level_summary *s = cm_plan_summary(plan, (cm_level)lv);
				fprintf(fp, "%.17g ", tier_open(mode, s) ? -1 : s->mip_gap);
			}
			fprintf(fp, "%.6f\n", t_write - t0);
			fclose(fp);
		}
	}
	cm_plan_free(plan);
	cm_dataset_free(ds);
	cm_config_free(cfg);
	cm_ctx_free(ctx);
	fflush(stdout);
	return bad;
}

/* The summary of a mode's runs (--seeds). */
typedef struct tally {
	int levels, open, over;
	double sum, longest;
} tally;

/* Adds the figures run() left in `dir` for `mode` to *t; -1 where it left
 * none (it failed). */
static int tally_run(tally *t, const char *dir, const char *mode)
{
	char path[4200];
	double g[CM_NLEVELS], secs;
	FILE *fp;
	int ok;
	_Static_assert(CM_NLEVELS == 2, "the figures' line holds two levels");
	gaps_path(path, sizeof path, dir, mode);
	if (!(fp = fopen(path, "r")))
		return -1;
	if ((ok = fscanf(fp, "%lf %lf %lf", &g[0], &g[1], &secs) == 3)) {
		for (int lv = 0; lv < CM_NLEVELS; lv++) {
			t->levels++;
			if (g[lv] < 0) {
				t->open++;
				continue;
			}
			t->sum += g[lv];
			/* (a gap at mip_gap may print a hair above it) */
			t->over += g[lv] > BENCH_GAP * (1 + 1e-6);
		}
		if (secs > t->longest)
			t->longest = secs;
	}
	fclose(fp);
	return ok ? 0 : -1;
}

/* A road run's figures against the straight-line run's, from the files
 * the runs left in `dir`. */
static void compare_runs(const char *dir, const char *mode)
{
	char path[4200], base[4200];
	double t[NKINDS], cpu[NKINDS], det[NKINDS][CM_NLEVELS];
	int have[NKINDS], k;
	for (k = 0; k < NKINDS; k++) {
		FILE *fp;
		snprintf(path, sizeof path, "%s/run-%s-%s.txt", dir, mode, kind_name[k]);
		have[k] = (fp = fopen(path, "r")) != NULL &&
		          fscanf(fp, "%lf %lf %lf %lf", &t[k], &cpu[k], &det[k][0], &det[k][1]) == 4;
		if (fp)
			fclose(fp);
	}
	if (!have[STRAIGHT])
		return;
	snprintf(base, sizeof base, "%s/assign-%s-%s.txt", dir, mode, kind_name[STRAIGHT]);
	for (k = WALK; k < NKINDS; k++) {
		long moved[CM_NLEVELS], pupils[CM_NLEVELS];
		if (!have[k])
			continue;
		snprintf(path, sizeof path, "%s/assign-%s-%s.txt", dir, mode, kind_name[k]);
		printf("  %s on roads, %s: %.2fx the straight-line run's time (%.2fx its processor "
		       "time)", mode, kind_name[k], t[k] / t[STRAIGHT], cpu[k] / cpu[STRAIGHT]);
		if (moved_pupils(base, path, moved, pupils))
			printf("; the plans cannot be compared\n");
		else
			printf("; pupils at another school than on straight lines: primary %ld of %ld "
			       "(%.1f%%), junior %ld of %ld (%.1f%%); mean detour ratio of the placed "
			       "pupils: primary %.3f, junior %.3f\n",
			       moved[0], pupils[0], pupils[0] ? 100.0 * moved[0] / pupils[0] : 0,
			       moved[1], pupils[1], pupils[1] ? 100.0 * moved[1] / pupils[1] : 0,
			       det[k][0], det[k][1]);
	}
}

/* Runs `fn` in a child; prints its peak memory and returns its status
 * (2: it could not be run). */
static int child(int (*fn)(const char *, const char *, kind, int, int), const char *dir,
                 const char *mode, kind k, int roads, int verify)
{
	struct rusage ru;
	int st = 0;
	pid_t pid;
	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(fn(dir, mode, k, roads, verify));
	if (pid < 0 || wait4(pid, &st, 0, &ru) < 0) {
		perror("bench");
		return 2;
	}
	printf("  peak %.0f MB\n", (double)ru.ru_maxrss / 1024);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 2;
}

static int distances_child(const char *dir, const char *mode, kind k, int roads, int verify)
{
	(void)mode;
	(void)roads;
	(void)verify;
	return distances(dir, k);
}

int main(int argc, char **argv)
{
	const char *sizes = "5000,10000,20000,40000", *modes = "split,single", *base = "/tmp/cm-bench";
	int verify = 0, roads = 0, status = 0, i, seeds = 0, seed = 0, first, last, failed[2] = {0, 0};
	tally tal[2] = {{0}, {0}}; /* split, single */
	char *list, *tok, *save;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--sizes") && i + 1 < argc)
			sizes = argv[++i];
		else if (!strcmp(argv[i], "--modes") && i + 1 < argc)
			modes = argv[++i];
		else if (!strcmp(argv[i], "--dir") && i + 1 < argc)
			base = argv[++i];
		else if (!strcmp(argv[i], "--verify"))
			verify = verify > 1 ? verify : 1;
		else if (!strcmp(argv[i], "--verify-policy"))
			verify = 2;
		else if (!strcmp(argv[i], "--roads"))
			roads = 1;
		else if (!strcmp(argv[i], "--effort") && i + 1 < argc && effort_ok(argv[i + 1]))
			effort = atof(argv[++i]);
		else if (!strcmp(argv[i], "--seeds") && i + 1 < argc && !seeds && !seed &&
		         (seeds = count_arg(argv[i + 1])) > 0)
			i++;
		else if (!strcmp(argv[i], "--seed") && i + 1 < argc && !seeds && !seed &&
		         (seed = count_arg(argv[i + 1])) > 0)
			i++;
		else {
			fprintf(stderr, "usage: bench [--sizes N,N,...] [--modes split,single] "
			                "[--verify | --verify-policy] [--roads] [--effort E] "
			                "[--seeds K | --seed S] [--dir DIR]\n");
			return 2;
		}
	}
	/* the cities' seeds: 1 to --seeds K, or --seed S alone, or 1 */
	first = seed ? seed : 1;
	last = seed ? seed : seeds ? seeds : 1;
	GDALAllRegister();
	mkdir(base, 0777);
	printf("catchment %s benchmark: seconds per stage, peak memory of the run; per level "
	       "pupil-metres, pupils without a place (and above the relaxation's), the certified gap "
	       "(pupil-metres above the search's bound; 'places' when the fewest without a place is "
	       "not proven, 'policy' when the policy tier is not: local children without a place, "
	       "then the migrant quota), relaxations solved, proven optimal; pairs: candidate "
	       "compound-school pairs in reach; mip_gap = %g, effort = %g\n", cm_version(), BENCH_GAP,
	       effort);
	list = strdup(sizes);
	/* each size, each seed */
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
	for (int sd = first; sd <= last; sd++) {
		int n = atoi(tok);
		char dir[4096], *mlist, *m, *msave;
		citygen_roads net;
		kind k;
		if (sd == 1)
			snprintf(dir, sizeof dir, "%s/city-%d", base, n);
		else
			snprintf(dir, sizeof dir, "%s/city-%d-s%d", base, n, sd);
		mkdir(dir, 0777);
		if (n < 100 || citygen(dir, n, (unsigned)sd, roads ? &net : NULL)) {
			fprintf(stderr, "bench: cannot generate the city of %d compounds in %s\n", n, dir);
			return 2;
		}
		if (sd > 1)
			printf("city of %d compounds, seed %d\n", n, sd);
		if (roads) {
			printf("city of %d compounds, %d schools; roads: %ld lines, %ld segments (the "
			       "residential streets one-way), a river with %d bridges, an expressway with "
			       "%d interchanges\n",
			       n, n / 20, net.lines, net.segments, net.bridges, net.interchanges);
			printf("network distances (seconds; build: read, graph, snap and the first "
			       "search; cpu: processor seconds of the whole), the pairs in reach and their "
			       "mean detour ratio:\n");
			printf("%-6s %6s %6s %7s %6s %8s %6s\n", "roads", "build", "search", "total", "cpu",
			       "pairs", "detour");
			for (k = WALK; k < NKINDS; k++)
				if (child(distances_child, dir, "", k, 1, 0))
					status = 1;
		}
		printf("%7s %6s %-6s %s%6s %6s %6s %6s %7s %s%7s  %-47s %-47s\n", "compnds", "school",
		       "mode", roads ? "distance " : "", "read", "check", "solve", "write", "total",
		       roads ? "   cpu " : "", "pairs", "primary: metres unplaced +LP gap nodes proven",
		       "junior: metres unplaced +LP gap nodes proven");
		mlist = strdup(modes);
		for (m = strtok_r(mlist, ",", &msave); m; m = strtok_r(NULL, ",", &msave)) {
			for (k = STRAIGHT; k < (roads ? NKINDS : WALK); k++) {
				char gaps[4200];
				int st, sm = strcmp(m, "split") != 0;
				/* (no figures of an earlier run in the same folder) */
				gaps_path(gaps, sizeof gaps, dir, m);
				remove(gaps);
				printf("%7d %6d ", n, n / 20);
				if ((st = child(run, dir, m, k, roads, verify)))
					status = 1;
				if (k == STRAIGHT && (st == 2 || tally_run(&tal[sm], dir, m)))
					failed[sm]++;
			}
			if (roads)
				compare_runs(dir, m);
		}
		free(mlist);
	}
	free(list);
	for (i = 0; i < 2 && last > first; i++)
		if (tal[i].levels || failed[i])
			printf("%s, %d levels: %d above mip_gap, %d with places or the policy tier open, "
			       "mean certified gap of the others %.4f%%; longest run %.2f s; %d runs "
			       "failed\n",
			       i ? "single" : "split", tal[i].levels, tal[i].over, tal[i].open,
			       tal[i].levels > tal[i].open
			               ? 100 * tal[i].sum / (tal[i].levels - tal[i].open)
			               : 0,
			       tal[i].longest, failed[i]);
	return status;
}
