/*
 * internal.h: what the modules of src/ share and the public API does not show.
 *
 * Names shared between modules carry a double underscore (cm__), after
 * libgit2.  GDAL types appear only in the prototypes of crs.c and read.c.
 */
#ifndef CM_INTERNAL_H
#define CM_INTERNAL_H

#include "catchment.h"

#include <libintl.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#if defined(__GNUC__)
#define CM_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define CM_PRINTF(a, b)
#endif

/* Messages a planner reads (the terminal's reports, check's findings,
 * errors) in the reader's language: gettext's catalogue "catchment"
 * (po/, docs/design.md "Languages").  English is the source; `_()` marks
 * and translates, N_() only marks. */
#define CM__DOMAIN "catchment"
#define _(s) cm__tr(s)
/* dgettext never returns NULL for a message, but GCC at -O2 with the
 * sanitizers cannot see that and calls every translated format "null"
 * (-Wformat-overflow): this says it. */
#if defined(__GNUC__)
__attribute__((format_arg(1), returns_nonnull))
#endif
static inline const char *cm__tr(const char *s)
{
	const char *t = dgettext(CM__DOMAIN, s);
	return t ? t : s;
}
#define N_(s) (s)
/* Schools of a plan's level with no seat to spare (report.c). */
int cm__full_schools(const cm_plan *plan, cm_level lv);
/* A level's name for a reader ("primary" or 小学), not the engine's value. */
const char *cm__level_label(cm_level lv);
/* The level whose engine value (cm_level_name: as a plan's level field
 * holds it) is `s`; -1 for any other text (fields.c). */
int cm__level_of(const char *s);

/* The most pupils a level may have: the solvers' exact integer costs
 * (flow.c) are sized for it. */
#define CM_MAX_LEVEL_PUPILS (1 << 25)
/* The largest count (pupils, seats, classes) one feature may give: a
 * compound or school of more is a typing error. */
#define CM_MAX_COUNT 1000000

/* ------------------------------------------------------------ ctx.c */

struct cm_ctx {
	char errmsg[2048];         /* last error, "" if none */
	cm_log_fn log;             /* NULL: messages are dropped */
	void *log_ud;
	cm_progress_fn progress;   /* NULL: no progress */
	void *progress_ud;
};

/* Records an error message on the context and returns `code`. */
int cm__error(cm_ctx *ctx, int code, const char *fmt, ...) CM_PRINTF(3, 4);
void cm__log(cm_ctx *ctx, cm_log_level level, const char *fmt, ...) CM_PRINTF(3, 4);
void cm__progress(cm_ctx *ctx, double done, const char *stage);
/* A quiet copy of ctx for a step whose messages would mislead where they
 * stand (a level solved again without its side rows, last year's plan read
 * for a check): no log lines, the same progress, no error yet.  Its error,
 * if any, goes back with cm__error_of. */
void cm__ctx_quiet(const cm_ctx *ctx, cm_ctx *quiet);
/* Records quiet's error message on ctx and returns `code`. */
int cm__error_of(cm_ctx *ctx, int code, const cm_ctx *quiet);

/* ------------------------------------------------------------ util.c */

char *cm__strdup(const char *s);                /* NULL-safe; NULL on ENOMEM */
char *cm__sprintf(const char *fmt, ...) CM_PRINTF(1, 2);
char *cm__vsprintf(const char *fmt, va_list ap) CM_PRINTF(1, 0);
/* Copy of `s` without leading and trailing blanks: ASCII ones, the
 * ideographic space (U+3000) and the no-break space (U+00A0). */
char *cm__strtrim(const char *s);
/* ASCII case-insensitive equality of two UTF-8 strings. */
int cm__streq_ci(const char *a, const char *b);
/* The same, without the blanks around either (as cm__strtrim trims): a
 * field name as a spreadsheet saved it, "学校代码　" with an ideographic
 * space, is 学校代码. */
int cm__name_eq(const char *a, const char *b);
/* 1 when `s` is valid UTF-8. */
int cm__utf8_valid(const char *s);
/* Does `value` (trimmed as cm__strtrim trims, ASCII case-insensitive) equal an item of the
 * comma-separated `list` (items trimmed)?  Full-width commas (，) and
 * enumeration commas (、) separate items too. */
