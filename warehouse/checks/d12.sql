-- D12 (rules.md section D, warning): screening reports a registry member as 服刑人员 (serving a
-- sentence). Rows: the screening row, and (also_on_registry) the household's registry row.
WITH bad AS (
    SELECT s.row_uid, s.office, s.file_name, s.file_hash, s.sheet, s.row, 'finding_category' AS column_name,
           s.finding_category AS value, h.household_id, p.person_id,
           concat(coalesce(p.name, '此人'), '（户编号', h.household_id, '，户主', coalesce(h.head_name, '未登记'), '）比对为服刑人员',
                  CASE WHEN s.finding_detail IS NOT NULL THEN concat('（', s.finding_detail, '）') ELSE '' END) AS detail
    FROM cur_screening s
    JOIN link l ON l.row_uid = s.row_uid
    JOIN cur_registry_person p ON p.person_id = l.person_id
    JOIN cur_registry_household h ON h.household_id = p.household_id
    WHERE s.finding_category = '服刑人员'
)
SELECT * FROM bad
UNION ALL
SELECT h.row_uid, h.office, h.file_name, h.file_hash, h.sheet, h.row, 'household_id', h.household_id, h.household_id,
       CASE WHEN count(DISTINCT b.person_id) = 1 THEN min(b.person_id) END,
       string_agg(b.detail, '；' ORDER BY b.detail)
FROM bad b JOIN cur_registry_household h ON h.household_id = b.household_id
GROUP BY h.row_uid, h.office, h.file_name, h.file_hash, h.sheet, h.row, h.household_id
