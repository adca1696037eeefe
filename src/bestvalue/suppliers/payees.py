"""Who a payee is: a supplier, a person, a redaction, or nothing published.

Individuals and redacted payees never become suppliers and their names are never shown as supplier
names. The rules, in order:

1. ``unknown``: blank, or a placeholder (``N/A``, ``Various``, ``-``, ``TBC``...).
2. ``redacted``: a redaction wording (``Redacted``, ``Personal Data``, ``Private Individual``,
   ``Withheld``, ``GDPR``, a person described by role such as ``Service User`` or ``Foster Carer``...;
   table ``data/redactions.csv``).
3. ``supplier``: a legal form, a business word (``Care``, ``Services``, ``School``...), a digit, a
   trading-as name, a web address, ``UK`` after the first word, or a card-terminal prefix
   (``SQ *``, ``PAYPAL *``).
4. ``individual``: a person's name by :func:`bestvalue.suppliers.names.person_reason` (a title such
   as ``Mr``/``Dr``; initials and a surname; a known forename then a surname; a surname then
   initials), or ``Surname, Forename`` with a comma; or two to four plain words paid only as social
   care to people (direct payments, fostering and adoption allowances...).
5. ``supplier`` otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, cast

from bestvalue.suppliers.names import (
    NormalisedName,
    card_terminal,
    fold,
    normalise,
    person_reason,
    person_words,
    words,
)
from bestvalue.suppliers.rules import (
    anchored_redaction,
    business_words,
    forenames,
    legal_form_tokens,
    redactions,
)

PayeeKind = Literal["supplier", "individual", "redacted", "unknown"]


@dataclass(frozen=True, slots=True)
class Payee:
    kind: PayeeKind
    reason: str
    confidence: float


def classify_payee(
    raw: str | None, norm: NormalisedName | None = None, folded: str | None = None, *, care_only: bool = False
) -> Payee:
    """Decide what kind of payee a published name denotes (``norm``/``folded``: already computed;
    ``care_only``: every payment to the name is a social-care payment to a person, such as a direct
    payment or a fostering allowance)."""
    text = fold(raw or "") if folded is None else folded
    if not text:
        return Payee("unknown", "no payee name published", 1.0)
    bare = text.strip(" .,;:-")
    weak = None
    anchored = anchored_redaction().match(bare) is not None
    for rule in redactions():
        if (rule.hint in bare if rule.hint else anchored) and rule.pattern.search(bare):
            if rule.strong:
                return Payee(as_kind(rule.kind), rule.meaning, 1.0)
            weak = weak or Payee(as_kind(rule.kind), rule.meaning, 0.9)
    tokens = words(text)
    if not tokens:
        return Payee("unknown", "no letters or digits in the name", 1.0)
    business = _business_reason(tokens, norm or normalise(text, text))
    if business is None and card_terminal(text):
        business = "paid through a card terminal"
    if business:
        return Payee("supplier", business, 0.95)
    if weak:
        return weak
    person = person_reason(person_words(text))
    if person is None and "," in text:
        person = _surname_comma_forename(text)
    if person:
        confidence = 0.95 if person.startswith("starts with the title") else 0.85
        return Payee("individual", person, confidence)
    if care_only and _few_plain_words(tokens):
        return Payee("individual", "paid only as social care to people (direct payments, fostering...)", 0.8)
    return Payee("supplier", "no sign of a person's name", 0.8)


def _few_plain_words(tokens: list[str]) -> bool:
    """Two to four words of letters, as a person's name has."""
    return 2 <= len(tokens) <= 4 and all(t.isalpha() for t in tokens)


def as_kind(text: str) -> PayeeKind:
    """A payee kind from a table or an override (checked)."""
    if text not in ("supplier", "individual", "redacted", "unknown"):
        raise ValueError(f"unknown payee kind {text!r}")
    return cast(PayeeKind, text)


def _business_reason(tokens: list[str], norm: NormalisedName) -> str | None:
    if norm.legal_form or not legal_form_tokens().isdisjoint(tokens[1:]):
        return "has a legal form"
    if norm.trading_as:
        return "trades under a business name"
    if not "".join(tokens).isalpha():
        return "has digits"
    if "www" in tokens or any(t in ("com", "co") for t in tokens[1:]):
        return "is a web address"
    if any(t in ("uk", "gb") for t in tokens[1:]):
        return "names a country (UK) as businesses do"
    if business_words().isdisjoint(tokens):
        return None
    found = next(t for t in tokens if t in business_words())
    return f"has the business word '{found}'"


def _surname_comma_forename(text: str) -> str | None:
    """``Smith, John`` / ``SMITH, J A``."""
    left, _, right = text.partition(",")
    surname, given = words(left), words(right)
    if len(surname) != 1 or not 1 <= len(given) <= 3:
        return None
    if given[0] in forenames() or all(len(t) == 1 for t in given):
        return "a surname, then forenames"
    return None
