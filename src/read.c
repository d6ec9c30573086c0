/*
 * read.c: schools and compounds from any OGR vector source.
 *
 * The input side of the engine, in the order it runs:
 *   1. open each source and pick its layer (open_layer); the driver decides
 *      the open options: ENCODING for shapefiles;
 *   2. find the engine's fields among the layer's (resolve_fields),
 *      among them, for a layer without geometry of its own (CSV, a
 *      spreadsheet), the longitude/latitude or WKT columns;
 *   3. read every feature into a cm_school or cm_compound, with the
 *      geometry in the source CRS and web-map offsets undone (read_*).  The
 *      engine reads coordinate columns itself, not the CSV driver, which
 *      would turn "nan", "inf" or "0x1F" into a missing geometry without a
 *      word;
 *   4. choose the working CRS (choose_crs) and move every geometry into it
 *      (to_working).
 * A problem that stops a layer from being read at all fails the load with
 * CM_EINPUT; a problem with one feature becomes a diagnostic naming the
 * file, layer, feature and field, and reading goes on, so that `check` can
 * report every problem at once.
 *
 * Strings: OGR recodes shapefiles itself (its .cpg, or ENCODING); for other
 * drivers a configured encoding is applied here with CPLRecode.  Whatever
 * arrives must be UTF-8, or it is a diagnostic that suggests `encoding`.
 */
#include "crs.h"
#include "internal.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <gdal.h>
#include <ogr_api.h>

#include <cpl_vsi.h>

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A value an integer column of a GeoPackage or SQLite layer holds that
 * GDAL reads as another whole number (find_raw). */
typedef struct raw_val {
	long fid;
	int idx;      /* field */
	char *text;   /* the value as SQLite holds it */
} raw_val;

/* One input layer while it is read. */
typedef struct layer_src {
	cm_layer_kind kind;
	const cm_input *in;
	const char *what;              /* "schools" or "compounds" */
	const char *layer_key;         /* the key naming its layer, where it is no
	                                * "<what>_layer in [input]" (a scenario's) */
	GDALDatasetH gds;
	OGRLayerH lyr;
	char *name;                    /* layer name, UTF-8 */
	const char *encoding;          /* recode strings from this; NULL: none */
	char *shown;                   /* in->path for messages: no password (owned) */
	int columns;                   /* geometry from the x/y or wkt columns (CSV, tables) */
	int boundary;                  /* the [input] boundary: polygons, no fields */
	int fidx[CM_NFIELDS];          /* field index in the layer, -1: absent */
	char **fnames;                 /* field names in UTF-8 */
	int nfields;
	OGRSpatialReferenceH srs;      /* CRS of the geometries read (owned) */
	OGRGeometryH *geoms;           /* one per record, source CRS (owned) */
	int geojson84;                 /* GeoJSON read as WGS 84, no source_crs given (RFC 7946:
	                                  what GDAL takes when it has no crs member) */
	struct raw_val *raw;           /* values GDAL read as other whole numbers (find_raw), by
	                                  fid and field; NULL: none */
	size_t nraw;
	char hint[256];                /* enc_hint's last message */
	long ctl;                      /* text values that held control characters */
	long ctl_fid;                  /* the first such feature, and its field */
	int ctl_field;
	char *crs_unknown;             /* what PROJ said opening a file naming a CRS it does not
	                                  know (GDAL then takes WGS 84, silently) */
} layer_src;

/* ------------------------------------------------------------ helpers */

static int ds_diag_feature(cm_dataset *ds, layer_src *L, cm_severity sev, const char *kind,
                           long fid, const char *id, int field, const char *fmt, ...)
	CM_PRINTF(8, 9);
static int ds_diag_named(cm_dataset *ds, layer_src *L, cm_severity sev, const char *kind,
                         long fid, const char *id, const char *field, const char *fmt, ...)
	CM_PRINTF(8, 9);

static int diag_v(cm_dataset *ds, layer_src *L, cm_severity sev, const char *kind, long fid,
                  const char *id, const char *field, const char *fmt, va_list ap)
	CM_PRINTF(8, 0);

static int diag_v(cm_dataset *ds, layer_src *L, cm_severity sev, const char *kind, long fid,
                  const char *id, const char *field, const char *fmt, va_list ap)
{
	char *msg = cm__vsprintf(fmt, ap), *label;
	int rc;
	label = fid >= 0 ? cm__feature_label(fid, id) : NULL;
	rc = cm__diag(ds, sev, kind, L->shown, L->name, label, field, "%s",
	              msg ? msg : _("out of memory"));
	free(label);
	free(msg);
	return rc;
}

/* A diagnostic about feature `fid` (id may be NULL) and field index `field`
 * of the layer (-1: none). */
static int ds_diag_feature(cm_dataset *ds, layer_src *L, cm_severity sev, const char *kind,
                           long fid, const char *id, int field, const char *fmt, ...)
{
	va_list ap;
	int rc;
	va_start(ap, fmt);
	rc = diag_v(ds, L, sev, kind, fid, id, field >= 0 ? L->fnames[field] : NULL, fmt, ap);
	va_end(ap);
	return rc;
}

/* The same about a field named `field` (the geometry's, which is not in
 * L->fnames). */
static int ds_diag_named(cm_dataset *ds, layer_src *L, cm_severity sev, const char *kind,
                         long fid, const char *id, const char *field, const char *fmt, ...)
{
	va_list ap;
	int rc;
	va_start(ap, fmt);
	rc = diag_v(ds, L, sev, kind, fid, id, field, fmt, ap);
	va_end(ap);
	return rc;
}

/* A copy of `s` in UTF-8, from the layer's configured encoding. */
static char *to_utf8(layer_src *L, const char *s)
{
	char *r, *p;
	if (!L->encoding)
		return cm__strdup(s);
	r = CPLRecode(s, L->encoding, CPL_ENC_UTF8);
	p = cm__strdup(r);
	CPLFree(r);
	return p;
}

static char *from_utf8(layer_src *L, const char *s)
{
	char *r, *p;
	if (!L->encoding)
		return cm__strdup(s);
	r = CPLRecode(s, CPL_ENC_UTF8, L->encoding);
	p = cm__strdup(r);
	CPLFree(r);
	return p;
}

static int is_utf8_name(const char *enc)
{
	return cm__list_has("utf-8,utf8", enc);
}

/* What get_str's *bad says: 2 a list of values where one was wanted, 1
 * text that is not UTF-8 (`not_utf8`, the caller's words). */
static const char *bad_kind(int bad)
{
	return bad == 2 ? "bad-value" : "encoding";
}

/* `fmt` with the layer's own encoding key (its %s: "schools" for
 * schools_encoding, ...), in L->hint until the next call.  The layer's
 * key, not `encoding`: that one recodes the other layer too, which is
 * most often UTF-8, and breaks it. */
static const char *enc_hint(layer_src *L, const char *fmt, ...) CM_PRINTF(2, 3);
static const char *enc_hint(layer_src *L, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(L->hint, sizeof L->hint, fmt, ap);
	va_end(ap);
	return L->hint;
}

static const char *bad_text(int bad, const char *not_utf8)
{
	return bad == 2 ? _("a list of values, not one") : not_utf8;
}

/* Control characters in text read (an escape sequence in a name would
 * reach the terminal and redraw it) become spaces; 1 when there were
 * any. */
static int blank_controls(char *s)
{
	int had = 0;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f) {
			*s = ' ';
			had = 1;
		}
	return had;
}

/* A string field, trimmed and in UTF-8; NULL when unset, null or blank.
 * *bad is 1 when the text is not UTF-8, 2 when it is a list of values
 * (the result is then NULL). */
static char *get_str(layer_src *L, OGRFeatureH f, int idx, int *bad)
{
	char *s, *t;
	*bad = 0;
	if (idx < 0 || !OGR_F_IsFieldSetAndNotNull(f, idx))
		return NULL;
	if (OGR_Fld_GetType(OGR_F_GetFieldDefnRef(f, idx)) == OFTStringList) {
		/* one feature's list makes GDAL type the whole field a list
		 * (GeoJSON), and each value reads as "(1:C1)": the others' one
		 * value is read as it is, a longer list is *bad 2 */
		char **v = OGR_F_GetFieldAsStringList(f, idx);
		if (CSLCount(v) != 1) {
			*bad = 2;
			return NULL;
		}
		s = to_utf8(L, v[0]);
	} else {
		s = to_utf8(L, OGR_F_GetFieldAsString(f, idx));
	}
	if (!s)
		return NULL;
	if (!cm__utf8_valid(s)) {
		free(s);
		*bad = 1;
		return NULL;
	}
	/* (counted for read_layer's warning) */
	if (blank_controls(s) && L->ctl++ == 0) {
		L->ctl_fid = (long)OGR_F_GetFID(f);
		L->ctl_field = idx;
	}
	t = cm__strtrim(s);
	free(s);
	if (t && !*t) {
		free(t);
		return NULL;
	}
	return t;
}

/* Reads a whole, non-negative-or-negative count.  Returns 0 with the value
 * in *out (0 when missing, with a warning), -1 after an error diagnostic. */
/* 1 when the feature's field `idx` holds nothing: unset, null, or text of
 * blanks only (a CSV's empty cell is an empty string, not a null). */
static int blank_cell(OGRFeatureH f, int idx)
{
	const char *s;
	if (!OGR_F_IsFieldSetAndNotNull(f, idx))
		return 1;
	if (OGR_Fld_GetType(OGR_F_GetFieldDefnRef(f, idx)) != OFTString)
		return 0;
	for (s = OGR_F_GetFieldAsString(f, idx); *s; s++)
		if (!strchr(" \t\r\n", *s))
			return 0;
	return 1;
}

/* 1 when the feature holds nothing at all: every field blank and no
 * geometry.  Excel saves the rows it once formatted as `,,,,,,,,`: such
 * a row is a blank line, which GDAL's CSV reader already skips, not a
 * school or compound without an id or a place. */
static int empty_feature(OGRFeatureH f)
{
	OGRGeometryH g = OGR_F_GetGeometryRef(f);
	int i, n = OGR_F_GetFieldCount(f);
	if (g && !OGR_G_IsEmpty(g))
		return 0;
	for (i = 0; i < n; i++)
		if (!blank_cell(f, i))
			return 0;
	return 1;
}

/* An SQL identifier, quoted (a quote in it doubled); NULL when out of
 * memory. */
static char *sql_ident(const char *name)
{
	size_t n = 3;
	const char *p;
	char *out, *q;
	for (p = name; *p; p++)
		n += *p == '"' ? 2 : 1;
	if (!(out = q = malloc(n)))
		return NULL;
	*q++ = '"';
	for (p = name; *p; p++) {
		if (*p == '"')
			*q++ = '"';
		*q++ = *p;
	}
	*q++ = '"';
	*q = 0;
	return out;
}

static int raw_cmp(const void *a, const void *b)
{
	const raw_val *x = a, *y = b;
	return x->fid != y->fid ? (x->fid < y->fid ? -1 : 1) : (x->idx > y->idx) - (x->idx < y->idx);
}

/* Keeps `text`, the value SQLite holds in field `idx` of feature `fid`
 * (find_raw), for messages: no control character or byte that is not
 * UTF-8 reaches the terminal (get_str's rule).  0, or -1 when out of
 * memory. */
static int add_raw(layer_src *L, size_t *cap, long fid, int idx, const char *text)
{
	char *t;
	if (L->nraw == *cap) {
		size_t more = *cap ? 2 * *cap : 16;
		raw_val *r = realloc(L->raw, more * sizeof *r);
		if (!r)
			return -1;
		L->raw = r;
		*cap = more;
	}
	if (!(t = cm__strdup(cm__utf8_valid(text) ? text : "(not UTF-8 text)")))
		return -1;
	blank_controls(t);
	L->raw[L->nraw++] = (raw_val){fid, idx, t};
	return 0;
}

/* find_raw's part for a layer without a key column (a view that does not
 * select its table's key, say): GDAL numbers the features itself, so no
 * SQL row is known to be which feature.  The values of integer field idx
 * (type t, SQL name col of table tab) that condition cond finds, as the
 * layer's filter keeps them, are grouped by their text; those GDAL would
 * read as another number (a fraction, text, a number out of the type's
 * range: what get_count would refuse or round) are one error of the field,
 * with their count and the first in text order.  Blank text is left to
 * GDAL, as get_count takes it as missing, and a whole number stored as a
 * real (30.0) reads as itself.  0, or -1 when out of memory. */
