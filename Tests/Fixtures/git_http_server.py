#!/usr/bin/env python3
"""Smart-HTTP git server for tests: runs `git http-backend` as CGI behind optional Basic or Bearer auth,
over HTTP or HTTPS, on 127.0.0.1. Prints `listening PORT` once it accepts connections.
Each request is logged to --log as `METHOD PATH STATUS AUTH` (AUTH: yes/no = an Authorization header came)."""
import argparse
import base64
import http.server
import os
import ssl
import subprocess
import sys
import threading


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", required=True, help="directory holding the repositories")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--basic", help="USER:PASSWORD required as HTTP Basic auth")
    parser.add_argument("--bearer", help="token required as HTTP Bearer auth")
    parser.add_argument("--cert", help="PEM certificate chain: serve HTTPS")
    parser.add_argument("--key", help="PEM private key for --cert")
    parser.add_argument("--log", help="append one line per request here")
    args = parser.parse_args()
    log_lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_):
            pass

        def record(self, status):
            if args.log:
                with log_lock, open(args.log, "a") as log:
                    has_auth = "yes" if self.headers.get("Authorization") else "no"
                    log.write(f"{self.command} {self.path} {status} {has_auth}\n")

        def authorised(self):
            header = self.headers.get("Authorization", "")
            if args.basic:
                return header == "Basic " + base64.b64encode(args.basic.encode()).decode()
            if args.bearer:
                return header == "Bearer " + args.bearer
            return True

        def read_body(self):
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                body = b""
                while True:
                    size = int(self.rfile.readline().strip().split(b";")[0], 16)
                    if size == 0:
                        self.rfile.readline()
                        return body
                    body += self.rfile.read(size)
                    self.rfile.readline()
            return self.rfile.read(int(self.headers.get("Content-Length", "0") or 0))

        def respond(self, status, headers, body):
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            self.record(status)

        def handle_git(self):
            body = self.read_body() if self.command == "POST" else b""
            if not self.authorised():
                # A body on the 401 on purpose: it is what real servers send, and what trips libgit2's retry.
                self.respond(401, [("WWW-Authenticate", 'Basic realm="git"'), ("Content-Type", "text/plain")],
                             b"Authentication required\n")
                return
            path, _, query = self.path.partition("?")
            env = {
                "GIT_PROJECT_ROOT": args.root,
                "GIT_HTTP_EXPORT_ALL": "1",
                "PATH_INFO": path,
                "QUERY_STRING": query,
                "REQUEST_METHOD": self.command,
                "CONTENT_TYPE": self.headers.get("Content-Type", ""),
                "CONTENT_LENGTH": str(len(body)),
                "REMOTE_USER": "tester",
                "REMOTE_ADDR": "127.0.0.1",
                "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                "HOME": os.environ.get("HOME", "/tmp"),
            }
            if self.headers.get("Content-Encoding"):
                env["HTTP_CONTENT_ENCODING"] = self.headers["Content-Encoding"]
            if self.headers.get("Git-Protocol"):
                env["GIT_PROTOCOL"] = self.headers["Git-Protocol"]
            result = subprocess.run(["git", "http-backend"], input=body, env=env, capture_output=True)
            head, _, payload = result.stdout.partition(b"\r\n\r\n")
            status, headers = 200, []
            for line in head.split(b"\r\n"):
                name, _, value = line.decode().partition(":")
                if name.lower() == "status":
                    status = int(value.strip().split()[0])
                elif name:
                    headers.append((name, value.strip()))
            self.respond(status, headers, payload)

        do_GET = handle_git
        do_POST = handle_git

    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    if args.cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.cert, args.key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print(f"listening {server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
