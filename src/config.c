/*
 * config.c: the scenario file.
 *
 * An INI file (parsed by inih) with the sections [input], [fields],
 * [policy], [solve] and [output]; docs/config.md documents every key with
 * its default.  Anything unknown or malformed is an error that names the
 * file, the line and the key: a planner's typo must never be silently
 * ignored.  Paths are taken relative to the INI file's folder.
 *
 * inih reports only the line of the first failing handler call and never
 * calls the handler for an empty section, so this module feeds inih through
 * its own line reader (ini_parse_stream), which counts lines and looks at
 * section headers itself.
 *
 * cm_config_set sets one key of a configuration the same way, through the
 * same table and checks (set_key), for programs that build a configuration
 * without INI text; it leaves out what only a file has: lines, keys given
 * twice, [scenario NAME] sections.
 *
 * Layout: defaults; the key table for the numeric sections; [input] and
 * [fields] by hand; the reader and the handler; load and free; setting one
 * key.
 */
#include "internal.h"

#include <ini.h>

#include <iconv.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <sys/stat.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------ defaults */

void cm_config_init(cm_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->policy.migrant_public_share = 0.85;
	cfg->policy.near_radius_m[CM_PRIMARY] = 500;
	cfg->policy.near_radius_m[CM_JUNIOR] = 1000;
	cfg->policy.class_size[CM_PRIMARY] = 45;
	cfg->policy.class_size[CM_JUNIOR] = 50;
	cfg->policy.max_school_size = 2000;
	cfg->policy.max_school_size_nine_year = 2500;
	cfg->policy.far_school_m = 10000;
	cfg->solve.assignment = CM_ASSIGN_SINGLE;
	cfg->solve.mip_gap = 0;
	cfg->solve.effort = 1;
	cfg->solve.time_limit_s = 0;
	cfg->solve.max_moved_pupils = -1;
	cfg->road.mode = CM_ROADS_WALK;
	cfg->road.snap_m = 300;
	cfg->road.tolerance_m = 0.5;
	cfg->road.walk_kmh = 4.5;
	cfg->road.speed_default_kmh = 30;
	cfg->output.csv_bom = 1;
}

/* ------------------------------------------------------------ key table */

typedef enum {
	K_DOUBLE, K_INT, K_LONG, K_BOOL, K_STRING, K_PATH, K_ASSIGN, K_SOLVER, K_ROADS, K_SPEEDS
} key_type;

typedef struct key_def {
	const char *section;
	const char *name;
	key_type type;
	size_t off;        /* offset in cm_config */
	double lo, hi;     /* inclusive range for numbers */
	const char *choices; /* K_STRING: the accepted values, comma-separated; NULL: any */
} key_def;

#define OFF(m) offsetof(cm_config, m)
#define BIG 1e12

static const key_def keys[] = {
	{"policy", "migrant_public_share", K_DOUBLE, OFF(policy.migrant_public_share), 0, 1, NULL},
	{"policy", "max_distance_primary_m", K_DOUBLE, OFF(policy.max_distance_m[CM_PRIMARY]), 0, BIG, NULL},
	{"policy", "max_distance_junior_m", K_DOUBLE, OFF(policy.max_distance_m[CM_JUNIOR]), 0, BIG, NULL},
	{"policy", "max_distance_boarding_m", K_DOUBLE, OFF(policy.max_distance_boarding_m), 0, BIG, NULL},
	{"policy", "near_radius_primary_m", K_DOUBLE, OFF(policy.near_radius_m[CM_PRIMARY]), 1, BIG, NULL},
	{"policy", "near_radius_junior_m", K_DOUBLE, OFF(policy.near_radius_m[CM_JUNIOR]), 1, BIG, NULL},
	{"policy", "near_share_min_primary", K_DOUBLE, OFF(policy.near_share_min[CM_PRIMARY]), 0, 1, NULL},
	{"policy", "near_share_min_junior", K_DOUBLE, OFF(policy.near_share_min[CM_JUNIOR]), 0, 1, NULL},
	{"policy", "class_size_primary", K_INT, OFF(policy.class_size[CM_PRIMARY]), 1, 200, NULL},
	{"policy", "class_size_junior", K_INT, OFF(policy.class_size[CM_JUNIOR]), 1, 200, NULL},
	{"policy", "max_school_size", K_INT, OFF(policy.max_school_size), 1, 1e7, NULL},
	{"policy", "max_school_size_nine_year", K_INT, OFF(policy.max_school_size_nine_year), 1, 1e7, NULL},
	{"policy", "enforce_school_size", K_BOOL, OFF(policy.enforce_school_size), 0, 1, NULL},
	{"policy", "far_school_m", K_DOUBLE, OFF(policy.far_school_m), 1, BIG, NULL},
	{"solve", "assignment", K_ASSIGN, OFF(solve.assignment), 0, 0, NULL},
	{"solve", "mip_gap", K_DOUBLE, OFF(solve.mip_gap), 0, 0.999, NULL},
	{"solve", "node_limit", K_LONG, OFF(solve.node_limit), 0, 1e9, NULL},
	{"solve", "effort", K_DOUBLE, OFF(solve.effort), 0.01, 1000, NULL},
	{"solve", "first_plan", K_STRING, OFF(solve.first_plan), 0, 0, "auto,dive,parts"},
	{"solve", "time_limit_s", K_DOUBLE, OFF(solve.time_limit_s), 0, BIG, NULL},
	{"solve", "solver", K_SOLVER, OFF(solve.solver), 0, 0, NULL},
	{"solve", "stability_weight", K_DOUBLE, OFF(solve.stability_weight), 0, 1e6, NULL},
	{"solve", "max_moved_pupils", K_LONG, OFF(solve.max_moved_pupils), 0, 1e9, NULL},
	{"output", "path", K_PATH, OFF(output.path), 0, 0, NULL},
	{"output", "format", K_STRING, OFF(output.format), 0, 0, "gpkg,shp,geojson,csv"},
	{"output", "schema", K_STRING, OFF(output.schema), 0, 0, NULL},
	{"output", "csv_bom", K_BOOL, OFF(output.csv_bom), 0, 1, NULL},
	{"output", "headers", K_STRING, OFF(output.headers), 0, 0, "zh,en"},
	{"output", "name", K_STRING, OFF(name), 0, 0, NULL},
	{"output", "title", K_STRING, OFF(output.title), 0, 0, NULL},
	{"input", "crs", K_STRING, OFF(crs), 0, 0, NULL},
	{"input", "repair_geometry", K_BOOL, OFF(repair_geometry), 0, 1, NULL},
	{"roads", "mode", K_ROADS, OFF(road.mode), 0, 0, NULL},
	{"roads", "no_walk", K_STRING, OFF(road.no_walk), 0, 0, NULL},
	{"roads", "snap_m", K_DOUBLE, OFF(road.snap_m), 0, 100000, NULL},
	{"roads", "tolerance_m", K_DOUBLE, OFF(road.tolerance_m), 0, 100, NULL},
	{"roads", "walk_kmh", K_DOUBLE, OFF(road.walk_kmh), 0.5, 30, NULL},
	{"roads", "speed_kmh", K_SPEEDS, OFF(road.speed_kmh), 0, 0, NULL},
	{"roads", "speed_default_kmh", K_DOUBLE, OFF(road.speed_default_kmh), 1, 200, NULL},
};

