/*
 * netflow.c: the primal network simplex method (netflow.h).
 *
 * The spanning tree is kept as in LEMON's NetworkSimplex: for every node its
 * parent, the tree arc to it (pred) and that arc's direction (up: from the
 * node to its parent), a thread (a preorder walk of the tree, as a circular
 * list with its reverse), the size of its subtree and the last node of its
 * subtree in the thread.  Each pivot: find an entering arc by block search,
 * find the cycle's top (join), find the leaving arc (the last blocking arc
 * on the cycle's way, which keeps the tree strongly feasible and the method
 * finite), push the flow, re-hang the subtree, shift its potentials.
 *
 * A root node with an artificial arc to every node gives the first basis:
 * senders send to the root at cost 0, receivers get from it at a cost above
 * any path's, so artificial flow remains only when the supplies cannot be
 * met.
 *
 * A caller may give a starting flow instead (cm__nf_start): a feasible flow
 * whose arcs strictly between their bounds form a forest, such as a greedy
 * assignment.  The tree is then that forest, its parts joined by arcs at a
 * bound (crash_tree).  A good start saves most of the pivots.
 */
#include "netflow.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { ST_UPPER = -1, ST_TREE = 0, ST_LOWER = 1 };
enum { DIR_DOWN = -1, DIR_UP = 1 };

typedef struct cand {
	int arc;
	cm_cost c;
} cand;

struct cm_netflow {
	int n;              /* nodes, without the root */
	int m, mcap;        /* arcs (the artificial ones too, once solved), room */
	int art;            /* the first artificial arc; -1 before the first solve */
	int *src, *dst;
	int64_t *cap, *flow;
	cm_cost *cost;
	signed char *state;
	int64_t *supply;
	int64_t *start;     /* a starting flow over the first start_m arcs, or NULL */
	int start_m;
	/* the tree, over n + 1 nodes (the root is n) */
	int *parent, *pred, *thread, *rev_thread, *succ_num, *last_succ;
	signed char *pred_dir;
	cm_cost *pi;
	int *dirty;         /* scratch for the re-hanging */
	/* the pivot */
	int in_arc, join, u_in, v_in, u_out, next_arc, block, head;
	cand *cand;         /* the candidate list: room for block + head */
	int ncand, cand_room;
	int dirty_pi;       /* costs changed since the potentials were computed */
	cm_cost art_cost;   /* the artificial arcs' cost; 0: LEMON's bound from the costs */
	int64_t delta;
	long pivots;
	long long work;     /* arcs scanned and nodes updated: a deterministic measure of time */
	int started;        /* the first basis came from the starting flow */
	cm_cost total;      /* cost x flow over every arc, kept up to date */
	cm_cost in_rc;      /* the entering arc's reduced cost (the cycle's cost) */
	int clean;          /* the basis is optimal for the arcs and costs as they are:
	                     * the next solve has nothing to do */
};

/* A basis saved by cm__nf_save: the arcs' flows and states, the tree and
 * its potentials. */
struct cm_nf_basis {
	int m, n;
	int64_t *flow;
	signed char *state;
	int *tree;          /* parent, pred, thread, rev_thread, succ_num, last_succ */
	signed char *pred_dir;
	cm_cost *pi;
	cm_cost total;
	int dirty_pi, clean;
	int room_m, room_n;
};

cm_netflow *cm__nf_new(int nodes, int arcs)
{
	cm_netflow *nf = calloc(1, sizeof *nf);
	if (!nf)
		return NULL;
	nf->n = nodes;
	nf->art = -1;
	nf->supply = calloc((size_t)nodes + 1, sizeof *nf->supply);
	nf->mcap = arcs > 16 ? arcs : 16;
	nf->src = malloc((size_t)nf->mcap * sizeof *nf->src);
	nf->dst = malloc((size_t)nf->mcap * sizeof *nf->dst);
	nf->cap = malloc((size_t)nf->mcap * sizeof *nf->cap);
	nf->cost = malloc((size_t)nf->mcap * sizeof *nf->cost);
	if (!nf->supply || !nf->src || !nf->dst || !nf->cap || !nf->cost) {
		cm__nf_free(nf);
		return NULL;
	}
	return nf;
}

void cm__nf_free(cm_netflow *nf)
{
	if (!nf)
		return;
	free(nf->src);
	free(nf->dst);
	free(nf->cap);
	free(nf->flow);
	free(nf->cost);
	free(nf->state);
	free(nf->supply);
	free(nf->start);
	free(nf->parent);
	free(nf->pred);
	free(nf->thread);
	free(nf->rev_thread);
	free(nf->succ_num);
	free(nf->last_succ);
	free(nf->pred_dir);
	free(nf->pi);
	free(nf->dirty);
	free(nf->cand);
	free(nf);
}

