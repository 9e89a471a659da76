-- B1 (rules.md section B, warning, on the sector row): a sector person or household head is not
-- in the registry. A current sector row the link stage could not tie to a registry household
-- (may be legitimate, e.g. 低保 without 建档立卡). Village rows (infra_village) are tied by
-- village code, not by ID, and are not checked here.
WITH sector AS (
    SELECT row_uid, office, file_name, file_hash, sheet, row, 'id_number' AS column_name, id_number AS value, name AS who FROM cur_employment
    UNION ALL SELECT row_uid, office, file_name, file_hash, sheet, row, 'id_number', id_number, name FROM cur_ecology
    UNION ALL SELECT row_uid, office, file_name, file_hash, sheet, row, 'id_number', id_number, name FROM cur_education
    UNION ALL SELECT row_uid, office, file_name, file_hash, sheet, row, 'id_number', id_number, name FROM cur_health
    UNION ALL SELECT row_uid, office, file_name, file_hash, sheet, row, 'id_number', id_number, name FROM cur_social_security
    UNION ALL SELECT row_uid, office, file_name, file_hash, sheet, row, 'id_number', id_number, name FROM cur_screening
    UNION ALL SELECT row_uid, office, file_name, file_hash, sheet, row, 'head_id_number', head_id_number, head_name FROM cur_industry
    UNION ALL SELECT row_uid, office, file_name, file_hash, sheet, row, 'head_id_number', head_id_number, head_name FROM cur_housing
    UNION ALL SELECT row_uid, office, file_name, file_hash, sheet, row, 'head_id_number', head_id_number, head_name FROM cur_infra_household
    UNION ALL SELECT row_uid, office, file_name, file_hash, sheet, row,
                     CASE WHEN head_id_number IS NULL THEN 'household_id' ELSE 'head_id_number' END,
                     coalesce(head_id_number, household_id), head_name FROM cur_relocation
)
SELECT s.row_uid, s.office, s.file_name, s.file_hash, s.sheet, s.row, s.column_name, s.value,
       NULL AS household_id, NULL AS person_id,
       concat(CASE WHEN s.column_name = 'id_number' THEN '姓名：' ELSE '户主姓名：' END, coalesce(s.who, '未填'),
              CASE WHEN s.column_name = 'household_id' THEN '，按户编号也查不到' ELSE '' END) AS detail
FROM sector s
LEFT JOIN link l ON l.row_uid = s.row_uid
WHERE l.household_id IS NULL
