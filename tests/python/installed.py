#!/usr/bin/env python3
"""installed.py: catchment as someone who installed it builds against it.

Installs the build into a temporary folder (meson install --destdir), then
compiles examples/embed.c with only what was installed, found through
pkg-config:

    cc embed.c $(pkg-config --cflags --libs catchment)

and runs it on the example county with the installed shared library.  The
staged catchment.pc still names the real prefix (/usr/local), so the test
reads a copy whose prefix line points into the staging folder, as a
packager's relocation would.  The folder is removed at the end.

Run by meson (tests/meson.build) with
    CM_BUILD      the build directory
    CM_SOURCE     the source tree
    CM_SANITIZE   meson's b_sanitize: the test skips unless "none"
    CM_LIBRARY    the shared library; the test skips without one
Exit status 0 pass, 1 fail, 77 skipped (the reason printed): a sanitizer
build, a build without a shared library, or no meson, cc or pkg-config on
PATH.
"""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

SKIP = 77


def run(cmd, env=None, cwd=None):
    """Runs cmd; on failure prints its output and raises."""
    print("$", " ".join(cmd))
    p = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.stdout.write(p.stdout)
        sys.stdout.write(p.stderr)
        raise RuntimeError("%s exited with %d" % (cmd[0], p.returncode))
    return p.stdout


def main():
    build = os.environ.get("CM_BUILD", "")
    source = os.environ.get("CM_SOURCE", "")
    if os.environ.get("CM_SANITIZE", "none") != "none":
        print("skip: a sanitizer build's library needs its runtime linked first; "
              "the plain build runs this test")
        return SKIP
    if not os.environ.get("CM_LIBRARY"):
        print("skip: no shared library in this build (default_library=static); "
              "embed.c is built against it in the build tree (test 'embed')")
        return SKIP
    tools = {}
    for name, candidates in (("meson", ["meson"]), ("cc", [os.environ.get("CC", ""), "cc"]),
                             ("pkg-config", ["pkg-config", "pkgconf"])):
        found = next((shutil.which(c) for c in candidates if c and shutil.which(c)), None)
        if not found:
            print("skip: no %s on PATH" % name)
            return SKIP
        tools[name] = found

    stage = tempfile.mkdtemp(prefix="cm-install-")
    try:
        run([tools["meson"], "install", "-C", build, "--no-rebuild", "--quiet",
             "--destdir", stage])
        pcs = glob.glob(os.path.join(stage, "**", "pkgconfig", "catchment.pc"), recursive=True)
        if len(pcs) != 1:
            print("FAIL: catchment.pc installed %d times: %s" % (len(pcs), pcs))
            return 1
        with open(pcs[0], encoding="utf-8") as f:
            pc = f.read()
        m = re.search(r"^prefix=(.*)$", pc, re.M)
        if not m:
            print("FAIL: catchment.pc has no prefix line")
            return 1
        prefix = m.group(1)
        if not prefix.startswith("${pcfiledir}"):
            pc = pc.replace(m.group(0), "prefix=" + stage + prefix, 1)
        pcdir = os.path.join(stage, "pkgconfig")
        os.mkdir(pcdir)
        with open(os.path.join(pcdir, "catchment.pc"), "w", encoding="utf-8") as f:
            f.write(pc)

        env = dict(os.environ, PKG_CONFIG_PATH=pcdir)
        pkg = tools["pkg-config"]
        flags = run([pkg, "--cflags", "--libs", "catchment"], env=env).split()
        libdir = run([pkg, "--variable=libdir", "catchment"], env=env).strip()
        includedir = run([pkg, "--variable=includedir", "catchment"], env=env).strip()
        for path, what in ((os.path.join(includedir, "catchment.h"), "the header"),
                           (os.path.join(libdir, "libcatchment.so"), "the shared library"),
                           (os.path.join(libdir, "libcatchment.a"), "the static library")):
            if not os.path.exists(path):
                if what == "the static library":
                    print("note: no static library (default_library=shared)")
                    continue
                print("FAIL: %s is not installed at %s" % (what, path))
                return 1
        if source and any(f.startswith("-I" + source) for f in flags):
            print("FAIL: pkg-config points into the source tree: %s" % flags)
            return 1

        exe = os.path.join(stage, "embed")
        run([tools["cc"], "-std=c11", "-Wall", "-Wextra", "-Werror",
             os.path.join(source, "examples", "embed.c"), "-o", exe] + flags)
        # The plan goes into the staging folder: nothing is left in the tree.
        plan = os.path.join(stage, "tongxi-plan.gpkg")
        run_env = dict(os.environ, LD_LIBRARY_PATH=libdir)
        out = run([exe, os.path.join(source, "examples", "tongxi.ini"), plan], env=run_env)
        sys.stdout.write(out)
        if not os.path.exists(plan) or "plan written" not in out:
            print("FAIL: embed wrote no plan")
            return 1
        # It ran on the staged library, not one found elsewhere.
        maps = run(["ldd", exe], env=run_env) if shutil.which("ldd") else ""
        if maps and libdir not in maps:
            print("FAIL: embed did not load the staged library:\n" + maps)
            return 1
    except RuntimeError as e:
        print("FAIL:", e)
        return 1
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    print("ok: built and ran examples/embed.c against the installed catchment")
    return 0


if __name__ == "__main__":
    sys.exit(main())
