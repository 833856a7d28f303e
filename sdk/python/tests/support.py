"""Shared test helpers: the proxy's URL, unique names, and a misbehaving front door for retry tests.

The tests run against a real Driftwatch proxy whose URL is in DRIFTWATCH_URL; `npm test` starts
one (sdk/typescript/test/python.test.ts).
"""
import json
import os
import sys
import threading
import urllib.error
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
SDK_DIR = os.path.dirname(HERE)
sys.path.insert(0, SDK_DIR)

import driftwatch  # noqa: E402  (needs the path above)

URL = os.environ.get('DRIFTWATCH_URL')
if not URL:
    raise RuntimeError('these tests need a running proxy: set DRIFTWATCH_URL (npm test does)')

FAST_RETRY = driftwatch.RetryPolicy(attempts=5, initial_delay=0.01, max_delay=0.05)


def unique(prefix):
    return '%s-%s' % (prefix, uuid.uuid4().hex[:10])


def client(**options):
    options.setdefault('retry', FAST_RETRY)
    return driftwatch.connect(options.pop('url', URL), **options)


def get_json(path):
    """Plain GET, independent of the client under test, for checking what the server holds."""
    with urllib.request.urlopen(URL + path, timeout=10) as response:
        return json.loads(response.read().decode('utf-8'))


class FrontDoor(object):
    """A real HTTP server in front of the proxy. `decide(method, path, index)` returns what to do:
    'forward', 'unavailable' (answer 503 itself), 'forward_then_drop' (pass it on, then close the
    connection without answering: the server has committed, the client never hears) or 'hang'."""

    def __init__(self, decide=None):
        self.decide = decide or (lambda method, path, index: 'forward')
        self.seen = []
        self._released = threading.Event()
        door = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'

            def log_message(self, *args):
                pass

            def _body(self):
                if self.headers.get('Transfer-Encoding', '').lower() == 'chunked':
                    chunks = []
                    while True:
                        size = int(self.rfile.readline().strip(), 16)
                        if size == 0:
                            self.rfile.readline()
                            return b''.join(chunks)
                        chunks.append(self.rfile.read(size))
                        self.rfile.readline()
                return self.rfile.read(int(self.headers.get('Content-Length') or 0))

            def _handle(self):
                body = self._body()
                path = self.path.split('?')[0]
                door.seen.append((self.command, path, body))
                action = door.decide(self.command, path, len(door.seen) - 1)
                if action == 'hang':
                    door._released.wait()
                    self.close_connection = True
                    return
                if action == 'unavailable':
                    self._answer(503, b'{"error": "the store is unreachable (front door)"}', 'application/json')
                    return
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in ('host', 'connection', 'content-length', 'transfer-encoding')}
                request = urllib.request.Request(URL + self.path, data=body if body else None, method=self.command,
                                                 headers=headers)
                try:
                    with urllib.request.urlopen(request, timeout=30) as response:
                        status, payload, kind = response.status, response.read(), response.headers.get('Content-Type')
                except urllib.error.HTTPError as error:
                    status, payload, kind = error.code, error.read(), error.headers.get('Content-Type')
                if action == 'forward_then_drop':
                    self.close_connection = True
                    return
                self._answer(status, payload, kind)

            def _answer(self, status, payload, kind):
                self.send_response(status)
                if kind:
                    self.send_header('Content-Type', kind)
                self.send_header('Content-Length', str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_DELETE = _handle

        self._server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self._server.daemon_threads = True
        self.url = 'http://127.0.0.1:%d' % self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._released.set()
        self._server.shutdown()
        self._server.server_close()
        return False

    def bodies(self, path):
        return [json.loads(body.decode('utf-8')) for method, p, body in self.seen if p == path]
