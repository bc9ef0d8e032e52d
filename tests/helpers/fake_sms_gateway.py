#!/usr/bin/env python3
"""A local HTTPS SMS gateway for mfad-notify's tests.

Serves https://127.0.0.1:PORT with the given certificate, writes the port to
PORT_FILE, and appends every request (path, headers, body) as one JSON line
to RECORD. How it answers is read from MODE_FILE at each request:
ok (200 and {"id": ..., "sid": ...}), 500, hang (no answer for 30 s),
garbage (200 and a body that is not JSON).
"""
import http.server
import json
import sys
import threading
import time

from https_fixture import serve

cert, key, port_file, record, mode_file = sys.argv[1:6]
lock = threading.Lock()
count = 0


class Gateway(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        global count
        body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
        with lock:
            count += 1
            n = count
            with open(record, "a") as out:
                out.write(json.dumps({"path": self.path, "headers": dict(self.headers), "body": body}) + "\n")
        with open(mode_file) as f:
            mode = f.read().strip()
        if mode == "hang":
            time.sleep(30)
            return
        if mode == "500":
            self.send_response(500)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        reply = b"<html>oops</html>" if mode == "garbage" else json.dumps({"id": f"gw-{n}", "sid": f"SM{n}"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args):
        pass


serve(Gateway, cert, key, port_file)
