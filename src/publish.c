/*
 * publish.c: the public lookup page (学区查询) of a plan, cm_publish.
 * docs/report.md says what a parent sees and what the page leaves out.
 *
 * A folder of three files: index.html (the page, its style and script, and
 * the catchment maps as inline SVG), data.js (the compounds and public
 * schools the search reads) and catchment-site.txt (the marker by which a
 * later run knows the folder is ours to replace).  The data is a script,
 * not JSON, because a browser refuses to fetch a file next to a page
 * opened from disk, and the page must work from a USB stick as from any
 * static web server.
 *
 * Privacy: what the published notice holds and no more: compound names
 * and ids, their catchment schools (in split mode every public school the
 * ranges list a compound under, the one taking most of its pupils first),
 * the schools' names, seats and addresses (when the data has them), the
 * catchment areas.  No pupil count of any kind leaves the plan.
 *
 * Pinyin initials (the search's fallback for a parent typing "cgdy" for
 * 城关第一...) come without a table of characters: the 3,755 common
 * characters of GB 2312 (its level 1) are in pinyin order, so the letter of
 * a character is that of the last of 23 boundary characters at or before
 * its GB 2312 code (iconv converts).  Rarer characters (level 2, sorted by
 * radical) get none, and a character with two readings gets the one GB
 * 2312 sorts it by.
 *
 * The folder is made beside its target and moved in whole (file.c), so a
 * failed run leaves the old page or none.
 */
#include "html.h"

#include <errno.h>
#include <iconv.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>

#define SITE_MARKER "catchment-site.txt"

/* ------------------------------------------------------------ pinyin initials */

static const char boundary_chars[] = "啊芭擦搭蛾发噶哈击喀垃妈拿哦啪期然撒塌挖昔压匝";
static const char boundary_letters[] = "abcdefghjklmnopqrstwxyz";
#define GB_LEVEL1_END 0xD7F9 /* the last level-1 character, 座 */

typedef struct pinyin {
	iconv_t cd;                /* UTF-8 to GBK; (iconv_t)-1: no initials */
	unsigned bound[sizeof boundary_letters - 1];
} pinyin;

/* The GBK code of the UTF-8 character of `len` bytes at `s`; 0: none. */
static unsigned gbk_code(iconv_t cd, const char *s, size_t len)
{
	char in[8], out[8], *ip = in, *op = out;
	size_t il = len, ol = sizeof out;
	memcpy(in, s, len);
	iconv(cd, NULL, NULL, NULL, NULL);
	if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 || op - out != 2)
		return 0;
	return ((unsigned)(unsigned char)out[0] << 8) | (unsigned char)out[1];
}

static size_t utf8_len(unsigned char c)
{
	return c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
}

static void pinyin_open(pinyin *py)
{
	const char *p = boundary_chars;
	size_t k;
	py->cd = iconv_open("GBK", "UTF-8");
	if (py->cd == (iconv_t)-1)
		return;
	for (k = 0; k < sizeof py->bound / sizeof py->bound[0]; k++, p += 3) {
		py->bound[k] = gbk_code(py->cd, p, 3);
		/* the table is this file's: a converter that disagrees gets no use */
		if (!py->bound[k] || (k && py->bound[k] <= py->bound[k - 1])) {
			iconv_close(py->cd);
			py->cd = (iconv_t)-1;
			return;
		}
	}
}

static void pinyin_close(pinyin *py)
{
	if (py->cd != (iconv_t)-1)
		iconv_close(py->cd);
}

/* The initials of `name`: a letter per common character, ASCII letters
 * and digits as they are (lower case), the rest left out. */
