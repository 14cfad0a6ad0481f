"""Run deploy/nginx.conf for real, with the ports and folders of a test or benchmark run.

Used by `make bench` (bench/bench.py) and tests/core/test_shared_cache.py: the reference
configuration itself is run, only its example addresses and paths replaced.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def form_data(html, form_id):
    """The values a browser would post back from the form `form_id` of `html`."""
    from bs4 import BeautifulSoup  # a development package: only the benchmarks need it

    form = BeautifulSoup(html, "html.parser").find("form", id=form_id)
    if form is None:
        raise LookupError(f"No form {form_id!r} in the page.")
    data = {}
    for tag in form.find_all(["input", "textarea", "select"]):
        name = tag.get("name")
        if not name or "__prefix__" in name or tag.get("type") in ("submit", "file", "button"):
            continue
        if tag.name == "textarea":
            data[name] = tag.text
        elif tag.name == "select":
            chosen = [o.get("value", "") for o in tag.find_all("option") if o.has_attr("selected")]
            data[name] = chosen if tag.has_attr("multiple") else (chosen or [""])[0]
        elif tag.get("type") in ("checkbox", "radio"):
            if tag.has_attr("checked"):
                data[name] = tag.get("value", "on")
        else:
            data[name] = tag.get("value", "")
    return data


def setting(name, default):
    """The environment variable `name` as the type of `default`, or `default` when unset."""
    value = os.environ.get(name, "").strip()
    return type(default)(value) if value else default


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def nginx_config(folder, port, upstreams, static_root, deploy=DEPLOY):
    """Write `deploy`/*.conf (this checkout's deploy/ unless another is given) into `folder`,
    listening on 127.0.0.1:`port` in front of `upstreams` (ports), serving /static/ from
    `static_root`; return the main file."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for source in Path(deploy).glob("*.conf"):
        text = source.read_text()
        if source.name == "nginx.conf":
            servers = "".join(f"server 127.0.0.1:{p};\n        " for p in upstreams)
            user = "user root;" if os.geteuid() == 0 else ""
            text = re.sub(r"(server 127\.0\.0\.1:800\d;.*\n\s*)+", servers, text)
            text = text.replace("user www-data;", user)
            text = text.replace("listen 80;", f"listen 127.0.0.1:{port};")
            text = text.replace("/run/nginx-pressroom.pid", str(folder / "nginx.pid"))
            text = text.replace("/var/log/nginx/", f"{folder}/")
            text = text.replace("/var/cache/nginx/", f"{folder}/")
            text = text.replace("/srv/pressroom/staticfiles/", f"{Path(static_root)}/")
        (folder / source.name).write_text(text)
    return folder / "nginx.conf"


def start_nginx(config, port):
    folder = config.parent
    process = subprocess.Popen(  # noqa: S603 -- the system's nginx, our configuration
        [
            NGINX,
            "-p",
            str(folder),
            "-c",
            str(config),
            "-e",
            str(folder / "error.log"),
            "-g",
            "daemon off;",
        ],
        stdout=subprocess.DEVNULL,
        stderr=(folder / "nginx.out").open("w"),
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited: {(folder / 'nginx.out').read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.1)
    stop(process)
    raise RuntimeError("nginx did not start")


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_for(url, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310 -- our own http URL
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")
