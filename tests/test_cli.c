/* test_cli.c: the command line: exit statuses and messages. */
#define _GNU_SOURCE
#include "helpers.h"

#include <criterion/criterion.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

/* The CLI run with the arguments `fmt` makes, its exit status asserted to
 * be `want`; its output (run_cli's buffer). */
static const char *cli_expect(int want, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static const char *cli_expect(int want, const char *fmt, ...)
{
	va_list ap;
	char *args;
	const char *out;
	int rc;
	va_start(ap, fmt);
	cr_assert(vasprintf(&args, fmt, ap) > 0);
	va_end(ap);
	rc = run_cli(args, &out);
	cr_assert_eq(rc, want, "catchment %s: exit %d\n%s", args, rc, out);
	free(args);
	return out;
}

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
	/* an option with a value given twice is refused, named: the second
	 * --ranges replaced the first in silence (a review, 2026-12-05);
	 * short and long forms are one option; a flag may come twice */
	static const char *const twice[][2] = {
		{"solve --ranges a.md --ranges b.md x.ini", "catchment solve: --ranges given twice"},
		{"solve -o a.gpkg --output b.gpkg x.ini", "--output given twice"},
		{"map --level primary -l junior p.gpkg -o m.png", "catchment map: --level given twice"},
		{"report -t A -t B p.gpkg -o r.html", "catchment report: --title given twice"},
		{"--lang en --lang zh check x.ini", "--lang given twice"},
	};
	for (size_t k = 0; k < sizeof twice / sizeof *twice; k++) {
		out = cli_expect(2, "%s", twice[k][0]);
		cr_assert(strstr(out, twice[k][1]), "%s: %s", twice[k][0], out);
	}
	out = cli_expect(1, "-q -q check -a -a /nonexistent.ini");
	cr_assert_null(strstr(out, "twice"), "%s", out);
	/* getopt's own message in Chinese, not "??????" (the C library's
	 * catalogue in LC_CTYPE's ASCII: a review) */
	out = cli_expect(2, "--lang zh check --bogus");
	cr_assert(strstr(out, "--bogus") && !strstr(out, "??"), "%s", out);
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
	char *dir = tmpdir(), *ini;
	const char *out;

	ini = scenario(dir, "schools.geojson", "compounds.geojson", "");
	out = cli_expect(0, "check %s", ini);
	cr_assert(strstr(out, "Verdict: the data can be solved"), "%s", out);
	out = cli_expect(0, "-q check %s", ini);
	cr_assert_str_eq(out, "", "-q prints nothing on success");
	free(ini);

	/* README: -q prints errors and warnings.  A school with no seats is a
	 * warning; -q check said nothing of it and exited 0 (a review,
	 * 2026-12-05).  Its lines as check lists them, nothing else. */
	{
		char *text = slurp(fixture("schools.geojson"), NULL), *at, *schools;
		cr_assert(text && (at = strstr(text, "\"seats_primary\":90")));
		memcpy(at, "\"seats_primary\":0 ", 18);
		schools = write_file(dir, "no-seats.geojson", text);
		ini = scenario(dir, schools, "compounds.geojson", "");
		out = cli_expect(0, "-q check %s", ini);
		cr_assert(strstr(out, "  warning no-seats ") && strstr(out, "S1"), "%s", out);
		cr_assert_null(strstr(out, "Verdict"), "%s", out);
		cr_assert_null(strstr(out, "Schools"), "%s", out);
		free(ini);
		free(schools);
		free(text);
	}

	ini = scenario(dir, "bad_schools.geojson", "compounds.geojson", "");
	out = cli_expect(1, "check %s", ini);
	cr_assert(strstr(out, "cannot be solved") && strstr(out, "bad_schools.geojson"), "%s", out);
	free(ini);

	ini = scenario(dir, "schools.geojson", "compounds.geojson", "[policy]\nspeed = 3\n");
	out = cli_expect(1, "check %s", ini);
	cr_assert(strstr(out, "scenario.ini:5:") && strstr(out, "'speed'"), "%s", out);
	free(ini);

	cr_assert_eq(run_cli("check /nonexistent.ini", &out), 1);
	cr_assert(strstr(out, "/nonexistent.ini") && strstr(out, "No such file"), "%s", out);
	/* a folder given for the scenario file: said so (it was "[input]
	 * schools is missing") */
	out = cli_expect(1, "check %s", dir);
	cr_assert(strstr(out, "a folder, not a scenario file"), "%s", out);
	free(dir);
}

/* Issue 15: a report the terminal cannot take (standard output on a full
 * disk) is an error: exit 1 and the reason, never a silent success; for
 * check's report and solve's summary. */
Test(cli, report_to_a_full_disk)
{
	char *dir = tmpdir(), *ini, *args;
	const char *err;
	if (access("/dev/full", W_OK) != 0)
		cr_skip_test("no /dev/full here");
	ini = scenario(dir, "schools.geojson", "compounds.geojson", "");
	for (int k = 0; k < 2; k++) {
		cr_assert(k ? asprintf(&args, "solve -o %s/plan.gpkg %s", dir, ini) > 0
		            : asprintf(&args, "check %s", ini) > 0);
		cr_assert_eq(run_cli_to(args, "2>&1 >/dev/full", &err), 1, "%s: %s", args, err);
		cr_assert(strstr(err, "catchment: the report could not be written: No space left"),
		          "%s: %s", args, err);
		free(args);
	}
	free(ini);
	free(dir);
}

Test(cli, example_county_checks)
{
	const char *ex = getenv("CM_EXAMPLE");
	const char *out;
	cr_assert(ex, "CM_EXAMPLE is not set");
	out = cli_expect(0, "check %s", ex);
	cr_assert(strstr(out, "UTM zone 49N"), "%s", out);
	cr_assert(strstr(out, "GCJ-02 offsets removed"));
}

Test(cli, solve_writes_a_plan_or_nothing)
{
	char *dir = tmpdir(), *ini, *plan;
	const char *out;
	cr_assert(asprintf(&plan, "%s/plan.gpkg", dir) > 0);

	ini = scenario(dir, "schools.geojson", "compounds.geojson", "");
	out = cli_expect(0, "solve -o %s %s", plan, ini);
	cr_assert(strstr(out, "primary") && strstr(out, "Plan written to"), "%s", out);
	cr_assert_not_null(slurp(plan, NULL), "no plan written");
	free(ini);
	unlink(plan);

	/* bad data: exit 1, the findings, and no plan */
	ini = scenario(dir, "bad_schools.geojson", "compounds.geojson", "");
	out = cli_expect(1, "solve -o %s %s", plan, ini);
	cr_assert(strstr(out, "cannot be solved"), "%s", out);
	cr_assert_null(slurp(plan, NULL), "a plan was written from bad data");
	free(ini);

	/* never over an input */
	ini = scenario(dir, "schools.geojson", "compounds.geojson", "");
	out = cli_expect(1, "solve --format gpkg -o %s %s", fixture("compounds.geojson"), ini);
	cr_assert(strstr(out, "over an input"), "%s", out);
	free(ini);
	free(plan);
	free(dir);
}

Test(cli, solve_in_every_format)
{
	char *dir = tmpdir(), *ini, *args;
	const char *out;
	ini = scenario(dir, "schools_cn.csv", "compounds.geojson", "schools_source_crs = EPSG:4326\n");

	/* shapefiles: a folder, UTF-8 .cpg, Chinese names read back by ogrinfo */
	out = cli_expect(0, "solve -o %s/plan.shp %s", dir, ini);
	char *cpg;
	cr_assert(asprintf(&cpg, "%s/plan/schools.cpg", dir) > 0);
	char *text = slurp(cpg, NULL);
	cr_assert(text && !strncmp(text, "UTF-8", 5), "no UTF-8 .cpg");
	free(text);
	free(cpg);
	cr_assert(asprintf(&args, "ogrinfo -ro %s/plan schools", dir) > 0);
	FILE *p = popen(args, "r");
	char buf[1 << 15];
	size_t n = fread(buf, 1, sizeof buf - 1, p);
	buf[n] = '\0';
	pclose(p);
	cr_assert(strstr(buf, "北城小学") && strstr(buf, "util (Real"), "%.500s", buf);
	free(args);

	/* GeoJSON in WGS 84 (RFC 7946), CSV tables, --format over the extension */
	out = cli_expect(0, "solve --format geojson -o %s/gj %s", dir, ini);
	cr_assert(asprintf(&args, "%s/gj/schools.geojson", dir) > 0);
	text = slurp(args, NULL);
	cr_assert(text && strstr(text, "[ 113.0") && strstr(text, "北城小学"), "%.300s", text);
	free(text);
	free(args);
	out = cli_expect(0, "solve -o %s/t.csv %s", dir, ini);
	cr_assert(asprintf(&args, "%s/t/assignment.csv", dir) > 0);
	text = slurp(args, NULL);
	cr_assert(text && !strncmp(text, "compound_id,compound_name,level,school_id", 41), "%.200s", text);
	free(text);
	free(args);

	/* a second run replaces a plan folder, but never another folder */
	out = cli_expect(0, "solve -o %s/plan.shp %s", dir, ini);
	cr_assert(asprintf(&args, "mkdir -p %s/mine && touch %s/mine/keep", dir, dir) > 0);
	cr_assert_eq(system(args), 0);
	free(args);
	out = cli_expect(1, "solve --format shp -o %s/mine %s", dir, ini);
	cr_assert(strstr(out, "not a catchment plan"), "%s", out);
	cr_assert(asprintf(&args, "%s/mine/keep", dir) > 0);
	cr_assert_eq(access(args, F_OK), 0, "the folder was touched");
	free(args);
	free(ini);
	free(dir);
}

Test(cli, solve_never_writes_over_the_inputs_folder)
{
	char *dir = tmpdir(), *ini, *args, *src, *dst;
	const char *out;
	/* the inputs in a folder of their own; the plan aimed at that folder */
	cr_assert(asprintf(&args, "mkdir -p %s/data", dir) > 0);
	cr_assert_eq(system(args), 0);
	free(args);
	cr_assert(asprintf(&src, "%s/data/s.geojson", dir) > 0);
	cr_assert(asprintf(&dst, "%s/data/c.geojson", dir) > 0);
	char *t1 = slurp(fixture("schools.geojson"), NULL), *t2 = slurp(fixture("compounds.geojson"), NULL);
	free(write_file(dir, "data/s.geojson", t1));
	free(write_file(dir, "data/c.geojson", t2));
	char *text = scenario_text(src, dst, "");
	ini = write_file(dir, "s.ini", text);
	out = cli_expect(1, "solve --format csv -o %s/data %s", dir, ini);
	cr_assert(strstr(out, "over an input"), "%s", out);
	cr_assert_not_null(slurp(src, NULL), "an input is gone");
	free(text);
	free(t1);
	free(t2);
	free(src);
	free(dst);
	free(ini);
	free(dir);
}

/* Issue 14: the check report in Chinese where the environment asks for it
 * (LANG=zh_CN.UTF-8, whether or not the system has that locale), with
 * --lang en winning; English otherwise. */
Test(cli, check_speaks_chinese)
{
	const char *ex = getenv("CM_EXAMPLE"), *out;
	char *args;
	cr_assert(asprintf(&args, "check %s", ex) > 0);
	setenv("LC_ALL", "", 1);
	setenv("LC_MESSAGES", "", 1);
	setenv("LANGUAGE", "", 1);
	setenv("LANG", "zh_CN.UTF-8", 1);
	cr_assert_eq(run_cli(args, &out), 0, "%s", out);
	cr_assert(strstr(out, "结论:数据可以求解") && strstr(out, "学生与学位") &&
	          strstr(out, "全县至少缺 74 个学位"), "%s", out);
	cr_assert_null(strstr(out, "Verdict"), "%s", out);
	free(args);
	out = cli_expect(0, "--lang en check %s", ex);
	cr_assert(strstr(out, "Verdict: the data can be solved"), "%s", out);
	setenv("LANG", "C.UTF-8", 1);
	out = cli_expect(0, "check %s", ex);
	cr_assert(strstr(out, "Verdict: the data can be solved"), "%s", out);
}

/* Issue 14: the solve summary, its words for a seat's worth, and the errors
 * users hit most, in Chinese where the environment asks for it; the same
 * run in English with --lang en. */
Test(cli, solve_speaks_chinese, .timeout = 300)
{
	const char *ex = getenv("CM_EXAMPLE"), *out;
	char *dir = tmpdir(), *ini;
	setenv("LC_ALL", "", 1);
	setenv("LC_MESSAGES", "", 1);
	setenv("LANGUAGE", "", 1);
	setenv("LANG", "zh_CN.UTF-8", 1);
	out = cli_expect(0, "solve -o %s/p.gpkg %s", dir, ex);
	cr_assert(strstr(out, "学段") && strstr(out, "缺学位:462 名学生没有学位") &&
	          strstr(out, "增加学位最有效的学校") &&
	          strstr(out, "多一个学位,就多一名学生有学位") && strstr(out, "方案已写入") &&
	          strstr(out, "\n小学 "), "%s", out);
	/* the engine's names stay: ids, the changes layer's name */
	cr_assert(strstr(out, "XX001") && strstr(out, "assignment 图层"), "%s", out);
	cr_assert_null(strstr(out, "Plan written"), "%s", out);
	cr_assert_null(strstr(out, "pupils placed"), "%s", out);
	out = cli_expect(0, "--lang en solve -o %s/p.gpkg %s", dir, ex);
	cr_assert(strstr(out, "Shortfall: 462 pupils without a seat") &&
	          strstr(out, "one more seat here would let one more pupil in") &&
	          strstr(out, "Plan written to"), "%s", out);
	cr_assert_null(strstr(out, "pupils placed"), "%s", out);

	/* errors: a missing layer file, an unknown key, a bad value */
	ini = write_file(dir, "missing.ini", "[input]\nschools = nowhere.geojson\n"
	                                     "compounds = nowhere-either.geojson\n");
	out = cli_expect(1, "check %s", ini);
	cr_assert(strstr(out, "nowhere.geojson:schools 文件不存在或无法读取"), "%s", out);
	free(ini);
	ini = scenario(dir, "schools.geojson", "compounds.geojson", "[policy]\nspeed = 3\n");
	out = cli_expect(1, "check %s", ini);
	cr_assert(strstr(out, "scenario.ini:5: 未知的键 'speed'(在 [policy] 中)"), "%s", out);
	free(ini);
	ini = scenario(dir, "schools.geojson", "compounds.geojson", "[solve]\nassignment = both\n");
	out = cli_expect(1, "solve %s", ini);
	cr_assert(strstr(out, "assignment = 'both':必须是 single 或 split"), "%s", out);
	free(ini);
	free(dir);
}

/* Issue 14: without a terminal (a log), one line per stage with its time and
 * nothing drawn over; -q none. */
Test(cli, progress_for_logs)
{
	const char *ex = getenv("CM_EXAMPLE"), *out;
	out = cli_expect(0, "check %s", ex);
	cr_assert(strstr(out, "reading schools: ") && strstr(out, "\nchecking: "), "%s", out);
	cr_assert(strstr(out, " s\nScenario "), "the stage's time before the report: %s", out);
	cr_assert_null(strchr(out, '\r'), "%s", out);
	cr_assert_null(strstr(out, "\033[K"), "nothing drawn in a log: %s", out);
	/* -q: the example's warnings alone (a county short of junior seats),
	 * no stage, no report */
	out = cli_expect(0, "-q check %s", ex);
	for (const char *line = out; *line; line = strchr(line, '\n') + 1)
		cr_assert(!strncmp(line, "  warning ", 10) && strchr(line, '\n'), "%s", out);
}

static char *example_with(const char *dir, const char *extra, int single);

/* README: "-q prints errors and warnings only".  A fresh user found -q
 * solve silent about a missed quota and 462 pupils without a seat
 * (2026-12-04): the plan's warnings are printed, nothing else. */
Test(cli, quiet_solve_prints_the_plans_warnings)
{
	char *dir = tmpdir();
	const char *out = cli_expect(0, "-q solve -o %s/p.gpkg %s", dir, getenv("CM_EXAMPLE"));
	cr_assert(strstr(out, "MIGRANT QUOTA NOT MET") &&
	          strstr(out, "Shortfall: 462 pupils without a seat"), "%s", out);
	cr_assert_null(strstr(out, "Plan written"), "%s", out);
	cr_assert_null(strstr(out, "mean km"), "no summary table: %s", out);
	/* and each scenario's (a review found them silent); a scenario with
	 * nothing to warn of (no pupils) gets no lone "Scenario NAME:" line */
	char *ini = example_with(dir, "[scenario close]\nclose = XX001\n"
	                              "[scenario zero]\ndemand_scale = 0\n", 1);
	out = cli_expect(0, "-q solve -o %s/q.gpkg %s", dir, ini);
	const char *sc = strstr(out, "Scenario close:\n");
	cr_assert(sc && strstr(sc, "Shortfall: 1317 pupils without a seat"), "%s", out);
	cr_assert_null(strstr(out, "Scenario zero"), "%s", out);
	/* in Chinese a scenario is 情景, as in the comparison's table (the
	 * header said 方案, the word for a plan) */
	out = cli_expect(0, "--lang zh -q solve -o %s/q.gpkg %s", dir, ini);
	cr_assert(strstr(out, "情景 close:\n") && !strstr(out, "情景 zero"), "%s", out);
	/* without -q too, on stdout as the base's summary says its own: a
	 * scenario's missed quota was said only with -q (a review, 2026-12-05) */
	{
		char *args;
		cr_assert(asprintf(&args, "solve -o %s/q.gpkg %s", dir, ini) > 0);
		cr_assert_eq(run_cli_to(args, "2>/dev/null", &out), 0, "%s", out);
		sc = strstr(out, "Scenario close written to ");
		const char *end = sc ? strstr(sc, "Scenarios against the base plan") : NULL;
		const char *quota = sc ? strstr(sc, "MIGRANT QUOTA NOT MET") : NULL;
		cr_assert(end && quota && quota < end && strstr(sc, "Shortfall: 1317 pupils"), "%s",
		          out);
		free(args);
	}
	free(ini);
	free(dir);
}