static void initials(const pinyin *py, const char *name, char *out, size_t n)
{
	size_t o = 0;
	const char *s = name;
	while (*s && o + 1 < n) {
		size_t len = utf8_len((unsigned char)*s), k;
		unsigned code;
		if (len == 1) {
			char c = *s;
			if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
				out[o++] = c;
			else if (c >= 'A' && c <= 'Z')
				out[o++] = (char)(c - 'A' + 'a');
			s++;
			continue;
		}
		if (strnlen(s, len) < len)
			break;
		code = py->cd != (iconv_t)-1 ? gbk_code(py->cd, s, len) : 0;
		if (code >= py->bound[0] && code <= GB_LEVEL1_END) {
			for (k = sizeof py->bound / sizeof py->bound[0]; k-- > 0;)
				if (code >= py->bound[k])
					break;
			out[o++] = boundary_letters[k];
		}
		s += len;
	}
	out[o] = '\0';
}

/* ------------------------------------------------------------ the files */

typedef struct site {
	FILE *fp;
	const cm__hplan *hp;
	int en;
	const char *title;
	long *number;              /* a school's place in data.js's list, -1: not listed */
	cm__hrange *ranged;        /* the plan's ranges by compound, level, most pupils first
	                              (split mode: a compound at several public schools) */
	size_t n_ranged;
} site;

#define L(zh, en_) (st->en ? (en_) : (zh))

static const char *const level_key[CM_NLEVELS] = {"primary", "junior"};

/* The public schools of a level are the page's schools: private schools
 * admit by lottery and publish no catchment. */
static int listed(const cm__hschool *s)
{
	return !s->private_;
}

static int cmp_range_school(const void *a, const void *b)
{
	const cm__hrange *x = a, *y = b;
	if (x->compound != y->compound)
		return x->compound < y->compound ? -1 : 1;
	if (x->level != y->level)
		return x->level - y->level;
	return (x->school > y->school) - (x->school < y->school);
}

static int cmp_range_pupils(const void *a, const void *b)
{
	const cm__hrange *x = a, *y = b;
	if (x->compound != y->compound || x->level != y->level)
		return cmp_range_school(a, b);
	if (x->pupils != y->pupils)
		return x->pupils > y->pupils ? -1 : 1;
	return (x->school > y->school) - (x->school < y->school);
}

/* st->ranged: the plan's ranges, a row per compound, level and school (its
 * rows summed), by compound and level, most pupils first.  0, or -1 out of
 * memory. */
static int sort_ranges(site *st)
{
	const cm__hplan *hp = st->hp;
	size_t i, n = 0;
	st->n_ranged = 0;
	if (!(st->ranged = malloc((hp->ranges.len + 1) * sizeof *st->ranged)))
		return -1;
	if (!hp->ranges.len)
		return 0;
	memcpy(st->ranged, hp->ranges.data, hp->ranges.len * sizeof *st->ranged);
	qsort(st->ranged, hp->ranges.len, sizeof *st->ranged, cmp_range_school);
	for (i = 0; i < hp->ranges.len; i++)
		if (n && !cmp_range_school(&st->ranged[n - 1], &st->ranged[i]))
			st->ranged[n - 1].pupils += st->ranged[i].pupils;
		else
			st->ranged[n++] = st->ranged[i];
	qsort(st->ranged, n, sizeof *st->ranged, cmp_range_pupils);
	st->n_ranged = n;
	return 0;
}

/* A compound's schools past its catchment school at each level ("more":
 * [[...], [...]], data.js's numbers), when a level has any: split mode's
 * ranges list the compound under each.  *k walks st->ranged (compound
 * `ci` and those before it are passed). */
static void write_more(const site *st, size_t ci, const long home[CM_NLEVELS], size_t *k)
{
	FILE *fp = st->fp;
	size_t start, end, j;
	int lv, any = 0;
	while (*k < st->n_ranged && st->ranged[*k].compound < ci)
		(*k)++;
	for (start = end = *k; end < st->n_ranged && st->ranged[end].compound == ci; end++)
		if (st->number[st->ranged[end].school] >= 0 &&
		    (long)st->ranged[end].school != home[st->ranged[end].level])
			any = 1;
	*k = end;
	if (!any)
		return;
	fputs(", \"more\": [", fp);
	for (lv = 0; lv < CM_NLEVELS; lv++) {
		int n = 0;
		fputs(lv ? ", [" : "[", fp);
		for (j = start; j < end; j++) {
			const cm__hrange *r = &st->ranged[j];
			if (r->level == lv && (long)r->school != home[lv] && st->number[r->school] >= 0)
				fprintf(fp, "%s%ld", n++ ? ", " : "", st->number[r->school]);
		}
		fputs("]", fp);
	}
	fputs("]", fp);
}

