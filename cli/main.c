/*
 * main.c: the `catchment` command, a thin layer over the public API.
 *
 * Exit status: 0 success, 1 bad input or configuration (including data that
 * cannot be solved), 2 usage error, 3 solver failure.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include "catchment.h"

#include <errno.h>
#include <getopt.h>
#include <libintl.h>
#include <limits.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The command's own messages and usage texts, from the library's catalogue
 * (docs/design.md, "Languages"). */
#define _(s) dgettext("catchment", s)
#define N_(s) (s)

enum { EXIT_OK = 0, EXIT_INPUT = 1, EXIT_USAGE = 2, EXIT_SOLVER = 3 };

typedef struct cli {
	int quiet;     /* -q: errors only */
	int verbose;   /* -v: debug messages too */
	int progress;  /* report progress on stderr (not with -q) */
	int tty;       /* stderr is a terminal: draw it; else a line per stage */
	int drawn;     /* a progress line is on the terminal, not ended */
	char last_stage[64]; /* the stage under way ("" none) */
	double stage_start;  /* when it began, seconds (CLOCK_MONOTONIC) */
	int stage_pct;       /* its last percentage */
	const char *report; /* solve --report FILE: the HTML report of each plan */
	int en;             /* --lang en: solve's reports in English too (else Chinese) */
	const char *ranges; /* solve --ranges FILE: the enrolment ranges of each plan */
	const char *map;    /* solve --map FILE: the maps of each plan */
} cli;

static const char *const usage_text = N_(
	"Usage: catchment [OPTIONS] COMMAND [ARGS]\n"
	"\n"
	"Allocates residential compounds to public schools (enrolment catchments).\n"
	"\n"
	"Commands:\n"
	"  check SCENARIO.ini   read and validate the data; report pupils, seats and problems\n"
	"  solve SCENARIO.ini   solve the allocation model and write the plan\n"
	"  map PLAN -o FILE     draw maps of a plan: PNG, SVG or PDF\n"
	"  export PLAN -o OUT   convert a plan to another format, without solving\n"
	"  compare PLAN_A PLAN_B  compounds that change school, pupils affected, enrolment\n"
	"  report PLAN -o FILE  the plan report: one HTML file with maps and tables\n"
	"  publish PLAN -o DIR  the public lookup page (学区查询): a static folder\n"
	"\n"
	"Options:\n"
	"  -q, --quiet          print errors and warnings only, no progress\n"
	"  -v, --verbose        print debugging messages\n"
	"  -h, --help           show this help (also: catchment COMMAND --help)\n"
	"  -V, --version        show the version\n"
	"      --lang zh|en     the language of messages (default: LANG; Chinese for zh_*)\n"
	"\n"
	"Exit status: 0 success, 1 bad input or configuration, 2 usage error,\n"
	"3 solver failure.  The scenario file is documented in docs/config.md.\n");

static const char *const check_usage = N_(
	"Usage: catchment check [--all] SCENARIO.ini\n"
	"\n"
	"Loads the schools and compounds the scenario names and reports counts by\n"
	"level and sector, pupils and seats, compounds with no school in reach and\n"
	"every problem found, then a verdict.  Exit 0 when the data can be solved,\n"
	"1 when it cannot.\n"
	"\n"
	"  -a, --all    list every finding (default: the first 10 of each kind)\n");

static const char *const solve_usage = N_(
	"Usage: catchment solve [-o PLAN] [--format FORMAT] SCENARIO.ini\n"
	"\n"
	"Checks the data, solves each level (primary, junior) and writes the plan:\n"
	"a GeoPackage with the layers assignment, schools and summary.  Prints the\n"
	"summary: pupils placed, shortfall, distances, the migrant quota, where one\n"
	"more seat helps most.  Exit 0 on success, 1 for bad data, 3 when the solver\n"
	"fails.\n"
	"\n"
	"  -o, --output PATH   the plan (default: [output] path, else SCENARIO.gpkg)\n"
	"  -f, --format F      gpkg (a file), or shp, geojson, csv (a folder named after\n"
	"                      PATH without its extension); default: from PATH's extension\n"
	"  -r, --ranges FILE   also write the enrolment ranges (招生范围): .md for Markdown,\n"
	"                      .csv (UTF-8 with a BOM) or .xlsx for office software, and\n"
	"                      FILE-NAME.EXT for each scenario\n"
	"  -m, --map FILE      also draw maps (.png, .svg, .pdf; see catchment map --help),\n"
	"                      and FILE-NAME.EXT for each scenario, its closed schools\n"
	"                      struck through\n"
	"      --report FILE   also write the HTML plan report (Chinese; see catchment report\n"
	"                      --help), and FILE-NAME.html for each scenario\n"
	"  -s, --scenario NAME solve only this [scenario NAME] besides the base\n"
	"      --schema NAME   a plan written to PostgreSQL (-o PG:...): its schema\n"
	"                      (default: [output] schema, the string's schemas=, plan)\n"
	"\n"
	"With [scenario NAME] sections, each scenario is solved after the base plan\n"
	"and written beside it (PLAN-NAME.gpkg); the comparison goes to the terminal\n"
	"and to PLAN-scenarios.csv.  With [input] previous_plan, the plan is held to\n"
	"last year's by [solve] stability_weight and max_moved_pupils, and the\n"
	"compounds that change school are listed (docs/scenarios.md).\n");

static const char *const map_usage = N_(
	"Usage: catchment map [--level LEVEL] [--title TEXT] [--base PLAN] PLAN -o FILE\n"
	"\n"
	"Draws the catchments of a plan written by catchment solve (a GeoPackage, or\n"
	"a shapefile or GeoJSON folder): catchments in colours that differ between\n"
	"neighbours, schools by sector with their names, compounds with pupils\n"
	"without a seat hatched red, full schools ringed, legend, scale bar, north\n"
	"arrow.  FILE's extension picks the format.  A PDF has a page per level; PNG\n"
	"and SVG have a file per level (FILE-primary.png, FILE-junior.png) unless\n"
	"--level picks one.\n"
	"\n"
	"  -o, --output FILE   the map: .png, .svg or .pdf\n"
	"  -l, --level L       primary or junior (default: every level in the plan)\n"
	"  -t, --title TEXT    the title (default: the plan's [output] title or scenario\n"
	"                      title, else the scenario's name)\n"
	"  -b, --base PLAN     the plan this one is a scenario of: its schools that are\n"
	"                      gone are drawn struck through, their catchments outlined\n");

/* "primary" / "junior" to a level, -1 for anything else. */
static int parse_level(const char *s)
{
	if (!strcmp(s, "primary") || !strcmp(s, "小学"))
		return CM_PRIMARY;
	if (!strcmp(s, "junior") || !strcmp(s, "初中"))
		return CM_JUNIOR;
	return -1;
}

/* 1 when `a` and `b` name the same existing file. */
static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

/* The folder a folder plan (shp, geojson, csv) lives in, as `plan` names
 * it (the folder, or NAME.shp for folder NAME), resolved into `root`;
 * 0 when `plan` is no folder plan. */
