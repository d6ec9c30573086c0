/*
 * search.c: branch and bound for single-school plans (search.h).
 *
 * The decision is, for each compound, which public school (if any) takes
 * its public pupils.  A relaxation that lets a compound's pupils go to
 * several schools is solved at each node; where it sends every compound to
 * one school at most, its solution is a plan.  Otherwise a split compound
 * is branched on: one child holds it to the school that has most of its
 * pupils, the other keeps it from that school.  Children start from the
 * relaxation's last basis: a node is a few cost changes and a warm solve.
 *
 * Phases (docs/model.md): the root; a first plan, from last year's plan
 * when there is one, by a quick dive outside the tree (heur_dive) in a
 * county, by parts in a city (first_by_parts: each split compound settled
 * by a search of its own); better plans from neighbourhoods (lns: a few
 * compounds choose afresh, the others held; in rounds of places first
 * (reach_round, fill_round), the plan's disagreement with the root
 * (rins_round), each public school with its neighbours, the compounds the
 * plan costs most above the root (regret_round, pair_round), the plan
 * re-solved with its choices held (polish)); then the tree, best bound
 * first, diving from each node, the compound to branch on chosen by
 * reliability branching (pseudocosts, probing the unreliable).  School
 * choices whose reduced cost shows they cannot beat the plan are ruled out,
 * for good at the root, below the node at each node.
 *
 * Values are lexicographic (search.h), compared tier by tier, so the
 * unplaced pupils are proved before pupil-metres are.  The search stops
 * when no open node can beat the plan by more than the gap asked for, or
 * when the budget is spent; the bound it reports is the least of the open
 * nodes and of the nodes dropped within the gap.  Budgets count work (the
 * relaxation's arcs scanned and nodes updated, the search's own scanning),
 * never seconds, so a plan is the same on any machine.
 *
 * Layout: values; the compounds' blocks of columns; nodes and moving
 * between them; candidates and fixing; branching and dives; neighbourhoods;
 * the search and its final solve.
 */
#include "search.h"
#include "knap.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ values */

/* The tolerance for tier values x and y: `tol` relative to the larger (0
 * for infinite values, which compare exactly). */
static double tier_tol(double x, double y, double tol)
{
	double m = fmax(1, fmax(fabs(x), fabs(y)));
	return tol > 0 && isfinite(m) ? tol * m : 0;
}

int cm__lex_cmp(const cm_lex *a, const cm_lex *b, double tol)
{
	double t;
	t = tier_tol(a->unplaced, b->unplaced, tol);
	if (a->unplaced < b->unplaced - t)
		return -1;
	if (a->unplaced > b->unplaced + t)
		return 1;
	t = tier_tol(a->shortfall, b->shortfall, tol);
	if (a->shortfall < b->shortfall - t)
		return -1;
	if (a->shortfall > b->shortfall + t)
		return 1;
	t = tier_tol(a->metres, b->metres, tol);
	if (a->metres < b->metres - t)
		return -1;
	if (a->metres > b->metres + t)
		return 1;
	return 0;
}

static cm_lex lex_add(cm_lex a, const cm_lex *b)
{
	a.unplaced += b->unplaced;
	a.shortfall += b->shortfall;
	a.metres += b->metres;
	return a;
}

/* Does value a leave no more whole pupils without a place than b? */
static int places_within(const cm_lex *a, const cm_lex *b)
{
	return ceil(a->unplaced - 1e-6) <= ceil(b->unplaced - 1e-6);
}

/* A relaxation's value as a bound on whole plans: pupils come whole, so a
 * fractional unplaced total rounds up (and nothing below that tier is
 * known then). */
static cm_lex as_bound(cm_lex b)
{
	double u = ceil(b.unplaced - 1e-6);
	if (u > b.unplaced + 1e-6) {
		b.unplaced = u;
		b.shortfall = b.metres = -HUGE_VAL;
	}
	return b;
}

/* ------------------------------------------------------------ the search's data */

/* A compound's columns at one public school: its choice column (if the
 * model has one) and its public flow columns there. */
typedef struct blk {
	size_t start, end;   /* model columns [start, end) */
	int school;          /* dataset index */
	int comp;            /* the compound, an index into search.comp */
	double dist;         /* metres */
} blk;

/* A compound that has public schools to choose from. */
typedef struct scomp {
	int compound;        /* dataset index */
	int first, n;        /* its blocks */
	size_t cstart, cend; /* all its model columns */
	double unplaced;     /* in the incumbent: its pupils without a place */
	double detour;       /* in the incumbent: pupil-metres beyond its nearest school */
} scomp;

typedef struct node {
	int parent;          /* -1: the root */
	int block;           /* what the node adds to its parent's restrictions: */
	int fix;             /* 1: its compound goes to the block's school or none; 0: not there */
	int depth;
	cm_lex bound;        /* the parent's value: no plan below is better */
} node;

/* A split compound: a candidate to branch on. */
typedef struct cand {
	int comp;            /* index into search.comp */
	int major;           /* its block with most pupils */
	double off, total;   /* its public pupils away from that block, and in all */
} cand;

/* A relaxation's solution as the bound that sees whole compounds reads it
 * (knap_read). */
typedef struct kview {
	double *kd;              /* by column: its reduced pupil-metres */
	unsigned char *kup;      /* by column: 1 when using it costs places or quota */
	cm_lex *price;           /* by school: what a seat saves */
	const unsigned char *ok; /* by block: open (the root's root_ok, a node's on) */
	cm_lex base;             /* the solution's value */
} kview;

typedef struct search {
	cm_ctx *ctx;
	const cm_model *m;
	cm_relax *r;
	const cm_search_opts *opts;
	scomp *comp;
	int ncomp;
	blk *blk;
	int nblk;
	unsigned char *on;       /* by block: the compound may use it at the current node */
	unsigned char *root_ok;  /* by block: 0 once ruled out for good */
	unsigned char *want;     /* by block: scratch for moving between nodes */
	unsigned char *save;     /* by block: scratch for probing */
	int *mark;               /* by compound: scratch */
	int *aff;                /* compounds: scratch for goto_node */
	cm_lex *root_rc;         /* by block: its rise at the root (choice_rises) */
	cm_lex *rise;            /* by block of one compound: scratch for fix_at_node */
	cm_lex root;             /* the root's value */
	cm_vec nodes;            /* node */
	cm_vec path;             /* int: the current node's path, root first (node ids) */
	cm_vec tpath;            /* int: scratch */
	int *heap;               /* open nodes (heap_less) */
	int nheap, heapcap;
	int sub;                 /* in a neighbourhood's search (lns) */
	int tree;                /* the tree search has begun */
	double *pc_sum[2];       /* by block: pseudocosts (observe), [0] kept from, [1] held to */
	int *pc_n[2];
	double pc_all[2];
	long pc_alln[2];
	unsigned char *root_save; /* by block: root_ok outside the neighbourhood */
	unsigned char *free_;    /* by compound: free in the neighbourhood */
	int *nb;                 /* by school: its NB neighbours (lns), -1: none */
	/* the incumbent */
	int have;
	cm_lex inc;
	int *home;               /* by compound (search index): its block, -1: none */
	cm_lex dropped;          /* the least bound of the nodes dropped within the gap */
	long solves;             /* relaxations solved */
	long long work;          /* the search's own scanning (the relaxation counts its own) */
	long long limit;         /* work at most (relaxation's and the search's) */
	cand *cands;             /* by compound: scratch for the heuristic dive */
	double *x_inc, *x_new;   /* by column: the incumbent, and a neighbourhood's plan */
	size_t *range;           /* by compound: scratch, column ranges of a neighbourhood */
	int *fl;                 /* compounds: scratch, a neighbourhood's */
	long xver;               /* x_inc's version (relax.neighbourhood) */
	long *start;             /* by dataset compound: the incumbent's school, -1 */
	int max_compound;
	double *flow;            /* by block: public pupils in the last solution (scratch) */
	/* the bound that sees whole compounds (knap_bound), from the root and
	 * at a node */
	kview kroot;
	cm_lex kbound;           /* the bound it proved from the root (-HUGE_VAL: none yet) */
	long kver;               /* the plan (xver) it was proved against */
	int *root_major;         /* by compound: its block with most pupils at the root, -1: none;
	                            -2: split there */
	int *root_main;          /* by compound: its block with most pupils at the root (split or
	                            not), -1: none */
	double *root_cost;       /* by compound: its pupil-metres at the root (flow costs) */
	int wide;                /* 1: reach_round's neighbourhoods widened (lns) */
	long rins_ver;           /* the plan (xver) rins_round last started from */
	long rins_at;            /* relaxations solved when the tree last did (rins_at_node) */
	int *sfirst, *sblk;      /* the blocks by school (blocks_by_school), NULL: not yet */
} search;

static const node *node_at(const search *S, int id)
{
	return &((const node *)S->nodes.data)[id];
}

static long long total_work(const search *S)
{
	return S->work + S->r->work(S->r->self);
}

/* Is the budget spent (work, or solves when a node limit is given)? */
static int spent(const search *S)
{
	return total_work(S) >= S->limit ||
	       (S->opts->node_limit > 0 && S->solves >= S->opts->node_limit);
}

