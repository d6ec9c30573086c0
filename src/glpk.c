/*
 * glpk.c: the one module that speaks GLPK.
 *
 * Solves a cm_model lexicographically, in phases over one problem object
 * (each phase warm-starts from the last basis):
 *   B. unplaced pupils; the total is then bounded by its minimum;
 *   A. the shortfall of the soft policy rows (migrant quota, near-school
 *      share), when the model has them; the result is then held;
 *   C. pupil-metres.
 * An exact lexicographic optimum, with no big penalty weights to blur it.
 * Single mode makes choices binary and flows integer: each phase runs the
 * LP relaxation and then GLPK's branch and cut (glp_intopt); the gap is
 * reported against the LP relaxation of phase C.
 *
 * GLPK calls abort() on internal errors.  An error hook longjmps back here,
 * frees GLPK's environment (which frees the problem too) and returns
 * CM_ESOLVER; GLPK's terminal output goes to the context's log.
 */
#include "model.h"

#include <glpk.h>

#include <float.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct hooks {
	jmp_buf jump;
	cm_ctx *ctx;
	char last[256];        /* GLPK's last line of output, for error messages */
} hooks;

static int on_term(void *info, const char *s)
{
	hooks *h = info;
	size_t n = strlen(s);
	if (n && n < sizeof h->last) {
		memcpy(h->last, s, n + 1);
		if (h->last[n - 1] == '\n')
			h->last[n - 1] = '\0';
	}
	cm__log(h->ctx, CM_LOG_DEBUG, "glpk: %s", h->last);
	return 1; /* nothing on stdout */
}

static void on_error(void *info)
{
	hooks *h = info;
	longjmp(h->jump, 1);
}

/* Routes GLPK's output to the log and its internal errors to h->jump. */
static void hooks_install(hooks *h, cm_ctx *ctx)
{
	memset(h, 0, sizeof *h);
	h->ctx = ctx;
	glp_term_hook(on_term, h);
	glp_error_hook(on_error, h);
}

static void hooks_remove(void)
{
	glp_term_hook(NULL, NULL);
	glp_error_hook(NULL, NULL);
}

/* After GLPK's error hook fired: its state (and every problem) is gone. */
static int glpk_failed(cm_ctx *ctx, const hooks *h)
{
	glp_free_env();
	return cm__error(ctx, CM_ESOLVER, "GLPK failed: %s", h->last[0] ? h->last : "internal error");
}

static int col_index(int j)
{
	return j + 1;
}

/* Column k in [0, ub] (ub >= DBL_MAX: no upper bound).  GLPK wants lb < ub
 * for a double-bounded column, so an empty range is a fixed one. */
static void set_range(glp_prob *P, int k, double ub)
{
	if (ub >= DBL_MAX)
		glp_set_col_bnds(P, k, GLP_LO, 0, 0);
	else if (ub <= 0)
		glp_set_col_bnds(P, k, GLP_FX, 0, 0);
	else
		glp_set_col_bnds(P, k, GLP_DB, 0, ub);
}

/* Sets the objective of a phase: 'A' slacks, 'B' unplaced, 'C' distance. */
static void set_objective(glp_prob *P, const cm_model *m, char phase)
{
	const cm_col *cols = m->cols.data;
	size_t j;
	for (j = 0; j < m->cols.len; j++) {
		double c = 0;
		switch (phase) {
		case 'A': c = cols[j].kind == CM_COL_QUOTA_SHORT; break;
		case 'B': c = cols[j].kind == CM_COL_UNPLACED; break;
		/* distance, and the stability weight of a move (model.c) */
		default:
			c = cols[j].kind == CM_COL_FLOW || cols[j].kind == CM_COL_UNPLACED ? cols[j].cost : 0;
			break;
		}
		glp_set_obj_coef(P, col_index((int)j), c);
	}
	/* the stability weight of the pupils who could stay (model.h) */
	glp_set_obj_coef(P, 0, phase == 'C' ? m->cost_offset : 0);
}

typedef struct run {
	glp_prob *P;
	const cm_model *m;
	glp_smcp smcp;
	glp_iocp iocp;
	int mip;                /* solve as a MIP */
	double lp_value;        /* the last LP relaxation's value */
	double value;           /* the last phase's optimum */
	double unplaced;        /* phase B's optimum */
	double *incumbent;      /* a known integer solution, 1-based, for branch and cut */
	int offered;            /* the incumbent was offered in this intopt call */
	int node_limit;         /* branch and cut stops after this many nodes; 0: none */
	int nodes;              /* nodes selected in this intopt call */
} run;

/* Branch and cut's callback: offer the known solution once per call, and
 * stop after the node budget.  A budget of nodes, unlike one of seconds,
 * gives the same plan on a busy machine as on an idle one. */
