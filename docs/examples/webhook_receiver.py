#!/usr/bin/env python3
"""Receives Lenswire webhooks and verifies them (Standard Webhooks), Python 3.9+ standard library only.
Usage: WEBHOOK_SECRET=whsec_... python3 webhook_receiver.py [port]   (listens on 127.0.0.1, default 9000)"""
import base64, hashlib, hmac, json, os, sys, time
from http.server import BaseHTTPRequestHandler, HTTPServer

KEY = base64.b64decode(os.environ["WEBHOOK_SECRET"].removeprefix("whsec_"))
seen = set()  # delivery is at least once: the same webhook-id may come again

class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        msg_id, ts = self.headers.get("webhook-id", ""), self.headers.get("webhook-timestamp", "")
        mac = hmac.new(KEY, f"{msg_id}.{ts}.".encode() + body, hashlib.sha256).digest()
        expected = base64.b64encode(mac).decode()
        signatures = [s[3:] for s in self.headers.get("webhook-signature", "").split() if s.startswith("v1,")]
        fresh = ts.isdigit() and abs(time.time() - int(ts)) <= 5 * 60
        if not fresh or not any(hmac.compare_digest(expected, s) for s in signatures):
            self.send_response(401), self.end_headers()
            return
        if msg_id not in seen:
            seen.add(msg_id)
            event = json.loads(body)
            print(msg_id, event["type"], json.dumps(event["data"]), flush=True)
        self.send_response(204), self.end_headers()

HTTPServer(("127.0.0.1", int(sys.argv[1]) if len(sys.argv) > 1 else 9000), Receiver).serve_forever()
