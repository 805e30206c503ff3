-- Meta's daily messaging limit read from the Graph API (issue 13): the `messaging_limit_tier` of a
-- number of the portfolio, asked when the number is connected and again every few hours by
-- messaging's upkeep. When it was last read that way; null when the value came from the owner or
-- from Meta's webhooks, which a reading never replaces (source stays 'meta' for a reading: the
-- value is Meta's either way).
ALTER TABLE whatsapp_messaging_limits ADD COLUMN tier_read_at timestamptz;
