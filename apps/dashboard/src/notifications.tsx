import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { data, type Schemas } from './api/client';
import { useStream, type StreamState } from './api/events';
import { useSession } from './session';

type Item = Schemas['Notification'];

/** The signed-in user's feed, live: the unread count for the bell, and the newest notifications. */
export interface Feed {
  unread: number;
  items: Item[];
  state: StreamState;
  reload: () => void;
  markRead: (id: string) => Promise<void>;
  markAllRead: () => Promise<void>;
}

const FeedContext = createContext<Feed | null>(null);

/** The live feed for those who may read notifications (once it is known that they may). */
export function FeedProvider({ children }: { children: ReactNode }) {
  const { can } = useSession();
  return can('notifications:read') ? <LiveFeed>{children}</LiveFeed> : <>{children}</>;
}

function LiveFeed({ children }: { children: ReactNode }) {
  const { api, token } = useSession();
  const [unread, setUnread] = useState(0);
  const [items, setItems] = useState<Item[]>([]);

  const reload = useCallback(() => {
    void data(api.GET('/api/v1/notifications/unread-count')).then((c) => setUnread(c.unread ?? 0), () => undefined);
    void data(api.GET('/api/v1/notifications', { params: { query: { limit: 50 } } })).then(
      (page) => setItems(page.items ?? []),
      () => undefined,
    );
  }, [api]);

  useEffect(reload, [reload]);

  const state = useStream('/api/v1/notifications/stream', token, {
    // live from here (again, after a reconnect that resumed with Last-Event-ID)
    ready: () => reload(),
    notification: (json) => {
      const item = JSON.parse(json) as Item;
      setItems((all) => (all.some((i) => i.id === item.id) ? all : [item, ...all]));
      if (!item.readAt) {
        setUnread((n) => n + 1);
      }
    },
  });

  const markRead = useCallback(
    async (id: string) => {
      const was = items.find((i) => i.id === id);
      await data(api.POST('/api/v1/notifications/{id}/read', { params: { path: { id } } }));
      if (was && !was.readAt) {
        setUnread((n) => Math.max(0, n - 1));
        setItems((all) => all.map((i) => (i.id === id ? { ...i, readAt: new Date().toISOString() } : i)));
      }
    },
    [api, items],
  );

  const markAllRead = useCallback(async () => {
    await data(api.POST('/api/v1/notifications/read-all'));
    setUnread(0);
    setItems((all) => all.map((i) => (i.readAt ? i : { ...i, readAt: new Date().toISOString() })));
  }, [api]);

  const value = useMemo(
    () => ({ unread, items, state, reload, markRead, markAllRead }),
    [unread, items, state, reload, markRead, markAllRead],
  );
  return <FeedContext.Provider value={value}>{children}</FeedContext.Provider>;
}

/** The feed, or null for a caller who may not read notifications. */
export function useFeed(): Feed | null {
  return useContext(FeedContext);
}
