/* test_read.c: every input format, field and value mapping, encodings and
 * CRS handling, through the public loading call. */
#define _GNU_SOURCE
#include "helpers.h"
#include "../src/internal.h"

#include <criterion/criterion.h>
#include <gdal.h>
#include <ogr_api.h>
#include <sys/stat.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *ini_for(const char *schools, const char *compounds, const char *extra)
{
	return scenario_text(schools, compounds, extra);
}

/* The fixtures' geometry in a GeoJSON pair: the reference the other formats
 * are compared with. */
static cm_dataset *load_geojson(void)
{
	const char *s = "schools.geojson";
	const char *c = "compounds.geojson";
	char *ini = ini_for(s, c, NULL);
	cm_dataset *ds = load_ok(ini, ".", NULL);
	free(ini);
	return ds;
}

Test(read, geojson_points_and_polygons)
{
	cm_dataset *ds = load_geojson();
	const cm_school *s;
	const cm_compound *c;
	cr_assert_eq(cm_dataset_schools(ds, &s), 4);
	cr_assert_eq(cm_dataset_compounds(ds, &c), 4);
	cr_assert(strstr(cm_dataset_crs_name(ds), "EPSG:32649"), "%s", cm_dataset_crs_name(ds));
	cr_assert(strstr(cm_dataset_crs_reason(ds), "UTM"));

	const cm_school *s1 = school_by_id(ds, "S1"), *s2 = school_by_id(ds, "S2");
	const cm_school *s3 = school_by_id(ds, "S3"), *s4 = school_by_id(ds, "S4");
	cr_assert_eq(s1->kind, CM_KIND_PRIMARY);
	cr_assert_eq(s1->seats[CM_PRIMARY], 90);
	cr_assert_eq(s1->seats[CM_JUNIOR], 0);
	cr_assert_eq(s2->kind, CM_KIND_NINE_YEAR);
	cr_assert_eq(s2->seats[CM_JUNIOR], 100);
	cr_assert_eq(s3->sector, CM_PRIVATE);
	cr_assert_eq(s3->purchased[CM_PRIMARY], 20);
	cr_assert_eq(s3->purchased[CM_JUNIOR], 10);
	cr_assert_eq(s4->boarding, 1);
	cr_assert_eq(s4->kind, CM_KIND_JUNIOR);
	/* 0.02 degrees of latitude is 2.2 km. */
	cr_assert_float_eq(hypot(s1->x - s2->x, s1->y - s2->y), 2214, 5);
	cr_assert_float_eq(s1->lon, 113.0, 1e-7);
	cr_assert_float_eq(s1->lat, 24.79, 1e-7);

	const cm_compound *c1 = compound_by_id(ds, "C1"), *c4 = compound_by_id(ds, "C4");
	cr_assert_str_eq(c1->name, "Sunny Garden");
	cr_assert_eq(c1->area, CM_URBAN);
	cr_assert_eq(c4->area, CM_RURAL);
	cr_assert_eq(c1->pupils[CM_PRIMARY][CM_LOCAL], 40);
	cr_assert_eq(c1->pupils[CM_PRIMARY][CM_MIGRANT], 10);
	cr_assert_eq(c1->pupils[CM_JUNIOR][CM_LOCAL], 20);
	cr_assert_eq(c1->pupils[CM_JUNIOR][CM_MIGRANT], 5);
	/* The representative point lies in the polygon; its area is about
	 * 0.004 x 0.004 degrees at 24.79 N. */
	cr_assert(c1->lon > 112.998 && c1->lon < 113.002 && c1->lat > 24.788 && c1->lat < 24.792);
	double expect = 0.004 * 111320 * cos(24.79 * 3.14159265358979 / 180) * 0.004 * 110574;
	cr_assert_float_eq(c1->area_m2, expect, expect * 0.01, "area %.0f vs %.0f", c1->area_m2,
	                   expect);
	cr_assert_eq(cm_dataset_count(ds, CM_ERR), 0);
	cm_dataset_free(ds);
}

Test(read, csv_with_wkt_column_needs_a_declared_crs)
{
	const char *s = "schools.geojson";
	const char *c = "compounds_wkt.csv";
	char *ini = ini_for(s, c, NULL);
	const char *m = load_err(ini, ".");
	cr_assert(strstr(m, "compounds_wkt.csv") && strstr(m, "declares no CRS") &&
	          strstr(m, "source_crs"), "%s", m);
	free(ini);

	ini = ini_for(s, c, "compounds_source_crs = EPSG:4326\n");
	cm_dataset *ds = load_ok(ini, ".", NULL);
	const cm_compound *c3 = compound_by_id(ds, "C3");
	cr_assert_not_null(c3);
	cr_assert_eq(c3->area_m2, 0);
	cr_assert_float_eq(c3->lon, 113.01, 1e-7);
	cr_assert_eq(c3->area, CM_TOWN);
	cr_assert_eq(c3->pupils[CM_PRIMARY][CM_LOCAL], 25);
	cm_dataset_free(ds);
	free(ini);
}

Test(read, csv_chinese_headers_classes_and_values)
{
	const char *s = "schools_cn.csv";
	const char *c = "compounds.geojson";
	char *ini = ini_for(s, c, "schools_source_crs = EPSG:4326\n[policy]\nclass_size_junior = 48\n");
	cm_dataset *ds = load_ok(ini, ".", NULL);
	const cm_school *s1 = school_by_id(ds, "S1"), *s2 = school_by_id(ds, "S2");
	const cm_school *s3 = school_by_id(ds, "S3"), *s4 = school_by_id(ds, "S4");
	cr_assert_not_null(s1);
	cr_assert_str_eq(s1->name, "北城小学");
	cr_assert_eq(s1->kind, CM_KIND_PRIMARY, "完全小学 is a primary school");
	cr_assert_eq(s1->seats[CM_PRIMARY], 90, "2 classes x 45");
	cr_assert_eq(s2->seats[CM_PRIMARY], 45);
	cr_assert_eq(s2->seats[CM_JUNIOR], 96, "2 classes x the configured 48");
	cr_assert_eq(s3->sector, CM_PRIVATE);
	cr_assert_eq(s3->purchased[CM_PRIMARY], 20);
	cr_assert_eq(s4->boarding, 1, "是 means boarding");
	cr_assert_eq(s1->boarding, 0);
	cr_assert_float_eq(s4->lon, 113.1, 1e-7);
	cr_assert_eq(cm_dataset_count(ds, CM_ERR), 0);
	cm_dataset_free(ds);
	free(ini);
}

Test(read, fields_and_values_remapped)
{
	char *dir = tmpdir();
	char *s = write_file(dir, "s.csv",
	                     "编码,校名,类别,性质,容量,X,Y\n"
	                     "A,甲校,小学部,国有,300,113.0,24.79\n"
	                     "B,乙校,中学部,社会力量,200,113.01,24.78\n");
	const char *c = "compounds.geojson";
	char *ini = ini_for(s, c,
	                    "schools_source_crs = EPSG:4326\n"
	                    "[fields]\n"
	                    "schools.id = 编码\nschools.name = 校名\nschools.level = 类别\n"
	                    "schools.sector = 性质\nschools.seats_primary = 容量\n"
	                    "schools.seats_junior = 容量\n"
	                    "level.primary = 小学部\nlevel.junior = 中学部\n"
	                    "sector.public = 国有\nsector.private = 社会力量\n");
	cm_dataset *ds = load_ok(ini, ".", NULL);
	const cm_school *a = school_by_id(ds, "A"), *b = school_by_id(ds, "B");
	cr_assert_not_null(a);
	cr_assert_eq(a->kind, CM_KIND_PRIMARY);
	cr_assert_eq(a->sector, CM_PUBLIC);
	cr_assert_eq(a->seats[CM_PRIMARY], 300);
	cr_assert_eq(b->kind, CM_KIND_JUNIOR);
	cr_assert_eq(b->sector, CM_PRIVATE);
	cr_assert_eq(b->seats[CM_JUNIOR], 200);
	cr_assert_str_eq(a->name, "甲校");
	cm_dataset_free(ds);

	/* Without the value lists the same file is an error that names them. */
	free(ini);
	ini = ini_for(s, c,
	              "schools_source_crs = EPSG:4326\n[fields]\nschools.id = 编码\n"
	              "schools.level = 类别\nschools.sector = 性质\nschools.seats_primary = 容量\n"
	              "schools.seats_junior = 容量\n");
	ds = load_ok(ini, ".", NULL);
	const cm_diag *d = find_diag(ds, "bad-value");
	cr_assert_not_null(d);
	cr_assert_str_eq(d->field, "类别");
	cr_assert(strstr(d->feature, "id A"), "%s", d->feature);
	cr_assert(strstr(d->message, "小学部") && strstr(d->message, "level.primary"), "%s", d->message);
	cm_dataset_free(ds);
	free(ini);
	free(s);
	free(dir);
}

Test(read, geopackage_layers_by_name)
{
	char *dir = tmpdir(), *gpkg, *ini;
	cr_assert(asprintf(&gpkg, "%s/county.gpkg", dir) > 0);
	const char *o1[] = {"-f", "GPKG", "-nln", "schools", NULL};
	const char *o2[] = {"-update", "-nln", "compounds", NULL};
	cr_assert_eq(translate(fixture("schools.geojson"), NULL, gpkg, o1), 0);
	cr_assert_eq(translate(fixture("compounds.geojson"), NULL, gpkg, o2), 0);
	ini = ini_for(gpkg, gpkg, NULL);
	cm_dataset *ds = load_ok(ini, ".", NULL), *ref = load_geojson();
	const cm_compound *c, *rc;
	size_t n = cm_dataset_compounds(ds, &c);
	cr_assert_eq(n, cm_dataset_compounds(ref, &rc));
	for (size_t i = 0; i < n; i++) {
		cr_assert_str_eq(c[i].id, rc[i].id);
		cr_assert_float_eq(c[i].x, rc[i].x, 1e-6);
		cr_assert_float_eq(c[i].area_m2, rc[i].area_m2, 1e-3);
	}
	cm_dataset_free(ds);
	cm_dataset_free(ref);
	free(ini);

	/* A layer that is not there: the message lists those that are. */
	ini = ini_for(gpkg, gpkg, "schools_layer = 学校\n");
	const char *m = load_err(ini, ".");
	cr_assert(strstr(m, "no layer '学校'") && strstr(m, "compounds") && strstr(m, "schools"), "%s", m);
	free(ini);
	free(gpkg);
	free(dir);
}

