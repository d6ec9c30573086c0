/* test_netflow.c: the network simplex (src/netflow.c) against GLPK's simplex
 * on the same minimum-cost flow written as a linear programme, on random
 * networks shaped like a level's (pupil groups, schools with seats, a way
 * to no place), from the artificial start, from a greedy start, from starts
 * that do not fit, and with arcs added between solves. */
#include "../src/netflow.h"

#include <criterion/criterion.h>
#include <glpk.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

typedef struct arc {
	int from, to;
	int64_t cap;
	long cost;
} arc;

typedef struct net {
	int groups, schools, nodes, sink, narcs;
	int64_t supply[64];
	arc arcs[1024];
} net;

static unsigned long next_rand(unsigned long *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void add(net *n, int from, int to, int64_t cap, long cost)
{
	cr_assert_lt(n->narcs, 1024);
	n->arcs[n->narcs++] = (arc){ from, to, cap, cost };
}

/* Groups 0..g-1, schools g..g+s-1, the sink last.  Each group reaches a
 * few schools (some arcs capped), every school has seats to the sink (some
 * none), a few schools pass pupils to a neighbour, and every group has a
 * costly way to no place, so a flow always exists. */
static void random_net(net *n, unsigned long seed)
{
	unsigned long r = seed * 2654435761u + 1;
	int i, k;
	n->groups = 3 + (int)(next_rand(&r) % 12);
	n->schools = 2 + (int)(next_rand(&r) % 8);
	n->nodes = n->groups + n->schools + 1;
	n->sink = n->nodes - 1;
	n->narcs = 0;
	n->supply[n->sink] = 0;
	for (i = 0; i < n->schools; i++)
		n->supply[n->groups + i] = 0;
	for (i = 0; i < n->groups; i++) {
		int reach = 1 + (int)(next_rand(&r) % (unsigned)n->schools);
		n->supply[i] = (int64_t)(next_rand(&r) % 40);
		n->supply[n->sink] -= n->supply[i];
		for (k = 0; k < reach; k++) {
			int s = n->groups + (int)(next_rand(&r) % (unsigned)n->schools);
			int64_t cap = next_rand(&r) % 4 == 0 ? (int64_t)(next_rand(&r) % 20) : CM_NF_INF;
			add(n, i, s, cap, (long)(next_rand(&r) % 1000));
		}
		add(n, i, n->sink, CM_NF_INF, 100000);
	}
	for (i = 0; i < n->schools; i++) {
		add(n, n->groups + i, n->sink, (int64_t)(next_rand(&r) % 60), 0);
		k = (int)(next_rand(&r) % (unsigned)n->schools);
		if (k != i && next_rand(&r) % 3 == 0)
			add(n, n->groups + i, n->groups + k, CM_NF_INF, (long)(next_rand(&r) % 300));
	}
}

static cm_netflow *load(const net *n, int narcs)
{
	cm_netflow *nf = cm__nf_new(n->nodes, 4);
	int i;
	cr_assert_not_null(nf);
	for (i = 0; i < n->nodes; i++)
		cm__nf_supply(nf, i, n->supply[i]);
	for (i = 0; i < narcs; i++)
		cr_assert_eq(cm__nf_arc(nf, n->arcs[i].from, n->arcs[i].to, n->arcs[i].cap, n->arcs[i].cost), i);
	return nf;
}

static int quiet(void *info, const char *s)
{
	(void)info, (void)s;
	return 1;
}

/* The optimum by GLPK's simplex: one column per arc, one row per node. */
static double glpk_optimum(const net *n)
{
	glp_prob *lp = glp_create_prob();
	glp_smcp parm;
	int *ia = malloc((2 * (size_t)n->narcs + 1) * sizeof *ia), *ja = malloc((2 * (size_t)n->narcs + 1) * sizeof *ja);
	double *ar = malloc((2 * (size_t)n->narcs + 1) * sizeof *ar), z;
	int i, k = 0;
	glp_term_hook(quiet, NULL);
	glp_add_rows(lp, n->nodes);
	for (i = 0; i < n->nodes; i++) /* out - in = supply */
		glp_set_row_bnds(lp, i + 1, GLP_FX, (double)n->supply[i], (double)n->supply[i]);
	glp_add_cols(lp, n->narcs);
	for (i = 0; i < n->narcs; i++) {
		const arc *a = &n->arcs[i];
		if (a->cap == CM_NF_INF)
			glp_set_col_bnds(lp, i + 1, GLP_LO, 0, 0);
		else if (a->cap == 0)
			glp_set_col_bnds(lp, i + 1, GLP_FX, 0, 0);
		else
			glp_set_col_bnds(lp, i + 1, GLP_DB, 0, (double)a->cap);
		glp_set_obj_coef(lp, i + 1, (double)a->cost);
		k++, ia[k] = a->from + 1, ja[k] = i + 1, ar[k] = 1;
		k++, ia[k] = a->to + 1, ja[k] = i + 1, ar[k] = -1;
	}
	glp_load_matrix(lp, k, ia, ja, ar);
	glp_init_smcp(&parm);
	parm.msg_lev = GLP_MSG_OFF;
	cr_assert_eq(glp_simplex(lp, &parm), 0);
	cr_assert_eq(glp_get_status(lp), GLP_OPT);
	z = glp_get_obj_val(lp);
	glp_delete_prob(lp);
	glp_term_hook(NULL, NULL);
	free(ia);
	free(ja);
	free(ar);
	return z;
}

/* Checks a solved network: conservation, bounds, the total, and optimality
 * by the reduced costs (which GLPK does not see). */
static void check_flow(const net *n, cm_netflow *nf, int narcs, const int *idx)
{
	int64_t bal[64] = {0};
	cm_cost total = 0;
	int i;
	for (i = 0; i < narcs; i++) {
		const arc *a = &n->arcs[i];
		int64_t f = cm__nf_flow(nf, idx ? idx[i] : i);
		cm_cost rc = cm__nf_reduced(nf, a->from, a->to, a->cost);
		cr_assert(f >= 0 && f <= a->cap, "arc %d: flow %lld outside [0, %lld]", i, (long long)f,
		          (long long)a->cap);
		if (f < a->cap)
			cr_assert(rc >= 0, "arc %d below capacity with a negative reduced cost", i);
		if (f > 0)
			cr_assert(rc <= 0, "arc %d with flow and a positive reduced cost", i);
		bal[a->from] += f;
		bal[a->to] -= f;
		total += (cm_cost)f * a->cost;
	}
	for (i = 0; i < n->nodes; i++)
		cr_assert_eq(bal[i], n->supply[i], "node %d out of balance", i);
	cr_assert_eq(total, cm__nf_total_cost(nf));
}

/* The greedy start of flow.c in miniature: cheapest group-school arcs
 * first, each taking what the group has left and the school can seat; the
 * rest to no place. */
static void greedy(const net *n, int64_t *flow)
{
	int64_t left[64], room[64];
	int order[1024], i, j, no = 0;
	for (i = 0; i < n->nodes; i++)
		left[i] = n->supply[i] > 0 ? n->supply[i] : 0, room[i] = 0;
	for (i = 0; i < n->narcs; i++) {
		const arc *a = &n->arcs[i];
		flow[i] = 0;
		if (a->to == n->sink && a->from >= n->groups)
			room[a->from] += a->cap;
		else if (a->to != n->sink && a->from < n->groups && a->cap == CM_NF_INF)
			order[no++] = i;
	}
	for (i = 1; i < no; i++)
		for (j = i; j > 0 && n->arcs[order[j]].cost < n->arcs[order[j - 1]].cost; j--) {
			int t = order[j];
			order[j] = order[j - 1], order[j - 1] = t;
		}
	for (i = 0; i < no; i++) {
		const arc *a = &n->arcs[order[i]];
		int64_t take = left[a->from] < room[a->to] ? left[a->from] : room[a->to];
		flow[order[i]] += take;
		left[a->from] -= take;
		room[a->to] -= take;
	}
	for (i = 0; i < n->narcs; i++) {
		const arc *a = &n->arcs[i];
		if (a->to == n->sink && a->from < n->groups)
			flow[i] = left[a->from], left[a->from] = 0;
		else if (a->to == n->sink)
			flow[i] = a->cap - room[a->from], room[a->from] = a->cap;
	}
}

Test(netflow, matches_glpk_from_every_start)
{
	int seed, started = 0, fell_back = 0;
	for (seed = 1; seed <= 300; seed++) {
		net n;
		int64_t flow[1024];
		double z;
		int how;
		random_net(&n, (unsigned long)seed);
		z = glpk_optimum(&n);
		for (how = 0; how < 4; how++) {
			cm_netflow *nf = load(&n, n.narcs);
			if (how > 0) {
				greedy(&n, flow);
				if (how == 2 && n.narcs > 1) /* out of balance: must be ignored */
					flow[0] += 1;
				if (how == 3) { /* every arc half full: cycles, ignored */
					int i;
					for (i = 0; i < n.narcs; i++)
						flow[i] = n.arcs[i].cap == CM_NF_INF ? 1 : n.arcs[i].cap / 2;
				}
				cr_assert_eq(cm__nf_start(nf, flow), 0);
			}
			cr_assert_eq(cm__nf_solve(nf), CM_NF_OPTIMAL, "seed %d start %d", seed, how);
			check_flow(&n, nf, n.narcs, NULL);
			cr_assert(fabs((double)cm__nf_total_cost(nf) - z) < 1e-6, "seed %d start %d: %g, GLPK %g",
			          seed, how, (double)cm__nf_total_cost(nf), z);
			if (how == 1)
				started += cm__nf_started(nf);
			if (how >= 2)
				fell_back += !cm__nf_started(nf);
			cm__nf_free(nf);
		}
	}
	/* the greedy start fits every network of this shape (the capped arcs
	 * are left out of it); the broken ones never do */
	cr_expect_eq(started, 300);
	cr_expect_geq(fell_back, 500);
}

/* Pricing's pattern: solve with some arcs, add the rest, solve on. */
Test(netflow, arcs_added_between_solves)
{
	int seed;
	for (seed = 1; seed <= 200; seed++) {
		net n;
		int64_t flow[1024];
		cm_netflow *nf;
		int first, i, idx[1024];
		random_net(&n, (unsigned long)seed + 1000);
		/* the no-place arcs and the seats first (a feasible network), the
		 * group-school arcs later */
		for (first = 0, i = 0; i < n.narcs; i++)
			if (n.arcs[i].to == n.sink) {
				arc t = n.arcs[first];
				n.arcs[first++] = n.arcs[i];
				n.arcs[i] = t;
			}
		nf = load(&n, first);
		if (seed % 2) {
			net part = n;
			part.narcs = first;
			greedy(&part, flow);
			cr_assert_eq(cm__nf_start(nf, flow), 0);
		}
		cr_assert_eq(cm__nf_solve(nf), CM_NF_OPTIMAL);
		for (i = 0; i < n.narcs; i++)
			idx[i] = i < first ? i
			                   : cm__nf_arc(nf, n.arcs[i].from, n.arcs[i].to, n.arcs[i].cap, n.arcs[i].cost);
		cr_assert_eq(cm__nf_solve(nf), CM_NF_OPTIMAL);
		check_flow(&n, nf, n.narcs, idx);
		cr_assert(fabs((double)cm__nf_total_cost(nf) - glpk_optimum(&n)) < 1e-6, "seed %d", seed);
		cm__nf_free(nf);
	}
}

/* The search's probes: solve, save the basis, raise some arcs' costs (a
 * child), solve, put the costs back, restore.  The restored basis must be
 * optimal at once (no pivot), equal to the first solve, and every solve on
 * the way GLPK's optimum; an arc added after the save is left empty.
 * Raising the cost of an arc out of the tree and without flow keeps the
 * basis optimal: the next solve has nothing to do. */
Test(netflow, saved_basis_restores_without_pivots)
{
	int seed;
	cm_nf_basis *b = cm__nf_basis_new();
	cr_assert_not_null(b);
	for (seed = 1; seed <= 200; seed++) {
		net n, child;
		cm_netflow *nf;
		cm_cost first_total;
		long piv;
		int i, changed = 0, idle = 0;
		random_net(&n, (unsigned long)seed + 5000);
		nf = load(&n, n.narcs);
		cr_assert_eq(cm__nf_solve(nf), CM_NF_OPTIMAL);
		first_total = cm__nf_total_cost(nf);
		cr_assert_eq(cm__nf_save(nf, b), CM_NF_OPTIMAL);
		/* the child: the group-school arcs with flow forbidden */
		child = n;
		for (i = 0; i < n.narcs; i++)
			if (n.arcs[i].to != n.sink && n.arcs[i].from < n.groups && cm__nf_flow(nf, i) > 0) {
				child.arcs[i].cost += 10000000;
				cm__nf_set_cost(nf, i, child.arcs[i].cost);
				changed++;
			}
		cr_assert_eq(cm__nf_solve(nf), CM_NF_OPTIMAL);
		check_flow(&child, nf, n.narcs, NULL);
		cr_assert(fabs((double)cm__nf_total_cost(nf) - glpk_optimum(&child)) < 1e-6, "seed %d", seed);
		/* back to the parent */
		for (i = 0; i < n.narcs; i++)
			if (child.arcs[i].cost != n.arcs[i].cost)
				cm__nf_set_cost(nf, i, n.arcs[i].cost);
		cm__nf_restore(nf, b);
		piv = cm__nf_pivots(nf);
		cr_assert_eq(cm__nf_solve(nf), CM_NF_OPTIMAL);
		cr_assert_eq(cm__nf_pivots(nf), piv, "seed %d: the restored basis pivoted", seed);
		cr_assert(cm__nf_total_cost(nf) == first_total, "seed %d", seed);
		check_flow(&n, nf, n.narcs, NULL);
		/* an idle arc's cost raised: still optimal, nothing to do */
		for (i = 0; i < n.narcs; i++)
			if (cm__nf_flow(nf, i) == 0 && n.arcs[i].to != n.sink && !idle) {
				cm_cost rc = cm__nf_reduced(nf, n.arcs[i].from, n.arcs[i].to, n.arcs[i].cost);
				if (rc <= 0)
					continue; /* may be in the tree */
				n.arcs[i].cost += 5;
				cm__nf_set_cost(nf, i, n.arcs[i].cost);
				idle = 1;
			}
		if (idle) {
			cr_assert(cm__nf_clean(nf), "seed %d", seed);
			cr_assert_eq(cm__nf_solve(nf), CM_NF_OPTIMAL);
			cr_assert_eq(cm__nf_pivots(nf), piv);
			check_flow(&n, nf, n.narcs, NULL);
		}
		/* an arc lowered below its reduced cost: no longer clean, and the
		 * solve finds the new optimum */
		for (i = 0; i < n.narcs; i++)
			if (cm__nf_flow(nf, i) == 0 && n.arcs[i].to != n.sink && n.arcs[i].cost > 0) {
				cm_cost rc = cm__nf_reduced(nf, n.arcs[i].from, n.arcs[i].to, n.arcs[i].cost);
				if (rc <= 0 || rc > n.arcs[i].cost)
					continue;
				n.arcs[i].cost -= (long)rc + 1;
				cm__nf_set_cost(nf, i, n.arcs[i].cost);
				cr_assert(!cm__nf_clean(nf), "seed %d", seed);
				break;
			}
		cr_assert_eq(cm__nf_solve(nf), CM_NF_OPTIMAL);
		check_flow(&n, nf, n.narcs, NULL);
		cr_assert(fabs((double)cm__nf_total_cost(nf) - glpk_optimum(&n)) < 1e-6, "seed %d", seed);
		/* an arc added after a save, cheaper than any way there: the
		 * restored basis leaves it empty, and the solve uses it */
		cr_assert_eq(cm__nf_save(nf, b), CM_NF_OPTIMAL);
		if (n.narcs < 1024 && n.supply[0] > 0) {
			int s0 = n.groups, idx[1024], a;
			/* just below what the potentials price the way at */
			long cost = (long)cm__nf_reduced(nf, 0, s0, 0);
			cost = cost > 0 ? -cost - 1 : -1;
			add(&n, 0, s0, CM_NF_INF, cost);
			cr_assert_geq(a = cm__nf_arc(nf, 0, s0, CM_NF_INF, cost), 0);
			for (i = 0; i < n.narcs; i++)
				idx[i] = i < n.narcs - 1 ? i : a;
			cm__nf_restore(nf, b);
			cr_assert_eq(cm__nf_flow(nf, a), 0);
			cr_assert(!cm__nf_clean(nf), "seed %d: an arc that prices in, yet clean", seed);
			cr_assert_eq(cm__nf_solve(nf), CM_NF_OPTIMAL);
			check_flow(&n, nf, n.narcs, idx);
			cr_assert(fabs((double)cm__nf_total_cost(nf) - glpk_optimum(&n)) < 1e-6, "seed %d",
			          seed);
		}
		(void)changed;
		cm__nf_free(nf);
	}
	cm__nf_basis_free(b);
}
