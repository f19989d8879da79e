/**
 * The chat core's Directory for one caller, made of the two stores: accounts from UserStore,
 * ignores and the pager from CommunityStore. Store errors here are bugs or I/O failures and are
 * thrown; every expected outcome ("no such account") is a value.
 */
import type { Directory } from './chat/directory.js';
import type { CommunityStore } from './store/community.js';
import type { User, UserStore } from './store/users.js';

export function createAccountDirectory(user: User, users: UserStore, community: CommunityStore): Directory {
  return {
    account(handle) {
      const found = users.findByHandle(handle);
      if (!found) return undefined;
      return { handle: found.handle, sysop: found.role === 'sysop', createdAt: found.createdAt, lastCallAt: found.lastLoginAt };
    },
    ignored: () => community.ignored(user.id),
    setIgnored(handle, ignored) {
      const target = users.findByHandle(handle);
      if (target) community.setIgnored(user.id, target.id, ignored);
    },
    setPagerOff: (off) => community.setPagerOff(user.id, off),
  };
}
