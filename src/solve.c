/*
 * solve.c: how a level is solved.  The one place that routes a model to a
 * relaxation (the network simplex, or GLPK's LP for side rows), and the
 * solve itself: the relaxation's optimum in split mode, the exact search
 * in single mode (search.c), read back into a cm_solution.
 */
#include "search.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int cm__route(cm_ctx *ctx, const cm_config *cfg, int has_previous, cm_route *out)
{
	int lv;
	memset(out, 0, sizeof *out);
	for (lv = 0; lv < CM_NLEVELS; lv++) {
		/* the side rows no network holds (flow.c, cm__flow_holds) */
		char key[96];
		const char *side = cm__side_row(cfg, &cfg->policy, (cm_level)lv, has_previous, key,
		                                sizeof key) ? key : NULL;
		if (side && cfg->solve.solver == CM_SOLVER_NETWORK)
			return cm__error(ctx, CM_EINPUT, _("solver = network cannot hold %s: it is a side row "
			                 "of the %s model, which GLPK's LP holds (solver = auto)"), side,
			                 cm__level_label((cm_level)lv));
		out->path[lv] = side || cfg->solve.solver == CM_SOLVER_GLPK ? CM_PATH_GLPK
		                                                            : CM_PATH_NETWORK;
	}
	/* Junior's seats depend on primary's plan only through the school-size
	 * cap.  GLPK's environment is thread-local, so either path may run on a
	 * thread of its own. */
	out->parallel = !cfg->policy.enforce_school_size;
	return 0;
}

/* Local children without a place in solution x of model m. */
static double locals_out(const cm_model *m, const double *x)
{
	const cm_col *cols = m->cols.data;
	double n = 0;
	for (size_t j = 0; j < m->cols.len; j++)
		if (cols[j].kind == CM_COL_UNPLACED && cols[j].group == CM_LOCAL)
			n += x[j];
	return n;
}

