#!/usr/bin/env python3
"""campaign.py: a fuzz campaign through the command line (issue 12).

Mutates the seed inputs in tests/fuzz/corpus (INI files, GeoJSON and CSV
layers, plan folders) and runs the catchment CLI of a sanitizer build on
each, as a user would:

  ini      the scenario file, beside the fixed layers: `check`, then
           `solve` when the check passes
  geojson  a GeoJSON layer as the compounds, the schools or the boundary
           (one of the three, at random): `check`
  csv      a CSV layer as the schools or the compounds: `check`
  plan     a plan folder (GeoJSON, CSV or shapefile, from corpus/plan):
           `compare` with a good plan, then `solve` with it as
           previous_plan

A run is a crash when it dies on a signal or exits with a status the CLI
never uses (0-3 are its own), a sanitizer report when its stderr has one
(ASan, UBSan, LeakSanitizer), a hang when it runs past the timeout.  Each
finding's input and stderr are kept in --keep.  Standard library only.

  tests/fuzz/campaign.py [--bin build-sanitize/catchment] [--inputs 5000]
                         [--kinds ini,geojson,csv,plan] [--jobs N] [--seed 1]
                         [--timeout 10] [--keep build-campaign/findings]
  tests/fuzz/campaign.py pack DIR [FILE...]
      prints plan folder DIR (or the FILEs in it) as a fuzz_plan input

The CLI must be built with the sanitizers (scripts/dev test builds
build-sanitize so), e.g.
  meson setup build-sanitize -Db_sanitize=address,undefined -Db_lundef=false
  ninja -C build-sanitize catchment
Exit status 1 when anything was found.  Not part of CI: 5,000 inputs of
each kind take about an hour on two cores.
"""

import argparse
import collections
import concurrent.futures
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")
KINDS = ("ini", "geojson", "csv", "plan")
SANITIZER = re.compile(rb"ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|"
                       rb"SUMMARY: (Address|Undefined|Leak)")

# ------------------------------------------------------------ plan folders as text


def pack(folder, names=None):
    """A folder as fuzz_plan's input: '=== NAME' then the bytes, each."""
    out = bytearray()
    for name in sorted(names or os.listdir(folder)):
        with open(os.path.join(folder, name), "rb") as f:
            out += b"=== " + name.encode() + b"\n" + f.read() + b"\n"
    return bytes(out)


def unpack(data):
    """fuzz_plan.c's reading of a packed folder: [(name, bytes)]."""
    files, starts = [], [m.start() for m in re.finditer(rb"(?m)^=== ", data)]
    for k, s in enumerate(starts):
        eol = data.find(b"\n", s)
        eol = len(data) if eol < 0 else eol
        end = starts[k + 1] if k + 1 < len(starts) else len(data)
        body = data[min(eol + 1, end):end]
        if body.endswith(b"\n"):
            body = body[:-1]
        name = data[s + 4:eol]
        if re.fullmatch(rb"[A-Za-z0-9_.-]{1,64}", name) and not name.startswith(b"."):
            files.append((name.decode(), body))
    return files[:32]

# ------------------------------------------------------------ mutations

NUMBERS = [b"0", b"-1", b"1", b"-0", b"1e308", b"-1e308", b"1e-320", b"nan", b"NaN", b"inf",
           b"-inf", b"2147483647", b"2147483648", b"-2147483649", b"4294967296",
           b"9223372036854775808", b"99999999999999999999", b"1000000", b"1000001",
           b"0x1F", b"1,5", b"1.5", b"2.5e3", b"", b" ", b"++1", b"1e", b"."]
STRINGS = [b"", b" ", b"A" * 1000, b"%s%n%x", b"\xff\xfe", b"\xe4\xb8", b"\xc0\x80",
           b"../../../../etc/passwd", b"/dev/zero", b"=1+1", b"|a|\nb", b"\r\n",
           b"\"", b"'", b",", b";", b"#", b"[", b"]", b"\\", b"\x00", b"primary", b"junior",
           b"nine_year", b"private", b"public", b"rural", b"\xe4\xb9\x9d\xe5\xb9\xb4",
           b"S1", b"C1", b"S1:+2147483647", b"C1:1e9", b"EPSG:4326", b"EPSG:32649",
           b"EPSG:999999", b"+proj=longlat", b"GBK", b"abc", b"gcj02", b"bd09", b"none"]
