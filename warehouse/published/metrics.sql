-- pub.metrics: the one number (contract.md "Metrics"), computed from pub.household, pub.person and
-- pub.village only. Counts are taken per village and summed up village -> township -> county ->
-- city; every rate is recomputed at its own level as 100 x numerator / denominator (percent,
-- NULL when the denominator is 0); tests compare a rate with its threshold (county: Shaanxi 2017
-- exit rules; village: the village exit tests). Relocation metrics also at level `site` (per
-- <county_code>/<site name>), outside the roll-up. `version` is run_context.version_id
-- (publish_version stamps the published version id).
WITH ctx AS (SELECT as_of, version_id FROM run_context LIMIT 1),
count_def(metric, label, unit) AS (VALUES
    ('households', '户数', '户'), ('people', '人数', '人'),
    ('households_not_exited', '未脱贫户数', '户'), ('households_exited', '已脱贫户数', '户'),
    ('households_pre_exit', '预脱贫户数', '户'), ('households_returned', '返贫户数', '户'),
    ('people_not_exited', '未脱贫人数', '人'), ('people_exited', '已脱贫人数', '人'),
    ('people_pre_exit', '预脱贫人数', '人'), ('people_returned', '返贫人数', '人'),
    ('households_general', '一般贫困户户数', '户'), ('households_dibao', '低保贫困户户数', '户'),
    ('households_tekun', '特困供养贫困户户数', '户'), ('people_general', '一般贫困户人数', '人'),
    ('people_dibao', '低保贫困户人数', '人'), ('people_tekun', '特困供养贫困户人数', '人'),
    ('poor_households', '贫困户数（未脱贫、返贫、预脱贫）', '户'), ('poor_people', '贫困人口数', '人'),
    ('incidence_poor_people', '已报户籍人口数村的贫困人口数', '人'), ('registered_population', '户籍人口数', '人'),
    ('exit_ready_households', '达到脱贫标准户数', '户'), ('new_households', '当年新识别户数', '户'),
    ('exit_income_pass_households', '收入检验通过户数', '户'), ('exit_housing_pass_households', '住房安全检验通过户数', '户'),
    ('exit_education_pass_households', '义务教育检验通过户数', '户'),
    ('exit_insurance_pass_households', '基本医疗检验通过户数', '户'), ('exit_water_pass_households', '饮水安全检验通过户数', '户'),
    ('villages', '村数', '个'), ('villages_road_reported', '已报道路情况村数', '个'),
    ('villages_with_road', '通沥青（水泥）路村数', '个'), ('villages_clinic_reported', '已报卫生室情况村数', '个'),
    ('villages_with_clinic', '有标准化卫生室村数', '个'), ('tap_water_households', '自来水入户户数', '户'),
    ('tap_water_base_households', '农户总数（自来水）', '户'), ('power_households', '通生活用电户数', '户'),
    ('power_base_households', '农户总数（生活用电）', '户'), ('poor_people_insured', '双参保贫困人口数', '人'),
    ('relocation_households', '易地搬迁户数', '户'), ('relocation_completed', '搬迁房屋竣工户数', '户'),
    ('relocation_facilities_complete', '配套设施完成户数', '户'), ('relocation_moved_in', '已入住户数', '户'),
    ('renovations_due', '应兑付危改补助户数', '户'), ('renovations_paid_30d', '30日内兑付危改补助户数', '户')),
rate_def(metric, label, numerator, denominator) AS (VALUES
    ('poverty_incidence', '贫困发生率', 'incidence_poor_people', 'registered_population'),
    ('exit_ready_rate', '达到脱贫标准户比例', 'exit_ready_households', 'households'),
    ('exit_income_pass_rate', '收入检验通过率', 'exit_income_pass_households', 'households'),
    ('exit_housing_pass_rate', '住房安全检验通过率', 'exit_housing_pass_households', 'households'),
    ('exit_education_pass_rate', '义务教育检验通过率', 'exit_education_pass_households', 'households'),
    ('exit_insurance_pass_rate', '基本医疗检验通过率', 'exit_insurance_pass_households', 'households'),
    ('exit_water_pass_rate', '饮水安全检验通过率', 'exit_water_pass_households', 'households'),
    ('safe_housing_rate', '住房安全保障率', 'exit_housing_pass_households', 'households'),
    ('road_rate', '通沥青（水泥）路率', 'villages_with_road', 'villages_road_reported'),
    ('clinic_rate', '标准化卫生室覆盖率', 'villages_with_clinic', 'villages_clinic_reported'),
    ('tap_water_rate', '自来水入户率', 'tap_water_households', 'tap_water_base_households'),
    ('power_rate', '通生活用电率', 'power_households', 'power_base_households'),
    ('insurance_rate', '贫困人口参保率', 'poor_people_insured', 'poor_people'),
    ('relocation_completion_rate', '搬迁竣工率', 'relocation_completed', 'relocation_households'),
    ('relocation_facilities_rate', '搬迁配套率', 'relocation_facilities_complete', 'relocation_completed'),
    ('relocation_occupancy_rate', '搬迁入住率', 'relocation_moved_in', 'relocation_completed'),
    ('subsidy_30d_rate', '危改补助30日内兑付率', 'renovations_paid_30d', 'renovations_due')),