static const char *const sections[] = {"input", "fields", "policy", "solve", "output", "roads"};

/* [input] keys that exist for each layer, as `schools_KEY` / `compounds_KEY`;
 * all but `layer` and `where` also exist unprefixed, for both layers. */
typedef enum {
	IK_PATH, IK_LAYER, IK_WHERE, IK_ENCODING, IK_SOURCE_CRS, IK_COORDINATES, IK_N
} input_key;
static const char *const input_keys[IK_N] = {"", "layer", "where", "encoding", "source_crs",
                                             "coordinates"};

/* ------------------------------------------------------------ parse state */

typedef struct parse_state {
	cm_ctx *ctx;
	cm_config *cfg;
	const char *file;      /* for messages */
	const char *base_dir;  /* for relative paths */
	int line;              /* line being parsed, 1-based; 0: no line (cm_config_set) */
	const char *section;   /* for messages about table keys: NULL, their own */
	int line_indented;     /* the line starts with a blank: a continuation */
	int line_too_long;
	int failed;            /* an error is recorded */
	char *generic[IK_N];   /* unprefixed [input] values, applied to both layers */
	int generic_coords;    /* 1 + cm_coords of the unprefixed key; 0: not given */
	int coords_set[CM_NLAYERS]; /* a prefixed coordinates key was given */
	cm_vec seen;           /* "section\nkey" strings already given */
	cm_vec overrides;      /* policy_override: [policy] keys of scenarios */
	cm_vec sections;       /* section_seen: each [scenario NAME] header once */
	int empty_line;        /* a [scenario NAME] header no key has followed yet; 0: none */
	char empty_name[128];  /* its section */
	/* the stream */
	FILE *fp;
	const char *text;
} parse_state;

static int fail(parse_state *ps, const char *fmt, ...) CM_PRINTF(2, 3);

#define SECTION_MAX 49 /* bytes of a section name inih keeps (its INI_MAX_SECTION 50) */

typedef struct section_seen {
	char name[128];
	int line;
} section_seen;

/* Records the first error, prefixed "FILE:LINE: " when there is a line.
 * Returns 0 for inih. */
static int fail(parse_state *ps, const char *fmt, ...)
{
	va_list ap;
	char *msg;
	if (ps->failed)
		return 0;
	ps->failed = 1;
	va_start(ap, fmt);
	msg = cm__vsprintf(fmt, ap);
	va_end(ap);
	if (ps->line > 0)
		cm__error(ps->ctx, CM_EINPUT, "%s:%d: %s", ps->file, ps->line,
		          msg ? msg : _("out of memory"));
	else
		cm__error(ps->ctx, CM_EINPUT, "%s", msg ? msg : _("out of memory"));
	free(msg);
	return 0;
}

/* The NAME of section "scenario NAME": `len` bytes from the pointer, the
 * blanks around it left out ([scenario  a] and [scenario a ] are
 * [scenario a]: a second of them is the section given twice, not a
 * scenario of its own, and a trailing blank is no part of a file name). */
static const char *scenario_name(const char *section, size_t *len)
{
	const char *name = section + 9;
	size_t n;
	name += strspn(name, " \t");
	for (n = strlen(name); n > 0 && (name[n - 1] == ' ' || name[n - 1] == '\t'); n--)
		;
	*len = n;
	return name;
}

static int is_known_section(const char *s)
{
	size_t i;
	if (!strncmp(s, "scenario ", 9) && s[9])
		return 1;
	for (i = 0; i < sizeof sections / sizeof *sections; i++)
		if (!strcmp(s, sections[i]))
			return 1;
	return 0;
}

static int parse_bool(const char *v, int *out)
{
	if (cm__list_has("1,yes,true,on", v))
		*out = 1;
	else if (cm__list_has("0,no,false,off", v))
		*out = 0;
	else
		return -1;
	return 0;
}

static int parse_coords(const char *v, cm_coords *out)
{
	if (cm__list_has("plain,wgs84,cgcs2000,none", v))
		*out = CM_COORDS_PLAIN;
	else if (cm__list_has("gcj02,gcj-02", v))
		*out = CM_COORDS_GCJ02;
	else if (cm__list_has("bd09,bd-09", v))
		*out = CM_COORDS_BD09;
	else
		return -1;
	return 0;
}

/* An encoding the text can be recoded from and to: GDAL (shapefiles) and
 * CPLRecode (other drivers) both go through iconv, which would otherwise
 * pass an unknown name by with the text unchanged. */
static int encoding_known(const char *name)
{
	iconv_t a, b;
	if (!*name)
		return 0;
	a = iconv_open("UTF-8", name);
	b = iconv_open(name, "UTF-8");
	if (a != (iconv_t)-1)
		iconv_close(a);
	if (b != (iconv_t)-1)
		iconv_close(b);
	return a != (iconv_t)-1 && b != (iconv_t)-1;
}

static int set_string(char **slot, const char *value)
{
	free(*slot);
	*slot = cm__strdup(value);
	return *slot ? 0 : -1;
}

/* A path key: resolved against the INI's folder, unless it is a GDAL
 * connection string or virtual path (`PG:...`, `/vsizip/...`), which GDAL
 * takes as given (cm__is_source_string).  An empty value names no file: an
 * error, not the folder itself.  Returns 1, or 0 (fail) for inih. */
static int set_path(parse_state *ps, const char *section, const char *key, char **slot,
                    const char *value)
{
	const char *v = value;
	while (*v == ' ' || *v == '\t')
		v++;
	if (!*v) /* named: the line alone left a reader to count lines */
		return fail(ps, _("[%s] %s: an empty path: give the file, or leave the key out"),
		            section, key);
	free(*slot);
	*slot = cm__is_source_string(v) ? cm__strdup(v) : cm__path_join(ps->base_dir, value);
	return *slot ? 1 : fail(ps, _("out of memory"));
}

/* A key from the table; messages name the section it was given in (a
 * scenario's, for a [policy] key a scenario overrides). */