static int keyless_values(cm_dataset *ds, layer_src *L, int idx, OGRFieldType t, const char *col,
                          const char *tab, const char *cond)
{
	char *where = L->in->where ? from_utf8(L, L->in->where) : NULL, *sql, *first = NULL;
	long long bad = 0;
	OGRLayerH res;
	OGRFeatureH row;
	int rc = 0;
	if (L->in->where && !where)
		return -1;
	sql = cm__sprintf("SELECT CAST(%s AS TEXT) AS cm_text, COUNT(*) AS cm_n FROM %s WHERE (%s)%s%s%s "
	                  "GROUP BY 1 ORDER BY 1", col, tab, cond, where ? " AND (" : "",
	                  where ? where : "", where ? ")" : "");
	free(where);
	if (!sql)
		return -1;
	CPLPushErrorHandler(CPLQuietErrorHandler);
	res = GDALDatasetExecuteSQL(L->gds, sql, NULL, NULL);
	CPLPopErrorHandler();
	free(sql);
	if (!res)
		/* (then GDAL's reading is all there is: say so) */
		return ds_diag_feature(ds, L, CM_WARNING, "bad-value", -1, NULL, idx,
		                       _("in a layer without a key column (a view?), values that GDAL "
		                         "would read as other whole numbers could not be looked for")) < 0
		               ? -1
		               : 0;
	while (rc == 0 && (row = OGR_L_GetNextFeature(res)) != NULL) {
		const char *text = OGR_F_GetFieldAsString(row, 0);
		double d = 0;
		int null = 0, problem = cm__parse_number(text, &d, &null);
		int same = !problem && !null && d == floor(d) &&
		           (t == OFTInteger ? d >= -2147483648.0 && d <= 2147483647.0
		                            : fabs(d) < 9.2e18);
		if (!problem && (null || same)) {
			OGR_F_Destroy(row);
			continue; /* blank, or the whole number GDAL reads */
		}
		bad += OGR_F_GetFieldAsInteger64(row, 1);
		if (!first) {
			if (!(first = cm__strdup(cm__utf8_valid(text) ? text : "(not UTF-8 text)")))
				rc = -1;
			else
				blank_controls(first);
		}
		OGR_F_Destroy(row);
	}
	GDALDatasetReleaseResultSet(L->gds, res);
	if (rc == 0 && bad > 0 &&
	    ds_diag_feature(ds, L, CM_ERR, "bad-value", -1, NULL, idx,
	                    _("values GDAL would read as other whole numbers (%lld in all, such "
	                      "as '%s'), in a layer without a key column (a view?), where they "
	                      "cannot be told to their features: declare the column REAL, or give "
	                      "the layer an integer primary key"),
	                    bad, first) < 0)
		rc = -1;
	free(first);
	return rc;
}

/* SQLite keeps any value in any column: in a GeoPackage's integer column a
 * hand edit or another tool can leave text, a fraction or a number beyond
 * 32 bits, which GDAL reads as 0, the fraction cut, or the low 32 bits,
 * and says nothing ('abc' pupils read as 0).  For a GeoPackage or SQLite
 * layer, the integer fields the engine reads are asked for such values
 * once, in SQL; get_count reads them as the text they are (in a layer
 * without a key column: keyless_values).  0, or -1 when out of memory (a
 * query GDAL refuses finds nothing). */
static int find_raw(cm_dataset *ds, layer_src *L)
{
	const char *drv = GDALGetDriverShortName(GDALGetDatasetDriver(L->gds));
	const char *fidcol = OGR_L_GetFIDColumn(L->lyr);
	OGRFeatureDefnH defn = OGR_L_GetLayerDefn(L->lyr);
	size_t cap = 0;
	int keyless = !fidcol || !*fidcol;
	if (strcmp(drv, "GPKG") && strcmp(drv, "SQLite"))
		return 0;
	for (int f = 0; f < CM_NFIELDS; f++) {
		int idx = L->fidx[f], seen = 0, keyed, failed = 0;
		OGRFieldType t;
		char *col, *tab, *fc, *cond, *sql;
		OGRLayerH res;
		OGRFeatureH row;
		if (idx < 0)
			continue;
		for (int g = 0; g < f; g++)
			seen |= L->fidx[g] == idx;
		t = OGR_Fld_GetType(OGR_FD_GetFieldDefn(defn, idx));
		if (seen || (t != OFTInteger && t != OFTInteger64))
			continue;
		col = sql_ident(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, idx)));
		tab = sql_ident(OGR_L_GetName(L->lyr));
		fc = keyless ? NULL : sql_ident(fidcol);
		cond = col ? cm__sprintf("typeof(%s) NOT IN ('integer', 'null')%s%s%s", col,
		                         t == OFTInteger ? " OR " : "", t == OFTInteger ? col : "",
		                         t == OFTInteger ? " NOT BETWEEN -2147483648 AND 2147483647" : "")
		           : NULL;
		if (keyless) {
			failed = !cond || !tab || keyless_values(ds, L, idx, t, col, tab, cond);
			sql = NULL;
		} else
			sql = cond && tab && fc ? cm__sprintf("SELECT %s AS cm_row, CAST(%s AS TEXT) AS "
			                                      "cm_text FROM %s WHERE %s",
			                                      fc, col, tab, cond)
			                        : NULL;
		free(col);
		free(tab);
		free(fc);
		free(cond);
		if (failed || (!keyless && !sql))
			return -1;
		if (keyless)
			continue;
		CPLPushErrorHandler(CPLQuietErrorHandler);
		res = GDALDatasetExecuteSQL(L->gds, sql, NULL, NULL);
		CPLPopErrorHandler();
		free(sql);
		if (!res)
			continue;
		/* (GDAL takes the key column for the result's FID, and its field
		 * is gone) */
		keyed = OGR_L_GetFIDColumn(res) && *OGR_L_GetFIDColumn(res);
		while ((row = OGR_L_GetNextFeature(res)) != NULL) {
			failed = add_raw(L, &cap,
			                 keyed ? (long)OGR_F_GetFID(row)
			                       : (long)OGR_F_GetFieldAsInteger64(row, 0),
			                 idx, OGR_F_GetFieldAsString(row, !keyed));
			OGR_F_Destroy(row);
			if (failed) {
				GDALDatasetReleaseResultSet(L->gds, res);
				return -1;
			}
		}
		GDALDatasetReleaseResultSet(L->gds, res);
	}
	if (L->nraw > 1)
		qsort(L->raw, L->nraw, sizeof *L->raw, raw_cmp);
	return 0;
}

/* The text an integer field holds where GDAL read another number
 * (find_raw), NULL where it read the value. */
static const char *raw_text(const layer_src *L, long fid, int idx)
{
	raw_val key = {fid, idx, NULL};
	const raw_val *r = L->nraw ? bsearch(&key, L->raw, L->nraw, sizeof key, raw_cmp) : NULL;
	return r ? r->text : NULL;
}

static int get_count(cm_dataset *ds, layer_src *L, OGRFeatureH f, long fid, const char *id,
                     cm_field field, int *out)
{
	int idx = L->fidx[field], null = 0, bad;
	double d = 0;
	*out = 0;
	if (idx < 0)
		return 0;
	if (!OGR_F_IsFieldSetAndNotNull(f, idx)) {
		null = 1;
	} else {
		OGRFieldType t = OGR_Fld_GetType(OGR_FD_GetFieldDefn(OGR_L_GetLayerDefn(L->lyr), idx));
		const char *raw = t == OFTInteger || t == OFTInteger64 ? raw_text(L, fid, idx) : NULL;
		if (raw) {
			int problem = cm__parse_number(raw, &d, &null);
			if (problem) {
				ds_diag_feature(ds, L, CM_ERR, "bad-value", fid, id, idx, _("'%s' is %s"),
				                raw, cm__number_problem(problem));
				return -1;
			}
		} else if (t == OFTInteger || t == OFTInteger64 || t == OFTReal) {
			d = OGR_F_GetFieldAsDouble(f, idx);
		} else if (t == OFTStringList) {
			/* (a list of text in one feature: the one-value lists of the
			 * others are read as their text is) */
			char **v = OGR_F_GetFieldAsStringList(f, idx);
			int k = CSLCount(v), problem;
			if (k != 1) {
				ds_diag_feature(ds, L, CM_ERR, "bad-value", fid, id, idx,
				                _("a list of %d values, not a number"), k);
				return -1;
			}
			if ((problem = cm__parse_number(v[0], &d, &null)) != 0) {
				ds_diag_feature(ds, L, CM_ERR, "bad-value", fid, id, idx,
				                _("a list holding text, not a number"));
				return -1;
			}
		} else if (t == OFTIntegerList || t == OFTInteger64List || t == OFTRealList) {
			/* one feature's list makes GDAL type the whole field a list
			 * (GeoJSON): the others hold one value each, read as such;
			 * only the feature with a list is wrong */
			int k = 0;
			const int *vi = t == OFTIntegerList ? OGR_F_GetFieldAsIntegerList(f, idx, &k) : NULL;
			const GIntBig *vl =
			        t == OFTInteger64List ? OGR_F_GetFieldAsInteger64List(f, idx, &k) : NULL;
			const double *vd = t == OFTRealList ? OGR_F_GetFieldAsDoubleList(f, idx, &k) : NULL;
			if (k != 1) {
				ds_diag_feature(ds, L, CM_ERR, "bad-value", fid, id, idx,
				                _("a list of %d values, not a number"), k);
				return -1;
			}
			d = vi ? (double)vi[0] : vl ? (double)vl[0] : vd ? vd[0] : 0; /* (k 1: one of them) */
		} else if (t == OFTString) {
			char *s = get_str(L, f, idx, &bad);
			if (bad) {
				ds_diag_feature(ds, L, CM_ERR, bad_kind(bad), fid, id, idx, "%s",
				                bad_text(bad, enc_hint(L, _("the text is not UTF-8; set %s_encoding in "
				                                                    "[input] (GBK?)"), L->what)));
				return -1;
			}
			int problem = s ? cm__parse_number(s, &d, &null) : 0;
			if (problem) {
				ds_diag_feature(ds, L, CM_ERR, "bad-value", fid, id, idx, _("'%s' is %s"), s,
				                cm__number_problem(problem));
				free(s);
				return -1;
			}
			null = null || !s;
			free(s);
		} else {
			ds_diag_feature(ds, L, CM_ERR, "bad-type", fid, id, idx,
			                _("the field's type (%s) is not a number"),
			                OGR_GetFieldTypeName(t));
			return -1;
		}
	}
	if (null) {
		ds_diag_feature(ds, L, CM_WARNING, "missing-value", fid, id, idx,
		                _("%s is missing: taken as 0"), cm_field_name(field));
		return 0;
	}
	if (!isfinite(d)) { /* a numeric field may hold them */
		ds_diag_feature(ds, L, CM_ERR, "bad-value", fid, id, idx, _("%g is not a finite number"),
		                d);
		return -1;
	}
	if (!(fabs(d) <= CM_MAX_COUNT)) {
		ds_diag_feature(ds, L, CM_ERR, "bad-value", fid, id, idx,
		                _("%.15g is more than any compound or school has (at most %d)"), d,
		                CM_MAX_COUNT);
		return -1;
	}
	if (d != floor(d) && d < 0) { /* rounded, -0.4 would pass for 0 */
		ds_diag_feature(ds, L, CM_ERR, "negative-value", fid, id, idx, _("negative %s (%g)"),
		                cm_field_name(field), d);
		return -1;
	}
	if (d != floor(d)) {
		ds_diag_feature(ds, L, CM_WARNING, "not-whole", fid, id, idx,
		                _("%g is not a whole number: rounded to %.0f"), d, floor(d + 0.5));
		d = floor(d + 0.5);
	}
	*out = (int)d;
	return 0;
}

static void free_layer(layer_src *L, size_t n)
{
	int i;
	size_t k;
	if (L->geoms) {
		for (k = 0; k < n; k++)
			if (L->geoms[k])
				OGR_G_DestroyGeometry(L->geoms[k]);
		free(L->geoms);
	}
	for (i = 0; i < L->nfields; i++)
		free(L->fnames[i]);
	free(L->fnames);
	free(L->crs_unknown);
	for (k = 0; k < L->nraw; k++)
		free(L->raw[k].text);
	free(L->raw);
	free(L->name);
	free(L->shown);
	if (L->srs)
		OSRDestroySpatialReference(L->srs);
	if (L->gds)
		GDALClose(L->gds);
	memset(L, 0, sizeof *L);
}

/* ------------------------------------------------------------ 1. open */

/* 1 when the CSV's first line has no separator GDAL knows: its CSV
 * driver opens no such file, and says nothing. */
static int ends_in(const char *path, const char *ext)
{
	size_t len = strlen(path), n = strlen(ext);
	return len > n && !strcasecmp(path + len - n, ext);
}

/* 1 when the text at `path` is UTF-16 (a byte-order mark, or in a .csv,
 * .tsv or .txt a NUL byte among its first bytes): Excel's "Unicode Text"
 * and "CSV UTF-16", which GDAL opens as no table (its commas apart from
 * their NULs), or not at all. */
