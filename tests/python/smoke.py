#!/usr/bin/env python3
"""smoke.py: the shared library through ctypes, as Python bindings would use it.

Loads libcatchment.so, parses a scenario, loads, checks and solves the tiny
fixture (tests/data/schools.geojson and compounds.geojson; the solve's
options, cm_solve_opts, made by cm_solve_opts_init as a binding makes them,
with no thread started), and holds the
figures that come back to the fixture's own totals, read with the json
module, and has the terminal summary handed to a Python callback; the plan
keeps the dataset and configuration it was solved from (cm_plan_dataset,
cm_plan_config) and builds its catchments when they are first asked for
(cm_plan_catchments).  It also checks what the library exports: every function catchment.h marks CM_EXTERN,
and none of the cm__ names the modules share.  Python's standard library
only: the start of bindings for QGIS users (issue 15).

Run by meson (tests/meson.build) with
    CM_LIBRARY    the shared library
    CM_SOURCE     the source tree (include/, src/, tests/data/)
    CM_VERSION    the project's version
    CM_SANITIZE   meson's b_sanitize: the test skips unless "none"
Exit status 0 pass, 1 fail, 77 skipped (the reason printed).
"""
import ctypes
import json
import os
import re
import shutil
import subprocess
import sys

SKIP = 77

# ---------------------------------------------------------------- the ABI
# Mirrors of the public structs the test reads (include/catchment.h).
c_enum = ctypes.c_int
CM_NLEVELS = 2
CM_NGROUPS = 2
CM_PRIMARY, CM_JUNIOR = 0, 1
CM_ERROR, CM_EINPUT = -1, -3
CM_SOLVE_OPTS_VERSION = 1


class LevelStats(ctypes.Structure):
    _fields_ = [
        ("pupils", ctypes.c_long * CM_NGROUPS),
        ("seats", ctypes.c_long * 2),
        ("purchased", ctypes.c_long),
        ("migrant_places", ctypes.c_long),
        ("schools", ctypes.c_size_t),
        ("no_eligible", ctypes.c_size_t),
        ("no_eligible_pupils", ctypes.c_long),
    ]


class CheckReport(ctypes.Structure):
    _fields_ = [
        ("schools_by", (ctypes.c_size_t * 2) * 3),
        ("boarding", ctypes.c_size_t),
        ("compounds_by_area", ctypes.c_size_t * 3),
        ("compound_points", ctypes.c_size_t),
        ("compound_polygons", ctypes.c_size_t),
        ("level", LevelStats * CM_NLEVELS),
        ("errors", ctypes.c_size_t),
        ("warnings", ctypes.c_size_t),
        ("solvable", ctypes.c_int),
    ]


class School(ctypes.Structure):
    _fields_ = [
        ("id", ctypes.c_char_p),
        ("name", ctypes.c_char_p),
        ("kind", c_enum),
        ("sector", c_enum),
        ("seats", ctypes.c_int * CM_NLEVELS),
        ("purchased", ctypes.c_int * CM_NLEVELS),
        ("boarding", ctypes.c_int),
        ("x", ctypes.c_double), ("y", ctypes.c_double),
        ("lon", ctypes.c_double), ("lat", ctypes.c_double),
        ("fid", ctypes.c_long),
        ("address", ctypes.c_char_p),
    ]


class Assignment(ctypes.Structure):
    _fields_ = [
        ("compound", ctypes.c_size_t),
        ("level", c_enum),
        ("school", ctypes.c_long),
        ("seat", c_enum),
        ("local", ctypes.c_int),
        ("migrant", ctypes.c_int),
        ("distance_m", ctypes.c_double),
        ("minutes", ctypes.c_double),
    ]


class LevelSummary(ctypes.Structure):
    _fields_ = [
        ("solved", ctypes.c_int),
        ("pupils", ctypes.c_long), ("placed", ctypes.c_long), ("unplaced", ctypes.c_long),
        ("migrants", ctypes.c_long), ("migrants_public", ctypes.c_long),
        ("pupil_metres", ctypes.c_double),
        ("mean_distance_m", ctypes.c_double), ("max_distance_m", ctypes.c_double),
        ("near_share", ctypes.c_double),
        ("migrant_public_share", ctypes.c_double),
        ("quota_met", ctypes.c_int),
        ("lp_bound", ctypes.c_double),
        ("lp_unplaced", ctypes.c_long),
        ("bound", ctypes.c_double),
        ("bound_unplaced", ctypes.c_long),
        ("mip_gap", ctypes.c_double),
        ("nodes", ctypes.c_long),
        ("proven", ctypes.c_int),
        ("solve_seconds", ctypes.c_double),
        ("overfull", ctypes.c_int),
        ("oversize", ctypes.c_int),
        ("integral", ctypes.c_int),
        ("has_previous", ctypes.c_int),
        ("moved", ctypes.c_long),
        ("moved_compounds", ctypes.c_int),
        ("forced_compounds", ctypes.c_int),
        ("mean_minutes", ctypes.c_double),
    ]


