-- WhatsApp opt-outs recorded before the consent ledger (a STOP, or Meta's "stopped marketing
-- messages"): the patient linked to each opted-out conversation gets the withdrawal in the ledger,
-- both purposes, dated when the opt-out was recorded, so the patient page shows what the senders
-- already honour (messaging's number-level opt-out stays as it was).
INSERT INTO consent_events (practice_id, patient_id, channel, purpose, granted, source, wording, recorded_at)
SELECT c.practice_id, c.patient_id, 'whatsapp', k.purpose, false, 'whatsapp_keyword',
       'Opted out on WhatsApp (recorded before the consent ledger)', c.opted_out_at
FROM whatsapp_conversations c
JOIN patients p ON p.practice_id = c.practice_id AND p.id = c.patient_id
CROSS JOIN (VALUES ('appointments'), ('recalls')) AS k (purpose)
WHERE c.opted_out_at IS NOT NULL AND c.patient_id IS NOT NULL
ORDER BY c.opted_out_at;