static int text_utf16(const char *path)
{
	unsigned char head[256];
	FILE *fp = fopen(path, "rb");
	size_t n = fp ? fread(head, 1, sizeof head, fp) : 0;
	if (fp)
		fclose(fp);
	if (n >= 2 && ((head[0] == 0xFF && head[1] == 0xFE) || (head[0] == 0xFE && head[1] == 0xFF)))
		return 1;
	return n > 0 && memchr(head, 0, n) != NULL &&
	       (ends_in(path, ".csv") || ends_in(path, ".tsv") || ends_in(path, ".txt"));
}

const char *cm__table_hint(const char *path)
{
	if (text_utf16(path))
		return _("the file is UTF-16 (Excel's \"Unicode Text\" or \"CSV UTF-16\"); save it "
		         "as CSV UTF-8");
	if (ends_in(path, ".txt"))
		return _("a table saved as text? Save it as CSV UTF-8 (.csv; commas or tabs)");
	return NULL;
}

static int csv_one_column(const char *path)
{
	char line[4096];
	FILE *fp = fopen(path, "r");
	int one = fp && fgets(line, sizeof line, fp) && !strpbrk(line, ",;\t|");
	if (fp)
		fclose(fp);
	return one;
}

/* Open options for a boundary in CSV: the WKT column's usual names (the
 * driver matches the header's raw bytes). */
static char **csv_boundary_options(layer_src *L)
{
	char buf[512], *enc;
	const char *const *al;
	char **opts = NULL;
	snprintf(buf, sizeof buf, "%s", cm_field_name(CM_F_WKT));
	for (al = cm__field_aliases(L->kind, CM_F_WKT); *al; al++) {
		strncat(buf, ",", sizeof buf - strlen(buf) - 1);
		strncat(buf, *al, sizeof buf - strlen(buf) - 1);
	}
	enc = from_utf8(L, buf);
	opts = CSLSetNameValue(opts, "GEOM_POSSIBLE_NAMES", enc ? enc : buf);
	free(enc);
	return CSLSetNameValue(opts, "KEEP_GEOM_COLUMNS", "NO");
}

/* Keeps PROJ's "crs not found" while a source opens (a GeoJSON naming
 * EPSG::999999 is read as WGS 84 otherwise, without a word). */
static void CPL_STDCALL note_crs(CPLErr e, CPLErrorNum num, const char *msg)
{
	layer_src *L = CPLGetErrorHandlerUserData();
	(void)num;
	if (e >= CE_Failure && msg && strstr(msg, "crs not found") && !L->crs_unknown)
		L->crs_unknown = cm__strdup(msg);
}

/* The length of `s` without its last character when `s` is valid UTF-8
 * but for that character, cut short (a lead byte missing continuation
 * bytes at the end); else 0. */
static size_t utf8_cut_at(const char *s)
{
	size_t len = strlen(s), k = len, need;
	unsigned char c;
	char *head;
	int ok;
	while (k > 0 && len - k < 3 && ((unsigned char)s[k - 1] & 0xC0) == 0x80)
		k--;
	if (k == 0)
		return 0;
	c = (unsigned char)s[k - 1];
	need = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
	if (!need || len - (k - 1) >= need || k - 1 == 0)
		return 0;
	if (!(head = cm__strdup(s)))
		return 0;
	head[k - 1] = '\0';
	ok = cm__utf8_valid(head);
	free(head);
	return ok ? k - 1 : 0;
}

static int open_layer(cm_ctx *ctx, layer_src *L)
{
	const char *path = L->in->path;
	GDALDriverH drv;
	const char *dname;
	char **opts = NULL;
	int n, i;

	if (!(L->shown = cm__source_shown(path)))
		return cm__error(ctx, CM_ENOMEM, _("out of memory"));
	if ((n = cm__input_ok(ctx, path, L->what)))
		return n; /* a FIFO would block the open */
	drv = GDALIdentifyDriverEx(path, GDAL_OF_VECTOR, NULL, NULL);
	if (!drv) {
		const char *hint;
		if (access(path, R_OK) != 0)
			return cm__error(ctx, CM_EINPUT, _("%s: the %s file does not exist or cannot be read"),
			                 L->shown, L->what);
		/* a table saved as text (Excel's "Text (Tab delimited)", .txt),
		 * or in UTF-16 */
		if ((hint = cm__table_hint(path)) != NULL)
			return cm__error(ctx, CM_EINPUT, _("%s: not a vector data source GDAL can read "
			                 "(%s): %s"), L->shown, L->what, hint);
		return cm__error(ctx, CM_EINPUT, _("%s: not a vector data source GDAL can read (%s)"),
		                 L->shown, L->what);
	}
	dname = GDALGetDriverShortName(drv);
	if (L->in->encoding && !is_utf8_name(L->in->encoding)) {
		if (!strcmp(dname, "ESRI Shapefile"))
			opts = CSLSetNameValue(opts, "ENCODING", L->in->encoding);
		else
			L->encoding = L->in->encoding;
	}
	if (!strcmp(dname, "CSV") && L->boundary) {
		char **c = csv_boundary_options(L);
		opts = CSLMerge(opts, c);
		CSLDestroy(c);
	}
	CPLErrorReset();
	CPLPushErrorHandlerEx(note_crs, L);
	L->gds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL,
	                    (const char *const *)opts, NULL);
	CPLPopErrorHandler();
	CSLDestroy(opts);
	if (!L->gds) {
		struct stat st;
		const char *why = CPLGetLastErrorMsg();
		if (!*why && stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0)
			why = _("the file is empty");
		else if (!*why && !strcmp(dname, "CSV") && text_utf16(path))
			why = cm__table_hint(path);
		else if (!*why && !strcmp(dname, "CSV") && csv_one_column(path))
			why = _("GDAL opens no CSV of a single column (a boundary's WKT alone): add a "
			        "second column, a name say");
		else if (!*why)
			why = _("GDAL gave no reason");
		return cm__error(ctx, CM_EINPUT, _("%s: cannot open the %s source: %s"), L->shown, L->what,
		                 why);
	}
	n = GDALDatasetGetLayerCount(L->gds);
	if (L->in->layer) {
		L->lyr = GDALDatasetGetLayerByName(L->gds, L->in->layer);
	} else if (n == 1) {
		L->lyr = GDALDatasetGetLayer(L->gds, 0);
	} else {
		L->lyr = GDALDatasetGetLayerByName(L->gds, L->what);
	}
	if (!L->lyr) {
		char buf[1024] = "";
		for (i = 0; i < n && i < 30; i++) {
			if (i)
				strncat(buf, ", ", sizeof buf - strlen(buf) - 1);
			strncat(buf, OGR_L_GetName(GDALDatasetGetLayer(L->gds, i)),
			        sizeof buf - strlen(buf) - 1);
		}
		char key[160];
		if (L->layer_key)
			snprintf(key, sizeof key, "%s", L->layer_key);
		else
			snprintf(key, sizeof key, _("%s_layer in [input]"), L->what);
		if (L->in->layer)
			return cm__error(ctx, CM_EINPUT, _("%s: no layer '%s' (%s); its layers: %s"),
			                 L->shown, L->in->layer, key, n ? buf : "none");
		return cm__error(ctx, CM_EINPUT,
		                 _("%s: %d layers (%s) and none named '%s': name the %s layer with "
		                 "%s"), L->shown, n, buf, L->what, L->what, key);
	}
	L->name = cm__strdup(OGR_L_GetName(L->lyr));
	if (!L->name)
		return cm__error(ctx, CM_ENOMEM, _("out of memory"));
	if (L->in->where) {
		char *w = from_utf8(L, L->in->where);
		OGRErr e = w ? OGR_L_SetAttributeFilter(L->lyr, w) : OGRERR_NOT_ENOUGH_MEMORY;
		free(w);
		if (e != OGRERR_NONE)
			return cm__error(ctx, CM_EINPUT, _("%s, layer %s: %s_where = '%s' is not a valid "
			                 "filter: %s"), L->shown, L->name, L->what, L->in->where,
			                 CPLGetLastErrorMsg());
	}
	/* Before anything that matches names: a wrong encoding explains more
	 * than the missing columns it causes. */
	{
		OGRFeatureDefnH defn = OGR_L_GetLayerDefn(L->lyr);
		char *u = NULL;
		size_t cut = 0;
		for (i = 0; i < OGR_FD_GetFieldCount(defn) && !u; i++) {
			u = to_utf8(L, OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)));
			if (!u)
				return cm__error(ctx, CM_ENOMEM, _("out of memory"));
			if (cm__utf8_valid(u)) {
				free(u);
				u = NULL;
			}
		}
		if (!u)
			goto names_ok;
		if (!strcmp(dname, "ESRI Shapefile") &&
		    (!L->in->encoding || is_utf8_name(L->in->encoding)))
			cut = utf8_cut_at(u);
		if (cut)
			/* The shapefile's names are UTF-8 (its .cpg says so), but a
			 * DBF field name holds 10 bytes: a Chinese name (3 bytes a
			 * character) written there by QGIS or ogr2ogr loses the end
			 * of a character, which no [fields] key can spell.  GBK
			 * would be the wrong advice: the values are UTF-8. */
			n = cm__error(ctx, CM_EINPUT,
			              _("%s, layer %s: the field name '%.*s...' is UTF-8 cut in the middle "
			              "of a character: a shapefile's field names hold 10 bytes, 3 Chinese "
			              "characters in UTF-8; save the layer as a GeoPackage, or as a "
			              "shapefile in GBK (5 characters), or give its fields names of at "
			              "most 3 Chinese characters"), L->shown, L->name, (int)cut, u);
		else if (L->in->encoding)
			n = cm__error(ctx, CM_EINPUT,
			              _("%s, layer %s: field names are not %s (%s_encoding, or encoding, "
			              "in [input]): is that the file's encoding?"),
			              L->shown, L->name, L->in->encoding, L->what);
		else
			n = cm__error(ctx, CM_EINPUT,
			              _("%s, layer %s: field names are not UTF-8: the file is probably "
			              "GBK; set %s_encoding = GBK in [input]"), L->shown, L->name, L->what);
		free(u);
		return n;
	}
names_ok:
	/* A CSV's columns are read here, whatever the driver makes of them
	 * (it takes a column named WKT for the geometry on its own); so is a
	 * table without geometry, such as a spreadsheet. */
	L->columns = !L->boundary && (!strcmp(dname, "CSV") ||
	                              OGR_FD_GetGeomFieldCount(OGR_L_GetLayerDefn(L->lyr)) == 0);
	if (L->boundary && OGR_FD_GetGeomFieldCount(OGR_L_GetLayerDefn(L->lyr)) == 0)
		return cm__error(ctx, CM_EINPUT, _("%s, layer %s: no geometry: the boundary must be "
		                 "polygons"), path, L->name);
	return 0;
}

/* The layer's CRS, or the configured one; web-map coordinates checked. */
static int layer_crs(cm_ctx *ctx, cm_dataset *ds, layer_src *L)
{
	OGRSpatialReferenceH own = OGR_L_GetSpatialRef(L->lyr);
	if (L->in->source_crs) {
		L->srs = cm__crs_from_user(L->in->source_crs);
		if (!L->srs)
			return cm__error(ctx, CM_EINPUT, _("%s: source_crs = '%s' is not a CRS GDAL knows"),
			                 L->shown, L->in->source_crs);
		if (own && !OSRIsSame(own, L->srs)) {
			char *a = cm__crs_describe(own), *b = cm__crs_describe(L->srs);
			cm__diag(ds, CM_NOTE, "crs", L->shown, L->name, NULL, NULL,
			         _("the layer declares %s; source_crs overrides it with %s"), a, b);
			free(a);
			free(b);
		}
	} else if (L->crs_unknown) {
		return cm__error(ctx, CM_EINPUT,
		                 _("%s, layer %s: the file names a CRS that GDAL does not know (%s); "
		                 "set source_crs (or %s_source_crs) in [input]"),
		                 L->shown, L->name, L->crs_unknown, L->what);
	} else if (own) {
		L->srs = cm__crs_clone(own);
		L->geojson84 = cm__crs_geojson_wgs84(
			GDALGetDriverShortName(GDALGetDatasetDriver(L->gds)), own);
	} else if (L->boundary) {
		/* source_crs does not apply to the boundary (docs/config.md) */
		return cm__error(ctx, CM_EINPUT,
		                 _("%s, layer %s: the layer declares no CRS; set boundary_source_crs "
		                 "in [input], e.g. EPSG:4490 for CGCS2000 longitude/latitude"),
		                 L->shown, L->name);
	} else {
		return cm__error(ctx, CM_EINPUT,
		                 _("%s, layer %s: the layer declares no CRS; set source_crs (or %s_source_crs) "
		                 "in [input], e.g. EPSG:4490 for CGCS2000 longitude/latitude"),
		                 L->shown, L->name, L->what);
	}
	if (!L->srs)
		return cm__error(ctx, CM_ENOMEM, _("out of memory"));
	if (L->in->coordinates != CM_COORDS_PLAIN && !OSRIsGeographic(L->srs))
		return cm__error(ctx, CM_EINPUT,
		                 _("%s, layer %s: coordinates = %s needs longitude/latitude, but the "
		                 "layer's CRS is projected"), L->shown, L->name,
		                 L->in->coordinates == CM_COORDS_GCJ02 ? "gcj02" : "bd09");
	if (L->in->coordinates != CM_COORDS_PLAIN) {
		/* Undone offsets leave WGS 84 longitude/latitude. */
		OSRDestroySpatialReference(L->srs);
		L->srs = cm__crs_wgs84();
		if (!L->srs)
			return cm__error(ctx, CM_ENOMEM, _("out of memory"));
	}
	return 0;
}

