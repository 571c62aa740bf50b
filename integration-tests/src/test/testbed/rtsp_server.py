#!/usr/bin/python3
"""Test RTSP server on GStreamer's RTSP server library (Debian: gir1.2-gst-rtsp-server-1.0).

Each --mount PATH=KIND serves one live, shared stream:
  h264 / h265      videotestsrc 1280x720 25 fps, key frame every second
  h264b            h264 with B-frames (2 between references), which reorder frames
  h264aac          h264 plus a live AAC sine tone (48 kHz mono)
  h264pcmu         h264 plus G.711 mu-law audio (8 kHz), which HLS does not carry
  jpegdir:DIR      loops DIR/f_%05d.jpg at one image per second, as 25 fps H.264
  file:FILE.mp4    a pre-encoded H.264 mp4 (no B-frames), looped forever without re-encoding

Prints one JSON line per event on stdout, which the tests read:
  {"event": "ready", "port": N}
  {"event": "client_connected", "client": N}   {"event": "client_closed", "client": N}
  {"event": "describe", "client": N, "path": "/cam"}
Stops on SIGTERM or when stdin closes (so an orphaned server never outlives its test).
"""
import argparse
import atexit
import json
import os
import signal
import sys
import tempfile
import threading

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

X264 = "x264enc tune=zerolatency speed-preset=ultrafast key-int-max=25 bitrate=2000"
X264_BFRAMES = ("x264enc speed-preset=ultrafast key-int-max=25 bitrate=2000 option-string=bframes=2:b-adapt=0"
                " ! video/x-h264,profile=main")
X265 = "x265enc tune=zerolatency speed-preset=ultrafast key-int-max=25 bitrate=2000"
PATTERN = "videotestsrc is-live=true pattern={pattern} ! video/x-raw,width=1280,height=720,framerate=25/1 ! "


def launch_line(kind):
    if kind == "h264":
        return "( " + PATTERN.format(pattern="smpte") + X264 + " ! rtph264pay name=pay0 pt=96 config-interval=1 )"
    if kind == "h264b":
        return ("( " + PATTERN.format(pattern="smpte") + X264_BFRAMES
                + " ! rtph264pay name=pay0 pt=96 config-interval=1 )")
    if kind in ("h264aac", "h264pcmu"):
        audio = ("audiotestsrc is-live=true wave=sine ! audioconvert ! audioresample ! audio/x-raw,rate=48000,channels=1"
                 " ! avenc_aac ! rtpmp4gpay name=pay1 pt=97" if kind == "h264aac" else
                 "audiotestsrc is-live=true wave=sine ! audioconvert ! audioresample ! audio/x-raw,rate=8000,channels=1"
                 " ! mulawenc ! rtppcmupay name=pay1 pt=0")
        return ("( " + PATTERN.format(pattern="smpte") + X264 + " ! rtph264pay name=pay0 pt=96 config-interval=1 "
                + audio + " )")
    if kind == "h265":
        return "( " + PATTERN.format(pattern="ball") + X265 + " ! rtph265pay name=pay0 pt=96 config-interval=1 )"
    if kind.startswith("jpegdir:"):
        d = kind.split(":", 1)[1]
        return ("( multifilesrc location=" + d + "/f_%05d.jpg loop=true caps=image/jpeg,framerate=1/1 ! jpegdec"
                " ! videoconvert ! videorate ! video/x-raw,format=I420,framerate=25/1 ! " + X264 +
                " ! rtph264pay name=pay0 pt=96 config-interval=1 )")
    if kind.startswith("file:"):
        es, framerate = annexb_copy(kind.split(":", 1)[1])
        # A served mp4 ends the stream at its end (qtdemux sends EOS). Instead the clip is copied
        # once to an Annex-B elementary stream that multifilesrc reads again and again; h264parse
        # gives the frames continuous decoding timestamps from the frame rate, copy_dts_to_pts
        # (attached in media-configure) the presentation timestamps the payloader needs, and
        # identity sync=true paces them in real time. No encoder runs here.
        return ("( multifilesrc location=" + es + " loop=true caps=video/x-h264,stream-format=byte-stream,"
                "framerate=" + framerate + " ! h264parse name=loopparse ! identity sync=true"
                " ! rtph264pay name=pay0 pt=96 config-interval=1 )")
    raise SystemExit("unknown stream kind: " + kind)