static int plan_folder(const char *plan, char *root)
{
	struct stat st;
	char stem[PATH_MAX];
	const char *dot = strrchr(plan, '.');
	if (realpath(plan, root) && stat(root, &st) == 0 && S_ISDIR(st.st_mode))
		return 1;
	if (!dot || strchr(dot, '/') || (size_t)(dot - plan) >= sizeof stem)
		return 0;
	memcpy(stem, plan, (size_t)(dot - plan));
	stem[dot - plan] = '\0';
	return realpath(stem, root) && stat(root, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Would writing `out` touch plan `plan`: the plan's own file, or a file
 * inside its folder (a layer file: `report plan -o plan/summary.geojson`
 * replaced the summary with HTML)? */
static int over_plan(const char *plan, const char *out)
{
	char root[PATH_MAX], dir[PATH_MAX], *at;
	size_t n;
	if (same_file(plan, out))
		return 1;
	if (!plan_folder(plan, root) || strlen(out) >= sizeof dir)
		return 0;
	strcpy(dir, out);
	at = strrchr(dir, '/');
	if (at)
		*at = '\0';
	if (!realpath(at ? (dir[0] ? dir : "/") : ".", dir))
		return 0;
	n = strlen(root);
	return !strncmp(dir, root, n) && (dir[n] == '\0' || dir[n] == '/');
}

/* Does the plan have a level solved (a scenario with demand_scale = 0 has
 * none: no pupils, no map)? */
static int has_level(const cm_plan *plan)
{
	int lv;
	for (lv = 0; lv < CM_NLEVELS; lv++)
		if (cm_plan_summary(plan, (cm_level)lv)->solved)
			return 1;
	return 0;
}

/* 1 when `path` ends in a map format's extension (the library's check). */
static int is_map_path(const char *path)
{
	return cm_format_of(CM_OUTPUT_MAP, path, NULL) >= 0;
}

static void end_progress(cli *c);
static void break_progress(cli *c);

static void on_log(cm_log_level level, const char *msg, void *ud)
{
	cli *c = ud;
	if (level == CM_LOG_DEBUG && !c->verbose)
		return;
	if (level != CM_LOG_WARN && c->quiet)
		return;
	break_progress(c); /* a message never shares the progress line */
	char *shown = cm_source_shown(msg); /* no password of a connection string */
	fprintf(stderr, "%s\n", shown ? shown : msg);
	free(shown);
}

/* The library's stages (the text before a report's ':'), for the reader. */
static const char *const stage_names[] = {
	N_("reading schools"), N_("reading compounds"), N_("reading boundary"), N_("checking"),
	N_("solving"), N_("roads"), N_("drawing catchments"), N_("drawing maps"),
};

static const char *stage_shown(const char *key)
{
	for (size_t i = 0; i < sizeof stage_names / sizeof *stage_names; i++)
		if (!strcmp(key, stage_names[i]))
			return _(stage_names[i]);
	return key;
}

static double now_seconds(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Bytes of `s` that fit in `cols` terminal columns (wide characters take
 * two), cut between characters. */
static size_t fit_columns(const char *s, int cols)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;
	while (p[n]) {
		unsigned b = p[n];
		size_t len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4, k;
		/* from U+2E80 (CJK) on, and beyond the BMP: wide */
		int w = len == 4 || (len == 3 && (b > 0xE2 || (b == 0xE2 && p[n + 1] >= 0xBA))) ? 2 : 1;
		if ((cols -= w) < 0)
			break;
		for (k = 0; k < len && p[n]; k++)
			n++;
	}
	return n;
}

/* Draws the stage's line on the terminal, over the one it drew before, cut
 * to the terminal's width (a wrapped line could not be drawn over). */
static void draw_stage(cli *c, const char *text)
{
	struct winsize ws;
	char line[512];
	int cols = ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 ? ws.ws_col : 80;
	size_t key = strlen(c->last_stage);
	snprintf(line, sizeof line, "%s%s", stage_shown(c->last_stage),
	         !strncmp(text, c->last_stage, key) ? text + key : "");
	fflush(stdout); /* what the command printed comes before */
	fprintf(stderr, "\r%.*s %3d%%\033[K", (int)fit_columns(line, cols > 10 ? cols - 6 : 4), line,
	        c->stage_pct);
	fflush(stderr);
	c->drawn = 1;
}

/* A stage is the text before its first ':' ("solving: primary ...");
 * reports of the same stage share a line on a terminal.  Without one, each
 * stage gets a line with its time when it ends (for logs). */
static void on_progress(double done, const char *stage, void *ud)
{
	cli *c = ud;
	const char *colon = strchr(stage, ':');
	size_t key = colon ? (size_t)(colon - stage) : strlen(stage);
	if (strlen(c->last_stage) != key || strncmp(stage, c->last_stage, key)) {
		end_progress(c);
		snprintf(c->last_stage, sizeof c->last_stage, "%.*s", (int)key, stage);
		c->stage_start = now_seconds();
	}
	c->stage_pct = (int)(done * 100 + 0.5);
	if (c->tty)
		draw_stage(c, stage);
}

/* Ends the stage under way: its last line with its time.  Called before
 * anything else is printed, so that no progress line is ever drawn over a
 * line of the command's output. */
static void end_progress(cli *c)
{
	if (!c->last_stage[0])
		return;
	if (c->tty) {
		fflush(stdout);
		fputs("\r", stderr);
	}
	fprintf(stderr, _("%s: %.2f s"), stage_shown(c->last_stage), now_seconds() - c->stage_start);
	fputs(c->tty ? "\033[K\n" : "\n", stderr);
	c->last_stage[0] = '\0';
	c->drawn = 0;
}

/* Clears the progress line for a message; the stage goes on (and is drawn
 * again on the next line at its next report). */
static void break_progress(cli *c)
{
	if (c->tty && c->drawn) {
		fputs("\r\033[K", stderr);
		c->drawn = 0;
	}
}

/* The options every command takes, last in its table. */
#define COMMON_OPTIONS                                                                      \
	{"quiet", no_argument, NULL, 'q'}, {"verbose", no_argument, NULL, 'v'},               \
	{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}

/* A command's option `opt` that is none of its own: -q, -v (-1: go on), -h
 * (EXIT_OK, the usage shown) or one getopt refused (EXIT_USAGE). */
static int common_option(cli *c, int opt, const char *usage)
{
	switch (opt) {
	case 'q': c->quiet = 1, c->progress = 0; return -1;
	case 'v': c->verbose = 1; return -1;
	case 'h': fputs(usage, stdout); return EXIT_OK;
	default: fputs(usage, stderr); return EXIT_USAGE;
	}
}

/* 1, said on stderr, when option `opt` of command `cmd` (its table `opts`)
 * takes a value and was given before: a second --ranges replaced the first
 * in silence, and only one file was written.  A flag (-q, --all) may come
 * twice.  `seen` is the command's, zeroed before its options are read. */
static int given_twice(const char *cmd, const struct option *opts, int opt, unsigned char seen[256])
{
	const struct option *o;
	if (opt < 0 || opt > 255)
		return 0;
	for (o = opts; o->name && !(o->val == opt && o->has_arg == required_argument); o++)
		;
	if (!o->name || !seen[opt]++)
		return 0;
	fprintf(stderr, _("catchment %s: --%s given twice: give it once\n"), cmd, o->name);
	return 1;
}

/* A context that logs and draws progress as the options say; NULL (and a
 * message) when out of memory. */
static cm_ctx *cli_ctx(cli *c)
{
	cm_ctx *ctx;
	if (cm_ctx_new(&ctx)) {
		fprintf(stderr, _("catchment: out of memory\n"));
		return NULL;
	}
	cm_ctx_set_log(ctx, on_log, c);
	if (c->progress)
		cm_ctx_set_progress(ctx, on_progress, c);
	return ctx;
}

typedef struct scenario {
	cm_ctx *ctx;
	cm_config *cfg;
	cm_dataset *ds;
	cm_check_report rep;
} scenario;

/* The scenario every command starts from, in two steps (solve checks its
 * outputs between them, before the data is read): its context and
 * configuration, then its data and check.  Each returns 0, or the
 * library's error code with sc->ctx still set (for the message) when the
 * context could be made. */
static int scenario_config(cli *c, const char *path, scenario *sc)
{
	memset(sc, 0, sizeof *sc);
	if (!(sc->ctx = cli_ctx(c)))
		return CM_ENOMEM;
	return cm_config_load(sc->ctx, path, &sc->cfg);
}

static int scenario_data(scenario *sc)
{
	int rc = cm_dataset_load(sc->ctx, sc->cfg, &sc->ds);
	if (!rc)
		rc = cm_check(sc->ctx, sc->cfg, sc->ds, &sc->rep);
	return rc;
}

static int scenario_open(cli *c, const char *path, scenario *sc)
{
	int rc = scenario_config(c, path, sc);
	return rc ? rc : scenario_data(sc);
}

static void scenario_close(scenario *sc)
{
	cm_dataset_free(sc->ds);
	cm_config_free(sc->cfg);
	cm_ctx_free(sc->ctx);
}

static void report_error(const scenario *sc)
{
	/* a connection string's password=, wherever a message quotes one, left out */
	char *msg;
	if (!sc->ctx)
		return; /* cli_ctx said so */
	msg = cm_source_shown(cm_ctx_last_error(sc->ctx));
	fprintf(stderr, "catchment: %s\n", msg ? msg : _("out of memory"));
	free(msg);
}

/* 1 when `path` is a PostgreSQL connection string: the plan is a schema. */
static int is_pg(const char *path)
{
	return !strncasecmp(path, "PG:", 3);
}


/* The check's warnings before a solve, in one line: the plan stands, but
 * a school no pupil reaches, or seats short county-wide, should not pass
 * unread (they were shown by `catchment check` only).  Last year's plan's
 * own warning is its line, as it is read. */
static void warnings_line(const scenario *sc, cli *c)
{
	const char *seen[8];
	char kinds[512] = "";
	size_t i, k, count = cm_dataset_diag_count(sc->ds), n = 0;
	for (i = 0; i < count; i++) {
		const cm_diag *d = cm_dataset_diag(sc->ds, i);
		if (d->severity != CM_WARNING)
			continue;
		for (k = 0; k < n && strcmp(seen[k], d->kind); k++) /* a kind once */
			;
		if (k < n)
			continue;
		if (n == 8) { /* more kinds than the line names */
			snprintf(kinds + strlen(kinds), sizeof kinds - strlen(kinds), ", ...");
			break;
		}
		seen[n++] = d->kind;
		snprintf(kinds + strlen(kinds), sizeof kinds - strlen(kinds), "%s%s", n > 1 ? ", " : "",
		         d->kind);
	}
	end_progress(c);
	fprintf(stderr, dngettext("catchment",
	                          "catchment: the data check found %zu warning (%s); catchment "
	                          "check lists it\n",
	                          "catchment: the data check found %zu warnings (%s); catchment "
	                          "check lists them\n",
	                          sc->rep.warnings),
	        sc->rep.warnings, kinds);
}

static int cmd_check(cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"all", no_argument, NULL, 'a'},
		COMMON_OPTIONS,
	};
	scenario sc;
	int all = 0, opt, st, status = EXIT_INPUT;

	optind = 0; /* 0: GNU getopt starts afresh (and permutes again) */
	while ((opt = getopt_long(argc, argv, "aqvh", opts, NULL)) != -1) {
		switch (opt) {
		case 'a': all = 1; break;
		default:
			if ((st = common_option(c, opt, _(check_usage))) >= 0)
				return st;
			break;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, _("catchment check: expected one scenario file\n%s"), _(check_usage));
		return EXIT_USAGE;
	}
	/* last year's plan is an input too: its problems are findings before
	 * the verdict, as a solve would stop on them */
	if (scenario_open(c, argv[optind], &sc) || cm_previous_check(sc.ctx, sc.cfg, sc.ds, &sc.rep)) {
		end_progress(c);
		report_error(&sc);
	} else {
		end_progress(c);
		status = sc.rep.solvable ? EXIT_OK : EXIT_INPUT;
		/* -q: errors and warnings only (README): the whole report where
		 * the data cannot be solved, else the warnings' lines alone
		 * (they were not printed at all) */
		if ((!c->quiet || !sc.rep.solvable)
		        ? cm_report_check(sc.ctx, sc.cfg, sc.ds, &sc.rep, all ? 0 : 10,
		                          c->quiet ? stderr : stdout)
		        : cm_report_check_warnings(sc.ctx, sc.ds, all ? 0 : 10, stderr)) {
			report_error(&sc); /* the report could not be written */
			status = EXIT_INPUT;
		}
	}
	scenario_close(&sc);
	return status;
}

