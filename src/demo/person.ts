/** One person's records, from their index alone: each person draws from a stream of their own, so people can be produced one at a time. */
import { simulateMember } from './member.js';
import { MessageBuilder } from './messages.js';
import { planPerson } from './person-plan.js';
import { createRng } from './random.js';
import type { PersonRecords } from './records.js';
import { simulateBrowser, simulateGuest } from './visitor.js';
import type { World } from './world.js';

export function simulatePerson(world: World, index: number): PersonRecords {
  const plan = planPerson(world, index);
  const rng = createRng(world.seed, 'life', index);
  const builder = new MessageBuilder(world.seed, index, createRng(world.seed, 'message-ids', index));
  switch (plan.kind) {
    case 'browser':
      return simulateBrowser(world, plan, rng, builder);
    case 'member':
      return simulateMember(world, plan, rng, builder);
    case 'guest':
      return simulateGuest(world, plan, rng, builder);
  }
}
