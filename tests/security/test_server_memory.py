"""A real server process: a 200 MB unauthenticated body is refused with a 413 without the server holding it."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest

from tests.server_process import start_server, stop_server

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the server's RSS from /proc")
BODY = 200 * 1024 * 1024


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def post_streamed(port: int, path: str, chunked: bool) -> bytes:
    """Send up to 200 MB in 1 MB pieces (never holding more than one) until the server answers or hangs up."""
    length = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {BODY}"
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
            f"{length}\r\nConnection: close\r\n\r\n").encode()
    piece = b"x" * (1024 * 1024)
    frame = f"{len(piece):x}\r\n".encode() + piece + b"\r\n" if chunked else piece
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(head)
        try:
            for _ in range(BODY // len(piece)):
                sock.sendall(frame)
            if chunked:
                sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server answered and closed: the rest of the body is never read
        answer = b""
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except OSError:
            pass
    return answer


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_200_mb_unauthenticated_body_is_a_413_and_never_held(tmp_path: Path, chunked: bool) -> None:
    url, process = start_server(tmp_path / "data", tmp_path / "server.log")
    try:
        port = int(url.rsplit(":", 1)[1])
        before = rss_kb(process.pid)
        answer = post_streamed(port, "/api/v1/rooms", chunked)
        grown_mb = (rss_kb(process.pid) - before) / 1024
    finally:
        stop_server(process)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:300]
    assert b'"detail"' in answer
    assert grown_mb < 30, f"the server grew by {grown_mb:.0f} MB for a {BODY // 2**20} MB body"
