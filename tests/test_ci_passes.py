"""The PostgreSQL pass of `.ci/run` keeps every test that reaches a database (tests/conftest.py)."""

from __future__ import annotations

import pytest

from tests.conftest import reaches_a_database


def test_a_test_without_a_database_is_left_to_the_sqlite_pass(request):
    assert not reaches_a_database(request.node)


def test_the_db_fixture_keeps_a_test(request, db):
    assert reaches_a_database(request.node)


@pytest.mark.django_db
def test_the_django_db_mark_keeps_a_test(request):
    assert reaches_a_database(request.node)


@pytest.mark.every_database
def test_a_subprocess_test_is_kept_by_its_mark(request):
    assert reaches_a_database(request.node)


@pytest.mark.postgres
def test_a_postgres_test_is_kept(request):
    assert reaches_a_database(request.node)


def test_the_test_world_keeps_a_test(request, world):
    """`world` asks for `db`: the fixtures a test uses through other fixtures count."""
    assert reaches_a_database(request.node)
