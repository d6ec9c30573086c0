/*
 * distance.c: how far a pupil travels, the one place that says it.
 *
 * Three kinds of distance, one per plan:
 *   - the straight line in the metric working CRS (the default);
 *   - a cost matrix computed elsewhere ([input] distances: an ArcGIS OD
 *     cost matrix, pgRouting, OSRM's table service), read and checked here;
 *   - the road network ([input] roads), built and searched by roads.c.
 * The last two become a cm__pairs: per compound, its schools in dataset
 * order with metres (and minutes, where known).  A pair that is not there
 * is out of reach.  The model (pairs in reach), check's reach findings, the
 * near-school share and every reported distance go through
 * cm__pair_distance; the plan's minutes through cm__dataset_minutes.
 *
 * A dataset loaded from the configuration carries its own pairs
 * (cm__pairs_load, from read.c).  A scenario's dataset gets its own as it
 * is made (cm__pairs_carry, from scenario.c): the base's renumbered when
 * it has no school or compound the base lacks (and, on roads, no longer
 * reach), else made afresh, matched by id, the table's rows for ids it
 * lacks ignored (they were checked against the base data).  A dataset
 * without them (made some other way) gets them from cm__pairs_for.
 *
 * Layout: straight lines and reach; the pairs; the table; the entry points.
 */
#include "roads.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <gdal.h>
#include <ogr_api.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

double cm__distance(double x1, double y1, double x2, double y2)
{
	/* not hypot(): metres in a projected CRS neither overflow nor
	 * underflow, and this runs for every compound-school pair */
	double dx = x2 - x1, dy = y2 - y1;
	return sqrt(dx * dx + dy * dy);
}

double cm__reach(const cm_config *cfg, const cm_school *s, cm_level level)
{
	double r = s->boarding ? cfg->policy.max_distance_boarding_m : cfg->policy.max_distance_m[level];
	return r > 0 && r < CM_MAX_TRIP_M ? r : CM_MAX_TRIP_M;
}

/* ------------------------------------------------------------ the pairs */

struct cm__pairs {
	const char *kind;        /* "table" or "roads" */
	size_t n_compounds, n_schools;
	size_t *start;           /* by compound: its first pair (n_compounds + 1 entries) */
	size_t *school;          /* by pair: school index, ascending within a compound */
	double *metres;          /* by pair */
	double *minutes;         /* by pair: minutes, -1 unknown */
	int have_minutes;        /* some pair has minutes */
	size_t n_lines;          /* roads: the usable roads as drawn, for the plan's roads layer */
	size_t *line_start;      /* by line: its first vertex (n_lines + 1 entries) */
	double *line_x, *line_y; /* by vertex: working CRS, metres */
};

void cm__pairs_free(cm__pairs *p)
{
	if (!p)
		return;
	free(p->start);
	free(p->school);
	free(p->metres);
	free(p->minutes);
	free(p->line_start);
	free(p->line_x);
	free(p->line_y);
	free(p);
}

void cm__pairs_set_lines(cm__pairs *p, size_t n_lines, size_t *start, double *x, double *y)
{
	free(p->line_start);
	free(p->line_x);
	free(p->line_y);
	p->n_lines = n_lines;
	p->line_start = start;
	p->line_x = x;
	p->line_y = y;
}

size_t cm__pairs_lines(const cm__pairs *p, const size_t **start, const double **x,
                       const double **y)
{
	if (!p || !p->line_start)
		return 0;
	*start = p->line_start;
	*x = p->line_x;
	*y = p->line_y;
	return p->n_lines;
}

static int cmp_pair(const void *a, const void *b)
{
	const cm__pair *x = a, *y = b;
	if (x->compound != y->compound)
		return x->compound < y->compound ? -1 : 1;
	if (x->school != y->school)
		return x->school < y->school ? -1 : 1;
	return (x->metres > y->metres) - (x->metres < y->metres);
}

