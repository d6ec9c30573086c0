/*
 * dataset.c: the loaded schools and compounds, their accessors, and the
 * list of diagnostics that reading and checking leave on them.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cm__diags_truncate(cm_dataset *ds, size_t n)
{
	size_t i;
	for (i = n; i < ds->diags.len; i++) {
		cm_diag *d = &((cm_diag *)ds->diags.data)[i];
		free(d->file);
		free(d->layer);
		free(d->feature);
		free(d->field);
		free(d->message);
	}
	if (n < ds->diags.len)
		ds->diags.len = n;
}

int cm_dataset_checked(const cm_dataset *ds)
{
	return ds && ds->checked;
}

void cm_dataset_free(cm_dataset *ds)
{
	size_t i, j;
	if (!ds)
		return;
	for (i = 0; i < ds->n_schools; i++) {
		free(ds->schools[i].id);
		free(ds->schools[i].name);
		free(ds->schools[i].address);
	}
	for (i = 0; i < ds->n_compounds; i++) {
		free(ds->compounds[i].id);
		free(ds->compounds[i].name);
		if (ds->geoms)
			cm__geom_free(ds->geoms[i]);
	}
	free(ds->schools);
	free(ds->compounds);
	free(ds->geoms);
	cm__diags_truncate(ds, 0);
	cm__vec_free(&ds->diags);
	for (i = 0; i < CM_NLAYERS; i++) {
		free(ds->source[i]);
		free(ds->layer_name[i]);
		for (j = 0; j < CM_NFIELDS; j++)
			free(ds->field_name[i][j]);
	}
	cm__geom_free(ds->boundary);
	cm__pairs_free(ds->pairs);
	free(ds->crs_name);
	free(ds->crs_wkt);
	free(ds->crs_reason);
	free(ds);
}

size_t cm_dataset_schools(const cm_dataset *ds, const cm_school **out)
{
	*out = ds->schools;
	return ds->n_schools;
}

size_t cm_dataset_compounds(const cm_dataset *ds, const cm_compound **out)
{
	*out = ds->compounds;
	return ds->n_compounds;
}

const char *cm_dataset_crs_name(const cm_dataset *ds)
{
	return ds->crs_name ? ds->crs_name : "";
}

/* The reason is made in the reader's language as the data is read
 * (read.c). */
const char *cm_dataset_crs_reason(const cm_dataset *ds)
{
	return ds->crs_reason ? ds->crs_reason : "";
}

const char *cm_dataset_source(const cm_dataset *ds, cm_layer_kind which)
{
	return (unsigned)which < CM_NLAYERS && ds->source[which] ? ds->source[which] : "";
}

size_t cm_dataset_diag_count(const cm_dataset *ds)
{
	return ds->diags.len;
}

const cm_diag *cm_dataset_diag(const cm_dataset *ds, size_t i)
{
	return i < ds->diags.len ? &((const cm_diag *)ds->diags.data)[i] : NULL;
}

size_t cm_dataset_count(const cm_dataset *ds, cm_severity sev)
{
	size_t i, n = 0;
	for (i = 0; i < ds->diags.len; i++)
		n += ((const cm_diag *)ds->diags.data)[i].severity == sev;
	return n;
}

int cm__diag(cm_dataset *ds, cm_severity sev, const char *kind, const char *file,
             const char *layer, const char *feature, const char *field, const char *fmt, ...)
{
	va_list ap;
	cm_diag *d = cm__vec_push(&ds->diags);
	if (!d)
		return CM_ENOMEM;
	d->severity = sev;
	d->kind = kind;
	d->file = cm__strdup(file);
	d->layer = cm__strdup(layer);
	d->feature = cm__strdup(feature);
	d->field = cm__strdup(field);
	va_start(ap, fmt);
	d->message = cm__vsprintf(fmt, ap);
	va_end(ap);
	return d->message ? 0 : CM_ENOMEM;
}

char *cm__feature_label(long fid, const char *id)
{
	if (id && *id)
		return cm__sprintf(_("feature %ld (id %s)"), fid, id);
	return cm__sprintf(_("feature %ld"), fid);
}

const char *cm__label_id(const char *label, int *len)
{
	const char *fmt = _("feature %ld (id %s)"), *num = strstr(fmt, "%ld");
	const char *arg = num ? strstr(num, "%s") : NULL, *id;
	char mark[64]; /* the text between the number and the id: " (id " */
	size_t before, after, n;
	if (!label || !arg || (before = (size_t)(arg - (num + 3))) == 0 || before >= sizeof mark)
		return NULL;
	memcpy(mark, num + 3, before);
	mark[before] = '\0';
	if ((id = strstr(label, mark)) == NULL)
		return NULL;
	id += before;
	n = strlen(id);
	after = strlen(arg + 2);
	if (n < after || strcmp(id + n - after, arg + 2))
		return NULL;
	*len = (int)(n - after);
	return id;
}
