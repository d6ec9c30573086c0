/*
 * plan.c: from data to plan.  For each level: usable seats (the school-size
 * cap applied when enforced), the model (model.c), the solve (solve.c: the
 * route cm__route picks, the search, the relaxation), and the solution read
 * back as whole pupils: assignment rows, per-school results with shadow
 * prices, the level's summary, each compound's catchment school and, held
 * to last year's plan, the compounds that change school.
 *
 * Primary is solved before junior; with `enforce_school_size`, a nine-year
 * school's junior seats are what its cap leaves after its primary pupils.
 *
 * The plan borrows the dataset and the configuration it was solved from
 * (libgit2's rule: an object borrows its owner, which must outlive it), so
 * what is made from it later (its areas, the writer, the reports) needs
 * nothing passed again.
 *
 * The catchments as areas (geometry.c: the tessellation, parts, colours)
 * are not part of the solve: they are built once, on first use, by
 * cm_plan_build_areas, cm_plan_catchments or an output that needs them
 * (the writer, the terminal summary, a scenario's previous plan:
 * cm__plan_areas), so a solve whose plan is only read in memory does no
 * GEOS work.  They are a cache of the plan: the same plan gives the same
 * areas whenever they are built.
 */
#include "model.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The catchments as areas: a cache, filled once through a plan its users
 * hold as const (the writer's, the summary's), hence behind a pointer. */
typedef struct plan_areas {
	pthread_mutex_t lock;                  /* held while they are built */
	int built;                             /* 1: the vectors are filled */
	cm_vec catchments;                     /* cm_catchment */
	cm_vec geoms;                          /* OGRGeometryH per catchment (geometry.c) */
	cm_vec zones;                          /* OGRGeometryH per catchment, or NULL */
} plan_areas;

struct cm_plan {
	cm_vec assignments;                    /* cm_assignment */
	cm_school_result *school[CM_NLEVELS];  /* by school index */
	int *unplaced[CM_NLEVELS];             /* by compound index */
	cm_level_summary summary[CM_NLEVELS];
	long *home[CM_NLEVELS];                /* by compound: catchment school, -1 */
	int *wish[CM_NLEVELS];                 /* by school: its colour on last year's plan, -1;
	                                          NULL without one (geometry.c prefers it) */
	plan_areas *areas;                     /* built on first use (cm__plan_areas) */
	cm_vec changes;                        /* cm_change, against last year's plan */
	cm_vec change_ids;                     /* char *: the changes' previous school ids */
	cm_vec change_names;                   /* char * by change: its previous school's name,
	                                          NULL: not known (owned) */
	long lost[CM_NLEVELS];                 /* of the pupils moved, those now without a place */
	size_t n_schools, n_compounds;
	const cm_dataset *ds;                  /* solved on it: borrowed, outlives the plan */
	const cm_config *cfg;                  /* solved with it: borrowed, likewise */
};

const char *cm_seat_kind_name(cm_seat_kind k)
{
	static const char *const n[] = {"public", "purchased", "fee", "unplaced"};
	return (unsigned)k < 4 ? n[k] : "?";
}

