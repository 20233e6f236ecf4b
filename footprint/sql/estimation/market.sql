-- Market-based Scope 2 per the GHG Protocol hierarchy, as macros shared by the per-row statement
-- (20_items.sql, before any contractual instrument) and the instruments pass (30_instruments.sql), so a
-- row's market-based figures are computed one way whichever step wrote them last. Temporary macros.
-- What no instrument covers takes the provider's renewable claim (only when the user opted in,
-- labelled), else the user's residual mix for the zone, else the location-based factor as the disclosed
-- last resort. The mk_* arguments are the columns of _fp_mkey (mkey.sql).

CREATE OR REPLACE TEMP MACRO fp_remainder_method(has_claim, has_residual) AS
    CASE WHEN has_claim THEN 'provider_claim' WHEN has_residual THEN 'residual_mix' ELSE 'location_fallback' END;

CREATE OR REPLACE TEMP MACRO fp_remainder_factor(has_claim, claimed_share, has_residual, residual_factor,
                                                 loc_factor) AS
    CASE WHEN has_claim THEN loc_factor * (1.0 - claimed_share)
         WHEN has_residual THEN residual_factor
         ELSE loc_factor END;

CREATE OR REPLACE TEMP MACRO fp_remainder_source(has_claim, claim_source, claim_year, claimed_share, claim_type,
                                                 has_residual, residual_batch, residual_row, residual_source,
                                                 residual_year, grid_zone, loc_source) AS
    CASE WHEN has_claim
             THEN 'provider claim (opted in): ' || claim_source || ' ' || claim_year || ', '
                  || round(claimed_share * 100, 1) || '% ' || claim_type || ', applied to ' || loc_source
         WHEN has_residual
             THEN 'input_residual_mix: batch ' || residual_batch || ' row ' || residual_row || ' (' || residual_source
                  || ', ' || residual_year || ')'
         ELSE 'no instrument or residual mix for ' || coalesce(grid_zone, 'unknown zone')
              || ': location-based factor ' || loc_source END;

-- share: part of the facility energy contractual instruments cover (0..1); part: sum of share x factor
-- of those instruments; ids: their labels.
CREATE OR REPLACE TEMP MACRO fp_market_method(share, remainder_method) AS
    CASE WHEN share >= 1.0 - 1e-9 THEN 'instrument'
         WHEN share > 0 THEN 'instrument+' || remainder_method
         ELSE remainder_method END;

CREATE OR REPLACE TEMP MACRO fp_market_factor(part, share, remainder_factor) AS
    part + (1.0 - share) * remainder_factor;

CREATE OR REPLACE TEMP MACRO fp_market_source(share, ids, remainder_source) AS
    CASE WHEN share >= 1.0 - 1e-9 THEN 'instruments: ' || ids
         WHEN share > 0 THEN 'instruments: ' || ids || '; remainder: ' || remainder_source
         ELSE remainder_source END;

-- Whether a contractual instrument (ins_*: its zone, provider, region and inclusive period; NULL scope
-- fields match anything) covers an item (zone, provider, region, start of its charge period).
CREATE OR REPLACE TEMP MACRO fp_instrument_covers(ins_zone, ins_provider, ins_region_id, ins_period_start,
                                                  ins_period_end, zone, provider, region_id, period_start) AS
    (ins_zone IS NULL OR ins_zone = zone)
    AND (ins_provider IS NULL OR ins_provider = provider)
    AND (ins_region_id IS NULL OR ins_region_id = region_id)
    AND period_start >= ins_period_start
    AND period_start < ins_period_end + INTERVAL 1 DAY;
