import { describe, expect, it } from 'vitest';
import {
  endpointChainName,
  externalChainName,
  firewallChainName,
  localChainName,
  nftEndpointChainBase,
  nftServiceChainBase,
  serviceChainName,
  servicePortNameString,
} from './naming.js';

// Every row of kube-proxy.md §1.3 (names verbatim from proxier_test.go and real clusters).
describe('iptables chain names (kube-proxy.md §1.3)', () => {
  it.each([
    { spn: 'ns1/svc1:p80', protocol: 'tcp', want: 'KUBE-SVC-XPGD46QRK7WJZT7O' },
    { spn: 'ns2/svc2:p80', protocol: 'tcp', want: 'KUBE-SVC-GNZBNJ2PO5MGZ6GT' },
    { spn: 'ns3/svc3:p80', protocol: 'tcp', want: 'KUBE-SVC-X27LE4BHSL4DOUIK' },
    { spn: 'ns4/svc4:p80', protocol: 'tcp', want: 'KUBE-SVC-4SW47YFZTEDKD3PK' },
    { spn: 'ns5/svc5:p80', protocol: 'tcp', want: 'KUBE-SVC-NUKIZ6OKUXPJNT4C' },
    { spn: 'ns2/svc2:p8080', protocol: 'tcp', want: 'KUBE-SVC-2VJB64SDSIJUP5T6' },
    { spn: 'ns4/svc4:p8082', protocol: 'tcp', want: 'KUBE-SVC-EBDQOQU5SJFXRIL3' },
    { spn: 'ns1/svc1', protocol: 'tcp', want: 'KUBE-SVC-AQI2S6QIMU7PVVRP' },
    { spn: 'default/kubernetes:https', protocol: 'TCP', want: 'KUBE-SVC-NPX46M4PTMTKRN6Y' },
    { spn: 'kube-system/kube-dns:dns', protocol: 'UDP', want: 'KUBE-SVC-TCOU7JCQXEZGVUNU' },
    { spn: 'kube-system/kube-dns:dns-tcp', protocol: 'tcp', want: 'KUBE-SVC-ERIFXISQEP7F7OF4' },
    { spn: 'kube-system/kube-dns:metrics', protocol: 'tcp', want: 'KUBE-SVC-JD5MR3NA4I4DYORP' },
    { spn: 'default/my-nginx', protocol: 'tcp', want: 'KUBE-SVC-L65ENXXZWWSAPRCR' },
  ])('$spn/$protocol → $want', ({ spn, protocol, want }) => {
    expect(serviceChainName(spn, protocol)).toBe(want);
  });

  it('shares one hash across SVC, SVL, EXT and FW', () => {
    expect(localChainName('ns1/svc1', 'tcp')).toBe('KUBE-SVL-AQI2S6QIMU7PVVRP');
    expect(externalChainName('ns1/svc1:p80', 'tcp')).toBe('KUBE-EXT-XPGD46QRK7WJZT7O');
    expect(firewallChainName('ns1/svc1:p80', 'tcp')).toBe('KUBE-FW-XPGD46QRK7WJZT7O');
    expect(externalChainName('ns2/svc2:p80', 'tcp')).toBe('KUBE-EXT-GNZBNJ2PO5MGZ6GT');
    expect(firewallChainName('ns5/svc5:p80', 'tcp')).toBe('KUBE-FW-NUKIZ6OKUXPJNT4C');
  });

  it.each([
    { spn: 'ns1/svc1:p80', ep: '10.180.0.1:80', want: 'KUBE-SEP-SXIVWICOYRO3J4NJ' },
    { spn: 'ns2/svc2:p80', ep: '10.180.0.2:80', want: 'KUBE-SEP-RS4RBKLTHTF2IUXJ' },
    { spn: 'ns3/svc3:p80', ep: '10.180.0.3:80', want: 'KUBE-SEP-OYPFS5VJICHGATKP' },
    { spn: 'ns5/svc5:p80', ep: '10.180.0.3:80', want: 'KUBE-SEP-I77PXRDZVX7PMWMN' },
    { spn: 'ns4/svc4:p80', ep: '10.180.0.4:80', want: 'KUBE-SEP-UKSFD7AGPMPPLUHC' },
    { spn: 'ns4/svc4:p80', ep: '10.180.0.5:80', want: 'KUBE-SEP-C6EBXVWJJZMIWKLZ' },
    { spn: 'ns1/svc1:p80', ep: '10.0.1.1:80', want: 'KUBE-SEP-SNQ3ZNILQDEJNDQO' },
    { spn: 'ns3/svc3:p80', ep: '10.0.3.1:80', want: 'KUBE-SEP-BSWRHOQ77KEXZLNL' },
    { spn: 'ns3/svc3:p80', ep: '10.0.3.2:80', want: 'KUBE-SEP-DKCFIS26GWF2WLWC' },
    { spn: 'ns3/svc3:p80', ep: '10.0.3.3:80', want: 'KUBE-SEP-JVVZVJ7BSEPPRNBS' },
    { spn: 'ns2/svc2:p8080', ep: '10.0.2.1:8080', want: 'KUBE-SEP-UHEGFW77JX3KXTOV' },
    { spn: 'ns4/svc4:p80', ep: '10.0.4.1:80', want: 'KUBE-SEP-AYCN5HPXMIRJNJXU' },
    { spn: 'ns1/svc1', ep: '10.0.1.1:80', want: 'KUBE-SEP-3JOIVZTXZZRGORX4' },
    { spn: 'ns1/svc1', ep: '10.0.1.2:80', want: 'KUBE-SEP-IO5XOSKPAXIFQXAJ' },
    { spn: 'ns1/svc1', ep: '10.0.1.3:80', want: 'KUBE-SEP-XGJFVO3L2O5SRFNT' },
    { spn: 'ns1/svc1', ep: '10.0.1.5:80', want: 'KUBE-SEP-EQCHZ7S2PJ72OHAY' },
    { spn: 'ns1/svc1:p80', ep: '10.0.0.0:80', want: 'KUBE-SEP-DKGQUZGBKLTPAR56' },
    { spn: 'ns3/svc3:p8081', ep: '203.0.113.4:8081', want: 'KUBE-SEP-RUVVH7YV3PHQBDOS' },
    { spn: 'ns4/svc4:p8082', ep: '10.4.0.1:8082', want: 'KUBE-SEP-SU5STNODRYEWJAUF' },
    { spn: 'default/kubernetes:https', ep: '192.168.1.5:6443', want: 'KUBE-SEP-54IUPJM2TTG4TKF2' },
    { spn: 'default/my-nginx', ep: '10.244.3.3:80', want: 'KUBE-SEP-MEZP33SDGZXSPSO5' },
  ])('$spn/tcp → $ep → $want', ({ spn, ep, want }) => {
    expect(endpointChainName(spn, 'tcp', ep)).toBe(want);
  });

  it('formats ServicePortName.String() with and without a port name', () => {
    expect(servicePortNameString('ns1', 'svc1', 'p80')).toBe('ns1/svc1:p80');
    expect(servicePortNameString('ns1', 'svc1', '')).toBe('ns1/svc1');
  });
});

