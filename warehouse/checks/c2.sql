-- C2 (rules.md section C, warning, on the registry household row): 家庭人口数 differs from the
-- number of member rows of the household.
SELECT h.row_uid, h.office, h.file_name, h.file_hash, h.sheet, h.row, 'household_size' AS column_name,
       CAST(h.household_size AS VARCHAR) AS value, h.household_id, NULL AS person_id,
       concat('家庭人口数为', h.household_size, '，成员行数为', coalesce(m.members, 0)) AS detail
FROM cur_registry_household h
LEFT JOIN (SELECT household_id, count(*) AS members FROM cur_registry_person GROUP BY household_id) m
       ON m.household_id = h.household_id
WHERE h.household_size IS NOT NULL AND h.household_size <> coalesce(m.members, 0)
