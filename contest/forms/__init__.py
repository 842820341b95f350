"""The contest's forms, one module per area (submission, judging, voting)."""
