"""Browser tests: the real labbox binary driven by headless Chromium through Selenium.

Run by scripts/browser-test, which installs Chromium, the driver and Selenium, starts the server
on a free loopback port and passes its URL in LABBOX_URL. Screenshots go to test-output/screenshots.
"""
import os
import sys
import traceback

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

BASE = os.environ["LABBOX_URL"].rstrip("/")
SHOTS = os.environ.get("SCREENSHOTS", "test-output/screenshots")


def make_driver(width, height):
    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 f"--window-size={width},{height}"):
        options.add_argument(flag)
    options.binary_location = "/usr/bin/chromium"
    service = webdriver.ChromeService(executable_path="/usr/bin/chromedriver")
    return webdriver.Chrome(options=options, service=service)


def console_errors(driver):
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"
            and "favicon" not in entry["message"] and "404" not in entry["message"]]


def test_home(driver):
    driver.get(BASE + "/")
    assert driver.title == "LabBox · LabBox", driver.title
    assert driver.find_element(By.TAG_NAME, "h1").text == "LabBox"
    facts = driver.find_elements(By.CSS_SELECTOR, ".facts dt")
    assert "Schema" in [fact.text for fact in facts]
    current = driver.find_element(By.CSS_SELECTOR, "nav a[aria-current=page]")
    assert current.text == "Home"
    stylesheet_applied = driver.execute_script(
        "return getComputedStyle(document.querySelector('.topbar')).backgroundColor")
    assert stylesheet_applied == "rgb(15, 92, 99)", stylesheet_applied
    assert not console_errors(driver), console_errors(driver)
    driver.save_screenshot(f"{SHOTS}/home.png")


def test_keyboard_skip_link(driver):
    driver.get(BASE + "/")
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    focused = driver.switch_to.active_element
    assert focused.text == "Skip to content", focused.text
    focused.send_keys(Keys.ENTER)
    assert driver.switch_to.active_element.get_attribute("id") == "main"


def test_api_reference(driver):
    driver.get(BASE + "/docs")
    assert driver.find_element(By.TAG_NAME, "h1").text == "API reference"
    paths = [element.text for element in driver.find_elements(By.CSS_SELECTOR, ".operation h2 code")]
    assert "/api/v1/openapi.json" in paths and "/healthz" in paths, paths
    driver.save_screenshot(f"{SHOTS}/docs.png")


def test_not_found_page(driver):
    driver.get(BASE + "/no/such/page")
    assert driver.find_element(By.CSS_SELECTOR, ".status-code").text == "Error 404"
    request_id = driver.find_element(By.CSS_SELECTOR, ".request-id").text
    assert len(request_id) == 32, request_id
    driver.save_screenshot(f"{SHOTS}/not-found.png")


def test_tablet_layout(_driver):
    tablet = make_driver(768, 1024)
    try:
        tablet.get(BASE + "/")
        overflow = tablet.execute_script(
            "return document.documentElement.scrollWidth > document.documentElement.clientWidth")
        assert not overflow, "page scrolls sideways on a tablet"
        tablet.save_screenshot(f"{SHOTS}/home-tablet.png")
    finally:
        tablet.quit()


def main():
    os.makedirs(SHOTS, exist_ok=True)
    tests = [test_home, test_keyboard_skip_link, test_api_reference, test_not_found_page, test_tablet_layout]
    driver = make_driver(1366, 768)
    passed = failed = 0
    try:
        for test in tests:
            try:
                test(driver)
                passed += 1
                print(f"ok   {test.__name__}")
            except Exception:
                failed += 1
                print(f"FAIL {test.__name__}")
                traceback.print_exc()
                driver.save_screenshot(f"{SHOTS}/FAILED-{test.__name__}.png")
    finally:
        driver.quit()
    print(f"browser: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
