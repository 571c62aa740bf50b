"""Shared parts of the Lenswire benchmarks (ingest_bench.py, hls_bench.py).

Python standard library only, like the benchmarks; they import it from their own directory.
What lives here is what both measure the same way, so that their numbers stay comparable:
/proc sampling over a window, the test clip and RTSP server, the Lenswire process and its REST
API, child process bookkeeping, medians and table cells, and the common command-line options.
"""
import contextlib
import ctypes
import datetime
import hashlib
import json
import os
import platform
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

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
RTSP_SERVER = os.path.join(REPO, "integration-tests", "src", "test", "testbed", "rtsp_server.py")
API_KEY = "bench-key-0123456789abcdef"
CLK_TCK = os.sysconf("SC_CLK_TCK")
FPS = 25


def log(*parts):
    # progress goes to stderr so that stdout carries only the report
    print(time.strftime("%H:%M:%S"), *parts, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- /proc readers

def _stat_cpu_seconds(raw):
    """utime + stime of one /proc/.../stat line (fields 14 and 15 of stat(5))."""
    fields = raw.rsplit(")", 1)[1].split()  # the name in parentheses may contain spaces
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def cpu_seconds(pid):
    """utime + stime of the process (all its threads), not of its children."""
    with open("/proc/%d/stat" % pid) as f:
        return _stat_cpu_seconds(f.read())


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
    """{tid: (kernel name, cpu seconds)} of every thread of the process."""
    out = {}
    task = "/proc/%d/task" % pid
    for tid in os.listdir(task):
        try:
            with open(os.path.join(task, tid, "stat")) as f:
                raw = f.read()
        except OSError:  # the thread ended between listdir and open
            continue
        name = raw[raw.index("(") + 1:raw.rindex(")")]
        out[int(tid)] = (name, _stat_cpu_seconds(raw))
    return out


def system_busy():
    """(busy, total) jiffies of the whole machine, to show how noisy a window was."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


# ---------------------------------------------------------------- per-thread CPU

class ThreadGroups:
    """CPU of one process's threads over a window, summed by the kernel's thread name
    (15 characters at most: "javacv-cam07" stays per camera, "C2 CompilerThre" etc. stay)."""

    min_cpu_s = 0.0  # groups that used no more than this are left out

    def __init__(self, pid):
        self.pid = pid
        self.before = None

    def begin(self):
        self.before = thread_cpu(self.pid)

    def names(self, threads):
        """{tid: group} for the threads read at the end of the window."""
        return {tid: name for tid, (name, _cpu) in threads.items()}

    def end(self, wall):
        """{group: % of one core over wall seconds}, busiest first."""
        after = thread_cpu(self.pid)
        names = self.names(after)
        groups = {}
        for tid, (_name, cpu) in after.items():
            name = names[tid]
            # a thread started inside the window counts from zero
            before = self.before.get(tid, (name, 0.0))[1]
            groups[name] = groups.get(name, 0.0) + (cpu - before)
        return {k: round(v / wall * 100, 2)
                for k, v in sorted(groups.items(), key=lambda kv: -kv[1]) if v > self.min_cpu_s}


class JavaThreadGroups(ThreadGroups):
    """Like ThreadGroups, but by Java thread name from `jcmd PID Thread.print`: the kernel's
    names are cut at 15 characters, which makes every Camel thread "Camel (camel-1)". Camera ids
    and pool numbers are folded, so that e.g. all ingest threads form one group "javacv-<cam>".
    Threads jcmd does not list (or all, without jcmd) form "other (GC, JIT, VM)"."""

    min_cpu_s = 0.005

    def __init__(self, pid, jcmd):
        super().__init__(pid)
        self.jcmd = jcmd

    def names(self, threads):
        java = self._java_names() if self.jcmd else {}
        return {tid: java.get(tid, "other (GC, JIT, VM)") for tid in threads}

    def _java_names(self):
        try:
            out = subprocess.run([self.jcmd, str(self.pid), "Thread.print"], capture_output=True, text=True,
                                 timeout=30).stdout
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


# ---------------------------------------------------------------- measuring window

class Window:
    """CPU and memory of a set of processes over one measuring window."""

    def __init__(self, pids, seconds, extra_pids=()):
        self.pids = list(pids)
        self.seconds = seconds
        self.extra_pids = list(extra_pids)  # CPU only, e.g. the RTSP server both sides share

    def run(self, threads=None, on_start=None, on_end=None, settle=0.0):
        """Measures; `threads` (a ThreadGroups) adds "threads_cpu_pct"; on_start/on_end are
        called just outside the window's edges (on_start, then `settle` seconds, then the window;
        on_end right after it) and their results returned as "start"/"end". Outside, because
        what they ask of the measured process (a metrics scrape, playlist reads) is the
        benchmark's own work, and the JIT compiles what a scrape ran in the seconds after it:
        `settle` keeps that out of the window too."""
        start_info = on_start() if on_start else None
        if settle > 0:
            time.sleep(settle)
        if threads is not None:
            threads.begin()
        cpu0 = {p: cpu_seconds(p) for p in self.pids + self.extra_pids}
        sys0 = system_busy()
        t0 = time.monotonic()
        rss, pss = self._sample_memory(t0 + self.seconds)
        t1 = time.monotonic()
        cpu1 = {p: cpu_seconds(p) for p in self.pids + self.extra_pids}
        sys1 = system_busy()
        threads_pct = threads.end(t1 - t0) if threads is not None else None
        end_info = on_end() if on_end else None
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
        if threads_pct is not None:
            result["threads_cpu_pct"] = threads_pct
        return result

    def _sample_memory(self, deadline):
        """RSS and PSS sums once a second until the deadline, one sample at each end."""
        rss, pss = [], []
        while True:
            rss.append(sum(status_kb(p, "VmRSS") for p in self.pids))
            pss.append(sum(pss_kb(p) for p in self.pids))
            left = deadline - time.monotonic()
            if left <= 0:
                return rss, pss
            time.sleep(min(1.0, left))


# ---------------------------------------------------------------- child processes

_children = []  # every process we start, stopped on any exit
_libc = ctypes.CDLL(None, use_errno=True)
PR_SET_PDEATHSIG = 1


def _die_with_parent():
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # even if the benchmark is killed with SIGKILL


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


def exit_on_signals():
    """SIGTERM and SIGHUP end the benchmark through SystemExit, so that `finally` blocks stop
    the children and remove the temporary directory."""
    def on_signal(signum, _frame):
        raise SystemExit("stopped by signal %d" % signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)


@contextlib.contextmanager
def bench_workdir(prefix, keep):
    """A temporary directory for the benchmark; on the way out every child is stopped first
    (they write into it), then the directory is removed unless `keep`."""
    workdir = tempfile.mkdtemp(prefix=prefix)
    try:
        yield workdir
    finally:
        kill_all()
        if keep:
            log("kept", workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------- streams

def make_clip(ffmpeg, path, seconds, bitrate):
    """720p25 H.264 test clip, a key frame every second and no B-frames; returns the command.

    libx264 takes minutes of this machine's CPU for a long clip, so clips are kept by their
    parameters in LENSWIRE_BENCH_CACHE (default ~/.cache/lenswire-bench; "off": none) and copied
    from there when asked for again. The encoder's version is part of the key."""
    args = ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
            "-i", "testsrc2=size=1280x720:rate=%d" % FPS, "-t", str(seconds),
            "-c:v", "libx264", "-preset", "veryfast", "-b:v", bitrate, "-maxrate", bitrate,
            "-bufsize", bitrate, "-g", str(FPS), "-keyint_min", str(FPS), "-sc_threshold", "0",
            "-bf", "0", "-pix_fmt", "yuv420p", "-movflags", "+faststart"]
    cmd = [ffmpeg] + args + [path]
    cache = os.environ.get("LENSWIRE_BENCH_CACHE", os.path.join(os.path.expanduser("~"), ".cache", "lenswire-bench"))
    if cache == "off":
        subprocess.run(cmd, check=True)
        return " ".join(cmd)
    version = subprocess.run([ffmpeg, "-version"], capture_output=True, text=True, check=True).stdout.split("\n")[0]
    key = hashlib.sha256("\0".join([version] + args).encode()).hexdigest()[:16]
    cached = os.path.join(cache, "clip-%s.mp4" % key)
    if os.path.exists(cached):
        log("using the cached clip %s" % cached)
    else:
        os.makedirs(cache, exist_ok=True)
        partial = cached + ".%d.part" % os.getpid()
        subprocess.run([ffmpeg] + args + ["-f", "mp4", partial], check=True)
        os.replace(partial, cached)  # whole or not there: a run killed while encoding leaves no clip behind
    shutil.copyfile(cached, path)
    return " ".join(cmd)


