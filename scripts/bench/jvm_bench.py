#!/usr/bin/python3
"""JVM fixed cost (issue 12, item 6): the same Lenswire jar and load under several sets of JVM
options, to choose what a server that runs for months should be started with.

python3 standard library only (shared parts in benchlib.py); run with /usr/bin/python3
(scripts/bench/jvm.sh does). For every round and every option set (interleaved: round 1 runs
every set once, then round 2, in reversed order so that a drift of the shared machine's load
does not always favour the same set):

  1. a fresh RTSP test server (integration-tests/src/test/testbed/rtsp_server.py) with N mounts
     of one looped 720p25 ~2 Mbit/s H.264 clip (no encoder runs);
  2. Lenswire started fresh (empty data dir, demo camera disabled) with the set's JVM options
     (and environment variables, e.g. MALLOC_ARENA_MAX=2); start-up = process start until
     GET /api/stream/health answers 200 (polled every 50 ms);
  3. idle RSS after --settle seconds;
  4. N cameras added over the REST API (optionally one live playback session each, which keeps
     the camera's HLS muxer running); t = 0 when all are STREAMING;
  5. windows after t = 0 (default 0-40 s, 40-70 s, 150-180 s): process CPU, the CPU of the JIT
     compiler threads (kernel thread names "C1 CompilerThre*", "C2 CompilerThre*"), of the GC
     threads (G1's "GC Thread#*", "G1 *"; the serial collector runs in "VM Thread", reported on
     its own), RSS at the window's end and packets received (CPU per 1000 packets, so that a
     set is not favoured by a camera that stalled);
  6. `jcmd PID Compiler.codecache` and `GC.heap_info` at the end (code cache and heap sizes).

CPU = utime + stime from /proc/<pid>/stat (all threads), in % of one core over the window.
The machine's load (`uptime`) is recorded at the start of every run.
"""
import argparse
import datetime
import json
import os
import shlex
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import (Lenswire, RtspServer, bench_workdir, cpu_seconds, exit_on_signals, fmt, log,  # noqa: E402
                      machine, make_clip, med, status_kb, system_busy, thread_cpu, version,
                      write_table_head, write_table_row)

DEFAULT_SETS = [
    "default=",
    "c1-only=-XX:TieredStopAtLevel=1",
    "g1-384m=-Xmx384m",
    "serial-384m=-XX:+UseSerialGC -Xmx384m",
    "arena2=MALLOC_ARENA_MAX=2",
    "serial-384m-arena2=-XX:+UseSerialGC -Xmx384m MALLOC_ARENA_MAX=2",
]


def parse_set(spec):
    """"name=OPTS": OPTS split like a shell; words NAME=VALUE without a leading dash are
    environment variables, "-jar PATH" replaces --jar for this set (e.g. the extracted layout
    a CDS archive needs), the others are JVM options."""
    name, _, opts = spec.partition("=")
    env, jvm, jar = {}, [], None
    words = shlex.split(opts)
    while words:
        word = words.pop(0)
        if word == "-jar":
            jar = os.path.abspath(words.pop(0))
        elif not word.startswith("-") and "=" in word:
            k, _, v = word.partition("=")
            env[k] = v
        else:
            jvm.append(word)
    return {"name": name, "jvm": jvm, "env": env, "jar": jar}


def group_of(name):
    if name.startswith(("C1 CompilerThre", "C2 CompilerThre")):
        return "jit"
    if name.startswith(("GC Thread", "G1 ")):
        return "gc"
    if name == "VM Thread":
        return "vm"
    return "other"


def group_delta(before, after, group):
    """CPU seconds of one group's threads between two thread_cpu() readings: a thread started
    in between counts from zero; one that ended in between (JDK 17 adds and removes compiler
    threads as the queue grows and shrinks) is lost for that interval, so this is a lower bound."""
    total = 0.0
    for tid, (name, cpu) in after.items():
        if group_of(name) == group:
            total += cpu - before.get(tid, (name, 0.0))[1]
    return total