static int grow(void **p, size_t elem, int n)
{
	void *q = realloc(*p, elem * (size_t)n);
	if (!q)
		return -1;
	*p = q;
	return 0;
}

int cm__nf_arc(cm_netflow *nf, int from, int to, int64_t cap, cm_cost cost)
{
	if (nf->m == nf->mcap) {
		int c = nf->mcap * 2;
		if (grow((void **)&nf->src, sizeof *nf->src, c) ||
		    grow((void **)&nf->dst, sizeof *nf->dst, c) ||
		    grow((void **)&nf->cap, sizeof *nf->cap, c) ||
		    grow((void **)&nf->cost, sizeof *nf->cost, c) ||
		    (nf->flow && grow((void **)&nf->flow, sizeof *nf->flow, c)) ||
		    (nf->state && grow((void **)&nf->state, 1, c)))
			return -1;
		nf->mcap = c;
	}
	nf->clean = 0;
	nf->src[nf->m] = from;
	nf->dst[nf->m] = to;
	nf->cap[nf->m] = cap;
	nf->cost[nf->m] = cost;
	if (nf->flow) { /* after a solve: the basis stays, the arc starts empty */
		nf->flow[nf->m] = 0;
		nf->state[nf->m] = ST_LOWER;
	}
	return nf->m++;
}

void cm__nf_supply(cm_netflow *nf, int node, int64_t supply)
{
	nf->supply[node] = supply;
	nf->clean = 0;
}

int cm__nf_start(cm_netflow *nf, const int64_t *flow)
{
	if (nf->art >= 0)
		return -1;
	free(nf->start);
	if (!(nf->start = malloc(((size_t)nf->m + 1) * sizeof *nf->start)))
		return -1;
	memcpy(nf->start, flow, (size_t)nf->m * sizeof *flow);
	nf->start_m = nf->m;
	return 0;
}

static void recompute_potentials(cm_netflow *nf);

static int find_root(int *uf, int u)
{
	while (uf[u] != u)
		u = uf[u] = uf[uf[u]];
	return u;
}

/* Hangs node `u` (not yet in the tree) and every node it reaches by free
 * arcs below `parent` through arc `e`; `stack` is scratch. */
static void hang(cm_netflow *nf, int u, int parent, int e, const int *first, const int *adj,
                 char *in_tree, int *stack)
{
	int top = 0, k;
	nf->parent[u] = parent;
	nf->pred[u] = e;
	nf->pred_dir[u] = nf->src[e] == u ? DIR_UP : DIR_DOWN;
	in_tree[u] = 1;
	stack[top++] = u;
	while (top) {
		int v = stack[--top];
		for (k = first[v]; k < first[v + 1]; k++) {
			int a = adj[k], w = nf->src[a] == v ? nf->dst[a] : nf->src[a];
			if (in_tree[w])
				continue;
			nf->parent[w] = v;
			nf->pred[w] = a;
			nf->pred_dir[w] = nf->src[a] == w ? DIR_UP : DIR_DOWN;
			in_tree[w] = 1;
			stack[top++] = w;
		}
	}
}

/* The tree from the starting flow, strongly feasible as the method needs
 * (every node can send flow to the root along its tree path).  The free
 * arcs (strictly between bounds) must form a forest.  One free arc into
 * the one receiving node gives its flow up: that flow goes through the
 * root instead (the arc's tail up, the receiver down, both artificial), so
 * the receiver's artificial arc carries flow and its part of the forest
 * hangs from it.  The other parts join by arcs at a bound that keep the
 * tree strongly feasible (an empty arc into the tree, or a full arc out of
 * it); a part that none reaches hangs from the root by its empty
 * artificial arc.  The first pivots send the borrowed flow back.  Returns
 * 0, or 1 when the start does not fit (the caller falls back to the star). */
