/* test_solve.c: the allocation model, checked against independent answers:
 * split mode against the same problem written out in GNU MathProg and solved
 * by glpsol; single mode against brute force over every assignment; and one
 * hand-made case for every rule of the model. */
#define _GNU_SOURCE
#include "helpers.h"
#include "oracle.h"
#include "../src/model.h"
#include "../src/search.h"

#include <gdal.h>
#include <ogr_api.h>

#include <criterion/criterion.h>
#include <dlfcn.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ tiny instances */

static size_t school_index(const tiny *t, const char *id)
{
	const cm_school *s;
	size_t n = cm_dataset_schools(t->ds, &s), i;
	for (i = 0; i < n; i++)
		if (!strcmp(s[i].id, id))
			return i;
	cr_assert_fail("no school %s", id);
	return 0;
}

static size_t compound_index(const tiny *t, const char *id)
{
	const cm_compound *c;
	size_t n = cm_dataset_compounds(t->ds, &c), i;
	for (i = 0; i < n; i++)
		if (!strcmp(c[i].id, id))
			return i;
	cr_assert_fail("no compound %s", id);
	return 0;
}

/* Pupils of compound `cid` (group: 0 local, 1 migrant, 2 both) at school
 * `sid` (NULL: unplaced) in seat kind `seat` (-1: any). */
static int pupils_at(const tiny *t, cm_level lv, const char *cid, const char *sid, int seat, int group)
{
	const cm_assignment *a;
	size_t n = cm_plan_assignments(t->plan, &a), i, ci = compound_index(t, cid);
	long si = sid ? (long)school_index(t, sid) : -1;
	int sum = 0;
	for (i = 0; i < n; i++) {
		if (a[i].compound != ci || a[i].level != lv || a[i].school != si)
			continue;
		if (seat >= 0 && (int)a[i].seat != seat)
			continue;
		sum += group == 0 ? a[i].local : group == 1 ? a[i].migrant : a[i].local + a[i].migrant;
	}
	return sum;
}

/* Every output: nobody over seats, demand met exactly by placed + unplaced. */
static void assert_consistent(const tiny *t)
{
	const cm_school *s;
	const cm_compound *c;
	const cm_assignment *a;
	size_t ns = cm_dataset_schools(t->ds, &s), nc = cm_dataset_compounds(t->ds, &c);
	size_t na = cm_plan_assignments(t->plan, &a), i, j;
	for (int lv = 0; lv < CM_NLEVELS; lv++) {
		for (i = 0; i < ns; i++) {
			const cm_school_result *r = cm_plan_school(t->plan, (cm_level)lv, i);
			int enrolled = 0, purchased = 0;
			for (j = 0; j < na; j++)
				if (a[j].level == (cm_level)lv && a[j].school == (long)i) {
					enrolled += a[j].local + a[j].migrant;
					purchased += a[j].seat == CM_SEAT_PURCHASED ? a[j].migrant : 0;
					if (s[i].sector == CM_PRIVATE)
						cr_assert_eq(a[j].local, 0, "locals placed in private school %s", s[i].id);
				}
			cr_assert_eq(enrolled, r->enrolled);
			cr_assert_leq(enrolled, r->seats, "school %s over its seats", s[i].id);
			cr_assert_leq(purchased, s[i].purchased[lv] > 0 ? s[i].purchased[lv] : 0);
		}
		for (i = 0; i < nc; i++) {
			int got[2] = {0, 0};
			for (j = 0; j < na; j++)
				if (a[j].level == (cm_level)lv && a[j].compound == i) {
					got[0] += a[j].local;
					got[1] += a[j].migrant;
				}
			cr_assert_eq(got[0], c[i].pupils[lv][CM_LOCAL], "compound %s locals", c[i].id);
			cr_assert_eq(got[1], c[i].pupils[lv][CM_MIGRANT], "compound %s migrants", c[i].id);
		}
	}
}

/* ------------------------------------------------------------ rules */

Test(rules, seat_shortfall_places_the_nearest)
{
	tschool s[] = {{"A", "primary", "public", 45, 0, 0, 0, 0, 0, 0}};
	tcomp c[] = {{"near", "urban", 30, 0, 0, 0, 100, 0}, {"far", "urban", 30, 0, 0, 0, 900, 0}};
	tiny t;
	tiny_solve(&t, s, 1, c, 2, "[solve]\nassignment = split\n");
	const cm_level_summary *sum = cm_plan_summary(t.plan, CM_PRIMARY);
	cr_assert_eq(sum->placed, 45);
	cr_assert_eq(sum->unplaced, 15);
	cr_assert_eq(pupils_at(&t, CM_PRIMARY, "near", "A", -1, 2), 30);
	cr_assert_eq(pupils_at(&t, CM_PRIMARY, "far", NULL, CM_SEAT_UNPLACED, 2), 15);
	cr_assert_eq(cm_plan_unplaced(t.plan, CM_PRIMARY, compound_index(&t, "far")), 15);
	/* one more seat at A places one more pupil */
	cr_assert_float_eq(cm_plan_school(t.plan, CM_PRIMARY, 0)->shadow_pupils, 1.0, 1e-6);
	cr_assert_eq(cm_plan_school(t.plan, CM_PRIMARY, 0)->classes, 1);
	assert_consistent(&t);
	tiny_free(&t);
}

Test(rules, school_beyond_max_distance)
{
	tschool s[] = {{"A", "primary", "public", 100, 0, 0, 0, 0, 5000, 0}};
	tcomp c[] = {{"C", "urban", 20, 0, 0, 0, 0, 0}};
	tiny t;
	tiny_solve(&t, s, 1, c, 1, "[policy]\nmax_distance_primary_m = 3000\n");
	cr_assert_eq(cm_plan_summary(t.plan, CM_PRIMARY)->unplaced, 20);
	tiny_free(&t);
	tiny_solve(&t, s, 1, c, 1, "[policy]\nmax_distance_primary_m = 6000\n");
	cr_assert_eq(cm_plan_summary(t.plan, CM_PRIMARY)->unplaced, 0);
	tiny_free(&t);
}

Test(rules, boarding_radius)
{
	tschool s[] = {{"B", "junior", "public", 0, 100, 0, 0, 1, 8000, 0}};
	tcomp c[] = {{"V", "rural", 0, 0, 20, 0, 0, 0}};
	tiny t;
	tiny_solve(&t, s, 1, c, 1,
	           "[policy]\nmax_distance_junior_m = 3000\nmax_distance_boarding_m = 10000\n");
	cr_assert_eq(pupils_at(&t, CM_JUNIOR, "V", "B", CM_SEAT_PUBLIC, 0), 20);
	tiny_free(&t);
	tiny_solve(&t, s, 1, c, 1,
	           "[policy]\nmax_distance_junior_m = 3000\nmax_distance_boarding_m = 5000\n");
	cr_assert_eq(cm_plan_summary(t.plan, CM_JUNIOR)->unplaced, 20);
	tiny_free(&t);
}

Test(rules, nine_year_school_has_seats_at_both_levels)
{
	tschool s[] = {{"N", "nine_year", "public", 45, 50, 0, 0, 0, 0, 0}};
	tcomp c[] = {{"C", "urban", 60, 0, 40, 0, 300, 0}};
	tiny t;
	tiny_solve(&t, s, 1, c, 1, NULL);
	cr_assert_eq(pupils_at(&t, CM_PRIMARY, "C", "N", -1, 2), 45);
	cr_assert_eq(pupils_at(&t, CM_JUNIOR, "C", "N", -1, 2), 40);
	cr_assert_eq(cm_plan_summary(t.plan, CM_PRIMARY)->unplaced, 15);
	cr_assert_eq(cm_plan_summary(t.plan, CM_JUNIOR)->unplaced, 0);
	cr_assert_eq(cm_plan_school(t.plan, CM_JUNIOR, 0)->spare, 10);
	assert_consistent(&t);
	tiny_free(&t);
}

Test(rules, private_schools_take_migrants_only)
{
	tschool s[] = {{"P", "primary", "private", 100, 0, 50, 0, 0, 0, 0}};
	tcomp c[] = {{"C", "urban", 10, 10, 0, 0, 200, 0}};
	tiny t;
	tiny_solve(&t, s, 1, c, 1, NULL);
	cr_assert_eq(pupils_at(&t, CM_PRIMARY, "C", NULL, CM_SEAT_UNPLACED, 0), 10);
	cr_assert_eq(pupils_at(&t, CM_PRIMARY, "C", "P", -1, 1), 10);
	assert_consistent(&t);
	tiny_free(&t);
}

/* Migrants: a near private school with fee places, a far public school.
 * Without the quota they take the near fee places; with it, 85% must be in
 * public or purchased places. */
Test(rules, quota_binding_and_purchased_against_fee)
{
	tschool s[] = {{"Fee", "primary", "private", 100, 0, 0, 0, 0, 100, 0},
	               {"Pub", "primary", "public", 100, 0, 0, 0, 0, 2000, 0}};
	tcomp c[] = {{"C", "urban", 0, 40, 0, 0, 0, 0}};
	tiny t;
	tiny_solve(&t, s, 2, c, 1, "[policy]\nmigrant_public_share = 0\n");
	cr_assert_eq(pupils_at(&t, CM_PRIMARY, "C", "Fee", CM_SEAT_FEE, 1), 40);
	tiny_free(&t);

	tiny_solve(&t, s, 2, c, 1, "[policy]\nmigrant_public_share = 0.85\n[solve]\nassignment = split\n");
	const cm_level_summary *sum = cm_plan_summary(t.plan, CM_PRIMARY);
	cr_assert_eq(pupils_at(&t, CM_PRIMARY, "C", "Pub", CM_SEAT_PUBLIC, 1), 34, "ceil(0.85 x 40)");
	cr_assert_eq(pupils_at(&t, CM_PRIMARY, "C", "Fee", CM_SEAT_FEE, 1), 6);
	cr_assert(sum->quota_met);
	cr_assert_float_eq(sum->migrant_public_share, 34.0 / 40, 1e-9);
	tiny_free(&t);

	/* Purchased places in the near private school count for the quota. */
	tschool s2[] = {{"Buy", "primary", "private", 100, 0, 30, 0, 0, 100, 0},
	                {"Pub", "primary", "public", 100, 0, 0, 0, 0, 2000, 0}};
	tiny_solve(&t, s2, 2, c, 1, "[solve]\nassignment = split\n");
	cr_assert_eq(pupils_at(&t, CM_PRIMARY, "C", "Buy", CM_SEAT_PURCHASED, 1), 30);
	cr_assert_eq(pupils_at(&t, CM_PRIMARY, "C", "Pub", CM_SEAT_PUBLIC, 1), 4);
	cr_assert_eq(pupils_at(&t, CM_PRIMARY, "C", "Buy", CM_SEAT_FEE, 1), 6);
	cr_assert(cm_plan_summary(t.plan, CM_PRIMARY)->quota_met);
	assert_consistent(&t);
	tiny_free(&t);
}

Test(rules, quota_impossible_reports_the_best_share)
{
	/* 40 migrants, 10 public seats beyond the locals, 8 purchased: at most
	 * 18 of 40 (45%) can be in public or purchased places without leaving
	 * a local child unplaced, which the model never does for the quota. */
	tschool s[] = {{"Pub", "primary", "public", 30, 0, 0, 0, 0, 0, 0},
	               {"Pri", "primary", "private", 100, 0, 8, 0, 0, 500, 0}};
	tcomp c[] = {{"C", "urban", 20, 40, 0, 0, 100, 0}};
	tiny t;
	tiny_solve(&t, s, 2, c, 1, "[solve]\nassignment = split\n");
	const cm_level_summary *sum = cm_plan_summary(t.plan, CM_PRIMARY);
	cr_assert_not(sum->quota_met);
	cr_assert_eq(sum->migrants_public, 18);
	cr_assert_float_eq(sum->migrant_public_share, 0.45, 1e-9);
	cr_assert_eq(sum->unplaced, 0, "everyone still gets a seat");
	assert_consistent(&t);
	tiny_free(&t);
}

/* The kept decision: places come before the migrant quota, and a local
 * child is never left out to meet it.  One public school, ten seats; ten
 * local children and ten migrants (no fee place in reach) want them, the
 * migrants as near or nearer.  The quota would gain ten from the migrants;
 * the locals take the seats, the quota is missed, and the plan says so.
 * On both relaxations (the network; GLPK, which a near-school minimum
 * routes to), in both modes. */
Test(rules, a_local_child_is_never_left_out_for_the_quota)
{
	tschool s[] = {{"Pub", "primary", "public", 10, 0, 0, 0, 0, 0, 0}};
	tcomp c[] = {{"A", "urban", 10, 0, 0, 0, 400, 0}, {"B", "urban", 0, 10, 0, 0, 0, 300}};
	const char *cfg[] = {"[solve]\nassignment = single\n", "[solve]\nassignment = split\n",
	                     "[solve]\nassignment = single\nsolver = glpk\n",
	                     "[solve]\nassignment = split\nsolver = glpk\n",
	                     "[policy]\nnear_share_min_primary = 0.1\n[solve]\nassignment = single\n"};
	for (size_t k = 0; k < sizeof cfg / sizeof *cfg; k++) {
		tiny t;
		tiny_solve(&t, s, 1, c, 2, cfg[k]);
		const cm_level_summary *sum = cm_plan_summary(t.plan, CM_PRIMARY);
		cr_assert_eq(pupils_at(&t, CM_PRIMARY, "A", "Pub", CM_SEAT_PUBLIC, 0), 10, "%s", cfg[k]);
		cr_assert_eq(pupils_at(&t, CM_PRIMARY, "B", NULL, -1, 1), 10, "%s", cfg[k]);
		cr_assert_eq(sum->unplaced, 10, "%s", cfg[k]);
		cr_assert_not(sum->quota_met, "%s", cfg[k]);
		assert_consistent(&t);
		tiny_free(&t);
	}
}

/* In single mode one local child left out can move a whole compound and
 * bring several migrants from fee places into public ones: X's 5 local
 * children fill S1 and its 4 migrants go to F's fee places, or X goes to
 * S2 (4 seats: one local child out) and Y's 5 migrants take S1.  The
 * quota gains 5 for 1 local child, more than a fixed weight of 4 pays
 * (a review's case); the plan must still leave no local child out, on
 * the network as on GLPK. */
Test(rules, a_local_child_is_not_traded_for_a_compounds_migrants)
{
	tschool s[] = {{"S1", "primary", "public", 5, 0, 0, 0, 0, -600, 0},
	               {"S2", "primary", "public", 4, 0, 0, 0, 0, 600, 0},
	               {"F", "primary", "private", 9, 0, 0, 0, 0, 0, 0}};
	tcomp c[] = {{"X", "urban", 5, 4, 0, 0, 0, 100},
	             {"Y", "urban", 0, 5, 0, 0, -700, 300},
	             {"Z", "urban", 0, 1, 0, 0, 0, -900}};
	const char *cfg[] = {"[policy]\nmax_distance_primary_m = 1000\n[solve]\nassignment = single\n",
	                     "[policy]\nmax_distance_primary_m = 1000\n[solve]\nassignment = single\n"
	                     "solver = glpk\n"};
	for (size_t k = 0; k < sizeof cfg / sizeof *cfg; k++) {
		tiny t;
		tiny_solve(&t, s, 3, c, 3, cfg[k]);
		const cm_level_summary *sum = cm_plan_summary(t.plan, CM_PRIMARY);
		cr_assert_eq(pupils_at(&t, CM_PRIMARY, "X", "S1", CM_SEAT_PUBLIC, 0), 5, "%s", cfg[k]);
		cr_assert_eq(pupils_at(&t, CM_PRIMARY, "X", NULL, -1, 0), 0, "%s", cfg[k]);
		cr_assert_eq(sum->unplaced, 1, "%s", cfg[k]);
		cr_assert(sum->proven, "%s", cfg[k]);
		assert_consistent(&t);
		tiny_free(&t);
	}
}

Test(rules, single_mode_one_school_per_compound)
{
	/* Two schools of 30 seats; a compound of 40 locals would be split in
	 * split mode but not in single mode. */
	tschool s[] = {{"A", "primary", "public", 30, 0, 0, 0, 0, 0, 0},
	               {"B", "primary", "public", 30, 0, 0, 0, 0, 1000, 0}};
	tcomp c[] = {{"C", "urban", 40, 0, 0, 0, 100, 0}};
	tiny t;
	tiny_solve(&t, s, 2, c, 1, "[solve]\nassignment = split\n");
	cr_assert_eq(pupils_at(&t, CM_PRIMARY, "C", "A", -1, 0), 30);
	cr_assert_eq(pupils_at(&t, CM_PRIMARY, "C", "B", -1, 0), 10);
	tiny_free(&t);
	tiny_solve(&t, s, 2, c, 1, "[solve]\nassignment = single\n");
	int a = pupils_at(&t, CM_PRIMARY, "C", "A", -1, 0), b = pupils_at(&t, CM_PRIMARY, "C", "B", -1, 0);
	cr_assert(a == 0 || b == 0, "split between schools: %d and %d", a, b);
	cr_assert_eq(a + b, 30);
	cr_assert_eq(cm_plan_summary(t.plan, CM_PRIMARY)->unplaced, 10);
	tiny_free(&t);
}

Test(rules, school_size_cap_when_enforced)
{
	tschool s[] = {{"A", "primary", "public", 90, 0, 0, 0, 0, 0, 0}};
	tcomp c[] = {{"C", "urban", 80, 0, 0, 0, 100, 0}};
	tiny t;
	tiny_solve(&t, s, 1, c, 1, "[policy]\nmax_school_size = 50\n");
	cr_assert_eq(cm_plan_summary(t.plan, CM_PRIMARY)->placed, 80);
	cr_assert_eq(cm_plan_summary(t.plan, CM_PRIMARY)->oversize, 1, "reported");
	tiny_free(&t);
	tiny_solve(&t, s, 1, c, 1, "[policy]\nmax_school_size = 50\nenforce_school_size = yes\n");
	cr_assert_eq(cm_plan_summary(t.plan, CM_PRIMARY)->placed, 50);
	cr_assert_eq(cm_plan_summary(t.plan, CM_PRIMARY)->oversize, 0);
	tiny_free(&t);
}

/* GLPK's policy tier is k x local children without a place plus the
 * shortfall (k = 3 x pupils + 1): with 999 local children of a compound
 * far away left without a place (its school Z has one seat), 3e6.  Near N
 * (one seat), compound C (two pupils, 480 m from N, 520 m from F) and D
 * (one pupil, 600 m from F): every pupil placed means C at F, and the
 * near-school minimum of a half is 1.5 pupils short; the relaxation splits
 * C, one pupil at N, and is 0.5 short.  GLPK's search from that plan,
 * stopped after one relaxation, has not settled the tier, so it claims no
 * pupil-metres gap.  With a tolerance of 1e-6 relative on the tier (3
 * pupils here) it took the two as equal and certified the plan's
 * pupil-metres against the relaxation's (search.h, cm__policy_tol). */
Test(rules, a_policy_tier_one_pupil_apart_is_not_settled)
{
	tschool s[] = {{"N", "primary", "public", 1, 0, 0, 0, 0, 0, 0},
	               {"F", "primary", "public", 5, 0, 0, 0, 0, 1000, 0},
	               {"Z", "primary", "public", 1, 0, 0, 0, 0, 100100, 0}};
	tcomp c[] = {{"C", "urban", 2, 0, 0, 0, 480, 0},
	             {"D", "urban", 1, 0, 0, 0, 1600, 0},
	             {"Far", "rural", 1000, 0, 0, 0, 100000, 0}};
	int seats[] = {1, 5, 1};
	long start[] = {1, 1, 2}; /* C and D at F, Far at Z */
	tiny t;
	cm_ctx *ctx;
	cm_model m;
	cm_solution sol;
	tiny_solve(&t, s, 3, c, 3,
	           "[policy]\nnear_share_min_primary = 0.5\nmax_distance_primary_m = 3000\n"
	           "[solve]\nnode_limit = 1\n");
	cr_assert(cm_ctx_new(&ctx) == 0);
	cr_assert_eq(cm__model_build(ctx, t.cfg, t.ds, CM_PRIMARY, seats, NULL, &m), 0);
	cr_assert_eq(cm__level_solve(ctx, t.cfg, &m, CM_PATH_GLPK, start, &sol), 0, "%s",
	             cm_ctx_last_error(ctx));
	cr_assert_float_eq(sol.objective, 1740, 1, "the plan given: %.3f pupil-m", sol.objective);
	cr_assert_not(sol.proven);
	cr_assert_eq(sol.bound, -1, "a pupil-metres bound of %.1f claimed", sol.bound);
	cr_assert_eq(sol.mip_gap, 1);
	cm__solution_free(&sol);
	cm__model_free(&m);
	cm_ctx_free(ctx);
	tiny_free(&t);
}

/* The side rows' start prices them into the network's costs, at most what
 * the network holds (2,147 km a column).  With a school 1,300 km away in
 * reach (max_distance 1,500 km) the price was twice the longest trip, a
 * column's cost passed the limit, and the solve failed with "a trip of
 * -2340 km ... is longer than the engine holds" (a review, 2026-12-04). */
