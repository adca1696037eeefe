"""Supplier-name normalisation: one published name -> the key that equal names share.

The rules follow the spirit of Companies House's "same as" name rules (a company cannot register a
name that differs from an existing one only by these things), so two *company* names with the same
key are, with high likelihood, the same company:

* case, accents, punctuation, spacing, ``&``/``+``/``and``, a leading ``the``;
* legal forms anywhere they end the legal name (``Ltd``, ``Limited``, ``PLC``, ``LLP``, ``CIC``, ``LLC``,
  ``Inc``, ``& Co``, Welsh forms, ...; table ``data/legal_forms.csv``) and their truncations at the
  end of a cut-off name (``... L``, ``... Lim``);
* whatever follows the legal form (a branch, site or account qualifier: ``HC-One Ltd (Kings Park)``,
  ``Maxwell Bond Ltd - Perm Placements``); without a legal form nothing is dropped, so
  ``Age UK Trafford`` and ``Age UK`` stay apart;
* ``UK``/``GB``/``United Kingdom`` (except as the first word);
* "trading as": ``A Ltd t/a B`` is keyed on the legal entity ``A``; ``Jane Smith t/a B`` on ``B``;
  ``L&Q t/a London & Quadrant`` on the words the initials stand for; ``c/o`` and what follows is
  dropped, and so is ``via`` and what follows after a legal form (an agent);
* a final bracket restating the name: initials (``Scottish & Southern Electric (SSE)``) or the
  company behind a brand (``I Love MCR (I Love Media Ltd)``), kept as the other name;
* web and card-terminal noise: ``www.``, ``.co.uk``, ``WF* ``, ``PAYPAL *``, reference numbers of 5+
  digits;
* common abbreviations (``Svcs``, ``Assoc``, ``Mgmt``, ``MBC``, ...; table ``data/abbreviations.csv``).

``compact`` (the key without spaces and without ``and``) is what exact matching compares, so
``HC-One`` = ``HC One`` = ``HCOne``.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

from bestvalue.suppliers.rules import (
    abbreviation_starts,
    abbreviations,
    account_words,
    business_words,
    common_words,
    forenames,
    is_english,
    legal_forms_by_last_word,
    surnames,
    titles,
)


@dataclass(frozen=True, slots=True)
class NormalisedName:
    """The pieces of a published name that matching uses."""

    key: str  # normalised words, space separated ('' when nothing is left)
    compact: str  # the exact-match key: key without spaces and without 'and'
    legal_form: str | None  # kind of legal form found (company, plc, llp, cic, ...)
    vcse: bool  # the legal form is a social-enterprise / charity form (CIC, CIO, BenCom)
    qualifier: str  # words dropped after the legal form (branch, site, account)
    trading_as: str  # the other side of a 'trading as', normalised ('' if none)


_QUOTES = str.maketrans(
    {"’": "'", "‘": "'", "`": "'", "´": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\xa0": " "}
)
_SPACES = re.compile(r"\s+")
_TRADING_AS = re.compile(
    r"(?:^|[\s(\[,;-])(?:t\s?/\s?a|t\\a|t/as|t\.a\.|trading\s+as|tradings\s+as|trading\s+under(?:\s+the\s+name)?"
    r"(?:\s+of)?)(?=[\s:)\]]|$)[\s:]*"
)
_CARE_OF = re.compile(r"(?:^|\s|\()(?:c/o|c\\o|care\s+of)(?=\s|$)")
_VIA = re.compile(r"(?<=\b(?:ltd|plc|llp))\.?\s+via\s|(?<=\blimited)\s+via\s")
_WWW = re.compile(r"^(?:https?://)?w{2,3}\.")
_DOMAIN = re.compile(
    r"(?<=[a-z0-9])\.(?:co|com|org|net|ac|gov|ltd|plc|me|io|eu|info|biz)(?:\.[a-z]{0,3})?(?![a-z])\.?"
)
_PROCESSORS = frozenset(
    {
        "paypal",
        "pp",
        "sumup",
        "izettle",
        "zettle",
        "iz",
        "sq",
        "sp",
        "wf",
        "wp",
        "sms",
        "ppl",
        "stripe",
        "payzone",
        "worldpay",
        "ebay",
        "amznmktplace",
    }
)
_INITIAL_DOT = re.compile(r"(?<![a-z0-9])([a-z])\.")
_NOT_WORD = re.compile(r"[^a-z0-9]+")
_LONG_NUMBER = re.compile(r"\d{5,}|^(?=(?:[a-z]*\d){3})(?=\d*[a-z])[a-z0-9]{6,}$")
_TRUNCATED_FORMS = frozenset({"l", "li", "lim", "limi", "limit", "limite", "lt"})
_COUNTRY = frozenset({"uk", "gb"})
_COUNTRY_PHRASES = (("united", "kingdom"), ("great", "britain"), ("u", "k"))


def fold(raw: str) -> str:
    """Lower case, accents removed, HTML entities decoded, quotes and dashes unified, spaces collapsed."""
    if "&" in raw and ";" in raw:
        raw = html.unescape(html.unescape(raw))
    if raw.isascii():
        return " ".join(raw.lower().split())
    text = unicodedata.normalize("NFKD", raw.translate(_QUOTES))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.casefold().split())


def words(folded: str) -> list[str]:
    """Plain word tokens of folded text (no expansions, nothing dropped)."""
    return [t for t in _NOT_WORD.split(folded.replace("'", "").replace("&", " and ")) if t]


def person_words(raw: str) -> list[str]:
    """Word tokens for reading a person's name: noise stripped, hyphenated names kept whole."""
    text = _strip_noise(fold(raw)).replace("'", "").replace("&", " and ")
    text = re.sub(r"(?<=[a-z])-(?=[a-z])", "", text)
    return ["and" if t == "et" else t for t in _NOT_WORD.split(text) if t]


