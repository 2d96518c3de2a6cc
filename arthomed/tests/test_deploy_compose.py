"""docker-compose.yml as deployed: configuration reaches every service, one TLS proxy in front of
gunicorn (so X-Forwarded-For cannot be forged), healthchecks that hold with any ALLOWED_HOSTS, and
a front-desk PC signing in to the admin over HTTPS. No Docker engine: the file is read with PyYAML
(and `docker-compose config` when installed); web runs under a real gunicorn with compose's settings."""

import http.client
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ["migrate", "web", "worker", "beat"]
SITE = "arthomed.clinic.lan"
FRONT_DESK_PC = "192.168.1.50"
# One admin per sign-in test: a second code for the same number within a minute is refused.
ADMIN_MOBILES = ("9811111111", "9811111112")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _example_variables() -> list[str]:
    return re.findall(r"^([A-Z][A-Z0-9_]*)=", (ROOT / ".env.example").read_text(), flags=re.M)


def test_every_app_service_reads_env_file_and_the_stack_wiring(compose):
    for name in APP_SERVICES:
        service = compose["services"][name]
        assert service["env_file"] == ".env", name
        environment = service["environment"]
        assert environment["DEBUG"] == "false", name
        assert (
            environment["DATABASE_URL"].startswith("postgres://arthomed:")
            and "@db:5432/" in environment["DATABASE_URL"]
        )
        assert environment["CELERY_BROKER_URL"].startswith("redis://redis:6379/")
        assert "media:/app/media" in service["volumes"]


def test_one_tls_proxy_in_front_and_gunicorn_unreachable_from_outside(compose):
    services = compose["services"]
    proxy = services["proxy"]
    assert proxy["image"].startswith("caddy:")
    assert "./Caddyfile:/etc/caddy/Caddyfile:ro" in proxy["volumes"]
    assert any(port.endswith(":443") for port in proxy["ports"])
    # Only the proxy publishes a port: a client reaching gunicorn directly could forge X-Forwarded-For.
    assert [name for name, service in services.items() if service.get("ports")] == ["proxy"]
    for name in APP_SERVICES:
        assert services[name]["environment"]["TRUSTED_PROXY_COUNT"] == "1", name

    caddyfile = (ROOT / "Caddyfile").read_text()
    assert re.search(r"^\s*tls internal$", caddyfile, flags=re.M)
    assert "reverse_proxy web:" + services["web"]["environment"]["PORT"] in caddyfile
    # Set (overwritten) from the connection, never appended to what the client sent.
    assert re.search(r"^\s*header_up X-Forwarded-For \{remote_host\}$", caddyfile, flags=re.M)
    assert re.search(r"^\s*header_up X-Forwarded-Proto \{scheme\}$", caddyfile, flags=re.M)


def test_web_worker_and_beat_have_healthchecks(compose):
    services = compose["services"]
    web = " ".join(services["web"]["healthcheck"]["test"])
    assert "http://127.0.0.1:" in web and "/health" in web
    worker = " ".join(services["worker"]["healthcheck"]["test"])
    assert "inspect ping --destination celery@$$HOSTNAME" in worker
    beat_command = services["beat"]["command"]
    schedule = beat_command[beat_command.index("--schedule") + 1]
    assert schedule + "*" in " ".join(services["beat"]["healthcheck"]["test"])
    assert services["proxy"]["depends_on"]["web"]["condition"] == "service_healthy"


