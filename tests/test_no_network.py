"""Reports never reach the network: the PDF renderer's fetcher refuses http(s), checked against a real local server
that counts requests (so a fetcher that did fetch would be caught, not just a page that still renders)."""

from __future__ import annotations

import http.server
import threading
import urllib.request

import pytest

from chainplan_lib.publish import render

PNG_1PX = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
                        "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


@pytest.fixture()
def server():
    """A local HTTP server that serves a 1-pixel PNG and CSS, and records every path it is asked for."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            body, kind = (PNG_1PX, "image/png") if self.path.endswith(".png") else (b"p { color: red }", "text/css")
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):  # keep the test output clean
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", hits
    httpd.shutdown()
    httpd.server_close()


def test_the_server_counts_requests(server):
    """Control: the server is reachable and counts, so zero hits below means zero requests were made."""
    url, hits = server
    assert urllib.request.urlopen(f"{url}/probe.png", timeout=5).read() == PNG_1PX
    assert hits == ["/probe.png"]


def test_pdf_rendering_makes_no_http_request(server, font_cache, monkeypatch, tmp_path):
    monkeypatch.setenv("CHAINPLAN_CACHE", str(font_cache))
    url, hits = server
    doc = (f"<html lang='zh-CN'><head><link rel='stylesheet' href='{url}/style.css'>"
           f"<style>@import url('{url}/import.css');</style></head><body><p>网络资源不应被请求</p>"
           f"<img src='{url}/chart.png'></body></html>")
    pdf = render.html_to_pdf(doc, tmp_path / "x.pdf", stylesheets=[f"@import url('{url}/extra.css');"])
    assert "网络资源不应被请求" in "".join(render.pdf_text(pdf))
    assert hits == [], f"the renderer fetched {hits}"
