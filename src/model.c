/*
 * model.c: builds the allocation model of one level (docs/model.md).
 *
 * Columns: flows (compound, group, school, seat kind) for every eligible
 * pair, unplaced pupils per compound and group, in single mode a binary
 * choice per compound and eligible public school, and slack columns for the
 * soft policy rows (migrant quota, near-school share) whose shortfall the
 * first solve phase minimises.  Rows: demand, seats, purchased places, the
 * quota, the near-school share, single-mode choice and links, and the total
 * unplaced (bounded between phases).
 *
 * Layout: small appenders; eligibility; build; free.
 */
#include "model.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int add_col(cm_model *m, cm_col c)
{
	cm_col *p = cm__vec_push(&m->cols);
	if (!p)
		return -1;
	*p = c;
	return (int)m->cols.len - 1;
}

static int add_row(cm_model *m, cm_row_kind kind, cm_row_type type, double rhs, int compound,
                   int school, int group)
{
	cm_row *r = cm__vec_push(&m->rows);
	if (!r)
		return -1;
	r->kind = kind;
	r->type = type;
	r->rhs = rhs;
	r->compound = compound;
	r->school = school;
	r->group = group;
	return (int)m->rows.len - 1;
}

static int add_coef(cm_model *m, int row, int col, double v)
{
	int *i = cm__vec_push(&m->ia), *j = cm__vec_push(&m->ja);
	double *a = cm__vec_push(&m->ar);
	if (!i || !j || !a)
		return -1;
	*i = row;
	*j = col;
	*a = v;
	return 0;
}

/* Compounds in Z-order (Morton) of their points: rows and columns of
 * neighbouring compounds sit together, which keeps a network solver's
 * memory accesses local (the same model, numbered differently). */
typedef struct zkey {
	uint64_t key;
	size_t index;
} zkey;

static int cmp_zkey(const void *a, const void *b)
{
	const zkey *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return (x->index > y->index) - (x->index < y->index);
}

static uint64_t spread(uint32_t v)
{
	uint64_t x = v;
	x = (x | x << 16) & 0x0000ffff0000ffffull;
	x = (x | x << 8) & 0x00ff00ff00ff00ffull;
	x = (x | x << 4) & 0x0f0f0f0f0f0f0f0full;
	x = (x | x << 2) & 0x3333333333333333ull;
	x = (x | x << 1) & 0x5555555555555555ull;
	return x;
}

static size_t *z_order(const cm_dataset *ds)
{
	size_t n = ds->n_compounds, i, *order = malloc((n + 1) * sizeof *order);
	zkey *k = malloc((n + 1) * sizeof *k);
	double x0 = HUGE_VAL, y0 = HUGE_VAL, x1 = -HUGE_VAL, y1 = -HUGE_VAL, w;
	if (!order || !k) {
		free(order);
		free(k);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		x0 = fmin(x0, ds->compounds[i].x);
		y0 = fmin(y0, ds->compounds[i].y);
		x1 = fmax(x1, ds->compounds[i].x);
		y1 = fmax(y1, ds->compounds[i].y);
	}
	w = fmax(fmax(x1 - x0, y1 - y0), 1);
	for (i = 0; i < n; i++) {
		uint32_t qx = (uint32_t)((ds->compounds[i].x - x0) / w * 65535.0);
		uint32_t qy = (uint32_t)((ds->compounds[i].y - y0) / w * 65535.0);
		k[i].key = spread(qx) | spread(qy) << 1;
		k[i].index = i;
	}
	qsort(k, n, sizeof *k, cmp_zkey);
	for (i = 0; i < n; i++)
		order[i] = k[i].index;
	free(k);
	return order;
}

#define CHECK(x)                  \
	do {                          \
		if ((x) < 0)              \
			goto nomem;           \
	} while (0)

/* The stability term for `n` pupils of group `g` of compound `ci` at
 * public school `si`: of them, `kept` stay where they were last year, and
 * each of those earns the weight back (the objective holds the weight for
 * every pupil who had a place, m->cost_offset, so its value is metres plus
 * the weight per pupil moved).  One column, or two when some but not all
 * stay: the first (up to `kept`) with the bonus; *stays is 1 when that
 * first piece is the staying one.  Returns how many. */