test_def(level, rate, op, threshold) AS (VALUES
    ('county', 'poverty_incidence', '<', 3.0), ('county', 'road_rate', '>=', 97.0),
    ('county', 'tap_water_rate', '>=', 90.0), ('county', 'power_rate', '>=', 100.0),
    ('county', 'safe_housing_rate', '>=', 97.0), ('county', 'insurance_rate', '>=', 100.0),
    ('village', 'poverty_incidence', '<', 3.0), ('village', 'road_rate', '>=', 100.0),
    ('village', 'exit_water_pass_rate', '>=', 100.0), ('village', 'power_rate', '>=', 100.0),
    ('village', 'clinic_rate', '>=', 100.0)),
poor(status) AS (VALUES ('未脱贫'), ('返贫'), ('预脱贫')),
hh AS (
    SELECT h.*, h.poverty_status IN (SELECT status FROM poor) AS is_poor,
           h.relocation_source IS NOT NULL AND h.house_completed_date IS NOT NULL AS completed
    FROM pub.household h),
insured AS (
    SELECT h.village_code, count(*) AS poor_people_insured
    FROM pub.person p JOIN hh h USING (household_id) WHERE h.is_poor AND p.insured_both GROUP BY h.village_code),
vh AS (
    SELECT village_code, count(*) AS households, sum(member_count) AS people,
        count(*) FILTER (WHERE poverty_status = '未脱贫') AS households_not_exited,
        count(*) FILTER (WHERE poverty_status = '已脱贫') AS households_exited,
        count(*) FILTER (WHERE poverty_status = '预脱贫') AS households_pre_exit,
        count(*) FILTER (WHERE poverty_status = '返贫') AS households_returned,
        sum(member_count) FILTER (WHERE poverty_status = '未脱贫') AS people_not_exited,
        sum(member_count) FILTER (WHERE poverty_status = '已脱贫') AS people_exited,
        sum(member_count) FILTER (WHERE poverty_status = '预脱贫') AS people_pre_exit,
        sum(member_count) FILTER (WHERE poverty_status = '返贫') AS people_returned,
        count(*) FILTER (WHERE poverty_attribute = '一般贫困户') AS households_general,
        count(*) FILTER (WHERE poverty_attribute = '低保贫困户') AS households_dibao,
        count(*) FILTER (WHERE poverty_attribute = '特困供养贫困户') AS households_tekun,
        sum(member_count) FILTER (WHERE poverty_attribute = '一般贫困户') AS people_general,
        sum(member_count) FILTER (WHERE poverty_attribute = '低保贫困户') AS people_dibao,
        sum(member_count) FILTER (WHERE poverty_attribute = '特困供养贫困户') AS people_tekun,
        count(*) FILTER (WHERE is_poor) AS poor_households, sum(member_count) FILTER (WHERE is_poor) AS poor_people,
        count(*) FILTER (WHERE exit_ready) AS exit_ready_households, count(*) FILTER (WHERE is_new) AS new_households,
        count(*) FILTER (WHERE exit_income = 'pass') AS exit_income_pass_households,
        count(*) FILTER (WHERE exit_housing = 'pass') AS exit_housing_pass_households,
        count(*) FILTER (WHERE exit_education = 'pass') AS exit_education_pass_households,
        count(*) FILTER (WHERE exit_insurance = 'pass') AS exit_insurance_pass_households,
        count(*) FILTER (WHERE exit_water = 'pass') AS exit_water_pass_households,
        count(*) FILTER (WHERE relocation_source IS NOT NULL) AS relocation_households,
        count(*) FILTER (WHERE completed) AS relocation_completed,
        count(*) FILTER (WHERE completed AND facilities_complete) AS relocation_facilities_complete,
        count(*) FILTER (WHERE completed AND moved_in_date IS NOT NULL) AS relocation_moved_in,
        count(*) FILTER (WHERE acceptance_date IS NOT NULL AND (acceptance_date <= (SELECT as_of FROM ctx) - 30
                                                                 OR subsidy_paid_date IS NOT NULL)) AS renovations_due,
        count(*) FILTER (WHERE acceptance_date IS NOT NULL AND subsidy_paid_date IS NOT NULL
                           AND subsidy_paid_date - acceptance_date <= 30) AS renovations_paid_30d
    FROM hh GROUP BY village_code),
