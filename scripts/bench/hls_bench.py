#!/usr/bin/python3
"""HLS benchmarks of issues 4 and 13: N watched cameras through one Lenswire JVM (Low-Latency HLS cut
in memory) vs N `ffmpeg -c copy -f hls` processes (standard HLS to disk), and create-session -> first
playable playlist vs a freshly started ffmpeg.

python3 standard library only (shared parts in benchlib.py); run with /usr/bin/python3
(scripts/bench/hls.sh does). Parts:

cpu    For every round, every N (default 1, 10, 25; 50 and 100 work too) and every method
       (--method quick|steady|both), on the same N RTSP streams:
       Lenswire: started fresh (empty data dir, no configured cameras: the demo camera is disabled
       with an extra config file), measured idle, then N cameras added over the REST API; per
       camera a playback session is created (POST /api/stream/playback/create-session with the
       API key), its hls_url fetched once (which starts the camera's segmenter and answers once
       the playlist lists a segment) and the session is left live (it keeps the segmenter
       running); warm-up, then CPU and RSS over the window. Lenswire's segments are 1 s with
       200 ms parts (its defaults), held in memory: nothing is written under its data dir.
       ffmpeg: N processes `ffmpeg -rtsp_transport tcp -i URL -c copy -f hls -hls_segment_type fmp4
       -hls_time 1 -hls_list_size 5 -hls_flags delete_segments DIR/index.m3u8`, each started,
       waited for until its playlist lists a segment, warm-up, window. -hls_time 1 (--hls-time)
       matches Lenswire's 1 s segments (it was 2 before issue 13).
       Both sides must produce segments during the window: the media sequence + segment count of
       every playlist is read at the start and end of the window (Lenswire's over HTTP through
       each session's hls_url, ffmpeg's from disk) and every camera must have advanced by at least
       window / segment duration - 1 segments.
       Methods: "quick" (the one above: --warmup 10 s, playlists fetched once, sessions left
       live) and "steady" (issue 12's outside method, like standard players: after its first
       playlist, every session's playlist and its newest segment are fetched every 2 s by this
       program through the warm-up and the window; --steady-warmup 180 s; the ffmpeg side's
       playlists and newest segments are read from disk on the same schedule; --player-connections
       new (default) opens an HTTP connection per request, reuse keeps one per player thread, as
       players do). Both methods also scrape GET /actuator/prometheus (with the API key) just
       outside the window's edges (the start edge 5 s before the window, so that neither the
       scrape nor what the JIT compiles after it counts in the window): the
       hand-off timer lenswire_ingest_handoff_delay_seconds (mean = delta sum / delta count over
       the window, max = its _max at the end; "n/a" when the app has no such timer) and
       lenswire_branch_dropped_packets_total (must stay 0). Lenswire's CPU is also split by
       thread group (ingest javacv-*, seda HLS branch, other Camel, JIT compiler threads, GC,
       HTTP = http-nio + request pool, other): names from `jcmd PID Thread.print` when jcmd is
       there (the kernel's /proc/PID/task/*/comm cuts names at 15 characters, which makes every
       Camel thread "Camel (camel-1)"), else from comm.
       The plot (--svg, default docs/bench/hls-cpu-vs-n.svg): CPU % of one core vs N, one line
       per side and method; --plot-only FILE.json redraws it (and the tables) from a saved JSON.
first  create-session -> first playable playlist (HTTP 200 whose body has #EXTINF): Lenswire runs
       with --lenswire.hls.idle-timeout=2s and a few cameras that stream all the time (as real
       cameras do); each repetition picks the next camera, waits until its previous segmenter
       has stopped (its hls_state in GET /api/stream/cameras/status is "stopped" and the gauge
       lenswire_hls_muxers_active counts no segmenter that is still stopping), sleeps a random
       0-1 s (so that the request falls at a
       random point of the camera's GOP), then times POST create-session + GET hls_url (retried
       at once on 404 until 200 with #EXTINF), and deletes the session.
       Reference (what the original system did for every viewer): a fresh `ffmpeg ... -f hls` with
       the same options as above, started on a stream that is already live (a separate RTSP
       client keeps the shared media running, so ffmpeg joins mid-GOP as with a real camera),
       timed from process start until its index.m3u8 lists a segment (polled every 10 ms).

The streams: one 720p25 ~2 Mbit/s H.264 clip (libx264, key frame every 25 frames, no B-frames),
served by the test RTSP server (integration-tests/src/test/testbed/rtsp_server.py, file: mounts:
no encoder runs) on 127.0.0.1, one mount per stream (--mounts M: M mounts, stream i on mount
i mod M, for counts where the server cannot run N pipelines in real time beside the side being
measured; every reader still has its own RTSP connection and gets every packet). A fresh RTSP
server is started for every phase, and the clip is longer than a phase, so every phase streams
the clip from its start without reaching its end.

CPU = utime + stime from /proc/<pid>/stat (all threads of the process; children not included),
in % of one core over the window. RSS = VmRSS from /proc/<pid>/status averaged over samples
taken once a second in the window; PSS from /proc/<pid>/smaps_rollup too (N ffmpeg processes
share their libraries, which RSS counts N times). Medians over rounds; ratios are taken within
a round (same machine state) and their median reported.
"""
import argparse
import heapq
import http.client
import json
import math
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

# benchlib.py sits next to this script (Python puts the script's folder on sys.path too; this
# keeps the import working when the script is loaded from elsewhere)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import (REPO, JavaThreadGroups, Lenswire, RtspServer, Window, add_bitrate_and_java_options,  # noqa: E402
                      add_lenswire_options, add_output_options, add_round_options,
                      add_tool_and_target_options, bench_workdir, exit_on_signals, fmt, log, make_clip,
                      measure_rounds, med, new_report, parse_checked, start, status_kb, stop,
                      summarize_rounds, write_json, write_summary_table, write_title,
                      write_verdict)

