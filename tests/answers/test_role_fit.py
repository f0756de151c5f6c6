"""Which holder of a role a qualifier fits, read from one invented story through a small fake
of the searcher's three reads (speaker, text, ref)."""

from __future__ import annotations

from retrieval.answers.role_fit import fitting_holders
from retrieval.speakers.merging import SpeakerInfo
from retrieval.types import ArticleRef

STORY = (
    "Herons win again\n\n"
    "The Lakeside Herons won their third straight game on Sunday, beating a visiting side "
    "three goals to two in the rain.\n\n"
    "Afterward the players doused head coach Sam Pellino with water. The visitors, the "
    "Bayport Gulls, left without speaking to reporters.\n\n"
    '"We kept our heads," Pellino said.\n'
)


class _Story:
    """The searcher as role_fit reads it: one article, one coach."""

    def speaker(self, name: str) -> SpeakerInfo | None:
        if name != "Sam Pellino":
            return None
        return SpeakerInfo(
            name,
            "person",
            quoted_in={"a1"},
            roles={"a1": ["head coach"]},
            aliases={"Sam Pellino", "Pellino"},
        )

    def text(self, article_id: str) -> str:
        return STORY

    def ref(self, article_id: str) -> ArticleRef:
        return ArticleRef(article_id, "Herons win again", None, "Lakeside Ledger", None)


def test_a_team_typed_in_lower_case_is_still_a_name() -> None:
    """The other team is named in the coach's paragraph, not with him: typed without
    capitals, it must still be where he is named, as the article writes it as a name."""
    s = _Story()
    assert fitting_holders(s, ["Sam Pellino"], "Bayport Gulls") == []
    assert fitting_holders(s, ["Sam Pellino"], "bayport gulls") == []
    assert fitting_holders(s, ["Sam Pellino"], "lakeside herons") == ["Sam Pellino"]
    assert fitting_holders(s, ["Sam Pellino"], "Lakeside") == ["Sam Pellino"]
