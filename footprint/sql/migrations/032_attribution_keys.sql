-- Tag keys as CUR 2.0 writes them: its resource_tags map turns the cost allocation tag 'user:team' into
-- 'user_team' (and 'aws:createdBy' into 'aws_createdBy'). Such keys now match like 'user:team'.
CREATE OR REPLACE MACRO fp_attr_key(k) AS fp_attr_match(regexp_replace(
    lower(trim(k)), '^(?:resource_?tags[/_.:]+(?:user[:_])?|user[:_]|tags?[:.]|labels?[:.])', ''));
