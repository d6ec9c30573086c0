/*
 * file.c: replacing an output file or folder without ever losing it.
 *
 * Every output (a plan, a map, the ranges, a CSV) is written beside its
 * target as TARGET.tmp-PID, checked (every write, the close, fsync of each
 * file), and only then moved over the target: a file by rename(2), a folder
 * by renameat2(RENAME_EXCHANGE), so that the path names a complete output,
 * the old one or the new, at every instant; a crash after the exchange
 * leaves the old one as TARGET.tmp-PID.  Where the file system cannot
 * exchange, the old folder is renamed aside as TARGET.old-PID first; a run
 * killed between the two renames leaves no folder at the target, and the
 * next write to the same target puts the old one back before it begins.
 *
 * Leftovers of runs whose process is gone (TARGET.tmp-PID and SQLite's
 * -journal, -wal and -shm of it, TARGET.old-PID) are cleaned up or restored
 * by cm__out_tidy, which every writer calls first.  A live PID's files are
 * another run's and are left alone.
 *
 * The text reports (cm_report_*) write to a caller's stream instead; the
 * end of this file checks that stream (cm__stream_done) and makes one that
 * feeds a callback (cm_report_stream).  Before them, cm_format_of: the one
 * table of the formats outputs are written in.
 */
#define _GNU_SOURCE 1 /* renameat2, fopencookie */

#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include <unistd.h>

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

/* Removes a file, or a folder and what is in it. */
void cm__out_remove(const char *path)
{
	struct stat st;
	DIR *dp;
	struct dirent *e;
	if (lstat(path, &st) != 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		unlink(path);
		return;
	}
	if ((dp = opendir(path)) != NULL) {
		while ((e = readdir(dp)) != NULL) {
			char *f;
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			if ((f = cm__sprintf("%s/%s", path, e->d_name)) != NULL)
				cm__out_remove(f);
			free(f);
		}
		closedir(dp);
	}
	rmdir(path);
}

/* PID parsed from `s` (digits, then `rest` of the name); 0 if not.  Only
 * a PID as a run writes it (getpid() in decimal: no leading zero, within
 * pid_t): 0123 or 2147483648 (kill() would take it as -2147483648, a
 * process group, "no such process") are no run's, and their files not
 * ours to remove. */
static long parse_pid(const char *s, const char **rest)
{
	char *end;
	long pid;
	if (*s < '1' || *s > '9')
		return 0;
	pid = strtol(s, &end, 10);
	*rest = end;
	return pid > 0 && pid == (long)(pid_t)pid ? pid : 0;
}

