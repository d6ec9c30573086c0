/*
 * netflow.h: minimum-cost flow by the primal network simplex method.
 *
 * A small, self-contained engine that knows nothing of schools: nodes with
 * supplies, arcs with capacities and costs.  Costs are 128-bit integers, so
 * a lexicographic objective (unplaced pupils, then the quota's shortfall,
 * then millimetres travelled) is one number with weights far apart and no
 * rounding (model.c's network form, flow.c).
 *
 * The method follows LEMON's NetworkSimplex (Király and Kovács, "Efficient
 * implementations of minimum-cost flow algorithms", 2012): a strongly
 * feasible spanning tree stored as parent, predecessor arc, thread and
 * subtree sizes; block search pivoting; artificial arcs to a root node for
 * the starting basis.
 */
#ifndef CM_NETFLOW_H
#define CM_NETFLOW_H

#include <stddef.h>
#include <stdint.h>

__extension__ typedef __int128 cm_cost;

#define CM_NF_INF INT64_MAX  /* capacity of an uncapacitated arc */

typedef struct cm_netflow cm_netflow;

/* A network of `nodes` nodes and room for `arcs` arcs (more may be added). */
cm_netflow *cm__nf_new(int nodes, int arcs);
void cm__nf_free(cm_netflow *nf);
/* Adds an arc; returns its index, or -1 when out of memory. */
int cm__nf_arc(cm_netflow *nf, int from, int to, int64_t cap, cm_cost cost);
/* Sets a node's supply (positive: it sends; negative: it receives).  The
 * supplies must sum to zero. */
void cm__nf_supply(cm_netflow *nf, int node, int64_t supply);

enum { CM_NF_OPTIMAL = 0, CM_NF_INFEASIBLE = 1, CM_NF_NOMEM = -1 };
/* Solves; returns CM_NF_OPTIMAL, CM_NF_INFEASIBLE or CM_NF_NOMEM.  Arcs may
 * be added after a solve (costing no more than the costliest arc of the
 * first solve) and the next solve starts from the last basis: pricing adds
 * the arcs the duals ask for. */
int cm__nf_solve(cm_netflow *nf);
/* Changes an arc's cost; the next solve goes on from the same basis (the
 * flow stays feasible, the potentials are recomputed). */
void cm__nf_set_cost(cm_netflow *nf, int arc, cm_cost cost);
/* Before the first solve: a feasible flow over the arcs so far to start
 * from instead of the artificial star.  Its arcs strictly between their
 * bounds must form a forest, and one node alone may receive; otherwise the
 * solve ignores it.  Returns 0, or -1 (out of memory, or after a solve). */
int cm__nf_start(cm_netflow *nf, const int64_t *flow);
int cm__nf_arcs(const cm_netflow *nf);
int64_t cm__nf_cap(const cm_netflow *nf, int arc);
/* Before the first solve: the cost per unit of the artificial arcs of the
 * starting basis.  By default it is above any path of real arcs ((largest
 * cost + 1) x nodes), which can overflow 128 bits with large costs.  A
 * caller whose every supply reaches the receivers by a path of real arcs
 * costing less than `cost` per unit (an arc to "no place" from every
 * sender, say), and whose costs stay below it, may give a far smaller one:
 * artificial flow then still remains only when the supplies cannot be met. */
void cm__nf_art_cost(cm_netflow *nf, cm_cost cost);
/* The reduced cost of an arc not (yet) in the network, from its ends'
 * potentials after a solve. */
cm_cost cm__nf_reduced(const cm_netflow *nf, int from, int to, cm_cost cost);
/* The nodes' potentials after a solve, by node (valid until the next
 * solve or cost change; adding arcs leaves them): cm__nf_reduced for a
 * caller pricing many arcs. */
const cm_cost *cm__nf_potentials(const cm_netflow *nf);

int64_t cm__nf_flow(const cm_netflow *nf, int arc);
/* The node potential: the optimal dual, with reduced cost
 * cost + pi(from) - pi(to) >= 0 for arcs below capacity and <= 0 for arcs
 * with flow. */
cm_cost cm__nf_potential(const cm_netflow *nf, int node);
cm_cost cm__nf_total_cost(const cm_netflow *nf);
long cm__nf_pivots(const cm_netflow *nf);
/* Arcs scanned and nodes updated so far: work that grows as time does,
 * but the same on any machine (budgets count it). */
long long cm__nf_work(const cm_netflow *nf);
/* 1 when the first basis came from cm__nf_start's flow. */
int cm__nf_started(const cm_netflow *nf);
/* 1 when the basis is optimal for the arcs, costs and supplies as they
 * are (solved, and nothing changed since that could price an arc in):
 * cm__nf_solve then returns at once. */
int cm__nf_clean(const cm_netflow *nf);

/* A saved basis, to come back to without pivoting back (the search's
 * probes: a child is solved, then the parent is as it was). */
typedef struct cm_nf_basis cm_nf_basis;
cm_nf_basis *cm__nf_basis_new(void);
void cm__nf_basis_free(cm_nf_basis *b);
/* Saves the basis after a solve (flows, tree, potentials: O(arcs + nodes)).
 * Returns CM_NF_OPTIMAL, or CM_NF_NOMEM (nothing saved). */
int cm__nf_save(cm_netflow *nf, cm_nf_basis *b);
/* Goes back to a saved basis.  The arcs' costs and the supplies must be
 * those of the save; arcs added since are left out of the tree, empty. */
void cm__nf_restore(cm_netflow *nf, const cm_nf_basis *b);

#endif