static int set_table_key(parse_state *ps, const key_def *k, const char *value)
{
	void *slot = (char *)ps->cfg + k->off;
	const char *section = ps->section ? ps->section : k->section;
	double d;
	int null, b, bad;
	switch (k->type) {
	case K_DOUBLE:
	case K_INT:
	case K_LONG:
		if ((bad = cm__parse_number(value, &d, &null)) != 0 || null) {
			/* what a planner types from a policy document: 85% for a
			 * share, 1,000 for a count (a fresh-eyes trial) */
			size_t n = strlen(value);
			if (bad && k->hi <= 1 &&
			    ((n >= 1 && value[n - 1] == '%') ||
			     (n >= 3 && !strcmp(value + n - 3, "\xEF\xBC\x85"))))
				return fail(ps, _("[%s] %s = '%s': a share is written as a decimal "
				                  "(0.85 for 85%%)"), section, k->name, value);
			if (bad && strpbrk(value, ",") && strpbrk(value, "0123456789"))
				return fail(ps, _("[%s] %s = '%s': %s (write it without thousands "
				                  "separators: 1000, not 1,000)"), section, k->name, value,
				            cm__number_problem(bad));
			return fail(ps, _("[%s] %s = '%s': %s"), section, k->name, value,
			            null ? _("empty: give a number, or leave the key out")
			                 : cm__number_problem(bad));
		}
		if (d < k->lo || d > k->hi)
			return fail(ps, _("[%s] %s = %s: must be between %g and %g"), section,
			            k->name, value, k->lo, k->hi);
		if (k->type != K_DOUBLE && d != floor(d))
			return fail(ps, _("[%s] %s = %s: must be a whole number"), section, k->name, value);
		if (k->type == K_INT) {
			*(int *)slot = (int)d;
		} else if (k->type == K_LONG) {
			*(long *)slot = (long)d;
		} else {
			*(double *)slot = d;
		}
		return 1;
	case K_BOOL:
		if (parse_bool(value, &b))
			return fail(ps, _("[%s] %s = '%s': must be yes or no"), section, k->name, value);
		*(int *)slot = b;
		return 1;
	case K_ASSIGN:
		if (!strcmp(value, "single"))
			*(cm_assign_mode *)slot = CM_ASSIGN_SINGLE;
		else if (!strcmp(value, "split"))
			*(cm_assign_mode *)slot = CM_ASSIGN_SPLIT;
		else
			return fail(ps, _("[%s] %s = '%s': must be single or split"), section, k->name,
			            value);
		return 1;
	case K_SOLVER:
		if (!strcmp(value, "auto"))
			*(cm_solver *)slot = CM_SOLVER_AUTO;
		else if (!strcmp(value, "glpk"))
			*(cm_solver *)slot = CM_SOLVER_GLPK;
		else if (!strcmp(value, "network"))
			*(cm_solver *)slot = CM_SOLVER_NETWORK;
		else
			return fail(ps, _("[%s] %s = '%s': must be auto, glpk or network"), section, k->name,
			            value);
		return 1;
	case K_ROADS:
		if (!strcmp(value, "walk"))
			*(cm_roads_mode *)slot = CM_ROADS_WALK;
		else if (!strcmp(value, "drive"))
			*(cm_roads_mode *)slot = CM_ROADS_DRIVE;
		else
			return fail(ps, _("[%s] %s = '%s': must be walk or drive"), section, k->name, value);
		return 1;
	case K_SPEEDS: {
		char *item = NULL;
		int sr = cm__speed_lookup(value, NULL, &d, &item);
		if (sr == CM_SPEED_ENOMEM)
			return fail(ps, _("out of memory"));
		if (sr == CM_SPEED_BAD) {
			fail(ps, _("[%s] %s = '%s': '%s' is not CLASS:KMH with KMH from 1 to 200 (as "
			     "expressway:80, local:30)"), section, k->name, value, item ? item : "");
			free(item);
			return 0;
		}
		/* a class twice: which speed was meant? (the first won) */
		sr = cm__speed_twice(value, &item);
		if (sr == CM_SPEED_ENOMEM)
			return fail(ps, _("out of memory"));
		if (sr) {
			fail(ps, _("[%s] %s = '%s': the class '%s' is named twice"), section, k->name, value,
			     item);
			free(item);
			return 0;
		}
		return set_string(slot, value) ? fail(ps, _("out of memory")) : 1;
	}
	case K_STRING:
		if (k->choices && !cm__list_has(k->choices, value))
			return fail(ps, _("[%s] %s = '%s': must be one of %s"), section, k->name, value,
			            k->choices);
		return set_string(slot, value) ? fail(ps, _("out of memory")) : 1;
	case K_PATH:
		return set_path(ps, section, k->name, slot, value);
	}
	return fail(ps, _("internal: key type")); /* unreachable */
}

static int handle_input(parse_state *ps, const char *name, const char *value)
{
	int layer = -1, ik = -1, i;
	const char *rest = name;
	cm_coords coords = CM_COORDS_PLAIN;
	if (!strcmp(name, "previous_plan"))
		return set_path(ps, "input", name, &ps->cfg->previous.path, value);
	if (!strcmp(name, "previous_plan_layer"))
		return set_string(&ps->cfg->previous.layer, value) ? fail(ps, _("out of memory")) : 1;
	if (!strncmp(name, "schools", 7)) {
		layer = CM_SCHOOLS;
		rest = name + 7;
	} else if (!strncmp(name, "compounds", 9)) {
		layer = CM_COMPOUNDS;
		rest = name + 9;
	} else if (!strncmp(name, "boundary", 8)) {
		layer = CM_NLAYERS; /* the boundary: only its own prefixed keys */
		rest = name + 8;
	} else if (!strncmp(name, "distances", 9)) {
		layer = CM_NLAYERS + 1; /* the cost matrix: a table, no coordinates */
		rest = name + 9;
	} else if (!strncmp(name, "roads", 5)) {
		layer = CM_NLAYERS + 2;
		rest = name + 5;
	}
	if (layer >= 0 && *rest == '\0') {
		ik = IK_PATH;
	} else {
		if (layer >= 0) {
			if (*rest != '_')
				goto unknown;
			rest++;
		}
		for (i = IK_LAYER; i < IK_N; i++)
			if (!strcmp(rest, input_keys[i]))
				ik = i;
		if (ik < 0 || (layer < 0 && (ik == IK_LAYER || ik == IK_WHERE)) ||
		    (layer == CM_NLAYERS + 1 && (ik == IK_SOURCE_CRS || ik == IK_COORDINATES)))
			goto unknown;
	}
	if (ik == IK_COORDINATES && parse_coords(value, &coords))
		return fail(ps, _("[input] %s = '%s': must be wgs84, gcj02 or bd09"), name, value);
	if (ik == IK_ENCODING && !encoding_known(value))
		return fail(ps, _("[input] %s = '%s': not a character encoding this system knows (iconv); "
		            "Chinese data is usually GBK, GB18030, BIG5 or UTF-8"), name, value);
	if (layer < 0) {
		if (ik == IK_COORDINATES)
			ps->generic_coords = (int)coords + 1;
		return set_string(&ps->generic[ik], value) ? fail(ps, _("out of memory")) : 1;
	}
	{
		cm_input *in = layer == CM_NLAYERS       ? &ps->cfg->boundary
		               : layer == CM_NLAYERS + 1 ? &ps->cfg->distances
		               : layer == CM_NLAYERS + 2 ? &ps->cfg->roads
		                                         : &ps->cfg->input[layer];
		switch (ik) {
		case IK_PATH: return set_path(ps, "input", name, &in->path, value);
		case IK_LAYER: return set_string(&in->layer, value) ? fail(ps, _("out of memory")) : 1;
		case IK_WHERE: return set_string(&in->where, value) ? fail(ps, _("out of memory")) : 1;
		case IK_ENCODING:
			return set_string(&in->encoding, value) ? fail(ps, _("out of memory")) : 1;
		case IK_SOURCE_CRS:
			return set_string(&in->source_crs, value) ? fail(ps, _("out of memory")) : 1;
		case IK_COORDINATES:
			in->coordinates = coords;
			if (layer < CM_NLAYERS)
				ps->coords_set[layer] = 1;
			return 1;
		}
	}
unknown:
	return fail(ps,
	            _("unknown key '%s' in [input]; known: schools, compounds, schools_layer, "
	            "compounds_layer, schools_where, compounds_where, encoding, source_crs, "
	            "coordinates (each also with a schools_ or compounds_ prefix), boundary "
	            "(and boundary_layer, boundary_where, boundary_source_crs, ...), distances "
	            "(and distances_layer, distances_where, distances_encoding), roads (and "
	            "roads_layer, roads_where, roads_encoding, roads_source_crs, roads_coordinates), "
	            "crs, repair_geometry, previous_plan, previous_plan_layer"),
	            name);
}

