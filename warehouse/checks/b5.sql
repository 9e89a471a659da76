-- B5 (rules.md section B, warning, reported to the sender with no row): an exhaustive sender has
-- no row in force for a registry person/household it must cover: health for every registry
-- person, the infrastructure household sheet for every registry household. row_uid, file, sheet
-- and row are NULL; office is the sender; person_id (health) or household_id (infrastructure)
-- names what is missing. Covered = a current row of that sender is linked to the person
-- (household), or carries the person's (head's) ID number (one ID in two households, C1, links
-- to one of them only). The subjects GX validates these against are the expected coverage
-- (layer `coverage`, coverage.sql). A sender with no rows in force is not held to coverage.
WITH health AS (SELECT min(office) AS office FROM cur_health HAVING count(*) > 0),
     infra AS (SELECT min(office) AS office FROM cur_infra_household HAVING count(*) > 0),
     health_rows AS (SELECT c.id_number, l.person_id FROM cur_health c LEFT JOIN link l ON l.row_uid = c.row_uid),
     infra_rows AS (SELECT c.head_id_number, l.household_id FROM cur_infra_household c LEFT JOIN link l ON l.row_uid = c.row_uid)
SELECT NULL AS row_uid, s.office, NULL AS file_name, NULL AS file_hash, NULL AS sheet, NULL AS row,
       'id_number' AS column_name, p.id_number AS value, p.household_id, p.person_id,
       concat(coalesce(p.name, '姓名未登记'), '（户编号', p.household_id, '）在本月健康扶贫名单中没有记录') AS detail
FROM cur_registry_person p CROSS JOIN health s
WHERE NOT EXISTS (SELECT 1 FROM health_rows c WHERE c.person_id = p.person_id)
  AND NOT EXISTS (SELECT 1 FROM health_rows c WHERE c.id_number = p.id_number)
UNION ALL
SELECT NULL, s.office, NULL, NULL, NULL, NULL, 'head_id_number', h.head_id_number, h.household_id, NULL,
       concat('户主', coalesce(h.head_name, '姓名未登记'), '（户编号', h.household_id, '）在本月农户饮水用电表中没有记录')
FROM cur_registry_household h CROSS JOIN infra s
WHERE NOT EXISTS (SELECT 1 FROM infra_rows c WHERE c.household_id = h.household_id)
  AND NOT EXISTS (SELECT 1 FROM infra_rows c WHERE c.head_id_number = h.head_id_number)
