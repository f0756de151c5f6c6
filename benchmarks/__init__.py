"""Speed and memory measurements of whosaid against the physical floor (`make bench`).

Not run by the tests. Every figure is reported beside a floor timed in the same run, so the
ratios hold on a noisy shared machine.
"""
