#!/usr/bin/env python3
"""A local stand-in for a Nominatim server: GET /search?q=...&format=jsonv2 answers the known places whose name
contains the query's first word (case ignored), as Nominatim does ([{"lat", "lon", "display_name"}, ...], strings
for the coordinates), with CORS allowed. GET /healthz answers 200. Each search is logged as "search: <q>".
Usage: nominatim_standin.py PORT"""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

PLACES = [
    {"lat": "52.5251", "lon": "13.3694", "display_name": "Invalidenstraße 50, 10557 Berlin, Deutschland"},
    {"lat": "48.1374", "lon": "11.5755", "display_name": "Marienplatz 1, 80331 München, Deutschland"},
    {"lat": "48.1400", "lon": "11.5600", "display_name": "Marienstraße 2, 80331 München, Deutschland"},
]


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        url = urlparse(self.path)
        if url.path == "/healthz":
            return self.answer(200, {"status": "ok"})
        if url.path != "/search":
            return self.answer(404, {"error": "not found"})
        q = parse_qs(url.query).get("q", [""])[0]
        print("search: " + q, flush=True)
        words = q.lower().replace(",", " ").split()
        found = [p for p in PLACES if words and words[0] in p["display_name"].lower()]
        self.answer(200, found[: int(parse_qs(url.query).get("limit", ["10"])[0])])

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
