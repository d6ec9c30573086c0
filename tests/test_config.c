/* test_config.c: the scenario file, good and every kind of bad. */
#include "helpers.h"
#include "../src/internal.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MINIMAL "[input]\nschools = s.gpkg\ncompounds = c.gpkg\n"

Test(config, defaults_documented)
{
	cm_config *cfg = config_ok(MINIMAL, "/data/county");
	cr_assert_str_eq(cfg->input[CM_SCHOOLS].path, "/data/county/s.gpkg");
	cr_assert_str_eq(cfg->input[CM_COMPOUNDS].path, "/data/county/c.gpkg");
	cr_assert_float_eq(cfg->policy.migrant_public_share, 0.85, 1e-12);
	cr_assert_eq(cfg->policy.class_size[CM_PRIMARY], 45);
	cr_assert_eq(cfg->policy.class_size[CM_JUNIOR], 50);
	cr_assert_float_eq(cfg->policy.near_radius_m[CM_PRIMARY], 500, 1e-9);
	cr_assert_float_eq(cfg->policy.near_radius_m[CM_JUNIOR], 1000, 1e-9);
	cr_assert_eq(cfg->policy.max_school_size, 2000);
	cr_assert_eq(cfg->policy.max_school_size_nine_year, 2500);
	cr_assert_float_eq(cfg->policy.max_distance_m[CM_PRIMARY], 0, 1e-12);
	cr_assert_eq(cfg->solve.assignment, CM_ASSIGN_SINGLE);
	cr_assert_null(cfg->crs);
	cr_assert_eq(cfg->input[CM_SCHOOLS].coordinates, CM_COORDS_PLAIN);
	cr_assert_str_eq(cfg->name, "test");
	cm_config_free(cfg);
}

Test(config, every_section)
{
	cm_config *cfg = config_ok(
		"; a comment\n"
		"# another\n"
		"[input]\n"
		"schools = ../data/schools.shp   ; inline comment\n"
		"compounds = /abs/compounds.gpkg\n"
		"compounds_layer = 小区\n"
		"encoding = GBK\n"
		"schools_encoding = UTF-8\n"
		"source_crs = EPSG:4490\n"
		"coordinates = gcj02\n"
		"compounds_coordinates = wgs84\n"
		"crs = EPSG:4547\n"
		"repair_geometry = yes\n"
		"[fields]\n"
		"schools.id = 学校代码\n"
		"compounds.id = 小区编号\n"
		"name = 名称\n"
		"level.primary = 村小, 完小\n"
		"area_type.rural = 农村，山区\n"
		"[policy]\n"
		"migrant_public_share = 0.9\n"
		"max_distance_primary_m = 3000\n"
		"max_distance_junior_m = 5000\n"
		"max_distance_boarding_m = 40000\n"
		"near_share_min_junior = 0.95\n"
		"class_size_primary = 40\n"
		"enforce_school_size = true\n"
		"[solve]\n"
		"assignment = split\n"
		"mip_gap = 0.005\n"
		"time_limit_s = 120\n"
		"[output]\n"
		"path = out/plan.gpkg\n"
		"format = shp\n"
		"name = 示例县\n",
		"/work/examples");
	const cm_input *s = &cfg->input[CM_SCHOOLS], *c = &cfg->input[CM_COMPOUNDS];
	cr_assert_str_eq(s->path, "/work/data/schools.shp");
	cr_assert_str_eq(c->path, "/abs/compounds.gpkg");
	cr_assert_str_eq(c->layer, "小区");
	cr_assert_null(s->layer);
	cr_assert_str_eq(s->encoding, "UTF-8");
	cr_assert_str_eq(c->encoding, "GBK");
	cr_assert_str_eq(s->source_crs, "EPSG:4490");
	cr_assert_eq(s->coordinates, CM_COORDS_GCJ02);
	cr_assert_eq(c->coordinates, CM_COORDS_PLAIN, "a per-layer key wins over the generic one");
	cr_assert_str_eq(cfg->crs, "EPSG:4547");
	cr_assert_eq(cfg->repair_geometry, 1);
	cr_assert_str_eq(s->field[CM_F_ID], "学校代码");
	cr_assert_str_eq(c->field[CM_F_ID], "小区编号");
	cr_assert_str_eq(s->field[CM_F_NAME], "名称");
	cr_assert_str_eq(c->field[CM_F_NAME], "名称");
	cr_assert_str_eq(cfg->values.level[CM_KIND_PRIMARY], "村小, 完小");
	cr_assert_float_eq(cfg->policy.migrant_public_share, 0.9, 1e-12);
	cr_assert_float_eq(cfg->policy.max_distance_m[CM_PRIMARY], 3000, 1e-9);
	cr_assert_float_eq(cfg->policy.max_distance_m[CM_JUNIOR], 5000, 1e-9);
	cr_assert_float_eq(cfg->policy.max_distance_boarding_m, 40000, 1e-9);
	cr_assert_float_eq(cfg->policy.near_share_min[CM_JUNIOR], 0.95, 1e-12);
	cr_assert_eq(cfg->policy.class_size[CM_PRIMARY], 40);
	cr_assert_eq(cfg->policy.enforce_school_size, 1);
	cr_assert_eq(cfg->solve.assignment, CM_ASSIGN_SPLIT);
	cr_assert_float_eq(cfg->solve.mip_gap, 0.005, 1e-12);
	cr_assert_float_eq(cfg->solve.time_limit_s, 120, 1e-9);
	cr_assert_str_eq(cfg->output.path, "/work/examples/out/plan.gpkg");
	cr_assert_str_eq(cfg->output.format, "shp");
	cr_assert_str_eq(cfg->name, "示例县");
	cm_config_free(cfg);
}