int cm__pairs_make(cm__pair *pairs, size_t n, size_t n_compounds, size_t n_schools,
                   const char *kind, cm__pairs **out)
{
	cm__pairs *p = calloc(1, sizeof *p);
	size_t i, k = 0;
	*out = NULL;
	if (p) {
		p->start = calloc(n_compounds + 1, sizeof *p->start);
		p->school = malloc((n ? n : 1) * sizeof *p->school);
		p->metres = malloc((n ? n : 1) * sizeof *p->metres);
		p->minutes = malloc((n ? n : 1) * sizeof *p->minutes);
	}
	if (!p || !p->start || !p->school || !p->metres || !p->minutes) {
		cm__pairs_free(p);
		free(pairs);
		return CM_ENOMEM;
	}
	p->kind = kind;
	p->n_compounds = n_compounds;
	p->n_schools = n_schools;
	if (n)
		qsort(pairs, n, sizeof *pairs, cmp_pair);
	for (i = 0; i < n; i++) {
		if (k && pairs[i].compound == pairs[i - 1].compound &&
		    pairs[i].school == pairs[i - 1].school)
			continue; /* sorted: the first of a repeated pair is the least */
		p->school[k] = pairs[i].school;
		p->metres[k] = pairs[i].metres;
		p->minutes[k] = pairs[i].minutes;
		p->have_minutes |= pairs[i].minutes >= 0;
		p->start[pairs[i].compound + 1]++;
		k++;
	}
	for (i = 0; i < n_compounds; i++)
		p->start[i + 1] += p->start[i];
	free(pairs);
	*out = p;
	return 0;
}

/* The index of pair (ci, si), or -1. */
static long pair_at(const cm__pairs *p, size_t ci, size_t si)
{
	size_t lo, hi;
	if (ci >= p->n_compounds)
		return -1; /* believed unreachable: pairs are made for their dataset */
	lo = p->start[ci];
	hi = p->start[ci + 1];
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (p->school[mid] < si)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < p->start[ci + 1] && p->school[lo] == si ? (long)lo : -1;
}

double cm__pair_distance(const cm_dataset *ds, const cm__pairs *p, size_t ci, size_t si)
{
	long k;
	if (!p) {
		const cm_compound *c = &ds->compounds[ci];
		const cm_school *s = &ds->schools[si];
		return cm__distance(c->x, c->y, s->x, s->y);
	}
	k = pair_at(p, ci, si);
	return k >= 0 ? p->metres[k] : HUGE_VAL;
}

double cm__pair_minutes(const cm__pairs *p, size_t ci, size_t si)
{
	long k = p && p->have_minutes ? pair_at(p, ci, si) : -1;
	return k >= 0 ? p->minutes[k] : -1;
}

double cm__dataset_minutes(const cm_dataset *ds, size_t ci, size_t si)
{
	const cm__pairs *p = ds->pairs;
	if (!p || p->n_compounds != ds->n_compounds || p->n_schools != ds->n_schools)
		return -1;
	return cm__pair_minutes(p, ci, si);
}

int cm__pairs_have_minutes(const cm__pairs *p)
{
	return p && p->have_minutes;
}

const char *cm__distance_kind_name(const cm_config *cfg)
{
	if (cfg->distances.path)
		return "table";
	if (cfg->roads.path)
		return cfg->road.mode == CM_ROADS_DRIVE ? "roads_drive" : "roads_walk";
	return "straight";
}

/* ------------------------------------------------------------ the table */

static char *field_names(OGRFeatureDefnH defn)
{
	char buf[1024] = "";
	int i;
	for (i = 0; i < OGR_FD_GetFieldCount(defn); i++) {
		if (i)
			strncat(buf, ", ", sizeof buf - strlen(buf) - 1);
		strncat(buf, OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)), sizeof buf - strlen(buf) - 1);
	}
	return cm__strdup(i ? buf : _("none"));
}

