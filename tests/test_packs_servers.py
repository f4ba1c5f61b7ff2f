"""Room packs between two real server processes on data folders of their own: the office (A) and a vessel (B)."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sts_snapshots.demo import ADMIN_EMAIL, ADMIN_PASSWORD, MEMBER_EMAIL, MEMBER_PASSWORD
from tests.pack_files import BAD_PACKS
from tests.server_process import start_server, stop_server

API = "/api/v1"
SHOWN = {"one byte changed", "a file replaced", "the manifest edited", "an unknown signer", "a path ../x", "a symlink",
         "a zip bomb"}


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, str, Path]]:
    """(A's URL, A's data folder, B's URL, B's data folder), each serving the demo data of its own."""
    root = tmp_path_factory.mktemp("two")
    started = []
    try:
        for name in ("office", "vessel"):
            url, process = start_server(root / name, root / f"{name}.log")
            started.append((url, process))
        yield started[0][0], root / "office", started[1][0], root / "vessel"
    finally:
        for _url, process in started:
            stop_server(process)


@contextlib.contextmanager
def signed_in(url: str, email: str = ADMIN_EMAIL, password: str = ADMIN_PASSWORD) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=url + API, timeout=60) as client:
        token = client.post("/auth/token", data={"username": email, "password": password}).json()["access_token"]
        client.headers["Authorization"] = f"Bearer {token}"
        yield client


def upload(client: httpx.Client, pack: bytes, *, trust: bool = False) -> httpx.Response:
    return client.post("/rooms/import", params={"trust": trust} if trust else {},
                       files={"file": ("room.stsroom", pack, "application/zip")})


def files_of(data: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (data / "uploads" / "documents").iterdir()}


def test_export_on_a_then_import_on_b(servers: tuple[str, Path, str, Path]) -> None:
    url_a, data_a, url_b, data_b = servers
    with signed_in(url_a) as a, signed_in(url_b) as b, signed_in(url_b, MEMBER_EMAIL, MEMBER_PASSWORD) as member:
        room_id = a.get("/rooms").json()[0]["id"]
        exported = a.post(f"/rooms/{room_id}/export")
        assert exported.status_code == 200, exported.text
        assert exported.headers["content-disposition"].endswith(".stsroom")
        pack = exported.content
        rooms_before, files_before = b.get("/rooms").json(), files_of(data_b)

        assert upload(member, pack, trust=True).status_code == 403  # only admins bring rooms in
        for what, make, reason in BAD_PACKS:
            if what not in SHOWN:
                continue
            # trust asked for, too: a pack that fails a check is refused whatever the admin said
            refused = upload(b, make(pack), trust=what != "an unknown signer")
            assert refused.status_code == 422 and reason in refused.json()["detail"], (what, refused.text)
            assert "\n" not in refused.json()["detail"]
        unknown = upload(b, pack)
        assert unknown.status_code == 422 and "does not trust yet" in unknown.json()["detail"]
        assert b.get("/rooms").json() == rooms_before and files_of(data_b) == files_before  # nothing changed

        imported = upload(b, pack, trust=True)
        assert imported.status_code == 201 and imported.json()["room_id"] == room_id, imported.text
        room_a, room_b = a.get(f"/rooms/{room_id}").json(), b.get(f"/rooms/{room_id}").json()
        assert room_b["readiness"] == room_a["readiness"] and room_b["title"] == room_a["title"]
        assert room_b["parties"] == room_a["parties"] and room_b["vessels"] == room_a["vessels"]
        docs = [d for d in a.get(f"/rooms/{room_id}/documents").json() if d["versions"]]
        for doc in docs:  # the latest versions through the API, every version in the data folders
            path = f"/rooms/{room_id}/documents/{doc['id']}/file"
            assert hashlib.sha256(b.get(path).content).digest() == hashlib.sha256(a.get(path).content).digest()
        versions = {v["file_id"]: v["sha256"] for d in docs for v in d["versions"]}
        assert {k: files_of(data_b)[k] for k in versions} == versions == {k: files_of(data_a)[k] for k in versions}
        assert member.get(f"/rooms/{room_id}").status_code == 200  # the demo member is a party of the room there

        again = upload(b, pack)
        assert again.status_code == 201 and again.json()["merged"] and again.json()["conflicts"] == 0, again.text
