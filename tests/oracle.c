/* oracle.c: exhaustive answers on the library's internal model (oracle.h). */
#include "oracle.h"

#include <criterion/criterion.h>
#include <math.h>

cm_lex best_by_choices(const cm_model *m, cm_relax *r, int hold, int at)
{
	const cm_col *cols = m->cols.data;
	int sch[8][8], nat[8] = {0}, choice[8], nc = 0;
	long combos = 1;
	cm_lex best = {HUGE_VAL, HUGE_VAL, HUGE_VAL}, v;
	for (size_t j = 0; j < m->cols.len; j++) {
		int ci = cols[j].compound, k, seen = 0;
		if (cols[j].kind != CM_COL_FLOW || cols[j].seat != CM_SEAT_PUBLIC)
			continue;
		cr_assert(ci < 8);
		nc = ci + 1 > nc ? ci + 1 : nc;
		for (k = 0; k < nat[ci]; k++)
			seen |= sch[ci][k] == cols[j].school;
		if (!seen) {
			cr_assert(nat[ci] < 8);
			sch[ci][nat[ci]++] = cols[j].school;
		}
	}
	for (int i = 0; i < nc; i++)
		combos *= nat[i] + 1;
	for (long code = 0; code < combos; code++) {
		long rest = code;
		for (int i = 0; i < nc; i++) {
			int o = (int)(rest % (nat[i] + 1));
			choice[i] = o < nat[i] ? sch[i][o] : -1;
			rest /= nat[i] + 1;
		}
		if (hold >= 0 && choice[hold] >= 0 && choice[hold] != at)
			continue;
		for (size_t j = 0; j < m->cols.len; j++)
			if (cols[j].kind == CM_COL_FLOW && cols[j].seat == CM_SEAT_PUBLIC)
				r->forbid(r->self, j, cols[j].school != choice[cols[j].compound]);
		cr_assert_eq(r->solve(r->self, &v), 0);
		if (cm__lex_cmp(&v, &best, 1e-9) < 0)
			best = v;
	}
	for (size_t j = 0; j < m->cols.len; j++)
		r->forbid(r->self, j, 0);
	return best;
}