/* [output] path, else the scenario's name beside it. */
static char *default_output(const char *ini)
{
	const char *dot = strrchr(ini, '.'), *slash = strrchr(ini, '/');
	size_t n = dot && (!slash || dot > slash) ? (size_t)(dot - ini) : strlen(ini);
	char *p = malloc(n + 6);
	if (p) {
		memcpy(p, ini, n);
		strcpy(p + n, ".gpkg");
	}
	return p;
}

#define REPORTED (-100) /* an error already written out */

/* 0 when the folder the output `what` ("--ranges") at `path` goes into
 * exists and may be written in; else REPORTED, the path and why said.
 * solve asks it of every output before reading the data: the plan is
 * written first, so a ranges file, map or report whose folder is missing
 * would fail only after the plan had been replaced, and after the solve.
 * A question to access(), not a trial write: what it cannot know (a full
 * disk) the writers still report.  A PostgreSQL plan is the database's
 * to refuse. */
static int output_folder_ok(const char *what, const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	struct stat st;
	int err = 0;
	if (is_pg(path))
		return 0;
	dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
	if (!dir)
		err = ENOMEM;
	else if (stat(dir, &st) != 0)
		err = errno;
	else if (!S_ISDIR(st.st_mode))
		err = ENOTDIR;
	else if (access(dir, W_OK) != 0)
		err = errno;
	if (err)
		fprintf(stderr, _("catchment solve: %s %s: cannot write into %s: %s\n"), what, path,
		        dir ? dir : path, strerror(err));
	free(dir);
	return err ? REPORTED : 0;
}

/* A scenario's plan beside the base's: PLAN-NAME.EXT, or in PostGIS the
 * schema SCHEMA_NAME of the same database. */
static int scenario_path(cm_ctx *ctx, const char *output, const char *name, char **out)
{
	if (is_pg(output))
		return cm_pg_plan(ctx, output, NULL, name, out);
	*out = cm_path_beside(output, name, NULL);
	return *out ? 0 : CM_ENOMEM;
}

/* 0 when scenarios `a` and `b` have plans of their own at `pa` and `pb`;
 * else REPORTED, both named.  cm_path_beside makes [scenario a/b] and
 * [scenario a_b] both PLAN-a_b, and PostGIS schemas (cm_pg_plan) are
 * lowercased with anything but a-z0-9 as '_'; without this the second
 * plan replaced the first.  Case is ignored, for a plan folder may be on a
 * disk that ignores it (Windows, macOS): PLAN-A and PLAN-a, one file. */
static int plans_apart(const char *a, const char *pa, const char *b, const char *pb)
{
	char *shown;
	if (strcasecmp(pa, pb))
		return 0;
	if (strcmp(pa, pb)) { /* files: a schema is lowercase */
		fprintf(stderr, _("catchment solve: [scenario %s] and [scenario %s] would be written to %s "
		                  "and %s, one file on a disk that ignores case: rename one\n"),
		        a, b, pa, pb);
		return REPORTED;
	}
	shown = cm_source_shown(pb); /* no password of a connection string */
	fprintf(stderr, _("catchment solve: [scenario %s] and [scenario %s] would both be written to "
	                  "%s: rename one\n"), a, b, shown ? shown : "");
	free(shown);
	return REPORTED;
}

/* 1 when the report's `path` ends in .html or .htm (any case); else 0,
 * said on stderr for command `cmd`.  (A report written over
 * schools.geojson by a slip of -o replaced the data with a page.) */
