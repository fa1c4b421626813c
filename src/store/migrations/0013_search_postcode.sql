-- 0013: a search scores up to 400 candidates, and each one's current postcode
-- (the newest address with no end date) was read through addresses_person
-- and then every address row of the person. This partial index holds the
-- current addresses' postcodes beside the person, so the lookup reads one
-- index entry and no table row (about a fifth of a broad search's CPU on the
-- seeded district; issue 7).
CREATE INDEX addresses_current ON addresses (person_id, id, postcode) WHERE to_date IS NULL;
