/*
 * catchment.h: the public API of the catchment engine.
 *
 * catchment allocates residential compounds (小区, villages) to public primary
 * and junior-high schools (划片招生).  The data flows one way:
 *
 *     cm_config_load   the scenario file (INI)            config.c
 *     cm_dataset_load  schools and compounds (OGR)        read.c, crs.c, fields.c
 *     cm_check         validation and the data report     check.c
 *     cm_solve         the model, the search, the plan     model.c, solve.c, search.c,
 *                                                          flow.c/netflow.c, glpk.c, plan.c
 *     cm_plan_build_areas  the catchments as areas         geometry.c
 *                      (or on first use by an output)
 *     cm_plan_write    the plan's layers, files replaced   write.c, file.c
 *                      safely (the plan brings its dataset
 *                      and configuration)
 *     cm_map_draw, cm_compare_plans, cm_report_*           map.c, compare.c, report.c
 *
 * Conventions, after libgit2:
 *   - every public name starts with cm_ / CM_;
 *   - handles are opaque, made by _new/_load, released by a _free that
 *     accepts NULL;
 *   - every fallible call returns 0 or a negative CM_E* code, with the
 *     message from cm_ctx_last_error(); arguments come in the order
 *     context, object, options, then the output: `out` (a list's count
 *     after it), or the stream or path a report or writer writes to;
 *   - ownership: a handle or string that comes back through `out` from a
 *     _new, _load, _solve or _from call belongs to the caller, who frees it
 *     with its _free (strings: free()).  Accessors (cm_dataset_schools,
 *     cm_plan_assignments, cm_plan_summary, cm_comparison_changes, ...)
 *     return views: const pointers into the object, valid until that object
 *     is freed, never freed by the caller.  cm_scenario_config fills a view
 *     too (a cm_config that borrows the base's strings: never free it, use
 *     it while the base lives);
 *   - an object borrows its owner, which must outlive it (libgit2's
 *     rule): a plan keeps the dataset and the configuration it was solved
 *     from (cm_plan_dataset, cm_plan_config), so its outputs need neither
 *     passed again.  Free the plan first, then the dataset and the
 *     configuration; a scenario's configuration view (cm_scenario_config)
 *     must live as long as the plans solved with it.  Every cm_plan comes
 *     from cm_solve: a written plan is read back by its path
 *     (cm_map_draw, cm_compare_plans, cm_report_html, cm_publish,
 *     cm_plan_export, cm_previous_load), never as a cm_plan, so those need
 *     no dataset;
 *   - all state lives in a cm_ctx (error message, log and progress
 *     callbacks), after PROJ: the library has no globals of its own, except
 *     the process's gettext binding of its message catalogues
 *     (cm_messages_bind, once per process).
 *
 * This header includes no GDAL, GLPK or inih header.  docs/ has the rest.
 */
#ifndef CATCHMENT_H
#define CATCHMENT_H

#include <stddef.h>
#include <stdio.h>

/* CM_EXTERN marks the public API.  The library is compiled with hidden
 * visibility, so these are the only symbols the shared library exports;
 * names shared between modules (cm__*) stay inside it. */
#ifndef CM_EXTERN
#if defined(__GNUC__) || defined(__clang__)
#define CM_EXTERN __attribute__((visibility("default")))
#else
#define CM_EXTERN
#endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- errors */

enum {
	CM_OK = 0,
	CM_ERROR = -1,   /* generic failure, see cm_ctx_last_error() */
	CM_ENOMEM = -2,  /* out of memory */
	CM_EINPUT = -3,  /* bad input data or configuration: the user's to fix */
	CM_EIO = -4,     /* a file could not be read or written */
	CM_ESOLVER = -5, /* the solver failed */
};

/* ---------------------------------------------------------------- context */

typedef struct cm_ctx cm_ctx;

/* Log levels for the log callback. */
typedef enum { CM_LOG_DEBUG, CM_LOG_INFO, CM_LOG_WARN } cm_log_level;

typedef void (*cm_log_fn)(cm_log_level level, const char *msg, void *ud);
/* Progress of a long stage: `done` in [0, 1], `stage` a short label. */
typedef void (*cm_progress_fn)(double done, const char *stage, void *ud);

/* Messages in the reader's language (gettext, domain "catchment"): binds
 * the catalogues in `localedir` (NULL: the installed ones,
 * cm_messages_dir()) and UTF-8 output.  The language is the process's
 * (setlocale(LC_MESSAGES, ""), LANGUAGE), which the application sets; only
 * LC_MESSAGES matters: numbers are never formatted by locale.  Without a
 * call, or without a catalogue for the language, messages are English. */
CM_EXTERN int cm_messages_bind(const char *localedir);
CM_EXTERN const char *cm_messages_dir(void);

CM_EXTERN int cm_ctx_new(cm_ctx **out);
CM_EXTERN void cm_ctx_free(cm_ctx *ctx);
/* The message of the last failed call on this context ("" if none). */
CM_EXTERN const char *cm_ctx_last_error(const cm_ctx *ctx);
CM_EXTERN void cm_ctx_set_log(cm_ctx *ctx, cm_log_fn fn, void *ud);
CM_EXTERN void cm_ctx_set_progress(cm_ctx *ctx, cm_progress_fn fn, void *ud);

CM_EXTERN const char *cm_version(void);

/* ---------------------------------------------------------------- text reports */

/* The text reports (cm_report_check, cm_report_plan, cm_report_ranges,
 * cm_report_scenarios, cm_report_comparison) write UTF-8 to a stdio stream,
 * flush it, and return 0, or CM_EIO (the reason on the context) when a
 * write to it failed: a full disk, a closed pipe.  A stream made with
 * open_memstream(3) gives a report as a string; cm_report_stream one that
 * hands each piece to a callback (for bindings, a GUI's text pane). */

/* Called with each piece of a report's text (`len` bytes, not
 * NUL-terminated); returns 0, or non-zero when it could not take it, which
 * makes the report fail with CM_EIO. */
typedef int (*cm_write_fn)(const char *data, size_t len, void *ud);
/* A stream (*out) whose writes go to `fn`; the caller closes it with
 * fclose(), which hands on what is left.  CM_ENOMEM, *out NULL, when it
 * cannot be made. */
CM_EXTERN int cm_report_stream(cm_ctx *ctx, cm_write_fn fn, void *ud, FILE **out);

/* ---------------------------------------------------------------- domain */