static int crash_tree(cm_netflow *nf, cm_cost art)
{
	int n = nf->n, real = nf->art, u, e, sink = -1, lend = -1, rc = 1, grew, k;
	int64_t *bal = calloc((size_t)n + 1, sizeof *bal), lent;
	int *uf = malloc(((size_t)n + 1) * sizeof *uf), *first = calloc((size_t)n + 2, sizeof *first);
	int *adj = malloc(2 * ((size_t)real + 1) * sizeof *adj), *stack = malloc(((size_t)n + 1) * sizeof *stack);
	int *fill = NULL;
	char *in_tree = calloc((size_t)n + 1, 1);
	if (!bal || !uf || !first || !adj || !stack || !in_tree)
		goto done;
	for (u = 0; u < n; u++) {
		uf[u] = u;
		if (nf->supply[u] < 0) {
			if (sink >= 0)
				goto done;
			sink = u;
		}
	}
	if (sink < 0)
		goto done;
	/* feasible; the free arcs a forest; the arc to lend from */
	for (e = 0; e < real; e++) {
		int64_t f = nf->start[e];
		if (f < 0 || f > nf->cap[e])
			goto done;
		bal[nf->src[e]] += f;
		bal[nf->dst[e]] -= f;
		if (f > 0 && f < nf->cap[e]) {
			int a = find_root(uf, nf->src[e]), b = find_root(uf, nf->dst[e]);
			if (a == b)
				goto done;
			uf[a] = b;
			if (lend < 0 && nf->dst[e] == sink && nf->src[e] != sink)
				lend = e;
		}
	}
	for (u = 0; u < n; u++)
		if (bal[u] != nf->supply[u])
			goto done;
	if (lend < 0)
		goto done;
	lent = nf->start[lend];
	nf->start[lend] = 0;
	for (e = 0; e < real; e++)
		if (nf->start[e] > 0 && nf->start[e] < nf->cap[e]) {
			first[nf->src[e] + 1]++;
			first[nf->dst[e] + 1]++;
		}
	for (u = 0; u < n; u++)
		first[u + 1] += first[u];
	if (!(fill = malloc(((size_t)n + 1) * sizeof *fill)))
		goto done;
	memcpy(fill, first, ((size_t)n + 1) * sizeof *fill);
	for (e = 0; e < real; e++)
		if (nf->start[e] > 0 && nf->start[e] < nf->cap[e]) {
			adj[fill[nf->src[e]]++] = e;
			adj[fill[nf->dst[e]]++] = e;
		}
	/* the artificial arcs: up from every node at cost 0, but down to the
	 * receiver at the artificial cost; all empty but the two lent on */
	for (u = 0, e = real; u < n; u++, e++) {
		nf->flow[e] = 0;
		nf->state[e] = ST_LOWER;
		nf->src[e] = u;
		nf->dst[e] = n;
		nf->cost[e] = 0;
	}
	nf->src[real + sink] = n;
	nf->dst[real + sink] = sink;
	nf->cost[real + sink] = art;
	nf->flow[real + sink] = lent;
	nf->flow[real + nf->src[lend]] = lent;
	/* the receiver's part and the lender's, then the others as arcs at a
	 * bound reach them, then what is left */
	hang(nf, sink, n, real + sink, first, adj, in_tree, stack);
	hang(nf, nf->src[lend], n, real + nf->src[lend], first, adj, in_tree, stack);
	do {
		grew = 0;
		for (e = 0; e < real; e++) {
			int64_t f = nf->start[e];
			int s = nf->src[e], d = nf->dst[e];
			if (f == 0 && f < nf->cap[e] && !in_tree[s] && in_tree[d])
				hang(nf, s, d, e, first, adj, in_tree, stack), grew = 1;
			else if (f > 0 && f == nf->cap[e] && in_tree[s] && !in_tree[d])
				hang(nf, d, s, e, first, adj, in_tree, stack), grew = 1;
		}
	} while (grew);
	for (u = 0; u < n; u++)
		if (!in_tree[u])
			hang(nf, u, n, real + u, first, adj, in_tree, stack);

	/* flows and states, then the thread in preorder and the subtree sizes */
	for (e = 0; e < real; e++) {
		nf->flow[e] = nf->start[e];
		nf->state[e] = nf->flow[e] == 0 ? ST_LOWER : ST_UPPER;
	}
	for (u = 0; u < n; u++)
		nf->state[nf->pred[u]] = ST_TREE;
	nf->parent[n] = -1;
	nf->pred[n] = -1;
	/* children lists (first/adj reused), then an explicit preorder walk */
	memset(first, 0, ((size_t)n + 2) * sizeof *first);
	for (u = 0; u < n; u++)
		first[nf->parent[u] + 1]++;
	for (u = 0; u <= n; u++)
		first[u + 1] += first[u];
	memcpy(fill, first, ((size_t)n + 1) * sizeof *fill);
	for (u = 0; u < n; u++)
		adj[fill[nf->parent[u]]++] = u;
	{
		int top = 0, prev = n, pos = 0;
		int *order = uf; /* preorder, reusing the union-find's room */
		stack[top++] = n;
		while (top) {
			int v = stack[--top];
			order[pos++] = v;
			if (v != n) {
				nf->thread[prev] = v;
				nf->rev_thread[v] = prev;
			}
			prev = v;
			for (k = first[v + 1] - 1; k >= first[v]; k--)
				stack[top++] = adj[k];
		}
		nf->thread[prev] = n;
		nf->rev_thread[n] = prev;
		for (u = 0; u <= n; u++) {
			nf->succ_num[u] = 1;
			nf->last_succ[u] = u;
		}
		for (k = pos - 1; k > 0; k--) {
			int v = order[k], p = nf->parent[v];
			nf->succ_num[p] += nf->succ_num[v];
			if (nf->last_succ[p] == p)
				nf->last_succ[p] = nf->last_succ[v];
		}
	}
	recompute_potentials(nf);
	rc = 0;
done:
	free(bal);
	free(uf);
	free(first);
	free(adj);
	free(stack);
	free(fill);
	free(in_tree);
	return rc;
}