/* Finds each compound's blocks in the model.  A compound's columns are
 * contiguous (model.c); in single mode each public school's begin with its
 * choice column, followed by its public flow columns. */
static int find_blocks(search *S)
{
	const cm_col *cols = S->m->cols.data;
	size_t n = S->m->cols.len, j = 0;
	S->comp = malloc((n + 1) * sizeof *S->comp);
	S->blk = malloc((n + 1) * sizeof *S->blk);
	if (!S->comp || !S->blk)
		return CM_ENOMEM;
	if (!S->m->single)
		return 0; /* split mode: nothing to choose */
	while (j < n) {
		int c = cols[j].compound;
		size_t end = j;
		scomp *sc = &S->comp[S->ncomp];
		while (end < n && cols[end].compound == c)
			end++;
		sc->compound = c;
		sc->first = S->nblk;
		sc->n = 0;
		sc->cstart = j;
		sc->cend = end;
		for (; c >= 0 && j < end; j++) {
			blk *b;
			if (cols[j].kind != CM_COL_CHOICE)
				continue;
			b = &S->blk[S->nblk++];
			b->start = j;
			b->school = cols[j].school;
			b->dist = cols[j].dist;
			b->comp = S->ncomp;
			for (b->end = j + 1; b->end < end && cols[b->end].kind == CM_COL_FLOW &&
			                     cols[b->end].seat == CM_SEAT_PUBLIC &&
			                     cols[b->end].school == b->school;
			     b->end++)
				;
			sc->n++;
		}
		j = end;
		if (sc->n)
			S->ncomp++;
	}
	return 0;
}

/* Sets block b's columns forbidden or not, as S->on[b] says. */
static void apply_block(search *S, int b)
{
	size_t j;
	for (j = S->blk[b].start; j < S->blk[b].end; j++)
		S->r->forbid(S->r->self, j, !S->on[b]);
}

/* ------------------------------------------------------------ nodes */

static int new_node(search *S, int parent, int block, int fix, const cm_lex *bound)
{
	node *n = cm__vec_push(&S->nodes);
	if (!n)
		return -1;
	n->parent = parent;
	n->block = block;
	n->fix = fix;
	n->depth = parent >= 0 ? node_at(S, parent)->depth + 1 : 1;
	n->bound = *bound;
	return (int)S->nodes.len - 1;
}

/* Heap order: the least bound first; then the deeper node (nearer a
 * plan); then the older. */
static int heap_less(const search *S, int a, int b)
{
	const node *x = node_at(S, a), *y = node_at(S, b);
	int c = cm__lex_cmp(&x->bound, &y->bound, 0);
	if (c)
		return c < 0;
	if (x->depth != y->depth)
		return x->depth > y->depth;
	return a < b;
}

static int heap_push(search *S, int id)
{
	int i;
	if (S->nheap == S->heapcap) {
		int cap = S->heapcap ? 2 * S->heapcap : 256, *h = realloc(S->heap, (size_t)cap * sizeof *h);
		if (!h)
			return -1;
		S->heap = h;
		S->heapcap = cap;
	}
	for (i = S->nheap++; i > 0 && heap_less(S, id, S->heap[(i - 1) / 2]); i = (i - 1) / 2)
		S->heap[i] = S->heap[(i - 1) / 2];
	S->heap[i] = id;
	return 0;
}

static int heap_pop(search *S)
{
	int top = S->heap[0], last = S->heap[--S->nheap], i = 0;
	for (;;) {
		int k = 2 * i + 1;
		if (k >= S->nheap)
			break;
		if (k + 1 < S->nheap && heap_less(S, S->heap[k + 1], S->heap[k]))
			k++;
		if (!heap_less(S, S->heap[k], last))
			break;
		S->heap[i] = S->heap[k];
		i = k;
	}
	if (S->nheap)
		S->heap[i] = last;
	return top;
}

/* Makes node `id` (-1: the root) the current one: the compounds its path
 * or the current path restricts get the restrictions it says (the root's
 * fixing, then each node's on the way; restrictions only narrow, so their
 * order does not matter).  Linear in the two paths. */
static int goto_node(search *S, int id)
{
	int *cur = S->path.data, *tp, n, k;
	size_t i, np = S->path.len, ntp, naff = 0;
	int *aff;
	S->tpath.len = 0;
	for (n = id; n >= 0; n = node_at(S, n)->parent)
		if (!cm__vec_push(&S->tpath))
			return CM_ENOMEM;
	tp = S->tpath.data;
	ntp = S->tpath.len;
	for (i = 0, n = id; n >= 0; n = node_at(S, n)->parent, i++)
		tp[ntp - 1 - i] = n;
	aff = S->aff;
	/* the compounds either path restricts: their blocks as the root has them */
	for (int pass = 0; pass < 2; pass++) {
		const int *p = pass ? tp : cur;
		size_t len = pass ? ntp : np;
		for (i = 0; i < len; i++) {
			int c = S->blk[node_at(S, p[i])->block].comp;
			if (S->mark[c])
				continue;
			S->mark[c] = 1;
			aff[naff++] = c;
			for (k = S->comp[c].first; k < S->comp[c].first + S->comp[c].n; k++)
				S->want[k] = S->root_ok[k];
		}
	}
	/* the target's restrictions */
	for (i = 0; i < ntp; i++) {
		const node *nd = node_at(S, tp[i]);
		const scomp *sc = &S->comp[S->blk[nd->block].comp];
		if (nd->fix) {
			for (k = sc->first; k < sc->first + sc->n; k++)
				if (k != nd->block)
					S->want[k] = 0;
		} else {
			S->want[nd->block] = 0;
		}
	}
	for (i = 0; i < naff; i++) {
		int c = aff[i];
		S->mark[c] = 0;
		for (k = S->comp[c].first; k < S->comp[c].first + S->comp[c].n; k++)
			if (S->on[k] != S->want[k]) {
				S->on[k] = S->want[k];
				apply_block(S, k);
			}
	}
	/* the target path becomes the current one */
	{
		cm_vec t = S->path;
		S->path = S->tpath;
		S->tpath = t;
	}
	return 0;
}

/* Adds child `id` of the current node to the current restrictions. */
static int descend(search *S, int id)
{
	const node *n = node_at(S, id);
	const scomp *sc = &S->comp[S->blk[n->block].comp];
	int k, *slot = cm__vec_push(&S->path);
	if (!slot)
		return CM_ENOMEM;
	*slot = id;
	for (k = sc->first; k < sc->first + sc->n; k++) {
		int want = n->fix ? S->on[k] && k == n->block : S->on[k] && k != n->block;
		if (want != S->on[k]) {
			S->on[k] = (unsigned char)want;
			apply_block(S, k);
		}
	}
	return 0;
}

/* ------------------------------------------------------------ candidates and fixing */

/* Pupil-metres a plan may be above a bound and still count as optimal. */
static double metres_tol(const search *S, const cm_lex *inc)
{
	double rel = S->opts->gap > 1e-9 ? S->opts->gap : 1e-9;
	return fmax(rel * fabs(inc->metres), 5e-4);
}

/* Can a plan of value at least `b` beat the incumbent by more than the
 * gap?  (Always, without an incumbent.) */
static int can_beat(const search *S, const cm_lex *b)
{
	const cm_lex *z = &S->inc;
	double u, t;
	if (!S->have)
		return 1;
	u = ceil(b->unplaced - 1e-6);
	if (u < z->unplaced - 0.5)
		return 1;
	if (u > z->unplaced + 0.5)
		return 0;
	t = 1e-6 * fmax(1, fabs(z->shortfall));
	if (b->shortfall < z->shortfall - t)
		return 1;
	if (b->shortfall > z->shortfall + t)
		return 0;
	return b->metres < z->metres - metres_tol(S, z);
}

/* A node dropped although its bound is below the plan (within the gap):
 * its bound still limits what the search can claim. */
static void note_dropped(search *S, const cm_lex *b)
{
	if (S->have && cm__lex_cmp(b, &S->inc, 0) < 0 && cm__lex_cmp(b, &S->dropped, 0) < 0)
		S->dropped = *b;
}

/* cand order: most pupils away from the main school first, then most
 * pupils, then the first compound. */
static int cand_before(const cand *a, const cand *b)
{
	if (a->off > b->off + 1e-9 || a->off < b->off - 1e-9)
		return a->off > b->off;
	if (a->total > b->total + 1e-9 || a->total < b->total - 1e-9)
		return a->total > b->total;
	return a->comp < b->comp;
}

/* Public pupils per block in the last solution (S->flow), and the split
 * compounds: the `max` first in cand order into `out`.  Returns how many
 * (0: no compound is split: the solution is a plan). */
