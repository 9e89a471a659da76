-- C3 (rules.md section C, warning, on the registry household row): no member with 与户主关系 =
-- 户主, or more than one.
SELECT h.row_uid, h.office, h.file_name, h.file_hash, h.sheet, h.row, 'head_name' AS column_name,
       h.head_name AS value, h.household_id, NULL AS person_id,
       CASE WHEN coalesce(m.heads, 0) = 0 THEN '成员中没有“户主”'
            ELSE concat('成员中有', m.heads, '个“户主”：', m.names) END AS detail
FROM cur_registry_household h
LEFT JOIN (SELECT household_id, count(*) AS heads, string_agg(name, '、' ORDER BY person_id) AS names
           FROM cur_registry_person WHERE relation_to_head = '户主' GROUP BY household_id) m
       ON m.household_id = h.household_id
WHERE coalesce(m.heads, 0) <> 1