/* The starting basis: every node hangs from the root by an artificial arc
 * (arc m + u for node u), unless a starting flow gives a better tree. */
static int init(cm_netflow *nf)
{
	int n = nf->n, u, e, real = nf->m;
	cm_cost art = 0;
	nf->flow = calloc((size_t)nf->mcap, sizeof *nf->flow);
	nf->state = malloc((size_t)nf->mcap);
	nf->parent = malloc(((size_t)n + 1) * sizeof(int));
	nf->pred = malloc(((size_t)n + 1) * sizeof(int));
	nf->thread = malloc(((size_t)n + 1) * sizeof(int));
	nf->rev_thread = malloc(((size_t)n + 1) * sizeof(int));
	nf->succ_num = malloc(((size_t)n + 1) * sizeof(int));
	nf->last_succ = malloc(((size_t)n + 1) * sizeof(int));
	nf->pred_dir = malloc((size_t)n + 1);
	nf->pi = malloc(((size_t)n + 1) * sizeof(cm_cost));
	nf->dirty = malloc(((size_t)n + 1) * sizeof(int));
	if (!nf->flow || !nf->state || !nf->parent || !nf->pred || !nf->thread ||
	    !nf->rev_thread || !nf->succ_num || !nf->last_succ || !nf->pred_dir || !nf->pi ||
	    !nf->dirty)
		return -1;
	/* The caller's artificial cost, or one above any path of real arcs:
	 * (largest |cost| + 1) x nodes. */
	if (nf->art_cost > 0) {
		art = nf->art_cost;
	} else {
		for (e = 0; e < real; e++) {
			cm_cost c = nf->cost[e] < 0 ? -nf->cost[e] : nf->cost[e];
			if (c > art)
				art = c;
		}
		art = (art + 1) * (n + 1);
	}
	for (e = 0; e < real; e++)
		nf->state[e] = ST_LOWER;
	nf->art = real;
	for (u = 0; u < n; u++)
		if (cm__nf_arc(nf, 0, 0, CM_NF_INF, 0) < 0)
			return -1;
	if (nf->start) {
		int rc = nf->start_m == real ? crash_tree(nf, art) : 1;
		free(nf->start);
		nf->start = NULL;
		if (rc == 0)
			return nf->started = 1, 0;
	}
	nf->parent[n] = -1;
	nf->pred[n] = -1;
	nf->thread[n] = 0;
	nf->rev_thread[0] = n;
	nf->succ_num[n] = n + 1;
	nf->last_succ[n] = n - 1;
	nf->pi[n] = 0;
	for (u = 0, e = real; u < n; u++, e++) {
		nf->parent[u] = n;
		nf->pred[u] = e;
		nf->thread[u] = u + 1;
		nf->rev_thread[u + 1] = u;
		nf->succ_num[u] = 1;
		nf->last_succ[u] = u;
		nf->state[e] = ST_TREE;
		if (nf->supply[u] >= 0) {
			nf->pred_dir[u] = DIR_UP;
			nf->pi[u] = 0;
			nf->src[e] = u;
			nf->dst[e] = n;
			nf->flow[e] = nf->supply[u];
			nf->cost[e] = 0;
		} else {
			nf->pred_dir[u] = DIR_DOWN;
			nf->pi[u] = art;
			nf->src[e] = n;
			nf->dst[e] = u;
			nf->flow[e] = -nf->supply[u];
			nf->cost[e] = art;
		}
	}
	return 0;
}

