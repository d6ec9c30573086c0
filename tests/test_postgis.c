/* test_postgis.c: PostGIS in and out (issue 16), against a real server.
 *
 * Each test that needs a database starts a throwaway PostgreSQL cluster in
 * a temporary folder (initdb and pg_ctl from $CM_PG_BIN, default
 * /usr/lib/postgresql/15/bin; as the user postgres when run as root, the
 * folder then owned by it), listening only on a Unix socket in that
 * folder, with the postgis extension in a database `catch`, and stops it
 * at the end.  Where PostgreSQL or PostGIS cannot start, the test says why
 * and is skipped, never passed.  The example county is loaded with
 * ogr2ogr, as a bureau would load its layers. */
#include <criterion/criterion.h>

#include "helpers.h"

#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PRINTF12 __attribute__((format(printf, 1, 2)))

typedef struct pg {
	char *dir;        /* the cluster's folder: data/, log, the socket */
	char as[64];      /* "runuser -u postgres -- " when root, else "" */
	char psql[512];   /* psql on the cluster's database, with options */
	char conn[512];   /* PG:host=DIR port=5432 dbname=catch user=catchment */
	char why[1024];   /* why the cluster did not start */
	int up;
} pg;

static void nap(void)
{
	struct timespec ts = {0, 100000000}; /* 0.1 s */
	nanosleep(&ts, NULL);
}

/* Runs a shell command built from `fmt`; returns its exit status (-1: none). */
static int sh(const char *fmt, ...) PRINTF12;
static int sh(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	int st;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	st = system(cmd);
	return st == -1 || !WIFEXITED(st) ? -1 : WEXITSTATUS(st);
}

/* The output of a shell command (static buffer, trailing newline cut). */
static const char *sh_out(const char *fmt, ...) PRINTF12;
static const char *sh_out(const char *fmt, ...)
{
	static char buf[65536];
	char cmd[8192];
	va_list ap;
	size_t n;
	FILE *p;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	buf[0] = '\0';
	if (!(p = popen(cmd, "r")))
		return buf;
	n = fread(buf, 1, sizeof buf - 1, p);
	buf[n] = '\0';
	pclose(p);
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return buf;
}

static const char *pg_bin(void)
{
	const char *b = getenv("CM_PG_BIN");
	return b && *b ? b : "/usr/lib/postgresql/15/bin";
}

/* Starts the cluster; 0, or -1 with p->why said. */
static int cluster_up(pg *p)
{
	const char *bin = pg_bin();
	char path[600];
	memset(p, 0, sizeof *p);
	snprintf(path, sizeof path, "%s/initdb", bin);
	if (access(path, X_OK) != 0) {
		snprintf(p->why, sizeof p->why, "no %s (install postgresql: scripts/dev)", path);
		return -1;
	}
	if (sh("command -v psql >/dev/null && command -v ogr2ogr >/dev/null") != 0) {
		snprintf(p->why, sizeof p->why, "no psql or ogr2ogr on PATH");
		return -1;
	}
	p->dir = tmpdir();
	if (geteuid() == 0) {
		/* initdb refuses root: the cluster runs as postgres, in a folder it owns */
		struct passwd *pw = getpwnam("postgres");
		if (!pw || chown(p->dir, pw->pw_uid, pw->pw_gid) != 0) {
			snprintf(p->why, sizeof p->why, "running as root and no user postgres to run the "
			         "cluster as");
			return -1;
		}
		chmod(p->dir, 0755);
		snprintf(p->as, sizeof p->as, "runuser -u postgres -- ");
	}
	if (sh("%s%s/initdb -D %s/data -U catchment --auth=trust -E UTF8 --locale=C.UTF-8 -N "
	       ">%s/initdb.log 2>&1", p->as, bin, p->dir, p->dir) != 0) {
		snprintf(p->why, sizeof p->why, "initdb failed: %s",
		         sh_out("tail -3 %s/initdb.log", p->dir));
		return -1;
	}
	if (sh("%s%s/pg_ctl -D %s/data -l %s/log -w -t 60 -o \"-k %s -c listen_addresses='' "
	       "-p 5432 -c fsync=off\" start >/dev/null 2>&1", p->as, bin, p->dir, p->dir,
	       p->dir) != 0) {
		snprintf(p->why, sizeof p->why, "pg_ctl start failed: %s",
		         sh_out("tail -3 %s/log", p->dir));
		return -1;
	}
	p->up = 1;
	snprintf(p->psql, sizeof p->psql, "psql -X -q -v ON_ERROR_STOP=1 -h %s -p 5432 -U catchment",
	         p->dir);
	if (sh("%s -d postgres -c 'CREATE DATABASE catch' >%s/psql.log 2>&1", p->psql, p->dir) ||
	    sh("%s -d catch -c 'CREATE EXTENSION postgis' >>%s/psql.log 2>&1", p->psql, p->dir)) {
		snprintf(p->why, sizeof p->why, "no PostGIS in the cluster: %s",
		         sh_out("tail -3 %s/psql.log", p->dir));
		return -1;
	}
	strncat(p->psql, " -d catch", sizeof p->psql - strlen(p->psql) - 1);
	snprintf(p->conn, sizeof p->conn, "PG:host=%s port=5432 dbname=catch user=catchment",
	         p->dir);
	return 0;
}