int cm__level_solve(cm_ctx *ctx, const cm_config *cfg, const cm_model *m, cm_path path,
                    const long *start, cm_solution *out)
{
	cm_relax r;
	cm_search_result res;
	cm_search_opts opts;
	const char *why = NULL;
	size_t ns = m->n_schools;
	int rc;

	memset(out, 0, sizeof *out);
	out->x = calloc(m->cols.len + 1, sizeof(double));
	out->seat_dual_m = calloc(ns + 1, sizeof(double));
	out->seat_dual_u = calloc(ns + 1, sizeof(double));
	if (!out->x || !out->seat_dual_m || !out->seat_dual_u) {
		cm__solution_free(out);
		return cm__error(ctx, CM_ENOMEM, _("out of memory"));
	}
	if (path == CM_PATH_NETWORK && !cm__flow_holds(m, &why)) /* unreachable: cm__route */
		rc = cm__error(ctx, CM_ESOLVER, _("the network cannot hold %s"), why);
	else if (path == CM_PATH_NETWORK)
		rc = cm__flow_relax_new(ctx, m, ns, &r);
	else
		rc = cm__glpk_relax_new(ctx, cfg, m, &r);
	if (rc) {
		cm__solution_free(out);
		return rc;
	}
	memset(&opts, 0, sizeof opts);
	opts.node_limit = cfg->solve.node_limit;
	opts.effort = cfg->solve.effort;
	opts.first = !cfg->solve.first_plan ? 0 : cm__streq_ci(cfg->solve.first_plan, "dive") ? 1
	             : cm__streq_ci(cfg->solve.first_plan, "parts") ? 2 : 0;
	opts.gap = cfg->solve.mip_gap;
	opts.start = start ? start : m->prev_school;
	opts.label = cm_level_name(m->level);
	rc = cm__search(ctx, m, &r, &opts, out->x, &res);
	/* shadow prices: what one more seat does to the plan as drawn (a
	 * failed pass is not the plan's failure; it changes the relaxation's
	 * costs, which is freed next) */
	if (!rc && r.duals(r.self, out->seat_dual_u, out->seat_dual_m)) {
		memset(out->seat_dual_u, 0, ns * sizeof(double));
		memset(out->seat_dual_m, 0, ns * sizeof(double));
		cm__error(ctx, 0, "%s", "");
	}
	if (path == CM_PATH_NETWORK)
		cm__flow_relax_free(&r);
	else
		cm__glpk_relax_free(&r);
	if (rc) {
		cm__solution_free(out);
		return rc;
	}
	out->quota_short = m->quota_col >= 0 ? out->x[m->quota_col] : 0;
	out->objective = res.value.metres;
	out->lp_bound = res.root.metres;
	out->lp_unplaced = res.root.unplaced;
	/* (+ 0.0: a bound of -0 pupils is 0, also when printed) */
	out->bound_unplaced = fmax(0, ceil(res.bound.unplaced - 1e-6)) + 0.0;
	out->nodes = res.nodes;
	out->proven = res.proven;
	out->integral = 1;
	if (fabs(res.bound.unplaced - res.value.unplaced) < 0.5 &&
	    fabs(res.bound.shortfall - res.value.shortfall) <=
	        cm__policy_tol(res.bound.shortfall, res.value.shortfall)) {
		out->bound = res.bound.metres;
		out->mip_gap = out->objective > 0 ? (out->objective - out->bound) / out->objective : 0;
		if (out->mip_gap < 0 || res.proven)
			out->mip_gap = 0;
	} else {
		/* the bound is of fewer pupils without a place (or a smaller
		 * shortfall): it says nothing of this plan's pupil-metres */
		out->bound = -1;
		out->mip_gap = 1;
	}
	if (m->single && res.proven)
		cm__log(ctx, CM_LOG_INFO, _("%s: single-school plan proven optimal (%ld relaxations)"),
		        cm__level_label(m->level), res.nodes);
	else if (m->single && out->bound >= 0)
		cm__log(ctx, CM_LOG_INFO,
		        res.budget_out ? _("%s: single-school plan within %.3f%% of the best possible "
		                           "(%ld relaxations; the search's budget ended)")
		                       : _("%s: single-school plan within %.3f%% of the best possible "
		                           "(%ld relaxations)"),
		        cm__level_label(m->level), 100 * out->mip_gap, res.nodes);
	else if (m->single && out->bound_unplaced < res.value.unplaced - 0.5)
		cm__log(ctx, CM_LOG_INFO, _("%s: single-school plan with %.0f pupils without a place; "
		        "no plan leaves fewer than %.0f, the search's budget ended before it settled "
		        "which (%ld relaxations)"), cm__level_label(m->level), res.value.unplaced,
		        out->bound_unplaced, res.nodes);
	else if (m->single && isfinite(res.bound.shortfall) &&
	         fabs(res.bound.unplaced - res.value.unplaced) < 1e-6) {
		/* the tier is w x local children + the shortfall, w above any
		 * shortfall (model.h): read apart */
		double w = path == CM_PATH_NETWORK ? m->local_first : cm__glpk_local_weight(m);
		double lb = floor(res.bound.shortfall / w + 1e-9), locals = locals_out(m, out->x);
		if (locals > lb + 0.5)
			cm__log(ctx, CM_LOG_INFO, _("%s: single-school plan with the fewest pupils "
			        "without a place (%.0f, proven); the search's budget ended before it "
			        "settled the policy tier (local children without a place, then the "
			        "migrant quota and the other policy rows): this plan leaves %.0f local "
			        "children without a place, where every plan leaves at least %.0f (%ld "
			        "relaxations)"), cm__level_label(m->level), res.value.unplaced,
			        locals, lb, res.nodes);
		else
			cm__log(ctx, CM_LOG_INFO, _("%s: single-school plan with the fewest pupils "
			        "without a place (%.0f, proven) and the fewest local children without "
			        "one (%.0f); the search's budget ended before it settled the migrant quota "
			        "and the other policy rows: this plan is %.1f pupils short of them, the "
			        "bound %.1f (%ld relaxations)"), cm__level_label(m->level),
			        res.value.unplaced, locals, res.value.shortfall - w * locals,
			        res.bound.shortfall - w * lb, res.nodes);
	} else if (m->single) {
		cm__log(ctx, CM_LOG_INFO, _("%s: single-school plan with the fewest pupils without a "
		        "place (%.0f, proven); the search's budget ended before it settled the policy "
		        "tier (local children without a place, then the migrant quota and the other "
		        "policy rows) (%ld relaxations)"),
		        cm__level_label(m->level), res.value.unplaced, res.nodes);
	}
	return 0;
}

