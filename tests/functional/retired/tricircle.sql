-- A retired Tricircle database, its tables as its sqlalchemy-migrate
-- migrations made them (001_init: pods, cached_endpoints; 002_resource: the
-- rest), written in SQL both SQLite and MariaDB read. The routing id was a
-- BIGINT auto-increment; ids are given here, so a plain INTEGER key does.
CREATE TABLE migrate_version (repository_id VARCHAR(250) NOT NULL PRIMARY KEY,
    repository_path TEXT, version INTEGER);
CREATE TABLE pods (pod_id VARCHAR(36) NOT NULL PRIMARY KEY,
    region_name VARCHAR(255) NOT NULL UNIQUE, pod_az_name VARCHAR(255),
    dc_name VARCHAR(255), az_name VARCHAR(255) NOT NULL);
CREATE TABLE cached_endpoints (service_id VARCHAR(64) NOT NULL PRIMARY KEY,
    pod_id VARCHAR(36) NOT NULL REFERENCES pods (pod_id),
    service_type VARCHAR(64) NOT NULL, service_url VARCHAR(512) NOT NULL);
CREATE TABLE resource_routings (id INTEGER NOT NULL PRIMARY KEY,
    top_id VARCHAR(127) NOT NULL, bottom_id VARCHAR(36),
    pod_id VARCHAR(36) NOT NULL REFERENCES pods (pod_id), project_id VARCHAR(36),
    resource_type VARCHAR(64) NOT NULL, created_at DATETIME, updated_at DATETIME,
    UNIQUE (top_id, pod_id, resource_type));
CREATE TABLE async_jobs (id VARCHAR(36) NOT NULL PRIMARY KEY, project_id VARCHAR(36),
    type VARCHAR(36), timestamp DATETIME, status VARCHAR(36), resource_id VARCHAR(127),
    extra_id VARCHAR(36), UNIQUE (type, status, resource_id, extra_id));
CREATE TABLE async_job_logs (id VARCHAR(36) NOT NULL PRIMARY KEY, project_id VARCHAR(36),
    resource_id VARCHAR(127), type VARCHAR(36), timestamp DATETIME);
CREATE TABLE shadow_agents (id VARCHAR(36) NOT NULL PRIMARY KEY,
    pod_id VARCHAR(36) NOT NULL REFERENCES pods (pod_id), host VARCHAR(255) NOT NULL,
    type VARCHAR(36) NOT NULL, tunnel_ip VARCHAR(48) NOT NULL, UNIQUE (host, type));
CREATE TABLE recycle_resources (resource_id VARCHAR(36) NOT NULL PRIMARY KEY,
    resource_type VARCHAR(64) NOT NULL, project_id VARCHAR(36) NOT NULL);
CREATE TABLE deleting_resources (resource_id VARCHAR(127) NOT NULL PRIMARY KEY,
    resource_type VARCHAR(64) NOT NULL, deleted_at DATETIME);

INSERT INTO migrate_version VALUES ('tricircle', 'tricircle/db/migrate_repo', 2);
INSERT INTO pods VALUES ('a0000000-0000-0000-0000-000000000000', 'RegionCentral', '', '', '');
INSERT INTO pods VALUES ('a1111111-1111-1111-1111-111111111111', 'RegionA', 'az-a', 'dc1', 'az-a');
INSERT INTO pods VALUES ('a2222222-2222-2222-2222-222222222222', 'RegionB', NULL, NULL, 'az-b');
INSERT INTO cached_endpoints VALUES ('svc-1', 'a1111111-1111-1111-1111-111111111111',
    'network', 'http://a.example.org:9696');
INSERT INTO resource_routings VALUES (1, 'net-1', 'net-1', 'a1111111-1111-1111-1111-111111111111',
    'proj-1', 'network', '2019-05-01 10:00:00', NULL);
INSERT INTO resource_routings VALUES (2, 'net-1', 'net-1', 'a2222222-2222-2222-2222-222222222222',
    'proj-1', 'network', '2019-05-01 10:00:01', '2019-05-02 10:00:00');
INSERT INTO resource_routings VALUES (3, 'port-1', NULL, 'a1111111-1111-1111-1111-111111111111',
    'proj-1', 'port', '2019-05-01 10:00:02', NULL);
INSERT INTO resource_routings VALUES (4, 'lb-1', 'lb-1', 'a1111111-1111-1111-1111-111111111111',
    'proj-1', 'loadbalancer', '2019-05-01 10:00:03', NULL);
INSERT INTO async_jobs VALUES ('j1', 'proj-1', 'router_setup', '2019-05-03 10:00:00', 'FAIL',
    'a1111111-1111-1111-1111-111111111111#router-1#net-1', 'j1');
INSERT INTO async_jobs VALUES ('j2', 'proj-1', 'seg_rule_setup', '2019-05-03 10:00:01', 'RUNNING',
    'proj-1', '0');
INSERT INTO async_jobs VALUES ('j3', 'proj-1', 'job_unknown_here', '2019-05-03 10:00:02', 'NEW',
    'x', '0');
INSERT INTO async_job_logs VALUES ('l1', 'proj-1', 'proj-1', 'seg_rule_setup',
    '2019-05-02 09:00:00');
INSERT INTO shadow_agents VALUES ('s1', 'a2222222-2222-2222-2222-222222222222', 'compute-b1',
    'Open vSwitch agent', '10.0.2.5');
INSERT INTO recycle_resources VALUES ('net-9', 'network', 'proj-1');