Test(rules, near_share_with_far_trips_in_reach)
{
	tschool s[] = {{"N", "primary", "public", 1, 0, 0, 0, 0, 0, 0},
	               {"F", "primary", "public", 5, 0, 0, 0, 0, 1000, 0},
	               {"Z", "primary", "public", 10, 0, 0, 0, 0, 1300000, 0}};
	tcomp c[] = {{"C1", "urban", 1, 0, 0, 0, 480, 0},
	             {"C2", "urban", 1, 0, 0, 0, -600, 0},
	             {"Far", "rural", 10, 0, 0, 0, 1299900, 0}};
	tiny t;
	tiny_solve(&t, s, 3, c, 3,
	           "[policy]\nnear_share_min_primary = 0.5\nmax_distance_primary_m = 1500000\n");
	const cm_level_summary *sum = cm_plan_summary(t.plan, CM_PRIMARY);
	cr_assert_eq(sum->unplaced, 0);
	cr_assert_eq(pupils_at(&t, CM_PRIMARY, "C1", "N", CM_SEAT_PUBLIC, 0), 1);
	cr_assert(sum->near_met, "near share %.3f", sum->near_share);
	assert_consistent(&t);
	tiny_free(&t);
}

Test(rules, near_share_as_a_constraint)
{
	/* 20 urban pupils 300 m from a school of 20 seats; a rural compound of
	 * 20 right next to it; a big school 2 km north of the urban compound.
	 * Distance alone gives the near seats to the rural pupils (200 + 40000
	 * pupil-metres against 6000 + 40250); a 100% near-share rule gives them
	 * to the urban pupils, for whom the norm is made. */
	tschool s[] = {{"Near", "primary", "public", 20, 0, 0, 0, 0, 300, 0},
	               {"Far", "primary", "public", 100, 0, 0, 0, 0, 0, 2000}};
	tcomp c[] = {{"U", "urban", 20, 0, 0, 0, 0, 0}, {"R", "rural", 20, 0, 0, 0, 300, 10}};
	tiny t;
	tiny_solve(&t, s, 2, c, 2, "[solve]\nassignment = split\n");
	int free_near = pupils_at(&t, CM_PRIMARY, "U", "Near", -1, 0);
	cr_assert_lt(free_near, 20, "distance alone gives the near seats to the rural compound");
	tiny_free(&t);
	tiny_solve(&t, s, 2, c, 2,
	           "[policy]\nnear_share_min_primary = 1\n[solve]\nassignment = split\n");
	cr_assert_eq(pupils_at(&t, CM_PRIMARY, "U", "Near", -1, 0), 20);
	cr_assert_float_eq(cm_plan_summary(t.plan, CM_PRIMARY)->near_share, 1.0, 1e-9);
	tiny_free(&t);
}

/* ------------------------------------------------------------ brute force */

/* Single mode, locals only, public schools: every assignment of compounds
 * to schools (or none), each school placing its nearest compounds' pupils
 * first, lexicographic (unplaced, pupil-metres). */
/* Single mode by brute force: every choice of school (or none) for every
 * compound, each school seating its nearest chosen compounds first.  With
 * `prev`, a pupil at a school other than prev[i] (when prev[i] >= 0) costs
 * `w` more, and *best_m is that objective. */
static void brute_single_prev(const tschool *s, int ns, const tcomp *c, int nc, double maxd,
                              const int *prev, double w, long *best_u, double *best_m);

static void brute_single(const tschool *s, int ns, const tcomp *c, int nc, double maxd,
                         long *best_u, double *best_m)
{
	brute_single_prev(s, ns, c, nc, maxd, NULL, 0, best_u, best_m);
}

/* The brute forces' assignments: the number of them (each compound at
 * one of ns schools or none), and assignment `code` into choice[] (-1:
 * none); 0 where a compound would go beyond maxd. */
static long assignments(int ns, int nc)
{
	long combos = 1;
	for (int i = 0; i < nc; i++)
		combos *= ns + 1;
	return combos;
}

static int assignment(long code, const tschool *s, int ns, const tcomp *c, int nc, double maxd,
                      int *choice)
{
	for (int i = 0; i < nc; i++) {
		choice[i] = (int)(code % (ns + 1)) - 1;
		code /= ns + 1;
	}
	for (int i = 0; i < nc; i++)
		if (choice[i] >= 0 && hypot(c[i].x - s[choice[i]].x, c[i].y - s[choice[i]].y) > maxd)
			return 0;
	return 1;
}

static void brute_single_prev(const tschool *s, int ns, const tcomp *c, int nc, double maxd,
                              const int *prev, double w, long *best_u, double *best_m)
{
	int choice[8], i, k;
	long combos = assignments(ns, nc);
	*best_u = LONG_MAX;
	*best_m = HUGE_VAL;
	for (long code = 0; code < combos; code++) {
		long u = 0;
		double metres = 0;
		if (!assignment(code, s, ns, c, nc, maxd, choice))
			continue;
		for (i = 0; i < nc; i++)
			if (choice[i] < 0) {
				u += c[i].pl;
				if (prev && prev[i] >= 0) /* a place lost: a move */
					metres += c[i].pl * w;
			}
		for (k = 0; k < ns; k++) {
			int left = s[k].seats_p, done[8] = {0};
			for (;;) {
				int pick = -1;
				double bd = HUGE_VAL;
				/* seat first the pupils whose place saves most: the trip
				 * (with the weight when it moves them) less the weight
				 * their losing last year's place would cost */
				double bkey = HUGE_VAL;
				for (i = 0; i < nc; i++) {
					double d = hypot(c[i].x - s[k].x, c[i].y - s[k].y), key;
					if (prev && prev[i] >= 0 && prev[i] != k)
						d += w;
					key = d - (prev && prev[i] >= 0 ? w : 0);
					if (choice[i] == k && !done[i] && key < bkey) {
						bkey = key;
						bd = d;
						pick = i;
					}
				}
				if (pick < 0)
					break;
				done[pick] = 1;
				int n = c[pick].pl < left ? c[pick].pl : left;
				left -= n;
				metres += n * bd;
				u += c[pick].pl - n;
				if (prev && prev[pick] >= 0)
					metres += (c[pick].pl - n) * w;
			}
		}
		if (u < *best_u || (u == *best_u && metres < *best_m - 1e-9)) {
			*best_u = u;
			*best_m = metres;
		}
	}
}

/* A single-school plan: no compound's public pupils at two schools of a
 * level (its migrants may also hold private places). */
static void assert_single_school(const tiny *t, int round)
{
	const cm_assignment *a;
	size_t na = cm_plan_assignments(t->plan, &a);
	for (size_t x = 0; x < na; x++)
		for (size_t y = x + 1; y < na; y++)
			cr_assert(!(a[x].compound == a[y].compound && a[x].level == a[y].level &&
			            a[x].seat == CM_SEAT_PUBLIC && a[y].seat == CM_SEAT_PUBLIC &&
			            a[x].school != a[y].school),
			          "round %d: a compound at two schools", round);
}

/* A small instance for the brute-force tests: public primary schools short
 * of seats and compounds of locals, within 3 km; `seed` advances. */
static void tight_instance(unsigned *seed, tschool *s, int ns, char (*sid)[16], tcomp *c, int nc,
                           char (*cid)[16])
{
	for (int k = 0; k < ns; k++) {
		*seed = *seed * 1103515245u + 12345u;
		snprintf(sid[k], 16, "S%d", k);
		s[k] = (tschool){sid[k], "primary", "public", 20 + (int)((*seed >> 8) % 40), 0, 0, 0, 0,
		                 (double)((*seed >> 4) % 3000), (double)((*seed >> 14) % 3000)};
	}
	for (int i = 0; i < nc; i++) {
		*seed = *seed * 1103515245u + 12345u;
		snprintf(cid[i], 16, "C%d", i);
		c[i] = (tcomp){cid[i], "urban", 5 + (int)((*seed >> 8) % 30), 0, 0, 0,
		               (double)((*seed >> 4) % 3000), (double)((*seed >> 16) % 3000)};
	}
}

/* One round of the gap and bound tests: a tight instance (3 schools, 6
 * compounds, `seed` advances), its brute-force optimum into *bu, *bm, and
 * the engine's plan in *t with `solve` (a [solve] line) within 2.5 km. */
static void tight_round(unsigned *seed, const char *solve, tiny *t, long *bu, double *bm)
{
	tschool s[3];
	tcomp c[6];
	char sid[3][16], cid[6][16], extra[200];
	tight_instance(seed, s, 3, sid, c, 6, cid);
	brute_single(s, 3, c, 6, 2500, bu, bm);
	snprintf(extra, sizeof extra, "[policy]\nmax_distance_primary_m = 2500\n[solve]\n%s\n",
	         solve);
	tiny_solve(t, s, 3, c, 6, extra);
}

/* The search is exact: the plan has the brute-force optimum's unplaced
 * pupils and, within a millimetre per pupil (the network counts whole
 * millimetres), its value; it says it is proven, with no gap. */
static void assert_exact(const cm_level_summary *sum, double value, long bu, double bm,
                         const char *what, int round)
{
	double tol = 1e-3 * (double)sum->pupils + 1e-6;
	cr_assert_eq(sum->unplaced, bu, "%s round %d: unplaced %ld, brute force %ld", what, round,
	             sum->unplaced, bu);
	cr_assert(fabs(value - bm) <= tol, "%s round %d: value %.4f, brute force %.4f", what, round,
	          value, bm);
	cr_assert_eq(sum->proven, 1, "%s round %d: not proven", what, round);
	cr_assert_eq(sum->bound_unplaced, bu, "%s round %d", what, round);
	cr_assert_leq(sum->bound, bm + tol, "%s round %d: bound %.4f above the optimum %.4f", what,
	              round, sum->bound, bm);
	/* the relaxation's metres bound plans with its own unplaced pupils */
	if (sum->lp_unplaced == bu)
		cr_assert_leq(sum->lp_bound, bm + tol, "%s round %d", what, round);
	cr_assert_leq(sum->lp_unplaced, bu, "%s round %d", what, round);
	cr_assert_float_eq(sum->mip_gap, 0, 1e-12, "%s round %d", what, round);
}

/* Both relaxations (the network, GLPK's LP) under the same search, against
 * every assignment. */
Test(brute, single_mode_against_every_assignment)
{
	/* the network with either first plan (a tiny model takes the dive by
	 * itself; parts is what a city gets), and GLPK */
	static const char *const solver[3] = {"network", "glpk", "network\nfirst_plan = parts"};
	for (int sv = 0; sv < 3; sv++) {
		unsigned seed = 7;
		for (int round = 0; round < 24; round++) {
			tschool s[3];
			tcomp c[6];
			char sid[3][16], cid[6][16], extra[200];
			int ns = 3, nc = 5 + round % 2;
			tight_instance(&seed, s, ns, sid, c, nc, cid);
			long bu;
			double bm;
			brute_single(s, ns, c, nc, 2500, &bu, &bm);
			tiny t;
			snprintf(extra, sizeof extra,
			         "[policy]\nmax_distance_primary_m = 2500\n[solve]\nsolver = %s\n",
			         solver[sv]);
			tiny_solve(&t, s, ns, c, nc, extra);
			const cm_level_summary *sum = cm_plan_summary(t.plan, CM_PRIMARY);
			assert_single_school(&t, round);
			assert_exact(sum, sum->pupil_metres, bu, bm, solver[sv], round);
			assert_consistent(&t);
			tiny_free(&t);
		}
	}
}

/* Single mode by brute force with a near-school minimum `share` within
 * `radius` (urban compounds at public schools, as the row counts): every
 * choice of school (or none), each school seating its nearest chosen
 * compounds first (which also seats the most pupils within the radius);
 * lexicographic (unplaced, the row's shortfall in pupils, pupil-metres). */
static void brute_single_near(const tschool *s, int ns, const tcomp *c, int nc, double maxd,
                              double share, double radius, long *best_u, double *best_short,
                              double *best_m)
{
	int choice[8], i, k;
	long combos = assignments(ns, nc);
	*best_u = LONG_MAX;
	*best_short = *best_m = HUGE_VAL;
	for (long code = 0; code < combos; code++) {
		long u = 0;
		double metres = 0, within = 0, placed = 0, sh;
		if (!assignment(code, s, ns, c, nc, maxd, choice))
			continue;
		for (i = 0; i < nc; i++)
			if (choice[i] < 0)
				u += c[i].pl;
		for (k = 0; k < ns; k++) {
			int left = s[k].seats_p, done[8] = {0};
			for (;;) {
				int pick = -1, n;
				double bd = HUGE_VAL;
				for (i = 0; i < nc; i++) {
					double d = hypot(c[i].x - s[k].x, c[i].y - s[k].y);
					if (choice[i] == k && !done[i] && d < bd) {
						bd = d;
						pick = i;
					}
				}
				if (pick < 0)
					break;
				done[pick] = 1;
				n = c[pick].pl < left ? c[pick].pl : left;
				left -= n;
				metres += n * bd;
				placed += n;
				within += bd <= radius ? n : 0;
				u += c[pick].pl - n;
			}
		}
		sh = fmax(0, share * placed - within);
		if (u < *best_u || (u == *best_u && (sh < *best_short - 1e-9 ||
		                                     (sh < *best_short + 1e-9 && metres < *best_m - 1e-9)))) {
			*best_u = u;
			*best_short = sh;
			*best_m = metres;
		}
	}
}

/* The near-school minimum in single mode: where no plan reaches it, the
 * network prices it in the policy tier and the plan is certified as any
 * network level's (solve.c, cm__side_solve); where some plan reaches it,
 * GLPK's search from the network's plans.  Either way the plan is the
 * brute-force optimum's: its unplaced pupils, its shortfall of the row,
 * its pupil-metres, proven. */
Test(brute, near_minimum_against_every_assignment)
{
	static const double share[3] = {0.9, 0.5, 0.35};
	int exact_on_network = 0, rounds = 0;
	for (int sh = 0; sh < 3; sh++) {
		unsigned seed = 11 + (unsigned)sh;
		for (int round = 0; round < 12; round++) {
			tschool s[3];
			tcomp c[6];
			char sid[3][16], cid[6][16], extra[300];
			int ns = 3, nc = 5 + round % 2;
			long bu;
			double bshort, bm, tol;
			tiny t;
			tight_instance(&seed, s, ns, sid, c, nc, cid);
			brute_single_near(s, ns, c, nc, 2500, share[sh], 900, &bu, &bshort, &bm);
			snprintf(extra, sizeof extra,
			         "[policy]\nmax_distance_primary_m = 2500\nnear_share_min_primary = %g\n"
			         "near_radius_primary_m = 900\n[solve]\nassignment = single\n", share[sh]);
			tiny_solve(&t, s, ns, c, nc, extra);
			const cm_level_summary *sum = cm_plan_summary(t.plan, CM_PRIMARY);
			tol = 1e-3 * (double)sum->pupils + 1e-6;
			assert_single_school(&t, round);
			cr_assert_eq(sum->unplaced, bu, "share %g round %d: unplaced %ld, brute force %ld",
			             share[sh], round, sum->unplaced, bu);
			/* the row's shortfall in pupils, from the plan's near share */
			double placed = (double)(sum->pupils - sum->unplaced);
			double got = fmax(0, share[sh] * placed - sum->near_share * placed);
			cr_assert(fabs(got - bshort) < 1e-6 * placed + 1e-6,
			          "share %g round %d: the row short by %.4f, brute force %.4f", share[sh],
			          round, got, bshort);
			cr_assert(fabs(sum->pupil_metres - bm) <= tol,
			          "share %g round %d: %.4f pupil-m, brute force %.4f", share[sh], round,
			          sum->pupil_metres, bm);
			cr_assert_eq(sum->proven, 1, "share %g round %d: not proven", share[sh], round);
			cr_assert_leq(sum->bound, bm + tol, "share %g round %d", share[sh], round);
			exact_on_network += bshort > 1e-9;
			rounds++;
			tiny_free(&t);
		}
	}
	/* both ways were taken: rows out of reach and rows met */
	cr_assert(exact_on_network > 0 && exact_on_network < rounds, "%d of %d rounds short",
	          exact_on_network, rounds);
}

/* With a gap asked for, the search may stop early and rule out choices
 * that cannot beat its plan by more than the gap; what it claims must
 * still hold: the bound is never above the optimum, the gap it reports is
 * at least the plan's real distance from it, and "proven" only for an
 * optimal plan.  (A bound that forgot the choices ruled out within the gap
 * claimed proven plans that were not optimal.) */
Test(brute, claims_with_a_gap_hold)
{
	unsigned seed = 11;
	int claimed = 0, early = 0;
	for (int round = 0; round < 40; round++) {
		long bu;
		double bm;
		tiny t;
		tight_round(&seed, "mip_gap = 0.3", &t, &bu, &bm);
		const cm_level_summary *sum = cm_plan_summary(t.plan, CM_PRIMARY);
		double tol = 1e-3 * (double)sum->pupils + 1e-6, v = sum->pupil_metres;
		cr_assert_eq(sum->unplaced, bu, "round %d", round);
		cr_assert_leq(sum->bound, bm + tol, "round %d: bound %.4f above the optimum %.4f", round,
		              sum->bound, bm);
		cr_assert_leq(v, bm * 1.3 + tol, "round %d: plan %.4f, optimum %.4f", round, v, bm);
		if (v > 0)
			cr_assert_geq(sum->mip_gap, (v - bm) / v - 1e-6,
			              "round %d: gap %.6f, but the plan is %.6f above the optimum", round,
			              sum->mip_gap, (v - bm) / v);
		if (sum->proven)
			cr_assert(fabs(v - bm) <= tol, "round %d: proven, plan %.4f, optimum %.4f", round,
			          v, bm);
		claimed += sum->proven;
		early += v > bm + tol;
		tiny_free(&t);
	}
	/* the rounds must test something: some stop early, some prove */
	cr_assert_gt(early, 0, "no round stopped above the optimum: the test tests nothing");
	cr_assert_gt(claimed, 0);
}

/* A root the whole-compound bound closes within the gap: the bound the
 * search reports is that bound, not the plan's value nor the least of the
 * choices ruled out at the root (helper-57's seed 5124, 2026-12-04: bound
 * 140,297.9, "within 0.344%", plan 140,782.4, where the optimum is
 * 134,342.4: the plan 4.8% above it). */
Test(brute, a_root_closed_by_the_whole_compound_bound_keeps_its_bound)
{
	static const tschool s[] = {{"S0", "primary", "public", 56, 0, 0, 0, 0, 2615, 961},
	                            {"S1", "primary", "public", 42, 0, 0, 0, 0, 1622, 2469},
	                            {"S2", "primary", "public", 42, 0, 0, 0, 0, 1334, 1964},
	                            {"S3", "primary", "public", 60, 0, 0, 0, 0, 1072, 2142}};
	static const tcomp c[] = {{"C0", "urban", 31, 0, 0, 0, 292, 1070},
	                          {"C1", "urban", 27, 0, 0, 0, 1036, 2069},
	                          {"C2", "urban", 18, 0, 0, 0, 87, 14},
	                          {"C3", "urban", 26, 0, 0, 0, 1213, 1792},
	                          {"C4", "urban", 22, 0, 0, 0, 2462, 2630}};
	const char *gaps[] = {"0.05", "0.001", "0.3"};
	long bu;
	double bm;
	brute_single(s, 4, c, 5, 2500, &bu, &bm);
	for (int k = 0; k < 3; k++) {
		tiny t;
		char extra[160];
		snprintf(extra, sizeof extra,
		         "[policy]\nmax_distance_primary_m = 2500\n[solve]\nmip_gap = %s\n", gaps[k]);
		tiny_solve(&t, s, 4, c, 5, extra);
		const cm_level_summary *sum = cm_plan_summary(t.plan, CM_PRIMARY);
		double tol = 1e-3 * (double)sum->pupils + 1e-6, v = sum->pupil_metres;
		cr_assert_eq(sum->unplaced, bu);
		cr_assert_leq(sum->bound, bm + tol, "mip_gap %s: bound %.4f above the optimum %.4f",
		              gaps[k], sum->bound, bm);
		cr_assert_geq(sum->mip_gap, (v - bm) / v - 1e-6,
		              "mip_gap %s: gap %.6f, but the plan is %.6f above the optimum", gaps[k],
		              sum->mip_gap, (v - bm) / v);
		if (sum->proven)
			cr_assert(fabs(v - bm) <= tol, "mip_gap %s: proven, plan %.4f, optimum %.4f",
			          gaps[k], v, bm);
		tiny_free(&t);
	}
}

/* ------------------------------------------------------------ glpsol */

/* The data section of the MathProg models below, from the raw instance at
 * level `lv` (0 primary, 1 junior): schools teaching it with seats, and the
 * pairs in reach (`maxb` for boarding schools). */