/* [fields]: "schools.F = name", "compounds.F = name", "F = name" (both
 * layers), or a value list "level.primary = 完全小学, 村小". */
static int handle_fields(parse_state *ps, const char *name, const char *value)
{
	static const char *const value_keys[] = {
		"level.primary", "level.junior", "level.nine_year", "sector.public", "sector.private",
		"area_type.urban", "area_type.town", "area_type.rural", "boarding.no", "boarding.yes",
	};
	cm_value_map *vm = &ps->cfg->values;
	char **vslots[] = {&vm->level[0], &vm->level[1], &vm->level[2], &vm->sector[0],
	                   &vm->sector[1], &vm->area[0], &vm->area[1], &vm->area[2],
	                   &vm->boolean[0], &vm->boolean[1]};
	const char *field = name;
	int layer = -1, f, i;
	for (i = 0; i < (int)(sizeof value_keys / sizeof *value_keys); i++)
		if (!strcmp(name, value_keys[i]))
			return set_string(vslots[i], value) ? fail(ps, _("out of memory")) : 1;
	if (!strcmp(name, "roads.class") || !strcmp(name, "roads.oneway") ||
	    !strcmp(name, "roads.speed")) {
		if (!*value)
			return fail(ps, _("[fields] %s: empty field name"), name);
		return set_string(name[6] == 'c'   ? &ps->cfg->road.class_field
		                  : name[6] == 'o' ? &ps->cfg->road.oneway_field
		                                   : &ps->cfg->road.speed_field,
		                  value)
		               ? fail(ps, _("out of memory"))
		               : 1;
	}
	if (!strncmp(name, "schools.", 8)) {
		layer = CM_SCHOOLS;
		field = name + 8;
	} else if (!strncmp(name, "compounds.", 10)) {
		layer = CM_COMPOUNDS;
		field = name + 10;
	}
	for (f = 0; f < CM_NFIELDS; f++)
		if (!strcmp(field, cm_field_name((cm_field)f)))
			break;
	if (f == CM_NFIELDS)
		return fail(ps,
		            _("unknown key '%s' in [fields]: not an engine field (id, name, level, "
		            "sector, address, seats_primary, seats_junior, classes_primary, "
		            "classes_junior, purchased_primary, purchased_junior, boarding, area_type, "
		            "primary_local, "
		            "primary_migrant, junior_local, junior_migrant, x, y, wkt), optionally "
		            "prefixed schools. or compounds., nor roads.class, roads.oneway or "
		            "roads.speed, nor a value list such as level.primary"),
		            name);
	if (!*value)
		return fail(ps, _("[fields] %s: empty field name"), name);
	for (i = 0; i < CM_NLAYERS; i++) {
		if (layer >= 0 && i != layer)
			continue;
		if (!cm__field_used((cm_layer_kind)i, (cm_field)f)) {
			if (layer >= 0)
				return fail(ps, _("[fields] %s: %s have no field %s"), name,
				            i == CM_SCHOOLS ? "schools" : "compounds", field);
			continue;
		}
		if (set_string(&ps->cfg->input[i].field[f], value))
			return fail(ps, _("out of memory"));
	}
	return 1;
}

typedef struct policy_override {
	size_t scenario;
	char *key, *value;
	int line;
} policy_override;

/* The scenario named by section "scenario NAME", added at its first key. */
static cm_scenario *scenario_of(parse_state *ps, const char *section)
{
	cm_config *cfg = ps->cfg;
	size_t i, len;
	const char *name = scenario_name(section, &len);
	cm_scenario *sc;
	for (i = 0; i < cfg->n_scenarios; i++)
		if (strlen(cfg->scenarios[i].name) == len && !strncmp(cfg->scenarios[i].name, name, len))
			return &cfg->scenarios[i];
	sc = realloc(cfg->scenarios, (cfg->n_scenarios + 1) * sizeof *sc);
	if (!sc)
		return NULL;
	cfg->scenarios = sc;
	sc = &cfg->scenarios[cfg->n_scenarios];
	memset(sc, 0, sizeof *sc);
	if (!(sc->name = strndup(name, len)))
		return NULL;
	cfg->n_scenarios++;
	sc->line = ps->line;
	sc->demand_scale = 1;
	return sc;
}

/* 1 when a list (items separated by ',', '，' or '、') has no item: only
 * separators and blanks (an input method's U+3000 and U+00A0 too, which
 * cm__strtrim drops from an item). */
static int list_empty(const char *v)
{
	while (*v)
		if (*v == ' ' || *v == '\t' || *v == ',')
			v++;
		else if (!strncmp(v, "\xEF\xBC\x8C", 3) || !strncmp(v, "\xE3\x80\x81", 3) ||
		         !strncmp(v, "\xE3\x80\x80", 3)) /* ， 、 U+3000 */
			v += 3;
		else if (!strncmp(v, "\xC2\xA0", 2)) /* U+00A0 */
			v += 2;
		else
			return 0;
	return 1;
}

