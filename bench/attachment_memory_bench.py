"""Peak memory of a web process for a portal request with 10 x 24 MB attachments (issue 16).

Run: ``scripts/with-postgres .venv/bin/python bench/attachment_memory_bench.py`` (``make
bench`` does, on the disk and with ``--s3``). Options: ``--files`` (default 10) and ``--mib``
(default 24) per file; ``--s3`` keeps the files in S3 (a local moto server, as the tests do)
instead of the folder under MELDPUNT_DATA.

The real server: gunicorn with one sync worker (DEBUG off, the same flags as
bench/helpdesk_bench.py), on its own database of the throwaway PostgreSQL server. A customer
coordinator logs in and sends the portal's new-request form with the files (random bytes,
so nothing compresses) as one multipart body streamed from disk; then the request's page
(customer) and the ticket page (agent) are shown, and every file is downloaded and checked
byte for byte (SHA-256).

Before each phase the worker's peak RSS (VmHWM) is reset through /proc/<pid>/clear_refs
and read afterwards from /proc/<pid>/status, so each phase's peak is its own. The goal is
absolute, not a ratio to a peer: every phase stays under 200 MiB (the issue's budget). The
worker's RSS after start-up and one page view is printed as the baseline: what the same
process needs without any attachment. Before issue 16 the same upload took the process past
2 GB (the bytes of all files read at once, then quoted into one INSERT).
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode, urlparse, urlunparse

# The production profile wants a real secret key (DEBUG is off in the benchmarks).
BENCH_SECRET_KEY = "bench-only-" + "k3y-f0r-the-benchmarks-which-sign-nothing-of-value"
BENCH_FIELD_KEY = "YmVuY2gtb25seS1maWVsZC1rZXktb2YtMzItYnl0ZXM="  # MELDPUNT_FIELD_KEY: 32 bytes, URL-safe base64

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from processes import free_port, stop_process_group  # noqa: E402  (bench/ is the script's own folder)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meldpunt.settings")
os.environ.setdefault("MELDPUNT_SECRET_KEY", BENCH_SECRET_KEY)  # this process sets up the desk in the same profile
os.environ.setdefault("MELDPUNT_FIELD_KEY", BENCH_FIELD_KEY)
STATIC = Path(os.environ.setdefault("MELDPUNT_STATIC_ROOT", str(Path(__file__).resolve().parent.parent / "var" / "bench" / "static")))

BUDGET_MIB = 200
VAR = ROOT / "var" / "bench"
DB = "bench_attachments"
PASSWORD = "bench-attachments-pw-1"
MIB = 1024 * 1024


def log(text: str = "") -> None:
    print(text, flush=True)


# ------------------------------------------------------------------ database and server
def fresh_database(base: str) -> str:
    import psycopg

    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB}"')
    return urlunparse(urlparse(base)._replace(path="/" + DB))


def setup_desk() -> int:
    """Catalogs, a customer coordinator on an ERP.M agreement, an agent; the agreement's id."""
    import django

    django.setup()
    from datetime import date

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from meldpunt.contracts.models import Agreement, Contact, Organisation
    from meldpunt.contracts.services import current_version

    call_command("migrate", verbosity=0)
    call_command("load_catalogs", verbosity=0)
    users = get_user_model().objects
    org = Organisation.objects.create(name="Bench BV", language="en")
    user = users.create_user("bench-customer", "customer@bench.test", PASSWORD)
    Contact.objects.create(organisation=org, user=user, name="Bench Customer", email=user.email,
                           language="en", is_coordinator=True)
    users.create_user("bench-agent", "agent@vendor.test", PASSWORD, is_staff=True)
    agreement = Agreement.objects.create(code="BENCH-1", organisation=org, catalog=current_version("erpm"),
                                         package="medium", starts_on=date(2025, 1, 1))
    return agreement.pk


