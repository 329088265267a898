import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describeAuditStore } from '../../test/audit-store-contract.js';
import { SqliteAuditStore } from './sqlite-audit-store.js';

let dataDir: string;
let raw: Database.Database | undefined;

describeAuditStore('SqliteAuditStore', {
  async setup() {
    dataDir = mkdtempSync(join(tmpdir(), 'dococr-audit-'));
    const store = new SqliteAuditStore({ dataDir });
    raw = new Database(join(dataDir, 'audit.db'));
    return store;
  },
  async open() {
    return new SqliteAuditStore({ dataDir });
  },
  async exec(sql, params) {
    if (params === undefined) raw!.exec(sql);
    else raw!.prepare(sql).run(...params);
  },
  async teardown() {
    raw?.close();
    rmSync(dataDir, { recursive: true, force: true });
  },
});
