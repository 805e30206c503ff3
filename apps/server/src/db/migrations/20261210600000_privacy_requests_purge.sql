-- Rights requests are purged with the clinical records they speak of (issue 14): the retention
-- job deletes a patient's requests once their time is up.
GRANT DELETE ON privacy_requests TO dentalpro_app;
