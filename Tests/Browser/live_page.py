"""The live page in a real browser: Debian's chromium, headless, driven by chromium-driver through Selenium.

Usage: live_page.py AGENT OUT_DIR. Starts the agent on loopback (one collection a second), loads / at a desktop
and at a phone's size, and checks:
  - the charts get data points, and the CPU chart's points change as two more collections stream in;
  - a click on the memory column sorts the process table by memory, descending, without a reload;
  - the browser logged no console error, and asked nothing of any origin but the agent's.
Saves a screenshot of each size in OUT_DIR and prints their paths. Exits 1 on a failure.
"""
import json
import os
import sys

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "Support"))
from peers import start_agent  # noqa: E402

AGENT, OUT = sys.argv[1], sys.argv[2]
os.makedirs(OUT, exist_ok=True)
failures = []

agent, origin = start_agent(AGENT, 1)


def browser(width, height):
    options = Options()
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     f"--window-size={width},{height}", "--no-first-run", "--disable-background-networking"]:
        options.add_argument(argument)
    options.binary_location = "/usr/bin/chromium"
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def points(driver, field):
    return driver.execute_script(
        "const l = document.querySelector('polyline[data-field=\"' + arguments[0] + '\"]');"
        "return l ? l.getAttribute('points') : null;", field)


def check_size(name, width, height):
    driver = browser(width, height)
    try:
        driver.get(origin + "/")
        wait = WebDriverWait(driver, 20, poll_frequency=0.05)
        wait.until(lambda d: (points(d, "cpu_percent") or "").count(",") >= 2)
        first = points(driver, "cpu_percent")
        # Two more collections arrive over the stream and move the chart.
        wait.until(lambda d: (points(d, "cpu_percent") or "").count(",") >= first.count(",") + 2)
        if points(driver, "cpu_percent") == first:
            failures.append(f"{name}: the CPU chart did not move")
        for field in ["memory_percent", "load1", "network_receive_bytes_per_second"]:
            if not (points(driver, field) or "").count(","):
                failures.append(f"{name}: no data points in the {field} chart")
        driver.find_element(By.CSS_SELECTOR, "#processes th a[data-sort='memory']").click()
        wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#processes table").get_attribute("data-sort") == "memory")
        wait.until(lambda d: d.execute_script(
            "return [...document.querySelectorAll('#process-rows tr')].every(r => r.children[5].dataset.v !== undefined)"))
        memory = driver.execute_script(
            "return [...document.querySelectorAll('#process-rows tr')].map(r => Number(r.children[5].dataset.v))")
        if not memory or memory != sorted(memory, reverse=True):
            failures.append(f"{name}: after the click the table is not sorted by memory: {memory[:10]}")
        if not driver.current_url.endswith("/?sort=memory"):
            failures.append(f"{name}: the address does not say the sort: {driver.current_url}")
        overflow = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            failures.append(f"{name}: the page is {overflow} px wider than the window")
        path = os.path.join(OUT, f"live-page-{name}.png")
        # The whole page, not only the window: the process table is below the fold.
        metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
        size = metrics["cssContentSize"]
        shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}})
        with open(path, "wb") as f:
            f.write(__import__("base64").b64decode(shot["data"]))
        print(f"screenshot: {path}")
        for entry in driver.get_log("browser"):
            if entry["level"] in ("SEVERE", "ERROR"):
                failures.append(f"{name}: console: {entry['message']}")
        for entry in driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                url = message["params"]["request"]["url"]
                if not (url.startswith(origin + "/") or url == origin or url.startswith("data:")):
                    failures.append(f"{name}: a request to another origin: {url}")
    finally:
        driver.quit()


try:
    check_size("desktop", 1280, 1000)
    check_size("phone", 390, 844)
finally:
    agent.kill()
for failure in failures:
    print("FAIL " + failure)
print(f"live page: {2 if not failures else 0} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
