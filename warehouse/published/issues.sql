-- pub.issues: the problems open now, as analysts see them (personal numbers masked). Open = the
-- findings of this run, and those of any run on a file whose rows are in force
-- (pub.files_in_force) or on a file quarantined for the reporting month that no later file of its
-- sender and month has replaced; one row per distinct problem (the latest run's wording). The same
-- set is what the issue history (working table `issue_history`, pipelines/history.py open_sql)
-- holds open: keep the two in step. ID and mobile numbers in value, message and fix (and file and
-- sheet names) are masked (pub.mask_text); `row` is the Excel row number, `column` the header as
-- the sender wrote it.
WITH ctx AS (SELECT run_id, reporting_month FROM run_context LIMIT 1),
in_force AS (SELECT l.file_hash, l.office, l.month, l.first_seen FROM ledger l
             WHERE l.file_hash IN (SELECT file_hash FROM pub.files_in_force)),
files AS (
    SELECT file_hash FROM in_force
    UNION SELECT q.file_hash FROM ledger q, ctx
          WHERE q.status = 'quarantined' AND coalesce(q.month, ctx.reporting_month) = ctx.reporting_month
            AND NOT EXISTS (SELECT 1 FROM in_force f WHERE f.office = q.office
                            AND f.month = coalesce(q.month, ctx.reporting_month) AND f.first_seen > q.first_seen)),
open AS (
    SELECT DISTINCT ON (f.rule, f.severity, f.office, f.file_hash, f.sheet, f.row, f.column_name, f.value,
                        f.household_id, f.person_id)
           f.*
    FROM finding f, ctx
    WHERE (f.run_id = ctx.run_id OR f.file_hash IN (SELECT file_hash FROM files))
      AND regexp_matches(f.rule, '^[A-F][0-9]')   -- rules.md only; P1 contract checks stay with the data office
    ORDER BY f.rule, f.severity, f.office, f.file_hash, f.sheet, f.row, f.column_name, f.value, f.household_id,
             f.person_id, f.run_id DESC)
SELECT office, pub.mask_text(file_name) AS file_name, file_hash, pub.mask_text(sheet) AS sheet, row,
       pub.mask_text(column_name) AS "column", column_letter, pub.mask_text(value) AS value, rule, severity,
       pub.mask_text(message) AS message, pub.mask_text(fix) AS fix, household_id, person_id, run_id
FROM open
ORDER BY office, file_name, sheet, row, rule
