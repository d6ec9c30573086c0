/* test_claims.c: what the single-school search says of its plan, checked
 * against exhaustive answers on many small random instances, each solved
 * with several [solve] settings:
 *
 *   - the bound is never above the optimum, and a bound on pupil-metres
 *     (bound >= 0) is only given where the plan's pupils without a place
 *     and policy tier are the optimum's; bound_unplaced is never above the
 *     optimum's pupils without a place;
 *   - "proven" only for an optimal plan;
 *   - the gap it reports is at least the plan's real distance from the
 *     optimum;
 *   - where the search ends by its gap rather than a node limit (the
 *     automatic budget is ample for instances this small), the gap it
 *     reports is at most the gap asked for, and 0 proves the plan.
 *
 * Two oracles: every assignment of compounds of local children to public
 * schools or none, each school seating its nearest compounds first (brute
 * force, locals only); and, with private schools and the migrant quota,
 * every single-school choice solved on the network with the other public
 * columns closed.  On locals only, the two agree.
 *
 * Values in metres; the network counts whole millimetres per pupil, so the
 * plan's pupil-metres and the optimum may differ by a millimetre per pupil.
 * A failure names the seed and the setting: make_locals and make_private
 * make an instance from its seed alone.
 *
 * From a review's stress test (2026-12-04), which found a root closed by
 * the whole-compound bound within the gap reporting a bound above the
 * optimum (efa7d6a).  Without that mend, seeds 199, 282, 685, 731, 776,
 * 831, 907 and 977 of the locals and 121, 126, 323 and 372 with private
 * schools fail here, every one with a gap and a node limit both asked,
 * each such setting at seeds of its own: hence four of them. */
#include "helpers.h"
#include "oracle.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>

/* Instances per test, each solved with every setting (9 solves): sized so
 * the executable takes a few seconds (the locals about 5 s of one core,
 * private schools 3.5 s, 2026-12-04). */
#define LOCAL_SEEDS 1000
#define PRIVATE_SEEDS 400
/* The oracles compared on the first locals-only instances. */
#define AGREE_SEEDS 60

/* ------------------------------------------------------------ instances */

/* A primary level of up to 5 schools and 7 point compounds; `s` and `c`
 * point into the names. */
typedef struct instance {
	unsigned seed;
	int ns, nc;
	tschool s[5];
	tcomp c[7];
	char sid[5][16], cid[7][16];
	double reach;  /* max_distance_primary_m */
	double share;  /* migrant_public_share; 0: no quota */
} instance;

/* The next of `n` numbers from the generator's state. */
static unsigned draw(unsigned *state, unsigned n)
{
	*state = *state * 1103515245u + 12345u;
	return (*state >> 8) % n;
}

static void name_them(instance *in)
{
	for (int k = 0; k < in->ns; k++) {
		snprintf(in->sid[k], sizeof in->sid[k], "S%d", k);
		in->s[k].id = in->sid[k];
	}
	for (int i = 0; i < in->nc; i++) {
		snprintf(in->cid[i], sizeof in->cid[i], "C%d", i);
		in->c[i].id = in->cid[i];
	}
}

/* Locals only: 3 public schools and 5-7 compounds, or 4 and 5-6 (at most
 * 4^7 assignments), within 3 km and a reach of 2.5 km; in a third of them
 * seats are scarce. */
static void make_locals(unsigned seed, instance *in)
{
	unsigned st = seed * 2654435761u;
	in->seed = seed;
	in->ns = 3 + (int)draw(&st, 2);
	in->nc = 5 + (int)draw(&st, in->ns == 3 ? 3 : 2);
	in->reach = 2500;
	in->share = 0;
	int scarce = draw(&st, 3) == 0;
	/* (one draw a statement: the order of an initializer's is unspecified) */
	for (int k = 0; k < in->ns; k++) {
		int seats = scarce ? 15 + (int)draw(&st, 30) : 20 + (int)draw(&st, 45);
		double x = draw(&st, 3000), y = draw(&st, 3000);
		in->s[k] = (tschool){NULL, "primary", "public", seats, 0, 0, 0, 0, x, y};
	}
	for (int i = 0; i < in->nc; i++) {
		int pl = 3 + (int)draw(&st, 30);
		double x = draw(&st, 3000), y = draw(&st, 3000);
		in->c[i] = (tcomp){NULL, "urban", pl, 0, 0, 0, x, y};
	}
	name_them(in);
}

