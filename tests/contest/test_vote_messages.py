"""The vote confirmation goes through the outbox at once, keeps its one-time code only until sent, stays out of
the admin, and leaves with the voter's other personal data."""

import datetime
import io
import re

import pytest

from django.contrib.auth.models import Group, User
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from contest.models import ContestPage, Voter, VoteRequest
from contest.roles import JURY, ORGANISERS
from contest.services import voting
from contest.services.privacy import erase_personal_data
from outbox.models import MessageTemplate, OutgoingMessage
from outbox.services import WIPED_BODY, messages_about

from .fixtures_voting import *  # noqa: F403

pytestmark = pytest.mark.django_db

REFUSING_SMTP = {
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "EMAIL_HOST": "127.0.0.1",
    "EMAIL_PORT": 9,
    "EMAIL_TIMEOUT": 2,
}


def ask(edition, entry, email="Ban.Doc+tin@gmail.com"):
    return voting.request_vote(
        edition=edition,
        entry=entry,
        email=email,
        ip="203.0.113.7",
        user_agent="Trình duyệt",
        confirm_url="http://testserver/cuoc-thi/2025/binh-chon/xac-nhan/",
    )


def user_in(group, username):
    user = User.objects.create_user(username, password="mat-khau-rat-dai-123")
    user.groups.add(Group.objects.get(name=group))
    return user


def test_the_code_goes_out_on_commit_and_is_not_kept_after(edition, entries, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request = ask(edition, entries[0])
    [sent] = mail.outbox
    assert sent.to == ["bandoc@gmail.com"]
    assert sent.subject == f"[{edition.title}] Xác nhận bình chọn"
    assert f'bình chọn cho bài dự thi "{entries[0].title}"' in sent.body
    code = re.search(r"\b(\d{6})\b", sent.body).group(1)
    assert "hết hạn sau 30 phút" in sent.body
    # Only what the reader needs: no author, no network data, not even the address it was sent to.
    for private in (entries[0].author_name, entries[0].author_email, "203.0.113.7", "bandoc"):
        assert private not in sent.body
    voter = Voter.objects.get()
    [message] = messages_about(voter)
    assert message.status == OutgoingMessage.Status.SENT and message.kind == "contest.vote_confirmation"
    assert message.body == WIPED_BODY and code not in message.body
    assert not messages_about(entries[0]).exists()  # not an author's message: never on the entry's page
    with django_capture_on_commit_callbacks(execute=True):
        voting.confirm_by_code(public_id=request.public_id, code=code)


def test_organisers_template_edit_is_used(edition, entries, django_capture_on_commit_callbacks):
    MessageTemplate.objects.filter(key="contest.vote_confirmation").update(
        subject="Mã bình chọn của bạn", body="Mã: {{ code }} — {{ link }}"
    )
    with django_capture_on_commit_callbacks(execute=True):
        ask(edition, entries[0])
    assert mail.outbox[-1].subject == "Mã bình chọn của bạn"
    assert re.fullmatch(r"Mã: \d{6} — http://testserver/\S+\?t=\S+\n", mail.outbox[-1].body)


def test_a_refusing_server_keeps_the_request_retries_in_time_and_gives_up_after(
    edition, entries, django_capture_on_commit_callbacks
):
    with override_settings(**REFUSING_SMTP), django_capture_on_commit_callbacks(execute=True):
        first = ask(edition, entries[0])
        ask(edition, entries[1])
    assert VoteRequest.objects.count() == 2 and mail.outbox == []
    messages = list(OutgoingMessage.objects.order_by("pk"))
    assert [m.status for m in messages] == [OutgoingMessage.Status.FAILED] * 2
    assert all(re.search(r"\b\d{6}\b", m.body) for m in messages)  # kept for the retry, and only until then
    # The first is retried while its code is still valid: it goes, and its text is wiped.
    OutgoingMessage.objects.filter(pk=messages[0].pk).update(next_attempt_at=timezone.now())
    call_command("send_queued_messages", stdout=io.StringIO())
    assert len(mail.outbox) == 1 and first.public_id not in mail.outbox[0].body
    # The second is due only after its request expired: sending it late would be useless, so it is given up.
    OutgoingMessage.objects.filter(pk=messages[1].pk).update(next_attempt_at=timezone.now())
    VoteRequest.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    OutgoingMessage.objects.filter(pk=messages[1].pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    call_command("send_queued_messages", stdout=io.StringIO())
    assert len(mail.outbox) == 1
    late = OutgoingMessage.objects.get(pk=messages[1].pk)
    assert late.status == OutgoingMessage.Status.ABANDONED and late.body == WIPED_BODY
    assert "Expired" in late.last_error


def test_vote_messages_stay_out_of_the_admin(client, edition, entries, django_capture_on_commit_callbacks):
    with override_settings(**REFUSING_SMTP), django_capture_on_commit_callbacks(execute=True):
        ask(edition, entries[0])
    message = OutgoingMessage.objects.get()
    client.force_login(user_in(ORGANISERS, "btc"))
    index = client.get(reverse("outgoing_messages:index"))
    assert index.status_code == 200 and "bandoc@gmail.com" not in index.content.decode()
    assert client.get(reverse("outgoing_messages:inspect", args=[message.pk])).status_code == 404
    assert client.get(reverse("outgoing_messages:edit", args=[message.pk])).status_code == 404
    for user in (user_in(JURY, "giamkhao"), user_in("Editors", "bientap")):
        client.force_login(user)
        assert client.get(reverse("outgoing_messages:index")).status_code in (302, 403)
        assert client.get(reverse("outgoing_messages:inspect", args=[message.pk])).status_code in (302, 403, 404)


def test_the_voter_purge_removes_their_messages(edition, entries, django_capture_on_commit_callbacks, home_page):
    with django_capture_on_commit_callbacks(execute=True):
        ask(edition, entries[0])
    with override_settings(**REFUSING_SMTP), django_capture_on_commit_callbacks(execute=True):
        ask(edition, entries[1], email="khac@example.vn")
    assert OutgoingMessage.objects.count() == 2
    # The edition's voting closed longer ago than its retention period: the daily purge runs.
    long_ago = timezone.now() - datetime.timedelta(days=400)
    ContestPage.objects.filter(pk=edition.pk).update(voting_open=long_ago, voting_close=long_ago)
    call_command("purge_voter_data", stdout=io.StringIO())
    assert not OutgoingMessage.objects.exists()
    assert not Voter.objects.exclude(email="").exists()


def test_erasing_a_readers_data_removes_their_messages(edition, entries, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ask(edition, entries[0])
        ask(edition, entries[1], email="khac@example.vn")
    erase_personal_data(email="ban.doc@gmail.com", reason="Bạn đọc yêu cầu xoá")
    assert list(OutgoingMessage.objects.values_list("to", flat=True)) == ["khac@example.vn"]