int cm__list_has(const char *list, const char *value);
/* Looks class `cls` up in a speed list "CLASS:KMH, ..." ([roads]
 * speed_kmh; items separated as cm__list_has's, the class before the
 * item's last ':', matched as cm__list_has does).  Returns CM_SPEED_FOUND
 * (*kmh set), CM_SPEED_NONE, CM_SPEED_BAD (an item that is not CLASS:KMH
 * with KMH from 1 to 200: a copy in *bad_item, the caller's to free, when
 * bad_item is given) or CM_SPEED_ENOMEM.  With `cls` NULL the whole list is
 * checked: CM_SPEED_NONE when every item is good. */
/* 1 when a class of speed list `list` is named by two of its items (*name:
 * the class, caller frees), 0 when none is, CM_SPEED_ENOMEM. */
int cm__speed_twice(const char *list, char **name);
#define CM_SPEED_NONE 0
#define CM_SPEED_FOUND 1
#define CM_SPEED_BAD (-1)
#define CM_SPEED_ENOMEM (-2)
int cm__speed_lookup(const char *list, const char *cls, double *kmh, char **bad_item);
/* Parses a decimal number: an optional sign, digits with at most one point,
 * an optional exponent, blanks around.  Returns 0 (*is_null set for an empty
 * or blank string), CM_NUM_NOT_DECIMAL for anything else (hexadecimal 0x1F,
 * trailing text), or CM_NUM_NOT_FINITE for inf, nan and 1e999. */
#define CM_NUM_NOT_DECIMAL (-1)
#define CM_NUM_NOT_FINITE (-2)
int cm__parse_number(const char *s, double *out, int *is_null);
/* "not a decimal number" or "not a finite number", for a message. */
const char *cm__number_problem(int rc);
/* Inputs are regular files or folders: a FIFO, a device or a socket would
 * block or never end.  Returns 0 (also when `path` is not a file here: a
 * connection string, a /vsi path), or CM_EINPUT naming it as the `what`. */
int cm__input_ok(cm_ctx *ctx, const char *path, const char *what);
/* ------------------------------------------------------------ config.c */

/* The keys a configuration cannot do without, given (the schools and
 * compounds layers) and consistent (not both distances and roads): 0, or
 * CM_EINPUT naming the key.  cm_config_load checks it at the end of the
 * file; cm_dataset_load for a configuration built by cm_config_set. */
int cm__config_complete(cm_ctx *ctx, const cm_config *cfg);
/* Does `level` under `policy` (the base's or a scenario's) have a side
 * row, a constraint no network holds: a near-school minimum, or a cap on
 * pupils moved where there is a plan to move from?  1 with the key that
 * asks for it written into `key`, else 0.  The one statement of the rule
 * (the config's check of solver = network, solve.c's routing). */
int cm__side_row(const cm_config *cfg, const cm_policy *policy, cm_level level, int has_previous,
                 char *key, size_t n);

/* Why GDAL could not open the table at `path`, where the file tells
 * (read.c): UTF-16 text (a byte-order mark, or NUL bytes in a .csv, .tsv
 * or .txt), or a .txt; NULL otherwise. */
const char *cm__table_hint(const char *path);

/* ------------------------------------------------------------ file.c */

/* Outputs are written to cm__out_temp(TARGET) (TARGET.tmp-PID, after
 * cm__out_tidy), then cm__out_place moves the finished file or folder over
 * TARGET (fsync, rename; a folder by exchange): see file.c. */
char *cm__out_temp(const char *target);
int cm__out_place(cm_ctx *ctx, const char *tmp, const char *target);
/* 0 when `target` may be written: it has a name before its extension
 * (".png" has none: CM_EINPUT), and it does not exist, or is a file, a
 * folder or a link (else CM_EIO: a device, a pipe, a socket; renaming over
 * /dev/null would replace the device).  cm__out_place checks it too. */
int cm__out_check(cm_ctx *ctx, const char *target);
/* Cleans up (or, for an old output set aside, restores) what runs that are
 * gone left beside `target`. */
