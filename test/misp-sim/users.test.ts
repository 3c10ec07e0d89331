import { afterEach, describe, expect, it } from 'vitest';
import { type MispSim, startMispSim } from './index';
import { call, callJson } from './test-support';

/** Roles, users and auth keys (transcripts 174-185). */

let sim: MispSim | undefined;

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

interface RoleEntry {
  Role: {
    id: string;
    name: string;
    perm_add: boolean;
    perm_auth: boolean;
    perm_audit: boolean;
    default: boolean;
  };
}

type AddedUser = { User: { id: string; authkey: string; change_pw: boolean; invited_by: string } };

describe('roles', () => {
  it('lists MISP’s default roles with their permissions; User is the default, Read Only only reads', async () => {
    sim = await startMispSim({ seed: 'empty' });
    const roles = await callJson<RoleEntry[]>(sim, '/roles/index');
    const byName = new Map(roles.map((entry) => [entry.Role.name, entry.Role]));
    expect([...byName.keys()].slice(0, 6)).toEqual([
      'admin',
      'Org Admin',
      'User',
      'Publisher',
      'Sync user',
      'Read Only',
    ]);
    expect(byName.get('User')?.default).toBe(true);
    expect(roles.filter((entry) => entry.Role.default)).toHaveLength(1);
    const readOnly = byName.get('Read Only');
    expect([readOnly?.perm_add, readOnly?.perm_auth, readOnly?.perm_audit]).toEqual([false, true, true]);
  });
});

describe('users and keys', () => {
  it('admin/users/add creates a user whose first key comes back in clear and works', async () => {
    sim = await startMispSim({ seed: 'empty' });
    const added = await callJson<AddedUser>(sim, '/admin/users/add', {
      body: { email: 'new.analyst@admin.test', org_id: 1, role_id: 3 },
    });
    expect(added.User).toMatchObject({ change_pw: true, invited_by: '1' });
    expect(added.User.authkey).toMatch(/^[A-Za-z0-9]{40}$/);
    const me = await callJson<{ User: { email: string }; Role: { name: string } }>(sim, '/users/view/me', {
      key: added.User.authkey,
    });
    expect([me.User.email, me.Role.name]).toEqual(['new.analyst@admin.test', 'User']);
    // Without role_id the default role is given.
    const defaulted = await callJson<{ User: { role_id: string } }>(sim, '/admin/users/add', {
      body: { User: { email: 'second@admin.test' } },
    });
    expect(defaulted.User.role_id).toBe('3');
    const duplicate = await call(sim, '/admin/users/add', {
      body: { email: 'NEW.analyst@admin.test', role_id: 3 },
    });
    expect(duplicate.status).toBe(403);
    expect(await duplicate.json()).toMatchObject({ saved: false, name: 'Could not add User' });
  });

  it('auth_keys/add gives another key once; a user may not make keys for others', async () => {
    sim = await startMispSim({ seed: 'empty' });
    const user = await callJson<AddedUser>(sim, '/admin/users/add', {
      body: { email: 'keys@admin.test', role_id: 3 },
    });
    const key = await callJson<{ AuthKey: { authkey_raw: string; authkey_start: string; user_id: string } }>(
      sim,
      `/auth_keys/add/${user.User.id}`,
      { body: { comment: 'for the browser extension' } },
    );
    expect(key.AuthKey.user_id).toBe(user.User.id);
    expect(key.AuthKey.authkey_raw.startsWith(key.AuthKey.authkey_start)).toBe(true);
    expect((await call(sim, '/servers/getVersion', { key: key.AuthKey.authkey_raw })).status).toBe(200);
    const forAdmin = await call(sim, '/auth_keys/add/1', { key: key.AuthKey.authkey_raw, body: {} });
    expect(forAdmin.status).toBe(405);
    expect((await call(sim, '/auth_keys/add/me', { key: key.AuthKey.authkey_raw, body: {} })).status).toBe(
      200,
    );
  });

  it('a Read Only user can look up but gets a real 403 on writes, and getVersion says so', async () => {
    sim = await startMispSim();
    const key = sim.users.readOnly!.apiKey;
    const version = await callJson<Record<string, unknown>>(sim, '/servers/getVersion', { key });
    expect([
      version.perm_sighting,
      version.perm_galaxy_editor,
      version.perm_analyst_data,
      version.perm_sync,
    ]).toEqual([false, false, false, false]);
    const me = await callJson<{ Role: { name: string; permission_description: string } }>(
      sim,
      '/users/view/me',
      {
        key,
      },
    );
    expect(me.Role).toMatchObject({ name: 'Read Only', permission_description: 'read_only' });
    expect(
      (await call(sim, '/attributes/restSearch', { key, body: { value: ['evil.example'] } })).status,
    ).toBe(200);
    for (const [path, body] of [
      ['/events/add', { Event: { info: 'read-only attempt' } }],
      ['/sightings/add', { value: 'evil.example', type: '0' }],
    ] as const) {
      const refused = await call(sim, path, { key, body });
      expect(refused.status).toBe(403);
      expect(await refused.json()).toEqual({
        name: 'You do not have permission to use this functionality.',
        message: 'You do not have permission to use this functionality.',
        url: path,
      });
    }
  });

  it('a read-only key of a writing user only reads', async () => {
    sim = await startMispSim({ seed: 'empty' });
    const key = await callJson<{ AuthKey: { authkey_raw: string } }>(sim, '/auth_keys/add/1', {
      body: { read_only: 1 },
    });
    const raw = key.AuthKey.authkey_raw;
    expect(
      (await call(sim, '/attributes/restSearch', { key: raw, body: { value: ['x.test'] } })).status,
    ).toBe(200);
    expect((await call(sim, '/events/add', { key: raw, body: { info: 'x' } })).status).toBe(403);
    const version = await callJson<{ perm_sighting: boolean }>(sim, '/servers/getVersion', { key: raw });
    expect(version.perm_sighting).toBe(false);
  });
});