/* A field's text in UTF-8 (recoded from `enc`), trimmed; NULL on ENOMEM. */
static char *table_text(OGRFeatureH f, int idx, const char *enc)
{
	const char *raw = OGR_F_IsFieldSetAndNotNull(f, idx) ? OGR_F_GetFieldAsString(f, idx) : "";
	char *r, *t;
	if (!enc)
		return cm__strtrim(raw);
	r = CPLRecode(raw, enc, CPL_ENC_UTF8);
	t = cm__strtrim(r);
	CPLFree(r);
	return t;
}

/* A table's trip at most: 2,000 km (the network holds costs of up to
 * 2,147 km in millimetres; a larger value, 1e300 say, once wrapped round
 * to a small cost and won the plan), and 30,000 minutes (2,000 km at
 * 4 km/h). */
#define TABLE_MAX_METRES CM_MAX_TRIP_M
#define TABLE_MAX_MINUTES 3e4

/* A row's number: 0 and *out, or a diagnostic (when `ds` is given) and 1. */
static int table_number(cm_dataset *ds, const char *path, const char *lname, OGRFeatureH f,
                        int idx, const char *label, const char *what, int required, double most,
                        double *out)
{
	const char *fname = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(OGR_F_GetDefnRef(f), idx));
	OGRFieldType t = OGR_Fld_GetType(OGR_FD_GetFieldDefn(OGR_F_GetDefnRef(f), idx));
	int null = 0, bad = 0;
	if (!OGR_F_IsFieldSetAndNotNull(f, idx)) {
		null = 1;
	} else if (t == OFTReal || t == OFTInteger || t == OFTInteger64) {
		*out = OGR_F_GetFieldAsDouble(f, idx);
		if (!isfinite(*out))
			bad = CM_NUM_NOT_FINITE;
	} else {
		bad = cm__parse_number(OGR_F_GetFieldAsString(f, idx), out, &null);
	}
	if (null && !required) {
		*out = -1;
		return 0;
	}
	if (null) {
		if (ds)
			cm__diag(ds, CM_ERR, "missing-value", path, lname, label, fname,
			         _("no %s: give the pair's %s, or leave the row out"), what, what);
		return 1;
	}
	if (bad) {
		if (ds)
			cm__diag(ds, CM_ERR, "bad-value", path, lname, label, fname, _("%s '%s': %s"), what,
			         OGR_F_GetFieldAsString(f, idx), cm__number_problem(bad));
		return 1;
	}
	if (*out < 0) {
		if (ds)
			cm__diag(ds, CM_ERR, "negative-value", path, lname, label, fname,
			         _("negative %s (%g)"), what, *out);
		return 1;
	}
	if (*out > most) {
		if (ds)
			cm__diag(ds, CM_ERR, "bad-value", path, lname, label, fname,
			         _("%s %g: a longer trip than the engine holds (%s at most): a unit or "
			           "typing error?"),
			         what, *out, most == TABLE_MAX_METRES ? _("2,000 km") : _("30,000 minutes"));
		return 1;
	}
	return 0;
}

/* Reads the cost matrix of cfg->distances for `ds` into pairs.  With
 * `diag` (the dataset being loaded, == ds) every bad row is a diagnostic:
 * an empty or unknown id, metres that are not a number, negative or
 * missing, bad minutes, a pair given twice.  Without it (a scenario's
 * dataset) rows for ids the dataset lacks and bad rows are passed over.
 * A missing file, layer or field fails with CM_EINPUT. */
/* No trip on the ground is shorter than the straight line between its
 * ends: a table whose pairs are (kilometres, minutes, another unit in the
 * metres column) makes every reach and the near-school share meaningless.
 * A pair counts as short when it is less than half its straight line and
 * 100 m below it (the table may measure from a gate, not the point the
 * engine uses); most of the pairs over 200 m apart short is an error,
 * some a warning, naming the shortest against its line. */
