-- F, A (rules.yaml `check: reader`): what the reader detected in this run, as check rows for GX.
-- The reader (intake, read, land, normalize) finds these while taking a file in and converting
-- its cells (ID check characters, dates, codes: not expressible as SQL over typed columns) and
-- records them in `finding`; here they become bad rows of the layers `files` and `sender_rows`,
-- and GX decides which stand (validate.run_reader_checks). `rule` is the base rule id: the
-- caller takes one rule's rows and drops the column.
-- A file-level finding (no row: F1-F10, A4) is keyed to its file, a row-level one (A1-A9) to its
-- landed row.
SELECT split_part(f.rule, '.', 1) AS rule,
       CASE WHEN f.row IS NULL THEN 'file:' || f.file_hash || ':' || f.file_name ELSE r.row_uid END AS row_uid,
       f.office, f.file_name, f.file_hash, f.sheet, f.row, f.column_name, f.value, f.household_id, f.person_id,
       f.message AS detail
FROM finding f
LEFT JOIN landed_row r ON f.row IS NOT NULL AND r.file_hash = f.file_hash AND r.sheet = f.sheet AND r.row = f.row
WHERE f.run_id = (SELECT run_id FROM run_context)
  AND regexp_matches(f.rule, '^[FA]')
