-- The queue's hot paths, from the load benchmark (BENCHMARKS.md, issue 19).
--
-- `queue_full` is a hint kept by the queue: 1 once every place of the
-- document was seen taken, 0 again when a place is given up. The claim
-- walks only documents with a free place (the partial index), in import
-- order and without reading their text; when that finds nothing it walks
-- them all, so a hint left at 1 by a race delays a document, never loses it.
ALTER TABLE documents ADD COLUMN queue_full INTEGER NOT NULL DEFAULT 0;
UPDATE documents SET queue_full = 1
 WHERE (SELECT overlap FROM projects p WHERE p.id = documents.project_id) > 0
   AND (SELECT COUNT(*) FROM assignments a WHERE a.document_id = documents.id AND a.slot IS NOT NULL)
       >= (SELECT overlap FROM projects p WHERE p.id = documents.project_id);
CREATE INDEX documents_with_places ON documents (project_id, id) WHERE queue_full = 0;
CREATE INDEX documents_in_order ON documents (project_id, id);

-- The abandon sweep finds a project's open places by age.
CREATE INDEX assignments_by_age ON assignments (project_id, state, updated_at);
