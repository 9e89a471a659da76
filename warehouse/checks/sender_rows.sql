-- Subjects of the layer `sender_rows` (A1-A9): every landed row of the files normalized in this
-- run (temp table `run_load`, filled by validate.run_reader_checks) and of any file with a reader
-- finding in this run (a run that adopted a killed run's findings).
SELECT r.row_uid, r.office, r.file_name, r.file_hash, r.sheet, r.row, NULL AS column_name, NULL AS value,
       NULL AS household_id, NULL AS person_id, NULL AS detail
FROM landed_row r
WHERE r.load_id IN (SELECT load_id FROM run_load)
   OR r.file_hash IN (SELECT file_hash FROM finding WHERE run_id = (SELECT run_id FROM run_context)
                      AND regexp_matches(rule, '^A') AND row IS NOT NULL)
