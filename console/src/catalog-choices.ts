/** The catalog items (policies, profiles, segments, …) a form or a filter can name: id and name, up to 500. */
import { useQuery } from '@tanstack/react-query';
import { useSession } from './session.tsx';

export interface Choice {
  id: string;
  name: string;
}

/** `path` is a catalog list (`/v1/organizations/{organizationId}/…`); nothing is read while `enabled` is false. */
export function useChoices(path: string, enabled = true): Choice[] {
  const { client, organizationId } = useSession();
  return (
    useQuery({
      queryKey: ['choices', organizationId, path],
      enabled,
      queryFn: async () => {
        const page = await client.unwrap(client.api.GET(path as '/v1/organizations/{organizationId}/segments', { params: { path: { organizationId }, query: { limit: 500 } } }));
        return page.items.map((item) => ({ id: String(item.id), name: item.name }));
      },
    }).data ?? []
  );
}
