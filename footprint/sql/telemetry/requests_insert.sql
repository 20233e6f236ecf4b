-- Inference request counts (from _ir_raw: the file's columns under fixed names, NULL where absent).
-- Time stamps without an offset are read in $tz. Parameters: $batch_id, $tz, $opt_team.
INSERT INTO inference_requests BY NAME
WITH v AS (
    SELECT
        source_row,
        CASE WHEN fp_blank(period_start) IS NULL THEN fp_fail(source_row, 'period_start', 'missing time stamp')
             WHEN fp_tel_ts(period_start, $tz) IS NULL
                 THEN fp_fail(source_row, 'period_start', 'cannot read ''' || period_start || ''' as a time stamp')
             ELSE fp_tel_ts(period_start, $tz) END AS period_start,
        CASE WHEN fp_blank(period_end) IS NULL THEN fp_fail(source_row, 'period_end', 'missing time stamp')
             WHEN fp_tel_ts(period_end, $tz) IS NULL
                 THEN fp_fail(source_row, 'period_end', 'cannot read ''' || period_end || ''' as a time stamp')
             ELSE fp_tel_ts(period_end, $tz) END AS period_end,
        coalesce(fp_blank(model), fp_fail(source_row, 'model', 'missing model')) AS model,
        coalesce(fp_blank(team), $opt_team) AS team,
        CASE WHEN TRY_CAST(trim(requests) AS BIGINT) IS NULL OR TRY_CAST(trim(requests) AS BIGINT) < 0
                 THEN fp_fail(source_row, 'requests', 'cannot read ''' || coalesce(requests, '') || ''' as a request count')
             ELSE TRY_CAST(trim(requests) AS BIGINT) END AS requests,
        CASE WHEN fp_blank(input_tokens) IS NULL THEN NULL
             WHEN TRY_CAST(trim(input_tokens) AS BIGINT) IS NULL OR TRY_CAST(trim(input_tokens) AS BIGINT) < 0
                 THEN fp_fail(source_row, 'input_tokens', 'cannot read ''' || input_tokens || ''' as a token count')
             ELSE TRY_CAST(trim(input_tokens) AS BIGINT) END AS input_tokens,
        CASE WHEN fp_blank(output_tokens) IS NULL THEN NULL
             WHEN TRY_CAST(trim(output_tokens) AS BIGINT) IS NULL OR TRY_CAST(trim(output_tokens) AS BIGINT) < 0
                 THEN fp_fail(source_row, 'output_tokens', 'cannot read ''' || output_tokens || ''' as a token count')
             ELSE TRY_CAST(trim(output_tokens) AS BIGINT) END AS output_tokens,
        CASE WHEN fp_blank(tokens) IS NULL THEN NULL
             WHEN TRY_CAST(trim(tokens) AS BIGINT) IS NULL OR TRY_CAST(trim(tokens) AS BIGINT) < 0
                 THEN fp_fail(source_row, 'tokens', 'cannot read ''' || tokens || ''' as a token count')
             ELSE TRY_CAST(trim(tokens) AS BIGINT) END AS tokens
    FROM _ir_raw
)
SELECT
    $batch_id AS batch_id,
    source_row,
    period_start,
    CASE WHEN period_end <= period_start
         THEN fp_fail(source_row, 'period_end', 'the period ends before it starts')
         ELSE period_end END AS period_end,
    model, team, requests, input_tokens, output_tokens,
    coalesce(tokens, input_tokens + output_tokens) AS tokens
FROM v;
