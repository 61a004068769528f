"""The upload form of a new edition (YAML or XLSX)."""

from __future__ import annotations

from collections.abc import Sequence

from django import forms

MAX_UPLOAD = 10 * 1024 * 1024


class UploadForm(forms.Form):
    file = forms.FileField(label="ไฟล์กรอบการประเมิน (.xlsx หรือ .yaml)",
                           help_text="ส่งออกกรอบที่มีอยู่เป็น XLSX เพื่อใช้เป็นต้นแบบ แก้ไข แล้วนำเข้าที่นี่")
    derived_from = forms.ChoiceField(label="เปรียบเทียบกับกรอบ", required=False,
                                     help_text="กรอบที่ฉบับนี้ปรับมาจาก เว้นว่าง = ฉบับล่าสุดของรหัสเดียวกัน "
                                               "หรือกรอบก่อนหน้า (previous)")
    note = forms.CharField(label="บันทึกการเปลี่ยนแปลง", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="เช่น ปรับตามคู่มือ ป.ป.ช. ฉบับวันที่ … (บันทึกไว้กับฉบับนี้และในประวัติการดำเนินการ)")

    def __init__(self, *args, choices: Sequence[tuple[str, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["derived_from"].choices = [("", "อัตโนมัติ")] + list(choices)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError("ไฟล์ใหญ่เกิน 10 MB")
        name = upload.name.lower()
        if not name.endswith((".xlsx", ".yaml", ".yml")):
            raise forms.ValidationError("รับเฉพาะไฟล์ .xlsx หรือ .yaml")
        return upload


class ReplaceForm(forms.Form):
    file = forms.FileField(label="ไฟล์ที่แก้ไขแล้ว (.xlsx หรือ .yaml)")

    def clean_file(self):
        return UploadForm.clean_file(self)
