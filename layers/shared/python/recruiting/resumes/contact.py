"""Contact details: name, e-mail, phone, location, links."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from recruiting.resumes.document import Line
from recruiting.resumes.profile import Link
from recruiting.resumes.vocabulary import TITLE_WORDS, heading_kind

EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,24}(?![\w-])", re.I)
PHONE = re.compile(
    r"(?<![\w+])(?:\+|00)?\(?\d[\d\s().\-–‐‑\u00ad/]{5,22}\d(?:\s*(?:ext\.?|x)\s*\d{1,5})?"
)
_SOCIAL = (
    "linkedin.com", "github.com", "gitlab.com", "bitbucket.org", "twitter.com", "x.com",
    "facebook.com", "instagram.com", "medium.com", "stackoverflow.com", "youtube.com",
    "behance.net", "dribbble.com", "kaggle.com", "leetcode.com", "orcid.org", "scholar.google.com",
)  # fmt: skip
_TLDS = (
    "com|org|net|io|dev|me|app|ai|co|design|page|site|xyz|tech|info|blog|portfolio|art|"
    "studio|codes|cloud|example|uk|de|fr|es|it|nl|ca|au|in|eu|ch|at|se|no|dk|fi|pl|pt|us|work|pro|name"
)
URL = re.compile(
    r"(?<![@\w.])(?:https?://)?(?:www\.)?(?:[a-z0-9-]+\.)+(?:" + _TLDS + r")\b"
    r"(?:/[^\s|,;)<>\"'•·]*)?",
    re.IGNORECASE,
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


US_STATES = _words(
    """
    AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ
    NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC ST
    """
)
REGIONS = _words(
    """
    alabama alaska arizona arkansas california colorado connecticut delaware florida georgia
    hawaii idaho illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts
    michigan minnesota mississippi missouri montana nebraska nevada ohio oklahoma oregon
    pennsylvania tennessee texas utah vermont virginia washington wisconsin wyoming usa us
    india germany france spain italy netherlands belgium switzerland austria sweden norway
    denmark finland poland portugal ireland canada australia japan china singapore brazil
    mexico argentina uk england scotland wales israel nigeria kenya egypt pakistan bangladesh
    philippines vietnam indonesia korea taiwan ontario quebec bavaria deutschland españa
    italia
    """
) | {
    "united kingdom", "united states", "new zealand", "south africa", "czech republic",
    "united arab emirates", "hong kong", "saudi arabia", "south korea", "costa rica",
    "puerto rico", "new york", "new jersey", "new mexico", "north carolina", "south carolina",
    "north dakota", "south dakota", "west virginia", "rhode island", "new hampshire",
}  # fmt: skip
_PLACE_NAME = r"[A-ZÀ-Þ][\wÀ-ÿ.'’-]*(?:[ -][A-ZÀ-Þa-z][\wÀ-ÿ.'’-]*){0,3}"
LOCATION = re.compile(
    rf"(?:\d+\s+[\w .'-]+?(?:,\s*|\s+))?(?P<city>{_PLACE_NAME}),"
    rf"\s*(?P<region>[A-Z]{{2}}|{_PLACE_NAME})"
    rf"(?:,\s*(?P<country>{_PLACE_NAME}))?(?:\s+\d{{5}}(?:-\d{{4}})?)?"
)
SEPARATORS = re.compile(r"\s*[|•·⋅∙◦▪●◆♦⋄/]\s*|\s{2,}|\s+[–—-]\s+")


def is_place(text: str) -> bool:
    """A place as resumes write it: "Austin, TX", "Berlin, Germany", "Remote"."""
    value = text.strip(" ()")
    if value.lower() in ("remote", "hybrid", "on-site", "onsite", "worldwide"):
        return True
    if value[:1].isdigit() and value.count(",") >= 2:
        return is_place(value.split(",", 1)[1])  # "555 Main Way, City, ST": the street aside
    match = LOCATION.fullmatch(value)
    if match is None:
        return value.lower() in REGIONS
    region = match.group("region")
    country = match.group("country")
    known = region in US_STATES or region.lower() in REGIONS
    return known and (country is None or country.lower() in REGIONS or country in US_STATES)


def find_email(text: str) -> str | None:
    match = EMAIL.search(text)
    return match.group().lower() if match else None


def find_phone(text: str) -> str | None:
    for match in PHONE.finditer(text):
        candidate = match.group().strip()
        digits = re.sub(r"\D", "", candidate)
        groups = len(re.findall(r"\d+", candidate))
        if not 7 <= len(digits) <= 15 or groups > 6:
            continue
        if not (candidate.startswith("+") or groups >= 3 or (groups == 2 and len(digits) >= 10)):
            continue  # "20451-00", "10000000": a figure, not a number to call
        if re.search(r"(?:19|20)\d\d\s*[-–/]\s*(?:19|20)\d\d|\d{1,2}/(?:19|20)\d\d", candidate):
            continue  # a date range, not a number
        if "(" in candidate and ")" not in candidate:
            candidate = candidate.replace("(", "")
        return candidate
    return None


def phone_e164(raw: str, region: str = "US") -> str:
    """E.164 when the number can be read, else the digits as written."""
    import phonenumbers

    cleaned = re.sub("[–‐‑\u00ad]", "-", raw)
    try:
        number = phonenumbers.parse(cleaned, None if cleaned.startswith("+") else region)
        if phonenumbers.is_possible_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    except phonenumbers.NumberParseException:
        pass
    return ("+" if cleaned.startswith("+") else "") + re.sub(r"\D", "", cleaned)


def link_kind(url: str) -> str:
    host = urlsplit(url if "//" in url else f"//{url}").netloc.lower().removeprefix("www.")
    if host.endswith("linkedin.com"):
        return "linkedin"
    if host in ("github.com", "gitlab.com", "bitbucket.org") or host.endswith(".github.io"):
        return "github"
    if host in _SOCIAL:
        return "other"
    return "portfolio"


def find_links(texts: list[str], targets: list[str]) -> list[Link]:
    found: dict[str, Link] = {}
    candidates = [m.group() for text in texts for m in URL.finditer(text)]
    candidates += [t for t in targets if t.lower().startswith(("http://", "https://"))]
    for raw in candidates:
        url = raw.rstrip(".:/")
        bare = re.sub(r"^(?:https?://)?(?:www\.)?", "", url, flags=re.I)
        host = bare.split("/", 1)[0].lower()
        if not host or "." not in host:
            continue
        key = bare.lower().rstrip("/")
        if key not in found:
            found[key] = Link(url=url, kind=link_kind(url))
    return list(found.values())


def _collapse_spaced(text: str) -> str:
    """ "J O R D A N  R E Y E S" (letter-spaced) back to words."""
    if re.fullmatch(r"(?:\S ){3,}\S", text):
        return re.sub(r"(?<=\S) (?=\S)", "", text.replace("   ", "  ")).replace("  ", " ")
    return text


_NAME_WORD = re.compile(r"^[^\W\d_][^\W\d_.'’-]*(?:[.'’-][^\W\d_]*)*\.?$")
_NOT_NAME = re.compile(r"resume|résumé|curriculum|vitae|\bcv\b|@|\d|http|www\.", re.I)


def name_score(text: str) -> float:
    """How much a line looks like a person's name (0 when it cannot be one)."""
    value = unicodedata.normalize("NFC", _collapse_spaced(text.strip(" |•·,")))
    if not value or _NOT_NAME.search(value) or heading_kind(value):
        return 0.0
    words = value.split()
    if not 1 <= len(words) <= 5 or not all(_NAME_WORD.match(w) for w in words):
        return 0.0
    if any(w.lower().strip(".") in TITLE_WORDS for w in words):
        return 0.1
    capitalised = sum(1 for w in words if w[0].isupper())
    if capitalised < len(words) - (1 if len(words) > 2 else 0):
        return 0.0
    return 1.0 if 2 <= len(words) <= 4 else 0.6