class RtspServer:
    """The test bed's RTSP server on 127.0.0.1 with mounts /cam00, /cam01, ... of one clip
    (file: mounts, so no encoder runs). Stream i is mount i modulo the number of mounts: with fewer
    mounts than readers, several readers share one mount's pipeline (each still has its own RTSP
    connection and gets every packet), which costs the server less per reader."""

    def __init__(self, python, clip, mounts):
        self.port = free_port()
        self.mounts = mounts
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
        for line in self.proc.stdout:
            self.on_output(line)

    def on_output(self, line):
        """One line (a JSON event) the server printed after "ready"; subclasses may count them."""

    def url(self, i):
        return "rtsp://127.0.0.1:%d/cam%02d" % (self.port, i % self.mounts)

    def pid(self):
        return self.proc.pid

    def close(self):
        stop(self.proc, grace=5)


# ---------------------------------------------------------------- Lenswire

class Lenswire:
    """A fresh Lenswire JVM (empty data dir, no configured cameras, a known API key) and its
    REST API."""

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
        self._wait_healthy(120)

    def _wait_healthy(self, timeout):
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError("Lenswire exited with %s, see %s" % (self.proc.returncode, self.log_path))
            try:
                if self.request("GET", "/api/stream/health")[0] == 200:
                    return
            except OSError:  # not listening yet
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("Lenswire did not answer within %d s, see %s" % (timeout, self.log_path))
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

    def packets(self):
        """{camera id: packets received so far}."""
        return {c["camera_id"]: c["packets_received"] for c in self.cameras()}

    def add_cameras(self, server, n, timeout, poll=0.2):
        """Adds cam00 .. cam(n-1) on the server's mounts and waits until all are STREAMING."""
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
            time.sleep(poll)

    def create_session(self, camera, user):
        code, body = self.request("POST", "/api/stream/playback/create-session",
                                  {"camera_id": camera, "user_id": user})
        if code != 201:
            raise RuntimeError("create-session %s answered %s: %s" % (camera, code, body))
        return body

    def first_playlist(self, hls_url, timeout):
        """GETs the hls_url until it answers 200 with a segment; returns (number of 404s and 503s,
        playlist). A 503 (the camera's HLS output fails for now and retries at the next key
        frame) is retried after 0.2 s as its message asks; a 404 (no segment yet) at once."""
        deadline = time.monotonic() + timeout
        misses = 0
        while True:
            code, body = self.request("GET", hls_url, api_key=False, timeout=timeout)
            if code == 200 and "#EXTINF" in body:
                return misses, body
            if code not in (404, 503) or time.monotonic() > deadline:
                raise RuntimeError("playlist answered %s: %s" % (code, str(body)[:200]))
            misses += 1
            if code == 503:
                time.sleep(0.2)

    def hls_stopped(self, camera):
        """True once the camera's HLS segmenter has stopped completely: its hls_state is "stopped"
        and lenswire_hls_muxers_active (which counts a stopping segmenter until it is closed)
        counts only the cameras whose state is not "stopped"."""
        cams = self.cameras()
        if any(c["camera_id"] == camera and c.get("hls_state") != "stopped" for c in cams):
            return False
        code, text = self.request("GET", "/actuator/prometheus")
        if code != 200 or not isinstance(text, str):
            raise RuntimeError("/actuator/prometheus answered %s" % code)
        m = re.search(r"^lenswire_hls_muxers_active(?:\{[^}]*\})?\s+(\S+)", text, re.M)
        if m is None:
            raise RuntimeError("no lenswire_hls_muxers_active gauge in /actuator/prometheus")
        return float(m.group(1)) <= sum(1 for c in cams if c.get("hls_state") != "stopped")

    def close(self, keep_dir):
        stop(self.proc)
        self.log_file.close()
        if not keep_dir:
            shutil.rmtree(self.dir, ignore_errors=True)


