-- C6 (rules.md section C, info, on the registry person row): a student (在校生状况 other than
-- 非在校生) whose 劳动技能 is not 无劳动力; or a healthy person (健康状况 只有 健康), aged 16-60 at
-- the as-of date, not a student (非在校生 or empty), registered 无劳动力.
WITH p AS (
    SELECT cp.*, CAST(date_part('year', age(rc.as_of, try_strptime(substr(cp.id_number, 7, 8), '%Y%m%d'))) AS INTEGER) AS years
    FROM cur_registry_person cp CROSS JOIN (SELECT as_of FROM run_context LIMIT 1) rc
)
SELECT row_uid, office, file_name, file_hash, sheet, row, 'labour_skill' AS column_name,
       labour_skill AS value, household_id, person_id,
       concat(coalesce(name, '此人'), '是在校生（', school_status, '），劳动技能却登记为', labour_skill) AS detail
FROM p
WHERE school_status IS NOT NULL AND school_status <> '非在校生'
  AND labour_skill IS NOT NULL AND labour_skill <> '无劳动力'
UNION ALL
SELECT row_uid, office, file_name, file_hash, sheet, row, 'labour_skill', labour_skill, household_id, person_id,
       concat(coalesce(name, '此人'), years, '周岁，身体健康、不在校，劳动技能却登记为无劳动力')
FROM p
WHERE labour_skill = '无劳动力' AND coalesce(school_status, '非在校生') = '非在校生'
  AND years BETWEEN 16 AND 60
  AND list_contains(health_status, '健康')
  AND NOT list_has_any(health_status, ['长期慢性病', '患有大病', '残疾'])
