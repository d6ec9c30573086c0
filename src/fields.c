/*
 * fields.c: the engine's field names and values, and the names and values
 * bureau data uses for them.
 *
 * A field is found in a layer by, in order: the name [fields] gives it; the
 * engine name (ASCII case ignored); the built-in aliases below, the names
 * common in Chinese planning data.  Values (学段, 办学性质, 城乡类型, 寄宿)
 * are matched against the built-in spellings plus those [fields] adds.
 * docs/input.md lists all of them; keep it in step with this file.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

static const char *const field_names[CM_NFIELDS] = {
	[CM_F_ID] = "id",
	[CM_F_NAME] = "name",
	[CM_F_LEVEL] = "level",
	[CM_F_SECTOR] = "sector",
	[CM_F_SEATS_PRIMARY] = "seats_primary",
	[CM_F_SEATS_JUNIOR] = "seats_junior",
	[CM_F_CLASSES_PRIMARY] = "classes_primary",
	[CM_F_CLASSES_JUNIOR] = "classes_junior",
	[CM_F_PURCHASED_PRIMARY] = "purchased_primary",
	[CM_F_PURCHASED_JUNIOR] = "purchased_junior",
	[CM_F_BOARDING] = "boarding",
	[CM_F_AREA_TYPE] = "area_type",
	[CM_F_PRIMARY_LOCAL] = "primary_local",
	[CM_F_PRIMARY_MIGRANT] = "primary_migrant",
	[CM_F_JUNIOR_LOCAL] = "junior_local",
	[CM_F_JUNIOR_MIGRANT] = "junior_migrant",
	[CM_F_X] = "x",
	[CM_F_Y] = "y",
	[CM_F_WKT] = "wkt",
	[CM_F_ADDRESS] = "address",
};

const char *cm_field_name(cm_field f)
{
	return (unsigned)f < CM_NFIELDS ? field_names[f] : "?";
}

int cm__field_used(cm_layer_kind layer, cm_field f)
{
	if (f == CM_F_ID || f == CM_F_NAME || f == CM_F_X || f == CM_F_Y || f == CM_F_WKT)
		return 1;
	if (layer == CM_SCHOOLS)
		return (f >= CM_F_LEVEL && f <= CM_F_BOARDING) || f == CM_F_ADDRESS;
	return f >= CM_F_AREA_TYPE && f <= CM_F_JUNIOR_MIGRANT;
}

/* Built-in field names, by layer (-1: both). */
typedef struct alias_row {
	int layer;
	cm_field field;
	const char *const names[8];
} alias_row;

static const alias_row aliases[] = {
	{CM_SCHOOLS, CM_F_ID, {"school_id", "学校代码", "学校编号", "学校标识码", "编号", "代码"}},
	{CM_SCHOOLS, CM_F_NAME, {"school_name", "学校名称", "校名", "名称"}},
	{CM_SCHOOLS, CM_F_LEVEL, {"学段", "学校类型", "办学类型"}},
	{CM_SCHOOLS, CM_F_SECTOR, {"办学性质", "性质"}},
	{CM_SCHOOLS, CM_F_SEATS_PRIMARY, {"小学学位", "小学学位数"}},
	{CM_SCHOOLS, CM_F_SEATS_JUNIOR, {"初中学位", "初中学位数"}},
	{CM_SCHOOLS, CM_F_CLASSES_PRIMARY, {"小学班数", "小学班级数"}},
	{CM_SCHOOLS, CM_F_CLASSES_JUNIOR, {"初中班数", "初中班级数"}},
	{CM_SCHOOLS, CM_F_PURCHASED_PRIMARY, {"小学购买学位", "小学政府购买学位"}},
	{CM_SCHOOLS, CM_F_PURCHASED_JUNIOR, {"初中购买学位", "初中政府购买学位"}},
	{CM_SCHOOLS, CM_F_BOARDING, {"寄宿制", "是否寄宿", "寄宿"}},
	{CM_SCHOOLS, CM_F_ADDRESS, {"地址", "学校地址", "校址"}},
	{CM_COMPOUNDS, CM_F_ID, {"compound_id", "小区代码", "小区编号", "编号", "代码"}},
	{CM_COMPOUNDS, CM_F_NAME, {"compound_name", "小区名称", "村名", "名称"}},
	{CM_COMPOUNDS, CM_F_AREA_TYPE, {"城乡类型", "区域类型", "类型"}},
	{CM_COMPOUNDS, CM_F_PRIMARY_LOCAL, {"小学户籍", "小学户籍学生数"}},
	{CM_COMPOUNDS, CM_F_PRIMARY_MIGRANT, {"小学随迁", "小学随迁子女数"}},
	{CM_COMPOUNDS, CM_F_JUNIOR_LOCAL, {"初中户籍", "初中户籍学生数"}},
	{CM_COMPOUNDS, CM_F_JUNIOR_MIGRANT, {"初中随迁", "初中随迁子女数"}},
	{-1, CM_F_X, {"lon", "lng", "long", "longitude", "经度", "X坐标"}},
	{-1, CM_F_Y, {"lat", "latitude", "纬度", "Y坐标"}},
	{-1, CM_F_WKT, {"geom", "geometry", "the_geom", "shape"}},
};

