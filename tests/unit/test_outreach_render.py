"""Outreach e-mails from recruiters' templates: tokens, fallbacks, and hostile input."""

from __future__ import annotations

import pytest

from recruiting.outreach.render import Footer, TemplateError, check_template, render

FOOTER = Footer(
    "Acme Inc., 1 Main St & Sons, Springfield", "https://api.example.com/unsubscribe/a1.b2"
)
GREETING = 'Hi {{ first_name | default("there", true) }},'
VALUES = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "job_title": "Staff Engineer",
    "recruiter_name": "Grace",
    "signature": "Grace Hopper\nTalent, Acme",
    "company": "Acme",
}


def test_tokens_are_replaced_in_subject_and_body():
    # Given a template using every token
    subject = "{{ job_title }} at {{ company }} for {{ first_name }} {{ last_name }}"
    body = "Hi {{ first_name }}, I am {{ recruiter_name }}.\n\n{{ signature }}"
    # When it is rendered for Ada
    rendered = render(subject, body, VALUES, FOOTER)
    # Then each token shows its value
    assert rendered.subject == "Staff Engineer at Acme for Ada Lovelace"
    assert rendered.text.startswith("Hi Ada, I am Grace.\n\nGrace Hopper\nTalent, Acme\n\n--\n")


@pytest.mark.parametrize("first_name", [None, "", "   "])
def test_a_missing_first_name_falls_back(first_name):
    # Given a greeting with a fallback and no usable first name
    values = {**VALUES, "first_name": first_name}
    # When it is rendered
    rendered = render(GREETING, GREETING, values, FOOTER)
    # Then the fallback is used in both parts and the subject
    assert rendered.subject == "Hi there,"
    assert rendered.text.startswith("Hi there,\n")
    assert "<p>Hi there,</p>" in rendered.html


def test_a_token_without_a_value_renders_as_nothing():
    # Given a template whose job title is unknown and a key the template cannot use
    values = {"first_name": "Ada", "job_title": None, "password": "hunter2"}
    # When it is rendered
    body = "Hi {{ first_name }}{{ job_title }}!"
    rendered = render("About {{ job_title }}", body, values, FOOTER)
    # Then the missing token is empty and the subject carries no trailing space
    assert rendered.subject == "About"
    assert rendered.text.startswith("Hi Ada!\n")


def test_conditionals_and_simple_filters_are_allowed():
    # Given a template using if/else and a case filter
    body = "{% if company %}At {{ company | upper }}{% else %}At our company{% endif %}"
    # Then the branch depends on the value
    assert render("s", body, VALUES, FOOTER).text.startswith("At ACME\n")
    assert render("s", body, {}, FOOTER).text.startswith("At our company\n")


def test_hostile_values_are_escaped_in_html_and_verbatim_in_text():
    # Given a first name that is a script tag
    values = {**VALUES, "first_name": "<script>alert(1)</script>", "company": "A&B \"Co\" 'x'"}
    # When a greeting is rendered
    rendered = render("Hello", GREETING + " from {{ company }}", values, FOOTER)
    # Then the text part keeps it as typed and the HTML part shows it, harmlessly, as text
    assert rendered.text.startswith("Hi <script>alert(1)</script>, from A&B \"Co\" 'x'\n")
    assert "<script>" not in rendered.html
    assert (
        "<p>Hi &lt;script&gt;alert(1)&lt;/script&gt;, from A&amp;B &quot;Co&quot; &#x27;x&#x27;</p>"
        in rendered.html
    )


def test_values_are_not_templates():
    # Given a value that looks like a template
    values = {**VALUES, "first_name": "{{ company }}{% if 1 %}x{% endif %}"}
    # Then it is inserted as text, not evaluated
    assert render("{{ first_name }}", "b", values, FOOTER).subject == (
        "{{ company }}{% if 1 %}x{% endif %}"
    )


@pytest.mark.parametrize(
    "hostile",
    ["Ada\r\nBcc: victim@example.com", "Ada\nBcc: victim@example.com", "Ada\x00\x0b\u2028"],
)
def test_a_value_cannot_inject_headers_through_the_subject(hostile):
    # Given a first name with line breaks and control characters
    values = {**VALUES, "first_name": hostile}
    # When the subject is rendered
    subject = render("Hello {{ first_name }}  !", "b", values, FOOTER).subject
    # Then it is one line of single-spaced text
    assert "\r" not in subject
    assert "\n" not in subject
    assert not any(ord(char) < 32 for char in subject)
    assert "  " not in subject
    assert subject.startswith("Hello Ada")


def test_a_long_subject_is_capped_at_200_characters():
    # Given a first name far longer than a subject line
    values = {**VALUES, "first_name": "A" * 500}
    # Then the rendered subject is cut to 200 characters
    assert render("Hi {{ first_name }}", "b", values, FOOTER).subject == "Hi " + "A" * 197