static void mathprog_data(FILE *fp, const tschool *s, int ns, const tcomp *c, int nc, int lv,
                          double maxd, double maxb)
{
	int i, k;
	fprintf(fp, "set C :=");
	for (i = 0; i < nc; i++)
		fprintf(fp, " %s", c[i].id);
	fprintf(fp, ";\nset S :=");
	for (k = 0; k < ns; k++)
		fprintf(fp, " %s", s[k].id);
	fprintf(fp, ";\nset P :=");
	for (k = 0; k < ns; k++)
		if (!strcmp(s[k].sector, "private"))
			fprintf(fp, " %s", s[k].id);
	fprintf(fp, ";\nparam loc :=");
	for (i = 0; i < nc; i++)
		fprintf(fp, " %s %d", c[i].id, lv ? c[i].jl : c[i].pl);
	fprintf(fp, ";\nparam mig :=");
	for (i = 0; i < nc; i++)
		fprintf(fp, " %s %d", c[i].id, lv ? c[i].jm : c[i].pm);
	fprintf(fp, ";\nparam seats :=");
	for (k = 0; k < ns; k++)
		fprintf(fp, " %s %d", s[k].id, lv ? s[k].seats_j : s[k].seats_p);
	fprintf(fp, ";\nparam buy :=");
	for (k = 0; k < ns; k++)
		fprintf(fp, " %s %d", s[k].id, lv ? s[k].purchased_j : s[k].purchased_p);
	fprintf(fp, ";\nparam : A : d :=\n");
	for (i = 0; i < nc; i++)
		for (k = 0; k < ns; k++) {
			double dd = hypot(c[i].x - s[k].x, c[i].y - s[k].y);
			int teaches = !strcmp(s[k].level, "nine_year") ||
			              !strcmp(s[k].level, lv ? "junior" : "primary");
			if (teaches && dd <= (s[k].boarding ? maxb : maxd) &&
			    (lv ? s[k].seats_j : s[k].seats_p) > 0)
				fprintf(fp, "%s %s %.6f\n", c[i].id, s[k].id, dd);
		}
	fprintf(fp, ";\nend;\n");
}

/* Runs glpsol on the model at `path`: the OBJECTIVE it prints, or NAN when
 * glpsol is missing or fails. */
static double run_glpsol(const char *path)
{
	char *cmd, line[512];
	double obj = (double)NAN;
	FILE *p;
	cr_assert(asprintf(&cmd, "glpsol --math %s 2>&1", path) > 0);
	p = popen(cmd, "r");
	while (p && fgets(line, sizeof line, p))
		if (!strncmp(line, "OBJECTIVE ", 10))
			obj = strtod(line + 10, NULL);
	if (!p || pclose(p) != 0)
		obj = (double)NAN;
	free(cmd);
	return obj;
}

/* The split-mode problem in GNU MathProg, written from the raw instance:
 * phase `phase` 1 minimises unplaced pupils, 2 pupil-metres with unplaced
 * held at `u`.  Returns the optimum glpsol prints. */
static double glpsol_split(const tschool *s, int ns, const tcomp *c, int nc, double maxd,
                           double share, int phase, double u)
{
	char *dir = tmpdir(), *path;
	FILE *fp;
	long migrants = 0;
	int i;
	for (i = 0; i < nc; i++)
		migrants += c[i].pm;
	cr_assert(asprintf(&path, "%s/split.mod", dir) > 0);
	fp = fopen(path, "w");
	fprintf(fp,
	        "set C; set S; set P within S; set A within C cross S;\n"
	        "param loc{C}; param mig{C}; param seats{S}; param buy{S}; param d{A};\n"
	        "var xl{(c,s) in A: s not in P} >= 0; var xm{(c,s) in A: s not in P} >= 0;\n"
	        "var yb{(c,s) in A: s in P} >= 0; var yf{(c,s) in A: s in P} >= 0;\n"
	        "var ul{C} >= 0; var um{C} >= 0;\n");
	if (phase == 1)
		fprintf(fp, "minimize obj: sum{c in C} (ul[c] + um[c]);\n");
	else
		fprintf(fp, "minimize obj: sum{(c,s) in A: s not in P} d[c,s]*(xl[c,s]+xm[c,s]) + "
		            "sum{(c,s) in A: s in P} d[c,s]*(yb[c,s]+yf[c,s]);\n"
		            "s.t. held: sum{c in C} (ul[c] + um[c]) <= %.9f;\n", u + 1e-7);
	fprintf(fp,
	        "s.t. dl{c in C}: sum{(c,s) in A: s not in P} xl[c,s] + ul[c] = loc[c];\n"
	        "s.t. dm{c in C}: sum{(c,s) in A: s not in P} xm[c,s] + "
	        "sum{(c,s) in A: s in P} (yb[c,s] + yf[c,s]) + um[c] = mig[c];\n"
	        "s.t. cap{s in S diff P}: sum{(c,s) in A} (xl[c,s] + xm[c,s]) <= seats[s];\n"
	        "s.t. capp{s in P}: sum{(c,s) in A} (yb[c,s] + yf[c,s]) <= seats[s];\n"
	        "s.t. bought{s in P}: sum{(c,s) in A} yb[c,s] <= buy[s];\n"
	        "s.t. quota: sum{(c,s) in A: s not in P} xm[c,s] + sum{(c,s) in A: s in P} yb[c,s] "
	        ">= %.0f;\n"
	        "solve;\nprintf \"OBJECTIVE %%.9f\\n\", obj;\ndata;\n",
	        ceil(share * (double)migrants - 1e-9));
	mathprog_data(fp, s, ns, c, nc, 0, maxd, maxd);
	fclose(fp);
	double obj = run_glpsol(path);
	free(path);
	free(dir);
	cr_assert(!isnan(obj), "glpsol printed no objective (is glpk-utils installed?)");
	return obj;
}

Test(glpsol, split_mode_matches_an_independent_lp)
{
	unsigned seed = 2026;
	for (int round = 0; round < 8; round++) {
		tschool s[6];
		tcomp c[16];
		char sid[6][16], cid[16][16];
		int ns = 6, nc = 16;
		for (int k = 0; k < ns; k++) {
			seed = seed * 1103515245u + 12345u;
			snprintf(sid[k], sizeof sid[k], "S%d", k);
			int priv = k >= 4;
			int seats = 40 + (int)((seed >> 8) % 80);
			s[k] = (tschool){sid[k], "primary", priv ? "private" : "public", seats, 0,
			                 priv ? (int)((seed >> 12) % 30) : 0, 0, 0,
			                 (double)((seed >> 4) % 6000), (double)((seed >> 15) % 6000)};
		}
		for (int i = 0; i < nc; i++) {
			seed = seed * 1103515245u + 12345u;
			snprintf(cid[i], sizeof cid[i], "C%d", i);
			c[i] = (tcomp){cid[i], "urban", 5 + (int)((seed >> 8) % 35), (int)((seed >> 13) % 25),
			               0, 0, (double)((seed >> 4) % 6000), (double)((seed >> 16) % 6000)};
		}
		tiny t;
		tiny_solve(&t, s, ns, c, nc,
		           "[policy]\nmax_distance_primary_m = 3500\nmigrant_public_share = 0.6\n"
		           "[solve]\nassignment = split\n");
		const cm_level_summary *sum = cm_plan_summary(t.plan, CM_PRIMARY);
		if (!sum->quota_met) {
			/* The independent model holds the quota hard: compare only
			 * feasible rounds (most are, by construction). */
			tiny_free(&t);
			continue;
		}
		double u = glpsol_split(s, ns, c, nc, 3500, 0.6, 1, 0);
		double m = glpsol_split(s, ns, c, nc, 3500, 0.6, 2, u);
		cr_assert_eq(sum->unplaced, (long)lround(u), "round %d: unplaced %ld vs glpsol %.3f",
		             round, sum->unplaced, u);
		cr_assert_geq(sum->pupil_metres, m * (1 - 1e-9), "round %d: below the LP optimum", round);
		cr_assert_leq(sum->pupil_metres, m * (1 + 1e-5), "round %d: %.3f vs glpsol %.3f", round,
		              sum->pupil_metres, m);
		assert_consistent(&t);
		tiny_free(&t);
	}
}

/* Single mode (单校划片) as a mixed-integer programme in GNU MathProg,
 * written from the raw instance for level `lv` (0 primary, 1 junior):
 * binary catchment choices z, links from the flows to them, private
 * schools' purchased and fee places, the quota with its shortfall q,
 * boarding schools' reach.  The order of docs/model.md as four phases, not
 * the engine's weights: phase 1 minimises unplaced pupils, phase 2 the
 * local children among them with unplaced held at u, phase 3 the shortfall
 * with both held (u, l), phase 4 pupil-metres with all three held.
 * glpsol's branch and cut solves each exactly.  Returns the optimum, or NAN
 * when glpsol is missing (the caller counts the rounds compared). */
static double glpsol_single(const tschool *s, int ns, const tcomp *c, int nc, int lv,
                            double maxd, double maxb, double share, int phase, double u, double l,
                            double q)
{
	char *dir = tmpdir(), *path;
	FILE *fp;
	long migrants = 0;
	int i;
	for (i = 0; i < nc; i++)
		migrants += lv ? c[i].jm : c[i].pm;
	cr_assert(asprintf(&path, "%s/single.mod", dir) > 0);
	fp = fopen(path, "w");
	fprintf(fp,
	        "set C; set S; set P within S; set A within C cross S;\n"
	        "param loc{C}; param mig{C}; param seats{S}; param buy{S}; param d{A};\n"
	        "var z{(c,s) in A: s not in P} binary;\n"
	        "var xl{(c,s) in A: s not in P} >= 0; var xm{(c,s) in A: s not in P} >= 0;\n"
	        "var yb{(c,s) in A: s in P} >= 0; var yf{(c,s) in A: s in P} >= 0;\n"
	        "var ul{C} >= 0; var um{C} >= 0; var q >= 0;\n");
	if (phase == 1)
		fprintf(fp, "minimize obj: sum{c in C} (ul[c] + um[c]);\n");
	else if (phase == 2)
		fprintf(fp, "minimize obj: sum{c in C} ul[c];\n");
	else if (phase == 3)
		fprintf(fp, "minimize obj: q;\n");
	else
		fprintf(fp, "minimize obj: sum{(c,s) in A: s not in P} d[c,s]*(xl[c,s]+xm[c,s]) + "
		            "sum{(c,s) in A: s in P} d[c,s]*(yb[c,s]+yf[c,s]);\n");
	if (phase > 1)
		fprintf(fp, "s.t. held: sum{c in C} (ul[c] + um[c]) <= %.9f;\n", u + 1e-6);
	if (phase > 2)
		fprintf(fp, "s.t. heldl: sum{c in C} ul[c] <= %.9f;\n", l + 1e-6);
	if (phase > 3)
		fprintf(fp, "s.t. heldq: q <= %.9f;\n", q + 1e-6);
	fprintf(fp,
	        "s.t. dl{c in C}: sum{(c,s) in A: s not in P} xl[c,s] + ul[c] = loc[c];\n"
	        "s.t. dm{c in C}: sum{(c,s) in A: s not in P} xm[c,s] + "
	        "sum{(c,s) in A: s in P} (yb[c,s] + yf[c,s]) + um[c] = mig[c];\n"
	        "s.t. one{c in C}: sum{(c,s) in A: s not in P} z[c,s] <= 1;\n"
	        "s.t. linkl{(c,s) in A: s not in P}: xl[c,s] <= loc[c] * z[c,s];\n"
	        "s.t. linkm{(c,s) in A: s not in P}: xm[c,s] <= mig[c] * z[c,s];\n"
	        "s.t. cap{s in S diff P}: sum{(c,s) in A} (xl[c,s] + xm[c,s]) <= seats[s];\n"
	        "s.t. capp{s in P}: sum{(c,s) in A} (yb[c,s] + yf[c,s]) <= seats[s];\n"
	        "s.t. bought{s in P}: sum{(c,s) in A} yb[c,s] <= buy[s];\n"
	        "s.t. quota: sum{(c,s) in A: s not in P} xm[c,s] + sum{(c,s) in A: s in P} yb[c,s] "
	        "+ q >= %.0f;\n"
	        "solve;\nprintf \"OBJECTIVE %%.9f\\n\", obj;\ndata;\n",
	        ceil(share * (double)migrants - 1e-9));
	mathprog_data(fp, s, ns, c, nc, lv, maxd, maxb);
	fclose(fp);
	double obj = run_glpsol(path);
	free(path);
	free(dir);
	return obj;
}

/* The bound that sees whole compounds (search_bound.c, knap.c) against the
 * MIP's optimum `opt` of level `lv` (unplaced u, policy tier q: the
 * shortfall and CM_LOCAL_FIRST x the local children without a place): computed
 * against plans worse than the optimum, so no plan the search found caps
 * it, it is never above the optimum, and its Lagrangian steps never below
 * the knapsacks alone.  Counts the levels checked, those where it rose
 * above the relaxation's, and those where the steps rose above the
 * knapsacks. */
static void assert_whole_bound(const tiny *t, int lv, double u, double q, double opt,
                               int *checked, int *raised, int *above_knap)
{
	const cm_school *s;
	size_t n = cm_dataset_schools(t->ds, &s);
	int *seats = calloc(n + 1, sizeof *seats);
	static const double worse[3] = {1e-4, 1e-2, 0.2};
	cm_ctx *ctx;
	cm_model m;
	cm_relax r;
	cm_lex root, b;
	cr_assert(seats && cm_ctx_new(&ctx) == 0);
	for (size_t i = 0; i < n; i++)
		seats[i] = cm_school_teaches(&s[i], (cm_level)lv) && s[i].seats[lv] > 0 ? s[i].seats[lv] : 0;
	cr_assert_eq(cm__model_build(ctx, t->cfg, t->ds, (cm_level)lv, seats, NULL, &m), 0);
	cr_assert_eq(cm__flow_relax_new(ctx, &m, n, &r), 0);
	for (int k = 0; k < 3; k++) {
		double tol = 1e-6 * fmax(1, opt);
		cm_lex kb;
		cr_assert_eq(cm__search_whole_bound(ctx, &m, &r, opt * (1 + worse[k]) + 1, 1, -1, -1,
		                                    &root, &b),
		             0, "%s", cm_ctx_last_error(ctx));
		if (fabs(root.unplaced - u) > 1e-6 || fabs(root.shortfall - q) > 1e-6)
			break; /* the bound is for plans with the root's unplaced and shortfall */
		cr_assert_leq(b.metres, opt + tol, "level %d: bound %.4f above the optimum %.4f (plan "
		              "assumed %.4f)", lv, b.metres, opt, opt * (1 + worse[k]) + 1);
		/* the Lagrangian steps start from the knapsacks' sum: never below */
		cr_assert_eq(cm__search_whole_bound(ctx, &m, &r, opt * (1 + worse[k]) + 1, 0, -1, -1,
		                                    &root, &kb),
		             0, "%s", cm_ctx_last_error(ctx));
		cr_assert_geq(b.metres, kb.metres - tol, "level %d: with the steps %.4f, the knapsacks "
		              "alone %.4f", lv, b.metres, kb.metres);
		(*checked)++;
		*raised += b.metres > root.metres + tol;
		*above_knap += b.metres > kb.metres + tol;
	}
	cm__flow_relax_free(&r);
	cm__model_free(&m);
	cm_ctx_free(ctx);
	free(seats);
}

/* A primary instance where private seats matter: `ns` schools, the last
 * `npriv` private with few seats (some purchased), `nc` compounds with more
 * migrants than locals, within a square of `span` metres. */
static void private_instance(unsigned *seed, tschool *s, int ns, int npriv, char (*sid)[16],
                             tcomp *c, int nc, char (*cid)[16], unsigned span)
{
	for (int k = 0; k < ns; k++) {
		int priv = k >= ns - npriv;
		*seed = *seed * 1103515245u + 12345u;
		snprintf(sid[k], 16, "S%d", k);
		s[k] = (tschool){sid[k], "primary", priv ? "private" : "public",
		                 priv ? 8 + (int)((*seed >> 8) % 16) : 20 + (int)((*seed >> 8) % 35), 0,
		                 priv ? (int)((*seed >> 12) % 7) : 0, 0, 0,
		                 (double)((*seed >> 4) % span), (double)((*seed >> 15) % span)};
	}
	for (int i = 0; i < nc; i++) {
		*seed = *seed * 1103515245u + 12345u;
		snprintf(cid[i], 16, "C%d", i);
		c[i] = (tcomp){cid[i], "urban", 3 + (int)((*seed >> 8) % 11), 5 + (int)((*seed >> 13) % 15),
		               0, 0, (double)((*seed >> 4) % span), (double)((*seed >> 16) % span)};
	}
}

/* The near-school minimum priced on the network against GLPK's search
 * (solver = glpk: the row as a row, a second relaxation) on instances with
 * migrants, private seats and the quota, where the tier mixes the row's
 * shortfall with the quota's: the same unplaced pupils, local children,
 * policy shortfall (the quota's and the row's, from the plans' shares) and
 * pupil-metres, each proven optimal. */
Test(glpk, near_minimum_with_the_quota)
{
	unsigned seed = 5;
	int shorts = 0;
	for (int round = 0; round < 10; round++) {
		tschool s[4];
		tcomp c[6];
		char sid[4][16], cid[6][16], extra[2][300];
		tiny t[2];
		const cm_level_summary *sum[2];
		double policy[2];
		private_instance(&seed, s, 4, 1, sid, c, 6, cid, 3000);
		for (int v = 0; v < 2; v++) {
			snprintf(extra[v], sizeof extra[v],
			         "[policy]\nmax_distance_primary_m = 2500\nmigrant_public_share = 0.85\n"
			         "near_share_min_primary = %s\nnear_radius_primary_m = 800\n[solve]\n"
			         "assignment = single\nsolver = %s\n",
			         round % 2 ? "0.45" : "0.8", v ? "glpk" : "auto");
			tiny_solve(&t[v], s, 4, c, 6, extra[v]);
			sum[v] = cm_plan_summary(t[v].plan, CM_PRIMARY);
			cr_assert_eq(sum[v]->proven, 1, "round %d %s: not proven", round, v ? "glpk" : "auto");
			/* the policy tier: migrants short of the quota and the row's
			 * shortfall, in pupils */
			double placed = (double)(sum[v]->pupils - sum[v]->unplaced);
			double near_short = fmax(0, (round % 2 ? 0.45 : 0.8) * placed -
			                                sum[v]->near_share * placed);
			policy[v] = near_short;
			shorts += v == 0 && near_short > 1e-6;
		}
		cr_assert_eq(sum[0]->unplaced, sum[1]->unplaced, "round %d: unplaced %ld against %ld",
		             round, sum[0]->unplaced, sum[1]->unplaced);
		cr_assert_float_eq(sum[0]->migrant_public_share, sum[1]->migrant_public_share, 1e-9,
		                   "round %d", round);
		cr_assert(fabs(policy[0] - policy[1]) < 1e-6, "round %d: the row short by %.4f against "
		          "%.4f", round, policy[0], policy[1]);
		cr_assert(fabs(sum[0]->pupil_metres - sum[1]->pupil_metres) <=
		                  1e-3 * (double)sum[0]->pupils + 1e-6,
		          "round %d: %.3f pupil-m against GLPK's %.3f", round, sum[0]->pupil_metres,
		          sum[1]->pupil_metres);
		tiny_free(&t[0]);
		tiny_free(&t[1]);
	}
	cr_assert_gt(shorts, 0, "no round left the row short");
}

/* The Lagrangian bound where compounds' pupils who stay are fewer than
 * their pupils (last year's plan left some without a place, and seats
 * were added since: the item's two rates), migrants may take a private
 * school's few seats, and the quota holds them: never above the least
 * value of every single-school choice, and above the relaxation's in some
 * rounds. */