/* The entering arc, by LEMON's altering candidate list: the candidates
 * left from the last search are priced again and those no longer negative
 * dropped; then blocks of arcs are scanned from where the last scan
 * stopped, their negative arcs joining the list, until the first block
 * leaves more than a head of candidates (later blocks: any); the most
 * negative candidate enters, and the head's best stay for the next pivot.
 * A scan round all the arcs that finds none proves the flow optimal.  When
 * a few cost changes leave few negative arcs far apart, one scan feeds
 * many pivots, where a block search would scan again for each. */
static inline cm_cost reduced(const cm_netflow *nf, int e)
{
	signed char st = nf->state[e];
	cm_cost c;
	if (st == ST_TREE)
		return 0;
	c = nf->cost[e] + nf->pi[nf->src[e]] - nf->pi[nf->dst[e]];
	return st == ST_LOWER ? c : -c;
}

static int find_entering(cm_netflow *nf)
{
	int m = nf->m, e = nf->next_arc, k, i, len = 0, limit = nf->head, cnt = nf->block, keep;
	cand *cd = nf->cand;
	for (i = 0; i < nf->ncand; i++) {
		cm_cost c = reduced(nf, cd[i].arc);
		if (c < 0)
			cd[len].arc = cd[i].arc, cd[len++].c = c;
	}
	for (k = 0; k < m; k++) {
		cm_cost c = reduced(nf, e);
		if (c < 0 && len < nf->block + nf->head)
			cd[len].arc = e, cd[len++].c = c;
		if (++e == m)
			e = 0;
		if (--cnt == 0) {
			if (len > limit)
				break;
			limit = 0;
			cnt = nf->block;
		}
	}
	nf->work += k + nf->ncand;
	if (len == 0) {
		nf->ncand = 0;
		return 0;
	}
	nf->next_arc = e;
	/* the head: the best few to the front (selection; the head is short) */
	keep = len < nf->head + 1 ? len : nf->head + 1;
	for (i = 0; i < keep; i++) {
		int best = i, j;
		cand t;
		for (j = i + 1; j < len; j++)
			if (cd[j].c < cd[best].c || (cd[j].c == cd[best].c && cd[j].arc < cd[best].arc))
				best = j;
		t = cd[i], cd[i] = cd[best], cd[best] = t;
	}
	nf->in_arc = cd[0].arc;
	nf->in_rc = cd[0].c;
	cd[0] = cd[keep - 1];
	nf->ncand = keep - 1;
	return 1;
}

static void find_join(cm_netflow *nf)
{
	int u = nf->src[nf->in_arc], v = nf->dst[nf->in_arc];
	while (u != v) {
		if (nf->succ_num[u] < nf->succ_num[v])
			u = nf->parent[u];
		else
			v = nf->parent[v];
	}
	nf->join = u;
}

/* The leaving arc: the blocking arc met last when going round the cycle in
 * the direction of the push (ties on the second side win).  Returns 1 when
 * the tree changes, 0 when the entering arc itself blocks (a bound flip). */
static int find_leaving(cm_netflow *nf)
{
	int first, second, u, result = 0, e = nf->in_arc;
	if (nf->state[e] == ST_LOWER) {
		first = nf->src[e];
		second = nf->dst[e];
	} else {
		first = nf->dst[e];
		second = nf->src[e];
	}
	nf->delta = nf->cap[e];
	for (u = first; u != nf->join; u = nf->parent[u]) {
		int a = nf->pred[u];
		int64_t d = nf->flow[a];
		if (nf->pred_dir[u] == DIR_DOWN)
			d = nf->cap[a] == CM_NF_INF ? CM_NF_INF : nf->cap[a] - d;
		if (d < nf->delta) {
			nf->delta = d;
			nf->u_out = u;
			result = 1;
		}
	}
	for (u = second; u != nf->join; u = nf->parent[u]) {
		int a = nf->pred[u];
		int64_t d = nf->flow[a];
		if (nf->pred_dir[u] == DIR_UP)
			d = nf->cap[a] == CM_NF_INF ? CM_NF_INF : nf->cap[a] - d;
		if (d <= nf->delta) {
			nf->delta = d;
			nf->u_out = u;
			result = 2;
		}
	}
	if (result == 1) {
		nf->u_in = first;
		nf->v_in = second;
	} else {
		nf->u_in = second;
		nf->v_in = first;
	}
	return result != 0;
}

