DROP INDEX catalog_audit_category;
DROP INDEX catalog_audit_at;
ALTER TABLE catalog_audit DROP COLUMN category_id;
