"""``GET /metrics`` for Prometheus, parsed with prometheus_client's own parser; browsers still get the page."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from tests.harness import API, Harness

SCRAPER_ACCEPT = "application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.3,*/*;q=0.2"


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


async def test_metrics_exposition_counts_generations_cache_tasks_and_requests(harness: Harness) -> None:
    room = harness.demo_room_id()
    for _ in range(2):  # a miss, then a hit on the unchanged room
        created = (await harness.client.post(f"{API}/rooms/{room}/snapshots", headers=harness.admin, json={})).json()
        assert (await harness.wait_task(created["task_id"], harness.admin))["status"] == "completed"
    assert (await harness.client.get(f"{API}/rooms/unknown", headers=harness.admin)).status_code == 404

    response = await harness.client.get("/metrics", headers={"Accept": SCRAPER_ACCEPT})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    found = samples(response.text)

    generated = (("cached", "false"), ("status", "completed"))
    cached = (("cached", "true"), ("status", "completed"))
    assert found[("sts_pdf_generation_seconds_count", generated)] == 1
    assert found[("sts_pdf_generation_seconds_count", cached)] == 1
    assert found[("sts_pdf_generation_seconds_sum", generated)] > 0
    assert found[("sts_cache_misses_total", ())] == 1
    assert found[("sts_cache_hits_total", (("layer", "memory"),))] == 1
    assert found[("sts_tasks", (("status", "completed"),))] == 2
    task_route = (("method", "GET"), ("route", "/api/v1/snapshots/tasks/{task_id}"))
    assert found[("sts_api_request_seconds_count", task_route)] >= 2  # the polls, by route template
    not_found = (("method", "GET"), ("route", "/api/v1/rooms/{room_id}"), ("status_code", "404"))
    assert found[("sts_api_responses_total", not_found)] == 1


async def test_curl_gets_the_exposition_and_a_browser_the_dashboard(harness: Harness) -> None:
    plain = await harness.client.get("/metrics", headers={"Accept": "*/*"})
    assert "# TYPE sts_pdf_generation_seconds histogram" in plain.text
    page = await harness.client.get("/metrics", headers={"Accept": "text/html,application/xhtml+xml"},
                                    follow_redirects=True)
    assert page.headers["content-type"].startswith("text/html") and "sts_pdf_generation" not in page.text
