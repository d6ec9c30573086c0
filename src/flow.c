/*
 * flow.c: the network relaxation.  A model without side rows is a
 * minimum-cost flow, quota included, and netflow.c solves it exactly, in
 * whole pupils, far faster than a general LP.  In split mode its optimum
 * is the plan; in single mode it is the relaxation the search (search.c)
 * branches on, each node a few cost changes and a warm solve.
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
 * integer.  A column costs its millimetres (distance, less the stability
 * weight where a pupil stays), at most 2^31 (2,147 km) in magnitude; a
 * level has at most 2^25 pupils (CM_MAX_LEVEL_PUPILS), so all millimetres
 * together stay below 2^56, and below half of Q = 2^b per migrant short of
 * the quota, b = cm__model_quota_bits of the level's pupils and longest
 * trip (model.h: 58 at those limits, 44 on the bench's city of 40,000
 * compounds); a local child without a place costs local_first x Q more
 * (model.h: the policy tier), and the tier stays below 2^86
 * (CM_POLICY_TOP_BITS); U = 2^88 per pupil without a place is above that.
 * A forbidden column costs F = 2^89 more: above any real path per unit
 * (U + the tier + 2^31), so no optimum uses it while "no place" is open
 * to every pupil.
 * The artificial arcs of the first basis cost 2^91, above every real path
 * and forbidden arc.  Every total (at most 2^25 pupils at 2^91) stays below
 * 2^116, every node potential below 2^118: far inside 2^127.  Millimetres
 * make the plan exact to 1 mm per pupil; the plan's own metres are summed
 * from the true distances.
 *
 * Pricing: the first solve has each pupil group's 5 nearest schools; the
 * other columns are priced against the potentials, those with a negative
 * reduced cost join, and the simplex goes on from its basis, until none is
 * left: the flow is then optimal for every column.  Every solve ends so.
 */
#include "netflow.h"
#include "search.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The tiers' weights: a pupil without a place, a pupil of the policy
 * rows' shortfall (fnet.w_quota; a local child without a place weighs
 * local_first of them, model.h), a millimetre.  Each tier's range is
 * below half the weight above it: pupil-metres below half of w_quota, the
 * policy tier below 2^86 (model.h); flows times the largest weight stay
 * below 2^25 x 2^91, far inside 128 bits. */
#define W_UNPLACED ((cm_cost)1 << 88)
#define W_FORBID ((cm_cost)1 << 89)
#define W_ART ((cm_cost)1 << 91)
#define MAX_MM ((int64_t)1 << 31)
#define NEAREST 5

int cm__flow_holds(const cm_model *m, const char **why)
{
	size_t i;
	for (i = 0; i < m->rows.len; i++) {
		cm_row_kind k = ((const cm_row *)m->rows.data)[i].kind;
		if (k == CM_ROW_NEAR || k == CM_ROW_MOVED) {
			if (why)
				*why = k == CM_ROW_NEAR ? "a near-school minimum (near_share_min_*)"
				                        : "a cap on pupils moved (max_moved_pupils)";
			return 0;
		}
	}
	return 1;
}

static cm_cost mm(double metres)
{
	return (cm_cost)llround(metres * 1000);
}

/* A 128-bit value as (pupils, shortfall, millimetres), the weights undone
 * (each lower tier is below half the weight of the one above, so rounding
 * to the nearest recovers them; millimetres may be negative). */
