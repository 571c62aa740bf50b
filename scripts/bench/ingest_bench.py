#!/usr/bin/python3
"""Ingest benchmark: N cameras through one Lenswire JVM vs N `ffmpeg -c copy -f null` processes.

What it does (python3 standard library only; run with /usr/bin/python3):
  1. makes a 720p25 ~2 Mbit/s H.264 clip (libx264, key frame every 25 frames, no B-frames)
     with the ffmpeg CLI in a temporary directory;
  2. starts ONE test RTSP server (integration-tests/src/test/testbed/rtsp_server.py) on
     127.0.0.1 with max(N) mounts /cam00, /cam01, ... of that clip, looped without re-encoding;
  3. for every round and every N: starts Lenswire fresh (empty data dir, no configured
     cameras), measures it idle, adds N cameras over the REST API, waits until all are
     STREAMING, warms up, measures CPU and RSS over a window, stops it; then runs N
     `ffmpeg -rtsp_transport tcp -i URL -c copy -f null -` on the same N URLs with the same
     warm-up and window;
  4. prints a table of medians over the rounds and writes every raw number as JSON.

CPU = utime + stime of the process itself from /proc/<pid>/stat (children not included),
as a percentage of one core over the window. RSS = VmRSS from /proc/<pid>/status, averaged
over samples taken once a second in the window. PSS (from /proc/<pid>/smaps_rollup) is
recorded too: N ffmpeg processes share their libraries, which RSS counts N times.
"""
import argparse
import ctypes
import datetime
import json
import os
import platform
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

_children = []  # every process we start, killed on any exit


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
    """{tid: (name, cpu seconds)} of every thread of the process."""
    out = {}
    task = "/proc/%d/task" % pid
    for tid in os.listdir(task):
        try:
            with open(os.path.join(task, tid, "stat")) as f:
                raw = f.read()
        except OSError:
            continue
        name = raw[raw.index("(") + 1:raw.rindex(")")]
        fields = raw.rsplit(")", 1)[1].split()
        out[int(tid)] = (name, (int(fields[11]) + int(fields[12])) / CLK_TCK)
    return out


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

    def run(self, per_thread_pid=None, on_start=None, on_end=None):
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
            groups = {}
            for tid, (name, cpu) in threads1.items():
                before = threads0.get(tid, (name, 0.0))[1]
                # group numbered pools: "javacv-cam07" stays, "C2 CompilerThre" etc. stay
                groups[name] = groups.get(name, 0.0) + (cpu - before)
            result["threads_cpu_pct"] = {k: round(v / wall * 100, 2)
                                         for k, v in sorted(groups.items(), key=lambda kv: -kv[1]) if v > 0}
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
        self.describes = {}
        self.lock = threading.Lock()
        threading.Thread(target=self._drain, daemon=True).start()  # never let its pipe fill up

    def _drain(self):
        for line in self.proc.stdout:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if event.get("event") == "describe":
                with self.lock:
                    self.describes[event["path"]] = self.describes.get(event["path"], 0) + 1

    def take_describes(self):
        with self.lock:
            d, self.describes = self.describes, {}
        return d

    def url(self, i):
        return "rtsp://127.0.0.1:%d/cam%02d" % (self.port, i)

    def pid(self):
        return self.proc.pid


class Lenswire:
    def __init__(self, java, java_opts, jar, workdir, app_args=()):
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="lenswire-", dir=workdir)
        config = os.path.join(self.dir, "bench.yaml")
        with open(config, "w") as f:
            f.write("lenswire:\n  cameras: []\n")  # no embedded demo camera
        self.log_path = os.path.join(self.dir, "lenswire.log")
        self.cmd = [java] + java_opts + [
            "-jar", jar, "--server.port=%d" % self.port,
            "--lenswire.data-dir=" + os.path.join(self.dir, "data"),
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

    def request(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request("http://127.0.0.1:%d%s" % (self.port, path), data=data, method=method)
        req.add_header("X-API-Key", API_KEY)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode(errors="replace")

    def cameras(self):
        code, body = self.request("GET", "/api/stream/cameras/status")
        if code != 200:
            raise RuntimeError("status answered %s: %s" % (code, body))
        return body["cameras"]

    def packets(self):
        return {c["camera_id"]: c["packets_received"] for c in self.cameras()}

    def close(self, keep_dir):
        stop(self.proc)
        self.log_file.close()
        if not keep_dir:
            shutil.rmtree(self.dir, ignore_errors=True)


def ffmpeg_frames(log_path):
    """Last frame= count ffmpeg printed in its progress line."""
    try:
        with open(log_path, "rb") as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - 4096))
            tail = f.read().decode(errors="replace")
    except OSError:
        return None
    i = tail.rfind("frame=")
    if i < 0:
        return None
    try:
        return int(tail[i + 6:].split()[0])
    except (ValueError, IndexError):
        return None


