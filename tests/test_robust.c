/* test_robust.c: nothing in the input crashes the engine.  Truncated and
 * garbled data files and scenario files must end in a clean error or a
 * clean load; run under ASan/UBSan (scripts/dev test) this also catches
 * memory errors on those paths. */
#define _GNU_SOURCE
#include "helpers.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Loads and checks; returns the load's status. */
static int load_and_check(const char *schools, const char *compounds, const char *extra)
{
	char *ini = scenario_text(schools, compounds, extra);
	cm_ctx *ctx;
	cm_config *cfg = NULL;
	cm_dataset *ds = NULL;
	cm_check_report rep;
	int rc;
	cm_ctx_new(&ctx);
	rc = cm_config_parse_string(ctx, ini, "robust.ini", ".", &cfg);
	cr_assert_eq(rc, 0, "%s", cm_ctx_last_error(ctx));
	rc = cm_dataset_load(ctx, cfg, &ds);
	cr_assert(rc == 0 || rc == CM_EINPUT, "load returned %d: %s", rc, cm_ctx_last_error(ctx));
	if (rc == 0) {
		cr_assert_eq(cm_check(ctx, cfg, ds, &rep), 0);
		FILE *null = fopen("/dev/null", "w");
		cr_assert_eq(cm_report_check(ctx, cfg, ds, &rep, 3, null), 0, "%s", cm_ctx_last_error(ctx));
		fclose(null);
	} else {
		cr_assert(strlen(cm_ctx_last_error(ctx)) > 10, "an error needs a message");
	}
	cm_dataset_free(ds);
	cm_config_free(cfg);
	cm_ctx_free(ctx);
	free(ini);
	return rc;
}

Test(robust, truncated_geojson)
{
	char *dir = tmpdir();
	size_t len, cut;
	char *text = slurp(fixture("compounds.geojson"), &len);
	const char *s = "schools.geojson";
	int ok = 0, failed = 0;
	for (cut = 0; cut < len; cut += 61) {
		char saved = text[cut];
		text[cut] = '\0';
		char *p = write_file(dir, "cut.geojson", text);
		text[cut] = saved;
		if (load_and_check(s, p, NULL) == 0)
			ok++;
		else
			failed++;
		free(p);
	}
	cr_assert(failed > 0, "truncated files must be refused");
	free(text);
	free(dir);
}

Test(robust, garbled_csv_values)
{
	char *dir = tmpdir();
	const char *c = "compounds.geojson";
	char *s = write_file(dir, "odd.csv",
		"id,name,level,sector,seats_primary,seats_junior,purchased_primary,boarding,lon,lat\n"
		"A,\"quoted, name\",primary,public,1e400,0,0,0,113,24.79\n"
		"B,,junior,public,,nan,0,2,113,24.78\n"
		"C,x,primary,public,-0,0,0,yes,abc,24.78\n"
		"D,x,primary,public,12,0,0,0,113\n"
		"E,x,primary,public,12,0,0,0,113,24.78,extra,columns\n"
		",,,,,,,,,\n"
		"F,\xE5\xAD\xA6,nine_year,private,45,50,999999999999,no,113.01,24.785\n"
		"G,x,primary,public,2147483648,0,0,0,500,95\n");
	cr_assert_eq(load_and_check(s, c, "schools_source_crs = EPSG:4326\n"), 0);
	free(s);
	free(dir);
}

Test(robust, wrong_types_in_geojson)
{
	char *dir = tmpdir();
	const char *s = "schools.geojson";
	char *c = write_file(dir, "types.geojson",
		"{\"type\":\"FeatureCollection\",\"features\":["
		"{\"type\":\"Feature\",\"properties\":{\"id\":1,\"primary_local\":[1,2],\"area_type\":true},"
		"\"geometry\":{\"type\":\"Point\",\"coordinates\":[113,24.79]}},"
		"{\"type\":\"Feature\",\"properties\":{\"id\":{\"a\":1},\"primary_local\":\"7\"},"
		"\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[113,24.79],[113.1,24.8]]}},"
		"{\"type\":\"Feature\",\"properties\":{\"id\":3,\"primary_local\":5},"
		"\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[113,24.79],[113,24.79],[113,24.79],[113,24.79]]]}},"
		"{\"type\":\"Feature\",\"properties\":{\"id\":4,\"primary_local\":5},"
		"\"geometry\":{\"type\":\"MultiPolygon\",\"coordinates\":[[[[113,24.79],[113.001,24.79],[113.001,24.791],[113,24.79]]],[[[113.01,24.79],[113.011,24.79],[113.011,24.791],[113.01,24.79]]]]}}"
		"]}");
	cr_assert_eq(load_and_check(s, c, "[fields]\ncompounds.primary_migrant = none\n"), 0);
	free(c);
	free(dir);
}

Test(robust, random_scenario_lines)
{
	static const char *const pieces[] = {
		"[input]", "[policy]", "[fields]", "[solve]", "[output]", "[", "]", "[[x]]", "=", "==",
		"schools = a", "compounds = b", "crs = EPSG:4547", "migrant_public_share = 2",
		"mip_gap = 0.1", "schools.id = 学校", "level.primary = ,,", "x = y = z", "; c", "# c",
		"  indented = 1", "\xFF\xFE", "assignment = split", "name =", "=value",
		"max_distance_primary_m = 1e309", "class_size_primary = 0x10", "coordinates = gcj02",
	};
	unsigned seed = 12345;
	for (int round = 0; round < 400; round++) {
		char text[2048] = "";
		int lines = 1 + (int)(seed % 9);
		for (int i = 0; i < lines; i++) {
			seed = seed * 1103515245u + 12345u;
			strncat(text, pieces[(seed >> 8) % (sizeof pieces / sizeof *pieces)],
			        sizeof text - strlen(text) - 2);
			strcat(text, "\n");
		}
		cm_ctx *ctx;
		cm_config *cfg = NULL;
		cm_ctx_new(&ctx);
		int rc = cm_config_parse_string(ctx, text, "r.ini", ".", &cfg);
		cr_assert(rc == 0 || rc == CM_EINPUT, "rc %d for:\n%s", rc, text);
		cr_assert(rc != 0 || cfg, "success without a config");
		if (rc)
			cr_assert(strstr(cm_ctx_last_error(ctx), "r.ini"), "%s", cm_ctx_last_error(ctx));
		cm_config_free(cfg);
		cm_ctx_free(ctx);
	}
}
