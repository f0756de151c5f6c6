"""The words that report speech: speech, cognition, naming and request verbs (lemmas),
statement nouns and stance adjectives. Rules test a token's lemma against these sets."""

from __future__ import annotations

import re
from collections.abc import Iterable

from retrieval.language.people import words

# Past forms that do not follow the rules (past tense, then participle when it differs).
IRREGULAR_PAST: dict[str, tuple[str, ...]] = {
    "say": ("said",),
    "tell": ("told",),
    "write": ("wrote", "written"),
    "think": ("thought",),
    "mean": ("meant",),
    "speak": ("spoke", "spoken"),
    "feel": ("felt",),
    "bring": ("brought",),
    "know": ("knew", "known"),
    "find": ("found",),
    "hear": ("heard",),
    "swear": ("swore", "sworn"),
    "seek": ("sought",),
    "read": ("read",),
}
# Verbs stressed on a last short syllable double their final consonant: "admitted".
_DOUBLED = words("admit commit submit omit permit refer prefer regret rebut plan stop")


def inflections(lemmas: Iterable[str], forms: Iterable[str] = ("s", "ed", "ing")) -> frozenset[str]:
    """The inflected forms of verb lemmas: "s" (says, denies, pushes), "ed" (said, denied,
    admitted: irregular pasts from IRREGULAR_PAST), "ing" (saying, noting), "base" (say)."""
    wanted = set(forms)
    out: set[str] = set()
    for v in lemmas:
        stem = v + v[-1] if v in _DOUBLED else v
        consonant_y = v.endswith("y") and v[-2:-1] not in ("a", "e", "i", "o", "u")
        if "base" in wanted:
            out.add(v)
        if "s" in wanted:
            if consonant_y:
                out.add(v[:-1] + "ies")
            else:
                out.add(v + "es" if v.endswith(("s", "sh", "ch", "x", "z")) else v + "s")
        if "ed" in wanted:
            if v in IRREGULAR_PAST:
                out.update(IRREGULAR_PAST[v])
            elif consonant_y:
                out.add(v[:-1] + "ied")
            else:
                out.add(v + "d" if v.endswith("e") else stem + "ed")
        if "ing" in wanted:
            base = v[:-1] if v.endswith("e") and not v.endswith("ee") else stem
            out.add(base + "ing")
    return frozenset(out)


def alternation(forms: Iterable[str]) -> str:
    """A regex alternation of words, longest first (so "says" is tried before "say")."""
    return "|".join(re.escape(f) for f in sorted(forms, key=lambda f: (-len(f), f)))


# The small English model lemmatizes "hoped"/"hopes" as "hop"; a clause or an infinitive
# after it is still a hope ("she hoped voters would ...", "hopes to win").
MISLEMMAS = words("hop")

# Verbs that are speech only with a clause: "think", "know", "show" without one are not.
COGNITION_VERBS = (
    words(
        "believe think feel hope fear worry expect know understand realize realise recognize "
        "recognise guess reckon wonder learn find show assume suspect discover wish hear "
        "envision imagine consider doubt presume suppose trust bet"
    )
    | MISLEMMAS
)

# Verbs that report what someone said, wrote or holds (lemmas). A verb here is a cue only
# when it has a subject outside any quote and, for indirect speech, a clausal complement.
# Every cognition verb reports a stance when it has a clause: "Republicans suspect that ...".
SPEECH_VERBS = (
    words(
        """
    say tell add argue claim deny insist note warn write tweet post confirm acknowledge
    announce explain suggest respond reply state declare assert contend maintain report recall
    predict promise pledge vow admit concede caution complain charge accuse allege emphasize
    emphasise stress observe remark comment mention reveal disclose indicate testify ask
    answer counter retort joke quip boast brag lament urge demand threaten agree disagree
    estimate cite describe conclude
    assure reassure inform notify chant shout yell scream whisper muse recount elaborate
    continue proclaim signal hint imply propose recommend advise plead beg swear guarantee
    forecast project reiterate repeat echo affirm reaffirm clarify specify detail outline
    characterize characterise liken compare rate rule question
    speculate theorize theorise
    read point brand dub label call term
    criticize criticise praise blast slam attack condemn denounce defend dismiss reject
    dispute mock ridicule tout hail applaud welcome thank blame fault lambast decry
    rebut refute concur object protest convince chastise deride portray
    herald compliment extol bemoan underscore recite downplay articulate paint resent
    apologize marvel lie rejoice scoff
    prod interject inquire query gush rave grumble mutter tease
    """
    )
    | COGNITION_VERBS
)

