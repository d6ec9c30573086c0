/*
 * scenario.c: what-if data.  A [scenario NAME] section changes the base
 * data in this order: schools closed, schools added (a layer read as the
 * base's schools), seats and classes set or added, compounds added (a layer
 * read as the base's compounds), demand scaled (every compound, then by
 * compound).  The result is a dataset of its own, in the base's working
 * CRS, that the solver takes like any other; the scenario's policy is the
 * base's with the section's [policy] keys.
 *
 * An added layer is checked as it is added, by check.c's rules for one
 * layer (repeated ids, negative counts): its errors name the scenario and
 * the layer's file, feature and field (or the open_school.ID key), where
 * the check of the whole scenario's data would name the base's layers.
 * A school closed is not opened again under its id (append).
 * Closing every school is allowed: a scenario without schools is a
 * shortfall that check.c warns of, every pupil without a place.
 *
 * Pupil counts scale to the nearest whole pupil, each group of each level
 * on its own (half away from zero), so a scenario gives the same data on
 * every run.
 */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void cm_scenario_config(const cm_config *cfg, const cm_scenario *sc, cm_config *out)
{
	*out = *cfg;
	out->policy = sc->policy;
	out->name = sc->name;
	out->output.title = sc->title; /* NULL: the maps say its name */
	out->scenarios = NULL;
	out->n_scenarios = 0;
}

/* ------------------------------------------------------------ lists */

/* Calls `fn` on each item of a list separated by commas (also ， and 、),
 * trimmed; stops at the first non-zero return. */
typedef int (*item_fn)(void *ud, const char *item);

static int each_item(const char *list, item_fn fn, void *ud)
{
	char *copy = cm__strdup(list ? list : ""), *p, *start;
	int rc = 0;
	if (!copy)
		return CM_ENOMEM;
	for (p = start = copy;; p++) {
		int sep = 0;
		if (*p == ',')
			sep = 1;
		else if (!strncmp(p, "\xEF\xBC\x8C", 3) || !strncmp(p, "\xE3\x80\x81", 3)) /* ， 、 */
			sep = 3;
		if (sep || !*p) {
			char end = *p, *item;
			*p = '\0';
			item = cm__strtrim(start);
			if (!item)
				rc = CM_ENOMEM;
			else if (*item)
				rc = fn(ud, item);
			free(item);
			if (rc || !end)
				break;
			p += sep - 1;
			start = p + 1;
		}
	}
	free(copy);
	return rc;
}

typedef struct apply {
	cm_ctx *ctx;
	const cm_config *cfg;
	const cm_scenario *sc;
	const cm_dataset *base;
	cm_dataset *ds;
	const char *key;  /* the key being applied, for messages */
	int level;
	char *closed;     /* by school: closed by this scenario */
	char *named;      /* by compound: named by `demand` already */
	char *seated;     /* by school: named by the seats_* or classes_* key being applied */
} apply;

static int bad(apply *a, const char *item, const char *why)
{
	return cm__error(a->ctx, CM_EINPUT, _("%s: [scenario %s] (line %d) %s: '%s': %s"), a->cfg->file,
	                 a->sc->name, a->sc->line, a->key, item, why);
}

static long school_index(const cm_dataset *ds, const char *id)
{
	size_t i;
	for (i = 0; i < ds->n_schools; i++)
		if (!strcmp(ds->schools[i].id, id))
			return (long)i;
	return -1;
}

static long compound_index(const cm_dataset *ds, const char *id)
{
	size_t i;
	for (i = 0; i < ds->n_compounds; i++)
		if (!strcmp(ds->compounds[i].id, id))
			return (long)i;
	return -1;
}

/* "ID:VALUE": the id, without the blanks around it ("XX003 : 90" was "no
 * such school"), and the value's text.  The colon may be the full-width
 * one (：) of a Chinese input method, as the lists' commas may be. */
static int split_pair(apply *a, const char *item, char **id, const char **value)
{
	const char *colon = strrchr(item, ':'), *p;
	size_t len = 1;
	char *raw;
	for (p = item; (p = strstr(p, "\xEF\xBC\x9A")) != NULL; p += 3)
		if (!colon || p > colon) {
			colon = p;
			len = 3;
		}
	if (!colon || colon == item || !colon[len])
		return bad(a, item, _("expected ID:VALUE"));
	if ((raw = malloc((size_t)(colon - item) + 1)) != NULL) {
		memcpy(raw, item, (size_t)(colon - item));
		raw[colon - item] = '\0';
	}
	*id = raw ? cm__strtrim(raw) : NULL;
	free(raw);
	if (!*id)
		return cm__error(a->ctx, CM_ENOMEM, _("out of memory"));
	if (!**id) {
		free(*id);
		*id = NULL;
		return bad(a, item, _("expected ID:VALUE"));
	}
	*value = colon + len;
	return 0;
}