# ---------------------------------------------------------------- rounds

def measure_rounds(counts, rounds, report, measure, save):
    """For every round and every N: run = {"round", "n"} filled by measure(run); a failure is
    logged and kept as run["error"] so that the other rounds still run. Saves after each run, so
    that an interrupted benchmark keeps what it measured."""
    for rnd in range(1, rounds + 1):
        for n in counts:
            run = {"round": rnd, "n": n}
            try:
                measure(run)
            except (RuntimeError, OSError, ValueError, KeyError) as e:
                run["error"] = str(e)
                log("  FAILED:", e)
            report["runs"].append(run)
            save()


# ---------------------------------------------------------------- report

def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt(v, spec="%.1f"):
    return "-" if v is None else spec % v


def summarize_rounds(counts, runs, extra_fields):
    """{N: row or None without a successful round}: the numbers both benchmarks report (see
    summary_row) plus extra_fields(lw, ff), the benchmark's own, from the same results."""
    rows = {}
    for n in counts:
        ok = [r for r in runs if r["n"] == n and "error" not in r]
        if not ok:
            rows[n] = None
            continue
        lw = [r["lenswire"] for r in ok]
        ff = [r["ffmpeg"] for r in ok]
        row = summary_row(lw, ff)
        row.update(extra_fields(lw, ff))
        # ffmpeg runs one process per camera: its sums divided by N
        row["ff_rss_per_process_mb"] = row["ff_rss_mb"] / n
        row["ff_pss_per_process_mb"] = row["ff_pss_mb"] / n
        rows[n] = row
    return rows