# ---------------------------------------------------------------- phases

def run_lenswire(args, server, n, workdir):
    lw = Lenswire(args.java, args.java_opt, args.jar, workdir, args.app_arg)
    try:
        present = lw.cameras()
        if present:
            raise RuntimeError("Lenswire started with cameras %s; the benchmark needs none"
                               % [c["camera_id"] for c in present])
        time.sleep(args.settle)
        idle = Window([lw.proc.pid], args.idle_window).run()
        server.take_describes()
        t_add = time.monotonic()
        for i in range(n):
            code, body = lw.request("POST", "/api/stream/cameras/add",
                                    {"camera_id": "cam%02d" % i, "rtsp_url": server.url(i)})
            if code != 201:
                raise RuntimeError("add cam%02d answered %s: %s" % (i, code, body))
        deadline = time.monotonic() + args.connect_timeout
        while True:
            states = [c["state"] for c in lw.cameras()]
            if len(states) == n and all(s == "STREAMING" for s in states):
                break
            if time.monotonic() > deadline:
                raise RuntimeError("not all cameras STREAMING after %d s: %s" % (args.connect_timeout, states))
            time.sleep(0.5)
        all_streaming_s = time.monotonic() - t_add
        time.sleep(args.warmup)
        window = Window([lw.proc.pid], args.window, extra_pids=[server.pid()]).run(
            per_thread_pid=lw.proc.pid, on_start=lw.packets, on_end=lw.packets)
        rates = [(window["end"][c] - window["start"][c]) / window["wall_s"] for c in window["end"]]
        cams = lw.cameras()
        window.pop("start"), window.pop("end")
        return {
            "pid": lw.proc.pid,
            "idle": idle,
            "load": window,
            "all_streaming_after_s": round(all_streaming_s, 2),
            "packet_rate_mean": round(statistics.mean(rates), 2),
            "packet_rate_min": round(min(rates), 2),
            "reconnects": sum(c["reconnects"] for c in cams),
            "dropped": sum(c["packets_dropped"] for c in cams),
            "rtsp_describes": server.take_describes(),
            "threads": status_kb(lw.proc.pid, "Threads"),
        }
    finally:
        lw.close(args.keep)


def run_ffmpeg(args, server, n, workdir):
    procs, logs = [], []
    try:
        server.take_describes()
        t_start = time.monotonic()
        for i in range(n):
            path = os.path.join(workdir, "ffmpeg-%02d.log" % i)
            logs.append(path)
            with open(path, "w") as out:
                procs.append(start([args.ffmpeg, "-hide_banner", "-nostdin", "-rtsp_transport", "tcp",
                                    "-i", server.url(i), "-c", "copy", "-f", "null", "-"],
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=out))
        deadline = time.monotonic() + args.connect_timeout
        while not all((ffmpeg_frames(p) or 0) > 0 for p in logs):
            dead = [p.args for p in procs if p.poll() is not None]
            if dead:
                raise RuntimeError("ffmpeg exited early: %s" % dead[0])
            if time.monotonic() > deadline:
                raise RuntimeError("not all ffmpeg processes receive frames after %d s" % args.connect_timeout)
            time.sleep(0.5)
        all_streaming_s = time.monotonic() - t_start
        time.sleep(args.warmup)

        def frames():
            return [ffmpeg_frames(p) or 0 for p in logs]

        window = Window([p.pid for p in procs], args.window, extra_pids=[server.pid()]).run(
            on_start=frames, on_end=frames)
        # ffmpeg refreshes its progress line every 0.5 s, so a rate is good to about 1 frame/s
        rates = [(b - a) / window["wall_s"] for a, b in zip(window["start"], window["end"])]
        window.pop("start"), window.pop("end")
        if any(p.poll() is not None for p in procs):
            raise RuntimeError("an ffmpeg process ended during the window")
        return {
            "load": window,
            "all_streaming_after_s": round(all_streaming_s, 2),
            "packet_rate_mean": round(statistics.mean(rates), 2),
            "packet_rate_min": round(min(rates), 2),
            "rtsp_describes": server.take_describes(),
        }
    finally:
        for p in procs:
            stop(p, grace=10)
        if not args.keep:
            for path in logs:
                try:
                    os.remove(path)
                except OSError:
                    pass


