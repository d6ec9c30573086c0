/*
 * glpk.c: the one module that speaks GLPK, as a relaxation for the search
 * (search.h): the model's LP, with the catchment choices continuous.
 *
 * The search uses it for models with side rows a network cannot hold (a
 * near-school minimum, a cap on pupils moved), and the tests use it as the
 * network's independent check.  Each solve runs the lexicographic phases
 * over one problem object, each warm-started from the last basis:
 *   B. unplaced pupils; the total is then held at its minimum;
 *   A. the shortfall of the policy rows (migrant quota, near-school share,
 *      pupils moved beyond the cap); each is then held;
 *   C. pupil-metres.
 * An exact lexicographic optimum, with no big penalty weights to blur it.
 * Side rows can leave a fractional vertex; `whole` then makes the flows
 * integer with every choice held (a small MIP).
 *
 * GLPK calls abort() on internal errors.  Its error hook longjmps back to
 * the operation that called it, which frees GLPK's environment (and the
 * problem with it) and returns CM_ESOLVER; the relaxation is then broken
 * and says so.  GLPK's terminal output goes to the context's log.  GLPK's
 * environment is thread-local (Debian builds it with TLS), so two levels
 * may solve on two threads, each with its own hooks.
 */
#include "search.h"

#include <glpk.h>

#include <assert.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Sets the objective of a phase: 'A' slacks, 'B' unplaced, 'L' local
 * children unplaced, 'C' distance (with the stability term unless
 * `plain`). */
static void set_objective(glp_prob *P, const cm_model *m, char phase, int plain)
{
	const cm_col *cols = m->cols.data;
	size_t j;
	for (j = 0; j < m->cols.len; j++) {
		double c = 0;
		switch (phase) {
		case 'A': c = cols[j].kind == CM_COL_QUOTA_SHORT; break;
		case 'B': c = cols[j].kind == CM_COL_UNPLACED; break;
		case 'L': c = cols[j].kind == CM_COL_UNPLACED && cols[j].group == CM_LOCAL; break;
		/* distance, and the stability weight of a move (model.c) */
		default:
			c = cols[j].kind == CM_COL_FLOW ? (plain ? cols[j].dist : cols[j].cost)
			    : cols[j].kind == CM_COL_UNPLACED ? cols[j].cost : 0;
			break;
		}
		glp_set_obj_coef(P, col_index((int)j), c);
	}
	/* the stability weight of the pupils who could stay (model.h) */
	glp_set_obj_coef(P, 0, phase == 'C' && !plain ? m->cost_offset : 0);
}

double cm__glpk_local_weight(const cm_model *m)
{
	/* (the pupils counted here: a relaxation's solver calls no other
	 * module, scripts/layering) */
	const cm_col *cols = m->cols.data;
	double pupils = 0;
	size_t j;
	for (j = 0; j < m->cols.len; j++)
		if (cols[j].kind == CM_COL_UNPLACED)
			pupils += cols[j].ub;
	/* every shortfall is at most the pupils: the quota's (migrants), the
	 * near share's (placed pupils), the moved cap's (pupils) */
	return 3 * pupils + 1;
}

/* Loads the model, every column continuous. */
static int load(glp_prob *P, const cm_model *m)
{
	const cm_row *rows = m->rows.data;
	size_t i, ne = m->ia.len;
	int *ia = malloc((ne + 1) * sizeof(int)), *ja = malloc((ne + 1) * sizeof(int));
	double *ar = malloc((ne + 1) * sizeof(double));
	if (!ia || !ja || !ar) {
		free(ia);
		free(ja);
		free(ar);
		return CM_ENOMEM;
	}
	glp_set_obj_dir(P, GLP_MIN);
	if (m->rows.len)
		glp_add_rows(P, (int)m->rows.len);
	for (i = 0; i < m->rows.len; i++) {
		int t = rows[i].type == CM_ROW_LE   ? GLP_UP
		        : rows[i].type == CM_ROW_GE ? GLP_LO
		        : rows[i].type == CM_ROW_EQ ? GLP_FX
		                                    : GLP_FR;
		glp_set_row_bnds(P, (int)i + 1, t, rows[i].rhs, rows[i].rhs);
	}
	if (m->cols.len)
		glp_add_cols(P, (int)m->cols.len);
	for (i = 0; i < ne; i++) {
		ia[i + 1] = ((const int *)m->ia.data)[i] + 1;
		ja[i + 1] = ((const int *)m->ja.data)[i] + 1;
		ar[i + 1] = ((const double *)m->ar.data)[i];
	}
	glp_load_matrix(P, (int)ne, ia, ja, ar);
	free(ia);
	free(ja);
	free(ar);
	return 0;
}

