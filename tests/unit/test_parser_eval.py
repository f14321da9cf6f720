"""The resume parser's field-level scoring, on hand-made truth and predictions."""

from __future__ import annotations

import json

import pytest

from benchmarks import parser_eval as pe

EN_DASH = "\u2013"  # as the truth files write ranges


def _truth(**overrides):
    truth = {
        "contact": {
            "full_name": "Jane Smith",
            "email": "jane.smith@example.com",
            "phone": "(312) 555-0123",
            "location": "Springfield, IL",
        },
        "experience": [],
        "education": [],
        "skills": [],
    }
    truth.update(overrides)
    return truth


def _pred(**overrides):
    pred = {
        "name": "Jane Smith",
        "email": "jane.smith@example.com",
        "phone": "+13125550123",
        "location": "Springfield, IL",
        "links": [],
        "skills": [],
        "experience": [],
        "education": [],
        "years_experience": None,
    }
    pred.update(overrides)
    return pred


def _counts(counts):
    return (counts.tp, counts.fp, counts.fn)


@pytest.mark.parametrize(
    "raw",
    ["(312) 555-0123", "+1 312 555 0123", "+13125550123", "312.555.0123", "1-312-555-0123"],
)
def test_nanp_phones_normalise_to_ten_national_digits(raw):
    # Given a US number written any of the usual ways
    # When it is normalised
    digits = pe.normalise_phone(raw)
    # Then only the ten national digits remain
    assert digits == "3125550123"


def test_phones_compare_by_their_last_ten_digits_else_all_digits():
    # Given an E.164 UK number and the same number with its trunk 0, and two short numbers
    international = pe.normalise_phone("+44 20 7946 0958")
    national = pe.normalise_phone("020 7946 0958")
    # When they are compared
    # Then the national numbers match, and short ones must match digit for digit
    assert (international, national) == ("442079460958", "02079460958")
    assert pe.phones_equal(international, national)
    assert pe.phones_equal("5550123", "5550123")
    assert not pe.phones_equal("5550123", "3125550123")


def test_a_phone_in_another_format_scores_a_true_positive():
    # Given truth "(312) 555-0123" and the parser's E.164 "+13125550123"
    # When the resume is scored
    scores = pe.score_documents(_truth(), _pred())
    # Then phone is one true positive, like the other contact fields
    assert _counts(scores["phone"]) == (1, 0, 0)
    assert _counts(scores["name"]) == (1, 0, 0)
    assert _counts(pe.total(scores.values())) == (4, 0, 0)


@pytest.mark.parametrize(
    ("text", "start", "end", "current"),
    [
        ("Jul 2023 - Present", "2023-07", None, True),
        ("03/2022 - Present", "2022-03", None, True),
        (f"2020 {EN_DASH} 2022", "2020", "2022", False),
        (f"June 2023 {EN_DASH} Sept. 2023", "2023-06", "2023-09", False),
        (f"Sep. 2025 {EN_DASH} Apr. 2026", "2025-09", "2026-04", False),
        (f"2019-03 {EN_DASH} 2021-11", "2019-03", "2021-11", False),
        ("03.2019 bis heute", "2019-03", None, True),
        (f"janv. 2020 {EN_DASH} aujourd'hui", "2020-01", None, True),
        (f"August 2022 {EN_DASH} Now", "2022-08", None, True),
        ("2020-2022", "2020", "2022", False),
    ],
)
def test_truth_date_formats_parse_to_start_and_end(text, start, end, current):
    # Given a truth "dates" string
    # When it is parsed
    dates = pe.parse_dates(text)
    # Then start and end are YYYY-MM (or YYYY for a bare year), "Present" is current
    assert dates is not None
    assert (dates.start, dates.end, dates.current) == (start, end, current)
    assert dates.start_known
    assert dates.end_known


