"""A small HTTP/1.1 test server for the transport tests, run as a subprocess.

    python tests/c/httpserver.py [--tls CERT KEY]

prints its port on the first line of stdout, then serves until killed.

Endpoints (all answers are JSON unless said otherwise):
    /echo            method, path, headers, body (text) of the request
    /slow?ms=N       waits N ms, then answers like /echo
    /stats           {"connections": <connections that served other requests>,
                      "slow": [<paths of the requests to /slow received and not answered yet>]}
    /big?n=N         N bytes of 'x' (application/octet-stream)
    /headers         sets a few response headers
    /partial         promises 100 bytes, sends 10, closes
    /reset           closes the connection with RST before answering
    /graphql         a GraphQL-like endpoint driven by variables.mode (see _graphql);
                     variables.rid: the X-Request-Id header of the answer
"""

import json
import socket
import ssl
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

_lock = threading.Lock()
_connections = 0
_slow = []


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        # Headers and body go out in two writes: without TCP_NODELAY, Nagle holds
        # the body until the client's delayed ACK (40 ms per request).
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._counted = False

    def _count_connection(self):
        # Count connections that served anything but /stats (so that asking
        # for the figure does not change it).
        global _connections
        if not self._counted and not self.path.startswith("/stats"):
            self._counted = True
            with _lock:
                _connections += 1

    def log_message(self, *args):  # quiet
        pass

    def _body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def _send(self, status, payload, ctype="application/json", extra=()):
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _echo(self, body):
        return {
            "method": self.command,
            "path": self.path,
            "headers": [[k, v] for k, v in self.headers.items()],
            "body": body.decode("utf-8", "replace"),
        }

    def _route(self):
        self._count_connection()
        body = self._body()
        url = urlsplit(self.path)
        q = parse_qs(url.query)
        path = url.path
        if path == "/echo" or self.path.startswith("http://"):
            return self._send(200, self._echo(body))
        if path == "/slow":
            with _lock:
                _slow.append(self.path)
            try:
                time.sleep(int(q.get("ms", ["1000"])[0]) / 1000.0)
            finally:
                with _lock:
                    _slow.remove(self.path)
            return self._send(200, self._echo(body))
        if path == "/stats":
            with _lock:
                n, slow = _connections, list(_slow)
            return self._send(200, {"connections": n, "slow": slow})
        if path == "/big":
            return self._send(200, b"x" * int(q["n"][0]), "application/octet-stream")
        if path == "/headers":
            return self._send(200, {"ok": True}, "application/json; charset=utf-8",
                              [("X-Request-Id", "rid-42"), ("X-Empty", "")])
        if path == "/partial":
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.write(b"0123456789")
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return None
        if path == "/reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return None
        if path == "/graphql":
            return self._graphql(body)
        if path == "/alpn":      # the protocol this TLS connection agreed on (ALPN)
            alpn = getattr(self.connection, "selected_alpn_protocol", lambda: None)()
            return self._send(200, {"alpn": alpn})
        return self._send(404, {"error": "not found"})

    def _graphql(self, body):
        req = json.loads(body)
        variables = req.get("variables")
        mode = (variables or {}).get("mode", "ok")
        rid = [("X-Request-Id", variables["rid"])] if "rid" in (variables or {}) else []
        real_send = self._send

        def send(status, payload, ctype="application/json"):
            return real_send(status, payload, ctype, rid)

        if mode == "headers":   # the request's headers, in the order they came
            return send(200, {"data": {"headers": [[k, v] for k, v in self.headers.items()]}})
        if mode == "ok":
            return send(200, {"data": {"echo": {
                "variables": variables, "has_variables": "variables" in req,
                "query": req["query"],
                "authorization": self.headers.get("Authorization"),
                "content_type": self.headers.get("Content-Type"),
            }}})
        if mode == "err_obj":
            return send(200, {"data": {"user": None}, "errors": [
                {"message": {"code": 2004, "message": "User does not exist"},
                 "locations": [{"line": 1, "column": 2}], "path": ["user"]}]})
        if mode == "err_many":
            return send(200, {"data": None, "errors": [
                {"message": {"code": 2006, "message": "Incorrect password"}},
                {"message": {"code": "1635", "message": "MFA", "data": {"mfaToken": "t"}}}]})
        if mode == "err_str":
            return send(200, {"errors": [
                {"message": "Cannot query field 'x'", "extensions": {"code": 2231}},
                {"message": "plain"}]})
        if mode == "not_json":
            return send(502, b"<html>bad gateway</html>", "text/html")
        if mode == "no_data":
            return send(200, {"hello": 1})
        if mode == "data_null":
            return send(200, {"data": None})
        if mode == "array":
            return send(200, [1, 2])
        return send(400, {"error": "unknown mode"})

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _route


class Server(ThreadingHTTPServer):
    request_queue_size = 1024    # hundreds of concurrent connects (the asyncio tests)


def main():
    srv = Server(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    if len(sys.argv) == 4 and sys.argv[1] == "--tls":
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(sys.argv[2], sys.argv[3])
        # Offers HTTP/2 first, as real servers do; the client must still choose HTTP/1.1.
        ctx.set_alpn_protocols(["h2", "http/1.1"])
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    print(srv.server_address[1], flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