/* School levels (学段).  Primary and junior are planned independently. */
typedef enum { CM_PRIMARY = 0, CM_JUNIOR = 1, CM_NLEVELS = 2 } cm_level;
/* What a school teaches: primary (小学), junior (初中) or both (九年一贯制). */
typedef enum { CM_KIND_PRIMARY, CM_KIND_JUNIOR, CM_KIND_NINE_YEAR } cm_school_kind;
typedef enum { CM_PUBLIC = 0, CM_PRIVATE = 1 } cm_sector;   /* 公办 / 民办 */
typedef enum { CM_URBAN = 0, CM_TOWN = 1, CM_RURAL = 2 } cm_area; /* 城区/镇区/乡村 */
/* Pupil groups: registered local pupils (户籍) and migrant children (随迁子女). */
typedef enum { CM_LOCAL = 0, CM_MIGRANT = 1, CM_NGROUPS = 2 } cm_group;
/* How coordinates in a lon/lat layer were obtained. */
typedef enum {
	CM_COORDS_PLAIN = 0, /* as the layer's CRS says (WGS 84, CGCS2000, ...) */
	CM_COORDS_GCJ02,     /* copied from Amap / Tencent maps */
	CM_COORDS_BD09,      /* copied from Baidu maps */
} cm_coords;

CM_EXTERN const char *cm_level_name(cm_level level);         /* "primary", "junior" */
CM_EXTERN const char *cm_school_kind_name(cm_school_kind k); /* "primary", "junior", "nine_year" */
CM_EXTERN const char *cm_sector_name(cm_sector s);           /* "public", "private" */
CM_EXTERN const char *cm_area_name(cm_area a);               /* "urban", "town", "rural" */

/* ---------------------------------------------------------------- config */

/* The engine's field names.  Schools use CM_F_ID .. CM_F_BOARDING, the
 * address and the geometry columns; compounds use the id, name, area and
 * pupil fields. */
typedef enum {
	CM_F_ID, CM_F_NAME,
	CM_F_LEVEL, CM_F_SECTOR,
	CM_F_SEATS_PRIMARY, CM_F_SEATS_JUNIOR,
	CM_F_CLASSES_PRIMARY, CM_F_CLASSES_JUNIOR,
	CM_F_PURCHASED_PRIMARY, CM_F_PURCHASED_JUNIOR,
	CM_F_BOARDING,
	CM_F_AREA_TYPE,
	CM_F_PRIMARY_LOCAL, CM_F_PRIMARY_MIGRANT,
	CM_F_JUNIOR_LOCAL, CM_F_JUNIOR_MIGRANT,
	CM_F_X, CM_F_Y, CM_F_WKT, /* geometry columns of CSV sources */
	CM_F_ADDRESS,             /* a school's address (optional; for the lookup page) */
	CM_NFIELDS
} cm_field;

CM_EXTERN const char *cm_field_name(cm_field f);

typedef enum { CM_SCHOOLS = 0, CM_COMPOUNDS = 1, CM_NLAYERS = 2 } cm_layer_kind;

/* Where one input layer comes from.  Strings are owned by the config. */
typedef struct cm_input {
	char *path;        /* data source, resolved against the INI's folder */
	char *layer;       /* layer name; NULL: the source's only layer */
	char *encoding;    /* e.g. "GBK"; NULL: the source's own (.cpg, UTF-8) */
	char *source_crs;  /* CRS of the coordinates; NULL: the layer's own */
	char *where;       /* OGR SQL attribute filter; NULL: every feature */
	cm_coords coordinates;                /* web-map offsets to undo */
	char *field[CM_NFIELDS];              /* data field for each engine field; NULL: default names */
} cm_input;

/* Data values that mean each engine value, beyond the built-in ones
 * (comma-separated lists from [fields], e.g. "level.primary = 完全小学"). */
typedef struct cm_value_map {
	char *level[3];    /* by cm_school_kind */
	char *sector[2];   /* by cm_sector */
	char *area[3];     /* by cm_area */
	char *boolean[2];  /* [0] false values, [1] true values, for `boarding` */
} cm_value_map;

/* [policy]: figures from policy, all configurable (docs/config.md). */
typedef struct cm_policy {
	double migrant_public_share;          /* 0.85: migrants in public or purchased places */
	double max_distance_m[CM_NLEVELS];    /* 0: no limit */
	double max_distance_boarding_m;       /* 0: no limit */
	double near_radius_m[CM_NLEVELS];     /* 500 / 1000 m (GB 50180) */
	double near_share_min[CM_NLEVELS];    /* 0: report only */
	int class_size[CM_NLEVELS];           /* 45 / 50 pupils */
	int max_school_size;                  /* 2000 pupils */
	int max_school_size_nine_year;        /* 2500 pupils */
	int enforce_school_size;              /* 0: report only */
	double far_school_m;                  /* check: school this far outside the compounds' extent */
} cm_policy;

typedef enum { CM_ASSIGN_SINGLE = 0, CM_ASSIGN_SPLIT = 1 } cm_assign_mode;
/* The relaxation the solve runs on.  auto: the network simplex wherever
 * the model is a network, GLPK's LP where a level has side rows (a
 * near-school minimum, a cap on pupils moved); glpk: GLPK's LP always;
 * network: the network simplex (an error with a side row). */
typedef enum { CM_SOLVER_AUTO = 0, CM_SOLVER_GLPK = 1, CM_SOLVER_NETWORK = 2 } cm_solver;

/* [solve]: the solve's keys in the configuration (how a run solves:
 * cm_solve_opts) */
typedef struct cm_solve_config {
	cm_assign_mode assignment; /* single (单校划片) or split (多校划片) */
	double mip_gap;           /* single mode: stop when the plan is within this of the bound
	                             (relative pupil-metres); 0: prove it optimal */
	long node_limit;          /* single mode: relaxations the search may solve; 0: by size */
	double effort;            /* single mode: the search's work budget, times the automatic
	                             one (by size): 1 */
	char *first_plan;         /* single mode: "auto" (NULL), "dive" or "parts" (docs/model.md) */
	double time_limit_s;      /* 0: no limit (GLPK's LP only) */
	cm_solver solver;         /* auto */
	double stability_weight;  /* pupil-metres per pupil who leaves last year's school: 0 */
	long max_moved_pupils;    /* at most this many leave it; -1: no limit */
} cm_solve_config;