_annexb = {}


def annexb_copy(mp4):
    """Copies the H.264 track of an mp4 to a temporary Annex-B file (SPS/PPS before every key
    frame, so the loop point is a clean restart); returns (path, framerate as "N/D")."""
    if mp4 in _annexb:
        return _annexb[mp4]
    fd, es = tempfile.mkstemp(prefix="rtsp-clip-", suffix=".h264")
    os.close(fd)
    atexit.register(lambda: os.path.exists(es) and os.remove(es))
    pipeline = Gst.parse_launch(
        "filesrc location=" + mp4 + " ! qtdemux ! h264parse config-interval=-1 name=parse"
        " ! video/x-h264,stream-format=byte-stream,alignment=au ! filesink location=" + es)
    reordered = []

    def check_order(_pad, info):
        buf = info.get_buffer()
        if buf.pts != Gst.CLOCK_TIME_NONE and buf.dts != Gst.CLOCK_TIME_NONE and buf.pts != buf.dts:
            reordered.append(buf.pts)
        return Gst.PadProbeReturn.OK

    parse = pipeline.get_by_name("parse")
    parse.get_static_pad("sink").add_probe(Gst.PadProbeType.BUFFER, check_order)
    pipeline.set_state(Gst.State.PLAYING)
    msg = pipeline.get_bus().timed_pop_filtered(Gst.CLOCK_TIME_NONE, Gst.MessageType.EOS | Gst.MessageType.ERROR)
    caps = parse.get_static_pad("src").get_current_caps()
    pipeline.set_state(Gst.State.NULL)
    if msg.type == Gst.MessageType.ERROR or caps is None:
        raise SystemExit("could not read the H.264 track of " + mp4)
    if reordered:
        raise SystemExit(mp4 + " has B-frames (PTS != DTS); file: serves clips without them, e.g. x264 -bf 0")
    ok, num, den = caps.get_structure(0).get_fraction("framerate")
    if not ok or num <= 0:
        raise SystemExit(mp4 + " has no frame rate")
    _annexb[mp4] = (es, "%d/%d" % (num, den))
    return _annexb[mp4]


def copy_dts_to_pts(_pad, info):
    """h264parse leaves PTS unset on a bare elementary stream; without B-frames PTS = DTS.
    (The buffer is written in place: it is fresh from h264parse and has no other reader yet.)"""
    buf = info.get_buffer()
    if buf.pts == Gst.CLOCK_TIME_NONE:
        buf.pts = buf.dts
    return Gst.PadProbeReturn.OK


def on_media_configure(_factory, media):
    parse = media.get_element().get_by_name("loopparse")
    if parse is not None:
        parse.get_static_pad("src").add_probe(Gst.PadProbeType.BUFFER, copy_dts_to_pts)


def emit(**event):
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--mount", action="append", required=True, help="PATH=KIND")
    parser.add_argument("--auth", help="USER:PASSWORD required for every mount (basic auth)")
    args = parser.parse_args()

    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(args.port))
    mounts = server.get_mount_points()
    for spec in args.mount:
        path, kind = spec.split("=", 1)
        factory = GstRtspServer.RTSPMediaFactory()
        factory.set_launch(launch_line(kind))
        factory.set_shared(True)
        factory.connect("media-configure", on_media_configure)
        if args.auth:
            permissions = GstRtspServer.RTSPPermissions()
            permissions.add_permission_for_role("user", "media.factory.access", True)
            permissions.add_permission_for_role("user", "media.factory.construct", True)
            factory.set_permissions(permissions)
        mounts.add_factory(path, factory)

    if args.auth:
        user, password = args.auth.split(":", 1)
        auth = GstRtspServer.RTSPAuth()
        token = GstRtspServer.RTSPToken()
        token.set_string("media.factory.role", "user")
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(user, password), token)
        server.set_auth(auth)

    counter = {"n": 0}

    def on_client(_server, client):
        counter["n"] += 1
        cid = counter["n"]
        emit(event="client_connected", client=cid)
        client.connect("closed", lambda _c: emit(event="client_closed", client=cid))
        client.connect("describe-request",
                       lambda _c, ctx: emit(event="describe", client=cid, path=ctx.uri.abspath))

    server.connect("client-connected", on_client)
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


if __name__ == "__main__":
    main()