void cm__out_tidy(const char *target);
/* Removes a file, or a folder and what is in it. */
void cm__out_remove(const char *path);
/* Why a write into `tmp` (an output's temporary file or folder) failed
 * when the library that wrote it (GDAL, SQLite) said something else ("no
 * such table: gpkg_geometry_columns", ".shp file is unreadable, or
 * corrupt", its SQL cut short): its file system is full (less than 256 KiB
 * left), or `tmp`, or a file in it, is within 256 KiB of the file size
 * limit (ulimit -f).  The system's words for it (strerror), or NULL. */
const char *cm__out_full(const char *tmp);
/* The end of a text report on `fp`: flushes it, then 0, or CM_EIO (the
 * system's reason on the context) when a write to it failed. */
int cm__stream_done(cm_ctx *ctx, FILE *fp);
/* The file write.c puts in every plan folder, by which planfile.c knows
 * one and write.c replaces only a plan. */
#define CM__PLAN_MARKER "catchment-plan.txt"
/* PostGIS plans: a schema whose comment starts with this (write.c writes
 * it in the transaction that puts the plan in place; planfile.c knows a
 * plan by it).  The schema when none is named. */
#define CM__PG_MARKER "catchment plan"
#define CM__PG_SCHEMA "plan"

/* 1 when `s` names a data source that is not a plain path: a GDAL
 * connection string (`PG:...`, `MySQL:...`, `https://...`: a prefix of two
 * or more letters, digits or `_` and a colon, before any `/`) or a GDAL
 * virtual path (`/vsizip/...`).  Those are taken as given, never joined
 * to a folder or normalised. */
int cm__is_source_string(const char *s);
/* 1 when `s` is a PostgreSQL connection string (`PG:`, any case). */
int cm__is_pg(const char *s);
/* `s` for messages, logs and metadata: every `password=VALUE` of a
 * connection string (VALUE bare or quoted) left out.  Caller frees; NULL
 * on ENOMEM. */
char *cm__source_shown(const char *s);
/* A PostGIS plan's connection string split (`PG:dbname=x schemas=s`):
 * `*conn` is `pg` without its `schemas=` and `active_schema=` options,
 * `*schema` is `schema` if given, else the string's `schemas=` (a single
 * one) or `active_schema=`, else CM__PG_SCHEMA.  A schema is 1 to 40 of
 * a-z, 0-9 and `_`, not starting with a digit (room for write.c's
 * suffixes under PostgreSQL's 63).  Returns 0, CM_EINPUT naming the schema,
 * or CM_ENOMEM; both outputs the caller's. */
int cm__pg_split(cm_ctx *ctx, const char *pg, const char *schema, char **conn, char **schema_out);

/* Folder part of a path ("." if none); caller frees. */
char *cm__dirname(const char *path);
/* `path` if absolute, else `dir`/`path`; caller frees. */
char *cm__path_join(const char *dir, const char *path);

/* Ids to indices: a sorted index of `n` records of `stride` bytes whose
 * first member is their id (char *: cm_school, cm_compound, ...), and a
 * lookup (-1: none).  The index holds pointers to the records' ids. */
typedef struct cm__id {
	const char *id;
	size_t index;
} cm__id;
cm__id *cm__ids_index(size_t stride, const void *base, size_t n);
long cm__ids_find(const cm__id *index, size_t n, const char *id);

/* Prints `s` left-aligned in `width` terminal columns (汉字 take two). */
void cm__print_padded(FILE *fp, const char *s, int width);
/* The same, right-aligned (a column of figures' heading). */
void cm__print_right(FILE *fp, const char *s, int width);
/* Terminal columns `s` takes: East Asian wide characters count two. */
int cm__display_width(const char *s);
/* Prints a CSV text field, quoted when it holds a comma, quote or line
 * break; one a spreadsheet would read as a formula (=, +, -, @ first) gets
 * a leading ' inside the quotes. */
void cm__csv_field(FILE *fp, const char *s);
/* Writes `s` in double quotes, its quote marks doubled (a CSV field, an
 * SQL identifier). */
void cm__put_quoted(FILE *fp, const char *s);

