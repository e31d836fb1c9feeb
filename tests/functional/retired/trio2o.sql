-- A retired Trio2o database, its tables as its sqlalchemy-migrate migrations
-- made them (001_init: pods, endpoint cache, binding; 002_resource: routing,
-- job, the Nova/Cinder-like tables; only those this test fills are kept of
-- the latter), in SQL both SQLite and MariaDB read.
CREATE TABLE migrate_version (repository_id VARCHAR(250) NOT NULL PRIMARY KEY,
    repository_path TEXT, version INTEGER);
CREATE TABLE cascaded_pods (pod_id VARCHAR(36) NOT NULL PRIMARY KEY,
    pod_name VARCHAR(255) NOT NULL UNIQUE, pod_az_name VARCHAR(255), dc_name VARCHAR(255),
    az_name VARCHAR(255) NOT NULL);
CREATE TABLE cascaded_pod_service_configuration (service_id VARCHAR(64) NOT NULL PRIMARY KEY,
    pod_id VARCHAR(64) NOT NULL REFERENCES cascaded_pods (pod_id),
    service_type VARCHAR(64) NOT NULL, service_url VARCHAR(512) NOT NULL);
CREATE TABLE pod_binding (id VARCHAR(36) NOT NULL PRIMARY KEY, tenant_id VARCHAR(255) NOT NULL,
    pod_id VARCHAR(36) NOT NULL REFERENCES cascaded_pods (pod_id), is_binding BOOLEAN NOT NULL,
    created_at DATETIME, updated_at DATETIME, UNIQUE (tenant_id, pod_id));
CREATE TABLE cascaded_pods_resource_routing (id INTEGER NOT NULL PRIMARY KEY,
    top_id VARCHAR(127) NOT NULL, bottom_id VARCHAR(36),
    pod_id VARCHAR(64) NOT NULL REFERENCES cascaded_pods (pod_id), project_id VARCHAR(36),
    resource_type VARCHAR(64) NOT NULL, created_at DATETIME, updated_at DATETIME);
CREATE TABLE job (id VARCHAR(36) NOT NULL PRIMARY KEY, type VARCHAR(36), timestamp DATETIME,
    status VARCHAR(36), resource_id VARCHAR(127), extra_id VARCHAR(36),
    UNIQUE (type, status, resource_id, extra_id));
CREATE TABLE instance_types (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(255) UNIQUE,
    memory_mb INTEGER NOT NULL, vcpus INTEGER NOT NULL, root_gb INTEGER,
    ephemeral_gb INTEGER, flavorid VARCHAR(255) UNIQUE, swap INTEGER NOT NULL DEFAULT 0,
    rxtx_factor FLOAT DEFAULT 1, vcpu_weight INTEGER, disabled BOOLEAN DEFAULT FALSE,
    is_public BOOLEAN DEFAULT TRUE, created_at DATETIME, updated_at DATETIME);
CREATE TABLE quotas (id INTEGER NOT NULL PRIMARY KEY, project_id VARCHAR(255),
    resource VARCHAR(255) NOT NULL, hard_limit INTEGER, allocated INTEGER DEFAULT 0,
    created_at DATETIME, updated_at DATETIME, deleted_at DATETIME, deleted INTEGER);

INSERT INTO migrate_version VALUES ('trio2o', 'trio2o/db/migrate_repo', 2);
INSERT INTO cascaded_pods VALUES ('b0000000-0000-0000-0000-000000000000', 'TopRegion', '', '', '');
INSERT INTO cascaded_pods VALUES ('b1111111-1111-1111-1111-111111111111', 'Pod1', 'az1', 'dc1',
    'az1');
INSERT INTO cascaded_pod_service_configuration VALUES ('e1', 'b1111111-1111-1111-1111-111111111111',
    'nova', 'http://pod1.example.org:8774/v2.1');
INSERT INTO pod_binding VALUES ('pb1', 'tenant-1', 'b1111111-1111-1111-1111-111111111111', TRUE,
    '2017-01-01 00:00:00', NULL);
INSERT INTO cascaded_pods_resource_routing VALUES (1, 'server-1', 'server-1',
    'b1111111-1111-1111-1111-111111111111', 'tenant-1', 'server', '2017-01-02 00:00:00', NULL);
INSERT INTO cascaded_pods_resource_routing VALUES (2, 'vol-1', 'vol-1',
    'b1111111-1111-1111-1111-111111111111', 'tenant-1', 'volume', '2017-01-02 00:00:01', NULL);
INSERT INTO job VALUES ('tj1', 'server', '2017-01-02 00:00:00', 'SUCCESS', 'server-1', '0');
INSERT INTO instance_types VALUES (1, 'm1.tiny', 512, 1, 1, 0, '1', 0, 1.0, NULL, FALSE, TRUE,
    '2017-01-01 00:00:00', NULL);
INSERT INTO quotas VALUES (1, 'tenant-1', 'instances', 20, 0, '2017-01-01 00:00:00', NULL, NULL, 0);