static int stability_pieces(const cm_config *cfg, const cm_previous *prev, cm_level level,
                            size_t ci, long si, int g, int n, double kept[2], double w[2],
                            int *stays)
{
	long k;
	kept[0] = n;
	w[0] = 0;
	*stays = 0;
	if (!prev || !cm__previous_open(prev, level, ci))
		return 1; /* no previous school held: nothing moves */
	k = cm__previous_kept(prev, level, ci, si, g, n);
	if (k <= 0)
		return 1;
	/* the first piece stays, whatever the weight (0 too: the cap on
	 * pupils moved counts it) */
	*stays = 1;
	w[0] = -cfg->solve.stability_weight;
	if (k >= n)
		return 1;
	kept[0] = (double)k;
	kept[1] = n;
	w[1] = 0;
	return 2;
}

/* The level's pupils: its unplaced columns' bounds (each group's demand). */
static double model_pupils(const cm_model *m)
{
	const cm_col *cols = m->cols.data;
	double pupils = 0;
	for (size_t j = 0; j < m->cols.len; j++)
		if (cols[j].kind == CM_COL_UNPLACED)
			pupils += cols[j].ub;
	return pupils;
}

int cm__model_quota_bits(const cm_model *m)
{
	const cm_col *cols = m->cols.data;
	double pupils = model_pupils(m), max_mm = 1, span;
	int b = 1;
	for (size_t j = 0; j < m->cols.len; j++)
		if (cols[j].kind == CM_COL_FLOW)
			max_mm = fmax(max_mm, fmax(fabs((double)llround(cols[j].cost * 1000)),
			                           fabs((double)llround(cols[j].dist * 1000))));
	span = 2 * fmax(pupils, 1) * max_mm;
	while (b < 58 && ldexp(1, b) <= span)
		b++;
	return b;
}

int cm__model_local_weight(const cm_model *m, int *exact)
{
	const cm_col *cols = m->cols.data;
	double locals = 0, w, cap;
	int hi = 0, lo = 0;
	if (exact)
		*exact = 1;
	if (!m->single || (m->quota_row < 0 && m->near_den <= 0))
		return CM_LOCAL_FIRST;
	for (size_t j = 0; j < m->cols.len; j++) {
		if (cols[j].kind == CM_COL_UNPLACED && cols[j].group == CM_LOCAL)
			locals += cols[j].ub;
		if (cols[j].kind == CM_COL_FLOW) {
			hi = cols[j].near > hi ? cols[j].near : hi;
			lo = cols[j].near < lo ? cols[j].near : lo;
		}
	}
	w = (m->quota_row >= 0 ? floor(m->quota_target) : 0) + 1;
	/* the side rows priced in the tier (near_den): a plan's part of it
	 * is between lo and hi units a pupil placed, so two plans' parts are
	 * at most the pupils x (hi - lo) units apart, which a local child
	 * passes too */
	if (m->near_den > 0)
		w += ceil(model_pupils(m) * ((double)hi - lo) / m->near_den);
	/* the tier: weight x local children + the shortfall (at most the
	 * pupils), with room to spare; where side rows are priced in the tier
	 * (near_den), in its units, and their part (at most twice the pupils)
	 * too */
	cap = floor((ldexp(1, CM_POLICY_TOP_BITS - cm__model_quota_bits(m)) /
	                     (m->near_den > 0 ? m->near_den : 1) -
	             (m->near_den > 0 ? 3 : 2) * model_pupils(m)) / (locals > 1 ? locals : 1));
	if (w > cap) {
		w = cap;
		if (exact)
			*exact = 0;
	}
	if (w < CM_LOCAL_FIRST) {
		w = CM_LOCAL_FIRST; /* (beyond the cap only in a level at the bits' edge) */
		if (w > cap && exact)
			*exact = 0;
	}
	return (int)w;
}

