#!/usr/bin/python3
"""HLS benchmarks of issue 4: N watched cameras through one Lenswire JVM vs N `ffmpeg -c copy -f hls`
processes, and create-session -> first playable playlist vs a freshly started ffmpeg.

python3 standard library only (shared parts in benchlib.py); run with /usr/bin/python3
(scripts/bench/hls.sh does). Parts:

cpu    For every round and every N (default 1, 10, 25), on the same N RTSP streams:
       Lenswire: started fresh (empty data dir, no configured cameras: the demo camera is disabled
       with an extra config file), measured idle, then N cameras added over the REST API; per
       camera a playback session is created (POST /api/stream/playback/create-session with the
       API key), its hls_url fetched once (which starts the camera's muxer and answers once the
       playlist lists a segment) and the session is left live (it keeps the muxer running);
       warm-up, then CPU and RSS over the window.
       ffmpeg: N processes `ffmpeg -rtsp_transport tcp -i URL -c copy -f hls -hls_segment_type fmp4
       -hls_time 2 -hls_list_size 5 -hls_flags delete_segments DIR/index.m3u8`, each started,
       waited for until its playlist lists a segment, warm-up, window.
       Both sides must produce segments during the window: the media sequence + segment count of
       every playlist is read at the start and end of the window (from disk) and every camera must
       have advanced by at least window / hls_time - 1 segments.
first  create-session -> first playable playlist (HTTP 200 whose body has #EXTINF): Lenswire runs
       with --lenswire.hls.idle-timeout=2s and a few cameras that stream all the time (as real
       cameras do); each repetition picks the next camera, waits until its previous muxer has
       stopped (its HLS directory is gone), sleeps a random 0-1 s (so that the request falls at a
       random point of the camera's GOP), then times POST create-session + GET hls_url (retried
       at once on 404 until 200 with #EXTINF), and deletes the session.
       Reference (what the original system did for every viewer): a fresh `ffmpeg ... -f hls` with
       the same options as above, started on a stream that is already live (a separate RTSP
       client keeps the shared media running, so ffmpeg joins mid-GOP as with a real camera),
       timed from process start until its index.m3u8 lists a segment (polled every 10 ms).

The streams: one 720p25 ~2 Mbit/s H.264 clip (libx264, key frame every 25 frames, no B-frames),
served by the test RTSP server (integration-tests/src/test/testbed/rtsp_server.py, file: mounts:
no encoder runs) on 127.0.0.1. A fresh RTSP server is started for every phase, and the clip is
longer than a phase, so every phase streams the clip from its start without reaching its end.

CPU = utime + stime from /proc/<pid>/stat (all threads of the process; children not included),
in % of one core over the window. RSS = VmRSS from /proc/<pid>/status averaged over samples
taken once a second in the window; PSS from /proc/<pid>/smaps_rollup too (N ffmpeg processes
share their libraries, which RSS counts N times). Medians over rounds; ratios are taken within
a round (same machine state) and their median reported.
"""
import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

# benchlib.py sits next to this script (Python puts the script's folder on sys.path too; this
# keeps the import working when the script is loaded from elsewhere)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import (JavaThreadGroups, Lenswire, RtspServer, Window, add_bitrate_and_java_options,  # noqa: E402
                      add_lenswire_options, add_output_options, add_round_options,
                      add_tool_and_target_options, bench_workdir, exit_on_signals, fmt, log, make_clip,
                      measure_rounds, med, new_report, parse_checked, start, status_kb, stop,
                      summarize_rounds, write_json, write_summary_table, write_title, write_verdict)

HLS_TIME = 2


# ---------------------------------------------------------------- HLS playlists

def playlist_position(path):
    """Media sequence number of the segment after the last one listed, or None without a segment."""
    try:
        with open(path) as f:
            text = f.read()
    except OSError:
        return None
    m = re.search(r"#EXT-X-MEDIA-SEQUENCE:(\d+)", text)
    count = text.count("#EXTINF")
    if count == 0:
        return None
    return (int(m.group(1)) if m else 0) + count


