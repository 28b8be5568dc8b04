"""No claim without a reporting act.

A draft attribution is kept when its cue is a reporting act: a verb of speech ("said", "denied",
"accused", "called on"), of cognition ("believes", "fears that"), of perception ("saw", "heard"), or of
evidence ("showed", "found", "indicates"), a reporting noun in the cue ("in a statement", "claims",
"cast doubt"), "according to", a colon or a speaker label, or a quotation as its content. The subject
of an ordinary action or intention verb ("the army attacked", "Israel ordered an evacuation", "the US is
looking to ...") is no source: its sentence stays the author's own claim.

A silence ("did not respond to a request for comment", "has not commented on", "declined to speak") and a
motive ("fearing reprisal") are no reporting acts, though their verbs are.

What it misses: reporting senses of action verbs ("released a statement saying" is kept only through
its inner "saying"), and action verbs used as speech in one text only. Figures:
docs/benchmarks_claims.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from spacy.tokens import Token

from claimtrace.extract.attribution import lexicon as lex

if TYPE_CHECKING:
    from claimtrace.extract.attribution.state import Context, Draft

SPEECH_LEMMAS = lex.words(
    "say tell add state announce declare claim allege deny reject dismiss refute rebut dispute contradict "
    "confirm acknowledge admit concede insist stress emphasize emphasise underline underscore reiterate "
    "repeat note mention comment remark explain describe recount recall narrate report write tweet inform "
    "notify brief answer reply retort counter argue contend maintain assert affirm aver warn caution "
    "threaten promise pledge vow swear guarantee assure reassure urge call appeal demand request plead "
    "propose recommend advise accuse blame charge condemn denounce criticize criticise slam praise welcome "
    "hail thank apologize apologise protest complain lament regret decry question predict forecast quote "
    "cite echo voice express signal hint imply clarify specify detail outline summarize summarise label "
    "brand term dub pin disclose leak rumor rumour speculate theorize testify insist agree disagree "
    "concur continue dispute debunk point tout boast insist acknowledge quip joke add back endorse attribute "
    "blast lash elaborate distance"
)
COGNITION_LEMMAS = lex.words(
    "believe think consider regard view fear hope expect suspect assume presume guess understand realize "
    "realise recognize recognise doubt wonder worry judge assess estimate calculate conclude determine "
    "suppose reckon feel deem"
)
# communicative acts and stances that answer, offer, refuse or take a side ("X refused to ...", "X voted
# against ...", "X defended the decision"): PolNeAR's annotators count them as attributions too
EXCHANGE_LEMMAS = lex.words(
    "ask offer refuse decline respond discuss speak talk address debate vote oppose support defend approve "
    "reject accept decide rule mock deride chastise rail challenge invoke liken compare highlight promote "
    "credit criticise convince persuade weigh pitch paint share issue file sign-off object want wish prefer "
    "know learn discover identify recognize forget portray downplay reference articulate moralize bemoan brag "
    "encourage lie envision retweet bet characterize characterise frame reaffirm acknowledge despise love hate"
)
# adjectives and nouns of belief on the cue ("is sure that", "is concerned that")
ATTITUDE_WORDS = lex.words(
    "sure certain confident convinced concerned afraid aware worried optimistic skeptical sceptical hopeful "
    "clear obvious adamant unconvinced criticism agreement concern reluctant willing passionate misgiving "
    "misgivings vague coy"
)
PERCEPTION_LEMMAS = lex.words("see saw witness watch hear observe notice detect spot")
EVIDENCE_LEMMAS = lex.words(
    "show indicate reveal demonstrate prove suggest find establish verify corroborate appear seem document "
    "record register measure confirm point display"
)
REPORTING_LEMMAS = SPEECH_LEMMAS | COGNITION_LEMMAS | PERCEPTION_LEMMAS | EVIDENCE_LEMMAS | EXCHANGE_LEMMAS
REPORTING_NOUNS = lex.words(
    "statement statements claim claims allegation allegations accusation accusations assessment estimate "
    "report reports theory evidence warning denial account accounts story doubt doubts remarks comments "
    "interview testimony briefing announcement declaration message letter tweet post words view views "
    "opinion belief fears hopes according possibility conclusion findings"
)
FREE_CUES = frozenset({"according to", ":"})


def is_reporting(draft: Draft, context: Context) -> bool:
    """Whether ``draft`` rests on a reporting act (see the module docstring)."""
    if draft.cue_lemma in FREE_CUES or draft.form in ("direct", "mixed", "according_to"):
        return True
    if context.quote_at(draft.content[0]) is not None:
        return True
    if _no_comment(draft) or _motive(draft):
        return False
    if reporting_word(draft.cue_lemma):
        return True
    doc = context.doc
    span = doc.char_span(*draft.cue, alignment_mode="expand")
    if span is None:
        return False
    # the cue and the words right after it ("put forward the | theory", "gave | conflicting accounts")
    for token in doc[span.start:min(len(doc), span.end + 2)]:
        if token.lower_ in REPORTING_NOUNS or token.lower_ in ATTITUDE_WORDS or (token.i < span.end and (
                reporting_word(token.lemma_.lower()) or reporting_word(token.lower_))):
            return True
    return False


NO_COMMENT_LEMMAS = lex.words("respond comment reply answer speak talk elaborate")
DECLINE_LEMMAS = lex.words("decline refuse")


def _no_comment(draft: Draft) -> bool:
    """ "did not respond to a request for comment", "has not yet commented on the matter": a silence,
    not a claim (unless a clause says what was not said)."""
    root = draft.cue_root
    if root is None:
        return False
    content = draft.content_root
    if root.lemma_.lower() in DECLINE_LEMMAS:  # "declined to speak", "refused to comment"
        return (content is not None and content.lemma_.lower() in NO_COMMENT_LEMMAS
                and not any(c.dep_ in ("obj", "ccomp") for c in content.children))
    if root.lemma_.lower() not in NO_COMMENT_LEMMAS:
        return False
    if not any(c.dep_ in ("neg", "advmod") and c.lower_ in lex.NEGATIONS for c in root.children):
        return False
    return content is None or not any(c.dep_ in ("nsubj", "nsubj:pass", "expl", "mark") for c in content.children)


MOTIVE_LEMMAS = lex.words("fear hope worry")


def _motive(draft: Draft) -> bool:
    """ "declined to speak, fearing reprisal": a participle of fear or hope with a bare noun gives a motive,
    not a claim (with a clause, "fearing that the dam would burst", it is one)."""
    root = draft.cue_root
    content = draft.content_root
    return (root is not None and root.tag_ == "VBG" and root.dep_ in ("advcl", "xcomp", "conj")
            and root.lemma_.lower() in MOTIVE_LEMMAS and content is not None and content.pos_ in ("NOUN", "PROPN")
            and not any(c.dep_ in ("nsubj", "nsubj:pass", "mark", "acl", "acl:relcl") for c in content.children))


def reporting_word(word: str) -> bool:
    """A reporting lemma, or an inflected form of one ("blamed", "claiming", "says")."""
    if word in REPORTING_LEMMAS:
        return True
    stems = (word[:-1], word[:-2], word[:-3], word[:-3] + "e", word[:-3] + "y") if len(word) > 4 else ()
    return any(stem in REPORTING_LEMMAS for stem in stems)


COORDINATION_GAP = frozenset({"PUNCT", "CCONJ", "ADV", "SPACE"})


def keep_coordinated(draft: Draft, context: Context, cues: list[tuple[int, int]]) -> None:
    """Widen the content over a clause coordinated with it that has no subject or cue of its own ("reported
    Russian intentions to reduce their forces, and gradually withdraw from several areas")."""
    if draft.cue_root is None or context.quote_at(draft.content[0]) is not None:
        return
    doc = context.doc
    heads = [draft.cue_root, *_governors(draft.cue_root)]
    for head in heads:
        for conj in head.children:
            if conj.dep_ != "conj" or conj.pos_ != "VERB" or conj.idx < draft.content[1]:
                continue
            if any(c.dep_ in ("nsubj", "nsubj:pass", "expl") for c in conj.children):
                continue
            if reporting_word(conj.lemma_.lower()) or any(conj.idx <= s < conj.idx + len(conj) for s, _ in cues):
                continue
            gap = doc.char_span(draft.content[1], conj.idx, alignment_mode="expand")
            if gap is None or any(t.pos_ not in COORDINATION_GAP for t in gap if t.i < conj.i):
                continue
            last = doc[conj.right_edge.i]
            while last.i > conj.i and last.is_punct and last.text not in ")]”’\"'":
                last = doc[last.i - 1]
            draft.content = (draft.content[0], last.idx + len(last))
            return


def _governors(token: Token) -> list[Token]:
    """The verbs a cue is the infinitive or adverbial complement of ("rumored" of "reported")."""
    found = []
    while token.head.i != token.i and token.dep_ in ("xcomp", "advcl") and len(found) < 3:
        token = token.head
        found.append(token)
    return found
