-- link: every current sector row tied to the registry person/household it concerns.
-- Person-grain senders are tied by the person's ID; household-grain senders by the head's ID
-- (a member's ID still ties to the member's household: B3 reports it); relocation by 户编号 first.
-- A row whose ID is not in the registry gets NULLs (B1). When one ID is in two households (C1),
-- the lowest person number wins, deterministically.
-- A SELECT: pipelines.link.link_rows makes table `link` hold its rows (updated by row_uid).
WITH person_ids AS (
    SELECT id_number, min(person_id) AS person_id, min(household_id) AS household_id
    FROM cur_registry_person WHERE id_number IS NOT NULL GROUP BY id_number
), head_ids AS (
    SELECT head_id_number, min(household_id) AS household_id
    FROM cur_registry_household WHERE head_id_number IS NOT NULL GROUP BY head_id_number
), by_person AS (
    SELECT row_uid, office, tbl, id_number FROM (
        SELECT row_uid, office, 'employment' AS tbl, id_number FROM cur_employment
        UNION ALL SELECT row_uid, office, 'ecology', id_number FROM cur_ecology
        UNION ALL SELECT row_uid, office, 'education', id_number FROM cur_education
        UNION ALL SELECT row_uid, office, 'health', id_number FROM cur_health
        UNION ALL SELECT row_uid, office, 'social_security', id_number FROM cur_social_security
        UNION ALL SELECT row_uid, office, 'screening', id_number FROM cur_screening)
), by_head AS (
    SELECT row_uid, office, tbl, head_id_number, household_id FROM (
        SELECT row_uid, office, 'industry' AS tbl, head_id_number, NULL AS household_id FROM cur_industry
        UNION ALL SELECT row_uid, office, 'housing', head_id_number, NULL FROM cur_housing
        UNION ALL SELECT row_uid, office, 'infra_household', head_id_number, NULL FROM cur_infra_household
        UNION ALL SELECT row_uid, office, 'relocation', head_id_number, household_id FROM cur_relocation)
)
SELECT b.row_uid, b.office, b.tbl, p.household_id, p.person_id,
       CASE WHEN p.person_id IS NOT NULL THEN 'id_number' END
FROM by_person b LEFT JOIN person_ids p USING (id_number)
UNION ALL
SELECT b.row_uid, b.office, b.tbl,
       coalesce(rh.household_id, h.household_id, p.household_id),
       CASE WHEN rh.household_id IS NULL AND h.household_id IS NULL THEN p.person_id END,
       CASE WHEN rh.household_id IS NOT NULL THEN 'household_id'
            WHEN h.household_id IS NOT NULL THEN 'head_id_number'
            WHEN p.person_id IS NOT NULL THEN 'member_id_number' END
FROM by_head b
LEFT JOIN (SELECT DISTINCT household_id FROM cur_registry_household) rh ON rh.household_id = b.household_id
LEFT JOIN head_ids h ON h.head_id_number = b.head_id_number
LEFT JOIN person_ids p ON p.id_number = b.head_id_number;