/* Growable array of pointers-sized elements, for diagnostics and the like. */
typedef struct cm_vec {
	void *data;
	size_t len, cap, elem;
} cm_vec;
void cm__vec_init(cm_vec *v, size_t elem);
/* Appends one zeroed element and returns it, NULL on ENOMEM. */
void *cm__vec_push(cm_vec *v);
void cm__vec_free(cm_vec *v);

/* ------------------------------------------------------------ dataset.c */

struct cm_dataset {
	cm_school *schools;        /* n_schools entries */
	size_t n_schools;
	cm_compound *compounds;    /* n_compounds entries */
	size_t n_compounds;
	void **geoms;              /* OGRGeometryH per compound, working CRS (owned) */
	char *crs_name;            /* working CRS, for people */
	char *crs_wkt;             /* working CRS, WKT2 */
	char *crs_reason;          /* how it was chosen */
	char *source[CM_NLAYERS];  /* where each layer came from, for the report */
	char *layer_name[CM_NLAYERS];
	char *field_name[CM_NLAYERS][CM_NFIELDS]; /* data field used for each engine field, or NULL */
	cm_vec diags;              /* cm_diag: the load's, then cm_check's */
	size_t loaded_diags;       /* how many of them the load made (cm_check's come after) */
	int checked;               /* cm_check has run on it */
	int compound_polygons;     /* compounds given as polygons */
	void *boundary;            /* OGRGeometryH: the [input] boundary, working CRS; NULL: none */
	int repair;                /* repair invalid polygons (config) */
	struct cm__pairs *pairs;   /* travel distances ([input] distances or roads), a
	                              scenario's too (cm__pairs_carry); NULL: straight
	                              lines, or a dataset made some other way
	                              (cm__pairs_for makes its own) */
	int scenario;              /* made by cm_scenario_data: with every school closed it has
	                              none, a shortfall (cm_check warns), not an empty layer */
};

/* Drops the diagnostics after the first `n`. */
void cm__diags_truncate(cm_dataset *ds, size_t n);
/* Frees one geometry of ds->geoms (read.c knows its type). */
void cm__geom_free(void *g);
/* A copy of one (NULL: NULL). */
void *cm__geom_clone(void *g);
/* The field of an OGR feature definition (OGRFeatureDefnH) named one of
 * `names` (NULL-terminated, tried in order, ASCII case ignored); -1: none. */
int cm__field_named(void *defn, const char *const *names);
/* Reads the layer `in` of `kind` (a scenario's new schools or compounds)
 * into a dataset of its own, in `base`'s working CRS; bad features are
 * diagnostics on it, as cm_dataset_load's.  `layer_key` names the key that
 * names its layer in messages ("new_schools_layer in [scenario X]"). */
int cm__read_extra(cm_ctx *ctx, const cm_config *cfg, const cm_input *in, cm_layer_kind kind,
                   const char *layer_key, const cm_dataset *base, cm_dataset **out);
/* The same for schools given as CSV text (engine field names, x and y in
 * WGS 84 longitude/latitude with `coords` offsets), named `name` in
 * messages. */
int cm__read_extra_text(cm_ctx *ctx, const cm_config *cfg, const char *name, const char *csv,
                        cm_coords coords, const cm_dataset *base, cm_dataset **out);
/* Which of the `n` points (x, y in the working CRS) lie outside the
 * dataset's boundary (outside[i] = 1; on its edge is in; all 0 without a
 * boundary), and the distance from it of the first outside (`first_m`,
 * may be NULL; HUGE_VAL when none is).  0 or CM_ENOMEM. */
int cm__outside_boundary(const cm_dataset *ds, const double *x, const double *y, size_t n,
                         unsigned char *outside, double *first_m);

/* Appends a diagnostic; any string argument may be NULL.  Returns 0 or
 * CM_ENOMEM. */
int cm__diag(cm_dataset *ds, cm_severity sev, const char *kind, const char *file,
             const char *layer, const char *feature, const char *field,
             const char *fmt, ...) CM_PRINTF(8, 9);
/* "feature 12 (id S03)", or "feature 12" when id is NULL or empty. */
char *cm__feature_label(long fid, const char *id);
/* The id in a feature's label (cm__feature_label, in the reader's
 * language), or NULL; *len is its length. */