static int close_one(void *ud, const char *item)
{
	apply *a = ud;
	long s = school_index(a->ds, item);
	if (s < 0)
		return bad(a, item, _("no such school"));
	if (a->closed[s])
		return bad(a, item, _("named twice"));
	a->closed[s] = 1;
	return 0;
}

/* seats_* / classes_* items: "ID:N" sets, "ID:+N" or "ID:-N" adds. */
static int seats_one(void *ud, const char *item)
{
	apply *a = ud;
	char *id = NULL;
	const char *value;
	double v;
	int null, rc = split_pair(a, item, &id, &value), add, per;
	long s;
	cm_school *sch;
	if (rc)
		return rc;
	add = *value == '+' || *value == '-';
	per = !strncmp(a->key, "classes", 7) ? a->sc->policy.class_size[a->level] : 1;
	if ((s = school_index(a->ds, id)) < 0)
		rc = bad(a, item, _("no such school (closed or not in the data)"));
	else if (a->seated[s]++)
		/* as a compound in demand: "X:+90, X:+90" is 180 or a slip, and
		 * "X:500, X:600" one of them ignored */
		rc = bad(a, item, _("the school is named twice (give its seats once; seats_* and "
		         "classes_* may each name it)"));
	else if (cm__parse_number(value, &v, &null) || null || v != floor(v))
		rc = bad(a, item, _("the value must be a whole decimal number, with + or - to add"));
	else if (!cm_school_teaches(sch = &a->ds->schools[s], (cm_level)a->level))
		rc = bad(a, item, _("the school does not teach this level"));
	else {
		double seats = (add ? sch->seats[a->level] : 0) + v * per;
		if (seats < 0)
			rc = bad(a, item, _("the school would have fewer than no seats"));
		else if (seats < sch->purchased[a->level])
			/* check.c's rule, said here of the key that breaks it: the check
			 * of the scenario's data would blame the school's layer */
			rc = bad(a, item, _("the school would have fewer seats than its purchased places"));
		else if (!(seats <= CM_MAX_COUNT))
			rc = bad(a, item, _("the school would have more than 1,000,000 seats, more than "
			         "any school has"));
		else
			sch->seats[a->level] = (int)seats;
	}
	free(id);
	return rc;
}

/* Scales a compound's pupils by f; -1 (nothing changed) when a count
 * would pass CM_MAX_COUNT, the most a feature may have (checked, never
 * wrapped). */
static int scale_pupils(cm_compound *c, double f)
{
	int lv, g;
	for (lv = 0; lv < CM_NLEVELS; lv++)
		for (g = 0; g < CM_NGROUPS; g++)
			if (c->pupils[lv][g] > 0 && !((double)c->pupils[lv][g] * f <= CM_MAX_COUNT))
				return -1;
	for (lv = 0; lv < CM_NLEVELS; lv++)
		for (g = 0; g < CM_NGROUPS; g++)
			if (c->pupils[lv][g] > 0)
				c->pupils[lv][g] = (int)lround(c->pupils[lv][g] * f);
	return 0;
}

static int demand_one(void *ud, const char *item)
{
	apply *a = ud;
	char *id = NULL;
	const char *value;
	double f;
	int null, rc = split_pair(a, item, &id, &value);
	long c;
	if (rc)
		return rc;
	if ((c = compound_index(a->ds, id)) < 0)
		rc = bad(a, item, _("no such compound"));
	else if (a->named[c]++)
		rc = bad(a, item, _("the compound is named twice (each factor applies to this year's "
		         "pupils: give one)"));
	else if (cm__parse_number(value, &f, &null) || null || f < 0 || f > 100)
		rc = bad(a, item, _("the factor must be a decimal number from 0 to 100"));
	else if (scale_pupils(&a->ds->compounds[c], f))
		rc = bad(a, item, _("a count would pass 1,000,000 pupils, more than any compound has"));
	free(id);
	return rc;
}

/* ------------------------------------------------------------ the data */