Test(config, bom_and_crlf)
{
	cm_config *cfg = config_ok("\xEF\xBB\xBF[input]\r\nschools = s.csv\r\ncompounds = c.csv\r\n", ".");
	cr_assert_str_eq(cfg->input[CM_SCHOOLS].path, "s.csv");
	cm_config_free(cfg);
}

Test(config, load_from_file_resolves_against_its_folder)
{
	char *dir = tmpdir(), *path;
	cm_ctx *ctx;
	cm_config *cfg = NULL;
	path = write_file(dir, "county.ini", MINIMAL);
	cm_ctx_new(&ctx);
	cr_assert_eq(cm_config_load(ctx, path, &cfg), 0, "%s", cm_ctx_last_error(ctx));
	cr_assert(strstr(cfg->input[CM_SCHOOLS].path, dir) == cfg->input[CM_SCHOOLS].path);
	cr_assert_str_eq(cfg->name, "county");
	cm_config_free(cfg);
	cm_ctx_free(ctx);
	free(path);
	free(dir);
}

/* A scenario's file name beside the plan: its name's characters that a
 * file system (Windows' too: a plan folder on a share) refuses as '_'
 * (a fresh-eyes trial: a tab, ':' and '*' went into the name as typed). */
Test(config, a_scenario_file_name_is_safe_everywhere)
{
	char *p = cm_path_beside("out/p.gpkg", "a:b*c?d\te<f>g|h\"i/j k\\l", NULL);
	cr_assert_str_eq(p, "out/p-a_b_c_d_e_f_g_h_i_j_k_l.gpkg");
	free(p);
	p = cm_path_beside("out/p.gpkg", "新区", ".csv");
	cr_assert_str_eq(p, "out/p-新区.csv");
	free(p);
}

Test(config, missing_file)
{
	cm_ctx *ctx;
	cm_config *cfg = (cm_config *)1;
	cm_ctx_new(&ctx);
	cr_assert_eq(cm_config_load(ctx, "/nonexistent/x.ini", &cfg), CM_EIO);
	cr_assert_null(cfg);
	cr_assert(strstr(cm_ctx_last_error(ctx), "/nonexistent/x.ini"));
	cm_ctx_free(ctx);
}

/* Each bad file: the message names the file, the line, and what is wrong. */
#define BAD(name, text, ...)                                                                 \
	Test(config_bad, name)                                                               \
	{                                                                                    \
		const char *m = config_err(text);                                            \
		const char *want[] = {__VA_ARGS__, NULL};                                    \
		for (int i = 0; want[i]; i++)                                                \
			cr_assert(strstr(m, want[i]), "message '%s' lacks '%s'", m, want[i]); \
	}

BAD(unknown_section_even_empty, MINIMAL "[inputs]\n", "test.ini:4:", "unknown section [inputs]")
/* a share typed as a percentage, a count with thousands separators (a
 * fresh-eyes trial: both were only 'not a decimal number') */
BAD(a_share_as_a_percentage, MINIMAL "[policy]\nmigrant_public_share = 85%\n", "test.ini:5:",
    "migrant_public_share = '85%'", "0.85 for 85%")
BAD(a_share_as_a_full_width_percentage, MINIMAL "[policy]\nmigrant_public_share = 85\xEF\xBC\x85\n",
    "test.ini:5:", "0.85 for 85%")
BAD(a_count_with_thousands_separators, MINIMAL "[policy]\nmax_distance_primary_m = 3,000\n",
    "test.ini:5:", "'3,000'", "1000, not 1,000")
BAD(unknown_key_input, MINIMAL "shcools = x\n", "test.ini:4:", "unknown key 'shcools'", "[input]")
BAD(unknown_key_policy, MINIMAL "[policy]\nmigrant_share = 0.8\n", "test.ini:5:",
    "unknown key 'migrant_share' in [policy]", "migrant_public_share")
BAD(unknown_key_solve, MINIMAL "[solve]\ngap = 0.1\n", "test.ini:5:", "'gap'", "mip_gap")
BAD(unknown_key_output, MINIMAL "[output]\nfile = x\n", "test.ini:5:", "'file'")
/* an empty path value names no file (it once wrote past a buffer) */
BAD(empty_output_path, MINIMAL "[output]\npath =\n", "test.ini:5:", "[output] path: an empty path")
/* and which key it is (the message named the line alone) */
BAD(empty_scenario_layer, MINIMAL "[scenario x]\nnew_compounds =\n", "test.ini:5:",
    "[scenario x] new_compounds: an empty path")
BAD(empty_input_path, "[input]\nschools = ; a comment\ncompounds = c.gpkg\n", "test.ini:2:",
    "empty path")
BAD(empty_boundary, MINIMAL "boundary =   \n", "test.ini:4:", "[input] boundary: an empty path")
BAD(unknown_field, MINIMAL "[fields]\nschools.capacity = 学位\n", "test.ini:5:", "'schools.capacity'")
BAD(field_wrong_layer, MINIMAL "[fields]\nschools.primary_local = x\n", "test.ini:5:",
    "schools have no field primary_local")
BAD(empty_field_name, MINIMAL "[fields]\nschools.id =\n", "test.ini:5:", "empty field name")
BAD(not_a_number, MINIMAL "[policy]\nmax_distance_primary_m = far\n", "test.ini:5:",
    "max_distance_primary_m", "'far'", "not a decimal number")
