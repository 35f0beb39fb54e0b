DROP TABLE returns_events;
DROP TABLE returns_refunds;
DROP TABLE returns_photos;
DROP TABLE returns_lines;
DROP TABLE returns_requests;
DROP SEQUENCE returns_numbers;
DROP TABLE returns_policies;
