import { UnrecoverableError } from 'bullmq';
import { isFinalFailure } from './is-final-failure';

describe('isFinalFailure', () => {
  it('is final once the attempts are used up', () => {
    expect(isFinalFailure({ attemptsMade: 2, opts: { attempts: 3 } }, new Error('onnx'))).toBe(false);
    expect(isFinalFailure({ attemptsMade: 3, opts: { attempts: 3 } }, new Error('onnx'))).toBe(true);
    expect(isFinalFailure({ attemptsMade: 1, opts: {} }, new Error('onnx'))).toBe(true);
  });

  it('is final for an UnrecoverableError with attempts left: BullMQ fails a job that stalled too often this way', () => {
    expect(isFinalFailure({ attemptsMade: 1, opts: { attempts: 3 } }, new UnrecoverableError('job stalled more than allowable limit'))).toBe(true);
  });
});
