/*
 * fuzz_plan.c: reading a written plan back (planfile.c, compare.c,
 * previous.c).
 *
 * The input is a plan folder packed as text: each file starts with a line
 * "=== NAME" (NAME of letters, digits, '_', '-', '.'; at most 32 files),
 * its bytes running to the next such line or the end, less the one newline
 * before it (`tests/fuzz/campaign.py pack DIR` packs a folder so).  The
 * folder is written to a temporary folder, compared with a fixed plan (the
 * fixed layers solved and written as a GeoJSON folder at start), and read
 * as last year's plan of the fixed layers, as a folder and as its
 * assignment.csv, each then solved against it.  GeoJSON, CSV and shapefile
 * folders all come in this way (corpus/plan has one of each).
 */
#include "fuzz.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FILES 32

static char plan_dir[4096], fixed_dir[4096];
static cm_config *prev_cfg[2];   /* previous_plan = the folder, = its assignment.csv */
static cm_dataset *fixed_ds;

/* Once: the fixed plan, the fixed dataset and the configurations. */
static void setup(cm_ctx *ctx)
{
	cm_config *cfg;
	cm_plan *plan = NULL;
	cm_solve_opts so = CM_SOLVE_OPTS_INIT;
	char extra[4096 + 128];
	int i;
	snprintf(plan_dir, sizeof plan_dir, "%s/plan", fz_tmpdir());
	snprintf(fixed_dir, sizeof fixed_dir, "%s/fixed", fz_tmpdir());
	if (mkdir(plan_dir, 0700) != 0)
		abort();
	cfg = fz_config(ctx, "schools.csv", "compounds.geojson", "[output]\nformat = geojson\n");
	so.config = cfg;
	if (cm_dataset_load(ctx, cfg, &fixed_ds) || cm_solve(ctx, fixed_ds, &so, &plan) ||
	    cm_plan_write(ctx, plan, fixed_dir)) {
		fprintf(stderr, "fuzz: the fixed plan: %s\n", cm_ctx_last_error(ctx));
		abort();
	}
	cm_plan_free(plan);
	cm_config_free(cfg);
	for (i = 0; i < 2; i++) {
		snprintf(extra, sizeof extra, "previous_plan = %s%s\n[solve]\nstability_weight = 1000\n",
		         plan_dir, i ? "/assignment.csv" : "");
		prev_cfg[i] = fz_config(ctx, "schools.csv", "compounds.geojson", extra);
	}
}

static int good_name(const uint8_t *s, size_t n)
{
	size_t i;
	if (n == 0 || n > 64 || s[0] == '.')
		return 0;
	for (i = 0; i < n; i++)
		if (!(s[i] >= 'a' && s[i] <= 'z') && !(s[i] >= 'A' && s[i] <= 'Z') &&
		    !(s[i] >= '0' && s[i] <= '9') && !strchr("_-.", s[i]))
			return 0;
	return 1;
}

/* Is there a header line at `i`? */
static int header_at(const uint8_t *data, size_t size, size_t i)
{
	return (i == 0 || data[i - 1] == '\n') && size - i >= 4 && !memcmp(data + i, "=== ", 4);
}

static void write_file(const char *name, size_t name_len, const uint8_t *data, size_t size)
{
	char path[4096 + 80];
	int fd;
	snprintf(path, sizeof path, "%s/%.*s", plan_dir, (int)name_len, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return;
	while (size > 0) {
		ssize_t w = write(fd, data, size);
		if (w <= 0)
			break;
		data += w;
		size -= (size_t)w;
	}
	close(fd);
}

static void unpack(const uint8_t *data, size_t size)
{
	size_t i = 0, files = 0;
	while (i < size && !header_at(data, size, i))
		i++;
	while (i < size && files < MAX_FILES) {
		size_t name = i + 4, eol = name, body, end;
		while (eol < size && data[eol] != '\n')
			eol++;
		body = eol < size ? eol + 1 : size;
		end = body;
		while (end < size && !header_at(data, size, end))
			end++;
		i = end;
		if (end > body && data[end - 1] == '\n')
			end--; /* the packer's newline */
		if (good_name(data + name, eol - name)) {
			write_file((const char *)data + name, eol - name, data + body, end - body);
			files++;
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cm_ctx *ctx = fz_init();
	cm_comparison *cmp = NULL;
	int i;
	if (!fixed_ds)
		setup(ctx);
	fz_clear_dir(plan_dir);
	unpack(data, size);

	if (fz_ok(ctx, cm_compare_plans(ctx, plan_dir, fixed_dir, &cmp), "compare")) {
		fz_ok(ctx, cm_report_comparison(ctx, cmp, 0, fz_devnull()), "report");
		fz_ok(ctx, cm_report_comparison(ctx, cmp, 1, fz_devnull()), "report");
	}
	cm_comparison_free(cmp);
	for (i = 0; i < 2; i++) {
		cm_previous *prev = NULL;
		cm_plan *plan = NULL;
		cm_solve_opts so = CM_SOLVE_OPTS_INIT;
		so.config = prev_cfg[i];
		if (fz_ok(ctx, cm_previous_load(ctx, prev_cfg[i], fixed_ds, &prev), "previous")) {
			so.previous = prev;
			if (fz_ok(ctx, cm_solve(ctx, fixed_ds, &so, &plan), "solve"))
				fz_ok(ctx, cm_report_plan(ctx, plan, fz_devnull()), "summary");
		}
		cm_plan_free(plan);
		cm_previous_free(prev);
	}
	return 0;
}
