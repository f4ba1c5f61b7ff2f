"""Small things a user sees, in a real headless Chromium against the real server: one notice at a time for one
form (a fixed mistake's error does not stay beside the success), and the dark-mode toggle showing the icon of the
other mode whether the page follows the system or the user chose."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from tests.server_process import start_server, stop_server
from tests.test_browser_field import CHROMEDRIVER, CHROMIUM, OUTPUT, api, api_token, offline_driver, settle, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not (CHROMIUM.exists() and CHROMEDRIVER.exists()), reason="Chromium is not installed"),
]

VISIBLE_NOTICES = """return [...document.querySelectorAll('.q-notification')]
  .filter(n => n.offsetParent !== null && getComputedStyle(n).opacity !== '0').map(n => n.innerText.trim());"""
TOGGLE_ICON = """const b = document.querySelector('[aria-label="Dark mode on or off"]');
return [...b.querySelectorAll('i')].filter(i => i.offsetParent !== null).map(i => i.textContent.trim());"""


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    base = tmp_path_factory.mktemp("notices")
    url, process = start_server(base / "data", base / "server.log")
    profile = base / "profile"
    driver = offline_driver(profile)
    try:
        sign_in(driver, url)
        yield url, driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
        stop_server(process)


def _click(driver: Any, text: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    xpath = f"(//button[.//span[normalize-space()='{text}']])[last()]"
    WebDriverWait(driver, 20).until(ec.element_to_be_clickable((By.XPATH, xpath))).click()


def _notices(driver: Any, expect: str) -> list[str]:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 20).until(lambda d: any(expect in n for n in d.execute_script(VISIBLE_NOTICES)))
    driver.execute_script("return new Promise(r => setTimeout(r, 600))")  # Quasar's transition of a replaced one
    return list(driver.execute_script(VISIBLE_NOTICES))


def test_a_corrected_form_shows_only_its_success_notice(session: tuple[str, Any]) -> None:
    from selenium.webdriver.common.by import By

    url, driver = session
    room = api(url, api_token(url), "/rooms")[0]["id"]
    driver.get(f"{url}/rooms/{room}")
    settle(driver)
    _click(driver, "Add party")
    _click(driver, "Add party")  # the dialog's own button, with the name left empty
    first = _notices(driver, "ame")
    assert len(first) == 1, first
    driver.find_element(By.CSS_SELECTOR, "[aria-label='Name *'], input[aria-label='Name *']").send_keys("Kenji Sato")
    _click(driver, "Add party")
    shown = _notices(driver, "Kenji Sato added")
    OUTPUT.mkdir(exist_ok=True)
    driver.save_screenshot(str(OUTPUT / "notices-one-at-a-time.png"))
    assert shown == [next(n for n in shown if "Kenji Sato added" in n)], f"notices side by side: {shown}"


def test_the_dark_mode_toggle_shows_the_other_modes_icon(session: tuple[str, Any]) -> None:
    url, driver = session
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme",
                                                                         "value": "dark"}]})
    try:
        driver.get(url + "/")
        settle(driver)
        assert driver.execute_script("return document.body.classList.contains('body--dark')")
        assert driver.execute_script(TOGGLE_ICON) == ["light_mode"]  # following the system, which is dark
        driver.execute_script("document.querySelector('[aria-label=\"Dark mode on or off\"]').click()")
        driver.execute_script("return new Promise(r => setTimeout(r, 800))")
        assert not driver.execute_script("return document.body.classList.contains('body--dark')")
        assert driver.execute_script(TOGGLE_ICON) == ["dark_mode"]
        driver.get(url + "/")  # the choice stays with the browser, whatever the system says
        settle(driver)
        assert not driver.execute_script("return document.body.classList.contains('body--dark')")
        assert driver.execute_script(TOGGLE_ICON) == ["dark_mode"]
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
