-- C5 (rules.md section C, warning, on the registry person row): age (completed years at the
-- run's as-of date, from the ID's birth date) contradicts 在校生状况: 小学 6-14, 七年级 to 九年级
-- 11-17, 高中/中职 (any year) 14-21.
WITH p AS (
    SELECT cp.*, CAST(date_part('year', age(rc.as_of, try_strptime(substr(cp.id_number, 7, 8), '%Y%m%d'))) AS INTEGER) AS years,
           CASE WHEN cp.school_status = '小学' THEN '小学'
                WHEN cp.school_status IN ('七年级', '八年级', '九年级') THEN '初中'
                WHEN cp.school_status LIKE '高中%' OR cp.school_status LIKE '中职%' THEN '高中/中职' END AS stage
    FROM cur_registry_person cp CROSS JOIN (SELECT as_of FROM run_context LIMIT 1) rc
)
SELECT row_uid, office, file_name, file_hash, sheet, row, 'school_status' AS column_name,
       school_status AS value, household_id, person_id,
       concat(coalesce(name, '此人'), years, '周岁，在校生状况为', school_status, '（',
              CASE stage WHEN '小学' THEN '应为6至14岁' WHEN '初中' THEN '应为11至17岁' ELSE '应为14至21岁' END, '）') AS detail
FROM p
WHERE years IS NOT NULL AND (
       (stage = '小学' AND years NOT BETWEEN 6 AND 14)
    OR (stage = '初中' AND years NOT BETWEEN 11 AND 17)
    OR (stage = '高中/中职' AND years NOT BETWEEN 14 AND 21))
