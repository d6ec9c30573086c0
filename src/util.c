/*
 * util.c: strings, paths and a growable array: the small helpers every
 * module needs and C does not have.
 */
#include "internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

char *cm__strdup(const char *s)
{
	size_t n;
	char *p;
	if (!s)
		return NULL;
	n = strlen(s) + 1;
	p = malloc(n);
	if (p)
		memcpy(p, s, n);
	return p;
}

char *cm__vsprintf(const char *fmt, va_list ap)
{
	va_list ap2;
	int n;
	char *p;
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return NULL;
	p = malloc((size_t)n + 1);
	if (p)
		vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *cm__sprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	va_start(ap, fmt);
	p = cm__vsprintf(fmt, ap);
	va_end(ap);
	return p;
}

char *cm_path_beside(const char *path, const char *name, const char *ext)
{
	const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
	size_t stem = dot && (!slash || dot > slash) ? (size_t)(dot - path) : strlen(path);
	char *out = cm__sprintf("%.*s-%s%s", (int)stem, path, name, ext ? ext : path + stem), *p;
	/* (and what Windows refuses in a file name, for a plan folder on a
	 * share: a tab, ':' or '*' went into the name as typed, a fresh-eyes
	 * trial) */
	for (p = out ? out + stem + 1 : NULL; p && *p && p < out + stem + 1 + strlen(name); p++)
		if ((unsigned char)*p < 0x20 || strchr("/ \\<>:\"|?*", *p))
			*p = '_';
	return out;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/* The bytes of a wide blank at `s` (U+3000 IDEOGRAPHIC SPACE, which
 * Chinese input methods type, or U+00A0 NO-BREAK SPACE, which Excel and
 * web pages leave), else 0. */
static size_t wide_blank(const char *s, const char *end)
{
	if (end - s >= 3 && !memcmp(s, "\xE3\x80\x80", 3))
		return 3;
	if (end - s >= 2 && !memcmp(s, "\xC2\xA0", 2))
		return 2;
	return 0;
}

/* Narrows [*s, *e) to leave out the blanks around it: ASCII ones and the
 * wide ones (wide_blank).  The one idea of a blank of cm__strtrim and
 * cm__list_has. */
static void trim_span(const char **s, const char **e)
{
	size_t n;
	for (;;) {
		if (*s < *e && is_blank(**s))
			(*s)++;
		else if ((n = wide_blank(*s, *e)) != 0)
			*s += n;
		else
			break;
	}
	for (;;) {
		if (*e > *s && is_blank((*e)[-1]))
			(*e)--;
		else if (*e - *s >= 3 && wide_blank(*e - 3, *e) == 3)
			*e -= 3;
		else if (*e - *s >= 2 && wide_blank(*e - 2, *e) == 2)
			*e -= 2;
		else
			break;
	}
}

char *cm__strtrim(const char *s)
{
	const char *e;
	char *p;
	if (!s)
		return NULL;
	e = s + strlen(s);
	trim_span(&s, &e);
	p = malloc((size_t)(e - s) + 1);
	if (!p)
		return NULL;
	memcpy(p, s, (size_t)(e - s));
	p[e - s] = '\0';
	return p;
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

int cm__streq_ci(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (lower((unsigned char)*a) != lower((unsigned char)*b))
			return 0;
	return *a == *b;
}

int cm__name_eq(const char *a, const char *b)
{
	const char *ae = a + strlen(a), *be = b + strlen(b);
	trim_span(&a, &ae);
	trim_span(&b, &be);
	if (ae - a != be - b)
		return 0;
	for (; a < ae; a++, b++)
		if (lower((unsigned char)*a) != lower((unsigned char)*b))
			return 0;
	return 1;
}

int cm__utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		int n;
		unsigned c = *p;
		if (c < 0x80) {
			p++;
			continue;
		} else if ((c & 0xE0) == 0xC0 && c >= 0xC2) {
			n = 1;
		} else if ((c & 0xF0) == 0xE0) {
			n = 2;
		} else if ((c & 0xF8) == 0xF0 && c <= 0xF4) {
			n = 3;
		} else {
			return 0;
		}
		p++;
		while (n--) {
			if ((*p & 0xC0) != 0x80)
				return 0;
			p++;
		}
	}
	return 1;
}