/* ------------------------------------------------------------ the relaxation */

typedef struct grelax {
	cm_ctx *ctx;
	const cm_model *m;
	glp_prob *P;            /* NULL once GLPK failed */
	hooks h;
	glp_smcp smcp;
	glp_iocp iocp;
	unsigned char *forbidden; /* by column */
	int mip;                /* the problem holds `whole`'s MIP: the next solve resets it */
	int any_slack;          /* the model has policy slack columns: phase A */
	int any_locals;         /* and local pupils: phase L */
	double k_locals;        /* the policy tier's value is k_locals x L + A: above any A */
	int plain;              /* phase C without the stability term (the shadow prices) */
	double tier[4];         /* the last solve's phases: B, L and A as one, C, and L alone */
	long long work;         /* rows and columns per phase solved: the budget's measure */
} grelax;

/* Every column's bounds and kind as the model and the search say; the
 * holds of earlier phases undone. */
static void reset(grelax *G)
{
	const cm_col *cols = G->m->cols.data;
	size_t j;
	for (j = 0; j < G->m->cols.len; j++) {
		int k = col_index((int)j);
		if (G->mip)
			glp_set_col_kind(G->P, k, GLP_CV);
		set_range(G->P, k, G->forbidden[j] ? 0 : cols[j].ub);
	}
	glp_set_row_bnds(G->P, G->m->unplaced_row + 1, GLP_FR, 0, 0);
	glp_set_row_bnds(G->P, G->m->policy_row + 1, GLP_FR, 0, 0);
	glp_set_row_bnds(G->P, G->m->locals_row + 1, GLP_FR, 0, 0);
	G->mip = 0;
}

/* A whole plan's branch and cut stops after this many nodes: the flows
 * made whole are few and a plan is usually found at once, but proving
 * the rounding optimal can take GLPK minutes (a near-school minimum's row
 * on a county: 427 s for one level, 2026-12-02).  Nodes, not seconds, so
 * that the plan is the same on any machine. */
#define WHOLE_NODES 200

static void whole_limit(glp_tree *T, void *info)
{
	int a, n, t;
	(void)info;
	if (glp_ios_reason(T) != GLP_ISELECT)
		return;
	glp_ios_tree_size(T, &a, &n, &t);
	if (t > WHOLE_NODES)
		glp_ios_terminate(T);
}

/* The simplex iterations since the count was `since`, as work. */
static void iterations(grelax *G, int since)
{
	G->work += (long long)(glp_get_it_cnt(G->P) - since) *
	           (long long)(G->m->rows.len + G->m->cols.len);
}

/* Solves the current objective: the LP, or (mip) branch and cut from it.
 * 0, 1 when the branch and cut stopped at WHOLE_NODES without a whole
 * solution, or CM_ESOLVER (message set).  Work: each simplex iteration
 * counts the rows and columns once.  GLPK's iterations run at about a
 * quarter of the network simplex's work a second (the example county with
 * a near-school minimum, 2026-12-02: 6.4e8 work in 16-19 s), so a level
 * with side rows takes about three times as long for the same budget;
 * counted four times over, that budget ended the county's primary level
 * 49 pupils short of the fewest without a place. */
static int phase(grelax *G, const char *what, int mip, double *value)
{
	int it = glp_get_it_cnt(G->P), rc = glp_simplex(G->P, &G->smcp), st;
	iterations(G, it);
	if (rc == GLP_ETMLIM)
		return cm__error(G->ctx, CM_ESOLVER, "%s: the time limit ran out in GLPK's LP", what);
	if (rc != 0)
		return cm__error(G->ctx, CM_ESOLVER, "%s: GLPK's simplex failed (code %d)", what, rc);
	st = glp_get_status(G->P);
	if (st != GLP_OPT)
		return cm__error(G->ctx, CM_ESOLVER, "%s: the LP is %s (a fault: please report it)", what,
		                 st == GLP_NOFEAS ? "infeasible" : st == GLP_UNBND ? "unbounded"
		                                                     : "not solved");
	*value = glp_get_obj_val(G->P);
	if (!mip)
		return 0;
	it = glp_get_it_cnt(G->P);
	rc = glp_intopt(G->P, &G->iocp);
	iterations(G, it);
	st = glp_mip_status(G->P);
	if (rc != 0 && rc != GLP_ETMLIM && rc != GLP_EMIPGAP && rc != GLP_ESTOP)
		return cm__error(G->ctx, CM_ESOLVER, "%s: GLPK's branch and cut failed (code %d)", what, rc);
	if (st != GLP_OPT && st != GLP_FEAS && rc == GLP_ESTOP)
		return 1;
	if (st != GLP_OPT && st != GLP_FEAS)
		return cm__error(G->ctx, CM_ESOLVER, "%s: no whole solution found%s", what,
		                 rc == GLP_ETMLIM ? " within the time limit" : "");
	*value = glp_mip_obj_val(G->P);
	return 0;
}