Test(brute, whole_bound_with_stability_and_private_seats)
{
	unsigned seed = 31;
	int checked = 0, raised = 0, nodes = 0, node_raised = 0;
	for (int round = 0; round < 12; round++) {
		tschool s[4];
		tcomp c[6];
		char sid[4][16], cid[6][16];
		private_instance(&seed, s, 4, 1, sid, c, 6, cid, 3000);
		tiny t;
		tiny_solve(&t, s, 4, c, 6,
		           "[policy]\nmax_distance_primary_m = 2500\nmigrant_public_share = 0.85\n");
		cm_ctx *ctx;
		cm_previous *prev = NULL;
		cm_model m;
		cm_relax r;
		cm_lex root, b;
		int seats[4];
		cr_assert_eq(cm_ctx_new(&ctx), 0);
		cr_assert_eq(cm_previous_from_plan(ctx, t.plan, t.ds, &prev), 0, "%s",
		             cm_ctx_last_error(ctx));
		t.cfg->solve.stability_weight = 2000;
		/* this year: 25 more seats at one public school */
		for (int k = 0; k < 4; k++)
			seats[k] = s[k].seats_p + (k == round % 3 ? 25 : 0);
		cr_assert_eq(cm__model_build(ctx, t.cfg, t.ds, CM_PRIMARY, seats, prev, &m), 0);
		cr_assert_eq(cm__flow_relax_new(ctx, &m, 4, &r), 0);
		cm_lex best = best_by_choices(&m, &r, -1, -1);
		static const double worse[3] = {1e-4, 1e-2, 0.2};
		for (int k = 0; k < 3; k++) {
			double tol = 1e-6 * fmax(1, best.metres);
			cr_assert_eq(cm__search_whole_bound(ctx, &m, &r, best.metres * (1 + worse[k]) + 1, 1,
			                                    -1, -1, &root, &b),
			             0, "%s", cm_ctx_last_error(ctx));
			if (fabs(root.unplaced - best.unplaced) > 1e-6 ||
			    fabs(root.shortfall - best.shortfall) > 1e-6)
				break; /* the bound is for plans with the root's tiers */
			cr_assert_leq(b.metres, best.metres + tol, "round %d: bound %.4f above the least "
			              "value %.4f (root %.4f)", round, b.metres, best.metres, root.metres);
			checked++;
			raised += b.metres > root.metres + tol;
		}
		/* the tree's nodes: each compound held to each of its schools,
		 * against the bound at the root for the same plan */
		cm_lex b0;
		cr_assert_eq(cm__search_whole_bound(ctx, &m, &r, best.metres * (1 + 1e-4) + 1, 1, -1, -1,
		                                    &root, &b0),
		             0, "%s", cm_ctx_last_error(ctx));
		for (int i = 0; i < 6; i++)
			for (int k = 0; k < 3; k++) {
				cm_lex at_node = best_by_choices(&m, &r, i, k), nb;
				double tol = 1e-6 * fmax(1, b0.metres);
				cr_assert_eq(cm__search_whole_bound(ctx, &m, &r, best.metres * (1 + 1e-4) + 1,
				                                    1, i, k, &root, &nb),
				             0, "%s", cm_ctx_last_error(ctx));
				if (fabs(root.unplaced - best.unplaced) > 1e-6 ||
				    fabs(root.shortfall - best.shortfall) > 1e-6)
					continue;
				cr_assert(cm__lex_cmp(&nb, &at_node, 1e-6) <= 0,
				          "round %d, C%d at S%d: node bound %.0f/%.0f/%.4f above the node's "
				          "least %.0f/%.0f/%.4f", round, i, k, nb.unplaced, nb.shortfall,
				          nb.metres, at_node.unplaced, at_node.shortfall, at_node.metres);
				nodes++;
				node_raised += nb.metres > b0.metres + tol;
			}
		cm__flow_relax_free(&r);
		cm__model_free(&m);
		cm_previous_free(prev);
		cm_ctx_free(ctx);
		tiny_free(&t);
	}
	cr_log_info("the bound with pupils who stay, private seats and the quota: checked %d times, "
	            "above the relaxation's %d; at %d nodes, above the root's bound %d", checked,
	            raised, nodes, node_raised);
	cr_assert(checked >= 12 && raised >= 3, "%d checked, %d raised", checked, raised);
	cr_assert(nodes >= 100 && node_raised >= 10, "%d nodes, %d raised", nodes, node_raised);
}

/* Single mode against the independent MIP: instances with private schools
 * (purchased and fee places), a boarding school, nine-year schools (both
 * levels), seats short and not, the quota met, binding and missed.  The
 * same unplaced pupils, the same shortfall, pupil-metres within a
 * millimetre per pupil, on both relaxations (the network and GLPK's LP,
 * under the same search); proven on the network, a valid bound on GLPK.
 * And the search cut short (a few relaxations), where the bound that sees
 * whole compounds does most of the proving: never a bound above the MIP's
 * optimum, never a plan below it.  Counts the levels compared: glpsol
 * missing or failing is a failure, not a skip. */
Test(glpsol, single_mode_matches_an_independent_mip)
{
	unsigned seed = 99;
	int compared = 0, missed = 0, met = 0, short_seats = 0, fee = 0, checked = 0, raised = 0;
	int contested = 0, above_knap = 0;
	for (int round = 0; round < 24; round++) {
		tschool s[5];
		tcomp c[9];
		char sid[5][16], cid[9][16], extra[300];
		static const char *const lvname[3] = {"primary", "junior", "nine_year"};
		int ns = 5, nc = 9;
		double share = round % 3 == 0 ? 0.95 : round % 3 == 1 ? 0.85 : 0.5;
		for (int k = 0; k < ns; k++) {
			seed = seed * 1103515245u + 12345u;
			snprintf(sid[k], sizeof sid[k], "S%d", k);
			int priv = k == 4, kind = (int)((seed >> 9) % 3);
			int seats = 15 + (int)((seed >> 8) % (round % 2 ? 50 : 90));
			s[k] = (tschool){sid[k], lvname[kind], priv ? "private" : "public",
			                 kind != 1 ? seats : 0, kind != 0 ? seats / 2 + 10 : 0,
			                 priv && kind != 1 ? (int)((seed >> 12) % 12) : 0,
			                 priv && kind != 0 ? (int)((seed >> 14) % 8) : 0, k == 3,
			                 (double)((seed >> 4) % 5000), (double)((seed >> 15) % 5000)};
		}
		for (int i = 0; i < nc; i++) {
			seed = seed * 1103515245u + 12345u;
			snprintf(cid[i], sizeof cid[i], "C%d", i);
			c[i] = (tcomp){cid[i], "urban", 5 + (int)((seed >> 8) % 30), (int)((seed >> 13) % 12),
			               3 + (int)((seed >> 18) % 15), (int)((seed >> 22) % 6),
			               (double)((seed >> 4) % 5000), (double)((seed >> 16) % 5000)};
		}
		for (int sv = 0; sv < 4; sv++) {
		snprintf(extra, sizeof extra,
		         "[policy]\nmax_distance_primary_m = 2500\nmax_distance_junior_m = 3500\n"
		         "max_distance_boarding_m = 6000\nmigrant_public_share = %.2f\n"
		         "[solve]\nsolver = %s\n",
		         share, sv == 1 ? "glpk" : sv == 2 ? "network\nfirst_plan = parts"
		                        : sv == 3 ? "network\nnode_limit = 2" : "network");
		tiny t;
		tiny_solve(&t, s, ns, c, nc, extra);
		for (int lv = 0; lv < CM_NLEVELS; lv++) {
			const cm_level_summary *sum = cm_plan_summary(t.plan, (cm_level)lv);
			double maxd = lv ? 3500 : 2500;
			if (!sum->solved)
				continue;
			double u = glpsol_single(s, ns, c, nc, lv, maxd, 6000, share, 1, 0, 0, 0);
			double l = glpsol_single(s, ns, c, nc, lv, maxd, 6000, share, 2, u, 0, 0);
			double q = glpsol_single(s, ns, c, nc, lv, maxd, 6000, share, 3, u, l, 0);
			double m = glpsol_single(s, ns, c, nc, lv, maxd, 6000, share, 4, u, l, q);
			cr_assert(!isnan(u) && !isnan(l) && !isnan(q) && !isnan(m),
			          "round %d %s: glpsol did not solve (is glpk-utils installed?)", round,
			          lvname[lv]);
			long target = (long)ceil(share * (double)sum->migrants - 1e-9);
			long shortfall = sum->migrants_public < target ? target - sum->migrants_public : 0;
			long locals_out = unplaced_locals(&t, (cm_level)lv);
			if (sv == 3) {
				double tol = 1e-3 * (double)sum->pupils + 1e-6;
				cr_assert_leq(sum->bound_unplaced, lround(u), "round %d %s", round, lvname[lv]);
				cr_assert_geq(sum->unplaced, lround(u), "round %d %s", round, lvname[lv]);
				if (sum->bound_unplaced == lround(u) && sum->unplaced == lround(u) &&
				    locals_out == lround(l) && shortfall == lround(q))
					cr_assert(sum->bound <= m + tol && sum->pupil_metres >= m - tol,
					          "round %d %s (cut short): bound %.4f, plan %.4f, MIP %.4f",
					          round, lvname[lv], sum->bound, sum->pupil_metres, m);
				continue;
			}
			cr_assert_eq(sum->unplaced, lround(u), "round %d %s: unplaced %ld, MIP %.3f", round,
			             lvname[lv], sum->unplaced, u);
			cr_assert_eq(locals_out, lround(l), "round %d %s: local children without a place "
			             "%ld, MIP %.3f", round, lvname[lv], locals_out, l);
			cr_assert_eq(shortfall, lround(q), "round %d %s: shortfall %ld, MIP %.3f", round,
			             lvname[lv], shortfall, q);
			cr_assert(fabs(sum->pupil_metres - m) <= 1e-3 * (double)sum->pupils + 1e-6,
			          "round %d %s: %.4f pupil-m, MIP %.4f", round, lvname[lv], sum->pupil_metres,
			          m);
			/* the network proves it; GLPK's LP can leave a fractional vertex
			 * under the quota row, made whole without branching, so its
			 * search may end with an honest gap instead (a valid bound) */
			if (sv == 0)
				assert_whole_bound(&t, lv, u, q + CM_LOCAL_FIRST * l, m, &checked, &raised,
				                   &above_knap);
			if (sv != 1)
				cr_assert_eq(sum->proven, 1, "round %d %s: not proven", round, lvname[lv]);
			else if (!sum->proven)
				cr_assert(sum->bound <= m + 1e-3 * (double)sum->pupils + 1e-6,
				          "round %d %s: bound %.4f above the MIP's %.4f", round, lvname[lv],
				          sum->bound, m);
			compared++;
			missed += shortfall > 0;
			met += shortfall == 0 && sum->migrants > 0;
			short_seats += sum->unplaced > 0;
			/* seats short and the quota missed: where a migrant placed
			 * would raise the quota and a local child must come first */
			contested += sum->unplaced > 0 && shortfall > 0;
		}
		const cm_assignment *a;
		size_t na = cm_plan_assignments(t.plan, &a);
		for (size_t x = 0; x < na; x++)
			fee += a[x].seat == CM_SEAT_FEE;
		assert_single_school(&t, round);
		assert_consistent(&t);
		tiny_free(&t);
		}
	}
	cr_log_info("single mode against glpsol: %d levels compared; quota missed %d, met %d; short "
	            "of seats %d (with the quota missed %d); fee places in %d rows", compared, missed,
	            met, short_seats, contested, fee);
	cr_log_info("the bound of whole compounds checked %d times, above the relaxation's %d, "
	            "its Lagrangian steps above the knapsacks alone %d", checked, raised, above_knap);
	cr_assert_geq(compared, 40, "only %d levels compared", compared);
	cr_assert(checked >= 30 && raised >= 5 && above_knap >= 1, "whole compounds' bound: %d "
	          "checked, %d raised, %d by the Lagrangian steps", checked, raised, above_knap);
	cr_assert(missed > 0 && met > 0 && short_seats > 0 && short_seats < compared && fee > 0 &&
	          contested > 0,
	          "the instances lack a case: quota missed %d, met %d, short of seats %d of %d, fee "
	          "rows %d, seats short with the quota missed %d", missed, met, short_seats, compared,
	          fee, contested);
}

/* The Lagrangian bound prices the private schools' seats and the quota
 * (search_bound.c): where whole compounds fill the public schools, their
 * migrants are sent to private places or out of the quota, and those seats
 * and that quota are short.  Instances made for it: migrants many, two
 * private schools with few seats, the quota at 85% or 95%.  Against the
 * independent MIP (glpsol), the bound is never above the optimum. */
Test(glpsol, whole_bound_with_private_seats_and_the_quota)
{
	unsigned seed = 2027;
	int checked = 0, raised = 0, above_knap = 0;
	for (int round = 0; round < 30; round++) {
		tschool s[6];
		tcomp c[10];
		char sid[6][16], cid[10][16], extra[300];
		int ns = 6, nc = 10;
		double share = round % 2 ? 0.95 : 0.85;
		private_instance(&seed, s, ns, 2, sid, c, nc, cid, 4000);
		snprintf(extra, sizeof extra,
		         "[policy]\nmax_distance_primary_m = 3000\nmax_distance_junior_m = 3000\n"
		         "migrant_public_share = %.2f\n[solve]\nsolver = network\n", share);
		tiny t;
		tiny_solve(&t, s, ns, c, nc, extra);
		const cm_level_summary *sum = cm_plan_summary(t.plan, CM_PRIMARY);
		if (sum->solved) {
			double u = glpsol_single(s, ns, c, nc, 0, 3000, 6000, share, 1, 0, 0, 0);
			double l = glpsol_single(s, ns, c, nc, 0, 3000, 6000, share, 2, u, 0, 0);
			double q = glpsol_single(s, ns, c, nc, 0, 3000, 6000, share, 3, u, l, 0);
			double m = glpsol_single(s, ns, c, nc, 0, 3000, 6000, share, 4, u, l, q);
			cr_assert(!isnan(u) && !isnan(l) && !isnan(q) && !isnan(m),
			          "round %d: glpsol did not solve (is glpk-utils installed?)", round);
			assert_whole_bound(&t, 0, u, q + CM_LOCAL_FIRST * l, m, &checked, &raised,
			                   &above_knap);
		}
		tiny_free(&t);
	}
	cr_log_info("the bound with private seats and the quota priced: checked %d times, above the "
	            "relaxation's %d, its Lagrangian steps above the knapsacks alone %d", checked,
	            raised, above_knap);
	cr_assert(checked >= 30 && raised >= 5 && above_knap >= 1, "%d checked, %d raised, %d by "
	          "the Lagrangian steps", checked, raised, above_knap);
}

/* ------------------------------------------------------------ output */

Test(output, geopackage_contract_and_determinism)
{
	tschool s[] = {{"A", "nine_year", "public", 45, 50, 0, 0, 0, 0, 0},
	               {"P", "primary", "private", 45, 0, 20, 0, 0, 800, 0}};
	tcomp c[] = {{"C1", "urban", 30, 20, 20, 5, 100, 0}, {"C2", "town", 30, 10, 10, 0, 700, 0}};
	tiny t;
	tiny_solve(&t, s, 2, c, 2, NULL);
	char *p1, *p2, *b1, *b2;
	size_t l1, l2;
	cm_ctx *ctx;
	cm_ctx_new(&ctx);
	cr_assert(asprintf(&p1, "%s/plan1.gpkg", t.dir) > 0);
	cr_assert(asprintf(&p2, "%s/plan2.gpkg", t.dir) > 0);
	cr_assert_eq(cm_plan_write(ctx, t.plan, p1), 0, "%s", cm_ctx_last_error(ctx));
	cr_assert_eq(cm_plan_write(ctx, t.plan, p2), 0);
	b1 = slurp(p1, &l1);
	b2 = slurp(p2, &l2);
	cr_assert(l1 == l2 && !memcmp(b1, b2, l1), "the same plan written twice differs");
	/* refuses to write over an input */
	char *input;
	cr_assert(asprintf(&input, "%s/s.geojson", t.dir) > 0);
	t.cfg->output.format = strdup("gpkg");
	cr_assert_eq(cm_plan_write(ctx, t.plan, input), CM_EINPUT);
	cr_assert(strstr(cm_ctx_last_error(ctx), "input"));

	/* layers and fields: the contract of issue 3 */
	const char *out;
	char *args;
	cr_assert(asprintf(&args, "ogrinfo -ro -so -al %s", p1) > 0);
	FILE *pp = popen(args, "r");
	char buf[1 << 15];
	size_t n = fread(buf, 1, sizeof buf - 1, pp);
	buf[n] = '\0';
	pclose(pp);
	out = buf;
	const char *want[] = {"Layer name: assignment", "Layer name: schools", "Layer name: summary",
	                      "compound_id:", "school_id:", "seat_kind:", "local:", "migrant:",
	                      "distance_m:", "seats:", "enrolled:", "utilization:", "classes:",
	                      "spare:", "shadow_price:", "pupils:", "placed:", "unplaced:",
	                      "pupil_metres:", "mean_distance_m:", "max_distance_m:", "near_share:",
	                      "migrant_public_share:", "quota_met:", "mip_gap:", "solve_seconds:",
	                      NULL};
	for (int i = 0; want[i]; i++)
		cr_assert(strstr(out, want[i]), "ogrinfo lacks '%s'", want[i]);
	free(args);
	free(input);
	free(b1);
	free(b2);
	free(p1);
	free(p2);
	cm_ctx_free(ctx);
	tiny_free(&t);
}

Test(glpk, internal_errors_do_not_abort)
{
	cm_ctx *ctx;
	cm_ctx_new(&ctx);
	cr_assert_eq(cm__glpk_provoke_error(ctx), CM_ESOLVER);
	cr_assert(strstr(cm_ctx_last_error(ctx), "GLPK failed"), "%s", cm_ctx_last_error(ctx));
	/* and GLPK works again afterwards */
	tschool s[] = {{"A", "primary", "public", 45, 0, 0, 0, 0, 0, 0}};
	tcomp c[] = {{"C", "urban", 10, 0, 0, 0, 100, 0}};
	tiny t;
	tiny_solve(&t, s, 1, c, 1, NULL);
	cr_assert_eq(cm_plan_summary(t.plan, CM_PRIMARY)->placed, 10);
	tiny_free(&t);
	cm_ctx_free(ctx);
}

/* Issue 4, first part: the catchments of a level cover exactly the placed
 * polygon compounds (area within 0.1%) and do not overlap. */
Test(output, catchments_cover_the_placed_compounds)
{
	char *dir = tmpdir(), *ini = scenario_text("schools.geojson", "compounds.geojson",
	                                           "[solve]\nassignment = split\n");
	char *path;
	cm_config *cfg;
	cm_ctx *ctx;
	cm_plan *plan;
	cm_dataset *ds = load_ok(ini, ".", &cfg);
	cm_ctx_new(&ctx);
	cr_assert_eq(solve_with(ctx, cfg, ds, NULL, &plan), 0, "%s", cm_ctx_last_error(ctx));
	cr_assert(asprintf(&path, "%s/plan.gpkg", dir) > 0);
	cr_assert_eq(cm_plan_write(ctx, plan, path), 0, "%s", cm_ctx_last_error(ctx));

	GDALDatasetH g = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
	cr_assert(g);
	OGRLayerH lyr = GDALDatasetGetLayerByName(g, "catchments");
	cr_assert(lyr, "no catchments layer");
	for (int lv = 0; lv < CM_NLEVELS; lv++) {
		/* expected: the compounds with public pupils at this level */
		const cm_compound *c;
		const cm_assignment *a;
		size_t nc = cm_dataset_compounds(ds, &c), na = cm_plan_assignments(plan, &a);
		double want = 0, got = 0;
		int placed = 0, listed = 0;
		for (size_t i = 0; i < nc; i++) {
			int pub = 0;
			for (size_t k = 0; k < na; k++)
				pub |= a[k].compound == i && a[k].level == (cm_level)lv &&
				       a[k].seat == CM_SEAT_PUBLIC && a[k].local + a[k].migrant > 0;
			if (pub) {
				want += c[i].area_m2;
				placed++;
			}
		}
		OGRGeometryH geoms[16];
		int n = 0;
		OGRFeatureH f;
		OGR_L_ResetReading(lyr);
		while ((f = OGR_L_GetNextFeature(lyr))) {
			if (!strcmp(OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "level")),
			            cm_level_name((cm_level)lv))) {
				cr_assert_lt(n, 16);
				geoms[n] = OGR_G_Clone(OGR_F_GetGeometryRef(f));
				got += OGR_G_Area(geoms[n]);
				listed += OGR_F_GetFieldAsInteger(f, OGR_F_GetFieldIndex(f, "compounds"));
				n++;
			}
			OGR_F_Destroy(f);
		}
		cr_assert_eq(listed, placed, "level %d: %d compounds in catchments, %d placed", lv,
		             listed, placed);
		cr_assert_float_eq(got, want, want * 1e-3, "level %d: area %.0f vs %.0f", lv, got, want);
		for (int x = 0; x < n; x++)
			for (int y = x + 1; y < n; y++) {
				OGRGeometryH i = OGR_G_Intersection(geoms[x], geoms[y]);
				double ov = i ? OGR_G_Area(i) : 0;
				cr_assert_lt(ov, 1e-6 * want, "level %d: catchments overlap by %.1f m2", lv, ov);
				if (i)
					OGR_G_DestroyGeometry(i);
			}
		for (int x = 0; x < n; x++)
			OGR_G_DestroyGeometry(geoms[x]);
	}
	GDALClose(g);
	cm_plan_free(plan);
	cm_dataset_free(ds);
	cm_config_free(cfg);
	cm_ctx_free(ctx);
	free(path);
	free(ini);
	free(dir);
}

/* ------------------------------------------------------------ fast path */

/* The network simplex (solver = auto) against GLPK (solver = glpk) on the
 * same random instances: both levels, nine-year and private schools with
 * purchased places, tight seats, quotas met, binding and impossible.  The
 * same unplaced pupils and quota outcome; pupil-metres equal to GLPK's LP
 * optimum within 1e-6 relative (the network rounds distances to
 * millimetres; GLPK's simplex holds its optimum to about 1e-7). */
/* GLPK's noise in the policy tier: k x local children (k in the
 * thousands) turned -1e-9 of them into -1e-6 pupils, below a true 0 by
 * more than the tier's tolerance, so the search took a plan 5% longer as
 * "better" on the tier, pruned every node at 0 and said "proven optimal"
 * (a review's 40-compound town, tests/data/glpk-noise: 622,317 pupil-m
 * against the optimum 592,647, which an independent MIP and the network
 * give).  Both solvers, proven, the same pupil-metres. */
