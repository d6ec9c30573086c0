/*
 * search_bound.c: the bound that sees whole compounds (search_int.h).
 *
 * A relaxation may fill a full school to the last seat with part of a
 * compound; a plan cannot.  On the root's duals each public school whose
 * seats have a price is a knapsack (knap.h) of the compounds that may go
 * there; what the knapsacks cost above the relaxation's own filling of the
 * seats raises the root's bound, for every plan that beats the incumbent.
 * docs/model.md, "A bound that sees whole compounds", has the argument and
 * what it gains.  Computed once per better plan, never in a neighbourhood.
 */
#include "search_int.h"
#include "knap.h"

#include <stdlib.h>

/* Reads the last solution into v: the reduced cost of every flow and
 * no-place column, the price of every school's seats, its value `base`. */
static int knap_read(search *S, kview *v, const unsigned char *ok, const cm_lex *base)
{
	const cm_col *cols = S->m->cols.data;
	size_t j, n = S->m->cols.len, i;
	cm_lex rc;
	if (!v->kd) {
		v->kd = malloc((n + 1) * sizeof *v->kd);
		v->kup = malloc(n + 1);
		v->price = malloc((S->m->n_schools + 1) * sizeof *v->price);
		if (!v->kd || !v->kup || !v->price)
			return CM_ENOMEM;
	}
	for (j = 0; j < n; j++) {
		v->kd[j] = 0;
		v->kup[j] = 0;
		if (cols[j].kind != CM_COL_FLOW && cols[j].kind != CM_COL_UNPLACED)
			continue;
		S->r->reduced(S->r->self, j, &rc);
		v->kd[j] = rc.metres;
		v->kup[j] = rc.unplaced > 0.5 || (rc.unplaced > -0.5 && rc.shortfall > 0.5);
	}
	for (i = 0; i < S->m->n_schools; i++)
		S->r->seat_price(S->r->self, i, &v->price[i]);
	v->ok = ok;
	v->base = *base;
	S->work += (long long)n * 2;
	return 0;
}

void cm__sr_kview_free(kview *v)
{
	free(v->kd);
	free(v->kup);
	free(v->price);
}

/* Can the bound that sees whole compounds be used here at all? */
static int knap_usable(const search *S)
{
	return S->r->seat_price && S->r->reduced && S->nblk && !S->opts->inner;
}

/* The root's solution, kept for knap_bound. */
int cm__sr_knap_prepare(search *S)
{
	S->kbound.unplaced = S->kbound.shortfall = S->kbound.metres = -HUGE_VAL;
	return knap_usable(S) ? knap_read(S, &S->kroot, S->root_ok, &S->root) : 0;
}

/* The least reduced pupil-metres of each group's other ways (no place,
 * private places) for compound c, per pupil: alt[g] (HUGE_VAL when none is
 * open to a plan that beats the incumbent: every way costs a place or a
 * migrant, or one pupil's costs more than the incumbent leaves, `room`). */
static void knap_other(const search *S, const kview *v, int c, double room, double *alt)
{
	const cm_col *cols = S->m->cols.data;
	size_t j;
	int g;
	for (g = 0; g < CM_NGROUPS; g++)
		alt[g] = HUGE_VAL;
	for (j = S->comp[c].cstart; j < S->comp[c].cend; j++) {
		const cm_col *col = &cols[j];
		if ((col->kind == CM_COL_FLOW && col->seat == CM_SEAT_PUBLIC) || col->ub <= 0 ||
		    (col->kind != CM_COL_FLOW && col->kind != CM_COL_UNPLACED))
			continue;
		if (!v->kup[j] && v->kd[j] < room && v->kd[j] < alt[col->group])
			alt[col->group] = v->kd[j];
	}
}

/* Compound c of block k as an item of its school's knapsack, the seat's
 * pupil-metres price p taken off each pupil there.  A group with no other
 * way open comes whole; a group with one comes in any number, each of its
 * pupils not there paying at least alt[g] elsewhere, at its own rate (the
 * item's second rate for the second such group: one rate for both would
 * let one group's pupils come at the other's and sink the school's sum
 * below what any plan pays).  Returns 0 when the compound cannot go there
 * (a whole group's columns are closed), or its counts are not whole. */
