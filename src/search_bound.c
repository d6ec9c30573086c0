/*
 * search_bound.c: the bound that sees whole compounds (search_int.h).
 *
 * A relaxation may fill a full school to the last seat with part of a
 * compound; a plan cannot.  On the root's duals each public school whose
 * seats have a price is a knapsack (knap.h) of the compounds that may go
 * there; what the knapsacks cost above the relaxation's own filling of the
 * seats raises the root's bound, for every plan that beats the incumbent.
 * docs/model.md, "A bound that sees whole compounds", has the argument and
 * what it gains.  The Lagrangian steps (lagr_sum) then price the rule the
 * knapsacks drop, one school per compound, and raise the sum further; their
 * best choices guide a neighbourhood (search_lns.c cm__sr_lagr_round).
 * Computed once per better plan, never in a neighbourhood.
 */
#include "search_int.h"
#include "knap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Does value x cost places or migrants (a reduced cost, or a seat's
 * price, above pupil-metres)? */
static int above_metres(const cm_lex *x)
{
	return x->unplaced > 0.5 || (x->unplaced > -0.5 && x->shortfall > 0.5);
}

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
		v->kup[j] = above_metres(&rc);
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

/* Can the bound that sees whole compounds be used here at all?  Not
 * where the near-school minimum is priced in the policy tier (near_den):
 * the knapsacks read that tier as whole pupils (a reduced cost below half
 * a pupil of it is pupil-metres, a plan within one pupil of the root's
 * tier is at it) and all of it as the quota's shortfall, which the row's
 * fractions and its part of the tier break. */
static int knap_usable(const search *S)
{
	return S->r->seat_price && S->r->reduced && S->nblk && !S->opts->inner &&
	       S->m->near_den <= 0;
}

/* The root's solution, kept for knap_bound. */
int cm__sr_knap_prepare(search *S)
{
	S->kbound.unplaced = S->kbound.shortfall = S->kbound.metres = -HUGE_VAL;
	return knap_usable(S) ? knap_read(S, &S->kroot, S->root_ok, &S->root) : 0;
}

/* Does column `col`, a migrant's other way, count against the quota (a
 * fee-paying place, or none)? */
static int against_quota(const cm_col *col)
{
	return col->group == CM_MIGRANT && (col->kind == CM_COL_UNPLACED || col->seat == CM_SEAT_FEE);
}

/* The least reduced pupil-metres of each group's other ways (no place,
 * private places) for compound c, per pupil: alt[g] (HUGE_VAL when none is
 * open to a plan that beats the incumbent: every way costs a place or a
 * migrant, or one pupil's costs more than the incumbent leaves, `room`).
 * With `lam` (the Lagrangian's prices, by school and one more; NULL:
 * none), a private school's seat costs lam[school] more, and a way that
 * counts against the quota lam[n_schools] more; via[g] is the school of the
 * least way (-1: no place, or none open), vq[g] 1 where it counts against
 * the quota. */
static void knap_other(const search *S, const kview *v, int c, double room, const double *lam,
                       double *alt, int *via, unsigned char *vq)
{
	const cm_col *cols = S->m->cols.data;
	size_t j;
	int g;
	for (g = 0; g < CM_NGROUPS; g++) {
		alt[g] = HUGE_VAL;
		if (via)
			via[g] = -1;
		if (vq)
			vq[g] = 0;
	}
	for (j = S->comp[c].cstart; j < S->comp[c].cend; j++) {
		const cm_col *col = &cols[j];
		double d;
		if ((col->kind == CM_COL_FLOW && col->seat == CM_SEAT_PUBLIC) || col->ub <= 0 ||
		    (col->kind != CM_COL_FLOW && col->kind != CM_COL_UNPLACED) || v->kup[j] ||
		    v->kd[j] >= room)
			continue;
		d = v->kd[j];
		if (lam && col->kind == CM_COL_FLOW)
			d += lam[col->school];
		if (lam && against_quota(col))
			d += lam[S->m->n_schools];
		if (d < alt[col->group]) {
			alt[col->group] = d;
			if (via)
				via[col->group] = col->kind == CM_COL_FLOW ? col->school : -1;
			if (vq)
				vq[col->group] = (unsigned char)against_quota(col);
		}
	}
}

/* Compound c of block k as an item of its school's knapsack, the seat's
 * pupil-metres price p taken off each pupil there.  A group with no other
 * way open comes whole; a group with one comes in any number, each of its
 * pupils not there paying at least alt[g] elsewhere, at its own rate (the
 * item's second rate for the second such group: one rate for both would
 * let one group's pupils come at the other's and sink the school's sum
 * below what any plan pays).  Returns 0 when the compound cannot go there
 * (a whole group's columns are closed), or its counts are not whole.  With
 * `mg`, mg[0] and mg[1] are the groups of `more` and `more2` (-1: none). */