Test(fastpath, glpk_noise_is_no_better_tier)
{
	double metres[2];
	for (int k = 0; k < 2; k++) {
		char *ini, *sp = strdup(fixture("glpk-noise/schools.csv"));
		cm_config *cfg;
		cm_dataset *ds;
		cm_plan *plan = NULL;
		cm_ctx *ctx;
		cr_assert(asprintf(&ini, "[input]\nschools = %s\ncompounds = %s\n"
		                         "source_crs = EPSG:32649\ncrs = EPSG:32649\n"
		                         "[policy]\nmax_distance_primary_m = 4000\n"
		                         "max_distance_junior_m = 6400\nmax_distance_boarding_m = 9600\n"
		                         "class_size_primary = 30\nclass_size_junior = 50\n"
		                         "[solve]\nassignment = single\nsolver = %s\nmip_gap = 0\n",
		                  sp, fixture("glpk-noise/compounds.csv"), k ? "glpk" : "network") > 0);
		ds = load_ok(ini, ".", &cfg);
		cm_ctx_new(&ctx);
		cr_assert_eq(solve_with(ctx, cfg, ds, NULL, &plan), 0, "%s", cm_ctx_last_error(ctx));
		const cm_level_summary *sum = cm_plan_summary(plan, CM_PRIMARY);
		cr_assert(sum->proven, "solver %d", k);
		cr_assert_eq(sum->unplaced, 0);
		metres[k] = sum->pupil_metres;
		cm_plan_free(plan);
		cm_ctx_free(ctx);
		cm_dataset_free(ds);
		cm_config_free(cfg);
		free(ini);
		free(sp);
	}
	cr_assert_float_eq(metres[1], metres[0], 1e-6 * metres[0], "glpk %.3f, network %.3f",
	                   metres[1], metres[0]);
	cr_assert_lt(metres[0], 600000, "the optimum is 592,647 pupil-m: %.3f", metres[0]);
}

Test(fastpath, network_matches_glpk)
{
	unsigned seed = 77;
	const double shares[] = {0.5, 0.85, 0.95, 1.0};
	int missed = 0, short_seats = 0, fee = 0, levels = 0;
	for (int round = 0; round < 12; round++) {
		tschool s[10];
		tcomp c[40];
		char sid[10][16], cid[40][16], extra[256];
		int ns = 10, nc = 40;
		for (int k = 0; k < ns; k++) {
			seed = seed * 1103515245u + 12345u;
			snprintf(sid[k], sizeof sid[k], "S%d", k);
			int priv = k >= 7, nine = k == 3 || k == 8;
			int seats = 60 + (int)((seed >> 8) % 160);
			s[k] = (tschool){sid[k], nine ? "nine_year" : k % 2 ? "junior" : "primary",
			                 priv ? "private" : "public", seats, seats / 2,
			                 priv ? (int)((seed >> 12) % 25) : 0, priv ? (int)((seed >> 14) % 10) : 0,
			                 k == 5, (double)((seed >> 4) % 6000), (double)((seed >> 15) % 6000)};
		}
		for (int i = 0; i < nc; i++) {
			seed = seed * 1103515245u + 12345u;
			snprintf(cid[i], sizeof cid[i], "C%d", i);
			int big = round % 3 == 0; /* every third round short of seats */
			c[i] = (tcomp){cid[i], i % 5 ? "urban" : "rural", (int)((seed >> 8) % (big ? 30 : 14)),
			               (int)((seed >> 13) % (big ? 12 : 7)), (int)((seed >> 17) % (big ? 15 : 8)),
			               (int)((seed >> 21) % (big ? 6 : 4)),
			               (double)((seed >> 4) % 6000), (double)((seed >> 16) % 6000)};
		}
		snprintf(extra, sizeof extra,
		         "[policy]\nmax_distance_primary_m = 3000\nmax_distance_junior_m = 4500\n"
		         "max_distance_boarding_m = 9000\nmigrant_public_share = %g\n"
		         "[solve]\nassignment = split\nsolver = ", shares[round % 4]);
		char fast_extra[300], glpk_extra[300];
		snprintf(fast_extra, sizeof fast_extra, "%sauto\n", extra);
		snprintf(glpk_extra, sizeof glpk_extra, "%sglpk\n", extra);
		tiny a, b;
		tiny_solve(&a, s, ns, c, nc, fast_extra);
		tiny_solve(&b, s, ns, c, nc, glpk_extra);
		for (int lv = 0; lv < CM_NLEVELS; lv++) {
			const cm_level_summary *x = cm_plan_summary(a.plan, (cm_level)lv);
			const cm_level_summary *y = cm_plan_summary(b.plan, (cm_level)lv);
			cr_assert_eq(x->solved, y->solved);
			if (!x->solved)
				continue;
			cr_assert_eq(x->unplaced, y->unplaced, "round %d level %d: unplaced %ld vs %ld",
			             round, lv, x->unplaced, y->unplaced);
			cr_assert_eq(x->quota_met, y->quota_met, "round %d level %d: quota", round, lv);
			if (!x->quota_met)
				cr_assert_eq(x->migrants_public, y->migrants_public,
				             "round %d level %d: best share %ld vs %ld", round, lv,
				             x->migrants_public, y->migrants_public);
			cr_assert_geq(x->pupil_metres, y->lp_bound * (1 - 1e-6),
			              "round %d level %d: %.3f below GLPK's LP %.3f", round, lv,
			              x->pupil_metres, y->lp_bound);
			cr_assert_leq(x->pupil_metres, y->lp_bound * (1 + 1e-6) + 1e-6,
			              "round %d level %d: %.3f vs GLPK's LP %.3f", round, lv,
			              x->pupil_metres, y->lp_bound);
			cr_assert(x->integral);
			missed += !x->quota_met;
			levels++;
			short_seats += x->unplaced > 0;
			fee += x->migrants_public < x->migrants - x->unplaced;
		}
		assert_consistent(&a);
		tiny_free(&a);
		tiny_free(&b);
	}
	/* the instances exercise what they are for */
	cr_assert(missed > 0 && missed < levels && short_seats > 0 && short_seats < levels && fee > 0,
	          "of %d levels: quota missed %d, short of seats %d, fee places %d", levels, missed,
	          short_seats, fee);
}

/* ------------------------------------------------------------ the redraw */

/* Each level's homes of two plans on the same data agree. */
static void assert_same_homes(const cm_plan *a, const cm_plan *b, size_t n, const char *what)
{
	for (int lv = 0; lv < CM_NLEVELS; lv++)
		for (size_t i = 0; i < n; i++)
			cr_assert_eq(cm_plan_home(a, (cm_level)lv, i), cm_plan_home(b, (cm_level)lv, i),
			             "%s: compound %zu changed school", what, i);
}

/* Issue 6: solving again with last year's plan, the data unchanged and a
 * high stability weight, moves nobody: in split mode, in GLPK's single
 * mode and in the network's. */
Test(redraw, unchanged_data_moves_nobody)
{
	const char *modes[] = {"[solve]\nassignment = split\n", "[solve]\nassignment = single\n",
	                       "[solve]\nassignment = single\nsolver = glpk\n"};
	unsigned seed = 99;
	for (int round = 0; round < 6; round++) {
		tschool s[4];
		tcomp c[8];
		char sid[4][16], cid[8][16];
		tight_instance(&seed, s, 4, sid, c, 8, cid);
		for (int m = 0; m < 3; m++) {
			tiny t;
			cm_ctx *ctx;
			cm_previous *prev = NULL;
			cm_plan *again = NULL;
			const cm_change *ch;
			tiny_solve(&t, s, 4, c, 8, modes[m]);
			cm_ctx_new(&ctx);
			cr_assert_eq(cm_previous_from_plan(ctx, t.plan, t.ds, &prev), 0);
			t.cfg->solve.stability_weight = 100000;
			cr_assert_eq(solve_with(ctx, t.cfg, t.ds, prev, &again), 0, "%s",
			             cm_ctx_last_error(ctx));
			const cm_level_summary *a = cm_plan_summary(t.plan, CM_PRIMARY);
			const cm_level_summary *b = cm_plan_summary(again, CM_PRIMARY);
			cr_assert(b->has_previous);
			/* every solve is exact: last year's plan is still the best, and
			 * the weight keeps everyone where they were */
			cr_assert_eq(b->unplaced, a->unplaced, "round %d mode %d", round, m);
			cr_assert_eq(b->moved, 0, "round %d mode %d: %ld moved", round, m, b->moved);
			cr_assert_eq(b->moved_compounds, 0);
			cr_assert_eq(cm_plan_changes(again, &ch), 0);
			assert_same_homes(t.plan, again, 8, modes[m]);
			cm_plan_free(again);
			cm_previous_free(prev);
			cm_ctx_free(ctx);
			tiny_free(&t);
		}
	}
}

/* The stability term against brute force: last year's schools read from a
 * CSV (compound_id, level, school_id), single mode by GLPK; the same
 * unplaced pupils as the best assignment and, in pupil-metres plus the
 * weight per pupil moved, no better than it and within the reported gap. */
Test(redraw, stability_against_brute_force)
{
	unsigned seed = 5;
	int moved_some = 0;
	for (int round = 0; round < 10; round++) {
		tschool s[3];
		tcomp c[6];
		char sid[3][16], cid[6][16], line[300];
		int prev_of[6], nc = 5 + round % 2;
		tight_instance(&seed, s, 3, sid, c, nc, cid);
		tiny t;
		tiny_solve(&t, s, 3, c, nc, "[policy]\nmax_distance_primary_m = 2500\n");
		/* last year: compound i at school (i + round) % 3, where in reach */
		char *csv = strdup("compound_id,level,school_id\n");
		for (int i = 0; i < nc; i++) {
			int k = (i + round) % 3;
			prev_of[i] = hypot(c[i].x - s[k].x, c[i].y - s[k].y) <= 2500 ? k : -1;
			if (prev_of[i] < 0)
				continue;
			snprintf(line, sizeof line, "%s,primary,%s\n", cid[i], sid[k]);
			csv = realloc(csv, strlen(csv) + strlen(line) + 1);
			strcat(csv, line);
		}
		char *path = write_file(t.dir, "last-year.csv", csv);
		cm_ctx *ctx;
		cm_previous *prev = NULL;
		cm_plan *p = NULL;
		long bu;
		double bm, w = 400;
		cm_ctx_new(&ctx);
		free(t.cfg->previous.path);
		t.cfg->previous.path = path;
		t.cfg->solve.stability_weight = w;
		cr_assert_eq(cm_previous_load(ctx, t.cfg, t.ds, &prev), 0, "%s", cm_ctx_last_error(ctx));
		cr_assert_eq(solve_with(ctx, t.cfg, t.ds, prev, &p), 0, "%s", cm_ctx_last_error(ctx));
		brute_single_prev(s, 3, c, nc, 2500, prev_of, w, &bu, &bm);
		const cm_level_summary *sum = cm_plan_summary(p, CM_PRIMARY);
		double value = sum->pupil_metres + w * (double)sum->moved;
		assert_exact(sum, value, bu, bm, "stability", round);
		moved_some += sum->moved > 0;
		free(csv);
		cm_plan_free(p);
		cm_previous_free(prev);
		cm_ctx_free(ctx);
		tiny_free(&t);
	}
	/* the instances are not all trivially stable */
	cr_expect_geq(moved_some, 2, "only %d rounds moved anyone", moved_some);
}

/* max_moved_pupils is a hard cap (split mode: GLPK holds the row). */
/* A cap on pupils moved (and in some rounds a near-school minimum too)
 * that the network's plan without them leaves short: priced in the
 * network's policy tier (solve.c, near_priced), against GLPK's search with
 * the rows as rows (solver = glpk): the same pupils without a place,
 * pupils moved, near share and pupil-metres with the stability weight,
 * each proven optimal. */
Test(redraw, moved_cap_priced_on_the_network_against_glpk)
{
	unsigned seed = 9;
	int capped = 0;
	for (int round = 0; round < 12; round++) {
		tschool s[3];
		tcomp c[6];
		char sid[3][16], cid[6][16], line[300], extra[200];
		int nc = 5 + round % 2;
		const cm_level_summary *sum[2];
		cm_plan *p[2] = {NULL, NULL};
		tight_instance(&seed, s, 3, sid, c, nc, cid);
		tiny t;
		snprintf(extra, sizeof extra, "[policy]\nmax_distance_primary_m = 2500\n%s",
		         round % 3 == 2 ? "near_share_min_primary = 0.6\nnear_radius_primary_m = 900\n"
		                        : "");
		tiny_solve(&t, s, 3, c, nc, extra);
		/* last year: compound i at school (i + round) % 3, where in reach */
		char *csv = strdup("compound_id,level,school_id\n");
		for (int i = 0; i < nc; i++) {
			int k = (i + round) % 3;
			if (hypot(c[i].x - s[k].x, c[i].y - s[k].y) > 2500)
				continue;
			snprintf(line, sizeof line, "%s,primary,%s\n", cid[i], sid[k]);
			csv = realloc(csv, strlen(csv) + strlen(line) + 1);
			strcat(csv, line);
		}
		char *path = write_file(t.dir, "last-year.csv", csv);
		cm_ctx *ctx;
		cm_previous *prev = NULL;
		cm_ctx_new(&ctx);
		free(t.cfg->previous.path);
		t.cfg->previous.path = path;
		t.cfg->solve.stability_weight = round % 2 ? 400 : 0;
		t.cfg->solve.max_moved_pupils = round % 4;
		cr_assert_eq(cm_previous_load(ctx, t.cfg, t.ds, &prev), 0, "%s", cm_ctx_last_error(ctx));
		for (int v = 0; v < 2; v++) {
			t.cfg->solve.solver = v ? CM_SOLVER_GLPK : CM_SOLVER_AUTO;
			cr_assert_eq(solve_with(ctx, t.cfg, t.ds, prev, &p[v]), 0, "%s",
			             cm_ctx_last_error(ctx));
			sum[v] = cm_plan_summary(p[v], CM_PRIMARY);
			cr_assert_eq(sum[v]->proven, 1, "round %d %s: not proven", round, v ? "glpk" : "auto");
		}
		cr_assert_eq(sum[0]->unplaced, sum[1]->unplaced, "round %d", round);
		cr_assert_eq(sum[0]->moved, sum[1]->moved, "round %d: %ld moved against GLPK's %ld", round,
		             sum[0]->moved, sum[1]->moved);
		cr_assert_float_eq(sum[0]->near_share, sum[1]->near_share, 1e-9, "round %d", round);
		double w = t.cfg->solve.stability_weight;
		double v0 = sum[0]->pupil_metres + w * (double)sum[0]->moved;
		double v1 = sum[1]->pupil_metres + w * (double)sum[1]->moved;
		cr_assert(fabs(v0 - v1) <= 1e-3 * (double)sum[0]->pupils + 1e-6,
		          "round %d: %.3f against GLPK's %.3f", round, v0, v1);
		capped += !sum[0]->moved_met;
		free(csv);
		cm_plan_free(p[0]);
		cm_plan_free(p[1]);
		cm_previous_free(prev);
		cm_ctx_free(ctx);
		tiny_free(&t);
	}
	cr_assert_gt(capped, 0, "no round's cap was out of reach");
}

Test(redraw, max_moved_pupils_caps_the_moves)
{
	unsigned seed = 11;
	tschool s[4];
	tcomp c[8];
	char sid[4][16], cid[8][16];
	tight_instance(&seed, s, 4, sid, c, 8, cid);
	for (int k = 0; k < 4; k++)
		s[k].seats_p += 200; /* room everywhere: only distance decides */
	tiny t;
	tiny_solve(&t, s, 4, c, 8, "[solve]\nassignment = split\n");
	/* last year: everyone at the school farthest away */
	char *csv = strdup("compound_id,level,school_id\n"), line[300];
	for (int i = 0; i < 8; i++) {
		int far = 0;
		for (int k = 1; k < 4; k++)
			if (hypot(c[i].x - s[k].x, c[i].y - s[k].y) > hypot(c[i].x - s[far].x, c[i].y - s[far].y))
				far = k;
		snprintf(line, sizeof line, "%s,primary,%s\n", cid[i], sid[far]);
		csv = realloc(csv, strlen(csv) + strlen(line) + 1);
		strcat(csv, line);
	}
	free(t.cfg->previous.path);
	t.cfg->previous.path = write_file(t.dir, "last-year.csv", csv);
	cm_ctx *ctx;
	cm_previous *prev = NULL;
	cm_plan *free_plan = NULL, *capped = NULL;
	cm_ctx_new(&ctx);
	cr_assert_eq(cm_previous_load(ctx, t.cfg, t.ds, &prev), 0, "%s", cm_ctx_last_error(ctx));
	t.cfg->solve.stability_weight = 1;
	cr_assert_eq(solve_with(ctx, t.cfg, t.ds, prev, &free_plan), 0, "%s", cm_ctx_last_error(ctx));
	long moved = cm_plan_summary(free_plan, CM_PRIMARY)->moved;
	cr_assert_gt(moved, 20, "the far schools should lose pupils (moved %ld)", moved);
	t.cfg->solve.max_moved_pupils = moved / 3;
	cr_assert_eq(solve_with(ctx, t.cfg, t.ds, prev, &capped), 0, "%s", cm_ctx_last_error(ctx));
	const cm_level_summary *a = cm_plan_summary(free_plan, CM_PRIMARY);
	const cm_level_summary *b = cm_plan_summary(capped, CM_PRIMARY);
	cr_assert_eq(b->moved, moved / 3, "capped at %ld, moved %ld", moved / 3, b->moved);
	cr_assert_eq(b->unplaced, a->unplaced);
	cr_assert_gt(b->pupil_metres, a->pupil_metres);
	/* the cap holds without a weight too (stability_weight = 0, the
	 * default: the staying pieces were once told by their weight alone) */
	cm_plan *unweighted = NULL;
	t.cfg->solve.stability_weight = 0;
	cr_assert_eq(solve_with(ctx, t.cfg, t.ds, prev, &unweighted), 0, "%s",
	             cm_ctx_last_error(ctx));
	b = cm_plan_summary(unweighted, CM_PRIMARY);
	cr_assert_eq(b->moved, moved / 3, "weight 0: capped at %ld, moved %ld", moved / 3, b->moved);
	cr_assert_eq(b->unplaced, a->unplaced);
	cm_plan_free(unweighted);
	free(csv);
	cm_plan_free(free_plan);
	cm_plan_free(capped);
	cm_previous_free(prev);
	cm_ctx_free(ctx);
	tiny_free(&t);
}

/* Bad previous plans: the file, the layer, the feature and the field. */
Test(redraw, previous_plan_errors)
{
	tschool s[1] = {{"S1", "primary", "public", 90, 0, 0, 0, 0, 0, 0}};
	tcomp c[1] = {{"C1", "urban", 20, 0, 0, 0, 100, 0}};
	tiny t;
	tiny_solve(&t, s, 1, c, 1, NULL);
	struct {
		const char *text, *expect;
	} cases[] = {
		{NULL, "no such file or folder (previous_plan)"},
		{"compound_id,school_id\nC1,S1\n", "field level is missing"},
		{"compound_id,level,school_id\nC1,senior,S1\n", "field level: 'senior' is not primary"},
		{"compound_id,level,school_id\nC1,primary,S1\nC1,primary,S2\n", "has two primary schools"},
		/* the same row twice is no second school (it said "two schools") */
		{"compound_id,level,school_id\nC1,primary,S1\nC1,primary,S1\n",
		 "is listed twice for primary (school S1)"},
		/* a table's Chinese headers: no school code is no school id (the
		 * names' list ran on into the next field's: 学校名称 was read
		 * as the school's id, and 学段 as the compound's) */
		{"小区代码,学段,学校名称\nC1,primary,一小\n", "field school_id is missing"},
		{"compound,level,school_id\nC1,primary,S1\n", "field compound_id is missing"},
	};
	for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
		cm_ctx *ctx;
		cm_previous *prev = NULL;
		free(t.cfg->previous.path);
		t.cfg->previous.path = cases[k].text ? write_file(t.dir, "prev.csv", cases[k].text)
		                                     : strdup("/nonexistent/prev.csv");
		cm_ctx_new(&ctx);
		cr_assert_neq(cm_previous_load(ctx, t.cfg, t.ds, &prev), 0, "case %zu", k);
		cr_assert_null(prev);
		cr_assert(strstr(cm_ctx_last_error(ctx), cases[k].expect), "case %zu: %s", k,
		          cm_ctx_last_error(ctx));
		cr_assert(strstr(cm_ctx_last_error(ctx), "prev.csv"), "case %zu names no file: %s", k,
		          cm_ctx_last_error(ctx));
		cm_ctx_free(ctx);
	}
	tiny_free(&t);
}

/* The stability term on the network against GLPK: split mode, last year's
 * plan a plan of other seats (so its counts are partial: columns split in
 * a staying part and the rest), solved by both; the same unplaced pupils,
 * the same pupils moved within a pupil, and metres plus the weight per
 * pupil moved within 1e-6. */