def segments_made(start, end):
    return [None if a is None or b is None else b - a for a, b in zip(start, end)]


def ffmpeg_hls_cmd(ffmpeg, url, out_dir):
    return [ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error", "-rtsp_transport", "tcp", "-i", url,
            "-c", "copy", "-f", "hls", "-hls_segment_type", "fmp4", "-hls_time", str(HLS_TIME),
            "-hls_list_size", "5", "-hls_flags", "delete_segments", os.path.join(out_dir, "index.m3u8")]


# ---------------------------------------------------------------- part cpu

def check_segments(made, window_s, what):
    need = int(window_s / HLS_TIME) - 1
    bad = [i for i, m in enumerate(made) if m is None or m < need]
    if bad:
        raise RuntimeError("%s: streams %s made fewer than %d segments in the window: %s"
                           % (what, bad, need, made))


def run_lenswire(args, clip, n, workdir):
    lw = Lenswire(args.java, args.java_opt, args.jar, workdir, args.app_arg)
    server = None
    try:
        if lw.cameras():
            raise RuntimeError("Lenswire started with cameras; the benchmark needs none")
        time.sleep(args.settle)
        idle = Window([lw.proc.pid], args.idle_window).run()
        server = RtspServer(args.python, clip, n)
        t_add = time.monotonic()
        lw.add_cameras(server, n, args.connect_timeout)
        all_streaming_s = time.monotonic() - t_add

        def start_hls(i):
            body = lw.create_session("cam%02d" % i, "bench-user-%02d" % i)
            t0 = time.monotonic()
            lw.first_playlist(body["hls_url"], 20)
            return time.monotonic() - t0

        with ThreadPoolExecutor(max_workers=min(8, n)) as pool:
            first = list(pool.map(start_hls, range(n)))
        time.sleep(args.warmup)
        playlists = [os.path.join(lw.hls_dir("cam%02d" % i), "index.m3u8") for i in range(n)]

        def positions():
            return [playlist_position(p) for p in playlists]

        window = Window([lw.proc.pid], args.window, extra_pids=[server.pid()]).run(
            threads=JavaThreadGroups(lw.proc.pid, args.jcmd), on_start=positions, on_end=positions)
        made = segments_made(window.pop("start"), window.pop("end"))
        check_segments(made, window["wall_s"], "Lenswire")
        cams = lw.cameras()
        not_streaming = [c["camera_id"] for c in cams if c["state"] != "STREAMING"]
        if not_streaming:
            raise RuntimeError("cameras stopped streaming during the window (clip too short?): %s" % not_streaming)
        code, metrics = lw.request("GET", "/actuator/prometheus", api_key=False)
        m = re.search(r"^lenswire_hls_muxers_active\S*\s+([0-9.]+)", metrics if code == 200 else "", re.M)
        return {
            "pid": lw.proc.pid,
            "idle": idle,
            "load": window,
            "all_streaming_after_s": round(all_streaming_s, 2),
            "first_playlist_s_max": round(max(first), 3),
            "segments_in_window_min": min(made),
            "segments_in_window_max": max(made),
            "muxers_active": float(m.group(1)) if m else None,
            "reconnects": sum(c["reconnects"] for c in cams),
            "dropped": sum(c["packets_dropped"] for c in cams),
            "threads": status_kb(lw.proc.pid, "Threads"),
        }
    finally:
        lw.close(args.keep)
        if server:
            server.close()


