-- 0022_import_file_chunks: an import job's file as numbered chunks of at
-- most 4 MiB, so that a range of it is read without reading the rest
-- (SQLite's substr loads the whole blob). Files stored before this
-- migration stay in import_files and are read from there.
CREATE TABLE import_file_chunks (
    pool_id TEXT NOT NULL,
    job_id  TEXT NOT NULL,
    seq     BIGINT NOT NULL,
    data    BLOB NOT NULL,
    PRIMARY KEY (pool_id, job_id, seq),
    FOREIGN KEY (pool_id, job_id) REFERENCES import_jobs (pool_id, id) ON DELETE CASCADE
);
