"""``AuditAction``: every action an audit entry may carry, as one enum.

The values are the strings stored since the first release, so existing rows stay valid; a service passes a member,
never a bare string, and ``record`` refuses anything else (a typo would otherwise write an action no filter finds).
A new service adds its member here, in the group of its app.
"""

from __future__ import annotations

from enum import StrEnum


class AuditAction(StrEnum):
    # agencies and people
    CREATE_AGENCY = "create_agency"
    UPDATE_AGENCY = "update_agency"
    MOVE_AGENCY = "move_agency"
    CREATE_UNIT = "create_unit"
    RENAME_UNIT = "rename_unit"
    DELETE_UNIT = "delete_unit"
    ADD_PERSON = "add_person"
    GRANT_ROLE = "grant_role"
    REVOKE_ROLE = "revoke_role"
    SET_PASSWORD = "set_password"
    CREATEADMIN = "createadmin"
    IMPORT_AGENCIES = "import_agencies"
    IMPORT_PEOPLE = "import_people"
    CHANGE_OWN_PASSWORD = "change_own_password"
    ISSUE_API_TOKEN = "issue_api_token"
    REVOKE_API_TOKEN = "revoke_api_token"
    # framework editions
    UPLOAD_EDITION = "upload_edition"
    REPLACE_EDITION_DRAFT = "replace_edition_draft"
    ACTIVATE_EDITION = "activate_edition"
    DISCARD_EDITION_DRAFT = "discard_edition_draft"
    RETIRE_EDITION = "retire_edition"
    # rounds and results
    CREATE_ROUND = "create_round"
    SET_ROUND_STATUS = "set_round_status"
    MOVE_ROUND_EDITION = "move_round_edition"
    PUBLISH_RESULTS = "publish_results"
    IMPORT_OFFICIAL_RESULTS = "import_official_results"
    # OIT evidence and review
    ADD_OIT_LINK = "add_oit_link"
    REMOVE_OIT_LINK = "remove_oit_link"
    UPLOAD_OIT_FILE = "upload_oit_file"
    REMOVE_OIT_FILE = "remove_oit_file"
    UPDATE_OIT_NOTE = "update_oit_note"
    ASSIGN_OIT_UNIT = "assign_oit_unit"
    SET_OIT_READY = "set_oit_ready"
    SET_OIT_DRAFT = "set_oit_draft"
    SUBMIT_OIT_ITEMS = "submit_oit_items"
    REQUEST_OIT_RECHECK = "request_oit_recheck"
    RECORD_LINK_CHECK = "record_link_check"
    CARRY_OVER_OIT_EVIDENCE = "carry_over_oit_evidence"
    ASSIGN_ASSESSOR = "assign_assessor"
    UNASSIGN_ASSESSOR = "unassign_assessor"
    RECORD_OIT_REVIEW = "record_oit_review"
    OPEN_OIT_CLARIFICATION = "open_oit_clarification"
    SUBMIT_OIT_CLARIFICATION = "submit_oit_clarification"
    CONFIRM_OIT_REVIEW = "confirm_oit_review"
    SYNC_OIT_RESULT = "sync_oit_result"
    # committee, measures and progress reports
    SAVE_ANALYSIS_NOTE = "save_analysis_note"
    CREATE_COMMITTEE = "create_committee"
    UPDATE_COMMITTEE = "update_committee"
    ADD_COMMITTEE_MEMBER = "add_committee_member"
    UPDATE_COMMITTEE_MEMBER = "update_committee_member"
    REMOVE_COMMITTEE_MEMBER = "remove_committee_member"
    MOVE_COMMITTEE_MEMBER = "move_committee_member"
    SUGGEST_COMMITTEE = "suggest_committee"
    SET_COMMITTEE_MEMBERS = "set_committee_members"
    CREATE_MEASURE = "create_measure"
    UPDATE_MEASURE = "update_measure"
    DELETE_MEASURE = "delete_measure"
    SET_MEASURE_STATUS = "set_measure_status"
    SUBMIT_PROGRESS = "submit_progress"
    DELETE_PROGRESS_FILE = "delete_progress_file"
    # surveys
    SET_HEADCOUNTS = "set_headcounts"
    GENERATE_CODES = "generate_codes"
    REVOKE_CODE = "revoke_code"
    REVOKE_BATCH = "revoke_batch"
    SET_OPEN_LINK = "set_open_link"
    COMPUTE_SURVEY_RESULTS = "compute_survey_results"
    # documents
    SAVE_DOCUMENT_DETAILS = "save_document_details"
    UPLOAD_DOCUMENT_TEMPLATE = "upload_document_template"
    DELETE_DOCUMENT_TEMPLATE = "delete_document_template"
    GENERATE_DOCUMENTS = "generate_documents"
    START_DOCUMENT_BATCH = "start_document_batch"
    RETRY_DOCUMENT_BATCH = "retry_document_batch"
    PROPOSE_DOCUMENT = "propose_document"
    WITHDRAW_DOCUMENT = "withdraw_document"
    SEND_BACK_DOCUMENT = "send_back_document"
    APPROVE_DOCUMENT = "approve_document"
    BUILD_EVIDENCE_PACK = "build_evidence_pack"
    UPLOAD_EMBLEM = "upload_emblem"
    REMOVE_EMBLEM = "remove_emblem"
    # demo data (one marker per seeder, so a restart does not seed twice)
    LOAD_DEMO = "load_demo"
    LOAD_OIT_DEMO = "load_oit_demo"
    LOAD_MEASURES_DEMO = "load_measures_demo"
    LOAD_EDITIONS_DEMO = "load_editions_demo"
    # calendar, notifications and password reset
    SEED_ROUND_CALENDAR = "seed_round_calendar"
    UPDATE_ROUND_DEADLINE = "update_round_deadline"
    RESET_PASSWORD = "reset_password"
    # working beside ITAS
    IMPORT_ITAS_RESULTS = "import_itas_results"


#: the actions the OIT audit page lists (evidence, checks and review of one agency's items)
OIT_ACTIONS = frozenset(
    {
        AuditAction.ADD_OIT_LINK,
        AuditAction.REMOVE_OIT_LINK,
        AuditAction.UPLOAD_OIT_FILE,
        AuditAction.REMOVE_OIT_FILE,
        AuditAction.UPDATE_OIT_NOTE,
        AuditAction.ASSIGN_OIT_UNIT,
        AuditAction.SET_OIT_READY,
        AuditAction.SET_OIT_DRAFT,
        AuditAction.SUBMIT_OIT_ITEMS,
        AuditAction.REQUEST_OIT_RECHECK,
        AuditAction.RECORD_LINK_CHECK,
        AuditAction.CARRY_OVER_OIT_EVIDENCE,
        AuditAction.ASSIGN_ASSESSOR,
        AuditAction.UNASSIGN_ASSESSOR,
        AuditAction.RECORD_OIT_REVIEW,
        AuditAction.OPEN_OIT_CLARIFICATION,
        AuditAction.SUBMIT_OIT_CLARIFICATION,
        AuditAction.CONFIRM_OIT_REVIEW,
        AuditAction.SYNC_OIT_RESULT,
    }
)