static void cluster_down(pg *p)
{
	if (p->up)
		sh("%s%s/pg_ctl -D %s/data -m immediate stop >/dev/null 2>&1", p->as, pg_bin(), p->dir);
	if (p->dir)
		sh("rm -rf '%s'", p->dir);
	free(p->dir);
	memset(p, 0, sizeof *p);
}

#define NEED_PG(p)                                                                       \
	do {                                                                             \
		if (cluster_up(p)) {                                                     \
			char why_[1100];                                                 \
			snprintf(why_, sizeof why_, "%s", (p)->why);                     \
			cluster_down(p);                                                 \
			printf("test_postgis: skipped, PostgreSQL cannot start: %s\n", why_); \
			cr_skip_test("PostgreSQL cannot start: %s", why_);               \
		}                                                                        \
	} while (0)

/* The example county's layers into the database, as ogr2ogr loads them:
 * compounds and boundary from GeoJSON, the schools spreadsheet (a CSV
 * with longitude and latitude columns) as a table. */
static void load_example(pg *p)
{
	const char *geo = getenv("CM_GEODATA");
	static const char *const layers[] = {"compounds.geojson", "boundary.geojson", "schools.csv"};
	int i;
	cr_assert_not_null(geo);
	for (i = 0; i < 3; i++) {
		char name[32];
		snprintf(name, sizeof name, "%.*s", (int)(strchr(layers[i], '.') - layers[i]), layers[i]);
		cr_assert_eq(sh("ogr2ogr -f PostgreSQL '%s' %s/tongxi/%s -nln %s", p->conn, geo,
		                layers[i], name), 0, "ogr2ogr %s", layers[i]);
	}
}

/* examples/tongxi.ini with its layers in the database (and `sed_extra`, a
 * sed expression, may be NULL), written as DIR/NAME; the path (static). */
static const char *pg_ini(pg *p, const char *name, const char *sed_extra)
{
	static char path[600];
	snprintf(path, sizeof path, "%s/%s", p->dir, name);
	cr_assert_eq(sh("sed %s%s%s -e 's#^compounds = .*#compounds = %s\\ncompounds_layer = compounds#' "
	                "-e 's#^schools = .*#schools = %s\\nschools_layer = schools#' "
	                "-e 's#^boundary = .*#boundary = %s\\nboundary_layer = boundary#' "
	                "-e '/^path = /d' '%s' > '%s'",
	                sed_extra ? "-e '" : "", sed_extra ? sed_extra : "", sed_extra ? "'" : "",
	                p->conn, p->conn, p->conn, getenv("CM_EXAMPLE"), path), 0);
	return path;
}

/* examples/tongxi.ini as it is but for `sed_extra` (may be NULL), as DIR/NAME. */
static const char *file_ini(pg *p, const char *name, const char *sed_extra)
{
	static char path[600];
	char *ex = strdup(getenv("CM_EXAMPLE")), *slash = strrchr(ex, '/');
	*slash = '\0';
	snprintf(path, sizeof path, "%s/%s", p->dir, name);
	/* the layers' paths made absolute: the INI is not beside them */
	cr_assert_eq(sh("sed %s%s%s -e 's#= \\.\\./#= %s/../#' -e '/^path = /d' '%s' > '%s'",
	                sed_extra ? "-e '" : "", sed_extra ? sed_extra : "", sed_extra ? "'" : "", ex,
	                getenv("CM_EXAMPLE"), path), 0);
	free(ex);
	return path;
}

