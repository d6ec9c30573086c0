/* test_cli.c: the command line: exit statuses and messages. */
#define _GNU_SOURCE
#include "helpers.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

Test(cli, help_version_usage)
{
	const char *out;
	cr_assert_eq(run_cli("--help", &out), 0);
	cr_assert(strstr(out, "Usage: catchment") && strstr(out, "check"));
	cr_assert_eq(run_cli("--version", &out), 0);
	cr_assert(strstr(out, "catchment 0."));
	cr_assert_eq(run_cli("", &out), 2);
	cr_assert_eq(run_cli("frobnicate", &out), 2);
	cr_assert(strstr(out, "unknown command 'frobnicate'"));
	cr_assert_eq(run_cli("--bogus", &out), 2);
	cr_assert_eq(run_cli("check", &out), 2);
	cr_assert_eq(run_cli("check a.ini b.ini", &out), 2);
	cr_assert_eq(run_cli("check --help", &out), 0);
	cr_assert(strstr(out, "Usage: catchment check"));
}

static char *scenario(const char *dir, const char *schools, const char *compounds, const char *extra)
{
	char *text = scenario_text(schools, compounds, extra);
	char *p = write_file(dir, "scenario.ini", text);
	free(text);
	return p;
}

Test(cli, check_verdicts)
{
	char *dir = tmpdir(), *ini, *args;
	const char *out;

	ini = scenario(dir, "schools.geojson", "compounds.geojson", "");
	cr_assert(asprintf(&args, "check %s", ini) > 0);
	cr_assert_eq(run_cli(args, &out), 0, "%s", out);
	cr_assert(strstr(out, "Verdict: the data can be solved"), "%s", out);
	free(args);
	cr_assert(asprintf(&args, "-q check %s", ini) > 0);
	cr_assert_eq(run_cli(args, &out), 0);
	cr_assert_str_eq(out, "", "-q prints nothing on success");
	free(args);
	free(ini);

	ini = scenario(dir, "bad_schools.geojson", "compounds.geojson", "");
	cr_assert(asprintf(&args, "check %s", ini) > 0);
	cr_assert_eq(run_cli(args, &out), 1);
	cr_assert(strstr(out, "cannot be solved") && strstr(out, "bad_schools.geojson"), "%s", out);
	free(args);
	free(ini);

	ini = scenario(dir, "schools.geojson", "compounds.geojson", "[policy]\nspeed = 3\n");
	cr_assert(asprintf(&args, "check %s", ini) > 0);
	cr_assert_eq(run_cli(args, &out), 1);
	cr_assert(strstr(out, "scenario.ini:5:") && strstr(out, "'speed'"), "%s", out);
	free(args);
	free(ini);

	cr_assert_eq(run_cli("check /nonexistent.ini", &out), 1);
	cr_assert(strstr(out, "/nonexistent.ini"));
	free(dir);
}

Test(cli, example_county_checks)
{
	const char *ex = getenv("CM_EXAMPLE");
	const char *out;
	char *args;
	cr_assert(ex, "CM_EXAMPLE is not set");
	cr_assert(asprintf(&args, "check %s", ex) > 0);
	cr_assert_eq(run_cli(args, &out), 0, "%s", out);
	cr_assert(strstr(out, "UTM zone 49N"), "%s", out);
	cr_assert(strstr(out, "GCJ-02 offsets removed"));
	free(args);
}

Test(cli, solve_writes_a_plan_or_nothing)
{
	char *dir = tmpdir(), *ini, *args, *plan;
	const char *out;
	cr_assert(asprintf(&plan, "%s/plan.gpkg", dir) > 0);

	ini = scenario(dir, "schools.geojson", "compounds.geojson", "");
	cr_assert(asprintf(&args, "solve -o %s %s", plan, ini) > 0);
	cr_assert_eq(run_cli(args, &out), 0, "%s", out);
	cr_assert(strstr(out, "primary") && strstr(out, "Plan written to"), "%s", out);
	cr_assert_not_null(slurp(plan, NULL), "no plan written");
	free(args);
	free(ini);
	unlink(plan);

	/* bad data: exit 1, the findings, and no plan */
	ini = scenario(dir, "bad_schools.geojson", "compounds.geojson", "");
	cr_assert(asprintf(&args, "solve -o %s %s", plan, ini) > 0);
	cr_assert_eq(run_cli(args, &out), 1, "%s", out);
	cr_assert(strstr(out, "cannot be solved"), "%s", out);
	cr_assert_null(slurp(plan, NULL), "a plan was written from bad data");
	free(args);
	free(ini);

	/* never over an input */
	ini = scenario(dir, "schools.geojson", "compounds.geojson", "");
	cr_assert(asprintf(&args, "solve -o %s %s", fixture("compounds.geojson"), ini) > 0);
	cr_assert_eq(run_cli(args, &out), 1, "%s", out);
	cr_assert(strstr(out, "over an input"), "%s", out);
	free(args);
	free(ini);
	free(plan);
	free(dir);
}

Test(cli, solve_refuses_formats_not_written_yet)
{
	char *dir = tmpdir(), *ini, *args;
	const char *out;
	ini = scenario(dir, "schools.geojson", "compounds.geojson", "");
	cr_assert(asprintf(&args, "solve -o %s/plan.shp %s", dir, ini) > 0);
	cr_assert_eq(run_cli(args, &out), 1, "%s", out);
	cr_assert(strstr(out, "only GeoPackage"), "%s", out);
	free(args);
	free(ini);
	free(dir);
}