static int html_name(const char *cmd, const char *path)
{
	size_t n = strlen(path);
	if ((n > 5 && !strcasecmp(path + n - 5, ".html")) ||
	    (n > 4 && !strcasecmp(path + n - 4, ".htm")))
		return 1;
	fprintf(stderr, _("catchment %s: %s: the report is one HTML page: give a name ending "
	                  "in .html\n"), cmd, path);
	return 0;
}

/* 0 when no two of the files this solve writes are one: the plan, the
 * ranges, the map, the report, the scenarios' comparison, and each
 * scenario's plan and the files beside the base's; else REPORTED, naming
 * both.  (-r plan-scenarios.csv was overwritten by the comparison, and a
 * [scenario scenarios]'s ranges were the comparison's file.)  Case is
 * ignored, as in plans_apart. */
static int outputs_apart(const cm_config *cfg, const char *output, const char *output_what,
                         const char *ranges, const char *map, const char *report)
{
	size_t n = 0, cap = 5 + 4 * cfg->n_scenarios, i, j;
	char **path = calloc(cap, sizeof *path), **what = calloc(cap, sizeof *what);
	const char *base[4] = {output, ranges, map, report};
	const char *base_what[4] = {output_what, "--ranges", "--map", "--report"};
	int rc = 0;
	if (!path || !what)
		goto nomem;
	for (i = 0; i < 4; i++)
		if (base[i] && !is_pg(base[i])) {
			path[n] = strdup(base[i]);
			what[n] = strdup(base_what[i]);
			if (!path[n++] || !what[n - 1])
				goto nomem;
		}
	if (cfg->n_scenarios && !is_pg(output)) {
		path[n] = cm_path_beside(output, "scenarios", ".csv");
		what[n] = strdup(_("the scenarios' comparison"));
		if (!path[n++] || !what[n - 1])
			goto nomem;
	}
	for (j = 0; j < cfg->n_scenarios; j++)
		for (i = 0; i < 4; i++)
			if (base[i] && !is_pg(base[i])) {
				path[n] = cm_path_beside(base[i], cfg->scenarios[j].name, NULL);
				size_t len = strlen(cfg->scenarios[j].name) + strlen(base_what[i]) + 16;
				if ((what[n] = malloc(len)) != NULL)
					snprintf(what[n], len, "[scenario %s] %s", cfg->scenarios[j].name,
					         base_what[i]);
				if (!path[n++] || !what[n - 1])
					goto nomem;
			}
	for (i = 0; i < n && !rc; i++)
		for (j = i + 1; j < n && !rc; j++)
			if (!strcasecmp(path[i], path[j])) {
				fprintf(stderr, _("catchment solve: %s and %s would both be written to %s: "
				                  "give one another name\n"), what[i], what[j], path[j]);
				rc = REPORTED;
			}
	goto done;
nomem:
	rc = CM_ENOMEM;
done:
	for (i = 0; i < n; i++) {
		free(path[i]);
		free(what[i]);
	}
	free(path);
	free(what);
	return rc;
}

/* A scenario's plan warnings (cm_report_plan_warnings: a missed quota,
 * near-school share or moved cap, what the search did not prove, pupils
 * without a seat), in every mode: they were said only with -q, so a
 * scenario missing the quota passed unread in the default output.  Where
 * the base's go: stdout after the "written to" line, stderr with -q under
 * a "Scenario NAME:" line, and that line only when a warning follows.
 * Returns 0 or a CM_ error. */
static int scenario_warnings(cli *c, cm_ctx *ctx, const char *name, const cm_plan *plan)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	int rc;
	if (!mem)
		return CM_ENOMEM;
	/* written once to see whether there is anything to say, then again
	 * to the stream, whose write errors the library reports */
	rc = cm_report_plan_warnings(ctx, plan, mem);
	fclose(mem);
	free(text);
	if (rc || !len)
		return rc;
	if (c->quiet)
		fprintf(stderr, _("Scenario %s:\n"), name);
	return cm_report_plan_warnings(ctx, plan, c->quiet ? stderr : stdout);
}

/* The scenarios after the base: each solved (held to the base plan),
 * written beside it, and compared.  Returns 0 or a CM_ error. */
static int solve_scenarios(cli *c, scenario *sc, const cm_plan *base, const char *output,
                           const char *only)
{
	cm_run *runs = calloc(sc->cfg->n_scenarios + 1, sizeof *runs);
	cm_dataset **ds = calloc(sc->cfg->n_scenarios + 1, sizeof *ds);
	cm_plan **plans = calloc(sc->cfg->n_scenarios + 1, sizeof *plans);
	/* each scenario's configuration: its plan borrows it, so it lives as
	 * long as the plan */
	cm_config *views = calloc(sc->cfg->n_scenarios + 1, sizeof *views);
	size_t i, n = 1;
	int rc = runs && ds && plans && views ? 0 : CM_ENOMEM;
	if (!rc) {
		runs[0] = (cm_run){"base", base};
	}
	for (i = 0; i < sc->cfg->n_scenarios && !rc; i++) {
		const cm_scenario *s = &sc->cfg->scenarios[i];
		cm_config *view = &views[n];
		cm_previous *prev = NULL;
		cm_check_report rep;
		char *path;
		if (only && strcmp(only, s->name))
			continue;
		cm_scenario_config(sc->cfg, s, view);
		rc = cm_scenario_data(sc->ctx, sc->cfg, s, sc->ds, &ds[n]);
		if (!rc)
			rc = cm_check(sc->ctx, view, ds[n], &rep);
		if (!rc && !rep.solvable) {
			end_progress(c);
			fprintf(stderr, _("catchment: scenario %s: the data cannot be solved:\n"), s->name);
			rc = cm_report_check(sc->ctx, view, ds[n], &rep, 10, stderr);
			if (!rc)
				rc = REPORTED;
			break;
		}
		if (!rc)
			rc = cm_previous_from_plan(sc->ctx, base, ds[n], &prev);
		if (!rc) {
			cm_solve_opts so = CM_SOLVE_OPTS_INIT;
			so.config = view;
			so.previous = prev;
			if (!c->quiet) { /* the levels' lines that follow are this scenario's */
				break_progress(c);
				fprintf(stderr, _("Scenario %s:\n"), s->name);
			}
			rc = cm_solve(sc->ctx, ds[n], &so, &plans[n]);
		}
		cm_previous_free(prev);
		if (!rc)
			rc = scenario_path(sc->ctx, output, s->name, &path);
		if (!rc) {
			rc = cm_plan_write(sc->ctx, plans[n], path);
			if (!rc && !c->quiet) {
				char *shown = cm_source_shown(path);
				end_progress(c);
				printf(_("Scenario %s written to %s\n"), s->name, shown ? shown : "");
				free(shown);
			}
			if (!rc)
				rc = scenario_warnings(c, sc->ctx, s->name, plans[n]);
			if (!rc && c->report) { /* its report beside the base's: FILE-NAME.html */
				char *html = cm_path_beside(c->report, s->name, NULL);
				cm_html_opts ho = {.version = CM_HTML_OPTS_VERSION,
				                   .lang = c->en ? CM_LANG_EN : CM_LANG_ZH};
				rc = html ? cm_report_html(sc->ctx, path, html, &ho) : CM_ENOMEM;
				free(html);
			}
			if (!rc && c->ranges) { /* its ranges beside the base's: FILE-NAME.md */
				char *r = cm_path_beside(c->ranges, s->name, NULL);
				rc = r ? cm_ranges_write(sc->ctx, plans[n], r) : CM_ENOMEM;
				free(r);
			}
			if (!rc && c->map && !has_level(plans[n])) {
				/* demand_scale = 0: a plan with no pupils, nothing to draw */
				end_progress(c);
				fprintf(stderr, _("catchment: scenario %s has no pupils to place: no map drawn\n"),
				        s->name);
			} else if (!rc && c->map) { /* its maps, the base's closed schools struck through */
				char *m = cm_path_beside(c->map, s->name, NULL);
				cm_map_opts mo = {.version = CM_MAP_OPTS_VERSION,
				                  .title = NULL, .level = -1, .base = output};
				rc = m ? cm_map_draw(sc->ctx, path, m, &mo) : CM_ENOMEM;
				free(m);
			}
			free(path);
		}
		if (!rc) {
			runs[n] = (cm_run){s->name, plans[n]};
			n++;
		}
	}
	if (!rc && n > 1) {
		/* a PostGIS plan's comparison: on the terminal only */
		char *csv = is_pg(output) ? NULL : cm_path_beside(output, "scenarios", ".csv");
		rc = is_pg(output) ? 0 : csv ? cm_scenarios_write(sc->ctx, runs, n, csv) : CM_ENOMEM;
		if (!rc && !c->quiet) {
			end_progress(c);
			if (csv)
				printf(_("\nScenarios against the base plan (also in %s):\n"), csv);
			else
				printf(_("\nScenarios against the base plan:\n"));
			rc = cm_report_scenarios(sc->ctx, runs, n, 0, stdout);
		}
		free(csv);
	}
	if (!rc && n > 1 && c->report) {
		/* the base's report again, now with the scenarios compared */
		cm_html_opts ho = {.version = CM_HTML_OPTS_VERSION,
		                   .lang = c->en ? CM_LANG_EN : CM_LANG_ZH, .runs = runs, .n_runs = n};
		rc = cm_report_html(sc->ctx, output, c->report, &ho);
	}
	for (i = 0; i <= sc->cfg->n_scenarios && ds && plans; i++) {
		cm_plan_free(plans[i]);
		cm_dataset_free(ds[i]);
	}
	free(runs);
	free(ds);
	free(plans);
	free(views);
	return rc;
}

