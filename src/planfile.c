/*
 * planfile.c: a written plan, opened for reading and checked (planfile.h).
 *
 * A plan read back (catchment map and compare, [input] previous_plan) is
 * input like any other: a file cut short, a hand edit or another tool's
 * table must stop with a message naming the file, layer, feature and
 * field, not draw, compare or hold a wrong plan.  cm__planfile_check reads
 * the layers once, in this order, each feature against its layer's table
 * of fields (below), then the totals between the layers, as write.c and
 * plan.c make them:
 *
 *   summary     each level once; pupils = placed + unplaced; a distance
 *               kind write.c writes (distance.c's names)
 *   schools     each school and level once; enrolled = local + migrant;
 *               enrolled, by level, in all = the summary's placed
 *   compounds   each id once; unplaced <= pupils; a catchment school is in
 *               the schools layer; pupils and unplaced, by level, in all =
 *               the summary's (a level the summary lacks has none); a
 *               detour ratio only with a catchment school
 *   assignment  rows of known compounds, schools and solved levels; a
 *               compound's rows of a level = its pupils, those without a
 *               place = its unplaced; a school's rows = its enrolled
 *   catchments  one per school and level that compounds name (and none
 *               other), its pupils the school's enrolled, its compounds
 *               those naming the school
 *   zones, changes (optional layers): levels, and schools and compounds
 *               that the plan has
 *
 * Counts are whole, non-negative, finite, in plain digits and within the
 * engine's limits (CM_MAX_COUNT a feature, CM_MAX_LEVEL_PUPILS a level;
 * docs/input.md); a GeoPackage's numeric cells hold numbers (gpkg_stored).
 * Fields a reader uses (NEED) must be there; the others are checked where
 * present, so a plan of an earlier version without them still reads.  A
 * field the writer always fills (FULL) is never empty: a row cut short
 * loses its last field.  The layers' fields, their shapefile names and what
 * their values must be are the plan's schema (planschema.c), the writer's
 * too.
 * Which file a layer is in: cm__planfile_file.  docs/output.md lists the
 * checks for people.
 */
#include "planfile.h"
#include "planschema.h"

#include <cpl_conv.h>
#include <ogr_srs_api.h>
#include <cpl_error.h>

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>


static int is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int has_file(const char *dir, const char *name)
{
	char *p = cm__sprintf("%s/%s", dir, name);
	int yes = p && access(p, F_OK) == 0;
	free(p);
	return yes;
}

/* A folder plan is named after the path given to solve less its
 * extension (write.c): that folder where `path`, less its extension,
 * names one; else NULL (caller frees). */
static char *folder_named(const char *path)
{
	char *bare = cm__strdup(path), *dot = bare ? strrchr(bare, '.') : NULL;
	if (dot && dot != bare && !strchr(dot, '/')) {
		*dot = '\0';
		if (is_dir(bare))
			return bare;
	}
	free(bare);
	return NULL;
}

char *cm_plan_where(const char *path)
{
	if (!path)
		return NULL;
	return access(path, F_OK) == 0 ? cm__strdup(path) : folder_named(path);
}

/* Is folder `dir` a plan: its marker, or a summary (a folder of a
 * bureau's own tables, an assignment.csv beside other files, is not)? */
static int plan_folder(const char *dir)
{
	return has_file(dir, CM__PLAN_MARKER) || has_file(dir, "summary.geojson") ||
	       has_file(dir, "summary.csv") || has_file(dir, "summary.dbf");
}

/* Does GeoPackage `g` hold a plan: the assignment and the summary, or,
 * where the summary was dropped, the assignment and the catchments with
 * the fields only a plan writes (seat_kind, color) — so that a plan cut
 * short is checked as one and refused, not read as a bare table? */
static int plan_layers(GDALDatasetH g)
{
	OGRLayerH a = GDALDatasetGetLayerByName(g, "assignment");
	OGRLayerH c = GDALDatasetGetLayerByName(g, "catchments");
	if (!a)
		return 0;
	if (GDALDatasetGetLayerByName(g, "summary"))
		return 1;
	return c && OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(a), "seat_kind") >= 0 &&
	       OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(c), "color") >= 0;
}

static int open_as_is(cm_ctx *ctx, cm__planfile *pf, const char *path)
{
	int rc;
	if ((rc = cm__input_ok(ctx, path, "plan")))
		return rc;
	if (!(pf->root = cm__strdup(path)))
		return cm__error(ctx, CM_ENOMEM, _("out of memory"));
	if (!is_dir(path)) {
		/* an exported spreadsheet (catchment export): its first row is the
		 * header, in a sheet of text too; read as sheets are loaded.  Set
		 * for any file, as only the XLSX driver reads it: a spreadsheet
		 * named without .xlsx (export -o exp-xlsx) was read with
		 * Field1..Field4 for a header (a review) */
		CPLSetThreadLocalConfigOption("OGR_XLSX_HEADERS", "FORCE");
		pf->gds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
		return pf->gds ? 0 : cm__error(ctx, CM_EINPUT, _("%s: cannot open the plan: %s"), path,
		                               CPLGetLastErrorMsg());
	}
	if (has_file(path, "summary.geojson")) {
		pf->dir = cm__strdup(path);
		return pf->dir ? 0 : cm__error(ctx, CM_ENOMEM, _("out of memory"));
	}
	pf->gds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
	return pf->gds ? 0 : cm__error(ctx, CM_EINPUT, _("%s: not a plan folder GDAL can read"), path);
}

/* The comment on schema `schema`: 1 and *out (caller frees, "" for
 * none) when it exists, 0 when not, -1 on error. */
static int pg_schema_comment(GDALDatasetH g, const char *schema, char **out)
{
	char *sql = cm__sprintf("SELECT coalesce(obj_description(oid, 'pg_namespace'), '') AS c "
	                        "FROM pg_namespace WHERE nspname = '%s'", schema);
	OGRLayerH r;
	OGRFeatureH f;
	int found = 0;
	*out = NULL;
	r = sql ? GDALDatasetExecuteSQL(g, sql, NULL, NULL) : NULL;
	free(sql);
	if (!r)
		return -1;
	if ((f = OGR_L_GetNextFeature(r)) != NULL) {
		found = 1;
		*out = cm__strdup(OGR_F_GetFieldAsString(f, 0));
		OGR_F_Destroy(f);
	}
	GDALDatasetReleaseResultSet(g, r);
	return found && !*out ? -1 : found;
}

/* cm__planfile_pg, and with `any` cm__pg_schema: a schema that is no plan
 * is opened too. */
static int pg_open(cm_ctx *ctx, const char *path, int any, GDALDatasetH *out, char **shown)
{
	static const char *const pg_drv[] = {"PostgreSQL", NULL};
	char *conn = NULL, *schema = NULL, *bare = NULL, *read = NULL, *comment = NULL;
	GDALDatasetH g = NULL;
	int found, rc = 0;
	*out = NULL;
	*shown = NULL;
	if ((rc = cm__pg_split(ctx, path, NULL, &conn, &schema)))
		return rc;
	bare = cm__source_shown(conn);
	*shown = bare ? cm__sprintf("%s schemas=%s", bare, schema) : NULL;
	read = cm__sprintf("%s schemas=%s", conn, schema);
	if (!*shown || !read) {
		rc = cm__error(ctx, CM_ENOMEM, _("out of memory"));
		goto out;
	}
	GDALAllRegister();
	CPLPushErrorHandler(CPLQuietErrorHandler);
	g = GDALOpenEx(read, GDAL_OF_VECTOR | GDAL_OF_READONLY, pg_drv, NULL, NULL);
	found = g ? pg_schema_comment(g, schema, &comment) : -1;
	if (found != 1 || (!any && strncmp(comment, CM__PG_MARKER, strlen(CM__PG_MARKER)))) {
		if (found < 0)
			rc = cm__error(ctx, CM_EINPUT, _("%s: cannot read the plan from the database: %s"),
			               *shown, CPLGetLastErrorMsg());
		else if (!found)
			rc = cm__error(ctx, CM_EINPUT, _("%s: no schema %s in the database: no such plan"),
			               *shown, schema);
		else
			rc = cm__error(ctx, CM_EINPUT, _("%s: schema %s is not a catchment plan (its comment does "
			          "not start with '%s')"), *shown, schema, CM__PG_MARKER);
		if (g)
			GDALClose(g);
		g = NULL;
	}
	CPLPopErrorHandler();
out:
	if (!g) {
		free(*shown);
		*shown = NULL;
	}
	free(conn);
	free(schema);
	free(bare);
	free(read);
	free(comment);
	*out = g;
	return rc;
}

