/*
 * knap.c: the least cost of filling one school's seats (knap.h).
 *
 * Dynamic programming over the seats: g[s] is the least cost of the items
 * seen so far that take exactly s seats.  An item taken with a further
 * seats (0 <= a <= more) moves g[t] to s = t + weight + a at cost + rate*a,
 * so
 *
 *   g'[s] = min(g[s], cost + rate*(s - weight) + min{ g[t] - rate*t :
 *                         s - weight - more <= t <= s - weight })
 *
 * and the inner minimum over a window sliding with s is kept in a
 * monotone queue: each item costs time proportional to the seats, however
 * many `more` it has.  An item with a second rate (`more2`) takes its
 * window twice, one rate after the other: the least over both counts.
 * The answer is g[cap] (exact) or the least g[s].
 */
#include "knap.h"
#include "internal.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* out[s] = least of in[s - a] + rate*a over 0 <= a <= m, for s in
 * [lo, hi] (in is HUGE_VAL below lo): the window [s - m, s] of
 * in[t] - rate*t slides with s, its least kept in the monotone queue q.
 * With oin (knap_pick), oout[s] is oin at the state the least came from. */
static void extend(const double *in, double *out, long lo, long hi, long m, double rate,
                   long *q, const int *oin, int *oout)
{
	long s, head = 0, tail = 0;
	for (s = lo; s <= hi; s++) {
		while (tail > head &&
		       !(in[q[tail - 1]] - rate * (double)q[tail - 1] < in[s] - rate * (double)s))
			tail--;
		q[tail++] = s;
		while (q[head] < s - m)
			head++;
		out[s] = in[q[head]] < HUGE_VAL ? in[q[head]] + rate * (double)(s - q[head]) : HUGE_VAL;
		if (oin)
			oout[s] = oin[q[head]];
	}
}

/* Is item it worth nothing where seats are to spare? */
static int worthless(const cm__kitem *it)
{
	return it->cost >= 0 && (it->rate >= 0 || it->more <= 0) &&
	       (it->rate2 >= 0 || it->more2 <= 0);
}

/* The table over the items; with prev (n rows of cap + 1), prev[i][s] is
 * the state before item i of the least way to s after it, -1 where item i
 * is not taken there (only the rows' reachable states are written).
 * Returns the best state in *at.  Only the states that can be reached
 * (at most the seats of the items so far) and, filling exactly, that can
 * still be filled (at least the seats less those of the items to come)
 * are kept. */
static int knap_table(const cm__kitem *items, size_t n, long cap, int exact, double *out,
                      long *at, int *prev, long long *work)
{
	double *g, *h, *a, *t, best;
	long *q, s, hi = 0, lo = 0, hlo, rest = 0;
	int *oh = NULL, *oa = NULL, *ot;
	size_t i, len = (size_t)cap + 1;
	int rc = CM_ENOMEM;

	*out = HUGE_VAL;
	*at = -1;
	if (cap < 0)
		return 0;
	g = malloc(len * sizeof *g);
	h = malloc(len * sizeof *h);
	a = malloc(len * sizeof *a);
	q = malloc(len * sizeof *q);
	if (prev && (!(oh = malloc(len * sizeof *oh)) || !(oa = malloc(len * sizeof *oa))))
		goto done;
	if (!g || !h || !a || !q)
		goto done;
	g[0] = 0; /* (each table is read only on the states it was written on) */
	if (exact)
		for (i = 0; i < n; i++)
			if (lround(items[i].weight) <= cap)
				rest += lround(items[i].weight + items[i].more + items[i].more2);
	for (i = 0; i < n; i++) {
		const cm__kitem *it = &items[i];
		long w = lround(it->weight), m = lround(it->more), m2 = lround(it->more2);
		long nhi, nlo;
		int *pv = prev ? prev + i * len : NULL;
		if (w > cap || (!exact && worthless(it))) {
			/* too heavy; or, with seats to spare, worth nothing */
			if (pv)
				for (s = lo; s <= hi; s++)
					pv[s] = -1;
			continue;
		}
		nhi = hi + w + m + m2 < cap ? hi + w + m + m2 : cap;
		if (exact) {
			rest -= w + m + m2;
			nlo = cap - rest > lo ? cap - rest : lo;
		} else
			nlo = 0;
		/* taken: h[s] = g[s - w] + cost, then the seats beyond at each
		 * rate (from states below nlo too: hlo) */
		hlo = nlo - m - m2 > 0 ? nlo - m - m2 : 0;
		for (s = hlo; s <= nhi; s++) {
			h[s] = s - w >= lo && s - w <= hi && g[s - w] < HUGE_VAL ? g[s - w] + it->cost
			                                                       : HUGE_VAL;
			if (oh)
				oh[s] = (int)(s - w);
		}
		for (int part = 0; part < 2; part++) {
			long mm = part ? m2 : m;
			if (mm <= 0)
				continue;
			extend(h, a, hlo, nhi, mm > cap ? cap : mm, part ? it->rate2 : it->rate, q, oh, oa);
			t = a;
			a = h;
			h = t;
			ot = oa;
			oa = oh;
			oh = ot;
			*work += nhi >= hlo ? nhi - hlo + 1 : 0;
		}
		/* not taken: g as it was (HUGE_VAL outside [lo, hi]) */
		for (s = nlo; s <= nhi; s++) {
			double keep = s <= hi ? g[s] : HUGE_VAL;
			if (pv)
				pv[s] = h[s] < keep ? oh[s] : -1;
			if (keep <= h[s])
				h[s] = keep;
		}
		t = g;
		g = h;
		h = t;
		lo = nlo;
		hi = nhi;
		*work += nhi >= hlo ? nhi - hlo + 1 : 0;
	}
	*at = cap;
	best = cap <= hi ? g[cap] : HUGE_VAL;
	if (!exact)
		for (s = 0; s <= hi && s < cap; s++)
			if (g[s] < best) {
				best = g[s];
				*at = s;
			}
	*out = best;
	rc = 0;
done:
	free(g);
	free(h);
	free(a);
	free(q);
	free(oh);
	free(oa);
	return rc;
}

