"""People and teams as the sources write them: "GBR Ron Flockhart GBR Ivor Bueb", "GBR Ecurie Ecosse".

A three-letter upper-case nationality code comes before a name (any number of drivers: two in the 1950s,
three or four in modern crews). Codes are recognised from a fixed list (so an upper-case make such as "BMW" or
"DKW" is never taken for one); the list keeps both the ISO and the IOC/FIA spellings (NLD and NED, DEU and GER,
FRG) because the sources mix them.
"""

from __future__ import annotations

import re

from sim.records import Driver

NATIONALITY_CODES = frozenset(
    """ARG AUS AUT BEL BRA CAN CHE CHI CHL COL CUB CZE DDR DEN DEU DNK ESP FIN FRA FRG GBR GDR GER
    GRE GRC HUN IRL ISR ITA JPN LIE LUX MAR MCO MEX MON NED NLD NOR NZL POL POR PRT RHO ROU RSA
    SUI SWE THA URS URU USA VEN YUG ZAF
    ARE UAE AZE BER BMU BGR BUL BHR BRN BLR BOL CAY CYM CHN CRC CRI CRO HRV CSK TCH CYP DOM ECU EGY EST GEO
    GTM GUA HKG IDN INA IND IRN ISL JOR KAZ KEN KOR KSA SAU KUW KWT LAT LVA LBN LTU MAS MYS MLT NGR OMA OMN
    PAN PAR PRY PER PHI PHL PRI PUR QAT ROM RUS SGP SLO SVN SMR SRB SVK TPE TWN TUR UKR URY VIE ZIM""".split()
)
# Alternative codes for one country; a document that uses both is flagged by the checks.
SAME_COUNTRY = ({"NLD", "NED"}, {"DEU", "GER", "FRG"}, {"CHE", "SUI"}, {"DNK", "DEN"}, {"PRT", "POR"},
                {"ZAF", "RSA"}, {"MCO", "MON"}, {"GRC", "GRE"}, {"CHL", "CHI"}, {"ARE", "UAE"}, {"BMU", "BER"},
                {"BGR", "BUL"}, {"BHR", "BRN"}, {"CYM", "CAY"}, {"CRI", "CRC"}, {"HRV", "CRO"}, {"CSK", "TCH"},
                {"GTM", "GUA"}, {"IDN", "INA"}, {"SAU", "KSA"}, {"KWT", "KUW"}, {"LVA", "LAT"}, {"MYS", "MAS"},
                {"OMN", "OMA"}, {"PRY", "PAR"}, {"PHL", "PHI"}, {"PRI", "PUR"}, {"ROU", "ROM"}, {"SVN", "SLO"},
                {"TWN", "TPE"}, {"URU", "URY"})
_PARTICLES = frozenset("de del della der des di da das dos du la le van von zu ten ter y".split())
_SUFFIXES = frozenset("jr jr. sr sr. ii iii iv".split())
_QUOTES = "‘’“”\"'„«»"
_TOKEN = re.compile(r"\([^)]*\)|\S+")


def split_code(text: str) -> tuple[str | None, str]:
    """"GBR Ecurie Ecosse" -> ("GBR", "Ecurie Ecosse"); "E. Hugus (private entrant)" -> (None, same)."""
    text = text.strip()
    first, _, rest = text.partition(" ")
    if first in NATIONALITY_CODES and rest.strip():
        return first, rest.strip()
    return None, text


def person(text: str, *, nominated_marker: str | None = None) -> Driver | None:
    """One name in a cell: "GBR Robin Carnegie" -> Driver("Robin Carnegie", "GBR"); "" -> None.

    With ``nominated_marker="*"``, "*von Trips" -> Driver("von Trips", nominated=True).
    """
    code, name = split_code(text)
    if not name:
        return None
    nominated = bool(nominated_marker) and name.startswith(nominated_marker)
    if nominated:
        name = name[len(nominated_marker) :].strip()
    return Driver(name=name, nationality=code, nominated=nominated)


def drivers(text: str) -> tuple[tuple[Driver, ...], list[str]]:
    """All drivers of a Le Mans "Drivers" cell, and notes on names split without a code.

    Each nationality code starts a new driver. A run of words without a code between them is
    split by the shape of the names: four or six name-words (not counting particles such as
    "de"/"La", quoted nicknames or a bracketed real name) are two or three "Given Surname" people
    ("FRA Clarence de Rinen Robert La Caze"); three or fewer stay one person
    ("NLD Carel Godin de Beaufort"). Never raises.
    """
    segments: list[tuple[str | None, list[str]]] = []
    for token in _TOKEN.findall(text):
        if token in NATIONALITY_CODES:
            segments.append((token, []))
        else:
            if not segments:
                segments.append((None, []))
            segments[-1][1].append(token)
    found: list[Driver] = []
    notes: list[str] = []
    for code, tokens in segments:
        if not tokens:
            continue
        people = _split_people(tokens)
        if len(people) > 1:
            shown = " and ".join(repr(p) for p in people)
            notes.append(f"split {' '.join(tokens)!r} into {shown}: no nationality code between the names")
        found.append(Driver(name=people[0], nationality=code))
        found.extend(Driver(name=p) for p in people[1:])
    return tuple(found), notes


def _kind(token: str) -> str:
    if token.startswith("("):
        return "paren"
    if token[0] in _QUOTES:
        return "quoted"
    if token.casefold() in _PARTICLES:
        return "particle"
    if token.casefold() in _SUFFIXES:
        return "suffix"
    return "word"


def _split_people(tokens: list[str]) -> list[str]:
    kinds = [_kind(t) for t in tokens]
    words = kinds.count("word")
    if words < 4 or words % 2:
        return [" ".join(tokens)]
    people: list[list[str]] = [[]]
    count = 0
    for token, kind in zip(tokens, kinds):
        # once a person has a given name and a surname, the next name-like token starts another
        if count == 2 and kind in ("word", "particle", "quoted"):
            people.append([])
            count = 0
        people[-1].append(token)
        count += kind == "word"
    return [" ".join(p) for p in people]


def surname(name: str) -> str:
    """The last name-word: "Ron Flockhart" -> "Flockhart"; "”Mary” (Jean Brussin)" -> "”Mary”"."""
    words = [t for t in _TOKEN.findall(name) if _kind(t) not in ("paren", "suffix")]
    return words[-1] if words else name
