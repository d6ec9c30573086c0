/*
 * search_int.h: what the modules of the single-school search share (not
 * part of the relaxation's interface, search.h).
 *
 * The search is one object, `search`, built by cm__search (search.c) and
 * worked on by three modules:
 *   search.c        the tree: nodes, branching, dives, fixing, the plan kept,
 *                   and the entry points;
 *   search_lns.c    better plans from neighbourhoods (a few compounds choose
 *                   afresh, the others held), and the first plan by parts;
 *   search_bound.c  the bound that sees whole compounds (a knapsack per full
 *                   school on the root's duals, and the Lagrangian steps
 *                   that price the rule of one school per compound).
 * Functions one module offers another are named cm__sr_*; each is
 * described where it is defined.
 */
#ifndef CM_SEARCH_INT_H
#define CM_SEARCH_INT_H

#include "search.h"

#include <math.h>

/* A compound's columns at one public school: its choice column, then its
 * public flow columns there (search.c find_blocks), so that a block's
 * flows are [start + 1, end) (blk_flows): the hot loops over a block's
 * pupils need not read the model's columns, whose kinds cost a cache miss
 * a column (find_splits took 13% of the 5,000 city's time in them). */
typedef struct blk {
	size_t start, end;   /* model columns [start, end) */
	int school;          /* dataset index */
	int comp;            /* the compound, an index into search.comp */
	double dist;         /* metres */
} blk;

/* The first of block b's flow columns (after its choice column). */
#define blk_flows(b) ((b)->start + 1)

/* A compound that has public schools to choose from. */
typedef struct scomp {
	int compound;        /* dataset index */
	int first, n;        /* its blocks */
	size_t cstart, cend; /* all its model columns */
	double unplaced;     /* in the incumbent: its pupils without a place */
	double locals;       /* in the incumbent: its local children without a place */
	double detour;       /* in the incumbent: pupil-metres beyond its nearest school */
} scomp;

typedef struct node {
	int parent;          /* -1: the root */
	int block;           /* what the node adds to its parent's restrictions: */
	int fix;             /* 1: its compound goes to the block's school or none; 0: not there */
	int depth;
	cm_lex bound;        /* the parent's value: no plan below is better (the heap's order) */
	cm_lex lb;           /* no plan below that beats the plan is better (at least bound:
	                        the parent's Lagrangian bound, cm__sr_node_bound) */
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
	const unsigned char *ok; /* by block: open (the root's root_ok) */
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
	cm_lex diving;           /* the bound of the node the tree dives from: its subtree
	                            is open but not on the heap (HUGE_VAL: no dive) */
	long solves;             /* relaxations solved */
	long long work;          /* the search's own scanning (the relaxation counts its own) */
	long long limit;         /* work at most (relaxation's and the search's) */
	long long limit1;        /* what the first plan's way is chosen by (cm__sr_first_plan,
	                            search.c first_plan_budget), so that effort changes the
	                            budget, not the way */
	cand *cands;             /* by compound: scratch for the heuristic dive */
	double *x_inc, *x_new;   /* by column: the incumbent, and a neighbourhood's plan */
	size_t *range;           /* by compound: scratch, column ranges of a neighbourhood */
	int *fl;                 /* compounds: scratch, a neighbourhood's */
	long *held;              /* by compound of a neighbourhood: the school it is held at,
	                            -1: free (scratch) */
	unsigned char *touch;    /* by school: scratch, a free compound reaches it */
	int with_held;           /* the next neighbourhood holds compounds (add_held) */
	long xver;               /* x_inc's version (relax.neighbourhood) */
	long *start;             /* by dataset compound: the incumbent's school, -1 */
	int max_compound;
	double *flow;            /* by block: public pupils in the last solution (scratch) */
	/* the bound that sees whole compounds (knap_bound), from the root */
	kview kroot;
	cm_lex kbound;           /* the bound it proved from the root (-HUGE_VAL: none yet) */
	long kver;               /* the plan (xver) it was proved against */
	int *root_major;         /* by compound: its block with most pupils at the root, -1: none;
	                            -2: split there */
	int *root_main;          /* by compound: its block with most pupils at the root (split or
	                            not), -1: none */
	double *root_cost;       /* by compound: its pupil-metres at the root (flow costs) */
	double *root_unpl;       /* by compound: its pupils without a place at the root, and
	                            (root_unpl[ncomp + c]) its local children among them */
	int nb_wide;             /* 1: the schools' sweep widened to all their neighbours, after
	                            a round that won nothing (lns) */
	int wide;                /* 1: reach_round's neighbourhoods widened (lns) */
	int lns_tiers;           /* 1: the neighbourhoods stop once places and the policy tier
	                            are the root's (search.c: the budget's end is theirs only
	                            while a tier is open) */
	int places_weighed;      /* 1: the neighbourhoods weigh local children fully from
	                            now on (search.h `places`): a round that weighed them as
	                            quota pupils won no place (lns), or 65% of the budget
	                            has gone to the neighbourhoods (search.c) */
	int policy_done;         /* 1: a round won nothing on the policy tier (lns: settled) */
	int tier_only;           /* 1: a round of neighbourhoods ends after the chains to room when
	                            they won nothing on the policy tier, and lns with it (the
	                            budget's extension for the tier, search.c) */
	double done_shown;       /* the share of the budget the progress line last showed (it
	                            never goes back when places_done raises the budget) */
	int places_done;         /* 1: the neighbourhoods ended with places above the root's
	                            (search.c): they go on at the plan's places, on the policy
	                            tier, for the rest of the search (a better place is still
	                            taken) */
	long rins_ver;           /* the plan (xver) rins_round last started from */
	long main_ver;           /* the plan (xver) main_round last started from */
	long rins_at;            /* relaxations solved when the tree last did (rins_at_node) */
	/* the Lagrangian bound (search_bound.c lagr_sum), kept from plan to plan */
	double *lmu;             /* by compound: its prices, NULL: no step yet */
	double *llam;            /* by school: the price on a private school's seats, and [the
	                            schools' count] on a migrant away from the quota; NULL: none
	                            yet */
	double ltheta;           /* its step size */
	long long lwork;         /* the work its steps took */
	struct lagr *nodel;      /* its knapsacks at their best prices for the tree's nodes
	                            (cm__sr_node_bound), NULL: none */
	long long nwork;         /* the work the nodes' bounds took */
	int node_always;         /* keep nodel whatever it closed (cm__search_whole_bound) */
	long dive_gen;           /* counts the dives (cm__sr_dive): nodel's parts per dive */
	int *lpick;              /* by compound: its best choices (keep_picks), NULL: none yet */
	long lpick_ver;          /* lpick's version */
	long lpick_done;         /* the version lagr_round last searched */
	int *sfirst, *sblk;      /* the blocks by school (blocks_by_school), NULL: not yet */
} search;

