"""Whatever a client sends, the form either validates or names what is wrong."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from recruiting.errors import FieldError, ValidationFailed
from recruiting.intake import greenhouse
from recruiting.intake.forms import field_errors, native_application
from recruiting.models.applications import ApplicationForm

FIELDS = [*list(ApplicationForm.model_fields), "resume_text", "resume_upload_id", "question_1"]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=8))
# Found by this test in CI: "¹".isdigit() is true, but int("¹") fails.
@example(body={"educations": {"¹": None}})
@example(body={"educations": {"٣": None, "0": None}})
def test_any_json_object_validates_or_yields_field_errors(body):
    for shape in (native_application, greenhouse.to_application):
        errors: list[FieldError] = []
        try:
            ApplicationForm.model_validate(shape(body))
        except ValidationError as exc:
            errors = field_errors(exc).errors
            assert errors
        except ValidationFailed as failed:
            errors = failed.errors
        assert all(e.field and e.rule and e.message for e in errors)


@pytest.mark.parametrize("field", ["phone", "location", "source", "links", "answers", "resume"])
def test_optional_fields_accept_null(field):
    form = ApplicationForm.model_validate(
        {"first_name": "A", "last_name": "B", "email": "a@b.co", field: None}
        if field not in ("links", "answers")
        else {"first_name": "A", "last_name": "B", "email": "a@b.co"}
    )
    assert form.email == "a@b.co"
