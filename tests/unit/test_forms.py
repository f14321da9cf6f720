"""Form bodies: Rack bracket rules, limits, and the answers a client gets."""

from __future__ import annotations

import pytest

from recruiting.errors import MalformedRequest, ValidationFailed
from recruiting.intake.forms import UnsupportedMediaType, UploadedPart, nest, read_body
from support import multipart_body


def test_brackets_nest_into_objects_and_lists():
    assert nest(
        [
            ("a", "1"),
            ("b[c]", "2"),
            ("d[]", "3"),
            ("d[]", "4"),
            ("e[][x]", "5"),
            ("e[][y]", "6"),
            ("e[][x]", "7"),
        ]
    ) == {"a": "1", "b": {"c": "2"}, "d": ["3", "4"], "e": [{"x": "5", "y": "6"}, {"x": "7"}]}


def test_nested_dates_start_a_new_entry_only_when_the_path_repeats():
    assert nest(
        [
            ("edu[][start_date][month]", "8"),
            ("edu[][start_date][year]", "2012"),
            ("edu[][end_date][year]", "2016"),
            ("edu[][start_date][month]", "1"),
        ]
    ) == {
        "edu": [
            {"start_date": {"month": "8", "year": "2012"}, "end_date": {"year": "2016"}},
            {"start_date": {"month": "1"}},
        ]
    }


def test_nested_arrays_always_merge_into_the_last_entry():
    assert nest(
        [
            ("d[][question_id]", "87"),
            ("d[][answer_options][][answer_option_id]", "194"),
            ("d[][question_id]", "88"),
            ("d[][answer_options][][answer_option_id]", "212"),
            ("d[][answer_options][][text]", "Free"),
        ]
    ) == {
        "d": [
            {"question_id": "87", "answer_options": [{"answer_option_id": "194"}]},
            {"question_id": "88", "answer_options": [{"answer_option_id": "212", "text": "Free"}]},
        ]
    }


def test_a_plain_name_given_twice_keeps_both_values():
    assert nest([("links", "a"), ("links", "b"), ("links", "c")]) == {"links": ["a", "b", "c"]}


@pytest.mark.parametrize(
    "pairs",
    [[("a[b", "1")], [("[x]", "1")], [("a", "1"), ("a[b]", "2")], [("a[b]", "1"), ("a", "2")]],
)
def test_contradictory_or_broken_names_are_malformed(pairs):
    with pytest.raises(MalformedRequest):
        nest(pairs)


def test_multipart_files_become_uploaded_parts():
    body, content_type = multipart_body(
        [("first_name", "Ada"), ("resume", ("cv.pdf", b"%PDF-1.4", "application/pdf"))]
    )
    data = read_body(content_type, body, 1024)
    assert data["first_name"] == "Ada"
    assert data["resume"] == UploadedPart("cv.pdf", "application/pdf", b"%PDF-1.4")


def test_a_part_over_the_limit_is_refused():
    body, content_type = multipart_body([("resume", ("cv.pdf", b"x" * 5000, "application/pdf"))])
    with pytest.raises(MalformedRequest, match="limit"):
        read_body(content_type, body, 1024)


def test_urlencoded_forms_are_read():
    assert read_body(
        "application/x-www-form-urlencoded", b"first_name=Ada&answers%5B1%5D=yes", 1024
    ) == {"first_name": "Ada", "answers": {"1": "yes"}}


def test_other_media_types_are_unsupported():
    with pytest.raises(UnsupportedMediaType):
        read_body("text/csv", b"a,b", 1024)
    with pytest.raises(MalformedRequest):
        read_body("multipart/form-data", b"", 1024)


def test_resume_spellings_in_a_form_conflict_clearly():
    from recruiting.intake.forms import native_application

    with pytest.raises(ValidationFailed) as refused:
        native_application({"resume": {"text": "a"}, "resume_text": "b"})
    assert refused.value.errors[0].rule == "one_source"
