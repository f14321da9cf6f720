"""The careers page in a real browser: Debian's Chromium, driven by Playwright,
against `make run`. A person lists the jobs, applies with a PDF (small ones in
the request, large ones through a presigned upload to S3), gets every mistake
shown beside its field and announced, and sees a confirmation; the test then
checks what the recruiters' API has stored."""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import urllib.request
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3
import defusedxml.ElementTree
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, Route, expect, sync_playwright

from e2e.conftest import Running
from support import sample_resume_pdf

pytestmark = pytest.mark.e2e

CHROMIUM = "/usr/bin/chromium"
# As root, in a container, on a machine with no route to Google's services.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = os.environ.get("SCREENSHOTS_DIR")
SENIOR_BACKEND = 4000001  # the demo job with questions, EU consent and self-identification
INTERNSHIP = 4000003  # the demo job with no questions


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make browser` installs Debian's chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def problems() -> list[str]:
    """What went wrong in the page: errors it threw and resources that failed."""
    return []


@pytest.fixture
def page(browser: Browser, problems: list[str]) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}")
            if message.type == "error" and "422" not in message.text
            else None
        ),
    )
    yield page
    context.close()
    # The page never throws, and nothing fails to load but the expected 422s
    # (a test that breaks something on purpose takes its own problems out).
    assert problems == []


@pytest.fixture(scope="module")
def embedding_site(running: Running, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A company's own site, on another origin, embedding the page with two tags."""
    root = tmp_path_factory.mktemp("company-site")
    (root / "jobs.html").write_text(
        f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Acme Robotics: jobs</title>
<link rel="icon" href="data:,"></head>
<body><h1>Work at Acme Robotics</h1>
<div data-careers-page data-api-base-url="{running.base}" data-board-token="demo"></div>
<script type="module" src="{running.base}/careers/careers.js"></script>
</body></html>"""
    )

    class Quiet(SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(root), **kwargs)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", running.embedding_port), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"{running.embedding_origin}/jobs.html"
    finally:
        server.shutdown()
        server.server_close()


def api(
    running: Running,
    path: str,
    role: str | None = None,
    method: str = "GET",
    body: dict[str, Any] | None = None,
) -> Any:
    headers = {}
    if role:
        token = next(
            line.split(": ", 1)[1].strip()
            for line in running.output
            if line.startswith(f"{role} token: ")
        )
        headers["Authorization"] = f"Bearer {token}"
    data = None
    if body is not None:
        headers["Content-Type"] = "application/json"
        data = json.dumps(body).encode()
    request = urllib.request.Request(running.base + path, data=data, headers=headers, method=method)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def stored_application(running: Running, job_id: int, application_id: str) -> dict[str, Any]:
    """The application and its candidate's profile, as a recruiter's API shows them."""
    page = api(running, f"/ats/jobs/{job_id}/applications?stage=applied&limit=100", "admin")
    (listed,) = [a for a in page["applications"] if a["application_id"] == application_id]
    profile = api(running, f"/ats/candidates/{listed['candidate_id']}", "admin")
    (application,) = [a for a in profile["applications"] if a["application_id"] == application_id]
    return {"profile": profile, "application": application}


def everything_stored(running: Running) -> str:
    """Every item in every table of the embedded AWS, as text."""
    dynamodb = boto3.client(
        "dynamodb",
        endpoint_url=running.moto,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    items = []
    for table in dynamodb.list_tables()["TableNames"]:
        for page in dynamodb.get_paginator("scan").paginate(TableName=table):
            items.extend(page["Items"])
    return json.dumps(items)


def download(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:
        return bytes(response.read())


def no_accessibility_violations(page: Page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def screenshot(page: Page, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / name), full_page=True)


def test_lists_the_boards_open_jobs_and_applies_with_a_pdf(running: Running, page: Page):
    # Given the open jobs of the demo board, as the API lists them
    listed = api(running, "/jobs?board=demo&limit=100")["jobs"]
    # When a person opens the careers page
    page.goto(f"{running.base}/careers/")
    # Then every open job is a link, grouped by department, and the count is announced
    for job in listed:
        expect(page.get_by_role("link", name=job["title"], exact=True)).to_be_visible()
    expect(page.locator(".careers-job")).to_have_count(len(listed))
    expect(page.get_by_role("heading", name="Engineering", level=3)).to_be_visible()
    expect(page.get_by_role("status")).to_have_text(f"{len(listed)} open positions")
    no_accessibility_violations(page)
    screenshot(page, "careers-jobs.png")

    # When she opens a job with the keyboard
    page.get_by_role("link", name="Senior Backend Engineer").focus()
    page.keyboard.press("Enter")
    # Then the job's heading takes the focus and the URL can be shared
    heading = page.get_by_role("heading", name="Senior Backend Engineer", level=2)
    expect(heading).to_be_focused()
    assert page.url.endswith(f"/careers/?job={SENIOR_BACKEND}")
    expect(page).to_have_title("Senior Backend Engineer \N{EN DASH} Careers")
    # And the form has its questions, consents and voluntary self-identification
    expect(page.get_by_label("Why do you want to work with us?")).to_be_visible()
    languages = page.get_by_role("group", name="Which languages do you write in production?")
    expect(languages).to_be_visible()
    expect(page.get_by_role("group", name="Voluntary self-identification")).to_be_visible()
    no_accessibility_violations(page)
    screenshot(page, "careers-form.png")

    # When she fills it in and attaches her resume
    pdf = sample_resume_pdf()
    page.get_by_label("First name").fill("Ada")
    page.get_by_label("Last name").fill("Lovelace")
    page.get_by_label("E-mail address").fill("ada.browser@example.com")
    page.get_by_label("Phone number").fill("+49 30 901820")
    page.get_by_label("LinkedIn, GitHub or website").fill("https://github.com/ada")
    page.get_by_label("Resume or CV").set_input_files(
        files=[{"name": "ada-lovelace.pdf", "mimeType": "application/pdf", "buffer": pdf}]
    )
    page.get_by_label("Why do you want to work with us?").fill("I like engines.")
    page.get_by_role("radiogroup", name="Do you need a visa to work in Germany?").get_by_label(
        "No"
    ).check()
    languages.get_by_label("Python").check()
    # (a checkbox ticked with the space bar)
    languages.get_by_label("Rust").focus()
    page.keyboard.press("Space")
    page.get_by_role("radiogroup", name="Notice period").get_by_label("One month").check()
    page.get_by_label("I agree to my personal data being processed").check()
    page.get_by_label("I agree to my application being kept for 365 days").check()
    gender = page.get_by_role("radiogroup", name="Gender")
    gender.get_by_label("I describe myself as", exact=True).check()
    gender.get_by_label("I describe myself as (optional text)").fill("Analyst")
    page.get_by_label("I agree to these answers being used").check()
    page.get_by_role("button", name="Submit application").click()

    # Then she sees a confirmation with the application's reference, focused and announced
    sent = page.get_by_role("heading", name="Application sent")
    expect(sent).to_be_focused()
    expect(page.get_by_text("We have received your application for Senior Backend")).to_be_visible()
    reference = page.locator(".careers-receipt dd").first.inner_text()
    expect(page.get_by_role("status")).to_have_text(f"Application sent. Reference {reference}")
    no_accessibility_violations(page)

    # And the recruiters' API has her application as she typed it
    stored = stored_application(running, SENIOR_BACKEND, reference)
    candidate, application = stored["profile"]["candidate"], stored["application"]
    assert (candidate["first_name"], candidate["last_name"], candidate["email"]) == (
        "Ada",
        "Lovelace",
        "ada.browser@example.com",
    )
    assert candidate["phone_e164"] == "+4930901820"
    # (the parser may add the resume's own links beside hers)
    assert "https://github.com/ada" in candidate["links"]
    assert application["answers"] == {
        "101": "I like engines.",
        "102": False,
        "103": [1, 3],
        "104": 2,
    }
    # And the resume is the very file she chose
    resume = application["documents"]["resume"]
    assert (resume["filename"], resume["kind"], resume["size"]) == (
        "ada-lovelace.pdf",
        "pdf",
        len(pdf),
    )
    assert download(resume["download_url"]) == pdf
    # And her consents and self-identification were recorded, the latter apart
    export = api(running, f"/ats/candidates/{candidate['candidate_id']}/privacy-export", "admin")
    text = json.dumps(export)
    for recorded in ('"processing": true', '"retention": true', '"demographic": true'):
        assert recorded in text
    assert '"marketing": false' in text
    assert '"option_ids": [14]' in text
    assert "Analyst" in text
    assert "Analyst" not in json.dumps(stored["profile"])


def test_an_invalid_form_shows_every_error_beside_its_field(running: Running, page: Page):
    # Given the form of the job with required questions and consents
    page.goto(f"{running.base}/careers/?job={SENIOR_BACKEND}")
    expect(page.get_by_role("heading", name="Senior Backend Engineer")).to_be_visible()
    # When a person gives only her first name and a broken e-mail address
    page.get_by_label("First name").fill("Grace")
    page.get_by_label("E-mail address").fill("grace.invalid@")
    page.get_by_role("button", name="Submit application").click()

    # Then a summary of every problem the API named takes the focus as an alert
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text(
        "There are 6 problems with your application"
    )
    expect(summary.get_by_role("listitem")).to_have_text(
        [
            "Last name: Field required",
            "E-mail address: is not a valid e-mail address",
            "'Why do you want to work with us?' needs an answer",
            "'Do you need a visa to work in Germany?' needs an answer",
            "Consent to assess your application: this job needs consent to process the application",
            "Consent to keep your application: this job needs consent to retain the application",
        ]
    )
    # And each field says what is wrong, as its accessible description, and is marked invalid
    for label, message in [
        ("Last name", "Field required"),
        ("E-mail address", "is not a valid e-mail address"),
        ("Why do you want to work with us?", "needs an answer"),
        ("I agree to my personal data being processed", "needs consent to process"),
    ]:
        field = page.get_by_label(label)
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_have_accessible_description(re.compile(f"Error: .*{re.escape(message)}"))
    visa = page.get_by_role("radiogroup", name="Do you need a visa to work in Germany?")
    expect(visa).to_have_accessible_description(re.compile("Error: .*needs an answer"))
    expect(page.get_by_label("First name")).not_to_have_attribute("aria-invalid", "true")
    no_accessibility_violations(page)
    screenshot(page, "careers-errors.png")
    # And a link in the summary takes her to the field
    summary.get_by_role("link", name="Last name: Field required").click()
    expect(page.get_by_label("Last name")).to_be_focused()
    # And nothing was stored for her
    assert "grace.invalid" not in everything_stored(running)

    # When she corrects everything and sends it again
    page.get_by_label("Last name").fill("Hopper")
    page.get_by_label("E-mail address").fill("grace.browser@example.com")
    page.get_by_label("Why do you want to work with us?").fill("Compilers.")
    page.get_by_role("radiogroup", name="Do you need a visa to work in Germany?").get_by_label(
        "Yes"
    ).check()
    page.get_by_label("I agree to my personal data being processed").check()
    page.get_by_label("I agree to my application being kept for 365 days").check()
    page.get_by_role("button", name="Submit application").click()
    # Then the errors are gone and the application is sent
    expect(page.get_by_role("heading", name="Application sent")).to_be_focused()
    expect(page.locator(".careers-error")).to_have_count(0)
    reference = page.locator(".careers-receipt dd").first.inner_text()
    stored = stored_application(running, SENIOR_BACKEND, reference)
    assert stored["profile"]["candidate"]["email"] == "grace.browser@example.com"
    assert stored["application"]["answers"] == {"101": "Compilers.", "102": True}


def test_an_embedded_page_sends_a_large_resume_straight_to_s3(
    running: Running, page: Page, embedding_site: str
):
    # Given a resume too large for the application request (over 3 MB)
    pdf = sample_resume_pdf()
    large = pdf + b"%" + b"padding " * (4 * 1024 * 1024 // 8) + b"\n%%EOF\n"
    requests: list[tuple[str, str]] = []
    page.on(
        "request",
        lambda r: requests.append((r.method, r.url)),
    )
    # When a person applies on the company's own site, which embeds the page
    page.goto(embedding_site)
    page.get_by_role("link", name="Robotics Intern").click()
    expect(page.get_by_role("heading", name="Robotics Intern")).to_be_focused()
    page.get_by_label("First name").fill("Katherine")
    page.get_by_label("Last name").fill("Johnson")
    page.get_by_label("E-mail address").fill("katherine.browser@example.com")
    page.get_by_label("Resume or CV").set_input_files(
        files=[{"name": "katherine.pdf", "mimeType": "application/pdf", "buffer": large}]
    )
    page.get_by_role("button", name="Submit application").click()
    expect(page.get_by_role("heading", name="Application sent")).to_be_focused()
    reference = page.locator(".careers-receipt dd").first.inner_text()

    # Then the page asked for a presigned upload and posted the file to S3 itself
    posts = [url for method, url in requests if method == "POST"]
    assert posts[0] == f"{running.base}/jobs/{INTERNSHIP}/applications/uploads"
    assert posts[1].startswith(running.moto)
    # And then sent the application, which named the upload instead of carrying the file
    assert posts[2:] == [f"{running.base}/jobs/{INTERNSHIP}/applications"]
    # And the stored resume is the file she chose, byte for byte
    stored = stored_application(running, INTERNSHIP, reference)
    resume = stored["application"]["documents"]["resume"]
    assert (resume["filename"], resume["size"]) == ("katherine.pdf", len(large))
    assert (
        hashlib.sha256(download(resume["download_url"])).digest() == hashlib.sha256(large).digest()
    )


def test_a_job_description_is_shown_without_anything_active(
    running: Running, page: Page, embedding_site: str
):
    # Given a job whose description (HTML from the recruiters) carries active content
    original = api(running, "/jobs/4000002")["description_html"]
    api(
        running,
        "/ats/jobs/4000002",
        "recruiter",
        "PATCH",
        {
            "description_html": (
                "<h1>Design with us</h1><p>Shape <strong>the product</strong>.</p>"
                '<img src="x" onerror="window.pwned = 1">'
                "<script>window.pwned = 2</script>"
                '<p onclick="window.pwned = 3"><a href="javascript:window.pwned = 4">Read</a> '
                '<a href="https://example.com/team" target="_top">the team</a></p>'
            )
        },
    )
    try:
        # When a person opens it on a company's site with no Content-Security-Policy to help
        page.goto(f"{embedding_site}?job=4000002")
        description = page.locator(".careers-description")
        expect(description).to_contain_text("Shape the product.")
        # Then only the allowed markup is left: no script, image, handler or script link
        assert description.locator("script, img, [onerror], [onclick], h1").count() == 0
        expect(description.get_by_text("Read")).not_to_have_attribute("href", re.compile("."))
        team = description.get_by_role("link", name="the team")
        expect(team).to_have_attribute("href", "https://example.com/team")
        expect(team).to_have_attribute("rel", "noopener noreferrer")
        expect(team).not_to_have_attribute("target", "_top")
        description.get_by_text("Shape").click()
        description.get_by_text("Read").click()
        assert page.evaluate("window.pwned") is None
    finally:
        api(running, "/ats/jobs/4000002", "recruiter", "PATCH", {"description_html": original})


def test_a_lost_answer_is_retried_and_the_application_recorded_once(
    running: Running, page: Page, problems: list[str]
):
    # Given a connection that drops the API's first answer after the API got the request
    keys: list[str | None] = []

    def drop_first_answer(route: Route) -> None:
        keys.append(route.request.headers.get("idempotency-key"))
        if len(keys) == 1:
            route.fetch()  # the application reaches the API...
            route.abort("connectionreset")  # ...and its receipt never reaches the page
        else:
            route.continue_()

    page.route(f"{running.base}/jobs/{INTERNSHIP}/applications", drop_first_answer)

    def apply() -> str:
        page.goto(f"{running.base}/careers/?job={INTERNSHIP}")
        page.get_by_label("First name").fill("Dorothy")
        page.get_by_label("Last name").fill("Vaughan")
        page.get_by_label("E-mail address").fill("dorothy.browser@example.com")
        page.get_by_role("button", name="Submit application").click()
        expect(page.get_by_role("heading", name="Application sent")).to_be_focused()
        return page.locator(".careers-receipt dd").first.inner_text()

    # When a person applies
    reference = apply()
    # Then the page sent it again with the same Idempotency-Key, and she is not told of a repeat
    assert len(keys) == 2
    assert keys[0]
    assert keys[0] == keys[1]
    expect(page.get_by_text("You had already applied")).to_have_count(0)
    assert problems == ["console: Failed to load resource: net::ERR_CONNECTION_RESET"]
    problems.clear()
    # When she applies again later
    again = apply()
    # Then she is told it was not sent twice, with the same reference
    expect(page.get_by_text("You had already applied for this position")).to_be_visible()
    assert again == reference
    assert keys[2] != keys[0]
    # And the job has one application from her
    profile = stored_application(running, INTERNSHIP, reference)["profile"]
    assert [a["job_id"] for a in profile["applications"]] == [INTERNSHIP]


def test_outages_and_closed_jobs_are_told_in_words(
    running: Running, page: Page, problems: list[str]
):
    # Given the API cannot be reached for the job list
    page.route(f"{running.base}/jobs?*", lambda route: route.abort("connectionrefused"))
    page.goto(f"{running.base}/careers/")
    # Then, after its retries, the page says so and offers to try again
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("The open positions could not be loaded.", timeout=15_000)
    page.unroute(f"{running.base}/jobs?*")
    alert.get_by_role("button", name="Try again").click()
    expect(page.get_by_role("link", name="Robotics Intern")).to_be_visible()
    assert set(problems) == {"console: Failed to load resource: net::ERR_CONNECTION_REFUSED"}
    problems.clear()

    # Given a link to a job that has closed
    page.goto(f"{running.base}/careers/?job=4000005")
    # Then the page says it is not open, and links back to the open ones
    expect(page.get_by_role("heading", name="This position is not open")).to_be_visible()
    expect(page.get_by_role("link", name="All open positions")).to_be_visible()
    assert problems == [
        "console: Failed to load resource: the server responded with a status of 404 (Not Found)"
    ]
    problems.clear()

    # Given a job that closes while a person fills in its form
    page.goto(f"{running.base}/careers/?job=4000002")
    page.get_by_label("First name").fill("Mary")
    page.get_by_label("Last name").fill("Jackson")
    page.get_by_label("E-mail address").fill("mary.browser@example.com")
    api(running, "/ats/jobs/4000002/close", "recruiter", "POST", {})
    try:
        page.get_by_role("button", name="Submit application").click()
        # Then she is told the job closed, and nothing was stored
        expect(page.get_by_role("alert")).to_contain_text(
            "This position has closed and no longer takes applications."
        )
        expect(page.get_by_role("alert")).to_be_focused()
        assert "mary.browser" not in everything_stored(running)
    finally:
        api(running, "/ats/jobs/4000002/open", "recruiter", "POST", {})
    assert problems == [
        "console: Failed to load resource: the server responded with a status of 410 (Gone)"
    ]
    problems.clear()


def test_a_job_boards_link_credits_the_board_and_the_page_carries_the_posting(
    running: Running, page: Page
):
    # Given a job board whose links carry gh_src=e2e-board
    api(
        running,
        "/ats/sources",
        "recruiter",
        "POST",
        {"name": "E2E jobs board", "kind": "job_board", "token": "e2e-board"},
    )
    # And the link to the internship in the XML feed made for that board
    with urllib.request.urlopen(f"{running.base}/feeds/demo/jobs.xml?source=e2e-board") as feed:
        jobs = defusedxml.ElementTree.fromstring(feed.read()).findall("job")
    link = next(j.findtext("url") for j in jobs if j.findtext("referencenumber") == "4000003")
    assert link == f"{running.base}/careers/?job={INTERNSHIP}&gh_src=e2e-board"
    # When a person follows it
    page.goto(link)
    expect(page.get_by_role("heading", name="Robotics Intern")).to_be_visible()
    # Then the job's pay is shown, and its JobPosting is in the page for search engines
    expect(page.locator(".careers-posting .careers-meta")).to_contain_text("28")
    posting_script = page.locator('head script[type="application/ld+json"]')
    expect(posting_script).to_have_count(1)
    posting = json.loads(posting_script.text_content() or "")
    assert (posting["@type"], posting["title"]) == ("JobPosting", "Robotics Intern")
    assert posting == api(running, f"/jobs/{INTERNSHIP}/posting")
    # When she applies
    page.get_by_label("First name").fill("Annie")
    page.get_by_label("Last name").fill("Easley")
    page.get_by_label("E-mail address").fill("annie.browser@example.com")
    page.get_by_role("button", name="Submit application").click()
    expect(page.get_by_role("heading", name="Application sent")).to_be_focused()
    reference = page.locator(".careers-receipt dd").first.inner_text()
    # Then her application is credited to the board
    stored = stored_application(running, INTERNSHIP, reference)["application"]
    assert (stored["source"], stored["source_token"]) == ("E2E jobs board", "e2e-board")
    # And going back to the list takes the posting out of the page
    page.get_by_role("link", name="See all open positions").click()
    expect(page.get_by_role("link", name="Robotics Intern")).to_be_visible()
    expect(posting_script).to_have_count(0)