int cm__planfile_pg(cm_ctx *ctx, const char *path, GDALDatasetH *out, char **shown)
{
	return pg_open(ctx, path, 0, out, shown);
}

int cm__pg_schema(cm_ctx *ctx, const char *path, GDALDatasetH *out, char **shown)
{
	return pg_open(ctx, path, 1, out, shown);
}

int cm__planfile_open(cm_ctx *ctx, cm__planfile *pf, const char *path)
{
	int rc;
	memset(pf, 0, sizeof *pf);
	pf->path = path;
	GDALAllRegister();
	if (cm__is_pg(path)) {
		/* a schema of a PostGIS database: messages name it without a password */
		if ((rc = cm__planfile_pg(ctx, path, &pf->gds, &pf->shown)))
			return rc;
		pf->path = pf->shown;
		if (!(pf->root = cm__strdup(pf->shown)))
			rc = cm__error(ctx, CM_ENOMEM, _("out of memory"));
		else
			rc = cm__planfile_check(ctx, pf);
		if (rc)
			cm__planfile_close(pf);
		return rc;
	}
	/* A folder plan is named after the path given to solve, less its
	 * extension: accept either. */
	if (access(path, F_OK) != 0) {
		char *bare = folder_named(path);
		rc = bare ? open_as_is(ctx, pf, bare)
		          : cm__error(ctx, CM_EINPUT, _("%s: no such plan"), path);
		free(bare);
	} else {
		rc = open_as_is(ctx, pf, path);
	}
	if (!rc)
		rc = cm__planfile_check(ctx, pf);
	if (rc)
		cm__planfile_close(pf);
	return rc;
}

void cm__planfile_close(cm__planfile *pf)
{
	CPLSetThreadLocalConfigOption("OGR_XLSX_HEADERS", NULL);
	if (pf->part)
		GDALClose(pf->part);
	if (pf->gds)
		GDALClose(pf->gds);
	free(pf->dir);
	free(pf->root);
	free(pf->shown);
	memset(pf, 0, sizeof *pf);
}

OGRLayerH cm__planfile_layer(cm__planfile *pf, const char *name)
{
	if (pf->dir) {
		char *f = cm__sprintf("%s/%s.geojson", pf->dir, name);
		if (pf->part)
			GDALClose(pf->part);
		pf->part = f ? GDALOpenEx(f, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL) : NULL;
		free(f);
		return pf->part ? GDALDatasetGetLayer(pf->part, 0) : NULL;
	}
	return pf->gds ? GDALDatasetGetLayerByName(pf->gds, name) : NULL;
}

OGRLayerH cm__planfile_layer_at(cm__planfile *pf, int layer, int *ix)
{
	const cm__player *pl = cm__plan_layer_at(layer);
	OGRLayerH lyr = pl ? cm__planfile_layer(pf, pl->name) : NULL;
	int k;
	for (k = 0; pl && k < pl->nfields; k++)
		ix[k] = lyr ? cm__planfile_field(lyr, pl->fields[k].name) : -1;
	return lyr;
}

static const char *driver_of(const cm__planfile *pf)
{
	return pf->gds ? GDALGetDriverShortName(GDALGetDatasetDriver(pf->gds)) : "GeoJSON";
}

char *cm__planfile_file(const cm__planfile *pf, const char *name)
{
	const char *drv = driver_of(pf);
	if (pf->dir)
		return cm__sprintf("%s/%s.geojson", pf->dir, name);
	if (!pf->root || !is_dir(pf->root))
		return cm__strdup(pf->root ? pf->root : pf->path);
	if (!strcmp(drv, "CSV"))
		return cm__sprintf("%s/%s.csv", pf->root, name);
	if (!strcmp(drv, "ESRI Shapefile")) { /* a shapefile by its .shp; summary is a .dbf */
		char *shp = cm__sprintf("%s/%s.shp", pf->root, name);
		if (!shp || access(shp, F_OK) == 0)
			return shp;
		free(shp);
		return cm__sprintf("%s/%s.dbf", pf->root, name);
	}
	return cm__sprintf("%s/%s", pf->root, name);
}

char *cm__planfile_root(const char *path)
{
	struct stat st;
	GDALDatasetH g;
	char *dir;
	int plan;
	if (cm__is_pg(path)) {
		cm_ctx *quiet = NULL;
		char *shown = NULL;
		g = NULL;
		if (!cm_ctx_new(&quiet))
			cm__planfile_pg(quiet, path, &g, &shown);
		if (g)
			GDALClose(g);
		cm_ctx_free(quiet);
		free(shown);
		return g ? cm__strdup(path) : NULL;
	}
	if (stat(path, &st) != 0) {
		/* a folder plan as named to solve, with its extension */
		char *bare = folder_named(path);
		if (bare && plan_folder(bare))
			return bare;
		free(bare);
		return NULL;
	}
	if (S_ISDIR(st.st_mode))
		return plan_folder(path) ? cm__strdup(path) : NULL;
	if (!S_ISREG(st.st_mode))
		return NULL;
	/* a layer of a plan folder (plan/assignment.csv): the folder */
	if ((dir = cm__dirname(path)) && plan_folder(dir))
		return dir;
	free(dir);
	{
		static const char *const gpkg[] = {"GPKG", "XLSX", NULL}; /* XLSX: an export */
		GDALAllRegister();
		CPLPushErrorHandler(CPLQuietErrorHandler);
		g = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, gpkg, NULL, NULL);
		CPLPopErrorHandler();
	}
	plan = g && plan_layers(g);
	if (g)
		GDALClose(g);
	return plan ? cm__strdup(path) : NULL;
}

int cm__planfile_field(OGRLayerH lyr, const char *name)
{
	OGRFeatureDefnH d = OGR_L_GetLayerDefn(lyr);
	int i = OGR_FD_GetFieldIndex(d, name);
	const char *shp = cm__plan_shp_name(name);
	if (i < 0 && shp)
		i = OGR_FD_GetFieldIndex(d, shp);
	return i;
}

const char *cm__planfile_str(OGRFeatureH f, int i)
{
	return i >= 0 && OGR_F_IsFieldSetAndNotNull(f, i) ? OGR_F_GetFieldAsString(f, i) : "";
}

double cm__planfile_num(OGRFeatureH f, int i)
{
	return i >= 0 && OGR_F_IsFieldSetAndNotNull(f, i) ? OGR_F_GetFieldAsDouble(f, i) : 0;
}

/* ------------------------------------------------------------ numbers */

/* Field `i` of `f` as a number: 1 when it has one, 0 when unset (or blank
 * text), -1 when it is not a finite decimal number.  Text must look like
 * what a plan writes (sign, digits, point, exponent): strtod alone would
 * take "nan", "inf" and "0x1F". */