static int is_gone(long pid)
{
	return pid != (long)getpid() && kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

void cm__out_tidy(const char *target)
{
	char *dir = cm__dirname(target), *tmp_prefix, *old_prefix;
	const char *base = strrchr(target, '/');
	DIR *dp;
	struct dirent *e;
	struct stat st;
	base = base ? base + 1 : target;
	tmp_prefix = cm__sprintf("%s.tmp-", base);
	old_prefix = cm__sprintf("%s.old-", base);
	dp = dir && tmp_prefix && old_prefix ? opendir(dir) : NULL;
	while (dp && (e = readdir(dp)) != NULL) {
		const char *rest = "";
		long pid;
		int old = 0;
		char *path;
		if (!strncmp(e->d_name, tmp_prefix, strlen(tmp_prefix)))
			pid = parse_pid(e->d_name + strlen(tmp_prefix), &rest);
		else if (!strncmp(e->d_name, old_prefix, strlen(old_prefix)))
			pid = parse_pid(e->d_name + strlen(old_prefix), &rest), old = 1;
		else
			continue;
		if (!old && (!strcmp(rest, "-journal") || !strcmp(rest, "-wal") || !strcmp(rest, "-shm")))
			rest += strlen(rest);
		if (*rest || !pid || !is_gone(pid))
			continue;
		if (!(path = cm__sprintf("%s/%s", dir, e->d_name)))
			break;
		/* an old output renamed aside by a run killed before its new one
		 * was in place: it is the output again */
		if (!old || lstat(target, &st) == 0 || rename(path, target) != 0)
			cm__out_remove(path);
		free(path);
	}
	if (dp)
		closedir(dp);
	free(dir);
	free(tmp_prefix);
	free(old_prefix);
}

/* The largest size of `path` (a file) or of a file in it (a folder). */
static off_t largest(const char *path)
{
	struct stat st;
	off_t most = 0;
	DIR *dp;
	struct dirent *e;
	if (lstat(path, &st) != 0)
		return 0;
	if (!S_ISDIR(st.st_mode))
		return st.st_size;
	if ((dp = opendir(path)) != NULL) {
		while ((e = readdir(dp)) != NULL) {
			char *f = e->d_name[0] != '.' ? cm__sprintf("%s/%s", path, e->d_name) : NULL;
			if (f && lstat(f, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > most)
				most = st.st_size;
			free(f);
		}
		closedir(dp);
	}
	return most;
}

/* Room a write may want and not get: a page or a record's buffer, and a
 * good margin. */
#define FULL_ROOM (256 * 1024)

const char *cm__out_full(const char *tmp)
{
	char *dir = cm__dirname(tmp);
	struct statvfs fs;
	struct rlimit rl;
	const char *why = NULL;
	if (dir && statvfs(dir, &fs) == 0 &&
	    (unsigned long long)(geteuid() == 0 ? fs.f_bfree : fs.f_bavail) * fs.f_frsize < FULL_ROOM)
		why = strerror(ENOSPC);
	else if (getrlimit(RLIMIT_FSIZE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	         (unsigned long long)largest(tmp) + FULL_ROOM > (unsigned long long)rl.rlim_cur)
		why = strerror(EFBIG);
	free(dir);
	return why;
}

char *cm__out_temp(const char *target)
{
	char *tmp = cm__sprintf("%s.tmp-%ld", target, (long)getpid());
	cm__out_tidy(target);
	if (tmp)
		cm__out_remove(tmp);
	return tmp;
}

/* fsync of a file, or of a folder's files and the folder; -1 with errno. */
static int sync_path(const char *path)
{
	struct stat st;
	int fd, rc = 0;
	if (lstat(path, &st) != 0)
		return -1;
	if (S_ISDIR(st.st_mode)) {
		DIR *dp = opendir(path);
		struct dirent *e;
		if (!dp)
			return -1;
		while (rc == 0 && (e = readdir(dp)) != NULL) {
			char *f;
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			if (!(f = cm__sprintf("%s/%s", path, e->d_name))) {
				errno = ENOMEM;
				rc = -1;
				break;
			}
			rc = sync_path(f);
			free(f);
		}
		closedir(dp);
		if (rc)
			return rc;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	rc = fsync(fd);
	if (close(fd) != 0)
		rc = -1;
	return rc;
}

/* fsync of the folder holding `path`, so that a rename in it lasts. */
static void sync_parent(const char *path)
{
	char *dir = cm__dirname(path);
	int fd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	if (fd >= 0) {
		(void)fsync(fd); /* some file systems refuse it for folders */
		close(fd);
	}
	free(dir);
}

int cm__out_check(cm_ctx *ctx, const char *target)
{
	static const char *const outputs[] = {"png", "svg", "pdf", "gpkg", "shp", "geojson", "csv",
	                                      "xlsx", "html", "md", "txt", NULL};
	struct stat st;
	const char *base = strrchr(target, '/'), *dot;
	int k;
	base = base ? base + 1 : target;
	dot = strrchr(base, '.');
	if (!*base)
		return cm__error(ctx, CM_EINPUT, _("%s: ends in '/': name the file to write"), target);
	for (k = 0; dot == base && outputs[k]; k++)
		if (!strcasecmp(dot + 1, outputs[k])) /* ".png": a map became "-primary.png" */
			return cm__error(ctx, CM_EINPUT, _("%s: no file name before the extension: name "
			                 "the file to write"), target);
	/* a link counts as what it points to: one to /dev/null is a device */
	if (lstat(target, &st) != 0 || (S_ISLNK(st.st_mode) && stat(target, &st) != 0) ||
	    S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))
		return 0;
	return cm__error(ctx, CM_EIO, _("%s: not a file or folder (a device, a pipe or a socket): "
	                                "refusing to replace it"), target);
}

int cm__out_place(cm_ctx *ctx, const char *tmp, const char *target)
{
	struct stat st_tmp, st_target;
	char *old = NULL;
	int rc = 0;
	if ((rc = cm__out_check(ctx, target)))
		return rc;
	if (sync_path(tmp) != 0 || lstat(tmp, &st_tmp) != 0)
		return cm__error(ctx, CM_EIO, _("%s: cannot write it: %s"), target, strerror(errno));
	if (!S_ISDIR(st_tmp.st_mode) || lstat(target, &st_target) != 0 ||
	    !S_ISDIR(st_target.st_mode)) {
		/* a file, or a folder where there was none: one rename */
		if (rename(tmp, target) != 0)
			return cm__error(ctx, CM_EIO, _("%s: cannot move it into place: %s"), target,
			                 strerror(errno));
		sync_parent(target);
		return 0;
	}
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, target, RENAME_EXCHANGE) == 0) {
		/* tmp now holds the old output */
		sync_parent(target);
		cm__out_remove(tmp);
		return 0;
	}
	if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
		return cm__error(ctx, CM_EIO, _("%s: cannot move it into place: %s"), target,
		                 strerror(errno));
	/* no exchange here: aside, then in (cm__out_tidy restores the old one
	 * if the run dies between the two) */
	if (!(old = cm__sprintf("%s.old-%ld", target, (long)getpid())))
		return cm__error(ctx, CM_ENOMEM, _("out of memory"));
	cm__out_remove(old);
	if (rename(target, old) != 0)
		rc = cm__error(ctx, CM_EIO, _("%s: cannot move it into place: %s"), target,
		               strerror(errno));
	else if (rename(tmp, target) != 0) {
		rc = cm__error(ctx, CM_EIO, _("%s: cannot move it into place: %s"), target,
		               strerror(errno));
		(void)rename(old, target);
	} else {
		sync_parent(target);
		cm__out_remove(old);
	}
	free(old);
	return rc;
}

/* ------------------------------------------------------------ text outputs */

struct cm_output {
	char *target, *tmp;
	FILE *fp;
};

int cm_output_open(cm_ctx *ctx, const char *path, cm_output **out)
{
	cm_output *o;
	int rc;
	*out = NULL;
	if ((rc = cm__out_check(ctx, path)))
		return rc;
	o = calloc(1, sizeof *o);
	if (!o || !(o->target = cm__strdup(path)) || !(o->tmp = cm__out_temp(path))) {
		if (o)
			free(o->target);
		free(o);
		return cm__error(ctx, CM_ENOMEM, _("out of memory"));
	}
	if (!(o->fp = fopen(o->tmp, "w"))) {
		rc = cm__error(ctx, CM_EIO, _("%s: cannot write it: %s"), path, strerror(errno));
		free(o->tmp);
		free(o->target);
		free(o);
		return rc;
	}
	*out = o;
	return 0;
}

FILE *cm_output_stream(cm_output *o)
{
	return o ? o->fp : NULL;
}

void cm_output_abort(cm_output *o)
{
	if (!o)
		return;
	if (o->fp)
		fclose(o->fp);
	unlink(o->tmp);
	free(o->tmp);
	free(o->target);
	free(o);
}

int cm_output_commit(cm_ctx *ctx, cm_output *o)
{
	int rc, failed;
	if (!o)
		return cm__error(ctx, CM_ERROR, _("no output to finish"));
	failed = fflush(o->fp) != 0 || ferror(o->fp);
	if (fclose(o->fp) != 0)
		failed = 1;
	o->fp = NULL;
	if (failed) {
		rc = cm__error(ctx, CM_EIO, _("%s: cannot write it: %s"), o->target, strerror(errno));
		cm_output_abort(o);
		return rc;
	}
	rc = cm__out_place(ctx, o->tmp, o->target);
	if (rc)
		unlink(o->tmp);
	free(o->tmp);
	free(o->target);
	free(o);
	return rc;
}

/* ------------------------------------------------------------ sources */

int cm__is_source_string(const char *s)
{
	const char *p = s;
	if (!s)
		return 0;
	if (!strncmp(s, "/vsi", 4))
		return 1;
	while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
	       *p == '_')
		p++;
	return *p == ':' && p - s >= 2; /* "C:" would be a drive, not a driver */
}