# ---------------------------------------------------------------- report

def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def thread_share(lenswire_run, *prefixes):
    threads = lenswire_run["load"].get("threads_cpu_pct", {})
    return sum(v for k, v in threads.items() if k.startswith(prefixes))


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
            "lw_cpu_above_idle_pct": med([x["load"]["cpu_pct"] - x["idle"]["cpu_pct"] for x in lw]),
            # where the JVM's CPU went in the window: camera threads, JIT compilers, GC
            "lw_ingest_threads_pct": med([thread_share(x, "Camel (") for x in lw]),
            "lw_jit_pct": med([thread_share(x, "C1 Compiler", "C2 Compiler") for x in lw]),
            "lw_gc_pct": med([thread_share(x, "GC Thread", "G1 ") for x in lw]),
            "ff_cpu_pct": med([x["load"]["cpu_pct"] for x in ff]),
            "cpu_ratio": med([a["load"]["cpu_pct"] / b["load"]["cpu_pct"] for a, b in zip(lw, ff)
                              if b["load"]["cpu_pct"] > 0]),
            "cpu_ratio_above_idle": med([(a["load"]["cpu_pct"] - a["idle"]["cpu_pct"]) / b["load"]["cpu_pct"]
                                         for a, b in zip(lw, ff) if b["load"]["cpu_pct"] > 0]),
            "lw_rss_mb": med([x["load"]["rss_kb_mean"] for x in lw]) / 1024,
            "lw_idle_rss_mb": med([x["idle"]["rss_kb_mean"] for x in lw]) / 1024,
            "lw_pss_mb": med([x["load"]["pss_kb_mean"] for x in lw]) / 1024,
            "ff_rss_mb": med([x["load"]["rss_kb_mean"] for x in ff]) / 1024,
            "ff_pss_mb": med([x["load"]["pss_kb_mean"] for x in ff]) / 1024,
            "lw_pkt_rate": med([x["packet_rate_mean"] for x in lw]),
            "lw_pkt_rate_min": min(x["packet_rate_min"] for x in lw),
            "ff_pkt_rate": med([x["packet_rate_mean"] for x in ff]),
            "ff_pkt_rate_min": min(x["packet_rate_min"] for x in ff),
            "server_cpu_pct_lw": med([x["load"]["extra_cpu_pct"] for x in lw]),
            "server_cpu_pct_ff": med([x["load"]["extra_cpu_pct"] for x in ff]),
            "machine_busy_pct_lw": med([x["load"]["machine_busy_pct"] for x in lw]),
            "machine_busy_pct_ff": med([x["load"]["machine_busy_pct"] for x in ff]),
        }
    base = rows.get(1) or rows.get(min(counts))
    for n, row in rows.items():
        if row is None:
            continue
        row["ff_rss_per_process_mb"] = row["ff_rss_mb"] / n
        row["ff_pss_per_process_mb"] = row["ff_pss_mb"] / n
        row["lw_rss_per_camera_above_idle_mb"] = (row["lw_rss_mb"] - row["lw_idle_rss_mb"]) / n
        if base is not None and n > 1 and 1 in rows and rows[1] is not None:
            row["lw_rss_per_extra_camera_mb"] = (row["lw_rss_mb"] - rows[1]["lw_rss_mb"]) / (n - 1)
        else:
            row["lw_rss_per_extra_camera_mb"] = None
    return rows


def fmt(v, spec="%.1f"):
    return "-" if v is None else spec % v


