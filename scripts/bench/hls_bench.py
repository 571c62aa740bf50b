#!/usr/bin/python3
"""HLS benchmarks of issue 4: N watched cameras through one Lenswire JVM vs N `ffmpeg -c copy -f hls`
processes, and create-session -> first playable playlist vs a freshly started ffmpeg.

python3 standard library only; run with /usr/bin/python3 (scripts/bench/hls.sh does). Parts:

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
import ctypes
import datetime
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
RTSP_SERVER = os.path.join(REPO, "integration-tests", "src", "test", "testbed", "rtsp_server.py")
API_KEY = "bench-key-0123456789abcdef"
CLK_TCK = os.sysconf("SC_CLK_TCK")
FPS = 25
HLS_TIME = 2

_children = []  # every process we start, stopped on any exit


def log(*parts):
    print(time.strftime("%H:%M:%S"), *parts, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- /proc readers

def cpu_seconds(pid):
    """utime + stime of the process (all its threads), not of its children."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # fields 14 and 15 of stat(5)


def status_kb(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def pss_kb(pid):
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def thread_cpu(pid):
    """{tid: cpu seconds} of every thread of the process."""
    out = {}
    task = "/proc/%d/task" % pid
    for tid in os.listdir(task):
        try:
            with open(os.path.join(task, tid, "stat")) as f:
                raw = f.read()
        except OSError:
            continue
        fields = raw.rsplit(")", 1)[1].split()
        out[int(tid)] = (int(fields[11]) + int(fields[12])) / CLK_TCK
    return out


def java_thread_groups(pid, jcmd):
    """{tid: group} from `jcmd PID Thread.print` (the kernel's thread names are cut at 15
    characters, which makes every Camel thread "Camel (camel-1)"). Camera ids and pool numbers
    are folded, so that e.g. all ingest threads form one group "javacv-<cam>"."""
    try:
        out = subprocess.run([jcmd, str(pid), "Thread.print"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return {}
    groups = {}
    for m in re.finditer(r'^"(.*?)".*?nid=(0x[0-9a-f]+)', out, re.M):
        name = re.sub(r"^Camel \(camel-\d+\) thread #\d+ - ", "", m.group(1))
        name = re.sub(r"cam\d+", "<cam>", name)
        name = re.sub(r"(?<=[-#])\d+$", "N", name)
        name = re.sub(r"\d+$", "N", name)
        groups[int(m.group(2), 16)] = name
    return groups


def system_busy():
    """(busy, total) jiffies of the whole machine, to show how noisy a window was."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


class Window:
    """CPU and memory of a set of processes over one measuring window."""

    def __init__(self, pids, seconds, extra_pids=()):
        self.pids = list(pids)
        self.seconds = seconds
        self.extra_pids = list(extra_pids)

    def run(self, per_thread_pid=None, jcmd=None, on_start=None, on_end=None):
        threads0 = thread_cpu(per_thread_pid) if per_thread_pid else None
        cpu0 = {p: cpu_seconds(p) for p in self.pids + self.extra_pids}
        sys0 = system_busy()
        t0 = time.monotonic()
        start_info = on_start() if on_start else None
        rss, pss = [], []
        deadline = t0 + self.seconds
        while True:
            rss.append(sum(status_kb(p, "VmRSS") for p in self.pids))
            pss.append(sum(pss_kb(p) for p in self.pids))
            left = deadline - time.monotonic()
            if left <= 0:
                break
            time.sleep(min(1.0, left))
        end_info = on_end() if on_end else None
        t1 = time.monotonic()
        cpu1 = {p: cpu_seconds(p) for p in self.pids + self.extra_pids}
        sys1 = system_busy()
        wall = t1 - t0
        busy = (sys1[0] - sys0[0]) / max(1, sys1[1] - sys0[1]) * 100 * os.cpu_count()
        result = {
            "wall_s": round(wall, 3),
            "cpu_s": round(sum(cpu1[p] - cpu0[p] for p in self.pids), 3),
            "cpu_pct": round(sum(cpu1[p] - cpu0[p] for p in self.pids) / wall * 100, 2),
            "extra_cpu_pct": round(sum(cpu1[p] - cpu0[p] for p in self.extra_pids) / wall * 100, 2),
            "machine_busy_pct": round(busy, 1),  # percent of one core, all processes on the machine
            "rss_kb_mean": round(statistics.mean(rss)),
            "rss_kb_max": max(rss),
            "pss_kb_mean": round(statistics.mean(pss)),
            "samples": len(rss),
            "start": start_info,
            "end": end_info,
        }
        if threads0 is not None:
            threads1 = thread_cpu(per_thread_pid)
            names = java_thread_groups(per_thread_pid, jcmd) if jcmd else {}
            groups = {}
            for tid, cpu in threads1.items():
                name = names.get(tid, "other (GC, JIT, VM)")
                groups[name] = groups.get(name, 0.0) + (cpu - threads0.get(tid, 0.0))
            result["threads_cpu_pct"] = {k: round(v / wall * 100, 2)
                                         for k, v in sorted(groups.items(), key=lambda kv: -kv[1]) if v > 0.005}
        return result


# ---------------------------------------------------------------- processes

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_libc = ctypes.CDLL(None, use_errno=True)
PR_SET_PDEATHSIG = 1


def _die_with_parent():
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # even if this script is killed with SIGKILL


def start(cmd, **kw):
    p = subprocess.Popen(cmd, preexec_fn=_die_with_parent, **kw)
    _children.append(p)
    return p


def stop(p, grace=30):
    if p.poll() is None:
        p.terminate()
        try:
            p.wait(grace)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    if p in _children:
        _children.remove(p)


def kill_all():
    for p in list(_children):
        try:
            stop(p, grace=10)
        except Exception:  # noqa: BLE001 - best effort on the way out
            pass


def make_clip(ffmpeg, path, seconds, bitrate):
    cmd = [ffmpeg, "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
           "-i", "testsrc2=size=1280x720:rate=%d" % FPS, "-t", str(seconds),
           "-c:v", "libx264", "-preset", "veryfast", "-b:v", bitrate, "-maxrate", bitrate,
           "-bufsize", bitrate, "-g", str(FPS), "-keyint_min", str(FPS), "-sc_threshold", "0",
           "-bf", "0", "-pix_fmt", "yuv420p", "-movflags", "+faststart", path]
    subprocess.run(cmd, check=True)
    return " ".join(cmd)


class RtspServer:
    def __init__(self, python, clip, mounts):
        self.port = free_port()
        cmd = [python, RTSP_SERVER, "--port", str(self.port)]
        for i in range(mounts):
            cmd += ["--mount", "/cam%02d=file:%s" % (i, clip)]
        # stdin stays open: the server stops when it closes (so it never outlives us)
        self.proc = start(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if not line or json.loads(line).get("event") != "ready":
            raise RuntimeError("RTSP server did not start: " + line)
        threading.Thread(target=self._drain, daemon=True).start()  # never let its pipe fill up

    def _drain(self):
        for _line in self.proc.stdout:
            pass

    def url(self, i):
        return "rtsp://127.0.0.1:%d/cam%02d" % (self.port, i)

    def pid(self):
        return self.proc.pid

    def close(self):
        stop(self.proc, grace=5)


class Lenswire:
    def __init__(self, java, java_opts, jar, workdir, app_args=()):
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="lenswire-", dir=workdir)
        config = os.path.join(self.dir, "bench.yaml")
        with open(config, "w") as f:
            f.write("lenswire:\n  cameras: []\n")  # no embedded demo camera
        self.data = os.path.join(self.dir, "data")
        self.log_path = os.path.join(self.dir, "lenswire.log")
        self.cmd = [java] + java_opts + [
            "-jar", jar, "--server.port=%d" % self.port,
            "--lenswire.data-dir=" + self.data,
            "--lenswire.security.api-keys[0]=" + API_KEY,
            "--spring.config.additional-location=file:" + config] + list(app_args)
        self.log_file = open(self.log_path, "w")
        self.proc = start(self.cmd, cwd=self.dir, stdin=subprocess.DEVNULL, stdout=self.log_file,
                          stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError("Lenswire exited with %s, see %s" % (self.proc.returncode, self.log_path))
            try:
                if self.request("GET", "/api/stream/health")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("Lenswire did not answer within 120 s, see " + self.log_path)
            time.sleep(0.5)

    def request(self, method, path, body=None, api_key=True, timeout=10):
        """(status, parsed JSON or text) of one request."""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request("http://127.0.0.1:%d%s" % (self.port, path), data=data, method=method)
        if api_key:
            req.add_header("X-API-Key", API_KEY)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                raw = r.read()
                ctype = r.headers.get("Content-Type", "")
                return r.status, (json.loads(raw or b"null") if "json" in ctype else raw.decode(errors="replace"))
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode(errors="replace")

    def cameras(self):
        code, body = self.request("GET", "/api/stream/cameras/status")
        if code != 200:
            raise RuntimeError("status answered %s: %s" % (code, body))
        return body["cameras"]

    def add_cameras(self, server, n, timeout):
        for i in range(n):
            code, body = self.request("POST", "/api/stream/cameras/add",
                                      {"camera_id": "cam%02d" % i, "rtsp_url": server.url(i)})
            if code != 201:
                raise RuntimeError("add cam%02d answered %s: %s" % (i, code, body))
        deadline = time.monotonic() + timeout
        while True:
            states = [c["state"] for c in self.cameras()]
            if len(states) == n and all(s == "STREAMING" for s in states):
                return
            if time.monotonic() > deadline:
                raise RuntimeError("not all cameras STREAMING after %d s: %s" % (timeout, states))
            time.sleep(0.2)

    def create_session(self, camera, user):
        code, body = self.request("POST", "/api/stream/playback/create-session",
                                  {"camera_id": camera, "user_id": user})
        if code != 201:
            raise RuntimeError("create-session %s answered %s: %s" % (camera, code, body))
        return body

    def first_playlist(self, hls_url, timeout):
        """GETs the hls_url until it answers 200 with a segment; returns (number of 404s, playlist)."""
        deadline = time.monotonic() + timeout
        misses = 0
        while True:
            code, body = self.request("GET", hls_url, api_key=False, timeout=timeout)
            if code == 200 and "#EXTINF" in body:
                return misses, body
            if code != 404 or time.monotonic() > deadline:
                raise RuntimeError("playlist answered %s: %s" % (code, str(body)[:200]))
            misses += 1

    def hls_dir(self, camera):
        return os.path.join(self.data, "hls", camera)

    def close(self, keep_dir):
        stop(self.proc)
        self.log_file.close()
        if not keep_dir:
            shutil.rmtree(self.dir, ignore_errors=True)


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
            per_thread_pid=lw.proc.pid, jcmd=args.jcmd, on_start=positions, on_end=positions)
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

def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def summarize(counts, runs):
    rows = {}
    for n in counts:
        ok = [r for r in runs if r["n"] == n and "error" not in r]
        if not ok:
            rows[n] = None
            continue
        lw = [r["lenswire"] for r in ok]
        ff = [r["ffmpeg"] for r in ok]
        rows[n] = {
            "runs": len(ok),
            "lw_cpu_pct": med([x["load"]["cpu_pct"] for x in lw]),
            "lw_idle_cpu_pct": med([x["idle"]["cpu_pct"] for x in lw]),
            "ff_cpu_pct": med([x["load"]["cpu_pct"] for x in ff]),
            "cpu_ratio": med([a["load"]["cpu_pct"] / b["load"]["cpu_pct"] for a, b in zip(lw, ff)
                              if b["load"]["cpu_pct"] > 0]),
            "cpu_ratio_above_idle": med([(a["load"]["cpu_pct"] - a["idle"]["cpu_pct"]) / b["load"]["cpu_pct"]
                                         for a, b in zip(lw, ff) if b["load"]["cpu_pct"] > 0]),
            "lw_rss_mb": med([x["load"]["rss_kb_mean"] for x in lw]) / 1024,
            "lw_idle_rss_mb": med([x["idle"]["rss_kb_mean"] for x in lw]) / 1024,
            "ff_rss_mb": med([x["load"]["rss_kb_mean"] for x in ff]) / 1024,
            "ff_pss_mb": med([x["load"]["pss_kb_mean"] for x in ff]) / 1024,
            "lw_segments_min": min(x["segments_in_window_min"] for x in lw),
            "ff_segments_min": min(x["segments_in_window_min"] for x in ff),
            "lw_dropped": max(x["dropped"] for x in lw),
            "lw_muxers": min(x["muxers_active"] or 0 for x in lw),
            "server_cpu_pct_lw": med([x["load"]["extra_cpu_pct"] for x in lw]),
            "server_cpu_pct_ff": med([x["load"]["extra_cpu_pct"] for x in ff]),
            "machine_busy_pct_lw": med([x["load"]["machine_busy_pct"] for x in lw]),
            "machine_busy_pct_ff": med([x["load"]["machine_busy_pct"] for x in ff]),
        }
    for n, row in rows.items():
        if row is None:
            continue
        row["ff_rss_per_process_mb"] = row["ff_rss_mb"] / n
        row["ff_pss_per_process_mb"] = row["ff_pss_mb"] / n
        # per extra camera: within each round, (RSS at N - RSS at 1) / (N - 1), median over rounds
        per_round = []
        for r in runs:
            if r["n"] != n or n == 1 or "error" in r:
                continue
            base = [b for b in runs if b["n"] == 1 and b["round"] == r["round"] and "error" not in b]
            if base:
                per_round.append((r["lenswire"]["load"]["rss_kb_mean"] - base[0]["lenswire"]["load"]["rss_kb_mean"])
                                 / 1024 / (n - 1))
        row["lw_rss_per_extra_camera_mb"] = med(per_round)
    return rows


def fmt(v, spec="%.1f"):
    return "-" if v is None else spec % v


def print_cpu_table(rows, out):
    out.write("\nMedians over rounds (ratios: median of the per-round ratios). CPU in % of one core; "
              "memory in MB (1 MB = 1024 kB).\n\n")
    header = ["N", "runs", "LW CPU%", "LW idle%", "ffmpeg CPU%", "ratio", "ratio above idle",
              "LW RSS", "LW RSS/extra cam", "ffmpeg RSS (sum)", "ffmpeg RSS/proc", "ffmpeg PSS (sum)",
              "min segments in window LW / ff", "LW muxers", "LW dropped pkts",
              "RTSP server CPU% (LW / ff)", "machine busy% (LW / ff)"]
    out.write("| " + " | ".join(header) + " |\n")
    out.write("|" + "|".join("---:" for _ in header) + "|\n")
    for n, r in rows.items():
        if r is None:
            out.write("| %d | 0 | " % n + " | ".join("-" for _ in header[2:]) + " |\n")
            continue
        cells = [str(n), str(r["runs"]), fmt(r["lw_cpu_pct"]), fmt(r["lw_idle_cpu_pct"]), fmt(r["ff_cpu_pct"]),
                 fmt(r["cpu_ratio"], "%.2f"), fmt(r["cpu_ratio_above_idle"], "%.2f"), fmt(r["lw_rss_mb"], "%.0f"),
                 fmt(r["lw_rss_per_extra_camera_mb"]), fmt(r["ff_rss_mb"], "%.0f"),
                 fmt(r["ff_rss_per_process_mb"]), fmt(r["ff_pss_mb"], "%.0f"),
                 "%d / %d" % (r["lw_segments_min"], r["ff_segments_min"]), fmt(r["lw_muxers"], "%.0f"),
                 str(r["lw_dropped"]),
                 "%s / %s" % (fmt(r["server_cpu_pct_lw"]), fmt(r["server_cpu_pct_ff"])),
                 "%s / %s" % (fmt(r["machine_busy_pct_lw"], "%.0f"), fmt(r["machine_busy_pct_ff"], "%.0f"))]
        out.write("| " + " | ".join(cells) + " |\n")


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


def cpu_verdict(rows, cpu_target, rss_target, out):
    out.write("\nTargets: Lenswire CPU <= %.2fx ffmpeg's; <= %.0f MB RSS per extra camera.\n" % (cpu_target, rss_target))
    for n, r in rows.items():
        if r is None:
            out.write("- N=%d: no successful run\n" % n)
            continue
        cpu_ok = r["cpu_ratio"] is not None and r["cpu_ratio"] <= cpu_target
        line = "- N=%d: CPU ratio %s -> %s" % (n, fmt(r["cpu_ratio"], "%.2f"), "met" if cpu_ok else "MISSED")
        if r["lw_rss_per_extra_camera_mb"] is not None:
            rss_ok = r["lw_rss_per_extra_camera_mb"] <= rss_target
            line += "; RSS per extra camera %s MB -> %s" % (fmt(r["lw_rss_per_extra_camera_mb"]),
                                                            "met" if rss_ok else "MISSED")
        out.write(line + "\n")


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

def machine():
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kb = int(f.readline().split()[1])
    return {"nproc": os.cpu_count(), "cpu_model": model, "mem_mb": mem_kb // 1024,
            "kernel": platform.release(), "python": platform.python_version()}


def version(cmd):
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        return (r.stdout or r.stderr).splitlines()[0].strip()
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "?"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--parts", default="cpu,first", help="cpu, first or both (default cpu,first)")
    parser.add_argument("--counts", default="1,10,25", help="camera counts N, comma-separated (default 1,10,25)")
    parser.add_argument("--rounds", type=int, default=3, help="repetitions of every N; medians are reported")
    parser.add_argument("--warmup", type=float, default=10, help="seconds between all segmenting and the window")
    parser.add_argument("--window", type=float, default=30, help="measuring window in seconds")
    parser.add_argument("--idle-window", type=float, default=10, help="Lenswire idle window in seconds")
    parser.add_argument("--settle", type=float, default=5, help="seconds after Lenswire answers before idle")
    parser.add_argument("--connect-timeout", type=int, default=90, help="seconds for all streams to start")
    parser.add_argument("--first-repeats", type=int, default=10, help="samples of create-session -> first playlist")
    parser.add_argument("--first-cameras", type=int, default=3, help="cameras the first-playlist samples rotate over")
    parser.add_argument("--clip-seconds", type=int, default=0,
                        help="length of the served clip (default: long enough for one phase)")
    parser.add_argument("--bitrate", default="2M", help="clip bit rate (x264 -b:v/-maxrate/-bufsize)")
    parser.add_argument("--jar", default=os.path.join(REPO, "processors", "target", "lenswire.jar"))
    parser.add_argument("--java", default=os.path.join(os.environ["JAVA_HOME"], "bin", "java")
                        if os.environ.get("JAVA_HOME") else "java")
    parser.add_argument("--jcmd", default=shutil.which("jcmd"), help="for per-thread CPU by Java thread name")
    parser.add_argument("--java-opt", action="append", default=[],
                        help="extra JVM option for Lenswire (repeatable); default: none, as `java -jar`")
    parser.add_argument("--app-arg", action="append", default=[],
                        help="extra Lenswire argument (repeatable), e.g. --app-arg=--lenswire.hls.segment-duration=1s")
    parser.add_argument("--ffmpeg", default="ffmpeg")
    parser.add_argument("--python", default="/usr/bin/python3", help="python with gi for the RTSP server")
    parser.add_argument("--cpu-target", type=float, default=1.0)
    parser.add_argument("--rss-target", type=float, default=15.0)
    parser.add_argument("--first-target", type=float, default=1.0)
    parser.add_argument("--json", help="write every raw measurement here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (logs)")
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    counts = [int(c) for c in args.counts.split(",")]
    if not os.path.isfile(args.jar):
        parser.error("no jar at %s; build it (scripts/bench/hls.sh does)" % args.jar)
    clip_seconds = args.clip_seconds or int(max(120, args.warmup + args.window + 90,
                                                args.first_repeats * 6 + 30))

    def on_signal(signum, _frame):
        raise SystemExit("stopped by signal %d" % signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    workdir = tempfile.mkdtemp(prefix="lenswire-hls-bench-")
    report = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "command": " ".join([os.path.relpath(sys.argv[0], REPO)] + sys.argv[1:]),
        "machine": machine(),
        "versions": {"java": version([args.java, "-version"]), "ffmpeg": version([args.ffmpeg, "-version"])},
        "settings": {k: v for k, v in vars(args).items() if k not in ("jar", "json", "jcmd")},
        "runs": [],
    }

    def save():
        if args.json:
            with open(args.json, "w") as f:
                json.dump(report, f, indent=1)

    failures = []
    try:
        clip = os.path.join(workdir, "clip-720p25.mp4")
        log("making a %d s clip: %s" % (clip_seconds, clip))
        report["clip_command"] = make_clip(args.ffmpeg, clip, clip_seconds, args.bitrate)
        out = sys.stdout
        out.write("Lenswire HLS benchmark, %s, %d cores (%s)\n" % (
            report["date"], report["machine"]["nproc"], report["machine"]["cpu_model"]))
        if "cpu" in parts:
            for rnd in range(1, args.rounds + 1):
                for n in counts:
                    run = {"round": rnd, "n": n}
                    try:
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
                    except (RuntimeError, OSError, ValueError, KeyError) as e:
                        run["error"] = str(e)
                        failures.append("round %d N=%d: %s" % (rnd, n, e))
                        log("  FAILED:", e)
                    report["runs"].append(run)
                    save()
            rows = summarize(counts, report["runs"])
            report["summary"] = {str(n): r for n, r in rows.items()}
            print_cpu_table(rows, out)
            print_threads(report["runs"], out)
            cpu_verdict(rows, args.cpu_target, args.rss_target, out)
            save()
        if "first" in parts:
            first = {}
            report["first_playlist"] = first
            for side, fn in (("lenswire", run_first_lenswire), ("ffmpeg", run_first_ffmpeg)):
                try:
                    log("first playlist: %s" % side)
                    first[side] = fn(args, clip, workdir)
                except (RuntimeError, OSError, ValueError, KeyError) as e:
                    failures.append("first playlist %s: %s" % (side, e))
                    log("  FAILED:", e)
                save()
            print_first(first, args.first_target, out)
        for f in failures:
            out.write("FAILED %s\n" % f)
        return 1 if failures else 0
    finally:
        kill_all()
        if args.keep:
            log("kept", workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