static void on_tree(glp_tree *T, void *info)
{
	run *r = info;
	switch (glp_ios_reason(T)) {
	case GLP_IHEUR:
		if (r->incumbent && !r->offered) {
			glp_ios_heur_sol(T, r->incumbent);
			r->offered = 1;
		}
		break;
	case GLP_ISELECT:
		if (r->node_limit && ++r->nodes > r->node_limit)
			glp_ios_terminate(T);
		break;
	default:
		break;
	}
}

/* Solves the current objective; 0 or CM_ESOLVER (message set). */
static int solve_phase(cm_ctx *ctx, run *r, const char *what)
{
	int rc = glp_simplex(r->P, &r->smcp), st;
	if (rc == GLP_ETMLIM)
		return cm__error(ctx, CM_ESOLVER, "%s: the time limit ran out in the LP", what);
	if (rc != 0)
		return cm__error(ctx, CM_ESOLVER, "%s: GLPK simplex failed (code %d)", what, rc);
	st = glp_get_status(r->P);
	if (st != GLP_OPT)
		return cm__error(ctx, CM_ESOLVER, "%s: the LP is %s", what,
		                 st == GLP_NOFEAS ? "infeasible" : st == GLP_UNBND ? "unbounded"
		                                                     : "not solved");
	r->lp_value = r->value = glp_get_obj_val(r->P);
	if (!r->mip)
		return 0;
	r->offered = 0;
	r->nodes = 0;
	rc = glp_intopt(r->P, &r->iocp);
	st = glp_mip_status(r->P);
	if (rc != 0 && rc != GLP_ETMLIM && rc != GLP_EMIPGAP && rc != GLP_ESTOP)
		return cm__error(ctx, CM_ESOLVER, "%s: GLPK branch and cut failed (code %d)", what, rc);
	if (st != GLP_OPT && st != GLP_FEAS)
		return cm__error(ctx, CM_ESOLVER, "%s: no integer solution found%s", what,
		                 rc == GLP_ETMLIM ? " within the time limit"
		                 : rc == GLP_ESTOP ? " within the node budget" : "");
	r->value = glp_mip_obj_val(r->P);
	return 0;
}

/* solve_phase with a line in the debug log: what, how long, the value. */
static int timed_phase(cm_ctx *ctx, run *r, const char *what)
{
	struct timespec a, b;
	int rc;
	clock_gettime(CLOCK_MONOTONIC, &a);
	rc = solve_phase(ctx, r, what);
	clock_gettime(CLOCK_MONOTONIC, &b);
	cm__log(ctx, CM_LOG_DEBUG, "%s %s: %.3f s, value %.6g", r->mip ? "MIP" : "LP", what,
	        (double)(b.tv_sec - a.tv_sec) + 1e-9 * (double)(b.tv_nsec - a.tv_nsec), r->value);
	return rc;
}

static double col_value(const run *r, int j)
{
	return r->mip ? glp_mip_col_val(r->P, col_index(j)) : glp_get_col_prim(r->P, col_index(j));
}

/* Row duals of the seat rows: what one more seat is worth to the current
 * objective (LP only). */
static void seat_duals(const run *r, size_t n_schools, double *out)
{
	size_t s;
	for (s = 0; s < n_schools; s++)
		out[s] = r->m->seat_row[s] >= 0 ? -glp_get_row_dual(r->P, r->m->seat_row[s] + 1) : 0;
}

/* Loads the model; `integer` makes choices binary and flows integer. */
static void load(glp_prob *P, const cm_model *m, int integer)
{
	const cm_col *cols = m->cols.data;
	const cm_row *rows = m->rows.data;
	size_t i, j, ne = m->ia.len;
	int *ia = malloc((ne + 1) * sizeof(int)), *ja = malloc((ne + 1) * sizeof(int));
	double *ar = malloc((ne + 1) * sizeof(double));
	glp_set_obj_dir(P, GLP_MIN);
	glp_add_rows(P, (int)m->rows.len);
	for (i = 0; i < m->rows.len; i++) {
		int t = rows[i].type == CM_ROW_LE   ? GLP_UP
		        : rows[i].type == CM_ROW_GE ? GLP_LO
		        : rows[i].type == CM_ROW_EQ ? GLP_FX
		                                    : GLP_FR;
		glp_set_row_bnds(P, (int)i + 1, t, rows[i].rhs, rows[i].rhs);
	}
	glp_add_cols(P, (int)m->cols.len);
	for (j = 0; j < m->cols.len; j++) {
		int k = col_index((int)j);
		set_range(P, k, cols[j].ub);
		if (integer && cols[j].binary)
			glp_set_col_kind(P, k, GLP_BV);
		else if (integer && (cols[j].kind == CM_COL_FLOW || cols[j].kind == CM_COL_UNPLACED))
			glp_set_col_kind(P, k, GLP_IV);
	}
	if (ia && ja && ar) {
		for (i = 0; i < ne; i++) {
			ia[i + 1] = ((const int *)m->ia.data)[i] + 1;
			ja[i + 1] = ((const int *)m->ja.data)[i] + 1;
			ar[i + 1] = ((const double *)m->ar.data)[i];
		}
		glp_load_matrix(P, (int)ne, ia, ja, ar);
	}
	free(ia);
	free(ja);
	free(ar);
}