static void split_cost(cm_cost v, cm_cost wq, int64_t *u, int64_t *q, int64_t *mm_out)
{
	cm_cost nu = v >= 0 ? (v + W_UNPLACED / 2) / W_UNPLACED : -((-v + W_UNPLACED / 2) / W_UNPLACED);
	cm_cost nq;
	v -= nu * W_UNPLACED;
	nq = v >= 0 ? (v + wq / 2) / wq : -((-v + wq / 2) / wq);
	v -= nq * wq;
	*u = (int64_t)nu;
	*q = (int64_t)nq;
	*mm_out = (int64_t)v;
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

/* A flow column waiting for pricing, with its arc's ends: the pricing
 * reads these 12 bytes and its cost (F->mmc), not the column (most columns
 * of a city wait for good: schools far away). */
typedef struct fwait {
	int col, from, to;
} fwait;

typedef struct fnet {
	cm_ctx *ctx;
	const cm_model *m;
	cm_cost w_quota;      /* a pupil of the policy tier: den x w_unit */
	cm_cost w_unit;       /* the tier's unit, 2^cm__model_quota_bits (model.h) */
	int den;              /* the tier's units in a pupil: the model's near_den, else 1 */
	const cm_col *nearc;  /* the columns, where they carry the side rows' prices
	                         (cm_col.near: the model's near_den > 0), else NULL */
	size_t n_schools;
	const cm_col *cols;
	size_t ncols;
	cm_netflow *nf;
	int nnodes, sink, nq, nq_free, max_c;
	int *dem;             /* 2 * compound + group -> node, -1 */
	int *school_node;     /* school -> node, -1 */
	int *to_sink, *to_nq; /* school -> its arcs, -1 */
	int *arc;             /* column -> arc, -1 (waiting for pricing, or none) */
	unsigned char *forbidden; /* column -> 1 when the search forbids it */
	unsigned char *pub;   /* column -> 1 for a public flow: relax_value's test, which
	                       * the search makes for every column of a block, without
	                       * reading the columns (a cache miss each) */
	double *x;            /* column values of the last solve (fnet_values) */
	int x_fresh;          /* x is the last solve's */
	long long work;       /* columns priced (cm__nf_work counts the simplex's) */
	int64_t *mmc;         /* column -> its cost in millimetres */
	fwait *wait;          /* the flow columns without an arc yet, by column */
	size_t nwait;
	/* the plan neighbourhoods start from (relax_neighbourhood): its version,
	 * usage and totals */
	long nb_version;
	cm_usage nb_usage;
	double nb_unplaced, nb_locals, nb_pm;
	int64_t nb_mm, nb_near;
	/* the last neighbourhood, for relax_taken: its columns' old and new
	 * values, in range order, and the whole plan's totals with the new */
	size_t *nb_range, nb_nfree;
	double *nb_old, *nb_new;
	size_t nb_cap;
	long nb_from;            /* the version it started from */
	double nb_next_unplaced, nb_next_locals, nb_next_pm;
	int64_t nb_next_mm, nb_next_near;
	int64_t *room;        /* by school: scratch for fnet_values */
	int priced;           /* no column outside the network prices in (since the last
	                       * pricing, none was let go again) */
	cm_nf_basis *slot[CM_RELAX_SLOTS]; /* saved solves (relax_save) */
	int slot_priced[CM_RELAX_SLOTS];
} fnet;

static void fnet_free(fnet *F)
{
	cm__nf_free(F->nf);
	free(F->dem);
	free(F->school_node);
	free(F->to_sink);
	free(F->to_nq);
	free(F->arc);
	free(F->forbidden);
	free(F->pub);
	free(F->x);
	free(F->mmc);
	free(F->wait);
	free(F->room);
	cm__usage_free(&F->nb_usage);
	free(F->nb_range);
	free(F->nb_old);
	free(F->nb_new);
	for (int i = 0; i < CM_RELAX_SLOTS; i++)
		cm__nf_basis_free(F->slot[i]);
}

/* What a pupil of unplaced column `c` costs above its millimetres: a
 * place, and for a local child m->local_first policy pupils (model.h). */
static cm_cost unplaced_weight(const fnet *F, const cm_col *c)
{
	return W_UNPLACED + (c->group == CM_LOCAL ? (cm_cost)F->m->local_first * F->w_quota : 0);
}

/* A flow column's cost in the network: millimetres, and where the side
 * rows are priced (`nearc`: F->nearc, which the pricing's loop holds in a
 * local) its part of the policy tier; the common case reads no column. */
static inline cm_cost priced_cost(const fnet *F, const cm_col *nearc, size_t j)
{
	return (cm_cost)F->mmc[j] + (nearc ? (cm_cost)nearc[j].near * F->w_unit : 0);
}

/* And F more when the search forbids it. */
static inline cm_cost forbid_cost(const fnet *F, const cm_col *nearc, size_t j)
{
	return priced_cost(F, nearc, j) + (F->forbidden[j] ? W_FORBID : 0);
}

/* Any column's: a way to no place weighs a place more. */
static cm_cost column_cost(const fnet *F, size_t j)
{
	const cm_col *c = &F->cols[j];
	return forbid_cost(F, F->nearc, j) +
	       (c->kind == CM_COL_UNPLACED ? unplaced_weight(F, c) : 0);
}

/* Column j waits for pricing: a flow column without an arc yet, not the
 * fee column sharing its purchased one's arc. */
static int waits(const fnet *F, size_t j)
{
	return F->cols[j].kind == CM_COL_FLOW && F->arc[j] < 0 && !shares_arc(F->cols, j);
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
	F->forbidden = calloc(ncols + 1, 1);
	F->pub = malloc(ncols + 1);
	F->x = calloc(ncols + 1, sizeof *F->x);
	F->school_node = malloc((ns + 1) * sizeof *F->school_node);
	F->to_sink = malloc((ns + 1) * sizeof *F->to_sink);
	F->to_nq = malloc((ns + 1) * sizeof *F->to_nq);
	F->arc = malloc((ncols + 1) * sizeof *F->arc);
	if (!seats || !purchased || !is_private || !initial || !F->dem || !F->forbidden || !F->pub ||
	    !F->x || !F->school_node || !F->to_sink || !F->to_nq || !F->arc) {
		rc = CM_ENOMEM;
		goto done;
	}
	for (i = 0; i < ncols; i++)
		F->pub[i] = cols[i].kind == CM_COL_FLOW && cols[i].seat == CM_SEAT_PUBLIC;
	for (i = 0; i < 2 * ((size_t)F->max_c + 1); i++)
		F->dem[i] = -1;
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
			               col_cap(c), priced_cost(F, F->nearc, j));
			break;
		case CM_COL_UNPLACED:
			a = cm__nf_arc(F->nf, F->dem[2 * c->compound + c->group],
			               c->group == CM_MIGRANT && F->nq >= 0 ? F->nq : F->sink, col_cap(c),
			               unplaced_weight(F, c) + F->mmc[j]);
			break;
		case CM_COL_QUOTA_SHORT:
			a = cm__nf_arc(F->nf, F->nq, F->sink, CM_NF_INF, F->w_quota);
			break;
		case CM_COL_CHOICE:
			continue;
		}
		if (a < 0)
			rc = CM_ENOMEM;
		F->arc[j] = a;
	}
	/* the waiting list, as long as the columns that wait */
	for (j = 0; j < ncols && !rc; j++)
		F->nwait += waits(F, j);
	if (!rc && !(F->wait = malloc((F->nwait + 1) * sizeof *F->wait)))
		rc = CM_ENOMEM;
	for (j = 0, F->nwait = 0; j < ncols && !rc; j++)
		if (waits(F, j))
			F->wait[F->nwait++] = (fwait){(int)j, F->dem[2 * cols[j].compound + cols[j].group],
			                              F->school_node[cols[j].school]};
	F->nq_free = -1;
	if (!rc && F->nq >= 0 &&
	    (F->nq_free = cm__nf_arc(F->nf, F->nq, F->sink,
	                             (int64_t)llround(fmax(0, m->migrants - m->quota_target)), 0)) < 0)
		rc = CM_ENOMEM;
	/* every sender has its way to no place: the artificial arcs need only
	 * cost more than any real path (the weights above) */
	if (!rc)
		cm__nf_art_cost(F->nf, W_ART);
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
	const cm_col *cols = F->cols, *nearc = F->nearc;
	const cm_cost *pi;
	size_t w, kept;
	if (cm__nf_clean(F->nf) && (F->priced || !price))
		return 0; /* nothing changed that could matter */
	for (;;) {
		int added = 0, st = cm__nf_solve(F->nf);
		if (st == CM_NF_NOMEM)
			return CM_ENOMEM;
		if (st != CM_NF_OPTIMAL)
			return cm__error(F->ctx, CM_ESOLVER, "the network solver found no flow (a fault: "
			                 "please report it)");
		if (!price) {
			F->priced = 0;
			return 0;
		}
		F->work += (long long)F->ncols; /* (the waiting columns: fewer) */
		/* the waiting columns in column order; those that join leave the list */
		pi = cm__nf_potentials(F->nf);
		for (w = kept = 0; w < F->nwait; w++) {
			fwait c = F->wait[w];
			size_t j = (size_t)c.col;
			cm_cost cost = forbid_cost(F, nearc, j);
			if (cost + pi[c.from] - pi[c.to] >= 0) {
				F->wait[kept++] = c;
				continue;
			}
			if ((F->arc[j] = cm__nf_arc(F->nf, c.from, c.to, col_cap(&cols[j]), cost)) < 0) {
				memmove(&F->wait[kept], &F->wait[w], (F->nwait - w) * sizeof *F->wait);
				F->nwait = kept + (F->nwait - w);
				return CM_ENOMEM;
			}
			if (j + 1 < F->ncols && shares_arc(cols, j + 1))
				F->arc[j + 1] = F->arc[j];
			added++;
		}
		F->nwait = kept;
		if (!added) {
			F->priced = 1;
			return 0;
		}
	}
}