static void change_flow(cm_netflow *nf, int change)
{
	int e = nf->in_arc, u;
	if (nf->delta > 0) {
		int64_t val = nf->state[e] * nf->delta;
		nf->total += nf->in_rc * nf->delta; /* the tree arcs' reduced costs are 0 */
		nf->flow[e] += val;
		for (u = nf->src[e]; u != nf->join; u = nf->parent[u])
			nf->flow[nf->pred[u]] -= nf->pred_dir[u] * val;
		for (u = nf->dst[e]; u != nf->join; u = nf->parent[u])
			nf->flow[nf->pred[u]] += nf->pred_dir[u] * val;
	}
	if (change) {
		int out = nf->pred[nf->u_out];
		nf->state[e] = ST_TREE;
		nf->state[out] = nf->flow[out] == 0 ? ST_LOWER : ST_UPPER;
	} else {
		nf->state[e] = (signed char)-nf->state[e];
	}
}

/* Re-hangs the subtree of u_out: the stem from u_in up to u_out reverses,
 * and the subtree joins the tree under v_in.  LEMON's updateTreeStructure. */
static void update_tree(cm_netflow *nf)
{
	int *parent = nf->parent, *thread = nf->thread, *rev = nf->rev_thread;
	int *succ = nf->succ_num, *last_succ = nf->last_succ;
	int u_in = nf->u_in, v_in = nf->v_in, u_out = nf->u_out, join = nf->join;
	int old_rev_thread = rev[u_out], old_succ_num = succ[u_out];
	int old_last_succ = last_succ[u_out], v_out = parent[u_out];
	int u, ndirty = 0, up_limit_out, last_succ_out;

	if (u_in == u_out) {
		parent[u_in] = v_in;
		nf->pred[u_in] = nf->in_arc;
		nf->pred_dir[u_in] = u_in == nf->src[nf->in_arc] ? DIR_UP : DIR_DOWN;
		if (thread[v_in] != u_out) {
			int after = thread[old_last_succ];
			thread[old_rev_thread] = after;
			rev[after] = old_rev_thread;
			after = thread[v_in];
			thread[v_in] = u_out;
			rev[u_out] = v_in;
			thread[old_last_succ] = after;
			rev[after] = old_last_succ;
		}
	} else {
		int thread_continue = old_rev_thread == v_in ? thread[old_last_succ] : thread[v_in];
		int stem = u_in, par_stem = v_in, next_stem;
		int last = last_succ[u_in], before, after = thread[last];
		int tmp_sc = 0, tmp_ls, p, i;
		thread[v_in] = u_in;
		nf->dirty[ndirty++] = v_in;
		while (stem != u_out) {
			next_stem = parent[stem];
			thread[last] = next_stem;
			nf->dirty[ndirty++] = last;
			before = rev[stem];
			thread[before] = after;
			rev[after] = before;
			parent[stem] = par_stem;
			par_stem = stem;
			stem = next_stem;
			last = last_succ[stem] == last_succ[par_stem] ? rev[par_stem] : last_succ[stem];
			after = thread[last];
		}
		parent[u_out] = par_stem;
		thread[last] = thread_continue;
		rev[thread_continue] = last;
		last_succ[u_out] = last;
		if (old_rev_thread != v_in) {
			thread[old_rev_thread] = after;
			rev[after] = old_rev_thread;
		}
		for (i = 0; i < ndirty; i++)
			rev[thread[nf->dirty[i]]] = nf->dirty[i];
		tmp_ls = last_succ[u_out];
		for (u = u_out, p = parent[u]; u != u_in; u = p, p = parent[u]) {
			nf->pred[u] = nf->pred[p];
			nf->pred_dir[u] = (signed char)-nf->pred_dir[p];
			tmp_sc += succ[u] - succ[p];
			succ[u] = tmp_sc;
			last_succ[p] = tmp_ls;
		}
		nf->pred[u_in] = nf->in_arc;
		nf->pred_dir[u_in] = u_in == nf->src[nf->in_arc] ? DIR_UP : DIR_DOWN;
		succ[u_in] = old_succ_num;
	}

	up_limit_out = last_succ[join] == v_in ? join : -1;
	last_succ_out = last_succ[u_out];
	for (u = v_in; u != -1 && last_succ[u] == v_in; u = parent[u])
		last_succ[u] = last_succ_out;
	if (join != old_rev_thread && v_in != old_rev_thread) {
		for (u = v_out; u != up_limit_out && last_succ[u] == old_last_succ; u = parent[u])
			last_succ[u] = old_rev_thread;
	} else if (last_succ_out != old_last_succ) {
		for (u = v_out; u != up_limit_out && last_succ[u] == old_last_succ; u = parent[u])
			last_succ[u] = last_succ_out;
	}
	for (u = v_in; u != join; u = parent[u])
		succ[u] += old_succ_num;
	for (u = v_out; u != join; u = parent[u])
		succ[u] -= old_succ_num;
}

