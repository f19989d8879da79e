/**
 * The chat core's Directory for one caller, made of the two stores: accounts from UserStore,
 * ignores and the pager from CommunityStore. Store errors here are bugs or I/O failures and are
 * thrown; every expected outcome ("no such account") is a value.
 */
import type { AccountCard, Directory } from './chat/directory.js';
import type { CommunityStore, User, UserStore, WaitingLimits } from './store/store.js';

export function createAccountDirectory(user: User, users: UserStore, community: CommunityStore, limits: WaitingLimits): Directory {
  return {
    async account(handle) {
      const found = await users.findByHandle(handle);
      return found && card(found);
    },
    accounts: async () => (await users.list()).map(card),
    recentCalls: (limit) => community.recentCalls(limit),
    async leaveMessage(message) {
      const to = await users.findByHandle(message.to);
      if (!to) return 'no-account';
      return community.leaveMessage(to.id, user.id, message, limits);
    },
    async setIgnored(handle, ignored) {
      const target = await users.findByHandle(handle);
      if (target) await community.setIgnored(user.id, target.id, ignored);
    },
    setPagerOff: (off) => community.setPagerOff(user.id, off),
  };
}

function card(user: User): AccountCard {
  return { handle: user.handle, sysop: user.role === 'sysop', createdAt: user.createdAt, lastCallAt: user.lastLoginAt };
}