const char *cm__label_id(const char *label, int *len);

/* ------------------------------------------------------------ fields.c */

/* Built-in alternative names for an engine field, tried in order after the
 * engine name itself when [fields] does not name the data's field.
 * Returns a NULL-terminated array (static). */
const char *const *cm__field_aliases(cm_layer_kind layer, cm_field f);
/* Fields the reader looks for on each layer (1) or not (0). */
int cm__field_used(cm_layer_kind layer, cm_field f);
/* Maps a data value to an engine value.  Return the value or -1. */
int cm__map_kind(const cm_value_map *vm, const char *text);
int cm__map_sector(const cm_value_map *vm, const char *text);
int cm__map_area(const cm_value_map *vm, const char *text);
int cm__map_bool(const cm_value_map *vm, const char *text);
/* The accepted spellings, for error messages ("primary|小学|..."). */
char *cm__kind_spellings(const cm_value_map *vm);

/* ------------------------------------------------------------ coords.c */

/* Web-map coordinates to WGS 84 and back, degrees.  Points outside China
 * are not offset, as the maps themselves do. */
void cm__wgs84_to_gcj02(double lon, double lat, double *olon, double *olat);
void cm__gcj02_to_wgs84(double lon, double lat, double *olon, double *olat);
void cm__gcj02_to_bd09(double lon, double lat, double *olon, double *olat);
void cm__bd09_to_gcj02(double lon, double lat, double *olon, double *olat);
void cm__bd09_to_wgs84(double lon, double lat, double *olon, double *olat);
int cm__outside_china(double lon, double lat);

/* ------------------------------------------------------------ distance.c */

/* Straight-line distance in metres between two points of the working CRS. */
double cm__distance(double x1, double y1, double x2, double y2);

/* The travel distances of one dataset's compound-school pairs, where the
 * configuration gives them ([input] distances, a cost matrix; [input]
 * roads, the road network): per compound, its schools by index with
 * metres (and minutes: roads always, a table with a minutes column).  A
 * pair it lacks is out of reach.  Without either, straight lines (and no
 * cm__pairs). */
typedef struct cm__pairs cm__pairs;
typedef struct cm__pair {
	size_t compound, school;   /* dataset indices */
	double metres;
	double minutes;            /* the travel time, minutes; -1: not known */
	long fid;                  /* the table's feature, for messages; -1: none */
} cm__pair;
/* Makes the pairs of a dataset of n_compounds and n_schools from `n`
 * triples (taken over and freed; sorted here, a repeated pair keeps its
 * least metres).  `kind` is "table" or "roads".  Returns 0 or CM_ENOMEM
 * (the triples are freed either way). */
int cm__pairs_make(cm__pair *pairs, size_t n, size_t n_compounds, size_t n_schools,
                   const char *kind, cm__pairs **out);
void cm__pairs_free(cm__pairs *p);
/* Roads' pairs keep the usable roads as drawn, for the plan's `roads`
 * layer and its maps: `n_lines` lines, line k the vertices start[k] to
 * start[k + 1] - 1 of x and y (working CRS).  set takes the arrays over
 * (freed with the pairs); lines returns how many (0: none, or not roads). */
void cm__pairs_set_lines(cm__pairs *p, size_t n_lines, size_t *start, double *x, double *y);
size_t cm__pairs_lines(const cm__pairs *p, const size_t **start, const double **x,
                       const double **y);
/* The pairs of `ds` as `cfg` asks for them: *out NULL for straight lines;
 * the dataset's own (made as it was loaded); or, for a dataset made from
 * another (a scenario's), new ones also returned in *owned for the caller
 * to free (cm__pairs_free).  Errors (CM_EINPUT, CM_ENOMEM) are the load's. */
int cm__pairs_for(cm_ctx *ctx, const cm_config *cfg, const cm_dataset *ds,
                  const cm__pairs **out, cm__pairs **owned);
/* Gives scenario dataset `ds` (made from `base`, cfg the scenario's view
 * of base_cfg) its own pairs, once for all its levels: the base's
 * renumbered when every compound and school of ds is the base's and, on
 * roads, no reach is longer than the base's (the searches stopped there);
 * else made afresh as cm__pairs_for does.  Nothing with straight lines.
 * Errors (CM_EINPUT, CM_ENOMEM) leave ds->pairs as it was. */
