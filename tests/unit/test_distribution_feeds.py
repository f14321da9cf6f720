"""The XML and JSON job feeds, their escaping, and conditional requests."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from defusedxml import ElementTree
from hypothesis import given, settings
from hypothesis import strategies as st

from recruiting.distribution.feeds import (
    etag,
    json_feed,
    json_text,
    not_modified,
    salary_text,
    xml_feed,
    xml_text,
)
from recruiting.distribution.posting import Organisation
from recruiting.models.jobs import (
    Address,
    Board,
    EmploymentType,
    Job,
    JobStatus,
    Opening,
    Salary,
    SalaryUnit,
    Workplace,
)

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
PAGE = "https://acme.example/careers/"
ACME = Organisation(name="Acme & Sons", url="https://acme.example")


def _job(job_id: int = 1, **fields: object) -> Job:
    opened = NOW - timedelta(days=3)
    values: dict[str, object] = {
        "id": job_id,
        "title": "Welder",
        "status": JobStatus.OPEN,
        "boards": ("acme",),
        "description_html": "<p>Weld.</p>",
        "created_at": opened,
        "updated_at": opened + timedelta(hours=1),
        "opened_at": opened,
        "openings": (Opening(opened_at=opened),),
        **fields,
    }
    return Job.model_validate(values)


def _parsed(body: str) -> ElementTree.Element:
    return ElementTree.fromstring(body.encode("utf-8"))


def test_the_feed_has_indeeds_shape():
    jobs = [
        _job(
            1,
            requisition_id="W-1",
            address=Address(street="1 Main St", locality="Springfield", region="IL", country="US"),
            salary=Salary(min=20, max=25.5, currency="USD", unit=SalaryUnit.HOUR),
            employment_type=EmploymentType.CONTRACT,
            department="Workshop",
        ),
        _job(2, workplace=Workplace.REMOTE, remote_countries=("CA",), category="Trades"),
    ]
    body = xml_feed(jobs, ACME, PAGE, NOW, source="board")
    assert body.startswith('<?xml version="1.0" encoding="utf-8"?>\n<source>')
    root = _parsed(body)
    assert root.findtext("publisher") == "Acme & Sons"
    assert root.findtext("lastBuildDate") == "2026-05-29T13:00:00Z"
    first, second = root.findall("job")
    assert first.findtext("requisitionid") == "W-1"
    assert first.findtext("url") == f"{PAGE}?job=1&gh_src=board"
    assert first.findtext("city") == "Springfield"
    assert first.findtext("postalcode") == ""
    assert first.findtext("salary") == "20 - 25.50 USD per hour"
    assert first.findtext("jobtype") == "contract"
    assert first.findtext("category") == "Workshop"  # the department, without a category
    assert first.find("remotetype") is None
    assert first.findtext("date") == "2026-05-29T13:00:00Z"
    assert first.findtext("expirationdate") == "2026-07-28T12:00:00Z"
    assert second.find("requisitionid") is None
    assert (second.findtext("country"), second.findtext("remotetype")) == ("CA", "Fully remote")
    assert second.findtext("category") == "Trades"


def test_an_empty_board_has_no_build_date_and_the_same_body_later():
    root = _parsed(xml_feed([], ACME, PAGE, NOW))
    assert root.find("lastBuildDate") is None
    assert root.findall("job") == []
    # so its ETag holds while nothing changes
    assert xml_feed([], ACME, PAGE, NOW) == xml_feed([], ACME, PAGE, NOW + timedelta(hours=1))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=80))
def test_any_text_round_trips_minus_what_xml_forbids(text):
    job = _job(title=text or "x", description_html=text)
    root = _parsed(xml_feed([job], ACME, PAGE, NOW))
    expected = xml_text(text)
    assert root.find("job").findtext("description") == expected  # type: ignore[union-attr]


def test_forbidden_characters_are_dropped_and_line_ends_normalised():
    assert xml_text("a\x00b\x08c\x0bd\x0ce\x1ff\ufffeg\uffffh") == "abcdefgh"
    assert xml_text("tab\there\r\nnew\rline") == "tab\there\nnew\nline"
    assert xml_text("\ud800lone") == "lone"
    assert xml_text("keep \x7f\x85 \U0001f916 ]]> & <") == "keep \x7f\x85 \U0001f916 ]]> & <"
    assert xml_text(None) == ""


def test_markup_in_text_is_escaped_not_interpreted():
    job = _job(title='<job a="1"> & ]]>', description_html="<![CDATA[x]]><b>y</b>")
    body = xml_feed([job], ACME, PAGE, NOW)
    assert "]]&gt;" in body
    node = _parsed(body).find("job")
    assert node is not None
    assert node.findtext("title") == '<job a="1"> & ]]>'
    assert node.findtext("description") == "<![CDATA[x]]><b>y</b>"


def test_salary_text():
    assert salary_text(Salary(min=70_000, max=90_000, currency="EUR", unit=SalaryUnit.YEAR)) == (
        "70000 - 90000 EUR per year"
    )
    assert salary_text(Salary(max=4000, currency="GBP", unit=SalaryUnit.MONTH)) == (
        "4000 GBP per month"
    )
    assert salary_text(Salary(min=12.5, max=12.5, currency="EUR", unit=SalaryUnit.HOUR)) == (
        "12.50 EUR per hour"
    )


def test_the_json_feed_is_json_feed_1_1_with_the_posting_in_an_extension():
    board = Board(token="acme", name="Acme")
    feed = json_feed(board, [_job(3, department="Shop")], ACME, PAGE, "https://api/f", NOW, "x")
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["home_page_url"] == f"{PAGE}?gh_src=x"
    assert feed["authors"] == [{"name": "Acme & Sons", "url": "https://acme.example"}]
    (item,) = feed["items"]
    assert item["id"] == "3"
    assert item["url"] == f"{PAGE}?job=3&gh_src=x"
    assert item["date_published"] == "2026-05-29T12:00:00Z"
    assert item["date_modified"] == "2026-05-29T13:00:00Z"
    assert item["tags"] == ["Shop"]
    assert item["_job_posting"]["@type"] == "JobPosting"
    assert item["_job_posting"]["url"] == item["url"]


def test_json_text_is_safe_inside_a_script_element():
    text = json_text({"description": "</script><b>&</b>", "name": "Zoë"})
    assert "<" not in text
    assert ">" not in text
    assert "&" not in text
    assert "Zoë" in text
    assert json.loads(text) == {"description": "</script><b>&</b>", "name": "Zoë"}


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, False),
        ("", False),
        ("*", True),
        ('"abc"', True),
        ('W/"abc"', True),
        ('"x", W/"abc"', True),
        ('"abcd"', False),
        ("abc", False),
    ],
)
def test_if_none_match(header, expected):
    assert not_modified(header, '"abc"') is expected


def test_etags_follow_the_body():
    assert etag("a") == etag("a")
    assert etag("a") != etag("b")
    assert etag("a").startswith('"')
    assert etag("a").endswith('"')
