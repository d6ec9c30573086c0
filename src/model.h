/*
 * model.h: the allocation model of one level, as plain arrays that any
 * solver can read.  docs/model.md has the equations; this is their data.
 *
 * The model builder (model.c) knows the policy and the data; the solver
 * module (glpk.c) knows GLPK and nothing of schools.  Later terms (stability
 * against last year's plan, road distances, a network fast path) add
 * columns, costs or a solver here without touching the other side.
 */
#ifndef CM_MODEL_H
#define CM_MODEL_H

#include "internal.h"

/* Places come before the quota: among plans with the fewest pupils
 * without a place, a local child left without one weighs local_first
 * pupils of the quota's shortfall in the network's policy tier (its only
 * row is the quota).  In split mode, with the places fixed, each local
 * child seated takes one migrant's place, the quota loses at most one,
 * and CM_LOCAL_FIRST = 4 > 1 keeps every local child placed who can be.
 * In single mode one local child left out can move a whole compound and
 * bring several migrants from fee places into public ones (a review's
 * case: 1 local child for 5 migrants), so there the weight is the quota's
 * target + 1, above any change of its shortfall: exact, where the
 * network's 128-bit costs have room for it (CM_POLICY_TOP_BITS; every
 * county and city the bench makes), else the largest they hold.  The
 * quota is never met by leaving a local child out (docs/model.md,
 * "Objective").  GLPK, which also holds the near share and the moved cap
 * (where a chain of moves can cost one pupil a move), gives local children
 * a phase of their own (glpk.c). */
#define CM_LOCAL_FIRST 4

/* The network's costs (flow.c) are 128-bit integers: pupils without a
 * place weigh 2^88, the policy tier's units 2^b millimetres below that
 * (cm__model_quota_bits), so that all the pupil-millimetres of a plan stay
 * below half a unit (b = 58 at the largest level the reader takes: 2^25
 * pupils, trips up to 2^31 mm).  The policy tier stays below 2^(86 - b)
 * units, half of 2^88. */
#define CM_POLICY_TOP_BITS 86

typedef enum {
	CM_COL_FLOW,        /* pupils of one group, compound -> school, in one seat kind */
	CM_COL_UNPLACED,    /* pupils of one group of a compound without a place */
	CM_COL_CHOICE,      /* single mode: 1 when the school is the compound's catchment school */
	CM_COL_QUOTA_SHORT, /* a policy row's shortfall: migrants short of the quota, the near
	                       share's, pupils moved beyond the cap (0 when it can be met) */
} cm_col_kind;

typedef struct cm_col {
	cm_col_kind kind;
	int group;          /* CM_LOCAL or CM_MIGRANT (flows, unplaced) */
	cm_seat_kind seat;  /* public, purchased or fee (flows) */
	int compound;       /* dataset index, -1 for none */
	int school;         /* dataset index, -1 for none */
	double dist;        /* metres (flows) */
	double ub;          /* upper bound */
	int binary;         /* CM_COL_CHOICE */
	double cost;        /* flows: the objective's coefficient: the distance, less the
	                       stability weight for a pupil who stays at last year's school
	                       (docs/scenarios.md) */
	int capped;         /* the staying part of a pair split by the stability term: its
	                       upper bound binds (the network gives its arc that capacity) */
	int stays;          /* the pupils who stay at last year's school (the moved cap's
	                       row counts them) */
	int near;           /* flows, where the network prices the near-school minimum in
	                       the policy tier (cm_model.near_den > 0): a pupil's cost there,
	                       in 1/near_den of a pupil: -(1 - share) x near_den within the
	                       radius, share x near_den beyond, 0 where the row does not
	                       count the column */
} cm_col;

typedef enum { CM_ROW_LE, CM_ROW_GE, CM_ROW_EQ, CM_ROW_FREE } cm_row_type;

typedef enum {
	CM_ROW_DEMAND,      /* a compound's pupils of a group are placed or unplaced */
	CM_ROW_SEATS,       /* a school's seats */
	CM_ROW_PURCHASED,   /* a private school's purchased places */
	CM_ROW_QUOTA,       /* migrants in public or purchased places */
	CM_ROW_CHOOSE,      /* single mode: at most one catchment school */
	CM_ROW_LINK,        /* single mode: public flows only to the catchment school */
	CM_ROW_NEAR,        /* near-school share */
	CM_ROW_UNPLACED,    /* total unplaced (bounded after the phase that minimises it) */
	CM_ROW_POLICY,      /* the policy rows' shortfall (bounded likewise; GLPK's phases only) */
	CM_ROW_LOCALS,      /* local children without a place (likewise) */
	CM_ROW_MOVED,       /* pupils who stay at last year's school: all but max_moved_pupils */
} cm_row_kind;

