"""Checks a command makes before it touches the data folder or the database, so that an operator's mistake gets a
one-paragraph answer in English and Thai (exit status 2), never a traceback.

- the data folder (``PRONGSAI_DATA``) must exist or be creatable, and be writable (a read-only mount, a folder
  owned by another account);
- the database must exist and be migrated before a command that reads it (``prongsai documents`` against an empty
  data folder used to create an empty SQLite file and fail with "no such table").
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class PreflightError(Exception):
    """The message is shown as it is (the CLI prints it and exits with status 2)."""


def data_dir_problem(path: Path) -> str | None:
    """None when ``path`` can hold the data, else why not."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return f"cannot create it ({exc.strerror or exc})"
    if not path.is_dir():
        return "it is not a folder"
    try:
        with tempfile.NamedTemporaryFile(dir=path, prefix=".prongsai-write-test-"):
            pass
    except OSError as exc:
        return f"cannot write into it ({exc.strerror or exc})"
    return None


def check_data_dir(path: Path) -> None:
    problem = data_dir_problem(path)
    if problem:
        raise PreflightError(
            f"the data folder {path} is not usable: {problem}.  Prongsai keeps its SQLite database, uploaded "
            f"evidence and generated documents there.  Make it writable by the account that runs Prongsai "
            f"(for example: chown -R prongsai: {path}), or choose another folder with PRONGSAI_DATA.\n"
            f"ใช้โฟลเดอร์ข้อมูล {path} ไม่ได้ ({problem}) ระบบเก็บฐานข้อมูล SQLite ไฟล์หลักฐาน และเอกสารที่สร้างไว้"
            f"ในโฟลเดอร์นี้ กรุณาให้สิทธิ์เขียนแก่บัญชีผู้ใช้ที่รันระบบ หรือกำหนดโฟลเดอร์อื่นด้วย PRONGSAI_DATA")


def check_database() -> None:
    """The configured database exists, answers and has every migration applied."""
    from django.db import DatabaseError, connection
    from django.db.migrations.executor import MigrationExecutor

    fix_en = ("Run 'prongsai manage migrate' (or 'prongsai serve', which migrates) and 'prongsai createadmin NAME' "
              "to set up a new installation, 'prongsai restore FILE' to bring back a backup, or point "
              "PRONGSAI_DATA / DATABASE_URL at the installation you meant.")
    fix_th = ("ติดตั้งใหม่: สั่ง prongsai manage migrate แล้ว prongsai createadmin ชื่อผู้ใช้ · กู้คืนจากไฟล์สำรอง: "
              "prongsai restore ไฟล์ · หรือกำหนด PRONGSAI_DATA / DATABASE_URL ให้ชี้ไปยังระบบที่ต้องการ")
    if connection.vendor == "sqlite" and not connection.is_in_memory_db():
        path = Path(connection.settings_dict["NAME"])
        if not path.exists() or path.stat().st_size == 0:
            raise PreflightError(f"there is no Prongsai database in {path.parent} ({path.name} is missing).  "
                                 f"{fix_en}\nไม่พบฐานข้อมูลของระบบใน {path.parent} {fix_th}")
        if not os.access(path, os.R_OK | os.W_OK):
            raise PreflightError(f"the database {path} cannot be read and written by this account.  Run Prongsai as "
                                 f"the account that owns it.\nบัญชีผู้ใช้นี้อ่านหรือเขียนฐานข้อมูล {path} ไม่ได้ "
                                 f"กรุณารันระบบด้วยบัญชีที่เป็นเจ้าของไฟล์")
    where = (connection.settings_dict["NAME"] if connection.vendor == "sqlite" else
             f"PostgreSQL database '{connection.settings_dict['NAME']}' on "
             f"{connection.settings_dict.get('HOST') or 'localhost'}:{connection.settings_dict.get('PORT') or 5432}")
    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        empty = not executor.loader.applied_migrations
    except DatabaseError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise PreflightError(f"cannot open the {where}: {first}.  Check that the server runs and DATABASE_URL is "
                             f"right.  {fix_en}\nเปิดฐานข้อมูลไม่ได้ ({where}): ตรวจสอบว่าเซิร์ฟเวอร์ทำงานอยู่และ "
                             f"DATABASE_URL ถูกต้อง {fix_th}") from None
    if empty:
        raise PreflightError(f"the {where} is empty (no Prongsai tables).  {fix_en}\n"
                             f"ฐานข้อมูล {where} ยังว่างอยู่ (ไม่มีตารางของระบบ) {fix_th}")
    if pending:
        raise PreflightError(f"the {where} needs {len(pending)} migration(s) of this version of Prongsai: run "
                             f"'prongsai manage migrate' first (docs/operations.md, Upgrade).\n"
                             f"ฐานข้อมูลต้องปรับโครงสร้างให้ตรงกับรุ่นนี้ก่อน ({len(pending)} รายการ): "
                             f"สั่ง prongsai manage migrate")
