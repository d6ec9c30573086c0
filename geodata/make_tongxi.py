#!/usr/bin/env python3
"""Generate the example county 桐溪县 (Tongxi, fictional) in geodata/tongxi/.

Deterministic: a fixed seed, no dependencies beyond the Python standard
library, the same bytes on every run.  Run from anywhere:

    python3 geodata/make_tongxi.py [OUTPUT_FOLDER]

(the tests run it into a temporary folder and compare the bytes with the
committed files).

What it makes (see geodata/tongxi/README.md):
  compounds.geojson  ~350 residential compounds and villages as polygons,
                     CGCS2000 longitude/latitude (EPSG:4490), Chinese fields
  schools.csv        34 schools as a bureau's spreadsheet: Chinese headers,
                     coordinates copied from a web map (GCJ-02), classes
                     rather than seats, addresses
  river.geojson, ring_road.geojson, boundary.geojson: map context
  roads.geojson      the road network: the ring road (its two bridges the
                     river's only crossings), the town's street grid,
                     riverside roads, county and village roads

The county is fictional, placed in hilly northern Guangdong.  A county town
split by the 桐溪 river and held by a ring road; an old town north of the
river; a southern district; a fast-growing eastern new district (东城新区)
where new estates have outrun the schools; six towns with their villages.
Migrant shares vary by neighbourhood: low in the old town, high in the new
district and the urban villages.  Seats are classes x 45 (primary) and
x 50 (junior), sized from each district's pupils: about 5-15% spare
everywhere except the new district, which is about 20% short.
"""

import json
import math
import os
import random
import sys

SEED = 20261123
LON0, LAT0 = 113.05, 24.78          # county town centre (true WGS 84 / CGCS2000)
M_PER_DEG_LAT = 110574.0
M_PER_DEG_LON = 111320.0 * math.cos(math.radians(LAT0))

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "tongxi")
rng = random.Random(SEED)


def lonlat(x, y):
    """Local metres (east, north of the town centre) to lon/lat degrees."""
    return LON0 + x / M_PER_DEG_LON, LAT0 + y / M_PER_DEG_LAT


# ---------------------------------------------------------------- GCJ-02
# The public forward formula, as every web map applies it.
def _off_lat(x, y):
    r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    r += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    r += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    r += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return r


def _off_lon(x, y):
    r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    r += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    r += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    r += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return r


def wgs_to_gcj(lon, lat):
    a, ee = 6378245.0, 0.00669342162296594323
    dlat = _off_lat(lon - 105.0, lat - 35.0)
    dlon = _off_lon(lon - 105.0, lat - 35.0)
    rad = lat / 180.0 * math.pi
    magic = 1 - ee * math.sin(rad) ** 2
    sq = math.sqrt(magic)
    dlat = dlat * 180.0 / ((a * (1 - ee)) / (magic * sq) * math.pi)
    dlon = dlon * 180.0 / (a / sq * math.cos(rad) * math.pi)
    return lon + dlon, lat + dlat


# ---------------------------------------------------------------- geography
def river_y(x):
    """The 桐溪 river's centre line through the county town."""
    return -250.0 + 350.0 * math.sin(x / 1700.0) - 0.08 * x


RING_C, RING_R = (400.0, 300.0), 3300.0   # ring road: centre and radius

TOWNS = [  # name, centre (m), households in the town, villages
    ("石门镇", (-9000.0, 11000.0)),
    ("白沙镇", (14000.0, 9000.0)),
    ("龙潭镇", (-15000.0, -6000.0)),
    ("枫林镇", (6000.0, -15000.0)),
    ("青山镇", (21000.0, -5000.0)),
    ("马鞍镇", (-4000.0, -21000.0)),
]

PREFIX = ("锦绣 阳光 金桂 碧水 翠竹 桂花 书香 滨江 东湖 龙湾 凤凰 华府 御景 盛世 和谐 幸福 康乐 新城 "
          "丽景 紫荆 银杏 香樟 望江 江南 学府 文华 南山 北岸 中央 春晖 秀水 清风 明珠 天悦 "
          "梧桐 玉兰 海棠 锦园 瑞景 嘉禾 富康 福泽 星河 东方 兴隆 汇景 绿洲 融城 泰和 宏远").split()
