/*
 * fuzz_geojson.c: `check` on a small GeoJSON layer (read.c, fields.c,
 * crs.c, coords.c, check.c, report.c).
 *
 * The input is one GeoJSON file, read three ways beside the fixed layers:
 * as the compounds, as the schools and as the boundary.
 */
#include "fuzz.h"

#include <cpl_vsi.h>

#define IN FZ_DIR "/in.geojson"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const roles[3][3] = {
		/* schools, compounds, extra */
		{"schools.csv", IN, NULL},
		{IN, "compounds.geojson", NULL},
		{"schools.csv", "compounds.geojson", "boundary = " IN "\n"},
	};
	cm_ctx *ctx = fz_init();
	int r;
	fz_mem_file(IN, data, size);
	for (r = 0; r < 3; r++) {
		cm_config *cfg = fz_config(ctx, roles[r][0], roles[r][1], roles[r][2]);
		cm_dataset_free(fz_check(ctx, cfg, 0));
		cm_config_free(cfg);
	}
	VSIUnlink(IN);
	return 0;
}
