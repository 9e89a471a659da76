-- B4 (rules.md section B, warning, on the sector row): the row's county differs from the
-- registry's county for the household it is tied to. County spellings are compared without the
-- trailing 县/区/市 (镇安 = 镇安县; the pre-2001 商州市 = 商州区).
WITH sector AS (
    SELECT row_uid, office, file_name, file_hash, sheet, row, county_name FROM cur_industry
    UNION ALL SELECT row_uid, office, file_name, file_hash, sheet, row, county_name FROM cur_employment
    UNION ALL SELECT row_uid, office, file_name, file_hash, sheet, row, county_name FROM cur_relocation
    UNION ALL SELECT row_uid, office, file_name, file_hash, sheet, row, county_name FROM cur_housing
)
SELECT s.row_uid, s.office, s.file_name, s.file_hash, s.sheet, s.row, 'county_name' AS column_name,
       s.county_name AS value, h.household_id, l.person_id,
       concat('本表填“', s.county_name, '”，户编号', h.household_id, '（户主', coalesce(h.head_name, '未登记'),
              '）在建档立卡登记为“', h.county_name, '”') AS detail
FROM sector s
JOIN link l ON l.row_uid = s.row_uid
JOIN cur_registry_household h ON h.household_id = l.household_id
WHERE s.county_name IS NOT NULL AND h.county_name IS NOT NULL
  AND regexp_replace(trim(s.county_name), '(县|区|市)$', '') <> regexp_replace(trim(h.county_name), '(县|区|市)$', '')
