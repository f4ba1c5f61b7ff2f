"""A real headless Chromium against the real server process: log in, create a snapshot, watch it complete."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sts_snapshots.demo import ADMIN_EMAIL, ADMIN_PASSWORD

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
OUTPUT = Path(__file__).resolve().parent.parent / "test-output"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
                       reason="Chromium or chromedriver is not installed (apt-get install chromium chromium-driver)"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/api/v1/health", timeout=2) as response:
                if json.load(response).get("status") == "ok":
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server did not answer {url}/api/v1/health within {timeout} s")


def start_server(data_dir: Path, log_path: Path) -> tuple[str, subprocess.Popen[bytes]]:
    port = free_port()
    command = [sys.executable, "-m", "sts_snapshots", "serve", "--data-dir", str(data_dir), "--port", str(port),
               "--no-browser", "--workers", "1"]
    # NiceGUI switches to its test mode when it sees pytest's variables; the server must run as in production
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "NICEGUI_"))}
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env,
                                   cwd=Path(__file__).parent.parent)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process)
    except RuntimeError:
        stop_server(process)
        raise
    return url, process


def stop_server(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


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
