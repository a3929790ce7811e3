import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { INGRESS_NGINX_IMAGE } from '../../emulator/bootstrap.js';
import { parseImageRef } from '../../workloads/index.js';
import { backendWorld, ingress, ingressClass, rule } from '../testing/fixtures.js';
import { harnessCertificate, IngressHarness } from '../testing/harness.js';
import { send } from '../testing/http-target.js';
import { IngressControllerApp } from './app.js';
import { StaticClusterView } from './cluster-view.js';
import { ingressControllerProfile, parseControllerFlags } from './profile.js';

let h: IngressHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

function empty() {
  return { ingresses: [], ingressClasses: [ingressClass()], services: [], endpointSlices: [], secrets: [] };
}

function get(
  port: number,
  path: string,
): Promise<{ status: number; body: string; type: string | undefined }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => {
        body += d.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, type: res.headers['content-type'] }));
    })
      .on('error', reject)
      .end();
  });
}

describe('ingressControllerProfile', () => {
  const view = new StaticClusterView(empty());
  const profile = ingressControllerProfile({ view, defaultCertificate: harnessCertificate() });

  it('matches the controller image of the ingress addon', () => {
    expect(profile.matches(parseImageRef(INGRESS_NGINX_IMAGE))).toBe(true);
    expect(profile.matches(parseImageRef('nginx:1.25'))).toBe(false);
  });

  it("starts from the Deployment's args behind dumb-init", () => {
    const logs: string[] = [];
    const ctx = {
      ...({} as Parameters<typeof profile.start>[0]),
      clock: { now: () => Date.UTC(2026, 0, 2), setTimeout: () => ({ unref() {} }), clearTimeout: () => {} },
      random: { float: () => 0.5, int: () => 0 },
      network: {} as Parameters<typeof profile.start>[0]['network'],
      log: (l: string) => logs.push(l),
      exit: () => {},
    } as Parameters<typeof profile.start>[0];
    const argv = [
      '/usr/bin/dumb-init',
      '--',
      '/nginx-ingress-controller',
      '--publish-service=ingress-nginx/ingress-nginx-controller',
      '--election-id=ingress-nginx-leader',
      '--controller-class=k8s.io/ingress-nginx',
      '--ingress-class=nginx',
    ];
    const app = profile.start(ctx, argv, parseImageRef(INGRESS_NGINX_IMAGE));
    expect(app).toBeInstanceOf(IngressControllerApp);
    expect((app as IngressControllerApp).listens.map((l) => l.port)).toEqual([80, 443, 10254]);
    expect(logs).toContain('  Release:       v1.12.1');
    (app as IngressControllerApp).kill();
  });

  it('fails like the Go binary on an unknown flag', () => {
    expect(parseControllerFlags(['--nope=1'])).toEqual({
      kind: 'start-failure',
      exitCode: 2,
      message: 'Error: unknown flag: --nope',
    });
    const flags = parseControllerFlags([
      '--http-port',
      '8080',
      '--watch-ingress-without-class',
      '--ingress-class=x',
    ]);
    expect(flags instanceof Map ? Object.fromEntries(flags) : flags).toEqual({
      'http-port': '8080',
      'watch-ingress-without-class': 'true',
      'ingress-class': 'x',
    });
  });
});

