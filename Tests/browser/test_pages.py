"""Browser tests: the real labbox binary driven by headless Chromium through Selenium.

Run by scripts/browser-test, which installs Chromium, the driver and Selenium, starts the server
on a free loopback port and passes its URL in LABBOX_URL. Screenshots go to test-output/screenshots.
"""
import os
import sys
import traceback

import layout

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait

BASE = os.environ["LABBOX_URL"].rstrip("/")
# A second server, its database filled by `labbox demo-data`, for the crawl of every page.
DEMO = os.environ["LABBOX_DEMO_URL"].rstrip("/")
SHOTS = os.environ.get("SCREENSHOTS", "test-output/screenshots")
EMAIL = os.environ["BROWSER_TEST_EMAIL"]
PASSWORD = os.environ["BROWSER_TEST_PASSWORD"]


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


def submit(driver, action):
    """Runs `action` (a click or an Enter) and waits until the browser has loaded the next page,
    so a check never looks at the page that is being replaced."""
    old = driver.find_element(By.TAG_NAME, "html")
    action()

    def replaced(_):
        # Chromium reports a replaced page as stale or, sometimes, as a node of another document.
        try:
            old.tag_name
            return False
        except Exception:
            return True

    WebDriverWait(driver, 10).until(replaced)


def sign_in(driver, email=EMAIL, password=PASSWORD, base=BASE):
    driver.get(base + "/login")
    driver.find_element(By.ID, "email").send_keys(email)
    submit(driver, lambda: driver.find_element(By.ID, "password").send_keys(password + Keys.ENTER))


def flash_text(driver):
    return WebDriverWait(driver, 10).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".flash-success"))).text


def test_login_refuses_a_wrong_password(driver):
    driver.delete_all_cookies()
    driver.get(BASE + "/")
    assert driver.current_url.endswith("/login"), driver.current_url
    driver.save_screenshot(f"{SHOTS}/login.png")
    sign_in(driver, password="not-the-right-password")
    alert = driver.find_element(By.CSS_SELECTOR, "[role=alert]").text
    assert "not correct" in alert, alert
    driver.save_screenshot(f"{SHOTS}/login-failed.png")


def test_home(driver):
    driver.get_log("browser")  # the failed sign-in before logged its 401; start clean
    sign_in(driver)
    WebDriverWait(driver, 10).until(expected_conditions.title_is("Home · LabBox"))
    assert driver.find_element(By.TAG_NAME, "h1").text == "Home"
    # The work queue: every list an admin may act on, each empty one saying what to do, no alert.
    queues = [section.get_attribute("id") for section in driver.find_elements(By.CSS_SELECTOR, "section.queue")]
    assert queues == ["queue-tasks", "queue-pregnancy", "queue-culture", "queue-superovulation", "queue-verify", "queue-tanks",
                      "queue-unbilled", "queue-changes"], queues
    assert "No pregnancy check is due" in driver.find_element(By.ID, "queue-pregnancy").text
    assert not driver.find_elements(By.CSS_SELECTOR, "main .alert"), "an alert with nothing wrong"
    assert "Dana Director" in driver.find_element(By.CSS_SELECTOR, ".account-name").text
    facts = driver.find_elements(By.CSS_SELECTOR, ".facts dt")
    assert "Schema" in [fact.text for fact in facts]
    current = driver.find_element(By.CSS_SELECTOR, "nav a[aria-current=page]")
    assert current.text == "Home"
    stylesheet_applied = driver.execute_script(
        "return getComputedStyle(document.querySelector('.topbar')).backgroundColor")
    assert stylesheet_applied == "rgb(15, 92, 99)", stylesheet_applied
    errors = console_errors(driver)
    assert not errors, errors
    driver.save_screenshot(f"{SHOTS}/home.png")


def test_admin_adds_a_user(driver):
    driver.get(BASE + "/admin/users")
    driver.find_element(By.ID, "new-name").send_keys("Tomas Technician")
    driver.find_element(By.ID, "new-email").send_keys("tomas@lab.example")
    assert driver.find_element(By.ID, "new-role").get_attribute("value") == "technician"
    driver.find_element(By.ID, "new-password").send_keys("first-day-at-the-bench")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/admin/users'] button").click)
    flash = WebDriverWait(driver, 10).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".flash-success"))).text
    assert "tomas@lab.example" in flash, flash
    assert "tomas@lab.example" in driver.find_element(By.CSS_SELECTOR, "table").text
    driver.save_screenshot(f"{SHOTS}/users.png")
    # The user's own page shows their history: who created them, as what.
    submit(driver, driver.find_element(By.LINK_TEXT, "Tomas Technician").click)
    history = driver.find_element(By.CSS_SELECTOR, "tbody").text
    assert "director@lab.example" in history and "create" in history and "technician" in history, history
    assert "password_hash" not in driver.page_source
    driver.save_screenshot(f"{SHOTS}/user-history.png")


def test_api_key_is_shown_once(driver):
    driver.get(BASE + "/account/keys")
    driver.find_element(By.ID, "key-name").send_keys("Herd book import")
    submit(driver, lambda: driver.find_element(By.ID, "key-scopes").send_keys("samples:read samples:write" + Keys.ENTER))
    secret = driver.find_element(By.ID, "new-key").text
    assert secret.startswith("lbx_"), secret
    assert not driver.find_elements(By.CSS_SELECTOR, "[role=alert]"), "an error is shown after success"
    driver.save_screenshot(f"{SHOTS}/keys-created.png")
    driver.get(BASE + "/account/keys")
    assert secret not in driver.page_source
    assert "Herd book import" in driver.find_element(By.CSS_SELECTOR, "table").text


def test_destructive_buttons_ask_first(driver):
    driver.get(BASE + "/account/keys")
    driver.find_element(By.XPATH, "//button[text()='Revoke']").click()
    question = WebDriverWait(driver, 5).until(expected_conditions.alert_is_present())
    assert "Revoke this key?" in question.text, question.text
    question.dismiss()
    assert driver.current_url.endswith("/account/keys")
    assert driver.find_elements(By.XPATH, "//button[text()='Revoke']"), "the key was revoked without a yes"