static int knap_item(const search *S, const kview *v, int k, const double *alt, double p,
                     cm__kitem *it, int *mg)
{
	const cm_col *cols = S->m->cols.data;
	const scomp *sc = &S->comp[S->blk[k].comp];
	double pupils[CM_NGROUPS] = {0, 0};
	size_t j;
	int g;
	it->weight = it->cost = it->more = it->rate = it->more2 = it->rate2 = 0;
	if (mg)
		mg[0] = mg[1] = -1;
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
		/* any number of them: the cheapest column's rate for all; or,
		 * where that column is the pupils who stay (the stability
		 * term's first piece, capped) and the item's second rate is
		 * free, its rate for as many as stay and the next column's for
		 * the others */
		size_t cheap = SIZE_MAX, next = SIZE_MAX;
		for (j = S->blk[k].start; j < S->blk[k].end; j++)
			if (cols[j].kind == CM_COL_FLOW && cols[j].group == g && !v->kup[j]) {
				if (v->kd[j] < least) {
					next = cheap;
					cheap = j;
					least = v->kd[j];
				} else if (next == SIZE_MAX || v->kd[j] < v->kd[next])
					next = j;
			}
		it->cost += alt[g] * left;
		if (least < HUGE_VAL && it->more == 0 && next != SIZE_MAX && cols[cheap].capped &&
		    cols[cheap].ub < left) {
			it->more = cols[cheap].ub;
			it->rate = least - p - alt[g];
			it->more2 = left - cols[cheap].ub;
			it->rate2 = v->kd[next] - p - alt[g];
			if (mg)
				mg[0] = mg[1] = g;
		} else if (least < HUGE_VAL) {
			int second = it->more > 0;
			if (second && it->more2 > 0) {
				/* an earlier group took both rates: its pupils all at its
				 * cheaper one (a relaxation), the second rate this
				 * group's (found by a review: this group's numbers
				 * overwrote the earlier's second rate, which kept those
				 * pupils from the school) */
				it->more += it->more2;
				if (mg)
					mg[1] = -1;
			}
			if (second) {
				it->more2 = left;
				it->rate2 = least - p - alt[g];
			} else {
				it->more = left;
				it->rate = least - p - alt[g];
			}
			if (mg)
				mg[second] = g;
		}
	}
	return it->weight > 0 || it->more > 0;
}

/* What the sums below prove things against: the pupil-metres above v's
 * value that a plan may take and still beat the incumbent by the gap asked
 * for.  A choice that costs that much alone is in no such plan (it is left
 * out of the sums, which makes them stronger), and a sum that reaches it
 * proves there is no such plan.  Twice knap_raise's rounding slop above
 * the incumbent less the gap, so that the bound proved by a sum that
 * reaches it, the slop taken off, is still the incumbent less the gap:
 * aimed at that itself, the sums converged on it from below and the bound
 * stopped the slop short (the bench's 1,000 city, primary: a certified
 * gap of 0.1000001% with mip_gap 0.1%; 2026-12-04). */
#define KNAP_SLOP 1e-9 /* relative: what rounding may cost a sum of many tables */

static double knap_room(const search *S, const kview *v)
{
	return S->inc.metres - metres_tol(S, &S->inc) - v->base.metres +
	       2 * KNAP_SLOP * fabs(v->base.metres);
}

/* Where the bounds that see whole compounds hold (the incumbent's places
 * and quota within a pupil of v's: the columns and seats that would cost a
 * place or a migrant then stay unused and full), the compounds' other ways
 * (knap_other) against the pupil-metres the incumbent leaves: a new array
 * by compound and group, or NULL with *rc 0 where they do not hold. */
static double *others_where_held(search *S, const kview *v, int *rc)
{
	double room, *alt;
	int k;
	*rc = 0;
	if (S->inc.unplaced - v->base.unplaced > 1 - 1e-6 ||
	    S->inc.shortfall - v->base.shortfall > 1 - 1e-6)
		return NULL;
	if ((*rc = cm__sr_blocks_by_school(S)))
		return NULL;
	room = knap_room(S, v);
	if (!(alt = malloc(((size_t)S->ncomp + 1) * CM_NGROUPS * sizeof *alt))) {
		*rc = CM_ENOMEM;
		return NULL;
	}
	for (k = 0; k < S->ncomp; k++)
		knap_other(S, v, k, room, NULL, &alt[(size_t)k * CM_NGROUPS], NULL, NULL);
	return alt;
}

/* School i's items (knap_item) from its blocks open in v, at a seat
 * price pm, into items[] (and, where given, each one's compound, block and
 * further seats' groups, two each); returns how many. */
