-- The listings' change log names the category a category change is about (it had no product and showed
-- nowhere), and is read newest first across all listings by the back office's history page.
ALTER TABLE catalog_audit ADD COLUMN category_id bigint;

UPDATE catalog_audit SET category_id = (changes->>'category')::bigint
WHERE action = 'category.update' AND jsonb_typeof(changes->'category') = 'number';

UPDATE catalog_audit a SET category_id = c.id
FROM catalog_categories c
WHERE a.action = 'category.create' AND a.category_id IS NULL AND c.code = a.changes->>'Code';

CREATE INDEX catalog_audit_at ON catalog_audit (at DESC, id DESC);
CREATE INDEX catalog_audit_category ON catalog_audit (category_id, at DESC) WHERE category_id IS NOT NULL;