/* Issue 14: on a terminal (script(1) gives the command one), the progress
 * line is drawn over only while its stage runs: every line the command
 * prints starts a line of its own, and no progress is drawn over one. */
Test(cli, progress_never_overprints, .timeout = 300)
{
	char *dir = tmpdir(), *ini, *cmd, *text, *p;
	size_t len;
	if (system("command -v script >/dev/null 2>&1") != 0)
		cr_skip_test("script(1) is not installed");
	ini = example_with(dir, "[scenario close]\nclose = XX001\n", 1);
	cr_assert(asprintf(&cmd, "script -qec '%s solve --map %s/m.svg -o %s/p.gpkg %s' /dev/null "
	                         ">%s/tty.txt 2>&1 </dev/null", getenv("CM_CLI"), dir, dir, ini,
	                   dir) > 0);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	free(cmd);
	cr_assert(asprintf(&cmd, "%s/tty.txt", dir) > 0);
	text = slurp(cmd, &len);
	cr_assert(text && strstr(text, "%\033[K"), "no progress drawn: %s", text);
	/* a progress line ends where the next one is drawn over it (\r) or
	 * where its stage ends (\n); never with the command's text after it */
	for (p = text; (p = strstr(p, "%\033[K")) != NULL; p++)
		cr_assert(p[4] == '\r' || p[4] == '\n', "drawn over: %.80s", p);
	const char *lines[] = {"Plan written to", "Scenario close written to",
	                       "Scenarios against the base plan", "Plan "};
	for (size_t k = 0; k < sizeof lines / sizeof *lines; k++) {
		p = strstr(text, lines[k]);
		cr_assert(p && p > text && p[-1] == '\n', "'%s' does not start a line: %s", lines[k],
		          text);
	}
	free(cmd);
	free(text);
	free(ini);
	free(dir);
}

/* The bench's city of 5,000 compounds of `seed` (1: the table's city)
 * written into `dir` (bench --modes '' writes the city without solving
 * it), and a configuration for it with
 * `solve` as its [solve] section's keys: the configuration's path. */
static char *bench_city_5000(const char *dir, int seed, const char *solve)
{
	char *cmd, *ini, city[32];
	FILE *fp;
	cr_assert(asprintf(&cmd, "%s --sizes 5000 --seed %d --modes '' --dir %s >/dev/null",
	                   getenv("CM_BENCH"), seed, dir) > 0);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	free(cmd);
	/* (bench names a city of another seed than 1 by it) */
	if (seed == 1)
		snprintf(city, sizeof city, "city-5000");
	else
		snprintf(city, sizeof city, "city-5000-s%d", seed);
	cr_assert(asprintf(&ini, "%s/city.ini", dir) > 0);
	cr_assert_not_null(fp = fopen(ini, "w"));
	fprintf(fp, "[input]\nschools = %s/%s/schools.gpkg\n"
	            "compounds = %s/%s/compounds.gpkg\n[policy]\n"
	            "max_distance_primary_m = 3000\nmax_distance_junior_m = 5000\n"
	            "[solve]\n%s",
	        dir, city, dir, city, solve);
	fclose(fp);
	return ini;
}

/* The gap the progress line shows on a terminal is never below the one
 * the search certifies at the end (the plan only improves and the bound
 * only rises), and no gap in pupil-metres is shown while the policy tier
 * is open: a plan that leaves more local children out is often shorter.
 * Both were wrong on the bench's city of 5,000 compounds (2026-12-04):
 * "0.000% above the bound" while local children were still being placed,
 * and 0.097% during the tree's last dive, the bound of the node it dived
 * from left out, where 0.336% was certified.  (bench --modes '' writes the
 * city without solving it.) */
Test(cli, progress_gap_never_below_the_certified_one, .timeout = 900)
{
	char *dir = tmpdir(), *cmd, *text, *ini;
	const char *lv[2] = {"primary", "junior"};
	size_t len;
	if (system("command -v script >/dev/null 2>&1") != 0)
		cr_skip_test("script(1) is not installed");
	ini = bench_city_5000(dir, 1, "mip_gap = 0.001\n");
	cr_assert(asprintf(&cmd, "script -qec '%s solve -o %s/p.gpkg %s' /dev/null >%s/tty.txt "
	                         "2>&1 </dev/null",
	                   getenv("CM_CLI"), dir, ini, dir) > 0);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	free(cmd);
	cr_assert(asprintf(&cmd, "%s/tty.txt", dir) > 0);
	cr_assert_not_null(text = slurp(cmd, &len));
	for (int l = 0; l < 2; l++) {
		char key[64];
		const char *p;
		double least = HUGE_VAL, final = -1, g;
		int n, shown = 0;
		/* "primary: 27067985 pupil-m, 0.160% above the bound", whole
		 * (the line drawn on a narrow terminal may be cut short) */
		snprintf(key, sizeof key, "%s: ", lv[l]);
		for (p = text; (p = strstr(p, key)) != NULL; p++) {
			double metres;
			n = 0;
			if (sscanf(p + strlen(key), "%lf pupil-m, %lf%% above the bound%n", &metres, &g,
			           &n) == 2 && n > 0) {
				least = fmin(least, g);
				shown++;
			}
		}
		snprintf(key, sizeof key, "%s: single-school plan within ", lv[l]);
		if ((p = strstr(text, key)) != NULL)
			cr_assert_eq(sscanf(p + strlen(key), "%lf", &final), 1);
		else if (snprintf(key, sizeof key, "%s: single-school plan proven optimal", lv[l]),
		         strstr(text, key))
			final = 0;
		cr_assert_geq(final, 0, "%s: no certified gap at the end: %s", lv[l], text);
		cr_assert(shown > 0 || l == 1, "%s: no gap shown: %s", lv[l], text);
		cr_assert_geq(least, final - 0.0005, "%s: %.3f%% shown, %.3f%% certified at the end",
		              lv[l], least, final);
	}
	free(text);
	free(cmd);
	free(ini);
	free(dir);
}

/* Places the neighbourhoods could not bring down to the root's leave the
 * policy tier unsearched unless the search goes on at the plan's places
 * (search.c, places_done).  The bench's 5,000 city of seed 5, primary, at
 * effort 0.7 (about 1.75e9 work, the full budget until 2026-12-05: on the
 * larger one the neighbourhoods settle the tier too, and the message
 * below is not reached): its first plan is 72 pupils above the root's places,
 * the neighbourhoods end 43 above (as their plans count them; the plan
 * re-solved with its choices held settles them) and 141 local children
 * above the root's policy tier; going on at the plan's places, they end
 * 15 above it (2026-12-05).  (Written for the 5,000 city of seed 1 at a
 * fifth of the budget, 2026-12-04: 2,678 above the root's tier before,
 * 890 with places_done; since the first plan's parts keep the local
 * children's weight, that city's first plan settles its places.  The
 * bench's 40,000 city's primary plan, at the full budget: one pupil above
 * the root's places and 28,842 above it in the tier before places_done,
 * at the root's places and 2,124 above it after.)  The plan's message
 * then says how many local children it leaves out against the fewest the
 * bound allows, or, those settled, how far the quota's shortfall is from
 * its bound (it gave the tier's two values alone, then the tier's
 * weighted sum). */
Test(cli, policy_tier_searched_at_places_above_the_root, .timeout = 900)
{
	char *dir = tmpdir(), *cmd, *text, *ini, *p;
	double at_u, at_p, root_p, end_p, root_u, k, sp, sb, lo, least, ps, bs;
	const char *msg;
	size_t len;
	ini = bench_city_5000(dir, 5, "mip_gap = 0.001\neffort = 0.7\n");
	cr_assert(asprintf(&cmd, "%s -vv solve -o %s/p.gpkg %s >%s/log.txt 2>&1 </dev/null",
	                   getenv("CM_CLI"), dir, ini, dir) > 0);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	free(cmd);
	cr_assert(asprintf(&cmd, "%s/log.txt", dir) > 0);
	cr_assert_not_null(text = slurp(cmd, &len));
	cr_assert_not_null(p = strstr(text, "primary: model of "), "%s", text);
	cr_assert_not_null(p = strstr(p, "weighs "), "%s", text);
	cr_assert_eq(sscanf(p, "weighs %lf", &k), 1, "%s", p);
	cr_assert_not_null(p = strstr(text, "primary: search ends after "), "%s", text);
	cr_assert_not_null(p = strstr(p, ", root "));
	cr_assert_eq(sscanf(p, ", root %lf/", &root_u), 1, "%s", p);
	/* the case: places above the root's when the neighbourhoods end, the
	 * tier well above */
	cr_assert_not_null(p = strstr(text, "primary: places above the root's, the neighbourhoods go "
	                                    "on at them, "),
	                   "places settled: the test needs them open\n%s", text);
	cr_assert_eq(sscanf(strstr(p, "them, "), "them, %lf without a place, policy %lf (root %lf)",
	                    &at_u, &at_p, &root_p), 3, "%s", p);
	cr_assert_gt(at_u, root_u + 0.5, "%s", p);
	cr_assert_gt(at_p, root_p + 10 * k, "%s", p);
	cr_assert_not_null(p = strstr(text, "primary: after neighbourhoods at the plan's places, "),
	                   "%s", text);
	cr_assert_eq(sscanf(p, "primary: after neighbourhoods at the plan's places, %*f without a "
	                       "place, policy %lf", &end_p), 1, "%s", p);
	cr_assert_leq(end_p - root_p, (at_p - root_p) / 2,
	              "policy tier: at the places above %.0f, after %.0f, root %.0f", at_p, end_p,
	              root_p);
	/* the message of a plan that settles its places, not its tier */
	cr_assert_not_null(p = strstr(text, "primary: search ends after "), "%s", text);
	cr_assert_not_null(p = strstr(p, ": plan "));
	cr_assert_eq(sscanf(p, ": plan %*f/%lf/%*f, bound %*f/%lf/", &sp, &sb), 2, "%s", p);
	cr_assert_gt(sp, sb, "%s", p);
	cr_assert_not_null(msg = strstr(text, "primary: single-school plan with the fewest"),
	                   "%s", text);
	if ((p = strchr(msg, '\n')) != NULL)
		*p = '\0'; /* (primary's message alone) */
	if ((p = strstr(msg, "policy rows): this plan leaves ")) != NULL) {
		cr_assert_eq(sscanf(p, "policy rows): this plan leaves %lf local children without "
		                       "a place, where every plan leaves at least %lf (",
		                    &lo, &least), 2, "%s", p);
		cr_assert_gt(lo, least, "%s", p);
		cr_assert_geq(least, 0);
	} else {
		cr_assert_not_null(p = strstr(msg, "this plan is "), "%s", msg);
		cr_assert_eq(sscanf(p, "this plan is %lf pupils short of them, the bound %lf (",
		                    &ps, &bs), 2, "%s", p);
		cr_assert_float_eq(ps - bs, sp - sb, 0.1);
	}
	free(text);
	free(cmd);
	free(ini);
	free(dir);
}

Test(cli, enrolment_ranges)
{
	char *dir = tmpdir(), *ini, *args, *text;
	ini = scenario(dir, "schools_cn.csv", "compounds.geojson", "schools_source_crs = EPSG:4326\n");
	cli_expect(0, "solve -o %s/p.gpkg --ranges %s/r.csv %s", dir, dir, ini);
	cr_assert(asprintf(&args, "%s/r.csv", dir) > 0);
	text = slurp(args, NULL);
	/* a BOM, then Chinese headers (docs/output.md "Tables") */
	cr_assert(text && !strncmp(text, "\xEF\xBB\xBF学段,学校代码,学校名称,学位,招生,小区代码", 3 + 59),
	          "%s", text);
	cr_assert(strstr(text, "primary,S1,北城小学,90,"), "%s", text);
	free(text);
	free(args);
	cli_expect(0, "-q solve -o %s/p.gpkg -r %s/r.md %s", dir, dir, ini);
	cr_assert(asprintf(&args, "%s/r.md", dir) > 0);
	text = slurp(args, NULL);
	cr_assert(text && strstr(text, "### 北城小学 (S1)") && strstr(text, "| 小区代码 | 小区名称 |"),
	          "%s", text);
	cr_assert_null(strstr(text, "育才学校"), "private schools publish no range");
	free(text);
	free(args);
	free(ini);
	free(dir);
}

/* ------------------------------------------------------------ killed runs */

#include <cpl_conv.h>
#include <gdal.h>
#include <ogr_api.h>

/* The ranges read back with GDAL from a table at `path`: the first row's
 * school and compound ids, and the first header. */
static void table_first_row(const char *path, char *school, char *compound, char *header)
{
	GDALDatasetH g = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
	OGRLayerH lyr;
	OGRFeatureH f;
	cr_assert(g, "cannot open %s", path);
	lyr = GDALDatasetGetLayer(g, 0);
	snprintf(header, 64, "%s", OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(OGR_L_GetLayerDefn(lyr), 1)));
	OGR_L_ResetReading(lyr);
	f = OGR_L_GetNextFeature(lyr);
	cr_assert(f, "%s: no rows", path);
	snprintf(school, 64, "%s", OGR_F_GetFieldAsString(f, 1));
	snprintf(compound, 64, "%s", OGR_F_GetFieldAsString(f, 5));
	OGR_F_Destroy(f);
	GDALClose(g);
}

/* Issue 14: tables for offices.  The ranges as XLSX and as CSV with a BOM
 * read back with GDAL: Chinese headers, ids with leading zeros kept (as
 * text, not numbers); csv_bom = no and headers = en give the plain CSV. */
Test(cli, ranges_for_offices)
{
	tschool s[] = {{"007", "primary", "public", 90, 0, 0, 0, 0, 0, 0}};
	tcomp c[] = {{"0012", "urban", 20, 3, 0, 0, 300, 0}, {"0100", "urban", 10, 0, 0, 0, 0, 400}};
	char *path, school[64], compound[64], header[64], *text;
	tiny t;
	cm_ctx *ctx;
	GDALAllRegister();
	tiny_solve(&t, s, 1, c, 2, "");
	cr_assert_eq(cm_ctx_new(&ctx), 0);
	cr_assert(asprintf(&path, "%s/r.xlsx", t.dir) > 0);
	cr_assert_eq(cm_ranges_write(ctx, t.plan, path), 0, "%s", cm_ctx_last_error(ctx));
	table_first_row(path, school, compound, header);
	cr_assert_str_eq(header, "学校代码");
	cr_assert_str_eq(school, "007");
	cr_assert_str_eq(compound, "0012");
	free(path);
	cr_assert(asprintf(&path, "%s/r.csv", t.dir) > 0);
	cr_assert_eq(cm_ranges_write(ctx, t.plan, path), 0, "%s", cm_ctx_last_error(ctx));
	text = slurp(path, NULL);
	cr_assert(text && !memcmp(text, "\xEF\xBB\xBF", 3), "no byte-order mark");
	free(text);
	table_first_row(path, school, compound, header);
	cr_assert_str_eq(header, "学校代码");
	cr_assert_str_eq(school, "007");
	cr_assert_str_eq(compound, "0012");
	/* the plain CSV, as before: no BOM, the engine's names */
	t.cfg->output.csv_bom = 0;
	t.cfg->output.headers = strdup("en");
	cr_assert_eq(cm_ranges_write(ctx, t.plan, path), 0, "%s", cm_ctx_last_error(ctx));
	text = slurp(path, NULL);
	cr_assert(text && !strncmp(text, "level,school_id,school_name,seats,enrolled,compound_id,", 55),
	          "%s", text);
	cr_assert(strstr(text, "primary,007,"), "%s", text);
	free(text);
	free(path);
	cm_ctx_free(ctx);
	tiny_free(&t);
}
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

/* Starts `catchment -q solve INI -o target --format fmt` and kills it
 * (SIGKILL, nothing to clean up with) as soon as its temporary output
 * exists, `extra_ms` later.  Returns 1 when the kill landed while it was
 * writing (the temporary output was still there), 0 when the run had
 * finished first. */
