-- C8 (rules.md section C, warning, on the registry household row): the village is not in the
-- place gazetteer (table `place`, loaded from reference/places.csv) under its county and township.
-- County names are compared without the trailing 县/区/市; township and village names trimmed.
-- The detail says which "unknown village" code the household is placed in (contract.md
-- "Metrics"): <township code>999 when the township is known, else <county code>999999.
WITH pl AS (
    SELECT *, regexp_replace(trim(county_name), '(县|区|市)$', '') AS county_key FROM place
), h AS (
    SELECT *, regexp_replace(trim(county_name), '(县|区|市)$', '') AS county_key FROM cur_registry_household
), townships AS (
    SELECT county_key, trim(township_name) AS township, min(township_code) AS township_code
    FROM pl GROUP BY ALL
), counties AS (
    SELECT county_key, min(county_code) AS county_code FROM pl GROUP BY ALL
)
SELECT h.row_uid, h.office, h.file_name, h.file_hash, h.sheet, h.row, 'village_name' AS column_name,
       h.village_name AS value, h.household_id, NULL AS person_id,
       concat('登记为“', coalesce(h.county_name, ''), coalesce(h.township_name, ''), coalesce(h.village_name, '（行政村未填）'), '”',
              CASE WHEN t.township_code IS NOT NULL THEN concat('，已暂归入该乡镇的未知村代码', t.township_code, '999')
                   WHEN c.county_code IS NOT NULL THEN concat('，乡镇也查不到，已暂归入该县区的未知村代码', c.county_code, '999999')
                   ELSE '，县区也无法识别' END) AS detail
FROM h
LEFT JOIN townships t ON t.county_key = h.county_key AND t.township = trim(h.township_name)
LEFT JOIN counties c ON c.county_key = h.county_key
WHERE NOT EXISTS (
    SELECT 1 FROM pl
    WHERE pl.county_key = h.county_key AND trim(pl.township_name) = trim(h.township_name)
      AND trim(pl.village_name) = trim(h.village_name))