Test(redraw, network_matches_glpk_with_stability)
{
	unsigned seed = 21;
	int some_moved = 0;
	for (int round = 0; round < 8; round++) {
		tschool s[4];
		tcomp c[10];
		char sid[4][16], cid[10][16];
		tight_instance(&seed, s, 4, sid, c, 10, cid);
		for (int i = 0; i < 10; i++)
			c[i].pm = c[i].pl / 3; /* migrants too: the quota */
		tiny last;
		tiny_solve(&last, s, 4, c, 10, "[solve]\nassignment = split\n");
		/* this year: other seats, other pupils */
		tschool s2[4];
		tcomp c2[10];
		memcpy(s2, s, sizeof s);
		memcpy(c2, c, sizeof c);
		for (int k = 0; k < 4; k++)
			s2[k].seats_p += (k + round) % 3 == 0 ? 15 : -5;
		for (int i = 0; i < 10; i++)
			c2[i].pl += (i + round) % 4 == 0 ? 6 : 0;
		double value[2];
		long unplaced[2], moved[2];
		for (int solver = 0; solver < 2; solver++) {
			tiny t;
			cm_ctx *ctx;
			cm_previous *prev = NULL;
			cm_plan *p = NULL;
			tiny_solve(&t, s2, 4, c2, 10,
			           solver ? "[solve]\nassignment = split\nsolver = glpk\n"
			                  : "[solve]\nassignment = split\nsolver = network\n");
			cm_ctx_new(&ctx);
			cr_assert_eq(cm_previous_from_plan(ctx, last.plan, t.ds, &prev), 0);
			t.cfg->solve.stability_weight = 700;
			cr_assert_eq(solve_with(ctx, t.cfg, t.ds, prev, &p), 0, "%s", cm_ctx_last_error(ctx));
			const cm_level_summary *sum = cm_plan_summary(p, CM_PRIMARY);
			value[solver] = sum->pupil_metres + 700.0 * (double)sum->moved;
			unplaced[solver] = sum->unplaced;
			moved[solver] = sum->moved;
			cm_plan_free(p);
			cm_previous_free(prev);
			cm_ctx_free(ctx);
			tiny_free(&t);
		}
		cr_assert_eq(unplaced[0], unplaced[1], "round %d", round);
		cr_assert(fabs(value[0] - value[1]) <= 1e-6 * value[1] + 1e-6,
		          "round %d: network %.6f (moved %ld), GLPK %.6f (moved %ld)", round, value[0],
		          moved[0], value[1], moved[1]);
		some_moved += moved[1] > 0;
		tiny_free(&last);
	}
	cr_expect_geq(some_moved, 3, "only %d rounds moved anyone", some_moved);
}

/* ------------------------------------------------------------ routing */

/* One function routes every level (solve.c): the network unless a level
 * has a side row; solver = network with one is an error naming the key
 * that makes it, never another. */
Test(route, one_place_names_the_reason)
{
	cm_ctx *ctx;
	cm_config *cfg = calloc(1, sizeof *cfg);
	cm_route r;
	cm_ctx_new(&ctx);
	cm_config_init(cfg);
	cr_assert_eq(cm__route(ctx, cfg, 0, &r), 0);
	cr_assert(r.path[CM_PRIMARY] == CM_PATH_NETWORK && r.path[CM_JUNIOR] == CM_PATH_NETWORK);
	cr_assert(r.parallel, "levels are independent without the school-size cap");
	cfg->policy.near_share_min[CM_JUNIOR] = 0.95;
	cr_assert_eq(cm__route(ctx, cfg, 0, &r), 0);
	cr_assert(r.path[CM_PRIMARY] == CM_PATH_NETWORK && r.path[CM_JUNIOR] == CM_PATH_GLPK);
	cfg->solve.solver = CM_SOLVER_NETWORK;
	cr_assert_eq(cm__route(ctx, cfg, 0, &r), CM_EINPUT);
	cr_assert(strstr(cm_ctx_last_error(ctx), "near_share_min_junior"), "%s",
	          cm_ctx_last_error(ctx));
	/* a cap on moves is a side row only with last year's plan */
	cfg->policy.near_share_min[CM_JUNIOR] = 0;
	cfg->solve.max_moved_pupils = 10;
	cr_assert_eq(cm__route(ctx, cfg, 0, &r), 0);
	cr_assert_eq(cm__route(ctx, cfg, 1, &r), CM_EINPUT);
	cr_assert(strstr(cm_ctx_last_error(ctx), "max_moved_pupils"), "%s", cm_ctx_last_error(ctx));
	cr_assert(!strstr(cm_ctx_last_error(ctx), "near"), "%s", cm_ctx_last_error(ctx));
	cfg->solve.solver = CM_SOLVER_AUTO;
	cr_assert_eq(cm__route(ctx, cfg, 1, &r), 0);
	cr_assert(r.path[CM_PRIMARY] == CM_PATH_GLPK && r.path[CM_JUNIOR] == CM_PATH_GLPK);
	cfg->policy.enforce_school_size = 1;
	cr_assert_eq(cm__route(ctx, cfg, 1, &r), 0);
	cr_assert(!r.parallel, "junior's seats wait for primary's plan under the cap");
	cm_config_free(cfg);
	cm_ctx_free(ctx);
}

/* ------------------------------------------------------------ the solve's options */

/* Threads started in this process, counted: the executable's
 * pthread_create comes before the C library's, for the library's calls
 * too, and hands each on to the next one. */
static int threads_started;

int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
	static int (*next)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
	if (!next)
		*(void **)&next = dlsym(RTLD_NEXT, "pthread_create");
	__atomic_add_fetch(&threads_started, 1, __ATOMIC_SEQ_CST);
	return next(thread, attr, fn, arg);
}

/* Plans `a` and `b` are the same: their rows and changes field by field,
 * their schools' results and summaries (but the solve's seconds) byte for
 * byte (the plan's are calloc'd, so their padding is zero in both). */
static void assert_same_plan(const cm_plan *a, const cm_plan *b, const char *what)
{
	const cm_assignment *ra, *rb;
	const cm_change *ca, *cb;
	const cm_school *sch;
	size_t n = cm_plan_assignments(a, &ra), i, ns = cm_dataset_schools(cm_plan_dataset(a), &sch);
	cr_assert_eq(cm_plan_assignments(b, &rb), n, "%s: rows", what);
	for (i = 0; i < n; i++)
		cr_assert(ra[i].compound == rb[i].compound && ra[i].level == rb[i].level &&
		          ra[i].school == rb[i].school && ra[i].seat == rb[i].seat &&
		          ra[i].local == rb[i].local && ra[i].migrant == rb[i].migrant &&
		          ra[i].distance_m == rb[i].distance_m && ra[i].minutes == rb[i].minutes,
		          "%s: row %zu differs", what, i);
	for (int lv = 0; lv < CM_NLEVELS; lv++) {
		cm_level_summary sa, sb;
		memcpy(&sa, cm_plan_summary(a, (cm_level)lv), sizeof sa);
		memcpy(&sb, cm_plan_summary(b, (cm_level)lv), sizeof sb);
		sa.solve_seconds = sb.solve_seconds = 0;
		cr_assert_arr_eq(&sa, &sb, sizeof sa, "%s: %s summary differs", what,
		                 cm_level_name((cm_level)lv));
		for (i = 0; i < ns; i++)
			cr_assert_arr_eq(cm_plan_school(a, (cm_level)lv, i), cm_plan_school(b, (cm_level)lv, i),
			                 sizeof(cm_school_result), "%s: school %zu differs", what, i);
	}
	n = cm_plan_changes(a, &ca);
	cr_assert_eq(cm_plan_changes(b, &cb), n, "%s: changes", what);
	for (i = 0; i < n; i++)
		cr_assert(ca[i].compound == cb[i].compound && ca[i].level == cb[i].level &&
		          !strcmp(ca[i].from, cb[i].from) && ca[i].to == cb[i].to &&
		          ca[i].pupils == cb[i].pupils && ca[i].forced == cb[i].forced,
		          "%s: change %zu differs", what, i);
}

/* A tight instance with both levels (nine-year schools, and junior pupils
 * in every compound), solved by tiny_solve with `extra`. */
static void tiny_both_levels(tiny *t, unsigned seed, const char *extra)
{
	tschool s[4];
	tcomp c[8];
	char sid[4][16], cid[8][16];
	tight_instance(&seed, s, 4, sid, c, 8, cid);
	for (int k = 0; k < 4; k++) {
		s[k].level = "nine_year";
		s[k].seats_j = s[k].seats_p / 2;
	}
	for (int i = 0; i < 8; i++)
		c[i].jl = c[i].pl / 2 + 1;
	tiny_solve(t, s, 4, c, 8, extra);
}

/* threads = 1 starts no thread and gives the plan the default's two
 * threads give (threads = 2 too), in split and single mode; the default
 * starts one, junior's, when both levels have pupils. */
Test(opts, one_thread_gives_the_same_plan)
{
	const char *modes[] = {"[solve]\nassignment = split\n", "[solve]\nassignment = single\n",
	                       "[solve]\nassignment = single\nsolver = glpk\n"};
	for (int m = 0; m < 3; m++) {
		tiny t;
		cm_ctx *ctx;
		cm_plan *one = NULL, *two = NULL;
		cm_solve_opts so = CM_SOLVE_OPTS_INIT;
		threads_started = 0;
		tiny_both_levels(&t, 7u + (unsigned)m, modes[m]); /* the default */
		cr_assert_eq(threads_started, 1, "%s: the default starts %d threads", modes[m],
		             threads_started);
		cr_assert(cm_plan_summary(t.plan, CM_JUNIOR)->solved);
		cm_ctx_new(&ctx);
		so.config = t.cfg;
		so.threads = 1;
		threads_started = 0;
		cr_assert_eq(cm_solve(ctx, t.ds, &so, &one), 0, "%s", cm_ctx_last_error(ctx));
		cr_assert_eq(threads_started, 0, "%s: threads = 1 started %d", modes[m], threads_started);
		assert_same_plan(t.plan, one, modes[m]);
		so.threads = 2;
		cr_assert_eq(cm_solve(ctx, t.ds, &so, &two), 0, "%s", cm_ctx_last_error(ctx));
		assert_same_plan(t.plan, two, modes[m]);
		cm_plan_free(one);
		cm_plan_free(two);
		cm_ctx_free(ctx);
		tiny_free(&t);
	}
}

/* Options a program got wrong are refused before anything is solved:
 * CM_ERROR, no plan, a message that says what to do. */
Test(opts, wrong_options_are_refused)
{
	const cm_solve_opts init = CM_SOLVE_OPTS_INIT;
	cm_solve_opts so;
	cm_ctx *ctx;
	cm_plan *plan = NULL;
	tiny t;
	tiny_both_levels(&t, 3u, NULL);
	cm_ctx_new(&ctx);
	/* cm_solve_opts_init fills what the macro does, for the version it knows */
	memset(&so, 0xff, sizeof so);
	cr_assert_eq(cm_solve_opts_init(&so, CM_SOLVE_OPTS_VERSION + 1), CM_ERROR);
	cr_assert_eq(so.version, ~0u, "a version it does not know leaves the options as they were");
	cr_assert_eq(cm_solve_opts_init(&so, CM_SOLVE_OPTS_VERSION), 0);
	cr_assert(so.version == init.version && so.config == init.config &&
	          so.previous == init.previous && so.threads == init.threads);
	cr_assert_eq(so.version, CM_SOLVE_OPTS_VERSION);
	struct {
		unsigned version;
		int config, threads;
		const char *expect;
	} cases[] = {
		{0, 1, 0, "options of version 0"},       /* zeroed, never made with the macro */
		{2, 1, 0, "options of version 2"},       /* from a newer header */
		{1, 0, 0, "no configuration"},
		{1, 1, -1, "threads = -1"},
	};
	for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
		so = init;
		so.version = cases[k].version;
		so.config = cases[k].config ? t.cfg : NULL;
		so.threads = cases[k].threads;
		plan = (cm_plan *)&so; /* not NULL: the call must clear it */
		cr_assert_eq(cm_solve(ctx, t.ds, &so, &plan), CM_ERROR, "case %zu", k);
		cr_assert_null(plan, "case %zu", k);
		cr_assert(strstr(cm_ctx_last_error(ctx), cases[k].expect), "case %zu: %s", k,
		          cm_ctx_last_error(ctx));
	}
	cr_assert(strstr(cm_ctx_last_error(ctx), "must be 0"), "%s", cm_ctx_last_error(ctx));
	cr_assert_eq(cm_solve(ctx, t.ds, NULL, &plan), CM_ERROR);
	cr_assert(strstr(cm_ctx_last_error(ctx), "no options"), "%s", cm_ctx_last_error(ctx));
	so = init;
	so.config = t.cfg;
	cr_assert_eq(cm_solve(ctx, t.ds, &so, &plan), 0, "%s", cm_ctx_last_error(ctx));
	cm_plan_free(plan);
	cm_ctx_free(ctx);
	tiny_free(&t);
}

/* Last year's plan through the options: read from [input] previous_plan
 * (cm_previous_load, what the command line does) or taken from the solved
 * plan (cm_previous_from_plan, a scenario's base), the plan held to it is
 * the same, and it moves pupils against it; without it, nothing is held. */
Test(opts, previous_plan_through_the_options)
{
	tiny t;
	cm_ctx *ctx;
	cm_previous *from_file = NULL, *from_plan = NULL;
	cm_plan *a = NULL, *b = NULL;
	cm_solve_opts so = CM_SOLVE_OPTS_INIT;
	tiny_both_levels(&t, 5u, "[solve]\nassignment = split\n");
	cm_ctx_new(&ctx);
	free(t.cfg->previous.path);
	cr_assert(asprintf(&t.cfg->previous.path, "%s/last-year.gpkg", t.dir) > 0);
	cr_assert_eq(cm_plan_write(ctx, t.plan, t.cfg->previous.path), 0, "%s", cm_ctx_last_error(ctx));
	cr_assert_eq(cm_previous_load(ctx, t.cfg, t.ds, &from_file), 0, "%s", cm_ctx_last_error(ctx));
	cr_assert_eq(cm_previous_from_plan(ctx, t.plan, t.ds, &from_plan), 0, "%s",
	             cm_ctx_last_error(ctx));
	cr_assert_not(cm_plan_summary(t.plan, CM_PRIMARY)->has_previous);
	/* this year the same data in single mode, a pupil who leaves last
	 * year's (split) plan costing a metre: some compounds change school */
	t.cfg->solve.assignment = CM_ASSIGN_SINGLE;
	t.cfg->solve.stability_weight = 1;
	so.config = t.cfg;
	so.previous = from_file;
	cr_assert_eq(cm_solve(ctx, t.ds, &so, &a), 0, "%s", cm_ctx_last_error(ctx));
	so.previous = from_plan;
	cr_assert_eq(cm_solve(ctx, t.ds, &so, &b), 0, "%s", cm_ctx_last_error(ctx));
	for (int lv = 0; lv < CM_NLEVELS; lv++)
		cr_assert(cm_plan_summary(a, (cm_level)lv)->has_previous);
	assert_same_plan(a, b, "previous_plan against the base plan");
	cr_assert_gt(cm_plan_summary(a, CM_PRIMARY)->moved_compounds +
	             cm_plan_summary(a, CM_JUNIOR)->moved_compounds, 0,
	             "single mode moves some compound of split mode's plan");
	/* last year's plan read for other data is refused, not misread */
	{
		tschool s1[1] = {{"S", "primary", "public", 100, 0, 0, 0, 0, 0, 0}};
		tcomp c1[1] = {{"C", "urban", 10, 0, 0, 0, 100, 0}};
		tiny other;
		cm_plan *c = NULL;
		tiny_solve(&other, s1, 1, c1, 1, NULL);
		cr_assert_neq(other.ds->n_compounds, t.ds->n_compounds);
		so.config = other.cfg;
		cr_assert_neq(cm_solve(ctx, other.ds, &so, &c), 0);
		cr_assert_null(c);
		cr_assert(strstr(cm_ctx_last_error(ctx), "another dataset"), "%s",
		          cm_ctx_last_error(ctx));
		tiny_free(&other);
	}
	cm_plan_free(a);
	cm_plan_free(b);
	cm_previous_free(from_file);
	cm_previous_free(from_plan);
	cm_ctx_free(ctx);
	tiny_free(&t);
}

/* ------------------------------------------------------------ text outputs */

/* Names and ids are the data's: in the Markdown ranges a line break or a |
 * cannot start a heading or a row, and in CSV a cell a spreadsheet would
 * run as a formula starts with a quote mark. */
Test(ranges, hostile_names_are_escaped)
{
	tschool s[1] = {{"S\\n## forged", "primary", "public", 100, 0, 0, 0, 0, 0, 0}};
	tcomp c[2] = {{"=HYPERLINK(\\\"x\\\")", "urban", 10, 0, 0, 0, 100, 0},
	              {"C|2\\n# forged", "urban", 12, 0, 0, 0, 0, 100}};
	tiny t;
	char *md = NULL, *csv = NULL, *line;
	size_t len;
	FILE *fp;
	int headings = 0;
	cm_ctx *ctx;
	cr_assert_eq(cm_ctx_new(&ctx), 0);
	tiny_solve(&t, s, 1, c, 2, NULL);
	fp = open_memstream(&md, &len);
	cr_assert_eq(cm_report_ranges(ctx, t.plan, 1, fp), 0);
	fclose(fp);
	for (line = md; line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		cr_assert(strncmp(line, "# forged", 8) && strncmp(line, "## forged", 9), "%s", md);
		headings += line[0] == '#';
	}
	cr_assert_eq(headings, 3, "title, level, school; got %d:\n%s", headings, md);
	cr_assert(strstr(md, "C\\|2 # forged"), "%s", md);
	fp = open_memstream(&csv, &len);
	cr_assert_eq(cm_report_ranges(ctx, t.plan, 0, fp), 0);
	fclose(fp);
	cr_assert(strstr(csv, "\"'=HYPERLINK(\"\"x\"\")\""), "%s", csv);
	cr_assert_null(strstr(csv, ",=HYPERLINK"), "%s", csv);
	free(md);
	free(csv);
	cm_ctx_free(ctx);
	tiny_free(&t);
}

/* Scenario arithmetic is checked, never wrapped: scaling or adding past what
 * a compound or school can have is an error naming the scenario's key. */
Test(scenario, counts_are_checked)
{
	tschool s[1] = {{"S1", "primary", "public", 100, 0, 0, 0, 0, 0, 0}};
	tcomp c[1] = {{"C1", "urban", 600000, 0, 0, 0, 100, 0}};
	static const char *const cases[][2] = {
		{"[scenario big]\ndemand_scale = 2\n", "demand_scale"},
		{"[scenario big]\ndemand = C1:1.8\n", "demand"},
		{"[scenario big]\nseats_primary = S1:+2147483647\n", "seats_primary"},
	};
	for (int k = 0; k < 3; k++) {
		tiny t;
		cm_ctx *ctx;
		cm_dataset *sds = NULL;
		tiny_solve(&t, s, 1, c, 1, cases[k][0]);
		cm_ctx_new(&ctx);
		cr_assert_eq(cm_scenario_data(ctx, t.cfg, &t.cfg->scenarios[0], t.ds, &sds), CM_EINPUT,
		             "case %d", k);
		cr_assert(strstr(cm_ctx_last_error(ctx), cases[k][1]) &&
		          strstr(cm_ctx_last_error(ctx), "[scenario big]"), "%s",
		          cm_ctx_last_error(ctx));
		cm_dataset_free(sds);
		cm_ctx_free(ctx);
		tiny_free(&t);
	}
}

/* The redraw notice lists compounds whose pupils change school: one with no
 * pupils of the level has none to change (real data has thousands). */
Test(redraw, empty_compounds_are_not_in_the_notice)
{
	tschool s[2] = {{"S1", "primary", "public", 100, 0, 0, 0, 0, 0, 0},
	                {"S2", "primary", "public", 100, 0, 0, 0, 0, 2000, 0}};
	tcomp c[2] = {{"C1", "urban", 20, 0, 0, 0, 1900, 0}, {"C2", "urban", 0, 0, 5, 0, 100, 0}};
	tiny t;
	cm_ctx *ctx;
	cm_previous *prev = NULL;
	cm_plan *p = NULL;
	const cm_change *ch;
	size_t n;
	tiny_solve(&t, s, 2, c, 2, NULL);
	free(t.cfg->previous.path);
	t.cfg->previous.path = write_file(t.dir, "last.csv", "compound_id,level,school_id\n"
	                                                     "C1,primary,S1\nC2,primary,S1\n");
	cm_ctx_new(&ctx);
	cr_assert_eq(cm_previous_load(ctx, t.cfg, t.ds, &prev), 0, "%s", cm_ctx_last_error(ctx));
	cr_assert_eq(solve_with(ctx, t.cfg, t.ds, prev, &p), 0, "%s", cm_ctx_last_error(ctx));
	n = cm_plan_changes(p, &ch);
	cr_assert_eq(n, 1, "only C1 changes school (to the nearer S2)");
	cr_assert_eq(ch[0].compound, 0);
	cr_assert_eq(cm_plan_summary(p, CM_PRIMARY)->moved_compounds, 1);
	cm_plan_free(p);
	cm_previous_free(prev);
	cm_ctx_free(ctx);
	tiny_free(&t);
}