/* The near-school minimum's coefficient for flow column c (model.c's
 * near row), 0 where the row does not count it. */
static double near_coef(const cm_config *cfg, const cm_dataset *ds, const cm_model *m,
                        const cm_col *c)
{
	double share = cfg->policy.near_share_min[m->level];
	if (share <= 0 || c->kind != CM_COL_FLOW || c->seat != CM_SEAT_PUBLIC ||
	    !cm__near_counts(&ds->compounds[c->compound], &ds->schools[c->school]))
		return 0;
	return (c->dist <= cfg->policy.near_radius_m[m->level] ? 1.0 : 0.0) - share;
}

/* The near-school minimum `share` in the network's policy tier: the least
 * power of ten D (at most 10^6) that makes share x D whole, its unit 1/D
 * of a pupil; 0 where none does. */
static int near_unit(double share)
{
	int d;
	for (d = 1; d <= 1000000; d *= 10)
		if (fabs(share * d - nearbyint(share * d)) < 1e-6)
			return d;
	return 0;
}

/* The side rows in plan x, each as how far it is met: pupils within the
 * radius less share x those the near row counts, pupils who stay at last
 * year's school less those the cap on moves asks to stay (below 0: short;
 * 0 where the row is not set). */
typedef struct rows_room {
	double near, moved;
} rows_room;

static rows_room side_rows(const cm_config *cfg, const cm_dataset *ds, const cm_model *m,
                           const double *x)
{
	const cm_col *cols = m->cols.data;
	rows_room r = {0, 0};
	double had = 0, stay = 0;
	for (size_t j = 0; j < m->cols.len; j++) {
		r.near += near_coef(cfg, ds, m, &cols[j]) * x[j];
		had += cols[j].stays ? cols[j].ub : 0;
		stay += cols[j].stays ? x[j] : 0;
	}
	if (cfg->solve.max_moved_pupils >= 0)
		r.moved = stay - fmax(0, had - (double)cfg->solve.max_moved_pupils);
	return r;
}

/* Undoes near_priced. */
static void near_unpriced(cm_model *m)
{
	cm_col *cols = m->cols.data;
	for (size_t j = 0; j < m->cols.len; j++)
		cols[j].near = 0;
	m->near_den = 0;
}

/* Prices the side rows `short_` says (near, moved: 1) in m's policy tier
 * (cm_col.near, in 1/den of a pupil): the near-school minimum's (a pupil
 * counted within the radius -(1 - share), beyond +share) and the cap on
 * pupils moved's (a pupil who stays at last year's school -1), with the
 * local children's weight it then takes.  Returns 0 where the tier cannot
 * hold them (the weight would be capped, or the tier would pass its bits:
 * model.h), m then as it was. */
static int near_priced(const cm_config *cfg, const cm_dataset *ds, cm_model *m, int den,
                       const rows_room *short_)
{
	cm_col *cols = m->cols.data;
	int w, exact;
	size_t j;
	for (j = 0; j < m->cols.len; j++)
		cols[j].near = (short_->near ? (int)llround(-near_coef(cfg, ds, m, &cols[j]) * den) : 0) -
		               (short_->moved && cols[j].stays ? den : 0);
	m->near_den = den;
	/* (a local child above the rows' part of the tier, within the tier's
	 * bits: model.h) */
	w = cm__model_local_weight(m, &exact);
	if (!exact) {
		near_unpriced(m);
		return 0;
	}
	m->local_first = w;
	return 1;
}