static int handle_scenario(parse_state *ps, const char *section, const char *name,
                           const char *value)
{
	cm_scenario *sc = scenario_of(ps, section);
	size_t k;
	double d;
	int null;
	if (!sc)
		return fail(ps, _("out of memory"));
	if ((!strcmp(name, "close") || !strcmp(name, "demand") || !strncmp(name, "seats_", 6) ||
	     !strncmp(name, "classes_", 8)) && list_empty(value))
		/* `close =` with the ids forgotten was a scenario of no change,
		 * solved and compared as if it closed something */
		return fail(ps, _("[%s] %s is empty: name what it changes, or leave the key out"),
		            section, name);
	if (!strcmp(name, "close"))
		return set_string(&sc->close, value) ? fail(ps, _("out of memory")) : 1;
	if (!strcmp(name, "seats_primary") || !strcmp(name, "seats_junior"))
		return set_string(&sc->seats[name[6] == 'j'], value) ? fail(ps, _("out of memory")) : 1;
	if (!strcmp(name, "classes_primary") || !strcmp(name, "classes_junior"))
		return set_string(&sc->classes[name[8] == 'j'], value) ? fail(ps, _("out of memory")) : 1;
	if (!strcmp(name, "demand"))
		return set_string(&sc->demand, value) ? fail(ps, _("out of memory")) : 1;
	if (!strcmp(name, "title"))
		return set_string(&sc->title, value) ? fail(ps, _("out of memory")) : 1;
	if (!strcmp(name, "demand_scale")) {
		int bad = cm__parse_number(value, &d, &null);
		if (bad || null || d < 0 || d > 100)
			return fail(ps, _("[%s] demand_scale = '%s': %s%smust be a number from 0 to 100"),
			            section, value, bad ? cm__number_problem(bad) : "",
			            bad ? "; " : "");
		sc->demand_scale = d;
		return 1;
	}
	if (!strncmp(name, "open_school.", 12) && name[12]) {
		char **ids = realloc(sc->open_id, (sc->n_open + 1) * sizeof *ids), **vals;
		if (ids)
			sc->open_id = ids;
		vals = ids ? realloc(sc->open_value, (sc->n_open + 1) * sizeof *vals) : NULL;
		if (!vals)
			return fail(ps, _("out of memory"));
		sc->open_value = vals;
		sc->open_id[sc->n_open] = cm__strdup(name + 12);
		sc->open_value[sc->n_open] = cm__strdup(value);
		if (!sc->open_id[sc->n_open] || !sc->open_value[sc->n_open]) {
			free(sc->open_id[sc->n_open]);
			free(sc->open_value[sc->n_open]);
			return fail(ps, _("out of memory"));
		}
		sc->n_open++;
		return 1;
	}
	if (!strcmp(name, "new_schools"))
		return set_path(ps, section, name, &sc->new_schools.path, value);
	if (!strcmp(name, "new_schools_layer"))
		return set_string(&sc->new_schools.layer, value) ? fail(ps, _("out of memory")) : 1;
	if (!strcmp(name, "new_compounds"))
		return set_path(ps, section, name, &sc->new_compounds.path, value);
	if (!strcmp(name, "new_compounds_layer"))
		return set_string(&sc->new_compounds.layer, value) ? fail(ps, _("out of memory")) : 1;
	for (k = 0; k < sizeof keys / sizeof *keys; k++)
		if (!strcmp(keys[k].section, "policy") && !strcmp(keys[k].name, name)) {
			policy_override *o = cm__vec_push(&ps->overrides);
			if (!o)
				return fail(ps, _("out of memory"));
			o->scenario = (size_t)(sc - ps->cfg->scenarios);
			o->key = cm__strdup(name);
			o->value = cm__strdup(value);
			o->line = ps->line;
			return o->key && o->value ? 1 : fail(ps, _("out of memory"));
		}
	return fail(ps, _("unknown key '%s' in [%s]; known keys: close, open_school.ID, seats_primary, "
	            "seats_junior, classes_primary, classes_junior, demand, demand_scale, new_schools, "
	            "new_schools_layer, new_compounds, new_compounds_layer, title, and any [policy] key"),
	            name, section);
}

/* A key's text and section are ones a configuration can have: 1, or 0
 * (fail) for inih. */
static int key_ok(parse_state *ps, const char *section, const char *name, const char *value)
{
	if (!cm__utf8_valid(value) || !cm__utf8_valid(name))
		return fail(ps, _("[%s] %s: the value is not UTF-8; save the file as UTF-8"), section,
		            name);
	if (!is_known_section(section))
		return fail(ps, _("key '%s' in unknown section [%s]"), name, section);
	return 1;
}

/* Sets key `name` of `section` (key_ok) to `value`, checked: what a line of
 * the file and cm_config_set both do.  Returns 1, or 0 (fail) for inih. */
static int set_key(parse_state *ps, const char *section, const char *name, const char *value)
{
	size_t i;
	if (!strcmp(section, "input")) {
		for (i = 0; i < sizeof keys / sizeof *keys; i++)
			if (!strcmp(keys[i].section, section) && !strcmp(keys[i].name, name))
				return set_table_key(ps, &keys[i], value);
		return handle_input(ps, name, value);
	}
	if (!strcmp(section, "fields"))
		return handle_fields(ps, name, value);
	if (!strncmp(section, "scenario ", 9))
		return handle_scenario(ps, section, name, value);
	for (i = 0; i < sizeof keys / sizeof *keys; i++)
		if (!strcmp(keys[i].section, section) && !strcmp(keys[i].name, name))
			return set_table_key(ps, &keys[i], value);
	{
		/* List the section's keys: the likely fix is a spelling. */
		char buf[1024] = "";
		for (i = 0; i < sizeof keys / sizeof *keys; i++) {
			if (strcmp(keys[i].section, section))
				continue;
			if (buf[0])
				strncat(buf, ", ", sizeof buf - strlen(buf) - 1);
			strncat(buf, keys[i].name, sizeof buf - strlen(buf) - 1);
		}
		return fail(ps, _("unknown key '%s' in [%s]; known keys: %s"), name, section, buf);
	}
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	parse_state *ps = user;
	char *seen_key, **slot;
	size_t i;
	if (ps->failed)
		return 0;
	if (ps->line_indented)
		return fail(ps, _("[%s] %s: continuation lines are not supported; write the value on "
		                "one line"), section, name);
	if (!key_ok(ps, section, name, value))
		return 0;
	ps->empty_line = 0; /* inih hands keys of the section last opened only */
	/* Each key once: a repeated key is most likely a pasted line left behind. */
	seen_key = cm__sprintf("%s\n%s", section, name);
	if (!seen_key)
		return fail(ps, _("out of memory"));
	for (i = 0; i < ps->seen.len; i++) {
		if (!strcmp(((char **)ps->seen.data)[i], seen_key)) {
			free(seen_key);
			return fail(ps, _("[%s] %s is given twice"), section, name);
		}
	}
	slot = cm__vec_push(&ps->seen);
	if (!slot) {
		free(seen_key);
		return fail(ps, _("out of memory"));
	}
	*slot = seen_key;
	return set_key(ps, section, name, value);
}

/* A [scenario NAME] header that no key followed: inih never shows it to
 * the handler, and the scenario was dropped without a word.  An error at
 * its line (a scenario changes something: close, demand, ...). */
static void scenario_without_keys(parse_state *ps)
{
	int line = ps->line;
	if (!ps->empty_line)
		return;
	ps->line = ps->empty_line;
	ps->empty_line = 0;
	fail(ps, _("[%s] has no keys: a scenario says what it changes (close, open_school.ID, "
	         "seats_primary, demand, demand_scale, ...)"), ps->empty_name);
	ps->line = line;
}

/* Section `raw` at this line: each [scenario NAME] once (inih would merge a
 * second [scenario a] into the first without a word, and the two were
 * solved as one), and followed by a key.  Other sections may come again:
 * a key added at the end of a file under its section merges, and each key
 * is still given once. */