describe('nftables names (kube-proxy.md §1.4)', () => {
  it.each([
    { ns: 'ns1', name: 'svc1', want: 'ULMVA6XW-ns1/svc1/tcp/p80' },
    { ns: 'ns2', name: 'svc2', want: '42NFTM6N-ns2/svc2/tcp/p80' },
    { ns: 'ns3', name: 'svc3', want: '4AT6LBPK-ns3/svc3/tcp/p80' },
    { ns: 'ns4', name: 'svc4', want: 'LAUZTJTB-ns4/svc4/tcp/p80' },
    { ns: 'ns5', name: 'svc5', want: 'HVFWP5L3-ns5/svc5/tcp/p80' },
  ])('service base $want', ({ ns, name, want }) => {
    expect(nftServiceChainBase(ns, name, 'TCP', 'p80')).toBe(want);
  });

  it.each([
    { ns: 'ns1', name: 'svc1', ip: '10.180.0.1', want: '5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80' },
    { ns: 'ns2', name: 'svc2', ip: '10.180.0.2', want: 'SGOXE6O3-ns2/svc2/tcp/p80__10.180.0.2/80' },
    { ns: 'ns3', name: 'svc3', ip: '10.180.0.3', want: 'UEIP74TE-ns3/svc3/tcp/p80__10.180.0.3/80' },
    { ns: 'ns4', name: 'svc4', ip: '10.180.0.4', want: 'UNZV3OEC-ns4/svc4/tcp/p80__10.180.0.4/80' },
    { ns: 'ns4', name: 'svc4', ip: '10.180.0.5', want: '5RFCDDV7-ns4/svc4/tcp/p80__10.180.0.5/80' },
    { ns: 'ns5', name: 'svc5', ip: '10.180.0.3', want: 'GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80' },
    { ns: 'ns1', name: 'svc1', ip: 'fd00:10:180::1', want: 'ZVRFLKHO-ns1/svc1/tcp/p80__fd00.10.180..1/80' },
  ])('endpoint base $want', ({ ns, name, ip, want }) => {
    expect(nftEndpointChainBase(ns, name, 'tcp', 'p80', { ip, port: 80 })).toBe(want);
  });
});