static int field_number(OGRFeatureH f, int i, double *out)
{
	OGRFieldType t;
	const char *s;
	int blank;
	*out = 0;
	if (i < 0 || !OGR_F_IsFieldSetAndNotNull(f, i))
		return 0;
	t = OGR_Fld_GetType(OGR_F_GetFieldDefnRef(f, i));
	if (t == OFTInteger || t == OFTInteger64 || t == OFTReal) {
		*out = OGR_F_GetFieldAsDouble(f, i);
		return isfinite(*out) ? 1 : -1;
	}
	s = OGR_F_GetFieldAsString(f, i);
	if (strspn(s, " \t+-.0123456789eE") != strlen(s) || cm__parse_number(s, out, &blank))
		return -1;
	return blank ? 0 : 1;
}

/* Is field `i` of `f` written as a plain whole number: a numeric field, or
 * text of digits alone (a minus sign first when `sign`), blanks around
 * them aside?  A plan writes counts so; 4e1, +40 or 40.0 are another
 * tool's, or a hand's, and field_number would take them. */
static int plain_whole(OGRFeatureH f, int i, int sign)
{
	OGRFieldType t = OGR_Fld_GetType(OGR_F_GetFieldDefnRef(f, i));
	const char *s = OGR_F_GetFieldAsString(f, i);
	size_t digits;
	if (t == OFTInteger || t == OFTInteger64 || t == OFTReal)
		return 1;
	s += strspn(s, " \t");
	if (sign && *s == '-')
		s++;
	digits = strspn(s, "0123456789");
	return digits > 0 && s[digits + strspn(s + digits, " \t")] == '\0';
}

/* What is wrong with field `i` of `f` as a count of at most `max`, into
 * `why` (empty: nothing); the count in *out. */
static void count_of(OGRFeatureH f, int i, long max, long *out, int *set, char *why, size_t n)
{
	double v;
	int r = field_number(f, i, &v);
	const char *text = i >= 0 ? OGR_F_GetFieldAsString(f, i) : "";
	*out = 0;
	*set = r > 0;
	why[0] = '\0';
	if (r < 0)
		snprintf(why, n, _("'%.40s' is not a finite number"), text);
	else if (r > 0 && v < 0)
		snprintf(why, n, _("'%.40s' is negative: a count is 0 or more"), text);
	else if (r > 0 && v != floor(v))
		snprintf(why, n, _("'%.40s' is not a whole number"), text);
	else if (r > 0 && v > (double)max)
		snprintf(why, n, _("'%.40s' is more than %ld, the most a plan can hold here "
		         "(docs/input.md)"), text, max);
	else if (r > 0 && !plain_whole(f, i, 0))
		snprintf(why, n, _("'%.40s' is not a plain whole number (digits only: 40, not 4e1, "
		         "+40 or 40.0)"), text);
	else
		*out = (long)v;
}

int cm__planfile_count(cm_ctx *ctx, const char *file, const char *layer, OGRFeatureH f, int i,
                       const char *id, long max, long *out)
{
	char why[200], *label;
	int set, rc;
	count_of(f, i, max, out, &set, why, sizeof why);
	if (!why[0])
		return 0;
	label = cm__feature_label((long)OGR_F_GetFID(f), id);
	rc = cm__error(ctx, CM_EINPUT, _("%s, layer %s, %s, field %s: %s"), file, layer,
	               label ? label : _("a feature"),
	               OGR_Fld_GetNameRef(OGR_F_GetFieldDefnRef(f, i)), why);
	free(label);
	return rc;
}

/* ------------------------------------------------------------ the layers */

#define NEED CM__F_NEED /* a reader uses it: the layer must have it */
#define FULL CM__F_FULL /* no feature leaves it empty */

typedef cm__pfield fspec; /* a field of a layer's table: planschema.c's */

/* The checks below read a feature's fields by the schema's enums
 * (planschema.h: CM__SUM_LEVEL, CM__CMP_SCHOOL(lv), ...) and name layers
 * by its CM__L_ ones. */

#define NF CM__SUM_N /* fields a layer's table may have, at most (the summary's) */

typedef struct prow {          /* the feature being checked */
	OGRFeatureH f;
	const char *id;            /* its id, for messages */
	const char *s[NF];         /* by the table's field: text ("" when unset) */
	long n[NF];                /* counts, and a level's or seat kind's number */
	int set[NF];               /* the field is there and set */
} prow;

typedef struct pschool {       /* a school at one level, from the schools layer */
	char *id;                  /* first: cm__ids_index reads it */
	long fid;
	long enrolled;
	long named;                /* compounds naming it their catchment school */
	long assigned;             /* pupils of its assignment rows */
	long catchment;            /* its catchments feature + 1; 0: none yet */
} pschool;

typedef struct pcomp {         /* a compound, from the compounds layer */
	char *id;                  /* first: cm__ids_index reads it */
	long fid;
	long pupils[CM_NLEVELS], unplaced[CM_NLEVELS];
	long rows[CM_NLEVELS];     /* pupils of its assignment rows */
	long rows_unplaced[CM_NLEVELS];
} pcomp;

typedef struct pcheck {
	cm_ctx *ctx;
	cm__planfile *pf;
	int shp;                   /* a shapefile plan: fields go by their short names */
	char *file[CM__L_N];       /* each layer's file (by CM__L_...), for messages */
	/* the layer being read */
	int li;
	OGRLayerH lyr;
	const fspec *spec;
	int nspec, idx[NF];
	/* what the layers say */
	long summary_fid[CM_NLEVELS]; /* the level's summary feature + 1; 0: none (not solved) */
	long pupils[CM_NLEVELS], placed[CM_NLEVELS], unplaced[CM_NLEVELS]; /* the summary's */
	long sum[CM_NLEVELS], sum2[CM_NLEVELS];  /* a layer's totals */
	cm_vec schools[CM_NLEVELS];  /* pschool */
	cm__id *school_index[CM_NLEVELS];
	cm_vec comps;                /* pcomp */
	cm__id *comp_index;
	OGRSpatialReferenceH srs;    /* the first layer's with a CRS, and that layer */
	int srs_li;
} pcheck;

/* Layer `li`'s name (CM__L_...). */
#define LAYER_NAME(li) (cm__plan_layer_at(li)->name)
/* The engine's name of field `k` of layer `li`. */
#define FIELD(li, k) cm__plan_fname((li), (k))
/* A level named in a sentence, in the reader's words (cm_level_name: the
 * engine's value, as a field holds it). */
#define LEVEL(lv) cm__level_label((cm_level)(lv))

/* A field's name in this plan (a shapefile's short name). */
static const char *field_name(const pcheck *pc, const char *name)
{
	const char *shp = pc->shp ? cm__plan_shp_name(name) : NULL;
	return shp ? shp : name;
}

/* An error about layer `li` of the plan, feature `fid` (< 0: the layer
 * itself; `id` its id) and `field` and `field2` (engine names; NULL:
 * none).  Said piece by piece, each piece translated, the names kept. */
static int vbad(pcheck *pc, int li, long fid, const char *id, const char *field,
                const char *field2, const char *fmt, va_list ap) CM_PRINTF(7, 0);