typedef struct cm_row {
	cm_row_kind kind;
	cm_row_type type;
	double rhs;
	int compound, school, group;  /* what the row is about, -1 for none */
} cm_row;

typedef struct cm_model {
	cm_level level;
	int single;            /* single mode: a MIP */
	cm_vec cols;           /* cm_col */
	cm_vec rows;           /* cm_row */
	cm_vec ia, ja, ar;     /* coefficients: row, column (0-based), value */
	int quota_row;         /* -1 when the level has no migrants */
	int quota_col;         /* CM_COL_QUOTA_SHORT, -1 likewise */
	int unplaced_row;
	int policy_row;        /* CM_ROW_POLICY, -1 in a neighbourhood's model (network only) */
	int locals_row;        /* CM_ROW_LOCALS, likewise */
	int local_first;       /* the weight of a local child without a place in the policy
	                          tier, on the network (CM_LOCAL_FIRST above); 1 in a
	                          neighbourhood searched for places (search.h,
	                          `neighbourhood`) */
	int *seat_row;         /* by school index: its CM_ROW_SEATS row, -1 if none */
	double migrants;       /* migrants of the level */
	double quota_target;   /* share x migrants */
	double big_dist;       /* the longest eligible trip, metres */
	int moved_row;         /* CM_ROW_MOVED, -1 when there is no cap */
	size_t n_schools;      /* schools of the dataset (seat_row's length) */
	long *prev_school;     /* by compound: last year's school when still open, else -1;
	                          NULL without a previous plan */
	double cost_offset;    /* added to the flow columns' costs: the stability weight of
	                          every pupil who could stay (they earn it back by staying) */
	int near_den;          /* > 0: the near-school minimum priced in the network's policy
	                          tier (cm_col.near; solve.c, cm__side_solve), the tier's unit
	                          1/near_den of a pupil; 0: not */
	int network_only;      /* 1: no coefficients (ia, ja, ar empty): a neighbourhood's
	                          model, or one whose level the network solves
	                          (cm__model_network_only); GLPK cannot load it */
} cm_model;

/* Builds the model of `level`.  `seats` gives each school's usable seats at
 * this level (the school-size cap already applied).  `prev`, when not NULL,
 * is last year's plan: a public pupil who moves (cm__previous_moves) costs
 * the stability weight and counts against max_moved_pupils.  Returns 0 or
 * CM_ENOMEM. */
int cm__model_build(cm_ctx *ctx, const cm_config *cfg, const cm_dataset *ds, cm_level level,
                    const int *seats, const cm_previous *prev, cm_model *out);
void cm__model_free(cm_model *m);
/* b of the network's policy unit, 2^b mm: above twice the pupils times the
 * longest cost or distance of a flow column in whole millimetres (the
 * distance: the shadow prices solve without the stability weight), at
 * most 58.  The one count flow.c weighs with and the local weight is
 * capped by. */
int cm__model_quota_bits(const cm_model *m);
/* A local child's weight in the network's policy tier (CM_LOCAL_FIRST
 * above): in single mode with a quota, its target + 1, and where side rows
 * are priced in the tier (near_den, cm_col.near), more than their part's
 * range too, as far as the network's costs hold it (the longest cost or
 * distance, the pupils); *exact (may be NULL) 0 where they do not.
 * Called by the build, and again by whoever changes the costs after it
 * (solve.c's priced side rows). */
int cm__model_local_weight(const cm_model *m, int *exact);
/* Frees the coefficients, which only GLPK reads: for a level the network
 * solves, whose columns and rows say all it needs (flow.c).  A third of
 * the model's memory (the 40,000-compound city: 13 million coefficients,
 * 210 MB). */
void cm__model_network_only(cm_model *m);
/* What a plan takes: seats and purchased places by school, and migrants in
 * public or purchased places (the quota's count). */
typedef struct cm_usage {
	double *seats;            /* by school */
	double *purchased;        /* by school */
	double public_migrants;
} cm_usage;
/* The usage of plan `x` (model columns); 0 or CM_ENOMEM. */
int cm__model_usage(const cm_model *m, const double *x, cm_usage *u);
/* `v` more pupils in column c (fewer when negative) added to u: the one
 * statement of what a column uses (cm__model_usage, flow.c's follow-up of
 * a neighbourhood taken). */