/* The Chinese CSV as a GBK shapefile, as bureau GIS exports them. */
static char *make_gbk_shapefile(const char *dir)
{
	char *shp;
	cr_assert(asprintf(&shp, "%s/学校.shp", dir) > 0);
	const char *oo[] = {"X_POSSIBLE_NAMES=经度", "Y_POSSIBLE_NAMES=纬度", "KEEP_GEOM_COLUMNS=NO", NULL};
	const char *o[] = {"-f", "ESRI Shapefile", "-lco", "ENCODING=GBK", "-a_srs", "EPSG:4490",
	                   "-select", "学校代码,学校名称,学段,办学性质,小学班数,初中班数,寄宿制", NULL};
	cr_assert_eq(translate(fixture("schools_cn.csv"), oo, shp, o), 0);
	return shp;
}

static void assert_chinese_names(cm_dataset *ds)
{
	const cm_school *s1 = school_by_id(ds, "S1"), *s4 = school_by_id(ds, "S4");
	cr_assert_not_null(s1);
	cr_assert_str_eq(s1->name, "北城小学");
	cr_assert_str_eq(s4->name, "山区寄宿制中学");
	cr_assert_eq(s4->boarding, 1);
	cr_assert_eq(s1->seats[CM_PRIMARY], 90);
}

Test(read, shapefile_gbk_with_cpg)
{
	char *dir = tmpdir(), *shp = make_gbk_shapefile(dir), *cpg, *dbf, *buf;
	size_t len;
	cr_assert(asprintf(&cpg, "%s/学校.cpg", dir) > 0);
	cr_assert(asprintf(&dbf, "%s/学校.dbf", dir) > 0);
	cr_assert_eq(access(cpg, R_OK), 0, "GDAL wrote no .cpg");
	/* The DBF really holds GBK: 北城 is B1 B1 B3 C7. */
	buf = slurp(dbf, &len);
	cr_assert(memmem(buf, len, "\xB1\xB1\xB3\xC7", 4), "the DBF is not GBK");
	free(buf);
	const char *c = "compounds.geojson";
	char *ini = ini_for(shp, c, NULL);
	cm_dataset *ds = load_ok(ini, ".", NULL);
	assert_chinese_names(ds);
	cr_assert(strstr(cm_dataset_source(ds, CM_SCHOOLS), "4490"));
	cm_dataset_free(ds);
	free(ini);
	free(cpg);
	free(dbf);
	free(shp);
	free(dir);
}

/* Excel saves rows it once formatted as commas only (`,,,,,,,,,,`): such a
 * row is a blank line, skipped as GDAL skips a truly blank one, not a
 * school without an id or a place.  A row with one value left is still
 * read, and named. */
Test(read, csv_rows_of_commas_only_are_blank_lines)
{
	char *dir = tmpdir(), *text = slurp(fixture("schools_cn.csv"), NULL), *more, *path, *ini;
	const char *c = "compounds.geojson";
	const cm_diag *d;
	cm_dataset *ds;
	cr_assert(text);
	cr_assert(asprintf(&more, "%s,,,,,,,,,,\n,,,,,,,,,,\n , ,,,,,,,,,\n", text) > 0);
	path = write_file(dir, "schools_commas.csv", more);
	ini = ini_for(path, c, "schools_source_crs = EPSG:4326\n");
	ds = load_ok(ini, ".", NULL);
	d = find_diag(ds, "missing-value");
	cr_assert_null(d, "%s: %s", d ? d->feature : "", d ? d->message : "");
	cr_assert_null(find_diag(ds, "empty-geometry"));
	cr_assert_eq(cm_dataset_count(ds, CM_ERR), 0);
	cr_assert_eq(cm_dataset_schools(ds, &(const cm_school *){NULL}), 4);
	cm_dataset_free(ds);
	free(ini);
	free(path);
	free(more);
	/* one value left in the row: a feature, with its errors */
	cr_assert(asprintf(&more, "%s,,,,,,,,,113.0,\n", text) > 0);
	path = write_file(dir, "schools_one.csv", more);
	ini = ini_for(path, c, "schools_source_crs = EPSG:4326\n");
	ds = load_ok(ini, ".", NULL);
	cr_assert_not_null(find_diag(ds, "missing-value"), "a row with a longitude is not blank");
	cm_dataset_free(ds);
	free(ini);
	free(path);
	free(more);
	free(text);
	free(dir);
}

Test(read, shapefile_gbk_declared_by_nothing)
{
	char *dir = tmpdir(), *shp = make_gbk_shapefile(dir), *cpg, *dbf;
	FILE *fp;
	cr_assert(asprintf(&cpg, "%s/学校.cpg", dir) > 0);
	cr_assert(asprintf(&dbf, "%s/学校.dbf", dir) > 0);
	unlink(cpg);
	/* Clear the DBF's language driver byte: nothing declares the encoding. */
	fp = fopen(dbf, "r+b");
	cr_assert(fp);
	fseek(fp, 29, SEEK_SET);
	fputc(0, fp);
	fclose(fp);
	const char *c = "compounds.geojson";

	char *ini = ini_for(shp, c, NULL);
	const char *m = load_err(ini, ".");
	/* the layer's own key: `encoding` would recode the UTF-8 compounds too */
	cr_assert(strstr(m, "学校.shp") && strstr(m, "not UTF-8") &&
	          strstr(m, "set schools_encoding = GBK"), "%s", m);
	free(ini);

	ini = ini_for(shp, c, "schools_encoding = GBK\n");
	cm_dataset *ds = load_ok(ini, ".", NULL);
	assert_chinese_names(ds);
	cm_dataset_free(ds);
	free(ini);
	free(cpg);
	free(dbf);
	free(shp);
	free(dir);
}

/* A shapefile in UTF-8 (QGIS's default; ogr2ogr -lco ENCODING=UTF-8) cuts
 * a Chinese field name at the DBF's 10 bytes in the middle of its fourth
 * character: 学校代码 is 学校代 and one byte of 码.  That is no GBK file,
 * and the old advice, schools_encoding = GBK, garbled the values and then
 * gave the same advice again, with the key already set. */
Test(read, a_utf8_shapefile_field_name_cut_mid_character)
{
	char *dir = tmpdir(), *shp;
	cr_assert(asprintf(&shp, "%s/utf8.shp", dir) > 0);
	const char *oo[] = {"X_POSSIBLE_NAMES=经度", "Y_POSSIBLE_NAMES=纬度", "KEEP_GEOM_COLUMNS=NO", NULL};
	const char *o[] = {"-f", "ESRI Shapefile", "-lco", "ENCODING=UTF-8", "-a_srs", "EPSG:4490",
	                   "-select", "学校代码,学校名称,学段,办学性质,小学班数,初中班数", NULL};
	cr_assert_eq(translate(fixture("schools_cn.csv"), oo, shp, o), 0);
	char *ini = ini_for(shp, "compounds.geojson", NULL);
	const char *m = load_err(ini, ".");
	cr_assert(strstr(m, "utf8.shp, layer utf8: the field name '学校代...' is UTF-8 cut in the "
	                    "middle of a character") && !strstr(m, "GBK;"), "%s", m);
	free(ini);
	ini = ini_for(shp, "compounds.geojson", "schools_encoding = GBK\n");
	m = load_err(ini, ".");
	cr_assert(strstr(m, "field names are not GBK (schools_encoding") &&
	          !strstr(m, "set schools_encoding = GBK"), "%s", m);
	free(ini);
	free(shp);
	free(dir);
}

Test(read, csv_in_gbk)
{
	char *dir = tmpdir(), *text, *s;
	size_t len;
	text = slurp(fixture("schools_cn.csv"), &len);
	char *gbk = recode(text, "GBK");
	s = write_file(dir, "schools_gbk.csv", gbk);
	const char *c = "compounds.geojson";
	char *ini = ini_for(s, c, "schools_source_crs = EPSG:4326\nencoding = GBK\n");
	cm_dataset *ds = load_ok(ini, ".", NULL);
	assert_chinese_names(ds);
	cr_assert_float_eq(school_by_id(ds, "S4")->lon, 113.1, 1e-7);
	cm_dataset_free(ds);
	free(ini);
	ini = ini_for(s, c, "schools_source_crs = EPSG:4326\n");
	const char *m = load_err(ini, ".");
	cr_assert(strstr(m, "schools_gbk.csv") && strstr(m, "set schools_encoding = GBK"), "%s", m);
	free(ini);
	/* the same file as the compounds: their key */
	ini = ini_for("schools.geojson", s, "compounds_source_crs = EPSG:4326\n");
	m = load_err(ini, ".");
	cr_assert(strstr(m, "schools_gbk.csv") && strstr(m, "set compounds_encoding = GBK"), "%s", m);
	free(ini);
	free(s);
	/* field names in ASCII, a value in GBK: the value's message names the key */
	free(gbk);
	gbk = recode("id,name,level,sector,seats_primary,lon,lat\nS1,北城小学,primary,public,90,113.0,"
	             "24.79\n", "GBK");
	s = write_file(dir, "ascii_head.csv", gbk);
	ini = ini_for(s, c, "schools_source_crs = EPSG:4326\n");
	cm_dataset *bad = load_ok(ini, ".", NULL);
	const cm_diag *d = find_diag(bad, "encoding");
	cr_assert(d && strstr(d->message, "set schools_encoding in [input]"), "%s",
	          d ? d->message : "no encoding diagnostic");
	cm_dataset_free(bad);
	free(ini);
	free(s);
	free(gbk);
	free(text);
	free(dir);
}

Test(crs, projected_data_keeps_its_own_crs)
{
	char *dir = tmpdir(), *gpkg;
	cr_assert(asprintf(&gpkg, "%s/gk.gpkg", dir) > 0);
	const char *o1[] = {"-f", "GPKG", "-nln", "schools", "-t_srs", "EPSG:4547", NULL};
	const char *o2[] = {"-update", "-nln", "compounds", "-t_srs", "EPSG:4547", NULL};
	cr_assert_eq(translate(fixture("schools.geojson"), NULL, gpkg, o1), 0);
	cr_assert_eq(translate(fixture("compounds.geojson"), NULL, gpkg, o2), 0);
	char *ini = ini_for(gpkg, gpkg, NULL);
	cm_dataset *ds = load_ok(ini, ".", NULL), *ref = load_geojson();
	cr_assert(strstr(cm_dataset_crs_name(ds), "EPSG:4547"), "%s", cm_dataset_crs_name(ds));
	cr_assert(strstr(cm_dataset_crs_reason(ds), "own projected"));
	/* Same places, and the same distances to within the two projections'
	 * scale difference (well under 0.1% here). */
	const cm_school *a = school_by_id(ds, "S1"), *b = school_by_id(ds, "S4");
	const cm_school *ra = school_by_id(ref, "S1"), *rb = school_by_id(ref, "S4");
	cr_assert_float_eq(a->lon, ra->lon, 1e-7);
	cr_assert_float_eq(a->lat, ra->lat, 1e-7);
	double d = hypot(a->x - b->x, a->y - b->y), rd = hypot(ra->x - rb->x, ra->y - rb->y);
	cr_assert_float_eq(d, rd, rd * 1e-3, "%f vs %f", d, rd);
	cm_dataset_free(ds);
	cm_dataset_free(ref);
	free(ini);
	free(gpkg);
	free(dir);
}

