// Which channels a kind of card goes to: `alerts.price` first, then `alerts` (settings `chat.routes`).

/** The route key for one kind of a family of cards (`alerts` + `price` → `alerts.price`). */
export function routeKey(family: string, kind: string | undefined): string {
  return kind ? `${family}.${kind}` : family;
}

/** The channels (`platform:channelId`) a route key names, falling back from `family.kind` to `family`. */
export function routeTargets(routes: Readonly<Record<string, readonly string[]>>, key: string): readonly string[] {
  const exact = routes[key];
  if (exact) return exact;
  const dot = key.indexOf('.');
  return dot > 0 ? (routes[key.slice(0, dot)] ?? []) : [];
}
