from django.test import override_settings

from audit.models import AuditEvent


def test_each_response_carries_a_fresh_request_id(client, db):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert len(first) == 32
    assert first != second


def test_a_clients_request_id_is_ignored_by_default(client, db):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="chosen-by-client-123")
    assert response["X-Request-ID"] != "chosen-by-client-123"


@override_settings(TRUST_X_REQUEST_ID=True)
def test_a_trusted_proxys_request_id_reaches_the_audit_trail(client, agent):
    client.post(
        "/accounts/login/",
        {"username": agent.username, "password": "correct-horse-battery-staple"},
        HTTP_X_REQUEST_ID="proxy-id-0001",
    )
    assert AuditEvent.objects.get(action="auth.login").request_id == "proxy-id-0001"


@override_settings(TRUST_X_REQUEST_ID=True)
def test_a_request_id_that_is_not_an_id_is_replaced(client, db):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="Ada Testperson <script>")
    assert response["X-Request-ID"] != "Ada Testperson <script>"


@override_settings(SECURE_SSL_REDIRECT=True)
def test_health_check_answers_plain_http_probes(client, db):
    assert client.get("/healthz").status_code == 200
    assert client.get("/accounts/login/").status_code == 301
