/* oracle.h: exhaustive answers on the library's internal model, for the
 * tests of the single-school search (test_solve.c, test_claims.c). */
#ifndef CM_TEST_ORACLE_H
#define CM_TEST_ORACLE_H

#include "../src/search.h"

/* The least value, tier by tier, of every single-school choice: each
 * compound at one of its public schools or at none, the relaxation solving
 * the rest (private places, no place, the quota, the stability term) with
 * the other public columns closed; with `hold` >= 0, only the choices
 * where compound `hold` goes to school `at` or none (a node of the tree).
 * At most 8 compounds of 8 schools each (asserted); every column is open
 * again after. */
cm_lex best_by_choices(const cm_model *m, cm_relax *r, int hold, int at);

#endif