static double now_seconds(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int school_cap(const cm_config *cfg, const cm_school *s)
{
	return s->kind == CM_KIND_NINE_YEAR ? cfg->policy.max_school_size_nine_year
	                                    : cfg->policy.max_school_size;
}

/* Adds pupils to the assignment row (compound, school, seat), which is the
 * last row when the model's columns for the pair are adjacent (they are),
 * or a new one. */
static int add_pupils(cm_plan *p, size_t ci, cm_level level, long si, cm_seat_kind seat,
                      int group, int n, double dist, double minutes)
{
	cm_assignment *a = p->assignments.len
	                           ? &((cm_assignment *)p->assignments.data)[p->assignments.len - 1]
	                           : NULL;
	if (!a || a->compound != ci || a->level != level || a->school != si || a->seat != seat) {
		a = cm__vec_push(&p->assignments);
		if (!a)
			return -1;
		a->compound = ci;
		a->level = level;
		a->school = si;
		a->seat = seat;
		a->distance_m = dist;
		a->minutes = minutes;
	}
	if (group == CM_LOCAL)
		a->local += n;
	else
		a->migrant += n;
	return 0;
}

/* Reads a solved model into the plan. */
static int read_solution(cm_plan *p, const cm_config *cfg, const cm_dataset *ds,
                         const cm_model *m, const cm_solution *sol, const int *seats)
{
	cm_level lv = m->level;
	cm_level_summary *sum = &p->summary[lv];
	const cm_col *cols = m->cols.data;
	double near_in = 0, near_all = 0, minutes_sum = 0;
	long minutes_pupils = 0;
	size_t j, si;

	for (j = 0; j < m->cols.len; j++) {
		const cm_col *c = &cols[j];
		int n = (int)lround(sol->x[j]);
		if (n <= 0 || (c->kind != CM_COL_FLOW && c->kind != CM_COL_UNPLACED))
			continue;
		if (c->kind == CM_COL_UNPLACED) {
			p->unplaced[lv][c->compound] += n;
			sum->unplaced += n;
			if (add_pupils(p, (size_t)c->compound, lv, -1, CM_SEAT_UNPLACED, c->group, n, 0,
			               -1))
				return -1;
			continue;
		}
		{
			cm_school_result *r = &p->school[lv][c->school];
			const cm_compound *cp = &ds->compounds[c->compound];
			const cm_school *s = &ds->schools[c->school];
			double minutes = cm__dataset_minutes(ds, (size_t)c->compound, (size_t)c->school);
			if (add_pupils(p, (size_t)c->compound, lv, c->school, c->seat, c->group, n, c->dist,
			               minutes))
				return -1;
			if (minutes >= 0) {
				minutes_sum += n * minutes;
				minutes_pupils += n;
			}
			if (c->group == CM_LOCAL)
				r->local += n;
			else
				r->migrant += n;
			sum->placed += n;
			sum->pupil_metres += n * c->dist;
			if (c->dist > sum->max_distance_m)
				sum->max_distance_m = c->dist;
			if (c->group == CM_MIGRANT && c->seat != CM_SEAT_FEE)
				sum->migrants_public += n;
			if (cm__near_counts(cp, s)) {
				near_all += n;
				if (c->dist <= cfg->policy.near_radius_m[lv])
					near_in += n;
			}
		}
	}
	sum->pupils = sum->placed + sum->unplaced;
	sum->migrants = (long)lround(m->migrants);
	sum->mean_distance_m = sum->placed ? sum->pupil_metres / (double)sum->placed : 0;
	sum->mean_minutes = !cm__pairs_have_minutes(ds->pairs) ? -1
	                    : minutes_pupils ? minutes_sum / (double)minutes_pupils : 0;
	sum->near_share = near_all > 0 ? near_in / near_all : -1;
	sum->migrant_public_share =
		sum->migrants > 0 ? (double)sum->migrants_public / (double)sum->migrants : -1;
	sum->quota_met = sum->migrants == 0 ||
	                 (double)sum->migrants_public >= m->quota_target - 1e-6;
	/* the near-school row of the model (docs/model.md), on the plan's
	 * whole pupils */
	sum->near_met = cfg->policy.near_share_min[lv] <= 0 || near_all <= 0 ||
	                near_in >= cfg->policy.near_share_min[lv] * near_all - 1e-6;
	sum->moved_met = 1; /* (find_changes, against last year's plan) */
	sum->lp_bound = sol->lp_bound;
	sum->lp_unplaced = lround(sol->lp_unplaced);
	sum->mip_gap = sol->mip_gap;
	sum->bound = sol->bound;
	sum->bound_unplaced = lround(sol->bound_unplaced);
	sum->nodes = sol->nodes;
	sum->proven = sol->proven;
	sum->integral = sol->integral;
	for (si = 0; si < p->n_schools; si++) {
		cm_school_result *r = &p->school[lv][si];
		r->seats = seats[si];
		r->enrolled = r->local + r->migrant;
		r->utilization = r->seats > 0 ? (double)r->enrolled / r->seats : 0;
		r->classes = (r->enrolled + cfg->policy.class_size[lv] - 1) / cfg->policy.class_size[lv];
		r->spare = r->seats - r->enrolled;
		r->shadow_price = sol->seat_dual_m[si] > 1e-9 ? sol->seat_dual_m[si] : 0;
		r->shadow_pupils = sol->seat_dual_u[si] > 1e-9 ? sol->seat_dual_u[si] : 0;
		sum->overfull += r->enrolled > r->seats;
	}
	return 0;
}

/* Pupils school `si` enrols at the levels before `lv` (all: CM_NLEVELS). */
static int enrolled_at(const cm_plan *p, size_t si, int lv)
{
	int k, n = 0;
	for (k = 0; k < lv; k++)
		n += p->school[k][si].enrolled;
	return n;
}

/* The levels' progress, shown as one line on the caller's context (the
 * levels may run on two threads). */
typedef struct progress_mux {
	pthread_mutex_t lock;
	cm_ctx *ctx;                 /* the caller's */
	char text[CM_NLEVELS][160];  /* each level's last report */
	double done[CM_NLEVELS];
} progress_mux;

/* One level's model and solve: what may run on a thread of its own, with
 * a context of its own whose messages are replayed on the caller's. */
typedef struct level_job {
	cm_ctx own;
	progress_mux *mux;
	cm_vec log;                 /* char *, with the level first */
	const cm_config *cfg;
	const cm_dataset *ds;
	const cm_previous *prev;    /* last year's plan, or NULL */
	cm_level lv;
	cm_path path;               /* the relaxation (cm__route) */
	int *seats;                 /* usable seats by school (owned) */
	cm_model m;
	cm_solution sol;
	int rc, built, solved;
	double seconds;
} level_job;

static void keep_log(cm_log_level level, const char *msg, void *ud)
{
	level_job *J = ud;
	char **slot = cm__vec_push(&J->log);
	if (slot && (*slot = cm__sprintf("%c%s", '0' + (int)level, msg)) == NULL)
		J->log.len--;
}

static void level_progress(double done, const char *stage, void *ud)
{
	level_job *J = ud;
	progress_mux *X = J->mux;
	char line[400];
	pthread_mutex_lock(&X->lock);
	snprintf(X->text[J->lv], sizeof X->text[J->lv], "%s", stage);
	X->done[J->lv] = done;
	snprintf(line, sizeof line, "solving: %s%s%s", X->text[CM_PRIMARY],
	         X->text[CM_PRIMARY][0] && X->text[CM_JUNIOR][0] ? " | " : "", X->text[CM_JUNIOR]);
	cm__progress(X->ctx, X->text[CM_PRIMARY][0] && X->text[CM_JUNIOR][0]
	                             ? (X->done[CM_PRIMARY] + X->done[CM_JUNIOR]) / 2
	                             : done,
	             line);
	pthread_mutex_unlock(&X->lock);
}

static void *level_run(void *arg)
{
	level_job *J = arg;
	double t0 = now_seconds();
	memset(&J->own, 0, sizeof J->own);
	J->own.log = keep_log;
	J->own.log_ud = J;
	if (J->mux->ctx->progress) {
		J->own.progress = level_progress;
		J->own.progress_ud = J;
	}
	J->rc = cm__model_build(&J->own, J->cfg, J->ds, J->lv, J->seats, J->prev, &J->m);
	J->built = J->rc == 0;
	if (!J->rc && J->path == CM_PATH_NETWORK)
		cm__model_network_only(&J->m);
	if (!J->rc) {
		J->rc = J->path == CM_PATH_GLPK
		                ? cm__side_solve(&J->own, J->cfg, J->ds, J->seats, J->prev, &J->m, &J->sol)
		                : cm__level_solve(&J->own, J->cfg, &J->m, J->path, NULL, &J->sol);
		J->solved = J->rc == 0;
	}
	J->seconds = now_seconds() - t0;
	return NULL;
}

/* level_run on a thread of its own, which frees GLPK's environment there
 * when it ends. */
static void *level_thread(void *arg)
{
	level_run(arg);
	cm__glpk_thread_end();
	return NULL;
}

/* Replays a job's messages and error on the caller's context and reads its
 * solution into the plan. */
static int level_finish(cm_ctx *ctx, cm_plan *p, level_job *J)
{
	size_t i;
	int rc = J->rc;
	for (i = 0; i < J->log.len; i++) {
		const char *msg = ((char **)J->log.data)[i];
		cm__log(ctx, (cm_log_level)(msg[0] - '0'), "%s", msg + 1);
	}
	if (rc)
		return cm__error(ctx, rc, "%s", J->own.errmsg);
	p->summary[J->lv].solved = 1;
	if (read_solution(p, J->cfg, J->ds, &J->m, &J->sol, J->seats))
		return cm__error(ctx, CM_ENOMEM, _("out of memory"));
	p->summary[J->lv].solve_seconds = J->seconds;
	return 0;
}

static void level_job_free(level_job *J)
{
	size_t i;
	for (i = 0; i < J->log.len; i++)
		free(((char **)J->log.data)[i]);
	cm__vec_free(&J->log);
	if (J->solved)
		cm__solution_free(&J->sol);
	if (J->built)
		cm__model_free(&J->m);
	free(J->seats);
}

/* Each compound's catchment school at a level: the public school that takes
 * most of its pupils (ties: the first school); -1 when none does. */
static void find_homes(cm_plan *p, cm_level lv)
{
	const cm_assignment *a = p->assignments.data;
	size_t i;
	long *home = p->home[lv];
	int *most = calloc(p->n_compounds + 1, sizeof(int));
	for (i = 0; i < p->n_compounds; i++)
		home[i] = -1;
	if (!most)
		return;
	for (i = 0; i < p->assignments.len; i++) {
		int pupils = a[i].local + a[i].migrant;
		if (a[i].level != lv || a[i].seat != CM_SEAT_PUBLIC || a[i].school < 0)
			continue;
		if (pupils > most[a[i].compound] ||
		    (pupils == most[a[i].compound] && a[i].school < home[a[i].compound])) {
			most[a[i].compound] = pupils;
			home[a[i].compound] = a[i].school;
		}
	}
	free(most);
}

/* 1 when compound `c` has pupils of level `lv`. */
static int has_pupils(const cm_compound *c, cm_level lv)
{
	return c->pupils[lv][CM_LOCAL] > 0 || c->pupils[lv][CM_MIGRANT] > 0;
}

/* Gives each compound without pupils of a solved level a catchment school
 * all the same: a new estate with no children yet still lies in some
 * school's range, and a bureau publishes it there (ranges, lookup page,
 * map), else it is a hole on the map and missing from the lists.  The
 * school is last year's, when it is still open and in reach; else the
 * nearest open public day school in reach (the model's seats and reach
 * rule), a boarding school only where no day school reaches.  No pupil
 * moves: assignment rows, enrolment, seats and the objective are the
 * solve's (docs/output.md, "Catchments").  Errors are the pairs' (the
 * homes stay as find_homes left them). */
static int fill_empty_homes(cm_ctx *ctx, cm_plan *p, const cm_previous *prev, cm_level lv)
{
	const cm_dataset *ds = p->ds;
	const cm__pairs *pairs;
	cm__pairs *own_pairs = NULL;
	const long *was = prev ? cm__previous_schools(prev, lv) : NULL;
	size_t ci, si;
	int rc;
	for (ci = 0; ci < ds->n_compounds && has_pupils(&ds->compounds[ci], lv); ci++)
		;
	if (ci == ds->n_compounds)
		return 0; /* every compound has pupils: nothing to find, no pairs read */
	if ((rc = cm__pairs_for(ctx, p->cfg, ds, &pairs, &own_pairs)))
		return rc;
	for (ci = 0; ci < ds->n_compounds; ci++) {
		long best[2] = {-1, -1}; /* day school, boarding school */
		double best_d[2] = {HUGE_VAL, HUGE_VAL};
		if (has_pupils(&ds->compounds[ci], lv) || p->home[lv][ci] >= 0)
			continue;
		for (si = 0; si < ds->n_schools; si++) {
			const cm_school *s = &ds->schools[si];
			double d;
			int b = s->boarding != 0;
			if (s->sector != CM_PUBLIC || !p->school[lv][si].teaches ||
			    p->school[lv][si].seats <= 0)
				continue; /* closed at this level, or no seat the model would offer */
			d = cm__pair_distance(ds, pairs, ci, si);
			if (!isfinite(d) || d > cm__reach(p->cfg, s, lv))
				continue;
			if (was && was[ci] == (long)si) { /* last year's, still eligible */
				best[0] = (long)si;
				break;
			}
			if (d < best_d[b]) {
				best_d[b] = d;
				best[b] = (long)si;
			}
		}
		p->home[lv][ci] = best[0] >= 0 ? best[0] : best[1];
	}
	cm__pairs_free(own_pairs);
	return 0;
}

/* Against last year's plan: the pupils and compounds that moved, and the
 * notice's rows. */
static int find_changes(cm_plan *p, const cm_dataset *ds, const cm_previous *prev, cm_level lv)
{
	const cm_assignment *a = p->assignments.data;
	const long *was = cm__previous_schools(prev, lv);
	cm_level_summary *sum = &p->summary[lv];
	size_t i;
	for (i = 0; i < ds->n_compounds && was[i] == CM_PREV_NONE; i++)
		;
	if (i == ds->n_compounds)
		return 0; /* no row of the level last year: nothing to hold it to, no
		           * "0 pupils at another school" that was never measured */
	sum->has_previous = 1;
	/* moved: of the pupils who could stay at last year's schools, those who
	 * do not (docs/scenarios.md) */
	for (i = 0; i < ds->n_compounds; i++)
		if (cm__previous_open(prev, lv, i))
			for (int g = 0; g < CM_NGROUPS; g++) {
				int n = ds->compounds[i].pupils[lv][g];
				sum->moved += cm__previous_had(prev, lv, i, g, n > 0 ? n : 0);
			}
	/* by compound and group: the pupils who could stay and do not (left),
	 * and those without a place now (out) */
	long (*left)[CM_NGROUPS] = calloc(ds->n_compounds + 1, sizeof *left);
	long (*out)[CM_NGROUPS] = calloc(ds->n_compounds + 1, sizeof *out);
	if (!left || !out) {
		free(left);
		free(out);
		return -1;
	}
	for (i = 0; i < ds->n_compounds; i++)
		if (cm__previous_open(prev, lv, i))
			for (int g = 0; g < CM_NGROUPS; g++) {
				int n = ds->compounds[i].pupils[lv][g];
				left[i][g] = cm__previous_had(prev, lv, i, g, n > 0 ? n : 0);
			}
	for (i = 0; i < p->assignments.len; i++) {
		long n[CM_NGROUPS] = {a[i].local, a[i].migrant};
		const cm_compound *c = &ds->compounds[a[i].compound];
		if (a[i].level != lv || !cm__previous_open(prev, lv, a[i].compound))
			continue;
		if (a[i].seat == CM_SEAT_UNPLACED)
			for (int g = 0; g < CM_NGROUPS; g++)
				out[a[i].compound][g] += n[g];
		if (a[i].seat != CM_SEAT_PUBLIC)
			continue;
		for (int g = 0; g < CM_NGROUPS; g++) {
			long all = c->pupils[lv][g] > 0 ? c->pupils[lv][g] : 0;
			long kept = cm__previous_kept(prev, lv, a[i].compound, a[i].school, g, all);
			sum->moved -= n[g] < kept ? n[g] : kept;
			left[a[i].compound][g] -= n[g] < kept ? n[g] : kept;
		}
	}
	/* of those who left, the ones without a place: as many as the
	 * compound's pupils without a place grew over last year's share */
	for (i = 0; i < ds->n_compounds; i++)
		for (int g = 0; g < CM_NGROUPS; g++) {
			int n = ds->compounds[i].pupils[lv][g];
			long more = out[i][g] - cm__previous_unplaced(prev, lv, i, g, n > 0 ? n : 0);
			if (more > 0 && left[i][g] > 0)
				p->lost[lv] += more < left[i][g] ? more : left[i][g];
		}
	free(left);
	free(out);
	sum->moved_met = p->cfg->solve.max_moved_pupils < 0 ||
	                 sum->moved <= p->cfg->solve.max_moved_pupils;
	for (i = 0; i < ds->n_compounds; i++) {
		const cm_compound *c = &ds->compounds[i];
		cm_change *ch;
		const char *from = cm_previous_school_id(prev, ds, lv, i);
		/* a compound without pupils of the level has no school to change;
		 * one with none last year (no place, or new) that has one now
		 * changes, as catchment compare lists it */
		if (was[i] == p->home[lv][i] || !has_pupils(c, lv))
			continue;
		if (!(ch = cm__vec_push(&p->changes)))
			return -1;
		ch->compound = i;
		ch->level = lv;
		ch->from = NULL;
		if (from) { /* the plan's own copy: `prev` may go before the plan does */
			char **own = cm__vec_push(&p->change_ids);
			if (!own || !(*own = cm__strdup(from)))
				return -1;
			ch->from = *own;
		}
		{
			const char *name = cm__previous_school_name(prev, ds, lv, i);
			char **own = cm__vec_push(&p->change_names);
			if (!own || (*own = name ? cm__strdup(name) : NULL, name && !*own))
				return -1;
		}
		ch->to = p->home[lv][i];
		ch->pupils = (c->pupils[lv][CM_LOCAL] > 0 ? c->pupils[lv][CM_LOCAL] : 0) +
		             (c->pupils[lv][CM_MIGRANT] > 0 ? c->pupils[lv][CM_MIGRANT] : 0);
		ch->forced = was[i] == CM_PREV_GONE;
		sum->moved_compounds++;
		sum->forced_compounds += ch->forced;
	}
	return 0;
}

int cm_solve_opts_init(cm_solve_opts *opts, unsigned version)
{
	if (version != CM_SOLVE_OPTS_VERSION)
		return CM_ERROR;
	*opts = (cm_solve_opts)CM_SOLVE_OPTS_INIT;
	return 0;
}

/* The options' mistakes are the calling program's, not the planner's:
 * CM_ERROR, in words a programmer reads. */
static int opts_check(cm_ctx *ctx, const cm_solve_opts *opts)
{
	if (!opts)
		return cm__error(ctx, CM_ERROR, _("cm_solve: no options (cm_solve_opts)"));
	if (opts->version != CM_SOLVE_OPTS_VERSION)
		return cm__error(ctx, CM_ERROR,
		                 _("cm_solve: options of version %u, where this library knows "
		                   "version %u: make them with CM_SOLVE_OPTS_INIT or "
		                   "cm_solve_opts_init()"),
		                 opts->version, (unsigned)CM_SOLVE_OPTS_VERSION);
	if (!opts->config)
		return cm__error(ctx, CM_ERROR,
		                 _("cm_solve: the options give no configuration (config)"));
	if (opts->threads < 0)
		return cm__error(ctx, CM_ERROR,
		                 _("cm_solve: threads = %d: must be 0 (the default), 1 (no thread "
		                   "started) or more"), opts->threads);
	return 0;
}

int cm_solve(cm_ctx *ctx, const cm_dataset *ds, const cm_solve_opts *opts, cm_plan **out)
{
	cm_plan *p;
	int rc = 0;
	cm_route route;
	const cm_config *cfg;
	const cm_previous *prev;
	size_t si, ci, errors;
	int lv;

	*out = NULL;
	if ((rc = opts_check(ctx, opts)))
		return rc;
	cfg = opts->config;
	prev = opts->previous;
	if (prev && cm__previous_compounds(prev) != ds->n_compounds)
		return cm__error(ctx, CM_ERROR, _("last year's plan in the options was read for another "
		                 "dataset (%zu compounds, not %zu): read it with "
		                 "cm_previous_load or cm_previous_from_plan for this one"),
		                 cm__previous_compounds(prev), ds->n_compounds);
	errors = cm_dataset_count(ds, CM_ERR);
	if (errors)
		return cm__error(ctx, CM_EINPUT,
		                 dngettext(CM__DOMAIN,
		                           "the data has %zu error: run catchment check and fix it first",
		                           "the data has %zu errors: run catchment check and fix them "
		                           "first", errors),
		                 errors);
	p = calloc(1, sizeof *p);
	if (!p)
		return cm__error(ctx, CM_ENOMEM, _("out of memory"));
	cm__vec_init(&p->assignments, sizeof(cm_assignment));
	cm__vec_init(&p->changes, sizeof(cm_change));
	cm__vec_init(&p->change_ids, sizeof(char *));
	cm__vec_init(&p->change_names, sizeof(char *));
	p->n_schools = ds->n_schools;
	p->n_compounds = ds->n_compounds;
	p->ds = ds;
	p->cfg = cfg;
	if (!(p->areas = calloc(1, sizeof *p->areas))) {
		free(p);
		return cm__error(ctx, CM_ENOMEM, _("out of memory"));
	}
	pthread_mutex_init(&p->areas->lock, NULL);
	cm__vec_init(&p->areas->catchments, sizeof(cm_catchment));
	cm__vec_init(&p->areas->geoms, sizeof(void *));
	cm__vec_init(&p->areas->zones, sizeof(void *));
	for (lv = 0; lv < CM_NLEVELS; lv++) {
		p->school[lv] = calloc(ds->n_schools + 1, sizeof(cm_school_result));
		p->unplaced[lv] = calloc(ds->n_compounds + 1, sizeof(int));
		p->home[lv] = calloc(ds->n_compounds + 1, sizeof(long));
		if (!p->school[lv] || !p->unplaced[lv] || !p->home[lv])
			rc = CM_ENOMEM;
		/* last year's colours, kept for the areas: `prev` may go before
		 * they are built */
		if (prev && !(p->wish[lv] = malloc((ds->n_schools + 1) * sizeof(int))))
			rc = CM_ENOMEM;
		for (si = 0; prev && p->wish[lv] && si < ds->n_schools; si++)
			p->wish[lv][si] = cm__previous_colour(prev, (cm_level)lv, si);
	}
	if (rc) {
		rc = cm__error(ctx, CM_ENOMEM, _("out of memory"));
		goto done;
	}
	if ((rc = cm__route(ctx, cfg, prev != NULL, &route)))
		goto done;

	/* The two levels run side by side on two threads when the route allows
	 * it (cm__route), both have pupils and the caller lets a thread start
	 * (threads not 1); else one after the other, primary first. */
	{
		level_job job[CM_NLEVELS];
		progress_mux mux;
		int parallel = route.parallel && opts->threads != 1;
		pthread_t thread;
		int threaded = 0;
		long pupils[CM_NLEVELS] = {0, 0};
		memset(job, 0, sizeof job);
		memset(&mux, 0, sizeof mux);
		pthread_mutex_init(&mux.lock, NULL);
		mux.ctx = ctx;
		for (lv = 0; lv < CM_NLEVELS && !rc; lv++) {
			level_job *J = &job[lv];
			J->cfg = cfg;
			J->mux = &mux;
			J->ds = ds;
			J->path = route.path[lv];
			J->prev = prev;
			J->lv = (cm_level)lv;
			cm__vec_init(&J->log, sizeof(char *));
			J->seats = calloc(ds->n_schools + 1, sizeof(int));
			if (!J->seats) {
				rc = cm__error(ctx, CM_ENOMEM, _("out of memory"));
				break;
			}
			for (ci = 0; ci < ds->n_compounds; ci++)
				for (int g = 0; g < CM_NGROUPS; g++)
					pupils[lv] += ds->compounds[ci].pupils[lv][g] > 0 ? ds->compounds[ci].pupils[lv][g] : 0;
			if (pupils[lv] == 0)
				parallel = 0;
		}
		/* the stage starts now, not at the search's first report (after
		 * its first plan: seconds in a city, billed to the stage before) */
		if (!rc)
			cm__progress(ctx, 0, "solving");
		for (lv = 0; lv < CM_NLEVELS && !rc; lv++) {
			level_job *J = &job[lv];
			for (si = 0; si < ds->n_schools; si++) {
				const cm_school *s = &ds->schools[si];
				int n = cm_school_teaches(s, (cm_level)lv) && s->seats[lv] > 0 ? s->seats[lv] : 0;
				int room = school_cap(cfg, s) - enrolled_at(p, si, lv);
				if (cfg->policy.enforce_school_size && n > room)
					n = room > 0 ? room : 0;
				J->seats[si] = n;
				p->school[lv][si].teaches = cm_school_teaches(s, (cm_level)lv);
				p->school[lv][si].seats = n;
			}
			if (pupils[lv] == 0)
				continue;
			if (parallel && lv == CM_PRIMARY) {
				/* junior's seats do not depend on primary: start it now */
				continue;
			}
			if (parallel && lv == CM_JUNIOR) {
				threaded = pthread_create(&thread, NULL, level_thread, J) == 0;
				level_run(&job[CM_PRIMARY]);
				if (threaded)
					pthread_join(thread, NULL);
				else
					level_run(J);
			} else {
				level_run(J);
			}
			/* Read the solutions in level order (primary's first), so the
			 * plan is the same either way. */
			for (int k = parallel ? 0 : lv; k <= lv && !rc; k++)
				rc = level_finish(ctx, p, &job[k]);
		}
		for (lv = 0; lv < CM_NLEVELS; lv++)
			level_job_free(&job[lv]);
		pthread_mutex_destroy(&mux.lock);
	}
	if (!rc) {
		/* The school-size cap counts both levels. */
		for (si = 0; si < ds->n_schools; si++) {
			if (enrolled_at(p, si, CM_NLEVELS) <= school_cap(cfg, &ds->schools[si]))
				continue;
			for (lv = 0; lv < CM_NLEVELS; lv++)
				if (p->school[lv][si].teaches)
					p->summary[lv].oversize++;
		}
		for (lv = 0; lv < CM_NLEVELS; lv++)
			find_homes(p, (cm_level)lv);
		for (lv = 0; lv < CM_NLEVELS && !rc; lv++)
			if (p->summary[lv].solved)
				rc = fill_empty_homes(ctx, p, prev, (cm_level)lv);
		for (lv = 0; lv < CM_NLEVELS && prev && !rc; lv++)
			if (p->summary[lv].solved && find_changes(p, ds, prev, (cm_level)lv))
				rc = cm__error(ctx, CM_ENOMEM, _("out of memory"));
	}
done:
	if (rc) {
		cm_plan_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

/* Frees each geometry of `v` (OGRGeometryH or NULL) and the vector. */
static void geoms_free(cm_vec *v)
{
	size_t i;
	for (i = 0; i < v->len; i++)
		cm__geom_free(((void **)v->data)[i]);
	cm__vec_free(v);
}

int cm__plan_areas(cm_ctx *ctx, const cm_plan *p)
{
	plan_areas *A = p->areas;
	cm_vec catchments, geoms, zones;
	double t0;
	int rc = 0;
	/* The lock makes two outputs of one plan on two threads build them once. */
	pthread_mutex_lock(&A->lock);
	if (A->built)
		goto done;
	/* Built aside and moved in whole, so a failure leaves the plan without
	 * areas (a later call tries again), never with some. */
	cm__vec_init(&catchments, sizeof(cm_catchment));
	cm__vec_init(&geoms, sizeof(void *));
	cm__vec_init(&zones, sizeof(void *));
	t0 = now_seconds();
	rc = cm__catchments_build(ctx, p->ds, p, p->home, &catchments, &geoms, &zones);
	cm__log(ctx, CM_LOG_DEBUG, "catchment areas: %.2f s", now_seconds() - t0);
	if (rc) {
		cm__vec_free(&catchments);
		geoms_free(&geoms);
		geoms_free(&zones);
		goto done;
	}
	A->catchments = catchments;
	A->geoms = geoms;
	A->zones = zones;
	A->built = 1;
done:
	pthread_mutex_unlock(&A->lock);
	return rc;
}

int cm__plan_areas_built(const cm_plan *p)
{
	int built;
	pthread_mutex_lock(&p->areas->lock);
	built = p->areas->built;
	pthread_mutex_unlock(&p->areas->lock);
	return built;
}

int cm_plan_build_areas(cm_ctx *ctx, cm_plan *plan)
{
	return cm__plan_areas(ctx, plan);
}

const cm_dataset *cm_plan_dataset(const cm_plan *p)
{
	return p->ds;
}

const cm_config *cm_plan_config(const cm_plan *p)
{
	return p->cfg;
}

int cm__plan_wish(const cm_plan *p, cm_level level, size_t school)
{
	return p->wish[level] && school < p->n_schools ? p->wish[level][school] : -1;
}

void cm_plan_free(cm_plan *p)
{
	size_t i;
	int lv;
	if (!p)
		return;
	cm__vec_free(&p->assignments);
	for (lv = 0; lv < CM_NLEVELS; lv++) {
		free(p->school[lv]);
		free(p->unplaced[lv]);
		free(p->home[lv]);
		free(p->wish[lv]);
	}
	if (p->areas) {
		geoms_free(&p->areas->geoms);
		geoms_free(&p->areas->zones);
		cm__vec_free(&p->areas->catchments);
		pthread_mutex_destroy(&p->areas->lock);
		free(p->areas);
	}
	for (i = 0; i < p->change_ids.len; i++)
		free(((char **)p->change_ids.data)[i]);
	cm__vec_free(&p->change_ids);
	for (i = 0; i < p->change_names.len; i++)
		free(((char **)p->change_names.data)[i]);
	cm__vec_free(&p->change_names);
	cm__vec_free(&p->changes);
	free(p);
}

size_t cm_plan_assignments(const cm_plan *p, const cm_assignment **out)
{
	*out = p->assignments.data;
	return p->assignments.len;
}

const cm_school_result *cm_plan_school(const cm_plan *p, cm_level level, size_t i)
{
	return (unsigned)level < CM_NLEVELS && i < p->n_schools ? &p->school[level][i] : NULL;
}

const cm_level_summary *cm_plan_summary(const cm_plan *p, cm_level level)
{
	return (unsigned)level < CM_NLEVELS ? &p->summary[level] : NULL;
}

long cm__plan_lost(const cm_plan *p, cm_level level)
{
	return (unsigned)level < CM_NLEVELS ? p->lost[level] : 0;
}

int cm_plan_unplaced(const cm_plan *p, cm_level level, size_t i)
{
	return (unsigned)level < CM_NLEVELS && i < p->n_compounds ? p->unplaced[level][i] : 0;
}

size_t cm_plan_changes(const cm_plan *p, const cm_change **out)
{
	*out = p->changes.data;
	return p->changes.len;
}

int cm_plan_catchments(cm_ctx *ctx, const cm_plan *p, const cm_catchment **out, size_t *n)
{
	int rc = cm__plan_areas(ctx, p);
	*out = rc ? NULL : p->areas->catchments.data;
	*n = rc ? 0 : p->areas->catchments.len;
	return rc;
}

size_t cm__plan_empty_homes(const cm_plan *p, cm_level lv, size_t *out)
{
	size_t ci, n = 0;
	for (ci = 0; ci < p->n_compounds; ci++)
		if (!has_pupils(&p->ds->compounds[ci], lv) && p->home[lv][ci] >= 0)
			out[n++] = ci;
	return n;
}

const char *cm__plan_change_from_name(const cm_plan *p, size_t k)
{
	return k < p->change_names.len ? ((char **)p->change_names.data)[k] : NULL;
}

void *cm__plan_area(const cm_plan *p, size_t k)
{
	return k < p->areas->geoms.len ? ((void **)p->areas->geoms.data)[k] : NULL;
}

void *cm__plan_zone(const cm_plan *p, size_t k)
{
	return k < p->areas->zones.len ? ((void **)p->areas->zones.data)[k] : NULL;
}

long cm_plan_home(const cm_plan *p, cm_level level, size_t i)
{
	return (unsigned)level < CM_NLEVELS && i < p->n_compounds && p->home[level]
	               ? p->home[level][i]
	               : -1;
}
