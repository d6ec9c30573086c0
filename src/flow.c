/*
 * flow.c: the fast path.  A split-mode model without a near-school row is a
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
 * integer: U = 2^66 per unplaced pupil, above any quota shortfall times
 * Q = 2^45, above any total of millimetres (below 2^44 for a million pupils
 * at 17 km).  Millimetres make the plan exact for distances to 1 mm per
 * pupil; the plan's own metres are summed from the true distances.
 */
#include "model.h"
#include "netflow.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define W_UNPLACED ((cm_cost)1 << 66)
#define W_QUOTA ((cm_cost)1 << 45)

int cm__flow_applies(const cm_model *m)
{
	size_t i;
	if (m->single)
		return 0;
	for (i = 0; i < m->rows.len; i++)
		if (((const cm_row *)m->rows.data)[i].kind == CM_ROW_NEAR)
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

/* The columns the first solve starts with: for each demand node its
 * NEAREST flow columns by distance (ties included).  A demand node's
 * columns are contiguous in the model (a compound at a time), so the
 * choice is per run of the same compound. */
#define NEAREST 5

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static int initial_columns(const cm_model *m, const int *dem, unsigned char *initial)
{
	const cm_col *cols = m->cols.data;
	size_t ncols = m->cols.len, j = 0, k;
	double *d = malloc((ncols + 1) * sizeof *d);
	if (!d)
		return CM_ENOMEM;
	(void)dem;
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
					d[n++] = cols[k].dist;
			if (n > NEAREST)
				qsort(d, n, sizeof *d, cmp_double);
			limit = n > NEAREST ? d[NEAREST - 1] : HUGE_VAL;
			for (k = j; k < end; k++)
				if (cols[k].kind == CM_COL_FLOW && cols[k].group == g)
					initial[k] = cols[k].dist <= limit;
		}
		j = end;
	}
	free(d);
	return 0;
}