def test_connection_lost_notice(driver):
    driver.get(BASE + "/")
    offline = {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.emulateNetworkConditions", offline)
    try:
        notice = WebDriverWait(driver, 5).until(
            expected_conditions.visibility_of_element_located((By.CSS_SELECTOR, ".offline[role=alert]")))
        assert "Connection lost" in notice.text, notice.text
        driver.save_screenshot(f"{SHOTS}/connection-lost.png")
    finally:
        driver.execute_cdp_cmd("Network.emulateNetworkConditions", dict(offline, offline=False))
    WebDriverWait(driver, 5).until(expected_conditions.invisibility_of_element_located((By.CSS_SELECTOR, ".offline")))


def test_sessions_page(driver):
    driver.get(BASE + "/account/sessions")
    assert "this browser" in driver.find_element(By.CSS_SELECTOR, "table").text
    driver.save_screenshot(f"{SHOTS}/sessions.png")


def test_security_events(driver):
    driver.get(BASE + "/admin/security")
    text = driver.find_element(By.CSS_SELECTOR, "table").text
    assert "login.failed" in text and "2fa.enabled" in text and "user.created" in text, text
    assert "Older events" not in driver.page_source  # fewer than a page of events
    driver.save_screenshot(f"{SHOTS}/security-events.png")


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


def totp(key_base32, at=None):
    """RFC 6238 TOTP (SHA-1, 6 digits, 30 s), as an authenticator app computes it."""
    import base64, hashlib, hmac, struct, time
    key = base64.b32decode(key_base32.replace(" ", "") + "=" * (-len(key_base32.replace(" ", "")) % 8))
    counter = int((at or time.time()) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000)


def test_sample_is_recorded_and_its_history_shows_each_change(driver):
    driver.get(BASE + "/samples")
    assert "No samples match" in driver.find_element(By.CSS_SELECTOR, ".empty").text
    driver.save_screenshot(f"{SHOTS}/samples-empty.png")
    submit(driver, driver.find_element(By.LINK_TEXT, "New sample").click)
    driver.find_element(By.ID, "external-id").send_keys("BULL-0042-S1")
    driver.find_element(By.ID, "kind").send_keys("semen")
    collected = driver.find_element(By.ID, "collected-at")
    driver.execute_script("arguments[0].value = '2026-03-01T09:30'", collected)
    driver.find_element(By.ID, "notes").send_keys("Ejaculate 1, good motility")
    driver.save_screenshot(f"{SHOTS}/sample-new.png")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/samples'] button[type=submit]").click)
    flash = flash_text(driver)
    assert "BULL-0042-S1" in flash, flash
    # Changing a regulated record asks for a reason, as a required field.
    reason = driver.find_element(By.ID, "reason")
    assert reason.get_attribute("required") is not None
    driver.find_element(By.ID, "status").send_keys("Stored")
    driver.find_element(By.ID, "notes").clear()
    driver.find_element(By.ID, "notes").send_keys("Frozen in tank 3")
    reason.send_keys("Moved to long-term storage")
    submit(driver, driver.find_element(By.XPATH, "//button[text()='Save change']").click)
    flash_text(driver)
    submit(driver, driver.find_element(By.PARTIAL_LINK_TEXT, "History").click)
    rows = driver.find_elements(By.CSS_SELECTOR, "#tab-view tbody tr")
    assert len(rows) == 2, len(rows)
    latest = rows[0].text
    assert "Moved to long-term storage" in latest, latest
    assert "received" in latest and "stored" in latest, latest
    assert "Frozen in tank 3" in latest, latest
    driver.save_screenshot(f"{SHOTS}/sample-history.png")


def add_animal(driver, name, sex, sire_id=""):
    driver.get(BASE + "/animals/new")
    driver.find_element(By.ID, "animal-name").send_keys(name)
    driver.find_element(By.ID, "animal-sex").send_keys(sex)
    driver.find_element(By.ID, "animal-breed").send_keys("Holstein")
    if sire_id:
        pick(driver, "animal-sire", f"#{sire_id}")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/animals'] button[type=submit]").click)
    flash_text(driver)
    return driver.current_url.rstrip("/").split("/")[-1]


def test_customer_and_animal_pedigree(driver):
    driver.get(BASE + "/customers")
    assert "No customers match" in driver.find_element(By.CSS_SELECTOR, ".empty").text
    submit(driver, driver.find_element(By.LINK_TEXT, "New customer").click)
    driver.find_element(By.ID, "customer-name").send_keys("Hof Meier")
    driver.find_element(By.ID, "customer-city").send_keys("Kiel")
    driver.find_element(By.ID, "customer-email").send_keys("not-an-email")
    driver.find_element(By.CSS_SELECTOR, "form[action='/customers'] button[type=submit]").click()
    # The browser's own check stops a malformed email before it is sent.
    assert driver.current_url.endswith("/customers/new"), driver.current_url
    driver.find_element(By.ID, "customer-email").clear()
    submit(driver, lambda: driver.find_element(By.ID, "customer-email").send_keys("info@meier.example" + Keys.ENTER))
    flash_text(driver)
    driver.save_screenshot(f"{SHOTS}/customer.png")
    grandsire = add_animal(driver, "Old Bull", "male")
    sire = add_animal(driver, "Young Bull", "male", grandsire)
    add_animal(driver, "Calf", "female", sire)
    submit(driver, driver.find_element(By.PARTIAL_LINK_TEXT, "Pedigree").click)
    cards = [card.text.split("\n")[0] for card in driver.find_elements(By.CSS_SELECTOR, ".pedigree-card")]
    assert cards[:3] == ["Calf", "Young Bull", "Old Bull"], cards
    assert "dam unknown" in driver.find_element(By.CSS_SELECTOR, ".pedigree").text
    driver.save_screenshot(f"{SHOTS}/animal-pedigree.png")


def test_signing_dialog_needs_the_password(driver):
    driver.get(BASE + "/samples")
    submit(driver, driver.find_element(By.LINK_TEXT, "BULL-0042-S1").click)
    submit(driver, driver.find_element(By.PARTIAL_LINK_TEXT, "Signatures").click)
    assert "Nobody has signed" in driver.find_element(By.CSS_SELECTOR, ".empty").text
    driver.find_element(By.CSS_SELECTOR, "[data-open-dialog=sign-dialog]").click()
    dialog = driver.find_element(By.ID, "sign-dialog")
    assert dialog.is_displayed()
    assert driver.switch_to.active_element.get_attribute("id") == "sign-meaning"
    driver.find_element(By.ID, "sign-meaning").send_keys("approved")
    driver.find_element(By.ID, "sign-password").send_keys("not-my-password")
    driver.save_screenshot(f"{SHOTS}/sign-dialog.png")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "#sign-dialog button[type=submit]").click)
    alert = WebDriverWait(driver, 10).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "[role=alert]"))).text
    assert "password is not correct" in alert, alert
    driver.find_element(By.CSS_SELECTOR, "[data-open-dialog=sign-dialog]").click()
    driver.find_element(By.ID, "sign-meaning").send_keys("approved")
    submit(driver, lambda: driver.find_element(By.ID, "sign-password").send_keys(PASSWORD + Keys.ENTER))
    flash_text(driver)
    manifest = driver.find_element(By.CSS_SELECTOR, ".signature-manifest tbody").text
    assert "approved" in manifest and "matches current version" in manifest, manifest
    driver.save_screenshot(f"{SHOTS}/sample-signatures.png")


def add_container(driver, kind, name, columns=""):
    driver.find_element(By.ID, "new-kind").send_keys(kind)
    driver.find_element(By.ID, "new-name").send_keys(name)
    if columns:
        driver.find_element(By.ID, "new-columns").send_keys(columns)
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/storage/containers'] button").click)
    flash_text(driver)


def test_storage_map_and_barcode_check_in(driver):
    driver.get(BASE + "/storage")
    assert "Nothing here yet" in driver.find_element(By.CSS_SELECTOR, ".empty").text
    add_container(driver, "tank", "Tank 3")
    add_container(driver, "canister", "C2")
    add_container(driver, "goblet", "G1", "10")
    trail = [link.text for link in driver.find_elements(By.CSS_SELECTOR, ".breadcrumbs a")]
    assert trail == ["Storage", "Tank 3", "C2"], trail
    assert len(driver.find_elements(By.CSS_SELECTOR, ".map .cell-free")) == 10
    # A scanner types the barcode and Enter; the first free position is already filled in.
    assert driver.switch_to.active_element.get_attribute("id") == "checkin-barcode"
    submit(driver, lambda: driver.switch_to.active_element.send_keys("BULL-0042-S1" + Keys.ENTER))
    flash = flash_text(driver)
    assert "position 1" in flash, flash
    cell = driver.find_element(By.CSS_SELECTOR, ".map a.cell-semen")
    assert "BULL-0042-S1" in cell.text, cell.text
    assert driver.find_element(By.ID, "checkin-position").get_attribute("value") == "2"
    driver.save_screenshot(f"{SHOTS}/storage-map.png")
    submit(driver, driver.find_element(By.LINK_TEXT, "Tank 3").click)
    driver.find_element(By.LINK_TEXT, "C2")
    driver.find_element(By.ID, "fill-before").send_keys("22")
    submit(driver, lambda: driver.find_element(By.ID, "fill-after").send_keys("47.5" + Keys.ENTER))
    flash_text(driver)
    assert "47.5 cm" in driver.page_source
    driver.save_screenshot(f"{SHOTS}/storage-tank.png")


def test_shipment_checked_in_and_sent_on_by_scanning(driver):
    """An inbound shipment checked in by the sender's code, the straw sent on in an outbound one:
    scanned, packed (checked out of storage), handed over, its packing list printed."""
    driver.get(BASE + "/shipments")
    submit(driver, driver.find_element(By.LINK_TEXT, "New inbound shipment").click)
    driver.find_element(By.ID, "shipment-partner").send_keys("Genetics Centre North")
    driver.find_element(By.ID, "shipment-shipper").send_keys("GCN-7")
    driver.find_element(By.ID, "shipment-expected").send_keys("2")
    driver.save_screenshot(f"{SHOTS}/shipment-new.png")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/shipments'] button").click)
    assert "was recorded" in flash_text(driver)
    submit(driver, lambda: driver.find_element(By.ID, "check-in-code").send_keys("GCN-2026-0077" + Keys.ENTER))
    assert "checked in" in flash_text(driver)
    driver.find_element(By.ID, "receive-discrepancies").send_keys("Expected 2 straws, found 1.")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action$='/receive'] button").click)
    flash_text(driver)
    assert "Expected 2 straws, found 1." in driver.page_source
    driver.save_screenshot(f"{SHOTS}/shipment-inbound.png")

    driver.get(BASE + "/shipments/new?direction=outbound")
    driver.find_element(By.ID, "shipment-partner").send_keys("Nordic Genetics")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/shipments'] button").click)
    flash_text(driver)
    submit(driver, lambda: driver.find_element(By.ID, "item-code").send_keys("GCN-2026-0077" + Keys.ENTER))
    assert "is on the shipment" in flash_text(driver)
    # A second scan of the same straw is refused, saying why.
    submit(driver, lambda: driver.find_element(By.ID, "item-code").send_keys("GCN-2026-0077" + Keys.ENTER))
    assert "already" in driver.find_element(By.CSS_SELECTOR, ".flash").text
    driver.save_screenshot(f"{SHOTS}/shipment-outbound-draft.png")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action$='/pack'] button").click)
    assert "packed" in flash_text(driver)
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action$='/hand-over'] button").click)
    flash_text(driver)
    driver.save_screenshot(f"{SHOTS}/shipment-handed-over.png")
    submit(driver, driver.find_element(By.LINK_TEXT, "Packing list").click)
    assert "GCN-2026-0077" in driver.find_element(By.CSS_SELECTOR, ".packing-list table").text
    driver.save_screenshot(f"{SHOTS}/shipment-packing-list.png")
    submit(driver, driver.find_element(By.LINK_TEXT, "Back to the shipment").click)
    submit(driver, driver.find_element(By.LINK_TEXT, "GCN-2026-0077").click)
    panel = driver.find_element(By.ID, "linked-shipments")
    assert panel.text.count("SH-") == 2, panel.text
    driver.save_screenshot(f"{SHOTS}/straw-shipments.png")


