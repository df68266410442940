-- 0013_import_jobs: user import jobs (CreateUserImportJob), their files
-- and the rows that failed.

-- import_jobs are the pools' import jobs. upload_hash is the SHA-256 of
-- the upload URL's token; next_row the data rows processed so far (where a
-- job resumes); version counts writes, for conditional updates.
CREATE TABLE import_jobs (
    pool_id           TEXT NOT NULL REFERENCES pools (id) ON DELETE CASCADE,
    id                TEXT NOT NULL,
    name              TEXT NOT NULL,
    role_arn          TEXT NOT NULL,
    status            TEXT NOT NULL,
    upload_hash       BLOB,
    upload_expires_at BIGINT NOT NULL,
    file_size         BIGINT NOT NULL,
    next_row          BIGINT NOT NULL,
    imported          BIGINT NOT NULL,
    skipped           BIGINT NOT NULL,
    failed            BIGINT NOT NULL,
    message           TEXT NOT NULL,
    created_at        BIGINT NOT NULL,
    started_at        BIGINT NOT NULL,
    completed_at      BIGINT NOT NULL,
    version           BIGINT NOT NULL,
    PRIMARY KEY (pool_id, id)
);
CREATE INDEX import_jobs_by_status ON import_jobs (status, created_at);

-- import_files hold the uploaded CSV files, apart from the jobs so that
-- reading a job does not read its file.
CREATE TABLE import_files (
    pool_id TEXT NOT NULL,
    job_id  TEXT NOT NULL,
    data    BLOB NOT NULL,
    PRIMARY KEY (pool_id, job_id),
    FOREIGN KEY (pool_id, job_id) REFERENCES import_jobs (pool_id, id) ON DELETE CASCADE
);

-- import_failures are the rows a job did not import, with the reason.
CREATE TABLE import_failures (
    pool_id  TEXT NOT NULL,
    job_id   TEXT NOT NULL,
    row_num  BIGINT NOT NULL,
    username TEXT NOT NULL,
    reason   TEXT NOT NULL,
    PRIMARY KEY (pool_id, job_id, row_num),
    FOREIGN KEY (pool_id, job_id) REFERENCES import_jobs (pool_id, id) ON DELETE CASCADE
);