static char *dup_or_null(const char *s, int *fail)
{
	char *d = s ? cm__strdup(s) : NULL;
	if (s && !d)
		*fail = 1;
	return d;
}

/* A deep copy of the data (its diagnostics stay behind). */
static cm_dataset *clone(const cm_dataset *ds)
{
	cm_dataset *c = calloc(1, sizeof *c);
	int fail = 0, i, f;
	size_t k;
	if (!c)
		return NULL;
	cm__vec_init(&c->diags, sizeof(cm_diag));
	c->schools = calloc(ds->n_schools + 1, sizeof *c->schools);
	c->compounds = calloc(ds->n_compounds + 1, sizeof *c->compounds);
	c->geoms = ds->geoms ? calloc(ds->n_compounds + 1, sizeof *c->geoms) : NULL;
	if (!c->schools || !c->compounds || (ds->geoms && !c->geoms)) {
		cm_dataset_free(c);
		return NULL;
	}
	for (k = 0; k < ds->n_schools; k++, c->n_schools++) {
		c->schools[k] = ds->schools[k];
		c->schools[k].id = dup_or_null(ds->schools[k].id, &fail);
		c->schools[k].name = dup_or_null(ds->schools[k].name, &fail);
		c->schools[k].address = dup_or_null(ds->schools[k].address, &fail);
	}
	for (k = 0; k < ds->n_compounds; k++, c->n_compounds++) {
		c->compounds[k] = ds->compounds[k];
		c->compounds[k].id = dup_or_null(ds->compounds[k].id, &fail);
		c->compounds[k].name = dup_or_null(ds->compounds[k].name, &fail);
		if (ds->geoms && ds->geoms[k] && !(c->geoms[k] = cm__geom_clone(ds->geoms[k])))
			fail = 1;
	}
	c->crs_name = dup_or_null(ds->crs_name, &fail);
	c->crs_wkt = dup_or_null(ds->crs_wkt, &fail);
	c->crs_reason = dup_or_null(ds->crs_reason, &fail);
	for (i = 0; i < CM_NLAYERS; i++) {
		c->source[i] = dup_or_null(ds->source[i], &fail);
		c->layer_name[i] = dup_or_null(ds->layer_name[i], &fail);
		for (f = 0; f < CM_NFIELDS; f++)
			c->field_name[i][f] = dup_or_null(ds->field_name[i][f], &fail);
	}
	c->compound_polygons = ds->compound_polygons;
	c->repair = ds->repair;
	if (ds->boundary && !(c->boundary = cm__geom_clone(ds->boundary)))
		fail = 1;
	if (fail) {
		cm_dataset_free(c);
		return NULL;
	}
	return c;
}

/* The first error of an added layer, as an error naming where it is: the
 * file, layer, feature and field of a layer; the key of a school given
 * inline (open_school.ID, whose text was read as a CSV of our own). */
static int extra_errors(apply *a, const cm_dataset *x, int inline_schools)
{
	size_t i;
	for (i = 0; i < x->diags.len; i++) {
		const cm_diag *d = &((const cm_diag *)x->diags.data)[i];
		int idlen = 1;
		const char *id = cm__label_id(d->feature, &idlen);
		if (d->severity != CM_ERR)
			continue;
		if (inline_schools)
			return cm__error(a->ctx, CM_EINPUT, _("%s: [scenario %s] (line %d) open_school.%.*s: "
			                 "%s%s%s"), a->cfg->file, a->sc->name, a->sc->line,
			                 idlen, id ? id : "?",
			                 d->field ? d->field : "", d->field ? ": " : "",
			                 d->message ? d->message : "");
		return cm__error(a->ctx, CM_EINPUT, _("[scenario %s]: %s, layer %s, %s%s%s: %s"),
		                 a->sc->name, d->file ? d->file : "?", d->layer ? d->layer : "?",
		                 d->feature ? d->feature : _("a feature"), d->field ? _(", field ") : "",
		                 d->field ? d->field : "", d->message ? d->message : "");
	}
	return 0;
}

/* Check's rules for one layer (repeated ids, negative counts) on the added
 * schools or compounds `x`, then its first error as the scenario's. */
