/*
 * compare.c: two written plans side by side (catchment compare).
 *
 * From each plan's `compounds` layer, each compound's catchment school and
 * pupils per level; from its `schools` layer, each school's enrolment.
 * Compounds are matched by id, schools by id and level.  A compound
 * changes when its catchment school differs (a compound in one plan only
 * changes from or to nothing).  Pupils affected are the compound's pupils
 * of the level in plan B (in A when B lacks it).  Each plan is checked
 * whole as it is opened (planfile.c): a plan cut short or edited is an
 * error naming its file, layer, feature and field, never a list of phantom
 * changes.
 */
#include "planfile.h"

#include <cpl_error.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct c_comp {
	char *id, *name;
	char *school[CM_NLEVELS];
	int pupils[CM_NLEVELS];
} c_comp;

typedef struct c_school {
	char *id, *name;
	int level;
	long enrolled;
} c_school;

typedef struct c_plan {
	cm_vec comps;                /* c_comp */
	cm_vec schools[CM_NLEVELS];  /* c_school, by level */
	cm__id *comp_index, *school_index[CM_NLEVELS];
} c_plan;

struct cm_comparison {
	char *a, *b;
	cm_vec changes;  /* cm_compare_change */
	cm_vec schools;  /* cm_compare_school */
	long pupils[CM_NLEVELS];
	int compounds[CM_NLEVELS];
};

static void c_plan_free(c_plan *p)
{
	size_t i;
	for (i = 0; i < p->comps.len; i++) {
		c_comp *c = &((c_comp *)p->comps.data)[i];
		free(c->id);
		free(c->name);
		free(c->school[0]);
		free(c->school[1]);
	}
	for (int lv = 0; lv < CM_NLEVELS; lv++) {
		for (i = 0; i < p->schools[lv].len; i++) {
			free(((c_school *)p->schools[lv].data)[i].id);
			free(((c_school *)p->schools[lv].data)[i].name);
		}
		cm__vec_free(&p->schools[lv]);
		free(p->school_index[lv]);
	}
	cm__vec_free(&p->comps);
	free(p->comp_index);
}

