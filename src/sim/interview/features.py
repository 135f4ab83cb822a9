"""Features of a typed interview question for the free-text classifier: hashed word, word-pair
and character n-gram features (robust to typos and unseen words) plus style cues a supervisor
listens for (a tag question, "it sounds like", "on a scale of", "why didn't you", acronyms, a
second question joined by "and"). The training script and the classifier share this code, so a
question is read the same way in both.

Pure Python and deterministic (CRC-32 hashing, not Python's salted ``hash``).
"""
from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from functools import lru_cache

DIMENSIONS = 1 << 14
"""Size of the hashed feature space (a power of two)."""

AUX = frozenset((
    "do", "does", "did", "are", "is", "was", "were", "have", "has", "had", "can", "could", "will", "would",
    "should", "shall", "may", "might", "am", "dont", "doesnt", "didnt", "arent", "isnt", "wasnt", "havent", "hasnt",
    "cant", "couldnt", "wont", "wouldnt", "r",
))
WH = frozenset((
    "what", "how", "who", "where", "when", "why", "which", "whats", "hows", "whos", "wheres", "tell", "describe",
))
_TAG = re.compile(
    r"(,\s*(right|yeah|yes|correct|huh|no|ok|okay|surely)\s*\?*\s*$)"
    r"|\b(aren't|isn't|don't|doesn't|didn't|won't|wouldn't|haven't|hasn't|can't|couldn't|are|is|do|does|did|will|"
    r"would|have|has|can|could)\s+(you|he|she|they|it|we|i|there)\s*\?\s*$"
    r"|^\s*(i\s+(bet|assume|guess|take\s+it|suppose|imagine)|i'm\s+(sure|guessing|assuming)|surely)\b")
_SCALE = re.compile(r"\bscale\b|\b(0|1|one|zero)\s*(to|-|–|through)\s*(10|ten)\b|\bout of (10|ten)\b|\brate\b|"
                    r"\brating\b|\bwhere (would|are) you\b.*\b10\b")
_REFLECT = re.compile(r"^\s*(it\s+)?(sounds|seems|looks)\s+(like|as if)|^\s*so\s+(you|your|the|it)\b|"
                      r"^\s*you('re|\s+are|\s+feel|'ve|\s+have|\s+miss|\s+can't|\s+don't)\b|"
                      r"^\s*(i'm hearing|what i'm hearing|i hear that)")
_EMPATHY = re.compile(r"\b(must (be|have been|feel)|makes (a lot of |complete |total )?sense|understandable|"
                      r"i'?m (so |really |very )?(sorry|glad)|thank you for|i can (only )?(imagine|hear|see)|"
                      r"not your fault|you deserve|courage|no shame|so hard|really hard|it's okay|it's ok|"
                      r"i appreciate|that takes|strength)\b")
_NORMAL = re.compile(r"\b(many|lots of|a lot of|most|plenty of|so many|every|all)\s+(of\s+)?(my\s+)?"
                     r"(people|patients|families|parents|caregivers|folks|older|adults|person|parent|of the)|"
                     r"\b(i ask (everyone|everybody|all)|it's (very |really |so )?(common|normal)|"
                     r"completely normal|very common|really common|is common|sadly)\b")
_SUMMARY = re.compile(r"\b(summ|recap|sum (it )?up|to sum|pull (this |it )?together|putting (it |that )?together|"
                      r"go (back )?over|play back|check (that|my understanding)|let me see if|"
                      r"make sure i (have|got|understand)|what i('m| am) hearing|so far|if i've got it|"
                      r"did i (get|miss|leave)|have i got|anything i missed|wrap up|to wrap)")
_JUDGE = re.compile(r"^\s*(why\s+(didn't|don't|haven't|wouldn't|can't|do you keep|would you|did you|are you|"
                    r"is it)|how could you|how did you (let|end)|shouldn't you|don't you think|can't you|"
                    r"couldn't you|didn't you|aren't you being|isn't it time|what kind of|what did you do|"
                    r"you just need|you're an)|\b(selfish|lazy|irresponsible|attention)\b")