BAD(out_of_range, MINIMAL "[policy]\nmigrant_public_share = 1.5\n", "test.ini:5:",
    "migrant_public_share", "between 0 and 1")
BAD(negative_distance, MINIMAL "[policy]\nmax_distance_junior_m = -1\n", "test.ini:5:",
    "max_distance_junior_m")
BAD(not_whole, MINIMAL "[policy]\nclass_size_primary = 45.5\n", "test.ini:5:", "whole number")
BAD(bad_bool, MINIMAL "[policy]\nenforce_school_size = maybe\n", "test.ini:5:", "yes or no")
BAD(bad_enum, MINIMAL "[solve]\nassignment = random\n", "test.ini:5:", "single or split")
BAD(bad_coordinates, MINIMAL "coordinates = mars\n", "test.ini:4:", "wgs84, gcj02 or bd09")
BAD(bad_format, MINIMAL "[output]\nformat = xlsx\n", "test.ini:5:", "format")
BAD(duplicate_key, MINIMAL "schools = again.gpkg\n", "test.ini:4:", "given twice")
BAD(key_outside_section, "schools = s.gpkg\n", "test.ini:1:", "unknown section []")
BAD(malformed_line, MINIMAL "this is not a key\n", "test.ini:4:", "malformed")
BAD(continuation_line, MINIMAL "[policy]\nmigrant_public_share = 0.8\n  0.9\n", "test.ini:6:",
    "continuation")
BAD(missing_schools, "[input]\ncompounds = c.gpkg\n", "test.ini", "schools is missing")
BAD(missing_compounds, "[input]\nschools = s.gpkg\n", "test.ini", "compounds is missing")
BAD(not_utf8, MINIMAL "[fields]\nschools.id = \xD1\xA7\xD0\xA3\xB4\xFA\xC2\xEB\n", "test.ini:5:",
    "UTF-8")
BAD(layer_without_prefix, MINIMAL "layer = x\n", "test.ini:4:", "unknown key 'layer'")
BAD(where_without_prefix, MINIMAL "where = a = 1\n", "test.ini:4:", "unknown key 'where'")

/* Numbers are decimal: strtod's hexadecimal, inf, nan and overflow are
 * errors that name the key and the value (0x1F was read as 31). */
BAD(hex_number, MINIMAL "[policy]\nmax_distance_primary_m = 0x1F\n", "test.ini:5:",
    "max_distance_primary_m", "'0x1F'", "not a decimal number")
BAD(hex_whole_number, MINIMAL "[solve]\nnode_limit = 0X10\n", "test.ini:5:", "node_limit",
    "'0X10'", "not a decimal number")
/* [solve] effort: the search's budget times it, from a hundredth to a
 * thousand times the automatic one */
BAD(effort_zero, MINIMAL "[solve]\neffort = 0\n", "test.ini:5:", "[solve] effort = 0",
    "must be between 0.01 and 1000")
BAD(effort_huge, MINIMAL "[solve]\neffort = 5000\n", "test.ini:5:", "effort",
    "must be between 0.01 and 1000")
BAD(inf_number, MINIMAL "[policy]\nfar_school_m = inf\n", "test.ini:5:", "far_school_m",
    "'inf'", "not a finite number")
BAD(nan_number, MINIMAL "[policy]\nmigrant_public_share = NaN\n", "test.ini:5:",
    "migrant_public_share", "'NaN'", "not a finite number")
BAD(overflowing_number, MINIMAL "[policy]\nmax_distance_junior_m = 1e999\n", "test.ini:5:",
    "max_distance_junior_m", "'1e999'", "not a finite number")
BAD(trailing_junk, MINIMAL "[policy]\nclass_size_primary = 45 pupils\n", "test.ini:5:",
    "class_size_primary", "'45 pupils'", "not a decimal number")
BAD(leading_junk, MINIMAL "[solve]\nmip_gap = ~0.01\n", "test.ini:5:", "mip_gap",
    "not a decimal number")
BAD(hex_demand_scale, MINIMAL "[scenario x]\ndemand_scale = 0x2\n", "test.ini:5:",
    "[scenario x] demand_scale", "'0x2'", "not a decimal number")
/* a scenario's [policy] key is named with the scenario's section */
BAD(scenario_policy_key, MINIMAL "[scenario late]\nfar_school_m = 0x10\n", "test.ini:5:",
    "[scenario late] far_school_m", "not a decimal number")
/* An encoding iconv does not know was passed by, the text left as it was. */
BAD(unknown_encoding, MINIMAL "encoding = abc\n", "test.ini:4:", "[input] encoding = 'abc'",
    "not a character encoding")
BAD(unknown_layer_encoding, MINIMAL "compounds_encoding = GBX\n", "test.ini:4:",
    "compounds_encoding = 'GBX'", "not a character encoding")
BAD(unknown_boundary_encoding, MINIMAL "boundary_encoding = 936\n", "test.ini:4:",
    "boundary_encoding = '936'")
BAD(empty_encoding, MINIMAL "schools_encoding =\n", "test.ini:4:", "schools_encoding = ''")

