"""A report as CSV (RFC 4180, safe to open in Excel and Sheets) and as a short PDF."""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections.abc import Iterable
from typing import Any

from recruiting.reports.metrics import Report

# A cell a spreadsheet would run as a formula (CWE-1236) starts with one of these.
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?%?$")


def safe_cell(value: Any) -> Any:
    """Numbers as they are; text that could start a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        value = str(value)
    if isinstance(value, str) and value.startswith(_FORMULA) and not _NUMBER.match(value):
        return "'" + value
    return value


def csv_lines(report: Report, filters: Iterable[tuple[str, str]] = ()) -> Iterable[str]:
    """The report a line at a time (CRLF, quoted where needed), so a large one streams."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)

    def line(row: list[Any]) -> str:
        writer.writerow([safe_cell(v) for v in row])
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    yield line([report.title])
    for name, value in filters:
        yield line([name, value])
    yield line(report.columns)
    for row in report.rows:
        yield line(row)


def to_csv(report: Report, filters: Iterable[tuple[str, str]] = (), *, bom: bool = False) -> bytes:
    body = "".join(csv_lines(report, filters)).encode("utf-8")
    return (b"\xef\xbb\xbf" + body) if bom else body


def _latin(text: Any) -> str:
    """The PDF's core fonts cover Windows-1252; anything else prints as '?'."""
    return str(text).encode("cp1252", "replace").decode("cp1252")


def to_pdf(report: Report, filters: Iterable[tuple[str, str]] = (), subtitle: str = "") -> bytes:
    """Title, filters, headline figures, a bar chart and the table (fpdf2, no browser)."""
    with warnings.catch_warnings():
        # The layer leaves Pillow out (20 MB): this report draws no images.
        warnings.filterwarnings("ignore", "Pillow could not be imported", UserWarning)
        from fpdf import FPDF

    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_title(_latin(report.title))
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(width, 9, _latin(report.title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    if subtitle:
        pdf.cell(width, 5, _latin(subtitle), new_x="LMARGIN", new_y="NEXT")
    for name, value in filters:
        pdf.cell(width, 5, _latin(f"{name}: {value}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    if report.headline:
        pdf.set_font("Helvetica", "B", 11)
        text = "   ".join(f"{label}: {value}" for label, value in report.headline)
        pdf.cell(width, 7, _latin(text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    _chart(pdf, report.chart[:12], width)
    _table(pdf, report, width)
    return bytes(pdf.output())


def _chart(pdf: Any, bars: list[tuple[str, float]], width: float) -> None:
    if not bars:
        return
    top = max(v for _, v in bars) or 1.0
    label_width, bar_height = 50.0, 5.0
    pdf.set_font("Helvetica", "", 8)
    for label, value in bars:
        y = pdf.get_y()
        pdf.set_xy(pdf.l_margin, y)
        pdf.cell(label_width, bar_height, _latin(label)[:34])
        length = (width - label_width - 20) * (value / top)
        pdf.set_fill_color(70, 110, 170)
        if length > 0:
            pdf.rect(pdf.l_margin + label_width, y + 0.8, length, bar_height - 1.6, style="F")
        pdf.set_xy(pdf.l_margin + label_width + length + 1, y)
        pdf.cell(18, bar_height, f"{value:g}")
        pdf.set_xy(pdf.l_margin, y + bar_height)
    pdf.ln(3)


def _table(pdf: Any, report: Report, width: float) -> None:
    columns = len(report.columns)
    column = width / max(columns, 1)

    def header() -> None:
        pdf.set_font("Helvetica", "B", 8)
        pdf.set_fill_color(230, 230, 230)
        for name in report.columns:
            pdf.cell(column, 6, _latin(name)[:30], border=1, fill=True)
        pdf.ln(6)
        pdf.set_font("Helvetica", "", 8)

    header()
    for row in report.rows:
        if pdf.get_y() > pdf.h - 20:
            pdf.add_page()
            header()
        for value in row:
            pdf.cell(column, 5, _latin("" if value is None else value)[:34], border=1)
        pdf.ln(5)
