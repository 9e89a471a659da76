-- pub.household_relocation: per household, the relocation sender's row in force tied to it through
-- `link` (of several, the latest month, then the first row_uid). Not published; read by
-- pub.household by household_id (pipelines.publish KEYED, as pub.household_housing).
WITH lk AS (SELECT row_uid, household_id FROM link WHERE household_id IS NOT NULL)
SELECT lk.household_id, r.office, r.site_name, r.placement_mode, r.house_completed_date, r.facilities_complete,
       r.keys_handed_date, r.moved_in_date, r.old_house_demolished
FROM cur_relocation r JOIN lk USING (row_uid)
QUALIFY row_number() OVER (PARTITION BY lk.household_id ORDER BY r.month DESC, r.row_uid) = 1
