"""Names vulture cannot see used: frameworks and libraries read them by name. Vulture's whitelist format (each
`_.name` marks `name` as used); tests/unit/test_no_dead_code.py passes it with the options it uses, which also
ignore whole groups by pattern (FastAPI routes, pydantic validators, uvicorn's app factories). Nothing imports it.

Add a name here only with the reason it is used; code no one calls is deleted instead (issue 20).
"""


class _Names:
    def __getattr__(self, _name: str) -> "_Names":
        return self


_ = _Names()

# Read by the Jinja templates (shared/web/templates/sipelkop/layout.html, error pages, verifikasi.html).
_.AGENCY
_.PROVINCE
_.PRODUCT
_.PRODUCT_LONG
_.HOME
_.SIGN_IN_AGAIN
_.OTHER_ACCOUNT
_.REFERENCE
_.TIMES_NOTE

# Fields of pydantic response models: FastAPI serialises them into the JSON answers, and the page templates read
# them (identity's token answer, registration's and training's schemas*.py, training's audit page entries).
_.access_token
_.token_type
_.active_count
_.district_seats_left
_.enrollment_refused
_.members_total
_.progress_percent
_.seats_left
_.untrained_count
_.waitlist_position
_.confirmed
_.declined
_.unanswered
_.has_email
_.email_status
_.email_attempts
_.email_error
_.total_planned
_.total_realised
_.trainer_name
_.cancel_reason
_.batch_finished
_.certificate_status
_.certificates_issued
_.corrections
_.sessions_completed
_.sessions_total
_.previous_note
_.previous_by
_.previous_marked_at
_.narasumber_mean
_.narasumber_answers
_.bank_name
_.bank_account
_.kind_label
_.thumbnail_url
_.aims
_.conclusions
_.sentence

# Fields of the event contracts (shared/events): serialised into every published event, held against their
# snapshots; consumers outside this tree read them. specversion/datacontenttype: CloudEvents metadata.
_.specversion
_.datacontenttype
_.display_name
_.enrolled_at
_.hadir
_.terlambat
_.izin
_.sakit
_.alpa

# Placeholders of the invitation and reminder texts (services/registration/data/pesan.json): string.Template
# substitutes asdict(MessageFacts) by name.
_.nama
_.judul
_.tempat
_.tautan

# ORM columns written for the record (who closed, revoked, uploaded, when a mail went out) and read by no code
# yet: in the migrations, so they stay; reading them is for operators and the audit.
_.actor_id
_.last_sign_in_at
_.sent_at
_.closed_by
_.completed_by
_.decided_at
_.revoked_by
_.uploaded_by

# Set on library objects that read them when writing the file: openpyxl cells and sheets, python-docx paragraphs,
# fonts and sections, Jinja's environment.
_.alignment
_.number_format
_.freeze_panes
_.data_type
_.quotePrefix
_.space_after
_.underline
_.rgb
_.page_height
_.page_width
_.left_margin
_.right_margin
_.top_margin
_.bottom_margin
_.loader

# Hooks a library calls: fpdf's FPDF.footer on every page (shared/pdf.py).
_.footer

# Fields of reporting's response models (services/reporting/schemas.py): the JSON answers of /reports/*, read by the
# ministry's clients, the dashboard's templates and the exports.
_.participants_enrolled
_.participants_enrolled_men
_.participants_enrolled_women
_.participants_waitlisted
_.participants_attending
_.participants_completed
_.participants_completed_men
_.participants_completed_women
_.participants_not_completed
_.completion_rate
_.attendance_rate
_.real_sector_share
_.remaining
_.absorption
_.cost_per_completer
_.cost_per_cooperative
_.completers_in_closed_batches
_.cooperatives_in_closed_batches
_.coverage
_.umk_participants_enrolled
_.umk_participants_completed
_.batches_scheduled
_.batches_closed
_.batches_cancelled
_.improved_share
_.realised_by_quarter
_.participants_with_pre
_.participants_with_post
_.participants_with_both
_.participants_improved
_.batches_scored
_.mean_penyelenggaraan
_.mean_sarana
_.mean_materi
_.mean_narasumber
_.narasumber_count
_.batches_evaluated
_.absorption_cumulative
_.quarter_rule
_.district_rule
_.inactive
_.active_share
_.members_men
_.members_women
_.grade_a
_.grade_b
_.grade_c1
_.grade_c2
_.grade_d
_.grade_none
_.active_not_trained
_.rat_note
