"""Words resumes use: section headings, titles, employers, schools, degrees."""

from __future__ import annotations

import re
import unicodedata

# Section kinds and the headings that open them (normalised: lower case, letters only).
HEADINGS: dict[str, tuple[str, ...]] = {
    "experience": (
        "experience", "work experience", "professional experience", "employment",
        "employment history", "work history", "career history", "professional background",
        "relevant experience", "experience and leadership", "leadership and experience",
        "professional history", "career", "positions", "berufserfahrung", "expérience",
        "expérience professionnelle", "experiencia", "experiencia laboral", "internships",
        "internship experience", "work", "employment experience", "qualified experience",
        "volunteer experience", "volunteering experience",
    ),
    "education": (
        "education", "academic background", "education and training", "academics",
        "qualifications", "academic qualifications", "ausbildung", "formation",
        "educación", "education and certifications", "studies", "bildung",
    ),
    "skills": (
        "skills", "technical skills", "core skills", "key skills", "top skills", "skill set",
        "skillset", "competencies", "core competencies", "technologies", "tools",
        "technical proficiencies", "proficiencies", "expertise", "areas of expertise",
        "additional skills", "skills and tools", "programs skills software", "software",
        "kenntnisse", "compétences", "habilidades", "tech stack", "technical",
        "languages and tools",
        "skills and interests", "skills and abilities", "technical expertise", "programming",
        "programming languages", "tools and technologies",
    ),
    "summary": (
        "summary", "profile", "professional summary", "about", "about me", "objective",
        "career objective", "overview", "personal statement", "profil", "career summary",
        "executive summary", "highlights", "summary of qualifications",
    ),
    "contact": ("contact", "contact information", "contact details", "personal details",
                "details", "info", "links", "kontakt", "coordonnées"),
    "projects": ("projects", "personal projects", "selected projects", "side projects",
                 "academic projects", "open source", "projekte", "projets"),
    "other": (
        "awards", "honors", "honours", "honors and awards", "awards and honors", "achievements",
        "certifications", "certificates", "licenses and certifications", "courses",
        "coursework", "relevant coursework", "languages", "interests", "hobbies",
        "publications", "volunteer", "volunteering", "activities", "honors awards",
        "extracurricular activities", "leadership", "references", "memberships",
        "affiliations", "training", "conferences", "talks", "patents", "additional information",
        "additional", "sprachen", "langues", "idiomas", "interessen", "research",
        "teaching", "service", "presentations", "activities and interests",
    ),
}  # fmt: skip
_BY_HEADING = {h: kind for kind, headings in HEADINGS.items() for h in headings}


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def normalise(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = folded.replace("&", " and ")
    return " ".join(re.findall(r"[^\W\d_]+", folded))


def heading_kind(text: str) -> str | None:
    """The section a heading opens, or None when the text is not a heading."""
    stripped = text.strip(" :•·|-–—_*#>")
    if not stripped or len(stripped) > 48 or stripped.endswith((".", ",")):
        return None
    first = next((c for c in stripped if c.isalpha()), "")
    if first.islower():
        return None  # a wrapped sentence's last word ("skills."), not a heading
    if re.fullmatch(r"(?:[^\W\d_] ){2,}[^\W\d_]", stripped):  # "E X P E R I E N C E"
        stripped = stripped.replace(" ", "")
    words = normalise(stripped)
    if words in _BY_HEADING:
        return _BY_HEADING[words]
    # "Computer Engineering Experience", "Leadership and Work Experience"
    tail = words.split(" ")
    if 1 < len(tail) <= 5 and tail[-1] in ("experience", "employment", "history"):
        return "experience" if tail[-1] != "history" or "work" in tail else None
    if 1 < len(tail) <= 4 and tail[-1] in ("skills", "technologies", "competencies"):
        return "skills"
    if 1 < len(tail) <= 4 and tail[-1] == "education":
        return "education"
    if 1 < len(tail) <= 4 and tail[-1] == "projects":
        return "projects"
    return None


TITLE_WORDS = _words(
    """
    engineer engineering developer manager intern internship analyst designer director ceo cto
    cfo coo cpo founder cofounder co-founder lead consultant specialist coordinator associate
    tutor assistant scientist architect administrator officer head vp president representative
    technician teacher professor lecturer researcher fellow programmer principal staff senior
    junior sr jr chief partner owner agent advisor adviser counselor nurse accountant auditor
    clerk editor writer producer marketer strategist recruiter sourcer supervisor operator
    instructor trainee apprentice volunteer member executive sales product qa sre devops admin
    secretary receptionist cashier associate attorney paralegal physician therapist pharmacist
    chemist biologist economist statistician mentor ambassador organizer organiser captain
    leader entwickler ingenieur berater leiter werkstudent praktikant développeur ingénieur
    chef stagiaire desarrollador gerente pilot mechanic electrician buyer planner controller
    photographer artist worker crew barista server bartender tester
    """
)
COMPANY_WORDS = _words(
    """
    inc inc. llc llp ltd ltd. limited corp corp. corporation company co co. gmbh ag sa sas
    sarl bv plc pty labs lab systems technologies technology tech solutions group studio
    studios analytics financial bank consulting partners holdings ventures capital software
    networks media health healthcare hospital foundation institute agency industries
    international enterprises services robotics store nonprofit university college school
    department program ministry council press publishing restaurant cafe
    """
)
INSTITUTION = re.compile(
    r"\b(?:university|universit[éäaiy]\w*|college|institute|institut|school|academy|"
    r"polytechnic|politecnico|hochschule|école|ecole|conservatory|seminary|iit|mit|"
    r"ucla|nyu|bootcamp|lycée|gymnasium)\b",
    re.IGNORECASE,
)
DEGREE = re.compile(
    r"(?:^|\b|(?<=\s))(?:"
    r"b\.?\s?s\.?c?|b\.?\s?a\.?|b\.?\s?sc|b\.?\s?eng|b\.?\s?e\.?|b\.?\s?tech|b\.?\s?f\.?\s?a\.?|"
    r"b\.?\s?b\.?\s?a|m\.?\s?s\.?c?|m\.?\s?a\.?|m\.?\s?sc|m\.?\s?eng|m\.?\s?tech|m\.?\s?b\.?\s?a|"
    r"m\.?\s?f\.?\s?a|m\.?\s?ed|b\.?\s?ed|ed\.?\s?d|m\.?\s?p\.?\s?h|ph\.?\s?d|d\.?\s?phil|j\.?\s?d|m\.?\s?d|ll\.?\s?[bm]|a\.?\s?a\.?\s?s|"
    r"bachelor\w*|master\w*|associate\w*|doctor\w*|diplom\w*|diploma|licence|licenciatura|"
    r"certificate|certification|ged|high school diploma|mba|msc|bsc|beng|meng|abitur|"
    r"baccalauréat|baccalaureate"
    r")(?=$|[\s,.(/:]|\b)",
    re.IGNORECASE,
)
