"""What an attribution pass is configured with: its thresholds, and the learned models it uses.

:class:`AttributionConfig` holds every threshold (the ``claimtrace_claims`` spaCy component takes
them from its config); :class:`AttributionModels` the cue model and the role tagger, which the
component loads at ``initialize`` / ``from_disk`` and writes with ``to_disk``. Called directly,
:func:`~claimtrace.extract.attribution.find_claims` uses the defaults and the bundled models.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import lru_cache

from claimtrace.extract.attribution.cue_model import CueModel, load_cue_model
from claimtrace.extract.attribution.role_tagger import RoleTagger, load_role_tagger


@dataclass(frozen=True)
class AttributionConfig:
    cue: float = 0.3  # P(cue) a verb needs to count as a cue (cue model, else lexicon)
    object_cue: float = 0.3  # a cue whose content is only its object must be surer
    seed_floor: float = 0.5  # P(cue) given at least to the seed reporting verbs of conflict news
    lexicon_floor: float = 0.1  # P(cue | form) a verb needs before a bare object counts as its content
    postposed_floor: float = 0.3  # ... and before the sentence it is appended to ("..., X said") does
    extend_cue: float = 0.4  # P(cue) a neighbour needs to join a rule cue (role tagger)
    trim_cue: float = 0.2  # an edge token of a rule cue below this leaves it (never the cue's head)
    drop_cue: float = 0.2  # a rule claim whose cue tokens all stay below this is dropped
    new_cue: float = 0.5  # P(cue) the best token of a learned cue needs to make a claim of its own
    role_token: float = 0.4  # P(source) / P(content) a token needs to join a learned span

    def as_config(self) -> dict[str, float]:
        return asdict(self)


@dataclass(frozen=True)
class AttributionModels:
    """The learned parts; either may be None (rules alone, the lexicon alone)."""

    cue_model: CueModel | None = None
    role_tagger: RoleTagger | None = None


DEFAULT_CONFIG = AttributionConfig()


@lru_cache(maxsize=1)
def bundled_models() -> AttributionModels:
    """The cue model and the role tagger shipped in the package (None where one is not installed);
    read once per process."""
    return AttributionModels(load_cue_model(), load_role_tagger())
