/*
 * knap.h: one school's seats filled with whole compounds (search_bound.c's
 * bound that sees whole compounds).
 *
 * A relaxation may send part of a compound to a full school; a plan
 * cannot.  Priced by the relaxation's duals, each full school becomes a
 * knapsack: which compounds fill its seats at the least reduced cost.  A
 * compound's locals come whole (all or none); its migrants, who may take a
 * private place instead, in any number from none to all.  Each full
 * school's least cost (at least 0), summed over the schools, is what whole
 * compounds add to the relaxation's bound (docs/model.md, "A bound that
 * sees whole compounds").
 */
#ifndef CM_KNAP_H
#define CM_KNAP_H

#include <stddef.h>

/* An item, a compound at the school: not taken (cost 0), or taken:
 * `weight` seats at `cost`, and any whole number from 0 to `more` seats
 * beyond them at `rate` each, and from 0 to `more2` at `rate2` (a
 * compound's two groups in any number, each at its own rate).  Weights and
 * the `more`s are whole numbers. */
typedef struct cm__kitem {
	double weight, cost;
	double more, rate;
	double more2, rate2;
} cm__kitem;

/* The least total cost of items that take at most `cap` seats (exact: all
 * of them) into *out; HUGE_VAL when no choice fills exactly.  *work grows
 * by the table's size times the items.  Returns 0 or CM_ENOMEM. */
int cm__knap_min(const cm__kitem *items, size_t n, long cap, int exact, double *out,
                 long long *work);

/* The same, and which items the least choice takes: taken[i] (n of them).
 * Its table keeps a state per item and seat: n x (cap + 1).  ub: the cost
 * of some choice (HUGE_VAL: none known); with it, the items the seats
 * priced at one rate show every choice at most ub must take, or cannot,
 * are settled before the table (the Lagrangian's steps, which know last
 * step's choice, make their tables smaller so); a least found above ub
 * (ub rounded below the choice it is the cost of) is found again without
 * it.  cap below INT_MAX (a state is an int; the callers keep it below 1e6),
 * or CM_ENOMEM. */
int cm__knap_pick(const cm__kitem *items, size_t n, long cap, int exact, double ub, double *out,
                  unsigned char *taken, long long *work);

/* The items that pay (taken[]), each at its least cost (its further seats
 * where their rate is below 0): `sum` plus those costs, added one by one in
 * order (a caller's running sum comes out as if it added them itself),
 * their seats in *seats.  The least choice wherever those seats fit. */
double cm__knap_paying(const cm__kitem *items, size_t n, double sum, unsigned char *taken,
                       double *seats);

/* The least cost of the items in[] marks, each taken, with their further
 * seats as the seats allow (all of them filled, exact); HUGE_VAL when they
 * do not fit (or cannot fill the seats). */
double cm__knap_cost_of(const cm__kitem *items, size_t n, long cap, int exact,
                        const unsigned char *in);

#endif
