-- Advisor accounts made before advisor profiles existed (an older demo
-- database, or `dxready user add --role advisor`) get the profile a new
-- advisor starts with: Vietnamese, online, weekdays 08:00–11:45 and
-- 13:30–17:00 (see store.StarterAdvisor), so they can be edited and booked.
CREATE TEMP TABLE profileless AS
    SELECT id FROM users WHERE role = 'advisor' AND id NOT IN (SELECT user_id FROM advisors);
INSERT INTO advisors (user_id, updated_at) SELECT id, strftime('%Y-%m-%d %H:%M:%S', 'now') FROM profileless;
INSERT INTO advisor_hours (advisor_id, weekday, start_min, end_min)
    SELECT p.id, d.value, b.s, b.e FROM profileless p, json_each('[1,2,3,4,5]') d,
        (SELECT 480 AS s, 705 AS e UNION ALL SELECT 810, 1020) b;
DROP TABLE profileless;