def print_table(rows, out):
    out.write("\nMedians over rounds. CPU in % of one core; memory in MB (1 MB = 1024 kB).\n\n")
    header = ["N", "runs", "LW CPU%", "LW idle%", "LW>idle%", "ffmpeg CPU%", "ratio", "ratio>idle",
              "LW RSS", "LW RSS/extra cam", "ffmpeg RSS", "RSS/ffmpeg", "ffmpeg PSS", "LW pkt/s/cam",
              "ffmpeg fps/proc", "server CPU% (LW/ff)", "machine busy% (LW/ff)"]
    out.write("| " + " | ".join(header) + " |\n")
    out.write("|" + "|".join("---:" for _ in header) + "|\n")
    for n, r in rows.items():
        if r is None:
            out.write("| %d | 0 | " % n + " | ".join("-" for _ in header[2:]) + " |\n")
            continue
        cells = [str(n), str(r["runs"]), fmt(r["lw_cpu_pct"]), fmt(r["lw_idle_cpu_pct"]),
                 fmt(r["lw_cpu_above_idle_pct"]), fmt(r["ff_cpu_pct"]), fmt(r["cpu_ratio"], "%.2f"),
                 fmt(r["cpu_ratio_above_idle"], "%.2f"), fmt(r["lw_rss_mb"], "%.0f"),
                 fmt(r["lw_rss_per_extra_camera_mb"]), fmt(r["ff_rss_mb"], "%.0f"),
                 fmt(r["ff_rss_per_process_mb"]), fmt(r["ff_pss_mb"], "%.0f"),
                 "%s (min %s)" % (fmt(r["lw_pkt_rate"]), fmt(r["lw_pkt_rate_min"])),
                 "%s (min %s)" % (fmt(r["ff_pkt_rate"]), fmt(r["ff_pkt_rate_min"])),
                 "%s / %s" % (fmt(r["server_cpu_pct_lw"]), fmt(r["server_cpu_pct_ff"])),
                 "%s / %s" % (fmt(r["machine_busy_pct_lw"], "%.0f"), fmt(r["machine_busy_pct_ff"], "%.0f"))]
        out.write("| " + " | ".join(cells) + " |\n")


def print_breakdown(rows, out):
    out.write("\nWhere Lenswire's CPU went in the window (medians, % of one core; per-thread /proc/<pid>/task):\n\n")
    out.write("| N | total | camera threads | per camera | JIT compilers | GC | ffmpeg per process |\n")
    out.write("|---:|---:|---:|---:|---:|---:|---:|\n")
    for n, r in rows.items():
        if r is None:
            continue
        out.write("| %d | %s | %s | %s | %s | %s | %s |\n" % (
            n, fmt(r["lw_cpu_pct"]), fmt(r["lw_ingest_threads_pct"]), fmt(r["lw_ingest_threads_pct"] / n, "%.2f"),
            fmt(r["lw_jit_pct"]), fmt(r["lw_gc_pct"]), fmt(r["ff_cpu_pct"] / n, "%.2f")))