/* ------------------------------------------------------------ 2. fields */

static int find_field(layer_src *L, const char *name)
{
	int i;
	for (i = 0; i < L->nfields; i++)
		if (!strcmp(L->fnames[i], name))
			return i;
	for (i = 0; i < L->nfields; i++)
		if (cm__streq_ci(L->fnames[i], name))
			return i;
	/* blanks around a header (a spreadsheet's "学校代码　": GDAL trims
	 * only ASCII ones) were "no field '学校代码'; its fields: 学校代码　"
	 * (a fresh-eyes attack), two names that look the same */
	for (i = 0; i < L->nfields; i++)
		if (cm__name_eq(L->fnames[i], name))
			return i;
	return -1;
}

static char *field_list(layer_src *L)
{
	char buf[2048] = "";
	int i;
	for (i = 0; i < L->nfields; i++) {
		if (i)
			strncat(buf, ", ", sizeof buf - strlen(buf) - 1);
		strncat(buf, L->fnames[i], sizeof buf - strlen(buf) - 1);
	}
	return cm__strdup(L->nfields ? buf : "(none)");
}

static int resolve_fields(cm_ctx *ctx, cm_dataset *ds, layer_src *L)
{
	unsigned char none[CM_NFIELDS] = {0}; /* fields [fields] sets to none */
	OGRFeatureDefnH defn = OGR_L_GetLayerDefn(L->lyr);
	int f, i, rc = 0;
	char *list = NULL;

	L->nfields = OGR_FD_GetFieldCount(defn);
	L->fnames = calloc((size_t)L->nfields + 1, sizeof(char *));
	if (!L->fnames)
		return cm__error(ctx, CM_ENOMEM, _("out of memory"));
	for (i = 0; i < L->nfields; i++) {
		L->fnames[i] = to_utf8(L, OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)));
		if (!L->fnames[i])
			return cm__error(ctx, CM_ENOMEM, _("out of memory"));
	}

	if (L->nfields == 0 && L->lyr && OGR_L_GetFeatureCount(L->lyr, TRUE) == 0) {
		/* a GeoJSON with no features has no fields either: say that,
		 * not "no field ...; its fields: (none)" */
		rc = cm__error(ctx, CM_EINPUT, _("%s, layer %s: the layer has no features"), L->shown,
		               L->name);
		goto done;
	}
	list = field_list(L);
	for (f = 0; f < CM_NFIELDS; f++) {
		L->fidx[f] = -1;
		/* the geometry's columns count only where the geometry comes
		 * from columns: a layer with geometry of its own ignores them */
		if (!cm__field_used(L->kind, (cm_field)f) ||
		    ((f == CM_F_X || f == CM_F_Y || f == CM_F_WKT) && !L->columns))
			continue;
		if (L->in->field[f] && cm__streq_ci(L->in->field[f], "none")) {
			none[f] = 1; /* the data has no such field, on purpose */
			continue;
		}
		if (L->in->field[f]) {
			L->fidx[f] = find_field(L, L->in->field[f]);
			if (L->fidx[f] < 0) {
				rc = cm__error(ctx, CM_EINPUT,
				               _("%s, layer %s: no field '%s' ([fields] %s.%s); its fields: %s"),
				               L->shown, L->name, L->in->field[f], L->what,
				               cm_field_name((cm_field)f), list);
				goto done;
			}
			continue;
		}
		L->fidx[f] = find_field(L, cm_field_name((cm_field)f));
		{
			const char *const *al;
			for (al = cm__field_aliases(L->kind, (cm_field)f); L->fidx[f] < 0 && *al; al++)
				L->fidx[f] = find_field(L, *al);
		}
	}
	/* Two counts read from one column ([fields] compounds.primary_migrant =
	 * primary_local) count the same pupils or seats twice: a slip, like
	 * half a pair of pupil fields below.  A school's one column for both
	 * levels (seats_primary and seats_junior = 容量) is a layout: a school
	 * of one level uses one of them (a nine-year school's are counted
	 * twice: check warns, check_school_values). */
	for (f = CM_F_SEATS_PRIMARY; f <= CM_F_JUNIOR_MIGRANT; f++) {
		int g;
		if (f == CM_F_BOARDING || f == CM_F_AREA_TYPE || L->fidx[f] < 0)
			continue;
		for (g = f + 1; g <= CM_F_JUNIOR_MIGRANT; g++)
			if (L->fidx[g] == L->fidx[f] &&
			    !(f <= CM_F_PURCHASED_PRIMARY && !((f - CM_F_SEATS_PRIMARY) & 1) && g == f + 1))
				break;
		if (g <= CM_F_JUNIOR_MIGRANT) {
			rc = cm__error(ctx, CM_EINPUT,
			               _("%s, layer %s: %s and %s are both read from the field '%s': "
			               "the same counts would be taken twice; name each its own field in "
			               "[fields]"), L->shown, L->name, cm_field_name((cm_field)f),
			               cm_field_name((cm_field)g), L->fnames[L->fidx[f]]);
			goto done;
		}
	}
	if (L->columns) {
		/* longitude and latitude if both are there, else a WKT column; a
		 * WKT column [fields] names wins over x and y found by name */
		int x = L->fidx[CM_F_X], y = L->fidx[CM_F_Y];
		int wkt_named = L->fidx[CM_F_WKT] >= 0 && L->in->field[CM_F_WKT] &&
		                !L->in->field[CM_F_X] && !L->in->field[CM_F_Y];
		if (x >= 0 && y >= 0 && !wkt_named) {
			L->fidx[CM_F_WKT] = -1;
		} else if (L->fidx[CM_F_WKT] < 0 && (x >= 0 || y >= 0)) {
			rc = cm__error(ctx, CM_EINPUT,
			               _("%s, layer %s: a %s column (%s) but no %s column; name it with "
			               "%s.%s in [fields]; the layer's fields: %s"),
			               L->shown, L->name, x >= 0 ? _("longitude") : _("latitude"),
			               L->fnames[x >= 0 ? x : y], x >= 0 ? _("latitude") : _("longitude"),
			               L->what, x >= 0 ? "y" : "x", list);
			goto done;
		} else if (L->fidx[CM_F_WKT] < 0) {
			rc = cm__error(ctx, CM_EINPUT,
			               _("%s, layer %s: no geometry; a CSV needs longitude/latitude columns "
			               "(x, y, lon, lat, 经度, 纬度) or a WKT column, or name them with "
			               "%s.x / %s.y / %s.wkt in [fields]; the layer's fields: %s"),
			               L->shown, L->name, L->what, L->what, L->what, list);
			goto done;
		} else {
			L->fidx[CM_F_X] = L->fidx[CM_F_Y] = -1;
		}
	}
	if (L->fidx[CM_F_ID] < 0) {
		rc = cm__error(ctx, CM_EINPUT,
		               _("%s, layer %s: no id field (tried id and its usual names); name it with "
		               "%s.id in [fields]; the layer's fields: %s"),
		               L->shown, L->name, L->what, list);
		goto done;
	}
	if (L->kind == CM_SCHOOLS) {
		if (L->fidx[CM_F_LEVEL] < 0) {
			rc = cm__error(ctx, CM_EINPUT,
			               _("%s, layer %s: no level field (学段); name it with schools.level "
			               "in [fields]; the layer's fields: %s"), L->shown, L->name, list);
			goto done;
		}
		if (L->fidx[CM_F_SECTOR] < 0)
			cm__diag(ds, CM_WARNING, "missing-field", L->shown, L->name, NULL, "sector",
			         _("no sector field (办学性质): every school taken as public"));
	} else {
		if (L->fidx[CM_F_PRIMARY_LOCAL] < 0 && L->fidx[CM_F_PRIMARY_MIGRANT] < 0 &&
		    L->fidx[CM_F_JUNIOR_LOCAL] < 0 && L->fidx[CM_F_JUNIOR_MIGRANT] < 0) {
			rc = cm__error(ctx, CM_EINPUT,
			               _("%s, layer %s: no pupil fields (primary_local, primary_migrant, "
			               "junior_local, junior_migrant); name them in [fields]; the "
			               "layer's fields: %s"), L->shown, L->name, list);
			goto done;
		}
		if (L->fidx[CM_F_AREA_TYPE] < 0)
			cm__diag(ds, CM_WARNING, "missing-field", L->shown, L->name, NULL, "area_type",
			         _("no area_type field (城区/镇区/乡村): every compound taken as urban"));
		/* A level's local field without its migrant field (or the other way
		 * round) is a mistyped name more often than data without migrants:
		 * an error, unless [fields] says `none`.  A level with neither is
		 * a layer for the other level. */
		for (f = CM_F_PRIMARY_LOCAL; f <= CM_F_JUNIOR_MIGRANT; f += 2) {
			int other = f + 1;
			for (int k = 0; k < 2; k++) {
				int a = k ? other : f, b = k ? f : other;
				if (L->fidx[a] >= 0 || none[a] || L->fidx[b] < 0)
					continue;
				rc = cm__error(ctx, CM_EINPUT,
				               _("%s, layer %s: a %s field but no %s field (mistyped?); name it "
				               "with %s.%s in [fields], or set it to none if the data has no "
				               "such pupils; the layer's fields: %s"),
				               L->shown, L->name, cm_field_name((cm_field)b),
				               cm_field_name((cm_field)a), L->what, cm_field_name((cm_field)a),
				               list);
				goto done;
			}
		}
		for (f = CM_F_PRIMARY_LOCAL; f <= CM_F_JUNIOR_MIGRANT; f++)
			if (L->fidx[f] < 0)
				cm__diag(ds, CM_NOTE, "missing-field", L->shown, L->name, NULL,
				         cm_field_name((cm_field)f), _("no %s field%s: taken as 0 everywhere"),
				         cm_field_name((cm_field)f), none[f] ? _(" (none in [fields])") : "");
	}
done:
	free(list);
	return rc;
}

/* ------------------------------------------------------------ 3. features */

typedef void (*point_fn)(double lon, double lat, double *olon, double *olat);

static void map_points(OGRGeometryH g, point_fn fn)
{
	int i, n = OGR_G_GetGeometryCount(g);
	if (n > 0) {
		for (i = 0; i < n; i++)
			map_points(OGR_G_GetGeometryRef(g, i), fn);
		return;
	}
	n = OGR_G_GetPointCount(g);
	for (i = 0; i < n; i++) {
		double x, y, z, ox, oy;
		OGR_G_GetPoint(g, i, &x, &y, &z);
		fn(x, y, &ox, &oy);
		OGR_G_SetPoint_2D(g, i, ox, oy);
	}
}

/* Does WKT text hold nan or inf where a coordinate should be?  (No WKT
 * keyword contains either.) */
static int wkt_nonfinite(const char *s)
{
	for (; *s; s++) {
		char a = (char)(*s | 0x20), b = (char)(s[1] | 0x20), c = s[1] ? (char)(s[2] | 0x20) : 0;
		if ((a == 'n' && b == 'a' && c == 'n') || (a == 'i' && b == 'n' && c == 'f'))
			return 1;
	}
	return 0;
}

/* One coordinate from a column, into *out: 0, or -1 after a diagnostic.  A
 * numeric column is taken as it is; text must be a decimal number. */
static int take_coordinate(cm_dataset *ds, layer_src *L, OGRFeatureH f, long fid,
                           const char *id, int idx, double *out)
{
	OGRFieldType t = OGR_Fld_GetType(OGR_FD_GetFieldDefn(OGR_L_GetLayerDefn(L->lyr), idx));
	char *s;
	int bad, null, problem;
	if (!OGR_F_IsFieldSetAndNotNull(f, idx)) {
		s = NULL;
	} else if (t == OFTReal || t == OFTInteger || t == OFTInteger64) {
		*out = OGR_F_GetFieldAsDouble(f, idx);
		if (isfinite(*out))
			return 0;
		ds_diag_feature(ds, L, CM_ERR, "bad-geometry", fid, id, idx,
		                _("the coordinate %g is not a finite number: the feature cannot be "
		                "placed on the map"), *out);
		return -1;
	} else {
		s = get_str(L, f, idx, &bad);
		if (bad) {
			ds_diag_feature(ds, L, CM_ERR, bad_kind(bad), fid, id, idx, "%s",
			                bad_text(bad, enc_hint(L, _("the text is not UTF-8; set %s_encoding in "
			                                                    "[input] (GBK?)"), L->what)));
			return -1;
		}
	}
	if (!s) {
		ds_diag_feature(ds, L, CM_ERR, "empty-geometry", fid, id, idx,
		                _("no coordinate: the feature cannot be placed on the map"));
		return -1;
	}
	problem = cm__parse_number(s, out, &null);
	if (problem)
		ds_diag_feature(ds, L, CM_ERR, "bad-geometry", fid, id, idx,
		                _("the coordinate '%s' is %s: the feature cannot be placed on the map"),
		                s, cm__number_problem(problem));
	free(s);
	return problem ? -1 : 0;
}

