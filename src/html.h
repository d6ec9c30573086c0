/*
 * html.h: a written plan as the HTML outputs see it (html.c), for the plan
 * report (html.c) and the public lookup page (publish.c).  The plan is
 * read once through planfile.c, its geometries turned into SVG path data
 * in one view (the county fitted into a box 1000 units wide, north up), so
 * that every map of a report and the lookup page share their coordinates.
 */
#ifndef CM_HTML_H
#define CM_HTML_H

#include "planfile.h"

#define CM__SVG_WIDTH 1000.0 /* the maps' viewBox width, SVG units */

typedef struct cm__hschool {   /* a school at one level (the schools layer) */
	char *id, *name;
	char *address;             /* "" when the plan has none */
	int level;                 /* cm_level */
	int private_, boarding;
	long seats, enrolled, classes, spare;
	double utilization;        /* enrolled / seats */
	double shadow_m;           /* pupil-metres saved by one more seat */
	double shadow_pupils;      /* pupils placed by one more seat (0..1) */
	double x, y;               /* SVG units; has_xy 0: no geometry */
	int has_xy;
	long unplaced;             /* pupils without a seat in compounds of its catchment */
} cm__hschool;

typedef struct cm__hcomp {     /* a compound (the compounds layer) */
	char *id, *name;
	long pupils[CM_NLEVELS], unplaced[CM_NLEVELS];
	char *school[CM_NLEVELS];  /* the catchment school's id, "" when none */
	char *d;                   /* SVG path of its polygon; NULL: a point, or none */
	double x, y;               /* its point (a polygon's centre of extent), SVG units */
	int has_xy;
} cm__hcomp;

typedef struct cm__hcatch {    /* a catchment (the catchments layer) */
	char *school_id, *name;
	int level;
	char color[8];             /* #rrggbb, checked by the plan reader */
	char *d;                   /* SVG path; NULL: no geometry (a CSV plan) */
} cm__hcatch;

typedef struct cm__hchange {   /* a compound changing school (the changes layer) */
	char *compound_id, *compound_name, *previous, *school_id, *school_name;
	char *previous_name;       /* last year's school's name; "": not given (an earlier plan) */
	int level;
	long pupils;
	int forced;
} cm__hchange;

typedef struct cm__hrange {    /* a public school's compound (assignment rows) */
	int level;
	size_t school, compound;   /* indices into schools and compounds */
	long pupils;               /* the compound's pupils in the school's public seats */
} cm__hrange;

typedef struct cm__hsum {      /* a level's summary */
	int present;
	long pupils, placed, unplaced, moved, moved_compounds;
	int has_moved, quota_met, proven, has_near, has_migrants;
	int moved_over;                /* moved_met 0: the cap on pupils moved exceeded (a plan of
	                                  an earlier version has no such field: 0) */
	double mean_m, max_m, near_share, migrant_share, mip_gap;
} cm__hsum;

typedef struct cm__hplan {
	char *root;                /* what was read: the plan's file, or its folder */
	char *scenario;            /* the summary's scenario name */
	cm__hsum sum[CM_NLEVELS];
	cm_vec schools;            /* cm__hschool, in the layer's order */
	cm_vec comps;              /* cm__hcomp, in the layer's order */
	cm_vec catch;              /* cm__hcatch, in the layer's order */
	cm_vec zones;              /* cm__hcatch: the zones layer (polygon compounds), the tint
	                              behind a catchment's compounds */
	cm_vec changes;            /* cm__hchange */
	cm_vec ranges;             /* cm__hrange, by assignment row, then compounds without
	                              pupils of a level under their catchment school */
	int has_changes;           /* the plan has a changes layer */
	int geometry;              /* the plan has geometries (not a CSV plan) */
	char *boundary;            /* SVG path of the boundary layer; NULL: none */
	double height;             /* the viewBox height, SVG units */
} cm__hplan;

/* Reads and checks the plan at `path` (cm__planfile_open).  Returns 0 or a
 * CM_E* code with the message on ctx; on error *out is cleared. */
int cm__hplan_load(cm_ctx *ctx, const char *path, cm__hplan *out);
/* 0 when `opts` is NULL or of the version this library knows; else
 * CM_ERROR, the message naming function `fn`. */
int cm__html_opts_check(cm_ctx *ctx, const char *fn, const cm_html_opts *opts);
void cm__hplan_free(cm__hplan *hp);
/* The school with `id` at `level`, -1 when none. */
long cm__hplan_school(const cm__hplan *hp, int level, const char *id);

/* `s` as HTML text or a quoted attribute value: & < > " ' escaped. */
void cm__html_text(FILE *fp, const char *s);
/* `s` as a JavaScript (and JSON) string literal, quotes included: safe
 * inside a <script> element (< > & escaped as \u003c ...) and in a .js
 * file; U+2028 and U+2029 escaped for older parsers. */
void cm__js_string(FILE *fp, const char *s);

/* The shared pan and zoom script for every svg.map of a page (wheel,
 * drag, double-click to reset), a <script> element. */
void cm__html_panzoom(FILE *fp);
/* A page's start, up to and with <body>: the doctype, `en` English (else
 * Chinese), the generator, `title` escaped, the inline `style`. */
void cm__html_head(FILE *fp, int en, const char *title, const char *style);

#endif
