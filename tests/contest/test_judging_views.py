"""The judging screens: judges reach only their own work, blind rounds hide the author, organisers steer the round."""

import io
import re
import zipfile

import pytest
from openpyxl import load_workbook
from PIL import Image

from django.core.files.base import ContentFile
from django.urls import reverse

from contest.models import Assignment, EntryPhoto, RoundState, Score, ScoreSheet, SheetState
from contest.services import judging

from .fixtures_judging import edition_fixture, make_entries, make_judges, make_organiser, make_round  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_round(edition):
    entries = make_entries(edition, 4)
    judges = make_judges(2)
    round = make_round(
        edition,
        judges=judges,
        entries=entries,
        reviews_required=2,
        state=RoundState.OPEN,
        is_blind=True,
        criteria=(("Nội dung", 10, "2"), ("Hình thức", 5, "1")),
    )
    judging.assign_round(round, seed=2)
    return round, entries, judges


def sheet_url(assignment):
    return reverse("contest_judging_sheet", args=[assignment.pk])


def test_a_judge_reaches_only_their_own_assignments(client, open_round):
    round, _entries, (judge, other) = open_round
    client.force_login(judge)
    response = client.get(reverse("contest_judging_queue", args=[round.pk]))
    assert response.status_code == 200
    mine = Assignment.objects.filter(judge=judge)
    for assignment in mine:
        assert sheet_url(assignment) in response.text
    theirs = Assignment.objects.filter(judge=other).first()
    assert sheet_url(theirs) not in response.text
    assert client.get(sheet_url(theirs)).status_code == 403
    assert client.post(sheet_url(theirs), {"action": "submit"}).status_code == 403
    assert client.get(reverse("contest_judging_conflict", args=[theirs.pk])).status_code == 403
    assert client.get(reverse("contest_judging_dashboard", args=[round.pk])).status_code == 403
    assert client.get(reverse("contest_judging_results", args=[round.pk])).status_code == 403
    assert (
        client.get(reverse("contest_judging_export_sheet", args=[round.pk]) + f"?judge={other.pk}").status_code == 403
    )
    assert client.get(reverse("contest_rounds:index")).status_code in (302, 403)


def test_a_judge_outside_the_round_gets_403_on_its_queue(client, open_round):
    round, _entries, _judges = open_round
    (outsider,) = make_judges(1, prefix="khac")
    client.force_login(outsider)
    assert client.get(reverse("contest_judging_queue", args=[round.pk])).status_code == 403


def scores_payload(round, values, action, comment=""):
    criteria = list(round.criteria.order_by("sort_order"))
    data = {f"criterion_{c.pk}": v for c, v in zip(criteria, values, strict=True)}
    data.update({"action": action, "comment": comment})
    return data


def test_form_refuses_a_score_outside_the_range_and_saves_nothing(client, open_round):
    round, _entries, (judge, _other) = open_round
    assignment = Assignment.objects.filter(judge=judge).first()
    client.force_login(judge)
    response = client.post(sheet_url(assignment), scores_payload(round, [11, 3], "submit", "Hay"))
    assert response.status_code == 200
    assert "Điểm cao nhất của tiêu chí này là 10." in response.text
    response = client.post(sheet_url(assignment), scores_payload(round, [-1, "ba"], "draft"))
    assert "Điểm thấp nhất là 0." in response.text
    assert "Hãy nhập một số nguyên." in response.text
    assert not ScoreSheet.objects.exists() and not Score.objects.exists()


def test_submitting_needs_every_criterion_and_a_comment_at_the_extremes(client, open_round):
    round, _entries, (judge, _other) = open_round
    assignment = Assignment.objects.filter(judge=judge).first()
    client.force_login(judge)
    response = client.post(sheet_url(assignment), scores_payload(round, [7, ""], "submit"))
    assert "Hãy chấm điểm mọi tiêu chí trước khi nộp." in response.text
    response = client.post(sheet_url(assignment), scores_payload(round, [10, 3], "submit"))
    assert "Hãy ghi nhận xét giải thích vì sao một tiêu chí được 0 điểm hoặc điểm tối đa." in response.text
    assert not ScoreSheet.objects.exists()
    # A draft may be incomplete and keeps what was typed.
    response = client.post(sheet_url(assignment), scores_payload(round, [10, ""], "draft"))
    assert response.status_code == 302
    sheet = ScoreSheet.objects.get()
    assert sheet.state == SheetState.DRAFT
    assert list(sheet.scores.values_list("points", flat=True)) == [10]