SUFFIX = "花园 小区 家园 苑 雅居 新村 公寓 名苑 华庭 嘉园 府 雅苑".split()
OLD = ("解放路 人民路 中山路 建设路 县前街 城隍街 北门街 仓前街 学前巷 文昌路 新华路 "
       "和平路 胜利路 东风路 五一路 沿河路 跃进路 工农路 红旗路 向阳路").split()
OLD_SUFFIX = "小区 宿舍区 居民区 片区".split()
VILLAGE_A = "上 下 东 西 新 老 大 小 高 石 枫 竹 桃 杨 柳 黄 白 青 马 牛".split()
VILLAGE_B = "塘 坪 坑 岭 湾 桥 田 洞 冲 垌 埠 坝 寨 圩 坳".split()

used_names = set()


def unique(name):
    if name not in used_names:
        used_names.add(name)
        return name
    for k in "二三四五六七八九":
        n = name + k + "期"
        if n not in used_names:
            used_names.add(n)
            return n
    raise RuntimeError("names exhausted: " + name)


def urban_name(old_town):
    if old_town and rng.random() < 0.6:
        return unique(rng.choice(OLD) + rng.choice(OLD_SUFFIX))
    return unique(rng.choice(PREFIX) + rng.choice(SUFFIX))


def village_name():
    for _ in range(1000):
        n = rng.choice(VILLAGE_A) + rng.choice(VILLAGE_B) + "村"
        if n not in used_names:
            used_names.add(n)
            return n
    raise RuntimeError("village names exhausted")


def rect(cx, cy, w, h, angle):
    """A rotated rectangle with a little jitter on its corners (still simple)."""
    ca, sa = math.cos(angle), math.sin(angle)
    pts = []
    for dx, dy in ((-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)):
        dx += rng.uniform(-0.06, 0.06) * w
        dy += rng.uniform(-0.06, 0.06) * h
        pts.append((cx + dx * ca - dy * sa, cy + dx * sa + dy * ca))
    return pts


def blob(cx, cy, r, n=9):
    """A star-shaped village outline: angles increase, so the ring is simple."""
    pts = []
    for i in range(n):
        a = 2 * math.pi * i / n + rng.uniform(-0.15, 0.15)
        rr = r * rng.uniform(0.7, 1.15)
        pts.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
    return pts


def ring(pts):
    ll = [lonlat(x, y) for x, y in pts]
    ll.append(ll[0])
    return [[round(lo, 7), round(la, 7)] for lo, la in ll]


# ---------------------------------------------------------------- compounds
compounds = []   # dicts: id, name, town, district, area, households, migrant share, pts, centre


def add_compound(district, town, area, cx, cy, pts, households, mshare, name):
    compounds.append(dict(district=district, town=town, area=area, cx=cx, cy=cy, pts=pts,
                          households=households, mshare=mshare, name=name))


def urban_district(x):
    if x > 2600:
        return "东城新区"
    return None


# County town: a grid of 420 m cells, one compound per usable cell.
CELL = 420.0
for gy in range(-12, 13):
    for gx in range(-12, 16):
        cx, cy = gx * CELL + rng.uniform(-60, 60), gy * CELL + rng.uniform(-60, 60)
        rd = math.hypot(cx - RING_C[0], cy - RING_C[1])
        if abs(cy - river_y(cx)) < 230:           # the river and its banks
            continue
        north = cy > river_y(cx)
        if cx > 2600:                             # the eastern new district
            if not (-1700 < cy < 1900 and cx < 5300):
                continue
            district, keep, hh, ms = "东城新区", 0.80, (400, 1000), (0.35, 0.55)
            size = (260, 360)
        elif cx < -2800:                          # urban villages on the west edge
            if not (-1800 < cy < 1800 and cx > -4200):
                continue
            district, keep, hh, ms = "西郊城中村", 0.60, (250, 600), (0.45, 0.65)
            size = (220, 320)
        elif north:
            if rd > RING_R:
                continue
            district, keep, hh, ms = "老城区", 0.75, (120, 420), (0.08, 0.22)
            size = (160, 300)
        else:
            if rd > RING_R:
                continue
            district, keep, hh, ms = "城南片区", 0.72, (250, 700), (0.25, 0.40)
            size = (200, 330)
        if rng.random() > keep:
            continue
        w, h = rng.uniform(*size), rng.uniform(*size)
        pts = rect(cx, cy, w, h, rng.uniform(-0.3, 0.3))
        add_compound(district, "城关镇", "城区", cx, cy, pts, rng.randint(*hh),
                     rng.uniform(*ms), urban_name(district == "老城区"))

