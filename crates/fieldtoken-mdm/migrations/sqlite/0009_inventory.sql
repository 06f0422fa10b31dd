-- Running a real organisation (issue 19): devices are registered, imported, moved by hand and retired.
--
-- A retired device leaves every list, the offline bundle and sync (a redemption for it is `unknown_device`); its
-- row stays, for the history that names it, and so does its serial (a serial names one device for good).
ALTER TABLE devices ADD COLUMN retired_at INTEGER;

-- Lists of 200,000 devices stay fast: every filter of `GET /api/v1/devices` (serial prefix, fleet, state) has an
-- index over the live devices, ordered by serial as the list is, so a page reads only its own rows. The fleet index
-- also counts a fleet's devices.
CREATE INDEX devices_live_by_serial ON devices (org_id, serial) WHERE retired_at IS NULL;
CREATE INDEX devices_live_by_fleet ON devices (org_id, fleet_id, serial) WHERE retired_at IS NULL;
CREATE INDEX devices_live_by_state ON devices (org_id, state, serial) WHERE retired_at IS NULL;
-- Deleting a fleet asks whether any device or live action token points at it.
CREATE INDEX devices_by_fleet ON devices (fleet_id);
CREATE INDEX action_tokens_by_fleet ON action_tokens (fleet_id) WHERE fleet_id IS NOT NULL;