/* Every layer of a plan as ogrinfo prints it, but for the seconds the
 * solve took, into DIR/NAME; returns the file's text (caller frees). */
static char *dump(pg *p, const char *plan, const char *name)
{
	char out[600];
	size_t n;
	char *text;
	snprintf(out, sizeof out, "%s/%s", p->dir, name);
	cr_assert_eq(sh("ogrinfo -ro -q '%s' assignment schools summary compounds catchments zones "
	                "boundary 2>&1 | grep -v -e solve_seconds -e '^INFO' > '%s'", plan, out), 0);
	text = slurp(out, &n);
	cr_assert_not_null(text);
	cr_assert_gt(n, 10000, "%s: hardly anything read back:\n%s", plan, text);
	cr_assert_null(strstr(text, "FAILURE"), "%s: %s", plan, text);
	return text;
}

static int run(const char *fmt, ...) PRINTF12;
static int run(const char *fmt, ...)
{
	char args[4096];
	const char *out;
	va_list ap;
	int rc;
	va_start(ap, fmt);
	vsnprintf(args, sizeof args, fmt, ap);
	va_end(ap);
	rc = run_cli(args, &out);
	if (rc)
		fprintf(stderr, "catchment %s: exit %d\n%s\n", args, rc, out);
	return rc;
}

/* ------------------------------------------------------------ no server */

/* Occurrences of `what` in `s`. */
static int count_of(const char *s, const char *what)
{
	int n = 0;
	for (const char *p = s; (p = strstr(p, what)); p += strlen(what))
		n++;
	return n;
}

Test(postgis, connection_strings_are_taken_as_given)
{
	const char *text =
	        "[input]\n"
	        "schools = PG:host=/nowhere port=5 dbname=catch password=hunter2\n"
	        "schools_layer = schools\n"
	        "compounds = /vsizip/../data/layers.zip/compounds.shp\n"
	        "boundary = ../x/boundary.geojson\n"
	        "previous_plan = PG:dbname=catch schemas=plan_2026\n";
	cm_config *cfg = config_ok(text, "/work/ex");
	cr_assert_str_eq(cfg->input[CM_SCHOOLS].path,
	                 "PG:host=/nowhere port=5 dbname=catch password=hunter2");
	cr_assert_str_eq(cfg->input[CM_COMPOUNDS].path, "/vsizip/../data/layers.zip/compounds.shp");
	cr_assert_str_eq(cfg->boundary.path, "/work/x/boundary.geojson");
	cr_assert_str_eq(cfg->previous.path, "PG:dbname=catch schemas=plan_2026");
	cm_config_free(cfg);
}

Test(postgis, passwords_are_never_shown)
{
	static const char *const cases[][2] = {
		{"PG:dbname=catch password=hunter2 user=u", "PG:dbname=catch user=u"},
		{"PG:password = 'hun ter\\'2' dbname=catch", "PG:dbname=catch"},
		{"PG:dbname=catch PASSWORD=hunter2", "PG:dbname=catch"},
		{"PG:service=bureau", "PG:service=bureau"},
		{"x: passwordfile=a password=b", "x: passwordfile=a"},
	};
	const char *msg;
	char *dir = tmpdir(), *text;
	size_t i;
	for (i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *s = cm_source_shown(cases[i][0]);
		cr_assert_str_eq(s, cases[i][1]);
		free(s);
	}
	/* a source that cannot be reached: the message names it, less the password */
	text = malloc(2048);
	snprintf(text, 2048, "[input]\nschools = PG:host=%s port=5 dbname=catch user=u "
	         "password=hunter2\nschools_layer = schools\ncompounds = %s\n", dir,
	         fixture("compounds.geojson"));
	msg = load_err(text, dir);
	cr_assert_not_null(strstr(msg, "PG:host="), "%s", msg);
	cr_assert_null(strstr(msg, "hunter2"), "%s", msg);
	free(text);
	sh("rm -rf '%s'", dir);
	free(dir);
}

/* ------------------------------------------------------------ a server */

/* The test's cluster: stopped and removed after the test, passed or not
 * (Criterion runs .fini after a failed assertion too). */
static pg P;

static void cluster_fini(void)
{
	cluster_down(&P);
}

/* Acceptance: the county loaded into PostGIS solves to the same plan as
 * from its files (every layer, feature and field but the solve's
 * seconds). */