int cm__is_pg(const char *s)
{
	return s && (s[0] == 'P' || s[0] == 'p') && (s[1] == 'G' || s[1] == 'g') && s[2] == ':';
}

/* libpq's keyword=value syntax: blanks around `=` allowed, a value bare
 * (up to a blank) or in single quotes with backslash escapes. */
char *cm__source_shown(const char *s)
{
	char *out, *o;
	const char *p = s;
	if (!s)
		return NULL;
	if (!(out = malloc(strlen(s) + 1)))
		return NULL;
	o = out;
	while (*p) {
		const char *q = p;
		int at_word = p == s || p[-1] == ' ' || p[-1] == '\t' || p[-1] == ':';
		if (at_word && !strncasecmp(p, "password", 8)) {
			q = p + 8;
			while (*q == ' ' || *q == '\t')
				q++;
		}
		if (q != p && *q == '=') {
			q++;
			while (*q == ' ' || *q == '\t')
				q++;
			if (*q == '\'') {
				for (q++; *q && *q != '\''; q++)
					if (*q == '\\' && q[1])
						q++;
				if (*q)
					q++;
			} else {
				while (*q && *q != ' ' && *q != '\t')
					q++;
			}
			while (*q == ' ' || *q == '\t')
				q++;
			p = q;
			continue;
		}
		*o++ = *p++;
	}
	while (o > out && (o[-1] == ' ' || o[-1] == '\t'))
		o--;
	*o = '\0';
	return out;
}

