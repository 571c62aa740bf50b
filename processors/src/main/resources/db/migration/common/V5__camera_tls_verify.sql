-- rtsps:// cameras are verified (certificate and host name) unless the camera opts out explicitly.
ALTER TABLE cameras ADD COLUMN tls_verify BOOLEAN DEFAULT TRUE NOT NULL;
