#!/usr/bin/python3
"""A lab web server: answers every GET with its own name, HTTP/1.1 keep-alive, one thread per connection.

Usage: webserver.py NAME [PORT]   (standard library only; run inside a lab namespace by deploy/lab/lab.sh)
"""
import http.server
import socketserver
import sys

NAME = sys.argv[1]
PORT = int(sys.argv[2]) if len(sys.argv) > 2 else 80
BODY = (NAME + "\n").encode()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

    def log_message(self, fmt, *args):
        pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 1024


if __name__ == "__main__":
    Server(("0.0.0.0", PORT), Handler).serve_forever()