static void short_pairs(const cm_dataset *ds, cm_dataset *diag, const char *path,
                        const char *lname, const cm__pair *r, size_t n)
{
	size_t i, apart = 0, nshort = 0, worst = 0;
	double worst_ratio = HUGE_VAL;
	for (i = 0; i < n; i++) {
		const cm_compound *c = &ds->compounds[r[i].compound];
		const cm_school *s = &ds->schools[r[i].school];
		double line = hypot(c->x - s->x, c->y - s->y);
		if (line <= 200)
			continue;
		apart++;
		if (r[i].metres < line / 2 && line - r[i].metres > 100) {
			nshort++;
			if (r[i].metres / line < worst_ratio) {
				worst_ratio = r[i].metres / line;
				worst = i;
			}
		}
	}
	if (!nshort)
		return;
	{
		const cm_compound *c = &ds->compounds[r[worst].compound];
		const cm_school *s = &ds->schools[r[worst].school];
		double line = hypot(c->x - s->x, c->y - s->y);
		int most = 2 * nshort > apart;
		cm__diag(diag, most ? CM_ERR : CM_WARNING, "short-distance", path, lname, NULL, "metres",
		         most ? _("%zu of the %zu pairs more than 200 m apart are shorter in the table "
		                  "than in a straight line (compound %s, school %s: %g in the table, "
		                  "%.0f m apart): is the metres column in kilometres, or minutes?")
		              : _("%zu of the %zu pairs more than 200 m apart are less than half their "
		                  "straight line in the table (the shortest: compound %s, school %s, %g "
		                  "in the table, %.0f m apart): wrong points or rows?"),
		         nshort, apart, c->id, s->id, r[worst].metres, line);
	}
}