static int cmd_solve(cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'},
		{"format", required_argument, NULL, 'f'},
		{"ranges", required_argument, NULL, 'r'},
		{"map", required_argument, NULL, 'm'},
		{"report", required_argument, NULL, 'H'},
		{"scenario", required_argument, NULL, 's'},
		{"schema", required_argument, NULL, 'S'},
		COMMON_OPTIONS,
	};
	scenario sc;
	const char *only = NULL, *schema = NULL;
	char *pg_output = NULL, *shown = NULL;
	cm_plan *plan = NULL;
	cm_previous *prev = NULL;
	const char *output = NULL, *format = NULL, *ranges = NULL, *map = NULL;
	const char *output_what = NULL; /* where the plan's path came from, for messages */
	char *fallback = NULL;
	int opt, st, rc, status = EXIT_INPUT;
	unsigned char seen[256] = {0}; /* options with a value given so far */

	optind = 0; /* 0: GNU getopt starts afresh (and permutes again) */
	while ((opt = getopt_long(argc, argv, "o:f:r:m:s:qvh", opts, NULL)) != -1) {
		if (given_twice("solve", opts, opt, seen))
			return EXIT_USAGE;
		switch (opt) {
		case 'o': output = optarg; break;
		case 's': only = optarg; break;
		case 'S': schema = optarg; break;
		case 'r': ranges = c->ranges = optarg; break;
		case 'H': c->report = optarg; break;
		case 'm':
			if (!is_map_path(optarg)) {
				fprintf(stderr, _("catchment solve: --map must end in .png, .svg or .pdf\n"));
				return EXIT_USAGE;
			}
			map = c->map = optarg;
			break;
		case 'f':
			if (cm_format_of(CM_OUTPUT_PLAN, NULL, optarg) < 0) {
				fprintf(stderr, _("catchment solve: --format must be gpkg, shp, geojson or csv\n"));
				return EXIT_USAGE;
			}
			format = optarg;
			break;
		default:
			if ((st = common_option(c, opt, _(solve_usage))) >= 0)
				return st;
			break;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, _("catchment solve: expected one scenario file\n%s"), _(solve_usage));
		return EXIT_USAGE;
	}
	if (map && cm_format_of(CM_OUTPUT_PLAN, output, format) == CM_FORMAT_CSV) {
		fprintf(stderr, _("catchment solve: a CSV plan has no geometry to draw a map from\n"));
		return EXIT_USAGE;
	}
	{
		/* an empty argument is a slip on the command line, not a file
		 * (an empty --map has no extension, refused above) */
		static const char *const named[] = {"--output", "--ranges", "--report"};
		const char *given[] = {output, ranges, c->report};
		for (int k = 0; k < 3; k++)
			if (given[k] && !*given[k]) {
				fprintf(stderr, _("catchment solve: %s: an empty path: give the file to write\n"),
				        named[k]);
				return EXIT_USAGE;
			}
	}
	if (c->report && !html_name("solve", c->report))
		return EXIT_USAGE;
	rc = scenario_config(c, argv[optind], &sc);
	if (!rc && only) {
		size_t k;
		for (k = 0; k < sc.cfg->n_scenarios && strcmp(sc.cfg->scenarios[k].name, only); k++)
			;
		if (k == sc.cfg->n_scenarios) {
			/* with the names it has: a name mistyped, or a case apart */
			end_progress(c);
			if (!sc.cfg->n_scenarios)
				fprintf(stderr, _("catchment solve: %s has no [scenario %s]: it has no "
				                  "scenario\n"), argv[optind], only);
			else {
				fprintf(stderr, _("catchment solve: %s has no [scenario %s]; its scenarios: "),
				        argv[optind], only);
				for (k = 0; k < sc.cfg->n_scenarios; k++)
					fprintf(stderr, "%s%s", k ? ", " : "", sc.cfg->scenarios[k].name);
				fputc('\n', stderr);
			}
			status = EXIT_USAGE;
			goto done;
		}
	}
	if (!rc && format) {
		free(sc.cfg->output.format);
		sc.cfg->output.format = strdup(format);
		rc = sc.cfg->output.format ? 0 : CM_ENOMEM;
	}
	/* every output is checked before the data is read: its folder can be
	 * written in, and it replaces no input */
	if (!rc)
		output_what = output ? "--output" : sc.cfg->output.path ? "[output] path" : _("the plan");
	if (!rc && !output)
		output = sc.cfg->output.path ? sc.cfg->output.path
		                             : (fallback = default_output(argv[optind]));
	if (!rc && !output)
		rc = CM_ENOMEM;
	/* a plan in PostGIS: from here on the connection string names its schema */
	if (!rc && is_pg(output)) {
		rc = cm_pg_plan(sc.ctx, output, schema ? schema : sc.cfg->output.schema, NULL,
		                &pg_output);
		if (!rc) {
			output = pg_output;
			free(sc.cfg->output.schema);
			sc.cfg->output.schema = NULL;
		}
	} else if (!rc && schema) {
		end_progress(c);
		fprintf(stderr, _("catchment solve: --schema is for a plan in PostgreSQL (-o PG:...)\n"));
		status = EXIT_USAGE;
		goto done;
	}
	if (!rc) {
		/* a scenario's files go beside these (cm_path_beside), into the
		 * same folders */
		const char *what[] = {output_what, "--ranges", "--map", "--report"};
		const char *path[] = {output, ranges, map, c->report};
		for (int k = 0; k < 4 && !rc; k++)
			if (path[k])
				rc = output_folder_ok(what[k], path[k]);
	}
	if (!rc)
		rc = cm_output_check(sc.ctx, sc.cfg, output);
	if (!rc && ranges)
		rc = cm_output_check(sc.ctx, sc.cfg, ranges);
	if (!rc && map)
		rc = cm_output_check(sc.ctx, sc.cfg, map);
	if (!rc && c->report)
		rc = cm_output_check(sc.ctx, sc.cfg, c->report);
	if (!rc && sc.cfg->n_scenarios) {
		size_t n = sc.cfg->n_scenarios;
		char *csv = is_pg(output) ? NULL : cm_path_beside(output, "scenarios", ".csv");
		/* every scenario's plan, each held to those before it: all of
		 * them, with --scenario too, for the next run's would replace
		 * this one's (the base's is none of theirs: each is the base's
		 * with -NAME added) */
		char **plan_of = calloc(n, sizeof *plan_of);
		rc = is_pg(output) ? 0 : csv ? cm_output_check(sc.ctx, sc.cfg, csv) : CM_ENOMEM;
		if (!rc && !plan_of)
			rc = CM_ENOMEM;
		for (size_t k = 0; !rc && k < n; k++) {
			/* its plan, and its ranges, maps and report beside the base's */
			const cm_scenario *s = &sc.cfg->scenarios[k];
			const char *beside[3] = {ranges, map, c->report};
			rc = scenario_path(sc.ctx, output, s->name, &plan_of[k]);
			if (!rc)
				rc = cm_output_check(sc.ctx, sc.cfg, plan_of[k]);
			for (size_t j = 0; j < k && !rc; j++)
				rc = plans_apart(sc.cfg->scenarios[j].name, plan_of[j], s->name, plan_of[k]);
			for (int b = 0; b < 3 && !rc; b++) {
				char *sp;
				if (!beside[b])
					continue;
				sp = cm_path_beside(beside[b], s->name, NULL);
				rc = sp ? cm_output_check(sc.ctx, sc.cfg, sp) : CM_ENOMEM;
				free(sp);
			}
		}
		for (size_t k = 0; plan_of && k < n; k++)
			free(plan_of[k]);
		free(plan_of);
		free(csv);
	}
	if (!rc)
		rc = outputs_apart(sc.cfg, output, output_what, ranges, map, c->report);
	if (!rc)
		rc = scenario_data(&sc);
	if (!rc && !sc.rep.solvable) {
		end_progress(c);
		if (cm_report_check(sc.ctx, sc.cfg, sc.ds, &sc.rep, 10, stderr))
			report_error(&sc); /* the report could not be written */
		goto done;
	}
	if (!rc && !c->quiet && sc.rep.warnings)
		warnings_line(&sc, c);
	if (!rc)
		rc = cm_previous_load(sc.ctx, sc.cfg, sc.ds, &prev);
	if (!rc) {
		cm_solve_opts so = CM_SOLVE_OPTS_INIT;
		so.config = sc.cfg;
		so.previous = prev;
		rc = cm_solve(sc.ctx, sc.ds, &so, &plan);
	}
	if (!rc) {
		rc = output ? cm_plan_write(sc.ctx, plan, output) : CM_ENOMEM;
	}
	if (!rc && ranges)
		rc = cm_ranges_write(sc.ctx, plan, ranges);
	if (!rc && map) {
		cm_map_opts mo = {.version = CM_MAP_OPTS_VERSION, .title = NULL, .level = -1};
		rc = cm_map_draw(sc.ctx, output, map, &mo);
	}
	if (!rc && c->report) {
		/* with scenarios to solve, the base alone: the comparison beside
		 * the plan is the last run's (said to be older than the plan, left
		 * out), and the report is written again with this run's */
		cm_run alone = {"base", plan};
		cm_html_opts ho = {.version = CM_HTML_OPTS_VERSION,
		                   .lang = c->en ? CM_LANG_EN : CM_LANG_ZH,
		                   .runs = sc.cfg->n_scenarios ? &alone : NULL, .n_runs = 1};
		rc = cm_report_html(sc.ctx, output, c->report, &ho);
	}
	end_progress(c);
	if (rc) {
		if (rc != REPORTED)
			report_error(&sc);
		status = rc == CM_ESOLVER ? EXIT_SOLVER : EXIT_INPUT;
		goto done;
	}
	if (!c->quiet) {
		if ((rc = cm_report_plan(sc.ctx, plan, stdout))) {
			report_error(&sc); /* the summary could not be written */
			goto done;
		}
		shown = cm_source_shown(output);
		{
			/* a folder plan is named after the path less its extension
			 * (docs/output.md): say so, as the path given is not there */
			char *where = cm_plan_where(output);
			if (where && strcmp(where, output) != 0)
				printf(_("\nPlan written to the folder %s\n"), where);
			else
				printf(_("\nPlan written to %s\n"), shown ? shown : "");
			free(where);
		}
	} else if ((rc = cm_report_plan_warnings(sc.ctx, plan, stderr))) {
		report_error(&sc); /* -q: errors and warnings only (README) */
		goto done;
	}
	if (sc.cfg->n_scenarios && (rc = solve_scenarios(c, &sc, plan, output, only)) != 0) {
		end_progress(c);
		if (rc != REPORTED)
			report_error(&sc);
		status = rc == CM_ESOLVER ? EXIT_SOLVER : EXIT_INPUT;
		goto done;
	}
	status = EXIT_OK;