def test_superovulation_worklist_and_flush(driver):
    """A protocol written, applied to a donor, a step ticked on the worklist, her flush recorded
    with graded embryos; her page lists it and her reproduction page charts it."""
    driver.get(BASE + "/superovulation/protocols/new")
    driver.find_element(By.ID, "protocol-name").send_keys("Browser FSH 4-day")
    for number, (day, time, kind, dose) in enumerate(
            [("0", "07:00", "FSH", "4"), ("2", "07:00", "PGF2α", "2"), ("11", "09:00", "Flush", "")], start=1):
        driver.find_element(By.ID, f"step-day-{number}").send_keys(day)
        driver.execute_script("arguments[0].value = arguments[1]", driver.find_element(By.ID, f"step-time-{number}"), time)
        Select(driver.find_element(By.ID, f"step-kind-{number}")).select_by_visible_text(kind)
        driver.find_element(By.ID, f"step-amount-{number}").send_keys(dose)
        driver.find_element(By.ID, f"step-unit-{number}").send_keys("ml" if dose else "")
    driver.save_screenshot(f"{SHOTS}/superovulation-protocol.png")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/superovulation/protocols'] button").click)
    assert "was saved" in flash_text(driver)

    donor = add_animal(driver, "Flush Donor", "female")
    add_animal(driver, "Flush Sire", "male")
    driver.get(BASE + "/superovulations/new")
    pick(driver, "run-donor", "Flush Donor")
    Select(driver.find_element(By.ID, "run-protocol")).select_by_visible_text("Browser FSH 4-day (bovine, 3 steps)")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/superovulations'] button").click)
    assert "started" in flash_text(driver)
    driver.save_screenshot(f"{SHOTS}/superovulation-schedule.png")

    driver.get(BASE + "/superovulation")
    assert "FSH 4 ml" in driver.find_element(By.CSS_SELECTOR, "main table").text
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action$='/done'] button").click)
    assert "is done" in flash_text(driver)
    driver.save_screenshot(f"{SHOTS}/superovulation-worklist.png")

    driver.find_element(By.LINK_TEXT, "Record a flush").click()
    pick(driver, "flush-donor", "Flush Donor")
    Select(driver.find_element(By.ID, "flush-superovulation")).select_by_index(1)
    pick(driver, "flush-sire", "Flush Sire")
    driver.find_element(By.ID, "flush-recovered").send_keys("8")
    driver.find_element(By.ID, "flush-ufo").send_keys("1")
    driver.find_element(By.ID, "flush-degenerate").send_keys("1")
    driver.find_element(By.ID, "flush-codes").send_keys("7-1 7-1 6-2 5-3")
    driver.save_screenshot(f"{SHOTS}/flush-new.png")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/flushes'] button").click)
    assert "was recorded" in flash_text(driver)
    assert "FL-0001-E04" in driver.find_element(By.CSS_SELECTOR, "main table").text
    driver.save_screenshot(f"{SHOTS}/flush.png")

    driver.get(BASE + f"/animals/{donor}")
    panel = driver.find_element(By.ID, "linked-donor-sessions")
    assert "8 recovered, 4 transferable" in panel.text, panel.text
    driver.execute_script("arguments[0].scrollIntoView()", panel)
    driver.save_screenshot(f"{SHOTS}/donor-sessions.png")
    driver.get(BASE + f"/reproduction/animals/{donor}")
    assert driver.find_element(By.ID, "chart-donor-yield-title")
    driver.save_screenshot(f"{SHOTS}/donor-yield-chart.png")
    driver.get(BASE + "/reproduction/stats/flushes?by=protocol")
    assert "Browser FSH 4-day" in driver.find_element(By.CSS_SELECTOR, "main .scroll table").text
    driver.save_screenshot(f"{SHOTS}/flush-stats.png")


def test_audit_search_and_verification(driver):
    driver.get(BASE + "/admin/audit")
    driver.find_element(By.ID, "audit-entity-type").send_keys("sample" + Keys.ENTER)
    WebDriverWait(driver, 10).until(expected_conditions.url_contains("entity_type=sample"))
    actions = [cell.text for cell in driver.find_elements(By.CSS_SELECTOR, ".audit-table tbody td:nth-child(4)")]
    assert actions == ["storage.check_in", "sign", "sample.status", "create"], actions
    driver.save_screenshot(f"{SHOTS}/audit-search.png")
    # Verification is a job: the button hands over to its progress bar, the audit page then shows
    # the result.
    submit(driver, driver.find_element(By.XPATH, "//button[text()='Verify chain']").click)
    assert "/jobs/" in driver.current_url
    assert driver.find_element(By.CSS_SELECTOR, "progress[data-job-progress]")
    assert wait_for_job_end(driver) == "succeeded"
    driver.save_screenshot(f"{SHOTS}/job-audit-verify.png")
    driver.get(BASE + "/admin/audit")
    status = driver.find_element(By.CSS_SELECTOR, ".verification").text
    assert "Audit chain intact" in status, status
    driver.save_screenshot(f"{SHOTS}/audit-verified.png")


def test_customer_page_links_its_records(driver):
    driver.get(BASE + "/customers")
    submit(driver, driver.find_element(By.LINK_TEXT, "Hof Meier").click)
    customer = driver.current_url.rstrip("/").split("/")[-1]
    bella = add_animal(driver, "Bella", "female")
    assert pick(driver, "animal-owner", "Hof Mei", option="Hof Meier") == customer
    submit(driver, driver.find_element(By.CSS_SELECTOR, f"form[action='/animals/{bella}'] button[type=submit]").click)
    flash_text(driver)
    for barcode in ["BELLA-1", "BELLA-2"]:
        driver.get(BASE + "/samples/new")
        driver.find_element(By.ID, "external-id").send_keys(barcode)
        driver.find_element(By.ID, "kind").send_keys("blood")
        pick(driver, "animal-id", f"#{bella}")
        driver.execute_script("arguments[0].value = '2026-03-02T08:15'", driver.find_element(By.ID, "collected-at"))
        submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/samples'] button[type=submit]").click)
        flash_text(driver)
    driver.get(BASE + f"/customers/{customer}")
    animals = driver.find_element(By.ID, "linked-animals").text
    assert "Bella" in animals, animals
    samples = driver.find_element(By.ID, "linked-samples")
    assert "BELLA-1" in samples.text and "BELLA-2" in samples.text, samples.text
    driver.execute_script("arguments[0].scrollIntoView()", driver.find_element(By.ID, "linked-animals"))
    driver.save_screenshot(f"{SHOTS}/customer-linked-records.png")
    submit(driver, samples.find_element(By.LINK_TEXT, "BELLA-1").click)
    assert "BELLA-1" in driver.find_element(By.TAG_NAME, "h1").text
    # The animal's page lists the same samples, and the sample list filters by the owner.
    driver.get(BASE + f"/animals/{bella}")
    assert "BELLA-2" in driver.find_element(By.ID, "linked-samples").text
    driver.get(BASE + f"/samples?owner_id={customer}")
    rows = [row.text for row in driver.find_elements(By.CSS_SELECTOR, "table tbody tr")]
    assert len(rows) == 2 and all("BELLA" in row for row in rows), rows
    # The owner filter is a picker: the hidden field holds the id, the box names the customer.
    assert driver.find_element(By.ID, "filter-owner-id").get_attribute("value") == customer
    WebDriverWait(driver, 5).until(
        lambda d: d.find_element(By.ID, "filter-owner").get_attribute("value") not in ("", f"#{customer}"))


def test_search_box_takes_a_scanned_barcode(driver):
    driver.get(BASE + "/")
    driver.find_element(By.TAG_NAME, "body").send_keys("/")
    assert driver.switch_to.active_element.get_attribute("id") == "search-q"
    submit(driver, lambda: driver.switch_to.active_element.send_keys("BULL-0042-S1" + Keys.ENTER))
    assert driver.find_element(By.TAG_NAME, "h1").text == "Sample BULL-0042-S1"
    driver.get(BASE + "/search?q=Holstein")
    results = driver.find_element(By.CSS_SELECTOR, "tbody").text
    assert "Old Bull" in results and "animal" in results, results
    driver.save_screenshot(f"{SHOTS}/search.png")


def wait_for_job_end(driver):
    """On a job page, waits until the job has ended and the page has reloaded itself to show the
    outcome (the live page carries `data-live`; the reloaded one does not). Elements of the page
    being replaced go stale; that is retried, not a failure."""
    WebDriverWait(driver, 30, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: d.execute_script("return document.readyState") == "complete"
        and not d.find_elements(By.CSS_SELECTOR, "[data-job][data-live]"))
    return driver.find_element(By.CSS_SELECTOR, "[data-job-state]").text


