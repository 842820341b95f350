"""Templates still holding the first defaults of messages whose text changed when they moved to the outbox.

A row an organiser never edited is deleted here; `ensure_templates` (after `migrate`) recreates it from the current
defaults. An edited row differs from these texts and stays as the organiser left it.
"""

from django.db import migrations

FIRST_DEFAULTS = {
    "contest.receipt": (
        "[{{ edition.title }}] Đã nhận bài dự thi {{ entry.code }}",
        'Kính gửi {{ entry.author_name }},\n\nBan Tổ chức cuộc thi "{{ edition.title }}" đã nhận bài dự thi của bạn.\n\nMã tiếp nhận: {{ entry.code }}\nTiêu đề: {{ entry.title }}\n\nTheo dõi, chỉnh sửa hoặc rút bài (đến hạn chót nhận bài) tại đường dẫn riêng dưới đây. Vui lòng giữ kín đường dẫn này:\n{{ link }}\n\nTrân trọng,\nBan Tổ chức',
    ),
    "contest.screening": (
        "[{{ edition.title }}] Kết quả sơ duyệt bài {{ entry.code }}",
        'Kính gửi {{ entry.author_name }},\n\nBài dự thi {{ entry.code }} "{{ entry.title }}" {% if eligible %}đã được xác nhận hợp lệ\nvà sẽ được chuyển đến Ban Giám khảo.{% else %}chưa đáp ứng thể lệ cuộc thi.\n\nLý do: {{ reason }}{% endif %}\n\nXem chi tiết: {{ link }}\n\nTrân trọng,\nBan Tổ chức',
    ),
    "contest.judge_assignment": (
        "[{{ edition.title }}] Phân công chấm {{ count }} bài — {{ round.name }}",
        'Kính gửi {{ judge_name }},\n\nBan Tổ chức đã phân công bạn chấm {{ count }} bài dự thi ở {{ round.name }}.\nHạn chấm: {{ round.closes_on|date:"d/m/Y" }}.\n\nVào trang chấm bài: {{ link }}\n\nTrân trọng,\nBan Tổ chức',
    ),
    "contest.judge_reminder": (
        "[{{ edition.title }}] Còn {{ remaining }} bài chưa chấm — {{ round.name }}",
        'Kính gửi {{ judge_name }},\n\nBạn còn {{ remaining }} bài chưa chấm xong ở {{ round.name }};\nvòng chấm kết thúc ngày {{ round.closes_on|date:"d/m/Y" }}.\n\nVào trang chấm bài: {{ link }}\n\nTrân trọng,\nBan Tổ chức',
    ),
}


def refresh(apps, schema_editor):
    MessageTemplate = apps.get_model("outbox", "MessageTemplate")
    for key, (subject, body) in FIRST_DEFAULTS.items():
        MessageTemplate.objects.filter(key=key, subject=subject, body=body).delete()


class Migration(migrations.Migration):
    dependencies = [("outbox", "0003_message_expiry")]

    operations = [migrations.RunPython(refresh, migrations.RunPython.noop)]
