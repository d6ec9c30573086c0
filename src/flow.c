/*
 * flow.c: the fast path.  A model without a near-school row is a
 * minimum-cost flow, quota included, and netflow.c solves it exactly, in
 * whole pupils, far faster than a general LP.
 *
 * The network of one level:
 *
 *   (compound, local)   --flow, mm-->  public school  --seats-->          sink
 *   (compound, migrant) --flow, mm-->  public school
 *   (compound, migrant) --flow, mm-->  private school --purchased places--> sink
 *                                      private school --fee places-------> NQ
 *   (compound, local)   --unplaced, U------------------------------------> sink
 *   (compound, migrant) --unplaced, U--------------------------------------> NQ
 *                                      NQ --migrants - quota target-----> sink
 *                                      NQ --any more, Q (the shortfall)--> sink
 *
 * NQ gathers the migrants outside the quota (fee places and no place), so
 * the quota is a capacity.  A private school fills its purchased places
 * before fee places: at the same school and distance a purchased place is
 * never worse for the quota, so the split is without loss.
 *
 * The costs put the three objectives of docs/model.md into one 128-bit
 * integer: U = 2^80 per unplaced pupil, above any quota shortfall (at most
 * the migrants, below 2^20) times Q = 2^60, above any total of millimetres
 * (a column's cost is its distance plus the stability weight, at most
 * 1,000 km, for at most 2^20 pupils: below 2^50).  Millimetres make the plan
 * exact to 1 mm per pupil; the plan's own metres are summed from the true
 * distances.  Holding (F = 2^104) is above all of it; the artificial start
 * (netflow.c) about 2^17 times F, well inside 2^127.
 *
 * Pricing: the first solve has each pupil group's 5 nearest schools; the
 * other columns are priced against the potentials, those with a negative
 * reduced cost join, and the simplex goes on from its basis, until none is
 * left: the flow is then optimal for every column.
 *
 * Single mode (单校划片): the split optimum is the LP bound.  Then a dive
 * (single_dive, glpk.c's dive on the network): a compound whose public
 * pupils went to more than one public school is held to one of them (its
 * other public arcs cost F = 2^90 more, above every other term) and the
 * simplex goes on from its basis; until no compound is split.
 */
#include "model.h"
#include "netflow.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define W_UNPLACED ((cm_cost)1 << 80)
#define W_QUOTA ((cm_cost)1 << 60)
#define W_FORBID ((cm_cost)1 << 104)
#define NEAREST 5

int cm__flow_applies(const cm_model *m)
{
	size_t i;
	for (i = 0; i < m->rows.len; i++)
		if (((const cm_row *)m->rows.data)[i].kind == CM_ROW_NEAR ||
		    ((const cm_row *)m->rows.data)[i].kind == CM_ROW_MOVED)
			return 0;
	return 1;
}

static cm_cost mm(double metres)
{
	return (cm_cost)llround(metres * 1000);
}

/* A 128-bit value as (pupils, shortfall, metres), the weights undone. */
static void split_cost(cm_cost v, double *u, double *metres)
{
	cm_cost q, nu = v >= 0 ? (v + W_UNPLACED / 2) / W_UNPLACED : -((-v + W_UNPLACED / 2) / W_UNPLACED);
	v -= nu * W_UNPLACED;
	q = v >= 0 ? (v + W_QUOTA / 2) / W_QUOTA : -((-v + W_QUOTA / 2) / W_QUOTA);
	v -= q * W_QUOTA;
	*u = (double)nu;
	*metres = (double)v / 1000;
}

/* Column j is the fee column sharing an arc with the purchased column
 * before it (same compound and school). */
static int shares_arc(const cm_col *cols, size_t j)
{
	return j > 0 && cols[j].kind == CM_COL_FLOW && cols[j].seat == CM_SEAT_FEE &&
	       cols[j - 1].kind == CM_COL_FLOW && cols[j - 1].seat == CM_SEAT_PURCHASED &&
	       cols[j - 1].compound == cols[j].compound && cols[j - 1].school == cols[j].school;
}

/* An arc's capacity: the column's bound when the stability term split its
 * pair (model.c), else none (the demand bounds it). */
