import { describe, expect, it } from 'vitest';
import { container, testCluster } from '../testing/cluster.js';

function cluster() {
  const c = testCluster();
  c.startPod({
    name: 'client',
    ip: '10.244.1.2',
    containers: [
      container('c', 'registry.k8s.io/e2e-test-images/agnhost:2.39', {
        args: ['netexec', '--http-port=8080'],
      }),
    ],
  });
  c.startPod({
    name: 'bb',
    ip: '10.244.1.3',
    containers: [container('c', 'busybox:1.36', { command: ['sleep', '3600'] })],
  });
  c.startPod({
    name: 'web',
    ip: '10.244.2.7',
    containers: [container('c', 'traefik/whoami', { args: ['--port=8080'] })],
  });
  c.names.set('web.default.svc.cluster.local', ['10.96.5.6']);
  c.names.set('web-direct.default.svc.cluster.local', ['10.244.2.7']);
  const exec = (pod: string, command: string[]) => c.runtime.exec({ namespace: 'default', pod, command });
  return { c, exec };
}

describe('in-pod network commands', () => {
  it('nc -zv (OpenBSD): succeeded / refused', async () => {
    const { exec } = cluster();
    expect(await exec('client', ['nc', '-zv', '10.244.2.7', '8080'])).toMatchObject({
      stdout: '',
      stderr: 'Connection to 10.244.2.7 8080 port [tcp/http-alt] succeeded!\n',
      exitCode: 0,
    });
    expect(await exec('client', ['nc', '-zv', '10.244.2.7', '81'])).toMatchObject({
      stderr: 'nc: connect to 10.244.2.7 port 81 (tcp) failed: Connection refused\n',
      exitCode: 1,
    });
  });

  it('nc -zv (busybox)', async () => {
    const { exec } = cluster();
    expect(await exec('bb', ['nc', '-zv', '10.244.2.7', '8080'])).toMatchObject({
      stderr: '10.244.2.7 (10.244.2.7:8080) open\n',
      exitCode: 0,
    });
  });

  it('nc (busybox nc_bloaty): one -v hides a refused probe, -vv shows it and the byte counts', async () => {
    const { exec } = cluster();
    expect(await exec('bb', ['nc', '-zv', '10.244.2.7', '81'])).toMatchObject({
      stdout: '',
      stderr: '',
      exitCode: 1,
    });
    expect(await exec('bb', ['nc', '-zvv', '10.244.2.7', '81'])).toMatchObject({
      stderr: 'nc: 10.244.2.7 (10.244.2.7:81): Connection refused\nsent 0, rcvd 0\n',
      exitCode: 1,
    });
    expect(await exec('bb', ['nc', '-z', '-v', '-v', '10.244.2.7', '8080'])).toMatchObject({
      stderr: '10.244.2.7 (10.244.2.7:8080) open\nsent 0, rcvd 0\n',
      exitCode: 0,
    });
  });

  it("IP literals are never resolved: curl/wget/nc to the pod's own ::1", async () => {
    const { exec } = cluster();
    expect(await exec('client', ['curl', '-sS', 'http://[::1]:80/'])).toMatchObject({
      stdout: '',
      stderr: "curl: (7) Failed to connect to ::1 port 80 after 0 ms: Couldn't connect to server\n",
      exitCode: 7,
    });
    expect(await exec('client', ['curl', '-sS', 'http://127.0.0.1:80/'])).toMatchObject({
      stderr: "curl: (7) Failed to connect to 127.0.0.1 port 80 after 0 ms: Couldn't connect to server\n",
      exitCode: 7,
    });
    // The pod's own server (agnhost netexec on 8080) answers on ::1 too.
    expect((await exec('client', ['curl', '-s', 'http://[::1]:8080/hostname'])).stdout).toBe('client');
    // No IPv6 route in a single-stack pod.
    expect(await exec('client', ['curl', '-sS', 'http://[fd00::1]/'])).toMatchObject({
      stderr: "curl: (7) Failed to connect to fd00::1 port 80 after 0 ms: Couldn't connect to server\n",
      exitCode: 7,
    });
    expect(await exec('bb', ['wget', '-qO-', 'http://[::1]:80/'])).toMatchObject({
      stderr: "wget: can't connect to remote host (::1): Connection refused\n",
      exitCode: 1,
    });
    expect(await exec('bb', ['nc', '-zvv', '::1', '80'])).toMatchObject({
      stderr: 'nc: ::1 ([::1]:80): Connection refused\nsent 0, rcvd 0\n',
      exitCode: 1,
    });
    expect(await exec('client', ['nc', '-zv', '::1', '80'])).toMatchObject({
      stderr: 'nc: connect to ::1 port 80 (tcp) failed: Connection refused\n',
      exitCode: 1,
    });
  });

  it('curl -d @file sends the file from the pod filesystem; a missing file warns and posts nothing', async () => {
    const { exec } = cluster();
    await exec('client', ['sh', '-c', 'echo "a=1" > /tmp/body']);
    const r = await exec('client', ['curl', '-s', '-d', '@/tmp/body', 'http://10.244.2.7:8080/']);
    expect(r.stdout).toContain('Content-Length: 3');
    expect(r.stdout).toContain('a=1');
    const bin = await exec('client', [
      'sh',
      '-c',
      'cd /tmp && curl -s --data-binary @body http://10.244.2.7:8080/',
    ]);
    expect(bin.stdout).toContain('Content-Length: 4');
    const raw = await exec('client', ['curl', '-s', '--data-raw', '@/tmp/body', 'http://10.244.2.7:8080/']);
    expect(raw.stdout).toContain('Content-Length: 10');
    const missing = await exec('client', ['curl', '-d', '@x', '-o', '/dev/null', 'http://10.244.2.7:8080/']);
    expect(
      missing.stderr.startsWith('Warning: Couldn\'t read data from file "x", this makes an empty POST.\n'),
    ).toBe(true);
    const empty = await exec('client', ['curl', '-s', '-d', '@x', 'http://10.244.2.7:8080/']);
    expect(empty.stderr).toBe('');
    expect(empty.stdout).toContain('POST / HTTP/1.1');
    expect(empty.stdout).toContain('Content-Length: 0');
  });

  it('nslookup: bind (agnhost) and busybox formats, NXDOMAIN', async () => {
    const { exec } = cluster();
    expect(await exec('client', ['nslookup', 'web'])).toMatchObject({
      stdout:
        'Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\nName:\tweb.default.svc.cluster.local\nAddress: 10.96.5.6\n\n',
      exitCode: 0,
    });
    // busybox ≥1.29 asks A and AAAA for every search suffix and prints each reply.
    expect(await exec('bb', ['nslookup', 'web'])).toMatchObject({
      stdout:
        'Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\nName:\tweb.default.svc.cluster.local\nAddress: 10.96.5.6\n\n' +
        "** server can't find web.svc.cluster.local: NXDOMAIN\n\n** server can't find web.cluster.local: NXDOMAIN\n\n\n" +
        "** server can't find web.svc.cluster.local: NXDOMAIN\n\n** server can't find web.cluster.local: NXDOMAIN\n\n",
      exitCode: 1,
    });
    expect(await exec('client', ['nslookup', 'nope'])).toMatchObject({
      stdout: "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\n** server can't find nope: NXDOMAIN\n\n",
      exitCode: 1,
    });
    expect((await exec('client', ['dig', '+short', 'web.default.svc.cluster.local'])).stdout).toBe(
      '10.96.5.6\n',
    );
  });

  it('curl: body, -i, -s -o /dev/null -w, and the error texts', async () => {
    const { exec } = cluster();
    const r = await exec('client', ['curl', '-s', 'http://web-direct:8080/api']);
    expect(JSON.parse(r.stdout)).toMatchObject({
      host: 'web-direct:8080',
      remoteAddr: expect.stringMatching(/^10\.244\.1\.2:/),
    });
    const i = await exec('client', ['curl', '-si', 'http://10.244.2.7:8080/bench']);
    expect(i.stdout).toMatch(
      /^HTTP\/1\.1 200 OK\r\nConnection: keep-alive\r\nContent-Type: text\/plain\r\nDate: .*\r\nContent-Length: 1\r\n\r\n1$/,
    );
    expect(
      (
        await exec('client', [
          'curl',
          '-s',
          '-o',
          '/dev/null',
          '-w',
          '%{http_code}',
          'http://10.244.2.7:8080/',
        ])
      ).stdout,
    ).toBe('200');
    expect(await exec('client', ['curl', 'http://10.244.2.7:81/'])).toMatchObject({
      exitCode: 7,
      stderr: expect.stringMatching(
        /curl: \(7\) Failed to connect to 10\.244\.2\.7 port 81 after 0 ms: Couldn't connect to server\n$/,
      ),
    });
    expect(await exec('client', ['curl', '-sS', 'http://nope/'])).toMatchObject({
      exitCode: 6,
      stderr: 'curl: (6) Could not resolve host: nope\n',
    });
    const v = await exec('client', ['curl', '-sv', 'http://10.244.2.7:8080/bench']);
    expect(v.stderr).toContain(
      '*   Trying 10.244.2.7:8080...\n* Connected to 10.244.2.7 (10.244.2.7) port 8080\n> GET /bench HTTP/1.1\n> Host: 10.244.2.7:8080\n> User-Agent: curl/8.5.0\n> Accept: */*\n> \n< HTTP/1.1 200 OK\n',
    );
  });

  it('wget -qO- and its errors (busybox)', async () => {
    const { exec } = cluster();
    expect((await exec('bb', ['wget', '-qO-', 'http://10.244.2.7:8080/bench'])).stdout).toBe('1');
    expect(await exec('bb', ['wget', '-qO-', 'http://10.244.2.7:81/'])).toMatchObject({
      exitCode: 1,
      stderr: "wget: can't connect to remote host (10.244.2.7): Connection refused\n",
    });
    expect(await exec('bb', ['wget', '-qO-', 'http://10.244.2.7:8080/health?x'])).toMatchObject({
      exitCode: 0,
    });
  });

  it('ip addr / ip route show the pod as Calico attaches it (CNI renderers)', async () => {
    const { exec } = cluster();
    const r = await exec('client', ['ip', 'a']);
    expect(r.stdout).toContain(
      '3: eth0@if4: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1480 qdisc noqueue state UP group default qlen 1000\n',
    );
    expect(r.stdout).toContain('    inet 10.244.1.2/32 scope global eth0\n');
    expect((await exec('client', ['ip', 'route'])).stdout).toBe(
      'default via 169.254.1.1 dev eth0\n169.254.1.1 dev eth0 scope link\n',
    );
  });
});