def test_save_and_next_submits_and_opens_the_next_entry_in_the_judges_order(client, open_round):
    round, _entries, (judge, _other) = open_round
    queue = list(Assignment.objects.filter(judge=judge).order_by("position", "pk"))
    client.force_login(judge)
    response = client.post(sheet_url(queue[0]), scores_payload(round, [7, 3], "next", "Khá"))
    assert response.status_code == 302
    assert response["Location"] == sheet_url(queue[1])
    assert ScoreSheet.objects.get(assignment=queue[0]).state == SheetState.SUBMITTED
    page = client.get(response["Location"])
    assert f"1 / {len(queue)}" in page.text


def test_scores_cannot_change_after_the_round_closes(client, open_round):
    round, _entries, (judge, _other) = open_round
    assignment = Assignment.objects.filter(judge=judge).first()
    client.force_login(judge)
    client.post(sheet_url(assignment), scores_payload(round, [6, 3], "submit", ""))
    judging.set_round_state(round, RoundState.CLOSED)
    response = client.post(sheet_url(assignment), scores_payload(round, [9, 4], "submit", "Đổi ý"))
    assert "Vòng chấm không đang mở: không thể thay đổi điểm." in response.text
    assert sorted(Score.objects.values_list("points", flat=True)) == [3, 6]
    assert "Lưu nháp" not in client.get(sheet_url(assignment)).text


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_photos_reach_the_assigned_judge_only_and_never_by_file_name(client, open_round):
    round, _entries, (judge, other) = open_round
    assignment = Assignment.objects.filter(judge=judge).first()
    photo = EntryPhoto(entry=assignment.entry, sha256="0" * 64, sort_order=0, caption="")
    photo.image.save("TacgiaBimat_chan_dung.png", ContentFile(_png()), save=False)
    photo.thumbnail.save("TacgiaBimat_thumb.png", ContentFile(_png()), save=False)
    photo.width, photo.height = 40, 30
    photo.save()
    client.force_login(judge)
    page = client.get(sheet_url(assignment))
    assert "TacgiaBimat" not in page.text
    url = reverse("contest_judging_photo", args=[assignment.pk, photo.pk, "thumb"])
    assert url in page.text
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "TacgiaBimat" not in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    client.force_login(other)
    assert client.get(url).status_code == 403


def all_text_of_xlsx(content):
    workbook = load_workbook(io.BytesIO(content))
    cells = " ".join(str(c.value) for ws in workbook.worksheets for row in ws.iter_rows() for c in row if c.value)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        raw = " ".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    return cells + " " + raw


def test_a_blind_round_shows_no_author_identity_anywhere_a_judge_looks(client, open_round):
    round, entries, (judge, _other) = open_round
    assignment = Assignment.objects.filter(judge=judge).first()
    client.force_login(judge)
    client.post(sheet_url(assignment), scores_payload(round, [7, 3], "submit", "Tốt"))
    pages = [
        client.get(reverse("contest_judging_home")).text,
        client.get(reverse("contest_judging_queue", args=[round.pk])).text,
        client.get(sheet_url(assignment)).text,
        client.get(reverse("contest_judging_conflict", args=[assignment.pk])).text,
        all_text_of_xlsx(client.get(reverse("contest_judging_export_sheet", args=[round.pk])).content),
    ]
    organiser = make_organiser()
    client.force_login(organiser)
    pages.append(all_text_of_xlsx(client.get(reverse("contest_judging_results", args=[round.pk])).content))
    pages.append(client.get(reverse("contest_judging_minutes", args=[round.pk])).text)
    for entry in entries:
        for secret in (entry.author_name, entry.author_email, entry.author_phone, "Bímật"):
            for content in pages:
                assert secret not in content
    # The same screen in an open (not blind) round does name the author: the search above would have found it.
    round.is_blind = False
    round.save()
    client.force_login(judge)
    assert assignment.entry.author_name in client.get(sheet_url(assignment)).text


