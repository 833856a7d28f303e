/**
 * The life of one alert (a rule on one endpoint), as Prometheus and Grafana define it: the
 * condition must hold for `forMs` before it fires; when it stops holding a firing alert resolves.
 */
export type AlertPhase = 'inactive' | 'pending' | 'firing';
export type AlertTransition = 'pending' | 'firing' | 'resolved' | null;

export interface AlertPhaseState {
  phase: AlertPhase;
  /** When the condition started holding (pending or firing), epoch ms. */
  activeSince: number | null;
}

export function nextAlertState(
  previous: AlertPhaseState,
  holds: boolean,
  now: number,
  forMs: number,
): AlertPhaseState & { transition: AlertTransition } {
  if (!holds) {
    return {
      phase: 'inactive',
      activeSince: null,
      transition: previous.phase === 'firing' ? 'resolved' : null,
    };
  }
  const since = previous.phase === 'inactive' ? now : (previous.activeSince ?? now);
  if (previous.phase === 'firing') return { phase: 'firing', activeSince: since, transition: null };
  if (now - since >= forMs) return { phase: 'firing', activeSince: since, transition: 'firing' };
  return {
    phase: 'pending',
    activeSince: since,
    transition: previous.phase === 'pending' ? null : 'pending',
  };
}