static int read_table(cm_ctx *ctx, const cm_config *cfg, const cm_dataset *ds, cm_dataset *diag,
                      cm__pairs **out)
{
	static const char *const f_comp[] = {"compound_id", "compound", "cmpd_id", "小区代码",
	                                     "小区编号", NULL};
	static const char *const f_school[] = {"school_id", "school", "学校代码", "学校编号", NULL};
	static const char *const f_metres[] = {"metres", "meters", "distance_m", "distance",
	                                       "length_m", "total_length", "距离", NULL};
	static const char *const f_minutes[] = {"minutes", "time_min", "total_time", "时间", NULL};
	const cm_input *in = &cfg->distances;
	/* `path` names the table in messages: without a password (PG:...) */
	char *shown = cm__source_shown(in->path);
	const char *path = shown ? shown : in->path, *lname, *enc = NULL;
	GDALDatasetH g = NULL;
	OGRLayerH lyr = NULL;
	OGRFeatureDefnH defn;
	OGRFeatureH f;
	cm__id *cidx = NULL, *sidx = NULL;
	cm_vec rows;
	int fc, fs, fm, ft, rc = 0;
	char *names;

	*out = NULL;
	cm__vec_init(&rows, sizeof(cm__pair));
	if (!shown)
		return cm__error(ctx, CM_ENOMEM, _("out of memory"));
	if ((rc = cm__input_ok(ctx, in->path, "distance table"))) {
		free(shown);
		return rc;
	}
	GDALAllRegister();
	CPLPushErrorHandler(CPLQuietErrorHandler);
	CPLErrorReset();
	g = GDALOpenEx(in->path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
	if (!g) {
		const char *hint = cm__table_hint(in->path);
		rc = cm__error(ctx, CM_EINPUT, _("%s: cannot open the distance table (distances): %s"),
		               path, hint ? hint : *CPLGetLastErrorMsg() ? CPLGetLastErrorMsg()
		                           : _("no such file, or not a table GDAL reads"));
		goto done;
	}
	if (in->layer)
		lyr = GDALDatasetGetLayerByName(g, in->layer);
	else if (GDALDatasetGetLayerCount(g) == 1)
		lyr = GDALDatasetGetLayer(g, 0);
	else
		lyr = GDALDatasetGetLayerByName(g, "distances");
	if (!lyr) {
		rc = cm__error(ctx, CM_EINPUT, _("%s: no layer '%s' in the distance table%s"), path,
		               in->layer ? in->layer : "distances",
		               in->layer ? "" : _(" (name it with distances_layer)"));
		goto done;
	}
	lname = OGR_L_GetName(lyr);
	if (in->where && OGR_L_SetAttributeFilter(lyr, in->where) != OGRERR_NONE) {
		/* read.c's words, for the other layers' filters */
		rc = cm__error(ctx, CM_EINPUT, _("%s, layer %s: %s_where = '%s' is not a valid "
		                                 "filter: %s"),
		               path, lname, "distances", in->where, CPLGetLastErrorMsg());
		goto done;
	}
	if (in->encoding && !cm__streq_ci(in->encoding, "UTF-8") && !cm__streq_ci(in->encoding, "UTF8"))
		enc = in->encoding;
	defn = OGR_L_GetLayerDefn(lyr);
	fc = cm__field_named(defn, f_comp);
	fs = cm__field_named(defn, f_school);
	fm = cm__field_named(defn, f_metres);
	ft = cm__field_named(defn, f_minutes);
	if (fc < 0 || fs < 0 || fm < 0) {
		names = field_names(defn);
		rc = cm__error(ctx, CM_EINPUT, _("%s, layer %s: the distance table needs the fields "
		                                 "compound_id, school_id and metres; %s is missing "
		                                 "(its fields: %s)"),
		               path, lname, fc < 0 ? "compound_id" : fs < 0 ? "school_id" : "metres",
		               names ? names : "?");
		free(names);
		goto done;
	}
	cidx = cm__ids_index(sizeof(cm_compound), ds->compounds, ds->n_compounds);
	sidx = cm__ids_index(sizeof(cm_school), ds->schools, ds->n_schools);
	if (!cidx || !sidx) {
		rc = cm__error(ctx, CM_ENOMEM, _("out of memory"));
		goto done;
	}
	OGR_L_ResetReading(lyr);
	while (!rc && (f = OGR_L_GetNextFeature(lyr)) != NULL) {
		long fid = (long)OGR_F_GetFID(f), ci = -1, si = -1;
		char *cid = table_text(f, fc, enc), *sid = table_text(f, fs, enc), *label = NULL;
		double metres = 0, minutes = 0;
		int bad = 0;
		if (!cid || !sid || !(label = cm__feature_label(fid, NULL))) {
			rc = cm__error(ctx, CM_ENOMEM, _("out of memory"));
		} else if (!cm__utf8_valid(cid) || !cm__utf8_valid(sid)) {
			bad = 1;
			if (diag)
				cm__diag(diag, CM_ERR, "encoding", path, lname, label,
				         OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, cm__utf8_valid(cid) ? fs : fc)),
				         _("an id that is not UTF-8: set distances_encoding = GBK in [input]"));
		} else {
			int k;
			for (k = 0; k < 2; k++) {
				const char *id = k ? sid : cid;
				long at = k ? cm__ids_find(sidx, ds->n_schools, id)
				            : cm__ids_find(cidx, ds->n_compounds, id);
				const char *fname = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, k ? fs : fc));
				if (k)
					si = at;
				else
					ci = at;
				if (at >= 0)
					continue;
				bad = 1;
				if (!diag)
					continue;
				if (!*id)
					cm__diag(diag, CM_ERR, "missing-value", path, lname, label, fname, "%s",
					         k ? _("no school id") : _("no compound id"));
				else
					cm__diag(diag, CM_ERR, "unknown-id", path, lname, label, fname,
					         k ? _("school '%s' is not in the schools layer")
					           : _("compound '%s' is not in the compounds layer"),
					         id);
			}
			bad |= table_number(diag, path, lname, f, fm, label, "metres", 1, TABLE_MAX_METRES,
			                    &metres);
			if (ft >= 0)
				bad |= table_number(diag, path, lname, f, ft, label, "minutes", 0,
				                     TABLE_MAX_MINUTES, &minutes);
		}
		if (!rc && !bad) {
			cm__pair *p = cm__vec_push(&rows);
			if (!p) {
				rc = cm__error(ctx, CM_ENOMEM, _("out of memory"));
			} else {
				p->compound = (size_t)ci;
				p->school = (size_t)si;
				p->metres = metres;
				p->minutes = ft >= 0 ? minutes : -1;
				p->fid = fid;
			}
		}
		free(cid);
		free(sid);
		free(label);
		OGR_F_Destroy(f);
	}
	if (!rc && diag && rows.len > 1) {
		/* a pair twice: which row holds? */
		cm__pair *r = rows.data;
		size_t i;
		qsort(r, rows.len, sizeof *r, cmp_pair);
		for (i = 1; i < rows.len; i++) {
			char *label;
			if (r[i].compound != r[i - 1].compound || r[i].school != r[i - 1].school)
				continue;
			label = cm__feature_label(r[i].fid, NULL);
			cm__diag(diag, CM_ERR, "duplicate-pair", path, lname, label, NULL,
			         _("compound %s and school %s are given twice (also feature %ld)"),
			         ds->compounds[r[i].compound].id, ds->schools[r[i].school].id,
			         r[i - 1].fid);
			free(label);
		}
	}
	if (!rc && diag)
		short_pairs(ds, diag, path, lname, rows.data, rows.len);
	if (!rc) {
		rc = cm__pairs_make(rows.data, rows.len, ds->n_compounds, ds->n_schools, "table", out);
		rows.data = NULL;
		if (rc)
			rc = cm__error(ctx, CM_ENOMEM, _("out of memory"));
	}