static int vbad(pcheck *pc, int li, long fid, const char *id, const char *field,
                const char *field2, const char *fmt, va_list ap)
{
	char *what = cm__vsprintf(fmt, ap);
	char *label = fid >= 0 ? cm__feature_label(fid, id) : NULL;
	char *where = cm__sprintf(_("%s, layer %s"), pc->file[li] ? pc->file[li] : pc->pf->path,
	                          LAYER_NAME(li));
	char *at = label ? cm__sprintf(_("%s, %s"), where ? where : "", label) : NULL;
	char *fields = !field ? NULL
	               : field2 ? cm__sprintf(_("%s, fields %s and %s"), at ? at : where ? where : "",
	                                      field_name(pc, field), field_name(pc, field2))
	                        : cm__sprintf(_("%s, field %s"), at ? at : where ? where : "",
	                                      field_name(pc, field));
	int rc = cm__error(pc->ctx, CM_EINPUT, _("%s: %s"),
	                   fields ? fields : at ? at : where ? where : "",
	                   what ? what : _("(out of memory)"));
	free(what);
	free(label);
	free(where);
	free(at);
	free(fields);
	return rc;
}

static int bad_at(pcheck *pc, int li, long fid, const char *id, const char *field,
                  const char *field2, const char *fmt, ...) CM_PRINTF(7, 8);
static int bad_at(pcheck *pc, int li, long fid, const char *id, const char *field,
                  const char *field2, const char *fmt, ...)
{
	va_list ap;
	int rc;
	va_start(ap, fmt);
	rc = vbad(pc, li, fid, id, field, field2, fmt, ap);
	va_end(ap);
	return rc;
}

/* An error about the feature being read, field `k` of its table (-1: none). */
static int bad(pcheck *pc, const prow *r, int k, const char *fmt, ...) CM_PRINTF(4, 5);
static int bad(pcheck *pc, const prow *r, int k, const char *fmt, ...)
{
	va_list ap;
	int rc;
	va_start(ap, fmt);
	rc = vbad(pc, pc->li, (long)OGR_F_GetFID(r->f), r->id, k >= 0 ? pc->spec[k].name : NULL,
	          NULL, fmt, ap);
	va_end(ap);
	return rc;
}

static int seat_of(const char *s)
{
	int k;
	for (k = 0; k < 4; k++)
		if (!strcmp(s, cm_seat_kind_name((cm_seat_kind)k)))
			return k;
	return -1;
}

static int is_colour(const char *s)
{
	return s[0] == '#' && strlen(s) == 7 && strspn(s + 1, "0123456789abcdefABCDEF") == 6;
}

/* Checks field `k` of the feature being read against its table. */
static int check_field(pcheck *pc, prow *r, int k)
{
	const fspec *fs = &pc->spec[k];
	int i = pc->idx[k];
	char why[200];
	double v;
	if (i < 0)
		return 0;
	if (fs->value <= CM__V_COLOR) {
		OGRFieldType t = OGR_Fld_GetType(OGR_F_GetFieldDefnRef(r->f, i));
		const char *s;
		/* GDAL's text of a field of another type (a number, a date)
		 * lasts only until the feature's next field is read (r->s keeps
		 * every field's); a plan writes ids, levels and names as text, so
		 * one typed otherwise was saved by another tool */
		if (t != OFTString)
			return bad(pc, r, k, _("a field of type %s, not text (a plan writes it as text: "
			                       "was the plan saved by another tool?)"),
			           OGR_GetFieldTypeName(t));
		s = r->s[k] = cm__planfile_str(r->f, i);
		r->set[k] = *s != '\0';
		if (!r->set[k])
			return fs->flags & FULL ? bad(pc, r, k, _("empty; a plan leaves it empty nowhere")) : 0;
		if (!cm__utf8_valid(s))
			return bad(pc, r, k, _("the text is not UTF-8 (a plan's is: was the file saved in "
			                       "another encoding?)"));
		if (fs->value == CM__V_LEVEL && (r->n[k] = cm__level_of(s)) < 0)
			return bad(pc, r, k, _("'%.40s' is not primary or junior"), s);
		if (fs->value == CM__V_SEAT && (r->n[k] = seat_of(s)) < 0)
			return bad(pc, r, k, _("'%.40s' is not public, purchased, fee or unplaced"), s);
		if (fs->value == CM__V_SECTOR && strcmp(s, "public") && strcmp(s, "private"))
			return bad(pc, r, k, _("'%.40s' is not public or private"), s);
		if (fs->value == CM__V_COLOR && !is_colour(s))
			return bad(pc, r, k, _("'%.40s' is not a colour (#rrggbb)"), s);
		return 0;
	}
	r->s[k] = "";
	if (fs->value == CM__V_COUNT) {
		count_of(r->f, i, fs->max, &r->n[k], &r->set[k], why, sizeof why);
		if (why[0])
			return bad(pc, r, k, "%s", why);
	} else {
		int got = field_number(r->f, i, &v);
		const char *text = OGR_F_GetFieldAsString(r->f, i);
		r->set[k] = got > 0;
		if (got < 0)
			return bad(pc, r, k, _("'%.40s' is not a finite number"), text);
		if (got > 0 && fs->value == CM__V_WHOLE && (v != floor(v) || fabs(v) > (double)fs->max))
			return bad(pc, r, k, _("'%.40s' is not a whole number from %ld to %ld"), text,
			           -fs->max, fs->max);
		if (got > 0 && fs->value == CM__V_WHOLE && !plain_whole(r->f, i, 1))
			return bad(pc, r, k, _("'%.40s' is not a plain whole number (digits only: 40, not "
			                       "4e1, +40 or 40.0)"), text);
		if (got > 0 && fs->value == CM__V_POS && v < 0)
			return bad(pc, r, k, _("'%.40s' is negative"), text);
		if (got > 0 && fs->value == CM__V_SHARE && !(v >= 0 && v <= 1))
			return bad(pc, r, k, _("'%.40s' is not a share from 0 to 1"), text);
		r->n[k] = got > 0 && fs->value == CM__V_WHOLE ? (long)v : 0;
	}
	if (!r->set[k] && (fs->flags & FULL))
		return bad(pc, r, k, _("empty; a plan leaves it empty nowhere"));
	return 0;
}

/* The layer's fields, joined for a message (caller frees). */
static char *field_list(OGRLayerH lyr)
{
	OGRFeatureDefnH d = OGR_L_GetLayerDefn(lyr);
	char *s = cm__strdup("");
	int i;
	for (i = 0; s && i < OGR_FD_GetFieldCount(d); i++) {
		char *t = cm__sprintf("%s%s%s", s, i ? ", " : "", OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(d, i)));
		free(s);
		s = t;
	}
	return s;
}

/* The layer just opened is in the CRS of the plan's other layers (one
 * reprojected on its own, as saving a layer again in a GIS does, was
 * drawn at one point, the scale bar reading 1e+06 km). */
static int same_crs(pcheck *pc)
{
	OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(pc->lyr);
	if (!srs)
		return 0;
	if (!pc->srs) {
		if (!(pc->srs = OSRClone(srs)))
			return cm__error(pc->ctx, CM_ENOMEM, _("out of memory"));
		pc->srs_li = pc->li;
		return 0;
	}
	if (OSRIsSame(pc->srs, srs))
		return 0;
	return cm__error(pc->ctx, CM_EINPUT, _("%s: layer %s is in %s, but layer %s (%s) is in %s: a "
	                 "plan's layers share one CRS (was one saved again in another?)"),
	                 pc->file[pc->li], LAYER_NAME(pc->li), OSRGetName(srs),
	                 LAYER_NAME(pc->srs_li), pc->file[pc->srs_li], OSRGetName(pc->srs));
}

/* Finds layer `li` and the fields of its table.  *found is 0 when the plan
 * has no such layer (an error when the format promises it). */
