#!/usr/bin/env python3
"""probe-front.py SIM_LOG: an HTTP front on a free loopback port that
forwards GET / to the port latticesim logged last for the component
(the simulator's listener port is only known once the component runs, but
'replay --probe' needs its URL before). Prints its port, then serves."""
import http.server
import re
import sys
import urllib.request

LOG = sys.argv[1]
PAT = re.compile(r"http rust_hello_world-http_component on host \S+ at 127\.0\.0\.1:(\d+)")


class Front(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        with open(LOG, errors="replace") as f:
            ports = PAT.findall(f.read())
        try:
            url = "http://127.0.0.1:%s/" % ports[-1]
            body, code = urllib.request.urlopen(url, timeout=2).read(), 200
        except Exception:
            body, code = b"", 502
        self.send_response(code)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(("127.0.0.1", 0), Front)
print(server.server_address[1], flush=True)
server.serve_forever()
