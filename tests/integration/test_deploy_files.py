"""deploy/: the container recipe runs the same commands as the systemd recipe, and both match the app's limits.

No Docker engine runs here, so the Dockerfile and compose file are checked by reading them; the systemd recipe is
run for real by tests/functional/test_deploy_topology.py.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"


def normalise(command: list[str]) -> list[str]:
    """The executable by name (/opt/prongsai/venv/bin/gunicorn → gunicorn), the rest as it is."""
    return [Path(command[0]).name, *command[1:]]


def exec_start(unit: str) -> list[str]:
    lines = [line for line in (DEPLOY / "systemd" / unit).read_text().splitlines() if line.startswith("ExecStart=")]
    assert len(lines) == 1, unit
    return shlex.split(lines[0].removeprefix("ExecStart="))


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def dockerfile_cmd() -> list[str]:
    text = (DEPLOY / "Dockerfile").read_text()
    match = re.search(r"^CMD (\[.*\])$", text, re.M)
    assert match, "the Dockerfile has an exec-form CMD"
    return json.loads(match.group(1))


def test_compose_file_is_valid_yaml_with_the_production_topology():
    spec = compose()
    services = spec["services"]
    assert set(services) == {"db", "migrate", "app", "worker", "proxy"}
    assert services["db"]["image"].startswith("postgres:")
    assert services["worker"]["deploy"]["replicas"] == 2
    assert services["app"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    for name in ("migrate", "app", "worker"):
        service = services[name]
        assert service["image"] == "prongsai:local"
        assert service["environment"]["DATABASE_URL"].startswith("postgres://prongsai:${POSTGRES_PASSWORD")
        assert "data:/var/lib/prongsai" in service["volumes"]
    assert services["migrate"]["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}
    mounts = {m.split(":")[0]: m.split(":")[1] for m in services["proxy"]["volumes"]}
    # every mounted file ships in deploy/, except the TLS certificates the operator brings
    assert {source for source in mounts if not (DEPLOY / source).exists()} == {"./certs"}
    assert mounts["./nginx/compose-upstream.conf"] == "/etc/nginx/snippets/prongsai-upstream.conf"
    assert "443:443" in services["proxy"]["ports"]
    # the app believes forwarding headers only from the compose network the proxy is on
    subnet = spec["networks"]["internal"]["ipam"]["config"][0]["subnet"]
    assert services["app"]["environment"]["PRONGSAI_TRUSTED_PROXIES"] == subnet


def test_containers_run_the_commands_of_the_systemd_units():
    services = compose()["services"]
    web, worker, migrate = (
        exec_start(u) for u in ("prongsai-web.service", "prongsai-worker@.service", "prongsai-migrate.service")
    )
    assert normalise(services["app"]["command"]) == normalise(web)
    assert normalise(services["worker"]["command"]) == normalise(worker)
    assert normalise(services["migrate"]["command"]) == normalise(migrate)
    assert normalise(dockerfile_cmd()) == normalise(web)
    # the gunicorn settings file the units name is the one the image installs
    config = web[web.index("--config") + 1]
    assert f"cp /opt/prongsai/src/deploy/gunicorn.conf.py {config}" in (DEPLOY / "Dockerfile").read_text()
    assert normalise(worker)[:3] == ["prongsai", "manage", "db_worker"]
    assert normalise(migrate) == ["prongsai", "migrate"]


def test_body_size_limits_agree():
    from prongsai.web.oit import uploads

    site = (DEPLOY / "nginx" / "prongsai.conf").read_text()
    nginx_mb = int(re.search(r"client_max_body_size (\d+)m;", site).group(1))
    from django.conf import settings

    app_mb = settings.PRONGSAI_MAX_REQUEST_BYTES // (1024 * 1024)  # the default: the tests set no PRONGSAI_MAX_*
    assert nginx_mb == app_mb == 25
    # the largest evidence file the app accepts always fits in one request, with room for the multipart envelope
    assert uploads.max_upload_bytes() <= (app_mb - 1) * 1024 * 1024


def test_site_includes_only_files_that_deploy_provides():
    site = (DEPLOY / "nginx" / "prongsai.conf").read_text()
    for include in re.findall(r"include (/etc/nginx/snippets/[\w.-]+);", site):
        name = Path(include).name
        assert (DEPLOY / "nginx" / name).exists(), name
    proxy = (DEPLOY / "nginx" / "prongsai-proxy.conf").read_text()
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in proxy  # replaced, never appended


def test_every_variable_of_the_environment_file_is_documented():
    documented = (REPO / "docs" / "configuration.md").read_text()
    keys = [
        line.split("=", 1)[0]
        for line in (DEPLOY / "prongsai.env.example").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    assert keys
    for key in keys:
        assert f"`{key}`" in documented, key
