#!/usr/bin/python3
"""Ingest benchmark: N cameras through one Lenswire JVM vs N `ffmpeg -c copy -f null` processes.

What it does (python3 standard library only, shared parts in benchlib.py; run with /usr/bin/python3):
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
import json
import os
import statistics
import subprocess
import sys
import threading
import time

# benchlib.py sits next to this script (Python puts the script's folder on sys.path too; this
# keeps the import working when the script is loaded from elsewhere)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import (Lenswire, RtspServer, ThreadGroups, Window, add_bitrate_and_java_options,  # noqa: E402
                      add_lenswire_options, add_output_options, add_round_options,
                      add_tool_and_target_options, bench_workdir, exit_on_signals, fmt, log, make_clip,
                      measure_rounds, med, new_report, parse_checked, start, status_kb, stop,
                      summarize_rounds, write_json, write_summary_table, write_table_head, write_table_row,
                      write_title, write_verdict)


class CountingRtspServer(RtspServer):
    """The RTSP server, counting the DESCRIBE requests per mount: exactly one per camera shows
    that every stream was opened once (no reconnects) on both sides."""

    def __init__(self, python, clip, mounts):
        self.describes = {}
        self.lock = threading.Lock()  # the drain thread counts while the benchmark takes
        super().__init__(python, clip, mounts)

    def on_output(self, line):
        try:
            event = json.loads(line)
        except ValueError:
            return
        if event.get("event") == "describe":
            with self.lock:
                self.describes[event["path"]] = self.describes.get(event["path"], 0) + 1

    def take_describes(self):
        with self.lock:
            d, self.describes = self.describes, {}
        return d


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
        lw.add_cameras(server, n, args.connect_timeout, poll=0.5)
        all_streaming_s = time.monotonic() - t_add
        time.sleep(args.warmup)
        window = Window([lw.proc.pid], args.window, extra_pids=[server.pid()]).run(
            threads=ThreadGroups(lw.proc.pid), on_start=lw.packets, on_end=lw.packets)
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

def thread_share(lenswire_run, *prefixes):
    threads = lenswire_run["load"].get("threads_cpu_pct", {})
    return sum(v for k, v in threads.items() if k.startswith(prefixes))


def ingest_fields(lw, ff):
    """The ingest benchmark's own summary numbers of one N (see benchlib.summarize_rounds)."""
    return {
        "lw_cpu_above_idle_pct": med([x["load"]["cpu_pct"] - x["idle"]["cpu_pct"] for x in lw]),
        # where the JVM's CPU went in the window: camera threads, JIT compilers, GC
        "lw_ingest_threads_pct": med([thread_share(x, "Camel (") for x in lw]),
        "lw_jit_pct": med([thread_share(x, "C1 Compiler", "C2 Compiler") for x in lw]),
        "lw_gc_pct": med([thread_share(x, "GC Thread", "G1 ") for x in lw]),
        "lw_pss_mb": med([x["load"]["pss_kb_mean"] for x in lw]) / 1024,
        "lw_pkt_rate": med([x["packet_rate_mean"] for x in lw]),
        "lw_pkt_rate_min": min(x["packet_rate_min"] for x in lw),
        "ff_pkt_rate": med([x["packet_rate_mean"] for x in ff]),
        "ff_pkt_rate_min": min(x["packet_rate_min"] for x in ff),
    }


def summarize(counts, runs):
    rows = summarize_rounds(counts, runs, ingest_fields)
    base = rows.get(1) or rows.get(min(counts))
    for n, row in rows.items():
        if row is None:
            continue
        row["lw_rss_per_camera_above_idle_mb"] = (row["lw_rss_mb"] - row["lw_idle_rss_mb"]) / n
        if base is not None and n > 1 and 1 in rows and rows[1] is not None:
            row["lw_rss_per_extra_camera_mb"] = (row["lw_rss_mb"] - rows[1]["lw_rss_mb"]) / (n - 1)
        else:
            row["lw_rss_per_extra_camera_mb"] = None
    return rows


def print_table(rows, out):
    out.write("\nMedians over rounds. CPU in % of one core; memory in MB (1 MB = 1024 kB).\n\n")
    header = ["N", "runs", "LW CPU%", "LW idle%", "LW>idle%", "ffmpeg CPU%", "ratio", "ratio>idle",
              "LW RSS", "LW RSS/extra cam", "ffmpeg RSS", "RSS/ffmpeg", "ffmpeg PSS", "LW pkt/s/cam",
              "ffmpeg fps/proc", "server CPU% (LW/ff)", "machine busy% (LW/ff)"]
    write_summary_table(out, header, rows, lambda n, r: [
        str(n), str(r["runs"]), fmt(r["lw_cpu_pct"]), fmt(r["lw_idle_cpu_pct"]),
        fmt(r["lw_cpu_above_idle_pct"]), fmt(r["ff_cpu_pct"]), fmt(r["cpu_ratio"], "%.2f"),
        fmt(r["cpu_ratio_above_idle"], "%.2f"), fmt(r["lw_rss_mb"], "%.0f"),
        fmt(r["lw_rss_per_extra_camera_mb"]), fmt(r["ff_rss_mb"], "%.0f"),
        fmt(r["ff_rss_per_process_mb"]), fmt(r["ff_pss_mb"], "%.0f"),
        "%s (min %s)" % (fmt(r["lw_pkt_rate"]), fmt(r["lw_pkt_rate_min"])),
        "%s (min %s)" % (fmt(r["ff_pkt_rate"]), fmt(r["ff_pkt_rate_min"])),
        "%s / %s" % (fmt(r["server_cpu_pct_lw"]), fmt(r["server_cpu_pct_ff"])),
        "%s / %s" % (fmt(r["machine_busy_pct_lw"], "%.0f"), fmt(r["machine_busy_pct_ff"], "%.0f"))])