static int find_splits(search *S, cand *out, int max)
{
	const cm_col *cols = S->m->cols.data;
	int c, n = 0;
	S->work += (long long)S->m->cols.len;
	for (c = 0; c < S->ncomp; c++) {
		const scomp *sc = &S->comp[c];
		int k, used = 0, top = -1, i;
		double total = 0;
		cand cd;
		for (k = sc->first; k < sc->first + sc->n; k++) {
			double f = 0;
			size_t j;
			if (S->on[k])
				for (j = S->blk[k].start; j < S->blk[k].end; j++)
					if (cols[j].kind == CM_COL_FLOW)
						f += S->r->value(S->r->self, j);
			S->flow[k] = f;
			if (f <= 1e-6)
				continue;
			used++;
			total += f;
			if (top < 0 || f > S->flow[top] + 1e-9 ||
			    (f > S->flow[top] - 1e-9 && S->blk[k].dist < S->blk[top].dist))
				top = k;
		}
		if (used < 2)
			continue;
		cd.comp = c;
		cd.major = top;
		cd.total = total;
		cd.off = total - S->flow[top];
		/* insertion into the first `max` */
		if (n == max && !cand_before(&cd, &out[n - 1]))
			continue;
		for (i = n < max ? n++ : max - 1; i > 0 && cand_before(&cd, &out[i - 1]); i--)
			out[i] = out[i - 1];
		out[i] = cd;
	}
	return n;
}

static int all_whole(const search *S)
{
	const cm_col *cols = S->m->cols.data;
	size_t j;
	for (j = 0; j < S->m->cols.len; j++)
		if (cols[j].kind == CM_COL_FLOW || cols[j].kind == CM_COL_UNPLACED) {
			double v = S->r->value(S->r->self, j);
			if (fabs(v - floor(v + 0.5)) > 1e-6)
				return 0;
		}
	return 1;
}

/* Rules out for good the blocks whose reduced cost at the root shows that
 * no plan using them can beat the incumbent by more than the gap asked
 * for; their bound stays in force (note_dropped), or the search would
 * claim more than it proved. */
static void fix_at_root(search *S)
{
	int k, fixed = 0;
	if (!S->root_rc || !S->have)
		return;
	for (k = 0; k < S->nblk; k++) {
		cm_lex b;
		if (!S->root_ok[k])
			continue;
		b = lex_add(S->root, &S->root_rc[k]);
		if (can_beat(S, &b))
			continue;
		note_dropped(S, &b); /* it may hold a plan within the gap */
		S->root_ok[k] = 0;
		fixed++;
		if (S->on[k]) {
			S->on[k] = 0;
			apply_block(S, k);
		}
	}
	if (fixed && !S->opts->inner)
		cm__log(S->ctx, CM_LOG_DEBUG, "%s: %d school choices ruled out by reduced cost at the root",
		        S->opts->label, fixed);
}

static cm_lex lex_scale(cm_lex a, double f)
{
	a.unplaced *= f;
	a.shortfall *= f;
	a.metres *= f;
	return a;
}

static void lex_min_into(cm_lex *acc, const cm_lex *v)
{
	if (cm__lex_cmp(v, acc, 0) < 0)
		*acc = *v;
}

/* What holding each school choice of compound c to its school adds at
 * least to the last solve's value, from the reduced costs: rise[i] for
 * its block first + i.  Each of its pupils then goes to that school, to a
 * private place (migrants) or to none, and no column of those is in use.
 * Per group: its pupils times the least reduced cost of those ways (LP
 * duality: every other column's contribution is >= 0).  The ways the
 * choices share (no place, private places) are priced once. */
static void choice_rises(search *S, int c, cm_lex *rise)
{
	const cm_col *cols = S->m->cols.data;
	const scomp *sc = &S->comp[c];
	cm_lex other[CM_NGROUPS], rc;
	double n[CM_NGROUPS] = {0, 0};
	size_t j;
	int g, k;
	for (g = 0; g < CM_NGROUPS; g++)
		other[g].unplaced = other[g].shortfall = other[g].metres = HUGE_VAL;
	for (j = sc->cstart; j < sc->cend; j++) {
		const cm_col *col = &cols[j];
		if (col->kind == CM_COL_UNPLACED)
			n[col->group] = col->ub;
		else if (col->kind != CM_COL_FLOW || col->seat == CM_SEAT_PUBLIC)
			continue;
		S->r->reduced(S->r->self, j, &rc);
		lex_min_into(&other[col->group], &rc);
	}
	for (k = 0; k < sc->n; k++) {
		const blk *bk = &S->blk[sc->first + k];
		cm_lex least[CM_NGROUPS];
		memcpy(least, other, sizeof least);
		for (j = bk->start; j < bk->end; j++)
			if (cols[j].kind == CM_COL_FLOW) {
				S->r->reduced(S->r->self, j, &rc);
				lex_min_into(&least[cols[j].group], &rc);
			}
		rise[k].unplaced = rise[k].shortfall = rise[k].metres = 0;
		for (g = 0; g < CM_NGROUPS; g++)
			if (n[g] > 0 && least[g].unplaced != HUGE_VAL) {
				rc = lex_scale(least[g], n[g]);
				rise[k] = lex_add(rise[k], &rc);
			}
	}
}

/* Each school choice's rise (choice_rises) at the root. */
static int root_reduced(search *S)
{
	int c;
	if (!S->r->reduced || !S->nblk)
		return 0;
	if (!(S->root_rc = malloc((size_t)S->nblk * sizeof *S->root_rc)))
		return CM_ENOMEM;
	S->work += (long long)S->m->cols.len * 4;
	for (c = 0; c < S->ncomp; c++)
		choice_rises(S, c, &S->root_rc[S->comp[c].first]);
	return 0;
}

/* ------------------------------------------------------------ whole compounds at full schools */

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

static void kview_free(kview *v)
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
static int knap_prepare(search *S)
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
 * pupils not there paying at least alt[g] elsewhere.  Returns 0 when the
 * compound cannot go there (a whole group's columns are closed), or its
 * counts are not whole. */
static int knap_item(const search *S, const kview *v, int k, const double *alt, double p,
                     cm__kitem *it)
{
	const cm_col *cols = S->m->cols.data;
	const scomp *sc = &S->comp[S->blk[k].comp];
	double pupils[CM_NGROUPS] = {0, 0};
	size_t j;
	int g;
	it->weight = it->cost = it->more = 0;
	it->rate = HUGE_VAL;
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
			it->more += left;
			it->rate = fmin(it->rate, least - p - alt[g]);
		}
	}
	if (it->rate == HUGE_VAL)
		it->rate = 0;
	return it->weight > 0 || it->more > 0;
}

#define KNAP_MAX_CELLS 5e7 /* items x seats of one school's table, at most */

/* The blocks by school, built once: school s's are
 * sblk[sfirst[s] .. sfirst[s + 1]), in block order (knap_sum, the first
 * plan's parts). */
static int blocks_by_school(search *S)
{
	size_t ns = S->m->n_schools, i;
	int k;
	if (S->sfirst)
		return 0;
	if (!(S->sfirst = calloc(ns + 2, sizeof *S->sfirst)) ||
	    !(S->sblk = malloc(((size_t)S->nblk + 1) * sizeof *S->sblk)))
		return CM_ENOMEM;
	for (k = 0; k < S->nblk; k++)
		S->sfirst[S->blk[k].school + 1]++;
	for (i = 0; i < ns; i++)
		S->sfirst[i + 1] += S->sfirst[i];
	for (k = 0; k < S->nblk; k++)
		S->sblk[S->sfirst[S->blk[k].school]++] = k;
	for (i = ns; i > 0; i--) /* sfirst[i] ended school i: back to its start */
		S->sfirst[i] = S->sfirst[i - 1];
	S->sfirst[0] = 0;
	return 0;
}

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
	if ((rc = blocks_by_school(S)))
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
			continue; /* not a public school, or nothing to gain */
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
static int knap_bound(search *S)
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

/* The best bound the search holds now: the least of the open nodes (the
 * heap's first), the nodes dropped within the gap and the plan. */
static cm_lex bound_now(const search *S)
{
	cm_lex b = S->inc;
	if (!S->tree)
		return S->root; /* the tree has not begun: the root's is all there is */
	if (cm__lex_cmp(&S->dropped, &b, 0) < 0)
		b = S->dropped;
	if (S->nheap && cm__lex_cmp(&node_at(S, S->heap[0])->bound, &b, 0) < 0)
		b = node_at(S, S->heap[0])->bound;
	if (cm__lex_cmp(&S->kbound, &b, 0) > 0)
		b = S->kbound;
	return b;
}

/* Progress: the plan, the bound and the gap between them. */
static void progress(search *S)
{
	char line[160];
	cm_lex b;
	if (!S->have || S->opts->inner || S->sub || !S->ctx->progress)
		return;
	b = bound_now(S);
	if (ceil(b.unplaced - 1e-6) < S->inc.unplaced - 0.5)
		snprintf(line, sizeof line, _("%s: %.0f without a place (at least %.0f)"),
		         cm__level_label(S->m->level), S->inc.unplaced, ceil(b.unplaced - 1e-6));
	else
		snprintf(line, sizeof line, _("%s: %.0f pupil-m, %.3f%% above the bound"),
		         cm__level_label(S->m->level), S->inc.metres,
		         S->inc.metres > 0 ? 100 * fmax(0, S->inc.metres - b.metres) / S->inc.metres : 0);
	cm__progress(S->ctx, (double)total_work(S) / (double)S->limit, line);
}

