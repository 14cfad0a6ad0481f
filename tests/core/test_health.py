"""/healthz for load balancers: 200 when the database, the cache and the storage work, 503
naming the failing check otherwise; answered whatever the Host, over plain HTTP, never cached."""

import socket

import pytest

pytestmark = pytest.mark.django_db


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def queue_lag():
    """A check another app would add (settings.HEALTH_CHECKS)."""
    raise RuntimeError("tasks waiting for 20 minutes")


def test_all_well_is_200_json(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "failing": [],
        "checks": {"database": "ok", "cache": "ok", "storage": "ok", "task_queue": "ok"},
    }
    assert "no-store" in response["Cache-Control"]


def test_a_load_balancer_probes_by_address_over_plain_http(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/healthz", HTTP_HOST="10.20.30.40:8000")
    assert response.status_code == 200


def test_no_language_prefix(client):
    assert client.get("/ja/healthz").status_code == 404


def test_database_down_is_503_naming_the_database(client, database_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["database"]
    assert response.json()["checks"]["storage"] == "ok"


def test_cache_unreachable_is_503_naming_the_cache(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/1",
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["cache"]


def test_storage_that_cannot_be_written_is_503_naming_the_storage(client, settings, tmp_path):
    not_a_folder = tmp_path / "media-is-a-file"
    not_a_folder.write_text("")
    settings.MEDIA_ROOT = not_a_folder
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["storage"]


def test_the_storage_probe_leaves_nothing_behind(client, settings):
    client.get("/healthz")
    assert not any(settings.MEDIA_ROOT.rglob("*.txt"))


def test_another_check_joins_through_the_setting(client, settings):
    settings.HEALTH_CHECKS = [*settings.HEALTH_CHECKS, "tests.core.test_health.queue_lag"]
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["queue_lag"]
