/* test_faults.c: what a killed, full-disk or refused write leaves behind.
 *
 * For every output kind (GeoPackage, shapefile, GeoJSON and CSV plan
 * folders, the ranges, a map), a good output is written first; then a run
 * that writes a different one is killed at each rename it makes (strace's
 * fault injection), runs out of disk (a small tmpfs), or meets a read-only
 * file system.  After each, the target must read whole: byte for byte the
 * old output or the new one, never less; a failed run must say so; and the
 * next run must clean up (or restore) what the killed one left.  The tests
 * that need strace or root (mount) are skipped with the reason printed. */
#define _GNU_SOURCE /* asprintf */
#include "helpers.h"

#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct kind {
	const char *name;
	const char *target; /* under the folder: the path checked */
	const char *out;    /* the output's path under the folder */
	const char *opt;    /* the CLI's option for it; not -o: the plan goes aside */
} kind;

static const kind kinds[] = {
        {"gpkg", "plan.gpkg", "plan.gpkg", "-o"},
        {"shp", "plan", "plan.shp", "-o"},
        {"geojson", "plan", "plan.geojson", "-o"},
        {"csv", "plan", "plan.csv", "-o"},
        {"ranges", "ranges.md", "ranges.md", "--ranges"},
        {"map", "map.pdf", "map.pdf", "--map"},
};
#define NKINDS (sizeof kinds / sizeof *kinds)

/* FNV-1a over a file, or over a folder's sorted names and their files. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	while (n--)
		h = (h ^ *b++) * 1099511628211ULL;
	return h;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* 0 when `path` does not exist. */
static uint64_t digest(const char *path)
{
	struct stat st;
	uint64_t h = 1469598103934665603ULL;
	if (stat(path, &st) != 0)
		return 0;
	if (S_ISDIR(st.st_mode)) {
		DIR *dp = opendir(path);
		struct dirent *e;
		char *names[256];
		size_t n = 0, i;
		cr_assert(dp);
		while ((e = readdir(dp)) != NULL && n < 256)
			if (e->d_name[0] != '.')
				names[n++] = strdup(e->d_name);
		closedir(dp);
		qsort(names, n, sizeof *names, cmp_str);
		for (i = 0; i < n; i++) {
			char *f;
			cr_assert(asprintf(&f, "%s/%s", path, names[i]) > 0);
			h = fnv(h, names[i], strlen(names[i]) + 1);
			h ^= digest(f);
			h *= 1099511628211ULL;
			free(f);
			free(names[i]);
		}
		return h;
	} else {
		size_t len;
		char *data = slurp(path, &len);
		cr_assert(data, "cannot read %s", path);
		h = fnv(h, data, len);
		free(data);
		return h;
	}
}

/* Names in `dir` with ".tmp-" or ".old-" in them (leftovers of a run). */
static int leftovers(const char *dir)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	int n = 0;
	cr_assert(dp);
	while ((e = readdir(dp)) != NULL)
		n += strstr(e->d_name, ".tmp-") != NULL || strstr(e->d_name, ".old-") != NULL;
	closedir(dp);
	return n;
}

/* Runs `prefix` CLI solve -q ARGS INI; returns the shell's status. */
static int solve(const char *prefix, const kind *k, const char *dir, const char *side,
                 const char *ini)
{
	char args[2048], *cmd;
	int st;
	if (!strcmp(k->opt, "-o"))
		snprintf(args, sizeof args, "-o '%s/%s'", dir, k->out);
	else
		snprintf(args, sizeof args, "-o '%s/plan.gpkg' %s '%s/%s'", side, k->opt, dir, k->out);
	cr_assert(asprintf(&cmd, "%s '%s' solve -q %s '%s' >/dev/null 2>&1", prefix,
	                   getenv("CM_CLI"), args, ini) > 0);
	st = system(cmd);
	free(cmd);
	return st;
}

typedef struct setup {
	char *dir, *side, *ini_a, *ini_b;
} setup;

static void setup_make(setup *s, const char *dir)
{
	char *a = scenario_text("schools.geojson", "compounds.geojson", NULL);
	char *b = scenario_text("schools.geojson", "compounds.geojson",
	                        "[solve]\nassignment = split\n");
	s->dir = strdup(dir);
	s->side = tmpdir();
	s->ini_a = write_file(s->side, "a.ini", a);
	s->ini_b = write_file(s->side, "b.ini", b);
	free(a);
	free(b);
}

static void setup_free(setup *s)
{
	char *cmd;
	cr_assert(asprintf(&cmd, "rm -rf '%s'", s->side) > 0);
	cr_assert(system(cmd) == 0);
	free(cmd);
	free(s->dir);
	free(s->side);
	free(s->ini_a);
	free(s->ini_b);
}