static int check_added(apply *a, cm_dataset *x, const cm_input *in, cm_layer_kind kind,
                       int inline_schools)
{
	size_t i;
	if (cm__check_added(a->ctx, a->cfg, in, kind, x)) /* x names its layer (cm__read_extra) */
		return cm__error(a->ctx, CM_ENOMEM, _("out of memory"));
	/* a layer's warnings (90.5 seats rounded, a count missing) go with the
	 * scenario's data, where check finds them (check_scenarios): they were
	 * dropped with the layer */
	for (i = 0; i < x->diags.len; i++) {
		const cm_diag *d = &((const cm_diag *)x->diags.data)[i];
		int idlen = 1, rc;
		const char *id = cm__label_id(d->feature, &idlen);
		char *key = NULL;
		if (d->severity != CM_WARNING)
			continue;
		/* a school given inline is its key, not a feature of a file */
		if (inline_schools && !(key = cm__sprintf("open_school.%.*s", idlen, id ? id : "?")))
			return cm__error(a->ctx, CM_ENOMEM, _("out of memory"));
		rc = cm__diag(a->ds, d->severity, d->kind, inline_schools ? NULL : d->file,
		              inline_schools ? NULL : d->layer, inline_schools ? key : d->feature,
		              d->field, "%s", d->message ? d->message : "");
		free(key);
		if (rc)
			return cm__error(a->ctx, CM_ENOMEM, _("out of memory"));
	}
	return extra_errors(a, x, inline_schools);
}

/* Appends the schools or compounds of `x` (moved out of it); schools
 * given inline (open_school.ID) when `inline_schools`, for messages.
 *
 * A school the scenario closes cannot be opened again under its id: to the
 * base plan the scenario is held to (matched by id) and to compare it would
 * be the same school, its compounds staying, where close moves them by
 * force (docs/scenarios.md).  Either reading would surprise someone, so it
 * is an error naming the scenario, the key and the id. */
static int append(apply *a, cm_dataset *x, cm_layer_kind kind, int inline_schools)
{
	cm_dataset *ds = a->ds;
	size_t k;
	if (kind == CM_SCHOOLS) {
		size_t had = ds->n_schools;
		cm__id *ids = cm__ids_index(sizeof *ds->schools, ds->schools, had);
		cm_school *s = ids ? realloc(ds->schools, (had + x->n_schools + 1) * sizeof *s) : NULL;
		int rc = 0;
		if (!s) {
			free(ids);
			return cm__error(a->ctx, CM_ENOMEM, _("out of memory"));
		}
		ds->schools = s;
		for (k = 0; k < x->n_schools && !rc; k++) {
			const char *id = x->schools[k].id, *why = NULL;
			long b = school_index(a->base, id);
			if (b >= 0 && a->closed[b])
				why = _("this scenario also closes this school (close): a school closed and "
				        "opened again under one id would be one school to the base plan and "
				        "to compare, its compounds not moved by force; give the new school "
				        "another id");
			else if (cm__ids_find(ids, had, id) >= 0)
				why = _("a school with this id is already in the data");
			if (why) {
				char *key = inline_schools ? cm__sprintf("open_school.%s", id) : NULL;
				if (inline_schools && !key) {
					rc = cm__error(a->ctx, CM_ENOMEM, _("out of memory"));
					break;
				}
				a->key = key ? key : "new_schools";
				rc = bad(a, id, why);
				a->key = NULL;
				free(key);
				break;
			}
			ds->schools[ds->n_schools++] = x->schools[k];
			x->schools[k].id = x->schools[k].name = x->schools[k].address = NULL;
		}
		free(ids);
		return rc;
	}
	{
		size_t had = ds->n_compounds;
		cm__id *ids = cm__ids_index(sizeof *ds->compounds, ds->compounds, had);
		cm_compound *c = ids ? realloc(ds->compounds, (had + x->n_compounds + 1) * sizeof *c) : NULL;
		void **g = c ? realloc(ds->geoms, (had + x->n_compounds + 1) * sizeof *g) : NULL;
		if (c)
			ds->compounds = c;
		if (g)
			ds->geoms = g;
		if (!g) {
			free(ids);
			return cm__error(a->ctx, CM_ENOMEM, _("out of memory"));
		}
		for (k = 0; k < x->n_compounds; k++) {
			if (cm__ids_find(ids, had, x->compounds[k].id) >= 0) {
				free(ids);
				a->key = "new_compounds";
				return bad(a, x->compounds[k].id,
				           _("a compound with this id is already in the data"));
			}
			ds->compounds[ds->n_compounds] = x->compounds[k];
			ds->geoms[ds->n_compounds++] = x->geoms ? x->geoms[k] : NULL;
			ds->compound_polygons += x->compounds[k].area_m2 > 0;
			x->compounds[k].id = x->compounds[k].name = NULL;
			if (x->geoms)
				x->geoms[k] = NULL;
		}
		free(ids);
		return 0;
	}
}