int cm__knap_min(const cm__kitem *items, size_t n, long cap, int exact, double *out,
                 long long *work)
{
	long at;
	return knap_table(items, n, cap, exact, out, &at, NULL, work);
}

/* Item it taken at the price lam a seat: its least cost less lam a seat
 * (its further seats taken where their rate is below lam), and its seats
 * then (*seats). */
static double priced(const cm__kitem *it, double lam, double *seats)
{
	double r = it->cost - lam * it->weight, w = it->weight;
	if (it->rate < lam) {
		r += (it->rate - lam) * it->more;
		w += it->more;
	}
	if (it->rate2 < lam) {
		r += (it->rate2 - lam) * it->more2;
		w += it->more2;
	}
	*seats = w;
	return r;
}

/* The seats relaxed at a price lam: D(lam) = lam x cap + the sum of the
 * items' priced costs below 0, a lower bound on every choice for any lam
 * (lam <= 0 where seats may be left: then lam x cap is at most lam x the
 * seats taken).  The best lam by bisection on D's slope (seats less those
 * the priced items take); returns D there, and lam in *lam_out. */
#define KNAP_BISECT 50

static double relaxed(const cm__kitem *items, size_t n, long cap, int exact, double *lam_out,
                      long long *work)
{
	double lo = 0, hi = 0, lam = 0, d, w, best = -HUGE_VAL, blam = 0;
	size_t i;
	for (i = 0; i < n; i++) {
		double e = fabs(items[i].cost) / fmax(items[i].weight, 1);
		e = fmax(e, fmax(fabs(items[i].rate), fabs(items[i].rate2)));
		if (e + 1 > hi)
			hi = e + 1;
	}
	lo = -hi;
	if (!exact)
		hi = 0;
	for (int k = 0; k <= KNAP_BISECT; k++) {
		double used = 0;
		lam = k == KNAP_BISECT ? blam : (lo + hi) / 2;
		d = lam * (double)cap;
		for (i = 0; i < n; i++) {
			double r;
			if (items[i].weight > (double)cap)
				continue;
			r = priced(&items[i], lam, &w);
			if (r < 0) {
				d += r;
				used += w;
			}
		}
		*work += (long long)n;
		if (d > best) {
			best = d;
			blam = lam;
		}
		if (used > (double)cap)
			hi = lam; /* more seats taken than there are: D falls with lam */
		else
			lo = lam;
	}
	*lam_out = blam;
	return best;
}

double cm__knap_paying(const cm__kitem *items, size_t n, double sum, unsigned char *taken,
                       double *seats)
{
	double w;
	*seats = 0;
	for (size_t i = 0; i < n; i++) {
		double r = priced(&items[i], 0, &w);
		taken[i] = r < 0;
		if (r < 0) {
			sum += r;
			*seats += w;
		}
	}
	return sum;
}

