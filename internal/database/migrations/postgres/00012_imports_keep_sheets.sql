-- An upload keeps the rows read from its file, as JSON (sheet), instead of
-- the file: the file was read again for every view of its preview, and a
-- hostile one cost that every time. Uploads kept before keep their file
-- (content) until their preview first reads it, which then keeps the
-- sheet in its place.

-- +goose Up
ALTER TABLE imports ADD COLUMN sheet TEXT;
ALTER TABLE imports ALTER COLUMN content DROP NOT NULL;
ALTER TABLE imports ADD CONSTRAINT imports_sheet_or_content CHECK (sheet IS NOT NULL OR content IS NOT NULL);

-- +goose Down
-- Uploads kept as sheets have no file to go back to, and are dropped.
DELETE FROM imports WHERE content IS NULL;
ALTER TABLE imports DROP CONSTRAINT imports_sheet_or_content;
ALTER TABLE imports ALTER COLUMN content SET NOT NULL;
ALTER TABLE imports DROP COLUMN sheet;