/* Is plan x worth its priced value with the side rows: each row priced
 * (short_) short of it or just met, each other met? */
static int priced_exact(const rows_room *short_, const rows_room *r)
{
	return (short_->near ? r->near <= 1e-6 : r->near >= -1e-6) &&
	       (short_->moved ? r->moved <= 1e-6 : r->moved >= -1e-6);
}

/* A start as the side rows' model orders plans (docs/model.md): pupils
 * without a place, local children without one, the policy rows' shortfall
 * (the quota's, the near-school minimum's, pupils moved beyond the cap),
 * pupil-metres of the true trips less the stability weight of each pupil
 * who stays (the model's objective, its constant left out). */
typedef struct start_value {
	double unplaced, locals, policy, metres;
} start_value;

static start_value value_start(const cm_config *cfg, const cm_dataset *ds, const cm_model *m,
                               const cm_solution *sol)
{
	const cm_col *cols = m->cols.data;
	start_value v = {0, 0, sol->quota_short, 0};
	rows_room r = side_rows(cfg, ds, m, sol->x); /* (each 0 where not set) */
	size_t j;
	for (j = 0; j < m->cols.len; j++) {
		const cm_col *c = &cols[j];
		double x = sol->x[j];
		if (c->kind == CM_COL_UNPLACED)
			v.unplaced += x;
		else if (c->kind == CM_COL_FLOW)
			v.metres += (c->dist - (c->stays ? cfg->solve.stability_weight : 0)) * x;
	}
	v.locals = locals_out(m, sol->x);
	v.policy += fmax(0, -r.near) + fmax(0, -r.moved);
	return v;
}

/* Is start a better than b (start_value's order, each tier within half a
 * pupil, pupil-metres exactly)? */
static int start_better(const start_value *a, const start_value *b)
{
	if (fabs(a->unplaced - b->unplaced) > 0.5)
		return a->unplaced < b->unplaced;
	if (fabs(a->locals - b->locals) > 0.5)
		return a->locals < b->locals;
	if (fabs(a->policy - b->policy) > 1e-6)
		return a->policy < b->policy;
	return a->metres < b->metres;
}

/* Each compound's public school in solution x of model m into start[] (by
 * compound, -1: none). */
static void plan_of(const cm_model *m, const cm_solution *sol, size_t n, long *start)
{
	const cm_col *cols = m->cols.data;
	size_t j;
	for (j = 0; j < n; j++)
		start[j] = -1;
	for (j = 0; j < m->cols.len; j++)
		if (cols[j].kind == CM_COL_FLOW && cols[j].seat == CM_SEAT_PUBLIC && sol->x[j] > 0.5)
			start[cols[j].compound] = cols[j].school;
}

/* Messages held back: the network's search runs before it is known
 * whether its plan is the level's, and only then are its messages. */
typedef struct held_log {
	cm_vec msgs; /* char *: the level ('0' + cm_log_level), then the text */
	int failed;  /* a message could not be kept */
} held_log;

static void hold_log(cm_log_level level, const char *msg, void *ud)
{
	held_log *H = ud;
	char **slot = cm__vec_push(&H->msgs);
	if (!slot || !(*slot = cm__sprintf("%c%s", '0' + (int)level, msg))) {
		if (slot)
			H->msgs.len--;
		H->failed = 1;
	}
}

static void held_free(held_log *H, cm_ctx *replay_on)
{
	for (size_t i = 0; i < H->msgs.len; i++) {
		char *msg = ((char **)H->msgs.data)[i];
		if (replay_on)
			cm__log(replay_on, (cm_log_level)(msg[0] - '0'), "%s", msg + 1);
		free(msg);
	}
	cm__vec_free(&H->msgs);
}