static int read_plan(cm_ctx *ctx, const char *path, c_plan *out)
{
	cm__planfile pf;
	OGRLayerH lyr = NULL;
	OGRFeatureH f;
	int rc, cx[CM__CMP_N], hx[CM__SCH_N], lv; /* the layers' fields */
	memset(out, 0, sizeof *out);
	cm__vec_init(&out->comps, sizeof(c_comp));
	cm__vec_init(&out->schools[0], sizeof(c_school));
	cm__vec_init(&out->schools[1], sizeof(c_school));
	CPLPushErrorHandler(CPLQuietErrorHandler);
	rc = cm__planfile_open(ctx, &pf, path);
	/* (the open checked these layers and fields: the two errors below are
	 * believed unreachable, but for a layer of compounds without features) */
	if (!rc && !(lyr = cm__planfile_layer_at(&pf, CM__L_COMPOUNDS, cx)))
		rc = cm__error(ctx, CM_EINPUT, _("%s: not a catchment plan (no compounds layer)"), path);
	if (!rc && (cx[CM__CMP_COMPOUND_ID] < 0 || cx[CM__CMP_SCHOOL(CM_PRIMARY)] < 0 ||
	            cx[CM__CMP_SCHOOL(CM_JUNIOR)] < 0))
		rc = cm__error(ctx, CM_EINPUT, _("%s, layer compounds: no field compound_id, "
		               "school_primary or school_junior"), path);
	if (!rc)
		OGR_L_ResetReading(lyr);
	while (!rc && (f = OGR_L_GetNextFeature(lyr)) != NULL) {
		c_comp *c = cm__vec_push(&out->comps);
		if (!c) {
			rc = cm__error(ctx, CM_ENOMEM, _("out of memory"));
		} else {
			c->id = cm__strdup(cm__planfile_str(f, cx[CM__CMP_COMPOUND_ID]));
			c->name = cm__strdup(cm__planfile_str(f, cx[CM__CMP_NAME]));
			for (lv = 0; lv < CM_NLEVELS; lv++) {
				c->school[lv] = cm__strdup(cm__planfile_str(f, cx[CM__CMP_SCHOOL(lv)]));
				c->pupils[lv] = (int)(cm__planfile_num(f, cx[CM__CMP_PUPILS(lv, CM_LOCAL)]) +
				                      cm__planfile_num(f, cx[CM__CMP_PUPILS(lv, CM_MIGRANT)]));
			}
			if (!c->id || !c->name || !c->school[0] || !c->school[1])
				rc = cm__error(ctx, CM_ENOMEM, _("out of memory"));
		}
		OGR_F_Destroy(f);
	}
	if (!rc && !(lyr = cm__planfile_layer_at(&pf, CM__L_SCHOOLS, hx)))
		rc = cm__error(ctx, CM_EINPUT, _("%s: not a catchment plan (no schools layer)"), path);
	if (!rc) {
		OGR_L_ResetReading(lyr);
		while (!rc && (f = OGR_L_GetNextFeature(lyr)) != NULL) {
			int l = cm__level_of(cm__planfile_str(f, hx[CM__SCH_LEVEL]));
			c_school *s = l >= 0 ? cm__vec_push(&out->schools[l]) : NULL;
			if (l >= 0 && !s) {
				rc = cm__error(ctx, CM_ENOMEM, _("out of memory"));
			} else if (s) {
				s->id = cm__strdup(cm__planfile_str(f, hx[CM__SCH_SCHOOL_ID]));
				s->name = cm__strdup(cm__planfile_str(f, hx[CM__SCH_NAME]));
				s->level = l;
				s->enrolled = (long)cm__planfile_num(f, hx[CM__SCH_ENROLLED]);
				if (!s->id || !s->name)
					rc = cm__error(ctx, CM_ENOMEM, _("out of memory"));
			}
			OGR_F_Destroy(f);
		}
	}
	cm__planfile_close(&pf);
	CPLPopErrorHandler();
	if (!rc) { /* ids to records (the vectors grow no more) */
		out->comp_index = cm__ids_index(sizeof(c_comp), out->comps.data, out->comps.len);
		for (lv = 0; lv < CM_NLEVELS; lv++)
			out->school_index[lv] = cm__ids_index(sizeof(c_school), out->schools[lv].data,
			                                      out->schools[lv].len);
		if (!out->comp_index || !out->school_index[0] || !out->school_index[1])
			rc = cm__error(ctx, CM_ENOMEM, _("out of memory"));
	}
	if (rc)
		c_plan_free(out);
	return rc;
}

static const c_comp *find_comp(const c_plan *p, const char *id)
{
	long i = cm__ids_find(p->comp_index, p->comps.len, id);
	return i >= 0 ? &((const c_comp *)p->comps.data)[i] : NULL;
}

static const c_school *find_school(const c_plan *p, const char *id, int level)
{
	long i = cm__ids_find(p->school_index[level], p->schools[level].len, id);
	return i >= 0 ? &((const c_school *)p->schools[level].data)[i] : NULL;
}

void cm_comparison_free(cm_comparison *c)
{
	size_t i;
	if (!c)
		return;
	for (i = 0; i < c->changes.len; i++) {
		cm_compare_change *x = &((cm_compare_change *)c->changes.data)[i];
		free(x->compound_id);
		free(x->name);
		free(x->from);
		free(x->to);
	}
	for (i = 0; i < c->schools.len; i++) {
		free(((cm_compare_school *)c->schools.data)[i].school_id);
		free(((cm_compare_school *)c->schools.data)[i].name);
	}
	cm__vec_free(&c->changes);
	cm__vec_free(&c->schools);
	free(c->a);
	free(c->b);
	free(c);
}

static int add_change(cm_comparison *out, const c_comp *a, const c_comp *b, int lv)
{
	const c_comp *c = b ? b : a;
	cm_compare_change *x = cm__vec_push(&out->changes);
	if (!x)
		return -1;
	x->compound_id = cm__strdup(c->id);
	x->name = cm__strdup(c->name);
	x->level = (cm_level)lv;
	x->from = cm__strdup(a ? a->school[lv] : "");
	x->to = cm__strdup(b ? b->school[lv] : "");
	x->pupils = c->pupils[lv];
	out->pupils[lv] += x->pupils;
	out->compounds[lv]++;
	return x->compound_id && x->name && x->from && x->to ? 0 : -1;
}