Test(crs, configured_working_crs)
{
	const char *s = "schools.geojson";
	const char *c = "compounds.geojson";
	char *ini = ini_for(s, c, "crs = EPSG:4547\n");
	cm_dataset *ds = load_ok(ini, ".", NULL);
	cr_assert(strstr(cm_dataset_crs_name(ds), "EPSG:4547"));
	cr_assert(strstr(cm_dataset_crs_reason(ds), "configuration"));
	/* CGCS2000 / 3-degree GK CM 114E: false easting 500 km, 113E is west of it. */
	cr_assert(school_by_id(ds, "S1")->x < 500000 && school_by_id(ds, "S1")->x > 390000);
	cm_dataset_free(ds);
	free(ini);

	ini = ini_for(s, c, "crs = EPSG:4490\n");
	const char *m = load_err(ini, ".");
	cr_assert(strstr(m, "not a projected CRS in metres"), "%s", m);
	free(ini);
	ini = ini_for(s, c, "crs = EPSG:99999999\n");
	m = load_err(ini, ".");
	cr_assert(strstr(m, "not a CRS"), "%s", m);
	free(ini);
}

Test(crs, gcj02_and_bd09_are_undone)
{
	const char *s = "schools_cn.csv";
	const char *c = "compounds.geojson";
	char *ini = ini_for(s, c, "schools_source_crs = EPSG:4326\nschools_coordinates = gcj02\n");
	cm_dataset *ds = load_ok(ini, ".", NULL);
	const cm_school *s4 = school_by_id(ds, "S4");
	double lon, lat;
	cm__gcj02_to_wgs84(113.1, 24.78, &lon, &lat);
	cr_assert_float_eq(s4->lon, lon, 1e-8);
	cr_assert_float_eq(s4->lat, lat, 1e-8);
	/* and the true point maps back onto the web map's */
	double glon, glat;
	cm__wgs84_to_gcj02(s4->lon, s4->lat, &glon, &glat);
	cr_assert_float_eq(glon, 113.1, 1e-8);
	cr_assert_float_eq(glat, 24.78, 1e-8);
	cr_assert(strstr(cm_dataset_source(ds, CM_SCHOOLS), "GCJ-02"));
	/* compounds untouched */
	cr_assert_float_eq(compound_by_id(ds, "C1")->lon, 113.0, 1e-6);
	cm_dataset_free(ds);
	free(ini);

	ini = ini_for(s, c, "schools_source_crs = EPSG:4326\nschools_coordinates = bd09\n");
	ds = load_ok(ini, ".", NULL);
	cm__bd09_to_wgs84(113.1, 24.78, &lon, &lat);
	cr_assert_float_eq(school_by_id(ds, "S4")->lon, lon, 1e-8);
	cr_assert_float_eq(school_by_id(ds, "S4")->lat, lat, 1e-8);
	cm_dataset_free(ds);
	free(ini);
}

Test(crs, web_map_offsets_need_longitude_latitude)
{
	char *dir = tmpdir(), *gpkg;
	cr_assert(asprintf(&gpkg, "%s/gk.gpkg", dir) > 0);
	const char *o1[] = {"-f", "GPKG", "-nln", "schools", "-t_srs", "EPSG:4547", NULL};
	cr_assert_eq(translate(fixture("schools.geojson"), NULL, gpkg, o1), 0);
	const char *c = "compounds.geojson";
	char *ini = ini_for(gpkg, c, "schools_coordinates = gcj02\n");
	const char *m = load_err(ini, ".");
	cr_assert(strstr(m, "gcj02") && strstr(m, "projected"), "%s", m);
	free(ini);
	free(gpkg);
	free(dir);
}

Test(read, stops_with_a_clear_message)
{
	const char *c = "compounds.geojson";
	char *ini = ini_for("/nonexistent/schools.shp", c, NULL);
	const char *m = load_err(ini, ".");
	cr_assert(strstr(m, "/nonexistent/schools.shp") && strstr(m, "does not exist"), "%s", m);
	free(ini);

	char *dir = tmpdir();
	char *junk = write_file(dir, "junk.gpkg", "this is not a GeoPackage\n");
	ini = ini_for(junk, c, NULL);
	m = load_err(ini, ".");
	cr_assert(strstr(m, "junk.gpkg"), "%s", m);
	free(ini);

	char *noid = write_file(dir, "noid.csv", "code,level,seats_primary,lon,lat\nA,primary,45,113,24.79\n");
	ini = ini_for(noid, c, "source_crs = EPSG:4326\n");
	m = load_err(ini, ".");
	cr_assert(strstr(m, "noid.csv") && strstr(m, "no id field") && strstr(m, "code"), "%s", m);
	free(ini);

	ini = ini_for(noid, c, "source_crs = EPSG:4326\n[fields]\nschools.id = 学校代码\n");
	m = load_err(ini, ".");
	cr_assert(strstr(m, "no field '学校代码'") && strstr(m, "schools.id"), "%s", m);
	free(ini);

	char *empty = write_file(dir, "empty.csv", "");
	ini = ini_for(empty, c, "source_crs = EPSG:4326\n");
	m = load_err(ini, ".");
	cr_assert(strstr(m, "empty.csv") && strstr(m, "the file is empty"), "%s", m);
	free(ini);
	free(empty);
	/* a GeoJSON without features has no fields either: it said "no field
	 * ...; its fields: (none)" (an attack) */
	empty = write_file(dir, "nofeat.geojson", "{\"type\": \"FeatureCollection\", \"features\": []}");
	ini = ini_for(empty, c, "source_crs = EPSG:4326\n");
	m = load_err(ini, ".");
	cr_assert(strstr(m, "nofeat.geojson") && strstr(m, "the layer has no features"), "%s", m);
	free(ini);
	free(empty);

	char *nogeom = write_file(dir, "nogeom.csv", "id,level,seats_primary\nA,primary,45\n");
	ini = ini_for(nogeom, c, "source_crs = EPSG:4326\n");
	m = load_err(ini, ".");
	cr_assert(strstr(m, "nogeom.csv") && strstr(m, "no geometry"), "%s", m);
	free(ini);

	char *noseats = write_file(dir, "noseats.csv", "id,level,lon,lat\nA,primary,113,24.79\n");
	ini = ini_for(noseats, c, "source_crs = EPSG:4326\n");
	m = load_err(ini, ".");
	cr_assert(strstr(m, "seats_primary") && strstr(m, "classes_primary"), "%s", m);
	free(ini);
	free(noid);
	free(nogeom);
	free(noseats);
	free(junk);
	free(dir);
}

/* An input that is a FIFO would block the open for ever: refused at once,
 * named, for a layer and for the scenario file itself. */
Test(read, a_fifo_is_refused, .timeout = 60)
{
	char *dir = tmpdir(), *fifo, *ini, *args;
	const char *m;
	cr_assert(asprintf(&fifo, "%s/compounds.geojson", dir) > 0);
	cr_assert_eq(mkfifo(fifo, 0600), 0);
	ini = ini_for("schools.geojson", fifo, NULL);
	m = load_err(ini, ".");
	cr_assert(strstr(m, "compounds.geojson") && strstr(m, "FIFO"), "%s", m);
	free(ini);
	free(fifo);
	cr_assert(asprintf(&fifo, "%s/plan.ini", dir) > 0);
	cr_assert_eq(mkfifo(fifo, 0600), 0);
	cr_assert(asprintf(&args, "check %s", fifo) > 0);
	cr_assert_eq(run_cli(args, &m), 1, "%s", m);
	cr_assert(strstr(m, "plan.ini") && strstr(m, "FIFO"), "%s", m);
	free(args);
	free(fifo);
	free(dir);
}

/* `text` (ASCII) written as UTF-16LE, with or without its byte-order
 * mark, into dir/name. */
static char *write_utf16(const char *dir, const char *name, const char *text, int bom)
{
	char *path;
	FILE *fp;
	cr_assert(asprintf(&path, "%s/%s", dir, name) > 0);
	cr_assert(fp = fopen(path, "wb"));
	if (bom)
		fputs("\xFF\xFE", fp);
	for (; *text; text++) {
		fputc(*text, fp);
		fputc(0, fp);
	}
	cr_assert_eq(fclose(fp), 0);
	return path;
}

/* Excel's "Unicode Text" and "CSV UTF-16" (UTF-16, with or without a
 * byte-order mark) were "GDAL opens no CSV of a single column (a
 * boundary's WKT alone): add a second column", or as a distance table "no
 * such file, or not a table GDAL reads", of a file there (a fresh-eyes
 * attack); and a table saved as .txt (Excel's "Text (Tab delimited)") was
 * "not a vector data source GDAL can read".  Each says what the file is. */
Test(read, a_table_in_utf16_or_saved_as_text_says_so)
{
	static const char comp[] = "id,name,primary_local,primary_migrant,x,y\n"
	                           "C1,a,10,0,113.0,24.78\n";
	char *dir = tmpdir(), *f[4], *ini, *extra;
	const char *m;
	int k;
	f[0] = write_utf16(dir, "c16.csv", comp, 1);
	f[1] = write_utf16(dir, "c16n.csv", comp, 0);
	f[2] = write_file(dir, "c.txt", comp);
	for (k = 0; k < 3; k++) {
		ini = ini_for("schools.geojson", f[k], "source_crs = EPSG:4326\n");
		m = load_err(ini, dir);
		cr_assert(strstr(m, f[k]) && strstr(m, k < 2 ? "is UTF-16" : "a table saved as text?"),
		          "%s", m);
		free(ini);
	}
	f[3] = write_utf16(dir, "d16.csv", "compound_id,school_id,metres\nC1,S1,100\n", 1);
	cr_assert(asprintf(&extra, "distances = %s\n", f[3]) > 0);
	ini = ini_for("schools.geojson", "compounds.geojson", extra);
	m = load_err(ini, dir);
	cr_assert(strstr(m, "d16.csv: cannot open the distance table") && strstr(m, "is UTF-16"), "%s",
	          m);
	free(ini);
	free(extra);
	/* last year's plan, a bare table saved as UTF-16 */
	{
		cm_config *cfg;
		cm_ctx *ctx;
		cm_dataset *ds;
		cm_previous *prev = NULL;
		char *p16 = write_utf16(dir, "p16.csv", "compound_id,level,school_id\nC1,primary,S1\n", 1);
		cr_assert(asprintf(&extra, "previous_plan = %s\n", p16) > 0);
		ini = ini_for("schools.geojson", "compounds.geojson", extra);
		ds = load_ok(ini, dir, &cfg);
		cm_ctx_new(&ctx);
		cr_assert_neq(cm_previous_load(ctx, cfg, ds, &prev), 0);
		m = cm_ctx_last_error(ctx);
		cr_assert(strstr(m, "p16.csv: cannot open last year's plan") && strstr(m, "is UTF-16"),
		          "%s", m);
		cm_ctx_free(ctx);
		cm_dataset_free(ds);
		cm_config_free(cfg);
		free(ini);
		free(extra);
		free(p16);
	}
	for (k = 0; k < 4; k++)
		free(f[k]);
	free(dir);
}