/* A copy of the `n` bytes at `s` without blanks around; NULL on ENOMEM. */
static char *strndup_trim(const char *s, size_t n)
{
	char *r = malloc(n + 1), *t;
	if (!r)
		return NULL;
	memcpy(r, s, n);
	r[n] = 0;
	t = cm__strtrim(r);
	free(r);
	return t;
}

/* Length of the item separator at `p`: ASCII comma, full-width comma (，
 * EF BC 8C) or enumeration comma (、 E3 80 81); 0 if none. */
static size_t sep_len(const char *p)
{
	if (*p == ',')
		return 1;
	if (!strncmp(p, "\xEF\xBC\x8C", 3) || !strncmp(p, "\xE3\x80\x81", 3))
		return 3;
	return 0;
}

int cm__list_has(const char *list, const char *value)
{
	const char *v, *ve, *p;
	if (!list || !value)
		return 0;
	v = value;
	ve = v + strlen(v);
	trim_span(&v, &ve);
	p = list;
	for (;;) {
		const char *s = p, *e;
		size_t n = 0;
		while (*p && !(n = sep_len(p)))
			p++;
		e = p;
		trim_span(&s, &e);
		if (e - s == ve - v) {
			size_t i, len = (size_t)(e - s);
			for (i = 0; i < len; i++)
				if (lower((unsigned char)s[i]) != lower((unsigned char)v[i]))
					break;
			if (i == len)
				return 1;
		}
		if (!*p)
			return 0;
		p += n;
	}
}

/* The item of a speed list at `p`: [*s, *e), its last colon (*colon,
 * NULL when none; ':' or a Chinese input method's full-width '：', which
 * ends at *after) and the separator's length after it (*n, 0 at the end).
 * Returns the separator's start. */
static const char *speed_item(const char *p, const char **s, const char **e, const char **colon,
                              const char **after, size_t *n)
{
	const char *q;
	*s = p;
	*n = 0;
	while (*p && !(*n = sep_len(p)))
		p++;
	*e = p;
	*colon = *after = NULL;
	for (q = *s; q < *e; q++)
		if (*q == ':') {
			*colon = q;
			*after = q + 1;
		} else if (*e - q >= 3 && !strncmp(q, "\xEF\xBC\x9A", 3)) {
			*colon = q;
			*after = q + 3;
		}
	return p;
}

int cm__speed_lookup(const char *list, const char *cls, double *kmh, char **bad_item)
{
	const char *p = list;
	if (bad_item)
		*bad_item = NULL;
	if (!list)
		return CM_SPEED_NONE;
	for (;;) {
		const char *s, *e, *colon, *after;
		size_t n;
		p = speed_item(p, &s, &e, &colon, &after, &n);
		while (s < e && is_blank(*s))
			s++;
		if (s < e) { /* an empty item (a trailing comma) is passed over */
			char *name = NULL, *num = NULL;
			double v = 0;
			int null = 1, bad = 1, rc = CM_SPEED_NONE;
			if (colon) {
				name = strndup_trim(s, (size_t)(colon - s));
				num = strndup_trim(after, (size_t)(e - after));
				if (!name || !num) {
					free(name);
					free(num);
					return CM_SPEED_ENOMEM;
				}
				bad = cm__parse_number(num, &v, &null) || null || !*name || v < 1 || v > 200;
			}
			if (bad) {
				rc = CM_SPEED_BAD;
				if (bad_item && !(*bad_item = strndup_trim(s, (size_t)(e - s))))
					rc = CM_SPEED_ENOMEM;
			} else if (cls && cm__list_has(name, cls)) {
				*kmh = v;
				rc = CM_SPEED_FOUND;
			}
			free(name);
			free(num);
			if (rc != CM_SPEED_NONE)
				return rc;
		}
		if (!*p)
			return CM_SPEED_NONE;
		p += n;
	}
}

int cm__speed_twice(const char *list, char **name)
{
	const char *p = list;
	*name = NULL;
	if (!list)
		return 0;
	for (;;) {
		const char *s, *e, *colon, *after;
		size_t n;
		p = speed_item(p, &s, &e, &colon, &after, &n);
		(void)e;
		(void)after;
		if (colon && *p) {
			double v;
			char *cls = strndup_trim(s, (size_t)(colon - s));
			int found;
			if (!cls)
				return CM_SPEED_ENOMEM;
			found = *cls ? cm__speed_lookup(p + n, cls, &v, NULL) : CM_SPEED_NONE;
			if (found == CM_SPEED_FOUND) {
				*name = cls;
				return 1;
			}
			free(cls);
			if (found == CM_SPEED_ENOMEM)
				return CM_SPEED_ENOMEM;
		}
		if (!*p)
			return 0;
		p += n;
	}
}

