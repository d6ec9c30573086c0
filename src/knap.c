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

#include <math.h>
#include <stdlib.h>

/* out[s] = least of in[s - a] + rate*a over 0 <= a <= m: the window
 * [s - m, s] of in[t] - rate*t slides with s, its least kept in the
 * monotone queue q. */
static void extend(const double *in, double *out, long cap, long m, double rate, long *q)
{
	long s, head = 0, tail = 0;
	for (s = 0; s <= cap; s++) {
		while (tail > head &&
		       !(in[q[tail - 1]] - rate * (double)q[tail - 1] < in[s] - rate * (double)s))
			tail--;
		q[tail++] = s;
		while (q[head] < s - m)
			head++;
		out[s] = in[q[head]] < HUGE_VAL ? in[q[head]] + rate * (double)(s - q[head]) : HUGE_VAL;
	}
}

int cm__knap_min(const cm__kitem *items, size_t n, long cap, int exact, double *out,
                 long long *work)
{
	double *g, *h, *a, *t, best;
	long *q, s;
	size_t i;

	*out = HUGE_VAL;
	if (cap < 0)
		return 0;
	g = malloc(((size_t)cap + 1) * sizeof *g);
	h = malloc(((size_t)cap + 1) * sizeof *h);
	a = malloc(((size_t)cap + 1) * sizeof *a);
	q = malloc(((size_t)cap + 1) * sizeof *q);
	if (!g || !h || !a || !q) {
		free(g);
		free(h);
		free(a);
		free(q);
		return CM_ENOMEM;
	}
	g[0] = 0;
	for (s = 1; s <= cap; s++)
		g[s] = HUGE_VAL;
	for (i = 0; i < n; i++) {
		const cm__kitem *it = &items[i];
		long w = lround(it->weight), m = lround(it->more), m2 = lround(it->more2);
		if (w > cap || (!exact && it->cost >= 0 && (it->rate >= 0 || m == 0) &&
		                (it->rate2 >= 0 || m2 == 0)))
			continue; /* too heavy; or, with seats to spare, worth nothing */
		/* taken: h[s] = g[s - w] + cost, then the seats beyond at each rate */
		for (s = 0; s <= cap; s++)
			h[s] = s >= w && g[s - w] < HUGE_VAL ? g[s - w] + it->cost : HUGE_VAL;
		for (int part = 0; part < 2; part++) {
			long mm = part ? m2 : m;
			if (mm <= 0)
				continue;
			extend(h, a, cap, mm > cap ? cap : mm, part ? it->rate2 : it->rate, q);
			t = a;
			a = h;
			h = t;
			*work += cap + 1;
		}
		for (s = 0; s <= cap; s++)
			if (g[s] < h[s])
				h[s] = g[s];
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
	free(a);
	free(q);
	return 0;
}