/* [output] */
typedef struct cm_output_opts {
	char *path;    /* plan file; NULL: <scenario>.gpkg beside the INI */
	char *format;  /* NULL: from the extension */
	char *schema;  /* a PostGIS plan (path PG:...): its schema; NULL: the connection
	                  string's schemas=, else "plan" */
	int csv_bom;   /* tables (.csv): a UTF-8 byte-order mark first; 1 */
	char *headers; /* tables: "zh" (NULL) Chinese headers, "en" the engine's names */
	char *title;   /* the page title of maps (the plan's summary.title); NULL: the name */
} cm_output_opts;

/* [scenario NAME]: a what-if on the base data (docs/scenarios.md).  The
 * lists are checked against the data when the scenario is applied. */
typedef struct cm_scenario {
	char *name;
	char *title;                    /* its maps' title; NULL: "[output] title · NAME", else NAME */
	int line;                       /* the section's line in the INI, for messages */
	char *close;                    /* school ids, comma-separated; NULL: none */
	char *seats[CM_NLEVELS];        /* "ID:N" sets a school's seats, "ID:+N" / "ID:-N" adds */
	char *classes[CM_NLEVELS];      /* the same in classes of the level's class size */
	char *demand;                   /* "ID:F": a compound's pupils times F */
	double demand_scale;            /* every compound's pupils times this: 1 */
	cm_input new_schools;           /* more schools (fields as [input] schools); path NULL: none */
	char **open_id, **open_value;   /* open_school.ID = NAME, LEVEL, LON, LAT, SEATS_P, SEATS_J */
	size_t n_open;
	cm_input new_compounds;         /* more compounds, likewise */
	cm_policy policy;               /* the base's, with this section's [policy] keys */
} cm_scenario;

/* [roads]: how pupils travel on [input] roads (docs/config.md). */
typedef enum { CM_ROADS_WALK = 0, CM_ROADS_DRIVE = 1 } cm_roads_mode;
typedef struct cm_roads_opts {
	cm_roads_mode mode;   /* walk: roads of the no_walk classes are left out */
	char *no_walk;        /* classes a pupil may not walk along, comma-separated; NULL:
	                         motorway, motorway_link, trunk, trunk_link, 高速公路, 快速路 */
	char *class_field;    /* [fields] roads.class; NULL: class, highway, fclass or 道路等级 */
	char *oneway_field;   /* [fields] roads.oneway; NULL: oneway (driving only) */
	char *speed_field;    /* [fields] roads.speed, km/h; NULL: maxspeed (driving only) */
	double snap_m;        /* a compound or school further from every usable road is not
	                         on the network: 300 m */
	double tolerance_m;   /* vertices this close are one node: 0.5 m */
	double walk_kmh;      /* walk: the pupils' speed, km/h: 4.5 */
	char *speed_kmh;      /* drive: "CLASS:KMH, ..." by class field value; NULL: none */
	double speed_default_kmh; /* drive: a class speed_kmh lacks (or no class), km/h: 30 */
} cm_roads_opts;

/* A parsed scenario file.  Plain data, as GLPK's parameter structs:
 * cm_config_init() fills defaults, cm_config_load() reads a file over them;
 * cm_config_new() and cm_config_set() build one key by key instead. */
typedef struct cm_config {
	char *file;                      /* the INI file as given (cm_config_new: its name) */
	char *name;                      /* [scenario] name; default: file's base name */
	cm_input input[CM_NLAYERS];      /* schools, compounds */
	cm_input boundary;               /* the area catchments are clipped to; path NULL: none */
	cm_input previous;               /* last year's plan (path, layer); path NULL: none */
	cm_input distances;              /* a cost matrix: compound_id, school_id, metres (minutes);
	                                    path NULL: none */
	cm_input roads;                  /* road centre-lines; path NULL: none */
	cm_roads_opts road;              /* [roads] */
	char *crs;                       /* working CRS; NULL: automatic */
	int repair_geometry;             /* 1: make invalid polygons valid */
	cm_value_map values;
	cm_policy policy;
	cm_solve_config solve;
	cm_output_opts output;
	cm_scenario *scenarios;          /* [scenario NAME] sections, in file order */
	size_t n_scenarios;
} cm_config;

/* Fills `cfg` with the defaults; owns nothing yet. */
CM_EXTERN void cm_config_init(cm_config *cfg);
/* Parses an INI file.  On error (CM_EINPUT, CM_EIO) the message names the
 * file, the line and the key, and *out is NULL. */
CM_EXTERN int cm_config_load(cm_ctx *ctx, const char *path, cm_config **out);
/* The same from a string; relative paths resolve against `base_dir`. */
CM_EXTERN int cm_config_parse_string(cm_ctx *ctx, const char *text, const char *name,
                                     const char *base_dir, cm_config **out);
/* A configuration with the defaults and no layers yet, for cm_config_set:
 * `name` (NULL: "scenario") names it in messages and is its [output] name.
 * Freed with cm_config_free. */
CM_EXTERN int cm_config_new(cm_ctx *ctx, const char *name, cm_config **out);
/* Sets one key as a line `key = value` in `[section]` of a scenario file
 * would (docs/config.md), through the same key table and checks: 0, or
 * CM_EINPUT with a message naming the section and key (an unknown key, with
 * the section's known keys; a bad value, with what it must be), the
 * configuration unchanged.  Paths resolve against the folder of cfg->file
 * (a loaded file's; else the working directory).  An unprefixed [input]
 * key (encoding, source_crs, coordinates) sets both layers.  [scenario
 * NAME] sections come from a file only.  The layers a dataset needs
 * ([input] schools and compounds) are checked by cm_dataset_load. */
CM_EXTERN int cm_config_set(cm_ctx *ctx, cm_config *cfg, const char *section, const char *key,
                            const char *value);
CM_EXTERN void cm_config_free(cm_config *cfg);

/* ---------------------------------------------------------------- data */

/* A school, with its location in the working CRS. */
typedef struct cm_school {
	char *id;                    /* unique within the layer */
	char *name;                  /* the id when the data has none */
	cm_school_kind kind;
	cm_sector sector;
	int seats[CM_NLEVELS];       /* pupils; classes × class size if given as classes */
	int purchased[CM_NLEVELS];   /* government-purchased places (private schools) */
	int boarding;                /* 1: boarding school (寄宿制) */
	double x, y;                 /* metres, working CRS */
	double lon, lat;             /* degrees, WGS 84 */
	long fid;                    /* OGR feature id in its layer */
	char *address;               /* NULL: the data has none */
} cm_school;

