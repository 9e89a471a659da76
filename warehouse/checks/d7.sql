-- D7 (rules.md section D, warning): a member with 未参保 in basic medical (城乡居民基本医疗保险)
-- or serious-illness insurance (大病保险) in the health list, in a household marked 已脱贫.
-- Rows: the health row, and (also_on_registry) the household's registry row.
WITH bad AS (
    SELECT s.row_uid, s.office, s.file_name, s.file_hash, s.sheet, s.row,
           CASE WHEN s.basic_medical_insurance = '未参保' THEN 'basic_medical_insurance' ELSE 'serious_illness_insurance' END AS column_name,
           '未参保' AS value, h.household_id, l.person_id,
           concat(coalesce(s.name, '此人'), '（户编号', h.household_id, '，户主', coalesce(h.head_name, '未登记'), '）',
                  concat_ws('、', CASE WHEN s.basic_medical_insurance = '未参保' THEN '基本医疗保险' END,
                                 CASE WHEN s.serious_illness_insurance = '未参保' THEN '大病保险' END),
                  '未参保，该户已脱贫') AS detail
    FROM cur_health s
    JOIN link l ON l.row_uid = s.row_uid
    JOIN cur_registry_household h ON h.household_id = l.household_id
    WHERE h.poverty_status = '已脱贫'
      AND (s.basic_medical_insurance = '未参保' OR s.serious_illness_insurance = '未参保')
)
SELECT * FROM bad
UNION ALL
SELECT h.row_uid, h.office, h.file_name, h.file_hash, h.sheet, h.row, 'poverty_status', h.poverty_status, h.household_id,
       CASE WHEN count(DISTINCT b.person_id) = 1 THEN min(b.person_id) END,
       string_agg(b.detail, '；' ORDER BY b.detail)
FROM bad b JOIN cur_registry_household h ON h.household_id = b.household_id
GROUP BY h.row_uid, h.office, h.file_name, h.file_hash, h.sheet, h.row, h.household_id, h.poverty_status