static int64_t col_cap(const cm_col *c)
{
	return c->capped ? (int64_t)llround(c->ub) : CM_NF_INF;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* ------------------------------------------------------------ the network */

typedef struct fnet {
	cm_ctx *ctx;
	const cm_model *m;
	size_t n_schools;
	const cm_col *cols;
	size_t ncols;
	cm_netflow *nf;
	int nnodes, sink, nq, nq_free, max_c;
	int *dem;             /* 2 * compound + group -> node, -1 */
	int *school_node;     /* school -> node, -1 */
	int *to_sink, *to_nq; /* school -> its arcs, -1 */
	int *arc;             /* column -> arc, -1 (waiting for pricing, or none) */
	long *held;           /* compound -> the public school it is held to, -1 */
	int rounds;
} fnet;

static void fnet_free(fnet *F)
{
	cm__nf_free(F->nf);
	free(F->dem);
	free(F->school_node);
	free(F->to_sink);
	free(F->to_nq);
	free(F->arc);
	free(F->held);
}

/* A column's cost in the network: millimetres, and F more when its
 * compound is held to another public school. */
static cm_cost column_cost(const fnet *F, const cm_col *c)
{
	cm_cost d = mm(c->cost);
	long h = F->held[c->compound];
	/* held: -1 free, -2 no public school, else the one school */
	if (c->seat == CM_SEAT_PUBLIC && h != -1 && h != c->school)
		d += W_FORBID;
	return d;
}

/* The columns the first solve starts with: each demand node's NEAREST
 * flow columns by distance (ties included).  A compound's columns are
 * contiguous in the model. */
static int initial_columns(const fnet *F, unsigned char *initial)
{
	const cm_col *cols = F->cols;
	size_t ncols = F->ncols, j = 0, k;
	double *d = malloc((ncols + 1) * sizeof *d);
	if (!d)
		return CM_ENOMEM;
	while (j < ncols) {
		size_t end = j;
		int comp = cols[j].compound, g;
		while (end < ncols && cols[end].compound == comp)
			end++;
		for (g = 0; g < CM_NGROUPS; g++) {
			size_t n = 0;
			double limit;
			for (k = j; k < end; k++)
				if (cols[k].kind == CM_COL_FLOW && cols[k].group == g && !shares_arc(cols, k))
					d[n++] = cols[k].cost;
			if (n > NEAREST)
				qsort(d, n, sizeof *d, cmp_double);
			limit = n > NEAREST ? d[NEAREST - 1] : HUGE_VAL;
			for (k = j; k < end; k++)
				if (cols[k].kind == CM_COL_FLOW && cols[k].group == g)
					initial[k] = cols[k].cost <= limit;
		}
		j = end;
	}
	free(d);
	return 0;
}

static int fnet_build(fnet *F)
{
	const cm_model *m = F->m;
	const cm_row *rows = m->rows.data;
	const cm_col *cols = F->cols;
	size_t nrows = m->rows.len, ncols = F->ncols, ns = F->n_schools, i, j;
	int64_t *seats = calloc(ns + 1, sizeof *seats), *purchased = calloc(ns + 1, sizeof *purchased);
	unsigned char *is_private = calloc(ns + 1, 1), *initial = calloc(ncols + 1, 1);
	int64_t total = 0;
	int rc = 0;

	F->max_c = -1;
	for (i = 0; i < nrows; i++)
		if (rows[i].compound > F->max_c)
			F->max_c = rows[i].compound;
	F->dem = malloc(2 * ((size_t)F->max_c + 1) * sizeof *F->dem + 1);
	F->held = malloc(((size_t)F->max_c + 1) * sizeof *F->held + 1);
	F->school_node = malloc((ns + 1) * sizeof *F->school_node);
	F->to_sink = malloc((ns + 1) * sizeof *F->to_sink);
	F->to_nq = malloc((ns + 1) * sizeof *F->to_nq);
	F->arc = malloc((ncols + 1) * sizeof *F->arc);
	if (!seats || !purchased || !is_private || !initial || !F->dem || !F->held ||
	    !F->school_node || !F->to_sink || !F->to_nq || !F->arc) {
		rc = CM_ENOMEM;
		goto done;
	}
	for (i = 0; i < 2 * ((size_t)F->max_c + 1); i++)
		F->dem[i] = -1;
	for (i = 0; i <= (size_t)F->max_c; i++)
		F->held[i] = -1;
	for (i = 0; i < ns; i++)
		F->school_node[i] = F->to_sink[i] = F->to_nq[i] = -1;

	/* Nodes: demands, schools, NQ, sink. */
	F->nq = -1;
	for (i = 0; i < nrows; i++) {
		if (rows[i].kind == CM_ROW_DEMAND)
			F->dem[2 * rows[i].compound + rows[i].group] = F->nnodes++;
		else if (rows[i].kind == CM_ROW_SEATS)
			F->school_node[rows[i].school] = F->nnodes++;
	}
	if (m->quota_row >= 0)
		F->nq = F->nnodes++;
	F->sink = F->nnodes++;
	if (!(F->nf = cm__nf_new(F->nnodes, (int)ncols / 2 + (int)ns * 2 + 4))) {
		rc = CM_ENOMEM;
		goto done;
	}
	for (i = 0; i < nrows; i++)
		if (rows[i].kind == CM_ROW_DEMAND) {
			cm__nf_supply(F->nf, F->dem[2 * rows[i].compound + rows[i].group], (int64_t)rows[i].rhs);
			total += (int64_t)rows[i].rhs;
		}
	cm__nf_supply(F->nf, F->sink, -total);

	/* School arcs: public seats to the sink; private purchased places to the
	 * sink, the rest through NQ.  A school is private when it has a
	 * purchased or fee column. */
	for (i = 0; i < nrows; i++) {
		if (rows[i].kind == CM_ROW_SEATS)
			seats[rows[i].school] = (int64_t)rows[i].rhs;
		else if (rows[i].kind == CM_ROW_PURCHASED)
			purchased[rows[i].school] = (int64_t)rows[i].rhs;
	}
	for (j = 0; j < ncols; j++)
		if (cols[j].kind == CM_COL_FLOW && cols[j].seat != CM_SEAT_PUBLIC)
			is_private[cols[j].school] = 1;
	for (i = 0; i < ns && !rc; i++) {
		int node = F->school_node[i];
		if (node < 0)
			continue;
		if (!is_private[i]) {
			F->to_sink[i] = cm__nf_arc(F->nf, node, F->sink, seats[i], 0);
			rc = F->to_sink[i] < 0 ? CM_ENOMEM : 0;
			continue;
		}
		if (purchased[i] > 0 &&
		    (F->to_sink[i] = cm__nf_arc(F->nf, node, F->sink, purchased[i], 0)) < 0)
			rc = CM_ENOMEM;
		if (seats[i] > purchased[i] &&
		    (F->to_nq[i] = cm__nf_arc(F->nf, node, F->nq, seats[i] - purchased[i], 0)) < 0)
			rc = CM_ENOMEM;
	}

	/* Column arcs: the nearest schools, the ways to no place, the quota's
	 * shortfall.  Single mode's choice columns have no arc: holding a
	 * compound to one school does their work. */
	if (!rc)
		rc = initial_columns(F, initial);
	for (j = 0; j < ncols && !rc; j++) {
		const cm_col *c = &cols[j];
		int a = -1;
		F->arc[j] = -1;
		switch (c->kind) {
		case CM_COL_FLOW:
			if (shares_arc(cols, j)) {
				F->arc[j] = F->arc[j - 1];
				continue;
			}
			if (!initial[j])
				continue;
			a = cm__nf_arc(F->nf, F->dem[2 * c->compound + c->group], F->school_node[c->school],
			               col_cap(c), mm(c->cost));
			break;
		case CM_COL_UNPLACED:
			a = cm__nf_arc(F->nf, F->dem[2 * c->compound + c->group],
			               c->group == CM_MIGRANT && F->nq >= 0 ? F->nq : F->sink, col_cap(c),
			               W_UNPLACED + mm(c->cost));
			break;
		case CM_COL_QUOTA_SHORT:
			a = cm__nf_arc(F->nf, F->nq, F->sink, CM_NF_INF, W_QUOTA);
			break;
		case CM_COL_CHOICE:
			continue;
		}
		if (a < 0)
			rc = CM_ENOMEM;
		F->arc[j] = a;
	}
	F->nq_free = -1;
	if (!rc && F->nq >= 0 &&
	    (F->nq_free = cm__nf_arc(F->nf, F->nq, F->sink,
	                             (int64_t)llround(m->migrants - m->quota_target), 0)) < 0)
		rc = CM_ENOMEM;
	/* A forbidden arc may have to carry flow for a while (single mode):
	 * the artificial start must cost more still. */
	if (!rc)
		cm__nf_cost_bound(F->nf, W_FORBID + W_FORBID / 2);
done:
	free(seats);
	free(purchased);
	free(is_private);
	free(initial);
	return rc;
}

/* A column to place in the greedy start: its distance and index. */
typedef struct gpair {
	double dist;
	size_t col;
} gpair;

static int cmp_gpair(const void *a, const void *b)
{
	const gpair *x = a, *y = b;
	if (x->dist != y->dist)
		return x->dist < y->dist ? -1 : 1;
	return (x->col > y->col) - (x->col < y->col);
}

/* The first solve's start: the greedy matching.  Pupil groups and schools
 * meet nearest pair first, each pair taking what it can (a private school
 * its purchased places first), and what is left of a group has no place.
 * Each pair either empties its group or fills its school, so the arcs
 * strictly between bounds form a forest, as cm__nf_start needs; the
 * simplex then mends what the greed got wrong, in far fewer pivots than
 * from nothing. */
static int greedy_start(fnet *F)
{
	const cm_row *rows = F->m->rows.data;
	const cm_col *cols = F->cols;
	size_t nrows = F->m->rows.len, ns = F->n_schools, i, j, np = 0;
	int narcs = cm__nf_arcs(F->nf), rc = CM_ENOMEM;
	int64_t *flow = calloc((size_t)narcs + 1, sizeof *flow);
	int64_t *left = calloc((size_t)F->nnodes + 1, sizeof *left);
	int64_t *room = calloc(ns + 1, sizeof *room), *in = calloc(ns + 1, sizeof *in);
	gpair *pairs = malloc((F->ncols + 1) * sizeof *pairs);
	int64_t nq_in = 0;
	if (!flow || !left || !room || !in || !pairs)
		goto done;
	for (i = 0; i < nrows; i++)
		if (rows[i].kind == CM_ROW_DEMAND)
			left[F->dem[2 * rows[i].compound + rows[i].group]] = (int64_t)rows[i].rhs;
	for (i = 0; i < ns; i++) {
		if (F->to_sink[i] >= 0)
			room[i] += cm__nf_cap(F->nf, F->to_sink[i]);
		if (F->to_nq[i] >= 0)
			room[i] += cm__nf_cap(F->nf, F->to_nq[i]);
	}
	for (j = 0; j < F->ncols; j++)
		if (cols[j].kind == CM_COL_FLOW && F->arc[j] >= 0 && !shares_arc(cols, j))
			pairs[np++] = (gpair){ cols[j].cost, j };
	qsort(pairs, np, sizeof *pairs, cmp_gpair);
	for (i = 0; i < np; i++) {
		const cm_col *c = &cols[pairs[i].col];
		int g = F->dem[2 * c->compound + c->group];
		int64_t take = left[g] < room[c->school] ? left[g] : room[c->school];
		if (take > col_cap(c))
			take = col_cap(c);
		if (take <= 0)
			continue;
		flow[F->arc[pairs[i].col]] += take;
		left[g] -= take;
		room[c->school] -= take;
		in[c->school] += take;
	}
	for (j = 0; j < F->ncols; j++)
		if (cols[j].kind == CM_COL_UNPLACED && F->arc[j] >= 0) {
			int g = F->dem[2 * cols[j].compound + cols[j].group];
			int64_t take = left[g] < col_cap(&cols[j]) ? left[g] : col_cap(&cols[j]);
			flow[F->arc[j]] = take;
			if (cols[j].group == CM_MIGRANT && F->nq >= 0)
				nq_in += take;
			left[g] -= take;
		}
	for (i = 0; i < ns; i++) {
		int64_t p = 0;
		if (F->to_sink[i] >= 0) {
			p = cm__nf_cap(F->nf, F->to_sink[i]);
			p = in[i] < p ? in[i] : p;
			flow[F->to_sink[i]] = p;
		}
		if (F->to_nq[i] >= 0) {
			flow[F->to_nq[i]] = in[i] - p;
			nq_in += in[i] - p;
		}
	}
	if (F->nq >= 0 && F->nq_free >= 0 && F->m->quota_col >= 0 && F->arc[F->m->quota_col] >= 0) {
		int64_t cap = cm__nf_cap(F->nf, F->nq_free);
		flow[F->nq_free] = nq_in < cap ? nq_in : cap;
		flow[F->arc[F->m->quota_col]] = nq_in - flow[F->nq_free];
	}
	/* a start that does not fit is ignored by the solver, never wrong */
	rc = cm__nf_start(F->nf, flow) ? CM_ENOMEM : 0;
done:
	free(flow);
	free(left);
	free(room);
	free(in);
	free(pairs);
	return rc;
}

/* Solves; prices the waiting columns against the potentials; adds those
 * with a negative reduced cost; solves on from the same basis; until none
 * is left. */
static int fnet_solve(fnet *F, int price)
{
	const cm_col *cols = F->cols;
	size_t j;
	for (;;) {
		int added = 0, st = cm__nf_solve(F->nf);
		F->rounds++;
		if (st == CM_NF_NOMEM)
			return CM_ENOMEM;
		if (st != CM_NF_OPTIMAL)
			return cm__error(F->ctx, CM_ESOLVER, "the network solver found no flow (a fault: "
			                 "please report it)");
		for (j = 0; j < F->ncols && price; j++) {
			const cm_col *c = &cols[j];
			int from, to;
			cm_cost cost;
			if (F->arc[j] >= 0 || c->kind != CM_COL_FLOW || shares_arc(cols, j))
				continue;
			from = F->dem[2 * c->compound + c->group];
			to = F->school_node[c->school];
			cost = column_cost(F, c);
			if (cm__nf_reduced(F->nf, from, to, cost) >= 0)
				continue;
			if ((F->arc[j] = cm__nf_arc(F->nf, from, to, col_cap(c), cost)) < 0)
				return CM_ENOMEM;
			if (j + 1 < F->ncols && shares_arc(cols, j + 1))
				F->arc[j + 1] = F->arc[j];
			added++;
		}
		if (!added)
			return 0;
	}
}

/* ------------------------------------------------------------ single mode */

/* A compound's columns, [start, end) in the model. */
typedef struct crange {
	size_t start, end;
	int compound;
} crange;

/* A compound's public pupils by school, largest first (at most 4). */
typedef struct cshare {
	int n;
	long school[4];
	int64_t pupils[4];
	int64_t total;
} cshare;

static void public_shares(const fnet *F, const crange *r, cshare *out)
{
	const cm_col *cols = F->cols;
	size_t k;
	int i, t;
	memset(out, 0, sizeof *out);
	for (k = r->start; k < r->end; k++) {
		const cm_col *c = &cols[k];
		int64_t f;
		if (c->kind != CM_COL_FLOW || c->seat != CM_SEAT_PUBLIC || F->arc[k] < 0)
			continue;
		if ((f = cm__nf_flow(F->nf, F->arc[k])) <= 0)
			continue;
		out->total += f;
		for (i = 0; i < out->n && out->school[i] != c->school; i++)
			;
		if (i == out->n) {
			if (out->n == 4)
				continue;
			out->school[out->n++] = c->school;
		}
		out->pupils[i] += f;
	}
	for (i = 1; i < out->n; i++) /* largest first; ties: as found (nearer schools first) */
		for (t = i; t > 0 && out->pupils[t] > out->pupils[t - 1]; t--) {
			int64_t p = out->pupils[t];
			long sc = out->school[t];
			out->pupils[t] = out->pupils[t - 1], out->school[t] = out->school[t - 1];
			out->pupils[t - 1] = p, out->school[t - 1] = sc;
		}
}

/* Holds compound r to `school` (-1: frees it) and re-prices its arcs. */
static void hold(fnet *F, const crange *r, long school)
{
	size_t k;
	F->held[r->compound] = school;
	for (k = r->start; k < r->end; k++)
		if (F->cols[k].kind == CM_COL_FLOW && F->cols[k].seat == CM_SEAT_PUBLIC && F->arc[k] >= 0)
			cm__nf_set_cost(F->nf, F->arc[k], column_cost(F, &F->cols[k]));
}

/* The plan's value without the holding weight: (unplaced, shortfall,
 * millimetres) as one number. */
static cm_cost plan_value(const fnet *F)
{
	cm_cost v = cm__nf_total_cost(F->nf);
	return v % W_FORBID;
}

/* A budget of solves: `work` / compounds, between 50 and 5000.  Each solve
 * costs about the size of the network, so the budget bounds the time; a
 * county gets the whole search, a city a part of it. */
static int budget_for(size_t compounds, size_t work)
{
	size_t b = compounds ? work / compounds : 5000;
	return b < 50 ? 50 : b > 5000 ? 5000 : (int)b;
}

/* A compound's standing for the moves: its pupils without a place, and
 * the metres its public pupils go beyond the nearest public school it
 * reaches (its detour).  `at` gets the held school's distance. */
typedef struct mkey {
	size_t i;
	int64_t unplaced;
	double detour;
} mkey;

static int cmp_mkey_unplaced(const void *a, const void *b)
{
	const mkey *x = a, *y = b;
	if (x->unplaced != y->unplaced)
		return x->unplaced > y->unplaced ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

static int cmp_mkey_detour(const void *a, const void *b)
{
	const mkey *x = a, *y = b;
	if (x->detour != y->detour)
		return x->detour > y->detour ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

static void standing(const fnet *F, const crange *r, mkey *k, double *at)
{
	long was = F->held[r->compound];
	double nearest = HUGE_VAL;
	int64_t pupils = 0;
	size_t j;
	*at = HUGE_VAL;
	k->unplaced = 0;
	for (j = r->start; j < r->end; j++) {
		const cm_col *c = &F->cols[j];
		if (c->kind == CM_COL_UNPLACED && F->arc[j] >= 0)
			k->unplaced += cm__nf_flow(F->nf, F->arc[j]);
		if (c->kind != CM_COL_FLOW || c->seat != CM_SEAT_PUBLIC)
			continue;
		if (c->dist < nearest)
			nearest = c->dist;
		if (c->school == was) {
			*at = c->dist;
			if (F->arc[j] >= 0)
				pupils += cm__nf_flow(F->nf, F->arc[j]);
		}
	}
	k->detour = was >= 0 && *at < HUGE_VAL ? (*at - nearest) * (double)pupils : 0;
}

/* After the dive, moves.  First pass: a compound with pupils left without
 * a place tries each other public school it reaches, those with the most
 * such pupils first.  Second pass: a compound on a detour tries each
 * nearer school, the longest detours (in pupil-metres) first.  During a
 * try, the school's compounds are let go (they may move elsewhere, and are
 * held again where most of their pupils went).  A move that makes the plan
 * better stays.  A budget of solves for each pass bounds the search. */
static int single_moves(fnet *F, const crange *cr, size_t nr, cm_cost *now, int64_t lp_unplaced)
{
	size_t *freed = malloc((nr + 1) * sizeof *freed), nf_ = 0, f, o;
	long *was_at = malloc((nr + 1) * sizeof *was_at);
	mkey *order = malloc((nr + 1) * sizeof *order);
	int rc = freed && was_at && order ? 0 : CM_ENOMEM, pass;
	for (pass = 0; pass < 2 && !rc; pass++) {
		int budget = budget_for(nr, 2000000), improved = 1;
		/* none can do better than the LP bound's shortfall */
		if (pass == 0 && *now / W_UNPLACED <= lp_unplaced)
			continue;
		while (improved && budget > 0 && !rc) {
			improved = 0;
			for (o = 0; o < nr; o++) {
				double at;
				order[o].i = o;
				standing(F, &cr[o], &order[o], &at);
			}
			qsort(order, nr, sizeof *order, pass == 0 ? cmp_mkey_unplaced : cmp_mkey_detour);
			for (o = 0; o < nr && budget > 0 && !rc; o++) {
				size_t i = order[o].i, k;
				long was = F->held[cr[i].compound];
				mkey now_k;
				double at;
				standing(F, &cr[i], &now_k, &at);
				if (pass == 0 ? !now_k.unplaced : now_k.unplaced != 0 || was < 0 || now_k.detour <= 0)
					continue;
				for (k = cr[i].start; k < cr[i].end && budget > 0 && !rc; k++) {
					const cm_col *c = &F->cols[k];
					cm_cost v;
					if (c->kind != CM_COL_FLOW || c->seat != CM_SEAT_PUBLIC || c->school == was ||
					    (pass == 1 && c->dist >= at - 1) ||
					    (k > cr[i].start && F->cols[k - 1].kind == CM_COL_FLOW &&
					     F->cols[k - 1].school == c->school))
						continue;
					if (F->arc[k] < 0 &&
					    (F->arc[k] = cm__nf_arc(F->nf, F->dem[2 * c->compound + c->group],
					                            F->school_node[c->school], col_cap(c),
					                            mm(c->cost))) < 0) {
						rc = CM_ENOMEM;
						break;
					}
					budget--;
					nf_ = 0;
					for (f = 0; f < nr; f++)
						if (f != i && F->held[cr[f].compound] == c->school) {
							freed[nf_] = f;
							was_at[nf_++] = c->school;
							hold(F, &cr[f], -1);
						}
					hold(F, &cr[i], c->school);
					if ((rc = fnet_solve(F, 0)))
						break;
					for (f = 0; f < nf_; f++) {
						cshare sc;
						public_shares(F, &cr[freed[f]], &sc);
						hold(F, &cr[freed[f]], sc.n ? sc.school[0] : -2);
					}
					if ((rc = fnet_solve(F, 0)))
						break;
					v = plan_value(F);
					if (v < *now) {
						*now = v;
						was = c->school;
						improved = 1;
						break;
					}
					for (f = 0; f < nf_; f++)
						hold(F, &cr[freed[f]], was_at[f]);
					hold(F, &cr[i], was);
					if ((rc = fnet_solve(F, 0)))
						break;
				}
			}
		}
		cm__log(F->ctx, CM_LOG_DEBUG, "%s: moves pass %d done, unplaced %lld, %.0f m, budget left %d",
		        cm_level_name(F->m->level), pass, (long long)(*now / W_UNPLACED),
		        (double)(*now % W_QUOTA) / 1000, budget);
	}
	free(freed);
	free(was_at);
	free(order);
	return rc;
}

/* With last year's plan: it is a single-school plan too, and the dive,
 * starting from a relaxation that may move pupils to place others, need
 * not find it again.  Each compound with a school last year that is still
 * open is held there (the others as the dive left them); the better of the
 * two plans stays. */
static int try_previous(fnet *F, const crange *cr, size_t nr, cm_cost *now)
{
	long *was = malloc((nr + 1) * sizeof *was);
	size_t i;
	int rc;
	cm_cost v;
	if (!was)
		return CM_ENOMEM;
	for (i = 0; i < nr; i++) {
		long p = F->m->prev_school[cr[i].compound];
		was[i] = F->held[cr[i].compound];
		if (p >= 0 && p != was[i] && F->school_node[p] >= 0)
			hold(F, &cr[i], p);
	}
	rc = fnet_solve(F, 0);
	v = rc ? 0 : plan_value(F);
	cm__log(F->ctx, CM_LOG_DEBUG, "%s: last year's plan %s the dive's", cm_level_name(F->m->level),
	        !rc && v < *now ? "beats" : "does not beat");
	if (!rc && v < *now) {
		*now = v;
	} else if (!rc) {
		for (i = 0; i < nr; i++)
			if (F->held[cr[i].compound] != was[i])
				hold(F, &cr[i], was[i]);
		rc = fnet_solve(F, 0);
	}
	free(was);
	return rc;
}

/* The dive, as glpk.c's: hold at once every split compound with 95% or
 * more of its public pupils at one school, and keep the batch when the
 * unplaced pupils do not grow; else take the split compound with the
 * largest share alone and try each of its schools, keeping the best, and
 * go back to batches.  The network goes on from its basis each time, so a
 * step costs the few pivots it changes. */
static int single_dive(fnet *F, int64_t lp_unplaced, int *steps, int *held_total)
{
	crange *cr = NULL, *batch_r = NULL;
	cshare *sh = NULL;
	size_t nr = 0, j = 0, i;
	int rc = 0, batch_ok = 1, lookahead;
	cm_cost now, v;
	cr = malloc((F->ncols + 1) * sizeof *cr);
	sh = malloc((F->ncols + 1) * sizeof *sh);
	batch_r = malloc((F->ncols + 1) * sizeof *batch_r);
	if (!cr || !sh || !batch_r) {
		rc = CM_ENOMEM;
		goto done;
	}
	while (j < F->ncols) {
		size_t end = j;
		while (end < F->ncols && F->cols[end].compound == F->cols[j].compound)
			end++;
		if (F->cols[j].compound >= 0)
			cr[nr++] = (crange){j, end, F->cols[j].compound};
		j = end;
	}
	now = plan_value(F);
	/* Steps that try every school of one compound cost a solve each; a
	 * city has thousands of split compounds, so after a budget of them
	 * every split compound is held to its largest share at once. */
	lookahead = budget_for(nr, 4000000);
	for (*steps = 0; !rc; (*steps)++) {
		size_t nbatch = 0, best = nr;
		int64_t best_num = 0, best_den = 1;
		int all = lookahead <= 0;
		for (i = 0; i < nr; i++) {
			cshare *c = &sh[i];
			if (F->held[cr[i].compound] >= 0)
				continue;
			public_shares(F, &cr[i], c);
			if (c->n < 2)
				continue;
			if (all || (batch_ok && 20 * c->pupils[0] >= 19 * c->total)) {
				batch_r[nbatch++] = cr[i];
				hold(F, &cr[i], c->school[0]);
			} else if (best == nr || c->pupils[0] * best_den > best_num * c->total) {
				best = i;
				best_num = c->pupils[0];
				best_den = c->total;
			}
		}
		if (nbatch) {
			if ((rc = fnet_solve(F, 0)))
				break;
			v = plan_value(F);
			if (all || v / W_UNPLACED <= now / W_UNPLACED) {
				now = v;
				*held_total += (int)nbatch;
				batch_ok = 1;
				continue;
			}
			for (i = 0; i < nbatch; i++)
				hold(F, &batch_r[i], -1);
			if ((rc = fnet_solve(F, 0)))
				break;
			now = plan_value(F);
			batch_ok = 0; /* one at a time until a step goes well */
			continue;
		}
		if (best == nr)
			break; /* no compound is split */
		{
			cshare c = sh[best];
			cm_cost bv = 0;
			int k, pick = -1;
			for (k = 0; k < c.n; k++) {
				hold(F, &cr[best], c.school[k]);
				if ((rc = fnet_solve(F, 0)))
					break;
				v = plan_value(F);
				if (pick < 0 || v < bv) {
					bv = v;
					pick = k;
				}
			}
			if (rc)
				break;
			if (pick != c.n - 1) {
				hold(F, &cr[best], c.school[pick]);
				if ((rc = fnet_solve(F, 0)))
					break;
			}
			now = plan_value(F);
			(*held_total)++;
			lookahead--;
			batch_ok = 1;
		}
	}
	cm__log(F->ctx, CM_LOG_DEBUG, "%s: dive done, unplaced %lld, %.0f m, %d look-ahead steps left",
	        cm_level_name(F->m->level), (long long)(now / W_UNPLACED),
	        (double)(now % W_QUOTA) / 1000, lookahead);
	/* No compound is split: hold every one where it is (-2: no public
	 * school), so that moves below cannot split one again. */
	for (i = 0; i < nr && !rc; i++) {
		cshare c;
		if (F->held[cr[i].compound] != -1)
			continue;
		public_shares(F, &cr[i], &c);
		hold(F, &cr[i], c.n ? c.school[0] : -2);
	}
	if (!rc && F->m->prev_school)
		rc = try_previous(F, cr, nr, &now);
	if (!rc)
		rc = single_moves(F, cr, nr, &now, lp_unplaced);
done:
	free(cr);
	free(sh);
	free(batch_r);
	return rc;
}

/* Flows back to columns (purchased places first at each private school),
 * the objective and the seats' duals. */
static int fnet_extract(fnet *F, cm_solution *out)
{
	const cm_col *cols = F->cols;
	size_t ns = F->n_schools, i, j;
	int64_t *left = calloc(ns + 1, sizeof *left);
	if (!left)
		return CM_ENOMEM;
	for (i = 0; i < ns; i++)
		if (F->school_node[i] >= 0 && F->to_sink[i] >= 0)
			left[i] = cm__nf_flow(F->nf, F->to_sink[i]);
	for (j = 0; j < F->ncols; j++) {
		const cm_col *c = &cols[j];
		int64_t f;
		if (c->kind == CM_COL_CHOICE) {
			out->x[j] = F->held[c->compound] == (long)c->school;
			continue;
		}
		if (F->arc[j] < 0)
			continue;
		f = cm__nf_flow(F->nf, F->arc[j]);
		if (c->kind == CM_COL_FLOW && c->seat == CM_SEAT_PURCHASED) {
			int64_t take = f < left[c->school] ? f : left[c->school];
			left[c->school] -= take;
			out->x[j] = (double)take;
			/* the fee column (next, same arc) takes the rest */
			if (j + 1 < F->ncols && shares_arc(cols, j + 1)) {
				out->x[j + 1] = (double)(f - take);
				j++;
			}
		} else {
			out->x[j] = (double)f;
		}
	}
	free(left);
	out->objective = F->m->cost_offset;
	for (j = 0; j < F->ncols; j++)
		if (cols[j].kind == CM_COL_FLOW || cols[j].kind == CM_COL_UNPLACED)
			out->objective += out->x[j] * cols[j].cost;
	for (i = 0; i < ns; i++) {
		int a = F->to_sink[i] >= 0 ? F->to_sink[i] : F->to_nq[i];
		int head = F->to_sink[i] >= 0 ? F->sink : F->nq;
		cm_cost rcost;
		double u, metres;
		out->seat_dual_u[i] = out->seat_dual_m[i] = 0;
		if (F->school_node[i] < 0 || a < 0)
			continue;
		rcost = cm__nf_potential(F->nf, F->school_node[i]) - cm__nf_potential(F->nf, head);
		if (rcost >= 0)
			continue;
		split_cost(-rcost, &u, &metres);
		out->seat_dual_u[i] = u > 0 ? u : 0;
		out->seat_dual_m[i] = metres > 0 ? metres : 0;
	}
	out->quota_short = F->m->quota_col >= 0 ? out->x[F->m->quota_col] : 0;
	return 0;
}

static double total_unplaced(const fnet *F)
{
	size_t j;
	double u = 0;
	for (j = 0; j < F->ncols; j++)
		if (F->cols[j].kind == CM_COL_UNPLACED && F->arc[j] >= 0)
			u += (double)cm__nf_flow(F->nf, F->arc[j]);
	return u;
}

int cm__flow_solve(cm_ctx *ctx, const cm_model *m, size_t n_schools, cm_solution *out)
{
	fnet F;
	int rc, held = 0, rounds = 0;
	size_t ncols = m->cols.len, j;
	double bound = m->cost_offset, lp_unplaced;

	memset(out, 0, sizeof *out);
	memset(&F, 0, sizeof F);
	F.ctx = ctx;
	F.m = m;
	F.n_schools = n_schools;
	F.cols = m->cols.data;
	F.ncols = ncols;
	out->x = calloc(ncols + 1, sizeof(double));
	out->seat_dual_m = calloc(n_schools + 1, sizeof(double));
	out->seat_dual_u = calloc(n_schools + 1, sizeof(double));
	rc = !out->x || !out->seat_dual_m || !out->seat_dual_u ? CM_ENOMEM : fnet_build(&F);
	if (!rc)
		rc = greedy_start(&F);
	if (!rc)
		rc = fnet_solve(&F, 1);
	if (!rc) {
		/* the split optimum: the plan in split mode, the bound in single */
		for (j = 0; j < ncols; j++)
			if ((F.cols[j].kind == CM_COL_FLOW || F.cols[j].kind == CM_COL_UNPLACED) &&
			    F.arc[j] >= 0 && !shares_arc(F.cols, j))
				bound += (double)cm__nf_flow(F.nf, F.arc[j]) * F.cols[j].cost;
		lp_unplaced = total_unplaced(&F);
		out->lp_unplaced = lp_unplaced;
	}
	if (!rc && m->single)
		rc = single_dive(&F, (int64_t)lp_unplaced, &rounds, &held);
	if (!rc)
		rc = fnet_extract(&F, out);
	if (!rc) {
		out->lp_bound = bound;
		out->integral = 1;
		out->dive_rounds = rounds;
		out->mip_gap = out->objective > 0 ? (out->objective - bound) / out->objective : 0;
		if (out->mip_gap < 0)
			out->mip_gap = 0;
		cm__log(ctx, CM_LOG_DEBUG, "%s: network simplex, %d nodes, %zu columns, %d pricing "
		        "rounds, %ld pivots from %s", cm_level_name(m->level), F.nnodes, ncols, F.rounds,
		        cm__nf_pivots(F.nf), cm__nf_started(F.nf) ? "the greedy start" : "nothing");
		if (m->single)
			cm__log(ctx, CM_LOG_DEBUG, "%s: single mode held %d split compounds in %d rounds; "
			        "unplaced %.0f (LP %.0f), gap %.3f%%", cm_level_name(m->level), held, rounds,
			        total_unplaced(&F), out->lp_unplaced, 100 * out->mip_gap);
	}
	if (rc == CM_ENOMEM)
		cm__error(ctx, CM_ENOMEM, "out of memory in the network solver");
	if (rc)
		cm__solution_free(out);
	fnet_free(&F);
	return rc;
}