/* A residential compound or village, the unit of demand. */
typedef struct cm_compound {
	char *id;
	char *name;
	cm_area area;
	int pupils[CM_NLEVELS][CM_NGROUPS]; /* by level and group */
	double x, y;                 /* representative point, metres, working CRS */
	double lon, lat;             /* the same in WGS 84 */
	double area_m2;              /* polygon area; 0 for points */
	long fid;
} cm_compound;

/* Does school `s` teach `level`? */
CM_EXTERN int cm_school_teaches(const cm_school *s, cm_level level);

/* A finding about the data, with everything a planner needs to find it. */
typedef enum { CM_NOTE = 0, CM_WARNING = 1, CM_ERR = 2 } cm_severity;

typedef struct cm_diag {
	cm_severity severity;
	const char *kind;   /* static category: "duplicate-id", "negative-value", ... */
	char *file;         /* data source */
	char *layer;        /* layer name */
	char *feature;      /* "feature 12 (id S03)"; NULL when not about one feature */
	char *field;        /* data field name; NULL when not about a field */
	char *message;      /* plain words */
} cm_diag;

typedef struct cm_dataset cm_dataset;

/* Reads both layers, maps fields and values, converts coordinates to the
 * working CRS.  Problems with single features do not fail the call: they
 * become diagnostics (cm_dataset_diag).  Problems that stop reading (no
 * file, no layer, no CRS, a required field missing) fail with CM_EINPUT. */
CM_EXTERN int cm_dataset_load(cm_ctx *ctx, const cm_config *cfg, cm_dataset **out);
CM_EXTERN void cm_dataset_free(cm_dataset *ds);

CM_EXTERN size_t cm_dataset_schools(const cm_dataset *ds, const cm_school **out);
CM_EXTERN size_t cm_dataset_compounds(const cm_dataset *ds, const cm_compound **out);
/* Human-readable working CRS, e.g. "WGS 84 / UTM zone 49N (EPSG:32649)". */
CM_EXTERN const char *cm_dataset_crs_name(const cm_dataset *ds);
/* How the working CRS was chosen: "from the configuration", ... */
CM_EXTERN const char *cm_dataset_crs_reason(const cm_dataset *ds);
/* One line describing where a layer came from (path, layer, CRS, counts). */
CM_EXTERN const char *cm_dataset_source(const cm_dataset *ds, cm_layer_kind which);
CM_EXTERN size_t cm_dataset_diag_count(const cm_dataset *ds);
CM_EXTERN const cm_diag *cm_dataset_diag(const cm_dataset *ds, size_t i);
/* Count of diagnostics at a severity. */
CM_EXTERN size_t cm_dataset_count(const cm_dataset *ds, cm_severity sev);

/* ---------------------------------------------------------------- check */

typedef struct cm_level_stats {
	long pupils[CM_NGROUPS];      /* local, migrant */
	long seats[2];                /* by sector: public, private */
	long purchased;               /* purchased places in private schools */
	long migrant_places;          /* places open to migrants in public or purchased seats
	                                 beyond the locals: public seats - locals + purchased,
	                                 floored at 0 */
	size_t schools;               /* schools teaching the level */
	size_t no_eligible;           /* compounds with pupils but no school in reach */
	long no_eligible_pupils;      /* their pupils */
} cm_level_stats;

typedef struct cm_check_report {
	size_t schools_by[3][2];      /* [cm_school_kind][cm_sector] */
	size_t boarding;              /* boarding schools */
	size_t compounds_by_area[3];  /* [cm_area] */
	size_t compound_points, compound_polygons;
	cm_level_stats level[CM_NLEVELS];
	size_t errors, warnings;      /* diagnostics in the dataset after the check */
	int solvable;                 /* 1: the data can be solved */
} cm_check_report;

/* Validates the dataset against the policy: duplicate ids, negative and
 * missing values, schools far from the compounds, compounds with no school
 * in reach; appends its findings to the dataset's diagnostics and fills
 * `out`.  Returns 0 even when the data is unsolvable: see out->solvable.
 * Called again (another configuration, a scenario's), its findings replace
 * the earlier call's: the same data gives the same report every time.
 * cm_solve refuses data with errors, the load's or check's. */
CM_EXTERN int cm_check(cm_ctx *ctx, const cm_config *cfg, cm_dataset *ds, cm_check_report *out);
/* 1 when cm_check has run on the dataset. */
CM_EXTERN int cm_dataset_checked(const cm_dataset *ds);

/* Writes the check report of `ds` (`rep`, from cm_check with `cfg`) as
 * plain text to `fp` (a text report: see cm_report_stream), at most
 * `max_per_kind` findings of a kind (0: all). */
CM_EXTERN int cm_report_check(cm_ctx *ctx, const cm_config *cfg, const cm_dataset *ds,
                              const cm_check_report *rep, int max_per_kind, FILE *fp);
/* The check's warnings alone (the CLI's -q check), each line as
 * cm_report_check lists it, at most `max_per_kind` of a kind (0: all);
 * nothing when there are none. */
CM_EXTERN int cm_report_check_warnings(cm_ctx *ctx, const cm_dataset *ds, int max_per_kind,
                                       FILE *fp);

/* ---------------------------------------------------------------- solve */

/* The kind of place a pupil gets. */
typedef enum {
	CM_SEAT_PUBLIC = 0,    /* a public school's seat */
	CM_SEAT_PURCHASED = 1, /* a place the government buys in a private school */
	CM_SEAT_FEE = 2,       /* a fee-paying place in a private school (migrants only) */
	CM_SEAT_UNPLACED = 3,  /* no place: the shortfall */
} cm_seat_kind;

/* "public", "purchased", "fee", "unplaced" */
CM_EXTERN const char *cm_seat_kind_name(cm_seat_kind k);

/* One row of the plan: pupils of one compound at one school in one kind of seat. */
typedef struct cm_assignment {
	size_t compound;       /* index into cm_dataset_compounds */
	cm_level level;
	long school;           /* index into cm_dataset_schools; -1 when unplaced */
	cm_seat_kind seat;
	int local, migrant;    /* pupils */
	double distance_m;     /* 0 when unplaced */
	double minutes;        /* travel time (roads, or a table's minutes); -1: not known, or
	                          unplaced */
} cm_assignment;

