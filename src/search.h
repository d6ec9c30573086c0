/*
 * search.h: the exact search for single-school plans (单校划片), and the
 * relaxations it runs on.
 *
 * A relaxation solves the model (model.h) with every catchment choice
 * continuous: pupils of one compound may go to several public schools.  It
 * knows nothing of the search; the search knows nothing of how it is
 * solved.  Two implement it: the network simplex (flow.c), for every model
 * that is a network, and GLPK's LP (glpk.c), for models with side rows (a
 * near-school minimum, a cap on pupils moved).  Split mode (多校划片) is the
 * relaxation's own optimum: the search's root, with nothing to branch on.
 *
 * The search (search.c) is a branch and bound over the compounds' choices
 * of public school.  A node restricts some compounds to some of their
 * schools; the relaxation forbids the columns of the others and solves
 * again from its last basis.  docs/model.md has the method.
 */
#ifndef CM_SEARCH_H
#define CM_SEARCH_H

#include "model.h"

/* A value of the lexicographic objective: pupils without a place, then the
 * policy rows' shortfall (migrants short of the quota, and the near-school
 * share's), then pupil-metres (with the stability weight, model.h).  A
 * relaxation's value is a lower bound: every whole plan that respects the
 * node's restrictions is at least as large, tier by tier. */
typedef struct cm_lex {
	double unplaced;   /* pupils */
	double shortfall;  /* pupils (the near-school share's: pupil-equivalents) */
	double metres;     /* pupil-metres */
} cm_lex;

/* A relaxation: an object and what the search may ask of it. */
typedef struct cm_relax {
	void *self;
	/* Solves with the forbidden columns held at 0.  *out gets the value.
	 * Returns 0, or CM_ESOLVER / CM_ENOMEM (message on the relaxation's
	 * context). */
	int (*solve)(void *self, cm_lex *out);
	/* Column `col`'s value in the last solution. */
	double (*value)(void *self, size_t col);
	/* Forbids column `col` (on 1) or lets it go again (on 0). */
	void (*forbid)(void *self, size_t col, int on);
	/* Optional (NULL: none).  A lower bound on what one unit of column
	 * `col` (a flow or a compound's unplaced pupils) adds to the last
	 * solve's value, as if it were not forbidden: its reduced cost, 0 when
	 * the column is in use.  Used to rule out choices that cannot beat the
	 * best plan. */
	void (*reduced)(void *self, size_t col, cm_lex *out);
	/* Optional.  The last solution has no compound at two public schools
	 * but some flow is fractional (side rows): makes it whole with every
	 * compound at its school, *out its value.  Returns 0, 1 when it found
	 * no whole solution within its own limit (not an error: the search
	 * goes on without this plan), or CM_ESOLVER.  The next solve starts
	 * afresh. */
	int (*whole)(void *self, cm_lex *out);
	/* What one more seat at each school does to the last solve (by
	 * school): pupils it places, then pupil-metres it saves, the
	 * stability term aside (docs/model.md, "Shadow prices").  After the
	 * final solve, every choice held; it may change the relaxation's
	 * costs, so it is the last call. */
	int (*duals)(void *self, double *pupils, double *metres);
	/* Optional.  What one more seat at school `school` (dataset index)
	 * saves in the last solve, every tier (0 where its seats are not
	 * full).  With `reduced`, the search's bound that sees whole compounds
	 * prices the seats by it. */
	void (*seat_price)(void *self, size_t school, cm_lex *out);
	/* The work done so far: a count that grows as time does but is the
	 * same on every machine (arcs scanned, nodes updated), for budgets. */
	long long (*work)(void *self);
	/* Optional: a neighbourhood of plan `x` (model columns; `version`
	 * changes whenever x does) searched as a model of its own: `nfree`
	 * compounds, compound f's columns [range[2f], range[2f+1]), choose
	 * afresh, the others keep their pupils where x has them.  Where
	 * held[f] is a school (not -1), compound f may go to no other public
	 * school (x's school for it, where all its public pupils must be:
	 * the seats the others leave count on it), but its pupils there are
	 * not held: as many may go to its other ways (no place, private
	 * places) or come back from them, all of them too (it then has no
	 * school), so that a compound moving in can take their seats (a town
	 * short of seats chooses afresh who goes without).  `start` (by
	 * dataset compound) is x's school of each compound of the
	 * neighbourhood, the search's first plan.  At most `budget` work;
	 * *work gets what it took.  x_out gets the columns of the
	 * neighbourhood's compounds, free and held, of the plan found (no
	 * other; a held compound's other schools' as in x), *value
	 * the whole plan's value (never worse than x's).  In time proportional
	 * to the neighbourhood.  `places` (the plan leaves more pupils without a
	 * place than the search's root): the neighbourhood's own search weighs
	 * a local child without a place as one pupil short of the quota
	 * (model.h local_first 1, not CM_LOCAL_FIRST), as places come first and
	 * that search finds them more often (docs/model.md); *value is the
	 * whole plan's value all the same.  NULL: the search restricts its own
	 * relaxation. */
	int (*neighbourhood)(void *self, const double *x, long version, const size_t *range,
	                     const long *held, size_t nfree, const long *start, long long budget,
	                     int places,
	                     double *x_out, cm_lex *value, long long *work);
	/* Optional, with `neighbourhood`: the search took the last
	 * neighbourhood's plan, so the plan is now the last call's x with its
	 * free columns from x_out, at `version`.  What the relaxation keeps of
	 * the plan follows in time proportional to the neighbourhood, not to
	 * the model (a city's first plan takes hundreds of them). */
	void (*taken)(void *self, long version);
	/* Optional (NULL: none): the last solve saved in slot `slot` (0 to
	 * CM_RELAX_SLOTS - 1); returns 0, or 1 when it keeps none (too large,
	 * out of memory).  `restore` goes back to a saved solve, the
	 * restrictions being again those of the save: values, reduced costs
	 * and duals are its, and the next solve returns at once unless a
	 * restriction changes in between.  `swap` exchanges two slots. */
	int (*save)(void *self, int slot);
	void (*restore)(void *self, int slot);
	void (*swap)(void *self, int a, int b);
} cm_relax;

