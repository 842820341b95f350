#!/usr/bin/env python
"""Django's command-line utility for this project."""

import os
import sys
from pathlib import Path

# `site/` holds the Django project but cannot be a package: the standard library owns the name.
sys.path.insert(0, str(Path(__file__).resolve().parent / "site"))

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