static void write_data(const site *st, const pinyin *py)
{
	const cm__hplan *hp = st->hp;
	FILE *fp = st->fp;
	size_t i, k, n = 0;
	fputs("/* catchment lookup data: compounds and public schools, no pupil counts */\n"
	      "window.CM_LOOKUP = {\n\"pinyin\": ", fp);
	fputs(py->cd != (iconv_t)-1 ? "true" : "false", fp);
	fputs(",\n\"schools\": [\n", fp);
	for (i = 0; i < hp->schools.len; i++) {
		const cm__hschool *s = (const cm__hschool *)hp->schools.data + i;
		if (!listed(s))
			continue;
		fprintf(fp, "%s{\"id\": ", n++ ? ",\n" : "");
		cm__js_string(fp, s->id);
		fputs(", \"name\": ", fp);
		cm__js_string(fp, s->name);
		fprintf(fp, ", \"level\": \"%s\", \"seats\": %ld", level_key[s->level], s->seats);
		if (s->address[0]) {
			fputs(", \"address\": ", fp);
			cm__js_string(fp, s->address);
		}
		if (s->has_xy)
			fprintf(fp, ", \"x\": %.1f, \"y\": %.1f", s->x, s->y);
		fputs("}", fp);
	}
	fputs("\n],\n\"compounds\": [\n", fp);
	for (i = 0, k = 0; i < hp->comps.len; i++) {
		const cm__hcomp *c = (const cm__hcomp *)hp->comps.data + i;
		long home[CM_NLEVELS];
		char ini[256];
		initials(py, c->name, ini, sizeof ini);
		fprintf(fp, "%s{\"id\": ", i ? ",\n" : "");
		cm__js_string(fp, c->id);
		fputs(", \"name\": ", fp);
		cm__js_string(fp, c->name);
		fputs(", \"py\": ", fp);
		cm__js_string(fp, ini);
		fputs(", \"s\": [", fp);
		for (int lv = 0; lv < CM_NLEVELS; lv++) {
			long si = c->school[lv][0] ? cm__hplan_school(hp, lv, c->school[lv]) : -1;
			home[lv] = si;
			fprintf(fp, "%s%ld", lv ? ", " : "", si >= 0 ? st->number[si] : -1L);
		}
		fputs("]", fp);
		write_more(st, i, home, &k);
		if (c->has_xy)
			fprintf(fp, ", \"x\": %.1f, \"y\": %.1f", c->x, c->y);
		fputs("}", fp);
	}
	fputs("\n]\n};\n", fp);
}