int cm__flow_solve(cm_ctx *ctx, const cm_model *m, size_t n_schools, cm_solution *out)
{
	const cm_row *rows = m->rows.data;
	const cm_col *cols = m->cols.data;
	size_t nrows = m->rows.len, ncols = m->cols.len, i, j;
	int max_c = -1, nnodes = 0, sink, nq = -1, rc = 0, st;
	int *dem = NULL, *school_node = NULL, *arc = NULL, *to_sink = NULL, *to_nq = NULL;
	int64_t *left = NULL, *seats = NULL, *purchased = NULL;
	unsigned char *is_private = NULL, *initial = NULL;
	int rounds = 0;
	cm_netflow *nf = NULL;

	memset(out, 0, sizeof *out);
	for (i = 0; i < nrows; i++)
		if (rows[i].compound > max_c)
			max_c = rows[i].compound;
	dem = malloc(2 * ((size_t)max_c + 1) * sizeof *dem + 1);
	school_node = malloc((n_schools + 1) * sizeof *school_node);
	to_sink = malloc((n_schools + 1) * sizeof *to_sink);
	to_nq = malloc((n_schools + 1) * sizeof *to_nq);
	left = calloc(n_schools + 1, sizeof *left);
	seats = calloc(n_schools + 1, sizeof *seats);
	purchased = calloc(n_schools + 1, sizeof *purchased);
	is_private = calloc(n_schools + 1, 1);
	initial = calloc(ncols + 1, 1);
	arc = malloc((ncols + 1) * sizeof *arc);
	out->x = calloc(ncols + 1, sizeof(double));
	out->seat_dual_m = calloc(n_schools + 1, sizeof(double));
	out->seat_dual_u = calloc(n_schools + 1, sizeof(double));
	if (!dem || !school_node || !to_sink || !to_nq || !left || !arc || !out->x || !seats ||
	    !purchased || !is_private || !initial ||
	    !out->seat_dual_m || !out->seat_dual_u) {
		rc = CM_ENOMEM;
		goto done;
	}
	for (i = 0; i < 2 * ((size_t)max_c + 1); i++)
		dem[i] = -1;
	for (i = 0; i < n_schools; i++)
		school_node[i] = to_sink[i] = to_nq[i] = -1;

	/* Nodes: demands, schools, NQ, sink. */
	for (i = 0; i < nrows; i++) {
		if (rows[i].kind == CM_ROW_DEMAND)
			dem[2 * rows[i].compound + rows[i].group] = nnodes++;
		else if (rows[i].kind == CM_ROW_SEATS)
			school_node[rows[i].school] = nnodes++;
	}
	if (m->quota_row >= 0)
		nq = nnodes++;
	sink = nnodes++;
	nf = cm__nf_new(nnodes, (int)ncols + (int)n_schools * 2 + 4);
	if (!nf) {
		rc = CM_ENOMEM;
		goto done;
	}
	{
		int64_t total = 0;
		for (i = 0; i < nrows; i++)
			if (rows[i].kind == CM_ROW_DEMAND) {
				cm__nf_supply(nf, dem[2 * rows[i].compound + rows[i].group], (int64_t)rows[i].rhs);
				total += (int64_t)rows[i].rhs;
			}
		cm__nf_supply(nf, sink, -total);
	}
	/* School arcs: public seats to the sink; private purchased places to the
	 * sink, the rest through NQ.  A school is private when it has a
	 * purchased or fee column. */
	for (i = 0; i < nrows; i++) {
		const cm_row *r = &rows[i];
		if (r->kind == CM_ROW_SEATS)
			seats[r->school] = (int64_t)r->rhs;
		else if (r->kind == CM_ROW_PURCHASED)
			purchased[r->school] = (int64_t)r->rhs;
	}
	for (j = 0; j < ncols; j++)
		if (cols[j].kind == CM_COL_FLOW && cols[j].seat != CM_SEAT_PUBLIC)
			is_private[cols[j].school] = 1;
	for (i = 0; i < n_schools && !rc; i++) {
		if (school_node[i] < 0)
			continue;
		if (!is_private[i]) {
			if ((to_sink[i] = cm__nf_arc(nf, school_node[i], sink, seats[i], 0)) < 0)
				rc = CM_ENOMEM;
			continue;
		}
		if (purchased[i] > 0 &&
		    (to_sink[i] = cm__nf_arc(nf, school_node[i], sink, purchased[i], 0)) < 0)
			rc = CM_ENOMEM;
		if (seats[i] > purchased[i] &&
		    (to_nq[i] = cm__nf_arc(nf, school_node[i], nq, seats[i] - purchased[i], 0)) < 0)
			rc = CM_ENOMEM;
	}
	/* Column arcs: for each pupil group of a compound its K nearest schools
	 * (and the way to no place); the others wait for pricing. */
	if ((rc = initial_columns(m, dem, initial)))
		goto done;
	for (j = 0; j < ncols && rc == 0; j++) {
		const cm_col *c = &cols[j];
		int a = -1;
		arc[j] = -1;
		switch (c->kind) {
		case CM_COL_FLOW:
			/* a private school's purchased and fee columns share one arc */
			if (c->seat == CM_SEAT_FEE && shares_arc(cols, j)) {
				arc[j] = arc[j - 1];
				continue;
			}
			if (!initial[j])
				continue;
			a = cm__nf_arc(nf, dem[2 * c->compound + c->group], school_node[c->school],
			               CM_NF_INF, mm(c->dist));
			break;
		case CM_COL_UNPLACED:
			a = cm__nf_arc(nf, dem[2 * c->compound + c->group],
			               c->group == CM_MIGRANT && nq >= 0 ? nq : sink, CM_NF_INF, W_UNPLACED);
			break;
		case CM_COL_QUOTA_SHORT:
			a = cm__nf_arc(nf, nq, sink, CM_NF_INF, W_QUOTA);
			break;
		default:
			rc = cm__error(ctx, CM_ERROR, "internal: a column the network has no arc for");
			continue;
		}
		if (a < 0)
			rc = CM_ENOMEM;
		arc[j] = a;
	}
	if (!rc && nq >= 0 &&
	    cm__nf_arc(nf, nq, sink, (int64_t)llround(m->migrants - m->quota_target), 0) < 0)
		rc = CM_ENOMEM;
	if (rc)
		goto done;

	/* Solve; price the waiting columns against the potentials; add those
	 * with a negative reduced cost; solve on from the same basis; until
	 * none is left: then the flow is optimal for every column. */
	for (;;) {
		int added = 0;
		st = cm__nf_solve(nf);
		rounds++;
		if (st != CM_NF_OPTIMAL)
			break;
		for (j = 0; j < ncols; j++) {
			const cm_col *c = &cols[j];
			int from, to;
			if (arc[j] >= 0 || c->kind != CM_COL_FLOW || (c->seat == CM_SEAT_FEE && shares_arc(cols, j)))
				continue;
			from = dem[2 * c->compound + c->group];
			to = school_node[c->school];
			if (cm__nf_reduced(nf, from, to, mm(c->dist)) >= 0)
				continue;
			if ((arc[j] = cm__nf_arc(nf, from, to, CM_NF_INF, mm(c->dist))) < 0) {
				st = CM_NF_NOMEM;
				break;
			}
			if (j + 1 < ncols && shares_arc(cols, j + 1))
				arc[j + 1] = arc[j];
			added++;
		}
		if (!added || st != CM_NF_OPTIMAL)
			break;
	}
	if (st == CM_NF_NOMEM) {
		rc = CM_ENOMEM;
		goto done;
	}
	if (st != CM_NF_OPTIMAL) {
		rc = cm__error(ctx, CM_ESOLVER, "the network solver found no flow (a fault: please "
		               "report it)");
		goto done;
	}

	/* Flows back to columns; purchased places first at each private school. */
	for (i = 0; i < n_schools; i++)
		if (school_node[i] >= 0 && to_sink[i] >= 0)
			left[i] = cm__nf_flow(nf, to_sink[i]);
	for (j = 0; j < ncols; j++) {
		const cm_col *c = &cols[j];
		int64_t f;
		if (arc[j] < 0)
			continue;
		f = cm__nf_flow(nf, arc[j]);
		if (c->kind == CM_COL_FLOW && c->seat == CM_SEAT_PURCHASED) {
			int64_t take = f < left[c->school] ? f : left[c->school];
			left[c->school] -= take;
			out->x[j] = (double)take;
			/* the fee column (next, same arc) takes the rest */
			if (j + 1 < ncols && arc[j + 1] == arc[j]) {
				out->x[j + 1] = (double)(f - take);
				j++;
			}
		} else {
			out->x[j] = (double)f;
		}
	}
	/* Objective, and the seats' duals from the potentials. */
	for (j = 0; j < ncols; j++)
		if (cols[j].kind == CM_COL_FLOW)
			out->objective += out->x[j] * cols[j].dist;
	for (i = 0; i < n_schools; i++) {
		int a = to_sink[i] >= 0 ? to_sink[i] : to_nq[i];
		int head = to_sink[i] >= 0 ? sink : nq;
		cm_cost rcost;
		double u, metres;
		if (school_node[i] < 0 || a < 0)
			continue;
		rcost = cm__nf_potential(nf, school_node[i]) - cm__nf_potential(nf, head);
		if (rcost >= 0)
			continue;
		split_cost(-rcost, &u, &metres);
		out->seat_dual_u[i] = u > 0 ? u : 0;
		out->seat_dual_m[i] = metres > 0 ? metres : 0;
	}
	out->quota_short = m->quota_col >= 0 ? out->x[m->quota_col] : 0;
	out->lp_bound = out->objective;
	out->mip_gap = 0;
	out->integral = 1;
	cm__log(ctx, CM_LOG_DEBUG, "%s: network simplex, %d nodes, %zu columns, %d pricing rounds, "
	        "%ld pivots", cm_level_name(m->level), nnodes, ncols, rounds, cm__nf_pivots(nf));
done:
	if (rc == CM_ENOMEM)
		cm__error(ctx, CM_ENOMEM, "out of memory in the network solver");
	if (rc)
		cm__solution_free(out);
	cm__nf_free(nf);
	free(dem);
	free(school_node);
	free(to_sink);
	free(to_nq);
	free(left);
	free(seats);
	free(purchased);
	free(is_private);
	free(initial);
	free(arc);
	return rc;
}
