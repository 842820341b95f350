"""The contest's e-mails, registered with the outbox with their default Vietnamese text (organisers edit them)."""

from outbox.registry import register

RECEIPT = register(
    "contest.receipt",
    name="Xác nhận đã nhận bài dự thi",
    subject="[{{ edition.title }}] Đã nhận bài dự thi {{ entry.code }}",
    body="""Kính gửi {{ entry.author_name }},

Ban Tổ chức cuộc thi "{{ edition.title }}" đã nhận bài dự thi của bạn.

Mã tiếp nhận: {{ entry.code }}
Tiêu đề: {{ entry.title }}

Theo dõi, chỉnh sửa hoặc rút bài (đến hạn chót nhận bài) tại đường dẫn riêng dưới đây. Vui lòng giữ kín đường dẫn này:
{{ link }}

Trân trọng,
Ban Tổ chức""",
    variables={"entry": "bài dự thi", "edition": "đợt thi", "link": "đường dẫn riêng"},
)

SCREENING = register(
    "contest.screening",
    name="Kết quả sơ duyệt bài dự thi",
    subject="[{{ edition.title }}] Kết quả sơ duyệt bài {{ entry.code }}",
    body="""Kính gửi {{ entry.author_name }},

Bài dự thi {{ entry.code }} "{{ entry.title }}" {% if eligible %}đã được xác nhận hợp lệ
và sẽ được chuyển đến Ban Giám khảo.{% else %}chưa đáp ứng thể lệ cuộc thi.

Lý do: {{ reason }}{% endif %}

Xem chi tiết: {{ link }}

Trân trọng,
Ban Tổ chức""",
)

FINALIST = register(
    "contest.finalist",
    name="Thông báo bài vào vòng chung khảo",
    subject="[{{ edition.title }}] Bài {{ entry.code }} vào vòng chung khảo",
    body="""Kính gửi {{ entry.author_name }},

Chúc mừng! Bài dự thi {{ entry.code }} "{{ entry.title }}" đã được chọn vào vòng chung khảo.
Ban Tổ chức sẽ đề nghị địa phương xác nhận nhân vật trong bài trước khi trao giải.

Trân trọng,
Ban Tổ chức""",
)

VERIFICATION_REQUESTED = register(
    "contest.verification_requested",
    name="Đã gửi đề nghị xác minh đến địa phương",
    subject="[{{ edition.title }}] Đề nghị xác minh nhân vật trong bài {{ entry.code }}",
    body="""Kính gửi {{ entry.author_name }},

Ban Tổ chức đã gửi văn bản số {{ verification.letter_number }} ngày {{ verification.letter_date|date:"d/m/Y" }}
đề nghị {{ verification.locality }} xác nhận nhân vật "{{ entry.subject_name }}" trong bài dự thi {{ entry.code }}.

Trân trọng,
Ban Tổ chức""",
)

PRIZE = register(
    "contest.prize",
    name="Thông báo đạt giải",
    subject="[{{ edition.title }}] Bài {{ entry.code }} đạt {{ award.tier.name }}",
    body="""Kính gửi {{ entry.author_name }},

Ban Tổ chức trân trọng thông báo bài dự thi {{ entry.code }} "{{ entry.title }}" đạt {{ award.tier.name }}
cuộc thi "{{ edition.title }}".

Kết quả chung cuộc: {{ results_link }}

Trân trọng,
Ban Tổ chức""",
)

PUBLICATION = register(
    "contest.publication",
    name="Thông báo đăng bài thành câu chuyện gương điển hình",
    subject="[{{ edition.title }}] Bài {{ entry.code }} được đăng trên trang gương điển hình",
    body="""Kính gửi {{ entry.author_name }},

Bài viết "{{ entry.title }}" của bạn đã được đăng thành câu chuyện gương điển hình:
{{ story_link }}

Trân trọng,
Ban Tổ chức""",
)

JUDGE_ASSIGNMENT = register(
    "contest.judge_assignment",
    name="Phân công chấm bài cho giám khảo",
    subject="[{{ edition.title }}] Phân công chấm {{ count }} bài — {{ round.name }}",
    body="""Kính gửi {{ judge_name }},

Ban Tổ chức đã phân công bạn chấm {{ count }} bài dự thi ở {{ round.name }}.
Hạn chấm: {{ round.closes_on|date:"d/m/Y" }}.

Vào trang chấm bài: {{ link }}

Trân trọng,
Ban Tổ chức""",
)

JUDGE_REMINDER = register(
    "contest.judge_reminder",
    name="Nhắc giám khảo hoàn thành chấm bài",
    subject="[{{ edition.title }}] Còn {{ remaining }} bài chưa chấm — {{ round.name }}",
    body="""Kính gửi {{ judge_name }},

Bạn còn {{ remaining }} bài chưa chấm xong ở {{ round.name }};
vòng chấm kết thúc ngày {{ round.closes_on|date:"d/m/Y" }}.

Vào trang chấm bài: {{ link }}

Trân trọng,
Ban Tổ chức""",
)