/* Flows back to columns (purchased places first at each private school). */
static void fnet_values(fnet *F)
{
	const cm_col *cols = F->cols;
	size_t ns = F->n_schools, i, j;
	int64_t *lp = F->room; /* purchased places left, by school */
	if (F->x_fresh)
		return;
	for (i = 0; i < ns; i++)
		lp[i] = F->school_node[i] >= 0 && F->to_sink[i] >= 0 ? cm__nf_flow(F->nf, F->to_sink[i])
		                                                     : 0;
	for (j = 0; j < F->ncols; j++) {
		const cm_col *c = &cols[j];
		int64_t f;
		F->x[j] = 0;
		if (F->arc[j] < 0 || c->kind == CM_COL_CHOICE)
			continue;
		f = cm__nf_flow(F->nf, F->arc[j]);
		if (c->kind == CM_COL_FLOW && c->seat == CM_SEAT_PURCHASED) {
			int64_t take = f < lp[c->school] ? f : lp[c->school];
			lp[c->school] -= take;
			F->x[j] = (double)take;
			/* the fee column (next, same arc) takes the rest */
			if (j + 1 < F->ncols && shares_arc(cols, j + 1)) {
				F->x[j + 1] = (double)(f - take);
				j++;
			}
		} else {
			F->x[j] = (double)f;
		}
	}
	/* single mode: the choice columns say where public pupils went */
	for (j = 0; j < F->ncols; j++)
		if (cols[j].kind == CM_COL_CHOICE) {
			size_t k;
			for (k = j + 1; k < F->ncols && cols[k].kind == CM_COL_FLOW &&
			                cols[k].seat == CM_SEAT_PUBLIC && cols[k].school == cols[j].school;
			     k++)
				if (F->x[k] > 0)
					F->x[j] = 1;
		}
	F->x_fresh = 1;
}

static void to_lex(const fnet *F, cm_cost v, cm_lex *out)
{
	int64_t u, q, mmv;
	split_cost(v, F->w_unit, &u, &q, &mmv);
	out->unplaced = (double)u;
	out->shortfall = (double)q / F->den;
	out->metres = (double)mmv / 1000;
}