SEGMENT_S = 1  # Lenswire's default segment-duration, and ffmpeg's -hls_time unless --hls-time
METHODS = ("quick", "steady")
EDGE_SETTLE_S = 5.0  # between the window's start edge (a metrics scrape, playlist reads) and the window
POLL_PERIOD = 2.0  # a player reloads a live playlist about once per target duration


# ---------------------------------------------------------------- HLS playlists

def playlist_position(path):
    """Media sequence number of the segment after the last one listed in a playlist file, or None
    without a segment."""
    try:
        with open(path) as f:
            text = f.read()
    except OSError:
        return None
    return text_position(text)


def http_position(lw, hls_url):
    """The same for a Lenswire playlist, read over HTTP through the session's hls_url (LL-HLS lives
    in memory); None when it does not answer 200."""
    try:
        code, text = lw.request("GET", hls_url, api_key=False, timeout=10)
    except OSError:
        return None
    return text_position(text) if code == 200 and isinstance(text, str) else None


def text_position(text):
    """Media sequence + complete segments (#EXTINF; LL-HLS parts of the open segment do not count)."""
    m = re.search(r"#EXT-X-MEDIA-SEQUENCE:(\d+)", text)
    count = text.count("#EXTINF")
    if count == 0:
        return None
    return (int(m.group(1)) if m else 0) + count


def segments_made(start, end):
    return [None if a is None or b is None else b - a for a, b in zip(start, end)]


def ffmpeg_hls_cmd(ffmpeg, url, out_dir, hls_time):
    return [ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error", "-rtsp_transport", "tcp", "-i", url,
            "-c", "copy", "-f", "hls", "-hls_segment_type", "fmp4", "-hls_time", "%g" % hls_time,
            "-hls_list_size", "5", "-hls_flags", "delete_segments", os.path.join(out_dir, "index.m3u8")]


def newest_segment(playlist):
    """(init segment URI or None, URI of the last listed media segment or None) of a playlist."""
    m = re.search(r'#EXT-X-MAP:URI="([^"]+)"', playlist)
    uris = [line.strip() for line in playlist.splitlines() if line.strip() and not line.startswith("#")]
    return (m.group(1) if m else None), (uris[-1] if uris else None)


# ---------------------------------------------------------------- steady method: the players

