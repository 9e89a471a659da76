-- D8 (rules.md section D, warning): drinking water 不达标 in the infrastructure household sheet
-- for a household marked 已脱贫.
-- Rows: the infrastructure row, and (also_on_registry) the household's registry row.
WITH bad AS (
    SELECT s.row_uid, s.office, s.file_name, s.file_hash, s.sheet, s.row, 'drinking_water_safety' AS column_name,
           s.drinking_water_safety AS value, h.household_id, l.person_id,
           concat('户编号', h.household_id, '（户主', coalesce(h.head_name, '未登记'), '）饮水安全不达标，该户已脱贫') AS detail
    FROM cur_infra_household s
    JOIN link l ON l.row_uid = s.row_uid
    JOIN cur_registry_household h ON h.household_id = l.household_id
    WHERE s.drinking_water_safety = '不达标' AND h.poverty_status = '已脱贫'
)
SELECT * FROM bad
UNION ALL
SELECT h.row_uid, h.office, h.file_name, h.file_hash, h.sheet, h.row, 'poverty_status', h.poverty_status, h.household_id,
       NULL, string_agg(b.detail, '；' ORDER BY b.detail)
FROM bad b JOIN cur_registry_household h ON h.household_id = b.household_id
GROUP BY h.row_uid, h.office, h.file_name, h.file_hash, h.sheet, h.row, h.household_id, h.poverty_status