static size_t school_items(const search *S, const kview *v, size_t i, const double *alt,
                           double pm, cm__kitem *items, int *comp, int *blks, int *mg)
{
	size_t n = 0;
	for (int e = S->sfirst[i]; e < S->sfirst[i + 1]; e++) {
		int k = S->sblk[e], c = S->blk[k].comp;
		if (v->ok[k] && knap_item(S, v, k, &alt[(size_t)c * CM_NGROUPS], pm, &items[n],
		                          mg ? &mg[2 * n] : NULL)) {
			if (comp) {
				comp[n] = c;
				blks[n] = k;
			}
			n++;
		}
	}
	return n;
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
	const int *first;
	int rc = 0;
	double *alt;
	cm__kitem *items = NULL;
	*sum = 0;
	if (!(alt = others_where_held(S, v, &rc)))
		return rc;
	first = S->sfirst;
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
		int exact = above_metres(p);
		double cap, x;
		if (S->m->seat_row[i] < 0 || first[i] == first[i + 1] || (!exact && p->metres <= 0))
			continue; /* no seat row, no compound may go there, or nothing to gain */
		cap = rows[S->m->seat_row[i]].rhs;
		if (cap < 0 || cap > 1e6 || fabs(cap - floor(cap + 0.5)) > 1e-9)
			continue; /* (the knapsack would add nothing: the bound stands) */
		nitems = school_items(S, v, i, alt, p->metres, items, NULL, NULL, NULL);
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

/* One of an item's further seats in school_away: its rate, how many, and
 * where (2 x item + which). */
typedef struct kslot {
	double rate, more;
	int t;
} kslot;

/* The Lagrangian bound (docs/model.md, "A bound that sees whole
 * compounds"): knap_sum's knapsacks, one per public school, with the rule
 * that a compound goes to one school at most relaxed with a price mu[c] per
 * compound.  For every mu,
 *
 *   L(mu) = sum_c mu[c] + sum_s (price_s x seats_s + least of its knapsack,
 *           each compound's item at cost - mu[c]) + sum_c min(0, none_c - mu[c])
 *
 * is at most what any plan that beats the incumbent pays above v (none_c:
 * the compound at no public school, its groups all at their other ways;
 * the term is 0 where some group has none).  At mu = 0 it is knap_sum's
 * sum; subgradient steps on mu (a compound taken by no school, or by two,
 * moves its price) raise it towards the bound of the relaxation with every
 * school's knapsack hull, the strongest capacity cuts one school gives.
 * Schools without a seat row take every item that pays; a school whose
 * table is too large makes the whole bound give up (0).
 *
 * The knapsacks send the migrants a school does not take to their other
 * ways, each at its own reduced cost: as many to one private school as
 * there are, and all out of the quota.  A plan cannot: so the private
 * schools' seats and the quota (migrants away from public and purchased
 * places, at most L->quota) are priced too, lam[p] >= 0 per seat and
 * lam[n_schools] per migrant away, each way's cost raised by its prices,
 * and
 *
 *   L(mu, lam) = L(mu) at those costs - sum_p lam[p] x seats_p
 *                - lam[n_schools] x L->quota
 *
 * is below every such plan as well (its migrants away pay lam at most what
 * the seats and the quota allow).  The steps move lam by how far the
 * knapsacks' choices overfill those seats and that quota (school_away). */
typedef struct lagr {
	int ns;
	int *first;          /* by school: its items [first[s], first[s + 1]) */
	cm__kitem *item;     /* the items at mu = 0 */
	int *comp;           /* by item: its compound */
	int *blk;            /* by item: its block */
	int *mg;             /* by item: the groups of its further seats (knap_item's mg) */
	long *cap;           /* by school: seats, -1: no seat row (takes what pays) */
	unsigned char *exact;  /* by school: its seats priced in places (all filled) */
	double *fixed;       /* by school: price x seats */
	double *none;        /* by compound: none_c, HUGE_VAL: not open */
	double *alt;         /* by compound and group: its other ways' least (knap_other) */
	int *via;            /* by compound and group: that way's private school, -1: none */
	unsigned char *vq;   /* by compound and group: that way counts against the quota */
	double quota;        /* migrants away from public and purchased places, at most, in
	                        a plan as good as the incumbent (-1: no quota row) */
	double *pupils;      /* by compound and group: its pupils */
	double *pm;          /* by school: its seat's pupil-metres price in the items */
	double *use;         /* by school: private seats the last L(mu) took (via); [ns]:
	                        migrants it sent against the quota (vq) */
	double *over;        /* by school and [ns]: use beyond the seats or the quota, in
	                        compounds (a step's subgradient, priced_over / size) */
	int priced;          /* some compound's least other way takes a private school's
	                        seats or counts against the quota: those rows are priced */
	double room;         /* knap_other's room */
	double size;         /* pupils per compound, on average (the prices' scale) */
	cm__kitem *tmp;      /* scratch: one school's items at today's mu */
	unsigned char *taken; /* scratch: which of them its table takes */
	int *idx;            /* scratch: by one of them, its item */
	double *sx;          /* by school: its part of a node's value where the node closes
	                        only items ruled out at the root (NAN: not yet known; the
	                        tree's nodes) */
	unsigned char *sxin; /* by item: in the choice that reaches sx */
	double *lx;          /* by school: its part at the dive's last node that solved it */
	int *lown;           /* by school: its items that node closed (not at the root) */
	long *lgen;          /* by school: that dive (S->dive_gen), -1: none */
	kslot *slot;         /* scratch: their further seats (school_away) */
	double *at;          /* scratch: how many of those it takes, by item and which */
	double *bmu, *blam;  /* the prices of the best value yet (the tree's nodes use them) */
	int *count;          /* by compound: schools that took it */
	int *pick;           /* by compound: the block that took it (count 1) */
	double *kconst;      /* by school: its last choice's cost with its items' mu
	                        added back (less today's mu: its cost today; HUGE_VAL:
	                        none yet) */
	unsigned char *was;  /* by item: in its school's last choice */
	double cells;        /* the tables' cells, all schools (a step's work at most) */
} lagr;

#define LAGR_MAX_CELLS 4e6 /* items x seats of one school's table, at most */
#define LAGR_STEPS 500     /* subgradient steps at most */

static void lagr_free(lagr *L)
{
	free(L->first);
	free(L->item);
	free(L->comp);
	free(L->blk);
	free(L->mg);
	free(L->pick);
	free(L->kconst);
	free(L->was);
	free(L->cap);
	free(L->exact);
	free(L->fixed);
	free(L->none);
	free(L->alt);
	free(L->via);
	free(L->vq);
	free(L->pupils);
	free(L->pm);
	free(L->use);
	free(L->over);
	free(L->tmp);
	free(L->taken);
	free(L->idx);
	free(L->sx);
	free(L->sxin);
	free(L->lx);
	free(L->lown);
	free(L->lgen);
	free(L->slot);
	free(L->at);
	free(L->bmu);
	free(L->blam);
	free(L->count);
}

/* Compound k's none_c from its groups' other ways (HUGE_VAL where a group
 * has none). */
static double lagr_none(const lagr *L, int k)
{
	double none = 0;
	int g;
	for (g = 0; g < CM_NGROUPS; g++) {
		double n = L->pupils[(size_t)k * CM_NGROUPS + g], a = L->alt[(size_t)k * CM_NGROUPS + g];
		if (n > 0)
			none = a == HUGE_VAL || none == HUGE_VAL ? HUGE_VAL : none + a * n;
	}
	return none;
}

/* The items and none_c again at the private seats' prices `lam`: each
 * compound's other ways (knap_other), each item's costs (knap_item).  The
 * items stay the same ones: whether a way is open does not hang on its
 * price. */
static void lagr_reprice(search *S, const kview *v, lagr *L, const double *lam)
{
	int k, t;
	for (k = 0; k < S->ncomp; k++) {
		knap_other(S, v, k, L->room, lam, &L->alt[(size_t)k * CM_NGROUPS],
		           &L->via[(size_t)k * CM_NGROUPS], &L->vq[(size_t)k * CM_NGROUPS]);
		L->none[k] = lagr_none(L, k);
	}
	for (t = 0; t < L->first[L->ns]; t++) {
		int c = L->comp[t];
		knap_item(S, v, L->blk[t], &L->alt[(size_t)c * CM_NGROUPS], L->pm[S->blk[L->blk[t]].school],
		          &L->item[t], &L->mg[2 * t]);
	}
	S->work += (long long)S->m->cols.len + L->first[L->ns];
}

/* Builds the knapsacks of v against the incumbent.  Returns 0 with
 * L->first NULL where the bound does not hold or cannot be had. */
static int lagr_build(search *S, const kview *v, lagr *L)
{
	const cm_row *rows = S->m->rows.data;
	const cm_col *cols = S->m->cols.data;
	size_t ns = S->m->n_schools, i, n = 0, most = 0;
	int k, g, rc;
	memset(L, 0, sizeof *L);
	if (!(L->alt = others_where_held(S, v, &rc)))
		return rc;
	L->room = knap_room(S, v);
	L->ns = (int)ns;
	L->first = malloc((ns + 1) * sizeof *L->first);
	L->item = malloc(((size_t)S->nblk + 1) * sizeof *L->item);
	L->comp = malloc(((size_t)S->nblk + 1) * sizeof *L->comp);
	L->blk = malloc(((size_t)S->nblk + 1) * sizeof *L->blk);
	L->mg = malloc(((size_t)S->nblk + 1) * 2 * sizeof *L->mg);
	L->pick = malloc(((size_t)S->ncomp + 1) * sizeof *L->pick);
	L->kconst = malloc((ns + 1) * sizeof *L->kconst);
	L->was = calloc((size_t)S->nblk + 1, 1);
	L->cap = malloc((ns + 1) * sizeof *L->cap);
	L->exact = malloc(ns + 1);
	L->fixed = malloc((ns + 1) * sizeof *L->fixed);
	L->pm = calloc(ns + 1, sizeof *L->pm);
	L->use = calloc(ns + 1, sizeof *L->use);
	L->over = calloc(ns + 1, sizeof *L->over);
	L->none = malloc(((size_t)S->ncomp + 1) * sizeof *L->none);
	L->via = malloc(((size_t)S->ncomp + 1) * CM_NGROUPS * sizeof *L->via);
	L->vq = malloc(((size_t)S->ncomp + 1) * CM_NGROUPS);
	L->pupils = calloc(((size_t)S->ncomp + 1) * CM_NGROUPS, sizeof *L->pupils);
	L->count = malloc(((size_t)S->ncomp + 1) * sizeof *L->count);
	L->bmu = calloc((size_t)S->ncomp + 1, sizeof *L->bmu);
	L->blam = calloc(ns + 1, sizeof *L->blam);
	rc = CM_ENOMEM;
	if (!L->first || !L->item || !L->comp || !L->blk || !L->mg || !L->pick || !L->kconst ||
	    !L->was || !L->cap || !L->exact || !L->fixed || !L->pm || !L->use || !L->over ||
	    !L->none ||
	    !L->via || !L->vq || !L->pupils || !L->count || !L->bmu || !L->blam)
		goto fail;
	rc = 0; /* from here a failure gives the bound up */
	/* a plan as good as the incumbent has its shortfall at most, and the
	 * quota's shortfall is part of it */
	L->quota = S->m->quota_row >= 0 ? S->m->migrants - S->m->quota_target + S->inc.shortfall : -1;
	L->size = 1;
	for (k = 0; k < S->ncomp; k++) {
		for (size_t j = S->comp[k].cstart; j < S->comp[k].cend; j++)
			if (cols[j].kind == CM_COL_UNPLACED) {
				double pupils = cols[j].ub;
				if (fabs(pupils - floor(pupils + 0.5)) > 1e-9)
					goto fail; /* counts not whole: no knapsack */
				L->pupils[(size_t)k * CM_NGROUPS + cols[j].group] = pupils;
				L->size += pupils / S->ncomp;
			}
		/* (the ways' schools: is any a private school's seats?) */
		knap_other(S, v, k, L->room, S->llam, &L->alt[(size_t)k * CM_NGROUPS],
		           &L->via[(size_t)k * CM_NGROUPS], &L->vq[(size_t)k * CM_NGROUPS]);
		for (g = 0; g < CM_NGROUPS; g++) {
			size_t kg = (size_t)k * CM_NGROUPS + g;
			int p = L->via[kg];
			if (L->pupils[kg] > 0 && ((p >= 0 && S->m->seat_row[p] >= 0) || (L->vq[kg] && L->quota >= 0)))
				L->priced = 1;
		}
		L->none[k] = lagr_none(L, k);
	}
	/* (prices kept from earlier steps count in the value however the ways
	 * fall now) */
	for (i = 0; i <= ns && S->llam; i++)
		if (S->llam[i] > 0)
			L->priced = 1;
	for (i = 0; i < ns; i++) {
		const cm_lex *p = &v->price[i];
		double cap = S->m->seat_row[i] >= 0 ? rows[S->m->seat_row[i]].rhs : -1;
		L->pm[i] = S->m->seat_row[i] >= 0 ? p->metres : 0;
		L->first[i] = (int)n;
		L->kconst[i] = HUGE_VAL;
		L->cap[i] = -1;
		L->fixed[i] = 0;
		L->exact[i] = 0;
		if (S->sfirst[i] == S->sfirst[i + 1])
			continue; /* no compound's block: a private school (its seats are
			             the compounds' other ways), or none in reach */
		L->exact[i] = S->m->seat_row[i] >= 0 && above_metres(p);
		if (cap > 1e6 || (cap >= 0 && fabs(cap - floor(cap + 0.5)) > 1e-9))
			goto fail;
		L->cap[i] = cap < 0 ? -1 : lround(cap);
		L->fixed[i] = cap < 0 ? 0 : L->pm[i] * cap;
		n += school_items(S, v, i, L->alt, L->pm[i], &L->item[n], &L->comp[n], &L->blk[n],
		                  &L->mg[2 * n]);
		if (L->cap[i] >= 0) {
			double cells = (double)(n - (size_t)L->first[i]) * (double)(L->cap[i] + 1);
			if (cells > LAGR_MAX_CELLS)
				goto fail;
			L->cells += cells;
		}
		if (n - (size_t)L->first[i] > most)
			most = n - (size_t)L->first[i];
	}
	L->first[ns] = (int)n;
	L->tmp = malloc((most + 1) * sizeof *L->tmp);
	L->taken = malloc(most + 1);
	L->idx = malloc((most + 1) * sizeof *L->idx);
	L->slot = malloc((2 * most + 2) * sizeof *L->slot);
	L->at = malloc((2 * most + 2) * sizeof *L->at);
	if (L->tmp && L->taken && L->idx && L->slot && L->at)
		return 0;
	rc = CM_ENOMEM;
fail:
	lagr_free(L);
	memset(L, 0, sizeof *L);
	return rc;
}

/* Compound c's pupils who go their other ways into L->use (by private
 * school, and [ns] those away from the quota): all of them (mg NULL: the
 * compound at no public school), or those of each group not among the
 * further seats at[0] and at[1] an item took (groups mg[0] and mg[1]). */
static void away(lagr *L, int c, const int *mg, const double *at)
{
	for (int g = 0; g < CM_NGROUPS; g++) {
		size_t kg = (size_t)c * CM_NGROUPS + g;
		double n = L->pupils[kg];
		if (n <= 0 || L->alt[kg] == HUGE_VAL)
			continue;
		if (mg && mg[0] == g)
			n -= at[0];
		if (mg && mg[1] == g)
			n -= at[1];
		if (L->via[kg] >= 0)
			L->use[L->via[kg]] += n;
		if (L->vq[kg])
			L->use[L->ns] += n;
	}
}

/* The seats of school p (p = n_schools: L->quota) the prices S->llam are
 * on, -1 where none is. */
static double lagr_cap(const search *S, const lagr *L, int p)
{
	const cm_row *rows = S->m->rows.data;
	if (p == L->ns)
		return L->quota;
	return S->m->seat_row[p] >= 0 ? rows[S->m->seat_row[p]].rhs : -1;
}

/* Item t taken: its compound's count and block. */
static void took(lagr *L, int t)
{
	L->count[L->comp[t]]++;
	L->pick[L->comp[t]] = L->blk[t];
}

static int by_rate(const void *x, const void *y)
{
	const kslot *a = x, *b = y;
	return a->rate < b->rate ? -1 : a->rate > b->rate ? 1 : a->t - b->t;
}

/* The pupils of school i's chosen items (L->taken, its items from a) who
 * go their other ways, into L->use (away): the seats the whole groups
 * leave (cap; -1: as many as pay) go to the further seats at the lowest
 * rates, those that pay (all of them where the school is filled,
 * `exact`). */
static void school_away(lagr *L, int a, int n, long cap, int exact)
{
	double left = (double)cap;
	int t, ns = 0, e;
	for (t = 0; t < n; t++) {
		const cm__kitem *it = &L->item[a + t];
		L->at[2 * t] = L->at[2 * t + 1] = 0;
		if (!L->taken[t])
			continue;
		left -= it->weight;
		if (it->more > 0)
			L->slot[ns++] = (kslot){it->rate, it->more, 2 * t};
		if (it->more2 > 0)
			L->slot[ns++] = (kslot){it->rate2, it->more2, 2 * t + 1};
	}
	qsort(L->slot, (size_t)ns, sizeof *L->slot, by_rate);
	for (e = 0; e < ns && (cap < 0 || left > 0); e++) {
		double take = L->slot[e].more;
		if (L->slot[e].rate >= 0 && !exact)
			break;
		if (cap >= 0 && take > left)
			take = left;
		L->at[L->slot[e].t] = take;
		left -= take;
	}
	for (t = 0; t < n; t++)
		if (L->taken[t])
			away(L, L->comp[a + t], &L->mg[2 * (a + t)], &L->at[2 * t]);
}

/* School i's part of a node's value, `part`, and the choice (L->taken, of
 * its m open items L->idx; a its first item, n its items) that reaches it,
 * kept for the nodes after (lagr_eval). */
static void known_choice(lagr *L, int i, int a, int n, int m, double part)
{
	L->sx[i] = part;
	memset(&L->sxin[a], 0, (size_t)n);
	for (int t = 0; t < m; t++)
		L->sxin[L->idx[t]] = L->taken[t];
}

/* School i's part of the node's value, `part`, with `own` of its items
 * closed by the node, for the dive's next nodes (lagr_eval). */
static void dive_part(const search *S, lagr *L, int i, int own, double part)
{
	L->lx[i] = part;
	L->lown[i] = own;
	L->lgen[i] = S->dive_gen;
}

/* L(mu) into *val, and how many schools took each compound (L->count,
 * the none option counted too). */
static int lagr_eval(search *S, lagr *L, const double *mu, const double *lam,
                     const unsigned char *on, double *val, long long *cells)
{
	double sum = 0, x, ub, seats;
	int i, k, rc;
	if (L->priced) {
		/* the private seats' prices: lam x (seats taken - seats) added,
		 * at most 0 for a plan */
		memset(L->use, 0, (size_t)(L->ns + 1) * sizeof *L->use);
		for (i = 0; i <= L->ns && lam; i++)
			if (lam[i] > 0)
				sum -= lam[i] * lagr_cap(S, L, i);
	}
	for (k = 0; k < S->ncomp; k++) {
		sum += mu[k];
		L->count[k] = 0;
		L->pick[k] = -1;
		if (L->none[k] < HUGE_VAL && L->none[k] - mu[k] < 0) {
			sum += L->none[k] - mu[k];
			L->count[k] = 1;
			if (L->priced)
				away(L, k, NULL, NULL);
		}
	}
	for (i = 0; i < L->ns && sum < HUGE_VAL; i++) {
		int a = L->first[i], n = L->first[i + 1] - a, t, m = 0, own = 0, hit = 0;
		double was_sum = sum;
		/* its items open (at a node, its blocks'), at today's mu */
		for (t = 0; t < n; t++)
			if (!on || on[L->blk[a + t]]) {
				L->tmp[m] = L->item[a + t];
				L->tmp[m].cost -= mu[L->comp[a + t]];
				L->idx[m++] = a + t;
			} else if (S->root_ok[L->blk[a + t]]) {
				own++;                 /* closed at this node */
				hit += L->sxin[a + t]; /* and in the school's known choice */
			}
		if (on && L->lgen[i] == S->dive_gen && L->lown[i] == own) {
			/* within one dive the node's closures only grow: as many
			 * closed as at its last node, the same ones */
			sum += L->lx[i];
			continue;
		}
		if (on && !hit && !isnan(L->sx[i])) {
			/* the node closes none of the items of the school's choice
			 * at the first node that closed none of its items (but those
			 * ruled out at the root): that choice is still the least, and
			 * its part no more than here */
			sum += L->sx[i];
			continue;
		}
		x = cm__knap_paying(L->tmp, (size_t)m, sum, L->taken, &seats);
		if (L->cap[i] < 0 || (!L->exact[i] && seats <= (double)L->cap[i])) {
			/* no seat row, or seats for every item that pays: each
			 * such item at its best */
			for (t = 0; t < m && !on; t++)
				if (L->taken[t])
					took(L, a + t);
			if (L->priced && !on)
				school_away(L, a, n, -1, 0);
			sum = x + L->fixed[i];
			*cells += m;
			if (on && !own)
				known_choice(L, i, a, n, m, sum - was_sum);
			if (on)
				dive_part(S, L, i, own, sum - was_sum);
			continue;
		}
		/* the school's last choice, at today's prices: a cost some
		 * choice reaches, which settles most items before the table
		 * (knap.h); at a node, whose closed blocks it may take, none */
		ub = on ? HUGE_VAL : L->kconst[i];
		for (t = 0; t < n && ub < HUGE_VAL; t++)
			if (L->was[a + t])
				ub -= mu[L->comp[a + t]];
		if (L->priced && ub < HUGE_VAL) {
			/* (the items' costs moved with the private seats' prices) */
			ub = cm__knap_cost_of(L->tmp, (size_t)n, L->cap[i], L->exact[i], &L->was[a]);
			*cells += n;
		}
		/* and the plan's compounds there (the first step has no other;
		 * cm__search_whole_bound has a value and no plan) */
		if (S->home) {
			for (t = 0; t < m; t++)
				L->taken[t] = S->home[L->comp[L->idx[t]]] == L->blk[L->idx[t]];
			x = cm__knap_cost_of(L->tmp, (size_t)m, L->cap[i], L->exact[i], L->taken);
			if (x < ub)
				ub = x;
			*cells += m;
		}
		/* and, at a node, the known choice's items still open */
		if (on && !isnan(L->sx[i])) {
			for (t = 0; t < m; t++)
				L->taken[t] = L->sxin[L->idx[t]];
			x = cm__knap_cost_of(L->tmp, (size_t)m, L->cap[i], L->exact[i], L->taken);
			if (x < ub)
				ub = x;
			*cells += m;
		}
		if ((rc = cm__knap_pick(L->tmp, (size_t)m, L->cap[i], L->exact[i], ub, &x, L->taken,
		                        cells)))
			return rc;
		if (x == HUGE_VAL) {
			sum = HUGE_VAL;
			break;
		}
		sum += x + L->fixed[i];
		if (on) {
			if (!own)
				known_choice(L, i, a, n, m, sum - was_sum);
			dive_part(S, L, i, own, sum - was_sum);
			continue; /* (a node's value only) */
		}
		L->kconst[i] = x;
		for (t = 0; t < n; t++) {
			L->was[a + t] = L->taken[t];
			if (L->taken[t]) {
				took(L, a + t);
				L->kconst[i] += mu[L->comp[a + t]];
			}
		}
		if (L->priced)
			school_away(L, a, n, L->cap[i], L->exact[i]);
	}
	*val = sum;
	return 0;
}

/* The best L(mu)'s choices into S->lpick, for the neighbourhoods
 * (search_lns.c lagr_round): by compound, the block of the one school that
 * took it, -1 where it took no public school (its `none`), -2 where no
 * school and not `none`, or two or more, took it. */
static void keep_picks(search *S, const lagr *L)
{
	int k;
	if (!S->lpick && !(S->lpick = malloc(((size_t)S->ncomp + 1) * sizeof *S->lpick)))
		return; /* (only guidance: none is kept) */
	for (k = 0; k < S->ncomp; k++)
		S->lpick[k] = L->count[k] != 1 ? -2 : L->pick[k];
	S->lpick_ver++;
}

/* The Lagrangian bound from v's solution into *best (at least *best as
 * given: knap_sum's), by subgradient steps on mu from S->lmu and lam from
 * S->llam, kept between plans with the step size.  A seat or a migrant
 * over counts 1 / L.size in a step, a compound taken twice 1: in pupils
 * per compound, the steps of lam swamped those of mu (the ten bench
 * cities' mean certified gap 0.125% against 0.111%; 2026-12-03).  The
 * steps aim halfway from the best value
 * yet to the incumbent (LAGR_AIM), the step size halves after
 * LAGR_PATIENCE steps without a better value.  The step on mu goes along
 * the subgradient plus LAGR_DEFLECT times the last step's direction (a
 * deflected subgradient, as in Camerini, Fratta and Maffioli's method: the
 * plain one zigzags between compounds taken twice and not at all, and
 * stalled short of the incumbent less the gap; measured 2026-12-04 on
 * twelve bench cities of 300-5,000 compounds, both levels: mean certified
 * gap 0.1281% against 0.1303%, no level worse, the 2,000 city's junior
 * level 0.1004% -> 0.1000%); with 0.75 of it instead of 0.5, 2026-12-05,
 * 44 levels of bench cities (docs/model.md): mean certified gap 0.2666%
 * -> 0.2505%, 21 better, none worse; 20 held-out levels 0.1473% ->
 * 0.1270%, 9 better, none worse; 0.7 and 0.8 each left one level worse,
 * 0.9 was worse than 0.75 on the 5,000 city).  The steps of a search take
 * at most LAGR_SHARE of its budget (each school's table counted at 3/4 of
 * its cells: measured 2026-12-03 on the 1,000 city, 3.6e8 cells a second,
 * the relaxations' work 2.6e8 a second).  With `keep`, the knapsacks and
 * their best prices go to *keep (the caller frees them, or node_ready). */
#define LAGR_AIM 0.5
#define LAGR_PATIENCE 4
#define LAGR_DEFLECT 0.75
#define LAGR_SHARE 0.35
#define LAGR_SLOW 10
#define LAGR_GAIN 0.005
#define LAGR_RESTART 0.05 /* the least step size a better plan starts from */
#define NODE_SHARE 0.8    /* of the root's gap, the least the bound closes for the nodes */

/* Private school p's seats the last L(mu, lam) took beyond its seats (p =
 * n_schools: the migrants it sent against the quota beyond L->quota); less
 * than 0: left empty, 0 where they are empty and not priced: the price
 * cannot go below 0. */
static double priced_over(const search *S, const lagr *L, int p)
{
	double over = L->use[p] - lagr_cap(S, L, p);
	return over < 0 && (!S->llam || S->llam[p] <= 0) ? 0 : over;
}

static int lagr_sum(search *S, const kview *v, double *best, lagr **keep)
{
	lagr L;
	double target, val, norm, aim, was = *best, *dir;
	int step, since = 0, k, rc, opened = -1;
	if (S->lwork >= (long long)((double)S->limit * LAGR_SHARE) || spent(S))
		return 0;
	if ((rc = lagr_build(S, v, &L)) || !L.first)
		return rc;
	if (L.cells * 3 / 4 > (double)(S->limit - total_work(S))) {
		lagr_free(&L); /* a step could take more than the budget left */
		return 0;
	}
	if (!S->lmu) {
		if (!(S->lmu = calloc((size_t)S->ncomp + 1, sizeof *S->lmu))) {
			lagr_free(&L);
			return CM_ENOMEM;
		}
		S->ltheta = 2;
	} else if (S->ltheta < LAGR_RESTART)
		S->ltheta = LAGR_RESTART; /* a better plan: steps again */
	if (L.priced && !S->llam && !(S->llam = calloc(S->m->n_schools + 1, sizeof *S->llam))) {
		lagr_free(&L);
		return CM_ENOMEM;
	}
	if (!(dir = calloc((size_t)S->ncomp + 1, sizeof *dir))) {
		lagr_free(&L);
		return CM_ENOMEM;
	}
	target = L.room; /* a sum that reaches it proves no plan beats the incumbent by the gap */
	for (step = 0; step < LAGR_STEPS && *best < target && S->ltheta >= 1e-3; step++) {
		long long cells = 0;
		int whole = 1;
		rc = lagr_eval(S, &L, S->lmu, S->llam, NULL, &val, &cells);
		S->work += cells * 3 / 4;
		S->lwork += cells * 3 / 4;
		if (rc)
			break;
		if (val == HUGE_VAL) { /* a school that cannot be filled: no better plan */
			*best = HUGE_VAL;
			break;
		}
		if (val > *best + 1e-9 * fabs(target)) {
			*best = val;
			since = 0;
			keep_picks(S, &L);
			memcpy(L.bmu, S->lmu, (size_t)S->ncomp * sizeof *L.bmu);
			if (S->llam)
				memcpy(L.blam, S->llam, (size_t)(L.ns + 1) * sizeof *L.blam);
		} else if (++since >= LAGR_PATIENCE) {
			S->ltheta /= 2;
			since = 0;
		}
		/* LAGR_SLOW steps that closed less than LAGR_GAIN of what is
		 * left to the incumbent: the tree's turn.  The window opens at
		 * the first better value: before it the step size is still
		 * finding its scale (halving, LAGR_PATIENCE), and a window from
		 * the first step closed the steps there (the bench's 5,000
		 * city's primary level: 10 steps, none better, at a step size
		 * of 2 to 0.5, 4,819 pupil-m above the root; let on, 60,569 after
		 * 37 steps: certified gap 0.264% -> 0.237%, no other of twelve
		 * cities of 300-5,000 compounds moved but 1,800 primary, 0.1414%
		 * -> 0.1418%, 2026-12-04) */
		if (opened < 0) {
			if (*best > was)
				opened = step;
		} else if ((step - opened) % LAGR_SLOW == 0) {
			if (*best - was < LAGR_GAIN * (target - *best))
				break;
			was = *best;
		}
		/* the step's direction, and its length */
		norm = 0;
		for (k = 0; k < S->ncomp; k++) {
			whole &= L.count[k] == 1;
			dir[k] = (1 - L.count[k]) + LAGR_DEFLECT * dir[k];
			norm += dir[k] * dir[k];
		}
		for (k = 0; L.priced && k <= L.ns; k++) {
			L.over[k] = lagr_cap(S, &L, k) >= 0 ? priced_over(S, &L, k) / L.size : 0;
			whole &= L.over[k] == 0;
			norm += L.over[k] * L.over[k];
		}
		if (whole)
			break; /* every compound taken once, no priced seats or quota
			          over: L(mu, lam) is a plan's value */
		if (!(norm > 0))
			break; /* the deflection cancelled the subgradient (a
			          compound taken three times, then by none) */
		if (S->lwork >= (long long)((double)S->limit * LAGR_SHARE) || spent(S))
			break;
		aim = *best + LAGR_AIM * (target - *best);
		for (k = 0; k < S->ncomp; k++)
			S->lmu[k] += S->ltheta * (aim - val) / norm * dir[k];
		if (L.priced) {
			for (k = 0; k <= L.ns; k++)
				S->llam[k] = fmax(0, S->llam[k] + S->ltheta * (aim - val) / norm * L.over[k] /
				                         L.size);
			lagr_reprice(S, v, &L, S->llam);
		}
	}
	free(dir);
	cm__log(S->ctx, CM_LOG_DEBUG, "%s: Lagrangian bound %.0f pupil-m above the root after %d "
	        "steps (work %lld in all)", S->opts->label, *best, step, S->lwork);
	if (!rc && keep && (*keep = malloc(sizeof **keep))) {
		**keep = L; /* (the caller's: for the tree's nodes, node_ready) */
		return 0;
	}
	lagr_free(&L);
	return rc;
}

/* L, from lagr_sum, made ready for the tree's nodes: its items at its best
 * prices, the nodes' parts not yet known.  Returns 0 where it cannot be
 * (out of memory: the nodes go without it). */
static int node_ready(search *S, const kview *v, lagr *L)
{
	if (!(L->sx = malloc(((size_t)L->ns + 1) * sizeof *L->sx)) ||
	    !(L->sxin = calloc((size_t)L->first[L->ns] + 1, 1)) ||
	    !(L->lx = malloc(((size_t)L->ns + 1) * sizeof *L->lx)) ||
	    !(L->lown = malloc(((size_t)L->ns + 1) * sizeof *L->lown)) ||
	    !(L->lgen = malloc(((size_t)L->ns + 1) * sizeof *L->lgen)))
		return 0;
	for (int k = 0; k <= L->ns; k++) {
		L->sx[k] = (double)NAN;
		L->lgen[k] = -1;
	}
	lagr_reprice(S, v, L, L->blam);
	return 1;
}

/* v's value raised by what whole compounds add (knap_sum), less the
 * rounding slop: at most the incumbent less the gap (metres_tol: what the
 * sum proves holds for plans better than that, knap_room, and the root's
 * fixing). */
static cm_lex knap_raise(const search *S, const kview *v, double sum)
{
	cm_lex b = v->base;
	b.metres = fmin(b.metres + sum - KNAP_SLOP * fabs(b.metres),
	                S->inc.metres - metres_tol(S, &S->inc));
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
	lagr *L = NULL;
	int rc;
	if (!S->kroot.kd || !S->have || S->sub || S->kver == S->xver)
		return 0;
	S->kver = S->xver;
	if ((rc = knap_sum(S, &S->kroot, &sum)))
		return rc;
	if (sum < HUGE_VAL && (rc = lagr_sum(S, &S->kroot, &sum, &L)))
		return rc;
	b = knap_raise(S, &S->kroot, sum);
	if (cm__lex_cmp(&b, &S->kbound, 0) > 0)
		S->kbound = b;
	/* the tree's nodes take it where it closes most of the root's gap
	 * (NODE_SHARE): there it prunes what the nodes' relaxations cannot */
	cm__sr_node_free(S);
	S->nodel = L;
	if (L && !((S->node_always || b.metres - S->kroot.base.metres >=
	                                  NODE_SHARE * (S->inc.metres - S->kroot.base.metres)) &&
	           node_ready(S, &S->kroot, L)))
		cm__sr_node_free(S);
	cm__log(S->ctx, CM_LOG_DEBUG, "%s: whole compounds at full schools raise the bound by "
	        "%.0f pupil-m to %.0f (plan %.0f)", S->opts->label, sum, b.metres, S->inc.metres);
	return 0;
}

void cm__sr_node_free(search *S)
{
	if (S->nodel) {
		lagr_free(S->nodel);
		free(S->nodel);
		S->nodel = NULL;
	}
}

int cm__sr_node_bound(search *S, cm_lex *b)
{
	long long cells = 0;
	double val;
	cm_lex nb;
	int rc;
	if (!S->nodel || S->sub)
		return 0;
	rc = lagr_eval(S, S->nodel, S->nodel->bmu, S->nodel->blam, S->on, &val, &cells);
	S->work += cells * 3 / 4;
	S->nwork += cells * 3 / 4;
	if (rc)
		return rc;
	nb = knap_raise(S, &S->kroot, val);
	if (cm__lex_cmp(&nb, b, 0) > 0)
		*b = nb;
	return 0;
}