static int add_layer(apply *a, const cm_input *in, cm_layer_kind kind)
{
	cm_dataset *x = NULL;
	char *key;
	int rc;
	if (!in->path)
		return 0;
	if (!(key = cm__sprintf(_("new_%s_layer in [scenario %s]"),
	                        kind == CM_SCHOOLS ? "schools" : "compounds", a->sc->name)))
		return cm__error(a->ctx, CM_ENOMEM, _("out of memory"));
	rc = cm__read_extra(a->ctx, a->cfg, in, kind, key, a->ds, &x);
	free(key);
	if (!rc)
		rc = check_added(a, x, in, kind, 0);
	if (!rc)
		rc = append(a, x, kind, 0);
	cm_dataset_free(x);
	return rc;
}

/* open_school.ID = NAME, LEVEL, LON, LAT, SEATS_PRIMARY, SEATS_JUNIOR
 * [, SECTOR]: a CSV the reader takes as it takes a layer (so levels,
 * sectors and coordinates follow the same rules: the longitude and
 * latitude in the schools layer's `coordinates`). */
static int add_inline_schools(apply *a)
{
	char *csv = NULL, *name;
	size_t len = 0, i;
	FILE *fp;
	cm_dataset *x = NULL;
	int rc = 0;
	if (!a->sc->n_open)
		return 0;
	if (!(fp = open_memstream(&csv, &len)))
		return cm__error(a->ctx, CM_ENOMEM, _("out of memory"));
	fputs("id,name,level,seats_primary,seats_junior,x,y,sector\n", fp);
	for (i = 0; i < a->sc->n_open && !rc; i++) {
		char *v = cm__strdup(a->sc->open_value[i]), *item[8], *p, *save = NULL;
		int n = 0;
		if (!v) {
			rc = CM_ENOMEM;
			break;
		}
		char *key = cm__sprintf("open_school.%s", a->sc->open_id[i]), *q;
		int k, cut = 0;
		/* the full-width comma (，) of a Chinese input method separates
		 * fields as the ASCII one does, as in the lists */
		for (p = q = v; *p; p++) {
			if (!strncmp(p, "\xEF\xBC\x8C", 3)) {
				*q++ = ',';
				p += 2;
			} else {
				*q++ = *p;
			}
		}
		*q = '\0';
		for (p = strtok_r(v, ",", &save); p && n < 8; p = strtok_r(NULL, ",", &save))
			item[n++] = cm__strtrim(p);
		/* a name quoted around a comma, "滨江,新城小学": its quote marks
		 * open the first item and close a later one */
		for (k = 1; k < n && item[0][0] == '"' &&
		            (!item[0][1] || item[0][strlen(item[0]) - 1] != '"'); k++)
			cut |= item[k][0] && item[k][strlen(item[k]) - 1] == '"';
		a->key = key ? key : "open_school";
		if (cut)
			rc = bad(a, a->sc->open_value[i], _("a name in quotes with a comma in it: here "
			         "every comma separates two fields; write the name without a comma, "
			         "or give the school in a new_schools layer"));
		else if ((n != 6 && n != 7) || strchr(a->sc->open_id[i], ',') ||
		         strchr(a->sc->open_id[i], '"'))
			rc = bad(a, a->sc->open_value[i], _("expected open_school.ID = NAME, LEVEL, LONGITUDE, "
			         "LATITUDE, SEATS_PRIMARY, SEATS_JUNIOR[, SECTOR]"));
		else {
			/* each item quoted: a quote mark typed in one (10"80,
			 * "public") stays in its own field, named as typed; unquoted,
			 * it ran the rest of the line together into one field, the
			 * fields in the CSV's order, not the key's */
			static const int order[] = {1, 4, 5, 2, 3, 6};
			fprintf(fp, "%s,", a->sc->open_id[i]);
			cm__put_quoted(fp, item[0]);
			for (k = 0; k < 6; k++) {
				fputc(',', fp);
				cm__put_quoted(fp, order[k] < n ? item[order[k]] : "public");
			}
			fputc('\n', fp);
		}
		while (n > 0)
			free(item[--n]);
		free(v);
		free(key);
		a->key = "open_school";
	}
	fclose(fp);
	name = cm__sprintf("scenario %s open_school", a->sc->name);
	if (!rc && !name)
		rc = CM_ENOMEM;
	if (!rc)
		rc = cm__read_extra_text(a->ctx, a->cfg, name, csv, a->cfg->input[CM_SCHOOLS].coordinates,
		                         a->ds, &x);
	if (!rc) {
		cm_input in; /* its errors name the open_school.ID key, not this */
		memset(&in, 0, sizeof in);
		in.path = name;
		rc = check_added(a, x, &in, CM_SCHOOLS, 1);
	}
	if (!rc)
		rc = append(a, x, CM_SCHOOLS, 1);
	cm_dataset_free(x);
	free(name);
	free(csv);
	return rc;
}