/* The geometry of a layer without one of its own: a point from the x and y
 * columns, or the WKT column's text.  NULL after a diagnostic; *field
 * names the column for later ones. */
static OGRGeometryH column_geometry(cm_dataset *ds, layer_src *L, OGRFeatureH f, long fid,
                                    const char *id, const char **field)
{
	int wkt = L->fidx[CM_F_WKT], bad;
	OGRGeometryH g = NULL;
	char *s, *p;
	if (wkt < 0) {
		double x = 0, y = 0;
		int ok = take_coordinate(ds, L, f, fid, id, L->fidx[CM_F_X], &x) == 0;
		ok &= take_coordinate(ds, L, f, fid, id, L->fidx[CM_F_Y], &y) == 0;
		*field = L->fnames[L->fidx[CM_F_X]];
		if (!ok || !(g = OGR_G_CreateGeometry(wkbPoint)))
			return NULL;
		OGR_G_SetPoint_2D(g, 0, x, y);
		return g;
	}
	*field = L->fnames[wkt];
	s = get_str(L, f, wkt, &bad);
	if (bad) {
		ds_diag_feature(ds, L, CM_ERR, bad_kind(bad), fid, id, wkt, "%s",
		                bad_text(bad, enc_hint(L, _("the text is not UTF-8; set %s_encoding in "
		                                                    "[input] (GBK?)"), L->what)));
		return NULL;
	}
	if (!s) {
		ds_diag_feature(ds, L, CM_ERR, "empty-geometry", fid, id, wkt,
		                _("no geometry: the feature cannot be placed on the map"));
		return NULL;
	}
	p = s;
	if (OGR_G_CreateFromWkt(&p, NULL, &g) != OGRERR_NONE || !g) {
		if (wkt_nonfinite(s))
			ds_diag_feature(ds, L, CM_ERR, "bad-geometry", fid, id, wkt,
			                _("'%.80s': a coordinate is not a finite number: the feature "
			                "cannot be placed on the map"), s);
		else
			ds_diag_feature(ds, L, CM_ERR, "bad-geometry", fid, id, wkt,
			                _("'%.80s' is not a WKT geometry such as POINT (113.05 24.79)"), s);
		g = NULL;
	}
	free(s);
	return g;
}

/* 1 when every coordinate of `g` is a finite number.  (An envelope would
 * not do: comparisons skip a NaN.) */
static int all_finite(OGRGeometryH g)
{
	int i, n = OGR_G_GetGeometryCount(g);
	if (n > 0) {
		for (i = 0; i < n; i++)
			if (!all_finite(OGR_G_GetGeometryRef(g, i)))
				return 0;
		return 1;
	}
	n = OGR_G_GetPointCount(g);
	for (i = 0; i < n; i++) {
		double x, y, z;
		OGR_G_GetPoint(g, i, &x, &y, &z);
		if (!isfinite(x) || !isfinite(y))
			return 0;
	}
	return 1;
}

/* The feature's geometry, checked and in lon/lat without web-map offsets.
 * NULL after a diagnostic. */
static OGRGeometryH take_geometry(cm_dataset *ds, layer_src *L, OGRFeatureH f, long fid,
                                  const char *id)
{
	OGRGeometryH g;
	OGRwkbGeometryType t;
	OGREnvelope env;
	int polygonal;
	const char *field = OGR_L_GetGeometryColumn(L->lyr);
	if (!field || !*field || !cm__utf8_valid(field))
		field = "geometry"; /* GeoJSON and shapefiles do not name it */
	if (L->columns) {
		if (!(g = column_geometry(ds, L, f, fid, id, &field)))
			return NULL;
	} else {
		OGRGeometryH src = OGR_F_GetGeometryRef(f);
		/* GDAL takes a point with one NaN coordinate for an empty one;
		 * both NaN is how WKB writes POINT EMPTY */
		if (src && OGR_G_IsEmpty(src) && wkbFlatten(OGR_G_GetGeometryType(src)) == wkbPoint &&
		    isnan(OGR_G_GetX(src, 0)) != isnan(OGR_G_GetY(src, 0))) {
			ds_diag_named(ds, L, CM_ERR, "bad-geometry", fid, id, field,
			              _("a coordinate is not a finite number (NaN): the feature cannot "
			              "be placed on the map"));
			return NULL;
		}
		g = src && !OGR_G_IsEmpty(src) ? OGR_G_Clone(src) : NULL;
	}
	if (!g || OGR_G_IsEmpty(g)) {
		ds_diag_named(ds, L, CM_ERR, "empty-geometry", fid, id, field,
		              _("no geometry: the feature cannot be placed on the map"));
		if (g)
			OGR_G_DestroyGeometry(g);
		return NULL;
	}
	t = wkbFlatten(OGR_G_GetGeometryType(g));
	polygonal = t == wkbPolygon || t == wkbMultiPolygon;
	if (!(t == wkbPoint || polygonal || (t == wkbMultiPoint && OGR_G_GetGeometryCount(g) == 1))) {
		ds_diag_named(ds, L, CM_ERR, "bad-geometry", fid, id, field,
		              _("a %s geometry; %s must be points or polygons"),
		              OGRGeometryTypeToName(t), L->what);
		OGR_G_DestroyGeometry(g);
		return NULL;
	}
	OGR_G_FlattenTo2D(g);
	OGR_G_GetEnvelope(g, &env);
	if (!all_finite(g)) {
		ds_diag_named(ds, L, CM_ERR, "bad-geometry", fid, id, field,
		              _("a coordinate is not a finite number (NaN or infinite): the feature "
		              "cannot be placed on the map"));
		OGR_G_DestroyGeometry(g);
		return NULL;
	}
	if (OSRIsGeographic(L->srs) &&
	    (env.MinX < -180 || env.MaxX > 180 || env.MinY < -90 || env.MaxY > 90)) {
		if (env.MinX >= -90 && env.MaxX <= 90 && env.MinY >= -180 && env.MaxY <= 180)
			/* longitude/latitude the other way round (a CSV's columns
			 * exchanged, or latitude first as a phone map copies it) */
			ds_diag_named(ds, L, CM_ERR, "bad-geometry", fid, id, field,
			              _("coordinates (%.6g, %.6g) are not longitude/latitude, but would be "
			              "the other way round: are the longitude and the latitude swapped "
			              "(the x and y columns, 经度 and 纬度)?"), env.MinX, env.MinY);
		else if (L->geojson84) /* the likeliest cause: metres in a file that does not say so */
			ds_diag_named(ds, L, CM_ERR, "bad-geometry", fid, id, field,
			              _("coordinates (%.6g, %.6g) are not longitude/latitude, which the "
			              "layer's CRS says they are: GeoJSON is read as WGS 84 where it has "
			              "no crs member or names CRS84 (RFC 7946); if they are in another "
			              "CRS, name it with %s_source_crs in [input] (e.g. EPSG:4547, "
			              "CGCS2000 3-degree GK CM 114E)"), env.MinX, env.MinY, L->what);
		else
			ds_diag_named(ds, L, CM_ERR, "bad-geometry", fid, id, field,
			              _("coordinates (%.6g, %.6g) are not longitude/latitude, which the "
			              "layer's CRS says they are: check source_crs"), env.MinX, env.MinY);
		OGR_G_DestroyGeometry(g);
		return NULL;
	}
	if (polygonal && !OGR_G_IsValid(g)) {
		OGRGeometryH fixed;
		if (!ds->repair) {
			ds_diag_feature(ds, L, CM_ERR, "invalid-geometry", fid, id, -1,
			                _("invalid polygon (self-intersecting or badly nested rings): "
			                "fix it in a GIS, or set repair_geometry = yes in [input]"));
			OGR_G_DestroyGeometry(g);
			return NULL;
		}
		fixed = OGR_G_MakeValid(g);
		OGR_G_DestroyGeometry(g);
		if (!fixed || OGR_G_IsEmpty(fixed) || OGR_G_Area(fixed) <= 0) {
			ds_diag_feature(ds, L, CM_ERR, "invalid-geometry", fid, id, -1,
			                _("invalid polygon that could not be repaired"));
			if (fixed)
				OGR_G_DestroyGeometry(fixed);
			return NULL;
		}
		ds_diag_feature(ds, L, CM_WARNING, "repaired-geometry", fid, id, -1,
		                _("invalid polygon, repaired (repair_geometry = yes)"));
		g = fixed;
	}
	if (L->in->coordinates == CM_COORDS_GCJ02)
		map_points(g, cm__gcj02_to_wgs84);
	else if (L->in->coordinates == CM_COORDS_BD09)
		map_points(g, cm__bd09_to_wgs84);
	return g;
}

/* id, with its own diagnostics; NULL after an error. */
static char *take_id(cm_dataset *ds, layer_src *L, OGRFeatureH f, long fid)
{
	int bad;
	char *id = get_str(L, f, L->fidx[CM_F_ID], &bad);
	if (bad)
		ds_diag_feature(ds, L, CM_ERR, bad_kind(bad), fid, NULL, L->fidx[CM_F_ID], "%s",
		                bad_text(bad, enc_hint(L, _("the id is not UTF-8; set %s_encoding in "
		                                                    "[input] (GBK?)"), L->what)));
	else if (!id)
		ds_diag_feature(ds, L, CM_ERR, "missing-value", fid, NULL, L->fidx[CM_F_ID],
		                _("the id is missing"));
	return id;
}

/* A text field: NULL when the layer lacks it or the cell is empty; text
 * that is not UTF-8 is an error diagnostic saying `not_utf8`. */
static char *take_text(cm_dataset *ds, layer_src *L, OGRFeatureH f, long fid, const char *id,
                       cm_field field, const char *not_utf8)
{
	int bad;
	char *s = get_str(L, f, L->fidx[field], &bad);
	if (bad)
		ds_diag_feature(ds, L, CM_ERR, bad_kind(bad), fid, id, L->fidx[field], "%s",
		                bad_text(bad, not_utf8));
	return s;
}

static char *take_name(cm_dataset *ds, layer_src *L, OGRFeatureH f, long fid, const char *id)
{
	char *name = take_text(ds, L, f, fid, id, CM_F_NAME,
	                       enc_hint(L, _("the name is not UTF-8; set %s_encoding in [input] "
	                                     "(GBK?)"), L->what));
	return name ? name : cm__strdup(id);
}

/* A mapped value field (level, sector, area_type, boarding): the engine
 * value, `dflt` when the field is absent, -1 after an error diagnostic. */
static int take_enum(cm_dataset *ds, layer_src *L, const cm_config *cfg, OGRFeatureH f, long fid,
                     const char *id, cm_field field, int dflt, int required)
{
	int idx = L->fidx[field], bad, v;
	char *s;
	if (idx < 0)
		return dflt;
	s = get_str(L, f, idx, &bad);
	if (bad) {
		ds_diag_feature(ds, L, CM_ERR, bad_kind(bad), fid, id, idx, "%s",
		                bad_text(bad, enc_hint(L, _("the text is not UTF-8; set %s_encoding in "
		                                                    "[input] (GBK?)"), L->what)));
		return -1;
	}
	if (!s) {
		if (required) {
			ds_diag_feature(ds, L, CM_ERR, "missing-value", fid, id, idx, _("%s is missing"),
			                cm_field_name(field));
			return -1;
		}
		ds_diag_feature(ds, L, CM_WARNING, "missing-value", fid, id, idx,
		                _("%s is missing: taken as %s"), cm_field_name(field),
		                field == CM_F_SECTOR ? "public" : field == CM_F_AREA_TYPE ? "urban" : "no");
		return dflt;
	}
	switch (field) {
	case CM_F_LEVEL: v = cm__map_kind(&cfg->values, s); break;
	case CM_F_SECTOR: v = cm__map_sector(&cfg->values, s); break;
	case CM_F_AREA_TYPE: v = cm__map_area(&cfg->values, s); break;
	default: v = cm__map_bool(&cfg->values, s); break;
	}
	if (v < 0) {
		const char *hint;
		char *kinds = NULL;
		switch (field) {
		case CM_F_LEVEL: hint = kinds = cm__kind_spellings(&cfg->values); break;
		case CM_F_SECTOR: hint = "public, private, 公办, 民办"; break;
		case CM_F_AREA_TYPE: hint = "urban, town, rural, 城区, 镇区, 乡村"; break;
		default: hint = "0, 1, yes, no, 是, 否"; break;
		}
		ds_diag_feature(ds, L, CM_ERR, "bad-value", fid, id, idx,
		                _("'%s' is not a known %s (known: %s); map it in [fields], e.g. "
		                "%s.%s = %s"), s, cm_field_name(field), hint ? hint : "?",
		                cm_field_name(field),
		                field == CM_F_LEVEL ? "primary" : field == CM_F_SECTOR ? "public"
		                : field == CM_F_AREA_TYPE ? "urban" : "yes", s);
		free(kinds);
	}
	free(s);
	return v;
}