static int open_layer(pcheck *pc, int li, int *found)
{
	const cm__player *l = cm__plan_layer_at(li);
	const fspec *spec;
	int k, required, nspec;
	*found = 0;
	if (!l || l->nfields > NF) /* unreachable: planschema.c's table and NF agree */
		return cm__error(pc->ctx, CM_EINPUT, _("layer %s: not in the plan's schema"),
		                 LAYER_NAME(li));
	pc->li = li;
	pc->spec = spec = l->fields;
	pc->nspec = nspec = l->nfields;
	required = l->required;
	if (!(pc->file[li] = cm__planfile_file(pc->pf, LAYER_NAME(li))))
		return cm__error(pc->ctx, CM_ENOMEM, _("out of memory"));
	CPLErrorReset();
	if (!(pc->lyr = cm__planfile_layer(pc->pf, LAYER_NAME(li)))) {
		if (pc->pf->root && is_dir(pc->pf->root) && access(pc->file[li], F_OK) == 0)
			return cm__error(pc->ctx, CM_EINPUT, _("%s: layer %s cannot be read (%s): the file "
			                 "is cut short or damaged"), pc->file[li], LAYER_NAME(li),
			                 CPLGetLastErrorMsg());
		if (!required)
			return 0;
		if (pc->pf->root && is_dir(pc->pf->root))
			return cm__error(pc->ctx, CM_EINPUT, _("%s: not a whole catchment plan: layer %s is "
			                 "missing (no %s); a plan has the layers assignment, schools, "
			                 "summary, compounds and catchments"), pc->pf->root, LAYER_NAME(li),
			                 pc->file[li]);
		return cm__error(pc->ctx, CM_EINPUT, _("%s: not a whole catchment plan: layer %s is "
		                 "missing; a plan has the layers assignment, schools, summary, "
		                 "compounds and catchments"), pc->file[li], LAYER_NAME(li));
	}
	*found = 1;
	if ((k = same_crs(pc)))
		return k;
	for (k = 0; k < nspec; k++) {
		pc->idx[k] = cm__planfile_field(pc->lyr, spec[k].name);
		/* (GeoJSON without features has no fields either: nothing to read) */
		if (pc->idx[k] < 0 && (spec[k].flags & NEED) && OGR_L_GetFeatureCount(pc->lyr, TRUE) != 0) {
			const char *shp = cm__plan_shp_name(spec[k].name);
			char *have = field_list(pc->lyr);
			char *also = shp && strcmp(shp, spec[k].name)
			             ? cm__sprintf(_(" (in a shapefile: %s)"), shp) : NULL;
			int rc = cm__error(pc->ctx, CM_EINPUT, _("%s, layer %s: no field %s%s; the layer's "
			                   "fields: %s"), pc->file[li], LAYER_NAME(li), spec[k].name,
			                   also ? also : "", have && *have ? have : _("none"));
			free(also);
			free(have);
			return rc;
		}
	}
	return 0;
}

typedef int (*row_fn)(pcheck *pc, prow *r);

#define MAX_COORD 1e8 /* metres (or degrees): beyond it no plan's coordinate lies */

/* The feature's geometry, where it has one, is of its layer's kind
 * (planschema.c) and lies where a plan can (finite, within MAX_COORD): a
 * hand edit that put a point at 1e300 made every school of the report's
 * map and the lookup page sit at one spot, and a Point in catchments was
 * drawn as an area.  A missing or empty geometry is the writer's too (a
 * catchment without an area). */
static int check_geometry(pcheck *pc, prow *r)
{
	OGRGeometryH g = OGR_F_GetGeometryRef(r->f);
	const cm__player *l = cm__plan_layer_at(pc->li);
	OGRwkbGeometryType t;
	OGREnvelope e;
	int point, line, area;
	if (!g || OGR_G_IsEmpty(g) || !l || l->geom == CM__G_NONE)
		return 0;
	t = wkbFlatten(OGR_G_GetGeometryType(g));
	point = t == wkbPoint;
	line = t == wkbLineString || t == wkbMultiLineString;
	area = t == wkbPolygon || t == wkbMultiPolygon;
	if ((l->geom == CM__G_POINT && !point) || (l->geom == CM__G_LINE && !line) ||
	    (l->geom == CM__G_MULTIPOLYGON && !area) ||
	    (l->geom == CM__G_POINT_OR_MULTIPOLYGON && !point && !area))
		return bad(pc, r, -1, _("the geometry is a %s, where the layer's are %s"),
		           OGR_G_GetGeometryName(g),
		           l->geom == CM__G_POINT  ? _("points")
		           : l->geom == CM__G_LINE ? _("lines")
		           : l->geom == CM__G_MULTIPOLYGON ? _("polygons")
		                                          : _("points or polygons"));
	OGR_G_GetEnvelope(g, &e);
	if (!(fabs(e.MinX) <= MAX_COORD && fabs(e.MaxX) <= MAX_COORD && fabs(e.MinY) <= MAX_COORD &&
	      fabs(e.MaxY) <= MAX_COORD))
		return bad(pc, r, -1, _("a coordinate is %g, %g: not a place (no plan's coordinate is "
		                        "beyond 1e8)"), fabs(e.MinX) > fabs(e.MaxX) ? e.MinX : e.MaxX,
		           fabs(e.MinY) > fabs(e.MaxY) ? e.MinY : e.MaxY);
	return 0;
}

/* A GeoPackage keeps whatever a cell is given: SQLite leaves text ('abc')
 * or a fraction (20.5) in an integer column, and GDAL reads them as 0 and
 * 20 without a word, so that the layer's totals, not the value, were
 * blamed.  This names the first feature (by fid) with a numeric field of
 * the table holding what its column's type does not: text or a blob, or a
 * fraction in an integer column.  (Other formats' text is read as text,
 * feature by feature: check_field.) */