/* Headers with blanks around them that GDAL leaves (an ideographic space
 * U+3000 or a no-break space U+00A0, as a Chinese spreadsheet saves them:
 * GDAL trims only ASCII ones) were "no field '学校代码'; its fields: 学校代码　,
 * ...", two names that look the same, or no id field at all (a fresh-eyes
 * attack).  Names match without them, as values do; so do a distance
 * table's. */
Test(read, field_names_match_without_wide_blanks_around_them)
{
	char *dir = tmpdir(), *c, *d, *ini, *extra;
	cm_dataset *ds;
	c = write_file(dir, "c.csv", "小区代码\xE3\x80\x80,\xC2\xA0小学户籍,小学随迁\xE3\x80\x80,x,y\n"
	                              "C1,10,2,113.0,24.78\n");
	d = write_file(dir, "d.csv", "compound_id\xE3\x80\x80,school_id,\xE3\x80\x80metres\n"
	                              "C1,S1,100\n");
	/* the built-in names */
	ini = ini_for("schools.geojson", c, "compounds_source_crs = EPSG:4326\n");
	ds = load_ok(ini, dir, NULL);
	cr_assert_eq(ds->n_compounds, 1);
	cr_assert_str_eq(ds->compounds[0].id, "C1");
	cr_assert_eq(ds->compounds[0].pupils[CM_PRIMARY][CM_LOCAL], 10);
	cr_assert_eq(ds->compounds[0].pupils[CM_PRIMARY][CM_MIGRANT], 2);
	cm_dataset_free(ds);
	free(ini);
	/* names given in [fields], and the distance table's */
	cr_assert(asprintf(&extra, "compounds_source_crs = EPSG:4326\ndistances = %s\n[fields]\n"
	                           "compounds.id = 小区代码\ncompounds.primary_local = 小学户籍\n", d) > 0);
	ini = ini_for("schools.geojson", c, extra);
	ds = load_ok(ini, dir, NULL);
	cr_assert_str_eq(ds->compounds[0].id, "C1");
	cr_assert_eq(ds->compounds[0].pupils[CM_PRIMARY][CM_LOCAL], 10);
	cm_dataset_free(ds);
	free(ini);
	free(extra);
	free(c);
	free(d);
	free(dir);
}

Test(read, representative_point_inside_concave_polygon)
{
	char *dir = tmpdir();
	/* A U shape whose centroid falls in the gap between its arms. */
	char *c = write_file(dir, "u.geojson",
		"{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":"
		"{\"id\":\"U\",\"primary_local\":10},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
		"[[[113.0,24.78],[113.01,24.78],[113.01,24.79],[113.008,24.79],[113.008,24.782],"
		"[113.002,24.782],[113.002,24.79],[113.0,24.79],[113.0,24.78]]]}}]}");
	const char *s = "schools.geojson";
	char *ini = ini_for(s, c, "[fields]\ncompounds.primary_migrant = none\n");
	cm_dataset *ds = load_ok(ini, ".", NULL);
	const cm_compound *u = compound_by_id(ds, "U");
	int in_base = u->lat >= 24.78 && u->lat <= 24.782;
	int in_arm = (u->lon <= 113.002 || u->lon >= 113.008) && u->lat <= 24.79;
	cr_assert(u->lon >= 113.0 && u->lon <= 113.01 && (in_base || in_arm),
	          "point (%f, %f) is outside the U", u->lon, u->lat);
	cm_dataset_free(ds);
	free(ini);
	free(c);
	free(dir);
}

Test(read, where_filter)
{
	const char *s = "schools.geojson";
	const char *c = "compounds.geojson";
	char *ini = ini_for(s, c, "compounds_where = area_type = 'urban'\n");
	cm_dataset *ds = load_ok(ini, ".", NULL);
	const cm_compound *cc;
	cr_assert_eq(cm_dataset_compounds(ds, &cc), 2);
	cr_assert_not_null(compound_by_id(ds, "C1"));
	cr_assert_null(compound_by_id(ds, "C4"));
	cm_dataset_free(ds);
	free(ini);
	ini = ini_for(s, c, "schools_where = no_such_field > 3\n");
	const char *m = load_err(ini, ".");
	cr_assert(strstr(m, "schools_where") && strstr(m, "no_such_field"), "%s", m);
	free(ini);
}

/* A level's local count without its migrant count is a mistyped field name
 * more often than data without migrants: an error naming the missing field
 * and listing the layer's, unless [fields] says none.  A layer with
 * neither field of a level simply has no such pupils. */
Test(read, a_missing_count_field_is_named)
{
	char *dir = tmpdir(), *cp, *ini;
	const char *m;
	cp = write_file(dir, "c.csv", "id,name,primary_local,primary_migrant,junior_local,x,y\n"
	                              "C1,One,10,2,5,116.301,39.901\n");
	ini = ini_for("schools.geojson", cp, "compounds_source_crs = EPSG:4326\n");
	m = load_err(ini, ".");
	cr_assert(strstr(m, "c.csv") && strstr(m, "junior_migrant") && strstr(m, "junior_local") &&
	          strstr(m, "primary_migrant") && strstr(m, "none"), "%s", m);
	free(ini);
	ini = ini_for("schools.geojson", cp, "compounds_source_crs = EPSG:4326\n"
	                                     "[fields]\ncompounds.junior_migrant = none\n");
	cm_dataset *ds = load_ok(ini, ".", NULL);
	int noted = 0;
	for (size_t i = 0; i < cm_dataset_diag_count(ds); i++) {
		const cm_diag *d = cm_dataset_diag(ds, i);
		noted |= !strcmp(d->kind, "missing-field") && d->field &&
		         !strcmp(d->field, "junior_migrant") && d->severity == CM_NOTE;
	}
	cr_assert(noted, "no note for the junior_migrant set to none");
	cm_dataset_free(ds);
	free(ini);
	free(cp);
	cp = write_file(dir, "p.csv", "id,name,primary_local,primary_migrant,x,y\n"
	                              "C1,One,10,2,116.301,39.901\n");
	ini = ini_for("schools.geojson", cp, "compounds_source_crs = EPSG:4326\n");
	ds = load_ok(ini, ".", NULL);
	cm_dataset_free(ds);
	free(ini);
	free(cp);
	free(dir);
}

/* The findings of `kind` about feature `id`, field `field`, whose message
 * holds `text`. */
static int count_about(const cm_dataset *ds, const char *kind, const char *id, const char *field,
                       const char *text)
{
	int n = 0;
	for (size_t i = 0; i < cm_dataset_diag_count(ds); i++) {
		const cm_diag *d = cm_dataset_diag(ds, i);
		char label[64];
		snprintf(label, sizeof label, "(id %s)", id);
		n += !strcmp(d->kind, kind) && d->feature && strstr(d->feature, label) && d->field &&
		     !strcmp(d->field, field) && d->message && strstr(d->message, text) &&
		     d->file && d->layer && d->severity == CM_ERR;
	}
	return n;
}

/* NaN or infinite coordinates were reported as "no geometry" (the CSV
 * driver dropped the point): now an error naming the file, layer, feature
 * and field, saying the coordinate is not a finite number; hexadecimal is
 * not a decimal number.  A blank coordinate is still no geometry. */
Test(read, coordinates_that_are_not_finite)
{
	char *dir = tmpdir();
	char *sp = write_file(dir, "s.csv",
	                      "id,level,seats_primary,lon,lat\n"
	                      "OK,primary,45,113.0,24.79\n"
	                      "N,primary,45,nan,24.79\n"
	                      "I,primary,45,113.0,-Infinity\n"
	                      "E,primary,45,1e999,24.79\n"
	                      "H,primary,45,0x71,24.79\n"
	                      "B,primary,45,,24.79\n");
	char *cp = write_file(dir, "c.csv",
	                      "id,primary_local,primary_migrant,wkt\n"
	                      "C1,10,1,POINT (113.0 24.79)\n"
	                      "C2,10,1,POINT (NaN 24.79)\n"
	                      "C3,10,1,\"POLYGON ((113 24.7,113.1 24.7,113.1 inf,113 24.7))\"\n"
	                      "C4,10,1,POINT (113.0\n"
	                      "C5,10,1,\n");
	char *ini = ini_for(sp, cp, "source_crs = EPSG:4326\n");
	cm_dataset *ds = load_ok(ini, ".", NULL);
	const cm_school *s;
	const cm_compound *c;
	cr_assert_eq(cm_dataset_schools(ds, &s), 1);
	cr_assert_eq(cm_dataset_compounds(ds, &c), 1);
	cr_assert_eq(count_about(ds, "bad-geometry", "N", "lon", "'nan' is not a finite number"), 1);
	cr_assert_eq(count_about(ds, "bad-geometry", "I", "lat", "'-Infinity' is not a finite number"),
	             1);
	cr_assert_eq(count_about(ds, "bad-geometry", "E", "lon", "'1e999' is not a finite number"), 1);
	cr_assert_eq(count_about(ds, "bad-geometry", "H", "lon", "'0x71' is not a decimal number"), 1);
	cr_assert_eq(count_about(ds, "empty-geometry", "B", "lon", "no coordinate"), 1);
	cr_assert_eq(count_about(ds, "bad-geometry", "C2", "wkt", "not a finite number"), 1);
	cr_assert_eq(count_about(ds, "bad-geometry", "C3", "wkt", "not a finite number"), 1);
	cr_assert_eq(count_about(ds, "bad-geometry", "C4", "wkt", "not a WKT geometry"), 1);
	cr_assert_eq(count_about(ds, "empty-geometry", "C5", "wkt", "no geometry"), 1);
	cr_assert_eq(count_diag(ds, "empty-geometry"), 2, "only the blank ones have no geometry");
	cr_assert_eq(cm_dataset_count(ds, CM_ERR), 9);
	cm_dataset_free(ds);
	free(ini);
	free(sp);
	free(cp);
	free(dir);
}

/* The same through drivers with geometry of their own: GeoJSON's NaN and
 * Infinity (GDAL makes a point with one NaN an empty one), a GeoPackage
 * polygon with a NaN vertex (an envelope would not see it). */