INI_KEYS = {  # by section, so that most inserted keys are known there
    b"input": [b"schools", b"compounds", b"boundary", b"previous_plan", b"crs", b"encoding",
               b"schools_encoding", b"source_crs", b"compounds_source_crs", b"where",
               b"schools_where", b"schools_layer", b"coordinates", b"schools_coordinates",
               b"repair_geometry", b"boundary_source_crs", b"previous_plan_layer"],
    b"fields": [b"schools.id", b"compounds.primary_local", b"schools.x", b"schools.wkt",
                b"name", b"level.primary", b"sector.private", b"area_type.rural",
                b"boarding.yes", b"compounds.junior_migrant", b"schools.seats_junior"],
    b"policy": [b"migrant_public_share", b"max_distance_primary_m", b"max_distance_boarding_m",
                b"near_radius_junior_m", b"near_share_min_primary", b"class_size_junior",
                b"max_school_size", b"max_school_size_nine_year", b"enforce_school_size",
                b"far_school_m"],
    b"solve": [b"assignment", b"mip_gap", b"node_limit", b"effort", b"time_limit_s", b"solver",
               b"stability_weight", b"max_moved_pupils"],
    b"output": [b"path", b"format", b"name"],
    b"scenario": [b"close", b"demand_scale", b"demand", b"seats_primary", b"seats_junior",
                  b"classes_primary", b"classes_junior", b"new_schools", b"new_compounds",
                  b"open_school.S9", b"open_school.S1", b"max_distance_primary_m"],
}
INI_SECTIONS = [b"[input]", b"[fields]", b"[policy]", b"[solve]", b"[output]",
                b"[scenario x]", b"[scenario]", b"[scenario \xe6\x96\xb0]", b"[", b"[]"]
SPECIAL = b"\n\r\t ,;:\"'{}[]=#\\\x00\xff"


def m_bytes(r, d, pool):
    """A byte-level change: flip, set, insert, delete, repeat, splice, cut."""
    n = len(d)
    op = r.randrange(8)
    if n == 0 or op == 0:
        i = r.randint(0, n)
        return d[:i] + bytes(r.choice(SPECIAL) for _ in range(r.randint(1, 4))) + d[i:]
    i = r.randrange(n)
    if op == 1:
        return d[:i] + bytes([d[i] ^ (1 << r.randrange(8))]) + d[i + 1:]
    if op == 2:
        return d[:i] + bytes([r.choice(SPECIAL)]) + d[i + 1:]
    if op == 3:
        return d[:i] + d[i + r.randint(1, 64):]
    if op == 4:
        j = min(n, i + r.randint(1, 200))
        return d[:j] + d[i:j] * r.randint(1, 8) + d[j:]
    if op == 5:
        other = r.choice(pool)
        if other:
            a = r.randrange(len(other))
            return d[:i] + other[a:a + r.randint(1, 300)] + d[i:]
        return d
    if op == 6:
        return d[:i]
    return d[:i] + bytes(r.randrange(256) for _ in range(r.randint(1, 16))) + d[i:]


def m_number(r, d):
    spots = [m.span() for m in re.finditer(rb"-?\d+(\.\d+)?([eE][-+]?\d+)?", d)]
    if not spots:
        return None
    a, b = r.choice(spots)
    return d[:a] + r.choice(NUMBERS) + d[b:]


def m_scale(r, d):
    """A number made another plausible one: scaled, shifted, negated."""
    spots = list(re.finditer(rb"(?<![\w.])-?\d+(\.\d+)?(?![\w.])", d))
    if not spots:
        return None
    m = r.choice(spots)
    v = float(m.group(0))
    v = r.choice((0, v * 0.5, v * 2, v * 10, v * 1000, v + 1, v - 1, -v, v * 1e6))
    if v != v or abs(v) > 1e300:
        return None
    text = b"%d" % int(v) if m.group(1) is None or r.random() < 0.5 else b"%g" % v
    return d[:m.start()] + text + d[m.end():]