done:
	cm__vec_free(&rows);
	free(cidx);
	free(sidx);
	if (g)
		GDALClose(g);
	CPLPopErrorHandler();
	free(shown);
	return rc;
}

/* ------------------------------------------------------------ entry points */

int cm__pairs_load(cm_ctx *ctx, const cm_config *cfg, cm_dataset *ds)
{
	if (cfg->distances.path)
		return read_table(ctx, cfg, ds, ds, &ds->pairs);
	if (cfg->roads.path)
		return cm__roads_pairs(ctx, cfg, ds, ds, &ds->pairs);
	return 0;
}

/* Reach without a limit as HUGE_VAL. */
static double limit(double r)
{
	return r > 0 ? r : HUGE_VAL;
}

/* The base's pairs of `base` renumbered for `ds`, whose compounds and
 * schools are all the base's (`cidx`, `sidx`: ds's by base index, -1 for
 * one ds lacks); the road lines copied along.  0 or CM_ENOMEM. */
static int remap(const cm__pairs *bp, const long *cidx, const long *sidx, size_t nbc,
                 const cm_dataset *ds, cm__pairs **out)
{
	cm_vec rows;
	size_t bi, k;
	int rc;
	cm__vec_init(&rows, sizeof(cm__pair));
	for (bi = 0; bi < nbc; bi++) {
		if (cidx[bi] < 0)
			continue;
		for (k = bp->start[bi]; k < bp->start[bi + 1]; k++) {
			cm__pair *p;
			if (sidx[bp->school[k]] < 0)
				continue;
			if (!(p = cm__vec_push(&rows))) {
				cm__vec_free(&rows);
				return CM_ENOMEM;
			}
			p->compound = (size_t)cidx[bi];
			p->school = (size_t)sidx[bp->school[k]];
			p->metres = bp->metres[k];
			p->minutes = bp->minutes[k];
			p->fid = -1;
		}
	}
	rc = cm__pairs_make(rows.data, rows.len, ds->n_compounds, ds->n_schools, bp->kind, out);
	if (!rc && bp->line_start) {
		size_t nv = bp->line_start[bp->n_lines];
		size_t *st = malloc((bp->n_lines + 1) * sizeof *st);
		double *x = malloc((nv + 1) * sizeof *x), *y = malloc((nv + 1) * sizeof *y);
		if (!st || !x || !y) {
			free(st);
			free(x);
			free(y);
			cm__pairs_free(*out);
			*out = NULL;
			return CM_ENOMEM;
		}
		memcpy(st, bp->line_start, (bp->n_lines + 1) * sizeof *st);
		memcpy(x, bp->line_x, nv * sizeof *x);
		memcpy(y, bp->line_y, nv * sizeof *y);
		cm__pairs_set_lines(*out, bp->n_lines, st, x, y);
	}
	return rc;
}