def uptime():
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


class TimedLenswire(Lenswire):
    """Lenswire with its start-up timed finer than the shared helper polls, and a longer limit
    (on a shared 2-core machine under load a start-up has taken over 120 s)."""

    def _wait_healthy(self, timeout):
        timeout = max(timeout, 300)
        t0 = time.monotonic()
        deadline = t0 + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError("Lenswire exited with %s, see %s" % (self.proc.returncode, self.log_path))
            try:
                if self.request("GET", "/api/stream/health", timeout=2)[0] == 200:
                    self.startup_s = time.monotonic() - t0
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("Lenswire did not answer within %d s, see %s" % (timeout, self.log_path))
            time.sleep(0.05)


class Sample:
    """Everything read at one instant, windows are differences of two samples."""

    def __init__(self, lw):
        self.t = time.monotonic()
        self.cpu = cpu_seconds(lw.proc.pid)
        self.threads = thread_cpu(lw.proc.pid)
        self.rss_kb = status_kb(lw.proc.pid, "VmRSS")
        self.packets = sum(lw.packets().values())
        self.busy = system_busy()


def window(a, b):
    wall = b.t - a.t
    cpu = b.cpu - a.cpu
    packets = b.packets - a.packets
    busy = (b.busy[0] - a.busy[0]) / max(1, b.busy[1] - a.busy[1]) * 100 * os.cpu_count()
    return {
        "wall_s": round(wall, 2),
        "cpu_pct": round(cpu / wall * 100, 2),
        "jit_pct": round(group_delta(a.threads, b.threads, "jit") / wall * 100, 2),
        "gc_pct": round(group_delta(a.threads, b.threads, "gc") / wall * 100, 2),
        "vm_thread_pct": round(group_delta(a.threads, b.threads, "vm") / wall * 100, 2),
        "packets_per_s": round(packets / wall, 1),
        "cpu_us_per_packet": round(cpu * 1e6 / packets, 1) if packets else None,
        "rss_mb_end": round(b.rss_kb / 1024, 1),
        "machine_busy_pct": round(busy, 1),
    }


def jcmd(tool, pid, what):
    try:
        return subprocess.run([tool, str(pid)] + what.split(), capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return ""


def measure(args, oset, clip, workdir):
    run = {"set": oset["name"], "jvm": oset["jvm"], "env": oset["env"], "jar": oset["jar"], "uptime_before": uptime(),
           "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")}
    log("run", oset["name"], " ".join(oset["jvm"]), oset["env"], "|", run["uptime_before"])
    server = RtspServer(args.python, clip, args.cameras)
    saved = {k: os.environ.get(k) for k in oset["env"]}
    os.environ.update(oset["env"])
    try:
        lw = TimedLenswire(args.java, oset["jvm"] + args.java_opt, oset["jar"] or args.jar, workdir)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    try:
        run["startup_s"] = round(lw.startup_s, 2)
        run["startup_cpu_s"] = round(cpu_seconds(lw.proc.pid), 2)
        time.sleep(args.settle)
        run["idle_rss_mb"] = round(status_kb(lw.proc.pid, "VmRSS") / 1024, 1)
        run["idle_cpu_s_total"] = round(cpu_seconds(lw.proc.pid), 2)
        lw.add_cameras(server, args.cameras, args.connect_timeout)
        if args.playback:
            for i in range(args.cameras):
                body = lw.create_session("cam%02d" % i, "bench")
                lw.first_playlist(body["hls_url"], 30)
        t0 = Sample(lw)
        run["windows"] = {}
        edges = sorted({e for w in args.windows for e in w} | {e for e in (60, 180) if e < args.windows[-1][1]})
        samples = {0: t0}
        for e in edges:
            if e == 0:
                continue
            time.sleep(max(0.0, t0.t + e - time.monotonic()))
            if lw.proc.poll() is not None:
                raise RuntimeError("Lenswire exited, see " + lw.log_path)
            samples[e] = Sample(lw)
        for a, b in args.windows:
            run["windows"]["%d-%d" % (a, b)] = window(samples[a], samples[b])
        for e in (60, 180):
            if e in samples:
                run["rss_mb_at_%d" % e] = round(samples[e].rss_kb / 1024, 1)
        run["cpu_s_total"] = round(samples[edges[-1]].cpu, 2)
        if args.jcmd:
            run["codecache"] = jcmd(args.jcmd, lw.proc.pid, "Compiler.codecache")
            run["heap_info"] = jcmd(args.jcmd, lw.proc.pid, "GC.heap_info")
        run["uptime_after"] = uptime()
        log("  start-up %.1f s, idle RSS %.0f MB, windows %s" % (
            run["startup_s"], run["idle_rss_mb"],
            {k: (w["cpu_pct"], w["jit_pct"], w["rss_mb_end"]) for k, w in run["windows"].items()}))
    finally:
        lw.close(args.keep)
        server.close()
    return run


