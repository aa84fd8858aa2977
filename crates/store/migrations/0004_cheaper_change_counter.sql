-- The change counter's triggers (0003) fired twice per written row, which cost an import of
-- 100,000 records about a fifth of its time. An import now takes one number from the counter
-- for all its rows and writes it itself; the triggers stay for every other write (a save, a
-- status change) but stand aside when the statement has set `change_id` already.
DROP TRIGGER interventions_change_on_insert;
DROP TRIGGER interventions_change_on_update;

CREATE TRIGGER interventions_change_on_insert
AFTER INSERT ON interventions
WHEN NEW.change_id = 0
BEGIN
    UPDATE change_counter SET value = value + 1 WHERE id = 1;
    UPDATE interventions SET change_id = (SELECT value FROM change_counter WHERE id = 1)
        WHERE id = NEW.id;
END;

CREATE TRIGGER interventions_change_on_update
AFTER UPDATE OF current_revision, status, public_status, published_revision ON interventions
WHEN NEW.change_id = OLD.change_id
BEGIN
    UPDATE change_counter SET value = value + 1 WHERE id = 1;
    UPDATE interventions SET change_id = (SELECT value FROM change_counter WHERE id = 1)
        WHERE id = NEW.id;
END;