def find_name(lines: list[Line], email: str | None) -> tuple[str | None, float]:
    """The name: the most name-like of the first lines, helped by size and the e-mail."""
    top = [line for line in lines if line.page == 0]
    if not top:
        return None, 0.0
    largest = max(line.size for line in top)
    best: tuple[float, str] | None = None
    local = re.sub(r"[^a-z]", "", (email or "").split("@")[0].lower())
    positions: dict[int, int] = {}
    for index, line in enumerate(top):
        position = positions[line.column] = positions.get(line.column, -1) + 1
        for text in _name_candidates(line, top, index):
            score = name_score(text)
            if score == 0:
                continue
            score += 0.6 if largest and line.size >= largest - 0.1 else 0.0
            score += 0.2 if line.bold else 0.0
            score -= 0.05 * position
            if len(text.split()) == 1 and line.size < largest - 0.1:
                score -= 0.5  # a lone word in body type is a skill or a label, not a name
            letters = re.sub(r"[^a-z]", "", _fold(text))
            if local and letters and (letters in local or local in letters):
                score += 0.5
            elif local and any(len(w) > 2 and w in local for w in _fold(text).split()):
                score += 0.3
            if best is None or score > best[0]:
                best = (score, _collapse_spaced(text.strip(" |•·,")))
    if best is None:
        return None, 0.0
    return best[1], min(0.99, 0.5 + best[0] / 4)


def _name_candidates(line: Line, top: list[Line], index: int) -> list[str]:
    texts = [line.text, *(cell.text for cell in line.cells[:2] if len(line.cells) > 1)]
    parts = [p for p in SEPARATORS.split(line.text) if p]
    if len(parts) > 1:
        texts.append(parts[0])
    # A name set on two lines ("Chanchal" / "Sharma") in the same large type.
    if index + 1 < len(top):
        following = top[index + 1]
        if (
            len(line.text.split()) == 1
            and len(following.text.split()) == 1
            and abs(following.size - line.size) < 0.5
        ):
            texts.append(f"{line.text} {following.text}")
    return texts


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def find_location(lines: list[Line]) -> str | None:
    for line in lines:
        for cell in line.cells:
            for part in SEPARATORS.split(cell.text):
                value = part.strip(" ,")
                value = re.sub(r"^(?:location|address|based in)\s*:\s*", "", value, flags=re.I)
                if value and not EMAIL.search(value) and is_place(value) and len(value) < 60:
                    return value
    return None
