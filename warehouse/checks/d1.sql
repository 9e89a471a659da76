-- D1 (rules.md section D, warning): a member reported dead (social_security 是否死亡注销 = 是, or
-- a screening finding 死亡) is still listed in the registry.
-- Rows: the sector row (office = its sender), and, UNION ALL, one row on the household's registry
-- row (office = registry) with the sector details joined (also_on_registry).
WITH dead AS (
    SELECT s.row_uid, s.office, s.file_name, s.file_hash, s.sheet, s.row, 'is_deceased' AS column_name,
           '是' AS value, l.person_id,
           concat('社会保障部门已死亡注销', CASE WHEN s.death_date IS NOT NULL THEN concat('，死亡日期', s.death_date) ELSE '' END) AS how
    FROM cur_social_security s JOIN link l ON l.row_uid = s.row_uid
    WHERE s.is_deceased
    UNION ALL
    SELECT s.row_uid, s.office, s.file_name, s.file_hash, s.sheet, s.row, 'finding_category', s.finding_category,
           l.person_id, concat('数据比对为死亡', CASE WHEN s.finding_source IS NOT NULL THEN concat('（', s.finding_source, '）') ELSE '' END)
    FROM cur_screening s JOIN link l ON l.row_uid = s.row_uid
    WHERE s.finding_category = '死亡'
), bad AS (
    SELECT d.row_uid, d.office, d.file_name, d.file_hash, d.sheet, d.row, d.column_name, d.value,
           h.household_id, p.person_id,
           concat(coalesce(p.name, '此人'), '（户编号', h.household_id, '，户主', coalesce(h.head_name, '未登记'), '）', d.how) AS detail
    FROM dead d
    JOIN cur_registry_person p ON p.person_id = d.person_id
    JOIN cur_registry_household h ON h.household_id = p.household_id
)
SELECT * FROM bad
UNION ALL
SELECT h.row_uid, h.office, h.file_name, h.file_hash, h.sheet, h.row, 'household_id', h.household_id, h.household_id,
       CASE WHEN count(DISTINCT b.person_id) = 1 THEN min(b.person_id) END,
       string_agg(b.detail, '；' ORDER BY b.detail)
FROM bad b JOIN cur_registry_household h ON h.household_id = b.household_id
GROUP BY h.row_uid, h.office, h.file_name, h.file_hash, h.sheet, h.row, h.household_id