# Verbs whose object (not a clause) is what was said: `branded it as a "boondoggle"`,
# `called the report "fake news"`. They cue only a quoted fragment in their object.
NAMING_VERBS = words(
    "call brand dub label term describe characterize characterise name liken compare"
)

# Verbs whose infinitive complement is the statement: "vowed to repeal", "urged him to".
XCOMP_VERBS = (
    words(
        "promise pledge vow threaten urge refuse decline plan swear demand ask want seek hope "
        "claim expect agree intend aim offer encourage implore persuade vote push press tell warn "
        "remind advise instruct order caution challenge convince exhort"
    )
    | MISLEMMAS
)

# Verbs of telling whose "that" clause may hang on their object in the parse: "told a
# meeting of governors that ...", "warned reporters that ...".
TELL_VERBS = words(
    "tell inform remind assure reassure warn caution convince persuade notify advise "
    "teach show promise"
)

# Verbs whose object is what was said or stood for: "cited derogatory comments",
# "criticized the transit plan as a costly mess", "called the charges fabricated".
OBJECT_VERBS = words(
    """
    cite call criticize criticise mention support offer propose announce describe accuse
    attack endorse claim reject question discuss express defend promise blame oppose
    reference promote repeat acknowledge deny praise condemn demand urge want seek back
    suggest document disclose report reveal outline detail chronicle decry dismiss tout
    recommend predict dispute voice stress emphasize emphasise highlight mock slam
    blast lambaste denounce welcome applaud hail encourage implore note signal unveil pledge
    vow recall admit concede confirm compare liken contrast characterize characterise label
    brand dub term champion advocate float pitch tweet post warn ridicule fault
    release unleash publish admire view address illustrate present deliver profile
    feature debate approve invoke introduce show echo explain protest lament lambast
    chastise deride portray herald compliment extol bemoan underscore recite downplay
    articulate paint resent link grill confront lob thank charge challenge
    """
)

# Verbs that state a view of their object only with "as" or a predicate: "saw the remark as
# a dig", "judged the deal a failure" (not "saw the rally").
# The small model lemmatizes "rated" as "rat": "rated the claim as false".
AS_VERBS = words("see regard judge treat consider rate rat")

# Verbs that make a statement noun their object: "made the case that ...", "raised the
# concern that ...": the verb's subject is the noun's source.
LIGHT_VERBS = words("make raise voice express issue offer deliver give lodge repeat reiterate")

# Verbs whose prepositional object is the content: "called for a moratorium", "warned of
# hackers", "pointed to the decision", "railed against super PACs".
PREP_CONTENT = {
    "about": None,  # any speech verb: "spoke about", "complained about", "bragged about"
    "against": None,
    "for": words("call push press advocate argue ask plead appeal lobby campaign fight apologize"),
    "of": words("warn speak talk complain accuse boast brag"),
    "to": words("point refer allude object"),
    "on": words("insist comment elaborate call seize double weigh dwell harp press"),
    "with": words("respond reply counter"),  # "responded with attacks on the mayor"
    "by": words("respond reply counter"),  # "responded by citing the jobs report"
    "at": words("bristle balk scoff lash jab marvel"),
}
PREP_VERBS = words(
    "speak talk complain brag boast rail rant point refer allude object insist comment "
    "elaborate push press advocate plead appeal lobby campaign fight seize double weigh "
    "dwell harp bristle balk scoff lash jab"
)

