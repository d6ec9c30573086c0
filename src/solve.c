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
	    fabs(res.bound.shortfall - res.value.shortfall) <= 1e-6 * fmax(1, res.value.shortfall)) {
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
	         fabs(res.bound.unplaced - res.value.unplaced) < 1e-6)
		cm__log(ctx, CM_LOG_INFO, _("%s: single-school plan with the fewest pupils without a "
		        "place (%.0f, proven); the search's budget ended before it settled the policy "
		        "tier (local children without a place, then the migrant quota and the other "
		        "policy rows): this plan %.1f, no plan below %.1f (%ld relaxations)"),
		        cm__level_label(m->level), res.value.unplaced, res.value.shortfall,
		        res.bound.shortfall, res.nodes);
	else if (m->single)
		cm__log(ctx, CM_LOG_INFO, _("%s: single-school plan with the fewest pupils without a "
		        "place (%.0f, proven); the search's budget ended before it settled the policy "
		        "tier (local children without a place, then the migrant quota and the other "
		        "policy rows) (%ld relaxations)"),
		        cm__level_label(m->level), res.value.unplaced, res.nodes);
	return 0;
}

int cm__network_start(cm_ctx *ctx, const cm_config *cfg, const cm_dataset *ds, const cm_model *side,
                      const int *seats, const cm_previous *prev, long **start)
{
	cm_config plain = *cfg; /* a shallow copy: only read, never freed */
	cm_ctx quiet;
	cm_model m;
	cm_solution sol;
	const cm_col *cols;
	size_t j, n = ds->n_compounds;
	int rc;
	*start = NULL;
	if (!side->single || cm__flow_holds(side, NULL))
		return 0;
	plain.policy.near_share_min[side->level] = 0;
	plain.solve.max_moved_pupils = -1;
	/* its messages would read as the level's own: only an error passes */
	cm__ctx_quiet(ctx, &quiet);
	if ((rc = cm__model_build(&quiet, &plain, ds, side->level, seats, prev, &m)))
		return cm__error_of(ctx, rc, &quiet);
	if ((rc = cm__level_solve(&quiet, &plain, &m, CM_PATH_NETWORK, NULL, &sol))) {
		cm__model_free(&m); /* (the solve freed its solution) */
		return cm__error_of(ctx, rc, &quiet);
	}
	cm__log(ctx, CM_LOG_DEBUG, "%s: the first plan from the network without the side rows: "
	        "%.0f pupil-m", cm_level_name(side->level), sol.objective);
	if (!(*start = malloc((n + 1) * sizeof **start))) {
		rc = cm__error(ctx, CM_ENOMEM, _("out of memory"));
	} else {
		for (j = 0; j < n; j++)
			(*start)[j] = -1;
		cols = m.cols.data;
		for (j = 0; j < m.cols.len; j++)
			if (cols[j].kind == CM_COL_FLOW && cols[j].seat == CM_SEAT_PUBLIC && sol.x[j] > 0.5)
				(*start)[cols[j].compound] = cols[j].school;
	}
	cm__solution_free(&sol);
	cm__model_free(&m);
	return rc;
}

void cm__solution_free(cm_solution *s)
{
	free(s->x);
	free(s->seat_dual_m);
	free(s->seat_dual_u);
	memset(s, 0, sizeof *s);
}