def m_text(r, d):
    """Replaces a quoted string, a CSV cell or an INI value."""
    spots = [m.span(1) for m in re.finditer(rb"\"((?:[^\"\\\n]|\\.)*)\"", d)]
    spots += [m.span(1) for m in re.finditer(rb"(?m)(?:^|,)([^,\n\"]*)", d)]
    spots += [m.span(1) for m in re.finditer(rb"(?m)=[ \t]*(.*)$", d)]
    if not spots:
        return None
    a, b = r.choice(spots)
    return d[:a] + r.choice(STRINGS + NUMBERS) + d[b:]


def m_value(r, d):
    """An INI value replaced by one of the interesting ones."""
    spots = [m.span(1) for m in re.finditer(rb"(?m)^[^;#\[\n]*?=[ \t]*(.*)$", d)]
    if not spots:
        return None
    a, b = r.choice(spots)
    return d[:a] + r.choice(STRINGS + NUMBERS) + d[b:]


def m_lines(r, d, pool):
    lines = d.split(b"\n")
    op, i = r.randrange(4), r.randrange(len(lines))
    if op == 0:
        lines.insert(i, lines[r.randrange(len(lines))])
    elif op == 1 and len(lines) > 1:
        del lines[i]
    elif op == 2:
        j = r.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    else:
        other = r.choice(pool).split(b"\n")
        lines.insert(i, r.choice(other))
    return b"\n".join(lines)


def m_ini(r, d):
    """Scenario-file moves: a key known in its section, a section, a key renamed."""
    lines = d.split(b"\n")
    i = r.randrange(len(lines) + 1)
    op = r.randrange(4)
    if op <= 1:
        section = b"input"
        for line in lines[:i]:
            m = re.match(rb"\[(\w+)", line.strip())
            if m:
                section = m.group(1)
        keys = INI_KEYS.get(section, INI_KEYS[b"input"]) if op == 0 else \
            [k for ks in INI_KEYS.values() for k in ks]
        lines.insert(i, r.choice(keys) + b" = " + r.choice(STRINGS + NUMBERS))
    elif op == 2:
        lines.insert(i, r.choice(INI_SECTIONS))
    else:
        keyed = [k for k, line in enumerate(lines) if b"=" in line]
        if not keyed:
            return None
        k = r.choice(keyed)
        keys = [k for ks in INI_KEYS.values() for k in ks]
        lines[k] = r.choice(keys) + lines[k][lines[k].index(b"="):]
    return b"\n".join(lines)


def mutate(r, d, pool, kind):
    for _ in range(r.choice((1, 1, 1, 1, 2, 2, 3, 5))):
        moves = [m_bytes, m_number, m_scale, m_text, m_lines]
        if kind == "ini":
            moves += [m_ini, m_value, m_scale, m_scale]
        for _ in range(4):
            move = r.choice(moves)
            if move in (m_bytes, m_lines):
                out = move(r, d, pool)
            else:
                out = move(r, d)
            if out is not None and out != d:
                d = out
                break
    return d[:200000]

# ------------------------------------------------------------ one input


def seeds(kind):
    folder = os.path.join(CORPUS, kind)
    out = []
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name), "rb") as f:
            out.append((name, f.read()))
    return out


def read(path):
    with open(path, "rb") as f:
        return f.read()


FIXED = {  # the fixed layers, as the fuzz targets have them
    "schools.csv": os.path.join(CORPUS, "csv", "schools.csv"),
    "compounds.geojson": os.path.join(CORPUS, "geojson", "compounds.geojson"),
    "estate.geojson": os.path.join(CORPUS, "geojson", "estate.geojson"),
    "boundary.geojson": os.path.join(CORPUS, "geojson", "boundary.geojson"),
}
INI = (b"[input]\nschools = %s\nschools_source_crs = EPSG:4326\ncompounds = %s\n"
       b"compounds_source_crs = EPSG:4326\n%s")


def run(cmd, cwd, timeout, env):
    t = time.monotonic()
    p = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, start_new_session=True)
    try:
        _, err = p.communicate(timeout=timeout)
        return p.returncode, err, time.monotonic() - t
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        _, err = p.communicate()
        return None, err, time.monotonic() - t


