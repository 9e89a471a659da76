-- C1 (rules.md section C, warning, on the registry person rows): one ID number registered in two
-- or more households (duplicate registration). Every person row holding the ID is flagged, so
-- both households see it; the detail names the other household(s).
WITH dup AS (
    SELECT id_number FROM cur_registry_person
    WHERE id_number IS NOT NULL
    GROUP BY id_number HAVING count(DISTINCT household_id) > 1
)
SELECT p.row_uid, p.office, p.file_name, p.file_hash, p.sheet, p.row, 'id_number' AS column_name,
       p.id_number AS value, p.household_id, p.person_id,
       concat(coalesce(p.name, '此人'), '同时登记在户编号',
              (SELECT string_agg(DISTINCT q.household_id, '、' ORDER BY q.household_id)
               FROM cur_registry_person q
               WHERE q.id_number = p.id_number AND q.household_id <> p.household_id), '中') AS detail
FROM cur_registry_person p
JOIN dup USING (id_number)