/* The re-hung subtree's potentials shift by sigma; when it holds most of
 * the nodes, the others shift by -sigma instead (potentials matter only up
 * to a constant), so a pivot costs the smaller side. */
static void update_potential(cm_netflow *nf)
{
	int u_in = nf->u_in, end = nf->thread[nf->last_succ[u_in]], u;
	cm_cost sigma = nf->pi[nf->v_in] - nf->pi[u_in] - nf->pred_dir[u_in] * nf->cost[nf->in_arc];
	nf->work += 2 * nf->succ_num[u_in] > nf->n + 1 ? nf->n + 1 - nf->succ_num[u_in] : nf->succ_num[u_in];
	if (2 * nf->succ_num[u_in] > nf->n + 1) {
		for (u = end; u != u_in; u = nf->thread[u])
			nf->pi[u] -= sigma;
	} else {
		for (u = u_in; u != end; u = nf->thread[u])
			nf->pi[u] += sigma;
	}
}

/* The potentials from the tree, root first in thread order: every tree arc
 * has reduced cost 0. */
static void recompute_potentials(cm_netflow *nf)
{
	int root = nf->n, u;
	nf->work += root;
	nf->pi[root] = 0;
	for (u = nf->thread[root]; u != root; u = nf->thread[u]) {
		int e = nf->pred[u], p = nf->parent[u];
		nf->pi[u] = nf->pred_dir[u] == DIR_UP ? nf->pi[p] - nf->cost[e] : nf->pi[p] + nf->cost[e];
	}
	nf->dirty_pi = 0;
}

void cm__nf_set_cost(cm_netflow *nf, int arc, cm_cost cost)
{
	if (nf->flow)
		nf->total += (cost - nf->cost[arc]) * nf->flow[arc];
	nf->cost[arc] = cost;
	if (!nf->state || nf->state[arc] == ST_TREE) {
		/* a tree arc's cost moves the potentials */
		nf->dirty_pi = 1;
		nf->clean = 0;
	} else if (nf->clean && !nf->dirty_pi && reduced(nf, arc) < 0) {
		/* any other arc's leaves them: the basis stays optimal unless
		 * this arc now prices in */
		nf->clean = 0;
	}
	/* the search starts where the costs changed: the arcs whose reduced
	 * costs turn negative are mostly there (and near: callers number arcs
	 * by place) */
	nf->next_arc = arc;
}

void cm__nf_art_cost(cm_netflow *nf, cm_cost cost)
{
	nf->art_cost = cost;
}

int cm__nf_solve(cm_netflow *nf)
{
	int e;
	int64_t sum = 0;
	for (e = 0; e < nf->n; e++)
		sum += nf->supply[e];
	if (sum != 0)
		return CM_NF_INFEASIBLE;
	if (nf->art < 0) {
		if (init(nf))
			return CM_NF_NOMEM;
		nf->total = 0;
		for (e = 0; e < nf->m; e++)
			nf->total += nf->cost[e] * nf->flow[e];
	}
	if (nf->clean)
		return CM_NF_OPTIMAL;
	if (nf->dirty_pi)
		recompute_potentials(nf);
	nf->block = (int)sqrt((double)nf->m);
	if (nf->block < 10)
		nf->block = 10;
	nf->head = nf->block / 100 < 3 ? 3 : nf->block / 100;
	if (nf->block + nf->head > nf->cand_room) {
		cand *c = realloc(nf->cand, (size_t)(nf->block + nf->head) * sizeof *c);
		if (!c)
			return CM_NF_NOMEM;
		nf->cand = c;
		nf->cand_room = nf->block + nf->head;
	}
	nf->ncand = 0; /* costs or arcs changed: start the list afresh */
	if (nf->next_arc >= nf->m)
		nf->next_arc = 0;
	while (find_entering(nf)) {
		int change;
		find_join(nf);
		change = find_leaving(nf);
		change_flow(nf, change);
		if (change) {
			update_tree(nf);
			update_potential(nf);
		}
		nf->pivots++;
	}
	/* Flow left on an artificial arc: the supplies cannot be met. */
	for (e = nf->art; e < nf->art + nf->n; e++)
		if (nf->flow[e] != 0)
			return CM_NF_INFEASIBLE;
	nf->clean = 1;
	return CM_NF_OPTIMAL;
}

int cm__nf_clean(const cm_netflow *nf)
{
	return nf->clean;
}

cm_nf_basis *cm__nf_basis_new(void)
{
	return calloc(1, sizeof(cm_nf_basis));
}

