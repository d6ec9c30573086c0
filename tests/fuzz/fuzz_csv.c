/*
 * fuzz_csv.c: `check` on a small CSV layer (GDAL's CSV options in read.c,
 * lon/lat and WKT columns, Chinese field names, values and encodings).
 *
 * The input is one CSV file, read as the schools and as the compounds
 * beside the fixed layers, and once more as GBK schools.
 */
#include "fuzz.h"

#include <cpl_vsi.h>

#define IN FZ_DIR "/in.csv"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const roles[3][3] = {
		/* schools, compounds, extra */
		{IN, "compounds.geojson", NULL},
		{"schools.csv", IN, "compounds_source_crs = EPSG:4326\n"},
		{IN, "compounds.geojson", "schools_encoding = GBK\n"},
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