static int knap_item(const search *S, const kview *v, int k, const double *alt, double p,
                     cm__kitem *it)
{
	const cm_col *cols = S->m->cols.data;
	const scomp *sc = &S->comp[S->blk[k].comp];
	double pupils[CM_NGROUPS] = {0, 0};
	size_t j;
	int g;
	it->weight = it->cost = it->more = it->rate = it->more2 = it->rate2 = 0;
	for (j = sc->cstart; j < sc->cend; j++)
		if (cols[j].kind == CM_COL_UNPLACED)
			pupils[cols[j].group] = cols[j].ub;
	for (g = 0; g < CM_NGROUPS; g++) {
		double left = pupils[g], least = HUGE_VAL;
		if (left <= 0)
			continue;
		if (fabs(left - floor(left + 0.5)) > 1e-9)
			return 0;
		if (alt[g] == HUGE_VAL) {
			/* whole: its columns here, the cheapest first (one, or two
			 * where the stability term split the pair) */
			size_t use[4], t;
			int nu = 0, a, b;
			for (j = S->blk[k].start; j < S->blk[k].end && nu < 4; j++)
				if (cols[j].kind == CM_COL_FLOW && cols[j].group == g && !v->kup[j])
					use[nu++] = j;
			for (a = 1; a < nu; a++)
				for (b = a; b > 0 && v->kd[use[b]] < v->kd[use[b - 1]]; b--) {
					t = use[b];
					use[b] = use[b - 1];
					use[b - 1] = t;
				}
			for (a = 0; a < nu && left > 1e-9; a++) {
				double take = cols[use[a]].capped ? fmin(cols[use[a]].ub, left) : left;
				it->cost += take * (v->kd[use[a]] - p);
				left -= take;
			}
			if (left > 1e-9)
				return 0;
			it->weight += pupils[g];
			continue;
		}
		/* any number of them: the cheapest column's rate for all */
		for (j = S->blk[k].start; j < S->blk[k].end; j++)
			if (cols[j].kind == CM_COL_FLOW && cols[j].group == g && !v->kup[j] &&
			    v->kd[j] < least)
				least = v->kd[j];
		it->cost += alt[g] * left;
		if (least < HUGE_VAL) {
			if (it->more > 0) {
				it->more2 = left;
				it->rate2 = least - p - alt[g];
			} else {
				it->more = left;
				it->rate = least - p - alt[g];
			}
		}
	}
	return it->weight > 0 || it->more > 0;
}

#define KNAP_MAX_CELLS 5e7 /* items x seats of one school's table, at most */


/* What whole compounds add to solution v's value, into *sum (HUGE_VAL: no
 * plan that beats the incumbent is left).  On v's duals, each school whose
 * seats have a price is a knapsack (knap.h) of the compounds that may go
 * there, each whole unless another way is still open to it; what the
 * knapsacks cost above the relaxation's own filling of the seats adds to
 * v's value (docs/model.md).  It bounds the plans that beat the incumbent,
 * so it holds only where the places and the quota are settled (the
 * incumbent's within a pupil of v's): the columns and seats that would cost
 * a place or a migrant then stay unused and full.  Returns 0 with *sum = 0
 * where it does not hold, or CM_ENOMEM. */