void cm__usage_add(cm_usage *u, const cm_col *c, double v);
void cm__usage_free(cm_usage *u);
/* A neighbourhood's model, for the network only (no coefficients, no side
 * rows): the columns of `nfree` compounds, compound f's columns
 * [range[2f], range[2f+1]), with the seats and purchased places the others
 * leave in plan `x` (whose usage is `u`), and the quota's target less the
 * others' migrants in public places.  Compound f with held[f] a school
 * (held NULL, or -1: none) comes with that school's columns and its other
 * ways (no place, private places) only.  In time proportional to the
 * neighbourhood and the schools.  (*orig)[k] is the model column of the
 * neighbourhood's column k (the caller frees it).  0 or CM_ENOMEM. */
int cm__model_sub(const cm_model *m, const double *x, const cm_usage *u, const size_t *range,
                  const long *held, size_t nfree, cm_model *out, size_t **orig);

/* Solver results for one level. */
typedef struct cm_solution {
	double *x;             /* column values: the plan */
	double *seat_dual_m;   /* by school: pupil-metres saved by one more seat */
	double *seat_dual_u;   /* by school: unplaced pupils avoided by one more seat */
	double quota_short;    /* migrants short of the quota */
	double objective;      /* pupil-metres (with the stability weight) */
	double lp_bound;       /* the relaxation's pupil-metres at the root (split mode's optimum) */
	double lp_unplaced;    /* its pupils without a place */
	double bound;          /* pupil-metres no plan with the plan's unplaced pupils and shortfall
	                          can go below, as the search proved; -1: not proved */
	double bound_unplaced; /* the fewest pupils without a place any plan can have, proved */
	double mip_gap;        /* (objective - bound) / objective; 1 when the bound is not of the
	                          plan's tier */
	long nodes;            /* relaxation solves */
	int proven;            /* 1: optimal within 1e-6 */
	int integral;          /* 1 when every flow came out whole */
} cm_solution;
void cm__solution_free(cm_solution *s);

/* ------------------------------------------------------------ solve.c */

/* Which relaxation solves a level. */
typedef enum { CM_PATH_NETWORK = 0, CM_PATH_GLPK = 1 } cm_path;

/* How the levels are solved: the one place that decides it. */
typedef struct cm_route {
	cm_path path[CM_NLEVELS];
	int parallel;          /* the levels may run on two threads */
} cm_route;

/* Routes `cfg` (with or without last year's plan): the network wherever
 * the model is one, GLPK where a level has side rows (or solver = glpk).
 * CM_EINPUT, naming the key, when the configuration asks for what cannot
 * be (solver = network with a side row). */
int cm__route(cm_ctx *ctx, const cm_config *cfg, int has_previous, cm_route *out);

/* Solves one level's model on `path`: the relaxation's optimum in split
 * mode, the search (search.c) in single mode, from plan `start` (by
 * compound: its school, -1 none) when not NULL, else from last year's.
 * Returns 0, CM_ESOLVER or CM_ENOMEM (message on ctx). */
int cm__level_solve(cm_ctx *ctx, const cm_config *cfg, const cm_model *m, cm_path path,
                    const long *start, cm_solution *out);

/* Solves a level routed to GLPK (cm__route), model `*m` built from `ds`
 * with `seats` and `prev`.  In single mode with side rows, the level is
 * first built and searched on the network without them (the side rows are
 * soft: their shortfall is the second tier, so that plan leaves the fewest
 * pupils without a place, found in a fraction of GLPK's time).  Where that
 * plan meets the side rows (and solver is not glpk) it is the level's
 * plan, with its own bound (no
 * plan pays less for having the rows): *m becomes the network's model (the
 * side rows' is freed), and its search's messages are the level's.
 * Otherwise GLPK's search starts from it, or from the network's plan with
 * the rows priced where that is better (solve.c).  Returns as
 * cm__level_solve; *m is a model to free either way. */
int cm__side_solve(cm_ctx *ctx, const cm_config *cfg, const cm_dataset *ds, const int *seats,
                   const cm_previous *prev, cm_model *m, cm_solution *out);

/* A thread of the library's own ends (plan.c): GLPK's environment on it,
 * made by its first call, is freed.  Never on the application's threads,
 * where it would free the application's own GLPK objects as well. */
void cm__glpk_thread_end(void);

/* Test hook: a GLPK internal error under the solver's hooks (CM_ESOLVER). */
int cm__glpk_provoke_error(cm_ctx *ctx);

#endif