static int gpkg_stored(pcheck *pc, int id_k)
{
	OGRFeatureDefnH d = OGR_L_GetLayerDefn(pc->lyr);
	const char *fidcol = OGR_L_GetFIDColumn(pc->lyr);
	int k, cols[NF], real[NF], ncols = 0, rc = 0;
	char *sql = NULL;
	size_t len;
	FILE *fp;
	OGRLayerH res;
	OGRFeatureH f;
	if (strcmp(driver_of(pc->pf), "GPKG") || !fidcol || !*fidcol)
		return 0;
	for (k = 0; k < pc->nspec; k++) {
		OGRFieldType t;
		if (pc->idx[k] < 0 || pc->spec[k].value <= CM__V_COLOR)
			continue;
		t = OGR_Fld_GetType(OGR_FD_GetFieldDefn(d, pc->idx[k]));
		if (t == OFTInteger || t == OFTInteger64 || t == OFTReal) {
			real[ncols] = t == OFTReal;
			cols[ncols++] = k;
		}
	}
	if (!ncols)
		return 0;
	if (!(fp = open_memstream(&sql, &len)))
		return cm__error(pc->ctx, CM_ENOMEM, _("out of memory"));
	/* fid, id, then each field's value, all as text (a blob as X'..'; GDAL
	 * would take a fid column as the result's fid and a value as the
	 * column's type) */
	fputs("SELECT CAST(", fp);
	cm__put_quoted(fp, fidcol);
	fputs(" AS TEXT)", fp);
	if (pc->idx[id_k] >= 0) {
		fputs(", CAST(", fp);
		cm__put_quoted(fp, OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(d, pc->idx[id_k])));
		fputs(" AS TEXT)", fp);
	} else {
		fputs(", ''", fp);
	}
	for (k = 0; k < ncols; k++) {
		const char *name = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(d, pc->idx[cols[k]]));
		fputs(", CASE typeof(", fp);
		cm__put_quoted(fp, name);
		fputs(") WHEN 'blob' THEN quote(", fp);
		cm__put_quoted(fp, name);
		fputs(") ELSE CAST(", fp);
		cm__put_quoted(fp, name);
		fputs(" AS TEXT) END", fp);
	}
	fputs(" FROM ", fp);
	cm__put_quoted(fp, LAYER_NAME(pc->li));
	fputs(" WHERE 0", fp);
	for (k = 0; k < ncols; k++) {
		fputs(" OR typeof(", fp);
		cm__put_quoted(fp, OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(d, pc->idx[cols[k]])));
		fprintf(fp, ") NOT IN ('null', 'integer'%s)", real[k] ? ", 'real'" : "");
	}
	fputs(" ORDER BY 1", fp);
	if (fclose(fp) || !sql) {
		free(sql);
		return cm__error(pc->ctx, CM_ENOMEM, _("out of memory"));
	}
	res = GDALDatasetExecuteSQL(pc->pf->gds, sql, NULL, NULL);
	free(sql);
	if (!res) /* not SQL this file takes: read_layer reads it as it is */
		return 0;
	while (!rc && (f = OGR_L_GetNextFeature(res)) != NULL) {
		for (k = 0; k < ncols && !rc; k++) {
			const char *v = OGR_F_GetFieldAsString(f, 2 + k);
			double x;
			int blank;
			if (!OGR_F_IsFieldSetAndNotNull(f, 2 + k))
				continue;
			/* (text SQLite would not take as a number: its '40' is stored as 40) */
			if (cm__parse_number(v, &x, &blank) || blank)
				rc = bad_at(pc, pc->li, atol(OGR_F_GetFieldAsString(f, 0)),
				            OGR_F_GetFieldAsString(f, 1), pc->spec[cols[k]].name, NULL,
				            _("'%.40s' is not a finite number"), v);
			else if (!real[k] && x != floor(x))
				rc = bad_at(pc, pc->li, atol(OGR_F_GetFieldAsString(f, 0)),
				            OGR_F_GetFieldAsString(f, 1), pc->spec[cols[k]].name, NULL,
				            _("'%.40s' is not a whole number"), v);
		}
		OGR_F_Destroy(f);
	}
	GDALDatasetReleaseResultSet(pc->pf->gds, res);
	return rc;
}

/* Reads layer `li` (after open_layer), each feature checked against its
 * table and handed to `fn`; `id_k` is the table's field that names a
 * feature.  A file that stops being readable midway (a shapefile cut
 * short) is an error, not the end of the layer. */
static int read_layer(pcheck *pc, int id_k, row_fn fn)
{
	OGRFeatureH f;
	long n = 0;
	GIntBig promised;
	int rc = 0, k;
	if ((rc = gpkg_stored(pc, id_k)))
		return rc;
	CPLErrorReset();
	OGR_L_ResetReading(pc->lyr);
	while (!rc && (f = OGR_L_GetNextFeature(pc->lyr)) != NULL) {
		prow r;
		char *id = cm__strdup(cm__planfile_str(f, pc->idx[id_k])); /* (a number field's
		                                                            * text would not last) */
		memset(&r, 0, sizeof r);
		r.f = f;
		r.id = id;
		if (!id)
			rc = cm__error(pc->ctx, CM_ENOMEM, _("out of memory"));
		for (k = 0; k < pc->nspec && !rc; k++)
			rc = check_field(pc, &r, k);
		if (!rc)
			rc = check_geometry(pc, &r);
		if (!rc && fn)
			rc = fn(pc, &r);
		free(id);
		OGR_F_Destroy(f);
		n++;
	}
	if (rc)
		return rc;
	if (CPLGetLastErrorType() >= CE_Failure)
		return bad_at(pc, pc->li, -1, NULL, NULL, NULL, _("cannot be read after %ld features (%s): the "
		              "file is cut short or damaged"), n, CPLGetLastErrorMsg());
	promised = OGR_L_GetFeatureCount(pc->lyr, FALSE);
	if (promised >= 0 && promised != (GIntBig)n)
		return bad_at(pc, pc->li, -1, NULL, NULL, NULL, _("%ld features could be read of the %lld the "
		              "file says it has: the file is cut short or damaged"), n,
		              (long long)promised);
	return 0;
}

static pschool *school_find(pcheck *pc, int lv, const char *id)
{
	long i = cm__ids_find(pc->school_index[lv], pc->schools[lv].len, id);
	return i >= 0 ? &((pschool *)pc->schools[lv].data)[i] : NULL;
}

static pcomp *comp_find(pcheck *pc, const char *id)
{
	long i = cm__ids_find(pc->comp_index, pc->comps.len, id);
	return i >= 0 ? &((pcomp *)pc->comps.data)[i] : NULL;
}

/* An id index of `n` records of `stride` bytes (schools when `school`, else
 * compounds); a repeated id is an error naming its second feature (fids at
 * `fid_off` in each record). */
static int index_ids(pcheck *pc, int li, const char *field, const void *base, size_t n,
                     size_t stride, size_t fid_off, int school, cm__id **out)
{
	size_t i;
	if (!(*out = cm__ids_index(stride, base, n)))
		return cm__error(pc->ctx, CM_ENOMEM, _("out of memory"));
	for (i = 1; i < n; i++) {
		const cm__id *a = &(*out)[i - 1], *b = &(*out)[i];
		if (!strcmp(a->id, b->id)) {
			size_t first = a->index < b->index ? a->index : b->index;
			size_t second = a->index < b->index ? b->index : a->index;
			const char *rec = (const char *)base;
			long f1 = *(const long *)(const void *)(rec + first * stride + fid_off);
			long f2 = *(const long *)(const void *)(rec + second * stride + fid_off);
			return bad_at(pc, li, f2, b->id, field, NULL,
			              school ? _("school %s appears twice (also feature %ld)")
			                     : _("compound %s appears twice (also feature %ld)"),
			              b->id, f1);
		}
	}
	return 0;
}

/* ------------------------------------------------------------ per layer */

static int summary_row(pcheck *pc, prow *r)
{
	int lv = (int)r->n[CM__SUM_LEVEL];
	if (pc->summary_fid[lv])
		return bad(pc, r, CM__SUM_LEVEL, _("%s appears twice (also feature %ld)"),
		           cm_level_name((cm_level)lv), pc->summary_fid[lv] - 1);
	pc->summary_fid[lv] = (long)OGR_F_GetFID(r->f) + 1;
	if (r->set[CM__SUM_DISTANCE_KIND] && strcmp(r->s[CM__SUM_DISTANCE_KIND], "straight") && strcmp(r->s[CM__SUM_DISTANCE_KIND], "table") &&
	    strcmp(r->s[CM__SUM_DISTANCE_KIND], "roads_walk") && strcmp(r->s[CM__SUM_DISTANCE_KIND], "roads_drive"))
		return bad(pc, r, CM__SUM_DISTANCE_KIND, _("'%.40s' is not straight, table, roads_walk or roads_drive"),
		           r->s[CM__SUM_DISTANCE_KIND]);
	pc->pupils[lv] = r->n[CM__SUM_PUPILS];
	pc->placed[lv] = r->n[CM__SUM_PLACED];
	pc->unplaced[lv] = r->n[CM__SUM_UNPLACED];
	if (pc->pupils[lv] != pc->placed[lv] + pc->unplaced[lv])
		return bad(pc, r, CM__SUM_PUPILS, _("%ld pupils, but placed and unplaced make %ld"),
		           pc->pupils[lv], pc->placed[lv] + pc->unplaced[lv]);
	return 0;
}