# Nouns that name a statement or stance; with a possessive speaker their clause, infinitive
# or "of" object is what was said: "her claim that ...", "his plan to ...", "the
# governor's announcement of ...".
STATEMENT_NOUNS = words(
    """
    plan proposal claim announcement acknowledgment acknowledgement admission assertion
    argument promise pledge vow warning threat demand insistence suggestion statement
    criticism denial belief hope fear determination eagerness refusal intention prediction
    complaint contention accusation allegation charge call recommendation
    endorsement rejection defense defence support opposition praise condemnation request
    """
)
# Nouns for a published or spoken account, whose source may be a name compounded on them:
# "a Daily Planet report that ...", "a Senate statement that ...".
REPORT_NOUNS = words(
    "report statement announcement analysis study survey poll memo review finding "
    "assessment estimate warning claim"
)
STATEMENT_NOUNS = (
    STATEMENT_NOUNS
    | REPORT_NOUNS
    | words(
        "view bet position stance conclusion message theory comment remark idea notion "
        "expectation worry concern advice assurance reminder observation impression "
        "assumption finding suspicion concession case point"
    )
)

# Common nouns for people who may speak (besides roles and organisations): "the critics
# said ...", "residents warned ...".
PEOPLE_NOUNS = words(
    """
    people person man woman men women voter resident citizen critic supporter opponent
    official expert analyst observer member leader worker employee student parent child
    friend family neighbor neighbour aide adviser advisor staff staffer activist protester
    lawyer attorney spokesman spokeswoman spokesperson source witness investigator officer
    prosecutor judge doctor scientist economist researcher reporter journalist author
    candidate rival ally colleague administration government
    """
)

# Nouns of a source frame that opens a clause and makes it its owner's statement: "by his
# own admission, ...", "in her view, ...", "by their account, ...".
FRAME_NOUNS = words(
    "admission account view words opinion estimation judgment judgement mind telling "
    "recollection reckoning"
)

# Participles by which the writer weighs a statement against others or tells its effect:
# "said the fee was fair, contradicting an earlier memo", "..., prompting a recount".
COMMENT_PARTICIPLES = inflections(
    words(
        "contradict echo undercut undermine defy prompt spark fuel reverse contrast engage "
        "amount belie"
    ),
    ("ing",),
)

# Records that report findings as a speaker would: "the poll shows ...", "a study found ...",
# "documents show ...", "video of the arrest shows ...".
RECORD_NOUNS = words(
    """
    poll survey study report analysis review audit research data figures numbers statistics
    record records document documents filing filings footage video recording results average
    tally census estimate projection investigation inquiry probe memo paper
    """
)
# Of them, the ones whose findings frame a clause: "In the latest poll, the mayor leads ...".
POLL_NOUNS = words("poll survey")
# What a record does when it reports: its object or clause is the finding.
EVIDENCE_VERBS = words("show find indicate reveal suggest estimate project document confirm")

# Adjectives that hold a stance when a clause follows: "Democrats are afraid that ...".
STANCE_ADJECTIVES = words(
    "afraid sure certain confident convinced worried concerned hopeful optimistic "
    "pessimistic skeptical sceptical adamant aware frustrated angry upset glad happy "
    "proud disappointed surprised clear"
)

# Which of them report through "of": "announcement of new rules" (not "plan of the house").
STATEMENT_OF_NOUNS = words(
    "announcement acknowledgment acknowledgement admission criticism denial endorsement "
    "rejection defense defence support opposition praise condemnation"
)

# Verbs a question uses to ask what someone said ("what did X tell ...", "who warned ...").
QUESTION_VERBS = words(
    """
    say tweet post write tell claim argue state think mean report respond announce comment
    answer reply declare add explain deny admit confirm suggest insist warn testify mention
    react talk speak predict want believe feel call describe discuss address raise criticize
    criticise praise defend blame complain promise ask acknowledge note express
    """
)
# The plain verbs of saying: a question with one of them asks for what was said, and one with
# any other verb ("who warned ...", "who praised ...") keeps the verb as part of the phrase.
PLAIN_SAYING = words("say tweet write tell state post")
PLAIN_SAYING_FORMS = inflections(PLAIN_SAYING, ("base", "s", "ed"))
