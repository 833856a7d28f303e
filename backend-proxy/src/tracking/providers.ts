import type { NewTrackingEvent } from '../store/types';

/**
 * A tracking provider decides what happens to an experiment's events (omega-ml's providers):
 * `default` keeps everything, `notrack` accepts and drops, `profiling` also keeps the
 * `system` statistics the clients sample. Plugins register more with `registerProvider`.
 */
export interface TrackingProvider {
  name: string;
  description: string;
  /** Returns the events to store (possibly none). */
  filter(events: NewTrackingEvent[]): NewTrackingEvent[];
}

/** The event the SDKs' profilers send their samples as (one per statistic; PROFILE_EVENT in both SDKs). */
export const PROFILE_EVENT = 'profile';
/** omega-ml's `log_system` event: platform facts, and numeric statistics some clients send. */
export const SYSTEM_EVENT = 'system';

const registry = new Map<string, TrackingProvider>();

export function registerProvider(provider: TrackingProvider): void {
  registry.set(provider.name, provider);
}

export function getProvider(name: string): TrackingProvider | undefined {
  return registry.get(name);
}

export function providerNames(): string[] {
  return [...registry.keys()].sort();
}

registerProvider({ name: 'default', description: 'stores every event', filter: (events) => events });
registerProvider({ name: 'notrack', description: 'accepts events and drops them', filter: () => [] });
registerProvider({
  name: 'profiling',
  description:
    'stores every event, including the system statistics (cpu, memory, load) that clients sample during runs',
  filter: (events) => events,
});