/* A school's result at one level. */
typedef struct cm_school_result {
	int teaches;           /* the school teaches the level */
	int seats;             /* usable seats (after the school-size cap when enforced) */
	int local, migrant;    /* pupils enrolled */
	int enrolled;
	double utilization;    /* enrolled / seats */
	int classes;           /* classes needed: enrolled / class size, rounded up */
	int spare;             /* seats - enrolled */
	double shadow_price;   /* pupil-metres saved by one more seat */
	double shadow_pupils;  /* unplaced pupils avoided by one more seat (0..1) */
} cm_school_result;

/* A level's summary. */
typedef struct cm_level_summary {
	int solved;                /* the level had pupils and was solved */
	long pupils, placed, unplaced;
	long migrants, migrants_public; /* migrants, and those in public or purchased places */
	double pupil_metres;
	double mean_distance_m, max_distance_m;
	double near_share;         /* urban and town pupils at non-boarding public schools within
	                              the service radius, as a share of all such pupils; -1: none */
	double migrant_public_share; /* -1 when there are no migrants */
	int quota_met;
	double lp_bound;           /* pupil-metres of the relaxation (split mode's optimum) */
	long lp_unplaced;          /* pupils without a place in it: no plan leaves fewer */
	double bound;              /* single mode: pupil-metres no plan with this plan's pupils
	                              without a place and shortfall can go below, as the search
	                              proved; -1 when it proved only fewer pupils without a place */
	long bound_unplaced;       /* the fewest pupils without a place any plan can have, proved */
	double mip_gap;            /* (pupil_metres - bound) / pupil_metres: the certified gap; 1
	                              when bound is -1 */
	long nodes;                /* relaxations the search solved */
	int proven;                /* 1: the plan is optimal (within 1e-6) */
	double solve_seconds;
	int overfull;              /* schools over their seats: 0 by construction */
	int oversize;              /* schools over the school-size cap (reported) */
	int integral;              /* the optimum came out in whole pupils */
	int has_previous;          /* solved against last year's plan (or, in a scenario, the base) */
	long moved;                /* public pupils not at last year's school of their compound */
	int moved_compounds;       /* compounds whose catchment school changed */
	int forced_compounds;      /* of them, those whose school is gone */
	double mean_minutes;       /* travel time of the placed pupils whose pair has one,
	                              minutes; -1 when the distances carry no minutes */
	int near_met;              /* 1: the near-school minimum (near_share_min_*) holds, or the
	                              level has none; 0: missed (a warning, as the quota's) */
	int moved_met;             /* 1: the cap on pupils moved ([solve] max_moved_pupils) holds,
	                              or there is none; 0: exceeded (a warning, as the quota's) */
} cm_level_summary;

/* The data of scenario `sc`: `base` with its schools closed, added and
 * given seats, and its demand changed (docs/scenarios.md).  Errors name
 * the scenario, the key and the id, or the file, layer, feature and field
 * of an added layer. */
CM_EXTERN int cm_scenario_data(cm_ctx *ctx, const cm_config *cfg, const cm_scenario *sc,
                               const cm_dataset *base, cm_dataset **out);
/* `cfg` as scenario `sc` sees it: its policy and name (a shallow copy:
 * never cm_config_free it). */
CM_EXTERN void cm_scenario_config(const cm_config *cfg, const cm_scenario *sc, cm_config *out);

typedef struct cm_plan cm_plan;

/* Last year's plan: each compound's catchment school then, matched to a
 * dataset by ids (docs/scenarios.md). */
typedef struct cm_previous cm_previous;
/* Reads [input] previous_plan for `ds` (*out stays NULL when the config has
 * none), for cm_solve_opts.previous: the solve never reads it itself.
 * Errors name the file, layer, feature and field. */
CM_EXTERN int cm_previous_load(cm_ctx *ctx, const cm_config *cfg, const cm_dataset *ds,
                               cm_previous **out);
/* Last year's plan as one of check's findings: reads [input] previous_plan
 * for `ds` as cm_previous_load does and, where that fails, adds its error
 * to the dataset's findings (kind "previous-plan", the message naming the
 * file, layer, feature and field) and to `rep` (cm_check's report of ds),
 * so the verdict covers the plan a solve would stop on.  A program that
 * checks before it solves calls it after cm_check, before the report
 * (the check's module cannot read a plan: docs/design.md, "Layering").
 * Nothing without previous_plan.  Returns 0 (see rep->solvable) or
 * CM_ENOMEM. */
CM_EXTERN int cm_previous_check(cm_ctx *ctx, const cm_config *cfg, cm_dataset *ds,
                                cm_check_report *rep);
/* The catchment schools of `plan` matched to `ds` (by ids: a scenario's
 * data): what a scenario is held to and compared with.  The catchments'
 * colours go with them (a scenario's map keeps the base's), so the plan's
 * areas are built if they are not yet (cm_plan_build_areas). */
CM_EXTERN int cm_previous_from_plan(cm_ctx *ctx, const cm_plan *plan, const cm_dataset *ds,
                                    cm_previous **out);
/* The id of compound `i`'s school in it at `level`, NULL when none. */
CM_EXTERN const char *cm_previous_school_id(const cm_previous *prev, const cm_dataset *ds,
                                            cm_level level, size_t i);
CM_EXTERN void cm_previous_free(cm_previous *prev);

/* How cm_solve runs, after libgit2's options: a plain struct whose first
 * field is its version, made with CM_SOLVE_OPTS_INIT or
 * cm_solve_opts_init(), then its fields set.  A later version only adds
 * fields at the end, their zero meaning what the earlier version did. */
typedef struct cm_solve_opts {
	unsigned version;             /* CM_SOLVE_OPTS_VERSION */
	const cm_config *config;      /* the configuration to solve with (its [policy], [solve]);
	                                 required; the plan borrows it */
	const cm_previous *previous;  /* last year's plan for the same dataset (cm_previous_load,
	                                 cm_previous_from_plan); NULL: none.  A pupil placed away
	                                 from last year's school costs [solve] stability_weight
	                                 pupil-metres, at most max_moved_pupils may be, and the
	                                 plan lists the compounds that change school
	                                 (cm_plan_changes); the plan keeps no reference to it */
	int threads;                  /* threads the solve may run on, the caller's included:
	                                 0 the default, the two levels side by side on two when
	                                 the configuration allows it (no enforced school size),
	                                 else one; 1 no thread is started (an embedder that must
	                                 not, a GIS plug-in); more: as 0.  The plan is the same
	                                 whatever the number. */
} cm_solve_opts;

#define CM_SOLVE_OPTS_VERSION 1
#define CM_SOLVE_OPTS_INIT {CM_SOLVE_OPTS_VERSION, NULL, NULL, 0}