/* ------------------------------------------------------------ the relaxation */

static int relax_solve(void *self, cm_lex *out)
{
	fnet *F = self;
	int rc = fnet_solve(F, 1);
	cm_cost total;
	F->x_fresh = 0;
	if (rc)
		return rc == CM_ENOMEM ? cm__error(F->ctx, CM_ENOMEM, "out of memory in the network solver")
		                       : rc;
	/* no forbidden column carries flow: no place is always cheaper */
	total = cm__nf_total_cost(F->nf);
	to_lex(F, total, out);
	out->metres += F->m->cost_offset;
	return 0;
}

static double relax_value(void *self, size_t col)
{
	fnet *F = self;
	if (F->pub[col])
		return F->arc[col] >= 0 ? (double)cm__nf_flow(F->nf, F->arc[col]) : 0;
	fnet_values(F);
	return F->x[col];
}

static void relax_forbid(void *self, size_t col, int on)
{
	fnet *F = self;
	const cm_col *c = &F->cols[col];
	if (c->kind != CM_COL_FLOW || c->seat != CM_SEAT_PUBLIC || F->forbidden[col] == on)
		return;
	F->forbidden[col] = (unsigned char)on;
	if (F->arc[col] >= 0)
		cm__nf_set_cost(F->nf, F->arc[col], column_cost(F, col));
	else if (!on)
		F->priced = 0; /* it may price in now */
}

/* Saved solves (cm_relax.save): the network's basis, kept while the
 * network has at most SLOT_MAX_ARCS arcs (a slot: about 9 bytes an arc).
 * A county's tree and every neighbourhood's fit; a city's whole model,
 * whose tree hardly runs, solves again instead (measured: the same plans
 * at 10,000 to 40,000 compounds as with 2^20, and 7 MB less at 40,000). */
#define SLOT_MAX_ARCS (1 << 18)

static int relax_save(void *self, int slot)
{
	fnet *F = self;
	if (slot < 0 || slot >= CM_RELAX_SLOTS || cm__nf_arcs(F->nf) > SLOT_MAX_ARCS)
		return 1;
	if (!F->slot[slot] && !(F->slot[slot] = cm__nf_basis_new()))
		return 1;
	if (cm__nf_save(F->nf, F->slot[slot]) != CM_NF_OPTIMAL)
		return 1;
	F->slot_priced[slot] = F->priced;
	return 0;
}

static void relax_restore(void *self, int slot)
{
	fnet *F = self;
	cm__nf_restore(F->nf, F->slot[slot]);
	F->priced = F->slot_priced[slot];
	F->x_fresh = 0;
}

static void relax_swap(void *self, int a, int b)
{
	fnet *F = self;
	cm_nf_basis *t = F->slot[a];
	int p = F->slot_priced[a];
	F->slot[a] = F->slot[b];
	F->slot[b] = t;
	F->slot_priced[a] = F->slot_priced[b];
	F->slot_priced[b] = p;
}

static void relax_reduced(void *self, size_t col, cm_lex *out)
{
	fnet *F = self;
	const cm_col *c = &F->cols[col];
	cm_cost r = 0;
	int in_use = F->arc[col] >= 0 && cm__nf_flow(F->nf, F->arc[col]) > 0;
	if (c->kind == CM_COL_FLOW && !in_use && F->school_node[c->school] >= 0)
		r = cm__nf_reduced(F->nf, F->dem[2 * c->compound + c->group], F->school_node[c->school],
		                   priced_cost(F, F->nearc, col));
	else if (c->kind == CM_COL_UNPLACED && !in_use)
		r = cm__nf_reduced(F->nf, F->dem[2 * c->compound + c->group],
		                   c->group == CM_MIGRANT && F->nq >= 0 ? F->nq : F->sink,
		                   unplaced_weight(F, c) + F->mmc[col]);
	to_lex(F, r > 0 ? r : 0, out);
}

/* What one more seat at school i saves, from the potentials: minus the
 * reduced cost of its arc to the sink (or to NQ), 0 when that is not
 * negative. */
static void relax_seat_price(void *self, size_t i, cm_lex *out)
{
	fnet *F = self;
	int a = F->to_sink[i] >= 0 ? F->to_sink[i] : F->to_nq[i];
	int head = F->to_sink[i] >= 0 ? F->sink : F->nq;
	cm_cost rcost = 0;
	if (F->school_node[i] >= 0 && a >= 0)
		rcost = cm__nf_potential(F->nf, F->school_node[i]) - cm__nf_potential(F->nf, head);
	to_lex(F, rcost < 0 ? -rcost : 0, out);
}

/* ------------------------------------------------ what one more seat does */

/* The residual network of the flow, over every column (those the pricing
 * left out carry nothing), as arcs from node to node: `res` edges of a
 * column or school arc, forward while below its capacity, backward while
 * it carries flow.  Edge e is the model column e / 2 (e < 2 ncols), else
 * school (e / 2 - ncols)'s arc to the sink, then its arc to NQ, then NQ's
 * free arc; e % 2 == 1 is the backward edge. */
