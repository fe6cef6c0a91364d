-- Placeholder on branch quality only, so that 0025 runs here: the lead drops it at merge (0020–0024 belong to other branches).
SELECT 1;