def test_an_unknown_token_is_rejected_with_field_and_rule():
    # Given a body with a misspelt token
    # When the template is checked
    with pytest.raises(TemplateError) as caught:
        check_template("Hi {{ first_name }}", "Hi {{ firstname }}")
    # Then the error names the body, the rule and the token
    assert (caught.value.field, caught.value.rule) == ("body", "unknown_token")
    assert "firstname" in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_a_syntax_error_is_rejected():
    with pytest.raises(TemplateError) as caught:
        check_template("Hi {{ first_name ", "body")
    assert (caught.value.field, caught.value.rule) == ("subject", "template_syntax")
    assert "line 1" in str(caught.value)


@pytest.mark.parametrize(
    "body",
    [
        "{{ first_name | attr('__class__') }}",  # not one of the allowed filters
        "{{ first_name | default(1, 2, 3, 4) }}",  # an allowed filter, wrongly called
    ],
)
def test_filters_are_checked_at_creation(body):
    with pytest.raises(TemplateError) as caught:
        check_template("s", body)
    assert (caught.value.field, caught.value.rule) == ("body", "template_syntax")


@pytest.mark.parametrize(
    "subject",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ first_name.__class__ }}",
        "{{ first_name['__class__'] }}",
        "{{ cycler.__init__.__globals__ }}",
        "{% for i in range(99999) %}{% for j in range(99999) %}x{% endfor %}{% endfor %}",
        "{{ 9 ** 9 ** 9 }}",
        "{% include 'secret.txt' %}",
        "{{ first_name.format(x=1) }}",
    ],
)
def test_sandbox_escapes_and_expensive_constructs_are_rejected(subject):
    # Given a subject that reaches for Python internals or would burn CPU
    # When it is checked, or rendered directly
    # Then it is refused as unsafe before anything runs
    for attempt in (
        lambda: check_template(subject, "b"),
        lambda: render(subject, "b", VALUES, FOOTER),
    ):
        with pytest.raises(TemplateError) as caught:
            attempt()
        assert (caught.value.field, caught.value.rule) == ("subject", "template_unsafe")


@pytest.mark.parametrize(
    ("subject", "body", "field"), [("x" * 201, "b", "subject"), ("s", "x" * 20_001, "body")]
)
def test_templates_over_the_limit_are_rejected(subject, body, field):
    with pytest.raises(TemplateError) as caught:
        check_template(subject, body)
    assert (caught.value.field, caught.value.rule) == (field, "too_long")


def test_templates_at_the_limit_are_accepted():
    check_template("x" * 200, "x" * 20_000)


def test_the_footer_is_in_both_parts():
    # When any e-mail is rendered
    rendered = render("s", "Hello", VALUES, FOOTER)
    # Then the text ends with the postal address and the unsubscribe URL
    assert rendered.text == (
        "Hello\n\n--\nAcme Inc., 1 Main St & Sons, Springfield\n"
        "Unsubscribe: https://api.example.com/unsubscribe/a1.b2\n"
    )
    # And the HTML carries the escaped address and a link
    assert "Acme Inc., 1 Main St &amp; Sons, Springfield" in rendered.html
    assert '<a href="https://api.example.com/unsubscribe/a1.b2">Unsubscribe</a>' in rendered.html


def test_the_unsubscribe_link_is_escaped_in_html():
    footer = Footer("Acme", "https://api.example.com/unsubscribe?t=a1&u=b2")
    html = render("s", "b", VALUES, footer).html
    assert '<a href="https://api.example.com/unsubscribe?t=a1&amp;u=b2">' in html


@pytest.mark.parametrize(
    ("address", "url"),
    [
        ("", "https://api.example.com/u"),
        ("Acme", "javascript:alert(1)"),
        ("Acme", "https://api.example.com/u\r\nBcc: x"),
        ("Acme", "/unsubscribe"),
    ],
)
def test_a_footer_needs_an_address_and_a_web_link(address, url):
    with pytest.raises(ValueError, match=r"postal address|http"):
        Footer(address, url)


def test_html_paragraphs_and_line_breaks():
    # Given a body with two paragraphs (CRLF, and a blank line of spaces), the second two lines
    body = "Hi {{ first_name }},\r\n\r\nWe are hiring.\nWant to talk?\n   \n{{ signature }}\n"
    # When it is rendered
    html = render("s", body, VALUES, FOOTER).html
    # Then it is a minimal document with one <p> per paragraph and <br> for single newlines
    assert html.startswith("<!doctype html><html><body>")
    assert html.rstrip().endswith("</body></html>")
    assert (
        "<p>Hi Ada,</p>\n"
        "<p>We are hiring.<br>Want to talk?</p>\n"
        "<p>Grace Hopper<br>Talent, Acme</p>"
    ) in html