# Towns: a small grid of compounds at the centre, villages around it.
all_villages = []
for tname, (tx, ty) in TOWNS:
    n_town = 0
    for gy in range(-3, 4):
        for gx in range(-3, 4):
            if rng.random() > 0.28:
                continue
            cx, cy = tx + gx * 330 + rng.uniform(-40, 40), ty + gy * 330 + rng.uniform(-40, 40)
            pts = rect(cx, cy, rng.uniform(140, 260), rng.uniform(140, 260), rng.uniform(-0.4, 0.4))
            add_compound(tname, tname, "镇区", cx, cy, pts, rng.randint(80, 380),
                         rng.uniform(0.05, 0.25), unique(tname[:2] + rng.choice(PREFIX) + rng.choice(SUFFIX)))
            n_town += 1
    # villages on rings 2.2-5.5 km out, at least 1.9 km apart
    placed = []
    tries = 0
    while len(placed) < 15 and tries < 4000:
        tries += 1
        a = rng.uniform(0, 2 * math.pi)
        r = rng.uniform(2200, 5500)
        vx, vy = tx + r * math.cos(a), ty + r * math.sin(a)
        if any(math.hypot(vx - px, vy - py) < 1900 for px, py in placed + all_villages):
            continue
        if math.hypot(vx, vy) < 6500:             # keep clear of the county town
            continue
        placed.append((vx, vy))
        all_villages.append((vx, vy))
        pts = blob(vx, vy, rng.uniform(550, 800))
        add_compound(tname, tname, "乡村", vx, vy, pts, rng.randint(120, 520),
                     rng.uniform(0.0, 0.08), village_name())

# Pupils: per household, primary about 0.21 and junior about 0.10 children;
# villages a little higher (younger families stay, grandparents raise them).
for c in compounds:
    hh = c["households"]
    f = 1.15 if c["area"] == "乡村" else 1.0
    if c["district"] == "东城新区":
        f = 1.25                                   # young families in new estates
    prim = int(round(hh * 0.21 * f * rng.uniform(0.85, 1.15)))
    jun = int(round(hh * 0.10 * f * rng.uniform(0.85, 1.15)))
    pm = int(round(prim * c["mshare"]))
    jm = int(round(jun * c["mshare"]))
    c["p"] = (prim - pm, pm, jun - jm, jm)

# Stable order and ids: county town first (by district, then north to south,
# west to east), then towns.
order = {"老城区": 0, "城南片区": 1, "东城新区": 2, "西郊城中村": 3}
compounds.sort(key=lambda c: (c["town"] != "城关镇", order.get(c["district"], 9),
                              [t[0] for t in TOWNS].index(c["town"]) if c["town"] != "城关镇" else 0,
                              c["area"], -round(c["cy"]), round(c["cx"])))
for i, c in enumerate(compounds):
    c["id"] = "XQ%04d" % (i + 1)