/* Plan A's output of kind k written to its place in s->dir, whose path it
 * returns (the caller frees it); *da gets its digest and *db the digest of
 * plan B's output written elsewhere. */
static char *reference(setup *s, const kind *k, uint64_t *da, uint64_t *db)
{
	char *ref = tmpdir(), *path, *cmd;
	cr_assert(asprintf(&path, "%s/%s", ref, k->target) > 0);
	cr_assert(solve("", k, ref, s->side, s->ini_b) == 0, "%s: plan B", k->name);
	*db = digest(path);
	free(path);
	cr_assert(asprintf(&path, "%s/%s", s->dir, k->target) > 0);
	cr_assert(solve("", k, s->dir, s->side, s->ini_a) == 0, "%s: plan A", k->name);
	*da = digest(path);
	cr_assert(*da && *db);
	cr_assert(asprintf(&cmd, "rm -rf '%s'", ref) > 0);
	cr_assert(system(cmd) == 0);
	free(cmd);
	free(ref);
	return path;
}

/* Is the output at `path` the old one (digest `da`) or a whole new one:
 * for the text and the map, byte for byte B's (`db`); a plan holds its
 * solve's seconds, so a new plan is whole when it reads back as one (the
 * plan reader validates every layer, compare of the plan with itself). */
static int old_or_new(const kind *k, const char *path, uint64_t da, uint64_t db)
{
	uint64_t d = digest(path);
	char *cmd;
	int st;
	if (d == da || (d && d == db))
		return 1;
	if (!d || strcmp(k->opt, "-o"))
		return 0;
	cr_assert(asprintf(&cmd, "'%s' compare -q '%s' '%s' >/dev/null 2>&1", getenv("CM_CLI"), path,
	                   path) > 0);
	st = system(cmd);
	free(cmd);
	return st == 0;
}

static int have_strace(void)
{
	return system("command -v strace >/dev/null 2>&1") == 0;
}

Test(faults, killed_at_each_rename, .timeout = 600)
{
	size_t i;
	int n;
	setup s;
	char *dir;
	if (!have_strace()) {
		cr_log_warn("strace is not installed: the kill-at-rename test is skipped");
		cr_skip_test("no strace");
	}
	dir = tmpdir();
	setup_make(&s, dir);
	for (i = 0; i < NKINDS; i++) {
		const kind *k = &kinds[i];
		uint64_t da, db;
		char *path;
		int killed = 0;
		path = reference(&s, k, &da, &db);
		for (n = 1; n <= 3; n++) {
			char prefix[256];
			int st;
			/* killed as it makes its n-th rename (an exchange counts;
			 * strace stops the call before it runs), plan B replacing
			 * plan A */
			snprintf(prefix, sizeof prefix,
			         "strace -f -o /dev/null -e trace=rename,renameat,renameat2 "
			         "-e inject=rename,renameat,renameat2:signal=KILL:when=%d",
			         n);
			st = solve(prefix, k, dir, s.side, s.ini_b);
			killed += WIFEXITED(st) && WEXITSTATUS(st) == 128 + 9;
			cr_expect(old_or_new(k, path, da, db), "%s: killed at rename %d: %s is neither "
			          "plan", k->name, n, path);
			/* the next run cleans up and writes plan A whole */
			cr_assert(solve("", k, dir, s.side, s.ini_a) == 0);
			da = digest(path);
			cr_expect(old_or_new(k, path, da, db), "%s: after a kill at rename %d", k->name, n);
			cr_expect(leftovers(dir) == 0, "%s: leftovers after a kill at rename %d", k->name, n);
		}
		cr_expect(killed > 0, "%s: no run was killed: the test tested nothing", k->name);
		/* a file system that cannot exchange two folders: the old one goes
		 * aside first; killed between the two renames (as it makes the
		 * second), the next run puts it back */
		if (strcmp(k->target, "plan") == 0) {
			int st = solve("strace -f -o /dev/null -e trace=rename,renameat2 "
			               "-e inject=renameat2:error=EINVAL -e inject=rename:signal=KILL:when=2",
			               k, dir, s.side, s.ini_b);
			cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 128 + 9, "%s: not killed", k->name);
			cr_expect(digest(path) == 0, "%s: the old plan was not set aside", k->name);
			cr_expect(leftovers(dir) > 0);
			st = solve("strace -f -o /dev/null -e trace=renameat2 "
			           "-e inject=renameat2:error=EINVAL",
			           k, dir, s.side, s.ini_a);
			cr_expect(st == 0);
			cr_expect(old_or_new(k, path, 0, 0) && leftovers(dir) == 0, "%s: not restored",
			          k->name);
		}
		free(path);
	}
	setup_free(&s);
	free(dir);
}

