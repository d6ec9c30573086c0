/* helpers.h: what the test executables share: fixtures, temporary folders,
 * scenario files written on the fly, and format conversion through GDAL. */
#ifndef CM_TEST_HELPERS_H
#define CM_TEST_HELPERS_H

#include "catchment.h"

/* Path of a file in tests/data (from $CM_TEST_DATA); static buffer, one at a time. */
const char *fixture(const char *name);
/* Scenario text naming two layers, then `extra` (may be NULL).  A name
 * without '/' is a fixture in tests/data.  Caller frees. */
char *scenario_text(const char *schools, const char *compounds, const char *extra);
/* A fresh temporary folder, removed when the test process exits (kept
 * with CM_TEST_KEEP=1); caller frees the string. */
char *tmpdir(void);
/* Writes `text` to dir/name and returns the path (caller frees). */
char *write_file(const char *dir, const char *name, const char *text);
/* ogr2ogr: converts `src` (opened with `open_opts`, may be NULL) to `dst`
 * with ogr2ogr's options (NULL-terminated).  Returns 0 on success. */
int translate(const char *src, const char *const *open_opts, const char *dst,
              const char *const *opts);
/* Recodes UTF-8 text to `encoding` (caller frees). */
char *recode(const char *utf8, const char *encoding);
/* Reads a whole file (caller frees), NULL if it cannot; *len gets its size. */
char *slurp(const char *path, size_t *len);
/* Parses scenario text whose relative paths resolve against `dir`; asserts success. */
cm_config *config_ok(const char *text, const char *dir);
/* Parses scenario text expecting failure; returns the error message (static). */
const char *config_err(const char *text);
/* Loads a dataset from scenario text; asserts success. */
cm_dataset *load_ok(const char *text, const char *dir, cm_config **cfg_out);
/* Loading fails; returns the message (static buffer). */
const char *load_err(const char *text, const char *dir);
/* The integer summary field `field` of a plan file for `level` (via
 * ogrinfo); -1 when it has none. */
long summary_int(const char *path, const char *level, const char *field);
/* The first diagnostic of `kind` (NULL if none). */
const cm_diag *find_diag(const cm_dataset *ds, const char *kind);
/* Number of diagnostics of `kind`. */
int count_diag(const cm_dataset *ds, const char *kind);
/* A school or compound by id (NULL if none). */
const cm_school *school_by_id(const cm_dataset *ds, const char *id);
const cm_compound *compound_by_id(const cm_dataset *ds, const char *id);
/* Runs the built catchment CLI with arguments; returns its exit status and
 * puts stdout+stderr into a static buffer. */
int run_cli(const char *args, const char **output);
/* The same with the shell's `redirect` instead of "2>&1": what the pipe
 * reads is what it sends to standard output ("2>&1 >/dev/full": the
 * errors alone). */
int run_cli_to(const char *args, const char *redirect, const char **output);
/* The library's messages in Chinese (on 1) or English (0), as the CLI asks
 * where the system lacks zh_CN (C.UTF-8 with LANGUAGE=zh_CN), from the
 * build's catalogue (CATCHMENT_LOCALEDIR). */
void speak_chinese(int on);

/* cm_solve with the options most tests give: `cfg`, last year's plan `prev`
 * (NULL: none), the default threads.  Returns cm_solve's code. */
int solve_with(cm_ctx *ctx, const cm_config *cfg, const cm_dataset *ds, const cm_previous *prev,
               cm_plan **out);

/* A tiny instance: schools and point compounds in metres from an origin in
 * UTM 49N, written as GeoJSON and solved. */
typedef struct tschool {
	const char *id, *level, *sector;
	int seats_p, seats_j, purchased_p, purchased_j, boarding;
	double x, y;  /* metres east and north of the origin */
} tschool;

typedef struct tcomp {
	const char *id, *area;
	int pl, pm, jl, jm;
	double x, y;
} tcomp;

#define X0 500000.0
#define Y0 2700000.0

typedef struct tiny {
	cm_config *cfg;
	cm_dataset *ds;
	cm_plan *plan;
	char *dir;
} tiny;

/* Writes the instance and solves it with `extra` INI text; asserts success.
 * With CM_T_KEEP set, the scenario is kept as t.ini in t->dir (to rerun a
 * failing round with the CLI). */
int tiny_solve(tiny *t, const tschool *s, int ns, const tcomp *c, int nc, const char *extra);
void tiny_free(tiny *t);
/* Local children without a place at level `lv` in t's plan. */
long unplaced_locals(const tiny *t, cm_level lv);

#endif