/* A school whose enrolment differs (none when it does not). */
static int add_school(cm_comparison *out, const c_school *s, long a, long b, int in_a, int in_b)
{
	cm_compare_school *x;
	if (a == b)
		return 0;
	if (!(x = cm__vec_push(&out->schools)))
		return CM_ENOMEM;
	x->school_id = cm__strdup(s->id);
	x->name = cm__strdup(s->name);
	x->level = (cm_level)s->level;
	x->enrolled_a = a;
	x->enrolled_b = b;
	x->in_a = in_a;
	x->in_b = in_b;
	return x->school_id && x->name ? 0 : CM_ENOMEM;
}

int cm_compare_plans(cm_ctx *ctx, const char *plan_a, const char *plan_b, cm_comparison **out)
{
	c_plan A, B;
	cm_comparison *c;
	size_t i;
	int lv, rc;
	*out = NULL;
	if ((rc = read_plan(ctx, plan_a, &A)) != 0)
		return rc;
	if ((rc = read_plan(ctx, plan_b, &B)) != 0) {
		c_plan_free(&A);
		return rc;
	}
	c = calloc(1, sizeof *c);
	if (!c) {
		rc = CM_ENOMEM;
		goto done;
	}
	cm__vec_init(&c->changes, sizeof(cm_compare_change));
	cm__vec_init(&c->schools, sizeof(cm_compare_school));
	c->a = cm__strdup(plan_a);
	c->b = cm__strdup(plan_b);
	{
		size_t common = 0;
		for (i = 0; i < B.comps.len; i++)
			common += find_comp(&A, ((c_comp *)B.comps.data)[i].id) != NULL;
		if (!common && A.comps.len && B.comps.len)
			cm__log(ctx, CM_LOG_WARN, _("%s and %s have no compound in common (new ids, or "
			        "plans of two counties?): every compound of each counts as a change"),
			        plan_a, plan_b);
	}
	/* compounds: B's in its order, then those only A has.  One without
	 * pupils of the level in B (or, gone from B, in A) has nobody to move:
	 * its catchment school is the published range's (docs/output.md),
	 * and the notice leaves it out too (plan.c, find_changes). */
	for (lv = 0; lv < CM_NLEVELS && !rc; lv++) {
		for (i = 0; i < B.comps.len && !rc; i++) {
			const c_comp *b = &((c_comp *)B.comps.data)[i], *a = find_comp(&A, b->id);
			if (b->pupils[lv] <= 0)
				continue;
			if (a ? strcmp(a->school[lv], b->school[lv]) != 0 : *b->school[lv] != '\0')
				rc = add_change(c, a, b, lv) ? CM_ENOMEM : 0;
		}
		for (i = 0; i < A.comps.len && !rc; i++) {
			const c_comp *a = &((c_comp *)A.comps.data)[i];
			if (!find_comp(&B, a->id) && *a->school[lv] && a->pupils[lv] > 0)
				rc = add_change(c, a, NULL, lv) ? CM_ENOMEM : 0;
		}
	}
	/* schools whose enrolment differs: by level, B's, then those A alone has */
	for (lv = 0; lv < CM_NLEVELS && !rc; lv++) {
		const c_school *sb = B.schools[lv].data, *sa = A.schools[lv].data;
		for (i = 0; i < B.schools[lv].len && !rc; i++) {
			const c_school *a = find_school(&A, sb[i].id, lv);
			rc = add_school(c, &sb[i], a ? a->enrolled : 0, sb[i].enrolled, a != NULL, 1);
		}
		for (i = 0; i < A.schools[lv].len && !rc; i++)
			if (!find_school(&B, sa[i].id, lv))
				rc = add_school(c, &sa[i], sa[i].enrolled, 0, 1, 0);
	}
done:
	c_plan_free(&A);
	c_plan_free(&B);
	if (rc) {
		cm_comparison_free(c);
		return cm__error(ctx, CM_ENOMEM, _("out of memory"));
	}
	*out = c;
	return 0;
}

size_t cm_comparison_changes(const cm_comparison *c, const cm_compare_change **out)
{
	*out = c->changes.data;
	return c->changes.len;
}

