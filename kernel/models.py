"""The kernel's one table: the generations of values kept across requests (kernel.generations)."""

from __future__ import annotations

from django.db import models


class Generation(models.Model):
    """The current generation of one kind of kept value (the agency tree, the calendar's overrides): a
    random token, replaced by every write to what the value is made of."""

    name = models.CharField(max_length=64, primary_key=True)
    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return f"{self.name} @ {self.token}"