def test_placeholder_years_are_unknown_and_not_scored():
    # Given template dates with 20XX years
    current = pe.parse_dates("January 20XX - Current")
    past = pe.parse_dates(f"March 20XX {EN_DASH} December 20XX")
    # When parsed
    # Then the starts are unknown; a "Current" end is still known to be open
    assert current == pe.TruthDates(None, None, current=True, start_known=False)
    assert past is not None
    assert not past.start_known
    assert not past.end_known
    assert pe.parse_dates("") is None
    assert pe.parse_dates(None) is None


def test_predicted_dates_match_at_the_truths_precision():
    # Given a truth year and a truth month
    # When predictions of other precision are compared
    # Then a year matches any month of it, a month only itself
    assert pe.dates_equal("2020", "2020-07")
    assert pe.dates_equal("2020", "2020")
    assert not pe.dates_equal("2020", "2021-01")
    assert not pe.dates_equal("2020-07", "2020")
    assert pe.normalise_pred_date("2020-7") == "2020-07"


def test_reordered_entries_align_one_to_one():
    # Given three jobs in truth, predicted in the reverse order
    truth = _truth(
        experience=[
            {"title": "Staff Engineer", "company": "Globex", "dates": "Mar 2021 - Present"},
            {"title": "Senior Engineer", "company": "Initech", "dates": "Jun 2017 - Feb 2021"},
            {"title": "Engineer", "company": "Acme Corp", "dates": "2014 - 2017"},
        ]
    )
    pred = _pred(
        experience=[
            {"title": "Engineer", "company": "Acme Corp", "start": "2014-01", "end": "2017-06"},
            {
                "title": "Senior Engineer",
                "company": "Initech",
                "start": "2017-06",
                "end": "2021-02",
            },
            {"title": "Staff Engineer", "company": "Globex", "start": "2021-03", "end": None},
        ]
    )
    # When the resume is scored
    scores = pe.score_documents(truth, pred)
    # Then every part of every entry is a true positive (the open end has no support)
    assert _counts(scores["experience.title"]) == (3, 0, 0)
    assert _counts(scores["experience.company"]) == (3, 0, 0)
    assert _counts(scores["experience.start"]) == (3, 0, 0)
    assert _counts(scores["experience.end"]) == (2, 0, 0)


def test_alignment_maximises_total_similarity_not_first_fit():
    # Given similarities where the single best pair (0, 0) is not part of the best whole
    matrix = [[0.9, 0.8], [0.7, 0.0]]
    # When aligned
    pairs = pe.align([0, 1], [0, 1], lambda t, p: matrix[t][p])
    # Then the total (0.8 + 0.7) is maximised
    assert pairs == [(0, 1), (1, 0)]


def test_schools_align_by_institution_and_degree_words():
    # Given two schools predicted in the other order
    truth = [pe.School("state university", "b.s"), pe.School("state college", "m.s")]
    pred = [pe.School("state college", "m.s"), pe.School("state university", "b.s")]
    # When aligned
    pairs = pe.align(truth, pred, pe.school_similarity)
    # Then each truth gets its own school
    assert pairs == [(0, 1), (1, 0)]


def test_greedy_alignment_beyond_the_exhaustive_limit():
    # Given nine distinct jobs predicted in reverse order
    truth = [pe.TruthJob(f"role{i}", f"company{i}") for i in range(9)]
    pred = [pe.PredJob(f"role{i}", f"company{i}") for i in reversed(range(9))]
    # When aligned
    pairs = pe.align(truth, pred, pe.job_similarity)
    # Then each is matched with its own entry
    assert pairs == [(i, 8 - i) for i in range(9)]


def test_unmatched_entries_are_false_negatives_and_false_positives():
    # Given one truth job and an unrelated predicted one
    truth = _truth(experience=[{"title": "Analyst", "company": "Initech", "dates": "2019 - 2020"}])
    pred = _pred(experience=[{"title": "Chef", "company": "Bistro", "start": None, "end": None}])
    # When scored
    scores = pe.score_documents(truth, pred)
    # Then the truth's parts are missed and the prediction's are unwanted
    assert _counts(scores["experience.title"]) == (0, 1, 1)
    assert _counts(scores["experience.company"]) == (0, 1, 1)
    assert _counts(scores["experience.start"]) == (0, 0, 1)
    assert _counts(scores["experience.end"]) == (0, 0, 1)


