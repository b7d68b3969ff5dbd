"""A loopback HTTP server for the tests that download (no network beyond 127.0.0.1)."""
from __future__ import annotations

import threading
from contextlib import contextmanager
from http.server import ThreadingHTTPServer


@contextmanager
def serve(handler):
    """Serve ``handler`` (a ``BaseHTTPRequestHandler`` class) on 127.0.0.1 at a free port,
    from a daemon thread; yield the base URL (``http://127.0.0.1:<port>``).

    On exit the server is shut down and closed. It polls for the shutdown every 50 ms
    (the default, 0.5 s, was waited at every exit)."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                     daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