static int kill_while_writing(const char *ini, const char *target, const char *fmt, int extra_ms)
{
	const char *cli = getenv("CM_CLI");
	char tmp[4200];
	struct stat st;
	int status, waited = 0, seen = 0;
	pid_t pid;
	cr_assert(cli, "CM_CLI is not set");
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		execl(cli, cli, "-q", "solve", ini, "-o", target, "--format", fmt, (char *)NULL);
		_exit(127);
	}
	snprintf(tmp, sizeof tmp, "%s.tmp-%ld", target, (long)pid);
	if (strcmp(fmt, "gpkg")) { /* folders drop the extension */
		char bare[4000], *dot;
		snprintf(bare, sizeof bare, "%s", target);
		dot = strrchr(bare, '.');
		if (dot)
			*dot = '\0';
		snprintf(tmp, sizeof tmp, "%s.tmp-%ld", bare, (long)pid);
	}
	/* up to 60 s on a loaded machine */
	for (int i = 0; i < 60000 && !seen; i++) {
		struct timespec ms = {0, 1000000};
		seen = stat(tmp, &st) == 0;
		if (!seen && waitpid(pid, &status, WNOHANG) == pid) {
			waited = 1;
			break;
		}
		if (!seen)
			nanosleep(&ms, NULL);
	}
	if (seen && extra_ms) {
		struct timespec d = {0, extra_ms * 1000000L};
		nanosleep(&d, NULL);
	}
	kill(pid, SIGKILL);
	if (!waited)
		waitpid(pid, &status, 0);
	return seen && stat(tmp, &st) == 0;
}

/* 1 when `path` is a whole plan: it opens and has every layer. */
static int plan_complete(const char *path, const char *fmt)
{
	const char *layers[] = {"assignment", "schools", "summary", "catchments", "compounds",
	                        "zones", "boundary"};
	char p[4096];
	GDALDatasetH g;
	int ok = 1;
	if (!strcmp(fmt, "gpkg"))
		snprintf(p, sizeof p, "%s", path);
	else
		snprintf(p, sizeof p, "%.*s", (int)(strlen(path) - 4), path);
	GDALAllRegister();
	g = GDALOpenEx(p, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
	for (int i = 0; g && i < 7; i++)
		ok = ok && GDALDatasetGetLayerByName(g, layers[i]) != NULL &&
		     OGR_L_GetFeatureCount(GDALDatasetGetLayerByName(g, layers[i]), 1) > 0;
	if (g)
		GDALClose(g);
	return g && ok;
}

/* Issue 4: a run killed while writing leaves no output that looks
 * complete; an older plan at the same path stays whole; the next run
 * clears what the killed one left. */
Test(cli, killed_while_writing, .timeout = 600)
{
	const char *ex = getenv("CM_EXAMPLE");
	const char *fmts[] = {"gpkg", "shp"};
	char ini[4096], *dir = tmpdir();
	cr_assert(ex, "CM_EXAMPLE is not set");
	snprintf(ini, sizeof ini, "%.*s-split.ini", (int)(strlen(ex) - 4), ex);
	for (int k = 0; k < 2; k++) {
		char target[4096], folder[4096], *args, *before, *after;
		size_t lb, la;
		struct stat st;
		int mid = 0;
		snprintf(target, sizeof target, "%s/plan-%d.%s", dir, k, fmts[k]);
		snprintf(folder, sizeof folder, "%s/plan-%d", dir, k);
		const char *final = k == 0 ? target : folder;
		/* 1. nothing there yet: a killed run leaves nothing that looks like a plan */
		for (int extra = 0; extra <= 20 && !mid; extra += 10)
			mid = kill_while_writing(ini, target, fmts[k], extra);
		cr_assert(mid, "%s: no kill landed while writing", fmts[k]);
		cr_assert(stat(final, &st) != 0, "%s: a killed run left %s", fmts[k], final);
		/* 2. a full run succeeds and clears the leftovers, SQLite's journal
		 * of a killed GeoPackage too (made here: whether a kill leaves one
		 * depends on when it lands) */
		if (k == 0) {
			pid_t dead = fork();
			char journal[4200];
			FILE *fp;
			if (dead == 0)
				_exit(0);
			waitpid(dead, NULL, 0);
			snprintf(journal, sizeof journal, "%s.tmp-%ld-journal", target, (long)dead);
			cr_assert((fp = fopen(journal, "w")) != NULL);
			fclose(fp);
		}
		cli_expect(0, "-q solve %s -o %s --format %s", ini, target, fmts[k]);
		cr_assert(plan_complete(target, fmts[k]), "%s: the plan is not whole", fmts[k]);
		cr_assert(asprintf(&args, "ls %s | grep -c 'plan-%d.*tmp-' > /dev/null", dir, k) > 0);
		cr_assert_neq(system(args), 0, "%s: temporary output left behind", fmts[k]);
		free(args);
		/* 3. killed again while rewriting: the old plan stays as it was */
		if (k == 0) {
			before = slurp(target, &lb);
			mid = 0;
			for (int extra = 0; extra <= 20 && !mid; extra += 10)
				mid = kill_while_writing(ini, target, fmts[k], extra);
			cr_assert(mid, "no kill landed while rewriting");
			after = slurp(target, &la);
			cr_assert(before && after && la == lb && !memcmp(before, after, la),
			          "the old plan changed under a killed run");
			free(before);
			free(after);
		} else {
			mid = 0;
			for (int extra = 0; extra <= 20 && !mid; extra += 10)
				mid = kill_while_writing(ini, target, fmts[k], extra);
			cr_assert(mid, "no kill landed while rewriting");
			cr_assert(plan_complete(target, fmts[k]), "the old folder plan is not whole");
		}
	}
	free(dir);
}

/* ------------------------------------------------------------ scenarios */

/* The example county (split mode, or single with `single`) with `extra`. */
static char *example_with(const char *dir, const char *extra, int single)
{
	const char *ex = getenv("CM_EXAMPLE"), *geo = getenv("CM_GEODATA");
	char path[4096], *text, *p, *out;
	size_t len;
	cr_assert(ex && geo, "CM_EXAMPLE or CM_GEODATA is not set");
	snprintf(path, sizeof path, "%.*s%s.ini", (int)(strlen(ex) - 4), ex, single ? "" : "-split");
	text = slurp(path, &len);
	cr_assert(text);
	/* the example's paths are relative to examples/ */
	FILE *fp = open_memstream(&out, &len);
	for (p = text; *p; p++) {
		if (!strncmp(p, "../geodata", 10)) {
			fputs(geo, fp);
			p += 9;
		} else {
			fputc(*p, fp);
		}
	}
	fprintf(fp, "\n%s", extra);
	fclose(fp);
	free(text);
	p = write_file(dir, "county.ini", out);
	free(out);
	return p;
}

/* [solve] node_limit stops the neighbourhoods too, not the tree alone: a
 * fresh user set 1 and the example's search went on to 159 relaxations
 * (2026-12-04; at 200: 273 and 325).  The first plan is made whatever it
 * takes, and what is under way is finished: a little over the limit. */
Test(cli, node_limit_stops_the_neighbourhoods)
{
	char *dir = tmpdir(), *ini = example_with(dir, "[solve]\nnode_limit = 200\n", 1);
	const char *lv[2] = {"primary: ", "junior: "};
	const char *out = cli_expect(0, "solve -o %s/p.gpkg %s", dir, ini);
	for (int l = 0; l < 2; l++) {
		const char *p = strstr(out, lv[l]);
		long n = -1;
		while (p && !strstr(p, "relaxations"))
			p = strstr(p + 1, lv[l]);
		/* "primary: single-school plan ... (219 relaxations; ...)" */
		for (; p && *p && *p != '\n'; p++)
			if (*p == '(' && sscanf(p, "(%ld relaxations", &n) == 1)
				break;
		cr_assert(n > 0 && n <= 260, "%s: %ld relaxations for a limit of 200: %s", lv[l], n, out);
	}
	free(ini);
	free(dir);
}

/* One CSV row's field `k` (0-based) for scenario `name`, level `level`:
 * where it starts. */
static const char *csv_at(const char *csv, const char *name, const char *level, int k)
{
	char key[256];
	const char *line;
	snprintf(key, sizeof key, "\n%s,%s,", name, level);
	line = strstr(csv, key);
	cr_assert(line, "no row %s,%s in\n%s", name, level, csv);
	line++;
	for (int i = 0; i < k; i++) {
		line = strchr(line, ',');
		cr_assert(line);
		line++;
	}
	return line;
}

/* The field as a whole number (-1: empty). */
static long csv_field(const char *csv, const char *name, const char *level, int k)
{
	const char *f = csv_at(csv, name, level, k);
	return *f == ',' ? -1 : atol(f);
}

/* The same as a real number (the gap). */
static double csv_real(const char *csv, const char *name, const char *level, int k)
{
	const char *f = csv_at(csv, name, level, k);
	return *f == ',' ? -1 : strtod(f, NULL);
}

/* Plan b's catchments have plan a's colour, school by school and level by
 * level; returns how many were compared. */
static int same_colours(const char *a, const char *b)
{
	GDALDatasetH ga = GDALOpenEx(a, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
	GDALDatasetH gb = GDALOpenEx(b, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
	OGRLayerH la, lb;
	OGRFeatureH f, h;
	int n = 0;
	cr_assert(ga && gb);
	la = GDALDatasetGetLayerByName(ga, "catchments");
	lb = GDALDatasetGetLayerByName(gb, "catchments");
	cr_assert(la && lb);
	OGR_L_ResetReading(lb);
	while ((f = OGR_L_GetNextFeature(lb))) {
		const char *id = OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "school_id"));
		const char *lv = OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "level"));
		const char *col = OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "color"));
		OGR_L_ResetReading(la);
		while ((h = OGR_L_GetNextFeature(la))) {
			if (!strcmp(id, OGR_F_GetFieldAsString(h, OGR_F_GetFieldIndex(h, "school_id"))) &&
			    !strcmp(lv, OGR_F_GetFieldAsString(h, OGR_F_GetFieldIndex(h, "level")))) {
				cr_assert_str_eq(col, OGR_F_GetFieldAsString(h, OGR_F_GetFieldIndex(h, "color")),
				                 "%s (%s): another colour in %s", id, lv, b);
				n++;
			}
			OGR_F_Destroy(h);
		}
		OGR_F_Destroy(f);
	}
	GDALClose(ga);
	GDALClose(gb);
	return n;
}

/* Issue 6: closing a school moves its compounds and, with a high stability
 * weight, nobody else; growth shows where the shortfall appears. */
/* A near-school minimum is a side row: GLPK's LP at every node, not the
 * network.  Its first plan comes from the network without the row, so the
 * places are settled however slow GLPK's nodes are: on the example county
 * the level used to take 427 s (the rounding of each plan's flows by
 * GLPK's branch and cut had no limit) and, given a budget, to end dozens
 * of pupils above the fewest without a place. */
Test(cli, near_share_single_mode_settles_places, .timeout = 900)
{
	char *dir = tmpdir(), p[4200];
	const char *out;
	char *ini = example_with(dir, "[policy]\nnear_share_min_primary = 0.5\n", 1);
	GDALDatasetH g;
	OGRLayerH l;
	OGRFeatureH f;
	int rows = 0;
	out = cli_expect(0, "solve -o %s/p.gpkg %s", dir, ini);
	cr_assert(!strstr(out, "no plan leaves fewer than"), "%s", out);
	GDALAllRegister();
	snprintf(p, sizeof p, "%s/p.gpkg", dir);
	g = GDALOpenEx(p, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
	cr_assert(g && (l = GDALDatasetGetLayerByName(g, "summary")) != NULL);
	while ((f = OGR_L_GetNextFeature(l)) != NULL) {
		long u = OGR_F_GetFieldAsInteger(f, OGR_F_GetFieldIndex(f, "unplaced"));
		long lp = OGR_F_GetFieldAsInteger(f, OGR_F_GetFieldIndex(f, "lp_unplaced"));
		long b = OGR_F_GetFieldAsInteger(f, OGR_F_GetFieldIndex(f, "bound_unplaced"));
		cr_assert_eq(u, lp, "%s: %ld without a place, the relaxation %ld",
		             OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "level")), u, lp);
		cr_assert_eq(u, b);
		rows++;
		OGR_F_Destroy(f);
	}
	cr_assert_eq(rows, 2);
	GDALClose(g);
	free(ini);
	free(dir);
}

/* No two of the files a solve writes are one: the ranges asked for at
 * PLAN-scenarios.csv were overwritten by the scenarios' comparison, and a
 * [scenario scenarios]'s ranges were the comparison's file, both exit 0.
 * Now refused before anything is read, naming both; nothing written. */
Test(cli, two_outputs_never_share_a_file)
{
	char *dir = tmpdir(), *ini = example_with(dir, "[scenario close]\nclose = XX001\n", 1);
	char *sub = tmpdir(), *ini2 = example_with(sub, "[scenario scenarios]\nclose = XX001\n", 1);
	char path[4200];
	const char *out;
	struct stat st;
	out = cli_expect(1, "-q solve -o %s/plan.gpkg -r %s/plan-scenarios.csv %s", dir, dir, ini);
	cr_assert(strstr(out, "--ranges") && strstr(out, "comparison") &&
	          strstr(out, "plan-scenarios.csv"), "%s", out);
	out = cli_expect(1, "-q solve -o %s/x.gpkg -r %s/x.csv %s", dir, dir, ini2);
	cr_assert(strstr(out, "[scenario scenarios] --ranges") && strstr(out, "x-scenarios.csv"),
	          "%s", out);
	out = cli_expect(1, "-q solve -o %s/x.gpkg -r %s/X.gpkg %s", dir, dir, ini);
	cr_assert(strstr(out, "--ranges"), "%s", out);
	snprintf(path, sizeof path, "%s/plan.gpkg", dir);
	cr_assert(stat(path, &st) != 0, "a plan was written");
	snprintf(path, sizeof path, "%s/x.gpkg", dir);
	cr_assert(stat(path, &st) != 0, "a plan was written");
	free(ini);
	free(ini2);
	free(sub);
	free(dir);
}

/* The report is an HTML page, named so: `report -o schools.geojson` (a
 * slip) wrote the page over the data, exit 0. */
Test(cli, a_report_is_named_html, .timeout = 300)
{
	char *dir = tmpdir(), *data = write_file(dir, "schools.geojson", "keep"), *text, plan[4200];
	char *ini = example_with(dir, "", 0);
	const char *out;
	size_t len;
	snprintf(plan, sizeof plan, "%s/p.gpkg", dir);
	cli_expect(0, "-q solve -o %s %s", plan, ini);
	out = cli_expect(2, "report %s -o %s", plan, data);
	cr_assert(strstr(out, ".html"), "%s", out);
	out = cli_expect(2, "solve --report %s/r.pdf %s", dir, ini);
	cr_assert(strstr(out, ".html"), "%s", out);
	text = slurp(data, &len);
	cr_assert(text && !strcmp(text, "keep"));
	free(text);
	cli_expect(0, "-q report %s -o %s/r.HTM", plan, dir);
	free(data);
	free(ini);
	free(dir);
}

/* publish replaces its folder whole, so a folder holding more than what it
 * writes is refused, naming the first such file: a logo and a notices
 * folder added to the page were deleted, exit 0 (an attack). */
Test(cli, publish_keeps_what_is_not_ours, .timeout = 300)
{
	char *dir = tmpdir(), *logo, plan[4200], site[4300], *ini = example_with(dir, "", 0);
	const char *out;
	struct stat st;
	snprintf(plan, sizeof plan, "%s/p.gpkg", dir);
	cli_expect(0, "-q solve -o %s %s", plan, ini);
	free(ini);
	snprintf(site, sizeof site, "%s/www", dir);
	cli_expect(0, "-q publish %s -o %s", plan, site);
	cli_expect(0, "-q publish %s -o %s", plan, site); /* its own files: replaced */
	logo = write_file(site, "logo.png", "png");
	out = cli_expect(1, "-q publish %s -o %s", plan, site);
	cr_assert(strstr(out, "logo.png") && strstr(out, "did not write"), "%s", out);
	cr_assert(stat(logo, &st) == 0, "the logo was deleted");
	free(logo);
	free(dir);
}

/* One summary row's figures (level "primary" or "junior"). */
typedef struct sumrow {
	long unplaced, proven;
	double metres, bound; /* bound: -1 when NULL */
} sumrow;

static sumrow summary_row(const char *path, const char *level)
{
	sumrow r = {-1, -1, -1, -1};
	GDALDatasetH g;
	OGRLayerH l;
	OGRFeatureH f;
	GDALAllRegister();
	g = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
	cr_assert(g && (l = GDALDatasetGetLayerByName(g, "summary")) != NULL, "%s", path);
	while ((f = OGR_L_GetNextFeature(l)) != NULL) {
		int b = OGR_F_GetFieldIndex(f, "bound");
		if (!strcmp(OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "level")), level)) {
			r.unplaced = OGR_F_GetFieldAsInteger(f, OGR_F_GetFieldIndex(f, "unplaced"));
			r.proven = OGR_F_GetFieldAsInteger(f, OGR_F_GetFieldIndex(f, "proven"));
			r.metres = OGR_F_GetFieldAsDouble(f, OGR_F_GetFieldIndex(f, "pupil_metres"));
			r.bound = OGR_F_IsFieldSetAndNotNull(f, b) ? OGR_F_GetFieldAsDouble(f, b) : -1;
		}
		OGR_F_Destroy(f);
	}
	GDALClose(g);
	cr_assert(r.unplaced >= 0, "%s: no summary row for %s", path, level);
	return r;
}