int cm__pairs_carry(cm_ctx *ctx, const cm_config *base_cfg, const cm_config *cfg,
                    const cm_dataset *base, cm_dataset *ds);
/* Makes the dataset's own pairs as it is loaded (read.c): the table read
 * and checked, or the road network built, with what is wrong with a row,
 * a road, or a compound or school far from every road as diagnostics on
 * `ds`.  Nothing when the configuration gives neither. */
int cm__pairs_load(cm_ctx *ctx, const cm_config *cfg, cm_dataset *ds);
/* How far compound `ci` of `ds` travels to school `si`, metres: by the
 * pairs, HUGE_VAL for a pair they lack; by the straight line without them.
 * Every distance the model, the reach rule and the reports use comes
 * from here. */
double cm__pair_distance(const cm_dataset *ds, const cm__pairs *p, size_t ci, size_t si);
/* The travel time of the same pair, minutes: -1 when the pairs give none
 * (straight lines, a table without minutes) or lack the pair. */
double cm__pair_minutes(const cm__pairs *p, size_t ci, size_t si);
/* The same for compound ci and school si of `ds` by its own pairs (-1
 * when it has none, or they were made for another dataset). */
double cm__dataset_minutes(const cm_dataset *ds, size_t ci, size_t si);
/* Do the pairs carry minutes (roads always; a table with a minutes column)? */
int cm__pairs_have_minutes(const cm__pairs *p);
/* The kind of distance `cfg` asks for, as a plan's summary field says it
 * (docs/output.md): "straight", "table", "roads_walk" or "roads_drive"
 * (static). */
const char *cm__distance_kind_name(const cm_config *cfg);
/* The longest trip the engine holds, metres: the network's costs are
 * millimetres below 2^31 (2,147 km), so no pair is further, whatever the
 * policy's limits (none by default) say. */
#define CM_MAX_TRIP_M 2e6
/* How far school `s` draws pupils of `level` from, metres: the boarding
 * radius for a boarding school, else the level's; CM_MAX_TRIP_M when
 * unlimited (or beyond it).  The one statement of the rule, for check.c
 * and model.c alike. */
double cm__reach(const cm_config *cfg, const cm_school *s, cm_level level);

/* ------------------------------------------------------------ check.c */

/* School `s` offers seats of `level` to pupils of `group` (CM_LOCAL,
 * CM_MIGRANT): it teaches the level with seats, and is public or the pupils
 * migrants (who may go to private schools).  The rule model.c applies. */
int cm__serves(const cm_school *s, cm_level level, int group);
/* Pupils of compound `c` placed at school `s` count for the near-school
 * share (docs/model.md): urban and town pupils at a non-boarding public
 * school (2017 办法: boarding schools excluded).  The one statement of the
 * rule, for the plan's figure (plan.c) and the model's near-school row
 * (model.c). */
int cm__near_counts(const cm_compound *c, const cm_school *s);
/* Check's rules for one layer's features on `x`, the schools or compounds
 * a scenario adds (cm__read_extra, `kind` from `in`): repeated ids, and
 * negative or inconsistent counts, as errors on x naming in->path, x's
 * layer and field names, the feature and the field.  0 or CM_ENOMEM. */
int cm__check_added(cm_ctx *ctx, const cm_config *cfg, const cm_input *in, cm_layer_kind kind,
                    cm_dataset *x);

/* ------------------------------------------------------------ previous.c */

#define CM_PREV_NONE (-1L)  /* the compound had no school last year (or is new) */
#define CM_PREV_GONE (-2L)  /* its school is not in the data, or no longer teaches the level */
/* The colour school `school` (ds index) had on the previous plan's map at
 * `level`: -1 when not known (geometry.c prefers it). */
int cm__previous_colour(const cm_previous *prev, cm_level level, size_t school);
/* Each compound's school last year at `level` (school index, CM_PREV_NONE,
 * CM_PREV_GONE); NULL when `prev` is NULL. */
