-- pub.household: the one table. One row per registry household in force (cur_registry_household),
-- every sender's indicators converged onto it (contract.md "Where a value comes from"), the
-- income components and the exit check (contract.md "The exit check"). Built after pub.person,
-- pub.household_members (its members' figures) and the household-level senders' rows per household
-- (pub.household_housing, _relocation, _infrastructure, _industry: tied through `link`).
-- Each of those is read by household_id only (a LEFT JOIN on it), so a household's row depends on
-- its own rows there: pipelines.publish builds this table again for the households whose rows
-- there changed, the CTE `registry` below narrowed to them (keep its line as it is).
WITH ctx AS (SELECT as_of, income_line FROM run_context LIMIT 1),
registry AS (SELECT * FROM cur_registry_household),
masked AS (  -- pub.mask_text (six regexes) once per distinct file name and sheet, not once per row
    SELECT t AS raw, pub.mask_text(t) AS masked
    FROM (SELECT file_name AS t FROM registry UNION SELECT sheet FROM registry)),
conv AS (
    SELECT rh.*, pm.county_code, pm.township_code, pm.village_code, pm.gazetteer_county_name,
           pm.gazetteer_township_name, pm.gazetteer_village_name, pm.place_match, pm.is_unknown_village,
           coalesce(year(rh.first_identified_date) = year(ctx.as_of), false) AS is_new, ctx.income_line,
           hs.household_id IS NOT NULL AS housing_reported, hs.office AS housing_office, hs.house_grade,
           hs.renovation_mode, hs.acceptance_date, hs.subsidy_amount, hs.subsidy_paid_date,
           rl.office AS relocation_source, rl.site_name, rl.placement_mode, rl.house_completed_date,
           rl.facilities_complete, rl.keys_handed_date, rl.moved_in_date, rl.old_house_demolished,
           coalesce(inf.drinking_water_safety,
                    CASE rh.water_safe WHEN true THEN '达标' WHEN false THEN '不达标' END) AS water_conv,
           CASE WHEN inf.drinking_water_safety IS NOT NULL THEN inf.office
                WHEN rh.water_safe IS NOT NULL THEN 'registry' END AS drinking_water_safety_source,
           coalesce(inf.has_power, rh.has_power) AS power_conv,
           CASE WHEN inf.has_power IS NOT NULL THEN inf.office
                WHEN rh.has_power IS NOT NULL THEN 'registry' END AS has_power_source,
           ind.industry_types, ind.driving_mode, ind.driving_entity, ind.support_funds, ind.office AS industry_source,
           coalesce(ind.income_operating, 0) AS income_operating, ind.office AS income_operating_source,
           coalesce(ind.income_dividends, 0) AS income_dividends, ind.office AS income_dividends_source,
           m.* EXCLUDE (household_id)
    FROM registry rh
    CROSS JOIN ctx
    LEFT JOIN pub.place_match pm ON pm.row_uid = rh.row_uid
    LEFT JOIN pub.household_housing hs ON hs.household_id = rh.household_id
    LEFT JOIN pub.household_relocation rl ON rl.household_id = rh.household_id
    LEFT JOIN pub.household_infrastructure inf ON inf.household_id = rh.household_id
    LEFT JOIN pub.household_industry ind ON ind.household_id = rh.household_id
    LEFT JOIN pub.household_members m ON m.household_id = rh.household_id),
tests AS (
    SELECT c.*,
           CASE WHEN c.income_per_capita IS NULL OR c.income_line IS NULL THEN 'unknown'
                WHEN c.income_per_capita >= c.income_line THEN 'pass' ELSE 'fail' END AS exit_income,
           CASE WHEN c.moved_in_date IS NOT NULL THEN 'pass'
                WHEN c.house_grade IN ('A级', 'B级') THEN 'pass'
                WHEN c.house_grade IN ('C级', 'D级') THEN CASE WHEN c.acceptance_date IS NOT NULL THEN 'pass' ELSE 'fail' END
                WHEN c.is_dangerous_house THEN 'fail'
                WHEN c.housing_reported AND c.is_dangerous_house IS NULL THEN 'unknown'
                ELSE 'pass' END AS exit_housing,
           CASE WHEN c.moved_in_date IS NOT NULL THEN c.relocation_source
                WHEN c.house_grade IS NOT NULL THEN c.housing_office
                WHEN c.is_dangerous_house IS NOT NULL THEN 'registry' END AS housing_source,
           CASE WHEN coalesce(c.dropouts_6_15, 0) > 0 THEN 'fail' ELSE 'pass' END AS exit_education,
           CASE WHEN coalesce(c.members_uninsured, 0) > 0 THEN 'fail'
                WHEN coalesce(c.member_count, 0) = 0 OR c.members_insurance_unknown > 0 THEN 'unknown'
                ELSE 'pass' END AS exit_insurance,
           CASE WHEN c.water_conv IN ('达标', '基本达标') THEN 'pass' WHEN c.water_conv = '不达标' THEN 'fail'
                ELSE 'unknown' END AS exit_water
    FROM conv c)
SELECT t.household_id, t.county_code, t.township_code, t.village_code, t.gazetteer_county_name,
       t.gazetteer_township_name, t.gazetteer_village_name, t.place_match, t.is_unknown_village,
       t.county_name, t.township_name, t.village_name, t.group_name, t.head_name,
       hid.masked AS head_id_masked, hid.pseudonym AS head_id_pseudonym,
       ph.masked AS phone_masked, ph.pseudonym AS phone_pseudonym,
       t.household_size, coalesce(t.member_count, 0) AS member_count, t.poverty_attribute, t.identification_standard,
       t.main_poverty_cause, t.poverty_status, t.planned_exit_year, t.exit_year, t.first_identified_date, t.is_new,
       t.is_relocation_household, t.income_per_capita, t.income_line,
       t.housing_reported, t.house_grade, t.renovation_mode, t.acceptance_date, t.subsidy_amount, t.subsidy_paid_date,
       t.is_dangerous_house, t.housing_source,
       t.site_name, t.placement_mode, t.house_completed_date, t.facilities_complete, t.keys_handed_date,
       t.moved_in_date, t.old_house_demolished, t.relocation_source,
       t.water_conv AS drinking_water_safety, t.drinking_water_safety_source, t.power_conv AS has_power,
       t.has_power_source, t.industry_types, t.driving_mode, t.driving_entity, t.support_funds, t.industry_source,
       coalesce(t.students, 0) AS students, coalesce(t.dropouts_6_15, 0) AS dropouts_6_15, t.education_source,
       coalesce(t.members_insured, 0) AS members_insured, coalesce(t.members_uninsured, 0) AS members_uninsured,
       coalesce(t.members_insurance_unknown, 0) AS members_insurance_unknown, t.insurance_source,
       t.assistance_types, coalesce(t.deceased_members, 0) AS deceased_members, t.screening_categories,
       t.screening_source, coalesce(t.forest_rangers, 0) AS forest_rangers, coalesce(t.workers, 0) AS workers,
       coalesce(t.income_wages, 0) AS income_wages, t.income_wages_source,
       t.income_operating, t.income_operating_source, t.income_dividends, t.income_dividends_source,
       coalesce(t.income_transfers, 0) AS income_transfers, t.income_transfers_source,
       coalesce(t.income_eco, 0) AS income_eco, t.income_eco_source,
       coalesce(t.income_wages, 0) + t.income_operating + t.income_dividends + coalesce(t.income_transfers, 0)
           + coalesce(t.income_eco, 0) AS income_total,
       (coalesce(t.income_wages, 0) + t.income_operating + t.income_dividends + coalesce(t.income_transfers, 0)
           + coalesce(t.income_eco, 0)) / nullif(t.household_size, 0) AS income_per_capita_sectors,
       t.exit_income, t.exit_housing, t.exit_education, t.exit_insurance, t.exit_water,
       t.exit_income = 'pass' AND t.exit_housing = 'pass' AND t.exit_education = 'pass'
           AND t.exit_insurance = 'pass' AND t.exit_water = 'pass' AND NOT t.is_new AS exit_ready,
       list_filter([
           CASE WHEN t.exit_income = 'fail' THEN 'income' END,
           CASE WHEN t.exit_housing = 'fail' THEN 'housing' END,
           CASE WHEN t.exit_education = 'fail' THEN 'education' END,
           CASE WHEN t.exit_insurance = 'fail' THEN 'insurance' END,
           CASE WHEN t.exit_water = 'fail' THEN 'water' END,
           CASE WHEN t.exit_income = 'unknown' THEN 'unknown:income' END,
           CASE WHEN t.exit_housing = 'unknown' THEN 'unknown:housing' END,
           CASE WHEN t.exit_education = 'unknown' THEN 'unknown:education' END,
           CASE WHEN t.exit_insurance = 'unknown' THEN 'unknown:insurance' END,
           CASE WHEN t.exit_water = 'unknown' THEN 'unknown:water' END,
           CASE WHEN t.is_new THEN 'new' END], lambda x: x IS NOT NULL) AS exit_failed_tests,
       t.load_id, t.office, t.file_hash, mf.masked AS file_name, ms.masked AS sheet,
       t.row, t.row_uid, t.month
FROM tests t
LEFT JOIN masked mf ON mf.raw = t.file_name
LEFT JOIN masked ms ON ms.raw = t.sheet
LEFT JOIN pub.pseudonym hid ON hid.kind = 'id' AND hid.raw = t.head_id_number
LEFT JOIN pub.pseudonym ph ON ph.kind = 'phone' AND ph.raw = t.phone
