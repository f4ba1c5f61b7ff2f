"""The UI in the field, through the in-process app: offline API docs, the 404 page, headings, edits."""

from __future__ import annotations

import re

import pytest

from sts_snapshots.demo import ADMIN_EMAIL
from tests.harness import Harness
from tests.test_ui_support import elements, sign_in


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
async def test_api_docs_load_only_local_assets(harness: Harness, path: str) -> None:
    response = await harness.client.get(path)
    assert response.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', response.text) + re.findall(r"url: '([^']+)'", response.text)
    assert sources and all(s.startswith("/") for s in sources), sources
    assert "fonts.googleapis" not in response.text
    for source in sources:
        assert (await harness.client.get(source)).status_code == 200, source


async def test_the_shipped_redoc_never_fetches_its_logo(harness: Harness) -> None:
    script = await harness.client.get("/api-docs-assets/redoc/redoc.standalone.js")
    assert script.status_code == 200 and "cdn.redoc.ly/redoc/logo-mini.svg" not in script.text
    assert (await harness.client.get("/api-docs-assets/swagger-ui/LICENSE")).status_code == 200
    assert (await harness.client.get("/openapi.json")).json()["info"]["title"] == "STS Snapshots"


async def test_an_unknown_page_answers_404_in_the_app_frame(harness: Harness) -> None:
    await sign_in(harness.user, ADMIN_EMAIL)
    response = await harness.client.get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.text and "Back to rooms" in response.text
    api = await harness.client.get("/api/v1/no-such-endpoint")
    assert api.status_code == 404 and api.json()["detail"].startswith("no API endpoint")


async def test_each_page_has_one_h1_and_a_nav(harness: Harness) -> None:
    await sign_in(harness.user, ADMIN_EMAIL)
    for path in ("/", f"/rooms/{harness.demo_room_id()}", "/users", "/metrics"):
        await harness.user.open(path)
        assert harness.user.client is not None
        with harness.user.client:
            tags = [e.tag for e in harness.user.client.elements.values()]
        assert tags.count("h1") == 1, (path, tags.count("h1"))
        assert "nav" in tags and "main" in tags
        assert bool(elements(harness.user, "skip-extra")) == path.startswith("/rooms/")  # "Skip to Snapshots"
