import { traceIdFrom } from './trace-id';

describe('traceIdFrom', () => {
  it('continues a valid W3C traceparent', () => {
    expect(traceIdFrom('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01')).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });

  it.each([undefined, '', 'garbage', '00-00000000000000000000000000000000-00f067aa0ba902b7-01', ['00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01']])(
    'starts a new trace for %j',
    (header) => {
      const id = traceIdFrom(header as string | undefined);
      expect(id).toMatch(/^[0-9a-f]{32}$/);
      expect(id).not.toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    },
  );
});
