-- Subjects of the layer `files` (F1-F10, A4): every file the ledger holds, one row each.
SELECT DISTINCT 'file:' || file_hash || ':' || file_name AS row_uid, office, file_name, file_hash,
       NULL AS sheet, NULL AS row, NULL AS column_name, NULL AS value, NULL AS household_id,
       NULL AS person_id, NULL AS detail
FROM ledger