/* Fills `opts` with the defaults of `version` (CM_SOLVE_OPTS_VERSION, the
 * version the caller was compiled with), as CM_SOLVE_OPTS_INIT does: for a
 * binding that cannot use the macro.  CM_ERROR, `opts` unchanged, for a
 * version this library does not know. */
CM_EXTERN int cm_solve_opts_init(cm_solve_opts *opts, unsigned version);

/* Builds and solves the model of each level of `ds` as `opts` says.  A plan
 * always exists: pupils without a seat in reach are unplaced (the
 * shortfall).  Fails with CM_ERROR for options that are not right (NULL,
 * a version this library does not know, no configuration, threads below
 * 0), CM_EINPUT for data with errors (run cm_check first) or a
 * configuration no solver holds, and CM_ESOLVER when GLPK fails.  The plan
 * borrows `ds` and opts->config: both must outlive it. */
CM_EXTERN int cm_solve(cm_ctx *ctx, const cm_dataset *ds, const cm_solve_opts *opts,
                       cm_plan **out);
CM_EXTERN void cm_plan_free(cm_plan *plan);
/* The dataset and the configuration the plan was solved from (borrowed:
 * the caller's, never NULL). */
CM_EXTERN const cm_dataset *cm_plan_dataset(const cm_plan *plan);
CM_EXTERN const cm_config *cm_plan_config(const cm_plan *plan);

CM_EXTERN size_t cm_plan_assignments(const cm_plan *plan, const cm_assignment **out);
/* Result of school `i` (dataset index) at `level`. */
CM_EXTERN const cm_school_result *cm_plan_school(const cm_plan *plan, cm_level level, size_t i);
CM_EXTERN const cm_level_summary *cm_plan_summary(const cm_plan *plan, cm_level level);
/* Unplaced pupils of compound `i` at `level`. */
CM_EXTERN int cm_plan_unplaced(const cm_plan *plan, cm_level level, size_t i);

/* A compound whose catchment school is not last year's: the notice a bureau
 * publishes (solved with a previous plan only). */
typedef struct cm_change {
	size_t compound;       /* index into cm_dataset_compounds */
	cm_level level;
	const char *from;      /* last year's school id (owned by the plan), NULL: none (no
	                          place last year, or a new compound) */
	long to;               /* the catchment school now (school index), -1: none */
	int pupils;            /* the compound's pupils of the level */
	int forced;            /* last year's school is gone (closed, or no longer teaches the level) */
} cm_change;
/* The changes, by level, then compound (the data's order). */
CM_EXTERN size_t cm_plan_changes(const cm_plan *plan, const cm_change **out);

/* A catchment (学区): the compounds a public school takes its pupils from at
 * one level.  A compound belongs to the public school that takes most of its
 * pupils, a compound without pupils to the nearest (cm_plan_home).  Two compounds are neighbours when their cells in
 * the Voronoi tessellation of the compounds' points (clipped to the
 * boundary) meet; docs/output.md has the details. */
typedef struct cm_catchment {
	size_t school;         /* index into cm_dataset_schools */
	cm_level level;
	int compounds;         /* compounds in it */
	int pupils;            /* pupils the school enrols */
	int parts;             /* separate groups of neighbouring compounds; > 1: split */
	int colour;            /* 0-based; catchments that meet never share one */
} cm_catchment;

/* Builds the plan's catchments (cm_catchment: parts, colours) and their
 * areas (the tessellation: GEOS's work, a second on a county) on the
 * plan's dataset.  cm_solve does not: a plan that is only read in memory
 * needs none.  Whatever needs them builds them on first use
 * (cm_plan_catchments, cm_plan_write, cm_report_plan,
 * cm_previous_from_plan), so this call only chooses when the work is done.
 * Once built, a call does nothing; the areas are the same whenever they
 * are built.  On failure the plan has none (a later call tries again). */
CM_EXTERN int cm_plan_build_areas(cm_ctx *ctx, cm_plan *plan);
/* The plan's catchments, by level, then school (*n of them), built first
 * if they are not yet (cm_plan_build_areas): 0, or that build's error with
 * *out NULL and *n 0. */
CM_EXTERN int cm_plan_catchments(cm_ctx *ctx, const cm_plan *plan, const cm_catchment **out,
                                 size_t *n);
/* The catchment school of compound `i` at `level`: the public school that
 * takes most of its pupils; for a compound without pupils of the level,
 * last year's school or the nearest open public school in reach, though
 * it enrols none of them (docs/output.md, "Catchments"); -1 when its pupils
 * have no public place, or no school is in reach. */
CM_EXTERN long cm_plan_home(const cm_plan *plan, cm_level level, size_t i);

/* Refuses (CM_EINPUT, naming both) an output at `path` that is, or as a
 * folder holds, a file `cfg` reads: the scenario file, a layer (with a
 * shapefile's .dbf, .shx, .prj and .cpg), the boundary, last year's plan, a
 * scenario's layers.  By identity (device and inode), not by name.  Every
 * output a run writes is checked so (cm_plan_write does it itself). */
CM_EXTERN int cm_output_check(cm_ctx *ctx, const cm_config *cfg, const char *path);

/* The formats the library writes outputs in. */
typedef enum {
	CM_FORMAT_GPKG = 0, CM_FORMAT_SHP = 1, CM_FORMAT_GEOJSON = 2, CM_FORMAT_CSV = 3, /* plans */
	CM_FORMAT_XLSX = 4,                                        /* an exported plan */
	CM_FORMAT_PNG = 5, CM_FORMAT_SVG = 6, CM_FORMAT_PDF = 7,   /* maps */
} cm_format;
/* What is written: a plan (cm_plan_write), an export (cm_plan_export: a
 * plan's formats and xlsx), a map (cm_map_draw). */
typedef enum { CM_OUTPUT_PLAN = 0, CM_OUTPUT_EXPORT = 1, CM_OUTPUT_MAP = 2 } cm_output_kind;
/* The format an output of `kind` at `path` is written in: `format` when
 * not NULL (its name, any case: "gpkg", "xlsx", as --format and [output]
 * format say it), else `path`'s extension (.json is GeoJSON; `path` may be
 * NULL); -1 when that is no format of `kind`.  The one format check: the
 * writers, the maps and the CLI's option checks all ask it. */
CM_EXTERN int cm_format_of(cm_output_kind kind, const char *path, const char *format);

