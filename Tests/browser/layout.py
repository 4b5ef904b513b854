"""Every page at a phone, a tablet and a desktop width (issue 25).

Crawls the app's own links from the home page, signed in as an admin on a server with demo data
(LABBOX_DEMO_URL), one page per route pattern (/samples/{id}, /samples/{id}?tab=history), and
renders each at 390, 768 and 1,366 px. A page fails when it scrolls sideways (naming the element
that sticks out furthest), when a control is shorter than a finger (44 px) on the phone, or when a
record's page has the <title> of a list, or when axe-core (vendor/axe.min.js) finds a WCAG 2.1 A or
AA violation at the phone or the desktop width. Screenshots of each page at each width land in
SCREENSHOTS/layout/.
"""
import os
import time
from urllib.parse import parse_qs, urlsplit

from selenium.webdriver.common.by import By

WIDTHS = (390, 768, 1366)
# Downloads, machine endpoints and what would end the session.
SKIPPED = ("/api/", "/static/", "/healthz", "/readyz", "/metrics", "/logout")

# The element that sticks out furthest past the right edge, outside any box that scrolls or clips
# it (a table in its .scroll box is fine), as a path of tag#id.class from <main> or <header> down.
OVERFLOW = """
const root = document.documentElement;
const limit = root.clientWidth;
if (root.scrollWidth <= limit) return null;
const clipped = (element) => {
  for (let parent = element.parentElement; parent && parent !== document.body; parent = parent.parentElement) {
    if (getComputedStyle(parent).overflowX !== "visible") return true;
  }
  return false;
};
let widest = null, right = limit;
// Outside any scrolling box first; then anywhere (a positioned element escapes a box that is not
// its containing block).
for (const outside of [true, false]) {
  for (const element of document.body.querySelectorAll("*")) {
    const box = element.getBoundingClientRect();
    if (box.width > 0 && box.right > right + 0.5 && !(outside && clipped(element))) { widest = element; right = box.right; }
  }
  if (widest) break;
}
const name = (element) => element.tagName.toLowerCase() + (element.id ? "#" + element.id : "") +
  [...element.classList].map((c) => "." + c).join("");
const path = [];
for (let element = widest; element && element !== document.body; element = element.parentElement) path.unshift(name(element));
return `${root.scrollWidth} px wide in ${limit} px: ${path.join(" > ") || "?"} reaches ${Math.round(right)} px`;
"""

# Controls a finger must hit, shown and shorter than 44 px: the bar, the trail, tabs, buttons and
# fields (a checkbox is hit through its row or label; links in running text are text).
SMALL_TARGETS = """
const selector = ".topbar a, .subnav a, .breadcrumbs a, .tabs a, button, .button, summary, select, textarea, " +
  "input:not([type=checkbox]):not([type=radio]):not([type=hidden]):not([type=file])";
return [...document.querySelectorAll(selector)].filter((element) => {
  const box = element.getBoundingClientRect();
  return box.width > 0 && box.height > 0 && box.height < 43.5;
}).slice(0, 5).map((element) => `${element.tagName.toLowerCase()} "${(element.textContent || element.name || "").trim().slice(0, 30)}" ${Math.round(element.getBoundingClientRect().height)} px`);
"""

AXE = open(os.path.join(os.path.dirname(__file__), "vendor", "axe.min.js"), encoding="utf-8").read()
# Each violation as "rule (impact): the first elements", for WCAG 2.0 and 2.1, levels A and AA.
AXE_RUN = """
const done = arguments[0];
axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
  .then((result) => done(result.violations.map((violation) => `${violation.id} (${violation.impact}): ` +
    violation.nodes.slice(0, 3).map((node) => node.target.join(" ")).join(", ") +
    ` — ${violation.help}`)))
  .catch((error) => done([`axe failed: ${error}`]));
"""

LINKS = "return [...document.querySelectorAll('a[href]')].filter((a) => !a.hasAttribute('download')).map((a) => a.href)"


def route_pattern(url):
    """The route a URL is an instance of: ids as {id}, and the tab, the only query that changes the view."""
    parts = urlsplit(url)
    path = "/".join("{id}" if segment.isdigit() else segment for segment in parts.path.split("/"))
    tab = parse_qs(parts.query).get("tab")
    return path + (f"?tab={tab[0]}" if tab else "")


def crawl(driver, base):
    """One URL per route pattern reachable from the home page, breadth first. A page's first link
    to another record of its own pattern is followed once per breadcrumb depth, so a tank, a
    canister and a goblet (all /storage/{id}, each drawn differently) are each visited."""
    pages = {}  # (pattern, depth) -> (url, title)
    seen_urls, queue = set(), [base + "/"]
    while queue:
        url = queue.pop(0)
        if url in seen_urls:
            continue
        seen_urls.add(url)
        driver.get(url)
        pattern = route_pattern(url)
        depth = len(driver.find_elements(By.CSS_SELECTOR, ".breadcrumbs li"))
        if (pattern, depth) in pages:
            continue
        pages[(pattern, depth)] = (url, driver.title)
        patterns = {key[0] for key in pages}
        child_followed = False
        for href in driver.execute_script(LINKS):
            href = href.split("#")[0]
            if not href.startswith(base) or urlsplit(href).path.startswith(SKIPPED) or href in seen_urls:
                continue
            link_pattern = route_pattern(href)
            if link_pattern not in patterns:
                queue.append(href)
                patterns.add(link_pattern)
            elif link_pattern == pattern and not child_followed and (pattern, depth + 1) not in pages:
                queue.append(href)
                child_followed = True
    return pages


def check_every_page(make_driver, sign_in, base, shots):
    os.makedirs(f"{shots}/layout", exist_ok=True)
    driver = make_driver(1366, 900)
    driver.set_script_timeout(60)
    problems = []
    try:
        sign_in(driver, base=base)
        started = time.monotonic()
        pages = crawl(driver, base)
        list_titles = {title for (pattern, _), (_, title) in pages.items() if "{id}" not in pattern}
        for (pattern, _), (url, title) in pages.items():
            if "{id}" in pattern and title in list_titles:
                problems.append(f"{pattern}: the title \"{title}\" does not name the record")
        for width in WIDTHS:
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                "width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 1000})
            for (pattern, depth), (url, _) in sorted(pages.items()):
                driver.get(url)
                overflow = driver.execute_script(OVERFLOW)
                if overflow:
                    problems.append(f"{pattern} at {width} px scrolls sideways: {overflow}")
                if width != WIDTHS[1]:
                    driver.execute_script(AXE)
                    for violation in driver.execute_async_script(AXE_RUN):
                        problems.append(f"{pattern} at {width} px is not accessible: {violation}")
                if width == WIDTHS[0]:
                    small = driver.execute_script(SMALL_TARGETS)
                    if small:
                        problems.append(f"{pattern} at {width} px has targets under 44 px: {', '.join(small)}")
                if width == WIDTHS[-1]:
                    rows = driver.execute_script(
                        "return new Set([...document.querySelectorAll('.sections a')].map((a) => a.offsetTop)).size")
                    if rows > 1:
                        problems.append(f"{pattern} at {width} px: the sections take {rows} lines")
                name = pattern.strip("/").replace("/", "_").replace("?tab=", "-tab-").replace("{id}", "id") or "home"
                driver.save_screenshot(f"{shots}/layout/{name}{'-' + str(depth) if depth > 2 else ''}-{width}.png")
        print(f"     {len(pages)} pages × {len(WIDTHS)} widths in {time.monotonic() - started:.0f} s")
    finally:
        driver.quit()
    assert not problems, "\n".join(problems)
