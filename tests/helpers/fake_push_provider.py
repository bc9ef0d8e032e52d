#!/usr/bin/env python3
"""A local HTTPS push provider for mfad-notify's tests.

Serves https://127.0.0.1:PORT with the given certificate, writes the port to
PORT_FILE, and appends every request (method, path, headers, body) as one
JSON line to RECORD. It speaks two dialects:

  mfad's JSON API:  POST /push {device, number, ...} -> {"id"}
                    GET /push/ID -> {"status", "number", "reason"}
  twilio-verify:    POST /v2/Services/SID/Entities/IDENTITY/Challenges -> {"sid", "status"}
                    GET  /v2/Services/SID/Entities/IDENTITY/Challenges/SID -> {"sid", "status"}

How a poll is answered is read from MODE_FILE at each request: approve (the
number that was sent), wrong (another number), deny, notme, expire, pending
(never answers), poll500 (every poll fails), create500 (creating fails).
"""
import http.server
import json
import sys
import threading
import urllib.parse

from https_fixture import serve

cert, key, port_file, record, mode_file = sys.argv[1:6]
lock = threading.Lock()
challenges = {}


def mode():
    with open(mode_file) as f:
        return f.read().strip()


class Provider(http.server.BaseHTTPRequestHandler):
    def record_request(self, body):
        with lock:
            with open(record, "a") as out:
                out.write(json.dumps({"method": self.command, "path": self.path,
                                      "headers": dict(self.headers), "body": body}) + "\n")

    def reply(self, status, obj):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
        self.record_request(body)
        if mode() == "create500":
            return self.reply(500, {"error": "down"})
        with lock:
            n = len(challenges) + 1
            twilio = "/Challenges" in self.path
            if twilio:
                form = urllib.parse.parse_qs(body)
                number = int(json.loads(form["HiddenDetails"][0])["number"])
                cid = "YC%032x" % n
            else:
                number = json.loads(body)["number"]
                cid = "ch-%d" % n
            challenges[cid] = number
        self.reply(201, {"sid": cid, "status": "pending"} if twilio else {"id": cid})

    def do_GET(self):
        self.record_request("")
        cid = self.path.rsplit("/", 1)[-1]
        twilio = "/Challenges/" in self.path
        with lock:
            number = challenges.get(cid)
        if number is None:
            return self.reply(404, {"error": "no such challenge"})
        m = mode()
        if m == "poll500":
            return self.reply(500, {"error": "down"})
        answer = {"pending": {"status": "pending"},
                  "approve": {"status": "approved", "number": number},
                  "wrong": {"status": "approved", "number": 10 + (number - 9) % 90},
                  "nonumber": {"status": "approved"},
                  "strnumber": {"status": "approved", "number": str(number)},
                  "deny": {"status": "denied"},
                  "notme": {"status": "denied", "reason": "not-me"},
                  "expire": {"status": "expired"}}.get(m, {"status": "pending"})
        if twilio:
            answer = {"sid": cid, "status": answer["status"]}
        self.reply(200, answer)

    def log_message(self, *args):
        pass


serve(Provider, cert, key, port_file)