/* The bound a GLPK search reports holds: the example county's single-school
 * plan on GLPK (the path of the side rows) against the network's plan of
 * the same model.  GLPK gives 461.99999999999994 for 462 pupils; compared
 * with no tolerance, a node at that count sorted below every node at 462
 * and its pupil-metres became the bound: "proven optimal" at 53,757,781
 * pupil-m where the network's plan has 52,314,245. */
Test(cli, a_glpk_bound_holds, .timeout = 900)
{
	const char *lv[] = {"primary", "junior"};
	char *dir = tmpdir(), *gini, *nini, gp[4200], np[4200];
	char *sub = tmpdir();
	gini = example_with(dir, "[solve]\nsolver = glpk\n", 1);
	nini = example_with(sub, "", 1);
	snprintf(gp, sizeof gp, "%s/glpk.gpkg", dir);
	snprintf(np, sizeof np, "%s/network.gpkg", dir);
	cli_expect(0, "-q solve -o %s %s", gp, gini);
	cli_expect(0, "-q solve -o %s %s", np, nini);
	for (int k = 0; k < 2; k++) {
		sumrow g = summary_row(gp, lv[k]), n = summary_row(np, lv[k]);
		if (g.bound < 0)
			continue; /* places not settled: no bound on pupil-metres claimed */
		cr_assert(g.bound <= g.metres * (1 + 1e-9), "%s: bound %.1f above the plan %.1f", lv[k],
		          g.bound, g.metres);
		if (n.unplaced == g.unplaced)
			cr_assert(g.bound <= n.metres * (1 + 1e-9),
			          "%s: GLPK's bound %.1f above the network's plan %.1f (GLPK's plan %.1f, "
			          "proven %ld)", lv[k], g.bound, n.metres, g.metres, g.proven);
		if (g.proven == 1)
			cr_assert(g.unplaced <= n.unplaced && g.metres <= n.metres * (1 + 1e-6),
			          "%s: GLPK's plan %ld / %.1f called optimal, the network's is %ld / %.1f",
			          lv[k], g.unplaced, g.metres, n.unplaced, n.metres);
	}
	free(gini);
	free(nini);
	free(sub);
	free(dir);
}

/* The root's relaxation bounds every plan, whatever mip_gap lets the
 * search drop: a review's scenario of the example county (a stability
 * weight, one compound's pupils gone) reported the primary plan
 * 52,506,039 pupil-m against a bound of 52,479,787 and "not proven",
 * while its own lp_bound was 52,506,006 (the plan within 6.3e-7 of it). */
Test(cli, the_bound_is_never_below_the_relaxation, .timeout = 300)
{
	const char *lv[] = {"primary", "junior"};
	char *dir = tmpdir(), path[4200];
	char *ini = example_with(dir, "[solve]\nstability_weight = 100000\n"
	                              "[scenario empty]\ndemand = XQ0045:0\n", 1);
	int checked = 0;
	cli_expect(0, "-q solve -o %s/p.gpkg %s", dir, ini);
	snprintf(path, sizeof path, "%s/p-empty.gpkg", dir);
	for (int k = 0; k < 2; k++) {
		sumrow r = summary_row(path, lv[k]);
		GDALDatasetH g = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
		OGRLayerH l = g ? GDALDatasetGetLayerByName(g, "summary") : NULL;
		OGRFeatureH f;
		double lp = -1, gap = -1;
		long lpu = -1;
		cr_assert(l, "%s", path);
		while ((f = OGR_L_GetNextFeature(l)) != NULL) {
			if (!strcmp(OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "level")), lv[k])) {
				lp = OGR_F_GetFieldAsDouble(f, OGR_F_GetFieldIndex(f, "lp_bound"));
				gap = OGR_F_GetFieldAsDouble(f, OGR_F_GetFieldIndex(f, "mip_gap"));
				lpu = OGR_F_GetFieldAsInteger(f, OGR_F_GetFieldIndex(f, "lp_unplaced"));
			}
			OGR_F_Destroy(f);
		}
		GDALClose(g);
		if (r.bound < 0 || lpu != r.unplaced)
			continue;
		cr_assert(r.bound >= lp * (1 - 1e-12), "%s: bound %.3f below the relaxation's %.3f",
		          lv[k], r.bound, lp);
		/* proven where the certified gap is within 1e-6 (before, a plan
		 * within 1e-6 of its relaxation had a bound below it, unproven) */
		cr_assert_eq(r.proven, gap <= 1e-6, "%s: mip_gap %g, proven %ld", lv[k], gap,
		             r.proven);
		checked++;
	}
	/* (the scenario's primary level: the whole-compound bound proves the
	 * plan's gap, its value capped at the plan less mip_gap, below the
	 * relaxation's: the case the bound is held at) */
	cr_assert(checked > 0, "no level's bound was compared with its relaxation");
	free(ini);
	free(dir);
}

/* A folder plan's layer files are the plan: report, publish and compare
 * refuse to write into the folder (report -o plan/summary.geojson replaced
 * the summary with HTML, and the plan could not be read again). */
Test(cli, outputs_never_go_into_a_folder_plan, .timeout = 300)
{
	char *dir = tmpdir(), *ini = example_with(dir, "", 0);
	const char *out;
	out = cli_expect(0, "-q solve -o %s/plan.geojson %s", dir, ini);
	out = cli_expect(2, "-q report %s/plan -o %s/plan/summary.geojson", dir, dir);
	cr_assert(strstr(out, "inside it"), "%s", out);
	out = cli_expect(2, "-q publish %s/plan.geojson -o %s/plan/www", dir, dir);
	out = cli_expect(1, "-q compare %s/plan %s/plan -o %s/plan/assignment.csv", dir, dir, dir);
	/* the plan reads as before */
	out = cli_expect(0, "-q export %s/plan -o %s/again.gpkg", dir, dir);
	free(ini);
	free(dir);
}

/* An output never replaces what is not ours: a pipe or a device (as root
 * `report -o /dev/null` renamed a file over the device), a layer someone
 * added to a GeoPackage plan, a file someone put in a folder plan (an
 * attack: each was replaced, exit 0). */
Test(cli, outputs_keep_what_is_not_ours, .timeout = 300)
{
	char *dir = tmpdir(), *ini = example_with(dir, "", 0), fifo[4200], *notes, *text;
	const char *out;
	struct stat st;
	out = cli_expect(0, "-q solve -o %s/p.gpkg %s", dir, ini);
	snprintf(fifo, sizeof fifo, "%s/pipe.html", dir);
	cr_assert_eq(mkfifo(fifo, 0600), 0);
	out = cli_expect(1, "-q report %s/p.gpkg -o %s", dir, fifo);
	cr_assert(strstr(out, "refusing to replace it"), "%s", out);
	cr_assert(stat(fifo, &st) == 0 && S_ISFIFO(st.st_mode), "the pipe was replaced");
	snprintf(fifo, sizeof fifo, "%s/pipe", dir);
	cr_assert_eq(mkfifo(fifo, 0600), 0);
	out = cli_expect(1, "-q compare %s/p.gpkg %s/p.gpkg -o %s", dir, dir, fifo);
	cr_assert(stat(fifo, &st) == 0 && S_ISFIFO(st.st_mode), "the pipe was replaced");
	/* a link to the pipe counts as the pipe (a link to /dev/null was replaced) */
	char link[4200];
	snprintf(link, sizeof link, "%s/link.html", dir);
	cr_assert_eq(symlink(fifo, link), 0);
	out = cli_expect(1, "-q report %s/p.gpkg -o %s", dir, link);
	cr_assert(strstr(out, "refusing to replace it"), "%s", out);
	cr_assert(lstat(link, &st) == 0 && S_ISLNK(st.st_mode), "the link was replaced");
	/* a layer of one's own in the GeoPackage */
	notes = write_file(dir, "notes.geojson", "{\"type\":\"FeatureCollection\",\"features\":[]}");
	out = cli_expect(0, "-q export %s/p.gpkg -o %s/q.gpkg", dir, dir);
	cr_assert(asprintf(&text, "ogr2ogr -q -update -f GPKG %s/q.gpkg %s -nln my_notes", dir,
	                   notes) > 0);
	cr_assert_eq(system(text), 0, "%s", text);
	free(text);
	out = cli_expect(1, "-q solve -o %s/q.gpkg %s", dir, ini);
	cr_assert(strstr(out, "layer 'my_notes' that is not the plan's"), "%s", out);
	out = cli_expect(1, "-q export %s/p.gpkg -o %s/q.gpkg", dir, dir);
	cr_assert(strstr(out, "layer 'my_notes' that is not the plan's"), "%s", out);
	cr_assert(asprintf(&text, "ogrinfo -q -so %s/q.gpkg my_notes >/dev/null", dir) > 0);
	cr_assert_eq(system(text), 0, "the notes layer is gone");
	free(text);
	/* a file of one's own in a folder plan; without it the folder is ours */
	out = cli_expect(0, "-q export %s/p.gpkg -o %s/f.csv", dir, dir);
	free(write_file(dir, "f/notes.txt", "mine\n"));
	out = cli_expect(1, "-q export %s/p.gpkg -o %s/f.csv", dir, dir);
	cr_assert(strstr(out, "a file 'notes.txt' that is not the plan's"), "%s", out);
	/* a layer's name with another extension is someone's too (a save-as
	 * from a spreadsheet); a file manager's .DS_Store is nobody's */
	free(write_file(dir, "f/summary.xlsx", "x"));
	out = cli_expect(1, "-q export %s/p.gpkg -o %s/f.csv", dir, dir);
	cr_assert(strstr(out, "a file 'summary.xlsx'") || strstr(out, "a file 'notes.txt'"), "%s",
	          out);
	snprintf(fifo, sizeof fifo, "%s/f/notes.txt", dir);
	cr_assert_eq(stat(fifo, &st), 0, "the folder's own file was lost");
	free(notes);
	free(ini);
	free(dir);
}

/* A name longer than a shapefile's .dbf holds was cut without a word (an
 * attack: 3,000 characters became 84); the shapefile plan says so. */
Test(cli, a_shapefile_says_what_it_cut, .timeout = 300)
{
	char *dir = tmpdir(), *csv = slurp(fixture("schools_cn.csv"), NULL), *schools, *ini, *text;
	char name[700] = "";
	const char *out;
	cr_assert(csv);
	for (int i = 0; i < 100; i++)
		strcat(name, "北城"); /* 600 bytes */
	text = strstr(csv, "北城小学");
	cr_assert(text);
	cr_assert(asprintf(&text, "%.*s%s%s", (int)(text - csv), csv, name, text + strlen("北城小学")) > 0);
	schools = write_file(dir, "schools.csv", text);
	ini = scenario(dir, schools, "compounds.geojson", "schools_source_crs = EPSG:4326\n");
	out = cli_expect(0, "solve -o %s/p.shp %s", dir, ini);
	cr_assert(strstr(out, "text values are longer than a shapefile holds (254 bytes) and were "
	                 "cut (the first: layer "), "%s", out);
	out = cli_expect(0, "solve -o %s/p.gpkg %s", dir, ini);
	cr_assert_null(strstr(out, "shapefile holds"), "%s", out);
	free(text);
	free(csv);
	free(schools);
	free(ini);
	free(dir);
}

/* Last year's plan with primary rows only: the junior level has none to
 * be held to, and said "0 pupils at another school", never measured (an
 * attack). */
Test(cli, a_level_last_year_lacks_has_no_moves_line, .timeout = 300)
{
	char *dir = tmpdir(), *ini = example_with(dir, "", 1), *cmd, *extra;
	const char *out;
	out = cli_expect(0, "-q solve -o %s/last.gpkg %s", dir, ini);
	cr_assert(asprintf(&cmd, "ogr2ogr -f CSV %s/primary.csv %s/last.gpkg assignment -where "
	                         "\"level = 'primary'\"", dir, dir) > 0);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	free(cmd);
	free(ini);
	cr_assert(asprintf(&extra, "[input]\nprevious_plan = %s/primary.csv\n", dir) > 0);
	ini = example_with(dir, extra, 1);
	out = cli_expect(0, "solve -o %s/p.gpkg %s", dir, ini);
	const char *junior = strstr(out, "\njunior\n");
	cr_assert(junior, "%s", out);
	const char *primary = strstr(out, "Against last year's plan");
	cr_assert(primary && primary < junior, "%s", out);
	cr_assert_null(strstr(junior, "Against last year's plan"), "%s", out);
	free(extra);
	free(ini);
	free(dir);
}

/* A year of the tiny county: S2 with `seats` primary seats, held to last
 * year's plan `prev` (NULL: none), `extra` INI text after; the plan goes to
 * dir/out.  Returns the scenario's path (caller frees). */
static char *redraw_year(const char *dir, int seats, const char *prev, const char *out,
                         const char *extra)
{
	char *schools, *text, *ini, name[64];
	snprintf(name, sizeof name, "schools%d.csv", seats);
	cr_assert(asprintf(&text, "id,name,level,sector,seats_primary,seats_junior,"
	                          "purchased_primary,x,y\n"
	                          "S1,School One,primary,public,100,0,0,500000,2700000\n"
	                          "S2,School Two,primary,public,%d,0,0,502000,2700000\n"
	                          "S3,Private Three,primary,private,80,0,30,501000,2701000\n"
	                          "J1,Junior One,junior,public,0,100,0,501000,2699000\n", seats) > 0);
	schools = write_file(dir, name, text);
	free(text);
	free(write_file(dir, "compounds.csv",
	                "id,name,area_type,primary_local,primary_migrant,junior_local,junior_migrant,x,y\n"
	                "C1,Comp1,urban,40,10,20,5,500100,2700000\n"
	                "C2,Comp2,urban,30,20,15,5,501900,2700100\n"
	                "C3,Comp3,urban,60,10,10,5,501000,2700500\n"
	                "C4,Comp4,rural,20,5,5,1,503000,2700000\n"));
	cr_assert(asprintf(&text, "[input]\nschools = %s\ncompounds = %s/compounds.csv\n"
	                          "source_crs = EPSG:32649\n%s%s%s[policy]\n"
	                          "max_distance_primary_m = 3000\n[solve]\nstability_weight = 1000\n"
	                          "[output]\npath = %s/%s\n%s", schools, dir,
	                   prev ? "previous_plan = " : "", prev ? prev : "", prev ? "\n" : "", dir,
	                   out, extra) > 0);
	snprintf(name, sizeof name, "%s.ini", out);
	ini = write_file(dir, name, text);
	free(text);
	free(schools);
	return ini;
}

/* A compound with no catchment school last year (its pupils had no seat)
 * and one now was left out of the notice (the changes layer, the summary's
 * moved_compounds, the terminal), while compare of the same two plans
 * listed it (an attack).  Both list it, and the way back (a school to
 * none) too. */
Test(cli, the_notice_lists_a_compound_that_gains_a_school, .timeout = 300)
{
	char *dir = tmpdir(), *ini, *line;
	const char *out;
	/* last year S2 had 30 seats: Comp4 (25 pupils, 3 km from S1) none */
	ini = redraw_year(dir, 30, NULL, "last.gpkg", "");
	cli_expect(0, "-q solve %s", ini);
	free(ini);
	/* with a scenario adding a compound of junior pupils: it has no school
	 * in the base plan it is held to, and one now */
	free(write_file(dir, "estate.csv", "id,name,area_type,primary_local,primary_migrant,"
	                "junior_local,junior_migrant,x,y\nC6,Comp6,urban,0,0,5,0,500200,2700100\n"));
	ini = redraw_year(dir, 50, "last.gpkg", "now.gpkg",
	                  "[scenario estate]\nnew_compounds = estate.csv\n");
	out = cli_expect(0, "solve %s", ini);
	cr_assert(strstr(out, "0 pupils moved (0 at another school, 0 now without a place); 1 "
	                      "compound changes school"), "%s", out);
	cr_assert(asprintf(&line, "C4         Comp4                        25 pupils  - -> S2") > 0);
	cr_assert(strstr(out, line), "%s", out);
	out = cli_expect(0, "compare %s/last.gpkg %s/now.gpkg", dir, dir);
	cr_assert(strstr(out, "primary: 1 compound changes school, 25 pupils affected"), "%s", out);
	cr_assert(strstr(out, line), "%s", out);
	free(line);
	free(ini);
	out = cli_expect(0, "compare %s/now.gpkg %s/now-estate.gpkg", dir, dir);
	cr_assert(strstr(out, "junior: 1 compound changes school, 5 pupils affected") &&
	          strstr(out, "C6         Comp6                         5 pupils  - -> J1"), "%s", out);
	cr_assert(asprintf(&line, "%s/now-scenarios.csv", dir) > 0);
	ini = slurp(line, NULL);
	cr_assert(ini);
	cr_assert_eq(csv_field(ini, "estate", "junior", 12), 1, "%s", ini);
	cr_assert_eq(csv_field(ini, "estate", "primary", 12), 0, "%s", ini);
	free(line);
	free(ini);
	/* the report's table of changes: none last year is a dash */
	cli_expect(0, "-q report %s/now.gpkg -o %s/now.html", dir, dir);
	cr_assert(asprintf(&line, "%s/now.html", dir) > 0);
	ini = slurp(line, NULL);
	cr_assert(ini && strstr(ini, "<td>C4</td><td>-</td><td>School Two</td>"), "%s", ini);
	free(line);
	free(ini);
	/* and back: S2 at 30 seats again, held to this year's plan */
	ini = redraw_year(dir, 30, "now.gpkg", "next.gpkg", "");
	out = cli_expect(0, "solve %s", ini);
	cr_assert(strstr(out, "1 compound changes school"), "%s", out);
	cr_assert(strstr(out, "25 pupils  S2 -> no place"), "%s", out);
	out = cli_expect(0, "compare %s/now.gpkg %s/next.gpkg", dir, dir);
	cr_assert(strstr(out, "primary: 1 compound changes school, 25 pupils affected"), "%s", out);
	cr_assert(strstr(out, "25 pupils  S2 -> -"), "%s", out);
	free(ini);
	free(dir);
}

