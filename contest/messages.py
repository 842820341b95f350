"""The contest's e-mails, registered with the outbox with their default Vietnamese text (organisers edit them).

Judges' messages get counts, the round and a link, never an entry: an organiser's edit cannot put an author's name
into them (blind judging). The vote confirmation holds a one-time code, so it is a secret kind.
"""

from outbox.registry import register

ENTRY = {"entry": "bài dự thi (entry.code, entry.title, entry.author_name)", "edition": "đợt thi (edition.title)"}
JUDGE = {
    "judge_name": "tên giám khảo",
    "round": "vòng chấm (round.name, round.closes_on)",
    "edition": "đợt thi (edition.title)",
    "link": "trang chấm bài",
}

RECEIPT = register(
    "contest.receipt",
    name="Xác nhận đã nhận bài dự thi",
    subject="[{{ edition.title }}] Đã nhận bài dự thi {{ entry.code }}",
    body="""Kính gửi {{ entry.author_name }},

Ban Tổ chức cuộc thi "{{ edition.title }}" đã nhận được bài dự thi "{{ entry.title }}" của bạn.

Mã bài: {{ entry.code }}

Đường dẫn riêng của bạn (hãy giữ kín: ai có đường dẫn này đều có thể sửa hoặc rút bài):
{{ link }}

Bạn có thể sửa hoặc rút bài đến {{ edition.submissions_close|date:"d/m/Y H:i" }}.

Trân trọng,
Ban Tổ chức""",
    variables={**ENTRY, "link": "đường dẫn riêng để theo dõi, sửa, rút bài"},
)

AMENDED = register(
    "contest.amended",
    name="Xác nhận đã sửa bài dự thi",
    subject="[{{ edition.title }}] Đã sửa bài dự thi {{ entry.code }}",
    body="""Kính gửi {{ entry.author_name }},

Bài dự thi {{ entry.code }} "{{ entry.title }}" của bạn đã được sửa; đây là phiên bản {{ version }}.
Nếu không phải bạn sửa, hãy liên hệ ngay với Ban Tổ chức.

Trân trọng,
Ban Tổ chức""",
    variables={**ENTRY, "version": "số phiên bản"},
)

WITHDRAWN = register(
    "contest.withdrawn",
    name="Xác nhận đã rút bài dự thi",
    subject="[{{ edition.title }}] Đã rút bài dự thi {{ entry.code }}",
    body="""Kính gửi {{ entry.author_name }},

Bài dự thi {{ entry.code }} "{{ entry.title }}" của bạn đã được rút và sẽ không được chấm.

Trân trọng,
Ban Tổ chức""",
    variables=ENTRY,
)

SCREENING = register(
    "contest.screening",
    name="Kết quả sơ duyệt bài dự thi",
    subject="[{{ edition.title }}] Bài {{ entry.code }} {% if eligible %}hợp lệ{% else %}không hợp lệ{% endif %}",
    body="""Kính gửi {{ entry.author_name }},

{% if eligible %}Ban Tổ chức đã sơ duyệt bài {{ entry.code }} "{{ entry.title }}": bài hợp lệ và được chuyển tới
Ban Giám khảo.{% else %}Ban Tổ chức đã sơ duyệt bài {{ entry.code }} "{{ entry.title }}": bài không đáp ứng thể lệ
và sẽ không được chấm.

Lý do: {{ reason }}{% endif %}

Bạn có thể xem trạng thái bài bất cứ lúc nào qua đường dẫn riêng trong thư biên nhận.

Trân trọng,
Ban Tổ chức""",
    variables={**ENTRY, "eligible": "đúng khi bài hợp lệ", "reason": "lý do không hợp lệ"},
)

ROUND_RESULT = register(
    "contest.round_result",
    name="Kết quả vòng chấm",
    subject="[{{ edition.title }}] Kết quả {{ round.name }} — bài {{ entry.code }}",
    body="""Kính gửi {{ entry.author_name }},

Ban Giám khảo đã hoàn thành {{ round.name }}. Bài {{ entry.code }} "{{ entry.title }}":
{% if advances %}bài của bạn được chọn vào {{ next_round.name }}.{% else %}bài của bạn không được chọn vào vòng sau.
Cảm ơn bạn đã tham gia cuộc thi.{% endif %}

Trân trọng,
Ban Tổ chức""",
    variables={
        **ENTRY,
        "round": "vòng vừa chấm (round.name)",
        "advances": "đúng khi bài được chọn vào vòng sau",
        "next_round": "vòng sau (next_round.name)",
    },
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
    variables={**ENTRY, "round": "vòng vừa chấm (round.name)"},
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
    variables={**ENTRY, "verification": "văn bản đề nghị (letter_number, letter_date, locality)"},
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
    variables={**ENTRY, "award": "giải (award.tier.name)", "results_link": "trang kết quả"},
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
    variables={**ENTRY, "story_link": "địa chỉ câu chuyện đã đăng"},
)

JUDGE_ASSIGNMENT = register(
    "contest.judge_assignment",
    name="Phân công chấm bài cho giám khảo",
    subject="[{{ edition.title }}] Phân công chấm {{ count }} bài — {{ round.name }}",
    body="""Kính gửi {{ judge_name }},

Ban Tổ chức đã phân công ông/bà chấm {{ count }} bài dự thi ở {{ round.name }}.
Hạn chấm: {{ round.closes_on|date:"d/m/Y" }}.

Vào trang chấm bài: {{ link }}

Trân trọng,
Ban Tổ chức""",
    variables={**JUDGE, "count": "số bài được phân công"},
)

JUDGE_REMINDER = register(
    "contest.judge_reminder",
    name="Nhắc giám khảo hoàn thành chấm bài",
    subject="[{{ edition.title }}] Nhắc việc: còn {{ remaining }} bài chưa chấm ở {{ round.name }}",
    body="""Kính gửi {{ judge_name }},

{{ round.name }} ({{ edition.title }}) kết thúc chấm vào ngày {{ round.closes_on|date:"d/m/Y" }}.
Ông/bà đã nộp {{ done }} trên {{ total }} phiếu chấm; còn {{ remaining }} phiếu.

Danh sách bài của ông/bà: {{ link }}

Trân trọng,
Ban Tổ chức""",
    variables={**JUDGE, "remaining": "số phiếu còn lại", "done": "số phiếu đã nộp", "total": "tổng số phiếu"},
)

VOTE_CONFIRMATION = register(
    "contest.vote_confirmation",
    name="Xác nhận bình chọn của bạn đọc",
    subject="[{{ edition.title }}] Xác nhận bình chọn",
    body="""Xin chào,

Có người (chúng tôi mong là bạn) đã dùng địa chỉ e-mail này để bình chọn cho bài dự thi "{{ entry.title }}".

Để xác nhận phiếu bình chọn, hãy mở liên kết sau:
{{ link }}

hoặc nhập mã này tại trang bạn đã bình chọn: {{ code }}

Liên kết và mã chỉ dùng được một lần và hết hạn sau {{ minutes }} phút.
Nếu bạn không yêu cầu, hãy bỏ qua e-mail này: không có phiếu nào được tính khi chưa xác nhận.

Ban Tổ chức cuộc thi "{{ edition.title }}\"""",
    variables={
        "entry": "bài được bình chọn (entry.title)",
        "edition": "đợt thi (edition.title)",
        "link": "liên kết xác nhận dùng một lần",
        "code": "mã 6 chữ số",
        "minutes": "số phút trước khi hết hạn",
    },
    secret=True,
)