/* Private schools and the quota: 4-5 schools, the last 1-2 private with
 * few seats (some purchased), 5-6 compounds with more migrants than
 * locals, within 3-4 km and a reach of 3 km; the quota 0 (none), 0.85 or
 * 0.95. */
static void make_private(unsigned seed, instance *in)
{
	unsigned st = seed * 2654435761u;
	in->seed = seed;
	in->ns = 4 + (int)draw(&st, 2);
	int npriv = 1 + (int)draw(&st, 2);
	in->nc = 5 + (int)draw(&st, 2);
	unsigned span = 3000 + draw(&st, 1000);
	in->reach = 3000;
	if (draw(&st, 3) == 0)
		in->share = 0;
	else
		in->share = draw(&st, 2) ? 0.95 : 0.85;
	for (int k = 0; k < in->ns; k++) {
		int priv = k >= in->ns - npriv;
		int seats = priv ? 6 + (int)draw(&st, 16) : 18 + (int)draw(&st, 35);
		int purchased = priv ? (int)draw(&st, 7) : 0;
		double x = draw(&st, span), y = draw(&st, span);
		in->s[k] = (tschool){NULL, "primary", priv ? "private" : "public", seats, 0, purchased,
		                     0, 0, x, y};
	}
	for (int i = 0; i < in->nc; i++) {
		int pl = 2 + (int)draw(&st, 12), pm = 3 + (int)draw(&st, 15);
		double x = draw(&st, span), y = draw(&st, span);
		in->c[i] = (tcomp){NULL, "urban", pl, pm, 0, 0, x, y};
	}
	name_them(in);
}

/* What the search is asked ([solve] mip_gap and node_limit), each
 * instance solved with every one. */
static const struct setting {
	const char *name;   /* for messages: the scenario's keys */
	double gap;         /* mip_gap */
	long node_limit;    /* 0: by size, ample here: the search ends by its gap */
} settings[] = {
	{"mip_gap = 0", 0, 0},
	{"mip_gap = 0.001", 0.001, 0},
	{"mip_gap = 0.05", 0.05, 0},
	{"mip_gap = 0.3", 0.3, 0},
	{"node_limit = 3", 0, 3},
	{"mip_gap = 0.01, node_limit = 6", 0.01, 6},
	{"mip_gap = 0.05, node_limit = 6", 0.05, 6},
	{"mip_gap = 0.05, node_limit = 12", 0.05, 12},
	{"mip_gap = 0.1, node_limit = 6", 0.1, 6},
};
#define N_SETTINGS (int)(sizeof settings / sizeof settings[0])

/* ------------------------------------------------------------ oracles */

/* The optimum of a locals-only instance by brute force: every choice of
 * a school within reach (or none) for every compound, each school seating
 * its nearest chosen compounds first (whole compounds while seats last,
 * then part of one, the rest without a place).  Tiers: pupils without a
 * place, pupil-metres (no migrants: the policy tier is the first's,
 * weighed). */
