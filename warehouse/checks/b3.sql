-- B3 (rules.md section B, warning, on the sector row): a household-level row (industry,
-- relocation, housing, infrastructure household sheet) names a registry member who is not the
-- household head (neither 与户主关系 = 户主 nor the household's 户主证件号码).
WITH sector AS (
    SELECT row_uid, office, file_name, file_hash, sheet, row, head_name, head_id_number FROM cur_industry
    UNION ALL SELECT row_uid, office, file_name, file_hash, sheet, row, head_name, head_id_number FROM cur_relocation
    UNION ALL SELECT row_uid, office, file_name, file_hash, sheet, row, head_name, head_id_number FROM cur_housing
    UNION ALL SELECT row_uid, office, file_name, file_hash, sheet, row, head_name, head_id_number FROM cur_infra_household
)
SELECT s.row_uid, s.office, s.file_name, s.file_hash, s.sheet, s.row, 'head_id_number' AS column_name,
       s.head_id_number AS value, p.household_id, p.person_id,
       concat('本表填的', coalesce(p.name, s.head_name, '此人'), '是户编号', p.household_id, '（户主',
              coalesce(h.head_name, '未登记'), '）的', coalesce(p.relation_to_head, '成员'), '，不是户主') AS detail
FROM sector s
JOIN cur_registry_person p ON p.id_number = s.head_id_number
JOIN cur_registry_household h ON h.household_id = p.household_id
WHERE NOT (coalesce(p.relation_to_head, '') = '户主' OR p.id_number = coalesce(h.head_id_number, ''))