# ---------------------------------------------------------------- schools
# (name, level, sector, x, y, boarding, district served, share of that
#  district's primary pupils, share of its junior pupils)
schools = [
    ("城关第一小学", "小学", "公办", -600, 900, 0, "老城区", 0.22, 0),
    ("城关第二小学", "小学", "公办", 900, 1500, 0, "老城区", 0.20, 0),
    ("实验小学", "小学", "公办", -1500, 1900, 0, "老城区", 0.20, 0),
    ("城北九年一贯制学校", "九年一贯制", "公办", 300, 2600, 0, "老城区", 0.18, 0.18),
    ("文昌小学", "小学", "公办", 1700, 300, 0, "老城区", 0.20, 0),
    ("城南小学", "小学", "公办", -800, -1400, 0, "城南片区", 0.36, 0),
    ("河南小学", "小学", "公办", 1000, -1900, 0, "城南片区", 0.34, 0),
    ("桐溪小学", "小学", "公办", -1900, -700, 0, "城南片区", 0.30, 0),
    ("西门小学", "小学", "公办", -3300, 300, 0, "西郊城中村", 0.70, 0),
    ("东城小学", "小学", "公办", 3300, 600, 0, "东城新区", 0.28, 0),
    ("东城第二小学", "小学", "公办", 4300, 1300, 0, "东城新区", 0.27, 0),
    ("东城新区九年一贯制学校", "九年一贯制", "公办", 4600, -700, 0, "东城新区", 0.27, 0.35),
    ("城关第一初级中学", "初中", "公办", -300, 1700, 0, "老城区", 0, 0.55),
    ("实验中学", "初中", "公办", 1300, 2300, 0, "老城区", 0, 0.27),
    ("城南初级中学", "初中", "公办", 200, -1200, 0, "城南片区", 0, 0.95),
    ("东城初级中学", "初中", "公办", 4000, 1500, 0, "东城新区", 0, 0.50),
    ("西郊初级中学", "初中", "公办", -3400, -900, 0, "西郊城中村", 0, 0.60),
    ("博文学校", "九年一贯制", "民办", 2900, -1300, 0, "东城新区", 0.18, 0.15),
    ("育才小学", "小学", "民办", -2400, 1100, 0, "西郊城中村", 0.40, 0),
]
for tname, (tx, ty) in TOWNS:
    schools.append((tname[:2] + "镇中心小学", "小学", "公办", tx + 120, ty - 80, 0, tname, 0.85, 0))
for t in (0, 1, 3):
    tname, (tx, ty) = TOWNS[t]
    schools.append((tname[:2] + "镇中学", "初中", "公办", tx - 300, ty + 250, 0, tname, 0, 1.05))
schools += [
    ("龙潭九年一贯制学校", "九年一贯制", "公办", TOWNS[2][1][0] - 200, TOWNS[2][1][1] + 350, 0,
     "龙潭镇", 0.25, 1.05),
    ("青山寄宿制学校", "九年一贯制", "公办", TOWNS[4][1][0] + 400, TOWNS[4][1][1] + 200, 1,
     "青山镇", 0.25, 1.05),
    ("县寄宿制初级中学", "初中", "公办", -9000, -14000, 1, "马鞍镇", 0, 1.15),
    ("白沙镇启明小学", "小学", "民办", TOWNS[1][1][0] + 500, TOWNS[1][1][1] - 400, 0, "白沙镇", 0.12, 0),
]
# Village teaching points (教学点): small primaries in three remote villages.
for tname, k in (("石门镇", 0), ("马鞍镇", 3), ("青山镇", 5)):
    vs = [c for c in compounds if c["town"] == tname and c["area"] == "乡村"]
    vs.sort(key=lambda c: -math.hypot(c["cx"] - dict(TOWNS)[tname][0], c["cy"] - dict(TOWNS)[tname][1]))
    v = vs[k % len(vs)]
    schools.append((v["name"][:-1] + "教学点", "小学", "公办", v["cx"] + 150, v["cy"] + 60, 0, tname, 0.08, 0))

# Addresses as a notice gives them: the town, a street of the district (a
# village teaching point: its village) and a number from the position (no
# draw from rng, so the other files stay as they were).
STREETS = {"老城区": "解放路", "城南片区": "城南大道", "东城新区": "东城大道", "西郊城中村": "西门路"}