def test_csv_import_dry_run_then_import(driver):
    import tempfile
    bad = "external_id;species;kind;collected_at\r\nCSV-A;bovine;semen;01.02.2026\r\nCSV-A;bovine;semen;2026-02-01\r\nCSV-C;dragon;semen;2026-02-01\r\n"
    good = "external_id;species;kind;collected_at\r\nCSV-A;bovine;semen;01.02.2026\r\nCSV-B;ovine;blood;2026-02-01 10:00\r\n"
    paths = []
    for content in (bad, good):
        handle = tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8")
        handle.write(content)
        handle.close()
        paths.append(handle.name)
    driver.get(BASE + "/samples")
    submit(driver, driver.find_element(By.LINK_TEXT, "Import CSV").click)
    driver.find_element(By.ID, "import-file").send_keys(paths[0])
    driver.find_element(By.CSS_SELECTOR, "#import-form button").click()
    WebDriverWait(driver, 10).until(expected_conditions.visibility_of_element_located((By.ID, "import-problems")))
    rows = [row.text for row in driver.find_elements(By.CSS_SELECTOR, "#import-problems tbody tr")]
    assert len(rows) == 2 and rows[0].startswith("3 external_id") and rows[1].startswith("4 species"), rows
    assert not driver.find_element(By.ID, "import-commit").is_displayed()
    driver.save_screenshot(f"{SHOTS}/import-dry-run.png")
    driver.find_element(By.ID, "import-file").send_keys(paths[1])
    driver.find_element(By.CSS_SELECTOR, "#import-form button").click()
    commit = WebDriverWait(driver, 10).until(expected_conditions.visibility_of_element_located((By.ID, "import-commit")))
    assert commit.text == "Import 2 rows", commit.text
    submit(driver, commit.click)
    assert "/jobs/" in driver.current_url
    assert wait_for_job_end(driver) == "succeeded"
    assert "2 samples imported" in driver.find_element(By.CSS_SELECTOR, "[data-job-message]").text
    driver.get(BASE + "/samples?q=CSV")
    assert len(driver.find_elements(By.CSS_SELECTOR, "tbody tr")) == 2


def test_label_sheet(driver):
    driver.get(BASE + "/samples?q=CSV")
    submit(driver, driver.find_element(By.LINK_TEXT, "Print labels").click)
    labels = driver.find_elements(By.CSS_SELECTOR, ".label")
    assert len(labels) == 2, len(labels)
    assert labels[0].find_element(By.CSS_SELECTOR, ".label-barcode svg").size["width"] > 100
    assert "CSV-A" in labels[0].text
    driver.save_screenshot(f"{SHOTS}/labels-sheet.png")
    driver.find_element(By.ID, "label-size").send_keys("Straw")
    submit(driver, driver.find_element(By.XPATH, "//button[text()='Lay out']").click)
    assert "size=straw" in driver.current_url and "q=CSV" in driver.current_url, driver.current_url
    assert driver.find_element(By.CSS_SELECTOR, ".labels-straw .label").size["height"] < 60
    driver.save_screenshot(f"{SHOTS}/labels-straw.png")


def test_lineage_tree(driver):
    driver.get(BASE + "/samples/new")
    driver.find_element(By.ID, "external-id").send_keys("BULL-0042-S1-A1")
    driver.find_element(By.ID, "kind").send_keys("semen")
    driver.execute_script("arguments[0].value = '2026-03-02T10:00'", driver.find_element(By.ID, "collected-at"))
    driver.find_element(By.ID, "parent-barcodes").send_keys("BULL-0042-S1")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/samples'] button[type=submit]").click)
    flash_text(driver)
    submit(driver, driver.find_element(By.PARTIAL_LINK_TEXT, "Lineage").click)
    came_from = driver.find_element(By.CSS_SELECTOR, ".lineage").text
    assert "BULL-0042-S1" in came_from and "aliquot" in came_from, came_from
    driver.save_screenshot(f"{SHOTS}/lineage-up.png")
    submit(driver, driver.find_element(By.LINK_TEXT, "BULL-0042-S1").click)
    submit(driver, driver.find_element(By.PARTIAL_LINK_TEXT, "Lineage").click)
    assert "BULL-0042-S1-A1" in driver.find_element(By.CSS_SELECTOR, "#tab-view").text
    driver.save_screenshot(f"{SHOTS}/lineage-down.png")


def test_two_factor_enrolment(driver):
    driver.get(BASE + "/account/2fa")
    assert driver.find_element(By.CSS_SELECTOR, ".qr svg").size["width"] >= 150
    key = driver.find_element(By.ID, "totp-key").text
    driver.save_screenshot(f"{SHOTS}/two-factor-enrol.png")
    submit(driver, lambda: driver.find_element(By.ID, "enable-code").send_keys(totp(key) + Keys.ENTER))
    codes = WebDriverWait(driver, 10).until(
        expected_conditions.presence_of_all_elements_located((By.CSS_SELECTOR, ".recovery-codes code")))
    assert len(codes) == 10, len(codes)
    driver.save_screenshot(f"{SHOTS}/two-factor-recovery-codes.png")


def test_backup_runs_as_a_job_with_progress(driver):
    driver.get(BASE + "/admin/backups")
    assert "No backup yet" in driver.find_element(By.TAG_NAME, "main").text
    driver.save_screenshot(f"{SHOTS}/backups-empty.png")
    submit(driver, driver.find_element(By.XPATH, "//button[text()='Back up now']").click)
    assert "/jobs/" in driver.current_url
    assert driver.find_element(By.CSS_SELECTOR, "progress[data-job-progress]")
    assert wait_for_job_end(driver) == "succeeded"
    WebDriverWait(driver, 10).until(
        lambda d: d.find_element(By.CSS_SELECTOR, "[data-job-result]").is_displayed())
    assert "labbox-" in driver.find_element(By.CSS_SELECTOR, ".facts").text
    driver.save_screenshot(f"{SHOTS}/job-backup.png")
    driver.get(BASE + "/admin/backups")
    rows = driver.find_elements(By.CSS_SELECTOR, "table tbody tr")
    assert len(rows) == 1 and ".tar.gz" in rows[0].text
    driver.save_screenshot(f"{SHOTS}/backups.png")


def test_notification_bell_leads_to_the_finished_job(driver):
    driver.get(BASE + "/")
    count = WebDriverWait(driver, 10).until(
        lambda d: d.find_element(By.CSS_SELECTOR, ".bell-count").is_displayed()
        and d.find_element(By.CSS_SELECTOR, ".bell-count"))
    assert int(count.text) >= 1
    assert "unread" in driver.find_element(By.CSS_SELECTOR, ".bell").get_attribute("aria-label")
    submit(driver, driver.find_element(By.CSS_SELECTOR, ".bell").click)
    assert "Backup finished" in driver.find_element(By.TAG_NAME, "main").text
    driver.save_screenshot(f"{SHOTS}/notifications.png")
    submit(driver, driver.find_element(By.XPATH, "//button[text()='Open']").click)
    assert "/jobs/" in driver.current_url


def test_sample_export_in_the_background(driver):
    driver.get(BASE + "/samples")
    submit(driver, driver.find_element(By.XPATH, "//button[text()='Export in background']").click)
    assert wait_for_job_end(driver) == "succeeded"
    assert "rows exported" in driver.find_element(By.CSS_SELECTOR, "[data-job-message]").text
    driver.get(BASE + "/jobs")
    assert len(driver.find_elements(By.CSS_SELECTOR, "table tbody tr")) >= 2
    driver.save_screenshot(f"{SHOTS}/jobs.png")


def test_system_health_and_schedules(driver):
    driver.get(BASE + "/admin/health")
    main = driver.find_element(By.TAG_NAME, "main").text
    assert "In-memory cache" in main and "Hit rate" in main
    driver.save_screenshot(f"{SHOTS}/health.png")
    driver.get(BASE + "/admin/schedules")
    field = driver.find_element(By.ID, "cron-retention")
    assert driver.find_element(By.CSS_SELECTOR, "label[for=cron-retention]")
    field.clear()
    field.send_keys("99 * * * *")
    submit(driver, field.submit)
    assert "minute '99'" in driver.find_element(By.TAG_NAME, "main").text
    driver.get(BASE + "/admin/schedules")
    field = driver.find_element(By.ID, "cron-retention")
    field.clear()
    field.send_keys("0 4 * * *")
    submit(driver, field.submit)
    assert "Schedule saved" in flash_text(driver)
    assert driver.find_element(By.ID, "cron-retention").get_attribute("value") == "0 4 * * *"
    driver.save_screenshot(f"{SHOTS}/schedules.png")

# Animals of the reproduction walk-through, by role: their ids, set by the first test that needs them.
HERD = {}


