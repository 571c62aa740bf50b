-- Camera URLs are stored encrypted (SecretBox: "enc:v1:" + base64 of nonce, ciphertext and tag),
-- which makes a 2048-character URL about 2.8 KB long.
ALTER TABLE cameras ALTER COLUMN rtsp_url SET DATA TYPE VARCHAR(4096);