int cm__model_build(cm_ctx *ctx, const cm_config *cfg, const cm_dataset *ds, cm_level level,
                    const int *seats, const cm_previous *prev, cm_model *m)
{
	size_t ci, si, oi, *order = NULL;
	int g, purchased_row, near_row = -1, near_col = -1;
	double share = cfg->policy.near_share_min[level], radius = cfg->policy.near_radius_m[level];
	int *purchased_rows = NULL;
	double had = 0; /* pupils with a place last year who may stay (stability) */
	const cm__pairs *pairs;
	cm__pairs *own_pairs = NULL; /* a scenario's dataset: its pairs made here */
	int rc;

	memset(m, 0, sizeof *m);
	if ((rc = cm__pairs_for(ctx, cfg, ds, &pairs, &own_pairs)))
		return rc;
	m->level = level;
	m->n_schools = ds->n_schools;
	m->single = cfg->solve.assignment == CM_ASSIGN_SINGLE;
	cm__vec_init(&m->cols, sizeof(cm_col));
	cm__vec_init(&m->rows, sizeof(cm_row));
	cm__vec_init(&m->ia, sizeof(int));
	cm__vec_init(&m->ja, sizeof(int));
	cm__vec_init(&m->ar, sizeof(double));
	m->quota_row = m->quota_col = -1;
	m->seat_row = malloc((ds->n_schools ? ds->n_schools : 1) * sizeof(int));
	purchased_rows = malloc((ds->n_schools ? ds->n_schools : 1) * sizeof(int));
	if (!m->seat_row || !purchased_rows)
		goto nomem;

	/* Seats, and purchased places within them. */
	for (si = 0; si < ds->n_schools; si++) {
		const cm_school *s = &ds->schools[si];
		m->seat_row[si] = purchased_rows[si] = -1;
		if (!cm_school_teaches(s, level) || seats[si] <= 0)
			continue;
		CHECK(m->seat_row[si] = add_row(m, CM_ROW_SEATS, CM_ROW_LE, seats[si], -1, (int)si, -1));
		if (s->sector == CM_PRIVATE && s->purchased[level] > 0) {
			double p = s->purchased[level] < seats[si] ? s->purchased[level] : seats[si];
			CHECK(purchased_rows[si] =
			              add_row(m, CM_ROW_PURCHASED, CM_ROW_LE, p, -1, (int)si, -1));
		}
	}
	CHECK(m->unplaced_row = add_row(m, CM_ROW_UNPLACED, CM_ROW_FREE, 0, -1, -1, -1));
	CHECK(m->policy_row = add_row(m, CM_ROW_POLICY, CM_ROW_FREE, 0, -1, -1, -1));
	CHECK(m->locals_row = add_row(m, CM_ROW_LOCALS, CM_ROW_FREE, 0, -1, -1, -1));
	m->local_first = CM_LOCAL_FIRST;
	m->moved_row = -1;
	if (prev) {
		const long *was = cm__previous_schools(prev, level);
		if (!(m->prev_school = malloc((ds->n_compounds + 1) * sizeof(long))))
			goto nomem;
		for (ci = 0; ci < ds->n_compounds; ci++)
			m->prev_school[ci] = was[ci] >= 0 ? was[ci] : -1;
	}
	if (prev && cfg->solve.max_moved_pupils >= 0) {
		/* a policy row like the quota: when seats leave no other way, the
		 * pupils moved beyond the cap are a shortfall, not a failure */
		int slack;
		CHECK(m->moved_row = add_row(m, CM_ROW_MOVED, CM_ROW_GE, 0, -1, -1, -1));
		CHECK(slack = add_col(m, (cm_col){CM_COL_QUOTA_SHORT, -1, CM_SEAT_UNPLACED, -1, -1, 0,
		                                  DBL_MAX, 0, 0, 0, 0, 0}));
		CHECK(add_coef(m, m->moved_row, slack, 1));
		CHECK(add_coef(m, m->policy_row, slack, 1));
	}
	for (ci = 0; ci < ds->n_compounds; ci++)
		m->migrants += ds->compounds[ci].pupils[level][CM_MIGRANT] > 0
		                       ? ds->compounds[ci].pupils[level][CM_MIGRANT]
		                       : 0;
	if (m->migrants > 0) {
		/* Whole pupils: 85% of 6522 migrants is 5544 of them. */
		m->quota_target = ceil(cfg->policy.migrant_public_share * m->migrants - 1e-9);
		CHECK(m->quota_row = add_row(m, CM_ROW_QUOTA, CM_ROW_GE, m->quota_target, -1, -1, -1));
		CHECK(m->quota_col = add_col(m, (cm_col){CM_COL_QUOTA_SHORT, -1, CM_SEAT_UNPLACED, -1, -1,
		                                         0, m->quota_target, 0, 0, 0, 0, 0}));
		CHECK(add_coef(m, m->quota_row, m->quota_col, 1));
		CHECK(add_coef(m, m->policy_row, m->quota_col, 1));
	}
	if (share > 0) {
		CHECK(near_row = add_row(m, CM_ROW_NEAR, CM_ROW_GE, 0, -1, -1, -1));
		CHECK(near_col = add_col(m, (cm_col){CM_COL_QUOTA_SHORT, -1, CM_SEAT_UNPLACED, -1, -1, 0,
		                                     DBL_MAX, 0, 0, 0, 0, 0}));
		CHECK(add_coef(m, near_row, near_col, 1));
		CHECK(add_coef(m, m->policy_row, near_col, 1));
	}

	if (!(order = z_order(ds)))
		goto nomem;
	for (oi = 0; oi < ds->n_compounds; oi++) {
		const cm_compound *c = &ds->compounds[ci = order[oi]];
		int n[CM_NGROUPS], demand[CM_NGROUPS] = {-1, -1}, choose = -1;
		n[CM_LOCAL] = c->pupils[level][CM_LOCAL] > 0 ? c->pupils[level][CM_LOCAL] : 0;
		n[CM_MIGRANT] = c->pupils[level][CM_MIGRANT] > 0 ? c->pupils[level][CM_MIGRANT] : 0;
		if (!n[CM_LOCAL] && !n[CM_MIGRANT])
			continue;
		for (g = 0; g < CM_NGROUPS; g++) {
			int u;
			if (!n[g])
				continue;
			CHECK(demand[g] = add_row(m, CM_ROW_DEMAND, CM_ROW_EQ, n[g], (int)ci, -1, g));
			CHECK(u = add_col(m, (cm_col){CM_COL_UNPLACED, g, CM_SEAT_UNPLACED, (int)ci, -1, 0,
			                              n[g], 0, 0, 0, 0, 0}));
			CHECK(add_coef(m, demand[g], u, 1));
			CHECK(add_coef(m, m->unplaced_row, u, 1));
			if (g == CM_LOCAL)
				CHECK(add_coef(m, m->locals_row, u, 1));
		}
		if (m->single)
			CHECK(choose = add_row(m, CM_ROW_CHOOSE, CM_ROW_LE, 1, (int)ci, -1, -1));
		for (si = 0; si < ds->n_schools; si++) {
			const cm_school *s = &ds->schools[si];
			double d;
			int z = -1;
			if (m->seat_row[si] < 0)
				continue;
			d = cm__pair_distance(ds, pairs, ci, si);
			if (!isfinite(d) || d > cm__reach(cfg, s, level))
				continue; /* out of reach, or no way there */
			if (d > m->big_dist)
				m->big_dist = d;
			if (s->sector == CM_PUBLIC) {
				if (m->single) {
					CHECK(z = add_col(m, (cm_col){CM_COL_CHOICE, -1, CM_SEAT_PUBLIC, (int)ci,
					                              (int)si, d, 1, 1, 0, 0, 0, 0}));
					CHECK(add_coef(m, choose, z, 1));
				}
				for (g = 0; g < CM_NGROUPS; g++) {
					double kept[2], w[2];
					int x, k, pieces, stays;
					if (!n[g])
						continue;
					pieces = stability_pieces(cfg, prev, level, ci, (long)si, g, n[g], kept, w,
					                          &stays);
					for (k = 0; k < pieces; k++) {
					CHECK(x = add_col(m, (cm_col){CM_COL_FLOW, g, CM_SEAT_PUBLIC, (int)ci,
					                              (int)si, d, kept[k], 0, d + w[k], 0, 0, 0}));
					((cm_col *)m->cols.data)[x].capped = k == 0 && pieces == 2;
					((cm_col *)m->cols.data)[x].stays = k == 0 && stays;
					CHECK(add_coef(m, demand[g], x, 1));
					if (k == 0 && stays) {
						had += kept[k];
						if (m->moved_row >= 0)
							CHECK(add_coef(m, m->moved_row, x, 1));
					}
					CHECK(add_coef(m, m->seat_row[si], x, 1));
					if (g == CM_MIGRANT)
						CHECK(add_coef(m, m->quota_row, x, 1));
					if (near_row >= 0 && cm__near_counts(c, s) && (d > radius || share < 1))
						CHECK(add_coef(m, near_row, x, (d <= radius ? 1.0 : 0.0) - share));
					if (z >= 0) {
						int link;
						CHECK(link = add_row(m, CM_ROW_LINK, CM_ROW_LE, 0, (int)ci, (int)si, g));
						CHECK(add_coef(m, link, x, 1));
						CHECK(add_coef(m, link, z, -n[g]));
					}
					}
				}
			} else if (n[CM_MIGRANT]) {
				/* Private schools take migrants only: purchased places first
				 * in the quota's eyes, fee-paying places beyond them. */
				int x;
				purchased_row = purchased_rows[si];
				if (purchased_row >= 0) {
					CHECK(x = add_col(m, (cm_col){CM_COL_FLOW, CM_MIGRANT, CM_SEAT_PURCHASED,
					                              (int)ci, (int)si, d, n[CM_MIGRANT], 0, d, 0, 0, 0}));
					CHECK(add_coef(m, demand[CM_MIGRANT], x, 1));
					CHECK(add_coef(m, m->seat_row[si], x, 1));
					CHECK(add_coef(m, purchased_row, x, 1));
					CHECK(add_coef(m, m->quota_row, x, 1));
				}
				if (seats[si] > s->purchased[level]) {
					CHECK(x = add_col(m, (cm_col){CM_COL_FLOW, CM_MIGRANT, CM_SEAT_FEE, (int)ci,
					                              (int)si, d, n[CM_MIGRANT], 0, d, 0, 0, 0}));
					CHECK(add_coef(m, demand[CM_MIGRANT], x, 1));
					CHECK(add_coef(m, m->seat_row[si], x, 1));
				}
			}
		}
	}
	/* the weight of every pupil who had a place, so that the objective is
	 * metres plus the weight per pupil moved; the cap: at least all but
	 * max_moved_pupils of them stay */
	m->cost_offset = had * cfg->solve.stability_weight;
	m->local_first = cm__model_local_weight(m, NULL);
	if (m->moved_row >= 0) {
		double least = had - (double)cfg->solve.max_moved_pupils;
		((cm_row *)m->rows.data)[m->moved_row].rhs = least > 0 ? least : 0;
	}
	cm__log(ctx, CM_LOG_DEBUG, "%s: model of %zu columns, %zu rows, %zu coefficients; a local "
	        "child without a place weighs %d in the network's policy tier",
	        cm_level_name(level), m->cols.len, m->rows.len, m->ia.len, m->local_first);
	free(purchased_rows);
	free(order);
	cm__pairs_free(own_pairs);
	return 0;
nomem:
	free(purchased_rows);
	free(order);
	cm__pairs_free(own_pairs);
	cm__model_free(m);
	return cm__error(ctx, CM_ENOMEM, "out of memory building the model");
}