Test(read, geometries_that_are_not_finite)
{
	char *dir = tmpdir(), *gpkg;
	char *sp = write_file(dir, "s.geojson",
		"{\"type\":\"FeatureCollection\",\"features\":["
		"{\"type\":\"Feature\",\"properties\":{\"id\":\"OK\",\"level\":\"primary\","
		"\"seats_primary\":45},\"geometry\":{\"type\":\"Point\",\"coordinates\":[113.0,24.79]}},"
		"{\"type\":\"Feature\",\"properties\":{\"id\":\"N\",\"level\":\"primary\","
		"\"seats_primary\":45},\"geometry\":{\"type\":\"Point\",\"coordinates\":[NaN,24.79]}},"
		"{\"type\":\"Feature\",\"properties\":{\"id\":\"I\",\"level\":\"primary\","
		"\"seats_primary\":45},\"geometry\":{\"type\":\"Point\",\"coordinates\":[113.0,Infinity]}}"
		"]}");
	char *cp = write_file(dir, "c.geojson",
		"{\"type\":\"FeatureCollection\",\"features\":["
		"{\"type\":\"Feature\",\"properties\":{\"id\":\"C1\",\"primary_local\":10,"
		"\"primary_migrant\":0},\"geometry\":{\"type\":\"Point\",\"coordinates\":[113.0,24.79]}},"
		"{\"type\":\"Feature\",\"properties\":{\"id\":\"C2\",\"primary_local\":10,"
		"\"primary_migrant\":0},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
		"[[[113.0,24.78],[113.01,24.78],[113.01,NaN],[113.0,24.78]]]}}]}");
	const char *opts[] = {"-f", "GPKG", NULL};
	cr_assert(asprintf(&gpkg, "%s/c.gpkg", dir) > 0);
	cr_assert_eq(translate(cp, NULL, gpkg, opts), 0);
	char *ini = ini_for(sp, gpkg, NULL);
	cm_dataset *ds = load_ok(ini, ".", NULL);
	cr_assert_eq(count_about(ds, "bad-geometry", "N", "geometry", "not a finite number"), 1);
	cr_assert_eq(count_about(ds, "bad-geometry", "I", "geometry", "not a finite number"), 1);
	cr_assert_eq(count_about(ds, "bad-geometry", "C2", "geom", "not a finite number"), 1);
	cr_assert_eq(count_diag(ds, "empty-geometry"), 0);
	cr_assert_eq(cm_dataset_count(ds, CM_ERR), 3);
	cm_dataset_free(ds);
	free(ini);
	free(sp);
	free(cp);
	free(gpkg);
	free(dir);
}

/* A GeoJSON of points in `dir` (c.geojson): feature k has the properties
 * props[k] (JSON members, without the braces) at (113.0 + 0.01 k, 24.78);
 * `head` (a crs member and a comma, or "") goes before the features. */
static char *points_geojson(const char *dir, const char *head, const char *const *props, int n)
{
	char *buf = NULL, *path;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	cr_assert_not_null(fp);
	fprintf(fp, "{\"type\":\"FeatureCollection\",%s\"features\":[", head);
	for (int k = 0; k < n; k++)
		fprintf(fp, "%s{\"type\":\"Feature\",\"properties\":{%s},\"geometry\":{\"type\":"
		            "\"Point\",\"coordinates\":[%.2f,24.78]}}",
		        k ? "," : "", props[k], 113.0 + 0.01 * k);
	fputs("]}", fp);
	fclose(fp);
	path = write_file(dir, "c.geojson", buf);
	free(buf);
	return path;
}

/* One feature's list in a GeoJSON makes GDAL type the whole field a list:
 * every feature was a bad-type error; now only the one with a list is,
 * and the others are read. */
Test(read, a_list_in_one_feature_is_that_features_error)
{
	char *dir = tmpdir();
	static const char *const numbers[] = {
		"\"id\":\"C1\",\"primary_local\":10,\"primary_migrant\":0",
		"\"id\":\"C2\",\"primary_local\":[1,2],\"primary_migrant\":0"};
	static const char *const texts[] = {
		"\"id\":\"C1\",\"primary_local\":10,\"primary_migrant\":0",
		"\"id\":\"C2\",\"primary_local\":[\"7\"],\"primary_migrant\":0",
		"\"id\":\"C3\",\"primary_local\":[\"a\",\"b\"],\"primary_migrant\":0"};
	static const char *const ids[] = {
		"\"id\":\"C1\",\"primary_local\":10,\"primary_migrant\":0",
		"\"id\":[\"C2\",\"C3\"],\"primary_local\":5,\"primary_migrant\":0"};
	char *cp = points_geojson(dir, "", numbers, 2);
	char *ini = ini_for("schools.geojson", cp, NULL);
	cm_dataset *ds = load_ok(ini, ".", NULL);
	const cm_compound *c;
	cr_assert_eq(count_about(ds, "bad-value", "C2", "primary_local", "a list of 2 values"), 1);
	cr_assert_eq(count_about(ds, "bad-type", "C1", "primary_local", ""), 0);
	cr_assert_eq(cm_dataset_compounds(ds, &c), 1);
	cr_assert_eq(c[0].pupils[CM_PRIMARY][CM_LOCAL], 10);
	cm_dataset_free(ds);
	free(ini);
	free(cp);
	/* a list of text: GDAL types the field a list of strings; a one-value
	 * list of a number is read, a longer one is that feature's error */
	cp = points_geojson(dir, "", texts, 3);
	ini = ini_for("schools.geojson", cp, NULL);
	ds = load_ok(ini, ".", NULL);
	cr_assert_eq(count_about(ds, "bad-value", "C3", "primary_local", "a list of 2 values"), 1);
	cr_assert_eq(cm_dataset_compounds(ds, &c), 2);
	cr_assert_eq(c[0].pupils[CM_PRIMARY][CM_LOCAL], 10);
	cr_assert_eq(c[1].pupils[CM_PRIMARY][CM_LOCAL], 7);
	cm_dataset_free(ds);
	free(ini);
	free(cp);
	/* a list of ids in one feature: the others' ids read as they are (they
	 * read as "(1:C1)"), that feature an error */
	cp = points_geojson(dir, "", ids, 2);
	ini = ini_for("schools.geojson", cp, NULL);
	ds = load_ok(ini, ".", NULL);
	cr_assert_eq(cm_dataset_compounds(ds, &c), 1);
	cr_assert_str_eq(c[0].id, "C1");
	{
		int lists = 0;
		for (size_t k = 0; k < cm_dataset_diag_count(ds); k++) {
			const cm_diag *dg = cm_dataset_diag(ds, k);
			lists += !strcmp(dg->kind, "bad-value") && dg->severity == CM_ERR && dg->field &&
			         !strcmp(dg->field, "id") && strstr(dg->message, "a list of values");
		}
		cr_assert_eq(lists, 1);
	}
	cm_dataset_free(ds);
	free(ini);
	free(cp);
	free(dir);
}

/* A GeoJSON naming a CRS PROJ does not know was read as WGS 84, without a
 * word (GDAL's "crs not found" swallowed): an error naming the file and
 * the key that overrides it; with that key, it reads. */
Test(read, a_crs_gdal_does_not_know_is_an_error)
{
	char *dir = tmpdir();
	static const char *const one[] = {
		"\"id\":\"C1\",\"primary_local\":10,\"primary_migrant\":0"};
	char *cp = points_geojson(dir,
	                          "\"crs\":{\"type\":\"name\",\"properties\":"
	                          "{\"name\":\"urn:ogc:def:crs:EPSG::999999\"}},",
	                          one, 1);
	char *ini = ini_for("schools.geojson", cp, NULL);
	const char *m = load_err(ini, ".");
	cr_assert(strstr(m, "c.geojson") && strstr(m, "names a CRS that GDAL does not know") &&
	          strstr(m, "compounds_source_crs"), "%s", m);
	free(ini);
	ini = ini_for("schools.geojson", cp, "compounds_source_crs = EPSG:4326\n");
	cm_dataset_free(load_ok(ini, ".", NULL));
	free(ini);
	free(cp);
	free(dir);
}

/* Metres with source_crs = EPSG:4326 and no [input] crs: every feature of
 * both layers is refused, each a finding naming source_crs; the read goes
 * on so that the check lists them (it stopped at "no features to choose a
 * working CRS from; set [input] crs", which sent a review to the wrong
 * key). */
Test(read, every_feature_refused_for_its_crs_is_listed)
{
	char *dir = tmpdir();
	char *sp = write_file(dir, "s.csv", "id,level,seats_primary,x,y\n"
	                                    "S1,primary,100,500000,2700000\n");
	char *cp = write_file(dir, "c.csv", "id,primary_local,primary_migrant,x,y\n"
	                                    "C1,30,10,500100,2700000\n");
	char *ini = ini_for(sp, cp, "source_crs = EPSG:4326\n");
	cm_dataset *ds = load_ok(ini, ".", NULL);
	cr_assert_eq(count_about(ds, "bad-geometry", "S1", "x", "check source_crs"), 1);
	cr_assert_eq(count_about(ds, "bad-geometry", "C1", "x", "check source_crs"), 1);
	cm_dataset_free(ds);
	free(ini);
	free(sp);
	free(cp);
	free(dir);
}

/* GeoJSON without a crs member is WGS 84 (RFC 7946), so metres in one are
 * not longitude/latitude: the error says why the layer's CRS is WGS 84 and
 * which key names another (it said only "check source_crs").  Not said
 * where the CRS was not GeoJSON's default: a GeoPackage's own, or a
 * source_crs the scenario gives. */
Test(read, geojson_in_metres_without_crs_says_why)
{
	static const char hint[] = "GeoJSON is read as WGS 84 where it has no crs member or names CRS84 (RFC 7946)";
	char *dir = tmpdir(), *gpkg, *ini;
	char *cp = write_file(dir, "c.geojson",
		"{\"type\":\"FeatureCollection\",\"features\":["
		"{\"type\":\"Feature\",\"properties\":{\"id\":\"C1\",\"primary_local\":10,"
		"\"primary_migrant\":0},\"geometry\":{\"type\":\"Point\",\"coordinates\":"
		"[501000,3000000]}}]}");
	const char *opts[] = {"-f", "GPKG", NULL};
	cm_dataset *ds;
	ini = ini_for("schools.geojson", cp, NULL);
	ds = load_ok(ini, ".", NULL);
	cr_assert_eq(count_about(ds, "bad-geometry", "C1", "geometry", hint), 1);
	cr_assert_eq(count_about(ds, "bad-geometry", "C1", "geometry",
	                         "name it with compounds_source_crs in [input]"), 1);
	cm_dataset_free(ds);
	free(ini);
	/* WGS 84 said, not assumed: the message as before */
	ini = ini_for("schools.geojson", cp, "compounds_source_crs = EPSG:4326\n");
	ds = load_ok(ini, ".", NULL);
	cr_assert_eq(count_about(ds, "bad-geometry", "C1", "geometry", "check source_crs"), 1);
	cr_assert_eq(count_about(ds, "bad-geometry", "C1", "geometry", hint), 0);
	cm_dataset_free(ds);
	free(ini);
	cr_assert(asprintf(&gpkg, "%s/c.gpkg", dir) > 0);
	cr_assert_eq(translate(cp, NULL, gpkg, opts), 0);
	ini = ini_for("schools.geojson", gpkg, NULL);
	ds = load_ok(ini, ".", NULL);
	cr_assert_eq(count_about(ds, "bad-geometry", "C1", "geom", "check source_crs"), 1);
	cr_assert_eq(count_about(ds, "bad-geometry", "C1", "geom", hint), 0);
	cm_dataset_free(ds);
	free(ini);
	free(gpkg);
	free(cp);
	free(dir);
}

