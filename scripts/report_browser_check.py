#!/usr/bin/env python3
"""Opens the review report of the seeds in headless Chromium (issue #21):
screenshots of the summary and of one document, a click on "next edit",
and a check that the page logs no console error and fetches nothing.

    apt-get install chromium fonts-wqy-zenhei   # Debian's; a CJK font to see the text
    pip install websocket-client
    python3 scripts/report_browser_check.py [OUT_DIR]

Builds the release binary, writes OUT_DIR/seeds.html (the report of
tests/data/seeds/*.input.txt), OUT_DIR/summary.png and OUT_DIR/document.png
(default OUT_DIR: a new temporary directory). Exit status 1 on a console
error, an uncaught exception, a network request or a failed click.
"""
import base64
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

import websocket

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
out_dir = sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix="zhclean-report-")
os.makedirs(out_dir, exist_ok=True)
subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
page = os.path.join(out_dir, "seeds.html")
seeds = sorted(glob.glob(os.path.join(ROOT, "tests/data/seeds/*.input.txt")))
subprocess.run([os.path.join(ROOT, "target/release/zhclean"), "report", *seeds, "-o", page], check=True)

profile = tempfile.mkdtemp(prefix="zhclean-chromium-")
port = 9333
browser = subprocess.Popen(
    ["chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
     f"--remote-debugging-port={port}", f"--user-data-dir={profile}", "--window-size=1200,1400", "about:blank"],
    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    for _ in range(100):
        try:
            targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json"))
            break
        except OSError:
            time.sleep(0.1)
    target = next(t for t in targets if t["type"] == "page")
    ws = websocket.create_connection(target["webSocketDebuggerUrl"], suppress_origin=True)
    seq = 0
    problems = []

    def call(method, **params):
        global seq
        seq += 1
        ws.send(json.dumps({"id": seq, "method": method, "params": params}))
        while True:
            msg = json.loads(ws.recv())
            note(msg)
            if msg.get("id") == seq:
                return msg.get("result", {})

    def note(msg):
        m = msg.get("method")
        if m == "Runtime.exceptionThrown":
            problems.append("exception: " + json.dumps(msg["params"]["exceptionDetails"])[:300])
        elif m == "Runtime.consoleAPICalled" and msg["params"]["type"] in ("error", "warning", "assert"):
            problems.append("console: " + json.dumps(msg["params"]["args"])[:300])
        elif m == "Log.entryAdded" and msg["params"]["entry"]["level"] in ("error", "warning"):
            problems.append("log: " + msg["params"]["entry"]["text"][:300])
        elif m == "Network.requestWillBeSent":
            url = msg["params"]["request"]["url"]
            if not url.startswith("file://"):
                problems.append("request: " + url)

    for domain in ("Runtime", "Log", "Network", "Page"):
        call(f"{domain}.enable")
    call("Page.navigate", url="file://" + os.path.abspath(page))
    time.sleep(1.5)

    def shot(name):
        data = call("Page.captureScreenshot", format="png")["data"]
        with open(os.path.join(out_dir, name), "wb") as f:
            f.write(base64.b64decode(data))

    def js(expr):
        r = call("Runtime.evaluate", expression=expr, returnByValue=True)
        return r.get("result", {}).get("value")

    shot("summary.png")
    # The document with the most edits, then a click on "next edit": the
    # first edit must be outlined and named in the tool bar.
    js("document.querySelectorAll('article.doc')[0].scrollIntoView()")
    js("document.getElementById('next').click()")
    where = js("document.getElementById('where').textContent")
    on = js("document.querySelectorAll('.e.on').length")
    if not where or on != 1:
        problems.append(f"'next edit' did nothing: where={where!r}, outlined={on}")
    # Hiding a pass hides its marks.
    js("document.querySelector('#tools input[data-pass=punct]').click()")
    hidden = js("getComputedStyle(document.querySelector('span.e.p-punct')).display")
    if hidden != "none":
        problems.append(f"unticking punct left its marks shown ({hidden})")
    js("document.querySelector('#tools input[data-pass=punct]').click()")
    time.sleep(0.3)
    shot("document.png")
    ws.close()
finally:
    browser.terminate()
    browser.wait()
    shutil.rmtree(profile, ignore_errors=True)

print(f"{page}\n{out_dir}/summary.png\n{out_dir}/document.png")
for p in problems:
    print("PROBLEM", p)
sys.exit(1 if problems else 0)
