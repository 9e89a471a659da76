-- pub.household_members: the figures of each household's members in pub.person, for pub.household
-- (not published). Its own candidate, so that a corrected file of a household-level sender
-- (housing, relocation, industry, infrastructure), which leaves pub.person as it was, leaves it as
-- it was too (pipelines.fingerprints): only pub.household is built again.
SELECT p.household_id, count(*) AS member_count,
       count(*) FILTER (WHERE p.education_source IS NOT NULL) AS students,
       count(*) FILTER (WHERE p.enrolment_status = '辍学' AND p.age BETWEEN 6 AND 15) AS dropouts_6_15,
       pub.sources(list(p.education_source)) AS education_source,
       count(*) FILTER (WHERE p.insured_both) AS members_insured,
       count(*) FILTER (WHERE NOT p.insured_both) AS members_uninsured,
       count(*) FILTER (WHERE p.insured_both IS NULL) AS members_insurance_unknown,
       pub.sources(flatten(list(string_split(p.insurance_source, ',')))) AS insurance_source,
       list_sort(list_distinct(flatten(list(p.assistance_types)))) AS assistance_types,
       count(*) FILTER (WHERE p.is_deceased) AS deceased_members,
       list_sort(list_distinct(flatten(list(p.screening_categories)))) AS screening_categories,
       pub.sources(list(p.screening_source)) AS screening_source,
       count(*) FILTER (WHERE p.is_forest_ranger) AS forest_rangers,
       count(*) FILTER (WHERE p.income_wages_source IS NOT NULL) AS workers,
       sum(p.income_wages) AS income_wages, pub.sources(list(p.income_wages_source)) AS income_wages_source,
       sum(p.income_transfers) AS income_transfers,
       pub.sources(list(p.income_transfers_source)) AS income_transfers_source,
       sum(p.income_eco) AS income_eco, pub.sources(list(p.income_eco_source)) AS income_eco_source
FROM pub.person p GROUP BY p.household_id
