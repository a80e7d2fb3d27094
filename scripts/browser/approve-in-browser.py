#!/usr/bin/env python3
"""Drives headless Chromium through Slipway's web page as a release manager would:
opens /ui/pending (not signed in: the sign-in form), signs in with an API token, finds the
promotion waiting at its gate and what it waits for, approves it with a comment, reads the
notice, then reloads until the promotion has left the pending page (its runner moved it on)
and reads its status on /ui/history. Prints what it saw as one JSON object.

    approve-in-browser.py BASE_URL TOKEN PROMOTION_ID

Needs chromium and chromedriver (Debian: chromium, chromium-driver) and the selenium package
(`make tools` puts it in .tools). Used by the browser test in Tests/SlipwayServerTests.
"""
import json
import shutil
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"):
        options.add_argument(argument)
    service = Service(shutil.which("chromedriver") or "/usr/bin/chromedriver")
    return webdriver.Chrome(service=service, options=options)


def main(base, token, promotion):
    seen = {}
    driver = browser()
    wait = WebDriverWait(driver, 20)
    try:
        driver.get(base + "/ui/pending")
        seen["unsignedTitle"] = driver.title
        driver.find_element(By.ID, "token").send_keys(token)
        driver.find_element(By.ID, "sign-in").click()
        gate = wait.until(EC.presence_of_element_located((By.ID, f"promotion-{promotion}")))
        seen["signedInTitle"] = driver.title
        seen["heading"] = gate.find_element(By.TAG_NAME, "h3").text
        seen["waitingFor"] = [item.text for item in gate.find_elements(By.CSS_SELECTOR, "ul.waits li")]
        gate.find_element(By.NAME, "comment").send_keys("dev looks good")
        gate.find_element(By.CSS_SELECTOR, "button.approve").click()
        notice = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "p.notice")))
        seen["notice"] = notice.text
        seen["noticeTone"] = notice.get_attribute("class")
        deadline = time.monotonic() + 30
        while True:
            driver.get(base + "/ui/pending")
            still = driver.find_elements(By.ID, f"promotion-{promotion}")
            if not still or time.monotonic() > deadline:
                seen["leftPending"] = not still
                break
            time.sleep(0.2)
        driver.get(base + "/ui/history")
        row = wait.until(EC.presence_of_element_located((By.ID, f"history-{promotion}")))
        seen["historyStatus"] = row.find_element(By.CSS_SELECTOR, "td.status").text
    finally:
        driver.quit()
    print(json.dumps(seen))


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