def card_terminal(folded: str) -> bool:
    """Whether the name is a card-payment processor's prefix and a merchant (``SQ *Cafe``,
    ``PAYPAL *EBAY``): people are not paid through card terminals."""
    if "*" not in folded:
        return False
    head, _, rest = folded.partition("*")
    head = head.strip().replace(" ", "")
    return bool(re.search(r"[a-z]{2}", rest)) and (0 < len(head) <= 3 or head in _PROCESSORS)


def _strip_noise(text: str) -> str:
    """Web addresses and card-terminal prefixes."""
    if "*" in text:
        parts = [p.strip() for p in text.split("*")]
        parts = [p for p in parts if re.search(r"[a-z]{2}", p)]
        if len(parts) > 1 and (len(parts[0]) <= 3 or parts[0].replace(" ", "") in _PROCESSORS):
            parts = parts[1:]
        text = parts[0] if parts else text.replace("*", " ")
    if "." in text:
        text = _DOMAIN.sub(" ", _WWW.sub("", text))
    return text


def _raw_tokens(text: str) -> list[str]:
    text = _strip_noise(text)
    text = text.replace("&", " and ").replace("+", " and ").replace("@", " at ").replace("'", "")
    if "." in text:
        text = _INITIAL_DOT.sub(r"\1 ", text)
    return [t for t in _NOT_WORD.split(text) if t and (t.isalpha() or not _LONG_NUMBER.search(t))]


def _expand(tokens: list[str]) -> list[str]:
    table = abbreviations()
    starts = abbreviation_starts()
    out: list[str] = []
    i = 0
    n = len(tokens)
    while i < n:
        token = tokens[i]
        if token in starts:
            for size in (3, 2):
                chunk = tuple(tokens[i : i + size])
                if len(chunk) == size and chunk in table:
                    out.extend(table[chunk])
                    i += size
                    break
            else:
                out.extend(table.get((token,), (token,)))
                i += 1
            continue
        long = table.get((token,))
        if long:
            out.extend(long)
        else:
            out.append(token)
        i += 1
    return out


def _find_legal_form(tokens: list[str]) -> tuple[int, int, str, bool] | None:
    """(start, end, kind, vcse) of the legal form that ends last (the longest one ending there),
    starting after the first word."""
    n = len(tokens)
    index = legal_forms_by_last_word()
    for end in range(n, 1, -1):
        forms = index.get(tokens[end - 1])
        if not forms:
            continue
        for form in forms:
            start = end - len(form.tokens)
            if start >= 1 and (not form.end_only or end == n) and tuple(tokens[start:end]) == form.tokens:
                return start, end, form.kind, form.vcse
    return None


_COUNTRY_WORDS = frozenset({"uk", "gb", "united", "great", "u"})