def fill(driver, values):
    """Types each value into the field with that id; a picker's value is an id, typed and Entered
    as a scanner would."""
    for field, value in values.items():
        element = driver.find_element(By.ID, field)
        element.clear()
        if element.get_attribute("role") == "combobox":
            pick(driver, field, f"#{value}")
        else:
            element.send_keys(value)


def pick(driver, field, words, option=None):
    """Types `words` into the picker `field`; then chooses the match whose text holds `option` with
    the arrow keys and Enter, or, without `option`, lets Enter choose the lone exact match. Waits
    until the hidden field holds the chosen id and returns it."""
    box = driver.find_element(By.ID, field)
    box.send_keys(words)
    if option:
        WebDriverWait(driver, 10).until(lambda _: any(
            option in element.text for element in driver.find_elements(By.CSS_SELECTOR, f"#{field}-options [role=option]")))
        options = driver.find_elements(By.CSS_SELECTOR, f"#{field}-options [role=option]")
        index = next(i for i, element in enumerate(options) if option in element.text)
        for _ in range(index + 1):
            box.send_keys(Keys.ARROW_DOWN)
        assert box.get_attribute("aria-activedescendant") == options[index].get_attribute("id")
    box.send_keys(Keys.ENTER)
    hidden = driver.find_element(By.ID, f"{field}-id")
    WebDriverWait(driver, 10).until(lambda _: hidden.get_attribute("value"))
    return hidden.get_attribute("value")


def test_opu_entry_batch_and_embryo_grading(driver):
    HERD["donor"] = add_animal(driver, "Daisy", "female")
    HERD["sire"] = add_animal(driver, "Bruno", "male")
    HERD["recipient"] = add_animal(driver, "Rosie", "female")
    driver.get(BASE + "/reproduction?tab=opu")
    assert "No OPU sessions yet" in driver.find_element(By.CSS_SELECTOR, ".empty").text
    submit(driver, driver.find_element(By.LINK_TEXT, "New OPU session").click)
    assert driver.switch_to.active_element.get_attribute("id") == "opu-donor"
    # The donor is found by her name: the picker offers females only, Rosie and Daisy alike.
    driver.find_element(By.ID, "opu-donor").send_keys("Ro")
    WebDriverWait(driver, 10).until(lambda _: "Rosie" in driver.find_element(By.ID, "opu-donor-options").text)
    assert "Bruno" not in driver.find_element(By.ID, "opu-donor-options").text
    driver.save_screenshot(f"{SHOTS}/picker-matches.png")
    driver.find_element(By.ID, "opu-donor").clear()
    assert pick(driver, "opu-donor", "Dai", option="Daisy") == HERD["donor"]
    assert "Holstein" in driver.find_element(By.ID, "opu-donor-chosen").text
    driver.save_screenshot(f"{SHOTS}/picker.png")
    fill(driver, {"opu-follicles": "15", "opu-oocytes": "12", "opu-grade-1": "5",
                  "opu-grade-2": "4", "opu-grade-3": "2", "opu-grade-4": "1"})
    driver.save_screenshot(f"{SHOTS}/opu-entry.png")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/reproduction/opu'] button").click)
    assert "recovery 80.0 %" in flash_text(driver)
    assert "5 / 4 / 2 / 1 / 0" in driver.find_element(By.CSS_SELECTOR, "table").text
    driver.get(BASE + "/reproduction/batches/new")
    driver.find_element(By.CSS_SELECTOR, "input[name^=opu_]").send_keys("11")
    fill(driver, {"batch-sire": HERD["sire"], "batch-medium": "SOF", "batch-protocol": "standard IVP"})
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/reproduction/batches'] button").click)
    assert "11 oocytes" in flash_text(driver)
    for day, field, count in (("D2", "check-cleaved", "9"), ("D7", "check-blastocysts", "4")):
        driver.find_element(By.ID, "check-day").send_keys(day)
        driver.find_element(By.ID, field).send_keys(count)
        submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action$='/checks'] button").click)
        flash_text(driver)
    rates = driver.find_element(By.CSS_SELECTOR, "main").text
    assert "81.8 %" in rates and "36.4 %" in rates and "44.4 %" in rates, rates
    submit(driver, lambda: driver.find_element(By.ID, "grade-codes").send_keys("7-1 7-2 6-3" + Keys.ENTER))
    assert "3 embryos graded: 7-1, 7-2, 6-3" in flash_text(driver)
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action$='/freeze'] button").click)
    assert "frozen into straw" in flash_text(driver)
    driver.find_element(By.ID, "embryos").location_once_scrolled_into_view
    driver.save_screenshot(f"{SHOTS}/embryo-grading.png")


def test_transfer_with_witness_and_trace(driver):
    driver.get(BASE + "/reproduction/transfers/new")
    # The frozen 7-1 embryo, found by its donor's name and told apart by its straw's place.
    pick(driver, "transfer-embryo-1", "Daisy", option="frozen, Tank 3 / C2 / G1")
    chosen = driver.find_element(By.ID, "transfer-embryo-1-chosen").text
    assert "Daisy × Bruno" in chosen, chosen
    fill(driver, {"transfer-recipient": HERD["recipient"], "witness-email": EMAIL, "witness-password": PASSWORD})
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/reproduction/transfers'] button").click)
    alert = driver.find_element(By.CSS_SELECTOR, "[role=alert]").text
    assert "witness must be a different person" in alert, alert
    fill(driver, {"witness-email": "tomas@lab.example", "witness-password": "first-day-at-the-bench"})
    driver.find_element(By.ID, "transfer-cl-side").send_keys("left")
    driver.save_screenshot(f"{SHOTS}/transfer-witness.png")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/reproduction/transfers'] button").click)
    assert "witnessed" in flash_text(driver)
    trace = driver.find_element(By.CSS_SELECTOR, ".trace").text.lower()
    for step in ("bruno", "daisy", "opu", "ivf batch", "thawed from straw", "rosie"):
        assert step in trace, trace
    assert "Tomas Technician" in driver.find_element(By.CSS_SELECTOR, "main").text
    driver.find_element(By.ID, "check-result").send_keys("pregnant")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action$='/checks'] button").click)
    assert "pregnant" in flash_text(driver)
    assert "pregnancy check" in driver.find_element(By.CSS_SELECTOR, ".trace").text.lower()
    driver.save_screenshot(f"{SHOTS}/trace.png")
    driver.get(BASE + "/reproduction/stats?by=donor")
    assert driver.find_element(By.CSS_SELECTOR, "svg.chart rect")
    driver.save_screenshot(f"{SHOTS}/reproduction-stats.png")


def test_recipient_checked_at_the_chute_and_transferred_from_the_worklist(driver):
    """A recipient enrolled a week after her heat, checked on the transfer-day worklist on a phone,
    paired with the frozen 7-2 embryo and transferred through the witnessed form it links to."""
    bella = add_animal(driver, "Bella", "female")
    # The 7-2 embryo of the batch graded above goes into the tank, to be thawed for Bella.
    driver.get(BASE + "/reproduction/batches/1")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action$='/freeze'] button").click)
    assert "frozen into straw" in flash_text(driver)
    driver.get(BASE + "/reproduction/recipients")
    submit(driver, driver.find_element(By.LINK_TEXT, "Enrol a recipient").click)
    fill(driver, {"recipient-animal": bella})
    week_ago = driver.execute_script(
        "const d = new Date(Date.now() - 7 * 86400000);"
        "return d.getFullYear() + '-' + String(d.getMonth() + 1).padStart(2, '0') + '-' + String(d.getDate()).padStart(2, '0');")
    driver.execute_script("document.getElementById('recipient-oestrus').value = arguments[0]", week_ago)
    driver.save_screenshot(f"{SHOTS}/recipient-new.png")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/reproduction/recipients'] button").click)
    assert "enrolled" in flash_text(driver)
    assert driver.find_element(By.XPATH, "//dt[.='Cycle day today']/following-sibling::dd").text == "7"

    driver.set_window_size(390, 900)
    driver.get(BASE + "/reproduction/transfer-day")
    Select(driver.find_element(By.CSS_SELECTOR, "select[name=cl]")).select_by_value("left")
    Select(driver.find_element(By.CSS_SELECTOR, "select[name=cl_score]")).select_by_value("1")
    driver.save_screenshot(f"{SHOTS}/transfer-day-check-390.png")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action$='/checks'] button").click)
    assert "Checked: CL left score 1" in flash_text(driver)
    chute = driver.find_element(By.CSS_SELECTOR, "ol.trace").text
    assert "Bella" in chute and "7-2" in chute and "thaw straw" in chute, chute
    driver.save_screenshot(f"{SHOTS}/transfer-day-390.png")
    driver.set_window_size(768, 1024)
    driver.save_screenshot(f"{SHOTS}/transfer-day-768.png")
    driver.set_window_size(1366, 900)
    driver.save_screenshot(f"{SHOTS}/transfer-day-1366.png")

    submit(driver, driver.find_element(By.LINK_TEXT, "Record transfer").click)
    assert driver.find_element(By.ID, "transfer-cl-quality").get_attribute("value") == "score 1"
    fill(driver, {"witness-email": "tomas@lab.example", "witness-password": "first-day-at-the-bench"})
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/reproduction/transfers'] button").click)
    assert "witnessed" in flash_text(driver)
    driver.get(BASE + "/reproduction/recipients")
    assert "used" in driver.find_element(By.CSS_SELECTOR, "table").text
    driver.save_screenshot(f"{SHOTS}/recipients.png")


