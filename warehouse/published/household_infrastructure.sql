-- pub.household_infrastructure: per household, the infrastructure sender's household row in force
-- tied to it through `link` (of several, the latest month, then the first row_uid). Not published;
-- read by pub.household by household_id (pipelines.publish KEYED, as pub.household_housing).
WITH lk AS (SELECT row_uid, household_id FROM link WHERE household_id IS NOT NULL)
SELECT lk.household_id, i.office, i.drinking_water_safety, i.has_power
FROM cur_infra_household i JOIN lk USING (row_uid)
QUALIFY row_number() OVER (PARTITION BY lk.household_id ORDER BY i.month DESC, i.row_uid) = 1
