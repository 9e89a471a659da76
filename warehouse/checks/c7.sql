-- C7 (rules.md section C, info, on the registry household row): 主要致贫原因 因病 but no member
-- has 长期慢性病 or 患有大病; 因残 but no member has 残疾.
WITH m AS (
    SELECT household_id,
           bool_or(list_has_any(health_status, ['长期慢性病', '患有大病'])) AS any_ill,
           bool_or(list_contains(health_status, '残疾')) AS any_disabled
    FROM cur_registry_person GROUP BY household_id
)
SELECT h.row_uid, h.office, h.file_name, h.file_hash, h.sheet, h.row, 'main_poverty_cause' AS column_name,
       h.main_poverty_cause AS value, h.household_id, NULL AS person_id,
       CASE h.main_poverty_cause WHEN '因病' THEN '致贫原因为因病，但家庭成员中没有登记长期慢性病或大病的'
                                 ELSE '致贫原因为因残，但家庭成员中没有登记残疾的' END AS detail
FROM cur_registry_household h
LEFT JOIN m ON m.household_id = h.household_id
WHERE (h.main_poverty_cause = '因病' AND NOT coalesce(m.any_ill, false))
   OR (h.main_poverty_cause = '因残' AND NOT coalesce(m.any_disabled, false))