Test(config, numbers)
{
	static const struct {
		const char *text;
		int rc;
		double value;
	} cases[] = {
		{"12", 0, 12}, {" -3.5 ", 0, -3.5}, {"+7", 0, 7}, {".5", 0, 0.5}, {"5.", 0, 5},
		{"1e3", 0, 1000}, {"2.5E-1", 0, 0.25}, {"1e-999", 0, 0},
		{"0x1F", CM_NUM_NOT_DECIMAL, 0}, {"0X1p3", CM_NUM_NOT_DECIMAL, 0},
		{"12abc", CM_NUM_NOT_DECIMAL, 0}, {"abc", CM_NUM_NOT_DECIMAL, 0},
		{"1 2", CM_NUM_NOT_DECIMAL, 0}, {"- 1", CM_NUM_NOT_DECIMAL, 0},
		{"++1", CM_NUM_NOT_DECIMAL, 0}, {"1e", CM_NUM_NOT_DECIMAL, 0},
		{"1,5", CM_NUM_NOT_DECIMAL, 0}, {".", CM_NUM_NOT_DECIMAL, 0},
		{"inf", CM_NUM_NOT_FINITE, 0}, {"-Infinity", CM_NUM_NOT_FINITE, 0},
		{"nan", CM_NUM_NOT_FINITE, 0}, {" NAN ", CM_NUM_NOT_FINITE, 0},
		{"1e999", CM_NUM_NOT_FINITE, 0}, {"-1e400", CM_NUM_NOT_FINITE, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		double d = -1;
		int null = -1, rc = cm__parse_number(cases[i].text, &d, &null);
		cr_assert_eq(rc, cases[i].rc, "'%s': %d", cases[i].text, rc);
		cr_assert_eq(null, 0, "'%s'", cases[i].text);
		if (!rc)
			cr_assert_float_eq(d, cases[i].value, 1e-12, "'%s': %g", cases[i].text, d);
	}
	{
		double d = -1;
		int null = 0;
		cr_assert_eq(cm__parse_number("  ", &d, &null), 0);
		cr_assert_eq(null, 1);
	}
}

Test(config, known_encodings)
{
	cm_config *cfg = config_ok(MINIMAL "encoding = gb18030\ncompounds_encoding = utf8\n"
	                                   "boundary_encoding = CP936\n", "/tmp");
	cr_assert_str_eq(cfg->input[CM_SCHOOLS].encoding, "gb18030");
	cr_assert_str_eq(cfg->input[CM_COMPOUNDS].encoding, "utf8");
	cr_assert_str_eq(cfg->boundary.encoding, "CP936");
	cm_config_free(cfg);
}

Test(config_bad, line_too_long)
{
	char text[1024];
	memset(text, 0, sizeof text);
	strcpy(text, MINIMAL "[output]\nname = ");
	memset(text + strlen(text), 'x', 400);
	strcat(text, "\n");
	const char *m = config_err(text);
	cr_assert(strstr(m, "test.ini:5:") && strstr(m, "longer"), "%s", m);
}

/* What a Chinese input method types for [ ] and = (a fresh-eyes trial):
 * 【policy】 was passed over and its keys were "unknown key ... in
 * [input]" a line later; "source_crs ＝ EPSG:4326" was "unknown key
 * 'source_crs ＝ EPSG'" (inih split it at the value's colon).  A line that
 * is no section and no key was named only if no key after it failed
 * first. */
Test(config_bad, full_width_brackets_and_equals_and_stray_lines)
{
	const char *m = config_err(MINIMAL "【policy】\nclass_size_primary = 40\n");
	cr_assert(strstr(m, "test.ini:4:") && strstr(m, "full-width brackets"), "%s", m);
	m = config_err(MINIMAL "[policy]\n［solve］\n");
	cr_assert(strstr(m, "test.ini:5:") && strstr(m, "full-width brackets"), "%s", m);
	m = config_err(MINIMAL "source_crs ＝ EPSG:4326\n");
	cr_assert(strstr(m, "test.ini:4:") && strstr(m, "full-width equals sign"), "%s", m);
	m = config_err(MINIMAL "policy\nclass_size_primary = 40\n");
	cr_assert(strstr(m, "test.ini:4:") && strstr(m, "malformed line"), "%s", m);
	/* ＝ in a value, comments and blank lines are no such line */
	cm_config *cfg = config_ok(MINIMAL "; 注释\n  # note\n\n  \n[output]\ntitle = 甲＝乙\n", "/data");
	cr_assert_str_eq(cfg->output.title, "甲＝乙");
	cm_config_free(cfg);
}

/* What Windows Notepad ("Unicode") and a classic Mac editor save: each
 * is named, not read as a malformed line or a file without its keys. */
static const char *load_bytes_err(const char *bytes, size_t n)
{
	static char msg[512];
	char *dir = tmpdir(), *path;
	cm_ctx *ctx;
	cm_config *cfg = NULL;
	FILE *fp;
	cr_assert((path = cm__sprintf("%s/county.ini", dir)));
	cr_assert((fp = fopen(path, "wb")) && fwrite(bytes, 1, n, fp) == n && !fclose(fp));
	cm_ctx_new(&ctx);
	cr_assert_eq(cm_config_load(ctx, path, &cfg), CM_EINPUT, "%s", cm_ctx_last_error(ctx));
	cr_assert_null(cfg);
	snprintf(msg, sizeof msg, "%s", cm_ctx_last_error(ctx));
	cm_ctx_free(ctx);
	free(path);
	free(dir);
	return msg;
}

Test(config_bad, utf16_and_cr_only_line_ends)
{
	static const char le_bom[] = "\xFF\xFE[\0i\0n\0p\0u\0t\0]\0\n\0";
	static const char be_bom[] = "\xFE\xFF\0[\0i\0n\0p\0u\0t\0]\0\n";
	static const char le[] = "[\0i\0n\0p\0u\0t\0]\0\n\0";
	static const char cr[] = "[input]\rschools = s.csv\rcompounds = c.csv\r";
	const char *m = load_bytes_err(le_bom, sizeof le_bom - 1);
	cr_assert(strstr(m, "county.ini:1:") && strstr(m, "UTF-16") && strstr(m, "UTF-8"), "%s", m);
	m = load_bytes_err(be_bom, sizeof be_bom - 1);
	cr_assert(strstr(m, "UTF-16"), "%s", m);
	m = load_bytes_err(le, sizeof le - 1);
	cr_assert(strstr(m, "county.ini:1:") && strstr(m, "NUL") && strstr(m, "UTF-8"), "%s", m);
	m = load_bytes_err(cr, sizeof cr - 1);
	cr_assert(strstr(m, "county.ini:1:") && strstr(m, "CR alone"), "%s", m);
	/* CR LF stays a line end (config/bom_and_crlf), a CR at a line's end too */
	cm_config_free(config_ok("[input]\r\nschools = s.csv\r\ncompounds = c.csv\r", "."));
}

Test(config, scenario_sections)
{
	cm_config *cfg = config_ok("[input]\nschools = s.csv\ncompounds = c.csv\n"
	                           "[scenario grow]\ndemand_scale = 1.05\nmax_distance_primary_m = 2500\n"
	                           "[policy]\nmax_distance_primary_m = 3000\nclass_size_primary = 40\n"
	                           "[scenario close S01]\nclose = S01, S02\n", "/tmp");
	cr_assert_eq(cfg->n_scenarios, 2);
	cr_assert_str_eq(cfg->scenarios[0].name, "grow");
	cr_assert_float_eq(cfg->scenarios[0].demand_scale, 1.05, 1e-12);
	/* its own key over the base's, the base's others (given later) too */
	cr_assert_float_eq(cfg->scenarios[0].policy.max_distance_m[CM_PRIMARY], 2500, 1e-9);
	cr_assert_eq(cfg->scenarios[0].policy.class_size[CM_PRIMARY], 40);
	cr_assert_float_eq(cfg->policy.max_distance_m[CM_PRIMARY], 3000, 1e-9);
	cr_assert_str_eq(cfg->scenarios[1].name, "close S01");
	cr_assert_str_eq(cfg->scenarios[1].close, "S01, S02");
	cr_assert_float_eq(cfg->scenarios[1].demand_scale, 1, 1e-12);
	cm_config_free(cfg);
	cr_assert(strstr(config_err("[input]\nschools = s.csv\ncompounds = c.csv\n[scenario x]\nfoo = 1\n"),
	                 "unknown key 'foo' in [scenario x]"));
	cr_assert(strstr(config_err("[input]\nschools = s.csv\ncompounds = c.csv\n[scenario x]\n"
	                            "demand_scale = lots\n"), ":5: [scenario x] demand_scale"));
	cr_assert(strstr(config_err("[input]\nschools = s.csv\ncompounds = c.csv\n[scenario x]\n"
	                            "max_distance_primary_m = -5\n"), ":5: [scenario x] max_distance_primary_m"));
	cr_assert(strstr(config_err("[input]\nschools = s.csv\ncompounds = c.csv\n[solve]\n"
	                            "max_moved_pupils = 2.5\n"), "whole number"));
}

/* solver = network with a side row is refused as the file is read, so
 * that check says so too (it said "can be solved", then solve refused). */
Test(config_bad, network_with_a_side_row)
{
	const char *m = config_err(MINIMAL "[policy]\nnear_share_min_junior = 0.5\n"
	                           "[solve]\nsolver = network\n");
	cr_assert(strstr(m, "near_share_min_junior = 0.5") && strstr(m, "solver = network"), "%s", m);
	m = config_err(MINIMAL "[solve]\nsolver = network\n[scenario tight]\n"
	               "near_share_min_primary = 0.3\n");
	cr_assert(strstr(m, "near_share_min_primary = 0.3 ([scenario tight])"), "%s", m);
	/* a scenario is solved against the base plan: the cap applies there */
	m = config_err(MINIMAL "[solve]\nsolver = network\nmax_moved_pupils = 10\n"
	               "[scenario close]\nclose = S01\n");
	cr_assert(strstr(m, "max_moved_pupils = 10 ([scenario close])"), "%s", m);
	/* without a plan to move from, the cap is no row */
	cm_config *cfg = config_ok(MINIMAL "[solve]\nsolver = network\nmax_moved_pupils = 10\n",
	                           "/tmp");
	cm_config_free(cfg);
}

/* A section given twice was merged into the first, and a [scenario NAME]
 * with no key dropped, each without a word (an attack). */
Test(config_bad, sections_once_and_scenarios_with_keys)
{
	const char *m = config_err(MINIMAL "[scenario a]\nclose = S1\n[scenario b]\nclose = S2\n"
	                           "[scenario a]\ndemand_scale = 1.1\n");
	cr_assert(strstr(m, ":8: section [scenario a] is given twice (first at line 4)"), "%s", m);
	/* another section again merges (a key added at the end), each key once */
	cm_config *cfg = config_ok(MINIMAL "[solve]\nmip_gap = 0.01\n[solve]\nnode_limit = 5\n",
	                           "/tmp");
	cr_assert_eq(cfg->solve.node_limit, 5);
	cr_assert_float_eq(cfg->solve.effort, 1, 1e-12); /* the default */
	cm_config_free(cfg);
	cfg = config_ok(MINIMAL "[solve]\neffort = 2.5\n", "/tmp");
	cr_assert_float_eq(cfg->solve.effort, 2.5, 1e-12);
	cm_config_free(cfg);
	m = config_err(MINIMAL "[solve]\nmip_gap = 0.01\n[solve]\nmip_gap = 0.02\n");
	cr_assert(strstr(m, "[solve] mip_gap is given twice"), "%s", m);
	m = config_err(MINIMAL "[scenario a]\n[scenario b]\nclose = S2\n");
	cr_assert(strstr(m, ":4: [scenario a] has no keys"), "%s", m);
	m = config_err(MINIMAL "[scenario b]\nclose = S2\n[scenario last]\n");
	cr_assert(strstr(m, ":6: [scenario last] has no keys"), "%s", m);
	m = config_err(MINIMAL "[scenario a]\n; a comment only\n\n");
	cr_assert(strstr(m, "[scenario a] has no keys"), "%s", m);
	/* a blank before the bracket, and a long name (inih cuts it at 49
	 * bytes: two long names alike at first would be one scenario) */
	cfg = config_ok(MINIMAL "[scenario close-a ]\nclose = S1\n[scenario 关闭城关第一小学并扩建东部]\n"
	                "close = S2\n", "/tmp");
	cr_assert_eq(cfg->n_scenarios, 2);
	cm_config_free(cfg);
	m = config_err(MINIMAL "[scenario 关闭城关第一小学并扩建东部两所小学的方案]\nclose = S1\n");
	cr_assert(strstr(m, ":4: [scenario 关闭城关第一小学并扩建东部两所小学的方案]: a section name is "
	                 "at most 48 bytes"), "%s", m);
}

/* [scenario a] and [scenario  a] (two blanks) were one scenario, merged
 * without a word, both closes applied; [scenario a ] was a scenario "a "
 * written to PLAN-a_.gpkg that --scenario a did not find; [scenario  ]
 * a scenario without a name, written to PLAN-.gpkg (an attack). */
Test(config_bad, a_scenario_name_is_without_the_blanks_around_it)
{
	const char *m = config_err(MINIMAL "[scenario a]\nclose = S1\n[scenario  a]\nclose = S2\n");
	cr_assert(strstr(m, ":6: section [scenario a] is given twice (first at line 4)"), "%s", m);
	m = config_err(MINIMAL "[scenario a]\nclose = S1\n[scenario a\t ]\nclose = S2\n");
	cr_assert(strstr(m, ":6: section [scenario a] is given twice (first at line 4)"), "%s", m);
	m = config_err(MINIMAL "[scenario  ]\nclose = S1\n");
	cr_assert(strstr(m, ":4: [scenario  ]: a scenario needs a name: [scenario NAME]"), "%s", m);
	cm_config *cfg = config_ok(MINIMAL "[scenario  关闭 一小 ]\nclose = S1\n", "/tmp");
	cr_assert_eq(cfg->n_scenarios, 1);
	cr_assert_str_eq(cfg->scenarios[0].name, "关闭 一小");
	cm_config_free(cfg);
}

/* [scenario base] was a second row "base" in the comparison of the
 * scenarios (terminal, PLAN-scenarios.csv, report), the base plan's row
 * above it and nothing to tell the two apart (an attack). */
BAD(a_scenario_named_base, MINIMAL "[scenario Base]\nclose = S1\n", "test.ini:4:",
    "[scenario Base]: 'base' is the base plan's name in the comparison")

/* A scenario's list key with no item (`close =`, the ids forgotten) was
 * a scenario that changed nothing, solved and compared without a word (an
 * attack). */
BAD(an_empty_close, MINIMAL "[scenario x]\nclose =\n", "test.ini:5:", "[scenario x] close is empty")
BAD(an_empty_seats_list, MINIMAL "[scenario x]\nseats_primary = ，、 ,\n", "test.ini:5:",
    "[scenario x] seats_primary is empty")
BAD(an_empty_demand, MINIMAL "[scenario x]\ntitle = t\ndemand = ; all of them\n", "test.ini:6:",
    "[scenario x] demand is empty")
/* an input method's blanks are blanks there too: `close = 　` (U+3000)
 * passed as a list and changed nothing */
BAD(an_empty_close_of_wide_blanks, MINIMAL "[scenario x]\nclose = \xE3\x80\x80\xC2\xA0\n", "test.ini:5:",
    "[scenario x] close is empty")

/* The roads' field names with scenarios: each kept once and freed once
 * (a double free here once; the sanitizer build sees any). */
Test(config, road_fields_with_scenarios)
{
	cm_config *cfg = config_ok("[input]\nschools = s.csv\ncompounds = c.csv\nroads = r.gpkg\n"
	                           "[fields]\nroads.class = 等级\nroads.oneway = 单行\n"
	                           "roads.speed = 限速\n[scenario a]\nclose = S1\n"
	                           "[scenario b]\ndemand_scale = 1.1\n", "/tmp");
	cr_assert_str_eq(cfg->road.class_field, "等级");
	cr_assert_str_eq(cfg->road.oneway_field, "单行");
	cr_assert_str_eq(cfg->road.speed_field, "限速");
	cr_assert_eq(cfg->n_scenarios, 2);
	cm_config_free(cfg);
}

/* Page titles (issue 14): [output] title, a scenario's title, and a
 * scenario without one titled after the base's. */
Test(config, titles)
{
	cm_config *cfg = config_ok(MINIMAL "[scenario close]\nclose = X1\ntitle = 撤并一小\n"
	                                   "[scenario grow]\ndemand_scale = 1.1\n"
	                                   "[output]\ntitle = 桐溪县 2027\n", "/d"), view;
	cr_assert_str_eq(cfg->output.title, "桐溪县 2027");
	cr_assert_str_eq(cfg->scenarios[0].title, "撤并一小");
	cr_assert_str_eq(cfg->scenarios[1].title, "桐溪县 2027 · grow");
	cm_scenario_config(cfg, &cfg->scenarios[0], &view);
	cr_assert_str_eq(view.output.title, "撤并一小");
	cm_config_free(cfg);
	cfg = config_ok(MINIMAL "[scenario grow]\ndemand_scale = 1.1\n", "/d");
	cr_assert_null(cfg->output.title, "no title: the maps say the name");
	cr_assert_null(cfg->scenarios[0].title);
	cm_config_free(cfg);
}

/* ------------------------------------------------------------ cm_config_set */

/* Keys of every section, as an embedder would set them one by one. */
static const char *const set_keys[][3] = {
	{"input", "schools", "s.gpkg"},
	{"input", "compounds", "c.gpkg"},
	{"input", "compounds_layer", "小区"},
	{"input", "encoding", "GBK"},
	{"input", "source_crs", "EPSG:4490"},
	{"input", "coordinates", "gcj02"},
	{"input", "crs", "EPSG:4547"},
	{"input", "repair_geometry", "yes"},
	{"input", "boundary", "b.geojson"},
	{"input", "previous_plan", "last.gpkg"},
	{"fields", "schools.id", "学校代码"},
	{"fields", "name", "名称"},
	{"fields", "level.primary", "村小, 完小"},
	{"fields", "roads.class", "fclass"},
	{"policy", "migrant_public_share", "0.9"},
	{"policy", "max_distance_primary_m", "3000"},
	{"policy", "class_size_primary", "40"},
	{"policy", "enforce_school_size", "yes"},
	{"solve", "assignment", "split"},
	{"solve", "mip_gap", "0.01"},
	{"solve", "solver", "glpk"},
	{"solve", "max_moved_pupils", "100"},
	{"solve", "first_plan", "dive"},
	{"solve", "effort", "2.5"},
	{"output", "format", "shp"},
	{"output", "headers", "en"},
	{"output", "csv_bom", "no"},
	{"output", "title", "桐溪"},
	{"output", "name", "test"},
	{"roads", "mode", "drive"},
	{"roads", "speed_kmh", "expressway:80, local:30"},
	{"roads", "walk_kmh", "5"},
};
#define N_SET_KEYS (sizeof set_keys / sizeof *set_keys)

static int same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static void assert_same_input(const cm_input *a, const cm_input *b, const char *what)
{
	cr_assert(same_str(a->path, b->path), "%s path: %s / %s", what, a->path, b->path);
	cr_assert(same_str(a->layer, b->layer), "%s layer", what);
	cr_assert(same_str(a->where, b->where), "%s where", what);
	cr_assert(same_str(a->encoding, b->encoding), "%s encoding: %s / %s", what, a->encoding,
	          b->encoding);
	cr_assert(same_str(a->source_crs, b->source_crs), "%s source_crs", what);
	cr_assert_eq(a->coordinates, b->coordinates, "%s coordinates", what);
	for (int f = 0; f < CM_NFIELDS; f++)
		cr_assert(same_str(a->field[f], b->field[f]), "%s field %s: %s / %s", what,
		          cm_field_name((cm_field)f), a->field[f], b->field[f]);
}

/* Issue 15: cm_config_set sets a key as the file's line does: the same
 * values everywhere the configuration holds them. */
Test(config, set_matches_the_file)
{
	char *text = NULL;
	const char *section = NULL;
	size_t len = 0, k;
	FILE *fp = open_memstream(&text, &len);
	cm_config *a, *b;
	cm_ctx *ctx;
	for (k = 0; k < N_SET_KEYS; k++) {
		if (!section || strcmp(section, set_keys[k][0]))
			fprintf(fp, "[%s]\n", section = set_keys[k][0]);
		fprintf(fp, "%s = %s\n", set_keys[k][1], set_keys[k][2]);
	}
	fclose(fp);
	a = config_ok(text, "/data/county");
	cr_assert_eq(cm_ctx_new(&ctx), 0);
	cr_assert_eq(cm_config_new(ctx, "/data/county/test.ini", &b), 0);
	for (k = 0; k < N_SET_KEYS; k++)
		cr_assert_eq(cm_config_set(ctx, b, set_keys[k][0], set_keys[k][1], set_keys[k][2]), 0,
		             "[%s] %s: %s", set_keys[k][0], set_keys[k][1], cm_ctx_last_error(ctx));

	for (int i = 0; i < CM_NLAYERS; i++)
		assert_same_input(&a->input[i], &b->input[i], i ? "compounds" : "schools");
	assert_same_input(&a->boundary, &b->boundary, "boundary");
	assert_same_input(&a->previous, &b->previous, "previous");
	cr_assert_str_eq(b->input[CM_SCHOOLS].path, "/data/county/s.gpkg");
	cr_assert_str_eq(b->input[CM_COMPOUNDS].encoding, "GBK");
	cr_assert_eq(b->input[CM_SCHOOLS].coordinates, CM_COORDS_GCJ02);
	cr_assert(same_str(a->crs, b->crs) && a->repair_geometry == b->repair_geometry);
	cr_assert(same_str(a->values.level[0], b->values.level[0]));
	cr_assert(same_str(a->road.class_field, b->road.class_field));
	cr_assert_eq(memcmp(&a->policy, &b->policy, sizeof a->policy), 0, "[policy] differs");
	cr_assert_eq(b->policy.class_size[CM_PRIMARY], 40);
	cr_assert_eq(a->solve.assignment, b->solve.assignment);
	cr_assert_eq(b->solve.assignment, CM_ASSIGN_SPLIT);
	cr_assert_float_eq(a->solve.mip_gap, b->solve.mip_gap, 0);
	cr_assert_eq(a->solve.solver, b->solve.solver);
	cr_assert_eq(a->solve.max_moved_pupils, b->solve.max_moved_pupils);
	cr_assert(same_str(a->solve.first_plan, b->solve.first_plan));
	cr_assert_float_eq(a->solve.effort, b->solve.effort, 0);
	cr_assert_float_eq(b->solve.effort, 2.5, 0);
	cr_assert(same_str(a->output.format, b->output.format));
	cr_assert(same_str(a->output.headers, b->output.headers));
	cr_assert_eq(a->output.csv_bom, b->output.csv_bom);
	cr_assert(same_str(a->output.title, b->output.title));
	cr_assert(same_str(a->name, b->name));
	cr_assert_eq(a->road.mode, b->road.mode);
	cr_assert(same_str(a->road.speed_kmh, b->road.speed_kmh));
	cr_assert_float_eq(a->road.walk_kmh, b->road.walk_kmh, 0);
	cm_config_free(a);
	cm_config_free(b);
	cm_ctx_free(ctx);
	free(text);
}

/* A key the file would refuse, cm_config_set refuses with the file's words
 * (no line: there is none), and the configuration is as it was. */
Test(config, set_refuses_what_the_file_refuses)
{
	static const char *const bad[][4] = {
		{"policy", "speed", "3", "unknown key 'speed' in [policy]; known keys: "
		                         "migrant_public_share, max_distance_primary_m"},
		{"policy", "migrant_public_share", "2",
		 "[policy] migrant_public_share = 2: must be between 0 and 1"},
		{"policy", "class_size_primary", "40.5",
		 "[policy] class_size_primary = 40.5: must be a whole number"},
		{"solve", "assignment", "sometimes",
		 "[solve] assignment = 'sometimes': must be single or split"},
		{"output", "format", "kml", "[output] format = 'kml': must be one of gpkg,shp,geojson,csv"},
		{"input", "coordinates", "mars", "[input] coordinates = 'mars': must be wgs84, gcj02 or bd09"},
		{"input", "schools_colour", "red", "unknown key 'schools_colour' in [input]"},
		{"fields", "schools.colour", "颜色", "unknown key 'schools.colour' in [fields]"},
		{"polcy", "mip_gap", "0.1", "key 'mip_gap' in unknown section [polcy]"},
		{"scenario close", "close", "S1", "[scenario close] close: scenarios come from a "
		                                  "scenario file"},
	};
	cm_config *cfg, before;
	cm_ctx *ctx;
	size_t k;
	cr_assert_eq(cm_ctx_new(&ctx), 0);
	cr_assert_eq(cm_config_new(ctx, NULL, &cfg), 0);
	cr_assert_str_eq(cfg->name, "scenario");
	cr_assert_eq(cm_config_set(ctx, cfg, "input", "distances", "/data/od.csv"), 0);
	before = *cfg;
	for (k = 0; k < sizeof bad / sizeof *bad; k++) {
		cr_assert_eq(cm_config_set(ctx, cfg, bad[k][0], bad[k][1], bad[k][2]), CM_EINPUT,
		             "[%s] %s = %s was taken", bad[k][0], bad[k][1], bad[k][2]);
		cr_assert(strstr(cm_ctx_last_error(ctx), bad[k][3]) == cm_ctx_last_error(ctx),
		          "[%s] %s: %s", bad[k][0], bad[k][1], cm_ctx_last_error(ctx));
		cr_assert_eq(memcmp(cfg, &before, sizeof before), 0, "[%s] %s changed the configuration",
		             bad[k][0], bad[k][1]);
	}
	/* distances and roads exclude each other: the second is refused */
	cr_assert_eq(cm_config_set(ctx, cfg, "input", "roads", "/data/roads.shp"), CM_EINPUT);
	cr_assert(strstr(cm_ctx_last_error(ctx), "both distances and roads"), "%s",
	          cm_ctx_last_error(ctx));
	cr_assert_null(cfg->roads.path);
	cr_assert_str_eq(cfg->distances.path, "/data/od.csv");
	cm_config_free(cfg);
	cm_ctx_free(ctx);
}

/* A configuration built key by key loads and checks like a file's; without
 * its layers the load says which key is missing. */
Test(config, set_then_load)
{
	cm_config *cfg;
	cm_dataset *ds = NULL;
	cm_check_report rep;
	cm_ctx *ctx;
	char schools[1024];
	cr_assert_eq(cm_ctx_new(&ctx), 0);
	cr_assert_eq(cm_config_new(ctx, "tiny", &cfg), 0);
	cr_assert_eq(cm_dataset_load(ctx, cfg, &ds), CM_EINPUT);
	cr_assert_null(ds);
	cr_assert(strstr(cm_ctx_last_error(ctx), "tiny: [input] schools is missing"), "%s",
	          cm_ctx_last_error(ctx));
	snprintf(schools, sizeof schools, "%s", fixture("schools.geojson"));
	cr_assert_eq(cm_config_set(ctx, cfg, "input", "schools", schools), 0, "%s",
	             cm_ctx_last_error(ctx));
	cr_assert_eq(cm_config_set(ctx, cfg, "input", "compounds", fixture("compounds.geojson")), 0,
	             "%s", cm_ctx_last_error(ctx));
	cr_assert_eq(cm_dataset_load(ctx, cfg, &ds), 0, "%s", cm_ctx_last_error(ctx));
	cr_assert_eq(cm_check(ctx, cfg, ds, &rep), 0);
	cr_assert(rep.solvable);
	cm_dataset_free(ds);
	cm_config_free(cfg);
	cm_ctx_free(ctx);
}