def test_a_predicted_end_for_a_current_job_is_a_false_positive():
    # Given a current job, predicted with an end month
    job = {"title": "Engineer", "company": "Globex"}
    truth = _truth(experience=[{**job, "dates": "2021 - Present"}])
    pred = _pred(experience=[{**job, "start": "2021-01", "end": "2026-11"}])
    # When scored
    scores = pe.score_documents(truth, pred)
    # Then the start is right and the end is unwanted
    assert _counts(scores["experience.start"]) == (1, 0, 0)
    assert _counts(scores["experience.end"]) == (0, 1, 0)


def test_undated_truth_entries_do_not_score_dates():
    # Given a truth job without dates, predicted with dates
    truth = _truth(experience=[{"title": "Intern", "company": "Opera"}])
    pred = _pred(
        experience=[{"title": "Intern", "company": "Opera", "start": "2020", "end": "2021"}]
    )
    # When scored
    scores = pe.score_documents(truth, pred)
    # Then start and end count nothing
    assert _counts(scores["experience.start"]) == (0, 0, 0)
    assert _counts(scores["experience.end"]) == (0, 0, 0)
    assert _counts(scores["experience.title"]) == (1, 0, 0)


def test_empty_truth_makes_any_prediction_a_false_positive():
    # Given truth with no location, no skills and no education
    truth = _truth(
        contact={"full_name": "Jane Smith", "email": "", "phone": "", "location": ""},
        skills=[],
        education=[],
    )
    # When the parser predicts them all
    pred = _pred(
        email=None,
        phone=None,
        location="Chicago, IL",
        skills=["Python", "SQL"],
        education=[{"institution": "State University", "degree": "B.S."}],
    )
    scores = pe.score_documents(truth, pred)
    # Then each is a false positive, with no support
    assert _counts(scores["location"]) == (0, 1, 0)
    assert _counts(scores["skills"]) == (0, 2, 0)
    assert _counts(scores["education.institution"]) == (0, 1, 0)
    assert _counts(scores["education.degree"]) == (0, 1, 0)
    assert _counts(scores["email"]) == (0, 0, 0)
    assert scores["location"].precision == 0.0
    assert scores["location"].recall is None


def test_scalars_compare_after_normalisation():
    # Given values differing in case, spacing, width and surrounding punctuation
    # When normalised
    # Then they are equal, and a different value is both a FP and a FN
    assert pe.normalise_text("  ANNA   WIŚNIEWSKA. ") == pe.normalise_text("Anna Wiśniewska")
    assert pe.normalise_text("\uff21\uff23\uff2d\uff25 Corp") == "acme corp"
    assert pe.normalise_text(" -- ") is None
    assert _counts(pe.score_scalar("acme", "acme")) == (1, 0, 0)
    assert _counts(pe.score_scalar("acme", "globex")) == (0, 1, 1)
    assert _counts(pe.score_scalar("acme", None)) == (0, 0, 1)
    assert _counts(pe.score_scalar(None, "acme")) == (0, 1, 0)


def test_skills_are_sets_insensitive_to_case_and_spacing():
    # Given truth and predicted skills differing in case, spacing and duplicates
    truth = _truth(skills=["Python", "Machine  Learning", "C#", "Go"])
    pred = _pred(skills=["python", "PYTHON", "machine learning", "C", "Rust"])
    # When scored
    scores = pe.score_documents(truth, pred)
    # Then two match; "C" is not "C#"
    assert _counts(scores["skills"]) == (2, 2, 2)


def test_links_need_the_same_url_and_kind():
    # Given a LinkedIn url in truth, predicted once as "other" and once as "linkedin"
    truth = _truth(links=[{"url": "https://www.linkedin.com/in/jane/", "kind": "linkedin"}])
    wrong_kind = _pred(links=[{"url": "linkedin.com/in/jane", "kind": "other"}])
    right_kind = _pred(links=[{"url": "http://linkedin.com/in/jane", "kind": "linkedin"}])
    # When scored
    wrong = pe.score_documents(truth, wrong_kind)["links"]
    right = pe.score_documents(truth, right_kind)["links"]
    # Then the wrong kind is a FP and a FN, the right kind a TP
    assert _counts(wrong) == (0, 1, 1)
    assert _counts(right) == (1, 0, 0)


