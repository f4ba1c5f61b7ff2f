"""A real headless Chromium against the real server process: log in, create a snapshot, watch it complete."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sts_snapshots.demo import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.server_process import start_server, stop_server

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
OUTPUT = Path(__file__).resolve().parent.parent / "test-output"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
                       reason="Chromium or chromedriver is not installed (apt-get install chromium chromium-driver)"),
]


def make_driver(profile: Path, height: int = 1000) -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ["SE_OFFLINE"] = "true"  # never let Selenium Manager download a browser or driver
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 f"--window-size=1400,{height}", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    return webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))


def screenshot(driver: Any, name: str, full_page: bool = False) -> Path:
    """Save a PNG under test-output/; ``full_page`` captures beyond the window's height."""
    import base64

    OUTPUT.mkdir(exist_ok=True)
    path = OUTPUT / f"{name}.png"
    if not full_page:
        driver.save_screenshot(str(path))
        return path
    height = driver.execute_script("return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)")
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": 1400, "height": int(height), "scale": 1}})
    path.write_bytes(base64.b64decode(shot["data"]))
    return path


def sign_in(driver: Any, url: str, email: str, password: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(f"{url}/login")
    wait = WebDriverWait(driver, 20)
    wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, "input[type=email]"))).send_keys(email)
    driver.find_element(By.CSS_SELECTOR, "input[type=password]").send_keys(password)
    driver.find_element(By.XPATH, "//button[.//span[normalize-space()='Sign in']]").click()
    wait.until(ec.visibility_of_element_located((By.XPATH, "//*[normalize-space()='New room']")))


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    url, process = start_server(tmp_path / "data", tmp_path / "server.log")
    try:
        yield url
    finally:
        stop_server(process)


@pytest.fixture
def driver(tmp_path: Path) -> Iterator[Any]:
    profile = tmp_path / "chromium-profile"
    browser = make_driver(profile)
    try:
        yield browser
    finally:
        browser.quit()
        shutil.rmtree(profile, ignore_errors=True)


def test_admin_creates_a_snapshot_and_sees_it_complete(server: str, driver: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    sign_in(driver, server, ADMIN_EMAIL, ADMIN_PASSWORD)
    wait = WebDriverWait(driver, 30)
    wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, "a[href^='/rooms/']"))).click()
    wait.until(ec.visibility_of_element_located((By.XPATH, "//*[normalize-space()='Clearance readiness']")))
    driver.find_element(By.XPATH, "//button[.//span[normalize-space()='Create snapshot']]").click()
    title = wait.until(ec.visibility_of_element_located((By.XPATH, "//input[@aria-label='Title']")))
    title.send_keys("Browser test snapshot")
    driver.find_element(By.XPATH, "//div[contains(@class,'q-dialog')]//button[.//span[normalize-space()='Create']]") \
        .click()
    wait.until(ec.visibility_of_element_located((By.XPATH, "//*[normalize-space()='Browser test snapshot']")))
    download = WebDriverWait(driver, 120).until(ec.visibility_of_element_located(
        (By.XPATH, "//a[contains(@href,'/ui/files/snapshots/')][.//span[normalize-space()='Download']]")))
    assert download.get_attribute("href")
    # the "Generating ..." notice times out after a few seconds; the screenshot is of the room itself
    WebDriverWait(driver, 15).until(ec.invisibility_of_element_located((By.CSS_SELECTOR, ".q-notification")))
    assert screenshot(driver, "room").stat().st_size > 10_000
    screenshot(driver, "room-full", full_page=True)

    driver.get(f"{server}/metrics")
    wait.until(ec.visibility_of_element_located((By.XPATH, "//*[normalize-space()='Cache hit rate']")))
    wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, "[_echarts_instance_] canvas")))
    time.sleep(1.0)  # echarts draws after mounting
    assert screenshot(driver, "metrics").stat().st_size > 10_000
    screenshot(driver, "metrics-full", full_page=True)
