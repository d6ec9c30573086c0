/*
 * fuzz.c: the fuzz targets' shared set-up (fuzz.h): one context for the
 * process, the fixed layers in memory, and the check a target runs.
 */
#include "fuzz.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_vsi.h>
#include <gdal.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The fixed layers: four schools (a spreadsheet with lon/lat columns) and
 * four compounds (a polygon and points, CRS84), each level solvable.  The
 * same bytes are corpus/csv/schools.csv, corpus/geojson/compounds.geojson,
 * estate.geojson and boundary.geojson, which campaign.py uses. */
static const char schools_csv[] =
	"id,name,level,sector,seats_primary,seats_junior,purchased_primary,purchased_junior,"
	"boarding,x,y\n"
	"S1,North Primary,primary,public,90,,0,0,0,113.0000,24.7900\n"
	"S2,South Nine-year,nine_year,public,45,100,0,0,0,113.0000,24.7700\n"
	"S3,Private Academy,nine_year,private,45,50,20,10,0,113.0100,24.7800\n"
	"S4,Hill Boarding,junior,public,,150,0,0,1,113.1000,24.7800\n";

static const char compounds_geojson[] =
	"{\"type\":\"FeatureCollection\",\"name\":\"compounds\",\"features\":[\n"
	"{\"type\":\"Feature\",\"properties\":{\"id\":\"C1\",\"name\":\"Sunny Garden\","
	"\"area_type\":\"urban\",\"primary_local\":40,\"primary_migrant\":10,\"junior_local\":20,"
	"\"junior_migrant\":5},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[112.998,24.788],"
	"[113.002,24.788],[113.002,24.792],[112.998,24.792],[112.998,24.788]]]}},\n"
	"{\"type\":\"Feature\",\"properties\":{\"id\":\"C2\",\"name\":\"River View\","
	"\"area_type\":\"urban\",\"primary_local\":30,\"primary_migrant\":20,\"junior_local\":25,"
	"\"junior_migrant\":10},\"geometry\":{\"type\":\"Point\",\"coordinates\":[113.0,24.77]}},\n"
	"{\"type\":\"Feature\",\"properties\":{\"id\":\"C3\",\"name\":\"Old Lane\","
	"\"area_type\":\"town\",\"primary_local\":25,\"primary_migrant\":0,\"junior_local\":15,"
	"\"junior_migrant\":0},\"geometry\":{\"type\":\"Point\",\"coordinates\":[113.01,24.78]}},\n"
	"{\"type\":\"Feature\",\"properties\":{\"id\":\"C4\",\"name\":\"Hill Village\","
	"\"area_type\":\"rural\",\"primary_local\":12,\"primary_migrant\":0,\"junior_local\":8,"
	"\"junior_migrant\":0},\"geometry\":{\"type\":\"Point\",\"coordinates\":[113.095,24.78]}}\n"
	"]}\n";

/* A scenario's new estate (new_compounds = estate.geojson). */
static const char estate_geojson[] =
	"{\"type\":\"FeatureCollection\",\"features\":[\n"
	"{\"type\":\"Feature\",\"properties\":{\"id\":\"N1\",\"name\":\"New Estate\","
	"\"area_type\":\"urban\",\"primary_local\":60,\"primary_migrant\":12,\"junior_local\":30,"
	"\"junior_migrant\":6},\"geometry\":{\"type\":\"Point\",\"coordinates\":[113.03,24.785]}}\n"
	"]}\n";

/* The county's boundary (boundary = boundary.geojson): geodata/tongxi's. */
static const char boundary_geojson[] =
	"{\"type\":\"FeatureCollection\",\"name\":\"boundary\",\"crs\":{\"type\":\"name\","
	"\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::4490\"}},\"features\":[{\"type\":\"Feature\","
	"\"properties\":{\"名称\":\"桐溪县\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
	"[[[112.7828586,24.5267759],[113.3171414,24.5267759],[113.3369296,24.8161749],"
	"[113.3072472,24.9337432],[113.05,24.9473088],[112.8323293,24.9337432],[112.812541,24.78],"
	"[112.7828586,24.5267759]]]}}]}\n";

static cm_ctx *the_ctx;
static FILE *devnull;
static char *tmp;

void fz_mem_file(const char *path, const void *data, size_t size)
{
	GByte *buf = VSIMalloc(size ? size : 1);
	VSILFILE *fp;
	VSIUnlink(path);
	if (!buf)
		abort(); /* out of memory in the harness itself */
	memcpy(buf, data, size);
	fp = VSIFileFromMemBuffer(path, buf, (vsi_l_offset)size, TRUE); /* takes buf */
	if (!fp)
		abort();
	VSIFCloseL(fp);
}

