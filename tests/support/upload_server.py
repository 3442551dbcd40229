#!/usr/bin/env python3
"""An HTTP server for the transfer tests: stores what is uploaded, serves what it holds, answers slowly on request.

PUT /path stores the body as DIR/path; POST /path stores the "file" part of a multipart/form-data body as DIR/<the
part's file name> (or DIR/path when it has none). GET /path serves DIR/path. A path starting with /slow/ waits
SLOW seconds before answering. Prints "listening PORT" once it accepts connections.
With CERT and KEY it speaks HTTPS.
Usage: upload_server.py DIR [PORT] [SLOW] [CERT KEY]
"""
import email.parser
import email.policy
import http.server
import os
import ssl
import sys
import time

ROOT = os.path.abspath(sys.argv[1])
PORT = int(sys.argv[2]) if len(sys.argv) > 2 else 0
SLOW = float(sys.argv[3]) if len(sys.argv) > 3 else 10.0
MAX_BODY = 64 * 1024 * 1024


def target(path):
    name = os.path.normpath(path.split("?", 1)[0].lstrip("/"))
    if name.startswith("..") or os.path.isabs(name):
        return None
    return os.path.join(ROOT, name)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body=b""):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def slow(self):
        if self.path.startswith("/slow/"):
            time.sleep(SLOW)

    def body(self):
        length = int(self.headers.get("Content-Length", "0"))
        if length > MAX_BODY:
            return None
        return self.rfile.read(length)

    def store(self, path, data):
        dest = target(path)
        if dest is None:
            return self.answer(400)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with open(dest + ".part", "wb") as f:
            f.write(data)
        os.replace(dest + ".part", dest)
        self.answer(201, b"stored\n")

    def do_GET(self):
        self.slow()
        dest = target(self.path)
        if dest is None or not os.path.isfile(dest):
            return self.answer(404, b"not found\n")
        with open(dest, "rb") as f:
            self.answer(200, f.read())

    def do_PUT(self):
        self.slow()
        data = self.body()
        if data is None:
            return self.answer(413)
        self.store(self.path, data)

    def do_POST(self):
        self.slow()
        data = self.body()
        if data is None:
            return self.answer(413)
        head = ("Content-Type: " + self.headers.get("Content-Type", "") + "\r\n\r\n").encode()
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + data)
        if not message.is_multipart():
            return self.answer(400, b"expected multipart/form-data\n")
        for part in message.iter_parts():
            if part.get_param("name", header="content-disposition") == "file":
                name = part.get_filename()
                path = "/" + os.path.basename(name) if name else self.path
                return self.store(path, part.get_payload(decode=True) or b"")
        self.answer(400, b"no part named file\n")


server = http.server.ThreadingHTTPServer(("127.0.0.1", PORT), Handler)
if len(sys.argv) > 5:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(sys.argv[4], sys.argv[5])
    server.socket = context.wrap_socket(server.socket, server_side=True)
print("listening", server.server_address[1], flush=True)
server.serve_forever()