/* A count phase's optimum without GLPK's noise: never below 0, and a
 * whole number where it is one within 1e-7 (relative).  The policy tier
 * multiplies the local children by k_locals (thousands), so -1e-9 of
 * them became -1e-6 pupils: below a true 0 by more than the tiers'
 * tolerance, and the search took a plan 5% longer as "better" on the
 * tier and pruned every node at 0 (a review's 40-compound town, solver =
 * glpk, mip_gap = 0: "proven optimal" 5% above the optimum). */
static double clean_count(double v)
{
	double r = floor(v + 0.5);
	if (fabs(v - r) <= 1e-7 * fmax(1, fabs(v)))
		v = r;
	return v > 0 ? v : 0;
}

/* The phases, each optimum held for the next: unplaced pupils (B), local
 * children without a place (L), the policy rows' shortfall (A: the quota,
 * the near share, the moved cap), pupil-metres (C).  Placing pupils comes
 * before the quota, and a local child's place before a migrant's: the
 * quota is never met by leaving a local child out.  A phase of its own on
 * GLPK, not the network's weight (model.h CM_LOCAL_FIRST): a chain of
 * moves that seats one local child can cost the near share or the moved
 * cap one pupil per move, which no fixed weight outweighs.  Reported as
 * one tier, k_locals x L + A.  L and A are held within 1e-9 relative: at
 * 3e7 local children without a place (the limits test) GLPK's 1e-7 would
 * let the pupil-metres phase leave three more out. */
static int phases(grelax *G, int mip)
{
	int rc;
	double raw; /* a phase's optimum as GLPK gives it: the next phase's row holds
	               it from that (a cleaned value rounded down would make the
	               next phase infeasible: a near share of 0.6666667, shortfall
	               20.000001) */
	G->work += 3 * (long long)(G->m->rows.len + G->m->cols.len);
	set_objective(G->P, G->m, 'B', 0);
	if ((rc = phase(G, "unplaced pupils", mip, &raw)))
		return rc;
	G->tier[0] = clean_count(raw);
	raw = fmax(raw, G->tier[0]);
	glp_set_row_bnds(G->P, G->m->unplaced_row + 1, GLP_UP, 0,
	                 raw + (mip ? 0.5 : 1e-7 * (1 + fabs(raw))));
	G->tier[1] = G->tier[3] = 0;
	if (G->any_locals) {
		set_objective(G->P, G->m, 'L', 0);
		if ((rc = phase(G, "local children", mip, &raw)))
			return rc;
		G->tier[3] = clean_count(raw);
		raw = fmax(raw, G->tier[3]);
		glp_set_row_bnds(G->P, G->m->locals_row + 1, GLP_UP, 0,
		                 raw + (mip ? 0.5 : 1e-9 * (1 + fabs(raw))));
	}
	if (G->any_slack) {
		set_objective(G->P, G->m, 'A', 0);
		if ((rc = phase(G, "policy rows", mip, &raw)))
			return rc;
		G->tier[1] = clean_count(raw);
		raw = fmax(raw, G->tier[1]);
		glp_set_row_bnds(G->P, G->m->policy_row + 1, GLP_UP, 0,
		                 raw + 1e-9 * (1 + fabs(raw)));
	}
	G->tier[1] += G->k_locals * G->tier[3];
	set_objective(G->P, G->m, 'C', G->plain);
	return phase(G, "pupil-metres", mip, &G->tier[2]);
}

/* Each operation that calls GLPK runs under the hooks, its setjmp the
 * target of GLPK's error hook. */
#define GUARD(G)                                                                          \
	do {                                                                                  \
		if (!(G)->P)                                                                      \
			return cm__error((G)->ctx, CM_ESOLVER, "GLPK failed earlier in this solve");  \
		hooks_install(&(G)->h, (G)->ctx);                                                 \
		if (setjmp((G)->h.jump)) {                                                        \
			(G)->P = NULL;                                                                \
			return glpk_failed((G)->ctx, &(G)->h);                                        \
		}                                                                                 \
	} while (0)

