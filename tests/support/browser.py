"""A real headless browser for the tests of pages people open: Debian's Chromium (the Makefile
installs it where missing), driven over the DevTools protocol with `websockets`.

`load(url)` opens the page in a fresh tab and returns what the page did: every request it made
(the document itself included), console errors and uncaught exceptions, and values computed in the
page after it loaded (`evaluate`). Chromium's own background traffic (updates, sign-in) is not the
page's and is not counted: only requests of the page's tab are recorded.
"""
from __future__ import annotations

import asyncio
import itertools
import json
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field

import pytest

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")


def chromium() -> str:
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("no Chromium on this machine: `make install` installs Debian's chromium package")


@dataclass
class PageVisit:
    url: str
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    values: dict = field(default_factory=dict)

    @property
    def off_machine(self) -> list[str]:
        """Requests for anything but a local file (or inline data)."""
        return [u for u in self.requests if not u.startswith(("file://", "data:", "about:"))]


def load(url: str, evaluate: dict[str, str] | None = None, settle_seconds: float = 0.5,
         timeout: float = 60) -> PageVisit:
    """Open url headless; after its load event (and settle_seconds for its scripts), evaluate
    each JavaScript expression of `evaluate` ({name: expression}) into PageVisit.values."""
    return asyncio.run(asyncio.wait_for(_visit(url, evaluate or {}, settle_seconds), timeout))


async def _visit(url: str, evaluate: dict[str, str], settle: float) -> PageVisit:
    import websockets

    profile = tempfile.mkdtemp(prefix="pbk-chromium-")
    proc = subprocess.Popen(
        [chromium(), "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-extensions", "--disable-background-networking", "--disable-sync",
         "--disable-component-update", "--remote-debugging-port=0",
         f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        endpoint = await asyncio.to_thread(_devtools_endpoint, proc)
        async with websockets.connect(endpoint, max_size=None) as ws:
            return await _drive(ws, url, evaluate, settle)
    finally:
        proc.kill()
        proc.wait()
        shutil.rmtree(profile, ignore_errors=True)


def _devtools_endpoint(proc: subprocess.Popen) -> str:
    for line in proc.stderr:
        found = re.search(r"DevTools listening on (ws://\S+)", line)
        if found:
            return found.group(1)
    raise RuntimeError("Chromium exited before it opened its DevTools endpoint")


async def _drive(ws, url: str, evaluate: dict[str, str], settle: float) -> PageVisit:
    visit = PageVisit(url)
    ids = itertools.count(1)
    replies: dict[int, asyncio.Future] = {}
    loaded = asyncio.Event()
    session = {"id": None}

    async def receive():
        async for raw in ws:
            msg = json.loads(raw)
            if "id" in msg and msg["id"] in replies:
                replies.pop(msg["id"]).set_result(msg)
                continue
            if msg.get("sessionId") != session["id"]:
                continue     # the browser's own traffic, not the page's
            method, params = msg.get("method"), msg.get("params", {})
            if method == "Network.requestWillBeSent":
                visit.requests.append(params["request"]["url"])
            elif method == "Runtime.exceptionThrown":
                visit.errors.append(params["exceptionDetails"].get("text", "exception"))
            elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
                visit.errors.append(" ".join(str(a.get("value", a.get("description", "")))
                                             for a in params.get("args", [])))
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                visit.errors.append(params["entry"].get("text", ""))
            elif method == "Page.loadEventFired":
                loaded.set()

    async def call(method: str, params: dict | None = None, in_page: bool = True) -> dict:
        n = next(ids)
        replies[n] = asyncio.get_running_loop().create_future()
        msg = {"id": n, "method": method, "params": params or {}}
        if in_page:
            msg["sessionId"] = session["id"]
        await ws.send(json.dumps(msg))
        reply = await replies[n]
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result", {})

    listener = asyncio.create_task(receive())
    try:
        target = await call("Target.createTarget", {"url": "about:blank"}, in_page=False)
        attached = await call("Target.attachToTarget", {"targetId": target["targetId"],
                                                        "flatten": True}, in_page=False)
        session["id"] = attached["sessionId"]
        for domain in ("Network", "Page", "Runtime", "Log"):
            await call(f"{domain}.enable")
        await call("Page.navigate", {"url": url})
        await loaded.wait()
        await asyncio.sleep(settle)
        for name, expression in evaluate.items():
            result = await call("Runtime.evaluate", {"expression": expression,
                                                     "returnByValue": True})
            if "exceptionDetails" in result:
                raise RuntimeError(f"{name}: {result['exceptionDetails']}")
            visit.values[name] = result["result"].get("value")
    finally:
        listener.cancel()
    return visit
