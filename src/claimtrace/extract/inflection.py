"""The base form of an English verb form a lemmatizer left inflected or clipped, from a list of base forms.

The trained lemmatizer sometimes cuts a verb short ("upgraded" -> "upgrad", "cancelled" -> "cancell",
"blamed" -> "blam") or leaves its inflection ("denies", "accusing"). A lexicon keyed by base forms still
finds the verb by trying the forms regular English inflection comes from. Two strengths, by the size of
the lexicon:

* :func:`clipped_verb`, for a large lexicon (the event dictionary's 1,687 verb forms): only a restored
  final "e", an undoubled final consonant, or the written word less a regular ending ("-ed", "-d", "-ing",
  "-es", "-s"). Looser guesses find wrong verbs there: on the PLOVER records, the development stories and
  the example article (2026-12-07), :func:`listed_base` against that dictionary disagreed with it on 72 of
  the 708 verb tokens whose lemma the dictionary does not list, mostly with a wrong verb ("prove" -> "pry",
  "flooded" -> "fly", "decreased" -> "decree").
* :func:`listed_base`, for a short closed list (the 34 cue lemmas of :mod:`claimtrace.extract.frames`):
  also a cut of one to three letters and "-ied"/"-ies" from "-y", where a false match is unlikely.

Misses: irregular forms ("struck", "wrote", "fought"); :func:`clipped_verb` also misses a doubled consonant
before "-ing"/"-ed" in the written word ("admitting", "transferred") and "-ied" ("occupied").
It imports nothing of claimtrace, so the extractors and the linker may all use it.
"""

from __future__ import annotations

from collections.abc import Container


def clipped_verb(lemma: str, word: str, listed: Container[str]) -> str | None:
    """The listed verb a lemma the lemmatizer clipped stands for ("upgrad" of "upgraded" -> "upgrade",
    "cancell" of "cancelled" -> "cancel"): the lemma with a final "e", without a doubled final consonant,
    or the lower-case written ``word`` without its regular ending (with or without an "e"); None if none is
    listed."""
    tries = [lemma + "e", lemma[:-1] if len(lemma) > 3 and lemma[-1] == lemma[-2] else ""]
    for ending in ("ed", "d", "ing", "es", "s"):
        if word.endswith(ending) and len(word) > len(ending) + 2:
            tries += [word[: -len(ending)], word[: -len(ending)] + "e"]
    return next((t for t in tries if t and t in listed), None)


def base_candidates(word: str) -> list[str]:
    """The forms (of three letters or more) ``word`` may be a clipping or an inflection of, likeliest first:
    "blam" -> "blame"; "blamed" -> "blame"; "slammed" -> "slam"; "denies" -> "deny". Loose: for short lists."""
    forms = [word + "e", word[:-1], word[:-2], word[:-2] + "e", word[:-3], word[:-3] + "e", word[:-3] + "y",
             word[:-2] + "y"]
    if len(word) > 5 and word[-3:] == "ing" and word[-4] == word[-5]:
        forms.append(word[:-4])  # "slamming"
    if len(word) > 4 and word.endswith("ed") and word[-3] == word[-4]:
        forms.append(word[:-3])  # "slammed"
    return [form for form in forms if len(form) > 2]


def listed_base(word: str, listed: Container[str]) -> str | None:
    """The first of :func:`base_candidates` that a short list ``listed`` holds, if any (not ``word`` itself)."""
    return next((form for form in base_candidates(word) if form in listed), None)