static int res_edge(const fnet *F, size_t e, int *from, int *to, cm_cost *cost)
{
	size_t k = e / 2, ns = F->n_schools;
	int back = (int)(e % 2), a = -1, u = -1, v = -1;
	cm_cost c = 0;
	int64_t f, cap;
	if (k < F->ncols) {
		const cm_col *col = &F->cols[k];
		if (col->kind == CM_COL_CHOICE || shares_arc(F->cols, k))
			return 0;
		a = F->arc[k];
		if (col->kind == CM_COL_FLOW) {
			u = F->dem[2 * col->compound + col->group];
			v = F->school_node[col->school];
			c = column_cost(F, k);
		} else if (col->kind == CM_COL_UNPLACED) {
			u = F->dem[2 * col->compound + col->group];
			v = col->group == CM_MIGRANT && F->nq >= 0 ? F->nq : F->sink;
			c = column_cost(F, k);
		} else {
			u = F->nq;
			v = F->sink;
			c = F->w_quota;
		}
		cap = col->kind == CM_COL_QUOTA_SHORT ? CM_NF_INF : col_cap(col);
	} else if ((k -= F->ncols) < 2 * ns) {
		a = k % 2 ? F->to_nq[k / 2] : F->to_sink[k / 2];
		if (a < 0)
			return 0;
		u = F->school_node[k / 2];
		v = k % 2 ? F->nq : F->sink;
		cap = cm__nf_cap(F->nf, a);
	} else {
		a = F->nq_free;
		if (a < 0)
			return 0;
		u = F->nq;
		v = F->sink;
		cap = cm__nf_cap(F->nf, a);
	}
	if (u < 0 || v < 0)
		return 0;
	f = a >= 0 ? cm__nf_flow(F->nf, a) : 0;
	if (back ? f <= 0 : f >= cap)
		return 0;
	*from = back ? v : u;
	*to = back ? u : v;
	*cost = back ? -c : c;
	return 1;
}

typedef struct hnode {
	cm_cost key;
	int node;
} hnode;

static void heap_push(hnode *h, size_t *n, hnode x)
{
	size_t i = (*n)++;
	while (i > 0 && h[(i - 1) / 2].key > x.key) {
		h[i] = h[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h[i] = x;
}

static hnode heap_pop(hnode *h, size_t *n)
{
	hnode top = h[0], x = h[--*n];
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= *n)
			break;
		if (c + 1 < *n && h[c + 1].key < h[c].key)
			c++;
		if (h[c].key >= x.key)
			break;
		h[i] = h[c];
		i = c;
	}
	if (*n)
		h[i] = x;
	return top;
}

#define NO_PATH ((cm_cost)1 << 120)

/* Dijkstra's search from node `src` over the residual network, on the
 * reduced costs (not negative at an optimum: the potentials make them
 * so); dist[v] gets the true cost of the cheapest way from src to v
 * (NO_PATH: none).  `first`/`adj` list each node's residual edges. */
static void res_paths(const fnet *F, int src, const int *first, const int *adj, hnode *heap,
                      unsigned char *done, cm_cost *dist)
{
	size_t nh = 0;
	int v;
	for (v = 0; v < F->nnodes; v++) {
		dist[v] = NO_PATH;
		done[v] = 0;
	}
	dist[src] = 0;
	heap_push(heap, &nh, (hnode){0, src});
	while (nh) {
		hnode h = heap_pop(heap, &nh);
		int k;
		if (done[h.node])
			continue;
		done[h.node] = 1;
		for (k = first[h.node]; k < first[h.node + 1]; k++) {
			int from, to;
			cm_cost c, r;
			res_edge(F, (size_t)adj[k], &from, &to, &c);
			r = c + cm__nf_potential(F->nf, from) - cm__nf_potential(F->nf, to);
			if (r < 0)
				r = 0; /* rounding cannot happen in integers: defensive only */
			if (!done[to] && h.key + r < dist[to]) {
				dist[to] = h.key + r;
				heap_push(heap, &nh, (hnode){dist[to], to});
			}
		}
	}
	/* reduced back to true costs */
	for (v = 0; v < F->nnodes; v++)
		if (dist[v] != NO_PATH)
			dist[v] += cm__nf_potential(F->nf, v) - cm__nf_potential(F->nf, src);
}

/* Drops the stability term from the costs (docs/model.md, "Shadow
 * prices": a seat's worth is in pupil-metres alone) and solves again from
 * the basis.  The relaxation's values are then those of that objective. */
static int plain_costs(fnet *F)
{
	size_t j;
	int changed = 0;
	for (j = 0; j < F->ncols; j++) {
		const cm_col *c = &F->cols[j];
		int64_t d;
		if (c->kind != CM_COL_FLOW || (d = (int64_t)mm(c->dist)) == F->mmc[j])
			continue;
		F->mmc[j] = d;
		changed = 1;
		if (F->arc[j] >= 0 && !shares_arc(F->cols, j))
			cm__nf_set_cost(F->nf, F->arc[j], column_cost(F, j));
	}
	if (!changed)
		return 0;
	F->priced = 0;
	F->x_fresh = 0;
	return fnet_solve(F, 1);
}