void cm__nf_basis_free(cm_nf_basis *b)
{
	if (!b)
		return;
	free(b->flow);
	free(b->state);
	free(b->tree);
	free(b->pred_dir);
	free(b->pi);
	free(b);
}

int cm__nf_save(cm_netflow *nf, cm_nf_basis *b)
{
	int n1 = nf->n + 1, *const src[6] = {nf->parent, nf->pred, nf->thread, nf->rev_thread,
	                                     nf->succ_num, nf->last_succ};
	if (nf->art < 0)
		return CM_NF_NOMEM; /* nothing solved yet */
	if (b->room_m < nf->m) {
		int64_t *f = realloc(b->flow, (size_t)nf->mcap * sizeof *f);
		signed char *st = f ? realloc(b->state, (size_t)nf->mcap) : NULL;
		if (f)
			b->flow = f;
		if (!st)
			return CM_NF_NOMEM;
		b->state = st;
		b->room_m = nf->mcap;
	}
	if (b->room_n < n1) {
		int *t = realloc(b->tree, (size_t)n1 * 6 * sizeof *t);
		signed char *d = t ? realloc(b->pred_dir, (size_t)n1) : NULL;
		cm_cost *pi = d ? realloc(b->pi, (size_t)n1 * sizeof *pi) : NULL;
		if (t)
			b->tree = t;
		if (d)
			b->pred_dir = d;
		if (!pi)
			return CM_NF_NOMEM;
		b->pi = pi;
		b->room_n = n1;
	}
	b->m = nf->m;
	b->n = n1;
	memcpy(b->flow, nf->flow, (size_t)nf->m * sizeof *b->flow);
	memcpy(b->state, nf->state, (size_t)nf->m);
	for (int i = 0; i < 6; i++)
		memcpy(b->tree + (size_t)i * (size_t)n1, src[i], (size_t)n1 * sizeof(int));
	memcpy(b->pred_dir, nf->pred_dir, (size_t)n1);
	memcpy(b->pi, nf->pi, (size_t)n1 * sizeof *b->pi);
	b->total = nf->total;
	b->dirty_pi = nf->dirty_pi;
	b->clean = nf->clean;
	nf->work += nf->m + n1;
	return CM_NF_OPTIMAL;
}

void cm__nf_restore(cm_netflow *nf, const cm_nf_basis *b)
{
	int n1 = b->n, e, *const dst[6] = {nf->parent, nf->pred, nf->thread, nf->rev_thread,
	                                   nf->succ_num, nf->last_succ};
	memcpy(nf->flow, b->flow, (size_t)b->m * sizeof *nf->flow);
	memcpy(nf->state, b->state, (size_t)b->m);
	for (e = b->m; e < nf->m; e++) {
		/* added since: out of the tree, empty */
		nf->flow[e] = 0;
		nf->state[e] = ST_LOWER;
	}
	for (int i = 0; i < 6; i++)
		memcpy(dst[i], b->tree + (size_t)i * (size_t)n1, (size_t)n1 * sizeof(int));
	memcpy(nf->pred_dir, b->pred_dir, (size_t)n1);
	memcpy(nf->pi, b->pi, (size_t)n1 * sizeof *nf->pi);
	nf->total = b->total;
	nf->dirty_pi = b->dirty_pi;
	nf->clean = b->clean;
	/* an arc added since may price in at these potentials */
	for (e = b->m; e < nf->m && nf->clean; e++)
		if (nf->dirty_pi || reduced(nf, e) < 0)
			nf->clean = 0;
	nf->ncand = 0;
	nf->work += nf->m + n1;
}

int64_t cm__nf_flow(const cm_netflow *nf, int arc)
{
	return nf->flow[arc];
}

cm_cost cm__nf_potential(const cm_netflow *nf, int node)
{
	return nf->pi[node];
}

cm_cost cm__nf_total_cost(const cm_netflow *nf)
{
	return nf->total;
}

int cm__nf_arcs(const cm_netflow *nf)
{
	return nf->m;
}

int64_t cm__nf_cap(const cm_netflow *nf, int arc)
{
	return nf->cap[arc];
}

int cm__nf_started(const cm_netflow *nf)
{
	return nf->started;
}

long cm__nf_pivots(const cm_netflow *nf)
{
	return nf->pivots;
}

long long cm__nf_work(const cm_netflow *nf)
{
	return nf->work;
}

const cm_cost *cm__nf_potentials(const cm_netflow *nf)
{
	return nf->pi;
}

cm_cost cm__nf_reduced(const cm_netflow *nf, int from, int to, cm_cost cost)
{
	return cost + nf->pi[from] - nf->pi[to];
}