/* publish writes its files into a temporary folder beside the one asked
 * for; a file it could not write (a full disk) was named there,
 * "www.tmp-4242/index.html: cannot write it", a folder gone when the run
 * ends (an attack on a small tmpfs).  The message names www/index.html.
 * Here a file size limit stands for the full disk. */
Test(cli, publish_names_the_file_asked_for, .timeout = 300)
{
	char *dir = tmpdir(), *ini, site[4200];
	const char *out;
	struct rlimit rl = {2000, 2000};
	ini = redraw_year(dir, 50, NULL, "p.gpkg", "");
	cli_expect(0, "-q solve %s", ini);
	free(ini);
	snprintf(site, sizeof site, "%s/www/", dir);
	signal(SIGXFSZ, SIG_IGN); /* a write past the limit fails, EFBIG */
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
	out = cli_expect(1, "-q publish %s/p.gpkg -o %s", dir, site);
	cr_assert(strstr(out, site) && strstr(out, ": cannot write it"), "%s", out);
	cr_assert_null(strstr(out, ".tmp-"), "%s", out);
	free(dir);
}

/* A file size limit (ulimit -f, as a shared server may set one) killed
 * the run with SIGXFSZ as soon as a write passed it: "File size limit
 * exceeded", exit 153, no word of which file, and its PATH.tmp-PID files
 * (a GeoPackage's journal too) left beside the output (an attack with
 * ulimit -f 100).  The command ignores the signal, so such a write fails
 * as on a full disk: an error naming the output and the system's reason
 * (not SQLite's "no such table: gpkg_geometry_columns", nor cairo's "error
 * while writing to output stream"), exit 1, nothing left. */
Test(cli, a_file_size_limit_is_an_error_naming_the_output, .timeout = 300)
{
	char *dir = tmpdir(), *ini, *cmd, buf[4096];
	const char *out;
	struct rlimit rl = {8192, 8192};
	FILE *p;
	size_t n;
	ini = redraw_year(dir, 50, NULL, "p.gpkg", "");
	cli_expect(0, "-q solve %s", ini);
	signal(SIGXFSZ, SIG_DFL); /* as a shell starts the command */
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
	out = cli_expect(1, "-q solve -o %s/big.gpkg %s", dir, ini);
	cr_assert(strstr(out, "big.gpkg: ") && strstr(out, ": File too large"), "%s", out);
	out = cli_expect(1, "-q export %s/p.gpkg -o %s/e.gpkg", dir, dir);
	cr_assert(strstr(out, "e.gpkg: ") && strstr(out, ": File too large"), "%s", out);
	out = cli_expect(1, "-q report %s/p.gpkg -o %s/r.html", dir, dir);
	cr_assert(strstr(out, "r.html: cannot write it: File too large"), "%s", out);
	out = cli_expect(1, "-q map %s/p.gpkg -o %s/m.pdf", dir, dir);
	cr_assert(strstr(out, "m.pdf: cannot write the map: File too large"), "%s", out);
	out = cli_expect(1, "-q map %s/p.gpkg -o %s/m.png", dir, dir);
	cr_assert(strstr(out, "m-primary.png: cannot write the map: File too large"), "%s", out);
	/* nothing written but the plan of the first run */
	cr_assert(asprintf(&cmd, "ls -A '%s'", dir) > 0);
	p = popen(cmd, "r");
	n = fread(buf, 1, sizeof buf - 1, p);
	buf[n] = '\0';
	pclose(p);
	cr_assert_str_eq(buf, "compounds.csv\np.gpkg\np.gpkg.ini\nschools50.csv\n", "%s", buf);
	free(cmd);
	free(ini);
	free(dir);
}

/* solve --scenario with a name the file lacks ("Growth" for [scenario
 * growth], a name mistyped) said only "has no [scenario Growth]"; the
 * names it has are listed, or that it has none. */
Test(cli, an_unknown_scenario_lists_the_scenarios, .timeout = 300)
{
	char *dir = tmpdir(), *ini;
	const char *out;
	ini = redraw_year(dir, 50, NULL, "p.gpkg",
	                  "[scenario close]\nclose = S1\n[scenario growth]\ndemand_scale = 1.05\n");
	out = cli_expect(2, "solve --scenario Growth %s", ini);
	cr_assert(strstr(out, "has no [scenario Growth]; its scenarios: close, growth\n"), "%s", out);
	free(ini);
	ini = redraw_year(dir, 50, NULL, "q.gpkg", "");
	out = cli_expect(2, "solve --scenario growth %s", ini);
	cr_assert(strstr(out, "has no [scenario growth]: it has no scenario\n"), "%s", out);
	free(ini);
	free(dir);
}

/* The same where the temporary folder cannot be made (a read-only or
 * missing parent folder): "www.tmp-4242: cannot make it: Read-only file
 * system" named a folder the user never asked for. */
Test(cli, publish_names_the_folder_asked_for, .timeout = 300)
{
	char *dir = tmpdir(), *ini, site[4200];
	const char *out;
	ini = redraw_year(dir, 50, NULL, "p.gpkg", "");
	cli_expect(0, "-q solve %s", ini);
	free(ini);
	snprintf(site, sizeof site, "%s/gone/www", dir);
	out = cli_expect(1, "-q publish %s/p.gpkg -o %s", dir, site);
	cr_assert(strstr(out, site) && strstr(out, ": cannot write it"), "%s", out);
	cr_assert_null(strstr(out, ".tmp-"), "%s", out);
	free(dir);
}

/* The report's figure of pupils moved counts those now without a place
 * too (the terminal splits them: "20 pupils moved (0 at another school, 20
 * now without a place)"), but its row said "Pupils changing school ... 20
 * (1 compound)" (与上一方案相比换校学生), where none changed school and the
 * compound is one whose school changed (an attack: in a closure scenario of
 * the example, 600 of 941 primary pupils "changing school" had lost their
 * place).  The row says both, and the compounds are those changing school. */
Test(cli, the_report_does_not_call_lost_places_school_changes, .timeout = 300)
{
	char *dir = tmpdir(), *ini, *path, *html;
	const char *out;
	ini = redraw_year(dir, 30, NULL, "last.gpkg", "");
	cli_expect(0, "-q solve %s", ini);
	free(ini);
	ini = redraw_year(dir, 50, "last.gpkg", "now.gpkg", "");
	cli_expect(0, "-q solve %s", ini);
	free(ini);
	/* S2 back to 30 seats: Comp4 loses its place (its 20 local pupils
	 * had one; its 5 migrants none) */
	ini = redraw_year(dir, 30, "now.gpkg", "next.gpkg", "");
	out = cli_expect(0, "solve %s", ini);
	cr_assert(strstr(out, "20 pupils moved (0 at another school, 20 now without a place)"),
	          "%s", out);
	for (int zh = 0; zh < 2; zh++) {
		cli_expect(0, "-q report --lang %s %s/next.gpkg -o %s/next-%d.html", zh ? "zh" : "en",
		           dir, dir, zh);
		cr_assert(asprintf(&path, "%s/next-%d.html", dir, zh) > 0);
		html = slurp(path, NULL);
		cr_assert(html);
		cr_assert_null(strstr(html, zh ? "换校学生" : "changing school against"), "%s", html);
		cr_assert(strstr(html, zh ? "与上一方案相比变动学生（换校或失去学位）"
		                          : "Pupils moved against the previous plan (to another "
		                            "school, or now without a place)"), "%s", html);
		cr_assert(strstr(html, zh ? "20（1 个小区换校）" : "20 (1 compound changes school)"),
		          "%s", html);
		free(html);
		free(path);
	}
	free(ini);
	free(dir);
}

/* Output paths with no name before the extension wrote "-primary.png"
 * (map -o .png) or failed saying only "cannot move it into place" (export
 * -o .csv); "www/" for publish could not make its temporary folder (an
 * attack). */
Test(cli, output_names_said_plainly, .timeout = 300)
{
	char *dir = tmpdir(), *ini = example_with(dir, "", 0);
	const char *out;
	struct stat st;
	out = cli_expect(0, "-q solve -o %s/p.gpkg %s", dir, ini);
	out = cli_expect(1, "-q map %s/p.gpkg -o %s/.png", dir, dir);
	cr_assert(strstr(out, "no file name before the extension"), "%s", out);
	out = cli_expect(1, "-q export %s/p.gpkg -o %s/.csv", dir, dir);
	cr_assert(strstr(out, "no file name before the extension"), "%s", out);
	out = cli_expect(1, "-q report %s/p.gpkg -o %s/.html", dir, dir);
	out = cli_expect(0, "-q publish %s/p.gpkg -o %s/www/", dir, dir);
	out = cli_expect(0, "-q publish %s/p.gpkg -o %s/www/", dir, dir);
	char path[4200];
	snprintf(path, sizeof path, "%s/www/index.html", dir);
	cr_assert_eq(stat(path, &st), 0, "no lookup page in www/");
	free(ini);
	free(dir);
}

/* A scenario with demand_scale = 0 (in range) has no level to draw:
 * solve --map says so and goes on, where it exited 1 after writing every
 * plan (a second attack). */
Test(cli, a_scenario_without_pupils_has_no_map, .timeout = 300)
{
	char *dir = tmpdir();
	char *ini = example_with(dir, "[scenario zero]\ndemand_scale = 0\n", 0);
	const char *out;
	out = cli_expect(0, "-q solve -o %s/p.gpkg --map %s/m.png %s", dir, dir, ini);
	cr_assert(strstr(out, "scenario zero has no pupils to place: no map drawn"), "%s", out);
	/* check says so, and the comparison has its rows of nobody (it had
	 * none, unsaid: an attack) */
	out = cli_expect(0, "check %s", ini);
	cr_assert(strstr(out, "no-pupils") && strstr(out, "[scenario zero]"), "%s", out);
	out = cli_expect(0, "solve -o %s/p.gpkg %s", dir, ini);
	cr_assert(strstr(out, "\nzero ") && strstr(out, "       0        0         0\n"), "%s", out);
	/* and so have PLAN-scenarios.csv and the report, read back or made
	 * in the solve: the terminal's rows were not the file's, which had
	 * none, and a report of it refused the plan without a summary row
	 * once the file had (a third attack) */
	{
		char *path, *text;
		cr_assert(asprintf(&path, "%s/p-scenarios.csv", dir) > 0);
		text = slurp(path, NULL);
		cr_assert(text && strstr(text, "\nzero,primary,0,0,0,") &&
		          strstr(text, "\nzero,junior,0,0,0,"), "%s", text ? text : "");
		free(text);
		free(path);
		cli_expect(0, "-q report %s/p.gpkg -o %s/r.html", dir, dir);
		cli_expect(0, "-q solve -o %s/p.gpkg --report %s/s.html %s", dir, dir, ini);
		for (int k = 0; k < 2; k++) {
			cr_assert(asprintf(&path, "%s/%s.html", dir, k ? "s" : "r") > 0);
			text = slurp(path, NULL);
			cr_assert(text && strstr(text, "<tr><td>zero</td>"), "%s lacks zero's rows", path);
			free(text);
			free(path);
		}
	}
	free(ini);
	free(dir);
}

/* A plan whose name the file system refuses says why: GDAL is silent
 * there, and the message ended "cannot create the plan: " (a second
 * attack). */
Test(cli, a_name_too_long_says_why, .timeout = 300)
{
	char *dir = tmpdir(), *ini = example_with(dir, "", 0), name[301];
	const char *out;
	memset(name, 'a', 300);
	name[300] = '\0';
	out = cli_expect(0, "-q solve -o %s/p.gpkg %s", dir, ini);
	out = cli_expect(1, "-q export %s/p.gpkg -o %s/%s.geojson", dir, dir, name);
	cr_assert(strstr(out, "cannot create the plan: File name too long"), "%s", out);
	free(ini);
	free(dir);
}

/* A compound without a name (its id stands for one) is named once where a
 * scenario's shortfall grows: the line said "C1 C1" (a review, 2026-12-05). */
Test(cli, a_compound_without_a_name_is_named_once, .timeout = 300)
{
	char *dir = tmpdir(), *schools, *ini, *text;
	const char *out;
	schools = write_file(dir, "schools.csv",
	                     "id,name,level,sector,seats_primary,seats_junior,x,y\n"
	                     "S1,School One,primary,public,100,0,500000,2700000\n");
	free(write_file(dir, "compounds.csv",
	                "id,area_type,primary_local,primary_migrant,junior_local,junior_migrant,x,y\n"
	                "C1,urban,60,20,0,0,500100,2700000\n"
	                "C2,urban,10,5,0,0,500300,2700100\n"));
	cr_assert(asprintf(&text, "[input]\nschools = %s\ncompounds = %s/compounds.csv\n"
	                          "source_crs = EPSG:32649\n[output]\npath = %s/p.gpkg\n"
	                          "[scenario growth]\ndemand_scale = 1.5\n", schools, dir, dir) > 0);
	ini = write_file(dir, "noname.ini", text);
	out = cli_expect(0, "solve %s", ini);
	cr_assert(strstr(out, "growth primary: shortfall grows at C1 (+"), "%s", out);
	cr_assert_null(strstr(out, "C1 C1"), "%s", out);
	free(text);
	free(ini);
	free(schools);
	free(dir);
}