def register(driver, animal, number):
    driver.get(f"{BASE}/animals/{animal}")
    driver.find_element(By.ID, "animal-registration").send_keys(number)
    submit(driver, driver.find_element(By.CSS_SELECTOR, f"form[action='/animals/{animal}'] button").click)
    flash_text(driver)


def test_embryo_certificate_refused_until_registered_then_printed(driver):
    """A late 7-1 embryo of Daisy × Bruno frozen into a straw; its certificate is refused while the
    parents have no registration numbers, then issued, printed and linked from the straw; a health
    certificate for Bruno is refused, naming the test he lacks."""
    driver.get(BASE + "/reproduction/batches/1")
    submit(driver, lambda: driver.find_element(By.ID, "grade-codes").send_keys("7-1" + Keys.ENTER))
    assert "1 embryos graded: 7-1" in flash_text(driver)
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action$='/freeze'] button").click)
    straw = flash_text(driver).split("frozen into straw ")[1].split(" ")[0]
    driver.get(BASE + "/certificates/embryos")
    assert "No embryo certificates match" in driver.find_element(By.CSS_SELECTOR, ".empty").text
    submit(driver, driver.find_element(By.LINK_TEXT, "Issue an embryo certificate").click)
    pick(driver, "certificate-straw", straw)
    driver.find_element(By.ID, "certificate-cryoprotectant").send_keys("Ethylene glycol 1.5 M")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/certificates/embryos'] button").click)
    alert = driver.find_element(By.CSS_SELECTOR, "[role=alert]").text
    assert "Daisy has no registration number" in alert, alert
    driver.save_screenshot(f"{SHOTS}/embryo-certificate-refused.png")
    register(driver, HERD["donor"], "HB-DE-0912345")
    register(driver, HERD["sire"], "HB-DE-0576543")
    driver.get(BASE + "/certificates/embryos/new")
    pick(driver, "certificate-straw", straw)
    driver.find_element(By.ID, "certificate-cryoprotectant").send_keys("Ethylene glycol 1.5 M")
    driver.save_screenshot(f"{SHOTS}/embryo-certificate-new.png")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/certificates/embryos'] button").click)
    assert "EC-00001 was issued" in flash_text(driver)
    sheet = driver.find_element(By.CSS_SELECTOR, ".report-sheet").text
    for fact in ("EU-ET-017", "HB-DE-0912345", "HB-DE-0576543", straw, "Vitrification", "7 – Expanded blastocyst", "1 – Excellent or good"):
        assert fact in sheet, (fact, sheet)
    driver.save_screenshot(f"{SHOTS}/embryo-certificate.png")
    for width in (390, 768):
        driver.set_window_size(width, 900)
        driver.save_screenshot(f"{SHOTS}/embryo-certificate-{width}.png")
    driver.set_window_size(1366, 768)
    submit(driver, driver.find_element(By.LINK_TEXT, "The straw").click)
    panel = driver.find_element(By.ID, "linked-embryo-certificates")
    assert "EC-00001" in panel.text, panel.text
    driver.save_screenshot(f"{SHOTS}/straw-certificates.png")

    driver.get(BASE + "/certificates/destinations")
    fill(driver, {"destination-name": "European Union", "destination-tests": "PTM", "destination-days": "30"})
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/certificates/destinations'] button").click)
    assert "European Union was added" in flash_text(driver)
    driver.save_screenshot(f"{SHOTS}/certificate-destinations.png")
    driver.get(BASE + "/certificates/health/new")
    pick(driver, "certificate-animal", f"#{HERD['sire']}")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/certificates/health'] button").click)
    alert = driver.find_element(By.CSS_SELECTOR, "[role=alert]").text
    assert "PTM has no result" in alert, alert
    driver.save_screenshot(f"{SHOTS}/health-certificate-refused.png")


def test_result_verification(driver):
    driver.get(BASE + "/results/catalog")
    driver.find_element(By.CSS_SELECTOR, "main summary").click()
    fill(driver, {"test-code": "PTM", "test-name": "Post-thaw motility", "test-unit": "%", "test-method": "CASA",
                  "low-bovine": "30", "high-bovine": "100"})
    driver.find_element(By.CSS_SELECTOR, "input[name=kind_semen]").click()
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/results/catalog/tests'] button").click)
    assert "PTM" in flash_text(driver)
    fill(driver, {"instrument-name": "CASA analyser"})
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/results/catalog/instruments'] button").click)
    flash_text(driver)
    driver.get(BASE + "/results/orders/new")
    fill(driver, {"order-customer": "1", "order-barcodes": "BULL-0042-S1"})
    driver.find_element(By.CSS_SELECTOR, "input[name=test_PTM]").click()
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/results/orders'] button").click)
    assert "1 analyses" in flash_text(driver)
    order = driver.current_url
    driver.find_element(By.CSS_SELECTOR, "input[name=value]").send_keys("24")
    driver.find_element(By.CSS_SELECTOR, "select[name=instrument_id]").send_keys("CASA analyser")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action$='/result'] button").click)
    assert "LOW" in flash_text(driver)
    # The one who entered the result cannot verify it: a colleague signs in and does.
    assert not driver.find_elements(By.CSS_SELECTOR, "[data-open-dialog^=verify-]")
    driver.delete_all_cookies()
    sign_in(driver, "tomas@lab.example", "first-day-at-the-bench")
    WebDriverWait(driver, 10).until(expected_conditions.title_is("Home · LabBox"))
    # The colleague's home page lists the result as waiting for their verification, a link to it.
    waiting = driver.find_element(By.CSS_SELECTOR, "#queue-verify a[href^='/results/orders/']")
    assert "PTM" in waiting.text or "Post-thaw motility" in waiting.text, waiting.text
    driver.save_screenshot(f"{SHOTS}/home-work-queue.png")
    submit(driver, waiting.click)
    assert driver.current_url == order, driver.current_url
    driver.find_element(By.CSS_SELECTOR, "[data-open-dialog^=verify-]").click()
    assert driver.switch_to.active_element.get_attribute("type") == "password"
    driver.switch_to.active_element.send_keys("first-day-at-the-bench")
    driver.save_screenshot(f"{SHOTS}/result-verification.png")
    submit(driver, lambda: driver.switch_to.active_element.send_keys(Keys.ENTER))
    assert "Result verified" in flash_text(driver)
    submit(driver, driver.find_element(By.LINK_TEXT, "Printable report").click)
    report = driver.find_element(By.CSS_SELECTOR, ".report-sheet").text
    assert "24 %" in report and "Tomas Technician" in report, report
    driver.save_screenshot(f"{SHOTS}/result-report.png")
    driver.delete_all_cookies()
    sign_in(driver)
    WebDriverWait(driver, 10).until(expected_conditions.title_is("Home · LabBox"))


TRIO = {  # offspring, putative sire, putative dam: the dam conflicts at M1 and M3
    "recipient": ["A A", "A B", "B B", "A B", "A A", "B B", "A B", "A A", "A B", "0 0", "A B"],
    "sire": ["A B", "A A", "B B", "B B", "A A", "A B", "A A", "A B", "B B", "A A", "A A"],
    "donor": ["B B", "B B", "A A", "A A", "A B", "B B", "B B", "A A", "A A", "0 0", "A A"],
}


def test_parentage_report(driver):
    for role, calls in TRIO.items():
        driver.get(BASE + "/genomics")
        csv = "marker_id,allele_1,allele_2\n" + "\n".join(
            f"M{index + 1},{call.replace(' ', ',')}" for index, call in enumerate(calls))
        fill(driver, {"genotype-animal": HERD[role], "genotype-panel": "ISAG demo 11", "genotype-source": "hand-made"})
        driver.find_element(By.ID, "genotype-csv").send_keys(csv)
        submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/genomics/genotypes'] button").click)
        assert "Imported 11 markers" in flash_text(driver)
    fill(driver, {"parentage-offspring": HERD["recipient"], "parentage-sire": HERD["sire"],
                  "parentage-dam": HERD["donor"]})
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/genomics/parentage'] button").click)
    assert driver.find_element(By.CSS_SELECTOR, ".verdict-badge").text.lower() == "excluded"
    conflicts = driver.find_elements(By.CSS_SELECTOR, "table")[-1].text
    assert "M1" in conflicts and "M3" in conflicts and "M11" in conflicts, conflicts
    driver.save_screenshot(f"{SHOTS}/parentage-report.png")