static void section_once(parse_state *ps, const char *raw)
{
	section_seen *seen = ps->sections.data, *slot;
	size_t i, n;
	char sec[128];
	const char *name;
	while (*raw == ' ' || *raw == '\t')
		raw++;
	snprintf(sec, sizeof sec, "%s", raw); /* blanks around dropped, for the comparison */
	for (n = strlen(sec); n > 0 && (sec[n - 1] == ' ' || sec[n - 1] == '\t'); n--)
		sec[n - 1] = '\0';
	if (!strncmp(raw, "scenario ", 9)) { /* and around its name, as scenario_of drops them */
		name = scenario_name(raw, &n);
		snprintf(sec, sizeof sec, "scenario %.*s", (int)n, name);
	}
	scenario_without_keys(ps);
	if (!strncmp(raw, "scenario ", 9) && !sec[9]) {
		fail(ps, _("[%s]: a scenario needs a name: [scenario NAME]"), raw);
		return;
	}
	if (!strncmp(raw, "scenario ", 9) && !strcasecmp(sec + 9, "base")) {
		/* the comparison's rows (terminal, PLAN-scenarios.csv, report)
		 * would have two plans named base, told apart by nothing */
		fail(ps, _("[%s]: 'base' is the base plan's name in the comparison of the "
		         "scenarios; give the scenario another name"), sec);
		return;
	}
	if (strlen(raw) >= SECTION_MAX)
		/* inih cuts a name at 49 bytes: two long names alike at first
		 * would be one scenario */
		fail(ps, _("[%s]: a section name is at most %d bytes (a Chinese character takes 3): "
		         "give the scenario a shorter name, and a title"), raw, SECTION_MAX - 1);
	if (strncmp(sec, "scenario ", 9))
		return; /* [input] again (a key added at the end) merges: each key is still once */
	for (i = 0; i < ps->sections.len; i++)
		if (!strcmp(seen[i].name, sec)) {
			fail(ps, _("section [%s] is given twice (first at line %d): give each section "
			         "once"), sec, seen[i].line);
			return;
		}
	if (!(slot = cm__vec_push(&ps->sections))) {
		fail(ps, _("out of memory"));
		return;
	}
	snprintf(slot->name, sizeof slot->name, "%s", sec);
	slot->line = ps->line;
	ps->empty_line = ps->line;
	snprintf(ps->empty_name, sizeof ps->empty_name, "%s", sec);
}

/* inih's line reader: one line per call, as fgets; counts lines and checks
 * section headers, which inih would not show us when a section is empty. */
static char *reader(char *str, int num, void *stream)
{
	parse_state *ps = stream;
	int n = 0;
	const char *p;
	if (ps->fp) {
		if (!fgets(str, num, ps->fp))
			return scenario_without_keys(ps), NULL;
		n = (int)strlen(str);
	} else {
		if (!*ps->text)
			return scenario_without_keys(ps), NULL;
		while (n < num - 1 && ps->text[n] && ps->text[n] != '\n')
			n++;
		if (n < num - 1 && ps->text[n] == '\n')
			n++;
		memcpy(str, ps->text, (size_t)n);
		str[n] = '\0';
		ps->text += n;
	}
	ps->line++;
	/* Windows Notepad's "Unicode" is UTF-16: a byte-order mark, or NUL
	 * bytes that end the line early (fgets keeps them, strlen stops) */
	if (ps->line == 1 && n >= 2 && (!memcmp(str, "\xFF\xFE", 2) || !memcmp(str, "\xFE\xFF", 2))) {
		fail(ps, _("the file is UTF-16 (Windows' \"Unicode\"); save it as UTF-8"));
		return NULL;
	}
	if (ps->fp && n < num - 1 && (n == 0 || str[n - 1] != '\n') && !feof(ps->fp)) {
		fail(ps, _("a NUL byte: the file is not text, or is UTF-16; save it as UTF-8"));
		return NULL;
	}
	/* a classic Mac editor's lines end in CR alone: to inih the whole file
	 * is one line, and all after its first section would be dropped */
	for (p = strchr(str, '\r'); p; p = strchr(p + 1, '\r'))
		if (p[1] != '\n' && p[1] != '\0') {
			fail(ps, _("a carriage return (CR) inside a line: the file's lines end in CR "
			         "alone; save it with LF or CR LF line ends"));
			return NULL;
		}
	ps->line_too_long = n == num - 1 && str[n - 1] != '\n' && (ps->fp ? !feof(ps->fp) : *ps->text != '\0');
	if (ps->line_too_long) {
		fail(ps, _("line longer than %d bytes (a Chinese character takes 3)"), num - 2);
		return NULL;
	}
	p = str;
	if (ps->line == 1 && !strncmp(p, "\xEF\xBB\xBF", 3))
		p += 3;
	ps->line_indented = (*p == ' ' || *p == '\t') && p[strspn(p, " \t\r\n")] != '\0' &&
	                    !strchr(";#", p[strspn(p, " \t")]);
	while (*p == ' ' || *p == '\t')
		p++;
	/* What a Chinese input method types for [ ] and = (【policy】, ［policy］,
	 * key ＝ value) is no section and no key to inih: the section was
	 * passed over, and its keys were "unknown in [input]" a line later;
	 * "key ＝ 4326" was "unknown key 'key ＝ 4326'" (or split at a colon
	 * of its value). */
	if (!strncmp(p, "\xE3\x80\x90", 3) || !strncmp(p, "\xEF\xBC\xBB", 3)) {
		fail(ps, _("a section header in full-width brackets (【】 or ［］, an input "
		           "method's): write it with the ASCII [ and ]"));
		return NULL;
	}
	if (*p != '[' && *p != ';' && *p != '#') {
		const char *wide = strstr(p, "\xEF\xBC\x9D"); /* ＝ */
		size_t key = strcspn(p, "=:");
		if (wide && (size_t)(wide - p) < key) {
			fail(ps, _("a full-width equals sign (＝, an input method's): write key = value "
			           "with the ASCII ="));
			return NULL;
		}
		if (!p[key] && p[strspn(p, " \t\r\n")] && !ps->line_indented) {
			fail(ps, "%s", _("malformed line: expected [section] or key = value"));
			return NULL;
		}
	}
	if (*p == '[') {
		const char *e = strchr(p, ']');
		char sec[128];
		size_t len;
		if (!e)
			return str; /* inih reports the malformed line */
		len = (size_t)(e - p - 1);
		if (len >= sizeof sec)
			len = sizeof sec - 1;
		memcpy(sec, p + 1, len);
		sec[len] = '\0';
		if (!is_known_section(sec))
			fail(ps, _("unknown section [%s]; known sections: [input], [fields], [policy], "
			         "[solve], [output], [roads], [scenario NAME]"), sec);
		else
			section_once(ps, sec);
	}
	return str;
}

/* A layer a scenario adds reads as the base's layer of its kind: the same
 * field names, values, encoding and coordinates. */