/* A compound with no pupils of a level (a new estate, a scenario's
 * `demand = ID:0`) still lies in a catchment: last year's school where it
 * is open and in reach, else the nearest open public day school in reach;
 * no private or closed school, nor a boarding school where a day school
 * reaches.  Nobody is placed for it: enrolment and assignment rows are the
 * solve's.  It used to have no school: missing from the ranges, the
 * lookup page and the map. */
Test(rules, a_compound_without_pupils_keeps_a_catchment_school)
{
	tschool s[] = {{"A", "primary", "public", 100, 0, 0, 0, 0, 0, 0},
	               {"B", "primary", "public", 100, 0, 0, 0, 0, 2000, 0},
	               {"P", "primary", "private", 100, 0, 50, 0, 0, 1950, 0},
	               {"D", "primary", "public", 100, 0, 0, 0, 1, 1990, 0},
	               {"Z", "primary", "public", 0, 0, 0, 0, 0, 1900, 0}};
	tcomp c[] = {{"C1", "urban", 20, 0, 0, 0, 100, 0},
	             {"E", "urban", 0, 0, 0, 0, 1850, 0},
	             {"F", "urban", 0, 0, 0, 0, 9000, 0}};
	tiny t;
	cm_ctx *ctx;
	cm_previous *prev = NULL;
	cm_plan *p = NULL;
	const cm_catchment *ct;
	char *path, *text;
	size_t n, k, e;
	int found = 0;
	tiny_solve(&t, s, 5, c, 3,
	           "[policy]\nmax_distance_primary_m = 3000\nmax_distance_boarding_m = 5000\n");
	e = compound_index(&t, "E");
	cr_assert_eq(cm_plan_home(t.plan, CM_PRIMARY, e), (long)school_index(&t, "B"));
	cr_assert_eq(cm_plan_home(t.plan, CM_PRIMARY, compound_index(&t, "F")), -1,
	             "no day school within 3 km of F, no boarding school within 5 km");
	cr_assert_eq(cm_plan_home(t.plan, CM_JUNIOR, e), -1, "no junior level was solved");
	cr_assert_eq(cm_plan_school(t.plan, CM_PRIMARY, school_index(&t, "B"))->enrolled, 0);
	cr_assert_eq(pupils_at(&t, CM_PRIMARY, "C1", "A", CM_SEAT_PUBLIC, 2), 20);
	assert_consistent(&t);
	/* the catchment areas and the ranges list it */
	cr_assert_eq(cm_ctx_new(&ctx), 0);
	cr_assert_eq(cm_plan_catchments(ctx, t.plan, &ct, &n), 0, "%s", cm_ctx_last_error(ctx));
	for (k = 0; k < n; k++)
		if (ct[k].school == school_index(&t, "B") && ct[k].level == CM_PRIMARY) {
			cr_assert_eq(ct[k].compounds, 1);
			cr_assert_eq(ct[k].pupils, 0);
			found = 1;
		}
	cr_assert(found, "B has a catchment: E's");
	cr_assert(asprintf(&path, "%s/r.csv", t.dir) > 0);
	t.cfg->output.csv_bom = 0;
	free(t.cfg->output.headers);
	t.cfg->output.headers = strdup("en");
	cr_assert_eq(cm_ranges_write(ctx, t.plan, path), 0, "%s", cm_ctx_last_error(ctx));
	text = slurp(path, NULL);
	cr_assert(text && strstr(text, "primary,B,B,100,0,E,E,0,0"), "%s", text);
	free(text);
	free(path);
	/* and the Markdown ranges (cm_report_ranges), as the bureau publishes
	 * them, and their CSV form */
	{
		char *md = NULL;
		size_t len = 0;
		FILE *fp = open_memstream(&md, &len);
		cr_assert(fp);
		cr_assert_eq(cm_report_ranges(ctx, t.plan, 1, fp), 0, "%s", cm_ctx_last_error(ctx));
		fclose(fp);
		cr_assert(strstr(md, "| E | E | 0 | 0 |"), "%s", md);
		free(md);
		fp = open_memstream(&md, &len);
		cr_assert(fp);
		cr_assert_eq(cm_report_ranges(ctx, t.plan, 0, fp), 0, "%s", cm_ctx_last_error(ctx));
		fclose(fp);
		cr_assert(strstr(md, "primary,B,B,100,0,E,E,0,0"), "%s", md);
		free(md);
	}
	/* held to last year's plan: its school where still open and in reach */
	free(t.cfg->previous.path);
	t.cfg->previous.path = write_file(t.dir, "last.csv", "compound_id,level,school_id\n"
	                                                     "C1,primary,A\nE,primary,A\n");
	cr_assert_eq(cm_previous_load(ctx, t.cfg, t.ds, &prev), 0, "%s", cm_ctx_last_error(ctx));
	cr_assert_eq(solve_with(ctx, t.cfg, t.ds, prev, &p), 0, "%s", cm_ctx_last_error(ctx));
	cr_assert_eq(cm_plan_home(p, CM_PRIMARY, e), (long)school_index(&t, "A"));
	cr_assert_eq(cm_plan_changes(p, &(const cm_change *){NULL}), 0, "E has no pupils to move");
	cm_plan_free(p);
	cm_previous_free(prev);
	cm_ctx_free(ctx);
	tiny_free(&t);
}

/* Last year's plan as a file: a compound without pupils has no assignment
 * row, but the plan's compounds layer names its catchment school, and it
 * keeps that school where it may, as a scenario's base plan keeps it (a
 * review found it sent to the nearest instead: B, opened this year). */
Test(rules, an_empty_compound_keeps_last_years_school_from_a_plan_file)
{
	tschool s[2] = {{"A", "primary", "public", 100, 0, 0, 0, 0, 0, 0},
	                {"B", "primary", "public", 100, 0, 0, 0, 0, 2000, 0}};
	tcomp c[2] = {{"C1", "urban", 20, 0, 0, 0, 100, 0}, {"E", "urban", 0, 0, 0, 0, 1850, 0}};
	tiny t1, t2;
	cm_ctx *ctx;
	cm_previous *prev = NULL;
	cm_plan *p = NULL;
	char *path;
	tiny_solve(&t1, s, 1, c, 2, "[policy]\nmax_distance_primary_m = 3000\n"); /* A alone */
	cr_assert_eq(cm_plan_home(t1.plan, CM_PRIMARY, 1), 0, "E's school last year: A");
	cr_assert_eq(cm_ctx_new(&ctx), 0);
	cr_assert(asprintf(&path, "%s/last.gpkg", t1.dir) > 0);
	cr_assert_eq(cm_plan_write(ctx, t1.plan, path), 0, "%s", cm_ctx_last_error(ctx));
	tiny_solve(&t2, s, 2, c, 2, "[policy]\nmax_distance_primary_m = 3000\n");
	cr_assert_eq(cm_plan_home(t2.plan, CM_PRIMARY, 1), 1, "without last year's plan: B, nearer");
	free(t2.cfg->previous.path);
	t2.cfg->previous.path = strdup(path);
	cr_assert_eq(cm_previous_load(ctx, t2.cfg, t2.ds, &prev), 0, "%s", cm_ctx_last_error(ctx));
	cr_assert_eq(solve_with(ctx, t2.cfg, t2.ds, prev, &p), 0, "%s", cm_ctx_last_error(ctx));
	cr_assert_eq(cm_plan_home(p, CM_PRIMARY, 1), 0, "with it: A, last year's, still in reach");
	cr_assert_eq(cm_plan_changes(p, &(const cm_change *){NULL}), 0, "nobody moves");
	cm_plan_free(p);
	cm_previous_free(prev);
	cm_ctx_free(ctx);
	free(path);
	tiny_free(&t1);
	tiny_free(&t2);
}

/* catchment compare left compounds without pupils alone when they had no
 * school; now they have one, and a school closing moves it: compare still
 * lists no such compound, as the notice lists none (nobody moves). */
Test(redraw, compare_leaves_out_compounds_without_pupils)
{
	tschool s[2] = {{"A", "primary", "public", 100, 0, 0, 0, 0, 0, 0},
	                {"B", "primary", "public", 100, 0, 0, 0, 0, 2000, 0}};
	tcomp c[2] = {{"C1", "urban", 20, 0, 0, 0, 1900, 0}, {"E", "urban", 0, 0, 0, 0, 100, 0}};
	tiny t1, t2;
	cm_ctx *ctx;
	cm_comparison *cmp = NULL;
	const cm_compare_change *ch;
	char *p1, *p2;
	tiny_solve(&t1, s, 2, c, 2, NULL);
	tiny_solve(&t2, s + 1, 1, c, 2, NULL); /* A closed */
	cr_assert_eq(cm_plan_home(t1.plan, CM_PRIMARY, 1), 0, "E's school is A, the nearest");
	cr_assert_eq(cm_plan_home(t2.plan, CM_PRIMARY, 1), 0, "then B, the only one");
	cr_assert_eq(cm_ctx_new(&ctx), 0);
	cr_assert(asprintf(&p1, "%s/a.gpkg", t1.dir) > 0 && asprintf(&p2, "%s/b.gpkg", t2.dir) > 0);
	cr_assert_eq(cm_plan_write(ctx, t1.plan, p1), 0, "%s", cm_ctx_last_error(ctx));
	cr_assert_eq(cm_plan_write(ctx, t2.plan, p2), 0, "%s", cm_ctx_last_error(ctx));
	cr_assert_eq(cm_compare_plans(ctx, p1, p2, &cmp), 0, "%s", cm_ctx_last_error(ctx));
	cr_assert_eq(cm_comparison_changes(cmp, &ch), 0, "E (no pupils) listed: %s",
	             cm_comparison_changes(cmp, &ch) ? ch[0].compound_id : "");
	cm_comparison_free(cmp);
	cm_ctx_free(ctx);
	free(p1);
	free(p2);
	tiny_free(&t1);
	tiny_free(&t2);
}

/* The largest level the engine holds, crowded at one point (the
 * reliability case: 100,000 compounds of 25 pupils at one point overflowed
 * the network's 128-bit total): 40 compounds of 800,000 primary pupils
 * (32,000,000, just under CM_MAX_LEVEL_PUPILS) and two schools, split and
 * single, on the network and on GLPK.  Under UBSan (the suite's second run)
 * an overflow is fatal; here the figures must be exact too. */
Test(limits, the_largest_level_at_one_point, .timeout = 600)
{
	static const char *const modes[] = {"split", "single"};
	static const char *const solvers[] = {"network", "glpk"};
	tschool s[] = {{"A", "primary", "public", 500000, 0, 0, 0, 0, 0, 0},
	               {"B", "primary", "public", 700000, 0, 0, 0, 0, 50, 0}};
	tcomp c[40];
	char ids[40][8];
	for (int i = 0; i < 40; i++) {
		snprintf(ids[i], sizeof ids[i], "C%02d", i);
		c[i] = (tcomp){ids[i], "urban", 750000, 50000, 0, 0, 10, 10};
	}
	for (int m = 0; m < 2; m++)
		for (int v = 0; v < 2; v++) {
			char extra[128];
			tiny t;
			snprintf(extra, sizeof extra, "[solve]\nassignment = %s\nsolver = %s\n", modes[m],
			         solvers[v]);
			tiny_solve(&t, s, 2, c, 40, extra);
			const cm_level_summary *sum = cm_plan_summary(t.plan, CM_PRIMARY);
			cr_assert_eq(sum->pupils, 32000000L, "%s %s", modes[m], solvers[v]);
			cr_assert_eq(sum->placed, 1200000L, "%s %s: placed %ld", modes[m], solvers[v],
			             sum->placed);
			cr_assert_eq(sum->unplaced, 30800000L, "%s %s", modes[m], solvers[v]);
			/* every seat to a local child, none to a migrant */
			cr_assert_eq(unplaced_locals(&t, CM_PRIMARY), 28800000L, "%s %s", modes[m],
			             solvers[v]);
			assert_consistent(&t);
			tiny_free(&t);
		}
}

/* The bound that sees whole compounds (search_bound.c, knap.c) against every
 * assignment: with the tree cut short (a few relaxations), the bound the
 * plan reports is never above the optimum, and in some rounds it is above
 * the relaxation's: there it is what whole compounds at full schools
 * proved.  Locals only, so every compound comes whole. */
Test(brute, whole_compound_bound_never_above_the_optimum)
{
	unsigned seed = 11;
	int above = 0;
	for (int round = 0; round < 60; round++) {
		long bu;
		double bm;
		tiny t;
		tight_round(&seed, "node_limit = 2", &t, &bu, &bm);
		const cm_level_summary *sum = cm_plan_summary(t.plan, CM_PRIMARY);
		double tol = 1e-3 * (double)sum->pupils + 1e-6;
		assert_single_school(&t, round);
		cr_assert_geq(sum->unplaced, bu, "round %d", round);
		if (sum->bound_unplaced == bu) {
			cr_assert_leq(sum->bound, bm + tol, "round %d: bound %.4f above the optimum %.4f",
			              round, sum->bound, bm);
			if (sum->lp_unplaced == bu && sum->bound > sum->lp_bound + tol)
				above++;
		}
		tiny_free(&t);
	}
	cr_assert_gt(above, 0, "the bound never rose above the relaxation's");
}

/* [solve] effort scales the search's budget: a tight instance of 24
 * compounds and 12 schools that the default budget proves optimal is left
 * unproven, with fewer relaxations, at a hundredth of it; both plans
 * place as many pupils and keep their claims (bound at most the value).
 * (The instance of seed 7 served until the default budget grew from 6e8
 * + 1.2e5 per compound to 1e9 + 1.5e5, 2026-12-04: a hundredth of that
 * proves it; seed 3's needs more.) */
Test(brute, effort_scales_the_budget)
{
	unsigned seed = 3;
	enum { NS = 12, NC = 24 };
	tschool s[NS];
	tcomp c[NC];
	char sid[NS][16], cid[NC][16], extra[200];
	long nodes[2];
	int proven[2];
	long unplaced[2];
	tight_instance(&seed, s, NS, sid, c, NC, cid);
	for (int k = 0; k < 2; k++) {
		tiny t;
		snprintf(extra, sizeof extra,
		         "[policy]\nmax_distance_primary_m = 2500\n[solve]\neffort = %s\n",
		         k ? "1" : "0.01");
		tiny_solve(&t, s, NS, c, NC, extra);
		const cm_level_summary *sum = cm_plan_summary(t.plan, CM_PRIMARY);
		nodes[k] = sum->nodes;
		proven[k] = sum->proven;
		unplaced[k] = sum->unplaced;
		assert_single_school(&t, k);
		cr_assert_geq(sum->unplaced, sum->bound_unplaced);
		if (sum->bound >= 0) /* (whole millimetres per pupil) */
			cr_assert_leq(sum->bound, sum->pupil_metres + 1e-3 * (double)sum->pupils + 1e-6);
		tiny_free(&t);
	}
	cr_log_info("effort 0.01: %ld relaxations, proven %d; effort 1: %ld, proven %d", nodes[0],
	            proven[0], nodes[1], proven[1]);
	cr_assert_lt(nodes[0], nodes[1], "effort 0.01 solved %ld relaxations, effort 1 %ld", nodes[0],
	             nodes[1]);
	cr_assert_eq(proven[0], 0, "a hundredth of the budget proved it");
	cr_assert_eq(proven[1], 1, "the default budget did not prove it");
	cr_assert_eq(unplaced[0], unplaced[1]);
}

/* ------------------------------------------------------------ shadow prices */

/* The attack report's county: three primary schools (one private, with
 * purchased places), a junior school, five compounds. */
static const tschool shadow_s[] = {{"S1", "primary", "public", 100, 0, 0, 0, 0, 0, 0},
                                   {"S2", "primary", "public", 50, 0, 0, 0, 0, 2000, 0},
                                   {"S3", "primary", "private", 80, 0, 30, 0, 0, 1000, 1000},
                                   {"J1", "junior", "public", 0, 100, 0, 0, 0, 1000, -1000}};
static const tcomp shadow_c[] = {{"C1", "urban", 40, 10, 20, 5, 100, 0},
                                 {"C2", "urban", 30, 20, 15, 5, 1900, 100},
                                 {"C3", "urban", 60, 10, 10, 5, 1000, 500},
                                 {"C4", "rural", 20, 5, 5, 1, 3000, 0},
                                 {"C5", "town", 0, 0, 0, 0, 0, -1000}};

/* Every pupil has a seat: one more seat places nobody, on either solver,
 * with or without a side row (GLPK's phase-B duals said 1 at full schools),
 * and saves what a solve with that seat saves (the CLI solved again with
 * the seat: S1 1,245.36 pupil-m; S2 1,236.07 in single mode, where the
 * dual said 1,363.40, the last seat's worth, and 1,245.36 in split mode). */
Test(shadow, one_more_seat_is_what_a_solve_with_it_saves)
{
	const char *extra[] = {
		"[policy]\nmax_distance_primary_m = 3000\nmigrant_public_share = 0.5\n",
		"[policy]\nmax_distance_primary_m = 3000\nmigrant_public_share = 0.5\n"
		"[solve]\nsolver = glpk\n",
		"[policy]\nmax_distance_primary_m = 3000\nmigrant_public_share = 0.5\n"
		"[solve]\nassignment = split\n",
		"[policy]\nmax_distance_primary_m = 3000\nmigrant_public_share = 0.5\n"
		"[solve]\nassignment = split\nsolver = glpk\n",
		"[policy]\nmax_distance_primary_m = 3000\nmigrant_public_share = 0.5\n"
		"near_share_min_primary = 0.3\n",
		"[policy]\nmax_distance_primary_m = 3000\nmigrant_public_share = 0.5\n"
		"near_share_min_primary = 0.6\n[solve]\nassignment = split\n",
	};
	for (size_t k = 0; k < sizeof extra / sizeof *extra; k++) {
		tiny t;
		tiny_solve(&t, shadow_s, 4, shadow_c, 5, extra[k]);
		cr_assert_eq(cm_plan_summary(t.plan, CM_PRIMARY)->unplaced, 0);
		for (size_t i = 0; i < 4; i++) {
			const cm_school_result *r = cm_plan_school(t.plan, CM_PRIMARY, i);
			cr_assert_eq(r->shadow_pupils, 0, "%s: %s says one more seat places %g pupils",
			             extra[k], shadow_s[i].id, r->shadow_pupils);
		}
		if (k < 4) { /* no side row: the plan is the distance optimum */
			cr_assert_float_eq(cm_plan_school(t.plan, CM_PRIMARY, 0)->shadow_price, 1245.362, 1e-3,
			                   "%s: S1 %.3f", extra[k],
			                   cm_plan_school(t.plan, CM_PRIMARY, 0)->shadow_price);
			/* single mode holds C2 at S2; split mode moves part of C1 */
			cr_assert_float_eq(cm_plan_school(t.plan, CM_PRIMARY, 1)->shadow_price,
			                   k < 2 ? 1236.068 : 1245.362, 1e-3,
			                   "%s: S2 %.3f", extra[k],
			                   cm_plan_school(t.plan, CM_PRIMARY, 1)->shadow_price);
		}
		tiny_free(&t);
	}
}

/* The stability weight is not a saving: solved again against its own plan
 * (or a scenario's base that is the same plan) with a weight of 100,000,
 * each school's shadow prices are the plan's without it (they were the
 * weight plus the saving: S1 2,236 instead of 1,245). */
Test(shadow, the_stability_weight_is_not_pupil_metres)
{
	const char *modes[] = {"[solve]\nassignment = split\n", "[solve]\nassignment = single\n",
	                       "[solve]\nassignment = single\nsolver = glpk\n",
	                       "[solve]\nassignment = split\nsolver = glpk\n"};
	unsigned seed = 41;
	for (int round = 0; round < 4; round++) {
		tschool s[4];
		tcomp c[8];
		char sid[4][16], cid[8][16];
		tight_instance(&seed, s, 4, sid, c, 8, cid);
		for (int m = 0; m < 4; m++) {
			tiny t;
			cm_ctx *ctx;
			cm_previous *prev = NULL;
			cm_plan *again = NULL;
			tiny_solve(&t, s, 4, c, 8, modes[m]);
			cm_ctx_new(&ctx);
			cr_assert_eq(cm_previous_from_plan(ctx, t.plan, t.ds, &prev), 0);
			t.cfg->solve.stability_weight = 100000;
			cr_assert_eq(solve_with(ctx, t.cfg, t.ds, prev, &again), 0, "%s",
			             cm_ctx_last_error(ctx));
			cr_assert_eq(cm_plan_summary(again, CM_PRIMARY)->moved, 0);
			for (size_t i = 0; i < 4; i++) {
				const cm_school_result *a = cm_plan_school(t.plan, CM_PRIMARY, i);
				const cm_school_result *b = cm_plan_school(again, CM_PRIMARY, i);
				cr_assert_float_eq(b->shadow_price, a->shadow_price, 1e-3 + 1e-9 * a->shadow_price,
				                   "round %d %s school %s: %.3f against last year's plan, %.3f "
				                   "without", round, modes[m], s[i].id, b->shadow_price,
				                   a->shadow_price);
				cr_assert_float_eq(b->shadow_pupils, a->shadow_pupils, 1e-6);
			}
			cm_plan_free(again);
			cm_previous_free(prev);
			cm_ctx_free(ctx);
			tiny_free(&t);
		}
	}
}