Test(postgis, the_county_in_postgis_solves_as_from_its_files, .timeout = 600, .fini = cluster_fini)
{
	char *a, *b, plan_a[700], plan_b[700];
	NEED_PG(&P);
	load_example(&P);
	snprintf(plan_a, sizeof plan_a, "%s/files.gpkg", P.dir);
	snprintf(plan_b, sizeof plan_b, "%s/pg.gpkg", P.dir);
	cr_assert_eq(run("-q solve -o %s %s", plan_a, file_ini(&P, "files.ini", NULL)), 0);
	cr_assert_eq(run("-q solve -o %s '%s'", plan_b, pg_ini(&P, "pg.ini", NULL)), 0);
	a = dump(&P, plan_a, "a.txt");
	b = dump(&P, plan_b, "b.txt");
	cr_assert(strcmp(a, b) == 0, "the plan from PostGIS differs from the plan from files: "
	          "diff %s/a.txt %s/b.txt", P.dir, P.dir);
	free(a);
	free(b);
}

/* Acceptance: a plan written to PostGIS reads back as the GeoPackage;
 * map, compare and previous_plan read it as a file; the schema is marked
 * and styled; a schema that is no plan is not replaced; scenarios get
 * their own schemas. */
Test(postgis, a_plan_in_postgis_reads_back_as_the_geopackage, .timeout = 600, .fini = cluster_fini)
{
	char *a, *b, *c, *d, gpkg[700], into[800], png_a[700], png_b[700], *ma, *mb;
	const char *ini, *out;
	size_t na, nb;
	NEED_PG(&P);
	load_example(&P);
	ini = pg_ini(&P, "pg.ini", NULL);
	snprintf(gpkg, sizeof gpkg, "%s/plan.gpkg", P.dir);
	snprintf(into, sizeof into, "%s password=hunter2", P.conn);
	cr_assert_eq(run("-q solve -o %s '%s'", gpkg, ini), 0);
	{
		char args[4096];
		snprintf(args, sizeof args, "solve --schema plan_2027 -o '%s' '%s'", into, ini);
		cr_assert_eq(run_cli(args, &out), 0, "%s", out);
		cr_assert_null(strstr(out, "hunter2"), "%s", out);
		cr_assert_not_null(strstr(out, "schemas=plan_2027"), "%s", out);
	}
	/* the comment marks a plan, the styles are QGIS's table */
	cr_assert_str_eq(sh_out("%s -Atc \"SELECT obj_description(oid, 'pg_namespace') LIKE "
	                        "'catchment plan (%%' FROM pg_namespace WHERE nspname = 'plan_2027'\"",
	                        P.psql), "t");
	cr_assert_str_eq(sh_out("%s -Atc \"SELECT string_agg(f_table_name, ',' ORDER BY "
	                        "f_table_name) FROM public.layer_styles WHERE f_table_schema = "
	                        "'plan_2027' AND useasdefault\"", P.psql), "catchments,zones");
	cr_assert_null(strstr(sh_out("%s -Atc \"SELECT obj_description(oid, 'pg_namespace') FROM "
	                             "pg_namespace\"", P.psql), "hunter2"));
	snprintf(into, sizeof into, "%s schemas=plan_2027", P.conn);
	a = dump(&P, gpkg, "gpkg.txt");
	b = dump(&P, into, "pg.txt");
	cr_assert(strcmp(a, b) == 0, "the plan read back from PostGIS differs from the "
	          "GeoPackage: diff %s/gpkg.txt %s/pg.txt", P.dir, P.dir);
	/* maps and comparisons read it as a file */
	snprintf(png_a, sizeof png_a, "%s/a.png", P.dir);
	snprintf(png_b, sizeof png_b, "%s/b.png", P.dir);
	cr_assert_eq(run("-q map --level primary %s -o %s", gpkg, png_a), 0);
	cr_assert_eq(run("-q map --level primary '%s' -o %s", into, png_b), 0);
	ma = slurp(png_a, &na);
	mb = slurp(png_b, &nb);
	cr_assert(ma && mb && na == nb && !memcmp(ma, mb, na), "the maps differ");
	free(ma);
	free(mb);
	cr_assert_eq(run("compare '%s' %s", into, gpkg), 0);
	/* and so does the HTML report: its maps and tables the GeoPackage's */
	{
		char ra[700], rb[700], *ta, *tb;
		snprintf(ra, sizeof ra, "%s/a.html", P.dir);
		snprintf(rb, sizeof rb, "%s/b.html", P.dir);
		cr_assert_eq(run("-q report %s -o %s", gpkg, ra), 0);
		cr_assert_eq(run("-q report '%s' -o %s", into, rb), 0);
		ta = slurp(ra, NULL);
		tb = slurp(rb, NULL);
		cr_assert(ta && tb && strstr(tb, "<svg") && strstr(tb, "hunter2") == NULL);
		/* the same catchment paths, from either source */
		cr_assert_eq(count_of(ta, "class=\"catchment"), count_of(tb, "class=\"catchment"));
		cr_assert_gt(count_of(tb, "class=\"catchment"), 0);
		free(ta);
		free(tb);
	}

	/* last year's plan in the database: the same plan as held to the GeoPackage */
	{
		char sed[1200], gp[700], pp[700];
		snprintf(sed, sizeof sed, "s#^\\[solve\\]#[solve]\\nstability_weight = 100000#;"
		         "s#^\\[input\\]#[input]\\nprevious_plan = %s#", into);
		snprintf(gp, sizeof gp, "%s/held-pg.gpkg", P.dir);
		cr_assert_eq(run("-q solve -o %s '%s'", gp, pg_ini(&P, "held-pg.ini", sed)), 0);
		snprintf(sed, sizeof sed, "s#^\\[solve\\]#[solve]\\nstability_weight = 100000#;"
		         "s#^\\[input\\]#[input]\\nprevious_plan = %s#", gpkg);
		snprintf(pp, sizeof pp, "%s/held-file.gpkg", P.dir);
		cr_assert_eq(run("-q solve -o %s '%s'", pp, pg_ini(&P, "held-file.ini", sed)), 0);
		c = dump(&P, gp, "held-pg.txt");
		d = dump(&P, pp, "held-file.txt");
		cr_assert(strcmp(c, d) == 0, "held to the plan in PostGIS and to the GeoPackage: "
		          "diff %s/held-pg.txt %s/held-file.txt", P.dir, P.dir);
		cr_assert_not_null(strstr(c, "moved (Integer) = 0"), "not held to last year's plan");
		free(c);
		free(d);
	}
	/* a schema that is not a plan is never replaced */
	cr_assert_eq(sh("%s -c 'CREATE SCHEMA theirs; CREATE TABLE theirs.t (x int)'", P.psql), 0);
	{
		char args[4096];
		snprintf(args, sizeof args, "solve --schema theirs -o '%s' '%s'", P.conn, ini);
		cr_assert_eq(run_cli(args, &out), 1);
		cr_assert_not_null(strstr(out, "not a catchment plan"), "%s", out);
		cr_assert_str_eq(sh_out("%s -Atc 'SELECT count(*) FROM theirs.t'", P.psql), "0");
		snprintf(args, sizeof args, "map '%s schemas=theirs' -o %s/t.png", P.conn, P.dir);
		cr_assert_eq(run_cli(args, &out), 1);
		cr_assert_not_null(strstr(out, "not a catchment plan"), "%s", out);
	}
	/* last year's plan in a schema that is not there: named as such (it
	 * read "no layer assignment in last year's plan") */
	{
		char args[4096], sed[1200];
		snprintf(sed, sizeof sed, "s#^\\[input\\]#[input]\\nprevious_plan = %s schemas=plan_1999#",
		         P.conn);
		snprintf(args, sizeof args, "-q solve -o %s/none.gpkg '%s'", P.dir,
		         pg_ini(&P, "held-none.ini", sed));
		cr_assert_eq(run_cli(args, &out), 1, "%s", out);
		cr_assert(strstr(out, "last year's plan (previous_plan)") &&
		                   strstr(out, "no schema plan_1999 in the database"), "%s", out);
	}
	free(a);
	free(b);
}