static int inherit_input(cm_input *to, const cm_input *from)
{
	int f;
	if (!to->path)
		return 0;
	to->coordinates = from->coordinates;
	if ((from->encoding && !(to->encoding = cm__strdup(from->encoding))) ||
	    (from->source_crs && !(to->source_crs = cm__strdup(from->source_crs))))
		return -1;
	for (f = 0; f < CM_NFIELDS; f++)
		if (from->field[f] && !(to->field[f] = cm__strdup(from->field[f])))
			return -1;
	return 0;
}

/* Scenarios: the base's policy with each scenario's own keys over it (the
 * base's [policy] may come later in the file), and the base's field names
 * for the layers they add. */
static int finish_scenarios(parse_state *ps)
{
	cm_config *cfg = ps->cfg;
	size_t i, k;
	for (i = 0; i < cfg->n_scenarios; i++) {
		cm_scenario *sc = &cfg->scenarios[i];
		cm_config tmp = *cfg;
		parse_state sub = *ps;
		char *section = cm__sprintf("scenario %s", sc->name);
		if (!section)
			return cm__error(ps->ctx, CM_ENOMEM, _("out of memory"));
		sub.cfg = &tmp;
		sub.failed = 0;
		sub.section = section;
		for (k = 0; k < ps->overrides.len; k++) {
			const policy_override *o = &((const policy_override *)ps->overrides.data)[k];
			size_t t;
			if (o->scenario != i)
				continue;
			sub.line = o->line;
			for (t = 0; t < sizeof keys / sizeof *keys; t++)
				if (!strcmp(keys[t].section, "policy") && !strcmp(keys[t].name, o->key))
					set_table_key(&sub, &keys[t], o->value);
			if (sub.failed)
				break;
		}
		free(section);
		if (sub.failed)
			return CM_EINPUT;
		sc->policy = tmp.policy;
		/* its maps' title: its own, else the base's with its name */
		if (!sc->title && cfg->output.title &&
		    !(sc->title = cm__sprintf("%s · %s", cfg->output.title, sc->name)))
			return cm__error(ps->ctx, CM_ENOMEM, _("out of memory"));
		if (inherit_input(&sc->new_schools, &cfg->input[CM_SCHOOLS]) ||
		    inherit_input(&sc->new_compounds, &cfg->input[CM_COMPOUNDS]))
			return cm__error(ps->ctx, CM_ENOMEM, _("out of memory"));
	}
	return 0;
}

/* The unprefixed [input] keys (encoding, source_crs, coordinates) given,
 * applied to both layers: to a layer without its own prefixed key, or to
 * both whatever they have when `force` (cm_config_set: the last key set
 * wins).  0, or -1 out of memory. */
static int apply_generic(parse_state *ps, int force)
{
	int i;
	for (i = 0; i < CM_NLAYERS; i++) {
		cm_input *in = &ps->cfg->input[i];
		if ((force || !in->encoding) && ps->generic[IK_ENCODING] &&
		    set_string(&in->encoding, ps->generic[IK_ENCODING]))
			return -1;
		if ((force || !in->source_crs) && ps->generic[IK_SOURCE_CRS] &&
		    set_string(&in->source_crs, ps->generic[IK_SOURCE_CRS]))
			return -1;
		if ((force || !ps->coords_set[i]) && ps->generic_coords)
			in->coordinates = (cm_coords)(ps->generic_coords - 1);
	}
	return 0;
}

int cm__config_complete(cm_ctx *ctx, const cm_config *cfg)
{
	int i;
	for (i = 0; i < CM_NLAYERS; i++) {
		const char *what = i == CM_SCHOOLS ? "schools" : "compounds";
		if (!cfg->input[i].path)
			return cm__error(ctx, CM_EINPUT, _("%s: [input] %s is missing: the %s layer's "
			                 "file"), cfg->file ? cfg->file : "", what, what);
	}
	if (cfg->distances.path && cfg->roads.path)
		return cm__error(ctx, CM_EINPUT, _("%s: [input] gives both distances and roads: "
		                 "the plan uses one kind of distance; leave one out"),
		                 cfg->file ? cfg->file : "");
	return 0;
}

int cm__side_row(const cm_config *cfg, const cm_policy *policy, cm_level level, int has_previous,
                 char *key, size_t n)
{
	if (policy->near_share_min[level] > 0)
		snprintf(key, n, "[policy] near_share_min_%s = %g", cm_level_name(level),
		         policy->near_share_min[level]);
	else if (has_previous && cfg->solve.max_moved_pupils >= 0)
		snprintf(key, n, "[solve] max_moved_pupils = %ld", cfg->solve.max_moved_pupils);
	else
		return 0;
	return 1;
}

/* solver = network with a side row is refused as the file is read, for
 * the base and each scenario (solved against the base plan: the cap on
 * pupils moved applies), not first when a level is solved. */
static int check_solver(parse_state *ps)
{
	const cm_config *cfg = ps->cfg;
	char key[96], where[160];
	size_t i;
	int lv;
	if (cfg->solve.solver != CM_SOLVER_NETWORK)
		return 0;
	for (i = 0; i <= cfg->n_scenarios; i++) {
		const cm_policy *pol = i ? &cfg->scenarios[i - 1].policy : &cfg->policy;
		snprintf(where, sizeof where, "%s%s%s", i ? " ([scenario " : "",
		         i ? cfg->scenarios[i - 1].name : "", i ? "])" : "");
		for (lv = 0; lv < CM_NLEVELS; lv++)
			if (cm__side_row(cfg, pol, (cm_level)lv, i || cfg->previous.path, key, sizeof key))
				return cm__error(ps->ctx, CM_EINPUT, _("%s: solver = network cannot hold %s%s: "
				                 "it is a side row of the %s model, which GLPK's LP holds (solver "
				                 "= auto)"), cfg->file ? cfg->file : "", key, where,
				                 cm__level_label((cm_level)lv));
	}
	return 0;
}

/* After the last line: defaults across layers and required keys. */
static int finish(parse_state *ps)
{
	int rc;
	if (apply_generic(ps, 0))
		return cm__error(ps->ctx, CM_ENOMEM, _("out of memory"));
	if ((rc = cm__config_complete(ps->ctx, ps->cfg)) || (rc = finish_scenarios(ps)))
		return rc;
	return check_solver(ps);
}