def run_ffmpeg(args, clip, n, workdir):
    server = RtspServer(args.python, clip, n)
    procs, dirs = [], []
    try:
        t_start = time.monotonic()
        for i in range(n):
            d = os.path.join(workdir, "ffmpeg-hls-%02d" % i)
            shutil.rmtree(d, ignore_errors=True)
            os.makedirs(d)
            dirs.append(d)
            procs.append(start(ffmpeg_hls_cmd(args.ffmpeg, server.url(i), d), stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=open(os.path.join(d, "ffmpeg.log"), "w")))
        playlists = [os.path.join(d, "index.m3u8") for d in dirs]

        def positions():
            return [playlist_position(p) for p in playlists]

        deadline = time.monotonic() + args.connect_timeout
        while not all(p is not None for p in positions()):
            dead = [p.args for p in procs if p.poll() is not None]
            if dead:
                raise RuntimeError("ffmpeg exited early: %s" % " ".join(dead[0]))
            if time.monotonic() > deadline:
                raise RuntimeError("not all ffmpeg processes wrote a segment after %d s" % args.connect_timeout)
            time.sleep(0.2)
        all_segmenting_s = time.monotonic() - t_start
        time.sleep(args.warmup)
        window = Window([p.pid for p in procs], args.window, extra_pids=[server.pid()]).run(
            on_start=positions, on_end=positions)
        made = segments_made(window.pop("start"), window.pop("end"))
        check_segments(made, window["wall_s"], "ffmpeg")
        if any(p.poll() is not None for p in procs):
            raise RuntimeError("an ffmpeg process ended during the window")
        return {
            "load": window,
            "all_segmenting_after_s": round(all_segmenting_s, 2),
            "segments_in_window_min": min(made),
            "segments_in_window_max": max(made),
        }
    finally:
        for p in procs:
            stop(p, grace=10)
        server.close()
        if not args.keep:
            for d in dirs:
                shutil.rmtree(d, ignore_errors=True)


# ---------------------------------------------------------------- part first

def run_first_lenswire(args, clip, workdir):
    k = args.first_cameras
    lw = Lenswire(args.java, args.java_opt, args.jar, workdir,
                  list(args.app_arg) + ["--lenswire.hls.idle-timeout=2s"])
    server = RtspServer(args.python, clip, k)
    samples = []
    try:
        lw.add_cameras(server, k, args.connect_timeout)
        time.sleep(3)  # every camera has a GOP cache, as a camera that has been streaming for a while
        for r in range(args.first_repeats):
            cam = "cam%02d" % (r % k)
            deadline = time.monotonic() + 30
            while os.path.exists(lw.hls_dir(cam)):  # the previous muxer of this camera has to stop first
                if time.monotonic() > deadline:
                    raise RuntimeError("muxer of %s did not stop within 30 s" % cam)
                time.sleep(0.1)
            time.sleep(random.uniform(0, 1))
            t0 = time.monotonic()
            body = lw.create_session(cam, "first-%d" % r)
            t1 = time.monotonic()
            misses, playlist = lw.first_playlist(body["hls_url"], 20)
            t2 = time.monotonic()
            # the first segment lasts from the cached GOP's key frame to the next one: 1 GOP when the
            # muxer was primed from the GOP cache, about 2 when it had to wait for a key frame
            first_extinf = float(re.search(r"#EXTINF:([0-9.]+)", playlist).group(1))
            code, _ = lw.request("DELETE", "/api/stream/playback/" + body["session_id"])
            if code != 200:
                raise RuntimeError("delete session answered %s" % code)
            samples.append({"camera": cam, "total_s": round(t2 - t0, 3), "create_s": round(t1 - t0, 3),
                            "playlist_s": round(t2 - t1, 3), "404s": misses, "first_segment_s": first_extinf,
                            "load1": os.getloadavg()[0]})
            log("  Lenswire %s: %.3f s (create %.3f s, first segment %.3f s, load %.1f)"
                % (cam, t2 - t0, t1 - t0, first_extinf, os.getloadavg()[0]))
        states = [c["state"] for c in lw.cameras()]
        if any(s != "STREAMING" for s in states):
            raise RuntimeError("cameras stopped streaming (clip too short?): %s" % states)
        return samples
    finally:
        lw.close(args.keep)
        server.close()


