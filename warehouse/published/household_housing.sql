-- pub.household_housing: per household, the housing sender's row in force tied to it through `link`
-- (of several, the latest month, then the first row_uid). Not published: pub.household reads it by
-- household_id, and a corrected housing file changes it for the households whose values changed
-- only, which are then the only ones pub.household is built again for (pipelines.publish KEYED).
WITH lk AS (SELECT row_uid, household_id FROM link WHERE household_id IS NOT NULL)
SELECT lk.household_id, h.office, h.house_grade, h.renovation_mode, h.acceptance_date, h.subsidy_amount,
       h.subsidy_paid_date
FROM cur_housing h JOIN lk USING (row_uid)
QUALIFY row_number() OVER (PARTITION BY lk.household_id ORDER BY h.month DESC, h.row_uid) = 1