def _drop_country(tokens: list[str]) -> list[str]:
    if len(tokens) < 2 or _COUNTRY_WORDS.isdisjoint(tokens):
        return tokens
    out = [tokens[0]]
    i = 1
    while i < len(tokens):
        pair = tuple(tokens[i : i + 2])
        if pair in _COUNTRY_PHRASES:
            i += 2
            continue
        if tokens[i] not in _COUNTRY:
            out.append(tokens[i])
        i += 1
    return out


_TRAILING_PART = re.compile(r"\s*(?:\(([^()]*)\)?|\s-\s+([^-]*))\s*$")


def _account_qualifier(text: str) -> tuple[str, list[str]]:
    """Drop trailing '(...)' / ' - ...' parts made only of account words ('(RENT)', '- GENERAL')."""
    dropped: list[str] = []
    while ")" in text or " - " in text:
        m = _TRAILING_PART.search(text)
        if not m or m.start() == 0:
            return text, dropped
        inner = words(m.group(1) if m.group(1) is not None else m.group(2))
        if not inner or not all(w in account_words() for w in inner):
            return text, dropped
        dropped = inner + dropped
        text = text[: m.start()]
    return text, dropped


def _core(text: str) -> tuple[list[str], str | None, bool, list[str]]:
    """Normalised tokens, legal-form kind, vcse flag and dropped qualifier words of one name part."""
    text, qualifier = _account_qualifier(text)
    raw = _expand(_raw_tokens(text))
    tokens = raw
    kind: str | None = None
    vcse = False
    found = _find_legal_form(tokens)
    if found:
        start, end, kind, vcse = found
        qualifier = tokens[end:] + qualifier
        tokens = tokens[:start]
        while len(tokens) > 1:  # stacked forms: 'x and co ltd', 'x ltd ltd'
            again = _find_legal_form(tokens)
            if not again or again[1] != len(tokens):
                break
            tokens = tokens[: again[0]]
            vcse = vcse or again[3]
    elif len(tokens) >= 3 and tokens[-1] in _TRUNCATED_FORMS:
        kind = "cut" if tokens[-1] == "l" else "company"  # '... L' may be 'Ltd' or 'LLP' cut short
        tokens = tokens[:-1]
    else:
        end = _school_trust_end(tokens)
        if end:  # 'Nexus Multi Academy Trust - Abbey School': the trust, then one of its schools
            qualifier = tokens[end:] + qualifier
            tokens = tokens[:end]
    while len(tokens) > 1 and tokens[0] == "the":
        tokens = tokens[1:]
    while len(tokens) > 1 and tokens[-1] == "and":
        tokens = tokens[:-1]
    tokens = _drop_country(tokens)
    if not tokens:
        tokens = [t for t in raw if t != "the"] or raw
    return tokens, kind, vcse, qualifier


_SCHOOL_TRUSTS = frozenset({"learning", "academy", "academies", "education", "educational", "schools"})


def _school_trust_end(tokens: list[str]) -> int:
    """End of a school trust's name followed by more words (a school or site the trust runs):
    ``<name> Learning Trust``, ``<name> (Multi) Academy Trust``... (0 when there is none)."""
    for i in range(2, len(tokens) - 1):
        if tokens[i] == "trust" and tokens[i - 1] in _SCHOOL_TRUSTS:
            return i + 1
    return 0


STOP_WORDS = frozenset({"and", "of", "for", "the", "in", "on", "at", "to"})
_STOP = STOP_WORDS


def initials(tokens: list[str]) -> tuple[str, str]:
    """First letters of every word, and of every word but ``and``/``of``/``for``/``the``..."""
    return "".join(t[0] for t in tokens), "".join(t[0] for t in tokens if t not in _STOP)


