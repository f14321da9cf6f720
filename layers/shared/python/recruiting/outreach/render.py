"""Personalised outreach e-mails from recruiters' templates.

Recruiters write a ``subject`` and a plain-text ``body`` with tokens:

    {{ first_name }}  {{ last_name }}  {{ job_title }}
    {{ recruiter_name }}  {{ signature }}  {{ company }}

A value may be unknown (None or blank); a token then renders as nothing. Give
a fallback with the ``default`` filter and ``true`` so blank values fall back too:

    Hi {{ first_name | default("there", true) }},

Besides tokens and ``default`` a template may use ``{% if token %}...{% endif %}``
(with elif/else, and/or/not, ``~``) and the filters upper, lower, title,
capitalize and trim. Everything else (attribute access, calls, loops,
arithmetic, includes) is refused when the sequence is created: templates come
from users, and none of it is needed to greet someone by name.

The body is rendered once, as text; the HTML part is built from that text,
escaped, so whatever a recruiter or a candidate typed shows up as typed.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Final, Literal
from urllib.parse import urlsplit

import jinja2
from jinja2 import meta, nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

TemplateField = Literal["subject", "body"]
TemplateRule = Literal["template_syntax", "unknown_token", "too_long", "template_unsafe"]

TOKENS: Final = frozenset(
    {"first_name", "last_name", "job_title", "recruiter_name", "signature", "company"}
)
FILTERS: Final = frozenset({"default", "d", "upper", "lower", "title", "capitalize", "trim"})
MAX_SUBJECT: Final = 200
MAX_BODY: Final = 20_000

# The template constructs a recruiter may use; everything else is refused
# before the template is compiled (the compiler folds constants, so even
# compiling ``{{ 9**9**9 }}`` would hang).
_ALLOWED_NODES: Final = (
    nodes.Template,
    nodes.Output,
    nodes.TemplateData,
    nodes.Name,
    nodes.Const,
    nodes.Filter,
    nodes.Keyword,
    nodes.If,
    nodes.CondExpr,
    nodes.And,
    nodes.Or,
    nodes.Not,
    nodes.Concat,
)
_LIMITS: Final[dict[TemplateField, int]] = {"subject": MAX_SUBJECT, "body": MAX_BODY}
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


class TemplateError(ValueError):
    """A template that cannot be used: which field, which rule, and a sentence for people."""

    def __init__(self, field: TemplateField, rule: TemplateRule, message: str) -> None:
        super().__init__(message)
        self.field: TemplateField = field
        self.rule: TemplateRule = rule
        self.message = message


@dataclass(frozen=True)
class Footer:
    """What every outreach e-mail must carry: a postal address and a way out."""

    postal_address: str
    unsubscribe_url: str

    def __post_init__(self) -> None:
        if not self.postal_address.strip():
            raise ValueError("the footer needs a postal address")
        url = self.unsubscribe_url
        if urlsplit(url).scheme not in {"http", "https"} or any(
            char.isspace() or unicodedata.category(char) == "Cc" for char in url
        ):
            raise ValueError(f"the unsubscribe URL must be a plain http(s) URL, got {url!r}")


@dataclass(frozen=True)
class Rendered:
    """One e-mail ready for the mailer: a one-line subject, a text part and an HTML part."""

    subject: str
    text: str
    html: str


def check_template(subject: str, body: str) -> None:
    """Refuse a template that would fail, or be unsafe, when it is sent; TemplateError if so.

    Run when a sequence is created, so a recruiter hears about a typo at once
    instead of the sender failing days later.
    """
    _check("subject", subject)
    _check("body", body)


def render(subject: str, body: str, values: Mapping[str, str | None], footer: Footer) -> Rendered:
    """The e-mail for one recipient; TemplateError if the template is not usable.

    ``values`` are untrusted (names typed by candidates): they are inserted as
    text, escaped in the HTML part, and cannot break the subject line.
    """
    check_template(subject, body)
    context = _context(values)
    text = _normalise_newlines(_render_field("body", body, context)).strip()
    return Rendered(
        subject=_one_line(_render_field("subject", subject, context)),
        text=f"{text}\n\n{_text_footer(footer)}\n" if text else f"{_text_footer(footer)}\n",
        html=_document(text, footer),
    )


class _Environment(SandboxedEnvironment):
    """The sandbox, with nothing but the tokens' filters and no globals."""

    def __init__(self) -> None:
        # Text, not HTML: the body is escaped as a whole when the HTML is built.
        super().__init__(autoescape=False, undefined=jinja2.ChainableUndefined)
        self.filters = {name: self.filters[name] for name in FILTERS}
        self.tests = {}
        self.globals = {}


_ENV: Final = _Environment()


