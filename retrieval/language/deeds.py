"""Words for what people do rather than say: a cue verb with one of these around it reports
an act (a decision, a company's quarterly figures, a source consulted), not a statement."""

from __future__ import annotations

from retrieval.language.people import PERSON_NOUNS, words

# Verbs of deciding and intending: 'agree to stay' says what someone will do, not what they
# said (unlike 'vow to', 'promise to', 'urge X to', which are speech acts).
DEED_VERBS = words("agree decide aim intend plan want seek refuse decline vote offer")

# What a company 'reports' or 'posts' when it publishes its accounts: "posted quarterly
# results", "reported earnings" (or any sum of money or percentage: "reported a $3 loss").
FIGURE_NOUNS = words(
    "result results earnings profit profits loss losses revenue revenues sales income deficit"
    " surplus"
)
FIGURE_VERBS = words("report post")

# Who a report cites when it names its source rather than what was said: "citing two
# officials", "citing people close to the talks".
SOURCE_NOUNS = (
    words("people person source sources official officials aide aides insider insiders")
    | PERSON_NOUNS
)

# Words that open a question, direct ("How would you describe ...?") or indirect ("what
# model the firm plans to unveil").
QUESTION_WORDS = words("what whatever whether how why when where")

# What a court or jury finds someone: "the jury found Vasco guilty" is a verdict, not words
# of whoever sits nearby.
VERDICT_WORDS = words("guilty innocent liable responsible competent incompetent")

# Verbs that turn down someone else's claim, and the claims they turn down: in "dismissed
# the claims that X", X is the claim's, never the one who dismisses it.
REJECTION_VERBS = words("dismiss reject deny refute rebut dispute ridicule deride")
CLAIM_NOUNS = words(
    "claim allegation accusation assertion suggestion report rumor rumour speculation charge"
)

# Verbs that make news public: negated ("did not announce the return of the dividend"),
# their object is exactly what was NOT made public. Other negated speech acts stay
# statements, as PARC-style annotation counts them ("did not recommend charges").
PUBLISHING_VERBS = words("announce disclose reveal unveil release publish")

# Words that make a negation an addition rather than a denial: "not only said X but ...".
NOT_ONLY = words("only just merely simply")
