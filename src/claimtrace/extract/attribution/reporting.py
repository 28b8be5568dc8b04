"""No claim without a reporting act.

A draft attribution is kept when its cue is a reporting act: a verb of speech ("said", "denied",
"accused", "called on"), of cognition ("believes", "fears that"), of perception ("saw", "heard"), or of
evidence ("showed", "found", "indicates"), a reporting noun in the cue ("in a statement", "claims",
"cast doubt"), "according to", a colon or a speaker label, or a quotation as its content. The subject
of an ordinary action or intention verb ("the army attacked", "Israel ordered an evacuation", "the US is
looking to ...") is no source: its sentence stays the author's own claim.

A silence ("did not respond to a request for comment", "has not commented on", "declined to speak", "declined to
release further details") and a motive ("fearing reprisal") are no reporting acts, though their verbs are; nor are
cue words that state nothing (:func:`_no_speech`: a refused request, "declared three days of mourning", "appeared to
be asked", "has not been confirmed", "spoke to a resident", "Neither side offered evidence", "blame each other",
"also called X", "claimed the lives of").

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
# what a light verb reports through ("gave conflicting accounts", "have released death tolls", "has published
# images of"): reported things, counted as reporting nouns after a cue
REPORTED_NOUNS = lex.REPORTED_NOUNS
REPORTING_NOUNS = REPORTING_NOUNS | REPORTED_NOUNS
FREE_CUES = frozenset({"according to", ":"})


def is_reporting(draft: Draft, context: Context) -> bool:
    """Whether ``draft`` rests on a reporting act (see the module docstring)."""
    if draft.cue_lemma in FREE_CUES or draft.form in ("direct", "mixed", "according_to"):
        return True
    if context.quote_at(draft.content[0]) is not None:
        return True
    if _no_comment(draft) or _motive(draft) or _no_speech(draft, context):
        return False
    if reporting_word(draft.cue_lemma):
        return True
    if draft.cue_root is not None and lex.reports_through_object(draft.cue_root, draft.content_root):
        return True  # "gave the same number of injured": a light verb reporting through its object
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
# "declined to release further details", "refused to provide figures": information withheld
WITHHELD_LEMMAS = lex.words("release provide give share disclose publish produce reveal confirm identify name")


def _no_comment(draft: Draft) -> bool:
    """ "did not respond to a request for comment", "has not yet commented on the matter": a silence,
    not a claim (unless a clause says what was not said)."""
    root = draft.cue_root
    if root is None:
        return False
    content = draft.content_root
    if root.lemma_.lower() in DECLINE_LEMMAS:  # "declined to speak", "refused to comment", "to release details"
        if content is not None and content.lemma_.lower() in WITHHELD_LEMMAS:
            return not any(c.dep_ == "ccomp" for c in content.children)
        return (content is not None and content.lemma_.lower() in NO_COMMENT_LEMMAS
                and not any(c.dep_ in ("obj", "ccomp") for c in content.children))
    if root.lemma_.lower() not in NO_COMMENT_LEMMAS:
        return False
    if not any(c.dep_ in ("neg", "advmod") and c.lower_ in lex.NEGATIONS for c in root.children):
        return False
    return content is None or not any(c.dep_ in ("nsubj", "nsubj:pass", "expl", "mark") for c in content.children)


# what is refused or turned down when no statement is: a request, an offer, access ("rejected a request for access")
REQUEST_NOUNS = lex.words(
    "request requests offer offers proposal proposals plan plans demand demands bid bids invitation invitations "
    "application applications access entry permission appeal appeals deal deals aid help visa visas"
)
REFUSAL_LEMMAS = lex.words("reject refuse decline deny turn")
RAISING_HEDGES = lex.words("appear seem")
RECIPROCALS = frozenset({"each other", "one another"})
NOBODY = ("neither ", "no one", "nobody", "none ", "no ")
OPEN_QUESTION_WORDS = lex.words("whether if who what which how why when where")
# talking with someone, or about something, says nothing yet: a clause or a quote must say what
CONVERSATION_LEMMAS = lex.words("speak talk chat converse")


def _clause_or_quote(verb: Token) -> bool:
    return any(c.dep_ in ("ccomp", "parataxis", "xcomp") or (c.dep_ == "mark" and c.lower_ == "that")
               for c in verb.children)


def _no_speech(draft: Draft, context: Context) -> bool:
    """Cue words used for no statement (their sentence stays the author's):
    * "claimed the lives of": a death toll, not a claim; "also known as Dorne": a name; "will answer for this":
      being held to account;
    * a refusal of a request, not of a claim ("turned down a request by the inspectors to visit", "denied them entry");
    * "declared three days of mourning", "declared a state of emergency": a declaration that does what it says;
    * "X appeared to be asked", "X seems to have left": a hedge on the author's own claim, not X's evidence
      (an infinitive of evidence, "appears to show", still makes one);
    * a negated passive without agent ("has not been confirmed", "could not be verified"): nobody speaks;
    * a conversation with someone, nothing said ("spoke to a resident", "has talked to the people");
    * a negative speaker ("Neither X nor Y has claimed", "No official said"): nobody claims it;
    * an open question with no speaker ("is needed to determine whether ..."): nobody claims it;
    * a content that states nothing: a reciprocal ("blame each other"), or a label of a word or two with no verb
      before a colon ahead of the cue ("Source: X announced this")."""
    root, content = draft.cue_root, draft.content_root
    if root is None:  # a learned cue: its verb
        span = context.doc.char_span(*draft.cue, alignment_mode="expand")
        root = next((t for t in reversed(span) if t.pos_ == "VERB"), None) if span is not None else None
    if root is None or context.quote_at(draft.content[0]) is not None:
        return False
    lemma = root.lemma_.lower()
    if draft.source is not None and (context.text[draft.source[0]:draft.source[1]].lower().startswith(NOBODY) or (
            context.text[max(0, draft.source[0] - 8):draft.source[0]].lower().split()[-1:] == ["neither"])):
        return True  # "Neither X nor Y has claimed ...", "No official said ...": nobody claims it
    content_text = context.text[draft.content[0]:draft.content[1]]
    if draft.source is None and content_text.split(" ", 1)[0].lower() in OPEN_QUESTION_WORDS:
        return True  # "more inquiry is required to establish whether ...": an open question, nobody's claim
    if content_text.lower().strip(" .,") in RECIPROCALS:
        return True  # "Warring sides blame each other": no proposition
    if (draft.content[1] <= draft.cue[0] and ":" in context.text[draft.content[1]:draft.cue[0]]
            and len(content_text.split()) <= 2) and not any(
            t.pos_ in ("VERB", "AUX") for t in context.doc.char_span(*draft.content, alignment_mode="expand") or ()):
        return True  # "Source: X announced this": a label before the cue is no content
    if lemma in CONVERSATION_LEMMAS and not _clause_or_quote(root) and content is not None and content.pos_ in (
            "NOUN", "PROPN", "PRON") and any(c.dep_ == "case" and c.lower_ in ("to", "with") for c in content.children):
        return True  # "spoke to a resident", "has talked to the people": whom, not what
    if (lemma in WITHHELD_LEMMAS and root.dep_ == "xcomp" and root.head.lemma_.lower() in DECLINE_LEMMAS
            and not any(c.dep_ == "ccomp" for c in root.children)):
        return True  # "has declined to release further details": information withheld
    if lemma in lex.NAMING_LEMMAS and ((draft.source is not None and draft.source[0] >= draft.cue[1]) or (
            content is not None and content.pos_ == "PROPN" and draft.content[0] >= draft.cue[1]
            and not context.text[draft.cue[1]:draft.content[0]].strip()
            and len(context.text[draft.content[0]:draft.content[1]].split()) <= 3
            and not context.text[draft.content[0]:draft.content[1]].endswith(("'s", "’s"))
            and not any(c.dep_ in ("obj", "dobj", "xcomp", "ccomp") and c.i != content.i for c in root.children))):
        return True  # "the provincial town, also known as Dorne": a name, not a speaker or a content
    if lemma == "answer" and context.text[draft.cue[0]:draft.cue[1]].lower().endswith(" for"):
        return True  # "they will answer for this": be held to account, not reply
    if lemma == "claim" and content is not None and content.lower_ in ("lives", "life"):
        return True  # "the blast, which claimed the lives of 500"
    if lemma in REFUSAL_LEMMAS and content is not None and content.lower_ in REQUEST_NOUNS:
        return True
    if (lemma == "declare" and content is not None and content.dep_ in ("obj", "dobj") and content.head.i == root.i
            and not any(c.dep_ in ("xcomp", "ccomp") or (c.dep_ == "obl" and any(
                g.lower_ == "as" for g in c.children)) for c in root.children)):
        return True
    if lemma in RAISING_HEDGES:
        infinitive = next((c for c in root.children if c.dep_ == "xcomp"), None)
        if infinitive is not None and (not reporting_word(infinitive.lemma_.lower()) or any(
                c.dep_ in ("aux:pass", "auxpass") for c in infinitive.children)):  # "appeared to be asked"
            return True
    return (draft.source is None and is_negated_passive(root) and lemma in lex.CONFIRM_LEMMAS)


def is_negated_passive(verb: Token) -> bool:
    return (any(c.dep_ in ("aux:pass", "auxpass") for c in verb.children)
            and any(c.dep_ in ("neg", "advmod") and c.lower_ in lex.NEGATIONS for c in verb.children))


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
    Russian intentions to reduce their forces, and gradually withdraw from several areas"), or that opens with
    "that" ("said it had no part in the collision, and that a barge caused it")."""
    if draft.cue_root is None or context.quote_at(draft.content[0]) is not None:
        return
    doc = context.doc
    heads = [draft.cue_root, *_governors(draft.cue_root)]
    for head in heads:
        for conj in head.children:
            if conj.dep_ != "conj" or conj.pos_ != "VERB" or conj.idx < draft.content[1]:
                continue
            that = any(c.dep_ == "mark" and c.lower_ == "that" for c in conj.children)
            if not that and any(c.dep_ in ("nsubj", "nsubj:pass", "expl") for c in conj.children):
                continue  # (a second "that" clause, "said it was not there, and that a rocket hit it", is said too)
            if reporting_word(conj.lemma_.lower()) or any(conj.idx <= s < conj.idx + len(conj) for s, _ in cues):
                continue
            gap = doc.char_span(draft.content[1], conj.idx, alignment_mode="expand")
            stop = conj.left_edge.i if that else conj.i
            if gap is None or any(t.pos_ not in COORDINATION_GAP for t in gap if t.i < stop):
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