static cm_lex brute_force(const instance *in)
{
	double d[5][7];
	int at[7][6], nat[7], choice[7];
	long combos = 1;
	cm_lex best = {HUGE_VAL, 0, HUGE_VAL};
	for (int i = 0; i < in->nc; i++) {
		nat[i] = 0;
		for (int k = 0; k < in->ns; k++) {
			d[k][i] = hypot(in->c[i].x - in->s[k].x, in->c[i].y - in->s[k].y);
			if (d[k][i] <= in->reach)
				at[i][nat[i]++] = k;
		}
		at[i][nat[i]++] = -1;
		combos *= nat[i];
	}
	for (long code = 0; code < combos; code++) {
		long rest = code;
		double unplaced = 0, metres = 0;
		for (int i = 0; i < in->nc; i++) {
			choice[i] = at[i][rest % nat[i]];
			rest /= nat[i];
			if (choice[i] < 0)
				unplaced += in->c[i].pl;
		}
		for (int k = 0; k < in->ns; k++) {
			int left = in->s[k].seats_p, seated[7] = {0};
			for (;;) {
				int pick = -1;
				for (int i = 0; i < in->nc; i++)
					if (choice[i] == k && !seated[i] && (pick < 0 || d[k][i] < d[k][pick]))
						pick = i;
				if (pick < 0)
					break;
				seated[pick] = 1;
				int n = in->c[pick].pl < left ? in->c[pick].pl : left;
				left -= n;
				metres += n * d[k][pick];
				unplaced += in->c[pick].pl - n;
			}
		}
		if (unplaced < best.unplaced || (unplaced == best.unplaced && metres < best.metres)) {
			best.unplaced = unplaced;
			best.metres = metres;
		}
	}
	best.shortfall = CM_LOCAL_FIRST * best.unplaced;
	return best;
}

/* The optimum on the network and the weights its policy tier counts with. */
typedef struct optimum {
	cm_lex best;         /* tier by tier */
	int local_first;     /* a local child without a place in the policy tier (model.h) */
	double quota_target; /* migrants in public or purchased places the quota asks for */
} optimum;

/* The least value, tier by tier, of every single-school choice of t's
 * primary level: each compound at one of its public schools within reach
 * or at none, the network solving the rest (private places, no place,
 * the quota) with the other public columns closed. */
static optimum every_choice(const tiny *t)
{
	const cm_school *sch;
	size_t n = cm_dataset_schools(t->ds, &sch);
	int seats[5];
	cm_ctx *ctx;
	cm_model m;
	cm_relax r;
	optimum o;
	cr_assert(n <= 5 && cm_ctx_new(&ctx) == 0);
	for (size_t k = 0; k < n; k++)
		seats[k] = cm_school_teaches(&sch[k], CM_PRIMARY) ? sch[k].seats[CM_PRIMARY] : 0;
	cr_assert_eq(cm__model_build(ctx, t->cfg, t->ds, CM_PRIMARY, seats, NULL, &m), 0);
	cr_assert_eq(cm__flow_relax_new(ctx, &m, n, &r), 0);
	o.best = best_by_choices(&m, &r, -1, -1);
	o.local_first = m.local_first;
	o.quota_target = m.quota_row >= 0 ? m.quota_target : 0;
	cm__flow_relax_free(&r);
	cm__model_free(&m);
	cm_ctx_free(ctx);
	return o;
}

/* ------------------------------------------------------------ the claims */

/* The plan's value tier by tier, weighed as the network weighs them. */
static cm_lex plan_value(const tiny *t, const optimum *o)
{
	const cm_level_summary *sum = cm_plan_summary(t->plan, CM_PRIMARY);
	double locals = (double)unplaced_locals(t, CM_PRIMARY);
	double short_of = fmax(0, o->quota_target - (double)sum->migrants_public);
	return (cm_lex){(double)sum->unplaced, o->local_first * locals + short_of,
	                sum->pupil_metres};
}

/* What the runs of a test exercised, so that it tests something. */
typedef struct tally {
	int solves;
	int proven;
	int early;   /* a bound given, the plan above the optimum */
	int raised;  /* the bound above the relaxation's */
} tally;

/* The claims of t's summary against the optimum `o` (its tiers and the
 * plan's weighed alike: plan_value), the search asked `st`. */
