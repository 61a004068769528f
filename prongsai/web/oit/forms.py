"""Forms of the OIT pages.  They parse and give Thai messages; the rules live in the services."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from prongsai.web.messages import error_texts
from prongsai.web.oit.common import clean_url
from prongsai.web.oit.uploads import ALLOWED_TEXT, check_upload, max_upload_text
from prongsai.web.thaidate import ThaiDateField


class LinkForm(forms.Form):
    url = forms.CharField(label="ลิงก์ (URL)", max_length=2000, error_messages={"required": "กรุณาใส่ลิงก์ (URL)"},
                          widget=forms.URLInput(attrs={"placeholder": "https://www.example.go.th/ita/o1",
                                                       "inputmode": "url", "autocomplete": "url"}))
    label = forms.CharField(label="คำอธิบาย", max_length=500, required=False,
                            help_text="อธิบายสั้น ๆ ว่าลิงก์นี้แสดงข้อมูลอะไร ตรงกับข้อกำหนดส่วนใด")
    is_public = forms.BooleanField(label="แสดงลิงก์นี้บนหน้าเปิดเผยข้อมูลสาธารณะ", required=False, initial=True)

    def clean_url(self):
        return clean_url(self.cleaned_data.get("url", ""))


class UploadForm(forms.Form):
    file = forms.FileField(label="ไฟล์", error_messages={"required": "กรุณาเลือกไฟล์ที่จะอัปโหลด",
                                                        "empty": "ไฟล์ว่างเปล่า กรุณาเลือกไฟล์ใหม่"},
                           help_text=f"รับ {ALLOWED_TEXT} ขนาดไม่เกิน {max_upload_text()}",
                           widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.png,.jpg,.jpeg"}))
    label = forms.CharField(label="คำอธิบาย", max_length=500, required=False)
    is_public = forms.BooleanField(label="เผยแพร่ไฟล์นี้บนหน้าเปิดเผยข้อมูลสาธารณะ", required=False, initial=False,
                                   help_text="ไฟล์ที่ไม่ได้เลือกข้อนี้ เห็นได้เฉพาะผู้มีสิทธิ์ในระบบ")

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        check_upload(uploaded)  # raises a Thai ValidationError; the service checks again before storing
        return uploaded


class NoteForm(forms.Form):
    note = forms.CharField(label="คำอธิบายของหน่วยงาน", required=False, max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class UnitForm(forms.Form):
    unit = forms.ModelChoiceField(label="กลุ่ม/หน่วยที่รับผิดชอบ", queryset=None, required=False,
                                  empty_label="— ยังไม่มอบหมาย —")

    def __init__(self, *args, agency=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = agency.units.all() if agency is not None else None


class ClarificationForm(forms.Form):
    text = forms.CharField(label="คำชี้แจงเพิ่มเติม", max_length=5000,
                           error_messages={"required": "กรุณาเขียนคำชี้แจงตอบความเห็นของผู้ตรวจ"},
                           widget=forms.Textarea(attrs={"rows": 4}))


class ReviewForm(forms.Form):
    """The judgement, shaped by the item's scoring method (pass_fail / elements / percent)."""

    passed = forms.TypedChoiceField(label="ผลการตรวจ", required=False, coerce=lambda v: v == "1",
                                    choices=[("1", "ผ่าน (100 คะแนน)"), ("0", "ไม่ผ่าน (0 คะแนน)")],
                                    widget=forms.RadioSelect, empty_value=None)
    elements = forms.MultipleChoiceField(label="องค์ประกอบที่ครบถ้วน", required=False,
                                         widget=forms.CheckboxSelectMultiple)
    score = forms.DecimalField(label="คะแนน (0–100)", required=False, min_value=0, max_value=100, decimal_places=2,
                               error_messages={"invalid": "คะแนนต้องเป็นตัวเลข 0–100",
                                               "min_value": "คะแนนต้องไม่ต่ำกว่า 0",
                                               "max_value": "คะแนนต้องไม่เกิน 100",
                                               "max_decimal_places": "คะแนนมีทศนิยมได้ไม่เกิน 2 ตำแหน่ง"})
    comment = forms.CharField(label="ความเห็นของผู้ตรวจ", required=False, max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    reason = forms.CharField(label="เหตุผลการแก้ไขผลที่ยืนยันแล้ว", required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, item=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item
        if item is not None:
            self.fields["elements"].choices = [(e.code, f"{e.code}. {e.text}") for e in item.elements]
            if item.method != "pass_fail" or item.elements:
                del self.fields["passed"]
            if not item.elements:
                del self.fields["elements"]
            if item.method != "percent":
                del self.fields["score"]

    def judgement(self) -> dict:
        data = self.cleaned_data
        out = {"comment": data.get("comment", ""), "reason": data.get("reason", "")}
        if "elements" in self.fields:
            out["elements"] = list(data.get("elements") or [])
        if "passed" in self.fields:
            out["passed"] = data.get("passed")
        if "score" in self.fields:
            out["score"] = data.get("score")
        return out


class OpenClarificationForm(forms.Form):
    deadline = ThaiDateField(label="ชี้แจงได้ถึงวันที่",
                              error_messages={"required": "กรุณาระบุวันสิ้นสุดการชี้แจง"})
    note = forms.CharField(label="หมายเหตุถึงหน่วยงาน", required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class AssignForm(forms.Form):
    agency = forms.ModelChoiceField(label="หน่วยงาน", queryset=None, to_field_name="code",
                                    error_messages={"required": "เลือกหน่วยงาน",
                                                    "invalid_choice": "ไม่พบหน่วยงานนี้"})
    assessor = forms.ModelChoiceField(label="ผู้ตรวจประเมิน", queryset=None,
                                      error_messages={"required": "เลือกผู้ตรวจประเมิน",
                                                      "invalid_choice": "ไม่พบผู้ตรวจประเมินนี้"})

    def __init__(self, *args, agencies=None, assessors=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["assessor"].queryset = assessors
        self.fields["assessor"].label_from_instance = lambda u: (
            f"{u.person.full_name_th} ({u.get_username()})" if hasattr(u, "person") else u.get_username())


def first_error(exc: ValidationError) -> str:
    return error_texts(exc)[0]