static inline const node *node_at(const search *S, int id)
{
	return &((const node *)S->nodes.data)[id];
}

static inline long long total_work(const search *S)
{
	return S->work + S->r->work(S->r->self);
}

/* Is the budget spent (work, or solves when a node limit is given)? */
static inline int spent(const search *S)
{
	return total_work(S) >= S->limit ||
	       (S->opts->node_limit > 0 && S->solves >= S->opts->node_limit);
}

/* Does value a leave no more whole pupils without a place than b? */
static inline int places_within(const cm_lex *a, const cm_lex *b)
{
	return ceil(a->unplaced - 1e-6) <= ceil(b->unplaced - 1e-6);
}

/* The same, and then the policy tier too (a relaxation's fractional
 * shortfall rounded up, as a whole plan's quota counts whole migrants and
 * CM_LOCAL_FIRST x whole local children): the neighbourhoods' test that
 * a plan lost nothing above pupil-metres. */
static inline int tiers_within(const cm_lex *a, const cm_lex *b)
{
	if (!places_within(a, b))
		return 0;
	return ceil(a->unplaced - 1e-6) < ceil(b->unplaced - 1e-6) ||
	       a->shortfall <= ceil(b->shortfall - 1e-6) + 1e-6;
}

/* Pupil-metres a plan may be above a bound and still count as optimal. */
static inline double metres_tol(const search *S, const cm_lex *inc)
{
	double rel = S->opts->gap > 1e-9 ? S->opts->gap : 1e-9;
	return fmax(rel * fabs(inc->metres), 5e-4);
}

/* search.c: the tree and the plan */
int cm__sr_goto_node(search *S, int id);
void cm__sr_sync_root(search *S);
int cm__sr_solve_here(search *S, cm_lex *b);
int cm__sr_dive(search *S, int at, cm_lex b);
int cm__sr_heur_dive(search *S, int at, cm_lex b);
int cm__sr_run_tree(search *S);
int cm__sr_polish(search *S);
void cm__sr_fix_at_root(search *S);
int cm__sr_blocks_by_school(search *S);
double cm__sr_block_pupils(const search *S, int k, const double *x);
double cm__sr_block_solved(const search *S, int k);
void cm__sr_home_of(search *S, int c, const double *x);
void cm__sr_homes_from(search *S, const double *x);
void cm__sr_show(search *S, const char *what);

/* search_lns.c: neighbourhoods and the first plan */
int cm__sr_root_majors(search *S);
int cm__sr_first_plan(search *S, cm_lex b);
int cm__sr_lns(search *S, long long budget);
int cm__sr_rins_at_node(search *S);
int cm__sr_lagr_round(search *S, int *improved);

/* search_bound.c: the bound that sees whole compounds, and its Lagrangian */
int cm__sr_knap_prepare(search *S);
int cm__sr_knap_bound(search *S);
/* The Lagrangian bound at the tree's current node into *b where higher:
 * the knapsacks kept from the root at their best prices, the blocks the
 * node closes (S->on) out of them (search_bound.c; where it closes most of
 * the root's gap, else nothing). */
int cm__sr_node_bound(search *S, cm_lex *b);
void cm__sr_node_free(search *S);
void cm__sr_kview_free(kview *v);

#endif