def test_links_are_not_scored_when_the_truth_does_not_label_them():
    # Given a truth file without "links"
    # When the parser finds a link
    scores = pe.score_documents(_truth(), _pred(links=[{"url": "x.dev", "kind": "portfolio"}]))
    # Then links count nothing
    assert _counts(scores["links"]) == (0, 0, 0)


def test_overlapping_jobs_are_not_double_counted():
    # Given two jobs overlapping by a year, and a later one after a gap
    jobs = pe.truth_from_json(
        _truth(
            experience=[
                {"title": "A", "company": "X", "dates": "Jan 2018 - Dec 2019"},
                {"title": "B", "company": "Y", "dates": "Jan 2019 - Dec 2020"},
                {"title": "C", "company": "Z", "dates": "2022 - 2022"},
            ]
        )
    ).jobs
    # When the years of experience are computed
    years = pe.truth_years(jobs, pe.parse_reference("2026-11"))
    # Then the union counts 2018-2020 once plus 2022: four years
    assert years == pytest.approx(4.0)


def test_current_jobs_end_at_the_reference_month():
    # Given a current job from March 2021 and a nested earlier one inside it
    jobs = pe.truth_from_json(
        _truth(
            experience=[
                {"title": "A", "company": "X", "dates": "Mar 2021 - Present"},
                {"title": "B", "company": "Y", "dates": "Jun 2022 - Aug 2022"},
                {"title": "C", "company": "Z", "dates": "20XX - 20XX"},
            ]
        )
    ).jobs
    # When counted to November 2026, then to a later reference
    years = pe.truth_years(jobs, pe.parse_reference("2026-11"))
    later = pe.truth_years(jobs, pe.parse_reference("2027-11"))
    # Then March 2021 to November 2026 inclusive is 69 months; a year later, 81
    assert years == pytest.approx(69 / 12)
    assert later == pytest.approx(81 / 12)
    assert pe.years_within(years, 5.3)
    assert not pe.years_within(years, 5.2)
    assert not pe.years_within(years, None)


def test_resumes_without_dated_jobs_have_no_truth_years():
    # Given only undated and 20XX-dated jobs
    jobs = [pe.TruthJob("a", "b"), pe.TruthJob("c", "d", pe.parse_dates("January 20XX - Current"))]
    # When counted
    # Then there is no figure to compare with
    assert pe.truth_years(jobs, pe.parse_reference("2026-11")) is None


@pytest.mark.parametrize(
    ("truth", "stem", "layout"),
    [
        ({}, "chromium-two-column-sidebar", "two-column"),
        ({}, "label-rail-inline-headers", "two-column"),
        ({}, "google-docs-skia-proxy-minimal", "single-column"),
        ({"layout": "two-column"}, "minimal", "two-column"),
        ({"layout": "single-column"}, "two-column-achievements", "single-column"),
    ],
)
def test_layout_is_declared_or_read_from_the_file_name(truth, stem, layout):
    assert pe.layout_of(truth, stem) == layout


def test_micro_average_sums_the_counts():
    # Given two fields' counts
    counts = pe.total([pe.Counts(tp=3, fp=1, fn=0), pe.Counts(tp=1, fp=0, fn=3)])
    # When micro-averaged
    # Then P, R and F1 come from the summed counts
    assert _counts(counts) == (4, 1, 3)
    assert counts.precision == pytest.approx(0.8)
    assert counts.recall == pytest.approx(4 / 7)
    assert counts.f1 == pytest.approx(8 / 12)
    assert counts.support == 7


class Rejected(Exception):
    def __init__(self, rule):
        super().__init__(rule)
        self.rule = rule