/* A small tmpfs at a fresh folder (root only); NULL with the reason
 * logged when it cannot be mounted. */
static char *small_fs(const char *size)
{
	char *dir = tmpdir(), *cmd;
	int ok;
	cr_assert(asprintf(&cmd, "mount -t tmpfs -o size=%s tmpfs '%s' 2>/dev/null", size, dir) > 0);
	ok = getuid() == 0 && system(cmd) == 0;
	free(cmd);
	if (!ok) {
		cr_log_warn("cannot mount a tmpfs (needs root): the full-disk and read-only tests "
		            "are skipped");
		rmdir(dir);
		free(dir);
		return NULL;
	}
	return dir;
}

static void unmount(char *dir)
{
	char *cmd;
	cr_assert(asprintf(&cmd, "umount '%s' && rmdir '%s'", dir, dir) > 0);
	cr_expect(system(cmd) == 0);
	free(cmd);
	free(dir);
}

/* Fills the file system at `dir` but for `room` bytes (0: to the last). */
static void fill(const char *dir, long room)
{
	char *path, block[4096];
	struct statvfs vfs;
	long left;
	FILE *fp;
	memset(block, 'x', sizeof block);
	cr_assert(statvfs(dir, &vfs) == 0);
	left = (long)(vfs.f_bavail * vfs.f_frsize) - room;
	cr_assert(asprintf(&path, "%s/fill", dir) > 0);
	fp = fopen(path, "w");
	cr_assert(fp);
	setvbuf(fp, NULL, _IONBF, 0);
	while (left > 0 && fwrite(block, 1, left < 4096 ? (size_t)left : sizeof block, fp) > 0)
		left -= 4096;
	while (!room && fwrite(block, 1, 1, fp) == 1)
		;
	fclose(fp);
	free(path);
}

static void unfill(const char *dir)
{
	char *path;
	cr_assert(asprintf(&path, "%s/fill", dir) > 0);
	unlink(path);
	free(path);
}

/* The disk full at once, or after the first few KB of the output (GDAL's
 * CSV and GeoJSON writers then leave short files without an error). */
Test(faults, disk_full, .timeout = 600)
{
	static const long rooms[] = {0, 4096, 12288, 40960};
	size_t i, r;
	for (i = 0; i < NKINDS; i++) {
		const kind *k = &kinds[i];
		char *dir = small_fs("2m"), *path;
		uint64_t da, db;
		setup s;
		if (!dir)
			cr_skip_test("no tmpfs");
		setup_make(&s, dir);
		path = reference(&s, k, &da, &db);
		for (r = 0; r < sizeof rooms / sizeof *rooms; r++) {
			int st;
			fill(dir, rooms[r]);
			st = solve("", k, dir, s.side, s.ini_b);
			/* a write that fitted after all must be whole */
			cr_expect(st != 0 ? digest(path) == da : old_or_new(k, path, da, db),
			          "%s: %ld bytes free: the old output changed (exit %d)", k->name,
			          rooms[r], st);
			cr_expect(r > 0 || st != 0, "%s: a write on a full disk reported success",
			          k->name);
			unfill(dir);
			cr_expect(leftovers(dir) == 0, "%s: leftovers after a full disk", k->name);
			if (st == 0) {
				/* plan A back in place for the next round */
				cr_assert(solve("", k, dir, s.side, s.ini_a) == 0);
				da = digest(path);
			}
		}
		/* with room again, the new output is written whole */
		cr_expect(solve("", k, dir, s.side, s.ini_b) == 0);
		cr_expect(digest(path) != da && old_or_new(k, path, da, db),
		          "%s: after the disk had room again", k->name);
		free(path);
		setup_free(&s);
		unmount(dir);
	}
}

Test(faults, read_only, .timeout = 600)
{
	size_t i;
	for (i = 0; i < NKINDS; i++) {
		const kind *k = &kinds[i];
		char *dir = small_fs("2m"), *path, *cmd;
		uint64_t da, db;
		setup s;
		if (!dir)
			cr_skip_test("no tmpfs");
		setup_make(&s, dir);
		path = reference(&s, k, &da, &db);
		cr_assert(asprintf(&cmd, "mount -o remount,ro '%s'", dir) > 0);
		cr_assert(system(cmd) == 0);
		free(cmd);
		cr_expect(solve("", k, dir, s.side, s.ini_b) != 0,
		          "%s: a write to a read-only file system reported success", k->name);
		cr_expect(digest(path) == da, "%s: the old output changed", k->name);
		free(path);
		setup_free(&s);
		unmount(dir);
	}
}

