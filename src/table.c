/*
 * table.c: tables for office software (table.h).
 */
#include "table.h"

#include <cpl_error.h>
#include <cpl_conv.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <ogr_api.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct cm__table {
	cm_ctx *ctx;
	const cm__tcol *cols;
	int ncols;
	int rc;                 /* the first error, 0 */
	char *target;
	/* CSV */
	cm_output *out;
	/* XLSX: made in memory (the driver wants the extension), then written
	 * out through cm_output as the CSV is */
	char *mem;
	GDALDatasetH ds;
	OGRLayerH lyr;
};

static const char *ext_of(const char *path)
{
	const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');
	return dot && (!slash || dot > slash) ? dot + 1 : "";
}

static int open_xlsx(cm__table *t, const char *sheet, int zh)
{
	GDALDriverH drv;
	int k;
	GDALAllRegister();
	if (!(drv = GDALGetDriverByName("XLSX")))
		return cm__error(t->ctx, CM_EIO, _("%s: this GDAL has no XLSX driver"), t->target);
	if (!(t->mem = cm__sprintf("/vsimem/catchment-table-%p.xlsx", (void *)t)))
		return cm__error(t->ctx, CM_ENOMEM, _("out of memory"));
	CPLErrorReset();
	t->ds = GDALCreate(drv, t->mem, 0, 0, 0, GDT_Unknown, NULL);
	if (t->ds)
		t->lyr = GDALDatasetCreateLayer(t->ds, sheet, NULL, wkbNone, NULL);
	if (!t->lyr)
		return cm__error(t->ctx, CM_EIO, _("%s: cannot write it: %s"), t->target,
		                 CPLGetLastErrorMsg());
	for (k = 0; k < t->ncols; k++) {
		OGRFieldDefnH fd = OGR_Fld_Create(zh ? t->cols[k].zh : t->cols[k].name,
		                                  t->cols[k].number ? OFTReal : OFTString);
		OGRErr e = OGR_L_CreateField(t->lyr, fd, 1);
		OGR_Fld_Destroy(fd);
		if (e != OGRERR_NONE)
			return cm__error(t->ctx, CM_EIO, _("%s: cannot write it: %s"), t->target,
			                 CPLGetLastErrorMsg());
	}
	return 0;
}

int cm__table_open(cm_ctx *ctx, const char *path, const char *sheet, const cm__tcol *cols,
                   int ncols, const cm_config *cfg, cm__table **out)
{
	cm__table *t = calloc(1, sizeof *t);
	int zh = !cfg || !cfg->output.headers || strcmp(cfg->output.headers, "en");
	int bom = !cfg || cfg->output.csv_bom;
	int k, rc = 0;
	*out = NULL;
	if (!t || !(t->target = cm__strdup(path))) {
		free(t);
		return cm__error(ctx, CM_ENOMEM, _("out of memory"));
	}
	t->ctx = ctx;
	t->cols = cols;
	t->ncols = ncols;
	cm__out_tidy(path);
	if (!strcasecmp(ext_of(path), "xlsx")) {
		rc = open_xlsx(t, sheet, zh);
	} else if (!(rc = cm_output_open(ctx, path, &t->out))) {
		FILE *fp = cm_output_stream(t->out);
		if (bom)
			fputs("\xEF\xBB\xBF", fp);
		for (k = 0; k < ncols; k++) {
			if (k)
				fputc(',', fp);
			cm__csv_field(fp, zh ? cols[k].zh : cols[k].name);
		}
		fputc('\n', fp);
	}
	if (rc) {
		t->rc = rc;
		cm__table_close(t, 0);
		return rc;
	}
	*out = t;
	return 0;
}