Test(cli, scenarios_close_and_growth, .timeout = 600)
{
	char *dir = tmpdir(), *csvpath, *csv;
	const char *out;
	/* single mode (on the network, in a second), where a compound has one
	 * school: split mode may shift a shared compound's pupils between the
	 * schools it already has (docs/scenarios.md) */
	char *ini = example_with(dir, "[solve]\nstability_weight = 100000\nsolver = network\n"
	                              "[scenario close]\nclose = XX001\n"
	                              "[scenario growth]\ndemand_scale = 1.05\n", 1);
	out = cli_expect(0, "solve -o %s/p.gpkg %s", dir, ini);
	cr_assert(strstr(out, "Scenarios against the base plan"), "%s", out);
	cr_assert(strstr(out, "growth primary: shortfall grows at"), "%s", out);
	cr_assert(strstr(out, "growth primary: one more seat is worth more at"), "%s", out);
	/* each scenario's solve is named before its levels' lines (a fresh
	 * user could not tell whose they were, 2026-12-04) */
	cr_assert(strstr(out, "Scenario close:\n") && strstr(out, "Scenario growth:\n"), "%s", out);
	cr_assert(asprintf(&csvpath, "%s/p-scenarios.csv", dir) > 0);
	csv = slurp(csvpath, NULL);
	cr_assert(csv && !strncmp(csv, "\xEF\xBB\xBF方案,学段,学生,有学位,缺学位", 3 + 40));
	/* columns: 4 shortfall, 8 migrant share (%), 11 moved, 12 moved_compounds.
	 * The closure's local children come before migrants at the schools
	 * around it (the policy tier comes before stability): compounds move
	 * to seat them, and more pupils go without a place than in the base
	 * (docs/scenarios.md). */
	cr_assert_gt(csv_field(csv, "close", "primary", 12), 0, "%s", csv);
	cr_assert_gt(csv_field(csv, "close", "primary", 4), csv_field(csv, "base", "primary", 4),
	             "%s", csv);
	cr_assert_eq(csv_field(csv, "close", "junior", 11), 0, "%s", csv);
	cr_assert_gt(csv_field(csv, "growth", "primary", 4), csv_field(csv, "base", "primary", 4));
	/* 14 gap, 15 proven: each scenario says what its search proved, as
	 * the plan's summary does; the close scenario's junior search ends
	 * within the example's mip_gap (0.05%), proven only where its bound
	 * reached the plan (it said proven until a review found the bound of
	 * a root closed within the gap left at the plan's, 2026-12-04) */
	cr_assert(strstr(csv, "最优差距,已证明最优"), "%s", csv);
	{
		double gap = csv_real(csv, "close", "junior", 14);
		long proven = csv_field(csv, "close", "junior", 15);
		cr_assert(gap >= 0 && gap <= 0.0005 + 1e-9, "%s", csv);
		cr_assert(proven == 0 || gap == 0, "proven with a gap: %s", csv);
	}
	cr_assert(strstr(out, "     gap  quota\n") && strstr(out, "    0.05%  MISSED\n"), "%s", out);
	/* 16 quota_met, appended after the columns readers know by place:
	 * whether each plan meets the migrant quota (the comparison had no
	 * word of it, a review, 2026-12-05) */
	cr_assert(strstr(csv, "最优差距,已证明最优,随迁子女比例达标\n"), "%s", csv);
	cr_assert_eq(csv_field(csv, "close", "primary", 16), 0, "%s", csv);
	cr_assert_eq(csv_field(csv, "base", "junior", 16), 0, "%s", csv);
	free(csv);
	/* the notice of the close scenario: only compounds the closed school
	 * took pupils of in the base plan (split mode: a compound it shared
	 * may find its largest share at another of its schools now) */
	{
		char p[4200], seen[64][32];
		GDALDatasetH g;
		OGRLayerH l;
		OGRFeatureH f;
		int rows = 0, nseen = 0, forced = 0;
		GDALAllRegister();
		snprintf(p, sizeof p, "%s/p.gpkg", dir);
		g = GDALOpenEx(p, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
		cr_assert(g && (l = GDALDatasetGetLayerByName(g, "assignment")) != NULL);
		while ((f = OGR_L_GetNextFeature(l)) != NULL) {
			if (!strcmp(OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "school_id")), "XX001") &&
			    nseen < 64)
				snprintf(seen[nseen++], 32, "%s",
				         OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "compound_id")));
			OGR_F_Destroy(f);
		}
		GDALClose(g);
		snprintf(p, sizeof p, "%s/p-close.gpkg", dir);
		g = GDALOpenEx(p, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
		cr_assert(g, "no %s", p);
		cr_assert((l = GDALDatasetGetLayerByName(g, "changes")) != NULL);
		while ((f = OGR_L_GetNextFeature(l)) != NULL) {
			const char *cid = OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "compound_id"));
			int found = 0, was = !strcmp(OGR_F_GetFieldAsString(
			                                     f, OGR_F_GetFieldIndex(f, "previous_school")),
			                             "XX001");
			for (int k = 0; k < nseen; k++)
				found |= !strcmp(seen[k], cid);
			cr_assert(found, "%s changed school but XX001 had none of its pupils", cid);
			cr_assert_eq(OGR_F_GetFieldAsInteger(f, OGR_F_GetFieldIndex(f, "forced")), was);
			forced += was;
			rows++;
			OGR_F_Destroy(f);
		}
		cr_assert_gt(forced, 0);
		cr_assert_eq(csv_field(slurp(csvpath, NULL), "close", "primary", 12), rows);
		GDALClose(g);
	}
	/* the maps: every school left has its base colour (issue 14) */
	{
		char a[4200], b[4200];
		snprintf(a, sizeof a, "%s/p.gpkg", dir);
		snprintf(b, sizeof b, "%s/p-close.gpkg", dir);
		cr_assert_geq(same_colours(a, b), 30);
	}
	/* catchment compare shows the same: the closed school's compounds, its
	 * enrolment gone, a map with them marked */
	out = cli_expect(0, "compare %s/p.gpkg %s/p-close.gpkg -o %s/cmp.csv --map %s/cmp.svg", dir, dir, dir, dir);
	cr_assert(strstr(out, "primary: "), "%s", out);
	{
		char p[4200], *text, *line, *save = NULL;
		int compounds = 0;
		snprintf(p, sizeof p, "%s/cmp.csv", dir);
		text = slurp(p, NULL);
		cr_assert(text && !strncmp(text, "\xEF\xBB\xBF类别,学段,代码,名称,原,现,学生,原招生,现招生\n",
		                           3 + 63), "%s", text);
		for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			if (!strncmp(line, "compound,", 9)) {
				cr_assert(strstr(line, ",XX001,"), "%s", line);
				compounds++;
			} else if (!strncmp(line, "school,primary,XX001,", 21)) {
				/* its enrolment gone: -N pupils, from N to 0 */
				size_t n = strlen(line);
				cr_assert(strstr(line, ",,,-") && n > 2 && !strcmp(line + n - 2, ",0"), "%s",
				          line);
			}
		}
		cr_assert_gt(compounds, 0);
		free(text);
		snprintf(p, sizeof p, "%s/cmp-primary.svg", dir);
		text = slurp(p, NULL);
		cr_assert(text && strstr(text, "<svg"), "no map %s", p);
		free(text);
	}
	out = cli_expect(1, "-q compare %s/p.gpkg %s/nothing.gpkg", dir, dir);
	cr_assert(strstr(out, "nothing.gpkg"), "%s", out);
	/* one scenario only; an unknown one */
	out = cli_expect(0, "-q solve -o %s/p.gpkg --scenario growth %s", dir, ini);
	csv = slurp(csvpath, NULL);
	cr_assert(csv && strstr(csv, "\ngrowth,") && !strstr(csv, "\nclose,"), "%s", csv);
	free(csv);
	out = cli_expect(2, "-q solve -o %s/p.gpkg --scenario nope %s", dir, ini);
	cr_assert(strstr(out, "no [scenario nope]"), "%s", out);
	free(csvpath);
	free(ini);
	free(dir);
}

/* A scenario naming what the data does not have fails, named. */
Test(cli, scenario_errors)
{
	char *dir = tmpdir(), *ini;
	const char *out;
	struct {
		const char *extra, *expect;
	} cases[] = {
		{"[scenario bad]\nclose = NOPE\n", "[scenario bad] (line"},
		{"[scenario bad]\nseats_primary = XX001:+abc\n", "seats_primary: 'XX001:+abc': the value"},
		{"[scenario bad]\ndemand = XQ0001\n", "expected ID:VALUE"},
		{"[scenario bad]\nnew_schools = nowhere.gpkg\n", "nowhere.gpkg"},
	};
	for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
		ini = example_with(dir, cases[k].extra, 0);
		out = cli_expect(1, "-q solve -o %s/p.gpkg %s", dir, ini);
		cr_assert(strstr(out, cases[k].expect), "case %zu: %s", k, out);
		free(ini);
	}
	free(dir);
}

/* A school opened inline (open_school.ID) is the same school as from a
 * layer: the same plan figures. */
Test(cli, scenario_open_school_inline_or_layer, .timeout = 600)
{
	const char *ex = getenv("CM_EXAMPLE");
	char *dir = tmpdir(), *ini, *extra, *csv, path[4200];
	const char *out;
	cr_assert(ex);
	cr_assert(asprintf(&extra, "[scenario layer]\nnew_schools = %.*s/tongxi-new-school.csv\n"
	                           "[scenario inline]\n"
	                           "open_school.XX101 = 滨江新城小学, 小学, 113.092113, 24.773402, 1080, 0\n",
	                   (int)(strrchr(ex, '/') - ex), ex) > 0);
	ini = example_with(dir, extra, 0);
	out = cli_expect(0, "-q solve -o %s/p.gpkg %s", dir, ini);
	snprintf(path, sizeof path, "%s/p-scenarios.csv", dir);
	csv = slurp(path, NULL);
	cr_assert(csv);
	for (int k = 2; k <= 4; k++)
		for (int lv = 0; lv < 2; lv++)
			cr_assert_eq(csv_field(csv, "layer", lv ? "junior" : "primary", k),
			             csv_field(csv, "inline", lv ? "junior" : "primary", k), "%s", csv);
	/* it placed pupils the base could not */
	cr_assert_lt(csv_field(csv, "inline", "primary", 4), csv_field(csv, "base", "primary", 4));
	free(csv);
	free(ini);
	free(extra);
	/* a malformed one */
	ini = example_with(dir, "[scenario bad]\nopen_school.XX102 = 某小学, 小学, 113.09\n", 0);
	out = cli_expect(1, "-q solve -o %s/p.gpkg %s", dir, ini);
	cr_assert(strstr(out, "open_school") && strstr(out, "expected open_school.ID"), "%s", out);
	free(ini);
	free(dir);
}

/* The check's warnings before a solve are one line on the terminal (a
 * scenario's school that nobody reaches, seats short county-wide): the
 * solve said nothing of them, only `catchment check` did.  -q silences it. */
Test(cli, solve_names_the_checks_warnings, .timeout = 600)
{
	char *dir = tmpdir(), *ini;
	const char *out;
	ini = example_with(dir, "[scenario hill]\nopen_school.XX900 = 山顶小学, 小学, 112.86, 24.92, 800, 0\n",
	                   0);
	out = cli_expect(0, "solve --scenario hill -o %s/p.gpkg %s", dir, ini);
	cr_assert(strstr(out, "catchment: the data check found 2 warnings (seat-shortfall, "
	                      "unreached-school); catchment check lists them"), "%s", out);
	out = cli_expect(0, "check %s", ini);
	cr_assert(strstr(out, "[scenario hill] primary: no compound with pupils it could take is "
	                      "within its reach (6.0 km)"), "%s", out);
	out = cli_expect(0, "-q solve --scenario hill -o %s/p.gpkg %s", dir, ini);
	cr_assert_null(strstr(out, "the data check found"), "%s", out);
	free(ini);
	free(dir);
}

/* Outputs never replace what the run reads (by identity of the file, not
 * its name), nor a file that is not a plan: every case of the reliability
 * reproducer, each with the input unchanged afterwards. */
Test(cli, outputs_never_replace_inputs, .timeout = 300)
{
	static const char *const what[] = {"ranges over the schools layer",
	                                   "ranges over the scenario file",
	                                   "a plan over a file that is not one"};
	char *dir = tmpdir(), *ini, *path, *before, *after, *copy, *extra;
	const char *out;
	size_t n1, n2;
	/* the schools layer is a copy in the test's folder: a regression must
	 * not touch the repository's */
	cr_assert(asprintf(&path, "%s/tongxi/schools.csv", getenv("CM_GEODATA")) > 0);
	before = slurp(path, &n1);
	copy = write_file(dir, "schools.csv", before);
	free(before);
	free(path);
	ini = example_with(dir, "", 1);
	{
		/* point the example's schools line at the copy */
		char *text = slurp(ini, NULL), *line = strstr(text, "\nschools = "), *eol;
		cr_assert(line);
		eol = strchr(line + 1, '\n');
		cr_assert(asprintf(&extra, "%.*s\nschools = %s%s", (int)(line - text), text, copy, eol) > 0);
		free(ini);
		ini = write_file(dir, "county.ini", extra);
		free(text);
	}
	for (int k = 0; k < 3; k++) {
		if (k == 0)
			path = strdup(copy);
		else if (k == 1)
			path = strdup(ini);
		else
			path = write_file(dir, "notes.gpkg", "my notes\n");
		before = slurp(path, &n1);
		cr_assert(before, "%s", path);
		if (k == 2)
			out = cli_expect(1, "-q solve -o %s %s", path, ini);
		else
			out = cli_expect(1, "-q solve -o %s/p.gpkg -r %s %s", dir, path, ini);
		cr_assert(strstr(out, "refusing"), "%s: %s", what[k], out);
		after = slurp(path, &n2);
		cr_assert(after && n1 == n2 && !memcmp(before, after, n1), "%s: %s changed", what[k],
		          path);
		free(before);
		free(after);
		free(path);
	}
	free(ini);
	free(extra);
	free(copy);
	free(dir);
}

/* `check` reads last year's plan too: a broken one fails the check, as it
 * would fail the solve, with its file named. */
/* A folder plan is named after the path solve was given less its
 * extension: solve says "the folder", and previous_plan takes the path as
 * given, as compare and map do (a review: previous_plan = last.csv failed,
 * "cannot open", for the plan solve said it wrote to last.csv).  A
 * previous plan that is not there says so. */
Test(cli, a_folder_plan_by_the_name_solve_was_given)
{
	char *dir = tmpdir(), *ini, *extra;
	const char *out;
	ini = scenario(dir, "schools.geojson", "compounds.geojson", "");
	out = cli_expect(0, "solve -o %s/last.csv %s", dir, ini);
	cr_assert(strstr(out, "Plan written to the folder ") && strstr(out, "/last\n"), "%s", out);
	free(ini);
	cr_assert(asprintf(&extra, "[input]\nprevious_plan = %s/last.csv\n", dir) > 0);
	ini = scenario(dir, "schools.geojson", "compounds.geojson", extra);
	out = cli_expect(0, "solve -o %s/this.gpkg %s", dir, ini);
	cr_assert(strstr(out, "Plan written to ") && !strstr(out, "the folder"), "%s", out);
	free(ini);
	free(extra);
	cr_assert(asprintf(&extra, "[input]\nprevious_plan = %s/nothere.gpkg\n", dir) > 0);
	ini = scenario(dir, "schools.geojson", "compounds.geojson", extra);
	out = cli_expect(1, "solve -o %s/that.gpkg %s", dir, ini);
	cr_assert(strstr(out, "nothere.gpkg: no such file or folder (previous_plan)"), "%s", out);
	free(ini);
	free(extra);
	free(dir);
}

Test(cli, check_reads_the_previous_plan)
{
	char *dir = tmpdir(), *prev, *extra, *ini;
	const char *out;
	prev = write_file(dir, "last.csv", "compound_id,school_id\nC1,S1\n");
	cr_assert(asprintf(&extra, "[input]\nprevious_plan = %s\n", prev) > 0);
	ini = example_with(dir, extra, 1);
	out = cli_expect(1, "-q check %s", ini);
	cr_assert(strstr(out, "last.csv") && strstr(out, "level"), "%s", out);
	/* a problem of the plan is a finding before the verdict, never a
	 * verdict of "can be solved" followed by an error */
	free(prev);
	prev = write_file(dir, "last.csv", "compound_id,school_id,level\n"
	                                   "XQ0001,XX001,primary\nXQ0001,XX002,primary\n");
	out = cli_expect(1, "check %s", ini);
	const char *finding = strstr(out, "previous-plan"), *verdict = strstr(out, "Verdict");
	cr_assert(finding && verdict && finding < verdict && strstr(out, "cannot be solved"), "%s",
	          out);
	cr_assert(!strstr(out, "can be solved."), "%s", out);
	free(ini);
	free(extra);
	free(prev);
	free(dir);
}

/* Last year's plan with its summary dropped and half its rows gone was
 * read as a bare table: every check of a plan skipped, exit 0 (an
 * attack).  A GeoPackage with the assignment and the catchments as a plan
 * writes them is a plan, and one cut short is refused as one; a folder
 * with its summary but not its marker is one too.  A bureau's folder with
 * an assignment table beside other files is not a plan. */
Test(cli, a_plan_without_its_summary_is_still_a_plan, .timeout = 300)
{
	char *dir = tmpdir(), *extra, *ini, *cmd;
	const char *out;
	ini = example_with(dir, "", 1);
	out = cli_expect(0, "-q solve -o %s/last.gpkg %s", dir, ini);
	out = cli_expect(0, "-q export %s/last.gpkg -o %s/lastf.csv", dir, dir);
	cr_assert(asprintf(&cmd, "ogrinfo -q %s/last.gpkg -sql 'DROP TABLE summary' >/dev/null && "
	                         "rm %s/lastf/compounds.csv %s/lastf/catchment-plan.txt && "
	                         "mkdir %s/bureau && ogr2ogr -f CSV %s/bureau/assignment.csv "
	                         "%s/last.gpkg assignment -select compound_id,level,school_id "
	                         "-where \"seat_kind = 'public'\" && "
	                         "echo '{\"type\":\"FeatureCollection\",\"features\":[]}' > "
	                         "%s/bureau/catchments.geojson", dir, dir, dir, dir, dir, dir, dir) > 0);
	cr_assert_eq(system(cmd), 0, "%s", cmd);
	free(cmd);
	free(ini);
	static const char *const prev[] = {"last.gpkg", "lastf/assignment.csv", "bureau/assignment.csv"};
	static const char *const want[] = {"not a whole catchment plan: layer summary is missing",
	                                   "not a whole catchment plan: layer compounds is missing",
	                                   NULL};
	for (int k = 0; k < 3; k++) {
		cr_assert(asprintf(&extra, "[input]\nprevious_plan = %s/%s\n", dir, prev[k]) > 0);
		ini = example_with(dir, extra, 1);
		out = cli_expect(want[k] ? 1 : 0, "-q solve -o %s/p.gpkg %s", dir, ini);
		if (want[k])
			cr_assert(strstr(out, want[k]), "%s", out);
		free(extra);
		free(ini);
	}
	free(dir);
}

/* --map and --ranges for every scenario plan (issue 14): FILE-NAME beside
 * the base's, the scenario's map with its closed school struck through and
 * its own title; every one checked against the inputs before the solve. */