static const char page_style[] =
	"<style>\n"
	":root{font-family:\"Noto Sans CJK SC\",\"WenQuanYi Micro Hei\",\"Microsoft YaHei\","
	"sans-serif;color:#222}\n"
	"body{margin:0 auto;max-width:1100px;padding:12px 20px}\n"
	"h1{font-size:1.5em;margin:.2em 0}\n"
	"#q{font-size:1.2em;padding:6px 8px;width:100%;max-width:28em;box-sizing:border-box}\n"
	"#results{list-style:none;padding:0;margin:.5em 0}\n"
	"#results button{font:inherit;background:none;border:none;color:#1a4f8b;cursor:pointer;"
	"padding:2px 0;text-align:left}\n"
	"#detail table{border-collapse:collapse;margin:.5em 0}\n"
	"#detail th,#detail td{border:1px solid #bbb;padding:3px 8px;text-align:left}\n"
	".maps{display:flex;flex-wrap:wrap;gap:12px}\n"
	".maps figure{flex:1 1 420px;margin:0;border:1px solid #99a;background:#f8f8f4}\n"
	".maps figcaption{padding:2px 6px;font-weight:bold}\n"
	"svg.map{display:block;width:100%;height:auto;cursor:grab;touch-action:none}\n"
	"svg.map .catchment{fill-opacity:.45;stroke:#fff;stroke-width:1;"
	"vector-effect:non-scaling-stroke}\n"
	"svg.map .zone{fill-opacity:.25;stroke:none}svg.map .zone.sel{fill-opacity:.6}\n"
	"svg.map .catchment.sel{fill-opacity:.95;stroke:#000;stroke-width:2.5}\n"
	"svg.map .boundary{fill:none;stroke:#333;stroke-dasharray:6 3;"
	"vector-effect:non-scaling-stroke}\n"
	"svg.map .school{fill:#1a1a1a}svg.map .school.sel{fill:#d7301f}\n"
	"svg.map .home{fill:#d7301f;stroke:#fff;stroke-width:1.5;vector-effect:non-scaling-stroke}\n"
	".note{color:#555;font-size:.9em}\n"
	"</style>\n";

/* The search: names by substring, ids whole, initials by substring when
 * the query is letters; best first (the name itself, then names that
 * start so, then the rest), then in the plan's order.  Every name is
 * written with textContent. */