def test_blind_round_shows_the_anonymised_text(client, open_round):
    round, _entries, (judge, _other) = open_round
    assignment = Assignment.objects.filter(judge=judge).first()
    entry = assignment.entry
    entry.body = "Tôi là Tácgiả Bímật, viết về bác Tư."
    entry.anonymised_body = "Tôi là [tác giả], viết về bác Tư."
    entry.save()
    client.force_login(judge)
    text = client.get(sheet_url(assignment)).text
    assert "[tác giả]" in text and "Tácgiả Bímật" not in text


def test_queue_query_count_does_not_grow_with_its_length(client, edition, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    judges = make_judges(1)
    counts = []
    for size, order in ((1, 1), (50, 2)):
        entries = make_entries(edition, size)
        round = make_round(edition, judges=judges, entries=entries, reviews_required=1, order=order, state="open")
        judging.assign_round(round)
        first = Assignment.objects.filter(round=round).first()
        judging.save_sheet(
            first, points={c.pk: 5 for c in round.criteria.all()}, comment="", submit=True, user=judges[0]
        )
        client.force_login(judges[0])
        client.get(reverse("contest_judging_queue", args=[round.pk]))  # warm caches (site, permissions)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("contest_judging_queue", args=[round.pk]))
        assert response.status_code == 200
        assert f"1 / {size}" in response.text
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_organiser_screens_render_and_steer_the_round(client, open_round, django_capture_on_commit_callbacks):
    round, entries, (judge, other) = open_round
    for assignment in Assignment.objects.filter(round=round):
        judging.save_sheet(
            assignment,
            points={c.pk: min(3 + assignment.entry_id % 5, c.max_points) for c in round.criteria.all()},
            comment="",
            submit=True,
            user=assignment.judge,
        )
    organiser = make_organiser()
    client.force_login(organiser)
    dashboard = client.get(reverse("contest_judging_dashboard", args=[round.pk]))
    assert dashboard.status_code == 200
    assert "<svg" in dashboard.text and "judging-chart-bar" in dashboard.text
    # SVG coordinates must not be localised ("2,5" is not a number to a browser).
    svg = dashboard.text.split('<figure class="judging-chart">')[1].split("</figure>")[0]
    assert re.findall(r'(?:x|y|width|height)="[^"]*,[^"]*"', svg) == []
    assert re.search(r'<rect [^>]*height="[1-9][0-9.]*"', svg)
    assert "4 / 4" in dashboard.text  # each judge's progress
    assert client.get(reverse("contest_judging_assignments", args=[round.pk])).status_code == 200
    client.post(reverse("contest_judging_round_action", args=[round.pk]), {"action": "close"})
    round.refresh_from_db()
    assert round.state == RoundState.CLOSED
    response = client.post(
        reverse("contest_judging_ranking", args=[round.pk]),
        {"action": "draft", "method": "median", "rule": "top_n", "value": "2"},
    )
    assert response.status_code == 302
    ranking = client.get(reverse("contest_judging_ranking", args=[round.pk]))
    assert ranking.text.count("judging-advances") == 2
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("contest_judging_ranking", args=[round.pk]), {"action": "release"})
    client.post(reverse("contest_judging_ranking", args=[round.pk]), {"action": "finalise"})
    round.refresh_from_db()
    assert round.state == RoundState.FINALISED
    minutes = client.get(reverse("contest_judging_minutes", args=[round.pk]))
    assert "BIÊN BẢN" in minutes.text
    assert judge.get_full_name() in minutes.text and other.get_full_name() in minutes.text
    assert "css/judging-minutes.css" in minutes.text
    assert client.get(reverse("contest_judging_conflicts")).status_code == 200
    assert client.get(reverse("contest_rounds:add")).status_code == 200
    assert client.get(reverse("contest_rounds:edit", args=[round.pk])).status_code == 200


def test_declaring_a_conflict_from_the_screen(client, open_round):
    round, _entries, (judge, _other) = open_round
    (spare,) = make_judges(1, prefix="duphong")
    round.judges.add(spare)
    assignment = Assignment.objects.filter(judge=judge).first()
    client.force_login(judge)
    response = client.post(reverse("contest_judging_conflict", args=[assignment.pk]), {"reason": "   "})
    assert "Hãy nói ngắn gọn vì sao bạn không thể chấm bài này." in response.text
    response = client.post(reverse("contest_judging_conflict", args=[assignment.pk]), {"reason": "Tác giả là em tôi"})
    assert response.status_code == 302
    assert not Assignment.objects.filter(judge=judge, entry=assignment.entry).exists()
    assert Assignment.objects.filter(judge=spare, entry=assignment.entry).exists()
    client.force_login(make_organiser())
    assert "Tác giả là em tôi" in client.get(reverse("contest_judging_conflicts")).text