/* Length of the decimal number at the start of `s` (digits with at most one
 * point, at least one digit, an optional exponent; no sign), 0 if none. */
static size_t decimal_len(const char *s)
{
	const char *p = s;
	size_t digits = 0;
	while (*p >= '0' && *p <= '9')
		p++, digits++;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			digits++;
	if (!digits)
		return 0;
	if (*p == 'e' || *p == 'E') {
		const char *e = p + 1;
		if (*e == '+' || *e == '-')
			e++;
		if (*e >= '0' && *e <= '9') {
			while (*e >= '0' && *e <= '9')
				e++;
			p = e;
		}
	}
	return (size_t)(p - s);
}

int cm__parse_number(const char *s, double *out, int *is_null)
{
	const char *p, *q;
	char *end;
	size_t n;
	double d;
	*is_null = 0;
	*out = 0;
	while (is_blank(*s))
		s++;
	if (!*s) {
		*is_null = 1;
		return 0;
	}
	/* Decimal only: strtod would also take hexadecimal (0x1F), inf, nan and
	 * a leading blank after the sign, none of which a count or a distance
	 * is written as. */
	p = s + (*s == '+' || *s == '-');
	n = decimal_len(p);
	for (q = p + n; is_blank(*q); q++)
		;
	if (!n || *q) {
		static const char *const nonfinite[] = {"inf", "infinity", "nan"};
		size_t k, len = strlen(p);
		while (len && is_blank(p[len - 1]))
			len--;
		for (k = 0; k < sizeof nonfinite / sizeof *nonfinite; k++) {
			size_t i, m = strlen(nonfinite[k]);
			for (i = 0; i < m && i < len && lower((unsigned char)p[i]) == nonfinite[k][i]; i++)
				;
			if (i == m && i == len)
				return CM_NUM_NOT_FINITE;
		}
		return CM_NUM_NOT_DECIMAL;
	}
	errno = 0;
	d = strtod(s, &end);
	if (end != p + n) /* a locale with a decimal comma: not ours */
		return CM_NUM_NOT_DECIMAL;
	if ((errno == ERANGE && fabs(d) > 1) || !isfinite(d))
		return CM_NUM_NOT_FINITE; /* 1e999 */
	if (errno == ERANGE)
		d = 0; /* 1e-999: as good as nothing */
	*out = d;
	return 0;
}

const char *cm__number_problem(int rc)
{
	return rc == CM_NUM_NOT_FINITE ? _("not a finite number") : _("not a decimal number");
}

char *cm__dirname(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *p;
	if (!slash)
		return cm__strdup(".");
	if (slash == path)
		return cm__strdup("/");
	p = malloc((size_t)(slash - path) + 1);
	if (!p)
		return NULL;
	memcpy(p, path, (size_t)(slash - path));
	p[slash - path] = '\0';
	return p;
}

/* Removes "./" segments and "name/.." pairs, lexically: "examples/../x"
 * becomes "x", so messages show the path a person would type. */
