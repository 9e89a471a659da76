-- Layer `coverage` (the subjects of B5): one row per registry person the health office must list
-- and per registry household the infrastructure household sheet must list. An exhaustive sender
-- is held to its coverage only when it has rows in force this month (a sender that sent nothing
-- is "missing" in the status view, not 500,000 B5 rows). Same columns as a check.
WITH health AS (SELECT min(office) AS office FROM cur_health HAVING count(*) > 0),
     infra AS (SELECT min(office) AS office FROM cur_infra_household HAVING count(*) > 0)
SELECT NULL AS row_uid, s.office, NULL AS file_name, NULL AS file_hash, NULL AS sheet, NULL AS row,
       'id_number' AS column_name, p.id_number AS value, p.household_id, p.person_id,
       concat(coalesce(p.name, '姓名未登记'), '，户编号', p.household_id) AS detail
FROM cur_registry_person p CROSS JOIN health s
UNION ALL
SELECT NULL, s.office, NULL, NULL, NULL, NULL, 'head_id_number', h.head_id_number, h.household_id, NULL,
       concat('户主', coalesce(h.head_name, '姓名未登记'), '，户编号', h.household_id)
FROM cur_registry_household h CROSS JOIN infra s
