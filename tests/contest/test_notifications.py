"""The contest's e-mails go through the outbox: Vietnamese text organisers edit, sent on commit, retried, shown
to organisers on the entry, never undoing the change that caused them."""

import datetime
import io

import pytest

from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from contest.models import AdvancementRule, Assignment, Entry, RoundState, Verification
from contest.roles import JURY, ORGANISERS
from contest.services import judging
from contest.services.awards import record_verification
from contest.services.screening import screen_entry
from contest.services.submission import amend_entry, withdraw_entry
from contest.statuses import EntryStatus
from outbox.models import MessageTemplate, OutgoingMessage
from outbox.services import messages_about

from . import fixtures_judging as jf
from .fixtures_submission import *  # noqa: F403
from .fixtures_submission import entry_data, form_data, make_entry, photo_upload, submit_url, text_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clean_slate")]

# A real SMTP connection to a loopback port where nothing listens: the "server" refuses every message.
REFUSING_SMTP = {
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "EMAIL_HOST": "127.0.0.1",
    "EMAIL_PORT": 9,
    "EMAIL_TIMEOUT": 2,
}


@pytest.fixture
def organiser():
    return jf.make_organiser()


def only_message(kind, related):
    [message] = messages_about(related).filter(kind=kind)
    return message


def retry_now():
    """The retry is due: what cron's `send_queued_messages` does a few minutes later."""
    OutgoingMessage.objects.filter(status=OutgoingMessage.Status.FAILED).update(
        next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    call_command("send_queued_messages", stdout=io.StringIO())


# --- Authors ---------------------------------------------------------------------------------------------------


def test_receipt_amendment_and_withdrawal_reach_the_author_in_vietnamese(
    edition, locality, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        entry, token = make_entry(edition, locality, photos=0)
    receipt = mail.outbox[-1]
    assert receipt.to == ["tacgia1@example.vn"]
    assert receipt.subject == f"[{edition.title}] Đã nhận bài dự thi {entry.code}"
    assert receipt.body.startswith("Kính gửi Tác giả 1,")
    assert "đã nhận được bài dự thi" in receipt.body and token in receipt.body
    assert only_message("contest.receipt", entry).status == OutgoingMessage.Status.SENT

    with django_capture_on_commit_callbacks(execute=True):
        amend_entry(entry=entry, data=entry_data(edition, locality, title="Tiêu đề mới"))
    assert "đây là phiên bản 2" in mail.outbox[-1].body and mail.outbox[-1].to == ["tacgia1@example.vn"]
    with django_capture_on_commit_callbacks(execute=True):
        withdraw_entry(entry=entry)
    assert "đã được rút và sẽ không được chấm" in mail.outbox[-1].body
    assert [m.kind for m in messages_about(entry)] == ["contest.withdrawn", "contest.amended", "contest.receipt"]


def test_screening_outcome_tells_the_author(edition, locality, organiser, django_capture_on_commit_callbacks):
    entry, _ = make_entry(edition, locality, photos=0)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        screen_entry(entry=entry, eligible=True, user=organiser)
    [message] = mail.outbox
    assert message.to == [entry.author_email]
    assert message.subject == f"[{edition.title}] Bài {entry.code} hợp lệ"
    assert "bài hợp lệ và được chuyển tới\nBan Giám khảo" in message.body
    assert "Lý do" not in message.body
    assert only_message("contest.screening", entry).status == OutgoingMessage.Status.SENT


def test_an_organisers_edit_of_the_template_changes_the_next_mail(
    client, edition, locality, organiser, django_capture_on_commit_callbacks
):
    first, _ = make_entry(edition, locality, 1, photos=0)
    second, _ = make_entry(edition, locality, 2, photos=0)
    template = MessageTemplate.objects.get(key="contest.screening")
    client.force_login(organiser)
    edit_url = reverse("wagtailsnippets_outbox_messagetemplate:edit", args=[template.pk])
    form = client.get(edit_url).content.decode()
    assert "<code>{{ reason }}</code>" in form and "<code>{{ eligible }}</code>" in form  # what they may use
    response = client.post(
        edit_url,
        {
            "name": template.name,
            "subject": "Thông báo sơ duyệt — {{ entry.code }}",
            "body": "Thân gửi {{ entry.author_name }}: bài {{ entry.code }} {% if eligible %}đạt{% else %}chưa đạt"
            " ({{ reason }}){% endif %}.",
        },
    )
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        screen_entry(entry=first, eligible=False, reason="Quá số chữ", user=organiser)
    assert mail.outbox[-1].subject == f"Thông báo sơ duyệt — {first.code}"
    assert mail.outbox[-1].body == f"Thân gửi Tác giả 1: bài {first.code} chưa đạt (Quá số chữ).\n"
    # The message already queued keeps the text it was written with; only later ones change.
    template.refresh_from_db()
    template.subject = "Kết quả sơ duyệt {{ entry.code }}"
    template.save()
    with django_capture_on_commit_callbacks(execute=True):
        screen_entry(entry=second, eligible=True, user=organiser)
    assert mail.outbox[-1].subject == f"Kết quả sơ duyệt {second.code}"
    assert only_message("contest.screening", first).subject == f"Thông báo sơ duyệt — {first.code}"


def test_a_refusing_mail_server_keeps_the_entry_and_the_receipt_for_retry(
    client, edition, locality, django_capture_on_commit_callbacks
):
    with override_settings(**REFUSING_SMTP), django_capture_on_commit_callbacks(execute=True):
        data = {**form_data(edition, locality, body=text_of(120, "smtp")), "photos": [photo_upload("a.jpg")]}
        response = client.post(submit_url(edition), data)
    assert response.status_code == 302  # the author sees the thank-you page: the entry is saved
    entry = Entry.objects.get()
    message = only_message("contest.receipt", entry)
    assert message.status == OutgoingMessage.Status.FAILED and message.attempts == 1
    assert message.last_error and mail.outbox == []
    retry_now()
    message.refresh_from_db()
    assert message.status == OutgoingMessage.Status.SENT and message.attempts == 2
    assert mail.outbox[-1].to == ["hoa@example.vn"] and entry.code in mail.outbox[-1].subject


def test_a_refusing_mail_server_keeps_the_screening(edition, locality, organiser, django_capture_on_commit_callbacks):
    entry, _ = make_entry(edition, locality, photos=0)
    mail.outbox.clear()
    with override_settings(**REFUSING_SMTP), django_capture_on_commit_callbacks(execute=True):
        assert screen_entry(entry=entry, eligible=False, reason="Sai thể loại", user=organiser)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.INELIGIBLE and entry.screening_reason == "Sai thể loại"
    message = only_message("contest.screening", entry)
    assert message.status == OutgoingMessage.Status.FAILED and mail.outbox == []
    retry_now()
    assert "Lý do: Sai thể loại" in mail.outbox[-1].body
    assert only_message("contest.screening", entry).status == OutgoingMessage.Status.SENT


def test_verification_request_tells_the_author_and_is_linked_to_the_entry(
    edition, organiser, django_capture_on_commit_callbacks
):
    [entry] = jf.make_entries(edition, 1, status=EntryStatus.FINALIST)
    with django_capture_on_commit_callbacks(execute=True):
        record_verification(
            entry,
            user=organiser,
            locality=entry.subject_locality,
            letter_number="15/BTC",
            letter_date=datetime.date(2025, 9, 2),
            outcome=Verification.Outcome.PENDING,
        )
    [message] = mail.outbox
    assert message.to == [entry.author_email]
    assert "văn bản số 15/BTC ngày 02/09/2025" in message.body
    assert only_message("contest.verification_requested", entry).status == OutgoingMessage.Status.SENT


# --- Decisions -------------------------------------------------------------------------------------------------


def scored(edition, judges, entries, **round_fields):
    round = jf.make_round(edition, judges=judges, entries=entries, reviews_required=1, **round_fields)
    judging.assign_round(round, seed=1)
    judging.set_round_state(round, RoundState.OPEN)
    for assignment in Assignment.objects.filter(round=round).select_related("judge"):
        points = 9 if assignment.entry_id == entries[0].pk else 3
        judging.save_sheet(
            assignment,
            points={c.pk: points for c in round.criteria.all()},
            comment="",
            submit=True,
            user=assignment.judge,
        )
    judging.set_round_state(round, RoundState.CLOSED)
    judging.draft_decisions(round, rule=AdvancementRule.TOP_N, value=1)
    return round


def test_finalists_and_the_others_hear_the_released_decision(edition, django_capture_on_commit_callbacks):
    entries = jf.make_entries(edition, 2)
    judges = jf.make_judges(1)
    round = scored(edition, judges, entries, name="Vòng chung khảo")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        judging.release_decisions(round)
    by_recipient = {m.to[0]: m for m in mail.outbox}
    finalist = by_recipient[entries[0].author_email]
    assert finalist.subject == f"[{edition.title}] Bài {entries[0].code} vào vòng chung khảo"
    assert "Chúc mừng!" in finalist.body and "Kính gửi Tácgiả Bímật" in finalist.body
    other = by_recipient[entries[1].author_email]
    assert "không được chọn vào vòng sau" in other.body
    assert only_message("contest.finalist", entries[0]).status == OutgoingMessage.Status.SENT
    assert only_message("contest.round_result", entries[1]).status == OutgoingMessage.Status.SENT


def test_advancing_to_a_further_round_is_not_yet_a_finalist_notice(edition, django_capture_on_commit_callbacks):
    entries = jf.make_entries(edition, 2)
    judges = jf.make_judges(1)
    round = scored(edition, judges, entries, name="Vòng sơ khảo")
    jf.make_round(edition, judges=judges, order=2, name="Vòng bán kết")
    jf.make_round(edition, judges=judges, order=3, name="Vòng chung khảo")
    with django_capture_on_commit_callbacks(execute=True):
        judging.release_decisions(round)
    message = only_message("contest.round_result", entries[0])
    assert "bài của bạn được chọn vào Vòng bán kết" in message.body
    assert not messages_about(entries[0]).filter(kind="contest.finalist").exists()


# --- Judges ----------------------------------------------------------------------------------------------------


def test_judges_hear_of_their_assignment_when_the_round_opens_without_author_names(
    edition, django_capture_on_commit_callbacks
):
    entries = jf.make_entries(edition, 4)
    judges = jf.make_judges(2)
    round = jf.make_round(
        edition, judges=judges, entries=entries, reviews_required=1, closes_on=datetime.date(2025, 10, 20)
    )
    with django_capture_on_commit_callbacks(execute=True):
        judging.assign_round(round, seed=3)
    assert mail.outbox == []  # draws before the round opens mail nobody
    with django_capture_on_commit_callbacks(execute=True):
        judging.set_round_state(round, RoundState.OPEN)
    assert sorted(m.to[0] for m in mail.outbox) == ["giamkhao1@example.vn", "giamkhao2@example.vn"]
    for message in mail.outbox:
        assert message.subject == f"[{edition.title}] Phân công chấm 2 bài — {round.name}"
        assert "Kính gửi Giám khảo" in message.body and "Hạn chấm: 20/10/2025" in message.body
        assert f"http://testserver/admin/contest/judging/round/{round.pk}/" in message.body
        for entry in entries:
            assert entry.author_name not in message.body and entry.author_email not in message.body
    assert only_message("contest.judge_assignment", judges[0]).status == OutgoingMessage.Status.SENT

    # An entry added by hand to an open round tells that judge again, with the new count.
    extra = jf.make_entries(edition, 1)[0]
    round.round_entries.create(entry=extra)
    with django_capture_on_commit_callbacks(execute=True):
        judging.add_assignment(round, judge=judges[0], entry=extra)
    assert mail.outbox[-1].to == ["giamkhao1@example.vn"]
    assert "chấm 3 bài" in mail.outbox[-1].body


def test_a_refusing_mail_server_keeps_the_assignment(edition, django_capture_on_commit_callbacks):
    entries = jf.make_entries(edition, 2)
    [judge] = jf.make_judges(1)
    round = jf.make_round(edition, judges=[judge], entries=entries, reviews_required=1, state=RoundState.OPEN)
    with override_settings(**REFUSING_SMTP), django_capture_on_commit_callbacks(execute=True):
        judging.assign_round(round, seed=1)
    assert Assignment.objects.filter(round=round, judge=judge).count() == 2
    message = only_message("contest.judge_assignment", judge)
    assert message.status == OutgoingMessage.Status.FAILED and mail.outbox == []
    retry_now()
    assert mail.outbox[-1].to == [judge.email] and "chấm 2 bài" in mail.outbox[-1].body


def test_reminders_are_queued_per_judge_and_name_no_author(edition, django_capture_on_commit_callbacks):
    entries = jf.make_entries(edition, 2)
    [judge] = jf.make_judges(1)
    round = jf.make_round(
        edition,
        judges=[judge],
        entries=entries,
        reviews_required=1,
        state=RoundState.OPEN,
        closes_on=timezone.localdate() + datetime.timedelta(days=1),
    )
    judging.assign_round(round, seed=1)
    with override_settings(**REFUSING_SMTP), django_capture_on_commit_callbacks(execute=True):
        call_command("remind_judges", stdout=io.StringIO())
    message = only_message("contest.judge_reminder", judge)
    assert message.status == OutgoingMessage.Status.FAILED
    retry_now()
    reminder = mail.outbox[-1]
    assert reminder.to == [judge.email]
    assert "Ông/bà đã nộp 0 trên 2 phiếu chấm; còn 2 phiếu." in reminder.body
    assert all(entry.author_name not in reminder.body for entry in entries)


# --- Who sees the messages ------------------------------------------------------------------------------------


def test_organisers_see_an_entrys_messages_and_editors_and_judges_do_not(
    client, edition, locality, organiser, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        entry, _ = make_entry(edition, locality, photos=0)
    with override_settings(**REFUSING_SMTP), django_capture_on_commit_callbacks(execute=True):
        screen_entry(entry=entry, eligible=False, reason="Trùng bài", user=organiser)
    inspect = reverse("contest_entries:inspect", args=[entry.pk])
    client.force_login(organiser)
    html = client.get(inspect).content.decode()
    assert "Xác nhận đã nhận bài dự thi" in html and f"Đã nhận bài dự thi {entry.code}" in html
    assert "Kết quả sơ duyệt bài dự thi" in html
    assert only_message("contest.screening", entry).last_error in html
    messages_list = client.get(reverse("outgoing_messages:index")).content.decode()
    assert f"Bài {entry.code} không hợp lệ" in messages_list

    editor = jf.make_user("bientap", "Editors")
    judge = jf.make_user("giamkhao", JURY)
    for user in (editor, judge):
        client.force_login(user)
        assert client.get(inspect).status_code in (302, 403)
        response = client.get(reverse("outgoing_messages:index"))
        assert response.status_code in (302, 403)
        assert entry.code not in response.content.decode()
    assert Group.objects.get(name=ORGANISERS).permissions.filter(codename="view_outgoingmessage").exists()


def test_the_demo_data_mails_no_judge(home_page):
    from contest import demo_judging

    demo_judging.load()
    assert Assignment.objects.exists()
    assert not OutgoingMessage.objects.filter(kind="contest.judge_assignment").exists()


def test_the_judge_who_takes_over_a_conflicted_entry_is_told(edition, django_capture_on_commit_callbacks):
    [entry] = jf.make_entries(edition, 1)
    first, second = jf.make_judges(2)
    round = jf.make_round(edition, judges=[first, second], entries=[entry], reviews_required=1)
    judging.add_assignment(round, judge=first, entry=entry)
    judging.set_round_state(round, RoundState.OPEN, notify_judges=False)
    with django_capture_on_commit_callbacks(execute=True):
        _conflict, replacement = judging.declare_conflict(judge=first, entry=entry, reason="Người thân", round=round)
    assert replacement == second.pk
    [message] = mail.outbox
    assert message.to == [second.email] and "chấm 1 bài" in message.body
    assert entry.author_name not in message.body and "Người thân" not in message.body