static long layer_count(layer_src *L)
{
	GIntBig n = OGR_L_GetFeatureCount(L->lyr, TRUE);
	return n > 0 ? (long)n : 0;
}

/* GDAL's messages while a feature is read.  A driver that finds text in a
 * numeric field (a shapefile's DBF keeps numbers as text) reads it as 0 and
 * only warns: "Value 'abc' of field c.primary_lo parsed incompletely to
 * real 0."; the reader makes that an error of the feature's field, where
 * the engine uses the field.  The messages are kept while the feature is
 * read and the others passed on after (GDAL's handler is not called from
 * inside this one). */
#define GDAL_NOTES 8

typedef struct gdal_notes {
	int n, lost;
	CPLErr err[GDAL_NOTES];
	CPLErrorNum num[GDAL_NOTES];
	char *msg[GDAL_NOTES];
} gdal_notes;

static void CPL_STDCALL keep_note(CPLErr e, CPLErrorNum num, const char *msg)
{
	gdal_notes *g = CPLGetErrorHandlerUserData();
	if (g->n == GDAL_NOTES || !(g->msg[g->n] = strdup(msg ? msg : ""))) {
		g->lost++;
		return;
	}
	g->err[g->n] = e;
	g->num[g->n++] = num;
}

/* The field a "parsed incompletely" warning names, into *idx (-1: not
 * such a warning, or a field the engine does not read), its text into
 * value (at most `size` bytes). */
static void unparsed_field(layer_src *L, OGRFeatureH f, const char *msg, int *idx, char *value,
                           size_t size)
{
	const char *of = strstr(msg, "' of field "), *end = strstr(msg, " parsed incompletely"), *dot;
	char name[256];
	int i, k;
	*idx = -1;
	if (strncmp(msg, "Value '", 7) || !of || !end || end < of)
		return;
	for (dot = end; dot > of + 11 && dot[-1] != '.'; dot--)
		;
	if ((size_t)(end - dot) >= sizeof name)
		return;
	memcpy(name, dot, (size_t)(end - dot));
	name[end - dot] = '\0';
	if ((i = OGR_F_GetFieldIndex(f, name)) < 0)
		return;
	for (k = 0; k < CM_NFIELDS && L->fidx[k] != i; k++)
		;
	if (k == CM_NFIELDS)
		return;
	*idx = i;
	snprintf(value, size, "%.*s", (int)(of - msg - 7), msg + 7);
}

/* The notes of one feature's reading: errors for the numbers GDAL could
 * not read, the rest passed on.  Returns <0 on ENOMEM. */
static int settle_notes(cm_dataset *ds, layer_src *L, OGRFeatureH f, gdal_notes *g)
{
	int rc = 0, i, idx;
	char value[128];
	for (i = 0; i < g->n; i++) {
		idx = -1;
		if (f)
			unparsed_field(L, f, g->msg[i], &idx, value, sizeof value);
		if (idx >= 0 && rc >= 0) {
			int bad = 0;
			char *id = L->fidx[CM_F_ID] >= 0 ? get_str(L, f, L->fidx[CM_F_ID], &bad) : NULL;
			rc = ds_diag_feature(ds, L, CM_ERR, "bad-value", (long)OGR_F_GetFID(f),
			                     bad ? NULL : id, idx,
			                     _("'%s' is not a number (GDAL read it as 0)"), value);
			free(id);
		} else if (idx < 0)
			CPLError(g->err[i], g->num[i], "%s", g->msg[i]);
		free(g->msg[i]);
	}
	if (g->lost)
		CPLError(CE_Warning, CPLE_AppDefined, "%d more messages while reading %s", g->lost,
		         L->shown);
	g->n = g->lost = 0;
	return rc < 0 ? -1 : 0;
}

/* The end of a layer's features, when GDAL failed there: a file cut short
 * (a DBF copied in part ends in "fread failed", and the shapefile driver
 * then ends the layer as if its features were all read) or damaged.  An
 * error naming the file, the layer and where reading stopped, and the
 * notes dropped; 0 when the layer simply ended. */
static int read_failed(cm_ctx *ctx, layer_src *L, long got, long total, gdal_notes *g)
{
	int i, at = -1;
	for (i = 0; i < g->n && at < 0; i++)
		if (g->err[i] >= CE_Failure)
			at = i;
	if (at < 0)
		return 0;
	if (total > got)
		at = cm__error(ctx, CM_EINPUT, _("%s, layer %s: reading stopped after %ld of its %ld "
		               "features: %s (the file cut short or damaged? copy it again)"),
		               L->shown, L->name, got, total, g->msg[at]);
	else
		at = cm__error(ctx, CM_EINPUT, _("%s, layer %s: reading stopped after %ld features: "
		               "%s (the file cut short or damaged? copy it again)"),
		               L->shown, L->name, got, g->msg[at]);
	for (i = 0; i < g->n; i++)
		free(g->msg[i]);
	g->n = g->lost = 0;
	return at;
}

/* Reads every feature with `one`, which returns 1 when it kept a record,
 * 0 when it dropped the feature, <0 on ENOMEM. */
typedef int (*feature_fn)(cm_ctx *ctx, cm_dataset *ds, layer_src *L, const cm_config *cfg,
                          OGRFeatureH f, size_t slot);

static int read_layer(cm_ctx *ctx, cm_dataset *ds, layer_src *L, const cm_config *cfg,
                      feature_fn one, void **records, size_t elem, size_t *count)
{
	long total = layer_count(L), seen = 0, got = 0;
	size_t cap = total > 0 ? (size_t)total : 16, n = 0;
	char stage[64];
	OGRFeatureH f;
	gdal_notes notes = {0};
	int rc = 0;

	snprintf(stage, sizeof stage, "reading %s", L->what);
	if (find_raw(ds, L))
		return cm__error(ctx, CM_ENOMEM, _("out of memory"));
	*records = calloc(cap, elem);
	L->geoms = calloc(cap, sizeof(OGRGeometryH));
	if (!*records || !L->geoms)
		return cm__error(ctx, CM_ENOMEM, _("out of memory"));
	OGR_L_ResetReading(L->lyr);
	for (;;) {
		CPLPushErrorHandlerEx(keep_note, &notes);
		f = OGR_L_GetNextFeature(L->lyr);
		CPLPopErrorHandler();
		if (!f && (rc = read_failed(ctx, L, got, total, &notes)) != 0)
			break;
		if (notes.n + notes.lost && settle_notes(ds, L, f, &notes) < 0) {
			OGR_F_Destroy(f);
			rc = cm__error(ctx, CM_ENOMEM, _("out of memory"));
			break;
		}
		if (!f)
			break;
		got++;
		if (empty_feature(f)) {
			OGR_F_Destroy(f);
			continue;
		}
		if (n == cap) {
			void *r = realloc(*records, 2 * cap * elem);
			void *g = r ? realloc(L->geoms, 2 * cap * sizeof(OGRGeometryH)) : NULL;
			if (r)
				*records = r;
			if (!g) {
				OGR_F_Destroy(f);
				rc = cm__error(ctx, CM_ENOMEM, _("out of memory"));
				break;
			}
			L->geoms = g;
			memset((char *)*records + cap * elem, 0, cap * elem);
			memset(L->geoms + cap, 0, cap * sizeof(OGRGeometryH));
			cap *= 2;
		}
		rc = one(ctx, ds, L, cfg, f, n);
		OGR_F_Destroy(f);
		if (rc < 0)
			break;
		n += (size_t)rc;
		rc = 0;
		if (total > 0 && (++seen % 256 == 0))
			cm__progress(ctx, (double)seen / (double)total, stage);
	}
	cm__progress(ctx, 1.0, stage);
	*count = n;
	if (!rc && L->ctl &&
	    ds_diag_feature(ds, L, CM_WARNING, "control-characters", L->ctl_fid, NULL, L->ctl_field,
	                    _("%ld text values held control characters (tab, line break, escape): "
	                      "read as spaces"), L->ctl) < 0)
		rc = cm__error(ctx, CM_ENOMEM, _("out of memory"));
	return rc;
}

static int read_school(cm_ctx *ctx, cm_dataset *ds, layer_src *L, const cm_config *cfg,
                       OGRFeatureH f, size_t slot)
{
	cm_school *s = &ds->schools[slot];
	long fid = (long)OGR_F_GetFID(f);
	int kind, sector, boarding, ok = 1, lv;
	static const cm_field seats_f[2] = {CM_F_SEATS_PRIMARY, CM_F_SEATS_JUNIOR};
	static const cm_field classes_f[2] = {CM_F_CLASSES_PRIMARY, CM_F_CLASSES_JUNIOR};
	static const cm_field purchased_f[2] = {CM_F_PURCHASED_PRIMARY, CM_F_PURCHASED_JUNIOR};
	OGRGeometryH g;

	s->fid = fid;
	s->id = take_id(ds, L, f, fid);
	s->name = take_name(ds, L, f, fid, s->id);
	/* none (no field, an empty cell): the lookup page shows none */
	s->address = take_text(ds, L, f, fid, s->id, CM_F_ADDRESS,
	                       enc_hint(L, _("the address is not UTF-8; set %s_encoding in [input] "
	                                     "(GBK?)"), L->what));
	kind = take_enum(ds, L, cfg, f, fid, s->id, CM_F_LEVEL, -1, 1);
	sector = take_enum(ds, L, cfg, f, fid, s->id, CM_F_SECTOR, CM_PUBLIC, 0);
	boarding = take_enum(ds, L, cfg, f, fid, s->id, CM_F_BOARDING, 0, 0);
	ok = s->id && kind >= 0 && sector >= 0 && boarding >= 0;
	s->kind = kind >= 0 ? (cm_school_kind)kind : CM_KIND_PRIMARY;
	s->sector = sector >= 0 ? (cm_sector)sector : CM_PUBLIC;
	s->boarding = boarding > 0;
	for (lv = 0; lv < CM_NLEVELS; lv++) {
		int seats = 0, classes = 0;
		int sidx = L->fidx[seats_f[lv]], cidx = L->fidx[classes_f[lv]];
		int teaches = kind >= 0 && cm_school_teaches(s, (cm_level)lv);
		/* Seats win over classes; a level the school does not teach may
		 * leave both blank (a CSV's empty cell too) without a warning.
		 * A negative count is said here, where the cell it came from is
		 * known: a school whose seats cell is blank has its seats from
		 * its classes even where the layer has a seats field. */
		if (sidx >= 0 && (!blank_cell(f, sidx) || cidx < 0)) {
			if (teaches || !blank_cell(f, sidx))
				ok &= get_count(ds, L, f, fid, s->id, seats_f[lv], &seats) == 0;
			if (seats < 0)
				ds_diag_feature(ds, L, CM_ERR, "negative-value", fid, s->id, sidx,
				                _("negative %s seats (%d)"), cm__level_label((cm_level)lv),
				                seats);
		} else if (cidx >= 0) {
			if (teaches || !blank_cell(f, cidx))
				ok &= get_count(ds, L, f, fid, s->id, classes_f[lv], &classes) == 0;
			seats = classes * cfg->policy.class_size[lv];
			if (classes < 0)
				ds_diag_feature(ds, L, CM_ERR, "negative-value", fid, s->id, cidx,
				                _("negative %s classes (%d, %d seats)"),
				                cm__level_label((cm_level)lv), classes, seats);
		}
		s->seats[lv] = seats;
		if (L->fidx[purchased_f[lv]] >= 0 && !blank_cell(f, L->fidx[purchased_f[lv]]))
			ok &= get_count(ds, L, f, fid, s->id, purchased_f[lv], &s->purchased[lv]) == 0;
	}
	g = take_geometry(ds, L, f, fid, s->id);
	if (!g || !ok) {
		if (g)
			OGR_G_DestroyGeometry(g);
		free(s->id);
		free(s->name);
		free(s->address);
		memset(s, 0, sizeof *s);
		return 0;
	}
	L->geoms[slot] = g;
	return 1;
}

