from django.conf import settings
from django.test import override_settings


def test_healthy(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok", "field_keys": "ok", "status": "ok"}
    assert response["Cache-Control"].startswith("max-age=0")


@override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0")
def test_unreachable_broker_is_named(client, db):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "failing: broker"
    assert response.json()["database"] == "ok"


def test_missing_queue_folder_is_named(client, db, tmp_path):
    options = {**settings.CELERY_BROKER_TRANSPORT_OPTIONS, "data_folder_in": str(tmp_path / "gone")}
    with override_settings(CELERY_BROKER_URL="filesystem://", CELERY_BROKER_TRANSPORT_OPTIONS=options):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert "broker" in response.json()["status"]


def test_unanswering_database_is_named(client, db, monkeypatch):
    from portal import views

    class Unanswering:
        def cursor(self):
            raise OSError("connection refused")

    monkeypatch.setattr(views, "connection", Unanswering())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "failing: database"