static void assert_claims(const tiny *t, const instance *in, const struct setting *st,
                          const optimum *o, tally *n)
{
	const cm_level_summary *sum = cm_plan_summary(t->plan, CM_PRIMARY);
	cm_lex p = plan_value(t, o), opt = o->best;
	double tol = 1e-3 * (double)sum->pupils + 1e-6;
	int tiers = p.unplaced == opt.unplaced && fabs(p.shortfall - opt.shortfall) <= 1e-6;
	unsigned seed = in->seed;
	const char *what = st->name;

	/* the oracle's optimum is one: no plan below it */
	cr_assert(p.unplaced > opt.unplaced ||
	          (p.unplaced == opt.unplaced && p.shortfall > opt.shortfall - 1e-6),
	          "seed %u, %s: the plan's tiers %.0f/%.0f below the optimum's %.0f/%.0f", seed,
	          what, p.unplaced, p.shortfall, opt.unplaced, opt.shortfall);
	cr_assert(!tiers || p.metres >= opt.metres - tol,
	          "seed %u, %s: the plan's %.4f pupil-metres below the optimum's %.4f", seed, what,
	          p.metres, opt.metres);
	cr_assert_leq(sum->bound_unplaced, opt.unplaced,
	              "seed %u, %s: bound_unplaced %ld above the optimum's %.0f", seed, what,
	              sum->bound_unplaced, opt.unplaced);
	if (sum->bound >= 0) {
		cr_assert(tiers, "seed %u, %s: a bound (%.4f) on a plan of %.0f/%.0f, where the "
		          "optimum has %.0f/%.0f", seed, what, sum->bound, p.unplaced, p.shortfall,
		          opt.unplaced, opt.shortfall);
		cr_assert_leq(sum->bound, opt.metres + tol,
		              "seed %u, %s: bound %.4f above the optimum %.4f (plan %.4f, gap %.6f)",
		              seed, what, sum->bound, opt.metres, p.metres, sum->mip_gap);
		if (p.metres > 0)
			cr_assert_geq(sum->mip_gap, (p.metres - opt.metres - tol) / p.metres,
			              "seed %u, %s: gap %.6f, but the plan (%.4f) is %.6f above the "
			              "optimum (%.4f)", seed, what, sum->mip_gap, p.metres,
			              (p.metres - opt.metres) / p.metres, opt.metres);
		n->early += p.metres > opt.metres + tol;
		n->raised += sum->lp_unplaced == sum->unplaced && sum->bound > sum->lp_bound + tol;
	}
	if (sum->proven)
		cr_assert(tiers && p.metres <= opt.metres + tol,
		          "seed %u, %s: proven, plan %.0f/%.0f/%.4f, optimum %.0f/%.0f/%.4f", seed, what,
		          p.unplaced, p.shortfall, p.metres, opt.unplaced, opt.shortfall, opt.metres);
	if (!st->node_limit) {
		cr_assert_leq(sum->mip_gap, st->gap + 1e-9,
		              "seed %u, %s: gap %.6f above the gap asked (bound %.4f, plan %.4f, %ld "
		              "relaxations)", seed, what, sum->mip_gap, sum->bound, p.metres, sum->nodes);
		cr_assert(st->gap > 0 || sum->proven, "seed %u, %s: not proven (gap %.6f)", seed, what,
		          sum->mip_gap);
	}
	n->solves++;
	n->proven += sum->proven;
}

/* Writes `in` and solves it into *t with settings[0]. */
static void solve_first(tiny *t, const instance *in)
{
	char extra[200];
	snprintf(extra, sizeof extra,
	         "[policy]\nmax_distance_primary_m = %.0f\nmigrant_public_share = %.2f\n"
	         "[solve]\nmip_gap = %g\nnode_limit = %ld\n",
	         in->reach, in->share, settings[0].gap, settings[0].node_limit);
	tiny_solve(t, in->s, in->ns, in->c, in->nc, extra);
}