done:
	free(fallback);
	free(pg_output);
	free(shown);
	cm_plan_free(plan);
	cm_previous_free(prev);
	scenario_close(&sc);
	return status;
}

static int cmd_map(cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'},
		{"level", required_argument, NULL, 'l'},
		{"title", required_argument, NULL, 't'},
		{"base", required_argument, NULL, 'b'},
		COMMON_OPTIONS,
	};
	cm_map_opts mo = {.version = CM_MAP_OPTS_VERSION, .title = NULL, .level = -1};
	const char *output = NULL;
	cm_ctx *ctx = NULL;
	int opt, st, status = EXIT_OK;
	unsigned char seen[256] = {0}; /* options with a value given so far */

	optind = 0;
	while ((opt = getopt_long(argc, argv, "o:l:t:b:qvh", opts, NULL)) != -1) {
		if (given_twice("map", opts, opt, seen))
			return EXIT_USAGE;
		switch (opt) {
		case 'o': output = optarg; break;
		case 't': mo.title = optarg; break;
		case 'b': mo.base = optarg; break;
		case 'l':
			if ((mo.level = parse_level(optarg)) < 0) {
				fprintf(stderr, _("catchment map: --level must be primary or junior\n"));
				return EXIT_USAGE;
			}
			break;
		default:
			if ((st = common_option(c, opt, _(map_usage))) >= 0)
				return st;
			break;
		}
	}
	if (argc - optind != 1 || !output) {
		fprintf(stderr, _("catchment map: expected one plan and -o FILE\n%s"), _(map_usage));
		return EXIT_USAGE;
	}
	if (!is_map_path(output)) {
		fprintf(stderr, _("catchment map: the map must end in .png, .svg or .pdf\n"));
		return EXIT_USAGE;
	}
	if (!(ctx = cli_ctx(c)))
		return EXIT_INPUT;
	if (cm_map_draw(ctx, argv[optind], output, &mo)) {
		end_progress(c);
		fprintf(stderr, "catchment: %s\n", cm_ctx_last_error(ctx));
		status = EXIT_INPUT;
	}
	end_progress(c);
	cm_ctx_free(ctx);
	return status;
}

static const char *const export_usage = N_(
	"Usage: catchment export [--format FORMAT] PLAN -o OUT\n"
	"\n"
	"Converts a plan written by catchment solve into another format without\n"
	"solving again: every layer and field, the same values.  OUT is replaced only\n"
	"when it is a plan.\n"
	"\n"
	"  -o, --output OUT    the new plan\n"
	"  -f, --format F      gpkg (a file), shp, geojson, csv (a folder named after OUT\n"
	"                      without its extension), or xlsx (a spreadsheet, a sheet per\n"
	"                      layer, no geometry); default: from OUT's extension\n");

