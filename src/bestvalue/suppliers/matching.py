"""Fuzzy links between distinct normalised names, tuned for precision.

Only these kinds of near-miss are accepted, because they are common in council data and rarely
join two different organisations:

* **typos**: the two keys have the same words except one pair that differs by one edit (a
  transposition counts as one), both words at least 5 letters and starting with the same letter,
  the same digits, one of the two words rare in the corpus (at most 2 distinct keys hold it), and
  not both of them dictionary words or known names (``Johnson``/``Johnston``, ``Homes``/``Holmes``
  stay apart; ``Greentech``/``Screentech`` too);
* **truncation**: a name cut at its council's field width (the width where a spike of names end) is
  a prefix of exactly one other key, of at least 15 characters and 2 words;
* **shortened word**: two keys of 3+ words that start with the same rare word (held by at most
  ``RARE_FIRST`` keys, and no business word such as ``training``) and differ only in one word that
  is the start of the other, at least 4 letters (``Aspris Child Svcs Ltd`` / ``Aspris Childrens
  Services Ltd``);
* **initials**: a one-word key published in capitals that a published name pairs with the words it
  stands for (``IMMA`` / ``Irish Museum of Modern Art (IMMA)``); or, of 5-6 letters, not a
  dictionary word or a name, the initials of exactly one key of 3+ words of 3+ letters (``BBOWT`` /
  ``Berks Bucks & Oxon Wildlife Trust``; ``and``/``of``/``for``/``the`` may or may not count), neither
  carrying a legal form (a registered name is not some other name's initials: ``RICS`` is not ``RBS
  Invoice Customer and Support Ltd``, ``NICC Ltd`` not ``Nasfat Islamic Community Centre``), and no
  word of the long key within the initials (``APEA`` is not ``Active Play Event - APE``). Four
  letters are too few to be unique by chance: ``ACAS`` is not ``Acorn Close Allotment Society``.

* **site of a registered name**: a name without a legal form whose words before `` - `` (``Water
  Plus - 4082156767 Waverledge Allotment``), or before a final bracket it was cut inside (``Skills
  and Work Solutions (GC Educa``: an opening ``(`` that never closes), make a registered name (a key
  of 2+ words that some name carries with a legal form) is linked to it: what follows names a site,
  an account or a branch of that company (unless the whole name is itself registered);
* **branch tail**: a name without a legal form made of a registered name and a tail that only says
  which branch, account or trade it is: a store number of 3+ digits (``Tesco Stores 2071``),
  account words (``Client Account``), the firm's profession (``Hill Dickinson Solicitors`` /
  ``Hill Dickinson LLP``), a cut or misspelt legal form (``Compan``, ``Lts``) or a final cut letter.
  Not when the registered name starts another registered name (``Capita`` / ``Capita Business
  Services``: the tail may name a subsidiary; this holds for sites too), and never after a place or
  a word (``Metro Rod (South Yorkshire)`` may be a franchisee, ``X Holdings`` a parent). After a
  registered name that reads as a person's only the profession or a misspelt legal form counts, and
  after initials and a surname nothing (``A Patel Ltd`` / ``A Patel Solicitors`` may be two people);
  a person's name is never a site's stem;
* **site of a name published with its sites**: a registered key (2+ words, not a parent, not a
  person's name) that some name carries with a legal form *and a site after it* (``Aspris Childrens
  Svcs Ltd Oliver Hs``: a qualifier with a word of 3+ letters that is no account or trade word) takes
  a name without a legal form made of it and 1-3 more words (``Aspris Childrens Services CAMHS``,
  ``Kinder Haven 2 (Westgate)``), none of them a word naming another company of a group (``group``,
  ``trading``, ``services``, ``holdings``, ``trust``...: ``SUBSIDIARY``), or made of a site, `` - ``
  and it, of 3+ words (``Rossendale Sch - Aspris Child Svcs``; not ``Nexus Multi Academy Trust -
  Abbey School``). A firm that itself publishes ``<name> Ltd <site>`` names its own sites so; a
  place after a name never published that way may be a franchisee (``Metro Rod (South Yorkshire)``,
  ``Reeds Rains (Bamber Bridge)`` beside only ``Reeds Rains Ltd (Lettings)``);
* **a bracket inside a registered name**: ``ASL (Highway Electrical) Training Ltd`` is linked to
  the registered name without the bracket (``ASL Traning Ltd``), when words of the name follow the
  bracket (its first word after the bracket is no legal form, cut or whole); a bracket just before
  the legal form is part of the name (``Rix Petroleum (Hull) Ltd``,
  ``Northern Powergrid (Yorkshire) plc``: companies of a group and franchisees register so);
* **marked initials**: initials written with the small words in lower case (``TfGM``, ``DfT``) are
  linked to the one key whose words give those letters, small words exactly where the lower-case
  letters are (``Transport for Greater Manchester``), neither carrying a legal form.

Not accepted, because they join different legal persons too often: a brand and ``<brand> Trading
Ltd`` (a charity and its trading subsidiary: ``Seven Stories`` / ``Seven Stories Trading Ltd``).

Typo candidates come from exact signature blocks (see :func:`typo_links`); edit distances are
computed by rapidfuzz in C.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import chain

from rapidfuzz.distance import OSA
from rapidfuzz.process import cdist

from bestvalue.suppliers.names import STOP_WORDS as _STOP
from bestvalue.suppliers.names import initials, person_reason
from bestvalue.suppliers.rules import account_words, business_words, forenames, is_english, surnames

MIN_COMPACT = 8  # shorter keys are never fuzzy-matched
MIN_WORD = 5  # the differing words must be at least this long
RARE = 2  # the typo word is held by at most this many distinct keys
SMALL_BLOCK = 60  # blocks up to this size are compared in Python
MIN_PREFIX = 15  # truncated keys shorter than this are not prefix-matched
RARE_FIRST = 30  # shortened-word links: the shared first word is held by at most this many keys
MIN_STEM = 4  # shortened-word links: the shorter word has at least this many letters
ACRONYM = (5, 6)  # initials links not shown by any published name: length of the initials
MAX_TAIL = 4  # branch-tail links: at most this many words after the registered name
PROFESSIONS = frozenset({"solicitors", "solicitor", "sols", "solic", "lawyers", "accountants"})
MAX_SITE = 3  # sited links: at most this many words of site after the name
SUBSIDIARY = frozenset(
    {
        "group",
        "holdings",
        "trust",
        "trading",
        "services",
        "enterprises",
        "enterprise",
        "international",
        "solutions",
        "management",
        "foundation",
        "partnership",
        "associates",
        "and",
        "of",
        "uk",
    }
)  # words that name another company of a group, not a site
_LEGAL_WORDS = ("limited", "ltd", "llp", "plc", "company")
_NOT_BRANCH = frozenset({"and", "a", "direct"})  # account words that may start another name


@dataclass(frozen=True, slots=True)
class FuzzyLink:
    a: int  # index into the keys list
    b: int
    score: float  # 0..1 similarity of the compact keys
    detail: str  # human explanation


def _known(word: str) -> bool:
    return is_english(word) or word in forenames() or word in surnames()


def typo_links(keys: list[str]) -> list[FuzzyLink]:
    """Accepted typo links among distinct spaced keys (each key given once).

    Blocking is exact for the rule: keys that differ in one word only share the signature "all
    other words, the position, the first letter of that word", so each key is indexed once per
    word of 5+ letters and only keys sharing a signature are compared.
    """
    split = [k.split() for k in keys]
    freq: Counter[str] = Counter(chain.from_iterable(split))
    blocks: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for i, key in enumerate(keys):
        tokens = split[i]
        if len(key) - len(tokens) + 1 < MIN_COMPACT:
            continue
        start = 0
        for pos, token in enumerate(tokens):
            end = start + len(token)
            if end - start >= MIN_WORD and token.isalpha():
                blocks[f"{key[:start]}\x00{token[0]}{key[end:]}"].append((i, pos))
            start = end + 1
    links: list[FuzzyLink] = []
    for members in blocks.values():
        if len(members) < 2:
            continue
        words = [split[i][pos] for i, pos in members]
        for x, y in _one_edit_pairs(words):
            link = _accept_typo(members[x][0], members[y][0], words[x], words[y], keys, freq)
            if link:
                links.append(link)
    return links


def _one_edit_pairs(words: list[str]) -> list[tuple[int, int]]:
    """Index pairs of distinct words within one edit (small lists in Python, large ones in C)."""
    if len(words) <= SMALL_BLOCK:
        return [
            (x, y)
            for x in range(len(words))
            for y in range(x + 1, len(words))
            if words[x] != words[y]
            and abs(len(words[x]) - len(words[y])) <= 1
            and OSA.distance(words[x], words[y], score_cutoff=1) <= 1
        ]
    by_len: dict[int, list[int]] = defaultdict(list)
    for i, w in enumerate(words):
        by_len[len(w)].append(i)
    out: list[tuple[int, int]] = []
    for length, rows in by_len.items():
        cols = rows + by_len.get(length + 1, [])
        matrix = cdist(
            [words[i] for i in rows],
            [words[i] for i in cols],
            scorer=OSA.distance,
            score_cutoff=1,
            dtype="int8",
            workers=-1,
        )
        for r, c in zip(*(matrix <= 1).nonzero(), strict=True):
            x, y = rows[int(r)], cols[int(c)]
            if (x < y or (len(words[y]) > length and x != y)) and words[x] != words[y]:
                out.append((min(x, y), max(x, y)))
    return out


def _accept_typo(a: int, b: int, x: str, y: str, keys: list[str], freq: Counter[str]) -> FuzzyLink | None:
    if min(freq[x], freq[y]) > RARE or (_known(x) and _known(y)):
        return None
    longest = max(len(keys[a]), len(keys[b])) - keys[a].count(" ")
    score = 1.0 - 1 / max(longest, 1)
    return FuzzyLink(a, b, round(score, 3), f"'{x}' ~ '{y}' (one-letter typo)")


def truncation_links(keys: list[str], truncated: list[bool]) -> list[FuzzyLink]:
    """Links from keys of cut-off names to the one longer key they are a prefix of."""
    order = sorted(range(len(keys)), key=lambda i: keys[i])
    sorted_keys = [keys[i] for i in order]
    links: list[FuzzyLink] = []
    for i, key in enumerate(keys):
        if not truncated[i] or len(key) < MIN_PREFIX or " " not in key:
            continue
        start = bisect_left(sorted_keys, key)
        hits = []
        for j in range(start, len(sorted_keys)):
            other = sorted_keys[j]
            if not other.startswith(key):
                break
            if other != key:
                hits.append(order[j])
            if len(hits) > 1:
                break
        if len(hits) == 1:
            full = keys[hits[0]]
            links.append(
                FuzzyLink(
                    i, hits[0], round(len(key) / len(full), 3), f"cut-off name is the start of '{full}'"
                )
            )
    return links


def stem_links(keys: list[str]) -> list[FuzzyLink]:
    """Keys of 3+ words with the same rare first word, equal but for one word that is the start of
    the other (``child``/``childrens``, ``learn``/``learning``, ``agent``/``agents``)."""
    heads = [k.partition(" ")[0] for k in keys]
    first: Counter[str] = Counter(heads)
    blocks: dict[tuple[str, int], list[int]] = defaultdict(list)
    generic = business_words()
    for i, key in enumerate(keys):
        if 1 < first[heads[i]] <= RARE_FIRST and key.count(" ") >= 2 and heads[i] not in generic:
            blocks[(heads[i], key.count(" "))].append(i)
    links: list[FuzzyLink] = []
    for members in blocks.values():
        if len(members) < 2:
            continue
        split = [keys[i].split() for i in members]
        for x in range(len(members)):
            a = split[x]
            for y in range(x + 1, len(members)):
                b = split[y]
                diff = [(u, v) for u, v in zip(a, b, strict=True) if u != v]
                if len(diff) != 1:
                    continue
                short, long = sorted(diff[0], key=len)
                if len(short) >= MIN_STEM and long.startswith(short) and short.isalpha() and long.isalpha():
                    ka, kb = keys[members[x]], keys[members[y]]
                    score = round(1.0 - (len(long) - len(short)) / max(len(ka), len(kb)), 3)
                    links.append(FuzzyLink(members[x], members[y], score, f"'{short}' is short for '{long}'"))
    return links


def acronym_links(
    keys: list[str],
    capitals: list[bool],
    has_form: list[bool],
    asserted: dict[str, tuple[str, str]],
    marked: dict[str, str] | None = None,
) -> list[FuzzyLink]:
    """One-word keys written in capitals (``capitals``) that are initials: of the key a published
    name pairs them with (``asserted``: initials -> (key, published name), ``Irish Museum of Modern
    Art (IMMA)``); else, for 5+ letters, of exactly one key of 3+ words (``has_form``: a name with
    the key carries a legal form); or, written with the small words in lower case (``marked``: key
    -> the published word, ``TfGM``), of exactly one key with those small words in those places."""
    lo, hi = ACRONYM
    index = {k: i for i, k in enumerate(keys)}
    links: list[FuzzyLink] = []
    for letters, (words, shown) in sorted(asserted.items()):
        if letters in index and words in index and letters != words:
            detail = f"'{letters}' is the initials of '{words}', as '{shown}' shows"
            links.append(FuzzyLink(index[letters], index[words], 0.95, detail))
    wanted = {
        k
        for k, caps in zip(keys, capitals, strict=True)
        if caps and lo <= len(k) <= hi and k.isalpha() and not _known(k) and k not in asserted
    }
    masks = {k: w for k, w in (marked or {}).items() if k not in asserted and k in index}
    if not wanted and not masks:
        return links
    firsts = {w[0] for w in wanted | set(masks)}
    found: dict[str, set[int]] = defaultdict(set)
    exact: dict[str, set[int]] = defaultdict(set)
    for i, key in enumerate(keys):
        if key[0] not in firsts or not 1 <= key.count(" ") <= hi + 1:
            continue
        tokens = key.split()
        if has_form[i] or min((len(t) for t in tokens if t not in _STOP), default=0) < 3:
            continue
        if len(tokens) > 2:
            for letters in initials(tokens):
                if letters in wanted and not any(len(t) >= 3 and t in letters for t in tokens):
                    found[letters].add(i)
        written = masks.get("".join(t[0] for t in tokens))
        if written and all((t in _STOP) == c.islower() for t, c in zip(tokens, written, strict=True)):
            exact[written.lower()].add(i)
    for letters, hits in sorted(found.items()):
        (full, *more) = hits
        if not more and not has_form[index[letters]]:
            links.append(
                FuzzyLink(index[letters], full, 0.9, f"'{letters}' is the initials of '{keys[full]}'")
            )
    for letters, hits in sorted(exact.items()):
        (full, *more) = hits
        if not more and not has_form[index[letters]]:
            detail = f"'{masks[letters]}' is the initials of '{keys[full]}', small words in lower case"
            links.append(FuzzyLink(index[letters], full, 0.9, detail))
    return links


def branch_links(
    keys: list[str], registered: list[bool], plain: list[bool], stems: dict[str, str]
) -> list[FuzzyLink]:
    """Links to a registered key from keys of names that are that registered name and a site
    (``stems``: key -> key of the registered part: ``Water Plus - 4082156767 Waverledge
    Allotment``, ``Skills and Work Solutions (GC Educa``), and from ``plain`` keys (no name with the
    key has a legal form or qualifier) made of a registered key and a branch, account or trade tail
    (``Tesco Stores 2071``, ``Hill Dickinson Solicitors``); see the module docstring."""
    reg, parents = _registered(keys, registered)
    index = {k: i for i, k in enumerate(keys)}
    links: list[FuzzyLink] = []
    for key, stem in sorted(stems.items()):
        if (
            stem in reg
            and stem not in parents
            and stem != key
            and not registered[index[key]]
            and person_reason(stem.split()) is None
        ):
            detail = f"a site or branch of the registered name '{stem}'"
            links.append(FuzzyLink(index[key], index[stem], round(len(stem) / max(len(key), 1), 3), detail))
    for i, key in enumerate(keys):
        if not plain[i] or key.count(" ") < 2:
            continue
        pos = key.rfind(" ")
        while pos > 0:
            stem = key[:pos]
            if stem in reg:
                tail = key[pos + 1 :].split()
                if stem not in parents and _branch_tail(tail, person_reason(stem.split())):
                    detail = f"'{' '.join(tail)}' after the registered name '{stem}' (a branch)"
                    links.append(FuzzyLink(i, index[stem], round(len(stem) / len(key), 3), detail))
                break
            pos = key.rfind(" ", 0, pos)
    return links


def sited_links(
    keys: list[str], registered: list[bool], plain: list[bool], sited: list[bool], owners: dict[str, str]
) -> list[FuzzyLink]:
    """Links to a registered key that is published with sites (``sited``: some name carries the
    key, a legal form and a site after it: ``Aspris Childrens Svcs Ltd Oliver Hs``) from ``plain``
    keys that are that name and another site, after it (``Aspris Childrens Services CAMHS``) or
    before it behind `` - `` (``owners``: key -> key of the part after the dash, ``Rossendale Sch -
    Aspris Child Svcs``). The firm itself writes its sites after its name, so a site there is no
    franchisee's branch; see the module docstring for the guards (keys of 3+ words)."""
    homes: set[str] = set()
    for i, key in enumerate(keys):  # keys are sorted: the keys that start with 'key ' follow it
        if sited[i] and registered[i] and " " in key and person_reason(key.split()) is None:
            j, start = i + 1, key + " "
            while j < len(keys) and keys[j].startswith(start) and not registered[j]:
                j += 1
            if j == len(keys) or not keys[j].startswith(start):  # no registered key starts with it
                homes.add(key)
    index = {k: i for i, k in enumerate(keys)}
    links: list[FuzzyLink] = []
    for key, owner in sorted(owners.items()):
        if owner in homes and owner != key and plain[index[key]] and owner.count(" ") >= 2:
            detail = f"a site before the name '{owner}', which is published with its sites"
            links.append(FuzzyLink(index[key], index[owner], round(len(owner) / len(key), 3), detail))
    for i, key in enumerate(keys):
        if not plain[i] or key.count(" ") < 2 or key in owners:
            continue
        pos = key.rfind(" ")
        for _ in range(MAX_SITE):
            stem = key[:pos]
            if stem in homes:
                tail = key[pos + 1 :].split()
                if not SUBSIDIARY.intersection(tail) and any(w.isalpha() for w in tail):
                    detail = f"'{' '.join(tail)}' after '{stem}', which is published with its sites"
                    links.append(FuzzyLink(i, index[stem], round(len(stem) / len(key), 3), detail))
                break
            pos = key.rfind(" ", 0, pos)
            if pos <= 0:
                break
    return links


def aside_links(keys: list[str], registered: list[bool], asides: dict[str, str]) -> list[FuzzyLink]:
    """Links from keys of registered names with a bracket inside them (``asides``: key -> key of the
    name without the bracket, ``ASL (Highway Electrical) Training Ltd`` -> ``asl training``) to that
    key, when a published name registers it too (``ASL Traning Ltd``)."""
    index = {k: i for i, k in enumerate(keys)}
    links: list[FuzzyLink] = []
    for key, aside in sorted(asides.items()):
        j = index.get(aside)
        if j is not None and registered[j] and aside != key:
            detail = f"'{aside}' is the name without the words in brackets inside it"
            links.append(FuzzyLink(index[key], j, round(len(aside) / len(key), 3), detail))
    return links


def _registered(keys: list[str], registered: list[bool]) -> tuple[set[str], set[str]]:
    """Registered keys of 2+ words (some name with the key has a legal form), and those of them
    that start another registered key (a parent: ``capita`` / ``capita business services``)."""
    reg = {k for k, r in zip(keys, registered, strict=True) if r and " " in k}
    parents: set[str] = set()
    for key in reg:
        pos = key.find(" ", key.find(" ") + 1)
        while pos > 0:
            if key[:pos] in reg:
                parents.add(key[:pos])
            pos = key.find(" ", pos + 1)
    return reg, parents


def _branch_tail(tail: list[str], person: str | None) -> bool:
    """Whether ``tail`` only says which branch, account or trade of a registered name it is. After a
    person's name (``person``: why the name reads as one) only the firm's profession or a misspelt
    legal form count, and never after initials and a surname: two people share a name more often
    than two firms do (``A Patel Ltd`` / ``A Patel Solicitors``)."""
    if not tail or len(tail) > MAX_TAIL or person == "initials and a surname":
        return False
    if person:
        return all(w in PROFESSIONS or _legal_typo(w) for w in tail)
    accounts = account_words()
    for pos, word in enumerate(tail):
        if word.isdigit():
            if len(word) < 3:  # 'Corona Energy Retail 4': a numbered company, not a store
                return False
        elif len(word) == 1:
            if pos != len(tail) - 1:  # a letter ends a cut name only
                return False
        elif not ((word in accounts and word not in _NOT_BRANCH) or word in PROFESSIONS or _legal_typo(word)):
            return False
    return True


def _legal_typo(word: str) -> bool:
    """A legal form cut or misspelt (``compan``, ``lts``, ``limitd``, ``lllp``)."""
    if len(word) < 3 or not word.isalpha() or is_english(word):
        return False
    return any(
        (len(word) >= 4 and form.startswith(word)) or OSA.distance(word, form, score_cutoff=1) <= 1
        for form in _LEGAL_WORDS
    )