def is_acronym(short: str, tokens: list[str], compound: bool = False) -> bool:
    """Whether ``short`` is made of the initials of ``tokens`` (2+ words, ``and``/``of`` optional:
    ``tfgm`` = Transport for Greater Manchester). With ``compound`` (a name and what it restates,
    side by side in one published name), also the initials of the first words only (``lq`` = London
    and Quadrant Housing Trust) or of the parts of one joined-up word (``pwc`` =
    Pricewaterhousecoopers: its first letter, then the others in order)."""
    if len(short) < 2 or not tokens or not tokens[0] or short[0] != tokens[0][0] or not short.isalpha():
        return False
    if len(tokens) >= 2:
        if short in initials(tokens) or short == "".join(t[0] for t in tokens if t != "and"):
            return True
        return compound and any(
            short in initials(tokens[:k]) for k in range(2, len(tokens)) if tokens[k - 1] not in _STOP
        )
    if compound and len(tokens) == 1 and len(tokens[0]) >= 2 * len(short) and tokens[0][0] == short[0]:
        rest = iter(tokens[0][1:])
        return all(c in rest for c in short[1:])
    return False


_LAST_BRACKET = re.compile(r"^(.*?\S)\s*\(([^()]+)\)\s*$")
_LEGAL_WORD = re.compile(r"\b(?:ltd|limited|plc|llp|lp|cic|cio|llc|inc|co|company)\b")


def _bracket_alias(text: str) -> tuple[str, str]:
    """A name with a final ``(...)`` that restates it: ``Scottish & Southern Electric (SSE)`` and
    ``PwC (PricewaterhouseCoopers)`` (initials and the words they stand for: keyed on the words),
    ``I Love MCR (I Love Media Ltd)`` (a brand and its company: keyed on the company). Returns the
    text to key and the other side ('' when the brackets are something else)."""
    if not text.endswith(")"):
        return text, ""
    m = _LAST_BRACKET.match(text)
    if not m:
        return text, ""
    outside, inside = m.group(1).strip(), m.group(2).strip()
    same_start = outside[:1] == inside[:1]  # initials start as the words they stand for
    one_in, one_out = same_start and " " not in inside, same_start and " " not in outside
    if not (one_in or one_out or _LEGAL_WORD.search(inside)):
        return text, ""  # most brackets: a place or a branch, several words without a legal form
    out_words, in_words = words(outside), words(inside)
    if not out_words or not in_words:
        return text, ""
    if len(in_words) == 1 and is_acronym(in_words[0], _plain(out_words), compound=True):
        return outside, inside
    if len(out_words) == 1 and is_acronym(out_words[0], _plain(in_words), compound=True):
        return inside, outside
    if _find_legal_form(in_words) and not _find_legal_form(out_words) and _names_company(in_words):
        return inside, outside
    return text, ""


def _names_company(tokens: list[str]) -> bool:
    """Whether the words before a legal form name a company on their own (``Eldercare Ltd``,
    ``Bfs Group Ltd``), not the end of a longer name (``(UK Ltd)``, ``(Leasing Ltd)``)."""
    name = [t for t in _plain(tokens) if t not in _COUNTRY]
    if len(name) >= 2:
        return True
    return len(name) == 1 and not is_english(name[0])


def _letters(tokens: list[str]) -> str:
    """The initials a name is written as: one word (``TfGM``), or single letters (``L & Q``)."""
    if len(tokens) == 1:
        return tokens[0]
    letters = [t for t in tokens if t != "and"]
    return "".join(letters) if all(len(t) == 1 for t in letters) else ""


def _plain(tokens: list[str]) -> list[str]:
    """Words before a legal form (the part initials stand for)."""
    found = _find_legal_form(tokens)
    return tokens[: found[0]] if found else tokens


def _trade_word(word: str) -> bool:
    """A dictionary word (or its plural) of 8+ letters, common in business names and no name
    (``controls``, ``containers``, ``collaborative``; not ``bills`` or ``sterling``, surnames too)."""
    if len(word) < 8 or word in surnames() or word in forenames() or word not in common_words():
        return False
    return is_english(word) or (word.endswith("s") and is_english(word[:-1]))