class S3Server:
    """A local S3 server (moto's server mode, as in the test suite) with one bucket, for --s3."""

    ACCESS = {"MELDPUNT_S3_ACCESS_KEY_ID": "bench", "MELDPUNT_S3_SECRET_ACCESS_KEY": "bench-secret",
              "MELDPUNT_S3_REGION": "eu-west-1", "MELDPUNT_S3_ADDRESSING": "path", "MELDPUNT_S3_BUCKET": "bench-files"}

    def __init__(self):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**self.ACCESS, "MELDPUNT_S3_ENDPOINT_URL": self.url}
        self.proc = subprocess.Popen([sys.executable, "-c", "from moto.server import main; main()", "-p", str(self.port)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 60
        while True:
            try:
                self.client().create_bucket(Bucket=self.ACCESS["MELDPUNT_S3_BUCKET"],
                                            CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
                return
            except Exception:  # not up yet
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise
                time.sleep(0.3)

    def client(self):
        import boto3

        return boto3.client("s3", endpoint_url=self.url, region_name="eu-west-1", aws_access_key_id="bench",
                            aws_secret_access_key="bench-secret")

    def stored_bytes(self) -> tuple[int, int]:
        found = self.client().list_objects_v2(Bucket=self.ACCESS["MELDPUNT_S3_BUCKET"]).get("Contents", [])
        return len(found), sum(o["Size"] for o in found)

    def stop(self) -> None:
        stop_process_group(self.proc)


class Server:
    def __init__(self, database_url: str, extra_env: dict[str, str]):
        self.port, self.log_path = free_port(), VAR / "attachments-gunicorn.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MELDPUNT_", "PYTHON", "VIRTUAL_ENV"))}
        env.update(DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="meldpunt.settings", MELDPUNT_DEBUG="0", MELDPUNT_SECRET_KEY=BENCH_SECRET_KEY, MELDPUNT_FIELD_KEY=BENCH_FIELD_KEY,
                   MELDPUNT_DATA=str(VAR / "attachments"), PYTHONPATH=str(ROOT / "src"), MELDPUNT_STATIC_ROOT=str(STATIC),
                   MELDPUNT_EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend", **extra_env)
        gunicorn = Path(sys.executable).parent / "gunicorn"
        self.args = [str(gunicorn), "--workers", "1", "--worker-class", "sync", "--bind", f"127.0.0.1:{self.port}",
                     "--timeout", "600", "--log-level", "warning", "--error-logfile", str(self.log_path),
                     "--no-control-socket", "--config", str(ROOT / "bench" / "helpdesk" / "gunicorn_conf.py"),
                     "meldpunt.wsgi:application"]
        self.env, self.proc = env, None

    def start(self) -> None:
        self.log_path.unlink(missing_ok=True)
        with open(self.log_path, "ab") as out:
            self.proc = subprocess.Popen(self.args, env=self.env, cwd=ROOT, stdout=out, stderr=out, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                sys.exit(f"gunicorn exited with {self.proc.returncode}; see {self.log_path}")
            try:
                Client(self.port).get("/login/")
                return
            except OSError:
                time.sleep(0.2)
        sys.exit(f"gunicorn did not answer within 60 s; see {self.log_path}")

    def worker_pid(self) -> int:
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        if len(children) != 1:
            sys.exit(f"expected one gunicorn worker, found {children}")
        return int(children[0])

    def stop(self) -> None:
        stop_process_group(self.proc)


# ------------------------------------------------------------------ memory of the worker
def status_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/{pid}/status")


def reset_peak(pid: int) -> None:
    """Writing 5 to clear_refs resets VmHWM to the current RSS (Linux >= 4.0)."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


# ------------------------------------------------------------------ HTTP with cookies
class Client:
    def __init__(self, port: int):
        self.port, self.cookies = port, {}

    def request(self, method: str, path: str, body=None, headers: dict | None = None, sink: bool = False):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        if sink:  # a download: hashed as it arrives, never held whole
            digest, size = hashlib.sha256(), 0
            while piece := response.read(256 * 1024):
                digest.update(piece)
                size += len(piece)
            conn.close()
            return response.status, (size, digest.hexdigest())
        data = response.read()
        conn.close()
        return response.status, data

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def csrf(self, path: str) -> str:
        status, page = self.get(path)
        found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or not found:
            sys.exit(f"GET {path}: {status}, no CSRF token")
        return found.group(1).decode()

    def login(self, username: str) -> None:
        token = self.csrf("/login/")
        body = urlencode({"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD})
        status, _ = self.request("POST", "/login/", body=body, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://127.0.0.1:{self.port}/login/"})
        if status != 302:
            sys.exit(f"login of {username} answered {status}")


def multipart_file(path: Path, fields: dict, files: int, mib: int) -> tuple[str, list[tuple[str, int, str]]]:
    """The form as one multipart body on disk (streamed by http.client); the files' names,
    sizes and SHA-256."""
    boundary = uuid.uuid4().hex
    sent = []
    with open(path, "wb") as out:
        for name, value in fields.items():
            out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for i in range(files):
            data = os.urandom(mib * MIB)
            name = f"dump-{i:02d}.bin"
            out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="attachments"; filename="{name}"\r\n'
                      "Content-Type: application/octet-stream\r\n\r\n".encode())
            out.write(data)
            out.write(b"\r\n")
            sent.append((name, len(data), hashlib.sha256(data).hexdigest()))
        out.write(f"--{boundary}--\r\n".encode())
    return boundary, sent


# ------------------------------------------------------------------ the run
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=10)
    parser.add_argument("--mib", type=int, default=24)
    parser.add_argument("--s3", action="store_true", help="files in S3 (a local moto server) instead of on the disk")
    args = parser.parse_args()
    base = os.environ.get("DATABASE_URL")
    if not base:
        sys.exit("run through scripts/with-postgres")
    VAR.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(VAR / "attachments", ignore_errors=True)
    os.environ["DATABASE_URL"] = url = fresh_database(base)
    agreement = setup_desk()
    from django.conf import settings
    from django.core.management import call_command

    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():  # DEBUG off: pages need the manifest
        call_command("collectstatic", "--no-input", verbosity=0)
    log(f"== Attachment memory: a portal request with {args.files} x {args.mib} MiB, gunicorn 1 sync worker, "
        f"PostgreSQL, files {'in S3 (moto)' if args.s3 else 'on the disk'}; budget {BUDGET_MIB} MiB per process")

    s3 = S3Server() if args.s3 else None
    server = Server(url, s3.env if s3 else {})
    server.start()
    body_path = VAR / "attachments-body.bin"
    try:
        pid = server.worker_pid()
        customer = Client(server.port)
        customer.login("bench-customer")
        token = customer.csrf("/portal/requests/new/")
        baseline = status_kib(pid, "VmRSS") / 1024
        fields = {"csrfmiddlewaretoken": token, "agreement": agreement, "kind": "question",
                  "subject": "Database dumps", "description": "See the attached dumps.", "idempotency_key": uuid.uuid4().hex}
        boundary, sent = multipart_file(body_path, fields, args.files, args.mib)
        peaks = {}

        reset_peak(pid)
        started = time.monotonic()
        with open(body_path, "rb") as body:
            status, _ = customer.request("POST", "/portal/requests/new/", body=body, headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Content-Length": str(body_path.stat().st_size),
                "Referer": f"http://127.0.0.1:{server.port}/portal/requests/new/"})
        upload_s = time.monotonic() - started
        peaks["upload"] = status_kib(pid, "VmHWM") / 1024
        if status != 302:
            sys.exit(f"the upload answered {status}; see {server.log_path}")

        from meldpunt.intake.models import Attachment

        stored = list(Attachment.objects.order_by("filename").values_list("pk", "filename", "size"))
        ticket = Attachment.objects.values_list("message__ticket_id", flat=True).first()
        if [(name, size) for _, name, size in stored] != [(name, size) for name, size, _ in sent]:
            sys.exit(f"stored {stored}, sent {[(n, s) for n, s, _ in sent]}")

        agent = Client(server.port)
        agent.login("bench-agent")  # before the peak is reset: Argon2 takes ~100 MiB for a login, no attachment's doing
        reset_peak(pid)
        status, page = customer.get(f"/portal/requests/{ticket}/")
        agent_status, agent_page = agent.get(f"/console/tickets/{ticket}/")
        peaks["ticket pages"] = status_kib(pid, "VmHWM") / 1024
        if (status, agent_status) != (200, 200) or sent[0][0].encode() not in page or sent[0][0].encode() not in agent_page:
            sys.exit(f"ticket pages answered {status}, {agent_status}")

        reset_peak(pid)
        started = time.monotonic()
        for (pk, name, size), (_, _, digest) in zip(stored, sent, strict=True):
            status, got = customer.get(f"/intake/attachments/{pk}/", sink=True)
            if status != 200 or got != (size, digest):
                sys.exit(f"download of {name}: {status}, {got[0]} bytes, digest {'ok' if got[1] == digest else 'wrong'}")
        download_s = time.monotonic() - started
        peaks["downloads"] = status_kib(pid, "VmHWM") / 1024
        if s3:
            in_storage, stored_bytes = s3.stored_bytes()
        else:  # the server's folder
            names = list(Attachment.objects.exclude(file="").values_list("file", flat=True))
            in_storage, stored_bytes = len(names), sum((VAR / "attachments" / "files" / n).stat().st_size for n in names)
    finally:
        server.stop()
        if s3:
            s3.stop()
        body_path.unlink(missing_ok=True)

    total = args.files * args.mib
    log(f"stored: {len(stored)} files, {total} MiB; {in_storage} files in the storage, {stored_bytes / 2**20:.1f} MiB; upload {upload_s:.1f} s "
        f"({total / upload_s:.0f} MiB/s), {args.files} downloads {download_s:.1f} s ({total / download_s:.0f} MiB/s), "
        "every byte checked")
    log(f"worker RSS after start-up and one page (baseline): {baseline:6.1f} MiB")
    for phase, peak in peaks.items():
        log(f"peak RSS, {phase:<13} {peak:6.1f} MiB  = {peak / BUDGET_MIB:4.2f} x budget, "
            f"{peak - baseline:+6.1f} MiB over baseline")
    worst = max(peaks.values())
    log(f"{'PASS' if worst < BUDGET_MIB else 'FAIL'}: highest peak {worst:.1f} MiB, budget {BUDGET_MIB} MiB")
    if worst >= BUDGET_MIB:
        sys.exit(1)


if __name__ == "__main__":
    main()
