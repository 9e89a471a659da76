-- D6 (rules.md section D, warning): a compulsory-age student (6-15 completed years at the as-of
-- date, from the ID's birth date) reported 辍学 in a household marked 已脱贫.
-- Rows: the education row, and (also_on_registry) the household's registry row.
WITH bad AS (
    SELECT s.row_uid, s.office, s.file_name, s.file_hash, s.sheet, s.row, 'enrolment_status' AS column_name,
           s.enrolment_status AS value, h.household_id, l.person_id,
           concat(coalesce(s.name, '此学生'), '（', CAST(date_part('year', age(rc.as_of, try_strptime(substr(s.id_number, 7, 8), '%Y%m%d'))) AS INTEGER),
                  '周岁，户编号', h.household_id, '，户主', coalesce(h.head_name, '未登记'), '）辍学，该户已脱贫') AS detail
    FROM cur_education s
    JOIN link l ON l.row_uid = s.row_uid
    JOIN cur_registry_household h ON h.household_id = l.household_id
    CROSS JOIN (SELECT as_of FROM run_context LIMIT 1) rc
    WHERE s.enrolment_status = '辍学' AND h.poverty_status = '已脱贫'
      AND date_part('year', age(rc.as_of, try_strptime(substr(s.id_number, 7, 8), '%Y%m%d'))) BETWEEN 6 AND 15
)
SELECT * FROM bad
UNION ALL
SELECT h.row_uid, h.office, h.file_name, h.file_hash, h.sheet, h.row, 'poverty_status', h.poverty_status, h.household_id,
       CASE WHEN count(DISTINCT b.person_id) = 1 THEN min(b.person_id) END,
       string_agg(b.detail, '；' ORDER BY b.detail)
FROM bad b JOIN cur_registry_household h ON h.household_id = b.household_id
GROUP BY h.row_uid, h.office, h.file_name, h.file_hash, h.sheet, h.row, h.household_id, h.poverty_status