/* The phases, each optimum held for the next: unplaced pupils (B), the
 * policy rows' shortfall (A), pupil-metres (C).  Placing pupils comes
 * before the quota: a migrant can take a fee-paying place, a local child
 * cannot, so the quota must not be met by leaving locals without a seat. */
static int lexicographic(cm_ctx *ctx, run *r, double *duals_u, size_t n_schools)
{
	const cm_col *cols = r->m->cols.data;
	size_t j;
	int rc, any_slack = 0;
	for (j = 0; j < r->m->cols.len; j++)
		any_slack |= cols[j].kind == CM_COL_QUOTA_SHORT;
	set_objective(r->P, r->m, 'B');
	if ((rc = timed_phase(ctx, r, "unplaced pupils")))
		return rc;
	r->unplaced = r->value;
	if (duals_u && !r->mip)
		seat_duals(r, n_schools, duals_u);
	glp_set_row_bnds(r->P, r->m->unplaced_row + 1, GLP_UP, 0,
	                 r->value + (r->mip ? 0.5 : 1e-7 * (1 + r->value)));
	if (any_slack) {
		set_objective(r->P, r->m, 'A');
		if ((rc = timed_phase(ctx, r, "policy rows")))
			return rc;
		for (j = 0; j < r->m->cols.len; j++)
			if (cols[j].kind == CM_COL_QUOTA_SHORT) {
				double v = col_value(r, (int)j);
				set_range(r->P, col_index((int)j), v + 1e-7 * (1 + v));
			}
	}
	set_objective(r->P, r->m, 'C');
	return timed_phase(ctx, r, "pupil-metres");
}

/* Undoes what the phases held, for a fresh lexicographic solve. */
static void release_holds(run *r)
{
	const cm_col *cols = r->m->cols.data;
	size_t j;
	glp_set_row_bnds(r->P, r->m->unplaced_row + 1, GLP_FR, 0, 0);
	for (j = 0; j < r->m->cols.len; j++)
		if (cols[j].kind == CM_COL_QUOTA_SHORT)
			set_range(r->P, col_index((int)j), cols[j].ub);
}

/* Fixes compound `cur`'s catchment school (-1: none), its columns from `start`. */
static void fix_choice(run *r, size_t start, int cur, int school)
{
	const cm_col *cols = r->m->cols.data;
	size_t j;
	for (j = start; j < r->m->cols.len && cols[j].compound == cur; j++)
		if (cols[j].binary)
			glp_set_col_bnds(r->P, col_index((int)j), GLP_FX, cols[j].school == school ? 1 : 0,
			                 0);
}

/* Lets compound `cur`'s choices free again. */
static void unfix_choice(run *r, size_t start, int cur)
{
	const cm_col *cols = r->m->cols.data;
	size_t j;
	for (j = start; j < r->m->cols.len && cols[j].compound == cur; j++)
		if (cols[j].binary)
			glp_set_col_bnds(r->P, col_index((int)j), GLP_DB, 0, 1);
}

/* Solves the phases afresh; *u and *c get unplaced pupils and pupil-metres. */
static int resolve(cm_ctx *ctx, run *r, double *u, double *c)
{
	int rc;
	release_holds(r);
	rc = lexicographic(ctx, r, NULL, 0);
	*u = r->unplaced;
	*c = r->value;
	return rc;
}

/* A compound the relaxation splits: where its columns start, and its public
 * schools with pupils there, largest share first. */
typedef struct split_compound {
	size_t start;
	int compound;
	int school[4];
	int n;
	double share;        /* of its public pupils at the first school */
} split_compound;

/* Single mode by diving from the LP relaxation (just solved; its value is
 * the bound the gap is measured against).  Each round finds the compounds
 * whose public pupils the relaxation splits between schools.  Those it
 * nearly decided (95% at one school) are fixed together, unless that costs
 * places, when the batch is undone.  Otherwise the most decided compound is
 * tried at each school the relaxation used (up to four), and kept where the
 * re-solved relaxation places most pupils, then travels least.  Compounds
 * not yet fixed adapt at each re-solve, absorbing the seats a fixing frees.
 * When none is split, the rest are fixed as the relaxation has them, and
 * the last solve is exact for those choices. */