#define CM_RELAX_SLOTS 4

/* The network relaxation (flow.c): for models without side rows
 * (cm__flow_holds). */
int cm__flow_holds(const cm_model *m, const char **why);
int cm__flow_relax_new(cm_ctx *ctx, const cm_model *m, size_t n_schools, cm_relax *out);
void cm__flow_relax_free(cm_relax *r);
/* GLPK's LP relaxation (glpk.c): any model. */
int cm__glpk_relax_new(cm_ctx *ctx, const cm_config *cfg, const cm_model *m, cm_relax *out);
void cm__glpk_relax_free(cm_relax *r);
/* The weight of a local child without a place in GLPK's policy tier
 * (k x L + A, glpk.c); the network's is the model's local_first. */
double cm__glpk_local_weight(const cm_model *m);

/* What the search is given. */
typedef struct cm_search_opts {
	long node_limit;          /* relaxation solves at most; 0: none (the work budget only) */
	long long work_limit;     /* work (cm_relax.work) at most; 0: the automatic budget */
	double effort;            /* the automatic budget times this (0: 1) */
	double gap;               /* stop when the plan is within this of the bound (relative
	                             pupil-metres; 0: prove it optimal) */
	const long *start;        /* by compound (dataset index): a school to try first, a plan to
	                             start from (last year's); -1: none.  NULL: none */
	const char *label;        /* for progress and the log ("primary") */
	int inner;                /* a neighbourhood's search: no neighbourhoods of its own, a
	                             quiet log */
	int first;                /* the first plan: 0 as the budget allows, 1 the whole-model
	                             dive, 2 by parts (where the relaxation has neighbourhoods) */
} cm_search_opts;

/* What it found. */
typedef struct cm_search_result {
	cm_lex value;             /* the plan's value */
	cm_lex bound;             /* the best bound the search proved */
	cm_lex root;              /* the relaxation's value at the root */
	long nodes;               /* relaxation solves */
	int proven;               /* 1: the plan is optimal (within 1e-6 relative) */
	int budget_out;           /* 1: the budget ended the search */
	long long work;           /* the work it took (the relaxation's and the search's) */
} cm_search_result;

/* Finds the best single-school plan of `m` (in split mode: the relaxation's
 * optimum) and leaves the relaxation solved at it, every choice held, so
 * that its values and duals are the plan's.  `x` (model columns) gets the
 * plan.  Returns 0, CM_ESOLVER (no plan at all) or CM_ENOMEM. */
int cm__search(cm_ctx *ctx, const cm_model *m, cm_relax *r, const cm_search_opts *opts,
               double *x, cm_search_result *out);

/* For tests: the bound the search's knapsacks of whole compounds prove
 * (search.c, knap.h) from the root of `m`, against a plan worth
 * `plan_metres` pupil-metres with the root's unplaced pupils and shortfall
 * (*root gets the root's value), with the Lagrangian steps (steps 1) or
 * the knapsacks on the root's duals alone (0).  A valid bound is at most
 * the metres of every plan with those, whatever `plan_metres` says.  With
 * `hold` a compound (dataset index, -1: none), *bound is instead the bound
 * the tree's node where that compound goes to school `at` or none gets
 * from the Lagrangian (cm__sr_node_bound), kept however little it closed:
 * at most the metres of every such plan in that node. */
int cm__search_whole_bound(cm_ctx *ctx, const cm_model *m, cm_relax *r, double plan_metres,
                           int steps, int hold, int at, cm_lex *root, cm_lex *bound);

/* Lexicographic order of two values: -1, 0 or 1, tiers equal within
 * `tol` (relative, on the larger). */
int cm__lex_cmp(const cm_lex *a, const cm_lex *b, double tol);

/* The policy tier's tolerance for values x and y: 1e-6 relative to the
 * larger, at most 0.01.  On GLPK's path the tier holds k x local children
 * without a place (k = 3 x pupils + 1) above the shortfall, so a relative
 * 1e-6 alone tied plans 280 pupils of shortfall apart (the bench's
 * 1,000-compound city with a near-school minimum: 2,291 local children
 * out); the phases hold each part within 1e-9, far inside 0.01. */
double cm__policy_tol(double x, double y);

#endif