static int knap_sum(search *S, const kview *v, double *sum)
{
	const cm_row *rows = S->m->rows.data;
	size_t ns = S->m->n_schools, i, nitems, most = 0;
	const int *first, *order;
	int k, e, rc = 0;
	double *alt = NULL, room;
	cm__kitem *items = NULL;
	*sum = 0;
	if (S->inc.unplaced - v->base.unplaced > 1 - 1e-6 ||
	    S->inc.shortfall - v->base.shortfall > 1 - 1e-6)
		return 0;
	room = S->inc.metres - metres_tol(S, &S->inc) - v->base.metres;
	if ((rc = cm__sr_blocks_by_school(S)))
		return rc;
	first = S->sfirst;
	order = S->sblk;
	if (!(alt = malloc(((size_t)S->ncomp + 1) * CM_NGROUPS * sizeof *alt)))
		goto nomem;
	for (k = 0; k < S->ncomp; k++)
		knap_other(S, v, k, room, &alt[(size_t)k * CM_NGROUPS]);
	for (i = 0; i < ns; i++)
		if ((size_t)(first[i + 1] - first[i]) > most)
			most = (size_t)(first[i + 1] - first[i]);
	if (!(items = malloc((most + 1) * sizeof *items)))
		goto nomem;
	S->work += (long long)S->m->cols.len;

	for (i = 0; i < ns && *sum < HUGE_VAL; i++) {
		const cm_lex *p = &v->price[i];
		/* seats whose price is in places or migrants are all taken in
		 * any plan as good in those as v */
		int exact = p->unplaced > 0.5 || (p->unplaced > -0.5 && p->shortfall > 0.5);
		double cap, x;
		if (S->m->seat_row[i] < 0 || first[i] == first[i + 1] || (!exact && p->metres <= 0))
			continue; /* no seat row, no compound may go there, or nothing to gain */
		cap = rows[S->m->seat_row[i]].rhs;
		if (cap < 0 || cap > 1e6 || fabs(cap - floor(cap + 0.5)) > 1e-9)
			continue; /* (the knapsack would add nothing: the bound stands) */
		nitems = 0;
		for (e = first[i]; e < first[i + 1]; e++)
			if (v->ok[order[e]] &&
			    knap_item(S, v, order[e], &alt[(size_t)S->blk[order[e]].comp * CM_NGROUPS],
			              p->metres, &items[nitems]))
				nitems++;
		/* a table too large to fill in the time of a few relaxations adds
		 * nothing: the bound stands without it (KNAP_MAX_CELLS) */
		if ((double)nitems * (cap + 1) > KNAP_MAX_CELLS)
			continue;
		if ((rc = cm__knap_min(items, nitems, lround(cap), exact, &x, &S->work)))
			goto done;
		if (x == HUGE_VAL) /* the school cannot be filled as it must */
			*sum = HUGE_VAL;
		else if (x + p->metres * cap > 0)
			*sum += x + p->metres * cap;
	}
	goto done;
nomem:
	rc = CM_ENOMEM;
done:
	free(alt);
	free(items);
	return rc;
}

/* v's value raised by what whole compounds add (knap_sum): at most the
 * incumbent, and where the search stops within a gap, at most the
 * incumbent less that gap (what the sum proves holds for plans better
 * than that: knap_other's room, the root's fixing). */
static cm_lex knap_raise(const search *S, const kview *v, double sum)
{
	cm_lex b = v->base;
	b.metres += sum - 1e-9 * fabs(b.metres);
	if (S->opts->gap > 1e-9 && b.metres > S->inc.metres - metres_tol(S, &S->inc))
		b.metres = S->inc.metres - metres_tol(S, &S->inc);
	if (cm__lex_cmp(&b, &S->inc, 0) > 0)
		b = S->inc;
	return b;
}

/* The bound that sees whole compounds from the root's solution, against
 * the incumbent: S->kbound.  Once per incumbent; not in a neighbourhood's
 * search, whose restrictions hold for it alone. */
int cm__sr_knap_bound(search *S)
{
	double sum;
	cm_lex b;
	int rc;
	if (!S->kroot.kd || !S->have || S->sub || S->kver == S->xver)
		return 0;
	S->kver = S->xver;
	if ((rc = knap_sum(S, &S->kroot, &sum)))
		return rc;
	b = knap_raise(S, &S->kroot, sum);
	if (cm__lex_cmp(&b, &S->kbound, 0) > 0)
		S->kbound = b;
	cm__log(S->ctx, CM_LOG_DEBUG, "%s: whole compounds at full schools raise the bound by "
	        "%.0f pupil-m to %.0f (plan %.0f)", S->opts->label, sum, b.metres, S->inc.metres);
	return 0;
}