def run_first_ffmpeg(args, clip, workdir):
    server = RtspServer(args.python, clip, 1)
    holder = start([args.ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error", "-rtsp_transport", "tcp",
                    "-i", server.url(0), "-c", "copy", "-f", "null", "-"],
                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    samples = []
    try:
        time.sleep(3)  # the shared stream is live before the first viewer's ffmpeg joins it
        for r in range(args.first_repeats):
            if holder.poll() is not None:
                raise RuntimeError("the holding RTSP client ended (clip too short?)")
            time.sleep(random.uniform(0, 1))
            d = os.path.join(workdir, "ffmpeg-first-%02d" % r)
            os.makedirs(d)
            playlist = os.path.join(d, "index.m3u8")
            t0 = time.monotonic()
            p = start(ffmpeg_hls_cmd(args.ffmpeg, server.url(0), d), stdin=subprocess.DEVNULL,
                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                while playlist_position(playlist) is None:
                    if p.poll() is not None:
                        raise RuntimeError("ffmpeg exited with %s before its first segment" % p.returncode)
                    if time.monotonic() - t0 > 30:
                        raise RuntimeError("ffmpeg wrote no segment within 30 s")
                    time.sleep(0.01)
                t1 = time.monotonic()
            finally:
                stop(p, grace=5)
                shutil.rmtree(d, ignore_errors=True)
            samples.append({"total_s": round(t1 - t0, 3), "load1": os.getloadavg()[0]})
            log("  ffmpeg: %.3f s (load %.1f)" % (t1 - t0, os.getloadavg()[0]))
        return samples
    finally:
        stop(holder, grace=5)
        server.close()


# ---------------------------------------------------------------- report

def hls_fields(lw, ff):
    """The HLS benchmark's own summary numbers of one N (see benchlib.summarize_rounds)."""
    return {
        "lw_segments_min": min(x["segments_in_window_min"] for x in lw),
        "ff_segments_min": min(x["segments_in_window_min"] for x in ff),
        "lw_dropped": max(x["dropped"] for x in lw),
        "lw_muxers": min(x["muxers_active"] or 0 for x in lw),
    }


def summarize(counts, runs):
    rows = summarize_rounds(counts, runs, hls_fields)
    for n, row in rows.items():
        if row is None:
            continue
        row["lw_rss_per_extra_camera_mb"] = med(rss_per_extra_camera(runs, n))
    return rows


def rss_per_extra_camera(runs, n):
    """Within each round, (Lenswire RSS at N - RSS at 1) / (N - 1), in MB; one value per round."""
    per_round = []
    for r in runs:
        if r["n"] != n or n == 1 or "error" in r:
            continue
        base = [b for b in runs if b["n"] == 1 and b["round"] == r["round"] and "error" not in b]
        if base:
            per_round.append((r["lenswire"]["load"]["rss_kb_mean"] - base[0]["lenswire"]["load"]["rss_kb_mean"])
                             / 1024 / (n - 1))
    return per_round


def print_cpu_table(rows, out):
    out.write("\nMedians over rounds (ratios: median of the per-round ratios). CPU in % of one core; "
              "memory in MB (1 MB = 1024 kB).\n\n")
    header = ["N", "runs", "LW CPU%", "LW idle%", "ffmpeg CPU%", "ratio", "ratio above idle",
              "LW RSS", "LW RSS/extra cam", "ffmpeg RSS (sum)", "ffmpeg RSS/proc", "ffmpeg PSS (sum)",
              "min segments in window LW / ff", "LW muxers", "LW dropped pkts",
              "RTSP server CPU% (LW / ff)", "machine busy% (LW / ff)"]
    write_summary_table(out, header, rows, lambda n, r: [
        str(n), str(r["runs"]), fmt(r["lw_cpu_pct"]), fmt(r["lw_idle_cpu_pct"]), fmt(r["ff_cpu_pct"]),
        fmt(r["cpu_ratio"], "%.2f"), fmt(r["cpu_ratio_above_idle"], "%.2f"), fmt(r["lw_rss_mb"], "%.0f"),
        fmt(r["lw_rss_per_extra_camera_mb"]), fmt(r["ff_rss_mb"], "%.0f"),
        fmt(r["ff_rss_per_process_mb"]), fmt(r["ff_pss_mb"], "%.0f"),
        "%d / %d" % (r["lw_segments_min"], r["ff_segments_min"]), fmt(r["lw_muxers"], "%.0f"),
        str(r["lw_dropped"]),
        "%s / %s" % (fmt(r["server_cpu_pct_lw"]), fmt(r["server_cpu_pct_ff"])),
        "%s / %s" % (fmt(r["machine_busy_pct_lw"], "%.0f"), fmt(r["machine_busy_pct_ff"], "%.0f"))])


def print_threads(runs, out):
    """Per-thread-group CPU of Lenswire at the largest N, median over rounds."""
    ok = [r for r in runs if "error" not in r]
    if not ok:
        return
    n = max(r["n"] for r in ok)
    groups = {}
    for r in ok:
        if r["n"] == n:
            for k, v in r["lenswire"]["load"].get("threads_cpu_pct", {}).items():
                groups.setdefault(k, []).append(v)
    out.write("\nLenswire CPU by thread group at N=%d (%% of one core, median over rounds; a group sums "
              "its threads):\n\n| thread group | CPU%% |\n|---|---:|\n" % n)
    for k, v in sorted(groups.items(), key=lambda kv: -statistics.median(kv[1]))[:12]:
        out.write("| `%s` | %.1f |\n" % (k, statistics.median(v)))


def stats_row(name, values):
    values = sorted(values)
    return "| %s | %d | %.3f | %.3f | %.3f | %.3f |\n" % (
        name, len(values), values[0], statistics.median(values), values[-1], statistics.mean(values))


def print_first(first, target, out):
    out.write("\ncreate-session -> first playable playlist (s):\n\n| what | n | min | median | max | mean |\n"
              "|---|---:|---:|---:|---:|---:|\n")
    lw = first.get("lenswire") or []
    ff = first.get("ffmpeg") or []
    if lw:
        out.write(stats_row("Lenswire: POST create-session + GET hls_url until 200 with #EXTINF",
                            [s["total_s"] for s in lw]))
        out.write(stats_row("  of which POST create-session", [s["create_s"] for s in lw]))
        out.write(stats_row("  first segment's duration (EXTINF; 1 GOP when primed from the GOP cache)",
                            [s["first_segment_s"] for s in lw]))
    if ff:
        out.write(stats_row("reference: fresh `ffmpeg -c copy -f hls` until its playlist lists a segment",
                            [s["total_s"] for s in ff]))
    if lw:
        m = statistics.median(s["total_s"] for s in lw)
        out.write("\nTarget <= %.1f s: median %.3f s, max %.3f s -> %s\n" % (
            target, m, max(s["total_s"] for s in lw), "met" if max(s["total_s"] for s in lw) <= target
            else ("met by the median, not by every sample" if m <= target else "MISSED")))


# ---------------------------------------------------------------- main

def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--parts", default="cpu,first", help="cpu, first or both (default cpu,first)")
    add_round_options(parser, "seconds between all segmenting and the window")
    parser.add_argument("--first-repeats", type=int, default=10, help="samples of create-session -> first playlist")
    parser.add_argument("--first-cameras", type=int, default=3, help="cameras the first-playlist samples rotate over")
    parser.add_argument("--clip-seconds", type=int, default=0,
                        help="length of the served clip (default: long enough for one phase)")
    add_bitrate_and_java_options(parser)
    parser.add_argument("--jcmd", default=shutil.which("jcmd"), help="for per-thread CPU by Java thread name")
    add_lenswire_options(parser, "--lenswire.hls.segment-duration=1s")
    add_tool_and_target_options(parser)
    parser.add_argument("--first-target", type=float, default=1.0)
    add_output_options(parser)
    return parse_checked(parser, "scripts/bench/hls.sh")


def measure_cpu(args, clip, workdir, run):
    """One round at one N of part cpu: Lenswire, then N ffmpeg processes, each on a fresh server."""
    rnd, n = run["round"], run["n"]
    log("round %d N=%d: Lenswire" % (rnd, n))
    run["lenswire"] = run_lenswire(args, clip, n, workdir)
    time.sleep(2)
    log("round %d N=%d: ffmpeg" % (rnd, n))
    run["ffmpeg"] = run_ffmpeg(args, clip, n, workdir)
    time.sleep(2)
    lw, ff = run["lenswire"], run["ffmpeg"]
    log("  Lenswire %.1f%% CPU (idle %.1f%%), %.0f MB, >= %d segments | ffmpeg %.1f%% CPU, "
        "%.0f MB, >= %d segments | machine busy %.0f%%/%.0f%%" % (
            lw["load"]["cpu_pct"], lw["idle"]["cpu_pct"], lw["load"]["rss_kb_mean"] / 1024,
            lw["segments_in_window_min"], ff["load"]["cpu_pct"],
            ff["load"]["rss_kb_mean"] / 1024, ff["segments_in_window_min"],
            lw["load"]["machine_busy_pct"], ff["load"]["machine_busy_pct"]))


def part_cpu(args, counts, clip, workdir, report, out):
    """Part cpu: all rounds, then the table, the thread groups and the verdict; returns failures."""
    measure_rounds(counts, args.rounds, report, lambda run: measure_cpu(args, clip, workdir, run),
                   lambda: write_json(args.json, report))
    rows = summarize(counts, report["runs"])
    report["summary"] = {str(n): r for n, r in rows.items()}
    print_cpu_table(rows, out)
    print_threads(report["runs"], out)
    write_verdict(rows, args.cpu_target, args.rss_target, out, "- ")
    write_json(args.json, report)
    return ["round %d N=%d: %s" % (r["round"], r["n"], r["error"]) for r in report["runs"] if "error" in r]


def part_first(args, clip, workdir, report, out):
    """Part first: Lenswire's samples, then the fresh ffmpeg's, then their table; returns failures."""
    failures = []
    first = {}
    report["first_playlist"] = first
    for side, fn in (("lenswire", run_first_lenswire), ("ffmpeg", run_first_ffmpeg)):
        try:
            log("first playlist: %s" % side)
            first[side] = fn(args, clip, workdir)
        except (RuntimeError, OSError, ValueError, KeyError) as e:
            failures.append("first playlist %s: %s" % (side, e))
            log("  FAILED:", e)
        write_json(args.json, report)
    print_first(first, args.first_target, out)
    return failures


def main():
    args = parse_args()
    parts = set(args.parts.split(","))
    counts = [int(c) for c in args.counts.split(",")]
    clip_seconds = args.clip_seconds or int(max(120, args.warmup + args.window + 90,
                                                args.first_repeats * 6 + 30))
    exit_on_signals()
    with bench_workdir("lenswire-hls-bench-", args.keep) as workdir:
        report = new_report(args, ("jar", "json", "jcmd"))
        failures = []
        clip = os.path.join(workdir, "clip-720p25.mp4")
        log("making a %d s clip: %s" % (clip_seconds, clip))
        report["clip_command"] = make_clip(args.ffmpeg, clip, clip_seconds, args.bitrate)
        out = sys.stdout
        write_title(out, "HLS", report)
        if "cpu" in parts:
            failures += part_cpu(args, counts, clip, workdir, report, out)
        if "first" in parts:
            failures += part_first(args, clip, workdir, report, out)
        for f in failures:
            out.write("FAILED %s\n" % f)
        return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
