"""Page tree for the movements and exemplars tests: the three section pages under the home page."""

import pytest

from tests.factories import (
    ExemplarIndexPageFactory,
    MovementIndexPageFactory,
    PlanIndexPageFactory,
    PlanPageFactory,
)


@pytest.fixture
def sections(home_page):
    plans = PlanIndexPageFactory(parent=home_page)
    return {
        "plans": plans,
        "plan": PlanPageFactory(parent=plans),
        "movements": MovementIndexPageFactory(parent=home_page),
        "library": ExemplarIndexPageFactory(parent=home_page),
    }