int cm__table_row(cm__table *t, const char *const *cells)
{
	int k;
	if (t->rc)
		return t->rc;
	if (t->out) {
		FILE *fp = cm_output_stream(t->out);
		for (k = 0; k < t->ncols; k++) {
			const char *c = cells[k] ? cells[k] : "";
			if (k)
				fputc(',', fp);
			if (t->cols[k].number)
				fputs(c, fp);
			else
				cm__csv_field(fp, c);
		}
		fputc('\n', fp);
		return 0;
	} else {
		OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(t->lyr));
		OGRErr e;
		for (k = 0; k < t->ncols; k++)
			if (cells[k] && *cells[k]) {
				if (t->cols[k].number)
					OGR_F_SetFieldDouble(f, k, strtod(cells[k], NULL));
				else
					OGR_F_SetFieldString(f, k, cells[k]);
			}
		e = OGR_L_CreateFeature(t->lyr, f);
		OGR_F_Destroy(f);
		if (e != OGRERR_NONE)
			t->rc = cm__error(t->ctx, CM_EIO, _("%s: cannot write it: %s"), t->target,
			                  CPLGetLastErrorMsg());
		return t->rc;
	}
}

int cm__table_close(cm__table *t, int ok)
{
	int rc;
	if (!t)
		return 0;
	rc = t->rc;
	if (t->out) {
		if (ok && !rc)
			rc = cm_output_commit(t->ctx, t->out);
		else
			cm_output_abort(t->out);
	} else if (t->mem) {
		vsi_l_offset len = 0;
		GByte *buf;
		cm_output *o = NULL;
		if (t->ds) {
			CPLErrorReset();
			GDALClose(t->ds);
			if (ok && !rc && CPLGetLastErrorType() >= CE_Failure)
				rc = cm__error(t->ctx, CM_EIO, _("%s: cannot write it: %s"), t->target,
				               CPLGetLastErrorMsg());
		}
		buf = VSIGetMemFileBuffer(t->mem, &len, TRUE);
		if (ok && !rc && !buf)
			rc = cm__error(t->ctx, CM_EIO, _("%s: cannot write it: GDAL made no file"), t->target);
		if (ok && !rc && !(rc = cm_output_open(t->ctx, t->target, &o))) {
			fwrite(buf, 1, (size_t)len, cm_output_stream(o));
			rc = cm_output_commit(t->ctx, o);
		}
		CPLFree(buf);
		free(t->mem);
	}
	free(t->target);
	free(t);
	return rc;
}

/* ------------------------------------------------------------ the tables */

/* One compound's row of a school's range. */
static int ranges_row(cm__table *t, cm_level lv, const cm_school *s, const char *seats,
                      const char *enrolled, const cm_compound *c, int local, int migrant)
{
	char l[24], m[24];
	const char *cells[9];
	snprintf(l, sizeof l, "%d", local);
	snprintf(m, sizeof m, "%d", migrant);
	cells[0] = cm_level_name(lv);
	cells[1] = s->id;
	cells[2] = s->name;
	cells[3] = seats;
	cells[4] = enrolled;
	cells[5] = c->id;
	cells[6] = c->name;
	cells[7] = l;
	cells[8] = m;
	return cm__table_row(t, cells);
}