int cm__side_solve(cm_ctx *ctx, const cm_config *cfg, const cm_dataset *ds, const int *seats,
                   const cm_previous *prev, cm_model *side, cm_solution *out)
{
	cm_config plain = *cfg; /* a shallow copy: only read, never freed */
	cm_ctx quiet;
	cm_model m;
	cm_solution sol, priced;
	start_value v, vp;
	double price, most = 0;
	held_log held;
	cm_col *cols;
	long *start = NULL;
	size_t j, n = ds->n_compounds;
	int rc, took = 0, met;
	if (!side->single || cm__flow_holds(side, NULL))
		return cm__level_solve(ctx, cfg, side, CM_PATH_GLPK, NULL, out);
	plain.policy.near_share_min[side->level] = 0;
	plain.solve.max_moved_pupils = -1;
	/* its messages are the level's only if its plan is */
	cm__ctx_quiet(ctx, &quiet);
	memset(&held, 0, sizeof held);
	cm__vec_init(&held.msgs, sizeof(char *));
	quiet.log = hold_log;
	quiet.log_ud = &held;
	if ((rc = cm__model_build(&quiet, &plain, ds, side->level, seats, prev, &m))) {
		held_free(&held, NULL);
		return cm__error_of(ctx, rc, &quiet);
	}
	if ((rc = cm__level_solve(&quiet, &plain, &m, CM_PATH_NETWORK, NULL, &sol)))
		goto failed; /* (the solve freed its solution) */
	v = value_start(cfg, ds, &m, &sol);
	cols = m.cols.data;
	met = v.policy <= sol.quota_short + 1e-6; /* no side row short */
	if (met && !held.failed && cfg->solve.solver != CM_SOLVER_GLPK) {
		/* The plan meets the side rows, so it is worth as much with them
		 * as without, and every plan is worth at least as much with them
		 * (their shortfall only adds): its bound holds, and GLPK's search
		 * could find nothing better.  (The places and the policy tier are
		 * then ordered as the network orders them, docs/model.md; with
		 * solver = glpk, GLPK's search runs all the same, from this
		 * plan.) */
		held_free(&held, ctx);
		cm__log(ctx, CM_LOG_INFO, _("%s: the plan without the side rows meets them: it is the "
		        "plan, and its bound holds with them"), cm__level_label(side->level));
		cm__model_free(side);
		*side = m;
		*out = sol;
		return 0;
	}
	held_free(&held, NULL);
	quiet.log = NULL;
	if (!(start = malloc((n + 1) * sizeof *start))) {
		cm__solution_free(&sol);
		cm__model_free(&m);
		return cm__error(ctx, CM_ENOMEM, _("out of memory"));
	}
	plan_of(&m, &sol, n, start);
	if (met)
		goto glpk; /* (solver = glpk: no start meets the rows better) */
	/* The side rows that plan leaves short, priced in the policy tier where
	 * they are (a pupil's part of a row's shortfall as a pupil of the
	 * quota's): every plan's priced value is at most its true one (equal
	 * where each priced row is short and each other met, less where a
	 * priced row is met with room, and a row left out only adds), so the
	 * network search's bound holds for the level with the rows, and a plan
	 * that leaves each priced row short, or just met, and meets the others
	 * is worth its priced value: the level's plan, its gap certified as
	 * any network level's, GLPK not needed (docs/model.md, "Side rows on
	 * the network").  Another plan goes on to GLPK's search below, as a
	 * start like the others. */
	{
		rows_room have = side_rows(cfg, ds, &m, sol.x), short_;
		int den;
		short_.near = have.near < -1e-6;
		short_.moved = have.moved < -1e-6;
		den = short_.near ? near_unit(cfg->policy.near_share_min[side->level]) : 1;
		if (cfg->solve.solver != CM_SOLVER_GLPK && den > 0 && (short_.near || short_.moved) &&
		    near_priced(cfg, ds, &m, den, &short_)) {
			cm_solution exact;
			held_log held2;
			memset(&held2, 0, sizeof held2);
			cm__vec_init(&held2.msgs, sizeof(char *));
			quiet.log = hold_log;
			quiet.log_ud = &held2;
			rc = cm__level_solve(&quiet, &plain, &m, CM_PATH_NETWORK, start, &exact);
			quiet.log = NULL;
			if (rc == CM_ENOMEM) {
				held_free(&held2, NULL);
				cm__solution_free(&sol);
				free(start);
				goto failed;
			}
			if (!rc && !held2.failed) {
				rows_room got = side_rows(cfg, ds, &m, exact.x);
				took = priced_exact(&short_, &got);
			}
			if (!rc && !held2.failed && took) {
				held_free(&held2, ctx);
				cm__log(ctx, CM_LOG_INFO, _("%s: the plan falls short of a side row (the "
				        "near-school minimum or the cap on pupils moved), priced in the "
				        "network's policy tier: its value and its bound are the level's with "
				        "the rows"), cm__level_label(side->level));
				cm__solution_free(&sol);
				free(start);
				cm__model_free(side);
				*side = m;
				*out = exact;
				return 0;
			}
			held_free(&held2, NULL);
			if (!rc) {
				vp = value_start(cfg, ds, &m, &exact);
				if (start_better(&vp, &v)) {
					cm__solution_free(&sol);
					sol = exact;
					v = vp;
					plan_of(&m, &sol, n, start);
				} else
					cm__solution_free(&exact);
			}
			rc = 0;
			took = 0;
			near_unpriced(&m);
			m.local_first = cm__model_local_weight(&m, NULL);
		}
	}
	/* A side row is short in that plan.  The network holds none, but it
	 * can price them: each counted pupil's trip costs the near row's
	 * coefficient, and each pupil who stays one, times twice the longest
	 * trip less, so a plan seats pupils near and keeps them where they
	 * were wherever a trip can, as the rows' tier above pupil-metres asks
	 * while they are short (measured on the example county with a
	 * near-school minimum of 0.3: the search then ends at the root's
	 * policy tier instead of 75 above it, and 0.25% above the bound instead
	 * of 5%).  Where the rows can be met, this plan does more than it must:
	 * the better is kept.  The price is less where the columns' costs
	 * would pass what the network holds (2,147 km: flow.c; a coefficient
	 * is at most 1 - share, plus 1 for a pupil who stays). */
	price = 2 * m.big_dist;
	for (j = 0; j < m.cols.len; j++)
		most = fmax(most, fabs(cols[j].cost));
	price = fmin(price, (2.1e6 - most) / 2);
	for (j = 0; j < m.cols.len && price > 0; j++)
		cols[j].cost -= price * (near_coef(cfg, ds, &m, &cols[j]) +
		                         (cols[j].stays && cfg->solve.max_moved_pupils >= 0 ? 1 : 0));
	m.local_first = cm__model_local_weight(&m, NULL); /* (longer costs: less room) */
	/* (from the plan without the prices, whose places and policy tier
	 * the priced search then keeps or betters; where it fails, that plan
	 * is the start all the same) */
	if (price > 0 && (rc = cm__level_solve(&quiet, &plain, &m, CM_PATH_NETWORK, start,
	                                       &priced)) == CM_ENOMEM) {
		cm__solution_free(&sol);
		free(start);
		goto failed;
	} else if (price > 0 && !rc) {
		vp = value_start(cfg, ds, &m, &priced);
		if ((took = start_better(&vp, &v))) {
			cm__solution_free(&sol);
			sol = priced;
			v = vp;
			plan_of(&m, &sol, n, start);
		} else
			cm__solution_free(&priced);
	}
	rc = 0;
	cm__log(ctx, CM_LOG_DEBUG, "%s: the first plan from the network without the side rows%s: "
	        "%.0f pupil-m, policy shortfall %.1f", cm_level_name(side->level),
	        took ? " (the side rows priced)" : "", v.metres, v.policy);
glpk:
	cm__solution_free(&sol);
	cm__model_free(&m);
	rc = cm__level_solve(ctx, cfg, side, CM_PATH_GLPK, start, out);
	free(start);
	return rc;
failed:
	held_free(&held, NULL);
	cm__model_free(&m);
	return cm__error_of(ctx, rc, &quiet);
}

void cm__solution_free(cm_solution *s)
{
	free(s->x);
	free(s->seat_dual_m);
	free(s->seat_dual_u);
	memset(s, 0, sizeof *s);
}