/* Progress, and a debug line on the incumbent. */
static void show(search *S, const char *what)
{
	double gap;
	progress(S);
	if (!S->have || S->opts->inner)
		return;
	gap = S->inc.metres != 0 ? (S->inc.metres - S->root.metres) / fabs(S->inc.metres) : 0;
	cm__log(S->ctx, CM_LOG_DEBUG, "%s: %s, %.0f without a place, %.0f pupil-m (root bound %.0f, "
	        "%.3f%%), %ld solves, work %lld", S->opts->label, what, S->inc.unplaced, S->inc.metres,
	        S->root.metres, 100 * gap, S->solves, total_work(S));
}

/* Block k's public pupils in plan `x`. */
static double block_pupils(const search *S, int k, const double *x)
{
	const cm_col *cols = S->m->cols.data;
	double f = 0;
	size_t j;
	for (j = S->blk[k].start; j < S->blk[k].end; j++)
		if (cols[j].kind == CM_COL_FLOW)
			f += x[j];
	return f;
}

/* The incumbent's school of compound c (its block with pupils, -1: none),
 * its pupils without a place and its detour, from plan `x`. */
static void home_of(search *S, int c, const double *x)
{
	const cm_col *cols = S->m->cols.data;
	scomp *sc = &S->comp[c];
	int k, near = -1;
	size_t j;
	double f = 0;
	S->home[c] = -1;
	for (k = sc->first; k < sc->first + sc->n; k++) {
		double fk = block_pupils(S, k, x);
		if (fk > 1e-6 && (S->home[c] < 0 || fk > f)) {
			S->home[c] = k;
			f = fk;
		}
		if (S->root_ok[k] && (near < 0 || S->blk[k].dist < S->blk[near].dist))
			near = k;
	}
	sc->unplaced = 0;
	for (j = sc->cstart; j < sc->cend; j++)
		if (cols[j].kind == CM_COL_UNPLACED)
			sc->unplaced += x[j];
	sc->detour = S->home[c] >= 0 && near >= 0 ? f * (S->blk[S->home[c]].dist - S->blk[near].dist)
	                                          : 0;
}

static void homes_from(search *S, const double *x)
{
	int c;
	for (c = 0; c < S->ncomp; c++)
		home_of(S, c, x);
}

/* A plan: the current solution, where no compound is split.  Keeps it when
 * it beats the incumbent. */
static int take_plan(search *S, const cm_lex *b)
{
	cm_lex v = *b;
	int rc;
	size_t j;
	if (!all_whole(S)) {
		if (!S->r->whole)
			return cm__error(S->ctx, CM_ESOLVER, "%s: the relaxation left fractional pupils "
			                 "(a fault: please report it)", S->opts->label);
		if ((rc = S->r->whole(S->r->self, &v)) < 0)
			return rc;
		note_dropped(S, b); /* its bound stays in force */
		if (rc == 1)
			return 0; /* no whole plan found here: the search goes on */
	}
	/* within GLPK's tolerance, a tier is equal: no noise may pass for
	 * a better plan */
	if (S->have && cm__lex_cmp(&v, &S->inc, 1e-7) >= 0)
		return 0;
	S->inc = v;
	S->have = 1;
	for (j = 0; j < S->m->cols.len; j++)
		S->x_inc[j] = S->r->value(S->r->self, j);
	S->xver++;
	homes_from(S, S->x_inc);
	show(S, S->sub ? "plan (neighbourhood)" : "plan");
	if (!S->sub)
		fix_at_root(S);
	return 0;
}

/* ------------------------------------------------------------ the search */

static int solve_here(search *S, cm_lex *b)
{
	int rc = S->r->solve(S->r->self, b);
	if (++S->solves % 256 == 0)
		progress(S);
	if (!rc)
		*b = as_bound(*b);
	return rc;
}

/* How much a child's value `v` is above its parent's `b`, as one number
 * for comparing branchings (an unplaced pupil above any pupil-metres). */
static double gain(const search *S, const cm_lex *v, const cm_lex *b)
{
	if (!can_beat(S, v))
		return 1e30; /* the child is pruned */
	return fmax(0, (v->unplaced - b->unplaced) * 1e12 + (v->shortfall - b->shortfall) * 1e9 +
	                   (v->metres - b->metres));
}

/* Saved solves in the relaxation (cm_relax.save) while a node probes: the
 * node's own, the child it prefers so far, and the two children of the
 * candidate probed last.  Going back to a saved solve costs a copy, where
 * solving again would pivot back. */
enum { SLOT_NODE, SLOT_BEST, SLOT_FIX, SLOT_FREE };

/* `slot` saved; 0 when the relaxation keeps none. */
static int save_slot(search *S, int slot)
{
	return S->r->save && !S->r->save(S->r->self, slot);
}

/* Holds candidate `cd`'s compound to its main block (fix 1) or keeps it
 * from it (fix 0), solves, and puts its restrictions back: the child's
 * value into *v.  `node_saved`: the node's solve is in SLOT_NODE; the child's is then
 * saved in SLOT_FIX or SLOT_FREE (*kept says whether it was) and the
 * node's solve restored, not solved again. */
static int probe(search *S, const cand *cd, int fix, cm_lex *v, int node_saved, int *kept)
{
	const scomp *sc = &S->comp[cd->comp];
	int k, rc;
	for (k = sc->first; k < sc->first + sc->n; k++) {
		int want = fix ? S->on[k] && k == cd->major : S->on[k] && k != cd->major;
		S->save[k] = S->on[k];
		if (want != S->on[k]) {
			S->on[k] = (unsigned char)want;
			apply_block(S, k);
		}
	}
	rc = solve_here(S, v);
	*kept = !rc && node_saved && save_slot(S, fix ? SLOT_FIX : SLOT_FREE);
	for (k = sc->first; k < sc->first + sc->n; k++)
		if (S->save[k] != S->on[k]) {
			S->on[k] = S->save[k];
			apply_block(S, k);
		}
	if (!rc && node_saved)
		S->r->restore(S->r->self, SLOT_NODE);
	return rc;
}

/* Reduced-cost fixing at a node of value `b`: a school choice its
 * compound does not use, whose rise (choice_rises) shows that no plan below
 * that uses it can beat the incumbent, is ruled out below (a chain of
 * nodes under *at).  The solution stays optimal: no such choice carried
 * pupils.  Returns 0 or CM_ENOMEM. */
static int fix_at_node(search *S, int *at, const cm_lex *b)
{
	int c, k;
	if (!S->have || !S->r->reduced || S->sub)
		return 0;
	S->work += (long long)S->m->cols.len * 4;
	for (c = 0; c < S->ncomp; c++) {
		const scomp *sc = &S->comp[c];
		int open = 0;
		for (k = sc->first; k < sc->first + sc->n; k++)
			open |= S->on[k] && S->flow[k] <= 1e-6;
		if (!open)
			continue;
		choice_rises(S, c, S->rise);
		for (k = sc->first; k < sc->first + sc->n; k++) {
			cm_lex v;
			int id;
			if (!S->on[k] || S->flow[k] > 1e-6)
				continue;
			v = lex_add(*b, &S->rise[k - sc->first]);
			if (can_beat(S, &v))
				continue;
			note_dropped(S, &v);
			if ((id = new_node(S, *at, k, 0, b)) < 0 || descend(S, id))
				return CM_ENOMEM;
			*at = id;
		}
	}
	return 0;
}

#define CANDS 12    /* split compounds considered at a node */
#define RELIABLE 2  /* probes of a school choice before its pseudocost is trusted */
#define PROBES 4    /* probes at a node at most (the first node: all candidates) */

/* Pseudocosts (reliability branching): each block's observed rise per
 * pupil moved, when its compound is held to it (fix) and kept from it. */
static void observe(search *S, const cand *cd, int fix, double g)
{
	double units = fix ? cd->off : S->flow[cd->major];
	int k = cd->major;
	if (g >= 1e29 || units <= 0)
		return; /* a pruned child says nothing of the rise */
	S->pc_sum[fix][k] += g / units;
	S->pc_n[fix][k]++;
	S->pc_all[fix] += g / units;
	S->pc_alln[fix]++;
}

/* A child's estimated rise from the pseudocosts (the block's, else the
 * average of all). */
static double estimate(const search *S, const cand *cd, int fix)
{
	int k = cd->major;
	double units = fix ? cd->off : S->flow[cd->major];
	double per = S->pc_n[fix][k] ? S->pc_sum[fix][k] / S->pc_n[fix][k]
	             : S->pc_alln[fix] ? S->pc_all[fix] / S->pc_alln[fix]
	                               : 1;
	return per * units;
}

/* From the current (solved) node of value `b`: branch until a plan or a
 * node that cannot beat the incumbent.  Of the first few split compounds,
 * those whose pseudocosts are not yet reliable are probed (strong
 * branching: both children solved); the compound whose children rise most
 * (the product of their rises, probed or estimated) is branched on.  A
 * probed child that cannot beat the incumbent is a restriction on the
 * whole node, which is solved again.  The search dives into the lower
 * child; the other goes on the heap with its value (or its parent's) as
 * its bound. */