/* A text output written safely (the ranges, a CSV table): cm_output_open
 * gives a stream on a temporary file beside `path`; cm_output_commit checks
 * every write (ferror, fclose, fsync), then moves the file over `path`, so
 * that `path` holds the old text or the new, never less; on failure it
 * removes the temporary file and returns CM_EIO naming `path`.  Both
 * cm_output_commit and cm_output_abort free the output. */
typedef struct cm_output cm_output;
CM_EXTERN int cm_output_open(cm_ctx *ctx, const char *path, cm_output **out);
CM_EXTERN FILE *cm_output_stream(cm_output *o);
CM_EXTERN int cm_output_commit(cm_ctx *ctx, cm_output *o);
CM_EXTERN void cm_output_abort(cm_output *o);

/* PostGIS (docs/config.md): `source` for messages and logs, every
 * `password=VALUE` of a connection string left out; the caller frees it
 * with free(), NULL on ENOMEM. */
CM_EXTERN char *cm_source_shown(const char *source);
/* The plan at PostgreSQL connection string `pg` (PG:...) named with its
 * schema: `pg` less its schemas= and active_schema= options, then
 * ` schemas=SCHEMA`, SCHEMA `schema` if not NULL, else the string's own,
 * else "plan"; `suffix` (a scenario's name, may be NULL) adds `_SUFFIX`,
 * lowercased, its characters other than a-z and 0-9 as `_`.  Returns 0 and
 * *out (the caller frees it), or CM_EINPUT for a schema that is not 1 to
 * 40 of a-z, 0-9 and _ (the message names it), or CM_ENOMEM. */
CM_EXTERN int cm_pg_plan(cm_ctx *ctx, const char *pg, const char *schema, const char *suffix,
                         char **out);
/* Where a scenario run puts what belongs to scenario `name` beside an
 * output at `path` (its plan, ranges, maps, report: PLAN-NAME.EXT), and
 * the scenarios' table (`name` "scenarios", `ext` ".csv"): `path` with
 * "-NAME" before its extension, `ext` in the extension's place when not
 * NULL; NAME's '/', ' ', '\\', control characters and what Windows
 * refuses in a file name (< > : " | ? *) as '_'.  The caller frees it with
 * free(); NULL on ENOMEM. */
CM_EXTERN char *cm_path_beside(const char *path, const char *name, const char *ext);

/* Writes the plan, every layer docs/output.md lists: a GeoPackage, or a
 * shapefile, GeoJSON or CSV folder (the plan's configuration's [output]
 * format, else the extension), or a PostGIS schema (`path` PG:...); its
 * areas are built first if they are not yet (cm_plan_build_areas).
 * Atomically: into a temporary file beside `path`, moved in at the end.
 * An existing file there is replaced only when it is a catchment plan. */
CM_EXTERN int cm_plan_write(cm_ctx *ctx, const cm_plan *plan, const char *path);

/* Where the plan asked for at `path` (cm_plan_write's) is: `path` itself
 * when it exists, else, for a shapefile, GeoJSON or CSV plan, the folder
 * named after `path` less its extension (docs/output.md); NULL when
 * neither exists (a PostGIS plan, PG:...) or on ENOMEM.  The caller frees
 * it with free(). */
CM_EXTERN char *cm_plan_where(const char *path);

/* Converts the plan written at `plan_path` (any format cm_plan_write
 * writes, checked as it is read) into `format` at `path`, without solving:
 * "gpkg", "shp", "geojson", "csv" (a folder named after `path` less its
 * extension, marked as a plan), or "xlsx" (one spreadsheet, a sheet per
 * layer, no geometry); NULL: from the extension.  Every layer and field,
 * the same values.  Written atomically; an existing file or folder there
 * is replaced only when it is a plan, and never the plan exported. */
CM_EXTERN int cm_plan_export(cm_ctx *ctx, const char *plan_path, const char *path,
                             const char *format);

/* ---------------------------------------------------------------- comparing plans */

/* Two written plans (any format cm_plan_write writes), side by side. */
typedef struct cm_comparison cm_comparison;
/* A compound whose catchment school differs between plan A and plan B. */
typedef struct cm_compare_change {
	char *compound_id, *name;
	cm_level level;
	char *from, *to;          /* school ids; "" for none (or the compound is in one plan only) */
	int pupils;               /* the compound's pupils of the level (in B, else in A) */
} cm_compare_change;
/* A school whose enrolment differs. */
typedef struct cm_compare_school {
	char *school_id, *name;
	cm_level level;
	long enrolled_a, enrolled_b;
	int in_a, in_b;           /* the school is in plan A, in plan B */
} cm_compare_school;
/* Reads both plans' compounds and schools layers; errors name the plan. */
CM_EXTERN int cm_compare_plans(cm_ctx *ctx, const char *plan_a, const char *plan_b,
                               cm_comparison **out);
CM_EXTERN size_t cm_comparison_changes(const cm_comparison *c, const cm_compare_change **out);
CM_EXTERN size_t cm_comparison_schools(const cm_comparison *c, const cm_compare_school **out);
/* The comparison as a terminal table (csv 0) or one CSV table (a text
 * report: see cm_report_stream). */
CM_EXTERN int cm_report_comparison(cm_ctx *ctx, const cm_comparison *c, int csv, FILE *fp);
/* The comparison as a table for office software at `path` (.csv or .xlsx,
 * docs/output.md "Tables"): a row per compound that changes school, then a
 * row per school with its enrolment in both.  `cfg` (NULL: the defaults)
 * gives csv_bom and headers.  Written atomically. */
CM_EXTERN int cm_comparison_write(cm_ctx *ctx, const cm_comparison *c, const cm_config *cfg,
                                  const char *path);
CM_EXTERN void cm_comparison_free(cm_comparison *c);

/* ---------------------------------------------------------------- maps */

/* How cm_map_draw draws, versioned as cm_solve_opts is: made with
 * CM_MAP_OPTS_INIT or cm_map_opts_init(), then its fields set; NULL: the
 * defaults. */
typedef struct cm_map_opts {
	unsigned version;   /* CM_MAP_OPTS_VERSION */
	const char *title;  /* NULL: the plan's title (summary.title), else its scenario name */
	int level;          /* -1: every level the plan has; else a cm_level */
	/* compounds to mark, by level (ids; e.g. those changing school, from
	 * catchment compare); none when NULL */
	const char *const *marked[CM_NLEVELS];
	size_t n_marked[CM_NLEVELS];
	/* the plan this one is a scenario of (a written plan; NULL: none): its
	 * schools that this plan lacks are drawn struck through, with their
	 * catchments there outlined */
	const char *base;
} cm_map_opts;