/* What one more seat at each school does (docs/model.md, "Shadow
 * prices"): the plan redrawn with one more seat, every choice held as the
 * search left them, the stability term aside.  One more seat lets one
 * more unit through the school's arc to the sink (a public school) or to
 * NQ (a private school's fee places: its purchased places are a row of
 * their own); the cheapest way to use it is the cheapest cycle through
 * that arc in the residual network, the arc and the cheapest way back
 * from its head to the school.  That cycle's cost is exactly what the
 * optimum gains (the flow's optimum is linear between whole seats), every
 * tier at once; a potential difference (a dual) is only one of the values
 * between the last seat's worth and the next one's (a full school with
 * every pupil placed gave "one more pupil in").  Two searches (from the
 * sink, from NQ) price every school. */
static int relax_duals(void *self, double *pupils, double *metres)
{
	fnet *F = self;
	size_t i, e, ne = 2 * (F->ncols + 2 * F->n_schools + 1);
	int *first = NULL, *adj = NULL, *end = NULL, rc;
	cm_cost *from_sink = NULL, *from_nq = NULL;
	hnode *heap = NULL;
	unsigned char *done = NULL, *priv = NULL;
	size_t nadj = 0;
	for (i = 0; i < F->n_schools; i++)
		pupils[i] = metres[i] = 0;
	if ((rc = plain_costs(F)))
		return rc == CM_ENOMEM ? cm__error(F->ctx, CM_ENOMEM, "out of memory in the network solver")
		                       : rc;
	first = calloc((size_t)F->nnodes + 2, sizeof *first);
	from_sink = malloc(((size_t)F->nnodes + 1) * sizeof *from_sink);
	from_nq = malloc(((size_t)F->nnodes + 1) * sizeof *from_nq);
	done = calloc((size_t)F->nnodes + 1, 1);
	priv = calloc(F->n_schools + 1, 1);
	if (!first || !from_sink || !from_nq || !done || !priv)
		goto nomem;
	for (e = 0; e < ne; e++) {
		int u, v;
		cm_cost c;
		if (res_edge(F, e, &u, &v, &c)) {
			first[u + 1]++;
			nadj++;
		}
	}
	for (i = 0; i < (size_t)F->nnodes; i++)
		first[i + 1] += first[i];
	if (!(adj = malloc((nadj + 1) * sizeof *adj)) || !(heap = malloc((nadj + 2) * sizeof *heap)))
		goto nomem;
	/* each node's edges at [first[u], first[u + 1]), placed from the ends */
	if (!(end = malloc(((size_t)F->nnodes + 1) * sizeof *end)))
		goto nomem;
	memcpy(end, first + 1, (size_t)F->nnodes * sizeof *end);
	for (e = ne; e-- > 0;) {
		int u, v;
		cm_cost c;
		if (res_edge(F, e, &u, &v, &c))
			adj[--end[u]] = (int)e;
	}
	/* a private school: one with a purchased or fee column */
	for (e = 0; e < F->ncols; e++)
		if (F->cols[e].kind == CM_COL_FLOW && F->cols[e].seat != CM_SEAT_PUBLIC)
			priv[F->cols[e].school] = 1;
	res_paths(F, F->sink, first, adj, heap, done, from_sink);
	if (F->nq >= 0)
		res_paths(F, F->nq, first, adj, heap, done, from_nq);
	for (i = 0; i < F->n_schools; i++) {
		int node = F->school_node[i];
		/* a public school's seat is its arc to the sink; a private
		 * school's, a fee place (with none, one more seat holds no one
		 * its purchased places do not) */
		const cm_cost *d = !priv[i] ? from_sink : F->to_nq[i] >= 0 ? from_nq : NULL;
		cm_lex v;
		if (node < 0 || !d || d[node] == NO_PATH || d[node] >= 0)
			continue;
		to_lex(F, -d[node], &v);
		pupils[i] = v.unplaced > 0 ? v.unplaced : 0;
		metres[i] = v.metres > 0 ? v.metres : 0;
	}
	rc = 0;
	goto done;
nomem:
	rc = cm__error(F->ctx, CM_ENOMEM, "out of memory in the network solver");
done:
	free(first);
	free(adj);
	free(heap);
	free(done);
	free(priv);
	free(end);
	free(from_sink);
	free(from_nq);
	return rc;
}

static long long relax_work(void *self)
{
	fnet *F = self;
	return cm__nf_work(F->nf) + F->work;
}

/* Plan totals as the network counts them (whole millimetres per pupil):
 * pupils without a place, local children among them, migrants counted by
 * the quota, millimetres. */
static void totals(const fnet *F, const double *x, size_t from, size_t to, double *unplaced,
                   double *locals_out, double *public_migrants, int64_t *mmsum, int64_t *near)
{
	size_t j;
	for (j = from; j < to; j++) {
		const cm_col *c = &F->cols[j];
		int64_t n;
		if (c->kind != CM_COL_FLOW && c->kind != CM_COL_UNPLACED)
			continue;
		n = (int64_t)llround(x[j]);
		*mmsum += n * F->mmc[j];
		*near += n * c->near;
		if (c->kind == CM_COL_UNPLACED) {
			*unplaced += (double)n;
			if (c->group == CM_LOCAL)
				*locals_out += (double)n;
		} else if (c->group == CM_MIGRANT && c->seat != CM_SEAT_FEE)
			*public_migrants += (double)n;
	}
}