static int dive(search *S, int at, cm_lex b)
{
	int rc;
	for (;;) {
		cand cd[CANDS];
		int n, i, pick = 0, child, other, fix_first = 1, probes = 0, implied = 0;
		int probed[CANDS], node_saved = 0, best_kept = -1; /* the pick's preferred child in
		                                                     * SLOT_BEST: its fix, -1 none */
		cm_lex v[CANDS][2];
		double best = -1;
		if (!can_beat(S, &b)) {
			note_dropped(S, &b);
			return 0;
		}
		n = find_splits(S, cd, CANDS);
		if (n == 0)
			return take_plan(S, &b);
		if ((rc = fix_at_node(S, &at, &b)))
			return rc;
		if (S->have && spent(S)) {
			/* the budget is spent: this node stays open */
			if ((child = new_node(S, at, cd[0].major, 1, &b)) < 0 ||
			    (other = new_node(S, at, cd[0].major, 0, &b)) < 0 || heap_push(S, child) ||
			    heap_push(S, other))
				return CM_ENOMEM;
			return 0;
		}
		for (i = 0; i < n; i++) {
			double g[2];
			int k = cd[i].major;
			probed[i] = n > 1 && (at < 0 || probes < PROBES) &&
			            (S->pc_n[0][k] < RELIABLE || S->pc_n[1][k] < RELIABLE);
			int kept[2] = {0, 0};
			if (probed[i]) {
				if (!node_saved)
					node_saved = save_slot(S, SLOT_NODE);
				if ((rc = probe(S, &cd[i], 1, &v[i][0], node_saved, &kept[1])) ||
				    (rc = probe(S, &cd[i], 0, &v[i][1], node_saved, &kept[0])))
					return rc;
				probes++;
				g[0] = gain(S, &v[i][0], &b);
				g[1] = gain(S, &v[i][1], &b);
				observe(S, &cd[i], 1, g[0]);
				observe(S, &cd[i], 0, g[1]);
				if (can_beat(S, &v[i][0]) != can_beat(S, &v[i][1])) {
					/* one child cannot beat the incumbent: the node is
					 * restricted to the other */
					int fx = can_beat(S, &v[i][0]), id;
					if ((id = new_node(S, at, k, !fx ? 0 : 1, &b)) < 0 || (rc = descend(S, id)))
						return CM_ENOMEM;
					note_dropped(S, !fx ? &v[i][0] : &v[i][1]);
					at = id;
					implied++;
					/* the node is now that child: its saved solve is the
					 * node's, and the pick so far was probed elsewhere */
					best_kept = -1;
					if (kept[fx]) {
						S->r->restore(S->r->self, fx ? SLOT_FIX : SLOT_FREE);
						S->r->swap(S->r->self, SLOT_NODE, fx ? SLOT_FIX : SLOT_FREE);
					} else {
						node_saved = 0;
					}
					continue;
				}
				if (!can_beat(S, &v[i][0])) {
					/* neither child can: nor can the node */
					note_dropped(S, &v[i][0]);
					note_dropped(S, &v[i][1]);
					return 0;
				}
			} else {
				v[i][0] = v[i][1] = b;
				g[0] = estimate(S, &cd[i], 1);
				g[1] = estimate(S, &cd[i], 0);
			}
			g[0] = fmax(g[0], 1e-3) * fmax(g[1], 1e-3);
			if (g[0] > best) {
				/* the child the dive goes to first (below): its solve kept */
				int pref = !(probed[i] && cm__lex_cmp(&v[i][1], &v[i][0], 0) < 0);
				best = g[0];
				pick = i;
				best_kept = -1;
				if (probed[i] && kept[pref]) {
					S->r->swap(S->r->self, SLOT_BEST, pref ? SLOT_FIX : SLOT_FREE);
					best_kept = pref;
				}
			}
		}
		if (implied) {
			/* the candidates may have changed: look again */
			if ((rc = solve_here(S, &b)))
				return rc;
			continue;
		}
		if (probed[pick] && cm__lex_cmp(&v[pick][1], &v[pick][0], 0) < 0)
			fix_first = 0;
		if ((child = new_node(S, at, cd[pick].major, fix_first, &v[pick][!fix_first])) < 0)
			return CM_ENOMEM;
		if ((other = new_node(S, at, cd[pick].major, !fix_first, &v[pick][fix_first])) < 0 ||
		    heap_push(S, other))
			return CM_ENOMEM;
		if ((rc = descend(S, child)))
			return rc;
		if (best_kept == fix_first)
			S->r->restore(S->r->self, SLOT_BEST); /* solved when probed */
		if ((rc = solve_here(S, &b)))
			return rc;
		if (!probed[pick]) {
			observe(S, &cd[pick], fix_first, gain(S, &b, &v[pick][0]));
		}
		at = child;
	}
}

/* Holds block k's compound to the block's school, as a new node under
 * `at`; returns its id, or -1 when out of memory. */
static int hold(search *S, int at, int k, const cm_lex *b)
{
	int id = new_node(S, at, k, 1, b);
	return id < 0 || descend(S, id) ? -1 : id;
}

/* The first plan, by a dive outside the tree (the old dive of glpk.c and
 * flow.c, once): each step holds at once every split compound with 95% or
 * more of its public pupils at one school, and keeps the batch unless it
 * leaves more pupils without a place; else it takes the split compound
 * with the largest share alone, tries it at each of its schools and keeps
 * the best (LOOKAHEAD such steps; then every split compound is held to its
 * main school at once, as a city has thousands).  The relaxation solves
 * again after each step, so the compounds not yet held adapt.  Ends at a
 * plan; the tree's nodes are untouched. */
#define LOOKAHEAD 200 /* steps of the first dive that try a compound at each school */

static int heur_dive(search *S, int at, cm_lex b)
{
	int rc, batch_ok = 1, steps = 0;
	for (;;) {
		int n = find_splits(S, S->cands, S->ncomp), i, nb = 0, best = -1, start = at;
		double share = -1;
		cm_lex v;
		if (n == 0)
			return take_plan(S, &b);
		if (spent(S))
			steps = LOOKAHEAD; /* the budget is spent: a plan at once */
		for (i = 0; i < n; i++) {
			const cand *c = &S->cands[i];
			double sh = S->flow[c->major] / c->total;
			if ((batch_ok && sh >= 0.95) || steps >= LOOKAHEAD) {
				if ((at = hold(S, at, c->major, &b)) < 0)
					return CM_ENOMEM;
				nb++;
			} else if (sh > share) {
				share = sh;
				best = i;
			}
		}
		if (nb) {
			if ((rc = solve_here(S, &v)))
				return rc;
			if (steps >= LOOKAHEAD || places_within(&v, &b)) {
				b = v;
				continue;
			}
			/* the batch costs places: one at a time until a step goes well */
			at = start;
			if ((rc = goto_node(S, at)) || (rc = solve_here(S, &b)))
				return rc;
			batch_ok = 0;
			continue;
		}
		{
			const cand c = S->cands[best];
			const scomp *sc = &S->comp[c.comp];
			int k, pick = -1, id;
			cm_lex bv = b;
			for (k = sc->first; k < sc->first + sc->n; k++) {
				if (S->flow[k] <= 1e-6)
					continue;
				if ((id = hold(S, start, k, &b)) < 0)
					return CM_ENOMEM;
				if ((rc = solve_here(S, &v)))
					return rc;
				if (pick < 0 || cm__lex_cmp(&v, &bv, 0) < 0) {
					pick = id;
					bv = v;
				}
				if ((rc = goto_node(S, start)))
					return rc;
			}
			at = pick;
			if ((rc = goto_node(S, at)) || (rc = solve_here(S, &b)))
				return rc;
			batch_ok = 1;
			steps++;
		}
	}
}

/* Last year's plan as a start: every compound whose school then is among
 * its choices is held there, then a dive outside the tree makes the rest
 * a plan. */
static int start_from(search *S)
{
	int c, at = -1, rc;
	cm_lex b;
	for (c = 0; c < S->ncomp; c++) {
		const scomp *sc = &S->comp[c];
		long want = S->opts->start[sc->compound];
		int k;
		if (want < 0)
			continue;
		for (k = sc->first; k < sc->first + sc->n; k++)
			if (S->blk[k].school == want && S->root_ok[k]) {
				int id = new_node(S, at, k, 1, &S->root);
				if (id < 0 || (rc = descend(S, id)))
					return CM_ENOMEM;
				at = id;
			}
	}
	if (at < 0)
		return 0;
	if ((rc = solve_here(S, &b)) || (rc = heur_dive(S, at, b)))
		return rc;
	show(S, "from last year's plan");
	return goto_node(S, -1);
}

static int rins_at_node(search *S);
#define RINS_EVERY 1000 /* the tree's relaxations between two of rins_at_node */

/* Best first from the heap, diving from each node, until no node is left
 * or the budget is spent. */
static int run_tree(search *S)
{
	int rc;
	cm_lex b;
	while (S->nheap && !spent(S)) {
		int id;
		if ((rc = knap_bound(S)))
			return rc;
		if (!can_beat(S, &S->kbound))
			break;
		id = heap_pop(S);
		const node *n = node_at(S, id);
		if (!can_beat(S, &n->bound)) {
			note_dropped(S, &n->bound);
			continue;
		}
		if ((rc = goto_node(S, id)) || (rc = solve_here(S, &b)))
			return rc;
		if (S->solves - S->rins_at >= RINS_EVERY && (rc = rins_at_node(S)))
			return rc;
		if ((rc = dive(S, id, b)))
			return rc;
	}
	return 0;
}

