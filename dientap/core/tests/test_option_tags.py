"""One way to write a long <select> fast: option_tags() and QuickSelect."""

from django import forms

from dientap.core.forms import QuickSelect, option_tags


def test_option_tags_escape_and_mark_the_chosen_value():
    html = option_tags([(1, "Công an tỉnh"), (2, '<b>"Tỉnh ủy"</b>'), ("", "Tất cả")], "2")
    assert html == ('<option value="1">Công an tỉnh</option>'
                    '<option value="2" selected>&lt;b&gt;&quot;Tỉnh ủy&quot;&lt;/b&gt;</option>'
                    '<option value="">Tất cả</option>')
    assert " selected" not in option_tags([(1, "a"), (2, "b")], None)


def test_quick_select_renders_like_a_select_with_its_attributes():
    class F(forms.Form):
        body = forms.ChoiceField(choices=[("", "—"), ("7", "UBND")], widget=QuickSelect,
                                 required=False)

    html = str(F(data={"body": "7"})["body"])
    assert html == ('<select name="body" id="id_body"><option value="">—</option>'
                    '<option value="7" selected>UBND</option></select>')