int cm__knap_pick(const cm__kitem *items, size_t n, long cap, int exact, double ub, double *out,
                  unsigned char *taken, long long *work)
{
	long at, s, rcap = cap;
	int *prev = NULL;
	size_t i, m = 0, len;
	int rc = CM_ENOMEM;
	double lam = 0, d, slack, fixed = 0, w, tol = 0;
	int settled = 0, retry = 0;
	cm__kitem *sub = NULL;
	size_t *from = NULL;  /* by sub item: its item */
	unsigned char *state = NULL; /* by item: 0 free, 1 in, 2 out */
	*out = HUGE_VAL;
	if (cap < 0) {
		memset(taken, 0, n);
		return 0;
	}
	if (!(sub = malloc((2 * n + 1) * sizeof *sub)) || !(from = malloc((2 * n + 1) * sizeof *from)) ||
	    !(state = calloc(n + 1, 1)))
		goto done;
	/* the items a choice at most ub cannot leave out, or cannot take (ub
	 * and D are sums of terms as large as lam x cap: the tolerance is
	 * relative to them all) */
	if (ub < HUGE_VAL && n > 4) {
		double scale;
		d = relaxed(items, n, cap, exact, &lam, work);
		scale = fabs(ub) + fabs(d) + fabs(lam) * (double)cap;
		for (i = 0; i < n; i++)
			if (lround(items[i].weight) <= cap)
				scale += fabs(priced(&items[i], lam, &w));
		tol = 1e-9 * scale + 1e-7;
		slack = ub + tol - d;
		for (i = 0; i < n; i++) {
			double r;
			if (lround(items[i].weight) > cap) {
				state[i] = 2;
				continue;
			}
			r = priced(&items[i], lam, &w);
			if (r >= 0 && r > slack)
				state[i] = 2;
			else if (r < 0 && -r > slack)
				state[i] = 1;
			settled += state[i] != 0;
		}
	}
	for (i = 0; i < n; i++) {
		if (state[i] == 2)
			continue;
		sub[m] = items[i];
		from[m] = i;
		if (state[i] == 1) {
			/* taken: its own seats and cost out of the table, its
			 * further seats an item that takes none of its own */
			rcap -= lround(items[i].weight);
			fixed += items[i].cost;
			sub[m].weight = 0;
			sub[m].cost = 0;
			if (sub[m].more <= 0 && sub[m].more2 <= 0)
				continue;
		}
		m++;
	}
	len = (size_t)(rcap < 0 ? 0 : rcap) + 1;
	if ((m ? m : 1) > SIZE_MAX / sizeof *prev / len || rcap >= INT_MAX)
		goto done; /* (a state is an int: callers keep seats below 1e6) */
	if (rcap >= 0) {
		if (!(prev = malloc((m ? m : 1) * len * sizeof *prev)))
			goto done;
		rc = knap_table(sub, m, rcap, exact, out, &at, prev, work);
	} else {
		rc = 0;
		*out = HUGE_VAL;
	}
	/* above ub, which some choice costs: the settling went wrong (ub
	 * rounded below that choice's cost); the table again without it */
	if (rc || (retry = settled && !(*out + fixed <= ub + tol)))
		goto done;
	for (i = 0; i < n; i++)
		taken[i] = state[i] == 1;
	for (i = m, s = at; i-- > 0;) {
		long p = s >= 0 && *out < HUGE_VAL ? prev[i * len + (size_t)s] : -1;
		if (p >= 0) {
			taken[from[i]] = 1;
			s = p;
		}
	}
	if (*out < HUGE_VAL)
		*out += fixed;
done:
	free(prev);
	free(sub);
	free(from);
	free(state);
	return retry ? cm__knap_pick(items, n, cap, exact, HUGE_VAL, out, taken, work) : rc;
}

static int cmp_rate(const void *a, const void *b)
{
	const double *x = a, *y = b;
	return (x[0] > y[0]) - (x[0] < y[0]);
}

double cm__knap_cost_of(const cm__kitem *items, size_t n, long cap, int exact,
                        const unsigned char *in)
{
	double cost = 0, left = (double)cap, (*units)[2];
	size_t i, m = 0, k;
	if (!(units = malloc((2 * n + 1) * sizeof *units)))
		return HUGE_VAL;
	for (i = 0; i < n; i++) {
		if (!in[i])
			continue;
		cost += items[i].cost;
		left -= items[i].weight;
		if (items[i].more > 0)
			units[m][0] = items[i].rate, units[m++][1] = items[i].more;
		if (items[i].more2 > 0)
			units[m][0] = items[i].rate2, units[m++][1] = items[i].more2;
	}
	qsort(units, m, sizeof *units, cmp_rate);
	/* the further seats, the cheapest first: while they pay, or (exact)
	 * until the seats are full */
	for (k = 0; k < m && left > 0.5; k++) {
		double take;
		if (!exact && units[k][0] >= 0)
			break;
		take = fmin(units[k][1], left);
		cost += take * units[k][0];
		left -= take;
	}
	free(units);
	if (left < -0.5 || (exact && left > 0.5))
		return HUGE_VAL;
	return cost;
}