char *fz_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (s) {
		memcpy(s, data, size);
		s[size] = '\0';
	}
	return s;
}

void fz_clear_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4096];
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		unlink(path); /* a subfolder stays: rmdir_all removes it at exit */
	}
	closedir(d);
}

/* At exit: the temporary folder and what the targets made in it. */
static void rmdir_all(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4096];
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (unlink(path) != 0)
			rmdir_all(path);
	}
	closedir(d);
	rmdir(dir);
}

static void at_exit(void)
{
	if (tmp)
		rmdir_all(tmp);
	free(tmp);
	tmp = NULL;
	if (devnull)
		fclose(devnull);
	devnull = NULL;
	cm_ctx_free(the_ctx);
	the_ctx = NULL;
}

FILE *fz_devnull(void)
{
	return devnull;
}

const char *fz_tmpdir(void)
{
	if (!tmp) {
		const char *base = getenv("TMPDIR");
		size_t n = strlen(base && *base ? base : "/tmp") + 32;
		tmp = malloc(n);
		if (!tmp)
			abort();
		snprintf(tmp, n, "%s/cm-fuzz-XXXXXX", base && *base ? base : "/tmp");
		if (!mkdtemp(tmp)) {
			perror("fuzz: mkdtemp");
			abort();
		}
	}
	return tmp;
}

cm_ctx *fz_init(void)
{
	if (the_ctx)
		return the_ctx;
	GDALAllRegister();
	CPLSetErrorHandler(CPLQuietErrorHandler);
	/* Nothing an input names may reach the network (a CRS given as a URL). */
	CPLSetConfigOption("GDAL_HTTP_TIMEOUT", "1");
	CPLSetConfigOption("PROJ_NETWORK", "OFF");
	if (cm_ctx_new(&the_ctx) != 0)
		abort();
	devnull = fopen("/dev/null", "w");
	if (!devnull)
		abort();
	fz_mem_file(FZ_DIR "/schools.csv", schools_csv, sizeof schools_csv - 1);
	fz_mem_file(FZ_DIR "/compounds.geojson", compounds_geojson, sizeof compounds_geojson - 1);
	fz_mem_file(FZ_DIR "/estate.geojson", estate_geojson, sizeof estate_geojson - 1);
	fz_mem_file(FZ_DIR "/boundary.geojson", boundary_geojson, sizeof boundary_geojson - 1);
	atexit(at_exit);
	return the_ctx;
}

cm_config *fz_config(cm_ctx *ctx, const char *schools, const char *compounds, const char *extra)
{
	char text[4096];
	cm_config *cfg = NULL;
	snprintf(text, sizeof text,
	         "[input]\nschools = %s\nschools_source_crs = EPSG:4326\ncompounds = %s\n%s",
	         schools, compounds, extra ? extra : "");
	if (cm_config_parse_string(ctx, text, "fuzz.ini", FZ_DIR, &cfg) != 0) {
		fprintf(stderr, "fuzz: the harness's own scenario does not parse: %s\n",
		        cm_ctx_last_error(ctx));
		abort();
	}
	return cfg;
}

int fz_ok(cm_ctx *ctx, int rc, const char *what)
{
	static int verbose = -1;
	if (verbose < 0)
		verbose = getenv("CM_FUZZ_VERBOSE") != NULL;
	if (rc && verbose)
		fprintf(stderr, "fuzz: %s: %s\n", what, cm_ctx_last_error(ctx));
	return rc == 0;
}

cm_dataset *fz_check(cm_ctx *ctx, const cm_config *cfg, int solve)
{
	cm_dataset *ds = NULL;
	cm_check_report rep;
	cm_plan *plan = NULL;
	cm_solve_opts so = CM_SOLVE_OPTS_INIT;
	if (!fz_ok(ctx, cm_dataset_load(ctx, cfg, &ds), "load"))
		return NULL;
	if (!fz_ok(ctx, cm_check(ctx, cfg, ds, &rep), "check"))
		return ds;
	fz_ok(ctx, cm_report_check(ctx, cfg, ds, &rep, 0, devnull), "report");
	so.config = cfg;
	if (solve && rep.solvable && fz_ok(ctx, cm_solve(ctx, ds, &so, &plan), "solve")) {
		fz_ok(ctx, cm_report_plan(ctx, plan, devnull), "summary");
		fz_ok(ctx, cm_report_ranges(ctx, plan, 1, devnull), "ranges");
		fz_ok(ctx, cm_report_ranges(ctx, plan, 0, devnull), "ranges");
	}
	cm_plan_free(plan);
	return ds;
}