static void normalize_path(char *p)
{
	char *seg[256];
	size_t nseg = 0, i;
	int absolute = p[0] == '/';
	char *tok, *save = NULL, *out, *copy;
	if (!*p)
		return; /* nothing to normalise (and no room for ".") */
	copy = cm__strdup(p);
	if (!copy)
		return;
	for (tok = strtok_r(copy, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		if (!strcmp(tok, "."))
			continue;
		if (!strcmp(tok, "..") && nseg > 0 && strcmp(seg[nseg - 1], ".."))
			nseg--;
		else if (nseg < sizeof seg / sizeof *seg)
			seg[nseg++] = tok;
	}
	out = p;
	if (absolute)
		*out++ = '/';
	for (i = 0; i < nseg; i++) {
		size_t n = strlen(seg[i]);
		if (i)
			*out++ = '/';
		memmove(out, seg[i], n);
		out += n;
	}
	if (out == p)
		*out++ = '.';
	*out = '\0';
	free(copy);
}

char *cm__path_join(const char *dir, const char *path)
{
	char *p;
	if (path[0] == '/' || !dir || !strcmp(dir, "."))
		p = cm__strdup(path);
	else
		p = cm__sprintf("%s/%s", dir, path);
	if (p)
		normalize_path(p);
	return p;
}

void cm__vec_init(cm_vec *v, size_t elem)
{
	v->data = NULL;
	v->len = v->cap = 0;
	v->elem = elem;
}

void *cm__vec_push(cm_vec *v)
{
	char *slot;
	if (v->len == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 16;
		void *d = realloc(v->data, cap * v->elem);
		if (!d)
			return NULL;
		v->data = d;
		v->cap = cap;
	}
	slot = (char *)v->data + v->len * v->elem;
	memset(slot, 0, v->elem);
	v->len++;
	return slot;
}

void cm__vec_free(cm_vec *v)
{
	free(v->data);
	cm__vec_init(v, v->elem);
}

/* ------------------------------------------------------------ ids */

static int cmp_id(const void *a, const void *b)
{
	return strcmp(((const cm__id *)a)->id, ((const cm__id *)b)->id);
}

cm__id *cm__ids_index(size_t stride, const void *base, size_t n)
{
	cm__id *e = malloc((n + 1) * sizeof *e);
	size_t i;
	if (!e)
		return NULL;
	for (i = 0; i < n; i++) {
		e[i].id = *(const char *const *)(const void *)((const char *)base + i * stride);
		e[i].index = i;
	}
	qsort(e, n, sizeof *e, cmp_id);
	return e;
}

long cm__ids_find(const cm__id *index, size_t n, const char *id)
{
	cm__id key = {id, 0};
	const cm__id *hit;
	if (!id || !n)
		return -1;
	hit = bsearch(&key, index, n, sizeof *index, cmp_id);
	return hit ? (long)hit->index : -1;
}

/* ------------------------------------------------------------ text out */

/* Columns a UTF-8 string takes on a terminal: East Asian wide characters
 * (汉字, full-width forms) take two. */
int cm__display_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int w = 0;
	while (*p) {
		unsigned cp;
		int n;
		if (*p < 0x80)
			cp = *p, n = 1;
		else if ((*p & 0xE0) == 0xC0)
			cp = *p & 0x1F, n = 2;
		else if ((*p & 0xF0) == 0xE0)
			cp = *p & 0x0F, n = 3;
		else
			cp = *p & 0x07, n = 4;
		for (int i = 1; i < n && p[i]; i++)
			cp = (cp << 6) | (p[i] & 0x3F);
		for (int i = 0; i < n && *p; i++)
			p++;
		w += (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
		                     (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
		                     (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
		                     (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD)
		             ? 2
		             : 1;
	}
	return w;
}

/* Prints `s` left-aligned in `width` terminal columns. */
void cm__print_padded(FILE *fp, const char *s, int width)
{
	int w = cm__display_width(s);
	fputs(s, fp);
	for (; w < width; w++)
		fputc(' ', fp);
}

/* Prints `s` right-aligned in `width` terminal columns. */
void cm__print_right(FILE *fp, const char *s, int width)
{
	for (int w = cm__display_width(s); w < width; w++)
		fputc(' ', fp);
	fputs(s, fp);
}

void cm__put_quoted(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', fp);
		fputc(*s, fp);
	}
	fputc('"', fp);
}

/* CSV quoting: fields with a comma, quote or line break are quoted. */
void cm__csv_field(FILE *fp, const char *s)
{
	/* a cell a spreadsheet would take for a formula starts with a quote
	 * mark, as the usual CSV-injection advice has it */
	int formula = *s && strchr("=+-@\t\r", *s);
	if (!formula && !strpbrk(s, ",\"\r\n")) {
		fputs(s, fp);
		return;
	}
	fputc('"', fp);
	if (formula)
		fputc('\'', fp);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', fp);
		fputc(*s, fp);
	}
	fputc('"', fp);
}

int cm__input_ok(cm_ctx *ctx, const char *path, const char *what)
{
	struct stat st;
	if (!path || stat(path, &st) != 0)
		return 0; /* not a file here (a PG: string, /vsizip/...): GDAL says */
	if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))
		return 0;
	return cm__error(ctx, CM_EINPUT, _("%s (%s): not a regular file or folder but %s; catchment "
	                 "reads only files and folders"), path, what,
	                 S_ISFIFO(st.st_mode)  ? _("a FIFO")
	                 : S_ISCHR(st.st_mode) ? _("a character device")
	                 : S_ISBLK(st.st_mode) ? _("a block device")
	                 : S_ISSOCK(st.st_mode) ? _("a socket")
	                                        : _("not a file"));
}