/* Split mode against a solve with the seat: each school's shadow_pupils is
 * the pupils one more seat there places, and its shadow_price the
 * pupil-metres it saves (0 where the plan with it is longer: a pupil let
 * in), on both solvers, on random counties with private schools, fee
 * places and the quota met and missed. */
/* A seat's shadow price is measured without the stability weight, on the
 * plain distances (flow.c plain_costs), which can be far longer than any
 * cost the network was sized for (the compound's only column at B is its
 * staying part, 2 km less the weight of 2 km): a review found A's price
 * 0.152 pupil-m instead of 1,999, the millimetres spilled into the policy
 * tier's unit. */
Test(shadow, plain_distances_fit_the_networks_units)
{
	static const tschool s[] = {{"A", "primary", "public", 5, 0, 0, 0, 0, 1, 0},
	                            {"B", "primary", "public", 10, 0, 0, 0, 0, 2000, 0}};
	static const tcomp c[] = {{"C1", "urban", 10, 0, 0, 0, 0, 0}};
	tiny t;
	cm_ctx *ctx;
	cm_previous *prev = NULL;
	cm_plan *p = NULL;
	tiny_solve(&t, s, 2, c, 1, "[policy]\nmax_distance_primary_m = 3000\n"
	                           "[solve]\nassignment = split\n");
	free(t.cfg->previous.path);
	t.cfg->previous.path = write_file(t.dir, "last-year.csv",
	                                  "compound_id,level,school_id\nC1,primary,B\n");
	t.cfg->solve.stability_weight = 2000;
	cm_ctx_new(&ctx);
	cr_assert_eq(cm_previous_load(ctx, t.cfg, t.ds, &prev), 0, "%s", cm_ctx_last_error(ctx));
	cr_assert_eq(solve_with(ctx, t.cfg, t.ds, prev, &p), 0, "%s", cm_ctx_last_error(ctx));
	/* one more seat at A: a pupil 1 m from it instead of 2,000 m at B */
	cr_assert_float_eq(cm_plan_school(p, CM_PRIMARY, 0)->shadow_price, 1999.0, 1e-3);
	cm_plan_free(p);
	cm_previous_free(prev);
	cm_ctx_free(ctx);
	tiny_free(&t);
}

Test(shadow, split_mode_against_a_solve_with_one_more_seat)
{
	unsigned seed = 123;
	int placing = 0, saving = 0;
	for (int round = 0; round < 6; round++) {
		tschool s[8];
		tcomp c[24];
		char sid[8][16], cid[24][16], extra[256];
		int ns = 8, nc = 24;
		for (int k = 0; k < ns; k++) {
			seed = seed * 1103515245u + 12345u;
			snprintf(sid[k], sizeof sid[k], "S%d", k);
			int priv = k >= 6;
			int seats = 40 + (int)((seed >> 8) % 120);
			s[k] = (tschool){sid[k], k % 3 == 2 ? "nine_year" : k % 2 ? "junior" : "primary",
			                 priv ? "private" : "public", seats, seats / 2,
			                 priv ? (int)((seed >> 12) % 25) : 0, priv ? (int)((seed >> 14) % 10) : 0,
			                 0, (double)((seed >> 4) % 5000), (double)((seed >> 15) % 5000)};
		}
		for (int i = 0; i < nc; i++) {
			seed = seed * 1103515245u + 12345u;
			snprintf(cid[i], sizeof cid[i], "C%d", i);
			int big = round % 2 == 0;
			c[i] = (tcomp){cid[i], i % 4 ? "urban" : "rural", (int)((seed >> 8) % (big ? 30 : 14)),
			               (int)((seed >> 13) % (big ? 12 : 7)), (int)((seed >> 17) % (big ? 15 : 8)),
			               (int)((seed >> 21) % (big ? 6 : 4)),
			               (double)((seed >> 4) % 5000), (double)((seed >> 16) % 5000)};
		}
		for (int glpk = 0; glpk < 2; glpk++) {
			tiny t;
			snprintf(extra, sizeof extra,
			         "[policy]\nmax_distance_primary_m = 3000\nmax_distance_junior_m = 4000\n"
			         "migrant_public_share = %g\n[solve]\nassignment = split\nsolver = %s\n",
			         round % 3 == 1 ? 0.95 : 0.85, glpk ? "glpk" : "auto");
			tiny_solve(&t, s, ns, c, nc, extra);
			for (int k = 0; k < ns; k++)
				for (int lv = 0; lv < CM_NLEVELS; lv++) {
					const cm_school_result *r = cm_plan_school(t.plan, (cm_level)lv, (size_t)k);
					const cm_level_summary *a = cm_plan_summary(t.plan, (cm_level)lv);
					int *seats = lv == CM_PRIMARY ? &s[k].seats_p : &s[k].seats_j;
					tiny u;
					if (!a->solved || r->seats == 0 || r->enrolled < r->seats) {
						cr_assert_eq(r->shadow_pupils, 0);
						cr_assert_eq(r->shadow_price, 0);
						continue;
					}
					++*seats;
					tiny_solve(&u, s, ns, c, nc, extra);
					--*seats;
					const cm_level_summary *b = cm_plan_summary(u.plan, (cm_level)lv);
					double du = (double)(a->unplaced - b->unplaced);
					double dm = a->pupil_metres - b->pupil_metres;
					cr_assert_float_eq(r->shadow_pupils, du, 1e-6,
					                   "round %d %s level %d school %s: shadow_pupils %g, a seat "
					                   "more places %g", round, glpk ? "glpk" : "network", lv,
					                   sid[k], r->shadow_pupils, du);
					cr_assert_float_eq(r->shadow_price, dm > 0 ? dm : 0, 0.05,
					                   "round %d %s level %d school %s: shadow_price %.3f, a seat "
					                   "more saves %.3f", round, glpk ? "glpk" : "network", lv,
					                   sid[k], r->shadow_price, dm);
					placing += du > 0.5;
					saving += du < 0.5 && dm > 1;
					tiny_free(&u);
				}
			tiny_free(&t);
		}
	}
	/* the instances exercise both kinds of seat */
	cr_assert(placing > 0 && saving > 0, "seats placing a pupil %d, saving trips %d", placing,
	          saving);
}

/* ------------------------------------------------------------ the near-school minimum */

/* A near-school minimum no plan can meet (90%: C3's only school within
 * 500 m is private, so at most 70 of 130 urban and town pupils, 53.8%) is
 * said as plainly as the quota's miss: near_met 0 in the summary and in
 * the plan file, a line on the terminal; the plan stands.  A minimum it
 * reaches (50%) is met, and junior, without one, always is.  Both on
 * GLPK's LP, the only relaxation that holds the row. */
/* A share of seven digits makes the near row's shortfall fractional just
 * above a whole number (20.000001): GLPK's phases hold each optimum for
 * the next from the value as GLPK gave it, not the one cleaned of noise
 * (rounded to 20, the next phase was infeasible: exit 3, a review). */
Test(nearmin, a_shortfall_just_above_a_whole_number)
{
	tschool s[] = {{"S0", "primary", "public", 100, 0, 0, 0, 0, 0, 0}};
	tcomp c[] = {{"C0", "urban", 30, 0, 0, 0, 1000, 0}};
	tiny t;
	tiny_solve(&t, s, 1, c, 1, "[policy]\nmax_distance_primary_m = 4000\n"
	                           "near_radius_primary_m = 500\nnear_share_min_primary = 0.6666667\n"
	                           "[solve]\nassignment = single\n");
	const cm_level_summary *sum = cm_plan_summary(t.plan, CM_PRIMARY);
	cr_assert_eq(sum->unplaced, 0);
	cr_assert_not(sum->near_met);
	cr_assert(sum->proven);
	tiny_free(&t);
}

Test(nearmin, a_minimum_no_plan_meets_is_said)
{
	const struct {
		const char *extra;
		int met;
	} cases[] = {
		{"[policy]\nmax_distance_primary_m = 3000\nmigrant_public_share = 0.5\n"
		 "near_share_min_primary = 0.9\n", 0},
		{"[policy]\nmax_distance_primary_m = 3000\nmigrant_public_share = 0.5\n"
		 "near_share_min_primary = 0.9\n[solve]\nassignment = split\n", 0},
		{"[policy]\nmax_distance_primary_m = 3000\nmigrant_public_share = 0.5\n"
		 "near_share_min_primary = 0.5\n", 1},
	};
	for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
		tiny t;
		cm_ctx *ctx;
		char *path, *text = NULL;
		size_t len = 0;
		tiny_solve(&t, shadow_s, 4, shadow_c, 5, cases[k].extra);
		const cm_level_summary *p = cm_plan_summary(t.plan, CM_PRIMARY);
		cr_assert_eq(p->unplaced, 0);
		cr_assert(p->quota_met);
		cr_assert_eq(p->near_met, cases[k].met, "%s: near %.4f, near_met %d", cases[k].extra,
		             p->near_share, p->near_met);
		if (!cases[k].met)
			cr_assert_float_eq(p->near_share, 70.0 / 130.0, 1e-9);
		cr_assert(cm_plan_summary(t.plan, CM_JUNIOR)->near_met);
		cm_ctx_new(&ctx);
		cr_assert(asprintf(&path, "%s/plan.gpkg", t.dir) > 0);
		cr_assert_eq(cm_plan_write(ctx, t.plan, path), 0, "%s", cm_ctx_last_error(ctx));
		cr_assert_eq(summary_int(path, "primary", "near_met"), cases[k].met);
		cr_assert_eq(summary_int(path, "junior", "near_met"), 1);
		FILE *fp = open_memstream(&text, &len);
		cr_assert_eq(cm_report_plan(ctx, t.plan, fp), 0, "%s", cm_ctx_last_error(ctx));
		fclose(fp);
		cr_assert_eq(strstr(text, "NEAR-SCHOOL MINIMUM NOT MET") != NULL, !cases[k].met, "%s",
		             text);
		if (!cases[k].met)
			cr_assert(strstr(text, "90%") && strstr(text, "500 m") && strstr(text, "53.8%"),
			          "%s", text);
		free(text);
		free(path);
		cm_ctx_free(ctx);
		tiny_free(&t);
	}
}

/* Local children come before the side rows: a local child left without a
 * place is worth more than any shortfall of the near-school minimum or of
 * the cap on pupils moved (glpk.c, its own phase).  Priced in the network's
 * policy tier, the rows' part of it ranges over up to a pupil's worth per
 * pupil (near: -(1 - share) to share; moved: -1 for each who stays), so a
 * local child's weight there must pass that range, not only the quota's
 * target + 1 (4 without the quota).  A fuzzing attack's levels, no quota:
 * the network's priced plan left 1 local child out for a near row 7 pupils
 * less short (1.996 against 8.989), and 1 against 0 for 4 fewer pupils
 * moved with the cap on moves alone short (the second level here), each
 * claimed proven; GLPK's search leaves fewer. */
Test(nearmin, a_local_child_outweighs_the_priced_side_rows)
{
	static const tschool s[] = {{"S0", "nine-year", "public", 22, 28, 0, 0, 1, 754, 772},
	                            {"S1", "nine-year", "public", 24, 27, 0, 0, 0, 1650, 198},
	                            {"S2", "nine-year", "public", 10, 11, 0, 0, 0, 1225, 1205},
	                            {"S3", "nine-year", "private", 10, 5, 2, 3, 0, 1344, 142}};
	static const tcomp c[] = {{"C0", "rural", 12, 13, 7, 10, 53, 1092},
	                          {"C1", "urban", 2, 4, 10, 7, 1619, 1395},
	                          {"C2", "urban", 2, 7, 8, 4, 915, 1995},
	                          {"C3", "urban", 9, 7, 5, 10, 878, 1809},
	                          {"C4", "urban", 14, 2, 10, 10, 248, 1015},
	                          {"C5", "rural", 8, 6, 1, 4, 1360, 1013}};
	long locals[2], unplaced[2];
	double near[2];
	for (int v = 0; v < 2; v++) {
		tiny t;
		char extra[400];
		snprintf(extra, sizeof extra,
		         "[policy]\nmax_distance_primary_m = 4208\nmax_distance_junior_m = 4208\n"
		         "migrant_public_share = 0\nnear_share_min_primary = 0.999\n"
		         "near_radius_primary_m = 647\n[solve]\nassignment = single\nsolver = %s\n",
		         v ? "glpk" : "auto");
		tiny_solve(&t, s, 4, c, 6, extra);
		const cm_level_summary *sum = cm_plan_summary(t.plan, CM_PRIMARY);
		cr_assert(sum->proven, "%s: not proven", v ? "glpk" : "auto");
		locals[v] = unplaced_locals(&t, CM_PRIMARY);
		unplaced[v] = sum->unplaced;
		near[v] = sum->near_share;
		tiny_free(&t);
	}
	cr_assert_eq(unplaced[0], unplaced[1]);
	cr_assert_eq(locals[0], locals[1], "%ld local children without a place against GLPK's %ld",
	             locals[0], locals[1]);
	cr_assert_float_eq(near[0], near[1], 1e-9, "near share %.4f against GLPK's %.4f", near[0],
	                   near[1]);
	/* the cap on pupils moved alone short (the near row met), no quota,
	 * stability weight 0: 1 local child out for 4 fewer moves */
	static const tschool s2[] = {{"S0", "nine-year", "public", 27, 12, 0, 0, 0, 1422, 2537},
	                             {"S1", "junior", "public", 9, 11, 0, 0, 0, 1965, 303}};
	static const tcomp c2[] = {{"C0", "urban", 9, 7, 4, 11, 1027, 1811},
	                           {"C1", "urban", 9, 3, 2, 9, 851, 2209},
	                           {"C2", "town", 9, 1, 2, 5, 1846, 1314},
	                           {"C3", "town", 7, 10, 4, 8, 577, 1158},
	                           {"C4", "town", 9, 7, 10, 2, 2288, 1040}};
	tiny t;
	cm_ctx *ctx;
	cm_previous *prev = NULL;
	long moved[2];
	tiny_solve(&t, s2, 2, c2, 5, "[policy]\nmax_distance_primary_m = 5506\n"
	                             "max_distance_junior_m = 5506\nmigrant_public_share = 0\n"
	                             "near_share_min_junior = 0.9\nnear_radius_junior_m = 1915\n"
	                             "[solve]\nassignment = single\n");
	free(t.cfg->previous.path);
	t.cfg->previous.path = write_file(t.dir, "last-year.csv",
	                                  "compound_id,level,school_id\nC0,junior,S0\nC2,junior,S1\n"
	                                  "C3,junior,S0\n");
	t.cfg->solve.stability_weight = 0;
	t.cfg->solve.max_moved_pupils = 2;
	cm_ctx_new(&ctx);
	cr_assert_eq(cm_previous_load(ctx, t.cfg, t.ds, &prev), 0, "%s", cm_ctx_last_error(ctx));
	for (int v = 0; v < 2; v++) {
		cm_plan *p = NULL;
		const cm_assignment *a;
		size_t na;
		t.cfg->solve.solver = v ? CM_SOLVER_GLPK : CM_SOLVER_AUTO;
		cr_assert_eq(solve_with(ctx, t.cfg, t.ds, prev, &p), 0, "%s", cm_ctx_last_error(ctx));
		const cm_level_summary *sum = cm_plan_summary(p, CM_JUNIOR);
		cr_assert(sum->proven, "%s: not proven", v ? "glpk" : "auto");
		unplaced[v] = sum->unplaced;
		moved[v] = sum->moved;
		locals[v] = 0;
		na = cm_plan_assignments(p, &a);
		for (size_t k = 0; k < na; k++)
			locals[v] += a[k].level == CM_JUNIOR && a[k].school < 0 ? a[k].local : 0;
		cm_plan_free(p);
	}
	cr_assert_eq(unplaced[0], unplaced[1]);
	cr_assert_eq(locals[0], locals[1], "moved cap: %ld local children without a place against "
	             "GLPK's %ld", locals[0], locals[1]);
	cr_assert_eq(moved[0], moved[1], "moved cap: %ld moved against GLPK's %ld", moved[0], moved[1]);
	cm_previous_free(prev);
	cm_ctx_free(ctx);
	tiny_free(&t);
}

/* ------------------------------------------------------------ neighbourhoods */

/* A neighbourhood on the network (search.h, `neighbourhood`) that holds a
 * compound at its school but not its pupils there: the compound moving in
 * takes the seats of the held one's pupils, who go without, and the held
 * one goes to no other school (free, it would).  Holding the
 * other's pupils too (not in the neighbourhood) leaves no seat to take: the
 * engine's neighbourhoods were that, and missed plans 0.13% shorter on the
 * bench's 1,000-compound city (docs/model.md, main_round). */
Test(search, a_held_compound_gives_its_seats_up)
{
	tschool s[] = {{"A", "primary", "public", 10, 0, 0, 0, 0, 0, 0},
	               {"B", "primary", "public", 10, 0, 0, 0, 0, 5000, 0}};
	tcomp c[] = {{"far", "urban", 10, 0, 0, 0, 2500, 0}, {"near", "urban", 10, 0, 0, 0, 100, 0}};
	int seats[] = {10, 10};
	tiny t;
	cm_ctx *ctx;
	cm_model m;
	cm_relax r;
	cm_lex v;
	long long w;
	size_t range[4], j, a, fi, ni;
	long held[2], start[2];
	double *x, *out;
	const cm_col *cols;
	tiny_solve(&t, s, 2, c, 2, "[policy]\nmax_distance_primary_m = 3000\n");
	fi = compound_index(&t, "far");
	ni = compound_index(&t, "near");
	a = school_index(&t, "A");
	cr_assert(cm_ctx_new(&ctx) == 0);
	cr_assert_eq(cm__model_build(ctx, t.cfg, t.ds, CM_PRIMARY, seats, NULL, &m), 0);
	cr_assert_eq(cm__flow_relax_new(ctx, &m, 2, &r), 0);
	cr_assert(r.neighbourhood);
	cols = m.cols.data;
	cr_assert((x = calloc(m.cols.len, sizeof *x)) && (out = calloc(m.cols.len, sizeof *out)));
	/* the plan: far at A, near without a place */
	range[0] = range[2] = m.cols.len;
	range[1] = range[3] = 0;
	for (j = 0; j < m.cols.len; j++) {
		size_t f = (size_t)cols[j].compound == ni ? 0 : 1;
		range[2 * f] = j < range[2 * f] ? j : range[2 * f];
		range[2 * f + 1] = j + 1;
		if ((size_t)cols[j].compound == fi && (size_t)cols[j].school == a) {
			if (cols[j].kind == CM_COL_CHOICE)
				x[j] = 1;
			else if (cols[j].kind == CM_COL_FLOW && cols[j].seat == CM_SEAT_PUBLIC &&
			         cols[j].group == CM_LOCAL)
				x[j] = 10;
		}
		if ((size_t)cols[j].compound == ni && cols[j].kind == CM_COL_UNPLACED && cols[j].group == CM_LOCAL)
			x[j] = 10;
	}
	start[fi] = (long)a;
	start[ni] = -1;
	/* near alone: A has no seat to give */
	held[0] = -1;
	cr_assert_eq(r.neighbourhood(r.self, x, 1, range, held, 1, start, 1000000, 0, out, &v, &w), 0,
	             "%s", cm_ctx_last_error(ctx));
	cr_assert_float_eq(v.unplaced, 10, 1e-9);
	cr_assert_float_eq(v.metres, 25000, 1, "the plan as it was: %.1f pupil-m", v.metres);
	/* far held at A: near takes its seats, far goes without */
	held[1] = (long)a;
	cr_assert_eq(r.neighbourhood(r.self, x, 1, range, held, 2, start, 1000000, 0, out, &v, &w), 0,
	             "%s", cm_ctx_last_error(ctx));
	cr_assert_float_eq(v.unplaced, 10, 1e-9);
	cr_assert_float_eq(v.metres, 1000, 1, "near at A: %.1f pupil-m", v.metres);
	for (j = 0; j < m.cols.len; j++)
		if (cols[j].kind == CM_COL_UNPLACED && cols[j].group == CM_LOCAL)
			cr_assert_float_eq(out[j], (size_t)cols[j].compound == fi ? 10 : 0, 1e-9);
	/* far free as well: it goes to B, the only school it may not while held */
	held[1] = -1;
	cr_assert_eq(r.neighbourhood(r.self, x, 1, range, held, 2, start, 1000000, 0, out, &v, &w), 0,
	             "%s", cm_ctx_last_error(ctx));
	cr_assert_float_eq(v.unplaced, 0, 1e-9);
	cr_assert_float_eq(v.metres, 1000 + 25000, 1, "near at A, far at B: %.1f pupil-m", v.metres);
	free(x);
	free(out);
	cm__flow_relax_free(&r);
	cm__model_free(&m);
	cm_ctx_free(ctx);
	tiny_free(&t);
}