static int read_compound(cm_ctx *ctx, cm_dataset *ds, layer_src *L, const cm_config *cfg,
                         OGRFeatureH f, size_t slot)
{
	cm_compound *c = &ds->compounds[slot];
	long fid = (long)OGR_F_GetFID(f);
	int area, ok, k;
	OGRGeometryH g;

	c->fid = fid;
	c->id = take_id(ds, L, f, fid);
	c->name = take_name(ds, L, f, fid, c->id);
	area = take_enum(ds, L, cfg, f, fid, c->id, CM_F_AREA_TYPE, CM_URBAN, 0);
	ok = c->id && area >= 0;
	c->area = area >= 0 ? (cm_area)area : CM_URBAN;
	for (k = 0; k < 4; k++)
		ok &= get_count(ds, L, f, fid, c->id, (cm_field)(CM_F_PRIMARY_LOCAL + k),
		                &c->pupils[k / 2][k % 2]) == 0;
	g = take_geometry(ds, L, f, fid, c->id);
	if (!g || !ok) {
		if (g)
			OGR_G_DestroyGeometry(g);
		free(c->id);
		free(c->name);
		memset(c, 0, sizeof *c);
		return 0;
	}
	L->geoms[slot] = g;
	return 1;
}

/* Layer-level seat fields: a level some school teaches needs a seats or a
 * classes field. */
static int check_seat_fields(cm_ctx *ctx, cm_dataset *ds, layer_src *L)
{
	int lv;
	size_t i;
	for (lv = 0; lv < CM_NLEVELS; lv++) {
		int sidx = L->fidx[lv == CM_PRIMARY ? CM_F_SEATS_PRIMARY : CM_F_SEATS_JUNIOR];
		int cidx = L->fidx[lv == CM_PRIMARY ? CM_F_CLASSES_PRIMARY : CM_F_CLASSES_JUNIOR];
		if (sidx >= 0 || cidx >= 0)
			continue;
		for (i = 0; i < ds->n_schools; i++) {
			if (cm_school_teaches(&ds->schools[i], (cm_level)lv))
				return cm__error(ctx, CM_EINPUT,
				                 _("%s, layer %s: schools teach %s but there is no seats_%s or "
				                 "classes_%s field; name one in [fields]"),
				                 L->shown, L->name, cm_level_name((cm_level)lv),
				                 cm_level_name((cm_level)lv), cm_level_name((cm_level)lv));
		}
	}
	return 0;
}

/* ------------------------------------------------------------ 4. CRS */

/* Centre of the layer's geometries in WGS 84, for the UTM zone: 0, -1
 * when the layer has none, -2 when the centre (*lon, *lat: as the layer
 * has it) is not a place on Earth in the layer's CRS (metres read as
 * degrees: source_crs wrong). */
static int centre_lonlat(layer_src *L, size_t n, double *lon, double *lat)
{
	OGRSpatialReferenceH wgs = cm__crs_wgs84();
	OGRCoordinateTransformationH ct;
	double minx = HUGE_VAL, miny = HUGE_VAL, maxx = -HUGE_VAL, maxy = -HUGE_VAL, x, y;
	size_t i;
	int ok;
	for (i = 0; i < n; i++) {
		OGREnvelope e;
		OGR_G_GetEnvelope(L->geoms[i], &e);
		minx = fmin(minx, e.MinX);
		miny = fmin(miny, e.MinY);
		maxx = fmax(maxx, e.MaxX);
		maxy = fmax(maxy, e.MaxY);
	}
	if (!wgs || n == 0) {
		if (wgs)
			OSRDestroySpatialReference(wgs);
		return -1;
	}
	*lon = x = (minx + maxx) / 2;
	*lat = y = (miny + maxy) / 2;
	ct = OCTNewCoordinateTransformation(L->srs, wgs);
	ok = ct && OCTTransform(ct, 1, &x, &y, NULL) && fabs(x) <= 180 && fabs(y) <= 90;
	if (ct)
		OCTDestroyCoordinateTransformation(ct);
	OSRDestroySpatialReference(wgs);
	if (!ok)
		return -2;
	*lon = x;
	*lat = y;
	return 0;
}

/* Has the read found an error already? */
static int has_errors(const cm_dataset *ds)
{
	for (size_t i = 0; i < ds->diags.len; i++)
		if (((const cm_diag *)ds->diags.data)[i].severity == CM_ERR)
			return 1;
	return 0;
}

static int choose_crs(cm_ctx *ctx, cm_dataset *ds, const cm_config *cfg, layer_src *L,
                      size_t *n, OGRSpatialReferenceH *out)
{
	OGRSpatialReferenceH w = NULL;
	int i;
	double lon, lat;
	*out = NULL;
	if (cfg->crs) {
		w = cm__crs_from_user(cfg->crs);
		if (!w)
			return cm__error(ctx, CM_EINPUT, _("%s: [input] crs = '%s' is not a CRS GDAL knows"),
			                 cfg->file, cfg->crs);
		if (!cm__crs_is_metric(w)) {
			OSRDestroySpatialReference(w);
			return cm__error(ctx, CM_EINPUT,
			                 _("%s: [input] crs = '%s' is not a projected CRS in metres; "
			                 "distances need one (e.g. EPSG:4547, CGCS2000 3-degree GK CM 114E)"),
			                 cfg->file, cfg->crs);
		}
		ds->crs_reason = cm__strdup(_("from the configuration ([input] crs)"));
	} else {
		for (i = CM_COMPOUNDS; i >= CM_SCHOOLS && !w; i--) {
			if (cm__crs_is_metric(L[i].srs) && L[i].in->coordinates == CM_COORDS_PLAIN) {
				w = cm__crs_clone(L[i].srs);
				ds->crs_reason = cm__sprintf(_("the %s layer's own projected CRS"), L[i].what);
			}
		}
		if (!w) {
			int got;
			i = n[CM_COMPOUNDS] ? CM_COMPOUNDS : CM_SCHOOLS;
			if ((got = centre_lonlat(&L[i], n[i], &lon, &lat)) == -2)
				return cm__error(ctx, CM_EINPUT,
				                 _("%s, layer %s: its coordinates (centre %.6g, %.6g) are no "
				                 "place in its CRS (%s): check source_crs (metres given as "
				                 "longitude/latitude?)"),
				                 L[i].shown, L[i].name, lon, lat,
				                 L[i].srs ? OSRGetName(L[i].srs) : "?");
			if (got && !has_errors(ds))
				return cm__error(ctx, CM_EINPUT,
				                 _("%s: no features to choose a working CRS from; set [input] crs"),
				                 cfg->file);
			if (got) {
				/* every feature refused, each a finding (coordinates that
				 * are not longitude/latitude: source_crs wrong): any
				 * working CRS lets the check report them */
				w = cm__crs_utm(0, 0);
				ds->crs_reason = cm__strdup(_("none: no usable features"));
			} else {
				w = cm__crs_utm(lon, lat);
				ds->crs_reason = cm__sprintf(_("the UTM zone of the data's centre (%.4f, "
				                               "%.4f)"), lon, lat);
			}
		}
	}
	if (!w || !ds->crs_reason)
		return cm__error(ctx, CM_ENOMEM, _("out of memory"));
	ds->crs_name = cm__crs_describe(w);
	{
		char *wkt = NULL;
		const char *opts[] = {"FORMAT=WKT2_2018", NULL};
		if (OSRExportToWktEx(w, &wkt, opts) == OGRERR_NONE)
			ds->crs_wkt = cm__strdup(wkt);
		CPLFree(wkt);
	}
	*out = w;
	return 0;
}

/* The representative point of a geometry in the working CRS. */
static int rep_point(OGRGeometryH g, double *x, double *y)
{
	OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
	OGRGeometryH p;
	if (t == wkbPoint) {
		*x = OGR_G_GetX(g, 0);
		*y = OGR_G_GetY(g, 0);
		return 0;
	}
	if (t == wkbMultiPoint) {
		return rep_point(OGR_G_GetGeometryRef(g, 0), x, y);
	}
	p = OGR_G_PointOnSurface(g);
	if (!p || OGR_G_IsEmpty(p)) {
		if (p)
			OGR_G_DestroyGeometry(p);
		return -1;
	}
	*x = OGR_G_GetX(p, 0);
	*y = OGR_G_GetY(p, 0);
	OGR_G_DestroyGeometry(p);
	return 0;
}

/* Moves layer L's geometries into the working CRS and fills the points.
 * Records whose geometry fails are dropped with a diagnostic. */
static int to_working(cm_ctx *ctx, cm_dataset *ds, layer_src *L, size_t *n,
                      OGRSpatialReferenceH work)
{
	OGRSpatialReferenceH wgs = cm__crs_wgs84();
	OGRCoordinateTransformationH fwd = NULL, back = NULL;
	size_t i, kept = 0;
	int rc = 0;
	if (!wgs)
		return cm__error(ctx, CM_ENOMEM, _("out of memory"));
	if (!OSRIsSame(L->srs, work)) {
		fwd = OCTNewCoordinateTransformation(L->srs, work);
		if (!fwd) {
			char *a = cm__crs_describe(L->srs), *b = cm__crs_describe(work);
			rc = cm__error(ctx, CM_EINPUT, _("%s, layer %s: no transformation from %s to %s: %s"),
			               L->shown, L->name, a, b, CPLGetLastErrorMsg());
			free(a);
			free(b);
			goto done;
		}
	}
	back = OCTNewCoordinateTransformation(work, wgs);
	if (!back) {
		rc = cm__error(ctx, CM_EINPUT, _("no transformation from the working CRS to WGS 84: %s"),
		               CPLGetLastErrorMsg());
		goto done;
	}
	for (i = 0; i < *n; i++) {
		OGRGeometryH g = L->geoms[i];
		double x = 0, y = 0, lon, lat;
		int ok = !fwd || OGR_G_Transform(g, fwd) == OGRERR_NONE;
		ok = ok && rep_point(g, &x, &y) == 0;
		lon = x;
		lat = y;
		ok = ok && OCTTransform(back, 1, &lon, &lat, NULL);
		if (L->kind == CM_SCHOOLS) {
			cm_school *s = &ds->schools[i];
			if (!ok) {
				ds_diag_feature(ds, L, CM_ERR, "bad-geometry", s->fid, s->id, -1,
				                _("the location cannot be converted to the working CRS"));
				free(s->id);
				free(s->name);
				OGR_G_DestroyGeometry(g);
				L->geoms[i] = NULL;
				continue;
			}
			s->x = x, s->y = y, s->lon = lon, s->lat = lat;
			ds->schools[kept] = *s;
			OGR_G_DestroyGeometry(g);
			L->geoms[i] = NULL;
		} else {
			cm_compound *c = &ds->compounds[i];
			OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
			if (!ok) {
				ds_diag_feature(ds, L, CM_ERR, "bad-geometry", c->fid, c->id, -1,
				                _("the geometry cannot be converted to the working CRS"));
				free(c->id);
				free(c->name);
				OGR_G_DestroyGeometry(g);
				L->geoms[i] = NULL;
				continue;
			}
			c->x = x, c->y = y, c->lon = lon, c->lat = lat;
			c->area_m2 = (t == wkbPoint || t == wkbMultiPoint) ? 0 : OGR_G_Area(g);
			ds->compound_polygons += c->area_m2 > 0;
			ds->compounds[kept] = *c;
			L->geoms[kept] = g;
			if (kept != i)
				L->geoms[i] = NULL;
		}
		kept++;
	}
	*n = kept;
done:
	if (fwd)
		OCTDestroyCoordinateTransformation(fwd);
	if (back)
		OCTDestroyCoordinateTransformation(back);
	OSRDestroySpatialReference(wgs);
	return rc;
}

/* ------------------------------------------------------------ boundary */

/* The [input] boundary: its polygons, dissolved, in the working CRS.  Only
 * maps and catchment areas use it, but a bad one is still an error. */