def _fake_parse(path):
    if "broken" in path.name:
        raise RuntimeError("boom")
    if "refused" in path.name:
        raise Rejected("file_type")
    return _pred(
        email="jane.smith@example.com" if "jane" in path.name else "ghost@example.com",
        experience=[{"title": "Engineer", "company": "Acme", "start": "2020-01", "end": None}],
        years_experience=6.9,
    )


def _corpus(tmp_path):
    text = "Jane Smith\njane.smith@example.com\n(312) 555-0123\n"
    for name in ("jane.txt", "jane-unlabelled.txt", "other.txt", "broken.txt", "refused.txt"):
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "jane-two-column.txt").write_text(text, encoding="utf-8")
    truth = _truth(
        experience=[{"title": "Engineer", "company": "Acme", "dates": "Jan 2020 - Present"}],
        skills=["Python"],
    )
    (tmp_path / "jane.truth.json").write_text(json.dumps(truth), encoding="utf-8")
    (tmp_path / "jane-two-column.truth.json").write_text(json.dumps(truth), encoding="utf-8")
    (tmp_path / "lonely.truth.json").write_text("{}", encoding="utf-8")
    return pe.Parser(parse=_fake_parse, unreadable=Rejected)


def test_summary_over_a_corpus_with_a_fake_parser(tmp_path):
    # Given two labelled and four unlabelled files, one crashing and one refused
    parser = _corpus(tmp_path)
    # When summarised
    report = pe.summary([tmp_path], parser=parser)
    # Then each layout has one resume, missing only the skill
    assert report["labelled"] == 2
    assert report["layouts"]["single-column"]["resumes"] == 1
    assert report["layouts"]["two-column"]["resumes"] == 1
    micro = report["layouts"]["all"]["micro"]
    assert (micro["tp"], micro["fp"], micro["fn"]) == (14, 0, 2)
    assert report["layouts"]["all"]["fields"]["skills"]["support"] == 2
    assert report["resumes"][0]["f1"] == pytest.approx(14 / 15, abs=1e-4)
    # And Jan 2020 to Nov 2026 is 6.92 years, within 0.5 of 6.9
    assert report["years_experience"] == {
        "tolerance": 0.5,
        "eligible": 2,
        "within": 2,
        "share": 1.0,
    }
    # And the unlabelled files report the crash, the refusal and an email not in the text
    unlabelled = report["unlabelled"]
    assert unlabelled["count"] == 4
    assert [c["file"] for c in unlabelled["crashes"]] == [f"{tmp_path.name}/broken.txt"]
    assert unlabelled["rejected"] == [{"file": f"{tmp_path.name}/refused.txt", "rule": "file_type"}]
    assert (unlabelled["emails_predicted"], unlabelled["emails_in_text"]) == (2, 1)
    assert unlabelled["max_parse_ms"] >= 0
    assert report["truth_without_document"] == [str(tmp_path / "lonely.truth.json")]


def test_the_report_prints_as_text_or_json_and_exits_zero(tmp_path, monkeypatch, capsys):
    # Given a corpus and the fake parser in place of the real one
    parser = _corpus(tmp_path)
    monkeypatch.setattr(pe, "load_parser", lambda: parser)
    # When run with and without --json
    json_status = pe.main(["--json", "--corpus", str(tmp_path)])
    printed = json.loads(capsys.readouterr().out)
    text_status = pe.main(["--corpus", str(tmp_path)])
    text = capsys.readouterr().out
    # Then both succeed and carry the same figures
    assert (json_status, text_status) == (0, 0)
    assert printed["layouts"]["all"]["micro"]["f1"] == pytest.approx(0.9333, abs=1e-4)
    assert "micro" in text
    assert "0.93" in text
    assert "unlabelled files: 4, crashes: 1, rejected: 1" in text
    assert "emails in the file's text: 1 of 2 predicted" in text


def test_a_missing_parser_is_reported_not_raised(monkeypatch, capsys):
    # Given no parser to import
    def missing():
        raise ImportError("no recruiting.resumes")

    monkeypatch.setattr(pe, "load_parser", missing)
    # When the report runs
    status = pe.main([])
    # Then it says so and still exits 0
    assert status == 0
    assert "parser unavailable" in capsys.readouterr().err