/* An export on a disk that fills while it writes says why it failed:
 * every failure names the system's reason (or, where GDAL's CSV writer
 * failed without a word, that the file read back short), never a message
 * ending in "failed: " (an attack: "writing the compounds layer failed: ").
 * The room left grows until the export fits, so that the disk fills in
 * each layer in turn (CSV), or in the spreadsheet's one write (XLSX). */
Test(faults, export_on_a_full_disk_says_why, .timeout = 600)
{
	static const char *const exts[] = {"csv", "xlsx"};
	char *dir = small_fs("2m"), *side, *args;
	const char *out;
	size_t k;
	if (!dir)
		cr_skip_test("no tmpfs");
	side = tmpdir();
	/* the example county's plan: layers larger than GDAL's write buffer,
	 * whose failed writes it reports (the small fixtures' are written
	 * whole at the close, where a failure goes unsaid) */
	cr_assert(asprintf(&args, "-q solve -o '%s/p.gpkg' '%s'", side, getenv("CM_EXAMPLE")) > 0);
	cr_assert_eq(run_cli(args, &out), 0, "%s", out);
	free(args);
	for (k = 0; k < sizeof exts / sizeof *exts; k++) {
		long room;
		int failed = 0, said = 0, st = 1;
		cr_assert(asprintf(&args, "-q export '%s/p.gpkg' -o '%s/e.%s'", side, dir, exts[k]) > 0);
		for (room = 0; st != 0 && room <= 1024 * 1024; room += 4096) {
			fill(dir, room);
			st = run_cli(args, &out);
			unfill(dir);
			if (st == 0)
				break;
			failed++;
			/* the failures the attack saw: a layer's, the marker's */
			said += strstr(out, " layer failed: ") || strstr(out, "cannot finish") ||
			        strstr(out, "cannot write");
			cr_expect(strstr(out, "No space left on device") || strstr(out, "a full disk?"),
			          "%s, %ld bytes free: the failure gives no reason: %s", exts[k], room, out);
			cr_expect(leftovers(dir) == 0, "%s, %ld bytes free: leftovers", exts[k], room);
		}
		cr_expect_eq(st, 0, "%s: the export never fitted: %s", exts[k], out);
		cr_expect(failed > 0 && said > 0, "%s: no write failed with its reason to give: the "
		          "test tested nothing", exts[k]);
		free(args);
	}
	free(side);
	unmount(dir);
}

/* A plan (GeoPackage, or exported to shapefiles) and a map on a full disk
 * said what GDAL, SQLite or cairo said (a fresh-eyes attack on a small
 * tmpfs): "no such table: gpkg_geometry_columns" with a few KB free, two
 * thousand bytes of SQL cut short before the cause with none, ".shp file
 * is unreadable, or corrupt", "error while writing to output stream".  Each
 * now says "No space left on device", and leaves nothing behind. */
Test(faults, a_plan_and_a_map_on_a_full_disk_say_why, .timeout = 600)
{
	static const long rooms[] = {0, 4096, 16384, 65536};
	char *dir = small_fs("2m"), *side, *args;
	const char *out;
	size_t r, c;
	if (!dir)
		cr_skip_test("no tmpfs");
	side = tmpdir();
	cr_assert(asprintf(&args, "-q solve -o '%s/plan.gpkg' '%s'", side, getenv("CM_EXAMPLE")) > 0);
	cr_assert_eq(run_cli(args, &out), 0, "%s", out);
	free(args);
	for (c = 0; c < 4; c++)
		for (r = 0; r < sizeof rooms / sizeof *rooms; r++) {
			int n = c == 0 ? asprintf(&args, "-q solve -o '%s/p.gpkg' '%s'", dir,
			                          getenv("CM_EXAMPLE"))
			      : c == 1 ? asprintf(&args, "-q export '%s/plan.gpkg' -o '%s/e.shp'", side, dir)
			      : asprintf(&args, "-q map '%s/plan.gpkg' -o '%s/m.%s'", side, dir,
			                 c == 2 ? "pdf" : "png");
			cr_assert(n > 0);
			fill(dir, rooms[r]);
			cr_expect_eq(run_cli(args, &out), 1, "%s, %ld bytes free: %s", args, rooms[r], out);
			unfill(dir);
			cr_expect(strstr(out, dir) && strstr(out, ": No space left on device\n"),
			          "%s, %ld bytes free: the failure gives no reason: %s", args, rooms[r],
			          out);
			cr_expect(leftovers(dir) == 0, "%s, %ld bytes free: leftovers", args, rooms[r]);
			free(args);
		}
	free(side);
	unmount(dir);
}