static int single_by_diving(cm_ctx *ctx, run *r, int *rounds)
{
	const cm_model *m = r->m;
	const cm_col *cols = m->cols.data;
	size_t j, start;
	int rc = 0, batch_ok = 1;
	double u_now = r->unplaced, c_now = r->value, u, c;
	split_compound *batch = NULL;
	size_t nbatch = 0, cap = 0;

	for (*rounds = 0;; (*rounds)++) {
		split_compound best = {0, -1, {0}, 0, -1};
		int split = 0;
		nbatch = 0;
		for (start = 0; start < m->cols.len; start = j) {
			split_compound sc = {start, cols[start].compound, {0}, 0, 0};
			double flow[4] = {0}, total = 0;
			int open = 0, s = -1, k;
			for (j = start; j < m->cols.len && cols[j].compound == sc.compound; j++) {
				double v;
				if (sc.compound < 0)
					continue;
				if (cols[j].binary && glp_get_col_type(r->P, col_index((int)j)) != GLP_FX)
					open = 1;
				if (cols[j].kind != CM_COL_FLOW || cols[j].seat != CM_SEAT_PUBLIC)
					continue;
				v = glp_get_col_prim(r->P, col_index((int)j));
				total += v;
				if (v <= 1e-6)
					continue;
				if (cols[j].school != s) {
					s = cols[j].school;
					for (k = 0; k < sc.n && sc.school[k] != s; k++)
						;
					if (k == sc.n && sc.n < 4)
						sc.school[sc.n++] = s;
				}
				for (k = 0; k < sc.n; k++)
					if (sc.school[k] == s)
						flow[k] += v;
			}
			if (sc.compound < 0 || !open || sc.n < 2)
				continue;
			split++;
			/* largest share first */
			for (k = 1; k < sc.n; k++)
				for (s = k; s > 0 && flow[s] > flow[s - 1]; s--) {
					double tf = flow[s];
					int ts = sc.school[s];
					flow[s] = flow[s - 1], sc.school[s] = sc.school[s - 1];
					flow[s - 1] = tf, sc.school[s - 1] = ts;
				}
			sc.share = flow[0] / total;
			if (batch_ok && sc.share >= 0.95) {
				if (nbatch == cap) {
					split_compound *nb = realloc(batch, (cap = cap ? 2 * cap : 64) * sizeof *nb);
					if (!nb) {
						free(batch);
						return cm__error(ctx, CM_ENOMEM, "out of memory");
					}
					batch = nb;
				}
				batch[nbatch++] = sc;
			} else if (sc.share > best.share) {
				best = sc;
			}
		}
		if (!split)
			break;
		if (nbatch) {
			for (j = 0; j < nbatch; j++)
				fix_choice(r, batch[j].start, batch[j].compound, batch[j].school[0]);
			if ((rc = resolve(ctx, r, &u, &c)))
				break;
			if (u <= u_now + 0.5) {
				u_now = u, c_now = c;
				batch_ok = 1;
				continue;
			}
			for (j = 0; j < nbatch; j++)
				unfix_choice(r, batch[j].start, batch[j].compound);
			batch_ok = 0; /* one at a time until a round goes well */
			if ((rc = resolve(ctx, r, &u_now, &c_now)))
				break;
			continue;
		}
		{
			int k, pick = 0;
			double bu = HUGE_VAL, bc = HUGE_VAL;
			for (k = 0; k < best.n; k++) {
				fix_choice(r, best.start, best.compound, best.school[k]);
				if ((rc = resolve(ctx, r, &u, &c)))
					break;
				if (u < bu - 0.5 || (u <= bu + 0.5 && c < bc)) {
					bu = u, bc = c, pick = k;
				}
			}
			if (rc)
				break;
			if (pick != best.n - 1) {
				fix_choice(r, best.start, best.compound, best.school[pick]);
				if ((rc = resolve(ctx, r, &u, &c)))
					break;
			}
			u_now = bu, c_now = bc;
			batch_ok = 1;
		}
	}
	free(batch);
	if (rc)
		return rc;
	(void)c_now;
	/* No compound is split: fix the others as the relaxation has them. */
	for (start = 0; start < m->cols.len; start = j) {
		int cur = cols[start].compound, school = -1;
		for (j = start; j < m->cols.len && cols[j].compound == cur; j++)
			if (cur >= 0 && cols[j].kind == CM_COL_FLOW && cols[j].seat == CM_SEAT_PUBLIC &&
			    glp_get_col_prim(r->P, col_index((int)j)) > 1e-6)
				school = cols[j].school;
		if (cur >= 0)
			fix_choice(r, start, cur, school);
	}
	return resolve(ctx, r, &u, &c);
}

/* 1 when every flow is a whole number of pupils. */
static int flows_whole(const run *r)
{
	const cm_col *cols = r->m->cols.data;
	size_t j;
	for (j = 0; j < r->m->cols.len; j++) {
		double v = col_value(r, (int)j);
		if (cols[j].kind == CM_COL_FLOW && fabs(v - floor(v + 0.5)) > 1e-6)
			return 0;
	}
	return 1;
}

/* The quota or near-share row can leave a fractional vertex.  Whole pupils:
 * hold every whole flow, make the fractional ones integer between their
 * floor and ceiling, and solve the phases again as a (small) MIP. */
