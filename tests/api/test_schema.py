"""Schemathesis: every GET operation of the OpenAPI schema, with a token of every persona (each role, the
neighbouring district and another province's district), against the app in-process (WSGI): no server error, and every response
matches the schema (status code, content type, body)."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings

from konvergensi.api import tokens
from tests.conftest import PERSONAS

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_get_operation_conforms(world, settings, persona):
    settings.KONVERGENSI_API_RATE = "100000/min"
    secret = tokens.create(user=world.user(persona), scope=world.scopes[persona], name="st", days=5).secret
    # Django's WSGI handler closes the database connection at the end of each request; Django's own test
    # client disconnects that, and so must a WSGI caller inside a test's transaction (on PostgreSQL the
    # closed connection is the test's).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        _check_every_get(secret)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _check_every_get(secret: str) -> None:
    app = get_wsgi_application()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [r.ok() for r in schema.get_all_operations()]
    gets = [op for op in operations if op.method.upper() == "GET"]
    assert len(gets) >= 6
    for op in gets:

        @given(case=op.as_strategy())
        @hyp_settings(max_examples=5, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def check(case):
            case.call_and_validate(headers={"Authorization": f"Bearer {secret}"})

        check()