def address(i, name, district, x, y):
    number = (int(abs(x) + abs(y)) // 40 + 11 * i) % 190 + 1
    if district in STREETS:
        return "桐溪县城关镇%s%d号" % (STREETS[district], number)
    if name.endswith("教学点"):
        return "桐溪县%s%s村" % (district, name[:-3])
    return "桐溪县%s府前街%d号" % (district, number)


# Seats from the district's pupils: headroom everywhere, short in 东城新区.
demand = {}
for c in compounds:
    d = demand.setdefault(c["district"], [0, 0])
    d[0] += c["p"][0] + c["p"][1]
    d[1] += c["p"][2] + c["p"][3]
HEADROOM = {"东城新区": 0.72}
rows = []
for i, (name, lvl, sector, x, y, boarding, district, pshare, jshare) in enumerate(schools):
    head = HEADROOM.get(district, 1.08) * rng.uniform(0.97, 1.05)
    pc = int(round(demand[district][0] * pshare * head / 45.0)) if pshare else 0
    jc = int(round(demand[district][1] * jshare * head / 50.0)) if jshare else 0
    pc = max(pc, 2) if pshare else 0
    jc = max(jc, 2) if jshare else 0
    pp = jp = 0
    if sector == "民办":
        pp = int(round(pc * 45 * 0.5 / 5.0)) * 5
        jp = int(round(jc * 50 * 0.5 / 5.0)) * 5
    lo, la = wgs_to_gcj(*lonlat(x, y))
    rows.append(("XX%03d" % (i + 1), name, lvl, sector, pc, jc, pp, jp,
                 "是" if boarding else "否", "%.6f" % lo, "%.6f" % la, address(i, name, district, x, y)))

# ---------------------------------------------------------------- write
os.makedirs(OUT, exist_ok=True)


def dump(path, obj):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        json.dump(obj, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")


CRS = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4490"}}
features = []
for c in compounds:
    pl, pm, jl, jm = c["p"]
    features.append({
        "type": "Feature",
        "properties": {"小区代码": c["id"], "小区名称": c["name"], "乡镇": c["town"],
                       "片区": c["district"], "类型": c["area"], "户数": c["households"],
                       "小学户籍": pl, "小学随迁": pm, "初中户籍": jl, "初中随迁": jm},
        "geometry": {"type": "Polygon", "coordinates": [ring(c["pts"])]},
    })
dump(os.path.join(OUT, "compounds.geojson"),
     {"type": "FeatureCollection", "name": "compounds", "crs": CRS, "features": features})

with open(os.path.join(OUT, "schools.csv"), "w", encoding="utf-8", newline="\n") as f:
    f.write("学校代码,学校名称,学段,办学性质,小学班数,初中班数,小学购买学位,初中购买学位,寄宿制,经度,纬度,地址\n")
    for r in rows:
        f.write(",".join(str(v) for v in r) + "\n")

river = [lonlat(x, river_y(x)) for x in range(-9000, 12001, 250)]
dump(os.path.join(OUT, "river.geojson"), {
    "type": "FeatureCollection", "name": "river", "crs": CRS,
    "features": [{"type": "Feature", "properties": {"名称": "桐溪"},
                  "geometry": {"type": "LineString",
                               "coordinates": [[round(a, 7), round(b, 7)] for a, b in river]}}]})
road = [lonlat(RING_C[0] + RING_R * math.cos(2 * math.pi * k / 72),
               RING_C[1] + RING_R * math.sin(2 * math.pi * k / 72)) for k in range(73)]
dump(os.path.join(OUT, "ring_road.geojson"), {
    "type": "FeatureCollection", "name": "ring_road", "crs": CRS,
    "features": [{"type": "Feature", "properties": {"名称": "环城路"},
                  "geometry": {"type": "LineString",
                               "coordinates": [[round(a, 7), round(b, 7)] for a, b in road]}}]})
bnd = [(-27000, -28000), (27000, -28000), (29000, 4000), (26000, 17000), (0, 18500), (-22000, 17000),
       (-24000, 0)]
dump(os.path.join(OUT, "boundary.geojson"), {
    "type": "FeatureCollection", "name": "boundary", "crs": CRS,
    "features": [{"type": "Feature", "properties": {"名称": "桐溪县"},
                  "geometry": {"type": "Polygon", "coordinates": [ring(bnd)]}}]})


# ---------------------------------------------------------------- roads
# The road network (roads.geojson), made from the geometry above only (no
# random numbers: the files above stay as they were).  The river is crossed
# at exactly two bridges, where the ring road crosses it; the town's walkable
# street grid (420 m, between the compounds) stops at each bank's riverside
# road; county roads join each town to the ring, village roads each village
# to its town's streets.  Lines meet only where they share a vertex.
def river_side(x, y):
    return y - river_y(x)


def crosses_river(a, b, clear=0.0):
    """Whether the straight road a-b crosses the river (or comes within
    `clear` metres of its centre line, measured north-south)."""
    if max(a[0], b[0]) < -9000 or min(a[0], b[0]) > 12000:
        return False
    n = max(2, int(math.hypot(b[0] - a[0], b[1] - a[1]) / 20.0))
    side = None
    for k in range(n + 1):
        x = a[0] + (b[0] - a[0]) * k / n
        y = a[1] + (b[1] - a[1]) * k / n
        if x < -9000 or x > 12000:
            continue
        d = river_side(x, y)
        if abs(d) < clear:
            return True
        if side is None:
            side = d > 0
        elif side != (d > 0):
            return True
    return False


roads = []   # (name, class, [(x, y), ...]) in local metres


def add_road(name, cls, pts):
    if len(pts) >= 2:
        roads.append((name, cls, pts))


# the ring road: the only crossings of the river are its two bridges
ring_pts = [(RING_C[0] + RING_R * math.cos(2 * math.pi * k / 72),
             RING_C[1] + RING_R * math.sin(2 * math.pi * k / 72)) for k in range(73)]
add_road("环城路", "主干路", ring_pts)
urban = [(c["cx"], c["cy"]) for c in compounds if c["town"] == "城关镇"]
town_schools = [(x, y) for (_, _, _, x, y, _, d, _, _) in schools[:19]]


def near_any(x, y, pts, r):
    return any(abs(x - px) < r and abs(y - py) < r for px, py in pts)


# the town's street grid: nodes between the compounds, kept near them
G = 420.0
xs = [(k + 0.5) * G for k in range(-12, 16)]
ys = [(k + 0.5) * G for k in range(-13, 13)]
node = {}
for i, x in enumerate(xs):
    for j, y in enumerate(ys):
        if abs(river_side(x, y)) > 130 and near_any(x, y, urban + town_schools, 500):
            node[i, j] = (x, y)


def grid_runs(cells, name, cls, step):
    """Streets through consecutive kept nodes (`cells`: ordered keys),
    broken where a node is missing or a piece would cross the river."""
    run = []
    for key in cells:
        p = node.get(key)
        if p and run and crosses_river(run[-1], p, 120):
            add_road(name, cls, run)
            run = []
        if p:
            run.append(p)
        else:
            add_road(name, cls, run)
            run = []
    add_road(name, cls, run)


for j in range(len(ys)):
    grid_runs([(i, j) for i in range(len(xs))], "城区街道", "支路", G)
for i in range(len(xs)):
    grid_runs([(i, j) for j in range(len(ys))], "城区街道", "支路", G)
# riverside roads on both banks, inside the ring, each street ending at them
for bank, off in (("北岸", 120.0), ("南岸", -120.0)):
    pts = []
    x = -2800.0
    while x <= 3500.0:
        pts.append((x, river_y(x) + off))
        x += 105.0
    pts = [p for p in pts if math.hypot(p[0] - RING_C[0], p[1] - RING_C[1]) < RING_R - 60]
    add_road("沿河路" + bank, "次干路", pts)
    bank_at = {round(p[0]): p for p in pts}
    for i, x in enumerate(xs):
        b = bank_at.get(round(x))
        if not b:
            continue
        # the kept node nearest the bank on this side
        side = [(abs(y - b[1]), (x, y)) for (ii, j), (_, y) in node.items()
                if ii == i and (river_side(x, y) > 0) == (off > 0)]
        if side:
            add_road("城区街道", "支路", [b, min(side)[1]])
# the ring joined to the nearest street of its side at every vertex near one
for v in ring_pts[:-1]:
    best = min(((math.hypot(v[0] - p[0], v[1] - p[1]), p) for p in node.values()),
               default=None)
    if best and best[0] < 450 and not crosses_river(v, best[1], 60):
        add_road("城区街道", "支路", [v, best[1]])

# towns: a 330 m street grid at each centre; county roads to the ring
for tname, (tx, ty) in TOWNS:
    tg = [(tx + (k + 0.5) * 330.0) for k in range(-4, 4)]
    th = [(ty + (k + 0.5) * 330.0) for k in range(-4, 4)]
    for y in th:
        add_road(tname[:2] + "镇街道", "支路", [(x, y) for x in tg])
    for x in tg:
        add_road(tname[:2] + "镇街道", "支路", [(x, y) for y in th])
    corners = [(x, y) for x in (tg[0], tg[-1]) for y in (th[0], th[-1])]
    choice = min(((math.hypot(c[0] - v[0], c[1] - v[1]), c, v) for c in corners for v in ring_pts[:-1]
                  if not crosses_river(c, v, 60)))
    c, v = choice[1], choice[2]
    n = max(1, int(choice[0] / 500))
    add_road(tname[:2] + "公路", "县道", [(c[0] + (v[0] - c[0]) * k / n, c[1] + (v[1] - c[1]) * k / n)
                                           for k in range(n + 1)])
    # village roads: from each village's centre to the town's nearest street corner
    grid_pts = [(x, y) for x in tg for y in th]
    for cc in compounds:
        if cc["town"] == tname and cc["area"] == "乡村":
            g = min(grid_pts, key=lambda p: math.hypot(p[0] - cc["cx"], p[1] - cc["cy"]))
            d = math.hypot(g[0] - cc["cx"], g[1] - cc["cy"])
            n = max(1, int(d / 500))
            add_road(cc["name"] + "村道", "村道",
                     [(cc["cx"] + (g[0] - cc["cx"]) * k / n, cc["cy"] + (g[1] - cc["cy"]) * k / n)
                      for k in range(n + 1)])
# schools off every street (the county boarding junior, teaching points)
for (name, lvl, sector, x, y, boarding, district, ps, js) in schools:
    near = min((math.hypot(x - p[0], y - p[1]), p) for _, _, pts in roads for p in pts)
    if near[0] > 250:
        n = max(1, int(near[0] / 500))
        q = near[1]
        add_road(name + "路", "村道", [(x + (q[0] - x) * k / n, y + (q[1] - y) * k / n)
                                      for k in range(n + 1)])
# one network: a piece of street the grid left apart (cut by the river or
# by a missing node) is joined to the rest by a short link on its own bank
def pieces():
    parent = {}

    def find(a):
        while parent.setdefault(a, a) != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a
    for _, _, pts in roads:
        keys = [(round(x, 3), round(y, 3)) for x, y in pts]
        for a, b in zip(keys, keys[1:]):
            parent[find(a)] = find(b)
    groups = {}
    for k in list(parent):
        groups.setdefault(find(k), []).append(k)
    return sorted(groups.values(), key=len, reverse=True)


for _ in range(200):
    parts = pieces()
    if len(parts) == 1:
        break
    main = parts[0]
    joined = False
    for piece in parts[1:]:
        pairs = sorted((math.hypot(a[0] - b[0], a[1] - b[1]), a, b) for a in piece for b in main)
        best = next((p for p in pairs if not crosses_river(p[1], p[2], 60)), None)
        if best:
            add_road("城区街道", "支路", [best[1], best[2]])
            joined = True
            break
    assert joined, "a piece of road that cannot be joined"
assert len(pieces()) == 1

# the promise: no road but the ring crosses the river
for name, cls, pts in roads[1:]:
    for a, b in zip(pts, pts[1:]):
        assert not crosses_river(a, b), name

dump(os.path.join(OUT, "roads.geojson"), {
    "type": "FeatureCollection", "name": "roads", "crs": CRS,
    "features": [{"type": "Feature", "properties": {"名称": name, "道路等级": cls},
                  "geometry": {"type": "LineString",
                               "coordinates": [[round(a, 7), round(b, 7)]
                                               for a, b in (lonlat(x, y) for x, y in pts)]}}
                 for name, cls, pts in roads]})

tot = [sum(c["p"][k] for c in compounds) for k in range(4)]
print("%d compounds (%s), %d schools; primary %d local + %d migrant, junior %d + %d" % (
    len(compounds),
    ", ".join("%s %d" % (a, sum(1 for c in compounds if c["area"] == a)) for a in ("城区", "镇区", "乡村")),
    len(rows), tot[0], tot[1], tot[2], tot[3]))
if os.environ.get("TONGXI_DEBUG"):
    for k, v in sorted(demand.items()):
        print(k, v, sum(1 for c in compounds if c["district"] == k))