static int make_whole(cm_ctx *ctx, run *r)
{
	const cm_col *cols = r->m->cols.data;
	size_t j;
	for (j = 0; j < r->m->cols.len; j++) {
		int k = col_index((int)j);
		double v = glp_get_col_prim(r->P, k);
		if (cols[j].kind == CM_COL_FLOW && fabs(v - floor(v + 0.5)) <= 1e-6) {
			glp_set_col_bnds(r->P, k, GLP_FX, floor(v + 0.5), 0);
		} else if (cols[j].kind == CM_COL_FLOW) {
			glp_set_col_bnds(r->P, k, GLP_DB, floor(v), floor(v) + 1);
			glp_set_col_kind(r->P, k, GLP_IV);
		} else if (cols[j].kind == CM_COL_UNPLACED) {
			glp_set_col_kind(r->P, k, GLP_IV);
		}
	}
	release_holds(r);
	r->mip = 1;
	r->iocp.mip_gap = 0;
	return lexicographic(ctx, r, NULL, 0);
}

/* The bound single-mode plans are measured against: the LP relaxation
 * (choices continuous, every flow free) holding the plan's own unplaced
 * total and policy shortfall, minimising pupil-metres.  Any single-school
 * plan with those totals is a solution of it, so its value is a lower bound
 * on theirs.  Leaves the problem relaxed. */
static int relaxation_bound(cm_ctx *ctx, run *r, const double *x, double *bound)
{
	const cm_model *m = r->m;
	const cm_col *cols = m->cols.data;
	size_t j;
	double u = 0;
	int rc;
	for (j = 0; j < m->cols.len; j++) {
		int k = col_index((int)j);
		glp_set_col_kind(r->P, k, GLP_CV);
		if (cols[j].kind == CM_COL_QUOTA_SHORT)
			set_range(r->P, k, x[j] + 1e-7 * (1 + x[j]));
		else
			set_range(r->P, k, cols[j].ub);
		if (cols[j].kind == CM_COL_UNPLACED)
			u += x[j];
	}
	glp_set_row_bnds(r->P, m->unplaced_row + 1, GLP_UP, 0, u + 1e-7 * (1 + u));
	r->mip = 0;
	set_objective(r->P, m, 'C');
	rc = timed_phase(ctx, r, "relaxation bound");
	if (!rc)
		*bound = r->value;
	return rc;
}

/* Shadow prices of the plan as drawn (choices and integers let go, flows
 * free again): phase B's seat duals (pupils placed per seat), then phase
 * C's (pupil-metres saved per seat). */
static void plan_duals(cm_ctx *ctx, run *r, size_t n_schools, cm_solution *out)
{
	const cm_col *cols = r->m->cols.data;
	size_t j;
	for (j = 0; j < r->m->cols.len; j++) {
		int k = col_index((int)j);
		if (cols[j].kind == CM_COL_FLOW || cols[j].kind == CM_COL_UNPLACED)
			set_range(r->P, k, cols[j].ub);
		glp_set_col_kind(r->P, k, GLP_CV);
	}
	release_holds(r);
	r->mip = 0;
	set_objective(r->P, r->m, 'B');
	if (solve_phase(ctx, r, "shadow prices"))
		return;
	seat_duals(r, n_schools, out->seat_dual_u);
	glp_set_row_bnds(r->P, r->m->unplaced_row + 1, GLP_UP, 0, r->value + 1e-7 * (1 + r->value));
	set_objective(r->P, r->m, 'C');
	if (!solve_phase(ctx, r, "shadow prices"))
		seat_duals(r, n_schools, out->seat_dual_m);
}

/* Single mode, after the dive: branch and cut over every catchment choice,
 * seeded with the dive's plan and limited in time, phase by phase.  A phase
 * the dive already solved to the relaxation's bound is only held, not
 * searched.  What the time allows improves the plan; the gap reported is
 * always against the relaxation. */