_SECOND_Q = re.compile(
    r"(,?\s+(?:and|or)\s+|\?\s*|;\s*)(?=(?:" + "|".join(sorted(AUX | WH - {"tell", "describe"}))
    + r")\b\s*\w)")
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[?!.,]")
_PHRASE_TOKEN = re.compile(r"[a-z0-9/\-]+(?:'[a-z]+)?")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9/\-]*")
_NOT_ACRONYMS = frozenset({"I", "OK", "ICU", "ER", "TV", "US", "A"})


@dataclass(frozen=True)
class Cues:
    """Style cues found in a text (booleans and counts), exposed for explanations and tests."""

    question_mark: bool
    starts_aux: bool
    starts_wh: bool
    tag: bool
    scale: bool
    reflect: bool
    empathy: bool
    normal: bool
    summary: bool
    judge: bool
    second_question: bool
    acronyms: int


def normalize(text: str) -> str:
    """Lower-case ``text``, straighten quotes and collapse white space."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return " ".join(text.lower().split())


def tokens(text: str) -> list[str]:
    """Word and punctuation tokens of the normalized text."""
    return _TOKEN.findall(normalize(text))


def words(text: str) -> list[str]:
    """Word tokens (no punctuation), lower case, apostrophes removed."""
    return [t.replace("'", "") for t in tokens(text) if t[0].isalnum()]


def acronyms(text: str) -> int:
    """How many jargon-like tokens: all-capital abbreviations (SNAP, IPV) or slash forms (d/c, PT/OT)."""
    count = 0
    for w in _WORD.findall(text):
        core = w.strip("-/")
        slash = "/" in core and len(core) >= 3
        capitals = len(core) >= 2 and sum(c.isupper() for c in core) >= 2 and core not in _NOT_ACRONYMS
        count += slash or capitals
    return count


def cues(text: str) -> Cues:
    """The style cues of ``text``."""
    low = normalize(text)
    toks = words(text)
    first = toks[0] if toks else ""
    return Cues(
        question_mark="?" in low, starts_aux=first in AUX, starts_wh=first in WH or low.startswith("can you tell"),
        tag=bool(_TAG.search(low)), scale=bool(_SCALE.search(low)), reflect=bool(_REFLECT.search(low)),
        empathy=bool(_EMPATHY.search(low)), normal=bool(_NORMAL.search(low)), summary=bool(_SUMMARY.search(low)),
        judge=bool(_JUDGE.search(low)), second_question=split_point(text) is not None, acronyms=acronyms(text),
    )


def split_point(text: str) -> int | None:
    """Where a second question starts ("... and do you ...", "...? How ..."), or None.

    Only a join followed by a question word counts, and both halves need two words or more.
    """
    low = normalize(text)
    best = None
    for match in _SECOND_Q.finditer(low):
        head, tail = low[:match.start()], low[match.end():]
        if len(head.split()) >= 2 and len(tail.split()) >= 2 and head.strip(" ?,;"):
            best = match.end()
            break
    return best


def halves(text: str) -> tuple[str, str] | None:
    """The two questions of a double-barrelled text, or None when no split is found."""
    low = normalize(text)
    at = split_point(text)
    if at is None:
        return None
    return low[:at].strip(" ,;"), low[at:].strip()


def feature_strings(text: str) -> list[tuple[str, float]]:
    """Named features of ``text`` with their values (before hashing)."""
    toks = tokens(text)
    ws = [t.replace("'", "") for t in toks if t[0].isalnum()]
    feats: list[tuple[str, float]] = []
    feats += [("w:" + w, 1.0) for w in ws]
    seq = ["<s>", *toks, "</s>"]
    feats += [("b:" + a + "_" + b, 1.0) for a, b in zip(seq, seq[1:], strict=False)]
    for w in ws:
        padded = f"<{w}>"
        for n in (3, 4, 5):
            feats += [("c:" + padded[i:i + n], 0.4) for i in range(max(1, len(padded) - n + 1))]
    if ws:
        feats.append(("f1:" + ws[0], 1.0))
        feats.append(("f2:" + "_".join(ws[:2]), 1.0))
    c = cues(text)
    for name in ("question_mark", "starts_aux", "starts_wh", "tag", "scale", "reflect", "empathy", "normal",
                 "summary", "judge", "second_question"):
        if getattr(c, name):
            feats.append(("cue:" + name, 2.0))
    if not c.question_mark:
        feats.append(("cue:statement", 2.0))
    if c.acronyms:
        feats.append(("cue:acronyms", 2.0 * min(c.acronyms, 3)))
    feats.append((f"cue:length{min(len(ws) // 6, 4)}", 1.0))
    return feats


STOPWORDS = frozenset((
    "a", "an", "the", "and", "or", "but", "so", "to", "of", "in", "on", "at", "for", "with", "about", "from", "by",
    "as", "into", "than", "then", "that", "this", "these", "those", "it", "its", "it's", "is", "are", "was", "were",
    "be", "been", "being", "am", "do", "does", "did", "doing", "have", "has", "had", "having", "can", "could",
    "will", "would", "should", "shall", "may", "might", "must", "i", "i'm", "i've", "me", "my", "mine", "you",
    "you're", "you've", "your", "yours", "u", "ur", "r", "he", "him", "his", "she", "her", "hers", "we", "us",
    "our", "they", "them", "their", "there", "here", "what", "how", "who", "whom", "where", "when", "why", "which",
    "whats", "hows", "tell", "describe", "please", "just", "really", "very", "any", "anything", "some", "something",
    "all", "not", "no", "yes", "if", "like", "okay", "ok", "well", "now", "right", "yeah", "let", "me", "sounds",
    "sound", "seems", "seem",
))


def domain_feature_strings(text: str) -> list[tuple[str, float]]:
    """Named features for the need domain: content words, their pairs and character n-grams, and
    topic-word hits from ``lexicon.yaml`` (function words and style cues are left out)."""
    low = normalize(text)
    content = [w for w in words(text) if w not in STOPWORDS]
    feats: list[tuple[str, float]] = [("dw:" + w, 1.0) for w in content]
    feats += [("db:" + a + "_" + b, 0.7) for a, b in zip(content, content[1:], strict=False)]
    for w in content:
        padded = f"<{w}>"
        for n in (3, 4, 5):
            feats += [("dc:" + padded[i:i + n], 0.3) for i in range(max(1, len(padded) - n + 1))]
    feats += [("lex:" + d, 1.5) for d in lexicon_hits(low)]
    if not content:
        feats.append(("dw:<none>", 1.0))
    return feats


@lru_cache(maxsize=1)
def _lexicon() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]], tuple[tuple[str, str], ...]]:
    from sim.tables import read_yaml

    exact: dict[str, list[str]] = {}
    stems: dict[str, list[str]] = {}
    phrases: list[tuple[str, str]] = []
    for domain, entries in read_yaml("interview/lexicon.yaml")["domains"].items():
        for entry in entries:
            entry = str(entry).lower()
            if " " in entry or "/" in entry or "-" in entry:
                phrases.append((" " + entry, domain))
            elif len(entry) <= 3:
                exact.setdefault(entry, []).append(domain)
            else:
                stems.setdefault(entry, []).append(domain)
    return ({k: tuple(v) for k, v in exact.items()}, {k: tuple(v) for k, v in stems.items()}, tuple(phrases))


def lexicon_hits(low: str) -> list[str]:
    """Domains whose topic words occur in the normalized text, once per hit."""
    exact, stems, phrases = _lexicon()
    hits: list[str] = []
    for token in _TOKEN.findall(low):
        w = token.replace("'", "")
        hits += exact.get(w, ())
        for n in range(4, len(w) + 1):
            hits += stems.get(w[:n], ())
    padded = " " + " ".join(_PHRASE_TOKEN.findall(low))
    hits += [domain for phrase, domain in phrases if phrase in padded]
    return hits


def hashed_domain(text: str) -> tuple[list[int], list[float]]:
    """Hashed domain-feature indices and values of ``text``."""
    return _hash(domain_feature_strings(text))


def hashed(text: str) -> tuple[list[int], list[float]]:
    """Hashed style-feature indices and values of ``text`` (duplicates summed)."""
    return _hash(feature_strings(text))


def _hash(named: list[tuple[str, float]]) -> tuple[list[int], list[float]]:
    acc: dict[int, float] = {}
    for name, value in named:
        index = zlib.crc32(name.encode("utf-8")) & (DIMENSIONS - 1)
        acc[index] = acc.get(index, 0.0) + value
    return list(acc), list(acc.values())