int cm__model_usage(const cm_model *m, const double *x, cm_usage *u)
{
	const cm_col *cols = m->cols.data;
	size_t ns = m->n_schools, j;
	free(u->seats);
	free(u->purchased);
	u->seats = calloc(ns + 1, sizeof *u->seats);
	u->purchased = calloc(ns + 1, sizeof *u->purchased);
	u->public_migrants = 0;
	if (!u->seats || !u->purchased)
		return CM_ENOMEM;
	for (j = 0; j < m->cols.len; j++)
		cm__usage_add(u, &cols[j], x[j]);
	return 0;
}

void cm__usage_add(cm_usage *u, const cm_col *c, double v)
{
	if (c->kind != CM_COL_FLOW)
		return;
	u->seats[c->school] += v;
	if (c->seat == CM_SEAT_PURCHASED)
		u->purchased[c->school] += v;
	if (c->group == CM_MIGRANT && c->seat != CM_SEAT_FEE)
		u->public_migrants += v;
}

void cm__usage_free(cm_usage *u)
{
	free(u->seats);
	free(u->purchased);
	memset(u, 0, sizeof *u);
}

int cm__model_sub(const cm_model *m, const double *x, const cm_usage *u, const size_t *range,
                  const long *held, size_t nfree, cm_model *out, size_t **orig)
{
	const cm_col *cols = m->cols.data;
	const cm_row *rows = m->rows.data;
	size_t ns = m->n_schools, i, j, f;
	/* what the others take: the plan's use less the free compounds' */
	cm_usage rest = {calloc(ns + 1, sizeof(double)), calloc(ns + 1, sizeof(double)),
	                 u->public_migrants};
	double migrants = 0;
	cm_vec map;

	memset(out, 0, sizeof *out);
	*orig = NULL;
	cm__vec_init(&map, sizeof(size_t));
	out->level = m->level;
	out->single = m->single;
	out->n_schools = ns;
	cm__vec_init(&out->cols, sizeof(cm_col));
	cm__vec_init(&out->rows, sizeof(cm_row));
	cm__vec_init(&out->ia, sizeof(int));
	cm__vec_init(&out->ja, sizeof(int));
	cm__vec_init(&out->ar, sizeof(double));
	out->quota_row = out->quota_col = out->moved_row = -1;
	out->network_only = 1;
	out->seat_row = malloc((ns + 1) * sizeof *out->seat_row);
	if (!rest.seats || !rest.purchased || !out->seat_row)
		goto nomem;
	memcpy(rest.seats, u->seats, ns * sizeof *rest.seats);
	memcpy(rest.purchased, u->purchased, ns * sizeof *rest.purchased);
	for (f = 0; f < nfree; f++)
		for (j = range[2 * f]; j < range[2 * f + 1]; j++) {
			const cm_col *c = &cols[j];
			if (c->kind == CM_COL_UNPLACED && c->group == CM_MIGRANT)
				migrants += c->ub;
			cm__usage_add(&rest, c, -x[j]);
		}
	/* seats and purchased places (the model's first rows), as the others
	 * leave them */
	for (i = 0; i < ns; i++)
		out->seat_row[i] = -1;
	for (i = 0; i < m->rows.len; i++) {
		const cm_row *r = &rows[i];
		if (r->kind == CM_ROW_SEATS)
			CHECK(out->seat_row[r->school] = add_row(out, CM_ROW_SEATS, CM_ROW_LE,
			                                         fmax(0, r->rhs - rest.seats[r->school]), -1,
			                                         r->school, -1));
		else if (r->kind == CM_ROW_PURCHASED)
			CHECK(add_row(out, CM_ROW_PURCHASED, CM_ROW_LE, fmax(0, r->rhs - rest.purchased[r->school]),
			              -1, r->school, -1));
		else
			break;
	}
	CHECK(out->unplaced_row = add_row(out, CM_ROW_UNPLACED, CM_ROW_FREE, 0, -1, -1, -1));
	out->policy_row = out->locals_row = -1; /* the network's alone: its weights hold the tiers */
	out->local_first = m->local_first;
	out->near_den = m->near_den;
	if (migrants > 0 && m->quota_row >= 0) {
		size_t *slot;
		out->migrants = migrants;
		out->quota_target = fmax(0, m->quota_target - rest.public_migrants);
		CHECK(out->quota_row = add_row(out, CM_ROW_QUOTA, CM_ROW_GE, out->quota_target, -1, -1, -1));
		CHECK(out->quota_col = add_col(out, (cm_col){CM_COL_QUOTA_SHORT, -1, CM_SEAT_UNPLACED, -1,
		                                             -1, 0, out->quota_target, 0, 0, 0, 0, 0}));
		CHECK(add_coef(out, out->quota_row, out->quota_col, 1));
		if (!(slot = cm__vec_push(&map)))
			goto nomem;
		*slot = (size_t)m->quota_col;
	}
	/* the free compounds: their demand (the unplaced column's bound) and
	 * their columns (a held one's public school, choice and seats, its
	 * own alone) */
	for (f = 0; f < nfree; f++)
		for (j = range[2 * f]; j < range[2 * f + 1]; j++) {
			const cm_col *c = &cols[j];
			size_t *slot;
			if (held && held[f] >= 0 && c->school != held[f] &&
			    (c->kind == CM_COL_CHOICE || (c->kind == CM_COL_FLOW && c->seat == CM_SEAT_PUBLIC)))
				continue;
			if (c->kind == CM_COL_UNPLACED)
				CHECK(add_row(out, CM_ROW_DEMAND, CM_ROW_EQ, c->ub, c->compound, -1, c->group));
			CHECK(add_col(out, *c));
			if (!(slot = cm__vec_push(&map)))
				goto nomem;
			*slot = j;
		}
	cm__usage_free(&rest);
	*orig = map.data;
	return 0;
nomem:
	cm__usage_free(&rest);
	cm__vec_free(&map);
	cm__model_free(out);
	return CM_ENOMEM;
}

void cm__model_network_only(cm_model *m)
{
	cm__vec_free(&m->ia);
	cm__vec_free(&m->ja);
	cm__vec_free(&m->ar);
	m->network_only = 1;
}

void cm__model_free(cm_model *m)
{
	cm__vec_free(&m->cols);
	cm__vec_free(&m->rows);
	cm__vec_free(&m->ia);
	cm__vec_free(&m->ja);
	cm__vec_free(&m->ar);
	free(m->seat_row);
	m->seat_row = NULL;
	free(m->prev_school);
	m->prev_school = NULL;
}
