import { describe, expect, it } from 'vitest';
import { createAdmission, type AdmissionLimits } from '../../src/ssh/admission.js';
import { addressKey } from '../../src/ssh/address.js';

const LIMITS: AdmissionLimits = {
  maxConnections: 100,
  maxPerAddress: 8,
  preLogin: 4,
  preLoginPerAddress: 2,
  registering: 2,
  registeringPerAddress: 1,
  registrationsPerHour: 2,
  versionMs: 5000,
};

function setUp(limits: Partial<AdmissionLimits> = {}, random = () => 0) {
  let t = 1_000_000;
  const admission = createAdmission({ ...LIMITS, ...limits }, () => t, random);
  const open = (address: string) => {
    const d = admission.connect(address);
    if (!d.ok) throw new Error(`refused: ${d.code}`);
    return d;
  };
  return { admission, open, advance: (ms: number) => (t += ms) };
}

describe('addressKey', () => {
  it.each([
    ['192.0.2.7', '192.0.2.7'],
    ['::ffff:192.0.2.7', '192.0.2.7'],
    ['2001:db8:1:2:aaaa::1', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
  ])('%s counts as %s', (address, key) => {
    expect(addressKey(address)).toBe(key);
  });
});

describe('admission', () => {
  it('gives each address only its share of the pre-login pool; an IPv6 /64 is one address', () => {
    const { admission, open } = setUp();
    open('2001:db8:1:2::1');
    open('2001:db8:1:2::ffff');
    expect(admission.connect('2001:db8:1:2:9::9')).toEqual({ ok: false, code: 'pre_login_per_ip' });
    expect(admission.connect('2001:db8:1:3::1').ok).toBe(true);
  });

  it('makes room by dropping the oldest connection that never sent a version line', () => {
    const { admission, open, advance } = setUp();
    const silent = [open('10.0.0.1'), open('10.0.0.2')];
    advance(10);
    const speaking = [open('10.0.0.3'), open('10.0.0.4')];
    for (const s of speaking) admission.versionSeen(s.id);
    const newcomer = open('10.0.0.5');
    expect(newcomer.evict).toEqual([silent[0]!.id]);
    expect(admission.counts().preLogin).toBe(4);
  });

  it('then drops a random caller still logging in, and refuses only when everyone waiting has logged in', () => {
    const { admission, open } = setUp({}, () => 0.99);
    const ids = ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4'].map((a) => open(a).id);
    for (const id of ids) admission.versionSeen(id);
    expect(open('10.0.0.5').evict).toEqual([ids[3]]);
    const { admission: full, open: openFull } = setUp();
    for (const a of ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4']) {
      const { id } = openFull(a);
      full.versionSeen(id);
      full.authenticated(id);
    }
    expect(full.connect('10.0.0.5')).toEqual({ ok: false, code: 'pre_login_full' });
  });

  it('a caller on a node leaves the pool; closing frees every count', () => {
    const { admission, open } = setUp({ preLogin: 1 });
    const a = open('10.0.0.1');
    admission.versionSeen(a.id);
    admission.authenticated(a.id);
    admission.admitted(a.id);
    const b = open('10.0.0.2');
    expect(b.evict).toEqual([]);
    admission.closed(a.id);
    admission.closed(b.id);
    expect(admission.counts()).toEqual({ connections: 0, preLogin: 0, registering: 0 });
  });

  it('keeps its counts through every way out: closing a form, an evicted or an admitted caller frees its places', () => {
    const { admission, open } = setUp({ preLogin: 2, preLoginPerAddress: 2, registering: 1 });
    const form = open('10.0.0.1');
    admission.versionSeen(form.id);
    expect(admission.newcomer(form.id)).toEqual({ ok: true });
    admission.closed(form.id);
    const again = open('10.0.0.1');
    expect(admission.newcomer(again.id)).toEqual({ ok: true });
    const silent = open('10.0.0.2');
    open('10.0.0.2');
    const third = open('10.0.0.3');
    expect(third.evict).toEqual([silent.id]);
    admission.closed(silent.id); // the host's close event arrives after the eviction
    expect(admission.counts()).toEqual({ connections: 3, preLogin: 2, registering: 1 });
    expect(admission.connect('10.0.0.2').ok).toBe(true);
  });

  it('drops connections that sent no version line in time', () => {
    const { admission, open, advance } = setUp();
    const silent = open('10.0.0.1');
    const speaking = open('10.0.0.2');
    admission.versionSeen(speaking.id);
    advance(4999);
    expect(admission.expired()).toEqual([]);
    advance(1);
    expect(admission.expired()).toEqual([silent.id]);
  });

  it('caps connections in total and per address', () => {
    const { admission } = setUp({ maxConnections: 2, maxPerAddress: 1, preLogin: 10, preLoginPerAddress: 10 });
    expect(admission.connect('10.0.0.1').ok).toBe(true);
    expect(admission.connect('10.0.0.1')).toEqual({ ok: false, code: 'max_per_ip' });
    expect(admission.connect('10.0.0.2').ok).toBe(true);
    expect(admission.connect('10.0.0.3')).toEqual({ ok: false, code: 'max_connections' });
  });

  it('registration forms have their own pool with a per-address share, outside the pre-login pool', () => {
    const { admission, open } = setUp({ preLogin: 2 });
    const a = open('10.0.0.1');
    expect(admission.newcomer(a.id)).toEqual({ ok: true });
    const a2 = open('10.0.0.1');
    expect(admission.newcomer(a2.id)).toEqual({ ok: false, code: 'registration_per_ip' });
    admission.closed(a2.id);
    const b = open('10.0.0.2');
    expect(admission.newcomer(b.id)).toEqual({ ok: true });
    const c = open('10.0.0.3');
    expect(admission.newcomer(c.id)).toEqual({ ok: false, code: 'registration_full' });
    expect(admission.counts()).toMatchObject({ preLogin: 1, registering: 2 });
  });

  it('limits new accounts per address per hour', () => {
    const { admission, open, advance } = setUp({ registrationsPerHour: 2, registering: 10 });
    for (let i = 0; i < 2; i++) {
      const c = open('10.0.0.1');
      expect(admission.newcomer(c.id)).toEqual({ ok: true });
      admission.registered(c.id);
      admission.closed(c.id);
    }
    const third = open('10.0.0.1');
    expect(admission.newcomer(third.id)).toEqual({ ok: false, code: 'registration_rate' });
    admission.closed(third.id);
    expect(admission.newcomer(open('10.0.0.2').id)).toEqual({ ok: true });
    advance(3_600_001);
    expect(admission.newcomer(open('10.0.0.1').id)).toEqual({ ok: true });
  });
});
