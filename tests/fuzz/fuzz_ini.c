/*
 * fuzz_ini.c: the scenario file (config.c) and its scenarios (scenario.c).
 *
 * The input is an INI file, parsed with relative paths in FZ_DIR.  When
 * every file it names is there (or in memory at all), it is loaded,
 * checked and solved, and each [scenario] is applied to it, checked and
 * solved: a fuzzed policy, field map or scenario reaches the code it
 * steers.  A file outside memory is not read (it would be the machine's).
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

/* A path the target may read: none, or a memory file. */
static int in_memory(const char *path)
{
	return !path || !strncmp(path, "/vsimem/", 8);
}

static int all_in_memory(const cm_config *cfg)
{
	int i;
	for (i = 0; i < CM_NLAYERS; i++)
		if (!cfg->input[i].path || !in_memory(cfg->input[i].path))
			return 0;
	return in_memory(cfg->boundary.path) && !cfg->previous.path;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cm_ctx *ctx = fz_init();
	char *text = fz_string(data, size);
	cm_config *cfg = NULL;
	cm_dataset *ds = NULL;
	size_t i;

	if (!text || !fz_ok(ctx, cm_config_parse_string(ctx, text, "fuzz.ini", FZ_DIR, &cfg), "parse"))
		goto cleanup;
	if (!all_in_memory(cfg) || !(ds = fz_check(ctx, cfg, 1)))
		goto cleanup;
	for (i = 0; i < cfg->n_scenarios && i < 4; i++) {
		const cm_scenario *sc = &cfg->scenarios[i];
		cm_config scfg;
		cm_dataset *sds = NULL;
		cm_check_report rep;
		cm_plan *plan = NULL;
		cm_solve_opts so = CM_SOLVE_OPTS_INIT;
		so.config = &scfg;
		if (!in_memory(sc->new_schools.path) || !in_memory(sc->new_compounds.path))
			continue;
		cm_scenario_config(cfg, sc, &scfg);
		if (fz_ok(ctx, cm_scenario_data(ctx, cfg, sc, ds, &sds), "scenario") &&
		    fz_ok(ctx, cm_check(ctx, &scfg, sds, &rep), "scenario check") && rep.solvable)
			fz_ok(ctx, cm_solve(ctx, sds, &so, &plan), "scenario solve");
		cm_plan_free(plan);
		cm_dataset_free(sds);
	}

cleanup:
	cm_dataset_free(ds);
	cm_config_free(cfg);
	free(text);
	return 0;
}