def person_reason(tokens: list[str]) -> str | None:
    """Why plain word tokens read as a person's name (and nothing else), or ``None``.

    Never when a word is a business word or a digit, ``of`` or ``the`` appears. Otherwise: a title
    first (``Mr``, ``Dr``, ``Revd``, ...); initials then a surname (``A Khatib``, ``B R W Sparrow``,
    ``A and C Galley``); a known forename then one to three more words (``Sarah Ray``); a surname
    then one or two initials (``SMITH J``); two or three words ending in a known surname whose
    other words are not common in business names (``Nehal Patel``); or two words neither of which
    is an English dictionary word or common in business names (``Tesfay Mola``).
    """
    if not tokens:
        return None
    if len(tokens) > 6 or any(any(c.isdigit() for c in t) for t in tokens):
        return None
    expanded = _expand(tokens)
    if any(t in business_words() for t in expanded) or any(t in ("of", "the") for t in tokens):
        return None
    if tokens[0] in titles() and len(tokens) >= 2:
        return f"starts with the title '{tokens[0]}'"
    names = [t for t in tokens if t != "and"]
    if len(names) < 2 or tokens[0] == "and" or tokens[-1] == "and":
        return None
    first, last = names[0], names[-1]
    if _trade_word(last):
        return None  # 'Gibson Controls', 'Cleveland Containers': ends with a word of trade

    def name_like(word: str) -> bool:
        return len(word) == 1 or word in forenames() or word in surnames() or not is_english(word)

    def plain(word: str) -> bool:  # neither a dictionary word nor common in business names
        return not is_english(word) and word not in common_words()

    if (
        len(last) >= 2
        and all(len(t) == 1 for t in names[:-1])
        and (name_like(last) or not (last in common_words() or last.endswith(("s", "ing"))))
    ):
        return "initials and a surname"
    if len(names) > 4:
        return None
    if (
        len(last) >= 2
        and first in forenames()
        and "and" not in tokens
        and (len(names) == 2 or all(name_like(t) for t in names[1:]))
    ):
        return f"starts with the forename '{first}'"
    if (
        len(first) >= 2
        and len(names) <= 3
        and all(len(t) == 1 for t in names[1:])
        and "and" not in tokens
        and name_like(first)
    ):
        return "a surname and initials"
    if (
        len(names) <= 3
        and "and" not in tokens
        and last in surnames()
        and len(first) >= 3
        and all(plain(t) for t in names[:-1])
    ):
        return f"ends with the surname '{last}' after words that are not common in business names"
    if len(tokens) == 2 and all(len(t) >= 3 and t.isalpha() and plain(t) for t in tokens):
        return "two words that are neither English nor common in business names"
    if (
        len(tokens) == 3
        and (first in forenames() or last in surnames())
        and all(len(t) >= 3 and t.isalpha() and plain(t) for t in tokens)
    ):
        return "three words that are neither English nor common in business names, one a known name"
    return None


def normalise(raw: str, folded: str | None = None) -> NormalisedName:
    """Normalise one published supplier name (``folded``: ``fold(raw)`` when already known)."""
    text = fold(raw) if folded is None else folded
    if ("c" in text and "/" in text) or "care of" in text:
        care_of = _CARE_OF.search(text)
        if care_of and care_of.start() > 0:
            text = text[: care_of.start()]
    if " via " in text:
        via = _VIA.search(text)
        if via:
            text = text[: via.start()]
    trading = alias = ""
    if text.endswith(")"):
        text, alias = _bracket_alias(text)
    parts = [text]
    if "t" in text and ("/" in text or "\\" in text or "trading" in text or "t.a." in text):
        parts = [p.strip(" -,;:()[]") for p in _TRADING_AS.split(text, maxsplit=1)]
    if len(parts) == 2 and parts[0] and parts[1]:
        left, right = _core(parts[0]), _core(parts[1])
        if right[1] and not left[1]:
            use_right = True
        elif left[1]:
            use_right = False
        elif _letters(left[0]) and is_acronym(_letters(left[0]), right[0], compound=True):
            use_right = True  # 'L&Q T/A London & Quadrant': the name the initials stand for
        else:
            use_right = person_reason(words(parts[0])) is not None
        (tokens, kind, vcse, qualifier), other = (right, left) if use_right else (left, right)
        trading = " ".join(other[0])
    else:
        tokens, kind, vcse, qualifier = _core(next((p for p in parts if p), text))
    if alias and not trading:
        trading = alias
    key = " ".join(tokens)
    compact = "".join(t for t in tokens if t != "and") or key.replace(" ", "")
    return NormalisedName(key, compact, kind, vcse, " ".join(qualifier), trading)