const long *cm__previous_schools(const cm_previous *prev, cm_level level);
/* The name of compound `compound`'s school last year at `level`: the
 * data's for a school still there, last year's plan's for one gone (NULL
 * when it gave none, and for no school). */
const char *cm__previous_school_name(const cm_previous *prev, const cm_dataset *ds,
                                     cm_level level, size_t compound);
/* The compounds of the dataset `prev` was read for (cm_solve checks it
 * against its own). */
size_t cm__previous_compounds(const cm_previous *prev);
/* 1 when `compound` had a school last year that is still open: its pupils
 * are held (pupils whose every school is gone move by force). */
int cm__previous_open(const cm_previous *prev, cm_level level, size_t compound);
/* Of this year's `pupils` of `group` of `compound`, how many stay at
 * `school` (last year's share there, rounded down): a pupil placed there
 * up to this many does not move.  0 for none, and for school -1. */
long cm__previous_kept(const cm_previous *prev, cm_level level, size_t compound, long school,
                       int group, long pupils);
/* The sum of cm__previous_kept over the compound's schools: the pupils who
 * can stay where they were. */
long cm__previous_had(const cm_previous *prev, cm_level level, size_t compound, int group,
                      long pupils);
/* Of this year's `pupils` of `group` of `compound`, last year's share
 * without a place (0 when the plan gave no counts). */
long cm__previous_unplaced(const cm_previous *prev, cm_level level, size_t compound, int group,
                           long pupils);
/* Of the pupils a plan moved at `level`, those now without a place (plan.c). */
long cm__plan_lost(const cm_plan *p, cm_level level);

/* ------------------------------------------------------------ geometry.c */

/* The catchments of a solved plan: per level, per public school with
 * compounds (home[level][compound] >= 0 names the compound's school),
 * appends a cm_catchment to `out`, its area (OGRGeometryH multipolygon in
 * the working CRS, or NULL when it has none) to `geoms`, and its zone (the
 * tessellation cells it owns, when compounds are polygons, else NULL) to
 * `zones`.  Colours prefer the plan's wishes (cm__plan_wish) school by
 * school.  Called by plan.c alone (cm__plan_areas). */
int cm__catchments_build(cm_ctx *ctx, const cm_dataset *ds, const cm_plan *plan,
                         long *const home[CM_NLEVELS], cm_vec *out, cm_vec *geoms,
                         cm_vec *zones);

/* ------------------------------------------------------------ plan.c */

/* Builds the plan's catchments and their areas on the dataset it was
 * solved on, unless they are built already: what cm_plan_build_areas does,
 * for the outputs that need them and hold the plan as const (the areas are
 * a cache of the plan, built under its lock).  0, or an error with the
 * plan left without areas. */
int cm__plan_areas(cm_ctx *ctx, const cm_plan *plan);
/* 1 when the plan's areas are built (the tests: a solve builds none). */
int cm__plan_areas_built(const cm_plan *plan);
/* The colour school `school` had on last year's plan at `level`, the one
 * the plan was solved against; -1 when not known or without one. */
int cm__plan_wish(const cm_plan *plan, cm_level level, size_t school);
/* The name of change `k`'s previous school (cm_plan_changes): last year's
 * plan's for a school gone from the data (the notice names a closed school
 * too); NULL when not known. */
const char *cm__plan_change_from_name(const cm_plan *plan, size_t k);
/* Into `out` (room for every compound), in dataset order, the compounds
 * without pupils of `level` that lie in a catchment all the same
 * (docs/output.md, "Catchments"): the ranges list them under their school
 * with 0 and 0.  Returns how many. */
size_t cm__plan_empty_homes(const cm_plan *plan, cm_level level, size_t *out);
/* The area of catchment `k` (cm_plan_catchments), an OGRGeometryH or NULL. */
void *cm__plan_area(const cm_plan *plan, size_t k);
/* The zone of catchment `k`: its tessellation cells (polygon compounds
 * only), an OGRGeometryH or NULL. */
void *cm__plan_zone(const cm_plan *plan, size_t k);
/* Colour `k` of the catchment palette as "#rrggbb". */
void cm__colour_hex(int k, char out[8]);

#endif