/* Keeps the neighbourhood just searched for relax_taken: its ranges and
 * its columns' values in x and x_out. */
static int keep_last(fnet *F, const double *x, const size_t *range, size_t nfree,
                     const double *x_out, long version)
{
	size_t f, j, n = 0;
	for (f = 0; f < nfree; f++)
		n += range[2 * f + 1] - range[2 * f];
	F->nb_from = -1;
	if (n + 1 > F->nb_cap) {
		double *o = realloc(F->nb_old, (n + 1) * sizeof *o), *w;
		if (o)
			F->nb_old = o;
		w = realloc(F->nb_new, (n + 1) * sizeof *w);
		if (w)
			F->nb_new = w;
		if (!o || !w)
			return cm__error(F->ctx, CM_ENOMEM, "out of memory in the network solver");
		F->nb_cap = n + 1;
	}
	free(F->nb_range);
	if (!(F->nb_range = malloc((2 * nfree + 1) * sizeof *F->nb_range)))
		return cm__error(F->ctx, CM_ENOMEM, "out of memory in the network solver");
	memcpy(F->nb_range, range, 2 * nfree * sizeof *range);
	F->nb_nfree = nfree;
	n = 0;
	for (f = 0; f < nfree; f++)
		for (j = range[2 * f]; j < range[2 * f + 1]; j++, n++) {
			F->nb_old[n] = x[j];
			F->nb_new[n] = x_out[j];
		}
	F->nb_from = version;
	return 0;
}

/* The search took the last neighbourhood's plan: the plan's usage and
 * totals move by its columns' change alone. */
static void relax_taken(void *self, long version)
{
	fnet *F = self;
	size_t f, j, n = 0;
	if (F->nb_from < 0 || F->nb_from != F->nb_version || !F->nb_usage.seats) {
		F->nb_version = -1; /* not the plan the cache holds: recount at the next */
		return;
	}
	for (f = 0; f < F->nb_nfree; f++)
		for (j = F->nb_range[2 * f]; j < F->nb_range[2 * f + 1]; j++, n++)
			if (F->nb_new[n] != F->nb_old[n])
				cm__usage_add(&F->nb_usage, &F->cols[j], F->nb_new[n] - F->nb_old[n]);
	F->work += (long long)n;
	F->nb_unplaced = F->nb_next_unplaced;
	F->nb_locals = F->nb_next_locals;
	F->nb_pm = F->nb_next_pm;
	F->nb_mm = F->nb_next_mm;
	F->nb_near = F->nb_next_near;
	F->nb_version = version;
	F->nb_from = -1;
}

static int relax_neighbourhood(void *self, const double *x, long version, const size_t *range,
                               const long *held, size_t nfree, const long *start, long long budget,
                               int places, double *x_out, cm_lex *value, long long *work)
{
	fnet *F = self;
	cm_model sub;
	size_t *orig = NULL, k, f;
	cm_relax r;
	cm_search_opts o;
	cm_search_result res;
	double *xs = NULL, u, loc, pm;
	int64_t mmsum, nearsum;
	int rc;
	char label[64];
	*work = 0;
	if (version != F->nb_version || !F->nb_usage.seats) {
		/* the plan's totals, once per plan */
		if (cm__model_usage(F->m, x, &F->nb_usage))
			return cm__error(F->ctx, CM_ENOMEM, "out of memory in the network solver");
		F->nb_unplaced = F->nb_locals = F->nb_pm = 0;
		F->nb_mm = F->nb_near = 0;
		totals(F, x, 0, F->ncols, &F->nb_unplaced, &F->nb_locals, &F->nb_pm, &F->nb_mm,
		       &F->nb_near);
		F->nb_version = version;
		*work += (long long)F->ncols;
	}
	if (cm__model_sub(F->m, x, &F->nb_usage, range, held, nfree, &sub, &orig))
		return cm__error(F->ctx, CM_ENOMEM, "out of memory in the network solver");
	if (places) /* search.h: a local child weighs as one pupil of the quota */
		sub.local_first = 1;
	rc = cm__flow_relax_new(F->ctx, &sub, F->n_schools, &r);
	if (!rc && !(xs = calloc(sub.cols.len + 1, sizeof *xs)))
		rc = cm__error(F->ctx, CM_ENOMEM, "out of memory in the network solver");
	if (!rc) {
		memset(&o, 0, sizeof o);
		o.work_limit = budget;
		o.start = start;
		snprintf(label, sizeof label, "%s (neighbourhood)", cm_level_name(F->m->level));
		o.label = label;
		o.inner = 1;
		rc = cm__search(F->ctx, &sub, &r, &o, xs, &res);
		*work += res.work;
	}
	if (!rc) {
		/* the whole plan's value: the plan's totals, the free compounds'
		 * old columns out and their new ones in */
		u = F->nb_unplaced;
		loc = F->nb_locals;
		pm = F->nb_pm;
		mmsum = F->nb_mm;
		nearsum = F->nb_near;
		for (f = 0; held && f < nfree; f++) /* (a held compound's other schools) */
			if (held[f] >= 0)
				memcpy(&x_out[range[2 * f]], &x[range[2 * f]],
				       (range[2 * f + 1] - range[2 * f]) * sizeof *x_out);
		for (k = 0; k < sub.cols.len; k++)
			if ((int)orig[k] != F->m->quota_col)
				x_out[orig[k]] = xs[k];
		for (f = 0; f < nfree; f++) {
			double u0 = 0, l0 = 0, p0 = 0, u1 = 0, l1 = 0, p1 = 0;
			int64_t m0 = 0, m1 = 0, n0 = 0, n1 = 0;
			totals(F, x, range[2 * f], range[2 * f + 1], &u0, &l0, &p0, &m0, &n0);
			totals(F, x_out, range[2 * f], range[2 * f + 1], &u1, &l1, &p1, &m1, &n1);
			nearsum += n1 - n0;
			u += u1 - u0;
			loc += l1 - l0;
			pm += p1 - p0;
			mmsum += m1 - m0;
		}
		value->unplaced = u;
		value->shortfall = (F->m->quota_row >= 0 ? fmax(0, F->m->quota_target - pm) : 0) +
		                   F->m->local_first * loc + (double)nearsum / F->den;
		value->metres = (double)mmsum / 1000 + F->m->cost_offset;
		*work += 4 * (long long)sub.cols.len;
		rc = keep_last(F, x, range, nfree, x_out, version);
		F->nb_next_unplaced = u;
		F->nb_next_locals = loc;
		F->nb_next_pm = pm;
		F->nb_next_mm = mmsum;
		F->nb_next_near = nearsum;
	}
	if (r.self)
		cm__flow_relax_free(&r);
	free(xs);
	free(orig);
	cm__model_free(&sub);
	return rc;
}