def test_organisers_edit_the_anonymised_text_judges_read(client, open_round):
    round, _entries, (judge, _other) = open_round
    assignment = Assignment.objects.filter(judge=judge).first()
    entry = assignment.entry
    entry.body = "Tôi, Tácgiả Bímật, kể về bác Tư."
    entry.save()
    url = reverse("contest_judging_anonymise", args=[round.pk, entry.pk])
    client.force_login(judge)
    assert client.get(url).status_code == 403
    client.force_login(make_organiser())
    assert "Tôi, Tácgiả Bímật" in client.get(url).text
    assert "Nội dung không được để trống." in client.post(url, {"text": "  "}).text
    response = client.post(url, {"text": "Tôi, [tác giả], kể về bác Tư."})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.anonymised_body == "Tôi, [tác giả], kể về bác Tư."
    client.force_login(judge)
    page = client.get(sheet_url(assignment)).text
    assert "[tác giả]" in page and "Bímật" not in page


def test_other_judges_scores_show_only_after_submitting_when_the_round_allows(client, open_round):
    round, entries, (judge, other) = open_round
    entry = entries[0]
    mine = Assignment.objects.get(judge=judge, entry=entry)
    theirs = Assignment.objects.get(judge=other, entry=entry)
    judging.save_sheet(theirs, points={c.pk: 4 for c in round.criteria.all()}, comment="", submit=True, user=other)
    client.force_login(judge)
    heading = "Tổng điểm của các giám khảo khác"
    round.score_visibility = "after_own"
    round.save()
    assert heading not in client.get(sheet_url(mine)).text  # not before their own sheet is in
    client.post(sheet_url(mine), scores_payload(round, [6, 3], "submit", ""))
    page = client.get(sheet_url(mine)).text
    assert heading in page and "12" in page  # 4 * 2 + 4 * 1
    round.score_visibility = "never"
    round.save()
    assert heading not in client.get(sheet_url(mine)).text