Test(cli, scenario_maps_and_ranges, .timeout = 600)
{
	char *dir = tmpdir(), *ini, p[4200], *text;
	const char *out;
	size_t len;
	ini = example_with(dir, "[solve]\nsolver = network\nstability_weight = 100000\n"
	                        "[scenario close]\nclose = XX001\ntitle = Close XX001\n", 1);
	out = cli_expect(0, "-q solve -o %s/p.gpkg --map %s/m.svg --ranges %s/r.csv %s", dir, dir, dir, ini);
	snprintf(p, sizeof p, "%s/r-close.csv", dir);
	text = slurp(p, &len);
	cr_assert(text && strstr(text, "XX002"), "no ranges %s", p);
	cr_assert(!strstr(text, "XX001"), "the closed school has no range");
	free(text);
	snprintf(p, sizeof p, "%s/m-close-primary.svg", dir);
	text = slurp(p, &len);
	cr_assert(text && strstr(text, "<svg"), "no map %s", p);
	cr_assert(strstr(text, "stroke:rgb(60%,0%,0%);stroke-opacity:1;stroke-dasharray:5,2.5"),
	          "the closed school's catchment is not outlined");
	free(text);
	snprintf(p, sizeof p, "%s/m-close-junior.svg", dir);
	cr_assert(access(p, R_OK) == 0, "no map %s", p);
	/* the base's map has no closed school */
	snprintf(p, sizeof p, "%s/m-primary.svg", dir);
	text = slurp(p, &len);
	cr_assert(text && !strstr(text, "stroke-dasharray:5,2.5"));
	free(text);
	/* the scenario's title is in its plan, for its maps */
	snprintf(p, sizeof p, "%s/m.pdf", dir);
	out = cli_expect(0, "-q map -l primary %s/p-close.gpkg -o %s", dir, p);
	text = slurp(p, &len);
	cr_assert(text && memmem(text, len, "(Close XX001)", 13), "the title is not the scenario's");
	free(text);
	/* a scenario's ranges may not replace an input (here the scenario file
	 * x-close.ini, for --ranges x.ini): refused before the solve */
	{
		char *copy = slurp(ini, &len), *ini2 = write_file(dir, "x-close.ini", copy);
		out = cli_expect(1, "-q solve -o %s/p2.gpkg --ranges %s/x.ini %s", dir, dir, ini2);
		cr_assert(strstr(out, "x-close.ini"), "%s", out);
		snprintf(p, sizeof p, "%s/p2.gpkg", dir);
		cr_assert(access(p, F_OK) != 0, "solved although an output is an input");
		text = slurp(ini2, &len);
		cr_assert(text && !strcmp(text, copy), "the scenario file was written over");
		free(text);
		free(copy);
		free(ini2);
	}
	free(ini);
	free(dir);
}

/* catchment export (issue 14): a written plan converted without solving,
 * into every format, each read back as the same plan (compare, map,
 * previous_plan read it); an XLSX keeps ids as text; never over the plan
 * itself nor a file that is not a plan. */
