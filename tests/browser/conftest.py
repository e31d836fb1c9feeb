"""Browser tests: Horizon on the lab's CentralRegion, driven in Debian's headless
Chromium by Selenium, as a person would use it. Marked `integration` (they need
the lab); `tricircle-lab horizon` brings Horizon up, tools/browser-deps.sh
installs Chromium and chromedriver.

Every page a test visits is saved as a PNG under the run's temporary folder
(pytest's basetemp, ``screenshots/``), named by test and step.
"""

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.integration.conftest import Lab, lab, lab_command, poll  # noqa: F401
from tricircle.lab.layout import SOURCE, Layout

webdriver = pytest.importorskip(
    "selenium.webdriver", reason="selenium is not installed (pip install selenium)")
from selenium.common.exceptions import (  # noqa: E402
    NoSuchElementException,
    StaleElementReferenceException,
    TimeoutException,
)
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

WAIT = 60   # seconds a page element may take (a generous guard, not a figure)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def horizon_url(lab) -> str:  # noqa: F811 - the lab fixture, imported above
    """Horizon running on the lab (built and started once)."""
    result = subprocess.run(lab_command() + ["horizon"], capture_output=True, text=True,
                            timeout=1800)
    if result.returncode != 0:
        pytest.fail(f"tricircle-lab horizon failed:\n{result.stdout[-3000:]}\n"
                    f"{result.stderr[-3000:]}", pytrace=False)
    return result.stdout.strip().splitlines()[-1].split("horizon ready: ")[-1].split()[0]


@pytest.fixture(scope="session")
def chromium() -> tuple[str, str]:
    """(browser, driver) paths; installs Debian's packages when they are missing."""
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        subprocess.run(["bash", str(SOURCE / "tools" / "browser-deps.sh")], check=True,
                       timeout=900)
    return shutil.which("chromium"), shutil.which("chromedriver")


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory) -> Path:
    folder = tmp_path_factory.getbasetemp() / "screenshots"
    folder.mkdir(exist_ok=True)
    print(f"\nscreenshots of every page visited: {folder}")
    return folder


@pytest.fixture(scope="session")
def passwords() -> dict:
    return json.loads((Layout.default().etc / "passwords.json").read_text())


class Dashboard:
    """One browser session on Horizon: log in, open pages, click, wait, and a
    screenshot of every page reached."""

    def __init__(self, driver, url: str, folder: Path, test_name: str):
        self.driver, self.url, self.folder = driver, url.rstrip("/"), folder
        self.test_name, self.step = test_name, 0

    # --- pages ---------------------------------------------------------------
    def login(self, user: str, password: str) -> None:
        self.driver.delete_all_cookies()
        self.open("/auth/login/", "login")
        self.driver.find_element(By.ID, "id_username").send_keys(user)
        self.driver.find_element(By.ID, "id_password").send_keys(password)
        self.driver.find_element(By.ID, "loginBtn").click()
        self.wait_for(lambda d: "/auth/login" not in d.current_url)
        self.shot(f"logged-in-{user}")

    def open(self, path: str, name: str | None = None) -> None:
        self.driver.get(self.url + path)
        self.wait_for(lambda d: d.execute_script("return document.readyState") == "complete")
        self.shot(name or path.strip("/").replace("/", "-") or "home")

    def shot(self, name: str) -> Path:
        self.step += 1
        path = self.folder / f"{self.test_name}-{self.step:02d}-{name}.png"
        self.driver.save_screenshot(str(path))
        return path

    # --- elements --------------------------------------------------------------
    def wait_for(self, condition, timeout: float = WAIT):
        try:
            return WebDriverWait(self.driver, timeout, ignored_exceptions=(
                NoSuchElementException, StaleElementReferenceException)).until(condition)
        except TimeoutException:
            # The page's HTML beside its picture: what a selector missed.
            self.shot("timed-out").with_suffix(".html").write_text(self.driver.page_source)
            raise

    def visible(self, xpath: str, timeout: float = WAIT):
        return self.wait_for(expected_conditions.visibility_of_element_located(
            (By.XPATH, xpath)), timeout)

    def click(self, xpath: str, timeout: float = WAIT) -> None:
        element = self.wait_for(expected_conditions.element_to_be_clickable(
            (By.XPATH, xpath)), timeout)
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
        element.click()

    def select(self, xpath: str, text: str) -> None:
        Select(self.visible(xpath)).select_by_visible_text(text)

    @staticmethod
    def _themable(name: str) -> str:
        return f"//div[contains(@class, 'themable-select')][select[@name='{name}']]"

    def choose(self, name: str, text: str) -> None:
        """Pick the option containing ``text`` in one of Horizon's themable
        selects (a button and a menu standing in front of a hidden ``<select
        name=name>``), as a person does."""
        box = self._themable(name)
        self.click(f"{box}/button")
        self.click(f"{box}//ul//a[contains(normalize-space(), '{text}')]")

    def choices(self, name: str) -> list[str]:
        """The options a themable select offers."""
        self.visible(f"{self._themable(name)}/button")
        return [option.get_attribute("textContent").strip() for option in
                self.driver.find_elements(By.XPATH, f"//select[@name='{name}']/option")]

    def text(self) -> str:
        return self.driver.find_element(By.TAG_NAME, "body").text

    def row(self, table: str, contains: str, timeout: float = WAIT):
        """The row of table ``table`` whose text contains ``contains``."""
        return self.visible(f"//table[@id='{table}']//tr[contains(., '{contains}')]", timeout)

    def wait_row_status(self, table: str, contains: str, status: str,
                        timeout: float = 300) -> None:
        """Reload the page until the row shows ``status`` (the table's own ajax
        refresh may do it first)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if status in self.row(table, contains, timeout=10).text:
                    return
            except TimeoutException:
                pass
            time.sleep(3)
            self.driver.refresh()
        self.shot(f"no-{status}")
        raise AssertionError(f"{contains!r} did not reach {status} in table {table}")

    def menu_links(self) -> list[str]:
        """The hrefs of the side menu's panels."""
        return [a.get_attribute("href") or "" for a in
                self.driver.find_elements(By.CSS_SELECTOR, "#sidebar a, .openstack-panel a")]


@pytest.fixture
def dashboard(request, horizon_url, chromium, screenshots):
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    binary, driver_path = chromium
    options = Options()
    options.binary_location = binary
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                     "--window-size=1400,1000", "--disable-gpu"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_page_load_timeout(WAIT * 2)
    try:
        yield Dashboard(driver, horizon_url, screenshots, request.node.name)
    finally:
        driver.quit()


__all__ = ["Lab", "By", "lab_command", "poll"]