const char *const *cm__field_aliases(cm_layer_kind layer, cm_field f)
{
	static const char *const none[] = {NULL};
	size_t i;
	for (i = 0; i < sizeof aliases / sizeof *aliases; i++)
		if (aliases[i].field == f && (aliases[i].layer < 0 || aliases[i].layer == (int)layer))
			return aliases[i].names;
	return none;
}

/* Built-in spellings of each value. */
static const char *const kind_builtin[3] = {
	"primary,小学,完全小学,中心小学,教学点",
	"junior,初中,初级中学,中学",
	"nine_year,nine-year,九年一贯制,九年一贯制学校,九年制",
};
static const char *const sector_builtin[2] = {"public,公办", "private,民办"};
static const char *const area_builtin[3] = {"urban,城区", "town,镇区", "rural,乡村,农村"};
static const char *const bool_builtin[2] = {"0,no,n,false,f,否,非寄宿", "1,yes,y,true,t,是,寄宿"};

static int map_value(const char *const *builtin, char *const *extra, int n, const char *text)
{
	int i;
	for (i = 0; i < n; i++)
		if (cm__list_has(builtin[i], text) || cm__list_has(extra[i], text))
			return i;
	return -1;
}

int cm__map_kind(const cm_value_map *vm, const char *text)
{
	return map_value(kind_builtin, vm->level, 3, text);
}

int cm__map_sector(const cm_value_map *vm, const char *text)
{
	return map_value(sector_builtin, vm->sector, 2, text);
}

int cm__map_area(const cm_value_map *vm, const char *text)
{
	return map_value(area_builtin, vm->area, 3, text);
}

int cm__map_bool(const cm_value_map *vm, const char *text)
{
	return map_value(bool_builtin, vm->boolean, 2, text);
}

char *cm__kind_spellings(const cm_value_map *vm)
{
	return cm__sprintf("%s%s%s, %s%s%s, %s%s%s", kind_builtin[0], vm->level[0] ? "," : "",
	                   vm->level[0] ? vm->level[0] : "", kind_builtin[1],
	                   vm->level[1] ? "," : "", vm->level[1] ? vm->level[1] : "",
	                   kind_builtin[2], vm->level[2] ? "," : "",
	                   vm->level[2] ? vm->level[2] : "");
}

/* ------------------------------------------------------------ names */

const char *cm_level_name(cm_level level)
{
	return level == CM_PRIMARY ? "primary" : level == CM_JUNIOR ? "junior" : "?";
}

int cm__level_of(const char *s)
{
	int lv;
	for (lv = 0; lv < CM_NLEVELS; lv++)
		if (!strcmp(s, cm_level_name((cm_level)lv)))
			return lv;
	return -1;
}

const char *cm_school_kind_name(cm_school_kind k)
{
	static const char *const n[] = {"primary", "junior", "nine_year"};
	return (unsigned)k < 3 ? n[k] : "?";
}

const char *cm_sector_name(cm_sector s)
{
	return s == CM_PUBLIC ? "public" : s == CM_PRIVATE ? "private" : "?";
}

const char *cm_area_name(cm_area a)
{
	static const char *const n[] = {"urban", "town", "rural"};
	return (unsigned)a < 3 ? n[a] : "?";
}

int cm_school_teaches(const cm_school *s, cm_level level)
{
	if (s->kind == CM_KIND_NINE_YEAR)
		return 1;
	return level == CM_PRIMARY ? s->kind == CM_KIND_PRIMARY : s->kind == CM_KIND_JUNIOR;
}