describe('controller lifecycle', () => {
  it('answers /healthz ok, 404 elsewhere, and fails health then exits 0 on SIGTERM', async () => {
    h = await IngressHarness.start({ snapshot: empty(), pods: [] });
    expect(await get(h.healthPort, '/healthz')).toEqual({
      status: 200,
      body: 'ok',
      type: 'text/plain; charset=utf-8',
    });
    expect((await get(h.healthPort, '/metrics2')).body).toBe('404 page not found\n');
    h.app.terminate();
    await new Promise((r) => setTimeout(r, 50));
    expect(h.exits).toEqual([0]);
    expect(h.logs.some((l) => l.endsWith('"Exiting" code=0'))).toBe(true);
  });

  it('routes a new Ingress as soon as the view changes, without a restart', async () => {
    h = await IngressHarness.start({ snapshot: empty(), pods: [] });
    expect((await send(h, { host: 'new.example.com', path: '/' })).status).toBe(404);
    const ingresses = [ingress('new', { rules: [rule('new.example.com', ['/', 'Prefix', 'web'])] })];
    const w = backendWorld(ingresses);
    for (const p of w.pods)
      h.pods.set(
        `${p.ip}:${p.port}`,
        new (await import('../testing/echo-app.js')).EchoApp({
          namespace: p.namespace,
          service: p.service,
          pod: p.name,
          port: p.port,
        }),
      );
    h.view.set({
      ingresses,
      ingressClasses: [ingressClass()],
      services: w.services,
      endpointSlices: w.endpointSlices,
      secrets: [],
    });
    await new Promise((r) => setImmediate(r));
    const res = await send(h, { host: 'new.example.com', path: '/' });
    expect(res.status).toBe(200);
    expect(res.echo?.service).toBe('web');
  });
});

describe('the controller log of a sync', () => {
  it('warns as ingress-nginx does about backends it cannot serve, and logs a reload only when nginx.conf would change', async () => {
    const ingresses = [
      ingress('a', {
        rules: [rule('a.example.com', ['/', 'Prefix', 'noeps'], ['/gone', 'Prefix', 'nosuchsvc'])],
        tls: [{ hosts: ['a.example.com'], secretName: 'missing-tls' }],
      }),
    ];
    const w = backendWorld(ingresses, { noeps: { notReady: true }, nosuchsvc: { missing: true } });
    const snapshot = {
      ingresses,
      ingressClasses: [ingressClass()],
      services: w.services,
      endpointSlices: w.endpointSlices,
      secrets: [],
    };
    h = await IngressHarness.start({ snapshot, pods: w.pods });
    const syncLines = () =>
      h?.logs
        .filter((l) => /^[IW]\d{4} .* controller\.go:/.test(l))
        .map((l) => l.replace(/^([IW])\d{4} [\d:.]+ +7 /, '$1 ')) ?? [];
    const warnings = [
      'W controller.go:1219] Service "default/noeps" does not have any active Endpoint.',
      'W controller.go:1113] Error obtaining Endpoints for Service "default/nosuchsvc": no object matching key "default/nosuchsvc" in local store',
      'W controller.go:1441] Error getting SSL certificate "default/missing-tls": local SSL certificate default/missing-tls was not found. Using default certificate',
    ];
    expect(
      syncLines()
        .filter((l) => l.startsWith('W'))
        .sort(),
    ).toEqual([...warnings].sort());
    const before = syncLines().length;
    // Endpoints only: the Lua balancer takes them, no reload (the warning about noeps is gone).
    const ready = backendWorld(ingresses, { nosuchsvc: { missing: true } });
    h.update({ ...snapshot, services: ready.services, endpointSlices: ready.endpointSlices });
    expect(
      syncLines()
        .slice(before)
        .some((l) => l.includes('reload')),
    ).toBe(false);
    expect(
      syncLines()
        .slice(before)
        .some((l) => l.includes('noeps')),
    ).toBe(false);
    // A new path: a reload.
    const more = [
      ingress('a', {
        rules: [rule('a.example.com', ['/', 'Prefix', 'noeps'], ['/new', 'Exact', 'noeps'])],
      }),
    ];
    const after = syncLines().length;
    h.update({
      ...snapshot,
      ingresses: more,
      services: ready.services,
      endpointSlices: ready.endpointSlices,
    });
    expect(syncLines().slice(after)).toEqual([
      'I controller.go:196] "Configuration changes detected, backend reload required"',
      'I controller.go:216] "Backend successfully reloaded"',
    ]);
  });
});
