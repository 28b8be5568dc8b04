"""Attribution: who claims what, with which cue, how firmly and whether it affirms or denies.

:func:`find_claims` (in :mod:`.claims`) is the entry point; the modules below it, one per concern:
:mod:`.state` (the draft attributions and the per-doc context), :mod:`.quotes`, :mod:`.spans`,
:mod:`.cues`, :mod:`.contents`, :mod:`.speakers` (where the source phrase is), :mod:`.sources` (who it
is), :mod:`.kinds` (source kinds and affiliation), :mod:`.layout` (forms given by the page's layout),
:mod:`.reporting` (no claim without a reporting act), :mod:`.qualities` (form, certainty, polarity)
with :mod:`.certainty`, :mod:`.author` (the author's own claims), :mod:`.learned` with
:mod:`.role_tagger` and :mod:`.cue_model` (learned models), :mod:`.lexicon`, :mod:`.config`
(thresholds and models); :mod:`.evaluation` scores them against PolNeAR-style gold.
"""

from claimtrace.extract.attribution.claims import find_claims

__all__ = ["find_claims"]
