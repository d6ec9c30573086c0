/*
 * table.h: tables for office software (docs/output.md, "Tables").
 *
 * The enrolment ranges, the scenario comparison and a comparison of two
 * plans go to a bureau's offices as spreadsheets.  One writer serves them
 * all, the format from the path's extension: `.xlsx` (GDAL's XLSX driver:
 * a sheet, text columns stored as text, so ids keep their leading zeros)
 * or anything else CSV (UTF-8 with a byte-order mark unless [output]
 * csv_bom = no, so that Excel on Chinese Windows reads the names).
 * Headers are in Chinese ([output] headers = zh, the default) or the
 * engine's names (headers = en); docs/output.md maps one to the other.
 * Written beside the target and moved in whole (file.c).
 */
#ifndef CM_TABLE_H
#define CM_TABLE_H

#include "internal.h"

/* A column: its engine name, its Chinese header, and whether it holds
 * numbers (else text). */
typedef struct cm__tcol {
	const char *name;
	const char *zh;
	int number;
} cm__tcol;

typedef struct cm__table cm__table;

/* Opens a table at `path` with columns `cols`; `sheet` names the XLSX
 * sheet.  `cfg` gives csv_bom and headers (NULL: the defaults).  0, or an
 * error with the message set (CM_EIO, CM_ENOMEM). */
int cm__table_open(cm_ctx *ctx, const char *path, const char *sheet, const cm__tcol *cols,
                   int ncols, const cm_config *cfg, cm__table **out);
/* One row: a cell per column (NULL or "" for an empty cell; numbers as
 * text in C's format).  0 or an error (the table is then aborted by
 * cm__table_commit). */
int cm__table_row(cm__table *t, const char *const *cells);
/* Finishes the table and moves it into place; on any earlier error, or
 * when `ok` is 0, removes it instead and returns that error (or 0).
 * Frees t. */
int cm__table_close(cm__table *t, int ok);

#endif