static int schools_row(pcheck *pc, prow *r)
{
	int lv = (int)r->n[CM__SCH_LEVEL];
	pschool *s = cm__vec_push(&pc->schools[lv]);
	if (!s || !(s->id = cm__strdup(r->s[CM__SCH_SCHOOL_ID])))
		return cm__error(pc->ctx, CM_ENOMEM, _("out of memory"));
	s->fid = (long)OGR_F_GetFID(r->f);
	s->enrolled = r->n[CM__SCH_ENROLLED];
	pc->sum[lv] += s->enrolled;
	if (r->set[CM__SCH_LOCAL] && r->set[CM__SCH_MIGRANT] && s->enrolled != r->n[CM__SCH_LOCAL] + r->n[CM__SCH_MIGRANT])
		return bad(pc, r, CM__SCH_ENROLLED, _("%ld enrolled, but local and migrant make %ld"), s->enrolled,
		           r->n[CM__SCH_LOCAL] + r->n[CM__SCH_MIGRANT]);
	return 0;
}

static int compounds_row(pcheck *pc, prow *r)
{
	pcomp *c = cm__vec_push(&pc->comps);
	int lv;
	if (!c || !(c->id = cm__strdup(r->s[CM__CMP_COMPOUND_ID])))
		return cm__error(pc->ctx, CM_ENOMEM, _("out of memory"));
	c->fid = (long)OGR_F_GetFID(r->f);
	for (lv = 0; lv < CM_NLEVELS; lv++) {
		const char *school = r->s[CM__CMP_SCHOOL(lv)];
		c->pupils[lv] = r->n[CM__CMP_PUPILS(lv, CM_LOCAL)] + r->n[CM__CMP_PUPILS(lv, CM_MIGRANT)];
		c->unplaced[lv] = r->n[CM__CMP_UNPLACED(lv)];
		pc->sum[lv] += c->pupils[lv];
		pc->sum2[lv] += c->unplaced[lv];
		if (pc->summary_fid[lv] && !r->set[CM__CMP_UNPLACED(lv)])
			return bad(pc, r, CM__CMP_UNPLACED(lv), _("empty, but the plan solved the %s level"),
			           LEVEL(lv));
		if (c->unplaced[lv] > c->pupils[lv])
			return bad(pc, r, CM__CMP_UNPLACED(lv), _("%ld pupils without a place, of %ld %s pupils"),
			           c->unplaced[lv], c->pupils[lv], LEVEL(lv));
		if (r->set[CM__CMP_DETOUR(lv)] && !*school)
			return bad(pc, r, CM__CMP_DETOUR(lv), _("a detour ratio, but no %s catchment school"),
			           LEVEL(lv));
		if (*school) {
			pschool *s = school_find(pc, lv, school);
			if (!s)
				return bad(pc, r, CM__CMP_SCHOOL(lv), _("school %s is not in the schools layer (%s) "
				           "at the %s level"), school, pc->file[CM__L_SCHOOLS], LEVEL(lv));
			s->named++;
		}
	}
	return 0;
}

static int assignment_row(pcheck *pc, prow *r)
{
	int lv = (int)r->n[CM__ASG_LEVEL], seat = (int)r->n[CM__ASG_SEAT_KIND];
	const char *school = r->s[CM__ASG_SCHOOL_ID];
	long n = r->n[CM__ASG_LOCAL] + r->n[CM__ASG_MIGRANT];
	pcomp *c = comp_find(pc, r->s[CM__ASG_COMPOUND_ID]);
	pschool *s = NULL;
	if (!c)
		return bad(pc, r, CM__ASG_COMPOUND_ID, _("compound %s is not in the compounds layer (%s)"), r->s[CM__ASG_COMPOUND_ID],
		           pc->file[CM__L_COMPOUNDS]);
	if (!pc->summary_fid[lv])
		return bad(pc, r, CM__ASG_LEVEL, _("the summary (%s) has no %s level"), pc->file[CM__L_SUMMARY],
		           LEVEL(lv));
	if (seat == CM_SEAT_UNPLACED && *school)
		return bad(pc, r, CM__ASG_SCHOOL_ID, _("school %s for pupils without a place"), school);
	if (seat != CM_SEAT_UNPLACED && !*school)
		return bad(pc, r, CM__ASG_SCHOOL_ID, _("empty for pupils in %s places"), cm_seat_kind_name(seat));
	if (*school && !(s = school_find(pc, lv, school)))
		return bad(pc, r, CM__ASG_SCHOOL_ID, _("school %s is not in the schools layer (%s) at the %s level"),
		           school, pc->file[CM__L_SCHOOLS], LEVEL(lv));
	c->rows[lv] += n;
	if (s)
		s->assigned += n;
	else
		c->rows_unplaced[lv] += n;
	return 0;
}

static int catchments_row(pcheck *pc, prow *r)
{
	int lv = (int)r->n[CM__CAT_LEVEL];
	pschool *s = school_find(pc, lv, r->s[CM__CAT_SCHOOL_ID]);
	if (!s)
		return bad(pc, r, CM__CAT_SCHOOL_ID, _("school %s is not in the schools layer (%s) at the %s level"),
		           r->s[CM__CAT_SCHOOL_ID], pc->file[CM__L_SCHOOLS], LEVEL(lv));
	if (s->catchment)
		return bad(pc, r, CM__CAT_SCHOOL_ID, _("a second %s catchment of school %s (also feature %ld)"),
		           LEVEL(lv), s->id, s->catchment - 1);
	s->catchment = (long)OGR_F_GetFID(r->f) + 1;
	if (r->set[CM__CAT_PUPILS] && r->n[CM__CAT_PUPILS] != s->enrolled)
		return bad(pc, r, CM__CAT_PUPILS, _("%ld pupils, but the schools layer (%s) enrols %ld there"),
		           r->n[CM__CAT_PUPILS], pc->file[CM__L_SCHOOLS], s->enrolled);
	if (r->set[CM__CAT_COMPOUNDS] && r->n[CM__CAT_COMPOUNDS] != s->named)
		return bad(pc, r, CM__CAT_COMPOUNDS, _("%ld compounds, but %ld in the compounds layer (%s) "
		           "name the school"), r->n[CM__CAT_COMPOUNDS], s->named, pc->file[CM__L_COMPOUNDS]);
	return 0;
}

static int zones_row(pcheck *pc, prow *r)
{
	int lv = (int)r->n[CM__ZON_LEVEL];
	if (!school_find(pc, lv, r->s[CM__ZON_SCHOOL_ID]))
		return bad(pc, r, CM__ZON_SCHOOL_ID, _("school %s is not in the schools layer (%s) at the %s level"),
		           r->s[CM__ZON_SCHOOL_ID], pc->file[CM__L_SCHOOLS], LEVEL(lv));
	return 0;
}

static int changes_row(pcheck *pc, prow *r)
{
	if (!comp_find(pc, r->s[CM__CHG_COMPOUND_ID]))
		return bad(pc, r, CM__CHG_COMPOUND_ID, _("compound %s is not in the compounds layer (%s)"), r->s[CM__CHG_COMPOUND_ID],
		           pc->file[CM__L_COMPOUNDS]);
	return 0;
}

/* Per level: a layer's total `got` of `fields` against the summary's `want`
 * (0 when the summary has no such level). */
static int total_ok(pcheck *pc, int li, int lv, const char *const fields[2], const char *what,
                    long got, long want)
{
	if (got == want)
		return 0;
	if (!pc->summary_fid[lv])
		return bad_at(pc, li, -1, NULL, fields[0], fields[1], _("%ld %s %s in all, but the summary "
		              "(%s) has no %s level: the plan is cut short or was edited"), got,
		              LEVEL(lv), what, pc->file[CM__L_SUMMARY], LEVEL(lv));
	return bad_at(pc, li, -1, NULL, fields[0], fields[1], _("%ld %s %s in all, but the summary "
	              "(%s) says %ld: the plan is cut short or was edited"), got, LEVEL(lv), what,
	              pc->file[CM__L_SUMMARY], want);
}