def site_stem(raw: str) -> str:
    """Key of the words before a site or branch part: before the first `` - `` (``Water Plus -
    4082156767 Allotments``), or before a final bracket that never closes (the name was cut inside
    it: ``Skills and Work Solutions (GC Educa``); '' when there is none, or when the part after the
    dash carries a legal form (a company, not a site)."""
    if " - " in raw:
        head, _, tail = raw.partition(" - ")
        if normalise(tail).legal_form:  # 'Kings Road - Priory Group Ltd': a company, not a site
            return ""
    elif "(" in raw and raw.rfind("(") > raw.rfind(")"):
        head = raw[: raw.rfind("(")]
    else:
        return ""
    key = normalise(head).key if head.strip() else ""
    return key if " " in key else ""


def site_owner(raw: str) -> str:
    """Key of the words after the first `` - `` of a name that starts with a site (``Rossendale Sch -
    Aspris Child Svcs``); '' when there is no dash, or either side carries a legal form."""
    if " - " not in raw:
        return ""
    head, _, tail = raw.partition(" - ")
    if not head.strip() or normalise(head).legal_form:
        return ""
    norm = normalise(tail)
    return norm.key if norm.legal_form is None and " " in norm.key else ""


_MID_BRACKET = re.compile(r"^([^()]*\S)\s*\(([^()]+)\)\s*(?=[a-z])([^()]*)$")
_FORM_FIRST = re.compile(
    "(?:"
    + "|".join(("ltd", "limited", "plc", "llp", "cic", "cio", "llc", "lp", "co", "company", "uk"))
    + "|"
    + "|".join(sorted(_TRUNCATED_FORMS))
    + r")\b"
)


def bracket_aside(raw: str, norm: NormalisedName) -> str:
    """Key of a registered name without a bracket inside it, before more words of the name (``ASL
    (Highway Electrical) Training Ltd`` -> ``asl training``); '' when there is no such bracket, or
    either form lacks a legal form. A bracket just before the legal form (``Rix Petroleum (Hull)
    Ltd``) is part of the name: that is how a company of a group or a franchisee registers."""
    if norm.legal_form is None or "(" not in raw:
        return ""
    m = _MID_BRACKET.match(fold(raw))
    if not m:
        return ""
    if _FORM_FIRST.match(m.group(3)):  # a legal form right after it: the bracket is part of the name
        return ""
    aside = normalise(f"{m.group(1)} {m.group(3)}")
    return aside.key if aside.legal_form and aside.key != norm.key and " " in aside.key else ""


_TRADING_AS_RAW = re.compile(
    r"\s+(?:t\s?/\s?a|t\\a|t/as|t\.a\.|trading\s+as|tradings\s+as)[\s:]+", re.IGNORECASE
)


_REFERENCE = re.compile(r"(?<![\w-])(?=(?:[\w<>]*?\d){3})[\w<>]{6,}(?![\w-])")
_DIGIT = re.compile(r"\d")
_EMPTY_BRACKETS = re.compile(r"\(\s*\)|\[\s*\]|<\s*>")
_LEGAL_END = re.compile(r"\b(?:ltd|limited|plc|llp|cic|llc|lp|cio)\b\.?", re.IGNORECASE)


def display_name(raw: str, qualifier: str = "") -> str:
    """The published name tidied for display.

    ``Jane Smith t/a Acme`` shows ``Acme``; reference numbers (``AIRBNB * HM88XBBP4H``,
    ``EXPEDIA 72089304889874``) are dropped; with a ``qualifier`` the text after the legal form
    (``Pct Healthcare Ltd (Bolt)``) is dropped.
    """
    text = _SPACES.sub(" ", raw.translate(_QUOTES)).strip()
    parts = _TRADING_AS_RAW.split(text, maxsplit=1) if "/" in text or "trading" in text.lower() else [text]
    if len(parts) == 2 and parts[1].strip() and person_reason(person_words(parts[0])) is not None:
        text = parts[1].strip(" -,;:()")
    if "*" not in text and not _DIGIT.search(text):
        cleaned = text
    else:
        cleaned = _SPACES.sub(" ", _EMPTY_BRACKETS.sub("", _REFERENCE.sub("", text))).strip(" *-,;:<>")
    if "*" in cleaned and not cleaned.split("*", 1)[1].strip(" <>"):
        cleaned = cleaned.split("*", 1)[0].strip()
    text = cleaned or text
    if qualifier:
        ends = list(_LEGAL_END.finditer(text))
        if ends and ends[-1].end() < len(text):
            text = text[: ends[-1].end()].strip()
    return text