Test(cli, export_converts_without_solving)
{
	tschool s[] = {
		{"0101", "primary", "public", 60, 0, 0, 0, 0, 0, 0},
		{"0102", "nine_year", "public", 40, 50, 0, 0, 0, 1500, 500},
	};
	tcomp c[] = {
		{"001", "urban", 20, 5, 10, 2, -300, 200}, {"002", "urban", 25, 4, 12, 3, 500, -400},
		{"003", "urban", 20, 6, 15, 1, 1500, 300}, {"004", "town", 15, 0, 9, 0, 1000, 1900},
	};
	const char *fmts[] = {"shp", "geojson", "csv", "xlsx"};
	tiny t;
	cm_ctx *ctx;
	char *plan, p[4200], q[4200];
	const char *out;
	tiny_solve(&t, s, 2, c, 4, "[output]\nname = export test\n");
	cm_ctx_new(&ctx);
	cr_assert(asprintf(&plan, "%s/p.gpkg", t.dir) > 0);
	cr_assert_eq(cm_plan_write(ctx, t.plan, plan), 0, "%s", cm_ctx_last_error(ctx));
	for (int k = 0; k < 4; k++) {
		cm_comparison *cmp = NULL;
		const cm_compare_change *ch;
		const cm_compare_school *sc;
		size_t n;
		snprintf(p, sizeof p, "%s/e_%s.%s", t.dir, fmts[k], fmts[k]); /* folders: e_shp/ */
		out = cli_expect(0, "-q export %s -o %s", plan, p);
		/* the same plan: no compound changes school, no enrolment differs */
		cr_assert_eq(cm_compare_plans(ctx, plan, p, &cmp), 0, "%s: %s", fmts[k],
		             cm_ctx_last_error(ctx));
		cr_assert_eq(cm_comparison_changes(cmp, &ch), 0, "%s", fmts[k]);
		n = cm_comparison_schools(cmp, &sc);
		for (size_t i = 0; i < n; i++)
			cr_assert(sc[i].in_a && sc[i].in_b && sc[i].enrolled_a == sc[i].enrolled_b, "%s: %s",
			          fmts[k], sc[i].school_id);
		cm_comparison_free(cmp);
	}
	/* a spreadsheet named without .xlsx reads as one too: the example's
	 * plan, whose zones sheet is all text (its header was taken for a
	 * row, Field1..Field4, where the name did not end in .xlsx: a
	 * review) */
	{
		char ex[4200];
		snprintf(ex, sizeof ex, "%s/ex.gpkg", t.dir);
		snprintf(p, sizeof p, "%s/e_sheet", t.dir);
		cli_expect(0, "-q solve -o %s %s", ex, getenv("CM_EXAMPLE"));
		cli_expect(0, "-q export --format xlsx %s -o %s", ex, p);
		out = cli_expect(0, "compare %s %s", ex, p);
		cr_assert_null(strstr(out, "Field1"), "%s", out);
	}
	/* the shapefile folder back to a GeoPackage, and drawn */
	snprintf(p, sizeof p, "%s/e_shp.shp", t.dir);
	snprintf(q, sizeof q, "%s/back.gpkg", t.dir);
	out = cli_expect(0, "-q export --format gpkg %s -o %s", p, q);
	out = cli_expect(0, "-q map %s -o %s/m.svg", q, t.dir);
	/* the spreadsheet: a sheet per layer, ids as text (leading zeros) */
	{
		GDALDatasetH g;
		OGRLayerH l;
		OGRFeatureH f;
		snprintf(p, sizeof p, "%s/e_xlsx.xlsx", t.dir);
		CPLSetConfigOption("OGR_XLSX_HEADERS", "FORCE");
		g = GDALOpenEx(p, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
		CPLSetConfigOption("OGR_XLSX_HEADERS", NULL);
		cr_assert(g && GDALDatasetGetLayerByName(g, "summary") &&
		          GDALDatasetGetLayerByName(g, "catchments"));
		l = GDALDatasetGetLayerByName(g, "compounds");
		cr_assert(l && (f = OGR_L_GetNextFeature(l)) != NULL);
		cr_assert_str_eq(OGR_F_GetFieldAsString(f, OGR_F_GetFieldIndex(f, "compound_id")), "001");
		OGR_F_Destroy(f);
		GDALClose(g);
	}
	/* last year's plan may be the spreadsheet */
	{
		char sp[4200], cp[4200], *ini, *extra;
		snprintf(sp, sizeof sp, "%s/s.geojson", t.dir);
		snprintf(cp, sizeof cp, "%s/c.geojson", t.dir);
		cr_assert(asprintf(&extra, "previous_plan = %s/e_xlsx.xlsx\n", t.dir) > 0);
		ini = scenario_text(sp, cp, extra);
		free(write_file(t.dir, "prev.ini", ini));
		out = cli_expect(0, "check %s/prev.ini", t.dir);
		free(extra);
		free(ini);
	}
	/* refused: the plan itself, a file that is not a plan, a format */
	out = cli_expect(1, "-q export %s -o %s", plan, plan);
	cr_assert(strstr(out, "refusing"), "%s", out);
	free(write_file(t.dir, "notes.gpkg", "not a plan"));
	out = cli_expect(1, "-q export %s -o %s/notes.gpkg", plan, t.dir);
	snprintf(p, sizeof p, "%s/notes.gpkg", t.dir);
	{
		char *text = slurp(p, NULL);
		cr_assert(text && !strcmp(text, "not a plan"));
		free(text);
	}
	out = cli_expect(2, "-q export --format kml %s -o %s/x.kml", plan, t.dir);
	cm_ctx_free(ctx);
	free(plan);
	tiny_free(&t);
}

/* The file at the path `fmt` makes (caller frees), NULL when none. */
static char *slurp_at(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *slurp_at(const char *fmt, ...)
{
	va_list ap;
	char *path, *text;
	va_start(ap, fmt);
	cr_assert(vasprintf(&path, fmt, ap) > 0);
	va_end(ap);
	text = slurp(path, NULL);
	free(path);
	return text;
}

/* The lookup page shows a school's address (issue 14): the address column
 * goes into the plan's schools layer (GeoPackage and shapefile folder),
 * and publish puts it into data.js beside the school's seats; a plan of
 * data without addresses has no address field and the page none. */
Test(cli, lookup_page_shows_school_addresses, .timeout = 300)
{
	char *dir = tmpdir(), *csv, *schools, *ini, *js;
	const char *plans[] = {"plan.gpkg", "plan.shp"}, *written[] = {"plan.gpkg", "plan"};
	csv = slurp(fixture("schools_cn.csv"), NULL);
	cr_assert(csv);
	{ /* the fixture with an address column: S1 has one, the rest none */
		char *lines = csv, *nl, *text = NULL;
		size_t len = 0;
		FILE *fp = open_memstream(&text, &len);
		for (int row = 0; (nl = strchr(lines, '\n')) != NULL; row++, lines = nl + 1)
			fprintf(fp, "%.*s,%s\n", (int)(nl - lines), lines,
			        row == 0 ? "地址" : row == 1 ? "\"北城区 \"\"学府\"\" 路 8 号\"" : "");
		fclose(fp);
		schools = write_file(dir, "schools.csv", text);
		free(text);
	}
	ini = scenario(dir, schools, "compounds.geojson", "schools_source_crs = EPSG:4326\n");
	for (int k = 0; k < 2; k++) {
		cli_expect(0, "-q solve -o %s/%s %s", dir, plans[k], ini);
		{
			char buf[1 << 15], *args;
			FILE *p;
			size_t n;
			cr_assert(asprintf(&args, "ogrinfo -ro -al -q %s/%s schools", dir, written[k]) > 0);
			p = popen(args, "r");
			n = fread(buf, 1, sizeof buf - 1, p);
			buf[n] = '\0';
			pclose(p);
			free(args);
			cr_assert(strstr(buf, "address (String) = 北城区 \"学府\" 路 8 号"), "%s: %.2000s",
			          plans[k], buf);
		}
		cli_expect(0, "-q publish %s/%s -o %s/site", dir, written[k], dir);
		js = slurp_at("%s/site/data.js", dir);
		cr_assert(js && strstr(js, "\"name\": \"北城小学\", \"level\": \"primary\", \"seats\": 90, "
		                           "\"address\": \"北城区 \\\"学府\\\" 路 8 号\""),
		          "%s: %.1500s", plans[k], js);
		cr_assert_eq(strstr(strstr(js, "\"address\"") + 1, "\"address\""), NULL,
		             "only S1 has an address: %.1500s", js);
		free(js);
		js = slurp_at("%s/site/index.html", dir);
		cr_assert(js && strstr(js, "address: \"地址\""), "the page names the column");
		free(js);
	}
	free(ini);

	/* no address column: no address field in the plan, none in data.js */
	ini = scenario(dir, "schools_cn.csv", "compounds.geojson", "schools_source_crs = EPSG:4326\n");
	/* grep's exit 1: no address field */
	cli_expect(1, "-q solve -o %s/bare.gpkg %s && ogrinfo -ro -so %s/bare.gpkg schools "
	              "| grep -c address", dir, ini, dir);
	cli_expect(0, "-q publish %s/bare.gpkg -o %s/site", dir, dir);
	js = slurp_at("%s/site/data.js", dir);
	cr_assert(js && strstr(js, "北城小学") && !strstr(js, "address"), "%.1500s", js);
	free(js);
	/* a plan without seats (not a required field: older plans) publishes
	 * them as enrolled + spare, not 0 */
	{
		char *cmd;
		cr_assert(asprintf(&cmd,
		                   "cd %s && ogr2ogr -q -f GPKG noseats.gpkg bare.gpkg -dialect SQLite "
		                   "-nln schools -sql 'select geom, school_id, name, level, sector, "
		                   "boarding, local, migrant, enrolled, utilization, classes, spare, "
		                   "shadow_price, shadow_pupils from schools' && ogr2ogr -q -append "
		                   "noseats.gpkg bare.gpkg assignment catchments summary compounds",
		                   dir) > 0);
		cr_assert_eq(system(cmd), 0, "%s", cmd);
		free(cmd);
	}
	cli_expect(0, "-q publish %s/noseats.gpkg -o %s/site", dir, dir);
	js = slurp_at("%s/site/data.js", dir);
	cr_assert(js && strstr(js, "\"name\": \"北城小学\", \"level\": \"primary\", \"seats\": 90"),
	          "%.1500s", js);
	free(js);
	free(ini);
	free(schools);
	free(csv);
	free(dir);
}

/* catchment report PLAN alone compares the scenarios a solve wrote beside
 * the plan (PLAN-scenarios.csv names them, PLAN-NAME holds each): the same
 * report as solve --report's, in a GeoPackage and a CSV folder plan; a
 * scenario plan gone is an error naming it; a later solve of the base
 * alone leaves the older comparison out, saying so. */
Test(cli, report_finds_the_scenarios_beside_the_plan, .timeout = 300)
{
	char *dir = tmpdir(), *ini, *a, *b;
	const char *out, *fmts[] = {"p.gpkg", "q.csv"};
	ini = scenario(dir, "schools.geojson", "compounds.geojson",
	               "[scenario shut s1]\nclose = S1\n[scenario -more]\ndemand_scale = 1.1\n");
	for (int k = 0; k < 2; k++) {
		cli_expect(0, "-q solve -o %s/%s --report %s/r%d.html %s", dir, fmts[k], dir, k, ini);
		cli_expect(0, "-q report %s/%s -o %s/again%d.html", dir, fmts[k], dir, k);
		a = slurp_at("%s/r%d.html", dir, k);
		b = slurp_at("%s/again%d.html", dir, k);
		cr_assert(a && b && strstr(a, "<table class=\"scenarios\">") &&
		          strstr(a, "<tr><td>shut s1</td>") && strstr(a, "<tr><td>-more</td>"),
		          "%s: solve --report compares the scenarios", fmts[k]);
		cr_assert_str_eq(a, b, "%s: report PLAN gives solve --report's report", fmts[k]);
		free(a);
		free(b);
	}
	/* solved again: the base's report, written before the scenarios are
	 * solved, said the last run's comparison was older than the plan and
	 * left it out, where this run's replaces it (an attack) */
	out = cli_expect(0, "-q solve -o %s/p.gpkg --report %s/r0.html %s", dir, dir, ini);
	cr_assert_null(strstr(out, "older than the plan"), "%s", out);
	a = slurp_at("%s/r0.html", dir);
	cr_assert(a && strstr(a, "<tr><td>shut s1</td>"), "the second run's report compares nothing");
	free(a);
	/* a scenario's plan gone: an error that names it, and no report */
	a = slurp_at("%s/q-shut_s1/summary.csv", dir);
	cr_assert(a, "no scenario plan q-shut_s1/");
	free(a);
	cr_assert(asprintf(&a, "rm -r %s/q-shut_s1", dir) > 0);
	cr_assert_eq(system(a), 0);
	free(a);
	out = cli_expect(1, "-q report %s/q.csv -o %s/gone.html", dir, dir);
	cr_assert(strstr(out, "scenario shut s1") && strstr(out, "q-scenarios.csv") &&
	          strstr(out, "q-shut_s1"), "%s", out);
	a = slurp_at("%s/gone.html", dir);
	cr_assert_null(a, "a report was written");
	free(ini);
	/* the base solved again alone: the older comparison is another run's */
	ini = scenario(dir, "schools.geojson", "compounds.geojson", "");
	cli_expect(0, "-q solve -o %s/p.gpkg %s", dir, ini);
	out = cli_expect(0, "report %s/p.gpkg -o %s/alone.html", dir, dir);
	cr_assert(strstr(out, "p-scenarios.csv is older than the plan"), "%s", out);
	a = slurp_at("%s/alone.html", dir);
	cr_assert(a && !strstr(a, "class=\"scenarios\""), "a stale comparison was included");
	free(a);
	free(ini);
	free(dir);
}

/* Issue 14: the usage texts and the lookup page's and report's errors in
 * Chinese where asked (--lang zh, also after -h, or LANG), English with
 * --lang en; option names, commands and file names kept as they are. */
Test(cli, usage_and_page_errors_speak_chinese)
{
	char *dir = tmpdir();
	const char *out = cli_expect(0, "--lang zh --help");
	cr_assert(strstr(out, "用法:catchment [选项] 命令") && strstr(out, "  -q, --quiet ") &&
	          strstr(out, "publish PLAN -o DIR  公开的学区查询页面") && !strstr(out, "Usage:"),
	          "%s", out);
	out = cli_expect(0, "--help --lang zh");
	cr_assert(strstr(out, "用法:catchment"), "--lang after -h: %s", out);
	out = cli_expect(0, "--lang zh report --help");
	cr_assert(strstr(out, "用法:catchment report [--lang zh|en]") && strstr(out, "情景比较"),
	          "%s", out);
	out = cli_expect(2, "--lang zh solve");
	cr_assert(strstr(out, "用法:catchment solve") && strstr(out, "  -m, --map FILE  "), "%s", out);
	out = cli_expect(0, "--lang en --help");
	cr_assert(strstr(out, "Usage: catchment [OPTIONS] COMMAND"), "%s", out);

	free(write_file(dir, "keep.txt", "mine"));
	out = cli_expect(1, "--lang zh publish %s/none.gpkg -o %s", dir, dir);
	cr_assert(strstr(out, "不是 catchment 写出的文件(没有 catchment-site.txt)"), "%s", out);
	out = cli_expect(1, "--lang zh publish %s/none.gpkg -o %s/keep.txt", dir, dir);
	cr_assert(strstr(out, "keep.txt:是一个文件,不是存放查询页面的文件夹"), "%s", out);
	free(dir);
}

/* Every file solve writes is checked before the data is read: an empty
 * path is a usage error naming its option; a folder that is missing, is a
 * file, or may not be written in is an error naming the path.  Either way
 * nothing is written and the plan already there is not replaced (it used
 * to be, by a run whose ranges, map or report then failed after it). */
Test(cli, outputs_checked_before_the_solve)
{
	static const char *const opt[] = {"-o", "--ranges", "--map", "--report"};
	static const char *const named[] = {"--output", "--ranges", "--map", "--report"};
	static const char *const file[] = {"p.gpkg", "r.md", "m.svg", "r.html"};
	char *dir = tmpdir(), *ini, *plan, *bad, where[3][4200];
	const char *out;
	struct stat before, after;
	int n_where = 2;

	ini = scenario(dir, "schools.geojson", "compounds.geojson", "");
	cr_assert(asprintf(&plan, "%s/plan.gpkg", dir) > 0);
	cli_expect(0, "-q solve -o %s %s", plan, ini);
	cr_assert_eq(stat(plan, &before), 0);
	free(write_file(dir, "file", "not a folder\n"));
	snprintf(where[0], sizeof where[0], "/nonexistent-cm");
	snprintf(where[1], sizeof where[1], "%s/file", dir);
	if (geteuid() != 0) { /* root may write in any folder */
		snprintf(where[2], sizeof where[2], "%s/ro", dir);
		cr_assert_eq(mkdir(where[2], 0555), 0);
		n_where = 3;
	}
	for (int k = 0; k < 4; k++) {
		/* the option empty: a usage error */
		out = k ? cli_expect(2, "-q solve -o %s %s '' %s", plan, opt[k], ini)
		        : cli_expect(2, "-q solve -o '' %s", ini);
		cr_assert(strstr(out, named[k]), "%s", out);
		for (int w = 0; w < n_where; w++) {
			cr_assert(asprintf(&bad, "%s/%s", where[w], file[k]) > 0);
			out = k ? cli_expect(1, "-q solve -o %s %s %s %s", plan, opt[k], bad, ini)
			        : cli_expect(1, "-q solve -o %s %s", bad, ini);
			cr_assert(strstr(out, bad) && strstr(out, where[w]), "%s", out);
			cr_assert_neq(access(bad, F_OK), 0, "%s written", bad);
			free(bad);
		}
		/* the plan of the first run is the same file, never written again */
		cr_assert_eq(stat(plan, &after), 0);
		cr_assert(after.st_ino == before.st_ino &&
		          after.st_mtim.tv_sec == before.st_mtim.tv_sec &&
		          after.st_mtim.tv_nsec == before.st_mtim.tv_nsec,
		          "%s: the plan was replaced", opt[k]);
	}
	free(plan);
	free(ini);
	free(dir);
}

/* Two scenarios are never written to one plan: [scenario a/b] and
 * [scenario a_b] both give plan-a_b.gpkg (the second used to replace the
 * first, exit 0), names that differ only in case share a file where case
 * is ignored, and a-b and a_b share the PostgreSQL schema plan_a_b.  An
 * error naming both and the path, before anything is solved or written
 * (the database is never reached). */
Test(cli, scenarios_never_share_a_plan)
{
	static const struct {
		const char *a, *b, *output, *shared;
	} cases[] = {
		{"a/b", "a_b", "p.gpkg", "p-a_b.gpkg"},
		{"North", "north", "p.gpkg", "p-north.gpkg"},
		{"a-b", "a_b", "PG:dbname=cm_none", "schemas=plan_a_b"},
	};
	char *dir = tmpdir(), *extra, *ini;
	const char *out;
	for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
		int pg = !strncmp(cases[k].output, "PG:", 3);
		cr_assert(asprintf(&extra, "[scenario %s]\ndemand_scale = 1.1\n"
		                           "[scenario %s]\ndemand_scale = 1.2\n",
		                   cases[k].a, cases[k].b) > 0);
		ini = scenario(dir, "schools.geojson", "compounds.geojson", extra);
		out = cli_expect(1, "-q solve -o %s%s%s %s", pg ? "" : dir, pg ? "" : "/",
		                 cases[k].output, ini);
		cr_assert(strstr(out, cases[k].a) && strstr(out, cases[k].b) &&
		          strstr(out, cases[k].shared), "case %zu: %s", k, out);
		if (!pg) {
			char *p = slurp_at("%s/%s", dir, cases[k].output);
			cr_assert_null(p, "case %zu: the base plan was written", k);
			p = slurp_at("%s/%s", dir, cases[k].shared);
			cr_assert_null(p, "case %zu: a scenario's plan was written", k);
		}
		free(ini);
		free(extra);
	}
	free(dir);
}

/* ------------------------------------------------------------ golden texts */

/* What a planner reads, held to golden files (tests/data/golden): the
 * example county's terminal summary and its enrolment ranges, byte for
 * byte, but for the seconds a level took and the plan's path.  A change to
 * either text is a change the reviewer sees in the golden file's diff:
 * CM_GOLDEN_UPDATE=1 rewrites them. */
static char *summary_masked(const char *out, const char *dir)
{
	char *text = strdup(out), *line, *end, *p;
	size_t n = strlen(dir);
	cr_assert(text);
	/* the level rows' last column (seconds), with the blanks that align
	 * it: 9.87 and 10.12 s mask alike (a loaded sanitizer run passed 10 s) */
	for (line = text; *line; line = *end ? end + 1 : end) {
		end = strchr(line, '\n');
		if (!end)
			end = line + strlen(line);
		if ((!strncmp(line, "primary ", 8) || !strncmp(line, "junior ", 7)) && end > line) {
			for (p = end; p > line && p[-1] != ' '; p--)
				*(p - 1) = '#';
			for (; p > line && p[-1] == ' '; p--)
				*(p - 1) = '#';
		}
	}
	/* the output folder */
	while ((p = strstr(text, dir)))
		memmove(p + 3, p + n, strlen(p + n) + 1), memcpy(p, "OUT", 3);
	return text;
}

static void against_golden(const char *name, const char *got)
{
	const char *data = getenv("CM_TEST_DATA");
	char *path, *want;
	cr_assert(data);
	cr_assert(asprintf(&path, "%s/golden/%s", data, name) > 0);
	if (getenv("CM_GOLDEN_UPDATE")) {
		FILE *fp = fopen(path, "w");
		cr_assert(fp, "%s", path);
		fputs(got, fp);
		fclose(fp);
	}
	want = slurp(path, NULL);
	cr_assert(want, "%s is missing (CM_GOLDEN_UPDATE=1 writes it)", path);
	cr_assert_str_eq(got, want, "%s differs from what the CLI writes now; if the change is "
	                 "meant, rerun with CM_GOLDEN_UPDATE=1 and review the diff", path);
	free(want);
	free(path);
}

Test(cli, golden_summary_and_ranges)
{
	const char *ex = getenv("CM_EXAMPLE"), *out;
	char *dir = tmpdir(), *args, *masked, *ranges;
	cr_assert(ex, "CM_EXAMPLE is not set");
	cr_assert(asprintf(&args, "--lang en solve %s -o %s/plan.gpkg --ranges %s/ranges.md", ex, dir,
	                   dir) > 0);
	cr_assert_eq(run_cli_to(args, "2>/dev/null", &out), 0, "%s", out);
	masked = summary_masked(out, dir);
	against_golden("tongxi-summary.txt", masked);
	ranges = slurp_at("%s/ranges.md", dir);
	cr_assert(ranges);
	against_golden("tongxi-ranges.md", ranges);
	free(ranges);
	free(masked);
	free(args);
	free(dir);
}

/* The whitespace-separated words of `line` (up to its end or newline) into
 * w[0..max); returns how many. */
static int words(const char *line, char w[][48], int max)
{
	int n = 0;
	while (*line && *line != '\n' && n < max) {
		size_t k = 0;
		while (*line == ' ')
			line++;
		if (!*line || *line == '\n')
			break;
		while (*line && *line != ' ' && *line != '\n')
			if (k < 47)
				w[n][k++] = *line++;
			else
				line++;
		w[n++][k] = '\0';
	}
	return n;
}

/* docs/scenarios.md's table of examples/tongxi-scenarios.ini went stale
 * (18 compounds where the run gives 17, 1191 pupils where 1085, ...; an
 * attack): each of its rows is the run's, in pupils, placed, shortfall,
 * moved and compounds. */
Test(cli, the_scenarios_doc_table_is_the_examples, .timeout = 600)
{
	const char *ex = getenv("CM_EXAMPLE");
	char *dir = tmpdir(), path[4096], *doc, *table, *end, *run;
	const char *out, *line;
	int rows = 0;
	cr_assert(ex, "CM_EXAMPLE is not set");
	snprintf(path, sizeof path, "%.*s/../docs/scenarios.md", (int)(strrchr(ex, '/') - ex), ex);
	doc = slurp(path, NULL);
	cr_assert(doc, "%s", path);
	table = strstr(doc, "```\nscenario ");
	cr_assert(table, "no table in %s", path);
	table = strchr(table + 4, '\n') + 1;
	end = strstr(table, "```");
	cr_assert(end);
	*end = '\0';
	snprintf(path, sizeof path, "%.*s-scenarios.ini", (int)(strlen(ex) - 4), ex);
	out = cli_expect(0, "solve -o %s/plan.gpkg %s", dir, path);
	run = strdup(out);
	for (line = table; *line; line = strchr(line, '\n') + 1) {
		char d[16][48], r[16][48], key[128];
		const char *at;
		int nd = words(line, d, 16), nr;
		cr_assert(nd == 5 || nd == 8, "a row of the table: %.80s", line);
		snprintf(key, sizeof key, "\n%-17s %-7s ", d[0], d[1]);
		at = strstr(run, key);
		cr_assert(at, "no row %s %s in the run:\n%s", d[0], d[1], run);
		nr = words(at + 1, r, 16);
		cr_assert(nr >= 12, "%.200s", at + 1);
		for (int k = 2; k < 5; k++)
			cr_assert_str_eq(d[k], r[k], "%s %s: the table says %s, the run %s", d[0], d[1],
			                 d[k], r[k]);
		if (nd == 8) /* moved and cmpds, the run's 12th and 13th */
			cr_assert(!strcmp(d[6], r[11]) && !strcmp(d[7], r[12]),
			          "%s %s: moved %s, cmpds %s in the table; %s, %s in the run", d[0], d[1],
			          d[6], d[7], r[11], r[12]);
		rows++;
	}
	cr_assert_geq(rows, 6);
	free(run);
	free(doc);
	free(dir);
}

/* A max_moved_pupils the seats cannot hold was exceeded in silence (630
 * moved with a cap of 0 in the attack), where the quota's miss is said: it
 * is said as plainly.  Last year S2 had 100 seats; this year 20, so its
 * compounds must move. */
Test(cli, a_moved_pupils_cap_exceeded_is_said, .timeout = 300)
{
	char *dir = tmpdir(), *ini, path[4200];
	const char *out;
	ini = redraw_year(dir, 100, NULL, "last.gpkg", "");
	cli_expect(0, "-q solve %s", ini);
	free(ini);
	ini = redraw_year(dir, 20, "last.gpkg", "now.gpkg", "[solve]\nmax_moved_pupils = 0\n");
	out = cli_expect(0, "solve %s", ini);
	cr_assert(strstr(out, "MOVED-PUPILS CAP EXCEEDED: at most 0 pupils should move "
	                      "([solve] max_moved_pupils); this plan moves "), "%s", out);
	/* and in the summary, as the quota's miss (quota_met) */
	snprintf(path, sizeof path, "%s/now.gpkg", dir);
	cr_assert_eq(summary_int(path, "primary", "moved_met"), 0);
	free(ini);
	/* a cap the plan holds says nothing */
	ini = redraw_year(dir, 100, "last.gpkg", "same.gpkg", "[solve]\nmax_moved_pupils = 0\n");
	out = cli_expect(0, "solve %s", ini);
	cr_assert(strstr(out, "Against last year's plan"), "%s", out);
	cr_assert_null(strstr(out, "CAP EXCEEDED"), "%s", out);
	snprintf(path, sizeof path, "%s/same.gpkg", dir);
	cr_assert_eq(summary_int(path, "primary", "moved_met"), 1);
	free(ini);
	/* a scenario held to its base: its line in the comparison, and the
	 * HTML report of its plan (it said nothing of the cap there) */
	ini = redraw_year(dir, 100, NULL, "base.gpkg",
	                  "[solve]\nmax_moved_pupils = 0\n[scenario shrink]\nseats_primary = S2:20\n");
	out = cli_expect(0, "solve %s", ini);
	cr_assert(strstr(out, "shrink primary: MOVED-PUPILS CAP EXCEEDED: at most 0 pupils should "
	                      "move"), "%s", out);
	{
		char html[4300], *page;
		snprintf(path, sizeof path, "%s/base-shrink.gpkg", dir);
		snprintf(html, sizeof html, "%s/shrink.html", dir);
		cli_expect(0, "-q report --lang en %s -o %s", path, html);
		page = slurp(html, NULL);
		cr_assert(page && strstr(page, "above the cap (max_moved_pupils)"), "%s", html);
		free(page);
	}
	free(ini);
	free(dir);
}

/* Pupils who lost their place were called "pupils at another school", and
 * compare of two plans alike printed its two header lines only (an
 * attack): the line tells the two apart, and compare says it found no
 * difference. */
Test(cli, the_moves_line_tells_lost_places_apart, .timeout = 300)
{
	char *dir = tmpdir(), *ini;
	const char *out;
	ini = redraw_year(dir, 100, NULL, "last.gpkg", "");
	cli_expect(0, "-q solve %s", ini);
	free(ini);
	/* S2 cut to 20 seats, the weight holding everyone else: its pupils
	 * have no other school in reach with a seat */
	ini = redraw_year(dir, 20, "last.gpkg", "now.gpkg", "");
	out = cli_expect(0, "solve %s", ini);
	cr_assert(strstr(out, " now without a place); "), "%s", out);
	cr_assert_null(strstr(out, "pupils moved (0 at another school, 0 now without a place)"
	                           "; 1 "), "%s", out);
	cr_assert_null(strstr(out, ", 0 now without a place); 1 "), "%s", out);
	free(ini);
	out = cli_expect(0, "compare %s/last.gpkg %s/last.gpkg", dir, dir);
	cr_assert(strstr(out, "No differences: no compound changes school and no school's "
	                      "enrolment changes."), "%s", out);
	out = cli_expect(0, "compare %s/last.gpkg %s/now.gpkg", dir, dir);
	cr_assert_null(strstr(out, "No differences"), "%s", out);
	free(dir);
}

/* A public school turned private (民办) this year was not gone: its
 * compounds counted as moved by choice, forced 0 (an attack).  It holds no
 * catchment now: they move by force, and check names it. */
Test(cli, a_school_turned_private_is_gone, .timeout = 300)
{
	char *dir = tmpdir(), *ini, *path, *text;
	const char *out;
	ini = redraw_year(dir, 100, NULL, "last.gpkg", "");
	cli_expect(0, "-q solve %s", ini);
	free(ini);
	ini = redraw_year(dir, 100, "last.gpkg", "now.gpkg", "");
	cr_assert(asprintf(&path, "%s/schools100.csv", dir) > 0);
	text = slurp(path, NULL);
	cr_assert(text && strstr(text, "S2,School Two,primary,public"));
	free(text);
	free(write_file(dir, "schools100.csv",
	                "id,name,level,sector,seats_primary,seats_junior,purchased_primary,x,y\n"
	                "S1,School One,primary,public,100,0,0,500000,2700000\n"
	                "S2,School Two,primary,private,100,0,0,502000,2700000\n"
	                "S3,Private Three,primary,private,80,0,30,501000,2701000\n"
	                "J1,Junior One,junior,public,0,100,0,501000,2699000\n"));
	out = cli_expect(0, "check %s", ini);
	cr_assert(strstr(out, "gone-schools") && strstr(out, "S2"), "%s", out);
	out = cli_expect(0, "solve %s", ini);
	cr_assert(strstr(out, "because their school is gone)"), "%s", out);
	cr_assert(strstr(out, " (school gone)"), "%s", out);
	free(path);
	free(ini);
	free(dir);
}
