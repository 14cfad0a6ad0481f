import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from drf_spectacular.validation import validate_schema
from hypothesis import HealthCheck, settings

from tests.api.conftest import release_with_everything

pytestmark = pytest.mark.django_db

RELEASE_FILTERS = {"q", "country", "year", "month", "from", "to", "agreement", "official"}


@pytest.fixture
def schema(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def parameters(schema, path):
    return {p["name"]: p for p in schema["paths"][path]["get"].get("parameters", [])}


def test_the_schema_is_valid_openapi(schema):
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")


def test_the_schema_describes_every_read_only_endpoint(schema):
    assert set(schema["paths"]) == {"/api/meetings.csv", "/api/agreements.csv"} | {
        f"/api/{name}/{detail}"
        for name, key in [
            ("releases", "{slug}"),
            ("meetings", "{id}"),
            ("agreements", "{slug}"),
            ("countries", "{code}"),
            ("officials", "{slug}"),
        ]
        for detail in ("", f"{key}/")
    }
    assert {method for path in schema["paths"].values() for method in path} == {"get"}


def test_the_schema_documents_the_errors_a_client_can_meet(schema):
    """Every operation may answer 400 (a control character in the address, a cookie or a
    header; a list also for an invalid filter) and 404."""
    for path, operations in schema["paths"].items():
        responses = operations["get"]["responses"]
        assert set(responses) == {"200", "400", "404"}, path
        said = responses["400"]["description"]
        assert "control character" in said, path
        assert ("invalid filter" in said) == path.endswith(("s/", ".csv")), path


def test_the_schema_lists_the_release_filters_paging_and_language(schema):
    found = parameters(schema, "/api/releases/")
    assert RELEASE_FILTERS | {"page", "page_size", "lang"} <= set(found)
    assert found["lang"]["schema"]["enum"] == ["en", "ja"]
    assert sorted(found["month"]["schema"]["enum"]) == list(range(1, 13))
    assert found["country"]["schema"]["type"] == "array"  # repeated: ?country=KZ&country=UZ


@pytest.mark.parametrize("path", ["/api/meetings.csv", "/api/agreements.csv"])
def test_the_schema_describes_the_csv_downloads_with_their_filters(schema, path):
    operation = schema["paths"][path]["get"]
    assert set(operation["responses"]["200"]["content"]) == {"text/csv"}
    assert {"country", "year"} <= set(parameters(schema, path))


def test_years_are_integers_and_page_sizes_start_at_one(schema):
    found = parameters(schema, "/api/releases/")
    assert found["year"]["schema"]["type"] == "integer"
    assert found["page_size"]["schema"] == {"type": "integer", "minimum": 1}


def test_the_schema_describes_both_languages_of_each_text(schema):
    release = schema["components"]["schemas"]["ReleaseDetail"]["properties"]
    assert {"title", "title_ja", "title_en", "lead_ja", "lead_en"} <= set(release)


def served_schema():
    """What /api/schema/?format=json serves, made without a request: there is no database while
    tests are collected, and every public response reads the publication schedule."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(schema, renderer_context={}))


fuzzed = schemathesis.openapi.from_dict(served_schema())
fuzzed.app = get_wsgi_application()


@pytest.fixture
def some_data(db):
    release_with_everything("public")
    # The fuzzer calls the WSGI application itself; like Django's test client, keep the end of
    # a request from closing the test's connection (and its transaction) on PostgreSQL.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@fuzzed.parametrize()
@settings(
    max_examples=30,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_schemathesis_finds_no_failure_in_any_operation(case, some_data):
    """Every check schemathesis has, over every operation, with valid and invalid input: no
    server error, responses as described, valid input accepted and invalid input refused."""
    case.call_and_validate()