/* Solves `in` with every setting and checks the claims against `o` (NULL:
 * the network's optimum, every_choice).  The instance is written and read
 * once and solved with settings[0] from its scenario's [solve] keys, then
 * again with each other setting in its configuration's. */
static void check_every_setting(const instance *in, const optimum *o, tally *n)
{
	optimum net;
	cm_ctx *ctx;
	tiny t;
	solve_first(&t, in);
	if (!o) {
		net = every_choice(&t);
		o = &net;
	}
	cr_assert_eq(cm_ctx_new(&ctx), 0);
	for (int k = 0; k < N_SETTINGS; k++) {
		if (k > 0) {
			cm_plan_free(t.plan);
			t.plan = NULL;
			t.cfg->solve.mip_gap = settings[k].gap;
			t.cfg->solve.node_limit = settings[k].node_limit;
			cr_assert_eq(solve_with(ctx, t.cfg, t.ds, NULL, &t.plan), 0, "seed %u, %s: %s",
			             in->seed, settings[k].name, cm_ctx_last_error(ctx));
		}
		assert_claims(&t, in, &settings[k], o, n);
	}
	cm_ctx_free(ctx);
	tiny_free(&t);
}

/* The claims must be put to the test: some plans proven, some stopped
 * above the optimum with a bound (the gap's claims), some bounds above
 * the relaxation's (the whole-compound bound's). */
static void assert_tested(const tally *n, const char *what)
{
	cr_log_info("%s: %d solves, %d proven, %d stopped above the optimum with a bound, %d "
	            "bounds above the relaxation's", what, n->solves, n->proven, n->early, n->raised);
	cr_assert_gt(n->proven, 0, "%s: no plan proven", what);
	cr_assert_gt(n->early, 0, "%s: no plan stopped above the optimum: the gap is not tested",
	             what);
	cr_assert_gt(n->raised, 0, "%s: no bound above the relaxation's", what);
}

/* Locals only, against every assignment. */
Test(claims, locals_against_every_assignment)
{
	tally n = {0};
	for (unsigned seed = 1; seed <= LOCAL_SEEDS; seed++) {
		instance in;
		make_locals(seed, &in);
		optimum o = {brute_force(&in), CM_LOCAL_FIRST, 0};
		check_every_setting(&in, &o, &n);
	}
	assert_tested(&n, "locals only");
}

/* Private schools (purchased places and fee places) and the quota,
 * against every single-school choice on the network. */
Test(claims, private_seats_and_the_quota_against_every_choice)
{
	tally n = {0};
	for (unsigned seed = 1; seed <= PRIVATE_SEEDS; seed++) {
		instance in;
		make_private(seed, &in);
		check_every_setting(&in, NULL, &n);
	}
	assert_tested(&n, "private schools and the quota");
}

/* The two oracles agree where both apply (locals only), tier by tier:
 * every_choice solves on the engine's own network, brute_force does not. */
Test(claims, the_oracles_agree)
{
	for (unsigned seed = 1; seed <= AGREE_SEEDS; seed++) {
		instance in;
		tiny t;
		make_locals(seed, &in);
		cm_lex b = brute_force(&in);
		solve_first(&t, &in);
		optimum o = every_choice(&t);
		double tol = 1e-3 * (double)cm_plan_summary(t.plan, CM_PRIMARY)->pupils + 1e-6;
		cr_assert_eq(o.best.unplaced, b.unplaced, "seed %u: unplaced %.0f on the network, %.0f "
		             "by brute force", seed, o.best.unplaced, b.unplaced);
		cr_assert_eq(o.best.shortfall, b.shortfall, "seed %u: policy tier %.0f on the network, "
		             "%.0f by brute force", seed, o.best.shortfall, b.shortfall);
		cr_assert(fabs(o.best.metres - b.metres) <= tol, "seed %u: %.4f pupil-metres on the "
		          "network, %.4f by brute force", seed, o.best.metres, b.metres);
		tiny_free(&t);
	}
}