/* Longitude and latitude swapped (a CSV's 经度 and 纬度 exchanged, or a
 * latitude-first pair copied from a phone map) were "not
 * longitude/latitude ... check source_crs", which sent the planner to the
 * CRS; where the other order would be longitude/latitude, the message asks
 * whether they are swapped.  Metres are not so taken. */
Test(read, swapped_longitude_and_latitude_are_named_so)
{
	static const char hint[] = "are the longitude and the latitude swapped";
	char *dir = tmpdir(), *ini;
	char *cp = write_file(dir, "c.geojson",
		"{\"type\":\"FeatureCollection\",\"features\":["
		"{\"type\":\"Feature\",\"properties\":{\"id\":\"C1\",\"primary_local\":10,"
		"\"primary_migrant\":0},\"geometry\":{\"type\":\"Point\",\"coordinates\":"
		"[24.79,113.01]}},"
		"{\"type\":\"Feature\",\"properties\":{\"id\":\"C2\",\"primary_local\":10,"
		"\"primary_migrant\":0},\"geometry\":{\"type\":\"Point\",\"coordinates\":"
		"[501000,3000000]}}]}");
	cm_dataset *ds;
	ini = ini_for("schools.geojson", cp, NULL);
	ds = load_ok(ini, ".", NULL);
	cr_assert_eq(count_about(ds, "bad-geometry", "C1", "geometry", hint), 1);
	cr_assert_eq(count_about(ds, "bad-geometry", "C2", "geometry", hint), 0);
	cm_dataset_free(ds);
	free(ini);
	free(cp);
	free(dir);
}

/* Blanks around text are Chinese ones too: the ideographic space (U+3000,
 * a Chinese input method's space) and the no-break space (U+00A0, left by
 * Excel and web pages).  An id of ideographic spaces only was an id, and
 * "S2" with one after it another school than last year's "S2"; a level of
 * "小学" with one after it not a level. */
Test(read, ideographic_and_no_break_spaces_are_blanks)
{
	char *dir = tmpdir();
	char *sp = write_file(dir, "s.csv",
	                      "id,name,level,seats_primary,lon,lat\n"
	                      "\xE3\x80\x80\xE3\x80\x80,a,primary,45,113.0,24.79\n"
	                      "S2\xE3\x80\x80,\xC2\xA0" "b\xC2\xA0,\xE5\xB0\x8F\xE5\xAD\xA6"
	                      "\xE3\x80\x80,45,113.01,24.79\n");
	char *ini = ini_for(sp, "compounds.geojson", "schools_source_crs = EPSG:4326\n");
	cm_dataset *ds = load_ok(ini, ".", NULL);
	const cm_diag *d = find_diag(ds, "missing-value");
	cr_assert(d && d->severity == CM_ERR && !strcmp(d->feature, "feature 1") &&
	          !strcmp(d->field, "id") && strstr(d->message, "the id is missing"), "%s",
	          d ? d->message : "none");
	cr_assert_not_null(school_by_id(ds, "S2"));
	cr_assert_str_eq(school_by_id(ds, "S2")->name, "b");
	cr_assert_eq(school_by_id(ds, "S2")->kind, CM_KIND_PRIMARY);
	cm_dataset_free(ds);
	free(ini);
	free(sp);
	free(dir);
}

/* Count fields are decimal: 0x1F was read as 31; a numeric NaN is not a
 * finite number (it was "more than any compound has"). */
Test(read, counts_are_decimal)
{
	char *dir = tmpdir();
	char *sp = write_file(dir, "s.csv",
	                      "id,level,seats_primary,lon,lat\n"
	                      "OK,primary,45,113.0,24.79\n"
	                      "H,primary,0x1F,113.0,24.79\n"
	                      "I,primary,inf,113.0,24.79\n"
	                      "T,primary,45 seats,113.0,24.79\n"
	                      "N,primary,-0.4,113.0,24.79\n"); /* not rounded up to 0 */
	char *cp = write_file(dir, "c.geojson",
		"{\"type\":\"FeatureCollection\",\"features\":["
		"{\"type\":\"Feature\",\"properties\":{\"id\":\"C1\",\"primary_local\":10.0,"
		"\"primary_migrant\":NaN},\"geometry\":{\"type\":\"Point\",\"coordinates\":[113.0,24.79]}}"
		"]}");
	char *ini = ini_for(sp, cp, "schools_source_crs = EPSG:4326\n");
	cm_dataset *ds = load_ok(ini, ".", NULL);
	cr_assert_eq(count_about(ds, "bad-value", "H", "seats_primary",
	                         "'0x1F' is not a decimal number"), 1);
	cr_assert_eq(count_about(ds, "bad-value", "I", "seats_primary",
	                         "'inf' is not a finite number"), 1);
	cr_assert_eq(count_about(ds, "bad-value", "T", "seats_primary",
	                         "'45 seats' is not a decimal number"), 1);
	cr_assert_eq(count_about(ds, "bad-value", "C1", "primary_migrant", "not a finite number"), 1);
	cr_assert_eq(count_about(ds, "negative-value", "N", "seats_primary", "-0.4"), 1);
	cr_assert_null(school_by_id(ds, "H"));
	cm_dataset_free(ds);
	free(ini);
	free(sp);
	free(cp);
	free(dir);
}

/* A shapefile's DBF keeps numbers as text: "abc" in a numeric field was
 * read by GDAL as 0 with a warning on the terminal, a school of 0 seats
 * in the plan.  It is an error naming the feature and the field; a field
 * the engine does not read may hold anything. */
Test(read, text_in_a_numeric_shapefile_field)
{
	char *dir = tmpdir(), *shp, *dbf;
	char *csv = write_file(dir, "s.csv",
	                       "id,level,seats,note,x,y\n"
	                       "A,primary,45,1,113.0,24.79\n"
	                       "B,primary,abc,x,113.01,24.79\n");
	const char *oo[] = {"X_POSSIBLE_NAMES=x", "Y_POSSIBLE_NAMES=y", "KEEP_GEOM_COLUMNS=NO", NULL};
	const char *o[] = {"-f", "ESRI Shapefile", "-a_srs", "EPSG:4326", NULL};
	unsigned char *buf;
	size_t len, off;
	FILE *fp;
	cr_assert(asprintf(&shp, "%s/s.shp", dir) > 0);
	cr_assert(asprintf(&dbf, "%s/s.dbf", dir) > 0);
	cr_assert_eq(translate(csv, oo, shp, o), 0);
	/* the text columns "seats" and "note" made numeric ('N') in the DBF's
	 * field descriptors (32 bytes each from byte 32, the type at 11) */
	buf = (unsigned char *)slurp(dbf, &len);
	for (off = 32; off + 32 <= len && buf[off] != 0x0D; off += 32)
		if (!strcmp((char *)buf + off, "seats") || !strcmp((char *)buf + off, "note"))
			buf[off + 11] = 'N';
	fp = fopen(dbf, "wb");
	cr_assert(fp);
	cr_assert_eq(fwrite(buf, 1, len, fp), len);
	fclose(fp);
	free(buf);
	char *ini = ini_for(shp, "compounds.geojson", "[fields]\nschools.seats_primary = seats\n");
	cm_dataset *ds = load_ok(ini, ".", NULL);
	cr_assert_eq(count_about(ds, "bad-value", "B", "seats", "'abc' is not a number"), 1);
	cr_assert_eq(school_by_id(ds, "A")->seats[CM_PRIMARY], 45);
	for (size_t i = 0; i < cm_dataset_diag_count(ds); i++) /* note: not read, not named */
		cr_assert_null(strstr(cm_dataset_diag(ds, i)->message, "'x'"), "%s",
		               cm_dataset_diag(ds, i)->message);
	cm_dataset_free(ds);
	free(ini);
	free(csv);
	free(shp);
	free(dbf);
	free(dir);
}

/* A shapefile whose DBF was copied in part (a transfer cut short): GDAL's
 * shapefile driver fails to read the next record ("fread failed on DBF
 * file") and ends the layer there, as if every feature had been read.  A
 * review found the example's compounds cut from 329 to 44 with check's
 * verdict "solvable" and no error; it is the file's error, naming it, its
 * layer and where reading stopped. */
Test(read, a_dbf_cut_short_is_an_error)
{
	char *dir = tmpdir(), *shp, *dbf;
	const char *o[] = {"-f", "ESRI Shapefile", NULL};
	unsigned char *buf;
	size_t len, head, rec;
	FILE *fp;
	cr_assert(asprintf(&shp, "%s/c.shp", dir) > 0);
	cr_assert(asprintf(&dbf, "%s/c.dbf", dir) > 0);
	cr_assert_eq(translate(fixture("compounds.geojson"), NULL, shp, o), 0);
	/* the header's length at byte 8, a record's at 10 (little-endian):
	 * keep two of the four records and half the third */
	buf = (unsigned char *)slurp(dbf, &len);
	head = (size_t)buf[8] | (size_t)buf[9] << 8;
	rec = (size_t)buf[10] | (size_t)buf[11] << 8;
	cr_assert_gt(len, head + 3 * rec);
	fp = fopen(dbf, "wb");
	cr_assert(fp);
	cr_assert_eq(fwrite(buf, 1, head + 2 * rec + rec / 2, fp), head + 2 * rec + rec / 2);
	fclose(fp);
	free(buf);
	char *ini = ini_for("schools.geojson", shp,
	                    "[fields]\ncompounds.primary_local = primary_lo\n"
	                    "compounds.primary_migrant = primary_mi\n"
	                    "compounds.junior_local = junior_loc\ncompounds.junior_migrant = junior_mig\n");
	const char *m = load_err(ini, ".");
	cr_assert(strstr(m, "c.shp, layer c") && strstr(m, "reading stopped after 2 of its 4 "
	          "features") && strstr(m, "cut short"), "%s", m);
	free(ini);
	free(shp);
	free(dbf);
	free(dir);
}

/* A GeoPackage of schools in `dir` from the CSV text `rows` (id, level,
 * seats, x, y; seats an integer column), its layer named `layer`. */
