"""PDF forms of TT 03/2025/TT-VPCP for a dossier, and the ledger (to be completed)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["Biểu mẫu"])
