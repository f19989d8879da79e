/**
 * A teleconference on a test screen, as the unit tests make it: board "Test BBS", node 2, three
 * in the room, the clock stopped at 09:05 UTC on 15 January 2024 unless `options` say otherwise.
 */
import type { BbsScreen } from '../../src/ui/screen.js';
import { createTeleconference } from '../../src/ui/teleconference.js';
import type { Teleconference, TeleconferenceOptions } from '../../src/ui/teleconference-api.js';

export const TEST_TIME = Date.UTC(2024, 0, 15, 9, 5);

export function testTeleconference(screen: BbsScreen, handle: string, options: Partial<TeleconferenceOptions> = {}): Teleconference {
  return createTeleconference({
    screen,
    bbsName: 'Test BBS',
    handle,
    node: 2,
    maxMessageLength: 200,
    maxPasteLines: 5,
    now: () => TEST_TIME,
    roomCount: () => 3,
    completions: () => [],
    timeZone: 'UTC',
    ...options,
  });
}
