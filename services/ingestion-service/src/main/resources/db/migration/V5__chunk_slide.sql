-- The slide of a presentation's chunk (a PDF's page stays in page).
ALTER TABLE chunk ADD COLUMN slide integer;