static int check_layers(pcheck *pc)
{
	const char *enrolled[2] = {FIELD(CM__L_SCHOOLS, CM__SCH_ENROLLED), NULL};
	const char *pupils[CM_NLEVELS][2], *unplaced[CM_NLEVELS][2];
	int rc, lv, found;
	size_t i;

	for (lv = 0; lv < CM_NLEVELS; lv++) {
		/* a level's pupils are two fields: errors about them name both */
		pupils[lv][0] = FIELD(CM__L_COMPOUNDS, CM__CMP_PUPILS(lv, CM_LOCAL));
		pupils[lv][1] = FIELD(CM__L_COMPOUNDS, CM__CMP_PUPILS(lv, CM_MIGRANT));
		unplaced[lv][0] = FIELD(CM__L_COMPOUNDS, CM__CMP_UNPLACED(lv));
		unplaced[lv][1] = NULL;
	}
	if ((rc = open_layer(pc, CM__L_SUMMARY, &found)) ||
	    (rc = read_layer(pc, CM__SUM_LEVEL, summary_row)))
		return rc;

	if ((rc = open_layer(pc, CM__L_SCHOOLS, &found)) ||
	    (rc = read_layer(pc, CM__SCH_SCHOOL_ID, schools_row)))
		return rc;
	for (lv = 0; lv < CM_NLEVELS; lv++) {
		if ((rc = index_ids(pc, CM__L_SCHOOLS, FIELD(CM__L_SCHOOLS, CM__SCH_SCHOOL_ID), pc->schools[lv].data, pc->schools[lv].len,
		                    sizeof(pschool), offsetof(pschool, fid), 1,
		                    &pc->school_index[lv])) ||
		    (rc = total_ok(pc, CM__L_SCHOOLS, lv, enrolled, _("pupils enrolled"), pc->sum[lv],
		                   pc->placed[lv])))
			return rc;
		pc->sum[lv] = 0;
	}

	if ((rc = open_layer(pc, CM__L_COMPOUNDS, &found)) ||
	    (rc = read_layer(pc, CM__CMP_COMPOUND_ID, compounds_row)) ||
	    (rc = index_ids(pc, CM__L_COMPOUNDS, FIELD(CM__L_COMPOUNDS, CM__CMP_COMPOUND_ID), pc->comps.data, pc->comps.len,
	                    sizeof(pcomp), offsetof(pcomp, fid), 0, &pc->comp_index)))
		return rc;
	for (lv = 0; lv < CM_NLEVELS; lv++)
		if ((rc = total_ok(pc, CM__L_COMPOUNDS, lv, pupils[lv], _("pupils"), pc->sum[lv],
		                   pc->pupils[lv])) ||
		    (rc = total_ok(pc, CM__L_COMPOUNDS, lv, unplaced[lv], _("pupils without a place"),
		                   pc->sum2[lv], pc->unplaced[lv])))
			return rc;

	if ((rc = open_layer(pc, CM__L_ASSIGNMENT, &found)) ||
	    (rc = read_layer(pc, CM__ASG_COMPOUND_ID, assignment_row)))
		return rc;
	for (i = 0; i < pc->comps.len; i++) {
		const pcomp *c = &((pcomp *)pc->comps.data)[i];
		for (lv = 0; lv < CM_NLEVELS; lv++) {
			if (c->rows[lv] != c->pupils[lv])
				return bad_at(pc, CM__L_COMPOUNDS, c->fid, c->id, pupils[lv][0],
				              pupils[lv][1], _("%ld %s pupils, but the assignment layer "
				              "(%s) has %ld of them: the plan is cut short or was edited"),
				              c->pupils[lv], LEVEL(lv), pc->file[CM__L_ASSIGNMENT], c->rows[lv]);
			if (c->rows_unplaced[lv] != c->unplaced[lv])
				return bad_at(pc, CM__L_COMPOUNDS, c->fid, c->id, unplaced[lv][0], NULL,
				              _("%ld pupils without a place, but the assignment layer (%s) has "
				              "%ld: the plan is cut short or was edited"), c->unplaced[lv],
				              pc->file[CM__L_ASSIGNMENT], c->rows_unplaced[lv]);
		}
	}
	for (lv = 0; lv < CM_NLEVELS; lv++)
		for (i = 0; i < pc->schools[lv].len; i++) {
			const pschool *s = &((pschool *)pc->schools[lv].data)[i];
			if (s->assigned != s->enrolled)
				return bad_at(pc, CM__L_SCHOOLS, s->fid, s->id, enrolled[0], NULL, _("%ld %s pupils "
				              "enrolled, but the assignment layer (%s) places %ld there: the "
				              "plan is cut short or was edited"), s->enrolled, LEVEL(lv),
				              pc->file[CM__L_ASSIGNMENT], s->assigned);
		}

	if ((rc = open_layer(pc, CM__L_CATCHMENTS, &found)) ||
	    (rc = read_layer(pc, CM__CAT_SCHOOL_ID, catchments_row)))
		return rc;
	for (lv = 0; lv < CM_NLEVELS; lv++)
		for (i = 0; i < pc->schools[lv].len; i++) {
			const pschool *s = &((pschool *)pc->schools[lv].data)[i];
			if (s->named && !s->catchment)
				return bad_at(pc, CM__L_CATCHMENTS, -1, NULL, NULL, NULL, _("no %s catchment of school %s, "
				              "which %ld compounds in the compounds layer (%s) name: the plan "
				              "is cut short or was edited"), LEVEL(lv), s->id, s->named,
				              pc->file[CM__L_COMPOUNDS]);
		}

	if ((rc = open_layer(pc, CM__L_ZONES, &found)) ||
	    (found && (rc = read_layer(pc, CM__ZON_SCHOOL_ID, zones_row))))
		return rc;
	if ((rc = open_layer(pc, CM__L_CHANGES, &found)) ||
	    (found && (rc = read_layer(pc, CM__CHG_COMPOUND_ID, changes_row))))
		return rc;
	return 0;
}

int cm__planfile_check(cm_ctx *ctx, cm__planfile *pf)
{
	pcheck pc;
	int rc, lv;
	size_t i;
	memset(&pc, 0, sizeof pc);
	pc.ctx = ctx;
	pc.pf = pf;
	pc.shp = !strcmp(driver_of(pf), "ESRI Shapefile");
	cm__vec_init(&pc.comps, sizeof(pcomp));
	for (lv = 0; lv < CM_NLEVELS; lv++)
		cm__vec_init(&pc.schools[lv], sizeof(pschool));
	CPLPushErrorHandler(CPLQuietErrorHandler);
	rc = check_layers(&pc);
	CPLPopErrorHandler();
	for (i = 0; i < pc.comps.len; i++)
		free(((pcomp *)pc.comps.data)[i].id);
	cm__vec_free(&pc.comps);
	free(pc.comp_index);
	for (lv = 0; lv < CM_NLEVELS; lv++) {
		for (i = 0; i < pc.schools[lv].len; i++)
			free(((pschool *)pc.schools[lv].data)[i].id);
		cm__vec_free(&pc.schools[lv]);
		free(pc.school_index[lv]);
	}
	for (i = 0; i < CM__L_N; i++)
		free(pc.file[i]);
	if (pc.srs)
		OSRDestroySpatialReference(pc.srs);
	return rc;
}