def verdict(rows, cpu_target, rss_target, out):
    out.write("\nTargets: Lenswire CPU <= %.2fx ffmpeg's; <= %.0f MB RSS per extra camera.\n" % (cpu_target, rss_target))
    for n, r in rows.items():
        if r is None:
            out.write("  N=%d: no successful run\n" % n)
            continue
        cpu_ok = r["cpu_ratio"] is not None and r["cpu_ratio"] <= cpu_target
        line = "  N=%d: CPU ratio %s -> %s" % (n, fmt(r["cpu_ratio"], "%.2f"), "met" if cpu_ok else "MISSED")
        if r["lw_rss_per_extra_camera_mb"] is not None:
            rss_ok = r["lw_rss_per_extra_camera_mb"] <= rss_target
            line += "; RSS per extra camera %s MB -> %s" % (fmt(r["lw_rss_per_extra_camera_mb"]),
                                                            "met" if rss_ok else "MISSED")
        out.write(line + "\n")


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
    parser.add_argument("--counts", default="1,10,25", help="camera counts N, comma-separated (default 1,10,25)")
    parser.add_argument("--rounds", type=int, default=3, help="repetitions of every N; medians are reported")
    parser.add_argument("--warmup", type=float, default=10, help="seconds between all streaming and the window")
    parser.add_argument("--window", type=float, default=30, help="measuring window in seconds")
    parser.add_argument("--idle-window", type=float, default=10, help="Lenswire idle window in seconds")
    parser.add_argument("--settle", type=float, default=5, help="seconds after Lenswire answers before idle")
    parser.add_argument("--connect-timeout", type=int, default=90, help="seconds for all streams to start")
    parser.add_argument("--clip-seconds", type=int, default=30, help="length of the looped clip")
    parser.add_argument("--bitrate", default="2M", help="clip bit rate (x264 -b:v/-maxrate/-bufsize)")
    parser.add_argument("--jar", default=os.path.join(REPO, "processors", "target", "lenswire.jar"))
    parser.add_argument("--java", default=os.path.join(os.environ["JAVA_HOME"], "bin", "java")
                        if os.environ.get("JAVA_HOME") else "java")
    parser.add_argument("--java-opt", action="append", default=[],
                        help="extra JVM option for Lenswire (repeatable); default: none, as `java -jar`")
    parser.add_argument("--app-arg", action="append", default=[],
                        help="extra Lenswire argument (repeatable), e.g. --app-arg=--camel.metrics.enable-route-policy=false")
    parser.add_argument("--lenswire-only", action="store_true",
                        help="skip the ffmpeg side (for quick experiments; no ratios then)")
    parser.add_argument("--ffmpeg", default="ffmpeg")
    parser.add_argument("--python", default="/usr/bin/python3", help="python with gi for the RTSP server")
    parser.add_argument("--cpu-target", type=float, default=1.0)
    parser.add_argument("--rss-target", type=float, default=15.0)
    parser.add_argument("--json", help="write every raw measurement here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (logs)")
    args = parser.parse_args()
    counts = [int(c) for c in args.counts.split(",")]
    if not os.path.isfile(args.jar):
        parser.error("no jar at %s; build it (scripts/bench/ingest.sh does)" % args.jar)

    def on_signal(signum, _frame):
        raise SystemExit("stopped by signal %d" % signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    workdir = tempfile.mkdtemp(prefix="lenswire-ingest-bench-")
    report = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "command": " ".join([os.path.relpath(sys.argv[0], REPO)] + sys.argv[1:]),
        "machine": machine(),
        "versions": {"java": version([args.java, "-version"]), "ffmpeg": version([args.ffmpeg, "-version"])},
        "settings": {k: v for k, v in vars(args).items() if k not in ("jar", "json")},
        "runs": [],
    }
    try:
        clip = os.path.join(workdir, "clip-720p25.mp4")
        log("making the clip:", clip)
        report["clip_command"] = make_clip(args.ffmpeg, clip, args.clip_seconds, args.bitrate)
        server = RtspServer(args.python, clip, max(counts))
        log("RTSP server on port", server.port, "with", max(counts), "mounts")
        for rnd in range(1, args.rounds + 1):
            for n in counts:
                run = {"round": rnd, "n": n}
                try:
                    log("round %d N=%d: Lenswire" % (rnd, n))
                    run["lenswire"] = run_lenswire(args, server, n, workdir)
                    time.sleep(2)  # let the server tear its media down
                    lw = run["lenswire"]
                    if args.lenswire_only:
                        log("  Lenswire %.1f%% CPU (idle %.1f%%), %.0f MB, %.1f pkt/s/cam, machine busy %.0f%%; threads %s"
                            % (lw["load"]["cpu_pct"], lw["idle"]["cpu_pct"], lw["load"]["rss_kb_mean"] / 1024,
                               lw["packet_rate_mean"], lw["load"]["machine_busy_pct"],
                               list(lw["load"]["threads_cpu_pct"].items())[:4]))
                    else:
                        log("round %d N=%d: ffmpeg" % (rnd, n))
                        run["ffmpeg"] = run_ffmpeg(args, server, n, workdir)
                        time.sleep(2)
                        ff = run["ffmpeg"]
                        log("  Lenswire %.1f%% CPU (idle %.1f%%), %.0f MB, %.1f pkt/s/cam | ffmpeg %.1f%% CPU, %.0f MB, "
                            "%.1f fps/proc | machine busy %.0f%%/%.0f%%" % (
                                lw["load"]["cpu_pct"], lw["idle"]["cpu_pct"], lw["load"]["rss_kb_mean"] / 1024,
                                lw["packet_rate_mean"], ff["load"]["cpu_pct"], ff["load"]["rss_kb_mean"] / 1024,
                                ff["packet_rate_mean"], lw["load"]["machine_busy_pct"], ff["load"]["machine_busy_pct"]))
                except (RuntimeError, OSError, ValueError, KeyError) as e:
                    run["error"] = str(e)
                    log("  FAILED:", e)
                report["runs"].append(run)
                if args.json:
                    with open(args.json, "w") as f:
                        json.dump(report, f, indent=1)
        if args.lenswire_only:
            return 0
        rows = summarize(counts, report["runs"])
        report["summary"] = {str(n): r for n, r in rows.items()}
        if args.json:
            with open(args.json, "w") as f:
                json.dump(report, f, indent=1)
        out = sys.stdout
        out.write("Lenswire ingest benchmark, %s, %d cores (%s)\n" % (
            report["date"], report["machine"]["nproc"], report["machine"]["cpu_model"]))
        print_table(rows, out)
        print_breakdown(rows, out)
        verdict(rows, args.cpu_target, args.rss_target, out)
        failures = [r for r in report["runs"] if "error" in r]
        for r in failures:
            out.write("  round %d N=%d failed: %s\n" % (r["round"], r["n"], r["error"]))
        return 1 if failures else 0
    finally:
        kill_all()
        if args.keep:
            log("kept", workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