def summary_row(lw, ff):
    """Medians of the Lenswire and ffmpeg results of one N's successful rounds (in round
    order); ratios are taken within a round (same machine state) and their median reported."""
    return {
        "runs": len(lw),
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
        "server_cpu_pct_lw": med([x["load"]["extra_cpu_pct"] for x in lw]),
        "server_cpu_pct_ff": med([x["load"]["extra_cpu_pct"] for x in ff]),
        "machine_busy_pct_lw": med([x["load"]["machine_busy_pct"] for x in lw]),
        "machine_busy_pct_ff": med([x["load"]["machine_busy_pct"] for x in ff]),
    }


def write_summary_table(out, header, rows, cells):
    """Markdown table of the summary, one row per N: cells(n, row), or dashes without a run."""
    write_table_head(out, header)
    for n, r in rows.items():
        if r is None:
            out.write("| %d | 0 | " % n + " | ".join("-" for _ in header[2:]) + " |\n")
        else:
            write_table_row(out, cells(n, r))


def write_table_head(out, header):
    """Markdown table header, every column right-aligned."""
    out.write("| " + " | ".join(header) + " |\n")
    out.write("|" + "|".join("---:" for _ in header) + "|\n")


def write_table_row(out, cells):
    out.write("| " + " | ".join(cells) + " |\n")