class SolveOpts(ctypes.Structure):
    """cm_solve_opts, version 1: filled by cm_solve_opts_init."""
    _fields_ = [
        ("version", ctypes.c_uint),
        ("config", ctypes.c_void_p),
        ("previous", ctypes.c_void_p),
        ("threads", ctypes.c_int),
    ]


# cm_write_fn: a report's text, piece by piece, to Python.
WRITE_FN = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_char), ctypes.c_size_t,
                            ctypes.c_void_p)


def bind(lib):
    """Declares the signatures used here, so ctypes passes pointers whole."""
    p = ctypes.c_void_p
    pp = ctypes.POINTER(ctypes.c_void_p)
    sigs = {
        "cm_version": (ctypes.c_char_p, []),
        "cm_ctx_new": (ctypes.c_int, [pp]),
        "cm_ctx_free": (None, [p]),
        "cm_ctx_last_error": (ctypes.c_char_p, [p]),
        "cm_config_parse_string": (ctypes.c_int, [p, ctypes.c_char_p, ctypes.c_char_p,
                                                  ctypes.c_char_p, pp]),
        "cm_config_free": (None, [p]),
        "cm_dataset_load": (ctypes.c_int, [p, p, pp]),
        "cm_dataset_free": (None, [p]),
        "cm_dataset_schools": (ctypes.c_size_t, [p, ctypes.POINTER(ctypes.POINTER(School))]),
        "cm_dataset_compounds": (ctypes.c_size_t, [p, pp]),
        "cm_check": (ctypes.c_int, [p, p, p, ctypes.POINTER(CheckReport)]),
        "cm_solve_opts_init": (ctypes.c_int, [ctypes.POINTER(SolveOpts), ctypes.c_uint]),
        "cm_solve": (ctypes.c_int, [p, p, ctypes.POINTER(SolveOpts), pp]),
        "cm_plan_free": (None, [p]),
        "cm_plan_summary": (ctypes.POINTER(LevelSummary), [p, c_enum]),
        "cm_plan_assignments": (ctypes.c_size_t,
                                [p, ctypes.POINTER(ctypes.POINTER(Assignment))]),
        "cm_level_name": (ctypes.c_char_p, [c_enum]),
        "cm_report_stream": (ctypes.c_int, [p, WRITE_FN, p, pp]),
        "cm_report_plan": (ctypes.c_int, [p, p, p]),
        "cm_plan_dataset": (p, [p]),
        "cm_plan_config": (p, [p]),
        "cm_plan_catchments": (ctypes.c_int, [p, p, pp, ctypes.POINTER(ctypes.c_size_t)]),
    }
    for name, (res, args) in sigs.items():
        f = getattr(lib, name)
        f.restype = res
        f.argtypes = args


# ---------------------------------------------------------------- checks
failures = []


