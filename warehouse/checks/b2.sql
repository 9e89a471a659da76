-- B2 (rules.md section B, warning, on the sector row): the name in the sector row differs from
-- the registry's name for the same ID number (person rows: the person's name; household rows:
-- the head's name against the registry person holding that ID). Spaces are ignored.
WITH sector AS (
    SELECT row_uid, office, file_name, file_hash, sheet, row, 'name' AS column_name, name AS who, id_number AS idn FROM cur_employment
    UNION ALL SELECT row_uid, office, file_name, file_hash, sheet, row, 'name', name, id_number FROM cur_ecology
    UNION ALL SELECT row_uid, office, file_name, file_hash, sheet, row, 'name', name, id_number FROM cur_education
    UNION ALL SELECT row_uid, office, file_name, file_hash, sheet, row, 'name', name, id_number FROM cur_health
    UNION ALL SELECT row_uid, office, file_name, file_hash, sheet, row, 'name', name, id_number FROM cur_social_security
    UNION ALL SELECT row_uid, office, file_name, file_hash, sheet, row, 'name', name, id_number FROM cur_screening
    UNION ALL SELECT row_uid, office, file_name, file_hash, sheet, row, 'head_name', head_name, head_id_number FROM cur_industry
    UNION ALL SELECT row_uid, office, file_name, file_hash, sheet, row, 'head_name', head_name, head_id_number FROM cur_housing
    UNION ALL SELECT row_uid, office, file_name, file_hash, sheet, row, 'head_name', head_name, head_id_number FROM cur_infra_household
    UNION ALL SELECT row_uid, office, file_name, file_hash, sheet, row, 'head_name', head_name, head_id_number FROM cur_relocation
)
SELECT s.row_uid, s.office, s.file_name, s.file_hash, s.sheet, s.row, s.column_name, s.who AS value,
       p.household_id, p.person_id,
       concat('本表填“', s.who, '”，建档立卡登记为“', p.name, '”（户编号', p.household_id, '）') AS detail
FROM sector s
JOIN link l ON l.row_uid = s.row_uid
JOIN cur_registry_person p ON p.id_number = s.idn AND p.household_id = l.household_id
WHERE s.who IS NOT NULL AND p.name IS NOT NULL
  AND regexp_replace(s.who, '\s', '', 'g') <> regexp_replace(p.name, '\s', '', 'g')
