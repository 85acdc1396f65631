"""How a report is shown: text and JSON (``render``), GitHub workflow annotations and step
summary (``annotations``), the coverage ledger (``coverage_render``)."""