base AS (
    SELECT v.village_code AS code, vh.* EXCLUDE (village_code),
           CASE WHEN v.registered_population > 0 THEN v.poor_people ELSE 0 END AS incidence_poor_people,
           CASE WHEN v.registered_population > 0 THEN v.registered_population ELSE 0 END AS registered_population,
           1 AS villages,
           (v.has_paved_road IS NOT NULL)::INT AS villages_road_reported, coalesce(v.has_paved_road, false)::INT AS villages_with_road,
           (v.has_standard_clinic IS NOT NULL)::INT AS villages_clinic_reported,
           coalesce(v.has_standard_clinic, false)::INT AS villages_with_clinic,
           CASE WHEN v.farm_households IS NOT NULL THEN v.households_with_tap_water END AS tap_water_households,
           CASE WHEN v.households_with_tap_water IS NOT NULL THEN v.farm_households END AS tap_water_base_households,
           CASE WHEN v.farm_households IS NOT NULL THEN v.households_with_power END AS power_households,
           CASE WHEN v.households_with_power IS NOT NULL THEN v.farm_households END AS power_base_households,
           ins.poor_people_insured
    FROM pub.village v LEFT JOIN vh ON vh.village_code = v.village_code
    LEFT JOIN insured ins ON ins.village_code = v.village_code),
long_v AS (
    UNPIVOT (SELECT code, coalesce(COLUMNS(* EXCLUDE (code)), 0)::DOUBLE FROM base)
    ON COLUMNS(* EXCLUDE (code)) INTO NAME metric VALUE value),
places AS (SELECT village_code, township_code, county_code, gazetteer_village_name, gazetteer_township_name,
                  gazetteer_county_name FROM pub.village),
site_counts AS (
    SELECT county_code || '/' || site_name AS code, any_value(site_name) AS name, any_value(county_code) AS parent_code,
           count(*)::DOUBLE AS relocation_households, count(*) FILTER (WHERE completed)::DOUBLE AS relocation_completed,
           count(*) FILTER (WHERE completed AND facilities_complete)::DOUBLE AS relocation_facilities_complete,
           count(*) FILTER (WHERE completed AND moved_in_date IS NOT NULL)::DOUBLE AS relocation_moved_in
    FROM hh WHERE relocation_source IS NOT NULL AND site_name IS NOT NULL GROUP BY ALL),
counts AS (
    SELECT 'village' AS level, p.village_code AS code, any_value(p.gazetteer_village_name) AS name,
           any_value(p.township_code) AS parent_code, l.metric, sum(l.value) AS value
    FROM long_v l JOIN places p ON p.village_code = l.code GROUP BY p.village_code, l.metric
    UNION ALL
    SELECT 'township', p.township_code, any_value(p.gazetteer_township_name), any_value(p.county_code), l.metric, sum(l.value)
    FROM long_v l JOIN places p ON p.village_code = l.code GROUP BY p.township_code, l.metric
    UNION ALL
    SELECT 'county', p.county_code, any_value(p.gazetteer_county_name), '611000', l.metric, sum(l.value)
    FROM long_v l JOIN places p ON p.village_code = l.code GROUP BY p.county_code, l.metric
    UNION ALL
    SELECT 'city', '611000', '商洛市', NULL, l.metric, sum(l.value) FROM long_v l GROUP BY l.metric
    UNION ALL
    SELECT 'site', code, name, parent_code, metric, value
    FROM (UNPIVOT site_counts ON COLUMNS(* EXCLUDE (code, name, parent_code)) INTO NAME metric VALUE value)),
numerators AS MATERIALIZED (  -- apart, so that the denominators join on all three keys at once (not on
    SELECT n.*, r.metric AS rate, r.label AS rate_label, r.denominator   -- level and code alone: 7 M rows)
    FROM rate_def r JOIN counts n ON n.metric = r.numerator),
rates AS (
    SELECT n.level, n.code, n.name, n.parent_code, n.rate AS metric, n.rate_label AS label,
           CASE WHEN d.value > 0 THEN 100.0 * n.value / d.value END AS value, n.metric AS numerator, n.denominator
    FROM numerators n JOIN counts d ON d.level = n.level AND d.code = n.code AND d.metric = n.denominator),
tests AS (
    SELECT r.level, r.code, r.name, r.parent_code, r.metric || '_test' AS metric, r.label || '是否达标' AS label,
           t.op || ' ' || t.threshold::VARCHAR AS threshold, r.metric AS numerator,
           CASE t.op WHEN '<' THEN r.value < t.threshold ELSE r.value >= t.threshold END AS passed
    FROM test_def t JOIN rates r ON r.level = t.level AND r.metric = t.rate)
SELECT ctx.version_id AS version, m.level, m.code, m.name, m.parent_code, m.metric, m.label AS metric_label,
       m.kind, m.value, m.unit, m.numerator_metric, m.denominator_metric, m.threshold, m.passed
FROM (
    SELECT c.level, c.code, c.name, c.parent_code, c.metric, d.label, 'count' AS kind, c.value, d.unit,
           NULL AS numerator_metric, NULL AS denominator_metric, NULL AS threshold, NULL::BOOLEAN AS passed
    FROM counts c JOIN count_def d USING (metric)
    UNION ALL
    SELECT level, code, name, parent_code, metric, label, 'rate', value, '%', numerator, denominator, NULL, NULL
    FROM rates
    UNION ALL
    SELECT level, code, name, parent_code, metric, label, 'test', passed::INT, '1=达标,0=未达标', numerator, NULL,
           threshold, passed
    FROM tests) m
CROSS JOIN ctx
ORDER BY list_position(['city', 'county', 'township', 'village', 'site'], m.level), m.code, m.kind, m.metric