int cm_ranges_write(cm_ctx *ctx, const cm_plan *plan, const char *path)
{
	static const cm__tcol cols[] = {
		{"level", "学段", 0},          {"school_id", "学校代码", 0},
		{"school_name", "学校名称", 0}, {"seats", "学位", 1},
		{"enrolled", "招生", 1},       {"compound_id", "小区代码", 0},
		{"compound_name", "小区名称", 0}, {"local", "户籍学生", 1},
		{"migrant", "随迁子女", 1},
	};
	const cm_config *cfg = cm_plan_config(plan);
	const cm_dataset *ds = cm_plan_dataset(plan);
	const cm_school *schools;
	const cm_compound *compounds;
	const cm_assignment *a;
	size_t ns = cm_dataset_schools(ds, &schools), na = cm_plan_assignments(plan, &a), i, k, nc,
	       nz, *zero;
	size_t n = strlen(path);
	cm__table *t;
	int lv, rc;
	if (n >= 3 && !strcasecmp(path + n - 3, ".md")) {
		cm_output *o = NULL;
		if ((rc = cm_output_open(ctx, path, &o)))
			return rc;
		/* a failed write is the commit's to report: it names the file */
		if ((rc = cm_report_ranges(ctx, plan, 1, cm_output_stream(o))) &&
		    rc != CM_EIO) {
			cm_output_abort(o);
			return rc;
		}
		return cm_output_commit(ctx, o);
	}
	if ((rc = cm__table_open(ctx, path, "招生范围", cols, 9, cfg, &t)))
		return rc;
	nc = cm_dataset_compounds(ds, &compounds);
	/* the compounds with no pupils of a level belong to a range all the
	 * same (cm_plan_home): listed with 0 and 0 */
	if (!(zero = malloc((nc + 1) * sizeof *zero))) {
		cm__table_close(t, 0);
		return cm__error(ctx, CM_ENOMEM, _("out of memory"));
	}
	for (lv = 0; lv < CM_NLEVELS && !rc; lv++) {
		if (!cm_plan_summary(plan, (cm_level)lv)->solved)
			continue;
		nz = cm__plan_empty_homes(plan, (cm_level)lv, zero);
		for (i = 0; i < ns && !rc; i++) {
			const cm_school_result *r = cm_plan_school(plan, (cm_level)lv, i);
			char seats[24], enrolled[24];
			if (!r->teaches || schools[i].sector != CM_PUBLIC)
				continue;
			snprintf(seats, sizeof seats, "%d", r->seats);
			snprintf(enrolled, sizeof enrolled, "%d", r->enrolled);
			for (k = 0; k < na && !rc; k++)
				if (a[k].level == (cm_level)lv && a[k].school == (long)i &&
				    a[k].seat == CM_SEAT_PUBLIC)
					rc = ranges_row(t, (cm_level)lv, &schools[i], seats, enrolled,
					                &compounds[a[k].compound], a[k].local, a[k].migrant);
			for (k = 0; k < nz && !rc; k++)
				if (cm_plan_home(plan, (cm_level)lv, zero[k]) == (long)i)
					rc = ranges_row(t, (cm_level)lv, &schools[i], seats, enrolled,
					                &compounds[zero[k]], 0, 0);
		}
	}
	free(zero);
	return cm__table_close(t, !rc);
}