def test_forgot_password_answers_without_telling_who_exists(driver):
    driver.delete_all_cookies()
    driver.get(BASE + "/login")
    submit(driver, driver.find_element(By.LINK_TEXT, "Forgot password?").click)
    # The browser-test server has no lab.public_url: reset by email is off, and the page says whom to ask.
    text = driver.find_element(By.ID, "main").text
    assert "administrator" in text, text
    driver.save_screenshot(f"{SHOTS}/forgot-password.png")
    sign_in(driver)
    WebDriverWait(driver, 10).until(expected_conditions.title_is("Home · LabBox"))


def test_mail_template_preview_and_bad_mustache(driver):
    driver.get(BASE + "/admin/email-templates")
    submit(driver, driver.find_element(By.LINK_TEXT, "Results ready").click)
    text = driver.find_element(By.ID, "template-text")
    text.clear()
    text.send_keys("Hello {{name}}, order {{order}} is ready.")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "button[value=preview]").click)
    preview = driver.find_element(By.CSS_SELECTOR, "pre.mail-preview").text
    assert "Hello Jo Green, order 1042 is ready." in preview, preview
    driver.save_screenshot(f"{SHOTS}/mail-template-preview.png")
    driver.find_element(By.ID, "template-text").send_keys(" {{#order}}")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "button[value=save]").click)
    assert "Not valid Mustache" in driver.find_element(By.CSS_SELECTOR, ".form-error").text
    # Nothing was stored: the list still shows the built-in template.
    driver.get(BASE + "/admin/email-templates")
    assert not driver.find_elements(By.CSS_SELECTOR, "main .badge-warning")


def test_webhook_secret_shown_once_and_a_test_event_logged(driver):
    driver.get(BASE + "/admin/webhooks")
    assert "No system follows LabBox yet" in driver.find_element(By.ID, "main").text
    driver.find_element(By.ID, "webhook-name").send_keys("Practice management")
    # Nothing listens on port 9: the test event is logged with its error and retried.
    driver.find_element(By.ID, "webhook-url").send_keys("http://127.0.0.1:9/labbox-events")
    driver.find_element(By.CSS_SELECTOR, "input[value='result.verified']").click()
    driver.find_element(By.CSS_SELECTOR, "input[value='invoice.issued']").click()
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/admin/webhooks'] button").click)
    secret = driver.find_element(By.ID, "webhook-secret").text
    assert secret.startswith("whsec_"), secret
    driver.save_screenshot(f"{SHOTS}/webhook-created.png")
    submit(driver, driver.find_element(By.XPATH, "//button[text()='Send a test event']").click)
    assert "test event is queued" in flash_text(driver)
    log = driver.find_element(By.ID, "delivery-log").text
    assert "ping" in log, log
    assert secret not in driver.page_source
    checked = [box.get_attribute("value") for box in driver.find_elements(By.CSS_SELECTOR, "input[name='events[]']:checked")]
    assert checked == ["result.verified", "invoice.issued"], checked
    driver.save_screenshot(f"{SHOTS}/webhook-log.png")
    driver.get(BASE + "/admin/webhooks")
    assert "Practice management" in driver.find_element(By.CSS_SELECTOR, "table").text


def test_custom_field_defined_by_the_admin_and_filled_by_a_technician(driver):
    driver.get(BASE + "/admin/custom-fields")
    assert "No custom fields yet" in driver.find_element(By.ID, "main").text
    Select(driver.find_element(By.ID, "field-entity")).select_by_visible_text("animal")
    Select(driver.find_element(By.ID, "field-species")).select_by_visible_text("bovine")
    Select(driver.find_element(By.ID, "field-kind")).select_by_visible_text("number")
    fill(driver, {"field-label": "Withers height", "field-key": "height", "field-unit": "cm",
                  "field-minimum": "50", "field-maximum": "250"})
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/admin/custom-fields'] button").click)
    assert "Withers height was added" in flash_text(driver)
    assert "≥ 50, ≤ 250, cm" in driver.find_element(By.CSS_SELECTOR, "table").text
    driver.save_screenshot(f"{SHOTS}/custom-fields.png")
    # A technician records a heifer: the field shows for cattle only, with its unit and bounds.
    driver.delete_all_cookies()
    sign_in(driver, "tomas@lab.example", "first-day-at-the-bench")
    WebDriverWait(driver, 10).until(expected_conditions.title_is("Home · LabBox"))
    driver.get(BASE + "/animals/new")
    height = driver.find_element(By.ID, "cf-height")
    Select(driver.find_element(By.ID, "animal-species")).select_by_visible_text("equine")
    assert not height.is_displayed()
    Select(driver.find_element(By.ID, "animal-species")).select_by_visible_text("bovine")
    assert height.is_displayed() and height.get_attribute("max") == "250"
    fill(driver, {"animal-name": "Heidi", "cf-height": "131.5"})
    driver.save_screenshot(f"{SHOTS}/animal-custom-field.png")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/animals'] button[type=submit]").click)
    assert "Heidi was added" in flash_text(driver)
    facts = driver.find_element(By.CSS_SELECTOR, ".facts").text
    assert "Withers height" in facts and "131.5 cm" in facts, facts
    driver.save_screenshot(f"{SHOTS}/animal-custom-field-shown.png")
    driver.delete_all_cookies()
    sign_in(driver)
    WebDriverWait(driver, 10).until(expected_conditions.title_is("Home · LabBox"))


def test_task_assigned_commented_and_on_the_board(driver):
    driver.get_log("browser")  # what earlier pages logged is theirs
    driver.get(BASE + "/tasks/new")
    driver.find_element(By.ID, "task-title").send_keys("Check the pedigree papers")
    Select(driver.find_element(By.ID, "task-assignee")).select_by_visible_text("Tomas Technician")
    Select(driver.find_element(By.ID, "task-priority")).select_by_visible_text("high")
    # The record picker searches the kind chosen beside it, and is off while no kind is.
    assert not driver.find_element(By.ID, "task-record").is_enabled()
    Select(driver.find_element(By.ID, "task-kind")).select_by_visible_text("animal")
    assert pick(driver, "task-record", "Dai", option="Daisy") == HERD["donor"]
    driver.save_screenshot(f"{SHOTS}/task-record-picker.png")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/tasks'] button").click)
    assert "was added" in flash_text(driver)
    facts = driver.find_element(By.CSS_SELECTOR, ".facts").text
    assert "Tomas Technician" in facts and "high" in facts, facts
    assert driver.find_elements(By.CSS_SELECTOR, f".facts a[href='/animals/{HERD['donor']}']")
    # A comment that mentions the assignee; a mention of no one would be refused and say so.
    driver.find_element(By.ID, "comment-body").send_keys("@tomas the originals are in the office.")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/comments'] button").click)
    assert "comment was added" in flash_text(driver)
    assert "@tomas the originals" in driver.find_element(By.ID, "comments").text
    errors = console_errors(driver)
    assert not errors, errors
    driver.save_screenshot(f"{SHOTS}/task.png")
    driver.get(BASE + "/tasks/board")
    assert "Check the pedigree papers" in driver.find_element(By.ID, "board-open").text
    driver.save_screenshot(f"{SHOTS}/task-board.png")


def test_customer_privacy_consent_export_and_erasure(driver):
    driver.get(BASE + "/customers/new")
    driver.find_element(By.ID, "customer-name").send_keys("Erika Mustermann")
    driver.find_element(By.ID, "customer-city").send_keys("Husum")
    submit(driver, lambda: driver.find_element(By.ID, "customer-email").send_keys("erika@mustermann.example" + Keys.ENTER))
    flash_text(driver)
    submit(driver, driver.find_element(By.LINK_TEXT, "Privacy").click)
    driver.find_element(By.ID, "consent-purpose").send_keys("results_by_email")
    driver.find_element(By.ID, "consent-method").send_keys("signed submission form")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action$='/consents'] button").click)
    assert "results_by_email given" in flash_text(driver)
    assert "signed submission form" in driver.find_element(By.TAG_NAME, "main").text
    driver.save_screenshot(f"{SHOTS}/customer-privacy.png")
    # The export is a zip; taking it is recorded, as the view of the page was.
    export = driver.find_element(By.LINK_TEXT, "Download the export").get_attribute("href")
    kind = driver.execute_async_script(
        "fetch(arguments[0]).then((r) => arguments[1](r.headers.get('content-type')))", export)
    assert kind == "application/zip", kind
    driver.find_element(By.ID, "erase-reason").send_keys("Request of the person")
    page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.XPATH, "//button[text()='Erase']").click()
    question = WebDriverWait(driver, 5).until(expected_conditions.alert_is_present())
    assert "cannot be undone" in question.text, question.text
    question.accept()
    WebDriverWait(driver, 10).until(expected_conditions.staleness_of(page))
    assert "was erased" in flash_text(driver)
    main = driver.find_element(By.TAG_NAME, "main").text
    assert "Erika" not in main and "Erased customer" in main, main
    driver.save_screenshot(f"{SHOTS}/customer-erased.png")
    driver.get(BASE + "/admin/privacy")
    review = driver.find_element(By.TAG_NAME, "main").text
    assert "Request of the person" in review and "export" in review, review
    driver.save_screenshot(f"{SHOTS}/privacy-review.png")
    # The audit chain, which held only tokens of her, still verifies.
    driver.get(BASE + "/admin/audit")
    submit(driver, driver.find_element(By.XPATH, "//button[text()='Verify chain']").click)
    assert wait_for_job_end(driver) == "succeeded"
    driver.get(BASE + "/admin/audit")
    assert "Audit chain intact" in driver.find_element(By.CSS_SELECTOR, ".verification").text


