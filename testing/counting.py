"""A computation that counts its calls: what a memo or a kept value saves (kernel.memo, kernel.generations)."""

from __future__ import annotations


class Counter:
    """Answers how many times it has been called (1 on the first call)."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> int:
        self.calls += 1
        return self.calls
