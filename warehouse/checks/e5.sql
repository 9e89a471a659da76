-- E5 (blocking): the exit check of each household agrees with its components (contract.md "The
-- exit check"), recomputed here from the published columns: income_per_capita and the run's
-- income line; moved_in_date, house_grade, acceptance_date, housing_reported, is_dangerous_house;
-- dropouts_6_15; members_uninsured, members_insurance_unknown, member_count; drinking_water_safety;
-- first_identified_date. One bad row per disagreeing column of a household.
WITH ctx AS (SELECT as_of, income_line FROM run_context LIMIT 1),
re AS MATERIALIZED (
    SELECT h.*,
           CASE WHEN h.income_per_capita IS NULL OR ctx.income_line IS NULL THEN 'unknown'
                WHEN h.income_per_capita >= ctx.income_line THEN 'pass' ELSE 'fail' END AS r_income,
           CASE WHEN h.moved_in_date IS NOT NULL OR h.house_grade IN ('A级', 'B级')
                     OR (h.house_grade IN ('C级', 'D级') AND h.acceptance_date IS NOT NULL) THEN 'pass'
                WHEN h.house_grade IN ('C级', 'D级') OR h.is_dangerous_house THEN 'fail'
                WHEN h.housing_reported AND h.is_dangerous_house IS NULL THEN 'unknown'
                ELSE 'pass' END AS r_housing,
           CASE WHEN h.dropouts_6_15 > 0 THEN 'fail' ELSE 'pass' END AS r_education,
           CASE WHEN h.members_uninsured > 0 THEN 'fail'
                WHEN h.member_count = 0 OR h.members_insurance_unknown > 0 THEN 'unknown' ELSE 'pass' END AS r_insurance,
           CASE WHEN h.drinking_water_safety IN ('达标', '基本达标') THEN 'pass'
                WHEN h.drinking_water_safety = '不达标' THEN 'fail' ELSE 'unknown' END AS r_water,
           coalesce(year(h.first_identified_date) = year(ctx.as_of), false) AS r_new
    FROM pub.household h CROSS JOIN ctx),
lists AS (
    SELECT re.*,
           list_filter([CASE WHEN r_income = 'fail' THEN 'income' END, CASE WHEN r_housing = 'fail' THEN 'housing' END,
                        CASE WHEN r_education = 'fail' THEN 'education' END,
                        CASE WHEN r_insurance = 'fail' THEN 'insurance' END, CASE WHEN r_water = 'fail' THEN 'water' END,
                        CASE WHEN r_income = 'unknown' THEN 'unknown:income' END,
                        CASE WHEN r_housing = 'unknown' THEN 'unknown:housing' END,
                        CASE WHEN r_education = 'unknown' THEN 'unknown:education' END,
                        CASE WHEN r_insurance = 'unknown' THEN 'unknown:insurance' END,
                        CASE WHEN r_water = 'unknown' THEN 'unknown:water' END,
                        CASE WHEN r_new THEN 'new' END], lambda x: x IS NOT NULL) AS r_failed,
           r_income = 'pass' AND r_housing = 'pass' AND r_education = 'pass' AND r_insurance = 'pass'
               AND r_water = 'pass' AND NOT r_new AS r_ready
    FROM re),
bad AS (
    SELECT row_uid, household_id, 'exit_income' AS col, exit_income AS got, r_income AS want FROM lists
    WHERE exit_income IS DISTINCT FROM r_income
    UNION ALL SELECT row_uid, household_id, 'exit_housing', exit_housing, r_housing FROM lists
    WHERE exit_housing IS DISTINCT FROM r_housing
    UNION ALL SELECT row_uid, household_id, 'exit_education', exit_education, r_education FROM lists
    WHERE exit_education IS DISTINCT FROM r_education
    UNION ALL SELECT row_uid, household_id, 'exit_insurance', exit_insurance, r_insurance FROM lists
    WHERE exit_insurance IS DISTINCT FROM r_insurance
    UNION ALL SELECT row_uid, household_id, 'exit_water', exit_water, r_water FROM lists
    WHERE exit_water IS DISTINCT FROM r_water
    UNION ALL SELECT row_uid, household_id, 'exit_ready', exit_ready::VARCHAR, r_ready::VARCHAR FROM lists
    WHERE exit_ready IS DISTINCT FROM r_ready
    UNION ALL SELECT row_uid, household_id, 'exit_failed_tests', exit_failed_tests::VARCHAR, r_failed::VARCHAR
    FROM lists WHERE exit_failed_tests IS DISTINCT FROM r_failed)
SELECT row_uid, 'data_office' AS office, NULL::VARCHAR AS file_name, NULL::VARCHAR AS file_hash,
       NULL::VARCHAR AS sheet, NULL::BIGINT AS row, col AS column_name, got AS value, household_id,
       NULL::VARCHAR AS person_id,
       '户' || coalesce(household_id, '') || '的' || col || '为' || coalesce(got, '空') || '，按各项指标应为'
           || coalesce(want, '空') AS detail
FROM bad
