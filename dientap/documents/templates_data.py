"""Shipped register templates: the typical document set of a provincial exercise
(EXERCISE-SKELETON.md, "Document set"). Data, not code: every entry stays editable once
copied into an exercise's register.

Each document names its drafter by a body kind and, when several bodies share that kind,
words that the body's name contains (matched without accents). ``due`` is the number of
days before the exercise's start date; ``classification`` 0-3 (none, Mật, Tối mật, Tuyệt
mật).
"""

from django.utils.translation import gettext_lazy as _

TEMPLATES = {
    "provincial": {
        "name": _("Provincial defence-zone exercise: typical document set"),
        "documents": [
            {"title": "Ý định diễn tập khu vực phòng thủ tỉnh", "type": "intention",
             "owner": ("military", "quan su"), "classification": 1, "due": 150},
            {"title": "Kế hoạch diễn tập khu vực phòng thủ tỉnh", "type": "plan",
             "owner": ("military", "quan su"), "classification": 1, "due": 120},
            {"title": "Hướng dẫn diễn tập khu vực phòng thủ tỉnh", "type": "guidance",
             "owner": ("military", "quan su"), "classification": 0, "due": 110},
            {"title": "Kế hoạch đạo diễn diễn tập", "type": "plan",
             "owner": ("military", "quan su"), "classification": 1, "due": 90},
            {"title": "Đề cương kịch bản và hệ thống tình huống diễn tập", "type": "script",
             "owner": ("military", "quan su"), "classification": 2, "due": 90},
            {"title": "Về việc thành lập Ban Chỉ đạo diễn tập khu vực phòng thủ tỉnh",
             "type": "decision", "owner": ("party", "tinh uy"), "classification": 0,
             "due": 160},
            {"title": "Về việc thành lập Ban Tổ chức, Ban Đạo diễn diễn tập khu vực phòng thủ "
                      "tỉnh", "type": "decision", "owner": ("committee", ""),
             "classification": 0, "due": 150},
            {"title": "Về lãnh đạo chuyển địa phương sang thời chiến", "type": "resolution",
             "owner": ("party", "ban chap hanh"), "classification": 1, "due": 30},
            {"title": "Thông qua Quyết tâm tác chiến phòng thủ tỉnh", "type": "resolution",
             "owner": ("party", "ban thuong vu"), "classification": 1, "due": 30},
            {"title": "Thông qua Quyết tâm tác chiến phòng thủ điều chỉnh của Chỉ huy trưởng "
                      "Bộ Chỉ huy Quân sự tỉnh", "type": "resolution",
             "owner": ("party", "quan su"), "classification": 1, "due": 30},
            {"title": "Về chuyển địa phương sang thời chiến", "type": "resolution",
             "owner": ("council", ""), "classification": 1, "due": 30},
            {"title": "Về việc triển khai chuyển địa phương sang thời chiến",
             "type": "decision", "owner": ("committee", ""), "classification": 1, "due": 30},
            {"title": "Kế hoạch động viên, sơ tán và phòng thủ dân sự", "type": "plan",
             "owner": ("committee", ""), "classification": 1, "due": 30},
            {"title": "Quyết tâm tác chiến phòng thủ tỉnh", "type": "defence_decision",
             "owner": ("military", "quan su"), "classification": 2, "due": 30},
            {"title": "Kế hoạch cơ động lực lượng", "type": "plan",
             "owner": ("military", "quan su"), "classification": 2, "due": 30},
            {"title": "Mệnh lệnh chiến đấu", "type": "order",
             "owner": ("military", "quan su"), "classification": 2, "due": 20},
            {"title": "Kế hoạch bảo vệ an ninh chính trị, trật tự an toàn xã hội",
             "type": "plan", "owner": ("police", ""), "classification": 1, "due": 30},
            {"title": "Kế hoạch A2", "type": "plan", "owner": ("police", ""),
             "classification": 2, "due": 30},
            {"title": "Kế hoạch bảo vệ biên giới", "type": "plan",
             "owner": ("border_guard", ""), "classification": 1, "due": 30},
            {"title": "Kế hoạch bảo đảm hậu cần, cung cấp thời chiến", "type": "plan",
             "owner": ("special_council", "cung cap"), "classification": 1, "due": 30},
            {"title": "Báo cáo rút kinh nghiệm luyện tập", "type": "report",
             "owner": ("military", "quan su"), "classification": 0, "due": 0},
            {"title": "Báo cáo tổng kết diễn tập", "type": "report",
             "owner": ("military", "quan su"), "classification": 0, "due": -30},
        ],
    },
}


def choices():
    return [(key, value["name"]) for key, value in TEMPLATES.items()]