def _check(field: TemplateField, source: str) -> None:
    """All of check_template's rules for one field, cheapest first."""
    if len(source) > _LIMITS[field]:
        raise TemplateError(
            field, "too_long", f"at most {_LIMITS[field]} characters, got {len(source)}"
        )
    try:
        tree = _ENV.parse(source)
    except jinja2.TemplateSyntaxError as error:
        raise TemplateError(field, "template_syntax", _syntax_message(error)) from error
    except RecursionError as error:
        raise TemplateError(
            field, "template_syntax", "the template is nested too deeply"
        ) from error
    _refuse_unsafe(field, tree)
    try:
        unknown = meta.find_undeclared_variables(tree) - TOKENS
    except jinja2.TemplateSyntaxError as error:  # an unknown filter
        raise TemplateError(field, "template_syntax", _syntax_message(error)) from error
    # Jinja never counts its own ``self`` (the template) as undeclared: check every name.
    unknown |= {node.name for node in tree.find_all(nodes.Name)} - TOKENS
    if unknown:
        raise TemplateError(
            field,
            "unknown_token",
            f"unknown token {', '.join(sorted(unknown))}; use {', '.join(sorted(TOKENS))}",
        )
    # Compiling catches unknown filters; rendering with every value present and
    # with every value missing catches filters called with the wrong arguments.
    _render_field(field, source, {})
    _render_field(field, source, dict.fromkeys(TOKENS, "x"))


def _refuse_unsafe(field: TemplateField, tree: nodes.Template) -> None:
    """TemplateError for the first construct outside the allowed few."""
    for node in _walk(tree):
        if not isinstance(node, _ALLOWED_NODES):
            line = f" on line {node.lineno}" if getattr(node, "lineno", None) else ""
            raise TemplateError(
                field,
                "template_unsafe",
                f"{type(node).__name__.lower()} is not allowed in templates{line}; "
                "use tokens like {{ first_name }}, the default filter and {% if %}",
            )


def _walk(tree: nodes.Node) -> Iterator[nodes.Node]:
    """Every node of a tree, without recursion (a hostile template may nest deeply)."""
    pending = [tree]
    while pending:
        node = pending.pop()
        yield node
        pending.extend(node.iter_child_nodes())


@lru_cache(maxsize=256)
def _compile(source: str) -> jinja2.Template:
    """A compiled template; the sender renders the same few templates many times."""
    return _ENV.from_string(source)


def _render_field(field: TemplateField, source: str, context: dict[str, str]) -> str:
    """Render one checked template, turning every failure into a TemplateError."""
    try:
        return _compile(source).render(context)
    except SecurityError as error:
        raise TemplateError(field, "template_unsafe", f"unsafe template: {error}") from error
    except jinja2.TemplateSyntaxError as error:
        raise TemplateError(field, "template_syntax", _syntax_message(error)) from error
    except Exception as error:  # a filter given the wrong arguments, and the like
        raise TemplateError(
            field, "template_syntax", f"the template cannot be rendered: {error}"
        ) from error


def _syntax_message(error: jinja2.TemplateSyntaxError) -> str:
    """Jinja's sentence, with the line a recruiter should look at."""
    message = (error.message or "invalid template").rstrip(".")
    return f"{message} (line {error.lineno})" if error.lineno else message


def _context(values: Mapping[str, str | None]) -> dict[str, str]:
    """Known tokens with a usable value; None and blank values are left out.

    Left out, a token is undefined: it renders as nothing and ``default`` applies
    (also without its ``true`` argument, which only matters for empty strings).
    """
    return {
        name: str(value)
        for name, value in values.items()
        if name in TOKENS and value is not None and str(value).strip()
    }


def _one_line(subject: str) -> str:
    """A subject that cannot inject headers: no control characters, single spaces, capped."""
    visible = "".join(" " if unicodedata.category(char) == "Cc" else char for char in subject)
    return " ".join(visible.split())[:MAX_SUBJECT].rstrip()


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _text_footer(footer: Footer) -> str:
    address = _normalise_newlines(footer.postal_address).strip()
    return f"--\n{address}\nUnsubscribe: {footer.unsubscribe_url}"


def _paragraphs(text: str) -> str:
    """Blank-line separated paragraphs as <p>, single newlines as <br>, all escaped."""
    blocks = (block.strip("\n") for block in _PARAGRAPH_BREAK.split(text))
    return "".join(f"<p>{_lines(block)}</p>\n" for block in blocks if block.strip())


def _lines(block: str) -> str:
    return "<br>".join(html.escape(line) for line in block.split("\n"))


def _document(text: str, footer: Footer) -> str:
    """The HTML part: the body's paragraphs, then the footer with a real link."""
    address = _lines(_normalise_newlines(footer.postal_address).strip())
    link = f'<a href="{html.escape(footer.unsubscribe_url)}">Unsubscribe</a>'
    return (
        "<!doctype html><html><body>\n"
        f"{_paragraphs(text)}"
        f"<p>--<br>{address}<br>{link}</p>\n"
        "</body></html>\n"
    )