/* The last phases' optima as a value. */
static void tiers(const grelax *G, cm_lex *out)
{
	out->unplaced = G->tier[0];
	out->shortfall = G->tier[1];
	out->metres = G->tier[2];
}

static int relax_solve(void *self, cm_lex *out)
{
	grelax *G = self;
	int rc;
	GUARD(G);
	reset(G);
	rc = phases(G, 0);
	hooks_remove();
	tiers(G, out);
	return rc;
}

static double relax_value(void *self, size_t col)
{
	grelax *G = self;
	int k = col_index((int)col);
	if (!G->P)
		return 0;
	return G->mip ? glp_mip_col_val(G->P, k) : glp_get_col_prim(G->P, k);
}

static void relax_forbid(void *self, size_t col, int on)
{
	grelax *G = self;
	G->forbidden[col] = (unsigned char)on; /* the next solve sets the bounds */
}

/* Whole pupils: every choice held where the solution has it, every whole
 * flow held, the fractional ones made integer between their floor and
 * ceiling, and the phases solved again as a (small) MIP. */
static int relax_whole(void *self, cm_lex *out)
{
	grelax *G = self;
	const cm_col *cols = G->m->cols.data;
	size_t j, n = G->m->cols.len;
	int rc;
	GUARD(G);
	for (j = 0; j < n; j++) {
		int k = col_index((int)j);
		double v = glp_get_col_prim(G->P, k);
		if (cols[j].kind == CM_COL_CHOICE) {
			size_t f;
			int used = 0;
			for (f = j + 1; f < n && cols[f].kind == CM_COL_FLOW && cols[f].school == cols[j].school &&
			                cols[f].compound == cols[j].compound;
			     f++)
				used |= glp_get_col_prim(G->P, col_index((int)f)) > 1e-6;
			glp_set_col_kind(G->P, k, GLP_IV);
			glp_set_col_bnds(G->P, k, GLP_FX, used, used);
		} else if (cols[j].kind == CM_COL_FLOW && fabs(v - floor(v + 0.5)) <= 1e-6) {
			glp_set_col_bnds(G->P, k, GLP_FX, floor(v + 0.5), 0);
		} else if (cols[j].kind == CM_COL_FLOW) {
			glp_set_col_kind(G->P, k, GLP_IV);
			glp_set_col_bnds(G->P, k, GLP_DB, floor(v), floor(v) + 1);
		} else if (cols[j].kind == CM_COL_UNPLACED) {
			glp_set_col_kind(G->P, k, GLP_IV);
		}
	}
	glp_set_row_bnds(G->P, G->m->unplaced_row + 1, GLP_FR, 0, 0);
	glp_set_row_bnds(G->P, G->m->policy_row + 1, GLP_FR, 0, 0);
	glp_set_row_bnds(G->P, G->m->locals_row + 1, GLP_FR, 0, 0);
	G->mip = 1;
	rc = phases(G, 1);
	hooks_remove();
	tiers(G, out);
	return rc;
}

/* What one more seat at each school does (docs/model.md, "Shadow
 * prices"): the phases solved again with the school's seat row one
 * higher, every choice held as the search left them, the stability term
 * aside; pupils[s] the pupils without a place it saves, metres[s] the
 * pupil-metres.  Only a full school's seat row can gain anything (a seat
 * row with room left changes nothing).  Not the row duals: at a
 * degenerate optimum a dual is any value between the last seat's worth
 * and the next one's, and GLPK's basis often gave the last's (a full
 * school with every pupil placed said "one more pupil in"; a seat worth
 * 1,363 pupil-m where one more saved 1,236). */
