from dientap.core.text import fold, initials, person_sort_key, split_name, text_sort_key


def test_fold_removes_tones_and_letter_marks():
    assert fold("Chẩu Văn Lâm") == "chau van lam"
    assert fold("ĐẢNG ỦY Quân sự") == "dang uy quan su"
    assert fold("  Lê   Thị Kim  Dung ") == "le thi kim dung"


def test_initials_of_a_body_name():
    assert initials("Ủy ban nhân dân tỉnh") == "ubndt"
    assert initials("Hội đồng nhân dân") == "hdnd"


def test_split_name():
    assert split_name("Lê Thị Kim Dung") == ("Lê", "Thị Kim", "Dung")
    assert split_name("Lâm") == ("", "", "Lâm")


def _sorted(names):
    return sorted(names, key=lambda n: person_sort_key(*split_name(n)))


def test_people_sort_by_given_name_then_family_name():
    names = ["Chẩu Văn Lâm", "Lê Thị Kim Dung", "Nguyễn Văn An", "Trần Văn An", "Bùi Văn Lâm"]
    assert _sorted(names) == [
        "Nguyễn Văn An", "Trần Văn An", "Lê Thị Kim Dung", "Bùi Văn Lâm", "Chẩu Văn Lâm",
    ]


def test_vietnamese_alphabet_order():
    # a < ă < â; d < đ; o < ô < ơ; u < ư (not the byte order of the code points)
    assert _sorted(["Lê Ân", "Lê Anh", "Lê Ăn"]) == ["Lê Anh", "Lê Ăn", "Lê Ân"]
    assert _sorted(["Lê Đức", "Lê Dũng", "Lê Duy"]) == ["Lê Dũng", "Lê Duy", "Lê Đức"]
    assert _sorted(["Lê Ơn", "Lê Ông", "Lê Oanh"]) == ["Lê Oanh", "Lê Ông", "Lê Ơn"]


def test_tones_order_after_letters():
    # Same letters: none < huyền < hỏi < ngã < sắc < nặng
    names = ["Lê Mạ", "Lê Má", "Lê Mã", "Lê Mả", "Lê Mà", "Lê Ma"]
    assert _sorted(names) == ["Lê Ma", "Lê Mà", "Lê Mả", "Lê Mã", "Lê Má", "Lê Mạ"]
    # Letters decide before tones: "Mà" < "Mai" although "Mai" has no tone
    assert _sorted(["Lê Mai", "Lê Mà"]) == ["Lê Mà", "Lê Mai"]


def test_keys_are_digits_only_so_every_database_orders_them_alike():
    key = person_sort_key("Chẩu", "Văn", "Lâm")
    assert key.isdigit()
    assert text_sort_key("Ủy ban").isdigit()
