/**
 * The shared ingress conformance suite (STYLE testing 4, hono's
 * `runTest({ newRouter })`): one table of cases run against every
 * implementation — the pure matcher, the proxy app over real sockets, and the
 * emulator's NodePort once it is wired. A target prepares one case's cluster
 * and sends requests; the suite compares what came back.
 */
import { describe, expect, it } from 'vitest';
import { selfSignedTlsSecret } from '../certs.js';
import type { IngressSnapshot } from '../compile.js';
import type { IngressClassObject, IngressObject } from '../ingress-class.js';
import type { SecretObject } from '../tls-config.js';
import { type BackendPod, type BackendSpec, backendWorld, ingressClass } from './fixtures.js';

/** One request of a case and what must come back. */
export interface CaseRequest {
  /** The `Host` header (none when undefined). */
  readonly host?: string;
  readonly path: string;
  /** @default 'http' */
  readonly scheme?: 'http' | 'https';
  /** @default 'GET' */
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly want: Observed;
}

/** What a request produced, as every target can observe it. */
export interface Observed {
  readonly status: number;
  /** The Service whose pod answered (`name`, or `namespace/name` outside `default`). */
  readonly service?: string;
  /** The request-target the pod received. */
  readonly path?: string;
  /** The `Location` of a redirect. */
  readonly location?: string;
}

export interface TlsSecretSpec {
  readonly name: string;
  readonly namespace?: string;
  readonly hosts: readonly string[];
}

export interface IngressCase {
  readonly name: string;
  readonly ingresses: readonly IngressObject[];
  readonly backends?: Readonly<Record<string, BackendSpec>>;
  /** @default [the `nginx` class of `k8s.io/ingress-nginx`] */
  readonly classes?: readonly IngressClassObject[];
  readonly tlsSecrets?: readonly TlsSecretSpec[];
  readonly requests: readonly CaseRequest[];
}

/** A case's cluster: the snapshot to compile and the pods to simulate. */
export interface CaseWorld {
  readonly snapshot: IngressSnapshot;
  readonly pods: readonly BackendPod[];
}

export interface CaseSession {
  send(request: CaseRequest): Promise<Observed>;
  stop(): Promise<void>;
}

/** An implementation under test. */
export interface IngressCaseTarget {
  start(world: CaseWorld): Promise<CaseSession>;
}

/** How cases name a Service: `name` in `default`, else `namespace/name`. */
export function serviceLabel(namespace: string, name: string): string {
  return namespace === 'default' ? name : `${namespace}/${name}`;
}

/** The client address every target must present (for allow/deny lists). */
export const CASE_CLIENT_IP = '203.0.113.7';

const secretCache = new Map<string, Promise<SecretObject>>();

/** A TLS Secret for `spec`, generated once per process per (namespace, name, hosts). */
export function caseSecret(spec: TlsSecretSpec): Promise<SecretObject> {
  const key = `${spec.namespace ?? 'default'}/${spec.name}/${spec.hosts.join(',')}`;
  let s = secretCache.get(key);
  if (!s) {
    s = selfSignedTlsSecret(spec.hosts, spec.namespace ?? 'default', spec.name);
    secretCache.set(key, s);
  }
  return s;
}

/** Builds the world of a case. */
export async function caseWorld(c: IngressCase): Promise<CaseWorld> {
  const backends = backendWorld(c.ingresses, c.backends);
  const secrets = await Promise.all((c.tlsSecrets ?? []).map(caseSecret));
  return {
    snapshot: {
      ingresses: c.ingresses,
      ingressClasses: c.classes ?? [ingressClass()],
      services: backends.services,
      endpointSlices: backends.endpointSlices,
      secrets,
    },
    pods: backends.pods,
  };
}

function pick(got: Observed, want: Observed): Observed {
  const out: Record<string, unknown> = { status: got.status };
  for (const k of ['service', 'path', 'location'] as const) if (k in want) out[k] = got[k];
  return out as unknown as Observed;
}

/** Registers one test per case, run against `target`. */
export function runIngressCases(target: IngressCaseTarget, cases: readonly IngressCase[]): void {
  describe.each(cases.map((c) => ({ ...c, title: c.name })))('$title', (c) => {
    it('answers every request as ingress-nginx does', async () => {
      const session = await target.start(await caseWorld(c));
      try {
        for (const r of c.requests) {
          const got = await session.send(r);
          const label = `${r.method ?? 'GET'} ${r.scheme ?? 'http'}://${r.host ?? '(no host)'}${r.path}`;
          expect(pick(got, r.want), label).toEqual(r.want);
        }
      } finally {
        await session.stop();
      }
    });
  });
}