size_t cm_comparison_schools(const cm_comparison *c, const cm_compare_school **out)
{
	*out = c->schools.data;
	return c->schools.len;
}

int cm_report_comparison(cm_ctx *ctx, const cm_comparison *c, int csv, FILE *fp)
{
	const cm_compare_change *x = c->changes.data;
	const cm_compare_school *s = c->schools.data;
	size_t i;
	int lv, shown = 0;
	if (csv) {
		fprintf(fp, "kind,level,id,name,from,to,pupils\n");
		for (i = 0; i < c->changes.len; i++) {
			fprintf(fp, "compound,%s,", cm_level_name(x[i].level));
			cm__csv_field(fp, x[i].compound_id);
			fputc(',', fp);
			cm__csv_field(fp, x[i].name);
			fputc(',', fp);
			cm__csv_field(fp, x[i].from);
			fputc(',', fp);
			cm__csv_field(fp, x[i].to);
			fprintf(fp, ",%d\n", x[i].pupils);
		}
		for (i = 0; i < c->schools.len; i++) {
			fprintf(fp, "school,%s,", cm_level_name(s[i].level));
			cm__csv_field(fp, s[i].school_id);
			fputc(',', fp);
			cm__csv_field(fp, s[i].name);
			fprintf(fp, ",%ld,%ld,%+ld\n", s[i].enrolled_a, s[i].enrolled_b,
			        s[i].enrolled_b - s[i].enrolled_a);
		}
		return cm__stream_done(ctx, fp);
	}
	fprintf(fp, "A: %s\nB: %s\n", c->a, c->b);
	for (lv = 0; lv < CM_NLEVELS; lv++) {
		int any = c->compounds[lv] > 0;
		for (i = 0; i < c->schools.len && !any; i++)
			any = s[i].level == (cm_level)lv;
		if (!any)
			continue; /* a level neither plan has */
		shown = 1;
		fprintf(fp, dngettext(CM__DOMAIN, "\n%s: %d compound changes school, %ld pupils affected\n",
		                      "\n%s: %d compounds change school, %ld pupils affected\n",
		                      (unsigned long)c->compounds[lv]),
		        cm__level_label((cm_level)lv), c->compounds[lv], c->pupils[lv]);
		/* the ids' column as wide as the longest (at least 10), so that
		 * the names and pupils stay in their columns */
		int wid = 10, swid = 10;
		for (i = 0; i < c->changes.len; i++)
			if (x[i].level == (cm_level)lv && cm__display_width(x[i].compound_id) > wid)
				wid = cm__display_width(x[i].compound_id);
		for (i = 0; i < c->schools.len; i++)
			if (s[i].level == (cm_level)lv && cm__display_width(s[i].school_id) > swid)
				swid = cm__display_width(s[i].school_id);
		for (i = 0; i < c->changes.len; i++) {
			if (x[i].level != (cm_level)lv)
				continue;
			fputs("  ", fp);
			cm__print_padded(fp, x[i].compound_id, wid);
			fputc(' ', fp);
			cm__print_padded(fp, x[i].name, 24);
			fprintf(fp, _(" %6d pupils  %s -> %s\n"), x[i].pupils, *x[i].from ? x[i].from : "-",
			        *x[i].to ? x[i].to : "-");
		}
		for (i = 0; i < c->schools.len; i++) {
			if (s[i].level != (cm_level)lv)
				continue;
			fprintf(fp, "%s", _("  school "));
			cm__print_padded(fp, s[i].school_id, swid);
			fputc(' ', fp);
			cm__print_padded(fp, s[i].name, 24);
			fprintf(fp, _(" enrolled %6ld -> %6ld (%+ld)%s\n"), s[i].enrolled_a, s[i].enrolled_b,
			        s[i].enrolled_b - s[i].enrolled_a,
			        !s[i].in_b ? _(" (only in A)") : !s[i].in_a ? _(" (only in B)") : "");
		}
	}
	if (!shown) /* two plans alike: said, not a bare header */
		fprintf(fp, _("\nNo differences: no compound changes school and no school's "
		              "enrolment changes.\n"));
	return cm__stream_done(ctx, fp);
}