def expect(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def fixture_totals(data):
    """Schools and pupils by level, from the GeoJSON fixture itself."""
    with open(os.path.join(data, "compounds.geojson"), encoding="utf-8") as f:
        compounds = json.load(f)["features"]
    with open(os.path.join(data, "schools.geojson"), encoding="utf-8") as f:
        schools = json.load(f)["features"]
    pupils = {}
    for lv, name in ((CM_PRIMARY, "primary"), (CM_JUNIOR, "junior")):
        pupils[lv] = tuple(sum(c["properties"][name + "_" + g] or 0 for c in compounds)
                           for g in ("local", "migrant"))
    return len(schools), len(compounds), [s["properties"]["id"] for s in schools], pupils


def check_exports(lib, libpath, source):
    """Every CM_EXTERN function resolves, no cm__ name does, and (with nm)
    the library exports nothing else."""
    with open(os.path.join(source, "include", "catchment.h"), encoding="utf-8") as f:
        header = f.read()
    public = set(re.findall(r"^CM_EXTERN\b[^(;]*?\b(cm_[a-z0-9_]+)\(", header, re.M))
    expect(len(public) > 40, "catchment.h: %d CM_EXTERN functions found" % len(public))
    for name in sorted(public):
        expect(hasattr(lib, name), "%s is in catchment.h but not exported" % name)
    internal = set()
    for fn in os.listdir(os.path.join(source, "src")):
        if fn.endswith(".h"):
            with open(os.path.join(source, "src", fn), encoding="utf-8") as f:
                internal |= set(re.findall(r"\b(cm__[a-z0-9_]+)\(", f.read()))
    expect(internal, "no cm__ functions found in src/*.h")
    for name in sorted(internal):
        expect(not hasattr(lib, name), "%s (internal) is exported" % name)
    nm = shutil.which("nm")
    if not nm:
        print("note: no nm, the exported set is not compared with catchment.h")
        return
    out = subprocess.run([nm, "-D", "--defined-only", libpath], capture_output=True,
                         text=True, check=True).stdout
    # The linker's own markers (_end, __bss_start, ...) aside.
    exported = {l.split()[-1] for l in out.splitlines() if not l.split()[-1].startswith("_")}
    extra = sorted(exported - public)
    expect(not extra, "exported but not in catchment.h: %s" % ", ".join(extra))


def main():
    libpath = os.environ.get("CM_LIBRARY", "")
    source = os.environ.get("CM_SOURCE", "")
    if os.environ.get("CM_SANITIZE", "none") != "none":
        print("skip: a sanitizer build's library cannot be loaded into python3 "
              "(its runtime must come first); the plain build runs this test")
        return SKIP
    if not libpath or not os.path.exists(libpath):
        print("skip: no shared library (CM_LIBRARY=%r; default_library=static?)" % libpath)
        return SKIP
    data = os.path.join(source, "tests", "data")
    n_schools, n_compounds, school_ids, pupils = fixture_totals(data)

    lib = ctypes.CDLL(libpath)
    bind(lib)
    check_exports(lib, libpath, source)

    version = lib.cm_version().decode()
    expect(version == os.environ.get("CM_VERSION", version),
           "cm_version() is %r, meson says %r" % (version, os.environ.get("CM_VERSION")))
    expect(lib.cm_level_name(CM_JUNIOR) == b"junior", "cm_level_name(CM_JUNIOR)")

    ctx = ctypes.c_void_p()
    expect(lib.cm_ctx_new(ctypes.byref(ctx)) == 0 and ctx.value, "cm_ctx_new")

    # A configuration error comes back as CM_EINPUT with a message naming the key.
    cfg = ctypes.c_void_p()
    rc = lib.cm_config_parse_string(ctx, b"[solve]\nassignment = sometimes\n", b"bad.ini",
                                    data.encode(), ctypes.byref(cfg))
    msg = lib.cm_ctx_last_error(ctx).decode()
    expect(rc == CM_EINPUT and not cfg.value, "a bad key: rc %d, config %r" % (rc, cfg.value))
    expect("assignment" in msg, "the error names the key: %r" % msg)

    text = ("[input]\nschools = schools.geojson\ncompounds = compounds.geojson\n"
            "[solve]\nassignment = split\n")
    rc = lib.cm_config_parse_string(ctx, text.encode(), b"smoke.ini", data.encode(),
                                    ctypes.byref(cfg))
    expect(rc == 0, "cm_config_parse_string: %s" % lib.cm_ctx_last_error(ctx).decode())
    if rc != 0:
        return 1

    ds = ctypes.c_void_p()
    rc = lib.cm_dataset_load(ctx, cfg, ctypes.byref(ds))
    expect(rc == 0, "cm_dataset_load: %s" % lib.cm_ctx_last_error(ctx).decode())
    if rc != 0:
        return 1
    schools = ctypes.POINTER(School)()
    n = lib.cm_dataset_schools(ds, ctypes.byref(schools))
    expect(n == n_schools, "%d schools, the fixture has %d" % (n, n_schools))
    expect([schools[i].id.decode() for i in range(n)] == school_ids, "school ids in order")
    compounds = ctypes.c_void_p()
    n = lib.cm_dataset_compounds(ds, ctypes.byref(compounds))
    expect(n == n_compounds, "%d compounds, the fixture has %d" % (n, n_compounds))

    rep = CheckReport()
    expect(lib.cm_check(ctx, cfg, ds, ctypes.byref(rep)) == 0, "cm_check")
    expect(rep.solvable == 1 and rep.errors == 0,
           "the fixture is solvable (errors %d)" % rep.errors)
    for lv in (CM_PRIMARY, CM_JUNIOR):
        got = tuple(rep.level[lv].pupils)
        expect(got == pupils[lv], "check, level %d: pupils %r, the fixture %r"
               % (lv, got, pupils[lv]))

    plan = ctypes.c_void_p()
    opts = SolveOpts()
    expect(lib.cm_solve_opts_init(ctypes.byref(opts), CM_SOLVE_OPTS_VERSION + 1) == CM_ERROR,
           "cm_solve_opts_init refuses a version it does not know")
    expect(lib.cm_solve_opts_init(ctypes.byref(opts), CM_SOLVE_OPTS_VERSION) == 0
           and opts.version == CM_SOLVE_OPTS_VERSION and opts.threads == 0,
           "cm_solve_opts_init fills the defaults")
    rc = lib.cm_solve(ctx, ds, ctypes.byref(opts), ctypes.byref(plan))
    expect(rc == CM_ERROR and not plan and b"configuration" in lib.cm_ctx_last_error(ctx),
           "cm_solve refuses options without a configuration")
    opts.config = cfg.value
    opts.threads = 1  # a host such as QGIS may want no thread started
    rc = lib.cm_solve(ctx, ds, ctypes.byref(opts), ctypes.byref(plan))
    expect(rc == 0, "cm_solve: %s" % lib.cm_ctx_last_error(ctx).decode())
    if rc != 0:
        return 1
    asg = ctypes.POINTER(Assignment)()
    n_asg = lib.cm_plan_assignments(plan, ctypes.byref(asg))
    for lv in (CM_PRIMARY, CM_JUNIOR):
        s = lib.cm_plan_summary(plan, lv).contents
        name = lib.cm_level_name(lv).decode()
        total = sum(pupils[lv])
        print("%-8s pupils %d placed %d unplaced %d mean %.0f m, migrants public %.1f%%"
              % (name, s.pupils, s.placed, s.unplaced, s.mean_distance_m,
                 100 * s.migrant_public_share))
        expect(s.solved == 1, "%s: solved" % name)
        expect(s.pupils == total, "%s: %d pupils, the fixture %d" % (name, s.pupils, total))
        expect(s.placed + s.unplaced == s.pupils, "%s: placed + unplaced = pupils" % name)
        expect(s.migrants == pupils[lv][1], "%s: migrants" % name)
        expect(0 < s.mean_distance_m <= s.max_distance_m < 50000,
               "%s: distances %.1f, %.1f m" % (name, s.mean_distance_m, s.max_distance_m))
        expect(s.proven == 1, "%s: split mode is exact" % name)
        expect(s.overfull == 0, "%s: no school over its seats" % name)
        rows = [asg[i] for i in range(n_asg) if asg[i].level == lv]
        expect(sum(a.local + a.migrant for a in rows) == total,
               "%s: the assignments hold every pupil" % name)
        expect(sum(a.local + a.migrant for a in rows if a.school < 0) == s.unplaced,
               "%s: the unplaced rows add up to the shortfall" % name)

    # The terminal summary, through a callback (cm_report_stream): how a
    # binding or a GUI gets a report's text without a file.
    pieces = []

    def take(data, length, _ud):
        pieces.append(ctypes.string_at(data, length))
        return 0

    take_fn = WRITE_FN(take)
    libc = ctypes.CDLL(None)
    libc.fclose.argtypes = [ctypes.c_void_p]
    stream = ctypes.c_void_p()
    rc = lib.cm_report_stream(ctx, take_fn, None, ctypes.byref(stream))
    expect(rc == 0 and stream.value, "cm_report_stream: %s" % lib.cm_ctx_last_error(ctx).decode())
    if rc == 0:
        rc = lib.cm_report_plan(ctx, plan, stream)
        expect(rc == 0, "cm_report_plan: %s" % lib.cm_ctx_last_error(ctx).decode())
        expect(libc.fclose(stream) == 0, "fclose of the report's stream")
        summary = b"".join(pieces).decode()
        expect(summary.startswith("Plan ") and "primary" in summary and "junior" in summary,
               "the summary through the callback: %r" % summary[:200])

    # The plan keeps what it was solved from; its catchments are built on
    # first use.
    expect(lib.cm_plan_dataset(plan) == ds.value and lib.cm_plan_config(plan) == cfg.value,
           "cm_plan_dataset and cm_plan_config give the solve's")
    catchments, n_catchments = ctypes.c_void_p(), ctypes.c_size_t()
    rc = lib.cm_plan_catchments(ctx, plan, ctypes.byref(catchments), ctypes.byref(n_catchments))
    expect(rc == 0 and n_catchments.value > 0 and catchments.value,
           "cm_plan_catchments: %d, %d catchments" % (rc, n_catchments.value))

    lib.cm_plan_free(plan)
    lib.cm_dataset_free(ds)
    lib.cm_config_free(cfg)
    lib.cm_ctx_free(ctx)
    # The _free calls accept NULL.
    lib.cm_plan_free(None)
    lib.cm_dataset_free(None)
    lib.cm_config_free(None)
    lib.cm_ctx_free(None)

    if failures:
        print("%d failed" % len(failures))
        return 1
    print("ok: catchment %s through ctypes" % version)
    return 0


if __name__ == "__main__":
    sys.exit(main())