int cm_scenarios_write(cm_ctx *ctx, const cm_run *runs, size_t n, const char *path)
{
	static const cm__tcol cols[] = {
		{"scenario", "方案", 0},
		{"level", "学段", 0},
		{"pupils", "学生", 1},
		{"placed", "有学位", 1},
		{"shortfall", "缺学位", 1},
		{"mean_distance_m", "平均距离(米)", 1},
		{"max_distance_m", "最远距离(米)", 1},
		{"near_share", "就近比例", 1},
		{"migrant_public_share", "随迁子女公办比例", 1},
		{"overfull_schools", "超额学校", 1},
		{"full_schools", "满额学校", 1},
		{"moved", "变动学生", 1},
		{"moved_compounds", "变动小区", 1},
		{"solve_seconds", "求解秒数", 1},
		{"mip_gap", "最优差距", 1},
		{"proven", "已证明最优", 1},
		/* appended: a reader of the columns above by place keeps working */
		{"quota_met", "随迁子女比例达标", 1},
	};
	const cm_config *cfg = n ? cm_plan_config(runs[0].plan) : NULL; /* the base's */
	cm__table *t;
	size_t r;
	int lv, rc;
	if ((rc = cm__table_open(ctx, path, "方案比较", cols, 17, cfg, &t)))
		return rc;
	for (r = 0; r < n && !rc; r++)
		for (lv = 0; lv < CM_NLEVELS && !rc; lv++) {
			const cm_level_summary *s = cm_plan_summary(runs[r].plan, (cm_level)lv);
			char v[15][32];
			const char *cells[17];
			int k;
			for (k = 0; k < 15; k++)
				v[k][0] = '\0';
			if (!s->solved) {
				/* a scenario without pupils at a level the base has: a
				 * row of nobody, as the terminal's table has it
				 * (cm_report_scenarios); the file had no row */
				if (r == 0 || !cm_plan_summary(runs[0].plan, (cm_level)lv)->solved)
					continue;
				cells[0] = runs[r].name;
				cells[1] = cm_level_name((cm_level)lv);
				for (k = 0; k < 15; k++)
					cells[k + 2] = k < 3 ? "0" : v[k];
				rc = cm__table_row(t, cells);
				continue;
			}
			snprintf(v[0], 32, "%ld", s->pupils);
			snprintf(v[1], 32, "%ld", s->placed);
			snprintf(v[2], 32, "%ld", s->unplaced);
			if (s->placed > 0) { /* nobody placed: no trip, empty (not 0) */
				snprintf(v[3], 32, "%.1f", s->mean_distance_m);
				snprintf(v[4], 32, "%.1f", s->max_distance_m);
			}
			if (s->near_share >= 0) /* a share of nobody is empty */
				snprintf(v[5], 32, "%.4f", s->near_share);
			if (s->migrant_public_share >= 0)
				snprintf(v[6], 32, "%.4f", s->migrant_public_share);
			snprintf(v[7], 32, "%d", s->overfull);
			snprintf(v[8], 32, "%d", cm__full_schools(runs[r].plan, (cm_level)lv));
			if (s->has_previous) {
				snprintf(v[9], 32, "%ld", s->moved);
				snprintf(v[10], 32, "%d", s->moved_compounds);
			}
			snprintf(v[11], 32, "%.2f", s->solve_seconds);
			/* the certified gap, as the plan's summary layer has it */
			snprintf(v[12], 32, "%.6f", s->mip_gap);
			snprintf(v[13], 32, "%d", s->proven);
			snprintf(v[14], 32, "%d", s->quota_met); /* as the summary layer's */
			cells[0] = runs[r].name;
			cells[1] = cm_level_name((cm_level)lv);
			for (k = 0; k < 15; k++)
				cells[k + 2] = v[k];
			rc = cm__table_row(t, cells);
		}
	return cm__table_close(t, !rc);
}

int cm_comparison_write(cm_ctx *ctx, const cm_comparison *c, const cm_config *cfg,
                        const char *path)
{
	static const cm__tcol cols[] = {
		{"kind", "类别", 0},   {"level", "学段", 0}, {"id", "代码", 0},
		{"name", "名称", 0},   {"from", "原", 0},    {"to", "现", 0},
		{"pupils", "学生", 1}, {"enrolled_a", "原招生", 1}, {"enrolled_b", "现招生", 1},
	};
	const cm_compare_change *x;
	const cm_compare_school *s;
	size_t nx = cm_comparison_changes(c, &x), nsch = cm_comparison_schools(c, &s), i;
	cm__table *t;
	int rc;
	if ((rc = cm__table_open(ctx, path, "对比", cols, 9, cfg, &t)))
		return rc;
	for (i = 0; i < nx && !rc; i++) {
		char pupils[24];
		const char *cells[9] = {"compound", cm_level_name(x[i].level), x[i].compound_id, x[i].name,
		                        x[i].from, x[i].to, pupils, NULL, NULL};
		snprintf(pupils, sizeof pupils, "%d", x[i].pupils);
		rc = cm__table_row(t, cells);
	}
	for (i = 0; i < nsch && !rc; i++) {
		char d[24], ea[24], eb[24];
		const char *cells[9] = {"school", cm_level_name(s[i].level), s[i].school_id, s[i].name,
		                        NULL, NULL, d, ea, eb};
		snprintf(d, sizeof d, "%+ld", s[i].enrolled_b - s[i].enrolled_a);
		snprintf(ea, sizeof ea, "%ld", s[i].enrolled_a);
		snprintf(eb, sizeof eb, "%ld", s[i].enrolled_b);
		rc = cm__table_row(t, cells);
	}
	return cm__table_close(t, !rc);
}
