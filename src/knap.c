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
 * many `more` it has.  The answer is g[cap] (exact) or the least g[s].
 */
#include "knap.h"
#include "internal.h"

#include <math.h>
#include <stdlib.h>

int cm__knap_min(const cm__kitem *items, size_t n, long cap, int exact, double *out,
                 long long *work)
{
	double *g, *h, *t, best;
	long *q, s;
	size_t i;

	*out = HUGE_VAL;
	if (cap < 0)
		return 0;
	g = malloc(((size_t)cap + 1) * sizeof *g);
	h = malloc(((size_t)cap + 1) * sizeof *h);
	q = malloc(((size_t)cap + 1) * sizeof *q);
	if (!g || !h || !q) {
		free(g);
		free(h);
		free(q);
		return CM_ENOMEM;
	}
	g[0] = 0;
	for (s = 1; s <= cap; s++)
		g[s] = HUGE_VAL;
	for (i = 0; i < n; i++) {
		const cm__kitem *it = &items[i];
		long w = lround(it->weight), m = lround(it->more), head = 0, tail = 0;
		double r = it->rate;
		if (w > cap || (!exact && it->cost >= 0 && (r >= 0 || m == 0)))
			continue; /* too heavy; or, with seats to spare, worth nothing */
		if (m > cap)
			m = cap;
		for (s = 0; s <= cap; s++) {
			long lo = s - w - m, hi = s - w;
			h[s] = g[s];
			if (hi < 0)
				continue;
			/* the window [lo, hi]: hi joins, what is left of lo leaves */
			while (tail > head && !(g[q[tail - 1]] - r * (double)q[tail - 1] <
			                        g[hi] - r * (double)hi))
				tail--;
			q[tail++] = hi;
			while (q[head] < lo)
				head++;
			if (g[q[head]] < HUGE_VAL) {
				double v = it->cost + r * (double)(s - w) + (g[q[head]] - r * (double)q[head]);
				if (v < h[s])
					h[s] = v;
			}
		}
		t = g;
		g = h;
		h = t;
		*work += cap + 1;
	}
	best = g[cap];
	if (!exact)
		for (s = 0; s < cap; s++)
			if (g[s] < best)
				best = g[s];
	*out = best;
	free(g);
	free(h);
	free(q);
	return 0;
}
