#!/usr/bin/python3
"""RTSP test camera whose every frame carries the wall-clock time it was made, as a bar code.

For glass-to-glass latency: a player that decodes the bar code of the frame it is showing and
subtracts it from its own clock (same machine, same clock) measures the whole path: encoding,
RTSP, ingest, muxing, segment wait, HTTP, player buffer, decoding and presenting.

Each frame is 1280x720 I420, 25 fps, grey, with two rows of 32 blocks (40x40 px, from x=0,
y=40 and y=120): row 1 the low 32 bits of the epoch time in milliseconds at which the frame
was made, most significant bit first, white = 1; row 2 the same bits inverted (a reader checks
that both rows agree). A small square also moves every frame so the picture is never static.
Encoded with x264 (zerolatency, ultrafast, key frame every 25 frames, 2 Mbit/s) like the test
bed's h264 mount, and served on rtsp://127.0.0.1:PORT/clock.

Prints {"event": "ready", "port": N, "pid": P} on stdout; stops on SIGTERM or when stdin closes.
Run with /usr/bin/python3 (needs python3-gi and GStreamer's RTSP server, as the test bed does).
"""
import argparse
import json
import os
import signal
import sys
import threading
import time

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

WIDTH, HEIGHT, FPS = 1280, 720, 25
BLOCK = 40
ROWS_Y = (40, 120)
BITS = 32
GREY, WHITE, BLACK = 128, 235, 16

LAUNCH = ("( appsrc name=clocksrc is-live=true do-timestamp=true format=time "
          "caps=video/x-raw,format=I420,width=%d,height=%d,framerate=%d/1 "
          "! queue max-size-buffers=2 leaky=downstream "
          "! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=25 bitrate=2000 "
          "! rtph264pay name=pay0 pt=96 config-interval=1 )" % (WIDTH, HEIGHT, FPS))

Y_SIZE = WIDTH * HEIGHT
C_SIZE = (WIDTH // 2) * (HEIGHT // 2)
BLANK = bytes([GREY]) * Y_SIZE + bytes([128]) * (2 * C_SIZE)
WHITE_RUN = bytes([WHITE]) * BLOCK
BLACK_RUN = bytes([BLACK]) * BLOCK


def frame(ms, n):
    """One I420 frame with the bar code of ms (and a moving square at frame number n)."""
    buf = bytearray(BLANK)
    value = ms & 0xFFFFFFFF
    for row, invert in zip(ROWS_Y, (False, True)):
        for i in range(BITS):
            bit = (value >> (BITS - 1 - i)) & 1
            run = WHITE_RUN if bool(bit) != invert else BLACK_RUN
            x = i * BLOCK
            for y in range(row, row + BLOCK):
                off = y * WIDTH + x
                buf[off:off + BLOCK] = run
    x = 40 + (n * 8) % (WIDTH - 120)
    for y in range(400, 480):
        off = y * WIDTH + x
        buf[off:off + 80] = WHITE_RUN * 2
    return bytes(buf)


class Feeder:
    """Pushes one frame every 1/FPS s, stamped with the time it was made."""

    def __init__(self, appsrc):
        self.appsrc = appsrc
        self.n = 0
        self.next_due = time.monotonic()
        self.stopped = False
        appsrc.connect("need-data", self.need_data)

    def need_data(self, src, _length):
        if self.stopped:
            return
        delay = self.next_due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        self.next_due = max(self.next_due + 1.0 / FPS, time.monotonic() - 1.0 / FPS)
        data = frame(int(time.time() * 1000), self.n)
        self.n += 1
        buf = Gst.Buffer.new_wrapped(data)
        buf.duration = Gst.SECOND // FPS
        if src.emit("push-buffer", buf) != Gst.FlowReturn.OK:
            self.stopped = True


def emit(**event):
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(args.port))
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(LAUNCH)
    factory.set_shared(True)
    feeders = []

    def on_media_configure(_factory, media):
        feeders.append(Feeder(media.get_element().get_by_name("clocksrc")))

    factory.connect("media-configure", on_media_configure)
    server.get_mount_points().add_factory("/clock", factory)
    if server.attach(None) == 0:
        raise SystemExit("could not listen on port %d" % args.port)
    loop = GLib.MainLoop()
    signal.signal(signal.SIGTERM, lambda *_: GLib.idle_add(loop.quit))

    def watch_stdin():
        sys.stdin.read()
        GLib.idle_add(loop.quit)

    threading.Thread(target=watch_stdin, daemon=True).start()
    emit(event="ready", port=args.port, pid=os.getpid())
    loop.run()
    for f in feeders:
        f.stopped = True


if __name__ == "__main__":
    main()