static int single_polish(cm_ctx *ctx, run *r, double lp_unplaced)
{
	const cm_model *m = r->m;
	const cm_col *cols = m->cols.data;
	size_t j, n = m->cols.len;
	int rc = 0, any_slack = 0;
	double *x = malloc((n + 1) * sizeof(double));
	if (!x)
		return cm__error(ctx, CM_ENOMEM, "out of memory");
	for (j = 0; j < n; j++) {
		int k = col_index((int)j);
		x[k] = col_value(r, (int)j);
		any_slack |= cols[j].kind == CM_COL_QUOTA_SHORT;
		if (cols[j].binary) {
			set_range(r->P, k, 1);
			glp_set_col_kind(r->P, k, GLP_BV);
		} else if (cols[j].kind == CM_COL_FLOW || cols[j].kind == CM_COL_UNPLACED) {
			set_range(r->P, k, cols[j].ub);
			glp_set_col_kind(r->P, k, GLP_IV);
		}
	}
	release_holds(r);
	r->mip = 1;
	r->incumbent = x;
	r->iocp.cb_func = on_tree;
	r->iocp.cb_info = r;
	r->node_limit = 2000;
	if (r->unplaced > lp_unplaced + 0.5) {
		set_objective(r->P, m, 'B');
		if ((rc = timed_phase(ctx, r, "unplaced pupils (branch and cut)")))
			goto done;
		r->unplaced = r->value;
		for (j = 0; j < n; j++)
			x[col_index((int)j)] = col_value(r, (int)j);
	}
	glp_set_row_bnds(r->P, m->unplaced_row + 1, GLP_UP, 0, r->unplaced + 0.5);
	if (any_slack) {
		set_objective(r->P, m, 'A');
		if ((rc = timed_phase(ctx, r, "policy rows (branch and cut)")))
			goto done;
		for (j = 0; j < n; j++) {
			x[col_index((int)j)] = col_value(r, (int)j);
			if (cols[j].kind == CM_COL_QUOTA_SHORT)
				set_range(r->P, col_index((int)j), x[col_index((int)j)] + 1e-7 * (1 + x[col_index((int)j)]));
		}
	}
	set_objective(r->P, m, 'C');
	rc = timed_phase(ctx, r, "pupil-metres (branch and cut)");
done:
	r->incumbent = NULL;
	r->iocp.cb_func = NULL;
	r->node_limit = 0;
	free(x);
	return rc;
}

/* Single mode, last: fix and optimise.  With the plan's unplaced total and
 * policy shortfall held, each school in turn opens a neighbourhood: itself
 * and its three nearest schools of the level.  The compounds whose
 * catchment school is one of them may move among them, and a small branch
 * and cut (seeded with the current plan, two seconds at most) keeps any move
 * that saves pupil-metres.  Everything else stays fixed, so each problem is
 * small; the plan never gets worse. */
/* A compound whose catchment school is further than its nearest ones. */
typedef struct detour {
	int current;           /* its catchment school */
	int nearest[2];        /* its two nearest eligible public schools, -1 if none */
	double excess;         /* public pupils x (metres to current - to nearest) */
} detour;

static int by_excess(const void *a, const void *b)
{
	const detour *x = a, *y = b;
	return (x->excess < y->excess) - (x->excess > y->excess);
}

/* The twenty longest detours of the plan `x` (1-based column values). */
static detour *long_detours(const run *r, const double *x, int *n)
{
	const cm_col *cols = r->m->cols.data;
	size_t j = 0, len = r->m->cols.len, cap = 64;
	detour *d = malloc(cap * sizeof *d);
	*n = 0;
	while (d && j < len) {
		int cur = cols[j].compound, current = -1;
		double dcur = 0, d1 = HUGE_VAL, d2 = HUGE_VAL, pupils = 0;
		detour t = {-1, {-1, -1}, 0};
		for (; j < len && cols[j].compound == cur; j++) {
			double v = x[col_index((int)j)];
			if (cols[j].binary) {
				if (v > 0.5) {
					current = cols[j].school;
					dcur = cols[j].dist;
				}
				if (cols[j].dist < d1) {
					d2 = d1, t.nearest[1] = t.nearest[0];
					d1 = cols[j].dist, t.nearest[0] = cols[j].school;
				} else if (cols[j].dist < d2) {
					d2 = cols[j].dist, t.nearest[1] = cols[j].school;
				}
			} else if (cols[j].kind == CM_COL_FLOW && cols[j].seat == CM_SEAT_PUBLIC) {
				pupils += v;
			}
		}
		if (cur < 0 || current < 0 || dcur <= d1)
			continue;
		t.current = current;
		t.excess = pupils * (dcur - d1);
		if ((size_t)*n == cap) {
			detour *nd = realloc(d, (cap *= 2) * sizeof *d);
			if (!nd) {
				free(d);
				return NULL;
			}
			d = nd;
		}
		d[(*n)++] = t;
	}
	if (!d)
		return NULL;
	qsort(d, (size_t)*n, sizeof *d, by_excess);
	if (*n > 20)
		*n = 20;
	return d;
}

