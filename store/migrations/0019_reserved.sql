-- Reserved: migration 19 is another branch's (issue 14). This empty placeholder keeps
-- the numbering whole on branch lists2 only; drop it when merging that branch's file.
SELECT 1;