static const char page_script[] =
	"<script>\n"
	"(function(){\n"
	"var D=window.CM_LOOKUP,C=D.compounds,S=D.schools,T=window.CM_TEXT;\n"
	"var q=document.getElementById('q'),res=document.getElementById('results'),"
	"det=document.getElementById('detail');\n"
	/* NFKC: a full-width query (an input method's 全角 mode: ＸＱ０１,
	 * ｈｑｌｐｑ) matches as the ASCII it stands for, in names too */
	"function norm(s){return String(s).normalize('NFKC').toLowerCase().replace(/\\s+/g,'');}\n"
	"function find(text){var t=norm(text),out=[];if(!t)return out;\n"
	"var letters=/^[a-z0-9]+$/.test(t);\n"
	"C.forEach(function(c,i){var n=norm(c.name),r=-1;\n"
	"if(n===t||norm(c.id)===t)r=0;else if(n.indexOf(t)===0)r=1;else if(n.indexOf(t)>0)r=2;\n"
	"else if(letters&&c.py.indexOf(t)===0)r=3;else if(letters&&c.py.indexOf(t)>0)r=4;\n"
	"if(r>=0)out.push([r,i]);});\n"
	"out.sort(function(a,b){return a[0]-b[0]||a[1]-b[1];});\n"
	"return out.map(function(x){return x[1];});}\n"
	"function el(tag,text){var e=document.createElement(tag);"
	"if(text!==undefined)e.textContent=text;return e;}\n"
	"function all(c,k){var a=c.s[k]>=0?[c.s[k]]:[];"
	"return c.more?a.concat(c.more[k]):a;}\n"
	"function mark(i){var c=C[i];\n"
	"document.querySelectorAll('.sel').forEach(function(e){e.classList.remove('sel');});\n"
	"document.querySelectorAll('.home').forEach(function(e){e.remove();});\n"
	"['primary','junior'].forEach(function(lv,k){var si=c.s[k];\n"
	"var svg=document.getElementById('map-'+lv);if(!svg)return;\n"
	"if(si>=0)svg.querySelectorAll('.catchment').forEach(function(p){"
	"if(p.getAttribute('data-school')===S[si].id)p.classList.add('sel');});\n"
	"all(c,k).forEach(function(sj){svg.querySelectorAll('.school').forEach(function(p){"
	"if(p.getAttribute('data-school')===S[sj].id)p.classList.add('sel');});});\n"
	"if(c.x!==undefined){var m=document.createElementNS('http://www.w3.org/2000/svg','circle');\n"
	"m.setAttribute('class','home');m.setAttribute('cx',c.x);m.setAttribute('cy',c.y);"
	"m.setAttribute('r',7);svg.appendChild(m);}});}\n"
	"var A=S.some(function(s){return s.address;});\n"
	/* compounds of one name (新村 in two towns) are told apart by their
	 * catchment school, else (no school, or one they share: five 高山町 of
	 * one school) by their id too; the counts have no prototype, so a name
	 * such as "constructor" counts as any other */
	"function home(c){var s=c.s[0]>=0?c.s[0]:c.s[1];return s>=0?S[s].name:'';}\n"
	"var dup=Object.create(null),dup2=Object.create(null);\n"
	"C.forEach(function(c){var k=c.name+'\\n'+home(c);dup[c.name]=(dup[c.name]||0)+1;"
	"dup2[k]=(dup2[k]||0)+1;});\n"
	"function label(i){var c=C[i],h=home(c);if(dup[c.name]<2)return c.name;"
	"return c.name+' ('+(h&&dup2[c.name+'\\n'+h]<2?h:(h?h+', ':'')+c.id)+')';}\n"
	"function show(i){var c=C[i];det.textContent='';\n"
	"det.appendChild(el('h2',label(i)));\n"
	"var tb=el('table'),h=el('tr');[T.level,T.school,T.seats].concat(A?[T.address]:[])"
	".forEach(function(x){h.appendChild(el('th',x));});tb.appendChild(h);\n"
	"var shared=false;\n"
	/* a level the plan has no school of (a primary-only county) is no row:
	 * "no catchment school, ask the bureau" would mislead */
	"['primary','junior'].forEach(function(lv,k){var list=all(c,k);\n"
	"if(!S.some(function(s){return s.level===lv;}))return;\n"
	"function row(){var tr=el('tr');tr.setAttribute('data-level',lv);"
	"tr.appendChild(el('td',T[lv]));tb.appendChild(tr);return tr;}\n"
	"if(list.length>1)shared=true;\n"
	"list.forEach(function(si,j){var tr=row();if(j)tr.className='shared';\n"
	"var td=el('td',S[si].name);td.className='school';tr.appendChild(td);"
	"tr.appendChild(el('td',String(S[si].seats)));\n"
	"if(A){var ad=el('td',S[si].address||'');ad.className='address';tr.appendChild(ad);}});\n"
	"if(!list.length){var n=el('td',T.none);n.className='school';n.colSpan=A?3:2;"
	"row().appendChild(n);}});\n"
	"det.appendChild(tb);\n"
	"if(shared){var p=el('p',T.shared);p.className='shared-note';det.appendChild(p);}\n"
	"mark(i);}\n"
	"function run(){var hits=find(q.value);res.textContent='';det.textContent='';\n"
	"if(!norm(q.value))return;\n"
	"if(!hits.length){res.appendChild(el('li',T.nothing));return;}\n"
	"hits.slice(0,30).forEach(function(i){var li=el('li'),b=el('button',label(i));\n"
	"b.addEventListener('click',function(){show(i);});li.appendChild(b);res.appendChild(li);});\n"
	"if(hits.length>30)res.appendChild(el('li',T.more));\n"
	"show(hits[0]);}\n"
	"q.addEventListener('input',run);\n"
	"var h=location.hash.match(/^#q=(.*)$/);\n"
	/* a link cut short in an escape (#q=%E7%BA) is searched as it is: the
	 * URIError stopped the script */
	"if(h){var v=h[1];try{v=decodeURIComponent(v);}catch(e){}q.value=v;run();}\n"
	"document.documentElement.setAttribute('data-ready','1');\n"
	"})();\n"
	"</script>\n";

static void text_entry(const site *st, const char *key, const char *zh, const char *en, int last)
{
	fprintf(st->fp, "%s: ", key);
	cm__js_string(st->fp, st->en ? en : zh);
	fputs(last ? "};\n" : ",\n", st->fp);
}