def write_markdown(report, out):
    runs = [r for r in report["runs"] if "error" not in r]
    names = []
    for r in report["runs"]:
        if r["set"] not in names:
            names.append(r["set"])
    wins = ["%d-%d" % tuple(w) for w in report["settings"]["windows"]]
    out.write("Lenswire JVM fixed cost, %s, %d cores (%s), %s, %d cameras%s; medians of %s runs\n\n" % (
        report["date"], report["machine"]["nproc"], report["machine"]["cpu_model"], report["java"],
        report["settings"]["cameras"], " with a playback session each" if report["settings"]["playback"] else "",
        "/".join(str(sum(1 for r in runs if r["set"] == n)) for n in names)))
    head = ["set", "start-up s", "start-up CPU s", "idle RSS MB", "RSS 60 s", "RSS 180 s"]
    for w in wins:
        head += ["CPU %s" % w, "JIT %s" % w]
    head += ["GC+VM %s" % wins[-1], "CPU µs/packet %s" % wins[-1]]
    write_table_head(out, head)
    for n in names:
        rs = [r for r in runs if r["set"] == n]
        if not rs:
            continue
        cells = [n, fmt(med([r["startup_s"] for r in rs])), fmt(med([r["startup_cpu_s"] for r in rs])), fmt(med([r["idle_rss_mb"] for r in rs]), "%.0f"),
                 fmt(med([r.get("rss_mb_at_60") for r in rs]), "%.0f"),
                 fmt(med([r.get("rss_mb_at_180") for r in rs]), "%.0f")]
        for w in wins:
            cells += [fmt(med([r["windows"][w]["cpu_pct"] for r in rs])),
                      fmt(med([r["windows"][w]["jit_pct"] for r in rs]))]
        cells += [fmt(med([r["windows"][wins[-1]]["gc_pct"] + r["windows"][wins[-1]]["vm_thread_pct"] for r in rs])),
                  fmt(med([r["windows"][wins[-1]]["cpu_us_per_packet"] for r in rs]))]
        write_table_row(out, cells)
    out.write("\nCPU and JIT in % of one core; windows in seconds after all cameras were STREAMING.\n")
    out.write("\nRuns (load = `uptime` before each run):\n\n")
    for r in report["runs"]:
        if "error" in r:
            out.write("- %s: FAILED %s\n" % (r["set"], r["error"]))
            continue
        out.write("- %s (%s): start-up %.1f s, %s; last window %.1f %% CPU, machine %.0f %%; load %s\n" % (
            r["set"], r["date"], r["startup_s"],
            ", ".join("%s CPU %.1f JIT %.1f" % (w, r["windows"][w]["cpu_pct"], r["windows"][w]["jit_pct"])
                      for w in wins),
            r["windows"][wins[-1]]["cpu_pct"], r["windows"][wins[-1]]["machine_busy_pct"],
            r["uptime_before"].split("load average:")[-1].strip()))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", action="append", dest="sets",
                        help='option set "name=JVM OPTIONS [VAR=VALUE]" (repeatable); default: %s'
                             % "; ".join(DEFAULT_SETS))
    parser.add_argument("--cameras", type=int, default=25)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--windows", default="0-40,40-70,150-180",
                        help="seconds after all cameras STREAMING, comma-separated A-B")
    parser.add_argument("--playback", action="store_true", help="one live playback session per camera")
    parser.add_argument("--settle", type=float, default=5, help="seconds after start-up before idle RSS")
    parser.add_argument("--connect-timeout", type=int, default=90)
    parser.add_argument("--bitrate", default="2M")
    parser.add_argument("--jar", default=os.path.join(os.path.dirname(__file__), "..", "..", "processors",
                                                      "target", "lenswire", "lenswire.jar"))
    parser.add_argument("--java", default=os.path.join(os.environ["JAVA_HOME"], "bin", "java")
                        if os.environ.get("JAVA_HOME") else "java")
    parser.add_argument("--jcmd", default="jcmd", help="for code cache and heap sizes at the end; '' for none")
    parser.add_argument("--java-opt", action="append", default=[], help="JVM option added to every set")
    parser.add_argument("--ffmpeg", default="ffmpeg")
    parser.add_argument("--python", default="/usr/bin/python3", help="python with gi for the RTSP server")
    parser.add_argument("--json", help="write every raw measurement here (after each run)")
    parser.add_argument("--markdown", help="write the summary table here too")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (logs)")
    parser.add_argument("--summarize", nargs="+", metavar="JSON",
                        help="measure nothing: print the table of these --json reports together")
    args = parser.parse_args()
    if args.summarize:
        reports = []
        for path in args.summarize:
            with open(path) as f:
                reports.append(json.load(f))
        merged = dict(reports[0], runs=[r for rep in reports for r in rep["runs"]])
        merged["date"] = " / ".join(rep["date"] for rep in reports)
        write_markdown(merged, sys.stdout)
        return
    args.jar = os.path.abspath(args.jar)
    if not os.path.isfile(args.jar):
        parser.error("no jar at %s; build it (scripts/bench/jvm.sh does)" % args.jar)
    args.windows = [tuple(int(x) for x in w.split("-")) for w in args.windows.split(",")]
    sets = [parse_set(s) for s in (args.sets or DEFAULT_SETS)]
    exit_on_signals()
    report = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "command": " ".join(["scripts/bench/jvm.sh"] + sys.argv[1:]),
        "machine": machine(), "java": version([args.java, "-version"]),
        "settings": {"cameras": args.cameras, "rounds": args.rounds, "windows": args.windows,
                     "playback": args.playback, "sets": [s["name"] for s in sets]},
        "runs": [],
    }

    def save():
        if args.json:
            with open(args.json, "w") as f:
                json.dump(report, f, indent=1)

    with bench_workdir("jvm-bench-", args.keep) as workdir:
        clip = os.path.join(workdir, "clip.mp4")
        report["clip_command"] = make_clip(args.ffmpeg, clip, 30, args.bitrate)
        for rnd in range(args.rounds):
            for oset in (sets if rnd % 2 == 0 else list(reversed(sets))):
                try:
                    run = measure(args, oset, clip, workdir)
                except (RuntimeError, OSError, ValueError, KeyError) as e:
                    run = {"set": oset["name"], "error": str(e)}
                    log("  FAILED:", e)
                run["round"] = rnd + 1
                report["runs"].append(run)
                save()
    write_markdown(report, sys.stdout)
    if args.markdown:
        with open(args.markdown, "w") as f:
            write_markdown(report, f)


if __name__ == "__main__":
    main()
