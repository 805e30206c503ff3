-- The invitation to receive the link to a copy of one's data (issue 14), for a patient outside
-- WhatsApp's 24-hour window: the practice sends the approved template data_copy_ready, whose
-- button carries a payload we signed naming this row; the patient's tap opens the window and the
-- link is sent then, once (link_id, and the tap that sent it). Nothing of the patient in it.

CREATE TABLE privacy_export_invitations (
  practice_id uuid NOT NULL REFERENCES practices (id) DEFAULT current_practice_id(),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  request_id uuid NOT NULL,
  -- messaging's conversation the template went to (the link goes to it alone) and its message.
  conversation_id uuid NOT NULL,
  message_id uuid NOT NULL,
  language text NOT NULL CHECK (language IN ('en', 'fr')),
  -- A tap after this gets a plain answer and no link.
  expires_at timestamptz NOT NULL,
  -- The link the tap sent (a privacy_export_links row; both go with their request).
  link_id uuid,
  tapped_message_id uuid,
  tapped_at timestamptz,
  created_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (practice_id, id),
  FOREIGN KEY (practice_id, request_id) REFERENCES privacy_requests (practice_id, id) ON DELETE CASCADE
);
CREATE INDEX privacy_export_invitations_request ON privacy_export_invitations (practice_id, request_id);
ALTER TABLE privacy_export_invitations ENABLE ROW LEVEL SECURITY;
CREATE POLICY practice_isolation ON privacy_export_invitations USING (practice_id = current_practice_id());
GRANT SELECT, INSERT, UPDATE ON privacy_export_invitations TO dentalpro_app;

-- The retention run deletes a patient's rights requests with their clinical records: their links
-- (hashes and dates only) go with them, as the invitations do.
ALTER TABLE privacy_export_links DROP CONSTRAINT privacy_export_links_practice_id_request_id_fkey;
ALTER TABLE privacy_export_links ADD FOREIGN KEY (practice_id, request_id)
  REFERENCES privacy_requests (practice_id, id) ON DELETE CASCADE;
