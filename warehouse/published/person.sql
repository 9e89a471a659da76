-- pub.person: one row per registry member in force (cur_registry_person), with the person-level
-- senders' values converged onto it through `link` (rows tied to no registry person stay out).
-- Sparse senders (education, employment, ecology, social_security, screening): no row = not
-- concerned. Health is exhaustive: a missing or emptied value falls back to the registry's field.
WITH ctx AS (SELECT as_of FROM run_context LIMIT 1),
masked AS (  -- pub.mask_text (six regexes) once per distinct file name and sheet, not once per row
    SELECT t AS raw, pub.mask_text(t) AS masked
    FROM (SELECT file_name AS t FROM cur_registry_person UNION SELECT sheet FROM cur_registry_person)),
lk AS (SELECT row_uid, person_id FROM link WHERE person_id IS NOT NULL),
health AS (
    SELECT lk.person_id, h.office, h.basic_medical_insurance, h.serious_illness_insurance,
           h.family_doctor_signed, h.disease_category
    FROM cur_health h JOIN lk USING (row_uid)
    QUALIFY row_number() OVER (PARTITION BY lk.person_id ORDER BY h.month DESC, h.row_uid) = 1),
edu AS (
    SELECT lk.person_id, e.office, e.school_name, e.school_stage, e.enrolment_status,
           sum(e.aid_amount) OVER (PARTITION BY lk.person_id) AS aid_amount
    FROM cur_education e JOIN lk USING (row_uid)
    QUALIFY row_number() OVER (PARTITION BY lk.person_id
                               ORDER BY e.enrolment_status = '辍学' DESC NULLS LAST, e.month DESC, e.row_uid) = 1),
eco AS (
    SELECT lk.person_id, pub.sources(list(e.office)) AS office, bool_or(e.is_forest_ranger) AS is_forest_ranger,
           sum(e.ranger_annual_pay) AS ranger_annual_pay,
           coalesce(sum(e.ranger_annual_pay), 0) + coalesce(sum(e.grain_for_green_subsidy), 0)
               + coalesce(sum(e.eco_compensation), 0) AS income_eco
    FROM cur_ecology e JOIN lk USING (row_uid) GROUP BY lk.person_id),
emp AS (
    -- a 护林员 post is left out of wages when ecology reports 护林员年报酬 for the person
    SELECT lk.person_id, e.office, e.row_uid, e.work_region, e.employer, e.monthly_wage, e.work_months,
           e.is_welfare_post, e.welfare_post_type,
           coalesce(e.welfare_post_type = '护林员' AND eco.ranger_annual_pay IS NOT NULL, false) AS ranger_excluded
    FROM cur_employment e JOIN lk USING (row_uid) LEFT JOIN eco ON eco.person_id = lk.person_id),
emp_p AS (
    SELECT person_id, pub.sources(list(office)) AS office,
           first(work_region ORDER BY row_uid) AS work_region, first(employer ORDER BY row_uid) AS employer,
           first(monthly_wage ORDER BY row_uid) AS monthly_wage, bool_or(is_welfare_post) AS is_welfare_post,
           first(welfare_post_type ORDER BY row_uid) AS welfare_post_type,
           bool_or(ranger_excluded) AS ranger_wage_excluded,
           sum(CASE WHEN ranger_excluded THEN 0
                    ELSE coalesce(monthly_wage, 0) * coalesce(work_months, 0) END) AS income_wages
    FROM emp GROUP BY person_id),
ss AS (
    SELECT lk.person_id, pub.sources(list(s.office)) AS office,
           list_sort(list_distinct(list(s.assistance_type))) AS assistance_types,
           sum(CASE WHEN s.assistance_type IN ('农村低保', '特困供养', '残疾人两项补贴') THEN coalesce(s.monthly_amount, 0) * 12
                    WHEN s.assistance_type = '临时救助' THEN coalesce(s.monthly_amount, 0)
                    ELSE 0 END) AS income_transfers,
           bool_or(s.is_deceased) AS is_deceased, max(s.death_date) AS death_date
    FROM cur_social_security s JOIN lk USING (row_uid) GROUP BY lk.person_id),
