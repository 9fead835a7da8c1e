-- Baton schema, part 12: the web origins whose pages may read a public client's responses (CORS). The rules for an
-- origin (https, or http on loopback; no path or wildcard; lower case, no default port) are Swift's, in
-- BrowserOrigin: the admin API is the only writer, and browsers' Origin headers are compared with these byte for byte.

ALTER TABLE clients ADD COLUMN allowed_origins text[] NOT NULL DEFAULT '{}';
