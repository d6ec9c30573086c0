/*
 * search_lns.c: better plans from neighbourhoods, and the first plan by
 * parts (search_int.h).
 *
 * A neighbourhood frees a few compounds to choose afresh while every other
 * keeps its pupils where the incumbent has them, and searches them exactly
 * with the same search (on the network: as a model of its own, in time that
 * grows with the neighbourhood).  lns runs rounds of them: places first
 * (reach_round, fill_round), then local children (chain_round), the plan's
 * disagreement with the root (rins_round), each public school with its
 * neighbours, the compounds the plan costs most above the root
 * (regret_round, pair_round), and polish.
 * first_by_parts makes a city's first plan one split compound at a time.
 * docs/model.md, "Solving", has the measurements behind each choice.
 */
#include "search_int.h"

#include <stdlib.h>
#include <string.h>

#define NB 6          /* neighbours of a school kept (find_neighbours) */
#define NB_USE 3      /* of them in its neighbourhood, all NB once widened (nb_wide) */
#define NB_SOLVES 200 /* a neighbourhood's budget, in solves of the whole relaxation */
#define NB_WORK 3000000LL /* a neighbourhood's budget as a model of its own, in work */
#define RINS_WORK (NB_WORK * 8) /* rins_round's budget */
#define MAIN_WHOLE 64           /* main_round: so many compounds or fewer, one group */
#define HELD_NEAR 3             /* add_held: a free compound's nearest schools */

typedef struct pair {
	int a, b;
} pair;

static int cmp_pair(const void *x, const void *y)
{
	const pair *p = x, *q = y;
	if (p->a != q->a)
		return p->a < q->a ? -1 : 1;
	return (p->b > q->b) - (p->b < q->b);
}

/* Each school's neighbours: the schools that are most often among the
 * three nearest of the compounds it is among the three nearest of. */
static int find_neighbours(search *S)
{
	size_t ns = S->m->n_schools, np = 0, i, j;
	pair *p = malloc(((size_t)S->ncomp * 6 + 1) * sizeof *p);
	int c, *cnt_b = NULL, *cnt_n = NULL;
	if (!p || !(S->nb = malloc((ns * NB + 1) * sizeof *S->nb))) {
		free(p);
		return CM_ENOMEM;
	}
	for (i = 0; i < ns * NB; i++)
		S->nb[i] = -1;
	for (c = 0; c < S->ncomp; c++) {
		const scomp *sc = &S->comp[c];
		int near[3] = {-1, -1, -1}, k, a, b;
		for (k = sc->first; k < sc->first + sc->n; k++) {
			int t = k, q;
			if (!S->root_ok[k])
				continue;
			for (q = 0; q < 3; q++)
				if (near[q] < 0 || S->blk[t].dist < S->blk[near[q]].dist) {
					int sw = near[q];
					near[q] = t;
					t = sw;
					if (t < 0)
						break;
				}
		}
		for (a = 0; a < 3; a++)
			for (b = 0; b < 3; b++)
				if (a != b && near[a] >= 0 && near[b] >= 0)
					p[np++] = (pair){S->blk[near[a]].school, S->blk[near[b]].school};
	}
	qsort(p, np, sizeof *p, cmp_pair);
	cnt_b = malloc((np + 1) * sizeof *cnt_b);
	cnt_n = malloc((np + 1) * sizeof *cnt_n);
	if (!cnt_b || !cnt_n) {
		free(p);
		free(cnt_b);
		free(cnt_n);
		return CM_ENOMEM;
	}
	for (i = 0; i < np; i = j) {
		size_t nr = 0, r;
		int a = p[i].a;
		for (j = i; j < np && p[j].a == a;) {
			size_t e = j;
			while (e < np && p[e].a == a && p[e].b == p[j].b)
				e++;
			cnt_b[nr] = p[j].b;
			cnt_n[nr++] = (int)(e - j);
			j = e;
		}
		for (int q = 0; q < NB; q++) {
			size_t best = nr;
			for (r = 0; r < nr; r++)
				if (cnt_n[r] > 0 && (best == nr || cnt_n[r] > cnt_n[best]))
					best = r;
			if (best == nr)
				break;
			S->nb[(size_t)a * NB + (size_t)q] = cnt_b[best];
			cnt_n[best] = 0;
		}
	}
	free(p);
	free(cnt_b);
	free(cnt_n);
	return 0;
}

/* Marks school s's neighbours (find_neighbours) in `in`: NB_USE of them,
 * NB once the schools' sweep is widened (S->nb_wide). */
static void mark_neighbours(const search *S, int s, unsigned char *in)
{
	int q;
	for (q = 0; q < (S->nb_wide ? NB : NB_USE); q++)
		if (S->nb[(size_t)s * NB + (size_t)q] >= 0)
			in[S->nb[(size_t)s * NB + (size_t)q]] = 1;
}

/* A search of its own over the compounds S->free_ marks, the others held
 * at the incumbent's school, of at most `budget` work.  Better plans it
 * finds become the incumbent; its nodes say nothing of the bound. */
static int neighbourhood(search *S, long long budget)
{
	int *heap = S->heap, nheap = S->nheap, heapcap = S->heapcap, c, k, rc;
	long long limit = S->limit;
	cm_lex dropped = S->dropped, diving = S->diving, b;
	if ((rc = cm__sr_goto_node(S, -1)))
		return rc;
	memcpy(S->root_save, S->root_ok, (size_t)S->nblk);
	for (c = 0; c < S->ncomp; c++)
		if (!S->free_[c])
			for (k = S->comp[c].first; k < S->comp[c].first + S->comp[c].n; k++)
				S->root_ok[k] = S->root_ok[k] && k == S->home[c];
	cm__sr_sync_root(S);
	S->sub = 1;
	S->heap = NULL;
	S->nheap = S->heapcap = 0;
	S->limit = total_work(S) + budget < limit ? total_work(S) + budget : limit;
	/* a quick plan first, then the tree */
	rc = cm__sr_solve_here(S, &b);
	if (!rc)
		rc = cm__sr_heur_dive(S, -1, b);
	if (!rc && !spent(S))
		rc = cm__sr_goto_node(S, -1);
	if (!rc && !spent(S))
		rc = cm__sr_solve_here(S, &b);
	if (!rc && !spent(S))
		rc = cm__sr_dive(S, -1, b);
	if (!rc)
		rc = cm__sr_run_tree(S);
	free(S->heap);
	S->heap = heap;
	S->nheap = nheap;
	S->heapcap = heapcap;
	S->limit = limit;
	S->dropped = dropped;
	S->diving = diving;
	S->sub = 0;
	if (!rc)
		rc = cm__sr_goto_node(S, -1);
	memcpy(S->root_ok, S->root_save, (size_t)S->nblk);
	cm__sr_sync_root(S);
	return rc;
}

/* May the neighbourhoods go on: work below `stop`, and fewer relaxations
 * than [solve] node_limit where one is set (search_int.h spent). */
static int going(const search *S, long long stop)
{
	return total_work(S) < stop && !(S->opts->node_limit > 0 && S->solves >= S->opts->node_limit) &&
	       !(S->lns_tiers && tiers_within(&S->inc, &S->root));
}

typedef struct ranked {
	double score;
	int id; /* a school, or a compound (reach_round, rank_regret) */
} ranked;