/* The value of option `key` in a connection string at `p` (just after
 * `key=`): up to the next blank. */
static int pg_option(char *s, const char *key, char **start, size_t *len, char **opt)
{
	size_t k = strlen(key);
	char *p;
	for (p = s; *p; p++) {
		int at_word = p == s || p[-1] == ' ' || p[-1] == '\t' || p[-1] == ':';
		if (at_word && !strncasecmp(p, key, k) && p[k] == '=') {
			*opt = p;
			*start = p + k + 1;
			*len = strcspn(*start, " \t");
			return 1;
		}
	}
	return 0;
}

int cm__pg_split(cm_ctx *ctx, const char *pg, const char *schema, char **conn, char **schema_out)
{
	static const char *const keys[] = {"schemas", "active_schema"};
	char *c = cm__strdup(pg), *sc = NULL;
	size_t i, n;
	*conn = *schema_out = NULL;
	if (!c)
		return cm__error(ctx, CM_ENOMEM, _("out of memory"));
	for (i = 0; i < 2; i++) {
		char *v, *opt;
		size_t len;
		while (pg_option(c, keys[i], &v, &len, &opt)) {
			if (!sc && !schema && !(sc = cm__sprintf("%.*s", (int)len, v))) {
				free(c);
				return cm__error(ctx, CM_ENOMEM, _("out of memory"));
			}
			memmove(opt, v + len, strlen(v + len) + 1);
		}
	}
	n = strlen(c);
	while (n > 0 && (c[n - 1] == ' ' || c[n - 1] == '\t'))
		c[--n] = '\0';
	if (!sc && !(sc = cm__strdup(schema ? schema : CM__PG_SCHEMA))) {
		free(c);
		return cm__error(ctx, CM_ENOMEM, _("out of memory"));
	}
	n = strlen(sc);
	for (i = 0; i < n; i++)
		if (!((sc[i] >= 'a' && sc[i] <= 'z') || sc[i] == '_' || (i && sc[i] >= '0' && sc[i] <= '9')))
			break;
	if (n == 0 || n > 40 || i < n) {
		int rc = cm__error(ctx, CM_EINPUT, _("schema '%s': a plan's schema is 1 to 40 of a-z, 0-9 "
		                   "and _, not starting with a digit"), sc);
		free(c);
		free(sc);
		return rc;
	}
	*conn = c;
	*schema_out = sc;
	return 0;
}

char *cm_source_shown(const char *source)
{
	return cm__source_shown(source ? source : "");
}

int cm_pg_plan(cm_ctx *ctx, const char *pg, const char *schema, const char *suffix, char **out)
{
	char *conn = NULL, *sc = NULL, *full = NULL, *conn2 = NULL, *sc2 = NULL, *p;
	int rc;
	*out = NULL;
	if ((rc = cm__pg_split(ctx, pg, schema, &conn, &sc)))
		return rc;
	full = suffix ? cm__sprintf("%s_%s", sc, suffix) : cm__strdup(sc);
	if (!full) {
		rc = cm__error(ctx, CM_ENOMEM, _("out of memory"));
		goto out;
	}
	for (p = full + strlen(sc); *p; p++) {
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
		else if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
			*p = '_';
	}
	/* the schema checked as any other */
	if ((rc = cm__pg_split(ctx, conn, full, &conn2, &sc2)))
		goto out;
	if (!(*out = cm__sprintf("%s schemas=%s", conn2, sc2)))
		rc = cm__error(ctx, CM_ENOMEM, _("out of memory"));
out:
	free(conn);
	free(sc);
	free(full);
	free(conn2);
	free(sc2);
	return rc;
}

