-- D11 (rules.md section D, warning): the registry's 是否易地搬迁户 and the relocation office's list
-- disagree.
--   listed, registry flag 否 or empty -> a row on the relocation row AND (also_on_registry) one
--                                        on the household's registry row;
--   flag 是, no relocation row        -> a row on the registry row only, provided the relocation
--                                        office has rows in force for the household's county (a
--                                        file of the whole sender, scope *, a row naming the
--                                        county, or a file whose scope is the county's code).
WITH rel AS (
    SELECT r.*, l.household_id AS hid, l.person_id AS pid
    FROM cur_relocation r JOIN link l ON l.row_uid = r.row_uid
    WHERE l.household_id IS NOT NULL
), listed AS (
    SELECT rel.row_uid, rel.office, rel.file_name, rel.file_hash, rel.sheet, rel.row, 'head_id_number' AS column_name,
           rel.head_id_number AS value, h.household_id, rel.pid AS person_id,
           concat('户编号', h.household_id, '（户主', coalesce(h.head_name, '未登记'), '）在搬迁名单中（',
                  coalesce(rel.site_name, '安置点未填'), '），建档立卡“是否易地搬迁户”为',
                  CASE WHEN h.is_relocation_household IS NULL THEN '空' ELSE '否' END) AS detail
    FROM rel JOIN cur_registry_household h ON h.household_id = rel.hid
    WHERE NOT coalesce(h.is_relocation_household, false)
), county_key AS (
    SELECT DISTINCT regexp_replace(trim(county_name), '(县|区|市)$', '') AS k FROM cur_relocation WHERE county_name IS NOT NULL
    UNION SELECT DISTINCT regexp_replace(trim(p.county_name), '(县|区|市)$', '')
          FROM place p WHERE p.county_code IN (SELECT scope FROM cur_relocation)
)
SELECT * FROM listed
UNION ALL
SELECT h.row_uid, h.office, h.file_name, h.file_hash, h.sheet, h.row, 'is_relocation_household',
       CASE WHEN h.is_relocation_household IS NULL THEN NULL ELSE '否' END, h.household_id, NULL,
       string_agg(b.detail, '；' ORDER BY b.detail)
FROM listed b JOIN cur_registry_household h ON h.household_id = b.household_id
GROUP BY h.row_uid, h.office, h.file_name, h.file_hash, h.sheet, h.row, h.household_id, h.is_relocation_household
UNION ALL
SELECT h.row_uid, h.office, h.file_name, h.file_hash, h.sheet, h.row, 'is_relocation_household', '是',
       h.household_id, NULL,
       concat('户编号', h.household_id, '（户主', coalesce(h.head_name, '未登记'), '）登记为易地搬迁户，但不在本月搬迁名单中')
FROM cur_registry_household h
WHERE h.is_relocation_household
  AND NOT EXISTS (SELECT 1 FROM rel WHERE rel.hid = h.household_id)
  AND (EXISTS (SELECT 1 FROM cur_relocation WHERE scope = '*')
       OR regexp_replace(trim(h.county_name), '(县|区|市)$', '') IN (SELECT k FROM county_key))
