-- pub.village: one row per village code that has a registered household or a village
-- infrastructure row in force (unknown-village codes of rule C8 included). Counts come from
-- pub.household; infrastructure values from cur_infra_village (several rows on one code, e.g. two
-- unknown villages of a township: counts summed, yes/no true only when every row says yes).
-- Lineage: the infrastructure row when there is one, else the village's first registry household row.
WITH hh AS (
    SELECT village_code, any_value(township_code) AS township_code, any_value(county_code) AS county_code,
           any_value(gazetteer_county_name) AS gazetteer_county_name,
           any_value(gazetteer_township_name) AS gazetteer_township_name,
           any_value(gazetteer_village_name) AS gazetteer_village_name,
           bool_or(is_unknown_village) AS is_unknown_village,
           count(*) AS households, sum(member_count) AS people,
           sum(member_count) FILTER (WHERE poverty_status IN ('未脱贫', '返贫', '预脱贫')) AS poor_people,
           count(*) FILTER (WHERE exit_ready) AS exit_ready_households,
           min(row_uid) AS first_row_uid
    FROM pub.household GROUP BY village_code),
iv AS (
    SELECT pm.village_code, any_value(pm.township_code) AS township_code, any_value(pm.county_code) AS county_code,
           any_value(pm.gazetteer_county_name) AS gazetteer_county_name,
           any_value(pm.gazetteer_township_name) AS gazetteer_township_name,
           any_value(pm.gazetteer_village_name) AS gazetteer_village_name,
           bool_or(pm.is_unknown_village) AS is_unknown_village,
           bool_and(i.has_paved_road) AS has_paved_road, sum(i.natural_villages_30plus) AS natural_villages_30plus,
           sum(i.natural_villages_30plus_with_road) AS natural_villages_30plus_with_road,
           sum(i.farm_households) AS farm_households, sum(i.registered_population) AS registered_population,
           sum(i.households_with_power) AS households_with_power,
           sum(i.households_with_tap_water) AS households_with_tap_water,
           bool_and(i.has_standard_clinic) AS has_standard_clinic, pub.sources(list(i.office)) AS infra_village_source,
           min(i.row_uid) AS first_row_uid
    FROM cur_infra_village i JOIN pub.place_match pm USING (row_uid) GROUP BY pm.village_code),
v AS (
    SELECT coalesce(iv.village_code, hh.village_code) AS village_code,
           coalesce(iv.township_code, hh.township_code) AS township_code,
           coalesce(iv.county_code, hh.county_code) AS county_code,
           coalesce(iv.gazetteer_county_name, hh.gazetteer_county_name) AS gazetteer_county_name,
           coalesce(iv.gazetteer_township_name, hh.gazetteer_township_name) AS gazetteer_township_name,
           coalesce(iv.gazetteer_village_name, hh.gazetteer_village_name) AS gazetteer_village_name,
           coalesce(iv.is_unknown_village, hh.is_unknown_village) AS is_unknown_village,
           coalesce(hh.households, 0) AS households, coalesce(hh.people, 0) AS people,
           coalesce(hh.poor_people, 0) AS poor_people, coalesce(hh.exit_ready_households, 0) AS exit_ready_households,
           iv.* EXCLUDE (village_code, township_code, county_code, gazetteer_county_name, gazetteer_township_name,
                         gazetteer_village_name, is_unknown_village, first_row_uid),
           coalesce(iv.first_row_uid, hh.first_row_uid) AS lineage_row_uid,
           iv.first_row_uid IS NOT NULL AS from_infra
    FROM hh FULL JOIN iv ON iv.village_code = hh.village_code),
lineage AS (
    SELECT row_uid, load_id, office, file_hash, file_name, sheet, row, month FROM cur_infra_village
    UNION ALL
    SELECT row_uid, load_id, office, file_hash, file_name, sheet, row, month FROM cur_registry_household)
SELECT v.* EXCLUDE (lineage_row_uid, from_infra),
       CASE WHEN v.registered_population > 0 THEN 100.0 * v.poor_people / v.registered_population END AS poverty_incidence,
       l.load_id, l.office, l.file_hash, pub.mask_text(l.file_name) AS file_name, pub.mask_text(l.sheet) AS sheet,
       l.row, l.row_uid, l.month
FROM v LEFT JOIN lineage l ON l.row_uid = v.lineage_row_uid