@pytest.mark.parametrize(
    "view",
    [
        "contest_judging_dashboard",
        "contest_judging_assignments",
        "contest_judging_ranking",
        "contest_judging_history",
        "conflicts",
        "home",
    ],
)
def test_organiser_pages_keep_their_query_count(client, edition, view):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from contest.models import ConflictOfInterest

    organiser = make_organiser()
    judges = make_judges(3)
    client.force_login(organiser)
    counts = []
    for size, order in ((1, 1), (50, 2)):
        entries = make_entries(edition, size)
        round = make_round(edition, judges=judges, entries=entries, reviews_required=2, order=order, state="open")
        judging.assign_round(round)
        for assignment in Assignment.objects.filter(round=round)[: size * 2 : 2]:
            judging.save_sheet(
                assignment,
                points={c.pk: 5 for c in round.criteria.all()},
                comment="",
                submit=True,
                user=assignment.judge,
            )
        for entry in entries:
            ConflictOfInterest.objects.get_or_create(
                judge=judges[0], entry=entry, defaults={"reason": "x", "round": round}
            )
        url = {
            "conflicts": reverse("contest_judging_conflicts"),
            "home": reverse("contest_judging_home"),
        }.get(view) or reverse(view, args=[round.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def round_form_data(round_or_edition, judges, criteria):
    """The admin form's POST data for a round and its inline rubric."""
    from contest.models import Round

    round = round_or_edition if isinstance(round_or_edition, Round) else None
    data = {
        "edition": (round.edition_id if round else round_or_edition.pk),
        "name": "Vòng sơ khảo",
        "order": 1,
        "opens_on": "",
        "closes_on": "",
        "judges": [j.pk for j in judges],
        "reviews_required": 2,
        "is_blind": "on",
        "score_visibility": "never",
        "aggregation": "mean",
        "disagreement_percent": 25,
        "advancement_rule": "top_n",
        "advancement_value": "10",
        "criteria-TOTAL_FORMS": len(criteria),
        "criteria-INITIAL_FORMS": sum(1 for c in criteria if c.get("id")),
        "criteria-MIN_NUM_FORMS": 1,
        "criteria-MAX_NUM_FORMS": 1000,
    }
    for i, criterion in enumerate(criteria):
        for key, value in criterion.items():
            data[f"criteria-{i}-{key}"] = value
        data[f"criteria-{i}-ORDER"] = i + 1
        data.setdefault(f"criteria-{i}-description", "")
    return data


def test_organisers_build_a_round_and_its_rubric_which_locks_once_scored(client, edition):
    from contest.models import Round

    judges = make_judges(2)
    organiser = make_organiser()
    client.force_login(organiser)
    form_page = client.get(reverse("contest_rounds:add")).text
    assert all(f'value="{j.pk}"' in form_page and j.get_full_name() in form_page for j in judges)
    assert organiser.get_full_name() not in form_page.split('id="id_judges"')[1].split("</div>")[0]
    response = client.post(
        reverse("contest_rounds:add"),
        round_form_data(edition, judges, [{"name": "Nội dung", "max_points": 10, "weight": "2", "id": ""}]),
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    round = Round.objects.get()
    criterion = round.criteria.get()
    assert (criterion.max_points, criterion.weight, set(round.judges.all())) == (10, 2, set(judges))
    entries = make_entries(edition, 1)
    judging.set_round_state(round, RoundState.OPEN)
    assignment = (
        judging.add_assignment(round, judge=judges[0], entry=entries[0])
        if round.round_entries.create(entry=entries[0])
        else None
    )
    judging.save_sheet(assignment, points={criterion.pk: 7}, comment="", submit=True, user=judges[0])
    data = round_form_data(round, judges, [{"name": "Nội dung", "max_points": 5, "weight": "2", "id": criterion.pk}])
    response = client.post(reverse("contest_rounds:edit", args=[round.pk]), data)
    assert response.status_code == 200
    assert "Giám khảo đã bắt đầu chấm: không thể thay đổi thang điểm nữa." in response.text
    criterion.refresh_from_db()
    assert criterion.max_points == 10


def test_a_judges_admin_dashboard_shows_their_rounds(client, open_round):
    round, _entries, (judge, _other) = open_round
    client.force_login(judge)
    page = client.get(reverse("wagtailadmin_home")).text
    assert "Việc chấm của tôi" in page
    assert reverse("contest_judging_queue", args=[round.pk]) in page
    assert "0 / 4" in page  # two judges read all four entries


def test_score_history_lists_every_change(client, open_round):
    round, _entries, (judge, _other) = open_round
    assignment = Assignment.objects.filter(judge=judge).first()
    client.force_login(judge)
    client.post(sheet_url(assignment), scores_payload(round, [6, 3], "draft"))
    client.post(sheet_url(assignment), scores_payload(round, [8, 3], "submit"))
    client.force_login(make_organiser())
    page = client.get(reverse("contest_judging_history", args=[round.pk])).text
    table = page.split("<tbody>")[1].split("</tbody>")[0]
    assert table.count(assignment.entry.code) == 3  # 6 then 3 (created), then 6 → 8
    assert "<td>6</td>" in table and "<td>8</td>" in table


def test_exports_carry_the_scores_and_name_authors_only_in_open_rounds(client, open_round):
    round, _entries, (judge, _other) = open_round
    queue = list(Assignment.objects.filter(judge=judge).order_by("position", "pk"))
    client.force_login(judge)
    client.post(sheet_url(queue[0]), scores_payload(round, [7, 5], "submit", "Rất hay"))
    content = client.get(reverse("contest_judging_export_sheet", args=[round.pk])).content
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("STT", "Mã bài", "Tên bài")
    assert rows[0][3] == "Nội dung (0–10, ×2)"
    assert rows[1][:7] == (1, queue[0].entry.code, queue[0].entry.title, 7, 5, 19, "đã nộp")
    assert rows[1][7] == "Rất hay"
    assert rows[2][5] is None and rows[2][6] == "chưa chấm"
    assert len(rows) == 1 + len(queue)
    client.force_login(make_organiser())
    round.is_blind = False
    round.save()
    results = load_workbook(io.BytesIO(client.get(reverse("contest_judging_results", args=[round.pk])).content)).active
    header = [c.value for c in results[1]]
    assert header[:4] == ["Hạng", "Mã bài", "Tên bài", "Tác giả"]
    first = [c.value for c in results[2]]
    assert first[1] == queue[0].entry.code and first[3] == queue[0].entry.author_name and first[5] == 19