static int single_fix_and_optimise(cm_ctx *ctx, run *r, const cm_dataset_view *view)
{
	const cm_model *m = r->m;
	const cm_col *cols = m->cols.data;
	size_t j, n = m->cols.len;
	int rc = 0, si, k, ndetours = 0;
	double u = 0, best;
	detour *detours = NULL;
	double *x = malloc((n + 1) * sizeof(double));
	char *near = calloc(view->n_schools + 1, 1);
	if (!x || !near) {
		free(x);
		free(near);
		return cm__error(ctx, CM_ENOMEM, "out of memory");
	}
	for (j = 0; j < n; j++) {
		int kk = col_index((int)j);
		x[kk] = col_value(r, (int)j);
		if (cols[j].kind == CM_COL_UNPLACED)
			u += x[kk];
		if (cols[j].binary) {
			/* kind first: GLP_BV resets the bounds to [0, 1] */
			glp_set_col_kind(r->P, kk, GLP_BV);
			glp_set_col_bnds(r->P, kk, GLP_FX, floor(x[kk] + 0.5), 0);
		} else if (cols[j].kind == CM_COL_FLOW || cols[j].kind == CM_COL_UNPLACED) {
			/* continuous: with the choices fixed the vertex is (nearly)
			 * whole, and make_whole finishes the job afterwards */
			set_range(r->P, kk, cols[j].ub);
			glp_set_col_kind(r->P, kk, GLP_CV);
		} else if (cols[j].kind == CM_COL_QUOTA_SHORT) {
			set_range(r->P, kk, x[kk] + 1e-7 * (1 + x[kk]));
		}
	}
	glp_set_row_bnds(r->P, m->unplaced_row + 1, GLP_UP, 0, u + 1e-7 * (1 + u));
	set_objective(r->P, m, 'C');
	best = m->cost_offset;
	for (j = 0; j < n; j++)
		if (cols[j].kind == CM_COL_FLOW || cols[j].kind == CM_COL_UNPLACED)
			best += cols[j].cost * x[col_index((int)j)];
	r->mip = 1;
	r->incumbent = x;
	r->iocp.cb_func = on_tree;
	r->iocp.cb_info = r;
	r->node_limit = 200;
	r->iocp.mip_gap = 0;
	detours = long_detours(r, x, &ndetours);
	for (si = 0; si < (int)view->n_schools + ndetours; si++) {
		int opened = 0;
		memset(near, 0, view->n_schools);
		if (si >= (int)view->n_schools) {
			/* a compound on a long detour: its school and its two nearest */
			const detour *dt = &detours[si - (int)view->n_schools];
			near[dt->current] = 1;
			if (dt->nearest[0] >= 0)
				near[dt->nearest[0]] = 1;
			if (dt->nearest[1] >= 0)
				near[dt->nearest[1]] = 1;
			goto open;
		}
		if (m->seat_row[si] < 0 || view->sector[si] != CM_PUBLIC)
			continue;
		/* the school and its three nearest public schools of the level */
		near[si] = 1;
		for (k = 0; k < 3; k++) {
			int pick = -1;
			double bd = HUGE_VAL;
			for (int t = 0; t < (int)view->n_schools; t++) {
				double d;
				if (near[t] || m->seat_row[t] < 0 || view->sector[t] != CM_PUBLIC)
					continue;
				d = hypot(view->x[t] - view->x[si], view->y[t] - view->y[si]);
				if (d < bd) {
					bd = d;
					pick = t;
				}
			}
			if (pick >= 0)
				near[pick] = 1;
		}
	open:
		/* Open, among them and its current school, the choices of every
		 * compound whose catchment school is one of them, or whose two
		 * nearest eligible public schools include one of them. */
		for (j = 0; j < n;) {
			size_t i, first = j;
			int cur = cols[j].compound, in = 0, seen = 0;
			double d1 = HUGE_VAL, d2 = HUGE_VAL;
			int n1 = -1, n2 = -1;
			for (; j < n && cols[j].compound == cur; j++) {
				if (!cols[j].binary)
					continue;
				if (x[col_index((int)j)] > 0.5 && near[cols[j].school])
					in = 1;
				if (cols[j].dist < d1) {
					d2 = d1, n2 = n1;
					d1 = cols[j].dist, n1 = cols[j].school;
				} else if (cols[j].dist < d2) {
					d2 = cols[j].dist, n2 = cols[j].school;
				}
				seen = 1;
			}
			if (cur < 0 || !seen)
				continue;
			if (!in && !(n1 >= 0 && near[n1]) && !(n2 >= 0 && near[n2]))
				continue;
			for (i = first; i < j; i++)
				if (cols[i].binary && (near[cols[i].school] || x[col_index((int)i)] > 0.5)) {
					set_range(r->P, col_index((int)i), 1);
					opened++;
				}
		}
		if (opened < 2)
			continue;
		rc = timed_phase(ctx, r, "pupil-metres (neighbourhood)");
		if (rc)
			break;
		if (r->value < best - 1e-6) {
			best = r->value;
			for (j = 0; j < n; j++)
				x[col_index((int)j)] = glp_mip_col_val(r->P, col_index((int)j));
		}
		for (j = 0; j < n; j++)
			if (cols[j].binary)
				glp_set_col_bnds(r->P, col_index((int)j), GLP_FX, floor(x[col_index((int)j)] + 0.5), 0);
	}
	/* leave the problem at the final plan: every choice fixed, solved */
	if (!rc)
		rc = timed_phase(ctx, r, "pupil-metres (final)");
	r->incumbent = NULL;
	r->iocp.cb_func = NULL;
	r->node_limit = 0;
	free(detours);
	free(near);
	free(x);
	return rc;
}