static int cmd_export(cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'},
		{"format", required_argument, NULL, 'f'},
		COMMON_OPTIONS,
	};
	const char *output = NULL, *format = NULL;
	cm_ctx *ctx;
	int opt, st, rc;
	unsigned char seen[256] = {0}; /* options with a value given so far */

	optind = 0;
	while ((opt = getopt_long(argc, argv, "o:f:qvh", opts, NULL)) != -1) {
		if (given_twice("export", opts, opt, seen))
			return EXIT_USAGE;
		switch (opt) {
		case 'o': output = optarg; break;
		case 'f':
			if (cm_format_of(CM_OUTPUT_EXPORT, NULL, optarg) < 0) {
				fprintf(stderr, _("catchment export: --format must be gpkg, shp, geojson, csv or "
				                  "xlsx\n"));
				return EXIT_USAGE;
			}
			format = optarg;
			break;
		default:
			if ((st = common_option(c, opt, _(export_usage))) >= 0)
				return st;
			break;
		}
	}
	if (argc - optind != 1 || !output) {
		fprintf(stderr, _("catchment export: expected one plan and -o OUT\n%s"), _(export_usage));
		return EXIT_USAGE;
	}
	if (!(ctx = cli_ctx(c)))
		return EXIT_INPUT;
	rc = cm_plan_export(ctx, argv[optind], output, format);
	end_progress(c);
	if (rc)
		fprintf(stderr, "catchment: %s\n", cm_ctx_last_error(ctx));
	else if (!c->quiet)
		printf(_("Plan exported to %s\n"), output);
	cm_ctx_free(ctx);
	return rc ? EXIT_INPUT : EXIT_OK;
}

static const char *const compare_usage = N_(
	"Usage: catchment compare [-o CHANGES.csv] [--map FILE] PLAN_A PLAN_B\n"
	"\n"
	"Compares two plans written by catchment solve (last year's and this year's,\n"
	"or a base and a scenario): the compounds whose catchment school changes, the\n"
	"pupils affected, and each school's enrolment before and after.\n"
	"\n"
	"  -o, --output FILE   also write the comparison as a table: .csv or .xlsx\n"
	"  -m, --map FILE      draw plan B with the changing compounds marked (.png, .svg,\n"
	"                      .pdf), and plan A's schools that B lacks struck through,\n"
	"                      their catchments in A outlined\n");

static int cmd_compare(cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'},
		{"map", required_argument, NULL, 'm'},
		COMMON_OPTIONS,
	};
	const char *output = NULL, *map = NULL;
	cm_ctx *ctx = NULL;
	cm_comparison *cmp = NULL;
	int opt, st, status = EXIT_INPUT;
	unsigned char seen[256] = {0}; /* options with a value given so far */

	optind = 0;
	while ((opt = getopt_long(argc, argv, "o:m:qvh", opts, NULL)) != -1) {
		if (given_twice("compare", opts, opt, seen))
			return EXIT_USAGE;
		switch (opt) {
		case 'o': output = optarg; break;
		case 'm':
			if (!is_map_path(optarg)) {
				fprintf(stderr, _("catchment compare: --map must end in .png, .svg or .pdf\n"));
				return EXIT_USAGE;
			}
			map = optarg;
			break;
		default:
			if ((st = common_option(c, opt, _(compare_usage))) >= 0)
				return st;
			break;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, _("catchment compare: expected two plans\n%s"), _(compare_usage));
		return EXIT_USAGE;
	}
	if (!(ctx = cli_ctx(c)))
		return EXIT_INPUT;
	if (cm_compare_plans(ctx, argv[optind], argv[optind + 1], &cmp))
		goto fail;
	for (int k = 0; k < 2; k++) {
		const char *out = k ? map : output;
		if (out && (over_plan(argv[optind], out) || over_plan(argv[optind + 1], out))) {
			end_progress(c);
			fprintf(stderr, _("catchment compare: %s: refusing to write over or into a plan "
			                  "being compared\n"), out);
			goto done;
		}
	}
	if (output) {
		int rc = cm_comparison_write(ctx, cmp, NULL, output);
		if (rc) {
			end_progress(c);
			fprintf(stderr, "catchment: %s\n", cm_ctx_last_error(ctx));
			goto done;
		}
	}
	if (map) {
		/* plan B, the changing compounds marked level by level, and plan A
		 * as its base: A's schools that B lacks (a closure) struck through,
		 * their catchments in A outlined */
		const cm_compare_change *ch;
		size_t n = cm_comparison_changes(cmp, &ch), i;
		const char **ids = calloc(n + 1, sizeof *ids);
		cm_map_opts mo = {.version = CM_MAP_OPTS_VERSION,
		                  .title = NULL, .level = -1, .base = argv[optind]};
		int lv, rc;
		if (!ids)
			goto fail;
		for (lv = 0; lv < CM_NLEVELS; lv++) {
			mo.marked[lv] = ids + (lv == 0 ? 0 : mo.n_marked[0]);
			for (i = 0; i < n; i++)
				if (ch[i].level == (cm_level)lv)
					ids[(lv == 0 ? 0 : mo.n_marked[0]) + mo.n_marked[lv]++] = ch[i].compound_id;
		}
		rc = cm_map_draw(ctx, argv[optind + 1], map, &mo);
		if (rc && rc != CM_ENOMEM) {
			/* A read and checked as a plan above, so what fails is its use
			 * as the base (a CSV plan has no areas; another CRS): the map
			 * without it, as before, saying why */
			char *why = strdup(cm_ctx_last_error(ctx));
			mo.base = NULL;
			rc = cm_map_draw(ctx, argv[optind + 1], map, &mo);
			if (!rc) {
				end_progress(c);
				fprintf(stderr, _("catchment compare: the map shows no closed schools: %s\n"),
				        why ? why : _("out of memory"));
			}
			free(why);
		}
		free(ids);
		if (rc)
			goto fail;
	}
	end_progress(c);
	if (!c->quiet && cm_report_comparison(ctx, cmp, 0, stdout))
		goto fail; /* the report could not be written */
	status = EXIT_OK;
	goto done;
fail:
	end_progress(c);
	fprintf(stderr, "catchment: %s\n", cm_ctx_last_error(ctx));
done:
	cm_comparison_free(cmp);
	cm_ctx_free(ctx);
	return status;
}

static const char *const report_usage = N_(
	"Usage: catchment report [--lang zh|en] [--title TEXT] PLAN -o FILE.html\n"
	"\n"
	"Writes the plan report: one HTML file that needs nothing else (no network):\n"
	"the maps of each level (pan, zoom, hover), the figures, a table per school,\n"
	"the shortfall by compound, the enrolment ranges, the changes against the\n"
	"previous plan and, when solve wrote scenarios beside the plan\n"
	"(PLAN-scenarios.csv, PLAN-NAME), their comparison.  It prints on A4\n"
	"(docs/report.md).\n"
	"\n"
	"  -o, --output FILE   the report\n"
	"  -l, --lang L        zh (the default) or en\n"
	"  -t, --title TEXT    the title (default: from the plan's scenario name)\n");

static const char *const publish_usage = N_(
	"Usage: catchment publish [--lang zh|en] [--title TEXT] PLAN -o DIR\n"
	"\n"
	"Writes the public lookup page (学区查询) into the folder DIR: index.html and\n"
	"data.js, for any static web server or to open from disk.  A parent types a\n"
	"compound's name (or its pinyin initials) and sees its primary and junior\n"
	"school, their seats (and addresses, when the data has them) and the\n"
	"catchments on a map.  No pupil counts.  DIR is replaced whole, and only\n"
	"when it is empty or an earlier lookup page.\n"
	"\n"
	"  -o, --output DIR    the folder\n"
	"  -l, --lang L        zh (the default) or en\n"
	"  -t, --title TEXT    the title (default: from the plan's scenario name)\n");

/* catchment report and catchment publish: the same options, one plan in,
 * one output. */
