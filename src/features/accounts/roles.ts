export const roles = ['viewer', 'editor', 'admin'] as const;
export type Role = (typeof roles)[number];

const rank: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };

export function roleAtLeast(role: Role, required: Role): boolean {
  return rank[role] >= rank[required];
}

/** The weaker of two roles: an API token never acts above its user's current membership. */
export function weakerRole(first: Role, second: Role): Role {
  return rank[first] <= rank[second] ? first : second;
}