static int cmp_rank(const void *a, const void *b)
{
	const ranked *x = a, *y = b;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

/* Are places what the neighbourhoods work at no more: as few as the
 * root's, or given up on (S->places_done)? */
static int places_settled(const search *S)
{
	return S->places_done || places_within(&S->inc, &S->root);
}

/* Does the plan leave no more pupils without a place than the root (in
 * whole pupils), and is its policy tier (the quota's shortfall, the local
 * children without a place, model.h CM_LOCAL_FIRST) no worse than the
 * root's?  Until it is, the neighbourhoods win those first. */
static int settled(const search *S)
{
	/* the policy tier is chased until a round wins nothing there (then
	 * pupil-metres get their rounds), and not at all when the root says
	 * nothing of it (GLPK's fractional places: as_bound); at places
	 * given up on (places_done), the root's tier is not the mark */
	if (S->policy_done || !isfinite(S->root.shortfall))
		return places_settled(S);
	if (!places_within(&S->inc, &S->root))
		return 0;
	return tiers_within(&S->inc, &S->root);
}

/* Compound c's pupils without a place, and its local children among them,
 * above the root's (where the plan loses); the plain counts before the
 * root's are known. */
static double unplaced_above(const search *S, int c)
{
	return S->comp[c].unplaced - (S->root_unpl ? S->root_unpl[c] : 0);
}

static double locals_above(const search *S, int c)
{
	return S->comp[c].locals - (S->root_unpl ? S->root_unpl[S->ncomp + c] : 0);
}

static int split_in(const search *S, int c, const double *x);
static size_t add_held(search *S, size_t nfree);

/* The school compound c is at in the plan, -1: none. */
static long home_school(const search *S, int c)
{
	return S->home[c] >= 0 ? S->blk[S->home[c]].school : -1;
}

/* What run_neighbourhood searches: a neighbourhood of the plan, a part of
 * the first plan (first_by_parts), or such a part searched again from its
 * own plan. */
enum { NB_PLAN, NB_PART, NB_PART_AGAIN };

/* Searches afresh the compounds S->free_ marks (at least two, or one with
 * S->with_held: add_held), the others held where S->x_inc has them (with
 * S->with_held, those near them at their schools only), with `budget`
 * work: as a model of its own where the relaxation can (its work grows
 * with its size), else in place.
 * A better plan becomes the incumbent.  NB_PART (the model's own
 * neighbourhoods only): x_inc is the root's solution, with split
 * compounds; the free ones start from no school and their new columns are
 * taken whether better or not, as they must become whole.  Otherwise
 * x_inc may still have split compounds outside the free ones (a part
 * searched again): they keep their pupils, and the plan found is never
 * worse than x_inc.
 * Places first (search.h `places`): while the plan leaves more pupils
 * without a place than the root, a neighbourhood's own search weighs a
 * local child without a place as one pupil short of the quota, which
 * finds places more often; not in the first plan (its parts, and a part
 * searched again, keep the weight: off there, the 20,000 city's primary
 * plan left about 750 more local children without a place, 2026-12-03,
 * and each part searched again traded hundreds of them for a place or
 * two, the bench's 5,000 city of seed 6 some 4,600 in its first plan,
 * 2026-12-05), nor once a round so weighed won no place or the first
 * 65% of the budget has gone to the neighbourhoods (S->places_weighed,
 * search.c).  A plan so found that leaves more local children
 * out (or misses the quota by more) is searched again at once, the same
 * compounds from it with the weight: that search starts from the plan
 * and puts places first, so it keeps them and wins back what it can of
 * the policy tier (docs/model.md, "Places without losing local
 * children"). */
static int run_neighbourhood(search *S, long long budget, int kind)
{
	long long w;
	cm_lex v, was = S->inc;
	size_t nfree = 0, f, j;
	int c, rc, part = kind == NB_PART;
	int places = kind == NB_PLAN && !places_settled(S) && !S->places_weighed;
	if (!S->r->neighbourhood) {
		/* (in double: work per solve times the budget passes 2^63 on a
		 * large GLPK model) */
		long long per = S->solves ? total_work(S) / S->solves : 1;
		double give = fmin((double)NB_SOLVES * (double)per * (double)budget / (double)NB_WORK, 4e18);
		return neighbourhood(S, (long long)give);
	}
	for (c = 0; c < S->ncomp; c++)
		if (S->free_[c]) {
			const scomp *sc = &S->comp[c];
			S->range[2 * nfree] = sc->cstart;
			S->range[2 * nfree + 1] = sc->cend;
			S->held[nfree] = -1;
			S->fl[nfree++] = c;
			S->start[sc->compound] = part ? -1 : home_school(S, c);
		}
	if (!part && S->with_held)
		nfree = add_held(S, nfree);
	for (;;) {
		rc = S->r->neighbourhood(S->r->self, S->x_inc, S->xver, S->range, S->held, nfree,
		                         S->start, budget, places, S->x_new, &v, &w);
		S->work += w;
		S->solves++;
		if (rc || (!part && cm__lex_cmp(&v, &S->inc, 1e-7) >= 0))
			return rc;
		S->inc = v;
		S->xver++;
		if (S->r->taken)
			S->r->taken(S->r->self, S->xver);
		for (f = 0; f < nfree; f++) {
			for (j = S->range[2 * f]; j < S->range[2 * f + 1]; j++)
				S->x_inc[j] = S->x_new[j];
			cm__sr_home_of(S, S->fl[f], S->x_inc);
		}
		cm__sr_show(S, "plan (neighbourhood)");
		if (!places || S->inc.shortfall <= was.shortfall + 0.5 || total_work(S) >= S->limit)
			return 0;
		/* the same compounds again, from this plan, with the weight
		 * (the held ones stay at their schools), within what is left
		 * of the budget */
		places = 0;
		if (budget > S->limit - total_work(S))
			budget = S->limit - total_work(S);
		for (f = 0; f < nfree; f++)
			if (S->held[f] < 0)
				S->start[S->comp[S->fl[f]].compound] = home_school(S, S->fl[f]);
	}
}

/* The compounds at the schools of the neighbourhood's `nfree` free
 * compounds (S->fl: their plan's school, the root's main one and their
 * HELD_NEAR nearest open at the root), each held at its school with its pupils there free to
 * go without a place or to a private one, or to come back (search.h): a
 * compound that moves to a full school takes the seats of those who then
 * go without, whoever they are, as the relaxation would choose them.
 * Without them, only the free compounds' pupils could give up a seat: in
 * a town short of seats (the bench's 1,000-compound city, primary: 4,558
 * pupils without a place) the neighbourhoods missed plans 0.13% shorter
 * that an independent MIP's neighbourhood of the same 31 free compounds
 * found (2026-12-04).  A compound whose pupils are at two schools (a part
 * searched again) stays out.  Returns the neighbourhood's compounds. */
static size_t add_held(search *S, size_t nfree)
{
	size_t f, n = nfree;
	int c, k;
	for (f = 0; f < nfree; f++) {
		const scomp *sc = &S->comp[S->fl[f]];
		int near[HELD_NEAR], nn = 0, i;
		if (S->home[S->fl[f]] >= 0)
			S->touch[S->blk[S->home[S->fl[f]]].school] = 1;
		if (S->root_main && S->root_main[S->fl[f]] >= 0)
			S->touch[S->blk[S->root_main[S->fl[f]]].school] = 1;
		/* its HELD_NEAR nearest schools open at the root */
		for (k = sc->first; k < sc->first + sc->n; k++) {
			double d = S->blk[k].dist;
			if (!S->root_ok[k] || (nn == HELD_NEAR && d >= S->blk[near[nn - 1]].dist))
				continue;
			for (i = nn < HELD_NEAR ? nn++ : HELD_NEAR - 1; i > 0 && d < S->blk[near[i - 1]].dist; i--)
				near[i] = near[i - 1];
			near[i] = k;
		}
		for (i = 0; i < nn; i++)
			S->touch[S->blk[near[i]].school] = 1;
	}
	for (c = 0; c < S->ncomp; c++) {
		const scomp *sc = &S->comp[c];
		int h = S->home[c];
		if (S->free_[c] || h < 0 || !S->touch[S->blk[h].school] || split_in(S, c, S->x_inc))
			continue;
		S->range[2 * n] = sc->cstart;
		S->range[2 * n + 1] = sc->cend;
		S->held[n] = S->blk[h].school;
		S->fl[n++] = c;
		S->start[sc->compound] = S->blk[h].school;
	}
	memset(S->touch, 0, S->m->n_schools);
	S->work += S->ncomp;
	return n;
}

/* Marks free (S->free_) the compounds at the schools `in` marks, and those
 * without a school that reach one of them; returns how many. */
static int free_at(search *S, const unsigned char *in)
{
	int c, k, any = 0;
	for (c = 0; c < S->ncomp; c++) {
		const scomp *sc = &S->comp[c];
		S->free_[c] = S->home[c] >= 0 && in[S->blk[S->home[c]].school];
		if (S->home[c] < 0)
			for (k = sc->first; k < sc->first + sc->n; k++)
				S->free_[c] |= S->root_ok[k] && in[S->blk[k].school];
		any += S->free_[c];
	}
	return any;
}

/* The compounds at the schools `in` marks, and those without a school
 * that reach one (free_at), searched afresh with `budget` work when they
 * are at least two and at most `most`; *ran (if not NULL) counts the
 * searches, *improved is set when the plan improved.  (The callers charge
 * the scan of free_at.) */
static int search_in(search *S, const unsigned char *in, long long budget, int most, int *ran,
                     int *improved)
{
	cm_lex before = S->inc;
	int any = free_at(S, in), rc;
	if (any < 2 || any > most)
		return 0;
	if (ran)
		(*ran)++;
	rc = run_neighbourhood(S, budget, NB_PLAN);
	if (cm__lex_cmp(&S->inc, &before, 0) < 0)
		*improved = 1;
	return rc;
}

/* Compound c searched afresh with every school it reaches and those
 * schools' compounds (reach_round, regret_round), unless that frees more
 * than `most` compounds.  Widened (S->wide), the schools' neighbours come
 * too (NB_USE of them, all NB once the sweep is widened: nb_wide), with
 * twice the budget. */
static int search_reach(search *S, int c, int most, unsigned char *in, int *improved)
{
	int k;
	memset(in, 0, S->m->n_schools);
	for (k = S->comp[c].first; k < S->comp[c].first + S->comp[c].n; k++)
		if (S->root_ok[k]) {
			in[S->blk[k].school] = 1;
			if (S->wide)
				mark_neighbours(S, S->blk[k].school, in);
		}
	S->work += S->ncomp;
	return search_in(S, in, (NB_WORK * 4) << S->wide, most, NULL, improved);
}

/* Places first: while the plan leaves more pupils without a place than the
 * root, each compound with pupils without a place (most first, REACH_MAX at
 * most a round) is searched with every school it reaches and their
 * compounds, as a place won back may take a chain of moves across all of
 * them.  Then, while its policy tier is above the root's, the same for the
 * compounds with local children without a place (most first: they weigh
 * CM_LOCAL_FIRST in the tier), then those with migrants without one.
 * Returns 1 in *improved when a plan improved. */
#define REACH_MAX 16

static int reach_round(search *S, long long stop, unsigned char *in, ranked *rank,
                       int *improved)
{
	int c, n = 0, i, rc = 0, places = places_settled(S);
	for (c = 0; c < S->ncomp; c++) {
		double u = unplaced_above(S, c);
		if (S->comp[c].unplaced > 0.5)
			rank[n++] = (ranked){places ? (CM_LOCAL_FIRST - 1) * locals_above(S, c) + u : u, c};
	}
	qsort(rank, (size_t)n, sizeof *rank, cmp_rank);
	for (i = 0; i < n && i < REACH_MAX && going(S, stop) && !rc; i++) {
		if (settled(S))
			break;
		c = rank[i].id;
		if (S->comp[c].unplaced > 0.5)
			rc = search_reach(S, c, S->ncomp, in, improved);
	}
	return rc;
}

/* Pupil-metres, once places are settled (after the schools' sweep, in the
 * same round): the compounds whose pupil-metres in the plan are most above
 * the root's (REGRET_MAX a round) are each searched with every school they
 * reach and those schools' compounds.  Such a compound is placed farther
 * than the root places it, or has more of its pupils placed than the root
 * gives a place (in a town short of seats, most of the top ones: the plan
 * places them because the seats that would let nearer pupils in are held
 * by whole compounds elsewhere); either way the repair moves compounds
 * across all the schools it reaches, which a school and its few nearest
 * (the sweep) cannot do at once.  A neighbourhood of more than a quarter
 * of the compounds is left to the tree: in a county a compound reaches
 * much of it (the example county's primary level: 1.8e8 work a round, ten
 * times the rest of its search, for 0.04% its tree finds as well; where
 * every compound reaches every school, Ikoma, it would be the whole model,
 * searched again for each compound).  Measured 2026-12-02 on ten bench
 * cities of 300-5,000 compounds, both levels: mean certified gap 0.172%
 * against 0.211% without it, no level worse by more than 0.003%. */
#define REGRET_MAX 16

/* The compounds whose pupil-metres in plan x_inc are above the root's,
 * most first, into rank; returns how many. */
static int rank_regret(search *S, ranked *rank)
{
	const cm_col *cols = S->m->cols.data;
	int c, n = 0;
	size_t j;
	if (!S->root_cost)
		return 0;
	for (c = 0; c < S->ncomp; c++) {
		double v = -S->root_cost[c];
		for (j = S->comp[c].cstart; j < S->comp[c].cend; j++)
			if (cols[j].kind == CM_COL_FLOW)
				v += S->x_inc[j] * cols[j].cost;
		if (v > 1)
			rank[n++] = (ranked){v, c};
	}
	S->work += (long long)S->m->cols.len;
	qsort(rank, (size_t)n, sizeof *rank, cmp_rank);
	return n;
}

static int regret_round(search *S, long long stop, unsigned char *in, ranked *rank,
                        int *improved)
{
	int n, i, rc = 0;
	if (!S->root_cost || !settled(S))
		return 0;
	n = rank_regret(S, rank);
	for (i = 0; i < n && i < REGRET_MAX && going(S, stop) && !rc; i++)
		rc = search_reach(S, rank[i].id, S->ncomp / 4, in, improved);
	return rc;
}

/* Then (after regret_round, in the same round) the compounds whose
 * pupil-metres are most above the root's, each searched with just the two
 * schools it is torn between: its school in the plan and the root's main
 * one (root_main); the two schools' compounds, and those without a school
 * that reach either, choose again, the others held (PAIR_MAX searches a
 * round; a pair already searched on the same plan, or one that would free
 * more than half the compounds, is not searched).  Small and exact: the
 * displaced compound and the one in its seats trade places, or pass them
 * on, where the sweep's four schools and regret_round's whole reach are too
 * wide to be searched to the end in their budget.  Measured 2026-12-02 on
 * ten bench cities of 300-5,000 compounds, both levels: mean certified gap
 * 0.123% against 0.172% without it (16 pairs: 0.144%, 128: 0.128%; the
 * pair's schools with their neighbours: 0.142%), no level worse; none of
 * 10,000-40,000 compounds worse either.  The compounds at the nearest
 * schools of the pair's compounds are held (add_held): they keep their
 * schools, not their pupils there (the 5,000 city's junior level 0.195% ->
 * 0.109%, 2026-12-04). */
#define PAIR_MAX 64

static int pair_round(search *S, long long stop, unsigned char *in, ranked *rank,
                      int *improved)
{
	size_t ns = S->m->n_schools;
	int seen[PAIR_MAX][2], nseen = 0, n, i, q, rc = 0, ran = 0;
	long ver = S->xver;
	if (!S->root_main || !settled(S))
		return 0;
	n = rank_regret(S, rank);
	for (i = 0; i < n && ran < PAIR_MAX && going(S, stop) && !rc; i++) {
		int c = rank[i].id, a, b;
		if (S->home[c] < 0 || S->root_main[c] < 0)
			continue;
		a = S->blk[S->home[c]].school;
		b = S->blk[S->root_main[c]].school;
		if (a == b)
			continue;
		if (a > b) {
			int t = a;
			a = b;
			b = t;
		}
		if (ver != S->xver) { /* a better plan: every pair is worth a search again */
			ver = S->xver;
			nseen = 0;
		}
		for (q = 0; q < nseen && (seen[q][0] != a || seen[q][1] != b); q++)
			;
		if (q < nseen)
			continue;
		if (nseen == PAIR_MAX)
			break;
		seen[nseen][0] = a;
		seen[nseen][1] = b;
		nseen++;
		memset(in, 0, ns);
		in[a] = in[b] = 1;
		S->work += S->ncomp;
		S->with_held = 1;
		rc = search_in(S, in, NB_WORK * 4, S->ncomp / 2, &ran, improved);
		S->with_held = 0;
	}
	return rc;
}

/* Public school si's empty seats in a plan whose usage is `used` (0 where
 * it has no seats or no compound's block: nothing to fill). */
static double empty_seats(const search *S, const cm_usage *used, size_t si)
{
	const cm_row *rows = S->m->rows.data;
	if (S->m->seat_row[si] < 0 || S->sfirst[si] == S->sfirst[si + 1])
		return 0;
	return rows[S->m->seat_row[si]].rhs - used->seats[si];
}

/* Private school p's empty seats in usage `used` (0: p is public, or has
 * no seat row). */
static double private_empty(const search *S, const cm_usage *used, int p)
{
	const cm_row *rows = S->m->rows.data;
	return S->m->seat_row[p] >= 0 && S->sfirst[p] == S->sfirst[p + 1]
	               ? rows[S->m->seat_row[p]].rhs - used->seats[p]
	               : 0;
}

/* Does public school t have room in plan x_inc by way of a private
 * school's empty seats (used: x_inc's usage): a compound at t whose
 * migrants there could take them, freeing seats at t?  Private schools
 * have no blocks (their seats are the compounds' other ways), so
 * empty_seats never marks them, and a town whose only empty seats are a
 * private school's had no chain to them: the bench's 1,000-compound city
 * of seed 3, junior, two pupils above the relaxation's places, the only
 * empty seats 125 at a private school (2026-12-04). */
static int private_room(search *S, const cm_usage *used, int t)
{
	const cm_col *cols = S->m->cols.data;
	for (int e = S->sfirst[t]; e < S->sfirst[t + 1]; e++) {
		const blk *b = &S->blk[S->sblk[e]];
		const scomp *sc = &S->comp[b->comp];
		double there = 0;
		size_t j;
		if (S->home[b->comp] != S->sblk[e])
			continue; /* not at t */
		for (j = b->start; j < b->end; j++)
			if (cols[j].kind == CM_COL_FLOW && cols[j].group == CM_MIGRANT)
				there += S->x_inc[j];
		S->work += (long long)(b->end - b->start);
		if (there < 0.5)
			continue;
		S->work += (long long)(sc->cend - sc->cstart);
		for (j = sc->cstart; j < sc->cend; j++) {
			const cm_col *c = &cols[j];
			if (c->kind == CM_COL_FLOW && c->group == CM_MIGRANT && c->seat != CM_SEAT_PUBLIC &&
			    c->ub > 0 && private_empty(S, used, c->school) > 0.5)
				return 1;
		}
	}
	return 0;
}

/* Places first, where seats stay empty (after reach_round, in the same
 * round): while the plan leaves more pupils without a place than the root,
 * each public school with empty seats is searched afresh with each school
 * where a compound that reaches it is now (and alone, with the compounds
 * without a school): the two schools' compounds, and those without a
 * school that reach either, choose again, the others held.  A compound
 * moving to the empty seats leaves room at its school for the pupils
 * without a place there, which the schools' own neighbourhoods (their
 * nearest schools) cannot see when the two are not neighbours.  At most
 * FILL_MAX pairs a round, the emptiest schools first. */
#define FILL_MAX 48

static int fill_round(search *S, long long stop, unsigned char *in, ranked *rank, int *improved)
{
	size_t ns = S->m->n_schools, si;
	cm_usage used = {0};
	int *pair_seen = NULL, e, n = 0, tried = 0, rc = 0;
	if (settled(S))
		return 0;
	if ((rc = cm__sr_blocks_by_school(S)))
		return rc;
	if (!(pair_seen = malloc((ns + 1) * sizeof *pair_seen)))
		return CM_ENOMEM;
	if (cm__model_usage(S->m, S->x_inc, &used)) {
		cm__usage_free(&used);
		free(pair_seen);
		return CM_ENOMEM;
	}
	S->work += (long long)S->m->cols.len + (long long)ns;
	for (si = 0; si < ns; si++) {
		double empty = empty_seats(S, &used, si);
		if (empty > 0.5)
			rank[n++] = (ranked){empty, (int)si};
	}
	qsort(rank, (size_t)n, sizeof *rank, cmp_rank);
	for (si = 0; si < ns; si++)
		pair_seen[si] = -1;
	for (int i = 0; i < n && tried < FILL_MAX && going(S, stop) && !rc; i++) {
		int t = rank[i].id;
		/* the schools of the compounds that reach t: each with t, once;
		 * the compounds without a school that reach t with t alone */
		for (e = S->sfirst[t];
		     e <= S->sfirst[t + 1] && tried < FILL_MAX && going(S, stop) && !rc; e++) {
			int b;
			cm_lex before = S->inc;
			if (e < S->sfirst[t + 1]) {
				int y = S->blk[S->sblk[e]].comp;
				if (!S->root_ok[S->sblk[e]] || S->home[y] < 0 || S->blk[S->home[y]].school == t)
					continue;
				b = S->blk[S->home[y]].school;
				if (pair_seen[b] == t)
					continue;
				pair_seen[b] = t;
			} else {
				b = -1; /* last: t with the compounds without a school */
			}
			memset(in, 0, ns);
			in[t] = 1;
			if (b >= 0)
				in[b] = 1;
			S->work += S->ncomp;
			rc = search_in(S, in, NB_WORK / 2, S->ncomp, &tried, improved);
			if (cm__lex_cmp(&S->inc, &before, 0) < 0 && settled(S))
				tried = FILL_MAX; /* places and policy settled */
		}
	}
	cm__usage_free(&used);
	free(pair_seen);
	return rc;
}

/* Local children first, along a chain (after fill_round, in the same
 * round): once places are settled and while the policy tier is above the
 * root's.  A school whose compounds' local children fill it leaves some
 * without a place; a local child there gets one only if a compound at it
 * moves to a school that reaches it, which makes room there only by
 * leaving a migrant out (or taking an empty seat), or by sending one of
 * its own compounds on, and so on: a chain of whole compounds to the
 * nearest public school (fewest steps) that has migrants in public seats
 * or empty seats.  For each compound with more local children without a
 * place than the root (most first), the schools along its chain, their
 * compounds and those without a school that reach them are searched
 * afresh, the others held: CHAIN_MAX searches a pass, passes while one
 * wins on the tier.  The relaxation moves such chains in fractions, which
 * a school and its nearest (the sweep) or a compound's own reach
 * (reach_round) do not see past one step.  Measured 2026-12-03:
 * the bench's 5,000-compound city's primary plan left 208 more local
 * children without a place than the relaxation, 418 at 38 full schools
 * (one to five steps from room), where the relaxation leaves 85; with the
 * chains the tier settled, in five passes of 53 searches (docs/model.md).
 * (While places are unsettled, fill_chain_round's chains to empty seats
 * come first.)  A chain whose search wins nothing is followed by one to
 * the next nearest school with room, CHAIN_TRIES chains a compound at
 * most: the nearest room is often one the chain cannot use (its migrants
 * in seats the moved compounds do not fit, or nearer to their own homes
 * than any move gains).  Measured 2026-12-05: 44 levels of the bench's
 * cities of 300-5,000 compounds (twelve of seed 1, ten of seeds 2-8)
 * left 213 local children above the relaxation's tier in 9 levels with
 * one chain a compound, 163 in 4 with six, every other level's plan the
 * same; the 10,000 cities of seeds 1-5, 6 in 4 levels -> none; the
 * 40,000 city 13 and 19 -> 1 and 5 (docs/model.md, "Chains to the
 * next room"). */
#define CHAIN_MAX 64
#define CHAIN_TRIES 6

/* The chain from the schools `from` marks (every school a compound at one
 * reaches, step by step) to the nearest with room (`room`), into `in`
 * (the chain's schools).  Returns the school with room it reaches, -1
 * when none is within reach.  `par` and `q` are scratch of the schools'
 * count. */
static int chain_to_room(search *S, const unsigned char *from, const unsigned char *room,
                         int *par, int *q, unsigned char *in)
{
	size_t ns = S->m->n_schools, si;
	int nq = 0, h, e, k, t = -1;
	for (si = 0; si < ns; si++) {
		par[si] = from[si] ? -1 : -2; /* -2: not reached */
		if (from[si]) {
			q[nq++] = (int)si;
			if (room[si] && t < 0)
				t = (int)si;
		}
	}
	for (h = 0; h < nq && t < 0; h++) {
		int u = q[h];
		S->work += S->sfirst[u + 1] - S->sfirst[u];
		for (e = S->sfirst[u]; e < S->sfirst[u + 1] && t < 0; e++) {
			int d = S->blk[S->sblk[e]].comp;
			if (S->home[d] != S->sblk[e])
				continue; /* not at u */
			for (k = S->comp[d].first; k < S->comp[d].first + S->comp[d].n; k++) {
				int v = S->blk[k].school;
				if (!S->root_ok[k] || par[v] != -2)
					continue;
				par[v] = u;
				q[nq++] = v;
				if (room[v]) {
					t = v;
					break;
				}
			}
			S->work += S->comp[d].n;
		}
	}
	S->work += (long long)ns + nq;
	if (t < 0)
		return -1;
	memset(in, 0, ns);
	for (h = t; h >= 0; h = par[h])
		in[h] = 1;
	return t;
}

/* Whether school t is a public school with room in plan x_inc: migrants
 * in public seats, or empty seats (from its blocks: every public flow is
 * in one, and a private school has none). */
static unsigned char room_at(search *S, int t)
{
	const cm_col *cols = S->m->cols.data;
	const cm_row *rows = S->m->rows.data;
	double used = 0, pm = 0;
	int e;
	size_t j;
	for (e = S->sfirst[t]; e < S->sfirst[t + 1]; e++) {
		const blk *b = &S->blk[S->sblk[e]];
		for (j = b->start; j < b->end; j++)
			if (cols[j].kind == CM_COL_FLOW) {
				used += S->x_inc[j];
				if (cols[j].group == CM_MIGRANT)
					pm += S->x_inc[j];
			}
		S->work += (long long)(b->end - b->start);
	}
	return S->sfirst[t] < S->sfirst[t + 1] && S->m->seat_row[t] >= 0 &&
	       (pm > 0.5 || rows[S->m->seat_row[t]].rhs - used > 0.5);
}

/* Places first, along a chain (after fill_round, in the same round):
 * while the plan leaves more pupils without a place than the root, for
 * each compound with more pupils without a place than the root (most
 * first), the schools along the shortest chain from its school to a public
 * school with empty seats (or with migrants who could take a private
 * school's: private_room), their compounds and those without a school that
 * reach them, searched afresh, the others held (CHAIN_MAX searches a
 * round): the pupil gets a place only if a compound at its school moves
 * on, and so on to the empty seats, which fill_round's pairs of schools do
 * not see past one step.  The chains come from one search backwards from
 * the schools with empty seats over "a compound at this school reaches
 * that one" (fewest steps), made again when the plan changes; a compound
 * whose school is not reached has no chain.  Measured 2026-12-03 on the
 * ten bench cities of 300-5,000 compounds with every budget of the search
 * (the neighbourhoods' too) at 1, 1.5 and 2 times the default: every
 * level settled its places; without the chains three levels did not
 * (1,000 junior +3 and 1,500 primary +2 at 1.5 times; 2,500 primary +1
 * with the pricing counted per waiting column), a larger budget leaving
 * more pupils without a place.  With [solve] effort at 1.5 and 2 (the
 * search's own budget only) places settled with or without them; they
 * cost the 1,500 city's primary level 0.03-0.06% (another path).  (A first version
 * counted the seats again and searched forwards from each compound: at
 * 40,000 compounds, where no chain exists, that took 1.9e9 work of the
 * junior level's 5.4e9 and left it 6 pupils above the fewest.) */
static int fill_chain_round(search *S, long long stop, unsigned char *in, ranked *rank,
                            int *improved)
{
	size_t ns = S->m->n_schools, si;
	int *next = NULL, *q = NULL, *step = NULL, c, k, n, i, h, e, nq, ran = 0, rc = 0, priv;
	long ver = S->xver - 1;
	cm_usage used = {0};
	if (!S->root_unpl || places_settled(S))
		return 0;
	if ((rc = cm__sr_blocks_by_school(S)))
		return rc;
	next = malloc((ns + 1) * sizeof *next);
	q = malloc((ns + 1) * sizeof *q);
	step = malloc((ns + 1) * sizeof *step);
	if (!next || !q || !step) {
		rc = CM_ENOMEM;
		goto out;
	}
	for (c = n = 0; c < S->ncomp; c++)
		if (unplaced_above(S, c) > 0.5)
			rank[n++] = (ranked){unplaced_above(S, c), c};
	S->work += S->ncomp;
	qsort(rank, (size_t)n, sizeof *rank, cmp_rank);
	for (i = 0; i < n && ran < CHAIN_MAX && going(S, stop) && !rc && !places_settled(S);
	     i++) {
		int u = -1;
		c = rank[i].id;
		if (unplaced_above(S, c) <= 0.5)
			continue; /* placed by an earlier chain */
		if (ver != S->xver) {
			/* the plan's empty seats, and from them backwards: next[u]
			 * is the school a compound at u moves to on the way to
			 * them (-1: u has room, -2: not reached), step[u] how many
			 * moves away they are */
			ver = S->xver;
			if (cm__model_usage(S->m, S->x_inc, &used)) {
				cm__usage_free(&used);
				rc = CM_ENOMEM;
				break;
			}
			/* (private schools' empty seats: only where there are any) */
			for (si = 0, priv = 0; si < ns && !priv; si++)
				priv = private_empty(S, &used, (int)si) > 0.5;
			S->work += (long long)ns;
			for (si = nq = 0; si < ns; si++) {
				int room = empty_seats(S, &used, si) > 0.5;
				next[si] = room ? -1 : -2;
				step[si] = 0;
				if (room)
					q[nq++] = (int)si;
			}
			/* a private school's seats one move further than a public
			 * school's own */
			for (si = 0; si < ns && priv; si++)
				if (next[si] == -2 && private_room(S, &used, (int)si)) {
					next[si] = -1;
					step[si] = 1;
					q[nq++] = (int)si;
				}
			cm__usage_free(&used);
			for (h = 0; h < nq; h++) {
				int v = q[h];
				for (e = S->sfirst[v]; e < S->sfirst[v + 1]; e++) {
					int d = S->blk[S->sblk[e]].comp, w;
					if (!S->root_ok[S->sblk[e]] || S->home[d] < 0)
						continue;
					w = S->blk[S->home[d]].school;
					if (next[w] == -2) {
						next[w] = v;
						step[w] = step[v] + 1;
						q[nq++] = w;
					}
				}
			}
			S->work += (long long)S->m->cols.len + (long long)S->nblk + (long long)ns;
		}
		/* the compound's school, or of those it reaches the one fewest
		 * moves from room (the first such in block order) */
		if (S->home[c] >= 0)
			u = S->blk[S->home[c]].school;
		else
			for (k = S->comp[c].first; k < S->comp[c].first + S->comp[c].n; k++) {
				int v = S->blk[k].school;
				if (S->root_ok[k] && next[v] != -2 && (u < 0 || step[v] < step[u]))
					u = v;
			}
		if (u < 0 || next[u] == -2)
			continue;
		memset(in, 0, ns);
		for (; u >= 0; u = next[u])
			in[u] = 1;
		S->work += S->ncomp;
		rc = search_in(S, in, NB_WORK * 4, S->ncomp, &ran, improved);
	}
	if (!S->opts->inner)
		cm__log(S->ctx, CM_LOG_DEBUG, "%s: %d chains to empty seats searched, %.0f without a place",
		        S->opts->label, ran, S->inc.unplaced);
out:
	free(next);
	free(q);
	free(step);
	return rc;
}

static int chain_round(search *S, long long stop, unsigned char *in, ranked *rank,
                       int *improved)
{
	size_t ns = S->m->n_schools, si;
	unsigned char *room = NULL, *from = NULL;
	double before;
	int *par = NULL, *q = NULL, c, d, k, n, i, ran, rc = 0, t, tries, tried[CHAIN_TRIES];
	long ver;
	if (!S->root_unpl || settled(S) || !places_settled(S))
		return 0;
	if ((rc = cm__sr_blocks_by_school(S)))
		return rc;
	room = calloc(ns + 1, 1);
	from = calloc(ns + 1, 1);
	par = malloc((ns + 1) * sizeof *par);
	q = malloc((ns + 1) * sizeof *q);
	if (!room || !from || !par || !q) {
		rc = CM_ENOMEM;
		goto out;
	}
	for (si = 0; si < ns; si++)
		room[si] = room_at(S, (int)si);
	/* passes, each over the compounds ranked afresh, while one wins on
	 * the policy tier */
	do {
		before = S->inc.shortfall;
		for (c = n = 0; c < S->ncomp; c++)
			if (locals_above(S, c) > 0.5)
				rank[n++] = (ranked){locals_above(S, c), c};
		S->work += S->ncomp;
		qsort(rank, (size_t)n, sizeof *rank, cmp_rank);
		for (i = ran = 0; i < n && ran < CHAIN_MAX && going(S, stop) && !rc && !settled(S);
		     i++) {
			c = rank[i].id;
			if (locals_above(S, c) <= 0.5)
				continue; /* placed by an earlier chain */
			memset(from, 0, ns);
			if (S->home[c] >= 0)
				from[S->blk[S->home[c]].school] = 1;
			else
				for (k = S->comp[c].first; k < S->comp[c].first + S->comp[c].n; k++)
					from[S->blk[k].school] |= S->root_ok[k];
			/* chains to the nearest room, then to the next nearest
			 * (its room hidden while the compound's chains last) */
			ver = S->xver;
			tries = 0;
			while (tries < CHAIN_TRIES && ran < CHAIN_MAX && going(S, stop) && !rc &&
			       ver == S->xver && (t = chain_to_room(S, from, room, par, q, in)) >= 0) {
				S->work += S->ncomp;
				rc = search_in(S, in, NB_WORK * 4, S->ncomp, &ran, improved);
				tried[tries++] = t;
				room[t] = 0;
			}
			while (tries > 0)
				room[tried[--tries]] = 1;
			if (!rc && ver != S->xver) {
				/* room again where the freed could go (on GLPK, whose
				 * plan taken is the whole model's solve: everywhere) */
				memset(from, !S->r->neighbourhood, ns);
				for (d = 0; d < S->ncomp; d++)
					if (S->free_[d])
						for (k = S->comp[d].first; k < S->comp[d].first + S->comp[d].n; k++)
							from[S->blk[k].school] = 1;
				S->work += S->ncomp;
				for (si = 0; si < ns; si++)
					if (from[si])
						room[si] = room_at(S, (int)si);
			}
		}
		cm__log(S->ctx, CM_LOG_DEBUG, "%s: %d chains to room searched, policy %.0f -> %.0f",
		        S->opts->label, ran, before, S->inc.shortfall);
	} while (!rc && S->inc.shortfall < before - 0.5 && going(S, stop) && !settled(S));
out:
	free(room);
	free(from);
	free(par);
	free(q);
	return rc;
}

/* Where the root sends each compound: major[c] its block with most pupils,
 * -2 when it is split (S->root_major, for rins_round); top_out (if not
 * NULL) that block split or not.  Leaves S->flow the solution's pupils by
 * block. */
static void majors_of(search *S, int *major, int *top_out)
{
	int c, k;
	for (c = 0; c < S->ncomp; c++) {
		const scomp *sc = &S->comp[c];
		int top = -1, used = 0;
		for (k = sc->first; k < sc->first + sc->n; k++)
			S->flow[k] = cm__sr_block_solved(S, k);
		for (k = sc->first; k < sc->first + sc->n; k++)
			if (S->flow[k] > 1e-6) {
				used++;
				if (top < 0 || S->flow[k] > S->flow[top])
					top = k;
			}
		major[c] = used > 1 ? -2 : top;
		if (top_out)
			top_out[c] = top;
	}
}

/* What the root gives each compound: its school (root_major, for
 * rins_round; root_main, for pair_round) and its pupil-metres (root_cost,
 * for rank_regret). */
int cm__sr_root_majors(search *S)
{
	const cm_col *cols = S->m->cols.data;
	size_t j;
	int c;
	if (S->opts->inner || !S->ncomp)
		return 0;
	if (!(S->root_major = malloc((size_t)S->ncomp * sizeof *S->root_major)) ||
	    !(S->root_main = malloc((size_t)S->ncomp * sizeof *S->root_main)) ||
	    !(S->root_cost = calloc((size_t)S->ncomp, sizeof *S->root_cost)) ||
	    !(S->root_unpl = calloc(2 * (size_t)S->ncomp, sizeof *S->root_unpl)))
		return CM_ENOMEM;
	majors_of(S, S->root_major, S->root_main);
	for (c = 0; c < S->ncomp; c++)
		for (j = S->comp[c].cstart; j < S->comp[c].cend; j++)
			if (cols[j].kind == CM_COL_FLOW) {
				S->root_cost[c] += S->r->value(S->r->self, j) * cols[j].cost;
			} else if (cols[j].kind == CM_COL_UNPLACED) {
				double v = S->r->value(S->r->self, j);
				S->root_unpl[c] += v;
				if (cols[j].group == CM_LOCAL)
					S->root_unpl[S->ncomp + c] += v;
			}
	S->work += (long long)S->m->cols.len;
	return 0;
}

/* A neighbourhood of the compounds where the plan and the root disagree
 * (relaxation-induced, RINS): those the root splits, and those the plan
 * sends elsewhere than the root does; the others, where both agree, held.
 * Repairs that the neighbourhoods of a few schools cannot see (a chain of
 * moves across the town, set off by one compound that must go whole) are
 * often in it.  Once per plan, also while places are unsettled: with local
 * children first in the policy tier, the places a city's plan lacks were
 * won back here (20,000 compounds, 2026-12-03), not by reach_round. */

/* The `any` compounds S->free_ marks, where the plan and `what` disagree,
 * searched afresh with RINS_WORK (at least two; with `held`, the others at
 * their schools held, add_held, at least one; rins_round, main_round,
 * cm__sr_lagr_round). */
static int search_disagreement(search *S, int any, int held, const char *what, int *improved)
{
	cm_lex before = S->inc;
	int rc;
	if (any < (held ? 1 : 2))
		return 0;
	S->with_held = held;
	rc = run_neighbourhood(S, RINS_WORK, NB_PLAN);
	S->with_held = 0;
	if (!S->opts->inner)
		cm__log(S->ctx, CM_LOG_DEBUG, "%s: %d compounds where plan and %s disagree, searched "
		        "afresh: %s", S->opts->label, any, what,
		        cm__lex_cmp(&S->inc, &before, 0) < 0 ? "better" : "no better");
	if (cm__lex_cmp(&S->inc, &before, 0) < 0)
		*improved = 1;
	return rc;
}

/* Union-find over schools (main_round). */
static int school_root(int *up, int s)
{
	while (up[s] != s)
		s = up[s] = up[up[s]];
	return s;
}

/* Where the plan sends a compound elsewhere than the root's main school
 * (the school with most of its pupils there): each group of such
 * compounds linked by those schools (a compound's plan school and root
 * school joined; MAIN_WHOLE or fewer in all, one group) searched afresh,
 * every compound at their schools and nearest schools held (add_held):
 * the plan is often a few moves from one that lets the root's nearer
 * compounds in, at the price of who else goes without (docs/model.md,
 * "Neighbourhoods"; the bench's 1,000 city, primary: 0.160% -> 0.104%).
 * Once per plan, after rins_round in each round of cm__sr_lns. */
static int main_round(search *S, long long stop, int *improved)
{
	size_t ns = S->m->n_schools;
	int *up, c, g, rc = 0, any;
	unsigned char *mark;
	/* (on the network only: GLPK's neighbourhoods restrict its own
	 * relaxation, where nothing is held, and rins_round's cover these) */
	if (!S->root_main || !S->r->neighbourhood || S->main_ver == S->xver || !going(S, stop))
		return 0;
	S->main_ver = S->xver;
	if (!(up = malloc((ns + 1) * sizeof *up)) || !(mark = calloc(ns + 1, 1))) {
		free(up);
		return CM_ENOMEM;
	}
	for (size_t i = 0; i < ns; i++)
		up[i] = (int)i;
	for (c = any = 0; c < S->ncomp; c++) {
		int a = S->home[c], b = S->root_main[c];
		if (a != b && a >= 0 && b >= 0)
			up[school_root(up, S->blk[a].school)] = school_root(up, S->blk[b].school);
		any += a != b;
	}
	if (any <= MAIN_WHOLE) /* few: one group */
		for (size_t i = 0; i < ns; i++)
			up[i] = 0;
	/* each group once, from its first compound (mark: by school, its
	 * group searched) */
	for (g = 0; g < S->ncomp && !rc && going(S, stop); g++) {
		int r, gh = S->home[g], gm = S->root_main[g];
		if (gh == gm)
			continue;
		r = school_root(up, S->blk[gh >= 0 ? gh : gm].school);
		if (mark[r])
			continue;
		mark[r] = 1;
		for (c = any = 0; c < S->ncomp; c++) {
			int h = S->home[c], m = S->root_main[c];
			S->free_[c] = h != m && school_root(up, S->blk[h >= 0 ? h : m].school) == r;
			any += S->free_[c];
		}
		rc = search_disagreement(S, any, 1, "root's main school (the others at their schools held)",
		                         improved);
		S->work += (long long)S->ncomp;
	}
	free(up);
	free(mark);
	return rc;
}

static int rins_round(search *S, long long stop, int *improved)
{
	int c, any = 0;
	if (!S->root_major || S->rins_ver == S->xver || !going(S, stop))
		return 0;
	S->rins_ver = S->xver;
	for (c = 0; c < S->ncomp; c++) {
		S->free_[c] = S->root_major[c] != S->home[c];
		any += S->free_[c];
	}
	return search_disagreement(S, any, 0, "root", improved);
}

/* The same where the plan and the Lagrangian bound's best choices
 * disagree (search_bound.c keep_picks): the compounds no school's knapsack
 * or two took, and those it sends elsewhere than the plan.  Its choices are
 * whole compounds, each school's filling its seats as a plan must, so where
 * they differ from the plan is where a better plan is often found.  Once
 * per set of choices. */
int cm__sr_lagr_round(search *S, int *improved)
{
	int c, any = 0;
	if (!S->lpick || S->lpick_done == S->lpick_ver || spent(S))
		return 0;
	S->lpick_done = S->lpick_ver;
	for (c = 0; c < S->ncomp; c++) {
		S->free_[c] = S->lpick[c] == -2 || S->lpick[c] != S->home[c];
		any += S->free_[c];
	}
	return search_disagreement(S, any, 0, "Lagrangian choices", improved);
}

/* The same from the tree's node just solved instead of the root, every
 * RINS_EVERY relaxations of the tree: plans the dives below the node miss
 * are often a short search away from where its relaxation and the plan
 * disagree. */
int cm__sr_rins_at_node(search *S)
{
	int imp = 0, rc, *root = S->root_major, *here;
	if (S->sub)
		return 0; /* (a neighbourhood's own tree: its count is the tree's) */
	S->rins_at = S->solves;
	if (!root)
		return 0;
	if (!(here = malloc((size_t)S->ncomp * sizeof *here)))
		return CM_ENOMEM;
	majors_of(S, here, NULL);
	S->root_major = here;
	S->rins_ver = -1;
	rc = rins_round(S, S->limit, &imp);
	S->root_major = root;
	free(here);
	return rc;
}


/* Large neighbourhood search from the incumbent, in rounds until one
 * improves nothing (the first such round while places are unsettled
 * widens reach_round's neighbourhoods instead, the first once the tiers
 * are settled the schools' sweep: nb_wide) or `budget` work is spent.
 * A round: places first (reach_round, fill_round, while the plan leaves
 * more pupils without one than the root, then while its policy tier is
 * above the root's), local children along chains (chain_round), rins_round;
 * then for each public school, the worst first, the compounds at it and
 * at its neighbours (and those without a school that reach them) searched
 * afresh, the others held (a sweep that settles places ends there while
 * the policy tier is open); then the compounds the plan costs most above
 * the root (regret_round, pair_round); last, polish. */
int cm__sr_lns(search *S, long long budget)
{
	long long stop = total_work(S) + budget < S->limit ? total_work(S) + budget : S->limit;
	size_t ns = S->m->n_schools, si, nr;
	unsigned char *in = calloc(ns + 1, 1);
	ranked *rank = calloc(ns + (size_t)S->ncomp + 1, sizeof *rank);
	int improved = 1, rc = 0, c, k, placed0;
	if (!in || !rank || !S->have)
		goto done;
	if (!S->nb && (rc = find_neighbours(S)))
		goto done;
	while (improved && going(S, stop) && !rc) {
		double tier0 = S->inc.shortfall;
		improved = 0;
		if ((rc = reach_round(S, stop, in, rank, &improved)) ||
		    (rc = fill_round(S, stop, in, rank, &improved)) ||
		    (rc = fill_chain_round(S, stop, in, rank, &improved)) ||
		    (rc = chain_round(S, stop, in, rank, &improved)))
			break;
		/* (the budget's extension for the policy tier: only while it
		 * wins there) */
		if (S->tier_only && S->inc.shortfall >= tier0 - 0.5)
			break;
		if ((rc = rins_round(S, stop, &improved)) || (rc = main_round(S, stop, &improved)))
			break;
		/* the schools whose compounds lose most first: pupils without a
		 * place, then detours */
		for (si = 0; si < ns; si++)
			rank[si] = (ranked){0, (int)si};
		for (c = 0; c < S->ncomp; c++) {
			const scomp *sc = &S->comp[c];
			double v = sc->unplaced * 1e9 + sc->detour;
			if (S->home[c] >= 0)
				rank[S->blk[S->home[c]].school].score += v;
			else
				for (k = sc->first; k < sc->first + sc->n; k++)
					if (S->root_ok[k])
						rank[S->blk[k].school].score += v;
		}
		qsort(rank, ns, sizeof *rank, cmp_rank);
		for (nr = 0; nr < ns && rank[nr].score > 0; nr++)
			;
		/* (a sweep that settles places ends there when the policy tier
		 * is open: the next round's chains win it faster than the rest
		 * of the sweep) */
		placed0 = places_settled(S);
		for (si = 0; si < nr && going(S, stop) && !rc &&
		            (placed0 || !places_settled(S) || settled(S));
		     si++) {
			int t = rank[si].id;
			if (S->nb[(size_t)t * NB] < 0)
				continue;
			memset(in, 0, ns);
			in[t] = 1;
			mark_neighbours(S, t, in);
			rc = search_in(S, in, S->nb_wide ? NB_WORK * 3 : NB_WORK, S->ncomp, NULL,
			               &improved);
		}
		if (!rc && ((rc = regret_round(S, stop, in, rank, &improved)) ||
		            (rc = pair_round(S, stop, in, rank, &improved))))
			break;
		if (!rc && going(S, stop)) {
			cm_lex before = S->inc;
			if ((rc = cm__sr_polish(S)))
				break;
			if (cm__lex_cmp(&S->inc, &before, 0) < 0)
				improved = 1;
		}
		/* a round that won nothing while places are unsettled (not
		 * one the budget cut short: that says nothing of the next):
		 * once, the local children weighed in full (run_neighbourhood),
		 * then once the compounds' reach widened, rather than an end
		 * (the tree does not win places back in a city) */
		if (improved || !going(S, stop))
			continue;
		if (!places_settled(S) && !S->places_weighed && S->r->neighbourhood) {
			S->places_weighed = 1;
			improved = 1;
		} else if (!places_settled(S) && !S->wide) {
			S->wide = 1;
			improved = 1;
		} else if (!S->policy_done && places_settled(S) && !settled(S)) {
			/* places settled, the policy tier not, and a round won
			 * nothing there: one more round, for pupil-metres (once) */
			S->policy_done = 1;
			improved = 1;
		} else if (settled(S) && !S->nb_wide) {
			/* places and the policy tier settled, and a round won
			 * nothing on pupil-metres: the schools' sweep widened to
			 * all NB neighbours, with three times the work each, rather
			 * than an end (docs/model.md, "Neighbourhoods"); for the rest
			 * of the search, its later calls here too, and with it the
			 * compounds' reach where that is widened (S->wide:
			 * search_reach marks the schools' neighbours) */
			S->nb_wide = 1;
			improved = 1;
		}
	}
	if (!rc)
		cm__sr_fix_at_root(S);
done:
	free(in);
	free(rank);
	return rc;
}

/* Is compound c split in plan x (public pupils at two schools or more)? */
static int split_in(const search *S, int c, const double *x)
{
	const scomp *sc = &S->comp[c];
	int k, used = 0;
	for (k = sc->first; k < sc->first + sc->n; k++)
		used += cm__sr_block_pupils(S, k, x) > 1e-6;
	return used > 1;
}

/* The first plan by parts, where the relaxation searches a part as a model
 * of its own (the network): from the root's solution, each split compound
 * in turn is made whole by a search over the compounds with pupils at its
 * schools and at their neighbours, every other compound keeping its pupils
 * where they are (split or not).  The part's search dives, then branches,
 * in time proportional to the part; a city's first plan thus costs its
 * split compounds' parts, not a dive's hundreds of solves of the whole
 * model (measured on the bench city of 10,000: 1.4e9 work for the dive). */
#define PART_WORK 4000000LL /* a part's budget, in work */

static int first_by_parts(search *S)
{
	size_t ns = S->m->n_schools, j;
	unsigned char *in = calloc(ns + 1, 1);
	int c, k, rc = 0, done = 0, *seen = NULL;
	cm_lex before;
	if (!in)
		return CM_ENOMEM;
	if (!S->nb && (rc = find_neighbours(S)))
		goto out;
	if ((rc = cm__sr_blocks_by_school(S)))
		goto out;
	if (!(seen = calloc((size_t)S->ncomp + 1, sizeof *seen))) {
		rc = CM_ENOMEM;
		goto out;
	}
	for (j = 0; j < S->m->cols.len; j++)
		S->x_inc[j] = S->r->value(S->r->self, j);
	S->xver++;
	cm__sr_homes_from(S, S->x_inc);
	for (c = 0; c < S->ncomp && !rc; c++) {
		int d;
		if (!split_in(S, c, S->x_inc))
			continue;
		/* the part: the split compound's schools and their neighbours */
		memset(in, 0, ns);
		for (k = S->comp[c].first; k < S->comp[c].first + S->comp[c].n; k++) {
			if (cm__sr_block_pupils(S, k, S->x_inc) <= 1e-6)
				continue;
			in[S->blk[k].school] = 1;
			mark_neighbours(S, S->blk[k].school, in);
		}
		/* its compounds: those with pupils there, or that could have
		 * (each has a block at one of the part's schools: only those
		 * schools' blocks are looked at, so a part costs its own size) */
		memset(S->free_, 0, (size_t)S->ncomp);
		for (size_t s = 0; s < ns; s++) {
			int e;
			if (!in[s])
				continue;
			for (e = S->sfirst[s]; e < S->sfirst[s + 1]; e++) {
				const scomp *sd;
				int any = 0, placed = 0;
				d = S->blk[S->sblk[e]].comp;
				if (seen[d] == done + 1)
					continue; /* seen in this part */
				seen[d] = done + 1;
				sd = &S->comp[d];
				for (k = sd->first; k < sd->first + sd->n; k++) {
					int here = cm__sr_block_pupils(S, k, S->x_inc) > 1e-6;
					placed |= here;
					any |= here && in[S->blk[k].school];
				}
				if (!placed)
					for (k = sd->first; k < sd->first + sd->n; k++)
						any |= S->root_ok[k] && in[S->blk[k].school];
				S->free_[d] = (unsigned char)any;
				S->work += (long long)(sd->cend - sd->cstart);
			}
		}
		S->work += S->ncomp / 8 + (long long)ns;
		before = done ? S->inc : S->root;
		rc = run_neighbourhood(S, PART_WORK, NB_PART);
		/* a part that costs places is searched again from its own
		 * plan, with twice the budget: places lost here cost the
		 * neighbourhoods far more work to win back */
		if (!rc && !places_within(&S->inc, &before))
			rc = run_neighbourhood(S, PART_WORK * 2, NB_PART_AGAIN);
		done++;
	}
	if (!rc && done) {
		S->have = 1;
		cm__sr_show(S, "plan (by parts)");
	}
out:
	free(seen);
	free(in);
	return rc;
}

/* The first plan, after last year's (start_from) if any: the whole-model
 * dive (cm__sr_heur_dive) where it fits in a fifth of the budget at effort 1 (a county: it
 * moves places across the whole model at once); where it does not (a
 * city: hundreds of solves of the whole model) and the relaxation searches
 * parts as models of their own, by parts (first_by_parts), whose cost
 * grows with the split compounds, not the city.  Either way the search
 * that follows is the same.  A part's own search, and GLPK: the dive. */
#define DIVE_COST 2000LL /* a whole-model dive's work, per model column (measured: about
                           * 1,000 solves of 2 work per column) */

int cm__sr_first_plan(search *S, cm_lex b)
{
	int rc;
	if (S->have && !S->opts->inner)
		return 0;
	if (S->r->neighbourhood && !S->opts->inner) {
		if (S->opts->first == 2 ||
		    (S->opts->first == 0 &&
		     DIVE_COST * (long long)S->m->cols.len > (S->limit1 - total_work(S)) / 5))
			return first_by_parts(S);
	}
	return (rc = cm__sr_heur_dive(S, -1, b)) ? rc : cm__sr_goto_node(S, -1);
}