@pytest.mark.skipif(not shutil.which("docker-compose"), reason="needs docker-compose (Debian package docker-compose)")
def test_docker_compose_config_parses_and_passes_every_documented_variable(tmp_path):
    for name in ("docker-compose.yml", "Caddyfile", "Dockerfile"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")
    result = subprocess.run(
        ["docker-compose", "config"], cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    resolved = yaml.safe_load(result.stdout)["services"]
    compose_only = {"SITE_ADDRESS", "POSTGRES_PASSWORD", "HTTP_PORT", "HTTPS_PORT"}
    for name in APP_SERVICES:
        missing = set(_example_variables()) - compose_only - set(resolved[name]["environment"])
        assert not missing, f"{name} does not receive {sorted(missing)}"
    assert resolved["proxy"]["environment"]["SITE_ADDRESS"] == "localhost"


# --- web as compose runs it, under a real gunicorn on loopback -----------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def web(compose, tmp_path_factory):
    """gunicorn with compose's web settings; only the database is a local SQLite file."""
    workdir = tmp_path_factory.mktemp("web")
    port = _free_port()
    env = {
        **os.environ,
        **{key: str(value) for key, value in compose["services"]["web"]["environment"].items()},
        "PORT": str(port),
        "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
        "REDIS_URL": "",
        "CELERY_BROKER_URL": "",
        "MEDIA_ROOT": str(workdir / "media"),
        "SECRET_KEY": "compose-test-secret-key-0123456789abcdefghijklmnop",
        "ALLOWED_HOSTS": SITE,
        # Sign-in codes read from the log, as the README's trial setup does.
        "SMS_BACKEND": "console",
        "ALLOW_CONSOLE_SMS": "true",
        "LOG_LEVEL": "info",  # the request lines, with the client IP
        "PYTHONUNBUFFERED": "1",
    }
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=120)
    for mobile in ADMIN_MOBILES:
        subprocess.run(
            [python, "manage.py", "create_user", "--role", "admin", "--mobile", mobile, "--name", "Front Desk Admin"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=60,
        )
    log = workdir / "gunicorn.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [str(Path(python).with_name("gunicorn")), "arthomed.wsgi:application", "--bind", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and b"Booting worker" not in log.read_bytes():
            time.sleep(0.2)
        time.sleep(0.5)
        yield {"port": port, "env": env, "log": log}
    finally:
        process.terminate()
        process.wait(timeout=10)


class Browser:
    """A front-desk browser: keeps cookies (all must be Secure) and sends what a browser sends."""

    def __init__(self, open_connection, origin: str, extra_headers: dict):
        self.open_connection = open_connection
        self.origin = origin
        self.extra_headers = extra_headers
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None):
        headers = {
            **self.extra_headers,
            "Host": self.origin.removeprefix("https://"),
            "Cookie": "; ".join(f"{key}={value}" for key, value in self.cookies.items()),
        }
        if form is not None:
            headers |= {
                "Origin": self.origin,
                "Referer": f"{self.origin}/admin/login/",
                "Content-Type": "application/x-www-form-urlencoded",
            }
        connection = self.open_connection()
        connection.request(method, path, body=urlencode(form) if form else None, headers=headers)
        response = connection.getresponse()
        page = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            for key, morsel in SimpleCookie(header).items():
                assert morsel["secure"], f"{key} cookie must be Secure behind HTTPS"
                self.cookies[key] = morsel.value
        return response, page


def _sign_in_to_the_admin(browser: Browser, server_log: Path, mobile: str) -> None:
    response, page = browser.request("GET", "/admin/login/")
    assert response.status == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = {"csrfmiddlewaretoken": token, "mobile_number": mobile}
    response, page = browser.request("POST", "/admin/login/", form | {"action": "send"})
    assert response.status == 200, page

    codes: list[bytes] = []

    def code_printed() -> bool:
        codes[:] = re.findall(rb"SMS to \+91" + mobile.encode() + rb": (\d{6})", server_log.read_bytes())
        return bool(codes)

    assert _wait_for(code_printed, 10), "the sign-in code was printed by the console backend"
    form |= {"otp": codes[-1].decode(), "next": "/admin/"}
    response, page = browser.request("POST", "/admin/login/?next=/admin/", form)
    assert response.status == 302, page
    assert response.headers["Location"] == "/admin/"
    response, page = browser.request("GET", "/admin/")
    assert response.status == 200
    assert "Site administration" in page
    assert 'id="logout-form"' in page  # signed in, not bounced to the login page


def test_web_healthcheck_passes_whatever_allowed_hosts(compose, web):
    """The exact healthcheck command of docker-compose.yml, against a server allowing only the site's name."""
    command = compose["services"]["web"]["healthcheck"]["test"]
    assert command[0] == "CMD"
    result = subprocess.run(command[1:], env=web["env"], capture_output=True, text=True, timeout=10, check=False)
    assert result.returncode == 0, result.stderr
    # Every other path still enforces ALLOWED_HOSTS.
    connection = http.client.HTTPConnection("127.0.0.1", web["port"], timeout=10)
    connection.request("GET", "/api/users/doctors")
    assert connection.getresponse().status == 400


def test_front_desk_pc_signs_in_with_the_headers_the_proxy_sets(web):
    """gunicorn alone, receiving what Caddy forwards: the site's Host, X-Forwarded-Proto, the PC's address."""
    browser = Browser(
        lambda: http.client.HTTPConnection("127.0.0.1", web["port"], timeout=10),
        f"https://{SITE}",
        {"X-Forwarded-Proto": "https", "X-Forwarded-For": FRONT_DESK_PC},
    )
    _sign_in_to_the_admin(browser, web["log"], ADMIN_MOBILES[0])


# --- the committed Caddyfile, run by a real Caddy in front of that gunicorn ----------------------


@pytest.fixture(scope="module")
def proxy(web, tmp_path_factory):
    caddy = shutil.which("caddy")
    if not caddy:
        pytest.skip("needs caddy (Debian package caddy) to run the committed Caddyfile")
    workdir = tmp_path_factory.mktemp("caddy")
    http_port, https_port = _free_port(), _free_port()
    # The committed file, with loopback ports instead of 80/443 and gunicorn instead of the `web` container.
    config = (ROOT / "Caddyfile").read_text()
    assert "reverse_proxy web:3001" in config and "\tskip_install_trust\n" in config
    config = config.replace("reverse_proxy web:3001", f"reverse_proxy 127.0.0.1:{web['port']}")
    config = config.replace(
        "\tskip_install_trust\n",
        f"\tskip_install_trust\n\tadmin off\n\tdefault_bind 127.0.0.1\n"
        f"\thttp_port {http_port}\n\thttps_port {https_port}\n",
    )
    (workdir / "Caddyfile").write_text(config)
    env = {
        **os.environ,
        "SITE_ADDRESS": SITE,
        "HOME": str(workdir),
        "XDG_DATA_HOME": str(workdir / "data"),
        "XDG_CONFIG_HOME": str(workdir / "config"),
    }
    root_certificate = workdir / "data" / "caddy" / "pki" / "authorities" / "local" / "root.crt"
    with (workdir / "caddy.log").open("wb") as sink:
        process = subprocess.Popen(
            [caddy, "run", "--config", str(workdir / "Caddyfile"), "--adapter", "caddyfile"],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        assert _wait_for(root_certificate.exists, 30), (workdir / "caddy.log").read_text()
        context = ssl.create_default_context(cafile=str(root_certificate))

        def open_connection():
            return VerifiedHTTPSConnection(https_port, context)

        assert _wait_for(lambda: _responds(open_connection), 30), (workdir / "caddy.log").read_text()
        yield {"open_connection": open_connection, "origin": f"https://{SITE}:{https_port}"}
    finally:
        process.terminate()
        process.wait(timeout=10)


class VerifiedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to Caddy on loopback, verifying its certificate for the site's name with Caddy's root."""

    def __init__(self, port: int, context: ssl.SSLContext):
        super().__init__("127.0.0.1", port, timeout=10, context=context)

    def connect(self):
        raw = socket.create_connection((self.host, self.port), timeout=self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=SITE)


def _responds(open_connection) -> bool:
    try:
        connection = open_connection()
        connection.request("GET", "/health", headers={"Host": SITE})
        return connection.getresponse().status == 200
    except OSError:
        return False


def test_front_desk_pc_signs_in_through_the_tls_proxy(proxy, web):
    """Real HTTPS, the certificate verified with the local CA's root the README tells PCs to trust."""
    _sign_in_to_the_admin(Browser(proxy["open_connection"], proxy["origin"], {}), web["log"], ADMIN_MOBILES[1])


def test_a_forged_x_forwarded_for_does_not_set_the_client_ip(proxy, web):
    connection = proxy["open_connection"]()
    forged = "203.0.113.77"
    connection.request(
        "GET", "/api/users/doctors?forged=1", headers={"Host": SITE, "X-Forwarded-For": forged, "X-Real-IP": forged}
    )
    assert connection.getresponse().status in {200, 401}
    lines = [line for line in web["log"].read_text().splitlines() if '"path": "/api/users/doctors"' in line]
    entries = [json.loads(line) for line in lines]
    assert entries, "the request was logged"
    assert entries[-1]["ip"] == "127.0.0.1"  # the peer Caddy saw, not what the client claimed
    assert forged not in web["log"].read_text()


@pytest.mark.django_db
def test_health_answers_probes_by_address_while_other_paths_check_the_host(client, settings):
    settings.ALLOWED_HOSTS = [SITE]
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/health", HTTP_HOST="127.0.0.1:3001")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert client.get("/admin/login/", HTTP_HOST="127.0.0.1:3001").status_code == 400
    assert client.get("/api/users/doctors", HTTP_HOST="evil.example").status_code == 400


def _celery_env(tmp_path) -> dict:
    broker = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    return {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "DEBUG": "false",
        "SECRET_KEY": "compose-test-secret-key-0123456789abcdefghijklmnop",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "REDIS_URL": "",
        "CELERY_BROKER_URL": broker,
        "HOSTNAME": socket.gethostname(),  # what Docker sets in every container
    }


def _wait_for(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return False


@pytest.mark.redis
def test_worker_healthcheck_answers_only_while_the_worker_runs(compose, tmp_path):
    check = compose["services"]["worker"]["healthcheck"]["test"]
    assert check[0] == "CMD-SHELL"
    command = check[1].replace("$$", "$")  # compose's escape for a literal $
    env = _celery_env(tmp_path)

    def healthy() -> bool:
        return subprocess.run(["sh", "-c", command], cwd=ROOT, env=env, timeout=60, check=False).returncode == 0

    log = tmp_path / "worker.log"
    with log.open("wb") as sink:
        worker = subprocess.Popen(
            [*compose["services"]["worker"]["command"], "--pool", "solo", "--without-mingle", "--without-gossip"],
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            executable=str(Path(sys.executable).with_name("celery")),
        )
    try:
        assert _wait_for(lambda: b" ready." in log.read_bytes(), 60), log.read_text()
        assert healthy(), "the running worker answers the healthcheck's ping"
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert not healthy()


@pytest.mark.redis
def test_beat_healthcheck_follows_its_schedule_file(compose, tmp_path):
    beat_service = compose["services"]["beat"]
    schedule = beat_service["command"][beat_service["command"].index("--schedule") + 1]
    check = beat_service["healthcheck"]["test"]
    assert check[0] == "CMD"
    probe = [part.replace(schedule, str(tmp_path / "celerybeat-schedule")) for part in check[1:]]
    env = _celery_env(tmp_path)
    command = [part.replace(schedule, str(tmp_path / "celerybeat-schedule")) for part in beat_service["command"]]

    def healthy() -> bool:
        return subprocess.run(probe, env=env, timeout=30, check=False).returncode == 0

    assert not healthy(), "no schedule file yet: unhealthy"
    beat = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        executable=str(Path(sys.executable).with_name("celery")),
    )
    try:
        assert _wait_for(healthy, 60), "a running beat keeps its schedule file fresh"
    finally:
        beat.terminate()
        beat.wait(timeout=30)
    stale = time.time() - 3600
    for path in tmp_path.glob("celerybeat-schedule*"):
        os.utime(path, (stale, stale))
    assert not healthy(), "a schedule file nobody rewrote for an hour: unhealthy"