/* ------------------------------------------------------------ formats */

/* Every format an output is written in, by cm_format: its name (as
 * --format and [output] format say it, and the extension that picks it),
 * another extension that picks it, and the outputs it is a format of. */
#define KIND(k) (1 << (k))
static const struct {
	const char *name;
	const char *alias;  /* another extension (without the dot); NULL: none */
	int kinds;          /* KIND(cm_output_kind), or'ed */
} formats[] = {
	[CM_FORMAT_GPKG] = {"gpkg", NULL, KIND(CM_OUTPUT_PLAN) | KIND(CM_OUTPUT_EXPORT)},
	[CM_FORMAT_SHP] = {"shp", NULL, KIND(CM_OUTPUT_PLAN) | KIND(CM_OUTPUT_EXPORT)},
	[CM_FORMAT_GEOJSON] = {"geojson", "json", KIND(CM_OUTPUT_PLAN) | KIND(CM_OUTPUT_EXPORT)},
	[CM_FORMAT_CSV] = {"csv", NULL, KIND(CM_OUTPUT_PLAN) | KIND(CM_OUTPUT_EXPORT)},
	[CM_FORMAT_XLSX] = {"xlsx", NULL, KIND(CM_OUTPUT_EXPORT)},
	[CM_FORMAT_PNG] = {"png", NULL, KIND(CM_OUTPUT_MAP)},
	[CM_FORMAT_SVG] = {"svg", NULL, KIND(CM_OUTPUT_MAP)},
	[CM_FORMAT_PDF] = {"pdf", NULL, KIND(CM_OUTPUT_MAP)},
};

int cm_format_of(cm_output_kind kind, const char *path, const char *format)
{
	const char *dot = path ? strrchr(path, '.') : NULL;
	size_t i;
	if (dot && strchr(dot, '/'))
		dot = NULL; /* a dot in a folder's name */
	for (i = 0; i < sizeof formats / sizeof *formats; i++) {
		if (!(formats[i].kinds & KIND(kind)))
			continue;
		if (format ? cm__streq_ci(format, formats[i].name)
		           : dot && (cm__streq_ci(dot + 1, formats[i].name) ||
		                     (formats[i].alias && cm__streq_ci(dot + 1, formats[i].alias))))
			return (int)i;
	}
	return -1;
}

/* ------------------------------------------------------------ report streams */

int cm__stream_done(cm_ctx *ctx, FILE *fp)
{
	int err;
	errno = 0;
	if (fflush(fp) == 0 && !ferror(fp))
		return 0;
	/* errno is fflush's, or 0 when an earlier write failed and this one had
	 * nothing left to flush */
	err = errno ? errno : EIO;
	return cm__error(ctx, CM_EIO, _("the report could not be written: %s"), strerror(err));
}

typedef struct report_cookie {
	cm_write_fn fn; /* the caller's */
	void *ud;
} report_cookie;

static ssize_t cookie_write(void *c, const char *buf, size_t n)
{
	const report_cookie *rc = c;
	if (n && rc->fn(buf, n, rc->ud) != 0) {
		errno = EIO;
		return -1; /* the stream's error flag: cm__stream_done sees it */
	}
	return (ssize_t)n;
}

static int cookie_close(void *c)
{
	free(c);
	return 0;
}

int cm_report_stream(cm_ctx *ctx, cm_write_fn fn, void *ud, FILE **out)
{
	cookie_io_functions_t io = {NULL, cookie_write, NULL, cookie_close};
	report_cookie *c = malloc(sizeof *c);
	*out = NULL;
	if (!c)
		return cm__error(ctx, CM_ENOMEM, _("out of memory"));
	c->fn = fn;
	c->ud = ud;
	if (!(*out = fopencookie(c, "w", io))) {
		free(c);
		return cm__error(ctx, CM_ENOMEM, _("out of memory"));
	}
	return 0;
}