static char *schools_gpkg(const char *dir, const char *layer, const char *rows)
{
	char *csv = write_file(dir, "s.csv", rows), *gpkg;
	const char *oo[] = {"X_POSSIBLE_NAMES=x", "Y_POSSIBLE_NAMES=y", "KEEP_GEOM_COLUMNS=NO",
	                    "AUTODETECT_TYPE=YES", NULL};
	const char *o[] = {"-f", "GPKG", "-nln", layer, "-a_srs", "EPSG:4326", NULL};
	cr_assert(asprintf(&gpkg, "%s/s.gpkg", dir) > 0);
	cr_assert_eq(translate(csv, oo, gpkg, o), 0);
	free(csv);
	return gpkg;
}

/* SQLite keeps any value in any column: a GeoPackage's integer column
 * edited by hand or by another tool can hold text, a fraction or a number
 * beyond 32 bits, which GDAL reads as 0, the fraction cut, or the low 32
 * bits, silently.  Each is read as what the column holds (a review found
 * 'abc' pupils read as 0 and 4,294,967,306 as 10, check exit 0). */
Test(read, other_values_in_a_geopackage_integer_column)
{
	char *dir = tmpdir();
	char *gpkg = schools_gpkg(dir, "schools",
	                          "id,level,seats,x,y\n"
	                          "A,primary,45,113.0,24.79\n"
	                          "B,primary,50,113.01,24.79\n"
	                          "C,primary,60,113.02,24.79\n"
	                          "D,primary,70,113.03,24.79\n");
	static const char *const edits[] = {"UPDATE schools SET seats = 'abc' WHERE id = 'B'",
	                                    "UPDATE schools SET seats = 4294967306 WHERE id = 'C'",
	                                    "UPDATE schools SET seats = 30.7 WHERE id = 'D'"};
	GDALDatasetH g;
	cr_assert_not_null(g = GDALOpenEx(gpkg, GDAL_OF_VECTOR | GDAL_OF_UPDATE, NULL, NULL, NULL));
	{
		OGRLayerH l = GDALDatasetGetLayerByName(g, "schools");
		OGRFieldDefnH fd;
		cr_assert_not_null(l);
		fd = OGR_FD_GetFieldDefn(OGR_L_GetLayerDefn(l),
		                         OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(l), "seats"));
		cr_assert_eq(OGR_Fld_GetType(fd), OFTInteger, "the test needs an integer column");
	}
	for (size_t i = 0; i < sizeof edits / sizeof *edits; i++)
		GDALDatasetReleaseResultSet(g, GDALDatasetExecuteSQL(g, edits[i], NULL, NULL));
	GDALClose(g);
	char *ini = ini_for(gpkg, "compounds.geojson", "[fields]\nschools.seats_primary = seats\n");
	cm_dataset *ds = load_ok(ini, ".", NULL);
	cr_assert_eq(count_about(ds, "bad-value", "B", "seats", "'abc' is not"), 1);
	cr_assert_eq(count_about(ds, "bad-value", "C", "seats", "4294967306 is more than"), 1);
	cr_assert_eq(school_by_id(ds, "A")->seats[CM_PRIMARY], 45);
	cr_assert_eq(school_by_id(ds, "D")->seats[CM_PRIMARY], 31); /* 30.7 rounded, not cut */
	cm_dataset_free(ds);
	free(ini);
	free(gpkg);
	free(dir);
}

/* The same in a layer without a key column (a GeoPackage view that does
 * not select the table's key): GDAL numbers its features itself, so no SQL
 * row is known to be which feature, and the fraction was cut silently (a
 * review, 2026-12-04).  Now an error of the layer's field, with the count
 * and the first such value in text order; the view's whole numbers (a
 * real 45.0 too) still read, and a feature the layer's filter leaves out
 * is not looked at. */
Test(read, other_values_in_a_keyless_geopackage_view)
{
	char *dir = tmpdir();
	char *gpkg = schools_gpkg(dir, "base",
	                          "id,level,seats,x,y\n"
	                          "A,primary,45,113.0,24.79\n"
	                          "B,primary,50,113.01,24.79\n"
	                          "C,primary,60,113.02,24.79\n");
	static const char *const views[] = {
		"CREATE VIEW schools AS SELECT geom, id, level, seats FROM base",
		"INSERT INTO gpkg_contents (table_name, identifier, data_type, srs_id) "
		"VALUES ('schools', 'schools', 'features', 4326)",
		"INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, "
		"srs_id, z, m) VALUES ('schools', 'geom', 'POINT', 4326, 0, 0)"};
	GDALDatasetH g;
	OGRLayerH l;
	for (int fraction = 0; fraction < 2; fraction++) {
		cr_assert_not_null(g = GDALOpenEx(gpkg, GDAL_OF_VECTOR | GDAL_OF_UPDATE, NULL, NULL,
		                                  NULL));
		if (!fraction) {
			for (size_t i = 0; i < sizeof views / sizeof *views; i++)
				GDALDatasetReleaseResultSet(g, GDALDatasetExecuteSQL(g, views[i], NULL,
				                                                     NULL));
			/* a whole number stored as a real reads as itself */
			GDALDatasetReleaseResultSet(g, GDALDatasetExecuteSQL(
			        g, "UPDATE base SET seats = 45.0 WHERE id = 'A'", NULL, NULL));
		} else
			GDALDatasetReleaseResultSet(g, GDALDatasetExecuteSQL(
			        g, "UPDATE base SET seats = 30.7 WHERE id = 'C'", NULL, NULL));
		GDALClose(g);
		/* (the test's premise: a layer with no key column, seats an
		 * integer field) */
		cr_assert_not_null(g = GDALOpenEx(gpkg, GDAL_OF_VECTOR, NULL, NULL, NULL));
		cr_assert_not_null(l = GDALDatasetGetLayerByName(g, "schools"));
		cr_assert(!OGR_L_GetFIDColumn(l) || !*OGR_L_GetFIDColumn(l), "%s",
		          OGR_L_GetFIDColumn(l));
		cr_assert_eq(OGR_Fld_GetType(OGR_FD_GetFieldDefn(
		                     OGR_L_GetLayerDefn(l),
		                     OGR_FD_GetFieldIndex(OGR_L_GetLayerDefn(l), "seats"))),
		             OFTInteger);
		GDALClose(g);
		char *ini = ini_for(gpkg, "compounds.geojson",
		                    "schools_layer = schools\n[fields]\nschools.seats_primary = seats\n");
		if (!fraction) {
			cm_dataset *ds = load_ok(ini, ".", NULL);
			cr_assert_eq(school_by_id(ds, "A")->seats[CM_PRIMARY], 45);
			cr_assert_eq(school_by_id(ds, "C")->seats[CM_PRIMARY], 60);
			cr_assert_eq(cm_dataset_count(ds, CM_ERR), 0);
			cm_dataset_free(ds);
		} else {
			/* (a feature the layer's filter leaves out is not looked at) */
			char *kept = ini_for(gpkg, "compounds.geojson",
			                     "schools_layer = schools\nschools_where = id <> 'C'\n"
			                     "[fields]\nschools.seats_primary = seats\n");
			cm_dataset *ds = load_ok(kept, ".", NULL);
			cr_assert_eq(cm_dataset_count(ds, CM_ERR), 0);
			cm_dataset_free(ds);
			free(kept);
		}
		if (fraction) {
			cm_dataset *ds = load_ok(ini, ".", NULL);
			int n = 0;
			for (size_t i = 0; i < cm_dataset_diag_count(ds); i++) {
				const cm_diag *d = cm_dataset_diag(ds, i);
				n += d->severity == CM_ERR && !strcmp(d->kind, "bad-value") && d->file &&
				     strstr(d->file, "s.gpkg") && d->layer && !strcmp(d->layer, "schools") &&
				     d->field && !strcmp(d->field, "seats") && !d->feature &&
				     strstr(d->message, "1 in all, such as '30.7'") &&
				     strstr(d->message, "key column");
			}
			cr_assert_eq(n, 1);
			cm_dataset_free(ds);
		}
		free(ini);
	}
	free(gpkg);
	free(dir);
}

/* A [fields] mapping naming a field the layer lacks is an error naming the
 * field and the layer and listing its fields: the geometry's columns too
 * (schools.wkt = missing_field was accepted, the lon/lat columns used). */
Test(read, every_mapped_field_must_exist)
{
	static const char *const maps[][2] = {
		{"schools.wkt = missing_field", "schools.wkt"},
		{"schools.x = 经度", "schools.x"},
		{"schools.y = lat2", "schools.y"},
		{"schools.name = 校名", "schools.name"},
		{"schools.boarding = 寄宿", "schools.boarding"},
	};
	char *dir = tmpdir();
	char *sp = write_file(dir, "s.csv", "id,level,seats_primary,lon,lat\n"
	                                    "A,primary,45,113.0,24.79\n");
	for (size_t k = 0; k < sizeof maps / sizeof *maps; k++) {
		char extra[256], *ini;
		const char *m;
		snprintf(extra, sizeof extra, "source_crs = EPSG:4326\n[fields]\n%s\n", maps[k][0]);
		ini = ini_for(sp, "compounds.geojson", extra);
		m = load_err(ini, ".");
		cr_assert(strstr(m, "s.csv") && strstr(m, "layer s") && strstr(m, maps[k][1]) &&
		          strstr(m, strchr(maps[k][0], '=') + 2) &&
		          strstr(m, "id, level, seats_primary, lon, lat"), "%s", m);
		free(ini);
	}
	/* a mapped WKT column wins over longitude and latitude found by name;
	 * geometry columns do not apply to a layer with geometry of its own */
	char *cp = write_file(dir, "c.csv", "id,primary_local,primary_migrant,lon,lat,shape_text\n"
	                                    "C1,10,0,113.0,24.79,POINT (113.02 24.8)\n");
	char *ini = ini_for("schools.geojson", cp, "source_crs = EPSG:4326\n[fields]\n"
	                                           "compounds.wkt = shape_text\nschools.x = none_such\n");
	cm_dataset *ds = load_ok(ini, ".", NULL);
	cr_assert_float_eq(compound_by_id(ds, "C1")->lon, 113.02, 1e-9);
	cm_dataset_free(ds);
	free(ini);
	/* half a pair of coordinate columns is named */
	char *half = write_file(dir, "h.csv", "id,level,seats_primary,lon\nA,primary,45,113.0\n");
	ini = ini_for(half, "compounds.geojson", "source_crs = EPSG:4326\n");
	const char *m = load_err(ini, ".");
	cr_assert(strstr(m, "h.csv") && strstr(m, "longitude column (lon) but no latitude") &&
	          strstr(m, "schools.y"), "%s", m);
	free(ini);
	free(half);
	free(cp);
	free(sp);
	free(dir);
}