/* A scenario's plan goes to a schema of its own. */
Test(postgis, scenarios_get_their_own_schemas, .timeout = 600, .fini = cluster_fini)
{
	const char *ini;
	NEED_PG(&P);
	load_example(&P);
	ini = pg_ini(&P, "sc.ini", "$a [scenario Close-1]\\nclose = XX001");
	cr_assert_eq(run("-q solve -o '%s schemas=county' '%s'", P.conn, ini), 0);
	cr_assert_str_eq(sh_out("%s -Atc \"SELECT string_agg(nspname, ',' ORDER BY nspname) FROM "
	                        "pg_namespace WHERE nspname LIKE 'county%%'\"", P.psql),
	                 "county,county_close_1");
	cr_assert_eq(run("-q map --level junior '%s schemas=county_close_1' -o %s/c.svg", P.conn,
	                 P.dir), 0);
}

/* Acceptance: a solve killed while it writes to PostGIS leaves the old
 * plan's schema whole and nothing of the new one.  The run is held at its
 * last step (dropping the old schema waits for a reader of it) and
 * killed there; then a run that finishes replaces the plan. */
Test(postgis, a_solve_killed_while_writing_leaves_the_old_plan, .timeout = 600, .fini = cluster_fini)
{
	char *before, *after, *newer, args[4096], into[700];
	const char *ini_b;
	pid_t solve, reader;
	int i, waiting = 0, st;
	NEED_PG(&P);
	load_example(&P);
	snprintf(into, sizeof into, "%s schemas=plan", P.conn);
	cr_assert_eq(run("-q solve -o '%s' '%s'", into, pg_ini(&P, "a.ini", NULL)), 0);
	before = dump(&P, into, "before.txt");
	/* plan B differs: a shorter reach */
	ini_b = pg_ini(&P, "b.ini", "s/^max_distance_primary_m = 6000/max_distance_primary_m = 4000/");
	/* a reader of the old plan, in a transaction that holds its lock */
	if ((reader = fork()) == 0) {
		execlp("sh", "sh", "-c", strcat(strcpy(args, P.psql),
		       " -c 'BEGIN' -c 'SELECT count(*) FROM plan.assignment' -c "
		       "'SELECT pg_sleep(300)' >/dev/null 2>&1"), (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 100 && strcmp(sh_out("%s -Atc \"SELECT count(*) FROM pg_locks l JOIN "
	                                     "pg_class c ON c.oid = l.relation WHERE c.relname = "
	                                     "'assignment' AND l.granted\"", P.psql), "1"); i++)
		nap();
	cr_assert_lt(i, 100, "the reader never held its lock");
	snprintf(args, sizeof args, "exec %s -q solve -o '%s' '%s' >%s/killed.log 2>&1",
	         getenv("CM_CLI"), into, ini_b, P.dir);
	if ((solve = fork()) == 0) {
		execlp("sh", "sh", "-c", args, (char *)NULL);
		_exit(127);
	}
	/* the solve's transaction waits for the lock: every table written */
	for (i = 0; i < 1200 && !waiting; i++) {
		waiting = !strcmp(sh_out("%s -Atc \"SELECT count(*) FROM pg_stat_activity WHERE "
		                         "wait_event_type = 'Lock' AND query LIKE 'DROP SCHEMA%%'\"",
		                         P.psql), "1");
		if (!waiting)
			nap();
	}
	cr_assert(waiting, "the solve never reached the database's last step: %s",
	          sh_out("cat %s/killed.log", P.dir));
	/* in the transaction, the new plan is whole and the old one set aside */
	kill(solve, SIGKILL);
	waitpid(solve, &st, 0);
	cr_assert(WIFSIGNALED(st));
	sh("%s -Atc \"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE "
	   "'SELECT pg_sleep%%'\" >/dev/null", P.psql);
	waitpid(reader, &st, 0);
	/* the server rolls the killed run's transaction back once it sees it gone */
	for (i = 0; i < 100 && strcmp(sh_out("%s -Atc \"SELECT count(*) FROM pg_stat_activity "
	                                     "WHERE datname = 'catch' AND pid <> pg_backend_pid() "
	                                     "AND backend_type = 'client backend'\"", P.psql), "0");
	     i++)
		nap();
	cr_assert_str_eq(sh_out("%s -Atc \"SELECT string_agg(nspname, ',' ORDER BY nspname) FROM "
	                        "pg_namespace WHERE nspname LIKE 'plan%%'\"", P.psql), "plan");
	after = dump(&P, into, "after.txt");
	cr_assert(strcmp(before, after) == 0, "the old plan changed: diff %s/before.txt "
	          "%s/after.txt", P.dir, P.dir);
	cr_assert_eq(run("compare '%s' '%s'", into, into), 0);
	/* and a run left alone replaces it */
	cr_assert_eq(run("-q solve -o '%s' '%s'", into, ini_b), 0);
	newer = dump(&P, into, "newer.txt");
	cr_assert(strcmp(before, newer) != 0, "plan B is plan A: the test shows nothing");
	free(before);
	free(after);
	free(newer);
}
