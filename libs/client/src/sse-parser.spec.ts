import { SseParser } from './sse-parser';

describe('SseParser', () => {
  it('assembles events across arbitrary chunk boundaries and line endings', () => {
    const stream = 'id: 1-0\nevent: score\ndata: {"modality":"imaging"}\n\n: heartbeat\r\n\r\nid: 2-0\r\nevent: finalized\r\ndata: {"a":1}\r\ndata: {"b":2}\r\n\r\ndata: plain\r\r\n';
    for (const size of [1, 2, 3, 7, stream.length]) {
      const parser = new SseParser();
      const events = [];
      for (let i = 0; i < stream.length; i += size) events.push(...parser.push(stream.slice(i, i + size)));
      expect(events).toEqual([
        { id: '1-0', event: 'score', data: '{"modality":"imaging"}' },
        { id: '2-0', event: 'finalized', data: '{"a":1}\n{"b":2}' },
        { id: '2-0', event: 'message', data: 'plain' },
      ]);
      expect(parser.lastEventId).toBe('2-0');
    }
  });

  it('ignores comments and unknown fields, and keeps a value without the optional space', () => {
    const parser = new SseParser();
    expect(parser.push(':only a comment\n\nretry: 1000\nfoo: bar\ndata:no-space\n\n')).toEqual([{ event: 'message', data: 'no-space' }]);
  });
});