def write_verdict(rows, cpu_target, rss_target, out, bullet):
    """One line per N: the CPU ratio and the RSS per extra camera against their targets."""
    out.write("\nTargets: Lenswire CPU <= %.2fx ffmpeg's; <= %.0f MB RSS per extra camera.\n"
              % (cpu_target, rss_target))
    for n, r in rows.items():
        if r is None:
            out.write("%sN=%d: no successful run\n" % (bullet, n))
            continue
        cpu_ok = r["cpu_ratio"] is not None and r["cpu_ratio"] <= cpu_target
        line = "%sN=%d: CPU ratio %s -> %s" % (bullet, n, fmt(r["cpu_ratio"], "%.2f"), "met" if cpu_ok else "MISSED")
        if r["lw_rss_per_extra_camera_mb"] is not None:
            rss_ok = r["lw_rss_per_extra_camera_mb"] <= rss_target
            line += "; RSS per extra camera %s MB -> %s" % (fmt(r["lw_rss_per_extra_camera_mb"]),
                                                            "met" if rss_ok else "MISSED")
        out.write(line + "\n")


def write_title(out, what, report):
    out.write("Lenswire %s benchmark, %s, %d cores (%s)\n" % (
        what, report["date"], report["machine"]["nproc"], report["machine"]["cpu_model"]))


# ---------------------------------------------------------------- raw report (JSON)

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
    """First line of a tool's version output, or "?"."""
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        return (r.stdout or r.stderr).splitlines()[0].strip()
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "?"


def new_report(args, hidden_settings):
    """The raw report: when, what command, on which machine and tools, with which settings
    (without `hidden_settings`, which hold paths of this machine), and the runs to come."""
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "command": " ".join([os.path.relpath(sys.argv[0], REPO)] + sys.argv[1:]),
        "machine": machine(),
        "versions": {"java": version([args.java, "-version"]), "ffmpeg": version([args.ffmpeg, "-version"])},
        "settings": {k: v for k, v in vars(args).items() if k not in hidden_settings},
        "runs": [],
    }


def write_json(path, report):
    if path:
        with open(path, "w") as f:
            json.dump(report, f, indent=1)


def parse_checked(parser, wrapper):
    """Parses the command line; without the jar, says which wrapper script builds it."""
    args = parser.parse_args()
    if not os.path.isfile(args.jar):
        parser.error("no jar at %s; build it (%s does)" % (args.jar, wrapper))
    return args


# ---------------------------------------------------------------- command line
# Split into groups because each benchmark puts its own options between them (and --help lists
# options in the order they are added).

def add_round_options(parser, warmup_help):
    parser.add_argument("--counts", default="1,10,25", help="camera counts N, comma-separated (default 1,10,25)")
    parser.add_argument("--rounds", type=int, default=3, help="repetitions of every N; medians are reported")
    parser.add_argument("--warmup", type=float, default=10, help=warmup_help)
    parser.add_argument("--window", type=float, default=30, help="measuring window in seconds")
    parser.add_argument("--idle-window", type=float, default=10, help="Lenswire idle window in seconds")
    parser.add_argument("--settle", type=float, default=5, help="seconds after Lenswire answers before idle")
    parser.add_argument("--connect-timeout", type=int, default=90, help="seconds for all streams to start")


def add_bitrate_and_java_options(parser):
    parser.add_argument("--bitrate", default="2M", help="clip bit rate (x264 -b:v/-maxrate/-bufsize)")
    parser.add_argument("--jar", default=os.path.join(REPO, "processors", "target", "lenswire", "lenswire.jar"))
    parser.add_argument("--java", default=os.path.join(os.environ["JAVA_HOME"], "bin", "java")
                        if os.environ.get("JAVA_HOME") else "java")


def add_lenswire_options(parser, app_arg_example):
    parser.add_argument("--java-opt", action="append", default=[],
                        help="extra JVM option for Lenswire (repeatable); default: none, as `java -jar`")
    parser.add_argument("--app-arg", action="append", default=[],
                        help="extra Lenswire argument (repeatable), e.g. --app-arg=" + app_arg_example)


def add_tool_and_target_options(parser):
    parser.add_argument("--ffmpeg", default="ffmpeg")
    parser.add_argument("--python", default="/usr/bin/python3", help="python with gi for the RTSP server")
    parser.add_argument("--cpu-target", type=float, default=1.0)
    parser.add_argument("--rss-target", type=float, default=15.0)


def add_output_options(parser):
    parser.add_argument("--json", help="write every raw measurement here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (logs)")
