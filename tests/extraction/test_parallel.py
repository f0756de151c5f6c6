"""Batches on worker processes (extraction.parallel): small batches there, results in order."""

from __future__ import annotations

from retrieval.extraction import parallel


def test_workers_take_small_batches_and_hand_results_back_in_order() -> None:
    # 48 articles in batches of 16 on 2 workers left one idle for the third batch
    got: list[tuple[list[int], int]] = []

    def keep(item: list[int], result: int) -> None:
        got.append((item, result))

    start = (parallel.default_workers, ())
    with parallel.ahead(2, start, len, len, keep, 16) as feed:
        assert feed.batch == parallel.UNIT < 16
        items = [list(range(n)) for n in (5, 0, 3, 9, 1, 7, 2, 8)]
        for item in items:
            feed.push(item)
    assert got == [(item, len(item)) for item in items]
    with parallel.ahead(1, start, len, len, keep, 16) as feed:
        assert feed.batch == 16  # one process embeds a whole batch at once


def test_the_last_items_go_one_at_a_time_on_workers() -> None:
    # batches of 4 on 2 workers: one could finish its last batch while the other still has a
    # whole one to go; the last (at most 2 x 4) go singly, so both end within about one item
    start = (parallel.default_workers, ())
    with parallel.ahead(2, start, len, len, lambda *_: None, 16) as feed:
        assert [len(b) for b in feed.split(list(range(21)))] == [4, 4, 4, 4] + [1] * 5
        assert feed.size(9) == 4 and feed.size(8) == 1
    with parallel.ahead(1, start, len, len, lambda *_: None, 16) as feed:
        assert [len(b) for b in feed.split(list(range(21)))] == [16, 5]