class Players:
    """N HLS players: every POLL_PERIOD seconds per stream, fetch(i, first) reloads stream i's
    playlist and reads its newest segment (first: the init segment too). Streams are spread
    evenly over the period, as independent players would be; a small pool runs the fetches so
    that one slow answer does not hold up the others."""

    def __init__(self, n, fetch, workers=8):
        self.n = n
        self.fetch = fetch
        self.pool = ThreadPoolExecutor(max_workers=min(workers, n))
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.polls = 0
        self.errors = []
        self.latencies = []
        self.bytes = 0
        self.thread = threading.Thread(target=self._schedule, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def _schedule(self):
        t0 = time.monotonic()
        due = [(t0 + POLL_PERIOD * i / self.n, i, True) for i in range(self.n)]
        heapq.heapify(due)
        while not self.stopping.is_set():
            at, i, first = heapq.heappop(due)
            if self.stopping.wait(max(0.0, at - time.monotonic())):
                return
            self.pool.submit(self._one, i, first)
            heapq.heappush(due, (at + POLL_PERIOD, i, False))

    def _one(self, i, first):
        t0 = time.monotonic()
        try:
            size = self.fetch(i, first)
            error = None
        except Exception as e:  # noqa: BLE001 - every failure is counted, none ends the run
            size, error = 0, "stream %d: %s" % (i, e)
        with self.lock:
            self.polls += 1
            self.bytes += size
            self.latencies.append(time.monotonic() - t0)
            if error:
                self.errors.append(error)

    def mark(self):
        """(polls, errors) so far, to count what happened inside the window."""
        with self.lock:
            return self.polls, len(self.errors)

    def stop(self):
        self.stopping.set()
        self.thread.join(5)
        self.pool.shutdown(wait=True)
        lat = sorted(self.latencies) or [0.0]
        return {"polls": self.polls, "errors": len(self.errors), "first_errors": self.errors[:5],
                "mb_read": round(self.bytes / 1e6, 1),
                "poll_ms_median": round(statistics.median(lat) * 1000, 1),
                "poll_ms_max": round(lat[-1] * 1000, 1)}


def lenswire_fetcher(lw, hls_urls, reuse):
    """fetch(i, first) for Players: GET the session's playlist and its newest segment over HTTP,
    on a new connection per request, or (reuse) on one kept-alive connection per player thread,
    as HLS players (browsers, hls.js, ffmpeg) keep theirs."""
    local = threading.local()

    def get_reused(path):
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = http.client.HTTPConnection("127.0.0.1", lw.port, timeout=10)
        try:
            conn.request("GET", path)
            r = conn.getresponse()
            body = r.read()
        except (OSError, http.client.HTTPException):
            conn.close()
            local.conn = None
            raise
        return r.status, body

    def get(path):
        if reuse:
            code, body = get_reused(path)
        else:
            code, body = lw.request("GET", path, api_key=False, timeout=10)
        if code != 200:
            raise RuntimeError("GET %s answered %s" % (path.split("?")[0], code))
        return body

    def fetch(i, first):
        playlist = get(hls_urls[i])
        if isinstance(playlist, bytes):  # a reused connection's raw body
            playlist = playlist.decode()
        init, newest = newest_segment(playlist)
        size = len(playlist)
        base = "http://x" + hls_urls[i]
        for uri in ([init] if first and init else []) + ([newest] if newest else []):
            u = urllib.parse.urlsplit(urllib.parse.urljoin(base, uri))
            size += len(get(u.path + ("?" + u.query if u.query else "")))
        return size

    return fetch


def disk_fetcher(dirs):
    """fetch(i, first) for Players on ffmpeg's output: the playlist and its newest segment from disk."""
    def read(path):
        with open(path, "rb") as f:
            return len(f.read())

    def fetch(i, first):
        with open(os.path.join(dirs[i], "index.m3u8")) as f:
            playlist = f.read()
        init, newest = newest_segment(playlist)
        size = len(playlist)
        for uri in ([init] if first and init else []) + ([newest] if newest else []):
            size += read(os.path.join(dirs[i], uri))
        return size

    return fetch


# ---------------------------------------------------------------- Lenswire's metrics

HANDOFF = "lenswire_ingest_handoff_delay_seconds"
DROPPED = "lenswire_branch_dropped_packets_total"


def prometheus(lw):
    """{metric name: [values of all its series]} from GET /actuator/prometheus, {} when it fails."""
    try:
        code, text = lw.request("GET", "/actuator/prometheus", timeout=10)
    except OSError:
        return {}
    if code != 200 or not isinstance(text, str):
        return {}
    out = {}
    for line in text.splitlines():
        m = re.match(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{.*\})?\s+(\S+)", line)
        if m and not line.startswith("#"):
            try:
                out.setdefault(m.group(1), []).append(float(m.group(2)))
            except ValueError:
                pass
    return out


def window_metrics(start, end):
    """The hand-off delay over the window (mean from count/sum deltas, max = _max at the end,
    which Micrometer keeps over its last ~2 minutes) and the branch drops; None where absent."""
    result = {"handoff_mean_ms": None, "handoff_max_ms": None, "handoff_count": None,
              "branch_dropped_total": None, "branch_dropped_in_window": None}
    if HANDOFF + "_count" in end and HANDOFF + "_count" in start:
        count = sum(end[HANDOFF + "_count"]) - sum(start[HANDOFF + "_count"])
        total = sum(end.get(HANDOFF + "_sum", [0])) - sum(start.get(HANDOFF + "_sum", [0]))
        result["handoff_count"] = count
        result["handoff_mean_ms"] = round(total / count * 1000, 3) if count > 0 else None
        if end.get(HANDOFF + "_max"):
            result["handoff_max_ms"] = round(max(end[HANDOFF + "_max"]) * 1000, 3)
    if DROPPED in end:
        result["branch_dropped_total"] = sum(end[DROPPED])
        result["branch_dropped_in_window"] = sum(end[DROPPED]) - sum(start.get(DROPPED, [0]))
    return result


# ---------------------------------------------------------------- Lenswire's threads by group

THREAD_GROUPS = (  # first match wins; names are Java names (jcmd) or the kernel's 15-character comm
    ("ingest (javacv-*)", r"^javacv-"),
    ("HLS branch (seda://hls-*)", r"seda://hls"),
    ("other seda branches", r"seda://"),
    ("other Camel", r"^Camel|camel"),
    ("JIT (C1/C2 CompilerThread)", r"CompilerThre"),
    ("GC", r"GC Thread|^G1 |GC|Gang|Conc#|Refine"),
    ("HTTP (http-nio, request pool task-*)", r"^http-nio|^task-"),
    ("other", r""),
)


def thread_group(name):
    for group, pattern in THREAD_GROUPS:
        if re.search(pattern, name):
            return group
    return "other"


class GroupedThreads(JavaThreadGroups):
    """JavaThreadGroups (per folded Java thread name), with the kernel's comm for threads jcmd
    does not list instead of one "other" bucket; coarse(fine) sums them into THREAD_GROUPS."""

    def names(self, threads):
        java = self._java_names() if self.jcmd else {}
        # the port in Tomcat's names changes every run ("http-nio-40123-exec-N")
        return {tid: re.sub(r"^http-nio-\d+", "http-nio-<port>", java.get(tid, comm))
                for tid, (comm, _cpu) in threads.items()}

    @staticmethod
    def coarse(fine):
        groups = {}
        for name, pct in fine.items():
            g = thread_group(name)
            groups[g] = round(groups.get(g, 0.0) + pct, 2)
        return dict(sorted(groups.items(), key=lambda kv: -kv[1]))


# ---------------------------------------------------------------- part cpu

def check_segments(made, window_s, what, segment_s=SEGMENT_S):
    need = int(window_s / segment_s) - 1
    bad = [i for i, m in enumerate(made) if m is None or m < need]
    if bad:
        raise RuntimeError("%s: streams %s made fewer than %d segments in the window: %s"
                           % (what, bad, need, made))


NMT_LINE = re.compile(r"^-\s+(.+?) \(reserved=(\d+)KB, committed=(\d+)KB\)")
NMT_TOTAL = re.compile(r"^Total: reserved=(\d+)KB, committed=(\d+)KB")


def native_memory(pid, jcmd):
    """The JVM's own account of its memory (committed KB per NMT category and in all) when it
    runs with -XX:NativeMemoryTracking=summary, else None. RSS above NMT's total is memory the
    JVM did not allocate: native libraries' malloc (libavformat/libavcodec, OpenCV) and what
    glibc's allocator keeps."""
    if not jcmd:
        return None
    try:
        out = subprocess.run([jcmd, str(pid), "VM.native_memory", "summary"], capture_output=True, text=True,
                             timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    result = {}
    for line in out.splitlines():
        total = NMT_TOTAL.match(line.strip())
        if total:
            result["total"] = int(total.group(2))
        m = NMT_LINE.match(line.strip())
        if m:
            result[m.group(1)] = int(m.group(3))
    return result or None


def data_dir_files(lw):
    """HLS files (playlists, segments, init sections, anything under hls/) under Lenswire's data
    dir, which LL-HLS must not write."""
    found = []
    for root, _dirs, files in os.walk(lw.data):
        for f in files:
            rel = os.path.relpath(os.path.join(root, f), lw.data)
            if rel.startswith("hls" + os.sep) or f.endswith((".m3u8", ".m4s", ".mp4", ".ts")):
                found.append(rel)
    return found


def hls_failures(log_path):
    """Lenswire's "HLS output failing" warnings so far (LlHlsSegmenter logs one when a camera's
    output starts failing), without the time stamps."""
    try:
        with open(log_path, errors="replace") as f:
            return [line.strip()[-300:] for line in f if "HLS output failing" in line]
    except OSError:
        return []


def connect_timeout(args, n):
    """Seconds for n streams to start: cameras are added one by one and connect on 2 cores."""
    return max(args.connect_timeout, 60 + 2 * n)


def mounts_for(args, n):
    """The RTSP server's mounts for n streams: one each unless --mounts caps them (both sides of a
    comparison get the same server)."""
    return min(n, args.mounts) if args.mounts else n


def warmup_of(args, method):
    return args.steady_warmup if method == "steady" else args.warmup


def run_lenswire(args, clip, n, workdir, method):
    lw = Lenswire(args.java, args.java_opt, args.jar, workdir, args.app_arg)
    server = None
    players = None
    try:
        if lw.cameras():
            raise RuntimeError("Lenswire started with cameras; the benchmark needs none")
        time.sleep(args.settle)
        idle = Window([lw.proc.pid], args.idle_window).run()
        server = RtspServer(args.python, clip, mounts_for(args, n))
        t_add = time.monotonic()
        lw.add_cameras(server, n, connect_timeout(args, n))
        all_streaming_s = time.monotonic() - t_add
        urls = [None] * n

        def start_hls(i):
            body = lw.create_session("cam%02d" % i, "bench-user-%02d" % i)
            urls[i] = body["hls_url"]
            t0 = time.monotonic()
            misses, _playlist = lw.first_playlist(body["hls_url"], 20 + n // 2)
            return time.monotonic() - t0, misses

        with ThreadPoolExecutor(max_workers=min(8, n)) as pool:
            started = list(pool.map(start_hls, range(n)))
        first = [t for t, _m in started]
        failing = hls_failures(lw.log_path)
        if failing:
            log("  HLS output failures while starting (%d log lines), first: %s" % (len(failing), failing[0]))
        if method == "steady":
            players = Players(n, lenswire_fetcher(lw, urls, args.player_connections == "reuse")).start()
        # one scrape before the warm-up: the window's own scrapes at its edges then run code the
        # JIT has seen (in a steady run of 2026-11-30, ~150 of the window's 220 compilations came
        # right after its two scrapes: Prometheus exposition, Micrometer, Tomcat)
        prometheus(lw)
        time.sleep(warmup_of(args, method))
        hls_files = data_dir_files(lw)  # LL-HLS writes none; a build with the disk muxer does
        if hls_files:
            log("  %d HLS files under Lenswire's data dir, e.g. %s" % (len(hls_files), hls_files[0]))

        def edge():
            return {"positions": [http_position(lw, u) for u in urls], "metrics": prometheus(lw),
                    "load1": os.getloadavg()[0], "polls": players.mark() if players else None}

        window = Window([lw.proc.pid], args.window, extra_pids=[server.pid()]).run(
            threads=GroupedThreads(lw.proc.pid, args.jcmd), on_start=edge, on_end=edge, settle=EDGE_SETTLE_S)
        start_edge, end_edge = window.pop("start"), window.pop("end")
        nmt = native_memory(lw.proc.pid, args.jcmd) if any("NativeMemoryTracking" in o for o in args.java_opt) else None
        rss_end_kb = status_kb(lw.proc.pid, "VmRSS")
        if nmt:
            log("  NMT committed (MB): total %.0f, %s; RSS %.0f, RSS above NMT %.0f" % (
                nmt.get("total", 0) / 1024, ", ".join("%s %.0f" % (k, v / 1024) for k, v in nmt.items()
                                                      if k != "total" and v >= 10240),
                rss_end_kb / 1024, (rss_end_kb - nmt.get("total", 0)) / 1024))
        made = segments_made(start_edge["positions"], end_edge["positions"])
        window["load1_start"], window["load1_end"] = start_edge["load1"], end_edge["load1"]
        window["threads_groups_pct"] = GroupedThreads.coarse(window.get("threads_cpu_pct", {}))
        viewers = None
        if players:
            window_polls = [e - s for s, e in zip(start_edge["polls"], end_edge["polls"])]
            viewers = players.stop()
            viewers.update({"polls_in_window": window_polls[0], "errors_in_window": window_polls[1]})
            players = None
        check_segments(made, window["wall_s"], "Lenswire")
        cams = lw.cameras()
        not_streaming = [c["camera_id"] for c in cams if c["state"] != "STREAMING"]
        if not_streaming:
            raise RuntimeError("cameras stopped streaming during the window (clip too short?): %s" % not_streaming)
        muxers = end_edge["metrics"].get("lenswire_hls_muxers_active")
        result = {
            "pid": lw.proc.pid,
            "idle": idle,
            "load": window,
            "all_streaming_after_s": round(all_streaming_s, 2),
            "first_playlist_s_max": round(max(first), 3),
            "segments_in_window_min": min(made),
            "segments_in_window_max": max(made),
            "muxers_active": sum(muxers) if muxers else None,
            "reconnects": sum(c["reconnects"] for c in cams),
            "dropped": sum(c["packets_dropped"] for c in cams),
            "threads": status_kb(lw.proc.pid, "Threads"),
            "viewers": viewers,
            "first_playlist_retries": sum(m for _t, m in started),
            "hls_files_in_data_dir": len(hls_files),
            "hls_output_failures": hls_failures(lw.log_path),
            "native_memory_committed_kb": nmt,
            "rss_end_kb": rss_end_kb,
        }
        result.update(window_metrics(start_edge["metrics"], end_edge["metrics"]))
        return result
    finally:
        if players:
            players.stop()
        lw.close(args.keep)
        if server:
            server.close()


def run_ffmpeg(args, clip, n, workdir, method):
    server = RtspServer(args.python, clip, mounts_for(args, n))
    procs, dirs = [], []
    players = None
    try:
        t_start = time.monotonic()
        for i in range(n):
            d = os.path.join(workdir, "ffmpeg-hls-%02d" % i)
            shutil.rmtree(d, ignore_errors=True)
            os.makedirs(d)
            dirs.append(d)
            procs.append(start(ffmpeg_hls_cmd(args.ffmpeg, server.url(i), d, args.hls_time), stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=open(os.path.join(d, "ffmpeg.log"), "w")))
        playlists = [os.path.join(d, "index.m3u8") for d in dirs]

        def positions():
            return [playlist_position(p) for p in playlists]

        deadline = time.monotonic() + connect_timeout(args, n)
        while not all(p is not None for p in positions()):
            dead = [p.args for p in procs if p.poll() is not None]
            if dead:
                raise RuntimeError("ffmpeg exited early: %s" % " ".join(dead[0]))
            if time.monotonic() > deadline:
                raise RuntimeError("not all ffmpeg processes wrote a segment after %d s" % connect_timeout(args, n))
            time.sleep(0.2)
        all_segmenting_s = time.monotonic() - t_start
        if method == "steady":
            players = Players(n, disk_fetcher(dirs)).start()
        time.sleep(warmup_of(args, method))

        def edge():
            return {"positions": positions(), "load1": os.getloadavg()[0],
                    "polls": players.mark() if players else None}

        window = Window([p.pid for p in procs], args.window, extra_pids=[server.pid()]).run(
            on_start=edge, on_end=edge, settle=EDGE_SETTLE_S)
        start_edge, end_edge = window.pop("start"), window.pop("end")
        made = segments_made(start_edge["positions"], end_edge["positions"])
        window["load1_start"], window["load1_end"] = start_edge["load1"], end_edge["load1"]
        viewers = None
        if players:
            window_polls = [e - s for s, e in zip(start_edge["polls"], end_edge["polls"])]
            viewers = players.stop()
            viewers.update({"polls_in_window": window_polls[0], "errors_in_window": window_polls[1]})
            players = None
        check_segments(made, window["wall_s"], "ffmpeg", args.hls_time)
        if any(p.poll() is not None for p in procs):
            raise RuntimeError("an ffmpeg process ended during the window")
        return {
            "load": window,
            "all_segmenting_after_s": round(all_segmenting_s, 2),
            "segments_in_window_min": min(made),
            "segments_in_window_max": max(made),
            "viewers": viewers,
        }
    finally:
        if players:
            players.stop()
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
            while not lw.hls_stopped(cam):  # the previous segmenter of this camera has to stop first
                if time.monotonic() > deadline:
                    raise RuntimeError("segmenter of %s did not stop within 30 s" % cam)
                time.sleep(0.1)
            time.sleep(random.uniform(0, 1))
            t0 = time.monotonic()
            body = lw.create_session(cam, "first-%d" % r)
            t1 = time.monotonic()
            misses, playlist = lw.first_playlist(body["hls_url"], 20)
            t2 = time.monotonic()
            # the first segment lasts from the cached GOP's key frame to the next one: 1 GOP when the
            # segmenter was primed from the GOP cache
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
            p = start(ffmpeg_hls_cmd(args.ffmpeg, server.url(0), d, args.hls_time), stdin=subprocess.DEVNULL,
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
    handoff_mean = [x.get("handoff_mean_ms") for x in lw]
    handoff_max = [x.get("handoff_max_ms") for x in lw if x.get("handoff_max_ms") is not None]
    dropped_metric = [x.get("branch_dropped_total") for x in lw if x.get("branch_dropped_total") is not None]
    groups = {}
    for x in lw:
        for k, v in x["load"].get("threads_groups_pct", {}).items():
            groups.setdefault(k, []).append(v)
    return {
        "lw_segments_min": min(x["segments_in_window_min"] for x in lw),
        "ff_segments_min": min(x["segments_in_window_min"] for x in ff),
        "lw_dropped": max(x["dropped"] for x in lw),
        "lw_muxers": min(x["muxers_active"] or 0 for x in lw),
        "lw_handoff_mean_ms": med(handoff_mean),
        "lw_handoff_max_ms": max(handoff_max) if handoff_max else None,
        "lw_branch_dropped": max(dropped_metric) if dropped_metric else None,
        "lw_groups_pct": {k: med(v) for k, v in groups.items()},
        "viewer_errors": sum((x.get("viewers") or {}).get("errors", 0) for x in lw + ff),
        "lw_first_retries": max(x.get("first_playlist_retries", 0) for x in lw),
        "lw_hls_failures": max(len(x.get("hls_output_failures", [])) for x in lw),
        "load1_lw": med([x["load"].get("load1_end") for x in lw]),
        "load1_ff": med([x["load"].get("load1_end") for x in ff]),
    }


def method_runs(runs, method):
    """The runs of one method, shaped as benchlib.summarize_rounds wants them."""
    out = []
    for r in runs:
        if method in r:
            view = {"round": r["round"], "n": r["n"]}
            view.update(r[method])
            out.append(view)
        elif "error" in r:
            out.append({"round": r["round"], "n": r["n"], "error": r["error"]})
    return out


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
              "memory in MB (1 MB = 1024 kB); hand-off = lenswire_ingest_handoff_delay_seconds over the "
              "window (mean from count/sum deltas, max = its _max at the window's end); load = 1-min "
              "load average at the window's end.\n\n")
    header = ["N", "runs", "LW CPU%", "LW idle%", "ffmpeg CPU%", "ratio", "ratio above idle",
              "LW RSS", "LW RSS/extra cam", "ffmpeg RSS (sum)", "ffmpeg RSS/proc", "ffmpeg PSS (sum)",
              "min segments in window LW / ff", "LW muxers", "LW dropped pkts", "branch drops (metric)",
              "hand-off mean / max ms", "viewer errors", "RTSP server CPU% (LW / ff)", "load (LW / ff)"]
    write_summary_table(out, header, rows, lambda n, r: [
        str(n), str(r["runs"]), fmt(r["lw_cpu_pct"]), fmt(r["lw_idle_cpu_pct"]), fmt(r["ff_cpu_pct"]),
        fmt(r["cpu_ratio"], "%.2f"), fmt(r["cpu_ratio_above_idle"], "%.2f"), fmt(r["lw_rss_mb"], "%.0f"),
        fmt(r["lw_rss_per_extra_camera_mb"]), fmt(r["ff_rss_mb"], "%.0f"),
        fmt(r["ff_rss_per_process_mb"]), fmt(r["ff_pss_mb"], "%.0f"),
        "%d / %d" % (r["lw_segments_min"], r["ff_segments_min"]), fmt(r["lw_muxers"], "%.0f"),
        str(r["lw_dropped"]), "n/a" if r["lw_branch_dropped"] is None else "%.0f" % r["lw_branch_dropped"],
        "n/a" if r["lw_handoff_mean_ms"] is None else "%s / %s" % (fmt(r["lw_handoff_mean_ms"], "%.3f"),
                                                                   fmt(r["lw_handoff_max_ms"], "%.3f")),
        str(r["viewer_errors"]),
        "%s / %s" % (fmt(r["server_cpu_pct_lw"]), fmt(r["server_cpu_pct_ff"])),
        "%s / %s" % (fmt(r["load1_lw"], "%.2f"), fmt(r["load1_ff"], "%.2f"))])


def print_groups(rows, out):
    """Lenswire's CPU by coarse thread group for every N, medians over rounds."""
    names = []
    for r in rows.values():
        for k in (r or {}).get("lw_groups_pct", {}):
            if k not in names:
                names.append(k)
    if not names:
        return
    names.sort(key=lambda k: [g for g, _ in THREAD_GROUPS].index(k) if k in dict(THREAD_GROUPS) else 99)
    out.write("\nLenswire CPU by thread group over the window (% of one core, median over rounds; "
              "JIT = the C1/C2 CompilerThreads):\n\n")
    header = ["N"] + names
    out.write("| " + " | ".join(header) + " |\n|" + "|".join("---:" for _ in header) + "|\n")
    for n, r in rows.items():
        if r is not None:
            out.write("| %d | " % n + " | ".join(fmt(r["lw_groups_pct"].get(k)) for k in names) + " |\n")


def print_threads(runs, out):
    """Per-thread-name CPU of Lenswire at the largest N, median over rounds."""
    ok = [r for r in runs if "error" not in r]
    if not ok:
        return
    n = max(r["n"] for r in ok)
    groups = {}
    for r in ok:
        if r["n"] == n:
            for k, v in r["lenswire"]["load"].get("threads_cpu_pct", {}).items():
                groups.setdefault(k, []).append(v)
    out.write("\nLenswire CPU by thread name at N=%d (%% of one core, median over rounds; a name sums "
              "its threads):\n\n| thread name | CPU%% |\n|---|---:|\n" % n)
    for k, v in sorted(groups.items(), key=lambda kv: -statistics.median(kv[1]))[:12]:
        out.write("| `%s` | %.1f |\n" % (k, statistics.median(v)))


# ---------------------------------------------------------------- plot (SVG, no packages)

def svg_plot(path, series, counts, title):
    """A line chart of CPU % of one core against N; x logarithmic when N spans more than 10x,
    ticks at the measured counts. series: [(label, colour, dashed, {N: CPU%})]."""
    w, h, left, right, top, bottom = 720, 440, 70, 200, 40, 60
    xs = sorted(set(counts))
    log_x = xs[0] > 0 and xs[-1] / xs[0] > 10

    def fx(n):
        if len(xs) == 1:
            return left + (w - left - right) / 2
        a, b = (math.log(xs[0]), math.log(xs[-1])) if log_x else (xs[0], xs[-1])
        v = math.log(n) if log_x else n
        return left + (v - a) / (b - a) * (w - left - right)

    top_v = max([v for _l, _c, _d, pts in series for v in pts.values() if v is not None] + [1.0])
    step = next(s for s in (1, 2, 5, 10, 20, 25, 50, 100, 200) if top_v / s <= 8)
    y_max = step * math.ceil(top_v * 1.05 / step)

    def fy(v):
        return top + (1 - v / y_max) * (h - top - bottom)

    esc = lambda t: t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")  # noqa: E731
    el = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" '
          'font-family="sans-serif" font-size="12">' % (w, h, w, h),
          '<rect width="100%" height="100%" fill="white"/>',
          '<text x="%d" y="22" font-size="14">%s</text>' % (left, esc(title))]
    y = 0
    while y <= y_max + 1e-9:
        el.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>' % (left, fy(y), w - right, fy(y)))
        el.append('<text x="%d" y="%.1f" text-anchor="end">%g</text>' % (left - 6, fy(y) + 4, y))
        y += step
    for n in xs:
        el.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/>' % (fx(n), top, fx(n), h - bottom))
        el.append('<text x="%.1f" y="%d" text-anchor="middle">%d</text>' % (fx(n), h - bottom + 18, n))
    el.append('<text x="%.1f" y="%d" text-anchor="middle">N cameras (watched)%s</text>'
              % ((left + w - right) / 2, h - 18, ", log scale" if log_x else ""))
    el.append('<text transform="translate(18,%.1f) rotate(-90)" text-anchor="middle">CPU, %% of one core</text>'
              % ((top + h - bottom) / 2))
    el.append('<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#444"/>'
              % (left, top, w - left - right, h - top - bottom))
    for k, (label, colour, dashed, pts) in enumerate(series):
        pts = sorted((n, v) for n, v in pts.items() if v is not None)
        dash = ' stroke-dasharray="6,4"' if dashed else ""
        if len(pts) > 1:
            el.append('<polyline fill="none" stroke="%s" stroke-width="2"%s points="%s"/>' % (
                colour, dash, " ".join("%.1f,%.1f" % (fx(n), fy(v)) for n, v in pts)))
        for n, v in pts:
            el.append('<circle cx="%.1f" cy="%.1f" r="3.5" fill="%s"><title>%s N=%d: %.1f%%</title></circle>'
                      % (fx(n), fy(v), colour, esc(label), n, v))
        ly = top + 10 + 22 * k
        el.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2"%s/>'
                  % (w - right + 12, ly, w - right + 40, ly, colour, dash))
        el.append('<text x="%d" y="%d">%s</text>' % (w - right + 46, ly + 4, esc(label)))
    el.append("</svg>")
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w") as f:
        f.write("\n".join(el) + "\n")


def plot(report, path):
    """Redraws the CPU-vs-N plot from a report's runs (the lines of every method it holds)."""
    counts = sorted({r["n"] for r in report["runs"]})
    series = []
    colours = {"quick": ("#1f77b4", "#ff7f0e"), "steady": ("#08306b", "#a63603")}
    for method in METHODS:
        runs = method_runs(report["runs"], method)
        if not any("lenswire" in r for r in runs):
            continue
        rows = summarize(counts, runs)
        for side, key, colour in (("Lenswire", "lw_cpu_pct", colours[method][0]),
                                  ("ffmpeg -f hls", "ff_cpu_pct", colours[method][1])):
            series.append(("%s, %s" % (side, method), colour, method == "quick",
                           {n: r[key] for n, r in rows.items() if r is not None}))
    if not series:
        return
    svg_plot(path, series, counts, "HLS, N watched cameras: CPU vs N (%s)" % report["date"][:10])
    log("plot:", path)


# ---------------------------------------------------------------- first playlist report

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
        out.write("\nTarget <= %.2f s: median %.3f s, max %.3f s -> %s\n" % (
            target, m, max(s["total_s"] for s in lw), "met" if max(s["total_s"] for s in lw) <= target
            else ("met by the median, not by every sample" if m <= target else "MISSED")))


# ---------------------------------------------------------------- main

def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--parts", default="cpu,first", help="cpu, first or both (default cpu,first)")
    add_round_options(parser, "seconds between all segmenting and the window (method quick)")
    parser.add_argument("--method", default="quick", choices=("quick", "steady", "both"),
                        help="part cpu: quick (fetch once, --warmup), steady (players poll every 2 s, "
                             "--steady-warmup) or both, each round and N (default quick)")
    parser.add_argument("--steady-warmup", type=float, default=180,
                        help="seconds of polled warm-up before the window (method steady, default 180)")
    parser.add_argument("--player-connections", default="new", choices=("new", "reuse"),
                        help="method steady: a new HTTP connection per request (the default, as the issue's"
                             " outside measurement), or one kept-alive connection per player thread, as players"
                             " keep theirs")
    parser.add_argument("--hls-time", type=float, default=SEGMENT_S,
                        help="the ffmpeg reference's -hls_time in seconds (default 1, as Lenswire's segments;"
                             " it was 2 before issue 13)")
    parser.add_argument("--first-repeats", type=int, default=10, help="samples of create-session -> first playlist")
    parser.add_argument("--first-cameras", type=int, default=3, help="cameras the first-playlist samples rotate over")
    parser.add_argument("--mounts", type=int, default=0,
                        help="part cpu: at most this many RTSP server mounts, shared by the N streams (camera i"
                             " reads mount i mod M; default 0: one mount per stream). The server then runs M"
                             " pipelines instead of N, for counts where it cannot keep up with N on this machine;"
                             " both sides read the same mounts")
    parser.add_argument("--clip-seconds", type=int, default=0,
                        help="length of the served clip (default: long enough for one phase)")
    add_bitrate_and_java_options(parser)
    parser.add_argument("--jcmd", default=shutil.which("jcmd"), help="for per-thread CPU by Java thread name")
    add_lenswire_options(parser, "--lenswire.hls.part-duration=100ms")
    add_tool_and_target_options(parser)
    parser.add_argument("--first-target", type=float, default=0.25,
                        help="seconds, create-session -> first playable playlist (default 0.25, issue 13)")
    add_output_options(parser)
    parser.add_argument("--svg", default=os.path.join(REPO, "docs", "bench", "hls-cpu-vs-n.svg"),
                        help="where the CPU-vs-N plot goes (default docs/bench/hls-cpu-vs-n.svg; '' for none)")
    parser.add_argument("--plot-only", metavar="FILE.json",
                        help="measure nothing: print the tables and redraw the plot from a saved --json")
    if "--plot-only" in " ".join(sys.argv):
        return parser.parse_args()
    return parse_checked(parser, "scripts/bench/hls.sh")


def methods_of(args):
    return list(METHODS) if args.method == "both" else [args.method]


def measure_cpu(args, clip, workdir, run):
    """One round at one N of part cpu: per method, Lenswire then N ffmpeg processes, each on a
    fresh server; a method's failure is kept in run[method]["error"] and the next one still runs."""
    rnd, n = run["round"], run["n"]
    for method in methods_of(args):
        result = {}
        run[method] = result
        try:
            log("round %d N=%d %s: Lenswire (load %.2f)" % (rnd, n, method, os.getloadavg()[0]))
            result["lenswire"] = run_lenswire(args, clip, n, workdir, method)
            time.sleep(2)
            log("round %d N=%d %s: ffmpeg (load %.2f)" % (rnd, n, method, os.getloadavg()[0]))
            result["ffmpeg"] = run_ffmpeg(args, clip, n, workdir, method)
            time.sleep(2)
        except (RuntimeError, OSError, ValueError, KeyError) as e:
            result["error"] = str(e)
            log("  FAILED:", e)
            continue
        lw, ff = result["lenswire"], result["ffmpeg"]
        log("  %s: Lenswire %.1f%% CPU (idle %.1f%%), %.0f MB, >= %d segments | ffmpeg %.1f%% CPU, "
            "%.0f MB, >= %d segments | ratio %.2f | load %.2f/%.2f | groups %s" % (
                method, lw["load"]["cpu_pct"], lw["idle"]["cpu_pct"], lw["load"]["rss_kb_mean"] / 1024,
                lw["segments_in_window_min"], ff["load"]["cpu_pct"],
                ff["load"]["rss_kb_mean"] / 1024, ff["segments_in_window_min"],
                lw["load"]["cpu_pct"] / max(0.01, ff["load"]["cpu_pct"]),
                lw["load"]["load1_end"], ff["load"]["load1_end"],
                json.dumps(lw["load"]["threads_groups_pct"])))


def report_cpu(report, counts, args, out):
    """The tables of every method the report holds, the verdicts and the plot; returns failures."""
    failures = []
    report["summary"] = {}
    for method in METHODS:
        runs = method_runs(report["runs"], method)
        if not any(method in r for r in report["runs"]):
            continue
        rows = summarize(counts, runs)
        report["summary"][method] = {str(n): r for n, r in rows.items()}
        out.write("\n## Method %s (%s)\n" % (method, "fetched once, %g s warm-up" % args.warmup
                                             if method == "quick" else
                                             "players poll every %g s, %g s warm-up"
                                             % (POLL_PERIOD, args.steady_warmup)))
        print_cpu_table(rows, out)
        print_groups(rows, out)
        print_threads(runs, out)
        write_verdict(rows, args.cpu_target, args.rss_target, out, "- ")
        for n, r in rows.items():
            if r is not None and r["lw_hls_failures"]:
                out.write("- N=%d: HLS output failures logged: %d (\"HLS output failing\" in Lenswire's log; "
                          "see the JSON); first-playlist 404/503 retries: %d\n"
                          % (n, r["lw_hls_failures"], r["lw_first_retries"]))
            if r is not None and r["lw_branch_dropped"]:
                out.write("- N=%d: %.0f packets dropped by branches (must be 0)\n" % (n, r["lw_branch_dropped"]))
        failures += ["round %d N=%d %s: %s" % (r["round"], r["n"], method, r["error"])
                     for r in runs if "error" in r]
    if args.svg:
        plot(report, args.svg)
    return failures


def part_cpu(args, counts, clip, workdir, report, out):
    """Part cpu: all rounds, then the tables, thread groups, verdicts and plot; returns failures."""
    measure_rounds(counts, args.rounds, report, lambda run: measure_cpu(args, clip, workdir, run),
                   lambda: write_json(args.json, report))
    failures = report_cpu(report, counts, args, out)
    write_json(args.json, report)
    return failures


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


def plot_only(args):
    """--plot-only: the tables and the plot again from a saved report (nothing is measured)."""
    with open(args.plot_only) as f:
        report = json.load(f)
    settings = report.get("settings", {})
    args.warmup = settings.get("warmup", args.warmup)
    args.steady_warmup = settings.get("steady_warmup", args.steady_warmup)
    counts = sorted({r["n"] for r in report["runs"]})
    write_title(sys.stdout, "HLS", report)
    sys.stdout.write("(redrawn from %s; command: %s)\n" % (os.path.basename(args.plot_only), report["command"]))
    report_cpu(report, counts, args, sys.stdout)
    return 0


def main():
    args = parse_args()
    if args.plot_only:
        return plot_only(args)
    parts = set(args.parts.split(","))
    counts = [int(c) for c in args.counts.split(",")]
    warm = max(warmup_of(args, m) for m in methods_of(args))
    # every phase streams the clip from its start: adding the cameras, the warm-up and the window fit in it
    clip_seconds = args.clip_seconds or int(max(120, warm + args.window + 90 + 2 * max(counts),
                                                args.first_repeats * 6 + 30))
    exit_on_signals()
    with bench_workdir("lenswire-hls-bench-", args.keep) as workdir:
        report = new_report(args, ("jar", "json", "jcmd", "svg", "plot_only"))
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
