/*
 * fuzz.h: what the libFuzzer targets in tests/fuzz share (fuzz.c).
 *
 * Each target (fuzz_ini.c, fuzz_geojson.c, fuzz_csv.c, fuzz_plan.c) feeds
 * one input through the public API the way the command line would, and
 * treats every error return as a good answer: only crashes, sanitizer
 * reports, leaks and hangs are findings.  Layers live in GDAL's memory file
 * system (FZ_DIR), so an input costs no disk; plan folders, which the plan
 * reader finds with stat(), go to a temporary folder.  scripts/fuzz builds
 * and runs them; docs/design.md ("Fuzzing") has the rest.
 */
#ifndef CM_FUZZ_H
#define CM_FUZZ_H

#include "catchment.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The in-memory folder scenarios resolve against; the fixed layers are
 * FZ_DIR/schools.csv, FZ_DIR/compounds.geojson and, for a scenario,
 * FZ_DIR/estate.geojson. */
#define FZ_DIR "/vsimem/fuzz"

/* libFuzzer's entry point, defined by each target. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Once per process (later calls return the same): GDAL registered and
 * quiet, the context, the fixed layers written to FZ_DIR. */
cm_ctx *fz_init(void);
/* Writes `size` bytes to the memory file `path`, replacing it. */
void fz_mem_file(const char *path, const void *data, size_t size);
/* `data` as a NUL-terminated string (caller frees); NULL: out of memory. */
char *fz_string(const uint8_t *data, size_t size);
/* A scenario text naming two layers (paths in FZ_DIR or absolute), then
 * `extra`, parsed; NULL when it does not parse (a bug in the target). */
cm_config *fz_config(cm_ctx *ctx, const char *schools, const char *compounds, const char *extra);
/* Whether `rc` is 0; with CM_FUZZ_VERBOSE set, prints the context's
 * message when not (`what` the call), to see how far inputs get. */
int fz_ok(cm_ctx *ctx, int rc, const char *what);
/* Loads, checks and reports `cfg` as `catchment check` does (the report to
 * /dev/null); with `solve`, also solves it when the check says solvable.
 * Returns the dataset (caller frees) or NULL when the load failed. */
cm_dataset *fz_check(cm_ctx *ctx, const cm_config *cfg, int solve);
/* /dev/null, open for writing reports to. */
FILE *fz_devnull(void);
/* A fresh temporary folder for the process, removed at exit. */
const char *fz_tmpdir(void);
/* Removes every file in folder `dir` (not the folder, not subfolders). */
void fz_clear_dir(const char *dir);

#endif