def one(job):
    """Makes and runs input `index` of `kind` (or seed `as_is` unchanged):
    (kind, index, seed's name, outcome, [(exit status, seconds)])."""
    kind, index, seed, opts, as_is = job
    r = random.Random("%d/%s/%d" % (seed, kind, index))
    pool = [d for _, d in SEEDS[kind]]
    if as_is is not None:
        name, data = SEEDS[kind][as_is]
    else:
        # mostly a seed the CLI takes as it is: the mutant then gets further
        live = [sd for sd in SEEDS[kind] if sd[0] in LIVE[kind]]
        name, data = r.choice(live if live and r.random() < 0.75 else SEEDS[kind])
    work = tempfile.mkdtemp(prefix="cm-campaign-")
    for f, src in FIXED.items():
        shutil.copy(src, os.path.join(work, f))
    cmds = []
    note = name
    if kind == "plan":
        files = unpack(data)
        plan = os.path.join(work, "plan")
        os.mkdir(plan)
        for k in range(r.choice((1, 1, 1, 2, 3)) if as_is is None else 0):
            if not files:
                break
            i = r.randrange(len(files))
            fname, body = files[i]
            op = r.randrange(10)
            if op == 0:
                del files[i]  # a layer missing
            elif op == 1:
                files[i] = (fname, body[:r.randrange(len(body) + 1)])  # truncated
            else:
                files[i] = (fname, mutate(r, body, [b for _, b in files], kind))
        for fname, body in files:
            with open(os.path.join(plan, fname), "wb") as f:
                f.write(body)
        with open(os.path.join(work, "prev.ini"), "wb") as f:
            f.write(INI % (b"schools.csv", b"compounds.geojson",
                           b"previous_plan = plan\n[solve]\nstability_weight = 1000\n"))
        shutil.copytree(GOOD_PLAN, os.path.join(work, "good"))
        cmds = [[opts.bin, "compare", "-o", "changes.csv", "plan", "good"],
                [opts.bin, "solve", "-o", "out.gpkg", "prev.ini"]]
    else:
        if as_is is None:
            data = mutate(r, data, pool, kind)
        if kind == "ini":
            with open(os.path.join(work, "in.ini"), "wb") as f:
                f.write(data)
            cmds = [[opts.bin, "check", "in.ini"], [opts.bin, "solve", "-o", "out.gpkg", "in.ini"]]
        else:
            ext = "geojson" if kind == "geojson" else "csv"
            layer = b"in." + ext.encode()
            with open(os.path.join(work, "in." + ext), "wb") as f:
                f.write(data)
            roles = ["compounds", "schools"] + (["boundary"] if kind == "geojson" else [])
            role = r.choice(roles) if as_is is None else "compounds"
            for k in roles:  # mostly the role the seed was made for
                if (k in name or (k == "compounds" and "estate" in name)) and \
                        (as_is is not None or r.random() < 0.8):
                    role = k
            note += " as " + role
            ini = {"compounds": INI % (b"schools.csv", layer, b""),
                   "schools": INI % (layer, b"compounds.geojson", b""),
                   "boundary": INI % (b"schools.csv", b"compounds.geojson",
                                      b"boundary = " + layer + b"\n")}[role]
            with open(os.path.join(work, "in.ini"), "wb") as f:
                f.write(ini)
            cmds = [[opts.bin, "check", "in.ini"]]
    results = []
    for k, cmd in enumerate(cmds):
        if kind == "ini" and k == 1 and results[0][0] != 0:
            break  # solve only what checks
        rc, err, secs = run(cmd, work, opts.timeout, ENV)
        results.append((rc, err, secs))
    outcome = "ok"
    for rc, err, secs in results:
        if rc is None:
            outcome = "hang"
        elif SANITIZER.search(err):
            outcome = "sanitizer"
        elif rc < 0 or rc > 3:
            outcome = "crash"
        if outcome != "ok":
            break
    if outcome != "ok" and opts.keep:
        dest = os.path.join(opts.keep, "%s-%05d-%s" % (kind, index, outcome))
        shutil.copytree(work, dest, dirs_exist_ok=True)
        with open(os.path.join(dest, "stderr.txt"), "wb") as f:
            for (rc, err, secs), cmd in zip(results, cmds):
                f.write(("$ %s  -> %s (%.1f s)\n" % (" ".join(cmd[1:]), rc, secs)).encode())
                f.write(err + b"\n")
    shutil.rmtree(work, ignore_errors=True)
    return (kind, index, note, outcome, [(rc, secs) for rc, _, secs in results])

# ------------------------------------------------------------ the campaign