static void page_map(const site *st, int lv)
{
	const cm__hplan *hp = st->hp;
	FILE *fp = st->fp;
	size_t i;
	fprintf(fp, "<figure><figcaption>%s</figcaption>\n"
	        "<svg class=\"map\" id=\"map-%s\" data-level=\"%s\" viewBox=\"0 0 %.0f %.0f\" "
	        "xmlns=\"http://www.w3.org/2000/svg\" role=\"img\">\n",
	        lv == CM_PRIMARY ? L("小学片区", "Primary catchments") : L("初中片区", "Junior high catchments"),
	        level_key[lv], level_key[lv], CM__SVG_WIDTH, ceil(hp->height));
	for (i = 0; i < hp->zones.len; i++) {
		const cm__hcatch *z = (const cm__hcatch *)hp->zones.data + i;
		if (z->level != lv || !z->d)
			continue;
		fprintf(fp, "<path class=\"zone\" data-school=\"");
		cm__html_text(fp, z->school_id);
		fprintf(fp, "\" fill=\"%s\" d=\"%s\"/>\n", z->color, z->d);
	}
	for (i = 0; i < hp->catch.len; i++) {
		const cm__hcatch *c = (const cm__hcatch *)hp->catch.data + i;
		if (c->level != lv || !c->d)
			continue;
		fprintf(fp, "<path class=\"catchment\" data-level=\"%s\" data-school=\"", level_key[lv]);
		cm__html_text(fp, c->school_id);
		fprintf(fp, "\" fill=\"%s\" d=\"%s\"><title>", c->color, c->d);
		cm__html_text(fp, c->name);
		fputs("</title></path>\n", fp);
	}
	if (hp->boundary)
		fprintf(fp, "<path class=\"boundary\" d=\"%s\"/>\n", hp->boundary);
	for (i = 0; i < hp->schools.len; i++) {
		const cm__hschool *s = (const cm__hschool *)hp->schools.data + i;
		if (s->level != lv || !listed(s) || !s->has_xy)
			continue;
		fprintf(fp, "<circle class=\"school\" data-school=\"");
		cm__html_text(fp, s->id);
		fprintf(fp, "\" cx=\"%.1f\" cy=\"%.1f\" r=\"5\"><title>", s->x, s->y);
		cm__html_text(fp, s->name);
		fputs("</title></circle>\n", fp);
	}
	fputs("</svg></figure>\n", fp);
}

static void write_page(const site *st, const pinyin *py)
{
	const cm__hplan *hp = st->hp;
	FILE *fp = st->fp;
	cm__html_head(fp, st->en, st->title, page_style);
	fputs("<h1>", fp);
	cm__html_text(fp, st->title);
	fprintf(fp, "</h1>\n<p><label for=\"q\">%s</label><br>\n<input id=\"q\" type=\"search\" "
	        "autocomplete=\"off\" placeholder=\"%s\"></p>\n"
	        "<ul id=\"results\"></ul>\n<div id=\"detail\"></div>\n",
	        L("输入小区或村的名称：", "Type the name of your compound or village:"),
	        py->cd != (iconv_t)-1 ? L("例如：阳光花园，或拼音首字母 ygh", "e.g. a name, or its "
	                                  "pinyin initials")
	                              : L("小区名称", "name"));
	if (hp->geometry) {
		fputs("<div class=\"maps\">\n", fp);
		for (int lv = 0; lv < CM_NLEVELS; lv++)
			if (hp->sum[lv].present)
				page_map(st, lv);
		fputs("</div>\n", fp);
	}
	fprintf(fp, "<p class=\"note\">%s</p>\n",
	        L("本页只显示招生范围公告中的内容：小区、划片学校、学校学位数和地址、片区范围。"
	          "以教育局正式公告为准。",
	          "This page shows what the enrolment notice holds: compounds, their catchment "
	          "schools, the schools' seats and addresses, and the catchments. The education "
	          "bureau's notice is authoritative."));
	fputs("<script>\nwindow.CM_TEXT = {\n", fp);
	text_entry(st, "level", "学段", "Level", 0);
	text_entry(st, "school", "学校", "School", 0);
	text_entry(st, "seats", "学位数", "Seats", 0);
	text_entry(st, "address", "地址", "Address", 0);
	text_entry(st, "primary", "小学", "Primary", 0);
	text_entry(st, "junior", "初中", "Junior high", 0);
	text_entry(st, "none", "无划片学校，请咨询教育局", "No catchment school: ask the education bureau", 0);
	text_entry(st, "shared", "本小区的学生分在以上几所学校（多校划片），"
	                         "每名学生就读哪所学校以教育局的通知为准。",
	           "This compound's pupils are shared among the schools above (a multi-school "
	           "catchment): the education bureau's notice says which school each pupil attends.",
	           0);
	text_entry(st, "nothing", "没有找到，请换一种写法", "Nothing found: try another spelling", 0);
	text_entry(st, "more", "……还有更多，请输入更多文字", "... and more: type more of the name", 1);
	fputs("</script>\n<script src=\"data.js\"></script>\n", fp);
	cm__html_panzoom(fp);
	fputs(page_script, fp);
	fputs("</body>\n</html>\n", fp);
}