def test_library_sop_proposed_previewed_and_approved(driver):
    # A technician writes an SOP, previews it (raw HTML shows as text) and proposes it.
    driver.delete_all_cookies()
    sign_in(driver, "tomas@lab.example", "first-day-at-the-bench")
    WebDriverWait(driver, 10).until(expected_conditions.title_is("Home · LabBox"))
    driver.get(BASE + "/library/new")
    fill(driver, {"library-title": "SOP-07 Embryo vitrification", "library-collection": "SOPs",
                  "library-tags": "embryo, cryo"})
    driver.find_element(By.ID, "library-body").send_keys(
        "# Vitrification\n\n1. Equilibration solution: **9 minutes**.\n2. Plunge into LN2.\n\n"
        "| Step | Time |\n|---|---|\n| ES | 9 min |\n| VS | 60 s |\n\n<script>alert(1)</script>")
    submit(driver, driver.find_element(By.CSS_SELECTOR, "button[name=preview]").click)
    preview = driver.find_element(By.CSS_SELECTOR, "article.markdown")
    assert preview.find_element(By.TAG_NAME, "strong").text == "9 minutes"
    assert "<script>alert(1)</script>" in preview.text, preview.text
    driver.save_screenshot(f"{SHOTS}/library-preview.png")
    submit(driver, driver.find_element(By.XPATH, "//button[text()='Add document']").click)
    assert "in force once a director approves it" in flash_text(driver)
    assert "No version of this document is in force" in driver.find_element(By.ID, "main").text
    document = driver.current_url
    # The author cannot approve: the director does, with their password (an e-signature).
    submit(driver, driver.find_element(By.LINK_TEXT, "Version 1").click)
    assert not driver.find_elements(By.ID, "approve-password")
    driver.delete_all_cookies()
    sign_in(driver)
    WebDriverWait(driver, 10).until(expected_conditions.title_is("Home · LabBox"))
    driver.get(document)
    submit(driver, driver.find_element(By.LINK_TEXT, "Version 1").click)
    driver.find_element(By.ID, "approve-password").send_keys(PASSWORD)
    driver.save_screenshot(f"{SHOTS}/library-approve.png")
    submit(driver, driver.find_element(By.XPATH, "//button[text()='Approve and put in force']").click)
    assert "approved: it is in force" in flash_text(driver)
    facts = driver.find_element(By.CSS_SELECTOR, ".facts").text
    assert "In force" in facts and "Dana Director" in facts, facts
    driver.save_screenshot(f"{SHOTS}/library-document.png")
    driver.get(BASE + "/library?tag=cryo")
    assert "SOP-07 Embryo vitrification" in driver.find_element(By.CSS_SELECTOR, "table").text
    driver.save_screenshot(f"{SHOTS}/library.png")
    driver.get(BASE + "/search?q=equilibration")
    assert driver.find_element(By.CSS_SELECTOR, "td.snippet mark").text.lower() == "equilibration"
    driver.save_screenshot(f"{SHOTS}/library-search.png")


def test_bank_statement_line_paid_to_another_invoice_with_the_picker(_driver):
    # The demo server's bank statement, in a browser of its own (a session cookie is per host, not
    # per port): an incoming line's menu turns on a picker beside it.
    driver = make_driver(1366, 768)
    try:
        sign_in(driver, base=DEMO)
        driver.get(DEMO + "/billing/statements")
        driver.find_element(By.CSS_SELECTOR, "main table a[href^='/billing/statements/']").click()
        menu = next(element for element in driver.find_elements(By.CSS_SELECTOR, "select[name^='line_']")
                    if Select(element).first_selected_option.text.startswith("Proposed (reference): "))
        # The proposed invoice is open; chosen again as "another invoice", by its number.
        number = Select(menu).first_selected_option.text.split(": ", 1)[1].split(" · ")[0]
        line = menu.get_attribute("id")
        assert not driver.find_element(By.ID, f"{line}-other").is_enabled()
        Select(menu).select_by_value("invoice")
        assert pick(driver, f"{line}-other", number)
        driver.save_screenshot(f"{SHOTS}/statement-line-picker.png")
        submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action$='/confirm'] button[type=submit]").click)
        assert "payments recorded" in flash_text(driver)
        assert not driver.find_elements(By.ID, line), "the line is still pending"
        errors = console_errors(driver)
        assert not errors, errors
    finally:
        driver.quit()


def test_not_found_page(driver):
    driver.get(BASE + "/no/such/page")
    assert driver.find_element(By.CSS_SELECTOR, ".status-code").text == "Error 404"
    request_id = driver.find_element(By.CSS_SELECTOR, ".request-id").text
    assert len(request_id) == 32, request_id
    driver.save_screenshot(f"{SHOTS}/not-found.png")


def test_every_page_fits_a_phone_a_tablet_and_a_desktop(_driver):
    layout.check_every_page(make_driver, sign_in, DEMO, SHOTS)


def test_account_menu_and_sections_by_keyboard(driver):
    driver.get(BASE + "/storage/inventory")
    current = driver.find_element(By.CSS_SELECTOR, ".sections a[aria-current]")
    assert current.text == "Lab" and current.get_attribute("aria-current") == "true", current.text
    assert driver.find_element(By.CSS_SELECTOR, ".subnav a[aria-current=page]").text == "Inventory"
    # Tab from the top goes as the bar reads: skip link, brand, the sections, search, bell, account.
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    order = []
    for _ in range(14):
        driver.switch_to.active_element.send_keys(Keys.TAB)
        focused = driver.switch_to.active_element
        order.append(focused.get_attribute("aria-label") or focused.get_attribute("id") or focused.text)
        if focused.tag_name == "summary":
            break
    assert order[:3] == ["LabBox", "Home", "Clients"] and order[-3] == "search-q", order
    assert order[-2].startswith("Notifications"), order
    summary = driver.switch_to.active_element
    summary.send_keys(Keys.ENTER)
    menu = driver.find_element(By.CSS_SELECTOR, ".account-menu")
    assert menu.is_displayed()
    driver.save_screenshot(f"{SHOTS}/account-menu.png")
    summary.send_keys(Keys.ESCAPE)
    assert not menu.is_displayed()


def test_sign_out(driver):
    driver.get(BASE + "/")
    driver.find_element(By.CSS_SELECTOR, ".account summary").click()
    submit(driver, driver.find_element(By.CSS_SELECTOR, ".account button").click)
    WebDriverWait(driver, 10).until(expected_conditions.url_contains("/login"))
    assert "signed out" in driver.find_element(By.CSS_SELECTOR, ".flash").text
    driver.get(BASE + "/admin/users")
    assert "/login" in driver.current_url


def main():
    os.makedirs(SHOTS, exist_ok=True)
    tests = [test_login_refuses_a_wrong_password, test_home, test_keyboard_skip_link, test_api_reference,
             test_admin_adds_a_user, test_api_key_is_shown_once, test_destructive_buttons_ask_first,
             test_connection_lost_notice, test_sessions_page,
             test_sample_is_recorded_and_its_history_shows_each_change, test_signing_dialog_needs_the_password,
             test_storage_map_and_barcode_check_in, test_audit_search_and_verification,
             test_customer_and_animal_pedigree, test_customer_page_links_its_records,
             test_search_box_takes_a_scanned_barcode,
             test_csv_import_dry_run_then_import, test_label_sheet, test_lineage_tree,
             test_opu_entry_batch_and_embryo_grading, test_transfer_with_witness_and_trace,
             test_recipient_checked_at_the_chute_and_transferred_from_the_worklist, test_result_verification,
             test_embryo_certificate_refused_until_registered_then_printed,
             test_parentage_report, test_forgot_password_answers_without_telling_who_exists,
             test_mail_template_preview_and_bad_mustache, test_webhook_secret_shown_once_and_a_test_event_logged,
             test_custom_field_defined_by_the_admin_and_filled_by_a_technician,
             test_task_assigned_commented_and_on_the_board,
             test_customer_privacy_consent_export_and_erasure, test_library_sop_proposed_previewed_and_approved,
             test_two_factor_enrolment, test_backup_runs_as_a_job_with_progress,
             test_notification_bell_leads_to_the_finished_job, test_sample_export_in_the_background,
             test_system_health_and_schedules,
             test_security_events, test_shipment_checked_in_and_sent_on_by_scanning,
             test_superovulation_worklist_and_flush,
             test_bank_statement_line_paid_to_another_invoice_with_the_picker, test_not_found_page, test_account_menu_and_sections_by_keyboard,
             test_every_page_fits_a_phone_a_tablet_and_a_desktop, test_sign_out]
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