def good_plan(binary):
    """A good GeoJSON plan of the fixed layers, to compare against."""
    d = tempfile.mkdtemp(prefix="cm-campaign-good-")
    for f, src in FIXED.items():
        shutil.copy(src, os.path.join(d, f))
    with open(os.path.join(d, "s.ini"), "wb") as f:
        f.write(INI % (b"schools.csv", b"compounds.geojson", b""))
    subprocess.run([binary, "-q", "solve", "--format", "geojson", "-o", "good", "s.ini"],
                   cwd=d, env=ENV, check=True)
    return os.path.join(d, "good")


def live_seeds(kind, opts):
    """The seeds whose every run exits 0 unmutated."""
    live = set()
    for k, (name, _) in enumerate(SEEDS[kind]):
        if all(rc == 0 for rc, _ in one((kind, -1, 0, opts, k))[4]):
            live.add(name)
    return live


def main():
    global SEEDS, GOOD_PLAN, ENV, LIVE
    if len(sys.argv) > 2 and sys.argv[1] == "pack":
        sys.stdout.buffer.write(pack(sys.argv[2], sys.argv[3:] or None))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default="build-sanitize/catchment")
    ap.add_argument("--inputs", type=int, default=5000)
    ap.add_argument("--kinds", default=",".join(KINDS))
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=10)
    ap.add_argument("--keep", default="build-campaign/findings")
    opts = ap.parse_args()
    opts.bin = os.path.abspath(opts.bin)
    if opts.keep:
        opts.keep = os.path.abspath(opts.keep)
        os.makedirs(opts.keep, exist_ok=True)
    ENV = dict(os.environ,
               ASAN_OPTIONS="detect_leaks=1:abort_on_error=1",
               UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:abort_on_error=1",
               LSAN_OPTIONS="exitcode=23")
    kinds = [k for k in opts.kinds.split(",") if k]
    SEEDS = {k: seeds(k) for k in kinds}
    GOOD_PLAN = good_plan(opts.bin)
    print("campaign: %d inputs of each of %s through %s, timeout %g s, seed %d, %d jobs"
          % (opts.inputs, ", ".join(kinds), opts.bin, opts.timeout, opts.seed, opts.jobs),
          flush=True)
    count = {k: collections.Counter() for k in kinds}
    status = {k: collections.Counter() for k in kinds}
    slowest = {k: 0.0 for k in kinds}
    LIVE = {k: live_seeds(k, opts) for k in kinds}
    for k in kinds:
        print("  %s seeds: %s; taken as they are: %s" % (k, len(SEEDS[k]), ", ".join(sorted(LIVE[k]))))
    jobs = [(k, i, opts.seed, opts, None) for k in kinds for i in range(opts.inputs)]
    start = time.monotonic()
    with concurrent.futures.ProcessPoolExecutor(opts.jobs) as ex:
        for n, (kind, index, note, outcome, res) in enumerate(ex.map(one, jobs, chunksize=4), 1):
            count[kind][outcome] += 1
            count[kind]["runs"] += len(res)
            for rc, secs in res:
                status[kind][rc] += 1
                slowest[kind] = max(slowest[kind], secs)
            if outcome != "ok":
                print("  %s %d (%s): %s" % (kind, index, note, outcome), flush=True)
            if n % 1000 == 0:
                print("  %d/%d inputs, %.0f s" % (n, len(jobs), time.monotonic() - start),
                      flush=True)
    shutil.rmtree(os.path.dirname(GOOD_PLAN), ignore_errors=True)
    print("%-8s %7s %6s %7s %10s %6s %9s  %s" % ("kind", "inputs", "runs", "crashes",
                                                  "sanitizer", "hangs", "slowest", "exit statuses"))
    bad = 0
    for k in kinds:
        c = count[k]
        bad += c["crash"] + c["sanitizer"] + c["hang"]
        st = ", ".join("%s: %d" % (s if s is not None else "timeout", n)
                       for s, n in sorted(status[k].items(), key=lambda x: (x[0] is None, x[0] or 0)))
        print("%-8s %7d %6d %7d %10d %6d %8.1fs  %s" % (k, opts.inputs, c["runs"], c["crash"],
                                                      c["sanitizer"], c["hang"], slowest[k], st))
    print("%.0f s in all" % (time.monotonic() - start))
    return 1 if bad else 0


SEEDS = GOOD_PLAN = ENV = LIVE = None

if __name__ == "__main__":
    sys.exit(main())
