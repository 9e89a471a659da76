-- D10 (rules.md section D, info, on the health row): the registry's 健康状况 says 健康 but the
-- health office reports 病种类别 大病 or 重病 for the person.
SELECT s.row_uid, s.office, s.file_name, s.file_hash, s.sheet, s.row, 'disease_category' AS column_name,
       s.disease_category AS value, p.household_id, p.person_id,
       concat(coalesce(s.name, '此人'), '（户编号', p.household_id, '）本表为', s.disease_category,
              '，建档立卡健康状况登记为', array_to_string(p.health_status, '、')) AS detail
FROM cur_health s
JOIN link l ON l.row_uid = s.row_uid
JOIN cur_registry_person p ON p.person_id = l.person_id
WHERE s.disease_category IN ('大病', '重病') AND list_contains(p.health_status, '健康')