/* Every block as root_ok says (the current path empty). */
static void sync_root(search *S)
{
	int k;
	for (k = 0; k < S->nblk; k++)
		if (S->on[k] != S->root_ok[k]) {
			S->on[k] = S->root_ok[k];
			apply_block(S, k);
		}
}

/* ------------------------------------------------------------ neighbourhoods */

#define NB 3          /* neighbours of a school in its neighbourhood */
#define NB_SOLVES 200 /* a neighbourhood's budget, in solves of the whole relaxation */
#define NB_WORK 3000000LL /* a neighbourhood's budget as a model of its own, in work */
#define RINS_WORK (NB_WORK * 8) /* rins_round's budget */

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

/* Marks school s's neighbours (find_neighbours) in `in`. */
static void mark_neighbours(const search *S, int s, unsigned char *in)
{
	int q;
	for (q = 0; q < NB; q++)
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
	cm_lex dropped = S->dropped, b;
	if ((rc = goto_node(S, -1)))
		return rc;
	memcpy(S->root_save, S->root_ok, (size_t)S->nblk);
	for (c = 0; c < S->ncomp; c++)
		if (!S->free_[c])
			for (k = S->comp[c].first; k < S->comp[c].first + S->comp[c].n; k++)
				S->root_ok[k] = S->root_ok[k] && k == S->home[c];
	sync_root(S);
	S->sub = 1;
	S->heap = NULL;
	S->nheap = S->heapcap = 0;
	S->limit = total_work(S) + budget < limit ? total_work(S) + budget : limit;
	/* a quick plan first, then the tree */
	rc = solve_here(S, &b);
	if (!rc)
		rc = heur_dive(S, -1, b);
	if (!rc && !spent(S))
		rc = goto_node(S, -1);
	if (!rc && !spent(S))
		rc = solve_here(S, &b);
	if (!rc && !spent(S))
		rc = dive(S, -1, b);
	if (!rc)
		rc = run_tree(S);
	free(S->heap);
	S->heap = heap;
	S->nheap = nheap;
	S->heapcap = heapcap;
	S->limit = limit;
	S->dropped = dropped;
	S->sub = 0;
	if (!rc)
		rc = goto_node(S, -1);
	memcpy(S->root_ok, S->root_save, (size_t)S->nblk);
	sync_root(S);
	return rc;
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

/* Does the plan leave no more pupils without a place than the root (in
 * whole pupils)?  Until it does, the neighbourhoods win places first. */
static int places_settled(const search *S)
{
	return places_within(&S->inc, &S->root);
}

/* Searches afresh the compounds S->free_ marks (at least two), the others
 * held where S->x_inc has them, with `budget` work: as a model of its own
 * where the relaxation can (its work grows with its size), else in place.
 * A better plan becomes the incumbent.  `part` (first_by_parts, the model's
 * own neighbourhoods only): x_inc is the root's solution, with split
 * compounds; the free ones start from no school and their new columns are
 * taken whether better or not, as they must become whole.  Without `part`,
 * x_inc may still have split compounds outside the free ones (a part
 * searched again): they keep their pupils, and the plan found is never
 * worse than x_inc. */
static int run_neighbourhood(search *S, long long budget, int part)
{
	long long w;
	cm_lex v;
	size_t nfree = 0, f, j;
	int c, rc;
	if (!S->r->neighbourhood) {
		long long per = S->solves ? total_work(S) / S->solves : 1;
		return neighbourhood(S, NB_SOLVES * per * budget / NB_WORK);
	}
	for (c = 0; c < S->ncomp; c++)
		if (S->free_[c]) {
			const scomp *sc = &S->comp[c];
			S->range[2 * nfree] = sc->cstart;
			S->range[2 * nfree + 1] = sc->cend;
			S->fl[nfree++] = c;
			S->start[sc->compound] =
			        !part && S->home[c] >= 0 ? S->blk[S->home[c]].school : -1;
		}
	rc = S->r->neighbourhood(S->r->self, S->x_inc, S->xver, S->range, nfree, S->start, budget,
	                         S->x_new, &v, &w);
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
		home_of(S, S->fl[f], S->x_inc);
	}
	show(S, "plan (neighbourhood)");
	return 0;
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
	rc = run_neighbourhood(S, budget, 0);
	if (cm__lex_cmp(&S->inc, &before, 0) < 0)
		*improved = 1;
	return rc;
}

/* Compound c searched afresh with every school it reaches and those
 * schools' compounds (reach_round, regret_round), unless that frees more
 * than `most` compounds.  Widened (S->wide), the schools' neighbours come
 * too, with twice the budget. */
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
 * them.  Returns 1 in *improved when a plan improved. */
#define REACH_MAX 16

