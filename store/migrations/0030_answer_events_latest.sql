-- The review page lists a draft's latest answer changes (AnswerChanges:
-- WHERE response_id = ? ORDER BY id DESC LIMIT 15). The index on
-- (response_id, at) held a draft's events in time order, not ID order, so
-- SQLite read every event of the draft (42 after one pass of the survey,
-- hundreds for a draft answered over and over), sorted them in a temporary
-- b-tree and kept 15: a third of the review page's CPU in the load tool's
-- cycle. An index on response_id alone holds them in ID order (an index
-- entry ends with its row's ID), so the query reads the 15 it shows and no
-- sort; `at` was never searched by. One index replaced by a smaller one: no
-- write costs more. The foreign key's cascade uses it as before.
DROP INDEX answer_events_response_idx;
CREATE INDEX answer_events_latest_idx ON answer_events (response_id);