/* One column read as two counts ([fields] compounds.primary_migrant =
 * primary_local) counted the same pupils twice, exit 0; now an error
 * naming both fields and the column.  Schools' seats and classes too; one
 * column for both levels' seats is a layout (read/fields_and_values_remapped;
 * a nine-year school's are a warning: check/one_seats_column_for_both_levels). */
Test(read, one_column_is_not_two_counts)
{
	static const char *const maps[][3] = {
		{"compounds.primary_migrant = primary_local", "primary_local and primary_migrant",
		 "'primary_local'"},
		{"compounds.junior_local = primary_local\ncompounds.junior_migrant = primary_migrant",
		 "primary_local and junior_local", "'primary_local'"},
		{"schools.classes_primary = seats_primary", "seats_primary and classes_primary",
		 "'seats_primary'"},
	};
	char *dir = tmpdir();
	char *sp = write_file(dir, "s.csv", "id,level,seats_primary,seats_junior,lon,lat\n"
	                                    "A,primary,45,0,113.0,24.79\n");
	char *cp = write_file(dir, "c.csv", "id,primary_local,小学户籍,primary_migrant,lon,lat\n"
	                                    "C1,10,10,3,113.01,24.79\n");
	for (size_t k = 0; k < sizeof maps / sizeof *maps; k++) {
		char extra[256], *ini;
		const char *m;
		snprintf(extra, sizeof extra, "source_crs = EPSG:4326\n[fields]\n%s\n", maps[k][0]);
		ini = ini_for(sp, cp, extra);
		m = load_err(ini, ".");
		cr_assert(strstr(m, k == 2 ? "s.csv" : "c.csv") && strstr(m, maps[k][1]) &&
		          strstr(m, maps[k][2]) && strstr(m, "twice"), "%s", m);
		free(ini);
	}
	/* each its own column: read */
	char *ini = ini_for(sp, cp, "source_crs = EPSG:4326\n");
	cm_dataset *ds = load_ok(ini, ".", NULL);
	cr_assert_eq(compound_by_id(ds, "C1")->pupils[CM_PRIMARY][CM_MIGRANT], 3);
	cm_dataset_free(ds);
	free(ini);
	free(cp);
	free(sp);
	free(dir);
}

/* A level the school does not teach may be left blank (docs/input.md): a
 * CSV's empty cell is an empty string, not a null, and was warned of as
 * "seats_junior is missing" at every such school; a blank purchased cell
 * likewise.  A level it teaches, left blank, is still a warning. */
Test(read, a_level_not_taught_may_be_blank)
{
	char *dir = tmpdir();
	char *sp = write_file(dir, "s.csv", "id,level,seats_primary,seats_junior,purchased_primary,lon,lat\n"
	                                    "S1,primary,100, ,,113.0,24.79\n"
	                                    "J1,junior,,100,,113.01,24.79\n"
	                                    "J2,junior,,,,113.02,24.79\n");
	char *ini = ini_for(sp, "compounds.geojson", "source_crs = EPSG:4326\n");
	cm_dataset *ds = load_ok(ini, ".", NULL);
	cr_assert_eq(count_diag(ds, "missing-value"), 1, "only J2's junior seats");
	const cm_diag *d = find_diag(ds, "missing-value");
	cr_assert(strstr(d->feature, "J2") && !strcmp(d->field, "seats_junior"), "%s %s", d->feature,
	          d->field);
	cm_dataset_free(ds);
	free(ini);
	free(sp);
	free(dir);
}

/* A boundary without a CRS names the key that applies to it: source_crs
 * does not (docs/config.md), and the user may have set it already. */
Test(read, boundary_without_crs_names_its_key)
{
	char *dir = tmpdir(), *extra;
	char *bp = write_file(dir, "b.csv", "wkt,name\n\"POLYGON ((0 0,1 0,1 1,0 1,0 0))\",b\n");
	cr_assert(asprintf(&extra, "boundary = %s\n", bp) > 0);
	char *ini = ini_for("schools.geojson", "compounds.geojson", extra);
	const char *m = load_err(ini, ".");
	cr_assert(strstr(m, "b.csv") && strstr(m, "declares no CRS") &&
	          strstr(m, "boundary_source_crs") && !strstr(m, "set source_crs"), "%s", m);
	free(ini);
	/* a WKT column alone: GDAL (3.6) opens no CSV of one column, silently */
	free(bp);
	bp = write_file(dir, "b.csv", "wkt\n\"POLYGON ((0 0,1 0,1 1,0 1,0 0))\"\n");
	ini = ini_for("schools.geojson", "compounds.geojson", extra);
	m = load_err(ini, ".");
	cr_assert(strstr(m, "b.csv") && strstr(m, "single column"), "%s", m);
	free(ini);
	free(extra);
	free(bp);
	free(dir);
}

/* The boundary too: a NaN vertex is named, not passed to GEOS. */
Test(read, boundary_coordinates_that_are_not_finite)
{
	char *dir = tmpdir(), *extra;
	char *bp = write_file(dir, "b.geojson",
		"{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{},"
		"\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[112.9,24.7],[113.2,24.7],"
		"[113.2,NaN],[112.9,24.9],[112.9,24.7]]]}}]}");
	cr_assert(asprintf(&extra, "boundary = %s\n", bp) > 0);
	char *ini = ini_for("schools.geojson", "compounds.geojson", extra);
	const char *m = load_err(ini, ".");
	cr_assert(strstr(m, "b.geojson") && strstr(m, "feature 0") &&
	          strstr(m, "not a finite number"), "%s", m);
	free(ini);
	free(extra);
	free(bp);
	free(dir);
}

/* Loads `schools` (CSV text, longitude and latitude columns) beside the
 * fixture compounds with `fields` as the [fields] section (NULL: none). */
static cm_dataset *load_schools_csv(const char *dir, const char *schools, const char *fields)
{
	char *s = write_file(dir, "s.csv", schools), *extra, *ini;
	cm_dataset *ds;
	cr_assert(asprintf(&extra, "schools_source_crs = EPSG:4326\n%s%s", fields ? "[fields]\n" : "",
	                   fields ? fields : "") > 0);
	ini = ini_for(s, "compounds.geojson", extra);
	ds = load_ok(ini, ".", NULL);
	free(ini);
	free(extra);
	free(s);
	return ds;
}

/* A school's address (issue 14: the lookup page shows it): found by its
 * engine name or a usual Chinese one, or named in [fields]; an empty cell
 * and a layer without one give none; text not in UTF-8 is an error;
 * compounds have no address. */
Test(read, school_addresses)
{
	static const char csv[] = "学校代码,学校名称,学段,小学学位,地址,校门,经度,纬度\n"
	                          "A,甲校,小学,300,桐溪县解放路 1 号,北门,113.0,24.79\n"
	                          "B,乙校,小学,200,,南门,113.01,24.78\n";
	char *dir = tmpdir(), *gbk, *text;
	cm_dataset *ds = load_schools_csv(dir, csv, NULL);
	cr_assert_str_eq(school_by_id(ds, "A")->address, "桐溪县解放路 1 号", "地址 is an address");
	cr_assert_null(school_by_id(ds, "B")->address, "an empty cell is no address");
	cm_dataset_free(ds);

	ds = load_schools_csv(dir, csv, "schools.address = 校门\n");
	cr_assert_str_eq(school_by_id(ds, "B")->address, "南门", "[fields] schools.address");
	cm_dataset_free(ds);

	ds = load_schools_csv(dir, csv, "schools.address = none\n");
	cr_assert_null(school_by_id(ds, "A")->address, "[fields] schools.address = none");
	cm_dataset_free(ds);

	/* the address alone in GBK: an encoding error naming the field */
	gbk = recode("桐溪县解放路 1 号", "GBK");
	cr_assert(asprintf(&text, "学校代码,学校名称,学段,小学学位,地址,经度,纬度\n"
	                          "A,甲校,小学,300,%s,113.0,24.79\n", gbk) > 0);
	ds = load_schools_csv(dir, text, NULL);
	cr_assert_eq(count_diag(ds, "encoding"), 1);
	cr_assert(strstr(find_diag(ds, "encoding")->message, "address is not UTF-8"), "%s",
	          find_diag(ds, "encoding")->message);
	cr_assert_str_eq(find_diag(ds, "encoding")->field, "地址");
	cm_dataset_free(ds);
	free(text);
	free(gbk);

	{
		char *s = write_file(dir, "s.csv", csv);
		char *ini = ini_for(s, "compounds.geojson",
		                    "schools_source_crs = EPSG:4326\n[fields]\nschools.address = 门牌\n");
		const char *m = load_err(ini, ".");
		cr_assert(strstr(m, "门牌") && strstr(m, "schools.address"), "%s", m);
		free(ini);
		free(s);
	}
	cr_assert(strstr(config_err("[fields]\ncompounds.address = 地址\n"), "no field address"),
	          "%s", config_err("[fields]\ncompounds.address = 地址\n"));

	ds = load_geojson(); /* no address field */
	cr_assert_null(school_by_id(ds, "S1")->address);
	cm_dataset_free(ds);
	free(dir);
}

/* Control characters in text (an escape sequence in a compound's name
 * reached the terminal raw through solve and compare, and redrew it) are
 * read as spaces, with one warning for the layer naming the first. */
Test(read, control_characters_are_read_as_spaces)
{
	char *dir = tmpdir(), *c, *ini;
	cm_dataset *ds;
	const cm_compound *c2;
	const cm_diag *d;
	c = write_file(dir, "c.csv",
	               "WKT,id,name,area_type,primary_local,primary_migrant,junior_local,junior_migrant\n"
	               "POINT (113.0 24.79),C1,Sunny Garden,urban,40,10,20,5\n"
	               "POINT (113.0 24.77),C2,\"River\x1b[2J\x1b]0;pwned\x07View\",urban,30,20,25,10\n"
	               "POINT (113.01 24.78),C3,\"Old\tLane\",town,25,0,15,0\n");
	ini = ini_for("schools.geojson", c, "compounds_source_crs = EPSG:4326\n");
	ds = load_ok(ini, dir, NULL);
	c2 = compound_by_id(ds, "C2");
	cr_assert_not_null(c2);
	for (const char *p = c2->name; *p; p++)
		cr_assert((unsigned char)*p >= 0x20 && *p != 0x7f, "'%s'", c2->name);
	cr_assert_str_eq(c2->name, "River [2J ]0;pwned View");
	d = find_diag(ds, "control-characters");
	cr_assert_not_null(d);
	cr_assert_eq(d->severity, CM_WARNING);
	cr_assert(strstr(d->message, "2 text values") && strstr(d->feature, "feature 2") &&
	          d->field && !strcmp(d->field, "name"),
	          "%s %s %s", d->feature, d->field ? d->field : "-", d->message);
	cm_dataset_free(ds);
	free(ini);
	free(c);
	free(dir);
}