static int reach_round(search *S, long long stop, unsigned char *in, ranked *rank,
                       int *improved)
{
	int c, n = 0, i, rc = 0;
	for (c = 0; c < S->ncomp; c++)
		if (S->comp[c].unplaced > 0.5)
			rank[n++] = (ranked){S->comp[c].unplaced, c};
	qsort(rank, (size_t)n, sizeof *rank, cmp_rank);
	for (i = 0; i < n && i < REACH_MAX && total_work(S) < stop && !rc; i++) {
		if (places_settled(S))
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
	if (!S->root_cost || !places_settled(S))
		return 0;
	n = rank_regret(S, rank);
	for (i = 0; i < n && i < REGRET_MAX && total_work(S) < stop && !rc; i++)
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
 * 10,000-40,000 compounds worse either. */
#define PAIR_MAX 64

static int pair_round(search *S, long long stop, unsigned char *in, ranked *rank,
                      int *improved)
{
	size_t ns = S->m->n_schools;
	int seen[PAIR_MAX][2], nseen = 0, n, i, q, rc = 0, ran = 0;
	long ver = S->xver;
	if (!S->root_main || !places_settled(S))
		return 0;
	n = rank_regret(S, rank);
	for (i = 0; i < n && ran < PAIR_MAX && total_work(S) < stop && !rc; i++) {
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
		rc = search_in(S, in, NB_WORK * 4, S->ncomp / 2, &ran, improved);
	}
	return rc;
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
	const cm_row *rows = S->m->rows.data;
	size_t ns = S->m->n_schools, si;
	cm_usage used = {0};
	int *pair_seen = NULL, e, n = 0, tried = 0, rc = 0;
	if (places_settled(S))
		return 0;
	if ((rc = blocks_by_school(S)))
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
		double empty;
		if (S->m->seat_row[si] < 0 || S->sfirst[si] == S->sfirst[si + 1])
			continue;
		empty = rows[S->m->seat_row[si]].rhs - used.seats[si];
		if (empty > 0.5)
			rank[n++] = (ranked){empty, (int)si};
	}
	qsort(rank, (size_t)n, sizeof *rank, cmp_rank);
	for (si = 0; si < ns; si++)
		pair_seen[si] = -1;
	for (int i = 0; i < n && tried < FILL_MAX && total_work(S) < stop && !rc; i++) {
		int t = rank[i].id;
		/* the schools of the compounds that reach t: each with t, once;
		 * the compounds without a school that reach t with t alone */
		for (e = S->sfirst[t];
		     e <= S->sfirst[t + 1] && tried < FILL_MAX && total_work(S) < stop && !rc; e++) {
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
			if (cm__lex_cmp(&S->inc, &before, 0) < 0 && places_settled(S))
				tried = FILL_MAX; /* places settled */
		}
	}
	cm__usage_free(&used);
	free(pair_seen);
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
		for (k = sc->first; k < sc->first + sc->n; k++) {
			size_t j;
			S->flow[k] = 0;
			for (j = S->blk[k].start; j < S->blk[k].end; j++)
				if (((const cm_col *)S->m->cols.data)[j].kind == CM_COL_FLOW)
					S->flow[k] += S->r->value(S->r->self, j);
		}
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
static int root_majors(search *S)
{
	const cm_col *cols = S->m->cols.data;
	size_t j;
	int c;
	if (S->opts->inner || !S->ncomp)
		return 0;
	if (!(S->root_major = malloc((size_t)S->ncomp * sizeof *S->root_major)) ||
	    !(S->root_main = malloc((size_t)S->ncomp * sizeof *S->root_main)) ||
	    !(S->root_cost = calloc((size_t)S->ncomp, sizeof *S->root_cost)))
		return CM_ENOMEM;
	majors_of(S, S->root_major, S->root_main);
	for (c = 0; c < S->ncomp; c++)
		for (j = S->comp[c].cstart; j < S->comp[c].cend; j++)
			if (cols[j].kind == CM_COL_FLOW)
				S->root_cost[c] += S->r->value(S->r->self, j) * cols[j].cost;
	S->work += (long long)S->m->cols.len;
	return 0;
}

/* A neighbourhood of the compounds where the plan and the root disagree
 * (relaxation-induced, RINS): those the root splits, and those the plan
 * sends elsewhere than the root does; the others, where both agree, held.
 * Repairs that the neighbourhoods of a few schools cannot see (a chain of
 * moves across the town, set off by one compound that must go whole) are
 * often in it.  Once per plan. */

static int rins_round(search *S, long long stop, int *improved)
{
	int c, any = 0, rc;
	cm_lex before = S->inc;
	if (!S->root_major || S->rins_ver == S->xver || total_work(S) >= stop)
		return 0;
	/* places first: while the plan leaves more pupils without one than
	 * the root, the budget goes to reach_round */
	if (!places_settled(S))
		return 0;
	S->rins_ver = S->xver;
	for (c = 0; c < S->ncomp; c++) {
		S->free_[c] = S->root_major[c] != S->home[c];
		any += S->free_[c];
	}
	if (any < 2)
		return 0;
	rc = run_neighbourhood(S, RINS_WORK, 0);
	if (!S->opts->inner)
		cm__log(S->ctx, CM_LOG_DEBUG, "%s: %d compounds where plan and root disagree, searched "
		        "afresh: %s", S->opts->label, any,
		        cm__lex_cmp(&S->inc, &before, 0) < 0 ? "better" : "no better");
	if (cm__lex_cmp(&S->inc, &before, 0) < 0)
		*improved = 1;
	return rc;
}

/* The same from the tree's node just solved instead of the root, every
 * RINS_EVERY relaxations of the tree: plans the dives below the node miss
 * are often a short search away from where its relaxation and the plan
 * disagree. */
static int rins_at_node(search *S)
{
	int imp = 0, rc, *root = S->root_major, *here;
	S->rins_at = S->solves;
	if (S->sub || !root)
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

/* Every compound held to the plan's school (none where it has none). */
static void hold_plan(search *S)
{
	int c, k;
	for (c = 0; c < S->ncomp; c++)
		for (k = S->comp[c].first; k < S->comp[c].first + S->comp[c].n; k++) {
			int want = k == S->home[c];
			if (S->on[k] != want) {
				S->on[k] = (unsigned char)want;
				apply_block(S, k);
			}
		}
	S->work += S->nblk;
}

/* The plan again with every choice held where it is: the relaxation then
 * places what the neighbourhoods left (a neighbourhood holds the compounds
 * outside it where they are, so seats it frees stay free until one of
 * theirs is searched).  Taken when better; the root's choices restored. */
static int polish(search *S)
{
	cm_lex b, before = S->inc;
	int rc;
	if (!S->have || S->sub || S->opts->inner || !S->ncomp)
		return 0;
	if ((rc = goto_node(S, -1)))
		return rc;
	hold_plan(S);
	rc = solve_here(S, &b);
	if (!rc)
		rc = take_plan(S, &b);
	if (!rc)
		sync_root(S);
	if (!rc && cm__lex_cmp(&S->inc, &before, 0) < 0)
		cm__log(S->ctx, CM_LOG_DEBUG, "%s: the plan with its choices held places more: %.0f "
		        "without a place, %.0f pupil-m", S->opts->label, S->inc.unplaced, S->inc.metres);
	return rc;
}

/* Large neighbourhood search from the incumbent, in rounds until one
 * improves nothing (the first such round while places are unsettled
 * widens reach_round's neighbourhoods instead) or `budget` work is spent.
 * A round: places first (reach_round, fill_round, while the plan leaves
 * more pupils without one than the root), rins_round; then for each
 * public school, the worst first, the compounds at it and at its
 * neighbours (and those without a school that reach them) searched afresh,
 * the others held; then the compounds the plan costs most above the root
 * (regret_round, pair_round); last, polish. */
static int lns(search *S, long long budget)
{
	long long stop = total_work(S) + budget < S->limit ? total_work(S) + budget : S->limit;
	size_t ns = S->m->n_schools, si, nr;
	unsigned char *in = calloc(ns + 1, 1);
	ranked *rank = calloc(ns + (size_t)S->ncomp + 1, sizeof *rank);
	int improved = 1, rc = 0, c, k;
	if (!in || !rank || !S->have)
		goto done;
	if (!S->nb && (rc = find_neighbours(S)))
		goto done;
	while (improved && total_work(S) < stop && !rc) {
		improved = 0;
		if ((rc = reach_round(S, stop, in, rank, &improved)) ||
		    (rc = fill_round(S, stop, in, rank, &improved)) ||
		    (rc = rins_round(S, stop, &improved)))
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
		for (si = 0; si < nr && total_work(S) < stop && !rc; si++) {
			int t = rank[si].id;
			if (S->nb[(size_t)t * NB] < 0)
				continue;
			memset(in, 0, ns);
			in[t] = 1;
			mark_neighbours(S, t, in);
			rc = search_in(S, in, NB_WORK, S->ncomp, NULL, &improved);
		}
		if (!rc && ((rc = regret_round(S, stop, in, rank, &improved)) ||
		            (rc = pair_round(S, stop, in, rank, &improved))))
			break;
		if (!rc && total_work(S) < stop) {
			cm_lex before = S->inc;
			if ((rc = polish(S)))
				break;
			if (cm__lex_cmp(&S->inc, &before, 0) < 0)
				improved = 1;
		}
		/* a round that won nothing while places are unsettled: once,
		 * the compounds' reach widened rather than an end (the tree
		 * does not win places back in a city) */
		if (!improved && !places_settled(S) && !S->wide) {
			S->wide = 1;
			improved = 1;
		}
	}
	if (!rc)
		fix_at_root(S);
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
		used += block_pupils(S, k, x) > 1e-6;
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
	if ((rc = blocks_by_school(S)))
		goto out;
	if (!(seen = calloc((size_t)S->ncomp + 1, sizeof *seen))) {
		rc = CM_ENOMEM;
		goto out;
	}
	for (j = 0; j < S->m->cols.len; j++)
		S->x_inc[j] = S->r->value(S->r->self, j);
	S->xver++;
	homes_from(S, S->x_inc);
	for (c = 0; c < S->ncomp && !rc; c++) {
		int d;
		if (!split_in(S, c, S->x_inc))
			continue;
		/* the part: the split compound's schools and their neighbours */
		memset(in, 0, ns);
		for (k = S->comp[c].first; k < S->comp[c].first + S->comp[c].n; k++) {
			if (block_pupils(S, k, S->x_inc) <= 1e-6)
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
					int here = block_pupils(S, k, S->x_inc) > 1e-6;
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
		rc = run_neighbourhood(S, PART_WORK, 1);
		/* a part that costs places is searched again from its own
		 * plan, with twice the budget: places lost here cost the
		 * neighbourhoods far more work to win back */
		if (!rc && !places_within(&S->inc, &before))
			rc = run_neighbourhood(S, PART_WORK * 2, 0);
		done++;
	}
	if (!rc && done) {
		S->have = 1;
		show(S, "plan (by parts)");
	}
out:
	free(seen);
	free(in);
	return rc;
}

/* The first plan, after last year's (start_from) if any: the whole-model
 * dive (heur_dive) where it fits in a fifth of the budget (a county: it
 * moves places across the whole model at once); where it does not (a
 * city: hundreds of solves of the whole model) and the relaxation searches
 * parts as models of their own, by parts (first_by_parts), whose cost
 * grows with the split compounds, not the city.  Either way the search
 * that follows is the same.  A part's own search, and GLPK: the dive. */
#define DIVE_COST 2000LL /* a whole-model dive's work, per model column (measured: about
                           * 1,000 solves of 2 work per column) */

static int first_plan(search *S, cm_lex b)
{
	int rc;
	if (S->r->neighbourhood && !S->opts->inner) {
		if (S->have)
			return 0;
		if (S->opts->first == 2 ||
		    (S->opts->first == 0 &&
		     DIVE_COST * (long long)S->m->cols.len > (S->limit - total_work(S)) / 5))
			return first_by_parts(S);
	}
	return (rc = heur_dive(S, -1, b)) ? rc : goto_node(S, -1);
}

/* The automatic budget, in work (relaxation.work plus the search's own
 * scanning): about five seconds of this machine for a county's level
 * (measured 2026-12-01: 1.2e8 to 1.7e8 work a second, less on larger
 * models), and 1.2e5 more per compound, as a city's neighbourhoods must
 * each be visited once and its first plan takes a part per split compound
 * (6e4 left the bench's cities of 30,000 and 40,000 compounds short of
 * the fewest pupils without a place; 2026-12-02).  A county's search takes
 * many nodes of it, a city's few, as each node costs about the model's
 * size. */
#define AUTO_WORK 600000000LL
#define AUTO_WORK_PER 120000LL

static void search_free(search *S)
{
	free(S->comp);
	free(S->blk);
	free(S->on);
	free(S->root_ok);
	free(S->want);
	free(S->save);
	free(S->root_save);
	free(S->free_);
	free(S->nb);
	free(S->mark);
	free(S->aff);
	free(S->root_rc);
	free(S->rise);
	free(S->heap);
	free(S->home);
	free(S->cands);
	for (int k = 0; k < 2; k++) {
		free(S->pc_sum[k]);
		free(S->pc_n[k]);
	}
	free(S->x_inc);
	free(S->x_new);
	free(S->range);
	free(S->fl);
	free(S->start);
	free(S->flow);
	kview_free(&S->kroot);
	free(S->root_major);
	free(S->root_cost);
	free(S->root_main);
	free(S->sfirst);
	free(S->sblk);
	cm__vec_free(&S->nodes);
	cm__vec_free(&S->path);
	cm__vec_free(&S->tpath);
}

int cm__search(cm_ctx *ctx, const cm_model *m, cm_relax *r, const cm_search_opts *opts,
               double *x, cm_search_result *out)
{
	search S;
	int rc, k, held_out = 0; /* the final solve could not make the plan whole: x_inc is it */
	cm_lex b;
	size_t j;

	memset(out, 0, sizeof *out);
	memset(&S, 0, sizeof S);
	S.ctx = ctx;
	S.m = m;
	S.r = r;
	S.opts = opts;
	S.dropped.unplaced = S.dropped.shortfall = S.dropped.metres = HUGE_VAL;
	cm__vec_init(&S.nodes, sizeof(node));
	cm__vec_init(&S.path, sizeof(int));
	cm__vec_init(&S.tpath, sizeof(int));
	if ((rc = find_blocks(&S)))
		goto done;
	S.limit = opts->work_limit > 0 ? opts->work_limit : AUTO_WORK + AUTO_WORK_PER * S.ncomp;
	S.on = malloc((size_t)S.nblk + 1);
	S.root_ok = malloc((size_t)S.nblk + 1);
	S.want = malloc((size_t)S.nblk + 1);
	S.save = malloc((size_t)S.nblk + 1);
	S.rise = malloc(((size_t)S.nblk + 1) * sizeof *S.rise);
	S.root_save = malloc((size_t)S.nblk + 1);
	S.free_ = calloc((size_t)S.ncomp + 1, 1);
	S.flow = calloc((size_t)S.nblk + 1, sizeof *S.flow);
	S.mark = calloc((size_t)S.ncomp + 1, sizeof *S.mark);
	S.aff = malloc(((size_t)S.ncomp + 1) * sizeof *S.aff);
	S.home = malloc(((size_t)S.ncomp + 1) * sizeof *S.home);
	S.cands = malloc(((size_t)S.ncomp + 1) * sizeof *S.cands);
	for (k = 0; k < 2; k++) {
		S.pc_sum[k] = calloc((size_t)S.nblk + 1, sizeof *S.pc_sum[k]);
		S.pc_n[k] = calloc((size_t)S.nblk + 1, sizeof *S.pc_n[k]);
	}
	S.x_inc = calloc(m->cols.len + 1, sizeof *S.x_inc);
	S.x_new = calloc(m->cols.len + 1, sizeof *S.x_new);
	for (j = 0; j < m->cols.len; j++)
		if (((const cm_col *)m->cols.data)[j].compound > S.max_compound)
			S.max_compound = ((const cm_col *)m->cols.data)[j].compound;
	S.range = malloc((2 * (size_t)S.ncomp + 2) * sizeof *S.range);
	S.fl = malloc(((size_t)S.ncomp + 1) * sizeof *S.fl);
	S.start = malloc(((size_t)S.max_compound + 1) * sizeof *S.start);
	if (!S.on || !S.root_ok || !S.want || !S.save || !S.rise || !S.root_save || !S.free_ ||
	    !S.flow || !S.mark || !S.aff || !S.home || !S.cands || !S.pc_sum[0] || !S.pc_sum[1] ||
	    !S.pc_n[0] || !S.pc_n[1] || !S.x_inc || !S.x_new || !S.range || !S.fl || !S.start) {
		rc = CM_ENOMEM;
		goto done;
	}
	memset(S.on, 1, (size_t)S.nblk + 1);
	memset(S.root_ok, 1, (size_t)S.nblk + 1);

	/* the root */
	if ((rc = solve_here(&S, &b)))
		goto done;
	S.root = b;
	out->root = b;
	if ((rc = root_reduced(&S)) || (rc = knap_prepare(&S)) || (rc = root_majors(&S)))
		goto done;
	if (!S.ncomp) {
		/* split mode, or no compound has a public school to choose */
		if ((rc = dive(&S, -1, b)))
			goto done;
	} else {
		/* last year's plan and the quick dive for a first plan, better
		 * ones from neighbourhoods, then the tree from the root */
		if (opts->start && (rc = start_from(&S)))
			goto done;
		if (S.have) {
			fix_at_root(&S);
			if ((rc = solve_here(&S, &b))) /* the root again, as the start left it */
				goto done;
		}
		if ((rc = first_plan(&S, b)))
			goto done;
		show(&S, "first plan");
		if (!opts->inner && ((rc = polish(&S)) || (rc = lns(&S, S.limit * 4 / 5))))
			goto done;
		show(&S, "after neighbourhoods");
		fix_at_root(&S);
		if ((rc = knap_bound(&S)))
			goto done;
		S.tree = 1;
		if (can_beat(&S, &S.kbound) &&
		    ((rc = solve_here(&S, &b)) || (rc = dive(&S, -1, b)) || (rc = run_tree(&S))))
			goto done;
	}
	if (!S.have) {
		rc = cm__error(ctx, CM_ESOLVER, "%s: the search found no plan (a fault: please report it)",
		               opts->label);
		goto done;
	}

	/* the bound: the least of the open nodes, the dropped ones and the plan */
	out->bound = S.inc;
	if (cm__lex_cmp(&S.dropped, &out->bound, 0) < 0)
		out->bound = S.dropped;
	for (k = 0; k < S.nheap; k++)
		if (cm__lex_cmp(&node_at(&S, S.heap[k])->bound, &out->bound, 0) < 0)
			out->bound = node_at(&S, S.heap[k])->bound;
	if (!rc && (rc = knap_bound(&S)))
		goto done;
	if (cm__lex_cmp(&S.kbound, &out->bound, 0) > 0)
		out->bound = S.kbound;
	out->value = S.inc;
	out->nodes = S.solves;
	out->work = total_work(&S);
	out->budget_out = S.nheap > 0 && spent(&S);
	out->proven = cm__lex_cmp(&out->bound, &S.inc, 1e-6) >= 0;
	if (!opts->inner)
		cm__log(ctx, CM_LOG_DEBUG, "%s: search ends after %ld solves (work %lld), %zu nodes "
		        "made, %d open: plan %.0f/%.2f/%.1f, bound %.0f/%.2f/%.1f, root %.2f/%.2f/%.1f",
		        opts->label, S.solves, total_work(&S), S.nodes.len, S.nheap, S.inc.unplaced,
		        S.inc.shortfall, S.inc.metres, out->bound.unplaced, out->bound.shortfall,
		        out->bound.metres, S.root.unplaced, S.root.shortfall, S.root.metres);

	/* The plan again, every choice held, so that the relaxation's values
	 * and duals are the plan's.  (With no choices, the root's solve is the
	 * plan, and the relaxation holds it still.) */
	b = S.inc;
	if (S.ncomp) {
		hold_plan(&S);
		if ((rc = r->solve(r->self, &b)))
			goto done;
		if (!all_whole(&S) && r->whole && (rc = r->whole(r->self, &b)) != 0) {
			if (rc < 0)
				goto done;
			/* the rounding found no whole solution this time (its
			 * limit): the plan's own values stand */
			rc = 0;
			held_out = 1;
			b = S.inc;
		}
		if (cm__lex_cmp(&b, &S.inc, 1e-7) != 0)
			cm__log(ctx, CM_LOG_DEBUG, "%s: the plan re-solved is worth %.0f/%.3f/%.1f, not "
			        "%.0f/%.3f/%.1f", opts->label, b.unplaced, b.shortfall, b.metres,
			        S.inc.unplaced, S.inc.shortfall, S.inc.metres);
	}
	out->value = b;
	for (j = 0; j < m->cols.len; j++)
		x[j] = held_out ? S.x_inc[j] : r->value(r->self, j);
done:
	search_free(&S);
	return rc;
}

/* For tests (search.h): the bound that sees whole compounds, from the root,
 * against a plan worth `plan_metres` with the root's unplaced pupils and
 * shortfall.  No search: no plan found by it caps the bound below that. */
int cm__search_whole_bound(cm_ctx *ctx, const cm_model *m, cm_relax *r, double plan_metres,
                           cm_lex *root, cm_lex *bound)
{
	search S;
	cm_search_opts opts;
	int rc;
	memset(&S, 0, sizeof S);
	memset(&opts, 0, sizeof opts);
	opts.label = cm_level_name(m->level);
	S.ctx = ctx;
	S.m = m;
	S.r = r;
	S.opts = &opts;
	if ((rc = find_blocks(&S)))
		goto done;
	S.on = malloc((size_t)S.nblk + 1);
	S.root_ok = malloc((size_t)S.nblk + 1);
	if (!S.on || !S.root_ok) {
		rc = CM_ENOMEM;
		goto done;
	}
	memset(S.on, 1, (size_t)S.nblk + 1);
	memset(S.root_ok, 1, (size_t)S.nblk + 1);
	if ((rc = solve_here(&S, root)))
		goto done;
	S.root = *root;
	if ((rc = knap_prepare(&S)))
		goto done;
	S.have = 1;
	S.inc = S.root;
	S.inc.metres = plan_metres;
	S.xver = 1;
	if ((rc = knap_bound(&S)))
		goto done;
	*bound = S.kbound;
done:
	search_free(&S);
	return rc;
}