int cm__pairs_carry(cm_ctx *ctx, const cm_config *base_cfg, const cm_config *cfg,
                    const cm_dataset *base, cm_dataset *ds)
{
	cm__id *cid = NULL, *sid = NULL;
	long *cidx = NULL, *sidx = NULL;
	const cm__pairs *p;
	cm__pairs *owned = NULL;
	size_t i;
	int lv, rc = 0, same = base->pairs != NULL;

	if (!cfg->distances.path && !cfg->roads.path)
		return 0;
	/* a road search stops at the base's reach: a longer one needs a new search */
	for (lv = 0; lv < CM_NLEVELS && same && cfg->roads.path; lv++)
		same = limit(cfg->policy.max_distance_m[lv]) <= limit(base_cfg->policy.max_distance_m[lv]);
	if (same && cfg->roads.path)
		same = limit(cfg->policy.max_distance_boarding_m) <=
		       limit(base_cfg->policy.max_distance_boarding_m);
	if (same) {
		cid = cm__ids_index(sizeof(cm_compound), ds->compounds, ds->n_compounds);
		sid = cm__ids_index(sizeof(cm_school), ds->schools, ds->n_schools);
		cidx = malloc((base->n_compounds + 1) * sizeof *cidx);
		sidx = malloc((base->n_schools + 1) * sizeof *sidx);
		if (!cid || !sid || !cidx || !sidx) {
			rc = CM_ENOMEM;
			goto done;
		}
		for (i = 0; i < base->n_compounds; i++)
			cidx[i] = cm__ids_find(cid, ds->n_compounds, base->compounds[i].id);
		for (i = 0; i < base->n_schools; i++)
			sidx[i] = cm__ids_find(sid, ds->n_schools, base->schools[i].id);
		/* every compound and school of ds is the base's: nothing new to measure */
		{
			size_t nc = 0, ns = 0;
			for (i = 0; i < base->n_compounds; i++)
				nc += cidx[i] >= 0;
			for (i = 0; i < base->n_schools; i++)
				ns += sidx[i] >= 0;
			same = nc == ds->n_compounds && ns == ds->n_schools;
		}
	}
	if (same) {
		rc = remap(base->pairs, cidx, sidx, base->n_compounds, ds, &owned);
	} else {
		cm__pairs_free(ds->pairs);
		ds->pairs = NULL;
		rc = cm__pairs_for(ctx, cfg, ds, &p, &owned);
	}
	if (!rc) {
		cm__pairs_free(ds->pairs);
		ds->pairs = owned;
	}
done:
	free(cid);
	free(sid);
	free(cidx);
	free(sidx);
	return rc == CM_ENOMEM ? cm__error(ctx, CM_ENOMEM, _("out of memory")) : rc;
}

int cm__pairs_for(cm_ctx *ctx, const cm_config *cfg, const cm_dataset *ds,
                  const cm__pairs **out, cm__pairs **owned)
{
	int rc = 0;
	*out = NULL;
	*owned = NULL;
	if (!cfg->distances.path && !cfg->roads.path)
		return 0;
	if (ds->pairs && ds->pairs->n_compounds == ds->n_compounds &&
	    ds->pairs->n_schools == ds->n_schools) {
		*out = ds->pairs;
		return 0;
	}
	if (cfg->distances.path)
		rc = read_table(ctx, cfg, ds, NULL, owned);
	else
		rc = cm__roads_pairs(ctx, cfg, ds, NULL, owned);
	*out = *owned;
	return rc;
}