int cm__glpk_solve(cm_ctx *ctx, const cm_config *cfg, const cm_model *m,
                   const cm_dataset_view *view, cm_solution *out)
{
	hooks h;
	run r;
	glp_prob *volatile P = NULL;
	volatile int rc = 0;
	size_t j, ncols = m->cols.len, n_schools = view->n_schools;
	int tm = cfg->solve.time_limit_s > 0 && cfg->solve.time_limit_s < INT_MAX / 1000
	                 ? (int)(cfg->solve.time_limit_s * 1000)
	                 : INT_MAX;

	memset(out, 0, sizeof *out);
	out->x = calloc(ncols ? ncols : 1, sizeof(double));
	out->seat_dual_m = calloc(n_schools ? n_schools : 1, sizeof(double));
	out->seat_dual_u = calloc(n_schools ? n_schools : 1, sizeof(double));
	if (!out->x || !out->seat_dual_m || !out->seat_dual_u) {
		cm__solution_free(out);
		return cm__error(ctx, CM_ENOMEM, "out of memory");
	}
	hooks_install(&h, ctx);
	if (setjmp(h.jump)) {
		cm__solution_free(out);
		return glpk_failed(ctx, &h);
	}

	memset(&r, 0, sizeof r);
	P = glp_create_prob();
	r.P = P;
	r.m = m;
	glp_init_smcp(&r.smcp);
	r.smcp.msg_lev = GLP_MSG_ERR;
	r.smcp.presolve = GLP_OFF; /* keep the basis from phase to phase */
	r.smcp.tm_lim = tm;
	glp_init_iocp(&r.iocp);
	r.iocp.msg_lev = GLP_MSG_ERR;
	r.iocp.mip_gap = cfg->solve.mip_gap;
	r.iocp.tm_lim = tm;
	r.iocp.presolve = GLP_OFF;
	r.mip = 0;
	load(P, m, 0);
	rc = lexicographic(ctx, &r, out->seat_dual_u, n_schools);
	if (!rc) {
		out->lp_bound = r.value;
		out->lp_unplaced = r.unplaced;
	}
	if (!rc && m->single)
		rc = single_by_diving(ctx, &r, &out->dive_rounds);
	if (!rc && m->single) {
		/* Improve only what may be improved: unplaced above the bound, or
		 * pupil-metres further from it than the gap asked for. */
		double gap = r.value > 0 ? (r.value - out->lp_bound) / r.value : 0;
		if (r.unplaced > out->lp_unplaced + 0.5) {
			if (!flows_whole(&r))
				rc = make_whole(ctx, &r);
			if (!rc)
				rc = single_polish(ctx, &r, out->lp_unplaced);
		}
		if (!rc && gap > cfg->solve.mip_gap)
			rc = single_fix_and_optimise(ctx, &r, view);
	}
	if (!rc && !flows_whole(&r))
		rc = make_whole(ctx, &r);
	if (!rc) {
		out->objective = r.value;
		out->integral = flows_whole(&r);
		for (j = 0; j < ncols; j++)
			out->x[j] = col_value(&r, (int)j);
		out->quota_short = m->quota_col >= 0 ? out->x[m->quota_col] : 0;
		if (m->single)
			rc = relaxation_bound(ctx, &r, out->x, &out->lp_bound);
	}
	if (!rc) {
		out->mip_gap = out->objective > 0 ? (out->objective - out->lp_bound) / out->objective : 0;
		if (out->mip_gap < 0)
			out->mip_gap = 0;
		if (m->single || r.mip) {
			plan_duals(ctx, &r, n_schools, out);
			cm__error(ctx, 0, "%s", ""); /* a failed dual pass is not the plan's failure */
		} else {
			seat_duals(&r, n_schools, out->seat_dual_m);
		}
	}
	glp_delete_prob(P);
	hooks_remove();
	if (rc)
		cm__solution_free(out);
	return rc;
}

/* Test hook: makes GLPK hit an internal error (a row index out of range)
 * under the same hooks as a solve; must return CM_ESOLVER, not abort. */
int cm__glpk_provoke_error(cm_ctx *ctx)
{
	hooks h;
	glp_prob *volatile P = NULL;
	hooks_install(&h, ctx);
	if (setjmp(h.jump))
		return glpk_failed(ctx, &h);
	P = glp_create_prob();
	glp_add_rows(P, 1);
	glp_set_row_bnds(P, 7, GLP_UP, 0, 1); /* no row 7: GLPK's error */
	glp_delete_prob(P);
	hooks_remove();
	return 0;
}

void cm__solution_free(cm_solution *s)
{
	free(s->x);
	free(s->seat_dual_m);
	free(s->seat_dual_u);
	memset(s, 0, sizeof *s);
}