def print_breakdown(rows, out):
    out.write("\nWhere Lenswire's CPU went in the window (medians, % of one core; per-thread /proc/<pid>/task):\n\n")
    write_table_head(out, ["N", "total", "camera threads", "per camera", "JIT compilers", "GC", "ffmpeg per process"])
    for n, r in rows.items():
        if r is None:
            continue
        write_table_row(out, [
            str(n), fmt(r["lw_cpu_pct"]), fmt(r["lw_ingest_threads_pct"]), fmt(r["lw_ingest_threads_pct"] / n, "%.2f"),
            fmt(r["lw_jit_pct"]), fmt(r["lw_gc_pct"]), fmt(r["ff_cpu_pct"] / n, "%.2f")])


# ---------------------------------------------------------------- main

def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    add_round_options(parser, "seconds between all streaming and the window")
    parser.add_argument("--clip-seconds", type=int, default=30, help="length of the looped clip")
    add_bitrate_and_java_options(parser)
    add_lenswire_options(parser, "--camel.metrics.enable-route-policy=false")
    parser.add_argument("--lenswire-only", action="store_true",
                        help="skip the ffmpeg side (for quick experiments; no ratios then)")
    add_tool_and_target_options(parser)
    add_output_options(parser)
    return parse_checked(parser, "scripts/bench/ingest.sh")


def measure_one(args, server, workdir, run):
    """One round at one N: Lenswire, then (unless --lenswire-only) ffmpeg on the same mounts."""
    rnd, n = run["round"], run["n"]
    log("round %d N=%d: Lenswire" % (rnd, n))
    run["lenswire"] = run_lenswire(args, server, n, workdir)
    time.sleep(2)  # let the server tear its media down
    lw = run["lenswire"]
    if args.lenswire_only:
        log("  Lenswire %.1f%% CPU (idle %.1f%%), %.0f MB, %.1f pkt/s/cam, machine busy %.0f%%; threads %s"
            % (lw["load"]["cpu_pct"], lw["idle"]["cpu_pct"], lw["load"]["rss_kb_mean"] / 1024,
               lw["packet_rate_mean"], lw["load"]["machine_busy_pct"],
               list(lw["load"]["threads_cpu_pct"].items())[:4]))
        return
    log("round %d N=%d: ffmpeg" % (rnd, n))
    run["ffmpeg"] = run_ffmpeg(args, server, n, workdir)
    time.sleep(2)
    ff = run["ffmpeg"]
    log("  Lenswire %.1f%% CPU (idle %.1f%%), %.0f MB, %.1f pkt/s/cam | ffmpeg %.1f%% CPU, %.0f MB, "
        "%.1f fps/proc | machine busy %.0f%%/%.0f%%" % (
            lw["load"]["cpu_pct"], lw["idle"]["cpu_pct"], lw["load"]["rss_kb_mean"] / 1024,
            lw["packet_rate_mean"], ff["load"]["cpu_pct"], ff["load"]["rss_kb_mean"] / 1024,
            ff["packet_rate_mean"], lw["load"]["machine_busy_pct"], ff["load"]["machine_busy_pct"]))


def main():
    args = parse_args()
    counts = [int(c) for c in args.counts.split(",")]
    exit_on_signals()
    with bench_workdir("lenswire-ingest-bench-", args.keep) as workdir:
        report = new_report(args, ("jar", "json"))
        clip = os.path.join(workdir, "clip-720p25.mp4")
        log("making the clip:", clip)
        report["clip_command"] = make_clip(args.ffmpeg, clip, args.clip_seconds, args.bitrate)
        server = CountingRtspServer(args.python, clip, max(counts))
        log("RTSP server on port", server.port, "with", max(counts), "mounts")
        measure_rounds(counts, args.rounds, report, lambda run: measure_one(args, server, workdir, run),
                       lambda: write_json(args.json, report))
        if args.lenswire_only:
            return 0
        rows = summarize(counts, report["runs"])
        report["summary"] = {str(n): r for n, r in rows.items()}
        write_json(args.json, report)
        out = sys.stdout
        write_title(out, "ingest", report)
        print_table(rows, out)
        print_breakdown(rows, out)
        write_verdict(rows, args.cpu_target, args.rss_target, out, "  ")
        failures = [r for r in report["runs"] if "error" in r]
        for r in failures:
            out.write("  round %d N=%d failed: %s\n" % (r["round"], r["n"], r["error"]))
        return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