static int read_boundary(cm_ctx *ctx, cm_dataset *ds, const cm_config *cfg,
                         OGRSpatialReferenceH work)
{
	layer_src L;
	OGRCoordinateTransformationH fwd = NULL;
	OGRGeometryH all = OGR_G_CreateGeometry(wkbMultiPolygon), u = NULL;
	OGRFeatureH f;
	int rc;
	memset(&L, 0, sizeof L);
	L.kind = CM_COMPOUNDS;
	L.in = &cfg->boundary;
	L.what = "boundary";
	L.boundary = 1;
	rc = open_layer(ctx, &L);
	if (!rc)
		rc = layer_crs(ctx, ds, &L);
	if (!rc && !OSRIsSame(L.srs, work) && !(fwd = OCTNewCoordinateTransformation(L.srs, work)))
		rc = cm__error(ctx, CM_EINPUT, _("%s, layer %s: no transformation to the working CRS: %s"),
		               L.shown, L.name, CPLGetLastErrorMsg());
	if (!rc)
		OGR_L_ResetReading(L.lyr);
	while (!rc && (f = OGR_L_GetNextFeature(L.lyr)) != NULL) {
		OGRGeometryH g = OGR_F_GetGeometryRef(f);
		OGRwkbGeometryType t = g ? wkbFlatten(OGR_G_GetGeometryType(g)) : wkbUnknown;
		char *label = cm__feature_label((long)OGR_F_GetFID(f), NULL);
		if (!g || OGR_G_IsEmpty(g) || (t != wkbPolygon && t != wkbMultiPolygon)) {
			rc = cm__error(ctx, CM_EINPUT, _("%s, layer %s, %s: the boundary must be polygons"),
			               L.shown, L.name, label ? label : _("a feature"));
		} else if (!all_finite(g)) {
			rc = cm__error(ctx, CM_EINPUT, _("%s, layer %s, %s: a coordinate of the boundary is "
			               "not a finite number (NaN or infinite)"), L.shown, L.name,
			               label ? label : _("a feature"));
		} else {
			OGRGeometryH c = OGR_G_Clone(g);
			if (!OGR_G_IsValid(c)) {
				OGRGeometryH v = cfg->repair_geometry ? OGR_G_MakeValid(c) : NULL;
				OGR_G_DestroyGeometry(c);
				c = v;
				if (!c)
					rc = cm__error(ctx, CM_EINPUT, _("%s, layer %s, %s: invalid polygon; fix it "
					               "or set repair_geometry = yes"), L.shown, L.name,
					               label ? label : _("a feature"));
			}
			if (c && fwd && OGR_G_Transform(c, fwd) != OGRERR_NONE)
				rc = cm__error(ctx, CM_EINPUT, _("%s, layer %s, %s: cannot be converted to the "
				               "working CRS"), L.shown, L.name, label ? label : _("a feature"));
			if (c && !rc) {
				int i;
				if (wkbFlatten(OGR_G_GetGeometryType(c)) == wkbPolygon)
					OGR_G_AddGeometry(all, c);
				else
					for (i = 0; i < OGR_G_GetGeometryCount(c); i++)
						OGR_G_AddGeometry(all, OGR_G_GetGeometryRef(c, i));
			}
			if (c)
				OGR_G_DestroyGeometry(c);
		}
		free(label);
		OGR_F_Destroy(f);
	}
	if (!rc && OGR_G_GetGeometryCount(all) == 0)
		rc = cm__error(ctx, CM_EINPUT, _("%s, layer %s: no polygons in the boundary"), L.shown,
		               L.name);
	if (!rc && !(u = OGR_G_UnionCascaded(all)))
		rc = cm__error(ctx, CM_EINPUT, _("%s, layer %s: the boundary's polygons cannot be "
		               "dissolved: %s"), L.shown, L.name, CPLGetLastErrorMsg());
	if (!rc) {
		OGR_G_FlattenTo2D(u);
		ds->boundary = u;
	}
	OGR_G_DestroyGeometry(all);
	if (fwd)
		OCTDestroyCoordinateTransformation(fwd);
	free_layer(&L, 0);
	return rc;
}

int cm__outside_boundary(const cm_dataset *ds, const double *x, const double *y, size_t n,
                         unsigned char *outside, double *first_m)
{
	OGRPreparedGeometryH prep;
	OGRGeometryH pt;
	size_t i;
	if (first_m)
		*first_m = HUGE_VAL;
	memset(outside, 0, n);
	if (!ds->boundary || !n)
		return 0;
	prep = OGRCreatePreparedGeometry((OGRGeometryH)ds->boundary);
	pt = OGR_G_CreateGeometry(wkbPoint);
	if (!prep || !pt) {
		if (prep)
			OGRDestroyPreparedGeometry(prep);
		OGR_G_DestroyGeometry(pt);
		return CM_ENOMEM;
	}
	for (i = 0; i < n; i++) {
		OGR_G_SetPoint_2D(pt, 0, x[i], y[i]);
		/* on the boundary's edge is in */
		outside[i] = !OGRPreparedGeometryIntersects(prep, pt);
		if (outside[i] && first_m && *first_m == HUGE_VAL)
			*first_m = OGR_G_Distance((OGRGeometryH)ds->boundary, pt);
	}
	OGRDestroyPreparedGeometry(prep);
	OGR_G_DestroyGeometry(pt);
	return 0;
}

/* The layer's name and its fields' names as the data spells them, into
 * ds: what findings and messages name. */
static void keep_names(cm_dataset *ds, const layer_src *L, int kind)
{
	int f;
	ds->layer_name[kind] = cm__strdup(L->name);
	for (f = 0; f < CM_NFIELDS; f++)
		if (L->fidx[f] >= 0 && L->fnames)
			ds->field_name[kind][f] = cm__strdup(L->fnames[L->fidx[f]]);
}

/* ------------------------------------------------------------ load */

static char *describe_source(layer_src *L, size_t n)
{
	long total = layer_count(L);
	char *crs = cm__crs_describe(L->srs), *s;
	const char *coords = L->in->coordinates == CM_COORDS_GCJ02  ? _(", GCJ-02 offsets removed")
	                     : L->in->coordinates == CM_COORDS_BD09 ? _(", BD-09 offsets removed")
	                                                            : "";
	char used[64] = "";
	if (total >= 0 && (size_t)total != n)
		snprintf(used, sizeof used, _(", %zu usable"), n);
	s = cm__sprintf(_("%s (layer %s, %ld features%s, %s%s%s%s)"), L->shown, L->name, total, used,
	                crs, coords,
	                L->encoding || L->in->encoding ? _(", encoding ") : "",
	                L->in->encoding ? L->in->encoding : "");
	free(crs);
	return s;
}

int cm_dataset_load(cm_ctx *ctx, const cm_config *cfg, cm_dataset **out)
{
	cm_dataset *ds;
	layer_src L[CM_NLAYERS];
	size_t n[CM_NLAYERS] = {0, 0};
	OGRSpatialReferenceH work = NULL;
	int rc = 0, i;

	*out = NULL;
	if ((rc = cm__config_complete(ctx, cfg))) /* one built by cm_config_set */
		return rc;
	memset(L, 0, sizeof L);
	ds = calloc(1, sizeof *ds);
	if (!ds)
		return cm__error(ctx, CM_ENOMEM, _("out of memory"));
	cm__vec_init(&ds->diags, sizeof(cm_diag));
	ds->repair = cfg->repair_geometry;

	GDALAllRegister();
	/* GDAL's own messages would go to stderr; ours name the file and field. */
	CPLPushErrorHandler(CPLQuietErrorHandler);
	for (i = 0; i < CM_NLAYERS && !rc; i++) {
		L[i].kind = (cm_layer_kind)i;
		L[i].in = &cfg->input[i];
		L[i].what = i == CM_SCHOOLS ? "schools" : "compounds";
		rc = open_layer(ctx, &L[i]);
		if (!rc)
			rc = layer_crs(ctx, ds, &L[i]);
		if (!rc)
			rc = resolve_fields(ctx, ds, &L[i]);
	}
	if (!rc)
		rc = read_layer(ctx, ds, &L[CM_SCHOOLS], cfg, read_school, (void **)&ds->schools,
		                sizeof(cm_school), &n[CM_SCHOOLS]);
	ds->n_schools = n[CM_SCHOOLS];
	if (!rc)
		rc = check_seat_fields(ctx, ds, &L[CM_SCHOOLS]);
	if (!rc)
		rc = read_layer(ctx, ds, &L[CM_COMPOUNDS], cfg, read_compound,
		                (void **)&ds->compounds, sizeof(cm_compound), &n[CM_COMPOUNDS]);
	ds->n_compounds = n[CM_COMPOUNDS];
	if (!rc)
		rc = choose_crs(ctx, ds, cfg, L, n, &work);
	for (i = 0; i < CM_NLAYERS && !rc; i++)
		rc = to_working(ctx, ds, &L[i], &n[i], work);
	if (!rc && cfg->boundary.path)
		rc = read_boundary(ctx, ds, cfg, work);
	ds->n_schools = n[CM_SCHOOLS];
	ds->n_compounds = n[CM_COMPOUNDS];
	for (i = 0; i < CM_NLAYERS && !rc; i++) {
		ds->source[i] = describe_source(&L[i], n[i]);
		keep_names(ds, &L[i], i);
	}
	CPLPopErrorHandler();

	if (!rc) {
		/* The compounds' geometries move into the dataset. */
		ds->geoms = (void **)L[CM_COMPOUNDS].geoms;
		L[CM_COMPOUNDS].geoms = NULL;
		/* travel distances, where the configuration gives them */
		rc = cm__pairs_load(ctx, cfg, ds);
	}
	free_layer(&L[CM_SCHOOLS], n[CM_SCHOOLS]);
	free_layer(&L[CM_COMPOUNDS], n[CM_COMPOUNDS]);
	if (work)
		OSRDestroySpatialReference(work);
	if (rc) {
		cm_dataset_free(ds);
		return rc;
	}
	*out = ds;
	return 0;
}

int cm__field_named(void *defn, const char *const *names)
{
	int k, i;
	for (k = 0; names[k]; k++)
		for (i = 0; i < OGR_FD_GetFieldCount(defn); i++)
			if (cm__name_eq(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)), names[k]))
				return i;
	return -1;
}

void cm__geom_free(void *g)
{
	if (g)
		OGR_G_DestroyGeometry((OGRGeometryH)g);
}

/* ------------------------------------------------------------ scenarios */

int cm__read_extra(cm_ctx *ctx, const cm_config *cfg, const cm_input *in, cm_layer_kind kind,
                   const char *layer_key, const cm_dataset *base, cm_dataset **out)
{
	cm_dataset *ds = calloc(1, sizeof *ds);
	layer_src L;
	size_t n = 0;
	OGRSpatialReferenceH work = NULL;
	int rc = 0;

	*out = NULL;
	if (!ds)
		return cm__error(ctx, CM_ENOMEM, _("out of memory"));
	cm__vec_init(&ds->diags, sizeof(cm_diag));
	ds->repair = cfg->repair_geometry;
	memset(&L, 0, sizeof L);
	L.kind = kind;
	L.in = in;
	L.what = kind == CM_SCHOOLS ? "schools" : "compounds";
	L.layer_key = layer_key;
	GDALAllRegister();
	CPLPushErrorHandler(CPLQuietErrorHandler);
	rc = open_layer(ctx, &L);
	if (!rc)
		rc = layer_crs(ctx, ds, &L);
	if (!rc)
		rc = resolve_fields(ctx, ds, &L);
	if (!rc && kind == CM_SCHOOLS) {
		rc = read_layer(ctx, ds, &L, cfg, read_school, (void **)&ds->schools, sizeof(cm_school), &n);
		ds->n_schools = n;
		if (!rc)
			rc = check_seat_fields(ctx, ds, &L);
	} else if (!rc) {
		rc = read_layer(ctx, ds, &L, cfg, read_compound, (void **)&ds->compounds,
		                sizeof(cm_compound), &n);
		ds->n_compounds = n;
	}
	if (!rc) {
		work = OSRNewSpatialReference(NULL);
		if (!work || OSRSetFromUserInput(work, base->crs_wkt) != OGRERR_NONE)
			rc = cm__error(ctx, CM_EINPUT, _("the working CRS cannot be set up again"));
		else
			OSRSetAxisMappingStrategy(work, OAMS_TRADITIONAL_GIS_ORDER);
	}
	if (!rc)
		rc = to_working(ctx, ds, &L, &n, work);
	if (!rc)
		keep_names(ds, &L, kind); /* so that findings name them */
	CPLPopErrorHandler();
	if (kind == CM_SCHOOLS)
		ds->n_schools = n;
	else
		ds->n_compounds = n;
	if (!rc && kind == CM_COMPOUNDS) {
		ds->geoms = (void **)L.geoms;
		L.geoms = NULL;
	}
	free_layer(&L, n);
	if (work)
		OSRDestroySpatialReference(work);
	if (rc) {
		cm_dataset_free(ds);
		return rc;
	}
	*out = ds;
	return 0;
}

void *cm__geom_clone(void *g)
{
	return g ? OGR_G_Clone((OGRGeometryH)g) : NULL;
}

int cm__read_extra_text(cm_ctx *ctx, const cm_config *cfg, const char *name, const char *csv,
                        cm_coords coords, const cm_dataset *base, cm_dataset **out)
{
	char *path = cm__sprintf("/vsimem/%s.csv", name), crs[] = "EPSG:4326";
	size_t len = strlen(csv);
	GByte *buf = VSIMalloc(len + 1);
	cm_input in;
	VSILFILE *fp = NULL;
	int rc;
	*out = NULL;
	if (path && buf) {
		memcpy(buf, csv, len);
		fp = VSIFileFromMemBuffer(path, buf, (vsi_l_offset)len, TRUE); /* it frees buf */
	}
	if (!fp) {
		if (buf)
			VSIFree(buf);
		free(path);
		return cm__error(ctx, CM_ENOMEM, _("out of memory"));
	}
	VSIFCloseL(fp);
	memset(&in, 0, sizeof in);
	in.path = path;
	in.source_crs = crs;
	in.coordinates = coords;
	rc = cm__read_extra(ctx, cfg, &in, CM_SCHOOLS, NULL, base, out);
	VSIUnlink(path);
	free(path);
	return rc;
}
