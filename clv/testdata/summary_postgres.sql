-- Per-customer summaries with clvkit's conventions (continuous time,
-- purchases on one day merged, time unit :unit_days days, observed to
-- :'end'), from a table transactions(customer_id text, date date,
-- amount numeric). The result is the input of `-summaries`.
-- BigQuery: DATE_DIFF(a, b, DAY) for a - b, COUNTIF/IF for the FILTER clause,
-- and SAFE_DIVIDE for the NULLIF division.
WITH days AS (
    SELECT customer_id, date AS day, SUM(amount) AS amount
    FROM transactions
    WHERE date <= DATE :'end'
    GROUP BY customer_id, date
), customers AS (
    SELECT customer_id,
           MIN(day) AS first_day,
           MAX(day) AS last_day,
           COUNT(*) - 1 AS frequency,
           SUM(amount) AS total
    FROM days
    GROUP BY customer_id
)
SELECT c.customer_id,
       c.frequency,
       (c.last_day - c.first_day) / :unit_days::numeric AS recency,
       (DATE :'end' - c.first_day) / :unit_days::numeric AS "T",
       COALESCE((c.total - f.amount) / NULLIF(c.frequency, 0), 0) AS monetary_value
FROM customers c
JOIN days f ON f.customer_id = c.customer_id AND f.day = c.first_day
ORDER BY c.customer_id;