static int parse(cm_ctx *ctx, parse_state *ps, cm_config **out)
{
	cm_config *cfg;
	int rc, i;
	const char *slash, *dot;
	size_t len;

	*out = NULL;
	cfg = malloc(sizeof *cfg);
	if (!cfg)
		return cm__error(ctx, CM_ENOMEM, _("out of memory"));
	cm_config_init(cfg);
	ps->cfg = cfg;
	cm__vec_init(&ps->seen, sizeof(char *));
	cm__vec_init(&ps->overrides, sizeof(policy_override));
	cm__vec_init(&ps->sections, sizeof(section_seen));
	cfg->file = cm__strdup(ps->file);

	rc = ini_parse_stream(reader, ps, handler, ps);
	if (rc != 0 && !ps->failed) {
		ps->line = rc > 0 ? rc : ps->line;
		fail(ps, "%s", rc > 0 ? _("malformed line: expected [section] or key = value")
		                      : _("could not read the file"));
	}
	rc = ps->failed ? CM_EINPUT : finish(ps);

	for (i = 0; i < (int)ps->seen.len; i++)
		free(((char **)ps->seen.data)[i]);
	cm__vec_free(&ps->seen);
	for (i = 0; i < (int)ps->overrides.len; i++) {
		free(((policy_override *)ps->overrides.data)[i].key);
		free(((policy_override *)ps->overrides.data)[i].value);
	}
	cm__vec_free(&ps->overrides);
	cm__vec_free(&ps->sections);
	for (i = 0; i < IK_N; i++)
		free(ps->generic[i]);
	if (rc) {
		cm_config_free(cfg);
		return rc;
	}
	if (!cfg->name) {
		slash = strrchr(ps->file, '/');
		slash = slash ? slash + 1 : ps->file;
		dot = strrchr(slash, '.');
		len = dot && dot != slash ? (size_t)(dot - slash) : strlen(slash);
		cfg->name = malloc(len + 1);
		if (cfg->name) {
			memcpy(cfg->name, slash, len);
			cfg->name[len] = '\0';
		}
	}
	*out = cfg;
	return 0;
}

int cm_config_load(cm_ctx *ctx, const char *path, cm_config **out)
{
	parse_state ps;
	int rc;
	char *dir;
	memset(&ps, 0, sizeof ps);
	*out = NULL;
	ps.ctx = ctx;
	ps.file = path;
	if ((rc = cm__input_ok(ctx, path, "scenario file")))
		return rc;
	{
		struct stat st;
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			return cm__error(ctx, CM_EINPUT, _("%s: a folder, not a scenario file (the .ini "
			                 "that names the data)"), path);
	}
	ps.fp = fopen(path, "rb");
	if (!ps.fp)
		return cm__error(ctx, CM_EIO, _("%s: cannot open the scenario file: %s"), path,
		                 strerror(errno));
	dir = cm__dirname(path);
	ps.base_dir = dir;
	rc = dir ? parse(ctx, &ps, out) : cm__error(ctx, CM_ENOMEM, _("out of memory"));
	free(dir);
	fclose(ps.fp);
	return rc;
}

int cm_config_parse_string(cm_ctx *ctx, const char *text, const char *name,
                           const char *base_dir, cm_config **out)
{
	parse_state ps;
	memset(&ps, 0, sizeof ps);
	ps.ctx = ctx;
	ps.file = name ? name : "<string>";
	ps.text = text;
	ps.base_dir = base_dir ? base_dir : ".";
	return parse(ctx, &ps, out);
}

static void free_input(cm_input *in)
{
	int f;
	free(in->path);
	free(in->layer);
	free(in->where);
	free(in->encoding);
	free(in->source_crs);
	for (f = 0; f < CM_NFIELDS; f++)
		free(in->field[f]);
}

void cm_config_free(cm_config *cfg)
{
	int i;
	if (!cfg)
		return;
	for (i = 0; i < CM_NLAYERS; i++)
		free_input(&cfg->input[i]);
	free_input(&cfg->boundary);
	free_input(&cfg->previous);
	free_input(&cfg->distances);
	free_input(&cfg->roads);
	free(cfg->road.no_walk);
	free(cfg->road.class_field);
	free(cfg->road.oneway_field);
	free(cfg->road.speed_field);
	free(cfg->road.speed_kmh);
	for (size_t s = 0; s < cfg->n_scenarios; s++) {
		cm_scenario *sc = &cfg->scenarios[s];
		free(sc->name);
		free(sc->title);
		free(sc->close);
		free(sc->demand);
		for (i = 0; i < CM_NLEVELS; i++) {
			free(sc->seats[i]);
			free(sc->classes[i]);
		}
		free_input(&sc->new_schools);
		for (i = 0; i < (int)sc->n_open; i++) {
			free(sc->open_id[i]);
			free(sc->open_value[i]);
		}
		free(sc->open_id);
		free(sc->open_value);
		free_input(&sc->new_compounds);
	}
	free(cfg->scenarios);
	for (i = 0; i < 3; i++) {
		free(cfg->values.level[i]);
		free(cfg->values.area[i]);
	}
	for (i = 0; i < 2; i++) {
		free(cfg->values.sector[i]);
		free(cfg->values.boolean[i]);
	}
	free(cfg->file);
	free(cfg->name);
	free(cfg->crs);
	free(cfg->output.path);
	free(cfg->output.format);
	free(cfg->output.schema);
	free(cfg->output.headers);
	free(cfg->output.title);
	free(cfg->solve.first_plan);
	free(cfg);
}

/* ------------------------------------------------------------ setting one key */

int cm_config_new(cm_ctx *ctx, const char *name, cm_config **out)
{
	cm_config *cfg = malloc(sizeof *cfg);
	*out = NULL;
	if (!cfg)
		return cm__error(ctx, CM_ENOMEM, _("out of memory"));
	cm_config_init(cfg);
	if (!(cfg->file = cm__strdup(name ? name : "scenario")) ||
	    !(cfg->name = cm__strdup(cfg->file))) {
		cm_config_free(cfg);
		return cm__error(ctx, CM_ENOMEM, _("out of memory"));
	}
	*out = cfg;
	return 0;
}

int cm_config_set(cm_ctx *ctx, cm_config *cfg, const char *section, const char *key,
                  const char *value)
{
	parse_state ps;
	char *dir;
	int ok, i;
	memset(&ps, 0, sizeof ps);
	ps.ctx = ctx;
	ps.cfg = cfg;
	ps.file = cfg->file ? cfg->file : "";
	if (!strncmp(section, "scenario ", 9))
		return cm__error(ctx, CM_EINPUT, _("[%s] %s: scenarios come from a scenario file "
		                 "(cm_config_load); cm_config_set sets the other sections' keys"),
		                 section, key);
	/* relative paths: against the scenario file's folder, as in the file */
	if (!(dir = cm__dirname(cfg->file ? cfg->file : ".")))
		return cm__error(ctx, CM_ENOMEM, _("out of memory"));
	ps.base_dir = dir;
	ok = key_ok(&ps, section, key, value) && set_key(&ps, section, key, value);
	if (ok && apply_generic(&ps, 1))
		ok = fail(&ps, _("out of memory"));
	/* [input] distances and roads exclude each other: the key just set goes */
	if (ok && !strcmp(section, "input") && cfg->distances.path && cfg->roads.path) {
		char **slot = !strcmp(key, "roads") ? &cfg->roads.path : &cfg->distances.path;
		free(*slot);
		*slot = NULL;
		ok = fail(&ps, _("%s: [input] gives both distances and roads: the plan uses one kind "
		          "of distance; leave one out"), ps.file);
	}
	for (i = 0; i < IK_N; i++)
		free(ps.generic[i]);
	free(dir);
	return ok ? 0 : CM_EINPUT;
}