scr AS (
    SELECT lk.person_id, pub.sources(list(s.office)) AS office,
           list_sort(list_distinct(list(s.finding_category))) AS screening_categories
    FROM cur_screening s JOIN lk USING (row_uid) GROUP BY lk.person_id),
hp AS (
    SELECT DISTINCT ON (rh.household_id) rh.household_id, pm.county_code, pm.township_code, pm.village_code
    FROM cur_registry_household rh JOIN pub.place_match pm USING (row_uid)
    ORDER BY rh.household_id, rh.row_uid),
conv AS (
    SELECT r.*, try_strptime(substr(r.id_number, 7, 8), '%Y%m%d')::DATE AS birth,
           coalesce(h.basic_medical_insurance,
                    CASE r.has_basic_medical WHEN true THEN '已参保' WHEN false THEN '未参保' END) AS basic_conv,
           coalesce(h.serious_illness_insurance,
                    CASE r.has_serious_illness_insurance WHEN true THEN '已参保' WHEN false THEN '未参保' END) AS serious_conv,
           CASE WHEN h.basic_medical_insurance IS NOT NULL THEN h.office
                WHEN r.has_basic_medical IS NOT NULL THEN 'registry' END AS basic_src,
           CASE WHEN h.serious_illness_insurance IS NOT NULL THEN h.office
                WHEN r.has_serious_illness_insurance IS NOT NULL THEN 'registry' END AS serious_src,
           h.family_doctor_signed, h.disease_category
    FROM cur_registry_person r LEFT JOIN health h ON h.person_id = r.person_id)
SELECT c.person_id, c.household_id, hp.county_code, hp.township_code, hp.village_code,
       c.name, ps.masked AS id_masked, ps.pseudonym AS id_pseudonym, c.sex,
       date_sub('year', c.birth, ctx.as_of) AS age,
       c.relation_to_head, c.ethnicity, c.education_level, c.school_status, c.health_status, c.labour_skill,
       c.work_status, c.work_months, c.has_basic_medical, c.has_serious_illness_insurance,
       c.basic_conv AS basic_medical_insurance, c.serious_conv AS serious_illness_insurance,
       CASE WHEN c.basic_conv = '未参保' OR c.serious_conv = '未参保' THEN false
            WHEN c.basic_conv IS NULL OR c.serious_conv IS NULL THEN NULL ELSE true END AS insured_both,
       pub.sources([c.basic_src, c.serious_src]) AS insurance_source,
       c.family_doctor_signed, c.disease_category,
       edu.school_name, edu.school_stage, edu.enrolment_status, edu.aid_amount, edu.office AS education_source,
       emp_p.work_region, emp_p.employer, emp_p.monthly_wage, emp_p.is_welfare_post, emp_p.welfare_post_type,
       coalesce(emp_p.ranger_wage_excluded, false) AS ranger_wage_excluded,
       coalesce(emp_p.income_wages, 0) AS income_wages, emp_p.office AS income_wages_source,
       eco.is_forest_ranger, eco.ranger_annual_pay, coalesce(eco.income_eco, 0) AS income_eco,
       eco.office AS income_eco_source,
       ss.assistance_types, ss.is_deceased, ss.death_date, coalesce(ss.income_transfers, 0) AS income_transfers,
       ss.office AS income_transfers_source, scr.screening_categories, scr.office AS screening_source,
       c.load_id, c.office, c.file_hash, mf.masked AS file_name, ms.masked AS sheet,
       c.row, c.row_uid, c.month
FROM conv c
LEFT JOIN masked mf ON mf.raw = c.file_name
LEFT JOIN masked ms ON ms.raw = c.sheet
CROSS JOIN ctx
LEFT JOIN hp ON hp.household_id = c.household_id
LEFT JOIN pub.pseudonym ps ON ps.kind = 'id' AND ps.raw = c.id_number
LEFT JOIN edu ON edu.person_id = c.person_id
LEFT JOIN emp_p ON emp_p.person_id = c.person_id
LEFT JOIN eco ON eco.person_id = c.person_id
LEFT JOIN ss ON ss.person_id = c.person_id
LEFT JOIN scr ON scr.person_id = c.person_id
