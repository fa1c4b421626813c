-- 0010: what the statutory returns read. The children in need census
-- (src/returns/cin_load.c) starts from the children's cases that were open at
-- some time in the collection year: open, or closed on or after 1 April. With
-- this index it finds them without reading ten years of case steps (whose
-- answers make them the largest rows in the database) to find the referrals.
CREATE INDEX cases_pathway_closed ON cases (pathway, closed_at);