/* ------------------------------------------------------------ the folder */

/* Is `name` a file of the folder publish writes (or a file manager's)? */
static int site_file(const char *name)
{
	static const char *const own[] = {"index.html", "data.js", SITE_MARKER, ".DS_Store",
	                                  "Thumbs.db", ".", ".."};
	for (size_t k = 0; k < sizeof own / sizeof *own; k++)
		if (!strcmp(name, own[k]))
			return 1;
	return 0;
}

/* An existing `dir` may be replaced when it is ours (its marker) and holds
 * only what publish writes, or is empty.  (A logo or a notices folder a
 * bureau added to the page was deleted without a word.) */
static int replaceable(cm_ctx *ctx, const char *dir)
{
	struct stat st;
	char *marker, *other = NULL;
	DIR *d;
	struct dirent *e;
	int ours, empty = 1;
	if (stat(dir, &st) != 0)
		return errno == ENOENT ? 0 : cm__error(ctx, CM_EIO, "%s: %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return cm__error(ctx, CM_EINPUT, _("%s: is a file, not a folder for the lookup page"), dir);
	if (!(marker = cm__sprintf("%s/%s", dir, SITE_MARKER)))
		return cm__error(ctx, CM_ENOMEM, _("out of memory"));
	ours = stat(marker, &st) == 0;
	free(marker);
	if (ours) {
		if (!(d = opendir(dir)))
			return cm__error(ctx, CM_EIO, "%s: %s", dir, strerror(errno));
		/* the first by name of what is not ours, so the message is the
		 * same each time */
		while ((e = readdir(d)) != NULL)
			if (!site_file(e->d_name) && (!other || strcmp(e->d_name, other) < 0)) {
				free(other);
				if (!(other = strdup(e->d_name))) {
					closedir(d);
					return cm__error(ctx, CM_ENOMEM, _("out of memory"));
				}
			}
		closedir(d);
		if (!other)
			return 0;
		ours = cm__error(ctx, CM_EINPUT, _("%s: the page's folder holds %s, which catchment did "
		                 "not write; it replaces the folder whole: move it out first"), dir,
		                 other);
		free(other);
		return ours;
	}
	if (!(d = opendir(dir)))
		return cm__error(ctx, CM_EIO, "%s: %s", dir, strerror(errno));
	while (empty && (e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			empty = 0;
	closedir(d);
	return empty ? 0 : cm__error(ctx, CM_EINPUT, _("%s: the folder holds files catchment did "
	                             "not write (no %s): give an empty or new folder"), dir,
	                             SITE_MARKER);
}

/* One file of the folder, written in full (cm_output) or not at all. */
typedef void (*write_fn)(const site *st, const pinyin *py);

static int write_file(cm_ctx *ctx, const char *dir, const char *shown, const char *name,
                      site *st, const pinyin *py, write_fn fn)
{
	char *path = cm__sprintf("%s/%s", dir, name);
	cm_output *o;
	int rc;
	if (!path)
		return cm__error(ctx, CM_ENOMEM, _("out of memory"));
	if (!(rc = cm_output_open(ctx, path, &o))) {
		st->fp = cm_output_stream(o);
		fn(st, py);
		rc = cm_output_commit(ctx, o);
	}
	if (rc && rc != CM_ENOMEM && !strncmp(cm_ctx_last_error(ctx), path, strlen(path))) {
		/* named as the planner asked for it: the temporary folder the
		 * message named is gone when the run ends */
		char rest[sizeof ctx->errmsg];
		snprintf(rest, sizeof rest, "%s", cm_ctx_last_error(ctx) + strlen(path));
		rc = cm__error(ctx, rc, "%s/%s%s", shown, name, rest);
	}
	free(path);
	return rc;
}

static void write_marker(const site *st, const pinyin *py)
{
	(void)py;
	fputs("A public catchment lookup page written by catchment publish (docs/report.md).\n"
	      "catchment replaces this folder whole when it publishes again.\n", st->fp);
}

int cm_publish(cm_ctx *ctx, const char *plan_path, const char *path, const cm_html_opts *opts)
{
	cm__hplan hp;
	site st;
	pinyin py;
	char *title = NULL, *tmp = NULL, *dir;
	size_t end;
	int rc;
	if ((rc = cm__html_opts_check(ctx, "cm_publish", opts)))
		return rc;
	if (!(dir = cm__strdup(path)))
		return cm__error(ctx, CM_ENOMEM, _("out of memory"));
	/* "www/" is the folder www (its temporary copy is www.tmp-PID, beside it) */
	for (end = strlen(dir); end > 1 && dir[end - 1] == '/'; end--)
		dir[end - 1] = '\0';
	if ((rc = replaceable(ctx, dir)) || (rc = cm__hplan_load(ctx, plan_path, &hp))) {
		free(dir);
		return rc;
	}
	memset(&st, 0, sizeof st);
	st.hp = &hp;
	st.en = opts && opts->lang == CM_LANG_EN;
	st.title = opts && opts->title ? opts->title
	                               : (title = cm__sprintf(st.en ? "Catchment lookup: %s"
	                                                            : "%s 学区查询", hp.scenario));
	pinyin_open(&py);
	st.number = malloc((hp.schools.len + 1) * sizeof *st.number);
	if (!st.title || !st.number || sort_ranges(&st) || !(tmp = cm__out_temp(dir))) {
		rc = cm__error(ctx, CM_ENOMEM, _("out of memory"));
		goto done;
	}
	for (size_t i = 0, n = 0; i < hp.schools.len; i++)
		st.number[i] = listed((const cm__hschool *)hp.schools.data + i) ? (long)n++ : -1;
	/* named by the folder asked for: www.tmp-PID is no name the user knows */
	if (mkdir(tmp, 0777) != 0) {
		rc = cm__error(ctx, CM_EIO, _("%s: cannot write it: %s"), dir, strerror(errno));
		goto done;
	}
	rc = write_file(ctx, tmp, dir, "data.js", &st, &py, write_data);
	if (!rc)
		rc = write_file(ctx, tmp, dir, "index.html", &st, &py, write_page);
	if (!rc)
		rc = write_file(ctx, tmp, dir, SITE_MARKER, &st, &py, write_marker);
	if (!rc)
		rc = cm__out_place(ctx, tmp, dir);
	if (rc)
		cm__out_remove(tmp);
done:
	pinyin_close(&py);
	free(st.number);
	free(st.ranged);
	free(tmp);
	free(title);
	free(dir);
	cm__hplan_free(&hp);
	return rc;
}
