import { describe, expect, it } from 'vitest';
import '../api/index.js'; // registers the kinds' validation, as the API server has it
import { StatusError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { newFixture } from '../controllers/runtime/testing.js';
import { defaultIngressClassAdmission, ingressNginxValidationAdmission } from './admission.js';
import type { IngressObject } from './ingress-class.js';
import { ingress, ingressClass, rule } from './testing/fixtures.js';

/** The object as a client would send it (no server-set metadata). */
function fresh(obj: KubeObject): KubeObject {
  const { uid: _u, creationTimestamp: _c, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

function setup() {
  const f = newFixture({ admission: [defaultIngressClassAdmission(), ingressNginxValidationAdmission()] });
  return f;
}

function classOf(f: ReturnType<typeof newFixture>, name: string): string | undefined {
  return f.store.get<IngressObject>('ingresses.networking.k8s.io', 'default', name)?.spec?.ingressClassName;
}

describe('DefaultIngressClass admission', () => {
  it('fills in the default class of a class-less Ingress on create', () => {
    const f = setup();
    f.registry.create(fresh(ingressClass()) as KubeObject);
    f.registry.create(
      fresh(ingress('web', { rules: [rule('a.test', ['/', 'Prefix', 'web'])] }, { className: null })),
    );
    expect(classOf(f, 'web')).toBe('nginx');
  });

  it('leaves an Ingress with the deprecated annotation or an explicit class alone', () => {
    const f = setup();
    f.registry.create(fresh(ingressClass()) as KubeObject);
    f.registry.create(
      fresh(
        ingress(
          'legacy',
          { rules: [rule('a.test', ['/', 'Prefix', 'web'])] },
          {
            className: null,
            annotations: { 'kubernetes.io/ingress.class': 'traefik' },
          },
        ),
      ),
    );
    f.registry.create(
      fresh(ingress('explicit', { rules: [rule('b.test', ['/', 'Prefix', 'web'])] }, { className: 'other' })),
    );
    expect(classOf(f, 'legacy')).toBeUndefined();
    expect(classOf(f, 'explicit')).toBe('other');
  });

  it('picks the newest default class when several are marked default (Kubernetes ≥1.28)', () => {
    const f = setup();
    f.registry.create(fresh(ingressClass('nginx')) as KubeObject);
    f.clock.step(5000);
    f.registry.create(fresh(ingressClass('newer', 'example.com/other')) as KubeObject);
    f.registry.create(
      fresh(ingress('web', { rules: [rule('a.test', ['/', 'Prefix', 'web'])] }, { className: null })),
    );
    expect(classOf(f, 'web')).toBe('newer');
  });

  it('does nothing without a default class', () => {
    const f = setup();
    f.registry.create(fresh(ingressClass('nginx', 'k8s.io/ingress-nginx', false)) as KubeObject);
    f.registry.create(
      fresh(ingress('web', { rules: [rule('a.test', ['/', 'Prefix', 'web'])] }, { className: null })),
    );
    expect(classOf(f, 'web')).toBeUndefined();
  });
});

describe('ingress-nginx validating webhook', () => {
  it('refuses regex characters in Exact and Prefix paths of its own Ingresses, with the webhook message', () => {
    const f = setup();
    f.registry.create(fresh(ingressClass()) as KubeObject);
    const bad = fresh(
      ingress('bad', { rules: [rule('a.test', ['/id/[0-9]+', 'Prefix', 'web'], ['/x(y)', 'Exact', 'web'])] }),
    );
    let err: unknown;
    try {
      f.registry.create(bad);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StatusError);
    expect((err as StatusError).httpCode).toBe(400);
    expect((err as StatusError).message).toBe(
      'admission webhook "validate.nginx.ingress.kubernetes.io" denied the request: ingress contains invalid paths: path /id/[0-9]+ cannot be used with pathType Prefix\npath /x(y) cannot be used with pathType Exact',
    );
  });

  it("runs after the API server's own validation, as validating webhooks do", () => {
    const f = setup();
    f.registry.create(fresh(ingressClass()) as KubeObject);
    const bad = fresh(ingress('rel', { rules: [rule('a.test', ['foo', 'Exact', 'web'])] }));
    expect(() => f.registry.create(bad)).toThrow(
      'Ingress.networking.k8s.io "rel" is invalid: spec.rules[0].http.paths[0].path: Invalid value: "foo": must be an absolute path',
    );
  });

  it('accepts the same path as ImplementationSpecific, and Ingresses of other controllers', () => {
    const f = setup();
    f.registry.create(fresh(ingressClass()) as KubeObject);
    f.registry.create(
      fresh(ingress('ok', { rules: [rule('a.test', ['/id/[0-9]+', 'ImplementationSpecific', 'web'])] })),
    );
    f.registry.create(
      fresh(
        ingress(
          'theirs',
          { rules: [rule('b.test', ['/id/[0-9]+', 'Prefix', 'web'])] },
          { className: 'traefik' },
        ),
      ),
    );
    expect(f.store.count('ingresses.networking.k8s.io')).toBe(2);
  });

  const PREFIX = 'admission webhook "validate.nginx.ingress.kubernetes.io" denied the request: ';

  function denial(f: ReturnType<typeof setup>, obj: KubeObject): string | undefined {
    try {
      f.registry.create(obj);
      return undefined;
    } catch (e) {
      return (e as StatusError).message;
    }
  }

  it("refuses an Ingress whose host and path are another Ingress's (checkOverlap)", () => {
    const f = setup();
    f.registry.create(fresh(ingressClass()) as KubeObject);
    f.registry.create(fresh(ingress('ing-main', { rules: [rule('a.test', ['/', 'Prefix', 'web'])] })));
    expect(denial(f, fresh(ingress('dup', { rules: [rule('a.test', ['/', 'Prefix', 'other'])] })))).toBe(
      `${PREFIX}host "a.test" and path "/" is already defined in ingress default/ing-main`,
    );
    expect(f.store.count('ingresses.networking.k8s.io')).toBe(1);
    // The same path with another pathType is a location of its own: accepted.
    expect(
      denial(f, fresh(ingress('exact', { rules: [rule('a.test', ['/', 'Exact', 'other'])] }))),
    ).toBeUndefined();
  });

  it('lets a canary, another path, and an update of the owner through', () => {
    const f = setup();
    f.registry.create(fresh(ingressClass()) as KubeObject);
    const main = f.registry.create(
      fresh(ingress('ing-main', { rules: [rule('a.test', ['/', 'Prefix', 'web'])] })),
    );
    const canary = ingress(
      'canary',
      { rules: [rule('a.test', ['/', 'Prefix', 'web-v2'])] },
      { annotations: { 'nginx.ingress.kubernetes.io/canary': 'true' } },
    );
    expect(denial(f, fresh(canary))).toBeUndefined();
    expect(
      denial(f, fresh(ingress('api', { rules: [rule('a.test', ['/api', 'Prefix', 'api'])] }))),
    ).toBeUndefined();
    const updated = {
      ...main,
      spec: { ...(main as IngressObject).spec, defaultBackend: undefined },
    } as KubeObject;
    expect(() => f.registry.update(updated)).not.toThrow();
    // The location stays the main Ingress's: a second canary passes too, as upstream.
    expect(
      denial(f, fresh({ ...canary, metadata: { ...canary.metadata, name: 'canary2' } })),
    ).toBeUndefined();
  });

  it('refuses an annotation whose parser returns a ValidationError', () => {
    const f = setup();
    f.registry.create(fresh(ingressClass()) as KubeObject);
    const bad = ingress(
      'lb',
      { rules: [rule('a.test', ['/', 'Prefix', 'web'])] },
      { annotations: { 'nginx.ingress.kubernetes.io/load-balance': 'least_conn' } },
    );
    expect(denial(f, fresh(bad))).toBe(
      `${PREFIX}annotation nginx.ingress.kubernetes.io/load-balance contains invalid value`,
    );
  });
});