/* What the network can hold: whole pupils and distances the weights above
 * keep apart.  CM_EINPUT otherwise (the reader's limits make it rare). */
static int check_range(fnet *F)
{
	const cm_row *rows = F->m->rows.data;
	size_t i;
	int64_t total = 0;
	for (i = 0; i < F->m->rows.len; i++)
		if (rows[i].kind == CM_ROW_DEMAND)
			total += (int64_t)rows[i].rhs;
	if (total > CM_MAX_LEVEL_PUPILS)
		return cm__error(F->ctx, CM_EINPUT, "%s: %lld pupils, more than the %d a level may have",
		                 cm_level_name(F->m->level), (long long)total, CM_MAX_LEVEL_PUPILS);
	for (i = 0; i < F->ncols; i++) {
		/* the cost, and the distance the shadow prices solve with
		 * (plain_costs: without the stability weight) */
		double longest = fmax(fabs(F->cols[i].cost), fabs(F->cols[i].dist));
		if (F->cols[i].kind == CM_COL_FLOW && !(longest * 1000 < (double)MAX_MM))
			return cm__error(F->ctx, CM_EINPUT, "%s: a trip of %.0f km (with the stability "
			                 "weight) is longer than the engine holds (2,147 km)",
			                 cm_level_name(F->m->level), longest / 1000);
	}
	/* the policy tier's unit: above all the plan's millimetres (model.h) */
	F->w_unit = (cm_cost)1 << cm__model_quota_bits(F->m);
	F->den = F->m->near_den > 0 ? F->m->near_den : 1;
	F->nearc = F->m->near_den > 0 ? F->cols : NULL;
	F->w_quota = (cm_cost)F->den * F->w_unit;
	return 0;
}

void cm__flow_relax_free(cm_relax *r)
{
	fnet *F = r ? r->self : NULL;
	if (!F)
		return;
	fnet_free(F);
	free(F);
	r->self = NULL;
}

int cm__flow_relax_new(cm_ctx *ctx, const cm_model *m, size_t n_schools, cm_relax *out)
{
	fnet *F = calloc(1, sizeof *F);
	int rc;
	memset(out, 0, sizeof *out);
	if (!F)
		return cm__error(ctx, CM_ENOMEM, "out of memory in the network solver");
	F->ctx = ctx;
	F->m = m;
	F->n_schools = n_schools;
	F->cols = m->cols.data;
	F->ncols = m->cols.len;
	F->nb_from = -1;
	out->self = F;
	F->room = malloc((n_schools + 1) * sizeof *F->room);
	if (!F->room || !(F->mmc = malloc((F->ncols + 1) * sizeof *F->mmc))) {
		cm__flow_relax_free(out);
		return cm__error(ctx, CM_ENOMEM, "out of memory in the network solver");
	}
	for (size_t j = 0; j < F->ncols; j++)
		F->mmc[j] = (int64_t)mm(F->cols[j].cost);
	rc = check_range(F);
	if (!rc)
		rc = fnet_build(F);
	if (!rc)
		rc = greedy_start(F);
	if (rc) {
		if (rc == CM_ENOMEM)
			cm__error(ctx, CM_ENOMEM, "out of memory in the network solver");
		cm__flow_relax_free(out);
		return rc;
	}
	out->solve = relax_solve;
	out->value = relax_value;
	out->forbid = relax_forbid;
	out->reduced = relax_reduced;
	out->duals = relax_duals;
	out->seat_price = relax_seat_price;
	out->work = relax_work;
	out->neighbourhood = relax_neighbourhood;
	out->taken = relax_taken;
	out->save = relax_save;
	out->restore = relax_restore;
	out->swap = relax_swap;
	return 0;
}