static int cmd_html(cli *c, int argc, char **argv, int publish)
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'},
		{"lang", required_argument, NULL, 'l'},
		{"title", required_argument, NULL, 't'},
		COMMON_OPTIONS,
	};
	const char *usage = _(publish ? publish_usage : report_usage);
	const char *name = publish ? "publish" : "report";
	cm_html_opts ho = {.version = CM_HTML_OPTS_VERSION, .lang = CM_LANG_ZH, .title = NULL};
	const char *output = NULL;
	cm_ctx *ctx;
	int opt, st, rc;
	unsigned char seen[256] = {0}; /* options with a value given so far */

	optind = 0;
	while ((opt = getopt_long(argc, argv, "o:l:t:qvh", opts, NULL)) != -1) {
		if (given_twice(name, opts, opt, seen))
			return EXIT_USAGE;
		switch (opt) {
		case 'o': output = optarg; break;
		case 't': ho.title = optarg; break;
		case 'l':
			if (strcmp(optarg, "zh") && strcmp(optarg, "en")) {
				fprintf(stderr, _("catchment %s: --lang must be zh or en\n"), name);
				return EXIT_USAGE;
			}
			ho.lang = strcmp(optarg, "en") ? CM_LANG_ZH : CM_LANG_EN;
			break;
		default:
			if ((st = common_option(c, opt, usage)) >= 0)
				return st;
			break;
		}
	}
	if (argc - optind != 1 || !output) {
		fprintf(stderr, _("catchment %s: expected one plan and -o %s\n%s"), name,
		        publish ? "DIR" : "FILE", usage);
		return EXIT_USAGE;
	}
	if (over_plan(argv[optind], output)) {
		fprintf(stderr, _("catchment %s: %s is the plan itself or inside it\n"), name, output);
		return EXIT_USAGE;
	}
	if (!publish && !html_name(name, output))
		return EXIT_USAGE;
	if (!(ctx = cli_ctx(c)))
		return EXIT_INPUT;
	rc = publish ? cm_publish(ctx, argv[optind], output, &ho)
	             : cm_report_html(ctx, argv[optind], output, &ho);
	end_progress(c);
	if (rc)
		fprintf(stderr, "catchment: %s\n", cm_ctx_last_error(ctx));
	else if (!c->quiet)
		printf(publish ? _("Lookup page written to %s\n") : _("Report written to %s\n"), output);
	cm_ctx_free(ctx);
	return rc ? EXIT_INPUT : EXIT_OK;
}

/* Does the environment ask for Chinese (LC_ALL, else LC_MESSAGES, else
 * LANG, as setlocale reads them)? */
static int env_wants_zh(void)
{
	static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
	for (int i = 0; i < 3; i++) {
		const char *v = getenv(vars[i]);
		if (v && *v)
			return !strncmp(v, "zh", 2);
	}
	return 0;
}

/* 1 when `dir` holds the Chinese catalogue. */
static int has_catalogue(const char *dir)
{
	char p[4096];
	struct stat st;
	snprintf(p, sizeof p, "%s/zh_CN/LC_MESSAGES/catchment.mo", dir);
	return stat(p, &st) == 0;
}

/* The language of messages (docs/design.md, "Languages"): `lang` ("zh" or
 * "en", from --lang) or the environment's.  Only LC_MESSAGES is set, never
 * LC_NUMERIC: figures and CSV stay C-formatted.  Where the system lacks the
 * asked locale (Debian makes only C.UTF-8 by default), messages still come
 * in Chinese: C.UTF-8 with LANGUAGE=zh_CN.  The catalogue: CATCHMENT_LOCALEDIR,
 * else the installed one, else this build's. */
static void set_language(const char *lang)
{
	const char *dir = getenv("CATCHMENT_LOCALEDIR"), *cur;
	int zh = lang ? !strcmp(lang, "zh") : env_wants_zh();
	if (!setlocale(LC_MESSAGES, ""))
		setlocale(LC_MESSAGES, "C.UTF-8");
	cur = setlocale(LC_MESSAGES, NULL);
	if (zh && (!cur || !strcmp(cur, "C") || !strcmp(cur, "POSIX") || strncmp(cur, "zh", 2))) {
		setlocale(LC_MESSAGES, "C.UTF-8");
		setenv("LANGUAGE", "zh_CN", 1);
	} else if (lang && !zh) {
		setenv("LANGUAGE", "en", 1); /* no catalogue: the English source */
	}
	if (!dir || !*dir)
		dir = has_catalogue(cm_messages_dir()) ? NULL : CM_BUILD_LOCALEDIR;
	cm_messages_bind(dir);
	/* getopt's own messages (an unknown option) come from the C
	 * library's catalogue, in LC_CTYPE's codeset, which stays "C" (ASCII):
	 * its Chinese came out as "??????" (a review) */
	bind_textdomain_codeset("libc", "UTF-8");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"lang", required_argument, NULL, 'L'},
		{"quiet", no_argument, NULL, 'q'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	cli c;
	int opt, help = 0;
	const char *cmd, *lang = NULL;

	memset(&c, 0, sizeof c);
	/* A write past a file size limit (ulimit -f) fails with EFBIG, as one on
	 * a full disk fails: the output is named in an error and its temporary
	 * files removed; the default action killed the run, leaving them. */
	signal(SIGXFSZ, SIG_IGN);
	/* "+": stop at the command; its options are its own.  The language is
	 * set once the options are read, so that even the usage text and these
	 * errors are in it (--lang may come after -h). */
	while ((opt = getopt_long(argc, argv, "+qvhV", opts, NULL)) != -1) {
		switch (opt) {
		case 'L':
			if (lang) { /* as a command's option given twice (given_twice) */
				set_language(lang);
				fprintf(stderr, _("catchment: --%s given twice: give it once\n"), "lang");
				return EXIT_USAGE;
			}
			if (strcmp(optarg, "zh") && strcmp(optarg, "en")) {
				set_language(NULL);
				fprintf(stderr, _("catchment: --lang %s: zh or en\n"), optarg);
				return EXIT_USAGE;
			}
			lang = optarg;
			break;
		case 'q': c.quiet = 1; break;
		case 'v': c.verbose = 1; break;
		case 'h': help = 1; break;
		case 'V': printf("catchment %s\n", cm_version()); return EXIT_OK;
		default: set_language(lang); fputs(_(usage_text), stderr); return EXIT_USAGE;
		}
	}
	set_language(lang);
	if (help) {
		fputs(_(usage_text), stdout);
		return EXIT_OK;
	}
	if (optind >= argc) {
		fputs(_(usage_text), stderr);
		return EXIT_USAGE;
	}
	c.en = lang && !strcmp(lang, "en"); /* reports are Chinese unless --lang en */
	c.progress = !c.quiet;
	c.tty = isatty(STDERR_FILENO);
	cmd = argv[optind];
	argc -= optind;
	argv += optind;
	if (!strcmp(cmd, "check"))
		return cmd_check(&c, argc, argv);
	if (!strcmp(cmd, "solve"))
		return cmd_solve(&c, argc, argv);
	if (!strcmp(cmd, "map"))
		return cmd_map(&c, argc, argv);
	if (!strcmp(cmd, "compare"))
		return cmd_compare(&c, argc, argv);
	if (!strcmp(cmd, "export"))
		return cmd_export(&c, argc, argv);
	if (!strcmp(cmd, "report") || !strcmp(cmd, "publish"))
		return cmd_html(&c, argc, argv, !strcmp(cmd, "publish"));
	if (!strcmp(cmd, "help")) {
		fputs(_(usage_text), stdout);
		return EXIT_OK;
	}
	fprintf(stderr, _("catchment: unknown command '%s'\n%s"), cmd, _(usage_text));
	return EXIT_USAGE;
}