/* Drops the closed schools. */
static void drop_closed(apply *a)
{
	cm_dataset *ds = a->ds;
	size_t i, kept = 0;
	for (i = 0; i < ds->n_schools; i++) {
		if (a->closed[i]) {
			free(ds->schools[i].id);
			free(ds->schools[i].name);
			free(ds->schools[i].address);
			continue;
		}
		ds->schools[kept++] = ds->schools[i];
	}
	ds->n_schools = kept;
}

int cm_scenario_data(cm_ctx *ctx, const cm_config *cfg, const cm_scenario *sc,
                     const cm_dataset *base, cm_dataset **out)
{
	apply a;
	size_t i;
	int rc = 0, lv;
	*out = NULL;
	memset(&a, 0, sizeof a);
	a.ctx = ctx;
	a.cfg = cfg;
	a.sc = sc;
	a.base = base;
	if (!(a.ds = clone(base)) || !(a.closed = calloc(base->n_schools + 1, 1))) {
		cm_dataset_free(a.ds);
		return cm__error(ctx, CM_ENOMEM, _("out of memory"));
	}
	a.ds->scenario = 1;
	a.key = "close";
	rc = each_item(sc->close, close_one, &a);
	if (!rc)
		drop_closed(&a);
	if (!rc)
		rc = add_inline_schools(&a);
	if (!rc)
		rc = add_layer(&a, &sc->new_schools, CM_SCHOOLS);
	if (!rc && !(a.seated = calloc(a.ds->n_schools + 1, 1)))
		rc = cm__error(ctx, CM_ENOMEM, _("out of memory"));
	for (lv = 0; lv < CM_NLEVELS && !rc; lv++) {
		a.level = lv;
		a.key = lv == CM_PRIMARY ? "seats_primary" : "seats_junior";
		memset(a.seated, 0, a.ds->n_schools);
		rc = each_item(sc->seats[lv], seats_one, &a);
		a.key = lv == CM_PRIMARY ? "classes_primary" : "classes_junior";
		memset(a.seated, 0, a.ds->n_schools);
		if (!rc)
			rc = each_item(sc->classes[lv], seats_one, &a);
	}
	if (!rc)
		rc = add_layer(&a, &sc->new_compounds, CM_COMPOUNDS);
	if (!rc && sc->demand_scale != 1)
		for (i = 0; i < a.ds->n_compounds && !rc; i++)
			if (scale_pupils(&a.ds->compounds[i], sc->demand_scale))
				rc = cm__error(ctx, CM_EINPUT, _("%s: [scenario %s] (line %d) demand_scale = %g: "
				               "compound %s would have more than %d pupils of a kind, more "
				               "than any compound has"), cfg->file, sc->name, sc->line,
				               sc->demand_scale, a.ds->compounds[i].id, CM_MAX_COUNT);
	a.key = "demand";
	if (!rc && !(a.named = calloc(a.ds->n_compounds + 1, 1)))
		rc = CM_ENOMEM;
	if (!rc)
		rc = each_item(sc->demand, demand_one, &a);
	if (rc == CM_ENOMEM)
		cm__error(ctx, CM_ENOMEM, _("out of memory"));
	if (!rc) {
		/* the distances, once for the scenario's every level (and its
		 * plan's roads layer) */
		cm_config view;
		cm_scenario_config(cfg, sc, &view);
		rc = cm__pairs_carry(ctx, cfg, &view, base, a.ds);
	}
	free(a.closed);
	free(a.named);
	free(a.seated);
	if (rc) {
		cm_dataset_free(a.ds);
		return rc;
	}
	*out = a.ds;
	return 0;
}