static int relax_duals(void *self, double *pupils, double *metres)
{
	grelax *G = self;
	const cm_row *rows = G->m->rows.data;
	size_t s, ns = G->m->n_schools, nfull = 0;
	size_t *full = malloc((ns + 1) * sizeof *full);
	double base[3];
	int rc;
	for (s = 0; s < ns; s++)
		pupils[s] = metres[s] = 0;
	if (!full)
		return cm__error(G->ctx, CM_ENOMEM, "out of memory");
	if (!G->P) {
		free(full);
		return cm__error(G->ctx, CM_ESOLVER, "GLPK failed earlier in this solve");
	}
	hooks_install(&G->h, G->ctx);
	if (setjmp(G->h.jump)) {
		G->P = NULL;
		free(full);
		return glpk_failed(G->ctx, &G->h);
	}
	G->plain = 1;
	reset(G);
	rc = phases(G, 0);
	memcpy(base, G->tier, sizeof base);
	for (s = 0; s < ns && !rc; s++) {
		int row = G->m->seat_row[s];
		if (row >= 0 && glp_get_row_prim(G->P, row + 1) >= rows[row].rhs - 1e-6)
			full[nfull++] = s;
	}
	for (s = 0; s < nfull && !rc; s++) {
		int row = G->m->seat_row[full[s]] + 1;
		double rhs = rows[row - 1].rhs, du, dm;
		glp_set_row_bnds(G->P, row, GLP_UP, 0, rhs + 1);
		reset(G);
		rc = phases(G, 0);
		glp_set_row_bnds(G->P, row, GLP_UP, 0, rhs);
		if (rc)
			break;
		/* the phases hold each optimum within 1e-7 of itself (pupils
		 * without a place: at most that many more, each the longest
		 * trip): less is none */
		du = base[0] - G->tier[0];
		dm = base[2] - G->tier[2];
		pupils[full[s]] = du > 1e-6 ? du : 0;
		metres[full[s]] = dm > 1e-3 + 2e-7 * (1 + base[0]) * G->m->big_dist ? dm : 0;
	}
	G->plain = 0;
	hooks_remove();
	free(full);
	return rc;
}

static long long relax_work(void *self)
{
	return ((grelax *)self)->work;
}

void cm__glpk_relax_free(cm_relax *r)
{
	grelax *G = r ? r->self : NULL;
	if (!G)
		return;
	if (G->P) {
		hooks_install(&G->h, G->ctx);
		if (!setjmp(G->h.jump))
			glp_delete_prob(G->P);
		hooks_remove();
	}
	free(G->forbidden);
	free(G);
	r->self = NULL;
}

int cm__glpk_relax_new(cm_ctx *ctx, const cm_config *cfg, const cm_model *m, cm_relax *out)
{
	grelax *G = calloc(1, sizeof *G);
	const cm_col *cols = m->cols.data;
	size_t j;
	int tm = cfg->solve.time_limit_s > 0 && cfg->solve.time_limit_s < INT_MAX / 1000
	                 ? (int)(cfg->solve.time_limit_s * 1000)
	                 : INT_MAX;
	int rc;
	memset(out, 0, sizeof *out);
	if (!G || !(G->forbidden = calloc(m->cols.len + 1, 1))) {
		free(G);
		return cm__error(ctx, CM_ENOMEM, "out of memory");
	}
	G->ctx = ctx;
	G->m = m;
	assert(m->policy_row >= 0 && m->locals_row >= 0); /* not a neighbourhood's model */
	assert(!m->network_only);                          /* it has its coefficients */
	for (j = 0; j < m->cols.len; j++) {
		G->any_slack |= cols[j].kind == CM_COL_QUOTA_SHORT;
		G->any_locals |= cols[j].kind == CM_COL_UNPLACED && cols[j].group == CM_LOCAL;
	}
	G->k_locals = cm__glpk_local_weight(m);
	out->self = G;
	hooks_install(&G->h, ctx);
	if (setjmp(G->h.jump)) {
		G->P = NULL;
		rc = glpk_failed(ctx, &G->h);
		cm__glpk_relax_free(out);
		return rc;
	}
	G->P = glp_create_prob();
	glp_init_smcp(&G->smcp);
	G->smcp.msg_lev = GLP_MSG_ERR;
	G->smcp.presolve = GLP_OFF; /* keep the basis from solve to solve */
	G->smcp.tm_lim = tm;
	glp_init_iocp(&G->iocp);
	G->iocp.msg_lev = GLP_MSG_ERR;
	G->iocp.mip_gap = 0;
	G->iocp.tm_lim = tm;
	G->iocp.presolve = GLP_OFF;
	G->iocp.cb_func = whole_limit;
	rc = load(G->P, m);
	hooks_remove();
	if (rc) {
		cm__glpk_relax_free(out);
		return cm__error(ctx, CM_ENOMEM, "out of memory");
	}
	out->solve = relax_solve;
	out->value = relax_value;
	out->forbid = relax_forbid;
	out->whole = relax_whole;
	out->duals = relax_duals;
	out->work = relax_work;
	return 0;
}

void cm__glpk_thread_end(void)
{
	glp_free_env(); /* (1, and nothing done, where GLPK never ran) */
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
