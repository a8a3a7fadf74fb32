-- +goose Up
CREATE TABLE attachments (
    id             BIGSERIAL PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    file_name      TEXT NOT NULL,
    content_type   TEXT NOT NULL,
    size_bytes     BIGINT NOT NULL,
    sha256         TEXT NOT NULL,
    data           BYTEA NOT NULL,
    uploaded_by    BIGINT NOT NULL REFERENCES users (id),
    created_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX attachments_application_id_idx ON attachments (application_id);

-- +goose Down
DROP TABLE attachments;