#define CM_MAP_OPTS_VERSION 1
#define CM_MAP_OPTS_INIT {CM_MAP_OPTS_VERSION, NULL, -1, {NULL, NULL}, {0, 0}, NULL}
/* Fills `opts` with the defaults of `version`, as CM_MAP_OPTS_INIT does;
 * CM_ERROR, `opts` unchanged, for a version this library does not know. */
CM_EXTERN int cm_map_opts_init(cm_map_opts *opts, unsigned version);

/* Draws maps of the plan written at `plan_path` (cm_plan_write: a GeoPackage,
 * or a shapefile or GeoJSON folder) into `path`, whose extension picks the
 * format: .png, .svg or .pdf.  A PDF has a page per level; PNG and SVG have a
 * file per level, named with "-primary" / "-junior" before the extension
 * when there is more than one.  Each file is written atomically. */
CM_EXTERN int cm_map_draw(cm_ctx *ctx, const char *plan_path, const char *path,
                          const cm_map_opts *opts);

/* Writes the enrolment ranges (招生范围) a bureau publishes: for each public
 * school and level, the compounds whose pupils it takes, with pupils and
 * seats.  `markdown` 1: a Markdown document; 0: one CSV table (a text
 * report: see cm_report_stream). */
CM_EXTERN int cm_report_ranges(cm_ctx *ctx, const cm_plan *plan, int markdown, FILE *fp);
/* The same at `path`, atomically: .md the Markdown document; .csv or .xlsx
 * a table for office software (docs/output.md "Tables": UTF-8 with a BOM,
 * Chinese headers, ids as text; the plan's [output] csv_bom and headers). */
CM_EXTERN int cm_ranges_write(cm_ctx *ctx, const cm_plan *plan, const char *path);

/* One solved plan of a scenario run: the base first, then the scenarios.
 * The plan brings its dataset (cm_plan_dataset). */
typedef struct cm_run {
	const char *name;
	const cm_plan *plan;
} cm_run;
/* The comparison of a base plan (runs[0]) and its scenarios, a row per plan
 * and level: pupils placed, shortfall, mean and maximum distance, near
 * share, migrant public share, over-full and full schools, pupils moved
 * against the base, solve time, the gap proved, the quota met (last, so
 * that a reader of the earlier columns by place keeps working).  `csv` 1:
 * a CSV table; 0: the table for a
 * terminal, then for each scenario where its shortfall grows and whose
 * shadow prices rise (a text report: see cm_report_stream). */
CM_EXTERN int cm_report_scenarios(cm_ctx *ctx, const cm_run *runs, size_t n, int csv, FILE *fp);
/* The comparison's table at `path` (.csv or .xlsx, as cm_ranges_write: the
 * base plan's [output] csv_bom and headers). */
CM_EXTERN int cm_scenarios_write(cm_ctx *ctx, const cm_run *runs, size_t n, const char *path);

/* Writes the terminal summary of a plan (a text report: see
 * cm_report_stream).  It lists split catchments, so it builds the plan's
 * areas if they are not yet (cm_plan_build_areas); an error there is
 * returned before anything is written. */
CM_EXTERN int cm_report_plan(cm_ctx *ctx, const cm_plan *plan, FILE *fp);
/* The plan's warnings alone (the CLI's -q): per level, a policy row missed
 * (the quota, the near-school share, the moved cap), what the search did
 * not prove, the pupils without a seat, over-full schools; nothing for a
 * level without any. */
CM_EXTERN int cm_report_plan_warnings(cm_ctx *ctx, const cm_plan *plan, FILE *fp);

/* ---------------------------------------------------------------- HTML (docs/report.md) */

typedef enum { CM_LANG_ZH = 0, CM_LANG_EN = 1 } cm_lang;

/* The HTML report's and the lookup page's options, versioned as
 * cm_solve_opts is: CM_HTML_OPTS_INIT or cm_html_opts_init(); NULL: the
 * defaults. */
typedef struct cm_html_opts {
	unsigned version;   /* CM_HTML_OPTS_VERSION */
	cm_lang lang;       /* Chinese (the default) or English */
	const char *title;  /* NULL: from the plan's scenario name */
	/* the base plan and its scenarios, solved (runs[0] the base, as for
	 * cm_report_scenarios): the report gets their comparison, a row per plan
	 * and level; one run (the base alone): no comparison; NULL: the
	 * comparison a scenario run wrote beside the plan, if any
	 * (cm_report_html) */
	const cm_run *runs;
	size_t n_runs;
} cm_html_opts;

#define CM_HTML_OPTS_VERSION 1
#define CM_HTML_OPTS_INIT {CM_HTML_OPTS_VERSION, CM_LANG_ZH, NULL, NULL, 0}
/* Fills `opts` with the defaults of `version`, as CM_HTML_OPTS_INIT does;
 * CM_ERROR, `opts` unchanged, for a version this library does not know. */
CM_EXTERN int cm_html_opts_init(cm_html_opts *opts, unsigned version);

/* The plan report of the plan written at `plan_path` (any format
 * cm_plan_write writes): one self-contained HTML file at `path` with the
 * maps of each level as SVG, the figures, a table per school, the
 * shortfall by compound, the enrolment ranges, the changes against the
 * previous plan when the plan has them, and the scenarios' comparison: of
 * the runs `opts` gives, else of the plans a scenario run wrote beside the
 * plan (PLAN-scenarios.csv names them, cm_path_beside; one older than the
 * plan is left out with a warning, and a scenario plan it names that does
 * not read is an error).  Written atomically; the same plan gives the same
 * bytes.  `opts` NULL: Chinese, the default title. */
CM_EXTERN int cm_report_html(cm_ctx *ctx, const char *plan_path, const char *path,
                             const cm_html_opts *opts);
/* The public lookup page (学区查询) of the plan at `plan_path`: a folder
 * `dir` with index.html and data.js, no server or internet needed, where a
 * compound's name (or its pinyin initials) finds its schools and their
 * catchments; it holds no pupil counts.  The folder is replaced whole, and
 * only when it is empty or a lookup page catchment wrote. */
CM_EXTERN int cm_publish(cm_ctx *ctx, const char *plan_path, const char *dir,
                         const cm_html_opts *opts);

#ifdef __cplusplus
}
#endif
#endif /* CATCHMENT_H */
