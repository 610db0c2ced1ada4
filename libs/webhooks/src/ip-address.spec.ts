import { classifyAddress, parseIpv6, sameAddress } from './ip-address';

describe('classifyAddress', () => {
  it.each([
    ['8.8.8.8'],
    ['93.184.216.34'],
    ['172.15.255.255'],
    ['172.32.0.1'],
    ['192.167.1.1'],
    ['100.63.255.255'],
    ['100.128.0.0'],
    ['2606:4700:4700::1111'],
    ['2001:db8::1'],
    ['::ffff:8.8.8.8'],
  ])('%s is public', (address) => {
    expect(classifyAddress(address)).toEqual({ kind: 'public' });
  });

  it.each([
    ['127.0.0.1', '127.0.0.0/8'],
    ['127.255.255.254', '127.0.0.0/8'],
    ['10.0.0.1', '10.0.0.0/8'],
    ['10.255.255.255', '10.0.0.0/8'],
    ['172.16.0.1', '172.16.0.0/12'],
    ['172.31.255.255', '172.16.0.0/12'],
    ['192.168.1.20', '192.168.0.0/16'],
    ['169.254.1.1', '169.254.0.0/16'],
    ['100.64.0.1', '100.64.0.0/10'],
    ['100.127.255.255', '100.64.0.0/10'],
    ['::1', '::1/128'],
    ['0:0:0:0:0:0:0:1', '::1/128'],
    ['fc00::1', 'fc00::/7'],
    ['fd12:3456:789a::1', 'fc00::/7'],
    ['fe80::1', 'fe80::/10'],
    ['fe80::1%eth0', 'fe80::/10'],
    ['febf::1', 'fe80::/10'],
    // IPv6 spellings of private IPv4 addresses
    ['::ffff:127.0.0.1', '127.0.0.0/8'],
    ['::ffff:7f00:1', '127.0.0.0/8'],
    ['0:0:0:0:0:ffff:7f00:0001', '127.0.0.0/8'],
    ['::ffff:10.1.2.3', '10.0.0.0/8'],
    ['::ffff:c0a8:0101', '192.168.0.0/16'],
    ['::10.0.0.1', '10.0.0.0/8'],
    ['64:ff9b::192.168.0.1', '192.168.0.0/16'],
    ['2002:a00:1::', '10.0.0.0/8'],
  ])('%s is private (%s)', (address, range) => {
    expect(classifyAddress(address)).toMatchObject({ kind: 'private', range });
  });

  it.each([
    ['0.0.0.0', '0.0.0.0/8'],
    ['0.1.2.3', '0.0.0.0/8'],
    ['224.0.0.1', '224.0.0.0/4'],
    ['239.255.255.250', '224.0.0.0/4'],
    ['255.255.255.255', '240.0.0.0/4'],
    ['169.254.169.254', '169.254.169.254/32'],
    ['::ffff:169.254.169.254', '169.254.169.254/32'],
    ['::', '::/128'],
    ['ff02::1', 'ff00::/8'],
    ['fd00:ec2::254', 'fd00:ec2::254/128'],
  ])('%s is never allowed (%s)', (address, range) => {
    expect(classifyAddress(address)).toMatchObject({ kind: 'forbidden', range });
  });

  it('names the embedding when an IPv6 address carries a private IPv4 one', () => {
    expect(classifyAddress('::ffff:127.0.0.1')).toMatchObject({ label: 'loopback (embedded in IPv6)' });
  });

  it('throws for text that is not an address', () => {
    expect(() => classifyAddress('localhost')).toThrow(/not an IP address/);
    expect(() => classifyAddress('127.1')).toThrow(/not an IP address/);
    expect(() => classifyAddress('1.2.3.256')).toThrow(/not an IP address/);
  });
});

describe('parseIpv6 / sameAddress', () => {
  it('expands every form to the same 16 bytes', () => {
    const full = [...parseIpv6('2001:0db8:0000:0000:0000:ff00:0042:8329')!];
    expect([...parseIpv6('2001:db8::ff00:42:8329')!]).toEqual(full);
    expect([...parseIpv6('::ffff:1.2.3.4')!]).toEqual([...parseIpv6('::ffff:102:304')!]);
    expect(parseIpv6('1.2.3.4')).toBeUndefined();
    expect(parseIpv6('12345::')).toBeUndefined();
  });

  it('compares addresses, not strings', () => {
    expect(sameAddress('::1', '0:0:0:0:0:0:0:1')).toBe(true);
    expect(sameAddress('127.0.0.1', '127.0.0.1')).toBe(true);
    expect(sameAddress('127.0.0.1', '127.0.0.2')).toBe(false);
    expect(sameAddress('127.0.0.1', '::ffff:127.0.0.1')).toBe(false);
    expect(sameAddress('example.org', 'example.org')).toBe(false);
  });
});