def _held_out_corpus(tmp_path):
    shared = tmp_path / "shared"
    for name in ("cv/jane-sidebar.txt", "cv/jane-labelled.txt", "extra/jane-outside.txt"):
        (shared / name).parent.mkdir(parents=True, exist_ok=True)
        (shared / name).write_text("Jane Smith\njane.smith@example.com\n", encoding="utf-8")
    truth = _truth(
        experience=[{"title": "Engineer", "company": "Acme", "dates": "Jan 2020 - Present"}],
        skills=["Python"],
    )
    (shared / "cv/jane-labelled.truth.json").write_text(json.dumps(truth), encoding="utf-8")
    held_out = tmp_path / "fixtures" / "heldout"
    held_out.mkdir(parents=True)
    declared = {
        "sidebar": {**truth, "document": "cv/jane-sidebar.txt", "layout": "two-column"},
        "outside": {**truth, "document": "extra/jane-outside.txt"},
        "missing": {**truth, "document": "cv/nowhere.txt"},
        "clash": {**truth, "document": "cv/jane-labelled.txt"},
    }
    for stem, data in declared.items():
        (held_out / f"{stem}.truth.json").write_text(json.dumps(data), encoding="utf-8")
    return shared, held_out


def test_truth_with_a_document_key_labels_that_document(tmp_path):
    # Given held-out truth naming a corpus file, a file outside the corpora, a missing file,
    # and a file already labelled beside it
    shared, held_out = _held_out_corpus(tmp_path)
    parser = pe.Parser(parse=_fake_parse, unreadable=Rejected)
    # When summarised over the shared corpus and the fixtures (which hold the held-out dir)
    report = pe.summary(
        [shared / "cv", tmp_path / "fixtures"],
        parser=parser,
        documents_root=shared,
        held_out=held_out,
    )
    # Then the named files are scored with that truth, once, and split out as held-out
    rows = {row["file"]: row for row in report["resumes"]}
    assert sorted(rows) == ["cv/jane-labelled.txt", "cv/jane-sidebar.txt", "extra/jane-outside.txt"]
    assert [rows[name]["held_out"] for name in sorted(rows)] == [False, True, True]
    assert rows["cv/jane-sidebar.txt"]["layout"] == "two-column"
    held = report["layouts"]["held-out"]
    assert held["resumes"] == 2
    assert (held["micro"]["tp"], held["micro"]["fp"], held["micro"]["fn"]) == (14, 0, 2)
    assert report["layouts"]["all"]["resumes"] == 3
    # And no labelled file is also counted as unlabelled
    assert report["unlabelled"]["count"] == 0
    # And the missing file is an orphan, the second label of a labelled file an error
    assert report["truth_without_document"] == [str(held_out / "missing.truth.json")]
    assert [error["file"] for error in report["truth_errors"]] == [
        str(held_out / "clash.truth.json")
    ]


def test_the_text_report_has_a_held_out_column(tmp_path):
    # Given the held-out corpus, with the held-out directory and documents root in place
    shared, held_out = _held_out_corpus(tmp_path)
    parser = pe.Parser(parse=_fake_parse, unreadable=Rejected)
    report = pe.summary(
        [shared / "cv", tmp_path / "fixtures"],
        parser=parser,
        documents_root=shared,
        held_out=held_out,
    )
    # When rendered
    text = pe.render_text(report)
    # Then the held-out split is a column of the field table and its resumes are marked
    lines = text.splitlines()
    heading = next(line for line in lines if "all (3)" in line)
    assert heading.endswith("held-out (2)")
    marked = [line.split()[0] for line in lines if line.endswith("  held-out")]
    assert marked == ["cv/jane-sidebar.txt", "extra/jane-outside.txt"]


def test_the_default_corpora_include_the_held_out_directory():
    # Given the default corpora, searched recursively
    corpora = pe.resolve_corpora(None)
    # Then the held-out truth lies under one of them
    assert any(pe.resolve_path(pe.HELD_OUT).is_relative_to(corpus) for corpus in corpora)
