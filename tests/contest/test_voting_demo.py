"""The voting demo loads on an empty site and a second run changes nothing."""

import pytest

from contest import demo_voting
from contest.models import Vote, VotingCandidate, VotingRules

pytestmark = pytest.mark.django_db


def test_demo_voting_is_idempotent(home_page, client):
    demo_voting.load()
    counts = (VotingRules.objects.count(), VotingCandidate.objects.count(), Vote.objects.count())
    assert counts == (1, 3, 6)
    demo_voting.load()
    assert (VotingRules.objects.count(), VotingCandidate.objects.count(), Vote.objects.count()) == counts
    response = client.get("/cuoc-thi/2025/binh-chon/")
    assert response.status_code == 200
    assert "Người giữ lửa bếp ăn 0 đồng" in response.content.decode()
